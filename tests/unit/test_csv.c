/* test_csv.c: unit tests for the CSV reader and writer (util/csv.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "util/buf.h"
#include "util/csv.h"
#include "util/xalloc.h"

/* Every record as "line:field|field|..." lines, for compact assertions. */
struct collect {
	struct buf out;
	int stop_after; /* stop (return 7) after this many records; 0 = never */
	int records;
};

static int collect_row(void *ctx, size_t line, char **fields, size_t n)
{
	struct collect *c = ctx;
	buf_addf(&c->out, "%zu:", line);
	for (size_t i = 0; i < n; i++)
		buf_addf(&c->out, "%s%s", i ? "|" : "", fields[i]);
	buf_addc(&c->out, '\n');
	c->records++;
	return c->stop_after && c->records == c->stop_after ? 7 : 0;
}

/* Parses s (len bytes, or strlen) and returns the collected text (caller frees); *rc and *failure set. */
static char *parse_len(const char *s, size_t len, int *rc, struct csv_failure *failure)
{
	struct collect c = {.out = BUF_INIT};
	buf_init(&c.out);
	*rc = csv_parse_ex(s, len, collect_row, &c, failure);
	return buf_detach(&c.out, NULL);
}

static char *parse(const char *s, int *rc)
{
	struct csv_failure f;
	return parse_len(s, strlen(s), rc, &f);
}

static void assert_parses(const char *in, const char *expected)
{
	int rc;
	char *got = parse(in, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(got, expected);
	free(got);
}

static void assert_fails(const char *in, size_t len, enum csv_error code, size_t line)
{
	int rc;
	struct csv_failure f;
	char *got = parse_len(in, len, &rc, &f);
	assert_int_equal(rc, -1);
	assert_int_equal(f.code, code);
	assert_int_equal(f.line, line);
	free(got);
}

static void test_simple_records(void **state)
{
	assert_parses("kod,ad\nFEN,Fen İşleri\nZAB,Zabıta\n", "1:kod|ad\n2:FEN|Fen İşleri\n3:ZAB|Zabıta\n");
	/* No line end after the last record; empty fields kept, including a trailing one. */
	assert_parses("a,,c\n,x,", "1:a||c\n2:|x|\n");
	/* A single field per line. */
	assert_parses("one\ntwo", "1:one\n2:two\n");
}

static void test_line_ends_and_blank_lines(void **state)
{
	assert_parses("a,b\r\nc,d\r\n", "1:a|b\n2:c|d\n");
	assert_parses("a,b\rc,d\r", "1:a|b\n2:c|d\n");
	/* Blank lines are skipped but counted. */
	assert_parses("a\n\n\r\nb\n\n", "1:a\n4:b\n");
	assert_parses("", "");
	assert_parses("\n\n", "");
}

static void test_bom_is_skipped(void **state)
{
	assert_parses("\xEF\xBB\xBFkod;ad\nFEN;Fen\n", "1:kod|ad\n2:FEN|Fen\n");
	/* Only at the very start. */
	assert_parses("x\n\xEF\xBB\xBFy\n", "1:x\n2:\xEF\xBB\xBFy\n");
}

static void test_quoted_fields(void **state)
{
	/* Separators, doubled quotes and line breaks inside quotes; the line of each record is where it starts. */
	assert_parses("ad,adres\n\"Yılmaz, Ayşe\",\"Yaka Mah.\nNo: 5\"\n\"Dr. \"\"Ali\"\"\",x\n",
		      "1:ad|adres\n2:Yılmaz, Ayşe|Yaka Mah.\nNo: 5\n4:Dr. \"Ali\"|x\n");
	/* CRLF inside quotes is kept and counted once. */
	assert_parses("\"a\r\nb\",c\r\nd\r\n", "1:a\r\nb|c\n3:d\n");
	/* An empty quoted field, and spaces after a closing quote are ignored. */
	assert_parses("\"\",\"x\"  ,y\n", "1:|x|y\n");
	/* A quote inside an unquoted field is an ordinary character. */
	assert_parses("5\" disket,b\n", "1:5\" disket|b\n");
}

static void test_separator_detection(void **state)
{
	assert_int_equal(csv_detect_separator("a;b;c\n1,5;2;3", 13), ';');
	assert_int_equal(csv_detect_separator("a,b;c", 5), ',');
	/* Separators inside quotes do not count. */
	assert_int_equal(csv_detect_separator("\"a;b;c\",d\n", 10), ',');
	/* A tie keeps the comma. */
	assert_int_equal(csv_detect_separator("a;b,c", 5), ',');
	assert_parses("kod;ad;telefon\nFEN;Fen, İmar;0332 000 00 00\n",
		      "1:kod|ad|telefon\n2:FEN|Fen, İmar|0332 000 00 00\n");
	/* Excel's hint line chooses the separator and is not a record. */
	assert_parses("sep=;\r\na;b,c\r\n", "2:a|b,c\n");
	assert_int_equal(csv_detect_separator("sep=;\na,b,c", 11), ';');
	/* Not a hint: something follows the separator character. */
	assert_parses("sep=;x,y\n", "1:sep=;x|y\n");
}

static void test_unterminated_quote(void **state)
{
	const char *in = "a,b\nc,\"open\nstill open\n";
	assert_fails(in, strlen(in), CSV_ERR_QUOTE, 2);
	assert_fails("\"", 1, CSV_ERR_QUOTE, 1);
}

static void test_text_after_closing_quote(void **state)
{
	const char *in = "a\n\"x\"y,z\n";
	assert_fails(in, strlen(in), CSV_ERR_AFTER_QUOTE, 2);
}

static void test_nul_byte(void **state)
{
	assert_fails("a,b\nc\0d\n", 8, CSV_ERR_NUL, 2);
	assert_fails("\"c\0d\"\n", 6, CSV_ERR_NUL, 1);
}

static void test_column_limit(void **state)
{
	struct buf b = BUF_INIT;
	buf_init(&b);
	for (int i = 0; i < CSV_MAX_COLUMNS; i++)
		buf_adds(&b, i ? ",x" : "x");
	int rc;
	char *got = parse(b.data, &rc);
	assert_int_equal(rc, 0);
	free(got);
	buf_adds(&b, ",x");
	assert_fails(b.data, b.len, CSV_ERR_COLUMNS, 1);
	buf_free(&b);
}

static void test_field_length_limit(void **state)
{
	for (int quoted = 0; quoted < 2; quoted++) {
		struct buf b = BUF_INIT;
		buf_init(&b);
		buf_adds(&b, "h\n");
		if (quoted)
			buf_addc(&b, '"');
		for (int i = 0; i < CSV_MAX_FIELD; i++)
			buf_addc(&b, 'a');
		if (quoted)
			buf_addc(&b, '"');
		int rc;
		char *got = parse(b.data, &rc);
		assert_int_equal(rc, 0);
		assert_int_equal(strlen(got), 4 + 2 + CSV_MAX_FIELD + 1); /* "1:h\n" "2:" field "\n" */
		free(got);
		size_t at = quoted ? b.len - 1 : b.len;
		buf_grow(&b, 2);
		memmove(b.data + at + 1, b.data + at, b.len - at + 1);
		b.data[at] = 'a';
		b.len++;
		assert_fails(b.data, b.len, CSV_ERR_FIELD_LENGTH, 2);
		buf_free(&b);
	}
}

static void test_callback_stops(void **state)
{
	struct collect c = {.stop_after = 2};
	buf_init(&c.out);
	assert_int_equal(csv_parse("a\nb\nc\n", 6, collect_row, &c), 7);
	assert_string_equal(c.out.data, "1:a\n2:b\n");
	buf_free(&c.out);
}

static void test_writer_quoting(void **state)
{
	struct buf b = BUF_INIT;
	buf_init(&b);
	const char *row[] = {"plain", "a,b", "a;b", "say \"hi\"", "two\nlines", " padded ", "", NULL, "Şükrü Çağlar"};
	csv_add_row(&b, row, sizeof row / sizeof row[0], ',');
	assert_string_equal(b.data, "plain,\"a,b\",\"a;b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded \",,,Şükrü Çağlar\r\n");
	buf_reset(&b);
	csv_add_row(&b, row, 2, ';');
	assert_string_equal(b.data, "plain;\"a,b\"\r\n");
	buf_free(&b);
}

static void test_writer_formula_guard(void **state)
{
	struct buf b = BUF_INIT;
	buf_init(&b);
	const char *row[] = {"=HYPERLINK(\"http://x\")", "+905321234567", "-5", "@SUM(A1)", "\tx", "a=b", "'quoted",
			     "'=x"};
	csv_add_row(&b, row, sizeof row / sizeof row[0], ',');
	assert_string_equal(b.data, "\"'=HYPERLINK(\"\"http://x\"\")\",'+905321234567,'-5,'@SUM(A1),\"'\tx\",a=b,'quoted,"
				    "''=x\r\n");
	buf_free(&b);

	char s1[] = "'+905321234567", s2[] = "'quoted", s3[] = "'", s4[] = "=x", s5[] = "''=x";
	assert_string_equal(csv_unguard(s1), "+905321234567");
	assert_string_equal(csv_unguard(s2), "'quoted");
	assert_string_equal(csv_unguard(s3), "'");
	assert_string_equal(csv_unguard(s4), "=x");
	assert_string_equal(csv_unguard(s5), "'=x");
	assert_null(csv_unguard(NULL));
}

/* What the writer writes, the reader reads back (after unguarding), with either separator. */
static const char *const round_trip_values[] = {
	"", "x", "Işık, İğdır", "a;b", "\"", "\"\"", "line1\r\nline2", "=1+2", "-3", "+90 532", " lead", "trail ",
	"'=already", "''@x", "'", "ğüşöçıİĞÜŞÖÇ",
};
#define N_RT (sizeof round_trip_values / sizeof round_trip_values[0])

struct rt {
	size_t seen;
};

static int check_round_trip(void *ctx, size_t line, char **fields, size_t n)
{
	struct rt *rt = ctx;
	assert_int_equal(n, N_RT + 1);
	assert_string_equal(fields[0], "first");
	for (size_t i = 0; i < N_RT; i++)
		assert_string_equal(csv_unguard(fields[i + 1]), round_trip_values[i]);
	rt->seen++;
	return 0;
}

static void test_round_trip(void **state)
{
	for (int s = 0; s < 2; s++) {
		char sep = s ? ';' : ',';
		const char *row[N_RT + 1];
		row[0] = "first";
		for (size_t i = 0; i < N_RT; i++)
			row[i + 1] = round_trip_values[i];
		struct buf b = BUF_INIT;
		buf_init(&b);
		/* The first line decides the separator: write it twice so detection sees a real row. */
		csv_add_row(&b, row, N_RT + 1, sep);
		csv_add_row(&b, row, N_RT + 1, sep);
		struct rt rt = {0};
		assert_int_equal(csv_parse(b.data, b.len, check_round_trip, &rt), 0);
		assert_int_equal(rt.seen, 2);
		buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_records),
		cmocka_unit_test(test_line_ends_and_blank_lines),
		cmocka_unit_test(test_bom_is_skipped),
		cmocka_unit_test(test_quoted_fields),
		cmocka_unit_test(test_separator_detection),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_text_after_closing_quote),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_column_limit),
		cmocka_unit_test(test_field_length_limit),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_writer_quoting),
		cmocka_unit_test(test_writer_formula_guard),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
