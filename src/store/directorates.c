/* directorates.c: SQL for directorates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "store/audit.h"
#include "store/directorates.h"
#include "store/listing.h"
#include "util/turkish.h"

#define COLS "id, code, name, email, phone, manager, active, sort_key"
static const char SQL_LIST[] = "SELECT " COLS " FROM directorates WHERE (? = '' OR name_fold LIKE ? OR code LIKE ?) "
			       "AND (? = 0 OR active = 1) AND (sort_key > ? OR (sort_key = ? AND id > ?)) "
			       "ORDER BY sort_key, id LIMIT ?";
static const char SQL_GET[] = "SELECT " COLS " FROM directorates WHERE id = ?";
static const char SQL_INSERT[] = "INSERT INTO directorates (code, name, name_fold, sort_key, email, phone, manager, "
				 "active, created_at, updated_at, created_by, updated_by) "
				 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_UPDATE[] = "UPDATE directorates SET code = ?, name = ?, name_fold = ?, sort_key = ?, email = ?, "
				 "phone = ?, manager = ?, active = ?, updated_at = ?, updated_by = ? WHERE id = ?";

static json_t *row(struct db_stmt *st)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b}", "id", db_col_int(st, 0), "code", db_col_text(st, 1), "name",
			 db_col_text(st, 2), "email", db_col_text(st, 3), "phone", db_col_text(st, 4), "manager",
			 db_col_text(st, 5), "active", db_col_int(st, 6) != 0);
}

json_t *directorate_list(struct db *db, const char *q, bool active_only, const char *after, int limit)
{
	struct list_cursor cur;
	list_cursor_decode(after, &cur);
	char *fold = tr_fold(q ? q : "");
	char *like = list_like_pattern(fold);
	json_t *items = json_array(), *out = json_object();
	struct db_stmt *st = db_prep(db, SQL_LIST);
	if (st) {
		db_bind_text(st, 1, fold);
		db_bind_text(st, 2, like);
		db_bind_text(st, 3, like);
		db_bind_int(st, 4, active_only);
		db_bind_text(st, 5, cur.sort_key);
		db_bind_text(st, 6, cur.sort_key);
		db_bind_int(st, 7, cur.id);
		db_bind_int(st, 8, limit + 1);
		list_collect(st, items, limit, row, 7, out);
	}
	json_object_set_new(out, "items", items);
	free(fold);
	free(like);
	return out;
}

json_t *directorate_get(struct db *db, int64_t id)
{
	struct db_stmt *st = db_prep(db, SQL_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	json_t *o = db_step(st) == DB_ROW ? row(st) : NULL;
	return o;
}

int64_t directorate_save(struct db *db, const char *actor, int64_t id, const json_t *values)
{
	const char *name = json_string_value(json_object_get(values, "name"));
	char *fold = tr_fold(name), *key = tr_sort_key(name);
	int64_t now = (int64_t)time(NULL);
	json_t *before = id ? directorate_get(db, id) : NULL;
	int64_t result = -1;
	if (id && !before)
		goto out;
	struct db_stmt *st = db_prep(db, id ? SQL_UPDATE : SQL_INSERT);
	if (!st)
		goto out;
	int i = 1;
	db_bind_text(st, i++, json_string_value(json_object_get(values, "code")));
	db_bind_text(st, i++, name);
	db_bind_text(st, i++, fold);
	db_bind_text(st, i++, key);
	db_bind_text(st, i++, json_string_value(json_object_get(values, "email")));
	db_bind_text(st, i++, json_string_value(json_object_get(values, "phone")));
	db_bind_text(st, i++, json_string_value(json_object_get(values, "manager")));
	db_bind_int(st, i++, json_is_true(json_object_get(values, "active")));
	if (!id) {
		db_bind_int(st, i++, now);
		db_bind_int(st, i++, now);
		db_bind_text(st, i++, actor);
		db_bind_text(st, i++, actor);
	} else {
		db_bind_int(st, i++, now);
		db_bind_text(st, i++, actor);
		db_bind_int(st, i++, id);
	}
	enum db_rc rc = db_step(st);
	if (!id) {
		if (rc != DB_ROW) {
			result = rc == DB_CONSTRAINT ? DB_CONSTRAINT : -1;
			goto out;
		}
		id = db_col_int(st, 0);
		while (db_step(st) == DB_ROW)
			;
	} else if (rc != DB_OK) {
		result = rc == DB_CONSTRAINT ? DB_CONSTRAINT : -1;
		goto out;
	}
	json_t *after = directorate_get(db, id);
	int arc = audit_append(db, actor, before ? "directorate.update" : "directorate.create", "directorate", id,
			       before, after);
	json_decref(after);
	result = arc == 0 ? id : -1;
out:
	json_decref(before);
	free(fold);
	free(key);
	return result;
}
