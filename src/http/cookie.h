/* cookie.h: reading one cookie from a Cookie request header (RFC 6265 section 5.4 syntax). */
#ifndef KALEM_HTTP_COOKIE_H
#define KALEM_HTTP_COOKIE_H
#include <stddef.h>

/* Finds the first cookie called name (exact, case-sensitive) in a header such as
 * `a=b; c="d"` (whitespace around pairs, names and values tolerated; one pair of surrounding
 * double quotes removed from the value) and copies its value, NUL-terminated, into out.
 * Pairs without '=' are skipped. Returns 0 if found and it fits in outsz bytes (with the NUL),
 * -1 otherwise: absent, too long, a value holding control characters, or a NULL/empty argument.
 * On -1 out is "" (if outsz > 0). */
int cookie_get(const char *header, const char *name, char *out /* OUT */, size_t outsz);

#endif
