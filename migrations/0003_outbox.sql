-- 0003_outbox.sql: the notification outbox. A notification (e-mail or SMS) is inserted in the same transaction as
-- the change that causes it, and the worker of src/notify/worker.c sends it (store/outbox.h has the life cycle).
--
-- status: queued (waiting for next_attempt_at), sending (claimed by a worker until next_attempt_at, the lease: a
-- worker that dies mid-send leaves the row to be re-queued when the lease runs out), sent (a provider accepted it;
-- provider_id is the Message-ID or the gateway's id), failed (attempts used up or refused for good; shown to
-- staff), cancelled (by staff, or because the reason for it went away).
-- attempts counts the sends started; it is also the claim's fence: a worker marks only the attempt it claimed.
CREATE TABLE notifications (
  id {{ID}},
  channel TEXT NOT NULL CHECK (channel IN ('email','sms')),
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  attachment_name TEXT NOT NULL DEFAULT '',
  attachment_type TEXT NOT NULL DEFAULT '',
  attachment_body TEXT NOT NULL DEFAULT '',
  record_type TEXT NOT NULL DEFAULT '',
  record_id {{BIGINT}} NOT NULL DEFAULT 0,
  template_key TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL DEFAULT 'tr',
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sending','sent','failed','cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at {{BIGINT}} NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  provider_id TEXT NOT NULL DEFAULT '',
  created_at {{BIGINT}} NOT NULL,
  sent_at {{BIGINT}},
  created_by TEXT NOT NULL
);
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_record ON notifications (record_type, record_id);
