/* parties.c: list, search, view, add and edit people and institutions (pages and JSON API), with the KVKK notice,
 * the consent, the logged full-record view and the duplicate checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/phone.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/neighbourhoods.h"
#include "store/parties.h"
#include "util/i18n.h"
#include "util/json_str.h"
#include "web/form.h"
#include "web/page.h"
#include "web/parties.h"

static const char *const kinds[] = {"citizen", "institution", NULL};
static const char *const institution_kinds[] = {"public", "private", "ngo", NULL};
static const char *const channels[] = {"phone", "sms", "email", "letter", NULL};

enum {
	F_KIND,
	F_INSTITUTION_KIND,
	F_NAME,
	F_TCKN_NO,
	F_PHONE_NO,
	F_EMAIL_ADDRESS,
	F_ADDRESS,
	F_NEIGHBOURHOOD,
	F_CHANNEL,
	F_CONTACT_PERSON,
	F_CONSENT,
	F_CONFIRM_DUPLICATE,
	F__MAX
};

static const struct field party_fields[F__MAX] = {
	[F_KIND] = {"kind", F_ENUM, true, 0, kinds, "parties.field.kind", 0, 0},
	[F_INSTITUTION_KIND] = {"institution_kind", F_ENUM, false, 0, institution_kinds,
				"parties.field.institution_kind", 0, 0},
	[F_NAME] = {"name", F_TEXT, true, 200, NULL, "parties.field.name", 0, 0},
	[F_TCKN_NO] = {"tckn", F_TCKN, false, 11, NULL, "parties.field.tckn", 0, 0},
	[F_PHONE_NO] = {"phone", F_PHONE, false, 30, NULL, "field.phone", 0, 0},
	[F_EMAIL_ADDRESS] = {"email", F_EMAIL, false, 254, NULL, "field.email", 0, 0},
	[F_ADDRESS] = {"address", F_LONGTEXT, false, 500, NULL, "parties.field.address", 0, 0},
	[F_NEIGHBOURHOOD] = {"neighbourhood_id", F_ID, false, 0, NULL, "parties.field.neighbourhood", 0, 0},
	[F_CHANNEL] = {"preferred_channel", F_ENUM, false, 0, channels, "parties.field.preferred_channel", 0, 0},
	[F_CONTACT_PERSON] = {"contact_person", F_TEXT, false, 150, NULL, "parties.field.contact_person", 0, 0},
	[F_CONSENT] = {"kvkk_consent", F_BOOL, false, 0, NULL, "parties.field.kvkk_consent", 0, 0},
	[F_CONFIRM_DUPLICATE] = {"confirm_duplicate", F_BOOL, false, 0, NULL, "parties.duplicate.confirm", 0, 0},
};

static int page_limit(struct req *r)
{
	const char *l = params_get(&r->query, "limit");
	int n = l ? atoi(l) : 50;
	return n < 1 ? 50 : n > 200 ? 200 : n;
}

static int64_t query_id(struct req *r, const char *name)
{
	const char *s = params_get(&r->query, name);
	long long v = s ? atoll(s) : 0;
	return v > 0 ? v : 0;
}

/* The catalogue text of prefix + value ("parties.kind." + "citizen"), or "" for an empty value. */
static const char *label_of(struct req *r, const char *prefix, const char *value)
{
	if (!value || !*value)
		return "";
	char key[96];
	snprintf(key, sizeof key, "%s%s", prefix, value);
	return i18n_has(key) ? i18n_get(r->lang, key) : value;
}

/* [{value, label, selected}] for radios and select boxes. */
static json_t *choices(struct req *r, const char *const *values, const char *prefix, const char *current)
{
	json_t *list = json_array();
	for (; *values; values++)
		json_array_append_new(list, json_pack("{s:s,s:s,s:b}", "value", *values, "label",
						      label_of(r, prefix, *values), "selected",
						      current && strcmp(current, *values) == 0));
	return list;
}

static void format_time_or_null(struct req *r, json_t *o, const char *key, const char *out_key)
{
	json_t *t = json_object_get(o, key);
	if (!json_is_integer(t))
		return;
	char text[64];
	page_format_time(r, json_integer_value(t), text, sizeof text);
	json_object_set_new(o, out_key, json_string(text));
}

/* Adds the labels a page shows beside the stored codes. */
static json_t *decorate(struct req *r, json_t *p)
{
	const char *kind = json_str(p, "kind");
	json_object_set_new(p, "kind_label", json_string(label_of(r, "parties.kind.", kind)));
	json_object_set_new(p, "institution_kind_label",
			    json_string(label_of(r, "parties.institution_kind.", json_str(p, "institution_kind"))));
	json_object_set_new(p, "channel_label",
			    json_string(label_of(r, "parties.channel.", json_str(p, "preferred_channel"))));
	json_object_set_new(p, "is_institution", json_boolean(strcmp(kind, "institution") == 0));
	format_time_or_null(r, p, "kvkk_notice_at", "kvkk_notice_display");
	format_time_or_null(r, p, "kvkk_consent_at", "kvkk_consent_display");
	format_time_or_null(r, p, "created_at", "created_display");
	format_time_or_null(r, p, "updated_at", "updated_display");
	return p;
}

/* ---- list ---- */

/* Reads the list filters from the query string. The strings stay owned by r. */
static void read_filter(struct req *r, struct party_filter *f)
{
	const char *q = params_get(&r->query, "q"), *kind = params_get(&r->query, "kind");
	f->q = q ? q : "";
	f->kind = kind && (strcmp(kind, "citizen") == 0 || strcmp(kind, "institution") == 0) ? kind : "";
	f->neighbourhood_id = query_id(r, "neighbourhood_id");
}

void h_parties(struct req *r)
{
	struct party_filter f;
	read_filter(r, &f);
	json_t *ctx = party_list(r->db, &f, params_get(&r->query, "after"), page_limit(r));
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(ctx, "items"), i, item)
	{
		decorate(r, item);
	}
	json_t *next = json_object_get(ctx, "next");
	if (json_is_string(next)) {
		struct buf href = BUF_INIT;
		buf_adds(&href, "/parties?q=");
		buf_add_urlenc(&href, f.q);
		if (*f.kind) {
			buf_adds(&href, "&kind=");
			buf_adds(&href, f.kind);
		}
		if (f.neighbourhood_id)
			buf_addf(&href, "&neighbourhood_id=%lld", (long long)f.neighbourhood_id);
		buf_adds(&href, "&after=");
		buf_add_urlenc(&href, json_string_value(next));
		json_object_set_new(ctx, "next_href", json_string(href.data));
		buf_free(&href);
	}
	json_t *places = neighbourhood_options(r->db);
	json_array_foreach(places, i, item)
	{
		json_object_set_new(item, "selected",
				    json_boolean(json_integer_value(json_object_get(item, "id")) == f.neighbourhood_id));
	}
	json_object_set_new(ctx, "neighbourhoods", places);
	json_object_set_new(ctx, "kinds", choices(r, kinds, "parties.kind.", f.kind));
	json_object_set_new(ctx, "q", json_string(f.q));
	json_object_set_new(ctx, "filtered", json_boolean(*f.q || *f.kind || f.neighbourhood_id));
	json_object_set_new(ctx, "can_edit", json_boolean(r->actor.role & PARTIES_WRITE));
	page_render(r, 200, "parties", "parties.title", ctx);
}

void h_api_parties(struct req *r)
{
	struct party_filter f;
	read_filter(r, &f);
	resp_json(r, 200, party_list(r->db, &f, params_get(&r->query, "after"), page_limit(r)));
}

/* ---- the form ---- */

/* The form's context for values (not stolen): where it posts, and the choices with the current ones marked. */
static json_t *form_ctx(struct req *r, int64_t id, const json_t *values)
{
	char action[64], cancel[64];
	snprintf(action, sizeof action, id ? "/parties/%lld" : "/parties", (long long)id);
	snprintf(cancel, sizeof cancel, id ? "/parties/%lld" : "/parties", (long long)id);
	json_t *ctx = json_pack("{s:s,s:s,s:b}", "action", action, "cancel", cancel, "editing", id != 0);
	const char *kind = json_str(values, "kind"), *channel = json_str(values, "preferred_channel");
	json_object_set_new(ctx, "kind_options", choices(r, kinds, "parties.kind.", *kind ? kind : "citizen"));
	json_object_set_new(
		ctx, "institution_kind_options",
		choices(r, institution_kinds, "parties.institution_kind.", json_str(values, "institution_kind")));
	json_object_set_new(ctx, "channel_options", choices(r, channels, "parties.channel.", *channel ? channel : "phone"));
	json_t *places = neighbourhood_options(r->db), *place;
	json_t *current = json_object_get(values, "neighbourhood_id");
	size_t i;
	json_array_foreach(places, i, place)
	{
		json_object_set_new(place, "selected",
				    json_boolean(json_is_integer(current) &&
						 json_integer_value(current) ==
							 json_integer_value(json_object_get(place, "id"))));
	}
	json_object_set_new(ctx, "neighbourhoods", places);
	return ctx;
}

static void render_form(struct req *r, unsigned status, int64_t id, json_t *values, json_t *extra)
{
	json_t *ctx = form_ctx(r, id, values);
	json_object_set_new(ctx, "values", values);
	if (extra)
		json_object_update(ctx, extra);
	json_decref(extra);
	page_render(r, status, "party_form", id ? "parties.edit" : "parties.new", ctx);
}

static void fail(struct req *r, int64_t id, json_t *values, json_t *errors)
{
	form_fail(r, "party_form", id ? "parties.edit" : "parties.new", r->is_api ? NULL : form_ctx(r, id, values),
		  values, errors);
}

/* Logs that the actor opens the full record; false (and a 503 sent) when the log cannot be written, since
 * an unlogged view of personal data is not allowed. */
static bool log_view(struct req *r, int64_t id)
{
	if (record_view_log(r->db, r->actor.username, "party", id) == 0)
		return true;
	resp_error(r, 503, "unavailable", "error.unavailable");
	return false;
}

void h_party_new(struct req *r)
{
	render_form(r, 200, 0, json_pack("{s:s,s:s}", "kind", "citizen", "preferred_channel", "phone"), NULL);
}

void h_party_edit(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *p = id ? party_get(r->db, id, true) : NULL;
	if (!p) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	if (!log_view(r, id)) {
		json_decref(p);
		return;
	}
	json_object_set_new(p, "kvkk_consent", json_boolean(json_is_integer(json_object_get(p, "kvkk_consent_at"))));
	decorate(r, p);
	json_t *extra = json_pack("{s:O}", "record", p);
	render_form(r, 200, id, p, extra);
}

/* Checks that need more than one field or the database. */
static void check_more(struct req *r, json_t *values, json_t *errors)
{
	if (strcmp(json_str(values, "kind"), "institution") == 0) {
		if (!*json_str(values, "institution_kind"))
			form_error(r, errors, &party_fields[F_INSTITUTION_KIND], "error.required");
		/* an institution has no TCKN: whatever was typed there is dropped */
		json_object_set_new(values, "tckn", json_string(""));
		json_object_del(errors, "tckn");
	} else {
		json_object_set_new(values, "institution_kind", json_string(""));
		json_object_del(errors, "institution_kind");
	}
	json_t *place = json_object_get(values, "neighbourhood_id");
	if (json_is_integer(place)) {
		json_t *n = neighbourhood_get(r->db, json_integer_value(place));
		if (!n)
			form_error(r, errors, &party_fields[F_NEIGHBOURHOOD], "error.choice");
		json_decref(n);
	}
	const char *channel = json_str(values, "preferred_channel");
	if (!*channel) {
		/* none chosen (the API): the first one the details allow; "phone" when there are none */
		channel = ""; /* a literal: the empty value is about to be replaced */
		if (*json_str(values, "phone"))
			channel = "phone";
		else if (*json_str(values, "email"))
			channel = "email";
		else if (*json_str(values, "address"))
			channel = "letter";
		json_object_set_new(values, "preferred_channel", json_string(*channel ? channel : "phone"));
	}
	/* a chosen channel needs its contact detail */
	int needed = -1;
	if (strcmp(channel, "phone") == 0 || strcmp(channel, "sms") == 0)
		needed = F_PHONE_NO;
	else if (strcmp(channel, "email") == 0)
		needed = F_EMAIL_ADDRESS;
	else if (strcmp(channel, "letter") == 0)
		needed = F_ADDRESS;
	if (needed >= 0 && !*json_str(values, party_fields[needed].name) &&
	    !json_object_get(errors, "preferred_channel"))
		form_error(r, errors, &party_fields[needed], "parties.error.needed_for_channel");
}

/* Adds "matched_text" ("Telefon, E-posta") to each duplicate. */
static json_t *describe_matches(struct req *r, json_t *dups)
{
	size_t i, k;
	json_t *d, *m;
	json_array_foreach(dups, i, d)
	{
		struct buf fields = BUF_INIT;
		json_array_foreach(json_object_get(d, "matched"), k, m)
		{
			const char *name = json_string_value(m);
			const char *key = strcmp(name, "tckn") == 0	 ? party_fields[F_TCKN_NO].label_key
					  : strcmp(name, "phone") == 0 ? party_fields[F_PHONE_NO].label_key
								       : party_fields[F_EMAIL_ADDRESS].label_key;
			if (k)
				buf_adds(&fields, ", ");
			buf_adds(&fields, i18n_get(r->lang, key));
		}
		json_t *args = json_pack("{s:s}", "fields", fields.data);
		struct buf text = BUF_INIT;
		i18n_format(&text, r->lang, "parties.duplicate.matched", args);
		json_object_set_new(d, "matched_text", json_string(text.data));
		json_decref(args);
		buf_free(&text);
		buf_free(&fields);
	}
	return dups;
}

/* Validates, checks for duplicates, saves, and answers: a redirect or JSON on success; 422 with field errors
 * (a TCKN already on record is one); 409 with the similar records when the phone or e-mail is already on
 * record and the user has not confirmed. */
static void save(struct req *r, int64_t id)
{
	json_t *values = json_object(), *errors = json_object();
	form_check(r, party_fields, F__MAX, values, errors);
	check_more(r, values, errors);
	/* a TCKN on another record is an error, shown with the others */
	const char *tckn = json_str(values, "tckn");
	if (*tckn && !json_object_get(errors, "tckn")) {
		json_t *same = party_duplicates(r->db, id, tckn, NULL, NULL);
		if (json_array_size(same))
			form_error(r, errors, &party_fields[F_TCKN_NO], "error.duplicate");
		json_decref(same);
	}
	if (json_object_size(errors)) {
		fail(r, id, values, errors);
		return;
	}
	if (r->is_api && !form_raw(r, "kvkk_consent"))
		json_object_del(values, "kvkk_consent"); /* absent: unchanged */
	if (!id || !r->is_api)
		json_object_set_new(values, "kvkk_notice", json_true()); /* the form shows the notice */

	/* the same phone or e-mail is only a warning (families share a phone), given when the value is new to this
	 * record: editing the address of a record whose phone is shared does not warn again */
	const char *phone = json_str(values, "phone"), *email = json_str(values, "email");
	json_t *stored = id ? party_get(r->db, id, false) : NULL;
	json_t *dups = party_duplicates(r->db, id, NULL, strcmp(phone, json_str(stored, "phone")) ? phone : NULL,
					strcasecmp(email, json_str(stored, "email")) ? email : NULL);
	json_decref(stored);
	if (json_array_size(dups) && !json_is_true(json_object_get(values, "confirm_duplicate"))) {
		if (r->is_api) {
			json_decref(values);
			json_decref(errors);
			resp_json(r, 409,
				  json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "possible_duplicate", "message",
					    i18n_get(r->lang, "parties.duplicate.intro"), "matches", dups));
		} else {
			render_form(r, 409, id, values,
				    json_pack("{s:o,s:o}", "duplicates", describe_matches(r, dups), "errors", errors));
		}
		return;
	}
	json_decref(dups);

	if (db_begin_write(r->db) != 0) {
		json_decref(values);
		json_decref(errors);
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	int64_t rid = party_save(r->db, r->actor.username, id, values);
	if (rid > 0 && db_commit(r->db) == 0) {
		json_decref(values);
		json_decref(errors);
		char location[64];
		snprintf(location, sizeof location, r->is_api ? "/api/v1/parties/%lld" : "/parties/%lld",
			 (long long)rid);
		if (r->is_api) {
			if (!id)
				resp_header(r, "Location", location);
			resp_json(r, id ? 200 : 201, party_get(r->db, rid, true));
		} else {
			page_flash(r, "flash.saved");
			resp_redirect(r, location);
		}
		return;
	}
	db_rollback(r->db);
	if (rid == DB_CONSTRAINT) {
		/* another save took the TCKN between the check and ours */
		form_error(r, errors, &party_fields[F_TCKN_NO], "error.duplicate");
		fail(r, id, values, errors);
		return;
	}
	json_decref(values);
	json_decref(errors);
	resp_error(r, 500, "internal", "error.internal");
}

void h_party_create(struct req *r)
{
	save(r, 0);
}

void h_party_update(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *p = id ? party_get(r->db, id, false) : NULL;
	if (!p) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	json_decref(p);
	save(r, id);
}

void h_api_party_create(struct req *r)
{
	save(r, 0);
}

void h_api_party_update(struct req *r)
{
	h_party_update(r);
}

/* ---- the full record ---- */

enum shown_as { SHOW_TEXT, SHOW_KIND, SHOW_INSTITUTION_KIND, SHOW_CHANNEL, SHOW_PHONE, SHOW_PLACE, SHOW_TIME };

static const struct {
	const char *name;
	const char *label_key;
	enum shown_as how;
} history_fields[] = {
	{"kind", "parties.field.kind", SHOW_KIND},
	{"institution_kind", "parties.field.institution_kind", SHOW_INSTITUTION_KIND},
	{"name", "parties.field.name", SHOW_TEXT},
	{"tckn", "parties.field.tckn", SHOW_TEXT},
	{"phone", "field.phone", SHOW_PHONE},
	{"email", "field.email", SHOW_TEXT},
	{"address", "parties.field.address", SHOW_TEXT},
	{"neighbourhood_id", "parties.field.neighbourhood", SHOW_PLACE},
	{"preferred_channel", "parties.field.preferred_channel", SHOW_CHANNEL},
	{"contact_person", "parties.field.contact_person", SHOW_TEXT},
	{"kvkk_notice_at", "parties.field.kvkk_notice_at", SHOW_TIME},
	{"kvkk_consent_at", "parties.field.kvkk_consent_at", SHOW_TIME},
};

/* A recorded value as a person reads it ("" for none). */
static json_t *shown(struct req *r, enum shown_as how, json_t *v)
{
	char text[64];
	if (json_is_integer(v)) {
		if (how == SHOW_TIME) {
			page_format_time(r, json_integer_value(v), text, sizeof text);
			return json_string(text);
		}
		if (how == SHOW_PLACE) {
			json_t *n = neighbourhood_get(r->db, json_integer_value(v));
			json_t *name = json_string(n ? json_str(n, "name") : "?");
			json_decref(n);
			return name;
		}
		snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
		return json_string(text);
	}
	const char *s = json_string_value(v);
	if (!s)
		return json_string("");
	switch (how) {
	case SHOW_KIND:
		return json_string(label_of(r, "parties.kind.", s));
	case SHOW_INSTITUTION_KIND:
		return json_string(label_of(r, "parties.institution_kind.", s));
	case SHOW_CHANNEL:
		return json_string(label_of(r, "parties.channel.", s));
	case SHOW_PHONE: {
		char display[24];
		phone_format(s, display);
		return json_string(display);
	}
	default:
		return json_string(s);
	}
}

/* The record's audit events as [{when, actor, action, changes: [{label, before, after}]}], newest first. */
static json_t *history(struct req *r, int64_t id)
{
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	json_t *events = audit_list(r->db, NULL, "party", key, NULL, 0, 100), *out = json_array(), *ev;
	size_t i;
	json_array_foreach(events, i, ev)
	{
		json_t *before = json_object_get(ev, "before"), *after = json_object_get(ev, "after");
		json_t *changes = json_array();
		for (size_t k = 0; k < sizeof history_fields / sizeof history_fields[0]; k++) {
			json_t *b = shown(r, history_fields[k].how, json_object_get(before, history_fields[k].name));
			json_t *a = shown(r, history_fields[k].how, json_object_get(after, history_fields[k].name));
			if (!json_equal(a, b))
				json_array_append_new(changes,
						      json_pack("{s:s,s:O,s:O}", "label",
								i18n_get(r->lang, history_fields[k].label_key),
								"before", b, "after", a));
			json_decref(a);
			json_decref(b);
		}
		const char *action = json_str(ev, "action");
		char when[64];
		page_format_time(r, json_integer_value(json_object_get(ev, "ts")), when, sizeof when);
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:o}", "when", when, "actor", json_str(ev, "actor"),
						     "action",
						     strcmp(action, "party.create") == 0
							     ? i18n_get(r->lang, "parties.action.create")
						     : strcmp(action, "party.update") == 0
							     ? i18n_get(r->lang, "parties.action.update")
							     : action,
						     "changes", changes));
	}
	json_decref(events);
	return out;
}

void h_party(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *p = id ? party_get(r->db, id, true) : NULL;
	if (!p) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	if (!log_view(r, id)) {
		json_decref(p);
		return;
	}
	json_t *ctx = json_pack("{s:o,s:o,s:b}", "p", decorate(r, p), "history", history(r, id), "can_edit",
				(r->actor.role & PARTIES_WRITE) != 0);
	/* KVKK: who opened this record in full, for the head of the secretariat and administrators. */
	if (r->actor.role & (ROLE_ADMIN | ROLE_CHIEF)) {
		json_t *views = record_view_list(r->db, "party", id, 50), *v;
		size_t i;
		json_array_foreach(views, i, v)
		{
			char when[64];
			page_format_time(r, json_integer_value(json_object_get(v, "at")), when, sizeof when);
			json_object_set_new(v, "when", json_string(when));
		}
		json_object_set_new(ctx, "views", views);
		json_object_set_new(ctx, "show_views", json_true());
	}
	/* a generic <title>: browser history and tab lists do not keep the person's name */
	page_render(r, 200, "party", "parties.record", ctx);
}

void h_api_party(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *p = id ? party_get(r->db, id, true) : NULL;
	if (!p) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	if (!log_view(r, id)) {
		json_decref(p);
		return;
	}
	resp_json(r, 200, p);
}
