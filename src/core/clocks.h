/* clocks.h: the clocks of an application (workflow 3) on the business calendar: the office target (feedback within
 * 2-7 days) and the legal deadline (Law 3071: 30 days; Law 4982: 15 working days, 30 when extended), with pauses
 * while the applicant is asked for information, warnings and overdue. Pure: no I/O, thread-safe.
 *
 * Rules:
 *   - The office clock: due at the end of the working day office_due_days calendar days after receipt (rolled to
 *     the next working day, bizcal_add_calendar_days); warning from the end of the working day office_warn_days
 *     calendar days after receipt. It stops when the applicant gets the final feedback.
 *   - The legal clock: 3071 -> bizcal_add_calendar_days(received, 30); 4982 -> bizcal_add_working_days(received,
 *     15), 30 when extended; none -> no legal clock. Warning once legal_warn_percent of its working time is used.
 *     It stops at the first reasoned answer sent to the applicant: the final result, or an interim notice of the
 *     stage reached (3071 art. 7).
 *   - Pauses: the working seconds of each pause span (bizcal_working_seconds) push both deadlines (and warnings)
 *     later by that much working time (clocks_add_working_seconds). A pause still open at now counts up to now.
 *   - Status at now: stopped (stopped_at set) | paused (a pause open at now) | overdue (now >= due) |
 *     warning (now >= warn) | running. A stopped clock also says whether it stopped late (met = stopped_at <= due).
 */
#ifndef KALEM_CORE_CLOCKS_H
#define KALEM_CORE_CLOCKS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/bizcal.h"

enum legal_clock { LEGAL_NONE, LEGAL_PETITION_3071, LEGAL_INFO_4982, LEGAL_INFO_4982_EXTENDED, LEGAL_CLOCK__MAX };

/* "none", "petition_3071", "info_4982", "info_4982_extended"; and back (-1 when unknown, NULL included). */
const char *legal_clock_name(enum legal_clock c);
int legal_clock_from_name(const char *name);

/* What a category sets (defaults: warn 2, due 7, legal petition_3071, legal warn 75 %). */
struct clock_policy {
	int office_warn_days;   /* 0..office_due_days */
	int office_due_days;    /* 1..365 */
	enum legal_clock legal;
	int legal_warn_percent; /* 1..99 */
};
void clock_policy_default(struct clock_policy *p /* OUT */);

/* A pause: [from, to), to = 0 while still open. */
struct clock_pause {
	int64_t from, to;
};

enum clock_status { CLOCK_NONE, CLOCK_RUNNING, CLOCK_WARNING, CLOCK_OVERDUE, CLOCK_PAUSED, CLOCK_STOPPED };
/* "none", "running", "warning", "overdue", "paused", "stopped". */
const char *clock_status_name(enum clock_status s);

/* One clock read at an instant. */
struct clock_reading {
	enum clock_status status;
	int64_t due_at, warn_at;  /* after pauses; 0 for CLOCK_NONE */
	int64_t paused_s;         /* working seconds paused so far */
	int64_t stopped_at;       /* 0 = still running */
	bool met;                 /* stopped on time (stopped clocks only) */
	int percent_used;         /* working time used of the whole, 0..100+ (may exceed 100 when late) */
	int64_t remaining_s;      /* working seconds left until due (negative when late), at now or at stopped_at */
};

struct app_clocks {
	struct clock_reading office, legal;
};

/* Reads both clocks of an application received at received_at under policy p, with its pauses (any order), the
 * instants the office clock (final feedback) and the legal clock (first reasoned answer) stopped (0 = running),
 * at now. */
void clocks_read(const struct bizcal *cal, const struct clock_policy *p, int64_t received_at,
		 const struct clock_pause *pauses, size_t n_pauses, int64_t office_stopped_at, int64_t legal_stopped_at,
		 int64_t now, struct app_clocks *out /* OUT */);

/* The instant secs working seconds after t (0 gives t itself when t is inside working time, else the start of the
 * next working time). For pushing deadlines by a pause. */
int64_t clocks_add_working_seconds(const struct bizcal *cal, int64_t t, int64_t secs);

#endif
