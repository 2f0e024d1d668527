/* form.c: declared-field validation shared by HTML forms and the JSON API. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/phone.h"
#include "core/tckn.h"
#include "core/validate.h"
#include "util/i18n.h"
#include "util/xalloc.h"
#include "web/form.h"
#include "web/page.h"

const char *form_raw(struct req *r, const char *name)
{
	if (r->json) {
		json_t *v = json_object_get(r->json, name);
		if (!v || json_is_null(v))
			return NULL;
		if (json_is_string(v))
			return json_string_value(v);
		/* Numbers and booleans in JSON are accepted as their text; kept alive in a per-request object. */
		static const char key[] = "\x01converted";
		json_t *conv = json_object_get(r->json, key);
		if (!conv) {
			conv = json_object();
			json_object_set_new(r->json, key, conv);
		}
		char tmp[64];
		if (json_is_integer(v))
			snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v));
		else if (json_is_real(v))
			snprintf(tmp, sizeof tmp, "%.6f", json_real_value(v));
		else if (json_is_true(v))
			snprintf(tmp, sizeof tmp, "1");
		else if (json_is_false(v))
			snprintf(tmp, sizeof tmp, "0");
		else
			return "\x01invalid";
		json_object_set_new(conv, name, json_string(tmp));
		return json_string_value(json_object_get(conv, name));
	}
	return params_get(&r->form, name);
}

void form_error(struct req *r, json_t *errors, const struct field *f, const char *key)
{
	if (json_object_get(errors, f->name))
		return;
	struct buf msg = BUF_INIT;
	json_t *args = json_pack("{s:s}", "field", i18n_get(r->lang, f->label_key));
	i18n_format(&msg, r->lang, key, args);
	json_decref(args);
	json_object_set_new(errors, f->name, json_string(msg.data));
	buf_free(&msg);
}

/* Trims ASCII whitespace into a fresh string. */
static char *trimmed(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static bool has_control(const char *s, bool allow_newlines)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(allow_newlines && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f)
			return true;
	return false;
}

static bool parse_int(const char *s, int64_t *out)
{
	if (!*s)
		return false;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end)
		return false;
	*out = v;
	return true;
}

/* "37.8746" -> 37874600; up to 6 decimals. */
static bool parse_decimal6(const char *s, int64_t *out)
{
	bool neg = *s == '-';
	if (neg || *s == '+')
		s++;
	int64_t whole = 0, frac = 0;
	int digits = 0, fd = 0;
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		whole = whole * 10 + (*s - '0');
	if (*s == '.' || *s == ',') {
		for (s++; *s >= '0' && *s <= '9'; s++)
			if (fd < 6) {
				frac = frac * 10 + (*s - '0');
				fd++;
			}
	}
	if (*s || !digits || whole > 1000)
		return false;
	while (fd++ < 6)
		frac *= 10;
	*out = (whole * 1000000 + frac) * (neg ? -1 : 1);
	return true;
}

static void check_one(struct req *r, const struct field *f, json_t *values, json_t *errors)
{
	const char *raw = form_raw(r, f->name);
	if (f->type == F_BOOL) {
		bool on = raw && *raw && strcmp(raw, "0") != 0 && strcmp(raw, "false") != 0;
		json_object_set_new(values, f->name, json_boolean(on));
		return;
	}
	/* In JSON, text fields take strings only: {"name": true} is an error, not the name "1". */
	json_t *jv = r->json ? json_object_get(r->json, f->name) : NULL;
	bool numeric = f->type == F_INT || f->type == F_ID || f->type == F_DECIMAL6;
	if (jv && !json_is_null(jv) && !json_is_string(jv) && !(numeric && json_is_number(jv))) {
		form_error(r, errors, f, "error.invalid");
		json_object_set_new(values, f->name, json_string(""));
		return;
	}
	char *v = trimmed(raw ? raw : "");
	size_t max = f->max_len ? f->max_len : 200;
	if (!*v) {
		if (f->required)
			form_error(r, errors, f, "error.required");
		if (f->type == F_INT || f->type == F_ID || f->type == F_DATE || f->type == F_TIME ||
		    f->type == F_DECIMAL6)
			json_object_set_new(values, f->name, json_null());
		else
			json_object_set_new(values, f->name, json_string(""));
		goto out;
	}
	/* Keep what was typed, so a failed form shows it again. */
	json_object_set_new(values, f->name, json_string(v));
	if (!utf8_valid(v, strlen(v)) || has_control(v, f->type == F_LONGTEXT)) {
		form_error(r, errors, f, "error.invalid");
		goto out;
	}
	int64_t n;
	switch (f->type) {
	case F_TEXT:
	case F_LONGTEXT:
		if (utf8_length(v) > max)
			form_error(r, errors, f, "error.too_long");
		break;
	case F_INT:
		if (!parse_int(v, &n) || n < f->min || n > f->max)
			form_error(r, errors, f, "error.invalid");
		else
			json_object_set_new(values, f->name, json_integer(n));
		break;
	case F_ID:
		if (!parse_int(v, &n) || n < 0)
			form_error(r, errors, f, "error.invalid");
		else
			json_object_set_new(values, f->name, n ? json_integer(n) : json_null());
		break;
	case F_EMAIL:
		if (!email_valid(v))
			form_error(r, errors, f, "error.email");
		else
			json_object_set_new(values, f->name, json_string(v));
		break;
	case F_PHONE: {
		char e164[PHONE_E164_SIZE];
		if (phone_normalize(v, e164) != 0)
			form_error(r, errors, f, "error.phone");
		else
			json_object_set_new(values, f->name, json_string(e164));
		break;
	}
	case F_TCKN:
		if (!tckn_valid(v))
			form_error(r, errors, f, "error.tckn");
		break;
	case F_DATE: {
		int y, m, d;
		if (!date_valid(v, &y, &m, &d))
			form_error(r, errors, f, "error.date");
		break;
	}
	case F_TIME: {
		int h, mi;
		if (!time_valid(v, &h, &mi))
			form_error(r, errors, f, "error.time");
		break;
	}
	case F_ENUM: {
		bool ok = false;
		for (const char *const *c = f->choices; c && *c; c++)
			if (strcmp(*c, v) == 0)
				ok = true;
		if (!ok)
			form_error(r, errors, f, "error.choice");
		break;
	}
	case F_DECIMAL6:
		if (!parse_decimal6(v, &n))
			form_error(r, errors, f, "error.invalid");
		else
			json_object_set_new(values, f->name, json_integer(n));
		break;
	case F_BOOL:
		break;
	}
out:
	free(v);
}

int form_check(struct req *r, const struct field *fields, size_t n, json_t *values, json_t *errors)
{
	for (size_t i = 0; i < n; i++)
		check_one(r, &fields[i], values, errors);
	return (int)json_object_size(errors);
}

void form_fail(struct req *r, const char *tmpl, const char *title_key, json_t *ctx, json_t *values, json_t *errors)
{
	if (r->is_api) {
		json_decref(ctx);
		json_decref(values);
		const char *first_field = NULL;
		json_t *v;
		const char *k;
		json_object_foreach(errors, k, v)
		{
			first_field = k;
			break;
		}
		json_t *body = json_pack("{s:{s:s,s:s,s:s?,s:o}}", "error", "code", "invalid", "message",
					 first_field ? json_string_value(json_object_get(errors, first_field)) : "",
					 "field", first_field, "fields", errors);
		resp_json(r, 422, body);
		return;
	}
	if (!ctx)
		ctx = json_object();
	json_t *summary = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(errors, k, v)
	{
		json_array_append_new(summary, json_pack("{s:s,s:O}", "field", k, "message", v));
	}
	json_object_set_new(ctx, "values", values);
	json_object_set_new(ctx, "errors", errors);
	json_object_set_new(ctx, "error_summary", summary);
	page_render(r, 422, tmpl, title_key, ctx);
}
