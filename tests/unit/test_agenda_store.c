/* test_agenda_store.c: the agenda store on SQLite (and PostgreSQL when KALEM_TEST_PG_URL is set): a day's windows
 * from plan, holidays and exceptions; booking with its conflict rules (engagements, appointments, buffers, breaks,
 * caps, hard overlaps); update, reschedule and cancel; two connections booking one slot at the same moment (one
 * wins); slots and proposals; plan, exceptions, settings and feed tokens. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/bizcal.h"
#include "store/agenda.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/holidays.h"
#include "store/setup.h"
#include "db_fixture.h"

#define PG_SCHEMA "test_agenda_store"

#define TUE 20310304
#define WED 20310305
#define THU 20310306 /* a full-day holiday in these tests */
#define FRI 20310307 /* a half-day holiday */
#define SAT 20310308

static struct db_fixture sqlite_be = {.kind = DB_SQLITE, .name = PG_SCHEMA, .seeded = true};
static struct db_fixture pg_be = {.kind = DB_POSTGRES, .name = PG_SCHEMA, .seeded = true};

/* ---- fixtures: a fresh, seeded database per case (tests/unit/support/db_fixture.h), given to each case as its
 * state ---- */

/* The fixture's database with the test holidays: Thursday a full day, Friday a half day. */
static int db_setup(void **state)
{
	struct db_fixture *f = *state;
	if (db_fixture_setup(f) != 0)
		return -1;
	if (!f->db)
		return 0; /* PostgreSQL not configured: the case skips */
	json_t *full = json_pack("{s:i,s:b,s:s}", "ymd", THU, "half_day", 0, "name", "Test Bayramı");
	json_t *half = json_pack("{s:i,s:b,s:s}", "ymd", FRI, "half_day", 1, "name", "Test Arifesi");
	int rc = db_begin_write(f->db);
	if (rc == 0 && holiday_save(f->db, "tester", 0, full) > 0 && holiday_save(f->db, "tester", 0, half) > 0)
		rc = db_commit(f->db);
	else
		rc = -1;
	json_decref(full);
	json_decref(half);
	return rc;
}

static struct db *need(void **state)
{
	return db_fixture_need(*state);
}

/* ---- helpers ---- */

static int64_t at(int ymd, int h, int m)
{
	return unix_from_ymd_min(ymd, h * 60 + m);
}

static struct agenda_item item_at(enum agenda_kind kind, enum agenda_category category, const char *title,
				  int64_t start, int64_t end)
{
	return (struct agenda_item){.kind = kind, .category = category, .title = title, .location = "Makam",
				    .starts_at = start, .ends_at = end, .source_type = "", .is_public = true};
}

/* Books in its own transaction (committed on success); *conflicts (OUT, may be NULL) as agenda_book. */
static int64_t book(struct db *db, struct agenda_item it, bool allow, json_t **conflicts)
{
	assert_int_equal(db_begin_write(db), 0);
	int64_t rc = agenda_book(db, "tester", &it, allow, conflicts);
	if (rc > 0)
		assert_int_equal(db_commit(db), 0);
	else
		db_rollback(db);
	return rc;
}

static int64_t engagement(struct db *db, int ymd, int h1, int m1, int h2, int m2, bool allow, json_t **conflicts)
{
	return book(db, item_at(AGENDA_ENGAGEMENT, AGENDA_CAT_MEETING, "Toplantı", at(ymd, h1, m1), at(ymd, h2, m2)),
		    allow, conflicts);
}

static int64_t appointment(struct db *db, enum agenda_category category, int ymd, int h1, int m1, int h2, int m2,
			   bool allow, json_t **conflicts)
{
	return book(db, item_at(AGENDA_APPOINTMENT, category, "Randevu", at(ymd, h1, m1), at(ymd, h2, m2)), allow,
		    conflicts);
}

static int64_t count_items(struct db *db)
{
	return db_query_int(db, "SELECT COUNT(*) FROM agenda_items", -1);
}

/* The first conflict of type in list, or NULL. */
static json_t *conflict_of(json_t *list, const char *type)
{
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c)
	{
		if (strcmp(json_string_value(json_object_get(c, "type")), type) == 0)
			return c;
	}
	return NULL;
}

static void set_setting(struct db *db, const char *key, const char *value)
{
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(setting_set(db, "tester", key, value, false), 0);
	assert_int_equal(db_commit(db), 0);
}

/* ---- a day ---- */

static void test_day_windows(void **state)
{
	struct db *db = need(state);
	struct agenda_day d;
	assert_int_equal(agenda_day_load(db, WED, 0, &d), 0);
	assert_int_equal(d.day.state, SLOT_DAY_OPEN);
	assert_int_equal(d.day.n_open, 2);
	assert_int_equal(d.day.open[0].start, at(WED, 8, 30));
	assert_int_equal(d.day.open[1].end, at(WED, 17, 30));
	assert_int_equal(d.day.n_breaks, 1);
	assert_string_equal(d.day.breaks[0].name, "Öğle arası");
	assert_int_equal(d.settings.buffer_min, AGENDA_SETTING_BUFFER_DEFAULT);
	agenda_day_free(&d);

	assert_int_equal(agenda_day_load(db, THU, 0, &d), 0);
	assert_int_equal(d.day.state, SLOT_DAY_HOLIDAY);
	assert_true(d.has_holiday);
	assert_string_equal(d.holiday.name, "Test Bayramı");
	agenda_day_free(&d);

	assert_int_equal(agenda_day_load(db, FRI, 0, &d), 0);
	assert_int_equal(d.day.state, SLOT_DAY_OPEN);
	assert_true(d.day.half_day);
	assert_int_equal(d.day.n_open, 1);
	assert_int_equal(d.day.open[0].end, at(FRI, 12, 0));
	agenda_day_free(&d);

	assert_int_equal(agenda_day_load(db, SAT, 0, &d), 0);
	assert_int_equal(d.day.state, SLOT_DAY_NO_PLAN);
	agenda_day_free(&d);

	/* exceptions: Tuesday closed, Saturday open 10:00-13:00, the holiday opened 09:00-12:00 */
	struct plan_exception closed = {true, 0, 0}, sat = {false, 10 * 60, 13 * 60}, thu = {false, 9 * 60, 12 * 60};
	assert_int_equal(db_begin_write(db), 0);
	assert_true(agenda_exception_set(db, "tester", TUE, &closed, "Ankara'da") > 0);
	assert_true(agenda_exception_set(db, "tester", SAT, &sat, "Açılış") > 0);
	assert_true(agenda_exception_set(db, "tester", THU, &thu, "") > 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(agenda_day_load(db, TUE, 0, &d), 0);
	assert_int_equal(d.day.state, SLOT_DAY_CLOSED);
	assert_string_equal(d.exception_note, "Ankara'da");
	agenda_day_free(&d);
	assert_int_equal(agenda_day_load(db, SAT, 0, &d), 0);
	assert_int_equal(d.day.state, SLOT_DAY_OPEN);
	assert_int_equal(d.day.open[0].start, at(SAT, 10, 0));
	assert_int_equal(d.day.open[0].end, at(SAT, 13, 0));
	agenda_day_free(&d);
	assert_int_equal(agenda_day_load(db, THU, 0, &d), 0);
	assert_int_equal(d.day.state, SLOT_DAY_OPEN);
	agenda_day_free(&d);
}

/* ---- booking rules ---- */

static void test_engagement_conflicts(void **state)
{
	struct db *db = need(state);
	json_t *c = NULL;
	int64_t first = engagement(db, WED, 10, 0, 11, 0, false, &c);
	assert_true(first > 0);
	assert_int_equal(json_array_size(c), 0);
	json_decref(c);
	/* overlapping: refused, naming the item */
	assert_int_equal(engagement(db, WED, 10, 30, 11, 30, false, &c), AGENDA_CONFLICT);
	assert_int_equal(json_array_size(c), 1);
	json_t *o = conflict_of(c, "overlap");
	assert_non_null(o);
	assert_false(json_is_true(json_object_get(o, "hard")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "item"), "id")), first);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "item"), "title")), "Toplantı");
	json_decref(c);
	assert_int_equal(count_items(db), 1);
	/* allowed when staff say so; the conflicts still come back */
	int64_t second = engagement(db, WED, 10, 30, 11, 30, true, &c);
	assert_true(second > 0);
	assert_int_equal(json_array_size(c), 1);
	json_decref(c);
	/* end to start is no conflict; engagements have no buffer, no working hours */
	assert_true(engagement(db, WED, 11, 30, 12, 0, false, NULL) > 0);
	assert_true(engagement(db, WED, 19, 0, 21, 0, false, NULL) > 0);
	assert_true(engagement(db, SAT, 10, 0, 12, 0, false, NULL) > 0);
	assert_true(engagement(db, THU, 10, 0, 12, 0, false, NULL) > 0);
	assert_int_equal(count_items(db), 6);
}

static void test_appointment_rules(void **state)
{
	struct db *db = need(state);
	json_t *c = NULL;
	int64_t a = appointment(db, AGENDA_CAT_CITIZEN, WED, 9, 0, 9, 15, false, &c);
	assert_true(a > 0);
	json_decref(c);
	/* the 10-minute buffer: soft */
	assert_int_equal(appointment(db, AGENDA_CAT_CITIZEN, WED, 9, 15, 9, 30, false, &c), AGENDA_CONFLICT);
	assert_non_null(conflict_of(c, "buffer"));
	assert_false(json_is_true(json_object_get(conflict_of(c, "buffer"), "hard")));
	json_decref(c);
	assert_true(appointment(db, AGENDA_CAT_CITIZEN, WED, 9, 15, 9, 30, true, NULL) > 0);
	/* two appointments at once: hard, refused even when allowed */
	assert_int_equal(appointment(db, AGENDA_CAT_INSTITUTION, WED, 9, 5, 9, 35, true, &c), AGENDA_CONFLICT);
	json_t *o = conflict_of(c, "overlap");
	assert_non_null(o);
	assert_true(json_is_true(json_object_get(o, "hard")));
	json_decref(c);
	/* an appointment over an engagement: soft */
	assert_true(engagement(db, WED, 14, 0, 15, 0, false, NULL) > 0);
	assert_int_equal(appointment(db, AGENDA_CAT_INSTITUTION, WED, 14, 30, 15, 0, false, &c), AGENDA_CONFLICT);
	assert_false(json_is_true(json_object_get(conflict_of(c, "overlap"), "hard")));
	json_decref(c);
	assert_true(appointment(db, AGENDA_CAT_INSTITUTION, WED, 14, 30, 15, 0, true, NULL) > 0);
	/* an engagement over appointments: soft */
	assert_int_equal(engagement(db, WED, 9, 0, 10, 0, false, &c), AGENDA_CONFLICT);
	assert_int_equal(json_array_size(c), 2);
	json_decref(c);
	/* the lunch break, after hours, a holiday, the half day's afternoon */
	assert_int_equal(appointment(db, AGENDA_CAT_CITIZEN, WED, 12, 15, 12, 30, false, &c), AGENDA_CONFLICT);
	assert_string_equal(json_string_value(json_object_get(conflict_of(c, "break"), "name")), "Öğle arası");
	json_decref(c);
	assert_int_equal(appointment(db, AGENDA_CAT_CITIZEN, WED, 18, 0, 18, 15, false, &c), AGENDA_CONFLICT);
	assert_non_null(conflict_of(c, "outside_hours"));
	json_decref(c);
	assert_int_equal(appointment(db, AGENDA_CAT_CITIZEN, THU, 10, 0, 10, 15, false, &c), AGENDA_CONFLICT);
	assert_string_equal(json_string_value(json_object_get(conflict_of(c, "holiday"), "name")), "Test Bayramı");
	json_decref(c);
	assert_true(appointment(db, AGENDA_CAT_CITIZEN, FRI, 10, 0, 10, 15, false, NULL) > 0);
	assert_int_equal(appointment(db, AGENDA_CAT_CITIZEN, FRI, 14, 0, 14, 15, false, &c), AGENDA_CONFLICT);
	assert_non_null(conflict_of(c, "holiday"));
	json_decref(c);
}

static void test_citizen_cap(void **state)
{
	struct db *db = need(state);
	set_setting(db, AGENDA_SETTING_CITIZEN_CAP, "2");
	assert_true(appointment(db, AGENDA_CAT_CITIZEN, WED, 9, 0, 9, 15, false, NULL) > 0);
	int64_t second = appointment(db, AGENDA_CAT_CITIZEN, WED, 10, 0, 10, 15, false, NULL);
	assert_true(second > 0);
	assert_int_equal(agenda_citizen_count(db, WED), 2);
	json_t *c = NULL;
	assert_int_equal(appointment(db, AGENDA_CAT_CITIZEN, WED, 11, 0, 11, 15, false, &c), AGENDA_CONFLICT);
	json_t *cap = conflict_of(c, "cap");
	assert_non_null(cap);
	assert_int_equal(json_integer_value(json_object_get(cap, "cap")), 2);
	json_decref(c);
	/* institutions have no cap; the slot finder says why there are no citizen slots */
	assert_true(appointment(db, AGENDA_CAT_INSTITUTION, WED, 11, 0, 11, 30, false, NULL) > 0);
	struct slot out[8];
	enum slot_reason why;
	struct agenda_slot_request req = {0, AGENDA_CAT_CITIZEN, 0, NULL, 0};
	assert_int_equal(agenda_find_slots(db, WED, &req, out, 8, &why, NULL), 0);
	assert_int_equal(why, SLOT_REASON_CAP);
	req.category = AGENDA_CAT_INSTITUTION;
	assert_true(agenda_find_slots(db, WED, &req, out, 8, &why, NULL) > 0);
	/* a cancelled one no longer counts */
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(agenda_set_status(db, "tester", second, AGENDA_CANCELLED), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(agenda_citizen_count(db, WED), 1);
	assert_true(appointment(db, AGENDA_CAT_CITIZEN, WED, 11, 45, 12, 0, false, NULL) > 0);
}

static void test_invalid_items(void **state)
{
	struct db *db = need(state);
	struct agenda_item bad[] = {
		item_at(AGENDA_ENGAGEMENT, AGENDA_CAT_MEETING, "Ters", at(WED, 11, 0), at(WED, 10, 0)),
		item_at(AGENDA_ENGAGEMENT, AGENDA_CAT_MEETING, "Sıfır", at(WED, 10, 0), at(WED, 10, 0)),
		item_at(AGENDA_ENGAGEMENT, AGENDA_CAT_TRAVEL, "Uzun", at(WED, 10, 0), at(WED, 10, 0) + 15 * 86400),
		item_at(AGENDA_ENGAGEMENT, AGENDA_CAT_CITIZEN, "Tür", at(WED, 10, 0), at(WED, 11, 0)),
		item_at(AGENDA_APPOINTMENT, AGENDA_CAT_COUNCIL, "Tür", at(WED, 10, 0), at(WED, 11, 0)),
		item_at(AGENDA_ENGAGEMENT, AGENDA_CAT_MEETING, "", at(WED, 10, 0), at(WED, 11, 0)),
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(book(db, bad[i], true, NULL), AGENDA_INVALID);
	assert_int_equal(count_items(db), 0);
	/* 14 days exactly is fine */
	assert_true(book(db, item_at(AGENDA_ENGAGEMENT, AGENDA_CAT_TRAVEL, "Yurt dışı", at(WED, 10, 0),
				     at(WED, 10, 0) + 14 * 86400),
			 false, NULL) > 0);
}

static int64_t audit_count(struct db *db, int64_t id)
{
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	json_t *events = audit_list(db, NULL, "agenda_item", key, NULL, 0, 100);
	int64_t n = (int64_t)json_array_size(events);
	json_decref(events);
	return n;
}

static void test_update_reschedule_cancel(void **state)
{
	struct db *db = need(state);
	int64_t e = engagement(db, WED, 10, 0, 11, 0, false, NULL);
	int64_t a = appointment(db, AGENDA_CAT_INSTITUTION, WED, 14, 0, 14, 30, false, NULL);
	int64_t b = appointment(db, AGENDA_CAT_INSTITUTION, WED, 15, 0, 15, 30, false, NULL);
	assert_true(e > 0 && a > 0 && b > 0);

	struct agenda_item changed = item_at(AGENDA_ENGAGEMENT, AGENDA_CAT_CEREMONY, "Açılış töreni", at(WED, 10, 30),
					     at(WED, 11, 30));
	changed.location = "Park";
	changed.is_public = false;
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(agenda_update(db, "tester", e, &changed, false, NULL), 0);
	assert_int_equal(db_commit(db), 0);
	json_t *it = agenda_item_get(db, e);
	assert_string_equal(json_string_value(json_object_get(it, "title")), "Açılış töreni");
	assert_string_equal(json_string_value(json_object_get(it, "category")), "ceremony");
	assert_string_equal(json_string_value(json_object_get(it, "location")), "Park");
	assert_false(json_is_true(json_object_get(it, "public")));
	assert_int_equal(json_integer_value(json_object_get(it, "starts_at")), at(WED, 10, 30));
	assert_int_equal(json_integer_value(json_object_get(it, "sequence")), 1);
	assert_string_equal(json_string_value(json_object_get(it, "start")), "2031-03-05T10:30:00+03:00");
	json_decref(it);
	assert_int_equal(audit_count(db, e), 2);

	/* its own old time is no conflict for an item being moved */
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(agenda_reschedule(db, "tester", a, at(WED, 14, 15), at(WED, 14, 45), false, NULL), 0);
	assert_int_equal(db_commit(db), 0);
	/* onto the other appointment: hard */
	json_t *c = NULL;
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(agenda_reschedule(db, "tester", a, at(WED, 15, 0), at(WED, 15, 30), true, &c), AGENDA_CONFLICT);
	db_rollback(db);
	assert_true(json_is_true(json_object_get(conflict_of(c, "overlap"), "hard")));
	json_decref(c);
	it = agenda_item_get(db, a);
	assert_int_equal(json_integer_value(json_object_get(it, "starts_at")), at(WED, 14, 15));
	json_decref(it);

	/* cancel: frees the time, and cannot be done twice; a cancelled item cannot be edited */
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(agenda_set_status(db, "tester", b, AGENDA_CANCELLED), 0);
	assert_int_equal(db_commit(db), 0);
	assert_true(appointment(db, AGENDA_CAT_CITIZEN, WED, 15, 0, 15, 15, false, NULL) > 0);
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(agenda_set_status(db, "tester", b, AGENDA_CANCELLED), AGENDA_STATE);
	assert_int_equal(agenda_reschedule(db, "tester", b, at(WED, 16, 0), at(WED, 16, 30), false, NULL), AGENDA_STATE);
	assert_int_equal(agenda_set_status(db, "tester", a, AGENDA_SCHEDULED), AGENDA_STATE);
	assert_int_equal(agenda_set_status(db, "tester", 999999, AGENDA_CANCELLED), AGENDA_NOT_FOUND);
	assert_int_equal(agenda_update(db, "tester", 999999, &changed, false, NULL), AGENDA_NOT_FOUND);
	/* an engagement's update cannot turn an appointment into something else */
	assert_int_equal(agenda_update(db, "tester", a, &changed, false, NULL), AGENDA_STATE);
	db_rollback(db);
	it = agenda_item_get(db, b);
	assert_string_equal(json_string_value(json_object_get(it, "status")), "cancelled");
	assert_int_equal(json_integer_value(json_object_get(it, "sequence")), 1);
	json_decref(it);
	assert_int_equal(audit_count(db, b), 2);

	/* held and no-show */
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(agenda_set_status(db, "tester", a, AGENDA_HELD), 0);
	assert_int_equal(db_commit(db), 0);
	json_t *list = agenda_list(db, at(WED, 0, 0), at(WED, 0, 0) + 86400, false);
	assert_int_equal(json_array_size(list), 3); /* e, a (held), the 15:00 citizen; not the cancelled b */
	json_decref(list);
	list = agenda_list(db, at(WED, 0, 0), at(WED, 0, 0) + 86400, true);
	assert_int_equal(json_array_size(list), 4);
	json_decref(list);
}

static void test_slots_and_proposals(void **state)
{
	struct db *db = need(state);
	assert_true(engagement(db, WED, 8, 30, 10, 0, false, NULL) > 0);
	struct slot out[SLOTS_MAX_PER_DAY];
	enum slot_reason why;
	int used;
	struct agenda_slot_request req = {30, -1, 0, NULL, 0};
	int n = agenda_find_slots(db, WED, &req, out, SLOTS_MAX_PER_DAY, &why, &used);
	assert_true(n > 0);
	assert_int_equal(used, 30);
	assert_int_equal(out[0].start, at(WED, 10, 15)); /* 10:00 + 10 minutes of buffer, on the 15-minute grid */
	/* default durations per kind */
	req = (struct agenda_slot_request){0, AGENDA_CAT_CITIZEN, 0, NULL, 0};
	n = agenda_find_slots(db, WED, &req, out, 4, &why, &used);
	assert_int_equal(used, AGENDA_SETTING_DURATION_CITIZEN_DEFAULT);
	assert_int_equal(out[0].end - out[0].start, AGENDA_SETTING_DURATION_CITIZEN_DEFAULT * 60);
	req.category = AGENDA_CAT_INSTITUTION;
	n = agenda_find_slots(db, WED, &req, out, 4, &why, &used);
	assert_int_equal(used, AGENDA_SETTING_DURATION_INSTITUTION_DEFAULT);
	/* settings change the answer */
	set_setting(db, AGENDA_SETTING_BUFFER, "0");
	set_setting(db, AGENDA_SETTING_GRANULARITY, "30");
	set_setting(db, AGENDA_SETTING_DURATION_INSTITUTION, "45");
	n = agenda_find_slots(db, WED, &req, out, 4, &why, &used);
	assert_int_equal(used, 45);
	assert_int_equal(out[0].start, at(WED, 10, 0));
	assert_int_equal(out[1].start, at(WED, 10, 30));
	/* holidays and closed days */
	req = (struct agenda_slot_request){30, -1, 0, NULL, 0};
	assert_int_equal(agenda_find_slots(db, THU, &req, out, 4, &why, NULL), 0);
	assert_int_equal(why, SLOT_REASON_HOLIDAY);
	assert_int_equal(agenda_find_slots(db, SAT, &req, out, 4, &why, NULL), 0);
	assert_int_equal(why, SLOT_REASON_NO_PLAN);
	/* the past */
	req.earliest = at(WED, 18, 0);
	assert_int_equal(agenda_find_slots(db, WED, &req, out, 4, &why, NULL), 0);
	assert_int_equal(why, SLOT_REASON_PAST);

	/* proposals over Tuesday to Saturday, afternoons preferred, at most 2 a day */
	struct slot_preference afternoon[] = {SLOT_PREFER_AFTERNOON};
	req = (struct agenda_slot_request){30, AGENDA_CAT_INSTITUTION, 0, afternoon, 1};
	n = agenda_propose(db, TUE, 5, &req, 2, out, 5);
	assert_int_equal(n, 5);
	/* TUE, WED and FRI (half day: mornings only) remain; afternoons of TUE and WED first */
	assert_true(out[0].preferred && out[1].preferred && out[2].preferred && out[3].preferred);
	assert_int_equal(out[0].start, at(TUE, 13, 30));
	assert_int_equal(out[1].start, at(TUE, 14, 0));
	assert_int_equal(out[2].start, at(WED, 13, 30));
	/* then Friday's morning (its best two; Tuesday's and Wednesday's best two were afternoons) */
	assert_false(out[4].preferred);
	assert_int_equal(out[4].start, at(FRI, 8, 30));
}

static void test_items_crossing_midnight(void **state)
{
	struct db *db = need(state);
	/* an overnight journey from Tuesday 22:00 to Wednesday 09:00 */
	assert_true(book(db, item_at(AGENDA_ENGAGEMENT, AGENDA_CAT_TRAVEL, "Dönüş yolculuğu", at(TUE, 22, 0),
				     at(WED, 9, 0)),
			 false, NULL) > 0);
	struct agenda_day d;
	assert_int_equal(agenda_day_load(db, WED, 0, &d), 0);
	assert_int_equal(d.n_busy, 1);
	agenda_day_free(&d);
	struct slot out[4];
	enum slot_reason why;
	struct agenda_slot_request req = {30, -1, 0, NULL, 0};
	assert_true(agenda_find_slots(db, WED, &req, out, 4, &why, NULL) > 0);
	assert_int_equal(out[0].start, at(WED, 9, 15));
	/* it conflicts with a meeting on either day */
	json_t *c = NULL;
	assert_int_equal(engagement(db, WED, 8, 30, 9, 30, false, &c), AGENDA_CONFLICT);
	json_decref(c);
	assert_int_equal(engagement(db, TUE, 23, 0, 23, 30, false, &c), AGENDA_CONFLICT);
	json_decref(c);
	json_t *list = agenda_list(db, at(WED, 0, 0), at(WED, 0, 0) + 86400, false);
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);
}

/* ---- two clerks, one slot ---- */

struct racer {
	const char *url;
	struct agenda_item item;
	pthread_barrier_t *barrier; /* NULL: start at once */
	int64_t rc;
	int64_t finished_ns;
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Books racer->item on a connection of its own. */
static void *race(void *arg)
{
	struct racer *x = arg;
	struct db *db = db_open(x->url);
	x->rc = -100;
	if (!db)
		return NULL;
	if (x->barrier)
		pthread_barrier_wait(x->barrier);
	if (db_begin_write(db) == 0) {
		x->rc = agenda_book(db, "racer", &x->item, false, NULL);
		if (x->rc > 0 && db_commit(db) != 0)
			x->rc = -101;
		else if (x->rc <= 0)
			db_rollback(db);
	}
	x->finished_ns = now_ns();
	db_close(db);
	return NULL;
}

static void test_concurrent_booking_waits_and_loses(void **state)
{
	struct db *db = need(state);
	struct db_fixture *be = *state;
	struct agenda_item it = item_at(AGENDA_APPOINTMENT, AGENDA_CAT_CITIZEN, "Aynı saat", at(WED, 10, 0),
					at(WED, 10, 15));
	/* The first clerk's booking is written but not committed when the second clerk's starts. */
	assert_int_equal(db_begin_write(db), 0);
	int64_t first = agenda_book(db, "clerk1", &it, false, NULL);
	assert_true(first > 0);
	struct racer second = {be->url, it, NULL, 0, 0};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, race, &second), 0);
	usleep(300 * 1000);
	int64_t committed = now_ns();
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	/* The second waited for the first (the day lock, or SQLite's one writer) and then saw its booking. */
	assert_int_equal(second.rc, AGENDA_CONFLICT);
	assert_true(second.finished_ns >= committed);
	assert_int_equal(count_items(db), 1);
}

static void test_concurrent_booking_race(void **state)
{
	struct db *db = need(state);
	struct db_fixture *be = *state;
	/* Rounds of two clerks released together on the same slot (with different lengths); never both. */
	static const int starts[] = {9 * 60, 10 * 60, 11 * 60, 13 * 60 + 30, 14 * 60 + 30, 15 * 60 + 30, 16 * 60 + 30};
	int rounds = (int)(sizeof starts / sizeof starts[0]);
	for (int round = 0; round < rounds; round++) {
		int64_t start = unix_from_ymd_min(WED, starts[round]); /* inside the working hours */
		pthread_barrier_t barrier;
		pthread_barrier_init(&barrier, NULL, 2);
		struct racer a = {be->url, item_at(AGENDA_APPOINTMENT, AGENDA_CAT_INSTITUTION, "A", start, start + 1800),
				  &barrier, 0, 0};
		struct racer b = {be->url, item_at(AGENDA_APPOINTMENT, AGENDA_CAT_CITIZEN, "B", start + 600, start + 1500),
				  &barrier, 0, 0};
		pthread_t ta, tb;
		assert_int_equal(pthread_create(&ta, NULL, race, &a), 0);
		assert_int_equal(pthread_create(&tb, NULL, race, &b), 0);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		pthread_barrier_destroy(&barrier);
		bool a_won = a.rc > 0, b_won = b.rc > 0;
		if (a_won == b_won)
			fail_msg("round %d: a=%lld b=%lld (exactly one must win)", round, (long long)a.rc, (long long)b.rc);
		assert_int_equal(a_won ? b.rc : a.rc, AGENDA_CONFLICT);
	}
	assert_int_equal(count_items(db), rounds);
}

/* ---- plan, exceptions, settings, feeds ---- */

static void test_plan_and_exceptions(void **state)
{
	struct db *db = need(state);
	/* Saturday mornings become working time, with a tea break */
	struct plan_period work = {5, false, 9 * 60, 12 * 60, ""}, tea = {5, true, 10 * 60, 10 * 60 + 15, "Çay"};
	struct plan_period bad = {7, false, 9 * 60, 12 * 60, ""}, inverted = {5, false, 12 * 60, 9 * 60, ""};
	assert_int_equal(db_begin_write(db), 0);
	int64_t w = agenda_plan_add(db, "tester", &work);
	assert_true(w > 0);
	assert_true(agenda_plan_add(db, "tester", &tea) > 0);
	assert_int_equal(agenda_plan_add(db, "tester", &bad), AGENDA_INVALID);
	assert_int_equal(agenda_plan_add(db, "tester", &inverted), AGENDA_INVALID);
	assert_int_equal(db_commit(db), 0);
	struct agenda_day d;
	assert_int_equal(agenda_day_load(db, SAT, 0, &d), 0);
	assert_int_equal(d.day.state, SLOT_DAY_OPEN);
	assert_int_equal(d.day.n_open, 2);
	assert_string_equal(d.day.breaks[0].name, "Çay");
	agenda_day_free(&d);
	json_t *plan = agenda_plan_list(db);
	assert_int_equal(json_array_size(plan), 12); /* the 10 seeded periods and these two */
	json_decref(plan);
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(agenda_plan_delete(db, "tester", w), 0);
	assert_int_equal(agenda_plan_delete(db, "tester", w), AGENDA_NOT_FOUND);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(agenda_day_load(db, SAT, 0, &d), 0);
	assert_int_equal(d.day.state, SLOT_DAY_NO_PLAN);
	agenda_day_free(&d);

	/* one exception per date: setting it again replaces it */
	struct plan_exception hours = {false, 10 * 60, 12 * 60}, closed = {true, 0, 0}, wrong = {false, 12 * 60, 10 * 60};
	assert_int_equal(db_begin_write(db), 0);
	int64_t x = agenda_exception_set(db, "tester", WED, &hours, "Geç başlangıç");
	assert_true(x > 0);
	assert_int_equal(agenda_exception_set(db, "tester", WED, &closed, "Kapalı"), x);
	assert_int_equal(agenda_exception_set(db, "tester", WED, &wrong, ""), AGENDA_INVALID);
	assert_int_equal(agenda_exception_set(db, "tester", 20310230, &closed, ""), AGENDA_INVALID);
	assert_int_equal(db_commit(db), 0);
	json_t *list = agenda_exception_list(db, TUE, 10);
	assert_int_equal(json_array_size(list), 1);
	assert_true(json_is_true(json_object_get(json_array_get(list, 0), "closed")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "date")), "2031-03-05");
	json_decref(list);
	list = agenda_exception_list(db, THU, 10);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(agenda_exception_delete(db, "tester", x), 0);
	assert_int_equal(agenda_exception_delete(db, "tester", x), AGENDA_NOT_FOUND);
	assert_int_equal(db_commit(db), 0);
}

static void test_settings(void **state)
{
	struct db *db = need(state);
	struct agenda_settings s;
	assert_int_equal(agenda_settings_load(db, &s), 0);
	assert_int_equal(s.citizen_daily_cap, AGENDA_SETTING_CITIZEN_CAP_DEFAULT);
	s = (struct agenda_settings){5, 40, 20, 3, 10};
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(agenda_settings_save(db, "tester", &s), 0);
	assert_int_equal(db_commit(db), 0);
	struct agenda_settings t;
	assert_int_equal(agenda_settings_load(db, &t), 0);
	assert_memory_equal(&s, &t, sizeof s);
	/* a value that is not a number in range falls back to the default */
	set_setting(db, AGENDA_SETTING_BUFFER, "çok");
	set_setting(db, AGENDA_SETTING_GRANULARITY, "0");
	assert_int_equal(agenda_settings_load(db, &t), 0);
	assert_int_equal(t.buffer_min, AGENDA_SETTING_BUFFER_DEFAULT);
	assert_int_equal(t.granularity_min, AGENDA_SETTING_GRANULARITY_DEFAULT);
	assert_int_equal(t.duration_citizen_min, 20);
}

static void test_feeds(void **state)
{
	struct db *db = need(state);
	char token[TOKEN_CHARS + 1], other[TOKEN_CHARS + 1];
	assert_int_equal(db_begin_write(db), 0);
	int64_t id = agenda_feed_create(db, "tester", "Başkanın telefonu", "full", "tr", token);
	assert_true(id > 0);
	assert_int_equal(strlen(token), TOKEN_CHARS);
	assert_true(agenda_feed_create(db, "tester", "Web sitesi", "public", "en", other) > 0);
	assert_string_not_equal(token, other);
	assert_int_equal(agenda_feed_create(db, "tester", "X", "everything", "tr", other), AGENDA_INVALID);
	assert_int_equal(agenda_feed_create(db, "tester", "", "full", "tr", other), AGENDA_INVALID);
	assert_int_equal(db_commit(db), 0);
	/* the token itself is stored nowhere: the row holds its SHA-256 */
	static const char sql[] = "SELECT token_hash FROM agenda_feeds WHERE id = ?";
	struct db_stmt *st = db_prep(db, sql);
	db_bind_int(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	char hash[65];
	token_hash_hex(token, hash);
	assert_string_equal(db_col_text(st, 0), hash);
	assert_string_not_equal(db_col_text(st, 0), token);
	db_reset(st);
	json_t *f = agenda_feed_find(db, token);
	assert_non_null(f);
	assert_int_equal(json_integer_value(json_object_get(f, "id")), id);
	assert_string_equal(json_string_value(json_object_get(f, "scope")), "full");
	assert_true(json_is_null(json_object_get(f, "last_used_at")));
	json_decref(f);
	char wrong[TOKEN_CHARS + 1];
	memcpy(wrong, token, sizeof wrong);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	assert_null(agenda_feed_find(db, wrong));
	assert_null(agenda_feed_find(db, ""));
	assert_null(agenda_feed_find(db, "short"));
	/* used: recorded once an hour at most */
	int64_t now = (int64_t)time(NULL);
	assert_int_equal(agenda_feed_touch(db, id, 0, now), 0);
	f = agenda_feed_find(db, token);
	assert_int_equal(json_integer_value(json_object_get(f, "last_used_at")), now);
	json_decref(f);
	assert_int_equal(agenda_feed_touch(db, id, now, now + 60), 0);
	f = agenda_feed_find(db, token);
	assert_int_equal(json_integer_value(json_object_get(f, "last_used_at")), now);
	json_decref(f);
	/* revoked: gone, and only once */
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(agenda_feed_revoke(db, "tester", id), 0);
	assert_int_equal(agenda_feed_revoke(db, "tester", id), AGENDA_NOT_FOUND);
	assert_int_equal(agenda_feed_revoke(db, "tester", 999999), AGENDA_NOT_FOUND);
	assert_int_equal(db_commit(db), 0);
	assert_null(agenda_feed_find(db, token));
	json_t *list = agenda_feed_list(db);
	assert_int_equal(json_array_size(list), 2);
	json_t *revoked = json_array_get(list, 1); /* newest first */
	assert_int_equal(json_integer_value(json_object_get(revoked, "id")), id);
	assert_true(json_is_integer(json_object_get(revoked, "revoked_at")));
	assert_string_equal(json_string_value(json_object_get(revoked, "revoked_by")), "tester");
	json_decref(list);
}

#define CASE(f, fixture) \
	cmocka_unit_test_prestate_setup_teardown(f, db_setup, db_fixture_case_teardown, fixture)
#define CASES(fixture) \
	CASE(test_day_windows, fixture), \
		CASE(test_engagement_conflicts, fixture), \
		CASE(test_appointment_rules, fixture), \
		CASE(test_citizen_cap, fixture), \
		CASE(test_invalid_items, fixture), \
		CASE(test_update_reschedule_cancel, fixture), \
		CASE(test_slots_and_proposals, fixture), \
		CASE(test_items_crossing_midnight, fixture), \
		CASE(test_concurrent_booking_waits_and_loses, fixture), \
		CASE(test_concurrent_booking_race, fixture), \
		CASE(test_plan_and_exceptions, fixture), \
		CASE(test_settings, fixture), \
		CASE(test_feeds, fixture)

int main(void)
{
	const struct CMUnitTest sqlite_cases[] = {CASES(&sqlite_be)};
	const struct CMUnitTest pg_cases[] = {CASES(&pg_be)};
	int failed = cmocka_run_group_tests_name("agenda_sqlite", sqlite_cases, NULL, NULL);
	failed += cmocka_run_group_tests_name("agenda_postgresql", pg_cases, NULL, NULL);
	return failed;
}
