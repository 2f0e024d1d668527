/* app_reference.c: SQL, validation and seed data of the workflow 3 reference data (see app_reference.h). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "store/app_reference.h"
#include "store/applications.h"
#include "store/audit.h"
#include "store/refdata.h"
#include "util/csv.h"
#include "util/embedded.h"
#include "util/json_str.h"
#include "util/log.h"
#include "util/turkish.h"
#include "util/xalloc.h"

/* ---- statements ---- */

#define CAT_COLS                                                                                                     \
	"c.id, c.code, c.name_tr, c.name_en, c.description_tr, c.description_en, c.group_tr, c.group_en, c.keywords, " \
	"c.directorate_id, d.name, c.office_warn_days, c.office_due_days, c.legal_clock, c.legal_warn_percent, "      \
	"c.file_plan_code, c.active, c.attributes, c.created_at, c.updated_at "                                        \
	"FROM app_categories c LEFT JOIN directorates d ON d.id = c.directorate_id"
static const char SQL_CAT_GET[] = "SELECT " CAT_COLS " WHERE c.id = ?";
static const char SQL_CAT_BY_CODE[] = "SELECT " CAT_COLS " WHERE c.code = ?";
static const char SQL_CAT_LIST[] = "SELECT " CAT_COLS " WHERE (? = 0 OR c.active = 1) "
				   "ORDER BY c.group_sort_key, c.sort_key, c.id";
static const char SQL_CAT_POLICY[] = "SELECT office_warn_days, office_due_days, legal_clock, legal_warn_percent, "
				     "directorate_id FROM app_categories WHERE id = ?";
static const char SQL_CAT_CODE_TAKEN[] = "SELECT COUNT(*) FROM app_categories WHERE code = ? AND id <> ?";
static const char SQL_CAT_INSERT[] =
	"INSERT INTO app_categories (code, name_tr, name_en, description_tr, description_en, group_tr, group_en, "
	"keywords, search_fold, group_sort_key, sort_key, directorate_id, office_warn_days, office_due_days, legal_clock, "
	"legal_warn_percent, file_plan_code, attributes, active, created_at, updated_at, created_by, updated_by) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_CAT_UPDATE[] =
	"UPDATE app_categories SET code = ?, name_tr = ?, name_en = ?, description_tr = ?, description_en = ?, "
	"group_tr = ?, group_en = ?, keywords = ?, search_fold = ?, group_sort_key = ?, sort_key = ?, "
	"directorate_id = ?, office_warn_days = ?, office_due_days = ?, legal_clock = ?, legal_warn_percent = ?, "
	"file_plan_code = ?, attributes = ?, active = ?, updated_at = ?, updated_by = ? WHERE id = ?";
static const char SQL_DIRECTORATE_EXISTS[] = "SELECT COUNT(*) FROM directorates WHERE id = ?";
static const char SQL_DIRECTORATE_NAMES[] = "SELECT id, name FROM directorates";
static const char SQL_CAT_SET_DIRECTORATE[] =
	"UPDATE app_categories SET directorate_id = ?, updated_at = ?, updated_by = ? "
	"WHERE id = ? AND (directorate_id IS NULL OR directorate_id = 0)";

#define REASON_COLS "id, code, article, action, label_tr, label_en, active FROM legal_reasons"
static const char SQL_REASON_GET[] = "SELECT " REASON_COLS " WHERE code = ?";
static const char SQL_REASON_GET_ID[] = "SELECT " REASON_COLS " WHERE id = ?";
static const char SQL_REASON_LIST[] = "SELECT " REASON_COLS " WHERE (? = 0 OR active = 1) ORDER BY sort_key, id";
static const char SQL_REASON_CODE_TAKEN[] = "SELECT COUNT(*) FROM legal_reasons WHERE code = ? AND id <> ?";
static const char SQL_REASON_INSERT[] =
	"INSERT INTO legal_reasons (code, article, action, label_tr, label_en, sort_key, active, created_at, "
	"updated_at, created_by, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_REASON_UPDATE[] = "UPDATE legal_reasons SET code = ?, article = ?, action = ?, label_tr = ?, "
					"label_en = ?, sort_key = ?, active = ?, updated_at = ?, updated_by = ? "
					"WHERE id = ?";

#define TEMPLATE_COLS                                                                                                \
	"t.id, t.category_id, c.code, c.name_tr, t.purpose, t.title, t.body_tr, t.body_en, t.active "              \
	"FROM response_templates t LEFT JOIN app_categories c ON c.id = t.category_id"
static const char SQL_TEMPLATE_GET[] = "SELECT " TEMPLATE_COLS " WHERE t.id = ?";
/* Parameters: purpose ('' = any) twice, active only, category (<0 = every template, 0 = general only) twice. */
static const char SQL_TEMPLATE_LIST[] =
	"SELECT " TEMPLATE_COLS " WHERE (? = '' OR t.purpose = ?) AND (? = 0 OR t.active = 1) "
	"AND (? < 0 OR t.category_id IS NULL OR t.category_id = ?) "
	"ORDER BY CASE WHEN t.category_id IS NULL THEN 1 ELSE 0 END, c.sort_key, "
	"CASE t.purpose WHEN 'rejected' THEN 1 WHEN 'forwarded' THEN 2 WHEN 'routed' THEN 3 WHEN 'info_needed' THEN 4 "
	"WHEN 'interim' THEN 5 WHEN 'answer' THEN 6 ELSE 7 END, t.sort_key, t.id";
static const char SQL_CATEGORY_EXISTS[] = "SELECT COUNT(*) FROM app_categories WHERE id = ?";
static const char SQL_TEMPLATE_INSERT[] =
	"INSERT INTO response_templates (category_id, purpose, title, body_tr, body_en, sort_key, active, created_at, "
	"updated_at, created_by, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_TEMPLATE_UPDATE[] = "UPDATE response_templates SET category_id = ?, purpose = ?, title = ?, "
					  "body_tr = ?, body_en = ?, sort_key = ?, active = ?, updated_at = ?, "
					  "updated_by = ? WHERE id = ?";

static const char SQL_COUNT_CATEGORIES[] = "SELECT COUNT(*) FROM app_categories";
static const char SQL_COUNT_REASONS[] = "SELECT COUNT(*) FROM legal_reasons";
static const char SQL_COUNT_TEMPLATES[] = "SELECT COUNT(*) FROM response_templates";
/* Two servers starting together on one PostgreSQL database: the second waits here until the first has seeded. */
static const char SQL_PG_SEED_LOCK[] = "SELECT pg_advisory_xact_lock(4703110010)";

static const char *const DATATYPES[] = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist",
					NULL};
static const char *const ACTIONS[] = {"reject", "forward", NULL};
static const char *const PURPOSES[] = {"rejected", "interim", "forwarded", "routed", "info_needed", "answer",
				       "feedback", NULL};

/* ---- small helpers ---- */

static bool in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; s && list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* [a-z0-9_-]{1,64}: an Open311 service_code that needs no escaping anywhere. */
static bool valid_code(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* Valid UTF-8 of at most max_chars code points, with no control characters (line breaks allowed if multiline). */
static bool valid_text(const char *s, size_t max_chars, bool multiline)
{
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		int len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		if (!len || (len == 2 && *p < 0xc2))
			return false;
		for (int k = 1; k < len; k++)
			if ((p[k] & 0xc0) != 0x80)
				return false;
		if (*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t')))
			return false;
		if (*p == 0x7f)
			return false;
		p += len;
		chars++;
	}
	return chars <= max_chars;
}

/* Reads a text member into out (trimmed copy): absent or null gives "". Returns false when the member is not a
 * string, is not valid text, or is empty while required. */
static bool take_text(const json_t *values, const char *key, bool required, size_t max_chars, bool multiline,
		      json_t *out)
{
	const json_t *v = json_object_get(values, key);
	const char *s = "";
	if (v && !json_is_null(v)) {
		if (!json_is_string(v))
			return false;
		s = json_string_value(v);
	}
	while (*s == ' ' || *s == '\t' || (multiline && (*s == '\n' || *s == '\r')))
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || (multiline && (s[n - 1] == '\n' || s[n - 1] == '\r'))))
		n--;
	char *copy = xstrndup(s, n);
	bool ok = (!required || *copy) && valid_text(copy, max_chars, multiline);
	if (ok)
		json_object_set_new(out, key, json_string(copy));
	free(copy);
	return ok;
}

/* How a text member is checked by take_text. */
struct text_rule {
	const char *key;
	bool required;
	size_t max_chars;
	bool multiline;
};

/* take_text for each of n rules in turn; the first bad member names *field, giving APPREF_INVALID. */
static int take_texts(const json_t *values, const struct text_rule *rules, size_t n, json_t *out, const char **field)
{
	for (size_t i = 0; i < n; i++) {
		if (!take_text(values, rules[i].key, rules[i].required, rules[i].max_chars, rules[i].multiline, out)) {
			*field = rules[i].key;
			return APPREF_INVALID;
		}
	}
	return 0;
}

/* Reads an integer member within [min, max] into out; absent or null gives dflt. */
static bool take_int(const json_t *values, const char *key, int64_t dflt, int64_t min, int64_t max, json_t *out)
{
	const json_t *v = json_object_get(values, key);
	int64_t n = dflt;
	if (v && !json_is_null(v)) {
		if (!json_is_integer(v))
			return false;
		n = json_integer_value(v);
	}
	if (n < min || n > max)
		return false;
	json_object_set_new(out, key, json_integer(n));
	return true;
}

/* Reads a boolean member (true/false, or 0/1) into out; absent or null gives dflt. */
static bool take_bool(const json_t *values, const char *key, bool dflt, json_t *out)
{
	const json_t *v = json_object_get(values, key);
	bool b = dflt;
	if (v && !json_is_null(v)) {
		if (json_is_boolean(v))
			b = json_is_true(v);
		else if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1))
			b = json_integer_value(v) == 1;
		else
			return false;
	}
	json_object_set_new(out, key, json_boolean(b));
	return true;
}

static int64_t int_of(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* COUNT(*) of a one-parameter query bound with (text, id) or (id); -1 on error. */
static int64_t count_code(struct db *db, const char *sql, const char *code, int64_t id)
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return -1;
	db_bind_text(st, 1, code);
	db_bind_int(st, 2, id);
	if (db_step(st) != DB_ROW)
		return -1;
	int64_t n = db_col_int(st, 0);
	db_reset(st);
	return n;
}

static int64_t count_id(struct db *db, const char *sql, int64_t id)
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	if (db_step(st) != DB_ROW)
		return -1;
	int64_t n = db_col_int(st, 0);
	db_reset(st);
	return n;
}

/* Reads the optional id member key into out (absent or null gives 0, none); an id given must be one that exists_sql
 * (COUNT(*) of "id = ?") counts. Returns 0, APPREF_INVALID with *field = key, or APPREF_ERROR. */
static int take_ref(struct db *db, const json_t *values, const char *key, const char *exists_sql, json_t *out,
		    const char **field)
{
	if (!take_int(values, key, 0, 0, INT64_MAX, out)) {
		*field = key;
		return APPREF_INVALID;
	}
	int64_t id = int_of(out, key);
	if (id == 0)
		return 0;
	int64_t found = count_id(db, exists_sql, id);
	if (found < 0)
		return APPREF_ERROR;
	if (found == 0) {
		*field = key;
		return APPREF_INVALID;
	}
	return 0;
}

/* The one row of a query bound with code (when not NULL) or id, read by row; NULL when there is none. */
static json_t *one_row(struct db *db, const char *sql, int64_t id, const char *code,
		       json_t *(*row)(struct db_stmt *st))
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return NULL;
	if (code)
		db_bind_text(st, 1, code);
	else
		db_bind_int(st, 1, id);
	json_t *o = NULL;
	if (db_step(st) == DB_ROW) {
		o = row(st);
		db_reset(st);
	}
	return o;
}

/* The rows of a query whose one parameter is "active only", read by row; never NULL. */
static json_t *all_rows(struct db *db, const char *sql, bool active_only, json_t *(*row)(struct db_stmt *st))
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return list;
	db_bind_int(st, 1, active_only);
	while (db_step(st) == DB_ROW)
		json_array_append_new(list, row(st));
	return list;
}

/* What a save whose only unique column is the code returns for refdata_finish_save's answer rid: the id,
 * APPREF_DUPLICATE with *field "code", or APPREF_ERROR. */
static int64_t saved(int64_t rid, const char **field)
{
	if (rid > 0)
		return rid;
	if (rid != DB_CONSTRAINT)
		return APPREF_ERROR;
	*field = "code";
	return APPREF_DUPLICATE;
}

/* ---- categories ---- */

static json_t *category_row(struct db_stmt *st)
{
	json_error_t err;
	json_t *attributes = json_loads(db_col_text(st, 17), 0, &err);
	if (!json_is_array(attributes)) {
		json_decref(attributes);
		attributes = json_array();
	}
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:I,s:I,s:s,s:I,s:s,s:b,s:o,s:I,s:I}", "id",
			 db_col_int(st, 0), "code", db_col_text(st, 1), "name_tr", db_col_text(st, 2), "name_en",
			 db_col_text(st, 3), "description_tr", db_col_text(st, 4), "description_en", db_col_text(st, 5),
			 "group_tr", db_col_text(st, 6), "group_en", db_col_text(st, 7), "keywords", db_col_text(st, 8),
			 "directorate_id", db_col_int(st, 9), "directorate_name", db_col_text(st, 10), "office_warn_days",
			 db_col_int(st, 11), "office_due_days", db_col_int(st, 12), "legal_clock", db_col_text(st, 13),
			 "legal_warn_percent", db_col_int(st, 14), "file_plan_code", db_col_text(st, 15), "active",
			 db_col_int(st, 16) != 0, "attributes", attributes, "created_at", db_col_int(st, 18),
			 "updated_at", db_col_int(st, 19));
}

json_t *app_category_get(struct db *db, int64_t id)
{
	return one_row(db, SQL_CAT_GET, id, NULL, category_row);
}

json_t *app_category_by_code(struct db *db, const char *code)
{
	return code ? one_row(db, SQL_CAT_BY_CODE, 0, code, category_row) : NULL;
}

json_t *app_category_list(struct db *db, bool active_only)
{
	return all_rows(db, SQL_CAT_LIST, active_only, category_row);
}

int app_category_policy(struct db *db, int64_t id, struct clock_policy *p, int64_t *directorate_id)
{
	clock_policy_default(p);
	if (directorate_id)
		*directorate_id = 0;
	if (id <= 0)
		return 0;
	struct db_stmt *st = db_prep(db, SQL_CAT_POLICY);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	enum db_rc rc = db_step(st);
	if (rc == DB_OK)
		return 0;
	if (rc != DB_ROW)
		return -1;
	p->office_warn_days = (int)db_col_int(st, 0);
	p->office_due_days = (int)db_col_int(st, 1);
	int legal = legal_clock_from_name(db_col_text(st, 2));
	if (legal >= 0)
		p->legal = (enum legal_clock)legal;
	p->legal_warn_percent = (int)db_col_int(st, 3);
	if (directorate_id)
		*directorate_id = db_col_int(st, 4);
	db_reset(st);
	return 0;
}

/* One attribute value {key, name_tr, name_en}, checked and normalised into out. */
static int check_value(const json_t *v, json_t *keys, json_t *out, const char **field)
{
	json_t *n = json_object();
	int rc = APPREF_INVALID;
	if (!json_is_object(v)) {
		*field = "attributes.values";
		goto out;
	}
	if (!take_text(v, "key", true, 64, false, n) || json_object_get(keys, json_str(n, "key"))) {
		*field = "attributes.values.key";
		goto out;
	}
	if (!take_text(v, "name_tr", true, 200, false, n)) {
		*field = "attributes.values.name_tr";
		goto out;
	}
	if (!take_text(v, "name_en", false, 200, false, n)) {
		*field = "attributes.values.name_en";
		goto out;
	}
	if (!*json_str(n, "name_en"))
		json_object_set(n, "name_en", json_object_get(n, "name_tr"));
	json_object_set_new(keys, json_str(n, "key"), json_true());
	json_array_append(out, n);
	rc = 0;
out:
	json_decref(n);
	return rc;
}

/* One Open311 attribute, checked and normalised into out; codes (an object used as a set) catches repeats. */
static int check_attribute(const json_t *a, size_t index, json_t *codes, json_t *out, const char **field)
{
	json_t *n = json_object(), *keys = json_object();
	int rc = APPREF_INVALID;
	if (!json_is_object(a)) {
		*field = "attributes";
		goto out;
	}
	const char *code = json_string_value(json_object_get(a, "code"));
	if (!valid_code(code) || json_object_get(codes, code)) {
		*field = "attributes.code";
		goto out;
	}
	json_object_set_new(n, "code", json_string(code));
	const char *datatype = json_string_value(json_object_get(a, "datatype"));
	if (!in_list(datatype, DATATYPES)) {
		*field = "attributes.datatype";
		goto out;
	}
	json_object_set_new(n, "datatype", json_string(datatype));
	if (!take_bool(a, "required", false, n)) {
		*field = "attributes.required";
		goto out;
	}
	if (!take_int(a, "order", (int64_t)index + 1, 0, 100000, n)) {
		*field = "attributes.order";
		goto out;
	}
	if (!take_text(a, "description_tr", true, 500, false, n)) {
		*field = "attributes.description_tr";
		goto out;
	}
	if (!take_text(a, "description_en", false, 500, false, n)) {
		*field = "attributes.description_en";
		goto out;
	}
	/* Open311: values belong to the list types only, and a list needs at least one. */
	bool is_list = strstr(datatype, "valuelist") != NULL;
	const json_t *values = json_object_get(a, "values");
	if (values && json_is_null(values))
		values = NULL;
	if ((values && !json_is_array(values)) || (!is_list && values && json_array_size(values) > 0) ||
	    (is_list && json_array_size(values) == 0)) {
		*field = "attributes.values";
		goto out;
	}
	json_t *normal = json_array();
	json_object_set_new(n, "values", normal);
	size_t i;
	const json_t *v;
	json_array_foreach(values, i, v) {
		if (check_value(v, keys, normal, field) != 0)
			goto out;
	}
	json_object_set_new(codes, code, json_true());
	json_array_append(out, n);
	rc = 0;
out:
	json_decref(n);
	json_decref(keys);
	return rc;
}

static int by_order(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int64_t ox = int_of(x, "order"), oy = int_of(y, "order");
	return ox < oy ? -1 : ox > oy;
}

/* The attributes array checked and normalised (sorted by order; qsort is not stable, so ties keep no promise). */
static int check_attributes(const json_t *attributes, json_t **out, const char **field)
{
	*out = NULL;
	if (attributes && json_is_null(attributes))
		attributes = NULL;
	if (attributes && (!json_is_array(attributes) || json_array_size(attributes) > 50)) {
		*field = "attributes";
		return APPREF_INVALID;
	}
	json_t *list = json_array(), *codes = json_object();
	size_t i;
	const json_t *a;
	json_array_foreach(attributes, i, a) {
		if (check_attribute(a, i, codes, list, field) != 0) {
			json_decref(list);
			json_decref(codes);
			return APPREF_INVALID;
		}
	}
	json_decref(codes);
	size_t n = json_array_size(list);
	json_t **items = xcalloc(n ? n : 1, sizeof *items);
	for (i = 0; i < n; i++)
		items[i] = json_incref(json_array_get(list, i));
	qsort(items, n, sizeof *items, by_order);
	json_array_clear(list);
	for (i = 0; i < n; i++)
		json_array_append_new(list, items[i]);
	free(items);
	*out = list;
	return 0;
}

/* Checks a category's values against the rules of the header, giving normalised values (defaults applied). */
static int check_category(struct db *db, int64_t id, const json_t *values, json_t *n, const char **field)
{
	static const struct text_rule texts[] = {
		{"name_tr", true, 200, false},       {"name_en", true, 200, false},
		{"description_tr", false, 2000, true}, {"description_en", false, 2000, true},
		{"group_tr", false, 100, false},     {"group_en", false, 100, false},
		{"keywords", false, 1000, false},    {"file_plan_code", false, 32, false},
	};
	if (!json_is_object(values)) {
		*field = "code";
		return APPREF_INVALID;
	}
	const char *code = json_string_value(json_object_get(values, "code"));
	if (!valid_code(code)) {
		*field = "code";
		return APPREF_INVALID;
	}
	json_object_set_new(n, "code", json_string(code));
	if (take_texts(values, texts, sizeof texts / sizeof texts[0], n, field) != 0)
		return APPREF_INVALID;
	/* A file-plan code is digits in dot-separated groups, e.g. "642.01". */
	const char *fpc = json_str(n, "file_plan_code");
	for (const char *p = fpc; *p; p++) {
		if (!(isdigit((unsigned char)*p) || (*p == '.' && p > fpc && p[1] && p[-1] != '.'))) {
			*field = "file_plan_code";
			return APPREF_INVALID;
		}
	}
	struct clock_policy dflt;
	clock_policy_default(&dflt);
	if (!take_int(values, "office_due_days", dflt.office_due_days, 1, 365, n)) {
		*field = "office_due_days";
		return APPREF_INVALID;
	}
	if (!take_int(values, "office_warn_days", dflt.office_warn_days, 0, int_of(n, "office_due_days"), n)) {
		*field = "office_warn_days";
		return APPREF_INVALID;
	}
	if (!take_int(values, "legal_warn_percent", dflt.legal_warn_percent, 1, 99, n)) {
		*field = "legal_warn_percent";
		return APPREF_INVALID;
	}
	const json_t *lc = json_object_get(values, "legal_clock");
	const char *legal = lc && !json_is_null(lc) ? json_string_value(lc) : legal_clock_name(dflt.legal);
	int legal_kind = legal_clock_from_name(legal);
	/* The extension of Law 4982 is decided per application, never a category's clock. */
	if (legal_kind < 0 || legal_kind == LEGAL_INFO_4982_EXTENDED) {
		*field = "legal_clock";
		return APPREF_INVALID;
	}
	json_object_set_new(n, "legal_clock", json_string(legal));
	int rc = take_ref(db, values, "directorate_id", SQL_DIRECTORATE_EXISTS, n, field);
	if (rc != 0)
		return rc;
	if (!take_bool(values, "active", true, n)) {
		*field = "active";
		return APPREF_INVALID;
	}
	json_t *attributes;
	rc = check_attributes(json_object_get(values, "attributes"), &attributes, field);
	if (rc != 0)
		return rc;
	json_object_set_new(n, "attributes", attributes);
	int64_t taken = count_code(db, SQL_CAT_CODE_TAKEN, code, id);
	if (taken < 0)
		return APPREF_ERROR;
	if (taken > 0) {
		*field = "code";
		return APPREF_DUPLICATE;
	}
	return 0;
}

/* Whether the clock policy of normalised values n differs from category before's. */
static bool policy_changed(const json_t *before, const json_t *n)
{
	static const char *const ints[] = {"office_warn_days", "office_due_days", "legal_warn_percent"};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
		if (int_of(before, ints[i]) != int_of(n, ints[i]))
			return true;
	return strcmp(json_str(before, "legal_clock"), json_str(n, "legal_clock")) != 0;
}

int64_t app_category_save(struct db *db, const char *actor, int64_t id, const json_t *values, const char **field)
{
	static const char *const text_cols[] = {"code",     "name_tr",  "name_en", "description_tr",
						"description_en", "group_tr", "group_en", "keywords"};
	*field = NULL;
	json_t *before = NULL, *n = json_object();
	char *search = NULL, *fold = NULL, *group_key = NULL, *key = NULL, *attributes = NULL;
	int64_t result = APPREF_NOT_FOUND;
	if (id) {
		before = app_category_get(db, id);
		if (!before)
			goto out;
	}
	result = check_category(db, id, values, n, field);
	if (result != 0)
		goto out;
	result = APPREF_ERROR;
	search = xasprintf("%s %s %s %s %s", json_str(n, "code"), json_str(n, "name_tr"), json_str(n, "name_en"),
			   json_str(n, "group_tr"), json_str(n, "keywords"));
	fold = tr_fold(search);
	group_key = tr_sort_key(json_str(n, "group_tr"));
	key = tr_sort_key(json_str(n, "name_tr"));
	attributes = json_dumps(json_object_get(n, "attributes"), JSON_COMPACT);
	int64_t now = (int64_t)time(NULL);
	struct db_stmt *st = db_prep(db, id ? SQL_CAT_UPDATE : SQL_CAT_INSERT);
	if (!st)
		goto out;
	int i = 1;
	for (size_t k = 0; k < sizeof text_cols / sizeof text_cols[0]; k++)
		db_bind_text(st, i++, json_str(n, text_cols[k]));
	db_bind_text(st, i++, fold);
	db_bind_text(st, i++, group_key);
	db_bind_text(st, i++, key);
	db_bind_id_or_null(st, i++, int_of(n, "directorate_id"));
	db_bind_int(st, i++, int_of(n, "office_warn_days"));
	db_bind_int(st, i++, int_of(n, "office_due_days"));
	db_bind_text(st, i++, json_str(n, "legal_clock"));
	db_bind_int(st, i++, int_of(n, "legal_warn_percent"));
	db_bind_text(st, i++, json_str(n, "file_plan_code"));
	db_bind_text(st, i++, attributes);
	db_bind_int(st, i++, json_is_true(json_object_get(n, "active")));
	refdata_bind_stamps(st, i, id, now, actor);
	result = saved(refdata_finish_save(db, st, actor, "category", id, before, app_category_get), field);
	if (result < 0)
		goto out;
	/* The open applications' stored due dates follow a changed clock policy (the overdue filter, the sweep). */
	if (id && policy_changed(before, n) && app_refresh_category(db, id, now) < 0)
		result = APPREF_ERROR;
out:
	json_decref(before);
	json_decref(n);
	free(search);
	free(fold);
	free(group_key);
	free(key);
	free(attributes);
	return result;
}

/* ---- legal reasons ---- */

static json_t *reason_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b}", "id", db_col_int(st, 0), "code", db_col_text(st, 1),
			 "article", db_col_text(st, 2), "action", db_col_text(st, 3), "label_tr", db_col_text(st, 4),
			 "label_en", db_col_text(st, 5), "active", db_col_int(st, 6) != 0);
}

/* The pages and the audit address a reason by id; legal_reason_get finds one by code. */
static json_t *reason_by_id(struct db *db, int64_t id)
{
	return one_row(db, SQL_REASON_GET_ID, id, NULL, reason_row);
}

json_t *legal_reason_get(struct db *db, const char *code)
{
	return code ? one_row(db, SQL_REASON_GET, 0, code, reason_row) : NULL;
}

json_t *legal_reason_list(struct db *db, bool active_only)
{
	return all_rows(db, SQL_REASON_LIST, active_only, reason_row);
}

static int check_reason(struct db *db, int64_t id, const json_t *values, json_t *n, const char **field)
{
	const char *code = json_string_value(json_object_get(values, "code"));
	if (!json_is_object(values) || !valid_code(code)) {
		*field = "code";
		return APPREF_INVALID;
	}
	json_object_set_new(n, "code", json_string(code));
	/* An article reads "<law>/<article>", e.g. "3071/6". */
	if (!take_text(values, "article", true, 32, false, n)) {
		*field = "article";
		return APPREF_INVALID;
	}
	const char *action = json_string_value(json_object_get(values, "action"));
	if (!in_list(action, ACTIONS)) {
		*field = "action";
		return APPREF_INVALID;
	}
	json_object_set_new(n, "action", json_string(action));
	static const struct text_rule labels[] = {{"label_tr", true, 300, false}, {"label_en", true, 300, false}};
	if (take_texts(values, labels, sizeof labels / sizeof labels[0], n, field) != 0)
		return APPREF_INVALID;
	if (!take_bool(values, "active", true, n)) {
		*field = "active";
		return APPREF_INVALID;
	}
	int64_t taken = count_code(db, SQL_REASON_CODE_TAKEN, code, id);
	if (taken < 0)
		return APPREF_ERROR;
	if (taken > 0) {
		*field = "code";
		return APPREF_DUPLICATE;
	}
	return 0;
}

int64_t legal_reason_save(struct db *db, const char *actor, int64_t id, const json_t *values, const char **field)
{
	*field = NULL;
	json_t *before = NULL, *n = json_object();
	char *key = NULL;
	int64_t result = APPREF_NOT_FOUND;
	if (id) {
		before = reason_by_id(db, id);
		if (!before)
			goto out;
	}
	result = check_reason(db, id, values, n, field);
	if (result != 0)
		goto out;
	result = APPREF_ERROR;
	char *sortable = xasprintf("%s %s", json_str(n, "article"), json_str(n, "code"));
	key = tr_sort_key(sortable);
	free(sortable);
	int64_t now = (int64_t)time(NULL);
	struct db_stmt *st = db_prep(db, id ? SQL_REASON_UPDATE : SQL_REASON_INSERT);
	if (!st)
		goto out;
	int i = 1;
	db_bind_text(st, i++, json_str(n, "code"));
	db_bind_text(st, i++, json_str(n, "article"));
	db_bind_text(st, i++, json_str(n, "action"));
	db_bind_text(st, i++, json_str(n, "label_tr"));
	db_bind_text(st, i++, json_str(n, "label_en"));
	db_bind_text(st, i++, key);
	db_bind_int(st, i++, json_is_true(json_object_get(n, "active")));
	refdata_bind_stamps(st, i, id, now, actor);
	result = saved(refdata_finish_save(db, st, actor, "legal_reason", id, before, reason_by_id), field);
out:
	json_decref(before);
	json_decref(n);
	free(key);
	return result;
}

/* ---- response templates ---- */

static json_t *template_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "id", db_col_int(st, 0), "category_id",
			 db_col_int(st, 1), "category_code", db_col_text(st, 2), "category_name", db_col_text(st, 3),
			 "purpose", db_col_text(st, 4), "title", db_col_text(st, 5), "body_tr", db_col_text(st, 6),
			 "body_en", db_col_text(st, 7), "active", db_col_int(st, 8) != 0);
}

json_t *response_template_list(struct db *db, const char *purpose, int64_t category_id, bool active_only)
{
	json_t *list = json_array();
	struct db_stmt *st = db_prep(db, SQL_TEMPLATE_LIST);
	if (!st)
		return list;
	db_bind_text(st, 1, purpose ? purpose : "");
	db_bind_text(st, 2, purpose ? purpose : "");
	db_bind_int(st, 3, active_only);
	db_bind_int(st, 4, category_id);
	db_bind_int(st, 5, category_id);
	while (db_step(st) == DB_ROW)
		json_array_append_new(list, template_row(st));
	return list;
}

json_t *response_template_get(struct db *db, int64_t id)
{
	return one_row(db, SQL_TEMPLATE_GET, id, NULL, template_row);
}

static int check_template(struct db *db, const json_t *values, json_t *n, const char **field)
{
	const char *purpose = json_string_value(json_object_get(values, "purpose"));
	if (!json_is_object(values) || !in_list(purpose, PURPOSES)) {
		*field = "purpose";
		return APPREF_INVALID;
	}
	json_object_set_new(n, "purpose", json_string(purpose));
	int rc = take_ref(db, values, "category_id", SQL_CATEGORY_EXISTS, n, field);
	if (rc != 0)
		return rc;
	static const struct text_rule texts[] = {
		{"title", true, 200, false}, {"body_tr", true, 20000, true}, {"body_en", false, 20000, true}};
	if (take_texts(values, texts, sizeof texts / sizeof texts[0], n, field) != 0)
		return APPREF_INVALID;
	if (!take_bool(values, "active", true, n)) {
		*field = "active";
		return APPREF_INVALID;
	}
	return 0;
}

int64_t response_template_save(struct db *db, const char *actor, int64_t id, const json_t *values,
			       const char **field)
{
	*field = NULL;
	json_t *before = NULL, *n = json_object();
	char *key = NULL;
	int64_t result = APPREF_NOT_FOUND;
	if (id) {
		before = response_template_get(db, id);
		if (!before)
			goto out;
	}
	result = check_template(db, values, n, field);
	if (result != 0)
		goto out;
	result = APPREF_ERROR;
	key = tr_sort_key(json_str(n, "title"));
	int64_t now = (int64_t)time(NULL);
	struct db_stmt *st = db_prep(db, id ? SQL_TEMPLATE_UPDATE : SQL_TEMPLATE_INSERT);
	if (!st)
		goto out;
	int i = 1;
	db_bind_id_or_null(st, i++, int_of(n, "category_id"));
	db_bind_text(st, i++, json_str(n, "purpose"));
	db_bind_text(st, i++, json_str(n, "title"));
	db_bind_text(st, i++, json_str(n, "body_tr"));
	db_bind_text(st, i++, json_str(n, "body_en"));
	db_bind_text(st, i++, key);
	db_bind_int(st, i++, json_is_true(json_object_get(n, "active")));
	refdata_bind_stamps(st, i, id, now, actor);
	/* No unique column: a constraint is a bug, an error like any other. */
	int64_t rid = refdata_finish_save(db, st, actor, "response_template", id, before, response_template_get);
	if (rid > 0)
		result = rid;
out:
	json_decref(before);
	json_decref(n);
	free(key);
	return result;
}

void app_template_fill(const char *body, const json_t *args, struct buf *out)
{
	const char *p = body ? body : "";
	while (*p) {
		const char *open = strchr(p, '{');
		if (!open) {
			buf_adds(out, p);
			return;
		}
		buf_add(out, p, (size_t)(open - p));
		const char *q = open + 1;
		while (*q == '_' || islower((unsigned char)*q) || isdigit((unsigned char)*q))
			q++;
		if (*q != '}' || q == open + 1) {
			buf_addc(out, '{');
			p = open + 1;
			continue;
		}
		char name[64];
		size_t len = (size_t)(q - open - 1);
		const json_t *v = NULL;
		if (len < sizeof name) {
			memcpy(name, open + 1, len);
			name[len] = '\0';
			v = json_object_get(args, name);
		}
		if (json_is_string(v))
			buf_adds(out, json_string_value(v));
		else if (json_is_integer(v))
			buf_addf(out, "%" PRId64, (int64_t)json_integer_value(v));
		else
			buf_add(out, open, (size_t)(q - open + 1)); /* unknown: left as it is */
		p = q + 1;
	}
}

/* ---- seed ---- */

enum seed_kind { SEED_CATEGORIES, SEED_REASONS, SEED_TEMPLATES };

struct seed {
	struct db *db;
	enum seed_kind kind;
	const char *path;
	char **header; /* the first record's column names */
	size_t n_header;
	json_t *directorates; /* folded name -> id */
	int failed;
	const char *actor; /* app_category_resolve_directorates: who changes the categories */
	int resolved;      /* and how many it changed */
};

/* The field of the current record under column name, or "" when the file has no such column. */
static const char *seed_col(const struct seed *s, char **fields, size_t n, const char *name)
{
	for (size_t i = 0; i < s->n_header && i < n; i++)
		if (strcmp(s->header[i], name) == 0)
			return fields[i];
	return "";
}

/* Numbers in the CSV: "" leaves the default. */
static void seed_int(json_t *v, const char *key, const char *text)
{
	if (*text)
		json_object_set_new(v, key, json_integer(strtoll(text, NULL, 10)));
}

static int64_t seed_directorate(struct seed *s, const char *name)
{
	if (!*name)
		return 0;
	char *fold = tr_fold(name);
	int64_t id = json_integer_value(json_object_get(s->directorates, fold));
	free(fold);
	return id;
}

static int seed_row(void *ctx, size_t line, char **fields, size_t n)
{
	struct seed *s = ctx;
	if (!s->header) {
		s->header = xcalloc(n, sizeof *s->header);
		for (size_t i = 0; i < n; i++)
			s->header[i] = xstrdup(fields[i]);
		s->n_header = n;
		return 0;
	}
	json_t *v = json_object();
	const char *field = NULL;
	int64_t rc = APPREF_ERROR;
#define COL(name) seed_col(s, fields, n, name)
	switch (s->kind) {
	case SEED_CATEGORIES: {
		static const char *const texts[] = {"code",     "name_tr",  "name_en",  "description_tr", "description_en",
						    "group_tr", "group_en", "keywords", "legal_clock",    "file_plan_code"};
		for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
			json_object_set_new(v, texts[i], json_string(COL(texts[i])));
		seed_int(v, "office_warn_days", COL("office_warn_days"));
		seed_int(v, "office_due_days", COL("office_due_days"));
		seed_int(v, "legal_warn_percent", COL("legal_warn_percent"));
		json_object_set_new(v, "directorate_id", json_integer(seed_directorate(s, COL("directorate"))));
		if (*COL("attributes")) {
			json_error_t err;
			json_t *a = json_loads(COL("attributes"), 0, &err);
			if (!a) {
				error("%s line %zu: attributes are not JSON: %s", s->path, line, err.text);
				goto out;
			}
			json_object_set_new(v, "attributes", a);
		}
		rc = app_category_save(s->db, "system", 0, v, &field);
		break;
	}
	case SEED_REASONS:
		json_object_set_new(v, "code", json_string(COL("code")));
		json_object_set_new(v, "article", json_string(COL("article")));
		json_object_set_new(v, "action", json_string(COL("action")));
		json_object_set_new(v, "label_tr", json_string(COL("label_tr")));
		json_object_set_new(v, "label_en", json_string(COL("label_en")));
		rc = legal_reason_save(s->db, "system", 0, v, &field);
		break;
	case SEED_TEMPLATES: {
		int64_t category = 0;
		if (*COL("category_code")) {
			json_t *c = app_category_by_code(s->db, COL("category_code"));
			category = c ? json_integer_value(json_object_get(c, "id")) : -1;
			json_decref(c);
		}
		json_object_set_new(v, "category_id", json_integer(category));
		json_object_set_new(v, "purpose", json_string(COL("purpose")));
		json_object_set_new(v, "title", json_string(COL("title")));
		json_object_set_new(v, "body_tr", json_string(COL("body_tr")));
		json_object_set_new(v, "body_en", json_string(COL("body_en")));
		rc = response_template_save(s->db, "system", 0, v, &field);
		break;
	}
	}
#undef COL
	if (rc <= 0)
		error("%s line %zu: cannot load (%s)", s->path, line, field ? field : "database error");
out:
	json_decref(v);
	return rc > 0 ? 0 : 1;
}

/* The directorates by folded name, so the CSV may name one as people write it. */
static json_t *directorates_by_name(struct db *db)
{
	json_t *map = json_object();
	struct db_stmt *st = db_prep(db, SQL_DIRECTORATE_NAMES);
	if (!st)
		return map;
	while (db_step(st) == DB_ROW) {
		char *fold = tr_fold(db_col_text(st, 1));
		json_object_set_new(map, fold, json_integer(db_col_int(st, 0)));
		free(fold);
	}
	return map;
}

/* Loads one CSV into its table unless the table has rows. */
static int seed_table(struct db *db, enum seed_kind kind, const char *count_sql, const char *path)
{
	int64_t rows = db_query_int(db, count_sql, -1);
	if (rows < 0)
		return -1;
	if (rows > 0)
		return 0;
	const struct embedded_file *f = embedded_find(path);
	if (!f)
		return error("seed file '%s' is not built in", path);
	struct seed s = {.db = db, .kind = kind, .path = path};
	if (kind == SEED_CATEGORIES)
		s.directorates = directorates_by_name(db);
	struct csv_failure failure = {0};
	int rc = csv_parse_ex((const char *)f->data, f->len, seed_row, &s, &failure);
	if (rc < 0)
		error("%s line %zu: malformed CSV", path, failure.line);
	for (size_t i = 0; i < s.n_header; i++)
		free(s.header[i]);
	free(s.header);
	json_decref(s.directorates);
	return rc == 0 ? 0 : -1;
}

/* A row of data/app_categories.csv for app_category_resolve_directorates: the category of its code gets the
 * directorate it names when it has none. */
static int resolve_row(void *ctx, size_t line, char **fields, size_t n)
{
	struct seed *s = ctx;
	if (!s->header) {
		s->header = xcalloc(n, sizeof *s->header);
		for (size_t i = 0; i < n; i++)
			s->header[i] = xstrdup(fields[i]);
		s->n_header = n;
		return 0;
	}
	int64_t directorate = seed_directorate(s, seed_col(s, fields, n, "directorate"));
	json_t *before = directorate > 0 ? app_category_by_code(s->db, seed_col(s, fields, n, "code")) : NULL;
	json_t *after = NULL;
	int rc = 0;
	if (!before || int_of(before, "directorate_id") != 0)
		goto out;
	rc = 1;
	int64_t id = int_of(before, "id");
	struct db_stmt *st = db_prep(s->db, SQL_CAT_SET_DIRECTORATE);
	if (!st)
		goto out;
	db_bind_int(st, 1, directorate);
	db_bind_int(st, 2, (int64_t)time(NULL));
	db_bind_text(st, 3, s->actor);
	db_bind_int(st, 4, id);
	if (db_step(st) != DB_OK) {
		error("%s line %zu: cannot set the directorate of category '%s'", s->path, line,
		      json_str(before, "code"));
		goto out;
	}
	after = app_category_get(s->db, id);
	if (!after || audit_append(s->db, s->actor, "category.update", "category", id, before, after) != 0)
		goto out;
	s->resolved++;
	rc = 0;
out:
	json_decref(before);
	json_decref(after);
	return rc;
}

int app_category_resolve_directorates(struct db *db, const char *actor)
{
	static const char path[] = "data/app_categories.csv";
	if (!db_in_transaction(db))
		return error("categories: resolving directorates outside a write transaction");
	const struct embedded_file *f = embedded_find(path);
	if (!f)
		return error("seed file '%s' is not built in", path);
	struct seed s = {.db = db, .kind = SEED_CATEGORIES, .path = path, .actor = actor};
	s.directorates = directorates_by_name(db);
	struct csv_failure failure = {0};
	int rc = csv_parse_ex((const char *)f->data, f->len, resolve_row, &s, &failure);
	if (rc < 0)
		error("%s line %zu: malformed CSV", path, failure.line);
	for (size_t i = 0; i < s.n_header; i++)
		free(s.header[i]);
	free(s.header);
	json_decref(s.directorates);
	return rc == 0 ? s.resolved : -1;
}

int app_reference_seed(struct db *db)
{
	bool own = !db_in_transaction(db);
	if (own && db_begin_write(db) != 0)
		return -1;
	int rc = 0;
	if (db_kind(db) == DB_POSTGRES && db_query_int(db, SQL_PG_SEED_LOCK, -1) < 0) {
		/* pg_advisory_xact_lock returns void: read as 0 ("" text), never -1 unless the query failed. */
		rc = error("cannot lock the reference data for seeding");
	}
	if (rc == 0)
		rc = seed_table(db, SEED_CATEGORIES, SQL_COUNT_CATEGORIES, "data/app_categories.csv");
	if (rc == 0)
		rc = seed_table(db, SEED_REASONS, SQL_COUNT_REASONS, "data/legal_reasons.csv");
	if (rc == 0)
		rc = seed_table(db, SEED_TEMPLATES, SQL_COUNT_TEMPLATES, "data/response_templates.csv");
	if (own) {
		if (rc != 0 || db_commit(db) != 0) {
			db_rollback(db);
			return error("cannot load the reference data of applications");
		}
	}
	return rc;
}
