/* cookie.c: Cookie header lookup. */
#include <stdbool.h>
#include <string.h>
#include "http/cookie.h"

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Narrows [*s, *e) to drop surrounding whitespace. */
static void trim(const char **s, const char **e)
{
	while (*s < *e && is_ows(**s))
		(*s)++;
	while (*e > *s && is_ows((*e)[-1]))
		(*e)--;
}

int cookie_get(const char *header, const char *name, char *out, size_t outsz)
{
	if (out && outsz)
		out[0] = '\0';
	if (!header || !name || !*name || !out || !outsz)
		return -1;
	size_t name_len = strlen(name);

	for (const char *p = header; *p;) {
		const char *pair = p;
		const char *pair_end = strchr(p, ';');
		if (!pair_end)
			pair_end = p + strlen(p);
		p = *pair_end ? pair_end + 1 : pair_end;

		const char *eq = memchr(pair, '=', (size_t)(pair_end - pair));
		if (!eq)
			continue;
		const char *n = pair, *n_end = eq;
		trim(&n, &n_end);
		if ((size_t)(n_end - n) != name_len || memcmp(n, name, name_len) != 0)
			continue;

		const char *v = eq + 1, *v_end = pair_end;
		trim(&v, &v_end);
		if (v_end - v >= 2 && *v == '"' && v_end[-1] == '"') {
			v++;
			v_end--;
		}
		size_t len = (size_t)(v_end - v);
		for (const char *q = v; q < v_end; q++)
			if ((unsigned char)*q < 0x20 || *q == 0x7F)
				return -1;
		if (len >= outsz)
			return -1;
		memcpy(out, v, len);
		out[len] = '\0';
		return 0;
	}
	return -1;
}
