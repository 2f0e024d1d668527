/* select_options.c: <select> options over a fixed list of choices. */
#include <stdio.h>
#include <string.h>
#include "web/select_options.h"

json_t *select_options(struct req *r, const char *const *choices, const char *prefix, const char *selected)
{
	json_t *list = json_array();
	for (; *choices; choices++) {
		char key[96];
		snprintf(key, sizeof key, "%s%s", prefix, *choices);
		json_array_append_new(list, json_pack("{s:s,s:s,s:b}", "value", *choices, "label", i18n_get(r->lang, key),
						      "selected", selected && strcmp(selected, *choices) == 0));
	}
	return list;
}
