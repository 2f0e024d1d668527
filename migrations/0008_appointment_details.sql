-- 0008_appointment_details.sql: what happened at a held meeting (who was there, the outcome, follow-ups) and the
-- folded search column of appointment requests.
--
-- search_text is tr_fold of the requester's name, the contact person, the subject and the tracking code, written
-- by src/store/appointments.c with the row, so a LIKE on it is case- and accent-insensitive in Turkish (as
-- parties.search_text). Rows written before this migration hold '' until appt_search_backfill fills them.
ALTER TABLE appointment_requests ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE appointment_requests ADD COLUMN participants TEXT NOT NULL DEFAULT '';
ALTER TABLE appointment_requests ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
CREATE INDEX appointment_requests_starts ON appointment_requests (starts_at, id);

-- The follow-ups agreed at the meeting, in the order they were written down; replaced as a whole on each edit
-- (the audit trail keeps every version).
CREATE TABLE appointment_followups (
  id {{ID}},
  request_id {{BIGINT}} NOT NULL REFERENCES appointment_requests (id),
  position INTEGER NOT NULL,
  text TEXT NOT NULL,
  owner TEXT NOT NULL DEFAULT '',
  due TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appointment_followups_request ON appointment_followups (request_id, position);
