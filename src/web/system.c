/* system.c: health, metrics and the static assets compiled into the binary. */
#include <stdio.h>
#include <string.h>
#include "http/metrics.h"
#include "http/server.h"
#include "util/embedded.h"
#include "web/handlers.h"

void h_healthz(struct req *r)
{
	r->status = 200;
	r->resp_type = "application/json";
	buf_adds(&r->resp, r->app->stopping ? "{\"status\":\"stopping\"}\n" : "{\"status\":\"ok\"}\n");
}

void h_metrics(struct req *r)
{
	r->status = 200;
	r->resp_type = "text/plain; version=0.0.4";
	metrics_render(r->app->metrics, &r->resp);
}

static const char *mime_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	static const struct {
		const char *ext, *type;
	} types[] = {{".css", "text/css; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		     {".svg", "image/svg+xml"},           {".png", "image/png"},
		     {".ico", "image/x-icon"},            {".woff2", "font/woff2"}};
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

void h_static(struct req *r)
{
	const char *name = r->path + strlen("/static/");
	if (strchr(name, '/') || name[0] == '.') {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	char path[256];
	snprintf(path, sizeof path, "static/%s", name);
	const struct embedded_file *f = embedded_find(path);
	if (!f) {
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < f->len; i++)
		h = (h ^ f->data[i]) * 1099511628211ull;
	char etag[40];
	snprintf(etag, sizeof etag, "\"%016llx\"", (unsigned long long)h);
	resp_header(r, "ETag", etag);
	resp_header(r, "Cache-Control", "public, max-age=3600");
	const char *inm = req_header(r, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		r->status = 304;
		return;
	}
	r->status = 200;
	r->resp_type = mime_of(name);
	buf_add(&r->resp, f->data, f->len);
}
