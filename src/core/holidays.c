/* holidays.c: Turkish official holidays: fixed dates plus a table of religious holiday dates. */
#include <stdio.h>
#include <string.h>
#include "core/holidays.h"

/* First days of the religious holidays as announced by the Diyanet (Presidency of Religious
 * Affairs). 2025 and 2026: the Diyanet's published "dini günler takvimi", as reported in the
 * Turkish press. 2027 and 2028: the Diyanet's official holidays list (resmitatiller) as carried
 * in a public holiday library; not seen on a Diyanet page itself. 2029 and 2030: (check), best
 * known dates, one source gives Ramazan Bayramı 2029 as 14 February. Administrators can edit
 * the holiday table, this only seeds it. */
static const struct {
	int year;
	int ramazan_first; /* 1 Şevval */
	int kurban_first;  /* 10 Zilhicce */
} religious[] = {
	{2025, 20250330, 20250606},
	{2026, 20260320, 20260527},
	{2027, 20270309, 20270516},
	{2028, 20280226, 20280505},
	{2029, 20290215, 20290424}, /* (check) */
	{2030, 20300204, 20300413}, /* (check) */
};

static const struct {
	int mmdd;
	bool half_day;
	const char *name;
} fixed[] = {
	{101, false, "Yılbaşı"},
	{423, false, "Ulusal Egemenlik ve Çocuk Bayramı"},
	{501, false, "Emek ve Dayanışma Günü"},
	{519, false, "Atatürk'ü Anma, Gençlik ve Spor Bayramı"},
	{715, false, "Demokrasi ve Millî Birlik Günü"},
	{830, false, "Zafer Bayramı"},
	{1028, true, "Cumhuriyet Bayramı Arifesi"},
	{1029, false, "Cumhuriyet Bayramı"},
};

static void add(struct holiday *all, size_t *n, int ymd, bool half_day, const char *name)
{
	struct holiday *h = &all[*n];
	h->ymd = ymd;
	h->half_day = half_day;
	snprintf(h->name, sizeof(h->name), "%s", name);
	(*n)++;
}

static void add_bayram(struct holiday *all, size_t *n, int first, int days, const char *bayram)
{
	char name[96];

	snprintf(name, sizeof(name), "%s Arifesi", bayram);
	add(all, n, ymd_add_days(first, -1), true, name);
	for (int i = 0; i < days; i++) {
		snprintf(name, sizeof(name), "%s %d. Gün", bayram, i + 1);
		add(all, n, ymd_add_days(first, i), false, name);
	}
}

/* Before: earlier date, or on the same date a full day before a half day. */
static bool goes_before(const struct holiday *a, const struct holiday *b)
{
	return a->ymd < b->ymd || (a->ymd == b->ymd && !a->half_day && b->half_day);
}

/* Stable insertion sort (a handful of entries), so fixed holidays' names come first on a tie. */
static void sort_holidays(struct holiday *h, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct holiday tmp = h[i];
		size_t j = i;
		for (; j > 0 && goes_before(&tmp, &h[j - 1]); j--)
			h[j] = h[j - 1];
		h[j] = tmp;
	}
}

size_t holidays_for_year(int year, struct holiday *out, size_t max)
{
	struct holiday all[HOLIDAYS_PER_YEAR_MAX];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		add(all, &n, year * 10000 + fixed[i].mmdd, fixed[i].half_day, fixed[i].name);
	for (size_t i = 0; i < sizeof(religious) / sizeof(religious[0]); i++) {
		if (religious[i].year != year)
			continue;
		add_bayram(all, &n, religious[i].ramazan_first, 3, "Ramazan Bayramı");
		add_bayram(all, &n, religious[i].kurban_first, 4, "Kurban Bayramı");
	}
	sort_holidays(all, n);

	/* One entry per date: the first (full day if any) keeps its flag and takes the other names. */
	size_t stored = 0;
	for (size_t i = 0; i < n; i++) {
		if (stored > 0 && out[stored - 1].ymd == all[i].ymd) {
			struct holiday *h = &out[stored - 1];
			size_t used = strlen(h->name);
			snprintf(h->name + used, sizeof(h->name) - used, " / %s", all[i].name);
			continue;
		}
		if (stored == max)
			break;
		out[stored++] = all[i];
	}
	return stored;
}
