/* admin_users.c: staff accounts for administrators: list, add, edit, disable and enable, set a password. */
#include <stdio.h>
#include <string.h>
#include "core/password.h"
#include "store/accounts.h"
#include "store/db.h"
#include "store/directorates.h"
#include "util/i18n.h"
#include "web/admin_users.h"
#include "web/form.h"
#include "web/page.h"

/* Roles a person can hold (integration is for API keys only). */
static const char *const role_choices[] = {"admin", "chief", "secretariat", "mayor", "directorate", "viewer", NULL};

static const struct field new_user_fields[] = {
	{"username", F_TEXT, true, 63, NULL, "users.username", 0, 0},
	{"display_name", F_TEXT, true, 100, NULL, "users.display_name", 0, 0},
	{"email", F_EMAIL, false, 254, NULL, "field.email", 0, 0},
	{"role", F_ENUM, true, 0, role_choices, "users.role", 0, 0},
	{"directorate_id", F_ID, false, 0, NULL, "users.directorate", 0, 0},
	{"password", F_TEXT, true, 256, NULL, "users.initial_password", 0, 0},
};
#define N_NEW (sizeof new_user_fields / sizeof new_user_fields[0])
/* Editing takes the same fields without the username and the password. */
static const struct field *const edit_user_fields = &new_user_fields[1];
#define N_EDIT 4
#define FIELD_USERNAME (&new_user_fields[0])
#define FIELD_ROLE (&new_user_fields[3])
#define FIELD_DIRECTORATE (&new_user_fields[4])
#define FIELD_PASSWORD (&new_user_fields[5])

static const struct field password_field = {"new_password", F_TEXT, true, 256, NULL, "users.temporary_password", 0, 0};

#define ALL_DIRECTORATES 10000

static bool username_valid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* Directorates for the select box: the active ones, plus the selected one even if it was made inactive. */
static json_t *directorate_options(struct db *db, int64_t selected)
{
	json_t *all = directorate_list(db, "", false, NULL, ALL_DIRECTORATES), *options = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(all, "items"), i, d)
	{
		int64_t id = json_integer_value(json_object_get(d, "id"));
		bool active = json_is_true(json_object_get(d, "active"));
		if (!active && id != selected)
			continue;
		json_array_append_new(options, json_pack("{s:I,s:O,s:b}", "id", (json_int_t)id, "name",
							  json_object_get(d, "name"), "selected", id == selected));
	}
	json_decref(all);
	return options;
}

static json_t *role_options(struct req *r, const char *selected)
{
	json_t *options = json_array();
	for (const char *const *c = role_choices; *c; c++)
		json_array_append_new(options, json_pack("{s:s,s:s,s:b}", "value", *c, "label",
							  i18n_get(r->lang, role_label_key(role_from_name(*c))),
							  "selected", selected && strcmp(selected, *c) == 0));
	return options;
}

static int64_t selected_directorate(const json_t *values)
{
	json_t *v = json_object_get(values, "directorate_id");
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* The form page (new, or edit with its account actions). Steals values and errors (errors may be NULL). */
static void render_form(struct req *r, unsigned status, int64_t id, json_t *values, json_t *errors)
{
	const char *role = json_string_value(json_object_get(values, "role"));
	json_t *ctx = json_pack("{s:o,s:o}", "roles", role_options(r, role), "directorates",
				directorate_options(r->db, selected_directorate(values)));
	if (id) {
		char action[64];
		snprintf(action, sizeof action, "/admin/users/%lld", (long long)id);
		json_object_set_new(ctx, "action", json_string(action));
		json_object_set_new(ctx, "editing", json_true());
		json_object_set_new(ctx, "id", json_integer(id));
		json_object_set_new(ctx, "is_self", json_boolean(id == r->actor.user_id));
		struct user_row u;
		if (user_by_id(r->db, id, &u) == 1) {
			json_object_set_new(ctx, "account", user_to_json(&u));
		}
	} else {
		json_object_set_new(ctx, "action", json_string("/admin/users"));
	}
	/* Passwords are never echoed back. */
	json_object_del(values, "password");
	json_object_del(values, "new_password");
	const char *title = id ? "users.edit" : "users.new";
	if (errors) {
		form_fail(r, "admin_user_form", title, ctx, values, errors);
		return;
	}
	json_object_set_new(ctx, "values", values);
	page_render(r, status, "admin_user_form", title, ctx);
}

void h_admin_users(struct req *r)
{
	json_t *users = user_list(r->db);
	json_t *dirs = directorate_list(r->db, "", false, NULL, ALL_DIRECTORATES);
	size_t i, j;
	json_t *u, *d;
	json_array_foreach(users, i, u)
	{
		const char *role = json_string_value(json_object_get(u, "role"));
		json_object_set_new(u, "role_label", json_string(i18n_get(r->lang, role_label_key(role_from_name(role)))));
		json_object_set_new(u, "is_self",
				    json_boolean(json_integer_value(json_object_get(u, "id")) == r->actor.user_id));
		json_t *did = json_object_get(u, "directorate_id");
		if (!json_is_integer(did))
			continue;
		json_array_foreach(json_object_get(dirs, "items"), j, d)
		{
			if (json_integer_value(json_object_get(d, "id")) == json_integer_value(did)) {
				json_object_set(u, "directorate_name", json_object_get(d, "name"));
				break;
			}
		}
	}
	json_decref(dirs);
	page_render(r, 200, "admin_users", "users.title", json_pack("{s:o}", "items", users));
}

void h_admin_user_new(struct req *r)
{
	render_form(r, 200, 0, json_pack("{s:s}", "role", "secretariat"), NULL);
}

/* Role and directorate go together: the directorate is required for, and kept only with, the directorate role.
 * allowed_inactive: a directorate id accepted even if inactive (the one the user already has). */
static void check_directorate(struct req *r, json_t *values, json_t *errors, int64_t allowed_inactive)
{
	const char *role = json_string_value(json_object_get(values, "role"));
	int64_t did = selected_directorate(values);
	if (!role || strcmp(role, "directorate") != 0) {
		json_object_set_new(values, "directorate_id", json_null());
		return;
	}
	if (!did) {
		form_error(r, errors, FIELD_DIRECTORATE, "users.error.directorate_required");
		return;
	}
	json_t *d = directorate_get(r->db, did);
	if (!d || (!json_is_true(json_object_get(d, "active")) && did != allowed_inactive))
		form_error(r, errors, FIELD_DIRECTORATE, "error.choice");
	json_decref(d);
}

void h_admin_user_create(struct req *r)
{
	json_t *values = json_object(), *errors = json_object();
	form_check(r, new_user_fields, N_NEW, values, errors);
	const char *username = json_string_value(json_object_get(values, "username"));
	if (username && *username && !username_valid(username))
		form_error(r, errors, FIELD_USERNAME, "users.error.username");
	check_directorate(r, values, errors, 0);
	const char *pw = form_raw(r, "password");
	const char *policy = pw && *pw ? password_policy_error(pw, username) : NULL;
	if (policy)
		form_error(r, errors, FIELD_PASSWORD, policy);
	if (json_object_size(errors)) {
		render_form(r, 422, 0, values, errors);
		return;
	}
	char hash[PASSWORD_HASH_BYTES];
	if (password_hash(pw, hash) != 0) {
		json_decref(values);
		json_decref(errors);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	if (db_begin_write(r->db) != 0) {
		json_decref(values);
		json_decref(errors);
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	int64_t id = user_insert(r->db, r->actor.username, username,
				 json_string_value(json_object_get(values, "display_name")),
				 json_string_value(json_object_get(values, "email")),
				 json_string_value(json_object_get(values, "role")), selected_directorate(values), hash);
	if (id > 0 && db_commit(r->db) == 0) {
		json_decref(values);
		json_decref(errors);
		page_flash(r, "users.created");
		resp_redirect(r, "/admin/users");
		return;
	}
	db_rollback(r->db);
	if (id == DB_CONSTRAINT) {
		form_error(r, errors, FIELD_USERNAME, "error.duplicate");
		render_form(r, 422, 0, values, errors);
		return;
	}
	json_decref(values);
	json_decref(errors);
	resp_error(r, 500, "internal", "error.internal");
}

/* Loads the user of the path, or answers 404 and returns false. */
static bool load_user(struct req *r, struct user_row *u)
{
	int64_t id = req_arg_id(r, 0);
	if (id && user_by_id(r->db, id, u) == 1)
		return true;
	resp_error(r, 404, "not_found", "error.not_found");
	return false;
}

void h_admin_user_edit(struct req *r)
{
	struct user_row u;
	if (!load_user(r, &u))
		return;
	render_form(r, 200, u.id, user_to_json(&u), NULL);
}

void h_admin_user_update(struct req *r)
{
	struct user_row u;
	if (!load_user(r, &u))
		return;
	json_t *values = json_object(), *errors = json_object();
	form_check(r, edit_user_fields, N_EDIT, values, errors);
	check_directorate(r, values, errors, u.directorate_id);
	const char *role = json_string_value(json_object_get(values, "role"));
	/* An administrator who demoted themself could lock everyone out of administration. */
	if (u.id == r->actor.user_id && role && *role && strcmp(role, "admin") != 0)
		form_error(r, errors, FIELD_ROLE, "users.error.self_role");
	if (json_object_size(errors)) {
		render_form(r, 422, u.id, values, errors);
		return;
	}
	if (db_begin_write(r->db) != 0) {
		json_decref(values);
		json_decref(errors);
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	int rc = user_update(r->db, r->actor.username, u.id, json_string_value(json_object_get(values, "display_name")),
			     json_string_value(json_object_get(values, "email")), role, selected_directorate(values));
	json_decref(values);
	json_decref(errors);
	if (rc != 0 || db_commit(r->db) != 0) {
		db_rollback(r->db);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	page_flash(r, "flash.saved");
	resp_redirect(r, "/admin/users");
}

static void set_active(struct req *r, bool active)
{
	struct user_row u;
	if (!load_user(r, &u))
		return;
	if (!active && u.id == r->actor.user_id) {
		resp_error(r, 403, "forbidden", "users.error.self_disable");
		return;
	}
	if (u.active != active) {
		if (db_begin_write(r->db) != 0) {
			resp_error(r, 503, "unavailable", "error.unavailable");
			return;
		}
		if (user_set_active(r->db, r->actor.username, u.id, active) != 0 || db_commit(r->db) != 0) {
			db_rollback(r->db);
			resp_error(r, 500, "internal", "error.internal");
			return;
		}
	}
	page_flash(r, active ? "users.enabled" : "users.disabled");
	resp_redirect(r, "/admin/users");
}

void h_admin_user_disable(struct req *r)
{
	set_active(r, false);
}

void h_admin_user_enable(struct req *r)
{
	set_active(r, true);
}

void h_admin_user_password(struct req *r)
{
	struct user_row u;
	if (!load_user(r, &u))
		return;
	json_t *errors = json_object();
	const char *pw = form_raw(r, "new_password");
	const char *policy = pw && *pw ? password_policy_error(pw, u.username) : "error.required";
	if (policy) {
		form_error(r, errors, &password_field, policy);
		render_form(r, 422, u.id, user_to_json(&u), errors);
		return;
	}
	json_decref(errors);
	char hash[PASSWORD_HASH_BYTES];
	if (password_hash(pw, hash) != 0) {
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	if (db_begin_write(r->db) != 0) {
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	if (user_set_password(r->db, r->actor.username, u.id, hash) != 0 || db_commit(r->db) != 0) {
		db_rollback(r->db);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	page_flash(r, "users.password_set");
	if (u.id == r->actor.user_id) {
		/* Setting one's own password ends one's own sessions too. */
		resp_redirect(r, "/login");
		return;
	}
	resp_redirect(r, "/admin/users");
}
