/* setup.c: migrations, the shared CSRF key, settings and the holiday seed. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/bizcal.h"
#include "core/holidays.h"
#include "store/app_reference.h"
#include "store/appointments.h"
#include "store/archive.h"
#include "store/audit.h"
#include "store/setup.h"
#include "util/log.h"

static const char SQL_SETTING_GET[] = "SELECT value FROM settings WHERE key = ?";
static const char SQL_SETTING_INSERT_IF_ABSENT[] =
	"INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, 'system') "
	"ON CONFLICT (key) DO NOTHING";
static const char SQL_SETTING_UPSERT[] =
	"INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) "
	"ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
	"updated_by = excluded.updated_by";
static const char SQL_HOLIDAYS_IN_YEAR[] = "SELECT COUNT(*) FROM holidays WHERE ymd >= ? AND ymd <= ?";
static const char SQL_HOLIDAY_INSERT[] =
	"INSERT INTO holidays (ymd, half_day, name) VALUES (?, ?, ?) ON CONFLICT (ymd) DO NOTHING";

int setting_get(struct db *db, const char *key, char *out, size_t outsz)
{
	struct db_stmt *st = db_prep(db, SQL_SETTING_GET);
	if (!st)
		return -1;
	db_bind_text(st, 1, key);
	enum db_rc rc = db_step(st);
	if (rc == DB_ROW) {
		snprintf(out, outsz, "%s", db_col_text(st, 0));
		return 1;
	}
	return rc == DB_OK ? 0 : -1;
}

int setting_set(struct db *db, const char *actor, const char *key, const char *value, bool secret)
{
	char old[8192] = ""; /* settings values are at most a few KiB (the settings page caps them) */
	int had = setting_get(db, key, old, sizeof old);
	if (had < 0)
		return -1;
	struct db_stmt *st = db_prep(db, SQL_SETTING_UPSERT);
	if (!st)
		return -1;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, value);
	db_bind_int(st, 3, (int64_t)time(NULL));
	db_bind_text(st, 4, actor);
	if (db_step(st) != DB_OK)
		return -1;
	/* Secrets are masked, but whether one was set or cleared still shows. */
	json_t *before = had ? json_pack("{s:s}", "value", secret && *old ? "***" : old) : NULL;
	json_t *after = json_pack("{s:s}", "value", secret && *value ? "***" : value);
	int rc = audit_append_key(db, actor, "setting.set", "setting", key, before, after);
	json_decref(before);
	json_decref(after);
	return rc;
}

int setup_csrf_key(struct db *db, unsigned char key[32])
{
	char hex[80];
	if (setting_get(db, "security.csrf_key", hex, sizeof hex) != 1 ||
	    sodium_hex2bin(key, 32, hex, strlen(hex), NULL, NULL, NULL) != 0)
		return error("the CSRF key is missing from the settings; run kalem init");
	return 0;
}

static int ensure_csrf_key(struct db *db)
{
	unsigned char key[32];
	char hex[65];
	randombytes_buf(key, sizeof key);
	sodium_bin2hex(hex, sizeof hex, key, sizeof key);
	struct db_stmt *st = db_prep(db, SQL_SETTING_INSERT_IF_ABSENT);
	if (!st)
		return -1;
	db_bind_text(st, 1, "security.csrf_key");
	db_bind_text(st, 2, hex);
	db_bind_int(st, 3, (int64_t)time(NULL));
	sodium_memzero(key, sizeof key);
	return db_step(st) == DB_OK ? 0 : -1;
}

static int seed_holidays(struct db *db, int year)
{
	struct db_stmt *st = db_prep(db, SQL_HOLIDAYS_IN_YEAR);
	if (!st)
		return -1;
	db_bind_int(st, 1, year * 10000 + 101);
	db_bind_int(st, 2, year * 10000 + 1231);
	if (db_step(st) != DB_ROW)
		return -1;
	if (db_col_int(st, 0) > 0)
		return 0;
	struct holiday hs[40];
	size_t n = holidays_for_year(year, hs, 40);
	for (size_t i = 0; i < n; i++) {
		st = db_prep(db, SQL_HOLIDAY_INSERT);
		if (!st)
			return -1;
		db_bind_int(st, 1, hs[i].ymd);
		db_bind_int(st, 2, hs[i].half_day);
		db_bind_text(st, 3, hs[i].name);
		if (db_step(st) != DB_OK)
			return -1;
	}
	return 0;
}

int setup_database(struct db *db)
{
	if (db_migrate(db) < 0)
		return -1;
	if (appt_search_backfill(db) < 0)
		return -1;
	if (db_begin_write(db) != 0)
		return -1;
	int year = ymd_from_unix((int64_t)time(NULL)) / 10000;
	int rc = ensure_csrf_key(db);
	for (int y = year; rc == 0 && y <= year + 2; y++)
		rc = seed_holidays(db, y);
	if (rc == 0 && file_plan_seed(db) < 0)
		rc = -1;
	if (rc == 0 && app_reference_seed(db) != 0)
		rc = -1;
	if (rc != 0 || db_commit(db) != 0) {
		db_rollback(db);
		return error("cannot prepare the database");
	}
	return 0;
}
