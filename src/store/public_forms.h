/* public_forms.h: per-address throttling of the public (no account) forms, kept in the database. */
#ifndef KALEM_STORE_PUBLIC_FORMS_H
#define KALEM_STORE_PUBLIC_FORMS_H
#include <stdint.h>
#include "store/db.h"

/* Number of submissions of form from address at or after since (unix seconds), or -1 on a database error. */
int public_form_count(struct db *db, const char *form, const char *address, int64_t since);
/* Records one submission of form from address at now; inside the caller's transaction or alone. 0 or -1. */
int public_form_record(struct db *db, const char *form, const char *address, int64_t now);

#endif
