/* files.h: uploaded files (scanned petitions, answers, attachments) on disk under <var>/files, judged by their bytes
 * (libmagic), size-limited, named by their SHA-256 and fsynced before the database row that points at them
 * commits; and their links to records ("application", "application_route", ...).
 *
 * A file as JSON (file_get, files_for_record items):
 *   {id, sha256, mime, size, name (the sanitised original name), created_at, created_by,
 *    role (files_for_record only: "petition"|"answer"|"attachment"|"receipt"), link_id}
 */
#ifndef KALEM_STORE_FILES_H
#define KALEM_STORE_FILES_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "store/db.h"

#define FILES_MAX_DEFAULT (10u << 20) /* bytes of one upload unless the caller says otherwise */

/* Results besides an id. */
#define FILE_ERROR (-1)     /* database or disk error (logged) */
#define FILE_TOO_LARGE (-30)
#define FILE_BAD_TYPE (-31) /* the bytes are not of an allowed type, whatever the name says */
#define FILE_EMPTY (-32)

/* The types a scanned petition may have: application/pdf, image/jpeg, image/png; NULL-terminated. */
extern const char *const files_petition_types[];

/* The MIME type of data judged by its bytes (libmagic, thread-safe), into mime (OUT). Returns 0 or -1. */
int files_sniff(const void *data, size_t len, char mime[64] /* OUT */);

/* Stores data inside the caller's open write transaction: checks size (1..max_len) and type (files_sniff in
 * allowed, NULL = files_petition_types), writes <files_dir>/<first two hex of sha>/<sha256> through a temporary
 * file, fsync and rename, fsyncs the directory (the same bytes stored twice share one file), and inserts the row
 * (name: original_name reduced to its last path component, control characters and / \ removed, at most 200
 * bytes, "" becomes "file"). Audited "file.store". Returns the id, FILE_TOO_LARGE, FILE_BAD_TYPE, FILE_EMPTY or
 * FILE_ERROR. */
int64_t file_store(struct db *db, const char *files_dir, const char *actor, const char *original_name,
		   const void *data, size_t len, size_t max_len, const char *const *allowed);

/* One file as JSON (see the top), or NULL. */
json_t *file_get(struct db *db, int64_t id);

/* Reads the whole file id into *data (OUT, caller frees) and *len (OUT), checking its SHA-256 against the row.
 * Returns 0, -1 on error, or FILE_ERROR when the bytes on disk do not match (logged). */
int file_read(struct db *db, const char *files_dir, int64_t id, void **data /* OUT */, size_t *len /* OUT */);

/* Links file_id to a record inside the caller's write transaction, with role "petition", "answer", "attachment"
 * or "receipt"; audited. Returns the link id or -1. */
int64_t file_link(struct db *db, const char *actor, int64_t file_id, const char *record_type, int64_t record_id,
		  const char *role);

/* The files linked to a record, oldest first (an array, never NULL). */
json_t *files_for_record(struct db *db, const char *record_type, int64_t record_id);

/* True if file id is linked to a record of record_type with one of record_ids (for download access checks: a
 * directorate user may fetch a file only through a record it may see). */
bool file_linked_to(struct db *db, int64_t file_id, const char *record_type, int64_t record_id);

/* The records file_id is linked to, oldest link first: [{record_type, record_id, role}] (an array, never NULL; empty
 * when the file has no links or on error, logged). What a download's access check starts from. */
json_t *file_links(struct db *db, int64_t file_id);

#endif
