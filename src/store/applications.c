/* applications.c: changing applications of workflow 3 (see applications.h): the application flow's transitions with
 * their effects, contacts, and what the other files share (messages, files). Intake is in applications_intake.c,
 * reading in applications_read.c, routes in application_routes.c, clocks in application_clocks.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/application_flow.h"
#include "core/isotime.h"
#include "core/validate.h"
#include "store/app_reference.h"
#include "store/applications_internal.h"
#include "store/archive.h"
#include "store/audit.h"
#include "store/directorates.h"
#include "store/files.h"
#include "store/outbox.h"
#include "store/requester.h"
#include "store/settings.h"
#include "util/buf.h"
#include "util/xalloc.h"

static const char SQL_UPDATE[] =
	"UPDATE applications SET state = ?, legal_reason = ?, assessment_note = ?, authority = ?, answer = ?, "
	"answered_at = ?, feedback_via = ?, feedback_at = ?, archived_number = ?, updated_at = ?, updated_by = ? "
	"WHERE id = ? AND state = ?";
static const char SQL_SET_STATE[] =
	"UPDATE applications SET state = ?, updated_at = ?, updated_by = ? WHERE id = ? AND state = ?";
static const char SQL_CONTACT_INSERT[] =
	"INSERT INTO application_contacts (application_id, kind, via, at, created_by, spoke_with, summary, "
	"notification_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";

static const char *const contact_vias[] = {"phone", "sms", "email", "letter", NULL};

/* ---- small helpers ---- */

int64_t app_int(const json_t *o, const char *name)
{
	return json_integer_value(json_object_get(o, name));
}

bool app_one_of(const char *s, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(s, *names) == 0)
			return true;
	return false;
}

int app_db_result(int rc)
{
	return rc == DB_BUSY ? APP_BUSY : APP_ERROR;
}

bool app_field_present(const char *name, void *fields)
{
	const json_t *v = json_object_get((const json_t *)fields, name);
	if (!v || json_is_null(v))
		return false;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	return true;
}

int64_t app_time_field(const json_t *v)
{
	if (!v || json_is_null(v) || (json_is_string(v) && !json_string_length(v)))
		return 0;
	int64_t t = -1;
	if (json_is_integer(v))
		t = json_integer_value(v);
	else if (json_is_string(v) && iso_time_parse(json_string_value(v), &t) != 0)
		t = -1;
	return t > 0 ? t : -1;
}

int app_set_state(struct db *db, const char *actor, int64_t id, const char *from_state, const char *to_state,
		  int64_t now)
{
	struct db_stmt *st = db_prep(db, SQL_SET_STATE);
	if (!st)
		return APP_ERROR;
	db_bind_text(st, 1, to_state);
	db_bind_int(st, 2, now);
	db_bind_text(st, 3, actor);
	db_bind_int(st, 4, id);
	db_bind_text(st, 5, from_state);
	int rc = db_step(st);
	if (rc != DB_OK)
		return app_db_result(rc);
	return db_changes(st) == 1 ? APP_OK : APP_STATE;
}

/* ---- notifications and contacts ---- */

/* The channel the applicant is told by when no via is given: the preferred one if it has an address, else SMS
 * or e-mail, whichever they gave; "" when they asked not to be contacted or gave neither. */
const char *app_default_via(const json_t *app)
{
	const char *pref = json_str(app, "preferred_channel");
	bool phone = *json_str(app, "phone"), email = *json_str(app, "email");
	if (strcmp(pref, "none") == 0)
		return "";
	if (strcmp(pref, "email") == 0 && email)
		return "email";
	if (phone)
		return "sms";
	return email ? "email" : "";
}

int app_notify(struct db *db, const char *actor, const json_t *app, const char *via, const char *template_key,
	       const json_t *extra_args, int64_t *notification_id)
{
	if (notification_id)
		*notification_id = 0;
	if (!via || !*via)
		via = app_default_via(app);
	if (!*via)
		return APP_OK;
	bool sms = strcmp(via, "sms") == 0;
	const char *to = json_str(app, sms ? "phone" : "email");
	if (!*to || (!sms && strcmp(via, "email") != 0))
		return APP_INVALID;
	json_t *args = json_pack("{s:s,s:s,s:s}", "code", json_str(app, "tracking_code"), "name",
				 json_str(app, "applicant_name"), "subject", json_str(app, "subject"));
	if (extra_args)
		json_object_update(args, (json_t *)extra_args);
	struct notification n = {.channel = sms ? NOTIFY_SMS : NOTIFY_EMAIL, .recipient = to,
				 .record_type = "application", .record_id = app_int(app, "id"),
				 .template_key = template_key, .lang = LANG_TR, .created_by = actor};
	int64_t nid = requester_message(db, &n, args);
	json_decref(args);
	if (nid < 0)
		return APP_ERROR;
	if (notification_id)
		*notification_id = nid;
	return APP_OK;
}

int64_t app_contact_insert(struct db *db, const char *actor, int64_t id, const char *kind, const char *via,
			   int64_t at, const char *spoke_with, const char *summary, int64_t notification_id)
{
	struct db_stmt *st = db_prep(db, SQL_CONTACT_INSERT);
	if (!st)
		return APP_ERROR;
	int i = 1;
	db_bind_int(st, i++, id);
	db_bind_text(st, i++, kind);
	db_bind_text(st, i++, via);
	db_bind_int(st, i++, at);
	db_bind_text(st, i++, actor);
	db_bind_text(st, i++, spoke_with ? spoke_with : "");
	db_bind_text(st, i++, summary ? summary : "");
	db_bind_id_or_null(st, i++, notification_id);
	int rc = db_step(st);
	if (rc != DB_ROW)
		return app_db_result(rc);
	int64_t cid = db_col_int(st, 0);
	db_reset(st);
	return cid;
}

int app_store_files(struct db *db, const char *actor, int64_t id, const struct app_files *files, const char *role,
		    const char **field, const char **error_key)
{
	if (!files)
		return APP_OK;
	if (!role)
		role = files->role && *files->role ? files->role : "attachment";
	for (size_t i = 0; i < files->n; i++) {
		const struct app_upload *u = &files->items[i];
		int64_t fid = file_store(db, files->dir, actor, u->name, u->data, u->len,
					 files->max_len ? files->max_len : FILES_MAX_DEFAULT, NULL);
		if (fid == FILE_TOO_LARGE || fid == FILE_BAD_TYPE || fid == FILE_EMPTY) {
			*field = "file";
			*error_key = fid == FILE_TOO_LARGE ? "error.file_size"
				     : fid == FILE_BAD_TYPE ? "error.file_type"
							    : "error.file_empty";
			return APP_INVALID;
		}
		if (fid <= 0 || file_link(db, actor, fid, "application", id, role) <= 0)
			return APP_ERROR;
	}
	return APP_OK;
}

/* ---- transitions ---- */

/* The working copy of an application's mutable columns. */
struct app_row {
	const char *state, *legal_reason, *assessment_note, *authority, *answer, *feedback_via;
	int64_t answered_at, feedback_at;
	char archived_number[96];
};

/* The instant of a contact the staff record (fields.at: when the call was made, when the information came), not
 * before receipt nor after now; now when absent. -1 when bad. */
static int64_t contact_at(const json_t *fields, const json_t *app, int64_t now)
{
	int64_t at = app_time_field(json_object_get(fields, "at"));
	if (at == 0)
		return now;
	if (at < 0 || at > now || at < app_int(app, "received_at"))
		return -1;
	return at;
}

/* The directorates of route/reroute: fields.directorates, or fields.directorate_id, or (route) the category's
 * default directorate. Returns a new array of integers (maybe empty), or NULL when an element is not an id. */
static json_t *route_targets(struct db *db, const json_t *fields, const json_t *app, bool use_default)
{
	json_t *out = json_array();
	json_t *list = json_object_get(fields, "directorates"), *one = json_object_get(fields, "directorate_id");
	if (json_is_array(list) && json_array_size(list)) {
		size_t i;
		json_t *v;
		json_array_foreach(list, i, v)
		{
			int64_t d = json_is_integer(v) ? json_integer_value(v)
				    : json_is_string(v) ? strtoll(json_string_value(v), NULL, 10)
							: 0;
			if (d <= 0) {
				json_decref(out);
				return NULL;
			}
			json_array_append_new(out, json_integer(d));
		}
	} else if (json_is_integer(one) && json_integer_value(one) > 0) {
		json_array_append(out, one);
	} else if (list || (one && !json_is_null(one))) {
		json_decref(out);
		return NULL;
	} else if (use_default) {
		struct clock_policy p;
		int64_t d = 0;
		if (app_category_policy(db, app_int(app, "category_id"), &p, &d) == 0 && d > 0)
			json_array_append_new(out, json_integer(d));
	}
	return out;
}

/* route / reroute: adds a route per directorate and tells the applicant. Returns APP_OK or an error. */
static int do_route(struct db *db, const char *actor, const json_t *app, const json_t *fields, json_t *targets,
		    int64_t now, const char **field, const char **error_key)
{
	json_t *due = json_object_get(fields, "due_at");
	int64_t due_at = app_time_field(due);
	if (due_at < 0 || (due_at > 0 && due_at <= app_int(app, "received_at"))) {
		*field = "due_at";
		*error_key = "error.invalid";
		return APP_INVALID;
	}
	if (!due_at) {
		json_t *full = app_get(db, app_int(app, "id"), 0, now);
		due_at = json_integer_value(json_object_get(json_object_get(json_object_get(full, "clocks"), "office"),
							    "due_at"));
		json_decref(full);
	}
	struct buf names = BUF_INIT;
	int result = APP_OK;
	size_t i;
	json_t *v;
	json_array_foreach(targets, i, v)
	{
		int64_t d = json_integer_value(v);
		json_t *dir = directorate_get(db, d);
		bool usable = dir && json_is_true(json_object_get(dir, "active"));
		if (!usable && dir && json_is_integer(json_object_get(dir, "active")))
			usable = json_integer_value(json_object_get(dir, "active")) != 0;
		int open = usable ? app_routes_count(db, app_int(app, "id"), d, NULL) : 0;
		if (!usable || open != 0) {
			json_decref(dir);
			*field = "directorates";
			*error_key = "error.invalid";
			result = open < 0 ? APP_ERROR : APP_INVALID;
			break;
		}
		if (names.len)
			buf_adds(&names, ", ");
		buf_adds(&names, json_str(dir, "name"));
		json_decref(dir);
		int64_t rid = app_route_add(db, actor, app_int(app, "id"), d, due_at, json_str(fields, "note"), now);
		if (rid < 0) {
			result = (int)rid;
			break;
		}
	}
	if (result == APP_OK) {
		json_t *args = json_pack("{s:s}", "directorates", names.data ? names.data : "");
		result = app_notify(db, actor, app, "", "application_routed", args, NULL);
		json_decref(args);
	}
	buf_free(&names);
	return result;
}

/* reject / forward_external: checks the legal reason and fills the answer from the response template when none
 * is given (into f). Returns APP_OK or APP_INVALID. */
static int prepare_assessment(struct db *db, const json_t *app, json_t *f, bool forward, const char **field,
			      const char **error_key)
{
	json_t *reason = legal_reason_get(db, json_str(f, "legal_reason"));
	int result = APP_OK;
	if (!reason || strcmp(json_str(reason, "action"), forward ? "forward" : "reject") != 0 ||
	    json_is_false(json_object_get(reason, "active"))) {
		*field = "legal_reason";
		*error_key = *json_str(f, "legal_reason") ? "error.invalid" : "error.required";
		result = APP_INVALID;
		goto out;
	}
	json_object_set_new(f, "reason_label", json_string(json_str(reason, "label_tr")));
	if (!*json_str(f, "answer")) {
		json_t *templates = response_template_list(db, forward ? "forwarded" : "rejected",
							   app_int(app, "category_id"), true);
		json_t *t = json_array_get(templates, 0);
		if (t) {
			char date[ISO_TIME_SIZE];
			iso_time_format((int64_t)time(NULL), date);
			char dmy[11];
			snprintf(dmy, sizeof dmy, "%.2s.%.2s.%.4s", date + 8, date + 5, date);
			json_t *args = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "code", json_str(app, "tracking_code"),
						 "name", json_str(app, "applicant_name"), "subject",
						 json_str(app, "subject"), "authority", json_str(f, "authority"),
						 "reason", json_str(reason, "label_tr"), "date", dmy);
			struct buf body = BUF_INIT;
			app_template_fill(json_str(t, "body_tr"), args, &body);
			json_object_set_new(f, "answer", json_string(body.data ? body.data : ""));
			buf_free(&body);
			json_decref(args);
		}
		json_decref(templates);
	}
out:
	json_decref(reason);
	return result;
}

/* The id of the application's first petition file, or 0. */
static int64_t petition_file(struct db *db, int64_t id)
{
	json_t *files = files_for_record(db, "application", id);
	int64_t fid = 0;
	size_t i;
	json_t *f;
	json_array_foreach (files, i, f)
		if (!fid && strcmp(json_str(f, "role"), "petition") == 0)
			fid = app_int(f, "id");
	json_decref(files);
	return fid;
}

#define INVALID(name, key)                                                                                        \
	do {                                                                                                      \
		*field = (name);                                                                                  \
		*error_key = (key);                                                                               \
		result = APP_INVALID;                                                                             \
		goto out;                                                                                         \
	} while (0)

int app_transition(struct db *db, const char *actor, unsigned actor_role, int64_t directorate_scope, int64_t id,
		   const char *action, const json_t *fields, const struct app_files *files, const char **error_key,
		   const char **field)
{
	const char *dk, *df;
	if (!error_key)
		error_key = &dk;
	if (!field)
		field = &df;
	*error_key = NULL;
	*field = NULL;
	int rc = db_begin_write(db);
	if (rc != 0)
		return app_db_result(rc);
	int result = APP_ERROR;
	int64_t now = (int64_t)time(NULL);
	json_t *before = app_row_get(db, id, directorate_scope), *after = NULL, *args = NULL, *targets = NULL;
	json_t *f = fields && json_is_object(fields) ? json_deep_copy(fields) : json_object();
	if (!before) {
		*error_key = "error.not_found";
		result = APP_NOT_FOUND;
		goto out;
	}
	const struct wf_state *from = wf_state_by_name(&application_flow, json_str(before, "state"));
	const struct wf_transition *t = from ? wf_find(&application_flow, from->id, action, actor_role, error_key)
					     : NULL;
	if (!t) {
		result = *error_key && strcmp(*error_key, WF_ERR_FORBIDDEN) == 0 ? APP_FORBIDDEN : APP_STATE;
		goto out;
	}
	const char *act = t->action;
	bool route = strcmp(act, "route") == 0, reroute = strcmp(act, "reroute") == 0;
	bool reject = strcmp(act, "reject") == 0, forward = strcmp(act, "forward_external") == 0;
	bool interim = strcmp(act, "interim") == 0, feedback = strcmp(act, "give_feedback") == 0;
	/* Defaults before the flow's required fields are checked. */
	if (route || reroute) {
		targets = route_targets(db, f, before, route);
		if (!targets)
			INVALID("directorates", "error.invalid");
		json_object_set(f, "directorates", targets);
	} else if (reject || forward) {
		if (forward && !*json_str(f, "authority"))
			INVALID("authority", "error.required");
		result = prepare_assessment(db, before, f, forward, field, error_key);
		if (result != APP_OK)
			goto out;
		result = APP_ERROR;
	} else if (strcmp(act, "archive") == 0 && !*json_str(f, "file_plan_code")) {
		json_t *category = app_category_get(db, app_int(before, "category_id"));
		json_object_set_new(f, "file_plan_code", json_string(json_str(category, "file_plan_code")));
		json_decref(category);
	} else if (feedback) {
		if (!*json_str(f, "via"))
			json_object_set_new(f, "via", json_string(json_str(before, "preferred_channel")));
		if (!*json_str(f, "text"))
			json_object_set_new(f, "text", json_string(json_str(before, "answer")));
	}
	*field = wf_missing_field(t, app_field_present, f);
	if (*field) {
		*error_key = "error.required";
		result = APP_INVALID;
		goto out;
	}
	struct app_row r = {
		.state = application_flow.states[t->to].name,
		.legal_reason = json_str(before, "legal_reason"),
		.assessment_note = json_str(before, "assessment_note"),
		.authority = json_str(before, "authority"),
		.answer = json_str(before, "answer"),
		.feedback_via = json_str(before, "feedback_via"),
		.answered_at = app_int(before, "answered_at"),
		.feedback_at = app_int(before, "feedback_at"),
	};
	snprintf(r.archived_number, sizeof r.archived_number, "%s", json_str(before, "archived_number"));
	const char *via = json_str(f, "via");
	int64_t at = now;
	if (reject || forward) {
		r.legal_reason = json_str(f, "legal_reason");
		r.answer = json_str(f, "answer");
		r.authority = forward ? json_str(f, "authority") : r.authority;
		if (*json_str(f, "note"))
			r.assessment_note = json_str(f, "note");
		if (!*r.answer) /* no template for it: the reason is the answer */
			r.answer = json_str(f, "reason_label");
		r.answered_at = now;
		r.feedback_at = now;
		r.feedback_via = app_default_via(before);
	} else if (route) {
		r.assessment_note = json_str(f, "note");
	} else if (strcmp(act, "answer") == 0) {
		r.answer = json_str(f, "answer");
		r.answered_at = now;
	} else if (strcmp(act, "request_info") == 0 || strcmp(act, "info_received") == 0) {
		at = contact_at(f, before, now);
		if (at < 0)
			INVALID("at", "error.invalid");
	} else if (interim || feedback) {
		if (!app_one_of(via, contact_vias))
			INVALID("via", "error.invalid");
		if (!*json_str(f, "text"))
			INVALID("text", "error.required");
		bool sent = strcmp(via, "sms") == 0 || strcmp(via, "email") == 0;
		at = sent ? now : contact_at(f, before, now);
		if (at < 0)
			INVALID("at", "error.invalid");
		if (strcmp(via, "phone") == 0 && !*json_str(f, "spoke_with"))
			INVALID("spoke_with", "error.required");
		if (feedback) {
			r.feedback_via = via;
			r.feedback_at = at;
		}
	} else if (strcmp(act, "archive") == 0) {
		char *title = *json_str(f, "title") ? xstrdup(json_str(f, "title"))
						   : xasprintf("Başvuru %s: %s", json_str(before, "tracking_code"),
							       json_str(before, "subject"));
		int64_t doc = archive_document(db, actor, "application", id, json_str(f, "file_plan_code"), title,
					       petition_file(db, id), r.archived_number);
		free(title);
		if (doc == ARCHIVE_NO_CODE)
			INVALID("file_plan_code", "error.invalid");
		if (doc == ARCHIVE_NO_DETSIS)
			INVALID(SETTING_DETSIS_UNIT, "error.invalid");
		if (doc <= 0)
			goto out;
	}
	struct db_stmt *st = db_prep(db, SQL_UPDATE);
	if (!st)
		goto out;
	int i = 1;
	db_bind_text(st, i++, r.state);
	db_bind_text(st, i++, r.legal_reason);
	db_bind_text(st, i++, r.assessment_note);
	db_bind_text(st, i++, r.authority);
	db_bind_text(st, i++, r.answer);
	db_bind_id_or_null(st, i++, r.answered_at);
	db_bind_text(st, i++, r.feedback_via);
	db_bind_id_or_null(st, i++, r.feedback_at);
	db_bind_text(st, i++, r.archived_number);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	db_bind_int(st, i++, id);
	db_bind_text(st, i++, from->name);
	rc = db_step(st);
	if (rc != DB_OK || db_changes(st) != 1) {
		result = rc == DB_OK ? APP_STATE : app_db_result(rc);
		goto out;
	}
	/* The effects beyond the row: routes, messages, contacts, clocks. */
	int64_t nid = 0;
	if (route || reroute) {
		result = do_route(db, actor, before, f, targets, now, field, error_key);
	} else if (reject || forward) {
		args = json_pack("{s:s,s:s,s:s}", "reason", json_str(f, "reason_label"), "answer", r.answer,
				 "authority", r.authority);
		result = app_notify(db, actor, before, "", reject ? "application_rejected" : "application_forwarded",
				    args, &nid);
		if (result == APP_OK && nid &&
		    app_contact_insert(db, actor, id, "final", r.feedback_via, now, "", r.answer, nid) < 0)
			result = APP_ERROR;
		if (result == APP_OK && appc_stop(db, id, true, true, now, act, actor) != 0)
			result = APP_ERROR;
	} else if (strcmp(act, "answer") == 0) {
		result = app_routes_move(db, actor, id, NULL, "withdrawn", "withdraw", now);
		if (result == APP_OK)
			result = app_store_files(db, actor, id, files, "answer", field, error_key);
	} else if (strcmp(act, "request_info") == 0) {
		args = json_pack("{s:s}", "question", json_str(f, "question"));
		result = app_notify(db, actor, before, "", "application_info_needed", args, &nid);
		if (result == APP_OK && nid &&
		    app_contact_insert(db, actor, id, "info_request", app_default_via(before), now, "",
				       json_str(f, "question"), nid) < 0)
			result = APP_ERROR;
		if (result == APP_OK && appc_set_paused(db, id, true, at, json_str(f, "question"), actor) != 0)
			result = APP_ERROR;
	} else if (strcmp(act, "info_received") == 0) {
		result = app_routes_move(db, actor, id, "info_requested", "accepted", "info_received", now);
		if (result == APP_OK && appc_set_paused(db, id, false, at, json_str(f, "note"), actor) != 0)
			result = APP_ERROR;
	} else if (interim || feedback) {
		bool sent = strcmp(via, "sms") == 0 || strcmp(via, "email") == 0;
		result = APP_OK;
		if (sent) {
			args = json_pack("{s:s,s:s}", "text", json_str(f, "text"), "answer", json_str(f, "text"));
			result = app_notify(db, actor, before, via,
					    interim ? "application_interim" : "application_feedback", args, &nid);
			if (result == APP_INVALID)
				INVALID("via", "error.invalid");
		}
		const char *summary = *json_str(f, "summary") ? json_str(f, "summary") : json_str(f, "text");
		if (result == APP_OK && app_contact_insert(db, actor, id, interim ? "interim" : "final", via, at,
							   json_str(f, "spoke_with"), summary, nid) <= 0)
			result = APP_ERROR;
		if (result == APP_OK && appc_stop(db, id, feedback, true, at, act, actor) != 0)
			result = APP_ERROR;
	} else {
		result = APP_OK;
	}
	if (result != APP_OK)
		goto out;
	result = APP_ERROR;
	if (appc_refresh(db, id, now) != 0)
		goto out;
	after = app_row_get(db, id, 0);
	char audit_action[64];
	snprintf(audit_action, sizeof audit_action, "application.%s", act);
	if (!after || audit_append(db, actor, audit_action, "application", id, before, after) != 0)
		goto out;
	rc = db_commit(db);
	result = rc == 0 ? APP_OK : app_db_result(rc);
	goto done;
out:
	db_rollback(db);
done:
	json_decref(before);
	json_decref(after);
	json_decref(args);
	json_decref(targets);
	json_decref(f);
	return result;
}

int64_t app_log_contact(struct db *db, const char *actor, int64_t id, const json_t *fields, const char **field)
{
	const char *df;
	if (!field)
		field = &df;
	*field = NULL;
	int rc = db_begin_write(db);
	if (rc != 0)
		return app_db_result(rc);
	int64_t result = APP_NOT_FOUND, now = (int64_t)time(NULL);
	json_t *app = app_row_get(db, id, 0), *logged = NULL;
	if (!app)
		goto out;
	const char *kind = *json_str(fields, "kind") ? json_str(fields, "kind") : "call";
	const char *via = *json_str(fields, "via") ? json_str(fields, "via") : "phone";
	result = APP_INVALID;
	if (strcmp(kind, "call") != 0 && strcmp(kind, "interim") != 0 && strcmp(kind, "final") != 0) {
		*field = "kind";
		goto out;
	}
	if (!app_one_of(via, contact_vias)) {
		*field = "via";
		goto out;
	}
	int64_t at = contact_at(fields, app, now);
	if (at < 0) {
		*field = "at";
		goto out;
	}
	if (strcmp(via, "phone") == 0 && !*json_str(fields, "spoke_with")) {
		*field = "spoke_with";
		goto out;
	}
	if (!*json_str(fields, "summary")) {
		*field = "summary";
		goto out;
	}
	result = APP_ERROR;
	int64_t cid = app_contact_insert(db, actor, id, kind, via, at, json_str(fields, "spoke_with"),
					 json_str(fields, "summary"), 0);
	if (cid <= 0)
		goto out;
	/* An interim notice of the stage reached is the reasoned answer Law 3071 asks for. */
	if (strcmp(kind, "interim") == 0 && appc_stop(db, id, false, true, at, "interim", actor) != 0)
		goto out;
	logged = json_pack("{s:I,s:s,s:s,s:I}", "contact_id", (json_int_t)cid, "kind", kind, "via", via, "at",
			   (json_int_t)at);
	if (audit_append(db, actor, "application.contact", "application", id, NULL, logged) != 0)
		goto out;
	rc = db_commit(db);
	json_decref(app);
	json_decref(logged);
	return rc == 0 ? cid : app_db_result(rc);
out:
	db_rollback(db);
	json_decref(app);
	json_decref(logged);
	return result;
}

