/* applications.h: applications of workflow 3 (complaints, requests, suggestions, information requests) in the
 * database: intake from every channel without duplicates, the assessment, routing to directorates and each
 * directorate's share (a route), the clocks and their events, feedback to the applicant, interim notices, and the
 * archive; every change audited (record types "application" and "application_route"), applicants told through the
 * outbox in Turkish. The flows are core/application_flow.h, the clocks core/clocks.h.
 *
 * An application as JSON (app_get; app_list items carry the fields marked *):
 *   {id*, tracking_code*, kind* ("complaint"|"request"|"suggestion"|"information"), channel* ("in_person"|"phone"|
 *    "letter"|"email"|"web"|"bizim_meram"|"cimer"|"open311"|"api"), external_id, party_id (0 = none),
 *    applicant_name*, phone, email, preferred_channel ("sms"|"email"|"phone"|"none"), category_id*, category_code,
 *    category_name*, subject*, description, neighbourhood_id (0 = none), neighbourhood_name*, address, lat, lon
 *    (numbers or null), media_url* (a photo's address, "" = none), attributes (object), state*, chart_step*,
 *    legal_reason, assessment_note, authority, answer, answered_at, feedback_via, feedback_at, archived_number,
 *    received_at*, created_at, created_by, updated_at*, updated_by,
 *    clocks* {office {status, due_at, due, warn_at, paused_s, met, percent_used, remaining_s},
 *             legal {the same, plus clock ("none"|"petition_3071"|...)}},
 *    routes [{id, directorate_id, directorate_name, state, due_at, note, work_date, answer, answered_at,
 *             answered_by, return_reason, created_at}] (app_get only),
 *    files [store/files.h files_for_record], documents [store/archive.h archive_for_record], notifications
 *    [store/outbox.h outbox_for_record] (app_get only),
 *    contacts [{id, kind ("interim"|"final"|"info_request"|"call"), via ("phone"|"sms"|"email"|"letter"), at, by,
 *               spoke_with, summary, notification_id}] (app_get only)}
 *   The ISO texts (due, ...) are "2026-12-02T17:30:00+03:00".
 *
 * Directorate isolation: every function taking directorate_scope > 0 returns only applications with a route of
 * that directorate (not withdrawn), filtering in the SQL; 0 = no restriction (office roles).
 */
#ifndef KALEM_STORE_APPLICATIONS_H
#define KALEM_STORE_APPLICATIONS_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/db.h"
#include "util/i18n.h"

#define APP_CODE_LEN 10 /* tracking codes: "B" + 9 characters of the appointment alphabet */

enum app_result {
	APP_OK = 0,
	APP_ERROR = -1,
	APP_BUSY = -3,       /* DB_BUSY: 503, retry */
	APP_INVALID = -20,   /* *field names the bad field: 422 */
	APP_NOT_FOUND = -21, /* 404 (also: not visible to this directorate) */
	APP_FORBIDDEN = -22, /* 403 */
	APP_STATE = -23,     /* 409: no such action from this state */
};

/* Uploaded files that go with a change: stored by store/files.h file_store (petition types: PDF, JPEG, PNG; at most
 * max_len bytes each) in the same write transaction, before it commits, and linked to the record. A bad file fails
 * the whole change: APP_INVALID with *field "file" and *error_key "error.file_type" / "error.file_size" /
 * "error.file_empty". files may be NULL (none). */
struct app_upload {
	const char *name; /* the original file name, as sent (sanitised by file_store) */
	const void *data;
	size_t len;
};
struct app_files {
	const char *dir;  /* <var>/files */
	const char *role; /* "petition" (intake), "answer" (answers), "attachment" */
	size_t max_len;
	const struct app_upload *items;
	size_t n;
};

/* Creates an application in its own write transaction (received; clocks started at received_at = now unless
 * values.received_at is given by staff for a letter that came earlier), audited "application.create"; the
 * applicant is sent msg.application_received with the tracking code by their preferred channel. values:
 *   {kind, channel, external_id, idempotency_key, party_id | applicant_name, phone, email, preferred_channel,
 *    category_id | category_code, subject, description, neighbourhood_id, address, lat, lon, media_url (a photo's
 *    address: http:// or https://, printable ASCII, at most 1000 characters), attributes (object, checked against
 *    the category's attributes: required ones present, list values among the keys), received_at}
 * Repeated submissions: the same (channel, external_id) or the same idempotency_key returns the existing id with
 * *existing (OUT) = true and changes nothing. Returns the id, APP_INVALID with *field, APP_BUSY or APP_ERROR. */
int64_t app_create(struct db *db, const char *actor, const json_t *values, const struct app_files *files,
		   bool *existing /* OUT */, const char **field /* OUT */, const char **error_key /* OUT */);

/* The tracking code of application id into code (OUT), without reading the rest of the record (app_get does).
 * Returns 0, APP_NOT_FOUND or APP_ERROR. */
int app_tracking_code(struct db *db, int64_t id, char code[APP_CODE_LEN + 1] /* OUT */);

/* Attaches files to application id (role "attachment", or files->role) in its own write transaction; for a
 * directorate user only through its own route. Returns APP_OK or an enum app_result (APP_INVALID: field "file"). */
int app_attach(struct db *db, const char *actor, int64_t directorate_scope, int64_t id, const struct app_files *files,
	       const char **field /* OUT */, const char **error_key /* OUT */);

/* Applies action (core/application_flow.h) to application id, in its own write transaction, for an actor with
 * role bits actor_role (WF_ROLE_*) and directorate_scope (> 0 for directorate users). fields by action:
 *   reject {legal_reason (code), answer (text; default from the response template, else the reason's label)};
 *   forward_external {legal_reason, authority, answer (optional)};
 *   route / reroute {directorates: [ids] (or directorate_id; route: default the category's directorate), due_at
 *   (optional: the office due), note};
 *   answer {answer}; request_info {question, at}; info_received {note, at};
 *   interim {via ("sms"|"email"|"phone"|"letter"), text, spoke_with (phone), at};
 *   give_feedback {via (default the preferred channel), text (optional: the answer), spoke_with, summary (phone:
 *   what was said), at};
 *   archive {file_plan_code (default the category's), title (optional)}.
 * at (optional, unix seconds or ISO text): when staff record something that happened earlier (the question asked or
 * the information received by phone or letter, a call, a letter sent); not before receipt nor in the future; the
 * clocks pause, resume and stop at that instant. Messages sent by SMS or e-mail are always at now.
 * reject and forward_external are the final answer: both clocks stop; interim stops the legal clock (3071 art. 7);
 * give_feedback stops both.
 * Each applies its effect, records the clock events (pause, resume, stop), audits "application.<action>" with
 * before and after, and queues the applicant's notification (sms / email by via or the preferred channel; a phone
 * call is logged as a contact, nothing sent). Returns APP_OK or an enum app_result with *error_key (catalogue key)
 * and *field (APP_INVALID). */
int app_transition(struct db *db, const char *actor, unsigned actor_role, int64_t directorate_scope, int64_t id,
		   const char *action, const json_t *fields, const struct app_files *files, const char **error_key /* OUT */,
		   const char **field /* OUT */);

/* Applies action (route_flow) to route route_id: accept; plan {work_date YYYY-MM-DD}; answer {answer};
 * return {reason}; ask_info {question} (the application goes to waiting); info_received; withdraw (office).
 * A directorate user (directorate_scope > 0) may act only on its own routes (else APP_NOT_FOUND). When the last
 * open route is answered, the application moves to answered in the same transaction. Audited
 * "application_route.<action>". Results as app_transition. */
int app_route_transition(struct db *db, const char *actor, unsigned actor_role, int64_t directorate_scope,
			 int64_t route_id, const char *action, const json_t *fields, const struct app_files *files,
			 const char **error_key /* OUT */,
			 const char **field /* OUT */);

/* Logs a contact with the applicant (a phone call: when, who spoke, what was said) inside its own transaction;
 * kind "call" unless fields.kind says "interim"/"final". fields: {kind, via (default "phone"), at (default now),
 * spoke_with (required for a call by phone), summary (required)}; an "interim" contact stops the legal clock.
 * Returns the contact id or an enum app_result (APP_INVALID with *field). */
int64_t app_log_contact(struct db *db, const char *actor, int64_t id, const json_t *fields,
			const char **field /* OUT */);

/* One application as JSON (see the top), or NULL when absent or outside directorate_scope. now: for the clocks. */
json_t *app_get(struct db *db, int64_t id, int64_t directorate_scope, int64_t now);
/* The public view of a tracking code when phone_last4 matches the last four digits of the phone given (or, with no
 * phone, the e-mail's part before '@' — exact): {code, kind, category_name, state, chart_step, stages [{state,
 * at}], answer (once feedback was given, or the answer of a rejection / forwarding), received_at}; nothing
 * personal. NULL otherwise. */
json_t *app_track(struct db *db, const char *code, const char *phone_last4);

/* Filters of app_list; NULL/"" or 0 = any. */
struct app_filter {
	const char *q;           /* words: folded, prefix match on applicant, subject, description, address,
				  * category name, code (full-text index: store/app_search.h) */
	const char *state;
	const char *kind;
	const char *channel;
	int64_t category_id, directorate_id, neighbourhood_id;
	bool overdue;            /* office or legal clock overdue at now */
	int64_t from, to;        /* received in [from, to) */
	int64_t directorate_scope; /* > 0: only that directorate's (directorate users) */
	bool inbox;              /* with directorate_scope: only routes still open (pending..info_requested), due first */
};
/* Lists applications newest received first (inbox: due first, each item with "route" {id, state, due_at} of the
 * directorate's open route), keyset pagination (after = previous "next"), limit 1..500:
 * {"items": [...], "next": cursor or null}. */
json_t *app_list(struct db *db, const struct app_filter *f, const char *after, int limit, int64_t now);

/* The clock sweep, run every minute by the server (and by tests directly): records "warning" and "overdue" clock
 * events once per clock as they happen, and on overdue escalates to the head of the secretariat (an event, and an
 * e-mail to every active chief user with an address, msg.application_overdue). Its own write transactions, a
 * batch at a time. Returns how many events were recorded, or -1. */
int app_clock_sweep(struct db *db, int64_t now);

/* Recomputes the stored due and warning instants of every open application of category_id (office clock not
 * stopped) under the category's current clock policy, inside the caller's open write transaction, so the overdue
 * filter and the sweep follow a policy an administrator changed (store/app_reference.h app_category_save calls it).
 * A warning or overdue already recorded whose new instant is still ahead (at now) is recorded again when it comes.
 * Returns how many applications were refreshed, or -1. */
int app_refresh_category(struct db *db, int64_t category_id, int64_t now);

/* The clock events of an application, oldest first: [{clock, event, at, note, actor}]. */
json_t *app_clock_events(struct db *db, int64_t id);

#endif
