/* audit_chain.c: canonical encoding and SHA-256 chaining of audit entries. */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/audit_chain.h"
#include "core/token.h"

/* Changing the encoding would orphan every stored hash: bump the tag and keep the old code. */
static const char encoding_tag[] = "kalem-audit-v1";

static void put_u64(crypto_hash_sha256_state *st, uint64_t v)
{
	unsigned char be[8];
	for (int i = 7; i >= 0; i--) {
		be[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	crypto_hash_sha256_update(st, be, sizeof(be));
}

static void put_bytes(crypto_hash_sha256_state *st, const void *p, size_t n)
{
	put_u64(st, n);
	crypto_hash_sha256_update(st, p, n);
}

static void put_str(crypto_hash_sha256_state *st, const char *s)
{
	unsigned char present = s != NULL;
	crypto_hash_sha256_update(st, &present, 1);
	if (s)
		put_bytes(st, s, strlen(s));
}

void audit_chain_hash(const char *prev_hash_hex, const struct audit_fields *ev, char out[65])
{
	crypto_hash_sha256_state st;
	unsigned char digest[crypto_hash_sha256_BYTES];

	if (crypto_init() < 0)
		abort();
	if (!prev_hash_hex)
		prev_hash_hex = AUDIT_GENESIS;
	crypto_hash_sha256_init(&st);
	put_bytes(&st, encoding_tag, sizeof(encoding_tag) - 1);
	put_bytes(&st, prev_hash_hex, strlen(prev_hash_hex));
	put_u64(&st, (uint64_t)ev->id);
	put_u64(&st, (uint64_t)ev->ts);
	put_str(&st, ev->actor);
	put_str(&st, ev->action);
	put_str(&st, ev->record_type);
	put_str(&st, ev->record_id);
	put_str(&st, ev->before_json);
	put_str(&st, ev->after_json);
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(out, 65, digest, sizeof(digest));
}

bool audit_chain_verify(const struct audit_fields *evs, const char *const *hashes, size_t n,
			const char *prev_hash_hex, size_t *bad_index)
{
	const char *prev = prev_hash_hex ? prev_hash_hex : AUDIT_GENESIS;
	char computed[65];

	for (size_t i = 0; i < n; i++) {
		audit_chain_hash(prev, &evs[i], computed);
		if (!hashes[i] || strcmp(computed, hashes[i]) != 0) {
			if (bad_index)
				*bad_index = i;
			return false;
		}
		prev = hashes[i];
	}
	if (bad_index)
		*bad_index = n;
	return true;
}
