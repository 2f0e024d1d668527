/* appointments.h: appointment requests (workflows 1 and 2A) in the database, moved through the appointment flow
 * of core/workflow.h; every change audited (record type "appointment"), requesters told through the outbox.
 *
 * A request as JSON (appt_get, appt_list items):
 *   {id, tracking_code, kind "institution"|"citizen", party_id (0 = none), requester_name, contact_person, phone,
 *    email, attendees, subject, channel, preferred, state, chart_step, priority (0 = none, 1 high .. 3 low),
 *    decline_reason, deputy, agenda_item_id (0 = none), starts_at, ends_at (0 = not scheduled), start, end (ISO
 *    text or ""), informed_via, notes, participants (who was there, one per line), outcome, created_at,
 *    created_by, updated_at, updated_by}; appt_get adds followups [{text, owner, due ("YYYY-MM-DD" or "")}].
 *
 * Requesters have no account and no language of their own: every message to them is Turkish (LANG_TR), whatever
 * lang the callers pass (lang stays in the signatures for the day a request records a language).
 *
 * Reminders: when the requester is informed by notification, one msg.appointment_reminder per offset of the
 * setting APPT_SETTING_REMINDER_HOURS is queued with not_before = start - offset (offsets already past are
 * skipped). A reschedule cancels the still queued ones; once the requester had been informed by notification
 * (informed_via "notification") it queues new ones and sends msg.appointment_rescheduled (old and new time, place;
 * the e-mail with the agenda item's .ics: same UID, higher SEQUENCE), and a later cancel sends
 * msg.appointment_cancelled. (A requester informed by phone is called again: the request is back in "scheduled".)
 * Held, no-show and cancel cancel the queued reminders.
 */
#ifndef KALEM_STORE_APPOINTMENTS_H
#define KALEM_STORE_APPOINTMENTS_H
#include <jansson.h>
#include <stdint.h>
#include "store/db.h"
#include "util/buf.h"
#include "util/i18n.h"

/* Tracking codes: this many characters from an alphabet without 0, O, 1 and I. */
#define APPT_CODE_LEN 8
extern const char appt_code_alphabet[];

/* Results of appt_create and appt_transition besides an id / APPT_OK. */
enum appt_result {
	APPT_OK = 0,
	APPT_ERROR = -1,      /* database error (logged): 500 */
	APPT_BUSY = -3,       /* the database was busy (DB_BUSY): 503, retry */
	APPT_INVALID = -20,   /* a field is missing or bad: *field names it: 422 */
	APPT_NOT_FOUND = -21, /* no such request: 404 */
	APPT_FORBIDDEN = -22, /* the action exists from this state but not for this role: 403 */
	APPT_STATE = -23,     /* no such action from the request's state (or it is final): 409 */
	APPT_CONFLICT = -24,  /* the time conflicts in the agenda: *conflicts says with what: 409 */
};

/* The reminder setting: comma-separated hours before the meeting, e.g. "24,2"; "0" or "" = no reminders. */
#define APPT_SETTING_REMINDER_HOURS "agenda.reminder_hours"
#define APPT_SETTING_REMINDER_HOURS_DEFAULT "24"
#define APPT_MAX_REMINDERS 6
#define APPT_REMINDER_MAX_HOURS (24 * 60)

/* Parses a reminder setting: at most APPT_MAX_REMINDERS integers 1..APPT_REMINDER_MAX_HOURS separated by commas
 * (spaces allowed), or "0" / "" for none. hours (OUT) receives the distinct values, largest first, *n (OUT) their
 * count. Returns 0, or -1 when text is not such a list. */
int appt_reminder_hours_parse(const char *text, int hours[APPT_MAX_REMINDERS] /* OUT */, int *n /* OUT */);
/* The offsets in force: the stored setting, or the default when it is absent or unreadable. */
void appt_reminder_hours_load(struct db *db, int hours[APPT_MAX_REMINDERS] /* OUT */, int *n /* OUT */);

/* Fills code (OUT) with a fresh random tracking code (libsodium). */
void appt_new_code(char code[APPT_CODE_LEN + 1] /* OUT */);
/* True if s is APPT_CODE_LEN characters of the alphabet (lower case accepted). */
bool appt_code_valid(const char *s);

/* Creates a request in its own write transaction, state "requested", with a new tracking code; audited
 * ("appointment.create"). values: {kind, party_id (integer, optional: its name, phone and e-mail fill those left
 * empty), requester_name (required without a party), contact_person, phone, email, attendees (1..500, default
 * 1), subject (required), channel (required), preferred (days/times as text)}. If the requester has an e-mail or
 * a phone, msg.appointment_received (with the code) is queued to them in lang. Returns the id, or APPT_INVALID
 * with *field (OUT) naming the bad field, APPT_BUSY or APPT_ERROR. */
int64_t appt_create(struct db *db, const char *actor, const json_t *values, enum lang lang,
		    const char **field /* OUT */);

/* As appt_create, inside the caller's open write transaction (which the caller rolls back on any failure): for
 * changes that create a request together with something else, e.g. a walk-in turned into a request. */
int64_t appt_insert(struct db *db, const char *actor, const json_t *values, enum lang lang,
		    const char **field /* OUT */);

/* Applies action to request id for an actor holding role bits actor_role (WF_ROLE_*), in its own write
 * transaction: the flow's role and required-field checks, then the action's effect, the new state, the audit
 * ("appointment.<action>" with before and after) and the notifications, all or nothing. fields by action:
 *   accept {priority 1..3}; decline {reason}; delegate {deputy}; schedule and reschedule {starts_at (unix seconds
 *   or ISO text), duration_min (optional: the agenda's default for the kind), location (optional),
 *   allow_conflict (bool, optional)} which book or move the agenda item; inform {via "notification" (default:
 *   e-mail with an .ics and/or SMS, msg.appointment_scheduled) | "phone" (a call was made: nothing sent)};
 *   held {notes, participants (text, or an array of names), outcome, followups [{text, owner, due}]: all optional,
 *   see appt_set_details}; no_show, cancel (which frees the agenda time; once the requester was informed they
 *   get msg.appointment_cancelled); forward (nothing).
 * Returns APPT_OK, or an enum appt_result with *error_key (OUT) a catalogue key and *field (OUT) the bad field
 * (APPT_INVALID) or NULL; *conflicts (OUT, may be NULL) the agenda's conflicts on APPT_CONFLICT (caller owns). */
int appt_transition(struct db *db, const char *actor, unsigned actor_role, int64_t id, const char *action,
		    const json_t *fields, enum lang lang, const char **error_key /* OUT */,
		    const char **field /* OUT */, json_t **conflicts /* OUT */);

/* One request as JSON (see the top), or NULL when absent. */
json_t *appt_get(struct db *db, int64_t id);

/* The public view of a tracking code: {code, kind, state, chart_step, start (ISO, only while scheduled, informed
 * or held; else "")}: nothing personal. NULL when no request has that code. */
json_t *appt_track(struct db *db, const char *code);

/* Edits what happened at a held meeting, in its own write transaction (office roles; the caller checks the
 * role): fields {notes, participants (text, or an array of strings joined by line breaks), outcome (text),
 * followups [{text (required), owner, due ("YYYY-MM-DD" or "")}] (at most APPT_MAX_FOLLOWUPS; replaces the
 * list)}; absent keys keep their values. Audited "appointment.details" with before and after. Returns APPT_OK,
 * APPT_NOT_FOUND, APPT_STATE (not held), APPT_INVALID with *field (OUT) and *error_key (OUT), APPT_BUSY or
 * APPT_ERROR. */
#define APPT_MAX_FOLLOWUPS 20
int appt_set_details(struct db *db, const char *actor, int64_t id, const json_t *fields,
		     const char **error_key /* OUT */, const char **field /* OUT */);

/* Fills the folded search column of requests written before it existed, in its own write transaction. Returns
 * how many rows it filled, or -1. Idempotent; cheap when nothing is left. */
int appt_search_backfill(struct db *db);

/* Filters of appt_list; NULL/"" or 0 = any. */
struct appt_filter {
	const char *state;
	const char *kind;
	int64_t from, to;           /* created in [from, to) (unix seconds) */
	const char *q;              /* words (at most 4 used), each found in the requester's name, the contact
				     * person, the subject or the tracking code, ignoring case and Turkish accents */
	int64_t meet_from, meet_to; /* the meeting starts in [meet_from, meet_to) */
	int64_t party_id;           /* requests of this person or institution */
};

/* Lists requests newest first, filtered; keyset pagination: after = the "next" of the previous page (NULL or "" =
 * first page), limit 1..500. Returns {"items": [...], "next": cursor or null}. */
json_t *appt_list(struct db *db, const struct appt_filter *f, const char *after, int limit);

/* Appends to out the requests of f (all pages, newest first, at most APPT_CSV_MAX_ROWS) as CSV for Excel: a
 * UTF-8 byte order mark, ';' separators, a header line in lang (the catalogue), kinds, states and priorities in
 * lang, times as "YYYY-MM-DD HH:MM" (Europe/Istanbul). Returns the number of rows, or -1. */
#define APPT_CSV_MAX_ROWS 100000
int appt_export_csv(struct db *db, const struct appt_filter *f, enum lang lang, struct buf *out /* OUT */);

#endif
