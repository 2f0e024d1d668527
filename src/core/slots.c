/* slots.c: open windows of a day of the Mayor's programme, its free slots, and the conflicts of a chosen time. */
#include <stdlib.h>
#include <string.h>
#include "core/slots.h"
#include "util/xalloc.h"

struct minutes {
	int start, end;
};

static int by_start_min(const void *a, const void *b)
{
	const struct minutes *x = a, *y = b;
	return x->start != y->start ? (x->start < y->start ? -1 : 1) : (x->end > y->end) - (x->end < y->end);
}

static int by_start_period(const void *a, const void *b)
{
	const struct slot_period *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

/* Takes [cut_start, cut_end) out of the sorted, disjoint list w (n entries, room for cap), keeping the order. */
static size_t cut_minutes(struct minutes *w, size_t n, size_t cap, int cut_start, int cut_end)
{
	for (size_t i = 0; i < n; i++) {
		if (cut_end <= w[i].start || cut_start >= w[i].end)
			continue;
		bool left = w[i].start < cut_start, right = cut_end < w[i].end;
		if (left && right) {
			if (n == cap) { /* no room to split: keep the left part only */
				w[i].end = cut_start;
				continue;
			}
			memmove(&w[i + 2], &w[i + 1], (n - i - 1) * sizeof *w);
			w[i + 1] = (struct minutes){cut_end, w[i].end};
			w[i].end = cut_start;
			n++;
			i++;
		} else if (left) {
			w[i].end = cut_start;
		} else if (right) {
			w[i].start = cut_end;
		} else {
			memmove(&w[i], &w[i + 1], (n - i - 1) * sizeof *w);
			n--;
			i--;
		}
	}
	return n;
}

void slots_day_build(struct slot_day *day, int ymd, const struct plan_period *plan, size_t n_plan,
		     const struct plan_exception *exception, const struct holiday *holiday)
{
	memset(day, 0, sizeof *day);
	day->ymd = ymd;
	if (exception && exception->closed) {
		day->state = SLOT_DAY_CLOSED;
		return;
	}
	bool full_holiday = holiday && !holiday->half_day && !exception;
	if (full_holiday) {
		day->state = SLOT_DAY_HOLIDAY;
		return;
	}
	int weekday = ymd_weekday(ymd);
	struct minutes work[SLOTS_MAX_PERIODS];
	size_t n_work = 0;
	if (exception) {
		if (exception->start_min < exception->end_min)
			work[n_work++] = (struct minutes){exception->start_min, exception->end_min};
	} else {
		for (size_t i = 0; i < n_plan && n_work < SLOTS_MAX_PERIODS; i++)
			if (plan[i].weekday == weekday && !plan[i].is_break && plan[i].start_min < plan[i].end_min)
				work[n_work++] = (struct minutes){plan[i].start_min, plan[i].end_min};
	}
	if (n_work == 0) {
		day->state = SLOT_DAY_NO_PLAN;
		return;
	}
	qsort(work, n_work, sizeof *work, by_start_min);
	size_t merged = 0;
	for (size_t i = 0; i < n_work; i++) {
		if (merged && work[i].start <= work[merged - 1].end) {
			if (work[i].end > work[merged - 1].end)
				work[merged - 1].end = work[i].end;
		} else {
			work[merged++] = work[i];
		}
	}
	n_work = merged;
	if (holiday && holiday->half_day && !exception) {
		day->half_day = true;
		n_work = cut_minutes(work, n_work, SLOTS_MAX_PERIODS, BIZCAL_HALF_DAY_END_MIN, 24 * 60);
		if (n_work == 0) {
			day->state = SLOT_DAY_HOLIDAY;
			return;
		}
	}
	int first = work[0].start, last = work[n_work - 1].end;
	for (size_t i = 0; i < n_plan; i++) {
		const struct plan_period *b = &plan[i];
		if (b->weekday != weekday || !b->is_break || b->start_min >= b->end_min)
			continue;
		int s = b->start_min < first ? first : b->start_min;
		int e = b->end_min > last ? last : b->end_min;
		if (s >= e)
			continue;
		bool inside = false;
		for (size_t k = 0; k < n_work; k++)
			if (s < work[k].end && work[k].start < e)
				inside = true;
		if (inside && day->n_breaks < SLOTS_MAX_PERIODS)
			day->breaks[day->n_breaks++] = (struct slot_period){unix_from_ymd_min(ymd, s),
									    unix_from_ymd_min(ymd, e), b->name};
		n_work = cut_minutes(work, n_work, SLOTS_MAX_PERIODS, b->start_min, b->end_min);
	}
	qsort(day->breaks, day->n_breaks, sizeof day->breaks[0], by_start_period);
	for (size_t i = 0; i < n_work; i++)
		day->open[day->n_open++] = (struct slot_period){unix_from_ymd_min(ymd, work[i].start),
								unix_from_ymd_min(ymd, work[i].end), NULL};
	day->state = day->n_open ? SLOT_DAY_OPEN : SLOT_DAY_NO_PLAN;
}

struct span {
	int64_t start, end;
};

/* The open windows of day minus the busy items (each widened by before/after seconds), keeping only stretches at
 * least min_len long, in order. Returns a fresh array (free() it) and its length in *n. */
static struct span *free_spans(const struct slot_day *day, const struct slot_busy *busy, size_t n_busy,
			       int64_t before, int64_t after, int64_t min_len, size_t *n)
{
	*n = 0;
	if (day->n_open == 0)
		return NULL;
	int64_t lo = day->open[0].start, hi = day->open[day->n_open - 1].end;
	size_t relevant = 0;
	for (size_t i = 0; i < n_busy; i++)
		if (busy[i].end > busy[i].start && busy[i].start - after < hi && busy[i].end + before > lo)
			relevant++;
	/* Each busy item splits at most one stretch in two: this is room enough. */
	size_t cap = day->n_open + relevant + 1;
	struct span *s = xmalloc(cap * sizeof *s);
	size_t len = 0;
	for (size_t i = 0; i < day->n_open; i++)
		if (day->open[i].end - day->open[i].start >= min_len)
			s[len++] = (struct span){day->open[i].start, day->open[i].end};
	for (size_t i = 0; i < n_busy && len; i++) {
		const struct slot_busy *b = &busy[i];
		if (b->end <= b->start)
			continue;
		int64_t cs = b->start - after, ce = b->end + before;
		if (cs >= hi || ce <= lo)
			continue;
		for (size_t k = 0; k < len; k++) {
			if (ce <= s[k].start || cs >= s[k].end)
				continue;
			struct span left = {s[k].start, cs}, right = {ce, s[k].end};
			bool keep_left = left.end - left.start >= min_len, keep_right = right.end - right.start >= min_len;
			if (keep_left && keep_right) {
				memmove(&s[k + 2], &s[k + 1], (len - k - 1) * sizeof *s);
				s[k] = left;
				s[k + 1] = right;
				len++;
				k++;
			} else if (keep_left) {
				s[k] = left;
			} else if (keep_right) {
				s[k] = right;
			} else {
				memmove(&s[k], &s[k + 1], (len - k - 1) * sizeof *s);
				len--;
				k--;
			}
		}
	}
	*n = len;
	return s;
}

/* Whether [start, end) lies wholly inside one of the query's preferences that holds on day. */
static bool preferred(const struct slot_day *day, const struct slot_query *q, int64_t start, int64_t end)
{
	int weekday = ymd_weekday(day->ymd);
	for (size_t i = 0; i < q->n_prefer; i++) {
		const struct slot_preference *p = &q->prefer[i];
		if (p->weekdays && !(p->weekdays & (1u << weekday)))
			continue;
		int to = p->to_min > 0 ? p->to_min : 24 * 60;
		if (start >= unix_from_ymd_min(day->ymd, p->from_min) && end <= unix_from_ymd_min(day->ymd, to))
			return true;
	}
	return false;
}

size_t slots_find(const struct slot_day *day, const struct slot_busy *busy, size_t n_busy,
		  const struct slot_query *q, struct slot *out, size_t max, enum slot_reason *why)
{
	*why = SLOT_REASON_NONE;
	if (q->duration_min <= 0 || q->granularity_min <= 0 || q->buffer_before_min < 0 || q->buffer_after_min < 0) {
		*why = SLOT_REASON_INVALID;
		return 0;
	}
	switch (day->state) {
	case SLOT_DAY_NO_PLAN:
		*why = SLOT_REASON_NO_PLAN;
		return 0;
	case SLOT_DAY_HOLIDAY:
		*why = SLOT_REASON_HOLIDAY;
		return 0;
	case SLOT_DAY_CLOSED:
		*why = SLOT_REASON_CLOSED;
		return 0;
	case SLOT_DAY_OPEN:
		break;
	}
	if (day->n_open == 0) {
		*why = SLOT_REASON_NO_PLAN;
		return 0;
	}
	if (q->earliest && day->open[day->n_open - 1].end <= q->earliest) {
		*why = SLOT_REASON_PAST;
		return 0;
	}
	if (q->cap_reached) {
		*why = SLOT_REASON_CAP;
		return 0;
	}
	int64_t duration = (int64_t)q->duration_min * 60, grid = (int64_t)q->granularity_min * 60;
	int64_t origin = unix_from_ymd_min(day->ymd, 0);
	size_t n_spans;
	struct span *spans = free_spans(day, busy, n_busy, (int64_t)q->buffer_before_min * 60,
					(int64_t)q->buffer_after_min * 60, duration, &n_spans);
	size_t count = 0;
	/* Pass 0 takes the preferred slots, pass 1 the others: preferred first, each in time order. */
	int passes = q->n_prefer ? 2 : 1;
	for (int pass = 0; pass < passes && count < max; pass++) {
		for (size_t k = 0; k < n_spans && count < max; k++) {
			int64_t s = spans[k].start > q->earliest ? spans[k].start : q->earliest;
			int64_t off = s - origin;
			int64_t rem = off % grid;
			if (rem < 0)
				rem += grid;
			if (rem)
				s += grid - rem;
			for (; s + duration <= spans[k].end && count < max; s += grid) {
				bool pref = q->n_prefer && preferred(day, q, s, s + duration);
				if (passes == 2 && pref != (pass == 0))
					continue;
				out[count++] = (struct slot){s, s + duration, pref};
			}
		}
	}
	free(spans);
	if (count == 0)
		*why = SLOT_REASON_FULL;
	return count;
}

size_t slots_free(const struct slot_day *day, const struct slot_busy *busy, size_t n_busy, int min_len_min,
		  struct slot_period *out, size_t max)
{
	if (day->state != SLOT_DAY_OPEN)
		return 0;
	size_t n_spans;
	int64_t min_len = min_len_min > 0 ? (int64_t)min_len_min * 60 : 1;
	struct span *spans = free_spans(day, busy, n_busy, 0, 0, min_len, &n_spans);
	size_t count = 0;
	for (size_t k = 0; k < n_spans && count < max; k++)
		out[count++] = (struct slot_period){spans[k].start, spans[k].end, NULL};
	free(spans);
	return count;
}

/* Whether [start, end) is covered by the day's open windows and breaks together; *after_half_day (OUT) tells
 * whether an uncovered part lies after the 13:00 end of a half day. */
static bool covered(const struct slot_day *day, int64_t start, int64_t end, bool *after_half_day)
{
	int64_t t = start;
	*after_half_day = false;
	while (t < end) {
		int64_t next = t;
		for (size_t i = 0; i < day->n_open; i++)
			if (day->open[i].start <= t && t < day->open[i].end && day->open[i].end > next)
				next = day->open[i].end;
		for (size_t i = 0; i < day->n_breaks; i++)
			if (day->breaks[i].start <= t && t < day->breaks[i].end && day->breaks[i].end > next)
				next = day->breaks[i].end;
		if (next == t) {
			*after_half_day = day->half_day && end > unix_from_ymd_min(day->ymd, BIZCAL_HALF_DAY_END_MIN);
			return false;
		}
		t = next;
	}
	return true;
}

bool slots_conflicts(const struct slot_day *day, const struct slot_busy *busy, size_t n_busy, int64_t start,
		     int64_t end, int buffer_before_min, int buffer_after_min, bool cap_reached,
		     struct slot_conflict *out, size_t max, size_t *n)
{
	*n = 0;
	if (end <= start)
		return false;
	bool any = false;
#define ADD(k, i)                                                                                                     \
	do {                                                                                                          \
		any = true;                                                                                           \
		if (*n < max)                                                                                         \
			out[(*n)++] = (struct slot_conflict){(k), (i)};                                               \
	} while (0)
	int64_t before = buffer_before_min > 0 ? (int64_t)buffer_before_min * 60 : 0;
	int64_t after = buffer_after_min > 0 ? (int64_t)buffer_after_min * 60 : 0;
	for (size_t i = 0; i < n_busy; i++) {
		const struct slot_busy *b = &busy[i];
		if (b->end <= b->start)
			continue;
		if (b->start < end && start < b->end)
			ADD(SLOT_CONFLICT_OVERLAP, i);
		else if (b->start < end + after && start - before < b->end)
			ADD(SLOT_CONFLICT_BUFFER, i);
	}
	if (day) {
		switch (day->state) {
		case SLOT_DAY_HOLIDAY:
			ADD(SLOT_CONFLICT_HOLIDAY, 0);
			break;
		case SLOT_DAY_CLOSED:
			ADD(SLOT_CONFLICT_CLOSED, 0);
			break;
		case SLOT_DAY_NO_PLAN:
			ADD(SLOT_CONFLICT_OUTSIDE_HOURS, 0);
			break;
		case SLOT_DAY_OPEN: {
			for (size_t i = 0; i < day->n_breaks; i++)
				if (day->breaks[i].start < end && start < day->breaks[i].end)
					ADD(SLOT_CONFLICT_BREAK, i);
			bool after_half_day;
			if (!covered(day, start, end, &after_half_day))
				ADD(after_half_day ? SLOT_CONFLICT_HOLIDAY : SLOT_CONFLICT_OUTSIDE_HOURS, 0);
			break;
		}
		}
		if (cap_reached)
			ADD(SLOT_CONFLICT_CAP, 0);
	}
#undef ADD
	return any;
}
