/* slots.h: the slot finder of the Mayor's programme: a day's open windows (working plan minus breaks, clipped by
 * date exceptions and holidays), its free slots for a meeting of a given length, and the conflicts of a time typed
 * by hand. Pure: no I/O, no allocation beyond a scratch array per call, thread-safe.
 *
 * Instants are unix seconds; intervals are half-open [start, end): a meeting ending at 10:30 and one starting at
 * 10:30 do not overlap. Local time is Europe/Istanbul (UTC+3 all year, see core/bizcal.h).
 */
#ifndef KALEM_CORE_SLOTS_H
#define KALEM_CORE_SLOTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/bizcal.h"

/* Most open windows, and most breaks, one day can have. */
#define SLOTS_MAX_PERIODS 16
/* Most slots one day can have (a 1-minute grid); a caller wanting every slot of a day needs no more room. */
#define SLOTS_MAX_PER_DAY 1440

/* One period of the weekly working plan, in minutes from local midnight. */
struct plan_period {
	int weekday;            /* 0 = Monday .. 6 = Sunday */
	bool is_break;          /* false: working time; true: a break taken out of the working time */
	int start_min, end_min; /* 0 <= start_min < end_min <= 1440 */
	const char *name;       /* breaks: e.g. "Öğle arası"; borrowed, may be NULL */
};

/* A date's departure from the plan. */
struct plan_exception {
	bool closed;            /* no working time at all */
	int start_min, end_min; /* otherwise the working hours of the date (the weekday's breaks still apply) */
};

/* A named interval of instants. */
struct slot_period {
	int64_t start, end;
	const char *name; /* breaks: borrowed from the plan; else NULL */
};

enum slot_day_state {
	SLOT_DAY_OPEN,    /* has working time */
	SLOT_DAY_NO_PLAN, /* the plan has no working time on this weekday (weekends) */
	SLOT_DAY_HOLIDAY, /* an official holiday (a half day whose working time all falls after 13:00, too) */
	SLOT_DAY_CLOSED,  /* a date exception closes it */
};

/* One day of the programme as the slot finder sees it. */
struct slot_day {
	int ymd;
	enum slot_day_state state;
	bool half_day;                                 /* a half-day holiday ended the working time at 13:00 */
	struct slot_period open[SLOTS_MAX_PERIODS];    /* working time minus breaks: sorted, disjoint, non-empty */
	size_t n_open;
	struct slot_period breaks[SLOTS_MAX_PERIODS];  /* the breaks that fall inside the day's working time */
	size_t n_breaks;
};

/* Builds day ymd from the weekly plan (any order, every weekday mixed; periods of other weekdays are ignored,
 * beyond SLOTS_MAX_PERIODS of a weekday too), the date's exception (NULL if none) and its official holiday (NULL
 * if none). Rules, in order: a closed exception closes the day; an exception with hours replaces the plan's
 * working periods (and wins over a holiday); else a full-day holiday closes it and a half-day holiday ends the
 * working time at BIZCAL_HALF_DAY_END_MIN. The weekday's breaks are taken out of the working time; overlapping
 * working periods are merged. Names are borrowed from plan. */
void slots_day_build(struct slot_day *day /* OUT */, int ymd, const struct plan_period *plan, size_t n_plan,
		     const struct plan_exception *exception, const struct holiday *holiday);

/* Something that occupies the Mayor's time. */
struct slot_busy {
	int64_t start, end;
	int64_t id;       /* the agenda item, for naming conflicts */
	bool appointment; /* an appointment (else an engagement) */
};

/* A requester's wish, independent of the date: the weekdays it holds on and a time range. */
struct slot_preference {
	unsigned weekdays;      /* bit w set: weekday w (0 = Monday); 0 = every day */
	int from_min, to_min;   /* local minutes [from, to); to_min 0 = until midnight */
};
/* Initialisers of the common preferences: mornings are before 12:00, afternoons from 12:00. */
#define SLOT_PREFER_MORNING {0, 0, 12 * 60}
#define SLOT_PREFER_AFTERNOON {0, 12 * 60, 24 * 60}

/* What a caller asks for. */
struct slot_query {
	int duration_min;                     /* > 0 */
	int buffer_before_min;                /* free time needed after the previous busy item, >= 0 */
	int buffer_after_min;                 /* free time needed before the next busy item, >= 0 */
	int granularity_min;                  /* slots start on this grid, counted from local midnight; > 0 */
	int64_t earliest;                     /* no slot starts before this instant (now); 0 = no limit */
	const struct slot_preference *prefer; /* slots lying wholly inside a preference that holds on the day rank
					       * first; NULL/0 = none */
	size_t n_prefer;
	bool cap_reached;                     /* the daily cap for this kind of appointment is reached */
};

/* A proposed slot. */
struct slot {
	int64_t start, end;
	bool preferred; /* inside one of the query's preferences */
};

/* Why slots_find found what it found. */
enum slot_reason {
	SLOT_REASON_NONE,     /* slots were found */
	SLOT_REASON_FULL,     /* working time, but no free stretch long enough */
	SLOT_REASON_NO_PLAN,  /* no working time on this weekday */
	SLOT_REASON_HOLIDAY,
	SLOT_REASON_CLOSED,
	SLOT_REASON_CAP,      /* the daily cap is reached */
	SLOT_REASON_PAST,     /* all of the day's working time is before query->earliest */
	SLOT_REASON_INVALID,  /* duration or granularity not positive, or a buffer negative */
};

/* The best slots of day: windows of query->duration_min inside the open windows, starting on the granularity
 * grid and not before query->earliest, keeping query's buffers free of busy items (busy: any order, any span; items
 * not touching the day cost one comparison each). Ranked: preferred slots first, then earlier first. Stores at
 * most max of them in out and returns how many; *why (OUT) tells why there are none. */
size_t slots_find(const struct slot_day *day, const struct slot_busy *busy, size_t n_busy,
		  const struct slot_query *query, struct slot *out /* OUT */, size_t max, enum slot_reason *why /* OUT */);

/* The free stretches of day's open windows (busy items taken out, no buffers) at least min_len_min long, in order:
 * what the agenda pages show as free time. Stores at most max in out; returns how many. */
size_t slots_free(const struct slot_day *day, const struct slot_busy *busy, size_t n_busy, int min_len_min,
		  struct slot_period *out /* OUT */, size_t max);

enum slot_conflict_kind {
	SLOT_CONFLICT_OVERLAP,       /* overlaps busy[index] */
	SLOT_CONFLICT_BUFFER,        /* does not overlap busy[index] but leaves less than the buffer between them */
	SLOT_CONFLICT_BREAK,         /* overlaps day->breaks[index] */
	SLOT_CONFLICT_OUTSIDE_HOURS, /* not wholly inside the day's open windows (and no break explains it) */
	SLOT_CONFLICT_HOLIDAY,       /* the day is an official holiday */
	SLOT_CONFLICT_CLOSED,        /* the day is closed by an exception */
	SLOT_CONFLICT_CAP,           /* the daily cap is reached */
};

struct slot_conflict {
	enum slot_conflict_kind kind;
	size_t index; /* into busy (OVERLAP, BUFFER) or day->breaks (BREAK); else 0 */
};

/* The conflicts of the time [start, end) typed by hand: overlapping busy items, busy items inside the buffers,
 * and, when day is not NULL, breaks, time outside the open windows, a holiday or closed day, and cap_reached.
 * Stores at most max conflicts in out (*n, OUT: how many were stored) and returns whether there is any conflict at
 * all (even if max was too small to store it). end <= start: false, nothing stored. */
bool slots_conflicts(const struct slot_day *day, const struct slot_busy *busy, size_t n_busy, int64_t start,
		     int64_t end, int buffer_before_min, int buffer_after_min, bool cap_reached,
		     struct slot_conflict *out /* OUT */, size_t max, size_t *n /* OUT */);

#endif
