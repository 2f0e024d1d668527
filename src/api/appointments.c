/* appointments.c: the JSON API of appointment requests over store/appointments.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/appointments.h"
#include "api/api_util.h"
#include "core/workflow.h"
#include "store/appointments.h"
#include "util/buf.h"
#include "util/i18n.h"

/* The flow tables use core's role bits: they must be http's. */
_Static_assert(WF_ROLE_ADMIN == ROLE_ADMIN && WF_ROLE_CHIEF == ROLE_CHIEF &&
		       WF_ROLE_SECRETARIAT == ROLE_SECRETARIAT && WF_ROLE_MAYOR == ROLE_MAYOR &&
		       WF_ROLE_DIRECTORATE == ROLE_DIRECTORATE && WF_ROLE_VIEWER == ROLE_VIEWER &&
		       WF_ROLE_INTEGRATION == ROLE_INTEGRATION,
	       "core/workflow.h role bits differ from http/req.h");

/* ---- the tracking throttle ---- */

#define TRACK_SLOTS 512

/* One address's recent lookups: a ring of their times. */
struct track_slot {
	char address[64];
	int64_t times[TRACK_LIMIT];
	int head, count;
	int64_t last;
};

/* Shared by every request thread: guarded by track_lock. */
static struct track_slot track_slots[TRACK_SLOTS];
static pthread_mutex_t track_lock = PTHREAD_MUTEX_INITIALIZER;

bool appt_track_allowed(const char *address, int64_t now)
{
	const char *a = address ? address : "";
	pthread_mutex_lock(&track_lock);
	struct track_slot *slot = NULL, *oldest = &track_slots[0];
	for (size_t i = 0; i < TRACK_SLOTS && !slot; i++) {
		if (track_slots[i].count && strcmp(track_slots[i].address, a) == 0)
			slot = &track_slots[i];
		else if (track_slots[i].last < oldest->last)
			oldest = &track_slots[i];
	}
	if (!slot) {
		slot = oldest;
		memset(slot, 0, sizeof *slot);
		snprintf(slot->address, sizeof slot->address, "%s", a);
	}
	/* times[head] is the oldest of the last TRACK_LIMIT lookups once the ring is full. */
	bool allowed = slot->count < TRACK_LIMIT || slot->times[slot->head] <= now - TRACK_WINDOW_S;
	if (allowed) {
		slot->times[slot->head] = now;
		slot->head = (slot->head + 1) % TRACK_LIMIT;
		if (slot->count < TRACK_LIMIT)
			slot->count++;
	}
	slot->last = now;
	pthread_mutex_unlock(&track_lock);
	return allowed;
}

/* ---- lists ---- */

const char *appt_filter_from_query(struct req *r, struct appt_filter *f)
{
	memset(f, 0, sizeof *f);
	f->state = req_param(r, "state");
	f->kind = req_param(r, "kind");
	f->q = req_param(r, "q");
	if (f->state && *f->state && !wf_state_by_name(&appointment_flow, f->state))
		return "state";
	if (f->kind && *f->kind && strcmp(f->kind, "citizen") != 0 && strcmp(f->kind, "institution") != 0)
		return "kind";
	if (f->q && strlen(f->q) > 200)
		return "q";
	static const char *const days[] = {"from", "to", "meeting_from", "meeting_to"};
	int64_t *out[] = {&f->from, &f->to, &f->meet_from, &f->meet_to};
	for (size_t i = 0; i < 4; i++) {
		*out[i] = api_day_value(req_param(r, days[i]), i % 2 == 1); /* the whole "to" day included */
		if (*out[i] < 0)
			return days[i];
	}
	const char *party = req_param(r, "party_id");
	if (party && *party) {
		char *end;
		long long v = strtoll(party, &end, 10);
		if (*end || v <= 0)
			return "party_id";
		f->party_id = v;
	}
	return NULL;
}

void appt_send_csv(struct req *r, const struct appt_filter *f)
{
	struct buf out = BUF_INIT;
	if (appt_export_csv(r->db, f, r->lang, &out) < 0) {
		buf_free(&out);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	api_send_csv_attachment(r, "randevu-talepleri", &out);
}

/* The filtered list as JSON, or as CSV when csv or format=csv; a bad parameter is 422 naming it. */
static void send_list(struct req *r, bool csv)
{
	struct appt_filter f;
	const char *bad = appt_filter_from_query(r, &f);
	if (bad) {
		api_field_error(r, bad, "error.invalid", NULL);
		return;
	}
	const char *format = req_param(r, "format");
	if (csv || (format && strcmp(format, "csv") == 0)) {
		appt_send_csv(r, &f);
		return;
	}
	if (format && *format && strcmp(format, "json") != 0) {
		api_field_error(r, "format", "error.invalid", NULL);
		return;
	}
	const char *after;
	int limit;
	bad = api_page_values(req_param(r, "after"), req_param(r, "limit"), "0123456789", &after, &limit);
	if (bad) {
		api_field_error(r, bad, "error.invalid", NULL);
		return;
	}
	resp_json(r, 200, appt_list(r->db, &f, after, limit));
}

void h_api_appointments_csv(struct req *r)
{
	send_list(r, true);
}

void h_api_appointments(struct req *r)
{
	send_list(r, false);
}

void h_api_appointment_create(struct req *r)
{
	if (!json_is_object(r->json)) {
		resp_error(r, 400, "bad_request", "error.bad_json");
		return;
	}
	json_t *values = json_deep_copy(r->json);
	if (!json_object_get(values, "channel"))
		json_object_set_new(values, "channel", json_string("api"));
	const char *field = NULL;
	int64_t id = appt_create(r->db, r->actor.username, values, LANG_TR, &field);
	json_decref(values);
	if (id > 0) {
		resp_json(r, 201, appt_get(r->db, id));
		return;
	}
	if (id == APPT_INVALID)
		api_field_error(r, field ? field : "kind", "error.invalid", NULL);
	else if (id == APPT_BUSY)
		resp_error(r, 503, "unavailable", "error.unavailable");
	else
		resp_error(r, 500, "internal", "error.internal");
}

/* Adds to o its state_label and the actions r's actor may take on it. */
static void decorate(struct req *r, json_t *o)
{
	const char *state = json_string_value(json_object_get(o, "state"));
	const struct wf_state *s = wf_state_by_name(&appointment_flow, state);
	json_object_set_new(o, "state_label", json_string(s ? i18n_get(r->lang, s->label_key) : ""));
	json_object_set_new(o, "actions", api_flow_actions(r, &appointment_flow, state));
}

void h_api_appointment(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *o = id ? appt_get(r->db, id) : NULL;
	if (!o) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	decorate(r, o);
	api_send_record(r, o, "appointment", id, 200);
}

/* The request id of r's path when r has a JSON object body, or 0 after answering 404 / 400. */
static int64_t id_with_body(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	if (!id) {
		resp_error(r, 404, "not_found", "error.not_found");
		return 0;
	}
	if (!json_is_object(r->json)) {
		resp_error(r, 400, "bad_request", "error.bad_json");
		return 0;
	}
	return id;
}

/* Answers the result rc of a change to request id: 200 with the request, or 422 naming field (message error_key),
 * 404, 403, 409 with state_key (APPT_CONFLICT: with "conflicts"), 503, 500. Steals conflicts (may be NULL). */
static void answer_change(struct req *r, int64_t id, int rc, const char *field, const char *error_key,
			  const char *state_key, json_t *conflicts)
{
	switch (rc) {
	case APPT_OK: {
		json_t *o = appt_get(r->db, id);
		decorate(r, o);
		resp_json(r, 200, o);
		break;
	}
	case APPT_INVALID:
		api_field_error(r, field, error_key, NULL);
		break;
	case APPT_NOT_FOUND:
		resp_error(r, 404, "not_found", "error.not_found");
		break;
	case APPT_FORBIDDEN:
		resp_error(r, 403, "forbidden", WF_ERR_FORBIDDEN);
		break;
	case APPT_STATE:
		resp_error(r, 409, "wrong_state", state_key);
		break;
	case APPT_CONFLICT:
		resp_json(r, 409, json_pack("{s:{s:s,s:s},s:o}", "error", "code", "conflict", "message",
					    i18n_get(r->lang, "error.appt_conflict"), "conflicts",
					    conflicts ? conflicts : json_array()));
		conflicts = NULL;
		break;
	case APPT_BUSY:
		resp_error(r, 503, "unavailable", "error.unavailable");
		break;
	default:
		resp_error(r, 500, "internal", "error.internal");
	}
	json_decref(conflicts);
}

void h_api_appointment_transition(struct req *r)
{
	int64_t id = id_with_body(r);
	if (!id)
		return;
	const char *action = json_string_value(json_object_get(r->json, "action"));
	if (!action || !*action) {
		api_field_error(r, "action", "error.required", NULL);
		return;
	}
	const char *error_key = NULL, *field = NULL;
	json_t *conflicts = NULL;
	int rc = appt_transition(r->db, r->actor.username, r->actor.role, id, action, r->json, LANG_TR, &error_key,
				 &field, &conflicts);
	answer_change(r, id, rc, field ? field : "action", error_key, error_key ? error_key : WF_ERR_ACTION, conflicts);
}

void h_api_appointment_details(struct req *r)
{
	int64_t id = id_with_body(r);
	if (!id)
		return;
	const char *error_key = NULL, *field = NULL;
	int rc = appt_set_details(r->db, r->actor.username, id, r->json, &error_key, &field);
	/* appt_set_details answers neither APPT_FORBIDDEN nor APPT_CONFLICT (the route checks the role) */
	answer_change(r, id, rc, field ? field : "notes", error_key, "appt.error.not_held", NULL);
}

void h_api_track(struct req *r)
{
	const char *code = r->n_path_args > 0 ? r->path_args[0] : NULL;
	if (!appt_track_allowed(r->address, (int64_t)time(NULL))) {
		char retry[16];
		snprintf(retry, sizeof retry, "%d", TRACK_WINDOW_S);
		resp_header(r, "Retry-After", retry);
		resp_error(r, 429, "rate_limited", "appt.track.throttled");
		return;
	}
	json_t *o = appt_track(r->db, code);
	if (!o) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	const struct wf_state *s =
		wf_state_by_name(&appointment_flow, json_string_value(json_object_get(o, "state")));
	json_object_set_new(o, "state_label", json_string(s ? i18n_get(r->lang, s->label_key) : ""));
	resp_json(r, 200, o);
}
