/* test_open311_format.c: unit tests for the Open311 wire formats and input parsers (api/open311_format.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "api/open311_format.h"
#include "util/buf.h"

static void test_split_format(void **state)
{
	(void)state;
	char name[O311_NAME_MAX + 1];
	enum o311_format fmt;
	assert_int_equal(o311_split_format("services.json", name, &fmt), 0);
	assert_string_equal(name, "services");
	assert_int_equal(fmt, O311_JSON);
	assert_int_equal(o311_split_format("cukur.xml/rest", name, &fmt), 0);
	assert_string_equal(name, "cukur");
	assert_int_equal(fmt, O311_XML);
	assert_int_equal(o311_split_format("a.b.json", name, &fmt), 0); /* the last dot */
	assert_string_equal(name, "a.b");
	assert_int_equal(o311_split_format("12.html", name, &fmt), 0);
	assert_int_equal(fmt, O311_UNKNOWN);
	assert_int_equal(o311_split_format("12.JSON", name, &fmt), 0);
	assert_int_equal(fmt, O311_UNKNOWN);
	/* must fail */
	assert_int_equal(o311_split_format("nodot", name, &fmt), -1);
	assert_string_equal(name, "");
	assert_int_equal(fmt, O311_UNKNOWN);
	assert_int_equal(o311_split_format(".json", name, &fmt), -1);
	assert_int_equal(o311_split_format("x/y.json", name, &fmt), -1); /* the dot is past the segment */
	char longname[O311_NAME_MAX + 8];
	memset(longname, 'a', O311_NAME_MAX + 1);
	strcpy(longname + O311_NAME_MAX + 1, ".xml");
	assert_int_equal(o311_split_format(longname, name, &fmt), -1);
}

static void test_coordinates(void **state)
{
	(void)state;
	double v;
	assert_int_equal(o311_parse_coordinate("37.874643", -90, 90, &v), 0);
	assert_true(v > 37.87 && v < 37.88);
	assert_int_equal(o311_parse_coordinate("-180", -180, 180, &v), 0);
	assert_int_equal(o311_parse_coordinate("+32.5", -180, 180, &v), 0);
	assert_int_equal(o311_parse_coordinate("0", -90, 90, &v), 0);
	/* must fail */
	const char *bad[] = {"", "90.0001", "-91", "1e2", "nan", "inf", " 37.8", "37.8 ", "37,8", "37.", ".5", "--1",
			     "37.1234567890123", "1000", "0x10"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(o311_parse_coordinate(bad[i], -90, 90, &v), -1);
	assert_int_equal(o311_parse_coordinate(NULL, -90, 90, &v), -1);
}

static void test_attribute_keys(void **state)
{
	(void)state;
	char code[O311_NAME_MAX + 1];
	assert_int_equal(o311_attribute_key("attribute[kind]", code), 1);
	assert_string_equal(code, "kind");
	assert_int_equal(o311_attribute_key("attribute[tur_2][]", code), 1);
	assert_string_equal(code, "tur_2");
	assert_int_equal(o311_attribute_key("description", code), 0);
	assert_int_equal(o311_attribute_key("attributes", code), 0);
	/* must fail */
	assert_int_equal(o311_attribute_key("attribute[]", code), -1);
	assert_int_equal(o311_attribute_key("attribute[a", code), -1);
	assert_int_equal(o311_attribute_key("attribute[a]x", code), -1);
	assert_int_equal(o311_attribute_key("attribute[a b]", code), -1);
	assert_int_equal(o311_attribute_key("attribute[a][0]", code), -1);
	assert_string_equal(code, "");
}

static void test_ids(void **state)
{
	(void)state;
	int64_t ids[4];
	assert_int_equal(o311_parse_ids("12", ids, 4), 1);
	assert_int_equal(ids[0], 12);
	assert_int_equal(o311_parse_ids("3, 1,3 ,2", ids, 4), 3);
	assert_int_equal(ids[0], 3);
	assert_int_equal(ids[1], 1);
	assert_int_equal(ids[2], 2);
	/* must fail */
	const char *bad[] = {"", ",", "1,", "0", "-1", "a", "1;2", "1,,2", "99999999999999999999", "1,2,3,4,5"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(o311_parse_ids(bad[i], ids, 4), -1);
}

static void test_xml_escape(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	o311_xml_escape(&b, "<a href=\"x\">Ş & 'ğ'\x01\t</a>");
	assert_string_equal(b.data, "&lt;a href=&quot;x&quot;&gt;Ş &amp; &apos;ğ&apos;\t&lt;/a&gt;");
	buf_free(&b);
}

static void test_write_xml_and_json(void **state)
{
	(void)state;
	json_t *v = json_pack("[{s:s,s:b,s:n,s:I,s:[{s:s,s:s}]}]", "service_code", "cukur<1>", "metadata", 1,
			      "account_id", "order", (json_int_t)2, "values", "key", "a&b", "name", "Çukur");
	struct buf b = BUF_INIT;
	o311_write(&b, O311_XML, "services", "service", v);
	assert_string_equal(b.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<services><service>"
				    "<service_code>cukur&lt;1&gt;</service_code><metadata>true</metadata><account_id/>"
				    "<order>2</order><values><value><key>a&amp;b</key><name>Çukur</name></value></values>"
				    "</service></services>\n");
	buf_free(&b);
	o311_write(&b, O311_JSON, "services", "service", v);
	json_t *back = json_loads(b.data, 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(back, v));
	json_decref(back);
	buf_free(&b);
	json_decref(v);
	/* Coordinates come out as they were given, in both formats. */
	v = json_pack("{s:f}", "lat", 37.874643);
	o311_write(&b, O311_JSON, "request", "request", v);
	assert_string_equal(b.data, "{\"lat\":37.874643}\n");
	buf_free(&b);
	o311_write(&b, O311_XML, "request", "request", v);
	assert_non_null(strstr(b.data, "<request><lat>37.874643</lat></request>"));
	buf_free(&b);
	json_decref(v);
}

static void test_errors(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	o311_write_error(&b, O311_XML, 404, "Yok <x>");
	assert_string_equal(b.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<errors><error><code>404</code>"
				    "<description>Yok &lt;x&gt;</description></error></errors>\n");
	buf_free(&b);
	o311_write_error(&b, O311_JSON, 403, "key");
	assert_string_equal(b.data, "[{\"code\":403,\"description\":\"key\"}]\n");
	buf_free(&b);
	assert_string_equal(o311_content_type(O311_JSON), "application/json; charset=utf-8");
	assert_string_equal(o311_content_type(O311_UNKNOWN), "text/xml; charset=utf-8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_format), cmocka_unit_test(test_coordinates),
		cmocka_unit_test(test_attribute_keys), cmocka_unit_test(test_ids),
		cmocka_unit_test(test_xml_escape),    cmocka_unit_test(test_write_xml_and_json),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
