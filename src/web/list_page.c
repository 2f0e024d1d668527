/* list_page.c: pieces shared by the staff list pages. */
#include <string.h>
#include "util/buf.h"
#include "web/list_page.h"

void list_csv_href(struct req *r, json_t *ctx, const char *path, const char *skip)
{
	struct buf csv = BUF_INIT;
	buf_adds(&csv, path);
	char sep = '?';
	for (size_t k = 0; k < r->query.n; k++) {
		const char *name = r->query.items[k].name;
		if (strcmp(name, "after") == 0 || strcmp(name, "lang") == 0 || (skip && strcmp(name, skip) == 0))
			continue;
		buf_addc(&csv, sep);
		buf_add_urlenc(&csv, name);
		buf_addc(&csv, '=');
		buf_add_urlenc(&csv, r->query.items[k].value);
		sep = '&';
	}
	json_object_set_new(ctx, "csv_href", json_string(csv.data));
	buf_free(&csv);
}
