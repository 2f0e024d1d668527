/* open311_format.c: Open311 GeoReport v2 bodies in XML and JSON, and the parsers of the interface's input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/open311_format.h"

int o311_split_format(const char *seg, char name[O311_NAME_MAX + 1], enum o311_format *fmt)
{
	size_t len = strcspn(seg, "/");
	const char *dot = NULL;
	for (size_t i = 0; i < len; i++)
		if (seg[i] == '.')
			dot = seg + i;
	name[0] = '\0';
	*fmt = O311_UNKNOWN;
	if (!dot)
		return -1;
	size_t nlen = (size_t)(dot - seg), slen = len - nlen - 1;
	if (nlen == 0 || nlen > O311_NAME_MAX)
		return -1;
	memcpy(name, seg, nlen);
	name[nlen] = '\0';
	if (slen == 3 && strncmp(dot + 1, "xml", 3) == 0)
		*fmt = O311_XML;
	else if (slen == 4 && strncmp(dot + 1, "json", 4) == 0)
		*fmt = O311_JSON;
	return 0;
}

const char *o311_content_type(enum o311_format fmt)
{
	return fmt == O311_JSON ? "application/json; charset=utf-8" : "text/xml; charset=utf-8";
}

int o311_parse_coordinate(const char *s, double min, double max, double *out)
{
	if (!s)
		return -1;
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	size_t ints = strspn(p, "0123456789");
	if (ints == 0 || ints > 3)
		return -1;
	p += ints;
	if (*p == '.') {
		p++;
		size_t frac = strspn(p, "0123456789");
		if (frac == 0 || frac > 12)
			return -1;
		p += frac;
	}
	if (*p)
		return -1;
	double v = strtod(s, NULL);
	if (!(v >= min && v <= max))
		return -1;
	*out = v;
	return 0;
}

static bool code_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       c == '.';
}

int o311_attribute_key(const char *key, char code[O311_NAME_MAX + 1])
{
	static const char prefix[] = "attribute[";
	code[0] = '\0';
	if (strncmp(key, prefix, sizeof prefix - 1) != 0)
		return 0;
	const char *p = key + sizeof prefix - 1;
	size_t n = 0;
	while (p[n] && code_char(p[n]))
		n++;
	if (n == 0 || n > O311_NAME_MAX || p[n] != ']')
		return -1;
	const char *rest = p + n + 1;
	if (*rest && strcmp(rest, "[]") != 0)
		return -1;
	memcpy(code, p, n);
	code[n] = '\0';
	return 1;
}

int o311_parse_ids(const char *s, int64_t *ids, size_t max)
{
	if (!s)
		return -1;
	size_t n = 0;
	const char *p = s;
	for (;;) {
		while (*p == ' ')
			p++;
		int64_t v = 0;
		size_t digits = 0;
		for (; *p >= '0' && *p <= '9'; p++, digits++) {
			if (v > (INT64_MAX - 9) / 10)
				return -1;
			v = v * 10 + (*p - '0');
		}
		while (*p == ' ')
			p++;
		if (digits == 0 || v <= 0)
			return -1;
		bool seen = false;
		for (size_t i = 0; i < n; i++)
			if (ids[i] == v)
				seen = true;
		if (!seen) {
			if (n >= max)
				return -1;
			ids[n++] = v;
		}
		if (*p == '\0')
			break;
		if (*p != ',')
			return -1;
		p++;
	}
	return (int)n;
}

void o311_xml_escape(struct buf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': buf_adds(out, "&amp;"); break;
		case '<': buf_adds(out, "&lt;"); break;
		case '>': buf_adds(out, "&gt;"); break;
		case '"': buf_adds(out, "&quot;"); break;
		case '\'': buf_adds(out, "&apos;"); break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				break;
			buf_addc(out, (char)c);
		}
	}
}

const char *o311_singular(const char *name)
{
	static const struct {
		const char *plural, *singular;
	} table[] = {{"attributes", "attribute"}, {"values", "value"},   {"endpoints", "endpoint"},
		     {"formats", "format"},       {"services", "service"}, {"errors", "error"}};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(name, table[i].plural) == 0)
			return table[i].singular;
	return "item";
}

static void xml_value(struct buf *out, const char *name, const json_t *v);

static void xml_members(struct buf *out, const json_t *obj)
{
	const char *key;
	json_t *member;
	json_object_foreach((json_t *)obj, key, member) xml_value(out, key, member);
}

/* One element <name>...</name> for v; name is always one of this module's fixed field names. */
static void xml_value(struct buf *out, const char *name, const json_t *v)
{
	if (!v || json_is_null(v)) {
		buf_addf(out, "<%s/>", name);
		return;
	}
	buf_addf(out, "<%s>", name);
	switch (json_typeof(v)) {
	case JSON_STRING: o311_xml_escape(out, json_string_value(v)); break;
	case JSON_INTEGER: buf_addf(out, "%lld", (long long)json_integer_value(v)); break;
	case JSON_REAL: buf_addf(out, "%.6f", json_real_value(v)); break;
	case JSON_TRUE: buf_adds(out, "true"); break;
	case JSON_FALSE: buf_adds(out, "false"); break;
	case JSON_OBJECT: xml_members(out, v); break;
	case JSON_ARRAY: {
		const char *child = o311_singular(name);
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) xml_value(out, child, e);
		break;
	}
	default: break;
	}
	buf_addf(out, "</%s>", name);
}

void o311_write(struct buf *out, enum o311_format fmt, const char *root, const char *item, const json_t *v)
{
	if (fmt == O311_JSON) {
		/* Ten significant digits: coordinates as given (37.874643), not 37.874642999999999. */
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(10));
		if (s) {
			buf_adds(out, s);
			free(s);
		}
		buf_addc(out, '\n');
		return;
	}
	buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	if (json_is_array(v)) {
		buf_addf(out, "<%s>", root);
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) xml_value(out, item, e);
		buf_addf(out, "</%s>", root);
	} else if (json_is_object(v)) {
		buf_addf(out, "<%s>", root);
		xml_members(out, v);
		buf_addf(out, "</%s>", root);
	} else {
		xml_value(out, root, v);
	}
	buf_addc(out, '\n');
}

void o311_write_error(struct buf *out, enum o311_format fmt, unsigned status, const char *description)
{
	json_t *list = json_pack("[{s:I,s:s}]", "code", (json_int_t)status, "description", description ? description : "");
	o311_write(out, fmt, "errors", "error", list);
	json_decref(list);
}
