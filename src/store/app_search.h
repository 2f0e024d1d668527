/* app_search.h: full-text search of applications (internal to src/store): the folded text an application is found
 * by, the index kept in step with it, and what a query's words become on each backend.
 *
 * The text is applications.search_fold: tr_fold of the applicant's name, subject, description, address, tracking
 * code and category name. SQLite indexes it in the FTS5 table applications_fts (external content over
 * applications, rowid = application id, unicode61 remove_diacritics 2, prefix indexes of 2 and 3 characters),
 * which app_search_index keeps in step inside the write transaction that inserts the row; PostgreSQL in the
 * generated column applications.search_tsv = to_tsvector('simple', search_fold) with a GIN index (migration
 * 0012), kept in step by the database in the same statement.
 *
 * A query q is folded the same way and split into words (runs of letters and digits: ICU u_isalnum), each word a
 * prefix term, all ANDed: "mehm yıl" finds "Mehmet Yılmaz". The words are quoted, so nothing a user types is
 * ever read as FTS5 or tsquery syntax (`"`, `*`, `NEAR(`, `OR`, `&`, `!`, `:` are separators or plain words).
 */
#ifndef KALEM_STORE_APP_SEARCH_H
#define KALEM_STORE_APP_SEARCH_H
#include <stdbool.h>
#include <stdint.h>
#include "store/db.h"

#define APP_SEARCH_WORDS 8     /* words of a query used; the rest are ignored */
#define APP_SEARCH_WORD_MAX 64 /* bytes of a word kept (cut at a character boundary) */

/* The folded search text of an application (xmalloc'd; the caller frees it). NULL arguments count as "". */
char *app_search_text(const char *name, const char *subject, const char *description, const char *address,
		      const char *code, const char *category_name);

/* The words of a query: folded, split, at most APP_SEARCH_WORDS distinct ones. */
struct app_search_words {
	int n;
	char word[APP_SEARCH_WORDS][APP_SEARCH_WORD_MAX];
};
#define APP_SEARCH_INDEXED 3 /* the longest prefix (in characters) the SQLite index holds (migration 0012) */

/* Splits q into words (OUT). Returns how many (0 when q has none). */
int app_search_words(const char *q, struct app_search_words *w /* OUT */);

/* The match expression for q on backend kind (xmalloc'd; the caller frees it), or NULL when q has no word:
 *   DB_SQLITE:   "w1"* AND "w2"*        (an FTS5 MATCH expression)
 *   DB_POSTGRES: 'w1':* & 'w2':*        (to_tsquery('simple', ...) text) */
char *app_search_match(enum db_kind kind, const char *q);

/* SQLite: the FTS5 expression of w with each word cut to its first APP_SEARCH_INDEXED characters, "cuk"* AND
 * "yil"*, which the prefix indexes answer from one list each, newest first, without merging the lists of every
 * word that starts with "cukur" (150,000 rows in a million: 100 ms). It finds a superset: the caller keeps the rows
 * whose folded text app_search_text_matches. xmalloc'd; NULL when w has no word. */
char *app_search_match_indexed(const struct app_search_words *w);
/* True if every word of w starts a word of fold (folded text, as app_search_text makes). */
bool app_search_text_matches(const struct app_search_words *w, const char *fold);
/* True if some word of w is longer than APP_SEARCH_INDEXED characters (so app_search_text_matches is needed). */
bool app_search_needs_check(const struct app_search_words *w);

/* Puts application id with its folded text into the SQLite full-text index (nothing on PostgreSQL, where the
 * generated column follows search_fold). Call in the write transaction that inserted the row, after it. Returns 0
 * or -1. */
int app_search_index(struct db *db, int64_t id, const char *fold);

#endif
