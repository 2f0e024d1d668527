/* db_sqlite.c: the SQLite backend (WAL, synchronous=FULL unless KALEM_SQLITE_SYNCHRONOUS says otherwise, one writer
 * at a time, statements cached). */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/db_impl.h"
#include "util/log.h"
#include "util/xalloc.h"

/* Writers in this process queue on this mutex instead of spinning in SQLite's busy handler; BEGIN
 * IMMEDIATE still guards against other processes (kalem backup, the CLI). One database per process. */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

struct sqlite_stmt {
	struct db_stmt base;
	sqlite3_stmt *st;
	bool done;
	int64_t changes;
};

static sqlite3 *conn_of(struct db *db)
{
	return db->conn;
}

static void *sq_open(const char *path, char *err, size_t errsz)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "%s", h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h, 10000);
	/* KALEM_SQLITE_SYNCHRONOUS (docs/OPERATIONS.md): FULL (the default: a committed change survives a power
	 * cut), or NORMAL (in WAL mode the last commits before a power cut may be lost, never corruption), or EXTRA.
	 * Read once per connection; anything else is refused rather than guessed. */
	const char *sync = getenv("KALEM_SQLITE_SYNCHRONOUS");
	if (!sync || !*sync)
		sync = "FULL";
	if (strcmp(sync, "FULL") != 0 && strcmp(sync, "NORMAL") != 0 && strcmp(sync, "EXTRA") != 0) {
		snprintf(err, errsz, "KALEM_SQLITE_SYNCHRONOUS must be FULL, NORMAL or EXTRA, not '%.20s'", sync);
		sqlite3_close(h);
		return NULL;
	}
	char pragmas[256];
	snprintf(pragmas, sizeof pragmas,
		 "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
		 "PRAGMA cache_size=-4000; PRAGMA mmap_size=268435456;",
		 sync);
	char *msg = NULL;
	if (sqlite3_exec(h, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errsz, "%s", msg ? msg : "pragma failed");
		sqlite3_free(msg);
		sqlite3_close(h);
		return NULL;
	}
	return h;
}

static void sq_close(void *conn)
{
	sqlite3_close_v2(conn);
}

static int sq_exec_script(struct db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(conn_of(db), sql, NULL, NULL, &msg) != SQLITE_OK) {
		error("sqlite: %s", msg ? msg : "exec failed");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int sq_begin_read(struct db *db)
{
	return sq_exec_script(db, "BEGIN DEFERRED");
}

static int sq_begin_write(struct db *db)
{
	pthread_mutex_lock(&write_lock);
	int rc = sqlite3_exec(conn_of(db), "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		pthread_mutex_unlock(&write_lock);
		if (rc == SQLITE_BUSY)
			return DB_BUSY;
		return error("sqlite: cannot begin: %s", sqlite3_errmsg(conn_of(db)));
	}
	return 0;
}

static void release_write(struct db *db)
{
	if (db->tx_write)
		pthread_mutex_unlock(&write_lock);
}

static int sq_commit(struct db *db)
{
	int rc = sqlite3_exec(conn_of(db), "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		error("sqlite: commit failed: %s", sqlite3_errmsg(conn_of(db)));
		sqlite3_exec(conn_of(db), "ROLLBACK", NULL, NULL, NULL);
		release_write(db);
		return (rc & 0xff) == SQLITE_CONSTRAINT ? DB_CONSTRAINT : DB_ERROR;
	}
	release_write(db);
	return 0;
}

static void sq_rollback(struct db *db)
{
	sqlite3_exec(conn_of(db), "ROLLBACK", NULL, NULL, NULL);
	release_write(db);
}

static struct db_stmt *sq_prepare(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(conn_of(db), sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	struct sqlite_stmt *s = xcalloc(1, sizeof *s);
	s->st = st;
	return &s->base;
}

static struct sqlite_stmt *sq(struct db_stmt *st)
{
	return (struct sqlite_stmt *)st;
}

static void sq_finalize(struct db_stmt *st)
{
	sqlite3_finalize(sq(st)->st);
	free(st);
}

static void sq_reset(struct db_stmt *st)
{
	sqlite3_reset(sq(st)->st);
	sqlite3_clear_bindings(sq(st)->st);
	sq(st)->done = false;
}

static void sq_bind_text(struct db_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(sq(st)->st, i, s, -1, SQLITE_TRANSIENT);
}

static void sq_bind_int(struct db_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(sq(st)->st, i, v);
}

static void sq_bind_null(struct db_stmt *st, int i)
{
	sqlite3_bind_null(sq(st)->st, i);
}

static enum db_rc sq_step(struct db_stmt *st)
{
	struct sqlite_stmt *s = sq(st);
	if (s->done)
		return DB_OK;
	int rc = sqlite3_step(s->st);
	switch (rc) {
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
		s->done = true;
		s->changes = sqlite3_changes64(conn_of(st->db));
		return DB_OK;
	default:
		s->done = true;
		if ((rc & 0xff) == SQLITE_CONSTRAINT) {
			log_info("sqlite: constraint: %s", sqlite3_errmsg(conn_of(st->db)));
			return DB_CONSTRAINT;
		}
		if ((rc & 0xff) == SQLITE_BUSY)
			return DB_BUSY;
		error("sqlite: %s [%.120s]", sqlite3_errmsg(conn_of(st->db)), st->key);
		return DB_ERROR;
	}
}

static const char *sq_col_text(struct db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(sq(st)->st, col);
}

static int64_t sq_col_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(sq(st)->st, col);
}

static bool sq_col_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(sq(st)->st, col) == SQLITE_NULL;
}

static int sq_col_count(struct db_stmt *st)
{
	return sqlite3_column_count(sq(st)->st);
}

static const char *sq_col_name(struct db_stmt *st, int col)
{
	return sqlite3_column_name(sq(st)->st, col);
}

static int64_t sq_changes(struct db_stmt *st)
{
	return sq(st)->changes;
}

static const char *sq_errmsg(struct db *db)
{
	return sqlite3_errmsg(conn_of(db));
}

static const char *sq_dialect(const char *name)
{
	if (strcmp(name, "ID") == 0)
		return "INTEGER PRIMARY KEY AUTOINCREMENT";
	if (strcmp(name, "BIGINT") == 0)
		return "INTEGER";
	if (strcmp(name, "BLOB") == 0)
		return "BLOB";
	if (strcmp(name, "TEXTC") == 0)
		return "TEXT";
	return NULL;
}

const struct db_backend db_sqlite_backend = {
	.kind = DB_SQLITE,
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec_script = sq_exec_script,
	.begin_read = sq_begin_read,
	.begin_write = sq_begin_write,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.reset = sq_reset,
	.bind_text = sq_bind_text,
	.bind_int = sq_bind_int,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_text = sq_col_text,
	.col_int = sq_col_int,
	.col_is_null = sq_col_is_null,
	.col_count = sq_col_count,
	.col_name = sq_col_name,
	.changes = sq_changes,
	.errmsg = sq_errmsg,
	.dialect = sq_dialect,
};

/* Used by db.c through db_backup and db_integrity_check when the backend is SQLite. */
int db_sqlite_backup(struct db *db, const char *path);
int db_sqlite_backup(struct db *db, const char *path)
{
	sqlite3 *dest = NULL;
	if (sqlite3_open(path, &dest) != SQLITE_OK) {
		error("cannot open backup file '%s': %s", path, sqlite3_errmsg(dest));
		sqlite3_close(dest);
		return -1;
	}
	sqlite3_backup *b = sqlite3_backup_init(dest, "main", conn_of(db), "main");
	if (!b) {
		error("cannot start backup: %s", sqlite3_errmsg(dest));
		sqlite3_close(dest);
		return -1;
	}
	int rc;
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	int err = rc == SQLITE_DONE ? 0 : error("backup failed: %s", sqlite3_errstr(rc));
	sqlite3_close(dest);
	return err;
}
