/* test_app_search.c: full-text search of applications (store/app_search.h through app_list) on SQLite (FTS5) and
 * PostgreSQL (tsvector): Turkish case and accents, prefixes, several words, the category name and tracking code,
 * hostile input read as plain words, ranking by receipt with keyset pages, the other filters, directorate isolation
 * and the inbox. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/bizcal.h"
#include "core/workflow.h"
#include "db_fixture.h"
#include "store/app_search.h"
#include "store/applications.h"
#include "store/db.h"

#define PG_SCHEMA "test_app_search"
#define SEC 4 /* WF_ROLE_SECRETARIAT */
#define FEN 1 /* directorate ids of the seed */
#define ZABITA 2

static struct db_fixture sqlite_be = {.kind = DB_SQLITE, .name = PG_SCHEMA};
static struct db_fixture pg_be = {.kind = DB_POSTGRES, .name = PG_SCHEMA};

static const char SEED[] =
	"INSERT INTO directorates (code, name, name_fold, sort_key, created_at, updated_at, created_by, updated_by) "
	"VALUES ('fen', 'Fen İşleri Müdürlüğü', 'fen isleri mudurlugu', 'a', 0, 0, 't', 't'), "
	"('zabita', 'Zabıta Müdürlüğü', 'zabita mudurlugu', 'b', 0, 0, 't', 't');"
	"INSERT INTO app_categories (code, name_tr, name_en, group_sort_key, sort_key, directorate_id, "
	"office_warn_days, office_due_days, legal_clock, legal_warn_percent, file_plan_code, attributes, active, "
	"created_at, updated_at, created_by, updated_by) VALUES ('road', 'Yol bakım', 'Road repair', 'a', 'a', 1, 2, 7, "
	"'petition_3071', 75, '', '[]', 1, 0, 0, 't', 't'), ('noise', 'Gürültü', 'Noise', 'a', 'b', 2, 2, 7, "
	"'petition_3071', 75, '', '[]', 1, 0, 0, 't', 't');";

static int group_setup_sqlite(void **state)
{
	*state = &sqlite_be;
	return 0;
}

static int group_setup_pg(void **state)
{
	*state = &pg_be;
	return 0;
}

static int db_setup(void **state)
{
	struct db_fixture *f = *state;
	if (db_fixture_setup(f) != 0)
		return -1;
	return f->db ? db_exec_script(f->db, SEED) : 0;
}

static int64_t day(int d)
{
	return unix_from_ymd_min(20261001 + d, 10 * 60); /* 1..28 October 2026, 10:00 */
}

/* Creates an application received on day d (a letter entered later keeps its day). */
static int64_t create(struct db *db, const char *name, const char *subject, const char *description,
		      const char *address, const char *category, int d)
{
	json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "kind", "complaint", "channel", "letter",
			      "applicant_name", name, "category_code", category, "subject", subject, "description",
			      description, "address", address, "preferred_channel", "none", "received_at",
			      (json_int_t)day(d));
	const char *field = NULL, *ek = NULL;
	int64_t id = app_create(db, "clerk", v, NULL, NULL, &field, &ek);
	json_decref(v);
	if (id <= 0)
		fail_msg("create failed: %lld field %s", (long long)id, field ? field : "-");
	return id;
}

/* The ids app_list gives for q under filter f (q set here), in order, as "id,id,..." in out. */
static const char *ids_of(struct db *db, struct app_filter *f, const char *q, char out[256])
{
	f->q = q;
	json_t *l = app_list(db, f, NULL, 100, day(30));
	assert_non_null(l);
	out[0] = '\0';
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(l, "items"), i, o)
	{
		size_t n = strlen(out);
		long long id = (long long)json_integer_value(json_object_get(o, "id"));
		snprintf(out + n, 256 - n, "%s%lld", n ? "," : "", id);
	}
	json_decref(l);
	return out;
}

static const char *found(struct db *db, const char *q, char out[256])
{
	struct app_filter f = {0};
	return ids_of(db, &f, q, out);
}

static const char *list_of(char out[64], int n, ...)
{
	va_list ap;
	va_start(ap, n);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		size_t len = strlen(out);
		snprintf(out + len, 64 - len, "%s%lld", i ? "," : "", (long long)va_arg(ap, int64_t));
	}
	va_end(ap);
	return out;
}

/* ---- cases ---- */

static void test_match_text(void **state)
{
	(void)state;
	/* Quoted prefix terms, ANDed; operators and quotes never pass through. */
	char *m = app_search_match(DB_SQLITE, "Mehm YIL");
	assert_string_equal(m, "\"mehm\"* AND \"yil\"*");
	free(m);
	m = app_search_match(DB_POSTGRES, "Mehm YIL");
	assert_string_equal(m, "'mehm':* & 'yil':*");
	free(m);
	m = app_search_match(DB_SQLITE, "\"a\" OR * NEAR(");
	assert_string_equal(m, "\"a\"* AND \"or\"* AND \"near\"*");
	free(m);
	m = app_search_match(DB_POSTGRES, "x':* | !y & (z)");
	assert_string_equal(m, "'x':* & 'y':* & 'z':*");
	free(m);
	/* Repeated words once; no word at all: no match expression. */
	m = app_search_match(DB_SQLITE, "ŞİKAYET şikâyet");
	assert_string_equal(m, "\"sikayet\"*");
	free(m);
	/* The index is asked for 3 characters of each word; the text check keeps whole-word prefixes only. */
	struct app_search_words w;
	assert_int_equal(app_search_words("Mehmet YIL ŞİKÂYETÇİ", &w), 3);
	m = app_search_match_indexed(&w);
	assert_string_equal(m, "\"meh\"* AND \"yil\"* AND \"sik\"*");
	free(m);
	assert_true(app_search_needs_check(&w));
	assert_true(app_search_text_matches(&w, "ali mehmetoglu (sikayetci) yildiz"));
	assert_true(app_search_text_matches(&w, "yil:mehmet,sikayetcilik"));
	assert_false(app_search_text_matches(&w, "ali ahmehmet sikayetci yildiz")); /* inside a word */
	assert_false(app_search_text_matches(&w, "mehtap sikayetci yildiz"));       /* the 3 letters only */
	assert_false(app_search_text_matches(&w, "mehmet sikayet yildiz"));         /* sikayet < sikayetci */
	assert_int_equal(app_search_words("ka yı", &w), 2);
	assert_false(app_search_needs_check(&w));
	assert_int_equal(app_search_words(" ( * ", &w), 0);
	assert_null(app_search_match_indexed(&w));
	assert_null(app_search_match(DB_SQLITE, "\"*( ) :*"));
	assert_null(app_search_match(DB_POSTGRES, ""));
	assert_null(app_search_match(DB_POSTGRES, NULL));
}

static void test_turkish(void **state)
{
	struct db *db = db_fixture_need(*state);
	char got[256], want[64];
	int64_t a = create(db, "Mehmet Yılmaz", "şikayet: kaldırım", "", "İSTANBUL caddesi", "road", 1);
	int64_t b = create(db, "Ayşe Kaya", "Şikâyet dilekçesi", "Işıklar yanmıyor", "", "road", 2);
	int64_t c = create(db, "Mehmet Kaya", "Park", "istanbul yolu", "", "noise", 3);
	int64_t d = create(db, "Ali Veli", "Çöp", "", "", "noise", 4);
	int64_t e = create(db, "Mehtap Yıldız", "Parkta bank yok", "", "", "noise", 5); /* "meh", "yıl" only */
	/* Upper case with Turkish İ/I, accents (â), dotless ı: the newest received first. */
	assert_string_equal(found(db, "ŞİKAYET", got), list_of(want, 2, b, a));
	assert_string_equal(found(db, "sikayet", got), list_of(want, 2, b, a));
	assert_string_equal(found(db, "İSTANBUL", got), list_of(want, 2, c, a));
	assert_string_equal(found(db, "istanbul", got), list_of(want, 2, c, a));
	assert_string_equal(found(db, "ISIKLAR", got), list_of(want, 1, b));
	/* Prefixes, two words (each a prefix, both needed), any order. */
	assert_string_equal(found(db, "mehm", got), list_of(want, 2, c, a));
	assert_string_equal(found(db, "mehm yıl", got), list_of(want, 1, a));
	assert_string_equal(found(db, "YIL MEHM", got), list_of(want, 1, a));
	assert_string_equal(found(db, "ka", got), list_of(want, 3, c, b, a)); /* Kaya, Kaya, kaldırım */
	/* The category's name is searched too. */
	assert_string_equal(found(db, "gürültü", got), list_of(want, 3, e, d, c));
	assert_string_equal(found(db, "yol bak", got), list_of(want, 2, b, a)); /* c has "yolu" but no "bak" */
	/* must fail: the middle or end of a word, a word nobody wrote, one word of two missing. */
	assert_string_equal(found(db, "hmet", got), "");
	assert_string_equal(found(db, "zzz", got), "");
	assert_string_equal(found(db, "mehmet zzz", got), "");
	assert_string_equal(found(db, "ayse yilmaz", got), "");
	/* The tracking code, as printed. */
	json_t *o = app_get(db, d, 0, day(30));
	const char *code = json_string_value(json_object_get(o, "tracking_code"));
	assert_string_equal(found(db, code, got), list_of(want, 1, d));
	json_decref(o);
}

static void test_hostile(void **state)
{
	struct db *db = db_fixture_need(*state);
	char got[256], want[64];
	int64_t a = create(db, "Ahmet Oral", "Nearby", "", "", "road", 1);
	int64_t b = create(db, "Ali Veli", "Man * (x)", "", "", "road", 2);
	/* FTS5 and tsquery syntax typed by a user: plain words (a*, or*, near*), never an error. */
	assert_string_equal(found(db, "\"a\" OR * NEAR(", got), list_of(want, 1, a));
	assert_string_equal(found(db, "NEAR(a or", got), list_of(want, 1, a));
	assert_string_equal(found(db, "man)", got), list_of(want, 1, b));
	assert_string_equal(found(db, "ali' & !veli | :*", got), list_of(want, 1, b)); /* tsquery operators */
	assert_string_equal(found(db, "NOT", got), "");
	assert_string_equal(found(db, "x AND", got), "");
	/* Nothing searchable at all: no filter. */
	assert_string_equal(found(db, "\"*( ) :* -", got), list_of(want, 2, b, a));
}

/* Ranked by receipt, not by entry: letters entered late with an earlier date go where they were received; keyset
 * pages cover every match once. */
static void test_order_and_pages(void **state)
{
	struct db *db = db_fixture_need(*state);
	int64_t ids[12];
	static const int days[12] = {5, 6, 7, 8, 9, 10, 11, 12, 13, 1, 14, 7}; /* entered in this order */
	for (int i = 0; i < 12; i++)
		ids[i] = create(db, "Deniz Su", "Su kesintisi", "", "", "road", days[i]);
	create(db, "Başka Biri", "Başka", "", "", "road", 20);
	/* expected: by day desc, then id desc */
	static const int order[12] = {10, 8, 7, 6, 5, 4, 3, 11, 2, 1, 0, 9};
	struct app_filter f = {.q = "su kes"};
	char *after = NULL;
	int seen = 0;
	for (int page = 0; page < 10; page++) {
		json_t *l = app_list(db, &f, after, 5, day(30));
		free(after);
		after = NULL;
		size_t i;
		json_t *o;
		json_array_foreach(json_object_get(l, "items"), i, o)
		{
			assert_true(seen < 12);
			assert_int_equal(json_integer_value(json_object_get(o, "id")), ids[order[seen]]);
			seen++;
		}
		const char *next = json_string_value(json_object_get(l, "next"));
		if (next)
			after = strdup(next);
		json_decref(l);
		if (!after)
			break;
	}
	assert_int_equal(seen, 12);
	/* A page of exactly the rest has no next. */
	json_t *l = app_list(db, &f, NULL, 12, day(30));
	assert_int_equal(json_array_size(json_object_get(l, "items")), 12);
	assert_true(json_is_null(json_object_get(l, "next")));
	json_decref(l);
	l = app_list(db, &f, NULL, 11, day(30));
	assert_int_equal(json_array_size(json_object_get(l, "items")), 11);
	assert_true(json_is_string(json_object_get(l, "next")));
	json_decref(l);
}

/* Search with the other filters, and a directorate sees only its own applications among the matches. */
static void test_filters_and_isolation(void **state)
{
	struct db *db = db_fixture_need(*state);
	char got[256], want[64];
	int64_t a = create(db, "Fatma Şahin", "Kaldırım bozuk", "", "", "road", 1);
	int64_t b = create(db, "Fatma Demir", "Kaldırım dar", "", "", "noise", 2);
	int64_t c = create(db, "Fatma Ak", "Kaldırım", "", "", "road", 3);
	const char *ek = NULL, *field = NULL;
	json_t *to_fen = json_pack("{s:i}", "directorate_id", FEN);
	json_t *to_zabita = json_pack("{s:i}", "directorate_id", ZABITA);
	assert_int_equal(app_transition(db, "clerk", SEC, 0, a, "route", to_fen, NULL, &ek, &field), APP_OK);
	assert_int_equal(app_transition(db, "clerk", SEC, 0, b, "route", to_zabita, NULL, &ek, &field), APP_OK);
	json_decref(to_fen);
	json_decref(to_zabita);
	struct app_filter f = {.directorate_scope = FEN};
	assert_string_equal(ids_of(db, &f, "fatma", got), list_of(want, 1, a));
	f.directorate_scope = ZABITA;
	assert_string_equal(ids_of(db, &f, "fatma kaldırım", got), list_of(want, 1, b));
	assert_string_equal(ids_of(db, &f, "sahin", got), ""); /* Fen's application: not found by Zabıta */
	f.inbox = true;
	assert_string_equal(ids_of(db, &f, "fatma", got), list_of(want, 1, b));
	assert_string_equal(ids_of(db, &f, "ak", got), "");
	f = (struct app_filter){.state = "routed"};
	assert_string_equal(ids_of(db, &f, "fatma", got), list_of(want, 2, b, a));
	f = (struct app_filter){.category_id = 1};
	assert_string_equal(ids_of(db, &f, "fatma", got), list_of(want, 2, c, a));
	f = (struct app_filter){.directorate_id = ZABITA};
	assert_string_equal(ids_of(db, &f, "kaldir", got), list_of(want, 1, b));
	f = (struct app_filter){.from = day(2), .to = day(3)};
	assert_string_equal(ids_of(db, &f, "kaldir", got), list_of(want, 1, b));
	/* Overdue at day 30 (a week's office clock): all three, open; with the other filters. */
	f = (struct app_filter){.overdue = true};
	assert_string_equal(ids_of(db, &f, NULL, got), list_of(want, 3, c, b, a));
	assert_string_equal(ids_of(db, &f, "fatma kaldırım", got), list_of(want, 3, c, b, a));
	f = (struct app_filter){.overdue = true, .directorate_scope = FEN};
	assert_string_equal(ids_of(db, &f, NULL, got), list_of(want, 1, a));
	f = (struct app_filter){.overdue = true, .state = "received"};
	assert_string_equal(ids_of(db, &f, "fatma", got), list_of(want, 1, c));
}

#define CASE(f) cmocka_unit_test_setup_teardown(f, db_setup, db_fixture_case_teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
		cmocka_unit_test(test_match_text), CASE(test_turkish), CASE(test_hostile), CASE(test_order_and_pages),
		CASE(test_filters_and_isolation),
	};
	int failed = cmocka_run_group_tests_name("app_search_sqlite", cases, group_setup_sqlite, NULL);
	failed += cmocka_run_group_tests_name("app_search_postgresql", cases, group_setup_pg, NULL);
	return failed;
}
