/* outbox.c: SQL of the notification outbox, the worker's claims and marks, wake-ups, and message rendering. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/phone.h"
#include "core/validate.h"
#include "store/audit.h"
#include "store/listing.h"
#include "store/outbox.h"
#include "util/log.h"
#include "util/xalloc.h"

#define LIST_COLS                                                                                                 \
	"id, channel, recipient, subject, status, attempts, next_attempt_at, last_error, provider_id, record_type, " \
	"record_id, template_key, lang, created_at, sent_at, created_by, attachment_name, SUBSTR(body, 1, 160)"
#define N_LIST_COLS 18
/* Failed notifications sort first: the rank is the list's sort key ('0' failed, '1' the rest). */
#define RANK "(CASE WHEN status = 'failed' THEN '0' ELSE '1' END)"

static const char SQL_INSERT[] =
	"INSERT INTO notifications (channel, recipient, subject, body, attachment_name, attachment_type, "
	"attachment_body, record_type, record_id, template_key, lang, status, attempts, next_attempt_at, created_at, "
	"created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?) RETURNING id";
static const char SQL_GET[] = "SELECT " LIST_COLS ", body, attachment_type FROM notifications WHERE id = ?";
static const char SQL_FOR_RECORD[] =
	"SELECT " LIST_COLS " FROM notifications WHERE record_type = ? AND record_id = ? ORDER BY id";
static const char SQL_LIST[] = "SELECT " LIST_COLS ", " RANK " FROM notifications WHERE (? = '' OR status = ?) "
			       "AND (" RANK " > ? OR (" RANK " = ? AND id < ?)) ORDER BY " RANK ", id DESC LIMIT ?";
static const char SQL_STATUS[] = "SELECT status FROM notifications WHERE id = ?";
static const char SQL_RETRY[] =
	"UPDATE notifications SET status = 'queued', next_attempt_at = ? WHERE id = ? AND status = 'failed'";
static const char SQL_CANCEL[] =
	"UPDATE notifications SET status = 'cancelled' WHERE id = ? AND status IN ('queued', 'failed')";
static const char SQL_CANCEL_FOR_RECORD[] =
	"UPDATE notifications SET status = 'cancelled' WHERE record_type = ? AND record_id = ? "
	"AND (? = '' OR template_key = ?) AND status = 'queued' RETURNING id";

static const char SQL_DUE[] = "SELECT id FROM notifications WHERE status = 'queued' AND next_attempt_at <= ? "
			      "ORDER BY next_attempt_at, id LIMIT ?";
static const char SQL_CLAIM[] =
	"UPDATE notifications SET status = 'sending', attempts = attempts + 1, next_attempt_at = ? "
	"WHERE id = ? AND status = 'queued' AND next_attempt_at <= ?";
/* SQL_CLAIM returning the claimed row (no row: not claimable). */
static const char SQL_CLAIM_ITEM[] =
	"UPDATE notifications SET status = 'sending', attempts = attempts + 1, next_attempt_at = ? "
	"WHERE id = ? AND status = 'queued' AND next_attempt_at <= ? RETURNING id, channel, attempts, created_at, "
	"lang, recipient, subject, body, attachment_name, attachment_type, attachment_body";
static const char SQL_RELEASE[] = "UPDATE notifications SET status = 'queued', attempts = attempts - 1, "
				  "next_attempt_at = ? WHERE id = ? AND status = 'sending' AND attempts = ?";
static const char SQL_MARK_SENT[] = "UPDATE notifications SET status = 'sent', sent_at = ?, provider_id = ? "
				    "WHERE id = ? AND status = 'sending' AND attempts = ?";
static const char SQL_MARK_REQUEUED[] = "UPDATE notifications SET status = 'queued', next_attempt_at = ?, "
					"last_error = ? WHERE id = ? AND status = 'sending' AND attempts = ?";
static const char SQL_MARK_FAILED[] = "UPDATE notifications SET status = 'failed', last_error = ? "
				      "WHERE id = ? AND status = 'sending' AND attempts = ?";
static const char SQL_REQUEUE_EXPIRED[] =
	"UPDATE notifications SET status = CASE WHEN attempts >= ? THEN 'failed' ELSE 'queued' END, "
	"last_error = ? WHERE status = 'sending' AND next_attempt_at <= ?";

static const char *const status_names[] = {"queued", "sending", "sent", "failed", "cancelled", NULL};

const char *notify_channel_name(enum notify_channel channel)
{
	return channel == NOTIFY_SMS ? "sms" : "email";
}

bool outbox_status_valid(const char *s)
{
	for (size_t i = 0; s && status_names[i]; i++)
		if (strcmp(s, status_names[i]) == 0)
			return true;
	return false;
}

/* Appends at most max bytes of s as valid UTF-8 without control characters (tabs and line breaks become spaces,
 * invalid bytes '?'), never cutting a character: provider replies are untrusted and PostgreSQL refuses bad UTF-8. */
static void add_clean(struct buf *out, const char *s, size_t max)
{
	size_t start = out->len;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		size_t n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
		size_t avail = strnlen((const char *)p, 4);
		if (n == 0 || n > avail || !utf8_valid((const char *)p, n)) {
			n = 1;
			if (out->len - start + 1 > max)
				break;
			buf_addc(out, '?');
		} else {
			if (out->len - start + n > max)
				break;
			if (n == 1 && (*p < 0x20 || *p == 0x7f))
				buf_addc(out, ' ');
			else
				buf_add(out, p, n);
		}
		p += n;
	}
}

/* An attachment's file name as it may appear in a MIME header: [A-Za-z0-9._-], at most 100 bytes. */
static char *safe_file_name(const char *s)
{
	struct buf b = BUF_INIT;
	for (const char *p = s ? s : ""; *p && b.len < 100; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			  *p == '.' || *p == '_' || *p == '-';
		buf_addc(&b, ok ? *p : '_');
	}
	return buf_detach(&b, NULL);
}

/* ---- wake-ups ---- */

/* Process-wide, guarded by wake_lock: the only shared state of this module. The condition variable waits on the
 * monotonic clock, so a wall-clock step (NTP at boot) cannot stretch a one-second poll into an hour. */
static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond;
static pthread_once_t wake_once = PTHREAD_ONCE_INIT;
static uint64_t wake_generation;

static void wake_init(void)
{
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wake_cond, &attr);
	pthread_condattr_destroy(&attr);
}

uint64_t outbox_generation(void)
{
	pthread_mutex_lock(&wake_lock);
	uint64_t g = wake_generation;
	pthread_mutex_unlock(&wake_lock);
	return g;
}

void outbox_wakeup(void)
{
	pthread_once(&wake_once, wake_init);
	pthread_mutex_lock(&wake_lock);
	wake_generation++;
	pthread_cond_broadcast(&wake_cond);
	pthread_mutex_unlock(&wake_lock);
}

void outbox_wait(uint64_t seen, int timeout_ms)
{
	pthread_once(&wake_once, wake_init);
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&wake_lock);
	while (wake_generation == seen)
		if (pthread_cond_timedwait(&wake_cond, &wake_lock, &until) != 0)
			break;
	pthread_mutex_unlock(&wake_lock);
}

/* ---- queueing and reading ---- */

int64_t outbox_enqueue(struct db *db, const struct notification *n)
{
	if (!db_in_transaction(db))
		return error("outbox: enqueue outside a write transaction");
	const char *recipient = n->recipient ? n->recipient : "";
	char e164[PHONE_E164_SIZE];
	if (n->channel == NOTIFY_SMS) {
		if (phone_normalize(recipient, e164) != 0)
			return error("outbox: the recipient of an SMS is not a phone number");
		recipient = e164;
	} else if (!email_valid(recipient) || strpbrk(recipient, "<>\"(),;:[]\\")) {
		return error("outbox: the recipient of an e-mail is not an e-mail address");
	}
	if (!n->body || !*n->body)
		return error("outbox: a notification without a text");
	int64_t now = (int64_t)time(NULL);
	char *file_name = safe_file_name(n->attachment_name);
	const char *lang = lang_code(n->lang);
	int64_t id = -1;
	struct db_stmt *st = db_prep(db, SQL_INSERT);
	if (!st)
		goto out;
	int i = 1;
	db_bind_text(st, i++, notify_channel_name(n->channel));
	db_bind_text(st, i++, recipient);
	db_bind_text(st, i++, n->channel == NOTIFY_EMAIL && n->subject ? n->subject : "");
	db_bind_text(st, i++, n->body);
	db_bind_text(st, i++, file_name);
	db_bind_text(st, i++, n->attachment_type ? n->attachment_type : "");
	db_bind_text(st, i++, n->attachment_body ? n->attachment_body : "");
	db_bind_text(st, i++, n->record_type ? n->record_type : "");
	db_bind_int(st, i++, n->record_id);
	db_bind_text(st, i++, n->template_key ? n->template_key : "");
	db_bind_text(st, i++, lang);
	db_bind_int(st, i++, n->not_before > now ? n->not_before : now);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, n->created_by ? n->created_by : "system");
	if (db_step(st) != DB_ROW)
		goto out;
	id = db_col_int(st, 0);
	db_reset(st);
	json_t *after = json_pack("{s:s,s:s,s:s,s:I}", "channel", notify_channel_name(n->channel), "template",
				  n->template_key ? n->template_key : "", "record_type",
				  n->record_type ? n->record_type : "", "record_id", n->record_id);
	int rc = audit_append(db, n->created_by ? n->created_by : "system", "notification.queued", "notification", id,
			      NULL, after);
	json_decref(after);
	if (rc != 0) {
		id = -1;
		goto out;
	}
	outbox_wakeup();
out:
	free(file_name);
	return id;
}

static json_t *list_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:s,s:s,s:I,s:s,s:s,s:I,s:I,s:s,s:s,s:s}", "id",
			 db_col_int(st, 0), "channel", db_col_text(st, 1), "recipient", db_col_text(st, 2), "subject",
			 db_col_text(st, 3), "status", db_col_text(st, 4), "attempts", db_col_int(st, 5),
			 "next_attempt_at", db_col_int(st, 6), "last_error", db_col_text(st, 7), "provider_id",
			 db_col_text(st, 8), "record_type", db_col_text(st, 9), "record_id", db_col_int(st, 10),
			 "template_key", db_col_text(st, 11), "lang", db_col_text(st, 12), "created_at",
			 db_col_int(st, 13), "sent_at", db_col_int(st, 14), "created_by", db_col_text(st, 15),
			 "attachment_name", db_col_text(st, 16), "excerpt", db_col_text(st, 17));
}

json_t *outbox_get(struct db *db, int64_t id)
{
	struct db_stmt *st = db_prep(db, SQL_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	json_t *o = NULL;
	if (db_step(st) == DB_ROW) {
		o = list_row(st);
		json_object_set_new(o, "body", json_string(db_col_text(st, N_LIST_COLS)));
		json_object_set_new(o, "attachment_type", json_string(db_col_text(st, N_LIST_COLS + 1)));
	}
	db_reset(st);
	return o;
}

json_t *outbox_for_record(struct db *db, const char *record_type, int64_t record_id)
{
	json_t *items = json_array();
	struct db_stmt *st = db_prep(db, SQL_FOR_RECORD);
	if (!st)
		return items;
	db_bind_text(st, 1, record_type ? record_type : "");
	db_bind_int(st, 2, record_id);
	while (db_step(st) == DB_ROW)
		json_array_append_new(items, list_row(st));
	return items;
}

json_t *outbox_list(struct db *db, const char *status, const char *after, int limit)
{
	struct list_cursor cur;
	list_cursor_decode(after, &cur);
	if (strlen(cur.sort_key) > 1)
		cur.sort_key[0] = '\0';
	const char *filter = outbox_status_valid(status) ? status : "";
	json_t *items = json_array(), *out = json_object();
	struct db_stmt *st = db_prep(db, SQL_LIST);
	if (st) {
		db_bind_text(st, 1, filter);
		db_bind_text(st, 2, filter);
		db_bind_text(st, 3, cur.sort_key);
		db_bind_text(st, 4, cur.sort_key);
		db_bind_int(st, 5, cur.id);
		db_bind_int(st, 6, limit + 1);
		list_collect(st, items, limit, list_row, N_LIST_COLS, out);
		db_reset(st);
	} else {
		json_object_set_new(out, "next", json_null());
	}
	json_object_set_new(out, "items", items);
	return out;
}

/* ---- staff actions ---- */

/* Runs sql (SQL_RETRY or SQL_CANCEL) on row id and audits the change; tells an absent row from one in another
 * state. */
static enum outbox_change change_one(struct db *db, const char *actor, int64_t id, const char *sql,
				     const char *action, const char *new_status)
{
	struct db_stmt *st = db_prep(db, SQL_STATUS);
	if (!st)
		return OUTBOX_ERROR;
	db_bind_int(st, 1, id);
	enum db_rc rc = db_step(st);
	if (rc != DB_ROW)
		return rc == DB_OK ? OUTBOX_ABSENT : OUTBOX_ERROR;
	char before[16];
	snprintf(before, sizeof before, "%s", db_col_text(st, 0));
	db_reset(st);
	st = db_prep(db, sql);
	if (!st)
		return OUTBOX_ERROR;
	if (sql == SQL_RETRY) {
		db_bind_int(st, 1, (int64_t)time(NULL));
		db_bind_int(st, 2, id);
	} else {
		db_bind_int(st, 1, id);
	}
	if (db_step(st) != DB_OK)
		return OUTBOX_ERROR;
	if (db_changes(st) != 1)
		return OUTBOX_WRONG_STATE;
	json_t *b = json_pack("{s:s}", "status", before), *a = json_pack("{s:s}", "status", new_status);
	int arc = audit_append(db, actor, action, "notification", id, b, a);
	json_decref(b);
	json_decref(a);
	if (arc != 0)
		return OUTBOX_ERROR;
	if (sql == SQL_RETRY)
		outbox_wakeup();
	return OUTBOX_CHANGED;
}

enum outbox_change outbox_retry(struct db *db, const char *actor, int64_t id)
{
	return change_one(db, actor, id, SQL_RETRY, "notification.retry", "queued");
}

enum outbox_change outbox_cancel(struct db *db, const char *actor, int64_t id)
{
	return change_one(db, actor, id, SQL_CANCEL, "notification.cancel", "cancelled");
}

int outbox_cancel_for_record(struct db *db, const char *actor, const char *record_type, int64_t record_id,
			     const char *template_key)
{
	struct db_stmt *st = db_prep(db, SQL_CANCEL_FOR_RECORD);
	if (!st)
		return -1;
	const char *key = template_key ? template_key : "";
	db_bind_text(st, 1, record_type ? record_type : "");
	db_bind_int(st, 2, record_id);
	db_bind_text(st, 3, key);
	db_bind_text(st, 4, key);
	size_t n = 0, cap = 0;
	int64_t *ids = NULL;
	enum db_rc rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			ids = xrealloc(ids, cap * sizeof *ids);
		}
		ids[n++] = db_col_int(st, 0);
	}
	int result = rc == DB_OK ? (int)n : -1;
	json_t *b = json_pack("{s:s}", "status", "queued"), *a = json_pack("{s:s}", "status", "cancelled");
	for (size_t i = 0; result >= 0 && i < n; i++)
		if (audit_append(db, actor, "notification.cancel", "notification", ids[i], b, a) != 0)
			result = -1;
	json_decref(b);
	json_decref(a);
	free(ids);
	return result;
}

/* ---- the worker's side ---- */

void outbox_policy_default(struct outbox_policy *p)
{
	static const int64_t minutes[] = {1, 5, 15, 60, 240};
	memset(p, 0, sizeof *p);
	p->max_attempts = 6;
	p->n_delays = (int)(sizeof minutes / sizeof minutes[0]);
	for (int i = 0; i < p->n_delays; i++)
		p->delays[i] = minutes[i] * 60;
	p->lease_s = 300;
}

int64_t outbox_backoff(const struct outbox_policy *p, int attempts)
{
	if (p->n_delays < 1)
		return 60;
	int k = attempts < 1 ? 0 : attempts - 1;
	return p->delays[k < p->n_delays ? k : p->n_delays - 1];
}

void outbox_item_free(struct outbox_item *it)
{
	if (!it)
		return;
	free(it->recipient);
	free(it->subject);
	free(it->body);
	free(it->attachment_name);
	free(it->attachment_type);
	free(it->attachment_body);
	memset(it, 0, sizeof *it);
}

int outbox_claim_one(struct db *db, int64_t id, int64_t now, int64_t lease_until)
{
	struct db_stmt *st = db_prep(db, SQL_CLAIM);
	if (!st)
		return -1;
	db_bind_int(st, 1, lease_until);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, now);
	if (db_step(st) != DB_OK)
		return -1;
	return db_changes(st) == 1 ? 1 : 0;
}

int outbox_claim_batch(struct db *db, const struct outbox_policy *p, int64_t now, int max, struct outbox_item *out)
{
	if (max < 1 || max > OUTBOX_CLAIM_MAX)
		return error("outbox: a batch of %d claims", max);
	memset(out, 0, (size_t)max * sizeof *out);
	if (db_begin_write(db) != 0)
		return -1;
	/* A few more candidates than wanted: another server may take some between the SELECT and the UPDATEs
	 * (PostgreSQL, READ COMMITTED); such an UPDATE changes nothing and the next candidate is tried. */
	int64_t ids[OUTBOX_CLAIM_MAX + 8];
	int n_ids = 0, n = 0;
	struct db_stmt *st = db_prep(db, SQL_DUE);
	if (!st)
		goto fail;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, max + 8);
	enum db_rc rc = DB_OK;
	while (n_ids < max + 8 && (rc = db_step(st)) == DB_ROW)
		ids[n_ids++] = db_col_int(st, 0);
	db_reset(st);
	if (rc != DB_OK && rc != DB_ROW)
		goto fail;
	for (int i = 0; i < n_ids && n < max; i++) {
		st = db_prep(db, SQL_CLAIM_ITEM);
		if (!st)
			goto fail;
		db_bind_int(st, 1, now + p->lease_s);
		db_bind_int(st, 2, ids[i]);
		db_bind_int(st, 3, now);
		rc = db_step(st);
		if (rc == DB_OK)
			continue; /* taken by another worker meanwhile */
		if (rc != DB_ROW)
			goto fail;
		struct outbox_item *it = &out[n++];
		it->id = db_col_int(st, 0);
		it->channel = strcmp(db_col_text(st, 1), "sms") == 0 ? NOTIFY_SMS : NOTIFY_EMAIL;
		it->attempts = (int)db_col_int(st, 2);
		it->lease_until = now + p->lease_s;
		it->created_at = db_col_int(st, 3);
		it->lang = lang_from_code(db_col_text(st, 4));
		it->recipient = xstrdup(db_col_text(st, 5));
		it->subject = xstrdup(db_col_text(st, 6));
		it->body = xstrdup(db_col_text(st, 7));
		it->attachment_name = xstrdup(db_col_text(st, 8));
		it->attachment_type = xstrdup(db_col_text(st, 9));
		it->attachment_body = xstrdup(db_col_text(st, 10));
		if (db_step(st) != DB_OK) /* runs the statement to its end */
			goto fail;
	}
	if (n == 0) {
		db_rollback(db);
		return 0;
	}
	if (db_commit(db) != 0) {
		for (int i = 0; i < n; i++)
			outbox_item_free(&out[i]);
		return -1;
	}
	return n;
fail:
	db_rollback(db);
	for (int i = 0; i < n; i++)
		outbox_item_free(&out[i]);
	return -1;
}

int outbox_claim_next(struct db *db, const struct outbox_policy *p, int64_t now, struct outbox_item *out)
{
	return outbox_claim_batch(db, p, now, 1, out);
}

int outbox_release(struct db *db, const struct outbox_item *items, int n, int64_t now)
{
	if (n <= 0)
		return 0;
	if (db_begin_write(db) != 0)
		return -1;
	int released = 0;
	for (int i = 0; i < n; i++) {
		struct db_stmt *st = db_prep(db, SQL_RELEASE);
		if (!st)
			goto fail;
		db_bind_int(st, 1, now);
		db_bind_int(st, 2, items[i].id);
		db_bind_int(st, 3, items[i].attempts);
		if (db_step(st) != DB_OK)
			goto fail;
		released += (int)db_changes(st);
	}
	if (db_commit(db) != 0)
		return -1;
	return released;
fail:
	db_rollback(db);
	return -1;
}

/* Records one outcome inside the open transaction, filling r->rc; returns 0 or -1. */
static int mark_one(struct db *db, const struct outbox_policy *p, struct outbox_result *r, int64_t now)
{
	const struct outbox_item *it = r->item;
	bool final = !r->accepted && (r->permanent || it->attempts >= p->max_attempts);
	struct buf text = BUF_INIT;
	struct db_stmt *st;
	int i = 1;
	if (r->accepted) {
		add_clean(&text, r->provider_id, 250);
		st = db_prep(db, SQL_MARK_SENT);
		if (st) {
			db_bind_int(st, i++, now);
			db_bind_text(st, i++, text.data);
		}
	} else {
		add_clean(&text, r->error && *r->error ? r->error : "unknown error", 500);
		st = db_prep(db, final ? SQL_MARK_FAILED : SQL_MARK_REQUEUED);
		if (st) {
			if (!final)
				db_bind_int(st, i++, now + outbox_backoff(p, it->attempts));
			db_bind_text(st, i++, text.data);
		}
	}
	buf_free(&text);
	if (!st)
		return -1;
	db_bind_int(st, i++, it->id);
	db_bind_int(st, i++, it->attempts);
	if (db_step(st) != DB_OK)
		return -1;
	bool changed = db_changes(st) == 1;
	if (r->accepted)
		r->rc = changed ? 1 : 0;
	else
		r->rc = !changed ? OUTBOX_LOST : final ? OUTBOX_FAILED : OUTBOX_REQUEUED;
	return 0;
}

int outbox_mark_results(struct db *db, const struct outbox_policy *p, struct outbox_result *r, int n, int64_t now)
{
	if (db_begin_write(db) != 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (mark_one(db, p, &r[i], now) != 0) {
			db_rollback(db);
			return -1;
		}
	if (db_commit(db) != 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (r[i].accepted && r[i].rc == 0)
			log_warn("outbox: notification %lld was sent, but its claim had run out (sent twice?)",
				 (long long)r[i].item->id);
	return 0;
}

int outbox_mark_sent(struct db *db, const struct outbox_item *it, const char *provider_id, int64_t now)
{
	struct outbox_result r = {.item = it, .accepted = true, .provider_id = provider_id};
	return outbox_mark_results(db, NULL, &r, 1, now) == 0 ? r.rc : -1;
}

int outbox_mark_failure(struct db *db, const struct outbox_policy *p, const struct outbox_item *it,
			const char *error, bool permanent, int64_t now)
{
	struct outbox_result r = {.item = it, .error = error, .permanent = permanent};
	return outbox_mark_results(db, p, &r, 1, now) == 0 ? r.rc : -1;
}

/* Runs one UPDATE in its own transaction; returns the number of rows changed, or -1. */
static int64_t update_alone(struct db *db, struct db_stmt *st)
{
	if (!st || db_step(st) != DB_OK)
		return -1;
	int64_t changed = db_changes(st);
	if (db_commit(db) != 0)
		return -1;
	return changed;
}

int outbox_requeue_expired(struct db *db, const struct outbox_policy *p, int64_t now)
{
	if (db_begin_write(db) != 0)
		return -1;
	struct db_stmt *st = db_prep(db, SQL_REQUEUE_EXPIRED);
	if (st) {
		db_bind_int(st, 1, p->max_attempts);
		db_bind_text(st, 2, "interrupted: the sending server stopped before the outcome was recorded");
		db_bind_int(st, 3, now);
	}
	int64_t changed = update_alone(db, st);
	if (changed < 0) {
		db_rollback(db);
		return -1;
	}
	if (changed > 0)
		log_warn("outbox: %lld notification(s) left mid-send were queued again", (long long)changed);
	return (int)changed;
}

/* ---- message texts ---- */

/* The catalogue key msg.<template>.<part> (the template may already start with "msg."). */
static void template_key(char *out, size_t outsz, const char *template_name, const char *part)
{
	const char *name = template_name ? template_name : "";
	if (strncmp(name, "msg.", 4) == 0)
		name += 4;
	snprintf(out, outsz, "msg.%s.%s", name, part);
}

static int render_paragraphs(enum lang lang, const char *template_name, const json_t *args, struct buf *out,
			     const char *separator)
{
	char key[160];
	template_key(key, sizeof key, template_name, "body");
	if (!i18n_has(key))
		return error("notify: no message template '%s'", key);
	i18n_format(out, lang, key, args);
	for (int i = 2; i <= 9; i++) {
		char part[16];
		snprintf(part, sizeof part, "body.%d", i);
		template_key(key, sizeof key, template_name, part);
		if (!i18n_has(key))
			break;
		buf_adds(out, separator);
		i18n_format(out, lang, key, args);
	}
	return 0;
}

int notify_render(enum lang lang, const char *template_name, const json_t *args, struct buf *subject,
		  struct buf *body)
{
	char key[160];
	template_key(key, sizeof key, template_name, "subject");
	if (i18n_has(key)) {
		size_t start = subject->len;
		i18n_format(subject, lang, key, args);
		/* An argument with a line break must not start a new mail header. */
		for (size_t i = start; i < subject->len; i++)
			if (subject->data[i] == '\r' || subject->data[i] == '\n' || subject->data[i] == '\t')
				subject->data[i] = ' ';
	}
	return render_paragraphs(lang, template_name, args, body, "\n\n");
}

int notify_render_sms(enum lang lang, const char *template_name, const json_t *args, struct buf *text)
{
	char key[160];
	template_key(key, sizeof key, template_name, "sms");
	if (i18n_has(key)) {
		i18n_format(text, lang, key, args);
		return 0;
	}
	return render_paragraphs(lang, template_name, args, text, " ");
}
