/* agenda.c: SQL of the Mayor's programme: plan, exceptions, items and their booking, settings, iCalendar feeds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/isotime.h"
#include "store/agenda.h"
#include "store/audit.h"
#include "store/setup.h"
#include "util/log.h"
#include "util/xalloc.h"

#define DAY_SEC 86400
#define MAX_LEN_SEC ((int64_t)AGENDA_ITEM_MAX_DAYS * DAY_SEC)

/* ---- names ---- */

static const char *const kind_names[AGENDA_KIND__MAX] = {"engagement", "appointment"};
static const char *const category_names[AGENDA_CAT__MAX] = {"council", "ceremony", "travel", "site_visit",
							     "meeting", "other", "institution", "citizen"};
static const char *const status_names[AGENDA_STATUS__MAX] = {"scheduled", "cancelled", "held", "no_show"};
const char *const agenda_engagement_categories[] = {"council", "ceremony", "travel", "site_visit",
						    "meeting", "other", NULL};

static int index_of(const char *const *names, int n, const char *name)
{
	for (int i = 0; name && i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *agenda_kind_name(enum agenda_kind kind)
{
	return (unsigned)kind < AGENDA_KIND__MAX ? kind_names[kind] : "";
}

const char *agenda_category_name(enum agenda_category category)
{
	return (unsigned)category < AGENDA_CAT__MAX ? category_names[category] : "";
}

const char *agenda_status_name(enum agenda_status status)
{
	return (unsigned)status < AGENDA_STATUS__MAX ? status_names[status] : "";
}

int agenda_kind_from_name(const char *name)
{
	return index_of(kind_names, AGENDA_KIND__MAX, name);
}

int agenda_category_from_name(const char *name)
{
	return index_of(category_names, AGENDA_CAT__MAX, name);
}

int agenda_status_from_name(const char *name)
{
	return index_of(status_names, AGENDA_STATUS__MAX, name);
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* ---- settings ---- */

static const char SQL_SETTINGS[] = "SELECT key, value FROM settings WHERE key >= 'agenda.' AND key < 'agenda/'";

static void settings_defaults(struct agenda_settings *s)
{
	s->buffer_min = AGENDA_SETTING_BUFFER_DEFAULT;
	s->duration_institution_min = AGENDA_SETTING_DURATION_INSTITUTION_DEFAULT;
	s->duration_citizen_min = AGENDA_SETTING_DURATION_CITIZEN_DEFAULT;
	s->citizen_daily_cap = AGENDA_SETTING_CITIZEN_CAP_DEFAULT;
	s->granularity_min = AGENDA_SETTING_GRANULARITY_DEFAULT;
}

/* A setting's text as an integer in [min, max], else dflt. */
static int setting_int(const char *text, int min, int max, int dflt)
{
	char *end;
	long v = strtol(text, &end, 10);
	return *text && !*end && v >= min && v <= max ? (int)v : dflt;
}

int agenda_settings_load(struct db *db, struct agenda_settings *s)
{
	settings_defaults(s);
	struct db_stmt *st = db_prep(db, SQL_SETTINGS);
	if (!st)
		return -1;
	enum db_rc rc;
	while ((rc = db_step(st)) == DB_ROW) {
		const char *key = db_col_text(st, 0), *value = db_col_text(st, 1);
		if (strcmp(key, AGENDA_SETTING_BUFFER) == 0)
			s->buffer_min = setting_int(value, 0, 240, s->buffer_min);
		else if (strcmp(key, AGENDA_SETTING_DURATION_INSTITUTION) == 0)
			s->duration_institution_min = setting_int(value, 5, 480, s->duration_institution_min);
		else if (strcmp(key, AGENDA_SETTING_DURATION_CITIZEN) == 0)
			s->duration_citizen_min = setting_int(value, 5, 480, s->duration_citizen_min);
		else if (strcmp(key, AGENDA_SETTING_CITIZEN_CAP) == 0)
			s->citizen_daily_cap = setting_int(value, 0, 1000, s->citizen_daily_cap);
		else if (strcmp(key, AGENDA_SETTING_GRANULARITY) == 0)
			s->granularity_min = setting_int(value, 1, 240, s->granularity_min);
	}
	return rc == DB_OK ? 0 : -1;
}

int agenda_settings_save(struct db *db, const char *actor, const struct agenda_settings *s)
{
	const struct {
		const char *key;
		int value;
	} items[] = {
		{AGENDA_SETTING_BUFFER, s->buffer_min},
		{AGENDA_SETTING_DURATION_INSTITUTION, s->duration_institution_min},
		{AGENDA_SETTING_DURATION_CITIZEN, s->duration_citizen_min},
		{AGENDA_SETTING_CITIZEN_CAP, s->citizen_daily_cap},
		{AGENDA_SETTING_GRANULARITY, s->granularity_min},
	};
	struct agenda_settings old;
	if (agenda_settings_load(db, &old) != 0)
		return -1;
	const int before[] = {old.buffer_min, old.duration_institution_min, old.duration_citizen_min,
			      old.citizen_daily_cap, old.granularity_min};
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		if (items[i].value == before[i])
			continue;
		char text[16];
		snprintf(text, sizeof text, "%d", items[i].value);
		if (setting_set(db, actor, items[i].key, text, false) != 0)
			return -1;
	}
	return 0;
}

/* ---- items as JSON ---- */

#define ITEM_COLS                                                                                                    \
	"id, kind, category, title, location, notes, starts_at, ends_at, is_public, status, source_type, source_id, " \
	"sequence, created_at, created_by, updated_at, updated_by"
static const char SQL_ITEM_GET[] = "SELECT " ITEM_COLS " FROM agenda_items WHERE id = ?";
static const char SQL_ITEM_RANGE[] = "SELECT " ITEM_COLS " FROM agenda_items WHERE starts_at >= ? AND starts_at < ? "
				     "AND ends_at > ? AND (? = 1 OR status <> 'cancelled') ORDER BY starts_at, id";

static json_t *item_row(struct db_stmt *st)
{
	char start[ISO_TIME_SIZE], end[ISO_TIME_SIZE];
	iso_time_format(db_col_int(st, 6), start);
	iso_time_format(db_col_int(st, 7), end);
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:s,s:b,s:s,s:s,s:I,s:I,s:I,s:s,s:I,s:s}", "id",
			 db_col_int(st, 0), "kind", db_col_text(st, 1), "category", db_col_text(st, 2), "title",
			 db_col_text(st, 3), "location", db_col_text(st, 4), "notes", db_col_text(st, 5), "starts_at",
			 db_col_int(st, 6), "ends_at", db_col_int(st, 7), "start", start, "end", end, "public",
			 db_col_int(st, 8) != 0, "status", db_col_text(st, 9), "source_type", db_col_text(st, 10),
			 "source_id", db_col_int(st, 11), "sequence", db_col_int(st, 12), "created_at",
			 db_col_int(st, 13), "created_by", db_col_text(st, 14), "updated_at", db_col_int(st, 15),
			 "updated_by", db_col_text(st, 16));
}

json_t *agenda_item_get(struct db *db, int64_t id)
{
	struct db_stmt *st = db_prep(db, SQL_ITEM_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	json_t *o = db_step(st) == DB_ROW ? item_row(st) : NULL;
	db_reset(st);
	return o;
}

int agenda_item_from_json(const json_t *o, struct agenda_item *item)
{
	memset(item, 0, sizeof *item);
	if (!json_is_object(o))
		return -1;
	int kind = agenda_kind_from_name(json_string_value(json_object_get(o, "kind")));
	int category = agenda_category_from_name(json_string_value(json_object_get(o, "category")));
	int status = agenda_status_from_name(json_string_value(json_object_get(o, "status")));
	if (kind < 0 || category < 0 || status < 0)
		return -1;
	item->id = json_integer_value(json_object_get(o, "id"));
	item->kind = (enum agenda_kind)kind;
	item->category = (enum agenda_category)category;
	item->status = (enum agenda_status)status;
	item->title = json_string_value(json_object_get(o, "title"));
	item->location = json_string_value(json_object_get(o, "location"));
	item->notes = json_string_value(json_object_get(o, "notes"));
	item->starts_at = json_integer_value(json_object_get(o, "starts_at"));
	item->ends_at = json_integer_value(json_object_get(o, "ends_at"));
	item->is_public = json_is_true(json_object_get(o, "public"));
	item->source_type = json_string_value(json_object_get(o, "source_type"));
	item->source_id = json_integer_value(json_object_get(o, "source_id"));
	item->sequence = (int)json_integer_value(json_object_get(o, "sequence"));
	item->created_at = json_integer_value(json_object_get(o, "created_at"));
	item->updated_at = json_integer_value(json_object_get(o, "updated_at"));
	return 0;
}

json_t *agenda_list(struct db *db, int64_t from, int64_t to, bool with_cancelled)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_ITEM_RANGE);
	if (!st)
		return list;
	db_bind_int(st, 1, from - MAX_LEN_SEC);
	db_bind_int(st, 2, to);
	db_bind_int(st, 3, from);
	db_bind_int(st, 4, with_cancelled);
	while (db_step(st) == DB_ROW)
		json_array_append_new(list, item_row(st));
	return list;
}

/* ---- busy time ---- */

/* Items occupying time: not cancelled. The index agenda_items_time answers it alone. */
static const char SQL_BUSY[] = "SELECT id, kind, category, starts_at, ends_at FROM agenda_items "
			       "WHERE starts_at >= ? AND starts_at < ? AND ends_at > ? AND status <> 'cancelled' "
			       "AND id <> ? ORDER BY starts_at";

struct busy_list {
	struct slot_busy *items;
	size_t n, cap;
	int citizen_from_count;  /* citizen appointments starting in [count_from, count_to) */
	int64_t count_from, count_to;
};

/* Loads the busy items overlapping [from, to), item exclude_id left out, into b (appending). Returns 0 or -1. */
static int load_busy(struct db *db, int64_t from, int64_t to, int64_t exclude_id, struct busy_list *b)
{
	struct db_stmt *st = db_prep(db, SQL_BUSY);
	if (!st)
		return -1;
	db_bind_int(st, 1, from - MAX_LEN_SEC);
	db_bind_int(st, 2, to);
	db_bind_int(st, 3, from);
	db_bind_int(st, 4, exclude_id);
	enum db_rc rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (b->n == b->cap) {
			b->cap = b->cap ? b->cap * 2 : 32;
			b->items = xrealloc(b->items, b->cap * sizeof *b->items);
		}
		bool appointment = strcmp(db_col_text(st, 1), "appointment") == 0;
		int64_t start = db_col_int(st, 3);
		b->items[b->n++] = (struct slot_busy){start, db_col_int(st, 4), db_col_int(st, 0), appointment};
		if (appointment && strcmp(db_col_text(st, 2), "citizen") == 0 && start >= b->count_from &&
		    start < b->count_to)
			b->citizen_from_count++;
	}
	return rc == DB_OK ? 0 : -1;
}

/* ---- a day ---- */

static const char SQL_PLAN_DAY[] = "SELECT weekday, kind, start_min, end_min, name FROM agenda_plan "
				   "WHERE weekday = ? ORDER BY start_min, id";
static const char SQL_EXCEPTION_DAY[] = "SELECT closed, start_min, end_min, note FROM agenda_exceptions "
					"WHERE ymd = ?";
/* holidays.ymd is unique, so the one row is the day's holiday (bizcal_holiday's full-over-half rule is moot);
 * reading one row instead of bizcal_load's whole table keeps /api/v1/slots fast. */
static const char SQL_HOLIDAY_DAY[] = "SELECT half_day, name FROM holidays WHERE ymd = ?";

static void copy_text(char *dst, size_t dstsz, const char *src)
{
	size_t n = strlen(src);
	if (n >= dstsz) { /* cut between UTF-8 characters */
		n = dstsz - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int agenda_day_load(struct db *db, int ymd, int64_t exclude_id, struct agenda_day *d)
{
	memset(d, 0, sizeof *d);
	struct plan_period plan[SLOTS_MAX_PERIODS];
	size_t n_plan = 0;
	struct busy_list b = {0};
	if (agenda_settings_load(db, &d->settings) != 0)
		goto fail;

	struct db_stmt *st = db_prep(db, SQL_PLAN_DAY);
	if (!st)
		goto fail;
	db_bind_int(st, 1, ymd_weekday(ymd));
	enum db_rc rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n_plan == SLOTS_MAX_PERIODS)
			continue;
		copy_text(d->break_names[n_plan], sizeof d->break_names[0], db_col_text(st, 4));
		plan[n_plan] = (struct plan_period){(int)db_col_int(st, 0), strcmp(db_col_text(st, 1), "break") == 0,
						    (int)db_col_int(st, 2), (int)db_col_int(st, 3),
						    d->break_names[n_plan]};
		n_plan++;
	}
	if (rc != DB_OK)
		goto fail;

	st = db_prep(db, SQL_EXCEPTION_DAY);
	if (!st)
		goto fail;
	db_bind_int(st, 1, ymd);
	rc = db_step(st);
	if (rc == DB_ROW) {
		d->has_exception = true;
		d->exception = (struct plan_exception){db_col_int(st, 0) != 0, (int)db_col_int(st, 1),
						       (int)db_col_int(st, 2)};
		copy_text(d->exception_note, sizeof d->exception_note, db_col_text(st, 3));
		db_reset(st);
	} else if (rc != DB_OK) {
		goto fail;
	}

	st = db_prep(db, SQL_HOLIDAY_DAY);
	if (!st)
		goto fail;
	db_bind_int(st, 1, ymd);
	rc = db_step(st);
	if (rc == DB_ROW) {
		d->has_holiday = true;
		d->holiday.ymd = ymd;
		d->holiday.half_day = db_col_int(st, 0) != 0;
		copy_text(d->holiday.name, sizeof d->holiday.name, db_col_text(st, 1));
		db_reset(st);
	} else if (rc != DB_OK) {
		goto fail;
	}

	slots_day_build(&d->day, ymd, plan, n_plan, d->has_exception ? &d->exception : NULL,
			d->has_holiday ? &d->holiday : NULL);

	int64_t midnight = unix_from_ymd_min(ymd, 0), buffer = (int64_t)d->settings.buffer_min * 60;
	b.count_from = midnight;
	b.count_to = midnight + DAY_SEC;
	if (load_busy(db, midnight - buffer, midnight + DAY_SEC + buffer, exclude_id, &b) != 0)
		goto fail;
	d->busy = b.items;
	d->n_busy = b.n;
	d->citizen_appointments = b.citizen_from_count;
	return 0;
fail:
	free(b.items);
	memset(d, 0, sizeof *d);
	return -1;
}

void agenda_day_free(struct agenda_day *d)
{
	free(d->busy);
	d->busy = NULL;
	d->n_busy = 0;
}

int agenda_citizen_count(struct db *db, int ymd)
{
	int64_t midnight = unix_from_ymd_min(ymd, 0);
	struct busy_list b = {.count_from = midnight, .count_to = midnight + DAY_SEC};
	int rc = load_busy(db, midnight, midnight + DAY_SEC, 0, &b);
	free(b.items);
	return rc == 0 ? b.citizen_from_count : -1;
}

/* ---- slots ---- */

static int default_duration(const struct agenda_settings *s, int category)
{
	if (category == AGENDA_CAT_CITIZEN)
		return s->duration_citizen_min;
	if (category == AGENDA_CAT_INSTITUTION)
		return s->duration_institution_min;
	return 0;
}

static bool cap_reached(const struct agenda_day *d, int category)
{
	return category == AGENDA_CAT_CITIZEN && d->settings.citizen_daily_cap > 0 &&
	       d->citizen_appointments >= d->settings.citizen_daily_cap;
}

/* The slots of a loaded day. */
static size_t day_slots(const struct agenda_day *d, const struct agenda_slot_request *req, struct slot *out,
			size_t max, enum slot_reason *why, int *duration_min)
{
	int duration = req->duration_min > 0 ? req->duration_min : default_duration(&d->settings, req->category);
	if (duration_min)
		*duration_min = duration;
	struct slot_query q = {
		.duration_min = duration,
		.buffer_before_min = d->settings.buffer_min,
		.buffer_after_min = d->settings.buffer_min,
		.granularity_min = d->settings.granularity_min,
		.earliest = req->earliest,
		.prefer = req->prefer,
		.n_prefer = req->prefer ? req->n_prefer : 0,
		.cap_reached = cap_reached(d, req->category),
	};
	return slots_find(&d->day, d->busy, d->n_busy, &q, out, max, why);
}

int agenda_find_slots(struct db *db, int ymd, const struct agenda_slot_request *req, struct slot *out, size_t max,
		      enum slot_reason *why, int *duration_min)
{
	struct agenda_day d;
	*why = SLOT_REASON_NONE;
	if (agenda_day_load(db, ymd, 0, &d) != 0)
		return -1;
	size_t n = day_slots(&d, req, out, max, why, duration_min);
	agenda_day_free(&d);
	return (int)n;
}

static int by_rank(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->preferred != y->preferred)
		return x->preferred ? -1 : 1;
	return (x->start > y->start) - (x->start < y->start);
}

int agenda_propose(struct db *db, int from_ymd, int days, const struct agenda_slot_request *req, size_t per_day,
		   struct slot *out, size_t max)
{
	if (max == 0 || per_day == 0)
		return 0;
	/* Collect up to max slots from each rank: enough to fill the answer with preferred ones if they exist. */
	size_t cap = max * 2, n = 0;
	struct slot *all = xmalloc(cap * sizeof *all);
	struct slot *day_slots_buf = xmalloc(per_day * sizeof *day_slots_buf);
	size_t n_pref = 0, n_other = 0;
	int rc = 0;
	for (int i = 0; i < days && n_pref < max; i++) {
		int ymd = ymd_add_days(from_ymd, i);
		struct agenda_day d;
		if (agenda_day_load(db, ymd, 0, &d) != 0) {
			rc = -1;
			break;
		}
		enum slot_reason why;
		size_t got = day_slots(&d, req, day_slots_buf, per_day, &why, NULL);
		agenda_day_free(&d);
		for (size_t k = 0; k < got; k++) {
			bool pref = day_slots_buf[k].preferred;
			if ((pref && n_pref >= max) || (!pref && n_other >= max) || n == cap)
				continue;
			all[n++] = day_slots_buf[k];
			if (pref)
				n_pref++;
			else
				n_other++;
		}
	}
	free(day_slots_buf);
	if (rc == 0) {
		qsort(all, n, sizeof *all, by_rank);
		if (n > max)
			n = max;
		memcpy(out, all, n * sizeof *all);
		rc = (int)n;
	}
	free(all);
	return rc;
}

/* ---- conflicts and booking ---- */

static const char SQL_DAY_INSERT[] = "INSERT INTO agenda_days (ymd) VALUES (?) ON CONFLICT (ymd) DO NOTHING";
static const char SQL_DAY_LOCK[] = "SELECT ymd FROM agenda_days WHERE ymd = ? FOR UPDATE";

/* Locks the local days [from, to) touches, in date order (PostgreSQL; SQLite writers are serialised already). */
static int lock_days(struct db *db, int64_t from, int64_t to)
{
	if (db_kind(db) != DB_POSTGRES)
		return 0;
	int first = ymd_from_unix(from), last = ymd_from_unix(to > from ? to - 1 : from);
	for (int ymd = first; ymd <= last; ymd = ymd_add_days(ymd, 1)) {
		struct db_stmt *st = db_prep(db, SQL_DAY_INSERT);
		if (!st)
			return AGENDA_ERROR;
		db_bind_int(st, 1, ymd);
		enum db_rc rc = db_step(st);
		if (rc != DB_OK)
			return rc == DB_BUSY ? DB_BUSY : AGENDA_ERROR;
		st = db_prep(db, SQL_DAY_LOCK);
		if (!st)
			return AGENDA_ERROR;
		db_bind_int(st, 1, ymd);
		rc = db_step(st);
		if (rc != DB_ROW)
			return rc == DB_BUSY ? DB_BUSY : AGENDA_ERROR;
		db_reset(st);
	}
	return 0;
}

static bool item_valid(const struct agenda_item *it)
{
	if ((unsigned)it->kind >= AGENDA_KIND__MAX || (unsigned)it->category >= AGENDA_CAT__MAX)
		return false;
	bool appointment_category = it->category == AGENDA_CAT_INSTITUTION || it->category == AGENDA_CAT_CITIZEN;
	if ((it->kind == AGENDA_APPOINTMENT) != appointment_category)
		return false;
	if (!it->title || !*it->title || it->starts_at >= it->ends_at || it->ends_at - it->starts_at > MAX_LEN_SEC)
		return false;
	return true;
}

/* The busy item as conflict JSON (its title and times from the database). */
static json_t *conflict_item(struct db *db, int64_t id)
{
	json_t *o = agenda_item_get(db, id);
	if (!o)
		return json_pack("{s:I}", "id", id);
	json_t *c = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(o, "id"), "kind",
			      json_object_get(o, "kind"), "category", json_object_get(o, "category"), "title",
			      json_object_get(o, "title"), "start", json_object_get(o, "start"), "end",
			      json_object_get(o, "end"), "starts_at", json_object_get(o, "starts_at"), "ends_at",
			      json_object_get(o, "ends_at"), "public", json_object_get(o, "public"));
	json_decref(o);
	return c;
}

/* Computes item's conflicts (item exclude_id left out) into *out (a fresh array); *hard (OUT) whether one of them
 * is hard. Returns 0 or AGENDA_ERROR. */
static int find_conflicts(struct db *db, const struct agenda_item *item, int64_t exclude_id, json_t **out,
			  bool *hard)
{
	*out = NULL;
	*hard = false;
	bool appointment = item->kind == AGENDA_APPOINTMENT;
	struct agenda_day d;
	int ymd = ymd_from_unix(item->starts_at);
	if (agenda_day_load(db, ymd, exclude_id, &d) != 0)
		return AGENDA_ERROR;
	int64_t buffer = appointment ? (int64_t)d.settings.buffer_min * 60 : 0;
	struct busy_list b = {0};
	if (load_busy(db, item->starts_at - buffer, item->ends_at + buffer, exclude_id, &b) != 0) {
		agenda_day_free(&d);
		return AGENDA_ERROR;
	}
	int buffer_min = appointment ? d.settings.buffer_min : 0;
	bool cap = appointment && cap_reached(&d, item->category);
	struct slot_conflict found[64];
	size_t n;
	slots_conflicts(appointment ? &d.day : NULL, b.items, b.n, item->starts_at, item->ends_at, buffer_min,
			buffer_min, cap, found, sizeof found / sizeof found[0], &n);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct slot_conflict *c = &found[i];
		json_t *o = NULL;
		char start[ISO_TIME_SIZE], end[ISO_TIME_SIZE];
		switch (c->kind) {
		case SLOT_CONFLICT_OVERLAP:
		case SLOT_CONFLICT_BUFFER: {
			bool both_appointments = appointment && b.items[c->index].appointment;
			bool is_hard = c->kind == SLOT_CONFLICT_OVERLAP && both_appointments;
			*hard = *hard || is_hard;
			o = json_pack("{s:s,s:b,s:o}", "type", c->kind == SLOT_CONFLICT_OVERLAP ? "overlap" : "buffer",
				      "hard", is_hard, "item", conflict_item(db, b.items[c->index].id));
			break;
		}
		case SLOT_CONFLICT_BREAK: {
			const struct slot_period *p = &d.day.breaks[c->index];
			iso_time_format(p->start, start);
			iso_time_format(p->end, end);
			o = json_pack("{s:s,s:b,s:s,s:s,s:s}", "type", "break", "hard", 0, "name", str_or_empty(p->name),
				      "start", start, "end", end);
			break;
		}
		case SLOT_CONFLICT_OUTSIDE_HOURS:
			o = json_pack("{s:s,s:b}", "type", "outside_hours", "hard", 0);
			break;
		case SLOT_CONFLICT_HOLIDAY:
			o = json_pack("{s:s,s:b,s:s}", "type", "holiday", "hard", 0, "name",
				      d.has_holiday ? d.holiday.name : "");
			break;
		case SLOT_CONFLICT_CLOSED:
			o = json_pack("{s:s,s:b,s:s}", "type", "closed", "hard", 0, "note", d.exception_note);
			break;
		case SLOT_CONFLICT_CAP:
			o = json_pack("{s:s,s:b,s:i}", "type", "cap", "hard", 0, "cap", d.settings.citizen_daily_cap);
			break;
		}
		if (o)
			json_array_append_new(list, o);
	}
	free(b.items);
	agenda_day_free(&d);
	*out = list;
	return 0;
}

json_t *agenda_check(struct db *db, const struct agenda_item *item, int64_t exclude_id)
{
	if (!item_valid(item))
		return json_array();
	json_t *list;
	bool hard;
	return find_conflicts(db, item, exclude_id, &list, &hard) == 0 ? list : NULL;
}

/* Locks the days of [starts_at, ends_at) widened by the buffer and checks item's conflicts; 0 when item may be
 * written, else AGENDA_CONFLICT (with *conflicts), DB_BUSY or AGENDA_ERROR. *conflicts is set (may be empty) on 0
 * and AGENDA_CONFLICT. */
static int lock_and_check(struct db *db, const struct agenda_item *item, int64_t exclude_id, bool allow_conflict,
			  json_t **conflicts)
{
	*conflicts = NULL;
	struct agenda_settings s;
	if (agenda_settings_load(db, &s) != 0)
		return AGENDA_ERROR;
	int64_t buffer = item->kind == AGENDA_APPOINTMENT ? (int64_t)s.buffer_min * 60 : 0;
	int rc = lock_days(db, item->starts_at - buffer, item->ends_at + buffer);
	if (rc != 0)
		return rc;
	bool hard;
	if (find_conflicts(db, item, exclude_id, conflicts, &hard) != 0)
		return AGENDA_ERROR;
	if (hard || (!allow_conflict && json_array_size(*conflicts) > 0))
		return AGENDA_CONFLICT;
	return 0;
}

static const char SQL_ITEM_INSERT[] =
	"INSERT INTO agenda_items (kind, category, title, location, notes, starts_at, ends_at, is_public, status, "
	"source_type, source_id, sequence, created_at, created_by, updated_at, updated_by) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, 0, ?, ?, ?, ?) RETURNING id";
static const char SQL_ITEM_UPDATE[] =
	"UPDATE agenda_items SET category = ?, title = ?, location = ?, notes = ?, starts_at = ?, ends_at = ?, "
	"is_public = ?, sequence = sequence + 1, updated_at = ?, updated_by = ? WHERE id = ? AND status = 'scheduled'";
static const char SQL_ITEM_STATUS[] = "UPDATE agenda_items SET status = ?, sequence = sequence + 1, updated_at = ?, "
				      "updated_by = ? WHERE id = ? AND status = 'scheduled'";

/* Hands *conflicts to the caller's OUT parameter, or drops it. */
static void give(json_t **out, json_t *conflicts)
{
	if (out)
		*out = conflicts;
	else
		json_decref(conflicts);
}

int64_t agenda_book(struct db *db, const char *actor, const struct agenda_item *item, bool allow_conflict,
		    json_t **conflicts)
{
	if (conflicts)
		*conflicts = NULL;
	if (!item_valid(item))
		return AGENDA_INVALID;
	json_t *found = NULL;
	int rc = lock_and_check(db, item, 0, allow_conflict, &found);
	if (rc != 0) {
		if (rc == AGENDA_CONFLICT)
			give(conflicts, found);
		else
			json_decref(found);
		return rc;
	}
	int64_t now = (int64_t)time(NULL);
	struct db_stmt *st = db_prep(db, SQL_ITEM_INSERT);
	if (!st)
		goto fail;
	int i = 1;
	db_bind_text(st, i++, agenda_kind_name(item->kind));
	db_bind_text(st, i++, agenda_category_name(item->category));
	db_bind_text(st, i++, item->title);
	db_bind_text(st, i++, str_or_empty(item->location));
	db_bind_text(st, i++, str_or_empty(item->notes));
	db_bind_int(st, i++, item->starts_at);
	db_bind_int(st, i++, item->ends_at);
	db_bind_int(st, i++, item->is_public);
	db_bind_text(st, i++, str_or_empty(item->source_type));
	db_bind_int(st, i++, item->source_id);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	if (db_step(st) != DB_ROW)
		goto fail;
	int64_t id = db_col_int(st, 0);
	while (db_step(st) == DB_ROW)
		;
	json_t *after = agenda_item_get(db, id);
	int arc = after ? audit_append(db, actor, "agenda.book", "agenda_item", id, NULL, after) : -1;
	json_decref(after);
	if (arc != 0)
		goto fail;
	give(conflicts, found);
	return id;
fail:
	json_decref(found);
	return AGENDA_ERROR;
}

/* Writes the new fields of item id (already checked to be scheduled and of item's kind) after the conflict
 * check; the audit records before and after under action. */
static int rewrite(struct db *db, const char *actor, const char *action, int64_t id, json_t *before,
		   const struct agenda_item *item, bool allow_conflict, json_t **conflicts)
{
	json_t *found = NULL;
	int rc = lock_and_check(db, item, id, allow_conflict, &found);
	if (rc != 0) {
		if (rc == AGENDA_CONFLICT)
			give(conflicts, found);
		else
			json_decref(found);
		return rc;
	}
	struct db_stmt *st = db_prep(db, SQL_ITEM_UPDATE);
	if (!st)
		goto fail;
	int i = 1;
	db_bind_text(st, i++, agenda_category_name(item->category));
	db_bind_text(st, i++, item->title);
	db_bind_text(st, i++, str_or_empty(item->location));
	db_bind_text(st, i++, str_or_empty(item->notes));
	db_bind_int(st, i++, item->starts_at);
	db_bind_int(st, i++, item->ends_at);
	db_bind_int(st, i++, item->is_public);
	db_bind_int(st, i++, (int64_t)time(NULL));
	db_bind_text(st, i++, actor);
	db_bind_int(st, i++, id);
	if (db_step(st) != DB_OK || db_changes(st) != 1)
		goto fail;
	json_t *after = agenda_item_get(db, id);
	int arc = after ? audit_append(db, actor, action, "agenda_item", id, before, after) : -1;
	json_decref(after);
	if (arc != 0)
		goto fail;
	give(conflicts, found);
	return 0;
fail:
	json_decref(found);
	return AGENDA_ERROR;
}

/* Loads item id for a change: *before (OUT) its JSON and *cur (OUT) the item borrowing from it. Returns 0,
 * AGENDA_NOT_FOUND or AGENDA_STATE (not scheduled). */
static int load_for_change(struct db *db, int64_t id, json_t **before, struct agenda_item *cur)
{
	*before = agenda_item_get(db, id);
	if (!*before || agenda_item_from_json(*before, cur) != 0) {
		json_decref(*before);
		*before = NULL;
		return AGENDA_NOT_FOUND;
	}
	if (cur->status != AGENDA_SCHEDULED)
		return AGENDA_STATE;
	return 0;
}

int agenda_update(struct db *db, const char *actor, int64_t id, const struct agenda_item *item, bool allow_conflict,
		  json_t **conflicts)
{
	if (conflicts)
		*conflicts = NULL;
	json_t *before;
	struct agenda_item cur;
	int rc = load_for_change(db, id, &before, &cur);
	if (rc != 0)
		goto out;
	if (item->kind != cur.kind || strcmp(str_or_empty(item->source_type), str_or_empty(cur.source_type)) != 0 ||
	    item->source_id != cur.source_id) {
		rc = AGENDA_STATE;
		goto out;
	}
	if (!item_valid(item)) {
		rc = AGENDA_INVALID;
		goto out;
	}
	rc = rewrite(db, actor, "agenda.update", id, before, item, allow_conflict, conflicts);
out:
	json_decref(before);
	return rc;
}

int agenda_reschedule(struct db *db, const char *actor, int64_t id, int64_t starts_at, int64_t ends_at,
		      bool allow_conflict, json_t **conflicts)
{
	if (conflicts)
		*conflicts = NULL;
	json_t *before;
	struct agenda_item cur;
	int rc = load_for_change(db, id, &before, &cur);
	if (rc != 0)
		goto out;
	cur.starts_at = starts_at;
	cur.ends_at = ends_at;
	if (!item_valid(&cur)) {
		rc = AGENDA_INVALID;
		goto out;
	}
	rc = rewrite(db, actor, "agenda.reschedule", id, before, &cur, allow_conflict, conflicts);
out:
	json_decref(before);
	return rc;
}

int agenda_set_status(struct db *db, const char *actor, int64_t id, enum agenda_status status)
{
	json_t *before;
	struct agenda_item cur;
	int rc = load_for_change(db, id, &before, &cur);
	if (rc != 0)
		goto out;
	if (status == AGENDA_SCHEDULED || (unsigned)status >= AGENDA_STATUS__MAX) {
		rc = AGENDA_STATE;
		goto out;
	}
	rc = lock_days(db, cur.starts_at, cur.ends_at);
	if (rc != 0)
		goto out;
	struct db_stmt *st = db_prep(db, SQL_ITEM_STATUS);
	rc = AGENDA_ERROR;
	if (!st)
		goto out;
	db_bind_text(st, 1, agenda_status_name(status));
	db_bind_int(st, 2, (int64_t)time(NULL));
	db_bind_text(st, 3, actor);
	db_bind_int(st, 4, id);
	if (db_step(st) != DB_OK || db_changes(st) != 1)
		goto out;
	char action[32];
	snprintf(action, sizeof action, "agenda.%s", status == AGENDA_CANCELLED ? "cancel" : agenda_status_name(status));
	json_t *after = agenda_item_get(db, id);
	rc = after && audit_append(db, actor, action, "agenda_item", id, before, after) == 0 ? 0 : AGENDA_ERROR;
	json_decref(after);
out:
	json_decref(before);
	return rc;
}

/* ---- plan and exceptions ---- */

static const char SQL_PLAN_ALL[] = "SELECT id, weekday, kind, start_min, end_min, name FROM agenda_plan "
				   "ORDER BY weekday, start_min, id";
static const char SQL_PLAN_GET[] = "SELECT id, weekday, kind, start_min, end_min, name FROM agenda_plan WHERE id = ?";
static const char SQL_PLAN_INSERT[] = "INSERT INTO agenda_plan (weekday, kind, start_min, end_min, name) "
				      "VALUES (?, ?, ?, ?, ?) RETURNING id";
static const char SQL_PLAN_DELETE[] = "DELETE FROM agenda_plan WHERE id = ?";

static json_t *plan_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:i,s:s,s:i,s:i,s:s}", "id", db_col_int(st, 0), "weekday", (int)db_col_int(st, 1),
			 "kind", db_col_text(st, 2), "start_min", (int)db_col_int(st, 3), "end_min",
			 (int)db_col_int(st, 4), "name", db_col_text(st, 5));
}

json_t *agenda_plan_list(struct db *db)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_PLAN_ALL);
	if (!st)
		return list;
	while (db_step(st) == DB_ROW)
		json_array_append_new(list, plan_row(st));
	return list;
}

static json_t *plan_get(struct db *db, int64_t id)
{
	struct db_stmt *st = db_prep(db, SQL_PLAN_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	json_t *o = db_step(st) == DB_ROW ? plan_row(st) : NULL;
	db_reset(st);
	return o;
}

int64_t agenda_plan_add(struct db *db, const char *actor, const struct plan_period *p)
{
	if (p->weekday < 0 || p->weekday > 6 || p->start_min < 0 || p->end_min > 24 * 60 || p->start_min >= p->end_min)
		return AGENDA_INVALID;
	struct db_stmt *st = db_prep(db, SQL_PLAN_INSERT);
	if (!st)
		return AGENDA_ERROR;
	db_bind_int(st, 1, p->weekday);
	db_bind_text(st, 2, p->is_break ? "break" : "work");
	db_bind_int(st, 3, p->start_min);
	db_bind_int(st, 4, p->end_min);
	db_bind_text(st, 5, str_or_empty(p->name));
	if (db_step(st) != DB_ROW)
		return AGENDA_ERROR;
	int64_t id = db_col_int(st, 0);
	while (db_step(st) == DB_ROW)
		;
	json_t *after = plan_get(db, id);
	int arc = after ? audit_append(db, actor, "agenda_plan.add", "agenda_plan", id, NULL, after) : -1;
	json_decref(after);
	return arc == 0 ? id : AGENDA_ERROR;
}

int agenda_plan_delete(struct db *db, const char *actor, int64_t id)
{
	json_t *before = plan_get(db, id);
	if (!before)
		return AGENDA_NOT_FOUND;
	int rc = AGENDA_ERROR;
	struct db_stmt *st = db_prep(db, SQL_PLAN_DELETE);
	if (!st)
		goto out;
	db_bind_int(st, 1, id);
	if (db_step(st) != DB_OK || db_changes(st) != 1)
		goto out;
	rc = audit_append(db, actor, "agenda_plan.delete", "agenda_plan", id, before, NULL) == 0 ? 0 : AGENDA_ERROR;
out:
	json_decref(before);
	return rc;
}

#define EXC_COLS "id, ymd, closed, start_min, end_min, note"
static const char SQL_EXC_LIST[] = "SELECT " EXC_COLS " FROM agenda_exceptions WHERE ymd >= ? ORDER BY ymd LIMIT ?";
static const char SQL_EXC_GET[] = "SELECT " EXC_COLS " FROM agenda_exceptions WHERE id = ?";
static const char SQL_EXC_BY_DAY[] = "SELECT " EXC_COLS " FROM agenda_exceptions WHERE ymd = ?";
static const char SQL_EXC_INSERT[] = "INSERT INTO agenda_exceptions (ymd, closed, start_min, end_min, note, "
				     "created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
				     "RETURNING id";
static const char SQL_EXC_UPDATE[] = "UPDATE agenda_exceptions SET closed = ?, start_min = ?, end_min = ?, note = ?, "
				     "updated_at = ?, updated_by = ? WHERE id = ?";
static const char SQL_EXC_DELETE[] = "DELETE FROM agenda_exceptions WHERE id = ?";

static json_t *exc_row(struct db_stmt *st)
{
	char date[ISO_DATE_SIZE];
	iso_date_format((int)db_col_int(st, 1), date);
	return json_pack("{s:I,s:i,s:s,s:b,s:i,s:i,s:s}", "id", db_col_int(st, 0), "ymd", (int)db_col_int(st, 1),
			 "date", date, "closed", db_col_int(st, 2) != 0, "start_min", (int)db_col_int(st, 3), "end_min",
			 (int)db_col_int(st, 4), "note", db_col_text(st, 5));
}

json_t *agenda_exception_list(struct db *db, int from_ymd, int limit)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_EXC_LIST);
	if (!st)
		return list;
	db_bind_int(st, 1, from_ymd);
	db_bind_int(st, 2, limit);
	while (db_step(st) == DB_ROW)
		json_array_append_new(list, exc_row(st));
	return list;
}

static json_t *exc_get(struct db *db, const char *sql, int64_t key)
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return NULL;
	db_bind_int(st, 1, key);
	json_t *o = db_step(st) == DB_ROW ? exc_row(st) : NULL;
	db_reset(st);
	return o;
}

int64_t agenda_exception_set(struct db *db, const char *actor, int ymd, const struct plan_exception *e,
			     const char *note)
{
	char date[ISO_DATE_SIZE];
	iso_date_format(ymd, date);
	if (!iso_date_parse(date) ||
	    (!e->closed && (e->start_min < 0 || e->end_min > 24 * 60 || e->start_min >= e->end_min)))
		return AGENDA_INVALID;
	json_t *before = exc_get(db, SQL_EXC_BY_DAY, ymd);
	int64_t now = (int64_t)time(NULL), id = before ? json_integer_value(json_object_get(before, "id")) : 0;
	int64_t result = AGENDA_ERROR;
	struct db_stmt *st = db_prep(db, id ? SQL_EXC_UPDATE : SQL_EXC_INSERT);
	if (!st)
		goto out;
	int i = 1;
	if (!id)
		db_bind_int(st, i++, ymd);
	db_bind_int(st, i++, e->closed);
	db_bind_int(st, i++, e->closed ? 0 : e->start_min);
	db_bind_int(st, i++, e->closed ? 0 : e->end_min);
	db_bind_text(st, i++, str_or_empty(note));
	if (!id) {
		db_bind_int(st, i++, now);
		db_bind_text(st, i++, actor);
	}
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	if (id) {
		db_bind_int(st, i++, id);
		if (db_step(st) != DB_OK)
			goto out;
	} else {
		if (db_step(st) != DB_ROW)
			goto out;
		id = db_col_int(st, 0);
		while (db_step(st) == DB_ROW)
			;
	}
	json_t *after = exc_get(db, SQL_EXC_GET, id);
	int arc = after ? audit_append(db, actor, before ? "agenda_exception.update" : "agenda_exception.create",
				       "agenda_exception", id, before, after)
			: -1;
	json_decref(after);
	result = arc == 0 ? id : AGENDA_ERROR;
out:
	json_decref(before);
	return result;
}

int agenda_exception_delete(struct db *db, const char *actor, int64_t id)
{
	json_t *before = exc_get(db, SQL_EXC_GET, id);
	if (!before)
		return AGENDA_NOT_FOUND;
	int rc = AGENDA_ERROR;
	struct db_stmt *st = db_prep(db, SQL_EXC_DELETE);
	if (!st)
		goto out;
	db_bind_int(st, 1, id);
	if (db_step(st) != DB_OK || db_changes(st) != 1)
		goto out;
	rc = audit_append(db, actor, "agenda_exception.delete", "agenda_exception", id, before, NULL) == 0
		     ? 0
		     : AGENDA_ERROR;
out:
	json_decref(before);
	return rc;
}

/* ---- iCalendar feeds ---- */

#define FEED_COLS "id, name, scope, lang, created_at, created_by, revoked_at, revoked_by, last_used_at"
static const char SQL_FEED_INSERT[] = "INSERT INTO agenda_feeds (name, token_hash, scope, lang, created_at, "
				      "created_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_FEED_LIST[] = "SELECT " FEED_COLS " FROM agenda_feeds ORDER BY id DESC";
static const char SQL_FEED_GET[] = "SELECT " FEED_COLS " FROM agenda_feeds WHERE id = ?";
static const char SQL_FEED_REVOKE[] = "UPDATE agenda_feeds SET revoked_at = ?, revoked_by = ? "
				      "WHERE id = ? AND revoked_at IS NULL";
static const char SQL_FEED_FIND[] = "SELECT id, name, scope, lang, last_used_at FROM agenda_feeds "
				    "WHERE token_hash = ? AND revoked_at IS NULL";
static const char SQL_FEED_TOUCH[] = "UPDATE agenda_feeds SET last_used_at = ? WHERE id = ?";

static json_t *int_or_null(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? json_null() : json_integer(db_col_int(st, col));
}

static json_t *feed_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:o,s:s?,s:o}", "id", db_col_int(st, 0), "name", db_col_text(st, 1),
			 "scope", db_col_text(st, 2), "lang", db_col_text(st, 3), "created_at", db_col_int(st, 4),
			 "created_by", db_col_text(st, 5), "revoked_at", int_or_null(st, 6), "revoked_by",
			 db_col_is_null(st, 7) ? NULL : db_col_text(st, 7), "last_used_at", int_or_null(st, 8));
}

static json_t *feed_get(struct db *db, int64_t id)
{
	struct db_stmt *st = db_prep(db, SQL_FEED_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	json_t *o = db_step(st) == DB_ROW ? feed_row(st) : NULL;
	db_reset(st);
	return o;
}

int64_t agenda_feed_create(struct db *db, const char *actor, const char *name, const char *scope, const char *lang,
			   char token[TOKEN_CHARS + 1])
{
	token[0] = '\0';
	if (!name || !*name || !scope || (strcmp(scope, "full") != 0 && strcmp(scope, "public") != 0) || !lang ||
	    (strcmp(lang, "tr") != 0 && strcmp(lang, "en") != 0))
		return AGENDA_INVALID;
	char fresh[TOKEN_CHARS + 1], hash[65];
	token_new(fresh);
	token_hash_hex(fresh, hash);
	struct db_stmt *st = db_prep(db, SQL_FEED_INSERT);
	if (!st)
		return AGENDA_ERROR;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, hash);
	db_bind_text(st, 3, scope);
	db_bind_text(st, 4, lang);
	db_bind_int(st, 5, (int64_t)time(NULL));
	db_bind_text(st, 6, actor);
	if (db_step(st) != DB_ROW)
		return AGENDA_ERROR;
	int64_t id = db_col_int(st, 0);
	while (db_step(st) == DB_ROW)
		;
	json_t *after = feed_get(db, id);
	int arc = after ? audit_append(db, actor, "agenda_feed.create", "agenda_feed", id, NULL, after) : -1;
	json_decref(after);
	if (arc != 0)
		return AGENDA_ERROR;
	memcpy(token, fresh, sizeof fresh);
	return id;
}

int agenda_feed_revoke(struct db *db, const char *actor, int64_t id)
{
	json_t *before = feed_get(db, id);
	if (!before || !json_is_null(json_object_get(before, "revoked_at"))) {
		json_decref(before);
		return AGENDA_NOT_FOUND;
	}
	int rc = AGENDA_ERROR;
	struct db_stmt *st = db_prep(db, SQL_FEED_REVOKE);
	if (!st)
		goto out;
	db_bind_int(st, 1, (int64_t)time(NULL));
	db_bind_text(st, 2, actor);
	db_bind_int(st, 3, id);
	if (db_step(st) != DB_OK || db_changes(st) != 1)
		goto out;
	json_t *after = feed_get(db, id);
	rc = after && audit_append(db, actor, "agenda_feed.revoke", "agenda_feed", id, before, after) == 0
		     ? 0
		     : AGENDA_ERROR;
	json_decref(after);
out:
	json_decref(before);
	return rc;
}

json_t *agenda_feed_list(struct db *db)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_FEED_LIST);
	if (!st)
		return list;
	while (db_step(st) == DB_ROW)
		json_array_append_new(list, feed_row(st));
	return list;
}

json_t *agenda_feed_find(struct db *db, const char *token)
{
	if (!token || strlen(token) != TOKEN_CHARS)
		return NULL;
	char hash[65];
	token_hash_hex(token, hash);
	struct db_stmt *st = db_prep(db, SQL_FEED_FIND);
	if (!st)
		return NULL;
	db_bind_text(st, 1, hash);
	json_t *o = NULL;
	if (db_step(st) == DB_ROW)
		o = json_pack("{s:I,s:s,s:s,s:s,s:o}", "id", db_col_int(st, 0), "name", db_col_text(st, 1), "scope",
			      db_col_text(st, 2), "lang", db_col_text(st, 3), "last_used_at", int_or_null(st, 4));
	db_reset(st);
	return o;
}

int agenda_feed_touch(struct db *db, int64_t id, int64_t last_used_at, int64_t now)
{
	if (last_used_at && now - last_used_at < 3600)
		return 0;
	if (db_begin_write(db) != 0)
		return -1;
	struct db_stmt *st = db_prep(db, SQL_FEED_TOUCH);
	if (!st) {
		db_rollback(db);
		return -1;
	}
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, id);
	if (db_step(st) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db) == 0 ? 0 : -1;
}
