/* test_walkin.c: can the Mayor see a walk-in now (breaks, buffers, agenda items, the end of the day, holidays and
 * closed days, the walk-in with the Mayor), the queue's estimated call-in times, bad input, and the walk-in flow. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "core/walkin.h"

#define WED 20261202 /* Wednesday 2 December 2026 */
#define SAT 20261205

static int64_t at(int ymd, int h, int m)
{
	return unix_from_ymd_min(ymd, h * 60 + m);
}

/* Monday to Friday 08:30-17:30, lunch break 12:00-13:30. */
static const struct plan_period plan[] = {
	{0, false, 510, 1050, NULL}, {1, false, 510, 1050, NULL}, {2, false, 510, 1050, NULL},
	{3, false, 510, 1050, NULL}, {4, false, 510, 1050, NULL}, {0, true, 720, 810, "Öğle arası"},
	{1, true, 720, 810, "Öğle arası"}, {2, true, 720, 810, "Öğle arası"}, {3, true, 720, 810, "Öğle arası"},
	{4, true, 720, 810, "Öğle arası"},
};
#define N_PLAN (sizeof plan / sizeof plan[0])

static struct slot_day day_of(int ymd)
{
	struct slot_day d;
	slots_day_build(&d, ymd, plan, N_PLAN, NULL, NULL);
	return d;
}

static struct walkin_situation situation(const struct slot_day *d, int64_t now, int duration)
{
	return (struct walkin_situation){.day = d, .now = now, .duration_min = duration, .buffer_min = 10};
}

static void test_free_now(void **state)
{
	(void)state;
	struct slot_day d = day_of(WED);
	struct walkin_situation s = situation(&d, at(WED, 9, 0) + 20, 15); /* 09:00:20: not on the minute */
	struct walkin_answer a;
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_true(a.can_now);
	assert_int_equal(a.reason, WALKIN_REASON_FREE);
	assert_int_equal(a.next_free_at, s.now);
	assert_int_equal(a.call_at, s.now);
	assert_int_equal(a.busy_index, -1);
	assert_string_equal(walkin_reason_name(a.reason), "free");
}

static void test_busy_with_an_item(void **state)
{
	(void)state;
	struct slot_day d = day_of(WED);
	struct slot_busy busy[] = {{at(WED, 15, 0), at(WED, 16, 0), 7, false}, {at(WED, 9, 0), at(WED, 10, 0), 3, false}};
	struct walkin_situation s = situation(&d, at(WED, 9, 30), 15);
	s.busy = busy;
	s.n_busy = 2;
	struct walkin_answer a;
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_false(a.can_now);
	assert_int_equal(a.reason, WALKIN_REASON_BUSY);
	assert_int_equal(a.busy_index, 1);
	assert_int_equal(a.until, at(WED, 10, 0));
	/* free again after the item and its 10-minute buffer */
	assert_int_equal(a.next_free_at, at(WED, 10, 10));
	assert_int_equal(a.call_at, at(WED, 10, 10));
}

static void test_buffer_after_an_item(void **state)
{
	(void)state;
	struct slot_day d = day_of(WED);
	struct slot_busy busy[] = {{at(WED, 9, 0), at(WED, 10, 0), 3, false}};
	struct walkin_situation s = situation(&d, at(WED, 10, 5), 15);
	s.busy = busy;
	s.n_busy = 1;
	struct walkin_answer a;
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_int_equal(a.reason, WALKIN_REASON_BUSY);
	assert_int_equal(a.until, at(WED, 10, 10));
	assert_int_equal(a.next_free_at, at(WED, 10, 10));
	/* with no buffer the Mayor is free at 10:05 */
	s.buffer_min = 0;
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_true(a.can_now);
}

static void test_too_short_before_the_next_item(void **state)
{
	(void)state;
	struct slot_day d = day_of(WED);
	struct slot_busy busy[] = {{at(WED, 10, 0), at(WED, 11, 0), 5, false}};
	/* 09:40 + 15 min ends 09:55, inside the 10-minute buffer before 10:00 */
	struct walkin_situation s = situation(&d, at(WED, 9, 40), 15);
	s.busy = busy;
	s.n_busy = 1;
	struct walkin_answer a;
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_false(a.can_now);
	assert_int_equal(a.reason, WALKIN_REASON_TOO_SHORT);
	assert_int_equal(a.until, at(WED, 9, 50));
	assert_int_equal(a.busy_index, 0);
	assert_int_equal(a.next_free_at, at(WED, 11, 10));
	/* ten minutes fit exactly */
	s.duration_min = 10;
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_true(a.can_now);
}

static void test_break(void **state)
{
	(void)state;
	struct slot_day d = day_of(WED);
	struct walkin_situation s = situation(&d, at(WED, 12, 30), 15);
	struct walkin_answer a;
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_false(a.can_now);
	assert_int_equal(a.reason, WALKIN_REASON_BREAK);
	assert_int_equal(a.break_index, 0);
	assert_string_equal(d.breaks[a.break_index].name, "Öğle arası");
	assert_int_equal(a.until, at(WED, 13, 30));
	assert_int_equal(a.next_free_at, at(WED, 13, 30));
	/* just before the break: 15 minutes do not fit, the break is the obstacle */
	s.now = at(WED, 11, 50);
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_int_equal(a.reason, WALKIN_REASON_TOO_SHORT);
	assert_int_equal(a.until, at(WED, 12, 0));
	assert_int_equal(a.busy_index, -1);
	assert_int_equal(a.next_free_at, at(WED, 13, 30));
}

static void test_outside_hours(void **state)
{
	(void)state;
	struct slot_day d = day_of(WED);
	struct walkin_situation s = situation(&d, at(WED, 7, 45), 15);
	struct walkin_answer a;
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_int_equal(a.reason, WALKIN_REASON_OUTSIDE_HOURS);
	assert_int_equal(a.until, at(WED, 8, 30));
	assert_int_equal(a.next_free_at, at(WED, 8, 30));
	/* the end of the day: nothing today */
	s.now = at(WED, 17, 30);
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_int_equal(a.reason, WALKIN_REASON_OUTSIDE_HOURS);
	assert_int_equal(a.until, 0);
	assert_int_equal(a.next_free_at, 0);
	assert_int_equal(a.call_at, 0);
	/* ten minutes before the end: a 15-minute meeting does not fit, a 10-minute one does */
	s.now = at(WED, 17, 20);
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_int_equal(a.reason, WALKIN_REASON_TOO_SHORT);
	assert_int_equal(a.until, at(WED, 17, 30));
	assert_int_equal(a.next_free_at, 0);
	s.duration_min = 10;
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_true(a.can_now);
}

static void test_holiday_closed_and_weekend(void **state)
{
	(void)state;
	struct holiday h = {WED, false, "Bayram"};
	struct slot_day d;
	slots_day_build(&d, WED, plan, N_PLAN, NULL, &h);
	struct walkin_situation s = situation(&d, at(WED, 10, 0), 15);
	struct walkin_answer a;
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_int_equal(a.reason, WALKIN_REASON_HOLIDAY);
	assert_int_equal(a.next_free_at, 0);
	struct plan_exception closed = {true, 0, 0};
	slots_day_build(&d, WED, plan, N_PLAN, &closed, NULL);
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_int_equal(a.reason, WALKIN_REASON_CLOSED);
	assert_false(a.can_now);
	assert_int_equal(a.call_at, 0);
	d = day_of(SAT);
	s.now = at(SAT, 10, 0);
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_int_equal(a.reason, WALKIN_REASON_NO_PLAN);
	/* a half day ends at 13:00 */
	struct holiday half = {WED, true, "Arife"};
	slots_day_build(&d, WED, plan, N_PLAN, NULL, &half);
	s.now = at(WED, 11, 0);
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_true(a.can_now);
	s.now = at(WED, 13, 10);
	assert_int_equal(walkin_assess(&s, &a, NULL), 0);
	assert_int_equal(a.reason, WALKIN_REASON_OUTSIDE_HOURS);
	assert_int_equal(a.next_free_at, 0);
}

static void test_queue_of_several(void **state)
{
	(void)state;
	struct slot_day d = day_of(WED);
	/* an engagement 10:00-11:00; three people wait (15, 30, 20 minutes); it is 09:00 */
	struct slot_busy busy[] = {{at(WED, 10, 0), at(WED, 11, 0), 9, false}};
	int queue[] = {15, 30, 20};
	int64_t when[3];
	struct walkin_situation s = situation(&d, at(WED, 9, 0), 15);
	s.busy = busy;
	s.n_busy = 1;
	s.queue_min = queue;
	s.n_queue = 3;
	struct walkin_answer a;
	assert_int_equal(walkin_assess(&s, &a, when), 0);
	assert_false(a.can_now);
	assert_int_equal(a.reason, WALKIN_REASON_QUEUE);
	assert_int_equal(a.next_free_at, at(WED, 9, 0)); /* the Mayor is free; the queue is not counted */
	assert_int_equal(when[0], at(WED, 9, 0));
	assert_int_equal(when[1], at(WED, 9, 15));
	/* 09:45 + 20 min would end inside the buffer before 10:00: after the engagement and its buffer */
	assert_int_equal(when[2], at(WED, 11, 10));
	assert_int_equal(a.call_at, at(WED, 11, 30));
}

static void test_queue_past_the_end_of_the_day(void **state)
{
	(void)state;
	struct slot_day d = day_of(WED);
	int queue[] = {30, 60, 15};
	int64_t when[3];
	struct walkin_situation s = situation(&d, at(WED, 16, 45), 15);
	s.queue_min = queue;
	s.n_queue = 3;
	struct walkin_answer a;
	assert_int_equal(walkin_assess(&s, &a, when), 0);
	assert_int_equal(when[0], at(WED, 16, 45));
	assert_int_equal(when[1], 0); /* 17:15 + 60 min is past 17:30: not today */
	assert_int_equal(when[2], at(WED, 17, 15)); /* the next one still fits */
	assert_int_equal(a.call_at, 0);             /* the newcomer does not */
}

static void test_with_a_visitor(void **state)
{
	(void)state;
	struct slot_day d = day_of(WED);
	int queue[] = {15};
	int64_t when[1];
	struct walkin_situation s = situation(&d, at(WED, 9, 10), 15);
	s.with_mayor_until = walkin_meeting_end(at(WED, 9, 0), 20, s.now);
	assert_int_equal(s.with_mayor_until, at(WED, 9, 20));
	s.queue_min = queue;
	s.n_queue = 1;
	struct walkin_answer a;
	assert_int_equal(walkin_assess(&s, &a, when), 0);
	assert_int_equal(a.reason, WALKIN_REASON_WITH_VISITOR);
	assert_int_equal(a.until, at(WED, 9, 20));
	assert_int_equal(a.next_free_at, at(WED, 9, 20));
	assert_int_equal(when[0], at(WED, 9, 20));
	assert_int_equal(a.call_at, at(WED, 9, 35));
	/* an overrunning meeting: a few more minutes are assumed */
	assert_int_equal(walkin_meeting_end(at(WED, 9, 0), 5, at(WED, 9, 10)), at(WED, 9, 10) + WALKIN_OVERRUN_MIN * 60);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct slot_day d = day_of(WED);
	struct walkin_answer a;
	struct walkin_situation s = situation(&d, at(WED, 9, 0), 0);
	assert_int_equal(walkin_assess(&s, &a, NULL), -1);
	assert_false(a.can_now);
	s.duration_min = -5;
	assert_int_equal(walkin_assess(&s, &a, NULL), -1);
	s.duration_min = 15;
	s.buffer_min = -1;
	assert_int_equal(walkin_assess(&s, &a, NULL), -1);
	s.buffer_min = 0;
	int queue[] = {15, 0};
	int64_t when[2];
	s.queue_min = queue;
	s.n_queue = 2;
	assert_int_equal(walkin_assess(&s, &a, when), -1);
	s.n_queue = 1;
	assert_int_equal(walkin_assess(&s, &a, NULL), -1); /* nowhere to put the estimates */
	s.day = NULL;
	assert_int_equal(walkin_assess(&s, &a, when), -1);
	assert_string_equal(walkin_reason_name(WALKIN_REASON__MAX), "");
}

static void test_flow(void **state)
{
	(void)state;
	const char *err = NULL;
	const struct wf_transition *t = wf_find(&walkin_flow, WALKIN_WAITING, "call_in", WF_ROLE_SECRETARIAT, &err);
	assert_non_null(t);
	assert_int_equal(t->to, WALKIN_CALLED_IN);
	t = wf_find(&walkin_flow, WALKIN_CALLED_IN, "met", WF_ROLE_CHIEF, &err);
	assert_non_null(t);
	assert_int_equal(t->to, WALKIN_MET);
	assert_non_null(wf_find(&walkin_flow, WALKIN_WAITING, "convert", WF_ROLE_ADMIN, &err));
	/* must fail: met from waiting, anything from a final state, the Mayor and viewers acting */
	assert_null(wf_find(&walkin_flow, WALKIN_WAITING, "met", WF_ROLE_SECRETARIAT, &err));
	assert_string_equal(err, WF_ERR_ACTION);
	assert_null(wf_find(&walkin_flow, WALKIN_CONVERTED, "convert", WF_ROLE_SECRETARIAT, &err));
	assert_string_equal(err, WF_ERR_FINAL);
	assert_null(wf_find(&walkin_flow, WALKIN_MET, "left", WF_ROLE_SECRETARIAT, &err));
	assert_null(wf_find(&walkin_flow, WALKIN_WAITING, "call_in", WF_ROLE_VIEWER, &err));
	assert_string_equal(err, WF_ERR_FORBIDDEN);
	assert_null(wf_find(&walkin_flow, WALKIN_WAITING, "call_in", WF_ROLE_MAYOR, &err));
	assert_string_equal(wf_state_by_name(&walkin_flow, "called_in")->name, "called_in");
	assert_true(wf_state(&walkin_flow, WALKIN_LEFT)->final);
	assert_false(wf_state(&walkin_flow, WALKIN_WAITING)->final);
	for (size_t i = 0; i < walkin_flow.n_states; i++)
		assert_int_equal(walkin_flow.states[i].id, (int)i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_now),
		cmocka_unit_test(test_busy_with_an_item),
		cmocka_unit_test(test_buffer_after_an_item),
		cmocka_unit_test(test_too_short_before_the_next_item),
		cmocka_unit_test(test_break),
		cmocka_unit_test(test_outside_hours),
		cmocka_unit_test(test_holiday_closed_and_weekend),
		cmocka_unit_test(test_queue_of_several),
		cmocka_unit_test(test_queue_past_the_end_of_the_day),
		cmocka_unit_test(test_with_a_visitor),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_flow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
