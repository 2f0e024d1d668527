/* app_inbox.c: the directorate inbox (store/applications.h app_list with inbox set) and the home page's
 * application widgets, counted by a few fixed statements over the clock columns of applications. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "store/applications.h"
#include "store/db.h"
#include "store/directorates.h"
#include "util/json_str.h"
#include "util/log.h"
#include "web/app_inbox.h"
#include "web/page.h"

#define PAGE_SIZE 50
#define HOME_ITEMS 10
#define TR_OFFSET_S (3 * 3600) /* Türkiye is UTC+3 all year */
#define OPEN_ROUTE "('pending','accepted','planned','info_requested')"

/* A clock still running and past (or at) the instant in column col, for the office and the legal clock; the same
 * condition as the store's overdue filter, so the counts match /applications?overdue=1. Two placeholders. */
#define PAST(office_col, legal_col)                                                                               \
	"(a.paused_since IS NULL AND ((a.office_stopped_at IS NULL AND a." office_col " <= ?) OR "                 \
	"(a." legal_col " IS NOT NULL AND a.legal_stopped_at IS NULL AND a." legal_col " <= ?)))"
#define OVERDUE PAST("office_due_at", "legal_due_at") /* bound to now */
#define DUE_BY PAST("office_due_at", "legal_due_at")  /* bound to the end of today: due today or overdue */
#define WARNED PAST("office_warn_at", "legal_warn_at") /* bound to now: in warning (or overdue) */

static const char SQL_DUE_COUNTS[] = "SELECT COALESCE(SUM(CASE WHEN " OVERDUE " THEN 1 ELSE 0 END), 0), "
				     "COALESCE(SUM(CASE WHEN " DUE_BY " THEN 1 ELSE 0 END), 0) FROM applications a";
static const char SQL_DUE_ITEMS[] =
	"SELECT a.id, a.tracking_code, a.subject, a.office_due_at, a.office_stopped_at, a.legal_due_at, "
	"a.legal_stopped_at FROM applications a WHERE " DUE_BY " ORDER BY a.office_due_at, a.id LIMIT ?";
/* Routed applications whose every route came back: the secretariat sends them on again. */
#define RETURNED_WHERE                                                                                            \
	"a.state = 'routed' AND NOT EXISTS (SELECT 1 FROM application_routes o WHERE o.application_id = a.id AND "  \
	"o.state IN " OPEN_ROUTE ")"
static const char SQL_RETURNED_COUNT[] =
	"SELECT COUNT(*) FROM applications a WHERE " RETURNED_WHERE
	" AND EXISTS (SELECT 1 FROM application_routes x WHERE x.application_id = a.id AND x.state = 'returned')";
static const char SQL_RETURNED_ITEMS[] =
	"SELECT a.id, a.tracking_code, a.subject, d.name, r.return_reason FROM applications a JOIN "
	"application_routes r ON r.application_id = a.id AND r.state = 'returned' JOIN directorates d ON d.id = "
	"r.directorate_id WHERE " RETURNED_WHERE " ORDER BY r.updated_at, r.id LIMIT ?";
static const char SQL_ANSWERED[] = "SELECT COUNT(*) FROM applications WHERE state = 'answered'";
static const char SQL_INBOX_COUNTS[] =
	"SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_at <= ? THEN 1 ELSE 0 END), 0) FROM application_routes WHERE "
	"directorate_id = ? AND state IN " OPEN_ROUTE;
static const char SQL_CLOCKS[] =
	"SELECT d.id, d.name, COUNT(DISTINCT a.id), COUNT(DISTINCT CASE WHEN " WARNED " AND NOT " OVERDUE
	" THEN a.id END), COUNT(DISTINCT CASE WHEN " OVERDUE " THEN a.id END) FROM directorates d JOIN "
	"application_routes r ON r.directorate_id = d.id AND r.state IN " OPEN_ROUTE " JOIN applications a ON a.id = "
	"r.application_id GROUP BY d.id, d.name, d.sort_key ORDER BY d.sort_key, d.id";
static const char SQL_CLOCKS_TOTAL[] =
	"SELECT COUNT(*), COALESCE(SUM(CASE WHEN " WARNED " AND NOT " OVERDUE " THEN 1 ELSE 0 END), 0), "
	"COALESCE(SUM(CASE WHEN " OVERDUE " THEN 1 ELSE 0 END), 0) FROM applications a WHERE a.state IN "
	"('received','routed','waiting','answered')";

static int64_t tr_day(int64_t t)
{
	int64_t s = t + TR_OFFSET_S;
	return s >= 0 ? s / 86400 : (s - 86399) / 86400;
}

void inbox_due_label(struct req *r, int64_t due, int64_t now, char *out, size_t outsz, const char **cls)
{
	struct buf b = BUF_INIT;
	int64_t days = tr_day(due) - tr_day(now);
	json_t *args = json_pack("{s:I}", "days", (json_int_t)(days < 0 ? -days : days));
	const char *key;
	if (now >= due) {
		*cls = "tag error";
		key = days == 0    ? "app_inbox.due.late_today"
		      : days == -1 ? "app_inbox.due.late_one"
				   : "common.days_overdue";
	} else {
		*cls = days <= 1 ? "tag warn" : "tag ok";
		key = days == 0 ? "app_inbox.due.today" : days == 1 ? "app_inbox.due.one_left" : "common.days_left";
	}
	i18n_format(&b, r->lang, key, args);
	snprintf(out, outsz, "%s", b.data);
	buf_free(&b);
	json_decref(args);
}

/* The directorates for the office's choice, the chosen one marked: [{id, name, selected}]. */
static json_t *directorate_options(struct req *r, int64_t chosen, const char **chosen_name)
{
	json_t *page = directorate_list(r->db, "", true, "", 500), *out = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(page, "items"), i, d) {
		int64_t id = json_integer_value(json_object_get(d, "id"));
		json_array_append_new(out, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)id, "name", json_str(d, "name"),
						     "selected", id == chosen));
	}
	json_decref(page);
	size_t n = json_array_size(out);
	for (i = 0; i < n; i++)
		if (json_is_true(json_object_get(json_array_get(out, i), "selected")))
			*chosen_name = json_str(json_array_get(out, i), "name");
	return out;
}

void h_inbox(struct req *r)
{
	int64_t now = (int64_t)time(NULL), d;
	bool office = r->actor.role != ROLE_DIRECTORATE;
	if (office) {
		const char *p = params_get(&r->query, "d");
		d = p ? atoll(p) : 0;
	} else {
		d = r->actor.directorate_id; /* never ?d=: the scope is the user's own directorate */
	}
	const char *name = "";
	json_t *ctx = json_object();
	json_t *options = directorate_options(r, d, &name);
	if (office) {
		json_object_set_new(ctx, "office", json_true());
		json_object_set(ctx, "directorates", options);
		if (!*name)
			d = 0; /* not an active directorate: nothing to show but the choice */
	} else if (!*name && d > 0) {
		json_t *dir = directorate_get(r->db, d);
		json_object_set_new(ctx, "directorate_name", json_string(json_str(dir, "name")));
		json_decref(dir);
	}
	if (*name)
		json_object_set_new(ctx, "directorate_name", json_string(name));
	if (d > 0) {
		struct app_filter f = {.directorate_scope = d, .inbox = true};
		const char *lim = params_get(&r->query, "limit");
		int limit = lim && atoi(lim) > 0 && atoi(lim) <= 200 ? atoi(lim) : PAGE_SIZE;
		json_t *page = app_list(r->db, &f, params_get(&r->query, "after"), limit, now);
		json_t *items = json_object_get(page, "items");
		size_t i;
		json_t *o;
		json_array_foreach(items, i, o) {
			char label[96], received[64];
			const char *cls;
			json_t *route = json_object_get(o, "route");
			int64_t due_at = json_integer_value(json_object_get(route, "due_at"));
			inbox_due_label(r, due_at, now, label, sizeof label, &cls);
			json_object_set_new(o, "due_label", json_string(label));
			json_object_set_new(o, "due_class", json_string(cls));
			char due[64], key[64];
			page_format_time(r, due_at, due, sizeof due);
			json_object_set_new(o, "due", json_string(due));
			page_format_time(r, json_integer_value(json_object_get(o, "received_at")), received,
					 sizeof received);
			json_object_set_new(o, "received", json_string(received));
			snprintf(key, sizeof key, "route.state.%s", json_str(route, "state"));
			json_object_set_new(o, "route_state_label", json_string(i18n_get(r->lang, key)));
		}
		json_object_set(ctx, "items", items);
		json_object_set(ctx, "next", json_object_get(page, "next"));
		json_object_set_new(ctx, "chosen", json_true());
		json_decref(page);
		page_next_href(r, ctx, "/inbox");
	}
	json_decref(options);
	page_render(r, 200, "inbox", "app_inbox.title", ctx);
}

/* ---- the home page ---- */

/* Binds now (or t) to n placeholders from *i on. */
static void bind_times(struct db_stmt *st, int *i, int n, int64_t t)
{
	for (int k = 0; k < n; k++)
		db_bind_int(st, (*i)++, t);
}

static json_t *office_widget(struct req *r, int64_t now)
{
	int64_t end_of_day = (tr_day(now) + 1) * 86400 - TR_OFFSET_S;
	struct db_stmt *st = db_prep(r->db, SQL_DUE_COUNTS);
	if (!st)
		return NULL;
	int i = 1;
	bind_times(st, &i, 2, now);
	bind_times(st, &i, 2, end_of_day - 1);
	if (db_step(st) != DB_ROW)
		return NULL;
	int64_t overdue = db_col_int(st, 0), due = db_col_int(st, 1);
	db_reset(st);
	json_t *w = json_pack("{s:I,s:I,s:[],s:[]}", "overdue", (json_int_t)overdue, "due_today",
			      (json_int_t)(due - overdue), "items", "returned_items");
	st = db_prep(r->db, SQL_DUE_ITEMS);
	if (st) {
		i = 1;
		bind_times(st, &i, 2, end_of_day - 1);
		db_bind_int(st, i, HOME_ITEMS);
		while (db_step(st) == DB_ROW) {
			/* the earlier running clock */
			int64_t at = db_col_is_null(st, 4) ? db_col_int(st, 3) : 0;
			if (!db_col_is_null(st, 5) && db_col_is_null(st, 6) && (!at || db_col_int(st, 5) < at))
				at = db_col_int(st, 5);
			char label[96];
			const char *cls;
			inbox_due_label(r, at, now, label, sizeof label, &cls);
			json_t *item = json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)db_col_int(st, 0), "code",
						 db_col_text(st, 1), "subject", db_col_text(st, 2), "label", label, "cls",
						 cls);
			json_array_append_new(json_object_get(w, "items"), item);
		}
	}
	json_object_set_new(w, "returned", json_integer(db_query_int(r->db, SQL_RETURNED_COUNT, 0)));
	st = db_prep(r->db, SQL_RETURNED_ITEMS);
	if (st) {
		db_bind_int(st, 1, HOME_ITEMS);
		while (db_step(st) == DB_ROW) {
			json_t *item = json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)db_col_int(st, 0), "code",
						 db_col_text(st, 1), "subject", db_col_text(st, 2), "directorate",
						 db_col_text(st, 3), "reason", db_col_text(st, 4));
			json_array_append_new(json_object_get(w, "returned_items"), item);
		}
	}
	json_object_set_new(w, "answered", json_integer(db_query_int(r->db, SQL_ANSWERED, 0)));
	return w;
}

static json_t *inbox_widget(struct req *r, int64_t now)
{
	struct db_stmt *st = db_prep(r->db, SQL_INBOX_COUNTS);
	if (!st)
		return NULL;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, r->actor.directorate_id);
	json_t *w = NULL;
	if (db_step(st) == DB_ROW)
		w = json_pack("{s:I,s:I}", "open", (json_int_t)db_col_int(st, 0), "overdue",
			      (json_int_t)db_col_int(st, 1));
	db_reset(st);
	return w;
}

static json_t *clocks_widget(struct req *r, int64_t now, json_t **total)
{
	struct db_stmt *st = db_prep(r->db, SQL_CLOCKS);
	if (!st)
		return NULL;
	int i = 1;
	bind_times(st, &i, 6, now); /* warned, not overdue, overdue */
	json_t *rows = json_array();
	while (db_step(st) == DB_ROW)
		json_array_append_new(rows, json_pack("{s:I,s:s,s:I,s:I,s:I}", "id", (json_int_t)db_col_int(st, 0),
						      "name", db_col_text(st, 1), "open", (json_int_t)db_col_int(st, 2),
						      "warning", (json_int_t)db_col_int(st, 3), "overdue",
						      (json_int_t)db_col_int(st, 4)));
	st = db_prep(r->db, SQL_CLOCKS_TOTAL);
	if (st) {
		i = 1;
		bind_times(st, &i, 6, now);
		if (db_step(st) == DB_ROW)
			*total = json_pack("{s:I,s:I,s:I}", "open", (json_int_t)db_col_int(st, 0), "warning",
					   (json_int_t)db_col_int(st, 1), "overdue", (json_int_t)db_col_int(st, 2));
		db_reset(st);
	}
	return rows;
}

void app_home_widgets(struct req *r, json_t *ctx)
{
	int64_t now = (int64_t)time(NULL);
	if (r->actor.role & ROLES_OFFICE) {
		json_t *w = office_widget(r, now);
		if (w)
			json_object_set_new(ctx, "apps_office", w);
		else
			log_warn("home: cannot count the applications due");
	}
	if (r->actor.role == ROLE_DIRECTORATE && r->actor.directorate_id > 0) {
		json_t *w = inbox_widget(r, now);
		if (w)
			json_object_set_new(ctx, "apps_inbox", w);
	}
	if (r->actor.role & (ROLE_CHIEF | ROLE_ADMIN)) {
		json_t *total = NULL, *rows = clocks_widget(r, now, &total);
		if (rows) {
			json_object_set_new(ctx, "apps_clocks", rows);
			if (!total)
				total = json_pack("{s:i,s:i,s:i}", "open", 0, "warning", 0, "overdue", 0);
			json_object_set_new(ctx, "apps_clocks_total", total);
			json_object_set_new(ctx, "show_apps_clocks", json_true());
		}
	}
}
