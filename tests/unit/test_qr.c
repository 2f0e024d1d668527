/* test_qr.c: qr_svg (render/qr.h) draws well-formed SVG of rect and path elements only, of the size the QR
 * standard gives for the input (version 1 for a short text: 21 modules plus the quiet zone), escapes the text,
 * refuses what cannot be encoded, and the drawing, rasterised here, decodes (zbarimg) to the text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "render/qr.h"
#include "util/buf.h"

/* Every element name in svg, in order, separated by spaces (closing tags and self-closed ones not repeated). */
static void element_names(const char *svg, char *out, size_t outsz)
{
	out[0] = '\0';
	for (const char *p = strchr(svg, '<'); p; p = strchr(p + 1, '<')) {
		if (p[1] == '/')
			continue;
		size_t n = strcspn(p + 1, " />");
		size_t len = strlen(out);
		snprintf(out + len, outsz - len, "%s%.*s", len ? " " : "", (int)n, p + 1);
	}
}

/* The module grid of svg's path into grid (OUT, size x size, 1 = dark); returns size or -1. */
static int rasterise(const char *svg, unsigned char *grid, int max)
{
	int size;
	const char *vb = strstr(svg, "viewBox=\"0 0 ");
	if (!vb || sscanf(vb, "viewBox=\"0 0 %d", &size) != 1 || size > max)
		return -1;
	memset(grid, 0, (size_t)size * (size_t)size);
	const char *d = strstr(svg, " d=\"");
	if (!d)
		return -1;
	d += 4;
	while (*d == 'M') {
		int x, y, run, back, used = 0;
		if (sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &back, &used) != 4 || run != back || !used)
			return -1;
		for (int i = 0; i < run; i++) {
			if (x + i >= size || y >= size)
				return -1;
			grid[y * size + x + i] = 1;
		}
		d += used;
	}
	return *d == '"' ? size : -1;
}

static void short_text_is_version_1(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_int_equal(qr_svg("HELLO", &b), 0);
	assert_non_null(strstr(b.data, "viewBox=\"0 0 29 29\"")); /* 21 modules + 2 x 4 quiet */
	char names[256];
	element_names(b.data, names, sizeof names);
	assert_string_equal(names, "svg rect path");
	assert_null(strstr(b.data, "script"));
	assert_null(strstr(b.data, "style="));
	assert_null(strstr(b.data, "href"));
	/* Well formed: the root closes last, the children are self-closed. */
	size_t n = strlen(b.data);
	assert_true(n > 6 && strcmp(b.data + n - 6, "</svg>") == 0);
	assert_non_null(strstr(b.data, "<rect width=\"29\" height=\"29\" fill=\"#fff\"/>"));
	assert_non_null(strstr(b.data, "\"/></svg>"));
	/* The three finder patterns: a 7-module dark run on the first row at both top corners. */
	unsigned char grid[200 * 200];
	assert_int_equal(rasterise(b.data, grid, 200), 29);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(grid[4 * 29 + 4 + i], 1);
		assert_int_equal(grid[4 * 29 + 18 + i], 1);
		assert_int_equal(grid[(4 + 6) * 29 + 4 + i], 1);
	}
	assert_int_equal(grid[4 * 29 + 11], 0); /* between the finders on the top row: a separator or timing */
	assert_int_equal(grid[0], 0);           /* the quiet zone */
	buf_free(&b);
}

static void longer_text_grows(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	/* 60 bytes in 8-bit mode at level M need version 4: 33 modules. */
	const char *url = "https://kalem.meram.bel.tr/basvuru-takip?code=B23456789AB&xy";
	assert_int_equal((int)strlen(url), 60);
	assert_int_equal(qr_svg(url, &b), 0);
	assert_non_null(strstr(b.data, "viewBox=\"0 0 41 41\""));
	buf_free(&b);
}

static void text_is_escaped_and_bad_input_refused(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_int_equal(qr_svg("<script>\"&'", &b), 0);
	assert_null(strstr(b.data, "<script"));
	assert_non_null(strstr(b.data, "aria-label=\"&lt;script&gt;&quot;&amp;"));
	char names[256];
	element_names(b.data, names, sizeof names);
	assert_string_equal(names, "svg rect path");
	buf_free(&b);
	struct buf e = BUF_INIT;
	assert_int_equal(qr_svg("", &e), -1);
	assert_int_equal(qr_svg(NULL, &e), -1);
	char *huge = malloc(8000);
	memset(huge, 'a', 7999);
	huge[7999] = '\0';
	assert_int_equal(qr_svg(huge, &e), -1); /* more than version 40 holds */
	assert_int_equal((int)e.len, 0);
	free(huge);
	buf_free(&e);
}

/* Rasterises the SVG at 8 pixels a module into a PGM and reads it back with zbarimg. */
static void decodes_to_the_text(void **state)
{
	(void)state;
	const char *text = "http://127.0.0.1:18111/basvuru-takip?code=B23456789A";
	struct buf b = BUF_INIT;
	assert_int_equal(qr_svg(text, &b), 0);
	static unsigned char grid[200 * 200];
	int size = rasterise(b.data, grid, 200);
	assert_true(size > 21);
	char dir[] = "/tmp/kalem-qr-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64], cmd[160];
	snprintf(path, sizeof path, "%s/qr.pgm", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	int scale = 8, px = size * scale;
	fprintf(f, "P5\n%d %d\n255\n", px, px);
	for (int y = 0; y < px; y++)
		for (int x = 0; x < px; x++)
			fputc(grid[(y / scale) * size + x / scale] ? 0 : 255, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "zbarimg -q --raw '%s' 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[256] = "";
	if (!fgets(line, sizeof line, p))
		line[0] = '\0';
	int rc = pclose(p);
	unlink(path);
	rmdir(dir);
	assert_int_equal(rc, 0);
	line[strcspn(line, "\n")] = '\0';
	assert_string_equal(line, text);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(short_text_is_version_1),
		cmocka_unit_test(longer_text_grows),
		cmocka_unit_test(text_is_escaped_and_bad_input_refused),
		cmocka_unit_test(decodes_to_the_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
