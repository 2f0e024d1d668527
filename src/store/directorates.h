/* directorates.h: the municipality's directorates (müdürlükler), the units applications are routed to. */
#ifndef KALEM_STORE_DIRECTORATES_H
#define KALEM_STORE_DIRECTORATES_H
#include <jansson.h>
#include <stdint.h>
#include "store/db.h"

/* Lists directorates in Turkish order. q: search text (folded, matched anywhere in name or code), may be "".
 * active_only: skip inactive ones. Keyset pagination: after = the "next" cursor of the previous page ("" = first).
 * Returns {"items":[...], "next": cursor or null}. */
json_t *directorate_list(struct db *db, const char *q, bool active_only, const char *after, int limit);
/* One directorate as JSON, or NULL when absent. */
json_t *directorate_get(struct db *db, int64_t id);
/* Inserts or updates from validated values {code,name,email,phone,manager,active}; audited; inside the caller's
 * write transaction. Returns the id, DB_CONSTRAINT on a duplicate code, or -1. */
int64_t directorate_save(struct db *db, const char *actor, int64_t id, const json_t *values);

/* What directorate_get_scoped found. */
enum directorate_access { DIRECTORATE_FOUND, DIRECTORATE_ABSENT, DIRECTORATE_FORBIDDEN, DIRECTORATE_ERROR = -1 };
/* One directorate as directorate_get, as seen by an actor: actor_role is the actor's enum role bit; an actor with
 * ROLE_DIRECTORATE sees only actor_directorate_id (the SQL filters on it). *out (OUT) is set only for
 * DIRECTORATE_FOUND; DIRECTORATE_FORBIDDEN when it exists but is out of the actor's reach. */
enum directorate_access directorate_get_scoped(struct db *db, int64_t id, unsigned actor_role,
					       int64_t actor_directorate_id, json_t **out);
/* The staff of a directorate (users with role directorate bound to it), in Turkish order of their names, as
 * [{id, username, display_name, email, active}], scoped like directorate_get_scoped (empty out of reach).
 * Never NULL. */
json_t *directorate_staff(struct db *db, int64_t id, unsigned actor_role, int64_t actor_directorate_id);

#endif
