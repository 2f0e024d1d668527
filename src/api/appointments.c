/* appointments.c: the JSON API of appointment requests over store/appointments.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/appointments.h"
#include "core/bizcal.h"
#include "core/isotime.h"
#include "core/workflow.h"
#include "store/appointments.h"
#include "store/audit.h"
#include "util/buf.h"
#include "util/i18n.h"

/* The flow tables use core's role bits: they must be http's. */
_Static_assert(WF_ROLE_ADMIN == ROLE_ADMIN && WF_ROLE_CHIEF == ROLE_CHIEF &&
		       WF_ROLE_SECRETARIAT == ROLE_SECRETARIAT && WF_ROLE_MAYOR == ROLE_MAYOR &&
		       WF_ROLE_DIRECTORATE == ROLE_DIRECTORATE && WF_ROLE_VIEWER == ROLE_VIEWER &&
		       WF_ROLE_INTEGRATION == ROLE_INTEGRATION,
	       "core/workflow.h role bits differ from http/req.h");

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

/* A YYYY-MM-DD parameter as the unix time of that day's start (end_of_day: of the next day's); 0 when absent,
 * -1 when bad. */
static int64_t day_param(struct req *r, const char *name, bool end_of_day)
{
	const char *v = req_param(r, name);
	if (!v || !*v)
		return 0;
	int ymd = iso_date_parse(v);
	return ymd ? unix_from_ymd_min(ymd, end_of_day ? 24 * 60 : 0) : -1;
}

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
		*out[i] = day_param(r, days[i], i % 2 == 1); /* the whole "to" day included */
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
	time_t local = time(NULL) + 3 * 3600; /* Europe/Istanbul: UTC+3 all year */
	struct tm tm;
	gmtime_r(&local, &tm);
	char disposition[128];
	snprintf(disposition, sizeof disposition, "attachment; filename=\"randevu-talepleri-%04d-%02d-%02d.csv\"",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	resp_header(r, "Content-Disposition", disposition);
	r->status = 200;
	r->resp_type = "text/csv; charset=utf-8";
	buf_reset(&r->resp);
	buf_add(&r->resp, out.data, out.len);
	buf_free(&out);
}

void h_api_appointments_csv(struct req *r)
{
	struct appt_filter f;
	const char *bad = appt_filter_from_query(r, &f);
	if (bad) {
		field_error(r, bad, "error.invalid");
		return;
	}
	appt_send_csv(r, &f);
}

void h_api_appointments(struct req *r)
{
	struct appt_filter f;
	const char *bad = appt_filter_from_query(r, &f);
	if (bad) {
		field_error(r, bad, "error.invalid");
		return;
	}
	const char *format = req_param(r, "format");
	if (format && strcmp(format, "csv") == 0) {
		appt_send_csv(r, &f);
		return;
	}
	if (format && *format && strcmp(format, "json") != 0) {
		field_error(r, "format", "error.invalid");
		return;
	}
	const char *after = req_param(r, "after"), *slimit = req_param(r, "limit");
	if (after && *after && strspn(after, "0123456789") != strlen(after)) {
		field_error(r, "after", "error.invalid");
		return;
	}
	int limit = 50;
	if (slimit && *slimit) {
		char *end;
		long v = strtol(slimit, &end, 10);
		if (*end || v < 1 || v > 500) {
			field_error(r, "limit", "error.invalid");
			return;
		}
		limit = (int)v;
	}
	resp_json(r, 200, appt_list(r->db, &f, after, limit));
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
		field_error(r, field ? field : "kind", "error.invalid");
	else if (id == APPT_BUSY)
		resp_error(r, 503, "unavailable", "error.unavailable");
	else
		resp_error(r, 500, "internal", "error.internal");
}

/* The actions this actor may take on o, as [{action, label}]. */
static json_t *actions_json(struct req *r, const json_t *o)
{
	json_t *list = json_array();
	const struct wf_state *s =
		wf_state_by_name(&appointment_flow, json_string_value(json_object_get(o, "state")));
	const struct wf_transition *t[16];
	size_t n = s ? wf_actions_for(&appointment_flow, s->id, r->actor.role, t, 16) : 0;
	for (size_t i = 0; i < n && i < 16; i++)
		json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "action", t[i]->action, "label",
						      i18n_get(r->lang, t[i]->label_key), "to",
						      appointment_flow.states[t[i]->to].name));
	return list;
}

static void decorate(struct req *r, json_t *o)
{
	const struct wf_state *s =
		wf_state_by_name(&appointment_flow, json_string_value(json_object_get(o, "state")));
	json_object_set_new(o, "state_label", json_string(s ? i18n_get(r->lang, s->label_key) : ""));
	json_object_set_new(o, "actions", actions_json(r, o));
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
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	json_t *events = audit_list(r->db, NULL, "appointment", sid, NULL, 0, 200);
	json_t *history = json_array();
	for (size_t i = json_array_size(events); i-- > 0;) {
		json_t *e = json_array_get(events, i);
		json_array_append_new(history, json_pack("{s:O?,s:O?,s:O?}", "ts", json_object_get(e, "ts"), "actor",
							 json_object_get(e, "actor"), "action",
							 json_object_get(e, "action")));
	}
	json_decref(events);
	json_object_set_new(o, "history", history);
	record_view_log(r->db, r->actor.username, "appointment", id);
	resp_json(r, 200, o);
}

void h_api_appointment_transition(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	if (!id) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	if (!json_is_object(r->json)) {
		resp_error(r, 400, "bad_request", "error.bad_json");
		return;
	}
	const char *action = json_string_value(json_object_get(r->json, "action"));
	if (!action || !*action) {
		field_error(r, "action", "error.required");
		return;
	}
	const char *error_key = NULL, *field = NULL;
	json_t *conflicts = NULL;
	int rc = appt_transition(r->db, r->actor.username, r->actor.role, id, action, r->json, LANG_TR, &error_key,
				 &field, &conflicts);
	switch (rc) {
	case APPT_OK: {
		json_t *o = appt_get(r->db, id);
		decorate(r, o);
		resp_json(r, 200, o);
		break;
	}
	case APPT_INVALID:
		field_error(r, field ? field : "action", error_key);
		break;
	case APPT_NOT_FOUND:
		resp_error(r, 404, "not_found", "error.not_found");
		break;
	case APPT_FORBIDDEN:
		resp_error(r, 403, "forbidden", WF_ERR_FORBIDDEN);
		break;
	case APPT_STATE:
		resp_error(r, 409, "wrong_state", error_key ? error_key : WF_ERR_ACTION);
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

void h_api_appointment_details(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	if (!id) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	if (!json_is_object(r->json)) {
		resp_error(r, 400, "bad_request", "error.bad_json");
		return;
	}
	const char *error_key = NULL, *field = NULL;
	int rc = appt_set_details(r->db, r->actor.username, id, r->json, &error_key, &field);
	switch (rc) {
	case APPT_OK: {
		json_t *o = appt_get(r->db, id);
		decorate(r, o);
		resp_json(r, 200, o);
		break;
	}
	case APPT_INVALID:
		field_error(r, field ? field : "notes", error_key);
		break;
	case APPT_NOT_FOUND:
		resp_error(r, 404, "not_found", "error.not_found");
		break;
	case APPT_STATE:
		resp_error(r, 409, "wrong_state", "appt.error.not_held");
		break;
	case APPT_BUSY:
		resp_error(r, 503, "unavailable", "error.unavailable");
		break;
	default:
		resp_error(r, 500, "internal", "error.internal");
	}
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
