/* walkins.c: SQL, the availability answer and the transitions of walk-ins (see walkins.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/bizcal.h"
#include "core/isotime.h"
#include "core/phone.h"
#include "core/tckn.h"
#include "core/walkin.h"
#include "store/agenda.h"
#include "store/appointments.h"
#include "store/audit.h"
#include "store/parties.h"
#include "store/requester.h"
#include "store/walkins.h"
#include "util/json_str.h"
#include "util/xalloc.h"

#define COLS                                                                                                      \
	"id, party_id, name, phone, email, kind, institution, attendees, subject, duration_min, state, arrived_at, "  \
	"called_at, ended_at, appointment_id, notes, created_at, created_by, updated_at, updated_by"
static const char SQL_GET[] = "SELECT " COLS " FROM walk_ins WHERE id = ?";
static const char SQL_DAY[] =
	"SELECT " COLS " FROM walk_ins WHERE arrived_at >= ? AND arrived_at < ? ORDER BY arrived_at, id LIMIT 500";
static const char SQL_OPEN[] = "SELECT id, name, duration_min, state, called_at FROM walk_ins "
			       "WHERE state IN ('waiting', 'called_in') AND arrived_at >= ? AND arrived_at < ? "
			       "ORDER BY arrived_at, id LIMIT 500";
static const char SQL_COUNT_OPEN[] = "SELECT COUNT(*) FROM walk_ins WHERE state IN ('waiting', 'called_in') "
				     "AND arrived_at >= ? AND arrived_at < ?";
static const char SQL_INSERT[] =
	"INSERT INTO walk_ins (party_id, name, phone, email, kind, institution, attendees, subject, duration_min, "
	"state, arrived_at, notes, created_at, created_by, updated_at, updated_by) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_UPDATE[] = "UPDATE walk_ins SET state = ?, called_at = ?, ended_at = ?, appointment_id = ?, "
				 "notes = ?, updated_at = ?, updated_by = ? WHERE id = ? AND state = ?";

static int64_t opt_int(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? 0 : db_col_int(st, col);
}

static json_t *iso_or_null(int64_t t)
{
	if (!t)
		return json_null();
	char iso[ISO_TIME_SIZE];
	iso_time_format(t, iso);
	return json_string(iso);
}

static json_t *row(struct db_stmt *st)
{
	const struct wf_state *s = wf_state_by_name(&walkin_flow, db_col_text(st, 10));
	char arrived[ISO_TIME_SIZE];
	iso_time_format(db_col_int(st, 11), arrived);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_col_int(st, 0)));
	json_object_set_new(o, "party_id", json_integer(opt_int(st, 1)));
	json_object_set_new(o, "name", json_string(db_col_text(st, 2)));
	json_object_set_new(o, "phone", json_string(db_col_text(st, 3)));
	json_object_set_new(o, "email", json_string(db_col_text(st, 4)));
	json_object_set_new(o, "kind", json_string(db_col_text(st, 5)));
	json_object_set_new(o, "institution", json_string(db_col_text(st, 6)));
	json_object_set_new(o, "attendees", json_integer(db_col_int(st, 7)));
	json_object_set_new(o, "subject", json_string(db_col_text(st, 8)));
	json_object_set_new(o, "duration_min", json_integer(db_col_int(st, 9)));
	json_object_set_new(o, "state", json_string(db_col_text(st, 10)));
	json_object_set_new(o, "chart_step", json_string(s ? s->chart_step : ""));
	json_object_set_new(o, "arrived_at", json_integer(db_col_int(st, 11)));
	json_object_set_new(o, "arrived", json_string(arrived));
	json_object_set_new(o, "called_at", json_integer(opt_int(st, 12)));
	json_object_set_new(o, "ended_at", json_integer(opt_int(st, 13)));
	json_object_set_new(o, "appointment_id", json_integer(opt_int(st, 14)));
	json_object_set_new(o, "notes", json_string(db_col_text(st, 15)));
	json_object_set_new(o, "created_at", json_integer(db_col_int(st, 16)));
	json_object_set_new(o, "created_by", json_string(db_col_text(st, 17)));
	json_object_set_new(o, "updated_at", json_integer(db_col_int(st, 18)));
	json_object_set_new(o, "updated_by", json_string(db_col_text(st, 19)));
	return o;
}

json_t *walkin_get(struct db *db, int64_t id)
{
	struct db_stmt *st = db_prep(db, SQL_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	json_t *o = db_step(st) == DB_ROW ? row(st) : NULL;
	db_reset(st);
	return o;
}

/* An optional integer member: dflt when absent, null or 0; -1 when not an integer. */
static int64_t int_field(const json_t *o, const char *name, int64_t dflt)
{
	json_t *v = json_object_get(o, name);
	if (!v || json_is_null(v))
		return dflt;
	if (!json_is_integer(v))
		return -1;
	return json_integer_value(v) ? json_integer_value(v) : dflt;
}

static enum walkin_result db_result(int rc)
{
	return rc == DB_BUSY ? WALKIN_BUSY : WALKIN_ERROR;
}

/* ---- create ---- */

/* The checked values of a new walk-in; strings are owned. */
struct arrival {
	int64_t party_id;
	char *name, *email, *kind, *institution, *tckn;
	char phone[PHONE_E164_SIZE];
	int64_t attendees, duration_min;
};

static void arrival_free(struct arrival *a)
{
	free(a->name);
	free(a->email);
	free(a->kind);
	free(a->institution);
	free(a->tckn);
}

/* Fills a from values and the party; returns 0, or -1 with *field set. */
static int arrival_check(struct db *db, const json_t *values, struct arrival *a, const char **field)
{
	json_t *party = NULL;
	int rc = -1;
	const char *kind = json_str(values, "kind"), *name = json_str(values, "name");
	const char *phone = json_str(values, "phone"), *email = json_str(values, "email");
	const char *institution = json_str(values, "institution");
	json_t *jparty = json_object_get(values, "party_id");
	a->party_id = int_field(values, "party_id", 0);
	if (a->party_id < 0 || (jparty && !json_is_null(jparty) && !json_is_integer(jparty))) {
		*field = "party_id";
		goto out;
	}
	if (a->party_id) {
		party = party_get(db, a->party_id, false);
		if (!party) {
			*field = "party_id";
			goto out;
		}
		bool is_institution = strcmp(json_str(party, "kind"), "institution") == 0;
		if (!*kind)
			kind = is_institution ? "institution" : "citizen";
		if (is_institution) {
			if (!*institution)
				institution = json_str(party, "name");
			if (!*name)
				name = json_str(party, "contact_person");
		} else if (!*name) {
			name = json_str(party, "name");
		}
		if (!*phone)
			phone = json_str(party, "phone");
		if (!*email)
			email = json_str(party, "email");
	}
	if (!*kind)
		kind = "citizen";
	if (strcmp(kind, "citizen") != 0 && strcmp(kind, "institution") != 0) {
		*field = "kind";
		goto out;
	}
	/* a delegation may give only its institution: the institution names it */
	if (!*name && strcmp(kind, "institution") == 0)
		name = institution;
	if (!*name) {
		*field = "name";
		goto out;
	}
	if (strcmp(kind, "institution") == 0 && !*institution) {
		*field = "institution";
		goto out;
	}
	*field = requester_phone_email_check(phone, email, a->phone);
	if (*field)
		goto out;
	if (!*json_str(values, "subject")) {
		*field = "subject";
		goto out;
	}
	a->attendees = int_field(values, "attendees", 1);
	if (a->attendees < 1 || a->attendees > 500) {
		*field = "attendees";
		goto out;
	}
	a->duration_min = int_field(values, "duration_min", 0);
	if (a->duration_min < 0 || a->duration_min > WALKIN_DURATION_MAX) {
		*field = "duration_min";
		goto out;
	}
	if (!a->duration_min) {
		struct agenda_settings s;
		agenda_settings_load(db, &s);
		a->duration_min = strcmp(kind, "institution") == 0 ? s.duration_institution_min : s.duration_citizen_min;
	}
	const char *tckn = json_str(values, "tckn");
	if (json_is_true(json_object_get(values, "new_party"))) {
		if (a->party_id) {
			*field = "party_id";
			goto out;
		}
		/* name and phone at least, so the office can reach them again */
		if (!a->phone[0]) {
			*field = "phone";
			goto out;
		}
		if (*tckn && !tckn_valid(tckn)) {
			*field = "tckn";
			goto out;
		}
		if (*tckn) {
			json_t *same = party_duplicates(db, 0, tckn, NULL, NULL);
			size_t n = json_array_size(same);
			json_decref(same);
			if (n) {
				*field = "tckn";
				goto out;
			}
		}
	} else {
		tckn = "";
	}
	a->name = xstrdup(name);
	a->email = xstrdup(email);
	a->kind = xstrdup(kind);
	a->institution = xstrdup(strcmp(kind, "institution") == 0 ? institution : "");
	a->tckn = xstrdup(tckn);
	rc = 0;
out:
	json_decref(party);
	return rc;
}

int64_t walkin_create(struct db *db, const char *actor, const json_t *values, const char **field)
{
	const char *dummy;
	if (!field)
		field = &dummy;
	*field = NULL;
	struct arrival a = {0};
	if (arrival_check(db, values, &a, field) != 0) {
		arrival_free(&a);
		return WALKIN_INVALID;
	}
	int rc = db_begin_write(db);
	if (rc != 0) {
		arrival_free(&a);
		return db_result(rc);
	}
	int64_t result = WALKIN_ERROR, id = 0, now = (int64_t)time(NULL);
	json_t *after = NULL;
	if (json_is_true(json_object_get(values, "new_party"))) {
		json_t *p = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "kind", "citizen", "institution_kind", "", "name",
				      a.name, "tckn", a.tckn, "phone", a.phone, "email", a.email, "kvkk_notice", 1);
		int64_t pid = party_save(db, actor, 0, p);
		json_decref(p);
		if (pid <= 0) {
			if (pid == DB_CONSTRAINT) {
				*field = "tckn";
				result = WALKIN_INVALID;
			}
			goto out;
		}
		a.party_id = pid;
	}
	struct db_stmt *st = db_prep(db, SQL_INSERT);
	if (!st)
		goto out;
	int i = 1;
	db_bind_id_or_null(st, i++, a.party_id);
	db_bind_text(st, i++, a.name);
	db_bind_text(st, i++, a.phone);
	db_bind_text(st, i++, a.email);
	db_bind_text(st, i++, a.kind);
	db_bind_text(st, i++, a.institution);
	db_bind_int(st, i++, a.attendees);
	db_bind_text(st, i++, json_str(values, "subject"));
	db_bind_int(st, i++, a.duration_min);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, json_str(values, "notes"));
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	rc = db_step(st);
	if (rc != DB_ROW) {
		result = rc == DB_CONSTRAINT ? WALKIN_INVALID : db_result(rc);
		goto out;
	}
	id = db_col_int(st, 0);
	db_reset(st);
	after = walkin_get(db, id);
	if (!after || audit_append(db, actor, "walk_in.create", "walk_in", id, NULL, after) != 0)
		goto out;
	rc = db_commit(db);
	result = rc == 0 ? id : db_result(rc);
	goto done;
out:
	db_rollback(db);
done:
	json_decref(after);
	arrival_free(&a);
	return result;
}

/* ---- transitions ---- */

/* The appointment request a walk-in turns into. */
static json_t *request_values(struct db *db, const json_t *w, const json_t *fields)
{
	const char *kind = json_str(w, "kind");
	bool institution = strcmp(kind, "institution") == 0;
	json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O?,s:O?,s:s,s:s}", "kind", kind, "requester_name",
			      institution ? json_str(w, "institution") : json_str(w, "name"), "contact_person",
			      institution ? json_str(w, "name") : "", "phone", json_str(w, "phone"), "email",
			      json_str(w, "email"), "attendees", json_object_get(w, "attendees"), "subject",
			      json_object_get(w, "subject"), "channel", "walk_in", "preferred",
			      json_str(fields, "preferred"));
	/* the party goes with the request when it is of the request's kind (appt_insert checks that) */
	int64_t party_id = json_integer_value(json_object_get(w, "party_id"));
	if (party_id) {
		json_t *p = party_get(db, party_id, false);
		if (p && strcmp(json_str(p, "kind"), kind) == 0)
			json_object_set_new(v, "party_id", json_integer(party_id));
		json_decref(p);
	}
	return v;
}

int walkin_transition(struct db *db, const char *actor, unsigned actor_role, int64_t id, const char *action,
		      const json_t *fields, enum lang lang, const char **error_key, const char **field,
		      int64_t *appointment_id)
{
	const char *dk, *df;
	int64_t da;
	if (!error_key)
		error_key = &dk;
	if (!field)
		field = &df;
	if (!appointment_id)
		appointment_id = &da;
	*error_key = NULL;
	*field = NULL;
	*appointment_id = 0;
	int rc = db_begin_write(db);
	if (rc != 0)
		return db_result(rc);
	int result = WALKIN_ERROR;
	json_t *before = walkin_get(db, id), *after = NULL, *request = NULL;
	char *notes = NULL;
	if (!before) {
		*error_key = "error.not_found";
		result = WALKIN_NOT_FOUND;
		goto out;
	}
	const struct wf_state *from = wf_state_by_name(&walkin_flow, json_str(before, "state"));
	const struct wf_transition *t = from ? wf_find(&walkin_flow, from->id, action, actor_role, error_key) : NULL;
	if (!t) {
		result = *error_key && strcmp(*error_key, WF_ERR_FORBIDDEN) == 0 ? WALKIN_FORBIDDEN : WALKIN_STATE;
		goto out;
	}
	int64_t now = (int64_t)time(NULL);
	int64_t called_at = json_integer_value(json_object_get(before, "called_at"));
	int64_t ended_at = json_integer_value(json_object_get(before, "ended_at"));
	int64_t appt_id = json_integer_value(json_object_get(before, "appointment_id"));
	const char *old_notes = json_str(before, "notes"), *add = json_str(fields, "notes");
	notes = *add ? (*old_notes ? xasprintf("%s\n%s", old_notes, add) : xstrdup(add)) : xstrdup(old_notes);
	if (t->to == WALKIN_CALLED_IN)
		called_at = now;
	else if (walkin_flow.states[t->to].final)
		ended_at = now;
	if (t->to == WALKIN_CONVERTED) {
		request = request_values(db, before, fields);
		const char *afield = NULL;
		appt_id = appt_insert(db, actor, request, lang, &afield);
		if (appt_id <= 0) {
			if (appt_id == APPT_INVALID) {
				*field = afield && strcmp(afield, "requester_name") == 0 ? "name" : afield;
				*error_key = "error.invalid";
				result = WALKIN_INVALID;
			} else {
				result = appt_id == APPT_BUSY ? WALKIN_BUSY : WALKIN_ERROR;
			}
			goto out;
		}
	}
	struct db_stmt *st = db_prep(db, SQL_UPDATE);
	if (!st)
		goto out;
	int i = 1;
	db_bind_text(st, i++, walkin_flow.states[t->to].name);
	db_bind_id_or_null(st, i++, called_at);
	db_bind_id_or_null(st, i++, ended_at);
	db_bind_id_or_null(st, i++, appt_id);
	db_bind_text(st, i++, notes);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	db_bind_int(st, i++, id);
	db_bind_text(st, i++, from->name);
	rc = db_step(st);
	if (rc != DB_OK || db_changes(st) != 1) {
		result = rc == DB_OK ? WALKIN_STATE : rc == DB_CONSTRAINT ? WALKIN_INVALID : db_result(rc);
		goto out;
	}
	after = walkin_get(db, id);
	char audit_action[64];
	snprintf(audit_action, sizeof audit_action, "walk_in.%s", t->action);
	if (!after || audit_append(db, actor, audit_action, "walk_in", id, before, after) != 0)
		goto out;
	rc = db_commit(db);
	result = rc == 0 ? WALKIN_OK : db_result(rc);
	if (result == WALKIN_OK)
		*appointment_id = t->to == WALKIN_CONVERTED ? appt_id : 0;
	goto done;
out:
	db_rollback(db);
done:
	json_decref(before);
	json_decref(after);
	json_decref(request);
	free(notes);
	return result;
}

/* ---- today's queue and the answer ---- */

/* One person of today's open walk-ins. */
struct open_walkin {
	int64_t id;
	char *name;
	int duration_min;
};

json_t *walkin_availability(struct db *db, int64_t now, int duration_min)
{
	int ymd = ymd_from_unix(now);
	struct agenda_day d;
	if (agenda_day_load(db, ymd, 0, &d) != 0) {
		agenda_day_free(&d);
		return NULL;
	}
	if (duration_min <= 0)
		duration_min = d.settings.duration_citizen_min;
	json_t *out = NULL;
	struct open_walkin *waiting = NULL;
	int *queue_min = NULL;
	int64_t *queue_at = NULL;
	size_t n = 0, cap = 0;
	int64_t with_mayor_until = 0;
	struct db_stmt *st = db_prep(db, SQL_OPEN);
	if (!st)
		goto out;
	db_bind_int(st, 1, unix_from_ymd_min(ymd, 0));
	db_bind_int(st, 2, unix_from_ymd_min(ymd, 24 * 60));
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		int dur = (int)db_col_int(st, 2);
		if (strcmp(db_col_text(st, 3), "called_in") == 0) {
			int64_t end = walkin_meeting_end(opt_int(st, 4), dur, now);
			if (end > with_mayor_until)
				with_mayor_until = end;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			waiting = xrealloc(waiting, cap * sizeof *waiting);
		}
		waiting[n++] = (struct open_walkin){db_col_int(st, 0), xstrdup(db_col_text(st, 1)), dur};
	}
	if (rc != DB_OK)
		goto out;
	queue_min = xcalloc(n + 1, sizeof *queue_min);
	queue_at = xcalloc(n + 1, sizeof *queue_at);
	for (size_t i = 0; i < n; i++)
		queue_min[i] = waiting[i].duration_min > 0 ? waiting[i].duration_min : 1;
	struct walkin_situation s = {.day = &d.day, .busy = d.busy, .n_busy = d.n_busy,
				     .buffer_min = d.settings.buffer_min, .now = now,
				     .with_mayor_until = with_mayor_until, .queue_min = queue_min, .n_queue = n,
				     .duration_min = duration_min};
	struct walkin_answer a;
	if (walkin_assess(&s, &a, queue_at) != 0)
		goto out;
	char date[ISO_DATE_SIZE];
	iso_date_format(ymd, date);
	out = json_object();
	json_object_set_new(out, "date", json_string(date));
	json_object_set_new(out, "now", iso_or_null(now));
	json_object_set_new(out, "duration_min", json_integer(duration_min));
	json_object_set_new(out, "buffer_min", json_integer(d.settings.buffer_min));
	json_object_set_new(out, "can_now", json_boolean(a.can_now));
	json_object_set_new(out, "reason", json_string(walkin_reason_name(a.reason)));
	json_object_set_new(out, "until", iso_or_null(a.until));
	json_object_set_new(out, "next_free_at", iso_or_null(a.next_free_at));
	json_object_set_new(out, "call_at", iso_or_null(a.call_at));
	json_t *item = NULL;
	if (a.busy_index >= 0 && (size_t)a.busy_index < d.n_busy) {
		json_t *full = agenda_item_get(db, d.busy[a.busy_index].id);
		if (full)
			item = json_pack("{s:O?,s:O?,s:O?}", "id", json_object_get(full, "id"), "title",
					 json_object_get(full, "title"), "public", json_object_get(full, "public"));
		json_decref(full);
	}
	json_object_set_new(out, "busy_item", item ? item : json_null());
	const char *break_name = a.break_index >= 0 ? d.day.breaks[a.break_index].name : NULL;
	json_object_set_new(out, "break_name", json_string(break_name ? break_name : ""));
	json_object_set_new(out, "waiting", json_integer((json_int_t)n));
	json_t *queue = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(queue, json_pack("{s:I,s:s,s:i,s:o}", "id", (json_int_t)waiting[i].id, "name",
						       waiting[i].name, "duration_min", waiting[i].duration_min,
						       "estimated_at", iso_or_null(queue_at[i])));
	json_object_set_new(out, "queue", queue);
out:
	if (st)
		db_reset(st);
	for (size_t i = 0; i < n; i++)
		free(waiting[i].name);
	free(waiting);
	free(queue_min);
	free(queue_at);
	agenda_day_free(&d);
	return out;
}

json_t *walkin_day(struct db *db, int ymd, int64_t now)
{
	struct db_stmt *st = db_prep(db, SQL_DAY);
	if (!st)
		return NULL;
	db_bind_int(st, 1, unix_from_ymd_min(ymd, 0));
	db_bind_int(st, 2, unix_from_ymd_min(ymd, 24 * 60));
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(items, row(st));
	db_reset(st);
	if (rc != DB_OK) {
		json_decref(items);
		return NULL;
	}
	char date[ISO_DATE_SIZE];
	iso_date_format(ymd, date);
	json_t *out = json_pack("{s:s,s:o}", "date", date, "items", items);
	if (ymd == ymd_from_unix(now)) {
		json_t *avail = walkin_availability(db, now, 0);
		if (!avail) {
			json_decref(out);
			return NULL;
		}
		size_t i, k;
		json_t *o, *q;
		json_array_foreach(items, i, o)
		{
			json_array_foreach(json_object_get(avail, "queue"), k, q)
			{
				if (json_equal(json_object_get(q, "id"), json_object_get(o, "id")))
					json_object_set(o, "estimated_at", json_object_get(q, "estimated_at"));
			}
		}
		json_object_set_new(out, "availability", avail);
	}
	return out;
}

int walkin_waiting_count(struct db *db, int64_t now)
{
	int ymd = ymd_from_unix(now);
	struct db_stmt *st = db_prep(db, SQL_COUNT_OPEN);
	if (!st)
		return -1;
	db_bind_int(st, 1, unix_from_ymd_min(ymd, 0));
	db_bind_int(st, 2, unix_from_ymd_min(ymd, 24 * 60));
	int n = db_step(st) == DB_ROW ? (int)db_col_int(st, 0) : -1;
	db_reset(st);
	return n;
}
