/* walkins.c: the JSON API of walk-ins over store/walkins.h (the pages are web/walkins.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/walkins.h"
#include "api/api_util.h"
#include "core/bizcal.h"
#include "core/isotime.h"
#include "core/walkin.h"
#include "store/appointments.h"
#include "store/walkins.h"
#include "util/buf.h"
#include "web/walkins.h"

void h_api_walkins(struct req *r)
{
	int64_t now = (int64_t)time(NULL);
	const char *date = req_param(r, "date");
	int ymd = date && *date ? iso_date_parse(date) : ymd_from_unix(now);
	if (!ymd) {
		api_field_error(r, "date", "error.invalid", NULL);
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
			api_field_error(r, "duration", "error.invalid", NULL);
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
	return api_flow_actions(r, &walkin_flow, json_string_value(json_object_get(o, "state")));
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
	api_send_record(r, o, "walk_in", id, 200);
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
		if (v && ((!json_is_null(v) && !json_is_string(v)) || json_string_length(v) > 2000)) {
			json_decref(fields);
			api_field_error(r, names[i], "error.invalid", NULL);
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
		api_field_error(r, field ? field : "action", error_key, NULL);
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
