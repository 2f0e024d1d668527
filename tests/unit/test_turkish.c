/* test_turkish.c: Turkish folding, sort keys and collation, including concurrent use. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "util/turkish.h"

static void expect_fold(const char *in, const char *want)
{
	char *got = tr_fold(in);
	if (strcmp(got, want) != 0)
		fail_msg("tr_fold('%s') = '%s', want '%s'", in ? in : "(null)", got, want);
	free(got);
}

static void test_fold(void **state)
{
	(void)state;
	expect_fold("Şikayet", "sikayet");
	expect_fold("ISIK", "isik");
	expect_fold("Işık", "isik");
	expect_fold("ışık", "isik");
	expect_fold("İSTANBUL", "istanbul");
	expect_fold("istanbul", "istanbul");
	expect_fold("İstanbul", "istanbul");
	expect_fold("ĞÜŞÖÇİI ğüşöçiı", "gusocii gusocii");
	expect_fold("Kâzım Karabekir", "kazim karabekir");
	expect_fold("Hâkimiyet-i Milliye", "hakimiyet-i milliye");
	expect_fold("Çağlayan 2. Sokak No:5/3", "caglayan 2. sokak no:5/3");
	expect_fold("Ø Straße Łódź", "o strasse lodz");
	/* decomposed input (NFD from a Mac) folds the same as composed */
	expect_fold("S\xcc\xa7iki\xcc\x87", "siki");
	expect_fold("", "");
	expect_fold(NULL, "");
	/* other scripts are lowercased and kept */
	expect_fold("ΑΘΗΝΑ", "αθηνα");
	/* invalid UTF-8 does not crash; the bad byte becomes U+FFFD */
	expect_fold("Ay\xffşe", "ay\xef\xbf\xbd" "se");
}

static void test_fold_long(void **state)
{
	(void)state;
	/* Longer than the stack buffers: exercises the heap path. */
	size_t reps = 500;
	char *in = malloc(reps * strlen("Işık") + 1), *want = malloc(reps * 4 + 1);
	in[0] = want[0] = '\0';
	for (size_t i = 0; i < reps; i++) {
		strcat(in, "Işık");
		strcat(want, "isik");
	}
	expect_fold(in, want);
	free(in);
	free(want);
}

static int key_cmp(const char *a, const char *b)
{
	char *ka = tr_sort_key(a), *kb = tr_sort_key(b);
	int r = strcmp(ka, kb);
	free(ka);
	free(kb);
	return r < 0 ? -1 : r > 0;
}

/* Each list is in strictly increasing Turkish order; sort keys and tr_compare must agree. */
static void check_ascending(const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			int want = i < j ? -1 : i > j;
			int by_key = key_cmp(words[i], words[j]);
			int c = tr_compare(words[i], words[j]);
			int by_coll = c < 0 ? -1 : c > 0;
			if (by_key != want || by_coll != want)
				fail_msg("'%s' vs '%s': key %d, collator %d, want %d", words[i],
					 words[j], by_key, by_coll, want);
		}
	}
}

static void test_letter_order(void **state)
{
	(void)state;
	static const char *const letters[] = {"c", "ç", "d", "g", "ğ", "h", "ı", "i", "j",
					      "o", "ö", "p", "s", "ş", "t", "u", "ü", "v"};
	check_ascending(letters, sizeof(letters) / sizeof(letters[0]));
}

static void test_word_order(void **state)
{
	(void)state;
	/* "cuma" < "çam" and "ılık" < "iğne" hold in Turkish but not in the root collation. */
	static const char *const words[] = {"cuma", "çam", "çiçek", "dede", "ılık", "Irmak",
					    "iğne", "İzmir", "ocak", "öğle", "sabah", "şeker",
					    "uzun", "ümit", "vali"};
	check_ascending(words, sizeof(words) / sizeof(words[0]));
	assert_true(tr_compare("cuma", "çam") < 0);
	assert_true(tr_compare("ılık", "iğne") < 0);
}

static void test_case_adjacent(void **state)
{
	(void)state;
	/* Tertiary strength: case differs, but sorts next to the other case before the next word. */
	static const char *const words[] = {"ali", "Ali", "alim", "ışık", "Işık", "ilk", "İlk",
					    "ince"};
	check_ascending(words, sizeof(words) / sizeof(words[0]));
	assert_int_equal(tr_compare("Ayşe", "Ayşe"), 0);
	assert_true(tr_compare("ayşe", "AYŞE") != 0);
}

static void test_key_format(void **state)
{
	(void)state;
	char *k = tr_sort_key("Ayşe");
	assert_true(strlen(k) > 0);
	assert_int_equal(strlen(k) % 2, 0);
	for (const char *p = k; *p; p++)
		assert_non_null(strchr("0123456789abcdef", *p));
	assert_false(strlen(k) >= 2 && strcmp(k + strlen(k) - 2, "00") == 0); /* no terminator */
	char *k2 = tr_sort_key("Ayşe");
	assert_string_equal(k, k2); /* deterministic */
	free(k2);
	free(k);

	char *empty = tr_sort_key(""), *null = tr_sort_key(NULL), *a = tr_sort_key("a");
	assert_string_equal(empty, null);
	assert_true(strcmp(empty, a) < 0);
	free(empty);
	free(null);
	free(a);

	assert_true(tr_compare(NULL, "a") < 0);
	assert_true(tr_compare("a", NULL) > 0);
	assert_int_equal(tr_compare(NULL, NULL), 0);
}

static void test_key_long(void **state)
{
	(void)state;
	/* A key longer than the stack buffer still orders right. */
	char a[2001], b[2001];
	memset(a, 'x', 2000);
	a[2000] = '\0';
	memcpy(b, a, 2001);
	b[1999] = 'y';
	assert_true(key_cmp(a, b) < 0);
}

struct worker {
	const char *in;
	const char *fold_want;
	const char *key_want;
	int failures;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < 2000; i++) {
		char *f = tr_fold(w->in), *k = tr_sort_key(w->in);
		if (strcmp(f, w->fold_want) != 0 || strcmp(k, w->key_want) != 0)
			w->failures++;
		if (tr_compare(w->in, w->in) != 0)
			w->failures++;
		free(f);
		free(k);
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	static const char *const inputs[] = {"Işık", "İstanbul", "Çağlayan", "şule", "Öğretmen",
					     "ÜSKÜDAR", "ılgaz", "Gümüşhane"};
	enum { N = sizeof(inputs) / sizeof(inputs[0]) };
	struct worker w[N];
	pthread_t t[N];
	for (int i = 0; i < N; i++) {
		w[i] = (struct worker){.in = inputs[i], .fold_want = tr_fold(inputs[i]),
				       .key_want = tr_sort_key(inputs[i])};
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
		free((char *)w[i].fold_want);
		free((char *)w[i].key_want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_fold_long),
		cmocka_unit_test(test_letter_order),
		cmocka_unit_test(test_word_order),
		cmocka_unit_test(test_case_adjacent),
		cmocka_unit_test(test_key_format),
		cmocka_unit_test(test_key_long),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
