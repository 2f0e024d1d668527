/* applications_intake.c: creating applications (see applications.h app_create): the checks of the values against
 * the category, the party and the reference data, duplicates by external number or idempotency key, the tracking
 * code, the petition files and the first message; attaching files later (app_attach); the tracking code of an id. */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/isotime.h"
#include "core/validate.h"
#include "store/app_reference.h"
#include "store/app_search.h"
#include "store/applications_internal.h"
#include "store/appointments.h"
#include "store/audit.h"
#include "store/neighbourhoods.h"
#include "store/parties.h"
#include "store/requester.h"
#include "util/xalloc.h"

static const char SQL_DUPLICATE[] =
	"SELECT id FROM applications WHERE (external_id <> '' AND channel = ? AND external_id = ?) OR "
	"(idempotency_key <> '' AND idempotency_key = ?) ORDER BY id LIMIT 1";
static const char SQL_CODE_USED[] = "SELECT COUNT(*) FROM applications WHERE tracking_code = ?";
static const char SQL_INSERT[] =
	"INSERT INTO applications (tracking_code, kind, channel, external_id, idempotency_key, party_id, "
	"applicant_name, phone, email, preferred_channel, category_id, subject, description, neighbourhood_id, "
	"address, lat_e6, lon_e6, media_url, attributes, state, search_fold, received_at, office_due_at, "
	"office_warn_at, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	"?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_CODE_OF[] = "SELECT tracking_code FROM applications WHERE id = ?";

#define MEDIA_URL_MAX 1000 /* bytes of values.media_url */

static const char *const kinds[] = {"complaint", "request", "suggestion", "information", NULL};
static const char *const channels[] = {"in_person", "phone", "letter", "email", "web", "bizim_meram",
				       "cimer", "open311", "api", NULL};
static const char *const preferred_channels[] = {"sms", "email", "phone", "none", NULL};

/* ---- intake ---- */

/* Fills code (OUT) with a tracking code no application has. Returns 0 or -1. */
static int new_code(struct db *db, char code[APP_CODE_LEN + 1])
{
	if (sodium_init() < 0)
		abort(); /* no randomness: nothing safe to do */
	size_t n = strlen(appt_code_alphabet);
	for (int tries = 0; tries < 10; tries++) {
		code[0] = 'B';
		for (int i = 1; i < APP_CODE_LEN; i++)
			code[i] = appt_code_alphabet[randombytes_uniform((uint32_t)n)];
		code[APP_CODE_LEN] = '\0';
		struct db_stmt *st = db_prep(db, SQL_CODE_USED);
		if (!st)
			return -1;
		db_bind_text(st, 1, code);
		int64_t used = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
		db_reset(st);
		if (used == 0)
			return 0;
		if (used < 0)
			return -1;
	}
	return -1;
}

/* The existing application with channel's external_id or the idempotency key, 0 when none, -1 on error. */
static int64_t find_duplicate(struct db *db, const char *channel, const char *external_id, const char *key)
{
	if (!*external_id && !*key)
		return 0;
	struct db_stmt *st = db_prep(db, SQL_DUPLICATE);
	if (!st)
		return -1;
	db_bind_text(st, 1, channel);
	db_bind_text(st, 2, external_id);
	db_bind_text(st, 3, key);
	int rc = db_step(st);
	int64_t id = rc == DB_ROW ? db_col_int(st, 0) : rc == DB_OK ? 0 : -1;
	db_reset(st);
	return id;
}

/* A coordinate in micro-degrees into *out (OUT; 0 with *present false when absent). Returns 0, or -1 when bad. */
static int coordinate(const json_t *v, double limit, int64_t *out, bool *present)
{
	*out = 0;
	*present = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return -1;
	double d = json_number_value(v);
	if (!isfinite(d) || d < -limit || d > limit)
		return -1;
	*out = (int64_t)llround(d * 1e6);
	*present = true;
	return 0;
}

/* Checks attributes against the category's: required ones present, list values among the keys, numbers and
 * date-times well formed, no unknown codes. Returns true when they are acceptable. */
static bool attributes_valid(const json_t *category, const json_t *attrs)
{
	const json_t *defs = json_object_get(category, "attributes");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)attrs, key, v)
	{
		bool known = false;
		size_t i;
		json_t *d;
		json_array_foreach(defs, i, d) known = known || strcmp(json_str(d, "code"), key) == 0;
		if (!known)
			return false;
	}
	size_t i;
	json_t *d;
	json_array_foreach(defs, i, d)
	{
		json_t *val = json_object_get(attrs, json_str(d, "code"));
		bool given = val && !json_is_null(val) && !(json_is_string(val) && !json_string_length(val)) &&
			     !(json_is_array(val) && !json_array_size(val));
		if (!given) {
			if (json_is_true(json_object_get(d, "required")))
				return false;
			continue;
		}
		const char *type = json_str(d, "datatype");
		json_t *keys = json_object_get(d, "values");
		if (strcmp(type, "number") == 0) {
			char *end = NULL;
			if (!json_is_number(val) &&
			    !(json_is_string(val) && (strtod(json_string_value(val), &end), end && !*end)))
				return false;
		} else if (strcmp(type, "datetime") == 0) {
			int64_t t;
			if (!json_is_string(val) || iso_time_parse(json_string_value(val), &t) != 0)
				return false;
		} else if (strcmp(type, "singlevaluelist") == 0 || strcmp(type, "multivaluelist") == 0) {
			json_t *one = json_array();
			if (json_is_string(val))
				json_array_append(one, val);
			else if (json_is_array(val) && strcmp(type, "multivaluelist") == 0)
				json_array_extend(one, val);
			bool ok = json_array_size(one) > 0;
			size_t j;
			json_t *x;
			json_array_foreach(one, j, x)
			{
				bool found = false;
				size_t k;
				json_t *kv;
				json_array_foreach(keys, k, kv) found = found || (json_is_string(x) &&
										  strcmp(json_str(kv, "key"),
											 json_string_value(x)) == 0);
				ok = ok && found;
			}
			json_decref(one);
			if (!ok)
				return false;
		} else if (!json_is_string(val)) {
			return false;
		}
	}
	return true;
}

/* Whether s is an http(s) URL of printable ASCII (no spaces) and at most MEDIA_URL_MAX bytes: what a link to a
 * photo may be before staff follow it. */
static bool media_url_valid(const char *s)
{
	size_t n = strlen(s);
	if (n > MEDIA_URL_MAX || (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0))
		return false;
	size_t host = strncmp(s, "https://", 8) == 0 ? 8 : 7;
	if (n == host || s[host] == '/')
		return false;
	for (const char *p = s; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return false;
	return true;
}

/* Intake values after checking, all borrowed from the values or the party, or owned here (phone). */
struct intake {
	const char *kind, *channel, *external_id, *key, *preferred, *subject, *description, *address, *media_url;
	struct requester_contact contact; /* name, phone and e-mail */
	int64_t party_id, category_id, neighbourhood_id, lat, lon, received_at;
	bool has_coordinates;
	char *attributes;
};

/* Checks values into in (OUT). Returns APP_OK or APP_INVALID with *field. */
static int check_intake(struct db *db, const json_t *values, json_t **party, json_t **category, int64_t now,
			struct intake *in, const char **field)
{
	memset(in, 0, sizeof *in);
	in->kind = json_str(values, "kind");
	in->channel = json_str(values, "channel");
	in->external_id = json_str(values, "external_id");
	in->key = json_str(values, "idempotency_key");
	if (!app_one_of(in->kind, kinds))
		return *field = "kind", APP_INVALID;
	if (!app_one_of(in->channel, channels))
		return *field = "channel", APP_INVALID;
	if (strlen(in->external_id) > 100)
		return *field = "external_id", APP_INVALID;
	if (strlen(in->key) > 100)
		return *field = "idempotency_key", APP_INVALID;
	json_t *jparty = json_object_get(values, "party_id");
	if (jparty && !json_is_null(jparty) && !(json_is_integer(jparty) && json_integer_value(jparty) == 0)) {
		in->party_id = json_is_integer(jparty) ? json_integer_value(jparty) : -1;
		if (in->party_id <= 0 || !(*party = party_get(db, in->party_id, false)))
			return *field = "party_id", APP_INVALID;
	}
	*field = requester_contact_check(values, "applicant_name", 200, *party, &in->contact);
	if (*field)
		return APP_INVALID;
	const char *phone = in->contact.phone, *email = in->contact.email;
	in->preferred = json_str(values, "preferred_channel");
	if (!*in->preferred) {
		const char *p = json_str(*party, "preferred_channel");
		in->preferred = app_one_of(p, preferred_channels) ? p : *phone ? "sms" : *email ? "email" : "none";
		if ((strcmp(in->preferred, "sms") == 0 && !*phone) || (strcmp(in->preferred, "email") == 0 && !*email))
			in->preferred = *phone ? "sms" : *email ? "email" : "none";
	}
	if (!app_one_of(in->preferred, preferred_channels) || (strcmp(in->preferred, "sms") == 0 && !*phone) ||
	    (strcmp(in->preferred, "phone") == 0 && !*phone) || (strcmp(in->preferred, "email") == 0 && !*email))
		return *field = "preferred_channel", APP_INVALID;
	json_t *jcat = json_object_get(values, "category_id");
	const char *cat_field = "category_id";
	if (json_is_integer(jcat) && json_integer_value(jcat) > 0) {
		*category = app_category_get(db, json_integer_value(jcat));
	} else if (*json_str(values, "category_code")) {
		cat_field = "category_code";
		*category = app_category_by_code(db, json_str(values, "category_code"));
	}
	if (!*category || !json_is_true(json_object_get(*category, "active")))
		return *field = cat_field, APP_INVALID;
	in->category_id = app_int(*category, "id");
	in->subject = json_str(values, "subject");
	if (!*in->subject || utf8_length(in->subject) > 300)
		return *field = "subject", APP_INVALID;
	in->description = json_str(values, "description");
	if (strlen(in->description) > 20000)
		return *field = "description", APP_INVALID;
	in->address = *json_str(values, "address") ? json_str(values, "address") : json_str(*party, "address");
	json_t *jn = json_object_get(values, "neighbourhood_id");
	if (jn && !json_is_null(jn) && !(json_is_integer(jn) && json_integer_value(jn) == 0)) {
		in->neighbourhood_id = json_is_integer(jn) ? json_integer_value(jn) : -1;
		json_t *n = in->neighbourhood_id > 0 ? neighbourhood_get(db, in->neighbourhood_id) : NULL;
		json_decref(n);
		if (!n)
			return *field = "neighbourhood_id", APP_INVALID;
	} else if (!jn) {
		in->neighbourhood_id = app_int(*party, "neighbourhood_id");
	}
	bool has_lat, has_lon;
	if (coordinate(json_object_get(values, "lat"), 90, &in->lat, &has_lat) != 0)
		return *field = "lat", APP_INVALID;
	if (coordinate(json_object_get(values, "lon"), 180, &in->lon, &has_lon) != 0)
		return *field = "lon", APP_INVALID;
	if (has_lat != has_lon)
		return *field = has_lat ? "lon" : "lat", APP_INVALID;
	in->has_coordinates = has_lat;
	in->media_url = json_str(values, "media_url");
	if (*in->media_url && !media_url_valid(in->media_url))
		return *field = "media_url", APP_INVALID;
	json_t *attrs = json_object_get(values, "attributes");
	if (attrs && !json_is_null(attrs) && !json_is_object(attrs))
		return *field = "attributes", APP_INVALID;
	json_t *empty = json_object();
	bool ok = attributes_valid(*category, attrs && json_is_object(attrs) ? attrs : empty);
	in->attributes = json_dumps(attrs && json_is_object(attrs) ? attrs : empty, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(empty);
	if (!ok)
		return *field = "attributes", APP_INVALID;
	in->received_at = app_time_field(json_object_get(values, "received_at"));
	if (in->received_at < 0 || in->received_at > now)
		return *field = "received_at", APP_INVALID;
	if (!in->received_at)
		in->received_at = now;
	if (!in->attributes)
		in->attributes = xstrdup("{}");
	return APP_OK;
}

int64_t app_create(struct db *db, const char *actor, const json_t *values, const struct app_files *files,
		   bool *existing, const char **field, const char **error_key)
{
	const char *df, *dk;
	bool dummy_existing;
	if (!field)
		field = &df;
	if (!error_key)
		error_key = &dk;
	if (!existing)
		existing = &dummy_existing;
	*field = NULL;
	*error_key = NULL;
	*existing = false;
	int64_t now = (int64_t)time(NULL), result = APP_ERROR, id;
	json_t *party = NULL, *category = NULL, *after = NULL;
	struct intake in;
	memset(&in, 0, sizeof in);
	char *fold = NULL;
	/* The checks and the reads they need run first in a read snapshot, so that the write lock (SQLite has one
	 * writer) is held only for the writes. Repeated submissions are looked for there and again under the lock:
	 * on PostgreSQL a failed INSERT would abort the transaction. */
	int rc = db_begin_read(db);
	if (rc != 0)
		return app_db_result(rc);
	int64_t dup = find_duplicate(db, json_str(values, "channel"), json_str(values, "external_id"),
				     json_str(values, "idempotency_key"));
	if (dup == 0)
		result = check_intake(db, values, &party, &category, now, &in, field);
	db_rollback(db); /* ends the read: nothing was written */
	if (dup == 0 && result != APP_OK) {
		*error_key = "error.invalid";
		goto done;
	}
	if (dup != 0) {
		*existing = dup > 0;
		result = dup > 0 ? dup : APP_ERROR;
		goto done;
	}
	result = APP_ERROR;
	rc = db_begin_write(db);
	if (rc != 0) {
		result = app_db_result(rc);
		goto done;
	}
	dup = find_duplicate(db, in.channel, in.external_id, in.key);
	if (dup != 0) {
		*existing = dup > 0;
		result = dup > 0 ? dup : APP_ERROR;
		goto out; /* rolled back: nothing was written */
	}
	char code[APP_CODE_LEN + 1];
	if (new_code(db, code) != 0)
		goto out;
	fold = app_search_text(in.contact.name, in.subject, in.description, in.address, code,
			       json_str(category, "name_tr"));
	struct db_stmt *st = db_prep(db, SQL_INSERT);
	if (!st)
		goto out;
	int i = 1;
	db_bind_text(st, i++, code);
	db_bind_text(st, i++, in.kind);
	db_bind_text(st, i++, in.channel);
	db_bind_text(st, i++, in.external_id);
	db_bind_text(st, i++, in.key);
	db_bind_id_or_null(st, i++, in.party_id);
	db_bind_text(st, i++, in.contact.name);
	db_bind_text(st, i++, in.contact.phone);
	db_bind_text(st, i++, in.contact.email);
	db_bind_text(st, i++, in.preferred);
	db_bind_int(st, i++, in.category_id);
	db_bind_text(st, i++, in.subject);
	db_bind_text(st, i++, in.description);
	db_bind_id_or_null(st, i++, in.neighbourhood_id);
	db_bind_text(st, i++, in.address);
	if (in.has_coordinates) {
		db_bind_int(st, i++, in.lat);
		db_bind_int(st, i++, in.lon);
	} else {
		db_bind_null(st, i++);
		db_bind_null(st, i++);
	}
	db_bind_text(st, i++, in.media_url);
	db_bind_text(st, i++, in.attributes);
	db_bind_text(st, i++, fold);
	db_bind_int(st, i++, in.received_at);
	db_bind_int(st, i++, in.received_at); /* the clock columns are computed by appc_start */
	db_bind_int(st, i++, in.received_at);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	rc = db_step(st);
	if (rc != DB_ROW) {
		result = app_db_result(rc);
		goto out;
	}
	id = db_col_int(st, 0);
	db_reset(st);
	if (app_search_index(db, id, fold) != 0)
		goto out;
	result = app_store_files(db, actor, id, files, files && files->role && *files->role ? files->role : "petition",
				 field, error_key);
	if (result != APP_OK)
		goto out;
	result = APP_ERROR;
	if (appc_start(db, id, in.received_at, actor) != 0)
		goto out;
	after = app_row_get(db, id, 0);
	if (!after || audit_append(db, actor, "application.create", "application", id, NULL, after) != 0)
		goto out;
	if (app_notify(db, actor, after, "", "application_received", NULL, NULL) != APP_OK)
		goto out;
	rc = db_commit(db);
	result = rc == 0 ? id : app_db_result(rc);
	goto done;
out:
	db_rollback(db);
done:
	json_decref(party);
	json_decref(category);
	json_decref(after);
	free(in.attributes);
	free(fold);
	return result;
}

int app_attach(struct db *db, const char *actor, int64_t directorate_scope, int64_t id, const struct app_files *files,
	       const char **field, const char **error_key)
{
	const char *df, *dk;
	if (!field)
		field = &df;
	if (!error_key)
		error_key = &dk;
	*field = NULL;
	*error_key = NULL;
	int rc = db_begin_write(db);
	if (rc != 0)
		return app_db_result(rc);
	int result = APP_NOT_FOUND;
	json_t *app = app_row_get(db, id, directorate_scope);
	if (!app) {
		*error_key = "error.not_found";
		goto out;
	}
	result = app_store_files(db, actor, id, files, NULL, field, error_key);
	if (result != APP_OK)
		goto out;
	rc = db_commit(db);
	json_decref(app);
	return rc == 0 ? APP_OK : app_db_result(rc);
out:
	db_rollback(db);
	json_decref(app);
	return result;
}


int app_tracking_code(struct db *db, int64_t id, char code[APP_CODE_LEN + 1])
{
	code[0] = '\0';
	struct db_stmt *st = db_prep(db, SQL_CODE_OF);
	if (!st)
		return APP_ERROR;
	db_bind_int(st, 1, id);
	int rc = db_step(st);
	if (rc == DB_ROW)
		snprintf(code, APP_CODE_LEN + 1, "%s", db_col_text(st, 0));
	db_reset(st);
	return rc == DB_ROW ? APP_OK : rc == DB_OK ? APP_NOT_FOUND : APP_ERROR;
}
