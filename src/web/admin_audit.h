/* admin_audit.h: handlers of the audit log page and its JSON API; the table is routes.c. */
#ifndef KALEM_WEB_ADMIN_AUDIT_H
#define KALEM_WEB_ADMIN_AUDIT_H
#include "http/req.h"

void h_admin_audit(struct req *r);
void h_api_audit(struct req *r);

#endif
