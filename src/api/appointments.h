/* appointments.h: the JSON API of appointment requests (workflows 1 and 2A) and the public tracking lookup. */
#ifndef KALEM_API_APPOINTMENTS_H
#define KALEM_API_APPOINTMENTS_H
#include "http/req.h"

/* GET /api/v1/appointment-requests?state=&kind=&from=YYYY-MM-DD&to=YYYY-MM-DD&after=&limit=: newest first,
 * {"items":[...], "next": cursor or null}; a bad filter is 422 naming it. */
void h_api_appointments(struct req *r);
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
 * personal. 404 for an unknown code. */
void h_api_track(struct req *r);

#endif
