/* list_page.h: pieces shared by the staff list pages (applications, appointments). */
#ifndef KALEM_WEB_LIST_PAGE_H
#define KALEM_WEB_LIST_PAGE_H
#include <jansson.h>
#include "http/req.h"

/* Sets ctx's "csv_href" to path followed by the page's query with its filters (every parameter but "after", "lang"
 * and skip, which may be NULL), URL-encoded: the CSV link carries the filters of the page, not its position. */
void list_csv_href(struct req *r, json_t *ctx, const char *path, const char *skip);

#endif
