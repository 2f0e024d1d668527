/* test_phone.c: phone number normalisation to E.164 and display formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "core/phone.h"

static void expect_ok(const char *in, const char *want)
{
	char out[PHONE_E164_SIZE];
	int r = phone_normalize(in, out);
	if (r != 0)
		fail_msg("'%s' rejected", in);
	assert_string_equal(out, want);
}

static void expect_bad(const char *in)
{
	char out[PHONE_E164_SIZE] = "x";
	if (phone_normalize(in, out) != -1)
		fail_msg("'%s' accepted as '%s'", in ? in : "(null)", out);
	assert_string_equal(out, "");
}

static void test_turkish_forms(void **state)
{
	(void)state;
	expect_ok("0532 123 45 67", "+905321234567");
	expect_ok("(0532) 123-45-67", "+905321234567");
	expect_ok("5321234567", "+905321234567");
	expect_ok("+90 532 123 45 67", "+905321234567");
	expect_ok("90 532 123 45 67", "+905321234567");
	expect_ok("+905321234567", "+905321234567");
	expect_ok("0090 532 123 45 67", "+905321234567");
	expect_ok("+90 (0532) 123 45 67", "+905321234567");
	expect_ok("0532.123.45.67", "+905321234567");
	expect_ok("0332 123 45 67", "+903321234567"); /* Konya landline */
	expect_ok("0212 555 12 34", "+902125551234");
}

static void test_international(void **state)
{
	(void)state;
	expect_ok("+49 30 1234567", "+49301234567");
	expect_ok("+1 (202) 555-0142", "+12025550142");
	expect_ok("0049 30 1234567", "+49301234567");
	expect_ok("+12345678", "+12345678"); /* 8 digits, the shortest accepted */
	expect_ok("+123456789012345", "+123456789012345"); /* 15 digits, the longest */
	expect_ok("00123456789012345", "+123456789012345");
}

static void test_invalid(void **state)
{
	(void)state;
	expect_bad(NULL);
	expect_bad("");
	expect_bad("   ");
	expect_bad("0632 123 45 67");   /* national numbers start with 2..5 */
	expect_bad("0132 123 45 67");
	expect_bad("532 123 45 6");     /* 9 digits */
	expect_bad("0532 123 45 678");  /* 11 national digits */
	expect_bad("+90 632 123 45 67");
	expect_bad("+90 532 123 45");
	expect_bad("+1234567");         /* 7 digits */
	expect_bad("+1234567890123456"); /* 16 digits */
	expect_bad("001234567890123456");
	expect_bad("0012345678901234567890");
	expect_bad("0532 123 45 67 ext 5");
	expect_bad("0532/123 45 67");
	expect_bad("05321234567+");
	expect_bad("++905321234567");
	expect_bad("+0 532 123 45 67");
	expect_bad("49 30 1234567");    /* foreign number without + is ambiguous */
	expect_bad("444 1 234");        /* short service numbers have no E.164 form */
}

static void test_format(void **state)
{
	char out[24];
	(void)state;
	phone_format("+905321234567", out);
	assert_string_equal(out, "+90 532 123 45 67");
	phone_format("+903321234567", out);
	assert_string_equal(out, "+90 332 123 45 67");
	phone_format("+49301234567", out);
	assert_string_equal(out, "+49301234567");
	phone_format("+9053212345", out); /* too short for Turkish: unchanged */
	assert_string_equal(out, "+9053212345");
	phone_format("", out);
	assert_string_equal(out, "");
	phone_format(NULL, out);
	assert_string_equal(out, "");
	phone_format("+123456789012345678901234567890", out);
	assert_int_equal(strlen(out), 23);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_turkish_forms),
		cmocka_unit_test(test_international),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
