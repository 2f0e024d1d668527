-- 0010_app_reference.sql: the reference data of workflow 3: categories of applications (Open311 services) with their
-- default directorate, clocks, file-plan code and extra questions (attributes, JSON text); the legal reasons an
-- application is turned down or forwarded for; the response templates staff answer from.
CREATE TABLE app_categories (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name_tr TEXT NOT NULL,
  name_en TEXT NOT NULL,
  description_tr TEXT NOT NULL DEFAULT '',
  description_en TEXT NOT NULL DEFAULT '',
  group_tr TEXT NOT NULL DEFAULT '',
  group_en TEXT NOT NULL DEFAULT '',
  keywords TEXT NOT NULL DEFAULT '',
  search_fold TEXT NOT NULL DEFAULT '',
  group_sort_key {{TEXTC}} NOT NULL,
  sort_key {{TEXTC}} NOT NULL,
  directorate_id {{BIGINT}} REFERENCES directorates (id),
  office_warn_days INTEGER NOT NULL DEFAULT 2,
  office_due_days INTEGER NOT NULL DEFAULT 7,
  legal_clock TEXT NOT NULL DEFAULT 'petition_3071'
    CHECK (legal_clock IN ('none','petition_3071','info_4982','info_4982_extended')),
  legal_warn_percent INTEGER NOT NULL DEFAULT 75,
  file_plan_code TEXT NOT NULL DEFAULT '',
  attributes TEXT NOT NULL DEFAULT '[]',
  active INTEGER NOT NULL DEFAULT 1,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  CHECK (office_due_days BETWEEN 1 AND 365),
  CHECK (office_warn_days BETWEEN 0 AND office_due_days),
  CHECK (legal_warn_percent BETWEEN 1 AND 99)
);
CREATE INDEX app_categories_sort ON app_categories (group_sort_key, sort_key, id);

CREATE TABLE legal_reasons (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  article TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('reject','forward')),
  label_tr TEXT NOT NULL,
  label_en TEXT NOT NULL,
  sort_key {{TEXTC}} NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

CREATE TABLE response_templates (
  id {{ID}},
  category_id {{BIGINT}} REFERENCES app_categories (id),
  purpose TEXT NOT NULL CHECK (purpose IN ('rejected','forwarded','routed','info_needed','interim','answer',
                                           'feedback')),
  title TEXT NOT NULL,
  body_tr TEXT NOT NULL,
  body_en TEXT NOT NULL DEFAULT '',
  sort_key {{TEXTC}} NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE INDEX response_templates_purpose ON response_templates (purpose, category_id, sort_key, id);
