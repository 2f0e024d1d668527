/* db.c: the backend-independent part of the database interface: dispatch, statement cache, pool, migrations.
 *
 * Migrations are the embedded migrations/NNNN_name.sql files, applied in order (db_migrate in db.h). One file
 * serves both backends: {{NAME}} placeholders become the backend's dialect (db_backend.dialect), and where the
 * two need different statements altogether (SQLite FTS5 against a PostgreSQL tsvector column), a block
 *   {{SQLITE}} ... {{/SQLITE}}   or   {{PG}} ... {{/PG}}
 * keeps its text on that backend only and drops it on the other. Blocks do not nest; a block left open, a
 * closing marker without its opening one or a block inside another fails the migration on either backend. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "store/db_impl.h"
#include "util/buf.h"
#include "util/embedded.h"
#include "util/log.h"
#include "util/xalloc.h"

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct db *db_open(const char *url)
{
	const struct db_backend *be = &db_sqlite_backend;
	const char *target = url;
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		be = &db_pg_backend;
	} else if (strncmp(url, "sqlite:", 7) == 0) {
		target = url + 7;
	}
	char err[256] = "";
	void *conn = be->open(target, err, sizeof err);
	if (!conn) {
		error("cannot open database '%s': %s", be->kind == DB_SQLITE ? target : "(postgresql)", err);
		return NULL;
	}
	struct db *db = xcalloc(1, sizeof *db);
	db->be = be;
	db->conn = conn;
	snprintf(db->url, sizeof db->url, "%s", url);
	return db;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	if (db->in_tx)
		db_rollback(db); /* releases the process-wide writer lock too */
	for (size_t i = 0; i < db->cap_stmts; i++)
		if (db->stmts[i].st)
			db->be->finalize(db->stmts[i].st);
	free(db->stmts);
	db->be->close(db->conn);
	free(db);
}

enum db_kind db_kind(const struct db *db)
{
	return db->be->kind;
}

int db_exec_script(struct db *db, const char *sql)
{
	return db->be->exec_script(db, sql);
}

static void db_reset_all(struct db *db)
{
	for (size_t i = 0; i < db->cap_stmts; i++)
		if (db->stmts[i].st)
			db->be->reset(db->stmts[i].st);
}

void db_reset(struct db_stmt *st)
{
	st->db->be->reset(st);
}

int db_begin_read(struct db *db)
{
	if (db->in_tx)
		return error("db: transaction already open");
	if (db->be->begin_read(db) != 0)
		return -1;
	db->in_tx = true;
	db->tx_write = false;
	return 0;
}

int db_begin_write(struct db *db)
{
	if (db->in_tx)
		return error("db: transaction already open");
	db_reset_all(db); /* a single-row read left unreset pins an old SQLite snapshot: BEGIN IMMEDIATE would fail */
	int rc = db->be->begin_write(db);
	if (rc != 0)
		return rc;
	db->in_tx = true;
	db->tx_write = true;
	return 0;
}

int db_commit(struct db *db)
{
	if (!db->in_tx)
		return error("db: commit without transaction");
	/* A statement left mid-iteration (a RETURNING row read, a list cut at its limit) would make the commit
	 * fail on SQLite and pin snapshots: every cached statement is reset first. */
	db_reset_all(db);
	int64_t t0 = mono_ns();
	int rc = db->be->commit(db);
	db->time_ns += mono_ns() - t0;
	db->in_tx = false;
	return rc;
}

void db_rollback(struct db *db)
{
	if (!db->in_tx)
		return;
	db_reset_all(db);
	db->be->rollback(db);
	db->in_tx = false;
}

bool db_in_transaction(const struct db *db)
{
	return db->in_tx;
}

static size_t slot_of(const char *key, size_t cap)
{
	uintptr_t h = (uintptr_t)key;
	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 7) & (cap - 1);
}

static void cache_put(struct db *db, const char *key, struct db_stmt *st)
{
	if ((db->n_stmts + 1) * 2 > db->cap_stmts) {
		size_t cap = db->cap_stmts ? db->cap_stmts * 2 : 64;
		struct stmt_slot *slots = xcalloc(cap, sizeof *slots);
		for (size_t i = 0; i < db->cap_stmts; i++) {
			if (!db->stmts[i].key)
				continue;
			size_t j = slot_of(db->stmts[i].key, cap);
			while (slots[j].key)
				j = (j + 1) & (cap - 1);
			slots[j] = db->stmts[i];
		}
		free(db->stmts);
		db->stmts = slots;
		db->cap_stmts = cap;
	}
	size_t j = slot_of(key, db->cap_stmts);
	while (db->stmts[j].key)
		j = (j + 1) & (db->cap_stmts - 1);
	db->stmts[j].key = key;
	db->stmts[j].st = st;
	db->n_stmts++;
}

struct db_stmt *db_prep(struct db *db, const char *sql)
{
	if (db->cap_stmts) {
		size_t j = slot_of(sql, db->cap_stmts);
		while (db->stmts[j].key) {
			if (db->stmts[j].key == sql) {
				db->be->reset(db->stmts[j].st);
				return db->stmts[j].st;
			}
			j = (j + 1) & (db->cap_stmts - 1);
		}
	}
	struct db_stmt *st = db->be->prepare(db, sql);
	if (!st) {
		error("db: cannot prepare statement: %s [%.120s]", db->be->errmsg(db), sql);
		return NULL;
	}
	st->db = db;
	st->key = sql;
	cache_put(db, sql, st);
	return st;
}

void db_bind_text(struct db_stmt *st, int i, const char *s)
{
	if (s)
		st->db->be->bind_text(st, i, s);
	else
		st->db->be->bind_null(st, i);
}

void db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	st->db->be->bind_int(st, i, v);
}

void db_bind_null(struct db_stmt *st, int i)
{
	st->db->be->bind_null(st, i);
}

void db_bind_id_or_null(struct db_stmt *st, int i, int64_t v)
{
	if (v)
		db_bind_int(st, i, v);
	else
		db_bind_null(st, i);
}

enum db_rc db_step(struct db_stmt *st)
{
	int64_t t0 = mono_ns();
	enum db_rc rc = st->db->be->step(st);
	st->db->time_ns += mono_ns() - t0;
	return rc;
}

int64_t db_time_ns(const struct db *db)
{
	return db->time_ns;
}

const char *db_col_text(struct db_stmt *st, int col)
{
	const char *s = st->db->be->col_text(st, col);
	return s ? s : "";
}

int64_t db_col_int(struct db_stmt *st, int col)
{
	return st->db->be->col_int(st, col);
}

bool db_col_is_null(struct db_stmt *st, int col)
{
	return st->db->be->col_is_null(st, col);
}

int db_col_count(struct db_stmt *st)
{
	return st->db->be->col_count(st);
}

const char *db_col_name(struct db_stmt *st, int col)
{
	return st->db->be->col_name(st, col);
}

int64_t db_changes(struct db_stmt *st)
{
	return st->db->be->changes(st);
}

int64_t db_query_int(struct db *db, const char *sql, int64_t dflt)
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return dflt;
	int64_t v = dflt;
	if (db_step(st) == DB_ROW && !db_col_is_null(st, 0))
		v = db_col_int(st, 0);
	db->be->reset(st);
	return v;
}

const char *db_errmsg(struct db *db)
{
	return db->be->errmsg(db);
}

/* ---- migrations ---- */

static const char SQL_MIGRATIONS_TABLE[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
	"applied_at BIGINT NOT NULL)";
static const char SQL_SCHEMA_VERSION[] = "SELECT MAX(version) FROM schema_migrations";
static const char SQL_RECORD_MIGRATION[] =
	"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)";

int db_schema_version(struct db *db)
{
	if (db_exec_script(db, SQL_MIGRATIONS_TABLE) != 0)
		return -1;
	return (int)db_query_int(db, SQL_SCHEMA_VERSION, 0);
}

/* Expands {{NAME}} placeholders with the backend's dialect, keeping a {{SQLITE}} / {{PG}} block's text on its
 * backend only (see the top of this file). */
static int expand_dialect(const struct db_backend *be, const char *src, struct buf *out)
{
	const char *p = src;
	const char *block = NULL; /* the open block of this backend: "SQLITE" or "PG" */
	while (*p) {
		const char *open = strstr(p, "{{");
		if (!open) {
			buf_adds(out, p);
			break;
		}
		buf_add(out, p, (size_t)(open - p));
		const char *close = strstr(open, "}}");
		if (!close)
			return error("migration: unclosed placeholder");
		char name[32];
		size_t n = (size_t)(close - open - 2);
		if (n >= sizeof name)
			return error("migration: placeholder too long");
		memcpy(name, open + 2, n);
		name[n] = '\0';
		p = close + 2;
		bool sqlite = strcmp(name, "SQLITE") == 0;
		if (sqlite || strcmp(name, "PG") == 0) {
			if (block)
				return error("migration: block {{%s}} inside {{%s}}", name, block);
			char end[40];
			snprintf(end, sizeof end, "{{/%s}}", name);
			const char *stop = strstr(p, end);
			if (!stop)
				return error("migration: unclosed block {{%s}}", name);
			const char *inner_sqlite = strstr(p, "{{SQLITE}}"), *inner_pg = strstr(p, "{{PG}}");
			if ((inner_sqlite && inner_sqlite < stop) || (inner_pg && inner_pg < stop))
				return error("migration: block inside {{%s}}", name);
			if (sqlite == (be->kind == DB_SQLITE))
				block = sqlite ? "SQLITE" : "PG"; /* this backend's: expand its text */
			else
				p = stop + strlen(end); /* the other backend's: drop it */
			continue;
		}
		if (name[0] == '/') {
			if (!block || strcmp(name + 1, block) != 0)
				return error("migration: '{{%s}}' closes no open block", name);
			block = NULL;
			continue;
		}
		const char *rep = be->dialect(name);
		if (!rep)
			return error("migration: unknown placeholder '%s'", name);
		buf_adds(out, rep);
	}
	if (block)
		return error("migration: unclosed block {{%s}}", block);
	return 0;
}

/* For tests/unit/test_db.c: the text of migration src for backend kind, as db_migrate runs it, in *out (OUT,
 * xmalloc'd; NULL on failure). Returns 0 or -1. */
int db_migration_expand(enum db_kind kind, const char *src, char **out);
int db_migration_expand(enum db_kind kind, const char *src, char **out)
{
	struct buf b = BUF_INIT;
	*out = NULL;
	if (expand_dialect(kind == DB_SQLITE ? &db_sqlite_backend : &db_pg_backend, src, &b) != 0) {
		buf_free(&b);
		return -1;
	}
	*out = buf_detach(&b, NULL);
	return 0;
}

static int cmp_paths(const void *a, const void *b)
{
	return strcmp((*(const struct embedded_file *const *)a)->path,
		      (*(const struct embedded_file *const *)b)->path);
}

int db_migrate(struct db *db)
{
	int current = db_schema_version(db);
	if (current < 0)
		return -1;
	const struct embedded_file *files[512];
	size_t n = 0;
	for (const struct embedded_file *f = embedded_files; f->path && n < 512; f++)
		if (strncmp(f->path, "migrations/", 11) == 0)
			files[n++] = f;
	qsort(files, n, sizeof files[0], cmp_paths);
	int applied = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = files[i]->path + 11;
		int version = atoi(name);
		if (version <= 0)
			return error("migration '%s': name must start with its number", name);
		if (version <= current)
			continue;
		struct buf sql = BUF_INIT;
		if (expand_dialect(db->be, (const char *)files[i]->data, &sql) != 0) {
			buf_free(&sql);
			return -1;
		}
		if (db_begin_write(db) != 0) {
			buf_free(&sql);
			return -1;
		}
		int rc = db_exec_script(db, sql.data);
		buf_free(&sql);
		if (rc == 0) {
			struct db_stmt *st = db_prep(db, SQL_RECORD_MIGRATION);
			db_bind_int(st, 1, version);
			db_bind_text(st, 2, name);
			db_bind_int(st, 3, (int64_t)time(NULL));
			rc = db_step(st) == DB_OK ? 0 : -1;
		}
		if (rc != 0 || db_commit(db) != 0) {
			db_rollback(db);
			return error("migration '%s' failed: %s", name, db_errmsg(db));
		}
		log_info("applied migration %s", name);
		applied++;
	}
	return applied;
}

/* ---- maintenance ---- */

int db_sqlite_backup(struct db *db, const char *path);

int db_backup(struct db *db, const char *path)
{
	if (db->be->kind != DB_SQLITE)
		return error("backup: use pg_dump for a PostgreSQL database");
	return db_sqlite_backup(db, path);
}

static const char SQL_INTEGRITY[] = "PRAGMA integrity_check";
static const char SQL_FK_CHECK[] = "PRAGMA foreign_key_check";
static const char SQL_PG_PING[] = "SELECT 1";

int db_integrity_check(struct db *db, char *msg, size_t msgsz)
{
	snprintf(msg, msgsz, "ok");
	if (db->be->kind != DB_SQLITE) {
		return db_query_int(db, SQL_PG_PING, 0) == 1 ? 0 : -1;
	}
	struct db_stmt *st = db_prep(db, SQL_INTEGRITY);
	if (!st || db_step(st) != DB_ROW)
		return -1;
	snprintf(msg, msgsz, "%s", db_col_text(st, 0));
	if (strcmp(msg, "ok") != 0)
		return -1;
	st = db_prep(db, SQL_FK_CHECK);
	if (!st)
		return -1;
	if (db_step(st) == DB_ROW) {
		snprintf(msg, msgsz, "foreign key violation in table %s", db_col_text(st, 0));
		return -1;
	}
	return 0;
}

/* ---- pool ---- */

struct db_pool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct db **free_conns;
	int n_free, size;
};

struct db_pool *db_pool_open(const char *url, int size)
{
	struct db_pool *pool = xcalloc(1, sizeof *pool);
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->freed, NULL);
	pool->free_conns = xcalloc((size_t)size, sizeof *pool->free_conns);
	pool->size = size;
	for (int i = 0; i < size; i++) {
		struct db *db = db_open(url);
		if (!db) {
			db_pool_close(pool);
			return NULL;
		}
		pool->free_conns[pool->n_free++] = db;
	}
	return pool;
}

void db_pool_close(struct db_pool *pool)
{
	if (!pool)
		return;
	for (int i = 0; i < pool->n_free; i++)
		db_close(pool->free_conns[i]);
	free(pool->free_conns);
	pthread_mutex_destroy(&pool->lock);
	pthread_cond_destroy(&pool->freed);
	free(pool);
}

struct db *db_pool_get(struct db_pool *pool)
{
	pthread_mutex_lock(&pool->lock);
	while (pool->n_free == 0)
		pthread_cond_wait(&pool->freed, &pool->lock);
	struct db *db = pool->free_conns[--pool->n_free];
	pthread_mutex_unlock(&pool->lock);
	return db;
}

void db_pool_put(struct db_pool *pool, struct db *db)
{
	if (db->in_tx) {
		log_warn("db: connection returned with an open transaction; rolling back");
		db_rollback(db);
	}
	db_reset_all(db); /* no snapshot pinned between requests (stale reads, failed writes) */
	pthread_mutex_lock(&pool->lock);
	pool->free_conns[pool->n_free++] = db;
	pthread_cond_signal(&pool->freed);
	pthread_mutex_unlock(&pool->lock);
}
