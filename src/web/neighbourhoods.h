/* neighbourhoods.h: handlers of the neighbourhood (mahalle) pages and JSON API; the table is routes.c. */
#ifndef KALEM_WEB_NEIGHBOURHOODS_H
#define KALEM_WEB_NEIGHBOURHOODS_H
#include "http/req.h"

void h_neighbourhoods(struct req *r);
void h_neighbourhood_new(struct req *r);
void h_neighbourhood_create(struct req *r);
void h_neighbourhood(struct req *r);
void h_neighbourhood_edit(struct req *r);
void h_neighbourhood_update(struct req *r);
void h_api_neighbourhoods(struct req *r);
void h_api_neighbourhood(struct req *r);
void h_api_neighbourhood_create(struct req *r);
void h_api_neighbourhood_update(struct req *r);

#endif
