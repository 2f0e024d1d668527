/* test_i18n.c: the real catalogue is complete, unique, sorted and consistent; the loader rejects bad files; lookups and formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/embedded.h"
#include "util/i18n.h"
#include "util/xalloc.h"

struct line {
	size_t lineno;
	char *fields[3];
	int nfields;
	int section; /* lines in one blank-line-separated block share a section number */
};

struct catalogue_file {
	char *copy; /* the file's text, split in place; the lines point into it */
	struct line *lines;
	size_t count;
};

/* Splits the embedded file by itself (not through the loader), so the checks do not trust it. */
static void read_catalogue(struct catalogue_file *cf)
{
	const struct embedded_file *f = embedded_find("i18n/strings.tsv");
	assert_non_null(f);
	memset(cf, 0, sizeof *cf);
	cf->copy = xstrndup((const char *)f->data, f->len);
	int section = 0;
	size_t lineno = 0;
	for (char *p = cf->copy; *p;) {
		lineno++;
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (*p == '\0') {
			section++;
		} else if (*p != '#') {
			cf->lines = xrealloc(cf->lines, (cf->count + 1) * sizeof *cf->lines);
			struct line *l = &cf->lines[cf->count++];
			memset(l, 0, sizeof *l);
			l->lineno = lineno;
			l->section = section;
			for (char *field = p;;) {
				char *tab = strchr(field, '\t');
				if (l->nfields < 3)
					l->fields[l->nfields] = field;
				l->nfields++;
				if (!tab)
					break;
				*tab = '\0';
				field = tab + 1;
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void free_catalogue(struct catalogue_file *cf)
{
	free(cf->lines);
	free(cf->copy);
}

static void test_real_catalogue_loads(void **state)
{
	(void)state;
	assert_int_equal(i18n_load(), 0);
	assert_true(i18n_has("app.name"));
	assert_string_equal(i18n_get(LANG_TR, "app.name"), "Kalem");
}

static void test_every_key_has_turkish_and_english(void **state)
{
	(void)state;
	assert_int_equal(i18n_load(), 0);
	struct catalogue_file cf;
	read_catalogue(&cf);
	size_t n = cf.count;
	struct line *lines = cf.lines;
	assert_true(n > 50);
	for (size_t i = 0; i < n; i++) {
		struct line *l = &lines[i];
		if (l->nfields != 3)
			fail_msg("strings.tsv:%zu: %d fields, want key<TAB>Turkish<TAB>English", l->lineno,
				 l->nfields);
		for (int k = 0; k < 3; k++)
			if (!*l->fields[k])
				fail_msg("strings.tsv:%zu: field %d of '%s' is empty", l->lineno, k + 1,
					 l->fields[0]);
		/* and the loader returns exactly those texts */
		assert_string_equal(i18n_get(LANG_TR, l->fields[0]), l->fields[1]);
		assert_string_equal(i18n_get(LANG_EN, l->fields[0]), l->fields[2]);
	}
	free_catalogue(&cf);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_no_duplicate_keys(void **state)
{
	(void)state;
	struct catalogue_file cf;
	read_catalogue(&cf);
	size_t n = cf.count;
	struct line *lines = cf.lines;
	char **keys = xcalloc(n, sizeof *keys);
	for (size_t i = 0; i < n; i++)
		keys[i] = lines[i].fields[0];
	qsort(keys, n, sizeof *keys, compare_strings);
	for (size_t i = 1; i < n; i++)
		if (strcmp(keys[i - 1], keys[i]) == 0)
			fail_msg("strings.tsv: duplicate key '%s'", keys[i]);
	free(keys);
	free_catalogue(&cf);
}

static void test_sections_sorted(void **state)
{
	(void)state;
	struct catalogue_file cf;
	read_catalogue(&cf);
	size_t n = cf.count;
	struct line *lines = cf.lines;
	for (size_t i = 1; i < n; i++)
		if (lines[i].section == lines[i - 1].section &&
		    strcmp(lines[i - 1].fields[0], lines[i].fields[0]) >= 0)
			fail_msg("strings.tsv:%zu: '%s' should come before '%s' (keep sections sorted)",
				 lines[i].lineno, lines[i].fields[0], lines[i - 1].fields[0]);
	free_catalogue(&cf);
}

/* The placeholders of s, sorted and joined, e.g. "{field}{max}". */
static char *placeholders(const char *s)
{
	char *names[32];
	size_t n = 0;
	for (const char *p = s; (p = strchr(p, '{')); p++) {
		const char *close = strchr(p, '}');
		if (close && n < 32)
			names[n++] = xstrndup(p, (size_t)(close - p + 1));
	}
	qsort(names, n, sizeof *names, compare_strings);
	char *joined = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		char *next = xasprintf("%s%s", joined, names[i]);
		free(joined);
		free(names[i]);
		joined = next;
	}
	return joined;
}

static void test_placeholders_match(void **state)
{
	(void)state;
	struct catalogue_file cf;
	read_catalogue(&cf);
	size_t n = cf.count;
	struct line *lines = cf.lines;
	for (size_t i = 0; i < n; i++) {
		char *tr = placeholders(lines[i].fields[1]);
		char *en = placeholders(lines[i].fields[2]);
		if (strcmp(tr, en) != 0)
			fail_msg("strings.tsv:%zu: '%s' has placeholders %s in Turkish, %s in English",
				 lines[i].lineno, lines[i].fields[0], tr, en);
		free(tr);
		free(en);
	}
	free_catalogue(&cf);
	/* the helper itself must see a difference */
	char *a = placeholders("{field} en fazla {max}"), *b = placeholders("{field} too long");
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

static void test_known_texts(void **state)
{
	(void)state;
	assert_int_equal(i18n_load(), 0);
	assert_string_equal(i18n_get(LANG_TR, "error.tckn"), "Geçersiz T.C. kimlik numarası");
	assert_string_equal(i18n_get(LANG_EN, "error.tckn"), "Invalid Turkish ID number");
	assert_string_equal(i18n_get(LANG_TR, "error.password.too_short"),
			    "Parola en az 12 karakter olmalıdır");
	assert_string_equal(i18n_get(LANG_TR, "error.required"), "{field} zorunludur");
	assert_string_equal(i18n_get(LANG_EN, "error.required"), "{field} is required");
	static const char *const required[] = {
		"app.name", "action.save", "action.cancel", "action.search", "action.next",
		"action.previous", "action.logout", "action.login", "error.invalid", "error.phone",
		"error.email", "error.too_long", "error.csrf", "error.forbidden", "error.not_found",
		"error.password.same_as_username", "error.password.too_long", "login.username",
		"login.password", "nav.home",
	};
	for (size_t i = 0; i < sizeof required / sizeof *required; i++)
		if (!i18n_has(required[i]))
			fail_msg("missing key '%s'", required[i]);
}

static void test_lookup_fallbacks(void **state)
{
	(void)state;
	static const char cat[] = "a.both\tTürkçe\tEnglish\n"
				  "a.tr_only\tYalnız Türkçe\t\n";
	assert_int_equal(i18n_load_text("test", cat, sizeof cat - 1), 0);
	assert_string_equal(i18n_get(LANG_TR, "a.both"), "Türkçe");
	assert_string_equal(i18n_get(LANG_EN, "a.both"), "English");
	assert_string_equal(i18n_get(LANG_EN, "a.tr_only"), "Yalnız Türkçe");
	assert_string_equal(i18n_get(LANG_EN, "no.such.key"), "no.such.key");
	assert_string_equal(i18n_get(LANG_TR, NULL), "");
	assert_string_equal(i18n_get((enum lang)7, "a.both"), "Türkçe");
	assert_true(i18n_has("a.both"));
	assert_false(i18n_has("a.bot"));
	assert_false(i18n_has("a.both.x"));
	assert_false(i18n_has(NULL));
	assert_false(i18n_has("app.name")); /* the previous catalogue was replaced */

	i18n_unload();
	assert_false(i18n_has("a.both"));
	assert_string_equal(i18n_get(LANG_TR, "a.both"), "a.both");
}

static void test_loader_accepts(void **state)
{
	(void)state;
	/* comments, blank and whitespace-only lines, CRLF, no final newline, '#' inside a text */
	static const char cat[] = "# comment\n\n   \t\n"
				  "k.one\tBir\tOne\r\n"
				  "# another\n"
				  "k.two\tİki # iki\tTwo\n"
				  "K_3-x\tÜç\tThree";
	assert_int_equal(i18n_load_text("test", cat, sizeof cat - 1), 0);
	assert_string_equal(i18n_get(LANG_EN, "k.one"), "One");
	assert_string_equal(i18n_get(LANG_TR, "k.two"), "İki # iki");
	assert_string_equal(i18n_get(LANG_EN, "K_3-x"), "Three");
	assert_int_equal(i18n_load_text("empty", "", 0), 0);
	assert_false(i18n_has("k.one"));
}

static void test_loader_rejects(void **state)
{
	(void)state;
	static const struct {
		const char *why;
		const char *text;
		size_t len; /* 0: strlen */
	} bad[] = {
		{"duplicate key", "a\tA\tA\nb\tB\tB\na\tC\tC\n", 0},
		{"only two fields", "a\tA\n", 0},
		{"one field", "a\n", 0},
		{"four fields", "a\tA\tA\tA\n", 0},
		{"empty key", "\tA\tA\n", 0},
		{"empty Turkish", "a\t\tA\n", 0},
		{"space in key", "a b\tA\tA\n", 0},
		{"non-ASCII key", "ş\tA\tA\n", 0},
		{"invalid UTF-8", "a\tA\xC3\x28\tA\n", 0},
		{"overlong UTF-8", "a\t\xC0\xAF\tA\n", 0},
		{"surrogate", "a\t\xED\xA0\x80\tA\n", 0},
		{"truncated UTF-8", "a\tA\t\xC5", 0},
		{"NUL byte", "a\tA\0B\tA\n", 8},
	};
	assert_int_equal(i18n_load(), 0);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].text);
		if (i18n_load_text("bad", bad[i].text, len) != -1)
			fail_msg("accepted: %s", bad[i].why);
		/* a failed load keeps the previous catalogue */
		assert_true(i18n_has("app.name"));
	}
	/* the good twin of the duplicate case loads */
	static const char good[] = "a\tA\tA\nb\tB\tB\nc\tC\tC\n";
	assert_int_equal(i18n_load_text("good", good, sizeof good - 1), 0);
}

static void test_many_keys(void **state)
{
	(void)state;
	/* enough keys to exercise collisions and wrap-around in the table */
	char *text = xstrdup("");
	for (int i = 0; i < 3000; i++) {
		char *next = xasprintf("%sk%d\tT%d\tE%d\n", text, i, i, i);
		free(text);
		text = next;
	}
	assert_int_equal(i18n_load_text("many", text, strlen(text)), 0);
	for (int i = 0; i < 3000; i++) {
		char key[16], want[16];
		snprintf(key, sizeof key, "k%d", i);
		snprintf(want, sizeof want, "E%d", i);
		assert_string_equal(i18n_get(LANG_EN, key), want);
	}
	assert_false(i18n_has("k3000"));
	free(text);
}

static void test_lang_codes(void **state)
{
	(void)state;
	assert_int_equal(lang_from_code("en"), LANG_EN);
	assert_int_equal(lang_from_code("EN"), LANG_EN);
	assert_int_equal(lang_from_code("en-GB"), LANG_EN);
	assert_int_equal(lang_from_code("en_US"), LANG_EN);
	assert_int_equal(lang_from_code("tr"), LANG_TR);
	assert_int_equal(lang_from_code(NULL), LANG_TR);
	assert_int_equal(lang_from_code(""), LANG_TR);
	assert_int_equal(lang_from_code("e"), LANG_TR);
	assert_int_equal(lang_from_code("eng"), LANG_TR);
	assert_int_equal(lang_from_code("de"), LANG_TR);
	assert_string_equal(lang_code(LANG_TR), "tr");
	assert_string_equal(lang_code(LANG_EN), "en");
}

static char *format(enum lang lang, const char *key, const char *args_json)
{
	json_t *args = args_json ? json_loads(args_json, 0, NULL) : NULL;
	if (args_json)
		assert_non_null(args);
	struct buf b = BUF_INIT;
	buf_adds(&b, "|");
	i18n_format(&b, lang, key, args);
	json_decref(args);
	return buf_detach(&b, NULL);
}

#define assert_format(want, lang, key, args)                \
	do {                                                \
		char *got_ = format(lang, key, args);       \
		assert_string_equal(got_, "|" want);        \
		free(got_);                                 \
	} while (0)

static void test_format(void **state)
{
	(void)state;
	static const char cat[] = "f.req\t{field} zorunludur\t{field} is required\n"
				  "f.two\t{a}-{b}{a}\t{b}/{a}\n"
				  "f.braces\t{ a } {} {a b} {a\t{\n"
				  "f.none\tDüz metin\tPlain text\n";
	assert_int_equal(i18n_load_text("test", cat, sizeof cat - 1), 0);
	assert_format("Ad zorunludur", LANG_TR, "f.req", "{\"field\": \"Ad\"}");
	assert_format("Name is required", LANG_EN, "f.req", "{\"field\": \"Name\"}");
	/* unescaped: the caller escapes */
	assert_format("<b>&' is required", LANG_EN, "f.req", "{\"field\": \"<b>&'\"}");
	assert_format("7-x7", LANG_TR, "f.two", "{\"a\": 7, \"b\": \"x\"}");
	assert_format("-2.5/true", LANG_EN, "f.two", "{\"a\": true, \"b\": -2.5}");
	/* missing, null or unusable arguments leave the placeholder visible */
	assert_format("{field} zorunludur", LANG_TR, "f.req", "{}");
	assert_format("{field} zorunludur", LANG_TR, "f.req", NULL);
	assert_format("{field} zorunludur", LANG_TR, "f.req", "{\"field\": null}");
	assert_format("{field} zorunludur", LANG_TR, "f.req", "{\"field\": [1]}");
	assert_format("{field} zorunludur", LANG_TR, "f.req", "[\"Ad\"]");
	/* braces that are not placeholders stay literal */
	assert_format("{ a } {} {a b} {a", LANG_TR, "f.braces", "{\"a\": \"X\", \"a b\": \"Y\"}");
	assert_format("Plain text", LANG_EN, "f.none", "{\"x\": 1}");
	/* an unknown key formats as the key */
	assert_format("no.key", LANG_EN, "no.key", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_catalogue_loads),
		cmocka_unit_test(test_every_key_has_turkish_and_english),
		cmocka_unit_test(test_no_duplicate_keys),
		cmocka_unit_test(test_sections_sorted),
		cmocka_unit_test(test_placeholders_match),
		cmocka_unit_test(test_known_texts),
		cmocka_unit_test(test_lookup_fallbacks),
		cmocka_unit_test(test_loader_accepts),
		cmocka_unit_test(test_loader_rejects),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_lang_codes),
		cmocka_unit_test(test_format),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	i18n_unload();
	return rc;
}
