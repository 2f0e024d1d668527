/* open311_format.h: the Open311 GeoReport v2 wire formats (XML and JSON bodies written from jansson values, the
 * spec's error lists) and the parsers of the interface's untrusted input (the ".fmt" suffix, coordinates,
 * attribute[code] form keys, service_request_id lists). Pure functions: no request, no database. */
#ifndef KALEM_API_OPEN311_FORMAT_H
#define KALEM_API_OPEN311_FORMAT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/buf.h"

enum o311_format {
	O311_XML,     /* ".xml": the spec's required format, text/xml */
	O311_JSON,    /* ".json": application/json */
	O311_UNKNOWN, /* any other suffix, or none: a 404 (written as XML) */
};

/* The longest service_code, token or id accepted in a path segment. */
#define O311_NAME_MAX 64
/* The most ids in one service_request_id list. */
#define O311_MAX_IDS 100

/* Splits the path segment seg (up to the next '/' or the end) at its last '.' into the name before it (copied to
 * name, NUL-terminated) and the format after it. Returns 0, or -1 when the name is empty, longer than
 * O311_NAME_MAX bytes or the segment has no '.' (then *fmt is O311_UNKNOWN and name ""). An unknown suffix is
 * O311_UNKNOWN with return 0. */
int o311_split_format(const char *seg, char name[O311_NAME_MAX + 1] /* OUT */, enum o311_format *fmt /* OUT */);

/* The Content-Type of a format ("text/xml; charset=utf-8" for O311_XML and O311_UNKNOWN). */
const char *o311_content_type(enum o311_format fmt);

/* Parses a decimal coordinate: optional '-' or '+', digits, optionally '.' and at most 12 digits; nothing else (no
 * exponent, no spaces, no "nan"). Returns 0 and sets *out when the value lies in [min, max], else -1. */
int o311_parse_coordinate(const char *s, double min, double max, double *out /* OUT */);

/* A form key "attribute[code]" or "attribute[code][]" (the spec's multivaluelist form): returns 1 and copies code
 * ([A-Za-z0-9_.-]{1,64}) to code; 0 when key is not an attribute key at all; -1 when it starts with "attribute["
 * but is malformed. */
int o311_attribute_key(const char *key, char code[O311_NAME_MAX + 1] /* OUT */);

/* A comma-separated list of positive ids ("12,13, 14"): up to max ids, each 1..INT64_MAX, duplicates kept once.
 * Returns the number of ids (>= 1), or -1 when the list is empty, malformed or longer than max. */
int o311_parse_ids(const char *s, int64_t *ids /* OUT */, size_t max);

/* Appends s escaped for XML text (&amp; &lt; &gt; &quot; &apos;); characters XML 1.0 cannot carry at all (C0
 * controls other than tab, CR, LF) are dropped. */
void o311_xml_escape(struct buf *out, const char *s);

/* Appends the body of v in fmt. JSON: v as compact JSON. XML: the declaration, then <root> holding, for an
 * array v, one <item> per element, or for an object v its members; members become elements of their name
 * (strings escaped, integers and reals as numbers, true/false as text, null as an empty element), nested
 * objects nest, and an array member "xs" becomes <xs> with one child per element named by o311_singular
 * ("attributes" -> "attribute", "values" -> "value", "endpoints" -> "endpoint", "formats" -> "format", else
 * "item"). */
void o311_write(struct buf *out, enum o311_format fmt, const char *root, const char *item, const json_t *v);

/* The child element name of an array member named name in XML. */
const char *o311_singular(const char *name);

/* Appends the spec's error list with one error: JSON [{"code": status, "description": text}], XML
 * <errors><error><code>status</code><description>text</description></error></errors>. */
void o311_write_error(struct buf *out, enum o311_format fmt, unsigned status, const char *description);

#endif
