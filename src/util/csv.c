/* csv.c: the CSV reader and writer described in csv.h. */
#include <stdbool.h>
#include <string.h>
#include "util/csv.h"

/* Characters that make a spreadsheet treat a cell as a formula (or that Excel strips before deciding). */
static const char FORMULA_STARTS[] = "=+-@\t\r";

static bool starts_formula(const char *s)
{
	return s && *s && strchr(FORMULA_STARTS, *s) != NULL;
}

/* Whether the writer prefixes an apostrophe: a formula start, or apostrophes before one (so that csv_unguard,
 * which drops one apostrophe, gives back exactly what was written). */
static bool needs_guard(const char *s)
{
	while (*s == '\'')
		s++;
	return starts_formula(s);
}

/* Skips a UTF-8 byte order mark. */
static const char *skip_bom(const char *p, const char *end)
{
	if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
		return p + 3;
	return p;
}

/* Excel's "sep=;" first line: returns the separator and sets *after to the next line, or 0 if absent. */
static char sep_hint(const char *p, const char *end, const char **after)
{
	if (end - p < 5 || memcmp(p, "sep=", 4) != 0 || !p[4] || !strchr(",;\t|", p[4]))
		return 0;
	const char *q = p + 5;
	if (q < end && *q != '\r' && *q != '\n')
		return 0;
	if (q < end && *q == '\r')
		q++;
	if (q < end && *q == '\n' && q[-1] != '\n')
		q++;
	*after = q;
	return p[4];
}

/* ';' when the first line has more of them than ',' outside quotes, else ','. */
static char count_separators(const char *p, const char *end)
{
	size_t commas = 0, semicolons = 0;
	bool quoted = false;
	for (; p < end; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == '\n' || *p == '\r'))
			break;
		else if (!quoted && *p == ',')
			commas++;
		else if (!quoted && *p == ';')
			semicolons++;
	}
	return semicolons > commas ? ';' : ',';
}

char csv_detect_separator(const char *data, size_t len)
{
	const char *end = data + len, *p = skip_bom(data, end), *after;
	char hint = sep_hint(p, end, &after);
	return hint ? hint : count_separators(p, end);
}

struct parser {
	const char *p, *end;
	char sep;
	size_t line;
	struct buf row; /* the record's fields, each NUL-terminated, one after the other */
	size_t starts[CSV_MAX_COLUMNS];
	char *fields[CSV_MAX_COLUMNS];
	size_t n;
	struct csv_failure *failure;
};

static int fail(struct parser *ps, enum csv_error code, size_t line)
{
	if (ps->failure) {
		ps->failure->code = code;
		ps->failure->line = line;
	}
	return -1;
}

/* Consumes one line end (CRLF, LF or CR) at ps->p, counting the line. */
static void eat_line_end(struct parser *ps)
{
	if (*ps->p == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n')
		ps->p++;
	ps->p++;
	ps->line++;
}

/* Reads a quoted field whose opening quote is at ps->p. Returns 0 or -1. */
static int quoted_field(struct parser *ps, size_t field_start)
{
	size_t opened_on = ps->line;
	ps->p++;
	for (;;) {
		if (ps->p >= ps->end)
			return fail(ps, CSV_ERR_QUOTE, opened_on);
		char c = *ps->p;
		if (c == '"') {
			if (ps->p + 1 < ps->end && ps->p[1] == '"') {
				buf_addc(&ps->row, '"');
				ps->p += 2;
				continue;
			}
			ps->p++;
			break;
		}
		if (c == '\0')
			return fail(ps, CSV_ERR_NUL, ps->line);
		/* A CRLF inside quotes is counted once, at its LF. */
		if (c == '\n' || (c == '\r' && !(ps->p + 1 < ps->end && ps->p[1] == '\n')))
			ps->line++;
		buf_addc(&ps->row, c);
		ps->p++;
		if (ps->row.len - field_start > CSV_MAX_FIELD)
			return fail(ps, CSV_ERR_FIELD_LENGTH, opened_on);
	}
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'))
		ps->p++;
	if (ps->p < ps->end && *ps->p != ps->sep && *ps->p != '\r' && *ps->p != '\n')
		return fail(ps, CSV_ERR_AFTER_QUOTE, ps->line);
	return 0;
}

static int plain_field(struct parser *ps)
{
	const char *start = ps->p;
	while (ps->p < ps->end && *ps->p != ps->sep && *ps->p != '\r' && *ps->p != '\n') {
		if (*ps->p == '\0')
			return fail(ps, CSV_ERR_NUL, ps->line);
		ps->p++;
	}
	if ((size_t)(ps->p - start) > CSV_MAX_FIELD)
		return fail(ps, CSV_ERR_FIELD_LENGTH, ps->line);
	buf_add(&ps->row, start, (size_t)(ps->p - start));
	return 0;
}

/* Reads one record starting at ps->p (not at a blank line) into ps->fields. Returns 0 or -1. */
static int record(struct parser *ps)
{
	buf_reset(&ps->row);
	ps->n = 0;
	for (;;) {
		if (ps->n == CSV_MAX_COLUMNS)
			return fail(ps, CSV_ERR_COLUMNS, ps->line);
		size_t start = ps->row.len;
		ps->starts[ps->n] = start;
		int rc = ps->p < ps->end && *ps->p == '"' ? quoted_field(ps, start) : plain_field(ps);
		if (rc != 0)
			return rc;
		buf_addc(&ps->row, '\0');
		ps->n++;
		if (ps->p >= ps->end)
			break;
		if (*ps->p == ps->sep) {
			ps->p++;
			continue;
		}
		eat_line_end(ps);
		break;
	}
	for (size_t i = 0; i < ps->n; i++)
		ps->fields[i] = ps->row.data + ps->starts[i];
	return 0;
}

int csv_parse_ex(const char *data, size_t len, csv_row_fn on_row, void *ctx, struct csv_failure *failure)
{
	struct parser ps = {.end = data + len, .line = 1, .failure = failure};
	if (failure) {
		failure->code = CSV_OK;
		failure->line = 0;
	}
	buf_init(&ps.row);
	ps.p = skip_bom(data, ps.end);
	const char *after;
	char hint = sep_hint(ps.p, ps.end, &after);
	if (hint) {
		ps.sep = hint;
		ps.p = after;
		ps.line = 2;
	} else {
		ps.sep = count_separators(ps.p, ps.end);
	}
	int rc = 0;
	while (ps.p < ps.end) {
		if (*ps.p == '\r' || *ps.p == '\n') {
			eat_line_end(&ps);
			continue;
		}
		size_t line = ps.line;
		rc = record(&ps);
		if (rc != 0)
			break;
		rc = on_row(ctx, line, ps.fields, ps.n);
		if (rc != 0)
			break;
	}
	buf_free(&ps.row);
	return rc;
}

int csv_parse(const char *data, size_t len, csv_row_fn on_row, void *ctx)
{
	return csv_parse_ex(data, len, on_row, ctx, NULL);
}

void csv_add_field(struct buf *b, const char *s)
{
	if (!s)
		s = "";
	size_t n = strlen(s);
	bool guard = needs_guard(s);
	/* Beside the RFC 4180 cases: spaces at the ends (some readers trim them), and text a reader would take
	 * for a byte order mark or a "sep=" hint at the start of a file. */
	bool quote = strpbrk(s, ",;\"\r\n") != NULL ||
		     (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')) ||
		     strncmp(s, "\xEF\xBB\xBF", 3) == 0 || strncmp(s, "sep=", 4) == 0;
	if (quote)
		buf_addc(b, '"');
	if (guard)
		buf_addc(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	if (quote)
		buf_addc(b, '"');
}

void csv_add_row(struct buf *b, const char *const *fields, size_t n, char sep)
{
	/* A lone empty field would make a blank line, which readers skip. */
	if (n == 1 && (!fields[0] || !*fields[0])) {
		buf_adds(b, "\"\"\r\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addc(b, sep);
		csv_add_field(b, fields[i]);
	}
	buf_adds(b, "\r\n");
}

char *csv_unguard(char *s)
{
	if (s && s[0] == '\'' && needs_guard(s + 1))
		memmove(s, s + 1, strlen(s));
	return s;
}
