/* application_clocks.c: the clocks of applications in the database: their events and pauses, the stored due and
 * warning instants (kept in step so the lists filter overdue in SQL, also when a category's policy changes),
 * readings for app_get/app_list, and the sweep that records warnings and overdue once and escalates to the head of
 * the secretariat. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/isotime.h"
#include "store/app_reference.h"
#include "store/applications_internal.h"
#include "store/holidays.h"
#include "store/outbox.h"
#include "util/log.h"
#include "util/xalloc.h"

static const char SQL_EVENT[] =
	"INSERT INTO clock_events (application_id, clock, event, at, note, actor) VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_EVENTS[] =
	"SELECT clock, event, at, note, actor FROM clock_events WHERE application_id = ? ORDER BY id";
static const char SQL_STATE[] =
	"SELECT received_at, category_id, office_stopped_at, legal_stopped_at, paused_since, pauses, office_warned, "
	"office_overdue, legal_warned, legal_overdue, escalated_at, tracking_code, subject FROM applications "
	"WHERE id = ?";
static const char SQL_PAUSES[] =
	"SELECT from_at, to_at FROM clock_pauses WHERE application_id = ? ORDER BY from_at, id";
static const char SQL_SET_CLOCKS[] =
	"UPDATE applications SET office_due_at = ?, office_warn_at = ?, legal_due_at = ?, legal_warn_at = ?, "
	"office_next_at = ?, legal_next_at = ? WHERE id = ?";
static const char SQL_PAUSE_OPEN[] = "INSERT INTO clock_pauses (application_id, from_at) VALUES (?, ?)";
static const char SQL_PAUSE_CLOSE[] =
	"UPDATE clock_pauses SET to_at = ? WHERE application_id = ? AND to_at IS NULL";
static const char SQL_SET_PAUSED[] =
	"UPDATE applications SET paused_since = ?, pauses = pauses + ? WHERE id = ?";
static const char SQL_STOP[] =
	"UPDATE applications SET office_stopped_at = ?, legal_stopped_at = ? WHERE id = ?";
static const char SQL_SWEEP_DUE[] =
	"SELECT id FROM applications WHERE office_next_at <= ? UNION "
	"SELECT id FROM applications WHERE legal_next_at <= ? LIMIT 100";
static const char SQL_SET_FLAGS[] =
	"UPDATE applications SET office_warned = ?, office_overdue = ?, legal_warned = ?, legal_overdue = ?, "
	"escalated_at = ? WHERE id = ?";
static const char SQL_OPEN_OF_CATEGORY[] =
	"SELECT id FROM applications WHERE category_id = ? AND office_stopped_at IS NULL ORDER BY id";
static const char SQL_CHIEFS[] =
	"SELECT email, lang FROM users WHERE role = 'chief' AND active = 1 AND email <> '' ORDER BY id";

#define SWEEP_BATCH 100

int appc_event(struct db *db, int64_t id, const char *clock, const char *event, int64_t at, const char *note,
	       const char *actor)
{
	struct db_stmt *st = db_prep(db, SQL_EVENT);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, clock);
	db_bind_text(st, 3, event);
	db_bind_int(st, 4, at);
	db_bind_text(st, 5, note ? note : "");
	db_bind_text(st, 6, actor);
	return db_step(st) == DB_OK ? 0 : -1;
}

static int64_t opt_int(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? 0 : db_col_int(st, col);
}

/* The clock columns of one application. */
struct clock_row {
	struct appc_input in;
	bool office_warned, office_overdue, legal_warned, legal_overdue;
	int64_t escalated_at;
	char code[APP_CODE_LEN + 1];
	char *subject;
};

static int load_row(struct db *db, int64_t id, struct clock_row *r)
{
	memset(r, 0, sizeof *r);
	struct db_stmt *st = db_prep(db, SQL_STATE);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	if (db_step(st) != DB_ROW) {
		db_reset(st);
		return -1;
	}
	r->in.id = id;
	r->in.received_at = db_col_int(st, 0);
	r->in.category_id = db_col_int(st, 1);
	r->in.office_stopped_at = opt_int(st, 2);
	r->in.legal_stopped_at = opt_int(st, 3);
	r->in.paused_since = opt_int(st, 4);
	r->in.pauses = (int)db_col_int(st, 5);
	r->office_warned = db_col_int(st, 6) != 0;
	r->office_overdue = db_col_int(st, 7) != 0;
	r->legal_warned = db_col_int(st, 8) != 0;
	r->legal_overdue = db_col_int(st, 9) != 0;
	r->escalated_at = opt_int(st, 10);
	snprintf(r->code, sizeof r->code, "%s", db_col_text(st, 11));
	r->subject = xstrdup(db_col_text(st, 12));
	db_reset(st);
	return 0;
}

/* The pauses of an application into a fresh array (*out, OUT: free it); returns how many, or -1. */
static int load_pauses(struct db *db, int64_t id, struct clock_pause **out)
{
	*out = NULL;
	struct db_stmt *st = db_prep(db, SQL_PAUSES);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		(*out)[n].from = db_col_int(st, 0);
		(*out)[n].to = opt_int(st, 1);
		n++;
	}
	if (rc != DB_OK) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return (int)n;
}

/* Reads the clocks of in at now. Returns 0 or -1. */
static int read_clocks(struct db *db, const struct bizcal *cal, const struct clock_policy *p,
		       const struct appc_input *in, int64_t now, struct app_clocks *out)
{
	struct clock_pause *pauses = NULL;
	int n = 0;
	if (in->pauses > 0 || in->paused_since) {
		n = load_pauses(db, in->id, &pauses);
		if (n < 0)
			return -1;
	}
	clocks_read(cal, p, in->received_at, pauses, (size_t)n, in->office_stopped_at, in->legal_stopped_at, now,
		    out);
	free(pauses);
	return 0;
}

/* The policy and calendar of an application, then its clocks at now. Returns 0 or -1. */
static int read_row_clocks(struct db *db, const struct appc_input *in, int64_t now, struct clock_policy *p,
			   struct app_clocks *out)
{
	struct bizcal cal;
	struct holiday *owned = NULL;
	if (app_category_policy(db, in->category_id, p, NULL) != 0)
		return -1;
	if (bizcal_load(db, &cal, &owned) != 0) {
		free(owned);
		return -1;
	}
	int rc = read_clocks(db, &cal, p, in, now, out);
	free(owned);
	return rc;
}

/* The next instant the sweep has something to record for a clock, or 0. */
static int64_t next_at(const struct clock_reading *r, bool has_clock, bool stopped, bool paused, bool warned,
		       bool overdue)
{
	if (!has_clock || stopped || paused)
		return 0;
	if (!warned)
		return r->warn_at;
	if (!overdue)
		return r->due_at;
	return 0;
}

/* Stores the due and warning instants of clocks c of row r under policy p, and what the sweep looks at next. */
static int store_clocks(struct db *db, const struct clock_row *r, const struct clock_policy *p,
			const struct app_clocks *c)
{
	bool legal = p->legal != LEGAL_NONE, paused = r->in.paused_since != 0;
	struct db_stmt *st = db_prep(db, SQL_SET_CLOCKS);
	if (!st)
		return -1;
	db_bind_int(st, 1, c->office.due_at);
	db_bind_int(st, 2, c->office.warn_at);
	db_bind_id_or_null(st, 3, legal ? c->legal.due_at : 0);
	db_bind_id_or_null(st, 4, legal ? c->legal.warn_at : 0);
	db_bind_id_or_null(st, 5, next_at(&c->office, true, r->in.office_stopped_at != 0, paused, r->office_warned,
					  r->office_overdue));
	db_bind_id_or_null(st, 6, next_at(&c->legal, legal, r->in.legal_stopped_at != 0, paused, r->legal_warned,
					  r->legal_overdue));
	db_bind_int(st, 7, r->in.id);
	return db_step(st) == DB_OK ? 0 : -1;
}

int appc_refresh(struct db *db, int64_t id, int64_t now)
{
	struct clock_row r;
	if (load_row(db, id, &r) != 0)
		return -1;
	struct clock_policy p;
	struct app_clocks c;
	int rc = -1;
	if (read_row_clocks(db, &r.in, now, &p, &c) != 0)
		goto out;
	rc = store_clocks(db, &r, &p, &c);
out:
	free(r.subject);
	return rc;
}

int appc_start(struct db *db, int64_t id, int64_t received_at, const char *actor)
{
	struct clock_row r;
	if (load_row(db, id, &r) != 0)
		return -1;
	free(r.subject);
	struct clock_policy p;
	if (app_category_policy(db, r.in.category_id, &p, NULL) != 0)
		return -1;
	if (appc_event(db, id, "office", "start", received_at, "", actor) != 0)
		return -1;
	if (p.legal != LEGAL_NONE && appc_event(db, id, "legal", "start", received_at, legal_clock_name(p.legal),
						actor) != 0)
		return -1;
	return appc_refresh(db, id, received_at);
}

/* Records event on each clock still running (the legal one only when the category has one). */
static int event_running(struct db *db, const struct clock_row *r, const char *event, int64_t at, const char *note,
			 const char *actor)
{
	struct clock_policy p;
	if (app_category_policy(db, r->in.category_id, &p, NULL) != 0)
		return -1;
	if (!r->in.office_stopped_at && appc_event(db, r->in.id, "office", event, at, note, actor) != 0)
		return -1;
	if (p.legal != LEGAL_NONE && !r->in.legal_stopped_at &&
	    appc_event(db, r->in.id, "legal", event, at, note, actor) != 0)
		return -1;
	return 0;
}

int appc_set_paused(struct db *db, int64_t id, bool pause, int64_t at, const char *note, const char *actor)
{
	struct clock_row r;
	if (load_row(db, id, &r) != 0)
		return -1;
	free(r.subject);
	bool open = r.in.paused_since != 0;
	if (pause == open)
		return 0;
	if (!pause && at < r.in.paused_since)
		at = r.in.paused_since;
	struct db_stmt *st = db_prep(db, pause ? SQL_PAUSE_OPEN : SQL_PAUSE_CLOSE);
	if (!st)
		return -1;
	if (pause) {
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, at);
	} else {
		db_bind_int(st, 1, at);
		db_bind_int(st, 2, id);
	}
	if (db_step(st) != DB_OK)
		return -1;
	st = db_prep(db, SQL_SET_PAUSED);
	if (!st)
		return -1;
	db_bind_id_or_null(st, 1, pause ? at : 0);
	db_bind_int(st, 2, pause ? 1 : 0);
	db_bind_int(st, 3, id);
	if (db_step(st) != DB_OK)
		return -1;
	if (event_running(db, &r, pause ? "pause" : "resume", at, note, actor) != 0)
		return -1;
	return appc_refresh(db, id, at);
}

int appc_stop(struct db *db, int64_t id, bool office, bool legal, int64_t at, const char *note, const char *actor)
{
	if (appc_set_paused(db, id, false, at, note, actor) != 0)
		return -1;
	struct clock_row r;
	if (load_row(db, id, &r) != 0)
		return -1;
	free(r.subject);
	struct clock_policy p;
	if (app_category_policy(db, r.in.category_id, &p, NULL) != 0)
		return -1;
	int64_t office_at = r.in.office_stopped_at, legal_at = r.in.legal_stopped_at;
	if (office && !office_at) {
		office_at = at;
		if (appc_event(db, id, "office", "stop", at, note, actor) != 0)
			return -1;
	}
	if (legal && !legal_at && p.legal != LEGAL_NONE) {
		legal_at = at;
		if (appc_event(db, id, "legal", "stop", at, note, actor) != 0)
			return -1;
	}
	struct db_stmt *st = db_prep(db, SQL_STOP);
	if (!st)
		return -1;
	db_bind_id_or_null(st, 1, office_at);
	db_bind_id_or_null(st, 2, legal_at);
	db_bind_int(st, 3, id);
	if (db_step(st) != DB_OK)
		return -1;
	return appc_refresh(db, id, at);
}

/* ---- a category's policy changed ---- */

/* Writes the warned / overdue flags of r (escalated_at as it is). Returns 0 or -1. */
static int store_flags(struct db *db, const struct clock_row *r)
{
	struct db_stmt *st = db_prep(db, SQL_SET_FLAGS);
	if (!st)
		return -1;
	db_bind_int(st, 1, r->office_warned);
	db_bind_int(st, 2, r->office_overdue);
	db_bind_int(st, 3, r->legal_warned);
	db_bind_int(st, 4, r->legal_overdue);
	db_bind_id_or_null(st, 5, r->escalated_at);
	db_bind_int(st, 6, r->in.id);
	return db_step(st) == DB_OK ? 0 : -1;
}

/* Refreshes application id under policy p and calendar cal: a running clock's warning or overdue recorded for an
 * instant the new policy puts after now is forgotten, so the sweep records it when it comes. Returns 0 or -1. */
static int refresh_under(struct db *db, const struct bizcal *cal, const struct clock_policy *p, int64_t id,
			 int64_t now)
{
	struct clock_row r;
	if (load_row(db, id, &r) != 0)
		return -1;
	struct app_clocks c;
	int rc = -1;
	if (read_clocks(db, cal, p, &r.in, now, &c) != 0)
		goto out;
	bool legal = p->legal != LEGAL_NONE;
	if (!r.in.office_stopped_at) {
		r.office_warned = r.office_warned && c.office.warn_at <= now;
		r.office_overdue = r.office_overdue && c.office.due_at <= now;
	}
	if (!r.in.legal_stopped_at) {
		r.legal_warned = legal && r.legal_warned && c.legal.warn_at <= now;
		r.legal_overdue = legal && r.legal_overdue && c.legal.due_at <= now;
	}
	if (store_flags(db, &r) != 0)
		goto out;
	rc = store_clocks(db, &r, p, &c);
out:
	free(r.subject);
	return rc;
}

int app_refresh_category(struct db *db, int64_t category_id, int64_t now)
{
	struct db_stmt *st = db_prep(db, SQL_OPEN_OF_CATEGORY);
	if (!st)
		return -1;
	db_bind_int(st, 1, category_id);
	/* The ids first: each refresh runs statements of its own. */
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = xrealloc(ids, cap * sizeof *ids);
		}
		ids[n++] = db_col_int(st, 0);
	}
	struct clock_policy p;
	struct bizcal cal;
	struct holiday *owned = NULL;
	int result = -1;
	if (rc != DB_OK || app_category_policy(db, category_id, &p, NULL) != 0 || bizcal_load(db, &cal, &owned) != 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (refresh_under(db, &cal, &p, ids[i], now) != 0)
			goto out;
	result = (int)n;
out:
	free(owned);
	free(ids);
	if (result < 0)
		return error("cannot refresh the clocks of category %lld", (long long)category_id);
	return result;
}

static json_t *reading_json(const struct clock_reading *r)
{
	char due[ISO_TIME_SIZE] = "", warn[ISO_TIME_SIZE] = "";
	if (r->due_at)
		iso_time_format(r->due_at, due);
	if (r->warn_at)
		iso_time_format(r->warn_at, warn);
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string(clock_status_name(r->status)));
	json_object_set_new(o, "due_at", json_integer(r->due_at));
	json_object_set_new(o, "due", json_string(due));
	json_object_set_new(o, "warn_at", json_integer(r->warn_at));
	json_object_set_new(o, "warn", json_string(warn));
	json_object_set_new(o, "paused_s", json_integer(r->paused_s));
	json_object_set_new(o, "stopped_at", json_integer(r->stopped_at));
	json_object_set_new(o, "met", json_boolean(r->met));
	json_object_set_new(o, "percent_used", json_integer(r->percent_used));
	json_object_set_new(o, "remaining_s", json_integer(r->remaining_s));
	return o;
}

json_t *appc_clocks_json(struct db *db, const struct bizcal *cal, const struct clock_policy *p,
			 const struct appc_input *in, int64_t now)
{
	struct app_clocks c;
	memset(&c, 0, sizeof c);
	if (read_clocks(db, cal, p, in, now, &c) != 0)
		log_warn("application %lld: cannot read its pauses", (long long)in->id);
	json_t *legal = reading_json(&c.legal);
	json_object_set_new(legal, "clock", json_string(legal_clock_name(p->legal)));
	return json_pack("{s:o,s:o}", "office", reading_json(&c.office), "legal", legal);
}

json_t *app_clock_events(struct db *db, int64_t id)
{
	json_t *a = json_array();
	struct db_stmt *st = db_prep(db, SQL_EVENTS);
	if (!st)
		return a;
	db_bind_int(st, 1, id);
	while (db_step(st) == DB_ROW)
		json_array_append_new(a, json_pack("{s:s,s:s,s:I,s:s,s:s}", "clock", db_col_text(st, 0), "event",
						   db_col_text(st, 1), "at", (json_int_t)db_col_int(st, 2), "note",
						   db_col_text(st, 3), "actor", db_col_text(st, 4)));
	return a;
}

/* ---- the sweep ---- */

/* E-mails msg.application_overdue to every active chief with an address. Returns 0 or -1. */
static int escalate(struct db *db, const struct clock_row *r, const char *clock, int64_t due_at)
{
	json_t *chiefs = json_array();
	struct db_stmt *st = db_prep(db, SQL_CHIEFS);
	if (!st) {
		json_decref(chiefs);
		return -1;
	}
	while (db_step(st) == DB_ROW)
		json_array_append_new(chiefs, json_pack("[s,s]", db_col_text(st, 0), db_col_text(st, 1)));
	char due[ISO_TIME_SIZE];
	iso_time_format(due_at, due);
	int rc = 0;
	size_t i;
	json_t *c;
	json_array_foreach(chiefs, i, c)
	{
		enum lang lang = lang_from_code(json_string_value(json_array_get(c, 1)));
		char key[64];
		snprintf(key, sizeof key, "msg.application_overdue.%s", clock);
		json_t *args = json_pack("{s:s,s:s,s:s,s:s}", "code", r->code, "subject", r->subject, "due", due,
					 "clock", i18n_get(lang, key));
		struct buf subject = BUF_INIT, body = BUF_INIT;
		if (notify_render(lang, "application_overdue", args, &subject, &body) != 0)
			rc = -1;
		struct notification n = {.channel = NOTIFY_EMAIL, .recipient = json_string_value(json_array_get(c, 0)),
					 .subject = subject.data, .body = body.data, .record_type = "application",
					 .record_id = r->in.id, .template_key = "application_overdue", .lang = lang,
					 .created_by = "system"};
		if (rc == 0 && outbox_enqueue(db, &n) < 0)
			rc = -1;
		buf_free(&subject);
		buf_free(&body);
		json_decref(args);
		if (rc != 0)
			break;
	}
	json_decref(chiefs);
	return rc;
}

/* Records what is due for application id at now. Returns the number of events, or -1. */
static int sweep_one(struct db *db, int64_t id, int64_t now)
{
	struct clock_row r;
	if (load_row(db, id, &r) != 0)
		return -1;
	struct clock_policy p;
	struct app_clocks c;
	int events = -1;
	if (read_row_clocks(db, &r.in, now, &p, &c) != 0)
		goto out;
	events = 0;
	struct {
		const char *name;
		const struct clock_reading *reading;
		bool has, *warned, *overdue;
	} clocks[2] = {{"office", &c.office, true, &r.office_warned, &r.office_overdue},
		       {"legal", &c.legal, p.legal != LEGAL_NONE, &r.legal_warned, &r.legal_overdue}};
	for (int k = 0; k < 2; k++) {
		const struct clock_reading *cr = clocks[k].reading;
		if (!clocks[k].has || cr->status == CLOCK_STOPPED || cr->status == CLOCK_PAUSED ||
		    cr->status == CLOCK_NONE)
			continue;
		char due[ISO_TIME_SIZE];
		iso_time_format(cr->due_at, due);
		if (!*clocks[k].warned && now >= cr->warn_at) {
			if (appc_event(db, id, clocks[k].name, "warning", now, due, "system") != 0)
				goto fail;
			*clocks[k].warned = true;
			events++;
		}
		if (!*clocks[k].overdue && now >= cr->due_at) {
			if (appc_event(db, id, clocks[k].name, "overdue", now, due, "system") != 0)
				goto fail;
			*clocks[k].overdue = true;
			events++;
			if (!r.escalated_at) {
				if (appc_event(db, id, clocks[k].name, "escalated", now, due, "system") != 0 ||
				    escalate(db, &r, clocks[k].name, cr->due_at) != 0)
					goto fail;
				r.escalated_at = now;
				events++;
			}
		}
	}
	if (store_flags(db, &r) != 0 || appc_refresh(db, id, now) != 0)
		goto fail;
	goto out;
fail:
	events = -1;
out:
	free(r.subject);
	return events;
}

int app_clock_sweep(struct db *db, int64_t now)
{
	int total = 0;
	for (;;) {
		if (db_begin_write(db) != 0)
			return -1;
		int64_t ids[SWEEP_BATCH];
		int n = 0, rc;
		struct db_stmt *st = db_prep(db, SQL_SWEEP_DUE);
		if (!st)
			goto fail;
		db_bind_int(st, 1, now);
		db_bind_int(st, 2, now);
		while (n < SWEEP_BATCH && (rc = db_step(st)) == DB_ROW)
			ids[n++] = db_col_int(st, 0);
		db_reset(st);
		for (int i = 0; i < n; i++) {
			int e = sweep_one(db, ids[i], now);
			if (e < 0)
				goto fail;
			total += e;
		}
		if (db_commit(db) != 0)
			return -1;
		if (n < SWEEP_BATCH)
			return total;
	}
fail:
	db_rollback(db);
	return error("clock sweep failed");
}
