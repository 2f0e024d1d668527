/* directorates.c: list, add and edit directorates (pages and JSON API). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/phone.h"
#include "store/db.h"
#include "store/directorates.h"
#include "web/directorates.h"
#include "web/form.h"
#include "web/handlers.h"
#include "web/page.h"

static const struct field directorate_fields[] = {
	{"code", F_TEXT, true, 20, NULL, "field.code", 0, 0},
	{"name", F_TEXT, true, 150, NULL, "field.name", 0, 0},
	{"email", F_EMAIL, false, 254, NULL, "field.email", 0, 0},
	{"phone", F_PHONE, false, 30, NULL, "field.phone", 0, 0},
	{"manager", F_TEXT, false, 150, NULL, "field.manager", 0, 0},
	{"active", F_BOOL, false, 0, NULL, "field.active", 0, 0},
};
#define N_FIELDS (sizeof directorate_fields / sizeof directorate_fields[0])

static int page_limit(struct req *r)
{
	const char *l = params_get(&r->query, "limit");
	int n = l ? atoi(l) : 50;
	return n < 1 ? 50 : n > 200 ? 200 : n;
}

void h_directorates(struct req *r)
{
	const char *q = params_get(&r->query, "q");
	const char *after = params_get(&r->query, "after");
	json_t *ctx = directorate_list(r->db, q ? q : "", false, after, page_limit(r));
	json_object_set_new(ctx, "q", json_string(q ? q : ""));
	json_object_set_new(ctx, "can_edit_directorates", json_boolean(r->actor.role & (ROLE_ADMIN | ROLE_CHIEF)));
	page_next_href(r, ctx, "/directorates");
	page_render(r, 200, "directorates", "directorates.title", ctx);
}

void h_directorate(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *d = NULL;
	switch (directorate_get_scoped(r->db, id, r->actor.role, r->actor.directorate_id, &d)) {
	case DIRECTORATE_FOUND:
		break;
	case DIRECTORATE_FORBIDDEN:
		resp_error(r, 403, "forbidden", "error.forbidden");
		return;
	case DIRECTORATE_ABSENT:
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	case DIRECTORATE_ERROR:
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	char phone[24];
	phone_format(json_string_value(json_object_get(d, "phone")), phone);
	json_object_set_new(d, "phone_display", json_string(phone));
	json_t *staff = directorate_staff(r->db, id, r->actor.role, r->actor.directorate_id);
	page_render(r, 200, "directorate", "directorates.detail",
		    json_pack("{s:o,s:o,s:b}", "d", d, "staff", staff, "can_edit_directorates",
			      (r->actor.role & (ROLE_ADMIN | ROLE_CHIEF)) != 0));
}

void h_directorate_new(struct req *r)
{
	page_render(r, 200, "directorate_form", "directorates.new",
		    json_pack("{s:s,s:{s:b}}", "action", "/directorates", "values", "active", 1));
}

/* Validates, saves, and answers: redirect or JSON for success, 422 with field errors, 409 on a duplicate code. */
static void save(struct req *r, int64_t id)
{
	json_t *values = json_object(), *errors = json_object();
	char action[64];
	snprintf(action, sizeof action, id ? "/directorates/%lld" : "/directorates", (long long)id);
	if (form_check(r, directorate_fields, N_FIELDS, values, errors)) {
		form_fail(r, "directorate_form", id ? "directorates.edit" : "directorates.new",
			  json_pack("{s:s}", "action", action), values, errors);
		return;
	}
	if (r->is_api && !form_raw(r, "active"))
		json_object_set_new(values, "active", json_true());
	if (db_begin_write(r->db) != 0) {
		json_decref(values);
		json_decref(errors);
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	int64_t rid = directorate_save(r->db, r->actor.username, id, values);
	if (rid > 0 && db_commit(r->db) == 0) {
		json_decref(values);
		json_decref(errors);
		if (r->is_api) {
			resp_json(r, id ? 200 : 201, directorate_get(r->db, rid));
		} else {
			page_flash(r, "flash.saved");
			resp_redirect(r, "/directorates");
		}
		return;
	}
	db_rollback(r->db);
	if (rid == DB_CONSTRAINT) {
		form_error(r, errors, &directorate_fields[0], "error.duplicate");
		form_fail(r, "directorate_form", id ? "directorates.edit" : "directorates.new",
			  json_pack("{s:s}", "action", action), values, errors);
		return;
	}
	json_decref(values);
	json_decref(errors);
	if (id && rid == -1 && !directorate_get(r->db, id))
		resp_error(r, 404, "not_found", "error.not_found");
	else
		resp_error(r, 500, "internal", "error.internal");
}

void h_directorate_create(struct req *r)
{
	save(r, 0);
}

void h_directorate_edit(struct req *r)
{
	json_t *d = directorate_get(r->db, req_arg_id(r, 0));
	if (!d) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	char action[64];
	snprintf(action, sizeof action, "/directorates/%lld", (long long)json_integer_value(json_object_get(d, "id")));
	page_render(r, 200, "directorate_form", "directorates.edit",
		    json_pack("{s:s,s:o,s:b}", "action", action, "values", d, "editing", 1));
}

void h_directorate_update(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *d = id ? directorate_get(r->db, id) : NULL;
	if (!d) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	json_decref(d);
	save(r, id);
}

void h_api_directorates(struct req *r)
{
	const char *q = params_get(&r->query, "q");
	const char *active = params_get(&r->query, "active");
	resp_json(r, 200,
		  directorate_list(r->db, q ? q : "", active && strcmp(active, "1") == 0,
				   params_get(&r->query, "after"), page_limit(r)));
}

void h_api_directorate(struct req *r)
{
	json_t *d = directorate_get(r->db, req_arg_id(r, 0));
	if (!d)
		resp_error(r, 404, "not_found", "error.not_found");
	else
		resp_json(r, 200, d);
}

void h_api_directorate_create(struct req *r)
{
	save(r, 0);
}

void h_api_directorate_update(struct req *r)
{
	h_directorate_update(r);
}
