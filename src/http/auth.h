/* auth.h: who is asking: session cookies, API keys, login with throttling, logout, CSRF tokens. */
#ifndef KALEM_HTTP_AUTH_H
#define KALEM_HTTP_AUTH_H
#include <stdbool.h>
#include "http/req.h"

#define SESSION_COOKIE "kalem_session"
/* Failures allowed per account and per address within AUTH_THROTTLE_WINDOW seconds. */
#define AUTH_MAX_FAILURES_USER 5
#define AUTH_MAX_FAILURES_ADDR 20
#define AUTH_THROTTLE_WINDOW 900

enum login_result { LOGIN_OK, LOGIN_BAD_CREDENTIALS, LOGIN_THROTTLED, LOGIN_ERROR };

/* Fills r->actor from a Bearer API key or the session cookie. 0 (authenticated or anonymous) or -1 on a
 * database error. */
int auth_authenticate(struct req *r);
/* Checks a presented CSRF token against the request's session. */
bool auth_csrf_valid(struct req *r, const char *token);
/* Verifies the password (argon2id), applies throttling, creates the session and sets its cookie. */
enum login_result auth_login(struct req *r, const char *username, const char *password);
/* Ends the current session server-side and clears the cookie. */
void auth_logout(struct req *r);

#endif
