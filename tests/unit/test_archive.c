/* test_archive.c: the file plan and archived documents (store/archive.h): the plan seeded from data/file_plan.csv,
 * consecutive gap-free numbers (a rolled back document takes none, concurrent writers never share one), unknown codes,
 * a missing DETSİS unit, the number's format, retention in calendar years; on SQLite and, with KALEM_TEST_PG_URL,
 * PostgreSQL. */
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
#include "core/bizcal.h"
#include "db_fixture.h"
#include "json_fields.h"
#include "store/archive.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/settings.h"
#include "store/setup.h"

#define PG_SCHEMA "test_archive"
#define DETSIS "12345678"

static struct db_fixture sqlite_be = {.kind = DB_SQLITE, .name = PG_SCHEMA};
static struct db_fixture pg_be = {.kind = DB_POSTGRES, .name = PG_SCHEMA};

/* A fresh database with the plan seeded and, when detsis is set, the DETSİS unit configured. */
static int prepare(struct db_fixture *f, const char *detsis)
{
	if (db_fixture_setup(f) != 0)
		return -1;
	if (!f->db)
		return 0;
	if (db_begin_write(f->db) != 0)
		return -1;
	int rc = file_plan_seed(f->db) > 0 ? 0 : -1;
	if (rc == 0 && detsis)
		rc = setting_set(f->db, "admin", SETTING_DETSIS_UNIT, detsis, false);
	if (rc != 0) {
		db_rollback(f->db);
		return -1;
	}
	return db_commit(f->db);
}

static int sqlite_setup(void **state)
{
	*state = &sqlite_be;
	return prepare(&sqlite_be, DETSIS);
}

static int pg_setup(void **state)
{
	*state = &pg_be;
	return prepare(&pg_be, DETSIS);
}

static int teardown(void **state)
{
	db_fixture_teardown(*state);
	return 0;
}

static struct db *need(void **state)
{
	return db_fixture_need(*state);
}

/* Archives in a transaction of its own, committed when it worked; returns archive_document's result. */
static int64_t archive(struct db *db, const char *code, int64_t record_id, char number[96])
{
	assert_int_equal(db_begin_write(db), 0);
	int64_t id = archive_document(db, "sec1", "application", record_id, code, "Dilekçe", 0, number);
	if (id > 0)
		assert_int_equal(db_commit(db), 0);
	else
		db_rollback(db);
	return id;
}

static int current_year(void)
{
	return ymd_from_unix((int64_t)time(NULL)) / 10000;
}

/* ---- cases ---- */

static void test_plan_is_seeded_once(void **state)
{
	struct db *db = need(state);
	json_t *plan = file_plan_list(db);
	assert_true(json_array_size(plan) >= 20);
	/* Ordered by code, every entry complete. */
	const char *prev = "";
	size_t i;
	json_t *e;
	json_array_foreach (plan, i, e) {
		assert_true(strcmp(prev, field_str(e, "code")) < 0);
		prev = field_str(e, "code");
		assert_true(*field_str(e, "title"));
		assert_true(*field_str(e, "disposal"));
		assert_true(field_int(e, "retention_years") >= 0);
	}
	json_decref(plan);
	json_t *p = file_plan_get(db, "030.03");
	assert_non_null(p);
	assert_string_equal(field_str(p, "title"), "Protokoller");
	json_decref(p);
	p = file_plan_get(db, "622.01");
	assert_non_null(p);
	assert_true(field_int(p, "retention_years") > 0);
	json_decref(p);
	assert_null(file_plan_get(db, "999.99"));
	assert_null(file_plan_get(db, ""));
	assert_null(file_plan_get(db, NULL));

	/* Not twice, and administrators' changes stay. */
	assert_int_equal(db_exec_script(db, "DELETE FROM file_plan WHERE code = '045'"), 0);
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(file_plan_seed(db), 0);
	assert_int_equal(db_commit(db), 0);
	assert_null(file_plan_get(db, "045"));
}

static void test_numbers_are_consecutive_and_gap_free(void **state)
{
	struct db *db = need(state);
	char number[96];
	int64_t a = archive(db, "622.01", 1, number);
	assert_true(a > 0);
	assert_string_equal(number, "E-" DETSIS "-622.01-1");
	int64_t b = archive(db, "030.03", 2, number);
	assert_string_equal(number, "E-" DETSIS "-030.03-2");

	/* A document rolled back takes its number with it. */
	assert_int_equal(db_begin_write(db), 0);
	int64_t c = archive_document(db, "sec1", "application", 3, "622.01", "Dilekçe", 0, number);
	assert_true(c > b);
	assert_string_equal(number, "E-" DETSIS "-622.01-3");
	db_rollback(db);
	assert_null(archive_get(db, c));

	int64_t d = archive(db, "622.01", 4, number);
	assert_true(d > 0);
	assert_string_equal(number, "E-" DETSIS "-622.01-3");
	json_t *doc = archive_get(db, d);
	assert_int_equal(field_int(doc, "sequence"), 3);
	assert_string_equal(field_str(doc, "number"), number);
	json_decref(doc);

	/* One sequence per year, named after it. */
	char name[32];
	snprintf(name, sizeof name, "docno.%d", current_year());
	struct db_stmt *st = db_prep(db, "SELECT name, value FROM doc_sequences");
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), name);
	assert_int_equal(db_col_int(st, 1), 3);
	assert_int_equal(db_step(st), DB_OK);

	/* It goes on from where the row says (numbers carried over from a previous system). */
	assert_int_equal(db_exec_script(db, "UPDATE doc_sequences SET value = 1233"), 0);
	archive(db, "010.06.02", 5, number);
	assert_string_equal(number, "E-" DETSIS "-010.06.02-1234");
}

static void test_unknown_code(void **state)
{
	struct db *db = need(state);
	char number[96] = "stale";
	assert_int_equal(archive(db, "999.99", 1, number), ARCHIVE_NO_CODE);
	assert_string_equal(number, "");
	assert_int_equal(archive(db, "", 1, number), ARCHIVE_NO_CODE);
	assert_int_equal(archive(db, "622.01'; --", 1, number), ARCHIVE_NO_CODE);
	/* No number was taken. */
	assert_true(archive(db, "622.01", 1, number) > 0);
	assert_string_equal(number, "E-" DETSIS "-622.01-1");
}

static void test_no_detsis(void **state)
{
	struct db *db = need(state);
	char number[96] = "stale";
	static const char *const bad[] = {"", "1234567", "123456789", "1234567a", " 12345678", NULL};
	for (size_t i = 0; bad[i]; i++) {
		assert_int_equal(db_begin_write(db), 0);
		assert_int_equal(setting_set(db, "admin", SETTING_DETSIS_UNIT, bad[i], false), 0);
		assert_int_equal(db_commit(db), 0);
		assert_int_equal(archive(db, "622.01", 1, number), ARCHIVE_NO_DETSIS);
		assert_string_equal(number, "");
	}
	assert_int_equal(db_exec_script(db, "DELETE FROM settings WHERE key = 'org.detsis_unit'"), 0);
	assert_int_equal(archive(db, "622.01", 1, number), ARCHIVE_NO_DETSIS);

	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(setting_set(db, "admin", SETTING_DETSIS_UNIT, "87654321", false), 0);
	assert_int_equal(db_commit(db), 0);
	assert_true(archive(db, "622.01", 1, number) > 0);
	assert_string_equal(number, "E-87654321-622.01-1");
}

static void test_document_fields_and_retention(void **state)
{
	struct db *db = need(state);
	char number[96];
	assert_int_equal(db_exec_script(db, "INSERT INTO files (sha256, mime, size, name, created_at, created_by) "
					    "VALUES ('" "0123456789abcdef0123456789abcdef"
					    "0123456789abcdef0123456789abcdef', 'application/pdf', 10, 'a.pdf', 1, 'x')"),
			 0);
	int64_t file_id = db_query_int(db, "SELECT MAX(id) FROM files", 0);
	assert_int_equal(db_begin_write(db), 0);
	int64_t t0 = (int64_t)time(NULL);
	int64_t id = archive_document(db, "sec1", "application", 42, "030.03", "Protokol metni", file_id, number);
	assert_true(id > 0);
	/* A file that does not exist is refused, and the transaction goes on (PostgreSQL too). */
	char other[96];
	assert_int_equal(archive_document(db, "sec1", "application", 42, "030.03", "x", file_id + 99, other),
			 ARCHIVE_ERROR);
	int64_t id2 = archive_document(db, "sec1", "application", 42, "622.01", "Cevap yazısı", 0, other);
	assert_true(id2 > id);
	assert_int_equal(db_commit(db), 0);

	json_t *doc = archive_get(db, id);
	assert_non_null(doc);
	assert_int_equal(field_int(doc, "id"), id);
	assert_string_equal(field_str(doc, "number"), number);
	assert_string_equal(field_str(doc, "file_plan_code"), "030.03");
	assert_string_equal(field_str(doc, "file_plan_title"), "Protokoller");
	assert_string_equal(field_str(doc, "title"), "Protokol metni");
	assert_string_equal(field_str(doc, "record_type"), "application");
	assert_int_equal(field_int(doc, "record_id"), 42);
	assert_int_equal(field_int(doc, "file_id"), file_id);
	assert_string_equal(field_str(doc, "archived_by"), "sec1");
	int64_t at = field_int(doc, "archived_at");
	assert_true(at >= t0 && at <= t0 + 5);

	/* retention_until: the same day and time, retention_years later on the calendar (Istanbul). */
	json_t *plan = file_plan_get(db, "030.03");
	int years = (int)field_int(plan, "retention_years");
	json_decref(plan);
	assert_true(years > 0);
	time_t a = (time_t)(at + BIZCAL_UTC_OFFSET_SEC), r = (time_t)(field_int(doc, "retention_until") +
								       BIZCAL_UTC_OFFSET_SEC);
	struct tm ta, tr;
	gmtime_r(&a, &ta);
	gmtime_r(&r, &tr);
	assert_int_equal(tr.tm_year, ta.tm_year + years);
	assert_int_equal(tr.tm_mon, ta.tm_mon);
	if (!(ta.tm_mon == 1 && ta.tm_mday == 29))
		assert_int_equal(tr.tm_mday, ta.tm_mday);
	assert_int_equal(tr.tm_hour * 3600 + tr.tm_min * 60 + tr.tm_sec,
			 ta.tm_hour * 3600 + ta.tm_min * 60 + ta.tm_sec);
	/* Calendar years, not 365-day ones: at least 365 days each, at most a leap day more. */
	int64_t span = field_int(doc, "retention_until") - at;
	assert_true(span >= (int64_t)years * 365 * 86400 && span <= ((int64_t)years * 365 + 3) * 86400);
	json_decref(doc);

	doc = archive_get(db, id2);
	assert_int_equal(field_int(doc, "file_id"), 0);
	assert_string_equal(field_str(doc, "file_plan_title"), "Vatandaşların Talep ve Şikayetleri");
	json_decref(doc);
	assert_null(archive_get(db, id2 + 100));

	json_t *list = archive_for_record(db, "application", 42);
	assert_int_equal(json_array_size(list), 2);
	assert_int_equal(field_int(json_array_get(list, 0), "id"), id);
	assert_int_equal(field_int(json_array_get(list, 1), "id"), id2);
	json_decref(list);
	list = archive_for_record(db, "application", 43);
	assert_non_null(list);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);

	json_t *events = audit_list(db, NULL, "document", NULL, "document.archive", 0, 10);
	assert_int_equal(json_array_size(events), 2);
	json_decref(events);

	/* Outside a transaction: refused. */
	assert_true(archive_document(db, "sec1", "application", 1, "622.01", "x", 0, number) < 0);
}

/* ---- concurrent writers ---- */

#define WRITERS 3
#define PER_WRITER 15

struct writer {
	const char *url;
	int failures;
};

static void *write_documents(void *arg)
{
	struct writer *w = arg;
	struct db *db = db_open(w->url);
	if (!db) {
		w->failures = PER_WRITER;
		return NULL;
	}
	for (int i = 0; i < PER_WRITER; i++) {
		char number[96];
		if (db_begin_write(db) != 0) {
			w->failures++;
			continue;
		}
		int64_t id = archive_document(db, "sec1", "application", i, "622.01", "Dilekçe", 0, number);
		/* Every third one changes its mind: its number must go back to the pool. */
		if (id > 0 && i % 3 == 2) {
			db_rollback(db);
		} else if (id <= 0) {
			w->failures++;
			db_rollback(db);
		} else if (db_commit(db) != 0) {
			w->failures++;
		}
	}
	db_close(db);
	return NULL;
}

static void test_concurrent_writers_never_share_a_number(void **state)
{
	struct db_fixture *f = *state;
	struct db *db = need(state);
	pthread_t threads[WRITERS];
	struct writer writers[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		writers[i] = (struct writer){.url = f->url};
		assert_int_equal(pthread_create(&threads[i], NULL, write_documents, &writers[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(writers[i].failures, 0);
	}
	int64_t kept = WRITERS * (PER_WRITER - PER_WRITER / 3);
	assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM documents", -1), kept);
	assert_int_equal(db_query_int(db, "SELECT COUNT(DISTINCT sequence) FROM documents", -1), kept);
	assert_int_equal(db_query_int(db, "SELECT MIN(sequence) FROM documents", -1), 1);
	assert_int_equal(db_query_int(db, "SELECT MAX(sequence) FROM documents", -1), kept);
}

#define CASES(setup)                                                                                              \
	cmocka_unit_test_setup_teardown(test_plan_is_seeded_once, setup, teardown),                                \
		cmocka_unit_test_setup_teardown(test_numbers_are_consecutive_and_gap_free, setup, teardown),       \
		cmocka_unit_test_setup_teardown(test_unknown_code, setup, teardown),                               \
		cmocka_unit_test_setup_teardown(test_no_detsis, setup, teardown),                                  \
		cmocka_unit_test_setup_teardown(test_document_fields_and_retention, setup, teardown),              \
		cmocka_unit_test_setup_teardown(test_concurrent_writers_never_share_a_number, setup, teardown)

int main(void)
{
	const struct CMUnitTest sqlite_cases[] = {CASES(sqlite_setup)};
	const struct CMUnitTest pg_cases[] = {CASES(pg_setup)};
	int failed = cmocka_run_group_tests_name("archive, SQLite", sqlite_cases, NULL, NULL);
	failed += cmocka_run_group_tests_name("archive, PostgreSQL", pg_cases, NULL, NULL);
	return failed;
}
