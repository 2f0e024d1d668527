/* archive.c: the file plan (seeded from data/file_plan.csv) and archived documents with gap-free numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/bizcal.h"
#include "core/docnum.h"
#include "store/archive.h"
#include "store/audit.h"
#include "store/settings.h"
#include "store/setup.h"
#include "util/csv.h"
#include "util/embedded.h"
#include "util/log.h"
#include "util/xalloc.h"

#define FILE_PLAN_PATH "data/file_plan.csv"

static const char SQL_PLAN_LIST[] = "SELECT code, title, retention_years, disposal FROM file_plan ORDER BY code";
static const char SQL_PLAN_GET[] = "SELECT code, title, retention_years, disposal FROM file_plan WHERE code = ?";
static const char SQL_PLAN_COUNT[] = "SELECT COUNT(*) FROM file_plan";
static const char SQL_PLAN_INSERT[] = "INSERT INTO file_plan (code, title, retention_years, disposal) "
				      "VALUES (?, ?, ?, ?) ON CONFLICT (code) DO NOTHING";

static const char SQL_SEQ_GET[] = "SELECT value FROM doc_sequences WHERE name = ?";
static const char SQL_SEQ_CREATE[] =
	"INSERT INTO doc_sequences (name, value) VALUES (?, 0) ON CONFLICT (name) DO NOTHING";
static const char SQL_SEQ_NEXT[] = "UPDATE doc_sequences SET value = value + 1 WHERE name = ? RETURNING value";

static const char SQL_FILE_EXISTS[] = "SELECT COUNT(*) FROM files WHERE id = ?";
static const char SQL_DOC_INSERT[] =
	"INSERT INTO documents (number, year, sequence, file_plan_code, title, record_type, record_id, file_id, archived_at, "
	"archived_by, retention_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
#define DOC_COLS                                                                                                  \
	"d.id, d.number, d.sequence, d.file_plan_code, p.title, d.title, d.record_type, d.record_id, d.file_id, " \
	"d.archived_at, d.archived_by, d.retention_until"
static const char SQL_DOC_GET[] =
	"SELECT " DOC_COLS " FROM documents d JOIN file_plan p ON p.code = d.file_plan_code WHERE d.id = ?";
static const char SQL_DOC_FOR_RECORD[] = "SELECT " DOC_COLS " FROM documents d JOIN file_plan p "
					 "ON p.code = d.file_plan_code WHERE d.record_type = ? AND d.record_id = ? "
					 "ORDER BY d.id";

/* ---- the plan ---- */

static json_t *plan_row(struct db_stmt *st)
{
	return json_pack("{s:s,s:s,s:I,s:s}", "code", db_col_text(st, 0), "title", db_col_text(st, 1),
			 "retention_years", (json_int_t)db_col_int(st, 2), "disposal", db_col_text(st, 3));
}

json_t *file_plan_list(struct db *db)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_PLAN_LIST);
	if (!st)
		return list;
	while (db_step(st) == DB_ROW)
		json_array_append_new(list, plan_row(st));
	return list;
}

json_t *file_plan_get(struct db *db, const char *code)
{
	struct db_stmt *st = db_prep(db, SQL_PLAN_GET);
	if (!st)
		return NULL;
	db_bind_text(st, 1, code ? code : "");
	json_t *o = db_step(st) == DB_ROW ? plan_row(st) : NULL;
	db_reset(st);
	return o;
}

struct seed_ctx {
	struct db *db;
	int inserted;
	bool header_seen;
};

static int seed_row(void *arg, size_t line, char **fields, size_t n)
{
	struct seed_ctx *ctx = arg;
	if (!ctx->header_seen) {
		ctx->header_seen = true;
		if (n < 4 || strcmp(fields[0], "code") != 0)
			return error(FILE_PLAN_PATH ":%zu: the header is not code,title,retention_years,disposal", line),
			       1;
		return 0;
	}
	char *end = NULL;
	long years = n >= 4 ? strtol(fields[2], &end, 10) : -1;
	if (n < 4 || !sdp_code_valid(fields[0]) || !*fields[1] || !end || *end || end == fields[2] || years < 0 ||
	    years > 1000 || !*fields[3])
		return error(FILE_PLAN_PATH ":%zu: a malformed entry", line), 1;
	struct db_stmt *st = db_prep(ctx->db, SQL_PLAN_INSERT);
	if (!st)
		return 1;
	db_bind_text(st, 1, fields[0]);
	db_bind_text(st, 2, fields[1]);
	db_bind_int(st, 3, years);
	db_bind_text(st, 4, fields[3]);
	if (db_step(st) != DB_OK)
		return 1;
	ctx->inserted++;
	return 0;
}

int file_plan_seed(struct db *db)
{
	struct db_stmt *st = db_prep(db, SQL_PLAN_COUNT);
	if (!st || db_step(st) != DB_ROW)
		return -1;
	int64_t n = db_col_int(st, 0);
	db_reset(st);
	if (n > 0)
		return 0;
	const struct embedded_file *f = embedded_find(FILE_PLAN_PATH);
	if (!f)
		return error("the file plan '%s' is not in the binary", FILE_PLAN_PATH);
	struct seed_ctx ctx = {.db = db};
	if (csv_parse((const char *)f->data, f->len, seed_row, &ctx) != 0)
		return error("cannot load the file plan '%s'", FILE_PLAN_PATH);
	return ctx.inserted;
}

/* ---- documents ---- */

static json_t *doc_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:I}", "id", (json_int_t)db_col_int(st, 0),
			 "number", db_col_text(st, 1), "sequence", (json_int_t)db_col_int(st, 2), "file_plan_code",
			 db_col_text(st, 3), "file_plan_title", db_col_text(st, 4), "title", db_col_text(st, 5),
			 "record_type", db_col_text(st, 6), "record_id", (json_int_t)db_col_int(st, 7), "file_id",
			 (json_int_t)db_col_int(st, 8), "archived_at", (json_int_t)db_col_int(st, 9), "archived_by",
			 db_col_text(st, 10), "retention_until", (json_int_t)db_col_int(st, 11));
}

json_t *archive_get(struct db *db, int64_t id)
{
	struct db_stmt *st = db_prep(db, SQL_DOC_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	json_t *o = db_step(st) == DB_ROW ? doc_row(st) : NULL;
	db_reset(st);
	return o;
}

json_t *archive_for_record(struct db *db, const char *record_type, int64_t record_id)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_DOC_FOR_RECORD);
	if (!st)
		return list;
	db_bind_text(st, 1, record_type ? record_type : "");
	db_bind_int(st, 2, record_id);
	while (db_step(st) == DB_ROW)
		json_array_append_new(list, doc_row(st));
	return list;
}

/* The end of a retention of years calendar years from t, on the office's clock (Europe/Istanbul, UTC+3 all year):
 * the same day and time of the year, 29 February becoming 28 February in a common year. */
static int64_t add_years(int64_t t, int years)
{
	time_t local = (time_t)(t + BIZCAL_UTC_OFFSET_SEC);
	struct tm tm;
	gmtime_r(&local, &tm);
	tm.tm_year += years;
	int y = tm.tm_year + 1900;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (tm.tm_mon == 1 && tm.tm_mday == 29 && !leap)
		tm.tm_mday = 28;
	return (int64_t)timegm(&tm) - BIZCAL_UTC_OFFSET_SEC;
}

static bool detsis_valid(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (s[n] < '0' || s[n] > '9')
			return false;
	return n == 8;
}

/* The next number of the sequence name, inside the caller's write transaction. The row's update is the lock: on
 * SQLite writers are serialised anyway, on PostgreSQL a second writer waits on the row until the first commits or
 * rolls back, and a rollback takes the increment back with it, so numbers are never skipped nor repeated. */
static int64_t sequence_next(struct db *db, const char *name)
{
	struct db_stmt *st = db_prep(db, SQL_SEQ_GET);
	if (!st)
		return -1;
	db_bind_text(st, 1, name);
	enum db_rc rc = db_step(st);
	db_reset(st);
	if (rc == DB_OK) {
		/* Absent: create it without risking a unique violation (which would end a PostgreSQL transaction)
		 * when another writer creates it at the same moment. */
		st = db_prep(db, SQL_SEQ_CREATE);
		if (!st)
			return -1;
		db_bind_text(st, 1, name);
		if (db_step(st) != DB_OK)
			return -1;
	} else if (rc != DB_ROW) {
		return -1;
	}
	st = db_prep(db, SQL_SEQ_NEXT);
	if (!st)
		return -1;
	db_bind_text(st, 1, name);
	if (db_step(st) != DB_ROW)
		return -1;
	int64_t value = db_col_int(st, 0);
	while (db_step(st) == DB_ROW)
		;
	return value;
}

int64_t archive_document(struct db *db, const char *actor, const char *record_type, int64_t record_id,
			 const char *file_plan_code, const char *title, int64_t file_id, char number[96])
{
	number[0] = '\0';
	if (!db_in_transaction(db))
		return error("archive: a document outside a write transaction");
	if (!title || !*title || !record_type || !*record_type)
		return error("archive: a document without a title or a record");
	json_t *plan = file_plan_get(db, file_plan_code);
	if (!plan)
		return ARCHIVE_NO_CODE;
	int64_t result = ARCHIVE_ERROR;
	char detsis[64] = "";
	int had = setting_get(db, SETTING_DETSIS_UNIT, detsis, sizeof detsis);
	if (had < 0)
		goto out;
	if (had == 0 || !detsis_valid(detsis)) {
		result = ARCHIVE_NO_DETSIS;
		goto out;
	}
	if (file_id) {
		struct db_stmt *st = db_prep(db, SQL_FILE_EXISTS);
		if (!st)
			goto out;
		db_bind_int(st, 1, file_id);
		if (db_step(st) != DB_ROW)
			goto out;
		int64_t n = db_col_int(st, 0);
		db_reset(st);
		if (n == 0) {
			error("archive: no file %lld to archive", (long long)file_id);
			goto out;
		}
	}
	int64_t now = (int64_t)time(NULL);
	/* One sequence per year: the office starts numbering again at 1 every 1 January (Istanbul time). */
	int year = ymd_from_unix(now) / 10000;
	char seq_name[32];
	snprintf(seq_name, sizeof seq_name, "docno.%d", year);
	int64_t seq = sequence_next(db, seq_name);
	if (seq < 1)
		goto out;
	if (docnum_format(number, 96, detsis, file_plan_code, seq) != 0) {
		error("archive: cannot format the number of '%s' %lld", file_plan_code, (long long)seq);
		number[0] = '\0';
		goto out;
	}
	int years = (int)json_integer_value(json_object_get(plan, "retention_years"));
	struct db_stmt *st = db_prep(db, SQL_DOC_INSERT);
	if (!st)
		goto out;
	int i = 1;
	db_bind_text(st, i++, number);
	db_bind_int(st, i++, year);
	db_bind_int(st, i++, seq);
	db_bind_text(st, i++, file_plan_code);
	db_bind_text(st, i++, title);
	db_bind_text(st, i++, record_type);
	db_bind_int(st, i++, record_id);
	db_bind_id_or_null(st, i++, file_id);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	db_bind_int(st, i++, add_years(now, years));
	if (db_step(st) != DB_ROW)
		goto out;
	int64_t id = db_col_int(st, 0);
	while (db_step(st) == DB_ROW)
		;
	json_t *after = archive_get(db, id);
	int arc = after ? audit_append(db, actor, "document.archive", "document", id, NULL, after) : -1;
	json_decref(after);
	if (arc == 0)
		result = id;
out:
	if (result < 0)
		number[0] = '\0';
	json_decref(plan);
	return result;
}
