/* test_docnum.c: official document numbers (core/docnum.h): the format, and every input it must refuse. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "core/docnum.h"

static void test_sdp_code_valid(void **state)
{
	(void)state;
	const char *good[] = {"010", "010.06", "010.06.02", "050.01.04", "602", "900.01.02.03", "050.01.003",
			      "999.999", "000.00"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(sdp_code_valid(good[i]));
	const char *bad[] = {"",	  "10",	      "0100",	  "1",	      "010.",	    ".010",
			     "010..06",	  "010.6",    "010.0606", "010.06.2", " 010",	    "010 ",
			     "01a",	  "010.0a",   "010-06",	  "010,06",   "010.06.02.", "٠١٠", /* Arabic-Indic */
			     "010.06\n", "+10",	      "a10.06"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (sdp_code_valid(bad[i]))
			fail_msg("'%s' should not be a file-plan code", bad[i]);
	assert_false(sdp_code_valid(NULL));
}

static void test_format(void **state)
{
	(void)state;
	char out[64];
	memset(out, 'x', sizeof out);
	assert_int_equal(docnum_format(out, sizeof out, "12345678", "010.06.02", 1234), 0);
	assert_string_equal(out, "E-12345678-010.06.02-1234");
	assert_int_equal(docnum_format(out, sizeof out, "00000001", "030", 1), 0);
	assert_string_equal(out, "E-00000001-030-1");
	assert_int_equal(docnum_format(out, sizeof out, "87654321", "050.01", INT64_MAX), 0);
	assert_string_equal(out, "E-87654321-050.01-9223372036854775807");

	/* Exactly fits: "E-12345678-010-7" is 16 characters and the NUL. */
	char small[17];
	assert_int_equal(docnum_format(small, sizeof small, "12345678", "010", 7), 0);
	assert_string_equal(small, "E-12345678-010-7");
	/* One byte short: refused, and out left empty rather than cut. */
	assert_int_equal(docnum_format(small, sizeof small, "12345678", "010", 17), -1);
	assert_string_equal(small, "");
	assert_int_equal(docnum_format(small, 16, "12345678", "010", 7), -1);
	assert_string_equal(small, "");
	assert_int_equal(docnum_format(small, 0, "12345678", "010", 7), -1);
}

static void test_format_refused(void **state)
{
	(void)state;
	char out[64];
	const char *bad_units[] = {"1234567", "123456789", "1234567a", "", " 2345678", "12345678 ", "-1234567",
				   "1234.678"};
	for (size_t i = 0; i < sizeof bad_units / sizeof bad_units[0]; i++) {
		strcpy(out, "junk");
		if (docnum_format(out, sizeof out, bad_units[i], "010.06.02", 1) != -1)
			fail_msg("unit '%s' should be refused", bad_units[i]);
		assert_string_equal(out, "");
	}
	assert_int_equal(docnum_format(out, sizeof out, NULL, "010", 1), -1);
	assert_int_equal(docnum_format(out, sizeof out, "12345678", NULL, 1), -1);
	assert_int_equal(docnum_format(out, sizeof out, "12345678", "10.06", 1), -1);
	assert_int_equal(docnum_format(out, sizeof out, "12345678", "010.6", 1), -1);
	assert_int_equal(docnum_format(out, sizeof out, "12345678", "010.06-1", 1), -1);
	assert_int_equal(docnum_format(out, sizeof out, "12345678", "", 1), -1);
	assert_int_equal(docnum_format(out, sizeof out, "12345678", "010", 0), -1);
	assert_int_equal(docnum_format(out, sizeof out, "12345678", "010", -5), -1);
	assert_int_equal(docnum_format(out, sizeof out, "12345678", "010", INT64_MIN), -1);
	assert_string_equal(out, "");
	/* The same inputs with good values pass, so the refusals above are for the reason named. */
	assert_int_equal(docnum_format(out, sizeof out, "12345678", "010", 1), 0);
	assert_string_equal(out, "E-12345678-010-1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sdp_code_valid),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
