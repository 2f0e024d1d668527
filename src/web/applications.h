/* applications.h: the staff pages of applications (workflow 3: complaints and requests): the list with its
 * filters and CSV, the front-desk form, the case page with the chart, clocks and action forms, and the receipt. */
#ifndef KALEM_WEB_APPLICATIONS_H
#define KALEM_WEB_APPLICATIONS_H
#include <jansson.h>
#include "http/req.h"

/* GET /applications?q=&state=&kind=&channel=&category_id=&directorate_id=&neighbourhood_id=&overdue=&from=&to=
 * &after=: newest first, the two clocks of each as coloured labels with words; a directorate user sees only its
 * own (in the SQL); a bad filter is dropped and shown beside its field. */
void h_applications(struct req *r);
/* GET /applications.csv?<the same filters>: the filtered list as CSV (api/applications.h apps_send_csv). */
void h_applications_csv(struct req *r);
/* GET /applications/new?q=&party_id=&category_id=: the front-desk form: a person search (name, phone, TCKN), the
 * applicant, kind, channel, category, the category's extra questions, subject, description, place and the
 * scanned petition. */
void h_application_new(struct req *r);
/* POST /applications (multipart; office roles): creates the application and redirects to its page with a flash;
 * 422 with the errors beside the fields; step=category shows the form again with the category's questions. */
void h_application_create(struct req *r);
/* GET /applications/{id}/receipt.pdf: the printable receipt (render/receipt.h) with the tracking address. */
void h_application_receipt(struct req *r);

/* GET /applications/{id}?template=&for=: the case page (applications_case.c): chart, clocks, applicant (the
 * view is logged, KVKK), routes, the action forms the actor may use (template= fills the text of form for=),
 * files, documents, notifications, contacts, clock events and the history. 404 outside a directorate's own. */
void h_application(struct req *r);
/* POST /applications/{id}/transitions (multipart or url-encoded: action and its fields, files "file"): applies
 * an application action and redirects to the page; 422 with the page and the error beside the field; 403, 404,
 * 409 as error pages. */
void h_application_transition_form(struct req *r);
/* POST /applications/{id}/routes/{rid}/transitions: the same for one route's action (a directorate user only
 * on its own route: 404 otherwise). */
void h_application_route_form(struct req *r);
/* POST /applications/{id}/contacts (kind, via, at, spoke_with, summary): logs a call; office roles. */
void h_application_contact_form(struct req *r);
/* POST /applications/{id}/files (multipart "file"): attaches files; a directorate user through its own route. */
void h_application_attach_form(struct req *r);

/* Shared by the two page files: the clock labels of an application (o.clocks) as {office: {...}, legal: {...}},
 * each {status, label (words: "3 gün kaldı"), class ("tag ok"...), due (display), percent, paused}. */
json_t *apps_clock_view(struct req *r, const json_t *o);
/* Adds the display members of a list row or record to o: state_label, kind_label, channel_label, received,
 * clock (apps_clock_view). */
void apps_decorate_row(struct req *r, json_t *o);

#endif
