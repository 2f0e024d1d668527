-- 0007_walk_ins.sql: walk-ins of workflow 2B: citizens and delegations who arrive at the Mayor's office without an
-- appointment, queued at the front desk. state is a state name of the walk-in flow (src/core/walkin.c); its history
-- is the audit trail (record type "walk_in"). A walk-in turned into an appointment request links to it.
CREATE TABLE walk_ins (
  id {{ID}},
  party_id {{BIGINT}} REFERENCES parties (id),
  name TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL DEFAULT 'citizen' CHECK (kind IN ('citizen','institution')),
  institution TEXT NOT NULL DEFAULT '',
  attendees INTEGER NOT NULL DEFAULT 1 CHECK (attendees BETWEEN 1 AND 500),
  subject TEXT NOT NULL,
  duration_min INTEGER NOT NULL CHECK (duration_min BETWEEN 1 AND 600),
  state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting','called_in','met','left','converted')),
  arrived_at {{BIGINT}} NOT NULL,
  called_at {{BIGINT}},
  ended_at {{BIGINT}},
  appointment_id {{BIGINT}} REFERENCES appointment_requests (id),
  notes TEXT NOT NULL DEFAULT '',
  created_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  updated_by TEXT NOT NULL,
  CHECK (name <> ''),
  CHECK (state <> 'converted' OR appointment_id IS NOT NULL)
);
-- Today's list (a day's arrivals in order) and today's queue (the waiting and those with the Mayor).
CREATE INDEX walk_ins_arrived ON walk_ins (arrived_at, id);
CREATE INDEX walk_ins_state ON walk_ins (state, arrived_at, id);
CREATE INDEX walk_ins_party ON walk_ins (party_id);
CREATE INDEX walk_ins_appointment ON walk_ins (appointment_id);
