/* listing.c: keyset pagination cursors and search patterns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/listing.h"
#include "util/buf.h"

void list_cursor_decode(const char *s, struct list_cursor *out)
{
	out->sort_key[0] = '\0';
	out->id = 0;
	if (!s || !*s)
		return;
	char *end;
	long long id = strtoll(s, &end, 10);
	if (*end != '.' || id < 0)
		return;
	const char *key = end + 1;
	size_t n = strlen(key);
	if (n >= sizeof out->sort_key || strspn(key, "0123456789abcdef") != n)
		return;
	memcpy(out->sort_key, key, n + 1);
	out->id = id;
}

char *list_like_pattern(const char *folded)
{
	struct buf b = BUF_INIT;
	buf_addc(&b, '%');
	for (const char *p = folded; *p; p++)
		buf_addc(&b, (*p == '%' || *p == '\\') ? '_' : *p);
	buf_addc(&b, '%');
	return buf_detach(&b, NULL);
}

void list_collect(struct db_stmt *st, json_t *items, int limit, json_t *(*row)(struct db_stmt *), int key_col,
		  json_t *out)
{
	int n = 0;
	char last_cursor[600] = "";
	bool more = false;
	while (db_step(st) == DB_ROW) {
		if (n == limit) {
			more = true;
			break;
		}
		json_array_append_new(items, row(st));
		snprintf(last_cursor, sizeof last_cursor, "%lld.%s", (long long)db_col_int(st, 0),
			 db_col_text(st, key_col));
		n++;
	}
	json_object_set_new(out, "next", more ? json_string(last_cursor) : json_null());
}
