/* page.c: the common frame of every HTML page and the error responses. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "api/open311.h"
#include "http/cookie.h"
#include "util/i18n.h"
#include "web/page.h"
#include "web/template.h"

struct nav_item {
	const char *href;
	const char *label_key;
	unsigned roles;
};

static const struct nav_item nav_items[] = {
	{"/", "nav.home", ROLES_STAFF},
	{"/agenda", "nav.agenda", ROLES_OFFICE | ROLE_MAYOR | ROLE_VIEWER},
	{"/appointments", "nav.appointments", ROLES_OFFICE | ROLE_MAYOR | ROLE_VIEWER},
	{"/walk-ins", "nav.walkins", ROLES_OFFICE | ROLE_MAYOR | ROLE_VIEWER},
	{"/applications", "nav.applications", ROLES_STAFF},
	{"/appointments/queue", "nav.appt_queue", ROLE_MAYOR},
	{"/parties", "nav.parties", ROLES_OFFICE | ROLE_MAYOR | ROLE_VIEWER},
	{"/directorates", "nav.directorates", ROLES_STAFF},
	{"/neighbourhoods", "nav.neighbourhoods", ROLES_STAFF},
	{"/holidays", "nav.holidays", ROLES_STAFF},
	{"/admin/categories", "nav.categories", ROLES_OFFICE},
	{"/admin/users", "nav.users", ROLE_ADMIN},
	{"/admin/settings", "nav.settings", ROLE_ADMIN},
	{"/admin/notifications", "nav.notifications", ROLES_OFFICE},
	{"/admin/import", "nav.import", ROLE_ADMIN | ROLE_CHIEF},
	{"/admin/audit", "nav.audit", ROLE_ADMIN | ROLE_CHIEF},
};

/* Length of href when path is it or lies under it ("/agenda" covers "/agenda/week"), else 0. */
static size_t nav_match(const char *path, const char *href)
{
	size_t n = strlen(href);
	if (strcmp(path, href) == 0)
		return n;
	if (n > 1 && strncmp(path, href, n) == 0 && (path[n] == '/' || path[n] == '.' || path[n] == '?'))
		return n;
	return 0;
}

/* The nav items of the actor's role; the one that covers the path most closely is the current one, so
 * /appointments/queue marks "queue" and not "appointments" too. */
static json_t *nav_for(struct req *r)
{
	size_t n_items = sizeof nav_items / sizeof nav_items[0], best = n_items, best_len = 0;
	for (size_t i = 0; i < n_items; i++) {
		size_t len = (nav_items[i].roles & r->actor.role) ? nav_match(r->path, nav_items[i].href) : 0;
		if (len > best_len) {
			best = i;
			best_len = len;
		}
	}
	json_t *nav = json_array();
	for (size_t i = 0; i < n_items; i++) {
		if (!(nav_items[i].roles & r->actor.role))
			continue;
		json_array_append_new(nav, json_pack("{s:s,s:s,s:b}", "href", nav_items[i].href, "label",
						     i18n_get(r->lang, nav_items[i].label_key), "current", i == best));
	}
	return nav;
}

void page_flash(struct req *r, const char *message_key)
{
	char c[160];
	snprintf(c, sizeof c, "kalem_flash=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=60", message_key);
	resp_header(r, "Set-Cookie", c);
}

static void add_flash(struct req *r, json_t *ctx)
{
	const char *cookies = req_header(r, "Cookie");
	char key[96];
	if (!cookies || cookie_get(cookies, "kalem_flash", key, sizeof key) != 0 || !key[0])
		return;
	if (i18n_has(key))
		json_object_set_new(ctx, "flash", json_string(i18n_get(r->lang, key)));
	resp_header(r, "Set-Cookie", "kalem_flash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
}

void page_render(struct req *r, unsigned status, const char *tmpl, const char *title_key, json_t *ctx)
{
	if (!ctx)
		ctx = json_object();
	json_object_set_new(ctx, "title", json_string(i18n_get(r->lang, title_key)));
	json_object_set_new(ctx, "lang", json_string(lang_code(r->lang)));
	json_object_set_new(ctx, "other_lang", json_string(r->lang == LANG_TR ? "en" : "tr"));
	json_object_set_new(ctx, "other_lang_label", json_string(r->lang == LANG_TR ? "English" : "Türkçe"));
	json_object_set_new(ctx, "path", json_string(r->path));
	/* The language switch keeps the page's query (search text, the sign-in "next"), replacing only lang. */
	struct buf href = BUF_INIT;
	buf_adds(&href, r->path);
	char sep = '?';
	for (size_t i = 0; i < r->query.n; i++) {
		if (strcmp(r->query.items[i].name, "lang") == 0)
			continue;
		buf_addc(&href, sep);
		buf_add_urlenc(&href, r->query.items[i].name);
		buf_addc(&href, '=');
		buf_add_urlenc(&href, r->query.items[i].value);
		sep = '&';
	}
	buf_addf(&href, "%clang=%s", sep, r->lang == LANG_TR ? "en" : "tr");
	json_object_set_new(ctx, "lang_href", json_string(href.data));
	buf_free(&href);
	if (r->authenticated && r->actor.session_hash[0]) {
		json_object_set_new(ctx, "user",
				    json_pack("{s:s,s:s,s:s}", "display_name", r->actor.display_name, "username",
					      r->actor.username, "role",
					      i18n_get(r->lang, role_label_key(r->actor.role))));
		json_object_set_new(ctx, "csrf", json_string(r->actor.csrf));
		json_object_set_new(ctx, "nav", nav_for(r));
		json_object_set_new(ctx, "is_admin", json_boolean(r->actor.role == ROLE_ADMIN));
		json_object_set_new(ctx, "can_edit_reference",
				    json_boolean(r->actor.role & (ROLE_ADMIN | ROLE_CHIEF | ROLE_SECRETARIAT)));
	}
	add_flash(r, ctx);
	buf_reset(&r->resp);
	r->status = status;
	r->resp_type = "text/html; charset=utf-8";
	if (tmpl_render(&r->resp, tmpl, ctx, r->lang) != 0) {
		buf_reset(&r->resp);
		buf_adds(&r->resp, "<!doctype html><title>Kalem</title><p>Template error</p>");
		r->status = 500;
	}
	json_decref(ctx);
}

void resp_error(struct req *r, unsigned status, const char *code, const char *message_key)
{
	if (strncmp(r->path, "/open311/", 9) == 0) {
		open311_error(r, status, message_key); /* the GeoReport v2 error list, in the path's format */
		return;
	}
	if (r->is_api) {
		resp_json(r, status,
			  json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", i18n_get(r->lang, message_key)));
		return;
	}
	json_t *ctx = json_pack("{s:s,s:i}", "message", i18n_get(r->lang, message_key), "status", (int)status);
	page_render(r, status, "error", "error.title", ctx);
}

void page_format_time(struct req *r, int64_t t, char *out, size_t outsz)
{
	time_t local = (time_t)(t + 3 * 3600); /* Europe/Istanbul: UTC+3 all year */
	struct tm tm;
	gmtime_r(&local, &tm);
	char mk[24], wk[32];
	snprintf(mk, sizeof mk, "month.%d", tm.tm_mon + 1);
	snprintf(wk, sizeof wk, "weekday.short.%d", (tm.tm_wday + 6) % 7);
	snprintf(out, outsz, "%d %s %d %s %02d:%02d", tm.tm_mday, i18n_get(r->lang, mk), tm.tm_year + 1900,
		 i18n_get(r->lang, wk), tm.tm_hour, tm.tm_min);
}

void page_next_href(struct req *r, json_t *ctx, const char *base)
{
	json_t *next = json_object_get(ctx, "next");
	if (!json_is_string(next))
		return;
	struct buf href = BUF_INIT;
	buf_adds(&href, base);
	char sep = '?';
	for (size_t i = 0; i < r->query.n; i++) {
		const char *name = r->query.items[i].name;
		if (strcmp(name, "after") == 0 || strcmp(name, "lang") == 0)
			continue;
		buf_addc(&href, sep);
		buf_add_urlenc(&href, name);
		buf_addc(&href, '=');
		buf_add_urlenc(&href, r->query.items[i].value);
		sep = '&';
	}
	buf_addc(&href, sep);
	buf_adds(&href, "after=");
	buf_add_urlenc(&href, json_string_value(next));
	json_object_set_new(ctx, "next_href", json_string(href.data));
	buf_free(&href);
}
