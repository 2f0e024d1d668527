/* turkish.c: Turkish folding and collation on top of ICU's C API. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/ucol.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include "util/log.h"
#include "util/turkish.h"
#include "util/xalloc.h"

/* Set once by icu_init, then only read (see the header on thread safety). */
static pthread_once_t icu_once = PTHREAD_ONCE_INIT;
static const UNormalizer2 *nfd_normalizer;
static UCollator *tr_collator;

static void icu_init(void)
{
	UErrorCode status = U_ZERO_ERROR;

	nfd_normalizer = unorm2_getNFDInstance(&status);
	if (U_FAILURE(status)) {
		error("cannot load ICU NFD normaliser: '%s'", u_errorName(status));
		abort();
	}
	status = U_ZERO_ERROR;
	tr_collator = ucol_open("tr", &status);
	if (U_FAILURE(status)) {
		error("cannot open ICU collator 'tr': '%s'", u_errorName(status));
		abort();
	}
	ucol_setStrength(tr_collator, UCOL_TERTIARY);
}

static void icu_ready(void)
{
	pthread_once(&icu_once, icu_init);
}

/* A UTF-16 string that lives on the stack when short and on the heap otherwise. */
#define USTR_STACK 256
struct ustr {
	UChar *s;
	int32_t len;
	UChar stack[USTR_STACK];
};

static void ustr_init(struct ustr *u)
{
	u->s = u->stack;
	u->len = 0;
}

static void ustr_free(struct ustr *u)
{
	if (u->s != u->stack)
		free(u->s);
	u->s = u->stack;
}

/* Gives u room for need units (plus a terminator) on the heap, for a retried ICU call. */
static void ustr_reserve(struct ustr *u, int32_t need)
{
	ustr_free(u);
	u->s = xmalloc(((size_t)need + 1) * sizeof(UChar));
}

static int32_t ustr_cap(const struct ustr *u, int32_t need)
{
	return u->s == u->stack ? USTR_STACK : need + 1;
}

/* UTF-8 to UTF-16; ill-formed bytes become U+FFFD. */
static void ustr_from_utf8(struct ustr *u, const char *s, int32_t len)
{
	int32_t need = 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		UErrorCode status = U_ZERO_ERROR;
		u->len = 0;
		u_strFromUTF8WithSub(u->s, ustr_cap(u, need), &need, s, len, 0xfffd, NULL, &status);
		if (status == U_BUFFER_OVERFLOW_ERROR) {
			ustr_reserve(u, need);
			continue;
		}
		if (U_SUCCESS(status))
			u->len = need;
		return;
	}
}

static void ustr_to_lower_tr(struct ustr *dst, const struct ustr *src)
{
	int32_t need = 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		UErrorCode status = U_ZERO_ERROR;
		dst->len = 0;
		need = u_strToLower(dst->s, ustr_cap(dst, need), src->s, src->len, "tr", &status);
		if (status == U_BUFFER_OVERFLOW_ERROR) {
			ustr_reserve(dst, need);
			continue;
		}
		if (U_SUCCESS(status))
			dst->len = need;
		return;
	}
}

static void ustr_nfd(struct ustr *dst, const struct ustr *src)
{
	int32_t need = 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		UErrorCode status = U_ZERO_ERROR;
		dst->len = 0;
		need = unorm2_normalize(nfd_normalizer, src->s, src->len, dst->s, ustr_cap(dst, need),
					&status);
		if (status == U_BUFFER_OVERFLOW_ERROR) {
			ustr_reserve(dst, need);
			continue;
		}
		if (U_SUCCESS(status))
			dst->len = need;
		return;
	}
}

/* Letters that NFD does not split into base + mark, but that a Turkish user would type as ASCII. */
static const char *ascii_for(UChar32 c)
{
	switch (c) {
	case 0x0131: return "i";  /* ı dotless i */
	case 0x00f8: return "o";  /* ø */
	case 0x00e6: return "ae"; /* æ */
	case 0x0153: return "oe"; /* œ */
	case 0x00df: return "ss"; /* ß */
	case 0x0111: return "d";  /* đ */
	case 0x00f0: return "d";  /* ð */
	case 0x0142: return "l";  /* ł */
	case 0x0127: return "h";  /* ħ */
	case 0x00fe: return "th"; /* þ */
	default: return NULL;
	}
}

static char *put_utf8(char *o, UChar32 c)
{
	if (c < 0x80) {
		*o++ = (char)c;
	} else if (c < 0x800) {
		*o++ = (char)(0xc0 | (c >> 6));
		*o++ = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*o++ = (char)(0xe0 | (c >> 12));
		*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*o++ = (char)(0x80 | (c & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (c >> 18));
		*o++ = (char)(0x80 | ((c >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*o++ = (char)(0x80 | (c & 0x3f));
	}
	return o;
}

char *tr_fold(const char *utf8)
{
	if (!utf8)
		return xstrdup("");

	/* Fast path, most rows of an import: in ASCII, Turkish lowercasing then ı -> i is plain
	 * ASCII lowercasing (I -> ı -> i). */
	size_t len = 0;
	bool ascii = true;
	for (; utf8[len]; len++)
		ascii &= (unsigned char)utf8[len] < 0x80;
	if (ascii) {
		char *out = xmalloc(len + 1);
		for (size_t i = 0; i <= len; i++) {
			char c = utf8[i];
			out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		}
		return out;
	}
	if (len > INT32_MAX / 4)
		len = INT32_MAX / 4; /* ICU lengths are int32_t; such input is not a name anyway */

	icu_ready();
	struct ustr in, lower, nfd;
	ustr_init(&in);
	ustr_init(&lower);
	ustr_init(&nfd);
	ustr_from_utf8(&in, utf8, (int32_t)len);
	ustr_to_lower_tr(&lower, &in);
	ustr_nfd(&nfd, &lower);

	/* Each UTF-16 unit yields at most 3 bytes (a surrogate pair 4 for 2 units; "ss" 2 for 1). */
	char *out = xmalloc((size_t)nfd.len * 3 + 1);
	char *o = out;
	for (int32_t i = 0; i < nfd.len;) {
		UChar32 c;
		U16_NEXT(nfd.s, i, nfd.len, c);
		int8_t type = u_charType(c);
		if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK)
			continue;
		const char *ascii_form = ascii_for(c);
		if (ascii_form) {
			size_t n = strlen(ascii_form);
			memcpy(o, ascii_form, n);
			o += n;
		} else {
			o = put_utf8(o, c);
		}
	}
	*o = '\0';
	ustr_free(&in);
	ustr_free(&lower);
	ustr_free(&nfd);
	return out;
}

char *tr_sort_key(const char *utf8)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t stack_key[512];
	uint8_t *key = stack_key;

	icu_ready();
	struct ustr in;
	ustr_init(&in);
	size_t len = utf8 ? strlen(utf8) : 0;
	if (len > INT32_MAX / 4)
		len = INT32_MAX / 4;
	ustr_from_utf8(&in, utf8 ? utf8 : "", (int32_t)len);

	int32_t n = ucol_getSortKey(tr_collator, in.s, in.len, key, (int32_t)sizeof(stack_key));
	if (n > (int32_t)sizeof(stack_key)) {
		key = xmalloc((size_t)n);
		n = ucol_getSortKey(tr_collator, in.s, in.len, key, n);
	}
	ustr_free(&in);

	/* n counts the terminating 00 byte, which is dropped: it would only sort as a prefix anyway. */
	size_t bytes = n > 0 ? (size_t)n - 1 : 0;
	char *out = xmalloc(bytes * 2 + 1);
	for (size_t i = 0; i < bytes; i++) {
		out[2 * i] = hex[key[i] >> 4];
		out[2 * i + 1] = hex[key[i] & 0xf];
	}
	out[bytes * 2] = '\0';
	if (key != stack_key)
		free(key);
	return out;
}

int tr_compare(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	icu_ready();
	UErrorCode status = U_ZERO_ERROR;
	UCollationResult r = ucol_strcollUTF8(tr_collator, a, -1, b, -1, &status);
	if (U_FAILURE(status))
		return strcmp(a, b);
	return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0;
}
