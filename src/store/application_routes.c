/* application_routes.c: each directorate's share of an application (a route) and its flow (route_flow of
 * core/application_flow.h): the directorate's accept, plan, answer, return and questions to the applicant, and
 * what they do to the application (waiting while asked, answered when the last open route is answered). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/application_flow.h"
#include "core/isotime.h"
#include "core/validate.h"
#include "store/applications_internal.h"
#include "store/audit.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xalloc.h"

#define ROUTE_COLS                                                                                                \
	"r.id, r.application_id, r.directorate_id, d.name, r.state, r.due_at, r.note, r.work_date, r.answer, "    \
	"r.answered_at, r.answered_by, r.return_reason, r.created_at"
#define OPEN_STATES "('pending','accepted','planned','info_requested')"

static const char SQL_ROUTE_GET[] = "SELECT " ROUTE_COLS " FROM application_routes r JOIN directorates d ON "
				    "d.id = r.directorate_id WHERE r.id = ?";
static const char SQL_ROUTES[] = "SELECT " ROUTE_COLS " FROM application_routes r JOIN directorates d ON "
				 "d.id = r.directorate_id WHERE r.application_id = ? ORDER BY r.id";
static const char SQL_ROUTE_INSERT[] =
	"INSERT INTO application_routes (application_id, directorate_id, state, due_at, note, created_at, created_by, "
	"updated_at, updated_by) VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_ROUTE_UPDATE[] =
	"UPDATE application_routes SET state = ?, work_date = ?, answer = ?, answered_at = ?, answered_by = ?, "
	"return_reason = ?, updated_at = ?, updated_by = ? WHERE id = ? AND state = ?";
static const char SQL_COUNT_OPEN[] = "SELECT COUNT(*) FROM application_routes WHERE application_id = ? AND "
				     "(? = 0 OR directorate_id = ?) AND state IN " OPEN_STATES;
static const char SQL_COUNT_STATE[] = "SELECT COUNT(*) FROM application_routes WHERE application_id = ? AND "
				      "(? = 0 OR directorate_id = ?) AND state = ?";
static const char SQL_IDS_OPEN[] =
	"SELECT id FROM application_routes WHERE application_id = ? AND state IN " OPEN_STATES " ORDER BY id";
static const char SQL_IDS_STATE[] =
	"SELECT id FROM application_routes WHERE application_id = ? AND state = ? ORDER BY id";
static const char SQL_SET_ANSWER[] =
	"UPDATE applications SET state = 'answered', answer = ?, answered_at = ?, updated_at = ?, updated_by = ? "
	"WHERE id = ? AND state IN ('routed','waiting')";

static int64_t opt_int(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? 0 : db_col_int(st, col);
}

static json_t *route_row(struct db_stmt *st)
{
	char due[ISO_TIME_SIZE];
	iso_time_format(db_col_int(st, 5), due);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_col_int(st, 0)));
	json_object_set_new(o, "application_id", json_integer(db_col_int(st, 1)));
	json_object_set_new(o, "directorate_id", json_integer(db_col_int(st, 2)));
	json_object_set_new(o, "directorate_name", json_string(db_col_text(st, 3)));
	json_object_set_new(o, "state", json_string(db_col_text(st, 4)));
	json_object_set_new(o, "due_at", json_integer(db_col_int(st, 5)));
	json_object_set_new(o, "due", json_string(due));
	json_object_set_new(o, "note", json_string(db_col_text(st, 6)));
	json_object_set_new(o, "work_date", json_string(db_col_text(st, 7)));
	json_object_set_new(o, "answer", json_string(db_col_text(st, 8)));
	json_object_set_new(o, "answered_at", json_integer(opt_int(st, 9)));
	json_object_set_new(o, "answered_by", json_string(db_col_text(st, 10)));
	json_object_set_new(o, "return_reason", json_string(db_col_text(st, 11)));
	json_object_set_new(o, "created_at", json_integer(db_col_int(st, 12)));
	return o;
}

static json_t *route_get(struct db *db, int64_t id)
{
	struct db_stmt *st = db_prep(db, SQL_ROUTE_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	json_t *o = db_step(st) == DB_ROW ? route_row(st) : NULL;
	db_reset(st);
	return o;
}

json_t *app_routes_json(struct db *db, int64_t app_id)
{
	json_t *a = json_array();
	struct db_stmt *st = db_prep(db, SQL_ROUTES);
	if (!st)
		return a;
	db_bind_int(st, 1, app_id);
	while (db_step(st) == DB_ROW)
		json_array_append_new(a, route_row(st));
	return a;
}

int app_routes_count(struct db *db, int64_t app_id, int64_t directorate_id, const char *state)
{
	struct db_stmt *st = db_prep(db, state ? SQL_COUNT_STATE : SQL_COUNT_OPEN);
	if (!st)
		return -1;
	db_bind_int(st, 1, app_id);
	db_bind_int(st, 2, directorate_id);
	db_bind_int(st, 3, directorate_id);
	if (state)
		db_bind_text(st, 4, state);
	int n = db_step(st) == DB_ROW ? (int)db_col_int(st, 0) : -1;
	db_reset(st);
	return n;
}

int64_t app_route_add(struct db *db, const char *actor, int64_t app_id, int64_t directorate_id, int64_t due_at,
		      const char *note, int64_t now)
{
	struct db_stmt *st = db_prep(db, SQL_ROUTE_INSERT);
	if (!st)
		return APP_ERROR;
	int i = 1;
	db_bind_int(st, i++, app_id);
	db_bind_int(st, i++, directorate_id);
	db_bind_int(st, i++, due_at);
	db_bind_text(st, i++, note ? note : "");
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return rc == DB_BUSY ? APP_BUSY : APP_ERROR;
	int64_t id = db_col_int(st, 0);
	db_reset(st);
	json_t *after = route_get(db, id);
	rc = after ? audit_append(db, actor, "application_route.create", "application_route", id, NULL, after) : -1;
	json_decref(after);
	return rc == 0 ? id : APP_ERROR;
}

/* The working copy of a route's mutable columns. */
struct route_row {
	const char *state, *work_date, *answer, *answered_by, *return_reason;
	int64_t answered_at;
};

/* Writes r over route id if it is still in from_state and audits it with before. Returns 0 or an enum
 * app_result. */
static int route_write(struct db *db, const char *actor, int64_t id, const char *from_state, const json_t *before,
		       const struct route_row *r, const char *action, int64_t now)
{
	struct db_stmt *st = db_prep(db, SQL_ROUTE_UPDATE);
	if (!st)
		return APP_ERROR;
	int i = 1;
	db_bind_text(st, i++, r->state);
	db_bind_text(st, i++, r->work_date);
	db_bind_text(st, i++, r->answer);
	db_bind_id_or_null(st, i++, r->answered_at);
	db_bind_text(st, i++, r->answered_by);
	db_bind_text(st, i++, r->return_reason);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	db_bind_int(st, i++, id);
	db_bind_text(st, i++, from_state);
	int rc = db_step(st);
	if (rc != DB_OK)
		return rc == DB_BUSY ? APP_BUSY : APP_ERROR;
	if (db_changes(st) != 1)
		return APP_STATE;
	json_t *after = route_get(db, id);
	char audit_action[64];
	snprintf(audit_action, sizeof audit_action, "application_route.%s", action);
	rc = after ? audit_append(db, actor, audit_action, "application_route", id, before, after) : -1;
	json_decref(after);
	return rc == 0 ? APP_OK : APP_ERROR;
}

int app_routes_move(struct db *db, const char *actor, int64_t app_id, const char *from_state, const char *to_state,
		    const char *action, int64_t now)
{
	struct db_stmt *st = db_prep(db, from_state ? SQL_IDS_STATE : SQL_IDS_OPEN);
	if (!st)
		return APP_ERROR;
	db_bind_int(st, 1, app_id);
	if (from_state)
		db_bind_text(st, 2, from_state);
	json_t *ids = json_array();
	while (db_step(st) == DB_ROW)
		json_array_append_new(ids, json_integer(db_col_int(st, 0)));
	int result = APP_OK;
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		json_t *before = route_get(db, json_integer_value(v));
		if (!before) {
			result = APP_ERROR;
			break;
		}
		struct route_row r = {to_state,
				      json_str(before, "work_date"),
				      json_str(before, "answer"),
				      json_str(before, "answered_by"),
				      json_str(before, "return_reason"),
				      app_int(before, "answered_at")};
		result = route_write(db, actor, json_integer_value(v), json_str(before, "state"), before, &r, action,
				     now);
		json_decref(before);
		if (result != APP_OK)
			break;
	}
	json_decref(ids);
	return result;
}

/* When no route of the application is open and one was answered, the application is answered with the routes'
 * answers (named by directorate when there are several). Returns 0 or an enum app_result. */
static int complete_if_answered(struct db *db, const char *actor, int64_t app_id, int64_t now)
{
	int open = app_routes_count(db, app_id, 0, NULL), answered = app_routes_count(db, app_id, 0, "answered");
	if (open < 0 || answered < 0)
		return APP_ERROR;
	if (open > 0 || answered == 0)
		return APP_OK;
	json_t *routes = app_routes_json(db, app_id), *before = app_row_get(db, app_id, 0), *after = NULL;
	struct buf text = BUF_INIT;
	size_t i;
	json_t *r;
	json_array_foreach(routes, i, r)
	{
		if (strcmp(json_str(r, "state"), "answered") != 0)
			continue;
		if (text.len)
			buf_adds(&text, "\n\n");
		if (answered > 1)
			buf_addf(&text, "%s: ", json_str(r, "directorate_name"));
		buf_adds(&text, json_str(r, "answer"));
	}
	int result = APP_ERROR;
	if (!before)
		goto out;
	bool was_waiting = strcmp(json_str(before, "state"), "waiting") == 0;
	struct db_stmt *st = db_prep(db, SQL_SET_ANSWER);
	if (!st)
		goto out;
	db_bind_text(st, 1, text.data ? text.data : "");
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, now);
	db_bind_text(st, 4, actor);
	db_bind_int(st, 5, app_id);
	if (db_step(st) != DB_OK)
		goto out;
	if (db_changes(st) != 1) {
		result = APP_OK; /* the application had moved on already (e.g. the office answered it) */
		goto out;
	}
	if (was_waiting && appc_set_paused(db, app_id, false, now, "", actor) != 0)
		goto out;
	after = app_row_get(db, app_id, 0);
	if (!after || audit_append(db, actor, "application.answer", "application", app_id, before, after) != 0)
		goto out;
	result = APP_OK;
out:
	json_decref(routes);
	json_decref(before);
	json_decref(after);
	buf_free(&text);
	return result;
}

/* Sets the application's state with its audit ("application.<action>"). Returns 0 or an enum app_result. */
static int move_application(struct db *db, const char *actor, int64_t app_id, const char *from, const char *to,
			    const char *action, int64_t now)
{
	json_t *before = app_row_get(db, app_id, 0), *after = NULL;
	int result = app_set_state(db, actor, app_id, from, to, now);
	if (result == APP_OK) {
		after = app_row_get(db, app_id, 0);
		char audit_action[64];
		snprintf(audit_action, sizeof audit_action, "application.%s", action);
		if (!after || audit_append(db, actor, audit_action, "application", app_id, before, after) != 0)
			result = APP_ERROR;
	}
	json_decref(before);
	json_decref(after);
	return result;
}

int app_route_transition(struct db *db, const char *actor, unsigned actor_role, int64_t directorate_scope,
			 int64_t route_id, const char *action, const json_t *fields, const struct app_files *files,
			 const char **error_key, const char **field)
{
	const char *dk, *df;
	if (!error_key)
		error_key = &dk;
	if (!field)
		field = &df;
	*error_key = NULL;
	*field = NULL;
	json_t *empty = json_object();
	if (!fields)
		fields = empty;
	int rc = db_begin_write(db);
	if (rc != 0) {
		json_decref(empty);
		return rc == DB_BUSY ? APP_BUSY : APP_ERROR;
	}
	int result = APP_ERROR;
	int64_t now = (int64_t)time(NULL);
	json_t *route = route_get(db, route_id), *app = NULL, *args = NULL;
	if (!route || (directorate_scope > 0 && app_int(route, "directorate_id") != directorate_scope)) {
		*error_key = "error.not_found";
		result = APP_NOT_FOUND;
		goto out;
	}
	int64_t app_id = app_int(route, "application_id");
	app = app_row_get(db, app_id, 0);
	if (!app) {
		*error_key = "error.not_found";
		result = APP_NOT_FOUND;
		goto out;
	}
	const char *app_state = json_str(app, "state");
	bool app_open = strcmp(app_state, "routed") == 0 || strcmp(app_state, "waiting") == 0;
	const struct wf_state *from = wf_state_by_name(&route_flow, json_str(route, "state"));
	const struct wf_transition *t = from ? wf_find(&route_flow, from->id, action, actor_role, error_key) : NULL;
	if (!t) {
		result = *error_key && strcmp(*error_key, WF_ERR_FORBIDDEN) == 0 ? APP_FORBIDDEN : APP_STATE;
		goto out;
	}
	if (!app_open) {
		*error_key = WF_ERR_ACTION;
		result = APP_STATE;
		goto out;
	}
	*field = wf_missing_field(t, app_field_present, (void *)fields);
	if (*field) {
		*error_key = "error.required";
		result = APP_INVALID;
		goto out;
	}
	const char *act = t->action;
	struct route_row r = {route_flow.states[t->to].name,
			      json_str(route, "work_date"),
			      json_str(route, "answer"),
			      json_str(route, "answered_by"),
			      json_str(route, "return_reason"),
			      app_int(route, "answered_at")};
	if (strcmp(act, "plan") == 0) {
		r.work_date = json_str(fields, "work_date");
		if (!date_valid(r.work_date, NULL, NULL, NULL)) {
			*field = "work_date";
			*error_key = "error.invalid";
			result = APP_INVALID;
			goto out;
		}
	} else if (strcmp(act, "answer") == 0) {
		r.answer = json_str(fields, "answer");
		if (!*r.answer) {
			*field = "answer";
			*error_key = "error.required";
			result = APP_INVALID;
			goto out;
		}
		r.answered_at = now;
		r.answered_by = actor;
	} else if (strcmp(act, "return") == 0) {
		r.return_reason = json_str(fields, "reason");
	}
	result = route_write(db, actor, route_id, from->name, route, &r, act, now);
	if (result != APP_OK)
		goto out;
	result = APP_ERROR;
	if (strcmp(act, "answer") == 0) {
		result = app_store_files(db, actor, app_id, files, "answer", field, error_key);
		if (result != APP_OK)
			goto out;
		result = complete_if_answered(db, actor, app_id, now);
	} else if (strcmp(act, "withdraw") == 0) {
		result = complete_if_answered(db, actor, app_id, now);
	} else if (strcmp(act, "ask_info") == 0) {
		const char *question = json_str(fields, "question");
		args = json_pack("{s:s}", "question", question);
		int64_t nid = 0;
		result = app_notify(db, actor, app, "", "application_info_needed", args, &nid);
		if (result != APP_OK)
			goto out;
		result = APP_ERROR;
		if (nid && app_contact_insert(db, actor, app_id, "info_request", app_default_via(app), now, "",
				       question, nid) < 0)
			goto out;
		if (strcmp(app_state, "routed") == 0 &&
		    move_application(db, actor, app_id, "routed", "waiting", "request_info", now) != APP_OK)
			goto out;
		if (appc_set_paused(db, app_id, true, now, question, actor) != 0)
			goto out;
		result = APP_OK;
	} else if (strcmp(act, "info_received") == 0) {
		int asking = app_routes_count(db, app_id, 0, "info_requested");
		if (asking < 0)
			goto out;
		if (asking == 0 && strcmp(app_state, "waiting") == 0) {
			if (move_application(db, actor, app_id, "waiting", "routed", "info_received", now) != APP_OK ||
			    appc_set_paused(db, app_id, false, now, json_str(fields, "note"), actor) != 0)
				goto out;
		}
		result = APP_OK;
	} else if (strcmp(act, "return") == 0) {
		json_t *note = json_pack("{s:I,s:I,s:s}", "route_id", (json_int_t)route_id, "directorate_id",
					 (json_int_t)app_int(route, "directorate_id"), "reason", r.return_reason);
		rc = audit_append(db, actor, "application.route_returned", "application", app_id, NULL, note);
		json_decref(note);
		result = rc == 0 ? APP_OK : APP_ERROR;
	} else {
		result = APP_OK;
	}
	if (result != APP_OK)
		goto out;
	result = APP_ERROR;
	if (appc_refresh(db, app_id, now) != 0)
		goto out;
	rc = db_commit(db);
	result = rc == 0 ? APP_OK : rc == DB_BUSY ? APP_BUSY : APP_ERROR;
	goto done;
out:
	db_rollback(db);
done:
	json_decref(route);
	json_decref(app);
	json_decref(args);
	json_decref(empty);
	return result;
}
