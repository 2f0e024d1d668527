/* applications_internal.h: what applications.c, application_routes.c and application_clocks.c share (internal to
 * src/store; the public interface is store/applications.h). Every function here runs inside the caller's open
 * write transaction unless it says otherwise. */
#ifndef KALEM_STORE_APPLICATIONS_INTERNAL_H
#define KALEM_STORE_APPLICATIONS_INTERNAL_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/bizcal.h"
#include "core/clocks.h"
#include "store/applications.h"
#include "store/db.h"
#include "util/json_str.h"

/* ---- applications.c ---- */

/* True if s is one of the NULL-terminated names. */
bool app_one_of(const char *s, const char *const *names);
/* DB_BUSY -> APP_BUSY, anything else -> APP_ERROR. */
int app_db_result(int rc);
/* The integer member name of o, or 0. */
int64_t app_int(const json_t *o, const char *name);
/* The stored row of application id as JSON (the fields of the header without clocks and lists; the raw clock
 * columns as office_stopped_at, legal_stopped_at, paused_since), or NULL when absent or outside directorate_scope
 * (> 0). What the audit records as before and after. */
json_t *app_row_get(struct db *db, int64_t id, int64_t directorate_scope);
/* Sets the application's state (and updated_at/by) if it is still from_state. Returns 0, or an enum app_result. */
int app_set_state(struct db *db, const char *actor, int64_t id, const char *from_state, const char *to_state,
		  int64_t now);
/* The channel the applicant is told by when none is named: "sms", "email" or "" (none). */
const char *app_default_via(const json_t *app);
/* Queues template_key (Turkish) to the applicant by via ("sms" / "email"; "" = the applicant's default channel,
 * nothing when they have none). *notification_id (OUT, may be NULL) is the id or 0 when nothing was sent.
 * Returns 0, APP_INVALID when via names a channel the applicant has no address for, or APP_ERROR. */
int app_notify(struct db *db, const char *actor, const json_t *app, const char *via, const char *template_key,
	       const json_t *extra_args, int64_t *notification_id /* OUT */);
/* Inserts a contact row. Returns its id or APP_ERROR. */
int64_t app_contact_insert(struct db *db, const char *actor, int64_t id, const char *kind, const char *via,
			   int64_t at, const char *spoke_with, const char *summary, int64_t notification_id);
/* Stores and links files (see struct app_files) to application id with role (files->role when NULL). Returns
 * APP_OK, or APP_INVALID with *field "file" and *error_key, or APP_ERROR. */
int app_store_files(struct db *db, const char *actor, int64_t id, const struct app_files *files, const char *role,
		    const char **field /* OUT */, const char **error_key /* OUT */);
/* True if a field is present in fields: not null, a non-empty string, a non-empty array, or anything else. */
bool app_field_present(const char *name, void *fields);
/* An instant given as unix seconds or ISO text (core/isotime.h); 0 when absent, -1 when bad. */
int64_t app_time_field(const json_t *v);

/* ---- application_routes.c ---- */

/* Adds a route of application app_id to directorate_id (pending), due at due_at, audited
 * "application_route.create". Returns the route id or an enum app_result. */
int64_t app_route_add(struct db *db, const char *actor, int64_t app_id, int64_t directorate_id, int64_t due_at,
		      const char *note, int64_t now);
/* The routes of an application as JSON (app_get's "routes"). Never NULL. */
json_t *app_routes_json(struct db *db, int64_t app_id);
/* How many routes of the application are in state (NULL: any open state: pending, accepted, planned,
 * info_requested); with directorate_id > 0 only that directorate's. -1 on error. */
int app_routes_count(struct db *db, int64_t app_id, int64_t directorate_id, const char *state);
/* Moves every route of the application in from_state (NULL: any open state) to to_state, audited
 * "application_route.<action>". Returns 0 or APP_ERROR. */
int app_routes_move(struct db *db, const char *actor, int64_t app_id, const char *from_state, const char *to_state,
		    const char *action, int64_t now);

/* ---- application_clocks.c ---- */

/* Records a clock event. Returns 0 or -1. */
int appc_event(struct db *db, int64_t id, const char *clock, const char *event, int64_t at, const char *note,
	       const char *actor);
/* Records the start events of a new application (the legal one only when its category has a legal clock) and
 * computes its clock columns. Returns 0 or -1. */
int appc_start(struct db *db, int64_t id, int64_t received_at, const char *actor);
/* Opens a pause at at when pause is true and none is open, or closes the open one at at when pause is false
 * ("pause" / "resume" events for each running clock), then recomputes the clock columns. Returns 0 or -1. */
int appc_set_paused(struct db *db, int64_t id, bool pause, int64_t at, const char *note, const char *actor);
/* Stops the office and/or the legal clock at at when running ("stop" events), closing an open pause, and
 * recomputes the clock columns. Returns 0 or -1. */
int appc_stop(struct db *db, int64_t id, bool office, bool legal, int64_t at, const char *note, const char *actor);
/* Recomputes the stored due and warning instants and what the sweep looks at next. Returns 0 or -1. */
int appc_refresh(struct db *db, int64_t id, int64_t now);

/* What a clock reading needs of an application row. */
struct appc_input {
	int64_t id, category_id, received_at, office_stopped_at, legal_stopped_at, paused_since;
	int pauses;
};
/* The clocks of an application at now as JSON ({office {...}, legal {...}}, see applications.h), under cal and
 * policy p (reads its pauses when it has any). Never NULL. */
json_t *appc_clocks_json(struct db *db, const struct bizcal *cal, const struct clock_policy *p,
			 const struct appc_input *in, int64_t now);

#endif
