/* test_outbox.c: the notification outbox (store/outbox.h): queueing with the caller's transaction, exclusive
 * claims one at a time and in batches, the worker's rounds, the backoff schedule, failure after N attempts, lease
 * expiry, staff actions, lists and message rendering; on a fresh SQLite database per case, and on PostgreSQL too
 * when KALEM_TEST_PG_URL is set. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "store/audit.h"
#include "store/db.h"
#include "db_fixture.h"
#include "notify/worker.h"
#include "store/outbox.h"
#include "util/i18n.h"

#define PG_SCHEMA "test_outbox"

static struct db_fixture sqlite_be = {.kind = DB_SQLITE, .name = PG_SCHEMA};
static struct db_fixture pg_be = {.kind = DB_POSTGRES, .name = PG_SCHEMA};

/* ---- fixtures: a fresh, migrated database per case (tests/unit/support/db_fixture.h) ---- */

static int sqlite_setup(void **state)
{
	*state = &sqlite_be;
	return db_fixture_setup(&sqlite_be);
}

static int sqlite_teardown(void **state)
{
	db_fixture_teardown(*state);
	return 0;
}

static int pg_setup(void **state)
{
	*state = &pg_be;
	return db_fixture_setup(&pg_be);
}

static int pg_teardown(void **state)
{
	db_fixture_teardown(*state);
	return 0;
}

static struct db *need(void **state)
{
	return db_fixture_need(*state);
}

/* ---- helpers ---- */

static struct notification sms_to(const char *phone)
{
	return (struct notification){
		.channel = NOTIFY_SMS,
		.recipient = phone,
		.body = "Randevunuz 3 Aralık 10:30'da.",
		.record_type = "appointment",
		.record_id = 7,
		.template_key = "test",
		.lang = LANG_TR,
		.created_by = "sec1",
	};
}

/* Queues n in its own committed transaction; returns the id. */
static int64_t queue(struct db *db, const struct notification *n)
{
	assert_int_equal(db_begin_write(db), 0);
	int64_t id = outbox_enqueue(db, n);
	assert_true(id > 0);
	assert_int_equal(db_commit(db), 0);
	return id;
}

static const char *field(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "(missing)";
}

static int64_t ifield(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The status and attempts of notification id. */
static void expect_row(struct db *db, int64_t id, const char *status, int attempts)
{
	json_t *n = outbox_get(db, id);
	assert_non_null(n);
	assert_string_equal(field(n, "status"), status);
	assert_int_equal(ifield(n, "attempts"), attempts);
	json_decref(n);
}

static struct outbox_policy fast_policy(int max_attempts)
{
	struct outbox_policy p;
	outbox_policy_default(&p);
	p.max_attempts = max_attempts;
	p.n_delays = 2;
	p.delays[0] = 10;
	p.delays[1] = 20;
	p.lease_s = 100;
	return p;
}

/* ---- cases ---- */

static void test_enqueue_follows_the_transaction(void **state)
{
	struct db *db = need(state);
	struct notification n = sms_to("0532 123 45 67");
	/* rolled back with the change: nothing is left */
	assert_int_equal(db_begin_write(db), 0);
	int64_t gone = outbox_enqueue(db, &n);
	assert_true(gone > 0);
	db_rollback(db);
	assert_null(outbox_get(db, gone));
	json_t *none = outbox_list(db, NULL, NULL, 10);
	assert_int_equal(json_array_size(json_object_get(none, "items")), 0);
	json_decref(none);
	/* nothing can be queued outside a transaction */
	assert_int_equal(outbox_enqueue(db, &n), -1);
	/* committed: the row is there, queued, due now, with the number in E.164 */
	uint64_t gen = outbox_generation();
	int64_t id = queue(db, &n);
	assert_true(outbox_generation() > gen);
	json_t *row = outbox_get(db, id);
	assert_non_null(row);
	assert_string_equal(field(row, "status"), "queued");
	assert_string_equal(field(row, "channel"), "sms");
	assert_string_equal(field(row, "recipient"), "+905321234567");
	assert_string_equal(field(row, "body"), "Randevunuz 3 Aralık 10:30'da.");
	assert_string_equal(field(row, "record_type"), "appointment");
	assert_int_equal(ifield(row, "record_id"), 7);
	assert_int_equal(ifield(row, "attempts"), 0);
	assert_true(ifield(row, "next_attempt_at") <= (int64_t)time(NULL));
	json_decref(row);
	/* audited, without the recipient or the text */
	json_t *events = audit_list(db, NULL, "notification", NULL, "notification.queued", 0, 10);
	assert_int_equal(json_array_size(events), 1);
	char *dump = json_dumps(events, 0);
	assert_null(strstr(dump, "905321234567"));
	assert_null(strstr(dump, "Randevunuz"));
	assert_non_null(strstr(dump, "appointment"));
	free(dump);
	json_decref(events);
}

static void test_enqueue_refuses_bad_recipients(void **state)
{
	struct db *db = need(state);
	assert_int_equal(db_begin_write(db), 0);
	struct notification n = sms_to("12345");
	assert_int_equal(outbox_enqueue(db, &n), -1);
	n.recipient = "0532 123 45 6x";
	assert_int_equal(outbox_enqueue(db, &n), -1);
	struct notification e = {.channel = NOTIFY_EMAIL, .recipient = "not-an-address", .subject = "S", .body = "B"};
	assert_int_equal(outbox_enqueue(db, &e), -1);
	e.recipient = "a@b.example\r\nBcc: x@y.example";
	assert_int_equal(outbox_enqueue(db, &e), -1);
	e.recipient = "Ali <ali@example.org>";
	assert_int_equal(outbox_enqueue(db, &e), -1);
	e.recipient = "ali@example.org";
	e.body = "";
	assert_int_equal(outbox_enqueue(db, &e), -1);
	e.body = "Metin";
	e.attachment_name = "../dav et\".ics";
	e.attachment_type = "text/calendar";
	e.attachment_body = "BEGIN:VCALENDAR";
	int64_t id = outbox_enqueue(db, &e);
	assert_true(id > 0);
	json_t *row = outbox_get(db, id);
	assert_string_equal(field(row, "attachment_name"), ".._dav_et_.ics");
	json_decref(row);
	db_rollback(db);
}

static void test_claim_is_exclusive(void **state)
{
	struct db *db = need(state);
	struct db_fixture *be = *state;
	struct outbox_policy p = fast_policy(6);
	struct notification n = sms_to("05321234567");
	int64_t a = queue(db, &n);
	int64_t now = (int64_t)time(NULL);
	struct db *other = db_open(be->url);
	assert_non_null(other);
	struct outbox_item it;
	assert_int_equal(outbox_claim_next(db, &p, now, &it), 1);
	assert_int_equal(it.id, a);
	assert_int_equal(it.attempts, 1);
	assert_string_equal(it.recipient, "+905321234567");
	/* the other server cannot take it, neither by id nor as the next due */
	/* (results are checked after the commit: a failed check must not leave the writer lock taken) */
	assert_int_equal(db_begin_write(other), 0);
	int during = outbox_claim_one(other, a, now, now + 100);
	/* not even after the lease: a row left sending must be re-queued (outbox_requeue_expired) first */
	int after_lease = outbox_claim_one(other, a, now + 1000, now + 1100);
	assert_int_equal(db_commit(other), 0);
	assert_int_equal(during, 0);
	assert_int_equal(after_lease, 0);
	struct outbox_item none;
	assert_int_equal(outbox_claim_next(other, &p, now, &none), 0);
	expect_row(db, a, "sending", 1);
	outbox_item_free(&it);
	db_close(other);
}

struct claimer {
	const char *url;
	int64_t now;
	int batch; /* 1 to 3 rows per claim */
	int64_t ids[64];
	int n;
	int errors;
};

static void *claim_all(void *arg)
{
	struct claimer *c = arg;
	struct db *db = db_open(c->url);
	if (!db) {
		c->errors++;
		return NULL;
	}
	struct outbox_policy p = fast_policy(6);
	for (;;) {
		struct outbox_item it[3];
		int rc = outbox_claim_batch(db, &p, c->now, c->batch, it);
		if (rc < 0) {
			c->errors++;
			if (c->errors > 100)
				break;
			continue;
		}
		if (rc == 0)
			break;
		for (int i = 0; i < rc; i++) {
			if (c->n < 64)
				c->ids[c->n++] = it[i].id;
			outbox_item_free(&it[i]);
		}
	}
	db_close(db);
	return NULL;
}

/* Four workers, each with its own connection, race for 40 rows, claiming one, two or three at a time: every row is
 * claimed exactly once. */
static void test_concurrent_claims(void **state)
{
	struct db *db = need(state);
	struct db_fixture *be = *state;
	enum { ROWS = 40, WORKERS = 4 };
	struct notification n = sms_to("05321234567");
	int64_t first = 0;
	assert_int_equal(db_begin_write(db), 0);
	for (int i = 0; i < ROWS; i++) {
		int64_t id = outbox_enqueue(db, &n);
		assert_true(id > 0);
		if (!first)
			first = id;
	}
	assert_int_equal(db_commit(db), 0);
	static struct claimer c[WORKERS];
	pthread_t t[WORKERS];
	for (int i = 0; i < WORKERS; i++) {
		c[i] = (struct claimer){.url = be->url, .now = (int64_t)time(NULL), .batch = 1 + i % 3};
		assert_int_equal(pthread_create(&t[i], NULL, claim_all, &c[i]), 0);
	}
	int seen[ROWS] = {0}, total = 0;
	for (int i = 0; i < WORKERS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(c[i].errors, 0);
		for (int k = 0; k < c[i].n; k++) {
			int64_t idx = c[i].ids[k] - first;
			assert_true(idx >= 0 && idx < ROWS);
			seen[idx]++;
			total++;
		}
	}
	assert_int_equal(total, ROWS);
	for (int i = 0; i < ROWS; i++)
		assert_int_equal(seen[i], 1);
}

/* The status, attempts and next_attempt_at of notification id. */
static void expect_due(struct db *db, int64_t id, const char *status, int attempts, int64_t next_attempt_at)
{
	json_t *n = outbox_get(db, id);
	assert_non_null(n);
	assert_string_equal(field(n, "status"), status);
	assert_int_equal(ifield(n, "attempts"), attempts);
	assert_int_equal(ifield(n, "next_attempt_at"), next_attempt_at);
	json_decref(n);
}

/* Queues n due at not_before; returns the id. */
static int64_t queue_at(struct db *db, struct notification n, int64_t not_before)
{
	n.not_before = not_before;
	return queue(db, &n);
}

static void test_claim_batch(void **state)
{
	struct db *db = need(state);
	struct db_fixture *be = *state;
	struct outbox_policy p = fast_policy(6);
	struct notification n = sms_to("05321234567");
	int64_t t = (int64_t)time(NULL) + 1000; /* not_before in the future: the due times are the test's */
	/* queued out of due order; one not yet due, one sent already, one cancelled */
	int64_t c = queue_at(db, n, t + 3), a = queue_at(db, n, t + 1), b = queue_at(db, n, t + 2);
	int64_t d = queue_at(db, n, t + 3), later = queue_at(db, n, t + 50);
	int64_t cancelled = queue_at(db, n, t);
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(outbox_cancel(db, "sec1", cancelled), OUTBOX_CHANGED);
	assert_int_equal(db_commit(db), 0);
	struct outbox_item it[OUTBOX_CLAIM_MAX];
	/* a bad limit claims nothing */
	assert_int_equal(outbox_claim_batch(db, &p, t + 10, 0, it), -1);
	assert_int_equal(outbox_claim_batch(db, &p, t + 10, OUTBOX_CLAIM_MAX + 1, it), -1);
	expect_due(db, a, "queued", 0, t + 1);
	/* nothing due yet */
	assert_int_equal(outbox_claim_batch(db, &p, t, 16, it), 0);
	/* the limit: the two most overdue, in due order */
	assert_int_equal(outbox_claim_batch(db, &p, t + 10, 2, it), 2);
	assert_int_equal(it[0].id, a);
	assert_int_equal(it[1].id, b);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(it[i].attempts, 1);
		assert_int_equal(it[i].lease_until, t + 10 + p.lease_s);
		assert_string_equal(it[i].recipient, "+905321234567");
		assert_string_equal(it[i].body, "Randevunuz 3 Aralık 10:30'da.");
	}
	expect_due(db, a, "sending", 1, t + 10 + p.lease_s);
	expect_due(db, b, "sending", 1, t + 10 + p.lease_s);
	/* the rest that is due (same due time: by id), not the later one nor the claimed, cancelled ones */
	struct outbox_item rest[OUTBOX_CLAIM_MAX];
	assert_int_equal(outbox_claim_batch(db, &p, t + 10, 16, rest), 2);
	assert_int_equal(rest[0].id, c);
	assert_int_equal(rest[1].id, d);
	expect_due(db, later, "queued", 0, t + 50);
	expect_due(db, cancelled, "cancelled", 0, t);
	/* a second server finds nothing while the claims hold, neither batch nor single */
	struct db *other = db_open(be->url);
	assert_non_null(other);
	struct outbox_item none[4];
	assert_int_equal(outbox_claim_batch(other, &p, t + 20, 4, none), 0);
	assert_int_equal(outbox_claim_next(other, &p, t + 20, none), 0);
	/* each row is fenced by its own attempt: the outcomes are recorded in one transaction */
	struct outbox_result r[3] = {
		{.item = &it[0], .accepted = true, .provider_id = "gw-1"},
		{.item = &it[1], .error = "HTTP 503"},
		{.item = &rest[0], .error = "HTTP 400", .permanent = true},
	};
	assert_int_equal(outbox_mark_results(db, &p, r, 3, t + 11), 0);
	assert_int_equal(r[0].rc, 1);
	assert_int_equal(r[1].rc, OUTBOX_REQUEUED);
	assert_int_equal(r[2].rc, OUTBOX_FAILED);
	expect_row(db, a, "sent", 1);
	expect_due(db, b, "queued", 1, t + 11 + 10);
	expect_row(db, c, "failed", 1);
	/* recorded again (a stale copy): every fence refuses it */
	assert_int_equal(outbox_mark_results(db, &p, r, 3, t + 12), 0);
	assert_int_equal(r[0].rc, 0);
	assert_int_equal(r[1].rc, OUTBOX_LOST);
	assert_int_equal(r[2].rc, OUTBOX_LOST);
	expect_row(db, a, "sent", 1);
	expect_due(db, b, "queued", 1, t + 11 + 10);
	/* d's lease runs out while the first worker still holds it: the other server re-queues and claims it along
	 * with b, now due again and then later */
	assert_int_equal(outbox_requeue_expired(other, &p, t + 10 + p.lease_s - 1), 0);
	assert_int_equal(outbox_requeue_expired(other, &p, t + 10 + p.lease_s), 1);
	expect_row(db, d, "queued", 1);
	assert_int_equal(outbox_claim_batch(other, &p, t + 10 + p.lease_s, 4, none), 3);
	assert_int_equal(none[0].id, b);
	assert_int_equal(none[0].attempts, 2);
	assert_int_equal(none[1].id, later);
	assert_int_equal(none[1].attempts, 1);
	assert_int_equal(none[2].id, d);
	assert_int_equal(none[2].attempts, 2);
	/* the first worker's stale claim on d can neither record nor give it back */
	struct outbox_result stale = {.item = &rest[1], .accepted = true, .provider_id = "late"};
	assert_int_equal(outbox_mark_results(db, &p, &stale, 1, t + 10 + p.lease_s), 0);
	assert_int_equal(stale.rc, 0);
	assert_int_equal(outbox_release(db, &rest[1], 1, t + 10 + p.lease_s), 0);
	expect_row(db, d, "sending", 2);
	/* the other server gives back what it did not send: queued, due now, the attempt uncounted */
	assert_int_equal(outbox_release(other, none, 3, t + 400), 3);
	expect_due(db, b, "queued", 1, t + 400);
	expect_due(db, later, "queued", 0, t + 400);
	expect_due(db, d, "queued", 1, t + 400);
	/* given back once only */
	assert_int_equal(outbox_release(other, none, 3, t + 401), 0);
	expect_due(db, b, "queued", 1, t + 400);
	/* and claimable again, with the same attempt number as the claim given back */
	struct outbox_item again[4];
	assert_int_equal(outbox_claim_batch(db, &p, t + 400, 4, again), 3);
	assert_int_equal(again[0].id, b);
	assert_int_equal(again[0].attempts, 2);
	for (int i = 0; i < 3; i++)
		outbox_item_free(&again[i]);
	for (int i = 0; i < 3; i++)
		outbox_item_free(&none[i]);
	for (int i = 0; i < 2; i++) {
		outbox_item_free(&it[i]);
		outbox_item_free(&rest[i]);
	}
	db_close(other);
}

/* The worker's rounds (notify/worker.h) with no mail server configured: every send fails at once. */
static void test_worker_rounds(void **state)
{
	struct db *db = need(state);
	struct outbox_policy p = fast_policy(6);
	struct notification n = {.channel = NOTIFY_EMAIL, .recipient = "ali@example.org", .subject = "S",
				 .body = "Metin", .template_key = "test", .created_by = "sec1"};
	enum { ROWS = 21 };
	int64_t ids[ROWS];
	assert_int_equal(db_begin_write(db), 0);
	for (int i = 0; i < ROWS; i++)
		assert_true((ids[i] = outbox_enqueue(db, &n)) > 0);
	assert_int_equal(db_commit(db), 0);
	atomic_int stop;
	atomic_init(&stop, 0);
	/* max bounds what is claimed, not only what is sent: the others stay queued, uncounted */
	assert_int_equal(notify_run_once(db, &p, &stop, 3), 3);
	for (int i = 0; i < ROWS; i++)
		expect_row(db, ids[i], "queued", i < 3 ? 1 : 0);
	json_t *row = outbox_get(db, ids[0]);
	assert_non_null(strstr(field(row, "last_error"), "not configured"));
	json_decref(row);
	/* a claim too short to cover a send is given back, uncounted, and nothing is sent */
	struct outbox_policy brief = p;
	brief.lease_s = 2;
	assert_int_equal(notify_run_once(db, &brief, &stop, 100), 0);
	for (int i = 3; i < ROWS; i++)
		expect_row(db, ids[i], "queued", 0);
	/* a stop before the round: nothing is claimed */
	atomic_store(&stop, 1);
	assert_int_equal(notify_run_once(db, &p, &stop, 100), 0);
	expect_row(db, ids[3], "queued", 0);
	/* the rest, over two batches: each failure recorded, none left sending */
	atomic_store(&stop, 0);
	assert_int_equal(notify_run_once(db, &p, &stop, 100), ROWS - 3);
	for (int i = 0; i < ROWS; i++)
		expect_row(db, ids[i], "queued", 1);
	json_t *sending = outbox_list(db, "sending", NULL, 100);
	assert_int_equal(json_array_size(json_object_get(sending, "items")), 0);
	json_decref(sending);
}

static void test_backoff_schedule(void **state)
{
	struct db *db = need(state);
	struct outbox_policy d;
	outbox_policy_default(&d);
	assert_int_equal(d.max_attempts, 6);
	assert_int_equal(outbox_backoff(&d, 1), 60);
	assert_int_equal(outbox_backoff(&d, 2), 300);
	assert_int_equal(outbox_backoff(&d, 3), 900);
	assert_int_equal(outbox_backoff(&d, 4), 3600);
	assert_int_equal(outbox_backoff(&d, 5), 14400);
	assert_int_equal(outbox_backoff(&d, 9), 14400); /* the last wait repeats */

	struct outbox_policy p = fast_policy(6);
	struct notification n = sms_to("05321234567");
	int64_t id = queue(db, &n);
	int64_t t0 = (int64_t)time(NULL);
	struct outbox_item it;
	assert_int_equal(outbox_claim_next(db, &p, t0, &it), 1);
	assert_int_equal(outbox_mark_failure(db, &p, &it, "HTTP 503", false, t0), OUTBOX_REQUEUED);
	outbox_item_free(&it);
	json_t *row = outbox_get(db, id);
	assert_string_equal(field(row, "status"), "queued");
	assert_int_equal(ifield(row, "next_attempt_at"), t0 + 10);
	assert_string_equal(field(row, "last_error"), "HTTP 503");
	json_decref(row);
	/* not due before the wait is over */
	assert_int_equal(outbox_claim_next(db, &p, t0 + 9, &it), 0);
	assert_int_equal(outbox_claim_next(db, &p, t0 + 10, &it), 1);
	assert_int_equal(it.attempts, 2);
	assert_int_equal(outbox_mark_failure(db, &p, &it, "HTTP 503", false, t0 + 10), OUTBOX_REQUEUED);
	outbox_item_free(&it);
	row = outbox_get(db, id);
	assert_int_equal(ifield(row, "next_attempt_at"), t0 + 10 + 20);
	json_decref(row);
	/* success after failures: sent, with the provider's id and the time */
	assert_int_equal(outbox_claim_next(db, &p, t0 + 30, &it), 1);
	assert_int_equal(outbox_mark_sent(db, &it, "gw-123", t0 + 31), 1);
	outbox_item_free(&it);
	row = outbox_get(db, id);
	assert_string_equal(field(row, "status"), "sent");
	assert_string_equal(field(row, "provider_id"), "gw-123");
	assert_int_equal(ifield(row, "sent_at"), t0 + 31);
	assert_int_equal(ifield(row, "attempts"), 3);
	json_decref(row);
	/* a sent notification is never claimed again */
	assert_int_equal(outbox_claim_next(db, &p, t0 + 100000, &it), 0);
}

static void test_failed_after_n_attempts(void **state)
{
	struct db *db = need(state);
	struct outbox_policy p = fast_policy(3);
	struct notification n = sms_to("05321234567");
	int64_t id = queue(db, &n);
	int64_t t = (int64_t)time(NULL);
	struct outbox_item it;
	for (int attempt = 1; attempt <= 3; attempt++) {
		assert_int_equal(outbox_claim_next(db, &p, t, &it), 1);
		assert_int_equal(it.attempts, attempt);
		int rc = outbox_mark_failure(db, &p, &it, "connection refused", false, t);
		assert_int_equal(rc, attempt < 3 ? OUTBOX_REQUEUED : OUTBOX_FAILED);
		outbox_item_free(&it);
		t += 1000;
	}
	expect_row(db, id, "failed", 3);
	assert_int_equal(outbox_claim_next(db, &p, t + 100000, &it), 0);
	json_t *failed = outbox_list(db, "failed", NULL, 10);
	assert_int_equal(json_array_size(json_object_get(failed, "items")), 1);
	json_decref(failed);

	/* staff retry: one more attempt, final when it fails */
	assert_int_equal(db_begin_write(db), 0);
	assert_int_equal(outbox_retry(db, "chief1", id), OUTBOX_CHANGED);
	assert_int_equal(db_commit(db), 0);
	expect_row(db, id, "queued", 3);
	assert_int_equal(outbox_claim_next(db, &p, (int64_t)time(NULL), &it), 1);
	assert_int_equal(outbox_mark_failure(db, &p, &it, "still refused", false, t), OUTBOX_FAILED);
	outbox_item_free(&it);
	expect_row(db, id, "failed", 4);

	/* a permanent refusal fails at once */
	int64_t other = queue(db, &n);
	assert_int_equal(outbox_claim_next(db, &p, (int64_t)time(NULL), &it), 1);
	assert_int_equal(it.id, other);
	assert_int_equal(outbox_mark_failure(db, &p, &it, "HTTP 400: bad number", true, t), OUTBOX_FAILED);
	outbox_item_free(&it);
	expect_row(db, other, "failed", 1);
}

static void test_lease_expiry_requeues(void **state)
{
	struct db *db = need(state);
	struct outbox_policy p = fast_policy(2);
	struct notification n = sms_to("05321234567");
	int64_t id = queue(db, &n);
	int64_t t = (int64_t)time(NULL);
	struct outbox_item first, second;
	assert_int_equal(outbox_claim_next(db, &p, t, &first), 1);
	/* the worker "dies": before the lease runs out nothing moves */
	assert_int_equal(outbox_requeue_expired(db, &p, t + p.lease_s - 1), 0);
	expect_row(db, id, "sending", 1);
	assert_int_equal(outbox_claim_next(db, &p, t + p.lease_s - 1, &second), 0);
	/* after it, the row is queued again and claimable at once */
	assert_int_equal(outbox_requeue_expired(db, &p, t + p.lease_s), 1);
	expect_row(db, id, "queued", 1);
	json_t *row = outbox_get(db, id);
	assert_non_null(strstr(field(row, "last_error"), "interrupted"));
	json_decref(row);
	assert_int_equal(outbox_claim_next(db, &p, t + p.lease_s, &second), 1);
	assert_int_equal(second.attempts, 2);
	/* the first claim is stale: its outcome cannot overwrite the second attempt */
	assert_int_equal(outbox_mark_sent(db, &first, "late", t + p.lease_s), 0);
	assert_int_equal(outbox_mark_failure(db, &p, &first, "late", false, t + p.lease_s), OUTBOX_LOST);
	expect_row(db, id, "sending", 2);
	/* the second dies too, with no attempt left: failed, not queued */
	assert_int_equal(outbox_requeue_expired(db, &p, t + 2 * p.lease_s), 1);
	expect_row(db, id, "failed", 2);
	outbox_item_free(&first);
	outbox_item_free(&second);
}

static void test_staff_actions_and_lists(void **state)
{
	struct db *db = need(state);
	struct outbox_policy p = fast_policy(1);
	struct notification n = sms_to("05321234567");
	int64_t a = queue(db, &n), b = queue(db, &n), c = queue(db, &n);
	n.record_id = 8;
	int64_t d = queue(db, &n);
	struct outbox_item it;
	/* a fails */
	assert_int_equal(outbox_claim_next(db, &p, (int64_t)time(NULL), &it), 1);
	assert_int_equal(it.id, a);
	/* a provider's reply with bad UTF-8 and control characters is stored cleanly */
	assert_int_equal(outbox_mark_failure(db, &p, &it, "HTTP 500: \xff\xfe bad\r\nline \xc4", false, 0), OUTBOX_FAILED);
	outbox_item_free(&it);
	json_t *row = outbox_get(db, a);
	assert_string_equal(field(row, "last_error"), "HTTP 500: ?? bad  line ?");
	json_decref(row);

	/* failed first, then newest first; pages of two */
	json_t *page = outbox_list(db, NULL, NULL, 2);
	json_t *items = json_object_get(page, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(ifield(json_array_get(items, 0), "id"), a);
	assert_int_equal(ifield(json_array_get(items, 1), "id"), d);
	const char *next = json_string_value(json_object_get(page, "next"));
	assert_non_null(next);
	json_t *page2 = outbox_list(db, NULL, next, 2);
	items = json_object_get(page2, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(ifield(json_array_get(items, 0), "id"), c);
	assert_int_equal(ifield(json_array_get(items, 1), "id"), b);
	assert_true(json_is_null(json_object_get(page2, "next")));
	json_decref(page);
	json_decref(page2);
	/* an unknown status filter lists everything, a known one filters */
	page = outbox_list(db, "nonsense", NULL, 10);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 4);
	json_decref(page);
	page = outbox_list(db, "queued", NULL, 10);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 3);
	json_decref(page);

	/* by record */
	json_t *rec = outbox_for_record(db, "appointment", 7);
	assert_int_equal(json_array_size(rec), 3);
	assert_int_equal(ifield(json_array_get(rec, 0), "id"), a);
	json_decref(rec);

	assert_int_equal(db_begin_write(db), 0);
	/* retry only from failed, cancel only from queued or failed */
	assert_int_equal(outbox_retry(db, "sec1", b), OUTBOX_WRONG_STATE);
	assert_int_equal(outbox_retry(db, "sec1", 99999), OUTBOX_ABSENT);
	assert_int_equal(outbox_cancel(db, "sec1", b), OUTBOX_CHANGED);
	assert_int_equal(outbox_cancel(db, "sec1", b), OUTBOX_WRONG_STATE);
	assert_int_equal(outbox_cancel(db, "sec1", a), OUTBOX_CHANGED);
	/* the cause went away: the record's queued ones are cancelled, others' stay */
	assert_int_equal(outbox_cancel_for_record(db, "sec1", "appointment", 7, "other-template"), 0);
	assert_int_equal(outbox_cancel_for_record(db, "sec1", "appointment", 7, NULL), 1);
	assert_int_equal(db_commit(db), 0);
	expect_row(db, a, "cancelled", 1);
	expect_row(db, b, "cancelled", 0);
	expect_row(db, c, "cancelled", 0);
	expect_row(db, d, "queued", 0);
	json_t *events = audit_list(db, NULL, "notification", NULL, "notification.cancel", 0, 10);
	assert_int_equal(json_array_size(events), 3);
	json_decref(events);
}

static void test_render_from_catalogue(void **state)
{
	(void)state;
	json_t *args = json_pack("{s:s,s:s,s:s}", "name", "Işık Şüküroğlu", "office", "Özel Kalem Müdürlüğü", "sender",
				 "Sistem\nYöneticisi");
	struct buf subject = BUF_INIT, body = BUF_INIT, sms = BUF_INIT;
	assert_int_equal(notify_render(LANG_TR, "test", args, &subject, &body), 0);
	assert_string_equal(subject.data, "Kalem deneme iletisi — Işık Şüküroğlu");
	assert_true(strncmp(body.data, "Sayın Işık Şüküroğlu,\n\nBu ileti, Özel Kalem Müdürlüğü adına", 61) == 0);
	assert_non_null(strstr(body.data, "\n\nBu iletiyi yanıtlamanız gerekmez."));
	buf_reset(&subject);
	buf_reset(&body);
	assert_int_equal(notify_render(LANG_EN, "msg.test", args, &subject, &body), 0);
	assert_string_equal(subject.data, "Kalem test message — Işık Şüküroğlu");
	assert_true(strncmp(body.data, "Dear Işık Şüküroğlu,\n\n", 22) == 0);
	assert_int_equal(notify_render_sms(LANG_TR, "test", args, &sms), 0);
	assert_string_equal(sms.data, "Özel Kalem Müdürlüğü: Kalem SMS deneme iletisi. Sayın Işık Şüküroğlu, bu ileti SMS "
				      "ayarlarını denemek için gönderildi.");
	/* a line break in an argument cannot break out of the subject line */
	json_object_set_new(args, "name", json_string("A\r\nBcc: x@y"));
	buf_reset(&subject);
	assert_int_equal(notify_render(LANG_TR, "test", args, &subject, &body), 0);
	assert_null(strchr(subject.data, '\n'));
	assert_null(strchr(subject.data, '\r'));
	/* an unknown template */
	assert_int_equal(notify_render(LANG_TR, "no.such.template", args, &subject, &body), -1);
	assert_int_equal(notify_render_sms(LANG_TR, "no.such.template", args, &sms), -1);
	json_decref(args);
	buf_free(&subject);
	buf_free(&body);
	buf_free(&sms);
}

static void test_policy_from_env(void **state)
{
	(void)state;
	struct outbox_policy p;
	unsetenv("KALEM_NOTIFY_BACKOFF");
	unsetenv("KALEM_NOTIFY_SCHEDULE");
	unsetenv("KALEM_NOTIFY_MAX_ATTEMPTS");
	unsetenv("KALEM_NOTIFY_LEASE");
	notify_policy_from_env(&p);
	assert_int_equal(p.max_attempts, 6);
	assert_int_equal(p.n_delays, 5);
	assert_int_equal(p.delays[0], 60);
	assert_int_equal(p.delays[4], 240 * 60);
	assert_int_equal(p.lease_s, 300);
	/* seconds instead of minutes (tests), the default schedule */
	setenv("KALEM_NOTIFY_BACKOFF", "1", 1);
	notify_policy_from_env(&p);
	assert_int_equal(p.delays[0], 1);
	assert_int_equal(p.delays[1], 5);
	assert_int_equal(p.delays[4], 240);
	/* a schedule of one's own, attempts and lease */
	setenv("KALEM_NOTIFY_SCHEDULE", "1,2", 1);
	setenv("KALEM_NOTIFY_MAX_ATTEMPTS", "4", 1);
	setenv("KALEM_NOTIFY_LEASE", "10", 1);
	notify_policy_from_env(&p);
	assert_int_equal(p.n_delays, 2);
	assert_int_equal(outbox_backoff(&p, 1), 1);
	assert_int_equal(outbox_backoff(&p, 2), 2);
	assert_int_equal(outbox_backoff(&p, 3), 2);
	assert_int_equal(p.max_attempts, 4);
	assert_int_equal(p.lease_s, 10);
	/* malformed values are ignored, the defaults stay */
	setenv("KALEM_NOTIFY_BACKOFF", "yes", 1);
	setenv("KALEM_NOTIFY_SCHEDULE", "1,,x", 1);
	setenv("KALEM_NOTIFY_MAX_ATTEMPTS", "0", 1);
	setenv("KALEM_NOTIFY_LEASE", "5", 1);
	notify_policy_from_env(&p);
	assert_int_equal(p.n_delays, 5);
	assert_int_equal(p.delays[0], 60);
	assert_int_equal(p.max_attempts, 6);
	assert_int_equal(p.lease_s, 300);
	unsetenv("KALEM_NOTIFY_BACKOFF");
	unsetenv("KALEM_NOTIFY_SCHEDULE");
	unsetenv("KALEM_NOTIFY_MAX_ATTEMPTS");
	unsetenv("KALEM_NOTIFY_LEASE");
}

static void test_wait_wakes_up(void **state)
{
	(void)state;
	uint64_t seen = outbox_generation();
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	outbox_wait(seen, 50); /* nothing happens: the timeout */
	clock_gettime(CLOCK_MONOTONIC, &b);
	int64_t ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms >= 45);
	outbox_wakeup();
	clock_gettime(CLOCK_MONOTONIC, &a);
	outbox_wait(seen, 5000); /* the generation moved: at once */
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms < 1000);
}

#define CASES(setup, teardown)                                                                                   \
	cmocka_unit_test_setup_teardown(test_enqueue_follows_the_transaction, setup, teardown),                    \
		cmocka_unit_test_setup_teardown(test_enqueue_refuses_bad_recipients, setup, teardown),             \
		cmocka_unit_test_setup_teardown(test_claim_is_exclusive, setup, teardown),                         \
		cmocka_unit_test_setup_teardown(test_concurrent_claims, setup, teardown),                          \
		cmocka_unit_test_setup_teardown(test_claim_batch, setup, teardown),                                \
		cmocka_unit_test_setup_teardown(test_worker_rounds, setup, teardown),                              \
		cmocka_unit_test_setup_teardown(test_backoff_schedule, setup, teardown),                           \
		cmocka_unit_test_setup_teardown(test_failed_after_n_attempts, setup, teardown),                    \
		cmocka_unit_test_setup_teardown(test_lease_expiry_requeues, setup, teardown),                      \
		cmocka_unit_test_setup_teardown(test_staff_actions_and_lists, setup, teardown)

int main(void)
{
	if (i18n_load() != 0)
		return 1;
	const struct CMUnitTest common[] = {
		cmocka_unit_test(test_render_from_catalogue),
		cmocka_unit_test(test_policy_from_env),
		cmocka_unit_test(test_wait_wakes_up),
	};
	const struct CMUnitTest sqlite_cases[] = {CASES(sqlite_setup, sqlite_teardown)};
	const struct CMUnitTest pg_cases[] = {CASES(pg_setup, pg_teardown)};
	int failed = cmocka_run_group_tests_name("outbox, rendering", common, NULL, NULL);
	failed += cmocka_run_group_tests_name("outbox, SQLite", sqlite_cases, NULL, NULL);
	failed += cmocka_run_group_tests_name("outbox, PostgreSQL", pg_cases, NULL, NULL);
	i18n_unload();
	return failed;
}
