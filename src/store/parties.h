/* parties.h: people and institutions (başvuru sahipleri): the register, its word search and duplicate checks. */
#ifndef KALEM_STORE_PARTIES_H
#define KALEM_STORE_PARTIES_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "store/db.h"

/* A party as JSON (party_get, list items, duplicates):
 *   {id, kind "citizen"|"institution", institution_kind "public"|"private"|"ngo"|"", name,
 *    tckn (full, masked "123******46", or "" when none), phone (E.164 or ""), phone_display ("+90 532 123 45 67"),
 *    email, address, neighbourhood_id (integer or null), neighbourhood (its name or ""), preferred_channel,
 *    contact_person, kvkk_notice_at, kvkk_consent_at (unix seconds or null), created_at, updated_at,
 *    created_by, updated_by}
 * List and duplicate items carry the same members except address, the KVKK dates and the created/updated ones. */

/* Filters of party_list; zero/""/NULL members are not applied. */
struct party_filter {
	const char *q;            /* search text: words of the name or contact person (each a prefix, all must
				   * match, case and accent insensitive), or a phone number, an e-mail or a TCKN
				   * (exact) */
	const char *kind;         /* "citizen" or "institution" */
	int64_t neighbourhood_id;
};

/* Inserts (id 0) or updates a party inside the caller's write transaction; audited with before/after in which
 * the TCKN is masked. values: {kind, institution_kind ("" for a citizen), name, tckn ("" = none; citizens only,
 * must be valid), phone (E.164 or ""), email (stored lowercased), address, neighbourhood_id (integer or null),
 * preferred_channel ("" = "phone"), contact_person, kvkk_consent (bool; absent = unchanged; true and not yet
 * recorded: kvkk_consent_at = now; false: consent withdrawn, cleared), kvkk_notice (bool, optional; true and not
 * yet recorded: kvkk_notice_at = now; the staff form and the API always show the notice and pass true)}.
 * Consent given also records the notice if it was not recorded. Keeps the search words in step.
 * Returns the id, DB_CONSTRAINT when another party has the same TCKN, or -1 (invalid values, unknown id or
 * neighbourhood, database error; logged). */
int64_t party_save(struct db *db, const char *actor, int64_t id, const json_t *values);

/* One party as JSON (see above), or NULL when absent. full=false masks the TCKN. Does not log the view: a
 * caller showing the full record must call record_view_log(db, actor, "party", id). */
json_t *party_get(struct db *db, int64_t id, bool full);

/* Lists parties in Turkish order of their names, filtered, keyset-paginated: after = the "next" cursor of the
 * previous page (NULL or "" = first page), limit 1..500. Returns {"items":[...], "next": cursor or null} with
 * masked TCKNs. A text query uses the word index (see parties.c for how a query is planned); a search whose words
 * are found together on few of the rows it reads stops after a bounded number of them: the page then holds fewer
 * than limit items (maybe none), "next" goes on from where it stopped and "truncated": true is added (the page
 * should suggest a longer query). Only such a page has "next" with fewer than limit items. */
json_t *party_list(struct db *db, const struct party_filter *f, const char *after, int limit);

/* Other parties (id != exclude_id; 0 = none) sharing the TCKN, phone or e-mail given ("" or NULL = not
 * compared; the phone as E.164, the e-mail compared lowercased). Returns a JSON array (at most 20, in Turkish
 * order) of masked list items each with "matched": ["tckn"|"phone"|"email", ...]. Never NULL. */
json_t *party_duplicates(struct db *db, int64_t exclude_id, const char *tckn, const char *phone, const char *email);

#endif
