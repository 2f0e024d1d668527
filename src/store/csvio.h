/* csvio.h: importing and exporting the reference data (directorates, neighbourhoods, parties) as CSV files,
 * shared by the command line (kalem import/export) and the web pages (/admin/import, /<kind>.csv).
 *
 * Import. The first record is the header: columns are found by name, Turkish or English, case- and
 * accent-insensitively, ignoring spaces, '-', '_' and '.' ("E-posta", "eposta", "email", "e_mail" are one
 * column); the order is free and optional columns may be left out. Every row is checked with the rules of the
 * forms (core/phone, core/validate, core/tckn). A row whose natural key names an existing record updates it
 * (only the columns present in the file change); other rows are inserted:
 *   directorates    the code
 *   neighbourhoods  the name, compared folded ("ALAVARDI" finds "Alavardı", whose spelling is kept)
 *   parties         the TCKN; without one, an institution by its exact name, a citizen by exact name and phone
 *                   (a citizen with neither TCKN nor phone is always inserted)
 * The whole file is one write transaction: if any row is wrong nothing is written, and the problems list every
 * bad row with its line, column and reason in the caller's language. A file that is not valid UTF-8 is read as
 * Windows-1254 (what Excel's plain "CSV" format writes on Turkish Windows). Fields written by our own export
 * with the formula guard (a leading apostrophe, see util/csv.h) are read back without it. Booleans accept
 * 1/0, evet/hayır, e/h, yes/no, y/n, true/false, doğru/yanlış, var/yok, aktif/pasif, x; an empty cell keeps the
 * default (new rows) or the stored value (updates).
 *
 * Export. Every record of the kind, in Turkish order, with a header line in the caller's language, written so
 * that the import reads it back unchanged (TCKNs only when exported in full).
 */
#ifndef KALEM_STORE_CSVIO_H
#define KALEM_STORE_CSVIO_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "store/db.h"
#include "util/buf.h"
#include "util/i18n.h"

enum csvio_kind { CSVIO_DIRECTORATES, CSVIO_NEIGHBOURHOODS, CSVIO_PARTIES };

/* At most this many problems are listed (problems_total still counts them all). */
#define CSVIO_MAX_PROBLEMS 500

/* "directorates", "neighbourhoods", "parties" (also the Turkish "mudurlukler", "mahalleler", "kisiler"):
 * 0 and *out (OUT) set, or -1. */
int csvio_kind_from_name(const char *name, enum csvio_kind *out);
/* "directorates", "neighbourhoods" or "parties". */
const char *csvio_kind_name(enum csvio_kind kind);

struct csvio_result {
	int rows;             /* data rows read (blank rows skipped) */
	int inserted;         /* these three are set only when the import was written */
	int updated;
	int unchanged;        /* rows naming an existing record that they would not change (not written) */
	bool converted;       /* the file was read as Windows-1254 */
	int problems_total;
	json_t *problems;     /* [{line, column, message, key}]: line 0 = the whole file, column "" = the whole row;
			       * message in the caller's language, key the catalogue key of the reason */
};

/* Imports data[0..len) as records of kind, as actor, in its own write transaction (the caller must not have one
 * open); each change is audited by the store modules, and the import itself as an "import" event. lang: the
 * language of the messages. result (OUT) is initialised here; free it with csvio_result_free.
 * Returns 0 when everything was written, 1 when the file was refused (result->problems says why; nothing
 * written), -1 on a database error (logged; nothing written). */
int csvio_import(struct db *db, const char *actor, enum csvio_kind kind, const char *data, size_t len,
		 enum lang lang, struct csvio_result *result);
void csvio_result_free(struct csvio_result *result);

/* The columns of kind for help pages: [{header (in lang), other (the other language's header), also (more
 * accepted names, comma-separated), required (bool)}] in export order. Never NULL. */
json_t *csvio_columns(enum csvio_kind kind, enum lang lang);

struct csvio_export_options {
	enum lang lang;  /* of the header line and the enumerated values (e.g. "vatandaş" / "citizen") */
	char sep;        /* ',' (RFC 4180) or ';' (Excel with Turkish settings) */
	bool bom;        /* start with a UTF-8 byte order mark, so Excel shows Turkish letters */
	bool full_tckn;  /* parties: the TCKN in full; otherwise masked (123******46), which the import refuses */
};

/* Appends every record of kind as CSV to out and records an "export" audit event by actor (record type "csv",
 * key the kind name, with the row count and whether TCKNs were in full) in its own write transaction (the
 * caller must not have one open). Returns the number of rows, or -1 (logged; out may hold a partial file,
 * which must not be sent). */
int csvio_export(struct db *db, const char *actor, enum csvio_kind kind, const struct csvio_export_options *opt,
		 struct buf *out);

#endif
