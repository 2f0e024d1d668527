/* template.h: a small Mustache-subset HTML template engine, escaping by default, rendering jansson values.
 *
 * Templates are the embedded files templates/NAME.html (NAME may contain '/'). They are compiled
 * once at start-up into op lists; rendering does no parsing and allocates nothing but the output.
 * The registry is process-global: written only by tmpl_init / tmpl_compile_string / tmpl_shutdown at
 * start-up or shutdown, read-only while serving, so tmpl_render is thread-safe.
 *
 * Syntax:
 *   {{name}}  {{a.b.c}}  {{.}}     value, HTML-escaped (both quote kinds, so valid in attributes).
 *                                  Strings as is, numbers printed, true/false as words,
 *                                  null, missing, objects and arrays as nothing.
 *   {{{name}}}  {{&name}}          value unescaped: the rare, named exception.
 *   {{#name}}...{{/name}}          section: a non-empty array repeats the body once per element,
 *                                  each element pushed on the context stack; any other truthy value
 *                                  (object, true, non-empty string, non-zero number) is pushed and the
 *                                  body rendered once; false, null, missing, [], "" and 0 skip it.
 *   {{^name}}...{{/name}}          inverted section: rendered once exactly when {{#name}} would skip.
 *   {{! comment }}                 nothing.
 *   {{> name}}                     partial templates/name.html, rendered with the current context.
 *   {{@key}}                       i18n_get(lang, key), HTML-escaped; the key must exist at compile time.
 * Lookup of a name walks the context stack from the innermost frame outwards and takes the first
 * object holding the first segment; further segments are then looked up inside it only (Mustache).
 * A later segment that is a decimal number indexes an array: {{#items.0}} tests for a first item.
 * Section, inverted, close, comment and partial tags alone on a line remove that whole line.
 * Set-delimiter tags ({{=...=}}) are not supported. Limits: 32 nested contexts, 16 nested partials.
 */
#ifndef KALEM_WEB_TEMPLATE_H
#define KALEM_WEB_TEMPLATE_H
#include <stddef.h>
#include <jansson.h>
#include "util/buf.h"
#include "util/i18n.h"

#define TMPL_MAX_CONTEXTS 32
#define TMPL_MAX_PARTIAL_DEPTH 16

/* Compiles every embedded templates/NAME.html (replacing anything registered before) and links the
 * partials. Needs the catalogue loaded (i18n_load) first, since {{@key}} is checked and resolved now.
 * Reports each syntax error as "templates/x.html:LINE: reason" (unclosed or mismatched section,
 * unknown partial, unknown string key, bad tag) and returns -1 if there was any, leaving no template
 * registered; 0 on success. Start-up only. */
int tmpl_init(void);

/* Appends template name (e.g. "login" for templates/login.html) rendered with ctx (may be NULL) in
 * lang to out. Returns 0, or -1 for an unknown template or an exceeded depth limit (logged); on -1
 * out may hold part of the page, so the caller must discard it. Thread-safe. */
int tmpl_render(struct buf *out, const char *name, const json_t *ctx, enum lang lang);

/* Compiles src (len bytes) and registers it as template name, replacing one of the same name (in
 * place, so partials already linked to it see the new body). Partials must name templates already
 * registered, or name itself. Returns 0, or -1 after logging "name:LINE: reason", in which case the
 * registry is unchanged. For tests and fuzzing: NOT thread-safe, start-up only. */
int tmpl_compile_string(const char *name, const char *src, size_t len);

/* Frees every registered template (end of process, tests). */
void tmpl_shutdown(void);

#endif
