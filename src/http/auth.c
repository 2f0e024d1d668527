/* auth.c: sessions and API keys; login throttled per account and per address. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/password.h"
#include "core/token.h"
#include "http/auth.h"
#include "http/cookie.h"
#include "http/server.h"
#include "store/accounts.h"
#include "store/db.h"
#include "util/log.h"

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[PASSWORD_HASH_BYTES];

static void make_dummy_hash(void)
{
	char pw[TOKEN_CHARS + 1];
	token_new(pw);
	if (password_hash(pw, dummy_hash) != 0)
		dummy_hash[0] = '\0';
}

static void set_csrf(struct req *r)
{
	csrf_token(r->app->csrf_key, r->actor.session_hash, r->actor.csrf);
}

int auth_authenticate(struct req *r)
{
	int64_t now = (int64_t)time(NULL);
	const char *authz = req_header(r, "Authorization");
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		char hash[65];
		token_hash_hex(authz + 7, hash);
		int rc = apikey_lookup(r->db, hash, &r->actor);
		if (rc < 0)
			return -1;
		r->authenticated = rc == 1;
		return 0;
	}
	/* Open311 clients send their key as the api_key form field of a POST (GeoReport v2); only there. */
	const char *form_key = params_get(&r->form, "api_key");
	if (form_key && r->method == HTTP_POST && strncmp(r->path, "/open311/", 9) == 0) {
		char hash[65];
		token_hash_hex(form_key, hash);
		int rc = apikey_lookup(r->db, hash, &r->actor);
		if (rc < 0)
			return -1;
		r->authenticated = rc == 1;
		return 0;
	}
	const char *cookies = req_header(r, "Cookie");
	char token[128];
	if (!cookies || cookie_get(cookies, SESSION_COOKIE, token, sizeof token) != 0)
		return 0;
	char hash[65];
	token_hash_hex(token, hash);
	int64_t last_seen = 0;
	int rc = session_lookup(r->db, hash, now, r->app->cfg.session_idle_s, &r->actor, &last_seen);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return 0;
	r->authenticated = true;
	set_csrf(r);
	/* Touch at most once a minute: no write on most requests. */
	if (now - last_seen >= 60 && db_begin_write(r->db) == 0) {
		if (session_touch(r->db, hash, now) == 0)
			db_commit(r->db);
		else
			db_rollback(r->db);
	}
	return 0;
}

bool auth_csrf_valid(struct req *r, const char *token)
{
	return r->actor.session_hash[0] && csrf_check(r->app->csrf_key, r->actor.session_hash, token);
}

static void set_cookie(struct req *r, const char *value, int max_age)
{
	char c[256];
	snprintf(c, sizeof c, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s", SESSION_COOKIE, value, max_age,
		 r->app->cfg.secure_cookies ? "; Secure" : "");
	resp_header(r, "Set-Cookie", c);
}

enum login_result auth_login(struct req *r, const char *username, const char *password)
{
	int64_t now = (int64_t)time(NULL);
	char user_subject[96], addr_subject[96];
	snprintf(user_subject, sizeof user_subject, "user:%s", username);
	snprintf(addr_subject, sizeof addr_subject, "addr:%s", r->address);
	int fu = login_failure_count(r->db, user_subject, now - AUTH_THROTTLE_WINDOW);
	int fa = login_failure_count(r->db, addr_subject, now - AUTH_THROTTLE_WINDOW);
	if (fu < 0 || fa < 0)
		return LOGIN_ERROR;
	if (fu >= AUTH_MAX_FAILURES_USER || fa >= AUTH_MAX_FAILURES_ADDR)
		return LOGIN_THROTTLED;

	struct user_row u;
	int found = user_by_name(r->db, username, &u);
	if (found < 0)
		return LOGIN_ERROR;
	/* Verify against a dummy hash when the user is unknown, so timing does not reveal which names exist. */
	pthread_once(&dummy_once, make_dummy_hash);
	bool ok = password_verify(found == 1 ? u.password_hash : dummy_hash, password) && found == 1 && u.active;
	if (db_begin_write(r->db) != 0)
		return LOGIN_ERROR;
	if (!ok) {
		int rc = login_failure_add(r->db, user_subject, now) | login_failure_add(r->db, addr_subject, now);
		if (rc != 0 || db_commit(r->db) != 0) {
			db_rollback(r->db);
			return LOGIN_ERROR;
		}
		log_info("login failed for a user name from %s", r->address);
		return LOGIN_BAD_CREDENTIALS;
	}
	char token[TOKEN_CHARS + 1], hash[65];
	token_new(token);
	token_hash_hex(token, hash);
	int64_t expires = now + r->app->cfg.session_absolute_s;
	if (login_failure_clear(r->db, user_subject) != 0 ||
	    session_insert(r->db, u.id, hash, now, expires, r->address) != 0 || db_commit(r->db) != 0) {
		db_rollback(r->db);
		return LOGIN_ERROR;
	}
	set_cookie(r, token, r->app->cfg.session_absolute_s);
	r->authenticated = true;
	r->actor.user_id = u.id;
	snprintf(r->actor.username, sizeof r->actor.username, "%s", u.username);
	snprintf(r->actor.display_name, sizeof r->actor.display_name, "%s", u.display_name);
	r->actor.role = role_from_name(u.role);
	r->actor.directorate_id = u.directorate_id;
	snprintf(r->actor.session_hash, sizeof r->actor.session_hash, "%s", hash);
	set_csrf(r);
	return LOGIN_OK;
}

void auth_logout(struct req *r)
{
	if (r->actor.session_hash[0] && db_begin_write(r->db) == 0) {
		if (session_delete(r->db, r->actor.session_hash) == 0)
			db_commit(r->db);
		else
			db_rollback(r->db);
	}
	set_cookie(r, "", 0);
	r->authenticated = false;
}
