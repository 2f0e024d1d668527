/* agenda.h: handlers of the Mayor's programme (ajanda): the daily programme, the week grid, the Mayor's phone view,
 * engagements, the working plan and its exceptions, the iCalendar feeds, and the slots and agenda JSON API. The
 * table is routes.c. */
#ifndef KALEM_WEB_AGENDA_H
#define KALEM_WEB_AGENDA_H
#include <jansson.h>
#include "http/req.h"

/* Who may see the programme; who may enter and change engagements; who runs the plan, the settings and the feeds.
 * Directorate staff have no access. */
#define AGENDA_READ (ROLE_ADMIN | ROLE_CHIEF | ROLE_SECRETARIAT | ROLE_MAYOR | ROLE_VIEWER)
#define AGENDA_WRITE (ROLE_CHIEF | ROLE_SECRETARIAT | ROLE_MAYOR)
#define AGENDA_MANAGE (ROLE_ADMIN | ROLE_CHIEF)
/* Who sees a private item's details; the other readers (administrators, viewers, API keys) see it as busy time. */
#define AGENDA_PRIVATE_READ (ROLE_CHIEF | ROLE_SECRETARIAT | ROLE_MAYOR)

void h_agenda_today(struct req *r);             /* GET /agenda: today's printable programme */
void h_agenda_day(struct req *r);               /* GET /agenda/day?date=YYYY-MM-DD */
void h_agenda_week(struct req *r);              /* GET /agenda/week?date=: the week (Monday to Sunday) as a grid */
void h_agenda_mobile(struct req *r);            /* GET /agenda/mobile: today and tomorrow, large text */
void h_agenda_item(struct req *r);              /* GET /agenda/items/{id}: one item and its history */
void h_engagement_new(struct req *r);           /* GET /agenda/engagements/new?date=&time= */
void h_engagement_create(struct req *r);        /* POST /agenda/engagements */
void h_engagement_edit(struct req *r);          /* GET /agenda/engagements/{id}/edit */
void h_engagement_update(struct req *r);        /* POST /agenda/engagements/{id} */
void h_engagement_cancel(struct req *r);        /* POST /agenda/engagements/{id}/cancel (confirm=1) */
void h_agenda_plan(struct req *r);              /* GET /agenda/plan: working plan, settings, exceptions */
void h_agenda_plan_add(struct req *r);          /* POST /agenda/plan/periods */
void h_agenda_plan_delete(struct req *r);       /* POST /agenda/plan/periods/{id}/delete */
void h_agenda_settings_save(struct req *r);     /* POST /agenda/plan/settings */
void h_agenda_exception_save(struct req *r);    /* POST /agenda/exceptions */
void h_agenda_exception_delete(struct req *r);  /* POST /agenda/exceptions/{id}/delete */
void h_agenda_feeds(struct req *r);             /* GET /agenda/feeds */
void h_agenda_feed_create(struct req *r);       /* POST /agenda/feeds: 201, the secret URL shown once */
void h_agenda_feed_revoke(struct req *r);       /* POST /agenda/feeds/{id}/revoke */
void h_ical_feed(struct req *r);                /* GET /ical/{token}.ics: public; unknown or revoked -> 404 */

void h_api_slots(struct req *r);                /* GET /api/v1/slots?date=&duration=[&kind=][&prefer=] */
void h_api_agenda(struct req *r);               /* GET /api/v1/agenda?from=&to=[&cancelled=1] */
void h_api_engagement(struct req *r);           /* GET /api/v1/engagements/{id} */
void h_api_engagement_create(struct req *r);    /* POST /api/v1/engagements: 201, 409 on a conflict */
void h_api_engagement_update(struct req *r);    /* PUT /api/v1/engagements/{id} */
void h_api_engagement_cancel(struct req *r);    /* DELETE /api/v1/engagements/{id}: cancelled, 200 */

/* For the appointment pages: conflicts (as from agenda_book) as a JSON array of {type, hard, text} with text a
 * sentence in r's language naming the item, break or rule; private items named as busy time for readers who
 * may not see them. Never NULL. */
json_t *agenda_conflicts_view(struct req *r, const json_t *conflicts);
/* For the appointment pages and the JSON API: masks a private item's title, location and notes in place when r's
 * actor may not see them (see AGENDA_PRIVATE_READ); returns item. */
json_t *agenda_item_mask(struct req *r, json_t *item);
/* Today's items (not cancelled) as the pages show them, masked for the actor: for the home page. */
json_t *agenda_today_items(struct req *r);

#endif
