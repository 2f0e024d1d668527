/* i18n.h: the string catalogue (i18n/strings.tsv), Turkish first, English second.
 *
 * The catalogue is process-global: it is written only by i18n_load (or i18n_load_text) at start-up
 * and is read-only afterwards, so every lookup below is thread-safe once loading has finished.
 *
 * File format: UTF-8 lines `key<TAB>Turkish text<TAB>English text`; lines starting with '#' and
 * blank lines are skipped. Keys are [A-Za-z0-9_.-]; texts may hold `{name}` placeholders. An empty
 * English text falls back to the Turkish one (tests/unit/test_i18n.c forbids it in the real file).
 */
#ifndef KALEM_UTIL_I18N_H
#define KALEM_UTIL_I18N_H
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "util/buf.h"

enum lang { LANG_TR = 0, LANG_EN = 1 };
#define LANG__MAX 2

/* "en" (any case, optionally followed by '-' or '_' and a region) gives LANG_EN; anything else,
 * NULL included, gives LANG_TR. */
enum lang lang_from_code(const char *code);
/* "tr" or "en". */
const char *lang_code(enum lang lang);

/* Parses the embedded i18n/strings.tsv and builds the lookup table. Returns 0, or -1 after logging
 * "i18n/strings.tsv:LINE: reason" for a malformed line, an invalid key, an empty Turkish text,
 * invalid UTF-8 or a duplicate key; on failure the previous catalogue (if any) is kept.
 * Start-up only: not thread-safe against concurrent lookups. */
int i18n_load(void);
/* As i18n_load, from memory; origin names the source in messages. The text is copied.
 * Used by tests. Start-up only, like i18n_load. */
int i18n_load_text(const char *origin, const char *data, size_t len);
/* Frees the catalogue (end of process, tests). Afterwards every lookup misses. */
void i18n_unload(void);

/* The text of key in lang; falls back to the Turkish text, then to the key itself (so a missing
 * key is visible on the page rather than blank). NULL key gives "". Never returns NULL. */
const char *i18n_get(enum lang lang, const char *key);
/* Whether the catalogue holds key. */
bool i18n_has(const char *key);
/* Appends to out the text of key with each `{name}` replaced by args' member name (string, integer,
 * real or boolean), unescaped: the caller escapes for its context. A placeholder with no usable
 * member is copied literally, so the omission shows. args may be NULL. */
void i18n_format(struct buf *out, enum lang lang, const char *key, const json_t *args);

#endif
