/* buf.h: a growable byte string (modelled on git's strbuf).
 *
 * Invariants: after buf_init, b->data is never NULL and b->data[b->len] == '\0'.
 * A buf owns its storage until buf_detach hands it to the caller.
 */
#ifndef KALEM_UTIL_BUF_H
#define KALEM_UTIL_BUF_H
#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT {0}

void buf_init(struct buf *b);
void buf_free(struct buf *b);
/* Empties the buffer, keeping its storage. */
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Returns the NUL-terminated storage; the caller now owns it and b is empty again. */
char *buf_detach(struct buf *b, size_t *len_out);

/* Escapers: append s with HTML text/attribute escaping, or JSON string escaping (no quotes). */
void buf_add_html(struct buf *b, const char *s);
void buf_add_html_n(struct buf *b, const char *s, size_t n);
void buf_add_json_str(struct buf *b, const char *s);
/* Appends s percent-encoded for a URL query value. */
void buf_add_urlenc(struct buf *b, const char *s);

#endif
