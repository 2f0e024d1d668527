/* archive.h: the unit archive: the Standart Dosya Planı (file plan, loaded as data from data/file_plan.csv), and
 * archived documents with their official number E-<DETSİS unit no>-<file-plan code>-<sequence>, the sequence
 * gap-free and atomic (taken in the same write transaction as the document, so a rolled back document takes no
 * number). There is one sequence per calendar year (doc_sequences row "docno.2026", Istanbul time): the office
 * restarts numbering at 1 every 1 January, so a number is unique within its year (documents: UNIQUE (year, number)).
 *
 * A file-plan entry as JSON: {code "010.06.02", title, retention_years, disposal ("İmha"|"Devlet Arşivi"|...)}.
 * A document as JSON: {id, number, sequence, file_plan_code, file_plan_title, title, record_type, record_id,
 *   file_id (0 = none), archived_at, archived_by, retention_until (unix seconds, end of the retention)}.
 */
#ifndef KALEM_STORE_ARCHIVE_H
#define KALEM_STORE_ARCHIVE_H
#include <jansson.h>
#include <stdint.h>
#include "store/db.h"

#define ARCHIVE_ERROR (-1)
#define ARCHIVE_NO_CODE (-40)   /* the file-plan code is not in the plan */
#define ARCHIVE_NO_DETSIS (-41) /* org.detsis_unit (store/settings.h) is not set to 8 digits */

/* Seeds the plan from the embedded data/file_plan.csv when the file_plan table is empty (so administrators' edits
 * stay), inside the caller's write transaction (setup_database). Returns the number of entries inserted (0 when the
 * table had some), or -1. */
int file_plan_seed(struct db *db);

/* The plan, by code: an array. */
json_t *file_plan_list(struct db *db);
/* One entry, or NULL. */
json_t *file_plan_get(struct db *db, const char *code);

/* Archives a document inside the caller's write transaction: takes the next number of the sequence, formats the
 * document number (core/docnum.h) into number (OUT), stores the document with its retention, audits
 * "document.archive". file_id 0 = no file. Returns the document id, ARCHIVE_NO_CODE, ARCHIVE_NO_DETSIS or
 * ARCHIVE_ERROR. */
int64_t archive_document(struct db *db, const char *actor, const char *record_type, int64_t record_id,
			 const char *file_plan_code, const char *title, int64_t file_id, char number[96] /* OUT */);

/* The documents of a record, oldest first (never NULL). */
json_t *archive_for_record(struct db *db, const char *record_type, int64_t record_id);
/* One document, or NULL. */
json_t *archive_get(struct db *db, int64_t id);

#endif
