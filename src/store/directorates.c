/* directorates.c: SQL for directorates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "http/req.h"
#include "core/phone.h"
#include "store/directorates.h"
#include "store/listing.h"
#include "store/refdata.h"
#include "util/turkish.h"
#include "util/xalloc.h"

#define COLS "id, code, name, email, phone, manager, active, sort_key"
static const char SQL_LIST[] = "SELECT " COLS " FROM directorates WHERE (? = '' OR name_fold LIKE ? OR name_fold LIKE ?) "
			       "AND (? = 0 OR active = 1) AND (sort_key > ? OR (sort_key = ? AND id > ?)) "
			       "ORDER BY sort_key, id LIMIT ?";
static const char SQL_GET[] = "SELECT " COLS " FROM directorates WHERE id = ?";
static const char SQL_INSERT[] = "INSERT INTO directorates (code, name, name_fold, sort_key, email, phone, manager, "
				 "active, created_at, updated_at, created_by, updated_by) "
				 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_UPDATE[] = "UPDATE directorates SET code = ?, name = ?, name_fold = ?, sort_key = ?, email = ?, "
				 "phone = ?, manager = ?, active = ?, updated_at = ?, updated_by = ? WHERE id = ?";

/* Scoped reads: the second and third parameters are (restricted to one directorate?, that directorate's id). */
static const char SQL_GET_SCOPED[] = "SELECT " COLS " FROM directorates WHERE id = ? AND (? = 0 OR id = ?)";
static const char SQL_EXISTS[] = "SELECT COUNT(*) FROM directorates WHERE id = ?";
static const char SQL_STAFF[] = "SELECT id, username, display_name, email, active FROM users "
				"WHERE role = 'directorate' AND directorate_id = ? AND (? = 0 OR directorate_id = ?)";

static json_t *row(struct db_stmt *st)
{
	char shown[24];
	phone_format(db_col_text(st, 4), shown);
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "id", db_col_int(st, 0), "code", db_col_text(st, 1),
			 "name", db_col_text(st, 2), "email", db_col_text(st, 3), "phone", db_col_text(st, 4),
			 "phone_display", shown, "manager", db_col_text(st, 5), "active", db_col_int(st, 6) != 0);
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
	const char *code = json_string_value(json_object_get(values, "code"));
	/* The search column holds the code and the name, folded: "fen", "FEN-1" and "işleri" all find it. */
	char *code_and_name = xasprintf("%s %s", code ? code : "", name ? name : "");
	char *fold = tr_fold(code_and_name), *key = tr_sort_key(name);
	free(code_and_name);
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
	refdata_bind_stamps(st, i, id, now, actor);
	result = refdata_finish_save(db, st, actor, "directorate", id, before, directorate_get);
out:
	json_decref(before);
	free(fold);
	free(key);
	return result;
}

enum directorate_access directorate_get_scoped(struct db *db, int64_t id, unsigned actor_role,
					       int64_t actor_directorate_id, json_t **out)
{
	bool restricted = actor_role == ROLE_DIRECTORATE;
	*out = NULL;
	struct db_stmt *st = db_prep(db, SQL_GET_SCOPED);
	if (!st)
		return DIRECTORATE_ERROR;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, restricted);
	db_bind_int(st, 3, actor_directorate_id);
	enum db_rc rc = db_step(st);
	if (rc == DB_ROW) {
		*out = row(st);
		db_reset(st);
		return DIRECTORATE_FOUND;
	}
	if (rc != DB_OK)
		return DIRECTORATE_ERROR;
	/* Not visible: tell "not yours" from "no such directorate". */
	st = db_prep(db, SQL_EXISTS);
	if (!st)
		return DIRECTORATE_ERROR;
	db_bind_int(st, 1, id);
	if (db_step(st) != DB_ROW)
		return DIRECTORATE_ERROR;
	int64_t n = db_col_int(st, 0);
	db_reset(st);
	return n > 0 ? DIRECTORATE_FORBIDDEN : DIRECTORATE_ABSENT;
}

static int by_display_name(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	return tr_compare(json_string_value(json_object_get(x, "display_name")),
			  json_string_value(json_object_get(y, "display_name")));
}

json_t *directorate_staff(struct db *db, int64_t id, unsigned actor_role, int64_t actor_directorate_id)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_STAFF);
	if (!st)
		return list;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, actor_role == ROLE_DIRECTORATE);
	db_bind_int(st, 3, actor_directorate_id);
	size_t n = 0, cap = 0;
	json_t **rows = NULL;
	while (db_step(st) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			rows = xrealloc(rows, cap * sizeof *rows);
		}
		rows[n++] = json_pack("{s:I,s:s,s:s,s:s,s:b}", "id", db_col_int(st, 0), "username", db_col_text(st, 1),
				      "display_name", db_col_text(st, 2), "email", db_col_text(st, 3), "active",
				      db_col_int(st, 4) != 0);
	}
	/* users has no sort key column: a directorate's staff is small enough to order here. */
	if (n)
		qsort(rows, n, sizeof *rows, by_display_name);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, rows[i]);
	free(rows);
	return list;
}
