/* test_slots.c: the slot finder: working plans, breaks, exceptions, holidays and half days, buffers, caps,
 * preferences, conflicts of a hand-typed time, and the edge cases (exact fit, zero length, overlaps, midnight). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "core/slots.h"

#define WED 20261202 /* Wednesday 2 December 2026 */
#define THU 20261203
#define SAT 20261205

/* Instant of "HH:MM" on local day ymd. */
static int64_t at(int ymd, int h, int m)
{
	return unix_from_ymd_min(ymd, h * 60 + m);
}

/* The usual plan: Monday to Friday 08:30-17:30, lunch break 12:00-13:30. */
static struct plan_period plan[10];
static size_t n_plan;

static int setup_plan(void **state)
{
	(void)state;
	n_plan = 0;
	for (int wd = 0; wd < 5; wd++) {
		plan[n_plan++] = (struct plan_period){wd, false, 8 * 60 + 30, 17 * 60 + 30, NULL};
		plan[n_plan++] = (struct plan_period){wd, true, 12 * 60, 13 * 60 + 30, "Öğle arası"};
	}
	return 0;
}

static struct slot_query query(int duration, int buffer)
{
	return (struct slot_query){.duration_min = duration, .buffer_before_min = buffer, .buffer_after_min = buffer,
				   .granularity_min = 15};
}

static void assert_period(const struct slot_period *p, int64_t start, int64_t end)
{
	assert_int_equal(p->start, start);
	assert_int_equal(p->end, end);
}

/* ---- building a day ---- */

static void test_plan_with_break(void **state)
{
	(void)state;
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, NULL);
	assert_int_equal(d.state, SLOT_DAY_OPEN);
	assert_false(d.half_day);
	assert_int_equal(d.n_open, 2);
	assert_period(&d.open[0], at(WED, 8, 30), at(WED, 12, 0));
	assert_period(&d.open[1], at(WED, 13, 30), at(WED, 17, 30));
	assert_int_equal(d.n_breaks, 1);
	assert_period(&d.breaks[0], at(WED, 12, 0), at(WED, 13, 30));
	assert_string_equal(d.breaks[0].name, "Öğle arası");
}

static void test_weekend_has_no_plan(void **state)
{
	(void)state;
	struct slot_day d;
	slots_day_build(&d, SAT, plan, n_plan, NULL, NULL);
	assert_int_equal(d.state, SLOT_DAY_NO_PLAN);
	assert_int_equal(d.n_open, 0);
	struct slot out[4];
	enum slot_reason why;
	struct slot_query q = query(30, 0);
	assert_int_equal(slots_find(&d, NULL, 0, &q, out, 4, &why), 0);
	assert_int_equal(why, SLOT_REASON_NO_PLAN);
}

static void test_several_working_periods_merge(void **state)
{
	(void)state;
	struct plan_period p[] = {
		{2, false, 14 * 60, 16 * 60, NULL},
		{2, false, 8 * 60, 10 * 60, NULL},
		{2, false, 9 * 60, 11 * 60, NULL},
		{3, false, 0, 24 * 60, NULL}, /* another weekday: ignored */
		{2, true, 15 * 60, 15 * 60 + 15, "Çay"},
		{2, true, 12 * 60, 13 * 60, "Outside the working time"},
	};
	struct slot_day d;
	slots_day_build(&d, WED, p, sizeof p / sizeof p[0], NULL, NULL);
	assert_int_equal(d.state, SLOT_DAY_OPEN);
	assert_int_equal(d.n_open, 3);
	assert_period(&d.open[0], at(WED, 8, 0), at(WED, 11, 0));
	assert_period(&d.open[1], at(WED, 14, 0), at(WED, 15, 0));
	assert_period(&d.open[2], at(WED, 15, 15), at(WED, 16, 0));
	/* the 12:00 break lies between the working periods: it is not one of the day's breaks */
	assert_int_equal(d.n_breaks, 1);
	assert_string_equal(d.breaks[0].name, "Çay");
}

static void test_full_holiday_closes_the_day(void **state)
{
	(void)state;
	struct holiday h = {WED, false, "Test Bayramı"};
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, &h);
	assert_int_equal(d.state, SLOT_DAY_HOLIDAY);
	assert_int_equal(d.n_open, 0);
	struct slot out[4];
	enum slot_reason why;
	struct slot_query q = query(30, 0);
	assert_int_equal(slots_find(&d, NULL, 0, &q, out, 4, &why), 0);
	assert_int_equal(why, SLOT_REASON_HOLIDAY);
}

static void test_half_day_ends_at_13(void **state)
{
	(void)state;
	struct holiday h = {WED, true, "Arife"};
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, &h);
	assert_int_equal(d.state, SLOT_DAY_OPEN);
	assert_true(d.half_day);
	/* 08:30-13:00 minus the 12:00-13:30 lunch break */
	assert_int_equal(d.n_open, 1);
	assert_period(&d.open[0], at(WED, 8, 30), at(WED, 12, 0));
	struct slot out[64];
	enum slot_reason why;
	struct slot_query q = query(30, 0);
	size_t n = slots_find(&d, NULL, 0, &q, out, 64, &why);
	assert_int_equal(n, 13); /* 08:30 .. 11:30 every 15 minutes */
	assert_int_equal(out[n - 1].end, at(WED, 12, 0));
	for (size_t i = 0; i < n; i++)
		assert_true(out[i].end <= at(WED, 13, 0));

	/* without a lunch break the half day runs to 13:00 exactly */
	struct plan_period no_break[] = {{2, false, 8 * 60 + 30, 17 * 60 + 30, NULL}};
	slots_day_build(&d, WED, no_break, 1, NULL, &h);
	assert_int_equal(d.n_open, 1);
	assert_period(&d.open[0], at(WED, 8, 30), at(WED, 13, 0));

	/* a half day whose working time all starts after 13:00 is a holiday */
	struct plan_period late[] = {{2, false, 14 * 60, 18 * 60, NULL}};
	slots_day_build(&d, WED, late, 1, NULL, &h);
	assert_int_equal(d.state, SLOT_DAY_HOLIDAY);
}

static void test_exceptions(void **state)
{
	(void)state;
	struct slot_day d;
	struct plan_exception closed = {true, 0, 0};
	slots_day_build(&d, WED, plan, n_plan, &closed, NULL);
	assert_int_equal(d.state, SLOT_DAY_CLOSED);
	struct slot out[4];
	enum slot_reason why;
	struct slot_query q = query(30, 0);
	assert_int_equal(slots_find(&d, NULL, 0, &q, out, 4, &why), 0);
	assert_int_equal(why, SLOT_REASON_CLOSED);

	/* other hours: the weekday's break still applies */
	struct plan_exception hours = {false, 10 * 60, 15 * 60};
	slots_day_build(&d, WED, plan, n_plan, &hours, NULL);
	assert_int_equal(d.state, SLOT_DAY_OPEN);
	assert_int_equal(d.n_open, 2);
	assert_period(&d.open[0], at(WED, 10, 0), at(WED, 12, 0));
	assert_period(&d.open[1], at(WED, 13, 30), at(WED, 15, 0));

	/* an exception with hours wins over a holiday, and over the half-day rule */
	struct holiday full = {WED, false, "Bayram"}, half = {WED, true, "Arife"};
	slots_day_build(&d, WED, plan, n_plan, &hours, &full);
	assert_int_equal(d.state, SLOT_DAY_OPEN);
	assert_int_equal(d.n_open, 2);
	slots_day_build(&d, WED, plan, n_plan, &hours, &half);
	assert_false(d.half_day);
	assert_period(&d.open[1], at(WED, 13, 30), at(WED, 15, 0));

	/* and it opens a Saturday (which has no breaks) */
	struct plan_exception saturday = {false, 9 * 60, 12 * 60};
	slots_day_build(&d, SAT, plan, n_plan, &saturday, NULL);
	assert_int_equal(d.state, SLOT_DAY_OPEN);
	assert_int_equal(d.n_open, 1);
	assert_period(&d.open[0], at(SAT, 9, 0), at(SAT, 12, 0));
	assert_int_equal(d.n_breaks, 0);
}

/* ---- finding slots ---- */

static void test_free_day(void **state)
{
	(void)state;
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, NULL);
	struct slot out[SLOTS_MAX_PER_DAY];
	enum slot_reason why;
	struct slot_query q = query(30, 10);
	size_t n = slots_find(&d, NULL, 0, &q, out, SLOTS_MAX_PER_DAY, &why);
	assert_int_equal(why, SLOT_REASON_NONE);
	assert_int_equal(n, 28); /* 13 in the morning (08:30..11:30), 15 in the afternoon (13:30..17:00) */
	assert_int_equal(out[0].start, at(WED, 8, 30));
	assert_int_equal(out[0].end, at(WED, 9, 0));
	assert_int_equal(out[12].start, at(WED, 11, 30));
	assert_int_equal(out[13].start, at(WED, 13, 30));
	assert_int_equal(out[27].end, at(WED, 17, 30));
	for (size_t i = 0; i < n; i++) {
		assert_false(out[i].preferred);
		assert_false(out[i].start < at(WED, 13, 30) && out[i].end > at(WED, 12, 0)); /* never in the break */
	}
	/* max limits the answer to the best (earliest) ones */
	assert_int_equal(slots_find(&d, NULL, 0, &q, out, 3, &why), 3);
	assert_int_equal(out[2].start, at(WED, 9, 0));
}

static void test_busy_and_buffers(void **state)
{
	(void)state;
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, NULL);
	struct slot_busy busy[] = {{at(WED, 9, 0), at(WED, 10, 0), 1, true}};
	struct slot out[64];
	enum slot_reason why;
	/* without a buffer: 08:30-09:00 fits exactly, the next one starts at 10:00 */
	struct slot_query q = query(30, 0);
	size_t n = slots_find(&d, busy, 1, &q, out, 64, &why);
	assert_int_equal(out[0].start, at(WED, 8, 30));
	assert_int_equal(out[1].start, at(WED, 10, 0));
	/* a 10-minute buffer: 08:30-09:00 leaves no time before 09:00; after 10:00 + 10 min the grid gives 10:15 */
	q = query(30, 10);
	n = slots_find(&d, busy, 1, &q, out, 64, &why);
	assert_true(n > 0);
	assert_int_equal(out[0].start, at(WED, 10, 15));
	for (size_t i = 0; i < n; i++)
		assert_false(out[i].start < at(WED, 10, 10) && out[i].end > at(WED, 8, 50));
	/* different buffers before and after */
	q = query(30, 0);
	q.buffer_before_min = 30; /* after the busy item */
	q.buffer_after_min = 0;   /* before it */
	n = slots_find(&d, busy, 1, &q, out, 64, &why);
	assert_int_equal(out[0].start, at(WED, 8, 30));
	assert_int_equal(out[1].start, at(WED, 10, 30));
}

static void test_slot_exactly_fitting(void **state)
{
	(void)state;
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, NULL);
	struct slot_busy busy[] = {
		{at(WED, 8, 30), at(WED, 11, 30), 1, true},
		{at(WED, 13, 30), at(WED, 17, 30), 2, false},
	};
	struct slot out[8];
	enum slot_reason why;
	struct slot_query q = query(30, 0);
	size_t n = slots_find(&d, busy, 2, &q, out, 8, &why);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].start, at(WED, 11, 30));
	assert_int_equal(out[0].end, at(WED, 12, 0));
	/* one minute longer does not fit anywhere */
	q = query(31, 0);
	assert_int_equal(slots_find(&d, busy, 2, &q, out, 8, &why), 0);
	assert_int_equal(why, SLOT_REASON_FULL);
	/* neither does the exact fit once a buffer is asked for */
	q = query(30, 5);
	assert_int_equal(slots_find(&d, busy, 2, &q, out, 8, &why), 0);
	assert_int_equal(why, SLOT_REASON_FULL);
}

static void test_zero_length_and_invalid(void **state)
{
	(void)state;
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, NULL);
	struct slot out[8];
	enum slot_reason why;
	struct slot_query q = query(0, 0);
	assert_int_equal(slots_find(&d, NULL, 0, &q, out, 8, &why), 0);
	assert_int_equal(why, SLOT_REASON_INVALID);
	q = query(30, -1);
	assert_int_equal(slots_find(&d, NULL, 0, &q, out, 8, &why), 0);
	assert_int_equal(why, SLOT_REASON_INVALID);
	q = query(30, 0);
	q.granularity_min = 0;
	assert_int_equal(slots_find(&d, NULL, 0, &q, out, 8, &why), 0);
	assert_int_equal(why, SLOT_REASON_INVALID);
	/* a zero-length (or inverted) busy item occupies nothing */
	struct slot_busy busy[] = {{at(WED, 8, 45), at(WED, 8, 45), 1, true}, {at(WED, 9, 0), at(WED, 8, 0), 2, true}};
	q = query(30, 0);
	assert_int_equal(slots_find(&d, busy, 2, &q, out, 8, &why), 8);
	assert_int_equal(out[0].start, at(WED, 8, 30));
	assert_int_equal(out[1].start, at(WED, 8, 45));
}

static void test_overlapping_busy_items(void **state)
{
	(void)state;
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, NULL);
	struct slot_busy busy[] = {
		{at(WED, 9, 30), at(WED, 10, 30), 2, false},
		{at(WED, 8, 30), at(WED, 10, 0), 1, true},
		{at(WED, 9, 45), at(WED, 10, 15), 3, true}, /* inside the others */
	};
	struct slot out[4];
	enum slot_reason why;
	struct slot_query q = query(60, 0);
	size_t n = slots_find(&d, busy, 3, &q, out, 4, &why);
	assert_int_equal(n, 4);
	assert_int_equal(out[0].start, at(WED, 10, 30));
	assert_int_equal(out[0].end, at(WED, 11, 30));
	assert_int_equal(out[1].start, at(WED, 10, 45));
	assert_int_equal(out[2].start, at(WED, 11, 0));
	assert_int_equal(out[3].start, at(WED, 13, 30)); /* 11:15-12:15 would cross the break */
}

static void test_items_crossing_midnight(void **state)
{
	(void)state;
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, NULL);
	struct slot_busy busy[] = {
		{at(WED - 1, 22, 0), at(WED, 9, 0), 1, false}, /* a night journey ending Wednesday 09:00 */
		{at(WED, 17, 0), at(THU, 2, 0), 2, false},     /* and one starting Wednesday 17:00 */
	};
	struct slot out[SLOTS_MAX_PER_DAY];
	enum slot_reason why;
	struct slot_query q = query(30, 0);
	size_t n = slots_find(&d, busy, 2, &q, out, SLOTS_MAX_PER_DAY, &why);
	assert_int_equal(out[0].start, at(WED, 9, 0));
	assert_int_equal(out[n - 1].end, at(WED, 17, 0));
	/* the next day sees the end of the second one */
	slots_day_build(&d, THU, plan, n_plan, NULL, NULL);
	struct slot_busy all_night[] = {{at(WED, 17, 0), at(THU, 10, 0), 2, false}};
	n = slots_find(&d, all_night, 1, &q, out, 4, &why);
	assert_int_equal(out[0].start, at(THU, 10, 0));
}

static void test_daily_cap(void **state)
{
	(void)state;
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, NULL);
	struct slot out[4];
	enum slot_reason why;
	struct slot_query q = query(15, 0);
	q.cap_reached = true;
	assert_int_equal(slots_find(&d, NULL, 0, &q, out, 4, &why), 0);
	assert_int_equal(why, SLOT_REASON_CAP);
	q.cap_reached = false;
	assert_int_equal(slots_find(&d, NULL, 0, &q, out, 4, &why), 4);
	assert_int_equal(why, SLOT_REASON_NONE);
}

static void test_preferences_rank_first(void **state)
{
	(void)state;
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, NULL);
	struct slot_preference afternoon[] = {SLOT_PREFER_AFTERNOON};
	struct slot out[SLOTS_MAX_PER_DAY];
	enum slot_reason why;
	struct slot_query q = query(30, 0);
	q.prefer = afternoon;
	q.n_prefer = 1;
	size_t n = slots_find(&d, NULL, 0, &q, out, SLOTS_MAX_PER_DAY, &why);
	assert_int_equal(n, 28);
	assert_int_equal(out[0].start, at(WED, 13, 30));
	assert_true(out[0].preferred);
	assert_true(out[14].preferred);
	assert_int_equal(out[14].start, at(WED, 17, 0));
	assert_false(out[15].preferred);
	assert_int_equal(out[15].start, at(WED, 8, 30)); /* then the others, earliest first */
	/* only three: all of them preferred */
	n = slots_find(&d, NULL, 0, &q, out, 3, &why);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_true(out[i].preferred);

	/* mornings: a slot must lie wholly inside (11:45-12:15 would not, and the break forbids it anyway) */
	struct slot_preference morning[] = {SLOT_PREFER_MORNING};
	q.prefer = morning;
	n = slots_find(&d, NULL, 0, &q, out, SLOTS_MAX_PER_DAY, &why);
	assert_int_equal(out[0].start, at(WED, 8, 30));
	assert_true(out[12].preferred);
	assert_false(out[13].preferred);
	assert_int_equal(out[13].start, at(WED, 13, 30));

	/* "Thursdays from 15:00": does not hold on a Wednesday, so plain earliest-first order */
	struct slot_preference thursday[] = {{1u << 3, 15 * 60, 0}};
	q.prefer = thursday;
	n = slots_find(&d, NULL, 0, &q, out, 4, &why);
	assert_int_equal(out[0].start, at(WED, 8, 30));
	assert_false(out[0].preferred);
	slots_day_build(&d, THU, plan, n_plan, NULL, NULL);
	n = slots_find(&d, NULL, 0, &q, out, 4, &why);
	assert_int_equal(out[0].start, at(THU, 15, 0));
	assert_true(out[0].preferred);
}

static void test_earliest_and_past(void **state)
{
	(void)state;
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, NULL);
	struct slot out[4];
	enum slot_reason why;
	struct slot_query q = query(30, 0);
	q.earliest = at(WED, 11, 10);
	size_t n = slots_find(&d, NULL, 0, &q, out, 4, &why);
	assert_int_equal(n, 4);
	assert_int_equal(out[0].start, at(WED, 11, 15));
	assert_int_equal(out[1].start, at(WED, 11, 30));
	assert_int_equal(out[2].start, at(WED, 13, 30));
	/* late in the day: nothing long enough is left, but it is not past */
	q.earliest = at(WED, 17, 10);
	assert_int_equal(slots_find(&d, NULL, 0, &q, out, 4, &why), 0);
	assert_int_equal(why, SLOT_REASON_FULL);
	q.earliest = at(WED, 17, 30);
	assert_int_equal(slots_find(&d, NULL, 0, &q, out, 4, &why), 0);
	assert_int_equal(why, SLOT_REASON_PAST);
	/* the past wins over the cap as the reason */
	q.cap_reached = true;
	assert_int_equal(slots_find(&d, NULL, 0, &q, out, 4, &why), 0);
	assert_int_equal(why, SLOT_REASON_PAST);
}

static void test_grid_alignment(void **state)
{
	(void)state;
	struct plan_exception hours = {false, 8 * 60 + 40, 10 * 60};
	struct slot_day d;
	slots_day_build(&d, SAT, plan, n_plan, &hours, NULL);
	struct slot out[8];
	enum slot_reason why;
	struct slot_query q = query(20, 0);
	size_t n = slots_find(&d, NULL, 0, &q, out, 8, &why);
	assert_int_equal(n, 4); /* 08:45, 09:00, 09:15, 09:30 (09:45-10:05 does not fit) */
	assert_int_equal(out[0].start, at(SAT, 8, 45));
	assert_int_equal(out[3].start, at(SAT, 9, 30));
	q.granularity_min = 5;
	n = slots_find(&d, NULL, 0, &q, out, 8, &why);
	assert_int_equal(out[0].start, at(SAT, 8, 40));
	assert_int_equal(out[1].start, at(SAT, 8, 45));
}

static void test_busy_year_only_the_day_counts(void **state)
{
	(void)state;
	/* 10 000 items over a year: 27 a day, 15 minutes each, every half hour from 08:00 */
	size_t n_busy = 10000;
	struct slot_busy *busy = calloc(n_busy, sizeof *busy);
	int64_t first = at(20260101, 0, 0);
	for (size_t i = 0; i < n_busy; i++) {
		int64_t start = first + (int64_t)(i / 27) * 86400 + 8 * 3600 + (int64_t)(i % 27) * 1800;
		busy[i] = (struct slot_busy){start, start + 900, (int64_t)i + 1, i % 2 == 0};
	}
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, NULL); /* day 335 of the 370 covered */
	struct slot out[8];
	enum slot_reason why;
	struct slot_query q = query(15, 0);
	size_t n = slots_find(&d, busy, n_busy, &q, out, 8, &why);
	assert_int_equal(n, 8);
	assert_int_equal(out[0].start, at(WED, 8, 45));
	assert_int_equal(out[1].start, at(WED, 9, 15));
	assert_int_equal(out[6].start, at(WED, 11, 45));
	assert_int_equal(out[7].start, at(WED, 13, 45));
	/* 16 minutes fit nowhere that day */
	q = query(16, 0);
	assert_int_equal(slots_find(&d, busy, n_busy, &q, out, 8, &why), 0);
	assert_int_equal(why, SLOT_REASON_FULL);
	/* a day after the last item is free again */
	slots_day_build(&d, 20270201, plan, n_plan, NULL, NULL);
	q = query(15, 0);
	assert_int_equal(slots_find(&d, busy, n_busy, &q, out, 8, &why), 8);
	assert_int_equal(out[0].start, at(20270201, 8, 30));
	free(busy);
}

/* ---- free time and conflicts ---- */

static void test_free_stretches(void **state)
{
	(void)state;
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, NULL);
	struct slot_busy busy[] = {{at(WED, 9, 0), at(WED, 10, 0), 1, true}, {at(WED, 10, 5), at(WED, 11, 0), 2, true}};
	struct slot_period out[8];
	size_t n = slots_free(&d, busy, 2, 10, out, 8);
	assert_int_equal(n, 3); /* the 5 minutes between the items are too short */
	assert_period(&out[0], at(WED, 8, 30), at(WED, 9, 0));
	assert_period(&out[1], at(WED, 11, 0), at(WED, 12, 0));
	assert_period(&out[2], at(WED, 13, 30), at(WED, 17, 30));
	n = slots_free(&d, busy, 2, 0, out, 8);
	assert_int_equal(n, 4);
	assert_period(&out[1], at(WED, 10, 0), at(WED, 10, 5));
	struct holiday h = {WED, false, "Bayram"};
	slots_day_build(&d, WED, plan, n_plan, NULL, &h);
	assert_int_equal(slots_free(&d, NULL, 0, 0, out, 8), 0);
}

static bool has_conflict(const struct slot_conflict *c, size_t n, enum slot_conflict_kind kind, size_t index)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].kind == kind && c[i].index == index)
			return true;
	return false;
}

static void test_conflicts_of_a_typed_time(void **state)
{
	(void)state;
	struct slot_day d;
	slots_day_build(&d, WED, plan, n_plan, NULL, NULL);
	struct slot_busy busy[] = {
		{at(WED, 9, 0), at(WED, 10, 0), 11, true},
		{at(WED, 10, 5), at(WED, 10, 30), 12, false},
	};
	struct slot_conflict c[8];
	size_t n;
	/* free and inside the working time */
	assert_false(slots_conflicts(&d, busy, 2, at(WED, 11, 0), at(WED, 11, 30), 10, 10, false, c, 8, &n));
	assert_int_equal(n, 0);
	/* touching an item end to start is no overlap, but inside a buffer */
	assert_false(slots_conflicts(&d, busy, 2, at(WED, 8, 30), at(WED, 9, 0), 0, 0, false, c, 8, &n));
	assert_true(slots_conflicts(&d, busy, 2, at(WED, 8, 30), at(WED, 9, 0), 10, 10, false, c, 8, &n));
	assert_int_equal(n, 1);
	assert_true(has_conflict(c, n, SLOT_CONFLICT_BUFFER, 0));
	/* overlapping the first, within the buffer of the second */
	assert_true(slots_conflicts(&d, busy, 2, at(WED, 9, 30), at(WED, 10, 0), 10, 10, false, c, 8, &n));
	assert_int_equal(n, 2);
	assert_true(has_conflict(c, n, SLOT_CONFLICT_OVERLAP, 0));
	assert_true(has_conflict(c, n, SLOT_CONFLICT_BUFFER, 1));
	/* the lunch break */
	assert_true(slots_conflicts(&d, busy, 2, at(WED, 11, 45), at(WED, 12, 15), 0, 0, false, c, 8, &n));
	assert_int_equal(n, 1);
	assert_true(has_conflict(c, n, SLOT_CONFLICT_BREAK, 0));
	/* after hours; and partly after hours */
	assert_true(slots_conflicts(&d, busy, 2, at(WED, 18, 0), at(WED, 18, 30), 0, 0, false, c, 8, &n));
	assert_true(has_conflict(c, n, SLOT_CONFLICT_OUTSIDE_HOURS, 0));
	assert_true(slots_conflicts(&d, busy, 2, at(WED, 17, 15), at(WED, 17, 45), 0, 0, false, c, 8, &n));
	assert_int_equal(n, 1);
	assert_true(has_conflict(c, n, SLOT_CONFLICT_OUTSIDE_HOURS, 0));
	/* the cap */
	assert_true(slots_conflicts(&d, busy, 2, at(WED, 11, 0), at(WED, 11, 30), 0, 0, true, c, 8, &n));
	assert_true(has_conflict(c, n, SLOT_CONFLICT_CAP, 0));
	/* without a day, only the items count */
	assert_false(slots_conflicts(NULL, busy, 2, at(WED, 18, 0), at(WED, 18, 30), 0, 0, true, c, 8, &n));
	assert_true(slots_conflicts(NULL, busy, 2, at(WED, 9, 59), at(WED, 10, 6), 0, 0, false, c, 8, &n));
	assert_int_equal(n, 2);
	/* zero length: nothing to check */
	assert_false(slots_conflicts(&d, busy, 2, at(WED, 9, 30), at(WED, 9, 30), 0, 0, false, c, 8, &n));
	assert_int_equal(n, 0);
	/* too little room: still reported */
	assert_true(slots_conflicts(&d, busy, 2, at(WED, 9, 30), at(WED, 12, 30), 0, 0, false, c, 1, &n));
	assert_int_equal(n, 1);
}

static void test_conflicts_on_closed_days(void **state)
{
	(void)state;
	struct slot_day d;
	struct slot_conflict c[4];
	size_t n;
	struct holiday full = {WED, false, "Bayram"}, half = {WED, true, "Arife"};
	slots_day_build(&d, WED, plan, n_plan, NULL, &full);
	assert_true(slots_conflicts(&d, NULL, 0, at(WED, 10, 0), at(WED, 10, 30), 0, 0, false, c, 4, &n));
	assert_true(has_conflict(c, n, SLOT_CONFLICT_HOLIDAY, 0));
	slots_day_build(&d, WED, plan, n_plan, NULL, &half);
	assert_false(slots_conflicts(&d, NULL, 0, at(WED, 10, 0), at(WED, 10, 30), 0, 0, false, c, 4, &n));
	assert_true(slots_conflicts(&d, NULL, 0, at(WED, 14, 0), at(WED, 14, 30), 0, 0, false, c, 4, &n));
	assert_true(has_conflict(c, n, SLOT_CONFLICT_HOLIDAY, 0));
	struct plan_exception closed = {true, 0, 0};
	slots_day_build(&d, WED, plan, n_plan, &closed, NULL);
	assert_true(slots_conflicts(&d, NULL, 0, at(WED, 10, 0), at(WED, 10, 30), 0, 0, false, c, 4, &n));
	assert_true(has_conflict(c, n, SLOT_CONFLICT_CLOSED, 0));
	slots_day_build(&d, SAT, plan, n_plan, NULL, NULL);
	assert_true(slots_conflicts(&d, NULL, 0, at(SAT, 10, 0), at(SAT, 10, 30), 0, 0, false, c, 4, &n));
	assert_true(has_conflict(c, n, SLOT_CONFLICT_OUTSIDE_HOURS, 0));
	/* a time crossing midnight is outside the hours of its first day */
	slots_day_build(&d, WED, plan, n_plan, NULL, NULL);
	assert_true(slots_conflicts(&d, NULL, 0, at(WED, 17, 0), at(THU, 9, 0), 0, 0, false, c, 4, &n));
	assert_true(has_conflict(c, n, SLOT_CONFLICT_OUTSIDE_HOURS, 0));
}

#define T(f) cmocka_unit_test_setup(f, setup_plan)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_plan_with_break),
		T(test_weekend_has_no_plan),
		T(test_several_working_periods_merge),
		T(test_full_holiday_closes_the_day),
		T(test_half_day_ends_at_13),
		T(test_exceptions),
		T(test_free_day),
		T(test_busy_and_buffers),
		T(test_slot_exactly_fitting),
		T(test_zero_length_and_invalid),
		T(test_overlapping_busy_items),
		T(test_items_crossing_midnight),
		T(test_daily_cap),
		T(test_preferences_rank_first),
		T(test_earliest_and_past),
		T(test_grid_alignment),
		T(test_busy_year_only_the_day_counts),
		T(test_free_stretches),
		T(test_conflicts_of_a_typed_time),
		T(test_conflicts_on_closed_days),
	};
	return cmocka_run_group_tests_name("slots", tests, NULL, NULL);
}
