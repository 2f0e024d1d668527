/* agenda.c: the Mayor's programme: day, week and phone views, engagements, the working plan and its exceptions,
 * iCalendar feeds, and the slots and agenda JSON API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/ical.h"
#include "core/bizcal.h"
#include "core/isotime.h"
#include "core/slots.h"
#include "core/validate.h"
#include "store/agenda.h"
#include "store/appointments.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/setup.h"
#include "util/i18n.h"
#include "util/json_str.h"
#include "util/xalloc.h"
#include "web/agenda.h"
#include "web/form.h"
#include "web/page.h"

#define DAY_SEC 86400
#define WEEK_STEP_MIN 30                /* rows of the week grid */
#define API_RANGE_MAX_DAYS 92           /* GET /api/v1/agenda */
#define FEED_PAST_DAYS 90               /* what an iCalendar feed carries */
#define FEED_FUTURE_DAYS 400
#define YEAR_MIN 2000
#define YEAR_MAX 2100

/* ---- small helpers ---- */

static int today_ymd(void)
{
	return ymd_from_unix((int64_t)time(NULL));
}

static bool can_see_private(struct req *r)
{
	return (r->actor.role & AGENDA_PRIVATE_READ) != 0;
}

static bool can_edit(struct req *r)
{
	return (r->actor.role & AGENDA_WRITE) != 0;
}

/* A YYYY-MM-DD text as yyyymmdd within the years the agenda handles; 0 otherwise. */
static int ymd_of(const char *s)
{
	int ymd = iso_date_parse(s);
	return ymd && ymd / 10000 >= YEAR_MIN && ymd / 10000 <= YEAR_MAX ? ymd : 0;
}

/* ?date= of a page, or today. */
static int page_date(struct req *r)
{
	int ymd = ymd_of(params_get(&r->query, "date"));
	return ymd ? ymd : today_ymd();
}

static void date_text(int ymd, char out[ISO_DATE_SIZE])
{
	iso_date_format(ymd, out);
}

/* "10:30" of instant t, local time. */
static void hm(int64_t t, char out[6])
{
	int64_t sec = t - unix_from_ymd_min(ymd_from_unix(t), 0);
	snprintf(out, 6, "%02u:%02u", (unsigned)(sec / 3600) % 100u, (unsigned)(sec / 60) % 60u);
}

static void hm_of_min(int min, char out[6])
{
	snprintf(out, 6, "%02u:%02u", (unsigned)(min / 60) % 100u, (unsigned)min % 60u);
}

/* "HH:MM" -> minutes, or -1. */
static int min_of(const char *s)
{
	int h, m;
	return s && time_valid(s, &h, &m) ? h * 60 + m : -1;
}

/* "2 Aralık 2026 Çarşamba" (long) or "Çar 2 Ara"-like short "Çar 2 Aralık" in the request's language. */
static void day_label(struct req *r, int ymd, bool with_year, char *out, size_t outsz)
{
	char mk[24], wk[32];
	snprintf(mk, sizeof mk, "month.%d", ymd / 100 % 100);
	if (with_year) {
		snprintf(wk, sizeof wk, "holidays.day.%d", ymd_weekday(ymd));
		snprintf(out, outsz, "%d %s %d %s", ymd % 100, i18n_get(r->lang, mk), ymd / 10000, i18n_get(r->lang, wk));
	} else {
		snprintf(wk, sizeof wk, "weekday.short.%d", ymd_weekday(ymd));
		snprintf(out, outsz, "%s %d %s", i18n_get(r->lang, wk), ymd % 100, i18n_get(r->lang, mk));
	}
}

/* "10:30–11:00" for a time within day ymd; an end that falls on another day shows its full date ("24:00" when it is
 * the day's end), and so does a start on another day. */
static void range_label(struct req *r, int64_t start, int64_t end, int ymd, char *out, size_t outsz)
{
	char a[64], b[64];
	int64_t next_midnight = unix_from_ymd_min(ymd_add_days(ymd, 1), 0);
	if (ymd_from_unix(start) == ymd)
		hm(start, a);
	else
		page_format_time(r, start, a, sizeof a);
	if (end == next_midnight)
		snprintf(b, sizeof b, "24:00");
	else if (ymd_from_unix(end) == ymd)
		hm(end, b);
	else
		page_format_time(r, end, b, sizeof b);
	snprintf(out, outsz, "%s–%s", a, b);
}

static int64_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void set_text(json_t *o, const char *key, const char *value)
{
	json_object_set_new(o, key, json_string(value));
}

static void set_label(struct req *r, json_t *o, const char *key, const char *prefix, const char *name)
{
	char k[96];
	snprintf(k, sizeof k, "%s%s", prefix, name);
	set_text(o, key, i18n_get(r->lang, k));
}

json_t *agenda_item_mask(struct req *r, json_t *item)
{
	if (!json_is_true(json_object_get(item, "public")) && !can_see_private(r)) {
		set_text(item, "title", i18n_get(r->lang, "agenda.busy"));
		set_text(item, "location", "");
		set_text(item, "notes", "");
		json_object_set_new(item, "masked", json_true());
	}
	return item;
}

/* Adds what the pages show of an item (labels, times relative to day ymd, links); masks it when needed. */
static json_t *item_view(struct req *r, json_t *it, int ymd)
{
	agenda_item_mask(r, it);
	int64_t start = num(it, "starts_at"), end = num(it, "ends_at");
	char when[96], range[160];
	page_format_time(r, start, when, sizeof when);
	range_label(r, start, end, ymd ? ymd : ymd_from_unix(start), range, sizeof range);
	set_text(it, "when", when);
	set_text(it, "time", range);
	set_label(r, it, "category_label", "agenda.category.", json_str(it, "category"));
	set_label(r, it, "kind_label", "agenda.kind.", json_str(it, "kind"));
	set_label(r, it, "status_label", "agenda.status.", json_str(it, "status"));
	const char *status = json_str(it, "status");
	json_object_set_new(it, "cancelled", json_boolean(strcmp(status, "cancelled") == 0));
	json_object_set_new(it, "scheduled", json_boolean(strcmp(status, "scheduled") == 0));
	json_object_set_new(it, "private", json_boolean(!json_is_true(json_object_get(it, "public"))));
	json_object_set_new(it, "past", json_boolean(end <= (int64_t)time(NULL)));
	char href[64];
	snprintf(href, sizeof href, "/agenda/items/%lld", (long long)num(it, "id"));
	set_text(it, "href", href);
	if (can_edit(r) && strcmp(json_str(it, "kind"), "engagement") == 0 && strcmp(status, "scheduled") == 0) {
		snprintf(href, sizeof href, "/agenda/engagements/%lld/edit", (long long)num(it, "id"));
		set_text(it, "edit_href", href);
	}
	return it;
}

json_t *agenda_today_items(struct req *r)
{
	int ymd = ymd_from_unix((int64_t)time(NULL));
	json_t *items = agenda_list(r->db, unix_from_ymd_min(ymd, 0), unix_from_ymd_min(ymd_add_days(ymd, 1), 0), false);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		item_view(r, it, ymd);
	}
	return items;
}

json_t *agenda_conflicts_view(struct req *r, const json_t *conflicts)
{
	json_t *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(conflicts, i, c)
	{
		const char *type = json_str(c, "type");
		json_t *args = json_object();
		json_t *item = json_object_get(c, "item");
		if (item) {
			json_t *copy = json_deep_copy(item);
			agenda_item_mask(r, copy);
			char range[160];
			int64_t s = num(copy, "starts_at");
			range_label(r, s, num(copy, "ends_at"), ymd_from_unix(s), range, sizeof range);
			char when[96];
			page_format_time(r, s, when, sizeof when);
			json_object_set_new(args, "title", json_string(json_str(copy, "title")));
			json_object_set_new(
				args, "time",
				json_string(ymd_from_unix(s) == ymd_from_unix(num(copy, "ends_at")) ? range : when));
			json_decref(copy);
		} else if (strcmp(type, "break") == 0) {
			int64_t s = 0, e = 0;
			iso_time_parse(json_str(c, "start"), &s);
			iso_time_parse(json_str(c, "end"), &e);
			char range[160];
			range_label(r, s, e, ymd_from_unix(s), range, sizeof range);
			json_object_set_new(args, "name", json_string(*json_str(c, "name") ? json_str(c, "name")
										: i18n_get(r->lang, "agenda.plan.break")));
			json_object_set_new(args, "time", json_string(range));
		} else {
			json_object_set_new(args, "name", json_string(json_str(c, "name")));
			json_object_set_new(args, "note", json_string(json_str(c, "note")));
			json_object_set_new(args, "cap", json_integer(num(c, "cap")));
		}
		char key[64];
		snprintf(key, sizeof key, "agenda.conflict.%s", type);
		struct buf text = BUF_INIT;
		i18n_format(&text, r->lang, i18n_has(key) ? key : "agenda.conflict.other", args);
		json_decref(args);
		json_array_append_new(out, json_pack("{s:s,s:b,s:s}", "type", type, "hard",
						     json_is_true(json_object_get(c, "hard")), "text", text.data));
		buf_free(&text);
	}
	return out;
}

/* ---- a day for the pages ---- */

struct entry {
	int64_t start;
	int order; /* at the same start: breaks, then items, then free time */
	json_t *o;
};

static int by_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->order - y->order;
}

/* What a day is (open, holiday, closed) as a sentence, or NULL for an ordinary working day. */
static json_t *day_note(struct req *r, const struct agenda_day *d)
{
	json_t *args = json_pack("{s:s,s:s}", "name", d->has_holiday ? d->holiday.name : "", "note", d->exception_note);
	const char *key = NULL, *cls = "muted";
	switch (d->day.state) {
	case SLOT_DAY_OPEN:
		if (d->day.half_day) {
			key = "agenda.day.half_day";
			cls = "warn";
		} else if (d->has_exception) {
			key = "agenda.day.other_hours";
			cls = "warn";
		}
		break;
	case SLOT_DAY_HOLIDAY:
		key = "agenda.day.holiday";
		cls = "warn";
		break;
	case SLOT_DAY_CLOSED:
		key = "agenda.day.closed";
		cls = "warn";
		break;
	case SLOT_DAY_NO_PLAN:
		key = "agenda.day.no_plan";
		break;
	}
	json_t *out = NULL;
	if (key) {
		struct buf text = BUF_INIT;
		i18n_format(&text, r->lang, key, args);
		out = json_pack("{s:s,s:s}", "text", text.data, "class", cls);
		buf_free(&text);
	}
	json_decref(args);
	return out;
}

/* "08:30–12:00, 13:30–17:30". */
static void hours_label(const struct agenda_day *d, char *out, size_t outsz)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < d->day.n_open; i++) {
		char s[6], e[6];
		hm(d->day.open[i].start, s);
		hm(d->day.open[i].end, e);
		buf_addf(&b, "%s%s–%s", i ? ", " : "", s, e);
	}
	snprintf(out, outsz, "%s", b.data ? b.data : "");
	buf_free(&b);
}

/* The items of day ymd (overlapping it), cancelled ones too when with_cancelled. */
static json_t *day_items(struct req *r, int ymd, bool with_cancelled)
{
	int64_t midnight = unix_from_ymd_min(ymd, 0);
	return agenda_list(r->db, midnight, midnight + DAY_SEC, with_cancelled);
}

/* The page context of one day: its note, hours, and entries (items, breaks, free time) in time order. Returns
 * NULL on a database error. */
static json_t *day_context(struct req *r, int ymd, bool with_free, bool with_cancelled)
{
	struct agenda_day d;
	if (agenda_day_load(r->db, ymd, 0, &d) != 0)
		return NULL;
	json_t *items = day_items(r, ymd, with_cancelled);
	size_t n_items = json_array_size(items);
	struct slot_period free_time[SLOTS_MAX_PERIODS * 4];
	size_t n_free = with_free ? slots_free(&d.day, d.busy, d.n_busy, 15, free_time,
					       sizeof free_time / sizeof free_time[0])
				  : 0;
	size_t cap = n_items + d.day.n_breaks + n_free, n = 0;
	struct entry *e = xcalloc(cap ? cap : 1, sizeof *e);
	int64_t now = (int64_t)time(NULL);
	char date[ISO_DATE_SIZE];
	date_text(ymd, date);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		json_t *o = item_view(r, json_incref(it), ymd);
		json_object_set_new(o, "is_item", json_true());
		e[n++] = (struct entry){num(it, "starts_at"), 1, o};
	}
	for (i = 0; i < d.day.n_breaks; i++) {
		char range[64];
		range_label(r, d.day.breaks[i].start, d.day.breaks[i].end, ymd, range, sizeof range);
		const char *name = d.day.breaks[i].name && *d.day.breaks[i].name
					   ? d.day.breaks[i].name
					   : i18n_get(r->lang, "agenda.plan.break");
		e[n++] = (struct entry){d.day.breaks[i].start, 0,
					json_pack("{s:b,s:s,s:s}", "is_break", 1, "time", range, "name", name)};
	}
	for (i = 0; i < n_free; i++) {
		if (free_time[i].end <= now)
			continue;
		int64_t start = free_time[i].start > now ? free_time[i].start : now;
		char range[64], at[6];
		range_label(r, free_time[i].start, free_time[i].end, ymd, range, sizeof range);
		json_t *o = json_pack("{s:b,s:s}", "is_free", 1, "time", range);
		if (can_edit(r)) {
			/* Book from the first quarter hour that is still ahead. */
			int64_t q = 15 * 60, off = (start - unix_from_ymd_min(ymd, 0) + q - 1) / q * q;
			hm(unix_from_ymd_min(ymd, 0) + off, at);
			char href[96];
			snprintf(href, sizeof href, "/agenda/engagements/new?date=%s&time=%s", date, at);
			set_text(o, "book_href", href);
		}
		e[n++] = (struct entry){free_time[i].start, 2, o};
	}
	qsort(e, n, sizeof *e, by_entry);
	json_t *entries = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(entries, e[i].o);
	free(e);
	json_decref(items);

	char label[96], hours[128];
	day_label(r, ymd, true, label, sizeof label);
	hours_label(&d, hours, sizeof hours);
	/* has_* flags rather than {{#entries.0}}: that section would push the first entry, whose keys the others
	 * (of another type) would then see. */
	json_t *ctx = json_pack("{s:s,s:s,s:s,s:o,s:b,s:b,s:i}", "date", date, "date_display", label, "hours", hours,
				"entries", entries, "has_entries", n > 0, "today", ymd == today_ymd(), "item_count",
				(int)n_items);
	json_t *note = day_note(r, &d);
	if (note)
		json_object_set_new(ctx, "note", note);
	json_object_set_new(ctx, "no_plan", json_boolean(d.day.state == SLOT_DAY_NO_PLAN));
	agenda_day_free(&d);
	return ctx;
}

static void render_day(struct req *r, int ymd)
{
	json_t *ctx = day_context(r, ymd, true, true);
	if (!ctx) {
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	char d[ISO_DATE_SIZE], prev[ISO_DATE_SIZE], next[ISO_DATE_SIZE];
	date_text(ymd, d);
	date_text(ymd_add_days(ymd, -1), prev);
	date_text(ymd_add_days(ymd, 1), next);
	json_object_set_new(ctx, "prev_date", json_string(prev));
	json_object_set_new(ctx, "next_date", json_string(next));
	json_object_set_new(ctx, "can_edit", json_boolean(can_edit(r)));
	json_object_set_new(ctx, "can_manage", json_boolean((r->actor.role & AGENDA_MANAGE) != 0));
	char new_href[64];
	snprintf(new_href, sizeof new_href, "/agenda/engagements/new?date=%s", d);
	json_object_set_new(ctx, "new_href", json_string(new_href));
	page_render(r, 200, "agenda_day", "agenda.day.title", ctx);
}

void h_agenda_today(struct req *r)
{
	render_day(r, page_date(r)); /* today unless ?date= names a day */
}

void h_agenda_day(struct req *r)
{
	render_day(r, page_date(r));
}

/* ---- the week grid ---- */

enum cell_state { CELL_CLOSED, CELL_FREE, CELL_BREAK, CELL_BUSY };

void h_agenda_week(struct req *r)
{
	int ymd = page_date(r);
	int monday = ymd_add_days(ymd, -ymd_weekday(ymd));
	struct agenda_day *days = xcalloc(7, sizeof *days);
	json_t *items[7] = {0};
	int first_min = 8 * 60, last_min = 18 * 60;
	bool ok = true;
	for (int i = 0; i < 7 && ok; i++) {
		int day = ymd_add_days(monday, i);
		if (agenda_day_load(r->db, day, 0, &days[i]) != 0) {
			ok = false;
			break;
		}
		items[i] = day_items(r, day, false);
		int64_t midnight = unix_from_ymd_min(day, 0);
		/* The grid spans every open window and item of the week (clipped to their day). */
		for (size_t k = 0; k < days[i].day.n_open; k++) {
			int s = (int)((days[i].day.open[k].start - midnight) / 60);
			int e = (int)((days[i].day.open[k].end - midnight) / 60);
			first_min = s < first_min ? s : first_min;
			last_min = e > last_min ? e : last_min;
		}
		/* An item's start or end counts where it falls on this day: one running on from (or into) another day
		 * does not stretch the grid to midnight; it is listed in the first row it overlaps. */
		size_t j;
		json_t *it;
		json_array_foreach(items[i], j, it)
		{
			int64_t s = num(it, "starts_at"), e = num(it, "ends_at");
			if (s >= midnight) {
				int sm = (int)((s - midnight) / 60);
				first_min = sm < first_min ? sm : first_min;
				last_min = sm + WEEK_STEP_MIN > last_min ? sm + WEEK_STEP_MIN : last_min;
			}
			if (e <= midnight + DAY_SEC) {
				int em = (int)((e - midnight) / 60);
				last_min = em > last_min ? em : last_min;
			}
		}
	}
	if (!ok) {
		for (int i = 0; i < 7; i++) {
			agenda_day_free(&days[i]);
			json_decref(items[i]);
		}
		free(days);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	first_min = first_min / WEEK_STEP_MIN * WEEK_STEP_MIN;
	last_min = (last_min + WEEK_STEP_MIN - 1) / WEEK_STEP_MIN * WEEK_STEP_MIN;
	int64_t now = (int64_t)time(NULL);
	bool editable = can_edit(r);

	json_t *head = json_array();
	for (int i = 0; i < 7; i++) {
		int day = ymd_add_days(monday, i);
		char label[64], date[ISO_DATE_SIZE], hours[128];
		day_label(r, day, false, label, sizeof label);
		date_text(day, date);
		hours_label(&days[i], hours, sizeof hours);
		json_t *o = json_pack("{s:s,s:s,s:b,s:s}", "label", label, "date", date, "today", day == today_ymd(),
				      "hours", hours);
		/* Weekends need no words: their grey column says it. */
		json_t *note = days[i].day.state == SLOT_DAY_NO_PLAN ? NULL : day_note(r, &days[i]);
		if (note)
			json_object_set_new(o, "note", note);
		json_array_append_new(head, o);
	}
	/* Each item is listed once per day, in the first row of that day it overlaps. */
	json_t *rows = json_array();
	for (int t = first_min; t < last_min; t += WEEK_STEP_MIN) {
		char time_label[6];
		hm_of_min(t, time_label);
		json_t *cells = json_array();
		for (int i = 0; i < 7; i++) {
			int day = ymd_add_days(monday, i);
			int64_t cs = unix_from_ymd_min(day, t), ce = unix_from_ymd_min(day, t + WEEK_STEP_MIN);
			const struct slot_day *sd = &days[i].day;
			enum cell_state state = CELL_CLOSED;
			for (size_t k = 0; k < sd->n_open; k++)
				if (sd->open[k].start <= cs && ce <= sd->open[k].end)
					state = CELL_FREE;
			for (size_t k = 0; k < sd->n_breaks; k++)
				if (sd->breaks[k].start < ce && cs < sd->breaks[k].end)
					state = CELL_BREAK;
			json_t *listed = json_array();
			size_t j;
			json_t *it;
			json_array_foreach(items[i], j, it)
			{
				int64_t s = num(it, "starts_at"), e = num(it, "ends_at");
				if (s < ce && cs < e)
					state = CELL_BUSY;
				/* Listed in the row of its start on this day, clamped to the grid. */
				int64_t from = s > unix_from_ymd_min(day, 0) ? s : unix_from_ymd_min(day, 0);
				int64_t row = (from - unix_from_ymd_min(day, first_min)) / (WEEK_STEP_MIN * 60);
				int64_t last_row = (last_min - first_min) / WEEK_STEP_MIN - 1;
				row = row < 0 ? 0 : row > last_row ? last_row : row;
				if (row == (t - first_min) / WEEK_STEP_MIN)
					json_array_append_new(listed, item_view(r, json_deep_copy(it), day));
			}
			static const char *const classes[] = {"closed", "free", "break", "busy"};
			char sr_key[40];
			snprintf(sr_key, sizeof sr_key, "agenda.week.cell.%s", classes[state]);
			json_t *cell = json_pack("{s:s,s:s,s:o}", "class", classes[state], "state_label",
						 i18n_get(r->lang, sr_key), "items", listed);
			if (state == CELL_FREE && editable && cs >= now) {
				char date[ISO_DATE_SIZE], href[96];
				date_text(day, date);
				snprintf(href, sizeof href, "/agenda/engagements/new?date=%s&time=%s", date, time_label);
				set_text(cell, "book_href", href);
				char label[64], sr[128];
				day_label(r, day, false, label, sizeof label);
				snprintf(sr, sizeof sr, "%s %s", label, time_label);
				set_text(cell, "book_label", sr);
			}
			json_array_append_new(cells, cell);
		}
		json_array_append_new(rows, json_pack("{s:s,s:o}", "time", time_label, "cells", cells));
	}
	for (int i = 0; i < 7; i++) {
		agenda_day_free(&days[i]);
		json_decref(items[i]);
	}
	free(days);

	char prev[ISO_DATE_SIZE], next[ISO_DATE_SIZE], mon[ISO_DATE_SIZE], first[96], last[96], title[200];
	date_text(ymd_add_days(monday, -7), prev);
	date_text(ymd_add_days(monday, 7), next);
	date_text(monday, mon);
	day_label(r, monday, true, first, sizeof first);
	day_label(r, ymd_add_days(monday, 6), true, last, sizeof last);
	snprintf(title, sizeof title, "%s – %s", first, last);
	json_t *ctx = json_pack("{s:o,s:o,s:s,s:s,s:s,s:s,s:b}", "days", head, "rows", rows, "prev_date", prev,
				"next_date", next, "monday", mon, "range", title, "can_edit", editable);
	page_render(r, 200, "agenda_week", "agenda.week.title", ctx);
}

/* ---- the Mayor's phone view ---- */

void h_agenda_mobile(struct req *r)
{
	json_t *list = json_array();
	int today = today_ymd();
	for (int i = 0; i < 2; i++) {
		int ymd = ymd_add_days(today, i);
		json_t *d = day_context(r, ymd, false, false);
		if (!d) {
			json_decref(list);
			resp_error(r, 500, "internal", "error.internal");
			return;
		}
		json_object_set_new(d, "heading",
				    json_string(i18n_get(r->lang, i ? "common.tomorrow" : "common.today")));
		/* On the phone, "no working hours" is worth saying only when nothing is on. */
		if (json_is_true(json_object_get(d, "no_plan")) && json_integer_value(json_object_get(d, "item_count")))
			json_object_del(d, "note");
		json_array_append_new(list, d);
	}
	page_render(r, 200, "agenda_mobile", "agenda.mobile.title",
		    json_pack("{s:o,s:b}", "days", list, "can_edit", can_edit(r)));
}

/* ---- one item ---- */

/* The audit trail of an item, newest first, for readers who may see its details. */
static json_t *item_history(struct req *r, int64_t id)
{
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	json_t *events = audit_list(r->db, NULL, "agenda_item", key, NULL, 0, 100), *out = json_array(), *ev;
	size_t i;
	json_array_foreach(events, i, ev)
	{
		char when[96];
		page_format_time(r, num(ev, "ts"), when, sizeof when);
		char k[64];
		snprintf(k, sizeof k, "agenda.audit.%s", json_str(ev, "action"));
		json_t *after = json_object_get(ev, "after");
		char range[160] = "";
		if (json_is_object(after)) {
			int64_t s = num(after, "starts_at");
			page_format_time(r, s, range, sizeof range);
		}
		json_array_append_new(
			out, json_pack("{s:s,s:s,s:s,s:s}", "when", when, "actor", json_str(ev, "actor"), "action",
				       i18n_has(k) ? i18n_get(r->lang, k) : json_str(ev, "action"), "start", range));
	}
	json_decref(events);
	return out;
}

static void render_item(struct req *r, unsigned status, json_t *it, json_t *errors)
{
	int64_t id = num(it, "id");
	item_view(r, it, 0);
	char created[96], updated[96], day[ISO_DATE_SIZE];
	page_format_time(r, num(it, "created_at"), created, sizeof created);
	page_format_time(r, num(it, "updated_at"), updated, sizeof updated);
	date_text(ymd_from_unix(num(it, "starts_at")), day);
	set_text(it, "created_display", created);
	set_text(it, "updated_display", updated);
	set_text(it, "day", day);
	bool engagement = strcmp(json_str(it, "kind"), "engagement") == 0;
	json_t *ctx = json_pack("{s:o,s:b,s:o}", "item", it, "can_cancel",
				can_edit(r) && engagement && json_is_true(json_object_get(it, "scheduled")), "errors",
				errors ? errors : json_object());
	if (can_see_private(r)) {
		json_t *history = item_history(r, id);
		json_object_set_new(ctx, "has_history", json_boolean(json_array_size(history) > 0));
		json_object_set_new(ctx, "history", history);
	}
	page_render(r, status, "agenda_item", "agenda.item.title", ctx);
}

void h_agenda_item(struct req *r)
{
	json_t *it = agenda_item_get(r->db, req_arg_id(r, 0));
	if (!it) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	render_item(r, 200, it, NULL);
}

/* ---- engagements: form, create, update, cancel ---- */

enum { EF_DATE, EF_START, EF_END, EF_END_DATE, EF_CATEGORY, EF_TITLE, EF_LOCATION, EF_PUBLIC, EF_NOTES, EF_ALLOW,
       EF__MAX };

static const struct field engagement_fields[EF__MAX] = {
	[EF_DATE] = {"date", F_DATE, true, 0, NULL, "common.date", 0, 0},
	[EF_START] = {"start_time", F_TIME, true, 0, NULL, "agenda.field.start_time", 0, 0},
	[EF_END] = {"end_time", F_TIME, true, 0, NULL, "agenda.field.end_time", 0, 0},
	[EF_END_DATE] = {"end_date", F_DATE, false, 0, NULL, "agenda.field.end_date", 0, 0},
	[EF_CATEGORY] = {"category", F_ENUM, true, 0, agenda_engagement_categories, "agenda.field.category", 0, 0},
	[EF_TITLE] = {"title", F_TEXT, true, 200, NULL, "agenda.field.title", 0, 0},
	[EF_LOCATION] = {"location", F_TEXT, false, 200, NULL, "agenda.field.location", 0, 0},
	[EF_PUBLIC] = {"public", F_BOOL, false, 0, NULL, "agenda.field.public", 0, 0},
	[EF_NOTES] = {"notes", F_LONGTEXT, false, 2000, NULL, "common.notes", 0, 0},
	[EF_ALLOW] = {"allow_conflict", F_BOOL, false, 0, NULL, "agenda.field.allow_conflict", 0, 0},
};

/* The JSON API's engagement: ISO 8601 start and end instead of the form's date and times. */
enum { AF_START, AF_END, AF_CATEGORY, AF_TITLE, AF_LOCATION, AF_PUBLIC, AF_NOTES, AF_ALLOW, AF__MAX };

static const struct field api_engagement_fields[AF__MAX] = {
	[AF_START] = {"start", F_TEXT, true, 40, NULL, "agenda.field.start", 0, 0},
	[AF_END] = {"end", F_TEXT, true, 40, NULL, "agenda.field.end", 0, 0},
	[AF_CATEGORY] = {"category", F_ENUM, true, 0, agenda_engagement_categories, "agenda.field.category", 0, 0},
	[AF_TITLE] = {"title", F_TEXT, true, 200, NULL, "agenda.field.title", 0, 0},
	[AF_LOCATION] = {"location", F_TEXT, false, 200, NULL, "agenda.field.location", 0, 0},
	[AF_PUBLIC] = {"public", F_BOOL, false, 0, NULL, "agenda.field.public", 0, 0},
	[AF_NOTES] = {"notes", F_LONGTEXT, false, 2000, NULL, "common.notes", 0, 0},
	[AF_ALLOW] = {"allow_conflict", F_BOOL, false, 0, NULL, "agenda.field.allow_conflict", 0, 0},
};

/* The category choices with the selected one marked. */
static json_t *category_choices(struct req *r, const char *selected)
{
	json_t *list = json_array();
	for (const char *const *c = agenda_engagement_categories; *c; c++) {
		json_t *o = json_pack("{s:s,s:b}", "value", *c, "selected", selected && strcmp(selected, *c) == 0);
		set_label(r, o, "label", "agenda.category.", *c);
		json_array_append_new(list, o);
	}
	return list;
}

static json_t *form_context(struct req *r, int64_t id, const json_t *values)
{
	char action[64];
	snprintf(action, sizeof action, id ? "/agenda/engagements/%lld" : "/agenda/engagements", (long long)id);
	json_t *ctx = json_pack("{s:s,s:o}", "action", action, "categories",
				category_choices(r, json_str(values, "category")));
	if (id) {
		json_object_set_new(ctx, "editing", json_true());
		json_object_set_new(ctx, "id", json_integer(id));
	}
	char back[64];
	int ymd = ymd_of(json_str(values, "date"));
	char d[ISO_DATE_SIZE];
	date_text(ymd ? ymd : today_ymd(), d);
	snprintf(back, sizeof back, "/agenda/day?date=%s", d);
	set_text(ctx, "back_href", back);
	return ctx;
}

void h_engagement_new(struct req *r)
{
	int ymd = page_date(r);
	int start = min_of(params_get(&r->query, "time"));
	if (start < 0)
		start = 10 * 60;
	int end = start + 60 > 24 * 60 - 1 ? 24 * 60 - 1 : start + 60;
	char date[ISO_DATE_SIZE], s[6], e[6];
	date_text(ymd, date);
	hm_of_min(start, s);
	hm_of_min(end, e);
	json_t *values = json_pack("{s:s,s:s,s:s,s:s}", "date", date, "start_time", s, "end_time", e, "category",
				   "meeting");
	json_t *ctx = form_context(r, 0, values);
	json_object_set_new(ctx, "values", values);
	page_render(r, 200, "agenda_engagement_form", "agenda.engagement.new", ctx);
}

void h_engagement_edit(struct req *r)
{
	json_t *it = agenda_item_get(r->db, req_arg_id(r, 0));
	if (!it) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	if (strcmp(json_str(it, "kind"), "engagement") != 0 || strcmp(json_str(it, "status"), "scheduled") != 0) {
		json_decref(it);
		resp_error(r, 409, "not_editable", "agenda.error.not_editable");
		return;
	}
	int64_t s = num(it, "starts_at"), e = num(it, "ends_at");
	char date[ISO_DATE_SIZE], end_date[ISO_DATE_SIZE], st[6], et[6];
	date_text(ymd_from_unix(s), date);
	date_text(ymd_from_unix(e), end_date);
	hm(s, st);
	hm(e, et);
	json_t *values = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:O,s:s}", "date", date, "start_time", st, "end_time",
				   et, "end_date", ymd_from_unix(e) != ymd_from_unix(s) ? end_date : "", "category",
				   json_str(it, "category"), "title", json_str(it, "title"), "location",
				   json_str(it, "location"), "public", json_object_get(it, "public"), "notes",
				   json_str(it, "notes"));
	json_t *ctx = form_context(r, num(it, "id"), values);
	json_object_set_new(ctx, "values", values);
	json_decref(it);
	page_render(r, 200, "agenda_engagement_form", "agenda.engagement.edit", ctx);
}

/* Validates an engagement (form or JSON) into item (strings borrowed from values). Returns the number of errors. */
static int engagement_from_request(struct req *r, json_t *values, json_t *errors, struct agenda_item *item,
				   bool *allow)
{
	memset(item, 0, sizeof *item);
	const struct field *end_field;
	int64_t start = 0, end = 0;
	if (r->is_api) {
		form_check(r, api_engagement_fields, AF__MAX, values, errors);
		end_field = &api_engagement_fields[AF_END];
		if (!json_object_get(errors, "start") && iso_time_parse(json_str(values, "start"), &start) != 0)
			form_error(r, errors, &api_engagement_fields[AF_START], "agenda.error.datetime");
		if (!json_object_get(errors, "end") && iso_time_parse(json_str(values, "end"), &end) != 0)
			form_error(r, errors, end_field, "agenda.error.datetime");
	} else {
		form_check(r, engagement_fields, EF__MAX, values, errors);
		end_field = &engagement_fields[EF_END];
		int ymd = ymd_of(json_str(values, "date"));
		int end_ymd = *json_str(values, "end_date") ? ymd_of(json_str(values, "end_date")) : ymd;
		if (!json_object_get(errors, "date") && !ymd)
			form_error(r, errors, &engagement_fields[EF_DATE], "error.date");
		if (!json_object_get(errors, "end_date") && !end_ymd)
			form_error(r, errors, &engagement_fields[EF_END_DATE], "error.date");
		int sm = min_of(json_str(values, "start_time")), em = min_of(json_str(values, "end_time"));
		if (ymd && end_ymd && sm >= 0 && em >= 0) {
			start = unix_from_ymd_min(ymd, sm);
			end = unix_from_ymd_min(end_ymd, em);
		}
	}
	if (json_object_size(errors) == 0) {
		if (end <= start)
			form_error(r, errors, end_field, "agenda.error.end_before_start");
		else if (end - start > (int64_t)AGENDA_ITEM_MAX_DAYS * DAY_SEC)
			form_error(r, errors, end_field, "agenda.error.too_long");
	}
	item->kind = AGENDA_ENGAGEMENT;
	int category = agenda_category_from_name(json_str(values, "category"));
	item->category = category >= 0 ? (enum agenda_category)category : AGENDA_CAT_OTHER;
	item->title = json_str(values, "title");
	item->location = json_str(values, "location");
	item->notes = json_str(values, "notes");
	item->starts_at = start;
	item->ends_at = end;
	item->is_public = json_is_true(json_object_get(values, "public"));
	item->source_type = "";
	*allow = json_is_true(json_object_get(values, "allow_conflict"));
	return (int)json_object_size(errors);
}

/* Answers a refused booking: 409 with the conflicts (JSON, or the form again with them and the "book anyway"
 * box). Steals values, conflicts. */
static void conflict_response(struct req *r, int64_t id, json_t *values, json_t *conflicts)
{
	if (r->is_api) {
		json_t *masked = json_array();
		size_t i;
		json_t *c;
		json_array_foreach(conflicts, i, c)
		{
			json_t *copy = json_deep_copy(c);
			json_t *item = json_object_get(copy, "item");
			if (item)
				agenda_item_mask(r, item);
			json_array_append_new(masked, copy);
		}
		json_decref(values);
		json_decref(conflicts);
		resp_json(r, 409,
			  json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "conflict", "message",
				    i18n_get(r->lang, "agenda.error.conflict"), "conflicts", masked));
		return;
	}
	json_t *ctx = form_context(r, id, values);
	json_object_set_new(ctx, "values", values);
	json_object_set_new(ctx, "conflicts", agenda_conflicts_view(r, conflicts));
	json_object_set_new(ctx, "has_conflicts", json_boolean(json_array_size(conflicts) > 0));
	json_object_set_new(ctx, "show_allow", json_true());
	json_decref(conflicts);
	page_render(r, 409, "agenda_engagement_form", id ? "agenda.engagement.edit" : "agenda.engagement.new", ctx);
}

static void save_engagement(struct req *r, int64_t id)
{
	json_t *values = json_object(), *errors = json_object();
	struct agenda_item item;
	bool allow;
	if (engagement_from_request(r, values, errors, &item, &allow)) {
		form_fail(r, "agenda_engagement_form", id ? "agenda.engagement.edit" : "agenda.engagement.new",
			  form_context(r, id, values), values, errors);
		return;
	}
	json_decref(errors);
	if (db_begin_write(r->db) != 0) {
		json_decref(values);
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	json_t *conflicts = NULL;
	int64_t rc = id ? agenda_update(r->db, r->actor.username, id, &item, allow, &conflicts)
			: agenda_book(r->db, r->actor.username, &item, allow, &conflicts);
	int64_t saved = id ? id : rc;
	if (rc >= 0 && db_commit(r->db) == 0) {
		bool had_conflicts = json_array_size(conflicts) > 0;
		json_decref(conflicts);
		json_decref(values);
		if (r->is_api) {
			resp_json(r, id ? 200 : 201, agenda_item_mask(r, agenda_item_get(r->db, saved)));
			return;
		}
		page_flash(r, had_conflicts ? "agenda.flash.saved_with_conflicts" : "flash.saved");
		char location[64], date[ISO_DATE_SIZE];
		date_text(ymd_from_unix(item.starts_at), date);
		snprintf(location, sizeof location, "/agenda/day?date=%s", date);
		resp_redirect(r, location);
		return;
	}
	db_rollback(r->db);
	switch (rc) {
	case AGENDA_CONFLICT:
		conflict_response(r, id, values, conflicts);
		return;
	case AGENDA_NOT_FOUND:
		resp_error(r, 404, "not_found", "error.not_found");
		break;
	case AGENDA_STATE:
		resp_error(r, 409, "not_editable", "agenda.error.not_editable");
		break;
	case DB_BUSY:
		resp_error(r, 503, "unavailable", "error.unavailable");
		break;
	default:
		resp_error(r, 500, "internal", "error.internal");
		break;
	}
	json_decref(conflicts);
	json_decref(values);
}

void h_engagement_create(struct req *r)
{
	save_engagement(r, 0);
}

void h_engagement_update(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *it = id ? agenda_item_get(r->db, id) : NULL;
	if (!it) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	json_decref(it);
	save_engagement(r, id);
}

/* Cancels engagement id; answers 0 or sends the error response itself (-1). */
static int cancel_engagement(struct req *r, int64_t id)
{
	json_t *it = id ? agenda_item_get(r->db, id) : NULL;
	if (!it) {
		resp_error(r, 404, "not_found", "error.not_found");
		return -1;
	}
	bool engagement = strcmp(json_str(it, "kind"), "engagement") == 0;
	json_decref(it);
	if (!engagement) {
		resp_error(r, 409, "not_editable", "agenda.error.not_editable");
		return -1;
	}
	if (db_begin_write(r->db) != 0) {
		resp_error(r, 503, "unavailable", "error.unavailable");
		return -1;
	}
	int rc = agenda_set_status(r->db, r->actor.username, id, AGENDA_CANCELLED);
	if (rc == 0 && db_commit(r->db) == 0)
		return 0;
	db_rollback(r->db);
	if (rc == AGENDA_STATE)
		resp_error(r, 409, "not_editable", "agenda.error.not_editable");
	else if (rc == DB_BUSY)
		resp_error(r, 503, "unavailable", "error.unavailable");
	else
		resp_error(r, 500, "internal", "error.internal");
	return -1;
}

void h_engagement_cancel(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *it = id ? agenda_item_get(r->db, id) : NULL;
	if (!it) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	const char *confirm = params_get(&r->form, "confirm");
	if (!confirm || strcmp(confirm, "1") != 0) {
		json_t *errors = json_pack("{s:s}", "confirm", i18n_get(r->lang, "agenda.error.confirm_cancel"));
		render_item(r, 422, it, errors);
		return;
	}
	int64_t start = num(it, "starts_at");
	json_decref(it);
	if (cancel_engagement(r, id) != 0)
		return;
	page_flash(r, "agenda.flash.cancelled");
	char location[64], date[ISO_DATE_SIZE];
	date_text(ymd_from_unix(start), date);
	snprintf(location, sizeof location, "/agenda/day?date=%s", date);
	resp_redirect(r, location);
}

/* ---- the working plan, settings and exceptions ---- */

static const char *const weekday_choices[] = {"0", "1", "2", "3", "4", "5", "6", NULL};
static const char *const period_kinds[] = {"work", "break", NULL};
static const char *const exception_kinds[] = {"closed", "hours", NULL};

enum { PF_WEEKDAY, PF_KIND, PF_START, PF_END, PF_NAME, PF__MAX };
static const struct field period_fields[PF__MAX] = {
	[PF_WEEKDAY] = {"p_weekday", F_ENUM, true, 0, weekday_choices, "agenda.plan.weekday", 0, 0},
	[PF_KIND] = {"p_kind", F_ENUM, true, 0, period_kinds, "agenda.plan.kind", 0, 0},
	[PF_START] = {"p_start", F_TIME, true, 0, NULL, "agenda.field.start_time", 0, 0},
	[PF_END] = {"p_end", F_TIME, true, 0, NULL, "agenda.field.end_time", 0, 0},
	[PF_NAME] = {"p_name", F_TEXT, false, 60, NULL, "agenda.plan.break_name", 0, 0},
};

enum { SF_BUFFER, SF_INSTITUTION, SF_CITIZEN, SF_CAP, SF_GRANULARITY, SF_REMINDERS, SF__MAX };
static const struct field settings_fields[SF__MAX] = {
	[SF_BUFFER] = {"buffer_min", F_INT, true, 0, NULL, "agenda.settings.buffer", 0, 240},
	[SF_INSTITUTION] = {"duration_institution", F_INT, true, 0, NULL, "agenda.settings.duration_institution", 5,
			    480},
	[SF_CITIZEN] = {"duration_citizen", F_INT, true, 0, NULL, "agenda.settings.duration_citizen", 5, 480},
	[SF_CAP] = {"citizen_daily_cap", F_INT, true, 0, NULL, "agenda.settings.citizen_cap", 0, 1000},
	[SF_GRANULARITY] = {"granularity_min", F_INT, true, 0, NULL, "agenda.settings.granularity", 1, 240},
	/* appointment reminders (store/appointments.h): checked with appt_reminder_hours_parse */
	[SF_REMINDERS] = {"reminder_hours", F_TEXT, false, 60, NULL, "agenda.settings.reminder_hours", 0, 0},
};

enum { XF_DATE, XF_KIND, XF_START, XF_END, XF_NOTE, XF__MAX };
static const struct field exception_fields[XF__MAX] = {
	[XF_DATE] = {"x_date", F_DATE, true, 0, NULL, "common.date", 0, 0},
	[XF_KIND] = {"x_kind", F_ENUM, true, 0, exception_kinds, "agenda.exception.kind", 0, 0},
	[XF_START] = {"x_start", F_TIME, false, 0, NULL, "agenda.field.start_time", 0, 0},
	[XF_END] = {"x_end", F_TIME, false, 0, NULL, "agenda.field.end_time", 0, 0},
	[XF_NOTE] = {"x_note", F_TEXT, false, 200, NULL, "agenda.exception.note", 0, 0},
};

/* The plan page's context: the weekly plan by weekday, the settings and the coming exceptions. */
static json_t *plan_context(struct req *r)
{
	json_t *plan = agenda_plan_list(r->db), *weekdays = json_array();
	for (int wd = 0; wd < 7; wd++) {
		char k[32];
		snprintf(k, sizeof k, "holidays.day.%d", wd);
		json_array_append_new(weekdays, json_pack("{s:i,s:s,s:[]}", "weekday", wd, "name", i18n_get(r->lang, k),
							  "periods"));
	}
	size_t i;
	json_t *p;
	json_array_foreach(plan, i, p)
	{
		int wd = (int)num(p, "weekday");
		if (wd < 0 || wd > 6)
			continue;
		char s[6], e[6], range[16];
		hm_of_min((int)num(p, "start_min"), s);
		hm_of_min((int)num(p, "end_min"), e);
		snprintf(range, sizeof range, "%s–%s", s, e);
		bool is_break = strcmp(json_str(p, "kind"), "break") == 0;
		json_t *o = json_pack("{s:I,s:s,s:b,s:s}", "id", num(p, "id"), "time", range, "is_break", is_break, "name",
				      json_str(p, "name"));
		json_array_append_new(json_object_get(json_array_get(weekdays, (size_t)wd), "periods"), o);
	}
	json_decref(plan);
	struct agenda_settings s;
	agenda_settings_load(r->db, &s);
	json_t *settings = json_pack("{s:i,s:i,s:i,s:i,s:i}", "buffer_min", s.buffer_min, "duration_institution",
				     s.duration_institution_min, "duration_citizen", s.duration_citizen_min,
				     "citizen_daily_cap", s.citizen_daily_cap, "granularity_min", s.granularity_min);
	char reminders[128];
	if (setting_get(r->db, APPT_SETTING_REMINDER_HOURS, reminders, sizeof reminders) != 1)
		snprintf(reminders, sizeof reminders, "%s", APPT_SETTING_REMINDER_HOURS_DEFAULT);
	json_object_set_new(settings, "reminder_hours", json_string(reminders));
	json_t *exceptions = agenda_exception_list(r->db, today_ymd(), 100), *x;
	json_array_foreach(exceptions, i, x)
	{
		char label[96], s1[6], e1[6], range[16];
		day_label(r, (int)num(x, "ymd"), true, label, sizeof label);
		hm_of_min((int)num(x, "start_min"), s1);
		hm_of_min((int)num(x, "end_min"), e1);
		snprintf(range, sizeof range, "%s–%s", s1, e1);
		set_text(x, "date_display", label);
		set_text(x, "time", range);
	}
	json_t *wd_choices = json_array();
	for (int wd = 0; wd < 7; wd++) {
		char k[32], v[4];
		snprintf(k, sizeof k, "holidays.day.%d", wd);
		snprintf(v, sizeof v, "%d", wd);
		json_array_append_new(wd_choices, json_pack("{s:s,s:s}", "value", v, "label", i18n_get(r->lang, k)));
	}
	for (int wd = 0; wd < 7; wd++) {
		json_t *w = json_array_get(weekdays, (size_t)wd);
		json_object_set_new(w, "has_periods", json_boolean(json_array_size(json_object_get(w, "periods")) > 0));
	}
	return json_pack("{s:o,s:o,s:b,s:o,s:o}", "weekdays", weekdays, "settings", settings, "has_exceptions",
			 json_array_size(exceptions) > 0, "exceptions", exceptions, "weekday_choices", wd_choices);
}

void h_agenda_plan(struct req *r)
{
	page_render(r, 200, "agenda_plan", "agenda.plan.title", plan_context(r));
}

/* Runs write(db, actor, arg) in a write transaction and redirects to /agenda/plan with flash; error pages
 * otherwise. */
static void plan_write_done(struct req *r, int64_t rc, const char *flash)
{
	if (rc >= 0 && db_commit(r->db) == 0) {
		page_flash(r, flash);
		resp_redirect(r, "/agenda/plan");
		return;
	}
	db_rollback(r->db);
	if (rc == AGENDA_NOT_FOUND)
		resp_error(r, 404, "not_found", "error.not_found");
	else
		resp_error(r, 500, "internal", "error.internal");
}

void h_agenda_plan_add(struct req *r)
{
	json_t *values = json_object(), *errors = json_object();
	form_check(r, period_fields, PF__MAX, values, errors);
	int s = min_of(json_str(values, "p_start")), e = min_of(json_str(values, "p_end"));
	if (!json_object_size(errors) && s >= e)
		form_error(r, errors, &period_fields[PF_END], "agenda.error.end_before_start");
	if (json_object_size(errors)) {
		form_fail(r, "agenda_plan", "agenda.plan.title", plan_context(r), values, errors);
		return;
	}
	struct plan_period p = {atoi(json_str(values, "p_weekday")), strcmp(json_str(values, "p_kind"), "break") == 0,
				s, e, json_str(values, "p_name")};
	if (db_begin_write(r->db) != 0) {
		json_decref(values);
		json_decref(errors);
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	int64_t rc = agenda_plan_add(r->db, r->actor.username, &p);
	json_decref(values);
	json_decref(errors);
	plan_write_done(r, rc, "flash.saved");
}

void h_agenda_plan_delete(struct req *r)
{
	if (db_begin_write(r->db) != 0) {
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	plan_write_done(r, agenda_plan_delete(r->db, r->actor.username, req_arg_id(r, 0)), "agenda.flash.deleted");
}

void h_agenda_settings_save(struct req *r)
{
	json_t *values = json_object(), *errors = json_object();
	form_check(r, settings_fields, SF__MAX, values, errors);
	int hours[APPT_MAX_REMINDERS], n_hours;
	if (!json_object_get(errors, "reminder_hours") &&
	    appt_reminder_hours_parse(json_str(values, "reminder_hours"), hours, &n_hours) != 0)
		form_error(r, errors, &settings_fields[SF_REMINDERS], "agenda.error.reminder_hours");
	if (json_object_size(errors)) {
		json_t *ctx = plan_context(r);
		json_object_set(ctx, "settings", values); /* show what was typed */
		form_fail(r, "agenda_plan", "agenda.plan.title", ctx, values, errors);
		return;
	}
	struct agenda_settings s = {
		(int)num(values, "buffer_min"),        (int)num(values, "duration_institution"),
		(int)num(values, "duration_citizen"),  (int)num(values, "citizen_daily_cap"),
		(int)num(values, "granularity_min"),
	};
	/* The reminders as typed, tidied: "24, 2" -> "24,2"; "" -> "0" (none). */
	char reminders[128] = "";
	for (int k = 0; k < n_hours; k++)
		snprintf(reminders + strlen(reminders), sizeof reminders - strlen(reminders), "%s%d", k ? "," : "",
			 hours[k]);
	if (!n_hours)
		snprintf(reminders, sizeof reminders, "0");
	json_decref(values);
	json_decref(errors);
	if (db_begin_write(r->db) != 0) {
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	char old[128];
	int rc = agenda_settings_save(r->db, r->actor.username, &s);
	bool changed = setting_get(r->db, APPT_SETTING_REMINDER_HOURS, old, sizeof old) != 1 ||
		       strcmp(old, reminders) != 0;
	if (rc == 0 && changed)
		rc = setting_set(r->db, r->actor.username, APPT_SETTING_REMINDER_HOURS, reminders, false);
	plan_write_done(r, rc, "flash.saved");
}

void h_agenda_exception_save(struct req *r)
{
	json_t *values = json_object(), *errors = json_object();
	form_check(r, exception_fields, XF__MAX, values, errors);
	bool closed = strcmp(json_str(values, "x_kind"), "closed") == 0;
	int s = min_of(json_str(values, "x_start")), e = min_of(json_str(values, "x_end"));
	if (!closed && !json_object_get(errors, "x_kind")) {
		if (!*json_str(values, "x_start"))
			form_error(r, errors, &exception_fields[XF_START], "error.required");
		if (!*json_str(values, "x_end"))
			form_error(r, errors, &exception_fields[XF_END], "error.required");
		if (!json_object_size(errors) && s >= e)
			form_error(r, errors, &exception_fields[XF_END], "agenda.error.end_before_start");
	}
	int ymd = ymd_of(json_str(values, "x_date"));
	if (!json_object_get(errors, "x_date") && !ymd)
		form_error(r, errors, &exception_fields[XF_DATE], "error.date");
	if (json_object_size(errors)) {
		form_fail(r, "agenda_plan", "agenda.plan.title", plan_context(r), values, errors);
		return;
	}
	struct plan_exception x = {closed, closed ? 0 : s, closed ? 0 : e};
	if (db_begin_write(r->db) != 0) {
		json_decref(values);
		json_decref(errors);
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	int64_t rc = agenda_exception_set(r->db, r->actor.username, ymd, &x, json_str(values, "x_note"));
	json_decref(values);
	json_decref(errors);
	plan_write_done(r, rc, "flash.saved");
}

void h_agenda_exception_delete(struct req *r)
{
	if (db_begin_write(r->db) != 0) {
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	plan_write_done(r, agenda_exception_delete(r->db, r->actor.username, req_arg_id(r, 0)),
			"agenda.flash.deleted");
}

/* ---- iCalendar feeds ---- */

static const char *const feed_scopes[] = {"full", "public", NULL};
static const char *const feed_langs[] = {"tr", "en", NULL};

enum { FF_NAME, FF_SCOPE, FF_LANG, FF__MAX };
static const struct field feed_fields[FF__MAX] = {
	[FF_NAME] = {"name", F_TEXT, true, 100, NULL, "agenda.feeds.name", 0, 0},
	[FF_SCOPE] = {"scope", F_ENUM, true, 0, feed_scopes, "agenda.feeds.scope", 0, 0},
	[FF_LANG] = {"lang", F_ENUM, false, 0, feed_langs, "agenda.feeds.lang", 0, 0},
};

static json_t *feeds_context(struct req *r)
{
	json_t *feeds = agenda_feed_list(r->db), *f;
	size_t i;
	json_array_foreach(feeds, i, f)
	{
		char when[96];
		page_format_time(r, num(f, "created_at"), when, sizeof when);
		set_text(f, "created_display", when);
		set_text(f, "used_display", "");
		set_text(f, "revoked_display", "");
		json_t *used = json_object_get(f, "last_used_at");
		if (json_is_integer(used)) {
			page_format_time(r, json_integer_value(used), when, sizeof when);
			set_text(f, "used_display", when);
		}
		json_t *revoked = json_object_get(f, "revoked_at");
		json_object_set_new(f, "active", json_boolean(json_is_null(revoked)));
		if (json_is_integer(revoked)) {
			page_format_time(r, json_integer_value(revoked), when, sizeof when);
			set_text(f, "revoked_display", when);
		}
		set_label(r, f, "scope_label", "agenda.feeds.scope.", json_str(f, "scope"));
	}
	return json_pack("{s:b,s:o}", "has_feeds", json_array_size(feeds) > 0, "feeds", feeds);
}

void h_agenda_feeds(struct req *r)
{
	page_render(r, 200, "agenda_feeds", "agenda.feeds.title", feeds_context(r));
}

void h_agenda_feed_create(struct req *r)
{
	json_t *values = json_object(), *errors = json_object();
	if (form_check(r, feed_fields, FF__MAX, values, errors)) {
		form_fail(r, "agenda_feeds", "agenda.feeds.title", feeds_context(r), values, errors);
		return;
	}
	const char *lang = *json_str(values, "lang") ? json_str(values, "lang") : lang_code(r->lang);
	char token[TOKEN_CHARS + 1];
	if (db_begin_write(r->db) != 0) {
		json_decref(values);
		json_decref(errors);
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	int64_t id = agenda_feed_create(r->db, r->actor.username, json_str(values, "name"), json_str(values, "scope"),
					lang, token);
	json_decref(values);
	json_decref(errors);
	if (id <= 0 || db_commit(r->db) != 0) {
		db_rollback(r->db);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	/* The URL is shown now and never again: only the token's hash is kept. */
	const char *host = req_header(r, "Host");
	char url[256];
	snprintf(url, sizeof url, "%s://%s/ical/%s.ics", r->tls ? "https" : "http", host ? host : "localhost", token);
	json_t *ctx = feeds_context(r);
	json_object_set_new(ctx, "new_url", json_string(url));
	page_render(r, 201, "agenda_feeds", "agenda.feeds.title", ctx);
}

void h_agenda_feed_revoke(struct req *r)
{
	if (db_begin_write(r->db) != 0) {
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	int rc = agenda_feed_revoke(r->db, r->actor.username, req_arg_id(r, 0));
	if (rc == 0 && db_commit(r->db) == 0) {
		page_flash(r, "agenda.flash.feed_revoked");
		resp_redirect(r, "/agenda/feeds");
		return;
	}
	db_rollback(r->db);
	if (rc == AGENDA_NOT_FOUND)
		resp_error(r, 404, "not_found", "error.not_found");
	else
		resp_error(r, 500, "internal", "error.internal");
}

void h_ical_feed(struct req *r)
{
	/* The route's one argument is "<token>.ics" (the ".ics" is optional). */
	char token[TOKEN_CHARS + 8];
	const char *arg = r->n_path_args ? r->path_args[0] : "";
	size_t len = strcspn(arg, "/");
	if (len >= 4 && strncmp(arg + len - 4, ".ics", 4) == 0)
		len -= 4;
	json_t *feed = NULL;
	if (len == TOKEN_CHARS) {
		memcpy(token, arg, len);
		token[len] = '\0';
		feed = agenda_feed_find(r->db, token);
	}
	if (!feed) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	int64_t now = (int64_t)time(NULL);
	enum lang lang = lang_from_code(json_str(feed, "lang"));
	json_t *items = agenda_list(r->db, now - (int64_t)FEED_PAST_DAYS * DAY_SEC,
				    now + (int64_t)FEED_FUTURE_DAYS * DAY_SEC, true);
	size_t n = json_array_size(items);
	struct agenda_item *list = xcalloc(n ? n : 1, sizeof *list);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (agenda_item_from_json(json_array_get(items, i), &list[k]) == 0)
			k++;
	struct ical_feed_options opt = {i18n_get(lang, "agenda.feed.calendar_name"),
					strcmp(json_str(feed, "scope"), "public") == 0, lang, now};
	buf_reset(&r->resp);
	int rc = ical_feed(&r->resp, list, k, &opt);
	free(list);
	json_decref(items);
	json_t *used = json_object_get(feed, "last_used_at");
	agenda_feed_touch(r->db, num(feed, "id"), json_is_integer(used) ? json_integer_value(used) : 0, now);
	json_decref(feed);
	if (rc != 0) {
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	r->status = 200;
	r->resp_type = "text/calendar; charset=utf-8";
	resp_header(r, "Content-Disposition", "inline; filename=\"ajanda.ics\"");
}

/* ---- JSON API ---- */

/* 422 naming one bad query parameter. */
static void api_invalid(struct req *r, const char *field, const char *key)
{
	resp_json(r, 422, json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "invalid", "message", i18n_get(r->lang, key),
				    "field", field));
}

static const char *reason_name(enum slot_reason why)
{
	switch (why) {
	case SLOT_REASON_NONE:
		return NULL;
	case SLOT_REASON_FULL:
		return "full";
	case SLOT_REASON_NO_PLAN:
		return "no_plan";
	case SLOT_REASON_HOLIDAY:
		return "holiday";
	case SLOT_REASON_CLOSED:
		return "closed";
	case SLOT_REASON_CAP:
		return "cap";
	case SLOT_REASON_PAST:
		return "past";
	case SLOT_REASON_INVALID:
		return "invalid";
	}
	return NULL;
}

/* "morning", "afternoon" or "HH:MM-HH:MM" -> p; false if none of these. */
static bool parse_prefer(const char *s, struct slot_preference *p)
{
	static const struct slot_preference morning = SLOT_PREFER_MORNING, afternoon = SLOT_PREFER_AFTERNOON;
	if (strcmp(s, "morning") == 0) {
		*p = morning;
		return true;
	}
	if (strcmp(s, "afternoon") == 0) {
		*p = afternoon;
		return true;
	}
	char a[6], b[6];
	if (strlen(s) != 11 || s[5] != '-')
		return false;
	memcpy(a, s, 5);
	a[5] = '\0';
	memcpy(b, s + 6, 5);
	b[5] = '\0';
	int from = min_of(a), to = min_of(b);
	if (from < 0 || to <= from)
		return false;
	*p = (struct slot_preference){0, from, to};
	return true;
}

void h_api_slots(struct req *r)
{
	int ymd = ymd_of(params_get(&r->query, "date"));
	if (!ymd) {
		api_invalid(r, "date", "agenda.error.date_param");
		return;
	}
	const char *kind = params_get(&r->query, "kind");
	int category = -1;
	if (kind && *kind) {
		if (strcmp(kind, "citizen") == 0)
			category = AGENDA_CAT_CITIZEN;
		else if (strcmp(kind, "institution") == 0)
			category = AGENDA_CAT_INSTITUTION;
		else {
			api_invalid(r, "kind", "agenda.error.kind_param");
			return;
		}
	}
	const char *d = params_get(&r->query, "duration");
	int duration = 0;
	if (d && *d) {
		char *end;
		long v = strtol(d, &end, 10);
		if (*end || v < 1 || v > 720) {
			api_invalid(r, "duration", "agenda.error.duration_param");
			return;
		}
		duration = (int)v;
	} else if (category < 0) {
		api_invalid(r, "duration", "agenda.error.duration_param");
		return;
	}
	struct slot_preference prefer;
	const char *p = params_get(&r->query, "prefer");
	bool has_prefer = p && *p;
	if (has_prefer && !parse_prefer(p, &prefer)) {
		api_invalid(r, "prefer", "agenda.error.prefer_param");
		return;
	}
	struct agenda_slot_request req = {duration, category, (int64_t)time(NULL), has_prefer ? &prefer : NULL,
					  has_prefer ? 1 : 0};
	struct slot *slots = xmalloc(SLOTS_MAX_PER_DAY * sizeof *slots);
	enum slot_reason why;
	int used = 0;
	int n = agenda_find_slots(r->db, ymd, &req, slots, SLOTS_MAX_PER_DAY, &why, &used);
	if (n < 0) {
		free(slots);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	json_t *list = json_array();
	for (int i = 0; i < n; i++) {
		char s[ISO_TIME_SIZE], e[ISO_TIME_SIZE];
		iso_time_format(slots[i].start, s);
		iso_time_format(slots[i].end, e);
		json_array_append_new(list, json_pack("{s:s,s:s,s:b}", "start", s, "end", e, "preferred",
						      slots[i].preferred));
	}
	free(slots);
	char date[ISO_DATE_SIZE];
	date_text(ymd, date);
	const char *reason = reason_name(why);
	resp_json(r, 200, json_pack("{s:s,s:i,s:s?,s:o,s:s?}", "date", date, "duration", used, "kind",
				    category < 0 ? NULL : kind, "slots", list, "reason", reason));
}

/* ?name= as a date (its local midnight) or an ISO 8601 time into *t; *given (OUT) whether it was there (else *t
 * is untouched). Returns 0, or -1 when it is neither. */
static int time_param(struct req *r, const char *name, int64_t *t, bool *given)
{
	const char *s = params_get(&r->query, name);
	*given = s && *s;
	if (!*given)
		return 0;
	int ymd = ymd_of(s);
	if (ymd) {
		*t = unix_from_ymd_min(ymd, 0);
		return 0;
	}
	return iso_time_parse(s, t);
}

void h_api_agenda(struct req *r)
{
	int64_t from = unix_from_ymd_min(today_ymd(), 0), to = 0;
	bool has_from, has_to;
	if (time_param(r, "from", &from, &has_from) != 0) {
		api_invalid(r, "from", "agenda.error.datetime");
		return;
	}
	if (time_param(r, "to", &to, &has_to) != 0) {
		api_invalid(r, "to", "agenda.error.datetime");
		return;
	}
	if (!has_to)
		to = from + 7 * DAY_SEC;
	else if (ymd_of(params_get(&r->query, "to")))
		to += DAY_SEC; /* a date "to" includes that day */
	if (to <= from || to - from > (int64_t)API_RANGE_MAX_DAYS * DAY_SEC) {
		api_invalid(r, "to", "agenda.error.range_param");
		return;
	}
	const char *c = params_get(&r->query, "cancelled");
	json_t *items = agenda_list(r->db, from, to, c && strcmp(c, "1") == 0), *it;
	size_t i;
	json_array_foreach(items, i, it)
	{
		agenda_item_mask(r, it);
	}
	char f[ISO_TIME_SIZE], t[ISO_TIME_SIZE];
	iso_time_format(from, f);
	iso_time_format(to, t);
	resp_json(r, 200, json_pack("{s:s,s:s,s:o}", "from", f, "to", t, "items", items));
}

void h_api_engagement(struct req *r)
{
	json_t *it = agenda_item_get(r->db, req_arg_id(r, 0));
	if (!it || strcmp(json_str(it, "kind"), "engagement") != 0) {
		json_decref(it);
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	resp_json(r, 200, agenda_item_mask(r, it));
}

void h_api_engagement_create(struct req *r)
{
	save_engagement(r, 0);
}

void h_api_engagement_update(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *it = id ? agenda_item_get(r->db, id) : NULL;
	if (!it || strcmp(json_str(it, "kind"), "engagement") != 0) {
		json_decref(it);
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	json_decref(it);
	save_engagement(r, id);
}

void h_api_engagement_cancel(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *it = id ? agenda_item_get(r->db, id) : NULL;
	if (!it || strcmp(json_str(it, "kind"), "engagement") != 0) {
		json_decref(it);
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	json_decref(it);
	if (cancel_engagement(r, id) != 0)
		return;
	resp_json(r, 200, agenda_item_mask(r, agenda_item_get(r->db, id)));
}
