/* turkish.h: Turkish-aware text folding (for search) and collation (for sorting), with ICU.
 *
 * Thread safety: all functions may be called from many threads at once. The NFD normaliser
 * (an ICU singleton) and one "tr" collator are set up once under pthread_once and afterwards
 * used only through ICU's const APIs (unorm2_normalize, ucol_getSortKey, ucol_strcollUTF8),
 * which ICU documents as safe for concurrent use; nothing ever changes the collator after setup.
 * If ICU cannot provide them (broken installation) the process aborts, like on out-of-memory.
 */
#ifndef KALEM_UTIL_TURKISH_H
#define KALEM_UTIL_TURKISH_H

/* Search key for a name or text: Turkish-locale lowercase (I -> ı, İ -> i), NFD, combining marks
 * dropped, ı -> i, and a few letters without a decomposition mapped to ASCII (ø -> o, ß -> ss,
 * æ -> ae, ł -> l, ...). So "Işık", "ISIK" and "ışık" all give "isik"; "Şikayet" -> "sikayet".
 * Letters of other scripts stay as they are (lowercased). Invalid UTF-8 bytes become U+FFFD.
 * NULL gives "". Returns a fresh string (xmalloc); the caller frees it. */
char *tr_fold(const char *utf8);

/* Sort key: lowercase hex of the ICU sort key of the Turkish ("tr") collator at TERTIARY
 * strength, without the terminating 00 byte. strcmp on two keys (or a bytewise "C" collation
 * in SQLite/PostgreSQL) orders the strings as tr_compare does: c < ç < d, g < ğ < h, ı < i,
 * o < ö < p, s < ş < t, u < ü < v. Tertiary strength keeps case apart but adjacent
 * ("a" < "A" < "b"), so the order is total and stable. NULL is treated as "".
 * Keys change if ICU's collation data changes (ICU upgrade): recompute stored keys then.
 * Returns a fresh string (xmalloc); the caller frees it. */
char *tr_sort_key(const char *utf8);

/* Compares two UTF-8 strings with the Turkish collator (tertiary): <0, 0 or >0.
 * NULL sorts before any string. */
int tr_compare(const char *a, const char *b);

#endif
