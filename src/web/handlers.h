/* handlers.h: every route handler, grouped by the file that implements it. The table is routes.c. */
#ifndef KALEM_WEB_HANDLERS_H
#define KALEM_WEB_HANDLERS_H
#include "http/req.h"

/* system.c */
void h_healthz(struct req *r);
void h_metrics(struct req *r);
void h_static(struct req *r);

/* auth_pages.c */
void h_login_form(struct req *r);
void h_login(struct req *r);
void h_logout(struct req *r);
void h_password_form(struct req *r);
void h_password(struct req *r);
void h_api_session_create(struct req *r);
void h_api_session_delete(struct req *r);
void h_api_me(struct req *r);

/* home.c */
void h_home(struct req *r);

/* directorates.c */
void h_directorates(struct req *r);
void h_directorate_new(struct req *r);
void h_directorate_create(struct req *r);
void h_directorate_edit(struct req *r);
void h_directorate_update(struct req *r);
void h_api_directorates(struct req *r);
void h_api_directorate(struct req *r);
void h_api_directorate_create(struct req *r);
void h_api_directorate_update(struct req *r);

#endif
