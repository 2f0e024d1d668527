-- 0005_appointments.sql: appointment requests of workflows 1 (institutions) and 2A (citizens). state is a state
-- name of the appointment flow (src/core/appointment_flow.c); its history is the audit trail (record type
-- "appointment", every transition audited with before and after), so no events table is kept here.
CREATE TABLE appointment_requests (
  id {{ID}},
  tracking_code TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('institution','citizen')),
  party_id {{BIGINT}} REFERENCES parties (id),
  requester_name TEXT NOT NULL DEFAULT '',
  contact_person TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  attendees INTEGER NOT NULL DEFAULT 1 CHECK (attendees BETWEEN 1 AND 500),
  subject TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('front_desk','phone','email','letter','web','api','walk_in')),
  preferred TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'requested' CHECK (state IN ('requested','forwarded','accepted','declined',
                                                           'delegated','scheduled','informed','held','no_show',
                                                           'cancelled')),
  priority INTEGER NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 3),
  decline_reason TEXT NOT NULL DEFAULT '',
  deputy TEXT NOT NULL DEFAULT '',
  agenda_item_id {{BIGINT}} REFERENCES agenda_items (id),
  starts_at {{BIGINT}},
  ends_at {{BIGINT}},
  informed_via TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  created_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  updated_by TEXT NOT NULL,
  CHECK (party_id IS NOT NULL OR requester_name <> '')
);
CREATE INDEX appointment_requests_state ON appointment_requests (state, id);
CREATE INDEX appointment_requests_kind ON appointment_requests (kind, id);
CREATE INDEX appointment_requests_created ON appointment_requests (created_at, id);
CREATE INDEX appointment_requests_party ON appointment_requests (party_id);
