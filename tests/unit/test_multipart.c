/* test_multipart.c: unit tests for multipart/form-data parsing and file name cleaning. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "http/multipart.h"
#include "util/buf.h"

#define B "----kalemXyZ"
#define CD "Content-Disposition: form-data; "

static int parse_n(const char *body, size_t len, struct multipart *m)
{
	return multipart_parse((const unsigned char *)body, len, B, m);
}

static int parse(const char *body, struct multipart *m)
{
	return parse_n(body, strlen(body), m);
}

static void assert_data(const struct multipart_part *p, const char *expect)
{
	assert_int_equal(p->len, strlen(expect));
	assert_memory_equal(p->data, expect, p->len);
}

/* ---- multipart_boundary ---- */

static void test_boundary_extract(void **state)
{
	char b[71];
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=----WebKitFormBoundaryAbC123", b, sizeof b), 0);
	assert_string_equal(b, "----WebKitFormBoundaryAbC123");
	assert_int_equal(multipart_boundary("Multipart/Form-Data;charset=utf-8;BOUNDARY=\"a b:c\"", b, sizeof b), 0);
	assert_string_equal(b, "a b:c");
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=xyz ; charset=utf-8", b, sizeof b), 0);
	assert_string_equal(b, "xyz");
	/* 70 characters is the maximum */
	char ct[200], seventy[71];
	memset(seventy, 'a', 70);
	seventy[70] = '\0';
	snprintf(ct, sizeof ct, "multipart/form-data; boundary=%s", seventy);
	assert_int_equal(multipart_boundary(ct, b, sizeof b), 0);
	assert_string_equal(b, seventy);
	/* ... and must fit the caller's buffer */
	assert_int_equal(multipart_boundary(ct, b, 70), -1);
}

static void test_boundary_reject(void **state)
{
	char b[71];
	static const char *bad[] = {
		"multipart/form-data",
		"multipart/form-data; boundary=",
		"multipart/form-data; boundary=\"\"",
		"multipart/form-data; boundary=\"abc",            /* unterminated quote */
		"multipart/form-data; boundary=\"abc \"",         /* ends with a space */
		"multipart/form-data; boundary=a<b",              /* not a bchar */
		"multipart/form-data; boundary=a; boundary=b",    /* repeated */
		"multipart/mixed; boundary=abc",                  /* other type */
		"application/x-www-form-urlencoded",
		"multipart/form-data boundary=abc",               /* no ';' */
		"text/plain; x=\"boundary=abc\"",
		"",
		"multipart/form-data; boundary=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 71 */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(multipart_boundary(bad[i], b, sizeof b), -1);
	assert_int_equal(multipart_boundary(NULL, b, sizeof b), -1);
	/* a quoted ';' is part of another parameter's value, not a separator */
	assert_int_equal(multipart_boundary("multipart/form-data; x=\"a;boundary=q\"; boundary=r", b, sizeof b), 0);
	assert_string_equal(b, "r");
}

/* ---- multipart_parse ---- */

static void test_fields_and_file(void **state)
{
	const char *body =
		"this is a preamble\r\n"
		"--" B "\r\n"
		CD "name=\"konu\"\r\n"
		"\r\n"
		"Şikâyet İçerik\r\n"
		"--" B "\r\n"
		"content-disposition: FORM-DATA; name=\"ek\"; filename=\"dilekçe.pdf\"\r\n"
		"Content-Type: application/pdf\r\n"
		"X-Ignored: yes\r\n"
		"\r\n"
		"%PDF-1.4\r\n\r\nbody\r\n"
		"--" B "\r\n"
		CD "name=bos\r\n"
		"\r\n"
		"\r\n"
		"--" B "--\r\n"
		"epilogue is ignored --" B "\r\n";
	struct multipart m;
	assert_int_equal(parse(body, &m), 0);
	assert_int_equal(m.n, 3);

	assert_string_equal(m.parts[0].name, "konu");
	assert_null(m.parts[0].filename);
	assert_string_equal(m.parts[0].content_type, "text/plain");
	assert_data(&m.parts[0], "Şikâyet İçerik");

	assert_string_equal(m.parts[1].name, "ek");
	assert_string_equal(m.parts[1].filename, "dilekçe.pdf");
	assert_string_equal(m.parts[1].content_type, "application/pdf");
	assert_data(&m.parts[1], "%PDF-1.4\r\n\r\nbody");
	/* data points into the body */
	assert_true(m.parts[1].data > (const unsigned char *)body &&
		    m.parts[1].data < (const unsigned char *)body + strlen(body));

	assert_string_equal(m.parts[2].name, "bos");
	assert_data(&m.parts[2], "");
	multipart_free(&m);
	assert_int_equal(m.n, 0);
	assert_null(m.parts);
	multipart_free(&m);
}

static void test_case_and_defaults(void **state)
{
	/* header and parameter names in any ASCII case (including the Turkish-prone I/i) */
	const char *body =
		"--" B "\r\n"
		"CONTENT-DISPOSITION: Form-Data; NAME=\"a\"; FILENAME=\"x.txt\"\r\n"
		"content-type:\r\n"
		"\r\nfile\r\n"
		"--" B "\r\n"
		"Content-Disposition: form-data; Name=b\r\n"
		"CONTENT-TYPE:   text/html ; charset=utf-8  \r\n"
		"\r\nfield\r\n"
		"--" B "--";
	struct multipart m;
	assert_int_equal(parse(body, &m), 0);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.parts[0].name, "a");
	assert_string_equal(m.parts[0].filename, "x.txt");
	assert_string_equal(m.parts[0].content_type, "application/octet-stream"); /* empty header */
	assert_string_equal(m.parts[1].name, "b");
	assert_string_equal(m.parts[1].content_type, "text/html ; charset=utf-8");
	assert_data(&m.parts[1], "field");
	multipart_free(&m);
}

static void test_no_preamble_and_padding(void **state)
{
	/* transport padding after the boundary, no epilogue, no CRLF after the close delimiter */
	const char *body = "--" B " \t\r\n" CD "name=a\r\n\r\nx\r\n--" B "--";
	struct multipart m;
	assert_int_equal(parse(body, &m), 0);
	assert_int_equal(m.n, 1);
	assert_data(&m.parts[0], "x");
	multipart_free(&m);
}

static void test_empty_form(void **state)
{
	struct multipart m;
	assert_int_equal(parse("--" B "--\r\n", &m), 0);
	assert_int_equal(m.n, 0);
	multipart_free(&m);
}

static void test_part_without_content(void **state)
{
	/* the blank line ending the headers is also the CRLF of the next delimiter */
	struct multipart m;
	assert_int_equal(parse("--" B "\r\n" CD "name=a\r\n\r\n--" B "--", &m), 0);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.parts[0].len, 0);
	multipart_free(&m);
}

static void test_boundary_like_data(void **state)
{
	/* Strings that look like the boundary but do not end a line are content. */
	const char *body =
		"--" B "\r\n"
		CD "name=\"f\"; filename=\"a.txt\"\r\n\r\n"
		"a--" B "\r\n"          /* not at the start of a line: content */
		"x\r\n--" B "X\r\n"     /* longer boundary */
		"y\r\n--" B "-z\r\n"    /* neither -- nor CRLF */
		"\r\n--" B "--";
	struct multipart m;
	assert_int_equal(parse(body, &m), 0);
	assert_int_equal(m.n, 1);
	assert_data(&m.parts[0], "a--" B "\r\nx\r\n--" B "X\r\ny\r\n--" B "-z\r\n");
	multipart_free(&m);
}

static void test_binary_file(void **state)
{
	static const unsigned char bin[] = {0x00, 0xFF, '\r', '\n', '-', '-', 0x00, 0x89, 'P', 'N', 'G', '\r'};
	struct buf b = BUF_INIT;
	buf_init(&b);
	buf_adds(&b, "--" B "\r\n" CD "name=\"img\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n");
	buf_add(&b, bin, sizeof bin);
	buf_adds(&b, "\r\n--" B "--\r\n");
	struct multipart m;
	assert_int_equal(parse_n(b.data, b.len, &m), 0);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.parts[0].len, sizeof bin);
	assert_memory_equal(m.parts[0].data, bin, sizeof bin);
	multipart_free(&m);

	/* the same bytes in a field (no filename) are rejected: fields must be text */
	buf_reset(&b);
	buf_adds(&b, "--" B "\r\n" CD "name=\"img\"\r\n\r\n");
	buf_add(&b, bin, sizeof bin);
	buf_adds(&b, "\r\n--" B "--\r\n");
	assert_int_equal(parse_n(b.data, b.len, &m), -1);
	assert_int_equal(m.n, 0);
	assert_null(m.parts);
	buf_free(&b);
}

static void test_filenames(void **state)
{
	const char *body =
		"--" B "\r\n" CD "name=\"a\"; filename=\"say \\\"hi\\\".txt\"\r\n\r\n1\r\n"
		"--" B "\r\n" CD "name=\"b\"; filename=\"C:\\Users\\x\\y.pdf\"\r\n\r\n2\r\n"
		"--" B "\r\n" CD "name=\"c\"; filename=\"fallback.pdf\"; filename*=UTF-8''%C5%9Eikay%C3%A2t.pdf\r\n\r\n3\r\n"
		"--" B "\r\n" CD "name=\"d\"; filename*=iso-8859-1'tr'%DE.pdf; filename=\"plain.pdf\"\r\n\r\n4\r\n"
		"--" B "\r\n" CD "name=\"e\"; filename=\"\"\r\n\r\n\r\n"
		"--" B "--\r\n";
	struct multipart m;
	assert_int_equal(parse(body, &m), 0);
	assert_int_equal(m.n, 5);
	assert_string_equal(m.parts[0].filename, "say \"hi\".txt");
	assert_string_equal(m.parts[1].filename, "C:\\Users\\x\\y.pdf");
	assert_string_equal(m.parts[2].filename, "Şikayât.pdf");
	assert_string_equal(m.parts[3].filename, "plain.pdf"); /* unsupported charset ignored */
	assert_string_equal(m.parts[4].filename, "");
	assert_string_equal(m.parts[4].content_type, "application/octet-stream");
	assert_int_equal(m.parts[4].len, 0);
	multipart_free(&m);
}

static void test_malformed(void **state)
{
	static const char *bad[] = {
		"",
		"no boundary at all",
		"--" B "\r\n" CD "name=a\r\n\r\nx",                        /* no final boundary */
		"--" B "\r\n" CD "name=a\r\n\r\nx\r\n--" B "\r\n",           /* no close delimiter */
		"--" B "\r\n" CD "name=a\r\n\r\nx--" B "--",                 /* close without CRLF */
		"--" B "\r\n" CD "filename=\"a\"\r\n\r\nx\r\n--" B "--",     /* no name */
		"--" B "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" B "--", /* no disposition */
		"--" B "\r\n\r\nx\r\n--" B "--",                             /* no headers */
		"--" B "\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--" B "--",
		"--" B "\r\n" CD "name=a; name=b\r\n\r\nx\r\n--" B "--",     /* repeated parameter */
		"--" B "\r\n" CD "name=a\r\n" CD "name=b\r\n\r\nx\r\n--" B "--",
		"--" B "\r\n" CD "name=a\r\nContent-Type: a\r\nContent-Type: b\r\n\r\nx\r\n--" B "--",
		"--" B "\r\n" CD "name=\"a\r\n\r\nx\r\n--" B "--",           /* unterminated quote */
		"--" B "\r\n" CD "name=a\r\n folded\r\n\r\nx\r\n--" B "--",
		"--" B "\r\n" CD "name=a\r\nNoColon\r\n\r\nx\r\n--" B "--",
		"--" B "\r\n" CD "name=a\rX: y\r\n\r\nx\r\n--" B "--",       /* bare CR */
		"--" B "\r\n" CD "name=a; filename*=UTF-8%41\r\n\r\nx\r\n--" B "--",
		"--" B "\r\n" CD "name=a; filename*=UTF-8''%FF\r\n\r\nx\r\n--" B "--",
		"--" B "\r\n" CD "name=a; filename*=UTF-8''a%00b\r\n\r\nx\r\n--" B "--",
		"--" B "\r\n" CD "name=\"\xFF\"\r\n\r\nx\r\n--" B "--",      /* name not UTF-8 */
		"--" B "\r\n" CD "name=a\r\n\r\n\xC3\x28\r\n--" B "--",      /* field not UTF-8 */
		/* a part that never ends its headers runs into the next delimiter */
		"--" B "\r\n" CD "name=a\r\n--" B "\r\n" CD "name=b\r\n\r\nx\r\n--" B "--",
		"--" B "X\r\n" CD "name=a\r\n\r\nx\r\n--" B "X--",           /* other boundary */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct multipart m;
		if (parse(bad[i], &m) != -1)
			fail_msg("case %zu parsed", i);
		assert_int_equal(m.n, 0);
		assert_null(m.parts);
	}
	/* a NUL byte in a header line */
	static const char nul_header[] = "--" B "\r\n" CD "name=\"a\0b\"\r\n\r\nx\r\n--" B "--";
	struct multipart m;
	assert_int_equal(parse_n(nul_header, sizeof nul_header - 1, &m), -1);
	/* bad boundary arguments */
	assert_int_equal(multipart_parse((const unsigned char *)"--\r\n", 4, "", &m), -1);
	assert_int_equal(multipart_parse((const unsigned char *)"x", 1, NULL, &m), -1);
}

static void test_limits(void **state)
{
	struct buf b = BUF_INIT;
	struct multipart m;

	buf_init(&b);
	for (int i = 0; i < MULTIPART_MAX_PARTS; i++)
		buf_addf(&b, "--" B "\r\n" CD "name=\"f%d\"\r\n\r\n%d\r\n", i, i);
	size_t before_close = b.len;
	buf_adds(&b, "--" B "--\r\n");
	assert_int_equal(parse_n(b.data, b.len, &m), 0);
	assert_int_equal(m.n, MULTIPART_MAX_PARTS);
	assert_string_equal(m.parts[99].name, "f99");
	assert_data(&m.parts[99], "99");
	multipart_free(&m);

	b.len = before_close;
	buf_adds(&b, "--" B "\r\n" CD "name=\"one-too-many\"\r\n\r\nx\r\n--" B "--\r\n");
	assert_int_equal(parse_n(b.data, b.len, &m), -1);

	/* header block: 8192 bytes pass, 8193 do not */
	for (size_t size = MULTIPART_MAX_HEADER_BYTES; size <= MULTIPART_MAX_HEADER_BYTES + 1; size++) {
		buf_reset(&b);
		buf_adds(&b, "--" B "\r\n" CD "name=a\r\nX-Pad: ");
		size_t block_start = strlen("--" B "\r\n");
		while (b.len - block_start < size)
			buf_addc(&b, 'p');
		buf_adds(&b, "\r\n\r\nx\r\n--" B "--");
		assert_int_equal(parse_n(b.data, b.len, &m), size == MULTIPART_MAX_HEADER_BYTES ? 0 : -1);
		multipart_free(&m);
	}
	buf_free(&b);
}

/* ---- multipart_safe_filename ---- */

static void expect_safe(const char *in, const char *out)
{
	char *s = multipart_safe_filename(in);
	if (strcmp(s, out) != 0)
		fail_msg("safe_filename(\"%s\") = \"%s\", want \"%s\"", in ? in : "(null)", s, out);
	free(s);
}

static void test_safe_filename(void **state)
{
	expect_safe("rapor.pdf", "rapor.pdf");
	expect_safe("Şikâyet dilekçesi (İzmir) 2024.docx", "Şikâyet dilekçesi (İzmir) 2024.docx");
	expect_safe("../../etc/passwd", "passwd");
	expect_safe("C:\\x\\y.pdf", "y.pdf");
	expect_safe("..\\..\\boot.ini", "boot.ini");
	expect_safe("\x01.pdf", "pdf");
	expect_safe("a\x01\x1f\x7f" "b.pdf", "ab.pdf");
	expect_safe("\xC2\x85x.pdf", "x.pdf"); /* C1 control NEL */
	expect_safe(".htaccess", "htaccess");
	expect_safe("...  .hidden", "hidden");
	expect_safe("..", "file");
	expect_safe("../", "file");
	expect_safe("a/b/", "file");
	expect_safe("", "file");
	expect_safe(NULL, "file");
	expect_safe("a..b....pdf", "a.b.pdf");
	expect_safe("x.pdf. . ", "x.pdf");
	expect_safe("a<b>c:d\"e|f?g*h.txt", "abcdefgh.txt");
	/* right-to-left override disguising an .exe as .pdf; zero-width space; BOM */
	expect_safe("fatura\xE2\x80\xAE" "fdp.exe", "faturafdp.exe");
	expect_safe("a\xE2\x80\x8B" "b\xEF\xBB\xBF.txt", "ab.txt");
	/* invalid UTF-8 bytes (e.g. a Windows-1254 name) are dropped, letters kept */
	expect_safe("\xDE" "ikayet.pdf", "ikayet.pdf");
	expect_safe("a\xC0\xAF" "b", "ab");
}

static void test_safe_filename_length(void **state)
{
	struct buf b = BUF_INIT;
	buf_init(&b);
	/* 200 two-byte letters and an extension: cut on a character boundary, extension kept */
	for (int i = 0; i < 200; i++)
		buf_adds(&b, "ş");
	buf_adds(&b, ".pdf");
	char *s = multipart_safe_filename(b.data);
	assert_true(strlen(s) <= MULTIPART_MAX_FILENAME);
	assert_int_equal(strlen(s), 116 + 4);
	assert_string_equal(s + strlen(s) - 4, ".pdf");
	assert_memory_equal(s, "şş", 4);
	free(s);

	/* odd cut point: 1 ASCII byte then two-byte letters, no extension */
	buf_reset(&b);
	buf_addc(&b, 'a');
	for (int i = 0; i < 100; i++)
		buf_adds(&b, "ğ");
	s = multipart_safe_filename(b.data);
	assert_int_equal(strlen(s), 119); /* 'a' + 59 letters; 120 would split one */
	assert_int_equal((unsigned char)s[118] & 0xC0, 0x80);
	free(s);

	/* a long "extension" is not kept specially */
	buf_reset(&b);
	buf_adds(&b, "x.");
	for (int i = 0; i < 150; i++)
		buf_addc(&b, 'e');
	s = multipart_safe_filename(b.data);
	assert_int_equal(strlen(s), MULTIPART_MAX_FILENAME);
	assert_memory_equal(s, "x.eee", 5);
	free(s);

	/* exactly 120 bytes stay as they are */
	buf_reset(&b);
	for (int i = 0; i < 116; i++)
		buf_addc(&b, 'n');
	buf_adds(&b, ".txt");
	s = multipart_safe_filename(b.data);
	assert_string_equal(s, b.data);
	free(s);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundary_extract),
		cmocka_unit_test(test_boundary_reject),
		cmocka_unit_test(test_fields_and_file),
		cmocka_unit_test(test_case_and_defaults),
		cmocka_unit_test(test_no_preamble_and_padding),
		cmocka_unit_test(test_empty_form),
		cmocka_unit_test(test_part_without_content),
		cmocka_unit_test(test_boundary_like_data),
		cmocka_unit_test(test_binary_file),
		cmocka_unit_test(test_filenames),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_safe_filename),
		cmocka_unit_test(test_safe_filename_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
