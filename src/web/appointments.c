/* appointments.c: the pages of appointment requests over store/appointments.h and the appointment flow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/bizcal.h"
#include "core/isotime.h"
#include "core/workflow.h"
#include "store/agenda.h"
#include "store/appointments.h"
#include "store/audit.h"
#include "web/appointments.h"
#include "web/form.h"
#include "web/page.h"

static const char *const kinds[] = {"institution", "citizen", NULL};
static const char *const channels[] = {"front_desk", "phone", "email", "letter", "web", "api", "walk_in", NULL};

static const struct field request_fields[] = {
	{"kind", F_ENUM, true, 0, kinds, "appt.field.kind", 0, 0},
	{"requester_name", F_TEXT, true, 200, NULL, "appt.col.requester", 0, 0},
	{"contact_person", F_TEXT, false, 200, NULL, "appt.field.contact_person", 0, 0},
	{"phone", F_PHONE, false, 30, NULL, "field.phone", 0, 0},
	{"email", F_EMAIL, false, 254, NULL, "field.email", 0, 0},
	{"attendees", F_INT, false, 0, NULL, "appt.field.attendees", 1, 500},
	{"subject", F_LONGTEXT, true, 2000, NULL, "appt.col.subject", 0, 0},
	{"channel", F_ENUM, true, 0, channels, "appt.field.channel", 0, 0},
	{"preferred", F_TEXT, false, 500, NULL, "appt.field.preferred", 0, 0},
};
#define N_REQUEST_FIELDS (sizeof request_fields / sizeof request_fields[0])

/* [{value, label, selected}] of choices, labels from prefix + value. */
static json_t *options(struct req *r, const char *const *choices, const char *prefix, const char *selected)
{
	json_t *list = json_array();
	for (; *choices; choices++) {
		char key[64];
		snprintf(key, sizeof key, "%s%s", prefix, *choices);
		json_array_append_new(list, json_pack("{s:s,s:s,s:b}", "value", *choices, "label", i18n_get(r->lang, key),
						      "selected", selected && strcmp(selected, *choices) == 0));
	}
	return list;
}

static json_t *form_ctx(struct req *r, const json_t *values)
{
	const char *kind = json_string_value(json_object_get(values, "kind"));
	const char *channel = json_string_value(json_object_get(values, "channel"));
	return json_pack("{s:o,s:o}", "kind_options", options(r, kinds, "appt.kind.", kind), "channel_options",
			 options(r, channels, "appt.channel.", channel ? channel : "phone"));
}

void h_appointment_new(struct req *r)
{
	json_t *values = json_pack("{s:s,s:i}", "channel", "phone", "attendees", 1);
	json_t *ctx = form_ctx(r, values);
	json_object_set_new(ctx, "values", values);
	page_render(r, 200, "appointment_form", "appt.new", ctx);
}

void h_appointment_create(struct req *r)
{
	json_t *values = json_object(), *errors = json_object();
	if (form_check(r, request_fields, N_REQUEST_FIELDS, values, errors)) {
		form_fail(r, "appointment_form", "appt.new", form_ctx(r, values), values, errors);
		return;
	}
	if (json_integer_value(json_object_get(values, "attendees")) < 1)
		json_object_set_new(values, "attendees", json_integer(1));
	const char *field = NULL;
	int64_t id = appt_create(r->db, r->actor.username, values, LANG_TR, &field);
	if (id > 0) {
		json_decref(values);
		json_decref(errors);
		char location[64];
		snprintf(location, sizeof location, "/appointments/%lld", (long long)id);
		page_flash(r, "flash.saved");
		resp_redirect(r, location);
		return;
	}
	if (id == APPT_INVALID) {
		for (size_t i = 0; i < N_REQUEST_FIELDS; i++)
			if (field && strcmp(request_fields[i].name, field) == 0)
				form_error(r, errors, &request_fields[i], "error.invalid");
		if (!json_object_size(errors))
			form_error(r, errors, &request_fields[0], "error.invalid");
		form_fail(r, "appointment_form", "appt.new", form_ctx(r, values), values, errors);
		return;
	}
	json_decref(values);
	json_decref(errors);
	resp_error(r, id == APPT_BUSY ? 503 : 500, id == APPT_BUSY ? "unavailable" : "internal",
		   id == APPT_BUSY ? "error.unavailable" : "error.internal");
}

static void add_state_label(struct req *r, json_t *o)
{
	const struct wf_state *s =
		wf_state_by_name(&appointment_flow, json_string_value(json_object_get(o, "state")));
	json_object_set_new(o, "state_label", json_string(s ? i18n_get(r->lang, s->label_key) : ""));
	int64_t t = json_integer_value(json_object_get(o, "starts_at"));
	char when[64] = "";
	if (t)
		page_format_time(r, t, when, sizeof when);
	json_object_set_new(o, "when", json_string(when));
}

void h_appointments(struct req *r)
{
	const char *state = params_get(&r->query, "state"), *kind = params_get(&r->query, "kind");
	const char *after = params_get(&r->query, "after");
	struct appt_filter f = {.state = wf_state_by_name(&appointment_flow, state) ? state : "",
				.kind = kind && (!strcmp(kind, "citizen") || !strcmp(kind, "institution")) ? kind : ""};
	json_t *ctx = appt_list(r->db, &f, after && strspn(after, "0123456789") == strlen(after) ? after : NULL, 50);
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(ctx, "items"), i, o)
	{
		add_state_label(r, o);
	}
	json_t *states = json_array();
	for (size_t s = 0; s < appointment_flow.n_states; s++)
		json_array_append_new(states, json_pack("{s:s,s:s,s:b}", "name", appointment_flow.states[s].name,
							"label", i18n_get(r->lang, appointment_flow.states[s].label_key),
							"selected", strcmp(f.state, appointment_flow.states[s].name) == 0));
	json_object_set_new(ctx, "states", states);
	json_object_set_new(ctx, "can_create", json_boolean((r->actor.role & ROLES_OFFICE) != 0));
	page_next_href(r, ctx, "/appointments");
	page_render(r, 200, "appointments", "appt.title", ctx);
}

/* The chart of workflow 1 (2A for citizens: the same steps) with the request's position. */
static json_t *chart(struct req *r, const struct wf_state *cur, bool citizen)
{
	static const char *const steps[] = {"1.1", "1.2", "1.3", "1.4", "1.5", "1.6"};
	static const char *const keys[] = {"appt.step.1", "appt.step.2", "appt.step.3",
					   "appt.step.4", "appt.step.5", "appt.step.6"};
	json_t *list = json_array();
	bool reached = true;
	for (size_t i = 0; i < 6; i++) {
		bool here = cur && strcmp(cur->chart_step, steps[i]) == 0;
		char shown[8];
		snprintf(shown, sizeof shown, "%s", citizen && i == 0 ? "2A" : steps[i]);
		json_array_append_new(list, json_pack("{s:s,s:s,s:b,s:b}", "step", shown, "label",
						      i18n_get(r->lang, keys[i]), "current", here, "done",
						      reached && !here));
		if (here)
			reached = false;
	}
	return list;
}

void h_appointment(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *o = id ? appt_get(r->db, id) : NULL;
	if (!o) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	add_state_label(r, o);
	const struct wf_state *s =
		wf_state_by_name(&appointment_flow, json_string_value(json_object_get(o, "state")));
	bool citizen = strcmp(json_string_value(json_object_get(o, "kind")), "citizen") == 0;
	const struct wf_transition *t[16];
	size_t n = s ? wf_actions_for(&appointment_flow, s->id, r->actor.role, t, 16) : 0;
	json_t *actions = json_array();
	for (size_t i = 0; i < n && i < 16; i++) {
		json_t *a = json_pack("{s:s,s:s}", "action", t[i]->action, "label", i18n_get(r->lang, t[i]->label_key));
		for (const char *const *f = t[i]->required_fields; f && *f; f++) {
			char key[32];
			snprintf(key, sizeof key, "need_%s", *f);
			json_object_set_new(a, key, json_true());
		}
		json_array_append_new(actions, a);
	}
	/* When a time is to be set: the best free slots of the next two weeks, each a one-click booking. */
	json_t *proposals = json_array();
	for (size_t i = 0; i < n && i < 16; i++) {
		if (strcmp(t[i]->action, "schedule") != 0 && strcmp(t[i]->action, "reschedule") != 0)
			continue;
		int64_t now = (int64_t)time(NULL);
		struct agenda_slot_request q = {.category = citizen ? AGENDA_CAT_CITIZEN : AGENDA_CAT_INSTITUTION,
						.earliest = now};
		struct slot found[5];
		int k = agenda_propose(r->db, ymd_from_unix(now), 14, &q, 2, found, 5);
		for (int j = 0; j < k; j++) {
			char iso[ISO_TIME_SIZE], when[64];
			iso_time_format(found[j].start, iso);
			page_format_time(r, found[j].start, when, sizeof when);
			json_array_append_new(proposals, json_pack("{s:s,s:s,s:s}", "action", t[i]->action, "starts_at",
								   iso, "when", when));
		}
		break;
	}
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	json_t *events = audit_list(r->db, NULL, "appointment", sid, NULL, 0, 200), *history = json_array();
	for (size_t i = json_array_size(events); i-- > 0;) {
		json_t *e = json_array_get(events, i);
		char when[64];
		page_format_time(r, json_integer_value(json_object_get(e, "ts")), when, sizeof when);
		/* "appointment.accept" reads as the button's label; other events (agenda, notifications) as they are. */
		const char *action = json_string_value(json_object_get(e, "action"));
		const char *label = action ? action : "";
		if (action && strcmp(action, "appointment.create") == 0) {
			label = i18n_get(r->lang, "appt.state.requested");
		} else if (action && strncmp(action, "appointment.", 12) == 0) {
			char key[64];
			snprintf(key, sizeof key, "appt.action.%s", action + 12);
			if (i18n_has(key))
				label = i18n_get(r->lang, key);
		}
		json_array_append_new(history, json_pack("{s:s,s:O?,s:s}", "when", when, "actor",
							 json_object_get(e, "actor"), "action", label));
	}
	json_decref(events);
	record_view_log(r->db, r->actor.username, "appointment", id);
	page_render(r, 200, "appointment", "appt.detail",
		    json_pack("{s:o,s:o,s:o,s:o,s:o}", "a", o, "chart", chart(r, s, citizen), "actions", actions,
			      "history", history, "proposals", proposals));
}

void h_appointment_transition_form(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	const char *action = req_param(r, "action");
	json_t *fields = json_object();
	static const char *const names[] = {"reason", "deputy", "location", "notes", "via"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = req_param(r, names[i]);
		if (v && *v)
			json_object_set_new(fields, names[i], json_string(v));
	}
	const char *p = req_param(r, "priority");
	if (p && *p)
		json_object_set_new(fields, "priority", json_integer(atoi(p)));
	const char *st = req_param(r, "starts_at");
	if (st && *st)
		json_object_set_new(fields, "starts_at", json_string(st));
	if (req_param(r, "allow_conflict"))
		json_object_set_new(fields, "allow_conflict", json_true());
	const char *error_key = NULL, *field = NULL;
	int rc = appt_transition(r->db, r->actor.username, r->actor.role, id, action ? action : "", fields, LANG_TR,
				 &error_key, &field, NULL);
	json_decref(fields);
	char location[64];
	snprintf(location, sizeof location, "/appointments/%lld", (long long)id);
	switch (rc) {
	case APPT_OK:
		page_flash(r, "flash.saved");
		resp_redirect(r, location);
		return;
	case APPT_NOT_FOUND:
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	case APPT_FORBIDDEN:
		resp_error(r, 403, "forbidden", WF_ERR_FORBIDDEN);
		return;
	case APPT_STATE:
		resp_error(r, 409, "wrong_state", error_key ? error_key : WF_ERR_ACTION);
		return;
	case APPT_CONFLICT:
		resp_error(r, 409, "conflict", "error.appt_conflict");
		return;
	case APPT_INVALID:
		resp_error(r, 422, "invalid", field && !strcmp(field, "starts_at") ? "appt.error.time"
					      : field && !strcmp(field, "priority") ? "appt.error.priority"
										       : "appt.error.field");
		return;
	default:
		resp_error(r, rc == APPT_BUSY ? 503 : 500, rc == APPT_BUSY ? "unavailable" : "internal",
			   rc == APPT_BUSY ? "error.unavailable" : "error.internal");
	}
}

void h_track_page(struct req *r)
{
	const char *code = params_get(&r->query, "code");
	json_t *ctx = json_pack("{s:s}", "code", code ? code : "");
	if (code && *code) {
		json_t *t = appt_track(r->db, code);
		if (t) {
			add_state_label(r, t);
			int64_t at = 0;
			char when[64] = "";
			if (iso_time_parse(json_string_value(json_object_get(t, "start")), &at) == 0)
				page_format_time(r, at, when, sizeof when);
			json_object_set_new(t, "when", json_string(when));
			char key[64];
			snprintf(key, sizeof key, "appt.kind.%s", json_string_value(json_object_get(t, "kind")));
			json_object_set_new(t, "kind_label", json_string(i18n_get(r->lang, key)));
			json_object_set_new(ctx, "t", t);
		} else {
			json_object_set_new(ctx, "not_found", json_true());
		}
	}
	page_render(r, code && *code && !json_object_get(ctx, "t") ? 404 : 200, "track", "appt.track.title", ctx);
}
