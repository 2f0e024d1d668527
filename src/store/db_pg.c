/* db_pg.c: the PostgreSQL backend (libpq; `?` rewritten to $n, text parameters and results, statements cached). */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/db_impl.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xalloc.h"

/* Session settings applied on every (re)connection. lock_timeout mirrors SQLite's 10 s busy timeout, so a
 * lock wait ends as 55P03 (DB_BUSY, 503) instead of hanging a worker. client_min_messages hides the NOTICEs
 * of "CREATE TABLE IF NOT EXISTS" and friends. */
static const char SESSION_SETUP[] = "SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'; "
				    "SET lock_timeout = '10s'; SET client_min_messages = warning";

struct pg_conn {
	PGconn *c;
	int next_name;      /* prepared statement names are "s<n>", unique within the session */
	unsigned session;   /* bumped by each reconnection: statements prepared before it are gone */
	char errmsg[512];   /* the last error, without libpq's trailing newline */
};

struct pg_stmt {
	struct db_stmt base;
	char name[16];
	char *sql;          /* the rewritten text, kept to prepare again after a reconnection */
	unsigned session;   /* the session it was prepared in */
	int n_params;
	char **params;      /* n_params text values (owned); NULL binds SQL NULL */
	PGresult *res;      /* result of the execution; NULL before the first step */
	PGresult *desc;     /* statement description, fetched only if columns are asked for before a step */
	int row;            /* current row index in res; -1 before the first row */
	bool done;
	int64_t changes;
};

static struct pg_conn *pc(struct db *db)
{
	return db->conn;
}

static struct pg_stmt *ps(struct db_stmt *st)
{
	return (struct pg_stmt *)st;
}

/* Copies msg into dst as one line: libpq's messages span lines and end with a newline. */
static void one_line(char *dst, size_t size, const char *msg)
{
	snprintf(dst, size, "%s", msg ? msg : "");
	char *w = dst;
	for (const char *r = dst; *r; r++) {
		if (*r == '\n' || *r == '\t') {
			if (w > dst && w[-1] != ' ')
				*w++ = ' ';
		} else {
			*w++ = *r;
		}
	}
	while (w > dst && w[-1] == ' ')
		w--;
	*w = '\0';
}

static void set_errmsg(struct pg_conn *conn, const char *msg)
{
	one_line(conn->errmsg, sizeof conn->errmsg, msg);
}

/* Keeps the error of a failed result: its primary message and SQLSTATE. The DETAIL field is left out on
 * purpose: for a unique violation it quotes the values (a TCKN, a phone number), which must not reach logs. */
static void set_result_error(struct pg_conn *conn, const PGresult *r)
{
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (!primary) {
		set_errmsg(conn, PQerrorMessage(conn->c));
		return;
	}
	char msg[sizeof conn->errmsg];
	snprintf(msg, sizeof msg, "%s (SQLSTATE %s)", primary, state ? state : "?");
	set_errmsg(conn, msg);
}

static void notice_to_log(void *arg, const char *message)
{
	(void)arg;
	size_t n = strlen(message);
	while (n > 0 && message[n - 1] == '\n')
		n--;
	log_warn("pg: %.*s", (int)n, message);
}

/* Runs one or more statements without parameters; 0, or -1 with the error kept (not logged). */
static int run_simple(struct pg_conn *conn, const char *sql)
{
	PGresult *r = PQexec(conn->c, sql);
	ExecStatusType s = PQresultStatus(r);
	int rc = (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) ? 0 : -1;
	if (rc != 0)
		set_result_error(conn, r);
	PQclear(r);
	return rc;
}

static void *pg_open(const char *url, char *err, size_t errsz)
{
	PGconn *c = PQconnectdb(url);
	if (!c) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		one_line(err, errsz, PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, notice_to_log, NULL);
	struct pg_conn *conn = xcalloc(1, sizeof *conn);
	conn->c = c;
	if (run_simple(conn, SESSION_SETUP) != 0) {
		snprintf(err, errsz, "session setup failed: %s", conn->errmsg);
		PQfinish(c);
		free(conn);
		return NULL;
	}
	return conn;
}

static void pg_close(void *p)
{
	struct pg_conn *conn = p;
	if (!conn)
		return;
	PQfinish(conn->c);
	free(conn);
}

/* Outside a transaction, re-establishes a connection the server has dropped (restart, failover).
 * Statements prepared in the old session are prepared again when next executed. */
static int ensure_connected(struct db *db)
{
	struct pg_conn *conn = pc(db);
	if (PQstatus(conn->c) == CONNECTION_OK)
		return 0;
	if (db->in_tx)
		return error("pg: connection lost inside a transaction");
	log_warn("pg: connection lost; reconnecting");
	PQreset(conn->c);
	if (PQstatus(conn->c) != CONNECTION_OK) {
		set_errmsg(conn, PQerrorMessage(conn->c));
		return error("pg: cannot reconnect: %s", conn->errmsg);
	}
	conn->session++;
	if (run_simple(conn, SESSION_SETUP) != 0)
		return error("pg: session setup failed: %s", conn->errmsg);
	return 0;
}

/* Maps a failed result's SQLSTATE to our result codes. */
static enum db_rc rc_of_result(const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (!state)
		return DB_ERROR;
	if (strncmp(state, "23", 2) == 0)
		return DB_CONSTRAINT;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
		return DB_BUSY;
	return DB_ERROR;
}

static int pg_exec_script(struct db *db, const char *sql)
{
	if (ensure_connected(db) != 0)
		return -1;
	if (run_simple(pc(db), sql) != 0)
		return error("pg: %s [%.120s]", pc(db)->errmsg, sql);
	return 0;
}

static int begin(struct db *db, const char *sql)
{
	if (ensure_connected(db) != 0)
		return DB_ERROR;
	PGresult *r = PQexec(pc(db)->c, sql);
	int rc = 0;
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		set_result_error(pc(db), r);
		rc = rc_of_result(r);
		if (rc != DB_BUSY)
			error("pg: cannot begin: %s", pc(db)->errmsg);
	}
	PQclear(r);
	return rc;
}

static int pg_begin_read(struct db *db)
{
	return begin(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

static int pg_begin_write(struct db *db)
{
	return begin(db, "BEGIN");
}

static int pg_commit(struct db *db)
{
	struct pg_conn *conn = pc(db);
	PGresult *r = PQexec(conn->c, "COMMIT");
	int rc = 0;
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		set_result_error(conn, r);
		rc = rc_of_result(r) == DB_CONSTRAINT ? DB_CONSTRAINT : DB_ERROR;
		error("pg: commit failed: %s", conn->errmsg);
	} else if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
		/* COMMIT of a transaction in which a statement failed "succeeds" as a rollback. */
		set_errmsg(conn, "transaction was aborted by an earlier error; rolled back");
		rc = error("pg: commit failed: %s", conn->errmsg);
	}
	PQclear(r);
	/* The transaction is over either way (contract of db_commit). */
	if (PQtransactionStatus(conn->c) != PQTRANS_IDLE && PQstatus(conn->c) == CONNECTION_OK)
		PQclear(PQexec(conn->c, "ROLLBACK"));
	return rc;
}

static void pg_rollback(struct db *db)
{
	struct pg_conn *conn = pc(db);
	if (PQstatus(conn->c) != CONNECTION_OK)
		return;
	PQclear(PQexec(conn->c, "ROLLBACK"));
}

/* Rewrites `?` placeholders to $1..$n, leaving string literals, quoted identifiers and comments alone.
 * Returns the new text (caller frees) and the count in *n_params. */
static char *rewrite_placeholders(const char *sql, int *n_params)
{
	struct buf out = BUF_INIT;
	int n = 0;
	const char *p = sql;
	while (*p) {
		if (*p == '\'' || *p == '"') {
			/* a doubled quote inside ('' or "") simply closes and reopens: the copy is the same */
			const char *end = strchr(p + 1, *p);
			size_t len = end ? (size_t)(end - p) + 1 : strlen(p);
			buf_add(&out, p, len);
			p += len;
		} else if (p[0] == '-' && p[1] == '-') {
			size_t len = strcspn(p, "\n");
			buf_add(&out, p, len);
			p += len;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			size_t len = end ? (size_t)(end - p) + 2 : strlen(p);
			buf_add(&out, p, len);
			p += len;
		} else if (*p == '?') {
			buf_addf(&out, "$%d", ++n);
			p++;
		} else {
			buf_addc(&out, *p++);
		}
	}
	*n_params = n;
	if (!out.data)
		return xstrdup("");
	return buf_detach(&out, NULL);
}

/* Prepares st's text under its name in the current session; 0 or -1 (error kept in the connection). */
static int prepare_in_session(struct pg_conn *conn, struct pg_stmt *s)
{
	snprintf(s->name, sizeof s->name, "s%d", conn->next_name++);
	PGresult *r = PQprepare(conn->c, s->name, s->sql, s->n_params, NULL);
	int rc = 0;
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		set_result_error(conn, r);
		rc = -1;
	}
	PQclear(r);
	s->session = conn->session;
	return rc;
}

static struct db_stmt *pg_prepare(struct db *db, const char *sql)
{
	if (ensure_connected(db) != 0)
		return NULL;
	struct pg_stmt *s = xcalloc(1, sizeof *s);
	s->sql = rewrite_placeholders(sql, &s->n_params);
	s->params = xcalloc((size_t)s->n_params + 1, sizeof *s->params);
	s->row = -1;
	if (prepare_in_session(pc(db), s) != 0) {
		free(s->params);
		free(s->sql);
		free(s);
		return NULL;
	}
	return &s->base;
}

static void clear_params(struct pg_stmt *s)
{
	for (int i = 0; i < s->n_params; i++) {
		free(s->params[i]);
		s->params[i] = NULL;
	}
}

static void pg_reset(struct db_stmt *st)
{
	struct pg_stmt *s = ps(st);
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	s->done = false;
	clear_params(s);
}

static void pg_finalize(struct db_stmt *st)
{
	struct pg_stmt *s = ps(st);
	pg_reset(st);
	PQclear(s->desc);
	free(s->params);
	free(s->sql);
	free(s);
}

/* Stores a parameter value (owned), replacing any earlier one. */
static void set_param(struct db_stmt *st, int i, char *v)
{
	struct pg_stmt *s = ps(st);
	if (i < 1 || i > s->n_params) {
		free(v);
		error("pg: parameter %d out of range (1..%d) [%.120s]", i, s->n_params, st->key);
		return;
	}
	free(s->params[i - 1]);
	s->params[i - 1] = v;
}

static void pg_bind_text(struct db_stmt *st, int i, const char *v)
{
	set_param(st, i, v ? xstrdup(v) : NULL);
}

static void pg_bind_int(struct db_stmt *st, int i, int64_t v)
{
	set_param(st, i, xasprintf("%lld", (long long)v));
}

static void pg_bind_null(struct db_stmt *st, int i)
{
	set_param(st, i, NULL);
}

/* Executes the statement with its bound parameters; DB_OK, or an error (logged). */
static enum db_rc execute(struct db_stmt *st)
{
	struct pg_stmt *s = ps(st);
	struct pg_conn *conn = pc(st->db);
	if (ensure_connected(st->db) != 0)
		return DB_ERROR;
	if (s->session != conn->session && prepare_in_session(conn, s) != 0) {
		error("pg: cannot prepare again: %s [%.120s]", conn->errmsg, st->key);
		return DB_ERROR;
	}
	s->res = PQexecPrepared(conn->c, s->name, s->n_params, (const char *const *)s->params, NULL, NULL, 0);
	ExecStatusType status = PQresultStatus(s->res);
	if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
		s->changes = strtoll(PQcmdTuples(s->res), NULL, 10);
		return DB_OK;
	}
	set_result_error(conn, s->res);
	enum db_rc rc = rc_of_result(s->res);
	PQclear(s->res);
	s->res = NULL;
	if (rc == DB_CONSTRAINT)
		log_info("pg: constraint: %s", conn->errmsg);
	else if (rc == DB_BUSY)
		log_warn("pg: busy: %s [%.120s]", conn->errmsg, st->key);
	else
		error("pg: %s [%.120s]", conn->errmsg, st->key);
	return rc;
}

static enum db_rc pg_step(struct db_stmt *st)
{
	struct pg_stmt *s = ps(st);
	if (s->done)
		return DB_OK;
	if (!s->res) {
		enum db_rc rc = execute(st);
		if (rc != DB_OK) {
			s->done = true;
			return rc;
		}
	}
	if (s->row + 1 < PQntuples(s->res)) {
		s->row++;
		return DB_ROW;
	}
	s->done = true;
	return DB_OK;
}

/* The current row, or -1 when there is none (before the first step, after the last). */
static int current_row(struct pg_stmt *s)
{
	if (!s->res || s->done || s->row < 0)
		return -1;
	return s->row;
}

static const char *pg_col_text(struct db_stmt *st, int col)
{
	struct pg_stmt *s = ps(st);
	int row = current_row(s);
	if (row < 0 || col < 0 || col >= PQnfields(s->res) || PQgetisnull(s->res, row, col))
		return NULL;
	return PQgetvalue(s->res, row, col);
}

static int64_t pg_col_int(struct db_stmt *st, int col)
{
	const char *v = pg_col_text(st, col);
	if (!v)
		return 0;
	if (strcmp(v, "t") == 0)
		return 1;
	if (strcmp(v, "f") == 0)
		return 0;
	return strtoll(v, NULL, 10);
}

static bool pg_col_is_null(struct db_stmt *st, int col)
{
	return pg_col_text(st, col) == NULL;
}

/* The result that describes the columns: the execution's, or else the statement's description. */
static const PGresult *columns_of(struct db_stmt *st)
{
	struct pg_stmt *s = ps(st);
	if (s->res)
		return s->res;
	if (!s->desc && s->session == pc(st->db)->session) {
		PGresult *r = PQdescribePrepared(pc(st->db)->c, s->name);
		if (PQresultStatus(r) == PGRES_COMMAND_OK)
			s->desc = r;
		else
			PQclear(r);
	}
	return s->desc;
}

static int pg_col_count(struct db_stmt *st)
{
	const PGresult *r = columns_of(st);
	return r ? PQnfields(r) : 0;
}

static const char *pg_col_name(struct db_stmt *st, int col)
{
	const PGresult *r = columns_of(st);
	if (!r || col < 0 || col >= PQnfields(r))
		return NULL;
	return PQfname(r, col);
}

static int64_t pg_changes(struct db_stmt *st)
{
	return ps(st)->changes;
}

static const char *pg_errmsg(struct db *db)
{
	struct pg_conn *conn = pc(db);
	if (!conn->errmsg[0])
		set_errmsg(conn, PQerrorMessage(conn->c));
	return conn->errmsg;
}

static const char *pg_dialect(const char *name)
{
	if (strcmp(name, "ID") == 0)
		return "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
	if (strcmp(name, "BIGINT") == 0)
		return "BIGINT";
	if (strcmp(name, "BLOB") == 0)
		return "BYTEA";
	if (strcmp(name, "TEXTC") == 0)
		return "TEXT COLLATE \"C\"";
	return NULL;
}

const struct db_backend db_pg_backend = {
	.kind = DB_POSTGRES,
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.exec_script = pg_exec_script,
	.begin_read = pg_begin_read,
	.begin_write = pg_begin_write,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.reset = pg_reset,
	.bind_text = pg_bind_text,
	.bind_int = pg_bind_int,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_text = pg_col_text,
	.col_int = pg_col_int,
	.col_is_null = pg_col_is_null,
	.col_count = pg_col_count,
	.col_name = pg_col_name,
	.changes = pg_changes,
	.errmsg = pg_errmsg,
	.dialect = pg_dialect,
};
