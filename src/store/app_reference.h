/* app_reference.h: the reference data of workflow 3 kept by the office: categories of applications (the Open311
 * "services") with their default directorate, clocks, file-plan code and extra questions; the legal reasons an
 * application can be turned down or forwarded for; and the response templates staff answer from. Seeded from
 * data/app_categories.csv, data/legal_reasons.csv and data/response_templates.csv on first start; edited by
 * administrators and the head of the secretariat on /admin/categories, /admin/legal-reasons, /admin/templates.
 *
 * A category as JSON:
 *   {id, code (the Open311 service_code, [a-z0-9_-]{1,64}), name_tr, name_en, description_tr, description_en,
 *    group_tr, group_en, keywords, directorate_id (0 = none), directorate_name, office_warn_days, office_due_days,
 *    legal_clock ("none"|"petition_3071"|"info_4982"), legal_warn_percent, file_plan_code, active (bool),
 *    attributes: [{code, datatype ("string"|"number"|"datetime"|"text"|"singlevaluelist"|"multivaluelist"),
 *                  required (bool), order, description_tr, description_en, values: [{key, name_tr, name_en}]}],
 *    created_at, updated_at}
 * A legal reason as JSON:
 *   {id, code, article (e.g. "3071/6"), action ("reject"|"forward"), label_tr, label_en, active}
 * A response template as JSON:
 *   {id, category_id (0 = any), purpose ("rejected"|"forwarded"|"routed"|"info_needed"|"interim"|"answer"|
 *    "feedback"), title, body_tr, body_en, active}; bodies may hold {code}, {name}, {subject}, {directorate},
 *    {authority}, {reason}, {date} placeholders, filled by app_template_fill.
 */
#ifndef KALEM_STORE_APP_REFERENCE_H
#define KALEM_STORE_APP_REFERENCE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/clocks.h"
#include "store/db.h"
#include "util/buf.h"

#define APPREF_ERROR (-1)
#define APPREF_INVALID (-50) /* *field names the bad field */
#define APPREF_NOT_FOUND (-51)
#define APPREF_DUPLICATE (-52) /* the code exists */

/* Categories. */
json_t *app_category_get(struct db *db, int64_t id);
json_t *app_category_by_code(struct db *db, const char *code);
/* All categories ordered by group then name in Turkish order; only active ones when active_only. Never NULL. */
json_t *app_category_list(struct db *db, bool active_only);
/* The clock policy and default directorate of a category (defaults when id is 0 or absent). Returns 0, or -1. */
int app_category_policy(struct db *db, int64_t id, struct clock_policy *p /* OUT */,
			int64_t *directorate_id /* OUT, may be NULL */);
/* Creates (id 0) or updates a category from values (the JSON shape above, id ignored) inside the caller's write
 * transaction; audited "category.create" / "category.update". Returns the id, or APPREF_INVALID with *field,
 * APPREF_DUPLICATE, APPREF_NOT_FOUND, APPREF_ERROR. A changed clock policy moves the due dates of the category's
 * open applications (applications.h app_refresh_category) in the same transaction. */
int64_t app_category_save(struct db *db, const char *actor, int64_t id, const json_t *values,
			  const char **field /* OUT */);

/* Legal reasons. */
json_t *legal_reason_get(struct db *db, const char *code); /* or NULL */
json_t *legal_reason_list(struct db *db, bool active_only); /* never NULL */
int64_t legal_reason_save(struct db *db, const char *actor, int64_t id, const json_t *values,
			  const char **field /* OUT */);

/* Response templates for purpose, those of category_id first, then the general ones (category 0). Never NULL. */
json_t *response_template_list(struct db *db, const char *purpose, int64_t category_id, bool active_only);
json_t *response_template_get(struct db *db, int64_t id);
int64_t response_template_save(struct db *db, const char *actor, int64_t id, const json_t *values,
			       const char **field /* OUT */);
/* Appends body with its {placeholders} replaced from args (string or integer members; unknown ones left as they
 * are) to out. */
void app_template_fill(const char *body, const json_t *args, struct buf *out);

/* Gives each category that still has no default directorate (0) and whose code is in data/app_categories.csv the
 * directorate its seed row names (matched by folded name), inside the caller's write transaction; audited
 * "category.update" with before and after. For installations whose directorates were created after the seed (the
 * demo office: store/demo.h). Categories an administrator gave a directorate, rows naming none and names matching
 * no directorate are left as they are. Returns how many categories were changed, or -1. */
int app_category_resolve_directorates(struct db *db, const char *actor);

/* Loads the seed CSVs into empty tables (idempotent: nothing happens when a table has rows). Returns 0 or -1.
 * Called by setup (store/setup.h) the way the other reference data is loaded. */
int app_reference_seed(struct db *db);

#endif
