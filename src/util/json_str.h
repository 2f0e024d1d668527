/* json_str.h: reading an optional string member of a JSON object. */
#ifndef KALEM_UTIL_JSON_STR_H
#define KALEM_UTIL_JSON_STR_H
#include <jansson.h>

/* The string member key of o, or "" when o is NULL or the member is absent or not a string. Borrowed from o. */
const char *json_str(const json_t *o, const char *key);

#endif
