/* test_app_reference.c: the reference data of workflow 3 (store/app_reference.h): the seed and its idempotence,
 * category policies, validation that names the field, response templates and their filling; SQLite and PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/app_reference.h"
#include "store/db.h"
#include "store/directorates.h"
#include "util/turkish.h"
#include "db_fixture.h"

#define PG_SCHEMA "test_app_reference"

static struct db_fixture sqlite_be = {.kind = DB_SQLITE, .name = PG_SCHEMA, .seeded = true};
static struct db_fixture pg_be = {.kind = DB_POSTGRES, .name = PG_SCHEMA, .seeded = true};
static struct db_fixture sqlite_bare = {.kind = DB_SQLITE, .name = PG_SCHEMA "_bare", .seeded = false};
static struct db_fixture pg_bare = {.kind = DB_POSTGRES, .name = PG_SCHEMA "_bare", .seeded = false};

static int sqlite_group_setup(void **state)
{
	*state = &sqlite_be;
	return 0;
}

static int pg_group_setup(void **state)
{
	*state = &pg_be;
	return 0;
}

static const char SQL_COUNT_CATEGORIES[] = "SELECT COUNT(*) FROM app_categories";
static const char SQL_COUNT_REASONS[] = "SELECT COUNT(*) FROM legal_reasons";
static const char SQL_COUNT_TEMPLATES[] = "SELECT COUNT(*) FROM response_templates";
static const char SQL_COUNT_AUDIT[] = "SELECT COUNT(*) FROM audit_events WHERE action LIKE 'category.%'";

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "(missing)";
}

static int64_t num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static int64_t id_of_code(struct db *db, const char *code)
{
	json_t *c = app_category_by_code(db, code);
	assert_non_null(c);
	int64_t id = num(c, "id");
	json_decref(c);
	return id;
}

/* Runs one save in its own write transaction, committing only on success. */
enum which { CATEGORY, REASON, TEMPLATE };
static int64_t save(struct db *db, enum which w, int64_t id, const json_t *v, const char **field)
{
	assert_int_equal(db_begin_write(db), 0);
	int64_t rc = w == CATEGORY ? app_category_save(db, "tester", id, v, field)
		     : w == REASON ? legal_reason_save(db, "tester", id, v, field)
				   : response_template_save(db, "tester", id, v, field);
	if (rc > 0)
		assert_int_equal(db_commit(db), 0);
	else
		db_rollback(db);
	return rc;
}

/* Sets v's key to bad, expects the save to refuse it naming that key, then sets key to good (both taken). */
static void refuses(struct db *db, enum which w, json_t *v, const char *key, json_t *bad, json_t *good)
{
	const char *field = NULL;
	json_object_set_new(v, key, bad);
	assert_int_equal(save(db, w, 0, v, &field), APPREF_INVALID);
	assert_string_equal(field, key);
	json_object_set_new(v, key, good);
}

/* ---- the seed ---- */

static void test_seed_loads_and_is_idempotent(void **state)
{
	struct db *db = db_fixture_need(*state);
	assert_int_equal(db_query_int(db, SQL_COUNT_CATEGORIES, -1), 15);
	assert_int_equal(db_query_int(db, SQL_COUNT_REASONS, -1), 9);
	assert_int_equal(db_query_int(db, SQL_COUNT_TEMPLATES, -1), 8);

	json_t *road = app_category_by_code(db, "road_damage");
	assert_non_null(road);
	assert_string_equal(str(road, "name_tr"), "Yol ve kaldırım bozukluğu");
	assert_string_equal(str(road, "legal_clock"), "petition_3071");
	assert_string_equal(str(road, "file_plan_code"), "622.01.02");
	assert_int_equal(num(road, "directorate_id"), 0); /* no directorates when the database was set up */
	json_t *size = json_array_get(json_object_get(road, "attributes"), 0);
	assert_string_equal(str(size, "code"), "size");
	assert_string_equal(str(size, "datatype"), "singlevaluelist");
	assert_true(json_is_true(json_object_get(size, "required")));
	assert_int_equal(json_array_size(json_object_get(size, "values")), 3);
	assert_string_equal(str(json_array_get(json_object_get(size, "values"), 0), "name_tr"), "Küçük (1 m²'den az)");
	json_decref(road);

	json_t *info = app_category_by_code(db, "information_request");
	assert_string_equal(str(info, "legal_clock"), "info_4982");
	assert_string_equal(str(info, "file_plan_code"), "622.02");
	json_decref(info);

	json_t *reason = legal_reason_get(db, "not_competent");
	assert_non_null(reason);
	assert_string_equal(str(reason, "article"), "3071/5");
	assert_string_equal(str(reason, "action"), "forward");
	json_decref(reason);
	assert_null(legal_reason_get(db, "no_such_reason"));

	/* Again: nothing changes, whether inside the caller's transaction or not. */
	assert_int_equal(app_reference_seed(db), 0);
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(app_reference_seed(db), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(db_query_int(db, SQL_COUNT_CATEGORIES, -1), 15);
	assert_int_equal(db_query_int(db, SQL_COUNT_REASONS, -1), 9);
	assert_int_equal(db_query_int(db, SQL_COUNT_TEMPLATES, -1), 8);
}

/* The CSV names a default directorate; it is found by name (case and accents as people write them). */
static void test_seed_resolves_directorates(void **state)
{
	struct db_fixture *f = *state == &pg_be ? &pg_bare : &sqlite_bare;
	assert_int_equal(db_fixture_setup(f), 0);
	struct db *db = db_fixture_need(f);
	assert_int_equal(db_query_int(db, SQL_COUNT_CATEGORIES, -1), 0);
	json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "code", "FEN", "name", "FEN İŞLERİ MÜDÜRLÜĞÜ", "email", "",
			      "phone", "", "manager", "", "active", 1);
	assert_int_equal(db_begin_write(db), 0);
	int64_t fen = directorate_save(db, "tester", 0, d);
	assert_true(fen > 0);
	assert_int_equal(db_commit(db), 0);
	json_decref(d);

	assert_int_equal(app_reference_seed(db), 0);
	json_t *road = app_category_by_code(db, "road_damage");
	assert_int_equal(num(road, "directorate_id"), fen);
	assert_string_equal(str(road, "directorate_name"), "FEN İŞLERİ MÜDÜRLÜĞÜ");
	json_decref(road);
	json_t *noise = app_category_by_code(db, "noise"); /* Zabıta: absent here */
	assert_int_equal(num(noise, "directorate_id"), 0);
	json_decref(noise);
	db_fixture_teardown(f);
}

static void test_list_in_turkish_order(void **state)
{
	struct db *db = db_fixture_need(*state);
	json_t *all = app_category_list(db, false);
	assert_int_equal(json_array_size(all), 15);
	/* Groups in Turkish order: "Çevre ..." after "Altyapı ..." and before "Denetim" (bytewise it would be last). */
	const char *prev_group = "";
	const char *prev_name = "";
	size_t i;
	json_t *c;
	json_array_foreach(all, i, c) {
		int g = tr_compare(prev_group, str(c, "group_tr"));
		assert_true(g <= 0);
		if (g == 0)
			assert_true(tr_compare(prev_name, str(c, "name_tr")) <= 0);
		prev_group = str(c, "group_tr");
		prev_name = str(c, "name_tr");
	}
	assert_string_equal(str(json_array_get(all, 0), "group_tr"), "Altyapı ve ulaşım");
	bool seen_cevre = false, seen_denetim_after = false;
	json_array_foreach(all, i, c) {
		if (strcmp(str(c, "group_tr"), "Çevre ve temizlik") == 0)
			seen_cevre = true;
		if (strcmp(str(c, "group_tr"), "Denetim") == 0 && seen_cevre)
			seen_denetim_after = true;
	}
	assert_true(seen_denetim_after);

	/* Inactive ones drop out of the active list. */
	json_t *v = app_category_by_code(db, "other");
	json_object_set_new(v, "active", json_false());
	const char *field = NULL;
	assert_int_equal(save(db, CATEGORY, num(v, "id"), v, &field), num(v, "id"));
	json_decref(v);
	json_t *active = app_category_list(db, true);
	assert_int_equal(json_array_size(active), 14);
	json_array_foreach(active, i, c)
		assert_string_not_equal(str(c, "code"), "other");
	json_decref(active);
	json_decref(all);
}

/* ---- policies ---- */

static void test_policy(void **state)
{
	struct db *db = db_fixture_need(*state);
	struct clock_policy p;
	int64_t dir = 99;
	assert_int_equal(app_category_policy(db, id_of_code(db, "information_request"), &p, &dir), 0);
	assert_int_equal(p.legal, LEGAL_INFO_4982);
	assert_int_equal(p.office_warn_days, 2);
	assert_int_equal(p.office_due_days, 7);
	assert_int_equal(p.legal_warn_percent, 75);
	assert_int_equal(dir, 0);

	assert_int_equal(app_category_policy(db, id_of_code(db, "stray_animals"), &p, NULL), 0);
	assert_int_equal(p.legal, LEGAL_PETITION_3071);
	assert_int_equal(p.office_warn_days, 1);
	assert_int_equal(p.office_due_days, 3);

	/* A category of its own, with a directorate: both come back. */
	json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "code", "VET", "name", "Veteriner İşleri", "email", "",
			      "phone", "", "manager", "", "active", 1);
	assert_int_equal(db_begin_write(db), 0);
	int64_t vet = directorate_save(db, "tester", 0, d);
	assert_int_equal(db_commit(db), 0);
	json_decref(d);
	json_t *v = json_pack("{s:s,s:s,s:s,s:I,s:i,s:i,s:s,s:i}", "code", "tree_fall", "name_tr", "Ağaç devrilmesi",
			      "name_en", "Fallen tree", "directorate_id", (json_int_t)vet, "office_warn_days", 0,
			      "office_due_days", 1, "legal_clock", "none", "legal_warn_percent", 50);
	const char *field = NULL;
	int64_t id = save(db, CATEGORY, 0, v, &field);
	assert_true(id > 0);
	json_decref(v);
	assert_int_equal(app_category_policy(db, id, &p, &dir), 0);
	assert_int_equal(p.legal, LEGAL_NONE);
	assert_int_equal(p.office_warn_days, 0);
	assert_int_equal(p.office_due_days, 1);
	assert_int_equal(p.legal_warn_percent, 50);
	assert_int_equal(dir, vet);

	/* The default: no category, or one that does not exist. */
	struct clock_policy dflt;
	clock_policy_default(&dflt);
	for (int64_t missing = 0; missing <= 1; missing++) {
		dir = 99;
		assert_int_equal(app_category_policy(db, missing ? 987654 : 0, &p, &dir), 0);
		assert_int_equal(p.legal, dflt.legal);
		assert_int_equal(p.office_due_days, dflt.office_due_days);
		assert_int_equal(p.office_warn_days, dflt.office_warn_days);
		assert_int_equal(p.legal_warn_percent, dflt.legal_warn_percent);
		assert_int_equal(dir, 0);
	}
}

/* ---- validation ---- */

static json_t *valid_category(void)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:i,s:s,s:b,s:[{s:s,s:s,s:b,s:s,s:[{s:s,s:s,s:s}]},"
			 "{s:s,s:s,s:s}]}",
			 "code", "graffiti", "name_tr", "Duvar yazısı", "name_en", "Graffiti", "group_tr", "Çevre",
			 "office_warn_days", 2, "office_due_days", 5, "legal_clock", "petition_3071",
			 "legal_warn_percent", 80, "file_plan_code", "622.01.02", "active", 1, "attributes", "code",
			 "surface", "datatype", "singlevaluelist", "required", 1, "description_tr", "Yüzey", "values",
			 "key", "wall", "name_tr", "Duvar", "name_en", "Wall", "code", "note", "datatype", "text",
			 "description_tr", "Açıklama");
}

struct bad_case {
	const char *json; /* members merged over the valid category */
	const char *field;
};

static void test_category_validation(void **state)
{
	struct db *db = db_fixture_need(*state);
	static const struct bad_case cases[] = {
		{"{\"code\":\"Bad Code\"}", "code"},
		{"{\"code\":\"\"}", "code"},
		{"{\"code\":5}", "code"},
		{"{\"name_tr\":\"\"}", "name_tr"},
		{"{\"name_en\":\"   \"}", "name_en"},
		{"{\"name_tr\":\"a\\u0001b\"}", "name_tr"},
		{"{\"office_due_days\":0}", "office_due_days"},
		{"{\"office_due_days\":366}", "office_due_days"},
		{"{\"office_due_days\":\"7\"}", "office_due_days"},
		{"{\"office_warn_days\":6}", "office_warn_days"},
		{"{\"office_warn_days\":-1}", "office_warn_days"},
		{"{\"legal_clock\":\"law_9999\"}", "legal_clock"},
		{"{\"legal_clock\":\"info_4982_extended\"}", "legal_clock"},
		{"{\"legal_warn_percent\":0}", "legal_warn_percent"},
		{"{\"legal_warn_percent\":100}", "legal_warn_percent"},
		{"{\"directorate_id\":987654}", "directorate_id"},
		{"{\"file_plan_code\":\"abc\"}", "file_plan_code"},
		{"{\"file_plan_code\":\"622..01\"}", "file_plan_code"},
		{"{\"active\":\"yes\"}", "active"},
		{"{\"attributes\":\"size\"}", "attributes"},
		{"{\"attributes\":[{\"code\":\"x\",\"datatype\":\"colour\",\"description_tr\":\"Renk\"}]}",
		 "attributes.datatype"},
		{"{\"attributes\":[{\"code\":\"x\",\"datatype\":\"string\",\"description_tr\":\"X\","
		 "\"values\":[{\"key\":\"a\",\"name_tr\":\"A\"}]}]}",
		 "attributes.values"},
		{"{\"attributes\":[{\"code\":\"x\",\"datatype\":\"multivaluelist\",\"description_tr\":\"X\",\"values\":[]}]}",
		 "attributes.values"},
		{"{\"attributes\":[{\"code\":\"x\",\"datatype\":\"string\",\"description_tr\":\"X\"},"
		 "{\"code\":\"x\",\"datatype\":\"number\",\"description_tr\":\"Y\"}]}",
		 "attributes.code"},
		{"{\"attributes\":[{\"code\":\"Pole No\",\"datatype\":\"string\",\"description_tr\":\"X\"}]}",
		 "attributes.code"},
		{"{\"attributes\":[{\"code\":\"x\",\"datatype\":\"string\",\"description_tr\":\"\"}]}",
		 "attributes.description_tr"},
		{"{\"attributes\":[{\"code\":\"x\",\"datatype\":\"singlevaluelist\",\"description_tr\":\"X\","
		 "\"values\":[{\"key\":\"a\",\"name_tr\":\"A\"},{\"key\":\"a\",\"name_tr\":\"B\"}]}]}",
		 "attributes.values.key"},
		{"{\"attributes\":[{\"code\":\"x\",\"datatype\":\"singlevaluelist\",\"description_tr\":\"X\","
		 "\"values\":[{\"key\":\"a\",\"name_tr\":\"\"}]}]}",
		 "attributes.values.name_tr"},
	};
	int64_t before = db_query_int(db, SQL_COUNT_CATEGORIES, -1);
	int64_t audited = db_query_int(db, SQL_COUNT_AUDIT, -1);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *v = valid_category();
		json_error_t err;
		json_t *patch = json_loads(cases[i].json, 0, &err);
		assert_non_null(patch);
		json_object_update(v, patch);
		json_decref(patch);
		const char *field = NULL;
		int64_t rc = save(db, CATEGORY, 0, v, &field);
		if (rc != APPREF_INVALID || !field || strcmp(field, cases[i].field) != 0)
			fail_msg("case %zu %s: rc %lld field %s, expected %s", i, cases[i].json, (long long)rc,
				 field ? field : "(null)", cases[i].field);
		json_decref(v);
	}
	assert_int_equal(db_query_int(db, SQL_COUNT_CATEGORIES, -1), before);
	assert_int_equal(db_query_int(db, SQL_COUNT_AUDIT, -1), audited);

	/* The valid one goes in, normalised; then its code cannot be reused. */
	json_t *v = valid_category();
	const char *field = NULL;
	int64_t id = save(db, CATEGORY, 0, v, &field);
	assert_true(id > 0);
	json_t *got = app_category_get(db, id);
	assert_string_equal(str(got, "name_tr"), "Duvar yazısı");
	json_t *attrs = json_object_get(got, "attributes");
	assert_int_equal(json_array_size(attrs), 2);
	assert_int_equal(num(json_array_get(attrs, 1), "order"), 2);
	assert_false(json_is_true(json_object_get(json_array_get(attrs, 1), "required")));
	assert_int_equal(json_array_size(json_object_get(json_array_get(attrs, 1), "values")), 0);
	json_decref(got);
	assert_int_equal(db_query_int(db, SQL_COUNT_AUDIT, -1), audited + 1);
	field = NULL;
	assert_int_equal(save(db, CATEGORY, 0, v, &field), APPREF_DUPLICATE);
	assert_string_equal(field, "code");
	/* Another category may not take it either, but the category itself keeps it on update. */
	json_object_set_new(v, "name_tr", json_string("Duvar yazısı ve afiş"));
	assert_int_equal(save(db, CATEGORY, id, v, &field), id);
	json_object_set_new(v, "code", json_string("road_damage"));
	assert_int_equal(save(db, CATEGORY, id, v, &field), APPREF_DUPLICATE);
	assert_int_equal(save(db, CATEGORY, 987654, v, &field), APPREF_NOT_FOUND);
	got = app_category_get(db, id);
	assert_string_equal(str(got, "code"), "graffiti");
	assert_string_equal(str(got, "name_tr"), "Duvar yazısı ve afiş");
	json_decref(got);
	json_decref(v);
	assert_int_equal(db_query_int(db, SQL_COUNT_AUDIT, -1), audited + 2);
}

static void test_reason_and_template_validation(void **state)
{
	struct db *db = db_fixture_need(*state);
	const char *field = NULL;
	json_t *r = json_pack("{s:s,s:s,s:s,s:s,s:s}", "code", "anonymous", "article", "3071/4", "action", "reject",
			      "label_tr", "İmzasız dilekçe", "label_en", "Unsigned petition");
	json_t *bad = json_deep_copy(r);
	refuses(db, REASON, bad, "action", json_string("delete"), json_string("reject"));
	refuses(db, REASON, bad, "article", json_string(""), json_string("3071/4"));
	refuses(db, REASON, bad, "label_en", json_null(), json_string("Unsigned petition"));
	json_decref(bad);
	int64_t rid = save(db, REASON, 0, r, &field);
	assert_true(rid > 0);
	assert_int_equal(save(db, REASON, 0, r, &field), APPREF_DUPLICATE);
	assert_string_equal(field, "code");
	json_object_set_new(r, "active", json_false());
	assert_int_equal(save(db, REASON, rid, r, &field), rid);
	json_t *all = legal_reason_list(db, false), *active = legal_reason_list(db, true);
	assert_int_equal(json_array_size(all), 10);
	assert_int_equal(json_array_size(active), 9);
	assert_string_equal(str(json_array_get(all, 0), "article"), "3071/4");
	json_decref(all);
	json_decref(active);
	json_decref(r);

	json_t *t = json_pack("{s:s,s:I,s:s,s:s,s:s}", "purpose", "answer", "category_id", (json_int_t)987654, "title",
			      "Özel cevap", "body_tr", "Sayın {name}", "body_en", "Dear {name}");
	refuses(db, TEMPLATE, t, "category_id", json_integer(987654), json_integer(id_of_code(db, "road_damage")));
	refuses(db, TEMPLATE, t, "purpose", json_string("greeting"), json_string("answer"));
	refuses(db, TEMPLATE, t, "body_tr", json_string("  \n "), json_string("Sayın {name}, yol onarıldı."));
	assert_true(save(db, TEMPLATE, 0, t, &field) > 0);
	json_decref(t);
}

/* ---- templates ---- */

static void test_template_list_order(void **state)
{
	struct db *db = db_fixture_need(*state);
	int64_t info = id_of_code(db, "information_request");
	json_t *l = response_template_list(db, "answer", info, true);
	assert_int_equal(json_array_size(l), 2);
	assert_int_equal(num(json_array_get(l, 0), "category_id"), info); /* the category's own first */
	assert_int_equal(num(json_array_get(l, 1), "category_id"), 0);
	json_decref(l);
	l = response_template_list(db, "answer", 0, true); /* no category: the general ones */
	assert_int_equal(json_array_size(l), 1);
	assert_int_equal(num(json_array_get(l, 0), "category_id"), 0);
	json_decref(l);
	l = response_template_list(db, "answer", id_of_code(db, "noise"), true);
	assert_int_equal(json_array_size(l), 1);
	json_decref(l);
	l = response_template_list(db, "", -1, false); /* every template */
	assert_int_equal(json_array_size(l), 8);
	assert_int_equal(num(json_array_get(l, 0), "category_id"), info);
	assert_string_equal(str(json_array_get(l, 1), "purpose"), "rejected");
	json_decref(l);
	l = response_template_list(db, "no_such_purpose", -1, false);
	assert_int_equal(json_array_size(l), 0);
	json_decref(l);
}

static void fill_is(const char *body, const json_t *args, const char *want)
{
	struct buf b = BUF_INIT;
	app_template_fill(body, args, &b);
	assert_string_equal(b.data ? b.data : "", want);
	buf_free(&b);
}

static void test_template_fill(void **state)
{
	(void)state;
	json_t *args = json_pack("{s:s,s:s,s:i,s:s,s:n}", "name", "Ayşe Işık Öztürk", "code", "B-2026-000123", "days",
				 15, "directorate", "Fen İşleri Müdürlüğü", "reason");
	fill_is("Sayın {name}, {code} numaralı başvurunuz {directorate} birimine iletilmiştir.", args,
		"Sayın Ayşe Işık Öztürk, B-2026-000123 numaralı başvurunuz Fen İşleri Müdürlüğü birimine iletilmiştir.");
	fill_is("{days} iş günü içinde; {unknown} ve {reason} kalır.", args,
		"15 iş günü içinde; {unknown} ve {reason} kalır.");
	fill_is("{} { name} {name {Name} {name}}", args, "{} { name} {name {Name} Ayşe Işık Öztürk}");
	fill_is("ĞÜŞİÖÇ ğüşıöç {code}", args, "ĞÜŞİÖÇ ğüşıöç B-2026-000123");
	fill_is("", args, "");
	fill_is("{code}", NULL, "{code}");
	json_decref(args);
}

#define CASE(f) cmocka_unit_test_setup_teardown(f, db_fixture_case_setup, db_fixture_case_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE(test_seed_loads_and_is_idempotent),
		CASE(test_seed_resolves_directorates),
		CASE(test_list_in_turkish_order),
		CASE(test_policy),
		CASE(test_category_validation),
		CASE(test_reason_and_template_validation),
		CASE(test_template_list_order),
		cmocka_unit_test(test_template_fill),
	};
	int failed = cmocka_run_group_tests_name("app_reference_sqlite", tests, sqlite_group_setup, NULL);
	failed += cmocka_run_group_tests_name("app_reference_postgresql", tests, pg_group_setup, NULL);
	return failed;
}
