/* walkins.c: the JSON API of walk-ins over store/walkins.h (the pages are web/walkins.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/walkins.h"
#include "core/bizcal.h"
#include "core/isotime.h"
#include "core/walkin.h"
#include "store/appointments.h"
#include "store/audit.h"
#include "store/walkins.h"
#include "util/buf.h"
#include "web/walkins.h"

/* 422 {"error":{"code":"invalid","message","field","fields":{field: message}}}. */
static void field_error(struct req *r, const char *field, const char *key)
{
	struct buf msg = BUF_INIT;
	json_t *args = json_pack("{s:s}", "field", field);
	i18n_format(&msg, r->lang, key ? key : "error.invalid", args);
	json_decref(args);
	json_t *body = json_pack("{s:{s:s,s:s,s:s,s:{s:s}}}", "error", "code", "invalid", "message",
				 msg.data ? msg.data : "", "field", field, "fields", field, msg.data ? msg.data : "");
	buf_free(&msg);
	resp_json(r, 422, body);
}

void h_api_walkins(struct req *r)
{
	int64_t now = (int64_t)time(NULL);
	const char *date = req_param(r, "date");
	int ymd = date && *date ? iso_date_parse(date) : ymd_from_unix(now);
	if (!ymd) {
		field_error(r, "date", "error.invalid");
		return;
	}
	json_t *o = walkin_day(r->db, ymd, now);
	if (!o) {
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(o, "items"), i, w)
	{
		walkin_label(r, w);
	}
	json_t *avail = json_object_get(o, "availability");
	if (avail)
		walkin_describe(r, avail);
	resp_json(r, 200, o);
}

void h_api_walkin_create(struct req *r)
{
	if (!json_is_object(r->json)) {
		resp_error(r, 400, "bad_request", "error.bad_json");
		return;
	}
	h_walkin_create(r); /* one handler for the form and the API: it answers JSON for API requests */
}

void h_api_walkin_availability(struct req *r)
{
	const char *sduration = req_param(r, "duration");
	long duration = 0;
	if (sduration && *sduration) {
		char *end;
		duration = strtol(sduration, &end, 10);
		if (*end || duration < 1 || duration > WALKIN_DURATION_MAX) {
			field_error(r, "duration", "error.invalid");
			return;
		}
	}
	json_t *a = walkin_availability(r->db, (int64_t)time(NULL), (int)duration);
	if (!a) {
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	walkin_describe(r, a);
	resp_json(r, 200, a);
}

/* The actions this actor may take on o, as [{action, label, to}]. */
static json_t *actions_json(struct req *r, const json_t *o)
{
	json_t *list = json_array();
	const struct wf_state *s = wf_state_by_name(&walkin_flow, json_string_value(json_object_get(o, "state")));
	const struct wf_transition *t[8];
	size_t n = s ? wf_actions_for(&walkin_flow, s->id, r->actor.role, t, 8) : 0;
	for (size_t i = 0; i < n && i < 8; i++)
		json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "action", t[i]->action, "label",
						      i18n_get(r->lang, t[i]->label_key), "to",
						      walkin_flow.states[t[i]->to].name));
	return list;
}

void h_api_walkin(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *o = id ? walkin_get(r->db, id) : NULL;
	if (!o) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	walkin_label(r, o);
	json_object_set_new(o, "actions", actions_json(r, o));
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	json_t *events = audit_list(r->db, NULL, "walk_in", sid, NULL, 0, 200), *history = json_array();
	for (size_t i = json_array_size(events); i-- > 0;) {
		json_t *e = json_array_get(events, i);
		json_array_append_new(history, json_pack("{s:O?,s:O?,s:O?}", "ts", json_object_get(e, "ts"), "actor",
							 json_object_get(e, "actor"), "action",
							 json_object_get(e, "action")));
	}
	json_decref(events);
	json_object_set_new(o, "history", history);
	record_view_log(r->db, r->actor.username, "walk_in", id);
	resp_json(r, 200, o);
}

void h_api_walkin_action(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	const char *action = r->n_path_args > 1 ? r->path_args[1] : "";
	if (!id) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	if (r->json && !json_is_object(r->json)) {
		resp_error(r, 400, "bad_request", "error.bad_json");
		return;
	}
	json_t *fields = json_object();
	static const char *const names[] = {"notes", "preferred"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		json_t *v = r->json ? json_object_get(r->json, names[i]) : NULL;
		if (v && !json_is_null(v) && !json_is_string(v)) {
			json_decref(fields);
			field_error(r, names[i], "error.invalid");
			return;
		}
		if (v && json_string_length(v) > 2000) {
			json_decref(fields);
			field_error(r, names[i], "error.invalid");
			return;
		}
		if (v && json_is_string(v))
			json_object_set(fields, names[i], v);
	}
	const char *error_key = NULL, *field = NULL;
	int64_t appointment_id = 0;
	int rc = walkin_transition(r->db, r->actor.username, r->actor.role, id, action, fields, LANG_TR, &error_key,
				   &field, &appointment_id);
	json_decref(fields);
	switch (rc) {
	case WALKIN_OK: {
		json_t *o = walkin_get(r->db, id);
		walkin_label(r, o);
		json_object_set_new(o, "actions", actions_json(r, o));
		if (appointment_id)
			json_object_set_new(o, "appointment", appt_get(r->db, appointment_id));
		resp_json(r, 200, o);
		break;
	}
	case WALKIN_INVALID:
		field_error(r, field ? field : "action", error_key);
		break;
	case WALKIN_NOT_FOUND:
		resp_error(r, 404, "not_found", "error.not_found");
		break;
	case WALKIN_FORBIDDEN:
		resp_error(r, 403, "forbidden", WF_ERR_FORBIDDEN);
		break;
	case WALKIN_STATE:
		resp_error(r, 409, "wrong_state", error_key ? error_key : WF_ERR_ACTION);
		break;
	case WALKIN_BUSY:
		resp_error(r, 503, "unavailable", "error.unavailable");
		break;
	default:
		resp_error(r, 500, "internal", "error.internal");
	}
}
