/* test_urlencoded.c: unit tests for form body / query string decoding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "http/urlencoded.h"
#include "util/buf.h"

/* Parses s and returns urlencoded_parse's result; p is initialised here, freed by the caller. */
static int parse(const char *s, struct params *p)
{
	params_init(p);
	return urlencoded_parse(s, strlen(s), p);
}

static void test_basic_pairs(void **state)
{
	struct params p;
	assert_int_equal(parse("a=1&b=two&c=", &p), 0);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.items[0].name, "a");
	assert_string_equal(p.items[0].value, "1");
	assert_string_equal(p.items[1].name, "b");
	assert_string_equal(p.items[1].value, "two");
	assert_string_equal(params_get(&p, "c"), "");
	params_free(&p);
}

static void test_plus_and_escapes(void **state)
{
	struct params p;
	assert_int_equal(parse("q=a+b%20c%2Bd&e%3Dx=%26%3D", &p), 0);
	assert_string_equal(params_get(&p, "q"), "a b c+d");
	assert_string_equal(params_get(&p, "e=x"), "&=");
	assert_int_equal(p.n, 2);
	params_free(&p);
}

static void test_turkish_values(void **state)
{
	struct params p;
	/* The raw UTF-8 form a browser may leave in a query, and the fully escaped form. */
	assert_int_equal(parse("konu=Şikâyet%20İçerik&ad=%C3%96zg%C3%BCr+%C3%87a%C4%9Flar", &p), 0);
	assert_string_equal(params_get(&p, "konu"), "Şikâyet İçerik");
	assert_string_equal(params_get(&p, "ad"), "Özgür Çağlar");
	assert_int_equal(p.items[0].value_len, strlen("Şikâyet İçerik"));
	params_free(&p);
	/* lowercase hex digits too */
	assert_int_equal(parse("x=%c4%b1%c5%9f%c4%b0", &p), 0);
	assert_string_equal(params_get(&p, "x"), "ışİ");
	params_free(&p);
}

static void test_invalid_escapes_kept(void **state)
{
	struct params p;
	assert_int_equal(parse("a=100%&b=%zz&c=%4&d=%%41", &p), 0);
	assert_string_equal(params_get(&p, "a"), "100%");
	assert_string_equal(params_get(&p, "b"), "%zz");
	assert_string_equal(params_get(&p, "c"), "%4");
	assert_string_equal(params_get(&p, "d"), "%A");
	params_free(&p);
}

static void test_split_rules(void **state)
{
	struct params p;
	/* empty pairs skipped; ';' is data; a name without '=' has value ""; only the first '='
	 * splits */
	assert_int_equal(parse("&&a=1;b=2&&flag&=v&x==y&", &p), 0);
	assert_int_equal(p.n, 4);
	assert_string_equal(params_get(&p, "a"), "1;b=2");
	assert_null(params_get(&p, "b"));
	assert_string_equal(params_get(&p, "flag"), "");
	assert_string_equal(params_get(&p, ""), "v");
	assert_string_equal(params_get(&p, "x"), "=y");
	params_free(&p);

	assert_int_equal(parse("", &p), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(urlencoded_parse(NULL, 0, &p), 0);
	assert_int_equal(p.n, 0);
	params_free(&p);
}

static void test_repeated_names(void **state)
{
	struct params p;
	assert_int_equal(parse("id=3&id=1&id=2", &p), 0);
	assert_int_equal(params_count(&p, "id"), 3);
	assert_string_equal(params_get_nth(&p, "id", 0), "3");
	assert_string_equal(params_get_nth(&p, "id", 2), "2");
	params_free(&p);
}

static void test_only_len_bytes_read(void **state)
{
	struct params p;
	params_init(&p);
	assert_int_equal(urlencoded_parse("a=12&b=3", 4, &p), 0);
	assert_int_equal(p.n, 1);
	assert_string_equal(params_get(&p, "a"), "12");
	params_free(&p);
}

static void test_rejects_bad_text(void **state)
{
	static const char *bad[] = {
		"a=%00",          /* NUL in a value */
		"a%00b=1",        /* NUL in a name */
		"a=%FF",          /* not UTF-8 */
		"a=%C5",          /* truncated sequence */
		"a=%C0%AF",       /* overlong '/' */
		"a=%ED%A0%80",    /* UTF-16 surrogate */
		"a=%F4%90%80%80", /* above U+10FFFF */
		"ok=1&%E2%82=2",  /* a later bad pair fails the whole body */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct params p;
		assert_int_equal(parse(bad[i], &p), -1);
		params_free(&p);
	}
	/* a raw NUL byte inside the data */
	struct params p;
	params_init(&p);
	assert_int_equal(urlencoded_parse("a=x\0y", 5, &p), -1);
	params_free(&p);
	/* raw invalid UTF-8 */
	assert_int_equal(parse("a=\xC3(", &p), -1);
	params_free(&p);
	/* 4-byte characters are fine */
	assert_int_equal(parse("e=%F0%9F%98%80", &p), 0);
	assert_string_equal(params_get(&p, "e"), "\xF0\x9F\x98\x80");
	params_free(&p);
}

static void test_pair_limit(void **state)
{
	struct buf b = BUF_INIT;
	struct params p;

	buf_init(&b);
	for (int i = 0; i < URLENCODED_MAX_PAIRS; i++)
		buf_addf(&b, "%sk=%d", i ? "&" : "", i);
	assert_int_equal(parse(b.data, &p), 0);
	assert_int_equal(p.n, URLENCODED_MAX_PAIRS);
	params_free(&p);
	/* empty pairs do not count */
	buf_adds(&b, "&&&&");
	assert_int_equal(parse(b.data, &p), 0);
	params_free(&p);
	buf_adds(&b, "&one=more");
	assert_int_equal(parse(b.data, &p), -1);
	params_free(&p);
	buf_free(&b);
}

static void test_decode_inplace(void **state)
{
	char s[] = "a+b%20c%zz%41";
	size_t n = url_decode_inplace(s, strlen(s), true);
	s[n] = '\0';
	assert_string_equal(s, "a b c%zzA");

	char t[] = "a+b%2B";
	n = url_decode_inplace(t, strlen(t), false);
	t[n] = '\0';
	assert_string_equal(t, "a+b+");

	/* nothing past len is touched, even a '%' escape that would need it */
	char u[] = "x%41%4";
	n = url_decode_inplace(u, 5, false);
	assert_int_equal(n, 3);
	assert_memory_equal(u, "xA%", 3);
	assert_int_equal(u[5], '4');

	assert_int_equal(url_decode_inplace(u, 0, true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_pairs),
		cmocka_unit_test(test_plus_and_escapes),
		cmocka_unit_test(test_turkish_values),
		cmocka_unit_test(test_invalid_escapes_kept),
		cmocka_unit_test(test_split_rules),
		cmocka_unit_test(test_repeated_names),
		cmocka_unit_test(test_only_len_bytes_read),
		cmocka_unit_test(test_rejects_bad_text),
		cmocka_unit_test(test_pair_limit),
		cmocka_unit_test(test_decode_inplace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
