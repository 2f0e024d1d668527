-- 0009_files_archive.sql: uploaded files and their links to records (store/files.h), the Standart Dosya Planı and
-- the archived documents with their gap-free official numbers (store/archive.h).
--
-- files: one row per upload; the bytes live on disk at <var>/files/<sha256[0:2]>/<sha256>, so two uploads of the
-- same bytes are two rows (each keeps its own name) over one file. mime is what libmagic found in the bytes.
CREATE TABLE files (
  id {{ID}},
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  mime TEXT NOT NULL,
  size {{BIGINT}} NOT NULL CHECK (size > 0),
  name TEXT NOT NULL,
  created_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX files_sha256 ON files (sha256);

CREATE TABLE record_files (
  id {{ID}},
  file_id {{BIGINT}} NOT NULL REFERENCES files (id),
  record_type TEXT NOT NULL,
  record_id {{BIGINT}} NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('petition','answer','attachment','receipt')),
  created_at {{BIGINT}} NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX record_files_record ON record_files (record_type, record_id);
CREATE INDEX record_files_file ON record_files (file_id);

-- The file plan, seeded from data/file_plan.csv into an empty table (store/archive.h file_plan_seed).
CREATE TABLE file_plan (
  code TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  retention_years INTEGER NOT NULL CHECK (retention_years >= 0),
  disposal TEXT NOT NULL
);

-- number is E-<DETSİS>-<code>-<sequence>; sequence comes from the doc_sequences row "docno.<year>" in the same
-- transaction. Numbering restarts every year, so a number is unique within its year (the same text may come back
-- in a later year, as on paper, where the date tells them apart): hence UNIQUE (year, number), not UNIQUE (number).
CREATE TABLE documents (
  id {{ID}},
  number TEXT NOT NULL,
  year INTEGER NOT NULL,
  sequence {{BIGINT}} NOT NULL,
  file_plan_code TEXT NOT NULL REFERENCES file_plan (code),
  title TEXT NOT NULL,
  record_type TEXT NOT NULL,
  record_id {{BIGINT}} NOT NULL,
  file_id {{BIGINT}} REFERENCES files (id),
  archived_at {{BIGINT}} NOT NULL,
  archived_by TEXT NOT NULL,
  retention_until {{BIGINT}} NOT NULL,
  UNIQUE (year, number),
  UNIQUE (year, sequence)
);
CREATE INDEX documents_record ON documents (record_type, record_id);
CREATE INDEX documents_number ON documents (number);

-- Named counters ("docno.2026"): incremented by UPDATE inside the writer's transaction, so gap-free.
CREATE TABLE doc_sequences (
  name TEXT PRIMARY KEY,
  value {{BIGINT}} NOT NULL
);
