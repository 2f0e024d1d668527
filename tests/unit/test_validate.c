/* test_validate.c: e-mail, date, time and UTF-8 validators. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "core/validate.h"

static void test_email(void **state)
{
	(void)state;
	assert_true(email_valid("ayse@example.com"));
	assert_true(email_valid("ayse.yilmaz+ajanda@belediye.bel.tr"));
	assert_true(email_valid("a@b.co"));
	assert_true(email_valid("şule@örnek.com.tr")); /* internationalised, valid UTF-8 */

	assert_false(email_valid(NULL));
	assert_false(email_valid(""));
	assert_false(email_valid("ayse"));
	assert_false(email_valid("@example.com"));
	assert_false(email_valid("ayse@"));
	assert_false(email_valid("ayse@localhost"));
	assert_false(email_valid("ayse@@example.com"));
	assert_false(email_valid("ay@se@example.com"));
	assert_false(email_valid("ayse@.example.com"));
	assert_false(email_valid("ayse@example.com."));
	assert_false(email_valid("ayse@example..com"));
	assert_false(email_valid("ay se@example.com"));
	assert_false(email_valid("ayse@exam\tple.com"));
	assert_false(email_valid("ayse@example.com\n"));
	assert_false(email_valid("ayse@exa\x7fmple.com"));
	assert_false(email_valid("ayse@\xff\xfe.com"));

	char long_local[80], too_long[300];
	memset(long_local, 'a', 65);
	strcpy(long_local + 65, "@example.com");
	assert_false(email_valid(long_local));
	memset(long_local, 'a', 64);
	strcpy(long_local + 64, "@example.com");
	assert_true(email_valid(long_local));
	strcpy(too_long, "a@");
	memset(too_long + 2, 'b', 249);
	strcpy(too_long + 251, ".tr"); /* 254 bytes */
	assert_true(email_valid(too_long));
	strcpy(too_long + 251, ".com"); /* 255 bytes */
	assert_false(email_valid(too_long));
}

static void test_date(void **state)
{
	int y = 0, m = 0, d = 0;
	(void)state;
	assert_true(date_valid("2026-10-29", &y, &m, &d));
	assert_int_equal(y, 2026);
	assert_int_equal(m, 10);
	assert_int_equal(d, 29);
	assert_true(date_valid("2024-02-29", NULL, NULL, NULL)); /* leap year */
	assert_true(date_valid("2000-02-29", NULL, NULL, NULL)); /* divisible by 400 */
	assert_true(date_valid("2026-12-31", NULL, &m, NULL));
	assert_int_equal(m, 12);
	assert_true(date_valid("0001-01-01", NULL, NULL, NULL));

	assert_false(date_valid("2026-02-29", &y, &m, &d));
	assert_false(date_valid("1900-02-29", NULL, NULL, NULL)); /* century, not leap */
	assert_false(date_valid("2026-04-31", NULL, NULL, NULL));
	assert_false(date_valid("2026-13-01", NULL, NULL, NULL));
	assert_false(date_valid("2026-00-10", NULL, NULL, NULL));
	assert_false(date_valid("2026-01-00", NULL, NULL, NULL));
	assert_false(date_valid("2026-01-32", NULL, NULL, NULL));
	assert_false(date_valid("0000-01-01", NULL, NULL, NULL));
	assert_false(date_valid("2026-1-01", NULL, NULL, NULL));
	assert_false(date_valid("2026/01/01", NULL, NULL, NULL));
	assert_false(date_valid("2026-01-01T00:00", NULL, NULL, NULL));
	assert_false(date_valid("29.10.2026", NULL, NULL, NULL));
	assert_false(date_valid("2026-0a-01", NULL, NULL, NULL));
	assert_false(date_valid("", NULL, NULL, NULL));
	assert_false(date_valid(NULL, NULL, NULL, NULL));
	/* a failed parse leaves the outputs alone */
	y = 7;
	assert_false(date_valid("2026-02-30", &y, NULL, NULL));
	assert_int_equal(y, 7);
}

static void test_time(void **state)
{
	int h = -1, min = -1;
	(void)state;
	assert_true(time_valid("08:30", &h, &min));
	assert_int_equal(h, 8);
	assert_int_equal(min, 30);
	assert_true(time_valid("00:00", NULL, NULL));
	assert_true(time_valid("23:59", &h, NULL));
	assert_int_equal(h, 23);

	assert_false(time_valid("24:00", NULL, NULL));
	assert_false(time_valid("12:60", NULL, NULL));
	assert_false(time_valid("8:30", NULL, NULL));
	assert_false(time_valid("08:3", NULL, NULL));
	assert_false(time_valid("08.30", NULL, NULL));
	assert_false(time_valid("08:30:00", NULL, NULL));
	assert_false(time_valid("0a:30", NULL, NULL));
	assert_false(time_valid("", NULL, NULL));
	assert_false(time_valid(NULL, NULL, NULL));
}

static void test_utf8(void **state)
{
	(void)state;
	assert_int_equal(utf8_length(""), 0);
	assert_int_equal(utf8_length("abc"), 3);
	assert_int_equal(utf8_length("Işık"), 4);
	assert_int_equal(utf8_length("İstanbul"), 8);
	assert_int_equal(utf8_length("€"), 1);
	assert_int_equal(utf8_length("\xf0\x9f\x98\x80"), 1); /* U+1F600 */
	assert_true(utf8_length(NULL) == SIZE_MAX);
	assert_true(utf8_length("a\xff") == SIZE_MAX);

	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("ğüşöçı", strlen("ğüşöçı")));
	assert_true(utf8_valid("a\0b", 3));
	assert_true(utf8_valid("\xf4\x8f\xbf\xbf", 4));     /* U+10FFFF */
	assert_false(utf8_valid("\xc3", 1));                 /* truncated */
	assert_false(utf8_valid("\xc3\xbc", 1));             /* cut by len */
	assert_false(utf8_valid("\x80", 1));                 /* stray continuation */
	assert_false(utf8_valid("\xc0\xaf", 2));             /* overlong '/' */
	assert_false(utf8_valid("\xe0\x80\xaf", 3));         /* overlong */
	assert_false(utf8_valid("\xed\xa0\x80", 3));         /* surrogate D800 */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));     /* above U+10FFFF */
	assert_false(utf8_valid("\xf8\x88\x80\x80\x80", 5)); /* 5-byte form */
	assert_false(utf8_valid("\xc3\x28", 2));             /* bad continuation */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
