/* app_reference.c: the JSON API of categories, legal reasons and response templates (see api/app_reference.h). */
#include <stdlib.h>
#include <string.h>
#include "api/app_reference.h"
#include "store/app_reference.h"
#include "store/db.h"
#include "web/app_reference.h"
#include "web/form.h"

static bool active_only(struct req *r)
{
	const char *a = params_get(&r->query, "active");
	return a && strcmp(a, "1") == 0;
}

void h_api_categories(struct req *r)
{
	resp_json(r, 200, json_pack("{s:o}", "items", app_category_list(r->db, active_only(r))));
}

void h_api_category(struct req *r)
{
	json_t *c = app_category_get(r->db, req_arg_id(r, 0));
	if (!c)
		resp_error(r, 404, "not_found", "error.not_found");
	else
		resp_json(r, 200, c);
}

/* Saves values as category id (0: a new one) in one transaction and answers. */
static void save(struct req *r, int64_t id, json_t *values)
{
	if (db_begin_write(r->db) != 0) {
		json_decref(values);
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	const char *field = NULL;
	int64_t rc = app_category_save(r->db, r->actor.username, id, values, &field);
	json_decref(values);
	if (rc > 0 && db_commit(r->db) == 0) {
		resp_json(r, id ? 200 : 201, app_category_get(r->db, rc));
		return;
	}
	db_rollback(r->db);
	if (rc == APPREF_INVALID || rc == APPREF_DUPLICATE) {
		json_t *errors = json_object();
		appref_store_error(r, errors, rc, field);
		form_fail(r, NULL, NULL, NULL, NULL, errors);
	} else if (rc == APPREF_NOT_FOUND) {
		resp_error(r, 404, "not_found", "error.not_found");
	} else {
		resp_error(r, 500, "internal", "error.internal");
	}
}

void h_api_category_create(struct req *r)
{
	if (!json_is_object(r->json)) {
		resp_error(r, 400, "bad_request", "error.bad_json");
		return;
	}
	save(r, 0, json_deep_copy(r->json));
}

void h_api_category_update(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *values = id ? app_category_get(r->db, id) : NULL;
	if (!values) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	if (!json_is_object(r->json)) {
		json_decref(values);
		resp_error(r, 400, "bad_request", "error.bad_json");
		return;
	}
	json_object_update(values, r->json);
	save(r, id, values);
}

void h_api_legal_reasons(struct req *r)
{
	resp_json(r, 200, json_pack("{s:o}", "items", legal_reason_list(r->db, active_only(r))));
}

void h_api_response_templates(struct req *r)
{
	static const char *const purposes[] = {"rejected", "forwarded", "routed", "info_needed", "interim", "answer",
					       "feedback", NULL};
	const char *purpose = params_get(&r->query, "purpose");
	const char *category = params_get(&r->query, "category_id");
	json_t *errors = json_object();
	bool known = !purpose || !*purpose;
	for (size_t i = 0; !known && purposes[i]; i++)
		known = strcmp(purpose, purposes[i]) == 0;
	if (!known)
		appref_store_error(r, errors, APPREF_INVALID, "purpose");
	int64_t category_id = -1;
	if (category && *category) {
		char *end;
		long long v = strtoll(category, &end, 10);
		if (*end || v < 0)
			appref_store_error(r, errors, APPREF_INVALID, "category_id");
		category_id = v;
	}
	if (json_object_size(errors) > 0) {
		form_fail(r, NULL, NULL, NULL, NULL, errors);
		return;
	}
	json_decref(errors);
	resp_json(r, 200, json_pack("{s:o}", "items",
				    response_template_list(r->db, purpose ? purpose : "", category_id, active_only(r))));
}
