/* i18n.c: loads the string catalogue into an open-addressing hash table and answers lookups. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util/embedded.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/xalloc.h"

#define CATALOGUE_PATH "i18n/strings.tsv"

struct entry {
	const char *key;
	const char *text[LANG__MAX];
	size_t line; /* where it was defined, for the duplicate message */
};

struct catalogue {
	char *storage;          /* a copy of the file, split in place into the strings below */
	struct entry *entries;
	size_t count;
	uint32_t *slots;        /* entry index + 1; 0 marks an empty slot */
	size_t mask;            /* slot count - 1 (a power of two) */
};

/* The one catalogue: written at start-up only (see i18n.h), read-only afterwards. */
static struct catalogue catalogue;

enum lang lang_from_code(const char *code)
{
	if (code && (code[0] == 'e' || code[0] == 'E') && (code[1] == 'n' || code[1] == 'N') &&
	    (code[2] == '\0' || code[2] == '-' || code[2] == '_'))
		return LANG_EN;
	return LANG_TR;
}

const char *lang_code(enum lang lang)
{
	return lang == LANG_EN ? "en" : "tr";
}

static size_t hash_key(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

/* The slot holding key, or the empty slot where it would go. */
static uint32_t *find_slot(const struct catalogue *c, const char *key, size_t len)
{
	size_t i = hash_key(key, len) & c->mask;
	for (;; i = (i + 1) & c->mask) {
		uint32_t *slot = &c->slots[i];
		if (!*slot)
			return slot;
		const char *k = c->entries[*slot - 1].key;
		if (strncmp(k, key, len) == 0 && k[len] == '\0')
			return slot;
	}
}

static const struct entry *lookup(const char *key)
{
	if (!catalogue.count || !key)
		return NULL;
	uint32_t *slot = find_slot(&catalogue, key, strlen(key));
	return *slot ? &catalogue.entries[*slot - 1] : NULL;
}

static void catalogue_free(struct catalogue *c)
{
	free(c->storage);
	free(c->entries);
	free(c->slots);
	memset(c, 0, sizeof *c);
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static bool utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			n = 1, cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2, cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3, cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n + 1;
	}
	return true;
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

static bool is_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* Parses one non-comment line (NUL-terminated in place) into c. */
static int parse_line(struct catalogue *c, const char *origin, size_t lineno, char *line, size_t len)
{
	if (memchr(line, '\0', len))
		return error("%s:%zu: NUL byte in line", origin, lineno);
	if (!utf8_valid((const unsigned char *)line, len))
		return error("%s:%zu: invalid UTF-8", origin, lineno);
	char *tab1 = strchr(line, '\t');
	char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
	if (!tab2 || strchr(tab2 + 1, '\t'))
		return error("%s:%zu: expected key<TAB>Turkish<TAB>English", origin, lineno);
	*tab1 = *tab2 = '\0';
	if (!*line)
		return error("%s:%zu: empty key", origin, lineno);
	for (const char *k = line; *k; k++)
		if (!is_key_char(*k))
			return error("%s:%zu: invalid character in key '%s'", origin, lineno, line);
	if (!*(tab1 + 1))
		return error("%s:%zu: empty Turkish text for '%s'", origin, lineno, line);

	uint32_t *slot = find_slot(c, line, (size_t)(tab1 - line));
	if (*slot)
		return error("%s:%zu: duplicate key '%s' (first at line %zu)", origin, lineno, line,
			     c->entries[*slot - 1].line);
	struct entry *e = &c->entries[c->count++];
	e->key = line;
	e->text[LANG_TR] = tab1 + 1;
	e->text[LANG_EN] = tab2 + 1;
	e->line = lineno;
	*slot = (uint32_t)c->count;
	return 0;
}

int i18n_load_text(const char *origin, const char *data, size_t len)
{
	struct catalogue c = {0};
	c.storage = xmalloc(len + 1);
	if (len)
		memcpy(c.storage, data, len);
	c.storage[len] = '\0';

	size_t lines = 1;
	for (const char *p = c.storage; (p = memchr(p, '\n', len - (size_t)(p - c.storage))); p++)
		lines++;
	if (lines > UINT32_MAX / 4) {
		catalogue_free(&c);
		return error("%s: too many lines", origin);
	}
	size_t nslots = 16;
	while (nslots < lines * 2)
		nslots *= 2;
	c.entries = xcalloc(lines, sizeof *c.entries);
	c.slots = xcalloc(nslots, sizeof *c.slots);
	c.mask = nslots - 1;

	char *p = c.storage, *end = c.storage + len;
	for (size_t lineno = 1; p < end; lineno++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eol = nl ? nl : end;
		char *next = nl ? nl + 1 : end;
		if (eol > p && eol[-1] == '\r')
			eol--;
		*eol = '\0';
		if (p[0] != '#' && !is_blank(p) &&
		    parse_line(&c, origin, lineno, p, (size_t)(eol - p)) < 0) {
			catalogue_free(&c);
			return -1;
		}
		p = next;
	}
	catalogue_free(&catalogue);
	catalogue = c;
	return 0;
}

int i18n_load(void)
{
	const struct embedded_file *f = embedded_find(CATALOGUE_PATH);
	if (!f)
		return error("cannot find the embedded catalogue '%s'", CATALOGUE_PATH);
	return i18n_load_text(CATALOGUE_PATH, (const char *)f->data, f->len);
}

void i18n_unload(void)
{
	catalogue_free(&catalogue);
}

const char *i18n_get(enum lang lang, const char *key)
{
	const struct entry *e = lookup(key);
	if (!e)
		return key ? key : "";
	if ((unsigned)lang < LANG__MAX && *e->text[lang])
		return e->text[lang];
	return e->text[LANG_TR];
}

bool i18n_has(const char *key)
{
	return lookup(key) != NULL;
}

static bool is_placeholder_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Appends the value of a placeholder; false when there is none to show. */
static bool add_arg(struct buf *out, const json_t *args, const char *name, size_t len)
{
	const json_t *v = json_is_object(args) ? json_object_getn(args, name, len) : NULL;
	if (!v)
		return false;
	switch (json_typeof(v)) {
	case JSON_STRING:
		buf_add(out, json_string_value(v), json_string_length(v));
		return true;
	case JSON_INTEGER:
		buf_addf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return true;
	case JSON_REAL:
		buf_addf(out, "%.15g", json_real_value(v));
		return true;
	case JSON_TRUE:
		buf_adds(out, "true");
		return true;
	case JSON_FALSE:
		buf_adds(out, "false");
		return true;
	default:
		return false;
	}
}

void i18n_format(struct buf *out, enum lang lang, const char *key, const json_t *args)
{
	const char *s = i18n_get(lang, key);
	const char *open;
	while ((open = strchr(s, '{'))) {
		const char *name = open + 1, *close = name;
		while (is_placeholder_char(*close))
			close++;
		buf_add(out, s, (size_t)(open - s));
		if (*close == '}' && close > name && add_arg(out, args, name, (size_t)(close - name))) {
			s = close + 1;
		} else {
			buf_addc(out, '{');
			s = open + 1;
		}
	}
	buf_adds(out, s);
}
