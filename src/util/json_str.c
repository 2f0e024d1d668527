/* json_str.c: reading an optional string member of a JSON object. */
#include "util/json_str.h"

const char *json_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}
