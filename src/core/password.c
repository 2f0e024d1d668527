/* password.c: argon2id password hashes and the password policy. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/password.h"
#include "core/token.h"
#include "core/validate.h"
#include "util/log.h"
#include "util/turkish.h"

#define PW_OPSLIMIT 2
#define PW_MEMLIMIT ((size_t)19 * 1024 * 1024)

_Static_assert(PASSWORD_HASH_BYTES == crypto_pwhash_STRBYTES, "hash buffer size");

int password_hash(const char *pw, char out[128])
{
	out[0] = '\0';
	if (!pw)
		return -1;
	if (crypto_init() < 0)
		return -1;
	if (crypto_pwhash_str_alg(out, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return error("cannot hash password (argon2id, %zu bytes of memory)", PW_MEMLIMIT);
	return 0;
}

bool password_verify(const char *stored_hash, const char *pw)
{
	if (!stored_hash || !pw || crypto_init() < 0)
		return false;
	return crypto_pwhash_str_verify(stored_hash, pw, strlen(pw)) == 0;
}

bool password_needs_rehash(const char *stored_hash)
{
	if (!stored_hash || crypto_init() < 0)
		return true;
	return crypto_pwhash_str_needs_rehash(stored_hash, PW_OPSLIMIT, PW_MEMLIMIT) != 0;
}

const char *password_policy_error(const char *pw, const char *username)
{
	if (!pw)
		return "error.password.invalid";
	if (strlen(pw) > PASSWORD_MAX_BYTES)
		return "error.password.too_long";
	size_t chars = utf8_length(pw);
	if (chars == SIZE_MAX)
		return "error.password.invalid";
	if (chars < PASSWORD_MIN_CHARS)
		return "error.password.too_short";
	if (username && *username) {
		char *a = tr_fold(pw);
		char *b = tr_fold(username);
		bool same = strcmp(a, b) == 0;
		free(a);
		free(b);
		if (same)
			return "error.password.same_as_username";
	}
	return NULL;
}
