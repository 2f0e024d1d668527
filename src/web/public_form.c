/* public_form.c: the citizens' public appointment-request form: double-submit form token, honeypot, per-address
 * throttling in the database, then a party (found by phone or created with the KVKK consent) and the request. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "http/cookie.h"
#include "store/appointments.h"
#include "store/neighbourhoods.h"
#include "store/parties.h"
#include "store/public_forms.h"
#include "util/log.h"
#include "web/form.h"
#include "web/page.h"
#include "web/public_form.h"

#define FORM_NAME "appointment_request"
#define TOKEN_BYTES 32
#define TOKEN_HEX (TOKEN_BYTES * 2)
#define LIMIT_HOUR 5
#define LIMIT_DAY 20

enum { F_NAME, F_PHONE_, F_EMAIL_, F_NEIGHBOURHOOD, F_SUBJECT, F_PREFERRED, F_CONSENT };
static const struct field public_fields[] = {
	[F_NAME] = {"name", F_TEXT, true, 200, NULL, "field.name", 0, 0},
	[F_PHONE_] = {"phone", F_PHONE, true, 30, NULL, "field.phone", 0, 0},
	[F_EMAIL_] = {"email", F_EMAIL, false, 254, NULL, "field.email", 0, 0},
	[F_NEIGHBOURHOOD] = {"neighbourhood_id", F_ID, false, 0, NULL, "parties.field.neighbourhood", 0, 0},
	[F_SUBJECT] = {"subject", F_LONGTEXT, true, 1000, NULL, "appt.col.subject", 0, 0},
	[F_PREFERRED] = {"preferred", F_TEXT, false, 500, NULL, "appt.field.preferred", 0, 0},
	[F_CONSENT] = {"consent", F_BOOL, true, 0, NULL, "public.field.consent", 0, 0},
};
#define N_PUBLIC_FIELDS (sizeof public_fields / sizeof public_fields[0])

/* The form token from the kalem_form cookie into out (OUT); 0 when present and well formed, else -1. */
static int token_from_cookie(struct req *r, char out[TOKEN_HEX + 1] /* OUT */)
{
	if (cookie_get(req_header(r, "Cookie"), "kalem_form", out, TOKEN_HEX + 1) != 0 || strlen(out) != TOKEN_HEX)
		return -1;
	for (const char *p = out; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return -1;
	return 0;
}

/* The form's context: the token, the neighbourhoods with the selected one marked. */
static json_t *form_ctx(struct req *r, const char *token, const json_t *values)
{
	json_t *opts = neighbourhood_options(r->db);
	int64_t sel = json_integer_value(json_object_get(values, "neighbourhood_id"));
	size_t i;
	json_t *o;
	json_array_foreach(opts, i, o)
		json_object_set_new(o, "selected", json_boolean(json_integer_value(json_object_get(o, "id")) == sel));
	return json_pack("{s:s,s:o}", "form_token", token, "neighbourhood_options", opts);
}

/* The form token of the kalem_form cookie, or a fresh one, into token (OUT); (re)sets the cookie. */
static void issue_token(struct req *r, char token[TOKEN_HEX + 1] /* OUT */)
{
	if (token_from_cookie(r, token) != 0) {
		unsigned char raw[TOKEN_BYTES];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(token, TOKEN_HEX + 1, raw, sizeof raw);
	}
	char c[200];
	snprintf(c, sizeof c, "kalem_form=%s; Path=/randevu-talebi; HttpOnly; SameSite=Strict; Max-Age=86400%s", token,
		 r->tls ? "; Secure" : "");
	resp_header(r, "Set-Cookie", c);
}

void h_public_request_form(struct req *r)
{
	char token[TOKEN_HEX + 1];
	issue_token(r, token);
	json_t *ctx = form_ctx(r, token, NULL);
	json_object_set_new(ctx, "values", json_object());
	page_render(r, 200, "public_form", "public.title", ctx);
}

/* True when the hidden _form field equals the cookie's token (compared in constant time). */
static bool token_ok(struct req *r, char token[TOKEN_HEX + 1] /* OUT */)
{
	const char *sent = params_get(&r->form, "_form");
	return token_from_cookie(r, token) == 0 && sent && strlen(sent) == TOKEN_HEX &&
	       sodium_memcmp(sent, token, TOKEN_HEX) == 0;
}

/* 0 when the address may submit, 1 when over a limit, -1 on a database error. */
static int throttled(struct req *r, int64_t now)
{
	int hour = public_form_count(r->db, FORM_NAME, r->address, now - 3600);
	int day = public_form_count(r->db, FORM_NAME, r->address, now - 86400);
	if (hour < 0 || day < 0)
		return -1;
	return hour >= LIMIT_HOUR || day >= LIMIT_DAY;
}

/* The id of the party with this phone, or 0: a new citizen is saved with the KVKK consent and notice. < 0 on
 * error. */
static int64_t find_or_create_party(struct req *r, const json_t *values)
{
	const char *phone = json_string_value(json_object_get(values, "phone"));
	json_t *dups = party_duplicates(r->db, 0, NULL, phone, NULL);
	size_t i;
	json_t *d;
	int64_t id = 0;
	json_array_foreach(dups, i, d) {
		if (json_string_value(json_object_get(d, "kind")) &&
		    strcmp(json_string_value(json_object_get(d, "kind")), "citizen") == 0) {
			id = json_integer_value(json_object_get(d, "id"));
			break;
		}
	}
	json_decref(dups);
	if (id > 0)
		return id;
	int64_t nb = json_integer_value(json_object_get(values, "neighbourhood_id"));
	json_t *p = json_pack("{s:s,s:s,s:O,s:s,s:O,s:O,s:s,s:o,s:s,s:s,s:b,s:b}", "kind", "citizen",
			      "institution_kind", "", "name", json_object_get(values, "name"), "tckn", "", "phone",
			      json_object_get(values, "phone"), "email", json_object_get(values, "email"), "address", "",
			      "neighbourhood_id", nb > 0 ? json_integer(nb) : json_null(), "preferred_channel", "",
			      "contact_person", "", "kvkk_consent", 1, "kvkk_notice", 1);
	if (db_begin_write(r->db) != 0) {
		json_decref(p);
		return -1;
	}
	id = party_save(r->db, "web", 0, p);
	json_decref(p);
	if (id <= 0) {
		db_rollback(r->db);
		return -1;
	}
	return db_commit(r->db) == 0 ? id : -1;
}

void h_public_request_create(struct req *r)
{
	char token[TOKEN_HEX + 1];
	if (!token_ok(r, token)) {
		/* 400, the form again with what was typed (unchecked, escaped) and a valid token: a citizen whose
		 * cookie expired sends it once more. Not 403: the route is open to everyone (see test_roles). */
		issue_token(r, token);
		json_t *values = json_object();
		for (size_t i = 0; i < N_PUBLIC_FIELDS; i++) {
			const char *v = params_get(&r->form, public_fields[i].name);
			if (v && public_fields[i].type != F_BOOL)
				json_object_set_new(values, public_fields[i].name, json_string(v));
		}
		json_t *ctx = form_ctx(r, token, values);
		json_object_set_new(ctx, "values", values);
		json_object_set_new(ctx, "token_error", json_true());
		page_render(r, 400, "public_form", "public.title", ctx);
		return;
	}
	const char *hp = params_get(&r->form, "website");
	if (hp && *hp) {
		resp_error(r, 400, "bad_request", "error.bad_request");
		return;
	}
	int64_t now = (int64_t)time(NULL);
	int t = throttled(r, now);
	if (t != 0) {
		if (t > 0)
			resp_header(r, "Retry-After", "3600");
		resp_error(r, t > 0 ? 429 : 500, t > 0 ? "rate_limited" : "internal",
			   t > 0 ? "error.rate_limited" : "error.internal");
		return;
	}
	json_t *values = json_object(), *errors = json_object();
	form_check(r, public_fields, N_PUBLIC_FIELDS, values, errors);
	if (!json_is_true(json_object_get(values, "consent")))
		form_error(r, errors, &public_fields[F_CONSENT], "public.error.consent");
	int64_t nb = json_integer_value(json_object_get(values, "neighbourhood_id"));
	if (nb > 0) {
		json_t *n = neighbourhood_get(r->db, nb);
		if (!n || !json_is_true(json_object_get(n, "active")))
			form_error(r, errors, &public_fields[F_NEIGHBOURHOOD], "error.choice");
		json_decref(n);
	}
	if (json_object_size(errors)) {
		form_fail(r, "public_form", "public.title", form_ctx(r, token, values), values, errors);
		return;
	}
	int64_t party = find_or_create_party(r, values);
	int64_t id = -1;
	const char *field = NULL;
	if (party > 0) {
		json_t *a = json_pack("{s:s,s:I,s:O,s:O,s:O,s:O,s:s,s:O}", "kind", "citizen", "party_id",
				      (json_int_t)party, "requester_name", json_object_get(values, "name"), "phone",
				      json_object_get(values, "phone"), "email", json_object_get(values, "email"),
				      "subject", json_object_get(values, "subject"), "channel", "web", "preferred",
				      json_object_get(values, "preferred"));
		id = appt_create(r->db, "web", a, r->lang, &field);
		json_decref(a);
	}
	json_decref(values);
	json_decref(errors);
	if (id <= 0) {
		resp_error(r, id == APPT_BUSY ? 503 : 500, id == APPT_BUSY ? "unavailable" : "internal",
			   id == APPT_BUSY ? "error.unavailable" : "error.internal");
		return;
	}
	if (public_form_record(r->db, FORM_NAME, r->address, now) != 0)
		log_warn("cannot record the public form submission from '%s'", r->address);
	json_t *req = appt_get(r->db, id);
	const char *code = json_string_value(json_object_get(req, "tracking_code"));
	json_t *ctx = json_pack("{s:s}", "code", code ? code : "");
	json_decref(req);
	page_render(r, 200, "public_form_done", "public.done.title", ctx);
}
