/* test_json_body.c: unit tests for strict JSON request body parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "http/json_body.h"
#include "util/buf.h"

static json_t *parse(const char *s, char *err, size_t errsz)
{
	return json_body_parse(s, strlen(s), err, errsz);
}

/* Must fail, with a message containing want. */
static void expect_error(const char *s, size_t len, const char *want)
{
	char err[200] = "unset";
	json_t *j = json_body_parse(s, len, err, sizeof err);
	if (j) {
		json_decref(j);
		fail_msg("parsed: %.*s", (int)len, s);
	}
	if (!strstr(err, want))
		fail_msg("error \"%s\" does not mention \"%s\"", err, want);
}

static void test_valid(void **state)
{
	char err[200] = "unset";
	json_t *j = parse(" {\"konu\": \"Şikâyet İçerik\", \"n\": 3, \"a\": [1, {\"b\": null}],"
			  " \"esc\": \"\\u015e\\u0130\", \"e\": \"\\ud83d\\ude00\"}\n", err, sizeof err);
	assert_non_null(j);
	assert_string_equal(err, "");
	assert_string_equal(json_body_str(j, "konu"), "Şikâyet İçerik");
	assert_string_equal(json_body_str(j, "esc"), "Şİ");
	assert_string_equal(json_body_str(j, "e"), "\xF0\x9F\x98\x80");
	assert_null(json_body_str(j, "n"));      /* not a string */
	assert_null(json_body_str(j, "a"));
	assert_null(json_body_str(j, "absent"));
	assert_null(json_body_str(NULL, "konu"));
	json_decref(j);

	j = parse("{}", NULL, 0); /* no error buffer needed */
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 0);
	json_decref(j);
}

static void test_not_an_object(void **state)
{
	expect_error("[1,2]", 5, "not an object");
	expect_error("\"s\"", 3, "not an object");
	expect_error("42", 2, "not an object");
	expect_error("null", 4, "not an object");
	expect_error("", 0, "empty");
	expect_error("   ", 3, "invalid JSON");
}

static void test_syntax(void **state)
{
	expect_error("{\"a\":1,}", 8, "byte");
	expect_error("{\"a\":1} x", 9, "invalid JSON");   /* trailing data */
	expect_error("{\"a\":1}{}", 9, "invalid JSON");
	expect_error("{'a':1}", 7, "invalid JSON");
	expect_error("{\"a\":1", 6, "invalid JSON");
	expect_error("{\"a\":1e999}", 11, "invalid JSON");
	expect_error("{\"a\":1,\"a\":2}", 13, "duplicate");
	/* the message carries the position */
	char err[200];
	assert_null(parse("{\"a\": tru}", err, sizeof err));
	assert_non_null(strstr(err, "line 1"));
}

static void test_nul_and_utf8(void **state)
{
	expect_error("{\"a\":\"x\0y\"}", 11, "NUL byte at byte 7");
	expect_error("{\"a\":\"\\u0000\"}", 14, "invalid JSON");
	expect_error("{\"a\":\"\xFF\"}", 9, "invalid UTF-8");
	expect_error("{\"a\":\"\xC0\xAF\"}", 10, "invalid UTF-8");
	expect_error("{\"a\":\"\xED\xA0\x80\"}", 11, "invalid UTF-8");
	expect_error("{\"\xC3\":1}", 7, "invalid UTF-8");
	expect_error("{\"a\":\"\\ud800\"}", 14, "invalid JSON"); /* lone surrogate escape */
}

static void test_depth(void **state)
{
	struct buf b = BUF_INIT;
	buf_init(&b);
	/* depth 32 (the top-level object included) is accepted */
	buf_adds(&b, "{\"a\":");
	for (int i = 0; i < JSON_BODY_MAX_DEPTH - 1; i++)
		buf_addc(&b, '[');
	for (int i = 0; i < JSON_BODY_MAX_DEPTH - 1; i++)
		buf_addc(&b, ']');
	buf_addc(&b, '}');
	json_t *j = json_body_parse(b.data, b.len, NULL, 0);
	assert_non_null(j);
	json_decref(j);

	/* 33 is not */
	buf_reset(&b);
	buf_adds(&b, "{\"a\":");
	for (int i = 0; i < JSON_BODY_MAX_DEPTH; i++)
		buf_adds(&b, "{\"b\":");
	buf_adds(&b, "1");
	for (int i = 0; i < JSON_BODY_MAX_DEPTH + 1; i++)
		buf_addc(&b, '}');
	expect_error(b.data, b.len, "nesting");

	/* brackets inside strings do not count */
	buf_reset(&b);
	buf_adds(&b, "{\"a\":\"");
	for (int i = 0; i < 100; i++)
		buf_adds(&b, "[{\\\"");
	buf_adds(&b, "\"}");
	j = json_body_parse(b.data, b.len, NULL, 0);
	assert_non_null(j);
	json_decref(j);

	/* very deep input is refused before jansson recurses into it */
	buf_reset(&b);
	for (int i = 0; i < 100000; i++)
		buf_addc(&b, '[');
	expect_error(b.data, b.len, "nesting");
	buf_free(&b);
}

static void test_small_error_buffer(void **state)
{
	char err[8];
	memset(err, 'x', sizeof err);
	assert_null(parse("[]", err, sizeof err));
	assert_int_equal(strlen(err), sizeof err - 1); /* truncated, terminated */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_nul_and_utf8),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_small_error_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
