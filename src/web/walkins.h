/* walkins.h: the pages of walk-ins (workflow 2B): today's queue with the live "can the Mayor see them now?" answer,
 * the arrival form with the person search, one walk-in with its actions and history; and the pieces the JSON API
 * (api/walkins.c) shares with them. The table is routes.c. */
#ifndef KALEM_WEB_WALKINS_H
#define KALEM_WEB_WALKINS_H
#include <jansson.h>
#include "http/req.h"

/* Who may see walk-ins, and who may register and move them. Directorate staff have no access. */
#define WALKINS_READ (ROLES_OFFICE | ROLE_MAYOR | ROLE_VIEWER)
#define WALKINS_WRITE ROLES_OFFICE

/* GET /walk-ins?date=YYYY-MM-DD: a day's walk-ins (today by default); today's also carry the big answer and each
 * waiting person's estimated call-in time, with the actions as small forms. */
void h_walkins(struct req *r);
/* GET /walk-ins/new?q=&party_id=: the arrival form: a person search (name, phone or TCKN) whose results can be
 * chosen, and the fields of a new person. */
void h_walkin_new(struct req *r);
/* POST /walk-ins: registers the arrival and shows the queue; 422 with the errors beside the fields. */
void h_walkin_create(struct req *r);
/* GET /walk-ins/{id}: one walk-in, its actions and its history. */
void h_walkin(struct req *r);
/* POST /walk-ins/{id}/{action} (call_in, met, left, convert; form fields notes, preferred, back=detail): applies it
 * and redirects (convert: to the new appointment request); 403/404/409/422 as error pages. */
void h_walkin_action(struct req *r);

/* Checks the arrival fields of r (form or JSON) into values (OUT) and errors (OUT), as form_check; returns the
 * number of errors. */
int walkin_form_check(struct req *r, json_t *values /* OUT */, json_t *errors /* OUT */);
/* Adds to an availability object (store/walkins.h) "message" (why, in r's language), "next_message" (the next free
 * moment, or none today) and "call_message" (a newcomer's estimated call-in time). */
void walkin_describe(struct req *r, json_t *availability);
/* Adds "state_label" to a walk-in object. */
void walkin_label(struct req *r, json_t *walkin);

#endif
