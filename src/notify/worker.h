/* worker.h: the thread of `kalem serve` that sends what the outbox (store/outbox.h) holds.
 *
 * Every second, and 100 ms after this process queues something (so that what else is queued meanwhile joins the
 * same batch), the worker re-queues claims whose lease ran out, then claims due notifications in batches of up to
 * 16 (one write transaction), sends them one by one
 * (notify/smtp.h, notify/sms.h) and records each outcome: an accepted message in a committed transaction before
 * the next send starts, failures together with the next acceptance or at the batch's end. Claimed rows it does
 * not get to send (a stop, or a claim too close to its end after slow sends) are given back uncounted. Several
 * servers on one PostgreSQL database may each run one: a claim is exclusive.
 *
 * What is guaranteed, and where it stops:
 * - Nothing is lost: a notification is a row committed with the change that caused it; it leaves the queue only
 *   as sent, failed (shown to staff, who may retry it) or cancelled.
 * - Nothing is sent twice once a provider accepted it: "sent" is committed right after the provider's 250 (SMTP)
 *   or 2xx (gateway), before the next send starts, and a claim keeps any other worker off the row meanwhile. The
 *   window that remains: if this process dies (or the database stays unreachable until the claim's lease ends)
 *   between the provider's acceptance and that commit, the row is re-queued when its lease runs out and sent once
 *   more. Only the one message being sent can be in that window: the other rows of a batch were either recorded
 *   or not yet sent (their leases run out and they are sent once, later). SMTP has a second, older
 *   window: a connection lost after the message's final "." but before the 250 reply looks like a failure.
 *   An e-mail carries the same Message-ID on every attempt and an SMS the same {ref}, so a copy sent twice is
 *   recognisable (and dropped by gateways that de-duplicate on a reference).
 * - A send never outlives its lease: the senders' time limit is at most half the lease, and a row of a batch is
 *   only sent while its lease still covers that limit and a quarter of the lease to record the outcome.
 *
 * Configuration (environment, read when the worker starts):
 *   KALEM_NOTIFY=off                 no worker in this process (another server sends)
 *   KALEM_NOTIFY_SCHEDULE=1,5,15,60,240   waits between attempts, in minutes (the last one repeats)
 *   KALEM_NOTIFY_BACKOFF=1           the schedule is in seconds instead of minutes (tests)
 *   KALEM_NOTIFY_MAX_ATTEMPTS=6      attempts before a notification is failed
 *   KALEM_NOTIFY_LEASE=300           seconds a claim holds (at least 10)
 *   KALEM_TLS_CA_FILE=path           extra CA bundle for a mail server or gateway with a private CA
 */
#ifndef KALEM_NOTIFY_WORKER_H
#define KALEM_NOTIFY_WORKER_H
#include <stdatomic.h>
#include <stdint.h>
#include "store/db.h"
#include "store/outbox.h"

struct notify_worker;

/* Starts the worker thread with its own connection to db_url. Call before other threads start (it initialises
 * libcurl). Returns NULL when KALEM_NOTIFY=off or on failure (logged); the server runs either way. */
struct notify_worker *notify_worker_start(const char *db_url);
/* Asks the worker to stop, lets it finish the send in progress and joins it. NULL is accepted. */
void notify_worker_stop(struct notify_worker *w);

/* The policy from the KALEM_NOTIFY_* variables above over outbox_policy_default; malformed values are logged
 * and ignored. */
void notify_policy_from_env(struct outbox_policy *p /* OUT */);

/* Sends one claimed notification with the current settings of db; fills *rep (OUT). timeout_s bounds the send. */
void notify_deliver(struct db *db, const struct outbox_item *it, long timeout_s, struct delivery_report *rep);

/* One round of the worker: re-queues expired claims, then claims (in batches), sends and marks due notifications
 * until none is due, *stop becomes true, or max have been handled; claimed rows left unsent are given back
 * (outbox_release). Returns how many were handled, or -1 on a database error (the caller reconnects). */
int notify_run_once(struct db *db, const struct outbox_policy *p, const atomic_int *stop, int max);

#endif
