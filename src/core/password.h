/* password.h: password hashing (argon2id via libsodium) and the password policy. */
#ifndef KALEM_CORE_PASSWORD_H
#define KALEM_CORE_PASSWORD_H
#include <stdbool.h>

#define PASSWORD_MIN_CHARS 12  /* code points */
#define PASSWORD_MAX_BYTES 256
#define PASSWORD_HASH_BYTES 128 /* crypto_pwhash_STRBYTES */

/* Hashes pw with argon2id, opslimit 2 and memlimit 19 MiB (the OWASP minimum), into a
 * self-describing "$argon2id$..." string. Takes tens of milliseconds by design.
 * Returns 0, or -1 (out of memory for the 19 MiB, NULL pw, libsodium not starting). */
int password_hash(const char *pw, char out[128] /* OUT */);

/* True if pw matches stored_hash (from password_hash, or any argon2 string libsodium reads). */
bool password_verify(const char *stored_hash, const char *pw);

/* True if stored_hash was made with other parameters than password_hash uses now (or is not a
 * valid hash): rehash the password at the next successful login. */
bool password_needs_rehash(const char *stored_hash);

/* Checks a new password against the policy. NULL if acceptable, else a catalogue key:
 * "error.password.too_long" (more than PASSWORD_MAX_BYTES bytes),
 * "error.password.invalid" (NULL or not valid UTF-8),
 * "error.password.too_short" (fewer than PASSWORD_MIN_CHARS code points),
 * "error.password.same_as_username" (equal to the username ignoring case and Turkish accents).
 * username may be NULL. */
const char *password_policy_error(const char *pw, const char *username);

#endif
