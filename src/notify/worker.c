/* worker.c: the outbox worker thread: claim, send, record; retries with backoff; wake-ups and a clean stop. */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "notify/sms.h"
#include "notify/smtp.h"
#include "notify/worker.h"
#include "util/log.h"
#include "util/xalloc.h"

struct notify_worker {
	pthread_t thread;
	char db_url[512];
	struct outbox_policy policy;
	atomic_int stop;
};

/* ---- configuration ---- */

/* A whole number in [min, max]; false for anything else. */
static bool parse_number(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

void notify_policy_from_env(struct outbox_policy *p)
{
	outbox_policy_default(p);
	int64_t unit = 60;
	const char *backoff = getenv("KALEM_NOTIFY_BACKOFF");
	if (backoff && strcmp(backoff, "1") == 0)
		unit = 1;
	else if (backoff && *backoff && strcmp(backoff, "0") != 0)
		log_warn("KALEM_NOTIFY_BACKOFF='%s' ignored: 1 (seconds) or 0 (minutes)", backoff);
	/* The default schedule, in the chosen unit. */
	for (int i = 0; i < p->n_delays; i++)
		p->delays[i] = p->delays[i] / 60 * unit;
	const char *schedule = getenv("KALEM_NOTIFY_SCHEDULE");
	if (schedule && *schedule) {
		int64_t delays[OUTBOX_MAX_DELAYS];
		int n = 0;
		bool ok = true;
		char *copy = xstrdup(schedule), *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			int64_t v;
			if (n == OUTBOX_MAX_DELAYS || !parse_number(t, 0, 100000, &v)) {
				ok = false;
				break;
			}
			delays[n++] = v * unit;
		}
		free(copy);
		if (ok && n > 0) {
			p->n_delays = n;
			memcpy(p->delays, delays, (size_t)n * sizeof delays[0]);
		} else {
			log_warn("KALEM_NOTIFY_SCHEDULE='%s' ignored: up to %d whole numbers separated by commas", schedule,
				 OUTBOX_MAX_DELAYS);
		}
	}
	int64_t v;
	const char *max = getenv("KALEM_NOTIFY_MAX_ATTEMPTS");
	if (max && *max) {
		if (parse_number(max, 1, 100, &v))
			p->max_attempts = (int)v;
		else
			log_warn("KALEM_NOTIFY_MAX_ATTEMPTS='%s' ignored: 1 to 100", max);
	}
	const char *lease = getenv("KALEM_NOTIFY_LEASE");
	if (lease && *lease) {
		if (parse_number(lease, 10, 86400, &v))
			p->lease_s = v;
		else
			log_warn("KALEM_NOTIFY_LEASE='%s' ignored: 10 to 86400 seconds", lease);
	}
}

/* ---- one notification ---- */

void notify_deliver(struct db *db, const struct outbox_item *it, long timeout_s, struct delivery_report *rep)
{
	memset(rep, 0, sizeof *rep);
	rep->result = DELIVERY_RETRY;
	char ref[40];
	snprintf(ref, sizeof ref, "kalem-%lld", (long long)it->id);
	/* Settings are read in a read transaction that ends before the send, so no snapshot is held meanwhile. */
	if (db_begin_read(db) != 0) {
		snprintf(rep->error, sizeof rep->error, "cannot read the settings");
		return;
	}
	if (it->channel == NOTIFY_EMAIL) {
		struct smtp_config cfg;
		int rc = smtp_config_load(db, &cfg);
		db_rollback(db);
		if (rc != 0) {
			snprintf(rep->error, sizeof rep->error, "cannot read the settings");
			return;
		}
		cfg.timeout_s = timeout_s;
		char message_id[320];
		smtp_message_id(message_id, sizeof message_id, it->id, it->created_at, cfg.from_address);
		struct mail m = {
			.to = it->recipient,
			.subject = it->subject,
			.body = it->body,
			.attachment_name = it->attachment_name,
			.attachment_type = it->attachment_type,
			.attachment_body = it->attachment_body,
			.message_id = message_id,
			.date = (int64_t)time(NULL),
		};
		smtp_send(&cfg, &m, rep);
		explicit_bzero(cfg.password, sizeof cfg.password);
	} else {
		struct sms_config *cfg = xmalloc(sizeof *cfg);
		int rc = sms_config_load(db, cfg);
		db_rollback(db);
		if (rc != 0) {
			free(cfg);
			snprintf(rep->error, sizeof rep->error, "cannot read the settings");
			return;
		}
		cfg->timeout_s = timeout_s;
		struct sms_fields f = {.to = it->recipient, .text = it->body, .sender = cfg->sender, .ref = ref};
		sms_send(cfg, &f, rep);
		explicit_bzero(cfg->auth_value, sizeof cfg->auth_value);
		free(cfg);
	}
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

/* How many due notifications one claim takes, and one round of the thread handles. */
#define NOTIFY_BATCH 16
#define NOTIFY_ROUND 100
/* How long the thread lets queued notifications gather after a wake-up, in milliseconds. */
#define NOTIFY_GATHER_MS 100

/* Outcomes known but not yet recorded: failures wait here for the next accepted message, the batch's end or the
 * worker's stop, and are then recorded in one transaction with it. An accepted message is never kept waiting. */
struct pending {
	struct outbox_result r[NOTIFY_BATCH];
	struct delivery_report rep[NOTIFY_BATCH];
	int n;
};

/* Records the pending outcomes and logs each. When one was accepted (the provider has the message now, so this
 * must reach the database), the recording is tried again until the claim's lease runs out (the PostgreSQL
 * backend reconnects on its own); after that another worker may take the row anyway. Returns 0 or -1. */
static int flush(struct db *db, const struct outbox_policy *p, struct pending *pd)
{
	if (pd->n == 0)
		return 0;
	bool accepted = false;
	int64_t give_up = INT64_MAX;
	for (int i = 0; i < pd->n; i++)
		if (pd->r[i].accepted) {
			accepted = true;
			if (pd->r[i].item->lease_until < give_up)
				give_up = pd->r[i].item->lease_until;
		}
	int rc;
	while ((rc = outbox_mark_results(db, p, pd->r, pd->n, now_s())) != 0 && accepted && now_s() < give_up) {
		struct timespec pause = {.tv_sec = 1};
		nanosleep(&pause, NULL);
	}
	for (int i = 0; i < pd->n; i++) {
		const struct outbox_item *it = pd->r[i].item;
		const char *channel = notify_channel_name(it->channel);
		if (rc != 0) { /* the claim runs out and the row is tried again */
			if (pd->r[i].accepted)
				error("notification %lld was accepted but cannot be recorded as sent; it will be sent "
				      "again when its claim runs out",
				      (long long)it->id);
		} else if (pd->r[i].accepted)
			log_info("notification %lld (%s) sent, attempt %d", (long long)it->id, channel, it->attempts);
		else
			log_warn("notification %lld (%s), attempt %d: %s%s", (long long)it->id, channel, it->attempts,
				 pd->rep[i].error,
				 pd->r[i].rc == OUTBOX_FAILED	  ? " (failed; staff can retry it)"
				 : pd->r[i].rc == OUTBOX_REQUEUED ? " (will retry)"
								  : "");
	}
	pd->n = 0;
	return rc == 0 ? 0 : -1;
}

int notify_run_once(struct db *db, const struct outbox_policy *p, const atomic_int *stop, int max)
{
	if (outbox_requeue_expired(db, p, now_s()) < 0)
		return -1;
	/* The senders give up well before the claim runs out, so no other worker can take a row still being sent. */
	long timeout = (long)(p->lease_s / 2);
	timeout = timeout < 3 ? 3 : timeout > 60 ? 60 : timeout;
	int handled = 0, rc = 0;
	while (rc == 0 && handled < max && !atomic_load(stop)) {
		struct outbox_item batch[NOTIFY_BATCH];
		int want = max - handled < NOTIFY_BATCH ? max - handled : NOTIFY_BATCH;
		int n = outbox_claim_batch(db, p, now_s(), want, batch);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		struct pending pd = {.n = 0};
		int i = 0;
		for (; i < n && rc == 0; i++) {
			/* A row is sent only while its claim still covers the send's time limit and a quarter of the
			 * lease to record the outcome; otherwise it is given back, as on a stop. */
			if (atomic_load(stop) || now_s() + timeout + p->lease_s / 4 > batch[i].lease_until)
				break;
			struct outbox_result *r = &pd.r[pd.n];
			struct delivery_report *rep = &pd.rep[pd.n];
			notify_deliver(db, &batch[i], timeout, rep);
			*r = (struct outbox_result){.item = &batch[i],
						    .accepted = rep->result == DELIVERY_ACCEPTED,
						    .provider_id = rep->provider_id,
						    .error = rep->error,
						    .permanent = rep->result == DELIVERY_REFUSED};
			pd.n++;
			handled++;
			if (r->accepted)
				rc = flush(db, p, &pd);
		}
		if (rc == 0)
			rc = flush(db, p, &pd);
		if (i < n && outbox_release(db, batch + i, n - i, now_s()) < 0)
			log_warn("outbox: %d claimed notification(s) not sent will be tried again when their claims run "
				 "out",
				 n - i);
		for (int k = 0; k < n; k++)
			outbox_item_free(&batch[k]);
		if (i < n)
			break; /* a stop, or claims too short: the next round claims afresh */
	}
	return rc == 0 ? handled : -1;
}

/* ---- the thread ---- */

static void *worker_main(void *arg)
{
	struct notify_worker *w = arg;
	/* SIGTERM and SIGINT are for the main thread, which stops the server (and then this thread). */
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	struct db *db = NULL;
	int failures = 0;
	while (!atomic_load(&w->stop)) {
		uint64_t seen = outbox_generation();
		if (!db)
			db = db_open(w->db_url);
		int n = db ? notify_run_once(db, &w->policy, &w->stop, NOTIFY_ROUND) : -1;
		if (n < 0) {
			/* Database trouble: start again with a new connection, waiting longer each time (up to a minute). */
			db_close(db);
			db = NULL;
			failures++;
			int wait_s = failures < 6 ? 1 << failures : 60;
			uint64_t now_seen = outbox_generation(); /* enqueues must not cut this pause short; a stop does */
			if (!atomic_load(&w->stop))
				outbox_wait(now_seen, wait_s * 1000);
			continue;
		}
		failures = 0;
		if (n == NOTIFY_ROUND)
			continue; /* more may be due */
		/* Nothing due any more: wait for this process to queue something (or a second, for other servers and
		 * retries coming due), then a moment more, so that what is queued meanwhile (a busy hour's Open311
		 * reports) goes into one batch rather than a claim and a record for each. */
		outbox_wait(seen, 1000);
		if (outbox_generation() != seen && !atomic_load(&w->stop)) {
			struct timespec gather = {.tv_nsec = NOTIFY_GATHER_MS * 1000000L};
			nanosleep(&gather, NULL);
		}
	}
	db_close(db);
	return NULL;
}

struct notify_worker *notify_worker_start(const char *db_url)
{
	const char *enabled = getenv("KALEM_NOTIFY");
	if (enabled && strcmp(enabled, "off") == 0) {
		log_info("notifications: no worker in this process (KALEM_NOTIFY=off)");
		return NULL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		error("notifications: cannot initialise libcurl; nothing will be sent by this process");
		return NULL;
	}
	struct notify_worker *w = xcalloc(1, sizeof *w);
	snprintf(w->db_url, sizeof w->db_url, "%s", db_url);
	notify_policy_from_env(&w->policy);
	atomic_init(&w->stop, 0);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		error("notifications: cannot start the worker thread; nothing will be sent by this process");
		curl_global_cleanup();
		free(w);
		return NULL;
	}
	log_info("notifications: worker started (%d attempts, first retry after %lld s, lease %lld s)",
		 w->policy.max_attempts, (long long)w->policy.delays[0], (long long)w->policy.lease_s);
	return w;
}

void notify_worker_stop(struct notify_worker *w)
{
	if (!w)
		return;
	atomic_store(&w->stop, 1);
	outbox_wakeup();
	pthread_join(w->thread, NULL);
	curl_global_cleanup();
	free(w);
}
