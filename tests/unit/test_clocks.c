/* test_clocks.c: the office and legal clocks of an application (core/clocks.h): deadlines on the business calendar
 * across weekends, New Year and a bayram with its half-day eve; pauses; stopped clocks; percent and remaining time.
 * Every expected instant and duration below was worked out by hand from a wall calendar. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "core/clocks.h"

#define HOUR 3600
#define MINUTE 60

/* Written out by hand: New Year 2027 (a Friday) and Ramazan Bayramı 2027 (eve Monday 8 March, 9-11 March). */
static const struct holiday holidays[] = {
	{20270101, false, "Yılbaşı"},
	{20270308, true, "Ramazan Bayramı Arifesi"},
	{20270309, false, "Ramazan Bayramı 1. Gün"},
	{20270310, false, "Ramazan Bayramı 2. Gün"},
	{20270311, false, "Ramazan Bayramı 3. Gün"},
};

static struct bizcal calendar(void)
{
	struct bizcal cal;
	bizcal_init(&cal, holidays, sizeof holidays / sizeof holidays[0]);
	return cal;
}

/* Local wall-clock time in Istanbul. */
static int64_t at(int ymd, int hour, int minute)
{
	return unix_from_ymd_min(ymd, hour * 60 + minute);
}

static struct clock_policy policy(int warn_days, int due_days, enum legal_clock legal, int warn_percent)
{
	struct clock_policy p = {warn_days, due_days, legal, warn_percent};
	return p;
}

static struct app_clocks read_at(const struct clock_policy *p, int64_t received, const struct clock_pause *pauses,
				 size_t n, int64_t office_stopped, int64_t legal_stopped, int64_t now)
{
	struct bizcal cal = calendar();
	struct app_clocks c;
	memset(&c, 0xA5, sizeof c); /* garbage: every field must be written */
	clocks_read(&cal, p, received, pauses, n, office_stopped, legal_stopped, now, &c);
	return c;
}

static void test_names_and_default(void **state)
{
	(void)state;
	const char *names[] = {"none", "petition_3071", "info_4982", "info_4982_extended"};
	for (int c = 0; c < LEGAL_CLOCK__MAX; c++) {
		assert_string_equal(legal_clock_name(c), names[c]);
		assert_int_equal(legal_clock_from_name(names[c]), c);
	}
	assert_int_equal(legal_clock_from_name(NULL), -1);
	assert_int_equal(legal_clock_from_name(""), -1);
	assert_int_equal(legal_clock_from_name("3071"), -1);
	assert_int_equal(legal_clock_from_name("Info_4982"), -1);
	assert_int_equal(legal_clock_from_name("info_4982 "), -1);
	assert_null(legal_clock_name(LEGAL_CLOCK__MAX));

	assert_string_equal(clock_status_name(CLOCK_NONE), "none");
	assert_string_equal(clock_status_name(CLOCK_RUNNING), "running");
	assert_string_equal(clock_status_name(CLOCK_WARNING), "warning");
	assert_string_equal(clock_status_name(CLOCK_OVERDUE), "overdue");
	assert_string_equal(clock_status_name(CLOCK_PAUSED), "paused");
	assert_string_equal(clock_status_name(CLOCK_STOPPED), "stopped");

	struct clock_policy p;
	memset(&p, 0, sizeof p);
	clock_policy_default(&p);
	assert_int_equal(p.office_warn_days, 2);
	assert_int_equal(p.office_due_days, 7);
	assert_int_equal(p.legal, LEGAL_PETITION_3071);
	assert_int_equal(p.legal_warn_percent, 75);
}

static void test_add_working_seconds(void **state)
{
	(void)state;
	struct bizcal cal = calendar();
	/* Zero: the instant itself inside working time, else the next opening. */
	assert_int_equal(clocks_add_working_seconds(&cal, at(20261207, 10, 0), 0), at(20261207, 10, 0));
	assert_int_equal(clocks_add_working_seconds(&cal, at(20261207, 7, 0), 0), at(20261207, 8, 30));
	assert_int_equal(clocks_add_working_seconds(&cal, at(20261207, 17, 30), 0), at(20261208, 8, 30));
	assert_int_equal(clocks_add_working_seconds(&cal, at(20261212, 23, 0), 0), at(20261214, 8, 30)); /* Sat */
	assert_int_equal(clocks_add_working_seconds(&cal, at(20261207, 10, 0), -5), at(20261207, 10, 0));
	/* Within a day, and ending exactly at closing time (not the next morning). */
	assert_int_equal(clocks_add_working_seconds(&cal, at(20261207, 10, 0), 90 * MINUTE), at(20261207, 11, 30));
	assert_int_equal(clocks_add_working_seconds(&cal, at(20261207, 16, 30), HOUR), at(20261207, 17, 30));
	assert_int_equal(clocks_add_working_seconds(&cal, at(20261207, 16, 30), HOUR + 1), at(20261208, 8, 30) + 1);
	/* From the end of a day: the next day's working time. */
	assert_int_equal(clocks_add_working_seconds(&cal, at(20261207, 17, 30), 2 * HOUR), at(20261208, 10, 30));
	/* Over a weekend, and over New Year (Thursday 31 Dec -> Monday 4 Jan). */
	assert_int_equal(clocks_add_working_seconds(&cal, at(20261211, 17, 0), HOUR), at(20261214, 9, 0));
	assert_int_equal(clocks_add_working_seconds(&cal, at(20261231, 17, 0), HOUR), at(20270104, 9, 0));
	/* Over the half-day eve and the bayram: one hour left on the eve (to 13:00), then Friday 12 March. */
	assert_int_equal(clocks_add_working_seconds(&cal, at(20270308, 12, 0), 2 * HOUR), at(20270312, 9, 30));
	assert_int_equal(clocks_add_working_seconds(&cal, at(20270308, 12, 0), HOUR), at(20270308, 13, 0));
	assert_int_equal(clocks_add_working_seconds(&cal, at(20270308, 14, 0), 0), at(20270312, 8, 30));
	/* Whole days: 3 working days of 9 hours from Monday's opening end on Wednesday's close. */
	assert_int_equal(clocks_add_working_seconds(&cal, at(20261207, 8, 30), 27 * HOUR), at(20261209, 17, 30));
}

/* The brief's example: received Monday 2026-12-07 10:00, default policy. */
static void test_office_clock(void **state)
{
	(void)state;
	struct clock_policy p;
	clock_policy_default(&p);
	int64_t received = at(20261207, 10, 0);
	int64_t warn = at(20261209, 17, 30), due = at(20261214, 17, 30);

	struct app_clocks c = read_at(&p, received, NULL, 0, 0, 0, received);
	assert_int_equal(c.office.status, CLOCK_RUNNING);
	assert_int_equal(c.office.warn_at, warn);
	assert_int_equal(c.office.due_at, due);
	assert_int_equal(c.office.paused_s, 0);
	assert_int_equal(c.office.stopped_at, 0);
	assert_false(c.office.met);
	assert_int_equal(c.office.percent_used, 0);
	/* The whole: 7.5 h on the 7th, 4 days of 9 h (8-11 Dec), 9 h on the 14th = 52.5 h. */
	assert_int_equal(c.office.remaining_s, 189000);

	/* Wednesday noon: 7.5 + 9 + 3.5 = 20 h used of 52.5 (38 %), 32.5 h left. */
	c = read_at(&p, received, NULL, 0, 0, 0, at(20261209, 12, 0));
	assert_int_equal(c.office.status, CLOCK_RUNNING);
	assert_int_equal(c.office.percent_used, 38);
	assert_int_equal(c.office.remaining_s, 117000);

	c = read_at(&p, received, NULL, 0, 0, 0, warn - 1);
	assert_int_equal(c.office.status, CLOCK_RUNNING);
	c = read_at(&p, received, NULL, 0, 0, 0, warn);
	assert_int_equal(c.office.status, CLOCK_WARNING);
	/* Over the weekend the remaining time does not move: Friday close and Saturday both leave Monday's 9 h. */
	c = read_at(&p, received, NULL, 0, 0, 0, at(20261211, 17, 30));
	assert_int_equal(c.office.status, CLOCK_WARNING);
	assert_int_equal(c.office.remaining_s, 9 * HOUR);
	c = read_at(&p, received, NULL, 0, 0, 0, at(20261212, 15, 0));
	assert_int_equal(c.office.remaining_s, 9 * HOUR);
	assert_int_equal(c.office.percent_used, 82); /* 43.5 / 52.5 */
	c = read_at(&p, received, NULL, 0, 0, 0, due - 1);
	assert_int_equal(c.office.status, CLOCK_WARNING);
	assert_int_equal(c.office.remaining_s, 1);
	c = read_at(&p, received, NULL, 0, 0, 0, due);
	assert_int_equal(c.office.status, CLOCK_OVERDUE);
	assert_int_equal(c.office.remaining_s, 0);
	assert_int_equal(c.office.percent_used, 100);
	/* Tuesday 12:00: 3.5 working hours late; 56 / 52.5 = 106 %. The night does not count. */
	c = read_at(&p, received, NULL, 0, 0, 0, at(20261215, 12, 0));
	assert_int_equal(c.office.status, CLOCK_OVERDUE);
	assert_int_equal(c.office.remaining_s, -12600);
	assert_int_equal(c.office.percent_used, 106);
}

/* Law 3071: 30 calendar days. From Monday 7 Dec 2026 that is Wednesday 6 Jan 2027. */
static void test_legal_3071(void **state)
{
	(void)state;
	struct clock_policy p;
	clock_policy_default(&p);
	int64_t received = at(20261207, 10, 0);

	struct app_clocks c = read_at(&p, received, NULL, 0, 0, 0, received);
	assert_int_equal(c.legal.status, CLOCK_RUNNING);
	assert_int_equal(c.legal.due_at, at(20270106, 17, 30));
	/* The whole: 7.5 h + 21 working days (18 in December after the 7th, 4-6 January; 1 January is a holiday)
	 * of 9 h = 196.5 h = 707400 s. 75 % = 530550 s = 147 h 22 min 30 s: 7.5 h on the 7th, 15 full days to
	 * Monday 28 Dec, then 4 h 52 min 30 s on Tuesday 29 Dec from 08:30. */
	assert_int_equal(c.legal.remaining_s, 707400);
	assert_int_equal(c.legal.warn_at, at(20261229, 13, 22) + 30);
	c = read_at(&p, received, NULL, 0, 0, 0, at(20261229, 13, 22) + 29);
	assert_int_equal(c.legal.status, CLOCK_RUNNING);
	assert_int_equal(c.legal.percent_used, 74);
	c = read_at(&p, received, NULL, 0, 0, 0, at(20261229, 13, 22) + 30);
	assert_int_equal(c.legal.status, CLOCK_WARNING);
	assert_int_equal(c.legal.percent_used, 75);
	/* New Year's Day passes without using time: Thursday close and Friday 1 Jan leave the same 27 h. */
	c = read_at(&p, received, NULL, 0, 0, 0, at(20261231, 17, 30));
	assert_int_equal(c.legal.remaining_s, 27 * HOUR);
	c = read_at(&p, received, NULL, 0, 0, 0, at(20270101, 12, 0));
	assert_int_equal(c.legal.remaining_s, 27 * HOUR);
	c = read_at(&p, received, NULL, 0, 0, 0, at(20270106, 17, 30));
	assert_int_equal(c.legal.status, CLOCK_OVERDUE);
	/* The office clock is independent of it. */
	assert_int_equal(c.office.due_at, at(20261214, 17, 30));
	assert_int_equal(c.office.status, CLOCK_OVERDUE);

	/* A day-30 that is a Saturday runs to Monday: received Thursday 3 Dec -> 2 Jan (Sat) -> Mon 4 Jan. */
	c = read_at(&p, at(20261203, 9, 0), NULL, 0, 0, 0, at(20261203, 9, 0));
	assert_int_equal(c.legal.due_at, at(20270104, 17, 30));
	/* Day 30 on New Year's Day: received Wednesday 2 Dec -> Friday 1 Jan -> Monday 4 Jan. */
	c = read_at(&p, at(20261202, 9, 0), NULL, 0, 0, 0, at(20261202, 9, 0));
	assert_int_equal(c.legal.due_at, at(20270104, 17, 30));
}

/* Law 4982: 15 working days after the day of receipt, 30 when extended. */
static void test_legal_4982(void **state)
{
	(void)state;
	struct clock_policy p = policy(2, 7, LEGAL_INFO_4982, 75);

	/* Monday 7 Dec: 8-11 (4), 14-18 (9), 21-25 (14), Monday 28 Dec is the 15th. */
	struct app_clocks c = read_at(&p, at(20261207, 10, 0), NULL, 0, 0, 0, at(20261207, 10, 0));
	assert_int_equal(c.legal.due_at, at(20261228, 17, 30));
	/* Friday 18 Dec 14:00: 21-25 (5), 28-31 (9), 1 Jan skipped, 4-8 (14), Monday 11 Jan is the 15th
	 * (without the holiday it would be Friday 8 Jan). */
	int64_t received = at(20261218, 14, 0);
	c = read_at(&p, received, NULL, 0, 0, 0, received);
	assert_int_equal(c.legal.due_at, at(20270111, 17, 30));
	assert_int_equal(c.legal.status, CLOCK_RUNNING);
	/* 3.5 h on the 18th and 15 days of 9 h = 138.5 h. */
	assert_int_equal(c.legal.remaining_s, 498600);
	c = read_at(&p, received, NULL, 0, 0, 0, at(20270111, 17, 30) + 1);
	assert_int_equal(c.legal.status, CLOCK_OVERDUE);
	assert_int_equal(c.legal.remaining_s, 0); /* after hours: no working time has passed since due */
	c = read_at(&p, received, NULL, 0, 0, 0, at(20270112, 9, 30));
	assert_int_equal(c.legal.remaining_s, -HOUR);

	/* Extended: 30 working days, 11-15 Jan (19), 18-22 (24), 25-29 (29), Monday 1 Feb. */
	p.legal = LEGAL_INFO_4982_EXTENDED;
	c = read_at(&p, received, NULL, 0, 0, 0, received);
	assert_int_equal(c.legal.due_at, at(20270201, 17, 30));
	assert_int_equal(c.legal.remaining_s, 3 * HOUR + 30 * MINUTE + 30 * 9 * HOUR);
}

/* Received on Saturday 12 Dec at 23:00: the clocks start on Monday morning. */
static void test_received_out_of_hours(void **state)
{
	(void)state;
	struct clock_policy p = policy(2, 7, LEGAL_INFO_4982, 75);
	int64_t received = at(20261212, 23, 0);

	struct app_clocks c = read_at(&p, received, NULL, 0, 0, 0, at(20261213, 12, 0));
	/* 14-18 (5), 21-25 (10), 28-31 (14), 1 Jan skipped, Monday 4 Jan is the 15th. */
	assert_int_equal(c.legal.due_at, at(20270104, 17, 30));
	assert_int_equal(c.legal.percent_used, 0);
	assert_int_equal(c.legal.remaining_s, 15 * 9 * HOUR);
	/* 75 % of 135 h = 101.25 h: 11 full days (14-18, 21-25, 28 Dec) then 2 h 15 min on Tuesday 29 Dec. */
	assert_int_equal(c.legal.warn_at, at(20261229, 10, 45));
	/* Office: Saturday + 2 = Monday 14 Dec; Saturday + 7 = Saturday 19 -> Monday 21 Dec. */
	assert_int_equal(c.office.warn_at, at(20261214, 17, 30));
	assert_int_equal(c.office.due_at, at(20261221, 17, 30));
	assert_int_equal(c.office.status, CLOCK_RUNNING);
	assert_int_equal(c.office.remaining_s, 6 * 9 * HOUR);
	/* Monday 10:30: two working hours used. */
	c = read_at(&p, received, NULL, 0, 0, 0, at(20261214, 10, 30));
	assert_int_equal(c.legal.remaining_s, 15 * 9 * HOUR - 2 * HOUR);
	assert_int_equal(c.legal.percent_used, 1); /* 2 / 135 */
	assert_int_equal(c.office.percent_used, 3); /* 2 / 54 */

	/* The same under 3071: 30 calendar days from Saturday 12 Dec = Monday 11 Jan. */
	p.legal = LEGAL_PETITION_3071;
	c = read_at(&p, received, NULL, 0, 0, 0, at(20261213, 12, 0));
	assert_int_equal(c.legal.due_at, at(20270111, 17, 30));
}

/* Received on the eve of Ramazan Bayramı 2027 (Monday 8 March, work ends at 13:00; 9-11 March are holidays). */
static void test_received_on_bayram_eve(void **state)
{
	(void)state;
	struct clock_policy p = policy(2, 7, LEGAL_INFO_4982, 75);
	int64_t received = at(20270308, 11, 0);

	struct app_clocks c = read_at(&p, received, NULL, 0, 0, 0, received);
	/* Friday 12 (1), 15-19 (6), 22-26 (11), 29-31 (14), Thursday 1 April is the 15th. */
	assert_int_equal(c.legal.due_at, at(20270401, 17, 30));
	/* 2 h on the eve (11:00-13:00) and 15 days of 9 h = 137 h; 75 % = 102.75 h: 2 h, 11 full days (12 Mar to
	 * 26 Mar), then 1 h 45 min on Monday 29 March. */
	assert_int_equal(c.legal.remaining_s, 137 * HOUR);
	assert_int_equal(c.legal.warn_at, at(20270329, 10, 15));
	/* Office: +2 = Wednesday 10 (bayram) -> Friday 12; +7 = Monday 15. */
	assert_int_equal(c.office.warn_at, at(20270312, 17, 30));
	assert_int_equal(c.office.due_at, at(20270315, 17, 30));
	/* At 13:00 on the eve and all through the bayram two hours have been used. */
	c = read_at(&p, received, NULL, 0, 0, 0, at(20270308, 13, 0));
	assert_int_equal(c.office.remaining_s, 9 * HOUR + 9 * HOUR);
	c = read_at(&p, received, NULL, 0, 0, 0, at(20270310, 12, 0));
	assert_int_equal(c.office.remaining_s, 18 * HOUR);
	assert_int_equal(c.office.percent_used, 10); /* 2 / 20 */
	assert_int_equal(c.office.status, CLOCK_RUNNING);

	/* Received on the eve after 13:00: no time is used that day. */
	received = at(20270308, 14, 0);
	c = read_at(&p, received, NULL, 0, 0, 0, at(20270312, 8, 30));
	assert_int_equal(c.legal.due_at, at(20270401, 17, 30));
	assert_int_equal(c.legal.remaining_s, 135 * HOUR);
	assert_int_equal(c.legal.percent_used, 0);

	/* Under 3071: 8 March + 30 = Wednesday 7 April. */
	p.legal = LEGAL_PETITION_3071;
	c = read_at(&p, at(20270308, 11, 0), NULL, 0, 0, 0, at(20270308, 11, 0));
	assert_int_equal(c.legal.due_at, at(20270407, 17, 30));
}

/* A pause from Thursday 16:30 to Monday 09:30 spans two nights, a Friday and a weekend: 1 + 9 + 1 = 11 h. */
static void test_pause_across_weekend(void **state)
{
	(void)state;
	struct clock_policy p;
	clock_policy_default(&p);
	int64_t received = at(20261207, 10, 0);
	const struct clock_pause pause[] = {{at(20261210, 16, 30), at(20261214, 9, 30)}};

	struct app_clocks c = read_at(&p, received, pause, 1, 0, 0, at(20261215, 12, 0));
	assert_int_equal(c.office.paused_s, 11 * HOUR);
	assert_int_equal(c.legal.paused_s, 11 * HOUR);
	/* Due Monday 14 17:30 + 11 h: Tuesday's 9 h, then 2 h on Wednesday 16 -> 10:30. */
	assert_int_equal(c.office.due_at, at(20261216, 10, 30));
	/* Warning Wednesday 9 17:30 + 11 h: Thursday 10's 9 h, then Friday 11 10:30. */
	assert_int_equal(c.office.warn_at, at(20261211, 10, 30));
	assert_int_equal(c.office.status, CLOCK_WARNING);
	/* Remaining: Tuesday 12:00-17:30 (5.5 h) and Wednesday 08:30-10:30 (2 h). */
	assert_int_equal(c.office.remaining_s, 7 * HOUR + 30 * MINUTE);
	/* Used: 52.5 h whole - 7.5 h left = 45 h, 85 %. */
	assert_int_equal(c.office.percent_used, 85);
	/* 3071: Wednesday 6 Jan 17:30 + 11 h: Thursday 7 Jan's 9 h, 2 h on Friday 8 Jan. */
	assert_int_equal(c.legal.due_at, at(20270108, 10, 30));
	assert_int_equal(c.legal.status, CLOCK_RUNNING);

	/* Read on the Saturday inside the pause: paused, counting only up to now (1 + 9 h). */
	c = read_at(&p, received, pause, 1, 0, 0, at(20261212, 12, 0));
	assert_int_equal(c.office.status, CLOCK_PAUSED);
	assert_int_equal(c.legal.status, CLOCK_PAUSED);
	assert_int_equal(c.office.paused_s, 10 * HOUR);
	assert_int_equal(c.office.due_at, at(20261216, 9, 30));
	/* Read before the pause began: it does not count yet. */
	c = read_at(&p, received, pause, 1, 0, 0, at(20261210, 12, 0));
	assert_int_equal(c.office.paused_s, 0);
	assert_int_equal(c.office.due_at, at(20261214, 17, 30));
	assert_int_equal(c.office.status, CLOCK_WARNING);
	/* At the instant it ends it is no longer open. */
	c = read_at(&p, received, pause, 1, 0, 0, at(20261214, 9, 30));
	assert_int_equal(c.office.status, CLOCK_WARNING);
	assert_int_equal(c.office.paused_s, 11 * HOUR);
}

/* Pauses over the half-day eve and the bayram count only the working time in them. */
static void test_pause_over_bayram(void **state)
{
	(void)state;
	struct clock_policy p = policy(2, 7, LEGAL_INFO_4982, 75);
	int64_t received = at(20270301, 9, 0);
	/* Monday 1 March: 2-5 (4), Monday 8 the eve (5), 12 (6), 15-19 (11), 22-25 (15): Thursday 25 March. */
	struct app_clocks c = read_at(&p, received, NULL, 0, 0, 0, received);
	assert_int_equal(c.legal.due_at, at(20270325, 17, 30));

	/* Eve 12:00-13:00 (1 h), nothing during the bayram, Friday 08:30-09:30 (1 h). */
	const struct clock_pause eve[] = {{at(20270308, 12, 0), at(20270312, 9, 30)}};
	c = read_at(&p, received, eve, 1, 0, 0, at(20270315, 9, 0));
	assert_int_equal(c.legal.paused_s, 2 * HOUR);
	assert_int_equal(c.legal.due_at, at(20270326, 10, 30));
	/* Office: due 1 March + 7 = Monday 8 March, the eve: end at 13:00; + 2 h -> Friday 12 09:30 + 1 h. */
	assert_int_equal(c.office.due_at, at(20270312, 10, 30));

	/* A pause only over the bayram days and the eve afternoon pushes nothing. */
	const struct clock_pause bayram[] = {{at(20270308, 13, 0), at(20270312, 8, 30)}};
	c = read_at(&p, received, bayram, 1, 0, 0, at(20270315, 9, 0));
	assert_int_equal(c.legal.paused_s, 0);
	assert_int_equal(c.legal.due_at, at(20270325, 17, 30));
	assert_int_equal(c.office.due_at, at(20270308, 13, 0));
	/* But while it is open at now the clock says paused. */
	c = read_at(&p, received, bayram, 1, 0, 0, at(20270310, 9, 0));
	assert_int_equal(c.legal.status, CLOCK_PAUSED);
	assert_int_equal(c.office.status, CLOCK_PAUSED);
}

/* A pause still open at now counts up to now. */
static void test_open_pause(void **state)
{
	(void)state;
	struct clock_policy p;
	clock_policy_default(&p);
	int64_t received = at(20261207, 10, 0);
	const struct clock_pause open[] = {{at(20261208, 17, 0), 0}};

	/* Thursday 09:00: 0.5 h on Tuesday, 9 h on Wednesday, 0.5 h on Thursday = 10 h. */
	struct app_clocks c = read_at(&p, received, open, 1, 0, 0, at(20261210, 9, 0));
	assert_int_equal(c.office.status, CLOCK_PAUSED);
	assert_int_equal(c.legal.status, CLOCK_PAUSED);
	assert_int_equal(c.office.paused_s, 10 * HOUR);
	assert_int_equal(c.legal.paused_s, 10 * HOUR);
	/* Monday 14 17:30 + 10 h -> Wednesday 16 09:30; Wednesday 6 Jan 17:30 + 10 h -> Friday 8 Jan 09:30. */
	assert_int_equal(c.office.due_at, at(20261216, 9, 30));
	assert_int_equal(c.legal.due_at, at(20270108, 9, 30));
	/* Frozen at what was left when it began: 0.5 + 27 + 9 = 36.5 h; used 26 h - 10 h paused = 16 h. */
	assert_int_equal(c.office.remaining_s, 36 * HOUR + 30 * MINUTE);
	assert_int_equal(c.office.percent_used, 30); /* 16 / 52.5 */
	/* The next Monday, still open: it is paused, never overdue, and the remaining time has not moved. */
	c = read_at(&p, received, open, 1, 0, 0, at(20261221, 12, 0));
	assert_int_equal(c.office.status, CLOCK_PAUSED);
	assert_int_equal(c.office.remaining_s, 36 * HOUR + 30 * MINUTE);
	assert_int_equal(c.office.percent_used, 30);
}

/* Several pauses in any order, overlapping ones counted once, those before receipt or after now ignored. */
static void test_several_pauses(void **state)
{
	(void)state;
	struct clock_policy p;
	clock_policy_default(&p);
	int64_t received = at(20261207, 10, 0);
	const struct clock_pause pauses[] = {
		{at(20261211, 9, 0), at(20261211, 10, 0)},  /* after now: not yet */
		{at(20261209, 10, 0), at(20261209, 11, 0)}, /* overlaps the next one by 0.5 h */
		{at(20261209, 8, 0), at(20261209, 10, 30)}, /* 08:30-10:30: 2 h */
		{at(20261208, 12, 0), at(20261208, 13, 0)}, /* 1 h */
		{at(20261204, 9, 0), at(20261207, 9, 0)},   /* before receipt */
	};
	/* Union: 1 h on Tuesday, 08:30-11:00 on Wednesday = 3.5 h. */
	struct app_clocks c = read_at(&p, received, pauses, 5, 0, 0, at(20261210, 12, 0));
	assert_int_equal(c.office.paused_s, 3 * HOUR + 30 * MINUTE);
	/* Monday 14 17:30 + 3.5 h -> Tuesday 15 12:00; warning Wednesday 9 17:30 + 3.5 h -> Thursday 10 12:00. */
	assert_int_equal(c.office.due_at, at(20261215, 12, 0));
	assert_int_equal(c.office.warn_at, at(20261210, 12, 0));
	assert_int_equal(c.office.status, CLOCK_WARNING);
	c = read_at(&p, received, pauses, 5, 0, 0, at(20261210, 12, 0) - 1);
	assert_int_equal(c.office.status, CLOCK_RUNNING);
	/* Once the last pause has passed too: 4.5 h. */
	c = read_at(&p, received, pauses, 5, 0, 0, at(20261211, 12, 0));
	assert_int_equal(c.office.paused_s, 4 * HOUR + 30 * MINUTE);
	assert_int_equal(c.office.due_at, at(20261215, 13, 0));
	/* The same pauses in another order give the same reading. */
	const struct clock_pause reordered[] = {pauses[3], pauses[0], pauses[4], pauses[2], pauses[1]};
	struct app_clocks d = read_at(&p, received, reordered, 5, 0, 0, at(20261211, 12, 0));
	assert_int_equal(d.office.paused_s, c.office.paused_s);
	assert_int_equal(d.office.due_at, c.office.due_at);
	assert_int_equal(d.legal.due_at, c.legal.due_at);
	/* One pause inside another adds nothing. */
	const struct clock_pause nested[] = {{at(20261208, 9, 0), at(20261208, 15, 0)},
					     {at(20261208, 10, 0), at(20261208, 11, 0)}};
	c = read_at(&p, received, nested, 2, 0, 0, at(20261211, 12, 0));
	assert_int_equal(c.office.paused_s, 6 * HOUR);
}

/* Stopped clocks: on time or late, and deaf to pauses after they stopped. */
static void test_stopped(void **state)
{
	(void)state;
	struct clock_policy p;
	clock_policy_default(&p);
	int64_t received = at(20261207, 10, 0);

	/* Final feedback on Friday 15:00: met, 2.5 + 9 = 11.5 h to spare, 41 of 52.5 h used (78 %). */
	struct app_clocks c = read_at(&p, received, NULL, 0, at(20261211, 15, 0), 0, at(20261221, 9, 0));
	assert_int_equal(c.office.status, CLOCK_STOPPED);
	assert_int_equal(c.office.stopped_at, at(20261211, 15, 0));
	assert_true(c.office.met);
	assert_int_equal(c.office.remaining_s, 41400);
	assert_int_equal(c.office.percent_used, 78);
	assert_int_equal(c.office.due_at, at(20261214, 17, 30));
	/* The legal clock runs on. */
	assert_int_equal(c.legal.status, CLOCK_RUNNING);
	assert_int_equal(c.legal.stopped_at, 0);

	/* Stopped exactly at the deadline: met. */
	c = read_at(&p, received, NULL, 0, at(20261214, 17, 30), 0, at(20261221, 9, 0));
	assert_true(c.office.met);
	assert_int_equal(c.office.remaining_s, 0);
	assert_int_equal(c.office.percent_used, 100);
	/* Stopped on Tuesday 12:00: late by 3.5 working hours. */
	c = read_at(&p, received, NULL, 0, at(20261215, 12, 0), 0, at(20261221, 9, 0));
	assert_int_equal(c.office.status, CLOCK_STOPPED);
	assert_false(c.office.met);
	assert_int_equal(c.office.remaining_s, -12600);
	assert_int_equal(c.office.percent_used, 106);

	/* An interim notice on Wednesday noon stops the legal clock; a pause after it still pushes the office clock
	 * (9 h: Thursday 09:00 to Friday 09:00) but not the legal one. */
	const struct clock_pause later[] = {{at(20261210, 9, 0), at(20261211, 9, 0)}};
	c = read_at(&p, received, later, 1, 0, at(20261209, 12, 0), at(20261215, 12, 0));
	assert_int_equal(c.legal.status, CLOCK_STOPPED);
	assert_true(c.legal.met);
	assert_int_equal(c.legal.paused_s, 0);
	assert_int_equal(c.legal.due_at, at(20270106, 17, 30));
	assert_int_equal(c.legal.stopped_at, at(20261209, 12, 0));
	assert_int_equal(c.legal.remaining_s, 707400 - 20 * HOUR);
	assert_int_equal(c.office.paused_s, 9 * HOUR);
	assert_int_equal(c.office.due_at, at(20261215, 17, 30));
	assert_int_equal(c.office.warn_at, at(20261210, 17, 30));
	assert_int_equal(c.office.status, CLOCK_WARNING);
	/* A stopped clock says stopped even inside an open pause. */
	const struct clock_pause open[] = {{at(20261210, 9, 0), 0}};
	c = read_at(&p, received, open, 1, at(20261211, 9, 0), 0, at(20261215, 12, 0));
	assert_int_equal(c.office.status, CLOCK_STOPPED);
	assert_int_equal(c.office.paused_s, 9 * HOUR); /* the pause counted up to when it stopped */
	assert_int_equal(c.legal.status, CLOCK_PAUSED);
	/* Stopped late on the legal clock (4982): feedback after the 15th working day. */
	p.legal = LEGAL_INFO_4982;
	c = read_at(&p, received, NULL, 0, 0, at(20261229, 9, 30), at(20261230, 9, 0));
	assert_int_equal(c.legal.due_at, at(20261228, 17, 30));
	assert_int_equal(c.legal.status, CLOCK_STOPPED);
	assert_false(c.legal.met);
	assert_int_equal(c.legal.remaining_s, -HOUR);
}

/* No legal clock: the reading is all zeros with status none; the office clock works as ever. */
static void test_no_legal_clock(void **state)
{
	(void)state;
	struct clock_policy p = policy(2, 7, LEGAL_NONE, 75);
	int64_t received = at(20261207, 10, 0);
	const struct clock_pause open[] = {{at(20261208, 9, 0), 0}};
	struct app_clocks c = read_at(&p, received, open, 1, 0, at(20261209, 9, 0), at(20261210, 9, 0));
	assert_int_equal(c.legal.status, CLOCK_NONE);
	assert_int_equal(c.legal.due_at, 0);
	assert_int_equal(c.legal.warn_at, 0);
	assert_int_equal(c.legal.paused_s, 0);
	assert_int_equal(c.legal.stopped_at, 0);
	assert_false(c.legal.met);
	assert_int_equal(c.legal.percent_used, 0);
	assert_int_equal(c.legal.remaining_s, 0);
	assert_int_equal(c.office.status, CLOCK_PAUSED);
	assert_int_equal(c.office.paused_s, 18 * HOUR); /* 8.5 + 9 + 0.5 */
}

/* Category policies other than the default. */
static void test_custom_policy(void **state)
{
	(void)state;
	/* Warn the same day, due the next day: Friday 11 Dec 16:00 -> warn Friday 17:30, due Saturday -> Monday. */
	struct clock_policy p = policy(0, 1, LEGAL_INFO_4982_EXTENDED, 50);
	int64_t received = at(20261211, 16, 0);
	struct app_clocks c = read_at(&p, received, NULL, 0, 0, 0, at(20261211, 17, 0));
	assert_int_equal(c.office.warn_at, at(20261211, 17, 30));
	assert_int_equal(c.office.due_at, at(20261214, 17, 30));
	assert_int_equal(c.office.status, CLOCK_RUNNING);
	assert_int_equal(c.office.percent_used, 9); /* 1 of 10.5 h */
	c = read_at(&p, received, NULL, 0, 0, 0, at(20261211, 17, 30));
	assert_int_equal(c.office.status, CLOCK_WARNING);
	/* 30 working days from Friday 11 Dec: 14-18 (5), 21-25 (10), 28-31 (14), 4-8 Jan (19), 11-15 (24),
	 * 18-22 (29), Monday 25 Jan. 50 % of 1.5 h + 270 h = 135.75 h: 1.5 h on the 11th, 14 days to 31 Dec
	 * (126 h), 8.25 h on Monday 4 Jan -> 16:45. */
	assert_int_equal(c.legal.due_at, at(20270125, 17, 30));
	assert_int_equal(c.legal.warn_at, at(20270104, 16, 45));
	/* A longer office target: 30 days, warning at 20. Friday 11 Dec + 20 = Thursday 31 Dec; + 30 = Sunday
	 * 10 Jan -> Monday 11 Jan. */
	p = policy(20, 30, LEGAL_PETITION_3071, 90);
	c = read_at(&p, received, NULL, 0, 0, 0, received);
	assert_int_equal(c.office.warn_at, at(20261231, 17, 30));
	assert_int_equal(c.office.due_at, at(20270111, 17, 30));
	/* + 20 landing on New Year's Day moves to Monday: received Saturday 12 Dec -> Friday 1 Jan -> 4 Jan. */
	p = policy(20, 30, LEGAL_NONE, 90);
	c = read_at(&p, at(20261212, 10, 0), NULL, 0, 0, 0, at(20261212, 10, 0));
	assert_int_equal(c.office.warn_at, at(20270104, 17, 30));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_default),
		cmocka_unit_test(test_add_working_seconds),
		cmocka_unit_test(test_office_clock),
		cmocka_unit_test(test_legal_3071),
		cmocka_unit_test(test_legal_4982),
		cmocka_unit_test(test_received_out_of_hours),
		cmocka_unit_test(test_received_on_bayram_eve),
		cmocka_unit_test(test_pause_across_weekend),
		cmocka_unit_test(test_pause_over_bayram),
		cmocka_unit_test(test_open_pause),
		cmocka_unit_test(test_several_pauses),
		cmocka_unit_test(test_stopped),
		cmocka_unit_test(test_no_legal_clock),
		cmocka_unit_test(test_custom_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
