/* test_tckn.c: TCKN check digits (including the negative-remainder case) and masking. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "core/tckn.h"

static void test_valid_numbers(void **state)
{
	(void)state;
	assert_true(tckn_valid("10000000146")); /* the value in legal.md */
	assert_true(tckn_valid("12345678950"));
	assert_true(tckn_valid("55555555550"));
	assert_true(tckn_valid("99999999990"));
	/* 99-prefixed foreign resident number, same check digits */
	assert_true(tckn_valid("99123456740"));
}

static void test_negative_remainder(void **state)
{
	(void)state;
	/* odd sum 1, even sum 36: 1*7 - 36 = -29; C's % gives -9, the right digit is 1. */
	assert_true(tckn_valid("19090909018"));
	assert_false(tckn_valid("19090909098"));
}

static void test_invalid_numbers(void **state)
{
	(void)state;
	assert_false(tckn_valid(NULL));
	assert_false(tckn_valid(""));
	assert_false(tckn_valid("10000000147"));  /* 11th digit wrong */
	assert_false(tckn_valid("10000000156"));  /* 10th digit wrong */
	assert_false(tckn_valid("12345678946"));  /* the mask example is not a real TCKN */
	assert_false(tckn_valid("00000000000"));  /* leading zero */
	assert_false(tckn_valid("01234567890"));
	assert_false(tckn_valid("1000000014"));   /* 10 digits */
	assert_false(tckn_valid("100000001460")); /* 12 digits */
	assert_false(tckn_valid("1000000014a"));
	assert_false(tckn_valid(" 10000000146"));
	assert_false(tckn_valid("10000000146 "));
	assert_false(tckn_valid("1000-000146"));
}

static void test_mask(void **state)
{
	char out[12];
	(void)state;
	tckn_mask("12345678946", out);
	assert_string_equal(out, "123******46");
	tckn_mask("10000000146", out);
	assert_string_equal(out, "100******46");
	tckn_mask("1234567894", out);
	assert_string_equal(out, "***");
	tckn_mask("123456789460", out);
	assert_string_equal(out, "***");
	tckn_mask("", out);
	assert_string_equal(out, "***");
	tckn_mask(NULL, out);
	assert_string_equal(out, "***");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_numbers),
		cmocka_unit_test(test_negative_remainder),
		cmocka_unit_test(test_invalid_numbers),
		cmocka_unit_test(test_mask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
