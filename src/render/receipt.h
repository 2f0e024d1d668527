/* receipt.h: the printable receipt of an application (A5 PDF: the tracking code printed big, a QR code of the
 * tracking address, the KVKK small print), drawn with cairo and pango; every label comes from the catalogue. */
#ifndef KALEM_RENDER_RECEIPT_H
#define KALEM_RENDER_RECEIPT_H
#include "util/buf.h"
#include "util/i18n.h"

/* What the receipt shows. Text is UTF-8 and printed as it is (never read as markup); NULL prints as "". */
struct receipt {
	const char *municipality;  /* e.g. "Meram Belediyesi" (settings org.municipality_name) */
	const char *office;        /* e.g. "Özel Kalem Müdürlüğü" */
	const char *title;         /* e.g. "Başvuru Alındı Belgesi"; NULL: the catalogue's receipt.title */
	const char *tracking_code; /* required */
	const char *received;      /* display text of when it was received, e.g. "3 Mart 2026 14:05" */
	const char *applicant;
	const char *subject;       /* long text is wrapped and cut after a few lines */
	const char *category;
	const char *channel;       /* display text, e.g. "Web formu" */
	const char *track_url;     /* required: encoded in the QR code and printed under it */
	const char *const *small_print; /* lines of small print (the KVKK notice), NULL-terminated; may be NULL */
	enum lang lang;            /* of the labels */
};

/* Renders r as a one-page PDF appended to out (OUT: the PDF bytes). Thread-safe: each call has its own font map
 * and surface. Returns 0, or -1 (logged) when a required field is missing, the URL does not fit a QR code, or
 * cairo fails. */
int receipt_pdf(const struct receipt *r, struct buf *out /* OUT */);

#endif
