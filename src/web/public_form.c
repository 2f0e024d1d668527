/* public_form.c: the citizens' public appointment-request form: double-submit form token, honeypot, per-address
 * throttling in the database, then a party (found by phone or created with the KVKK consent) and the request. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "store/appointments.h"
#include "store/neighbourhoods.h"
#include "store/parties.h"
#include "util/log.h"
#include "web/form.h"
#include "web/page.h"
#include "web/public_form.h"
#include "web/public_guard.h"

static const struct public_guard guard = {
	.cookie = "kalem_form",
	.path = "/randevu-talebi",
	.form = "appointment_request",
	.limit_hour = 5,
	.limit_day = 20,
};

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

void h_public_request_form(struct req *r)
{
	char token[PUBLIC_TOKEN_HEX + 1];
	public_token_issue(r, &guard, token);
	json_t *ctx = form_ctx(r, token, NULL);
	json_object_set_new(ctx, "values", json_object());
	page_render(r, 200, "public_form", "public.title", ctx);
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
	char token[PUBLIC_TOKEN_HEX + 1];
	if (!public_token_ok(r, &guard, token)) {
		/* 400, the form again with what was typed (unchecked, escaped) and a valid token: a citizen whose
		 * cookie expired sends it once more. Not 403: the route is open to everyone (see test_roles). */
		public_token_again(r, &guard, public_fields, N_PUBLIC_FIELDS, form_ctx, "public_form", "public.title");
		return;
	}
	int64_t now = (int64_t)time(NULL);
	if (!public_guard_admit(r, &guard, now))
		return;
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
	if (public_guard_record(r, &guard, now) != 0)
		log_warn("cannot record the public form submission from '%s'", r->address);
	json_t *req = appt_get(r->db, id);
	const char *code = json_string_value(json_object_get(req, "tracking_code"));
	json_t *ctx = json_pack("{s:s}", "code", code ? code : "");
	json_decref(req);
	page_render(r, 200, "public_form_done", "public.done.title", ctx);
}
