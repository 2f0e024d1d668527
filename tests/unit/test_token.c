/* test_token.c: random tokens, token hashes, constant-time equality and CSRF tokens. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "core/token.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static void test_token_new(void **state)
{
	enum { N = 1000 };
	static char toks[N][TOKEN_CHARS + 1];
	(void)state;
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(crypto_init(), 0); /* idempotent */
	for (int i = 0; i < N; i++) {
		token_new(toks[i]);
		assert_int_equal(strlen(toks[i]), TOKEN_CHARS);
		for (const char *p = toks[i]; *p; p++)
			assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					       "0123456789-_", *p));
	}
	qsort(toks, N, sizeof(toks[0]), cmp_str);
	for (int i = 1; i < N; i++)
		assert_string_not_equal(toks[i - 1], toks[i]);
}

static void test_hash(void **state)
{
	char h[65];
	(void)state;
	token_hash_hex("abc", h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	token_hash_hex("", h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	char t[TOKEN_CHARS + 1], h2[65];
	token_new(t);
	token_hash_hex(t, h);
	token_hash_hex(t, h2);
	assert_string_equal(h, h2);
	assert_int_equal(strlen(h), 64);
	t[0] = t[0] == 'A' ? 'B' : 'A';
	token_hash_hex(t, h2);
	assert_string_not_equal(h, h2);
}

static void test_equal(void **state)
{
	(void)state;
	assert_true(token_equal("abcdef", "abcdef"));
	assert_false(token_equal("abcdef", "abcdeg"));
	assert_false(token_equal("abcdef", "abcde"));
	assert_false(token_equal("abcde", "abcdef"));
	assert_false(token_equal("abcdef", ""));
	assert_true(token_equal("", ""));
	assert_false(token_equal(NULL, "a"));
	assert_false(token_equal("a", NULL));
	assert_false(token_equal(NULL, NULL));
}

static void test_csrf(void **state)
{
	unsigned char key[32], other_key[32];
	char sess[65], other_sess[65], tok[TOKEN_CHARS + 1], again[TOKEN_CHARS + 1];
	(void)state;
	memset(key, 7, sizeof(key));
	memset(other_key, 8, sizeof(other_key));
	token_hash_hex("session-one", sess);
	token_hash_hex("session-two", other_sess);

	csrf_token(key, sess, tok);
	assert_int_equal(strlen(tok), TOKEN_CHARS);
	csrf_token(key, sess, again);
	assert_string_equal(tok, again); /* deterministic per session and key */

	assert_true(csrf_check(key, sess, tok));
	assert_false(csrf_check(key, other_sess, tok)); /* another session's token */
	assert_false(csrf_check(other_key, sess, tok)); /* another server key */
	char bad[TOKEN_CHARS + 1];
	memcpy(bad, tok, sizeof(bad));
	bad[10] = bad[10] == 'x' ? 'y' : 'x';
	assert_false(csrf_check(key, sess, bad));
	bad[TOKEN_CHARS - 1] = '\0';
	assert_false(csrf_check(key, sess, bad));
	assert_false(csrf_check(key, sess, ""));
	assert_false(csrf_check(key, sess, NULL));
	assert_false(csrf_check(key, NULL, tok));
	assert_false(csrf_check(key, "", tok));
	/* No session, no CSRF token: one for the empty hash would be shared by every visitor. */
	char anon[TOKEN_CHARS + 1];
	csrf_token(key, "", anon);
	assert_false(csrf_check(key, "", anon));
	assert_false(csrf_check(key, NULL, anon));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_new),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_csrf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
