-- 0011_applications.sql: applications of workflow 3 (complaints, requests, suggestions, information requests),
-- each directorate's share of one (a route), contacts with the applicant, and the clocks' events and pauses. state
-- is a state name of src/core/application_flow.c; the history of the changes is the audit trail (record types
-- "application" and "application_route"), the history of the clocks is clock_events.
--
-- The clock columns are kept by src/store/application_clocks.c whenever something that moves them changes: the
-- due and warning instants after the closed pauses (so the overdue filter of the lists is SQL), the instants the
-- clocks stopped, the open pause (paused_since), and *_next_at: the next instant the sweep has something to record
-- for that clock (the warning, then the overdue), NULL once both are recorded, the clock stopped or paused.
CREATE TABLE applications (
  id {{ID}},
  tracking_code TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('complaint','request','suggestion','information')),
  channel TEXT NOT NULL CHECK (channel IN ('in_person','phone','letter','email','web','bizim_meram','cimer',
                                           'open311','api')),
  external_id TEXT NOT NULL DEFAULT '',
  idempotency_key TEXT NOT NULL DEFAULT '',
  party_id {{BIGINT}} REFERENCES parties (id),
  applicant_name TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  preferred_channel TEXT NOT NULL DEFAULT 'none' CHECK (preferred_channel IN ('sms','email','phone','none')),
  category_id {{BIGINT}} NOT NULL REFERENCES app_categories (id),
  subject TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  neighbourhood_id {{BIGINT}} REFERENCES neighbourhoods (id),
  address TEXT NOT NULL DEFAULT '',
  lat_e6 {{BIGINT}},
  lon_e6 {{BIGINT}},
  attributes TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL DEFAULT 'received' CHECK (state IN ('received','rejected','forwarded','routed','waiting',
                                                          'answered','feedback_given','archived')),
  legal_reason TEXT NOT NULL DEFAULT '',
  assessment_note TEXT NOT NULL DEFAULT '',
  authority TEXT NOT NULL DEFAULT '',
  answer TEXT NOT NULL DEFAULT '',
  answered_at {{BIGINT}},
  feedback_via TEXT NOT NULL DEFAULT '',
  feedback_at {{BIGINT}},
  archived_number TEXT NOT NULL DEFAULT '',
  search_fold TEXT NOT NULL DEFAULT '',
  received_at {{BIGINT}} NOT NULL,
  office_due_at {{BIGINT}} NOT NULL,
  office_warn_at {{BIGINT}} NOT NULL,
  legal_due_at {{BIGINT}},
  legal_warn_at {{BIGINT}},
  office_stopped_at {{BIGINT}},
  legal_stopped_at {{BIGINT}},
  paused_since {{BIGINT}},
  pauses INTEGER NOT NULL DEFAULT 0,
  office_warned INTEGER NOT NULL DEFAULT 0,
  office_overdue INTEGER NOT NULL DEFAULT 0,
  legal_warned INTEGER NOT NULL DEFAULT 0,
  legal_overdue INTEGER NOT NULL DEFAULT 0,
  office_next_at {{BIGINT}},
  legal_next_at {{BIGINT}},
  escalated_at {{BIGINT}},
  created_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  updated_by TEXT NOT NULL,
  CHECK (party_id IS NOT NULL OR applicant_name <> '')
);
CREATE UNIQUE INDEX applications_external ON applications (channel, external_id) WHERE external_id <> '';
CREATE UNIQUE INDEX applications_idempotency ON applications (idempotency_key) WHERE idempotency_key <> '';
CREATE INDEX applications_received ON applications (received_at, id);
CREATE INDEX applications_state ON applications (state, received_at, id);
CREATE INDEX applications_category ON applications (category_id, received_at, id);
CREATE INDEX applications_neighbourhood ON applications (neighbourhood_id, received_at, id);
CREATE INDEX applications_party ON applications (party_id);
-- The sweep: what has a clock event due.
CREATE INDEX applications_office_next ON applications (office_next_at) WHERE office_next_at IS NOT NULL;
CREATE INDEX applications_legal_next ON applications (legal_next_at) WHERE legal_next_at IS NOT NULL;

CREATE TABLE application_routes (
  id {{ID}},
  application_id {{BIGINT}} NOT NULL REFERENCES applications (id),
  directorate_id {{BIGINT}} NOT NULL REFERENCES directorates (id),
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','accepted','planned','info_requested',
                                                         'answered','returned','withdrawn')),
  due_at {{BIGINT}} NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  work_date TEXT NOT NULL DEFAULT '',
  answer TEXT NOT NULL DEFAULT '',
  answered_at {{BIGINT}},
  answered_by TEXT NOT NULL DEFAULT '',
  return_reason TEXT NOT NULL DEFAULT '',
  created_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE INDEX application_routes_application ON application_routes (application_id, id);
-- A directorate's inbox: its open routes by due date; and the isolation probe (EXISTS ... directorate_id = ?).
CREATE INDEX application_routes_inbox ON application_routes (directorate_id, state, due_at, application_id);
CREATE INDEX application_routes_scope ON application_routes (application_id, directorate_id, state);

CREATE TABLE application_contacts (
  id {{ID}},
  application_id {{BIGINT}} NOT NULL REFERENCES applications (id),
  kind TEXT NOT NULL CHECK (kind IN ('interim','final','info_request','call')),
  via TEXT NOT NULL CHECK (via IN ('phone','sms','email','letter')),
  at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  spoke_with TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  notification_id {{BIGINT}} REFERENCES notifications (id)
);
CREATE INDEX application_contacts_application ON application_contacts (application_id, at, id);

CREATE TABLE clock_events (
  id {{ID}},
  application_id {{BIGINT}} NOT NULL REFERENCES applications (id),
  clock TEXT NOT NULL CHECK (clock IN ('office','legal')),
  event TEXT NOT NULL CHECK (event IN ('start','pause','resume','warning','overdue','escalated','stop')),
  at {{BIGINT}} NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL
);
CREATE INDEX clock_events_application ON clock_events (application_id, id);

CREATE TABLE clock_pauses (
  id {{ID}},
  application_id {{BIGINT}} NOT NULL REFERENCES applications (id),
  from_at {{BIGINT}} NOT NULL,
  to_at {{BIGINT}},
  CHECK (to_at IS NULL OR to_at >= from_at)
);
CREATE INDEX clock_pauses_application ON clock_pauses (application_id, from_at);
