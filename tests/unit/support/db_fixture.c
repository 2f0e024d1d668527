/* db_fixture.c: per-case databases for the unit tests on SQLite and PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "db_fixture.h"
#include "store/setup.h"

/* Brings the new database up: migrations only, or the server's whole setup. */
static int prepare(struct db_fixture *f)
{
	if (!f->db)
		return -1;
	return f->seeded ? setup_database(f->db) : db_migrate(f->db) >= 0 ? 0 : -1;
}

static int setup_sqlite(struct db_fixture *f)
{
	snprintf(f->dir, sizeof f->dir, "/tmp/kalem-test-%.20s-XXXXXX", f->name);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->url, sizeof f->url, "sqlite:%s/kalem.db", f->dir);
	f->db = db_open(f->url);
	return prepare(f);
}

/* Drops the fixture's schema, and creates it again when recreate is set. */
static int pg_reset_schema(const char *name, bool recreate)
{
	struct db *admin = db_open(getenv("KALEM_TEST_PG_URL"));
	if (!admin)
		return -1;
	char sql[256];
	if (recreate)
		snprintf(sql, sizeof sql,
			 "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", name,
			 name);
	else
		snprintf(sql, sizeof sql, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE", name);
	int rc = db_exec_script(admin, sql);
	db_close(admin);
	return rc;
}

static int setup_pg(struct db_fixture *f)
{
	const char *base = getenv("KALEM_TEST_PG_URL");
	f->db = NULL;
	if (!base || !*base)
		return 0;
	if (pg_reset_schema(f->name, true) != 0)
		return -1;
	snprintf(f->url, sizeof f->url, "%s%coptions=-csearch_path%%3D%s", base, strchr(base, '?') ? '&' : '?',
		 f->name);
	f->db = db_open(f->url);
	return prepare(f);
}

int db_fixture_setup(struct db_fixture *f)
{
	return f->kind == DB_POSTGRES ? setup_pg(f) : setup_sqlite(f);
}

void db_fixture_teardown(struct db_fixture *f)
{
	if (f->db && db_in_transaction(f->db))
		db_rollback(f->db);
	db_close(f->db);
	f->db = NULL;
	if (f->kind == DB_POSTGRES) {
		if (getenv("KALEM_TEST_PG_URL") && *getenv("KALEM_TEST_PG_URL"))
			pg_reset_schema(f->name, false);
		return;
	}
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		char path[128];
		snprintf(path, sizeof path, "%s/kalem.db%s", f->dir, suffixes[i]);
		unlink(path);
	}
	rmdir(f->dir);
}

struct db *db_fixture_need(struct db_fixture *f)
{
	if (!f->db) {
		if (f->kind == DB_POSTGRES)
			skip();
		fail_msg("no database");
	}
	return f->db;
}

int db_fixture_case_setup(void **state)
{
	return db_fixture_setup(*state);
}

int db_fixture_case_teardown(void **state)
{
	db_fixture_teardown(*state);
	return 0;
}
