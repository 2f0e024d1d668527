/* test_demo.c: the demo office's appointment requests and applications (store/demo.h) on SQLite and PostgreSQL: a
 * fresh database gets requests and applications in every state, the categories their directorates and the demo
 * DETSİS number; no message is left queued for the demo's people; a second run creates nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "core/token.h"
#include "db_fixture.h"
#include "store/app_reference.h"
#include "store/db.h"
#include "store/demo.h"
#include "store/setup.h"
#include "util/i18n.h"

#define PG_SCHEMA "test_demo"

static struct db_fixture sqlite_be = {.kind = DB_SQLITE, .name = PG_SCHEMA, .seeded = true};
static struct db_fixture pg_be = {.kind = DB_POSTGRES, .name = PG_SCHEMA, .seeded = true};

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

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = db_query_int(db, sql, -1);
	assert_true(n >= 0);
	return n;
}

/* COUNT(*) of sql with one text parameter. */
static int64_t count_with(struct db *db, const char *sql, const char *text)
{
	struct db_stmt *st = db_prep(db, sql);
	assert_non_null(st);
	db_bind_text(st, 1, text);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int(st, 0);
	db_reset(st);
	return n;
}

static const char SQL_APPS_IN_STATE[] = "SELECT COUNT(*) FROM applications WHERE created_by = 'demo' AND state = ?";
static const char SQL_APPTS_IN_STATE[] =
	"SELECT COUNT(*) FROM appointment_requests WHERE created_by = 'demo' AND state = ?";
static const char SQL_ROUTES_TO[] =
	"SELECT COUNT(*) FROM application_routes r JOIN directorates d ON d.id = r.directorate_id "
	"JOIN applications a ON a.id = r.application_id WHERE a.created_by = 'demo' AND d.code = ?";
static const char SQL_CATEGORY_DIRECTORATE[] =
	"SELECT COUNT(*) FROM app_categories c JOIN directorates d ON d.id = c.directorate_id "
	"WHERE c.code = ? AND d.code = ?";

static int64_t category_in(struct db *db, const char *category, const char *directorate)
{
	struct db_stmt *st = db_prep(db, SQL_CATEGORY_DIRECTORATE);
	assert_non_null(st);
	db_bind_text(st, 1, category);
	db_bind_text(st, 2, directorate);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int(st, 0);
	db_reset(st);
	return n;
}

/* A fresh database: the demo loads, with requests and applications in every state. */
static void test_demo_loads_requests_and_applications(void **state)
{
	struct db *db = db_fixture_need(*state);
	/* Seeded before the directorates existed: no category has a directorate yet. */
	assert_int_equal(count(db, "SELECT COUNT(*) FROM app_categories WHERE directorate_id IS NOT NULL"), 0);

	struct demo_summary s;
	int n = demo_load_with(db, NULL, &s);
	assert_int_equal(s.appointments, 12);
	assert_int_equal(s.applications, 41);
	assert_int_equal(n, s.directorates + s.neighbourhoods + s.users + s.citizens + s.institutions +
				    s.engagements + 12 + 41);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM appointment_requests"), 12);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM applications"), 41);

	/* Categories: those whose seed row names a directorate have it; those naming none still have none. */
	assert_int_equal(category_in(db, "road_damage", "FEN"), 1);
	assert_int_equal(category_in(db, "police_occupation", "ZAB"), 1);
	assert_int_equal(category_in(db, "noise", "ZAB"), 1);
	assert_int_equal(category_in(db, "stray_animals", "VIM"), 1);
	assert_int_equal(category_in(db, "information_request", "BHI"), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM app_categories WHERE directorate_id IS NOT NULL"), 11);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM app_categories WHERE code IN ('street_lighting', "
				   "'water_sewer', 'suggestion', 'other') AND directorate_id IS NOT NULL"),
			 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_events WHERE actor = 'demo' AND action = "
				   "'category.update'"),
			 11);

	/* Every state of the chart. */
	static const char *const app_states[] = {"received", "rejected", "forwarded", "routed", "waiting",
						 "answered", "feedback_given", "archived"};
	for (size_t i = 0; i < sizeof app_states / sizeof app_states[0]; i++)
		assert_true(count_with(db, SQL_APPS_IN_STATE, app_states[i]) >= 2);
	assert_int_equal(count_with(db, SQL_APPS_IN_STATE, "received"), 5);
	assert_int_equal(count_with(db, SQL_APPS_IN_STATE, "archived"), 7);
	assert_int_equal(count_with(db, SQL_APPS_IN_STATE, "cancelled"), 0); /* no such state: must be 0 */
	/* Rejections carry their legal reason; archived ones a document number under the demo DETSİS unit. */
	assert_int_equal(count(db, "SELECT COUNT(*) FROM applications WHERE state IN ('rejected', 'forwarded') AND "
				   "legal_reason = ''"),
			 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM applications WHERE state = 'archived' AND "
				   "archived_number LIKE 'E-12345678-%'"),
			 7);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM settings WHERE key = 'org.detsis_unit' AND value = "
				   "'12345678'"),
			 1);
	/* The directorate users have work: routes to FEN and ZAB, open and answered, and one returned. */
	assert_true(count_with(db, SQL_ROUTES_TO, "FEN") >= 8);
	assert_true(count_with(db, SQL_ROUTES_TO, "ZAB") >= 5);
	assert_true(count(db, "SELECT COUNT(*) FROM application_routes WHERE state = 'pending'") >= 6);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM application_routes WHERE state = 'returned'"), 1);
	assert_true(count(db, "SELECT COUNT(*) FROM application_routes WHERE state = 'planned'") >= 2);
	/* Received over the last 30 days, some overdue. */
	assert_true(count(db, "SELECT MIN(received_at) FROM applications") > db_query_int(db, "SELECT MAX(created_at) "
											  "FROM applications", 0) -
										   31 * 86400);
	assert_true(count(db, "SELECT COUNT(*) FROM clock_events WHERE event = 'overdue'") >= 3);

	/* Appointment requests in every state, the held ones with what happened. */
	static const char *const appt_states[] = {"requested", "forwarded", "accepted", "scheduled",
						  "informed",  "held",      "declined"};
	for (size_t i = 0; i < sizeof appt_states / sizeof appt_states[0]; i++)
		assert_true(count_with(db, SQL_APPTS_IN_STATE, appt_states[i]) >= 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM appointment_requests WHERE state = 'held' AND notes <> '' "
				   "AND outcome <> '' AND participants <> ''"),
			 2);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM appointment_followups"), 2);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM appointment_requests WHERE state IN ('scheduled', "
				   "'informed', 'held') AND agenda_item_id IS NULL"),
			 0);

	/* Messages were queued (the stores tell applicants) but none is left to fail. */
	assert_true(count(db, "SELECT COUNT(*) FROM notifications WHERE status = 'cancelled'") > 41);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM notifications WHERE status <> 'cancelled'"), 0);
}

/* A second run creates nothing and writes nothing. */
static void test_demo_second_run_creates_nothing(void **state)
{
	struct db *db = db_fixture_need(*state);
	struct demo_summary s;
	assert_true(demo_load_with(db, NULL, &s) > 0);
	int64_t events = count(db, "SELECT COUNT(*) FROM audit_events");
	int64_t outbox = count(db, "SELECT COUNT(*) FROM notifications");
	assert_int_equal(demo_load_with(db, NULL, &s), 0);
	assert_int_equal(s.appointments, 0);
	assert_int_equal(s.applications, 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM audit_events"), events);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM notifications"), outbox);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM applications"), 41);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM appointment_requests"), 12);
}

/* An administrator's choices stay: a category given a directorate keeps it, a DETSİS number set stays. */
static void test_demo_keeps_administrators_choices(void **state)
{
	struct db *db = db_fixture_need(*state);
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(setting_set(db, "admin", "org.detsis_unit", "87654321", false), 0);
	assert_int_equal(db_commit(db), 0);
	/* Outside a transaction the resolver refuses. */
	assert_int_equal(app_category_resolve_directorates(db, "admin"), -1);

	struct demo_summary s;
	assert_true(demo_load_with(db, NULL, &s) > 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM settings WHERE key = 'org.detsis_unit' AND value = "
				   "'87654321'"),
			 1);
	/* The administrator moves road damage to ZAB; resolving again changes nothing. */
	assert_int_equal(db_begin_write(db), 0);
	struct db_stmt *st = db_prep(db, "UPDATE app_categories SET directorate_id = (SELECT id FROM directorates "
					 "WHERE code = 'ZAB') WHERE code = 'road_damage'");
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_OK);
	assert_int_equal(app_category_resolve_directorates(db, "admin"), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(category_in(db, "road_damage", "ZAB"), 1);
	/* A category that lost its directorate gets it back from the seed. */
	assert_int_equal(db_begin_write(db), 0);
	st = db_prep(db, "UPDATE app_categories SET directorate_id = NULL WHERE code IN ('road_damage', 'noise')");
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_OK);
	assert_int_equal(app_category_resolve_directorates(db, "admin"), 2);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(category_in(db, "road_damage", "FEN"), 1);
	assert_int_equal(category_in(db, "noise", "ZAB"), 1);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM app_categories WHERE directorate_id IS NOT NULL"), 11);
}

#define CASE(f) cmocka_unit_test_setup_teardown(f, db_fixture_case_setup, db_fixture_case_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE(test_demo_loads_requests_and_applications),
		CASE(test_demo_second_run_creates_nothing),
		CASE(test_demo_keeps_administrators_choices),
	};
	if (crypto_init() != 0 || i18n_load() != 0)
		return 1;
	int failed = cmocka_run_group_tests_name("demo_sqlite", tests, group_setup_sqlite, NULL);
	failed += cmocka_run_group_tests_name("demo_postgresql", tests, group_setup_pg, NULL);
	i18n_unload();
	return failed;
}
