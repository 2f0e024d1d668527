/* dispatch.h: turns a buffered request into a response: parse, authenticate, route, check role and CSRF, handle. */
#ifndef KALEM_HTTP_DISPATCH_H
#define KALEM_HTTP_DISPATCH_H
#include <stddef.h>
#include "http/req.h"

struct MHD_Response;

/* Allocates the request context on the first callback. */
struct req *dispatch_new(struct app *app, struct MHD_Connection *conn, const char *url, const char *method);
void dispatch_free(struct req *r);
/* The largest body this request's route accepts. */
size_t dispatch_body_limit(struct req *r);
/* Runs the request to completion, leaving status, type, body and headers in r. */
void dispatch_handle(struct req *r);
/* Adds the security headers and the handler's headers to the response. */
void dispatch_add_headers(struct req *r, struct MHD_Response *resp);

#endif
