/* page.h: rendering a full HTML page (layout, navigation, user, CSRF token, language) from a template. */
#ifndef KALEM_WEB_PAGE_H
#define KALEM_WEB_PAGE_H
#include <jansson.h>
#include "http/req.h"

/* Renders templates/<tmpl>.html with ctx plus the common members (user, csrf, lang, nav, title) into the
 * response with the given status. Steals the reference to ctx. title_key is a catalogue key. */
void page_render(struct req *r, unsigned status, const char *tmpl, const char *title_key, json_t *ctx);
/* Adds a one-time message shown on the next page (a cookie read and cleared by page_render). */
void page_flash(struct req *r, const char *message_key);
/* When ctx has a "next" cursor, sets ctx["next_href"] to base with the request's query (every parameter but
 * "after", URL-encoded) and after=<next>: the link to the following page keeps the search, filters and limit. */
void page_next_href(struct req *r, json_t *ctx, const char *base);
/* Formats a unix time as "2 Aralık 2026 Çar 10:30" (Europe/Istanbul) in the request's language. */
void page_format_time(struct req *r, int64_t t, char *out, size_t outsz);

#endif
