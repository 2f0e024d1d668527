/* template.c: compiles Mustache-subset templates into op lists once, and renders them with escaping. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util/embedded.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "web/template.h"

#define TEMPLATE_DIR "templates/"
#define TEMPLATE_EXT ".html"
/* Sections (plain or inverted) open at once; bounds the renderer's recursion on any input. */
#define MAX_SECTION_NESTING 64

enum op_kind {
	OP_TEXT,     /* literal text */
	OP_VAR,      /* {{name}}: escaped value */
	OP_RAW,      /* {{{name}}}, {{&name}}: unescaped value */
	OP_SECTION,  /* {{#name}}: the body is ops (this + 1) .. end - 1 */
	OP_INVERTED, /* {{^name}}: likewise */
	OP_PARTIAL,  /* {{> name}} */
	OP_STRING,   /* {{@key}}: catalogue text, escaped at compile time */
};

struct template;

struct op {
	enum op_kind kind;
	unsigned line;
	size_t end;               /* SECTION, INVERTED: index of the first op after the body */
	const char *text;         /* TEXT: a slice of the template's source */
	size_t len;
	const char *const *seg;   /* VAR, RAW, SECTION, INVERTED: the name split at dots; NULL for "." */
	size_t nseg;
	char *name;               /* the name as written: messages, close-tag matching, partial name */
	struct template *partial; /* PARTIAL: linked after compiling */
	char *string[LANG__MAX];  /* STRING: escaped text per language */
	size_t string_len[LANG__MAX];
};

struct template {
	char *name;   /* "login" */
	char *origin; /* "templates/login.html", for messages */
	char *src;    /* owned copy of the source; TEXT ops point into it */
	struct op *ops;
	size_t nops;
};

/* Written at start-up only (see template.h), read-only while serving. Sorted by name. */
static struct {
	struct template **items;
	size_t count, cap;
} registry;

/* ---- registry ---- */

/* The index of name, or where it would be inserted. */
static size_t registry_position(const char *name, bool *found /* OUT: */)
{
	size_t lo = 0, hi = registry.count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(registry.items[mid]->name, name);
		if (cmp == 0) {
			*found = true;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static struct template *registry_find(const char *name)
{
	bool found;
	size_t i = registry_position(name, &found);
	return found ? registry.items[i] : NULL;
}

static void registry_insert(struct template *t)
{
	bool found;
	size_t i = registry_position(t->name, &found);
	if (registry.count == registry.cap) {
		registry.cap = registry.cap ? registry.cap * 2 : 32;
		registry.items = xrealloc(registry.items, registry.cap * sizeof *registry.items);
	}
	memmove(&registry.items[i + 1], &registry.items[i], (registry.count - i) * sizeof *registry.items);
	registry.items[i] = t;
	registry.count++;
}

static void registry_remove(const struct template *t)
{
	bool found;
	size_t i = registry_position(t->name, &found);
	if (!found)
		return;
	memmove(&registry.items[i], &registry.items[i + 1],
		(registry.count - i - 1) * sizeof *registry.items);
	registry.count--;
}

static void ops_free(struct op *ops, size_t nops)
{
	for (size_t i = 0; i < nops; i++) {
		free((void *)ops[i].seg);
		free(ops[i].name);
		for (int l = 0; l < LANG__MAX; l++)
			free(ops[i].string[l]);
	}
	free(ops);
}

static void template_free(struct template *t)
{
	if (!t)
		return;
	ops_free(t->ops, t->nops);
	free(t->name);
	free(t->origin);
	free(t->src);
	free(t);
}

void tmpl_shutdown(void)
{
	for (size_t i = 0; i < registry.count; i++)
		template_free(registry.items[i]);
	free(registry.items);
	memset(&registry, 0, sizeof registry);
}

/* ---- compiler ---- */

struct compiler {
	const char *origin;
	const char *src;
	size_t len;
	struct op *ops;
	size_t nops, cap;
	size_t open[MAX_SECTION_NESTING]; /* indices of the sections still open */
	size_t nopen;
	unsigned line;                    /* the line number at line_pos */
	size_t line_pos;
};

static unsigned line_at(struct compiler *c, size_t pos)
{
	for (const char *p = c->src + c->line_pos, *end = c->src + pos;
	     (p = memchr(p, '\n', (size_t)(end - p))); p++)
		c->line++;
	c->line_pos = pos;
	return c->line;
}

static struct op *add_op(struct compiler *c, enum op_kind kind, unsigned line)
{
	if (c->nops == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->ops = xrealloc(c->ops, c->cap * sizeof *c->ops);
	}
	struct op *op = &c->ops[c->nops++];
	memset(op, 0, sizeof *op);
	op->kind = kind;
	op->line = line;
	return op;
}

static void add_text(struct compiler *c, size_t from, size_t to)
{
	if (to <= from)
		return;
	struct op *op = add_op(c, OP_TEXT, 0);
	op->text = c->src + from;
	op->len = to - from;
}

static bool is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-';
}

/* "." or dot-separated non-empty segments of [A-Za-z0-9_-]. */
static bool valid_value_name(const char *name)
{
	if (strcmp(name, ".") == 0)
		return true;
	bool segment_empty = true;
	for (const char *p = name; *p; p++) {
		if (*p == '.') {
			if (segment_empty)
				return false;
			segment_empty = true;
		} else if (is_name_char(*p)) {
			segment_empty = false;
		} else {
			return false;
		}
	}
	return !segment_empty;
}

/* A relative path of [A-Za-z0-9_.-] segments separated by single '/', none of them "." or "..". */
static bool valid_partial_name(const char *name)
{
	const char *seg = name;
	for (const char *p = name;; p++) {
		if (*p == '/' || *p == '\0') {
			size_t n = (size_t)(p - seg);
			if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
				return false;
			if (*p == '\0')
				return true;
			seg = p + 1;
		} else if (!is_name_char(*p) && *p != '.') {
			return false;
		}
	}
}

static bool valid_key(const char *key)
{
	if (!*key)
		return false;
	for (const char *p = key; *p; p++)
		if (!is_name_char(*p) && *p != '.')
			return false;
	return true;
}

/* Splits a valid value name into one allocation: the pointer array, then the NUL-split copy. */
static void split_name(struct op *op)
{
	if (strcmp(op->name, ".") == 0)
		return;
	size_t nseg = 1, len = strlen(op->name);
	for (const char *p = op->name; *p; p++)
		nseg += *p == '.';
	char **seg = xmalloc(nseg * sizeof *seg + len + 1);
	char *copy = (char *)(seg + nseg);
	memcpy(copy, op->name, len + 1);
	seg[0] = copy;
	for (size_t i = 1; *copy; copy++) {
		if (*copy == '.') {
			*copy = '\0';
			seg[i++] = copy + 1;
		}
	}
	op->seg = (const char *const *)seg;
	op->nseg = nseg;
}

static char *escape_copy(const char *s, size_t *len /* OUT: */)
{
	struct buf b = BUF_INIT;
	buf_add_html(&b, s);
	return buf_detach(&b, len);
}

/* A section, inverted, close, comment or partial tag alone on its line (only blanks around it)
 * takes the whole line with it: [*line_start, *after) is what to drop. */
static bool standalone(const struct compiler *c, size_t text_start, size_t tag_start, size_t tag_end,
		       size_t *line_start /* OUT: */, size_t *after /* OUT: */)
{
	size_t s = tag_start;
	while (s > text_start && (c->src[s - 1] == ' ' || c->src[s - 1] == '\t'))
		s--;
	if (s > 0 && c->src[s - 1] != '\n')
		return false;
	size_t e = tag_end;
	while (e < c->len && (c->src[e] == ' ' || c->src[e] == '\t'))
		e++;
	if (e + 1 < c->len && c->src[e] == '\r' && c->src[e + 1] == '\n')
		e += 2;
	else if (e < c->len && c->src[e] == '\n')
		e++;
	else if (e != c->len)
		return false;
	*line_start = s;
	*after = e;
	return true;
}

/* Handles one tag: its sigil ('#', '>', '{' for a triple mustache, 0 for a plain variable...)
 * and its trimmed name. */
static int compile_tag(struct compiler *c, char sigil, char *name, unsigned line)
{
	const char *o = c->origin;
	struct op *op;
	switch (sigil) {
	case '!':
		return 0;
	case '=':
		return error("%s:%u: set-delimiter tags are not supported", o, line);
	case '#':
	case '^':
	case '/':
	case '&':
	case '{':
	case 0:
		if (!valid_value_name(name))
			return error("%s:%u: invalid name '%s'", o, line, name);
		break;
	case '>':
		if (!valid_partial_name(name))
			return error("%s:%u: invalid partial name '%s'", o, line, name);
		break;
	case '@':
		if (!valid_key(name))
			return error("%s:%u: invalid string key '%s'", o, line, name);
		if (!i18n_has(name))
			return error("%s:%u: unknown string key '%s'", o, line, name);
		break;
	}

	switch (sigil) {
	case '#':
	case '^':
		if (c->nopen == MAX_SECTION_NESTING)
			return error("%s:%u: sections nested deeper than %d", o, line, MAX_SECTION_NESTING);
		c->open[c->nopen++] = c->nops;
		op = add_op(c, sigil == '#' ? OP_SECTION : OP_INVERTED, line);
		op->name = xstrdup(name);
		split_name(op);
		return 0;
	case '/': {
		if (!c->nopen)
			return error("%s:%u: '{{/%s}}' closes no open section", o, line, name);
		struct op *section = &c->ops[c->open[c->nopen - 1]];
		if (strcmp(section->name, name) != 0)
			return error("%s:%u: '{{/%s}}' does not match '{{%c%s}}' opened at line %u", o, line,
				     name, section->kind == OP_SECTION ? '#' : '^', section->name,
				     section->line);
		section->end = c->nops;
		c->nopen--;
		return 0;
	}
	case '>':
		op = add_op(c, OP_PARTIAL, line);
		op->name = xstrdup(name);
		return 0;
	case '@':
		op = add_op(c, OP_STRING, line);
		for (int l = 0; l < LANG__MAX; l++)
			op->string[l] = escape_copy(i18n_get((enum lang)l, name), &op->string_len[l]);
		return 0;
	default:
		op = add_op(c, sigil ? OP_RAW : OP_VAR, line);
		op->name = xstrdup(name);
		split_name(op);
		return 0;
	}
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static int compile_source(struct compiler *c)
{
	const char *src = c->src;
	size_t len = c->len, pos = 0, text_start = 0;
	const char *open;
	while ((open = memmem(src + pos, len - pos, "{{", 2))) {
		size_t tag_start = (size_t)(open - src);
		unsigned line = line_at(c, tag_start);
		size_t p = tag_start + 2;
		bool triple = p < len && src[p] == '{';
		if (triple)
			p++;
		const char *close = memmem(src + p, len - p, triple ? "}}}" : "}}", triple ? 3 : 2);
		if (!close)
			return error("%s:%u: unclosed tag", c->origin, line);
		size_t tag_end = (size_t)(close - src) + (triple ? 3 : 2);

		const char *content = src + p, *content_end = close;
		while (content < content_end && is_blank(*content))
			content++;
		char sigil = triple ? '{' : 0;
		if (!triple && content < content_end && strchr("#^/!>&@=", *content))
			sigil = *content++;

		size_t line_start, after;
		bool alone = sigil && strchr("#^/!>", sigil) &&
			     standalone(c, text_start, tag_start, tag_end, &line_start, &after);
		add_text(c, text_start, alone ? line_start : tag_start);
		pos = text_start = alone ? after : tag_end;
		if (sigil == '!')
			continue;

		while (content < content_end && is_blank(*content))
			content++;
		while (content_end > content && is_blank(content_end[-1]))
			content_end--;
		if (content == content_end)
			return error("%s:%u: empty tag", c->origin, line);
		char *name = xstrndup(content, (size_t)(content_end - content));
		int rc = compile_tag(c, sigil, name, line);
		free(name);
		if (rc < 0)
			return -1;
	}
	add_text(c, text_start, len);
	if (c->nopen) {
		const struct op *section = &c->ops[c->open[c->nopen - 1]];
		return error("%s:%u: unclosed section '{{%c%s}}'", c->origin, section->line,
			     section->kind == OP_SECTION ? '#' : '^', section->name);
	}
	return 0;
}

/* Compiles t->src into t->ops; on error t->ops stays empty. */
static int template_compile(struct template *t, size_t len)
{
	struct compiler c = {.origin = t->origin, .src = t->src, .len = len, .line = 1};
	if (memchr(t->src, '\0', len)) {
		ops_free(c.ops, c.nops);
		return error("%s: NUL byte in template", t->origin);
	}
	if (compile_source(&c) < 0) {
		ops_free(c.ops, c.nops);
		return -1;
	}
	t->ops = c.ops;
	t->nops = c.nops;
	return 0;
}

/* Resolves the partials of ops against the registry. */
static int link_partials(const char *origin, struct op *ops, size_t nops)
{
	int rc = 0;
	for (size_t i = 0; i < nops; i++) {
		if (ops[i].kind != OP_PARTIAL)
			continue;
		ops[i].partial = registry_find(ops[i].name);
		if (!ops[i].partial)
			rc = error("%s:%u: unknown partial '%s'", origin, ops[i].line, ops[i].name);
	}
	return rc;
}

static struct template *template_new(const char *name, const char *origin, const char *src, size_t len)
{
	struct template *t = xcalloc(1, sizeof *t);
	t->name = xstrdup(name);
	t->origin = xstrdup(origin);
	t->src = xmalloc(len + 1);
	if (len)
		memcpy(t->src, src, len);
	t->src[len] = '\0';
	return t;
}

int tmpl_compile_string(const char *name, const char *src, size_t len)
{
	struct template *fresh = template_new(name, name, src, len);
	struct template *t = registry_find(name);
	bool created = !t;
	int rc = -1;
	if (template_compile(fresh, len) < 0)
		goto out;
	if (created) {
		t = template_new(name, name, "", 0);
		registry_insert(t); /* so that the template may include itself */
	}
	if (link_partials(fresh->origin, fresh->ops, fresh->nops) < 0) {
		if (created) {
			registry_remove(t);
			template_free(t);
		}
		goto out;
	}
	/* Swap the bodies in place: partials already linked to t now render the new one. */
	struct template old = *t;
	t->src = fresh->src;
	t->ops = fresh->ops;
	t->nops = fresh->nops;
	fresh->src = old.src;
	fresh->ops = old.ops;
	fresh->nops = old.nops;
	rc = 0;
out:
	template_free(fresh);
	return rc;
}

int tmpl_init(void)
{
	size_t dirlen = strlen(TEMPLATE_DIR), extlen = strlen(TEMPLATE_EXT);
	int rc = 0;
	tmpl_shutdown();
	for (const struct embedded_file *f = embedded_files; f->path; f++) {
		size_t plen = strlen(f->path);
		if (plen <= dirlen + extlen || strncmp(f->path, TEMPLATE_DIR, dirlen) != 0 ||
		    strcmp(f->path + plen - extlen, TEMPLATE_EXT) != 0)
			continue;
		char *name = xstrndup(f->path + dirlen, plen - dirlen - extlen);
		struct template *t = template_new(name, f->path, (const char *)f->data, f->len);
		free(name);
		if (template_compile(t, f->len) < 0) {
			template_free(t);
			rc = -1;
			continue;
		}
		registry_insert(t);
	}
	for (size_t i = 0; i < registry.count; i++) {
		struct template *t = registry.items[i];
		if (link_partials(t->origin, t->ops, t->nops) < 0)
			rc = -1;
	}
	if (rc < 0)
		tmpl_shutdown();
	return rc;
}

/* ---- renderer ---- */

struct render {
	struct buf *out;
	enum lang lang;
	const char *name; /* the template asked for, for messages */
	int depth;        /* contexts on the stack */
	int partials;     /* partials being rendered */
	const json_t *stack[TMPL_MAX_CONTEXTS];
};

/* Element seg of an array, when seg is a decimal index ("items.0"); else NULL. */
static const json_t *array_element(const json_t *array, const char *seg)
{
	size_t index = 0;
	for (const char *p = seg; *p; p++) {
		if (*p < '0' || *p > '9' || index > SIZE_MAX / 10 - 1)
			return NULL;
		index = index * 10 + (size_t)(*p - '0');
	}
	return json_array_get(array, index);
}

static const json_t *lookup(const struct render *r, const struct op *op)
{
	if (!op->seg)
		return r->depth ? r->stack[r->depth - 1] : NULL;
	const json_t *v = NULL;
	for (int i = r->depth - 1; i >= 0 && !v; i--)
		if (json_is_object(r->stack[i]))
			v = json_object_get(r->stack[i], op->seg[0]);
	for (size_t s = 1; v && s < op->nseg; s++)
		v = json_is_array(v) ? array_element(v, op->seg[s]) : json_object_get(v, op->seg[s]);
	return v;
}

static bool truthy(const json_t *v)
{
	if (!v)
		return false;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_TRUE:
		return true;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0.0;
	default:
		return false;
	}
}

static void add_integer(struct buf *out, json_int_t n)
{
	char digits[24];
	size_t i = sizeof digits;
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
	do {
		digits[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n < 0)
		digits[--i] = '-';
	buf_add(out, digits + i, sizeof digits - i);
}

static void add_value(struct buf *out, const json_t *v, bool escape)
{
	if (!v)
		return;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (escape)
			buf_add_html_n(out, json_string_value(v), json_string_length(v));
		else
			buf_add(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		add_integer(out, json_integer_value(v));
		break;
	case JSON_REAL:
		buf_addf(out, "%.15g", json_real_value(v));
		break;
	case JSON_TRUE:
		buf_add(out, "true", 4);
		break;
	case JSON_FALSE:
		buf_add(out, "false", 5);
		break;
	default:
		break;
	}
}

static int render_ops(struct render *r, const struct template *t, size_t from, size_t to);

static bool is_index(const char *seg)
{
	if (!*seg)
		return false;
	for (const char *p = seg; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static int render_pushed(struct render *r, const struct template *t, size_t section, const json_t *v)
{
	if (r->depth == TMPL_MAX_CONTEXTS)
		return error("template '%s': more than %d nested contexts at %s:%u", r->name,
			     TMPL_MAX_CONTEXTS, t->origin, t->ops[section].line);
	r->stack[r->depth++] = v;
	int rc = render_ops(r, t, section + 1, t->ops[section].end);
	r->depth--;
	return rc;
}

static int render_ops(struct render *r, const struct template *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const struct op *op = &t->ops[i];
		const json_t *v;
		switch (op->kind) {
		case OP_TEXT:
			buf_add(r->out, op->text, op->len);
			break;
		case OP_STRING:
			buf_add(r->out, op->string[r->lang], op->string_len[r->lang]);
			break;
		case OP_VAR:
		case OP_RAW:
			add_value(r->out, lookup(r, op), op->kind == OP_VAR);
			break;
		case OP_SECTION:
			v = lookup(r, op);
			if (op->nseg > 1 && is_index(op->seg[op->nseg - 1])) {
				/* {{#items.0}}: "the list is not empty". The element is not pushed, so names inside
				 * still resolve in the enclosing context rather than in the first element. */
				if (truthy(v) && render_ops(r, t, i + 1, op->end) < 0)
					return -1;
			} else if (json_is_array(v)) {
				for (size_t k = 0, n = json_array_size(v); k < n; k++)
					if (render_pushed(r, t, i, json_array_get(v, k)) < 0)
						return -1;
			} else if (truthy(v) && render_pushed(r, t, i, v) < 0) {
				return -1;
			}
			i = op->end - 1;
			break;
		case OP_INVERTED:
			if (!truthy(lookup(r, op)) && render_ops(r, t, i + 1, op->end) < 0)
				return -1;
			i = op->end - 1;
			break;
		case OP_PARTIAL:
			if (r->partials == TMPL_MAX_PARTIAL_DEPTH)
				return error("template '%s': partials nested deeper than %d at %s:%u", r->name,
					     TMPL_MAX_PARTIAL_DEPTH, t->origin, op->line);
			r->partials++;
			int rc = render_ops(r, op->partial, 0, op->partial->nops);
			r->partials--;
			if (rc < 0)
				return -1;
			break;
		}
	}
	return 0;
}

int tmpl_render(struct buf *out, const char *name, const json_t *ctx, enum lang lang)
{
	const struct template *t = name ? registry_find(name) : NULL;
	if (!t)
		return error("unknown template '%s'", name ? name : "(null)");
	struct render r = {
		.out = out,
		.lang = (unsigned)lang < LANG__MAX ? lang : LANG_TR,
		.name = name,
	};
	if (ctx)
		r.stack[r.depth++] = ctx;
	buf_grow(out, 0);
	return render_ops(&r, t, 0, t->nops);
}
