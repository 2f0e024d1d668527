/* test_appointments_store.c: appointment requests (store/appointments.h) on SQLite (and PostgreSQL when
 * KALEM_TEST_PG_URL is set): the whole institution flow through the agenda, declining with a notification,
 * forbidden and incomplete transitions changing nothing, tracking codes and the public view, lists. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/bizcal.h"
#include "core/workflow.h"
#include "store/agenda.h"
#include "store/appointments.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/outbox.h"
#include "util/i18n.h"
#include "db_fixture.h"

#define PG_SCHEMA "test_appointments_store"
#define TUE 20310304

static struct db_fixture sqlite_be = {.kind = DB_SQLITE, .name = PG_SCHEMA, .seeded = true};
static struct db_fixture pg_be = {.kind = DB_POSTGRES, .name = PG_SCHEMA, .seeded = true};

/* ---- fixtures: a fresh, seeded database per case (tests/unit/support/db_fixture.h), given to each case as its
 * state ---- */

static struct db *need(void **state)
{
	return db_fixture_need(*state);
}

/* ---- helpers ---- */

static int64_t create(struct db *db, const char *json)
{
	json_error_t err;
	json_t *v = json_loads(json, 0, &err);
	assert_non_null(v);
	const char *field = NULL;
	int64_t id = appt_create(db, "clerk", v, LANG_TR, &field);
	json_decref(v);
	return id;
}

static const char *create_field(struct db *db, const char *json)
{
	json_t *v = json_loads(json, 0, NULL);
	assert_non_null(v);
	const char *field = NULL;
	assert_int_equal(appt_create(db, "clerk", v, LANG_TR, &field), APPT_INVALID);
	json_decref(v);
	return field;
}

static int act(struct db *db, unsigned role, int64_t id, const char *action, json_t *fields /* stolen */,
	       const char **error_key, const char **field)
{
	if (!fields)
		fields = json_object();
	int rc = appt_transition(db, "actor", role, id, action, fields, LANG_TR, error_key, field, NULL);
	json_decref(fields);
	return rc;
}

static void assert_state(struct db *db, int64_t id, const char *state)
{
	json_t *o = appt_get(db, id);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "state")), state);
	json_decref(o);
}

static size_t audit_count(struct db *db, int64_t id)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	json_t *a = audit_list(db, NULL, "appointment", sid, NULL, 0, 500);
	size_t n = json_array_size(a);
	json_decref(a);
	return n;
}

/* The notifications of request id with template tmpl on channel ("email"/"sms"); returns how many; *last (OUT,
 * may be NULL) the id of the last one. */
static size_t notes_of(struct db *db, int64_t id, const char *tmpl, const char *channel, int64_t *last)
{
	json_t *list = outbox_for_record(db, "appointment", id);
	size_t n = 0, i;
	json_t *o;
	json_array_foreach(list, i, o)
	{
		if (strcmp(json_string_value(json_object_get(o, "template_key")), tmpl) == 0 &&
		    strcmp(json_string_value(json_object_get(o, "channel")), channel) == 0) {
			n++;
			if (last)
				*last = json_integer_value(json_object_get(o, "id"));
		}
	}
	json_decref(list);
	return n;
}

static int64_t at(int ymd, int h, int m)
{
	return unix_from_ymd_min(ymd, h * 60 + m);
}

#define INSTITUTION                                                                                               \
	"{\"kind\":\"institution\",\"requester_name\":\"Kızılay Şubesi\",\"contact_person\":\"Ayşe Öztürk\","    \
	"\"attendees\":3,\"subject\":\"Kan bağışı kampanyası\",\"channel\":\"phone\","                           \
	"\"email\":\"sube@example.org\",\"phone\":\"0532 123 45 67\",\"preferred\":\"Salı sabah\"}"
#define CITIZEN                                                                                                   \
	"{\"kind\":\"citizen\",\"requester_name\":\"Mehmet Çelik\",\"subject\":\"Mahalle parkı\","               \
	"\"channel\":\"front_desk\",\"phone\":\"05441112233\"}"

/* ---- cases ---- */

static void test_institution_flow(void **state)
{
	struct db *db = need(state);
	int64_t id = create(db, INSTITUTION);
	assert_true(id > 0);
	json_t *o = appt_get(db, id);
	const char *code = json_string_value(json_object_get(o, "tracking_code"));
	assert_true(appt_code_valid(code));
	assert_null(strpbrk(code, "01OI"));
	assert_string_equal(json_string_value(json_object_get(o, "state")), "requested");
	assert_string_equal(json_string_value(json_object_get(o, "chart_step")), "1.1");
	assert_string_equal(json_string_value(json_object_get(o, "phone")), "+905321234567");
	assert_int_equal(json_integer_value(json_object_get(o, "attendees")), 3);
	json_decref(o);
	/* Received: an e-mail and an SMS carrying the code. */
	int64_t nid = 0;
	assert_int_equal(notes_of(db, id, "appointment_received", "email", &nid), 1);
	assert_int_equal(notes_of(db, id, "appointment_received", "sms", NULL), 1);
	json_t *n = outbox_get(db, nid);
	o = appt_get(db, id);
	assert_non_null(strstr(json_string_value(json_object_get(n, "body")),
			       json_string_value(json_object_get(o, "tracking_code"))));
	json_decref(n);
	json_decref(o);
	assert_int_equal(audit_count(db, id), 1);

	const char *ek = NULL, *f = NULL;
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, id, "forward", NULL, &ek, &f), APPT_OK);
	assert_state(db, id, "forwarded");
	assert_int_equal(act(db, WF_ROLE_MAYOR, id, "accept", json_pack("{s:i}", "priority", 1), &ek, &f), APPT_OK);
	assert_state(db, id, "accepted");
	int64_t start = at(TUE, 10, 0);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, id, "schedule",
			     json_pack("{s:I,s:i,s:s}", "starts_at", start, "duration_min", 30, "location",
				       "Başkanlık Makamı"),
			     &ek, &f),
			 APPT_OK);
	o = appt_get(db, id);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "scheduled");
	assert_int_equal(json_integer_value(json_object_get(o, "starts_at")), start);
	assert_int_equal(json_integer_value(json_object_get(o, "ends_at")), start + 1800);
	assert_int_equal(json_integer_value(json_object_get(o, "priority")), 1);
	int64_t item_id = json_integer_value(json_object_get(o, "agenda_item_id"));
	json_decref(o);
	assert_true(item_id > 0);
	json_t *item = agenda_item_get(db, item_id);
	assert_string_equal(json_string_value(json_object_get(item, "status")), "scheduled");
	assert_string_equal(json_string_value(json_object_get(item, "category")), "institution");
	assert_string_equal(json_string_value(json_object_get(item, "source_type")), "appointment_request");
	assert_int_equal(json_integer_value(json_object_get(item, "source_id")), id);
	json_decref(item);
	/* Nothing sent yet about the time. */
	assert_int_equal(notes_of(db, id, "appointment_scheduled", "email", NULL), 0);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, id, "inform", NULL, &ek, &f), APPT_OK);
	assert_state(db, id, "informed");
	assert_int_equal(notes_of(db, id, "appointment_scheduled", "email", &nid), 1);
	assert_int_equal(notes_of(db, id, "appointment_scheduled", "sms", NULL), 1);
	n = outbox_get(db, nid);
	assert_string_equal(json_string_value(json_object_get(n, "attachment_name")), "randevu.ics");
	const char *body = json_string_value(json_object_get(n, "body"));
	assert_non_null(strstr(body, "04.03.2031"));
	assert_non_null(strstr(body, "10:00"));
	assert_non_null(strstr(body, "Başkanlık Makamı"));
	json_decref(n);
	assert_int_equal(act(db, WF_ROLE_MAYOR, id, "held", json_pack("{s:s}", "notes", "Kampanya desteklenecek"),
			     &ek, &f),
			 APPT_OK);
	assert_state(db, id, "held");
	item = agenda_item_get(db, item_id);
	assert_string_equal(json_string_value(json_object_get(item, "status")), "held");
	json_decref(item);
	/* create, forward, accept, schedule, inform, held. */
	assert_int_equal(audit_count(db, id), 6);
	/* Final: nothing more. */
	assert_int_equal(act(db, WF_ROLE_ADMIN, id, "cancel", NULL, &ek, &f), APPT_STATE);
	assert_string_equal(ek, WF_ERR_FINAL);
	assert_state(db, id, "held");
}

static void test_decline_notifies_reason(void **state)
{
	struct db *db = need(state);
	int64_t id = create(db, CITIZEN);
	assert_true(id > 0);
	assert_int_equal(notes_of(db, id, "appointment_received", "email", NULL), 0);
	assert_int_equal(notes_of(db, id, "appointment_received", "sms", NULL), 1);
	const char *ek = NULL, *f = NULL;
	assert_int_equal(act(db, WF_ROLE_CHIEF, id, "forward", NULL, &ek, &f), APPT_OK);
	/* A decline needs its reason. */
	assert_int_equal(act(db, WF_ROLE_MAYOR, id, "decline", NULL, &ek, &f), APPT_INVALID);
	assert_string_equal(f, "reason");
	assert_int_equal(act(db, WF_ROLE_MAYOR, id, "decline", json_pack("{s:s}", "reason", ""), &ek, &f),
			 APPT_INVALID);
	assert_state(db, id, "forwarded");
	assert_int_equal(notes_of(db, id, "appointment_declined", "sms", NULL), 0);
	int64_t nid = 0;
	assert_int_equal(act(db, WF_ROLE_MAYOR, id, "decline",
			     json_pack("{s:s}", "reason", "Konu ilgili müdürlüğün yetkisinde"), &ek, &f),
			 APPT_OK);
	assert_state(db, id, "declined");
	assert_int_equal(notes_of(db, id, "appointment_declined", "sms", &nid), 1);
	json_t *n = outbox_get(db, nid);
	assert_non_null(strstr(json_string_value(json_object_get(n, "body")), "Konu ilgili müdürlüğün yetkisinde"));
	assert_string_equal(json_string_value(json_object_get(n, "recipient")), "+905441112233");
	json_decref(n);
	assert_int_equal(act(db, WF_ROLE_MAYOR, id, "accept", json_pack("{s:i}", "priority", 1), &ek, &f),
			 APPT_STATE);
	assert_string_equal(ek, WF_ERR_FINAL);
}

static void test_forbidden_changes_nothing(void **state)
{
	struct db *db = need(state);
	int64_t id = create(db, CITIZEN);
	assert_true(id > 0);
	const char *ek = NULL, *f = NULL;
	size_t audits = audit_count(db, id);
	/* Only the office forwards. */
	assert_int_equal(act(db, WF_ROLE_MAYOR, id, "forward", NULL, &ek, &f), APPT_FORBIDDEN);
	assert_string_equal(ek, WF_ERR_FORBIDDEN);
	assert_int_equal(act(db, WF_ROLE_VIEWER, id, "forward", NULL, &ek, &f), APPT_FORBIDDEN);
	assert_int_equal(act(db, WF_ROLE_INTEGRATION, id, "forward", NULL, &ek, &f), APPT_FORBIDDEN);
	/* No skipping steps. */
	assert_int_equal(act(db, WF_ROLE_MAYOR, id, "accept", json_pack("{s:i}", "priority", 1), &ek, &f),
			 APPT_STATE);
	assert_string_equal(ek, WF_ERR_ACTION);
	assert_int_equal(act(db, WF_ROLE_ADMIN, id, "held", NULL, &ek, &f), APPT_STATE);
	assert_int_equal(act(db, WF_ROLE_ADMIN, id, "bogus", NULL, &ek, &f), APPT_STATE);
	assert_state(db, id, "requested");
	assert_int_equal(audit_count(db, id), audits);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, id, "forward", NULL, &ek, &f), APPT_OK);
	/* Only the Mayor's side accepts; a bad priority is refused. */
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, id, "accept", json_pack("{s:i}", "priority", 1), &ek, &f),
			 APPT_FORBIDDEN);
	assert_int_equal(act(db, WF_ROLE_MAYOR, id, "accept", json_pack("{s:i}", "priority", 7), &ek, &f),
			 APPT_INVALID);
	assert_string_equal(f, "priority");
	assert_int_equal(act(db, WF_ROLE_MAYOR, id, "accept", NULL, &ek, &f), APPT_INVALID);
	assert_string_equal(f, "priority");
	assert_state(db, id, "forwarded");
	assert_int_equal(audit_count(db, id), audits + 1);
	assert_int_equal(act(db, WF_ROLE_ADMIN, id + 1000, "forward", NULL, &ek, &f), APPT_NOT_FOUND);
}

static void test_create_invalid(void **state)
{
	struct db *db = need(state);
	assert_string_equal(create_field(db, "{\"kind\":\"company\",\"requester_name\":\"A\",\"subject\":\"s\","
					     "\"channel\":\"phone\"}"),
			    "kind");
	assert_string_equal(create_field(db, "{\"kind\":\"citizen\",\"requester_name\":\"A\",\"subject\":\"s\","
					     "\"channel\":\"fax\"}"),
			    "channel");
	assert_string_equal(create_field(db, "{\"kind\":\"citizen\",\"requester_name\":\"A\",\"channel\":\"phone\"}"),
			    "subject");
	assert_string_equal(create_field(db, "{\"kind\":\"citizen\",\"subject\":\"s\",\"channel\":\"phone\"}"),
			    "requester_name");
	assert_string_equal(create_field(db, "{\"kind\":\"citizen\",\"requester_name\":\"A\",\"subject\":\"s\","
					     "\"channel\":\"phone\",\"email\":\"not-an-address\"}"),
			    "email");
	assert_string_equal(create_field(db, "{\"kind\":\"citizen\",\"requester_name\":\"A\",\"subject\":\"s\","
					     "\"channel\":\"phone\",\"phone\":\"12ab\"}"),
			    "phone");
	assert_string_equal(create_field(db, "{\"kind\":\"citizen\",\"requester_name\":\"A\",\"subject\":\"s\","
					     "\"channel\":\"phone\",\"attendees\":0}"),
			    "attendees");
	assert_string_equal(create_field(db, "{\"kind\":\"citizen\",\"requester_name\":\"A\",\"subject\":\"s\","
					     "\"channel\":\"phone\",\"party_id\":999}"),
			    "party_id");
	json_t *list = appt_list(db, NULL, NULL, 10);
	assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
	json_decref(list);
}

static int64_t accepted(struct db *db, const char *json)
{
	int64_t id = create(db, json);
	assert_true(id > 0);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, id, "forward", NULL, NULL, NULL), APPT_OK);
	assert_int_equal(act(db, WF_ROLE_CHIEF, id, "accept", json_pack("{s:i}", "priority", 2), NULL, NULL), APPT_OK);
	return id;
}

static void test_conflict_and_reschedule(void **state)
{
	struct db *db = need(state);
	int64_t a = accepted(db, INSTITUTION), b = accepted(db, CITIZEN);
	const char *ek = NULL, *f = NULL;
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, a, "schedule", json_pack("{s:s}", "starts_at",
										 "2031-03-04T11:00:00+03:00"),
			     &ek, &f),
			 APPT_OK);
	/* The same time for another: refused, nothing changes. */
	json_t *conflicts = NULL;
	json_t *fields = json_pack("{s:I}", "starts_at", at(TUE, 11, 0));
	assert_int_equal(appt_transition(db, "actor", WF_ROLE_SECRETARIAT, b, "schedule", fields, LANG_TR, &ek, &f,
					 &conflicts),
			 APPT_CONFLICT);
	json_decref(fields);
	assert_true(json_array_size(conflicts) >= 1);
	json_decref(conflicts);
	assert_state(db, b, "accepted");
	/* A bad time is a field error. */
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, b, "schedule", json_pack("{s:s}", "starts_at", "tomorrow"),
			     &ek, &f),
			 APPT_INVALID);
	assert_string_equal(f, "starts_at");
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, b, "schedule", json_pack("{s:I}", "starts_at", at(TUE, 14, 0)),
			     &ek, &f),
			 APPT_OK);
	/* Rescheduling a moves its agenda item, not a new one. */
	json_t *o = appt_get(db, a);
	int64_t item = json_integer_value(json_object_get(o, "agenda_item_id"));
	json_decref(o);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, a, "inform", json_pack("{s:s}", "via", "phone"), &ek, &f),
			 APPT_OK);
	assert_int_equal(notes_of(db, a, "appointment_scheduled", "email", NULL), 0); /* a call: nothing sent */
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, a, "reschedule", json_pack("{s:I}", "starts_at", at(TUE, 15, 0)),
			     &ek, &f),
			 APPT_OK);
	o = appt_get(db, a);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "scheduled");
	assert_int_equal(json_integer_value(json_object_get(o, "agenda_item_id")), item);
	assert_int_equal(json_integer_value(json_object_get(o, "starts_at")), at(TUE, 15, 0));
	json_decref(o);
	json_t *it = agenda_item_get(db, item);
	assert_int_equal(json_integer_value(json_object_get(it, "starts_at")), at(TUE, 15, 0));
	json_decref(it);
	/* Cancelling frees the time; an informed requester is told. */
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, b, "inform", NULL, &ek, &f), APPT_OK);
	assert_int_equal(notes_of(db, b, "appointment_scheduled", "sms", NULL), 1);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, b, "cancel", NULL, &ek, &f), APPT_OK);
	assert_int_equal(notes_of(db, b, "appointment_cancelled", "sms", NULL), 1);
	assert_int_equal(act(db, WF_ROLE_SECRETARIAT, a, "cancel", NULL, &ek, &f), APPT_OK);
	assert_int_equal(notes_of(db, a, "appointment_cancelled", "email", NULL), 0); /* not informed since */
	it = agenda_item_get(db, item);
	assert_string_equal(json_string_value(json_object_get(it, "status")), "cancelled");
	json_decref(it);
}

static void test_track_and_list(void **state)
{
	struct db *db = need(state);
	int64_t a = create(db, INSTITUTION), b = create(db, CITIZEN), c = create(db, CITIZEN);
	assert_true(a > 0 && b > 0 && c > 0);
	json_t *o = appt_get(db, a);
	char code[APPT_CODE_LEN + 1];
	snprintf(code, sizeof code, "%s", json_string_value(json_object_get(o, "tracking_code")));
	json_decref(o);
	json_t *t = appt_track(db, code);
	assert_non_null(t);
	assert_string_equal(json_string_value(json_object_get(t, "state")), "requested");
	assert_string_equal(json_string_value(json_object_get(t, "kind")), "institution");
	assert_string_equal(json_string_value(json_object_get(t, "start")), "");
	char *dump = json_dumps(t, 0);
	assert_null(strstr(dump, "Kızılay"));
	assert_null(strstr(dump, "example.org"));
	assert_null(strstr(dump, "Kan bağışı"));
	free(dump);
	json_decref(t);
	/* Lower case is accepted; other codes are not found. */
	for (char *p = code; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	t = appt_track(db, code);
	assert_non_null(t);
	json_decref(t);
	assert_null(appt_track(db, "22222222"));
	assert_null(appt_track(db, "ABCDEFG0"));
	assert_null(appt_track(db, "ABC"));
	assert_null(appt_track(db, NULL));
	/* Lists: filters and pages, newest first. */
	struct appt_filter f = {.kind = "citizen"};
	json_t *l = appt_list(db, &f, NULL, 1);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(l, "items"), 0), "id")), c);
	const char *next = json_string_value(json_object_get(l, "next"));
	assert_non_null(next);
	json_t *l2 = appt_list(db, &f, next, 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(l2, "items"), 0), "id")),
			 b);
	assert_true(json_is_null(json_object_get(l2, "next")));
	json_decref(l);
	json_decref(l2);
	assert_int_equal(act(db, WF_ROLE_ADMIN, b, "forward", NULL, NULL, NULL), APPT_OK);
	f = (struct appt_filter){.state = "forwarded"};
	l = appt_list(db, &f, NULL, 10);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
	json_decref(l);
	f = (struct appt_filter){.from = 1, .to = 2};
	l = appt_list(db, &f, NULL, 10);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 0);
	json_decref(l);
	l = appt_list(db, NULL, NULL, 10);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 3);
	json_decref(l);
	/* Codes are drawn from the alphabet. */
	for (int i = 0; i < 200; i++) {
		appt_new_code(code);
		assert_true(appt_code_valid(code));
	}
}

#define CASE(f, fixture) \
	cmocka_unit_test_prestate_setup_teardown(f, db_fixture_case_setup, db_fixture_case_teardown, fixture)
#define CASES(fixture) \
	CASE(test_institution_flow, fixture), \
		CASE(test_decline_notifies_reason, fixture), \
		CASE(test_forbidden_changes_nothing, fixture), \
		CASE(test_create_invalid, fixture), \
		CASE(test_conflict_and_reschedule, fixture), \
		CASE(test_track_and_list, fixture)

int main(void)
{
	if (i18n_load() != 0)
		return 1;
	const struct CMUnitTest sqlite_cases[] = {CASES(&sqlite_be)};
	const struct CMUnitTest pg_cases[] = {CASES(&pg_be)};
	int failed = cmocka_run_group_tests_name("appointments_sqlite", sqlite_cases, NULL, NULL);
	failed += cmocka_run_group_tests_name("appointments_postgresql", pg_cases, NULL, NULL);
	return failed;
}
