/* admin_settings.c: the settings page: organisation names, DETSİS unit, SMTP and SMS gateway. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "store/db.h"
#include "store/settings.h"
#include "store/setup.h"
#include "util/json_str.h"
#include "web/admin_settings.h"
#include "web/form.h"
#include "web/page.h"

static const char *const security_choices[] = {"none", "starttls", "tls", NULL};
static const char *const method_choices[] = {"GET", "POST", NULL};

/* Fields in page order; the index constants below name the ones checked by hand. */
static const struct field settings_fields[] = {
	{"office_name", F_TEXT, true, 150, NULL, "settings.office_name", 0, 0},
	{"municipality_name", F_TEXT, true, 150, NULL, "settings.municipality_name", 0, 0},
	{"detsis_unit", F_TEXT, false, 8, NULL, "settings.detsis_unit", 0, 0},
	{"smtp_host", F_TEXT, false, 253, NULL, "settings.smtp_host", 0, 0},
	{"smtp_port", F_INT, false, 0, NULL, "settings.smtp_port", 1, 65535},
	{"smtp_security", F_ENUM, true, 0, security_choices, "settings.smtp_security", 0, 0},
	{"smtp_username", F_TEXT, false, 254, NULL, "settings.smtp_username", 0, 0},
	{"smtp_password", F_TEXT, false, 256, NULL, "settings.smtp_password", 0, 0},
	{"smtp_password_clear", F_BOOL, false, 0, NULL, "settings.clear_secret", 0, 0},
	{"smtp_from_address", F_EMAIL, false, 254, NULL, "settings.smtp_from_address", 0, 0},
	{"smtp_from_name", F_TEXT, false, 150, NULL, "settings.smtp_from_name", 0, 0},
	{"sms_url", F_TEXT, false, 1000, NULL, "settings.sms_url", 0, 0},
	{"sms_method", F_ENUM, true, 0, method_choices, "settings.sms_method", 0, 0},
	{"sms_body_template", F_LONGTEXT, false, 1000, NULL, "settings.sms_body_template", 0, 0},
	{"sms_auth_header", F_TEXT, false, 100, NULL, "settings.sms_auth_header", 0, 0},
	{"sms_auth_value", F_TEXT, false, 1000, NULL, "settings.sms_auth_value", 0, 0},
	{"sms_auth_value_clear", F_BOOL, false, 0, NULL, "settings.clear_secret", 0, 0},
	{"sms_sender_id", F_TEXT, false, 11, NULL, "settings.sms_sender_id", 0, 0},
};
#define N_FIELDS (sizeof settings_fields / sizeof settings_fields[0])
enum {
	F_DETSIS = 2,
	F_SMTP_HOST = 3,
	F_SMTP_FROM_ADDRESS = 9,
	F_SMS_URL = 11,
	F_SMS_BODY = 13,
	F_SMS_AUTH_HEADER = 14,
	F_SMS_SENDER = 17,
};

/* Where each field is stored. Secrets are never shown back; an empty secret field keeps the stored value and
 * clear_field (a checkbox) empties it. */
static const struct stored_setting {
	const char *field;
	const char *key;
	const char *dflt;
	bool secret;
	const char *clear_field;
} stored[] = {
	{"office_name", SETTING_OFFICE_NAME, SETTING_OFFICE_NAME_DEFAULT, false, NULL},
	{"municipality_name", SETTING_MUNICIPALITY_NAME, SETTING_MUNICIPALITY_NAME_DEFAULT, false, NULL},
	{"detsis_unit", SETTING_DETSIS_UNIT, "", false, NULL},
	{"smtp_host", SETTING_SMTP_HOST, "", false, NULL},
	{"smtp_port", SETTING_SMTP_PORT, "", false, NULL},
	{"smtp_security", SETTING_SMTP_SECURITY, "starttls", false, NULL},
	{"smtp_username", SETTING_SMTP_USERNAME, "", false, NULL},
	{"smtp_password", SETTING_SMTP_PASSWORD, "", true, "smtp_password_clear"},
	{"smtp_from_address", SETTING_SMTP_FROM_ADDRESS, "", false, NULL},
	{"smtp_from_name", SETTING_SMTP_FROM_NAME, "", false, NULL},
	{"sms_url", SETTING_SMS_URL, "", false, NULL},
	{"sms_method", SETTING_SMS_METHOD, "POST", false, NULL},
	{"sms_body_template", SETTING_SMS_BODY_TEMPLATE, "", false, NULL},
	{"sms_auth_header", SETTING_SMS_AUTH_HEADER, "", false, NULL},
	{"sms_auth_value", SETTING_SMS_AUTH_VALUE, "", true, "sms_auth_value_clear"},
	{"sms_sender_id", SETTING_SMS_SENDER_ID, "", false, NULL},
};
#define N_STORED (sizeof stored / sizeof stored[0])

#define VALUE_MAX 4100 /* 1000 code points of up to 4 bytes */

/* The stored value of a setting, or its default; -1 on a database error. */
static int current(struct db *db, const struct stored_setting *s, char *out, size_t outsz)
{
	int rc = setting_get(db, s->key, out, outsz);
	if (rc == 0)
		snprintf(out, outsz, "%s", s->dflt);
	return rc < 0 ? -1 : 0;
}

/* Form values from the database; secrets only as "stored or not". */
static int load(struct db *db, json_t *values, json_t *secrets)
{
	char v[VALUE_MAX];
	for (size_t i = 0; i < N_STORED; i++) {
		if (current(db, &stored[i], v, sizeof v) != 0)
			return -1;
		if (stored[i].secret)
			json_object_set_new(secrets, stored[i].field, json_boolean(v[0] != '\0'));
		else
			json_object_set_new(values, stored[i].field, json_string(v));
	}
	return 0;
}

static void render(struct req *r, unsigned status, json_t *values, json_t *errors, json_t *secrets)
{
	json_t *ctx = json_pack("{s:o}", "secrets", secrets);
	/* Secrets typed into a failed form are not sent back either. */
	for (size_t i = 0; i < N_STORED; i++)
		if (stored[i].secret)
			json_object_del(values, stored[i].field);
	const char *security = json_string_value(json_object_get(values, "smtp_security"));
	const char *method = json_string_value(json_object_get(values, "sms_method"));
	json_object_set_new(ctx, "security", json_pack("{s:b,s:b,s:b}", "none", security && !strcmp(security, "none"),
						       "starttls", security && !strcmp(security, "starttls"), "tls",
						       security && !strcmp(security, "tls")));
	json_object_set_new(ctx, "method", json_pack("{s:b,s:b}", "get", method && !strcmp(method, "GET"), "post",
						     method && !strcmp(method, "POST")));
	if (errors) {
		form_fail(r, "admin_settings", "settings.title", ctx, values, errors);
		return;
	}
	json_object_set_new(ctx, "values", values);
	page_render(r, status, "admin_settings", "settings.title", ctx);
}

void h_admin_settings(struct req *r)
{
	json_t *values = json_object(), *secrets = json_object();
	if (load(r->db, values, secrets) != 0) {
		json_decref(values);
		json_decref(secrets);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	render(r, 200, values, NULL, secrets);
}

static bool all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* A host name or an address: letters, digits, dots, dashes, colons (IPv6) and brackets. */
static bool host_valid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(".-:[]", *s))
			return false;
	return true;
}

static bool url_valid(const char *s)
{
	const char *rest = !strncmp(s, "https://", 8) ? s + 8 : !strncmp(s, "http://", 7) ? s + 7 : NULL;
	if (!rest || !*rest || *rest == '/')
		return false;
	for (; *s; s++)
		if (isspace((unsigned char)*s))
			return false;
	return true;
}

/* An HTTP header name (RFC 9110 token). */
static bool header_name_valid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("!#$%&'*+-.^_`|~", *s))
			return false;
	return true;
}

/* The checks the field table cannot express. */
static void check_more(struct req *r, json_t *values, json_t *errors)
{
	const char *detsis = json_str(values, "detsis_unit");
	if (*detsis && !all_digits(detsis, 8))
		form_error(r, errors, &settings_fields[F_DETSIS], "settings.error.detsis");
	const char *host = json_str(values, "smtp_host");
	if (*host && !host_valid(host))
		form_error(r, errors, &settings_fields[F_SMTP_HOST], "error.invalid");
	if (*host && !*json_str(values, "smtp_from_address"))
		form_error(r, errors, &settings_fields[F_SMTP_FROM_ADDRESS], "error.required");
	const char *url = json_str(values, "sms_url");
	if (*url && !url_valid(url))
		form_error(r, errors, &settings_fields[F_SMS_URL], "settings.error.url");
	const char *header = json_str(values, "sms_auth_header");
	if (*header && !header_name_valid(header))
		form_error(r, errors, &settings_fields[F_SMS_AUTH_HEADER], "settings.error.header");
	const char *sender = json_str(values, "sms_sender_id");
	for (const char *p = sender; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != ' ' && *p != '.' && *p != '-') {
			form_error(r, errors, &settings_fields[F_SMS_SENDER], "settings.error.sender");
			break;
		}
	/* The message must reach the gateway: {to} and {text} in the URL (GET) or the body (POST). */
	if (*url) {
		bool post = strcmp(json_str(values, "sms_method"), "POST") == 0;
		const char *where = post ? json_str(values, "sms_body_template") : url;
		if ((!strstr(where, "{to}") && !strstr(where, "{to_digits}")) || !strstr(where, "{text}"))
			form_error(r, errors, &settings_fields[post ? F_SMS_BODY : F_SMS_URL],
				   "settings.error.placeholders");
	}
}

/* The text to store for a field; NULL to leave the setting as it is. */
static const char *wanted(const struct stored_setting *s, const json_t *values, char *tmp, size_t tmpsz)
{
	json_t *v = json_object_get(values, s->field);
	if (s->secret) {
		if (*json_str(values, s->field))
			return json_str(values, s->field);
		return json_is_true(json_object_get(values, s->clear_field)) ? "" : NULL;
	}
	if (json_is_integer(v)) {
		snprintf(tmp, tmpsz, "%lld", (long long)json_integer_value(v));
		return tmp;
	}
	return json_is_null(v) ? "" : json_str(values, s->field);
}

void h_admin_settings_save(struct req *r)
{
	json_t *values = json_object(), *errors = json_object();
	form_check(r, settings_fields, N_FIELDS, values, errors);
	check_more(r, values, errors);
	if (json_object_size(errors)) {
		json_t *old = json_object(), *secrets = json_object();
		load(r->db, old, secrets);
		json_decref(old);
		render(r, 422, values, errors, secrets);
		return;
	}
	json_decref(errors);
	if (db_begin_write(r->db) != 0) {
		json_decref(values);
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < N_STORED; i++) {
		char tmp[32], old[VALUE_MAX];
		const char *v = wanted(&stored[i], values, tmp, sizeof tmp);
		if (!v)
			continue;
		rc = current(r->db, &stored[i], old, sizeof old);
		/* Only changes are written, so the audit shows what an administrator actually changed. */
		if (rc == 0 && strcmp(old, v) != 0)
			rc = setting_set(r->db, r->actor.username, stored[i].key, v, stored[i].secret);
	}
	json_decref(values);
	if (rc != 0 || db_commit(r->db) != 0) {
		db_rollback(r->db);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	page_flash(r, "flash.saved");
	resp_redirect(r, "/admin/settings");
}
