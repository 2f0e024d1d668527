/* parties.h: handlers of the people and institutions (başvuru sahipleri) pages and JSON API; the table is routes.c.
 * Opening a full record (page, edit form, API) is logged with record_view_log before it is shown. */
#ifndef KALEM_WEB_PARTIES_H
#define KALEM_WEB_PARTIES_H
#include "http/req.h"

/* Who may read the register, and who may change it. Directorate staff have no access. */
#define PARTIES_READ (ROLE_ADMIN | ROLE_CHIEF | ROLE_SECRETARIAT | ROLE_MAYOR | ROLE_VIEWER)
#define PARTIES_WRITE (ROLE_ADMIN | ROLE_CHIEF | ROLE_SECRETARIAT)

void h_parties(struct req *r);           /* GET /parties: list, search, filters */
void h_party_new(struct req *r);         /* GET /parties/new */
void h_party_create(struct req *r);      /* POST /parties */
void h_party(struct req *r);             /* GET /parties/{id}: the full record (logged) and its history */
void h_party_edit(struct req *r);        /* GET /parties/{id}/edit (logged) */
void h_party_update(struct req *r);      /* POST /parties/{id} */
void h_api_parties(struct req *r);       /* GET /api/v1/parties */
void h_api_party(struct req *r);         /* GET /api/v1/parties/{id} (logged) */
void h_api_party_create(struct req *r);  /* POST /api/v1/parties: 201 */
void h_api_party_update(struct req *r);  /* PUT /api/v1/parties/{id} */

#endif
