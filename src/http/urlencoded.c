/* urlencoded.c: decoding of form bodies and query strings into params. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "http/urlencoded.h"
#include "util/xalloc.h"

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t url_decode_inplace(char *s, size_t len, bool plus_is_space)
{
	size_t in = 0, out = 0;

	while (in < len) {
		char c = s[in];
		if (c == '%' && len - in >= 3) {
			int hi = hex_value(s[in + 1]), lo = hex_value(s[in + 2]);
			if (hi >= 0 && lo >= 0) {
				s[out++] = (char)(hi << 4 | lo);
				in += 3;
				continue;
			}
		}
		s[out++] = (plus_is_space && c == '+') ? ' ' : c;
		in++;
	}
	return out;
}

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF, and here
 * also no NUL byte, which would silently cut the value short once it is used as a C string. */
static bool text_acceptable(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp, min;
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0) {
			n = 1, cp = c & 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2, cp = c & 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n + 1;
	}
	return true;
}

int urlencoded_parse(const char *data, size_t len, struct params *out)
{
	size_t pairs = 0;
	int ret = -1;

	if (len == 0)
		return 0;
	/* No decoded name and value is longer than data, so one scratch copy serves them all. */
	char *scratch = xmalloc(len + 1);
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *pair_end = amp ? amp : end;
		size_t pair_len = (size_t)(pair_end - p);
		p = amp ? amp + 1 : end;
		if (pair_len == 0)
			continue;
		if (++pairs > URLENCODED_MAX_PAIRS)
			goto out;

		const char *pair = pair_end - pair_len;
		const char *eq = memchr(pair, '=', pair_len);
		size_t name_len = eq ? (size_t)(eq - pair) : pair_len;
		size_t value_len = eq ? pair_len - name_len - 1 : 0;

		memcpy(scratch, pair, name_len);
		name_len = url_decode_inplace(scratch, name_len, true);
		char *value = scratch + name_len;
		if (value_len)
			memcpy(value, eq + 1, value_len);
		value_len = url_decode_inplace(value, value_len, true);
		if (!text_acceptable(scratch, name_len) || !text_acceptable(value, value_len))
			goto out;
		params_add(out, scratch, name_len, value, value_len);
	}
	ret = 0;
out:
	free(scratch);
	return ret;
}
