-- 0012_search.sql: full-text search over applications (src/store/app_search.h). The indexed text is
-- applications.search_fold (tr_fold of the applicant's name, subject, description, address, tracking code and
-- category name), so case, accents and the dotted/dotless i are already folded; the index only splits words.
--
-- SQLite: an FTS5 table with external content (applications, rowid = application id), kept in step by the store
-- (app_search_index) in the transaction that writes the row; unicode61 with remove_diacritics 2 as a second fold;
-- prefix indexes for 1, 2 and 3 characters, as every query word is a prefix (without the one for 1 character,
-- "mehmet y" typed into the search box reads every word starting with y: 110 ms over a million applications
-- instead of a few; docs/PERFORMANCE.md). 'rebuild' indexes the rows already there.
-- PostgreSQL: a stored generated tsvector column (to_tsvector('simple', ...) is immutable) with a GIN index.
{{SQLITE}}
CREATE VIRTUAL TABLE applications_fts USING fts5(search_fold, content='applications', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');
INSERT INTO applications_fts (applications_fts) VALUES ('rebuild');
{{/SQLITE}}
{{PG}}
ALTER TABLE applications ADD COLUMN search_tsv tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', search_fold)) STORED;
CREATE INDEX applications_search ON applications USING GIN (search_tsv);
{{/PG}}

-- A directorate's inbox (store/applications.h app_list, inbox): its open routes in due order straight from an
-- index, entered at the keyset cursor; the WHERE is the inbox query's own term, so both engines use the index.
CREATE INDEX application_routes_open ON application_routes (directorate_id, due_at, application_id)
  WHERE state IN ('pending','accepted','planned','info_requested');
-- The overdue list (app_list, overdue): only applications with a running clock, in received order, with what the
-- overdue test reads (so the rows themselves are read only for the page).
CREATE INDEX applications_open ON applications (received_at, id, office_due_at, legal_due_at, office_stopped_at,
  legal_stopped_at) WHERE paused_since IS NULL AND (office_stopped_at IS NULL OR legal_stopped_at IS NULL);
