/* applications.c: the JSON API of applications over store/applications.h, and the helpers the pages share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "api/api_util.h"
#include "api/applications.h"
#include "core/application_flow.h"
#include "core/workflow.h"
#include "http/multipart.h"
#include "http/server.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/i18n.h"
#include "util/json_str.h"
#include "util/xalloc.h"

static const char *const kinds[] = {"complaint", "request", "suggestion", "information", NULL};
static const char *const channels[] = {"in_person", "phone", "letter", "email", "web", "bizim_meram",
				       "cimer", "open311", "api", NULL};

static bool one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

int64_t apps_scope(struct req *r)
{
	if (!(r->actor.role & ROLE_DIRECTORATE))
		return 0;
	return r->actor.directorate_id > 0 ? r->actor.directorate_id : -1;
}

const char *apps_field_label_key(const char *field)
{
	static const char *const map[][2] = {
		{"action", "apps.field.action"},
		{"address", "apps.field.address"},
		{"answer", "apps.field.answer"},
		{"applicant_name", "apps.field.applicant_name"},
		{"at", "apps.field.at"},
		{"attributes", "apps.field.attributes"},
		{"authority", "apps.field.authority"},
		{"category_code", "apps.field.category_id"},
		{"category_id", "apps.field.category_id"},
		{"channel", "apps.field.channel"},
		{"description", "apps.field.description"},
		{"directorate_id", "apps.field.directorates"},
		{"directorates", "apps.field.directorates"},
		{"due_at", "apps.field.due_at"},
		{"email", "field.email"},
		{"external_id", "apps.field.external_id"},
		{"file", "apps.field.file"},
		{"file_plan_code", "apps.field.file_plan_code"},
		{"from", "apps.filter.from"},
		{"idempotency_key", "apps.field.external_id"},
		{"kind", "apps.field.kind"},
		{"lat", "apps.field.location"},
		{"legal_reason", "apps.field.legal_reason"},
		{"lon", "apps.field.location"},
		{"neighbourhood_id", "apps.field.neighbourhood_id"},
		{"note", "apps.field.note"},
		{"org.detsis_unit", "apps.field.detsis_unit"},
		{"overdue", "apps.filter.overdue"},
		{"party_id", "apps.field.applicant_name"},
		{"phone", "field.phone"},
		{"preferred_channel", "apps.field.preferred_channel"},
		{"q", "apps.filter.q"},
		{"media_url", "apps.field.media_url"},
		{"question", "apps.field.question"},
		{"reason", "apps.field.reason"},
		{"received_at", "apps.field.received_at"},
		{"spoke_with", "apps.field.spoke_with"},
		{"state", "apps.col.state"},
		{"subject", "apps.field.subject"},
		{"summary", "apps.field.summary"},
		{"text", "apps.field.text"},
		{"title", "apps.field.title"},
		{"to", "apps.filter.to"},
		{"via", "apps.field.via"},
		{"work_date", "apps.field.work_date"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], field) == 0)
			return map[i][1];
	return "apps.field.generic";
}

/* ---- filters and CSV ---- */

/* A positive id parameter into *out (0 when absent). Returns false when bad. */
static bool id_param(struct req *r, const char *name, int64_t *out)
{
	const char *v = params_get(&r->query, name);
	*out = 0;
	if (!v || !*v)
		return true;
	if (strspn(v, "0123456789") != strlen(v) || strlen(v) > 18)
		return false;
	*out = strtoll(v, NULL, 10);
	return *out > 0;
}

const char *apps_filter_from_query(struct req *r, struct app_filter *f)
{
	memset(f, 0, sizeof *f);
	f->directorate_scope = apps_scope(r);
	f->q = params_get(&r->query, "q");
	f->state = params_get(&r->query, "state");
	f->kind = params_get(&r->query, "kind");
	f->channel = params_get(&r->query, "channel");
	if (f->q && strlen(f->q) > 200)
		return "q";
	if (f->state && *f->state && !wf_state_by_name(&application_flow, f->state))
		return "state";
	if (f->kind && *f->kind && !one_of(f->kind, kinds))
		return "kind";
	if (f->channel && *f->channel && !one_of(f->channel, channels))
		return "channel";
	if (!id_param(r, "category_id", &f->category_id))
		return "category_id";
	if (!id_param(r, "directorate_id", &f->directorate_id))
		return "directorate_id";
	if (!id_param(r, "neighbourhood_id", &f->neighbourhood_id))
		return "neighbourhood_id";
	const char *overdue = params_get(&r->query, "overdue");
	if (overdue && *overdue) {
		if (strcmp(overdue, "1") == 0 || strcmp(overdue, "true") == 0 || strcmp(overdue, "on") == 0)
			f->overdue = true;
		else if (strcmp(overdue, "0") != 0 && strcmp(overdue, "false") != 0)
			return "overdue";
	}
	f->from = api_day_value(params_get(&r->query, "from"), false);
	if (f->from < 0)
		return "from";
	f->to = api_day_value(params_get(&r->query, "to"), true);
	if (f->to < 0)
		return "to";
	return NULL;
}

/* "2026-12-02 17:30" in Istanbul time (UTC+3 all year), "" for 0. */
static void csv_time(int64_t t, char out[32])
{
	out[0] = '\0';
	if (!t)
		return;
	time_t local = (time_t)t + 3 * 3600;
	struct tm tm;
	gmtime_r(&local, &tm);
	snprintf(out, 32, "%04d-%02d-%02d %02d:%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
		 tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100);
}

void apps_send_csv(struct req *r, const struct app_filter *f)
{
	static const char *const headers[] = {"apps.col.code",    "apps.field.kind",     "apps.field.channel",
					      "apps.col.applicant", "apps.field.subject",  "apps.field.category_id",
					      "apps.field.neighbourhood_id", "apps.col.state", "apps.col.received",
					      "apps.col.office_due", "apps.col.legal_due", "apps.col.office_status",
					      "apps.col.legal_status"};
	enum { N = sizeof headers / sizeof headers[0] };
	struct buf out = BUF_INIT;
	const char *fields[N];
	for (size_t i = 0; i < N; i++)
		fields[i] = i18n_get(r->lang, headers[i]);
	buf_adds(&out, "\xEF\xBB\xBF");
	csv_add_row(&out, fields, N, ';');
	int64_t now = (int64_t)time(NULL);
	int rows = 0;
	char *cursor = NULL;
	bool scoped_out = f->directorate_scope < 0;
	while (!scoped_out) {
		json_t *page = app_list(r->db, f, cursor, 500, now), *o;
		size_t i;
		json_array_foreach(json_object_get(page, "items"), i, o)
		{
			if (rows >= APPS_CSV_MAX_ROWS)
				break;
			char kind_key[64], channel_key[64], state_key[64], office_key[64], legal_key[64];
			char received[32], office_due[32], legal_due[32];
			json_t *clocks = json_object_get(o, "clocks");
			json_t *office = json_object_get(clocks, "office"), *legal = json_object_get(clocks, "legal");
			snprintf(kind_key, sizeof kind_key, "apps.kind.%s", json_str(o, "kind"));
			snprintf(channel_key, sizeof channel_key, "apps.channel.%s", json_str(o, "channel"));
			snprintf(state_key, sizeof state_key, "app.state.%s", json_str(o, "state"));
			snprintf(office_key, sizeof office_key, "apps.clock.%s", json_str(office, "status"));
			snprintf(legal_key, sizeof legal_key, "apps.clock.%s", json_str(legal, "status"));
			csv_time(json_integer_value(json_object_get(o, "received_at")), received);
			csv_time(json_integer_value(json_object_get(office, "due_at")), office_due);
			csv_time(json_integer_value(json_object_get(legal, "due_at")), legal_due);
			const char *row[N] = {json_str(o, "tracking_code"),
					      i18n_get(r->lang, kind_key),
					      i18n_get(r->lang, channel_key),
					      json_str(o, "applicant_name"),
					      json_str(o, "subject"),
					      json_str(o, "category_name"),
					      json_str(o, "neighbourhood_name"),
					      i18n_get(r->lang, state_key),
					      received,
					      office_due,
					      legal_due,
					      i18n_get(r->lang, office_key),
					      i18n_get(r->lang, legal_key)};
			csv_add_row(&out, row, N, ';');
			rows++;
		}
		free(cursor);
		cursor = NULL;
		json_t *next = json_object_get(page, "next");
		if (json_is_string(next) && rows < APPS_CSV_MAX_ROWS)
			cursor = xstrdup(json_string_value(next));
		json_decref(page);
		if (!cursor)
			break;
	}
	api_send_csv_attachment(r, "basvurular", &out);
}

/* ---- uploads ---- */

void apps_files_from_request(struct req *r, const char *role, char *dir, size_t dirsz, struct app_files *files)
{
	memset(files, 0, sizeof *files);
	snprintf(dir, dirsz, "%s/files", r->app->cfg.var_dir);
	files->dir = dir;
	files->role = role;
	files->max_len = APPS_MAX_FILE;
	const struct multipart *mp = req_multipart(r);
	struct app_upload *items = NULL;
	size_t n = 0;
	for (size_t i = 0; i < mp->n; i++) {
		const struct multipart_part *p = &mp->parts[i];
		if (!p->filename || strcmp(p->name, "file") != 0 || (p->len == 0 && !*p->filename))
			continue;
		items = xrealloc(items, (n + 1) * sizeof *items);
		items[n].name = p->filename;
		items[n].data = p->data;
		items[n].len = p->len;
		n++;
	}
	files->items = items;
	files->n = n;
}

void apps_files_free(struct app_files *files)
{
	free((void *)files->items);
	files->items = NULL;
	files->n = 0;
}

/* ---- responses ---- */

/* 422 naming field (api_field_error), the message naming the field by its label (and the largest file size). */
static void field_error(struct req *r, const char *field, const char *key)
{
	json_t *args = json_pack("{s:s,s:i}", "field", i18n_get(r->lang, apps_field_label_key(field)), "max",
				 (int)(APPS_MAX_FILE >> 20));
	api_field_error(r, field, key && i18n_has(key) ? key : "error.invalid", args);
}

void apps_api_error(struct req *r, int rc, const char *error_key, const char *field)
{
	switch (rc) {
	case APP_INVALID:
		field_error(r, field ? field : "action", error_key);
		break;
	case APP_NOT_FOUND:
		resp_error(r, 404, "not_found", "error.not_found");
		break;
	case APP_FORBIDDEN:
		resp_error(r, 403, "forbidden", WF_ERR_FORBIDDEN);
		break;
	case APP_STATE:
		resp_error(r, 409, "wrong_state", error_key && i18n_has(error_key) ? error_key : WF_ERR_ACTION);
		break;
	case APP_BUSY:
		resp_error(r, 503, "unavailable", "error.unavailable");
		break;
	default:
		resp_error(r, 500, "internal", "error.internal");
	}
}

/* ---- lists ---- */

/* The filtered list as JSON, or as CSV when csv or format=csv; a bad parameter is 422 naming it. */
static void send_list(struct req *r, bool csv)
{
	struct app_filter f;
	const char *bad = apps_filter_from_query(r, &f);
	if (bad) {
		field_error(r, bad, "error.invalid");
		return;
	}
	const char *format = params_get(&r->query, "format");
	if (csv || (format && strcmp(format, "csv") == 0)) {
		apps_send_csv(r, &f);
		return;
	}
	if (format && *format && strcmp(format, "json") != 0) {
		field_error(r, "format", "error.invalid");
		return;
	}
	const char *after;
	int limit;
	bad = api_page_values(params_get(&r->query, "after"), params_get(&r->query, "limit"), "0123456789.", &after,
			      &limit);
	if (bad) {
		field_error(r, bad, "error.invalid");
		return;
	}
	if (f.directorate_scope < 0) {
		resp_json(r, 200, json_pack("{s:[],s:n}", "items", "next"));
		return;
	}
	resp_json(r, 200, app_list(r->db, &f, after, limit, (int64_t)time(NULL)));
}

void h_api_applications_csv(struct req *r)
{
	send_list(r, true);
}

void h_api_applications(struct req *r)
{
	send_list(r, false);
}

/* ---- one application ---- */

/* Adds state_label, actions and, per route, its actions to o (a directorate user: only its own routes'). */
static void decorate(struct req *r, json_t *o)
{
	const struct wf_state *s = wf_state_by_name(&application_flow, json_str(o, "state"));
	json_object_set_new(o, "state_label", json_string(s ? i18n_get(r->lang, s->label_key) : ""));
	json_object_set_new(o, "actions", api_flow_actions(r, &application_flow, json_str(o, "state")));
	int64_t scope = apps_scope(r);
	bool open = strcmp(json_str(o, "state"), "routed") == 0 || strcmp(json_str(o, "state"), "waiting") == 0;
	size_t i;
	json_t *route;
	json_array_foreach(json_object_get(o, "routes"), i, route)
	{
		bool mine = scope == 0 || json_integer_value(json_object_get(route, "directorate_id")) == scope;
		json_object_set_new(route, "actions",
				    mine && open ? api_flow_actions(r, &route_flow, json_str(route, "state"))
						 : json_array());
	}
}

/* The application id as r's actor may see it, decorated, or NULL. */
static json_t *visible(struct req *r, int64_t id)
{
	int64_t scope = apps_scope(r);
	if (!id || scope < 0)
		return NULL;
	json_t *o = app_get(r->db, id, scope, (int64_t)time(NULL));
	if (o)
		decorate(r, o);
	return o;
}

void h_api_application_create(struct req *r)
{
	if (!json_is_object(r->json)) {
		resp_error(r, 400, "bad_request", "error.bad_json");
		return;
	}
	json_t *values = json_deep_copy(r->json);
	if (!json_object_get(values, "channel"))
		json_object_set_new(values, "channel", json_string("api"));
	const char *key = req_header(r, "Idempotency-Key");
	if (key && *key)
		json_object_set_new(values, "idempotency_key", json_string(key));
	const char *field = NULL, *error_key = NULL;
	bool existing = false;
	int64_t id = app_create(r->db, r->actor.username, values, NULL, &existing, &field, &error_key);
	json_decref(values);
	if (id > 0) {
		json_t *o = app_get(r->db, id, 0, (int64_t)time(NULL));
		if (!o) {
			resp_error(r, 500, "internal", "error.internal");
			return;
		}
		decorate(r, o);
		json_object_set_new(o, "existing", json_boolean(existing));
		resp_json(r, existing ? 200 : 201, o);
		return;
	}
	apps_api_error(r, (int)id, error_key, field ? field : "kind");
}

void h_api_application(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *o = visible(r, id);
	if (!o) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	api_send_record(r, o, "application", id, 500);
}

/* The action of a JSON transition body, or NULL after answering 400/422. */
static const char *body_action(struct req *r)
{
	if (!json_is_object(r->json)) {
		resp_error(r, 400, "bad_request", "error.bad_json");
		return NULL;
	}
	const char *action = json_string_value(json_object_get(r->json, "action"));
	if (!action || !*action) {
		field_error(r, "action", "error.required");
		return NULL;
	}
	return action;
}

/* Answers the result rc of a transition of application id: 200 with the application as r's actor now sees it
 * (only {"id"} when it no longer may), or the error (apps_api_error). */
static void answer_transition(struct req *r, int rc, int64_t id, const char *error_key, const char *field)
{
	if (rc != APP_OK) {
		apps_api_error(r, rc, error_key, field);
		return;
	}
	json_t *o = visible(r, id);
	if (!o)
		resp_json(r, 200, json_pack("{s:I}", "id", (json_int_t)id));
	else
		resp_json(r, 200, o);
}

/* Whether application id is visible to r's actor; answers 404 when not. */
static bool exists(struct req *r, int64_t id)
{
	json_t *o = visible(r, id);
	if (!o) {
		resp_error(r, 404, "not_found", "error.not_found");
		return false;
	}
	json_decref(o);
	return true;
}

void h_api_application_transition(struct req *r)
{
	int64_t id = req_arg_id(r, 0), scope = apps_scope(r);
	if (!id || scope < 0) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	const char *action = body_action(r);
	if (!action)
		return;
	const char *error_key = NULL, *field = NULL;
	int rc = app_transition(r->db, r->actor.username, r->actor.role, scope, id, action, r->json, NULL, &error_key,
				&field);
	answer_transition(r, rc, id, error_key, field);
}

void h_api_application_route_transition(struct req *r)
{
	int64_t id = req_arg_id(r, 0), rid = req_arg_id(r, 1), scope = apps_scope(r);
	json_t *o = visible(r, id);
	bool found = false;
	size_t i;
	json_t *route;
	json_array_foreach(json_object_get(o, "routes"), i, route) found =
		found || json_integer_value(json_object_get(route, "id")) == rid;
	json_decref(o);
	if (!found || !rid) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	const char *action = body_action(r);
	if (!action)
		return;
	const char *error_key = NULL, *field = NULL;
	int rc = app_route_transition(r->db, r->actor.username, r->actor.role, scope, rid, action, r->json, NULL,
				      &error_key, &field);
	answer_transition(r, rc, id, error_key, field);
}

void h_api_application_contact(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	if (!exists(r, id))
		return;
	if (!json_is_object(r->json)) {
		resp_error(r, 400, "bad_request", "error.bad_json");
		return;
	}
	const char *field = NULL;
	int64_t cid = app_log_contact(r->db, r->actor.username, id, r->json, &field);
	if (cid <= 0) {
		bool missing = field && (strcmp(field, "summary") == 0 || strcmp(field, "spoke_with") == 0);
		apps_api_error(r, cid == 0 ? APP_ERROR : (int)cid, missing ? "error.required" : "error.invalid", field);
		return;
	}
	json_t *o = visible(r, id);
	resp_json(r, 201, json_pack("{s:I,s:o}", "id", (json_int_t)cid, "application", o ? o : json_null()));
}

void h_api_application_events(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	if (!exists(r, id))
		return;
	resp_json(r, 200, json_pack("{s:o}", "items", app_clock_events(r->db, id)));
}
