/* tckn.h: Turkish national identity numbers (TCKN, and 99-prefixed foreign ids): check and mask. */
#ifndef KALEM_CORE_TCKN_H
#define KALEM_CORE_TCKN_H
#include <stdbool.h>

/* True if s is exactly 11 ASCII digits, the first not 0, with both check digits right
 * (rules in shared/domain/legal.md). Foreign residents' 99-prefixed numbers pass the same test.
 * NULL is invalid. */
bool tckn_valid(const char *s);

/* Masks for lists: "12345678946" -> "123******46" (first 3 and last 2 kept). Any input that is
 * not exactly 11 bytes long (or NULL) gives "***". Does not check validity. */
void tckn_mask(const char *tckn, char out[12] /* OUT */);

#endif
