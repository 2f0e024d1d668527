/* urlencoded.h: application/x-www-form-urlencoded bodies and URL query strings. */
#ifndef KALEM_HTTP_URLENCODED_H
#define KALEM_HTTP_URLENCODED_H
#include <stdbool.h>
#include <stddef.h>
#include "http/params.h"

/* More pairs than this make urlencoded_parse fail. */
#define URLENCODED_MAX_PAIRS 1000

/* Parses data[0..len) ("a=1&b=%C5%9E+x") and appends the decoded pairs to out in order.
 * Pairs are split on '&' only (';' is data); empty pairs are skipped; a pair without '=' gets the
 * value ""; '+' is a space and %XX a byte; an invalid escape ("%zz", a trailing "%") is kept
 * literally. Returns 0, or -1 when a decoded name or value is not valid UTF-8 or holds a NUL
 * byte, or there are more than URLENCODED_MAX_PAIRS pairs. On -1, out may hold some pairs
 * already: the caller still frees it. out must have been initialised with params_init. */
int urlencoded_parse(const char *data, size_t len, struct params *out /* OUT */);

/* Decodes %XX escapes (and '+' as a space if plus_is_space) in s[0..len) in place and returns
 * the decoded length (<= len). Invalid escapes are kept literally. Writes nothing at or past
 * s[len] and does not NUL-terminate: for a C string write s[result] = '\0' afterwards. */
size_t url_decode_inplace(char *s, size_t len, bool plus_is_space);

#endif
