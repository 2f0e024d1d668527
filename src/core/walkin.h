/* walkin.h: walk-ins (workflow 2B): whether the Mayor can see a visitor now, from the live programme, and when
 * each person waiting will be called in; the walk-in state machine. Pure: no I/O, thread-safe.
 *
 * Instants are unix seconds; local time is Europe/Istanbul (see core/bizcal.h). A meeting needs the span
 * [start, start + duration) inside the day's open windows, clear of breaks and of agenda items widened by the
 * agenda's buffer on both sides (the rule of an appointment in core/slots.h). Walk-ins follow one another with no
 * buffer between them.
 */
#ifndef KALEM_CORE_WALKIN_H
#define KALEM_CORE_WALKIN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/slots.h"
#include "core/workflow.h"

/* Why the Mayor can or cannot see a newcomer now; checked in this order. */
enum walkin_reason {
	WALKIN_REASON_FREE,          /* can see them now */
	WALKIN_REASON_NO_PLAN,       /* no working time on this weekday */
	WALKIN_REASON_HOLIDAY,       /* an official holiday */
	WALKIN_REASON_CLOSED,        /* a date exception closes the day */
	WALKIN_REASON_BREAK,         /* in day->breaks[break_index] until `until` */
	WALKIN_REASON_OUTSIDE_HOURS, /* not in working time; `until` = when it starts again today, 0 = not today */
	WALKIN_REASON_WITH_VISITOR,  /* a walk-in called in is with the Mayor until about `until` */
	WALKIN_REASON_BUSY,          /* busy[busy_index] occupies now (or its buffer does) until `until` */
	WALKIN_REASON_QUEUE,         /* free, but others are waiting first */
	WALKIN_REASON_TOO_SHORT,     /* free now, but only until `until` (busy_index: the item that comes, or -1 for
				      * a break or the end of working time) */
	WALKIN_REASON__MAX
};

/* "free", "no_plan", "holiday", "closed", "break", "outside_hours", "with_visitor", "busy", "queue", "too_short". */
const char *walkin_reason_name(enum walkin_reason reason);

/* What the answer is computed from. */
struct walkin_situation {
	const struct slot_day *day;     /* today (the day of now) */
	const struct slot_busy *busy;   /* agenda items (any order; cancelled ones left out by the caller) */
	size_t n_busy;
	int buffer_min;                 /* free minutes kept around agenda items, >= 0 */
	int64_t now;
	int64_t with_mayor_until;       /* a walk-in called in is with the Mayor until then (walkin_meeting_end);
					 * 0 = nobody */
	const int *queue_min;           /* the durations of the people waiting, in queue order (each > 0) */
	size_t n_queue;
	int duration_min;               /* the newcomer's need, > 0 */
};

struct walkin_answer {
	bool can_now;                /* reason == WALKIN_REASON_FREE */
	enum walkin_reason reason;
	int64_t until;               /* see the reasons; 0 when they name no time */
	ptrdiff_t busy_index;        /* BUSY, TOO_SHORT: index into busy; else -1 */
	ptrdiff_t break_index;       /* BREAK: index into day->breaks; else -1 */
	int64_t next_free_at;        /* the first moment from now the Mayor is free for duration_min today (the walk-in
				      * with the Mayor counted, the queue not); 0 = no such moment today */
	int64_t call_at;             /* the newcomer's estimated call-in time after everyone waiting; 0 = not today */
};

/* Answers for s: can the Mayor see a newcomer now, why not, when next, and (queue_at, OUT, n_queue entries, may be
 * NULL when n_queue is 0) the estimated call-in time of each person waiting, simulated in queue order over the
 * day's free time: each takes their duration at the first moment the Mayor is free for it after the one before;
 * 0 = not today (they would run past today's working time), and the next person carries on from where the last
 * one seen today ended. Returns 0, or -1 (nothing set but *out zeroed) when s has no day, duration_min <= 0, a
 * negative buffer or a queue duration <= 0. */
int walkin_assess(const struct walkin_situation *s, struct walkin_answer *out /* OUT */,
		  int64_t *queue_at /* OUT */);

/* When a walk-in called in at called_at for duration_min is expected to leave: called_at + duration, or, once
 * that has passed and they are still in, now + WALKIN_OVERRUN_MIN. */
#define WALKIN_OVERRUN_MIN 5
int64_t walkin_meeting_end(int64_t called_at, int duration_min, int64_t now);

/* ---- the walk-in flow (workflow 2B) ---- */

enum walkin_state {
	WALKIN_WAITING,   /* arrived, in the queue */
	WALKIN_CALLED_IN, /* with the Mayor */
	WALKIN_MET,       /* final: the meeting took place */
	WALKIN_LEFT,      /* final: they gave up and left */
	WALKIN_CONVERTED, /* final: turned into an appointment request (workflow 2A) */
	WALKIN_STATE__MAX
};

/* waiting -> called_in (call_in), left, converted (convert); called_in -> met, left, converted. Every action is
 * for the office roles (admin, chief, secretariat). */
extern const struct wf_flow walkin_flow;

#endif
