/* appointments.c: the pages of appointment requests over store/appointments.h and the appointment flow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/appointments.h"
#include "core/bizcal.h"
#include "core/isotime.h"
#include "core/workflow.h"
#include "store/agenda.h"
#include "store/appointments.h"
#include "store/audit.h"
#include "web/appointments.h"
#include "web/form.h"
#include "web/list_page.h"
#include "web/page.h"
#include "web/select_options.h"

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

/* The catalogue key naming field (of an action form, a filter or the details form). */
static const char *field_label_key(const char *field)
{
	static const char *const map[][2] = {
		{"reason", "appt.field.reason"},       {"deputy", "appt.field.deputy"},
		{"priority", "appt.field.priority"},   {"starts_at", "appt.field.starts_at"},
		{"duration_min", "appt.field.starts_at"}, {"location", "appt.field.location"},
		{"notes", "appt.field.notes"},         {"participants", "appt.field.participants"},
		{"outcome", "appt.field.outcome"},     {"followups", "appt.field.followups"},
		{"followups.due", "appt.followup.due"}, {"q", "appt.filter.q"},
		{"party_id", "appt.filter.party"},     {"state", "appt.col.state"},
		{"kind", "appt.field.kind"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], field) == 0)
			return map[i][1];
	return strstr(field, "from") || strstr(field, "to") ? "common.date" : "appt.error.field";
}

/* key (with {field}) in r's language about field, as a JSON string. */
static json_t *field_message(struct req *r, const char *key, const char *field)
{
	json_t *args = json_pack("{s:s}", "field", i18n_get(r->lang, field_label_key(field)));
	struct buf msg = BUF_INIT;
	i18n_format(&msg, r->lang, key, args);
	json_decref(args);
	json_t *out = json_string(msg.data ? msg.data : "");
	buf_free(&msg);
	return out;
}

static json_t *form_ctx(struct req *r, const json_t *values)
{
	const char *kind = json_string_value(json_object_get(values, "kind"));
	const char *channel = json_string_value(json_object_get(values, "channel"));
	return json_pack("{s:o,s:o}", "kind_options", select_options(r, kinds, "appt.kind.", kind), "channel_options",
			 select_options(r, channels, "appt.channel.", channel ? channel : "phone"));
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

/* The filters of the list page's query; a bad one is dropped and named in *bad (OUT). */
static void page_filter(struct req *r, struct appt_filter *f, const char **bad)
{
	*bad = appt_filter_from_query(r, f);
	if (*bad) {
		/* Show the list without the bad filter, the error beside it. */
		struct appt_filter keep = *f;
		memset(f, 0, sizeof *f);
		const char *name = *bad;
		f->q = keep.q && strcmp(name, "q") != 0 ? keep.q : NULL;
		f->state = strcmp(name, "state") != 0 ? params_get(&r->query, "state") : NULL;
		f->kind = strcmp(name, "kind") != 0 ? params_get(&r->query, "kind") : NULL;
		if (f->state && !wf_state_by_name(&appointment_flow, f->state))
			f->state = NULL;
		if (f->kind && strcmp(f->kind, "citizen") != 0 && strcmp(f->kind, "institution") != 0)
			f->kind = NULL;
	}
	if (!f->state)
		f->state = "";
}

void h_appointments_csv(struct req *r)
{
	struct appt_filter f;
	const char *bad;
	page_filter(r, &f, &bad);
	appt_send_csv(r, &f);
}

void h_appointments(struct req *r)
{
	const char *after = params_get(&r->query, "after");
	struct appt_filter f;
	const char *bad;
	page_filter(r, &f, &bad);
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
	json_object_set_new(ctx, "kind_options", select_options(r, kinds, "appt.kind.", f.kind));
	json_object_set_new(ctx, "can_create", json_boolean((r->actor.role & ROLES_OFFICE) != 0));
	json_t *filter = json_object();
	static const char *const names[] = {"q", "from", "to", "meeting_from", "meeting_to", "party_id"};
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		const char *v = params_get(&r->query, names[k]);
		json_object_set_new(filter, names[k], json_string(v && (!bad || strcmp(bad, names[k]) != 0) ? v : ""));
	}
	json_object_set_new(ctx, "filter", filter);
	if (bad) {
		json_t *errors = json_object();
		json_object_set_new(errors, bad, field_message(r, "error.invalid", bad));
		json_object_set_new(ctx, "errors", errors);
	}
	list_csv_href(r, ctx, "/appointments.csv", NULL);
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

/* The request page. When an action form failed, err_action names it ("details" for the details form), errors
 * holds {field: message} and typed what was typed, so the form shows them again beside its fields (may be NULL).
 * Steals errors and typed. */
static void render_detail(struct req *r, int64_t id, unsigned status, const char *err_action, json_t *errors,
			  json_t *typed)
{
	json_t *o = id ? appt_get(r->db, id) : NULL;
	if (!o) {
		json_decref(errors);
		json_decref(typed);
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	add_state_label(r, o);
	char channel_key[64];
	snprintf(channel_key, sizeof channel_key, "appt.channel.%s", json_string_value(json_object_get(o, "channel")));
	if (i18n_has(channel_key))
		json_object_set_new(o, "channel_label", json_string(i18n_get(r->lang, channel_key)));
	const struct wf_state *s =
		wf_state_by_name(&appointment_flow, json_string_value(json_object_get(o, "state")));
	bool citizen = strcmp(json_string_value(json_object_get(o, "kind")), "citizen") == 0;
	const struct wf_transition *t[16];
	size_t n = s ? wf_actions_for(&appointment_flow, s->id, r->actor.role, t, 16) : 0;
	json_t *actions = json_array(), *summary = json_array();
	for (size_t i = 0; i < n && i < 16; i++) {
		json_t *a = json_pack("{s:s,s:s}", "action", t[i]->action, "label", i18n_get(r->lang, t[i]->label_key));
		for (const char *const *f = t[i]->required_fields; f && *f; f++) {
			char key[32];
			snprintf(key, sizeof key, "need_%s", *f);
			json_object_set_new(a, key, json_true());
		}
		if (strcmp(t[i]->action, "held") == 0)
			json_object_set_new(a, "is_held", json_true());
		if (strcmp(t[i]->action, "inform") == 0)
			json_object_set_new(a, "is_inform", json_true());
		json_object_set_new(a, "followup_rows", json_pack("[{s:i},{s:i},{s:i}]", "n", 1, "n", 2, "n", 3));
		if (err_action && strcmp(err_action, t[i]->action) == 0) {
			json_object_set(a, "err", errors);
			json_object_set(a, "val", typed ? typed : json_object());
			const char *k;
			json_t *v;
			json_object_foreach(errors, k, v)
			{
				char anchor[64];
				snprintf(anchor, sizeof anchor, "%s-%s", strcmp(k, "followups.due") == 0 ? "followups" : k,
					 t[i]->action);
				json_array_append_new(summary, json_pack("{s:s,s:O}", "field", anchor, "message", v));
			}
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
	/* The full history: every audited event of the request, oldest first. */
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
		} else if (action && strcmp(action, "appointment.details") == 0) {
			label = i18n_get(r->lang, "appt.details.edit");
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
	/* Held: what happened, and for the office a form to complete it (two empty follow-up rows more). */
	bool held = s && s->id == APPT_HELD;
	json_t *ctx = json_pack("{s:o,s:o,s:o,s:o,s:o,s:b}", "a", o, "chart", chart(r, s, citizen), "actions", actions,
				"history", history, "proposals", proposals, "held", held);
	if (held && (r->actor.role & ROLES_OFFICE)) {
		json_t *rows = json_array(), *fu;
		size_t i;
		json_array_foreach(json_object_get(o, "followups"), i, fu)
		{
			json_t *row = json_deep_copy(fu);
			json_object_set_new(row, "n", json_integer((json_int_t)i + 1));
			json_array_append_new(rows, row);
		}
		size_t have = json_array_size(rows);
		for (size_t k = have; k < have + 2 && k < APPT_MAX_FOLLOWUPS; k++)
			json_array_append_new(rows, json_pack("{s:i,s:s,s:s,s:s}", "n", (int)k + 1, "text", "", "owner", "",
							      "due", ""));
		json_t *form = json_pack("{s:o}", "rows", rows);
		if (err_action && strcmp(err_action, "details") == 0) {
			json_object_set(form, "err", errors);
			json_object_set(form, "val", typed ? typed : json_object());
			const char *k;
			json_t *v;
			json_object_foreach(errors, k, v)
			{
				json_array_append_new(summary, json_pack("{s:s,s:O}", "field",
									 strcmp(k, "followups.due") == 0 ? "followups" : k,
									 "message", v));
			}
		} else {
			json_object_set_new(form, "val", json_pack("{s:O,s:O,s:O}", "notes", json_object_get(o, "notes"),
								   "participants", json_object_get(o, "participants"),
								   "outcome", json_object_get(o, "outcome")));
		}
		json_object_set_new(ctx, "details_form", form);
	}
	json_object_set_new(ctx, "error_summary", summary);
	json_decref(errors);
	json_decref(typed);
	if (status == 200)
		record_view_log(r->db, r->actor.username, "appointment", id);
	page_render(r, status, "appointment", "appt.detail", ctx);
}

void h_appointment(struct req *r)
{
	render_detail(r, req_arg_id(r, 0), 200, NULL, NULL, NULL);
}

/* The follow-up rows of a form (followup_text_N, followup_owner_N, followup_due_N for N = 1..) as
 * [{text, owner, due}], rows left wholly empty skipped. */
static json_t *followups_from_form(struct req *r)
{
	json_t *list = json_array();
	for (int k = 1; k <= APPT_MAX_FOLLOWUPS + 2; k++) {
		char nt[32], no[32], nd[32];
		snprintf(nt, sizeof nt, "followup_text_%d", k);
		snprintf(no, sizeof no, "followup_owner_%d", k);
		snprintf(nd, sizeof nd, "followup_due_%d", k);
		const char *text = req_param(r, nt), *owner = req_param(r, no), *due = req_param(r, nd);
		if ((!text || !*text) && (!owner || !*owner) && (!due || !*due))
			continue;
		json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "text", text ? text : "", "owner",
						      owner ? owner : "", "due", due ? due : ""));
	}
	return list;
}

/* The typed values of a failed form, to show them again: {name: text}, follow-ups as followup_<part>_<n>. */
static json_t *typed_values(struct req *r)
{
	static const char *const names[] = {"reason", "deputy", "location", "notes", "participants", "outcome",
					    "starts_at", "priority"};
	json_t *typed = json_object();
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = req_param(r, names[i]);
		json_object_set_new(typed, names[i], json_string(v ? v : ""));
	}
	return typed;
}

/* Where to go after a successful action: the queue when the form came from it, else the request. */
static void redirect_after(struct req *r, int64_t id)
{
	const char *back = req_param(r, "return");
	char location[64];
	if (back && strcmp(back, "queue") == 0)
		snprintf(location, sizeof location, "/appointments/queue");
	else
		snprintf(location, sizeof location, "/appointments/%lld", (long long)id);
	page_flash(r, "flash.saved");
	resp_redirect(r, location);
}

void h_appointment_transition_form(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	const char *action = req_param(r, "action");
	json_t *fields = json_object();
	static const char *const names[] = {"reason", "deputy", "location", "notes", "via", "participants", "outcome"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = req_param(r, names[i]);
		if (v && *v)
			json_object_set_new(fields, names[i], json_string(v));
	}
	const char *p = req_param(r, "priority");
	if (p && *p) {
		char *end;
		long v = strtol(p, &end, 10);
		json_object_set_new(fields, "priority", *end ? json_string(p) : json_integer(v));
	}
	const char *st = req_param(r, "starts_at");
	if (st && *st)
		json_object_set_new(fields, "starts_at", json_string(st));
	if (req_param(r, "allow_conflict"))
		json_object_set_new(fields, "allow_conflict", json_true());
	json_t *followups = followups_from_form(r);
	if (json_array_size(followups))
		json_object_set(fields, "followups", followups);
	json_decref(followups);
	const char *error_key = NULL, *field = NULL;
	int rc = appt_transition(r->db, r->actor.username, r->actor.role, id, action ? action : "", fields, LANG_TR,
				 &error_key, &field, NULL);
	json_decref(fields);
	switch (rc) {
	case APPT_OK:
		redirect_after(r, id);
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
	case APPT_CONFLICT: {
		/* The page again, the conflict beside the time. */
		json_t *errors = json_pack("{s:s}", "starts_at", i18n_get(r->lang, "error.appt_conflict"));
		render_detail(r, id, 409, action, errors, typed_values(r));
		return;
	}
	case APPT_INVALID: {
		const char *f = field ? field : "action";
		json_t *msg = strcmp(f, "starts_at") == 0  ? json_string(i18n_get(r->lang, "appt.error.time"))
			      : strcmp(f, "priority") == 0 ? json_string(i18n_get(r->lang, "appt.error.priority"))
							    : field_message(r, error_key ? error_key : "error.invalid", f);
		json_t *errors = json_object();
		json_object_set_new(errors, strcmp(f, "followups.due") == 0 ? "followups" : f, msg);
		render_detail(r, id, 422, action, errors, typed_values(r));
		return;
	}
	default:
		resp_error(r, rc == APPT_BUSY ? 503 : 500, rc == APPT_BUSY ? "unavailable" : "internal",
			   rc == APPT_BUSY ? "error.unavailable" : "error.internal");
	}
}

void h_appointment_details_form(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *fields = json_object();
	static const char *const names[] = {"notes", "participants", "outcome"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = req_param(r, names[i]);
		json_object_set_new(fields, names[i], json_string(v ? v : ""));
	}
	json_object_set_new(fields, "followups", followups_from_form(r));
	const char *error_key = NULL, *field = NULL;
	int rc = appt_set_details(r->db, r->actor.username, id, fields, &error_key, &field);
	json_decref(fields);
	switch (rc) {
	case APPT_OK:
		redirect_after(r, id);
		return;
	case APPT_NOT_FOUND:
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	case APPT_STATE:
		resp_error(r, 409, "wrong_state", "appt.error.not_held");
		return;
	case APPT_INVALID: {
		const char *f = field ? field : "notes";
		json_t *errors = json_object();
		json_object_set_new(errors, strcmp(f, "followups.due") == 0 ? "followups" : f,
				    field_message(r, error_key ? error_key : "error.invalid", f));
		render_detail(r, id, 422, "details", errors, typed_values(r));
		return;
	}
	default:
		resp_error(r, rc == APPT_BUSY ? 503 : 500, rc == APPT_BUSY ? "unavailable" : "internal",
			   rc == APPT_BUSY ? "error.unavailable" : "error.internal");
	}
}

void h_appointment_queue(struct req *r)
{
	struct appt_filter f = {.state = "forwarded"};
	json_t *page = appt_list(r->db, &f, NULL, 200), *items = json_array();
	json_t *list = json_object_get(page, "items");
	bool can_decide = false;
	const struct wf_transition *t[16];
	size_t n = wf_actions_for(&appointment_flow, APPT_FORWARDED, r->actor.role, t, 16);
	for (size_t i = 0; i < n && i < 16; i++)
		can_decide = can_decide || strcmp(t[i]->action, "accept") == 0;
	for (size_t i = json_array_size(list); i-- > 0;) { /* oldest first: they have waited longest */
		json_t *o = json_array_get(list, i);
		char key[64];
		snprintf(key, sizeof key, "appt.kind.%s", json_string_value(json_object_get(o, "kind")));
		json_object_set_new(o, "kind_label", json_string(i18n_get(r->lang, key)));
		char created[64];
		page_format_time(r, json_integer_value(json_object_get(o, "created_at")), created, sizeof created);
		json_object_set_new(o, "created", json_string(created));
		json_array_append(items, o);
	}
	json_decref(page);
	page_render(r, 200, "appointment_queue", "appt.queue.title",
		    json_pack("{s:o,s:b}", "items", items, "can_decide", can_decide));
}

void h_track_page(struct req *r)
{
	const char *code = params_get(&r->query, "code");
	json_t *ctx = json_pack("{s:s}", "code", code ? code : "");
	if (code && *code && !appt_track_allowed(r->address, (int64_t)time(NULL))) {
		char retry[16];
		snprintf(retry, sizeof retry, "%d", TRACK_WINDOW_S);
		resp_header(r, "Retry-After", retry);
		json_object_set_new(ctx, "throttled", json_true());
		page_render(r, 429, "track", "appt.track.title", ctx);
		return;
	}
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
