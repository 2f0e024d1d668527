/* fuzz_csv.c: libFuzzer target for the CSV reader, and the writer's round trip of whatever the reader returns. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util/buf.h"
#include "util/csv.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every record the reader returned, written again with csv_add_row. */
struct first_pass {
	struct buf rewritten;
	size_t records;
	size_t last_line;
	bool at_limit; /* a field of CSV_MAX_FIELD bytes: its guard apostrophe would push it over the limit */
};

static int first_row(void *ctx, size_t line, char **fields, size_t n)
{
	struct first_pass *fp = ctx;
	if (n == 0 || n > CSV_MAX_COLUMNS || line == 0 || line <= fp->last_line)
		abort();
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(fields[i]);
		if (len > CSV_MAX_FIELD)
			abort();
		fp->at_limit |= len == CSV_MAX_FIELD;
	}
	fp->last_line = line;
	fp->records++;
	csv_add_row(&fp->rewritten, (const char *const *)fields, n, ',');
	return 0;
}

/* Reads the rewritten text and compares each record, unguarded, with the records of the first pass. */
struct second_pass {
	struct buf again;
	size_t records;
};

static int second_row(void *ctx, size_t line, char **fields, size_t n)
{
	struct second_pass *sp = ctx;
	for (size_t i = 0; i < n; i++)
		csv_unguard(fields[i]);
	csv_add_row(&sp->again, (const char *const *)fields, n, ',');
	sp->records++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct first_pass fp = {.rewritten = BUF_INIT};
	buf_init(&fp.rewritten);
	struct csv_failure failure;
	int rc = csv_parse_ex((const char *)data, size, first_row, &fp, &failure);
	if (rc != 0 && rc != -1)
		abort();
	if (rc == -1 && (failure.code == CSV_OK || failure.line == 0))
		abort();
	char sep = csv_detect_separator((const char *)data, size);
	if (sep != ',' && sep != ';' && sep != '\t' && sep != '|')
		abort();

	/* Writing what was read and reading it back gives the same records: the writer quotes and guards
	 * everything the reader would otherwise take apart, and csv_unguard undoes the guard exactly. Comparing
	 * the rewritten text of both passes compares every field. */
	struct second_pass sp = {.again = BUF_INIT};
	buf_init(&sp.again);
	if (fp.at_limit)
		goto out;
	if (csv_parse(fp.rewritten.data, fp.rewritten.len, second_row, &sp) != 0)
		abort();
	if (sp.records != fp.records)
		abort();
	/* The first pass wrote the raw fields (guarding them); the second wrote the unguarded ones (guarding them
	 * again): both must be the same bytes. */
	if (sp.again.len != fp.rewritten.len || memcmp(sp.again.data, fp.rewritten.data, fp.rewritten.len) != 0)
		abort();
out:
	buf_free(&sp.again);
	buf_free(&fp.rewritten);
	return 0;
}
