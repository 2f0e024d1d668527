/* parties.c: SQL for people and institutions: save with its search words, get, list and search, duplicates.
 *
 * Search. Each party's name and contact person are folded (tr_fold: "Işık" -> "isik") and split into words,
 * stored in party_terms (term, sort_key, party_id). A query's words match stored words by prefix: the byte range
 * [w, w + U+10FFFF), which holds every UTF-8 string starting with w because terms and keys compare bytewise
 * ({{TEXTC}}). Every word must match (AND). Results come in Turkish order (sort_key, id), keyset-paginated.
 * At most QUERY_WORDS words of a query are used, more are ignored; at most TERMS_MAX words of a party (of its
 * name, then of its contact person) are indexed.
 *
 * Pairs. Two common words can have few parties in common ("Sinan" and "Nalbant" each on thousands of
 * parties, together on four): reading either word's rows and testing the other would read thousands of rows
 * for four results. So each pair of distinct words of a party is stored too, in party_pairs as "a b" with a
 * sorting before b; the parties having both words are then one ordered range.
 *
 * A query is planned so that a page costs about the same on 1,000,000 parties as on 1,000:
 *   - few matches (the rarest word matches fewer than RARE_LIMIT term rows): read them all from the term
 *     index, check the other words, sort, take a page (plan "rare");
 *   - two or more words, each common: the pairs index gives one ordered list per distinct stored pair that
 *     matches two of the words (e.g. "mehmet yilmaz"; for "meh yil": "mehmet yildiz", "mehmet yilmaz"); if
 *     there are at most PAIR_LISTS_MAX, merge them (plan "merge": read each list from where the page starts,
 *     in rounds, only as far as the page needs), testing any other words on the way;
 *   - a word covers few distinct terms (at most TERM_LISTS_MAX, e.g. "yilmaz", "yilmaz" + "yilmazer"; beside
 *     other words TERM_LISTS_MANY, e.g. "m" of "m y"): each term's rows come out of the primary key already in
 *     order, so merge them the same way (of several such words, the one with fewest rows is read);
 *   - otherwise every word is a short, common prefix ("a", "me"): walk the parties in order and keep those
 *     that have all the words (plan "scan").
 * Bounds. Where other words are tested on the rows read (plans "merge" and "scan"), they may be rare among them
 * ("m y", "a b c", "k o z": few parties have all the words), and filling a page could read the whole register.
 * So a page makes at most PROBES_MAX word tests (PROBES_MAX / n rows tested for n words to test); a page not full
 * by then ends where every list has been read to: it holds the matches up to there (in order, maybe none), its
 * "next" cursor goes on from there and "truncated" is set, so the page can ask for a longer query. Paging on
 * still finds every match once. Plan "rare" reads fewer than RARE_LIMIT rows, and a merge that tests no other
 * word stops after a page of matches.
 * A query that looks like an e-mail, a phone number or a TCKN is matched exactly on those columns instead.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include "core/phone.h"
#include "core/tckn.h"
#include "store/audit.h"
#include "store/listing.h"
#include "store/parties.h"
#include "util/buf.h"
#include "util/json_str.h"
#include "util/log.h"
#include "util/turkish.h"
#include "util/xalloc.h"

#define QUERY_WORDS 4   /* words of a query that are matched */
#define WORD_MAX 64     /* bytes of a stored or queried word; longer words are cut (at a character boundary) */
#define TERMS_MAX 16    /* distinct words indexed for one party: of the name first, then of the contact person */
#define PAIR_MAX (2 * WORD_MAX) /* bytes of a stored pair "a b" and its NUL */
#define RARE_LIMIT 1000 /* below this many term rows, a word's matches are sorted rather than merged */
#define TERM_LISTS_MAX 16  /* most terms of one word merged; a word with more is a short, common prefix */
#define TERM_LISTS_MANY 64 /* the same beside other words: they are rare in the parties' order (plan "scan") */
#define PAIR_LISTS_MAX 128 /* most pairs merged */
#define PAIR_SEEKS_MAX 128 /* first words of pairs looked at before giving the pair index up */
#define DRIVER_COUNT_LIMIT 2000 /* rows counted to choose between common words (a fraction of a ms) */
/* Word tests (index probes, ~2 us each on 1,000,000 parties) one page of plan "scan" or "merge" makes at most: a
 * page not full by then is cut short (see "Bounds" above). */
#define PROBES_MAX 1000
#define DUPLICATES_MAX 20
/* The greatest code point, U+10FFFF, in UTF-8: w followed by it is above every term that starts with w. */
#define PREFIX_END "\xf4\x8f\xbf\xbf"

#define FROM " FROM parties p LEFT JOIN neighbourhoods n ON n.id = p.neighbourhood_id "
#define COLS                                                                                                     \
	"p.id, p.sort_key, p.kind, p.institution_kind, p.name, p.tckn, p.phone, p.email, p.neighbourhood_id, "  \
	"n.name, p.preferred_channel, p.contact_person"
#define N_COLS 12
#define COLS_FULL COLS ", p.address, p.kvkk_notice_at, p.kvkk_consent_at, p.created_at, p.updated_at, " \
		       "p.created_by, p.updated_by"
/* One optional query word for the party whose id is in column col: (word, word, word + PREFIX_END); word ""
 * turns the test off. Plans driven by party_terms t test t.party_id, so SQLite checks the words before it reads
 * the party's row. The OFFSET 0 keeps PostgreSQL from turning the test into a hash of every party having the
 * word (hundreds of thousands for "a") built before the first row: each row is probed through the index. */
#define WORD_TEST(col)                                                                                           \
	"(? = '' OR EXISTS (SELECT 1 FROM party_terms u WHERE u.party_id = " col                                 \
	" AND u.term >= ? AND u.term < ? LIMIT 1 OFFSET 0))"
#define OTHER_WORDS(col) " AND " WORD_TEST(col) " AND " WORD_TEST(col) " AND " WORD_TEST(col)
/* (kind, kind, neighbourhood_id, neighbourhood_id); "" and 0 turn them off. */
#define FILTERS " AND (? = '' OR p.kind = ?) AND (? = 0 OR p.neighbourhood_id = ?)"
#define KEYSET "(p.sort_key, p.id) > (?, ?)"
#define ORDER " ORDER BY p.sort_key, p.id LIMIT ?"

static const char SQL_GET[] = "SELECT " COLS_FULL FROM "WHERE p.id = ?";
static const char SQL_LIST_ALL[] = "SELECT " COLS FROM "WHERE " KEYSET ORDER;
static const char SQL_LIST_KIND[] = "SELECT " COLS FROM "WHERE p.kind = ? AND " KEYSET ORDER;
static const char SQL_LIST_NEIGHBOURHOOD[] =
	"SELECT " COLS FROM "WHERE p.neighbourhood_id = ? AND (? = '' OR p.kind = ?) AND " KEYSET ORDER;
/* Exact matches; an unused column is bound NULL, which equals nothing. */
static const char SQL_LIST_EXACT[] =
	"SELECT " COLS FROM "WHERE (p.phone = ? OR p.email = ? OR p.tckn = ?)" FILTERS " AND " KEYSET ORDER;
/* Plan "rare": the first word's term rows drive (CROSS JOIN keeps SQLite from starting at the parties). */
static const char SQL_SEARCH_RARE[] =
	"SELECT DISTINCT " COLS " FROM party_terms t CROSS JOIN parties p "
	"LEFT JOIN neighbourhoods n ON n.id = p.neighbourhood_id "
	"WHERE t.term >= ? AND t.term < ?" OTHER_WORDS("t.party_id") " AND p.id = t.party_id" FILTERS
	" AND " KEYSET ORDER;
/* Plan "merge", one term: its rows in (sort_key, party_id) order straight from the primary key. */
static const char SQL_SEARCH_TERM[] =
	"SELECT " COLS " FROM party_terms t CROSS JOIN parties p LEFT JOIN neighbourhoods n ON n.id = p.neighbourhood_id "
	"WHERE t.term = ? AND (t.sort_key, t.party_id) > (?, ?) AND (t.sort_key, t.party_id) <= (?, ?)"
	OTHER_WORDS("t.party_id") " AND p.id = t.party_id"
	FILTERS " ORDER BY t.sort_key, t.party_id LIMIT ?";
/* Plan "merge", one pair of words: as above, from the pair index. */
static const char SQL_SEARCH_PAIR[] =
	"SELECT " COLS " FROM party_pairs t CROSS JOIN parties p LEFT JOIN neighbourhoods n ON n.id = p.neighbourhood_id "
	"WHERE t.pair = ? AND (t.sort_key, t.party_id) > (?, ?) AND (t.sort_key, t.party_id) <= (?, ?)"
	OTHER_WORDS("t.party_id") " AND p.id = t.party_id"
	FILTERS " ORDER BY t.sort_key, t.party_id LIMIT ?";
/* Plan "scan": the parties in order up to a bound (so many after the cursor), each tested for every word; the
 * bound. Sort keys are lowercase hex, so ("g", 0) is above every party. */
static const char SQL_SEARCH_SCAN[] =
	"SELECT " COLS FROM "WHERE " KEYSET " AND (p.sort_key, p.id) <= (?, ?) AND " WORD_TEST("p.id")
	OTHER_WORDS("p.id") FILTERS ORDER;
static const char SQL_SCAN_BOUND[] =
	"SELECT id, sort_key FROM parties WHERE (sort_key, id) > (?, ?) ORDER BY sort_key, id LIMIT 1 OFFSET ?";
/* The bounds of plan "merge": the row of one list so many rows after a cursor. */
static const char SQL_TERM_BOUND[] = "SELECT party_id, sort_key FROM party_terms WHERE term = ? AND "
				     "(sort_key, party_id) > (?, ?) ORDER BY sort_key, party_id LIMIT 1 OFFSET ?";
static const char SQL_PAIR_BOUND[] = "SELECT party_id, sort_key FROM party_pairs WHERE pair = ? AND "
				     "(sort_key, party_id) > (?, ?) ORDER BY sort_key, party_id LIMIT 1 OFFSET ?";
#define SCAN_UNBOUNDED "g"
static const char SQL_COUNT_RANGE[] =
	"SELECT COUNT(*) FROM (SELECT 1 FROM party_terms WHERE term >= ? AND term < ? LIMIT ?) x";
static const char SQL_NEXT_TERM[] = "SELECT term FROM party_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT 1";
static const char SQL_NEXT_PAIR[] = "SELECT pair FROM party_pairs WHERE pair >= ? AND pair < ? ORDER BY pair LIMIT 1";

static const char SQL_DUPLICATES[] =
	"SELECT " COLS ", CASE WHEN p.tckn = ? THEN 1 ELSE 0 END, CASE WHEN p.phone = ? THEN 1 ELSE 0 END, "
	"CASE WHEN p.email = ? THEN 1 ELSE 0 END" FROM "WHERE p.id <> ? AND (p.tckn = ? OR p.phone = ? OR p.email = ?) "
	"ORDER BY p.sort_key, p.id LIMIT ?";
static const char SQL_TCKN_TAKEN[] = "SELECT COUNT(*) FROM parties WHERE tckn = ? AND id <> ?";
static const char SQL_NEIGHBOURHOOD_EXISTS[] = "SELECT COUNT(*) FROM neighbourhoods WHERE id = ?";
static const char SQL_INSERT[] =
	"INSERT INTO parties (kind, institution_kind, name, tckn, phone, email, address, neighbourhood_id, "
	"preferred_channel, contact_person, kvkk_notice_at, kvkk_consent_at, search_text, sort_key, updated_at, "
	"updated_by, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
static const char SQL_UPDATE[] =
	"UPDATE parties SET kind = ?, institution_kind = ?, name = ?, tckn = ?, phone = ?, email = ?, address = ?, "
	"neighbourhood_id = ?, preferred_channel = ?, contact_person = ?, kvkk_notice_at = ?, kvkk_consent_at = ?, "
	"search_text = ?, sort_key = ?, updated_at = ?, updated_by = ? WHERE id = ?";
static const char SQL_TERMS_DELETE[] = "DELETE FROM party_terms WHERE party_id = ?";
static const char SQL_TERM_INSERT[] = "INSERT INTO party_terms (term, sort_key, party_id) VALUES (?, ?, ?)";
static const char SQL_PAIRS_DELETE[] = "DELETE FROM party_pairs WHERE party_id = ?";
static const char SQL_PAIR_INSERT[] = "INSERT INTO party_pairs (pair, sort_key, party_id) VALUES (?, ?, ?)";

/* ---- rows ---- */

static json_t *int_or_null(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? json_null() : json_integer(db_col_int(st, col));
}

/* The members shared by list items and full records; the TCKN masked unless full. */
static json_t *row_common(struct db_stmt *st, bool full)
{
	const char *tckn = db_col_text(st, 5);
	char masked[12] = "";
	if (*tckn && !full)
		tckn_mask(tckn, masked);
	char display[24];
	phone_format(db_col_text(st, 6), display);
	/* Built member by member: json_pack parses its format on every row, which showed as a third of the
	 * server's time on list pages (docs/PERFORMANCE.md). */
	json_t *o = json_object();
	json_object_set_new_nocheck(o, "id", json_integer(db_col_int(st, 0)));
	json_object_set_new_nocheck(o, "kind", json_string(db_col_text(st, 2)));
	json_object_set_new_nocheck(o, "institution_kind", json_string(db_col_text(st, 3)));
	json_object_set_new_nocheck(o, "name", json_string(db_col_text(st, 4)));
	json_object_set_new_nocheck(o, "tckn", json_string(full ? tckn : masked));
	json_object_set_new_nocheck(o, "phone", json_string(db_col_text(st, 6)));
	json_object_set_new_nocheck(o, "phone_display", json_string(display));
	json_object_set_new_nocheck(o, "email", json_string(db_col_text(st, 7)));
	json_object_set_new_nocheck(o, "neighbourhood_id", int_or_null(st, 8));
	json_object_set_new_nocheck(o, "neighbourhood", json_string(db_col_text(st, 9)));
	json_object_set_new_nocheck(o, "preferred_channel", json_string(db_col_text(st, 10)));
	json_object_set_new_nocheck(o, "contact_person", json_string(db_col_text(st, 11)));
	return o;
}

static json_t *row_item(struct db_stmt *st)
{
	return row_common(st, false);
}

/* ---- words ---- */

/* Appends to words (at most max, each < WORD_MAX bytes, distinct) the words of folded text: runs of letters
 * and digits (ICU's u_isalnum), so punctuation, spaces and symbols separate words. Returns the new count. */
static int split_words(const char *folded, char (*words)[WORD_MAX], int n, int max)
{
	int32_t i = 0, len = (int32_t)strlen(folded);
	while (i < len && n < max) {
		UChar32 c;
		int32_t start = i;
		U8_NEXT(folded, i, len, c);
		if (c < 0 || !u_isalnum(c))
			continue;
		int32_t end = i, keep = i; /* keep: end of the last whole character that fits */
		while (end < len) {
			int32_t at = end;
			U8_NEXT(folded, end, len, c);
			if (c < 0 || !u_isalnum(c)) {
				end = at;
				break;
			}
			if (end - start < WORD_MAX)
				keep = end;
		}
		if (keep - start >= WORD_MAX)
			keep = start; /* a single character longer than WORD_MAX cannot happen; be safe */
		i = end;
		if (keep == start)
			continue;
		char w[WORD_MAX];
		memcpy(w, folded + start, (size_t)(keep - start));
		w[keep - start] = '\0';
		bool seen = false;
		for (int k = 0; k < n && !seen; k++)
			seen = strcmp(words[k], w) == 0;
		if (!seen)
			memcpy(words[n++], w, sizeof w);
	}
	return n;
}

static int words_of(const char *text, char (*words)[WORD_MAX], int n, int max)
{
	char *folded = tr_fold(text);
	n = split_words(folded, words, n, max);
	free(folded);
	return n;
}

/* ---- listing ---- */

struct search_word {
	char word[WORD_MAX];
	char end[WORD_MAX + sizeof PREFIX_END]; /* word + PREFIX_END */
};

/* Ordered row lists to merge: terms of party_terms or pairs of party_pairs, each an exact key whose rows come out
 * of the primary key in (sort_key, party_id) order. */
struct merge_lists {
	const char *sql;    /* SQL_SEARCH_TERM or SQL_SEARCH_PAIR */
	const char *bound_sql; /* SQL_TERM_BOUND or SQL_PAIR_BOUND */
	unsigned matched;   /* bit k: query word k is matched by every list, so it is not tested again */
	int n, max;
	char keys[PAIR_LISTS_MAX][PAIR_MAX];
};

/* Binds the words not in matched (up to QUERY_WORDS - 1 of them; missing ones as "") as WORD_TEST triples. */
static int bind_other_words(struct db_stmt *st, int i, const struct search_word *ws, int n, unsigned matched)
{
	int bound = 0;
	for (int k = 0; k < n && bound < QUERY_WORDS - 1; k++) {
		if (matched & (1u << k))
			continue;
		db_bind_text(st, i++, ws[k].word);
		db_bind_text(st, i++, ws[k].word);
		db_bind_text(st, i++, ws[k].end);
		bound++;
	}
	for (; bound < QUERY_WORDS - 1; bound++) {
		db_bind_text(st, i++, "");
		db_bind_text(st, i++, "");
		db_bind_text(st, i++, "");
	}
	return i;
}

static int bind_filters(struct db_stmt *st, int i, const struct party_filter *f)
{
	const char *kind = f->kind ? f->kind : "";
	db_bind_text(st, i++, kind);
	db_bind_text(st, i++, kind);
	db_bind_int(st, i++, f->neighbourhood_id);
	db_bind_int(st, i++, f->neighbourhood_id);
	return i;
}

static int bind_keyset(struct db_stmt *st, int i, const struct list_cursor *cur)
{
	db_bind_text(st, i++, cur->sort_key);
	db_bind_int(st, i++, cur->id);
	return i;
}

/* How many term rows match the word's prefix, counting no further than cap. */
static int64_t count_range(struct db *db, const struct search_word *w, int64_t cap)
{
	struct db_stmt *st = db_prep(db, SQL_COUNT_RANGE);
	if (!st)
		return -1;
	db_bind_text(st, 1, w->word);
	db_bind_text(st, 2, w->end);
	db_bind_int(st, 3, cap);
	int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
	db_reset(st);
	return n;
}

/* One index seek: the smallest key of sql's table in [from, to) into out (OUT). 1 found, 0 none, -1 error. */
static int next_key(struct db *db, const char *sql, const char *from, const char *to, char out[PAIR_MAX])
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return -1;
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	enum db_rc rc = db_step(st);
	if (rc == DB_ROW) {
		size_t len = strnlen(db_col_text(st, 0), PAIR_MAX - 1); /* stored keys are shorter */
		memcpy(out, db_col_text(st, 0), len);
		out[len] = '\0';
		db_reset(st);
		return 1;
	}
	return rc == DB_OK ? 0 : -1;
}

/* Sets s (PAIR_MAX + 2 bytes) to a + b + c, cut to fit. */
static void join3(char *s, const char *a, const char *b, const char *c)
{
	const char *parts[3] = {a, b, c};
	size_t n = 0;
	for (int k = 0; k < 3; k++)
		for (const char *p = parts[k]; *p && n < PAIR_MAX + 1; p++)
			s[n++] = *p;
	s[n] = '\0';
}

/* Adds to ml the distinct keys of ml->sql's table in [lo, hi), one seek each. Returns 0, or 1 when there are
 * more than ml->max lists, or -1. */
static int add_lists(struct db *db, struct merge_lists *ml, const char *lo, const char *hi)
{
	char from[PAIR_MAX + 2], key[PAIR_MAX];
	join3(from, lo, "", "");
	for (;;) {
		int found = next_key(db, ml->sql == SQL_SEARCH_TERM ? SQL_NEXT_TERM : SQL_NEXT_PAIR, from, hi, key);
		if (found <= 0)
			return found;
		if (ml->n == ml->max)
			return 1;
		memcpy(ml->keys[ml->n++], key, sizeof key);
		/* the next distinct key is at least this one followed by the smallest byte */
		join3(from, key, "\x01", "");
	}
}

/* The lists of the stored terms starting with word k, at most max. Returns 0, 1 when there are too many, or -1. */
static int term_lists(struct db *db, const struct search_word *ws, int k, int max, struct merge_lists *ml)
{
	ml->sql = SQL_SEARCH_TERM;
	ml->bound_sql = SQL_TERM_BOUND;
	ml->matched = 1u << k;
	ml->n = 0;
	ml->max = max;
	return add_lists(db, ml, ws[k].word, ws[k].end);
}

/* The lists of the stored pairs "a b" with a starting with word j and b with word k (j's word sorts before k's
 * and is not a prefix of it, so every such a sorts before every such b, as pairs are stored). For each distinct
 * a, the pairs "a <k's word>..." are one range. Returns 0, 1 when there are too many lists or seeks, or -1. */
static int pair_lists(struct db *db, const struct search_word *ws, int j, int k, struct merge_lists *ml)
{
	ml->sql = SQL_SEARCH_PAIR;
	ml->bound_sql = SQL_PAIR_BOUND;
	ml->matched = 1u << j | 1u << k;
	ml->n = 0;
	ml->max = PAIR_LISTS_MAX;
	char from[PAIR_MAX + 2], pair[PAIR_MAX], lo[PAIR_MAX + 2], hi[PAIR_MAX + 2];
	join3(from, ws[j].word, "", "");
	for (int seeks = 0; seeks < PAIR_SEEKS_MAX; seeks++) {
		int found = next_key(db, SQL_NEXT_PAIR, from, ws[j].end, pair);
		if (found <= 0)
			return found;
		char *space = strchr(pair, ' ');
		if (!space)
			return -1;
		*space = '\0'; /* pair is now its first word a */
		join3(lo, pair, " ", ws[k].word);
		join3(hi, pair, " ", ws[k].end);
		int rc = add_lists(db, ml, lo, hi);
		if (rc != 0)
			return rc;
		/* the next first word: pairs of a all sort below a + "!", as words hold no byte below '0' */
		join3(from, pair, "!", "");
	}
	return 1;
}

struct merged_row {
	int64_t id;
	char *sort_key;
	json_t *item;
};

static int key_cmp(const char *key_a, int64_t id_a, const char *key_b, int64_t id_b)
{
	int c = strcmp(key_a, key_b);
	return c ? c : (id_a > id_b) - (id_a < id_b);
}

static int merged_cmp(const void *a, const void *b)
{
	const struct merged_row *x = a, *y = b;
	return key_cmp(x->sort_key, x->id, y->sort_key, y->id);
}

/* Sorts rows and drops repeated parties (one in two of the lists). Returns the number left. */
static size_t sort_unique(struct merged_row *rows, size_t n)
{
	if (n < 2)
		return n; /* rows may be NULL when n is 0 */
	qsort(rows, n, sizeof *rows, merged_cmp);
	size_t kept = 0;
	for (size_t k = 0; k < n; k++) {
		if (kept && rows[kept - 1].id == rows[k].id) {
			free(rows[k].sort_key);
			json_decref(rows[k].item);
			continue;
		}
		rows[kept++] = rows[k];
	}
	return kept;
}

/* The row of sql's list key (NULL for the parties) that is offset rows after cur, into bound (OUT). Returns 1,
 * 0 when the list ends before (bound is then above every row), or -1. */
static int row_after(struct db *db, const char *sql, const char *key, const struct list_cursor *cur, int offset,
		     struct list_cursor *bound)
{
	snprintf(bound->sort_key, sizeof bound->sort_key, "%s", SCAN_UNBOUNDED);
	bound->id = 0;
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return -1;
	int i = 1;
	if (key)
		db_bind_text(st, i++, key);
	i = bind_keyset(st, i, cur);
	db_bind_int(st, i, offset);
	enum db_rc rc = db_step(st);
	if (rc != DB_ROW)
		return rc == DB_OK ? 0 : -1;
	bound->id = db_col_int(st, 0);
	snprintf(bound->sort_key, sizeof bound->sort_key, "%s", db_col_text(st, 1));
	db_reset(st);
	return 1;
}

/* Ends a page that the row budget cut short at to, the last row every list still open has been read to: the
 * rows found up to it are shown, out["next"] continues after it, out["truncated"] says a longer query would do
 * better. */
static void set_truncated(json_t *out, const struct list_cursor *to)
{
	char next[600];
	snprintf(next, sizeof next, "%lld.%s", (long long)to->id, to->sort_key);
	json_object_set_new(out, "next", json_string(next));
	json_object_set_new(out, "truncated", json_true());
}

/* Plan "merge": the lists read in rounds, each from where it stopped, until the first limit + 1 rows of their
 * union are known: a list whose last row read already sorts after the (limit + 1)th row found so far has
 * nothing more to give. So when the other words are rare among a list's rows, each list is read about as far
 * as its share of the page, not a whole page's worth. When other words are tested, each read of a list stops
 * at a bound (row_after), and all the reads of a page make PROBES_MAX word tests at most: a page the budget cuts
 * short ends where every open list has been read to (set_truncated). Returns 0 or -1. */
static int search_merge(struct db *db, const struct party_filter *f, const struct list_cursor *cur,
			const struct search_word *ws, int n_words, const struct merge_lists *ml, int limit,
			json_t *items, json_t *out)
{
	if (ml->n == 0) {
		json_object_set_new(out, "next", json_null()); /* no party has the words together */
		return 0;
	}
	struct merged_row *rows = NULL;
	size_t n = 0, cap = 0;
	struct list_cursor *from = xcalloc((size_t)ml->n, sizeof *from);
	bool *more = xcalloc((size_t)ml->n, sizeof *more);
	int rc = -1, batch = (limit + 1) / ml->n + 2, tested = 0, others = 0;
	bool cut = false;
	for (int k = 0; k < n_words; k++)
		others += !(ml->matched & (1u << k));
	const int rows_max = others ? PROBES_MAX / others : 0; /* rows tested at most */
	for (int k = 0; k < ml->n; k++) {
		from[k] = *cur;
		more[k] = true;
	}
	for (;;) {
		/* this round's reads share what is left of the budget */
		int open = 0;
		for (int k = 0; k < ml->n; k++)
			open += more[k];
		int window = 4 * batch, share = open ? (rows_max - tested) / open : 0;
		if (window > share)
			window = share > 1 ? share : 1;
		for (int k = 0; k < ml->n; k++) {
			if (!more[k])
				continue;
			struct list_cursor bound;
			int bounded = 0;
			if (others) {
				bounded = row_after(db, ml->bound_sql, ml->keys[k], &from[k], window - 1, &bound);
				if (bounded < 0)
					goto out;
				tested += window;
			} else {
				snprintf(bound.sort_key, sizeof bound.sort_key, "%s", SCAN_UNBOUNDED);
				bound.id = 0;
			}
			struct db_stmt *st = db_prep(db, ml->sql);
			if (!st)
				goto out;
			int i = 1, got = 0;
			db_bind_text(st, i++, ml->keys[k]);
			i = bind_keyset(st, i, &from[k]);
			i = bind_keyset(st, i, &bound);
			i = bind_other_words(st, i, ws, n_words, ml->matched);
			i = bind_filters(st, i, f);
			db_bind_int(st, i, batch);
			enum db_rc r;
			while ((r = db_step(st)) == DB_ROW) {
				if (n == cap) {
					cap = cap ? cap * 2 : 64;
					rows = xrealloc(rows, cap * sizeof *rows);
				}
				rows[n] = (struct merged_row){db_col_int(st, 0), xstrdup(db_col_text(st, 1)), row_item(st)};
				from[k].id = rows[n].id;
				snprintf(from[k].sort_key, sizeof from[k].sort_key, "%s", rows[n].sort_key);
				n++;
				got++;
			}
			if (r != DB_OK)
				goto out;
			more[k] = got == batch || bounded == 1;
			if (got < batch && bounded == 1)
				from[k] = bound; /* read up to the bound, none beyond it */
		}
		n = sort_unique(rows, n);
		/* the (limit + 1)th row so far bounds the page: lists already past it are done */
		bool again = false;
		for (int k = 0; k < ml->n; k++) {
			if (more[k] && (int)n > limit &&
			    key_cmp(from[k].sort_key, from[k].id, rows[limit].sort_key, rows[limit].id) >= 0)
				more[k] = false;
			again = again || more[k];
		}
		if (!again)
			break;
		if (others && tested >= rows_max) {
			cut = true;
			break;
		}
		batch = batch < 4096 ? batch * 2 : batch;
	}
	if (cut) {
		/* only the rows up to the least far read of the open lists are known to be all there are */
		int least = -1;
		for (int k = 0; k < ml->n; k++)
			if (more[k] && (least < 0 || key_cmp(from[k].sort_key, from[k].id, from[least].sort_key,
							     from[least].id) < 0))
				least = k;
		size_t known = 0;
		while (known < n && key_cmp(rows[known].sort_key, rows[known].id, from[least].sort_key,
					    from[least].id) <= 0)
			known++;
		if (known <= (size_t)limit) {
			for (size_t k = 0; k < known; k++)
				json_array_append(items, rows[k].item);
			set_truncated(out, &from[least]);
			log_debug("party search: merge stopped after %d rows, %zu found", tested, known);
			rc = 0;
			goto out;
		}
	}
	log_debug("party search: merge tested %d rows, %zu found", tested, n);
	size_t shown = n < (size_t)limit ? n : (size_t)limit;
	for (size_t k = 0; k < shown; k++)
		json_array_append(items, rows[k].item);
	char next[600];
	if (n > (size_t)limit)
		snprintf(next, sizeof next, "%lld.%s", (long long)rows[limit - 1].id, rows[limit - 1].sort_key);
	json_object_set_new(out, "next", n > (size_t)limit ? json_string(next) : json_null());
	rc = 0;
out:
	for (size_t k = 0; k < n; k++) {
		free(rows[k].sort_key);
		json_decref(rows[k].item);
	}
	free(rows);
	free(from);
	free(more);
	return rc;
}

/* Of the query's words, two that can use the pair index: j's word sorts before k's and is not a prefix of it
 * (then j and k cannot both be matched by one stored word). The longest such two. False if none. */
static bool choose_pair(const struct search_word *ws, int n_words, int *j, int *k)
{
	size_t best = 0;
	for (int a = 0; a < n_words; a++)
		for (int b = 0; b < n_words; b++) {
			size_t la = strlen(ws[a].word), lb = strlen(ws[b].word);
			if (strcmp(ws[a].word, ws[b].word) >= 0 || strncmp(ws[a].word, ws[b].word, la) == 0 ||
			    la + lb <= best)
				continue;
			best = la + lb;
			*j = a;
			*k = b;
		}
	return best > 0;
}

/* Plan "scan": the parties in order, each tested for every word, PROBES_MAX / n_words of them at most. When the
 * words are rare among the parties (two or three short prefixes: "m y", "a b c") a page could otherwise read the whole
 * register. A page that is not full by then ends at the last party it may test: it shows the matches found so
 * far (correct and in order, maybe none), out["next"] continues after that party and out["truncated"] is true,
 * so the page can ask for a longer query. Returns 0 or -1. */
static int search_scan(struct db *db, const struct party_filter *f, const struct list_cursor *cur,
		       const struct search_word *ws, int n_words, int limit, json_t *items, json_t *out)
{
	struct list_cursor bound;
	int rows_max = PROBES_MAX / n_words, bounded = row_after(db, SQL_SCAN_BOUND, NULL, cur, rows_max - 1, &bound);
	if (bounded < 0)
		return -1;
	struct db_stmt *st = db_prep(db, SQL_SEARCH_SCAN);
	if (!st)
		return -1;
	int i = bind_keyset(st, 1, cur);
	i = bind_keyset(st, i, &bound);
	db_bind_text(st, i++, ws[0].word);
	db_bind_text(st, i++, ws[0].word);
	db_bind_text(st, i++, ws[0].end);
	i = bind_other_words(st, i, ws, n_words, 1u);
	i = bind_filters(st, i, f);
	db_bind_int(st, i, limit + 1);
	list_collect(st, items, limit, row_item, 1, out);
	if (bounded == 1 && json_is_null(json_object_get(out, "next"))) {
		set_truncated(out, &bound);
		log_debug("party search: scan stopped after %d parties, %zu found", rows_max, json_array_size(items));
	}
	return 0;
}

/* A word search (plans above). Returns 0 or -1; items and out["next"] filled on success. */
static int search_words(struct db *db, const struct party_filter *f, const struct list_cursor *cur,
			char (*words)[WORD_MAX], int n_words, int limit, json_t *items, json_t *out)
{
	struct search_word ws[QUERY_WORDS];
	int64_t counts[QUERY_WORDS] = {0};
	int rarest = 0;
	for (int k = 0; k < n_words; k++) {
		snprintf(ws[k].word, sizeof ws[k].word, "%s", words[k]);
		snprintf(ws[k].end, sizeof ws[k].end, "%s" PREFIX_END, words[k]);
		counts[k] = count_range(db, &ws[k], RARE_LIMIT);
		if (counts[k] < 0)
			return -1;
		if (counts[k] < counts[rarest])
			rarest = k;
	}
	struct db_stmt *st;
	int i = 1;
	if (counts[rarest] < RARE_LIMIT) {
		log_debug("party search: rare on word %d (%lld rows)", rarest, (long long)counts[rarest]);
		st = db_prep(db, SQL_SEARCH_RARE);
		if (!st)
			return -1;
		db_bind_text(st, i++, ws[rarest].word);
		db_bind_text(st, i++, ws[rarest].end);
		i = bind_other_words(st, i, ws, n_words, 1u << rarest);
		i = bind_filters(st, i, f);
		i = bind_keyset(st, i, cur);
		db_bind_int(st, i, limit + 1);
		list_collect(st, items, limit, row_item, 1, out);
		return 0;
	}
	/* every word is common */
	struct merge_lists *ml = xmalloc(sizeof *ml), *best = xmalloc(sizeof *best);
	int j = 0, k = 0, rc = -1;
	if (choose_pair(ws, n_words, &j, &k)) {
		int found = pair_lists(db, ws, j, k, ml);
		log_debug("party search: pairs of words %d and %d: %d lists%s", j, k, ml->n, found ? " and more" : "");
		if (found == 0)
			rc = search_merge(db, f, cur, ws, n_words, ml, limit, items, out);
		if (found <= 0)
			goto out;
	}
	/* merge the term lists of a word that covers few terms; of several such words, the one with the fewest
	 * rows, since with few results its whole row list is read */
	int64_t best_count = -1;
	for (k = 0; k < n_words; k++) {
		int found = term_lists(db, ws, k, n_words > 1 ? TERM_LISTS_MANY : TERM_LISTS_MAX, ml);
		if (found < 0)
			goto out;
		if (found > 0)
			continue;
		int64_t c = n_words > 1 ? count_range(db, &ws[k], DRIVER_COUNT_LIMIT) : 0;
		if (c < 0)
			goto out;
		if (best_count < 0 || c < best_count || (c == best_count && ml->n < best->n)) {
			struct merge_lists *swap = best;
			best_count = c;
			best = ml;
			ml = swap;
		}
	}
	log_debug("party search: %s (%d lists)", best_count >= 0 ? "merge terms" : "scan", best_count >= 0 ? best->n : 0);
	if (best_count >= 0) {
		rc = search_merge(db, f, cur, ws, n_words, best, limit, items, out);
		goto out;
	}
	rc = search_scan(db, f, cur, ws, n_words, limit, items, out);
out:
	free(ml);
	free(best);
	return rc;
}

/* Recognises a query that names a contact exactly. Fills phone (E.164), email (lowercased) or tckn (OUT, ""
 * when not that) and returns true, or returns false for a text search. */
static bool exact_query(const char *q, char phone[PHONE_E164_SIZE], char *email, size_t emailsz, char tckn[12])
{
	phone[0] = email[0] = tckn[0] = '\0';
	if (strchr(q, '@')) {
		size_t k = 0;
		for (; q[k] && k + 1 < emailsz; k++)
			email[k] = (char)tolower((unsigned char)q[k]);
		email[k] = '\0';
		return true;
	}
	char digits[32];
	size_t nd = 0;
	for (const char *p = q; *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (nd + 1 >= sizeof digits)
				return false;
			digits[nd++] = *p;
		} else if (!strchr(" +-.()", *p)) {
			return false;
		}
	}
	digits[nd] = '\0';
	if (nd < 7)
		return false; /* a short number is a word, e.g. "19" of "19 Mayıs" */
	if (nd == 11 && digits[0] != '0')
		memcpy(tckn, digits, 12);
	char e164[PHONE_E164_SIZE];
	if (phone_normalize(q, e164) == 0)
		memcpy(phone, e164, sizeof e164);
	return true;
}

json_t *party_list(struct db *db, const struct party_filter *f, const char *after, int limit)
{
	static const struct party_filter none = {0};
	if (!f)
		f = &none;
	if (limit < 1)
		limit = 1;
	if (limit > 500)
		limit = 500;
	struct list_cursor cur;
	list_cursor_decode(after, &cur);
	json_t *items = json_array(), *out = json_object();
	json_object_set_new(out, "next", json_null());
	const char *q = f->q ? f->q : "";
	while (isspace((unsigned char)*q))
		q++;
	char words[QUERY_WORDS][WORD_MAX];
	int n_words = 0;
	char phone[PHONE_E164_SIZE], email[256], tckn[12];
	bool exact = *q && exact_query(q, phone, email, sizeof email, tckn);
	if (*q && !exact)
		n_words = words_of(q, words, 0, QUERY_WORDS);
	const char *kind = f->kind ? f->kind : "";
	struct db_stmt *st = NULL;
	int i = 1;
	if (n_words > 0) {
		/* one snapshot for the planning reads and the page: consistent, and SQLite takes its locks once
		 * instead of for each of the hundred or so statements */
		bool own = !db_in_transaction(db) && db_begin_read(db) == 0;
		if (search_words(db, f, &cur, words, n_words, limit, items, out) != 0)
			log_warn("party search failed for a %d-word query", n_words);
		if (own)
			db_rollback(db);
		goto out;
	} else if (exact) {
		st = db_prep(db, SQL_LIST_EXACT);
		if (!st)
			goto out;
		db_bind_text(st, i++, *phone ? phone : NULL);
		db_bind_text(st, i++, *email ? email : NULL);
		db_bind_text(st, i++, *tckn ? tckn : NULL);
		i = bind_filters(st, i, f);
	} else if (f->neighbourhood_id > 0) {
		st = db_prep(db, SQL_LIST_NEIGHBOURHOOD);
		if (!st)
			goto out;
		db_bind_int(st, i++, f->neighbourhood_id);
		db_bind_text(st, i++, kind);
		db_bind_text(st, i++, kind);
	} else if (*kind) {
		st = db_prep(db, SQL_LIST_KIND);
		if (!st)
			goto out;
		db_bind_text(st, i++, kind);
	} else {
		st = db_prep(db, SQL_LIST_ALL);
		if (!st)
			goto out;
	}
	i = bind_keyset(st, i, &cur);
	db_bind_int(st, i, limit + 1);
	list_collect(st, items, limit, row_item, 1, out);
out:
	json_object_set_new(out, "items", items);
	return out;
}

/* ---- one record ---- */

json_t *party_get(struct db *db, int64_t id, bool full)
{
	struct db_stmt *st = db_prep(db, SQL_GET);
	if (!st)
		return NULL;
	db_bind_int(st, 1, id);
	if (db_step(st) != DB_ROW)
		return NULL;
	json_t *o = row_common(st, full);
	json_object_set_new(o, "address", json_string(db_col_text(st, N_COLS)));
	json_object_set_new(o, "kvkk_notice_at", int_or_null(st, N_COLS + 1));
	json_object_set_new(o, "kvkk_consent_at", int_or_null(st, N_COLS + 2));
	json_object_set_new(o, "created_at", json_integer(db_col_int(st, N_COLS + 3)));
	json_object_set_new(o, "updated_at", json_integer(db_col_int(st, N_COLS + 4)));
	json_object_set_new(o, "created_by", json_string(db_col_text(st, N_COLS + 5)));
	json_object_set_new(o, "updated_by", json_string(db_col_text(st, N_COLS + 6)));
	db_reset(st);
	return o;
}

json_t *party_duplicates(struct db *db, int64_t exclude_id, const char *tckn, const char *phone, const char *email)
{
	json_t *list = json_array();
	char *lower = xstrdup(email ? email : "");
	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	const char *v[3] = {tckn && *tckn ? tckn : NULL, phone && *phone ? phone : NULL, *lower ? lower : NULL};
	static const char *const names[3] = {"tckn", "phone", "email"};
	struct db_stmt *st = (v[0] || v[1] || v[2]) ? db_prep(db, SQL_DUPLICATES) : NULL;
	if (!st)
		goto out;
	for (int k = 0; k < 3; k++) {
		db_bind_text(st, 1 + k, v[k]);
		db_bind_text(st, 5 + k, v[k]);
	}
	db_bind_int(st, 4, exclude_id);
	db_bind_int(st, 8, DUPLICATES_MAX);
	while (db_step(st) == DB_ROW) {
		json_t *item = row_item(st), *matched = json_array();
		for (int k = 0; k < 3; k++)
			if (db_col_int(st, N_COLS + k))
				json_array_append_new(matched, json_string(names[k]));
		json_object_set_new(item, "matched", matched);
		json_array_append_new(list, item);
	}
out:
	free(lower);
	return list;
}

/* ---- saving ---- */

static bool one_of(const char *s, const char *const *choices)
{
	for (; *choices; choices++)
		if (strcmp(s, *choices) == 0)
			return true;
	return false;
}

/* The record as the audit trail keeps it: masked TCKN, no derived or bookkeeping members. */
static json_t *audit_view(struct db *db, int64_t id)
{
	json_t *o = party_get(db, id, false);
	if (!o)
		return NULL;
	static const char *const drop[] = {"phone_display", "neighbourhood", "created_at", "created_by",
					   "updated_at", "updated_by"};
	for (size_t k = 0; k < sizeof drop / sizeof drop[0]; k++)
		json_object_del(o, drop[k]);
	return o;
}

static int64_t query_count(struct db *db, const char *sql, const char *text, int64_t id)
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return -1;
	int i = 1;
	if (text)
		db_bind_text(st, i++, text);
	db_bind_int(st, i, id);
	int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
	db_reset(st);
	return n;
}

/* Runs a DELETE ... WHERE party_id = ? statement. Returns 0 or -1. */
static int delete_for(struct db *db, const char *sql, int64_t id)
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	return db_step(st) == DB_OK ? 0 : -1;
}

static int insert_key(struct db *db, const char *sql, const char *key, const char *sort_key, int64_t id)
{
	struct db_stmt *st = db_prep(db, sql);
	if (!st)
		return -1;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, sort_key);
	db_bind_int(st, 3, id);
	return db_step(st) == DB_OK ? 0 : -1;
}

/* Replaces the party's search words and pairs of words ("a b", a sorting before b). Returns 0 or -1. */
static int save_terms(struct db *db, int64_t id, const char *name, const char *contact, const char *sort_key)
{
	char words[TERMS_MAX][WORD_MAX], pair[PAIR_MAX];
	int n = words_of(name, words, 0, TERMS_MAX);
	n = words_of(contact, words, n, TERMS_MAX);
	if (delete_for(db, SQL_TERMS_DELETE, id) != 0 || delete_for(db, SQL_PAIRS_DELETE, id) != 0)
		return -1;
	for (int a = 0; a < n; a++) {
		if (insert_key(db, SQL_TERM_INSERT, words[a], sort_key, id) != 0)
			return -1;
		for (int b = 0; b < n; b++) {
			if (strcmp(words[a], words[b]) >= 0)
				continue;
			snprintf(pair, sizeof pair, "%.*s %.*s", WORD_MAX - 1, words[a], WORD_MAX - 1, words[b]);
			if (insert_key(db, SQL_PAIR_INSERT, pair, sort_key, id) != 0)
				return -1;
		}
	}
	return 0;
}

int64_t party_save(struct db *db, const char *actor, int64_t id, const json_t *values)
{
	static const char *const kinds[] = {"citizen", "institution", NULL};
	static const char *const institution_kinds[] = {"public", "private", "ngo", NULL};
	static const char *const channels[] = {"phone", "sms", "email", "letter", NULL};
	const char *kind = json_str(values, "kind"), *institution_kind = json_str(values, "institution_kind");
	const char *name = json_str(values, "name"), *tckn = json_str(values, "tckn"),
		   *phone_in = json_str(values, "phone");
	const char *address = json_str(values, "address"), *channel = json_str(values, "preferred_channel");
	const char *contact = json_str(values, "contact_person");
	json_t *nb = json_object_get(values, "neighbourhood_id");
	int64_t neighbourhood_id = json_is_integer(nb) ? json_integer_value(nb) : 0;
	json_t *consent = json_object_get(values, "kvkk_consent");
	bool notice = json_is_true(json_object_get(values, "kvkk_notice"));
	bool institution = strcmp(kind, "institution") == 0;
	char phone[PHONE_E164_SIZE] = "";
	int64_t now = (int64_t)time(NULL), result = -1;
	char *email = xstrdup(json_str(values, "email")), *sort_key = NULL, *search_text = NULL;
	json_t *before = NULL;
	for (char *p = email; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!*channel)
		channel = "phone";

	if (!one_of(kind, kinds) || (institution && !one_of(institution_kind, institution_kinds)) || !*name ||
	    !one_of(channel, channels) || neighbourhood_id < 0) {
		error("party: invalid values (kind '%s', institution kind '%s', channel '%s')", kind, institution_kind,
		      channel);
		goto out;
	}
	if (institution)
		tckn = ""; /* an institution has a tax number, not a TCKN */
	if (*tckn && !tckn_valid(tckn)) {
		error("party: invalid TCKN");
		goto out;
	}
	if (*phone_in && phone_normalize(phone_in, phone) != 0) {
		error("party: invalid phone number '%s'", phone_in);
		goto out;
	}
	if (id) {
		before = audit_view(db, id);
		if (!before) {
			error("party %lld: not found", (long long)id);
			goto out;
		}
	}
	if (neighbourhood_id && query_count(db, SQL_NEIGHBOURHOOD_EXISTS, NULL, neighbourhood_id) != 1) {
		error("party: no neighbourhood %lld", (long long)neighbourhood_id);
		goto out;
	}
	if (*tckn) {
		int64_t taken = query_count(db, SQL_TCKN_TAKEN, tckn, id);
		if (taken != 0) {
			result = taken > 0 ? DB_CONSTRAINT : -1;
			goto out;
		}
	}

	/* KVKK: the notice and the consent keep the time they were first recorded. */
	json_t *old_notice = before ? json_object_get(before, "kvkk_notice_at") : NULL;
	json_t *old_consent = before ? json_object_get(before, "kvkk_consent_at") : NULL;
	int64_t consent_at = json_is_integer(old_consent) ? json_integer_value(old_consent) : 0;
	if (consent)
		consent_at = !json_is_true(consent) ? 0 : consent_at ? consent_at : now;
	int64_t notice_at = json_is_integer(old_notice) ? json_integer_value(old_notice) : 0;
	if (!notice_at && (notice || consent_at))
		notice_at = now;

	sort_key = tr_sort_key(name);
	struct buf text = BUF_INIT;
	buf_addf(&text, "%s %s %s %s", name, contact, email, phone);
	search_text = tr_fold(text.data);
	buf_free(&text);

	struct db_stmt *st = db_prep(db, id ? SQL_UPDATE : SQL_INSERT);
	if (!st)
		goto out;
	int i = 1;
	db_bind_text(st, i++, kind);
	db_bind_text(st, i++, institution ? institution_kind : NULL);
	db_bind_text(st, i++, name);
	db_bind_text(st, i++, *tckn ? tckn : NULL);
	db_bind_text(st, i++, phone);
	db_bind_text(st, i++, email);
	db_bind_text(st, i++, address);
	db_bind_id_or_null(st, i++, neighbourhood_id);
	db_bind_text(st, i++, channel);
	db_bind_text(st, i++, contact);
	db_bind_id_or_null(st, i++, notice_at);
	db_bind_id_or_null(st, i++, consent_at);
	db_bind_text(st, i++, search_text);
	db_bind_text(st, i++, sort_key);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, actor);
	if (id) {
		db_bind_int(st, i++, id);
	} else {
		db_bind_int(st, i++, now);
		db_bind_text(st, i++, actor);
	}
	enum db_rc rc = db_step(st);
	if (!id) {
		if (rc != DB_ROW) {
			result = rc == DB_CONSTRAINT ? DB_CONSTRAINT : -1;
			goto out;
		}
		id = db_col_int(st, 0);
		while (db_step(st) == DB_ROW)
			;
	} else if (rc != DB_OK) {
		result = rc == DB_CONSTRAINT ? DB_CONSTRAINT : -1;
		goto out;
	}
	if (save_terms(db, id, name, contact, sort_key) != 0) {
		error("party %lld: cannot save its search words", (long long)id);
		goto out;
	}
	json_t *after = audit_view(db, id);
	int arc = after ? audit_append(db, actor, before ? "party.update" : "party.create", "party", id, before, after)
			: -1;
	json_decref(after);
	result = arc == 0 ? id : -1;
out:
	json_decref(before);
	free(email);
	free(sort_key);
	free(search_text);
	return result;
}
