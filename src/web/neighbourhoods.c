/* neighbourhoods.c: list, view, add and edit neighbourhoods and their muhtars (pages and JSON API). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/phone.h"
#include "store/db.h"
#include "store/neighbourhoods.h"
#include "util/buf.h"
#include "web/form.h"
#include "web/neighbourhoods.h"
#include "web/page.h"

/* The location is typed in decimal degrees (lat, lon) and stored in millionths (lat_e6, lon_e6). */
static const struct field neighbourhood_fields[] = {
	{"name", F_TEXT, true, 100, NULL, "field.name", 0, 0},
	{"muhtar_name", F_TEXT, false, 150, NULL, "neighbourhoods.muhtar_name", 0, 0},
	{"muhtar_phone", F_PHONE, false, 30, NULL, "neighbourhoods.muhtar_phone", 0, 0},
	{"muhtar_email", F_EMAIL, false, 254, NULL, "neighbourhoods.muhtar_email", 0, 0},
	{"population", F_INT, false, 0, NULL, "neighbourhoods.population", 0, 10000000},
	{"lat", F_DECIMAL6, false, 0, NULL, "neighbourhoods.latitude", 0, 0},
	{"lon", F_DECIMAL6, false, 0, NULL, "neighbourhoods.longitude", 0, 0},
	{"active", F_BOOL, false, 0, NULL, "field.active", 0, 0},
};
#define N_FIELDS (sizeof neighbourhood_fields / sizeof neighbourhood_fields[0])
#define FIELD_LAT (&neighbourhood_fields[5])
#define FIELD_LON (&neighbourhood_fields[6])

static int page_limit(struct req *r)
{
	const char *l = params_get(&r->query, "limit");
	int n = l ? atoi(l) : 50;
	return n < 1 ? 50 : n > 200 ? 200 : n;
}

/* "37874600" -> "37.874600"; "-500" -> "-0.000500". */
static void format_e6(int64_t v, char *out, size_t outsz)
{
	unsigned long long a = v < 0 ? (unsigned long long)-v : (unsigned long long)v;
	snprintf(out, outsz, "%s%llu.%06llu", v < 0 ? "-" : "", a / 1000000, a % 1000000);
}

/* 12345 -> "12.345" (Turkish) or "12,345" (English). */
static void format_count(struct req *r, int64_t v, char *out, size_t outsz)
{
	char digits[32], sep = r->lang == LANG_TR ? '.' : ',';
	snprintf(digits, sizeof digits, "%lld", (long long)v);
	size_t n = strlen(digits), o = 0;
	for (size_t i = 0; i < n && o + 2 < outsz; i++) {
		if (i > 0 && digits[i - 1] != '-' && (n - i) % 3 == 0)
			out[o++] = sep;
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

/* Adds the text forms the pages and API clients use: lat/lon in decimal degrees, and for pages the formatted
 * phone, population and an OpenStreetMap link. */
static json_t *decorate(struct req *r, json_t *n)
{
	json_t *lat = json_object_get(n, "lat_e6"), *lon = json_object_get(n, "lon_e6");
	char a[32], b[32];
	if (json_is_integer(lat) && json_is_integer(lon)) {
		format_e6(json_integer_value(lat), a, sizeof a);
		format_e6(json_integer_value(lon), b, sizeof b);
		json_object_set_new(n, "lat", json_string(a));
		json_object_set_new(n, "lon", json_string(b));
		if (!r->is_api) {
			char url[256];
			snprintf(url, sizeof url, "https://www.openstreetmap.org/?mlat=%s&mlon=%s#map=16/%s/%s", a, b, a,
				 b);
			json_object_set_new(n, "osm_url", json_string(url));
		}
	} else {
		json_object_set_new(n, "lat", json_null());
		json_object_set_new(n, "lon", json_null());
	}
	if (!r->is_api) {
		char phone[24], pop[32];
		phone_format(json_string_value(json_object_get(n, "muhtar_phone")), phone);
		json_object_set_new(n, "muhtar_phone_display", json_string(phone));
		json_t *p = json_object_get(n, "population");
		if (json_is_integer(p)) {
			format_count(r, json_integer_value(p), pop, sizeof pop);
			json_object_set_new(n, "population_display", json_string(pop));
		}
	}
	return n;
}

static json_t *list_decorated(struct req *r, json_t *list)
{
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(list, "items"), i, item)
	{
		decorate(r, item);
	}
	return list;
}

void h_neighbourhoods(struct req *r)
{
	const char *q = params_get(&r->query, "q");
	const char *after = params_get(&r->query, "after");
	json_t *ctx = list_decorated(r, neighbourhood_list(r->db, q ? q : "", false, after, page_limit(r)));
	json_object_set_new(ctx, "q", json_string(q ? q : ""));
	page_next_href(r, ctx, "/neighbourhoods");
	page_render(r, 200, "neighbourhoods", "neighbourhoods.title", ctx);
}

void h_neighbourhood_new(struct req *r)
{
	page_render(r, 200, "neighbourhood_form", "neighbourhoods.new",
		    json_pack("{s:s,s:s,s:{s:b}}", "action", "/neighbourhoods", "cancel", "/neighbourhoods", "values",
			      "active", 1));
}

/* An API client may send back what it read: lat_e6/lon_e6 stand for lat/lon when those are absent. */
static void api_accept_e6(struct req *r)
{
	static const char *const pairs[][2] = {{"lat", "lat_e6"}, {"lon", "lon_e6"}};
	if (!r->json)
		return;
	for (size_t i = 0; i < 2; i++) {
		json_t *e6 = json_object_get(r->json, pairs[i][1]);
		if (json_object_get(r->json, pairs[i][0]) || !json_is_integer(e6))
			continue;
		char text[32];
		format_e6(json_integer_value(e6), text, sizeof text);
		json_object_set_new(r->json, pairs[i][0], json_string(text));
	}
}

/* Checks that go beyond the field table: coordinates in range, and both or neither given. */
static void check_location(struct req *r, json_t *values, json_t *errors)
{
	json_t *lat = json_object_get(values, "lat"), *lon = json_object_get(values, "lon");
	if (json_is_integer(lat) && (json_integer_value(lat) < -90000000 || json_integer_value(lat) > 90000000))
		form_error(r, errors, FIELD_LAT, "error.invalid");
	if (json_is_integer(lon) && (json_integer_value(lon) < -180000000 || json_integer_value(lon) > 180000000))
		form_error(r, errors, FIELD_LON, "error.invalid");
	if (json_is_null(lat) && !json_is_null(lon))
		form_error(r, errors, FIELD_LAT, "error.required");
	if (json_is_null(lon) && !json_is_null(lat))
		form_error(r, errors, FIELD_LON, "error.required");
}

/* Values for a form shown again: the location as typed, in degrees. */
static void values_for_form(struct req *r, json_t *values)
{
	const char *names[] = {"lat", "lon"};
	for (size_t i = 0; i < 2; i++) {
		const char *raw = form_raw(r, names[i]);
		if (json_is_integer(json_object_get(values, names[i])) && raw)
			json_object_set_new(values, names[i], json_string(raw));
	}
}

static void fail(struct req *r, int64_t id, json_t *values, json_t *errors)
{
	char action[64], cancel[64];
	snprintf(action, sizeof action, id ? "/neighbourhoods/%lld" : "/neighbourhoods", (long long)id);
	snprintf(cancel, sizeof cancel, id ? "/neighbourhoods/%lld" : "/neighbourhoods", (long long)id);
	values_for_form(r, values);
	form_fail(r, "neighbourhood_form", id ? "neighbourhoods.edit" : "neighbourhoods.new",
		  json_pack("{s:s,s:s,s:b}", "action", action, "cancel", cancel, "editing", id != 0), values, errors);
}

/* Validates, saves, and answers: redirect or JSON for success, 422 with field errors (a duplicate name too). */
static void save(struct req *r, int64_t id)
{
	json_t *values = json_object(), *errors = json_object();
	api_accept_e6(r);
	form_check(r, neighbourhood_fields, N_FIELDS, values, errors);
	check_location(r, values, errors);
	if (json_object_size(errors)) {
		fail(r, id, values, errors);
		return;
	}
	if (r->is_api && !form_raw(r, "active"))
		json_object_set_new(values, "active", json_true());
	json_t *stored = json_deep_copy(values);
	json_object_set(stored, "lat_e6", json_object_get(values, "lat"));
	json_object_set(stored, "lon_e6", json_object_get(values, "lon"));
	if (db_begin_write(r->db) != 0) {
		json_decref(stored);
		json_decref(values);
		json_decref(errors);
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	int64_t rid = neighbourhood_save(r->db, r->actor.username, id, stored);
	json_decref(stored);
	if (rid > 0 && db_commit(r->db) == 0) {
		json_decref(values);
		json_decref(errors);
		if (r->is_api) {
			json_t *n = neighbourhood_get(r->db, rid);
			if (n)
				resp_json(r, id ? 200 : 201, decorate(r, n));
			else
				resp_error(r, 500, "internal", "error.internal");
		} else {
			char location[64];
			snprintf(location, sizeof location, "/neighbourhoods/%lld", (long long)rid);
			page_flash(r, "flash.saved");
			resp_redirect(r, location);
		}
		return;
	}
	db_rollback(r->db);
	if (rid == DB_CONSTRAINT) {
		form_error(r, errors, &neighbourhood_fields[0], "error.duplicate");
		fail(r, id, values, errors);
		return;
	}
	json_decref(values);
	json_decref(errors);
	json_t *exists = id ? neighbourhood_get(r->db, id) : NULL;
	if (id && rid == -1 && !exists)
		resp_error(r, 404, "not_found", "error.not_found");
	else
		resp_error(r, 500, "internal", "error.internal");
	json_decref(exists);
}

void h_neighbourhood_create(struct req *r)
{
	save(r, 0);
}

void h_neighbourhood(struct req *r)
{
	json_t *n = neighbourhood_get(r->db, req_arg_id(r, 0));
	if (!n) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	page_render(r, 200, "neighbourhood", "neighbourhoods.detail", json_pack("{s:o}", "n", decorate(r, n)));
}

void h_neighbourhood_edit(struct req *r)
{
	json_t *n = neighbourhood_get(r->db, req_arg_id(r, 0));
	if (!n) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	char action[64];
	snprintf(action, sizeof action, "/neighbourhoods/%lld", (long long)json_integer_value(json_object_get(n, "id")));
	page_render(r, 200, "neighbourhood_form", "neighbourhoods.edit",
		    json_pack("{s:s,s:s,s:o,s:b}", "action", action, "cancel", action, "values", decorate(r, n),
			      "editing", 1));
}

void h_neighbourhood_update(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *n = id ? neighbourhood_get(r->db, id) : NULL;
	if (!n) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	json_decref(n);
	save(r, id);
}

void h_api_neighbourhoods(struct req *r)
{
	const char *q = params_get(&r->query, "q");
	const char *active = params_get(&r->query, "active");
	resp_json(r, 200,
		  list_decorated(r, neighbourhood_list(r->db, q ? q : "", active && strcmp(active, "1") == 0,
						       params_get(&r->query, "after"), page_limit(r))));
}

void h_api_neighbourhood(struct req *r)
{
	json_t *n = neighbourhood_get(r->db, req_arg_id(r, 0));
	if (!n)
		resp_error(r, 404, "not_found", "error.not_found");
	else
		resp_json(r, 200, decorate(r, n));
}

void h_api_neighbourhood_create(struct req *r)
{
	save(r, 0);
}

void h_api_neighbourhood_update(struct req *r)
{
	h_neighbourhood_update(r);
}
