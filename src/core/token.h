/* token.h: libsodium setup, random session/reset tokens, their stored hashes, and CSRF tokens. */
#ifndef KALEM_CORE_TOKEN_H
#define KALEM_CORE_TOKEN_H
#include <stdbool.h>

/* Length of a token: 256 random bits in base64url without padding. */
#define TOKEN_CHARS 43

/* Initialises libsodium. Idempotent and thread-safe (pthread_once); call at startup. The other
 * functions here call it themselves. Returns 0, or -1 if libsodium cannot start. */
int crypto_init(void);

/* A fresh random token (256 bits, base64url, no padding, TOKEN_CHARS long). Aborts if libsodium
 * cannot be initialised: no token is better than a predictable one. */
void token_new(char out[TOKEN_CHARS + 1] /* OUT */);

/* SHA-256 of the token's bytes as 64 lowercase hex digits: what the database stores, so a
 * leaked table does not leak live tokens. */
void token_hash_hex(const char *token, char out[65] /* OUT */);

/* Constant-time equality (for a given length; lengths are compared first). NULL equals nothing. */
bool token_equal(const char *a, const char *b);

/* CSRF token bound to a session: base64url (no padding) of HMAC-SHA256 under the server key of
 * the session's token hash. */
void csrf_token(const unsigned char key[32], const char *session_hash_hex,
		char out[TOKEN_CHARS + 1] /* OUT */);

/* True if presented is the CSRF token of this session under key (constant time). Always false
 * without a session (NULL or empty hash): a token for "" would be the same for every visitor. */
bool csrf_check(const unsigned char key[32], const char *session_hash_hex, const char *presented);

#endif
