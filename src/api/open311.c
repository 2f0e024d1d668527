/* open311.c: the Open311 GeoReport v2 interface over store/app_reference.h and store/applications.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/open311.h"
#include "api/open311_format.h"
#include "core/isotime.h"
#include "core/phone.h"
#include "core/validate.h"
#include "store/app_reference.h"
#include "store/applications.h"
#include "store/settings.h"
#include "store/setup.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/json_str.h"
#include "util/xalloc.h"

#define O311_SPEC_URL "http://wiki.open311.org/GeoReport_v2"
#define O311_MAX_REQUESTS 1000     /* the spec's default and most requests in one answer */
#define O311_MAX_RANGE (90 * 86400) /* the spec's default window and widest start_date..end_date */
#define O311_CHANNEL "bizim_meram"
#define O311_TEXT_MAX 4000         /* description */
#define O311_FIELD_MAX 200         /* names, address, ids, keys */
#define O311_URL_MAX 1000          /* media_url */

/* ---------------------------------------------------------------------------------------------------------
 * Output */

static void send_body(struct req *r, enum o311_format fmt, unsigned status, const char *root, const char *item,
		      json_t *body)
{
	buf_reset(&r->resp);
	r->status = status;
	r->resp_type = o311_content_type(fmt);
	o311_write(&r->resp, fmt, root, item, body);
	json_decref(body);
}

/* An error whose description is the catalogue text of key with {field} (may be NULL) filled in. */
static void fail(struct req *r, enum o311_format fmt, unsigned status, const char *key, const char *field)
{
	struct buf msg = BUF_INIT;
	json_t *args = json_pack("{s:s}", "field", field ? field : "");
	i18n_format(&msg, r->lang, key, args);
	json_decref(args);
	buf_reset(&r->resp);
	r->status = status;
	r->resp_type = o311_content_type(fmt);
	o311_write_error(&r->resp, fmt, status, msg.data ? msg.data : "");
	buf_free(&msg);
}

void open311_error(struct req *r, unsigned status, const char *message_key)
{
	const char *last = strrchr(r->path, '/');
	char name[O311_NAME_MAX + 1];
	enum o311_format fmt;
	o311_split_format(last ? last + 1 : r->path, name, &fmt);
	if (status == 401) /* the spec: "api_key was not provided or is invalid" is a 403 */
		status = 403;
	fail(r, fmt, status, message_key, NULL);
}

/* The format of a route whose pattern ends in ".{fmt}": the argument is the suffix. An unknown one is answered
 * with a 404 here. */
static bool suffix_format(struct req *r, int arg, enum o311_format *fmt)
{
	const char *s = arg < r->n_path_args ? r->path_args[arg] : "";
	if (strcmp(s, "json") == 0)
		*fmt = O311_JSON;
	else if (strcmp(s, "xml") == 0)
		*fmt = O311_XML;
	else {
		fail(r, O311_XML, 404, "open311.error.format", NULL);
		return false;
	}
	return true;
}

/* A route whose last argument is "<name>.<fmt>": splits it; unknown format or bad name is a 404. */
static bool named_format(struct req *r, int arg, char name[O311_NAME_MAX + 1], enum o311_format *fmt)
{
	const char *s = arg < r->n_path_args ? r->path_args[arg] : "";
	if (o311_split_format(s, name, fmt) != 0 || *fmt == O311_UNKNOWN) {
		fail(r, O311_XML, 404, "open311.error.format", NULL);
		return false;
	}
	return true;
}

static void add_time(json_t *obj, const char *name, const json_t *v)
{
	char iso[ISO_TIME_SIZE];
	int64_t t;
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		iso_time_format(json_integer_value(v), iso);
		json_object_set_new(obj, name, json_string(iso));
	} else if (json_is_string(v) && iso_time_parse(json_string_value(v), &t) == 0) {
		iso_time_format(t, iso);
		json_object_set_new(obj, name, json_string(iso));
	} else {
		json_object_set_new(obj, name, json_null());
	}
}

/* The category's text in the request's language (Turkish unless English was asked for, or when empty). */
static const char *cat_text(struct req *r, const json_t *cat, const char *base)
{
	char name[48];
	snprintf(name, sizeof name, "%s_%s", base, r->lang == LANG_EN ? "en" : "tr");
	const char *s = json_str(cat, name);
	if (!*s) {
		snprintf(name, sizeof name, "%s_tr", base);
		s = json_str(cat, name);
	}
	return s;
}

/* ---------------------------------------------------------------------------------------------------------
 * Discovery, services, service definitions */

static void base_url(struct req *r, struct buf *out)
{
	const char *host = req_header(r, "Host");
	if (!host || !*host || strlen(host) > 255 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != strlen(host))
		host = "localhost";
	buf_addf(out, "%s://%s", r->tls ? "https" : "http", host);
}

void h_open311_discovery(struct req *r)
{
	enum o311_format fmt;
	if (!suffix_format(r, 0, &fmt))
		return;
	/* changeset: the last change to the services (the categories and their attributes). */
	json_t *cats = app_category_list(r->db, false);
	int64_t changed = 0, t;
	size_t i;
	json_t *c;
	json_array_foreach(cats, i, c) {
		json_t *u = json_object_get(c, "updated_at");
		if (json_is_integer(u))
			t = json_integer_value(u);
		else if (!json_is_string(u) || iso_time_parse(json_string_value(u), &t) != 0)
			continue;
		if (t > changed)
			changed = t;
	}
	json_decref(cats);
	json_t *changeset = json_null();
	if (changed > 0) {
		char iso[ISO_TIME_SIZE];
		iso_time_format(changed, iso);
		changeset = json_string(iso);
	}
	char municipality[200], office[200];
	if (setting_get(r->db, SETTING_MUNICIPALITY_NAME, municipality, sizeof municipality) != 1 || !*municipality)
		snprintf(municipality, sizeof municipality, "%s", SETTING_MUNICIPALITY_NAME_DEFAULT);
	if (setting_get(r->db, SETTING_OFFICE_NAME, office, sizeof office) != 1 || !*office)
		snprintf(office, sizeof office, "%s", SETTING_OFFICE_NAME_DEFAULT);
	struct buf contact = BUF_INIT, url = BUF_INIT;
	buf_addf(&contact, "%s, %s", municipality, office);
	base_url(r, &url);
	buf_adds(&url, "/open311/v2");
	json_t *endpoint = json_pack("{s:s,s:s,s:O,s:s,s:[s,s]}", "specification", O311_SPEC_URL, "url", url.data,
				     "changeset", changeset, "type", "production", "formats", "text/xml",
				     "application/json");
	json_t *body = json_pack("{s:o,s:s,s:s,s:[o]}", "changeset", changeset, "contact", contact.data, "key_service",
				 i18n_get(r->lang, "open311.key_service"), "endpoints", endpoint);
	buf_free(&contact);
	buf_free(&url);
	send_body(r, fmt, 200, "discovery", "endpoint", body);
}

static json_t *service_json(struct req *r, const json_t *cat)
{
	json_t *attrs = json_object_get(cat, "attributes");
	return json_pack("{s:s,s:s,s:s,s:b,s:s,s:s,s:s}", "service_code", json_str(cat, "code"), "service_name",
			 cat_text(r, cat, "name"), "description", cat_text(r, cat, "description"), "metadata",
			 json_array_size(attrs) > 0, "type", "realtime", "keywords", json_str(cat, "keywords"), "group",
			 cat_text(r, cat, "group"));
}

void h_open311_services(struct req *r)
{
	enum o311_format fmt;
	if (!suffix_format(r, 0, &fmt))
		return;
	json_t *cats = app_category_list(r->db, true);
	json_t *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(cats, i, c) {
		json_t *s = service_json(r, c);
		if (s)
			json_array_append_new(out, s);
	}
	json_decref(cats);
	send_body(r, fmt, 200, "services", "service", out);
}

static const char *datatype_key(const char *datatype)
{
	static const char *const known[] = {"string", "number", "datetime", "text", "singlevaluelist",
					    "multivaluelist"};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(datatype, known[i]) == 0) {
			static const char *const keys[] = {
				"open311.datatype.string",	    "open311.datatype.number",
				"open311.datatype.datetime",	    "open311.datatype.text",
				"open311.datatype.singlevaluelist", "open311.datatype.multivaluelist"};
			return keys[i];
		}
	return "open311.datatype.string";
}

static json_t *attribute_json(struct req *r, const json_t *a)
{
	const char *datatype = json_str(a, "datatype");
	json_t *values = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(a, "values"), i, v) {
		json_t *e = json_pack("{s:s,s:s}", "key", json_str(v, "key"), "name", cat_text(r, v, "name"));
		if (e)
			json_array_append_new(values, e);
	}
	json_t *order = json_object_get(a, "order");
	return json_pack("{s:b,s:s,s:s,s:b,s:s,s:I,s:s,s:o}", "variable", 1, "code", json_str(a, "code"), "datatype",
			 *datatype ? datatype : "string", "required", json_is_true(json_object_get(a, "required")),
			 "datatype_description", i18n_get(r->lang, datatype_key(datatype)), "order",
			 (json_int_t)(json_is_integer(order) ? json_integer_value(order) : (json_int_t)i + 1),
			 "description", cat_text(r, a, "description"), "values", values);
}

/* The active category of a service code, or NULL. */
static json_t *active_category(struct req *r, const char *code)
{
	json_t *cat = app_category_by_code(r->db, code);
	if (cat && !json_is_true(json_object_get(cat, "active"))) {
		json_decref(cat);
		cat = NULL;
	}
	return cat;
}

void h_open311_service(struct req *r)
{
	enum o311_format fmt;
	char code[O311_NAME_MAX + 1];
	if (!named_format(r, 0, code, &fmt))
		return;
	json_t *cat = active_category(r, code);
	if (!cat) {
		fail(r, fmt, 404, "open311.error.service_unknown", NULL);
		return;
	}
	json_t *attrs = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(cat, "attributes"), i, a) {
		json_t *e = attribute_json(r, a);
		if (e)
			json_array_append_new(attrs, e);
	}
	json_t *body = json_pack("{s:s,s:o}", "service_code", json_str(cat, "code"), "attributes", attrs);
	json_decref(cat);
	send_body(r, fmt, 200, "service_definition", "attribute", body);
}

/* ---------------------------------------------------------------------------------------------------------
 * POST requests */

/* A form field, NULL when absent or empty. */
static const char *form_field(struct req *r, const char *name)
{
	const char *v = params_get(&r->form, name);
	return v && *v ? v : NULL;
}

static bool printable_ascii(const char *s)
{
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e)
			return false;
	return true;
}

static const json_t *declared_attribute(const json_t *cat, const char *code)
{
	size_t i;
	json_t *a;
	json_array_foreach (json_object_get(cat, "attributes"), i, a)
		if (strcmp(json_str(a, "code"), code) == 0)
			return a;
	return NULL;
}

static bool value_listed(const json_t *attr, const char *value)
{
	size_t i;
	json_t *v;
	json_array_foreach (json_object_get(attr, "values"), i, v)
		if (strcmp(json_str(v, "key"), value) == 0)
			return true;
	return false;
}

static bool number_valid(const char *s)
{
	char *end;
	if (!*s || strlen(s) > 40)
		return false;
	strtod(s, &end);
	return *end == '\0' && strspn(s, "+-0123456789.eE") == strlen(s);
}

/* Collects attribute[code]=value fields declared by the category into an object (a multivaluelist as an array)
 * and checks them against the definition. Returns NULL, or the catalogue key of the error with *bad naming the
 * attribute. */
static const char *collect_attributes(struct req *r, const json_t *cat, json_t *out, const char **bad)
{
	char code[O311_NAME_MAX + 1];
	for (size_t i = 0; i < r->form.n; i++) {
		int k = o311_attribute_key(r->form.items[i].name, code);
		if (k == 0)
			continue;
		if (k < 0) {
			*bad = "attribute";
			return "open311.error.attribute_key";
		}
		const json_t *attr = declared_attribute(cat, code);
		if (!attr)
			continue; /* undeclared: dropped */
		const char *value = r->form.items[i].value;
		const char *datatype = json_str(attr, "datatype");
		const char *name = json_str(attr, "code");
		*bad = name;
		if (strlen(value) > O311_TEXT_MAX)
			return "open311.error.attribute_value";
		if (!*value)
			continue;
		if (strcmp(datatype, "multivaluelist") == 0) {
			if (!value_listed(attr, value))
				return "open311.error.attribute_value";
			json_t *list = json_object_get(out, name);
			if (!json_is_array(list)) {
				list = json_array();
				json_object_set_new(out, name, list);
			}
			json_array_append_new(list, json_string(value));
			continue;
		}
		int64_t t;
		if ((strcmp(datatype, "singlevaluelist") == 0 && !value_listed(attr, value)) ||
		    (strcmp(datatype, "number") == 0 && !number_valid(value)) ||
		    (strcmp(datatype, "datetime") == 0 && iso_time_parse(value, &t) != 0))
			return "open311.error.attribute_value";
		json_object_set_new(out, name, json_string(value));
	}
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(cat, "attributes"), i, a) {
		if (json_is_true(json_object_get(a, "required")) && !json_object_get(out, json_str(a, "code"))) {
			*bad = json_str(a, "code");
			return "open311.error.attribute_required";
		}
	}
	return NULL;
}

/* The first line of text, cut to at most max bytes on a character boundary. */
static void subject_from(const char *text, size_t max, struct buf *out)
{
	size_t n = strcspn(text, "\r\n");
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
	}
	buf_add(out, text, n);
}

void h_open311_request_create(struct req *r)
{
	enum o311_format fmt;
	if (!suffix_format(r, 0, &fmt))
		return;
	if (!r->authenticated || r->actor.role != ROLE_INTEGRATION || strcmp(r->actor.scope, "open311") != 0) {
		fail(r, fmt, 403, "open311.error.api_key", NULL);
		return;
	}
	const char *code = form_field(r, "service_code");
	if (!code) {
		fail(r, fmt, 400, "open311.error.required", "service_code");
		return;
	}
	json_t *cat = strlen(code) <= O311_NAME_MAX ? active_category(r, code) : NULL;
	if (!cat) {
		fail(r, fmt, 400, "open311.error.service_code", NULL);
		return;
	}
	json_t *values = json_object();
	json_t *attrs = json_object();
	const char *bad = NULL, *err = NULL;
	struct buf tmp = BUF_INIT;

	/* Where: lat and long together, or an address (address_string or address_id). */
	const char *lat_s = form_field(r, "lat"), *lon_s = form_field(r, "long");
	const char *address = form_field(r, "address_string"), *address_id = form_field(r, "address_id");
	double lat = 0, lon = 0;
	if (lat_s || lon_s) {
		if (o311_parse_coordinate(lat_s, -90, 90, &lat) != 0) {
			bad = "lat";
			err = "open311.error.invalid";
		} else if (o311_parse_coordinate(lon_s, -180, 180, &lon) != 0) {
			bad = "long";
			err = "open311.error.invalid";
		} else {
			json_object_set_new(values, "lat", json_real(lat));
			json_object_set_new(values, "lon", json_real(lon));
		}
	} else if (!address && !address_id) {
		err = "open311.error.location";
	}
	if (!err && ((address && strlen(address) > O311_FIELD_MAX) || (address_id && strlen(address_id) > 64))) {
		bad = address && strlen(address) > O311_FIELD_MAX ? "address_string" : "address_id";
		err = "open311.error.invalid";
	}
	if (!err) {
		if (address)
			json_object_set_new(values, "address", json_string(address));
		else if (address_id)
			json_object_set_new(values, "address", json_string(address_id));
	}
	if (!err)
		err = collect_attributes(r, cat, attrs, &bad);

	/* Who (kept private: never shown by a GET). */
	const char *email = form_field(r, "email"), *phone = form_field(r, "phone");
	const char *first = form_field(r, "first_name"), *last = form_field(r, "last_name");
	char e164[PHONE_E164_SIZE] = "";
	if (!err && email && (strlen(email) > O311_FIELD_MAX || !email_valid(email))) {
		bad = "email";
		err = "open311.error.invalid";
	}
	if (!err && phone && phone_normalize(phone, e164) != 0) {
		bad = "phone";
		err = "open311.error.invalid";
	}
	if (!err && ((first && strlen(first) > O311_FIELD_MAX) || (last && strlen(last) > O311_FIELD_MAX))) {
		bad = first && strlen(first) > O311_FIELD_MAX ? "first_name" : "last_name";
		err = "open311.error.invalid";
	}
	const char *description = form_field(r, "description"), *media_url = form_field(r, "media_url");
	if (!err && description && strlen(description) > O311_TEXT_MAX) {
		bad = "description";
		err = "open311.error.invalid";
	}
	if (!err && media_url &&
	    (strlen(media_url) > O311_URL_MAX || !printable_ascii(media_url) ||
	     (strncmp(media_url, "https://", 8) != 0 && strncmp(media_url, "http://", 7) != 0))) {
		bad = "media_url";
		err = "open311.error.invalid";
	}
	const char *idem = req_header(r, "Idempotency-Key");
	if (!idem || !*idem)
		idem = form_field(r, "idempotency_key");
	const char *external = form_field(r, "external_id");
	if (!err && idem && (strlen(idem) > 128 || !printable_ascii(idem))) {
		bad = "idempotency_key";
		err = "open311.error.invalid";
	}
	if (!err && external && (strlen(external) > 100 || !printable_ascii(external))) {
		bad = "external_id";
		err = "open311.error.invalid";
	}
	if (err) {
		fail(r, fmt, 400, err, bad);
		goto out;
	}

	/* kind: complaint unless the category asks for it and the client said otherwise. */
	const char *kind = json_string_value(json_object_get(attrs, "kind"));
	if (!kind || (strcmp(kind, "request") != 0 && strcmp(kind, "suggestion") != 0 &&
		      strcmp(kind, "information") != 0))
		kind = "complaint";
	json_object_set_new(values, "kind", json_string(kind));
	json_object_set_new(values, "channel", json_string(O311_CHANNEL));
	json_object_set_new(values, "category_code", json_string(json_str(cat, "code")));
	if (first || last) {
		buf_reset(&tmp);
		buf_addf(&tmp, "%s%s%s", first ? first : "", first && last ? " " : "", last ? last : "");
		json_object_set_new(values, "applicant_name", json_string(tmp.data));
	} else {
		json_object_set_new(values, "applicant_name", json_string(i18n_get(LANG_TR, "open311.applicant")));
	}
	if (e164[0])
		json_object_set_new(values, "phone", json_string(e164));
	if (email)
		json_object_set_new(values, "email", json_string(email));
	json_object_set_new(values, "preferred_channel", json_string(e164[0] ? "sms" : email ? "email" : "none"));
	buf_reset(&tmp);
	if (description)
		subject_from(description, 120, &tmp);
	if (!tmp.len)
		buf_adds(&tmp, json_str(cat, "name_tr"));
	json_object_set_new(values, "subject", json_string(tmp.data));
	if (description && *description)
		json_object_set_new(values, "description", json_string(description));
	if (media_url)
		json_object_set_new(values, "media_url", json_string(media_url));
	json_object_set(values, "attributes", attrs);
	if (external)
		json_object_set_new(values, "external_id", json_string(external));
	if (idem) {
		/* Keys are the client's: two clients' keys must not meet. */
		buf_reset(&tmp);
		buf_addf(&tmp, "%s:%s", r->actor.username, idem);
		json_object_set_new(values, "idempotency_key", json_string(tmp.data));
	}

	bool existing = false;
	const char *bad_field = NULL, *error_key = NULL;
	int64_t id = app_create(r->db, r->actor.username, values, NULL, &existing, &bad_field, &error_key);
	if (id == APP_INVALID) {
		fail(r, fmt, 400, error_key && i18n_has(error_key) ? error_key : "open311.error.invalid",
		     bad_field ? bad_field : "");
		goto out;
	}
	if (id == APP_BUSY) {
		fail(r, fmt, 503, "error.unavailable", NULL);
		goto out;
	}
	if (id <= 0) {
		fail(r, fmt, 500, "error.internal", NULL);
		goto out;
	}
	char tracking[APP_CODE_LEN + 1];
	if (app_tracking_code(r->db, id, tracking) != APP_OK) {
		fail(r, fmt, 500, "error.internal", NULL);
		goto out;
	}
	json_t *args = json_pack("{s:s}", "code", tracking);
	buf_reset(&tmp);
	i18n_format(&tmp, r->lang, "open311.notice", args);
	json_decref(args);
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	const char *account = form_field(r, "account_id");
	json_t *item = json_pack("{s:s,s:s,s:o}", "service_request_id", sid, "service_notice", tmp.data ? tmp.data : "",
				 "account_id", account && strlen(account) <= 64 ? json_string(account) : json_null());
	send_body(r, fmt, 200, "service_requests", "request", json_pack("[o]", item));
out:
	buf_free(&tmp);
	json_decref(attrs);
	json_decref(values);
	json_decref(cat);
}

/* ---------------------------------------------------------------------------------------------------------
 * GET requests */

static bool state_closed(const char *state)
{
	return strcmp(state, "rejected") == 0 || strcmp(state, "forwarded") == 0 ||
	       strcmp(state, "feedback_given") == 0 || strcmp(state, "archived") == 0;
}

/* Descriptions, addresses, coordinates and photos are public only for what citizens sent through this
 * interface (channel bizim_meram, created by an API key): from the front desk they are private (KVKK). */
static bool came_through_open311(const json_t *app)
{
	return strcmp(json_str(app, "channel"), O311_CHANNEL) == 0 &&
	       strncmp(json_str(app, "created_by"), "apikey:", 7) == 0;
}

static const json_t *category_of(const json_t *cats, const char *code)
{
	size_t i;
	json_t *c;
	json_array_foreach(cats, i, c) if (strcmp(json_str(c, "code"), code) == 0) return c;
	return NULL;
}

/* The public view of one application: a whitelist of fields, nothing personal. */
static json_t *request_json(struct req *r, const json_t *app, const json_t *cats)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)json_integer_value(json_object_get(app, "id")));
	const char *state = json_str(app, "state");
	char note_key[64];
	snprintf(note_key, sizeof note_key, "app.state.%s", state);
	const json_t *cat = category_of(cats, json_str(app, "category_code"));
	json_t *out = json_object();
	json_object_set_new(out, "service_request_id", json_string(sid));
	json_object_set_new(out, "status", json_string(state_closed(state) ? "closed" : "open"));
	json_object_set_new(out, "status_notes", json_string(i18n_get(r->lang, note_key)));
	json_object_set_new(out, "service_name",
			    json_string(cat ? cat_text(r, cat, "name") : json_str(app, "category_name")));
	json_object_set_new(out, "service_code", json_string(json_str(app, "category_code")));
	bool own = came_through_open311(app);
	json_object_set_new(out, "description", own ? json_string(json_str(app, "description")) : json_null());

	struct buf agency = BUF_INIT;
	size_t i;
	json_t *route;
	json_array_foreach(json_object_get(app, "routes"), i, route) {
		const char *rs = json_str(route, "state");
		if (strcmp(rs, "withdrawn") == 0 || strcmp(rs, "returned") == 0 ||
		    !*json_str(route, "directorate_name"))
			continue;
		if (agency.len)
			buf_adds(&agency, ", ");
		buf_adds(&agency, json_str(route, "directorate_name"));
	}
	if (!agency.len && cat)
		buf_adds(&agency, json_str(cat, "directorate_name"));
	json_object_set_new(out, "agency_responsible", agency.len ? json_string(agency.data) : json_null());
	buf_free(&agency);
	json_object_set_new(out, "service_notice", json_null());
	add_time(out, "requested_datetime", json_object_get(app, "received_at"));
	add_time(out, "updated_datetime", json_object_get(app, "updated_at"));
	json_t *office = json_object_get(json_object_get(app, "clocks"), "office");
	json_t *due = json_object_get(office, "due_at");
	add_time(out, "expected_datetime", due ? due : json_object_get(office, "due"));
	const char *where = own ? json_str(app, "address") : json_str(app, "neighbourhood_name");
	json_object_set_new(out, "address", *where ? json_string(where) : json_null());
	json_object_set_new(out, "address_id", json_null());
	json_object_set_new(out, "zipcode", json_null());
	json_t *lat = json_object_get(app, "lat"), *lon = json_object_get(app, "lon");
	bool located = own && json_is_number(lat) && json_is_number(lon);
	json_object_set_new(out, "lat", located ? json_real(json_number_value(lat)) : json_null());
	json_object_set_new(out, "long", located ? json_real(json_number_value(lon)) : json_null());
	const char *media = own ? json_str(app, "media_url") : "";
	json_object_set_new(out, "media_url", *media ? json_string(media) : json_null());
	return out;
}

/* Parses a W3C date-time query parameter; 0 absent, 1 set, -1 bad. */
static int time_param(struct req *r, const char *name, int64_t *t)
{
	const char *s = params_get(&r->query, name);
	if (!s || !*s)
		return 0;
	return iso_time_parse(s, t) == 0 ? 1 : -1;
}

void h_open311_requests(struct req *r)
{
	enum o311_format fmt;
	if (!suffix_format(r, 0, &fmt))
		return;
	int64_t now = (int64_t)time(NULL);
	json_t *cats = app_category_list(r->db, false);
	json_t *out = json_array();

	const char *ids_s = params_get(&r->query, "service_request_id");
	if (ids_s && *ids_s) {
		/* The spec: with service_request_id every other parameter is ignored. */
		int64_t ids[O311_MAX_IDS];
		int n = o311_parse_ids(ids_s, ids, O311_MAX_IDS);
		if (n < 0) {
			fail(r, fmt, 400, "open311.error.invalid", "service_request_id");
			goto out;
		}
		for (int i = 0; i < n; i++) {
			json_t *app = app_get(r->db, ids[i], 0, now);
			if (app)
				json_array_append_new(out, request_json(r, app, cats));
			json_decref(app);
		}
		send_body(r, fmt, 200, "service_requests", "request", out);
		out = NULL;
		goto out;
	}

	int64_t start = 0, end = 0;
	int has_start = time_param(r, "start_date", &start), has_end = time_param(r, "end_date", &end);
	if (has_start < 0 || has_end < 0) {
		fail(r, fmt, 400, "open311.error.invalid", has_start < 0 ? "start_date" : "end_date");
		goto out;
	}
	if (!has_start && !has_end) {
		end = now;
		start = now - O311_MAX_RANGE;
	} else if (!has_end) {
		end = start + O311_MAX_RANGE;
	} else if (!has_start) {
		start = end - O311_MAX_RANGE;
	}
	if (end < start || end - start > O311_MAX_RANGE) {
		fail(r, fmt, 400, "open311.error.date_range", NULL);
		goto out;
	}
	bool want_open = true, want_closed = true;
	const char *status = params_get(&r->query, "status");
	if (status && *status) {
		want_open = want_closed = false;
		char s[32];
		snprintf(s, sizeof s, "%s", status);
		if (strlen(status) >= sizeof s) {
			fail(r, fmt, 400, "open311.error.invalid", "status");
			goto out;
		}
		for (char *save = NULL, *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (strcmp(tok, "open") == 0)
				want_open = true;
			else if (strcmp(tok, "closed") == 0)
				want_closed = true;
			else {
				fail(r, fmt, 400, "open311.error.invalid", "status");
				goto out;
			}
		}
		if (!want_open && !want_closed) {
			fail(r, fmt, 400, "open311.error.invalid", "status");
			goto out;
		}
	}
	struct app_filter f = {0};
	f.from = start;
	f.to = end + 1; /* end_date is inclusive */
	const char *code = params_get(&r->query, "service_code");
	if (code && *code) {
		const json_t *cat = category_of(cats, code);
		if (!cat) {
			/* No such service: nothing can match. */
			send_body(r, fmt, 200, "service_requests", "request", out);
			out = NULL;
			goto out;
		}
		f.category_id = json_integer_value(json_object_get(cat, "id"));
	}
	char *after = NULL;
	size_t count = 0;
	while (count < O311_MAX_REQUESTS) {
		json_t *page = app_list(r->db, &f, after, 500, now);
		free(after);
		after = NULL;
		if (!page)
			break;
		size_t i;
		json_t *item;
		json_array_foreach(json_object_get(page, "items"), i, item) {
			if (count >= O311_MAX_REQUESTS)
				break;
			bool closed = state_closed(json_str(item, "state"));
			if ((closed && !want_closed) || (!closed && !want_open))
				continue;
			json_t *app = app_get(r->db, json_integer_value(json_object_get(item, "id")), 0, now);
			if (!app)
				continue;
			json_array_append_new(out, request_json(r, app, cats));
			json_decref(app);
			count++;
		}
		const char *next = json_string_value(json_object_get(page, "next"));
		if (next)
			after = xstrdup(next);
		json_decref(page);
		if (!after)
			break;
	}
	free(after);
	send_body(r, fmt, 200, "service_requests", "request", out);
	out = NULL;
out:
	json_decref(out);
	json_decref(cats);
}

void h_open311_request(struct req *r)
{
	enum o311_format fmt;
	char name[O311_NAME_MAX + 1];
	if (!named_format(r, 0, name, &fmt))
		return;
	/* service_request_id is the application id: digits only. */
	size_t len = strlen(name);
	int64_t id = len > 0 && len <= 18 && strspn(name, "0123456789") == len ? strtoll(name, NULL, 10) : 0;
	json_t *app = id > 0 ? app_get(r->db, id, 0, (int64_t)time(NULL)) : NULL;
	if (!app) {
		fail(r, fmt, 404, "open311.error.request_unknown", NULL);
		return;
	}
	json_t *cats = app_category_list(r->db, false);
	json_t *out = json_pack("[o]", request_json(r, app, cats));
	json_decref(cats);
	json_decref(app);
	send_body(r, fmt, 200, "service_requests", "request", out);
}

void h_open311_token(struct req *r)
{
	enum o311_format fmt;
	char token[O311_NAME_MAX + 1];
	if (!named_format(r, 0, token, &fmt))
		return;
	int64_t id = 0;
	if (strlen(token) == APP_CODE_LEN &&
	    strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == APP_CODE_LEN) {
		struct app_filter f = {0};
		f.q = token;
		json_t *page = app_list(r->db, &f, NULL, 20, (int64_t)time(NULL));
		size_t i;
		json_t *item;
		json_array_foreach(json_object_get(page, "items"), i, item) {
			if (strcasecmp(json_str(item, "tracking_code"), token) == 0)
				id = json_integer_value(json_object_get(item, "id"));
		}
		json_decref(page);
	}
	if (id <= 0) {
		fail(r, fmt, 404, "open311.error.token_unknown", NULL);
		return;
	}
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	send_body(r, fmt, 200, "service_requests", "request",
		  json_pack("[{s:s,s:s}]", "service_request_id", sid, "token", token));
}
