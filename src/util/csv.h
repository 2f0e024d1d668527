/* csv.h: RFC 4180 CSV: a reader that copes with what spreadsheets write, and a writer that defuses formulas.
 *
 * Reader. Accepts a UTF-8 byte order mark (skipped), CRLF, LF or lone CR line ends, quoted fields with ""
 * escapes and embedded separators and line breaks, and a last record without a line end. The separator is
 * ',' unless the first line holds more ';' than ',' outside quotes (Excel with Turkish settings writes ';'),
 * or the file starts with Excel's "sep=X" hint line (X one of , ; TAB |: it is then used and the line
 * skipped). Blank lines are skipped. Fields are bytes: checking the encoding is the caller's business.
 * Limits: CSV_MAX_COLUMNS fields per record, CSV_MAX_FIELD bytes per field, no NUL bytes.
 *
 * Writer. csv_add_field quotes a field when it holds a separator (',' or ';', so the output reads right with
 * either), a '"', a line break or leading/trailing spaces, or when it starts like a byte order mark or a "sep="
 * hint. Against CSV (formula) injection, a field that starts with '=', '+', '-', '@', TAB or CR gets a leading
 * apostrophe, so a spreadsheet shows it as text instead of evaluating it (OWASP's advice): "+905321234567" is
 * written as "'+905321234567". A field that is apostrophes followed by such a start gets one more apostrophe,
 * so csv_unguard (which readers of our own files call) always gives back exactly what was written.
 */
#ifndef KALEM_UTIL_CSV_H
#define KALEM_UTIL_CSV_H
#include <stddef.h>
#include "util/buf.h"

#define CSV_MAX_COLUMNS 200
#define CSV_MAX_FIELD (64 * 1024)

enum csv_error {
	CSV_OK = 0,
	CSV_ERR_QUOTE,        /* a quoted field is not closed before the end of the data */
	CSV_ERR_AFTER_QUOTE,  /* something other than a separator, line end or spaces follows a closing quote */
	CSV_ERR_COLUMNS,      /* more than CSV_MAX_COLUMNS fields in one record */
	CSV_ERR_FIELD_LENGTH, /* a field longer than CSV_MAX_FIELD bytes */
	CSV_ERR_NUL,          /* a NUL byte in the data */
};

/* Where and why parsing stopped. */
struct csv_failure {
	enum csv_error code;
	size_t line; /* 1-based physical line of the fault */
};

/* Called once per record, the header line included. fields[0..n) are NUL-terminated and belong to the parser:
 * valid for the call only (the callback may modify them in place). line is the 1-based physical line the
 * record starts on (records with quoted line breaks span several lines). Return 0 to go on; any other value
 * stops the parse, and csv_parse returns it (so use positive values). */
typedef int (*csv_row_fn)(void *ctx, size_t line, char **fields, size_t n);

/* Parses data[0..len) calling on_row for each record. Returns 0 at the end of the data, the callback's value if
 * it stopped early, or -1 on malformed input, with failure (OUT, may be NULL) saying why and on which line.
 * On -1, on_row has been called for the records before the fault only. */
int csv_parse_ex(const char *data, size_t len, csv_row_fn on_row, void *ctx, struct csv_failure *failure);
/* csv_parse_ex without the failure details. */
int csv_parse(const char *data, size_t len, csv_row_fn on_row, void *ctx);
/* The separator csv_parse would use for data: ',' or ';'. */
char csv_detect_separator(const char *data, size_t len);

/* Appends one field (NULL is written as an empty field), quoted when needed and guarded against formula
 * injection as described above. Separators and line ends are the caller's (or csv_add_row's). */
void csv_add_field(struct buf *b, const char *s);
/* Appends fields[0..n) joined by sep and ended with CRLF (a row of one empty field as "", not as a blank line). */
void csv_add_row(struct buf *b, const char *const *fields, size_t n, char sep);
/* Undoes the writer's guard in place: drops a leading apostrophe that is followed by (more apostrophes and)
 * '=', '+', '-', '@', TAB or CR. Any other text is left alone. Returns s (NULL gives NULL). */
char *csv_unguard(char *s);

#endif
