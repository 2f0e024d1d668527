/* listing.h: shared pieces of every list query: keyset cursors over (sort_key, id) and LIKE patterns. */
#ifndef KALEM_STORE_LISTING_H
#define KALEM_STORE_LISTING_H
#include <jansson.h>
#include <stdint.h>
#include "store/db.h"

struct list_cursor {
	char sort_key[512]; /* "" before the first row */
	int64_t id;
};

/* Decodes "<id>.<hex sort key>" (NULL or malformed -> the start). */
void list_cursor_decode(const char *s, struct list_cursor *out);
/* Makes a LIKE pattern "%folded%" with %, _ and \ escaped (queries use ESCAPE-free LIKE, so they are
 * replaced by the single-character wildcard _, which still matches them). xmalloc'd. */
char *list_like_pattern(const char *folded);
/* Steps st (which was bound with LIMIT limit+1), appending row(st) for up to limit rows to items; if one more row
 * exists, sets out["next"] to the cursor of the last row shown (id column 0, sort key column key_col), else null. */
void list_collect(struct db_stmt *st, json_t *items, int limit, json_t *(*row)(struct db_stmt *), int key_col,
		  json_t *out);

#endif
