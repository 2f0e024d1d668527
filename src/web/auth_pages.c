/* auth_pages.c: sign-in and sign-out (pages and JSON API), own password change, and /api/v1/me. */
#include <string.h>
#include "core/password.h"
#include "http/auth.h"
#include "store/accounts.h"
#include "store/db.h"
#include "util/i18n.h"
#include "web/form.h"
#include "web/handlers.h"
#include "web/page.h"

/* Only local paths are followed after sign-in (no open redirect). */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strchr(next, '\r') || strchr(next, '\n'))
		return "/";
	return next;
}

void h_login_form(struct req *r)
{
	if (r->authenticated && r->actor.session_hash[0]) {
		resp_redirect(r, "/");
		return;
	}
	const char *next = params_get(&r->query, "next");
	page_render(r, 200, "login", "login.title", json_pack("{s:s}", "next", safe_next(next)));
}

void h_login(struct req *r)
{
	const char *username = params_get(&r->form, "username");
	const char *password = params_get(&r->form, "password");
	const char *next = safe_next(params_get(&r->form, "next"));
	const char *err = NULL;
	unsigned status = 200;
	if (!username || !*username || !password || !*password) {
		err = "login.error.missing";
		status = 422;
	} else {
		switch (auth_login(r, username, password)) {
		case LOGIN_OK:
			resp_redirect(r, next);
			return;
		case LOGIN_THROTTLED:
			err = "login.error.throttled";
			status = 429;
			break;
		case LOGIN_BAD_CREDENTIALS:
			err = "login.error.bad";
			status = 401;
			break;
		case LOGIN_ERROR:
			resp_error(r, 500, "internal", "error.internal");
			return;
		}
	}
	page_render(r, status, "login", "login.title",
		    json_pack("{s:s,s:s,s:s}", "next", next, "username", username ? username : "", "error",
			      i18n_get(r->lang, err)));
}

void h_logout(struct req *r)
{
	auth_logout(r);
	resp_redirect(r, "/login");
}

void h_password_form(struct req *r)
{
	page_render(r, 200, "password", "password.title", NULL);
}

static const struct field password_fields[] = {
	{"current_password", F_TEXT, true, 256, NULL, "field.current_password", 0, 0},
	{"new_password", F_TEXT, true, 256, NULL, "field.new_password", 0, 0},
	{"confirm_password", F_TEXT, true, 256, NULL, "field.confirm_password", 0, 0},
};

void h_password(struct req *r)
{
	json_t *values = json_object(), *errors = json_object();
	form_check(r, password_fields, 3, values, errors);
	struct user_row u;
	if (user_by_id(r->db, r->actor.user_id, &u) != 1) {
		json_decref(values);
		json_decref(errors);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	const char *cur = form_raw(r, "current_password"), *np = form_raw(r, "new_password"),
		   *cp = form_raw(r, "confirm_password");
	if (cur && *cur && !password_verify(u.password_hash, cur))
		form_error(r, errors, &password_fields[0], "error.password.wrong");
	const char *policy = np && *np ? password_policy_error(np, u.username) : NULL;
	if (policy)
		form_error(r, errors, &password_fields[1], policy);
	if (np && cp && *cp && strcmp(np, cp) != 0)
		form_error(r, errors, &password_fields[2], "error.password.mismatch");
	/* Never echo passwords back into the form. */
	json_object_clear(values);
	if (json_object_size(errors)) {
		form_fail(r, "password", "password.title", NULL, values, errors);
		return;
	}
	json_decref(values);
	json_decref(errors);
	char hash[PASSWORD_HASH_BYTES];
	if (password_hash(np, hash) != 0 || db_begin_write(r->db) != 0) {
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	if (user_set_password(r->db, r->actor.username, u.id, hash) != 0 || db_commit(r->db) != 0) {
		db_rollback(r->db);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	/* Changing the password ended every session, this one too: sign in again. */
	page_flash(r, "password.changed");
	resp_redirect(r, "/login");
}

static json_t *me_json(struct req *r)
{
	json_t *me = json_pack("{s:s,s:s,s:s}", "username", r->actor.username, "display_name", r->actor.display_name,
			       "role", role_name(r->actor.role));
	if (r->actor.directorate_id)
		json_object_set_new(me, "directorate_id", json_integer(r->actor.directorate_id));
	if (r->actor.scope[0])
		json_object_set_new(me, "scope", json_string(r->actor.scope));
	return me;
}

void h_api_session_create(struct req *r)
{
	const char *username = r->json ? json_string_value(json_object_get(r->json, "username")) : NULL;
	const char *password = r->json ? json_string_value(json_object_get(r->json, "password")) : NULL;
	if (!username || !*username) {
		resp_json(r, 422, json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "invalid", "field", "username",
					    "message", i18n_get(r->lang, "login.error.missing")));
		return;
	}
	if (!password || !*password) {
		resp_json(r, 422, json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "invalid", "field", "password",
					    "message", i18n_get(r->lang, "login.error.missing")));
		return;
	}
	switch (auth_login(r, username, password)) {
	case LOGIN_OK: {
		json_t *body = json_pack("{s:o,s:s}", "user", me_json(r), "csrf_token", r->actor.csrf);
		resp_json(r, 201, body);
		return;
	}
	case LOGIN_THROTTLED:
		resp_error(r, 429, "throttled", "login.error.throttled");
		return;
	case LOGIN_BAD_CREDENTIALS:
		resp_error(r, 401, "bad_credentials", "login.error.bad");
		return;
	case LOGIN_ERROR:
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
}

void h_api_session_delete(struct req *r)
{
	auth_logout(r);
	r->status = 204;
	r->resp_type = "application/json";
}

void h_api_me(struct req *r)
{
	json_t *body = me_json(r);
	if (r->actor.session_hash[0])
		json_object_set_new(body, "csrf_token", json_string(r->actor.csrf));
	resp_json(r, 200, body);
}
