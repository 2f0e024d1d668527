/* refdata.h: the write tail the reference-data stores share: stamps bound, the row written, read back, audited. */
#ifndef KALEM_STORE_REFDATA_H
#define KALEM_STORE_REFDATA_H
#include <jansson.h>
#include <stdint.h>
#include "store/db.h"

/* Binds the stamp parameters that end a reference table's INSERT (id 0) or UPDATE, from parameter i on: for an
 * insert created_at, updated_at (both now), created_by, updated_by (both actor); for an update updated_at,
 * updated_by and the id of its closing "WHERE id = ?". Returns the index of the next parameter. */
int refdata_bind_stamps(struct db_stmt *st, int i, int64_t id, int64_t now, const char *actor);

/* Runs st, a fully bound "INSERT ... RETURNING id" (id 0) or UPDATE of row id, then reads the row back with get
 * and appends the audit event "<entity>.create" / "<entity>.update" with before and after, inside the caller's
 * write transaction. Returns the row's id, DB_CONSTRAINT when a constraint failed, or -1. */
int64_t refdata_finish_save(struct db *db, struct db_stmt *st, const char *actor, const char *entity, int64_t id,
			    const json_t *before, json_t *(*get)(struct db *db, int64_t id));

#endif
