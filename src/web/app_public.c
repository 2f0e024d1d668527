/* app_public.c: the citizens' application form (/basvuru) with its second step for a category's extra questions,
 * the done page (code, QR, receipt link for this browser only), the receipt, and public tracking by code plus the
 * last four digits of the phone (page and JSON), throttled per address. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/isotime.h"
#include "http/multipart.h"
#include "http/server.h"
#include "render/qr.h"
#include "render/receipt.h"
#include "store/app_reference.h"
#include "store/applications.h"
#include "store/audit.h"
#include "store/files.h"
#include "store/neighbourhoods.h"
#include "store/public_forms.h"
#include "store/settings.h"
#include "store/setup.h"
#include "util/json_str.h"
#include "util/log.h"
#include "web/app_public.h"
#include "web/form.h"
#include "web/page.h"
#include "web/public_guard.h"
#include "web/select_options.h"

#define TRACK_NAME "application_track"
#define SIG_BYTES 32
#define ATTR_PREFIX "attr_"

static const struct public_guard guard = {
	.cookie = "kalem_basvuru",
	.path = "/basvuru",
	.form = "application",
	.limit_hour = APP_PUBLIC_LIMIT_HOUR,
	.limit_day = APP_PUBLIC_LIMIT_DAY,
};

static const char *const kinds[] = {"complaint", "request", "suggestion", "information", NULL};
static const char *const preferred[] = {"sms", "email", "phone", NULL};

enum { F_KIND, F_CATEGORY, F_SUBJECT, F_DESCRIPTION, F_NEIGHBOURHOOD, F_ADDRESS, F_NAME, F_PHONE_, F_EMAIL_,
       F_PREFERRED, F_CONSENT };
static const struct field fields[] = {
	[F_KIND] = {"kind", F_ENUM, true, 0, kinds, "app_public.field.kind", 0, 0},
	[F_CATEGORY] = {"category_id", F_ID, true, 0, NULL, "app_public.field.category", 0, 0},
	[F_SUBJECT] = {"subject", F_TEXT, true, 300, NULL, "app_public.field.subject", 0, 0},
	[F_DESCRIPTION] = {"description", F_LONGTEXT, true, 5000, NULL, "app_public.field.description", 0, 0},
	[F_NEIGHBOURHOOD] = {"neighbourhood_id", F_ID, false, 0, NULL, "parties.field.neighbourhood", 0, 0},
	[F_ADDRESS] = {"address", F_TEXT, false, 500, NULL, "app_public.field.address", 0, 0},
	[F_NAME] = {"name", F_TEXT, true, 200, NULL, "public.field.name", 0, 0},
	[F_PHONE_] = {"phone", F_PHONE, false, 30, NULL, "field.phone", 0, 0},
	[F_EMAIL_] = {"email", F_EMAIL, false, 254, NULL, "field.email", 0, 0},
	[F_PREFERRED] = {"preferred_channel", F_ENUM, false, 0, preferred, "app_public.field.preferred", 0, 0},
	[F_CONSENT] = {"consent", F_BOOL, true, 0, NULL, "public.field.consent", 0, 0},
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

/* ---- the receipt signature ---- */

/* The receipt signature of (id, code, exp) for the browser holding token, as hex into out (OUT). */
static void receipt_sig(struct req *r, int64_t id, const char *code, int64_t exp, const char *token,
			char out[SIG_BYTES * 2 + 1] /* OUT */)
{
	char msg[256];
	int n = snprintf(msg, sizeof msg, "kalem-receipt\n%lld\n%s\n%lld\n%s", (long long)id, code, (long long)exp,
			 token);
	unsigned char mac[SIG_BYTES];
	crypto_generichash(mac, sizeof mac, (const unsigned char *)msg, (size_t)n, r->app->csrf_key,
			   sizeof r->app->csrf_key);
	sodium_bin2hex(out, SIG_BYTES * 2 + 1, mac, sizeof mac);
}

/* ---- the form's context ---- */

static const char *lang_member(struct req *r, const json_t *o, const char *base)
{
	char key[64];
	snprintf(key, sizeof key, "%s_%s", base, r->lang == LANG_EN ? "en" : "tr");
	const char *s = json_str(o, key);
	if (!*s) {
		snprintf(key, sizeof key, "%s_tr", base);
		s = json_str(o, key);
	}
	return s;
}

/* The active categories as option groups in the page's language: [{label, options: [{id, name, selected}]}]. */
static json_t *category_groups(struct req *r, int64_t selected)
{
	json_t *cats = app_category_list(r->db, true), *groups = json_array(), *group = NULL;
	size_t i;
	json_t *c;
	json_array_foreach(cats, i, c) {
		const char *label = lang_member(r, c, "group");
		if (!group || strcmp(json_str(group, "label"), label) != 0) {
			group = json_pack("{s:s,s:[]}", "label", label, "options");
			json_array_append_new(groups, group);
		}
		int64_t id = json_integer_value(json_object_get(c, "id"));
		json_array_append_new(json_object_get(group, "options"),
				      json_pack("{s:I,s:s,s:b}", "id", (json_int_t)id, "name",
						lang_member(r, c, "name"), "selected", id == selected));
	}
	json_decref(cats);
	return groups;
}

/* The form's context: the token and every list with what was chosen marked. */
static json_t *form_ctx(struct req *r, const char *token, const json_t *values)
{
	json_t *opts = neighbourhood_options(r->db);
	int64_t nb = json_integer_value(json_object_get(values, "neighbourhood_id"));
	size_t i;
	json_t *o;
	json_array_foreach(opts, i, o)
		json_object_set_new(o, "selected", json_boolean(json_integer_value(json_object_get(o, "id")) == nb));
	int64_t cat = json_integer_value(json_object_get(values, "category_id"));
	if (!cat && json_is_string(json_object_get(values, "category_id")))
		cat = atoll(json_str(values, "category_id"));
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:i}", "form_token", token, "neighbourhood_options", opts,
			 "category_groups", category_groups(r, cat), "kind_options",
			 select_options(r, kinds, "app_public.kind.", json_str(values, "kind")), "preferred_options",
			 select_options(r, preferred, "app_public.preferred.", json_str(values, "preferred_channel")),
			 "max_mb", (int)(FILES_MAX_DEFAULT >> 20));
}

void h_app_public_form(struct req *r)
{
	char token[PUBLIC_TOKEN_HEX + 1];
	public_token_issue(r, &guard, token);
	json_t *ctx = form_ctx(r, token, NULL);
	json_object_set_new(ctx, "values", json_object());
	page_render(r, 200, "app_public", "app_public.title", ctx);
}

/* ---- the second step: the category's extra questions ---- */

/* The question's form field name "attr_<code>" into out (OUT). */
static void attr_name(const json_t *def, char *out, size_t outsz)
{
	snprintf(out, outsz, ATTR_PREFIX "%s", json_str(def, "code"));
}

/* Whether value is among the keys of def's list values. */
static bool list_key(const json_t *def, const char *value)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(def, "values"), i, v)
		if (strcmp(json_str(v, "key"), value) == 0)
			return true;
	return false;
}

/* Reads the answers to the category's questions from the form into attrs (OUT) and errors (OUT, by field name
 * "attr_<code>"). A datetime typed as YYYY-MM-DDTHH:MM (a datetime-local input) is taken as Turkish time. */
static void read_answers(struct req *r, const json_t *category, json_t *attrs, json_t *errors)
{
	size_t i;
	json_t *def;
	json_array_foreach(json_object_get(category, "attributes"), i, def) {
		char name[96];
		attr_name(def, name, sizeof name);
		const char *type = json_str(def, "datatype"), *label = lang_member(r, def, "description");
		bool required = json_is_true(json_object_get(def, "required"));
		const char *bad = NULL;
		if (strcmp(type, "multivaluelist") == 0) {
			json_t *vals = json_array();
			for (size_t k = 0; k < params_count(&r->form, name); k++) {
				const char *v = params_get_nth(&r->form, name, k);
				if (v && *v && !list_key(def, v))
					bad = "error.choice";
				else if (v && *v)
					json_array_append_new(vals, json_string(v));
			}
			if (!bad && json_array_size(vals))
				json_object_set(attrs, json_str(def, "code"), vals);
			else if (!bad && required)
				bad = "error.required";
			json_decref(vals);
		} else {
			const char *v = params_get(&r->form, name);
			char when[32];
			if (!v || !*v) {
				if (required)
					bad = "error.required";
			} else if (strlen(v) > 2000) {
				bad = "error.too_long";
			} else if (strcmp(type, "singlevaluelist") == 0 && !list_key(def, v)) {
				bad = "error.choice";
			} else if (strcmp(type, "number") == 0) {
				char *end = NULL;
				strtod(v, &end);
				if (!end || *end || end == v)
					bad = "error.number";
			} else if (strcmp(type, "datetime") == 0) {
				int64_t t;
				snprintf(when, sizeof when, "%s%s", v, strlen(v) == 16 ? ":00+03:00" : "");
				if (iso_time_parse(when, &t) != 0)
					bad = "error.date";
				v = when;
			}
			if (!bad && v && *v)
				json_object_set_new(attrs, json_str(def, "code"), json_string(v));
		}
		if (bad) {
			json_t *args = json_pack("{s:s}", "field", label);
			struct buf msg = BUF_INIT;
			i18n_format(&msg, r->lang, bad, args);
			json_object_set_new(errors, name, json_string(msg.data));
			buf_free(&msg);
			json_decref(args);
		}
	}
}

/* The questions of category for the template: [{name, label, required, input kind flags, options, value}]. */
static json_t *questions(struct req *r, const json_t *category, const json_t *errors)
{
	json_t *out = json_array();
	size_t i;
	json_t *def;
	json_array_foreach(json_object_get(category, "attributes"), i, def) {
		char name[96];
		attr_name(def, name, sizeof name);
		const char *type = json_str(def, "datatype");
		bool multi = strcmp(type, "multivaluelist") == 0, single = strcmp(type, "singlevaluelist") == 0;
		const char *value = params_get(&r->form, name);
		json_t *options = json_array();
		size_t k;
		json_t *v;
		json_array_foreach(json_object_get(def, "values"), k, v) {
			bool chosen = false;
			for (size_t n = 0; n < params_count(&r->form, name); n++)
				chosen = chosen || strcmp(params_get_nth(&r->form, name, n), json_str(v, "key")) == 0;
			json_array_append_new(options, json_pack("{s:s,s:s,s:b,s:I}", "key", json_str(v, "key"),
								 "label", lang_member(r, v, "name"), "selected", chosen,
								 "n", (json_int_t)k));
		}
		json_t *q = json_pack("{s:s,s:s,s:b,s:b,s:b,s:b,s:b,s:b,s:o,s:s}", "name", name, "label",
				      lang_member(r, def, "description"), "required",
				      json_is_true(json_object_get(def, "required")), "is_single", single, "is_multi",
				      multi, "is_text", strcmp(type, "text") == 0, "is_datetime",
				      strcmp(type, "datetime") == 0, "is_line",
				      !single && !multi && strcmp(type, "text") != 0 && strcmp(type, "datetime") != 0,
				      "options", options, "value", value ? value : "");
		if (json_object_get(errors, name))
			json_object_set(q, "error", json_object_get(errors, name));
		json_array_append_new(out, q);
	}
	return out;
}

/* The first-step fields as hidden inputs of the second step: [{name, value}] as typed. */
static json_t *hidden_fields(struct req *r)
{
	json_t *a = json_array();
	for (size_t i = 0; i < N_FIELDS; i++) {
		const char *v = params_get(&r->form, fields[i].name);
		if (v)
			json_array_append_new(a, json_pack("{s:s,s:s}", "name", fields[i].name, "value", v));
	}
	return a;
}

/* Renders the second step with status (200 asking, 422 with errors). Steals errors. */
static void questions_page(struct req *r, unsigned status, const char *token, const json_t *category,
			   json_t *errors, bool had_file)
{
	json_t *ctx = json_pack("{s:s,s:o,s:o,s:s,s:b,s:i}", "form_token", token, "questions",
				questions(r, category, errors), "hidden", hidden_fields(r), "category_name",
				lang_member(r, category, "name"), "had_file", had_file, "max_mb",
				(int)(FILES_MAX_DEFAULT >> 20));
	json_t *summary = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(errors, k, v)
		json_array_append_new(summary, json_pack("{s:s,s:O}", "field", k, "message", v));
	json_object_set_new(ctx, "errors", errors);
	json_object_set_new(ctx, "error_summary", summary);
	page_render(r, status, "app_public_questions", "app_public.questions.title", ctx);
}

/* ---- submitting ---- */

/* The first file part named "file" with a name or content into up (OUT); false when none was sent. */
static bool uploaded_file(struct req *r, struct app_upload *up)
{
	const struct multipart *mp = req_multipart(r);
	for (size_t i = 0; mp && i < mp->n; i++) {
		const struct multipart_part *p = &mp->parts[i];
		if (!p->filename || strcmp(p->name, "file") != 0 || (p->len == 0 && !*p->filename))
			continue;
		*up = (struct app_upload){.name = p->filename, .data = p->data, .len = p->len};
		return true;
	}
	return false;
}

/* The checks beyond the field table: a way to reach the applicant, the preferred channel possible, the
 * acknowledgement, an active category (into *category, OUT) and neighbourhood. */
static void check_more(struct req *r, json_t *values, json_t *errors, json_t **category)
{
	const char *phone = json_str(values, "phone"), *email = json_str(values, "email");
	const char *pref = json_str(values, "preferred_channel");
	if (!*phone && !*email && !json_object_get(errors, "phone") && !json_object_get(errors, "email"))
		form_error(r, errors, &fields[F_PHONE_], "app_public.error.contact");
	if (((!strcmp(pref, "sms") || !strcmp(pref, "phone")) && !*phone) || (!strcmp(pref, "email") && !*email))
		if (!json_object_get(errors, "preferred_channel"))
			form_error(r, errors, &fields[F_PREFERRED], "app_public.error.preferred");
	if (!json_is_true(json_object_get(values, "consent")))
		form_error(r, errors, &fields[F_CONSENT], "public.error.consent");
	int64_t cat = json_integer_value(json_object_get(values, "category_id"));
	if (cat > 0) {
		*category = app_category_get(r->db, cat);
		if (!*category || !json_is_true(json_object_get(*category, "active"))) {
			json_decref(*category);
			*category = NULL;
			form_error(r, errors, &fields[F_CATEGORY], "error.choice");
		}
	}
	int64_t nb = json_integer_value(json_object_get(values, "neighbourhood_id"));
	if (nb > 0) {
		json_t *n = neighbourhood_get(r->db, nb);
		if (!n || !json_is_true(json_object_get(n, "active")))
			form_error(r, errors, &fields[F_NEIGHBOURHOOD], "error.choice");
		json_decref(n);
	}
}

/* A key that makes a repeated identical submission from one form (a double click, a reload) return the same
 * application: a hash of the form token and what was sent. */
static void idempotency_key(const char *token, const json_t *values, const json_t *attrs, char out[48])
{
	char *a = json_dumps(values, JSON_COMPACT | JSON_SORT_KEYS);
	char *b = json_dumps(attrs, JSON_COMPACT | JSON_SORT_KEYS);
	crypto_generichash_state st;
	unsigned char h[16];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)token, strlen(token));
	crypto_generichash_update(&st, (const unsigned char *)a, strlen(a));
	crypto_generichash_update(&st, (const unsigned char *)b, strlen(b));
	crypto_generichash_final(&st, h, sizeof h);
	memcpy(out, "web-", 4);
	sodium_bin2hex(out + 4, 33, h, sizeof h);
	free(a);
	free(b);
}

/* The tracking address of code as the citizen reaches this server, into url (OUT). */
static void track_url(struct req *r, const char *code, struct buf *url)
{
	const char *host = req_header(r, "Host");
	/* a host name or address with an optional port, nothing else */
	if (!host || !*host || strlen(host) > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != strlen(host))
		host = "localhost";
	buf_addf(url, "%s://%s/basvuru-takip?code=", r->tls ? "https" : "http", host);
	buf_add_urlenc(url, code);
}

/* The done page: the code big, the QR code of the tracking address, the signed receipt link. */
static void done_page(struct req *r, const char *token, int64_t id)
{
	json_t *a = app_get(r->db, id, 0, (int64_t)time(NULL));
	const char *code = json_str(a, "tracking_code");
	struct buf url = BUF_INIT, svg = BUF_INIT, receipt = BUF_INIT;
	track_url(r, code, &url);
	if (qr_svg(url.data, &svg) != 0)
		buf_reset(&svg);
	int64_t exp = (int64_t)time(NULL) + APP_RECEIPT_TTL_S;
	char sig[SIG_BYTES * 2 + 1];
	receipt_sig(r, id, code, exp, token, sig);
	buf_addf(&receipt, "/basvuru/makbuz/%lld?code=", (long long)id);
	buf_add_urlenc(&receipt, code);
	buf_addf(&receipt, "&exp=%lld&sig=%s", (long long)exp, sig);
	json_t *ctx = json_pack("{s:s,s:s,s:s,s:s,s:b}", "code", code, "qr_svg", svg.data, "track_url", url.data,
				"receipt_href", receipt.data, "has_phone", *json_str(a, "phone") != '\0');
	buf_free(&url);
	buf_free(&svg);
	buf_free(&receipt);
	json_decref(a);
	page_render(r, 200, "app_public_done", "app_public.done.title", ctx);
}

/* Records the KVKK acknowledgement with application id in the audit trail. Returns 0 or -1. */
static int record_acknowledgement(struct req *r, int64_t id, int64_t now)
{
	char at[ISO_TIME_SIZE];
	iso_time_format(now, at);
	json_t *after = json_pack("{s:s,s:s,s:s,s:s}", "kvkk_notice", "parties.kvkk", "acknowledged_at", at, "lang",
				  lang_code(r->lang), "channel", "web");
	int rc = db_begin_write(r->db);
	if (rc == 0) {
		rc = audit_append(r->db, "web", "application.kvkk_notice", "application", id, NULL, after);
		if (rc == 0)
			rc = db_commit(r->db);
		else
			db_rollback(r->db);
	}
	json_decref(after);
	return rc == 0 ? 0 : -1;
}

/* The store's field name as a field of this form. */
static const struct field *form_field(const char *store_field)
{
	static const struct {
		const char *store, *form;
	} map[] = {{"applicant_name", "name"}, {"category_code", "category_id"}};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].store, store_field) == 0)
			store_field = map[i].form;
	for (size_t i = 0; i < N_FIELDS; i++)
		if (strcmp(fields[i].name, store_field) == 0)
			return &fields[i];
	return &fields[F_SUBJECT];
}

void h_app_public_create(struct req *r)
{
	char token[PUBLIC_TOKEN_HEX + 1];
	if (!public_token_ok(r, &guard, token)) {
		public_token_again(r, &guard, fields, N_FIELDS, form_ctx, "app_public", "app_public.title");
		return;
	}
	int64_t now = (int64_t)time(NULL);
	if (!public_guard_admit(r, &guard, now))
		return;
	json_t *values = json_object(), *errors = json_object(), *category = NULL, *attrs = json_object();
	form_check(r, fields, N_FIELDS, values, errors);
	check_more(r, values, errors, &category);
	if (json_object_size(errors)) {
		json_decref(category);
		json_decref(attrs);
		form_fail(r, "app_public", "app_public.title", form_ctx(r, token, values), values, errors);
		return;
	}
	struct app_upload up;
	bool has_file = uploaded_file(r, &up);
	const char *step = params_get(&r->form, "_step");
	if (json_array_size(json_object_get(category, "attributes")) > 0) {
		if (!step || strcmp(step, "2") != 0) {
			questions_page(r, 200, token, category, errors, has_file);
			errors = NULL;
			goto done;
		}
		read_answers(r, category, attrs, errors);
		if (json_object_size(errors)) {
			questions_page(r, 422, token, category, errors, false);
			errors = NULL;
			goto done;
		}
	}
	char key[48];
	idempotency_key(token, values, attrs, key);
	json_t *in = json_pack("{s:O,s:s,s:s,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "kind",
			       json_object_get(values, "kind"), "channel", "web", "idempotency_key", key,
			       "applicant_name", json_object_get(values, "name"), "phone", json_object_get(values, "phone"),
			       "email", json_object_get(values, "email"), "preferred_channel",
			       json_object_get(values, "preferred_channel"), "category_id",
			       json_object_get(values, "category_id"), "subject", json_object_get(values, "subject"),
			       "description", json_object_get(values, "description"), "address",
			       json_object_get(values, "address"), "attributes", attrs);
	int64_t nb = json_integer_value(json_object_get(values, "neighbourhood_id"));
	if (nb > 0)
		json_object_set_new(in, "neighbourhood_id", json_integer(nb));
	char dir[300];
	snprintf(dir, sizeof dir, "%s/files", r->app->cfg.var_dir);
	struct app_files files = {.dir = dir, .role = "petition", .max_len = FILES_MAX_DEFAULT, .items = &up,
				  .n = has_file ? 1 : 0};
	const char *field = NULL, *error_key = NULL;
	bool existing = false;
	int64_t id = app_create(r->db, "web", in, &files, &existing, &field, &error_key);
	json_decref(in);
	if (id == APP_INVALID) {
		if (field && strcmp(field, "file") == 0) {
			const char *k = "app_public.error.file_type";
			if (error_key && strcmp(error_key, "error.file_size") == 0)
				k = "app_public.error.file_size";
			else if (error_key && strcmp(error_key, "error.file_empty") == 0)
				k = "app_public.error.file_empty";
			json_t *args = json_pack("{s:i}", "max", (int)(FILES_MAX_DEFAULT >> 20));
			struct buf msg = BUF_INIT;
			i18n_format(&msg, r->lang, k, args);
			json_object_set_new(errors, "file", json_string(msg.data));
			buf_free(&msg);
			json_decref(args);
		} else {
			form_error(r, errors, form_field(field ? field : "subject"), "error.invalid");
		}
		json_decref(category);
		json_decref(attrs);
		form_fail(r, "app_public", "app_public.title", form_ctx(r, token, values), values, errors);
		return;
	}
	if (id <= 0) {
		resp_error(r, id == APP_BUSY ? 503 : 500, id == APP_BUSY ? "unavailable" : "internal",
			   id == APP_BUSY ? "error.unavailable" : "error.internal");
		goto done;
	}
	if (!existing) {
		if (public_guard_record(r, &guard, now) != 0)
			log_warn("cannot record the public application from '%s'", r->address);
		if (record_acknowledgement(r, id, now) != 0)
			log_warn("cannot record the KVKK acknowledgement of application %lld", (long long)id);
	}
	done_page(r, token, id);
done:
	json_decref(values);
	json_decref(errors);
	json_decref(category);
	json_decref(attrs);
}

/* ---- the receipt ---- */

void h_app_public_receipt(struct req *r)
{
	int64_t id = req_arg_id(r, 0), now = (int64_t)time(NULL);
	const char *code = params_get(&r->query, "code"), *sig = params_get(&r->query, "sig"),
		   *exp_s = params_get(&r->query, "exp");
	char token[PUBLIC_TOKEN_HEX + 1], want[SIG_BYTES * 2 + 1];
	long long exp = exp_s ? atoll(exp_s) : 0;
	json_t *a = NULL;
	if (id <= 0 || !code || !sig || exp < now || exp > now + APP_RECEIPT_TTL_S || public_token_get(r, &guard, token) != 0)
		goto not_found;
	receipt_sig(r, id, code, (int64_t)exp, token, want);
	if (strlen(sig) != SIG_BYTES * 2 || sodium_memcmp(sig, want, SIG_BYTES * 2) != 0)
		goto not_found;
	a = app_get(r->db, id, 0, now);
	if (!a || strcmp(json_str(a, "tracking_code"), code) != 0)
		goto not_found;
	char municipality[200], office[200], received[64] = "", channel_key[64];
	if (setting_get(r->db, SETTING_MUNICIPALITY_NAME, municipality, sizeof municipality) != 1 || !*municipality)
		snprintf(municipality, sizeof municipality, "%s", SETTING_MUNICIPALITY_NAME_DEFAULT);
	if (setting_get(r->db, SETTING_OFFICE_NAME, office, sizeof office) != 1 || !*office)
		snprintf(office, sizeof office, "%s", SETTING_OFFICE_NAME_DEFAULT);
	page_format_time(r, json_integer_value(json_object_get(a, "received_at")), received, sizeof received);
	snprintf(channel_key, sizeof channel_key, "app_public.channel.%s", json_str(a, "channel"));
	struct buf url = BUF_INIT, pdf = BUF_INIT;
	track_url(r, code, &url);
	const char *small_print[] = {i18n_get(r->lang, "receipt.keep"), i18n_get(r->lang, "receipt.track"), NULL};
	struct receipt rc = {
		.municipality = municipality,
		.office = office,
		.tracking_code = code,
		.received = received,
		.applicant = json_str(a, "applicant_name"),
		.subject = json_str(a, "subject"),
		.category = json_str(a, "category_name"),
		.channel = i18n_get(r->lang, channel_key),
		.track_url = url.data,
		.small_print = small_print,
		.lang = r->lang,
	};
	int ok = receipt_pdf(&rc, &pdf);
	buf_free(&url);
	json_decref(a);
	if (ok != 0) {
		buf_free(&pdf);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	char disposition[96];
	snprintf(disposition, sizeof disposition, "inline; filename=\"basvuru-%s.pdf\"", code);
	resp_header(r, "Content-Disposition", disposition);
	resp_header(r, "X-Content-Type-Options", "nosniff");
	resp_header(r, "Cache-Control", "no-store");
	r->status = 200;
	r->resp_type = "application/pdf";
	buf_reset(&r->resp);
	buf_add(&r->resp, pdf.data, pdf.len);
	buf_free(&pdf);
	return;
not_found:
	json_decref(a);
	resp_error(r, 404, "not_found", "error.not_found");
}

/* ---- tracking ---- */

/* 0 when the address may look up one more code (and counts it), 1 when over the limit, -1 on error. */
static int track_throttled(struct req *r, int64_t now)
{
	/* One write transaction: the count and the lookup it adds see the latest rows (a bare write after a read
	 * could meet a stale SQLite snapshot), and concurrent lookups from one address cannot both slip under. */
	if (db_begin_write(r->db) != 0)
		return -1;
	int n = public_form_count(r->db, TRACK_NAME, r->address, now - APP_TRACK_WINDOW_S);
	int rc = n < 0 ? -1 : n >= APP_TRACK_LIMIT ? 1 : public_form_record(r->db, TRACK_NAME, r->address, now);
	if (rc == 0)
		return db_commit(r->db) == 0 ? 0 : -1;
	db_rollback(r->db);
	return rc;
}

/* Sets o's date at: as ISO text under iso_name (API), else as on pages under page_name. */
static void set_date(struct req *r, json_t *o, int64_t at, bool iso, const char *iso_name, const char *page_name)
{
	char when[64];
	if (iso)
		iso_time_format(at, when);
	else
		page_format_time(r, at, when, sizeof when);
	json_object_set_new(o, iso ? iso_name : page_name, json_string(when));
}

/* Labels and display dates of a tracking result t in place; iso: dates as ISO text (API) else as on pages. */
static void decorate_track(struct req *r, json_t *t, bool iso)
{
	char key[96];
	snprintf(key, sizeof key, "app_public.kind.%s", json_str(t, "kind"));
	json_object_set_new(t, "kind_label", json_string(i18n_get(r->lang, key)));
	snprintf(key, sizeof key, "app.state.%s", json_str(t, "state"));
	json_object_set_new(t, "state_label", json_string(i18n_get(r->lang, key)));
	set_date(r, t, json_integer_value(json_object_get(t, "received_at")), iso, "received_at", "received");
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(t, "stages"), i, s) {
		snprintf(key, sizeof key, "app.state.%s", json_str(s, "state"));
		json_object_set_new(s, "state_label", json_string(i18n_get(r->lang, key)));
		set_date(r, s, json_integer_value(json_object_get(s, "at")), iso, "at", "when");
	}
}

void h_app_track_page(struct req *r)
{
	const char *code = params_get(&r->query, "code");
	page_render(r, 200, "app_track", "app_public.track.title", json_pack("{s:s}", "code", code ? code : ""));
}

void h_app_track_lookup(struct req *r)
{
	const char *code = params_get(&r->form, "code"), *last4 = params_get(&r->form, "last4");
	json_t *ctx = json_pack("{s:s}", "code", code ? code : "");
	int t = track_throttled(r, (int64_t)time(NULL));
	if (t != 0) {
		if (t < 0) {
			json_decref(ctx);
			resp_error(r, 500, "internal", "error.internal");
			return;
		}
		char retry[16];
		snprintf(retry, sizeof retry, "%d", APP_TRACK_WINDOW_S);
		resp_header(r, "Retry-After", retry);
		json_object_set_new(ctx, "throttled", json_true());
		page_render(r, 429, "app_track", "app_public.track.title", ctx);
		return;
	}
	json_t *found = code && last4 ? app_track(r->db, code, last4) : NULL;
	if (found) {
		decorate_track(r, found, false);
		json_object_set_new(ctx, "t", found);
	} else {
		json_object_set_new(ctx, "not_found", json_true());
	}
	page_render(r, found ? 200 : 404, "app_track", "app_public.track.title", ctx);
}

void h_api_public_application(struct req *r)
{
	const char *code = r->n_path_args > 0 ? r->path_args[0] : NULL, *last4 = params_get(&r->query, "last4");
	int t = track_throttled(r, (int64_t)time(NULL));
	if (t != 0) {
		if (t > 0) {
			char retry[16];
			snprintf(retry, sizeof retry, "%d", APP_TRACK_WINDOW_S);
			resp_header(r, "Retry-After", retry);
		}
		resp_error(r, t > 0 ? 429 : 500, t > 0 ? "rate_limited" : "internal",
			   t > 0 ? "app_public.track.throttled" : "error.internal");
		return;
	}
	json_t *found = code && last4 ? app_track(r->db, code, last4) : NULL;
	if (!found) {
		resp_error(r, 404, "not_found", "app_public.track.not_found");
		return;
	}
	decorate_track(r, found, true);
	resp_header(r, "Cache-Control", "no-store");
	resp_json(r, 200, found);
}
