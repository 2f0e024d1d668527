/* directorates.h: the directorate handlers added after handlers.h was frozen (the detail page); the rest of
 * directorates.c is declared in handlers.h. The table is routes.c. */
#ifndef KALEM_WEB_DIRECTORATES_H
#define KALEM_WEB_DIRECTORATES_H
#include "http/req.h"

/* GET /directorates/{id}: contact data and staff; directorate staff see only their own directorate (403). */
void h_directorate(struct req *r);

#endif
