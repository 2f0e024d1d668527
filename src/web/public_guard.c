/* public_guard.c: form token cookie, honeypot and per-address throttling of the citizens' public forms. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "http/cookie.h"
#include "store/public_forms.h"
#include "web/page.h"
#include "web/public_guard.h"

int public_token_get(struct req *r, const struct public_guard *g, char token[PUBLIC_TOKEN_HEX + 1] /* OUT */)
{
	if (cookie_get(req_header(r, "Cookie"), g->cookie, token, PUBLIC_TOKEN_HEX + 1) != 0 ||
	    strlen(token) != PUBLIC_TOKEN_HEX)
		return -1;
	for (const char *p = token; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return -1;
	return 0;
}

void public_token_issue(struct req *r, const struct public_guard *g, char token[PUBLIC_TOKEN_HEX + 1] /* OUT */)
{
	if (public_token_get(r, g, token) != 0) {
		unsigned char raw[PUBLIC_TOKEN_BYTES];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(token, PUBLIC_TOKEN_HEX + 1, raw, sizeof raw);
	}
	char c[200];
	snprintf(c, sizeof c, "%s=%s; Path=%s; HttpOnly; SameSite=Strict; Max-Age=86400%s", g->cookie, token, g->path,
		 r->tls ? "; Secure" : "");
	resp_header(r, "Set-Cookie", c);
}

bool public_token_ok(struct req *r, const struct public_guard *g, char token[PUBLIC_TOKEN_HEX + 1] /* OUT */)
{
	const char *sent = params_get(&r->form, "_form");
	return public_token_get(r, g, token) == 0 && sent && strlen(sent) == PUBLIC_TOKEN_HEX &&
	       sodium_memcmp(sent, token, PUBLIC_TOKEN_HEX) == 0;
}

void public_token_again(struct req *r, const struct public_guard *g, const struct field *fields, size_t n,
			public_form_ctx_fn *make_ctx, const char *tmpl, const char *title_key)
{
	char token[PUBLIC_TOKEN_HEX + 1];
	public_token_issue(r, g, token);
	json_t *values = json_object();
	for (size_t i = 0; i < n; i++) {
		const char *v = params_get(&r->form, fields[i].name);
		if (v && fields[i].type != F_BOOL)
			json_object_set_new(values, fields[i].name, json_string(v));
	}
	json_t *ctx = make_ctx(r, token, values);
	json_object_set_new(ctx, "values", values);
	json_object_set_new(ctx, "token_error", json_true());
	page_render(r, 400, tmpl, title_key, ctx);
}

/* 0 when the address may submit, 1 when over a limit, -1 on a database error. */
static int throttled(struct req *r, const struct public_guard *g, int64_t now)
{
	int hour = public_form_count(r->db, g->form, r->address, now - 3600);
	int day = public_form_count(r->db, g->form, r->address, now - 86400);
	if (hour < 0 || day < 0)
		return -1;
	return hour >= g->limit_hour || day >= g->limit_day;
}

bool public_guard_admit(struct req *r, const struct public_guard *g, int64_t now)
{
	const char *hp = params_get(&r->form, "website");
	if (hp && *hp) {
		resp_error(r, 400, "bad_request", "error.bad_request");
		return false;
	}
	int t = throttled(r, g, now);
	if (t != 0) {
		if (t > 0)
			resp_header(r, "Retry-After", "3600");
		resp_error(r, t > 0 ? 429 : 500, t > 0 ? "rate_limited" : "internal",
			   t > 0 ? "error.rate_limited" : "error.internal");
		return false;
	}
	return true;
}

int public_guard_record(struct req *r, const struct public_guard *g, int64_t now)
{
	if (db_begin_write(r->db) != 0)
		return -1;
	if (public_form_record(r->db, g->form, r->address, now) != 0) {
		db_rollback(r->db);
		return -1;
	}
	return db_commit(r->db) == 0 ? 0 : -1;
}
