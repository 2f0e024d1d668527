/* test_password.c: argon2id hashing, verification, rehash detection and the password policy. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "core/password.h"
#include "core/token.h"

static void test_hash_and_verify(void **state)
{
	char h1[128], h2[128];
	(void)state;
	assert_int_equal(crypto_init(), 0);
	assert_int_equal(password_hash("Belediye-Sekreter-2026", h1), 0);
	assert_int_equal(strncmp(h1, "$argon2id$v=19$m=19456,t=2,p=1$", 31), 0);
	assert_true(password_verify(h1, "Belediye-Sekreter-2026"));
	assert_false(password_verify(h1, "belediye-Sekreter-2026"));
	assert_false(password_verify(h1, "Belediye-Sekreter-2026 "));
	assert_false(password_verify(h1, ""));
	assert_false(password_verify(h1, NULL));
	assert_false(password_verify(NULL, "Belediye-Sekreter-2026"));
	assert_false(password_verify("not a hash", "Belediye-Sekreter-2026"));
	assert_false(password_needs_rehash(h1));

	/* Salted: same password, different hash, both verify. Non-ASCII passwords work. */
	assert_int_equal(password_hash("Şifre-Öğün-Çığ-İı", h2), 0);
	assert_true(password_verify(h2, "Şifre-Öğün-Çığ-İı"));
	assert_false(password_verify(h2, "Sifre-Ogun-Cig-Ii"));
	char h3[128];
	assert_int_equal(password_hash("Şifre-Öğün-Çığ-İı", h3), 0);
	assert_string_not_equal(h2, h3);
	assert_true(password_verify(h3, "Şifre-Öğün-Çığ-İı"));

	assert_int_equal(password_hash(NULL, h3), -1);
}

static void test_needs_rehash(void **state)
{
	(void)state;
	/* Weaker parameters (argon2id, m=8 MiB, t=1) from an older configuration. */
	static const char weak[] =
		"$argon2id$v=19$m=8192,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
		"yBv5o2fMTSJ5Y1OhUJp8hVOUj4tYR0gKGKYgL5N8gbk";
	assert_true(password_needs_rehash(weak));
	assert_true(password_needs_rehash("garbage"));
	assert_true(password_needs_rehash(NULL));
}

static void test_policy(void **state)
{
	(void)state;
	assert_null(password_policy_error("uzun-bir-parola", "ayse"));
	assert_null(password_policy_error("123456789012", NULL));
	assert_string_equal(password_policy_error("kisa", "ayse"), "error.password.too_short");
	assert_string_equal(password_policy_error("12345678901", "ayse"), "error.password.too_short");
	/* 12 code points but 24 bytes: long enough; 11 code points in 22 bytes: too short. */
	assert_null(password_policy_error("şşşşşşşşşşşş", "ayse"));
	assert_string_equal(password_policy_error("şşşşşşşşşşş", "ayse"), "error.password.too_short");
	assert_string_equal(password_policy_error("ayse.yilmaz.1", "ayse.yilmaz.1"),
			    "error.password.same_as_username");
	assert_string_equal(password_policy_error("AYŞE.YILMAZ.1", "ayse.yilmaz.1"),
			    "error.password.same_as_username");
	assert_null(password_policy_error("ayse.yilmaz.12", "ayse.yilmaz.1"));

	char longpw[300];
	memset(longpw, 'x', 256);
	longpw[256] = '\0';
	assert_null(password_policy_error(longpw, "ayse"));
	longpw[256] = 'x';
	longpw[257] = '\0';
	assert_string_equal(password_policy_error(longpw, "ayse"), "error.password.too_long");
	assert_string_equal(password_policy_error("abcdefghijk\xff", "ayse"), "error.password.invalid");
	assert_string_equal(password_policy_error(NULL, "ayse"), "error.password.invalid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_and_verify),
		cmocka_unit_test(test_needs_rehash),
		cmocka_unit_test(test_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
