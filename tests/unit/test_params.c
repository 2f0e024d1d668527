/* test_params.c: unit tests for the ordered name/value multimap. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "http/params.h"

static void test_empty(void **state)
{
	struct params p;
	params_init(&p);
	assert_null(params_get(&p, "a"));
	assert_int_equal(params_count(&p, "a"), 0);
	assert_null(params_get_nth(&p, "a", 0));
	params_free(&p);
	params_free(&p); /* harmless twice */
}

static void test_order_and_repeats(void **state)
{
	struct params p;
	params_init(&p);
	params_add(&p, "tag", 3, "a", 1);
	params_add(&p, "name", 4, "Ayşe", strlen("Ayşe"));
	params_add(&p, "tag", 3, "b", 1);
	params_add(&p, "tag", 3, "", 0);

	assert_int_equal(p.n, 4);
	assert_string_equal(params_get(&p, "name"), "Ayşe");
	assert_int_equal(params_count(&p, "tag"), 3);
	assert_string_equal(params_get(&p, "tag"), "a");
	assert_string_equal(params_get_nth(&p, "tag", 1), "b");
	assert_string_equal(params_get_nth(&p, "tag", 2), "");
	assert_null(params_get_nth(&p, "tag", 3));
	/* exact, case-sensitive names; prefixes do not match */
	assert_null(params_get(&p, "Tag"));
	assert_null(params_get(&p, "ta"));
	assert_null(params_get(&p, "tags"));
	params_free(&p);
	assert_int_equal(p.n, 0);
	assert_null(params_get(&p, "tag"));
}

static void test_copies_exact_lengths(void **state)
{
	struct params p;
	char name[] = "abcdef", value[] = "123456";
	params_init(&p);
	params_add(&p, name, 3, value, 2);
	params_add(&p, NULL, 0, NULL, 0);
	name[0] = 'X'; /* the params own copies */
	value[0] = 'X';
	assert_string_equal(params_get(&p, "abc"), "12");
	assert_int_equal(p.items[0].value_len, 2);
	assert_string_equal(p.items[1].name, "");
	assert_string_equal(params_get(&p, ""), "");
	params_free(&p);
}

static void test_growth(void **state)
{
	struct params p;
	char n[16];
	params_init(&p);
	for (int i = 0; i < 500; i++) {
		int len = snprintf(n, sizeof n, "k%d", i);
		params_add(&p, n, (size_t)len, n, (size_t)len);
	}
	assert_int_equal(p.n, 500);
	assert_string_equal(params_get(&p, "k0"), "k0");
	assert_string_equal(params_get(&p, "k499"), "k499");
	assert_null(params_get(&p, "k500"));
	params_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_order_and_repeats),
		cmocka_unit_test(test_copies_exact_lengths),
		cmocka_unit_test(test_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
