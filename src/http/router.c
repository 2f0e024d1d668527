/* router.c: matches a path against the route table's patterns. */
#include <string.h>
#include "http/router.h"

static bool match(const char *pattern, const char *path, struct req *r)
{
	int nargs = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *pend = strchr(p, '}');
			const char *send = strchr(s, '/');
			if (!pend)
				return false;
			if (!send)
				send = s + strlen(s);
			if (send == s || nargs >= REQ_MAX_PATH_ARGS)
				return false;
			if (r)
				r->path_args[nargs] = s;
			nargs++;
			p = pend + 1;
			s = send;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p || *s)
		return false;
	if (r)
		r->n_path_args = nargs;
	return true;
}

const struct route *route_find(const char *path, enum http_method method, struct req *r, bool *method_mismatch)
{
	*method_mismatch = false;
	enum http_method m = method == HTTP_HEAD ? HTTP_GET : method;
	for (size_t i = 0; i < routes_count; i++) {
		if (!match(routes[i].pattern, path, NULL))
			continue;
		if (routes[i].method != m) {
			*method_mismatch = true;
			continue;
		}
		match(routes[i].pattern, path, r);
		return &routes[i];
	}
	return NULL;
}

size_t route_index(const struct route *route)
{
	return (size_t)(route - routes);
}
