/* select_options.h: the options of a <select> over a fixed list of choices, labelled from the catalogue. */
#ifndef KALEM_WEB_SELECT_OPTIONS_H
#define KALEM_WEB_SELECT_OPTIONS_H
#include <jansson.h>
#include "http/req.h"

/* [{value, label, selected}] of choices (NULL-terminated), in their order: label the catalogue entry prefix + value
 * in r's language (prefix ends with its dot, e.g. "apps.kind."), selected true on the one equal to selected (may
 * be NULL). A new array. */
json_t *select_options(struct req *r, const char *const *choices, const char *prefix, const char *selected);

#endif
