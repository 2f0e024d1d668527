/* params.c: ordered multimap of name/value pairs, searched linearly (forms are small). */
#include <stdlib.h>
#include <string.h>
#include "http/params.h"
#include "util/xalloc.h"

void params_init(struct params *p)
{
	p->items = NULL;
	p->n = 0;
	p->cap = 0;
}

void params_free(struct params *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].name);
		free(p->items[i].value);
	}
	free(p->items);
	params_init(p);
}

static char *copy_bytes(const char *s, size_t len)
{
	char *c = xmalloc(len + 1);
	if (len)
		memcpy(c, s, len);
	c[len] = '\0';
	return c;
}

void params_add(struct params *p, const char *name, size_t nlen, const char *value, size_t vlen)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->items = xrealloc(p->items, p->cap * sizeof(*p->items));
	}
	struct param *it = &p->items[p->n++];
	it->name = copy_bytes(name, nlen);
	it->value = copy_bytes(value, vlen);
	it->value_len = vlen;
}

const char *params_get_nth(const struct params *p, const char *name, size_t i)
{
	for (size_t k = 0; k < p->n; k++) {
		if (strcmp(p->items[k].name, name) != 0)
			continue;
		if (i == 0)
			return p->items[k].value;
		i--;
	}
	return NULL;
}

const char *params_get(const struct params *p, const char *name)
{
	return params_get_nth(p, name, 0);
}

size_t params_count(const struct params *p, const char *name)
{
	size_t count = 0;
	for (size_t k = 0; k < p->n; k++)
		if (strcmp(p->items[k].name, name) == 0)
			count++;
	return count;
}
