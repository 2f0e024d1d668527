/* test_cookie.c: unit tests for Cookie header lookup. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "http/cookie.h"

static void expect_cookie(const char *header, const char *name, const char *value)
{
	char out[64];
	if (cookie_get(header, name, out, sizeof out) != 0)
		fail_msg("cookie %s not found in \"%s\"", name, header);
	assert_string_equal(out, value);
}

static void expect_none(const char *header, const char *name)
{
	char out[64] = "junk";
	assert_int_equal(cookie_get(header, name, out, sizeof out), -1);
	assert_string_equal(out, "");
}

static void test_found(void **state)
{
	expect_cookie("a=b", "a", "b");
	expect_cookie("a=b; c=\"d\"", "c", "d");
	expect_cookie("sid=abc123; csrf=xyz", "sid", "abc123");
	expect_cookie("sid=abc123; csrf=xyz", "csrf", "xyz");
	expect_cookie("  x = 1 ;\ty=2\t;z=3  ", "y", "2");
	expect_cookie("  x = 1 ;\ty=2\t;z=3  ", "x", "1");
	expect_cookie("  x = 1 ;\ty=2\t;z=3  ", "z", "3");
	expect_cookie("e=; f=1", "e", "");
	expect_cookie("q=\"\"", "q", "");
	expect_cookie("b64=YWJj==; n=2", "b64", "YWJj=="); /* only the first '=' splits */
	expect_cookie("lang=tr-TR;;; ;theme=dark", "theme", "dark");
	expect_cookie("flag; k=v", "k", "v");             /* pairs without '=' skipped */
	expect_cookie("dup=first; dup=second", "dup", "first");
	expect_cookie("q=\"unbalanced", "q", "\"unbalanced");
}

static void test_not_found(void **state)
{
	expect_none("", "a");
	expect_none("a=b", "b");
	expect_none("ab=1", "a");          /* no prefix match */
	expect_none("a=1", "ab");
	expect_none("SID=1", "sid");       /* names are case-sensitive */
	expect_none("x=sid=1", "sid");     /* inside another value */
	expect_none("sid", "sid");         /* no '=' */
	expect_none("a=1\x01", "a");       /* control character */
	expect_none("a=1\t2", "a");
	expect_none("a=b", "");
}

static void test_size(void **state)
{
	char out[4];
	assert_int_equal(cookie_get("a=123", "a", out, sizeof out), 0);
	assert_string_equal(out, "123");
	assert_int_equal(cookie_get("a=1234", "a", out, sizeof out), -1);
	assert_string_equal(out, "");
	assert_int_equal(cookie_get("a=\"123\"", "a", out, sizeof out), 0);
	assert_string_equal(out, "123");
	assert_int_equal(cookie_get("a=1", "a", out, 0), -1);
	assert_int_equal(cookie_get(NULL, "a", out, sizeof out), -1);
	assert_int_equal(cookie_get("a=1", NULL, out, sizeof out), -1);
	assert_int_equal(cookie_get("a=1", "a", NULL, 4), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
