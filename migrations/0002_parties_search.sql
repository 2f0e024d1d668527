-- 0002_parties_search.sql: the word and word-pair indexes for searching people and institutions, and their list
-- by neighbourhood.
--
-- party_terms holds each distinct folded word (tr_fold, split on anything that is not a letter or digit) of a
-- party's name and contact person. The party's sort key is repeated here so that the rows of one word come out
-- of the primary key already in Turkish order: a search for a common word reads one page of index entries
-- instead of sorting every match. party_terms_party serves the "does this party also have a word starting
-- with ..." probes of multi-word searches and the delete on update.
CREATE TABLE party_terms (
  term {{TEXTC}} NOT NULL,
  sort_key {{TEXTC}} NOT NULL,
  party_id {{BIGINT}} NOT NULL REFERENCES parties (id),
  PRIMARY KEY (term, sort_key, party_id)
);
CREATE INDEX party_terms_party ON party_terms (party_id, term);

-- party_pairs holds each pair of a party's distinct words as "a b", a sorting (bytewise) before b, with the sort
-- key: the parties having two given common words are one ordered range, however many have each word alone.
CREATE TABLE party_pairs (
  pair {{TEXTC}} NOT NULL,
  sort_key {{TEXTC}} NOT NULL,
  party_id {{BIGINT}} NOT NULL REFERENCES parties (id),
  PRIMARY KEY (pair, sort_key, party_id)
);
CREATE INDEX party_pairs_party ON party_pairs (party_id);

CREATE INDEX parties_neighbourhood_sort ON parties (neighbourhood_id, sort_key, id);
