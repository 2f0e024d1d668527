/* agenda.h: the Mayor's programme (ajanda) in the database: the weekly working plan, date exceptions, agenda items
 * (engagements and appointments) and the one way anything is booked into it, the slot finder over stored days,
 * the agenda settings, and the secret iCalendar feed tokens.
 *
 * Booking rules (agenda_book, agenda_update, agenda_reschedule):
 *   - Every call runs inside the caller's write transaction (db_begin_write) and first locks the local days the
 *     item touches (with its buffers): on PostgreSQL the agenda_days rows, SELECT ... FOR UPDATE, in date order;
 *     on SQLite nothing, since writers are serialised already. The overlap check that follows therefore sees
 *     every booking committed before it, and two clerks booking one slot at the same moment get one booking and
 *     one AGENDA_CONFLICT: never a double booking.
 *   - Conflicts. An engagement conflicts with the items it overlaps. An appointment also conflicts with items
 *     closer than the buffer, breaks, time outside the day's open windows, holidays, closed days and (citizens)
 *     the daily cap. An appointment overlapping another appointment is a hard conflict, refused always; every
 *     other conflict is refused unless allow_conflict (staff saw it and chose the time anyway).
 *   - Book at most one item per transaction, or book before any other audited write in it: the day locks are
 *     taken before the audit chain's lock, and a second booking after an audit append could deadlock with a
 *     concurrent booking on PostgreSQL (it would come back as DB_BUSY, nothing lost).
 *
 * An item as JSON (agenda_item_get, agenda_list):
 *   {id, kind "engagement"|"appointment", category, title, location, notes, starts_at, ends_at (unix seconds),
 *    start, end ("2026-12-02T10:30:00+03:00"), public (bool), status "scheduled"|"cancelled"|"held"|"no_show",
 *    source_type, source_id (0 = none), sequence, created_at, created_by, updated_at, updated_by}
 *
 * A conflict as JSON (the conflicts OUT parameters, agenda_check):
 *   {type "overlap"|"buffer"|"break"|"outside_hours"|"holiday"|"closed"|"cap", hard (bool),
 *    item {id, kind, category, title, start, end, starts_at, ends_at, public} (overlap, buffer),
 *    name, start, end (break), name (holiday: the holiday's name), note (closed), cap (cap: the daily cap)}
 */
#ifndef KALEM_STORE_AGENDA_H
#define KALEM_STORE_AGENDA_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/slots.h"
#include "core/token.h"
#include "store/db.h"

/* Settings (table settings) and their defaults. */
#define AGENDA_SETTING_BUFFER "agenda.buffer_min"                           /* free minutes around appointments */
#define AGENDA_SETTING_BUFFER_DEFAULT 10
#define AGENDA_SETTING_DURATION_INSTITUTION "agenda.duration.institution"   /* minutes */
#define AGENDA_SETTING_DURATION_INSTITUTION_DEFAULT 30
#define AGENDA_SETTING_DURATION_CITIZEN "agenda.duration.citizen"           /* minutes */
#define AGENDA_SETTING_DURATION_CITIZEN_DEFAULT 15
#define AGENDA_SETTING_CITIZEN_CAP "agenda.citizen_daily_cap"               /* 0 = no cap */
#define AGENDA_SETTING_CITIZEN_CAP_DEFAULT 8
#define AGENDA_SETTING_GRANULARITY "agenda.granularity_min"                 /* the slot grid */
#define AGENDA_SETTING_GRANULARITY_DEFAULT 15

/* An item may last at most this long (the busy-time scan of a day looks back this far). */
#define AGENDA_ITEM_MAX_DAYS 14

/* Results of the booking functions besides an id or 0. */
#define AGENDA_ERROR (-1)      /* database error (logged) */
#define AGENDA_CONFLICT (-10)  /* the time conflicts: *conflicts says with what */
#define AGENDA_INVALID (-11)   /* bad item: kind/category mismatch, empty title, end not after start, too long */
#define AGENDA_NOT_FOUND (-12) /* no such item */
#define AGENDA_STATE (-13)     /* the item's status or kind does not allow it (e.g. editing a cancelled item) */
/* DB_BUSY (-3) comes back when PostgreSQL broke a deadlock: retry the transaction. */

enum agenda_kind { AGENDA_ENGAGEMENT, AGENDA_APPOINTMENT, AGENDA_KIND__MAX };
enum agenda_category {
	AGENDA_CAT_COUNCIL,
	AGENDA_CAT_CEREMONY,
	AGENDA_CAT_TRAVEL,
	AGENDA_CAT_SITE_VISIT,
	AGENDA_CAT_MEETING,
	AGENDA_CAT_OTHER,
	AGENDA_CAT_INSTITUTION, /* appointments only */
	AGENDA_CAT_CITIZEN,     /* appointments only */
	AGENDA_CAT__MAX
};
enum agenda_status { AGENDA_SCHEDULED, AGENDA_CANCELLED, AGENDA_HELD, AGENDA_NO_SHOW, AGENDA_STATUS__MAX };

/* The names stored in the database ("engagement", "site_visit", "no_show", ...). */
const char *agenda_kind_name(enum agenda_kind kind);
const char *agenda_category_name(enum agenda_category category);
const char *agenda_status_name(enum agenda_status status);
/* Name -> value; -1 when unknown (NULL included). */
int agenda_kind_from_name(const char *name);
int agenda_category_from_name(const char *name);
int agenda_status_from_name(const char *name);
/* The categories an engagement may have, NULL-terminated (for form choices). */
extern const char *const agenda_engagement_categories[];

/* An agenda item. Strings are borrowed (NULL reads as ""). */
struct agenda_item {
	int64_t id;                   /* 0 for a new item */
	enum agenda_kind kind;
	enum agenda_category category;
	const char *title;
	const char *location;
	const char *notes;
	int64_t starts_at, ends_at;   /* unix seconds, starts_at < ends_at */
	bool is_public;               /* may appear in public feeds with its details */
	enum agenda_status status;    /* agenda_book ignores it: a booking is scheduled */
	const char *source_type;      /* what created it, e.g. "appointment_request"; "" for staff entries */
	int64_t source_id;
	int sequence;                 /* read only: changes seen by calendar clients */
	int64_t created_at, updated_at; /* read only */
};

/* Fills item from an item's JSON (agenda_item_get), borrowing its strings: o must outlive item. Returns 0, or -1
 * when o is not such an object. */
int agenda_item_from_json(const json_t *o, struct agenda_item *item /* OUT */);

/* ---- settings ---- */

struct agenda_settings {
	int buffer_min;
	int duration_institution_min;
	int duration_citizen_min;
	int citizen_daily_cap; /* 0 = no cap */
	int granularity_min;
};

/* Reads the agenda settings; absent or unreadable ones get their defaults. Returns 0, or -1 (defaults set). */
int agenda_settings_load(struct db *db, struct agenda_settings *s /* OUT */);
/* Writes the settings (each audited by setting_set) inside the caller's write transaction. Returns 0 or -1. */
int agenda_settings_save(struct db *db, const char *actor, const struct agenda_settings *s);

/* ---- a day as the slot finder sees it ---- */

/* One local day of the programme: its open windows and breaks, what occupies it, and why it is closed. It holds
 * pointers into itself: do not copy it; release it with agenda_day_free. */
struct agenda_day {
	struct slot_day day;
	struct slot_busy *busy;          /* not cancelled items overlapping the day widened by the buffer */
	size_t n_busy;
	int citizen_appointments;        /* not cancelled citizen appointments starting that day */
	bool has_holiday;
	struct holiday holiday;
	bool has_exception;
	struct plan_exception exception;
	char exception_note[256];
	char break_names[SLOTS_MAX_PERIODS][64];
	struct agenda_settings settings;
};

/* Loads local day ymd: the plan of its weekday, its exception, its official holiday, the settings and the busy
 * items, leaving out item exclude_id (0 = none; the item being moved). Returns 0, or -1 (logged; *d is then empty
 * and safe to free). */
int agenda_day_load(struct db *db, int ymd, int64_t exclude_id, struct agenda_day *d /* OUT */);
void agenda_day_free(struct agenda_day *d);

/* A request for slots. */
struct agenda_slot_request {
	int duration_min;                     /* 0: the default duration of category */
	int category;                         /* AGENDA_CAT_CITIZEN (the daily cap applies), AGENDA_CAT_INSTITUTION,
					       * or -1: no kind (no cap, and duration_min must be given) */
	int64_t earliest;                     /* no slot before this instant (now) */
	const struct slot_preference *prefer; /* the requester's preferences; may be NULL */
	size_t n_prefer;
};

/* The slots of day ymd for req (see slots_find), best first, at most max. Returns how many, or -1 on a database
 * error; *why (OUT) as slots_find; *duration_min (OUT, may be NULL) the duration used. */
int agenda_find_slots(struct db *db, int ymd, const struct agenda_slot_request *req, struct slot *out /* OUT */,
		      size_t max, enum slot_reason *why /* OUT */, int *duration_min /* OUT */);

/* Proposals over several days: the slots of days from_ymd .. from_ymd + days - 1, at most per_day of each day,
 * ranked preferred first, then earlier; at most max. Returns how many, or -1 on a database error. */
int agenda_propose(struct db *db, int from_ymd, int days, const struct agenda_slot_request *req, size_t per_day,
		   struct slot *out /* OUT */, size_t max);

/* ---- items ---- */

/* One item as JSON (see the top of this file), or NULL when absent. */
json_t *agenda_item_get(struct db *db, int64_t id);

/* The items overlapping [from, to), ordered by start (then id), cancelled ones only when with_cancelled. Never
 * NULL (an empty array on error). */
json_t *agenda_list(struct db *db, int64_t from, int64_t to, bool with_cancelled);

/* The conflicts item would have (see the rules at the top), item exclude_id left out (0 = none); no lock, no
 * write: for flagging a time typed by hand before it is booked. Returns a JSON array, or NULL on a database error
 * (AGENDA_INVALID items give an empty array). */
json_t *agenda_check(struct db *db, const struct agenda_item *item, int64_t exclude_id);

/* THE way anything gets into the agenda: books item (status scheduled) inside the caller's write transaction,
 * after locking its days and checking conflicts (see the top of this file); audited ("agenda.book").
 * *conflicts (OUT, may be NULL): the conflicts found (an array, empty when none) on success and on
 * AGENDA_CONFLICT, NULL otherwise; the caller owns it. Returns the new id, AGENDA_CONFLICT, AGENDA_INVALID,
 * DB_BUSY or AGENDA_ERROR. On any failure the caller must roll back. */
int64_t agenda_book(struct db *db, const char *actor, const struct agenda_item *item, bool allow_conflict,
		    json_t **conflicts /* OUT */);

/* Changes a scheduled item's category, title, location, notes, public flag and times from item (item->kind and
 * the source must match the stored ones) with the same locking and conflict rules as agenda_book; audited
 * ("agenda.update"); the sequence grows. Returns 0, AGENDA_CONFLICT, AGENDA_INVALID, AGENDA_NOT_FOUND,
 * AGENDA_STATE (not scheduled, or another kind), DB_BUSY or AGENDA_ERROR. */
int agenda_update(struct db *db, const char *actor, int64_t id, const struct agenda_item *item, bool allow_conflict,
		  json_t **conflicts /* OUT */);

/* Moves a scheduled item to [starts_at, ends_at), keeping everything else (the appointment workflow's
 * reschedule; the audit keeps the old times); same rules and results as agenda_update ("agenda.reschedule"). */
int agenda_reschedule(struct db *db, const char *actor, int64_t id, int64_t starts_at, int64_t ends_at,
		      bool allow_conflict, json_t **conflicts /* OUT */);

/* Moves a scheduled item to status cancelled, held or no_show inside the caller's write transaction (its days
 * locked first); audited ("agenda.cancel", "agenda.held", "agenda.no_show"); the sequence grows. A cancelled item
 * frees its time. Returns 0, AGENDA_NOT_FOUND, AGENDA_STATE (not scheduled, or status is scheduled), DB_BUSY or
 * AGENDA_ERROR. */
int agenda_set_status(struct db *db, const char *actor, int64_t id, enum agenda_status status);

/* Not cancelled citizen appointments starting on local day ymd (for the daily cap); -1 on error. */
int agenda_citizen_count(struct db *db, int ymd);

/* ---- the weekly plan and the date exceptions ---- */

/* Every period of the plan: [{id, weekday, kind "work"|"break", start_min, end_min, name}] by weekday, start. */
json_t *agenda_plan_list(struct db *db);
/* Adds a period inside the caller's write transaction; audited. Returns its id, AGENDA_INVALID (bad weekday or
 * times) or AGENDA_ERROR. */
int64_t agenda_plan_add(struct db *db, const char *actor, const struct plan_period *p);
/* Deletes a period; audited. Returns 0, AGENDA_NOT_FOUND or AGENDA_ERROR. */
int agenda_plan_delete(struct db *db, const char *actor, int64_t id);

/* Exceptions from local day from_ymd on, by date, at most limit:
 * [{id, ymd, date "YYYY-MM-DD", closed, start_min, end_min, note}]. */
json_t *agenda_exception_list(struct db *db, int from_ymd, int limit);
/* Sets the exception of day ymd (replacing one the day had) inside the caller's write transaction; audited.
 * Returns its id, AGENDA_INVALID (bad date or hours) or AGENDA_ERROR. */
int64_t agenda_exception_set(struct db *db, const char *actor, int ymd, const struct plan_exception *e,
			     const char *note);
/* Deletes an exception; audited. Returns 0, AGENDA_NOT_FOUND or AGENDA_ERROR. */
int agenda_exception_delete(struct db *db, const char *actor, int64_t id);

/* ---- iCalendar feeds ---- */

/* Creates a feed inside the caller's write transaction; audited (without the token). scope "full" or "public",
 * lang "tr" or "en". token (OUT) is the secret of its URL: only its hash is stored, so it can be shown once.
 * Returns the id, AGENDA_INVALID or AGENDA_ERROR. */
int64_t agenda_feed_create(struct db *db, const char *actor, const char *name, const char *scope, const char *lang,
			   char token[TOKEN_CHARS + 1] /* OUT */);
/* Revokes a feed (its URL answers 404 from now on); audited. Returns 0, AGENDA_NOT_FOUND (also when revoked
 * already) or AGENDA_ERROR. */
int agenda_feed_revoke(struct db *db, const char *actor, int64_t id);
/* Every feed, newest first: [{id, name, scope, lang, created_at, created_by, revoked_at, revoked_by, last_used_at}]
 * (the times are null when unset). */
json_t *agenda_feed_list(struct db *db);
/* The live (not revoked) feed of token as {id, name, scope, lang, last_used_at}, or NULL. */
json_t *agenda_feed_find(struct db *db, const char *token);
/* Records that the feed was fetched at now, at most once an hour (its own write transaction when last_used_at is
 * older). Returns 0 or -1. */
int agenda_feed_touch(struct db *db, int64_t id, int64_t last_used_at, int64_t now);

#endif
