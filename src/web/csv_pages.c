/* csv_pages.c: CSV downloads of the directorates, neighbourhoods and parties, and the CSV import page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "http/multipart.h"
#include "store/csvio.h"
#include "util/i18n.h"
#include "web/csv_pages.h"
#include "web/page.h"

/* ---- downloads ---- */

/* Sends every record of kind as an attachment "<kind>-YYYY-MM-DD.csv". Excel is the reader the office has, so
 * the file has a byte order mark (else Excel reads it as Windows-1254 and garbles ş, ğ, ı) and ';' separators
 * (what Excel expects with Turkish regional settings); our own import reads it back as it is. */
static void send_csv(struct req *r, enum csvio_kind kind, bool full_tckn)
{
	struct csvio_export_options opt = {.lang = r->lang, .sep = ';', .bom = true, .full_tckn = full_tckn};
	struct buf out = BUF_INIT;
	buf_init(&out);
	if (csvio_export(r->db, r->actor.username, kind, &opt, &out) < 0) {
		buf_free(&out);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	time_t local = time(NULL) + 3 * 3600; /* Europe/Istanbul: UTC+3 all year */
	struct tm tm;
	gmtime_r(&local, &tm);
	char disposition[128];
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%04d-%02d-%02d.csv\"",
		 csvio_kind_name(kind), tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	resp_header(r, "Content-Disposition", disposition);
	r->status = 200;
	r->resp_type = "text/csv; charset=utf-8";
	buf_reset(&r->resp);
	buf_add(&r->resp, out.data, out.len);
	buf_free(&out);
}

void h_directorates_csv(struct req *r)
{
	send_csv(r, CSVIO_DIRECTORATES, false);
}

void h_neighbourhoods_csv(struct req *r)
{
	send_csv(r, CSVIO_NEIGHBOURHOODS, false);
}

void h_parties_csv(struct req *r)
{
	const char *tckn = params_get(&r->query, "tckn");
	bool full = tckn && strcmp(tckn, "full") == 0;
	if (full && !(r->actor.role & CSV_FULL_TCKN)) {
		resp_error(r, 403, "forbidden", "error.forbidden");
		return;
	}
	send_csv(r, CSVIO_PARTIES, full);
}

/* ---- import ---- */

static const enum csvio_kind import_kinds[] = {CSVIO_DIRECTORATES, CSVIO_NEIGHBOURHOODS, CSVIO_PARTIES};
#define N_KINDS (sizeof import_kinds / sizeof import_kinds[0])

/* The page's context: the kinds (with their columns, for the help), selected marks the chosen one. */
static json_t *import_context(struct req *r, const char *selected)
{
	json_t *kinds = json_array();
	for (size_t i = 0; i < N_KINDS; i++) {
		const char *name = csvio_kind_name(import_kinds[i]);
		char label_key[48], match_key[48];
		snprintf(label_key, sizeof label_key, "csv.kind.%s", name);
		snprintf(match_key, sizeof match_key, "csv.match.%s", name);
		json_array_append_new(kinds, json_pack("{s:s,s:s,s:b,s:s,s:o,s:b}", "value", name, "label",
						       i18n_get(r->lang, label_key), "selected",
						       selected && strcmp(selected, name) == 0, "match",
						       i18n_get(r->lang, match_key), "columns",
						       csvio_columns(import_kinds[i], r->lang), "full_tckn",
						       import_kinds[i] == CSVIO_PARTIES && (r->actor.role & CSV_FULL_TCKN)));
	}
	return json_pack("{s:o,s:o}", "kinds", kinds, "errors", json_object());
}

/* A non-negative count from the query, or -1. */
static long query_count(struct req *r, const char *name)
{
	const char *s = params_get(&r->query, name);
	if (!s || !*s || strlen(s) > 9 || strspn(s, "0123456789") != strlen(s))
		return -1;
	return strtol(s, NULL, 10);
}

void h_admin_import_form(struct req *r)
{
	const char *kind = params_get(&r->query, "kind");
	enum csvio_kind k;
	json_t *ctx = import_context(r, kind && csvio_kind_from_name(kind, &k) == 0 ? kind : NULL);
	long rows = query_count(r, "rows"), inserted = query_count(r, "inserted"), updated = query_count(r, "updated");
	long unchanged = query_count(r, "unchanged");
	if (rows >= 0 && inserted >= 0 && updated >= 0 && unchanged >= 0) {
		struct buf msg = BUF_INIT;
		buf_init(&msg);
		json_t *args = json_pack("{s:I,s:I,s:I,s:I}", "rows", (json_int_t)rows, "inserted", (json_int_t)inserted,
					 "updated", (json_int_t)updated, "unchanged", (json_int_t)unchanged);
		i18n_format(&msg, r->lang, "csv.import.done", args);
		json_decref(args);
		json_object_set_new(ctx, "done", json_string(msg.data));
		buf_free(&msg);
	}
	page_render(r, 200, "csv_import", "csv.import.title", ctx);
}

/* Re-renders the form with one field error (422). */
static void form_problem(struct req *r, json_t *ctx, const char *field, const char *key)
{
	json_object_set_new(json_object_get(ctx, "errors"), field, json_string(i18n_get(r->lang, key)));
	json_t *summary = json_pack("[{s:s,s:s}]", "field", field, "message", i18n_get(r->lang, key));
	json_object_set_new(ctx, "error_summary", summary);
	page_render(r, 422, "csv_import", "csv.import.title", ctx);
}

void h_admin_import(struct req *r)
{
	const char *kind_name = params_get(&r->form, "kind");
	enum csvio_kind kind;
	bool kind_ok = kind_name && csvio_kind_from_name(kind_name, &kind) == 0;
	json_t *ctx = import_context(r, kind_ok ? kind_name : NULL);
	if (!kind_ok) {
		form_problem(r, ctx, "kind", "error.choice");
		return;
	}
	const struct multipart *mp = req_multipart(r);
	const struct multipart_part *file = NULL;
	for (size_t i = 0; i < mp->n; i++)
		if (mp->parts[i].filename && strcmp(mp->parts[i].name, "file") == 0)
			file = &mp->parts[i];
	if (!file || file->len == 0) {
		form_problem(r, ctx, "file", "csv.import.no_file");
		return;
	}
	struct csvio_result res;
	int rc = csvio_import(r->db, r->actor.username, kind, (const char *)file->data, file->len, r->lang, &res);
	if (rc == 0) {
		char location[160];
		snprintf(location, sizeof location, "/admin/import?kind=%s&rows=%d&inserted=%d&updated=%d&unchanged=%d",
			 csvio_kind_name(kind), res.rows, res.inserted, res.updated, res.unchanged);
		csvio_result_free(&res);
		json_decref(ctx);
		resp_redirect(r, location);
		return;
	}
	if (rc < 0) {
		csvio_result_free(&res);
		json_decref(ctx);
		resp_error(r, 500, "internal", "error.internal");
		return;
	}
	/* Refused: every problem, with the line as a number the reader can find ("" for the whole file). */
	size_t i;
	json_t *p;
	json_array_foreach(res.problems, i, p)
	{
		json_int_t line = json_integer_value(json_object_get(p, "line"));
		char text[24] = "";
		if (line > 0)
			snprintf(text, sizeof text, "%lld", (long long)line);
		json_object_set_new(p, "line_text", json_string(line > 0 ? text : i18n_get(r->lang,
											    "csv.import.whole_file")));
	}
	struct buf msg = BUF_INIT;
	buf_init(&msg);
	json_t *args = json_pack("{s:i}", "count", res.problems_total);
	i18n_format(&msg, r->lang, "csv.import.failed", args);
	json_decref(args);
	json_object_set_new(ctx, "failed", json_string(msg.data));
	int hidden = res.problems_total - (int)json_array_size(res.problems);
	if (hidden > 0) {
		buf_reset(&msg);
		args = json_pack("{s:i}", "count", hidden);
		i18n_format(&msg, r->lang, "csv.import.more", args);
		json_decref(args);
		json_object_set_new(ctx, "more", json_string(msg.data));
	}
	buf_free(&msg);
	json_object_set_new(ctx, "converted", json_boolean(res.converted));
	json_object_set(ctx, "problems", res.problems);
	csvio_result_free(&res);
	page_render(r, 422, "csv_import", "csv.import.title", ctx);
}
