/* admin_users.h: handlers of the user administration pages; the table is routes.c. */
#ifndef KALEM_WEB_ADMIN_USERS_H
#define KALEM_WEB_ADMIN_USERS_H
#include "http/req.h"

void h_admin_users(struct req *r);
void h_admin_user_new(struct req *r);
void h_admin_user_create(struct req *r);
void h_admin_user_edit(struct req *r);
void h_admin_user_update(struct req *r);
void h_admin_user_disable(struct req *r);
void h_admin_user_enable(struct req *r);
void h_admin_user_password(struct req *r);

#endif
