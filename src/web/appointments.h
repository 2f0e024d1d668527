/* appointments.h: the pages of appointment requests: the list and one request with its chart and actions. */
#ifndef KALEM_WEB_APPOINTMENTS_H
#define KALEM_WEB_APPOINTMENTS_H
#include "http/req.h"

/* GET /appointments?q=&state=&kind=&from=&to=&meeting_from=&meeting_to=&party_id=&after=: the requests, newest
 * first, searched and filtered (see appt_filter_from_query); a bad filter is dropped and shown beside its field. */
void h_appointments(struct req *r);
/* GET /appointments.csv?<the same filters>: the filtered list as a CSV attachment (see appt_export_csv). */
void h_appointments_csv(struct req *r);
/* GET /appointments/queue: the Mayor's queue for a phone: the forwarded requests, oldest first, as cards with
 * accept (one button per priority), decline (reason) and delegate (deputy) forms that work without JavaScript;
 * the forms are shown to those who may decide (mayor, chief), the list to the office too. */
void h_appointment_queue(struct req *r);
/* POST /appointments/{id}/details (form: notes, participants, outcome, followup_text_N, followup_owner_N,
 * followup_due_N): edits what happened at a held meeting (office roles; audited) and redirects to the request;
 * 422 with the request page and the error beside the field; 409 when not held. */
void h_appointment_details_form(struct req *r);
/* GET /appointments/new: the form for a request taken at the front desk, on the phone, from a letter. */
void h_appointment_new(struct req *r);
/* POST /appointments: creates the request (the requester is sent its tracking code) and shows it; 422 with the
 * errors beside the fields. */
void h_appointment_create(struct req *r);
/* GET /appointments/{id}: one request, the chart steps with its position, its history and the action forms the
 * actor may use. */
void h_appointment(struct req *r);
/* POST /appointments/{id}/transitions (form: action and its fields; return=queue to come back to the queue):
 * applies it and redirects with a flash; a bad field (422) or an agenda conflict (409) shows the request page
 * again with the error beside the field of that action's form; 403/404 and a wrong state (409) as error pages. */
void h_appointment_transition_form(struct req *r);
/* GET /track?code=: the public status page of a tracking code (no account): kind, state and time only; 429 with
 * the page and a message past TRACK_LIMIT lookups per address (api/appointments.h). */
void h_track_page(struct req *r);

#endif
