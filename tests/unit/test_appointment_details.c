/* test_appointment_details.c: the appointment extras of store/appointments.h on SQLite (and PostgreSQL when
 * KALEM_TEST_PG_URL is set): the reminder setting, reminders queued when the requester is informed (not_before =
 * start - offset, past offsets skipped), moved on reschedule with the reschedule notice (.ics with the same UID and
 * a higher SEQUENCE), dropped on cancel and held; held details and their later edit; the Turkish-folded search and
 * the filters; the CSV export. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/bizcal.h"
#include "core/workflow.h"
#include "db_fixture.h"
#include "store/appointments.h"
#include "store/db.h"
#include "store/outbox.h"
#include "store/setup.h"
#include "util/buf.h"
#include "util/i18n.h"

#define PG_SCHEMA "test_appointment_details"
#define TUE 20310304

static struct db_fixture sqlite_be = {.kind = DB_SQLITE, .name = PG_SCHEMA};
static struct db_fixture pg_be = {.kind = DB_POSTGRES, .name = PG_SCHEMA};

static int sqlite_setup(void **state)
{
	*state = &sqlite_be;
	return db_fixture_setup(&sqlite_be);
}

static int pg_setup(void **state)
{
	*state = &pg_be;
	return db_fixture_setup(&pg_be);
}

static int teardown(void **state)
{
	db_fixture_teardown(*state);
	return 0;
}

/* ---- helpers ---- */

static int64_t create(struct db *db, const char *json)
{
	json_error_t err;
	json_t *v = json_loads(json, 0, &err);
	assert_non_null(v);
	int64_t id = appt_create(db, "clerk", v, LANG_EN, NULL);
	json_decref(v);
	return id;
}

static int act(struct db *db, unsigned role, int64_t id, const char *action, json_t *fields /* stolen */)
{
	const char *ek = NULL, *f = NULL;
	if (!fields)
		fields = json_object();
	int rc = appt_transition(db, "actor", role, id, action, fields, LANG_EN, &ek, &f, NULL);
	json_decref(fields);
	return rc;
}

static void set_reminders(struct db *db, const char *value)
{
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(setting_set(db, "admin", APPT_SETTING_REMINDER_HOURS, value, false), 0);
	assert_int_equal(db_commit(db), 0);
}

/* The notifications of request id with template tmpl, channel and status (NULL = any), as a new array. */
static json_t *notes(struct db *db, int64_t id, const char *tmpl, const char *channel, const char *status)
{
	json_t *list = outbox_for_record(db, "appointment", id), *out = json_array(), *o;
	size_t i;
	json_array_foreach(list, i, o)
	{
		if (strcmp(json_string_value(json_object_get(o, "template_key")), tmpl) == 0 &&
		    strcmp(json_string_value(json_object_get(o, "channel")), channel) == 0 &&
		    (!status || strcmp(json_string_value(json_object_get(o, "status")), status) == 0))
			json_array_append(out, o);
	}
	json_decref(list);
	return out;
}

static size_t count_notes(struct db *db, int64_t id, const char *tmpl, const char *channel, const char *status)
{
	json_t *list = notes(db, id, tmpl, channel, status);
	size_t n = json_array_size(list);
	json_decref(list);
	return n;
}

/* The not_before times of the queued reminders by e-mail, ascending. */
static size_t reminder_times(struct db *db, int64_t id, int64_t *out, size_t max)
{
	json_t *list = notes(db, id, "appointment_reminder", "email", "queued"), *o;
	size_t i, n = 0;
	json_array_foreach(list, i, o)
	{
		if (n < max)
			out[n++] = json_integer_value(json_object_get(o, "next_attempt_at"));
	}
	json_decref(list);
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++)
			if (out[b] < out[a]) {
				int64_t t = out[a];
				out[a] = out[b];
				out[b] = t;
			}
	return n;
}

static char *attachment_of(struct db *db, int64_t notification_id)
{
	struct db_stmt *st = db_prep(db, "SELECT attachment_body FROM notifications WHERE id = ?");
	assert_non_null(st);
	db_bind_int(st, 1, notification_id);
	assert_int_equal(db_step(st), DB_ROW);
	char *s = strdup(db_col_text(st, 0));
	db_reset(st);
	return s;
}

#define INSTITUTION                                                                                               \
	"{\"kind\":\"institution\",\"requester_name\":\"Kızılay Şubesi\",\"contact_person\":\"Ayşe Öztürk\","    \
	"\"attendees\":3,\"subject\":\"Kan bağışı kampanyası\",\"channel\":\"phone\","                           \
	"\"email\":\"sube@example.org\",\"phone\":\"0532 123 45 67\"}"

/* A request brought to "scheduled" at start. */
static int64_t scheduled_at(struct db *db, int64_t start)
{
	int64_t id = create(db, INSTITUTION);
	assert_true(id > 0);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, id, "forward", NULL), APPT_OK);
	assert_int_equal(act(db, WF_ROLE_MAYOR, id, "accept", json_pack("{s:i}", "priority", 2)), APPT_OK);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, id, "schedule",
			     json_pack("{s:I,s:i,s:s,s:b}", "starts_at", start, "duration_min", 30, "location",
				       "Başkanlık Makamı", "allow_conflict", 1)),
			 APPT_OK);
	return id;
}

/* ---- the setting ---- */

static void test_reminder_setting(void **state)
{
	(void)state;
	int h[APPT_MAX_REMINDERS], n = -1;
	assert_int_equal(appt_reminder_hours_parse("24,2", h, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(h[0], 24);
	assert_int_equal(h[1], 2);
	assert_int_equal(appt_reminder_hours_parse(" 2 , 48,24,2 ", h, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(h[0], 48);
	assert_int_equal(h[2], 2);
	assert_int_equal(appt_reminder_hours_parse("", h, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(appt_reminder_hours_parse("0", h, &n), 0);
	assert_int_equal(n, 0);
	static const char *const bad[] = {"24,x", "-1", "1441", "24,", ",24", "1,2,3,4,5,6,7", "24;2", "0,5", "2.5"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(appt_reminder_hours_parse(bad[i], h, &n), -1);
		assert_int_equal(n, 0);
	}
}

/* ---- reminders ---- */

static void test_reminders_queued_moved_and_cancelled(void **state)
{
	struct db *db = db_fixture_need(*state);
	set_reminders(db, "24,2");
	/* A meeting five hours from now: the 24-hour reminder is already past, the 2-hour one is queued. */
	int64_t now = (int64_t)time(NULL), soon = now + 5 * 3600;
	int64_t a = scheduled_at(db, soon);
	assert_int_equal(count_notes(db, a, "appointment_reminder", "email", NULL), 0); /* not before inform */
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, a, "inform", NULL), APPT_OK);
	int64_t t[4];
	assert_int_equal(reminder_times(db, a, t, 4), 1);
	assert_int_equal(t[0], soon - 2 * 3600);
	assert_int_equal(count_notes(db, a, "appointment_reminder", "sms", "queued"), 1);

	/* Far ahead: both. The texts are Turkish although the callers asked for English. */
	int64_t start = unix_from_ymd_min(TUE, 10 * 60);
	int64_t b = scheduled_at(db, start);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, b, "inform", NULL), APPT_OK);
	assert_int_equal(reminder_times(db, b, t, 4), 2);
	assert_int_equal(t[0], start - 24 * 3600);
	assert_int_equal(t[1], start - 2 * 3600);
	json_t *list = notes(db, b, "appointment_reminder", "email", "queued");
	json_t *n = outbox_get(db, json_integer_value(json_object_get(json_array_get(list, 0), "id")));
	json_decref(list);
	assert_non_null(strstr(json_string_value(json_object_get(n, "body")), "hatırlatırız"));
	assert_non_null(strstr(json_string_value(json_object_get(n, "body")), "04.03.2031"));
	assert_string_equal(json_string_value(json_object_get(n, "lang")), "tr");
	json_decref(n);

	/* Reschedule: the old reminders cancelled, new ones queued, the notice sent with old and new time and an
	 * .ics of the same event (same UID) with a higher SEQUENCE. */
	int64_t moved = unix_from_ymd_min(TUE + 1, 14 * 60);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, b, "reschedule", json_pack("{s:I,s:b}", "starts_at", moved,
										   "allow_conflict", 1)),
			 APPT_OK);
	assert_int_equal(count_notes(db, b, "appointment_reminder", "email", "cancelled"), 2);
	assert_int_equal(count_notes(db, b, "appointment_reminder", "sms", "cancelled"), 2);
	assert_int_equal(reminder_times(db, b, t, 4), 2);
	assert_int_equal(t[0], moved - 24 * 3600);
	assert_int_equal(t[1], moved - 2 * 3600);
	list = notes(db, b, "appointment_rescheduled", "email", NULL);
	assert_int_equal(json_array_size(list), 1);
	int64_t notice = json_integer_value(json_object_get(json_array_get(list, 0), "id"));
	json_decref(list);
	assert_int_equal(count_notes(db, b, "appointment_rescheduled", "sms", NULL), 1);
	n = outbox_get(db, notice);
	const char *body = json_string_value(json_object_get(n, "body"));
	assert_non_null(strstr(body, "04.03.2031 10:00"));
	assert_non_null(strstr(body, "05.03.2031"));
	assert_non_null(strstr(body, "14:00"));
	assert_non_null(strstr(body, "Başkanlık Makamı"));
	assert_string_equal(json_string_value(json_object_get(n, "attachment_name")), "randevu.ics");
	json_decref(n);
	list = notes(db, b, "appointment_scheduled", "email", NULL);
	char *first = attachment_of(db, json_integer_value(json_object_get(json_array_get(list, 0), "id")));
	json_decref(list);
	char *second = attachment_of(db, notice);
	char uid1[128] = "", uid2[128] = "";
	assert_non_null(strstr(first, "UID:"));
	sscanf(strstr(first, "UID:"), "UID:%127s", uid1);
	sscanf(strstr(second, "UID:"), "UID:%127s", uid2);
	assert_string_equal(uid1, uid2);
	int seq1 = -1, seq2 = -1;
	sscanf(strstr(first, "SEQUENCE:"), "SEQUENCE:%d", &seq1);
	sscanf(strstr(second, "SEQUENCE:"), "SEQUENCE:%d", &seq2);
	assert_true(seq2 > seq1);
	assert_non_null(strstr(second, "METHOD:REQUEST"));
	assert_non_null(strstr(second, "20310305T140000"));
	free(first);
	free(second);

	/* Cancel: the queued reminders go; the cancellation is sent. */
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, b, "cancel", NULL), APPT_OK);
	assert_int_equal(count_notes(db, b, "appointment_reminder", "email", "queued"), 0);
	assert_int_equal(count_notes(db, b, "appointment_reminder", "email", "cancelled"), 4);
	assert_int_equal(count_notes(db, b, "appointment_cancelled", "email", NULL), 1);

	/* Held: the reminders of a meeting that took place go too; with no reminders set, none are queued. */
	assert_int_equal(act(db, WF_ROLE_MAYOR, a, "held", NULL), APPT_OK);
	assert_int_equal(count_notes(db, a, "appointment_reminder", "email", "queued"), 0);
	set_reminders(db, "0");
	int64_t c = scheduled_at(db, start + 86400 * 7);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, c, "inform", NULL), APPT_OK);
	assert_int_equal(count_notes(db, c, "appointment_reminder", "email", NULL), 0);
	/* A phone call is no notification: no reminders, and no notice on reschedule before anyone was told. */
	set_reminders(db, "24");
	int64_t d = scheduled_at(db, start + 86400 * 8);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, d, "reschedule",
			     json_pack("{s:I,s:b}", "starts_at", start + 86400 * 9, "allow_conflict", 1)),
			 APPT_OK);
	assert_int_equal(count_notes(db, d, "appointment_rescheduled", "email", NULL), 0);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, d, "inform", json_pack("{s:s}", "via", "phone")), APPT_OK);
	assert_int_equal(count_notes(db, d, "appointment_reminder", "email", NULL), 0);
}

/* ---- held details ---- */

static void test_held_details(void **state)
{
	struct db *db = db_fixture_need(*state);
	int64_t id = scheduled_at(db, unix_from_ymd_min(TUE, 11 * 60));
	const char *ek = NULL, *f = NULL;
	/* Not held yet: no details. */
	json_t *fields = json_pack("{s:s}", "outcome", "x");
	assert_int_equal(appt_set_details(db, "clerk", id, fields, &ek, &f), APPT_STATE);
	json_decref(fields);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, id, "inform", NULL), APPT_OK);
	/* A bad due date refuses the whole transition. */
	fields = json_pack("{s:[{s:s,s:s}]}", "followups", "text", "Rapor", "due", "2031-02-30");
	assert_int_equal(appt_transition(db, "mayor", WF_ROLE_MAYOR, id, "held", fields, LANG_TR, &ek, &f, NULL),
			 APPT_INVALID);
	json_decref(fields);
	assert_string_equal(f, "followups.due");
	json_t *o = appt_get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "informed");
	json_decref(o);
	json_t *held = json_pack("{s:s,s:[s,s],s:s,s:[{s:s,s:s,s:s},{s:s}]}", "notes", "Kampanya konuşuldu",
				 "participants", "Ayşe Öztürk", "Dr. Ali Kaya", "outcome", "Destek verilecek",
				 "followups", "text", "Stant yeri ayarlanacak", "owner", "Fen İşleri", "due", "2031-03-20",
				 "text", "Basın bülteni");
	assert_int_equal(appt_transition(db, "mayor", WF_ROLE_MAYOR, id, "held", held, LANG_TR, &ek, &f, NULL),
			 APPT_OK);
	json_decref(held);
	o = appt_get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "participants")), "Ayşe Öztürk\nDr. Ali Kaya");
	assert_string_equal(json_string_value(json_object_get(o, "outcome")), "Destek verilecek");
	assert_string_equal(json_string_value(json_object_get(o, "notes")), "Kampanya konuşuldu");
	json_t *fu = json_object_get(o, "followups");
	assert_int_equal(json_array_size(fu), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(fu, 0), "owner")), "Fen İşleri");
	assert_string_equal(json_string_value(json_object_get(json_array_get(fu, 0), "due")), "2031-03-20");
	assert_string_equal(json_string_value(json_object_get(json_array_get(fu, 1), "text")), "Basın bülteni");
	json_decref(o);
	/* Edited afterwards: the outcome changes, the list is replaced, the notes kept; audited. */
	fields = json_pack("{s:s,s:[{s:s,s:s}]}", "outcome", "Protokol imzalanacak", "followups", "text",
			   "Protokol taslağı", "owner", "Hukuk");
	assert_int_equal(appt_set_details(db, "chief", id, fields, &ek, &f), APPT_OK);
	json_decref(fields);
	o = appt_get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "outcome")), "Protokol imzalanacak");
	assert_string_equal(json_string_value(json_object_get(o, "notes")), "Kampanya konuşuldu");
	assert_int_equal(json_array_size(json_object_get(o, "followups")), 1);
	json_decref(o);
	assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM audit_events WHERE action = 'appointment.details'", -1),
			 1);
	/* Must-fail edits change nothing. */
	fields = json_pack("{s:[{s:s}]}", "followups", "owner", "nobody"); /* no text */
	assert_int_equal(appt_set_details(db, "chief", id, fields, &ek, &f), APPT_INVALID);
	assert_string_equal(f, "followups");
	json_decref(fields);
	fields = json_pack("{s:i}", "outcome", 5);
	assert_int_equal(appt_set_details(db, "chief", id, fields, &ek, &f), APPT_INVALID);
	assert_string_equal(f, "outcome");
	json_decref(fields);
	fields = json_object();
	assert_int_equal(appt_set_details(db, "chief", 999999, fields, &ek, &f), APPT_NOT_FOUND);
	json_decref(fields);
	o = appt_get(db, id);
	assert_int_equal(json_array_size(json_object_get(o, "followups")), 1);
	json_decref(o);
}

/* ---- search, filters, CSV ---- */

static size_t found(struct db *db, const char *q, const struct appt_filter *base, int64_t *first)
{
	struct appt_filter f = base ? *base : (struct appt_filter){0};
	f.q = q;
	json_t *page = appt_list(db, &f, NULL, 100);
	json_t *items = json_object_get(page, "items");
	size_t n = json_array_size(items);
	if (first)
		*first = n ? json_integer_value(json_object_get(json_array_get(items, 0), "id")) : 0;
	json_decref(page);
	return n;
}

static void test_search_and_filters(void **state)
{
	struct db *db = db_fixture_need(*state);
	int64_t a = create(db, "{\"kind\":\"citizen\",\"requester_name\":\"Hatice şahin\",\"subject\":\"Park\","
			       "\"channel\":\"phone\"}");
	int64_t b = create(db, "{\"kind\":\"institution\",\"requester_name\":\"Işık Derneği\",\"contact_person\":"
			       "\"Mehmet Şahin\",\"subject\":\"İmar, \\\"acil\\\" konu\",\"channel\":\"letter\"}");
	int64_t c = create(db, "{\"kind\":\"citizen\",\"requester_name\":\"Zeynep Ak\",\"subject\":\"Çevre\","
			       "\"channel\":\"phone\"}");
	assert_true(a > 0 && b > 0 && c > 0);
	int64_t first;
	assert_int_equal(found(db, "ŞAHİN", NULL, NULL), 2);
	assert_int_equal(found(db, "sahin", NULL, NULL), 2);
	assert_int_equal(found(db, "hatice SAHIN", NULL, &first), 1);
	assert_int_equal(first, a);
	assert_int_equal(found(db, "ışık", NULL, &first), 1);
	assert_int_equal(first, b);
	assert_int_equal(found(db, "ISIK", NULL, NULL), 1);
	assert_int_equal(found(db, "imar", NULL, NULL), 1);
	assert_int_equal(found(db, "cevre", NULL, &first), 1);
	assert_int_equal(first, c);
	assert_int_equal(found(db, "şahinler", NULL, NULL), 0);
	assert_int_equal(found(db, "zq%", NULL, NULL), 0); /* % is no wildcard */
	assert_int_equal(found(db, "", NULL, NULL), 3);
	json_t *o = appt_get(db, c);
	char code[16];
	snprintf(code, sizeof code, "%s", json_string_value(json_object_get(o, "tracking_code")));
	json_decref(o);
	for (char *p = code; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	assert_int_equal(found(db, code, NULL, &first), 1);
	assert_int_equal(first, c);
	/* Filters with the search: kind, state, meeting time. */
	struct appt_filter f = {.kind = "institution"};
	assert_int_equal(found(db, "sahin", &f, &first), 1);
	assert_int_equal(first, b);
	f = (struct appt_filter){.state = "forwarded"};
	assert_int_equal(found(db, "", &f, NULL), 0);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, c, "forward", NULL), APPT_OK);
	assert_int_equal(found(db, "", &f, NULL), 1);
	int64_t s = scheduled_at(db, unix_from_ymd_min(TUE, 9 * 60));
	f = (struct appt_filter){.meet_from = unix_from_ymd_min(TUE, 0), .meet_to = unix_from_ymd_min(TUE + 1, 0)};
	assert_int_equal(found(db, "", &f, &first), 1);
	assert_int_equal(first, s);
	f.meet_from = unix_from_ymd_min(TUE + 1, 0);
	f.meet_to = 0;
	assert_int_equal(found(db, "", &f, NULL), 0);
	/* Created today: all; created from tomorrow: none. */
	int64_t now = (int64_t)time(NULL);
	f = (struct appt_filter){.from = now - 3600};
	assert_int_equal(found(db, "", &f, NULL), 4);
	f.from = now + 86400;
	assert_int_equal(found(db, "", &f, NULL), 0);

	/* Rows written before the search column existed are filled by the backfill. */
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(db_exec_script(db, "UPDATE appointment_requests SET search_text = ''"), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(found(db, "sahin", NULL, NULL), 0);
	assert_int_equal(appt_search_backfill(db), 4);
	assert_int_equal(appt_search_backfill(db), 0);
	assert_int_equal(found(db, "sahin", NULL, NULL), 2);

	/* CSV: a byte order mark, Turkish headers, ';' separators; a comma and quotes survive. */
	struct buf out = BUF_INIT;
	f = (struct appt_filter){.kind = "institution"};
	assert_int_equal(appt_export_csv(db, &f, LANG_TR, &out), 2);
	assert_memory_equal(out.data, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(out.data, "Takip kodu;Talep türü;Talep sahibi"));
	assert_non_null(strstr(out.data, "\"İmar, \"\"acil\"\" konu\""));
	assert_non_null(strstr(out.data, "Işık Derneği;Mehmet Şahin"));
	assert_null(strstr(out.data, "Zeynep"));
	buf_free(&out);
}

#define CASES(setup)                                                                                              \
	cmocka_unit_test_setup_teardown(test_reminders_queued_moved_and_cancelled, setup, teardown),               \
		cmocka_unit_test_setup_teardown(test_held_details, setup, teardown),                               \
		cmocka_unit_test_setup_teardown(test_search_and_filters, setup, teardown)

int main(void)
{
	if (i18n_load() != 0)
		return 1;
	const struct CMUnitTest common[] = {cmocka_unit_test(test_reminder_setting)};
	const struct CMUnitTest sqlite_cases[] = {CASES(sqlite_setup)};
	const struct CMUnitTest pg_cases[] = {CASES(pg_setup)};
	int failed = cmocka_run_group_tests_name("appointment details", common, NULL, NULL);
	failed += cmocka_run_group_tests_name("appointment details, SQLite", sqlite_cases, NULL, NULL);
	failed += cmocka_run_group_tests_name("appointment details, PostgreSQL", pg_cases, NULL, NULL);
	i18n_unload();
	return failed;
}
