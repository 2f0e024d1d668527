/* json_body.c: strict parsing of JSON request bodies. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "http/json_body.h"

static void set_error(char *errbuf, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_error(char *errbuf, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (!errbuf || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errsz, fmt, ap);
	va_end(ap);
}

/* Returns the offset of the first bracket that opens level JSON_BODY_MAX_DEPTH + 1, or len if
 * there is none. Done before parsing so that a deep body never reaches jansson's recursion.
 * Brackets inside strings do not count; on invalid JSON the answer may be off, but jansson
 * rejects such input anyway. */
static size_t too_deep_at(const char *s, size_t len)
{
	size_t depth = 0;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			if (++depth > JSON_BODY_MAX_DEPTH)
				return i;
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return len;
}

json_t *json_body_parse(const char *data, size_t len, char *errbuf, size_t errsz)
{
	json_error_t err;

	if (errbuf && errsz)
		errbuf[0] = '\0';
	if (!data || len == 0) {
		set_error(errbuf, errsz, "empty body");
		return NULL;
	}
	const char *nul = memchr(data, '\0', len);
	if (nul) {
		set_error(errbuf, errsz, "NUL byte at byte %zu", (size_t)(nul - data));
		return NULL;
	}
	size_t deep = too_deep_at(data, len);
	if (deep < len) {
		set_error(errbuf, errsz, "nesting deeper than %d levels at byte %zu", JSON_BODY_MAX_DEPTH,
			  deep);
		return NULL;
	}
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (!root) {
		if (json_error_code(&err) == json_error_invalid_utf8)
			set_error(errbuf, errsz, "invalid UTF-8 at byte %d", err.position);
		else
			set_error(errbuf, errsz, "invalid JSON at line %d, column %d (byte %d): %s",
				  err.line, err.column, err.position, err.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		set_error(errbuf, errsz, "top-level value is not an object");
		json_decref(root);
		return NULL;
	}
	return root;
}

const char *json_body_str(const json_t *obj, const char *key)
{
	if (!json_is_object(obj) || !key)
		return NULL;
	/* jansson's getters take non-const pointers but do not modify the object. */
	json_t *value = json_object_get((json_t *)obj, key);
	return json_is_string(value) ? json_string_value(value) : NULL;
}
