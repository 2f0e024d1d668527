-- 0004_agenda.sql: the Mayor's programme (ajanda): the weekly working plan, date exceptions, the agenda items
-- (engagements entered by staff and appointments booked by the appointment workflow), iCalendar feed tokens and
-- the per-day lock rows that serialise bookings. Times are minutes from local midnight (plan, exceptions) or
-- unix seconds (items); local time is Europe/Istanbul (UTC+3 all year). Settings used (table settings, absent =
-- default; see src/store/agenda.h): agenda.buffer_min, agenda.duration.institution, agenda.duration.citizen,
-- agenda.citizen_daily_cap, agenda.granularity_min.

-- The weekly working plan: per weekday (0 = Monday .. 6 = Sunday) one or more working periods, and breaks (named
-- periods inside them, e.g. the lunch break) that the slot finder leaves out.
CREATE TABLE agenda_plan (
  id {{ID}},
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
  kind TEXT NOT NULL CHECK (kind IN ('work','break')),
  start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
  end_min INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
  name TEXT NOT NULL DEFAULT '',
  CHECK (start_min < end_min)
);
CREATE INDEX agenda_plan_weekday ON agenda_plan (weekday, start_min);

-- The plan of a Turkish municipality's office: 08:30-17:30 on working days with a lunch break.
INSERT INTO agenda_plan (weekday, kind, start_min, end_min, name) VALUES (0, 'work', 510, 1050, '');
INSERT INTO agenda_plan (weekday, kind, start_min, end_min, name) VALUES (1, 'work', 510, 1050, '');
INSERT INTO agenda_plan (weekday, kind, start_min, end_min, name) VALUES (2, 'work', 510, 1050, '');
INSERT INTO agenda_plan (weekday, kind, start_min, end_min, name) VALUES (3, 'work', 510, 1050, '');
INSERT INTO agenda_plan (weekday, kind, start_min, end_min, name) VALUES (4, 'work', 510, 1050, '');
INSERT INTO agenda_plan (weekday, kind, start_min, end_min, name) VALUES (0, 'break', 720, 810, 'Öğle arası');
INSERT INTO agenda_plan (weekday, kind, start_min, end_min, name) VALUES (1, 'break', 720, 810, 'Öğle arası');
INSERT INTO agenda_plan (weekday, kind, start_min, end_min, name) VALUES (2, 'break', 720, 810, 'Öğle arası');
INSERT INTO agenda_plan (weekday, kind, start_min, end_min, name) VALUES (3, 'break', 720, 810, 'Öğle arası');
INSERT INTO agenda_plan (weekday, kind, start_min, end_min, name) VALUES (4, 'break', 720, 810, 'Öğle arası');

-- A date that departs from the plan: closed, or other working hours (the weekday's breaks still apply). An
-- exception wins over an official holiday of the same date (the Mayor may work on a holiday).
CREATE TABLE agenda_exceptions (
  id {{ID}},
  ymd INTEGER NOT NULL UNIQUE,
  closed INTEGER NOT NULL DEFAULT 0,
  start_min INTEGER NOT NULL DEFAULT 0,
  end_min INTEGER NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '',
  created_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  updated_by TEXT NOT NULL,
  CHECK (closed = 1 OR (start_min >= 0 AND start_min < end_min AND end_min <= 1440))
);

-- Everything on the Mayor's programme. kind 'engagement': council meetings, ceremonies, travel, site visits,
-- meetings entered by staff; kind 'appointment': booked from an appointment request (source_type/source_id name
-- it), category 'institution' or 'citizen'. Cancelled items stay (history, iCalendar STATUS:CANCELLED); every
-- other status occupies its time. sequence counts the changes a calendar client must see (iCalendar SEQUENCE).
CREATE TABLE agenda_items (
  id {{ID}},
  kind TEXT NOT NULL CHECK (kind IN ('engagement','appointment')),
  category TEXT NOT NULL CHECK (category IN ('council','ceremony','travel','site_visit','meeting','other',
                                             'institution','citizen')),
  title TEXT NOT NULL,
  location TEXT NOT NULL DEFAULT '',
  starts_at {{BIGINT}} NOT NULL,
  ends_at {{BIGINT}} NOT NULL,
  is_public INTEGER NOT NULL DEFAULT 0,
  notes TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled','cancelled','held','no_show')),
  source_type TEXT NOT NULL DEFAULT '',
  source_id {{BIGINT}} NOT NULL DEFAULT 0,
  sequence INTEGER NOT NULL DEFAULT 0,
  created_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  updated_by TEXT NOT NULL,
  CHECK (starts_at < ends_at),
  CHECK ((kind = 'appointment') = (category IN ('institution','citizen')))
);
-- The busy-time scan of a day reads this index only (starts_at range, the rest for the filter and the result).
CREATE INDEX agenda_items_time ON agenda_items (starts_at, ends_at, status, kind, category, id);
CREATE INDEX agenda_items_source ON agenda_items (source_type, source_id);

-- Secret iCalendar feed URLs: only the SHA-256 of the token is kept; the URL is shown once. scope 'full' shows
-- every item; 'public' shows private items as busy time without their details.
CREATE TABLE agenda_feeds (
  id {{ID}},
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  scope TEXT NOT NULL CHECK (scope IN ('full','public')),
  lang TEXT NOT NULL DEFAULT 'tr' CHECK (lang IN ('tr','en')),
  created_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at {{BIGINT}},
  revoked_by TEXT,
  last_used_at {{BIGINT}}
);

-- One row per local date that has had a booking. On PostgreSQL a booking locks the rows of the days it touches
-- (SELECT ... FOR UPDATE) before it checks for overlaps, so two bookings of one day run one after the other;
-- SQLite serialises every writer already.
CREATE TABLE agenda_days (
  ymd INTEGER PRIMARY KEY
);
