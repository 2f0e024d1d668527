/* json_body.h: JSON request bodies (API), parsed strictly with jansson. */
#ifndef KALEM_HTTP_JSON_BODY_H
#define KALEM_HTTP_JSON_BODY_H
#include <stddef.h>
#include <jansson.h>

/* Objects and arrays nested deeper than this are rejected (the top-level object is depth 1). */
#define JSON_BODY_MAX_DEPTH 32

/* Parses data[0..len), which must be exactly one JSON object (surrounding whitespace allowed).
 * Rejects duplicate keys, raw NUL bytes and \u0000, invalid UTF-8 (including lone surrogate
 * escapes), nesting deeper than JSON_BODY_MAX_DEPTH, trailing data and any other top-level value.
 * Returns a new reference the caller json_decref()s, or NULL with a one-line message naming the
 * problem and its position written into errbuf (if errbuf is not NULL and errsz > 0). */
json_t *json_body_parse(const char *data, size_t len, char *errbuf /* OUT */, size_t errsz);

/* The string value of obj[key], or NULL if obj is not an object, key is absent or its value is
 * not a string. The pointer lives as long as obj. */
const char *json_body_str(const json_t *obj, const char *key);

#endif
