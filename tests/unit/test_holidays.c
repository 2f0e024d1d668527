/* test_holidays.c: seeded Turkish holidays: fixed dates, bayram tables, merging, bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "core/bizcal.h"
#include "core/holidays.h"

static const struct holiday *find(const struct holiday *h, size_t n, int ymd)
{
	for (size_t i = 0; i < n; i++)
		if (h[i].ymd == ymd)
			return &h[i];
	return NULL;
}

static void expect(const struct holiday *h, size_t n, int ymd, bool half, const char *name)
{
	const struct holiday *e = find(h, n, ymd);
	if (!e)
		fail_msg("no holiday on %d", ymd);
	assert_int_equal(e->half_day, half);
	assert_string_equal(e->name, name);
}

static void test_fixed_only_year(void **state)
{
	struct holiday h[HOLIDAYS_PER_YEAR_MAX];
	(void)state;
	size_t n = holidays_for_year(2040, h, HOLIDAYS_PER_YEAR_MAX);
	assert_int_equal(n, 8);
	expect(h, n, 20400101, false, "Yılbaşı");
	expect(h, n, 20400423, false, "Ulusal Egemenlik ve Çocuk Bayramı");
	expect(h, n, 20400501, false, "Emek ve Dayanışma Günü");
	expect(h, n, 20400519, false, "Atatürk'ü Anma, Gençlik ve Spor Bayramı");
	expect(h, n, 20400715, false, "Demokrasi ve Millî Birlik Günü");
	expect(h, n, 20400830, false, "Zafer Bayramı");
	expect(h, n, 20401028, true, "Cumhuriyet Bayramı Arifesi");
	expect(h, n, 20401029, false, "Cumhuriyet Bayramı");
}

static void test_2026(void **state)
{
	struct holiday h[HOLIDAYS_PER_YEAR_MAX];
	(void)state;
	size_t n = holidays_for_year(2026, h, HOLIDAYS_PER_YEAR_MAX);
	assert_int_equal(n, 8 + 4 + 5);
	expect(h, n, 20260319, true, "Ramazan Bayramı Arifesi");
	expect(h, n, 20260320, false, "Ramazan Bayramı 1. Gün");
	expect(h, n, 20260321, false, "Ramazan Bayramı 2. Gün");
	expect(h, n, 20260322, false, "Ramazan Bayramı 3. Gün");
	assert_null(find(h, n, 20260323));
	expect(h, n, 20260526, true, "Kurban Bayramı Arifesi");
	expect(h, n, 20260527, false, "Kurban Bayramı 1. Gün");
	expect(h, n, 20260530, false, "Kurban Bayramı 4. Gün");
	assert_null(find(h, n, 20260531));
}

static void test_religious_table(void **state)
{
	struct holiday h[HOLIDAYS_PER_YEAR_MAX];
	(void)state;
	static const struct {
		int ramazan_eve, ramazan_first, kurban_eve, kurban_first;
	} want[] = {
		{20250329, 20250330, 20250605, 20250606},
		{20260319, 20260320, 20260526, 20260527},
		{20270308, 20270309, 20270515, 20270516},
		{20280225, 20280226, 20280504, 20280505},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int year = want[i].ramazan_first / 10000;
		size_t n = holidays_for_year(year, h, HOLIDAYS_PER_YEAR_MAX);
		assert_true(find(h, n, want[i].ramazan_eve)->half_day);
		assert_non_null(strstr(find(h, n, want[i].ramazan_first)->name, "Ramazan Bayramı 1. Gün"));
		assert_true(find(h, n, want[i].kurban_eve)->half_day);
		assert_non_null(strstr(find(h, n, want[i].kurban_first)->name, "Kurban Bayramı 1. Gün"));
	}
	/* 2025: Ramazan Bayramı runs over the month end into 1 April. */
	size_t n = holidays_for_year(2025, h, HOLIDAYS_PER_YEAR_MAX);
	expect(h, n, 20250401, false, "Ramazan Bayramı 3. Gün");
	/* Every table year has 7 bayram days and 2 eves beyond the fixed 8 (fewer if merged). */
	for (int year = HOLIDAYS_TABLE_FIRST_YEAR; year <= HOLIDAYS_TABLE_LAST_YEAR; year++) {
		n = holidays_for_year(year, h, HOLIDAYS_PER_YEAR_MAX);
		assert_true(n >= 15 && n <= 17);
	}
}

static void test_sorted_unique(void **state)
{
	struct holiday h[HOLIDAYS_PER_YEAR_MAX];
	(void)state;
	for (int year = 2024; year <= 2031; year++) {
		size_t n = holidays_for_year(year, h, HOLIDAYS_PER_YEAR_MAX);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(h[i].ymd / 10000, year);
			assert_true(h[i].name[0] != '\0');
			assert_true(strlen(h[i].name) < sizeof(h[i].name) - 1); /* not truncated */
			if (i > 0)
				assert_true(h[i - 1].ymd < h[i].ymd);
		}
	}
}

static void test_merged_days(void **state)
{
	struct holiday h[HOLIDAYS_PER_YEAR_MAX];
	(void)state;
	/* 2027: Kurban Bayramı's 4th day is 19 May. */
	size_t n = holidays_for_year(2027, h, HOLIDAYS_PER_YEAR_MAX);
	expect(h, n, 20270519, false, "Atatürk'ü Anma, Gençlik ve Spor Bayramı / Kurban Bayramı 4. Gün");
	assert_int_equal(n, 16);
	/* 2029: the Kurban arife (half day) is 23 April (full day): the full day wins. */
	n = holidays_for_year(2029, h, HOLIDAYS_PER_YEAR_MAX);
	expect(h, n, 20290423, false, "Ulusal Egemenlik ve Çocuk Bayramı / Kurban Bayramı Arifesi");
}

static void test_small_buffer(void **state)
{
	struct holiday h[4];
	(void)state;
	memset(h, 0, sizeof(h));
	size_t n = holidays_for_year(2026, h, 3);
	assert_int_equal(n, 3);
	assert_int_equal(h[0].ymd, 20260101);
	assert_int_equal(h[1].ymd, 20260319);
	assert_int_equal(h[2].ymd, 20260320);
	assert_int_equal(h[3].ymd, 0); /* untouched */
	assert_int_equal(holidays_for_year(2026, h, 0), 0);
}

static void test_with_bizcal(void **state)
{
	struct holiday h[HOLIDAYS_PER_YEAR_MAX];
	struct bizcal cal;
	(void)state;
	size_t n = holidays_for_year(2026, h, HOLIDAYS_PER_YEAR_MAX);
	bizcal_init(&cal, h, n);
	assert_false(bizcal_is_working_day(&cal, 20260320)); /* Ramazan Bayramı, a Friday */
	assert_true(bizcal_is_working_day(&cal, 20260319));  /* arife */
	assert_int_equal(bizcal_day_end_min(&cal, 20260319), 13 * 60);
	assert_false(bizcal_is_working_day(&cal, 20260423));
	assert_false(bizcal_is_working_day(&cal, 20260501));
	assert_false(bizcal_is_working_day(&cal, 20260715));
	assert_int_equal(bizcal_day_end_min(&cal, 20261028), 13 * 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_only_year),
		cmocka_unit_test(test_2026),
		cmocka_unit_test(test_religious_table),
		cmocka_unit_test(test_sorted_unique),
		cmocka_unit_test(test_merged_days),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_with_bizcal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
