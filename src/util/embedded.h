/* embedded.h: files compiled into the binary (templates, static assets, catalogue, migrations). */
#ifndef KALEM_UTIL_EMBEDDED_H
#define KALEM_UTIL_EMBEDDED_H
#include <stddef.h>

struct embedded_file {
	const char *path;          /* relative to the source root, e.g. "templates/login.html" */
	const unsigned char *data; /* NUL-terminated for convenience; len excludes the NUL */
	size_t len;
};

/* The table, ended by an entry whose path is NULL. Generated at build time. */
extern const struct embedded_file embedded_files[];

/* Finds a file by its relative path; NULL when absent. */
const struct embedded_file *embedded_find(const char *path);

#endif
