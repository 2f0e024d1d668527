/* holidays.h: the editable table of official holidays (resmî tatiller) and loading it into the business calendar. */
#ifndef KALEM_STORE_HOLIDAYS_H
#define KALEM_STORE_HOLIDAYS_H
#include <jansson.h>
#include <stdint.h>
#include "core/bizcal.h"
#include "store/db.h"

/* The holidays of year (1 January to 31 December) by date, as a JSON array of {id, ymd, date ("YYYY-MM-DD"),
 * half_day, name}. Never NULL (empty on error). */
json_t *holiday_list(struct db *db, int year);
/* One holiday as above, or NULL when absent. */
json_t *holiday_get(struct db *db, int64_t id);
/* Inserts (id 0) or updates from validated values {ymd (integer yyyymmdd), half_day (bool), name}; audited;
 * inside the caller's write transaction. Returns the id, DB_CONSTRAINT when another holiday has that date, or -1
 * (also when id names no holiday). */
int64_t holiday_save(struct db *db, const char *actor, int64_t id, const json_t *values);
/* Deletes a holiday; audited; inside the caller's write transaction. Returns 0, or -1 (also when absent). */
int holiday_delete(struct db *db, const char *actor, int64_t id);

/* Reads every holiday, sorted by date, into a fresh array (*owned, OUT: free() it; NULL when there are none) and
 * sets up cal over it with bizcal_init (default working hours). cal borrows *owned: free it only after the last
 * use of cal. Returns 0, or -1 (then *owned is NULL and cal has no holidays). */
int bizcal_load(struct db *db, struct bizcal *cal, struct holiday **owned /* OUT: free() it */);

#endif
