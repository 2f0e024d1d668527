/* dispatch.c: the request pipeline shared by every route. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "core/validate.h"
#include "http/auth.h"
#include "http/cookie.h"
#include "http/dispatch.h"
#include "http/json_body.h"
#include "http/metrics.h"
#include "http/multipart.h"
#include "http/router.h"
#include "http/server.h"
#include "http/urlencoded.h"
#include "store/db.h"
#include "util/log.h"
#include "util/xalloc.h"

struct req_private {
	struct req r;
	const struct route *route;
	bool method_mismatch;
	struct multipart mp;
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static enum http_method method_of(const char *m)
{
	static const struct {
		const char *name;
		enum http_method m;
	} table[] = {{"GET", HTTP_GET}, {"HEAD", HTTP_HEAD}, {"POST", HTTP_POST}, {"PUT", HTTP_PUT},
		     {"PATCH", HTTP_PATCH}, {"DELETE", HTTP_DELETE}};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(m, table[i].name) == 0)
			return table[i].m;
	return HTTP_OTHER;
}

struct query_ctx {
	struct req *r;
	bool bad;
};

/* Query values arrive decoded; a NUL inside (%00) or invalid UTF-8 makes the request a 400 rather than a value
 * silently cut short. */
static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
				     const char *value, size_t value_size)
{
	struct query_ctx *q = cls;
	if (!key)
		return MHD_YES;
	if (!value)
		value_size = 0;
	if (strlen(key) != key_size || (value && strlen(value) != value_size) || !utf8_valid(key, key_size) ||
	    (value && !utf8_valid(value, value_size)) || q->r->query.n >= 200) {
		q->bad = true;
		return MHD_NO;
	}
	params_add(&q->r->query, key, key_size, value ? value : "", value_size);
	return MHD_YES;
}

struct req *dispatch_new(struct app *app, struct MHD_Connection *conn, const char *url, const char *method)
{
	struct req_private *p = xcalloc(1, sizeof *p);
	struct req *r = &p->r;
	r->app = app;
	r->conn = conn;
	r->started_ns = now_ns();
	r->method = method_of(method);
	r->method_name = method;
	r->path = xstrdup(url);
	params_init(&r->query);
	params_init(&r->form);
	params_init(&r->resp_headers);
	buf_init(&r->body);
	buf_init(&r->resp);
	r->status = 200;
	r->resp_type = "text/html; charset=utf-8";
	r->lang = LANG_TR;
	r->is_api = strncmp(url, "/api/", 5) == 0 || strncmp(url, "/open311/", 9) == 0;
	p->route = route_find(r->path, r->method, r, &p->method_mismatch);
	r->route_name = p->route ? p->route->name : "unmatched";
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, r->address,
			  sizeof r->address);
	return r;
}

void dispatch_free(struct req *r)
{
	struct req_private *p = (struct req_private *)r;
	if (r->db)
		db_pool_put(r->app->pool, r->db);
	free(r->path);
	params_free(&r->query);
	params_free(&r->form);
	params_free(&r->resp_headers);
	buf_free(&r->body);
	buf_free(&r->resp);
	if (r->json)
		json_decref(r->json);
	multipart_free(&p->mp);
	free(p);
}

size_t dispatch_body_limit(struct req *r)
{
	struct req_private *p = (struct req_private *)r;
	if (p->route && (p->route->flags & ROUTE_UPLOAD))
		return r->app->cfg.max_upload;
	return r->app->cfg.max_body;
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int64_t req_arg_id(struct req *r, int i)
{
	if (i >= r->n_path_args)
		return 0;
	const char *s = r->path_args[i];
	int64_t v = 0;
	for (; *s && *s != '/'; s++) {
		if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

const char *req_param(struct req *r, const char *name)
{
	const char *v = params_get(&r->form, name);
	return v ? v : params_get(&r->query, name);
}

const struct multipart *req_multipart(struct req *r)
{
	return &((struct req_private *)r)->mp;
}

void resp_header(struct req *r, const char *name, const char *value)
{
	params_add(&r->resp_headers, name, strlen(name), value, strlen(value));
}

void resp_redirect(struct req *r, const char *location)
{
	r->status = r->method == HTTP_POST ? 303 : 302;
	resp_header(r, "Location", location);
	buf_reset(&r->resp);
}

void resp_json(struct req *r, unsigned status, json_t *body)
{
	r->status = status;
	r->resp_type = "application/json";
	buf_reset(&r->resp);
	char *s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (s) {
		buf_adds(&r->resp, s);
		free(s);
	}
	buf_addc(&r->resp, '\n');
}

/* Parses the body by its Content-Type into form, multipart or json. Returns 0, or -1 after setting a 400. */
static int parse_body(struct req *r)
{
	struct req_private *p = (struct req_private *)r;
	const char *ct = req_header(r, "Content-Type");
	snprintf(r->content_type, sizeof r->content_type, "%s", ct ? ct : "");
	if (r->body.len == 0)
		return 0;
	if (strncasecmp(r->content_type, "application/x-www-form-urlencoded", 33) == 0) {
		if (urlencoded_parse(r->body.data, r->body.len, &r->form) != 0) {
			resp_error(r, 400, "bad_form", "error.bad_request");
			return -1;
		}
	} else if (strncasecmp(r->content_type, "multipart/form-data", 19) == 0) {
		char boundary[80];
		if (!(p->route && (p->route->flags & ROUTE_UPLOAD)) ||
		    multipart_boundary(r->content_type, boundary, sizeof boundary) != 0 ||
		    multipart_parse((const unsigned char *)r->body.data, r->body.len, boundary, &p->mp) != 0) {
			resp_error(r, 400, "bad_form", "error.bad_request");
			return -1;
		}
		for (size_t i = 0; i < p->mp.n; i++)
			if (!p->mp.parts[i].filename)
				params_add(&r->form, p->mp.parts[i].name, strlen(p->mp.parts[i].name),
					   (const char *)p->mp.parts[i].data, p->mp.parts[i].len);
	} else if (strncasecmp(r->content_type, "application/json", 16) == 0 &&
		   (r->content_type[16] == '\0' || r->content_type[16] == ';' || r->content_type[16] == ' ')) {
		char err[160];
		r->json = json_body_parse(r->body.data, r->body.len, err, sizeof err);
		if (!r->json) {
			json_t *e = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "bad_json", "message",
					      i18n_get(r->lang, "error.bad_json"), "detail", err);
			resp_json(r, 400, e);
			return -1;
		}
	} else {
		resp_error(r, 415, "unsupported_media_type", "error.unsupported_media_type");
		return -1;
	}
	return 0;
}

static void choose_language(struct req *r)
{
	const char *q = params_get(&r->query, "lang");
	char c[8];
	if (q && (strcmp(q, "en") == 0 || strcmp(q, "tr") == 0)) {
		r->lang = lang_from_code(q);
		char cookie[96];
		snprintf(cookie, sizeof cookie, "kalem_lang=%s; Path=/; Max-Age=31536000; SameSite=Lax", q);
		resp_header(r, "Set-Cookie", cookie);
		return;
	}
	const char *h = req_header(r, "Cookie");
	if (h && cookie_get(h, "kalem_lang", c, sizeof c) == 0) {
		r->lang = lang_from_code(c);
		return;
	}
	const char *al = req_header(r, "Accept-Language");
	if (al && strncasecmp(al, "en", 2) == 0)
		r->lang = LANG_EN;
}

static bool csrf_ok(struct req *r)
{
	const char *t = params_get(&r->form, "_csrf");
	if (!t)
		t = req_header(r, "X-CSRF-Token");
	return t && auth_csrf_valid(r, t);
}

/* Browsers send Origin on cross-site POSTs: refuse a state-changing request whose Origin names another host.
 * This also covers the sign-in form, which has no session to bind a CSRF token to. */
static bool origin_ok(struct req *r)
{
	const char *origin = req_header(r, "Origin");
	const char *host = req_header(r, "Host");
	if (!origin || !host || strcmp(origin, "null") == 0)
		return origin == NULL || host == NULL;
	const char *p = strstr(origin, "://");
	return p && strcmp(p + 3, host) == 0;
}

/* What an API key's scope lets it do: "read" reads, "write" and "admin" read and write, "open311" only speaks
 * the Open311 interface. */
static bool scope_allows(struct req *r)
{
	const char *scope = r->actor.scope;
	bool open311 = strncmp(r->path, "/open311/", 9) == 0;
	if (strcmp(scope, "open311") == 0)
		return open311;
	if (strcmp(scope, "admin") == 0 || strcmp(scope, "write") == 0)
		return true;
	if (strcmp(scope, "read") == 0)
		return r->method == HTTP_GET || r->method == HTTP_HEAD;
	return false;
}

static void login_redirect(struct req *r)
{
	struct buf loc = BUF_INIT;
	buf_adds(&loc, "/login?next=");
	buf_add_urlenc(&loc, r->path);
	resp_redirect(r, loc.data);
	buf_free(&loc);
}

void dispatch_handle(struct req *r)
{
	struct req_private *p = (struct req_private *)r;
	const struct route *route = p->route;
	struct query_ctx q = {r, false};
	MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, collect_query, &q);
	choose_language(r);
	if (q.bad) {
		resp_error(r, 400, "bad_query", "error.bad_request");
		goto out;
	}
	if (!route) {
		if (p->method_mismatch)
			resp_error(r, 405, "method_not_allowed", "error.method_not_allowed");
		else
			resp_error(r, 404, "not_found", "error.not_found");
		goto out;
	}
	if (r->body_too_large) {
		resp_error(r, 413, "too_large", "error.too_large");
		goto out;
	}
	if (r->method != HTTP_GET && r->method != HTTP_HEAD && !origin_ok(r)) {
		resp_error(r, 403, "cross_origin", "error.csrf");
		goto out;
	}
	if (parse_body(r) != 0)
		goto out;
	if (!(route->flags & ROUTE_NO_DB)) {
		r->db = db_pool_get(r->app->pool);
	}
	if (r->db && !(route->flags & ROUTE_NO_SESSION)) {
		if (auth_authenticate(r) != 0) {
			resp_error(r, 503, "unavailable", "error.unavailable");
			goto out;
		}
	}
	if (!(route->roles & ROLE_PUBLIC)) {
		if (!r->authenticated) {
			if (r->is_api || r->method != HTTP_GET)
				resp_error(r, 401, "unauthenticated", "error.unauthenticated");
			else
				login_redirect(r);
			goto out;
		}
		if (!(route->roles & r->actor.role) ||
		    (r->actor.role == ROLE_INTEGRATION && !scope_allows(r))) {
			resp_error(r, 403, "forbidden", "error.forbidden");
			goto out;
		}
	}
	if (r->method != HTTP_GET && r->method != HTTP_HEAD && r->authenticated && r->actor.session_hash[0] &&
	    !(route->flags & ROUTE_NO_CSRF) && !csrf_ok(r)) {
		resp_error(r, 403, "csrf", "error.csrf");
		goto out;
	}
	{
		int64_t db0 = r->db ? db_time_ns(r->db) : 0;
		route->handler(r);
		if (r->db)
			r->db_ns = db_time_ns(r->db) - db0;
	}
out:
	if (r->db) {
		db_pool_put(r->app->pool, r->db);
		r->db = NULL;
	}
	if (r->method == HTTP_HEAD)
		buf_reset(&r->resp);
	int64_t elapsed = now_ns() - r->started_ns;
	metrics_record(r->app->metrics, route ? route_index(route) : routes_count, r->status, elapsed, r->db_ns);
	if (r->app->cfg.access_log)
		log_info("access method=%s route=%s status=%u us=%lld actor=%s", r->method_name, r->route_name,
			 r->status, (long long)(elapsed / 1000), r->authenticated ? r->actor.username : "-");
}

void dispatch_add_headers(struct req *r, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Type", r->resp_type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
				"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	if (r->app->cfg.secure_cookies)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	bool has_cache = false;
	for (size_t i = 0; i < r->resp_headers.n; i++) {
		if (strcasecmp(r->resp_headers.items[i].name, "Cache-Control") == 0)
			has_cache = true;
		MHD_add_response_header(resp, r->resp_headers.items[i].name, r->resp_headers.items[i].value);
	}
	if (!has_cache)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
}
