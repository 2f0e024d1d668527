-- 0001_platform.sql: staff accounts, sessions, throttling, API keys, the audit chain, settings.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at {{BIGINT}} NOT NULL DEFAULT 0,
  updated_by TEXT
);

CREATE TABLE directorates (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_fold TEXT NOT NULL,
  sort_key {{TEXTC}} NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  manager TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE INDEX directorates_sort ON directorates (sort_key, id);

CREATE TABLE users (
  id {{ID}},
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role IN ('admin','chief','secretariat','mayor','directorate','viewer')),
  directorate_id {{BIGINT}} REFERENCES directorates (id),
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  lang TEXT NOT NULL DEFAULT 'tr',
  password_changed_at {{BIGINT}} NOT NULL DEFAULT 0,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  CHECK ((role = 'directorate') = (directorate_id IS NOT NULL))
);

CREATE TABLE sessions (
  id {{ID}},
  token_hash TEXT NOT NULL UNIQUE,
  user_id {{BIGINT}} NOT NULL REFERENCES users (id),
  created_at {{BIGINT}} NOT NULL,
  last_seen_at {{BIGINT}} NOT NULL,
  expires_at {{BIGINT}} NOT NULL,
  address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
  id {{ID}},
  subject TEXT NOT NULL,
  at {{BIGINT}} NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, at);

CREATE TABLE api_keys (
  id {{ID}},
  name TEXT NOT NULL UNIQUE,
  scope TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  created_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at {{BIGINT}},
  last_used_at {{BIGINT}}
);

CREATE TABLE audit_events (
  id {{BIGINT}} PRIMARY KEY,
  ts {{BIGINT}} NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  record_type TEXT NOT NULL,
  record_id TEXT NOT NULL,
  before_json TEXT,
  after_json TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_record ON audit_events (record_type, record_id, id);
CREATE INDEX audit_actor ON audit_events (actor, id);

CREATE TABLE neighbourhoods (
  id {{ID}},
  name TEXT NOT NULL UNIQUE,
  name_fold TEXT NOT NULL,
  sort_key {{TEXTC}} NOT NULL,
  muhtar_name TEXT NOT NULL DEFAULT '',
  muhtar_phone TEXT NOT NULL DEFAULT '',
  muhtar_email TEXT NOT NULL DEFAULT '',
  population INTEGER NOT NULL DEFAULT 0,
  lat_e6 {{BIGINT}},
  lon_e6 {{BIGINT}},
  active INTEGER NOT NULL DEFAULT 1,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE INDEX neighbourhoods_sort ON neighbourhoods (sort_key, id);

CREATE TABLE parties (
  id {{ID}},
  kind TEXT NOT NULL CHECK (kind IN ('citizen','institution')),
  institution_kind TEXT CHECK (institution_kind IN ('public','private','ngo')),
  name TEXT NOT NULL,
  tckn TEXT,
  phone TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  neighbourhood_id {{BIGINT}} REFERENCES neighbourhoods (id),
  preferred_channel TEXT NOT NULL DEFAULT 'phone' CHECK (preferred_channel IN ('phone','sms','email','letter')),
  contact_person TEXT NOT NULL DEFAULT '',
  kvkk_notice_at {{BIGINT}},
  kvkk_consent_at {{BIGINT}},
  search_text TEXT NOT NULL,
  sort_key {{TEXTC}} NOT NULL,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  CHECK ((kind = 'institution') = (institution_kind IS NOT NULL))
);
CREATE UNIQUE INDEX parties_tckn ON parties (tckn);
CREATE INDEX parties_sort ON parties (sort_key, id);
CREATE INDEX parties_phone ON parties (phone);
CREATE INDEX parties_email ON parties (email);
CREATE INDEX parties_kind_sort ON parties (kind, sort_key, id);

CREATE TABLE record_views (
  id {{ID}},
  at {{BIGINT}} NOT NULL,
  actor TEXT NOT NULL,
  record_type TEXT NOT NULL,
  record_id TEXT NOT NULL
);
CREATE INDEX record_views_record ON record_views (record_type, record_id);

CREATE TABLE holidays (
  id {{ID}},
  ymd INTEGER NOT NULL UNIQUE,
  half_day INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL
);

-- The head of the audit chain: one row, updated by every append, so concurrent writers (two servers on one
-- PostgreSQL database) serialise on its row lock and the chain never forks.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_id {{BIGINT}} NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
