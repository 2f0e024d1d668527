/* isotime.h: W3C/ISO 8601 date-times in Europe/Istanbul local time ("2026-12-02T10:30:00+03:00") for the JSON API,
 * and YYYY-MM-DD dates. */
#ifndef KALEM_CORE_ISOTIME_H
#define KALEM_CORE_ISOTIME_H
#include <stdint.h>

/* Room for "2026-12-02T10:30:00+03:00" and its NUL. */
#define ISO_TIME_SIZE 26
/* Room for "2026-12-02" and its NUL. */
#define ISO_DATE_SIZE 11

/* Formats instant t as local time with its offset: "2026-12-02T10:30:00+03:00". */
void iso_time_format(int64_t t, char out[ISO_TIME_SIZE] /* OUT */);

/* Parses "YYYY-MM-DDTHH:MM[:SS]" followed by "Z", "+HH:MM", "-HH:MM" (or without the colon), or by nothing (then
 * the time is local, UTC+3); a space is accepted for the "T". Fractions of a second are refused. Returns 0 and
 * sets *t, or -1 when s is not such a text or names no real date and time. */
int iso_time_parse(const char *s, int64_t *t /* OUT */);

/* "YYYY-MM-DD" (a real date) -> yyyymmdd; 0 when s is NULL or not such a date. */
int iso_date_parse(const char *s);

/* yyyymmdd -> "YYYY-MM-DD". */
void iso_date_format(int ymd, char out[ISO_DATE_SIZE] /* OUT */);

#endif
