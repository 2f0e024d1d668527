/* app_reference.c: administration pages of categories, legal reasons and response templates (workflow 3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/app_reference.h"
#include "store/db.h"
#include "store/directorates.h"
#include "util/json_str.h"
#include "util/xalloc.h"
#include "web/app_reference.h"
#include "web/form.h"
#include "web/page.h"

static const char *const LEGAL_CHOICES[] = {"petition_3071", "info_4982", "none", NULL};
static const char *const ACTION_CHOICES[] = {"reject", "forward", NULL};
static const char *const PURPOSE_CHOICES[] = {"rejected", "forwarded", "routed", "info_needed", "interim",
					      "answer", "feedback", NULL};

static const struct field category_fields[] = {
	{"code", F_TEXT, true, 64, NULL, "field.code", 0, 0},
	{"name_tr", F_TEXT, true, 200, NULL, "appref.field.name_tr", 0, 0},
	{"name_en", F_TEXT, true, 200, NULL, "appref.field.name_en", 0, 0},
	{"group_tr", F_TEXT, false, 100, NULL, "appref.field.group_tr", 0, 0},
	{"group_en", F_TEXT, false, 100, NULL, "appref.field.group_en", 0, 0},
	{"description_tr", F_LONGTEXT, false, 2000, NULL, "appref.field.description_tr", 0, 0},
	{"description_en", F_LONGTEXT, false, 2000, NULL, "appref.field.description_en", 0, 0},
	{"keywords", F_TEXT, false, 1000, NULL, "appref.field.keywords", 0, 0},
	{"directorate_id", F_ID, false, 0, NULL, "appref.field.directorate", 0, 0},
	{"office_warn_days", F_INT, true, 0, NULL, "appref.field.office_warn_days", 0, 365},
	{"office_due_days", F_INT, true, 0, NULL, "appref.field.office_due_days", 1, 365},
	{"legal_clock", F_ENUM, true, 0, LEGAL_CHOICES, "appref.field.legal_clock", 0, 0},
	{"legal_warn_percent", F_INT, true, 0, NULL, "appref.field.legal_warn_percent", 1, 99},
	{"file_plan_code", F_TEXT, false, 32, NULL, "appref.field.file_plan_code", 0, 0},
	{"attributes", F_LONGTEXT, false, 20000, NULL, "appref.field.attributes", 0, 0},
	{"active", F_BOOL, false, 0, NULL, "field.active", 0, 0},
};

static const struct field reason_fields[] = {
	{"code", F_TEXT, true, 64, NULL, "field.code", 0, 0},
	{"article", F_TEXT, true, 32, NULL, "appref.field.article", 0, 0},
	{"action", F_ENUM, true, 0, ACTION_CHOICES, "appref.field.action", 0, 0},
	{"label_tr", F_TEXT, true, 300, NULL, "appref.field.label_tr", 0, 0},
	{"label_en", F_TEXT, true, 300, NULL, "appref.field.label_en", 0, 0},
	{"active", F_BOOL, false, 0, NULL, "field.active", 0, 0},
};

static const struct field template_fields[] = {
	{"purpose", F_ENUM, true, 0, PURPOSE_CHOICES, "appref.field.purpose", 0, 0},
	{"category_id", F_ID, false, 0, NULL, "appref.field.category", 0, 0},
	{"title", F_TEXT, true, 200, NULL, "appref.field.title", 0, 0},
	{"body_tr", F_LONGTEXT, true, 20000, NULL, "appref.field.body_tr", 0, 0},
	{"body_en", F_LONGTEXT, false, 20000, NULL, "appref.field.body_en", 0, 0},
	{"active", F_BOOL, false, 0, NULL, "field.active", 0, 0},
};

#define COUNT(a) (sizeof a / sizeof a[0])

/* ---- attributes as text ---- */

static void add_trimmed(struct buf *b, const char *s)
{
	/* The separators of the text form cannot appear inside a part. */
	for (; s && *s; s++)
		buf_addc(b, *s == '|' || *s == ';' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

char *appref_attributes_text(const json_t *attributes)
{
	struct buf b = BUF_INIT;
	size_t i;
	const json_t *a;
	json_array_foreach(attributes, i, a) {
		add_trimmed(&b, json_string_value(json_object_get(a, "code")));
		buf_adds(&b, " | ");
		add_trimmed(&b, json_string_value(json_object_get(a, "datatype")));
		buf_adds(&b, json_is_true(json_object_get(a, "required")) ? " | evet | " : " | hayır | ");
		add_trimmed(&b, json_string_value(json_object_get(a, "description_tr")));
		buf_adds(&b, " | ");
		add_trimmed(&b, json_string_value(json_object_get(a, "description_en")));
		const json_t *values = json_object_get(a, "values");
		if (json_array_size(values) > 0) {
			buf_adds(&b, " | ");
			size_t k;
			const json_t *v;
			json_array_foreach(values, k, v) {
				if (k)
					buf_adds(&b, "; ");
				add_trimmed(&b, json_string_value(json_object_get(v, "key")));
				buf_addc(&b, '=');
				add_trimmed(&b, json_string_value(json_object_get(v, "name_tr")));
				buf_addc(&b, '=');
				add_trimmed(&b, json_string_value(json_object_get(v, "name_en")));
			}
		}
		buf_addc(&b, '\n');
	}
	return buf_detach(&b, NULL);
}

/* Splits s at sep into at most max trimmed parts (the last keeps any further separators). */
static size_t split(char *s, char sep, char **parts, size_t max)
{
	size_t n = 0;
	while (n < max) {
		char *end = n + 1 < max ? strchr(s, sep) : NULL;
		if (end)
			*end = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		size_t len = strlen(s);
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
			s[--len] = '\0';
		parts[n++] = s;
		if (!end)
			break;
		s = end + 1;
	}
	return n;
}

static json_t *required_value(const char *s)
{
	static const char *const yes[] = {"evet", "Evet", "EVET", "yes", "Yes", "1", "true", "zorunlu", NULL};
	static const char *const no[] = {"hayır", "Hayır", "HAYIR", "hayir", "no", "No", "0", "false", "", NULL};
	for (size_t i = 0; yes[i]; i++)
		if (strcmp(s, yes[i]) == 0)
			return json_true();
	for (size_t i = 0; no[i]; i++)
		if (strcmp(s, no[i]) == 0)
			return json_false();
	return json_string(s); /* the store names "attributes.required" */
}

json_t *appref_attributes_parse(const char *text, int *bad_line)
{
	*bad_line = 0;
	json_t *list = json_array();
	char *copy = xstrdup(text ? text : "");
	int line = 0;
	for (char *p = copy, *next; p; p = next) {
		line++;
		next = strchr(p, '\n');
		if (next)
			*next++ = '\0';
		char *parts[6];
		size_t n = split(p, '|', parts, 6);
		if (n == 1 && !*parts[0])
			continue; /* a blank line */
		if (n < 4) {
			*bad_line = line;
			json_decref(list);
			list = NULL;
			break;
		}
		json_t *values = json_array();
		if (n == 6 && *parts[5]) {
			char *items[200];
			size_t m = split(parts[5], ';', items, 200);
			for (size_t k = 0; k < m; k++) {
				if (!*items[k])
					continue;
				char *names[3] = {"", "", ""};
				split(items[k], '=', names, 3);
				json_array_append_new(values, json_pack("{s:s,s:s,s:s}", "key", names[0], "name_tr",
									names[1], "name_en", names[2]));
			}
		}
		json_array_append_new(list, json_pack("{s:s,s:s,s:o,s:I,s:s,s:s,s:o}", "code", parts[0], "datatype",
						      parts[1], "required", required_value(parts[2]), "order",
						      (json_int_t)json_array_size(list) + 1, "description_tr", parts[3],
						      "description_en", n > 4 ? parts[4] : "", "values", values));
	}
	free(copy);
	return list;
}

/* ---- shared pieces ---- */

void appref_store_error(struct req *r, json_t *errors, int64_t rc, const char *field)
{
	static const struct {
		const char *field, *key;
	} messages[] = {
		{"code", "appref.error.code"},
		{"office_warn_days", "appref.error.warn_days"},
		{"legal_clock", "error.choice"},
		{"action", "error.choice"},
		{"purpose", "error.choice"},
		{"file_plan_code", "appref.error.file_plan_code"},
		{"attributes.code", "appref.error.attr_code"},
		{"attributes.datatype", "appref.error.attr_datatype"},
		{"attributes.required", "appref.error.attr_required"},
		{"attributes.values", "appref.error.attr_values"},
		{"attributes.values.key", "appref.error.attr_value"},
		{"attributes.values.name_tr", "appref.error.attr_value"},
		{"attributes.values.name_en", "appref.error.attr_value"},
		{"attributes.description_tr", "appref.error.attr_description"},
		{"attributes", "appref.error.attributes"},
	};
	if (!field)
		field = "code";
	const char *key = rc == APPREF_DUPLICATE ? "error.duplicate" : "error.invalid";
	for (size_t i = 0; rc != APPREF_DUPLICATE && i < COUNT(messages); i++)
		if (strcmp(field, messages[i].field) == 0)
			key = messages[i].key;
	/* The label of the form field the error belongs to ("attributes" for "attributes.values"). */
	size_t base_len = strcspn(field, ".");
	const char *label = NULL;
	const struct field *tables[] = {category_fields, reason_fields, template_fields};
	const size_t sizes[] = {COUNT(category_fields), COUNT(reason_fields), COUNT(template_fields)};
	for (size_t t = 0; !label && t < 3; t++)
		for (size_t i = 0; !label && i < sizes[t]; i++)
			if (strlen(tables[t][i].name) == base_len && strncmp(tables[t][i].name, field, base_len) == 0)
				label = tables[t][i].label_key;
	struct buf msg = BUF_INIT;
	json_t *args = json_pack("{s:s}", "field", i18n_get(r->lang, label ? label : "field.code"));
	i18n_format(&msg, r->lang, key, args);
	json_decref(args);
	char *name = r->is_api ? xstrdup(field) : xstrndup(field, base_len);
	if (!json_object_get(errors, name))
		json_object_set_new(errors, name, json_string(msg.data ? msg.data : ""));
	free(name);
	buf_free(&msg);
}

/* [{value, label, selected}] for a select of fixed choices labelled by prefix+choice. */
static json_t *choice_options(struct req *r, const char *const *choices, const char *prefix, const char *selected)
{
	json_t *list = json_array();
	for (size_t i = 0; choices[i]; i++) {
		char key[96];
		snprintf(key, sizeof key, "%s%s", prefix, choices[i]);
		json_array_append_new(list, json_pack("{s:s,s:s,s:b}", "value", choices[i], "label",
						      i18n_get(r->lang, key), "selected",
						      selected && strcmp(selected, choices[i]) == 0));
	}
	return list;
}

static const char *label_of(struct req *r, const char *prefix, const char *choice)
{
	char key[96];
	snprintf(key, sizeof key, "%s%s", prefix, choice ? choice : "");
	return i18n_get(r->lang, key);
}

static int64_t int_member(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* How each resource is edited: its fields, template, store calls and what its form needs beside the values. */
struct resource {
	const struct field *fields;
	size_t n_fields;
	const char *form, *title_new, *title_edit, *list_href;
	int64_t (*save)(struct db *db, const char *actor, int64_t id, const json_t *values, const char **field);
	json_t *(*get)(struct db *db, int64_t id);
	/* Turns checked form values into the store's shape; returns false after adding errors. */
	bool (*prepare)(struct req *r, json_t *values, json_t *errors);
	/* Adds the select options (and the like) the form shows for values. */
	void (*decorate)(struct req *r, json_t *ctx, const json_t *values);
	/* Turns a stored record into the form's values before editing (NULL: shown as stored). */
	void (*to_form)(json_t *values);
};

/* The context of the form of res for record id (0: a new one), decorated for values. */
static json_t *form_context(struct req *r, const struct resource *res, int64_t id, const json_t *values)
{
	char action[96];
	if (id)
		snprintf(action, sizeof action, "%s/%lld", res->list_href, (long long)id);
	else
		snprintf(action, sizeof action, "%s", res->list_href);
	json_t *ctx = json_pack("{s:s,s:s,s:b}", "action", action, "cancel", res->list_href, "editing", id != 0);
	res->decorate(r, ctx, values);
	return ctx;
}

static void render_form(struct req *r, const struct resource *res, int64_t id, json_t *values)
{
	json_t *ctx = form_context(r, res, id, values);
	json_object_set_new(ctx, "values", values);
	page_render(r, 200, res->form, id ? res->title_edit : res->title_new, ctx);
}

static void fail_form(struct req *r, const struct resource *res, int64_t id, json_t *values, json_t *errors)
{
	json_t *ctx = form_context(r, res, id, values);
	form_fail(r, res->form, id ? res->title_edit : res->title_new, ctx, values, errors);
}

/* Shows the edit form of the record the path names, or 404. */
static void edit_resource(struct req *r, const struct resource *res)
{
	int64_t id = req_arg_id(r, 0);
	json_t *values = res->get(r->db, id);
	if (!values) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	if (res->to_form)
		res->to_form(values);
	render_form(r, res, id, values);
}

/* Checks the form, saves in one transaction, and answers: redirect to the list, 422 with the errors, or 404. */
static void save_resource(struct req *r, const struct resource *res, int64_t id)
{
	if (id) {
		json_t *existing = res->get(r->db, id);
		if (!existing) {
			resp_error(r, 404, "not_found", "error.not_found");
			return;
		}
		json_decref(existing);
	}
	json_t *values = json_object(), *errors = json_object();
	if (form_check(r, res->fields, res->n_fields, values, errors) > 0) {
		fail_form(r, res, id, values, errors);
		return;
	}
	json_t *shown = json_deep_copy(values); /* as typed, for a failed form */
	if (res->prepare && !res->prepare(r, values, errors)) {
		json_decref(values);
		fail_form(r, res, id, shown, errors);
		return;
	}
	if (db_begin_write(r->db) != 0) {
		json_decref(values);
		json_decref(shown);
		json_decref(errors);
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	const char *field = NULL;
	int64_t rc = res->save(r->db, r->actor.username, id, values, &field);
	json_decref(values);
	if (rc > 0 && db_commit(r->db) == 0) {
		json_decref(shown);
		json_decref(errors);
		page_flash(r, "flash.saved");
		resp_redirect(r, res->list_href);
		return;
	}
	db_rollback(r->db);
	if (rc == APPREF_INVALID || rc == APPREF_DUPLICATE) {
		appref_store_error(r, errors, rc, field);
		fail_form(r, res, id, shown, errors);
		return;
	}
	json_decref(shown);
	json_decref(errors);
	if (rc == APPREF_NOT_FOUND)
		resp_error(r, 404, "not_found", "error.not_found");
	else
		resp_error(r, 500, "internal", "error.internal");
}

/* ---- categories ---- */

static bool category_prepare(struct req *r, json_t *values, json_t *errors)
{
	int bad_line = 0;
	json_t *attributes = appref_attributes_parse(json_str(values, "attributes"), &bad_line);
	if (!attributes) {
		struct buf msg = BUF_INIT;
		json_t *args = json_pack("{s:i}", "line", bad_line);
		i18n_format(&msg, r->lang, "appref.error.attr_line", args);
		json_decref(args);
		json_object_set_new(errors, "attributes", json_string(msg.data ? msg.data : ""));
		buf_free(&msg);
		return false;
	}
	json_object_set_new(values, "attributes", attributes);
	return true;
}

static void category_decorate(struct req *r, json_t *ctx, const json_t *values)
{
	json_t *dirs = directorate_list(r->db, "", false, "", 200);
	json_t *options = json_array();
	int64_t selected = int_member(values, "directorate_id");
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(dirs, "items"), i, d) {
		int64_t id = int_member(d, "id");
		if (!json_is_true(json_object_get(d, "active")) && id != selected)
			continue;
		json_array_append_new(options, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)id, "name",
							 json_str(d, "name"), "selected", id == selected));
	}
	json_decref(dirs);
	json_object_set_new(ctx, "directorates", options);
	json_object_set_new(ctx, "legal_clocks",
			    choice_options(r, LEGAL_CHOICES, "appref.legal.", json_str(values, "legal_clock")));
}

/* The form edits the attributes as text (appref_attributes_text). */
static void category_to_form(json_t *values)
{
	char *text = appref_attributes_text(json_object_get(values, "attributes"));
	json_object_set_new(values, "attributes", json_string(text));
	free(text);
}

static const struct resource categories = {
	category_fields, COUNT(category_fields), "admin_category_form", "appref.categories.new",
	"appref.categories.edit", "/admin/categories", app_category_save, app_category_get, category_prepare,
	category_decorate, category_to_form,
};

void h_admin_categories(struct req *r)
{
	json_t *items = app_category_list(r->db, false);
	size_t i;
	json_t *c;
	json_array_foreach(items, i, c) {
		json_object_set_new(c, "legal_label",
				    json_string(label_of(r, "appref.legal.", json_str(c, "legal_clock"))));
		json_object_set_new(c, "n_attributes", json_integer((json_int_t)json_array_size(json_object_get(c, "attributes"))));
	}
	page_render(r, 200, "admin_categories", "appref.categories.title",
		    json_pack("{s:o,s:b}", "items", items, "can_edit", (r->actor.role & APPREF_WRITE) != 0));
}

void h_admin_category_new(struct req *r)
{
	struct clock_policy p;
	clock_policy_default(&p);
	json_t *values = json_pack("{s:i,s:i,s:s,s:i,s:b}", "office_warn_days", p.office_warn_days, "office_due_days",
				   p.office_due_days, "legal_clock", legal_clock_name(p.legal), "legal_warn_percent",
				   p.legal_warn_percent, "active", 1);
	render_form(r, &categories, 0, values);
}

void h_admin_category_create(struct req *r)
{
	save_resource(r, &categories, 0);
}

void h_admin_category_edit(struct req *r)
{
	edit_resource(r, &categories);
}

void h_admin_category_update(struct req *r)
{
	save_resource(r, &categories, req_arg_id(r, 0));
}

/* ---- legal reasons ---- */

/* legal_reason_get finds by code; the pages address a reason by id. */
static json_t *reason_by_id(struct db *db, int64_t id)
{
	json_t *list = legal_reason_list(db, false), *found = NULL;
	size_t i;
	json_t *reason;
	json_array_foreach(list, i, reason) {
		if (int_member(reason, "id") == id) {
			found = json_incref(reason);
			break;
		}
	}
	json_decref(list);
	return found;
}

static void reason_decorate(struct req *r, json_t *ctx, const json_t *values)
{
	json_object_set_new(ctx, "actions",
			    choice_options(r, ACTION_CHOICES, "appref.action.", json_str(values, "action")));
}

static const struct resource reasons = {
	reason_fields, COUNT(reason_fields), "admin_legal_reason_form", "appref.reasons.new", "appref.reasons.edit",
	"/admin/legal-reasons", legal_reason_save, reason_by_id, NULL, reason_decorate, NULL,
};

void h_admin_legal_reasons(struct req *r)
{
	json_t *items = legal_reason_list(r->db, false);
	size_t i;
	json_t *x;
	json_array_foreach(items, i, x)
		json_object_set_new(x, "action_label",
				    json_string(label_of(r, "appref.action.", json_str(x, "action"))));
	page_render(r, 200, "admin_legal_reasons", "appref.reasons.title",
		    json_pack("{s:o,s:b}", "items", items, "can_edit", (r->actor.role & APPREF_WRITE) != 0));
}

void h_admin_legal_reason_new(struct req *r)
{
	render_form(r, &reasons, 0, json_pack("{s:s,s:b}", "action", "reject", "active", 1));
}

void h_admin_legal_reason_create(struct req *r)
{
	save_resource(r, &reasons, 0);
}

void h_admin_legal_reason_edit(struct req *r)
{
	edit_resource(r, &reasons);
}

void h_admin_legal_reason_update(struct req *r)
{
	save_resource(r, &reasons, req_arg_id(r, 0));
}

/* ---- response templates ---- */

static void template_decorate(struct req *r, json_t *ctx, const json_t *values)
{
	json_object_set_new(ctx, "purposes",
			    choice_options(r, PURPOSE_CHOICES, "appref.purpose.", json_str(values, "purpose")));
	json_t *cats = app_category_list(r->db, false), *options = json_array();
	int64_t selected = int_member(values, "category_id");
	size_t i;
	json_t *c;
	json_array_foreach(cats, i, c) {
		int64_t id = int_member(c, "id");
		json_array_append_new(options, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)id, "name",
							 json_str(c, r->lang == LANG_EN ? "name_en" : "name_tr"),
							 "selected", id == selected));
	}
	json_decref(cats);
	json_object_set_new(ctx, "categories", options);
	json_object_set_new(ctx, "placeholders",
			    json_string("{code} {name} {subject} {directorate} {authority} {reason} {date}"));
}

static const struct resource templates = {
	template_fields, COUNT(template_fields), "admin_template_form", "appref.templates.new",
	"appref.templates.edit", "/admin/templates", response_template_save, response_template_get, NULL,
	template_decorate, NULL,
};

void h_admin_templates(struct req *r)
{
	const char *purpose = params_get(&r->query, "purpose");
	json_t *items = response_template_list(r->db, purpose ? purpose : "", -1, false);
	size_t i;
	json_t *t;
	json_array_foreach(items, i, t)
		json_object_set_new(t, "purpose_label",
				    json_string(label_of(r, "appref.purpose.", json_str(t, "purpose"))));
	page_render(r, 200, "admin_templates", "appref.templates.title",
		    json_pack("{s:o,s:o,s:b}", "items", items, "purposes",
			      choice_options(r, PURPOSE_CHOICES, "appref.purpose.", purpose), "can_edit",
			      (r->actor.role & APPREF_WRITE) != 0));
}

void h_admin_template_new(struct req *r)
{
	render_form(r, &templates, 0, json_pack("{s:s,s:b}", "purpose", "answer", "active", 1));
}

void h_admin_template_create(struct req *r)
{
	save_resource(r, &templates, 0);
}

void h_admin_template_edit(struct req *r)
{
	edit_resource(r, &templates);
}

void h_admin_template_update(struct req *r)
{
	save_resource(r, &templates, req_arg_id(r, 0));
}
