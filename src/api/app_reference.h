/* app_reference.h: the JSON API of the reference data of workflow 3: categories (read by staff and API keys, written
 * by admin and chief), legal reasons and response templates (read by staff). Shapes: store/app_reference.h. */
#ifndef KALEM_API_APP_REFERENCE_H
#define KALEM_API_APP_REFERENCE_H
#include "http/req.h"

/* GET /api/v1/categories[?active=1]: {"items":[category...]} in Turkish order of group, then name. */
void h_api_categories(struct req *r);
/* GET /api/v1/categories/{id}: the category, or 404. */
void h_api_category(struct req *r);
/* POST /api/v1/categories {code, name_tr, name_en, ..., attributes}: 201 with the category; 422 naming the field
 * (e.g. "attributes.datatype"), also for a code already taken (error.duplicate); nothing is saved on error. */
void h_api_category_create(struct req *r);
/* PUT /api/v1/categories/{id}: the members sent replace those of the category (members left out keep their
 * values); 200 with the category, 404, or 422 as for POST. */
void h_api_category_update(struct req *r);
/* GET /api/v1/legal-reasons[?active=1]: {"items":[reason...]} ordered by article. */
void h_api_legal_reasons(struct req *r);
/* GET /api/v1/response-templates?purpose=&category_id=&active=1: {"items":[template...]}; with category_id the
 * category's own templates first, then the general ones; without it every template. A purpose that is not one
 * of the list is 422 naming "purpose". */
void h_api_response_templates(struct req *r);

#endif
