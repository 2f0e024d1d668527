/* admin_audit.c: the audit log, newest first, filtered, with each change shown as "key: old → new". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/audit.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "web/admin_audit.h"
#include "web/page.h"

#define AUDIT_PAGE 50
#define VALUE_SHOWN_MAX 120 /* code points of one value on the page */

struct audit_filter {
	const char *actor, *record_type, *record_id, *action;
	int64_t before;
};

static const char *query_text(struct req *r, const char *name)
{
	const char *v = params_get(&r->query, name);
	return v ? v : "";
}

static void read_filter(struct req *r, struct audit_filter *f)
{
	f->actor = query_text(r, "actor");
	f->record_type = query_text(r, "record_type");
	f->record_id = query_text(r, "record_id");
	f->action = query_text(r, "action");
	const char *b = params_get(&r->query, "before");
	char *end;
	long long v = b ? strtoll(b, &end, 10) : 0;
	f->before = b && !*end && v > 0 ? v : 0;
}

/* Events of one page (limit + 1 asked, to know whether older ones exist). *older (OUT): the before= of the next
 * page, or 0. */
static json_t *page_of(struct req *r, const struct audit_filter *f, int64_t *older)
{
	json_t *items = audit_list(r->db, f->actor, f->record_type, f->record_id, f->action, f->before, AUDIT_PAGE + 1);
	*older = 0;
	if (json_array_size(items) > AUDIT_PAGE) {
		json_array_remove(items, AUDIT_PAGE);
		*older = json_integer_value(json_object_get(json_array_get(items, AUDIT_PAGE - 1), "id"));
	}
	return items;
}

/* A value as one short line: strings as they are, others as compact JSON, cut at VALUE_SHOWN_MAX characters. */
static json_t *shown(const json_t *v)
{
	char *s = json_is_string(v) ? xstrdup(json_string_value(v)) : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!s)
		return json_string("");
	size_t chars = 0, i = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > VALUE_SHOWN_MAX)
			break;
	}
	json_t *out;
	if (s[i]) {
		struct buf b = BUF_INIT;
		buf_add(&b, s, i);
		buf_adds(&b, "…");
		out = json_string(b.data);
		buf_free(&b);
	} else {
		out = json_string(s);
	}
	free(s);
	return out;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool blank(const json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v));
}

/* [{key, old, new}] for the members that differ between before and after (all non-empty ones when one side is
 * missing), keys in byte order. */
static json_t *changes(const json_t *before, const json_t *after)
{
	json_t *list = json_array();
	if (!json_is_object(before) && !json_is_object(after)) {
		if (!json_equal((json_t *)before, (json_t *)after))
			json_array_append_new(list, json_pack("{s:s,s:o,s:o}", "key", "", "old",
							      blank(before) ? json_string("") : shown(before), "new",
							      blank(after) ? json_string("") : shown(after)));
		return list;
	}
	json_t *keys = json_object();
	const char *k;
	json_t *v;
	if (json_is_object(before))
		json_object_foreach((json_t *)before, k, v) json_object_set_new(keys, k, json_true());
	if (json_is_object(after))
		json_object_foreach((json_t *)after, k, v) json_object_set_new(keys, k, json_true());
	size_t n = json_object_size(keys), i = 0;
	const char **sorted = xcalloc(n ? n : 1, sizeof *sorted);
	json_object_foreach(keys, k, v) sorted[i++] = k;
	qsort(sorted, n, sizeof *sorted, by_string);
	for (i = 0; i < n; i++) {
		json_t *o = json_is_object(before) ? json_object_get(before, sorted[i]) : NULL;
		json_t *nw = json_is_object(after) ? json_object_get(after, sorted[i]) : NULL;
		if ((o && nw && json_equal(o, nw)) || (blank(o) && blank(nw)))
			continue;
		json_array_append_new(list, json_pack("{s:s,s:o,s:o}", "key", sorted[i], "old",
						      blank(o) ? json_string("") : shown(o), "new",
						      blank(nw) ? json_string("") : shown(nw)));
	}
	free(sorted);
	json_decref(keys);
	return list;
}

/* The events for the page: time in words, the changes as a list. */
static void decorate(struct req *r, json_t *items)
{
	size_t i;
	json_t *e;
	json_array_foreach(items, i, e)
	{
		char when[96];
		page_format_time(r, json_integer_value(json_object_get(e, "ts")), when, sizeof when);
		json_object_set_new(e, "when", json_string(when));
		json_object_set_new(e, "changes", changes(json_object_get(e, "before"), json_object_get(e, "after")));
		/* Filter links: the values percent-encoded for the query (the template escapes them for HTML). */
		static const char *const linked[] = {"actor", "record_type", "record_id"};
		for (size_t j = 0; j < 3; j++) {
			struct buf q;
			char name[32];
			buf_init(&q);
			buf_add_urlenc(&q, json_string_value(json_object_get(e, linked[j])));
			snprintf(name, sizeof name, "%s_q", linked[j]);
			json_object_set_new(e, name, json_string(q.data));
			buf_free(&q);
		}
	}
}

static void add_param(struct buf *b, const char *name, const char *value)
{
	if (!*value)
		return;
	buf_addc(b, b->len ? '&' : '?');
	buf_adds(b, name);
	buf_addc(b, '=');
	buf_add_urlenc(b, value);
}

void h_admin_audit(struct req *r)
{
	struct audit_filter f;
	read_filter(r, &f);
	int64_t older;
	json_t *items = page_of(r, &f, &older);
	decorate(r, items);
	json_t *ctx = json_pack("{s:o,s:{s:s,s:s,s:s,s:s},s:b}", "items", items, "filter", "actor", f.actor,
				"record_type", f.record_type, "record_id", f.record_id, "action", f.action, "paged",
				f.before > 0);
	struct buf q;
	buf_init(&q);
	add_param(&q, "actor", f.actor);
	add_param(&q, "record_type", f.record_type);
	add_param(&q, "record_id", f.record_id);
	add_param(&q, "action", f.action);
	json_object_set_new(ctx, "newest_url", json_string(q.data));
	if (older) {
		buf_addf(&q, "%cbefore=%lld", q.len ? '&' : '?', (long long)older);
		json_object_set_new(ctx, "older_url", json_string(q.data));
	}
	buf_free(&q);
	page_render(r, 200, "admin_audit", "audit.title", ctx);
}

void h_api_audit(struct req *r)
{
	struct audit_filter f;
	read_filter(r, &f);
	int64_t older;
	json_t *items = page_of(r, &f, &older);
	resp_json(r, 200,
		  json_pack("{s:o,s:o}", "items", items, "next_before", older ? json_integer(older) : json_null()));
}
