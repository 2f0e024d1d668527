/* appointments.h: the pages of appointment requests: the list and one request with its chart and actions. */
#ifndef KALEM_WEB_APPOINTMENTS_H
#define KALEM_WEB_APPOINTMENTS_H
#include "http/req.h"

/* GET /appointments?state=&kind=&after=: the requests, newest first. */
void h_appointments(struct req *r);
/* GET /appointments/new: the form for a request taken at the front desk, on the phone, from a letter. */
void h_appointment_new(struct req *r);
/* POST /appointments: creates the request (the requester is sent its tracking code) and shows it; 422 with the
 * errors beside the fields. */
void h_appointment_create(struct req *r);
/* GET /appointments/{id}: one request, the chart steps with its position, its history and the action forms the
 * actor may use. */
void h_appointment(struct req *r);
/* POST /appointments/{id}/transitions (form: action and its fields): applies it and redirects to the request with
 * a flash; 403/404/409/422 as error pages naming the problem. */
void h_appointment_transition_form(struct req *r);
/* GET /track?code=: the public status page of a tracking code (no account): kind, state and time only. */
void h_track_page(struct req *r);

#endif
