/* app_reference.h: the administration pages of the reference data of workflow 3: categories (with their clocks,
 * default directorate and extra questions), legal reasons and response templates. Lists are open to the office
 * (admin, chief, secretariat); new and edit to admin and chief. The table is routes.c. */
#ifndef KALEM_WEB_APP_REFERENCE_H
#define KALEM_WEB_APP_REFERENCE_H
#include <jansson.h>
#include <stdint.h>
#include "http/req.h"

/* Who may read and who may edit the reference data (the routes use these). */
#define APPREF_READ (ROLE_ADMIN | ROLE_CHIEF | ROLE_SECRETARIAT)
#define APPREF_WRITE (ROLE_ADMIN | ROLE_CHIEF)

/* GET /admin/categories, /admin/categories/new, /admin/categories/{id}/edit; POST /admin/categories (create),
 * /admin/categories/{id} (update): redirect to the list with a flash, or 422 with errors beside the fields. */
void h_admin_categories(struct req *r);
void h_admin_category_new(struct req *r);
void h_admin_category_create(struct req *r);
void h_admin_category_edit(struct req *r);
void h_admin_category_update(struct req *r);
/* The same for /admin/legal-reasons and /admin/templates. */
void h_admin_legal_reasons(struct req *r);
void h_admin_legal_reason_new(struct req *r);
void h_admin_legal_reason_create(struct req *r);
void h_admin_legal_reason_edit(struct req *r);
void h_admin_legal_reason_update(struct req *r);
void h_admin_templates(struct req *r);
void h_admin_template_new(struct req *r);
void h_admin_template_create(struct req *r);
void h_admin_template_edit(struct req *r);
void h_admin_template_update(struct req *r);

/* Adds to errors (field -> message in r's language) what a store save returned: rc APPREF_INVALID or
 * APPREF_DUPLICATE with the store's field name ("code", "attributes.datatype", ...). For the API the error is
 * keyed by the store's field; for pages by the form field it belongs to ("attributes" for "attributes.*"). */
void appref_store_error(struct req *r, json_t *errors, int64_t rc, const char *field);

/* The attributes of a category as the form's text: one attribute a line,
 *   code | datatype | required (evet/hayır) | question in Turkish | question in English | key=Türkçe=English; ...
 * and back. appref_attributes_parse returns the JSON array (the store checks the rest), or NULL with *bad_line
 * (OUT) set to the 1-based line that does not have the shape. */
char *appref_attributes_text(const json_t *attributes);
json_t *appref_attributes_parse(const char *text, int *bad_line /* OUT */);

#endif
