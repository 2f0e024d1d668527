/* validate.h: small validators for form fields: e-mail, ISO dates and times, UTF-8. */
#ifndef KALEM_CORE_VALIDATE_H
#define KALEM_CORE_VALIDATE_H
#include <stdbool.h>
#include <stddef.h>

/* A practical e-mail check, not RFC 5322: at most 254 bytes, exactly one '@', a non-empty local
 * part of at most 64 bytes, a domain with at least one dot and no empty labels (no leading,
 * trailing or doubled dots), no spaces or control characters anywhere. NULL is invalid. */
bool email_valid(const char *s);

/* True if s is exactly "YYYY-MM-DD" naming a real Gregorian date (year 0001..9999, leap years
 * honoured). On success stores the parts in y, m, d; any of them may be NULL. */
bool date_valid(const char *s, int *y /* OUT */, int *m /* OUT */, int *d /* OUT */);

/* True if s is exactly "HH:MM", 00:00..23:59. On success stores h and min; either may be NULL. */
bool time_valid(const char *s, int *h /* OUT */, int *min /* OUT */);

/* True if the len bytes at s are well-formed UTF-8 (no overlong forms, no surrogates, nothing
 * above U+10FFFF). Embedded NUL bytes are allowed. */
bool utf8_valid(const char *s, size_t len);

/* Number of code points in the NUL-terminated string s; SIZE_MAX if s is NULL or not valid UTF-8. */
size_t utf8_length(const char *s);

#endif
