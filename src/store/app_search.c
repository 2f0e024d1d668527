/* app_search.c: the folded text, the query words and the SQLite full-text index of applications (app_search.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include "store/app_search.h"
#include "util/buf.h"
#include "util/turkish.h"
#include "util/xalloc.h"

static const char SQL_FTS_INSERT[] = "INSERT INTO applications_fts (rowid, search_fold) VALUES (?, ?)";

char *app_search_text(const char *name, const char *subject, const char *description, const char *address,
		      const char *code, const char *category_name)
{
	char *text = xasprintf("%s %s %s %s %s %s", name ? name : "", subject ? subject : "",
			       description ? description : "", address ? address : "", code ? code : "",
			       category_name ? category_name : "");
	char *fold = tr_fold(text);
	free(text);
	return fold;
}

/* Splits folded text into at most APP_SEARCH_WORDS distinct words (OUT): runs of letters and digits. */
static void split_words(const char *folded, struct app_search_words *w)
{
	int32_t i = 0, len = (int32_t)strlen(folded);
	w->n = 0;
	while (i < len && w->n < APP_SEARCH_WORDS) {
		UChar32 c;
		int32_t start = i;
		U8_NEXT(folded, i, len, c);
		if (c < 0 || !u_isalnum(c))
			continue;
		int32_t end = i, keep = i; /* keep: the end of the last whole character that fits */
		while (end < len) {
			int32_t at = end;
			U8_NEXT(folded, end, len, c);
			if (c < 0 || !u_isalnum(c)) {
				end = at;
				break;
			}
			if (end - start < APP_SEARCH_WORD_MAX)
				keep = end;
		}
		i = end;
		if (keep - start >= APP_SEARCH_WORD_MAX)
			continue;
		char word[APP_SEARCH_WORD_MAX];
		memcpy(word, folded + start, (size_t)(keep - start));
		word[keep - start] = '\0';
		bool seen = false;
		for (int k = 0; k < w->n && !seen; k++)
			seen = strcmp(w->word[k], word) == 0;
		if (!seen)
			memcpy(w->word[w->n++], word, sizeof word);
	}
}

int app_search_words(const char *q, struct app_search_words *w)
{
	w->n = 0;
	if (!q || !*q)
		return 0;
	char *folded = tr_fold(q);
	split_words(folded, w);
	free(folded);
	return w->n;
}

/* Bytes of the first max characters of word. */
static int32_t prefix_bytes(const char *word, int max)
{
	int32_t i = 0, len = (int32_t)strlen(word);
	for (int k = 0; k < max && i < len; k++)
		U8_FWD_1(word, i, len);
	return i;
}

/* A word holds only letters and digits, so neither quote can occur in it; quoting still keeps FTS5 from reading a
 * word such as "and", "or", "not" or "near" as an operator. */
static char *expression(enum db_kind kind, const struct app_search_words *w, int max_chars)
{
	if (w->n == 0)
		return NULL;
	struct buf b = BUF_INIT;
	for (int k = 0; k < w->n; k++) {
		int n = (int)(max_chars ? prefix_bytes(w->word[k], max_chars) : (int32_t)strlen(w->word[k]));
		if (kind == DB_SQLITE)
			buf_addf(&b, "%s\"%.*s\"*", k ? " AND " : "", n, w->word[k]);
		else
			buf_addf(&b, "%s'%.*s':*", k ? " & " : "", n, w->word[k]);
	}
	return buf_detach(&b, NULL);
}

char *app_search_match(enum db_kind kind, const char *q)
{
	struct app_search_words w;
	app_search_words(q, &w);
	return expression(kind, &w, 0);
}

char *app_search_match_indexed(const struct app_search_words *w)
{
	return expression(DB_SQLITE, w, APP_SEARCH_INDEXED);
}

bool app_search_needs_check(const struct app_search_words *w)
{
	for (int k = 0; k < w->n; k++)
		if (w->word[k][prefix_bytes(w->word[k], APP_SEARCH_INDEXED)] != '\0')
			return true;
	return false;
}

/* True if word starts a word of fold: found at the start, or after a character that is not a letter or digit. */
static bool starts_a_word(const char *fold, const char *word)
{
	for (const char *p = strstr(fold, word); p; p = strstr(p + 1, word)) {
		if (p == fold)
			return true;
		int32_t i = (int32_t)(p - fold);
		UChar32 c;
		U8_PREV(fold, 0, i, c);
		if (c < 0 || !u_isalnum(c))
			return true;
	}
	return false;
}

bool app_search_text_matches(const struct app_search_words *w, const char *fold)
{
	for (int k = 0; k < w->n; k++)
		if (!starts_a_word(fold, w->word[k]))
			return false;
	return true;
}

int app_search_index(struct db *db, int64_t id, const char *fold)
{
	if (db_kind(db) != DB_SQLITE)
		return 0;
	struct db_stmt *st = db_prep(db, SQL_FTS_INSERT);
	if (!st)
		return -1;
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, fold);
	return db_step(st) == DB_OK ? 0 : -1;
}
