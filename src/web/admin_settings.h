/* admin_settings.h: handlers of the administrator's settings page; the table is routes.c. */
#ifndef KALEM_WEB_ADMIN_SETTINGS_H
#define KALEM_WEB_ADMIN_SETTINGS_H
#include "http/req.h"

void h_admin_settings(struct req *r);
void h_admin_settings_save(struct req *r);

#endif
