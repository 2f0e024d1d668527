/* params.h: an ordered multimap of decoded name/value pairs (form fields, query parameters). */
#ifndef KALEM_HTTP_PARAMS_H
#define KALEM_HTTP_PARAMS_H
#include <stddef.h>

/* One pair. name and value are NUL-terminated heap copies owned by the params; value_len counts
 * the value's bytes without the terminator (parsers reject embedded NULs, so it equals strlen). */
struct param {
	char *name;
	char *value;
	size_t value_len;
};

/* Pairs in the order they were added; a name may occur more than once. */
struct params {
	struct param *items;
	size_t n, cap;
};

/* Makes p empty; needs no params_free if nothing is added after. */
void params_init(struct params *p /* OUT */);
/* Frees every pair and leaves p empty (reusable). */
void params_free(struct params *p);
/* Appends copies of name[0..nlen) and value[0..vlen); either pointer may be NULL when its
 * length is 0. */
void params_add(struct params *p, const char *name, size_t nlen, const char *value, size_t vlen);
/* The first value stored under name (exact, case-sensitive match), or NULL if there is none. */
const char *params_get(const struct params *p, const char *name);
/* How many values are stored under name. */
size_t params_count(const struct params *p, const char *name);
/* The i-th (0-based, in order of addition) value stored under name, or NULL if i >= count. */
const char *params_get_nth(const struct params *p, const char *name, size_t i);

#endif
