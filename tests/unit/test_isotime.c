/* test_isotime.c: ISO 8601 local times of the JSON API: formatting, parsing with and without offsets, bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "core/bizcal.h"
#include "core/isotime.h"

static void test_format(void **state)
{
	(void)state;
	char s[ISO_TIME_SIZE];
	iso_time_format(unix_from_ymd_min(20261202, 10 * 60 + 30), s);
	assert_string_equal(s, "2026-12-02T10:30:00+03:00");
	iso_time_format(unix_from_ymd_min(20261231, 23 * 60 + 59) + 59, s);
	assert_string_equal(s, "2026-12-31T23:59:59+03:00");
	iso_time_format(0, s);
	assert_string_equal(s, "1970-01-01T03:00:00+03:00");
	char d[ISO_DATE_SIZE];
	iso_date_format(20260229 - 100 + 100, d); /* formatting does not judge */
	assert_string_equal(d, "2026-02-29");
	iso_date_format(20261202, d);
	assert_string_equal(d, "2026-12-02");
}

static void test_parse(void **state)
{
	(void)state;
	int64_t t, want = unix_from_ymd_min(20261202, 10 * 60 + 30);
	assert_int_equal(iso_time_parse("2026-12-02T10:30:00+03:00", &t), 0);
	assert_int_equal(t, want);
	assert_int_equal(iso_time_parse("2026-12-02T10:30+03:00", &t), 0);
	assert_int_equal(t, want);
	assert_int_equal(iso_time_parse("2026-12-02T10:30", &t), 0); /* local time */
	assert_int_equal(t, want);
	assert_int_equal(iso_time_parse("2026-12-02 10:30", &t), 0);
	assert_int_equal(t, want);
	assert_int_equal(iso_time_parse("2026-12-02T07:30:00Z", &t), 0);
	assert_int_equal(t, want);
	assert_int_equal(iso_time_parse("2026-12-02T08:30:00+0100", &t), 0);
	assert_int_equal(t, want);
	assert_int_equal(iso_time_parse("2026-12-02T02:30:00-05:00", &t), 0);
	assert_int_equal(t, want);
	assert_int_equal(iso_time_parse("2026-12-02T10:30:15+03:00", &t), 0);
	assert_int_equal(t, want + 15);
	/* round trip */
	char s[ISO_TIME_SIZE];
	iso_time_format(want + 15, s);
	assert_int_equal(iso_time_parse(s, &t), 0);
	assert_int_equal(t, want + 15);
	assert_int_equal(iso_date_parse("2026-12-02"), 20261202);
	assert_int_equal(iso_date_parse("2028-02-29"), 20280229);
}

static void test_parse_refuses(void **state)
{
	(void)state;
	int64_t t;
	static const char *const bad[] = {
		"", "2026-12-02", "2026-12-02T", "2026-12-02T10", "2026-13-02T10:30", "2026-02-30T10:30",
		"2026-12-02T24:00", "2026-12-02T10:60", "2026-12-02T10:30:60", "2026-12-02T10:30:00.5+03:00",
		"2026-12-02T10:30+3", "2026-12-02T10:30+03:00x", "2026-12-02X10:30", "26-12-02T10:30",
		"2026-12-02T10:30:00+25:00", "2026-12-02T1a:30",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (iso_time_parse(bad[i], &t) != -1)
			fail_msg("accepted '%s'", bad[i]);
	}
	assert_int_equal(iso_time_parse(NULL, &t), -1);
	assert_int_equal(iso_date_parse("2026-02-29"), 0);
	assert_int_equal(iso_date_parse("2026-12-2"), 0);
	assert_int_equal(iso_date_parse(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_refuses),
	};
	return cmocka_run_group_tests_name("isotime", tests, NULL, NULL);
}
