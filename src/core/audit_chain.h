/* audit_chain.h: the tamper-evident audit log: each entry's hash covers the previous hash.
 *
 * hash_i = SHA-256(encode(prev_hash, event_i)), with prev_hash of the first entry AUDIT_GENESIS.
 * Changing, deleting or reordering any entry breaks every later hash. Cutting entries off the
 * end is not visible from the chain alone: compare the head hash with one kept elsewhere.
 */
#ifndef KALEM_CORE_AUDIT_CHAIN_H
#define KALEM_CORE_AUDIT_CHAIN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct audit_fields {
	int64_t id;
	int64_t ts;               /* Unix seconds */
	const char *actor;        /* NULL = absent, distinct from "" */
	const char *action;
	const char *record_type;
	const char *record_id;
	const char *before_json;
	const char *after_json;
};

/* Hash of one entry given the previous entry's hash (AUDIT_GENESIS for the first; NULL is taken
 * as AUDIT_GENESIS), as 64 lowercase hex digits. The encoding is unambiguous: a version tag, the
 * previous hash, id and ts as 8-byte big-endian, then each string as a presence byte (0 NULL,
 * 1 present) followed by its 8-byte big-endian length and bytes. */
void audit_chain_hash(const char *prev_hash_hex, const struct audit_fields *ev, char out[65] /* OUT */);

/* Recomputes the chain over n events in order, starting from prev_hash_hex (AUDIT_GENESIS, or
 * the stored hash of the entry just before evs[0] when checking a range), and compares each with
 * hashes[i]. True if all match. On a mismatch returns false and sets *bad_index to the first
 * entry that does not match; on success sets it to n. bad_index may be NULL. */
bool audit_chain_verify(const struct audit_fields *evs, const char *const *hashes, size_t n,
			const char *prev_hash_hex, size_t *bad_index /* OUT */);

#endif
