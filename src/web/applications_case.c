/* applications_case.c: the case page of an application (chart, clocks, applicant, routes, action forms, files,
 * documents, notifications, contacts, clock events, history) and the forms it posts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/applications.h"
#include "core/application_flow.h"
#include "core/bizcal.h"
#include "core/isotime.h"
#include "core/workflow.h"
#include "store/app_reference.h"
#include "store/applications.h"
#include "store/audit.h"
#include "store/directorates.h"
#include "util/buf.h"
#include "util/json_str.h"
#include "util/xalloc.h"
#include "web/applications.h"
#include "web/notifications.h"
#include "web/page.h"

/* ---- what each action's form asks ---- */

enum {
	FX_LEGAL_REASON = 1 << 0,
	FX_AUTHORITY = 1 << 1,
	FX_ANSWER = 1 << 2,
	FX_DIRECTORATES = 1 << 3,
	FX_DUE_AT = 1 << 4,
	FX_NOTE = 1 << 5,
	FX_QUESTION = 1 << 6,
	FX_VIA = 1 << 7,
	FX_TEXT = 1 << 8,
	FX_SPOKE_WITH = 1 << 9,
	FX_SUMMARY = 1 << 10,
	FX_FILE_PLAN = 1 << 11,
	FX_TITLE = 1 << 12,
	FX_FILES = 1 << 13,
	FX_WORK_DATE = 1 << 14,
	FX_REASON = 1 << 15,
};

struct action_spec {
	bool route;             /* an action of a route (route_flow), else of the application */
	const char *action;
	unsigned fields;
	const char *purpose;    /* response templates offered for the text, or NULL */
	const char *reasons;    /* legal reasons of this action ("reject" / "forward"), or NULL */
};

static const struct action_spec specs[] = {
	{false, "reject", FX_LEGAL_REASON | FX_ANSWER | FX_NOTE, "rejected", "reject"},
	{false, "forward_external", FX_LEGAL_REASON | FX_AUTHORITY | FX_ANSWER, "forwarded", "forward"},
	{false, "route", FX_DIRECTORATES | FX_DUE_AT | FX_NOTE, NULL, NULL},
	{false, "reroute", FX_DIRECTORATES | FX_DUE_AT | FX_NOTE, NULL, NULL},
	{false, "answer", FX_ANSWER | FX_FILES, "answer", NULL},
	{false, "request_info", FX_QUESTION, "info_needed", NULL},
	{false, "info_received", FX_NOTE, NULL, NULL},
	{false, "interim", FX_VIA | FX_TEXT | FX_SPOKE_WITH, "interim", NULL},
	{false, "give_feedback", FX_VIA | FX_TEXT | FX_SPOKE_WITH | FX_SUMMARY, "feedback", NULL},
	{false, "archive", FX_FILE_PLAN | FX_TITLE, NULL, NULL},
	{true, "accept", 0, NULL, NULL},
	{true, "plan", FX_WORK_DATE, NULL, NULL},
	{true, "answer", FX_ANSWER | FX_FILES, "answer", NULL},
	{true, "return", FX_REASON, NULL, NULL},
	{true, "ask_info", FX_QUESTION, "info_needed", NULL},
	{true, "info_received", FX_NOTE, NULL, NULL},
	{true, "withdraw", 0, NULL, NULL},
};

static const struct action_spec *spec_of(bool route, const char *action)
{
	for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
		if (specs[i].route == route && strcmp(specs[i].action, action) == 0)
			return &specs[i];
	return NULL;
}

/* The form fields by name, and the flag each belongs to (a typed value is shown again only in its form). */
static const struct {
	const char *name;
	unsigned flag;
} text_fields[] = {
	{"legal_reason", FX_LEGAL_REASON}, {"authority", FX_AUTHORITY}, {"answer", FX_ANSWER},
	{"due_at", FX_DUE_AT},             {"note", FX_NOTE},           {"question", FX_QUESTION},
	{"via", FX_VIA},                   {"text", FX_TEXT},           {"spoke_with", FX_SPOKE_WITH},
	{"summary", FX_SUMMARY},           {"file_plan_code", FX_FILE_PLAN}, {"title", FX_TITLE},
	{"work_date", FX_WORK_DATE},       {"reason", FX_REASON},
};

/* The failed form of a page, to show it again: which form (key), its errors and what was typed. */
struct failed {
	const char *key;  /* "reject", "r12-answer", "contact", "attach" */
	json_t *errors;   /* {field: message} */
	json_t *typed;    /* {field: text}, directorates as an array */
};

/* ---- the page ---- */

/* The chart of workflow 3 across the top: each step with its label, the date it was reached, current / done. */
static json_t *chart(struct req *r, const char *state, const json_t *reached)
{
	static const char *const steps[] = {"3", "3.1", "3.1.1", "3.2", "3.3", "3.1.2"};
	static const char *const keys[] = {"apps.step.3", "apps.step.3_1", "apps.step.3_1_1",
					   "apps.step.3_2", "apps.step.3_3", "apps.step.3_1_2"};
	const struct wf_state *s = wf_state_by_name(&application_flow, state);
	json_t *list = json_array();
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		bool here = s && strcmp(s->chart_step, steps[i]) == 0;
		json_int_t at = json_integer_value(json_object_get(reached, steps[i]));
		char when[64] = "";
		if (at)
			page_format_time(r, at, when, sizeof when);
		json_array_append_new(list, json_pack("{s:s,s:s,s:b,s:b,s:s}", "step", steps[i], "label",
						      i18n_get(r->lang, keys[i]), "current", here, "done",
						      at && !here, "when", when));
	}
	return list;
}

static int by_id(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "id"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "id"));
	return x < y ? -1 : x > y;
}

/* The audit events of the application and its routes, oldest first, with labels; reached (OUT) gets the first
 * instant each chart step was reached {step: ts}. */
static json_t *history(struct req *r, int64_t id, const json_t *routes, json_t *reached)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	json_t *all = audit_list(r->db, NULL, "application", sid, NULL, 0, 500);
	size_t i;
	json_t *route;
	json_array_foreach(routes, i, route)
	{
		snprintf(sid, sizeof sid, "%lld", (long long)json_integer_value(json_object_get(route, "id")));
		json_t *more = audit_list(r->db, NULL, "application_route", sid, NULL, 0, 200), *e;
		size_t k;
		json_array_foreach(more, k, e) json_object_set_new(e, "directorate", json_string(json_str(route,
											      "directorate_name")));
		json_array_extend(all, more);
		json_decref(more);
	}
	size_t n = json_array_size(all);
	json_t **items = xcalloc(n ? n : 1, sizeof *items);
	for (i = 0; i < n; i++)
		items[i] = json_array_get(all, i);
	qsort(items, n, sizeof *items, by_id);
	json_t *out = json_array();
	for (i = 0; i < n; i++) {
		json_t *e = items[i];
		const char *action = json_str(e, "action"), *type = json_str(e, "record_type");
		int64_t ts = json_integer_value(json_object_get(e, "ts"));
		char when[64], key[96];
		page_format_time(r, ts, when, sizeof when);
		const char *label = action;
		if (strcmp(action, "application.create") == 0) {
			label = i18n_get(r->lang, "app.state.received");
		} else if (strcmp(type, "application_route") == 0 && strncmp(action, "application_route.", 18) == 0) {
			snprintf(key, sizeof key, "route.action.%s", action + 18);
			if (strcmp(action + 18, "create") == 0)
				snprintf(key, sizeof key, "route.state.pending");
			if (i18n_has(key))
				label = i18n_get(r->lang, key);
		} else if (strncmp(action, "application.", 12) == 0) {
			snprintf(key, sizeof key, "app.action.%s", action + 12);
			if (!i18n_has(key))
				snprintf(key, sizeof key, "apps.history.%s", action + 12);
			if (i18n_has(key))
				label = i18n_get(r->lang, key);
		}
		const char *state = json_str(json_object_get(e, "after"), "state");
		const struct wf_state *s = strcmp(type, "application") == 0 && *state
						   ? wf_state_by_name(&application_flow, state)
						   : NULL;
		if (s && !json_object_get(reached, s->chart_step))
			json_object_set_new(reached, s->chart_step, json_integer(ts));
		/* Leaving "received" is the assessment (3.1), whatever came of it. */
		if (s && s->id != APP_RECEIVED && !json_object_get(reached, "3.1"))
			json_object_set_new(reached, "3.1", json_integer(ts));
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s}", "when", when, "actor", json_str(e, "actor"),
						     "action", label, "directorate", json_str(e, "directorate")));
	}
	free(items);
	json_decref(all);
	return out;
}

/* Options of a <select> of the response templates for purpose. */
static json_t *template_options(struct req *r, const char *purpose, int64_t category_id, int64_t chosen)
{
	json_t *list = response_template_list(r->db, purpose, category_id, true), *out = json_array(), *t;
	size_t i;
	json_array_foreach(list, i, t)
	{
		int64_t tid = json_integer_value(json_object_get(t, "id"));
		json_array_append_new(out, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)tid, "title",
						     json_str(t, "title"), "selected", tid == chosen));
	}
	json_decref(list);
	return out;
}

/* The text of template tid filled for application o (the applicant is written to in Turkish). */
static char *template_text(struct req *r, const json_t *o, int64_t tid, const char *directorates)
{
	json_t *t = response_template_get(r->db, tid);
	if (!t)
		return NULL;
	char iso[ISO_TIME_SIZE], dmy[11];
	iso_time_format((int64_t)time(NULL), iso);
	snprintf(dmy, sizeof dmy, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
	json_t *args =
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "code", json_str(o, "tracking_code"), "name",
			  json_str(o, "applicant_name"), "subject", json_str(o, "subject"), "directorate", directorates,
			  "authority", json_str(o, "authority"), "reason", json_str(o, "legal_reason"), "date", dmy);
	struct buf out = BUF_INIT;
	app_template_fill(json_str(t, "body_tr"), args, &out);
	json_decref(args);
	json_decref(t);
	return buf_detach(&out, NULL);
}

/* The form of one action: flags for its fields, their options, typed values and errors. */
static json_t *action_form(struct req *r, const json_t *o, const struct wf_transition *t, const struct action_spec *sp,
			   const char *key, const char *post_to, const struct failed *failed, const json_t *directorates,
			   const char *route_directorate)
{
	json_t *a = json_pack("{s:s,s:s,s:s,s:s}", "action", t->action, "label", i18n_get(r->lang, t->label_key),
			      "key", key, "post_to", post_to);
	unsigned fl = sp ? sp->fields : 0;
	for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++)
		if (fl & text_fields[i].flag) {
			char name[32];
			snprintf(name, sizeof name, "f_%s", text_fields[i].name);
			json_object_set_new(a, name, json_true());
		}
	if (fl & FX_DIRECTORATES)
		json_object_set_new(a, "f_directorates", json_true());
	if (fl & FX_FILES)
		json_object_set_new(a, "f_files", json_true());
	for (const char *const *f = t->required_fields; f && *f; f++) {
		char name[40];
		snprintf(name, sizeof name, "req_%s", *f);
		json_object_set_new(a, name, json_true());
	}
	bool mine = failed && failed->key && strcmp(failed->key, key) == 0;
	json_t *val = mine && failed->typed ? json_deep_copy(failed->typed) : json_object();
	if (mine)
		json_object_set(a, "err", failed->errors);
	/* Defaults. */
	if ((fl & FX_VIA) && !json_object_get(val, "via")) {
		const char *pref = json_str(o, "preferred_channel");
		json_object_set_new(val, "via", json_string(strcmp(pref, "none") == 0 ? "phone" : pref));
	}
	if ((fl & FX_TEXT) && !json_object_get(val, "text") && strcmp(t->action, "give_feedback") == 0)
		json_object_set_new(val, "text", json_string(json_str(o, "answer")));
	if ((fl & FX_FILE_PLAN) && !json_object_get(val, "file_plan_code")) {
		json_t *c = app_category_get(r->db, json_integer_value(json_object_get(o, "category_id")));
		json_object_set_new(val, "file_plan_code", json_string(json_str(c, "file_plan_code")));
		json_decref(c);
	}
	/* A response template asked for on this form: its text in the form's text field. */
	const char *for_form = params_get(&r->query, "for");
	const char *tpl = params_get(&r->query, "template");
	int64_t chosen = 0;
	if (!mine && sp && sp->purpose && for_form && strcmp(for_form, key) == 0 && tpl &&
	    strspn(tpl, "0123456789") == strlen(tpl) && strlen(tpl) < 18) {
		chosen = strtoll(tpl, NULL, 10);
		char *text = template_text(r, o, chosen, route_directorate ? route_directorate : "");
		if (text) {
			const char *target = (fl & FX_ANSWER) ? "answer" : (fl & FX_QUESTION) ? "question" : "text";
			json_object_set_new(val, target, json_string(text));
			json_object_set_new(a, "open", json_true());
			free(text);
		}
	}
	if (mine)
		json_object_set_new(a, "open", json_true());
	if (sp && sp->purpose) {
		json_t *opts = template_options(r, sp->purpose, json_integer_value(json_object_get(o, "category_id")),
						chosen);
		if (json_array_size(opts))
			json_object_set_new(a, "templates", opts);
		else
			json_decref(opts);
	}
	if (fl & FX_LEGAL_REASON) {
		json_t *list = legal_reason_list(r->db, true), *opts = json_array(), *lr;
		size_t i;
		const char *sel = json_str(val, "legal_reason");
		json_array_foreach(list, i, lr)
		{
			if (strcmp(json_str(lr, "action"), sp->reasons) != 0)
				continue;
			const char *label =
				json_str(lr, r->lang == LANG_EN && *json_str(lr, "label_en") ? "label_en" : "label_tr");
			json_array_append_new(opts, json_pack("{s:s,s:s,s:s,s:b}", "code", json_str(lr, "code"),
							      "article", json_str(lr, "article"), "label", label,
							      "selected", strcmp(sel, json_str(lr, "code")) == 0));
		}
		json_decref(list);
		json_object_set_new(a, "legal_reasons", opts);
	}
	if (fl & FX_VIA) {
		static const char *const vias[] = {"sms", "email", "phone", "letter"};
		json_t *opts = json_array();
		for (size_t i = 0; i < 4; i++) {
			char k[32];
			snprintf(k, sizeof k, "apps.via.%s", vias[i]);
			json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", vias[i], "label",
							      i18n_get(r->lang, k), "selected",
							      strcmp(json_str(val, "via"), vias[i]) == 0));
		}
		json_object_set_new(a, "vias", opts);
	}
	if (fl & FX_DIRECTORATES) {
		json_t *opts = json_array(), *d;
		size_t i;
		json_t *typed = json_object_get(val, "directorates");
		json_array_foreach(directorates, i, d)
		{
			json_int_t did = json_integer_value(json_object_get(d, "id"));
			bool sel = false;
			size_t k;
			json_t *x;
			json_array_foreach(typed, k, x) sel = sel || json_integer_value(x) == did;
			json_array_append_new(opts, json_pack("{s:I,s:s,s:b}", "id", did, "name", json_str(d, "name"),
							      "selected", sel));
		}
		json_object_set_new(a, "directorates", opts);
	}
	json_object_set_new(a, "val", val);
	return a;
}

/* The page of application id for r's actor, with a failed form shown again (failed may be NULL). */
static void render_case(struct req *r, int64_t id, unsigned status, const struct failed *failed)
{
	int64_t scope = apps_scope(r), now = (int64_t)time(NULL);
	json_t *o = id && scope >= 0 ? app_get(r->db, id, scope, now) : NULL;
	if (!o) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	apps_decorate_row(r, o);
	char key[64], post_to[96];
	snprintf(key, sizeof key, "apps.preferred.%s", json_str(o, "preferred_channel"));
	json_object_set_new(o, "preferred_label", json_string(i18n_has(key) ? i18n_get(r->lang, key) : ""));
	/* The category's questions with their answers in words. */
	json_t *category = app_category_get(r->db, json_integer_value(json_object_get(o, "category_id")));
	json_t *answers = json_array(), *d;
	size_t i;
	bool en = r->lang == LANG_EN;
	json_array_foreach(json_object_get(category, "attributes"), i, d)
	{
		json_t *v = json_object_get(json_object_get(o, "attributes"), json_str(d, "code"));
		if (!v)
			continue;
		struct buf text = BUF_INIT;
		json_t *one = json_is_array(v) ? json_incref(v) : json_pack("[O]", v);
		size_t k;
		json_t *x;
		json_array_foreach(one, k, x)
		{
			const char *shown = json_is_string(x) ? json_string_value(x) : "";
			char num[32];
			if (json_is_number(x)) {
				snprintf(num, sizeof num, "%g", json_number_value(x));
				shown = num;
			}
			size_t j;
			json_t *kv;
			json_array_foreach (json_object_get(d, "values"), j, kv)
				if (strcmp(json_str(kv, "key"), shown) == 0)
					shown = json_str(kv, en && *json_str(kv, "name_en") ? "name_en" : "name_tr");
			if (text.len)
				buf_adds(&text, ", ");
			buf_adds(&text, shown);
		}
		json_decref(one);
		const char *q = json_str(d, en && *json_str(d, "description_en") ? "description_en" : "description_tr");
		json_array_append_new(answers, json_pack("{s:s,s:s}", "question", *q ? q : json_str(d, "code"),
							 "answer", text.data ? text.data : ""));
		buf_free(&text);
	}
	json_decref(category);
	/* Routes, each with its actions (a directorate user: only its own route's). */
	json_t *dirs_page = directorate_list(r->db, "", true, NULL, 500);
	json_t *directorates = json_incref(json_object_get(dirs_page, "items"));
	json_decref(dirs_page);
	bool open = strcmp(json_str(o, "state"), "routed") == 0 || strcmp(json_str(o, "state"), "waiting") == 0;
	json_t *route;
	json_array_foreach(json_object_get(o, "routes"), i, route)
	{
		int64_t rid = json_integer_value(json_object_get(route, "id"));
		snprintf(key, sizeof key, "route.state.%s", json_str(route, "state"));
		json_object_set_new(route, "state_label", json_string(i18n_has(key) ? i18n_get(r->lang, key) : ""));
		char due[64] = "";
		page_format_time(r, json_integer_value(json_object_get(route, "due_at")), due, sizeof due);
		json_object_set_new(route, "due_display", json_string(due));
		bool overdue = open && json_integer_value(json_object_get(route, "due_at")) < now &&
			       !json_integer_value(json_object_get(route, "answered_at"));
		json_object_set_new(route, "overdue", json_boolean(overdue));
		bool mine = scope == 0 || json_integer_value(json_object_get(route, "directorate_id")) == scope;
		json_t *forms = json_array();
		const struct wf_state *rs = wf_state_by_name(&route_flow, json_str(route, "state"));
		const struct wf_transition *t[16];
		size_t n = mine && open && rs ? wf_actions_for(&route_flow, rs->id, r->actor.role, t, 16) : 0;
		for (size_t k = 0; k < n && k < 16; k++) {
			char fkey[48];
			snprintf(fkey, sizeof fkey, "r%lld-%s", (long long)rid, t[k]->action);
			snprintf(post_to, sizeof post_to, "/applications/%lld/routes/%lld/transitions", (long long)id,
				 (long long)rid);
			json_array_append_new(forms,
					      action_form(r, o, t[k], spec_of(true, t[k]->action), fkey, post_to,
							  failed, directorates, json_str(route, "directorate_name")));
		}
		json_object_set_new(route, "forms", forms);
		json_object_set_new(route, "mine", json_boolean(mine && scope > 0));
	}
	/* The application's actions. */
	json_t *actions = json_array();
	const struct wf_state *s = wf_state_by_name(&application_flow, json_str(o, "state"));
	const struct wf_transition *t[16];
	size_t n = s ? wf_actions_for(&application_flow, s->id, r->actor.role, t, 16) : 0;
	snprintf(post_to, sizeof post_to, "/applications/%lld/transitions", (long long)id);
	for (size_t k = 0; k < n && k < 16; k++)
		json_array_append_new(actions, action_form(r, o, t[k], spec_of(false, t[k]->action), t[k]->action,
							   post_to, failed, directorates, ""));
	json_decref(directorates);
	/* Files with their download links, documents, notifications, contacts, clock events. */
	json_t *f;
	json_array_foreach(json_object_get(o, "files"), i, f)
	{
		snprintf(key, sizeof key, "apps.file_role.%s", json_str(f, "role"));
		json_object_set_new(f, "role_label",
				    json_string(i18n_has(key) ? i18n_get(r->lang, key) : json_str(f, "role")));
		char when[64];
		page_format_time(r, json_integer_value(json_object_get(f, "created_at")), when, sizeof when);
		json_object_set_new(f, "when", json_string(when));
		json_int_t size = json_integer_value(json_object_get(f, "size"));
		char sz[32];
		snprintf(sz, sizeof sz, size >= 1 << 20 ? "%.1f MB" : "%.0f kB",
			 size >= 1 << 20 ? size / 1048576.0 : (size + 1023) / 1024.0);
		json_object_set_new(f, "size_display", json_string(sz));
	}
	json_array_foreach(json_object_get(o, "documents"), i, f)
	{
		char when[64];
		page_format_time(r, json_integer_value(json_object_get(f, "archived_at")), when, sizeof when);
		json_object_set_new(f, "when", json_string(when));
	}
	json_array_foreach(json_object_get(o, "contacts"), i, f)
	{
		char when[64];
		page_format_time(r, json_integer_value(json_object_get(f, "at")), when, sizeof when);
		json_object_set_new(f, "when", json_string(when));
		snprintf(key, sizeof key, "apps.contact.%s", json_str(f, "kind"));
		json_object_set_new(f, "kind_label", json_string(i18n_has(key) ? i18n_get(r->lang, key) : ""));
		snprintf(key, sizeof key, "apps.via.%s", json_str(f, "via"));
		json_object_set_new(f, "via_label", json_string(i18n_has(key) ? i18n_get(r->lang, key) : ""));
	}
	json_t *events = app_clock_events(r->db, id), *e;
	json_array_foreach(events, i, e)
	{
		char when[64];
		page_format_time(r, json_integer_value(json_object_get(e, "at")), when, sizeof when);
		json_object_set_new(e, "when", json_string(when));
		snprintf(key, sizeof key, "apps.clock_name.%s", json_str(e, "clock"));
		json_object_set_new(e, "clock_label",
				    json_string(i18n_has(key) ? i18n_get(r->lang, key) : json_str(e, "clock")));
		snprintf(key, sizeof key, "apps.clock_event.%s", json_str(e, "event"));
		json_object_set_new(e, "event_label",
				    json_string(i18n_has(key) ? i18n_get(r->lang, key) : json_str(e, "event")));
	}
	json_t *reached = json_object();
	json_t *hist = history(r, id, json_object_get(o, "routes"), reached);
	json_object_set_new(reached, "3", json_integer(json_integer_value(json_object_get(o, "received_at"))));
	json_t *summary = json_array();
	if (failed) {
		const char *k;
		json_t *v;
		json_object_foreach(failed->errors, k, v)
		{
			char anchor[96];
			snprintf(anchor, sizeof anchor, "%s-%s", k, failed->key);
			json_array_append_new(summary, json_pack("{s:s,s:O}", "field", anchor, "message", v));
		}
	}
	bool office = (r->actor.role & APPS_OFFICE) != 0;
	json_t *ctx = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:b,s:b,s:o}", "a", o, "chart",
				chart(r, json_str(o, "state"), reached), "actions", actions, "history", hist,
				"clock_events", events, "answers", answers, "notifications",
				notifications_for_page(r, "application", id), "office", office, "can_attach",
				(r->actor.role & APPS_ACT) != 0 && strcmp(json_str(o, "state"), "archived") != 0,
				"created", params_get(&r->query, "created") != NULL, "error_summary", summary);
	json_decref(reached);
	json_object_set_new(ctx, "max_mb", json_integer(APPS_MAX_FILE >> 20));
	if (failed && failed->key && (strcmp(failed->key, "contact") == 0 || strcmp(failed->key, "attach") == 0)) {
		json_object_set(ctx, strcmp(failed->key, "contact") == 0 ? "contact_err" : "attach_err", failed->errors);
		if (failed->typed)
			json_object_set(ctx, "contact_val", failed->typed);
	}
	if (status == 200)
		record_view_log(r->db, r->actor.username, "application", id);
	page_render(r, status, "application", "apps.detail", ctx);
}

void h_application(struct req *r)
{
	render_case(r, req_arg_id(r, 0), 200, NULL);
}

/* ---- the forms it posts ---- */

/* The fields of an action form as the store's JSON: texts as given (empty left out), directorates as ids, due_at
 * (a date) as the end of that working day, at (datetime-local) as ISO text in Istanbul time. typed (OUT) gets
 * what was typed, to show it again. */
static json_t *fields_from_form(struct req *r, json_t *typed)
{
	json_t *f = json_object();
	for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
		const char *name = text_fields[i].name, *v = req_param(r, name);
		if (!v)
			continue;
		json_object_set_new(typed, name, json_string(v));
		if (!*v)
			continue;
		if (strcmp(name, "due_at") == 0) {
			int ymd = iso_date_parse(v);
			json_object_set_new(f, name, ymd ? json_integer(unix_from_ymd_min(ymd, 17 * 60 + 30))
							 : json_string(v));
			continue;
		}
		json_object_set_new(f, name, json_string(v));
	}
	const char *at = req_param(r, "at");
	if (at && *at) {
		json_object_set_new(typed, "at", json_string(at));
		char iso[40];
		snprintf(iso, sizeof iso, strlen(at) == 16 ? "%s:00+03:00" : "%s", at);
		json_object_set_new(f, "at", json_string(iso));
	}
	size_t n = params_count(&r->form, "directorates");
	if (n) {
		json_t *ids = json_array(), *shown = json_array();
		for (size_t k = 0; k < n; k++) {
			const char *v = params_get_nth(&r->form, "directorates", k);
			if (!v || !*v)
				continue;
			bool digits = strspn(v, "0123456789") == strlen(v) && strlen(v) < 18;
			json_array_append_new(ids, digits ? json_integer(strtoll(v, NULL, 10)) : json_string(v));
			if (digits)
				json_array_append_new(shown, json_integer(strtoll(v, NULL, 10)));
		}
		json_object_set_new(f, "directorates", ids);
		json_object_set_new(typed, "directorates", shown);
	}
	return f;
}

/* The message of a failed field, in r's language. */
static json_t *field_message(struct req *r, const char *field, const char *error_key)
{
	struct buf msg = BUF_INIT;
	json_t *args = json_pack("{s:s,s:i}", "field", i18n_get(r->lang, apps_field_label_key(field)), "max",
				 (int)(APPS_MAX_FILE >> 20));
	i18n_format(&msg, r->lang, error_key && i18n_has(error_key) ? error_key : "error.invalid", args);
	json_decref(args);
	json_t *out = json_string(msg.data ? msg.data : "");
	buf_free(&msg);
	return out;
}

/* Redirects to the page after a change, or answers the store's error (422: the page with the error beside the
 * field of form key). */
static void after_change(struct req *r, int64_t id, int rc, const char *key, const char *error_key,
			 const char *field, json_t *typed)
{
	if (rc == APP_OK) {
		char location[64];
		snprintf(location, sizeof location, "/applications/%lld", (long long)id);
		page_flash(r, "flash.saved");
		resp_redirect(r, location);
		return;
	}
	if (rc == APP_INVALID) {
		const char *name = field ? field : "action";
		if (strcmp(name, "directorate_id") == 0)
			name = "directorates";
		if (strcmp(name, "org.detsis_unit") == 0) { /* the setting is missing: said beside the code */
			name = "file_plan_code";
			error_key = "apps.error.detsis";
		}
		json_t *errors = json_object();
		json_object_set_new(errors, name, field_message(r, name, error_key));
		struct failed failed = {key, errors, typed};
		render_case(r, id, 422, &failed);
		json_decref(errors);
		return;
	}
	switch (rc) {
	case APP_NOT_FOUND:
		resp_error(r, 404, "not_found", "error.not_found");
		break;
	case APP_FORBIDDEN:
		resp_error(r, 403, "forbidden", WF_ERR_FORBIDDEN);
		break;
	case APP_STATE:
		resp_error(r, 409, "wrong_state", error_key && i18n_has(error_key) ? error_key : WF_ERR_ACTION);
		break;
	default:
		resp_error(r, rc == APP_BUSY ? 503 : 500, rc == APP_BUSY ? "unavailable" : "internal",
			   rc == APP_BUSY ? "error.unavailable" : "error.internal");
	}
}

void h_application_transition_form(struct req *r)
{
	int64_t id = req_arg_id(r, 0), scope = apps_scope(r);
	const char *action = req_param(r, "action");
	if (!id || scope < 0) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	json_t *typed = json_object(), *fields = fields_from_form(r, typed);
	char dir[300];
	struct app_files files;
	apps_files_from_request(r, "answer", dir, sizeof dir, &files);
	const char *error_key = NULL, *field = NULL;
	int rc = app_transition(r->db, r->actor.username, r->actor.role, scope, id, action ? action : "", fields,
				&files, &error_key, &field);
	apps_files_free(&files);
	json_decref(fields);
	after_change(r, id, rc, action ? action : "", error_key, field, typed);
	json_decref(typed);
}

void h_application_route_form(struct req *r)
{
	int64_t id = req_arg_id(r, 0), rid = req_arg_id(r, 1), scope = apps_scope(r);
	const char *action = req_param(r, "action");
	/* The route must belong to this application, which the actor must see. */
	json_t *o = id && rid && scope >= 0 ? app_get(r->db, id, scope, (int64_t)time(NULL)) : NULL;
	bool found = false;
	size_t i;
	json_t *route;
	json_array_foreach(json_object_get(o, "routes"), i, route) found =
		found || json_integer_value(json_object_get(route, "id")) == rid;
	json_decref(o);
	if (!found) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	json_t *typed = json_object(), *fields = fields_from_form(r, typed);
	char dir[300];
	struct app_files files;
	apps_files_from_request(r, "answer", dir, sizeof dir, &files);
	const char *error_key = NULL, *field = NULL;
	int rc = app_route_transition(r->db, r->actor.username, r->actor.role, scope, rid, action ? action : "",
				      fields, &files, &error_key, &field);
	apps_files_free(&files);
	json_decref(fields);
	char key[64];
	snprintf(key, sizeof key, "r%lld-%s", (long long)rid, action ? action : "");
	after_change(r, id, rc, key, error_key, field, typed);
	json_decref(typed);
}

void h_application_contact_form(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *o = id ? app_get(r->db, id, 0, (int64_t)time(NULL)) : NULL;
	if (!o) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	json_decref(o);
	json_t *typed = json_object(), *fields = fields_from_form(r, typed);
	const char *kind = req_param(r, "kind");
	if (kind && *kind)
		json_object_set_new(fields, "kind", json_string(kind));
	if (!json_object_get(fields, "via"))
		json_object_set_new(fields, "via", json_string("phone"));
	const char *field = NULL;
	int64_t cid = app_log_contact(r->db, r->actor.username, id, fields, &field);
	json_decref(fields);
	int rc = cid > 0 ? APP_OK : cid == 0 ? APP_ERROR : (int)cid;
	bool missing = field && (strcmp(field, "summary") == 0 || strcmp(field, "spoke_with") == 0);
	after_change(r, id, rc, "contact", missing ? "error.required" : NULL, field, typed);
	json_decref(typed);
}

void h_application_attach_form(struct req *r)
{
	int64_t id = req_arg_id(r, 0), scope = apps_scope(r);
	if (!id || scope < 0) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	char dir[300];
	struct app_files files;
	apps_files_from_request(r, "attachment", dir, sizeof dir, &files);
	const char *error_key = NULL, *field = NULL;
	int rc = APP_INVALID;
	if (files.n == 0) {
		field = "file";
		error_key = "error.file_empty";
	} else {
		rc = app_attach(r->db, r->actor.username, scope, id, &files, &field, &error_key);
	}
	apps_files_free(&files);
	after_change(r, id, rc, "attach", error_key, field, NULL);
}
