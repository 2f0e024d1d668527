/* setup.h: bringing a database to a usable state: schema, server keys, seed data. */
#ifndef KALEM_STORE_SETUP_H
#define KALEM_STORE_SETUP_H
#include <stdbool.h>
#include "store/db.h"

/* Migrates the schema, creates the CSRF key if absent and seeds the official holidays of this year and the next
 * two (only years with no holiday yet, so administrators' edits stay). Safe to run on every start, from several
 * servers at once. Returns 0 or -1. */
int setup_database(struct db *db);
/* Loads the shared CSRF key (32 bytes) into key. */
int setup_csrf_key(struct db *db, unsigned char key[32]);
/* Reads a setting (copied into out); returns 1 found, 0 not, -1 error. */
int setting_get(struct db *db, const char *key, char *out, size_t outsz);
/* Writes a setting inside the caller's write transaction; audited (secret values are not logged). */
int setting_set(struct db *db, const char *actor, const char *key, const char *value, bool secret);

#endif
