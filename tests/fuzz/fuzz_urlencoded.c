/* fuzz_urlencoded.c: libFuzzer target for form body / query string decoding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "http/urlencoded.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct params p;

	params_init(&p);
	if (urlencoded_parse((const char *)data, size, &p) == 0) {
		if (p.n > URLENCODED_MAX_PAIRS)
			abort();
		for (size_t i = 0; i < p.n; i++) {
			/* values are C strings of exactly value_len bytes (no NUL inside) */
			if (strlen(p.items[i].value) != p.items[i].value_len)
				abort();
			if (i >= 16) /* lookups are linear: checking every pair would be quadratic */
				continue;
			if (params_get(&p, p.items[i].name) == NULL)
				abort();
			size_t count = params_count(&p, p.items[i].name);
			if (count == 0 || params_get_nth(&p, p.items[i].name, count - 1) == NULL ||
			    params_get_nth(&p, p.items[i].name, count) != NULL)
				abort();
		}
	}
	params_free(&p);

	/* Decode an exactly sized copy, so that any read or write past len is caught. */
	for (int plus = 0; plus < 2; plus++) {
		char *copy = xmalloc(size ? size : 1);
		if (size)
			memcpy(copy, data, size);
		if (url_decode_inplace(copy, size, plus) > size)
			abort();
		free(copy);
	}
	return 0;
}
