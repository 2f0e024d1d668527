/* router.h: the route table's shape and its matcher. The table itself is src/web/routes.c: every URL in one place. */
#ifndef KALEM_HTTP_ROUTER_H
#define KALEM_HTTP_ROUTER_H
#include <stdbool.h>
#include <stddef.h>
#include "http/req.h"

typedef void (*handler_fn)(struct req *r);

enum route_flags {
	ROUTE_NO_CSRF = 1 << 0,    /* state-changing route exempt from the CSRF check (login, public forms with their own) */
	ROUTE_UPLOAD = 1 << 1,     /* accepts multipart bodies up to max_upload */
	ROUTE_NO_DB = 1 << 2,      /* needs no database connection (health, static) */
	ROUTE_NO_SESSION = 1 << 3, /* do not look at the session (static files) */
};

struct route {
	enum http_method method;
	const char *pattern; /* "/directorates/{id}/edit": {..} matches one non-empty segment */
	handler_fn handler;
	unsigned roles;      /* bits of enum role allowed; ROLE_PUBLIC for everyone */
	unsigned flags;
	const char *name;    /* for metrics and logs */
};

extern const struct route routes[];
extern const size_t routes_count;

/* Finds the route for method and path, filling r->path_args. NULL when none; *method_mismatch is set when
 * the path exists with another method (405). HEAD matches GET routes. */
const struct route *route_find(const char *path, enum http_method method, struct req *r, bool *method_mismatch);
/* Index of a route in the table (for metrics). */
size_t route_index(const struct route *route);

#endif
