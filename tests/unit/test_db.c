/* test_db.c: the database contract (store/db.h) on SQLite, and on PostgreSQL when KALEM_TEST_PG_URL is set. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "store/db.h"
#include "util/embedded.h"
#include "util/xalloc.h"

/* PostgreSQL cases run in their own schema, dropped and re-created per run, so the database given in
 * KALEM_TEST_PG_URL may be shared with other tests and starts fresh for this one. */
#define PG_SCHEMA "test_db_contract"

struct backend {
	enum db_kind kind;
	bool available;
	char url[512];
	char dir[64]; /* SQLite: the temporary directory holding the file */
	struct db *db;
};

static struct backend sqlite_be = {.kind = DB_SQLITE};
static struct backend pg_be = {.kind = DB_POSTGRES};

/* ---- fixtures ---- */

static int sqlite_group_setup(void **state)
{
	snprintf(sqlite_be.dir, sizeof sqlite_be.dir, "/tmp/kalem-test-db-XXXXXX");
	if (!mkdtemp(sqlite_be.dir))
		return -1;
	snprintf(sqlite_be.url, sizeof sqlite_be.url, "sqlite:%s/kalem.db", sqlite_be.dir);
	sqlite_be.available = true;
	*state = &sqlite_be;
	return 0;
}

static int sqlite_group_teardown(void **state)
{
	(void)state;
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		char path[128];
		snprintf(path, sizeof path, "%s/kalem.db%s", sqlite_be.dir, suffixes[i]);
		unlink(path);
	}
	rmdir(sqlite_be.dir);
	return 0;
}

static int pg_group_setup(void **state)
{
	*state = &pg_be;
	const char *base = getenv("KALEM_TEST_PG_URL");
	if (!base || !*base) {
		fprintf(stderr, "test_db: KALEM_TEST_PG_URL is not set: PostgreSQL cases are skipped\n");
		return 0;
	}
	/* every connection (the pool's too) gets the private schema through the URL */
	snprintf(pg_be.url, sizeof pg_be.url, "%s%coptions=-csearch_path%%3D" PG_SCHEMA, base,
		 strchr(base, '?') ? '&' : '?');
	struct db *admin = db_open(base);
	if (!admin)
		return -1;
	int rc = db_exec_script(admin, "SET client_min_messages = warning; "
				       "DROP SCHEMA IF EXISTS " PG_SCHEMA " CASCADE; CREATE SCHEMA " PG_SCHEMA);
	db_close(admin);
	if (rc != 0)
		return -1;
	pg_be.available = true;
	return 0;
}

/* The PostgreSQL-only group reuses the schema the common group made. */
static int pg_only_setup(void **state)
{
	*state = &pg_be;
	return 0;
}

static int pg_group_teardown(void **state)
{
	(void)state;
	if (!pg_be.available)
		return 0;
	struct db *admin = db_open(getenv("KALEM_TEST_PG_URL"));
	if (admin) {
		db_exec_script(admin, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS " PG_SCHEMA " CASCADE");
		db_close(admin);
	}
	return 0;
}

/* Per test: one connection to a migrated database. */
static int conn_setup(void **state)
{
	struct backend *be = *state;
	if (!be->available)
		return 0;
	be->db = db_open(be->url);
	if (!be->db)
		return -1;
	return db_migrate(be->db) < 0 ? -1 : 0;
}

static int conn_teardown(void **state)
{
	struct backend *be = *state;
	db_close(be->db);
	be->db = NULL;
	return 0;
}

/* Skips the case when its backend is not configured; returns the connection otherwise. */
static struct db *need(void **state)
{
	struct backend *be = *state;
	if (!be->available)
		skip();
	assert_non_null(be->db);
	assert_int_equal(db_kind(be->db), be->kind);
	return be->db;
}

/* ---- helpers ---- */

static const char SQL_ADD_DIRECTORATE[] =
	"INSERT INTO directorates (code, name, name_fold, sort_key, created_at, updated_at, created_by, updated_by) "
	"VALUES (?, ?, ?, ?, ?, ?, 'test', 'test') RETURNING id";
static const char SQL_DIRECTORATE_NAME[] = "SELECT name, code FROM directorates WHERE id = ?";
static const char SQL_COUNT_CODE[] = "SELECT COUNT(*) FROM directorates WHERE code = ?";

/* Inserts a directorate; returns its id, or the (negative) db_rc of the failure. */
static int64_t add_directorate(struct db *db, const char *code, const char *name)
{
	struct db_stmt *st = db_prep(db, SQL_ADD_DIRECTORATE);
	assert_non_null(st);
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, name);
	db_bind_text(st, 4, name);
	db_bind_int(st, 5, 1767214800);
	db_bind_int(st, 6, 1767214800);
	enum db_rc rc = db_step(st);
	if (rc != DB_ROW)
		return rc == DB_OK ? DB_ERROR : rc;
	int64_t id = db_col_int(st, 0);
	assert_int_equal(db_step(st), DB_OK);
	assert_int_equal(db_changes(st), 1);
	return id;
}

static int64_t count_code(struct db *db, const char *code)
{
	struct db_stmt *st = db_prep(db, SQL_COUNT_CODE);
	assert_non_null(st);
	db_bind_text(st, 1, code);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int(st, 0);
	assert_int_equal(db_step(st), DB_OK);
	return n;
}

static int migration_count(int *highest)
{
	int n = 0;
	*highest = 0;
	for (const struct embedded_file *f = embedded_files; f->path; f++) {
		if (strncmp(f->path, "migrations/", 11) != 0)
			continue;
		n++;
		int v = atoi(f->path + 11);
		if (v > *highest)
			*highest = v;
	}
	return n;
}

/* ---- cases ---- */

/* Runs first in each group, on a fresh database: no per-test setup, so it sees the empty schema. */
static void test_migrations_apply_once(void **state)
{
	struct backend *be = *state;
	if (!be->available)
		skip();
	int highest;
	int n = migration_count(&highest);
	assert_true(n >= 1);
	struct db *db = db_open(be->url);
	assert_non_null(db);
	assert_int_equal(db_schema_version(db), 0);
	assert_int_equal(db_migrate(db), n);
	assert_int_equal(db_schema_version(db), highest);
	assert_int_equal(db_migrate(db), 0);
	static const char SQL_RECORDED[] = "SELECT COUNT(*) FROM schema_migrations";
	assert_int_equal(db_query_int(db, SQL_RECORDED, -1), n);
	static const char SQL_AUDIT_HEAD[] = "SELECT last_id FROM audit_head WHERE id = 1";
	assert_int_equal(db_query_int(db, SQL_AUDIT_HEAD, -1), 0);
	db_close(db);
	/* a second connection sees the same version and applies nothing */
	db = db_open(be->url);
	assert_non_null(db);
	assert_int_equal(db_migrate(db), 0);
	db_close(db);
}

/* Defined in store/db.c for this test: a migration's text as db_migrate runs it on backend kind. */
int db_migration_expand(enum db_kind kind, const char *src, char **out);

/* Expands src for kind and compares with want (NULL: the expansion must fail). */
static void expect_expansion(enum db_kind kind, const char *src, const char *want)
{
	char *out = (char *)"untouched";
	int rc = db_migration_expand(kind, src, &out);
	if (!want) {
		assert_int_equal(rc, -1);
		assert_null(out);
		return;
	}
	assert_int_equal(rc, 0);
	assert_string_equal(out, want);
	free(out);
}

/* Dialect blocks of migrations: {{SQLITE}}...{{/SQLITE}} and {{PG}}...{{/PG}} keep their text on their backend
 * only, placeholders expanded inside; misuse fails on both backends. And the migrations that use them did. */
static void test_migration_dialect_blocks(void **state)
{
	static const char src[] = "a {{SQLITE}}x {{BIGINT}};{{/SQLITE}}{{PG}}y {{BIGINT}};{{/PG}} b {{BLOB}}";
	expect_expansion(DB_SQLITE, src, "a x INTEGER; b BLOB");
	expect_expansion(DB_POSTGRES, src, "a y BIGINT; b BYTEA");
	expect_expansion(DB_SQLITE, "no blocks {{ID}}", "no blocks INTEGER PRIMARY KEY AUTOINCREMENT");
	expect_expansion(DB_POSTGRES, "{{PG}}{{/PG}}{{SQLITE}}{{/SQLITE}}", "");
	for (int k = 0; k < 2; k++) {
		enum db_kind kind = k ? DB_POSTGRES : DB_SQLITE;
		/* must fail: unclosed, stray or mismatched closing, nested, unknown placeholder inside a block */
		expect_expansion(kind, "{{SQLITE}}x", NULL);
		expect_expansion(kind, "{{PG}}x", NULL);
		expect_expansion(kind, "x{{/PG}}", NULL);
		expect_expansion(kind, "{{SQLITE}}x{{/PG}}", NULL);
		expect_expansion(kind, "{{PG}}x{{/SQLITE}}", NULL);
		expect_expansion(kind, "{{PG}}{{SQLITE}}x{{/SQLITE}}{{/PG}}", NULL);
		expect_expansion(kind, "{{SQLITE}}{{PG}}x{{/PG}}{{/SQLITE}}", NULL);
		expect_expansion(kind, "{{SQLITE}}{{NOPE}}{{/SQLITE}}{{PG}}{{NOPE}}{{/PG}}", NULL);
	}
	/* 0012_search.sql: the FTS5 table on SQLite only, the tsvector column on PostgreSQL only. */
	struct db *db = need(state);
	static const char SQL_SQLITE_FTS[] =
		"SELECT COUNT(*) FROM sqlite_master WHERE name = 'applications_fts'";
	static const char SQL_SQLITE_TSV[] =
		"SELECT COUNT(*) FROM pragma_table_info('applications') WHERE name = 'search_tsv'";
	static const char SQL_PG_TSV[] =
		"SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND "
		"table_name = 'applications' AND column_name = 'search_tsv'";
	static const char SQL_PG_FTS[] = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
					 "current_schema() AND table_name = 'applications_fts'";
	if (db_kind(db) == DB_SQLITE) {
		assert_int_equal(db_query_int(db, SQL_SQLITE_FTS, -1), 1);
		assert_int_equal(db_query_int(db, SQL_SQLITE_TSV, -1), 0);
	} else {
		assert_int_equal(db_query_int(db, SQL_PG_TSV, -1), 1);
		assert_int_equal(db_query_int(db, SQL_PG_FTS, -1), 0);
	}
}

static void test_insert_returning(void **state)
{
	struct db *db = need(state);
	int64_t a = add_directorate(db, "RET-A", "Fen İşleri");
	int64_t b = add_directorate(db, "RET-B", "Zabıta");
	assert_true(a > 0);
	assert_true(b > a);
	struct db_stmt *st = db_prep(db, SQL_DIRECTORATE_NAME);
	assert_non_null(st);
	db_bind_int(st, 1, b);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "Zabıta");
	assert_string_equal(db_col_text(st, 1), "RET-B");
	assert_int_equal(db_step(st), DB_OK);
	assert_int_equal(db_step(st), DB_OK); /* stays finished */
	/* a missing id gives no row */
	db_prep(db, SQL_DIRECTORATE_NAME);
	db_bind_int(st, 1, b + 1000);
	assert_int_equal(db_step(st), DB_OK);
}

static void test_text_round_trip(void **state)
{
	struct db *db = need(state);
	static const char tricky[] = "Işık'ın \"ş\" ? $1 -- /* ; \\ İĞÜŞÖÇ ığüşöç";
	int64_t id = add_directorate(db, "RT-1", tricky);
	assert_true(id > 0);
	struct db_stmt *st = db_prep(db, SQL_DIRECTORATE_NAME);
	db_bind_int(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), tricky);
	assert_int_equal(db_step(st), DB_OK);

	/* `?` inside string literals and comments is not a placeholder; the real ones are numbered in order */
	static const char SQL_LITERALS[] = "SELECT '?''?', name, ? -- is this a ? placeholder\n"
					   "FROM directorates /* ? */ WHERE code = ? AND name <> '?'";
	st = db_prep(db, SQL_LITERALS);
	assert_non_null(st);
	db_bind_text(st, 1, "first");
	db_bind_text(st, 2, "RT-1");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "?'?");
	assert_string_equal(db_col_text(st, 1), tricky);
	assert_string_equal(db_col_text(st, 2), "first");
	assert_int_equal(db_step(st), DB_OK);

	/* Turkish case folding is not the database's job: a differently cased name does not match */
	static const char SQL_BY_NAME[] = "SELECT COUNT(*) FROM directorates WHERE name = ?";
	st = db_prep(db, SQL_BY_NAME);
	db_bind_text(st, 1, "ışık'ın \"ş\" ? $1 -- /* ; \\ İĞÜŞÖÇ ığüşöç");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 0);
}

static void test_null_binding(void **state)
{
	struct db *db = need(state);
	static const char SQL_SET[] = "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)";
	static const char SQL_GET[] = "SELECT value, updated_at, updated_by FROM settings WHERE key = ?";
	struct db_stmt *st = db_prep(db, SQL_SET);
	db_bind_text(st, 1, "null.by.text");
	db_bind_text(st, 2, "v");
	db_bind_int(st, 3, 5);
	db_bind_text(st, 4, NULL);
	assert_int_equal(db_step(st), DB_OK);
	st = db_prep(db, SQL_SET);
	db_bind_text(st, 1, "null.by.null");
	db_bind_text(st, 2, "");
	db_bind_int(st, 3, -9000000000LL);
	db_bind_text(st, 4, "overwritten");
	db_bind_null(st, 4);
	assert_int_equal(db_step(st), DB_OK);

	st = db_prep(db, SQL_GET);
	db_bind_text(st, 1, "null.by.text");
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_col_is_null(st, 2));
	assert_string_equal(db_col_text(st, 2), "");
	assert_int_equal(db_col_int(st, 2), 0);
	assert_false(db_col_is_null(st, 0));
	assert_int_equal(db_col_int(st, 1), 5);

	st = db_prep(db, SQL_GET);
	db_bind_text(st, 1, "null.by.null");
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_col_is_null(st, 2));
	assert_false(db_col_is_null(st, 0)); /* empty text is not NULL */
	assert_string_equal(db_col_text(st, 0), "");
	assert_int_equal(db_col_int(st, 1), -9000000000LL);

	/* NOT NULL refuses a NULL */
	st = db_prep(db, SQL_SET);
	db_bind_text(st, 1, "null.value");
	db_bind_null(st, 2);
	db_bind_int(st, 3, 0);
	db_bind_null(st, 4);
	assert_int_equal(db_step(st), DB_CONSTRAINT);

	/* optional foreign key: 0 binds NULL */
	static const char SQL_USER[] =
		"INSERT INTO users (username, display_name, role, directorate_id, password_hash, created_at, "
		"updated_at) VALUES (?, 'U', ?, ?, 'x', 0, 0) RETURNING id, directorate_id";
	st = db_prep(db, SQL_USER);
	db_bind_text(st, 1, "nullfk");
	db_bind_text(st, 2, "viewer");
	db_bind_id_or_null(st, 3, 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_col_int(st, 0) > 0);
	assert_true(db_col_is_null(st, 1));
	assert_int_equal(db_step(st), DB_OK);
}

static void test_constraints(void **state)
{
	struct db *db = need(state);
	assert_true(add_directorate(db, "DUP", "Bir") > 0);
	assert_int_equal(add_directorate(db, "DUP", "İki"), DB_CONSTRAINT);
	assert_int_equal(count_code(db, "DUP"), 1);
	assert_int_equal(add_directorate(db, NULL, "Kodsuz"), DB_CONSTRAINT); /* NOT NULL */

	static const char SQL_USER[] =
		"INSERT INTO users (username, display_name, role, directorate_id, password_hash, created_at, "
		"updated_at) VALUES (?, 'U', ?, ?, 'x', 0, 0)";
	struct db_stmt *st = db_prep(db, SQL_USER);
	db_bind_text(st, 1, "badrole");
	db_bind_text(st, 2, "emperor"); /* CHECK */
	db_bind_null(st, 3);
	assert_int_equal(db_step(st), DB_CONSTRAINT);
	st = db_prep(db, SQL_USER);
	db_bind_text(st, 1, "badfk");
	db_bind_text(st, 2, "directorate");
	db_bind_int(st, 3, 999999); /* FOREIGN KEY */
	assert_int_equal(db_step(st), DB_CONSTRAINT);
	st = db_prep(db, SQL_USER);
	db_bind_text(st, 1, "good");
	db_bind_text(st, 2, "viewer");
	db_bind_null(st, 3);
	assert_int_equal(db_step(st), DB_OK);
	assert_int_equal(db_changes(st), 1);

	/* errors that are not constraints */
	static const char SQL_SYNTAX[] = "SELEKT 1";
	static const char SQL_NO_TABLE[] = "SELECT x FROM no_such_table WHERE x = ?";
	assert_null(db_prep(db, SQL_SYNTAX));
	assert_null(db_prep(db, SQL_NO_TABLE));
	assert_null(db_prep(db, SQL_NO_TABLE)); /* a failed prepare is not cached */
	assert_int_equal(db_exec_script(db, "CREATE TABLE directorates (x INTEGER)"), -1);
	assert_true(strlen(db_errmsg(db)) > 0);
	/* the connection still works */
	assert_int_equal(count_code(db, "DUP"), 1);
}

static void test_statement_cache(void **state)
{
	struct db *db = need(state);
	/* two distinct literals with the same text are two cache entries */
	static const char SQL_ONE[] = "SELECT ? + 1";
	static const char SQL_TWO[] = "SELECT ? + 1";
	struct db_stmt *a = db_prep(db, SQL_ONE);
	assert_non_null(a);
	assert_ptr_equal(db_prep(db, SQL_ONE), a);
	struct db_stmt *b = db_prep(db, SQL_TWO);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);

	db_bind_int(a, 1, 41);
	assert_int_equal(db_step(a), DB_ROW);
	assert_int_equal(db_col_int(a, 0), 42);
	assert_int_equal(db_col_count(a), 1);
	/* db_prep of a cached statement resets it and clears its bindings */
	assert_ptr_equal(db_prep(db, SQL_ONE), a);
	assert_int_equal(db_step(a), DB_ROW);
	assert_true(db_col_is_null(a, 0));

	/* re-prepared in the middle of a result, a statement starts over */
	for (int i = 0; i < 3; i++) {
		char code[16];
		snprintf(code, sizeof code, "CACHE-%d", i);
		assert_true(add_directorate(db, code, code) > 0);
	}
	static const char SQL_LIST[] = "SELECT code, id FROM directorates WHERE code LIKE 'CACHE-%' ORDER BY code";
	struct db_stmt *st = db_prep(db, SQL_LIST);
	assert_int_equal(db_col_count(st), 2);
	assert_string_equal(db_col_name(st, 0), "code");
	assert_string_equal(db_col_name(st, 1), "id");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "CACHE-0");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "CACHE-1");
	assert_ptr_equal(db_prep(db, SQL_LIST), st);
	int rows = 0;
	while (db_step(st) == DB_ROW)
		rows++;
	assert_int_equal(rows, 3);

	/* many statements: the cache grows and keeps every entry */
	static char sqls[100][24];
	for (int i = 0; i < 100; i++) {
		snprintf(sqls[i], sizeof sqls[i], "SELECT %d", i);
		struct db_stmt *s = db_prep(db, sqls[i]);
		assert_non_null(s);
		assert_int_equal(db_step(s), DB_ROW);
		assert_int_equal(db_col_int(s, 0), i);
	}
	for (int i = 0; i < 100; i++)
		assert_int_equal(db_query_int(db, sqls[i], -1), i);

	/* db_changes counts rows of an UPDATE; db_query_int falls back to its default */
	static const char SQL_TOUCH[] = "UPDATE directorates SET updated_at = updated_at + 1 WHERE code LIKE ?";
	st = db_prep(db, SQL_TOUCH);
	db_bind_text(st, 1, "CACHE-%");
	assert_int_equal(db_step(st), DB_OK);
	assert_int_equal(db_changes(st), 3);
	/* a boolean expression reads as 1/0 on both (PostgreSQL sends 't'/'f') */
	static const char SQL_BOOLS[] = "SELECT 1 = 1, 1 = 2";
	st = db_prep(db, SQL_BOOLS);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 1);
	assert_int_equal(db_col_int(st, 1), 0);
	static const char SQL_NOTHING[] = "SELECT id FROM directorates WHERE code = 'none'";
	assert_int_equal(db_query_int(db, SQL_NOTHING, -7), -7);
}

static void test_transactions(void **state)
{
	struct db *db = need(state);
	struct backend *be = *state;
	struct db *other = db_open(be->url);
	assert_non_null(other);

	assert_false(db_in_transaction(db));
	assert_int_equal(db_begin_write(db), 0);
	assert_true(db_in_transaction(db));
	assert_int_equal(db_begin_write(db), -1); /* no nesting */
	assert_int_equal(db_begin_read(db), -1);
	assert_true(add_directorate(db, "TX-ROLLBACK", "Geri") > 0);
	assert_int_equal(count_code(db, "TX-ROLLBACK"), 1);
	db_rollback(db);
	assert_false(db_in_transaction(db));
	assert_int_equal(count_code(db, "TX-ROLLBACK"), 0);

	assert_int_equal(db_begin_write(db), 0);
	assert_true(add_directorate(db, "TX-COMMIT", "Kalıcı") > 0);
	assert_int_equal(count_code(other, "TX-COMMIT"), 0); /* not visible before commit */
	assert_int_equal(db_commit(db), 0);
	assert_false(db_in_transaction(db));
	assert_int_equal(count_code(db, "TX-COMMIT"), 1);
	assert_int_equal(count_code(other, "TX-COMMIT"), 1);

	/* a read transaction is a snapshot: a later commit elsewhere is not seen until it ends */
	assert_int_equal(db_begin_read(other), 0);
	assert_int_equal(count_code(other, "TX-LATER"), 0);
	assert_true(add_directorate(db, "TX-LATER", "Sonra") > 0);
	assert_int_equal(count_code(other, "TX-LATER"), 0);
	assert_int_equal(db_commit(other), 0);
	assert_int_equal(count_code(other, "TX-LATER"), 1);

	assert_int_equal(db_commit(db), -1); /* no transaction */
	db_rollback(db);                      /* harmless without one */
	db_close(other);
}

/* PostgreSQL only: after a failed statement the transaction is aborted, and commit says so. */
static void test_pg_aborted_transaction(void **state)
{
	struct db *db = need(state);
	assert_int_equal(db_begin_write(db), 0);
	assert_true(add_directorate(db, "ABORT-1", "Bir") > 0);
	assert_int_equal(add_directorate(db, "ABORT-1", "Yine"), DB_CONSTRAINT);
	assert_int_equal(db_commit(db), DB_ERROR);
	assert_false(db_in_transaction(db));
	assert_int_equal(count_code(db, "ABORT-1"), 0);
	/* a read-only transaction refuses writes */
	assert_int_equal(db_begin_read(db), 0);
	assert_int_equal(add_directorate(db, "ABORT-2", "Salt okunur"), DB_ERROR);
	db_rollback(db);
	assert_int_equal(count_code(db, "ABORT-2"), 0);
}

/* PostgreSQL only: a connection the server dropped is re-established, cached statements prepared again. */
static void test_pg_reconnect(void **state)
{
	struct db *db = need(state);
	assert_true(add_directorate(db, "RECONNECT", "Yeniden") > 0);
	assert_int_equal(count_code(db, "RECONNECT"), 1);
	static const char SQL_KILL_SELF[] = "SELECT pg_terminate_backend(pg_backend_pid())";
	struct db_stmt *st = db_prep(db, SQL_KILL_SELF);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ERROR);
	assert_int_equal(count_code(db, "RECONNECT"), 1); /* cached statement, new session */
	static const char SQL_TZ[] = "SELECT current_setting('TimeZone')";
	st = db_prep(db, SQL_TZ);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "UTC");
}

struct getter {
	struct db_pool *pool;
	struct db *got;
	atomic_int done;
};

static void *get_in_thread(void *arg)
{
	struct getter *g = arg;
	g->got = db_pool_get(g->pool);
	g->done = 1;
	return NULL;
}

static void test_pool(void **state)
{
	struct db *db = need(state);
	struct backend *be = *state;
	(void)db;
	struct db_pool *pool = db_pool_open(be->url, 2);
	assert_non_null(pool);
	struct db *a = db_pool_get(pool);
	struct db *b = db_pool_get(pool);
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);

	/* a third get waits until a connection comes back */
	struct getter g = {.pool = pool};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, get_in_thread, &g), 0);
	struct timespec pause = {0, 100 * 1000 * 1000};
	nanosleep(&pause, NULL);
	assert_false(g.done);

	/* a connection returned with an open transaction is rolled back */
	assert_int_equal(db_begin_write(a), 0);
	assert_true(add_directorate(a, "POOL-LEFT-OPEN", "Açık") > 0);
	db_pool_put(pool, a);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_ptr_equal(g.got, a);
	assert_false(db_in_transaction(g.got));
	assert_int_equal(count_code(g.got, "POOL-LEFT-OPEN"), 0);
	assert_int_equal(count_code(b, "POOL-LEFT-OPEN"), 0);
	db_pool_put(pool, g.got);
	db_pool_put(pool, b);
	db_pool_close(pool);

	/* must fail: a pool to an unreachable database */
	if (be->kind == DB_SQLITE)
		assert_null(db_pool_open("sqlite:/nonexistent-dir/x/kalem.db", 2));
	else
		assert_null(db_pool_open("postgresql://kalem@127.0.0.1:1/none?connect_timeout=2", 2));
}

#define CASE(f) cmocka_unit_test_setup_teardown(f, conn_setup, conn_teardown)

int main(void)
{
	const struct CMUnitTest common[] = {
		cmocka_unit_test(test_migrations_apply_once), CASE(test_insert_returning),
		CASE(test_text_round_trip),                   CASE(test_null_binding),
		CASE(test_constraints),                       CASE(test_statement_cache),
		CASE(test_transactions),                      CASE(test_pool),
		CASE(test_migration_dialect_blocks),
	};
	const struct CMUnitTest pg_only[] = {
		CASE(test_pg_aborted_transaction),
		CASE(test_pg_reconnect),
	};
	int failed = cmocka_run_group_tests_name("db_sqlite", common, sqlite_group_setup, sqlite_group_teardown);
	failed += cmocka_run_group_tests_name("db_postgresql", common, pg_group_setup, NULL);
	failed += cmocka_run_group_tests_name("db_postgresql_only", pg_only, pg_only_setup, pg_group_teardown);
	return failed;
}
