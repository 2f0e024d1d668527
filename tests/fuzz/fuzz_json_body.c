/* fuzz_json_body.c: libFuzzer target for JSON request body parsing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "http/json_body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[160];
	json_t *root = json_body_parse((const char *)data, size, err, sizeof err);

	if (!root) {
		if (err[0] == '\0' || strnlen(err, sizeof err) == sizeof err)
			abort();
		return 0;
	}
	if (!json_is_object(root) || err[0] != '\0')
		abort();
	const char *key;
	json_t *value;
	json_object_foreach(root, key, value) {
		const char *s = json_body_str(root, key);
		if ((s != NULL) != json_is_string(value))
			abort();
	}
	json_body_str(root, "");
	json_decref(root);
	return 0;
}
