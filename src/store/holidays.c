/* holidays.c: SQL for official holidays, and the business calendar built from them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/audit.h"
#include "store/holidays.h"
#include "store/refdata.h"
#include "util/xalloc.h"

static const char SQL_LIST_YEAR[] = "SELECT id, ymd, half_day, name FROM holidays WHERE ymd >= ? AND ymd <= ? "
				    "ORDER BY ymd, id";
static const char SQL_GET[] = "SELECT id, ymd, half_day, name FROM holidays WHERE id = ?";
static const char SQL_INSERT[] = "INSERT INTO holidays (ymd, half_day, name) VALUES (?, ?, ?) RETURNING id";
static const char SQL_UPDATE[] = "UPDATE holidays SET ymd = ?, half_day = ?, name = ? WHERE id = ?";
static const char SQL_DELETE[] = "DELETE FROM holidays WHERE id = ?";
static const char SQL_ALL[] = "SELECT ymd, half_day, name FROM holidays ORDER BY ymd, id";

static json_t *row(struct db_stmt *st)
{
	int ymd = (int)db_col_int(st, 1);
	char date[16];
	snprintf(date, sizeof date, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
	return json_pack("{s:I,s:i,s:s,s:b,s:s}", "id", db_col_int(st, 0), "ymd", ymd, "date", date, "half_day",
			 db_col_int(st, 2) != 0, "name", db_col_text(st, 3));
}

json_t *holiday_list(struct db *db, int year)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_LIST_YEAR);
	if (!st)
		return list;
	db_bind_int(st, 1, (int64_t)year * 10000 + 101);
	db_bind_int(st, 2, (int64_t)year * 10000 + 1231);
	while (db_step(st) == DB_ROW)
		json_array_append_new(list, row(st));
	return list;
}

json_t *holiday_get(struct db *db, int64_t id)
{
	struct db_stmt *st = db_prep(db, SQL_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	return db_step(st) == DB_ROW ? row(st) : NULL;
}

int64_t holiday_save(struct db *db, const char *actor, int64_t id, const json_t *values)
{
	const char *name = json_string_value(json_object_get(values, "name"));
	json_t *before = id ? holiday_get(db, id) : NULL;
	int64_t result = -1;
	if (id && !before)
		goto out;
	struct db_stmt *st = db_prep(db, id ? SQL_UPDATE : SQL_INSERT);
	if (!st)
		goto out;
	db_bind_int(st, 1, json_integer_value(json_object_get(values, "ymd")));
	db_bind_int(st, 2, json_is_true(json_object_get(values, "half_day")));
	db_bind_text(st, 3, name ? name : "");
	if (id)
		db_bind_int(st, 4, id);
	result = refdata_finish_save(db, st, actor, "holiday", id, before, holiday_get);
out:
	json_decref(before);
	return result;
}

int holiday_delete(struct db *db, const char *actor, int64_t id)
{
	json_t *before = holiday_get(db, id);
	int rc = -1;
	if (!before)
		goto out;
	struct db_stmt *st = db_prep(db, SQL_DELETE);
	if (!st)
		goto out;
	db_bind_int(st, 1, id);
	if (db_step(st) != DB_OK || db_changes(st) != 1)
		goto out;
	rc = audit_append(db, actor, "holiday.delete", "holiday", id, before, NULL);
out:
	json_decref(before);
	return rc;
}

/* Copies a UTF-8 name into a fixed field, cutting only between characters. */
static void copy_name(char *dst, size_t dstsz, const char *src)
{
	size_t n = strlen(src);
	if (n >= dstsz) {
		n = dstsz - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int bizcal_load(struct db *db, struct bizcal *cal, struct holiday **owned)
{
	struct holiday *hs = NULL;
	size_t n = 0, cap = 0;
	*owned = NULL;
	bizcal_init(cal, NULL, 0);
	struct db_stmt *st = db_prep(db, SQL_ALL);
	if (!st)
		return -1;
	enum db_rc rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			hs = xrealloc(hs, cap * sizeof *hs);
		}
		hs[n].ymd = (int)db_col_int(st, 0);
		hs[n].half_day = db_col_int(st, 1) != 0;
		copy_name(hs[n].name, sizeof hs[n].name, db_col_text(st, 2));
		n++;
	}
	if (rc != DB_OK) {
		free(hs);
		return -1;
	}
	*owned = hs;
	bizcal_init(cal, hs, n);
	return 0;
}
