/* qr.c: QR codes as inline SVG with libqrencode: one path of unit squares, runs of dark modules merged. */
#include <qrencode.h>
#include <string.h>
#include "render/qr.h"
#include "util/log.h"

#define QUIET 4  /* modules of white margin the standard asks for */
#define PIXELS 6 /* the drawn size of a module, CSS pixels: a phone camera reads it at arm's length */

int qr_svg(const char *text, struct buf *out)
{
	if (!text || !*text)
		return error("cannot draw an empty QR code");
	/* QRcode_encodeString is reentrant (each call has its own state) */
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return error("cannot encode '%.40s' as a QR code", text);
	int w = qr->width, size = w + 2 * QUIET;
	buf_addf(out,
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
		 "class=\"qr\" role=\"img\" aria-label=\"",
		 size, size, size * PIXELS, size * PIXELS);
	buf_add_html(out, text);
	buf_addf(out, "\" shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path "
		      "fill=\"#000\" d=\"",
		 size, size);
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w;) {
			if (!(qr->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < w && (qr->data[y * w + x + run] & 1))
				run++;
			buf_addf(out, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
			x += run;
		}
	}
	buf_adds(out, "\"/></svg>");
	QRcode_free(qr);
	return 0;
}
