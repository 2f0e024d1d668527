/* audit.h: the append-only, hash-chained audit log (every change), and the record-view log (KVKK). */
#ifndef KALEM_STORE_AUDIT_H
#define KALEM_STORE_AUDIT_H
#include <jansson.h>
#include <stdint.h>
#include "store/db.h"

/* Appends an event inside the caller's open write transaction. before/after may be NULL (creation, deletion);
 * they are serialised as compact JSON with sorted keys. Returns 0 or -1. */
int audit_append(struct db *db, const char *actor, const char *action, const char *record_type, int64_t record_id,
		 const json_t *before, const json_t *after);
/* Same, for records whose id is text (settings keys, usernames). */
int audit_append_key(struct db *db, const char *actor, const char *action, const char *record_type,
		     const char *record_key, const json_t *before, const json_t *after);

/* Walks the whole chain; returns 0 if intact, else -1 with *bad_id (OUT) set to the first broken event id. */
int audit_verify(struct db *db, int64_t *bad_id, int64_t *count);

/* Lists events newest first, filtered (NULL/empty filters ignored), keyset-paginated by id (before_id 0 = newest).
 * Returns a JSON array of objects {id, ts, actor, action, record_type, record_id, before, after}. */
json_t *audit_list(struct db *db, const char *actor, const char *record_type, const char *record_id,
		   const char *action, int64_t before_id, int limit);

/* Records that actor opened the full record (KVKK access log). Own transaction if none is open. */
int record_view_log(struct db *db, const char *actor, const char *record_type, int64_t record_id);

/* Who opened a record in full, newest first: [{at, actor}]. */
json_t *record_view_list(struct db *db, const char *record_type, int64_t record_id, int limit);

#endif
