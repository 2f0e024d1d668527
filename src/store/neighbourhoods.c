/* neighbourhoods.c: SQL for neighbourhoods and their muhtars. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "store/listing.h"
#include "store/neighbourhoods.h"
#include "store/refdata.h"
#include "util/json_str.h"
#include "util/turkish.h"

#define COLS "id, name, muhtar_name, muhtar_phone, muhtar_email, population, lat_e6, lon_e6, active, sort_key"
static const char SQL_LIST[] = "SELECT " COLS " FROM neighbourhoods WHERE (? = '' OR name_fold LIKE ?) "
			       "AND (? = 0 OR active = 1) AND (sort_key > ? OR (sort_key = ? AND id > ?)) "
			       "ORDER BY sort_key, id LIMIT ?";
static const char SQL_GET[] = "SELECT " COLS " FROM neighbourhoods WHERE id = ?";
/* Names are unique as typed (the UNIQUE column) and also once folded: "YAKA" and "Yaka" are one place. */
static const char SQL_SAME_FOLD[] = "SELECT COUNT(*) FROM neighbourhoods WHERE name_fold = ? AND id <> ?";
static const char SQL_OPTIONS[] = "SELECT id, name FROM neighbourhoods WHERE active = 1 ORDER BY sort_key, id";
static const char SQL_INSERT[] =
	"INSERT INTO neighbourhoods (name, name_fold, sort_key, muhtar_name, muhtar_phone, muhtar_email, population, "
	"lat_e6, lon_e6, active, created_at, updated_at, created_by, updated_by) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_UPDATE[] =
	"UPDATE neighbourhoods SET name = ?, name_fold = ?, sort_key = ?, muhtar_name = ?, muhtar_phone = ?, "
	"muhtar_email = ?, population = ?, lat_e6 = ?, lon_e6 = ?, active = ?, updated_at = ?, updated_by = ? "
	"WHERE id = ?";

static json_t *int_or_null(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? json_null() : json_integer(db_col_int(st, col));
}

static json_t *row(struct db_stmt *st)
{
	int64_t population = db_col_int(st, 5);
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:b}", "id", db_col_int(st, 0), "name", db_col_text(st, 1),
			 "muhtar_name", db_col_text(st, 2), "muhtar_phone", db_col_text(st, 3), "muhtar_email",
			 db_col_text(st, 4), "population", population > 0 ? json_integer(population) : json_null(),
			 "lat_e6", int_or_null(st, 6), "lon_e6", int_or_null(st, 7), "active", db_col_int(st, 8) != 0);
}

json_t *neighbourhood_list(struct db *db, const char *q, bool active_only, const char *after, int limit)
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
		db_bind_int(st, 3, active_only);
		db_bind_text(st, 4, cur.sort_key);
		db_bind_text(st, 5, cur.sort_key);
		db_bind_int(st, 6, cur.id);
		db_bind_int(st, 7, limit + 1);
		list_collect(st, items, limit, row, 9, out);
	}
	json_object_set_new(out, "items", items);
	free(fold);
	free(like);
	return out;
}

json_t *neighbourhood_get(struct db *db, int64_t id)
{
	struct db_stmt *st = db_prep(db, SQL_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	return db_step(st) == DB_ROW ? row(st) : NULL;
}

json_t *neighbourhood_options(struct db *db)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_OPTIONS);
	if (!st)
		return list;
	while (db_step(st) == DB_ROW)
		json_array_append_new(list, json_pack("{s:I,s:s}", "id", db_col_int(st, 0), "name", db_col_text(st, 1)));
	return list;
}

/* Binds an integer member, or NULL when it is null or absent. */
static void bind_int_or_null(struct db_stmt *st, int i, const json_t *values, const char *name)
{
	json_t *v = json_object_get(values, name);
	if (json_is_integer(v))
		db_bind_int(st, i, json_integer_value(v));
	else
		db_bind_null(st, i);
}

int64_t neighbourhood_save(struct db *db, const char *actor, int64_t id, const json_t *values)
{
	const char *name = json_str(values, "name");
	char *fold = tr_fold(name), *key = tr_sort_key(name);
	int64_t now = (int64_t)time(NULL);
	json_t *before = id ? neighbourhood_get(db, id) : NULL;
	json_t *population = json_object_get(values, "population");
	int64_t result = -1;
	if (id && !before)
		goto out;
	struct db_stmt *st = db_prep(db, SQL_SAME_FOLD);
	if (!st)
		goto out;
	db_bind_text(st, 1, fold);
	db_bind_int(st, 2, id);
	if (db_step(st) != DB_ROW)
		goto out;
	int64_t same = db_col_int(st, 0);
	db_reset(st);
	if (same > 0) {
		result = DB_CONSTRAINT;
		goto out;
	}
	st = db_prep(db, id ? SQL_UPDATE : SQL_INSERT);
	if (!st)
		goto out;
	int i = 1;
	db_bind_text(st, i++, name);
	db_bind_text(st, i++, fold);
	db_bind_text(st, i++, key);
	db_bind_text(st, i++, json_str(values, "muhtar_name"));
	db_bind_text(st, i++, json_str(values, "muhtar_phone"));
	db_bind_text(st, i++, json_str(values, "muhtar_email"));
	/* The column is NOT NULL: an unknown population is stored as 0. */
	db_bind_int(st, i++, json_is_integer(population) ? json_integer_value(population) : 0);
	bind_int_or_null(st, i++, values, "lat_e6");
	bind_int_or_null(st, i++, values, "lon_e6");
	db_bind_int(st, i++, json_is_true(json_object_get(values, "active")));
	refdata_bind_stamps(st, i, id, now, actor);
	result = refdata_finish_save(db, st, actor, "neighbourhood", id, before, neighbourhood_get);
out:
	json_decref(before);
	free(fold);
	free(key);
	return result;
}
