/* fuzz_template.c: libFuzzer target for the template compiler and renderer.
 * Input: template source, optionally followed by a NUL byte and a JSON context (else a fixed one).
 * The source is registered as "fuzz" (so {{> fuzz}} recurses) beside a fixed partial "p". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util/i18n.h"
#include "util/log.h"
#include "web/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char catalogue[] = "a\tA <tr> & 'x'\tA <en> & \"x\"\nb.c\tBir\tOne\n";
static const char default_ctx[] =
	"{\"a\": \"<x>&\\\"'\", \"b\": [1, {\"a\": 2, \"b\": []}, \"s\", [true]], \"c\": {\"d\": true},"
	" \"e\": 0, \"f\": 2.5, \"g\": null}";

static void init_once(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	/* one past the highest level: the expected syntax errors would only slow the fuzzer down */
	log_set_level((enum log_level)(LOG_ERROR + 1));
	if (i18n_load_text("fuzz", catalogue, sizeof catalogue - 1) < 0)
		abort();
	static const char partial[] = "[{{a}}{{#c}}{{d}}{{/c}}{{@b.c}}]";
	if (tmpl_compile_string("p", partial, sizeof partial - 1) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init_once();
	const char *src = (const char *)data;
	const uint8_t *nul = memchr(data, '\0', size);
	size_t src_len = nul ? (size_t)(nul - data) : size;
	json_t *ctx = nul ? json_loadb((const char *)nul + 1, size - src_len - 1, JSON_DECODE_ANY, NULL)
			  : json_loads(default_ctx, 0, NULL);

	if (tmpl_compile_string("fuzz", src, src_len) == 0) {
		/* Without '<' in the source nor a way to write raw ('&', triple mustaches), nothing may
		 * put a '<' in the output: values and catalogue texts are escaped. */
		int no_raw = !memchr(src, '<', src_len) && !memchr(src, '&', src_len) &&
			     !memmem(src, src_len, "{{{", 3);
		for (int lang = LANG_TR; lang <= LANG_EN; lang++) {
			struct buf out = BUF_INIT;
			int rc = tmpl_render(&out, "fuzz", ctx, (enum lang)lang);
			if (rc != 0 && rc != -1)
				abort();
			if (rc == 0 && no_raw && out.len && memchr(out.data, '<', out.len))
				abort();
			buf_free(&out);
		}
	}
	json_decref(ctx);
	return 0;
}
