/* fuzz_cookie.c: libFuzzer target for Cookie header lookup.
 * Input: the cookie name, a newline, then the header value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "http/cookie.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t name_len = nl ? (size_t)(nl - data) : 0;
	char *name = xstrndup((const char *)data, name_len);
	char *header = nl ? xstrndup((const char *)nl + 1, size - name_len - 1)
			  : xstrndup((const char *)data, size);
	static const size_t sizes[] = {1, 4, 33, 4096};

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		/* exactly sized, so a write past outsz is caught */
		char *out = xmalloc(sizes[i]);
		int r = cookie_get(header, name, out, sizes[i]);
		size_t len = strnlen(out, sizes[i]);
		if (len >= sizes[i] || (r < 0 && len != 0) || (r == 0 && !strstr(header, out)))
			abort();
		free(out);
	}
	free(name);
	free(header);
	return 0;
}
