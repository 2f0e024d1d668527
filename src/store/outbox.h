/* outbox.h: the durable notification outbox (e-mail and SMS) and the message texts it carries.
 *
 * A change that informs someone queues its notification with outbox_enqueue inside its own write transaction, so
 * the message exists exactly when the change does. The worker (notify/worker.h) claims due rows, hands them to a
 * provider and marks the outcome. Life cycle of a row (migrations/0003_outbox.sql):
 *
 *   queued --claim--> sending --accepted by the provider--> sent
 *                     sending --failed, attempts left------> queued (next_attempt_at = now + backoff)
 *                     sending --failed, none left, or refused for good--> failed --staff: retry--> queued
 *                     sending --lease ran out (its worker died)--> queued (failed if no attempts are left)
 *   queued | failed --staff or the cause went away--> cancelled
 *
 * A claim is an UPDATE ... WHERE id = ? AND status = 'queued' that must change exactly one row, so two workers
 * (two servers on one PostgreSQL database) never send the same row at once. While sending, next_attempt_at is
 * the lease: how long the claim holds. The claim increments attempts, and every mark names the attempt it ends,
 * so a worker that outlived its lease cannot overwrite a newer attempt's outcome.
 *
 * Claims come in batches: one write transaction claims up to OUTBOX_CLAIM_MAX due rows, each by its own UPDATE
 * as above, with its own lease and attempt fence. The worker then sends them one by one, recording each outcome
 * (several known failures may share one transaction; an accepted message is recorded before the next send
 * starts). A claimed row the worker will not send after all (it stops, or the row's lease no longer covers a
 * send) is given back with outbox_release, uncounted; if the worker dies instead, the lease runs out as for a
 * row mid-send. So a batch never makes anything be sent twice: only a row whose send was under way can be.
 */
#ifndef KALEM_STORE_OUTBOX_H
#define KALEM_STORE_OUTBOX_H
#include <jansson.h>
#include <stdint.h>
#include "store/db.h"
#include "util/buf.h"
#include "util/i18n.h"

enum notify_channel { NOTIFY_EMAIL, NOTIFY_SMS };

/* "email" / "sms". */
const char *notify_channel_name(enum notify_channel channel);

/* A message to queue. Strings are copied; NULL means "" (attachment: none). */
struct notification {
	enum notify_channel channel;
	const char *recipient;       /* an e-mail address, or a phone number as typed (stored as E.164) */
	const char *subject;         /* e-mail only */
	const char *body;            /* plain text, UTF-8 */
	const char *attachment_name; /* e-mail only, e.g. "davet.ics"; other than [A-Za-z0-9._-] becomes '_' */
	const char *attachment_type; /* e.g. "text/calendar; charset=UTF-8; method=REQUEST" */
	const char *attachment_body; /* text (an .ics is text) */
	const char *record_type;     /* the record the message is about ("appointment", ...), shown with it */
	int64_t record_id;
	const char *template_key;    /* the catalogue template it was rendered from, e.g. "test" */
	enum lang lang;
	const char *created_by;      /* the actor whose change caused it */
	int64_t not_before;          /* unix time of the first attempt (reminders); 0 = now */
};

/* Queues n inside the caller's open write transaction (it commits or rolls back with the change) and wakes the
 * worker of this process. Audited as "notification.queued" (record "notification", id) with the channel, the
 * template and the record it belongs to, but not the recipient or the text: the audit chain cannot be erased,
 * personal data must stay erasable. Returns the new id, or -1 (logged) for a database error, no open write
 * transaction, an invalid recipient (not an e-mail address / not a phone number) or an empty body. */
int64_t outbox_enqueue(struct db *db, const struct notification *n);

/* One notification as JSON {id, channel, recipient, subject, body, excerpt (the body's first 160 characters),
 * status, attempts, next_attempt_at, last_error, provider_id, record_type, record_id, template_key, lang,
 * created_at, sent_at (0 = not sent), created_by, attachment_name, attachment_type}, or NULL when absent. */
json_t *outbox_get(struct db *db, int64_t id);
/* The notifications of one record, oldest first, as an array of the objects of outbox_get without body and
 * attachment_type. Never NULL. */
json_t *outbox_for_record(struct db *db, const char *record_type, int64_t record_id);
/* Lists notifications for staff: failed ones first, then newest first. status: "queued", "sending", "sent",
 * "failed", "cancelled", or NULL/"" for all. Keyset pagination: after = the "next" of the previous page.
 * Returns {"items":[...as outbox_for_record...], "next": cursor or null}. */
json_t *outbox_list(struct db *db, const char *status, const char *after, int limit);
/* True if s is one of the status names above. */
bool outbox_status_valid(const char *s);

/* Results of the staff actions below. */
enum outbox_change { OUTBOX_CHANGED = 0, OUTBOX_ABSENT = 1, OUTBOX_WRONG_STATE = 2, OUTBOX_ERROR = -1 };
/* Staff: a failed notification is queued again, due now; it gets one more attempt (attempts keeps counting, and
 * a failure with attempts at the maximum is final). Audited "notification.retry". Inside the caller's write
 * transaction. */
enum outbox_change outbox_retry(struct db *db, const char *actor, int64_t id);
/* Staff: a queued or failed notification is cancelled. Audited "notification.cancel". Inside the caller's write
 * transaction. */
enum outbox_change outbox_cancel(struct db *db, const char *actor, int64_t id);
/* Cancels the still queued notifications of a record (all of them, or those of template_key when it is not
 * NULL/""), e.g. the reminders of a cancelled appointment; each audited. Inside the caller's write transaction.
 * Returns how many, or -1. A notification already being sent is not stopped. */
int outbox_cancel_for_record(struct db *db, const char *actor, const char *record_type, int64_t record_id,
			     const char *template_key);

/* ---- the worker's side ---- */

#define OUTBOX_MAX_DELAYS 16

/* How failures are retried. */
struct outbox_policy {
	int max_attempts;                   /* after this many failed attempts a notification is failed */
	int n_delays;                       /* >= 1 */
	int64_t delays[OUTBOX_MAX_DELAYS];  /* seconds to wait after failure k (1-based) is delays[k-1]; the last
					       one repeats */
	int64_t lease_s;                    /* how long a claim holds; must exceed the longest send */
};
/* 6 attempts; 1, 5, 15, 60, 240 minutes apart; a lease of 5 minutes. */
void outbox_policy_default(struct outbox_policy *p /* OUT */);
/* Seconds to wait after the attempts-th failed attempt (attempts >= 1). */
int64_t outbox_backoff(const struct outbox_policy *p, int attempts);

/* A claimed notification, owned by the caller (outbox_item_free). */
struct outbox_item {
	int64_t id;
	enum notify_channel channel;
	int attempts; /* including this one: the claim's fence */
	int64_t lease_until; /* the claim holds until then (unix time); later another worker may take the row */
	int64_t created_at;
	enum lang lang;
	char *recipient, *subject, *body, *attachment_name, *attachment_type, *attachment_body;
};
void outbox_item_free(struct outbox_item *it);

/* Inside the caller's write transaction: claims row id if it is queued and due at now, setting it sending with
 * the lease until lease_until and counting the attempt. Returns 1 if this call claimed it, 0 if it was not (or no
 * longer) claimable, -1 on error. */
int outbox_claim_one(struct db *db, int64_t id, int64_t now, int64_t lease_until);
/* The most rows one outbox_claim_batch claims. */
#define OUTBOX_CLAIM_MAX 64
/* In one committed write transaction: claims up to max (1 to OUTBOX_CLAIM_MAX) queued notifications due at now,
 * the most overdue first (next_attempt_at, then id), each as outbox_claim_one does: sending, its attempt counted,
 * its lease until now + p->lease_s. Rows another worker takes meanwhile are skipped. Fills out[0..n-1] (OUT; the
 * caller frees each with outbox_item_free). Returns n (0 when nothing is due), or -1 on error (nothing claimed,
 * out[] left empty). */
int outbox_claim_batch(struct db *db, const struct outbox_policy *p, int64_t now, int max,
		       struct outbox_item *out /* OUT */);
/* outbox_claim_batch of one: claims the most overdue queued notification, filling *out (OUT). Returns 1, 0 when
 * nothing is due, or -1 on error. */
int outbox_claim_next(struct db *db, const struct outbox_policy *p, int64_t now, struct outbox_item *out);
/* In one committed write transaction: gives back claimed rows that were not sent (none of their send started):
 * each of items[0..n-1] still sending under its attempt is queued again, due at now, with its attempt uncounted.
 * A row whose claim was lost meanwhile is left alone. Returns how many were given back, or -1 on error (the
 * leases then run out as if the worker had died). */
int outbox_release(struct db *db, const struct outbox_item *items, int n, int64_t now);

/* What outbox_mark_failure did. */
enum outbox_failure { OUTBOX_LOST = 0, OUTBOX_REQUEUED = 1, OUTBOX_FAILED = 2 };
/* The outcome of one attempt, for outbox_mark_results. */
struct outbox_result {
	const struct outbox_item *item; /* the claim: id and attempt */
	bool accepted;                  /* the provider accepted it under provider_id; otherwise it failed */
	const char *provider_id;        /* accepted: Message-ID, gateway id, or NULL */
	const char *error;              /* failed: what failed (kept, shortened to 500 bytes, in last_error) */
	bool permanent;                 /* failed: the provider refused it for good (e.g. SMTP 5xx) */
	int rc;                         /* OUT: as outbox_mark_sent (1 or 0) or outbox_mark_failure (enum) returns */
};
/* In one committed write transaction: records the outcomes r[0..n-1] (n >= 1), each exactly as outbox_mark_sent
 * or outbox_mark_failure below would, fenced by its attempt, filling r[i].rc. Returns 0, or -1 on error (nothing
 * recorded; the caller may retry the whole). */
int outbox_mark_results(struct db *db, const struct outbox_policy *p, struct outbox_result *r, int n, int64_t now);
/* In its own committed transaction: the provider accepted attempt it->attempts of it->id, under provider_id
 * (Message-ID, gateway id). Returns 1, 0 if the claim had been lost (the row was re-queued after its lease ran
 * out; logged), or -1 on error (the caller retries: until this commits, a crash means one more send). */
int outbox_mark_sent(struct db *db, const struct outbox_item *it, const char *provider_id, int64_t now);
/* In its own committed transaction: attempt it->attempts failed with error (kept, shortened to 500 bytes, in
 * last_error). permanent (the provider refused it for good, e.g. SMTP 5xx) or attempts used up: failed; else
 * queued again after the backoff. Returns an enum outbox_failure, or -1 on error. */
int outbox_mark_failure(struct db *db, const struct outbox_policy *p, const struct outbox_item *it,
			const char *error, bool permanent, int64_t now);
/* In its own write transaction: rows left sending past their lease (their worker died mid-send) are queued again
 * (failed when their attempts are used up). Returns how many, or -1. */
int outbox_requeue_expired(struct db *db, const struct outbox_policy *p, int64_t now);

/* Wake-ups within this process (thread-safe): outbox_enqueue calls outbox_wakeup; the worker reads
 * outbox_generation before looking for work and, finding none, waits in outbox_wait until the generation moves
 * past seen or timeout_ms pass. A wake-up can come before the enqueuing transaction commits; the worker's poll
 * then finds the row on its next round. */
uint64_t outbox_generation(void);
void outbox_wakeup(void);
void outbox_wait(uint64_t seen, int timeout_ms);

/* ---- message texts ---- */

/* Renders template_key (e.g. "test"; a leading "msg." is allowed) from the catalogue in lang, filling {name}
 * placeholders from args (may be NULL): subject (OUT, appended) from msg.<template>.subject (line breaks become
 * spaces; left empty when the key is absent), body (OUT, appended) from msg.<template>.body and the optional
 * further paragraphs msg.<template>.body.2 ... .body.9, separated by blank lines. Returns 0, or -1 when
 * msg.<template>.body is absent. */
int notify_render(enum lang lang, const char *template_key, const json_t *args, struct buf *subject,
		  struct buf *body);
/* The SMS text of template_key: msg.<template>.sms if present, else the body paragraphs joined by spaces.
 * text (OUT) is appended to. Returns 0, or -1 when the template is absent. */
int notify_render_sms(enum lang lang, const char *template_key, const json_t *args, struct buf *text);

/* Why a send ended, and what the provider said. Filled by the senders (notify/smtp.h, notify/sms.h). */
enum delivery { DELIVERY_ACCEPTED, DELIVERY_RETRY, DELIVERY_REFUSED };
struct delivery_report {
	enum delivery result;
	char provider_id[256]; /* accepted: Message-ID, the gateway's message id, or "" */
	char error[512];       /* otherwise: what failed, for last_error */
};

#endif
