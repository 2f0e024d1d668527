/* appointments.c: SQL and the transition effects of appointment requests (see appointments.h). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/ical.h"
#include "core/isotime.h"
#include "core/workflow.h"
#include "store/agenda.h"
#include "store/appointments.h"
#include "store/audit.h"
#include "store/listing.h"
#include "store/outbox.h"
#include "store/parties.h"
#include "store/requester.h"
#include "store/setup.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/json_str.h"
#include "util/log.h"
#include "util/turkish.h"
#include "util/xalloc.h"

/* Requesters have no account and no language: they are written to in Turkish (see appointments.h). */
#define REQUESTER_LANG LANG_TR
#define REMINDER_TEMPLATE "appointment_reminder"

const char appt_code_alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

#define COLS                                                                                                      \
	"id, tracking_code, kind, party_id, requester_name, contact_person, phone, email, attendees, subject, "   \
	"channel, preferred, state, priority, decline_reason, deputy, agenda_item_id, starts_at, ends_at, "       \
	"informed_via, notes, created_at, created_by, updated_at, updated_by, participants, outcome"
static const char SQL_GET[] = "SELECT " COLS " FROM appointment_requests WHERE id = ?";
static const char SQL_TRACK[] = "SELECT kind, state, starts_at FROM appointment_requests WHERE tracking_code = ?";
static const char SQL_INSERT[] =
	"INSERT INTO appointment_requests (tracking_code, kind, party_id, requester_name, contact_person, phone, "
	"email, attendees, subject, channel, preferred, state, created_at, created_by, updated_at, updated_by, "
	"search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_UPDATE[] =
	"UPDATE appointment_requests SET state = ?, priority = ?, decline_reason = ?, deputy = ?, agenda_item_id = ?, "
	"starts_at = ?, ends_at = ?, informed_via = ?, notes = ?, participants = ?, outcome = ?, updated_at = ?, "
	"updated_by = ? WHERE id = ? AND state = ?";
#define SEARCH_WORDS 4
static const char SQL_LIST[] =
	"SELECT " COLS " FROM appointment_requests WHERE (? = '' OR state = ?) AND (? = '' OR kind = ?) "
	"AND (? = 0 OR created_at >= ?) AND (? = 0 OR created_at < ?) AND (? = 0 OR starts_at >= ?) "
	"AND (? = 0 OR starts_at < ?) AND (? = 0 OR party_id = ?) AND (? = '' OR search_text LIKE ?) "
	"AND (? = '' OR search_text LIKE ?) AND (? = '' OR search_text LIKE ?) AND (? = '' OR search_text LIKE ?) "
	"AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?";
static const char SQL_FOLLOWUPS[] =
	"SELECT text, owner, due FROM appointment_followups WHERE request_id = ? ORDER BY position";
static const char SQL_FOLLOWUPS_DELETE[] = "DELETE FROM appointment_followups WHERE request_id = ?";
static const char SQL_FOLLOWUP_INSERT[] =
	"INSERT INTO appointment_followups (request_id, position, text, owner, due) VALUES (?, ?, ?, ?, ?)";

void appt_new_code(char code[APPT_CODE_LEN + 1])
{
	if (sodium_init() < 0)
		abort(); /* no randomness: nothing safe to do */
	for (int i = 0; i < APPT_CODE_LEN; i++)
		code[i] = appt_code_alphabet[randombytes_uniform(sizeof appt_code_alphabet - 1)];
	code[APPT_CODE_LEN] = '\0';
}

bool appt_code_valid(const char *s)
{
	if (!s || strlen(s) != APPT_CODE_LEN)
		return false;
	for (const char *p = s; *p; p++) {
		char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
		if (!strchr(appt_code_alphabet, c))
			return false;
	}
	return true;
}

static int64_t opt_int(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? 0 : db_col_int(st, col);
}

static json_t *row(struct db_stmt *st)
{
	const struct wf_state *s = wf_state_by_name(&appointment_flow, db_col_text(st, 12));
	char start[ISO_TIME_SIZE] = "", end[ISO_TIME_SIZE] = "";
	int64_t starts_at = opt_int(st, 17), ends_at = opt_int(st, 18);
	if (starts_at)
		iso_time_format(starts_at, start);
	if (ends_at)
		iso_time_format(ends_at, end);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_col_int(st, 0)));
	json_object_set_new(o, "tracking_code", json_string(db_col_text(st, 1)));
	json_object_set_new(o, "kind", json_string(db_col_text(st, 2)));
	json_object_set_new(o, "party_id", json_integer(opt_int(st, 3)));
	json_object_set_new(o, "requester_name", json_string(db_col_text(st, 4)));
	json_object_set_new(o, "contact_person", json_string(db_col_text(st, 5)));
	json_object_set_new(o, "phone", json_string(db_col_text(st, 6)));
	json_object_set_new(o, "email", json_string(db_col_text(st, 7)));
	json_object_set_new(o, "attendees", json_integer(db_col_int(st, 8)));
	json_object_set_new(o, "subject", json_string(db_col_text(st, 9)));
	json_object_set_new(o, "channel", json_string(db_col_text(st, 10)));
	json_object_set_new(o, "preferred", json_string(db_col_text(st, 11)));
	json_object_set_new(o, "state", json_string(db_col_text(st, 12)));
	json_object_set_new(o, "chart_step", json_string(s ? s->chart_step : ""));
	json_object_set_new(o, "priority", json_integer(db_col_int(st, 13)));
	json_object_set_new(o, "decline_reason", json_string(db_col_text(st, 14)));
	json_object_set_new(o, "deputy", json_string(db_col_text(st, 15)));
	json_object_set_new(o, "agenda_item_id", json_integer(opt_int(st, 16)));
	json_object_set_new(o, "starts_at", json_integer(starts_at));
	json_object_set_new(o, "ends_at", json_integer(ends_at));
	json_object_set_new(o, "start", json_string(start));
	json_object_set_new(o, "end", json_string(end));
	json_object_set_new(o, "informed_via", json_string(db_col_text(st, 19)));
	json_object_set_new(o, "notes", json_string(db_col_text(st, 20)));
	json_object_set_new(o, "created_at", json_integer(db_col_int(st, 21)));
	json_object_set_new(o, "created_by", json_string(db_col_text(st, 22)));
	json_object_set_new(o, "updated_at", json_integer(db_col_int(st, 23)));
	json_object_set_new(o, "updated_by", json_string(db_col_text(st, 24)));
	json_object_set_new(o, "participants", json_string(db_col_text(st, 25)));
	json_object_set_new(o, "outcome", json_string(db_col_text(st, 26)));
	return o;
}

json_t *appt_get(struct db *db, int64_t id)
{
	struct db_stmt *st = db_prep(db, SQL_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	json_t *o = db_step(st) == DB_ROW ? row(st) : NULL;
	db_reset(st);
	if (!o)
		return NULL;
	json_t *followups = json_array();
	st = db_prep(db, SQL_FOLLOWUPS);
	if (!st) {
		json_decref(followups);
		json_decref(o);
		return NULL;
	}
	db_bind_int(st, 1, id);
	while (db_step(st) == DB_ROW)
		json_array_append_new(followups, json_pack("{s:s,s:s,s:s}", "text", db_col_text(st, 0), "owner",
							   db_col_text(st, 1), "due", db_col_text(st, 2)));
	db_reset(st);
	json_object_set_new(o, "followups", followups);
	return o;
}

json_t *appt_track(struct db *db, const char *code)
{
	if (!appt_code_valid(code))
		return NULL;
	char upper[APPT_CODE_LEN + 1];
	for (int i = 0; i <= APPT_CODE_LEN; i++)
		upper[i] = code[i] >= 'a' && code[i] <= 'z' ? (char)(code[i] - 'a' + 'A') : code[i];
	struct db_stmt *st = db_prep(db, SQL_TRACK);
	if (!st)
		return NULL;
	db_bind_text(st, 1, upper);
	json_t *o = NULL;
	if (db_step(st) == DB_ROW) {
		const char *state = db_col_text(st, 1);
		const struct wf_state *s = wf_state_by_name(&appointment_flow, state);
		char start[ISO_TIME_SIZE] = "";
		int64_t starts_at = opt_int(st, 2);
		bool shown = s && (s->id == APPT_SCHEDULED || s->id == APPT_INFORMED || s->id == APPT_HELD);
		if (shown && starts_at)
			iso_time_format(starts_at, start);
		o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "code", upper, "kind", db_col_text(st, 0), "state", state,
			      "chart_step", s ? s->chart_step : "", "start", start);
	}
	db_reset(st);
	return o;
}

/* Splits the folded query q into at most SEARCH_WORDS LIKE patterns (OUT, xmalloc'd, "" when unused). */
static void search_patterns(const char *q, char *patterns[SEARCH_WORDS])
{
	for (int k = 0; k < SEARCH_WORDS; k++)
		patterns[k] = NULL;
	char *folded = tr_fold(q ? q : ""), *save = NULL;
	int k = 0;
	for (char *w = strtok_r(folded, " \t\r\n,;", &save); w && k < SEARCH_WORDS; w = strtok_r(NULL, " \t\r\n,;", &save))
		patterns[k++] = list_like_pattern(w);
	for (; k < SEARCH_WORDS; k++)
		patterns[k] = xstrdup("");
	free(folded);
}

static void bind_both_int(struct db_stmt *st, int *i, int64_t v)
{
	db_bind_int(st, (*i)++, v);
	db_bind_int(st, (*i)++, v);
}

json_t *appt_list(struct db *db, const struct appt_filter *f, const char *after, int limit)
{
	static const struct appt_filter none = {0};
	if (!f)
		f = &none;
	int64_t before_id = after && *after ? strtoll(after, NULL, 10) : 0;
	const char *state = f->state ? f->state : "", *kind = f->kind ? f->kind : "";
	json_t *items = json_array(), *out = json_object();
	json_object_set_new(out, "next", json_null());
	struct db_stmt *st = db_prep(db, SQL_LIST);
	if (st) {
		int i = 1;
		char *patterns[SEARCH_WORDS];
		search_patterns(f->q, patterns);
		db_bind_text(st, i++, state);
		db_bind_text(st, i++, state);
		db_bind_text(st, i++, kind);
		db_bind_text(st, i++, kind);
		bind_both_int(st, &i, f->from);
		bind_both_int(st, &i, f->to);
		bind_both_int(st, &i, f->meet_from);
		bind_both_int(st, &i, f->meet_to);
		bind_both_int(st, &i, f->party_id);
		for (int k = 0; k < SEARCH_WORDS; k++) {
			db_bind_text(st, i++, patterns[k]);
			db_bind_text(st, i++, patterns[k]);
			free(patterns[k]);
		}
		db_bind_int(st, i++, before_id);
		db_bind_int(st, i++, before_id);
		db_bind_int(st, i++, limit + 1);
		int n = 0;
		int64_t last = 0;
		while (db_step(st) == DB_ROW) {
			if (n == limit) {
				char cur[24];
				snprintf(cur, sizeof cur, "%lld", (long long)last);
				json_object_set_new(out, "next", json_string(cur));
				db_reset(st);
				break;
			}
			last = db_col_int(st, 0);
			json_array_append_new(items, row(st));
			n++;
		}
	}
	json_object_set_new(out, "items", items);
	return out;
}

/* ---- notifications ---- */

/* Queues template_key in Turkish (REQUESTER_LANG) to the request's e-mail and phone (each if present), the e-mail
 * with attachment (may be NULL), first sent at not_before (0 = now). Returns 0 or -1. */
static int notify_requester(struct db *db, const char *actor, const json_t *req, const char *template_key,
			    const json_t *args, const struct buf *ics, const char *ics_type, int64_t not_before)
{
	const char *email = json_string_value(json_object_get(req, "email"));
	const char *phone = json_string_value(json_object_get(req, "phone"));
	struct notification n = {.record_type = "appointment",
				 .record_id = json_integer_value(json_object_get(req, "id")),
				 .template_key = template_key,
				 .lang = REQUESTER_LANG,
				 .created_by = actor,
				 .not_before = not_before};
	if (email && *email) {
		struct notification mail = n;
		mail.channel = NOTIFY_EMAIL;
		mail.recipient = email;
		if (ics && ics->len) {
			mail.attachment_name = "randevu.ics";
			mail.attachment_type = ics_type;
			mail.attachment_body = ics->data;
		}
		if (requester_message(db, &mail, args) < 0)
			return -1;
	}
	if (phone && *phone) {
		n.channel = NOTIFY_SMS;
		n.recipient = phone;
		if (requester_message(db, &n, args) < 0)
			return -1;
	}
	return 0;
}

/* The placeholders of the message texts: {code}, {name}, {subject}, {reason}, {date}, {time}, {place}. */
static json_t *message_args(const json_t *req, const char *place)
{
	json_t *args = json_pack("{s:O?,s:O?,s:O?,s:O?,s:s}", "code", json_object_get(req, "tracking_code"), "name",
				 json_object_get(req, "requester_name"), "subject", json_object_get(req, "subject"),
				 "reason", json_object_get(req, "decline_reason"), "place", place ? place : "");
	int64_t t = json_integer_value(json_object_get(req, "starts_at"));
	if (t) {
		char iso[ISO_TIME_SIZE];
		iso_time_format(t, iso); /* "2026-12-02T10:30:00+03:00" */
		char date[11], hm[6];
		snprintf(date, sizeof date, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
		snprintf(hm, sizeof hm, "%.5s", iso + 11);
		json_object_set_new(args, "date", json_string(date));
		json_object_set_new(args, "time", json_string(hm));
	}
	return args;
}

/* ---- create ---- */

/* The folded search text of a request (xmalloc'd). */
static char *search_text_of(const char *name, const char *contact, const char *subject, const char *code)
{
	char *joined = xasprintf("%s %s %s %s", name, contact, subject, code);
	char *folded = tr_fold(joined);
	free(joined);
	return folded;
}

static bool one_of(const char *s, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(s, *names) == 0)
			return true;
	return false;
}

static const char *const kinds[] = {"institution", "citizen", NULL};
static const char *const channels[] = {"front_desk", "phone", "email", "letter", "web", "api", "walk_in", NULL};

static enum appt_result db_result(int rc)
{
	return rc == DB_BUSY ? APPT_BUSY : APPT_ERROR;
}

int64_t appt_create(struct db *db, const char *actor, const json_t *values, enum lang lang, const char **field)
{
	int rc = db_begin_write(db);
	if (rc != 0)
		return db_result(rc);
	int64_t id = appt_insert(db, actor, values, lang, field);
	if (id <= 0) {
		db_rollback(db);
		return id;
	}
	rc = db_commit(db);
	return rc == 0 ? id : db_result(rc);
}

int64_t appt_insert(struct db *db, const char *actor, const json_t *values, enum lang lang, const char **field)
{
	(void)lang; /* requesters are written to in Turkish */
	const char *dummy;
	if (!field)
		field = &dummy;
	*field = NULL;
	const char *kind = json_str(values, "kind"), *channel = json_str(values, "channel");
	const char *subject = json_str(values, "subject");
	json_t *jparty = json_object_get(values, "party_id");
	int64_t party_id = json_is_integer(jparty) ? json_integer_value(jparty) : 0;
	json_t *jatt = json_object_get(values, "attendees");
	int64_t attendees = jatt && !json_is_null(jatt) ? (json_is_integer(jatt) ? json_integer_value(jatt) : -1) : 1;
	if (!one_of(kind, kinds)) {
		*field = "kind";
		return APPT_INVALID;
	}
	if (!one_of(channel, channels)) {
		*field = "channel";
		return APPT_INVALID;
	}
	if (!*subject) {
		*field = "subject";
		return APPT_INVALID;
	}
	if (attendees < 1 || attendees > 500) {
		*field = "attendees";
		return APPT_INVALID;
	}
	if (jparty && !json_is_null(jparty) && (!json_is_integer(jparty) || party_id <= 0)) {
		*field = "party_id";
		return APPT_INVALID;
	}
	int rc;
	int64_t result = APPT_ERROR;
	json_t *party = NULL, *after = NULL;
	char *search = NULL;
	if (party_id) {
		party = party_get(db, party_id, false);
		if (!party || strcmp(json_str(party, "kind"), kind) != 0) {
			*field = "party_id";
			result = APPT_INVALID;
			goto out;
		}
	}
	/* A party's name, phone and e-mail fill what the request leaves empty. */
	struct requester_contact c;
	*field = requester_contact_check(values, "requester_name", 0, party, &c);
	if (*field) {
		result = APPT_INVALID;
		goto out;
	}
	int64_t now = (int64_t)time(NULL), id = 0;
	char code[APPT_CODE_LEN + 1];
	/* 32^8 codes: a clash is rare, but a failed INSERT would abort a PostgreSQL transaction, so look first
	 * (writers are serialised: nobody takes the code in between). */
	static const char SQL_CODE_USED[] = "SELECT COUNT(*) FROM appointment_requests WHERE tracking_code = ?";
	for (int tries = 0;; tries++) {
		appt_new_code(code);
		struct db_stmt *cst = db_prep(db, SQL_CODE_USED);
		if (!cst)
			goto out;
		db_bind_text(cst, 1, code);
		if (db_step(cst) != DB_ROW)
			goto out;
		int64_t used = db_col_int(cst, 0);
		db_reset(cst);
		if (!used)
			break;
		if (tries > 10)
			goto out;
	}
	struct db_stmt *st = db_prep(db, SQL_INSERT);
	if (!st)
		goto out;
	int i = 1;
	db_bind_text(st, i++, code);
	db_bind_text(st, i++, kind);
	db_bind_id_or_null(st, i++, party_id);
	db_bind_text(st, i++, c.name);
	db_bind_text(st, i++, json_str(values, "contact_person"));
	db_bind_text(st, i++, c.phone);
	db_bind_text(st, i++, c.email);
	db_bind_int(st, i++, attendees);
	db_bind_text(st, i++, subject);
	db_bind_text(st, i++, channel);
	db_bind_text(st, i++, json_str(values, "preferred"));
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	search = search_text_of(c.name, json_str(values, "contact_person"), subject, code);
	db_bind_text(st, i++, search);
	rc = db_step(st);
	if (rc != DB_ROW) {
		result = rc == DB_CONSTRAINT ? APPT_INVALID : db_result(rc);
		goto out;
	}
	id = db_col_int(st, 0);
	db_reset(st);
	after = appt_get(db, id);
	if (!after || audit_append(db, actor, "appointment.create", "appointment", id, NULL, after) != 0)
		goto out;
	json_t *args = message_args(after, NULL);
	int nrc = notify_requester(db, actor, after, "appointment_received", args, NULL, NULL, 0);
	json_decref(args);
	if (nrc != 0)
		goto out;
	result = id;
out:
	json_decref(party);
	json_decref(after);
	free(search);
	return result;
}

/* ---- transitions ---- */

static bool field_present(const char *name, void *ctx)
{
	const json_t *v = json_object_get((const json_t *)ctx, name);
	if (!v || json_is_null(v))
		return false;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	return true;
}

/* starts_at as unix seconds or ISO text; 0 when bad. */
static int64_t time_field(const json_t *v)
{
	int64_t t = 0;
	if (json_is_integer(v))
		t = json_integer_value(v);
	else if (json_is_string(v) && iso_time_parse(json_string_value(v), &t) != 0)
		t = 0;
	return t > 0 ? t : 0;
}

/* The working copy of a request's mutable columns. */
struct appt_row {
	int state;
	int64_t priority, agenda_item_id, starts_at, ends_at;
	const char *decline_reason, *deputy, *informed_via, *notes, *participants, *outcome;
	json_t *followups; /* borrowed; NULL = keep the stored list */
};

/* ---- held details ---- */

/* Reads the details of a held meeting from fields into r (strings borrowed from fields or *scratch, which the
 * caller frees; absent keys keep r's values). Returns APPT_OK or APPT_INVALID with *field and *error_key. */
static int details_from_fields(const json_t *fields, struct appt_row *r, char **scratch, json_t **followups,
			       const char **error_key, const char **field)
{
	*error_key = "error.invalid";
	json_t *v = json_object_get(fields, "notes");
	if (json_is_string(v))
		r->notes = json_string_value(v);
	else if (v && !json_is_null(v))
		return *field = "notes", APPT_INVALID;
	v = json_object_get(fields, "outcome");
	if (json_is_string(v))
		r->outcome = json_string_value(v);
	else if (v && !json_is_null(v))
		return *field = "outcome", APPT_INVALID;
	v = json_object_get(fields, "participants");
	if (json_is_string(v)) {
		r->participants = json_string_value(v);
	} else if (json_is_array(v)) {
		struct buf b = BUF_INIT;
		size_t i;
		json_t *p;
		json_array_foreach(v, i, p)
		{
			if (!json_is_string(p)) {
				buf_free(&b);
				return *field = "participants", APPT_INVALID;
			}
			if (!json_string_length(p))
				continue;
			if (b.len)
				buf_adds(&b, "\n");
			buf_adds(&b, json_string_value(p));
		}
		*scratch = buf_detach(&b, NULL);
		r->participants = *scratch ? *scratch : "";
	} else if (v && !json_is_null(v)) {
		return *field = "participants", APPT_INVALID;
	}
	if (strlen(r->notes) > 20000 || strlen(r->outcome) > 20000 || strlen(r->participants) > 20000) {
		*field = strlen(r->notes) > 20000 ? "notes" : strlen(r->outcome) > 20000 ? "outcome" : "participants";
		*error_key = "error.too_long";
		return APPT_INVALID;
	}
	v = json_object_get(fields, "followups");
	if (!v || json_is_null(v))
		return APPT_OK;
	if (!json_is_array(v) || json_array_size(v) > APPT_MAX_FOLLOWUPS)
		return *field = "followups", APPT_INVALID;
	json_t *list = json_array();
	size_t i;
	json_t *fu;
	json_array_foreach(v, i, fu)
	{
		const char *text = json_str(fu, "text"), *owner = json_str(fu, "owner"), *due = json_str(fu, "due");
		bool bad = !json_is_object(fu) || !*text || strlen(text) > 2000 || strlen(owner) > 200 ||
			   (*due && !iso_date_parse(due));
		if (bad) {
			json_decref(list);
			*field = json_is_object(fu) && *text && *due && !iso_date_parse(due) ? "followups.due"
											      : "followups";
			return APPT_INVALID;
		}
		json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "text", text, "owner", owner, "due", due));
	}
	*followups = list;
	r->followups = list;
	return APPT_OK;
}

/* Replaces the follow-ups of request id with list (inside the caller's write transaction). Returns 0 or -1. */
static int write_followups(struct db *db, int64_t id, const json_t *list)
{
	struct db_stmt *st = db_prep(db, SQL_FOLLOWUPS_DELETE);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	if (db_step(st) != DB_OK)
		return -1;
	size_t i;
	json_t *fu;
	json_array_foreach(list, i, fu)
	{
		st = db_prep(db, SQL_FOLLOWUP_INSERT);
		if (!st)
			return -1;
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, (int64_t)i);
		db_bind_text(st, 3, json_str(fu, "text"));
		db_bind_text(st, 4, json_str(fu, "owner"));
		db_bind_text(st, 5, json_str(fu, "due"));
		if (db_step(st) != DB_OK)
			return -1;
	}
	return 0;
}

/* Books or moves the agenda item of req for schedule/reschedule. Returns APPT_OK or an error. */
static int book_time(struct db *db, const char *actor, const json_t *req, const json_t *fields, struct appt_row *r,
		     const char **error_key, const char **field, json_t **conflicts)
{
	int64_t starts_at = time_field(json_object_get(fields, "starts_at"));
	if (!starts_at) {
		*field = "starts_at";
		*error_key = "error.invalid";
		return APPT_INVALID;
	}
	bool citizen = strcmp(json_str(req, "kind"), "citizen") == 0;
	json_t *jd = json_object_get(fields, "duration_min");
	int64_t duration = 0;
	if (jd && !json_is_null(jd)) {
		duration = json_is_integer(jd) ? json_integer_value(jd) : -1;
		if (duration < 5 || duration > 600) {
			*field = "duration_min";
			*error_key = "error.invalid";
			return APPT_INVALID;
		}
	} else {
		struct agenda_settings s;
		agenda_settings_load(db, &s);
		duration = citizen ? s.duration_citizen_min : s.duration_institution_min;
	}
	bool allow = json_is_true(json_object_get(fields, "allow_conflict"));
	int64_t ends_at = starts_at + duration * 60;
	json_t *found = NULL;
	int64_t rc;
	if (r->agenda_item_id) {
		rc = agenda_reschedule(db, actor, r->agenda_item_id, starts_at, ends_at, allow, &found);
	} else {
		char *title = xasprintf("%s: %s", json_str(req, "requester_name"), json_str(req, "subject"));
		struct agenda_item item = {
			.kind = AGENDA_APPOINTMENT,
			.category = citizen ? AGENDA_CAT_CITIZEN : AGENDA_CAT_INSTITUTION,
			.title = title,
			.location = json_str(fields, "location"),
			.starts_at = starts_at,
			.ends_at = ends_at,
			.source_type = "appointment_request",
			.source_id = json_integer_value(json_object_get(req, "id")),
		};
		rc = agenda_book(db, actor, &item, allow, &found);
		free(title);
		if (rc > 0)
			r->agenda_item_id = rc;
	}
	if (rc == AGENDA_CONFLICT) {
		*error_key = "error.appt_conflict";
		if (conflicts)
			*conflicts = found;
		else
			json_decref(found);
		return APPT_CONFLICT;
	}
	json_decref(found);
	if (rc == AGENDA_INVALID) {
		*field = "starts_at";
		*error_key = "error.invalid";
		return APPT_INVALID;
	}
	if (rc < 0)
		return rc == DB_BUSY ? APPT_BUSY : APPT_ERROR;
	r->starts_at = starts_at;
	r->ends_at = ends_at;
	return APPT_OK;
}

/* The .ics invitation of the request's agenda item, appended to out. Returns 0 or -1. */
static int invitation(struct db *db, const json_t *req, enum lang lang, int64_t item_id, struct buf *out)
{
	json_t *o = agenda_item_get(db, item_id);
	struct agenda_item item;
	int rc = -1;
	if (o && agenda_item_from_json(o, &item) == 0) {
		struct ical_invitation inv = {.organizer_name = "Özel Kalem Müdürlüğü",
					      .attendee_name = json_str(req, "requester_name"),
					      .attendee_email = json_str(req, "email"),
					      .lang = lang,
					      .now = (int64_t)time(NULL)};
		rc = ical_event_for_item(out, &item, &inv);
	}
	json_decref(o);
	return rc;
}

/* Cancels the still queued reminders of req and queues one per offset of the setting that is still ahead
 * (inside the caller's write transaction). Returns 0 or -1. */
static int queue_reminders(struct db *db, const char *actor, const json_t *req, const char *place)
{
	int64_t id = json_integer_value(json_object_get(req, "id"));
	int64_t start = json_integer_value(json_object_get(req, "starts_at")), now = (int64_t)time(NULL);
	if (outbox_cancel_for_record(db, actor, "appointment", id, REMINDER_TEMPLATE) < 0)
		return -1;
	int hours[APPT_MAX_REMINDERS], n = 0;
	appt_reminder_hours_load(db, hours, &n);
	json_t *args = message_args(req, place);
	int rc = 0;
	for (int k = 0; k < n && rc == 0 && start; k++) {
		int64_t at = start - (int64_t)hours[k] * 3600;
		if (at <= now)
			continue;
		json_object_set_new(args, "hours", json_integer(hours[k]));
		rc = notify_requester(db, actor, req, REMINDER_TEMPLATE, args, NULL, NULL, at);
	}
	json_decref(args);
	return rc;
}

int appt_transition(struct db *db, const char *actor, unsigned actor_role, int64_t id, const char *action,
		    const json_t *fields, enum lang lang, const char **error_key, const char **field,
		    json_t **conflicts)
{
	const char *dk, *df;
	if (!error_key)
		error_key = &dk;
	if (!field)
		field = &df;
	*error_key = NULL;
	*field = NULL;
	if (conflicts)
		*conflicts = NULL;
	int rc = db_begin_write(db);
	if (rc != 0)
		return db_result(rc);
	int result = APPT_ERROR;
	json_t *before = appt_get(db, id), *after = NULL, *args = NULL, *item = NULL, *followups = NULL;
	char *scratch = NULL;
	struct buf ics = BUF_INIT;
	if (!before) {
		*error_key = "error.not_found";
		result = APPT_NOT_FOUND;
		goto out;
	}
	const struct wf_state *from = wf_state_by_name(&appointment_flow, json_str(before, "state"));
	const struct wf_transition *t = from ? wf_find(&appointment_flow, from->id, action, actor_role, error_key)
					     : NULL;
	if (!t) {
		result = *error_key && strcmp(*error_key, WF_ERR_FORBIDDEN) == 0 ? APPT_FORBIDDEN : APPT_STATE;
		goto out;
	}
	*field = wf_missing_field(t, field_present, (void *)fields);
	if (*field) {
		*error_key = "error.required";
		result = APPT_INVALID;
		goto out;
	}
	struct appt_row r = {
		.state = t->to,
		.priority = json_integer_value(json_object_get(before, "priority")),
		.agenda_item_id = json_integer_value(json_object_get(before, "agenda_item_id")),
		.starts_at = json_integer_value(json_object_get(before, "starts_at")),
		.ends_at = json_integer_value(json_object_get(before, "ends_at")),
		.decline_reason = json_str(before, "decline_reason"),
		.deputy = json_str(before, "deputy"),
		.informed_via = json_str(before, "informed_via"),
		.notes = json_str(before, "notes"),
		.participants = json_str(before, "participants"),
		.outcome = json_str(before, "outcome"),
	};
	const char *act = t->action;
	bool send = t->notify_template != NULL;
	if (strcmp(act, "accept") == 0) {
		json_t *p = json_object_get(fields, "priority");
		r.priority = json_is_integer(p) ? json_integer_value(p) : 0;
		if (r.priority < 1 || r.priority > 3) {
			*field = "priority";
			*error_key = "error.invalid";
			result = APPT_INVALID;
			goto out;
		}
	} else if (strcmp(act, "decline") == 0) {
		r.decline_reason = json_str(fields, "reason");
	} else if (strcmp(act, "delegate") == 0) {
		r.deputy = json_str(fields, "deputy");
	} else if (strcmp(act, "schedule") == 0 || strcmp(act, "reschedule") == 0) {
		result = book_time(db, actor, before, fields, &r, error_key, field, conflicts);
		if (result != APPT_OK)
			goto out;
		result = APPT_ERROR;
	} else if (strcmp(act, "inform") == 0) {
		const char *via = *json_str(fields, "via") ? json_str(fields, "via") : "notification";
		if (strcmp(via, "notification") != 0 && strcmp(via, "phone") != 0) {
			*field = "via";
			*error_key = "error.invalid";
			result = APPT_INVALID;
			goto out;
		}
		r.informed_via = via;
		send = strcmp(via, "notification") == 0;
	} else if (strcmp(act, "held") == 0 || strcmp(act, "no_show") == 0 || strcmp(act, "cancel") == 0) {
		if (strcmp(act, "held") == 0) {
			result = details_from_fields(fields, &r, &scratch, &followups, error_key, field);
			if (result != APPT_OK)
				goto out;
			result = APPT_ERROR;
		}
		if (r.agenda_item_id) {
			enum agenda_status s = strcmp(act, "held") == 0      ? AGENDA_HELD
					       : strcmp(act, "no_show") == 0 ? AGENDA_NO_SHOW
									     : AGENDA_CANCELLED;
			int arc = agenda_set_status(db, actor, r.agenda_item_id, s);
			if (arc != 0) {
				result = arc == DB_BUSY ? APPT_BUSY : APPT_ERROR;
				goto out;
			}
		}
	}
	struct db_stmt *st = db_prep(db, SQL_UPDATE);
	if (!st)
		goto out;
	int i = 1;
	db_bind_text(st, i++, appointment_flow.states[r.state].name);
	db_bind_int(st, i++, r.priority);
	db_bind_text(st, i++, r.decline_reason);
	db_bind_text(st, i++, r.deputy);
	db_bind_id_or_null(st, i++, r.agenda_item_id);
	db_bind_id_or_null(st, i++, r.starts_at);
	db_bind_id_or_null(st, i++, r.ends_at);
	db_bind_text(st, i++, r.informed_via);
	db_bind_text(st, i++, r.notes);
	db_bind_text(st, i++, r.participants);
	db_bind_text(st, i++, r.outcome);
	db_bind_int(st, i++, (int64_t)time(NULL));
	db_bind_text(st, i++, actor);
	db_bind_int(st, i++, id);
	db_bind_text(st, i++, from->name);
	rc = db_step(st);
	if (rc != DB_OK || db_changes(st) != 1) {
		result = rc == DB_OK ? APPT_STATE : rc == DB_CONSTRAINT ? APPT_INVALID : db_result(rc);
		goto out;
	}
	if (r.followups && write_followups(db, id, r.followups) != 0)
		goto out;
	after = appt_get(db, id);
	char audit_action[64];
	snprintf(audit_action, sizeof audit_action, "appointment.%s", act);
	if (!after || audit_append(db, actor, audit_action, "appointment", id, before, after) != 0)
		goto out;
	/* A requester told the time by notification is sent its moves and its cancellation too (one told by phone
	 * is called again: the request is back in "scheduled"). */
	bool was_informed = strcmp(json_str(before, "informed_via"), "notification") == 0;
	bool rescheduled = strcmp(act, "reschedule") == 0;
	const char *tmpl = t->notify_template;
	if (rescheduled && was_informed)
		tmpl = "appointment_rescheduled", send = true;
	else if (strcmp(act, "cancel") == 0 && was_informed)
		tmpl = "appointment_cancelled", send = true;
	const char *place = "";
	if (r.agenda_item_id) {
		item = agenda_item_get(db, r.agenda_item_id);
		place = json_str(item, "location");
	}
	if (send) {
		const char *ics_type = NULL;
		args = message_args(after, place);
		if (rescheduled) {
			json_t *old = message_args(before, NULL);
			json_object_set(args, "old_date", json_object_get(old, "date"));
			json_object_set(args, "old_time", json_object_get(old, "time"));
			json_decref(old);
		}
		bool invite = strcmp(tmpl, "appointment_scheduled") == 0 || strcmp(tmpl, "appointment_rescheduled") == 0;
		if ((invite || strcmp(tmpl, "appointment_cancelled") == 0) && r.agenda_item_id &&
		    *json_str(after, "email")) {
			/* The agenda item keeps its UID and counts its SEQUENCE: calendars update the event in place. */
			if (invitation(db, after, REQUESTER_LANG, r.agenda_item_id, &ics) != 0)
				log_warn("appointment %lld: no .ics", (long long)id);
			ics_type = invite ? "text/calendar; charset=UTF-8; method=REQUEST"
					  : "text/calendar; charset=UTF-8; method=CANCEL";
		}
		if (notify_requester(db, actor, after, tmpl, args, &ics, ics_type, 0) != 0)
			goto out;
	}
	/* Reminders: queued when the requester is told the time by notification, moved with the time, dropped when
	 * the meeting is over or off. */
	bool by_notification = strcmp(r.informed_via, "notification") == 0;
	if ((strcmp(act, "inform") == 0 && send) || (rescheduled && by_notification)) {
		if (queue_reminders(db, actor, after, place) != 0)
			goto out;
	} else if (rescheduled || strcmp(act, "held") == 0 || strcmp(act, "no_show") == 0 ||
		   strcmp(act, "cancel") == 0) {
		if (outbox_cancel_for_record(db, actor, "appointment", id, REMINDER_TEMPLATE) < 0)
			goto out;
	}
	rc = db_commit(db);
	result = rc == 0 ? APPT_OK : db_result(rc);
	goto done;
out:
	db_rollback(db);
done:
	json_decref(before);
	json_decref(after);
	json_decref(args);
	json_decref(item);
	json_decref(followups);
	free(scratch);
	buf_free(&ics);
	return result;
}

/* ---- held details, edited afterwards ---- */

int appt_set_details(struct db *db, const char *actor, int64_t id, const json_t *fields, const char **error_key,
		     const char **field)
{
	const char *dk, *df;
	if (!error_key)
		error_key = &dk;
	if (!field)
		field = &df;
	*error_key = NULL;
	*field = NULL;
	if (!json_is_object(fields)) {
		*error_key = "error.invalid";
		*field = "notes";
		return APPT_INVALID;
	}
	int rc = db_begin_write(db);
	if (rc != 0)
		return db_result(rc);
	int result = APPT_ERROR;
	json_t *before = appt_get(db, id), *after = NULL, *followups = NULL;
	char *scratch = NULL;
	if (!before) {
		*error_key = "error.not_found";
		result = APPT_NOT_FOUND;
		goto out;
	}
	if (strcmp(json_str(before, "state"), "held") != 0) {
		*error_key = WF_ERR_ACTION;
		result = APPT_STATE;
		goto out;
	}
	struct appt_row r = {
		.notes = json_str(before, "notes"),
		.participants = json_str(before, "participants"),
		.outcome = json_str(before, "outcome"),
	};
	result = details_from_fields(fields, &r, &scratch, &followups, error_key, field);
	if (result != APPT_OK)
		goto out;
	result = APPT_ERROR;
	static const char SQL_DETAILS[] = "UPDATE appointment_requests SET notes = ?, participants = ?, outcome = ?, "
					  "updated_at = ?, updated_by = ? WHERE id = ? AND state = 'held'";
	struct db_stmt *st = db_prep(db, SQL_DETAILS);
	if (!st)
		goto out;
	db_bind_text(st, 1, r.notes);
	db_bind_text(st, 2, r.participants);
	db_bind_text(st, 3, r.outcome);
	db_bind_int(st, 4, (int64_t)time(NULL));
	db_bind_text(st, 5, actor);
	db_bind_int(st, 6, id);
	rc = db_step(st);
	if (rc != DB_OK || db_changes(st) != 1) {
		result = rc == DB_OK ? APPT_STATE : db_result(rc);
		goto out;
	}
	if (r.followups && write_followups(db, id, r.followups) != 0)
		goto out;
	after = appt_get(db, id);
	if (!after || audit_append(db, actor, "appointment.details", "appointment", id, before, after) != 0)
		goto out;
	rc = db_commit(db);
	result = rc == 0 ? APPT_OK : db_result(rc);
	goto done;
out:
	db_rollback(db);
done:
	json_decref(before);
	json_decref(after);
	json_decref(followups);
	free(scratch);
	return result;
}

/* ---- reminder setting ---- */

int appt_reminder_hours_parse(const char *text, int hours[APPT_MAX_REMINDERS], int *n)
{
	*n = 0;
	const char *p = text ? text : "";
	while (*p == ' ')
		p++;
	if (!*p || (p[0] == '0' && !p[strspn(p, "0 ")]))
		return 0; /* "" or "0": none */
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			return *n = 0, -1;
		char *end;
		long v = strtol(p, &end, 10);
		if (v < 1 || v > APPT_REMINDER_MAX_HOURS)
			return *n = 0, -1;
		bool seen = false;
		for (int k = 0; k < *n; k++)
			seen = seen || hours[k] == (int)v;
		if (!seen) {
			if (*n == APPT_MAX_REMINDERS)
				return *n = 0, -1;
			/* insert keeping the largest first */
			int k = *n;
			while (k > 0 && hours[k - 1] < (int)v) {
				hours[k] = hours[k - 1];
				k--;
			}
			hours[k] = (int)v;
			(*n)++;
		}
		p = end;
		while (*p == ' ')
			p++;
		if (!*p)
			return 0;
		if (*p != ',')
			return *n = 0, -1;
		p++;
	}
}

void appt_reminder_hours_load(struct db *db, int hours[APPT_MAX_REMINDERS], int *n)
{
	char text[128];
	int found = setting_get(db, APPT_SETTING_REMINDER_HOURS, text, sizeof text);
	if (found != 1 || appt_reminder_hours_parse(text, hours, n) != 0)
		appt_reminder_hours_parse(APPT_SETTING_REMINDER_HOURS_DEFAULT, hours, n);
}

/* ---- search backfill ---- */

int appt_search_backfill(struct db *db)
{
	static const char SQL_EMPTY[] = "SELECT id, requester_name, contact_person, subject, tracking_code FROM "
					"appointment_requests WHERE search_text = '' ORDER BY id LIMIT 500";
	static const char SQL_SET[] = "UPDATE appointment_requests SET search_text = ? WHERE id = ?";
	int total = 0;
	for (;;) {
		if (db_begin_write(db) != 0)
			return -1;
		struct db_stmt *st = db_prep(db, SQL_EMPTY);
		if (!st)
			goto fail;
		json_t *todo = json_array();
		while (db_step(st) == DB_ROW) {
			char *text = search_text_of(db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
						    db_col_text(st, 4));
			json_array_append_new(todo, json_pack("{s:I,s:s}", "id", db_col_int(st, 0), "text", text));
			free(text);
		}
		db_reset(st);
		size_t i, n = json_array_size(todo);
		json_t *o;
		int rc = 0;
		json_array_foreach(todo, i, o)
		{
			struct db_stmt *up = db_prep(db, SQL_SET);
			if (!up) {
				rc = -1;
				break;
			}
			db_bind_text(up, 1, json_str(o, "text"));
			db_bind_int(up, 2, json_integer_value(json_object_get(o, "id")));
			if (db_step(up) != DB_OK) {
				rc = -1;
				break;
			}
		}
		json_decref(todo);
		if (rc != 0 || db_commit(db) != 0)
			goto fail;
		total += (int)n;
		if (n < 500)
			return total;
	}
fail:
	db_rollback(db);
	return -1;
}

/* ---- CSV ---- */

/* "YYYY-MM-DD HH:MM" in Europe/Istanbul, or "" for 0. */
static void csv_time(int64_t t, char out[17])
{
	out[0] = '\0';
	if (!t)
		return;
	char iso[ISO_TIME_SIZE];
	iso_time_format(t, iso);
	snprintf(out, 17, "%.10s %.5s", iso, iso + 11);
}

int appt_export_csv(struct db *db, const struct appt_filter *f, enum lang lang, struct buf *out)
{
	static const char *const headers[] = {"appt.col.code",     "appt.field.kind",    "appt.col.requester",
					      "appt.field.contact_person", "appt.col.subject", "appt.field.channel",
					      "appt.field.attendees", "appt.col.state",  "appt.field.priority",
					      "appt.col.created",  "appt.col.time",      "appt.field.outcome"};
	enum { N = sizeof headers / sizeof headers[0] };
	const char *fields[N];
	for (size_t i = 0; i < N; i++)
		fields[i] = i18n_get(lang, headers[i]);
	buf_adds(out, "\xEF\xBB\xBF");
	csv_add_row(out, fields, N, ';');
	int rows = 0;
	char *cursor = NULL;
	for (;;) {
		json_t *page = appt_list(db, f, cursor, 500), *o;
		size_t i;
		json_array_foreach(json_object_get(page, "items"), i, o)
		{
			if (rows >= APPT_CSV_MAX_ROWS)
				break;
			char kind_key[64], channel_key[64], prio_key[64], created[17], when[17], count[16];
			const struct wf_state *s = wf_state_by_name(&appointment_flow, json_str(o, "state"));
			int64_t prio = json_integer_value(json_object_get(o, "priority"));
			snprintf(kind_key, sizeof kind_key, "appt.kind.%s", json_str(o, "kind"));
			snprintf(channel_key, sizeof channel_key, "appt.channel.%s", json_str(o, "channel"));
			snprintf(prio_key, sizeof prio_key, "appt.priority.%lld", (long long)prio);
			snprintf(count, sizeof count, "%lld", (long long)json_integer_value(json_object_get(o, "attendees")));
			csv_time(json_integer_value(json_object_get(o, "created_at")), created);
			csv_time(json_integer_value(json_object_get(o, "starts_at")), when);
			const char *row[N] = {json_str(o, "tracking_code"),
					      i18n_get(lang, kind_key),
					      json_str(o, "requester_name"),
					      json_str(o, "contact_person"),
					      json_str(o, "subject"),
					      i18n_get(lang, channel_key),
					      count,
					      s ? i18n_get(lang, s->label_key) : json_str(o, "state"),
					      prio ? i18n_get(lang, prio_key) : "",
					      created,
					      when,
					      json_str(o, "outcome")};
			csv_add_row(out, row, N, ';');
			rows++;
		}
		free(cursor);
		cursor = NULL;
		json_t *next = json_object_get(page, "next");
		if (json_is_string(next) && rows < APPT_CSV_MAX_ROWS)
			cursor = xstrdup(json_string_value(next));
		json_decref(page);
		if (!cursor)
			break;
	}
	return rows;
}
