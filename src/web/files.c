/* files.c: staff downloads of uploaded files, with the access check of the records they belong to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/applications.h"
#include "http/multipart.h"
#include "http/server.h"
#include "store/applications.h"
#include "store/files.h"
#include "util/buf.h"
#include "web/files.h"

/* The Content-Disposition of name: an ASCII fallback (anything else, quotes and backslashes as '_') and the
 * UTF-8 name percent-encoded (RFC 6266, RFC 5987). name is already a safe file name. */
static void disposition(const char *name, struct buf *out)
{
	buf_adds(out, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		buf_addc(out, *p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' || *p == ';' ? '_' : (char)*p);
	buf_adds(out, "\"; filename*=UTF-8''");
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			     strchr("!#$&+-.^_`|~", *p);
		if (plain && *p) {
			buf_addc(out, (char)*p);
		} else {
			buf_addc(out, '%');
			buf_addc(out, hex[*p >> 4]);
			buf_addc(out, hex[*p & 15]);
		}
	}
}

/* Whether r's actor may see application app_id. */
static bool may_see_application(struct req *r, int64_t scope, int64_t app_id)
{
	json_t *o = app_get(r->db, app_id, scope, (int64_t)time(NULL));
	json_decref(o);
	return o != NULL;
}

/* Whether r's actor may fetch file id, decided by the records it is linked to: the office roles any file of an
 * application, a directorate user only one of an application it can see. ?application= (as the pages link) names
 * the application to check; without it any application the file is linked to will do. */
static bool may_fetch(struct req *r, int64_t id)
{
	int64_t scope = apps_scope(r);
	if (scope < 0)
		return false;
	const char *app = params_get(&r->query, "application");
	if (app && *app) {
		if (strspn(app, "0123456789") != strlen(app) || strlen(app) > 18)
			return false;
		int64_t app_id = strtoll(app, NULL, 10);
		return app_id > 0 && file_linked_to(r->db, id, "application", app_id) &&
		       may_see_application(r, scope, app_id);
	}
	json_t *links = file_links(r->db, id);
	bool ok = false;
	size_t i;
	json_t *link;
	json_array_foreach(links, i, link)
	{
		if (strcmp(json_string_value(json_object_get(link, "record_type")), "application") != 0)
			continue;
		int64_t app_id = json_integer_value(json_object_get(link, "record_id"));
		if (scope == 0 || may_see_application(r, scope, app_id)) {
			ok = true;
			break;
		}
	}
	json_decref(links);
	return ok;
}

void h_file_download(struct req *r)
{
	int64_t id = req_arg_id(r, 0);
	json_t *f = id ? file_get(r->db, id) : NULL;
	if (!f || !may_fetch(r, id)) {
		json_decref(f);
		resp_error(r, 404, "not_found", "error.not_found");
		return;
	}
	char dir[300];
	snprintf(dir, sizeof dir, "%s/files", r->app->cfg.var_dir);
	void *data = NULL;
	size_t len = 0;
	if (file_read(r->db, dir, id, &data, &len) != 0) {
		json_decref(f);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	/* The stored name was sanitised when stored; sanitise again so a header can never carry a control byte. */
	char *name = multipart_safe_filename(json_string_value(json_object_get(f, "name")));
	struct buf cd = BUF_INIT;
	disposition(name, &cd);
	resp_header(r, "Content-Disposition", cd.data);
	resp_header(r, "X-Content-Type-Options", "nosniff");
	resp_header(r, "Cache-Control", "private, no-store");
	buf_free(&cd);
	free(name);
	/* The type libmagic found in the bytes, one of a short list; anything else goes as bytes. */
	const char *mime = json_string_value(json_object_get(f, "mime"));
	static const char *const known[] = {"application/pdf", "image/jpeg", "image/png"};
	r->resp_type = "application/octet-stream";
	for (size_t i = 0; mime && i < sizeof known / sizeof known[0]; i++)
		if (strcmp(mime, known[i]) == 0)
			r->resp_type = known[i];
	r->status = 200;
	buf_reset(&r->resp);
	buf_add(&r->resp, data, len);
	free(data);
	json_decref(f);
}
