/* form.h: validation of submitted fields against a declared table; one checker for HTML forms and JSON bodies. */
#ifndef KALEM_WEB_FORM_H
#define KALEM_WEB_FORM_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "http/req.h"

enum field_type {
	F_TEXT,   /* trimmed UTF-8, control characters refused */
	F_LONGTEXT, /* multi-line text */
	F_INT,    /* integer within [min, max] */
	F_ID,     /* positive integer reference; 0/empty means none */
	F_EMAIL,
	F_PHONE,  /* normalised to +90... */
	F_TCKN,   /* 11 digits with valid check digits */
	F_DATE,   /* YYYY-MM-DD, a real calendar date; the text is kept (so a failed form shows it as typed) */
	F_TIME,   /* HH:MM; the text is kept */
	F_ENUM,   /* one of choices */
	F_BOOL,   /* checkbox: present and not "0"/"false" -> true */
	F_DECIMAL6, /* decimal degrees -> integer millionths */
};

struct field {
	const char *name;
	enum field_type type;
	bool required;
	size_t max_len;             /* code points, F_TEXT/F_LONGTEXT; 0 = 200 */
	const char *const *choices; /* F_ENUM: NULL-terminated */
	const char *label_key;      /* catalogue key naming the field in messages */
	int64_t min, max;           /* F_INT */
};

/* Checks every declared field of r (the form, or the JSON body for application/json); undeclared fields are
 * ignored. values (OUT, an object) receives typed, normalised values (strings, integers, booleans; absent
 * optional fields as "" / 0 / false); errors (OUT, an object) receives field -> message in r's language.
 * Returns the number of errors. */
int form_check(struct req *r, const struct field *fields, size_t n, json_t *values, json_t *errors);

/* Adds a field error by catalogue key (for checks that need the database, e.g. duplicates). */
void form_error(struct req *r, json_t *errors, const struct field *f, const char *key);

/* Responds 422 with the errors: JSON for the API, or the form template re-rendered with values, errors and an
 * error summary at the top. Steals ctx (may be NULL). */
void form_fail(struct req *r, const char *tmpl, const char *title_key, json_t *ctx, json_t *values, json_t *errors);

/* The raw submitted text of a field (form or JSON), or NULL. */
const char *form_raw(struct req *r, const char *name);

#endif
