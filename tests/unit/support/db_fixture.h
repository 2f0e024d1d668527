/* db_fixture.h: a fresh, migrated database per unit-test case: a temporary SQLite file, or a schema of its own
 * in the PostgreSQL named by KALEM_TEST_PG_URL (cases on PostgreSQL are skipped when it is unset). */
#ifndef KALEM_TEST_DB_FIXTURE_H
#define KALEM_TEST_DB_FIXTURE_H
#include "store/db.h"

struct db_fixture {
	enum db_kind kind;
	const char *name; /* names the temporary directory and the PostgreSQL schema: [a-z_] only */
	char dir[64];
	char url[512];
	struct db *db;    /* NULL on PostgreSQL when KALEM_TEST_PG_URL is unset */
};

/* Creates and migrates the database. Returns 0, or -1 on failure. */
int db_fixture_setup(struct db_fixture *f);
/* Rolls back what a failed assertion left open (releasing SQLite's writer lock), closes and removes it all. */
void db_fixture_teardown(struct db_fixture *f);
/* The fixture's database; skips the case when PostgreSQL is not configured, fails when setup did not work. */
struct db *db_fixture_need(struct db_fixture *f);

#endif
