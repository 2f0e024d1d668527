/* public_forms.c: per-address throttling of the public forms over the public_form_submissions table. */
#include "store/public_forms.h"

static const char SQL_COUNT[] = "SELECT COUNT(*) FROM public_form_submissions WHERE form = ? AND address = ? "
				"AND at >= ?";
static const char SQL_ADD[] = "INSERT INTO public_form_submissions (form, address, at) VALUES (?, ?, ?)";

int public_form_count(struct db *db, const char *form, const char *address, int64_t since)
{
	struct db_stmt *st = db_prep(db, SQL_COUNT);
	if (!st)
		return -1;
	db_bind_text(st, 1, form);
	db_bind_text(st, 2, address);
	db_bind_int(st, 3, since);
	int n = db_step(st) == DB_ROW ? (int)db_col_int(st, 0) : -1;
	db_reset(st); /* end the read now: a statement left open holds its snapshot into the next write */
	return n;
}

int public_form_record(struct db *db, const char *form, const char *address, int64_t now)
{
	struct db_stmt *st = db_prep(db, SQL_ADD);
	if (!st)
		return -1;
	db_bind_text(st, 1, form);
	db_bind_text(st, 2, address);
	db_bind_int(st, 3, now);
	return db_step(st) == DB_OK ? 0 : -1;
}
