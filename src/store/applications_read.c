/* applications_read.c: reading applications (see applications.h): the record with its clocks, routes, files,
 * documents, notifications and contacts; the public tracking; the lists with their filters, full-text search
 * (store/app_search.h) and keyset pages, and a directorate's inbox. The changes are in applications.c. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/application_flow.h"
#include "store/app_reference.h"
#include "store/app_search.h"
#include "store/applications_internal.h"
#include "store/appointments.h"
#include "store/archive.h"
#include "store/files.h"
#include "store/holidays.h"
#include "store/outbox.h"
#include "util/log.h"
#include "util/xalloc.h"

#define COLS                                                                                                      \
	"a.id, a.tracking_code, a.kind, a.channel, a.external_id, a.party_id, a.applicant_name, a.phone, a.email, " \
	"a.preferred_channel, a.category_id, a.subject, a.description, a.neighbourhood_id, n.name, a.address, "     \
	"a.lat_e6, a.lon_e6, a.attributes, a.state, a.legal_reason, a.assessment_note, a.authority, a.answer, "     \
	"a.answered_at, a.feedback_via, a.feedback_at, a.archived_number, a.received_at, a.created_at, "            \
	"a.created_by, a.updated_at, a.updated_by, a.office_stopped_at, a.legal_stopped_at, a.paused_since, "       \
	"a.pauses, a.media_url"
#define N_COLS 38
#define FROM " FROM applications a LEFT JOIN neighbourhoods n ON n.id = a.neighbourhood_id "
#define IN_SCOPE(dir)                                                                                             \
	"(CAST(? AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM application_routes r WHERE r.application_id = a.id AND "   \
	"r.directorate_id = " dir " AND r.state <> 'withdrawn'))"

static const char SQL_GET[] = "SELECT " COLS FROM "WHERE a.id = ? AND " IN_SCOPE("?");
static const char SQL_CONTACTS[] =
	"SELECT id, kind, via, at, created_by, spoke_with, summary, notification_id FROM application_contacts "
	"WHERE application_id = ? ORDER BY at, id";
static const char SQL_TRACK[] = "SELECT id, kind, category_id, state, answer, feedback_at, received_at, phone, "
				"email FROM applications WHERE tracking_code = ?";
static const char SQL_TRACK_STAGES[] = "SELECT ts, after_json FROM audit_events WHERE record_type = 'application' "
				       "AND record_id = ? ORDER BY id";

/* The filters of the lists, with their bindings in bind_filters; Q_MATCH_* is the full-text match (app_search.h),
 * skipped when bound "". */
#define FILTERS_BASE                                                                                              \
	"(? = '' OR a.state = ?) AND (? = '' OR a.kind = ?) AND (? = '' OR a.channel = ?) AND "                     \
	"(CAST(? AS BIGINT) = 0 OR a.category_id = ?) AND (CAST(? AS BIGINT) = 0 OR a.neighbourhood_id = ?) AND "   \
	IN_SCOPE("?") " AND (CAST(? AS BIGINT) = 0 OR (a.paused_since IS NULL AND ((a.office_stopped_at IS NULL "  \
	"AND a.office_due_at <= ?) OR (a.legal_stopped_at IS NULL AND a.legal_due_at <= ?)))) AND "                 \
	"(CAST(? AS BIGINT) = 0 OR a.received_at >= ?) AND (CAST(? AS BIGINT) = 0 OR a.received_at < ?)"
#define Q_MATCH_SQLITE                                                                                            \
	"(? = '' OR a.id IN (SELECT rowid FROM applications_fts WHERE applications_fts MATCH ?))"
#define Q_MATCH_PG "(? = '' OR a.search_tsv @@ to_tsquery('simple', ?))"
#define FILTERS(qm) FILTERS_BASE " AND " qm
/* The list, and its variants leading with the filter an index serves in received order (applications_state,
 * _category, _neighbourhood): the same placeholders after the leading one. */
/* Keyset positions as row values, so the index in (received_at, id) or (due_at, application_id) order is entered at
 * the cursor instead of scanned up to it; with no cursor, bind_keyset binds the extreme position. */
#define KEYSET_RECEIVED "(a.received_at, a.id) < (?, ?)"
#define LIST_TAIL(qm)                                                                                             \
	FILTERS(qm) " AND " IN_SCOPE("?") " AND " KEYSET_RECEIVED " ORDER BY a.received_at DESC, a.id DESC LIMIT ?"
#define INBOX(qm)                                                                                                 \
	"SELECT " COLS ", ir.id, ir.state, ir.due_at FROM application_routes ir JOIN applications a ON a.id = "    \
	"ir.application_id LEFT JOIN neighbourhoods n ON n.id = a.neighbourhood_id WHERE ir.directorate_id = ? AND " \
	"ir.state IN ('pending','accepted','planned','info_requested') AND " FILTERS(qm) " AND "                   \
	"(ir.due_at, ir.application_id) > (?, ?) ORDER BY ir.due_at, ir.application_id LIMIT ?"
/* The overdue list's variant walks only the applications with a running clock (index applications_open, whose
 * WHERE these are the very terms of, so both engines may use it). */
#define OPEN_CLOCKS "a.paused_since IS NULL AND (a.office_stopped_at IS NULL OR a.legal_stopped_at IS NULL)"
enum list_sql { LIST_ALL, LIST_STATE, LIST_CATEGORY, LIST_NEIGHBOURHOOD, LIST_OVERDUE, LIST_INBOX, LIST__MAX };
static const char SQL_LIST_SQ[] = "SELECT " COLS FROM "WHERE " LIST_TAIL(Q_MATCH_SQLITE);
static const char SQL_LIST_STATE_SQ[] = "SELECT " COLS FROM "WHERE a.state = ? AND " LIST_TAIL(Q_MATCH_SQLITE);
static const char SQL_LIST_CATEGORY_SQ[] = "SELECT " COLS FROM "WHERE a.category_id = ? AND " LIST_TAIL(Q_MATCH_SQLITE);
static const char SQL_LIST_NEIGHBOURHOOD_SQ[] =
	"SELECT " COLS FROM "WHERE a.neighbourhood_id = ? AND " LIST_TAIL(Q_MATCH_SQLITE);
static const char SQL_LIST_OVERDUE_SQ[] = "SELECT " COLS FROM "WHERE " OPEN_CLOCKS " AND " LIST_TAIL(Q_MATCH_SQLITE);
static const char SQL_INBOX_SQ[] = INBOX(Q_MATCH_SQLITE);
static const char SQL_LIST_PG[] = "SELECT " COLS FROM "WHERE " LIST_TAIL(Q_MATCH_PG);
static const char SQL_LIST_STATE_PG[] = "SELECT " COLS FROM "WHERE a.state = ? AND " LIST_TAIL(Q_MATCH_PG);
static const char SQL_LIST_CATEGORY_PG[] = "SELECT " COLS FROM "WHERE a.category_id = ? AND " LIST_TAIL(Q_MATCH_PG);
static const char SQL_LIST_NEIGHBOURHOOD_PG[] =
	"SELECT " COLS FROM "WHERE a.neighbourhood_id = ? AND " LIST_TAIL(Q_MATCH_PG);
static const char SQL_LIST_OVERDUE_PG[] = "SELECT " COLS FROM "WHERE " OPEN_CLOCKS " AND " LIST_TAIL(Q_MATCH_PG);
static const char SQL_INBOX_PG[] = INBOX(Q_MATCH_PG);
static const char *const list_sql[2][LIST__MAX] = {
	[DB_SQLITE] = {SQL_LIST_SQ, SQL_LIST_STATE_SQ, SQL_LIST_CATEGORY_SQ, SQL_LIST_NEIGHBOURHOOD_SQ,
		       SQL_LIST_OVERDUE_SQ, SQL_INBOX_SQ},
	[DB_POSTGRES] = {SQL_LIST_PG, SQL_LIST_STATE_PG, SQL_LIST_CATEGORY_PG, SQL_LIST_NEIGHBOURHOOD_PG,
			 SQL_LIST_OVERDUE_PG, SQL_INBOX_PG},
};
/* A search on SQLite (not the inbox): the matches newest entered first, straight from the FTS5 index in rowid
 * (= id) order, with the other filters; see search_page. */
static const char SQL_SEARCH_SCAN[] =
	"SELECT a.id, a.received_at, a.created_at, a.search_fold FROM applications_fts CROSS JOIN applications a ON "
	"a.id = "
	"applications_fts.rowid WHERE applications_fts MATCH ? AND " FILTERS_BASE " AND " IN_SCOPE("?") " AND "
	KEYSET_RECEIVED " ORDER BY applications_fts.rowid DESC";

static int64_t opt_int(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? 0 : db_col_int(st, col);
}

/* ---- the record ---- */

static json_t *row(struct db_stmt *st, bool brief)
{
	const char *state = db_col_text(st, 19);
	const struct wf_state *s = wf_state_by_name(&application_flow, state);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_col_int(st, 0)));
	json_object_set_new(o, "tracking_code", json_string(db_col_text(st, 1)));
	json_object_set_new(o, "kind", json_string(db_col_text(st, 2)));
	json_object_set_new(o, "channel", json_string(db_col_text(st, 3)));
	json_object_set_new(o, "applicant_name", json_string(db_col_text(st, 6)));
	json_object_set_new(o, "category_id", json_integer(db_col_int(st, 10)));
	json_object_set_new(o, "subject", json_string(db_col_text(st, 11)));
	json_object_set_new(o, "neighbourhood_name", json_string(db_col_text(st, 14)));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "chart_step", json_string(s ? s->chart_step : ""));
	json_object_set_new(o, "received_at", json_integer(db_col_int(st, 28)));
	json_object_set_new(o, "updated_at", json_integer(db_col_int(st, 31)));
	json_object_set_new(o, "media_url", json_string(db_col_text(st, 37)));
	if (brief)
		return o;
	json_object_set_new(o, "external_id", json_string(db_col_text(st, 4)));
	json_object_set_new(o, "party_id", json_integer(opt_int(st, 5)));
	json_object_set_new(o, "phone", json_string(db_col_text(st, 7)));
	json_object_set_new(o, "email", json_string(db_col_text(st, 8)));
	json_object_set_new(o, "preferred_channel", json_string(db_col_text(st, 9)));
	json_object_set_new(o, "description", json_string(db_col_text(st, 12)));
	json_object_set_new(o, "neighbourhood_id", json_integer(opt_int(st, 13)));
	json_object_set_new(o, "address", json_string(db_col_text(st, 15)));
	json_object_set_new(o, "lat", db_col_is_null(st, 16) ? json_null() : json_real(db_col_int(st, 16) / 1e6));
	json_object_set_new(o, "lon", db_col_is_null(st, 17) ? json_null() : json_real(db_col_int(st, 17) / 1e6));
	json_t *attrs = json_loads(db_col_text(st, 18), 0, NULL);
	json_object_set_new(o, "attributes", json_is_object(attrs) ? attrs : json_object());
	if (attrs && !json_is_object(attrs))
		json_decref(attrs);
	json_object_set_new(o, "legal_reason", json_string(db_col_text(st, 20)));
	json_object_set_new(o, "assessment_note", json_string(db_col_text(st, 21)));
	json_object_set_new(o, "authority", json_string(db_col_text(st, 22)));
	json_object_set_new(o, "answer", json_string(db_col_text(st, 23)));
	json_object_set_new(o, "answered_at", json_integer(opt_int(st, 24)));
	json_object_set_new(o, "feedback_via", json_string(db_col_text(st, 25)));
	json_object_set_new(o, "feedback_at", json_integer(opt_int(st, 26)));
	json_object_set_new(o, "archived_number", json_string(db_col_text(st, 27)));
	json_object_set_new(o, "created_at", json_integer(db_col_int(st, 29)));
	json_object_set_new(o, "created_by", json_string(db_col_text(st, 30)));
	json_object_set_new(o, "updated_by", json_string(db_col_text(st, 32)));
	json_object_set_new(o, "office_stopped_at", json_integer(opt_int(st, 33)));
	json_object_set_new(o, "legal_stopped_at", json_integer(opt_int(st, 34)));
	json_object_set_new(o, "paused_since", json_integer(opt_int(st, 35)));
	return o;
}

static void clock_input(struct db_stmt *st, struct appc_input *in)
{
	in->id = db_col_int(st, 0);
	in->category_id = db_col_int(st, 10);
	in->received_at = db_col_int(st, 28);
	in->office_stopped_at = opt_int(st, 33);
	in->legal_stopped_at = opt_int(st, 34);
	in->paused_since = opt_int(st, 35);
	in->pauses = (int)db_col_int(st, 36);
}

json_t *app_row_get(struct db *db, int64_t id, int64_t directorate_scope)
{
	struct db_stmt *st = db_prep(db, SQL_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, directorate_scope);
	db_bind_int(st, 3, directorate_scope);
	json_t *o = db_step(st) == DB_ROW ? row(st, false) : NULL;
	db_reset(st);
	return o;
}

/* Category names, policies and the calendar for reading many records' clocks. */
struct reader {
	struct bizcal cal;
	struct holiday *owned;
	struct {
		int64_t id;
		json_t *category;
		struct clock_policy policy;
	} cache[16];
	int n;
};

static void reader_init(struct db *db, struct reader *r)
{
	memset(r, 0, sizeof *r);
	if (bizcal_load(db, &r->cal, &r->owned) != 0)
		log_warn("applications: no holidays loaded");
}

static void reader_free(struct reader *r)
{
	for (int i = 0; i < r->n; i++)
		json_decref(r->cache[i].category);
	free(r->owned);
}

/* Adds category_code, category_name and the clocks to o. */
static void decorate(struct db *db, struct reader *r, const struct appc_input *in, json_t *o, int64_t now)
{
	int k;
	for (k = 0; k < r->n && r->cache[k].id != in->category_id; k++)
		;
	if (k == r->n) {
		k = r->n < 16 ? r->n++ : 15;
		json_decref(r->cache[k].category);
		r->cache[k].id = in->category_id;
		r->cache[k].category = app_category_get(db, in->category_id);
		if (app_category_policy(db, in->category_id, &r->cache[k].policy, NULL) != 0)
			clock_policy_default(&r->cache[k].policy);
	}
	json_object_set_new(o, "category_code", json_string(json_str(r->cache[k].category, "code")));
	json_object_set_new(o, "category_name", json_string(json_str(r->cache[k].category, "name_tr")));
	json_object_set_new(o, "clocks", appc_clocks_json(db, &r->cal, &r->cache[k].policy, in, now));
}

static json_t *contacts_json(struct db *db, int64_t id)
{
	json_t *a = json_array();
	struct db_stmt *st = db_prep(db, SQL_CONTACTS);
	if (!st)
		return a;
	db_bind_int(st, 1, id);
	while (db_step(st) == DB_ROW)
		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:I,s:s,s:s,s:s,s:I}", "id",
						   (json_int_t)db_col_int(st, 0), "kind", db_col_text(st, 1), "via",
						   db_col_text(st, 2), "at", (json_int_t)db_col_int(st, 3), "by",
						   db_col_text(st, 4), "spoke_with", db_col_text(st, 5), "summary",
						   db_col_text(st, 6), "notification_id", (json_int_t)opt_int(st, 7)));
	return a;
}

json_t *app_get(struct db *db, int64_t id, int64_t directorate_scope, int64_t now)
{
	struct db_stmt *st = db_prep(db, SQL_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, directorate_scope);
	db_bind_int(st, 3, directorate_scope);
	if (db_step(st) != DB_ROW) {
		db_reset(st);
		return NULL;
	}
	json_t *o = row(st, false);
	struct appc_input in;
	clock_input(st, &in);
	db_reset(st);
	json_object_del(o, "office_stopped_at");
	json_object_del(o, "legal_stopped_at");
	json_object_del(o, "paused_since");
	struct reader r;
	reader_init(db, &r);
	decorate(db, &r, &in, o, now);
	reader_free(&r);
	json_object_set_new(o, "routes", app_routes_json(db, id));
	json_object_set_new(o, "files", files_for_record(db, "application", id));
	json_object_set_new(o, "documents", archive_for_record(db, "application", id));
	json_object_set_new(o, "notifications", outbox_for_record(db, "application", id));
	json_object_set_new(o, "contacts", contacts_json(db, id));
	return o;
}

/* ---- public tracking ---- */

static bool code_valid(const char *s, char upper[APP_CODE_LEN + 1])
{
	if (!s || strlen(s) != APP_CODE_LEN)
		return false;
	for (int i = 0; i <= APP_CODE_LEN; i++)
		upper[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
	if (upper[0] != 'B')
		return false;
	for (int i = 1; i < APP_CODE_LEN; i++)
		if (!strchr(appt_code_alphabet, upper[i]))
			return false;
	return true;
}

/* The last four digits of phone into out (OUT); false when it has fewer. */
static bool last_four(const char *phone, char out[5])
{
	size_t n = strlen(phone);
	if (n < 4)
		return false;
	for (size_t i = 0; i < 4; i++) {
		char c = phone[n - 4 + i];
		if (c < '0' || c > '9')
			return false;
		out[i] = c;
	}
	out[4] = '\0';
	return true;
}

/* Whether what the citizen typed proves they gave the phone (its last four digits) or, with no phone, the
 * e-mail (its part before '@'). Compared in constant time. */
static bool proof_matches(const char *phone, const char *email, const char *given)
{
	if (!given || !*given)
		return false;
	if (*phone) {
		char want[5];
		return strlen(given) == 4 && last_four(phone, want) && sodium_memcmp(want, given, 4) == 0;
	}
	const char *at = strchr(email, '@');
	if (!*email || !at)
		return false;
	size_t n = (size_t)(at - email);
	return strlen(given) == n && sodium_memcmp(email, given, n) == 0;
}

/* The states an application went through, from the audit trail: [{state, at}]. */
static json_t *stages(struct db *db, int64_t id)
{
	json_t *out = json_array();
	char rid[24];
	snprintf(rid, sizeof rid, "%lld", (long long)id);
	struct db_stmt *st = db_prep(db, SQL_TRACK_STAGES);
	if (!st)
		return out;
	db_bind_text(st, 1, rid);
	char last[32] = "";
	while (db_step(st) == DB_ROW) {
		json_t *after = json_loads(db_col_text(st, 1), 0, NULL);
		const char *state = json_str(after, "state");
		if (*state && strcmp(state, last) != 0) {
			snprintf(last, sizeof last, "%s", state);
			json_array_append_new(out, json_pack("{s:s,s:I}", "state", state, "at",
							     (json_int_t)db_col_int(st, 0)));
		}
		json_decref(after);
	}
	return out;
}

json_t *app_track(struct db *db, const char *code, const char *phone_last4)
{
	char upper[APP_CODE_LEN + 1];
	if (!code_valid(code, upper))
		return NULL;
	struct db_stmt *st = db_prep(db, SQL_TRACK);
	if (!st)
		return NULL;
	db_bind_text(st, 1, upper);
	if (db_step(st) != DB_ROW) {
		db_reset(st);
		return NULL;
	}
	if (!proof_matches(db_col_text(st, 7), db_col_text(st, 8), phone_last4)) {
		db_reset(st);
		return NULL;
	}
	int64_t id = db_col_int(st, 0), category_id = db_col_int(st, 2);
	const char *state = db_col_text(st, 3);
	const struct wf_state *s = wf_state_by_name(&application_flow, state);
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "code", upper, "kind", db_col_text(st, 1), "state", state,
			      "chart_step", s ? s->chart_step : "", "answer", opt_int(st, 5) ? db_col_text(st, 4) : "",
			      "received_at", (json_int_t)db_col_int(st, 6));
	db_reset(st);
	json_t *category = app_category_get(db, category_id);
	json_object_set_new(o, "category_name", json_string(json_str(category, "name_tr")));
	json_decref(category);
	json_object_set_new(o, "stages", stages(db, id));
	return o;
}

/* ---- lists ---- */

/* How far (seconds) created_at may run behind the id order; see search_page. */
#define SEARCH_CLOCK_SLACK 600
/* Rows read for the words' first characters before asking for the whole words instead; see search_page. */
#define SEARCH_CHECK_BUDGET 400

/* Binds the FILTERS_BASE placeholders from *i on; the directorate filter is dir (a route of it, any state). */
static void bind_base(struct db_stmt *st, int *i, const struct app_filter *f, int64_t now, int64_t dir)
{
	const char *state = f->state ? f->state : "", *kind = f->kind ? f->kind : "";
	const char *channel = f->channel ? f->channel : "";
	db_bind_text(st, (*i)++, state);
	db_bind_text(st, (*i)++, state);
	db_bind_text(st, (*i)++, kind);
	db_bind_text(st, (*i)++, kind);
	db_bind_text(st, (*i)++, channel);
	db_bind_text(st, (*i)++, channel);
	db_bind_int(st, (*i)++, f->category_id);
	db_bind_int(st, (*i)++, f->category_id);
	db_bind_int(st, (*i)++, f->neighbourhood_id);
	db_bind_int(st, (*i)++, f->neighbourhood_id);
	db_bind_int(st, (*i)++, dir);
	db_bind_int(st, (*i)++, dir);
	db_bind_int(st, (*i)++, f->overdue ? 1 : 0);
	db_bind_int(st, (*i)++, now);
	db_bind_int(st, (*i)++, now);
	db_bind_int(st, (*i)++, f->from);
	db_bind_int(st, (*i)++, f->from);
	db_bind_int(st, (*i)++, f->to);
	db_bind_int(st, (*i)++, f->to);
}

/* Binds the keyset placeholders (KEYSET_RECEIVED or the inbox's) from *i on: the cursor (key, last_id), or with
 * none (key 0) the position before the first row: greatest for the newest-first lists, least for the inbox. */
static void bind_keyset(struct db_stmt *st, int *i, long long key, long long last_id, bool ascending)
{
	if (!key && !last_id)
		key = last_id = ascending ? INT64_MIN : INT64_MAX;
	db_bind_int(st, (*i)++, key);
	db_bind_int(st, (*i)++, last_id);
}

/* Adds the list item of the current row of st (a COLS row; inbox: followed by the route's id, state, due_at) to
 * items. Sets *cursor_key and *cursor_id (OUT) to the row's keyset position. */
static void add_item(struct db *db, struct reader *r, struct db_stmt *st, bool inbox, int64_t now, json_t *items,
		     int64_t *cursor_key /* OUT */, int64_t *cursor_id /* OUT */)
{
	json_t *o = row(st, true);
	struct appc_input in;
	clock_input(st, &in);
	decorate(db, r, &in, o, now);
	*cursor_id = in.id;
	*cursor_key = in.received_at;
	if (inbox) {
		*cursor_key = db_col_int(st, N_COLS + 2);
		json_object_set_new(o, "route", json_pack("{s:I,s:s,s:I}", "id", (json_int_t)db_col_int(st, N_COLS),
							  "state", db_col_text(st, N_COLS + 1), "due_at",
							  (json_int_t)*cursor_key));
	}
	json_array_append_new(items, o);
}

static void set_next(json_t *out, int64_t key, int64_t id)
{
	char cur[48];
	snprintf(cur, sizeof cur, "%lld.%lld", (long long)key, (long long)id);
	json_object_set_new(out, "next", json_string(cur));
}

/* A page of one SQL statement: the list (received order, or a variant led by an index) or the inbox (due order),
 * with the full-text match (match: app_search_match, NULL = none) inside the statement. */
static void statement_page(struct db *db, const struct app_filter *f, const char *match, long long key,
			   long long last_id, int limit, int64_t now, json_t *out, json_t *items)
{
	bool inbox = f->inbox && f->directorate_scope > 0;
	enum list_sql which = inbox			? LIST_INBOX
			      : f->state && *f->state ? LIST_STATE
			      : f->category_id	      ? LIST_CATEGORY
			      : f->neighbourhood_id   ? LIST_NEIGHBOURHOOD
			      : f->overdue	      ? LIST_OVERDUE
						      : LIST_ALL;
	struct db_stmt *st = db_prep(db, list_sql[db_kind(db) == DB_SQLITE ? DB_SQLITE : DB_POSTGRES][which]);
	if (!st)
		return;
	int i = 1;
	if (which == LIST_STATE)
		db_bind_text(st, i++, f->state);
	else if (which == LIST_CATEGORY)
		db_bind_int(st, i++, f->category_id);
	else if (which == LIST_NEIGHBOURHOOD)
		db_bind_int(st, i++, f->neighbourhood_id);
	if (inbox)
		db_bind_int(st, i++, f->directorate_scope);
	bind_base(st, &i, f, now, f->directorate_id);
	db_bind_text(st, i++, match ? match : "");
	db_bind_text(st, i++, match ? match : "");
	if (!inbox) {
		db_bind_int(st, i++, f->directorate_scope);
		db_bind_int(st, i++, f->directorate_scope);
	}
	bind_keyset(st, &i, key, last_id, inbox);
	db_bind_int(st, i++, limit + 1);
	struct reader r;
	reader_init(db, &r);
	int n = 0;
	int64_t cursor_key = 0, cursor_id = 0;
	while (db_step(st) == DB_ROW) {
		if (n == limit) {
			set_next(out, cursor_key, cursor_id);
			db_reset(st);
			break;
		}
		add_item(db, &r, st, inbox, now, items, &cursor_key, &cursor_id);
		n++;
	}
	reader_free(&r);
}

struct ranked {
	int64_t key, id; /* received_at, id: the list's order, greatest first */
};

static bool ranks_before(const struct ranked *a, int64_t key, int64_t id)
{
	return a->key > key || (a->key == key && a->id > id);
}

/* Reads the matches of the FTS5 expression match newest entered first, keeping the top limit + 1 by (received_at,
 * id) in best[] (OUT, *n_out of them), and stops as soon as no later row can rank higher (see search_page). With
 * check, a row counts only if its text has the whole words; then more than SEARCH_CHECK_BUDGET rows read without
 * settling the page returns 1 (the short prefixes were common, the words rare). Returns 0, 1 or -1. */
static int scan_matches(struct db *db, const struct app_filter *f, const char *match,
			const struct app_search_words *check, long long key, long long last_id, int limit, int64_t now,
			struct ranked *best, int *n_out)
{
	struct db_stmt *st = db_prep(db, SQL_SEARCH_SCAN);
	if (!st)
		return -1;
	int i = 1;
	db_bind_text(st, i++, match);
	bind_base(st, &i, f, now, f->directorate_id);
	db_bind_int(st, i++, f->directorate_scope);
	db_bind_int(st, i++, f->directorate_scope);
	bind_keyset(st, &i, key, last_id, false);
	int n = 0, read = 0, rc = 0;
	while (db_step(st) == DB_ROW) {
		int64_t id = db_col_int(st, 0), received = db_col_int(st, 1), created = db_col_int(st, 2);
		if (n == limit + 1 && created < best[limit].key - SEARCH_CLOCK_SLACK)
			break;
		if (check && ++read > SEARCH_CHECK_BUDGET) {
			rc = 1;
			break;
		}
		if (check && !app_search_text_matches(check, db_col_text(st, 3)))
			continue;
		if (n == limit + 1) {
			if (ranks_before(&best[limit], received, id))
				continue;
			n--; /* the last one drops out */
		}
		int k = n++;
		for (; k > 0 && !ranks_before(&best[k - 1], received, id); k--)
			best[k] = best[k - 1];
		best[k] = (struct ranked){received, id};
	}
	db_reset(st);
	*n_out = n;
	return rc;
}

/* A page of a search on SQLite. Sorting every match by received_at would read them all (a common word matches
 * 150,000 rows in a million); instead the FTS5 index gives the matches by id, newest entered first, and the page
 * is the top limit + 1 of them by (received_at, id). That can stop early because an application is never received
 * after it was entered (received_at <= created_at, app_create) and ids are handed out in created_at order (one
 * writer at a time): once a row's created_at is below the smallest received_at kept, no later (smaller) id can
 * rank higher. SEARCH_CLOCK_SLACK allows for a clock stepped back.
 * A prefix longer than the index's (3 characters) makes FTS5 merge the lists of every word starting with it before
 * the first row comes out (9 ms for "cukur"); so the index is first asked for the words' first 3 characters, one
 * list each, and rows without the whole words are skipped; when that reads SEARCH_CHECK_BUDGET rows without
 * settling the page (a rare word: "zeytinlik" behind "zeynep"), the whole words are asked for, which is cheap
 * exactly then. */
static void search_page(struct db *db, const struct app_filter *f, const struct app_search_words *words,
			long long key, long long last_id, int limit, int64_t now, json_t *out, json_t *items)
{
	struct ranked *best = xcalloc((size_t)limit + 1, sizeof *best);
	int n = 0;
	char *match = app_search_match_indexed(words);
	int rc = scan_matches(db, f, match, app_search_needs_check(words) ? words : NULL, key, last_id, limit, now,
			      best, &n);
	free(match);
	if (rc == 1) {
		match = app_search_match(DB_SQLITE, f->q);
		rc = scan_matches(db, f, match, NULL, key, last_id, limit, now, best, &n);
		free(match);
	}
	if (rc != 0) {
		free(best);
		return;
	}
	struct reader r;
	reader_init(db, &r);
	int64_t cursor_key = 0, cursor_id = 0;
	for (int k = 0; k < n && k < limit; k++) {
		struct db_stmt *get = db_prep(db, SQL_GET);
		if (!get)
			break;
		db_bind_int(get, 1, best[k].id);
		db_bind_int(get, 2, 0); /* the scope was checked by the scan */
		db_bind_int(get, 3, 0);
		if (db_step(get) == DB_ROW)
			add_item(db, &r, get, false, now, items, &cursor_key, &cursor_id);
		db_reset(get);
	}
	if (n > limit)
		set_next(out, best[limit - 1].key, best[limit - 1].id);
	reader_free(&r);
	free(best);
}

json_t *app_list(struct db *db, const struct app_filter *f, const char *after, int limit, int64_t now)
{
	static const struct app_filter none;
	if (!f)
		f = &none;
	if (limit < 1)
		limit = 1;
	if (limit > 500)
		limit = 500;
	long long key = 0, last_id = 0;
	if (after && *after && sscanf(after, "%lld.%lld", &key, &last_id) != 2)
		key = last_id = 0;
	bool inbox = f->inbox && f->directorate_scope > 0;
	struct app_search_words words;
	json_t *items = json_array(), *out = json_object();
	json_object_set_new(out, "next", json_null());
	if (app_search_words(f->q, &words) > 0 && !inbox && db_kind(db) == DB_SQLITE) {
		search_page(db, f, &words, key, last_id, limit, now, out, items);
	} else {
		char *match = app_search_match(db_kind(db), f->q);
		statement_page(db, f, match, key, last_id, limit, now, out, items);
		free(match);
	}
	json_object_set_new(out, "items", items);
	return out;
}
