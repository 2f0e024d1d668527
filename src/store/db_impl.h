/* db_impl.h: what a database backend provides to db.c (internal to src/store). */
#ifndef KALEM_STORE_DB_IMPL_H
#define KALEM_STORE_DB_IMPL_H
#include "store/db.h"

/* Every backend statement starts with this header. */
struct db_stmt {
	struct db *db;
	const char *key; /* the SQL literal it was prepared from */
};

struct db_backend {
	enum db_kind kind;
	const char *name;
	/* Opens the backend connection; returns its state or NULL. */
	void *(*open)(const char *url, char *err, size_t errsz);
	void (*close)(void *conn);
	int (*exec_script)(struct db *db, const char *sql);
	int (*begin_read)(struct db *db);
	int (*begin_write)(struct db *db);
	int (*commit)(struct db *db);
	void (*rollback)(struct db *db);
	struct db_stmt *(*prepare)(struct db *db, const char *sql);
	void (*finalize)(struct db_stmt *st);
	void (*reset)(struct db_stmt *st);
	void (*bind_text)(struct db_stmt *st, int i, const char *s);
	void (*bind_int)(struct db_stmt *st, int i, int64_t v);
	void (*bind_null)(struct db_stmt *st, int i);
	enum db_rc (*step)(struct db_stmt *st);
	const char *(*col_text)(struct db_stmt *st, int col);
	int64_t (*col_int)(struct db_stmt *st, int col);
	bool (*col_is_null)(struct db_stmt *st, int col);
	int (*col_count)(struct db_stmt *st);
	const char *(*col_name)(struct db_stmt *st, int col);
	int64_t (*changes)(struct db_stmt *st);
	const char *(*errmsg)(struct db *db);
	/* The dialect's text for a migration placeholder name such as "ID"; NULL if unknown. */
	const char *(*dialect)(const char *placeholder);
};

struct stmt_slot {
	const char *key;
	struct db_stmt *st;
};

struct db {
	const struct db_backend *be;
	void *conn;         /* backend connection state */
	bool in_tx;
	bool tx_write;
	struct stmt_slot *stmts; /* open-addressing cache keyed by SQL literal address */
	size_t n_stmts, cap_stmts;
	char url[512];
	int64_t time_ns;
};

extern const struct db_backend db_sqlite_backend;
extern const struct db_backend db_pg_backend;

#endif
