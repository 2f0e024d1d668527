/* multipart.h: multipart/form-data request bodies (RFC 7578), parsed from a complete buffer. */
#ifndef KALEM_HTTP_MULTIPART_H
#define KALEM_HTTP_MULTIPART_H
#include <stddef.h>

#define MULTIPART_MAX_PARTS 100
/* Limit on the header block of one part (the bytes between its boundary line and blank line). */
#define MULTIPART_MAX_HEADER_BYTES 8192
/* multipart_safe_filename never returns more bytes than this. */
#define MULTIPART_MAX_FILENAME 120

struct multipart_part {
	/* The Content-Disposition name, never NULL (may be ""). Valid UTF-8. */
	char *name;
	/* NULL if the part is not a file. Otherwise the client's name for it, "" when a file input
	 * was left empty; filename*=UTF-8''... wins over filename=. Untrusted: may hold a path,
	 * invalid UTF-8, anything but NUL; pass it through multipart_safe_filename before use. */
	char *filename;
	/* Never NULL: the part's Content-Type, else "text/plain" (fields) or
	 * "application/octet-stream" (files). Client-supplied: do not trust it for file type. */
	char *content_type;
	/* The part's content; points into the body given to multipart_parse. For fields (no
	 * filename) it is valid UTF-8 without NUL bytes; file data may be any bytes. */
	const unsigned char *data;
	size_t len;
};

struct multipart {
	struct multipart_part *parts;
	size_t n;
};

/* Extracts the boundary from a request Content-Type such as
 * `multipart/form-data; boundary="----x"` (media type matched case-insensitively, boundary
 * quoted or not, 1..70 RFC 2046 characters, not ending in a space) into out, NUL-terminated.
 * Returns 0, or -1 if the type is not multipart/form-data, the boundary is missing, repeated,
 * invalid or does not fit in outsz bytes (71 always suffice). */
int multipart_boundary(const char *content_type, char *out /* OUT */, size_t outsz);

/* Parses body[0..len) delimited by boundary (as returned by multipart_boundary) into out, which
 * it initialises. Preamble and epilogue are ignored; a close delimiter right away gives zero parts
 * (what browsers send for an empty form). Each part needs a Content-Disposition of type form-data
 * with a name; filename (quoted-string, \" and \\ unescaped) and filename*=UTF-8''%XX are read,
 * as is Content-Type; other headers are ignored. Returns 0, or -1 on malformed input: no opening
 * or final boundary, a part without name, a repeated header or parameter, a bad header line
 * (folded, no colon, bare CR or LF, NUL), a field that is not UTF-8 or holds a NUL, more than
 * MULTIPART_MAX_PARTS parts or a header block over MULTIPART_MAX_HEADER_BYTES. On -1 out is left
 * empty. The parts' data point into body, which must outlive out. */
int multipart_parse(const unsigned char *body, size_t len, const char *boundary,
		    struct multipart *out /* OUT */);

/* Frees what multipart_parse allocated and leaves m empty (calling it twice is harmless). */
void multipart_free(struct multipart *m);

/* A file name safe to show and to store: the base name only (anything up to the last '/' or
 * '\\' removed), without invalid UTF-8, control, bidirectional-override or zero-width characters
 * and without any of <>:"|?*; runs of dots collapsed (no ".."), no leading dots or spaces, no
 * trailing dots or spaces; at most MULTIPART_MAX_FILENAME bytes, cut on a character boundary and
 * keeping a short extension. Non-ASCII letters are kept. Gives "file" if nothing is left (or for
 * NULL). The caller frees the result. */
char *multipart_safe_filename(const char *filename);

#endif
