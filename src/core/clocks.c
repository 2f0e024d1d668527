/* clocks.c: the office and legal clocks of an application on the business calendar, with pauses. */
#include "core/clocks.h"
#include <stdlib.h>
#include <string.h>
#include "util/xalloc.h"

static const char *const legal_names[LEGAL_CLOCK__MAX] = {
	[LEGAL_NONE] = "none",
	[LEGAL_PETITION_3071] = "petition_3071",
	[LEGAL_INFO_4982] = "info_4982",
	[LEGAL_INFO_4982_EXTENDED] = "info_4982_extended",
};

static const char *const status_names[] = {
	[CLOCK_NONE] = "none",	       [CLOCK_RUNNING] = "running", [CLOCK_WARNING] = "warning",
	[CLOCK_OVERDUE] = "overdue", [CLOCK_PAUSED] = "paused",   [CLOCK_STOPPED] = "stopped",
};

const char *legal_clock_name(enum legal_clock c)
{
	return (unsigned)c < LEGAL_CLOCK__MAX ? legal_names[c] : NULL;
}

int legal_clock_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int c = 0; c < LEGAL_CLOCK__MAX; c++)
		if (strcmp(legal_names[c], name) == 0)
			return c;
	return -1;
}

const char *clock_status_name(enum clock_status s)
{
	return (unsigned)s < sizeof status_names / sizeof status_names[0] ? status_names[s] : NULL;
}

void clock_policy_default(struct clock_policy *p)
{
	p->office_warn_days = 2;
	p->office_due_days = 7;
	p->legal = LEGAL_PETITION_3071;
	p->legal_warn_percent = 75;
}

int64_t clocks_add_working_seconds(const struct bizcal *cal, int64_t t, int64_t secs)
{
	if (secs < 0)
		secs = 0;
	for (int ymd = ymd_from_unix(t);; ymd = ymd_add_days(ymd, 1)) {
		int end_min = bizcal_day_end_min(cal, ymd);
		if (end_min <= cal->work_start_min)
			continue; /* not a working day, or no working time in it */
		int64_t open = unix_from_ymd_min(ymd, cal->work_start_min);
		int64_t close = unix_from_ymd_min(ymd, end_min);
		int64_t from = t > open ? t : open;
		if (from >= close)
			continue;
		/* secs > 0 may end exactly at close: a deadline is the end of a working day, not the next morning. */
		if (secs == 0 ? from < close : secs <= close - from)
			return from + secs;
		secs -= close - from;
	}
}

static int compare_pause_from(const void *a, const void *b)
{
	const struct clock_pause *x = a, *y = b;
	return (x->from > y->from) - (x->from < y->from);
}

/* Working seconds paused between received_at and until: each pause clipped to that span (an open one, to = 0,
 * runs up to until), overlapping pauses counted once. */
static int64_t paused_working_seconds(const struct bizcal *cal, int64_t received_at, const struct clock_pause *pauses,
				      size_t n_pauses, int64_t until)
{
	struct clock_pause *spans = n_pauses ? xmalloc(n_pauses * sizeof *spans) : NULL;
	size_t n = 0;
	int64_t total = 0;

	for (size_t i = 0; i < n_pauses; i++) {
		int64_t from = pauses[i].from > received_at ? pauses[i].from : received_at;
		int64_t to = pauses[i].to == 0 || pauses[i].to > until ? until : pauses[i].to;
		if (to > from)
			spans[n++] = (struct clock_pause){from, to};
	}
	if (n > 1)
		qsort(spans, n, sizeof *spans, compare_pause_from);
	for (size_t i = 0; i < n;) {
		int64_t from = spans[i].from, to = spans[i].to;
		for (i++; i < n && spans[i].from <= to; i++)
			if (spans[i].to > to)
				to = spans[i].to;
		total += bizcal_working_seconds(cal, from, to);
	}
	free(spans);
	return total;
}

static bool pause_open_at(const struct clock_pause *pauses, size_t n_pauses, int64_t now)
{
	for (size_t i = 0; i < n_pauses; i++)
		if (pauses[i].from <= now && (pauses[i].to == 0 || now < pauses[i].to))
			return true;
	return false;
}

/* Working seconds from a to b, negative when b is before a. */
static int64_t signed_working_seconds(const struct bizcal *cal, int64_t a, int64_t b)
{
	return b >= a ? bizcal_working_seconds(cal, a, b) : -bizcal_working_seconds(cal, b, a);
}

/* One clock: its unpaused due and warning instants are given; pauses up to the instant it is read at (now, or when
 * it stopped if that came first) push both. */
static void read_clock(const struct bizcal *cal, int64_t received_at, int64_t due_base, int64_t warn_base,
		       const struct clock_pause *pauses, size_t n_pauses, int64_t stopped_at, int64_t now,
		       struct clock_reading *r /* OUT */)
{
	bool stopped = stopped_at != 0 && stopped_at <= now;
	int64_t at = stopped ? stopped_at : now;

	memset(r, 0, sizeof *r);
	r->paused_s = paused_working_seconds(cal, received_at, pauses, n_pauses, at);
	r->due_at = r->paused_s > 0 ? clocks_add_working_seconds(cal, due_base, r->paused_s) : due_base;
	r->warn_at = r->paused_s > 0 ? clocks_add_working_seconds(cal, warn_base, r->paused_s) : warn_base;

	int64_t whole = bizcal_working_seconds(cal, received_at, due_base);
	int64_t used = bizcal_working_seconds(cal, received_at, at) - r->paused_s;
	if (whole > 0)
		r->percent_used = (int)(used * 100 / whole);
	else
		r->percent_used = at >= r->due_at ? 100 : 0;
	r->remaining_s = signed_working_seconds(cal, at, r->due_at);

	if (stopped) {
		r->status = CLOCK_STOPPED;
		r->stopped_at = stopped_at;
		r->met = stopped_at <= r->due_at;
	} else if (pause_open_at(pauses, n_pauses, now)) {
		r->status = CLOCK_PAUSED;
	} else if (now >= r->due_at) {
		r->status = CLOCK_OVERDUE;
	} else if (now >= r->warn_at) {
		r->status = CLOCK_WARNING;
	} else {
		r->status = CLOCK_RUNNING;
	}
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void clocks_read(const struct bizcal *cal, const struct clock_policy *p, int64_t received_at,
		 const struct clock_pause *pauses, size_t n_pauses, int64_t office_stopped_at, int64_t legal_stopped_at,
		 int64_t now, struct app_clocks *out)
{
	/* Out-of-range policies (a hand-edited category) are clamped to the ranges of struct clock_policy. */
	int due_days = clamp(p->office_due_days, 1, 365);
	int warn_days = clamp(p->office_warn_days, 0, due_days);
	int warn_percent = clamp(p->legal_warn_percent, 1, 99);

	read_clock(cal, received_at, bizcal_add_calendar_days(cal, received_at, due_days),
		   bizcal_add_calendar_days(cal, received_at, warn_days), pauses, n_pauses, office_stopped_at, now,
		   &out->office);

	int64_t legal_due;
	switch (p->legal) {
	case LEGAL_PETITION_3071:
		legal_due = bizcal_add_calendar_days(cal, received_at, 30);
		break;
	case LEGAL_INFO_4982:
		legal_due = bizcal_add_working_days(cal, received_at, 15);
		break;
	case LEGAL_INFO_4982_EXTENDED:
		legal_due = bizcal_add_working_days(cal, received_at, 30);
		break;
	default:
		memset(&out->legal, 0, sizeof out->legal);
		out->legal.status = CLOCK_NONE;
		return;
	}
	int64_t whole = bizcal_working_seconds(cal, received_at, legal_due);
	int64_t legal_warn = clocks_add_working_seconds(cal, received_at, whole * warn_percent / 100);
	read_clock(cal, received_at, legal_due, legal_warn, pauses, n_pauses, legal_stopped_at, now, &out->legal);
}
