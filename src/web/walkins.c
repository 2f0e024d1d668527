/* walkins.c: the pages of walk-ins (workflow 2B) over store/walkins.h and the walk-in flow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/bizcal.h"
#include "core/isotime.h"
#include "core/walkin.h"
#include "store/audit.h"
#include "store/parties.h"
#include "store/walkins.h"
#include "util/json_str.h"
#include "web/form.h"
#include "web/page.h"
#include "web/walkins.h"

static const char *const kinds[] = {"citizen", "institution", NULL};

enum {
	WF_PARTY,
	WF_NEW_PARTY,
	WF_NAME,
	WF_PHONE,
	WF_EMAIL,
	WF_TCKN,
	WF_KIND,
	WF_INSTITUTION,
	WF_ATTENDEES,
	WF_SUBJECT,
	WF_DURATION,
	WF_NOTES,
	WF__MAX
};

static const struct field walkin_fields[WF__MAX] = {
	[WF_PARTY] = {"party_id", F_ID, false, 0, NULL, "walkin.field.party", 0, 0},
	[WF_NEW_PARTY] = {"new_party", F_BOOL, false, 0, NULL, "walkin.field.new_party", 0, 0},
	[WF_NAME] = {"name", F_TEXT, false, 200, NULL, "walkin.field.name", 0, 0},
	[WF_PHONE] = {"phone", F_PHONE, false, 30, NULL, "field.phone", 0, 0},
	[WF_EMAIL] = {"email", F_EMAIL, false, 254, NULL, "field.email", 0, 0},
	[WF_TCKN] = {"tckn", F_TCKN, false, 11, NULL, "parties.field.tckn", 0, 0},
	[WF_KIND] = {"kind", F_ENUM, false, 0, kinds, "walkin.field.kind", 0, 0},
	[WF_INSTITUTION] = {"institution", F_TEXT, false, 200, NULL, "walkin.field.institution", 0, 0},
	[WF_ATTENDEES] = {"attendees", F_INT, false, 0, NULL, "appt.field.attendees", 1, 500},
	[WF_SUBJECT] = {"subject", F_LONGTEXT, true, 2000, NULL, "appt.col.subject", 0, 0},
	[WF_DURATION] = {"duration_min", F_INT, false, 0, NULL, "walkin.field.duration", 1, WALKIN_DURATION_MAX},
	[WF_NOTES] = {"notes", F_LONGTEXT, false, 2000, NULL, "common.notes", 0, 0},
};

static const struct field *field_named(const char *name)
{
	for (size_t i = 0; i < WF__MAX; i++)
		if (name && strcmp(walkin_fields[i].name, name) == 0)
			return &walkin_fields[i];
	return NULL;
}

int walkin_form_check(struct req *r, json_t *values, json_t *errors)
{
	form_check(r, walkin_fields, WF__MAX, values, errors);
	bool party = json_integer_value(json_object_get(values, "party_id")) > 0;
	bool institution = strcmp(json_str(values, "kind"), "institution") == 0;
	if (!party && !*json_str(values, "name") && !(institution && *json_str(values, "institution")) &&
	    !json_object_get(errors, "name"))
		form_error(r, errors, &walkin_fields[WF_NAME], "error.required");
	if (!party && institution && !*json_str(values, "institution") && !json_object_get(errors, "institution"))
		form_error(r, errors, &walkin_fields[WF_INSTITUTION], "error.required");
	if (json_is_true(json_object_get(values, "new_party")) && !party && !*json_str(values, "phone") &&
	    !json_object_get(errors, "phone"))
		form_error(r, errors, &walkin_fields[WF_PHONE], "walkin.error.phone_for_party");
	return (int)json_object_size(errors);
}

/* "HH:MM" of an ISO text ("2026-12-02T10:30:00+03:00"), or "". */
static void hm_of(const char *iso, char out[6])
{
	out[0] = '\0';
	if (iso && strlen(iso) >= 16)
		snprintf(out, 6, "%.5s", iso + 11);
}

static char *format(struct req *r, const char *key, json_t *args)
{
	struct buf b = BUF_INIT;
	i18n_format(&b, r->lang, key, args);
	json_decref(args);
	return buf_detach(&b, NULL);
}

void walkin_describe(struct req *r, json_t *a)
{
	const char *reason = json_str(a, "reason");
	char until[6], next[6], call[6];
	hm_of(json_str(a, "until"), until);
	hm_of(json_str(a, "next_free_at"), next);
	hm_of(json_str(a, "call_at"), call);
	char key[64];
	json_t *args = json_pack("{s:s}", "time", until);
	if (strcmp(reason, "outside_hours") == 0 && !*until) {
		snprintf(key, sizeof key, "walkin.avail.day_over");
	} else {
		snprintf(key, sizeof key, "walkin.avail.%s", reason);
	}
	if (strcmp(reason, "break") == 0) {
		const char *name = json_str(a, "break_name");
		json_object_set_new(args, "name",
				    json_string(*name ? name : i18n_get(r->lang, "walkin.avail.break_default")));
	} else if (strcmp(reason, "busy") == 0) {
		json_t *item = json_object_get(a, "busy_item");
		bool shown = json_is_true(json_object_get(item, "public")) && *json_str(item, "title");
		json_object_set_new(
			args, "title",
			json_string(shown ? json_str(item, "title") : i18n_get(r->lang, "walkin.avail.private")));
	} else if (strcmp(reason, "queue") == 0) {
		json_object_set(args, "count", json_object_get(a, "waiting"));
	}
	char *message = format(r, key, args);
	json_object_set_new(a, "message", json_string(message));
	free(message);
	char *next_text = *next ? format(r, "walkin.avail.next", json_pack("{s:s}", "time", next))
				: format(r, "walkin.avail.next_none", NULL);
	char *call_text = *call ? format(r, "walkin.avail.call_at", json_pack("{s:s}", "time", call))
				: format(r, "walkin.avail.next_none", NULL);
	json_object_set_new(a, "next_message", json_string(next_text));
	json_object_set_new(a, "call_message", json_string(call_text));
	free(next_text);
	free(call_text);
}

void walkin_label(struct req *r, json_t *o)
{
	const struct wf_state *s = wf_state_by_name(&walkin_flow, json_str(o, "state"));
	json_object_set_new(o, "state_label", json_string(s ? i18n_get(r->lang, s->label_key) : ""));
}

/* The action forms the actor may use on o, as [{action, label, need_notes, need_preferred}]. */
static json_t *actions_for(struct req *r, const json_t *o)
{
	json_t *list = json_array();
	const struct wf_state *s = wf_state_by_name(&walkin_flow, json_str(o, "state"));
	const struct wf_transition *t[8];
	size_t n = s ? wf_actions_for(&walkin_flow, s->id, r->actor.role, t, 8) : 0;
	for (size_t i = 0; i < n && i < 8; i++)
		json_array_append_new(list, json_pack("{s:s,s:s,s:b,s:b}", "action", t[i]->action, "label",
						      i18n_get(r->lang, t[i]->label_key), "need_notes",
						      strcmp(t[i]->action, "met") == 0 || strcmp(t[i]->action, "left") == 0,
						      "need_preferred", strcmp(t[i]->action, "convert") == 0));
	return list;
}

/* Adds the times shown on the pages: arrived_time, estimated_time, and the state label. */
static void decorate(struct req *r, json_t *o)
{
	walkin_label(r, o);
	char when[64];
	page_format_time(r, json_integer_value(json_object_get(o, "arrived_at")), when, sizeof when);
	json_object_set_new(o, "arrived_when", json_string(when));
	char hm[6];
	hm_of(json_str(o, "arrived"), hm);
	json_object_set_new(o, "arrived_time", json_string(hm));
	json_t *est = json_object_get(o, "estimated_at");
	if (est) {
		hm_of(json_string_value(est), hm);
		json_object_set_new(o, "estimated_time",
				    json_string(*hm ? hm : i18n_get(r->lang, "walkin.not_today")));
	}
	json_object_set_new(o, "is_institution", json_boolean(strcmp(json_str(o, "kind"), "institution") == 0));
}

void h_walkins(struct req *r)
{
	int64_t now = (int64_t)time(NULL);
	const char *date = params_get(&r->query, "date");
	int ymd = date && *date ? iso_date_parse(date) : ymd_from_unix(now);
	if (!ymd) {
		resp_error(r, 422, "invalid", "walkin.error.date");
		return;
	}
	json_t *ctx = walkin_day(r->db, ymd, now);
	if (!ctx) {
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	bool can_act = (r->actor.role & WALKINS_WRITE) != 0;
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(ctx, "items"), i, o)
	{
		decorate(r, o);
		if (can_act)
			json_object_set_new(o, "actions", actions_for(r, o));
	}
	json_t *avail = json_object_get(ctx, "availability");
	if (avail)
		walkin_describe(r, avail);
	char d[ISO_DATE_SIZE];
	iso_date_format(ymd_add_days(ymd, -1), d);
	json_object_set_new(ctx, "prev_date", json_string(d));
	iso_date_format(ymd_add_days(ymd, 1), d);
	json_object_set_new(ctx, "next_date", json_string(d));
	json_object_set_new(ctx, "has_items", json_boolean(json_array_size(json_object_get(ctx, "items")) > 0));
	json_object_set_new(ctx, "can_act", json_boolean(can_act));
	page_render(r, 200, "walkins", "walkin.title", ctx);
}

/* The arrival form's context: kind options, the person search and its results, the chosen party. */
static json_t *form_ctx(struct req *r, const json_t *values)
{
	const char *kind = json_str(values, "kind");
	json_t *options = json_array();
	for (const char *const *k = kinds; *k; k++) {
		char key[48];
		snprintf(key, sizeof key, "appt.kind.%s", *k);
		json_array_append_new(options, json_pack("{s:s,s:s,s:b}", "value", *k, "label", i18n_get(r->lang, key),
							 "selected", strcmp(kind, *k) == 0));
	}
	json_t *ctx = json_pack("{s:o}", "kind_options", options);
	const char *q = params_get(&r->query, "q");
	if (q && *q) {
		struct party_filter f = {.q = q};
		json_t *found = party_list(r->db, &f, NULL, 10);
		json_object_set_new(ctx, "q", json_string(q));
		json_object_set(ctx, "results", json_object_get(found, "items"));
		json_object_set_new(ctx, "searched", json_true());
		json_decref(found);
	}
	int64_t party_id = json_integer_value(json_object_get(values, "party_id"));
	if (party_id > 0) {
		json_t *p = party_get(r->db, party_id, false);
		if (p)
			json_object_set_new(ctx, "party", p);
	}
	return ctx;
}

void h_walkin_new(struct req *r)
{
	json_t *values = json_pack("{s:s,s:i}", "kind", "citizen", "attendees", 1);
	const char *pid = params_get(&r->query, "party_id");
	if (pid && *pid && strspn(pid, "0123456789") == strlen(pid) && strlen(pid) < 18) {
		int64_t party_id = strtoll(pid, NULL, 10);
		json_t *p = party_get(r->db, party_id, false);
		if (p) {
			json_object_set_new(values, "party_id", json_integer(party_id));
			json_object_set_new(values, "kind", json_string(json_str(p, "kind")));
		}
		json_decref(p);
	}
	json_t *ctx = form_ctx(r, values);
	json_object_set_new(ctx, "values", values);
	page_render(r, 200, "walkin_form", "walkin.new", ctx);
}

void h_walkin_create(struct req *r)
{
	json_t *values = json_object(), *errors = json_object();
	if (walkin_form_check(r, values, errors)) {
		form_fail(r, "walkin_form", "walkin.new", r->is_api ? NULL : form_ctx(r, values), values, errors);
		return;
	}
	const char *field = NULL;
	int64_t id = walkin_create(r->db, r->actor.username, values, &field);
	if (id > 0) {
		json_decref(values);
		json_decref(errors);
		if (r->is_api) {
			json_t *o = walkin_get(r->db, id);
			walkin_label(r, o);
			char location[64];
			snprintf(location, sizeof location, "/api/v1/walk-ins/%lld", (long long)id);
			resp_header(r, "Location", location);
			resp_json(r, 201, o);
		} else {
			page_flash(r, "flash.saved");
			resp_redirect(r, "/walk-ins");
		}
		return;
	}
	if (id == WALKIN_INVALID) {
		const struct field *f = field_named(field);
		form_error(r, errors, f ? f : &walkin_fields[WF_NAME],
			   f == &walkin_fields[WF_TCKN] ? "error.duplicate" : "error.invalid");
		form_fail(r, "walkin_form", "walkin.new", r->is_api ? NULL : form_ctx(r, values), values, errors);
		return;
	}
	json_decref(values);
	json_decref(errors);
	resp_error(r, id == WALKIN_BUSY ? 503 : 500, id == WALKIN_BUSY ? "unavailable" : "internal",
		   id == WALKIN_BUSY ? "error.unavailable" : "error.internal");
}

/* The walk-in's audit events, oldest first, as [{when, actor, action}] (action: the button's label). */
static json_t *history(struct req *r, int64_t id)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	json_t *events = audit_list(r->db, NULL, "walk_in", sid, NULL, 0, 200), *list = json_array();
	for (size_t i = json_array_size(events); i-- > 0;) {
		json_t *e = json_array_get(events, i);
		char when[64];
		page_format_time(r, json_integer_value(json_object_get(e, "ts")), when, sizeof when);
		const char *action = json_str(e, "action"), *label = action;
		char key[64];
		if (strcmp(action, "walk_in.create") == 0) {
			label = i18n_get(r->lang, "walkin.state.waiting");
		} else if (strncmp(action, "walk_in.", 8) == 0) {
			snprintf(key, sizeof key, "walkin.action.%s", action + 8);
			if (i18n_has(key))
				label = i18n_get(r->lang, key);
		}
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s}", "when", when, "actor", json_str(e, "actor"),
						      "action", label, "code", action));
	}
	json_decref(events);
	return list;
}

void h_walkin(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *o = id ? walkin_get(r->db, id) : NULL;
	if (!o) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	decorate(r, o);
	char when[64] = "";
	int64_t t = json_integer_value(json_object_get(o, "called_at"));
	if (t)
		page_format_time(r, t, when, sizeof when);
	json_object_set_new(o, "called_when", json_string(when));
	when[0] = '\0';
	t = json_integer_value(json_object_get(o, "ended_at"));
	if (t)
		page_format_time(r, t, when, sizeof when);
	json_object_set_new(o, "ended_when", json_string(when));
	record_view_log(r->db, r->actor.username, "walk_in", id);
	page_render(r, 200, "walkin", "walkin.detail",
		    json_pack("{s:o,s:o,s:o}", "w", o, "actions", actions_for(r, o), "history", history(r, id)));
}

void h_walkin_action(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	const char *action = r->n_path_args > 1 ? r->path_args[1] : "";
	json_t *fields = json_object();
	static const char *const names[] = {"notes", "preferred"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = req_param(r, names[i]);
		if (v && *v)
			json_object_set_new(fields, names[i], json_string(v));
	}
	const char *error_key = NULL, *field = NULL;
	int64_t appointment_id = 0;
	int rc = id ? walkin_transition(r->db, r->actor.username, r->actor.role, id, action, fields, LANG_TR,
					&error_key, &field, &appointment_id)
		    : WALKIN_NOT_FOUND;
	json_decref(fields);
	char location[64];
	const char *back = req_param(r, "back");
	switch (rc) {
	case WALKIN_OK:
		if (appointment_id) {
			snprintf(location, sizeof location, "/appointments/%lld", (long long)appointment_id);
			page_flash(r, "walkin.flash.converted");
		} else {
			if (back && strcmp(back, "detail") == 0)
				snprintf(location, sizeof location, "/walk-ins/%lld", (long long)id);
			else
				snprintf(location, sizeof location, "/walk-ins");
			page_flash(r, "flash.saved");
		}
		resp_redirect(r, location);
		return;
	case WALKIN_NOT_FOUND:
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	case WALKIN_FORBIDDEN:
		resp_error(r, 403, "forbidden", WF_ERR_FORBIDDEN);
		return;
	case WALKIN_STATE:
		resp_error(r, 409, "wrong_state", error_key ? error_key : WF_ERR_ACTION);
		return;
	case WALKIN_INVALID:
		resp_error(r, 422, "invalid", "walkin.error.convert");
		return;
	default:
		resp_error(r, rc == WALKIN_BUSY ? 503 : 500, rc == WALKIN_BUSY ? "unavailable" : "internal",
			   rc == WALKIN_BUSY ? "error.unavailable" : "error.internal");
	}
}
