/* appointments.h: the JSON API of appointment requests (workflows 1 and 2A) and the public tracking lookup. */
#ifndef KALEM_API_APPOINTMENTS_H
#define KALEM_API_APPOINTMENTS_H
#include <stdbool.h>
#include <stdint.h>
#include "http/req.h"
#include "store/appointments.h"

/* The public tracking lookups (/track with a code and /api/v1/track/{code}) allowed per address: at most
 * TRACK_LIMIT in any TRACK_WINDOW_S seconds, so tracking codes cannot be guessed by trying. */
#define TRACK_LIMIT 30
#define TRACK_WINDOW_S 600

/* Counts one tracking lookup from address at now and says whether it may go ahead (false: answer 429). The
 * counts live in this process's memory (a fixed table; the least recently used address gives way); thread-safe
 * (one mutex). */
bool appt_track_allowed(const char *address, int64_t now);

/* Reads the list filters of r's query (state, kind, q, from, to (created, YYYY-MM-DD), meeting_from, meeting_to
 * (the meeting's day, YYYY-MM-DD), party_id) into f (OUT; strings borrowed from r). Returns NULL, or the name of
 * the first bad parameter. */
const char *appt_filter_from_query(struct req *r, struct appt_filter *f /* OUT */);

/* GET /api/v1/appointment-requests?state=&kind=&q=&from=&to=&meeting_from=&meeting_to=&party_id=&after=&limit=:
 * newest first, {"items":[...], "next": cursor or null}; with format=csv the whole filtered list as CSV (as
 * h_api_appointments_csv); a bad filter is 422 naming it. */
void h_api_appointments(struct req *r);
/* GET /api/v1/appointment-requests.csv?<the filters above>: the filtered requests as a CSV attachment (UTF-8 with
 * a byte order mark, ';' separators, headers in the request's language). */
void h_api_appointments_csv(struct req *r);
/* Sends the requests of f as the CSV attachment "randevu-talepleri-YYYY-MM-DD.csv" (also used by the page). */
void appt_send_csv(struct req *r, const struct appt_filter *f);
/* POST /api/v1/appointment-requests/{id}/details {notes, participants, outcome, followups}: edits what happened
 * at a held meeting (office roles; audited); 200 with the request, 404, 409 (not held), 422 naming the field. */
void h_api_appointment_details(struct req *r);
/* POST /api/v1/appointment-requests {kind, party_id, requester_name, contact_person, phone, email, attendees,
 * subject, channel ("api" when absent), preferred}: 201 with the request, or 422 naming the bad field. */
void h_api_appointment_create(struct req *r);
/* GET /api/v1/appointment-requests/{id}: the request with "actions" (what this actor may do next) and "history"
 * (its audit events, oldest first); 404 when absent. */
void h_api_appointment(struct req *r);
/* POST /api/v1/appointment-requests/{id}/transitions {"action": "...", fields...}: 200 with the request in its
 * new state; 403 (not for this role), 404, 409 (not from this state, or an agenda conflict with "conflicts"),
 * 422 (a missing or bad field, named), 503 (busy, retry). */
void h_api_appointment_transition(struct req *r);
/* GET /api/v1/track/{code}: public, no session: {code, kind, state, state_label, chart_step, start}; nothing
 * personal. 404 for an unknown code; 429 (Retry-After) past TRACK_LIMIT lookups per address. */
void h_api_track(struct req *r);

#endif
