/* applications.h: the JSON API of applications (workflow 3: complaints and requests) under /api/v1/applications,
 * and what the pages share with it: the list filters of a query, the CSV export, the directorate scope of the
 * actor, the uploaded files of a request and the answer to a store result. */
#ifndef KALEM_API_APPLICATIONS_H
#define KALEM_API_APPLICATIONS_H
#include <stdbool.h>
#include <stdint.h>
#include "http/req.h"
#include "store/applications.h"

/* Who may read applications, and who may act on them (the flows say which action each role may take). */
#define APPS_READ (ROLE_ADMIN | ROLE_CHIEF | ROLE_SECRETARIAT | ROLE_MAYOR | ROLE_VIEWER | ROLE_DIRECTORATE)
#define APPS_ACT (ROLE_ADMIN | ROLE_CHIEF | ROLE_SECRETARIAT | ROLE_DIRECTORATE)
#define APPS_OFFICE (ROLE_ADMIN | ROLE_CHIEF | ROLE_SECRETARIAT)

/* The largest scanned petition or attachment accepted (bytes). */
#define APPS_MAX_FILE (10u << 20)

/* The directorate scope of r's actor for store/applications.h: 0 for every role but a directorate user, whose
 * own directorate id it is; -1 for a directorate user bound to no directorate (sees nothing). */
int64_t apps_scope(struct req *r);

/* Reads the list filters of r's query (q, state, kind, channel, category_id, directorate_id, neighbourhood_id,
 * overdue (1/true), from, to (received, YYYY-MM-DD; the whole "to" day included)) into f (OUT; strings borrowed
 * from r), with f->directorate_scope = apps_scope(r). Returns NULL, or the name of the first bad parameter. */
const char *apps_filter_from_query(struct req *r, struct app_filter *f /* OUT */);

/* Sends the applications of f as the attachment "basvurular-YYYY-MM-DD.csv": UTF-8 with a byte order mark, ';'
 * separators, headers in r's language (as the other CSV exports), at most APPS_CSV_MAX_ROWS rows. */
#define APPS_CSV_MAX_ROWS 100000
void apps_send_csv(struct req *r, const struct app_filter *f);

/* The uploads of a multipart request in its file parts named "file" (empty file inputs skipped) into files (OUT:
 * items allocated here, free with apps_files_free; data points into the request), role as given, the directory
 * <var>/files into dir (OUT, at least 300 bytes). */
void apps_files_from_request(struct req *r, const char *role, char *dir, size_t dirsz, struct app_files *files);
void apps_files_free(struct app_files *files);

/* The catalogue key of a field's label in messages ("legal_reason" -> "apps.field.legal_reason"), or the generic
 * one. */
const char *apps_field_label_key(const char *field);

/* The API's answer to a store result other than APP_OK: 422 naming field (message from error_key), 404, 403, 409,
 * 503, 500. */
void apps_api_error(struct req *r, int rc, const char *error_key, const char *field);

/* GET /api/v1/applications?<filters>&after=&limit=&format=: {"items":[...], "next"} (newest first; a directorate
 * user sees only its own); format=csv as the .csv route; a bad filter is 422 naming it. */
void h_api_applications(struct req *r);
/* GET /api/v1/applications.csv?<filters>: the filtered list as CSV (apps_send_csv). */
void h_api_applications_csv(struct req *r);
/* POST /api/v1/applications {the values of app_create} (channel "api" when absent; header Idempotency-Key becomes
 * idempotency_key): 201 with the application, 200 with the existing one for a repeated submission, 422 naming
 * the bad field. */
void h_api_application_create(struct req *r);
/* GET /api/v1/applications/{id}: the application (app_get) with "actions" (what the actor may do), route
 * "actions", and "history" (audit events, oldest first); 404 when absent or outside the actor's directorate. */
void h_api_application(struct req *r);
/* POST /api/v1/applications/{id}/transitions {"action", fields...}: 200 with the application in its new state;
 * 403, 404, 409 (not from this state), 422 (field named), 503. */
void h_api_application_transition(struct req *r);
/* POST /api/v1/applications/{id}/routes/{rid}/transitions {"action", fields...}: as above, for one route of the
 * application (a directorate user only its own). */
void h_api_application_route_transition(struct req *r);
/* POST /api/v1/applications/{id}/contacts {kind, via, at, spoke_with, summary}: logs a contact (a phone call);
 * 201 {"id"} with the application; 422 naming the field; 404. Office roles. */
void h_api_application_contact(struct req *r);
/* GET /api/v1/applications/{id}/events: the clock events, oldest first, {"items":[...]}; 404 as GET {id}. */
void h_api_application_events(struct req *r);

#endif
