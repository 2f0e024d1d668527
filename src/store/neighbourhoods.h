/* neighbourhoods.h: the district's neighbourhoods (mahalleler) with their muhtar's contact data. */
#ifndef KALEM_STORE_NEIGHBOURHOODS_H
#define KALEM_STORE_NEIGHBOURHOODS_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "store/db.h"

/* Lists neighbourhoods in Turkish order. q: search text (folded, matched anywhere in the name), may be "".
 * active_only: skip inactive ones. Keyset pagination: after = the "next" cursor of the previous page ("" = first).
 * Returns {"items":[...], "next": cursor or null}; items as neighbourhood_get. */
json_t *neighbourhood_list(struct db *db, const char *q, bool active_only, const char *after, int limit);
/* One neighbourhood as JSON {id, name, muhtar_name, muhtar_phone, muhtar_email, population, lat_e6, lon_e6,
 * active}, or NULL when absent. population, lat_e6 and lon_e6 are integers or null (a population of 0 is
 * stored for "unknown" and read back as null). */
json_t *neighbourhood_get(struct db *db, int64_t id);
/* Inserts (id 0) or updates from validated values {name, muhtar_name, muhtar_phone (E.164 or ""), muhtar_email,
 * population (integer or null), lat_e6, lon_e6 (integers, millionths of a degree, or null), active (bool)};
 * audited; inside the caller's write transaction. Returns the id, DB_CONSTRAINT on a duplicate name (compared
 * folded too: "YAKA" and "Yaka" are one name), or -1 (also when id names no neighbourhood). */
int64_t neighbourhood_save(struct db *db, const char *actor, int64_t id, const json_t *values);
/* The active neighbourhoods as [{id, name}] in Turkish order, for select boxes. Never NULL. */
json_t *neighbourhood_options(struct db *db);

#endif
