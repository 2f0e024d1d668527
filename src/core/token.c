/* token.c: random tokens, token hashes and CSRF tokens with libsodium. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/token.h"
#include "util/log.h"

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_status = -1; /* written once inside pthread_once, read after it */

static void sodium_setup(void)
{
	sodium_status = sodium_init() < 0 ? -1 : 0;
}

int crypto_init(void)
{
	pthread_once(&sodium_once, sodium_setup);
	if (sodium_status < 0)
		return error("cannot initialise libsodium");
	return 0;
}

static void require_sodium(void)
{
	if (crypto_init() < 0)
		abort();
}

static void base64url(const unsigned char bin[32], char out[TOKEN_CHARS + 1])
{
	sodium_bin2base64(out, TOKEN_CHARS + 1, bin, 32, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void token_new(char out[TOKEN_CHARS + 1])
{
	unsigned char bin[32];

	require_sodium();
	randombytes_buf(bin, sizeof(bin));
	base64url(bin, out);
	sodium_memzero(bin, sizeof(bin));
}

void token_hash_hex(const char *token, char out[65])
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	require_sodium();
	if (!token)
		token = "";
	crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, digest, sizeof(digest));
}

bool token_equal(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}

void csrf_token(const unsigned char key[32], const char *session_hash_hex,
		char out[TOKEN_CHARS + 1])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];

	require_sodium();
	if (!session_hash_hex)
		session_hash_hex = "";
	crypto_auth_hmacsha256(mac, (const unsigned char *)session_hash_hex,
			       strlen(session_hash_hex), key);
	base64url(mac, out);
}

bool csrf_check(const unsigned char key[32], const char *session_hash_hex, const char *presented)
{
	char expected[TOKEN_CHARS + 1];

	if (!presented || !session_hash_hex || !*session_hash_hex)
		return false;
	csrf_token(key, session_hash_hex, expected);
	return token_equal(expected, presented);
}
