/* multipart.c: multipart/form-data parsing (RFC 7578, RFC 2046 framing) and file name cleaning. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "http/multipart.h"
#include "http/urlencoded.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define MAX_BOUNDARY 70

/* A read position in a header value. */
struct cursor {
	const char *p, *end;
};

/* Decodes one strict UTF-8 sequence (RFC 3629) at s; returns its length and sets *cp, or
 * returns 0 if s does not start a valid sequence (overlong, surrogate, > U+10FFFF, cut short). */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0)
		n = 2, c = s[0] & 0x1F, min = 0x80;
	else if ((s[0] & 0xF0) == 0xE0)
		n = 3, c = s[0] & 0x0F, min = 0x800;
	else if ((s[0] & 0xF8) == 0xF0)
		n = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[k] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

/* Valid UTF-8 and no NUL byte, so that the bytes can be used as a C string. */
static bool text_acceptable(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_next(s + i, len - i, &cp);
		if (n == 0 || cp == 0)
			return false;
		i += n;
	}
	return true;
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static void skip_ows(struct cursor *c)
{
	while (c->p < c->end && is_ows(*c->p))
		c->p++;
}

/* RFC 7230 tchar. */
static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

/* ASCII case-insensitive equality of s[0..len) and word. Not strncasecmp: under a Turkish
 * locale 'i' and 'I' are not each other's case pair, and "filename" would not match. */
static bool token_is(const char *s, size_t len, const char *word)
{
	if (strlen(word) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char a = s[i], b = word[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

/* Reads a media type or disposition type ("form-data", "multipart/form-data") into [*s, *s+*len). */
static void read_type(struct cursor *c, const char **s, size_t *len)
{
	skip_ows(c);
	*s = c->p;
	while (c->p < c->end && (is_tchar(*c->p) || *c->p == '/'))
		c->p++;
	*len = (size_t)(c->p - *s);
}

/* Reads a parameter value: a quoted-string, or else everything up to ';' with trailing
 * whitespace trimmed (clients that do not quote). Inside quotes only \" and \\ are escapes: old
 * browsers sent Windows paths with unescaped backslashes. */
static int read_param_value(struct cursor *c, struct buf *value)
{
	if (c->p < c->end && *c->p == '"') {
		c->p++;
		while (c->p < c->end) {
			char ch = *c->p++;
			if (ch == '"')
				return 0;
			if (ch == '\\' && c->p < c->end && (*c->p == '"' || *c->p == '\\'))
				ch = *c->p++;
			buf_addc(value, ch);
		}
		return -1;
	}
	const char *start = c->p;
	while (c->p < c->end && *c->p != ';')
		c->p++;
	const char *stop = c->p;
	while (stop > start && is_ows(stop[-1]))
		stop--;
	buf_add(value, start, (size_t)(stop - start));
	return 0;
}

/* Reads the next `; name=value` parameter. Returns 1 with name and value filled (both reset
 * first), 0 at the end of the header value, -1 if it is malformed. */
static int next_param(struct cursor *c, struct buf *name, struct buf *value)
{
	buf_reset(name);
	buf_reset(value);
	skip_ows(c);
	if (c->p == c->end)
		return 0;
	if (*c->p != ';')
		return -1;
	c->p++;
	skip_ows(c);
	if (c->p == c->end)
		return 0; /* a trailing ';' is harmless */
	const char *start = c->p;
	while (c->p < c->end && is_tchar(*c->p))
		c->p++;
	if (c->p == start)
		return -1;
	buf_add(name, start, (size_t)(c->p - start));
	skip_ows(c);
	if (c->p == c->end || *c->p != '=')
		return -1;
	c->p++;
	skip_ows(c);
	return read_param_value(c, value) < 0 ? -1 : 1;
}

/* RFC 2046 bchars, and not ending in a space. */
static bool boundary_valid(const char *b, size_t len)
{
	if (len < 1 || len > MAX_BOUNDARY || b[len - 1] == ' ')
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = b[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			  (ch != '\0' && strchr("'()+_,-./:=? ", ch));
		if (!ok)
			return false;
	}
	return true;
}

int multipart_boundary(const char *content_type, char *out, size_t outsz)
{
	struct buf name = BUF_INIT, value = BUF_INIT;
	const char *type;
	size_t type_len;
	bool found = false;
	int ret = -1, r;

	if (!content_type)
		return -1;
	struct cursor c = {content_type, content_type + strlen(content_type)};
	read_type(&c, &type, &type_len);
	if (!token_is(type, type_len, "multipart/form-data"))
		goto out;
	while ((r = next_param(&c, &name, &value)) == 1) {
		if (!token_is(name.data, name.len, "boundary"))
			continue;
		if (found || !boundary_valid(value.data, value.len) || value.len >= outsz)
			goto out;
		memcpy(out, value.data, value.len + 1);
		found = true;
	}
	if (r == 0 && found)
		ret = 0;
out:
	buf_free(&name);
	buf_free(&value);
	return ret;
}

/* filename*=charset'language'%XX... (RFC 8187). Sets *filename to the decoded name, or leaves
 * it NULL for a charset other than UTF-8 (the plain filename= is used then). -1 if malformed. */
static int decode_ext_filename(const char *v, size_t len, char **filename)
{
	const char *q1 = memchr(v, '\'', len);
	if (!q1)
		return -1;
	const char *q2 = memchr(q1 + 1, '\'', (size_t)(v + len - (q1 + 1)));
	if (!q2)
		return -1;
	if (!token_is(v, (size_t)(q1 - v), "UTF-8"))
		return 0;
	size_t n = (size_t)(v + len - (q2 + 1));
	char *s = xmalloc(n + 1);
	memcpy(s, q2 + 1, n);
	n = url_decode_inplace(s, n, false);
	s[n] = '\0';
	if (!text_acceptable((const unsigned char *)s, n)) {
		free(s);
		return -1;
	}
	*filename = s;
	return 0;
}

/* Content-Disposition: form-data; name="..."; filename="..."; filename*=UTF-8''... */
static int parse_disposition(const char *v, size_t len, struct multipart_part *part)
{
	struct buf name = BUF_INIT, value = BUF_INIT;
	char *field = NULL, *filename = NULL, *filename_ext = NULL;
	bool have_ext = false;
	const char *type;
	size_t type_len;
	int ret = -1, r;
	struct cursor c = {v, v + len};

	read_type(&c, &type, &type_len);
	if (!token_is(type, type_len, "form-data"))
		goto out;
	while ((r = next_param(&c, &name, &value)) == 1) {
		if (token_is(name.data, name.len, "name")) {
			if (field)
				goto out;
			field = buf_detach(&value, NULL);
		} else if (token_is(name.data, name.len, "filename")) {
			if (filename)
				goto out;
			filename = buf_detach(&value, NULL);
		} else if (token_is(name.data, name.len, "filename*")) {
			if (have_ext || decode_ext_filename(value.data, value.len, &filename_ext) < 0)
				goto out;
			have_ext = true;
		}
	}
	if (r < 0 || !field || !text_acceptable((const unsigned char *)field, strlen(field)))
		goto out;
	part->name = field;
	field = NULL;
	if (filename_ext) {
		part->filename = filename_ext;
		filename_ext = NULL;
	} else {
		part->filename = filename;
		filename = NULL;
	}
	ret = 0;
out:
	free(field);
	free(filename);
	free(filename_ext);
	buf_free(&name);
	buf_free(&value);
	return ret;
}

/* Parses the header block h[0..len): lines separated by CRLF, no blank line inside. */
static int parse_part_headers(const char *h, size_t len, struct multipart_part *part)
{
	const char *p = h, *end = h + len;
	bool have_disposition = false, have_type = false;

	while (p < end) {
		const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
		const char *line_end = eol ? eol : end;
		const char *line = p;
		p = eol ? eol + 2 : end;

		if (is_ows(*line))
			return -1; /* obsolete line folding */
		for (const char *q = line; q < line_end; q++)
			if (*q == '\0' || *q == '\r' || *q == '\n')
				return -1;
		const char *colon = memchr(line, ':', (size_t)(line_end - line));
		if (!colon)
			return -1;
		const char *name_end = colon;
		while (name_end > line && is_ows(name_end[-1]))
			name_end--;
		size_t name_len = (size_t)(name_end - line);
		struct cursor value = {colon + 1, line_end};
		skip_ows(&value);
		while (value.end > value.p && is_ows(value.end[-1]))
			value.end--;
		size_t value_len = (size_t)(value.end - value.p);

		if (token_is(line, name_len, "Content-Disposition")) {
			if (have_disposition || parse_disposition(value.p, value_len, part) < 0)
				return -1;
			have_disposition = true;
		} else if (token_is(line, name_len, "Content-Type")) {
			if (have_type)
				return -1;
			have_type = true;
			if (value_len) /* an empty one gets the default, as if absent */
				part->content_type = xstrndup(value.p, value_len);
		}
	}
	return have_disposition ? 0 : -1;
}

/* Checks what follows "--boundary": "--" closes the body (*last); otherwise optional transport
 * padding and CRLF must end the line. Sets *next past the delimiter line. */
static bool delimiter_tail(const unsigned char *after, const unsigned char *end, bool *last,
			   const unsigned char **next)
{
	if (end - after >= 2 && after[0] == '-' && after[1] == '-') {
		*last = true;
		*next = after + 2;
		return true;
	}
	while (after < end && (*after == ' ' || *after == '\t'))
		after++;
	if (end - after >= 2 && after[0] == '\r' && after[1] == '\n') {
		*last = false;
		*next = after + 2;
		return true;
	}
	return false;
}

/* Finds the next "\r\n--boundary" delimiter at or after from; returns where it starts (the CR),
 * or NULL if there is none. A boundary-like string not ending its line is content. */
static const unsigned char *find_delimiter(const unsigned char *from, const unsigned char *end,
					   const char *delim, size_t dlen, bool *last,
					   const unsigned char **next)
{
	while (end - from >= (ptrdiff_t)dlen) {
		const unsigned char *m = memmem(from, (size_t)(end - from), delim, dlen);
		if (!m)
			return NULL;
		if (delimiter_tail(m + dlen, end, last, next))
			return m;
		from = m + 1;
	}
	return NULL;
}

/* Reads one part starting after its delimiter line at pos: headers into part, content up to the
 * next delimiter, whose kind (*last) and end (*next) it reports. */
static int parse_part(const unsigned char *pos, const unsigned char *end, const char *delim,
		      size_t dlen, struct multipart_part *part, bool *last, const unsigned char **next)
{
	size_t window = (size_t)(end - pos);
	if (window > MULTIPART_MAX_HEADER_BYTES + 4)
		window = MULTIPART_MAX_HEADER_BYTES + 4;
	/* An empty header block (pos at the blank line) has no Content-Disposition: malformed. */
	const unsigned char *blank = memmem(pos, window, "\r\n\r\n", 4);
	if (!blank || blank == pos)
		return -1;
	/* A delimiter inside the header block means this part never ended its headers. pos - 2 is
	 * the CRLF that ended the previous delimiter line. */
	if (memmem(pos - 2, (size_t)(blank + 2 - (pos - 2)), delim, dlen))
		return -1;
	if (parse_part_headers((const char *)pos, (size_t)(blank - pos), part) < 0)
		return -1;
	const unsigned char *data = blank + 4;
	/* The delimiter's CRLF may be the blank line itself when a part has no content at all
	 * ("...\r\n\r\n--boundary"), so look from there. */
	const unsigned char *data_end = find_delimiter(blank + 2, end, delim, dlen, last, next);
	if (!data_end)
		return -1;
	if (data_end < data)
		data = data_end;
	part->data = data;
	part->len = (size_t)(data_end - data);
	if (!part->filename && !text_acceptable(part->data, part->len))
		return -1;
	if (!part->content_type)
		part->content_type = xstrdup(part->filename ? "application/octet-stream" : "text/plain");
	return 0;
}

int multipart_parse(const unsigned char *body, size_t len, const char *boundary, struct multipart *out)
{
	char delim[4 + MAX_BOUNDARY + 1] = "\r\n--";
	size_t cap = 0;
	const unsigned char *end, *pos;
	bool last;

	out->parts = NULL;
	out->n = 0;
	size_t blen = boundary ? strlen(boundary) : 0;
	if (!boundary_valid(boundary, blen) || !body)
		return -1;
	memcpy(delim + 4, boundary, blen + 1);
	size_t dlen = 4 + blen;
	end = body + len;

	/* The first delimiter may open the body without a CRLF before it. */
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0 &&
	    delimiter_tail(body + dlen - 2, end, &last, &pos)) {
		/* found at the very start */
	} else if (!find_delimiter(body, end, delim, dlen, &last, &pos)) {
		return -1;
	}

	while (!last) {
		if (out->n == MULTIPART_MAX_PARTS)
			goto fail;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 4;
			out->parts = xrealloc(out->parts, cap * sizeof(*out->parts));
		}
		struct multipart_part *part = &out->parts[out->n++];
		memset(part, 0, sizeof(*part));
		if (parse_part(pos, end, delim, dlen, part, &last, &pos) < 0)
			goto fail;
	}
	return 0;
fail:
	multipart_free(out);
	return -1;
}

void multipart_free(struct multipart *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->parts[i].name);
		free(m->parts[i].filename);
		free(m->parts[i].content_type);
	}
	free(m->parts);
	m->parts = NULL;
	m->n = 0;
}

/* Characters that never belong in a stored or displayed file name: controls, path and Windows
 * reserved characters, and invisible ones that can disguise an extension ("x\u202Efdp.exe"). */
static bool filename_char_ok(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return false;
	if (cp < 0x80)
		return !strchr("/\\<>:\"|?*", (int)cp);
	return !(cp == 0x061C || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
		 (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
		 cp == 0xFFFE || cp == 0xFFFF);
}

static void trim_dots_spaces(struct buf *b)
{
	while (b->len && (b->data[b->len - 1] == '.' || b->data[b->len - 1] == ' '))
		b->len--;
	if (b->cap)
		b->data[b->len] = '\0';
}

/* Largest length <= max that does not cut s (valid UTF-8) inside a character. */
static size_t utf8_cut(const char *s, size_t max)
{
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/* Shortens b to MULTIPART_MAX_FILENAME bytes, keeping an extension of up to 16 bytes. */
static void cap_length(struct buf *b)
{
	if (b->len <= MULTIPART_MAX_FILENAME)
		return;
	const char *dot = memrchr(b->data, '.', b->len);
	size_t ext_len = dot ? b->len - (size_t)(dot - b->data) : 0;
	if (!dot || dot == b->data || ext_len > 16) {
		b->len = utf8_cut(b->data, MULTIPART_MAX_FILENAME);
		trim_dots_spaces(b);
		return;
	}
	char ext[17];
	memcpy(ext, dot, ext_len);
	b->len = utf8_cut(b->data, MULTIPART_MAX_FILENAME - ext_len);
	trim_dots_spaces(b);
	buf_add(b, ext, ext_len);
}

char *multipart_safe_filename(const char *filename)
{
	struct buf b = BUF_INIT;
	const char *base = filename ? filename : "";

	buf_init(&b);
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	const unsigned char *s = (const unsigned char *)base;
	size_t len = strlen(base), i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_next(s + i, len - i, &cp);
		if (n == 0) {
			i++; /* a stray byte of some other encoding */
			continue;
		}
		const unsigned char *ch = s + i;
		i += n;
		if (!filename_char_ok(cp))
			continue;
		if ((cp == '.' || cp == ' ') && b.len == 0)
			continue;
		if (cp == '.' && b.data[b.len - 1] == '.')
			continue;
		buf_add(&b, ch, n);
	}
	trim_dots_spaces(&b);
	cap_length(&b);
	if (b.len == 0)
		buf_adds(&b, "file");
	return buf_detach(&b, NULL);
}
