/* walkin.c: can the Mayor see a walk-in now, the queue's estimated call-in times, and the walk-in flow. */
#include <string.h>
#include "core/walkin.h"

static const char *const reason_names[WALKIN_REASON__MAX] = {
	[WALKIN_REASON_FREE] = "free",
	[WALKIN_REASON_NO_PLAN] = "no_plan",
	[WALKIN_REASON_HOLIDAY] = "holiday",
	[WALKIN_REASON_CLOSED] = "closed",
	[WALKIN_REASON_BREAK] = "break",
	[WALKIN_REASON_OUTSIDE_HOURS] = "outside_hours",
	[WALKIN_REASON_WITH_VISITOR] = "with_visitor",
	[WALKIN_REASON_BUSY] = "busy",
	[WALKIN_REASON_QUEUE] = "queue",
	[WALKIN_REASON_TOO_SHORT] = "too_short",
};

const char *walkin_reason_name(enum walkin_reason reason)
{
	return reason >= 0 && reason < WALKIN_REASON__MAX ? reason_names[reason] : "";
}

int64_t walkin_meeting_end(int64_t called_at, int duration_min, int64_t now)
{
	int64_t end = called_at + (int64_t)(duration_min > 0 ? duration_min : 0) * 60;
	return end > now ? end : now + WALKIN_OVERRUN_MIN * 60;
}

/* The first moment t' >= t at which [t', t' + duration) is free today (exactly t when it is, else on the minute
 * grid); 0 when there is none. */
static int64_t earliest_fit(const struct walkin_situation *s, int64_t t, int duration_min)
{
	struct slot_conflict c[1];
	size_t n;
	int64_t len = (int64_t)duration_min * 60;
	if (s->day->state != SLOT_DAY_OPEN)
		return 0;
	if (!slots_conflicts(s->day, s->busy, s->n_busy, t, t + len, s->buffer_min, s->buffer_min, false, c, 1, &n))
		return t;
	struct slot_query q = {.duration_min = duration_min, .buffer_before_min = s->buffer_min,
			       .buffer_after_min = s->buffer_min, .granularity_min = 1, .earliest = t};
	struct slot found[1];
	enum slot_reason why;
	return slots_find(s->day, s->busy, s->n_busy, &q, found, 1, &why) ? found[0].start : 0;
}

/* Why [now, now + duration) is not free although nothing occupies now: the first obstacle's start (an item's
 * start less the buffer, a break, the end of the open window), with *item (OUT) the item or -1. */
static int64_t first_obstacle(const struct walkin_situation *s, int64_t now, ptrdiff_t *item)
{
	int64_t buffer = (int64_t)s->buffer_min * 60, first = 0;
	*item = -1;
	for (size_t i = 0; i < s->day->n_open; i++)
		if (s->day->open[i].start <= now && now < s->day->open[i].end)
			first = s->day->open[i].end;
	for (size_t i = 0; i < s->day->n_breaks; i++)
		if (s->day->breaks[i].start > now && (!first || s->day->breaks[i].start < first))
			first = s->day->breaks[i].start;
	for (size_t i = 0; i < s->n_busy; i++) {
		const struct slot_busy *b = &s->busy[i];
		if (b->end <= b->start || b->start - buffer <= now)
			continue;
		if (!first || b->start - buffer < first) {
			first = b->start - buffer;
			*item = (ptrdiff_t)i;
		}
	}
	return first;
}

/* Sets out->reason (and until, busy_index, break_index) from what holds at s->now. */
static void reason_now(const struct walkin_situation *s, struct walkin_answer *out)
{
	const struct slot_day *d = s->day;
	int64_t now = s->now, buffer = (int64_t)s->buffer_min * 60;
	switch (d->state) {
	case SLOT_DAY_NO_PLAN:
		out->reason = WALKIN_REASON_NO_PLAN;
		return;
	case SLOT_DAY_HOLIDAY:
		out->reason = WALKIN_REASON_HOLIDAY;
		return;
	case SLOT_DAY_CLOSED:
		out->reason = WALKIN_REASON_CLOSED;
		return;
	case SLOT_DAY_OPEN:
		break;
	}
	for (size_t i = 0; i < d->n_breaks; i++)
		if (d->breaks[i].start <= now && now < d->breaks[i].end) {
			out->reason = WALKIN_REASON_BREAK;
			out->until = d->breaks[i].end;
			out->break_index = (ptrdiff_t)i;
			return;
		}
	bool open = false;
	int64_t next_open = 0;
	for (size_t i = 0; i < d->n_open; i++) {
		if (d->open[i].start <= now && now < d->open[i].end)
			open = true;
		else if (d->open[i].start > now && !next_open)
			next_open = d->open[i].start;
	}
	if (!open) {
		out->reason = WALKIN_REASON_OUTSIDE_HOURS;
		out->until = next_open;
		return;
	}
	if (s->with_mayor_until > now) {
		out->reason = WALKIN_REASON_WITH_VISITOR;
		out->until = s->with_mayor_until;
		return;
	}
	/* An item under way wins over one whose buffer is still running; of several, the one ending last. */
	for (int pass = 0; pass < 2; pass++) {
		int64_t widen = pass ? buffer : 0;
		for (size_t i = 0; i < s->n_busy; i++) {
			const struct slot_busy *b = &s->busy[i];
			if (b->end <= b->start || !(b->start - widen <= now && now < b->end + widen))
				continue;
			if (out->busy_index < 0 || b->end + widen > out->until) {
				out->busy_index = (ptrdiff_t)i;
				out->until = b->end + widen;
			}
		}
		if (out->busy_index >= 0) {
			out->reason = WALKIN_REASON_BUSY;
			return;
		}
	}
	if (s->n_queue) {
		out->reason = WALKIN_REASON_QUEUE;
		return;
	}
	if (earliest_fit(s, now, s->duration_min) != now) {
		out->reason = WALKIN_REASON_TOO_SHORT;
		out->until = first_obstacle(s, now, &out->busy_index);
		return;
	}
	out->reason = WALKIN_REASON_FREE;
}

int walkin_assess(const struct walkin_situation *s, struct walkin_answer *out, int64_t *queue_at)
{
	memset(out, 0, sizeof *out);
	out->busy_index = out->break_index = -1;
	if (!s->day || s->duration_min <= 0 || s->buffer_min < 0 || (s->n_queue && (!s->queue_min || !queue_at)))
		return -1;
	for (size_t i = 0; i < s->n_queue; i++)
		if (s->queue_min[i] <= 0)
			return -1;
	reason_now(s, out);
	out->can_now = out->reason == WALKIN_REASON_FREE;
	int64_t t = s->with_mayor_until > s->now ? s->with_mayor_until : s->now;
	out->next_free_at = earliest_fit(s, t, s->duration_min);
	for (size_t i = 0; i < s->n_queue; i++) {
		queue_at[i] = earliest_fit(s, t, s->queue_min[i]);
		if (queue_at[i])
			t = queue_at[i] + (int64_t)s->queue_min[i] * 60;
	}
	out->call_at = out->can_now ? s->now : earliest_fit(s, t, s->duration_min);
	return 0;
}

/* ---- the flow ---- */

#define OFFICE WF_ROLES_OFFICE

static const struct wf_state states[WALKIN_STATE__MAX] = {
	[WALKIN_WAITING] = {WALKIN_WAITING, "waiting", "2B", "walkin.state.waiting", false},
	[WALKIN_CALLED_IN] = {WALKIN_CALLED_IN, "called_in", "2B", "walkin.state.called_in", false},
	[WALKIN_MET] = {WALKIN_MET, "met", "2B", "walkin.state.met", true},
	[WALKIN_LEFT] = {WALKIN_LEFT, "left", "2B", "walkin.state.left", true},
	[WALKIN_CONVERTED] = {WALKIN_CONVERTED, "converted", "2A", "walkin.state.converted", true},
};

static const struct wf_transition transitions[] = {
	{WALKIN_WAITING, WALKIN_CALLED_IN, "call_in", OFFICE, NULL, NULL, "walkin.action.call_in"},
	{WALKIN_WAITING, WALKIN_LEFT, "left", OFFICE, NULL, NULL, "walkin.action.left"},
	{WALKIN_WAITING, WALKIN_CONVERTED, "convert", OFFICE, NULL, NULL, "walkin.action.convert"},
	{WALKIN_CALLED_IN, WALKIN_MET, "met", OFFICE, NULL, NULL, "walkin.action.met"},
	{WALKIN_CALLED_IN, WALKIN_LEFT, "left", OFFICE, NULL, NULL, "walkin.action.left"},
	{WALKIN_CALLED_IN, WALKIN_CONVERTED, "convert", OFFICE, NULL, NULL, "walkin.action.convert"},
};

const struct wf_flow walkin_flow = {
	.name = "walk_in",
	.states = states,
	.n_states = WALKIN_STATE__MAX,
	.transitions = transitions,
	.n_transitions = sizeof transitions / sizeof transitions[0],
};
