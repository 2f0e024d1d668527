/* csv_pages.h: handlers of the CSV downloads of the reference lists and of the CSV import page; the table is
 * routes.c. Every download is audited as an "export" event (store/csvio.h). */
#ifndef KALEM_WEB_CSV_PAGES_H
#define KALEM_WEB_CSV_PAGES_H
#include "http/req.h"

/* Who may download the people and institutions, and who may have their TCKNs in full (?tckn=full). */
#define CSV_PARTIES_EXPORT (ROLE_ADMIN | ROLE_CHIEF | ROLE_SECRETARIAT)
#define CSV_FULL_TCKN (ROLE_ADMIN | ROLE_CHIEF)
/* Who may import. */
#define CSV_IMPORT (ROLE_ADMIN | ROLE_CHIEF)

void h_directorates_csv(struct req *r);   /* GET /directorates.csv */
void h_neighbourhoods_csv(struct req *r); /* GET /neighbourhoods.csv */
void h_parties_csv(struct req *r);        /* GET /parties.csv[?tckn=full] */
void h_admin_import_form(struct req *r);  /* GET /admin/import[?kind=&rows=&inserted=&updated=&unchanged=] */
void h_admin_import(struct req *r);       /* POST /admin/import (multipart: kind, file) */

#endif
