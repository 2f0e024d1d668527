/* applications.c: the list of applications, its CSV, the front-desk form and the receipt (the case page and its
 * actions are applications_case.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/applications.h"
#include "core/application_flow.h"
#include "core/bizcal.h"
#include "core/workflow.h"
#include "render/receipt.h"
#include "store/app_reference.h"
#include "store/applications.h"
#include "store/directorates.h"
#include "store/neighbourhoods.h"
#include "store/parties.h"
#include "store/settings.h"
#include "store/setup.h"
#include "util/buf.h"
#include "util/json_str.h"
#include "web/applications.h"
#include "web/form.h"
#include "web/list_page.h"
#include "web/page.h"
#include "web/select_options.h"

static const char *const kinds[] = {"complaint", "request", "suggestion", "information", NULL};
/* The channels staff record at the front desk (web, Open311 and API come in by themselves). */
static const char *const desk_channels[] = {"in_person", "phone", "letter", "email", "bizim_meram", "cimer", NULL};
static const char *const all_channels[] = {"in_person", "phone", "letter", "email", "web", "bizim_meram",
					   "cimer", "open311", "api", NULL};
static const char *const preferred[] = {"sms", "email", "phone", "none", NULL};

/* ---- shared display helpers ---- */

/* The words of a clock: "3 gün kaldı", "2 gün gecikti", "Bugün", "Duraklatıldı", "Zamanında", ... */
static json_t *clock_one(struct req *r, const json_t *c, int64_t now)
{
	const char *status = json_str(c, "status");
	int64_t due = json_integer_value(json_object_get(c, "due_at"));
	json_t *v = json_pack("{s:s,s:i,s:b}", "status", status, "percent",
			      (int)json_integer_value(json_object_get(c, "percent_used")), "paused",
			      strcmp(status, "paused") == 0);
	const char *cls = "tag";
	struct buf words = BUF_INIT;
	if (!*status || strcmp(status, "none") == 0) {
		json_decref(v);
		buf_free(&words);
		return json_null();
	}
	/* Calendar days between today and the due day, in Istanbul time. */
	int days = due ? (int)((unix_from_ymd_min(ymd_from_unix(due), 0) - unix_from_ymd_min(ymd_from_unix(now), 0) +
				43200) / 86400)
		       : 0;
	if (strcmp(status, "stopped") == 0) {
		bool met = json_is_true(json_object_get(c, "met"));
		cls = met ? "tag ok" : "tag error";
		buf_adds(&words, i18n_get(r->lang, met ? "apps.clock.met" : "apps.clock.late"));
	} else if (strcmp(status, "paused") == 0) {
		cls = "tag muted";
		buf_adds(&words, i18n_get(r->lang, "apps.clock.paused"));
	} else if (strcmp(status, "overdue") == 0 || due <= now) {
		cls = "tag error";
		json_t *args = json_pack("{s:i}", "days", days < 0 ? -days : 1);
		i18n_format(&words, r->lang, "common.days_overdue", args);
		json_decref(args);
	} else {
		cls = strcmp(status, "warning") == 0 ? "tag warn" : "tag ok";
		if (days == 0) {
			buf_adds(&words, i18n_get(r->lang, "apps.clock.due_today"));
		} else {
			json_t *args = json_pack("{s:i}", "days", days);
			i18n_format(&words, r->lang, "common.days_left", args);
			json_decref(args);
		}
	}
	char when[64] = "";
	if (due)
		page_format_time(r, due, when, sizeof when);
	char key[48];
	snprintf(key, sizeof key, "apps.clock.%s", status);
	json_object_set_new(v, "label", json_string(words.data ? words.data : ""));
	json_object_set_new(v, "status_label", json_string(i18n_has(key) ? i18n_get(r->lang, key) : status));
	json_object_set_new(v, "class", json_string(cls));
	json_object_set_new(v, "due", json_string(when));
	int pct = (int)json_integer_value(json_object_get(c, "percent_used"));
	json_object_set_new(v, "bar", json_integer(pct < 0 ? 0 : pct > 100 ? 100 : pct));
	buf_free(&words);
	return v;
}

json_t *apps_clock_view(struct req *r, const json_t *o)
{
	int64_t now = (int64_t)time(NULL);
	json_t *clocks = json_object_get(o, "clocks");
	return json_pack("{s:o,s:o}", "office", clock_one(r, json_object_get(clocks, "office"), now), "legal",
			 clock_one(r, json_object_get(clocks, "legal"), now));
}

void apps_decorate_row(struct req *r, json_t *o)
{
	char key[64];
	snprintf(key, sizeof key, "app.state.%s", json_str(o, "state"));
	json_object_set_new(o, "state_label",
			    json_string(i18n_has(key) ? i18n_get(r->lang, key) : json_str(o, "state")));
	snprintf(key, sizeof key, "apps.kind.%s", json_str(o, "kind"));
	json_object_set_new(o, "kind_label", json_string(i18n_has(key) ? i18n_get(r->lang, key) : json_str(o, "kind")));
	snprintf(key, sizeof key, "apps.channel.%s", json_str(o, "channel"));
	json_object_set_new(o, "channel_label",
			    json_string(i18n_has(key) ? i18n_get(r->lang, key) : json_str(o, "channel")));
	char when[64] = "";
	page_format_time(r, json_integer_value(json_object_get(o, "received_at")), when, sizeof when);
	json_object_set_new(o, "received", json_string(when));
	json_object_set_new(o, "clock", apps_clock_view(r, o));
}

/* The active categories grouped for a <select>: [{group, items: [{id, name, selected}]}]. */
static json_t *category_groups(struct req *r, int64_t selected)
{
	json_t *all = app_category_list(r->db, true), *groups = json_array(), *c;
	size_t i;
	bool en = r->lang == LANG_EN;
	json_array_foreach(all, i, c)
	{
		const char *group = json_str(c, en && *json_str(c, "group_en") ? "group_en" : "group_tr");
		const char *name = json_str(c, en && *json_str(c, "name_en") ? "name_en" : "name_tr");
		json_t *last = json_array_get(groups, json_array_size(groups) - 1);
		if (!last || strcmp(json_str(last, "group"), group) != 0) {
			last = json_pack("{s:s,s:[]}", "group", group, "items");
			json_array_append_new(groups, last);
		}
		int64_t id = json_integer_value(json_object_get(c, "id"));
		json_array_append_new(json_object_get(last, "items"),
				      json_pack("{s:I,s:s,s:b}", "id", (json_int_t)id, "name", name, "selected",
						id == selected));
	}
	json_decref(all);
	return groups;
}

/* Items of a {items, next} list of id/name records as [{id, name, selected}]. */
static json_t *id_options(json_t *page, int64_t selected)
{
	json_t *out = json_array(), *o;
	size_t i;
	json_array_foreach(json_object_get(page, "items"), i, o)
	{
		int64_t id = json_integer_value(json_object_get(o, "id"));
		json_array_append_new(out, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)id, "name", json_str(o, "name"),
						     "selected", id == selected));
	}
	json_decref(page);
	return out;
}

/* ---- the list ---- */

static int64_t query_id(struct req *r, const char *name)
{
	const char *v = params_get(&r->query, name);
	return v && *v && strspn(v, "0123456789") == strlen(v) && strlen(v) < 18 ? strtoll(v, NULL, 10) : 0;
}

void h_applications_csv(struct req *r)
{
	struct app_filter f;
	const char *bad = apps_filter_from_query(r, &f);
	if (bad) {
		resp_error(r, 400, "bad_request", "error.bad_request");
		return;
	}
	apps_send_csv(r, &f);
}

void h_applications(struct req *r)
{
	struct app_filter f;
	const char *bad = apps_filter_from_query(r, &f);
	if (bad) {
		/* Show the list without the bad filter (only the text filters and the scope kept), the error beside it. */
		struct app_filter keep = f;
		memset(&f, 0, sizeof f);
		f.directorate_scope = keep.directorate_scope;
		f.q = strcmp(bad, "q") != 0 ? keep.q : NULL;
	}
	const char *after = params_get(&r->query, "after");
	if (after && strspn(after, "0123456789.") != strlen(after))
		after = NULL;
	int64_t now = (int64_t)time(NULL);
	json_t *ctx = f.directorate_scope < 0 ? json_pack("{s:[],s:n}", "items", "next")
					      : app_list(r->db, &f, after, 50, now);
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(ctx, "items"), i, o) apps_decorate_row(r, o);
	json_t *states = json_array();
	for (size_t s = 0; s < application_flow.n_states; s++)
		json_array_append_new(states, json_pack("{s:s,s:s,s:b}", "value", application_flow.states[s].name,
							"label",
							i18n_get(r->lang, application_flow.states[s].label_key),
							"selected", f.state && strcmp(f.state, application_flow.states[s].name) == 0));
	json_object_set_new(ctx, "state_options", states);
	json_object_set_new(ctx, "kind_options", select_options(r, kinds, "apps.kind.", f.kind));
	json_object_set_new(ctx, "channel_options", select_options(r, all_channels, "apps.channel.", f.channel));
	json_object_set_new(ctx, "category_groups", category_groups(r, f.category_id));
	if (apps_scope(r) == 0)
		json_object_set_new(ctx, "directorate_options",
				    id_options(directorate_list(r->db, "", false, NULL, 500), f.directorate_id));
	json_object_set_new(ctx, "neighbourhood_options",
			    id_options(neighbourhood_list(r->db, "", false, NULL, 500), f.neighbourhood_id));
	json_object_set_new(ctx, "can_create", json_boolean((r->actor.role & APPS_OFFICE) != 0));
	json_t *filter = json_object();
	static const char *const names[] = {"q", "from", "to"};
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		const char *v = params_get(&r->query, names[k]);
		json_object_set_new(filter, names[k], json_string(v && (!bad || strcmp(bad, names[k]) != 0) ? v : ""));
	}
	json_object_set_new(filter, "overdue", json_boolean(f.overdue));
	json_object_set_new(ctx, "filter", filter);
	if (bad) {
		struct buf msg = BUF_INIT;
		json_t *args = json_pack("{s:s}", "field", i18n_get(r->lang, apps_field_label_key(bad)));
		i18n_format(&msg, r->lang, "error.invalid", args);
		json_decref(args);
		json_t *errors = json_object();
		json_object_set_new(errors, bad, json_string(msg.data ? msg.data : ""));
		json_object_set_new(ctx, "errors", errors);
		buf_free(&msg);
	}
	list_csv_href(r, ctx, "/applications.csv", bad);
	page_next_href(r, ctx, "/applications");
	page_render(r, bad ? 422 : 200, "applications", "apps.title", ctx);
}

/* ---- the front-desk form ---- */

enum {
	AF_PARTY,
	AF_NAME,
	AF_PHONE,
	AF_EMAIL,
	AF_PREFERRED,
	AF_KIND,
	AF_CHANNEL,
	AF_EXTERNAL,
	AF_CATEGORY,
	AF_SUBJECT,
	AF_DESCRIPTION,
	AF_NEIGHBOURHOOD,
	AF_ADDRESS,
	AF__MAX
};

static const struct field app_fields[AF__MAX] = {
	[AF_PARTY] = {"party_id", F_ID, false, 0, NULL, "apps.field.applicant_name", 0, 0},
	[AF_NAME] = {"applicant_name", F_TEXT, false, 200, NULL, "apps.field.applicant_name", 0, 0},
	[AF_PHONE] = {"phone", F_PHONE, false, 30, NULL, "field.phone", 0, 0},
	[AF_EMAIL] = {"email", F_EMAIL, false, 254, NULL, "field.email", 0, 0},
	[AF_PREFERRED] = {"preferred_channel", F_ENUM, false, 0, preferred, "apps.field.preferred_channel", 0, 0},
	[AF_KIND] = {"kind", F_ENUM, true, 0, kinds, "apps.field.kind", 0, 0},
	[AF_CHANNEL] = {"channel", F_ENUM, true, 0, desk_channels, "apps.field.channel", 0, 0},
	[AF_EXTERNAL] = {"external_id", F_TEXT, false, 100, NULL, "apps.field.external_id", 0, 0},
	[AF_CATEGORY] = {"category_id", F_ID, true, 0, NULL, "apps.field.category_id", 0, 0},
	[AF_SUBJECT] = {"subject", F_TEXT, true, 300, NULL, "apps.field.subject", 0, 0},
	[AF_DESCRIPTION] = {"description", F_LONGTEXT, false, 20000, NULL, "apps.field.description", 0, 0},
	[AF_NEIGHBOURHOOD] = {"neighbourhood_id", F_ID, false, 0, NULL, "apps.field.neighbourhood_id", 0, 0},
	[AF_ADDRESS] = {"address", F_LONGTEXT, false, 1000, NULL, "apps.field.address", 0, 0},
};

/* The extra questions of category (its "attributes") for the form: [{code, name (attr_<code>), label, required,
 * is_list, is_multi, is_text, input type, value, options [{key, label, selected}]}], with the typed values. */
static json_t *attribute_fields(struct req *r, const json_t *category, const json_t *typed)
{
	json_t *out = json_array(), *d;
	size_t i;
	bool en = r->lang == LANG_EN;
	json_array_foreach(json_object_get(category, "attributes"), i, d)
	{
		const char *code = json_str(d, "code"), *type = json_str(d, "datatype");
		char name[96];
		snprintf(name, sizeof name, "attr_%s", code);
		json_t *val = json_object_get(typed, code);
		bool multi = strcmp(type, "multivaluelist") == 0;
		bool list = multi || strcmp(type, "singlevaluelist") == 0;
		json_t *opts = json_array(), *kv;
		size_t k;
		json_array_foreach(json_object_get(d, "values"), k, kv)
		{
			bool sel = false;
			if (json_is_string(val))
				sel = strcmp(json_string_value(val), json_str(kv, "key")) == 0;
			else if (json_is_array(val)) {
				size_t j;
				json_t *x;
				json_array_foreach(val, j, x)
					sel = sel || (json_is_string(x) &&
						      strcmp(json_string_value(x), json_str(kv, "key")) == 0);
			}
			json_array_append_new(
				opts, json_pack("{s:s,s:s,s:b}", "key", json_str(kv, "key"), "label",
						json_str(kv, en && *json_str(kv, "name_en") ? "name_en" : "name_tr"),
						"selected", sel));
		}
		const char *label =
			json_str(d, en && *json_str(d, "description_en") ? "description_en" : "description_tr");
		json_array_append_new(
			out, json_pack("{s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:s,s:s,s:o}", "code", code, "name", name, "label",
				       *label ? label : code, "required", json_is_true(json_object_get(d, "required")),
				       "is_list", list && !multi, "is_multi", multi, "is_text",
				       strcmp(type, "text") == 0, "input_type",
				       strcmp(type, "number") == 0     ? "number"
				       : strcmp(type, "datetime") == 0 ? "datetime-local"
								       : "text",
				       "value", json_is_string(val) ? json_string_value(val) : "", "options", opts));
	}
	return out;
}

/* The typed answers to category's questions from the form: {code: text | [keys]}, empty ones left out. A
 * datetime-local value ("2026-03-02T10:00") gets Istanbul's offset so the store reads it as ISO. */
static json_t *attributes_from_form(struct req *r, const json_t *category)
{
	json_t *out = json_object(), *d;
	size_t i;
	json_array_foreach(json_object_get(category, "attributes"), i, d)
	{
		const char *code = json_str(d, "code"), *type = json_str(d, "datatype");
		char name[96];
		snprintf(name, sizeof name, "attr_%s", code);
		if (strcmp(type, "multivaluelist") == 0) {
			json_t *keys = json_array();
			size_t n = params_count(&r->form, name);
			for (size_t k = 0; k < n; k++) {
				const char *v = params_get_nth(&r->form, name, k);
				if (v && *v)
					json_array_append_new(keys, json_string(v));
			}
			if (json_array_size(keys))
				json_object_set_new(out, code, keys);
			else
				json_decref(keys);
			continue;
		}
		const char *v = params_get(&r->form, name);
		if (!v || !*v)
			continue;
		if (strcmp(type, "datetime") == 0 && strlen(v) == 16) {
			char iso[40];
			snprintf(iso, sizeof iso, "%s:00+03:00", v);
			json_object_set_new(out, code, json_string(iso));
		} else {
			json_object_set_new(out, code, json_string(v));
		}
	}
	return out;
}

/* The form's context: options, the person search and the chosen party, the category's questions. */
static json_t *form_ctx(struct req *r, const json_t *values, const json_t *attrs)
{
	int64_t category_id = json_integer_value(json_object_get(values, "category_id"));
	json_t *ctx = json_pack("{s:o,s:o,s:o,s:o,s:o}", "kind_options",
				select_options(r, kinds, "apps.kind.", json_str(values, "kind")), "channel_options",
				select_options(r, desk_channels, "apps.channel.", json_str(values, "channel")),
				"preferred_options",
				select_options(r, preferred, "apps.preferred.", json_str(values, "preferred_channel")),
				"category_groups", category_groups(r, category_id), "neighbourhood_options",
				id_options(neighbourhood_list(r->db, "", true, NULL, 500),
					   json_integer_value(json_object_get(values, "neighbourhood_id"))));
	const char *q = params_get(&r->query, "q");
	if (q && *q && strlen(q) <= 200) {
		struct party_filter pf = {.q = q};
		json_t *found = party_list(r->db, &pf, NULL, 10);
		json_object_set_new(ctx, "q", json_string(q));
		json_object_set(ctx, "results", json_object_get(found, "items"));
		json_object_set_new(ctx, "searched", json_true());
		json_decref(found);
	}
	int64_t party_id = json_integer_value(json_object_get(values, "party_id"));
	if (party_id > 0) {
		json_t *p = party_get(r->db, party_id, false);
		if (p)
			json_object_set_new(ctx, "party", p);
	}
	json_t *category = category_id > 0 ? app_category_get(r->db, category_id) : NULL;
	if (category) {
		json_t *fields = attribute_fields(r, category, attrs);
		json_object_set_new(ctx, "has_attributes", json_boolean(json_array_size(fields) > 0));
		json_object_set_new(ctx, "attributes", fields);
		json_object_set_new(ctx, "category_chosen", json_true());
		json_decref(category);
	}
	json_object_set_new(ctx, "max_mb", json_integer(APPS_MAX_FILE >> 20));
	return ctx;
}

void h_application_new(struct req *r)
{
	json_t *values = json_pack("{s:s,s:s}", "kind", "complaint", "channel", "in_person");
	int64_t party_id = query_id(r, "party_id"), category_id = query_id(r, "category_id");
	if (party_id > 0) {
		json_t *p = party_get(r->db, party_id, false);
		if (p)
			json_object_set_new(values, "party_id", json_integer(party_id));
		json_decref(p);
	}
	if (category_id > 0)
		json_object_set_new(values, "category_id", json_integer(category_id));
	json_t *ctx = form_ctx(r, values, NULL);
	json_object_set_new(ctx, "values", values);
	page_render(r, 200, "application_form", "apps.new", ctx);
}

/* 422 (or 200 for the category step) with the form, the typed values and errors. */
static void form_again(struct req *r, unsigned status, json_t *values, json_t *errors, json_t *attrs)
{
	json_t *ctx = form_ctx(r, values, attrs);
	json_decref(attrs);
	if (status == 200) {
		json_object_set_new(ctx, "values", values);
		json_decref(errors);
		page_render(r, 200, "application_form", "apps.new", ctx);
		return;
	}
	form_fail(r, "application_form", "apps.new", ctx, values, errors);
}

void h_application_create(struct req *r)
{
	json_t *values = json_object(), *errors = json_object();
	form_check(r, app_fields, AF__MAX, values, errors);
	int64_t category_id = json_integer_value(json_object_get(values, "category_id"));
	json_t *category = category_id > 0 ? app_category_get(r->db, category_id) : NULL;
	json_t *attrs = category ? attributes_from_form(r, category) : json_object();
	json_decref(category);
	const char *step = req_param(r, "step");
	if (step && strcmp(step, "category") == 0) {
		form_again(r, 200, values, errors, attrs);
		return;
	}
	if (category_id > 0 && !category && !json_object_get(errors, "category_id"))
		form_error(r, errors, &app_fields[AF_CATEGORY], "error.choice");
	if (json_integer_value(json_object_get(values, "party_id")) <= 0 && !*json_str(values, "applicant_name"))
		form_error(r, errors, &app_fields[AF_NAME], "error.required");
	if (json_object_size(errors)) {
		form_again(r, 422, values, errors, attrs);
		return;
	}
	/* The store's values: the typed ones, empty texts left out so a party's contacts fill them. */
	json_t *in = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(values, k, v)
	{
		if (json_is_null(v) || (json_is_string(v) && !json_string_length(v)))
			continue;
		json_object_set(in, k, v);
	}
	json_object_set(in, "attributes", attrs);
	char dir[300];
	struct app_files files;
	apps_files_from_request(r, "petition", dir, sizeof dir, &files);
	const char *field = NULL, *error_key = NULL;
	bool existing = false;
	int64_t id = app_create(r->db, r->actor.username, in, &files, &existing, &field, &error_key);
	apps_files_free(&files);
	json_decref(in);
	if (id > 0) {
		json_decref(values);
		json_decref(errors);
		json_decref(attrs);
		char location[64];
		snprintf(location, sizeof location, "/applications/%lld?created=1", (long long)id);
		page_flash(r, existing ? "apps.flash.existing" : "apps.flash.created");
		resp_redirect(r, location);
		return;
	}
	if (id == APP_INVALID) {
		const char *name = field ? field : "subject";
		if (strcmp(name, "category_code") == 0)
			name = "category_id";
		struct field f = {name, F_TEXT, false, 0, NULL, apps_field_label_key(name), 0, 0};
		if (strcmp(name, "file") == 0) {
			json_t *args = json_pack("{s:i}", "max", (int)(APPS_MAX_FILE >> 20));
			struct buf msg = BUF_INIT;
			i18n_format(&msg, r->lang, error_key && i18n_has(error_key) ? error_key : "error.file_type", args);
			json_object_set_new(errors, "file", json_string(msg.data ? msg.data : ""));
			json_decref(args);
			buf_free(&msg);
		} else {
			form_error(r, errors, &f, error_key && i18n_has(error_key) ? error_key : "error.invalid");
		}
		form_again(r, 422, values, errors, attrs);
		return;
	}
	json_decref(values);
	json_decref(errors);
	json_decref(attrs);
	resp_error(r, id == APP_BUSY ? 503 : 500, id == APP_BUSY ? "unavailable" : "internal",
		   id == APP_BUSY ? "error.unavailable" : "error.internal");
}

/* ---- the receipt ---- */

void h_application_receipt(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *o = id ? app_get(r->db, id, 0, (int64_t)time(NULL)) : NULL;
	if (!o) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	char municipality[200] = "", office[200] = "";
	if (setting_get(r->db, SETTING_MUNICIPALITY_NAME, municipality, sizeof municipality) <= 0 || !*municipality)
		snprintf(municipality, sizeof municipality, "%s", SETTING_MUNICIPALITY_NAME_DEFAULT);
	if (setting_get(r->db, SETTING_OFFICE_NAME, office, sizeof office) <= 0 || !*office)
		snprintf(office, sizeof office, "%s", SETTING_OFFICE_NAME_DEFAULT);
	/* The tracking address as the citizen reaches it: this server's host. */
	const char *host = req_header(r, "Host");
	struct buf url = BUF_INIT;
	buf_addf(&url, "%s://%s/basvuru-takip?code=", r->tls ? "https" : "http", host && *host ? host : "localhost");
	buf_add_urlenc(&url, json_str(o, "tracking_code"));
	char received[64] = "", channel_key[64];
	page_format_time(r, json_integer_value(json_object_get(o, "received_at")), received, sizeof received);
	snprintf(channel_key, sizeof channel_key, "apps.channel.%s", json_str(o, "channel"));
	const char *small_print[] = {i18n_get(r->lang, "parties.kvkk.controller"), i18n_get(r->lang, "parties.kvkk.purpose"),
				     i18n_get(r->lang, "parties.kvkk.rights"), NULL};
	struct receipt rc = {
		.municipality = municipality,
		.office = office,
		.tracking_code = json_str(o, "tracking_code"),
		.received = received,
		.applicant = json_str(o, "applicant_name"),
		.subject = json_str(o, "subject"),
		.category = json_str(o, "category_name"),
		.channel = i18n_get(r->lang, channel_key),
		.track_url = url.data,
		.small_print = small_print,
		.lang = r->lang,
	};
	struct buf pdf = BUF_INIT;
	int ok = receipt_pdf(&rc, &pdf);
	buf_free(&url);
	if (ok != 0) {
		buf_free(&pdf);
		json_decref(o);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	char disposition[96];
	snprintf(disposition, sizeof disposition, "inline; filename=\"basvuru-%s.pdf\"", json_str(o, "tracking_code"));
	resp_header(r, "Content-Disposition", disposition);
	resp_header(r, "X-Content-Type-Options", "nosniff");
	r->status = 200;
	r->resp_type = "application/pdf";
	buf_reset(&r->resp);
	buf_add(&r->resp, pdf.data, pdf.len);
	buf_free(&pdf);
	json_decref(o);
}
