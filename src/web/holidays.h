/* holidays.h: handlers of the official holidays pages and API, and the working-days calculator; the table is
 * routes.c. */
#ifndef KALEM_WEB_HOLIDAYS_H
#define KALEM_WEB_HOLIDAYS_H
#include "http/req.h"

void h_holidays(struct req *r);
void h_holiday_new(struct req *r);
void h_holiday_create(struct req *r);
void h_holiday_edit(struct req *r);
void h_holiday_update(struct req *r);
void h_holiday_delete(struct req *r);
void h_api_holidays(struct req *r);
void h_api_working_days(struct req *r);

#endif
