/* audit.c: hash-chained audit events (tampering is found by kalem check) and the record-view log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/audit_chain.h"
#include "store/audit.h"
#include "util/log.h"

/* Taking the next id through an UPDATE locks the head row: on PostgreSQL a concurrent appender waits here and
 * then reads the committed head, so the chain never forks; on SQLite writers are serialised anyway. */
static const char SQL_HEAD_NEXT[] =
	"UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 RETURNING last_id, last_hash";
static const char SQL_HEAD_SET_HASH[] = "UPDATE audit_head SET last_hash = ? WHERE id = 1";
static const char SQL_INSERT[] =
	"INSERT INTO audit_events (id, ts, actor, action, record_type, record_id, before_json, after_json, "
	"prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static char *dump(const json_t *v)
{
	return v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}

int audit_append_key(struct db *db, const char *actor, const char *action, const char *record_type,
		     const char *record_key, const json_t *before, const json_t *after)
{
	int rc = -1;
	char *b = dump(before), *a = dump(after);
	struct db_stmt *st = db_prep(db, SQL_HEAD_NEXT);
	if (!st || db_step(st) != DB_ROW)
		goto out;
	int64_t id = db_col_int(st, 0);
	char prev[65];
	snprintf(prev, sizeof prev, "%s", db_col_text(st, 1));
	struct audit_fields ev = {
		.id = id,
		.ts = (int64_t)time(NULL),
		.actor = actor,
		.action = action,
		.record_type = record_type,
		.record_id = record_key,
		.before_json = b,
		.after_json = a,
	};
	char hash[65];
	audit_chain_hash(prev, &ev, hash);
	st = db_prep(db, SQL_INSERT);
	if (!st)
		goto out;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, ev.ts);
	db_bind_text(st, 3, actor);
	db_bind_text(st, 4, action);
	db_bind_text(st, 5, record_type);
	db_bind_text(st, 6, record_key);
	db_bind_text(st, 7, b);
	db_bind_text(st, 8, a);
	db_bind_text(st, 9, prev);
	db_bind_text(st, 10, hash);
	if (db_step(st) != DB_OK)
		goto out;
	st = db_prep(db, SQL_HEAD_SET_HASH);
	if (!st)
		goto out;
	db_bind_text(st, 1, hash);
	if (db_step(st) != DB_OK)
		goto out;
	rc = 0;
out:
	free(b);
	free(a);
	return rc;
}

int audit_append(struct db *db, const char *actor, const char *action, const char *record_type, int64_t record_id,
		 const json_t *before, const json_t *after)
{
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)record_id);
	return audit_append_key(db, actor, action, record_type, key, before, after);
}

static const char SQL_ALL[] = "SELECT id, ts, actor, action, record_type, record_id, before_json, after_json, "
			      "prev_hash, hash FROM audit_events WHERE id > ? ORDER BY id LIMIT 1000";
static const char SQL_HEAD_READ[] = "SELECT last_id, last_hash FROM audit_head WHERE id = 1";

int audit_verify(struct db *db, int64_t *bad_id, int64_t *count)
{
	char prev[65] = AUDIT_GENESIS;
	int64_t after = 0, n = 0, expect_id = 1;
	*bad_id = 0;
	for (;;) {
		struct db_stmt *st = db_prep(db, SQL_ALL);
		if (!st)
			return -1;
		db_bind_int(st, 1, after);
		int rows = 0;
		enum db_rc rc;
		while ((rc = db_step(st)) == DB_ROW) {
			rows++;
			struct audit_fields ev = {
				.id = db_col_int(st, 0),
				.ts = db_col_int(st, 1),
				.actor = db_col_text(st, 2),
				.action = db_col_text(st, 3),
				.record_type = db_col_text(st, 4),
				.record_id = db_col_text(st, 5),
				.before_json = db_col_is_null(st, 6) ? NULL : db_col_text(st, 6),
				.after_json = db_col_is_null(st, 7) ? NULL : db_col_text(st, 7),
			};
			char hash[65];
			audit_chain_hash(prev, &ev, hash);
			if (ev.id != expect_id || strcmp(db_col_text(st, 8), prev) != 0 ||
			    strcmp(db_col_text(st, 9), hash) != 0) {
				*bad_id = ev.id != expect_id ? expect_id : ev.id;
				*count = n;
				return -1;
			}
			memcpy(prev, hash, sizeof prev);
			after = ev.id;
			expect_id++;
			n++;
		}
		if (rc != DB_OK)
			return -1;
		if (rows == 0)
			break;
	}
	*count = n;
	/* The head must name the last event: a deleted tail is found here. */
	struct db_stmt *st = db_prep(db, SQL_HEAD_READ);
	if (!st || db_step(st) != DB_ROW)
		return -1;
	if (db_col_int(st, 0) != after || strcmp(db_col_text(st, 1), prev) != 0) {
		*bad_id = after + 1;
		return -1;
	}
	return 0;
}

static const char SQL_LIST[] =
	"SELECT id, ts, actor, action, record_type, record_id, before_json, after_json FROM audit_events "
	"WHERE (? = 0 OR id < ?) AND (? = '' OR actor = ?) AND (? = '' OR record_type = ?) "
	"AND (? = '' OR record_id = ?) AND (? = '' OR action = ?) ORDER BY id DESC LIMIT ?";

static json_t *parse_or_null(struct db_stmt *st, int col)
{
	if (db_col_is_null(st, col))
		return json_null();
	json_t *v = json_loads(db_col_text(st, col), 0, NULL);
	return v ? v : json_string(db_col_text(st, col));
}

json_t *audit_list(struct db *db, const char *actor, const char *record_type, const char *record_id,
		   const char *action, int64_t before_id, int limit)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_LIST);
	if (!st)
		return list;
	const char *f[4] = {actor ? actor : "", record_type ? record_type : "", record_id ? record_id : "",
			    action ? action : ""};
	db_bind_int(st, 1, before_id);
	db_bind_int(st, 2, before_id);
	for (int i = 0; i < 4; i++) {
		db_bind_text(st, 3 + 2 * i, f[i]);
		db_bind_text(st, 4 + 2 * i, f[i]);
	}
	db_bind_int(st, 11, limit);
	while (db_step(st) == DB_ROW) {
		json_array_append_new(list, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:o}", "id", db_col_int(st, 0),
						      "ts", db_col_int(st, 1), "actor", db_col_text(st, 2), "action",
						      db_col_text(st, 3), "record_type", db_col_text(st, 4),
						      "record_id", db_col_text(st, 5), "before", parse_or_null(st, 6),
						      "after", parse_or_null(st, 7)));
	}
	return list;
}

static const char SQL_VIEW[] = "INSERT INTO record_views (at, actor, record_type, record_id) VALUES (?, ?, ?, ?)";

int record_view_log(struct db *db, const char *actor, const char *record_type, int64_t record_id)
{
	bool own = !db_in_transaction(db);
	if (own && db_begin_write(db) != 0)
		return -1;
	struct db_stmt *st = db_prep(db, SQL_VIEW);
	int rc = -1;
	if (st) {
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)record_id);
		db_bind_int(st, 1, (int64_t)time(NULL));
		db_bind_text(st, 2, actor);
		db_bind_text(st, 3, record_type);
		db_bind_text(st, 4, key);
		rc = db_step(st) == DB_OK ? 0 : -1;
	}
	if (own) {
		if (rc == 0)
			rc = db_commit(db);
		else
			db_rollback(db);
	}
	return rc;
}

static const char SQL_VIEWS[] = "SELECT at, actor FROM record_views WHERE record_type = ? AND record_id = ? "
				"ORDER BY id DESC LIMIT ?";

json_t *record_view_list(struct db *db, const char *record_type, int64_t record_id, int limit)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_VIEWS);
	if (!st)
		return list;
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)record_id);
	db_bind_text(st, 1, record_type);
	db_bind_text(st, 2, key);
	db_bind_int(st, 3, limit);
	while (db_step(st) == DB_ROW)
		json_array_append_new(list, json_pack("{s:I,s:s}", "at", db_col_int(st, 0), "actor", db_col_text(st, 1)));
	db_reset(st);
	return list;
}
