/* test_bizcal.c: dates, working days, legal deadlines and working-time clocks (UTC+3). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "core/bizcal.h"

/* 2026 around Kurban Bayramı, written out by hand (independent of holidays.c). */
static const struct holiday may_june_2026[] = {
	{20260519, false, "Atatürk'ü Anma, Gençlik ve Spor Bayramı"},
	{20260526, true, "Kurban Bayramı Arifesi"},
	{20260527, false, "Kurban Bayramı 1. Gün"},
	{20260528, false, "Kurban Bayramı 2. Gün"},
	{20260529, false, "Kurban Bayramı 3. Gün"},
	{20260530, false, "Kurban Bayramı 4. Gün"},
	{20261028, true, "Cumhuriyet Bayramı Arifesi"},
	{20261029, false, "Cumhuriyet Bayramı"},
};

static struct bizcal cal2026(void)
{
	struct bizcal cal;
	bizcal_init(&cal, may_june_2026, sizeof(may_june_2026) / sizeof(may_june_2026[0]));
	return cal;
}

/* Local wall-clock time in Istanbul. */
static int64_t at(int ymd, int hour, int minute)
{
	return unix_from_ymd_min(ymd, hour * 60 + minute);
}

static void test_dates(void **state)
{
	(void)state;
	assert_int_equal(unix_from_ymd_min(20260101, 0), 1767214800); /* 2025-12-31T21:00Z */
	assert_int_equal(ymd_from_unix(1767214800), 20260101);
	assert_int_equal(ymd_from_unix(1767214799), 20251231);
	assert_int_equal(unix_from_ymd_min(20260611, 17 * 60 + 30), 1781188200);
	assert_int_equal(ymd_from_unix(0), 19700101);
	assert_int_equal(ymd_from_unix(-3 * 3600), 19700101);
	assert_int_equal(ymd_from_unix(-3 * 3600 - 1), 19691231);
	assert_int_equal(ymd_from_unix(unix_from_ymd_min(20280229, 23 * 60 + 59)), 20280229);

	assert_int_equal(ymd_add_days(20241231, 1), 20250101);
	assert_int_equal(ymd_add_days(20240228, 1), 20240229);
	assert_int_equal(ymd_add_days(20250228, 1), 20250301);
	assert_int_equal(ymd_add_days(21000228, 1), 21000301);
	assert_int_equal(ymd_add_days(20260101, -1), 20251231);
	assert_int_equal(ymd_add_days(20260101, 365), 20270101);
	assert_int_equal(ymd_add_days(20260301, -1), 20260228);

	assert_int_equal(ymd_weekday(20260101), 3); /* Thursday */
	assert_int_equal(ymd_weekday(20261029), 3);
	assert_int_equal(ymd_weekday(20260516), 5); /* Saturday */
	assert_int_equal(ymd_weekday(20260517), 6); /* Sunday */
	assert_int_equal(ymd_weekday(20260518), 0); /* Monday */
	assert_int_equal(ymd_weekday(19691231), 2); /* before the epoch */
}

static void test_working_days(void **state)
{
	struct bizcal cal = cal2026();
	(void)state;
	assert_int_equal(cal.work_start_min, 8 * 60 + 30);
	assert_int_equal(cal.work_end_min, 17 * 60 + 30);

	assert_true(bizcal_is_working_day(&cal, 20260518));  /* Monday */
	assert_false(bizcal_is_working_day(&cal, 20260516)); /* Saturday */
	assert_false(bizcal_is_working_day(&cal, 20260517)); /* Sunday */
	assert_false(bizcal_is_working_day(&cal, 20260519)); /* 19 Mayıs, a Tuesday */
	assert_true(bizcal_is_working_day(&cal, 20260526));  /* arife: half day, still working */
	assert_false(bizcal_is_working_day(&cal, 20260527));
	assert_false(bizcal_is_working_day(&cal, 20260529));
	assert_true(bizcal_is_working_day(&cal, 20261028));

	assert_int_equal(bizcal_day_end_min(&cal, 20260518), 17 * 60 + 30);
	assert_int_equal(bizcal_day_end_min(&cal, 20260526), 13 * 60);
	assert_int_equal(bizcal_day_end_min(&cal, 20261028), 13 * 60);
	assert_int_equal(bizcal_day_end_min(&cal, 20260527), -1);
	assert_int_equal(bizcal_day_end_min(&cal, 20260516), -1);

	const struct holiday *h = bizcal_holiday(&cal, 20260527);
	assert_non_null(h);
	assert_string_equal(h->name, "Kurban Bayramı 1. Gün");
	assert_null(bizcal_holiday(&cal, 20260520));
	assert_null(bizcal_holiday(&cal, 20260101));
	assert_null(bizcal_holiday(&cal, 20261231));

	/* No holidays at all: only weekends count. */
	struct bizcal bare;
	bizcal_init(&bare, NULL, 0);
	assert_true(bizcal_is_working_day(&bare, 20260527));
	assert_false(bizcal_is_working_day(&bare, 20260530));
}

static void test_duplicate_entries(void **state)
{
	(void)state;
	/* A bayram eve on a fixed holiday (23 April 2029): the full day wins. */
	static const struct holiday dup[] = {
		{20290423, true, "Kurban Bayramı Arifesi"},
		{20290423, false, "Ulusal Egemenlik ve Çocuk Bayramı"},
	};
	struct bizcal cal;
	bizcal_init(&cal, dup, 2);
	assert_false(bizcal_is_working_day(&cal, 20290423));
	assert_false(bizcal_holiday(&cal, 20290423)->half_day);
}

static void test_law4982_fifteen_working_days(void **state)
{
	struct bizcal cal = cal2026();
	(void)state;
	/* Received Friday 15 May 2026; the count starts on the next day and skips 19 May, the
	 * weekends and Kurban Bayramı (the half-day arife counts as a working day). */
	int64_t due = bizcal_add_working_days(&cal, at(20260515, 10, 0), 15);
	assert_int_equal(ymd_from_unix(due), 20260611);
	assert_int_equal(due, at(20260611, 17, 30));
	/* Received late in the evening: same local date, same deadline. */
	assert_int_equal(bizcal_add_working_days(&cal, at(20260515, 23, 59), 15), due);
	/* Received just after local midnight on Saturday: counts from Monday 18 May anyway. */
	assert_int_equal(bizcal_add_working_days(&cal, at(20260516, 0, 1), 15), due);

	/* Ending on the arife: the deadline is 13:00. */
	assert_int_equal(bizcal_add_working_days(&cal, at(20260505, 9, 0), 14), at(20260526, 13, 0));
	/* One working day after Friday is Monday. */
	assert_int_equal(bizcal_add_working_days(&cal, at(20260522, 9, 0), 1), at(20260525, 17, 30));
	/* 0 days: end of today if working, else of the next working day. */
	assert_int_equal(bizcal_add_working_days(&cal, at(20260520, 9, 0), 0), at(20260520, 17, 30));
	assert_int_equal(bizcal_add_working_days(&cal, at(20260527, 9, 0), 0), at(20260601, 17, 30));
	/* Without the holidays the same 15 days end much earlier: the table matters. */
	struct bizcal bare;
	bizcal_init(&bare, NULL, 0);
	assert_int_equal(bizcal_add_working_days(&bare, at(20260515, 10, 0), 15), at(20260605, 17, 30));
}

static void test_calendar_days(void **state)
{
	struct bizcal cal = cal2026();
	(void)state;
	/* Plain: Wed 13 May + 7 = Wed 20 May. */
	assert_int_equal(bizcal_add_calendar_days(&cal, at(20260513, 11, 0), 7), at(20260520, 17, 30));
	/* Lands on Saturday 16 May: moves to Monday 18 May. */
	assert_int_equal(bizcal_add_calendar_days(&cal, at(20260509, 11, 0), 7), at(20260518, 17, 30));
	/* Lands on Kurban Bayramı 1st day: moves past the bayram and the weekend to Monday 1 June. */
	assert_int_equal(bizcal_add_calendar_days(&cal, at(20260520, 11, 0), 7), at(20260601, 17, 30));
	/* Lands on 19 Mayıs: moves to Wednesday 20 May. */
	assert_int_equal(bizcal_add_calendar_days(&cal, at(20260512, 11, 0), 7), at(20260520, 17, 30));
	/* Lands on the arife, a working half day: ends 13:00 that day. */
	assert_int_equal(bizcal_add_calendar_days(&cal, at(20260519, 11, 0), 7), at(20260526, 13, 0));
	/* Law 3071's 30 days from 29 September land on 29 October: next working day, Friday 30th. */
	assert_int_equal(bizcal_add_calendar_days(&cal, at(20260929, 15, 0), 30), at(20261030, 17, 30));
}

static void test_working_seconds(void **state)
{
	struct bizcal cal = cal2026();
	(void)state;
	/* Within one day. */
	assert_int_equal(bizcal_working_seconds(&cal, at(20260518, 9, 0), at(20260518, 10, 0)), 3600);
	/* Before opening and after closing count nothing. */
	assert_int_equal(bizcal_working_seconds(&cal, at(20260518, 7, 0), at(20260518, 8, 30)), 0);
	assert_int_equal(bizcal_working_seconds(&cal, at(20260518, 17, 30), at(20260518, 23, 0)), 0);
	assert_int_equal(bizcal_working_seconds(&cal, at(20260518, 7, 0), at(20260518, 9, 0)), 1800);
	/* Across a weekend: Friday 16:30-17:30 plus Monday 08:30-09:30. */
	assert_int_equal(bizcal_working_seconds(&cal, at(20260605, 16, 30), at(20260608, 9, 30)), 7200);
	/* Across the half-day arife and the bayram: 1.5 h Monday, 4.5 h on the arife (to 13:00),
	 * nothing during Kurban Bayramı and the weekend, 1.5 h on Monday 1 June. */
	assert_int_equal(bizcal_working_seconds(&cal, at(20260525, 16, 0), at(20260601, 10, 0)),
			 (int64_t)(7.5 * 3600));
	/* The afternoon of a half day is not working time. */
	assert_int_equal(bizcal_working_seconds(&cal, at(20260526, 13, 0), at(20260526, 17, 30)), 0);
	/* A holiday-free week: five 9-hour days. */
	assert_int_equal(bizcal_working_seconds(&cal, at(20260601, 0, 0), at(20260608, 0, 0)),
			 5 * 9 * 3600);
	/* Empty and reversed spans. */
	assert_int_equal(bizcal_working_seconds(&cal, at(20260518, 10, 0), at(20260518, 10, 0)), 0);
	assert_int_equal(bizcal_working_seconds(&cal, at(20260518, 11, 0), at(20260518, 10, 0)), 0);
	/* An SLA clock with a pause is the sum of its running spans. */
	int64_t running = bizcal_working_seconds(&cal, at(20260518, 9, 0), at(20260518, 12, 0)) +
			  bizcal_working_seconds(&cal, at(20260520, 14, 0), at(20260520, 15, 0));
	assert_int_equal(running, 4 * 3600);
	/* Other office hours. */
	cal.work_start_min = 9 * 60;
	cal.work_end_min = 18 * 60;
	assert_int_equal(bizcal_working_seconds(&cal, at(20260518, 0, 0), at(20260519, 0, 0)), 9 * 3600);
	assert_int_equal(bizcal_working_seconds(&cal, at(20260526, 0, 0), at(20260527, 0, 0)), 4 * 3600);
	assert_int_equal(bizcal_day_end_min(&cal, 20260518), 18 * 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_working_days),
		cmocka_unit_test(test_duplicate_entries),
		cmocka_unit_test(test_law4982_fifteen_working_days),
		cmocka_unit_test(test_calendar_days),
		cmocka_unit_test(test_working_seconds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
