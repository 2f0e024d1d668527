/* public_guard.h: the abuse guard shared by the citizens' forms without an account (/randevu-talebi, /basvuru): a
 * form token cookie that the hidden field _form must repeat, a honeypot field "website" and per-address
 * throttling of accepted submissions in the database (store/public_forms.h). */
#ifndef KALEM_WEB_PUBLIC_GUARD_H
#define KALEM_WEB_PUBLIC_GUARD_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "http/req.h"
#include "web/form.h"

#define PUBLIC_TOKEN_BYTES 32
#define PUBLIC_TOKEN_HEX (PUBLIC_TOKEN_BYTES * 2)

/* One public form's guard: constant, shared by every request. */
struct public_guard {
	const char *cookie;       /* the form token cookie's name */
	const char *path;         /* its Path: the form's address */
	const char *form;         /* the form's name in store/public_forms.h */
	int limit_hour, limit_day; /* accepted submissions per address in the last hour / day before 429 */
};

/* The form token of g's cookie into token (OUT); 0 when present and well formed (64 lowercase hex digits), else
 * -1. */
int public_token_get(struct req *r, const struct public_guard *g, char token[PUBLIC_TOKEN_HEX + 1] /* OUT */);
/* The cookie's form token, or a fresh random one, into token (OUT); (re)sets the cookie (HttpOnly,
 * SameSite=Strict, a day, Secure over TLS). */
void public_token_issue(struct req *r, const struct public_guard *g, char token[PUBLIC_TOKEN_HEX + 1] /* OUT */);
/* True when the hidden _form field equals the cookie's token (compared in constant time); the cookie's token
 * into token (OUT) when well formed. */
bool public_token_ok(struct req *r, const struct public_guard *g, char token[PUBLIC_TOKEN_HEX + 1] /* OUT */);

/* Builds a public form's page context (the token, the option lists with values' choices marked). */
typedef json_t *public_form_ctx_fn(struct req *r, const char *token, const json_t *values);
/* Shows the form again with status 400 after a token problem (missing, or not the cookie's): a valid token (the
 * cookie set again), the context of make_ctx with "values" what was typed into the declared fields, unchecked
 * (text as sent, checkboxes left out), and "token_error": true; rendered as tmpl titled title_key. */
void public_token_again(struct req *r, const struct public_guard *g, const struct field *fields, size_t n,
			public_form_ctx_fn *make_ctx, const char *tmpl, const char *title_key);

/* The checks of a submission whose token was accepted: 400 (an error page) when the honeypot is filled, 429 with
 * Retry-After: 3600 past g's limits, 500 on a database error. Returns true when the submission may go on, else
 * false with the response made. */
bool public_guard_admit(struct req *r, const struct public_guard *g, int64_t now);
/* Counts one accepted submission from r's address for g's throttle, in a write transaction of its own. 0 or -1. */
int public_guard_record(struct req *r, const struct public_guard *g, int64_t now);

#endif
