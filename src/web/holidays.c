/* holidays.c: the official holidays by year (list, add, edit, delete) and the working-days API over them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/bizcal.h"
#include "core/validate.h"
#include "store/db.h"
#include "store/holidays.h"
#include "util/i18n.h"
#include "web/form.h"
#include "web/holidays.h"
#include "web/page.h"

#define YEAR_MIN 2000
#define YEAR_MAX 2100
#define WORKING_DAYS_MAX 3650

static const struct field holiday_fields[] = {
	{"date", F_DATE, true, 0, NULL, "common.date", 0, 0},
	{"name", F_TEXT, true, 90, NULL, "holidays.name", 0, 0},
	{"half_day", F_BOOL, false, 0, NULL, "holidays.half_day", 0, 0},
};
#define N_FIELDS (sizeof holiday_fields / sizeof holiday_fields[0])

static const struct field confirm_field = {"confirm", F_BOOL, true, 0, NULL, "holidays.confirm_delete", 0, 0};

static int this_year(void)
{
	return ymd_from_unix((int64_t)time(NULL)) / 10000;
}

/* ?year=2026, or this year when absent or out of range. */
static int year_param(struct req *r)
{
	const char *s = params_get(&r->query, "year");
	char *end;
	long y = s ? strtol(s, &end, 10) : 0;
	if (!s || *end || y < YEAR_MIN || y > YEAR_MAX)
		return this_year();
	return (int)y;
}

/* "YYYY-MM-DD" -> yyyymmdd, or 0. */
static int ymd_of(const char *s)
{
	int y, m, d;
	if (!s || !date_valid(s, &y, &m, &d))
		return 0;
	return y * 10000 + m * 100 + d;
}

/* The date field's value as yyyymmdd: form.c may give the text or, per its header, the integer. */
static int value_ymd(const json_t *values)
{
	json_t *v = json_object_get(values, "date");
	if (json_is_integer(v))
		return (int)json_integer_value(v);
	return ymd_of(json_string_value(v));
}

/* "29 Ekim 2026 Per" in the request's language. */
static void format_date(struct req *r, int ymd, char *out, size_t outsz)
{
	char mk[24], wk[32];
	snprintf(mk, sizeof mk, "month.%d", ymd / 100 % 100);
	snprintf(wk, sizeof wk, "weekday.short.%d", ymd_weekday(ymd));
	snprintf(out, outsz, "%d %s %d %s", ymd % 100, i18n_get(r->lang, mk), ymd / 10000, i18n_get(r->lang, wk));
}

static json_t *decorate(struct req *r, json_t *h)
{
	int ymd = (int)json_integer_value(json_object_get(h, "ymd"));
	char date[64], wk[32];
	format_date(r, ymd, date, sizeof date);
	snprintf(wk, sizeof wk, "holidays.day.%d", ymd_weekday(ymd));
	json_object_set_new(h, "date_display", json_string(date));
	json_object_set_new(h, "weekday", json_string(i18n_get(r->lang, wk)));
	json_object_set_new(h, "weekend", json_boolean(ymd_weekday(ymd) >= 5));
	return h;
}

void h_holidays(struct req *r)
{
	int year = year_param(r);
	json_t *items = holiday_list(r->db, year);
	size_t i;
	json_t *h;
	json_array_foreach(items, i, h)
	{
		decorate(r, h);
	}
	int now = this_year();
	json_t *ctx = json_pack("{s:o,s:i,s:i,s:i,s:i,s:b}", "items", items, "year", year, "prev_year", year - 1,
				"next_year", year + 1, "this_year", now, "other_year", year != now);
	page_render(r, 200, "holidays", "holidays.title", ctx);
}

void h_holiday_new(struct req *r)
{
	page_render(r, 200, "holiday_form", "holidays.new",
		    json_pack("{s:s,s:{}}", "action", "/holidays", "values"));
}

static void fail(struct req *r, int64_t id, json_t *values, json_t *errors)
{
	char action[64];
	snprintf(action, sizeof action, id ? "/holidays/%lld" : "/holidays", (long long)id);
	json_t *ctx = json_pack("{s:s}", "action", action);
	if (id) {
		json_object_set_new(ctx, "editing", json_true());
		json_object_set_new(ctx, "id", json_integer(id));
	}
	form_fail(r, "holiday_form", id ? "holidays.edit" : "holidays.new", ctx, values, errors);
}

static void redirect_to_year(struct req *r, int ymd)
{
	char location[64];
	snprintf(location, sizeof location, "/holidays?year=%d", ymd / 10000);
	resp_redirect(r, location);
}

static void save(struct req *r, int64_t id)
{
	json_t *values = json_object(), *errors = json_object();
	if (form_check(r, holiday_fields, N_FIELDS, values, errors)) {
		fail(r, id, values, errors);
		return;
	}
	int ymd = value_ymd(values);
	json_t *stored = json_pack("{s:i,s:O,s:O}", "ymd", ymd, "half_day", json_object_get(values, "half_day"), "name",
				   json_object_get(values, "name"));
	if (db_begin_write(r->db) != 0) {
		json_decref(stored);
		json_decref(values);
		json_decref(errors);
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	int64_t rid = holiday_save(r->db, r->actor.username, id, stored);
	json_decref(stored);
	if (rid > 0 && db_commit(r->db) == 0) {
		json_decref(values);
		json_decref(errors);
		page_flash(r, "flash.saved");
		redirect_to_year(r, ymd);
		return;
	}
	db_rollback(r->db);
	if (rid == DB_CONSTRAINT) {
		form_error(r, errors, &holiday_fields[0], "holidays.error.date_taken");
		fail(r, id, values, errors);
		return;
	}
	json_decref(values);
	json_decref(errors);
	resp_error(r, 500, "internal", "error.internal");
}

void h_holiday_create(struct req *r)
{
	save(r, 0);
}

void h_holiday_edit(struct req *r)
{
	json_t *h = holiday_get(r->db, req_arg_id(r, 0));
	if (!h) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	int64_t id = json_integer_value(json_object_get(h, "id"));
	char action[64];
	snprintf(action, sizeof action, "/holidays/%lld", (long long)id);
	page_render(r, 200, "holiday_form", "holidays.edit",
		    json_pack("{s:s,s:o,s:b,s:I}", "action", action, "values", h, "editing", 1, "id", (json_int_t)id));
}

void h_holiday_update(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *h = id ? holiday_get(r->db, id) : NULL;
	if (!h) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	json_decref(h);
	save(r, id);
}

void h_holiday_delete(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *h = id ? holiday_get(r->db, id) : NULL;
	if (!h) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	const char *confirm = form_raw(r, "confirm");
	if (!confirm || !*confirm || strcmp(confirm, "0") == 0) {
		/* Not confirmed: the edit page again, the checkbox marked. */
		json_t *errors = json_object();
		form_error(r, errors, &confirm_field, "holidays.error.confirm");
		fail(r, id, h, errors);
		return;
	}
	int ymd = (int)json_integer_value(json_object_get(h, "ymd"));
	json_decref(h);
	if (db_begin_write(r->db) != 0) {
		resp_error(r, 503, "unavailable", "error.unavailable");
		return;
	}
	if (holiday_delete(r->db, r->actor.username, id) != 0 || db_commit(r->db) != 0) {
		db_rollback(r->db);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	page_flash(r, "holidays.deleted");
	redirect_to_year(r, ymd);
}

void h_api_holidays(struct req *r)
{
	int year = year_param(r);
	resp_json(r, 200, json_pack("{s:i,s:o}", "year", year, "items", holiday_list(r->db, year)));
}

/* A 422 naming one query parameter. */
static void invalid_param(struct req *r, const char *name, const char *label_key, const char *key)
{
	struct field f = {name, F_TEXT, true, 0, NULL, label_key, 0, 0};
	json_t *errors = json_object();
	form_error(r, errors, &f, key);
	form_fail(r, NULL, NULL, NULL, NULL, errors);
}

void h_api_working_days(struct req *r)
{
	const char *from = params_get(&r->query, "from"), *days_s = params_get(&r->query, "days");
	int from_ymd = ymd_of(from);
	if (!from || !*from) {
		invalid_param(r, "from", "common.date", "error.required");
		return;
	}
	if (!from_ymd || from_ymd / 10000 < YEAR_MIN || from_ymd / 10000 > YEAR_MAX) {
		invalid_param(r, "from", "common.date", "error.date");
		return;
	}
	char *end;
	long days = days_s && *days_s ? strtol(days_s, &end, 10) : -1;
	if (!days_s || !*days_s) {
		invalid_param(r, "days", "calendar.days", "error.required");
		return;
	}
	if (*end || days < 0 || days > WORKING_DAYS_MAX) {
		invalid_param(r, "days", "calendar.days", "error.invalid");
		return;
	}
	struct bizcal cal;
	struct holiday *owned;
	if (bizcal_load(r->db, &cal, &owned) != 0) {
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	int64_t due = bizcal_add_working_days(&cal, unix_from_ymd_min(from_ymd, 0), (int)days);
	free(owned);
	int due_ymd = ymd_from_unix(due);
	int64_t local = due + BIZCAL_UTC_OFFSET_SEC;
	int minute = (int)((local % 86400 + 86400) % 86400 / 60);
	char due_date[16], due_at[40];
	snprintf(due_date, sizeof due_date, "%04d-%02d-%02d", due_ymd / 10000, due_ymd / 100 % 100, due_ymd % 100);
	snprintf(due_at, sizeof due_at, "%sT%02d:%02d:00+03:00", due_date, minute / 60, minute % 60);
	resp_json(r, 200,
		  json_pack("{s:s,s:i,s:s,s:s,s:I}", "from", from, "days", (int)days, "due_date", due_date, "due_at",
			    due_at, "due_unix", (json_int_t)due));
}
