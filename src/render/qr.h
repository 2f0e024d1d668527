/* qr.h: a QR code as inline SVG (libqrencode), for pages that show a tracking address to keep or scan. */
#ifndef KALEM_RENDER_QR_H
#define KALEM_RENDER_QR_H
#include "util/buf.h"

/* Appends to out (OUT) an <svg> element drawing text as a QR code (8-bit mode, error correction M, the smallest
 * version that fits) with a quiet zone of 4 modules: viewBox "0 0 W W" where W = modules + 8, drawn 6 px a
 * module; one white <rect> for the background and one black <path> of unit squares, shape-rendering crispEdges;
 * role="img" with the text as its escaped aria-label. No script, no style, no external reference. Thread-safe.
 * Returns 0, or -1 (logged) when text is NULL, empty or too long for a QR code; out is unchanged then. */
int qr_svg(const char *text, struct buf *out /* OUT */);

#endif
