/* fuzz_open311.c: libFuzzer target for the Open311 input parsers (".fmt" suffixes, coordinates, attribute[code]
 * form keys, service_request_id lists) and the XML escaper (api/open311_format.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "api/open311_format.h"
#include "util/buf.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exactly sized NUL-terminated copy, so that any read past the end is caught. */
	char *s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';

	char name[O311_NAME_MAX + 1];
	enum o311_format fmt;
	if (o311_split_format(s, name, &fmt) == 0) {
		if (!name[0] || strlen(name) > O311_NAME_MAX || strchr(name, '/'))
			abort();
	} else if (name[0] || fmt != O311_UNKNOWN) {
		abort();
	}

	double v;
	if (o311_parse_coordinate(s, -180, 180, &v) == 0 && !(v >= -180 && v <= 180))
		abort();

	char code[O311_NAME_MAX + 1];
	int k = o311_attribute_key(s, code);
	if (k == 1 && (!code[0] || strlen(code) > O311_NAME_MAX || strncmp(s, "attribute[", 10) != 0 ||
		       !strstr(s, code)))
		abort();
	if (k != 1 && code[0])
		abort();

	int64_t ids[8];
	int n = o311_parse_ids(s, ids, 8);
	if (n == 0 || n > 8)
		abort();
	for (int i = 0; i < n; i++)
		if (ids[i] <= 0)
			abort();

	/* The escaped text carries no markup character of its own and no C0 control but tab, CR, LF. */
	struct buf out = BUF_INIT;
	buf_adds(&out, "");
	o311_xml_escape(&out, s);
	for (size_t i = 0; i < out.len; i++) {
		unsigned char c = (unsigned char)out.data[i];
		if (c == '<' || c == '>' || c == '"' || c == '\'' || (c < 0x20 && c != '\t' && c != '\n' && c != '\r'))
			abort();
		if (c == '&' && strncmp(out.data + i, "&amp;", 5) != 0 && strncmp(out.data + i, "&lt;", 4) != 0 &&
		    strncmp(out.data + i, "&gt;", 4) != 0 && strncmp(out.data + i, "&quot;", 6) != 0 &&
		    strncmp(out.data + i, "&apos;", 6) != 0)
			abort();
	}
	buf_free(&out);
	free(s);
	return 0;
}
