/* walkins.h: the JSON API of walk-ins (workflow 2B): today's queue, arrivals, the walk-in flow's actions and the
 * live "can the Mayor see them now?" answer. Errors as the rest of the API: {"error":{"code","message"[,"field"]}}. */
#ifndef KALEM_API_WALKINS_H
#define KALEM_API_WALKINS_H
#include "http/req.h"

/* GET /api/v1/walk-ins?date=YYYY-MM-DD (today by default): {date, items [walk-in + state_label (+ estimated_at
 * while waiting today)], availability (today only, see store/walkins.h, + message, next_message, call_message)};
 * a bad date is 422 naming "date". */
void h_api_walkins(struct req *r);
/* POST /api/v1/walk-ins {party_id, new_party, name, phone, email, tckn, kind, institution, attendees, subject,
 * duration_min, notes}: 201 with the walk-in (Location header), or 422 naming the bad field. */
void h_api_walkin_create(struct req *r);
/* GET /api/v1/walk-ins/availability?duration=MINUTES (1..240; default: the agenda's citizen duration): the live
 * answer of store/walkins.h with its messages; 422 naming "duration" when bad. */
void h_api_walkin_availability(struct req *r);
/* GET /api/v1/walk-ins/{id}: the walk-in with "actions" (what this actor may do next) and "history" (its audit
 * events, oldest first); 404 when absent. */
void h_api_walkin(struct req *r);
/* POST /api/v1/walk-ins/{id}/{action} (call_in | met | left | convert), optional body {notes, preferred}: 200 with
 * the walk-in in its new state (convert: with "appointment", the new request); 403 (not for this role), 404,
 * 409 (not from this state: e.g. converting twice), 422 (a bad field, named), 503 (busy, retry). */
void h_api_walkin_action(struct req *r);

#endif
