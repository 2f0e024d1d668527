/* test_applications_store.c: applications of workflow 3 (store/applications.h) on SQLite and PostgreSQL: every path
 * of the chart, routes of two directorates, pauses pushing the clocks, interim notices, duplicates, directorate
 * isolation, bad input writing nothing, the sweep recording once, public tracking, notifications, files, lists, a
 * category's changed clock policy moving the due dates, media_url, the tracking code alone. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#define _XOPEN_SOURCE_EXTENDED 1
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/bizcal.h"
#include "core/clocks.h"
#include "core/workflow.h"
#include "db_fixture.h"
#include "store/app_reference.h"
#include "store/applications.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/holidays.h"
#include "store/outbox.h"
#include "util/i18n.h"

#define PG_SCHEMA "test_applications_store"
#define THU 20261022 /* received: Thursday 22 October 2026 */
#define SEC 4        /* WF_ROLE_SECRETARIAT */
#define DIR WF_ROLE_DIRECTORATE
#define FEN 1    /* directorate ids of the seed */
#define ZABITA 2

static struct db_fixture sqlite_be = {.kind = DB_SQLITE, .name = PG_SCHEMA};
static struct db_fixture pg_be = {.kind = DB_POSTGRES, .name = PG_SCHEMA};

/* A 1x1 PNG, and text pretending to be one. */
static const unsigned char png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
	0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff,
	0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
static const char not_png[] = "#!/bin/sh\necho this is not a petition\n";

static char files_dir[64];

static const char SEED[] =
	"INSERT INTO directorates (code, name, name_fold, sort_key, created_at, updated_at, created_by, updated_by) "
	"VALUES ('fen', 'Fen İşleri Müdürlüğü', 'fen isleri mudurlugu', 'a', 0, 0, 't', 't'), "
	"('zabita', 'Zabıta Müdürlüğü', 'zabita mudurlugu', 'b', 0, 0, 't', 't');"
	"INSERT INTO neighbourhoods (name, name_fold, sort_key, created_at, updated_at, created_by, updated_by) "
	"VALUES ('Yaka', 'yaka', 'a', 0, 0, 't', 't');"
	"INSERT INTO holidays (ymd, half_day, name) VALUES (20261028, 1, 'Cumhuriyet Bayramı arifesi'), "
	"(20261029, 0, 'Cumhuriyet Bayramı');"
	"INSERT INTO app_categories (code, name_tr, name_en, group_sort_key, sort_key, directorate_id, "
	"office_warn_days, office_due_days, legal_clock, legal_warn_percent, file_plan_code, attributes, active, "
	"created_at, updated_at, created_by, updated_by) VALUES ('road', 'Yol bakım', 'Road repair', 'a', 'a', 1, 2, 7, "
	"'petition_3071', 75, '010.06.02', '[{\"code\":\"surface\",\"datatype\":\"singlevaluelist\",\"required\":true,"
	"\"order\":1,\"description_tr\":\"Zemin\",\"description_en\":\"Surface\",\"values\":[{\"key\":\"asphalt\","
	"\"name_tr\":\"Asfalt\",\"name_en\":\"Asphalt\"},{\"key\":\"stone\",\"name_tr\":\"Taş\",\"name_en\":"
	"\"Stone\"}]}]', 1, 0, 0, 't', 't'), ('info', 'Bilgi edinme', 'Information', 'a', 'b', NULL, 2, 7, "
	"'info_4982', 75, '', '[]', 1, 0, 0, 't', 't');"
	"INSERT INTO legal_reasons (code, article, action, label_tr, label_en, sort_key, created_at, updated_at, "
	"created_by, updated_by) VALUES ('no_identity', '3071/6', 'reject', 'Kimlik ve adres bilgisi eksik', "
	"'Identity or address missing', 'a', 0, 0, 't', 't'), ('not_competent', '3071/5', 'forward', "
	"'Belediyenin görev alanında değil', 'Not within our competence', 'b', 0, 0, 't', 't');"
	"INSERT INTO response_templates (category_id, purpose, title, body_tr, sort_key, created_at, updated_at, "
	"created_by, updated_by) VALUES (NULL, 'rejected', 'Ret', 'Sayın {name}, başvurunuz şu nedenle incelenemedi: "
	"{reason}.', 'a', 0, 0, 't', 't');"
	"INSERT INTO file_plan (code, title, retention_years, disposal) VALUES ('010.06.02', 'Dilekçeler', 5, 'İmha');"
	"INSERT INTO settings (key, value) VALUES ('org.detsis_unit', '12345678');"
	"INSERT INTO users (username, display_name, email, role, password_hash, created_at, updated_at) VALUES "
	"('mudur', 'Hülya Karaca', 'mudur@example.org', 'chief', 'x', 0, 0);";

static int group_setup_sqlite(void **state)
{
	*state = &sqlite_be;
	return 0;
}

static int group_setup_pg(void **state)
{
	*state = &pg_be;
	return 0;
}

static int db_setup(void **state)
{
	struct db_fixture *f = *state;
	if (db_fixture_setup(f) != 0)
		return -1;
	snprintf(files_dir, sizeof files_dir, "/tmp/kalem-appfiles-XXXXXX");
	if (!mkdtemp(files_dir))
		return -1;
	if (!f->db)
		return 0;
	return db_exec_script(f->db, SEED);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int db_teardown(void **state)
{
	nftw(files_dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return db_fixture_case_teardown(state);
}

static struct db *need(void **state)
{
	return db_fixture_need(*state);
}

/* ---- helpers ---- */

static int64_t at(int ymd, int h, int m)
{
	return unix_from_ymd_min(ymd, h * 60 + m);
}

static int64_t received(void)
{
	return at(THU, 10, 0);
}

/* Creates an application from JSON text plus the usual fields (received at THU 10:00). */
static int64_t create_with(struct db *db, const char *json, const struct app_files *files, bool *existing,
			   const char **field, const char **error_key)
{
	json_error_t err;
	json_t *v = json_loads(json, 0, &err);
	if (!v)
		fail_msg("bad test JSON: %s", err.text);
	if (!json_object_get(v, "received_at"))
		json_object_set_new(v, "received_at", json_integer(received()));
	int64_t id = app_create(db, "clerk", v, files, existing, field, error_key);
	json_decref(v);
	return id;
}

static int64_t create(struct db *db, const char *json)
{
	const char *field = NULL, *ek = NULL;
	int64_t id = create_with(db, json, NULL, NULL, &field, &ek);
	if (id <= 0)
		fail_msg("create failed: %lld field %s", (long long)id, field ? field : "-");
	return id;
}

#define STANDARD                                                                                                  \
	"\"kind\":\"complaint\",\"channel\":\"in_person\",\"applicant_name\":\"Ayşe Yılmaz\",\"phone\":\"0532 123 "  \
	"45 67\",\"category_code\":\"road\",\"subject\":\"Sokakta çukur\",\"description\":\"Okul önündeki çukur\","     \
	"\"neighbourhood_id\":1,\"attributes\":{\"surface\":\"asphalt\"}"

static int64_t create_standard(struct db *db)
{
	return create(db, "{" STANDARD "}");
}

static int act(struct db *db, unsigned role, int64_t scope, int64_t id, const char *action, json_t *fields,
	       const char **field)
{
	const char *ek = NULL, *df = NULL;
	int rc = app_transition(db, "clerk", role, scope, id, action, fields, NULL, &ek, field ? field : &df);
	json_decref(fields);
	return rc;
}

static int route_act(struct db *db, unsigned role, int64_t scope, int64_t route_id, const char *action,
		     json_t *fields, const char **field)
{
	const char *ek = NULL, *df = NULL;
	int rc = app_route_transition(db, "mudurluk", role, scope, route_id, action, fields, NULL, &ek,
				      field ? field : &df);
	json_decref(fields);
	return rc;
}

static json_t *get(struct db *db, int64_t id)
{
	json_t *o = app_get(db, id, 0, at(20261201, 12, 0)); /* after every instant of the cases */
	assert_non_null(o);
	return o;
}

static void assert_state(struct db *db, int64_t id, const char *state)
{
	json_t *o = get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "state")), state);
	json_decref(o);
}

static const char *clock_str(json_t *o, const char *clock, const char *name)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(o, "clocks"), clock), name));
}

static int64_t clock_int(json_t *o, const char *clock, const char *name)
{
	return json_integer_value(json_object_get(json_object_get(json_object_get(o, "clocks"), clock), name));
}

/* How many notifications of the application have template and channel; *last (OUT, may be NULL) the last id. */
static int notes_of(struct db *db, int64_t id, const char *template_key, const char *channel, int64_t *last)
{
	json_t *list = outbox_for_record(db, "application", id);
	int n = 0;
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o)
	{
		if (strcmp(json_string_value(json_object_get(o, "template_key")), template_key) == 0 &&
		    strcmp(json_string_value(json_object_get(o, "channel")), channel) == 0) {
			n++;
			if (last)
				*last = json_integer_value(json_object_get(o, "id"));
		}
	}
	json_decref(list);
	return n;
}

/* How many clock events of clock/event the application has. */
static int events_of(struct db *db, int64_t id, const char *clock, const char *event)
{
	json_t *list = app_clock_events(db, id);
	int n = 0;
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) n += strcmp(json_string_value(json_object_get(o, "clock")), clock) == 0 &&
					    strcmp(json_string_value(json_object_get(o, "event")), event) == 0;
	json_decref(list);
	return n;
}

static int64_t count(struct db *db, const char *sql)
{
	return db_query_int(db, sql, -1);
}

/* The id of the route of directorate d in app (the latest one). */
static int64_t route_of(struct db *db, int64_t id, int64_t d)
{
	json_t *o = get(db, id);
	int64_t rid = 0;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(o, "routes"), i, r) if (json_integer_value(json_object_get(r, "directorate_id")) ==
								   d) rid = json_integer_value(json_object_get(r, "id"));
	json_decref(o);
	assert_true(rid > 0);
	return rid;
}

static const char *route_state(struct db *db, int64_t id, int64_t route_id, char buf[32])
{
	json_t *o = get(db, id);
	size_t i;
	json_t *r;
	buf[0] = '\0';
	json_array_foreach(json_object_get(o, "routes"), i, r) if (json_integer_value(json_object_get(r, "id")) ==
								   route_id)
		snprintf(buf, 32, "%s", json_string_value(json_object_get(r, "state")));
	json_decref(o);
	return buf;
}

/* ---- cases ---- */

/* Intake with a petition, the clocks on the holiday calendar, then 3 -> 3.1 rejected (answer from the template)
 * -> archived with a document number. */
static void test_receive_reject_archive(void **state)
{
	struct db *db = need(state);
	struct app_upload up = {"../../dilekçe.png", png, sizeof png};
	struct app_files files = {files_dir, "petition", 1 << 20, &up, 1};
	bool existing = true;
	const char *field = NULL, *ek = NULL;
	int64_t id = create_with(db, "{" STANDARD "}", &files, &existing, &field, &ek);
	assert_true(id > 0);
	assert_false(existing);
	json_t *o = get(db, id);
	const char *code = json_string_value(json_object_get(o, "tracking_code"));
	assert_int_equal(strlen(code), APP_CODE_LEN);
	assert_int_equal(code[0], 'B');
	assert_string_equal(json_string_value(json_object_get(o, "state")), "received");
	assert_string_equal(json_string_value(json_object_get(o, "chart_step")), "3");
	assert_string_equal(json_string_value(json_object_get(o, "phone")), "+905321234567");
	assert_string_equal(json_string_value(json_object_get(o, "preferred_channel")), "sms");
	assert_string_equal(json_string_value(json_object_get(o, "category_name")), "Yol bakım");
	assert_string_equal(json_string_value(json_object_get(o, "neighbourhood_name")), "Yaka");
	/* Seven days after Thursday 22 October is the 29th, a holiday: due at the end of Friday the 30th; the warning
	 * (two days: Saturday) at the end of Monday the 26th. 3071: 30 days = Saturday 21 November -> Monday 23rd. */
	assert_int_equal(clock_int(o, "office", "due_at"), at(20261030, 17, 30));
	assert_int_equal(clock_int(o, "office", "warn_at"), at(20261026, 17, 30));
	assert_string_equal(clock_str(o, "office", "due"), "2026-10-30T17:30:00+03:00");
	assert_int_equal(clock_int(o, "legal", "due_at"), at(20261123, 17, 30));
	assert_string_equal(clock_str(o, "legal", "clock"), "petition_3071");
	json_t *early = app_get(db, id, 0, at(THU, 12, 0));
	assert_string_equal(clock_str(early, "office", "status"), "running");
	assert_string_equal(clock_str(early, "legal", "status"), "running");
	json_decref(early);
	/* The petition: stored and linked. */
	json_t *fl = json_object_get(o, "files");
	assert_int_equal(json_array_size(fl), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(fl, 0), "mime")), "image/png");
	assert_string_equal(json_string_value(json_object_get(json_array_get(fl, 0), "role")), "petition");
	int64_t file_id = json_integer_value(json_object_get(json_array_get(fl, 0), "id"));
	json_decref(o);
	/* Told by SMS (the phone is all they gave), in Turkish, with the code. */
	int64_t nid = 0;
	assert_int_equal(notes_of(db, id, "application_received", "sms", &nid), 1);
	assert_int_equal(notes_of(db, id, "application_received", "email", NULL), 0);
	json_t *n = outbox_get(db, nid);
	assert_string_equal(json_string_value(json_object_get(n, "recipient")), "+905321234567");
	assert_string_equal(json_string_value(json_object_get(n, "lang")), "tr");
	o = get(db, id);
	assert_non_null(strstr(json_string_value(json_object_get(n, "body")),
			       json_string_value(json_object_get(o, "tracking_code"))));
	json_decref(o);
	json_decref(n);
	assert_int_equal(events_of(db, id, "office", "start"), 1);
	assert_int_equal(events_of(db, id, "legal", "start"), 1);

	/* Not a flow action from here; a forwarding reason does not reject; the reason is required. */
	assert_int_equal(act(db, SEC, 0, id, "give_feedback", json_pack("{s:s}", "via", "sms"), NULL), APP_STATE);
	assert_int_equal(act(db, SEC, 0, id, "reject", json_pack("{s:s}", "legal_reason", "not_competent"), &field),
			 APP_INVALID);
	assert_string_equal(field, "legal_reason");
	assert_int_equal(act(db, SEC, 0, id, "reject", json_object(), &field), APP_INVALID);
	assert_string_equal(field, "legal_reason");
	assert_int_equal(act(db, DIR, 0, id, "reject", json_pack("{s:s}", "legal_reason", "no_identity"), NULL),
			 APP_FORBIDDEN);
	assert_state(db, id, "received");

	assert_int_equal(act(db, SEC, 0, id, "reject", json_pack("{s:s}", "legal_reason", "no_identity"), NULL), APP_OK);
	o = get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "rejected");
	assert_string_equal(json_string_value(json_object_get(o, "legal_reason")), "no_identity");
	assert_string_equal(json_string_value(json_object_get(o, "answer")),
			    "Sayın Ayşe Yılmaz, başvurunuz şu nedenle incelenemedi: Kimlik ve adres bilgisi eksik.");
	assert_string_equal(clock_str(o, "office", "status"), "stopped");
	assert_string_equal(clock_str(o, "legal", "status"), "stopped");
	json_decref(o);
	assert_int_equal(notes_of(db, id, "application_rejected", "sms", &nid), 1);
	n = outbox_get(db, nid);
	assert_non_null(strstr(json_string_value(json_object_get(n, "body")), "Kimlik ve adres bilgisi eksik"));
	json_decref(n);
	assert_int_equal(events_of(db, id, "office", "stop"), 1);
	assert_int_equal(events_of(db, id, "legal", "stop"), 1);

	assert_int_equal(act(db, SEC, 0, id, "archive", json_pack("{s:s}", "file_plan_code", "999.99"), &field),
			 APP_INVALID);
	assert_string_equal(field, "file_plan_code");
	assert_int_equal(act(db, SEC, 0, id, "archive", json_pack("{s:s}", "file_plan_code", "010.06.02"), NULL), APP_OK);
	o = get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "archived");
	const char *number = json_string_value(json_object_get(o, "archived_number"));
	assert_true(strncmp(number, "E-12345678-010.06.02-", 21) == 0);
	json_t *doc = json_array_get(json_object_get(o, "documents"), 0);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "number")), number);
	assert_int_equal(json_integer_value(json_object_get(doc, "file_id")), file_id);
	json_decref(o);
	assert_int_equal(act(db, SEC, 0, id, "archive", json_pack("{s:s}", "file_plan_code", "010.06.02"), NULL),
			 APP_STATE);
}

/* 3 -> 3.1 forwarded to the competent authority (3071 art. 5). */
static void test_forward_external(void **state)
{
	struct db *db = need(state);
	int64_t id = create(db, "{" STANDARD ",\"email\":\"ayse@example.org\",\"preferred_channel\":\"email\"}");
	const char *field = NULL;
	assert_int_equal(act(db, SEC, 0, id, "forward_external", json_pack("{s:s}", "legal_reason", "not_competent"),
			     &field),
			 APP_INVALID);
	assert_string_equal(field, "authority");
	assert_int_equal(act(db, SEC, 0, id, "forward_external",
			     json_pack("{s:s,s:s}", "legal_reason", "no_identity", "authority", "Karayolları"), &field),
			 APP_INVALID);
	assert_string_equal(field, "legal_reason");
	assert_int_equal(act(db, SEC, 0, id, "forward_external",
			     json_pack("{s:s,s:s,s:s}", "legal_reason", "not_competent", "authority",
				       "Karayolları Genel Müdürlüğü", "answer", "Devlet yolu Karayollarının sorumluluğundadır."),
			     NULL),
		  APP_OK);
	json_t *o = get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "forwarded");
	assert_string_equal(json_string_value(json_object_get(o, "authority")), "Karayolları Genel Müdürlüğü");
	assert_string_equal(clock_str(o, "legal", "status"), "stopped");
	json_decref(o);
	int64_t nid = 0;
	assert_int_equal(notes_of(db, id, "application_forwarded", "email", &nid), 1);
	assert_int_equal(notes_of(db, id, "application_forwarded", "sms", NULL), 0);
	json_t *n = outbox_get(db, nid);
	assert_string_equal(json_string_value(json_object_get(n, "recipient")), "ayse@example.org");
	assert_non_null(strstr(json_string_value(json_object_get(n, "body")), "Karayolları Genel Müdürlüğü"));
	assert_non_null(strstr(json_string_value(json_object_get(n, "body")), "Devlet yolu"));
	json_decref(n);
	assert_int_equal(act(db, SEC, 0, id, "archive", json_pack("{s:s}", "file_plan_code", "010.06.02"), NULL), APP_OK);
	/* No forwarding template and no answer: the reason's label is the answer; the information category has no
	 * file-plan code, so archiving needs one. */
	int64_t other = create(db, "{\"kind\":\"information\",\"channel\":\"web\",\"applicant_name\":\"Ali\","
				   "\"email\":\"ali@example.org\",\"category_code\":\"info\",\"subject\":\"Bütçe\"}");
	assert_int_equal(act(db, SEC, 0, other, "forward_external",
			     json_pack("{s:s,s:s}", "legal_reason", "not_competent", "authority", "Valilik"), NULL),
			 APP_OK);
	o = get(db, other);
	assert_string_equal(json_string_value(json_object_get(o, "answer")), "Belediyenin görev alanında değil");
	json_decref(o);
	assert_int_equal(notes_of(db, other, "application_forwarded", "email", NULL), 1);
	const char *f2 = NULL;
	assert_int_equal(act(db, SEC, 0, other, "archive", json_object(), &f2), APP_INVALID);
	assert_string_equal(f2, "file_plan_code");
	assert_state(db, other, "forwarded");
}

/* 3 -> 3.1.1 routed to two directorates -> each accepts/plans/answers -> 3.2 answered only when both answered ->
 * 3.3 feedback by SMS -> archived. */
static void test_two_directorates_feedback_archive(void **state)
{
	struct db *db = need(state);
	int64_t id = create_standard(db);
	const char *field = NULL;
	assert_int_equal(act(db, SEC, 0, id, "route", json_pack("{s:[i,i]}", "directorates", 99, FEN), &field),
			 APP_INVALID);
	assert_string_equal(field, "directorates");
	assert_int_equal(act(db, SEC, 0, id, "route",
			     json_pack("{s:[i,i],s:s}", "directorates", FEN, ZABITA, "note", "Acil bakılsın"), NULL),
			 APP_OK);
	json_t *o = get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "routed");
	assert_string_equal(json_string_value(json_object_get(o, "chart_step")), "3.1.1");
	json_t *routes = json_object_get(o, "routes");
	assert_int_equal(json_array_size(routes), 2);
	/* Due by default at the office clock's due. */
	assert_int_equal(json_integer_value(json_object_get(json_array_get(routes, 0), "due_at")), at(20261030, 17, 30));
	assert_string_equal(json_string_value(json_object_get(json_array_get(routes, 1), "note")), "Acil bakılsın");
	json_decref(o);
	int64_t nid = 0;
	assert_int_equal(notes_of(db, id, "application_routed", "sms", &nid), 1);
	json_t *n = outbox_get(db, nid);
	assert_non_null(strstr(json_string_value(json_object_get(n, "body")), "Fen İşleri Müdürlüğü, Zabıta Müdürlüğü"));
	json_decref(n);

	int64_t r1 = route_of(db, id, FEN), r2 = route_of(db, id, ZABITA);
	char buf[32];
	assert_int_equal(route_act(db, DIR, FEN, r1, "accept", NULL, NULL), APP_OK);
	assert_int_equal(route_act(db, DIR, FEN, r1, "plan", json_pack("{s:s}", "work_date", "2026-13-01"), &field),
			 APP_INVALID);
	assert_string_equal(field, "work_date");
	assert_int_equal(route_act(db, DIR, FEN, r1, "plan", json_pack("{s:s}", "work_date", "2026-11-03"), NULL),
			 APP_OK);
	assert_string_equal(route_state(db, id, r1, buf), "planned");
	assert_int_equal(route_act(db, DIR, FEN, r1, "answer", json_object(), &field), APP_INVALID);
	assert_string_equal(field, "answer");
	assert_int_equal(route_act(db, DIR, FEN, r1, "answer", json_pack("{s:s}", "answer", "Çukur asfaltlandı."),
				   NULL),
			 APP_OK);
	assert_string_equal(route_state(db, id, r1, buf), "answered");
	assert_state(db, id, "routed"); /* the other directorate has not answered */
	assert_int_equal(route_act(db, DIR, FEN, r1, "answer", json_pack("{s:s}", "answer", "again"), NULL),
			 APP_STATE);
	assert_int_equal(route_act(db, DIR, ZABITA, r2, "answer", json_pack("{s:s}", "answer", "Araç kaldırıldı."),
				   NULL),
			 APP_OK);
	o = get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "answered");
	const char *answer = json_string_value(json_object_get(o, "answer"));
	assert_non_null(strstr(answer, "Fen İşleri Müdürlüğü: Çukur asfaltlandı."));
	assert_non_null(strstr(answer, "Zabıta Müdürlüğü: Araç kaldırıldı."));
	json_decref(o);

	/* Feedback: by e-mail is impossible (no address); by SMS it goes, stops both clocks. */
	assert_int_equal(act(db, SEC, 0, id, "give_feedback", json_pack("{s:s}", "via", "email"), &field), APP_INVALID);
	assert_string_equal(field, "via");
	assert_int_equal(act(db, SEC, 0, id, "give_feedback", json_pack("{s:s}", "via", "sms"), NULL), APP_OK);
	o = get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "feedback_given");
	assert_string_equal(json_string_value(json_object_get(o, "feedback_via")), "sms");
	assert_string_equal(clock_str(o, "office", "status"), "stopped");
	assert_string_equal(clock_str(o, "legal", "status"), "stopped");
	json_t *contacts = json_object_get(o, "contacts");
	assert_int_equal(json_array_size(contacts), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(contacts, 0), "kind")), "final");
	json_decref(o);
	assert_int_equal(notes_of(db, id, "application_feedback", "sms", &nid), 1);
	n = outbox_get(db, nid);
	assert_non_null(strstr(json_string_value(json_object_get(n, "body")), "Çukur asfaltlandı."));
	json_decref(n);
	assert_int_equal(act(db, SEC, 0, id, "archive", json_object(), NULL), APP_OK); /* the category's code */
	assert_state(db, id, "archived");
	o = get(db, id);
	assert_true(strncmp(json_string_value(json_object_get(o, "archived_number")), "E-12345678-010.06.02-", 21) == 0);
	json_decref(o);
	/* Routes of a closed application do not move any more. */
	assert_int_equal(route_act(db, SEC, 0, r2, "withdraw", NULL, NULL), APP_STATE);
}

/* request_info pauses both clocks; the information arriving resumes them, the due dates pushed by the working time
 * paused; the overdue filter follows. A directorate's question pauses the same way. */
static void test_pause_pushes_due(void **state)
{
	struct db *db = need(state);
	int64_t id = create_standard(db);
	assert_int_equal(act(db, SEC, 0, id, "route", json_pack("{s:i}", "directorate_id", FEN), NULL), APP_OK);
	json_t *o = get(db, id);
	int64_t office_due = clock_int(o, "office", "due_at"), legal_due = clock_int(o, "legal", "due_at");
	json_decref(o);
	const char *field = NULL;
	assert_int_equal(act(db, SEC, 0, id, "request_info",
			     json_pack("{s:s,s:I}", "question", "Sokak adı nedir?", "at", (json_int_t)at(THU, 9, 0)), &field),
			 APP_INVALID); /* before receipt */
	assert_string_equal(field, "at");
	assert_int_equal(act(db, SEC, 0, id, "request_info",
			     json_pack("{s:s,s:I}", "question", "Sokak adı nedir?", "at",
				       (json_int_t)at(20261026, 10, 0)),
			     NULL),
			 APP_OK);
	o = app_get(db, id, 0, at(20261026, 12, 0));
	assert_string_equal(json_string_value(json_object_get(o, "state")), "waiting");
	assert_string_equal(clock_str(o, "office", "status"), "paused");
	json_decref(o);
	assert_int_equal(notes_of(db, id, "application_info_needed", "sms", NULL), 1);
	assert_int_equal(act(db, SEC, 0, id, "info_received",
			     json_pack("{s:s,s:I}", "note", "Telefonla söyledi", "at", (json_int_t)at(20261027, 10, 0)),
			     NULL),
			 APP_OK);
	/* Paused Monday 10:00 to Tuesday 10:00: 7.5 + 1.5 = 9 working hours. */
	struct bizcal cal;
	struct holiday *owned = NULL;
	assert_int_equal(bizcal_load(db, &cal, &owned), 0);
	int64_t new_office = clocks_add_working_seconds(&cal, office_due, 9 * 3600);
	int64_t new_legal = clocks_add_working_seconds(&cal, legal_due, 9 * 3600);
	free(owned);
	assert_int_equal(new_office, at(20261102, 17, 30));
	o = get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "routed");
	assert_int_equal(clock_int(o, "office", "due_at"), new_office);
	assert_int_equal(clock_int(o, "legal", "due_at"), new_legal);
	assert_int_equal(clock_int(o, "office", "paused_s"), 9 * 3600);
	json_decref(o);
	assert_int_equal(events_of(db, id, "office", "pause"), 1);
	assert_int_equal(events_of(db, id, "legal", "resume"), 1);
	/* The overdue filter uses the pushed due. */
	struct app_filter f = {.overdue = true};
	json_t *l = app_list(db, &f, NULL, 10, new_office - 1);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 0);
	json_decref(l);
	l = app_list(db, &f, NULL, 10, new_office);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
	json_decref(l);

	/* The directorate asks: waiting again, until its question is answered. */
	int64_t r = route_of(db, id, FEN);
	assert_int_equal(route_act(db, DIR, FEN, r, "ask_info", json_pack("{s:s}", "question", "Kapı no?"), NULL),
			 APP_OK);
	assert_state(db, id, "waiting");
	assert_int_equal(events_of(db, id, "office", "pause"), 2);
	assert_int_equal(notes_of(db, id, "application_info_needed", "sms", NULL), 2);
	assert_int_equal(route_act(db, DIR, FEN, r, "info_received", NULL, NULL), APP_OK);
	assert_state(db, id, "routed");
	assert_int_equal(events_of(db, id, "office", "resume"), 2);
	char buf[32];
	assert_string_equal(route_state(db, id, r, buf), "accepted");
}

/* 3 -> 3.2: the office answers itself; the feedback is a logged phone call: nothing sent, both clocks stop. */
static void test_office_answer_phone_feedback(void **state)
{
	struct db *db = need(state);
	int64_t id = create_standard(db);
	assert_int_equal(act(db, SEC, 0, id, "answer", json_pack("{s:s}", "answer", "Yarın onarılacak."), NULL), APP_OK);
	json_t *o = get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "answered");
	assert_string_equal(json_string_value(json_object_get(o, "chart_step")), "3.2");
	assert_string_equal(clock_str(o, "office", "status"), "overdue"); /* answered, but nobody told yet */
	json_decref(o);
	const char *field = NULL;
	assert_int_equal(act(db, SEC, 0, id, "give_feedback", json_pack("{s:s}", "via", "phone"), &field),
			 APP_INVALID);
	assert_string_equal(field, "spoke_with");
	int64_t when = at(20261026, 15, 0);
	assert_int_equal(act(db, SEC, 0, id, "give_feedback",
			     json_pack("{s:s,s:s,s:s,s:I}", "via", "phone", "spoke_with", "Ayşe Yılmaz", "summary",
				       "Onarım tarihi söylendi", "at", (json_int_t)when),
			     NULL),
			 APP_OK);
	o = get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "feedback_given");
	assert_int_equal(json_integer_value(json_object_get(o, "feedback_at")), when);
	assert_int_equal(clock_int(o, "office", "stopped_at"), when);
	assert_true(json_is_true(json_object_get(json_object_get(json_object_get(o, "clocks"), "office"), "met")));
	assert_int_equal(clock_int(o, "legal", "stopped_at"), when);
	json_t *c = json_array_get(json_object_get(o, "contacts"), 0);
	assert_string_equal(json_string_value(json_object_get(c, "kind")), "final");
	assert_string_equal(json_string_value(json_object_get(c, "via")), "phone");
	assert_string_equal(json_string_value(json_object_get(c, "summary")), "Onarım tarihi söylendi");
	json_decref(o);
	assert_int_equal(notes_of(db, id, "application_feedback", "sms", NULL), 0);
	/* Tracking shows the answer once feedback was given. */
	o = get(db, id);
	json_t *t = app_track(db, json_string_value(json_object_get(o, "tracking_code")), "4567");
	json_decref(o);
	assert_non_null(t);
	assert_string_equal(json_string_value(json_object_get(t, "answer")), "Yarın onarılacak.");
	json_decref(t);
}

/* A route sent back as the wrong directorate leaves the application routed for the office to reroute. */
static void test_return_and_reroute(void **state)
{
	struct db *db = need(state);
	int64_t id = create_standard(db);
	assert_int_equal(act(db, SEC, 0, id, "route", json_object(), NULL), APP_OK); /* the category's: Fen */
	int64_t r1 = route_of(db, id, FEN);
	const char *field = NULL;
	assert_int_equal(route_act(db, DIR, FEN, r1, "return", json_object(), &field), APP_INVALID);
	assert_string_equal(field, "reason");
	assert_int_equal(route_act(db, DIR, FEN, r1, "return", json_pack("{s:s}", "reason", "Zabıtanın işi"), NULL),
			 APP_OK);
	char buf[32];
	assert_string_equal(route_state(db, id, r1, buf), "returned");
	assert_state(db, id, "routed");
	json_t *events = audit_list(db, NULL, "application", NULL, "application.route_returned", 0, 10);
	assert_int_equal(json_array_size(events), 1);
	json_decref(events);
	/* The directorate cannot reroute; the office can, not twice to the same open directorate. */
	assert_int_equal(act(db, DIR, FEN, id, "reroute", json_pack("{s:[i]}", "directorates", ZABITA), NULL),
			 APP_FORBIDDEN);
	assert_int_equal(act(db, SEC, 0, id, "reroute", json_pack("{s:[i]}", "directorates", ZABITA), NULL), APP_OK);
	assert_int_equal(act(db, SEC, 0, id, "reroute", json_pack("{s:[i]}", "directorates", ZABITA), &field),
			 APP_INVALID);
	assert_string_equal(field, "directorates");
	int64_t r2 = route_of(db, id, ZABITA);
	assert_int_equal(route_act(db, DIR, ZABITA, r2, "answer", json_pack("{s:s}", "answer", "Tamam"), NULL), APP_OK);
	json_t *o = get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "answered");
	assert_string_equal(json_string_value(json_object_get(o, "answer")), "Tamam");
	json_decref(o);
}

/* An interim notice (3071 art. 7) stops the legal clock, not the office one. */
static void test_interim_stops_legal(void **state)
{
	struct db *db = need(state);
	int64_t id = create_standard(db);
	assert_int_equal(act(db, SEC, 0, id, "route", json_pack("{s:i}", "directorate_id", FEN), NULL), APP_OK);
	const char *field = NULL;
	assert_int_equal(act(db, SEC, 0, id, "interim", json_pack("{s:s,s:s}", "via", "phone", "text", "İnceleniyor"),
			     &field),
			 APP_INVALID);
	assert_string_equal(field, "spoke_with");
	assert_int_equal(act(db, SEC, 0, id, "interim", json_pack("{s:s,s:s}", "via", "email", "text", "İnceleniyor"),
			     &field),
			 APP_INVALID);
	assert_string_equal(field, "via");
	int64_t when = at(20261023, 11, 0);
	assert_int_equal(act(db, SEC, 0, id, "interim",
			     json_pack("{s:s,s:s,s:s,s:I}", "via", "phone", "text", "Ekip keşfe çıkacak", "spoke_with",
				       "Ayşe Hanım", "at", (json_int_t)when),
			     NULL),
			 APP_OK);
	json_t *o = get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "routed");
	assert_string_equal(clock_str(o, "legal", "status"), "stopped");
	assert_int_equal(clock_int(o, "legal", "stopped_at"), when);
	assert_true(json_is_true(json_object_get(json_object_get(json_object_get(o, "clocks"), "legal"), "met")));
	assert_string_equal(clock_str(o, "office", "status"), "overdue"); /* read on 1 December */
	json_t *c = json_array_get(json_object_get(o, "contacts"), 0);
	assert_string_equal(json_string_value(json_object_get(c, "kind")), "interim");
	assert_string_equal(json_string_value(json_object_get(c, "spoke_with")), "Ayşe Hanım");
	json_decref(o);
	assert_int_equal(notes_of(db, id, "application_interim", "sms", NULL), 0); /* a call: nothing sent */
	assert_int_equal(act(db, SEC, 0, id, "interim", json_pack("{s:s,s:s}", "via", "sms", "text", "Keşif yapıldı"),
			     NULL),
			 APP_OK);
	assert_int_equal(notes_of(db, id, "application_interim", "sms", NULL), 1);
	assert_int_equal(events_of(db, id, "legal", "stop"), 1); /* the first reasoned answer only */
	assert_int_equal(events_of(db, id, "office", "stop"), 0);
	/* A logged call. */
	json_t *call = json_pack("{s:s,s:s}", "spoke_with", "Ayşe Hanım", "summary", "Durumu sordu");
	assert_true(app_log_contact(db, "clerk", id, call, &field) > 0);
	json_decref(call);
	call = json_pack("{s:s}", "summary", "Durumu sordu");
	assert_int_equal(app_log_contact(db, "clerk", id, call, &field), APP_INVALID);
	assert_string_equal(field, "spoke_with");
	json_decref(call);
}

/* The same external number of a channel or the same idempotency key gives back the first application. */
static void test_duplicates(void **state)
{
	struct db *db = need(state);
	const char *field = NULL, *ek = NULL;
	bool existing = true;
	const char *j = "{" STANDARD ",\"channel\":\"bizim_meram\",\"external_id\":\"BM-1\"}";
	int64_t a = create_with(db, j, NULL, &existing, &field, &ek);
	assert_true(a > 0);
	assert_false(existing);
	int64_t b = create_with(db, j, NULL, &existing, &field, &ek);
	assert_int_equal(b, a);
	assert_true(existing);
	int64_t c = create_with(db, "{" STANDARD ",\"channel\":\"cimer\",\"external_id\":\"BM-1\"}", NULL, &existing,
				&field, &ek);
	assert_true(c > a);
	assert_false(existing);
	int64_t d = create_with(db, "{" STANDARD ",\"idempotency_key\":\"k-77\"}", NULL, &existing, &field, &ek);
	int64_t e = create_with(db, "{" STANDARD ",\"idempotency_key\":\"k-77\",\"subject\":\"başka\"}", NULL,
				&existing, &field, &ek);
	assert_int_equal(e, d);
	assert_true(existing);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM applications"), 3);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM notifications WHERE template_key = 'application_received'"),
			 3);
}

/* A directorate sees and acts only on what was routed to it. */
static void test_directorate_isolation(void **state)
{
	struct db *db = need(state);
	int64_t id = create_standard(db);
	int64_t other = create_standard(db);
	assert_int_equal(act(db, SEC, 0, id, "route", json_pack("{s:i}", "directorate_id", FEN), NULL), APP_OK);
	int64_t r = route_of(db, id, FEN);
	assert_null(app_get(db, id, ZABITA, received()));
	assert_null(app_get(db, other, FEN, received()));
	json_t *o = app_get(db, id, FEN, received());
	assert_non_null(o);
	json_decref(o);
	struct app_filter f = {.directorate_scope = ZABITA};
	json_t *l = app_list(db, &f, NULL, 10, received());
	assert_int_equal(json_array_size(json_object_get(l, "items")), 0);
	json_decref(l);
	f.directorate_scope = FEN;
	l = app_list(db, &f, NULL, 10, received());
	assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
	json_decref(l);
	f.inbox = true;
	l = app_list(db, &f, NULL, 10, received());
	assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
	json_t *item = json_array_get(json_object_get(l, "items"), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(item, "route"), "id")), r);
	json_decref(l);
	assert_int_equal(route_act(db, DIR, ZABITA, r, "accept", NULL, NULL), APP_NOT_FOUND);
	assert_int_equal(act(db, DIR, ZABITA, id, "interim", json_pack("{s:s,s:s}", "via", "sms", "text", "x"), NULL),
			 APP_NOT_FOUND);
	struct app_upload up = {"ek.png", png, sizeof png};
	struct app_files files = {files_dir, "attachment", 1 << 20, &up, 1};
	const char *field = NULL, *ek = NULL;
	assert_int_equal(app_attach(db, "zabita", ZABITA, id, &files, &field, &ek), APP_NOT_FOUND);
	assert_int_equal(app_attach(db, "fen", FEN, id, &files, &field, &ek), APP_OK);
	assert_int_equal(route_act(db, DIR, FEN, r, "accept", NULL, NULL), APP_OK);
	/* The directorate cannot withdraw its own route: the office's action. */
	assert_int_equal(route_act(db, DIR, FEN, r, "withdraw", NULL, NULL), APP_FORBIDDEN);
	/* Once withdrawn, it no longer sees the application. */
	assert_int_equal(route_act(db, SEC, 0, r, "withdraw", NULL, NULL), APP_OK);
	assert_null(app_get(db, id, FEN, received()));
}

/* Bad input names the field and writes nothing. */
static void test_bad_input(void **state)
{
	struct db *db = need(state);
	static const struct {
		const char *json, *field;
	} cases[] = {
		{"{" STANDARD ",\"kind\":\"praise\"}", "kind"},
		{"{" STANDARD ",\"channel\":\"fax\"}", "channel"},
		{"{" STANDARD ",\"subject\":\"\"}", "subject"},
		{"{" STANDARD ",\"category_code\":\"nope\"}", "category_code"},
		{"{" STANDARD ",\"phone\":\"12ab\"}", "phone"},
		{"{" STANDARD ",\"email\":\"not-an-address\"}", "email"},
		{"{" STANDARD ",\"neighbourhood_id\":77}", "neighbourhood_id"},
		{"{" STANDARD ",\"attributes\":{}}", "attributes"},
		{"{" STANDARD ",\"attributes\":{\"surface\":\"lava\"}}", "attributes"},
		{"{" STANDARD ",\"attributes\":{\"surface\":\"stone\",\"colour\":\"red\"}}", "attributes"},
		{"{" STANDARD ",\"lat\":91.0,\"lon\":32.5}", "lat"},
		{"{" STANDARD ",\"lat\":37.8}", "lon"},
		{"{" STANDARD ",\"received_at\":\"2099-01-01T10:00:00+03:00\"}", "received_at"},
		{"{" STANDARD ",\"applicant_name\":\"\",\"party_id\":4242}", "party_id"},
		{"{" STANDARD ",\"applicant_name\":\"\"}", "applicant_name"},
		{"{" STANDARD ",\"preferred_channel\":\"email\"}", "preferred_channel"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *field = NULL, *ek = NULL;
		int64_t rc = create_with(db, cases[i].json, NULL, NULL, &field, &ek);
		if (rc != APP_INVALID || !field || strcmp(field, cases[i].field) != 0)
			fail_msg("case %zu: rc %lld field %s, wanted %s", i, (long long)rc, field ? field : "-",
				 cases[i].field);
	}
	/* A file that is not a PDF, JPEG or PNG, or too large, fails the whole intake. */
	struct app_upload up = {"dilekce.png", not_png, sizeof not_png - 1};
	struct app_files files = {files_dir, "petition", 1 << 20, &up, 1};
	const char *field = NULL, *ek = NULL;
	assert_int_equal(create_with(db, "{" STANDARD "}", &files, NULL, &field, &ek), APP_INVALID);
	assert_string_equal(field, "file");
	assert_string_equal(ek, "error.file_type");
	struct app_upload big = {"dilekce.png", png, sizeof png};
	struct app_files small = {files_dir, "petition", 10, &big, 1};
	assert_int_equal(create_with(db, "{" STANDARD "}", &small, NULL, &field, &ek), APP_INVALID);
	assert_string_equal(ek, "error.file_size");
	assert_int_equal(count(db, "SELECT COUNT(*) FROM applications"), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM notifications"), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM files"), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM clock_events"), 0);
	/* And a good one passes with coordinates. */
	int64_t id = create(db, "{" STANDARD ",\"lat\":37.871234,\"lon\":32.484321}");
	json_t *o = get(db, id);
	assert_true(json_real_value(json_object_get(o, "lat")) > 37.87123 &&
		    json_real_value(json_object_get(o, "lat")) < 37.87124);
	json_decref(o);
}

/* The sweep records the warning, the overdue and the escalation once each. */
static void test_sweep_once(void **state)
{
	struct db *db = need(state);
	int64_t id = create_standard(db);
	int64_t info = create(db, "{\"kind\":\"information\",\"channel\":\"web\",\"applicant_name\":\"Ali Veli\","
				  "\"email\":\"ali@example.org\",\"category_code\":\"info\",\"subject\":\"Bütçe\"}");
	assert_int_equal(app_clock_sweep(db, at(20261026, 12, 0)), 0);
	/* After Monday 17:30 the office warnings of both. */
	assert_int_equal(app_clock_sweep(db, at(20261027, 12, 0)), 2);
	assert_int_equal(app_clock_sweep(db, at(20261027, 12, 0)), 0);
	assert_int_equal(events_of(db, id, "office", "warning"), 1);
	assert_int_equal(events_of(db, id, "office", "overdue"), 0);
	/* After Friday 30th 17:30: office overdue and one escalation each; the legal warnings (75 %) come later. */
	int n = app_clock_sweep(db, at(20261102, 9, 0));
	assert_int_equal(n, 4);
	assert_int_equal(app_clock_sweep(db, at(20261102, 9, 0)), 0);
	assert_int_equal(events_of(db, id, "office", "overdue"), 1);
	assert_int_equal(events_of(db, id, "office", "escalated"), 1);
	assert_int_equal(events_of(db, info, "office", "escalated"), 1);
	assert_int_equal(notes_of(db, id, "application_overdue", "email", NULL), 1);
	json_t *list = outbox_for_record(db, "application", id);
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) if (strcmp(json_string_value(json_object_get(o, "template_key")),
						  "application_overdue") == 0)
		assert_string_equal(json_string_value(json_object_get(o, "recipient")), "mudur@example.org");
	json_decref(list);
	/* The legal clock of 4982 later: warning, overdue, no second escalation. */
	assert_int_equal(app_clock_sweep(db, at(20261201, 9, 0)), 2 + 2);
	assert_int_equal(events_of(db, info, "legal", "overdue"), 1);
	assert_int_equal(events_of(db, info, "legal", "escalated"), 0);
	assert_int_equal(notes_of(db, info, "application_overdue", "email", NULL), 1);
	assert_int_equal(app_clock_sweep(db, at(20261201, 9, 0)), 0);
	/* Overdue lists in SQL. */
	struct app_filter f = {.overdue = true};
	json_t *l = app_list(db, &f, NULL, 10, at(20261102, 9, 0));
	assert_int_equal(json_array_size(json_object_get(l, "items")), 2);
	json_decref(l);
}

/* Tracking by code and the last four digits of the phone (or the e-mail's local part): nothing personal. */
static void test_tracking(void **state)
{
	struct db *db = need(state);
	int64_t id = create_standard(db);
	json_t *o = get(db, id);
	char code[APP_CODE_LEN + 1], lower[APP_CODE_LEN + 1];
	snprintf(code, sizeof code, "%s", json_string_value(json_object_get(o, "tracking_code")));
	json_decref(o);
	for (int i = 0; i <= APP_CODE_LEN; i++)
		lower[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] - 'A' + 'a' : code[i]);
	assert_null(app_track(db, code, "4568"));
	assert_null(app_track(db, code, ""));
	assert_null(app_track(db, code, NULL));
	assert_null(app_track(db, "BXXXXXXXXX", "4567"));
	assert_int_equal(act(db, SEC, 0, id, "route", json_pack("{s:i}", "directorate_id", FEN), NULL), APP_OK);
	json_t *t = app_track(db, lower, "4567");
	assert_non_null(t);
	assert_string_equal(json_string_value(json_object_get(t, "code")), code);
	assert_string_equal(json_string_value(json_object_get(t, "state")), "routed");
	assert_string_equal(json_string_value(json_object_get(t, "category_name")), "Yol bakım");
	assert_string_equal(json_string_value(json_object_get(t, "answer")), "");
	json_t *stages = json_object_get(t, "stages");
	assert_int_equal(json_array_size(stages), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(stages, 0), "state")), "received");
	assert_string_equal(json_string_value(json_object_get(json_array_get(stages, 1), "state")), "routed");
	assert_null(json_object_get(t, "applicant_name"));
	assert_null(json_object_get(t, "phone"));
	char *dump = json_dumps(t, 0);
	assert_null(strstr(dump, "Ayşe"));
	assert_null(strstr(dump, "4567"));
	free(dump);
	json_decref(t);
	/* With only an e-mail: its local part, exactly. */
	int64_t e = create(db, "{\"kind\":\"request\",\"channel\":\"web\",\"applicant_name\":\"Ali\",\"email\":"
			       "\"ali.veli@example.org\",\"category_code\":\"info\",\"subject\":\"Bilgi\"}");
	o = get(db, e);
	snprintf(code, sizeof code, "%s", json_string_value(json_object_get(o, "tracking_code")));
	json_decref(o);
	assert_null(app_track(db, code, "ali.vel"));
	t = app_track(db, code, "ali.veli");
	assert_non_null(t);
	json_decref(t);
}

/* Lists: folded word search, filters, keyset pages. */
static void test_list_search_pages(void **state)
{
	struct db *db = need(state);
	int64_t a = create_standard(db);
	int64_t b = create(db, "{" STANDARD ",\"subject\":\"Işıklar yanmıyor\",\"received_at\":\"2026-10-23T10:00:00+03:00\"}");
	int64_t c = create(db, "{" STANDARD ",\"subject\":\"Çöp toplanmadı\",\"applicant_name\":\"Mehmet Öztürk\"}");
	(void)a;
	struct app_filter f = {.q = "IŞIK"};
	json_t *l = app_list(db, &f, NULL, 10, received());
	assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(l, "items"), 0), "id")), b);
	json_decref(l);
	f.q = "ozturk cop";
	l = app_list(db, &f, NULL, 10, received());
	assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(l, "items"), 0), "id")), c);
	json_decref(l);
	f.q = "100%_";
	l = app_list(db, &f, NULL, 10, received());
	assert_int_equal(json_array_size(json_object_get(l, "items")), 0);
	json_decref(l);
	/* Pages of two, newest received first; the items carry the list fields and clocks. */
	struct app_filter all = {0};
	l = app_list(db, &all, NULL, 2, received());
	json_t *items = json_object_get(l, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_non_null(json_object_get(json_array_get(items, 0), "clocks"));
	assert_null(json_object_get(json_array_get(items, 0), "phone"));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), b); /* received later */
	const char *next = json_string_value(json_object_get(l, "next"));
	assert_non_null(next);
	json_t *l2 = app_list(db, &all, next, 2, received());
	assert_int_equal(json_array_size(json_object_get(l2, "items")), 1);
	assert_true(json_is_null(json_object_get(l2, "next")));
	json_decref(l2);
	json_decref(l);
	struct app_filter st = {.state = "routed"};
	l = app_list(db, &st, NULL, 10, received());
	assert_int_equal(json_array_size(json_object_get(l, "items")), 0);
	json_decref(l);
	st.state = "received";
	l = app_list(db, &st, NULL, 2, received());
	assert_int_equal(json_array_size(json_object_get(l, "items")), 2);
	l2 = app_list(db, &st, json_string_value(json_object_get(l, "next")), 2, received());
	assert_int_equal(json_array_size(json_object_get(l2, "items")), 1);
	json_decref(l2);
	json_decref(l);
	struct app_filter nb = {.neighbourhood_id = 1, .q = "ışık"};
	l = app_list(db, &nb, NULL, 10, received());
	assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
	json_decref(l);
	nb.neighbourhood_id = 2;
	l = app_list(db, &nb, NULL, 10, received());
	assert_int_equal(json_array_size(json_object_get(l, "items")), 0);
	json_decref(l);
	struct app_filter cat = {.category_id = 1, .neighbourhood_id = 1, .channel = "in_person", .kind = "complaint"};
	l = app_list(db, &cat, NULL, 10, received());
	assert_int_equal(json_array_size(json_object_get(l, "items")), 3);
	json_decref(l);
}

/* A stored clock column of application id (dflt when NULL). Statements are cached by their address: literals. */
static int64_t column(struct db *db, int64_t id, const char *col, int64_t dflt)
{
	static const char *const sql[][2] = {
		{"office_due_at", "SELECT office_due_at FROM applications WHERE id = ?"},
		{"legal_due_at", "SELECT legal_due_at FROM applications WHERE id = ?"},
		{"office_next_at", "SELECT office_next_at FROM applications WHERE id = ?"},
		{"office_warned", "SELECT office_warned FROM applications WHERE id = ?"},
		{"office_overdue", "SELECT office_overdue FROM applications WHERE id = ?"},
	};
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		if (strcmp(sql[i][0], col) != 0)
			continue;
		struct db_stmt *st = db_prep(db, sql[i][1]);
		assert_non_null(st);
		db_bind_int(st, 1, id);
		int64_t v = dflt;
		if (db_step(st) == DB_ROW && !db_col_is_null(st, 0))
			v = db_col_int(st, 0);
		db_reset(st);
		return v;
	}
	fail_msg("no statement for column %s", col);
	return dflt;
}

/* Saves category 1 ("road") with its values changed by changes, in a transaction of its own. */
static void save_road(struct db *db, json_t *changes)
{
	json_t *v = app_category_get(db, 1);
	assert_non_null(v);
	json_object_update(v, changes);
	json_decref(changes);
	const char *field = NULL;
	assert_int_equal(db_begin_write(db), 0);
	int64_t rc = app_category_save(db, "admin", 1, v, &field);
	json_decref(v);
	if (rc != 1)
		fail_msg("category save: %lld field %s", (long long)rc, field ? field : "-");
	assert_int_equal(db_commit(db), 0);
}

/* An administrator changing a category's clock policy moves the stored due dates of its open applications in the
 * same transaction: the overdue filter and the sweep follow; closed ones and other categories keep theirs. */
static void test_category_policy_moves_due_dates(void **state)
{
	struct db *db = need(state);
	int64_t id = create_standard(db);
	int64_t info = create(db, "{\"kind\":\"information\",\"channel\":\"web\",\"applicant_name\":\"Ali Veli\","
				  "\"email\":\"ali@example.org\",\"category_code\":\"info\",\"subject\":\"Bütçe\"}");
	int64_t closed = create_standard(db);
	assert_int_equal(act(db, SEC, 0, closed, "reject", json_pack("{s:s}", "legal_reason", "no_identity"), NULL),
			 APP_OK);
	int64_t old_due = column(db, id, "office_due_at", 0), info_due = column(db, info, "office_due_at", 0);
	int64_t closed_due = column(db, closed, "office_due_at", 0);
	int64_t closed_legal = column(db, closed, "legal_due_at", 0);
	assert_true(old_due > received() && closed_legal > 0);

	/* Not the policy (a name): nothing recomputed, as a planted value shows. */
	char sql[128];
	snprintf(sql, sizeof sql, "UPDATE applications SET office_due_at = 1 WHERE id = %lld", (long long)id);
	assert_int_equal(db_exec_script(db, sql), 0);
	save_road(db, json_pack("{s:s}", "name_tr", "Yol ve kaldırım"));
	assert_int_equal(column(db, id, "office_due_at", 0), 1);

	/* Tighter, and no legal clock. */
	save_road(db, json_pack("{s:i,s:i,s:s}", "office_warn_days", 1, "office_due_days", 3, "legal_clock", "none"));
	json_t *o = get(db, id);
	int64_t due = clock_int(o, "office", "due_at");
	json_decref(o);
	assert_true(due > received() && due < old_due);
	assert_int_equal(column(db, id, "office_due_at", 0), due);
	assert_int_equal(column(db, id, "legal_due_at", -7), -7); /* NULL */
	assert_int_equal(column(db, info, "office_due_at", 0), info_due);
	assert_int_equal(column(db, closed, "office_due_at", 0), closed_due);
	assert_int_equal(column(db, closed, "legal_due_at", 0), closed_legal);
	struct app_filter f = {.overdue = true};
	json_t *l = app_list(db, &f, NULL, 10, due - 1);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 0);
	json_decref(l);
	l = app_list(db, &f, NULL, 10, due);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(l, "items"), 0), "id")), id);
	json_decref(l);
	/* The sweep: overdue at the new due, not before. */
	assert_true(app_clock_sweep(db, due - 1) >= 0);
	assert_int_equal(events_of(db, id, "office", "overdue"), 0);
	assert_true(app_clock_sweep(db, due) >= 2);
	assert_int_equal(events_of(db, id, "office", "warning"), 1);
	assert_int_equal(events_of(db, id, "office", "overdue"), 1);
	assert_int_equal(events_of(db, id, "office", "escalated"), 1);

	/* Looser again, with the legal clock back: the warning (days after receipt) and the due move later. */
	save_road(db, json_pack("{s:i,s:i,s:s}", "office_warn_days", 8, "office_due_days", 10, "legal_clock",
				"petition_3071"));
	o = get(db, id);
	int64_t late = clock_int(o, "office", "due_at"), warn = clock_int(o, "office", "warn_at");
	json_decref(o);
	assert_true(late > old_due && warn > due && warn < late);
	assert_int_equal(column(db, id, "office_due_at", 0), late);
	assert_true(column(db, id, "legal_due_at", 0) > 0);
	assert_int_equal(column(db, closed, "office_due_at", 0), closed_due);
	l = app_list(db, &f, NULL, 10, late - 1); /* only the information request, due earlier */
	assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(l, "items"), 0), "id")),
			 info);
	json_decref(l);
	/* Seen from before the new warning, the warning and the overdue recorded are no longer true: the sweep
	 * records them again when they come; the head of the secretariat is not told twice. */
	assert_int_equal(app_refresh_category(db, 1, warn - 60), 1);
	assert_int_equal(column(db, id, "office_warned", -1), 0);
	assert_int_equal(column(db, id, "office_overdue", -1), 0);
	assert_int_equal(column(db, id, "office_next_at", 0), warn);
	assert_true(app_clock_sweep(db, warn) >= 1);
	assert_int_equal(events_of(db, id, "office", "warning"), 2);
	assert_int_equal(events_of(db, id, "office", "overdue"), 1);
	/* Seen from between the warning and the due: the warning recorded stays. */
	assert_int_equal(app_refresh_category(db, 1, warn + 60), 1);
	assert_int_equal(column(db, id, "office_warned", -1), 1);
	assert_int_equal(column(db, id, "office_overdue", -1), 0);
	assert_int_equal(column(db, id, "office_next_at", 0), late);
	assert_true(app_clock_sweep(db, late) >= 1);
	assert_int_equal(events_of(db, id, "office", "warning"), 2);
	assert_int_equal(events_of(db, id, "office", "overdue"), 2);
	assert_int_equal(events_of(db, id, "office", "escalated"), 1);
	assert_int_equal(column(db, id, "office_overdue", -1), 1);
	/* A category without open applications: none refreshed. */
	assert_int_equal(app_refresh_category(db, 999, late), 0);
}

/* A photo's address (Open311 media_url) is kept in its own field: http(s) only, at most 1000 characters; and the
 * tracking code can be read without the record. */
static void test_media_url_and_tracking_code(void **state)
{
	struct db *db = need(state);
	int64_t id = create(db, "{" STANDARD ",\"media_url\":\"https://example.org/foto.jpg?a=1&b=2\"}");
	json_t *o = get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "media_url")), "https://example.org/foto.jpg?a=1&b=2");
	assert_string_equal(json_string_value(json_object_get(o, "description")), "Okul önündeki çukur");
	char code[APP_CODE_LEN + 1];
	assert_int_equal(app_tracking_code(db, id, code), APP_OK);
	assert_string_equal(code, json_string_value(json_object_get(o, "tracking_code")));
	json_decref(o);
	assert_int_equal(app_tracking_code(db, id + 1000, code), APP_NOT_FOUND);
	assert_string_equal(code, "");
	int64_t plain = create_standard(db);
	struct app_filter all = {0};
	json_t *l = app_list(db, &all, NULL, 10, received());
	json_t *items = json_object_get(l, "items");
	assert_int_equal(json_array_size(items), 2);
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item)
	{
		int64_t iid = json_integer_value(json_object_get(item, "id"));
		assert_string_equal(json_string_value(json_object_get(item, "media_url")),
				    iid == plain ? "" : "https://example.org/foto.jpg?a=1&b=2");
	}
	json_decref(l);
	/* 1000 characters pass, 1001 do not. */
	char url[1100], json[1600];
	memset(url, 'a', sizeof url);
	memcpy(url, "http://example.org/", 19);
	url[1000] = '\0';
	snprintf(json, sizeof json, "{" STANDARD ",\"media_url\":\"%s\"}", url);
	int64_t longest = create(db, json);
	o = get(db, longest);
	assert_int_equal(strlen(json_string_value(json_object_get(o, "media_url"))), 1000);
	json_decref(o);
	int64_t before = count(db, "SELECT COUNT(*) FROM applications");
	url[1000] = 'a';
	url[1001] = '\0';
	const char *bad[] = {"javascript:alert(1)", "ftp://example.org/a.jpg", "https://", "http:///etc/passwd",
			     "https://example.org/a b.jpg", "example.org/a.jpg", url};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		json_t *v = json_loads("{" STANDARD "}", 0, NULL);
		json_object_set_new(v, "media_url", json_string(bad[k]));
		json_object_set_new(v, "received_at", json_integer(received()));
		const char *field = NULL;
		assert_int_equal(app_create(db, "clerk", v, NULL, NULL, &field, NULL), APP_INVALID);
		assert_string_equal(field, "media_url");
		json_decref(v);
	}
	assert_int_equal(count(db, "SELECT COUNT(*) FROM applications"), before);
}

#define CASE(f) cmocka_unit_test_setup_teardown(f, db_setup, db_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE(test_receive_reject_archive), CASE(test_forward_external),
		CASE(test_two_directorates_feedback_archive), CASE(test_pause_pushes_due),
		CASE(test_office_answer_phone_feedback), CASE(test_return_and_reroute), CASE(test_interim_stops_legal),
		CASE(test_duplicates), CASE(test_directorate_isolation),
		CASE(test_bad_input), CASE(test_sweep_once),
		CASE(test_tracking), CASE(test_list_search_pages),
		CASE(test_category_policy_moves_due_dates), CASE(test_media_url_and_tracking_code),
	};
	if (i18n_load() != 0)
		return 1;
	int failed = cmocka_run_group_tests_name("applications_sqlite", tests, group_setup_sqlite, NULL);
	failed += cmocka_run_group_tests_name("applications_postgresql", tests, group_setup_pg, NULL);
	i18n_unload();
	return failed;
}
