/* db_fixture.h: a fresh database per unit-test case: a temporary SQLite file, or a schema of its own in the
 * PostgreSQL named by KALEM_TEST_PG_URL (cases on PostgreSQL are skipped when it is unset). */
#ifndef KALEM_TEST_DB_FIXTURE_H
#define KALEM_TEST_DB_FIXTURE_H
#include <stdbool.h>
#include "store/db.h"

struct db_fixture {
	enum db_kind kind;
	const char *name; /* names the temporary directory and the PostgreSQL schema: [a-z_] only */
	bool seeded;      /* set: brought up by setup_database (store/setup.h: migrations, CSRF key, official
			   * holidays) as the server does; unset: migrated only */
	char dir[64];
	char url[512];    /* the database's URL, for a second connection of the same case */
	struct db *db;    /* NULL on PostgreSQL when KALEM_TEST_PG_URL is unset */
};

/* Creates and migrates (or seeds, see above) the database. Returns 0, or -1 on failure. */
int db_fixture_setup(struct db_fixture *f);
/* Rolls back what a failed assertion left open (releasing SQLite's writer lock), closes and removes it all. */
void db_fixture_teardown(struct db_fixture *f);
/* The fixture's database; skips the case when PostgreSQL is not configured, fails when setup did not work. */
struct db *db_fixture_need(struct db_fixture *f);

/* cmocka setup and teardown of a case whose state is a struct db_fixture * (given by the group's setup or by
 * cmocka_unit_test_prestate_setup_teardown): db_fixture_setup / db_fixture_teardown on it. */
int db_fixture_case_setup(void **state);
int db_fixture_case_teardown(void **state);

#endif
