/* fuzz_multipart.c: libFuzzer target for multipart/form-data parsing and file name cleaning.
 * Input: a Content-Type header value, a newline, then the body. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "http/multipart.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What multipart_safe_filename promises, checked on every name it returns. */
static void check_safe_filename(const char *name)
{
	char *safe = multipart_safe_filename(name);
	size_t len = strlen(safe);

	if (len == 0 || len > MULTIPART_MAX_FILENAME || safe[0] == '.' || safe[0] == ' ' ||
	    safe[len - 1] == '.' || safe[len - 1] == ' ' || strstr(safe, "..") ||
	    strpbrk(safe, "/\\<>:\"|?*"))
		abort();
	for (const unsigned char *p = (const unsigned char *)safe; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			abort();
	/* cut on a character boundary: the last byte is ASCII or ends a sequence it belongs to */
	const unsigned char *s = (const unsigned char *)safe;
	size_t start = len - 1;
	while (start > 0 && (s[start] & 0xC0) == 0x80)
		start--;
	size_t need = s[start] < 0x80 ? 1 : (s[start] & 0xE0) == 0xC0 ? 2 : (s[start] & 0xF0) == 0xE0 ? 3 : 4;
	if (len - start != need)
		abort();
	free(safe);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ct_len = nl ? (size_t)(nl - data) : size;
	char *content_type = xstrndup((const char *)data, ct_len);
	char boundary[71];
	struct multipart m;

	if (multipart_boundary(content_type, boundary, sizeof boundary) < 0)
		memcpy(boundary, "xyz", 4);
	if (strlen(boundary) < 1 || strlen(boundary) > 70)
		abort();

	/* The body in its own exactly sized allocation, so over-reads are caught. */
	size_t body_len = nl ? size - ct_len - 1 : 0;
	unsigned char *body = xmalloc(body_len ? body_len : 1);
	if (body_len)
		memcpy(body, nl + 1, body_len);
	if (multipart_parse(body, body_len, boundary, &m) == 0) {
		if (m.n > MULTIPART_MAX_PARTS)
			abort();
		for (size_t i = 0; i < m.n; i++) {
			const struct multipart_part *p = &m.parts[i];
			if (!p->name || !p->content_type || p->data < body || p->len > body_len ||
			    p->data + p->len > body + body_len)
				abort();
			if (!p->filename && memchr(p->data, '\0', p->len))
				abort();
			check_safe_filename(p->filename ? p->filename : p->name);
		}
	} else if (m.n != 0 || m.parts != NULL) {
		abort();
	}
	multipart_free(&m);
	check_safe_filename(content_type);
	free(body);
	free(content_type);
	return 0;
}
