/* walkins.h: walk-ins (workflow 2B) in the database: arrivals at the front desk, today's queue with the live "can
 * the Mayor see them now?" answer of core/walkin.h, and the walk-in flow (call in, met, left, and the conversion
 * into an appointment request); every change audited (record type "walk_in").
 *
 * A walk-in as JSON (walkin_get, walkin_day items):
 *   {id, party_id (0 = none), name, phone (E.164 or ""), email, kind "citizen"|"institution", institution,
 *    attendees, subject, duration_min, state "waiting"|"called_in"|"met"|"left"|"converted", chart_step,
 *    arrived_at, called_at, ended_at (unix seconds, 0 = not yet), arrived (ISO text), appointment_id (0 = none),
 *    notes, created_at, created_by, updated_at, updated_by}
 *
 * The availability as JSON (walkin_availability, walkin_day "availability"):
 *   {date "YYYY-MM-DD", now, duration_min, buffer_min, can_now (bool), reason (core/walkin.h's names), until,
 *    next_free_at, call_at (ISO text or null), busy_item {id, title, public} or null (reasons busy, too_short),
 *    break_name (reason break, else ""), waiting (how many), queue [{id, name, duration_min, estimated_at (ISO or
 *    null: not today)}] in queue order}
 */
#ifndef KALEM_STORE_WALKINS_H
#define KALEM_STORE_WALKINS_H
#include <jansson.h>
#include <stdint.h>
#include "store/db.h"
#include "util/i18n.h"

/* The longest meeting a walk-in may ask for, in minutes. */
#define WALKIN_DURATION_MAX 240

/* Results besides an id / WALKIN_OK. */
enum walkin_result {
	WALKIN_OK = 0,
	WALKIN_ERROR = -1,      /* database error (logged): 500 */
	WALKIN_BUSY = -3,       /* the database was busy: 503, retry */
	WALKIN_INVALID = -30,   /* a field is missing or bad: *field names it: 422 */
	WALKIN_NOT_FOUND = -31, /* 404 */
	WALKIN_FORBIDDEN = -32, /* the action exists from this state, not for this role: 403 */
	WALKIN_STATE = -33,     /* no such action from the walk-in's state (or it is final): 409 */
};

/* Registers an arrival at now in its own write transaction, state "waiting"; audited ("walk_in.create").
 * values: {party_id (integer, optional: an existing party; a citizen's name, phone and e-mail, an institution's
 * name (as institution) and contact person (as name) fill those left empty), new_party (bool: also create a citizen
 * party from name, phone (then required), email and tckn, in the same transaction), name (required without a
 * party), phone, email, tckn, kind ("citizen" default, or the party's kind), institution (required for
 * "institution"), attendees (1..500, default 1), subject (required), duration_min (1..WALKIN_DURATION_MAX; 0 or
 * absent: the agenda's default for the kind), notes}. Returns the id, or WALKIN_INVALID with *field (OUT) naming
 * the bad field ("tckn" also when another party has it), WALKIN_BUSY or WALKIN_ERROR. */
int64_t walkin_create(struct db *db, const char *actor, const json_t *values, const char **field /* OUT */);

/* One walk-in as JSON (see the top), or NULL when absent. */
json_t *walkin_get(struct db *db, int64_t id);

/* Applies action (call_in, met, left, convert) to walk-in id for an actor holding role bits actor_role (WF_ROLE_*)
 * in one write transaction: the flow's checks, the new state and times (called_at on call_in, ended_at on the
 * final ones), fields.notes appended to the notes (met, left), the audit ("walk_in.<action>", before and after).
 * convert also creates the appointment request with appt_insert in the same transaction (kind, party, requester
 * (the institution for an institution), contact person, phone, e-mail, attendees, subject, channel "walk_in",
 * preferred = fields.preferred) and links it; *appointment_id (OUT, may be NULL) is its id.
 * Returns WALKIN_OK or an enum walkin_result with *error_key (OUT) a catalogue key and *field (OUT) the bad field
 * (WALKIN_INVALID) or NULL. */
int walkin_transition(struct db *db, const char *actor, unsigned actor_role, int64_t id, const char *action,
		      const json_t *fields, enum lang lang, const char **error_key /* OUT */,
		      const char **field /* OUT */, int64_t *appointment_id /* OUT */);

/* The live answer for a newcomer needing duration_min minutes (0: the agenda's default for a citizen) at instant
 * now, from today's programme and today's queue (see the top). NULL on a database error. */
json_t *walkin_availability(struct db *db, int64_t now, int duration_min);

/* The walk-ins who arrived on local day ymd, in arrival order (at most 500): {"date", "items": [...]}; when ymd is
 * the day of now, also "availability" (as walkin_availability with the default duration) and each waiting item's
 * "estimated_at" (ISO text, or null: not today). NULL on a database error. */
json_t *walkin_day(struct db *db, int ymd, int64_t now);

/* How many walk-ins are waiting or with the Mayor today (the home page); -1 on error. */
int walkin_waiting_count(struct db *db, int64_t now);

#endif
