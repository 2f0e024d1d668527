/* app_inbox.h: the directorate inbox of applications (its open routes, due first, with the clock labels) and the
 * application widgets of the home page by role (due today or overdue, returned routes, answered without feedback,
 * a directorate's inbox, the chief's clocks summary per directorate). */
#ifndef KALEM_WEB_APP_INBOX_H
#define KALEM_WEB_APP_INBOX_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "http/req.h"

/* Who may open /inbox: directorate staff (their own) and the office (any directorate, chosen with ?d=). */
#define INBOX_ROLES (ROLE_DIRECTORATE | ROLES_OFFICE)

/* GET /inbox?d=&after=&limit=: the open routes (pending, accepted, planned, information asked) of one directorate, due
 * first, each with its clock label in words ("2 gün kaldı", "1 gün gecikti" red), category, neighbourhood,
 * subject, received date and a link to /applications/{id}; keyset pages of 50 (limit: 1..200). A directorate user always sees
 * its own directorate (?d= is ignored; the SQL filters on it); office roles pick one with ?d=ID (none chosen:
 * only the choice). */
void h_inbox(struct req *r);

/* The label in words of a deadline due at now, in r's language, into out (OUT), and its tag class ("tag error"
 * when overdue, "tag warn" when due today or tomorrow, "tag ok" otherwise) into *cls (OUT, static text). Days
 * are Turkish calendar days (UTC+3). */
void inbox_due_label(struct req *r, int64_t due, int64_t now, char *out, size_t outsz, const char **cls);

/* Adds the application widgets for r's role to the home page context ctx: "apps_office" {overdue, due_today,
 * items [{id, code, subject, label, cls}], returned, returned_items, answered} for office roles; "apps_inbox"
 * {open, overdue} for a directorate user; "apps_clocks" [{name, id, open, warning, overdue}] with a total row
 * "apps_clocks_total" for the chief and admin. Nothing on a database error (logged). */
void app_home_widgets(struct req *r, json_t *ctx);

#endif
