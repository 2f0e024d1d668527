/* test_audit_chain.c: the audit hash chain detects edits, deletions and reordering. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "core/audit_chain.h"

enum { N = 5 };

static struct audit_fields events[N];
static char hash_store[N][65];
static const char *hashes[N];

static void build_chain(void)
{
	static const struct audit_fields base[N] = {
		{1, 1767214800, "ayse", "create", "petition", "42", NULL, "{\"status\":\"new\"}"},
		{2, 1767214900, "ayse", "update", "petition", "42", "{\"status\":\"new\"}",
		 "{\"status\":\"assigned\"}"},
		{3, 1767215000, "mehmet", "view", "person", "7", NULL, NULL},
		{4, 1767215100, NULL, "login_failed", NULL, NULL, NULL, NULL},
		{5, 1767215200, "mehmet", "delete", "appointment", "9", "{}", ""},
	};
	const char *prev = AUDIT_GENESIS;
	for (int i = 0; i < N; i++) {
		events[i] = base[i];
		audit_chain_hash(prev, &events[i], hash_store[i]);
		hashes[i] = hash_store[i];
		prev = hash_store[i];
	}
}

static int setup(void **state)
{
	(void)state;
	build_chain();
	return 0;
}

static void expect_bad_at(const struct audit_fields *evs, const char *const *hs, size_t n,
			  size_t want)
{
	size_t bad = 999;
	assert_false(audit_chain_verify(evs, hs, n, AUDIT_GENESIS, &bad));
	assert_int_equal(bad, want);
}

static void test_genesis_and_format(void **state)
{
	char h[65];
	(void)state;
	assert_int_equal(strlen(AUDIT_GENESIS), 64);
	for (const char *p = AUDIT_GENESIS; *p; p++)
		assert_int_equal(*p, '0');
	audit_chain_hash(AUDIT_GENESIS, &events[0], h);
	assert_string_equal(h, hashes[0]);
	audit_chain_hash(NULL, &events[0], h); /* NULL prev = genesis */
	assert_string_equal(h, hashes[0]);
	assert_int_equal(strlen(h), 64);
	for (const char *p = h; *p; p++)
		assert_non_null(strchr("0123456789abcdef", *p));
	/* prev hash is part of the input */
	audit_chain_hash(hashes[1], &events[0], h);
	assert_string_not_equal(h, hashes[0]);
}

static void test_intact(void **state)
{
	size_t bad = 999;
	(void)state;
	assert_true(audit_chain_verify(events, hashes, N, AUDIT_GENESIS, &bad));
	assert_int_equal(bad, N);
	assert_true(audit_chain_verify(events, hashes, N, NULL, NULL));
	assert_true(audit_chain_verify(events, hashes, 0, AUDIT_GENESIS, &bad));
	/* A range in the middle verifies from the hash before it. */
	assert_true(audit_chain_verify(events + 2, hashes + 2, 3, hashes[1], &bad));
	assert_false(audit_chain_verify(events + 2, hashes + 2, 3, AUDIT_GENESIS, &bad));
	assert_int_equal(bad, 0);
}

/* Changes one field of event 2 and checks that the chain breaks exactly there. */
static void test_tamper_each_field(void **state)
{
	(void)state;
	for (int field = 0; field < 8; field++) {
		struct audit_fields evs[N];
		memcpy(evs, events, sizeof(evs));
		struct audit_fields *e = &evs[2];
		switch (field) {
		case 0: e->id = 33; break;
		case 1: e->ts += 1; break;
		case 2: e->actor = "ayse"; break;
		case 3: e->action = "export"; break;
		case 4: e->record_type = "petition"; break;
		case 5: e->record_id = "8"; break;
		case 6: e->before_json = "{}"; break;
		case 7: e->after_json = "{\"seen\":true}"; break;
		}
		expect_bad_at(evs, hashes, N, 2);
	}
}

static void test_null_differs_from_empty(void **state)
{
	char h1[65], h2[65];
	(void)state;
	struct audit_fields e = events[3];
	audit_chain_hash(AUDIT_GENESIS, &e, h1);
	e.actor = "";
	audit_chain_hash(AUDIT_GENESIS, &e, h2);
	assert_string_not_equal(h1, h2);
	/* event 4 has before "{}" and after "": swapping the text between fields must show */
	struct audit_fields a = events[4], b = events[4];
	b.before_json = "";
	b.after_json = "{}";
	audit_chain_hash(AUDIT_GENESIS, &a, h1);
	audit_chain_hash(AUDIT_GENESIS, &b, h2);
	assert_string_not_equal(h1, h2);
	/* moving a boundary between adjacent fields: ("ab","c") vs ("a","bc") */
	a.record_type = "ab";
	a.record_id = "c";
	b = a;
	b.record_type = "a";
	b.record_id = "bc";
	audit_chain_hash(AUDIT_GENESIS, &a, h1);
	audit_chain_hash(AUDIT_GENESIS, &b, h2);
	assert_string_not_equal(h1, h2);
	/* the same with marker-like bytes inside the text: only length prefixes tell these apart */
	a.record_type = "a\x01" "b";
	a.record_id = "c";
	b.record_type = "a";
	b.record_id = "b\x01" "c";
	audit_chain_hash(AUDIT_GENESIS, &a, h1);
	audit_chain_hash(AUDIT_GENESIS, &b, h2);
	assert_string_not_equal(h1, h2);
}

static void test_tampered_hash(void **state)
{
	char forged[65];
	const char *hs[N];
	(void)state;
	memcpy(hs, hashes, sizeof(hs));
	memcpy(forged, hashes[3], 65);
	forged[0] = forged[0] == 'a' ? 'b' : 'a';
	hs[3] = forged;
	expect_bad_at(events, hs, N, 3);
	hs[3] = NULL;
	expect_bad_at(events, hs, N, 3);
}

static void test_rewritten_entry_breaks_next(void **state)
{
	/* An attacker edits event 1 and recomputes its own hash: event 2 no longer links. */
	struct audit_fields evs[N];
	char rehashed[65];
	const char *hs[N];
	(void)state;
	memcpy(evs, events, sizeof(evs));
	memcpy(hs, hashes, sizeof(hs));
	evs[1].after_json = "{\"status\":\"closed\"}";
	audit_chain_hash(hashes[0], &evs[1], rehashed);
	hs[1] = rehashed;
	expect_bad_at(evs, hs, N, 2);
}

static void test_deletion(void **state)
{
	struct audit_fields evs[N - 1];
	const char *hs[N - 1];
	(void)state;
	/* drop entry 2 */
	for (int i = 0, j = 0; i < N; i++) {
		if (i == 2)
			continue;
		evs[j] = events[i];
		hs[j++] = hashes[i];
	}
	expect_bad_at(evs, hs, N - 1, 2);
	/* drop the first entry */
	expect_bad_at(events + 1, hashes + 1, N - 1, 0);
}

static void test_reordering(void **state)
{
	struct audit_fields evs[N];
	const char *hs[N];
	(void)state;
	memcpy(evs, events, sizeof(evs));
	memcpy(hs, hashes, sizeof(hs));
	evs[1] = events[3];
	hs[1] = hashes[3];
	evs[3] = events[1];
	hs[3] = hashes[1];
	expect_bad_at(evs, hs, N, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_genesis_and_format),
		cmocka_unit_test(test_intact),
		cmocka_unit_test(test_tamper_each_field),
		cmocka_unit_test(test_null_differs_from_empty),
		cmocka_unit_test(test_tampered_hash),
		cmocka_unit_test(test_rewritten_entry_breaks_next),
		cmocka_unit_test(test_deletion),
		cmocka_unit_test(test_reordering),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
