/* receipt.c: the application receipt as an A5 PDF: cairo for the page, pango for every text, libqrencode. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <string.h>
#include "render/receipt.h"
#include "util/log.h"

#define PAGE_W 419.53 /* A5 in points */
#define PAGE_H 595.28
#define MARGIN 36.0
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define LABEL_W 105.0
#define QR_SIZE 118.0   /* points, quiet zone included */
#define QR_QUIET 4      /* modules of white around the symbol, as the standard asks */
#define FAMILY "DejaVu Sans"

/* What one rendering needs: its own font map and context, so concurrent calls share nothing but fontconfig's
 * configuration (thread-safe). */
struct page {
	cairo_t *cr;
	PangoFontMap *fonts;
	PangoContext *pango;
};

static cairo_status_t append_to_buf(void *closure, const unsigned char *data, unsigned int length)
{
	buf_add(closure, data, length);
	return CAIRO_STATUS_SUCCESS;
}

/* Draws text at (x, y) in a box width wide, wrapped; max_lines > 0 cuts it with an ellipsis after that many lines.
 * Returns the height used. */
static double draw_text(struct page *p, const char *text, const char *font, double x, double y, double width,
			PangoAlignment align, int max_lines)
{
	PangoLayout *layout = pango_layout_new(p->pango);
	PangoFontDescription *desc = pango_font_description_from_string(font);
	pango_layout_set_font_description(layout, desc);
	pango_font_description_free(desc);
	pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(layout, align);
	if (max_lines > 0) {
		pango_layout_set_height(layout, -max_lines);
		pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
	}
	pango_layout_set_text(layout, text ? text : "", -1); /* plain text: never markup */
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, layout);
	int w, h;
	pango_layout_get_size(layout, &w, &h);
	g_object_unref(layout);
	return (double)h / PANGO_SCALE;
}

static void rule(struct page *p, double y)
{
	cairo_set_source_rgb(p->cr, 0.55, 0.55, 0.55);
	cairo_set_line_width(p->cr, 0.6);
	cairo_move_to(p->cr, MARGIN, y);
	cairo_line_to(p->cr, PAGE_W - MARGIN, y);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

/* One "label: value" row; returns its height. */
static double field(struct page *p, enum lang lang, const char *label_key, const char *value, double y, int lines)
{
	double hl = draw_text(p, i18n_get(lang, label_key), FAMILY " Bold 9", MARGIN, y, LABEL_W - 6,
			      PANGO_ALIGN_LEFT, 2);
	double hv = draw_text(p, value, FAMILY " 9.5", MARGIN + LABEL_W, y, CONTENT_W - LABEL_W, PANGO_ALIGN_LEFT,
			      lines);
	return (hl > hv ? hl : hv) + 5;
}

/* The QR code of url with its top-left corner (quiet zone included) at (x, y): dark modules as one filled path of
 * squares, so no seams show between neighbours when it is rasterised. */
static int draw_qr(struct page *p, const char *url, double x, double y)
{
	QRcode *qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return error("receipt: the address '%.80s...' does not fit a QR code", url);
	int n = qr->width;
	double m = QR_SIZE / (n + 2 * QR_QUIET);
	cairo_set_source_rgb(p->cr, 1, 1, 1);
	cairo_rectangle(p->cr, x, y, QR_SIZE, QR_SIZE);
	cairo_fill(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	for (int row = 0; row < n; row++)
		for (int col = 0; col < n; col++)
			if (qr->data[row * n + col] & 1)
				cairo_rectangle(p->cr, x + (col + QR_QUIET) * m, y + (row + QR_QUIET) * m, m, m);
	cairo_fill(p->cr);
	QRcode_free(qr);
	return 0;
}

static int draw(struct page *p, const struct receipt *r)
{
	enum lang lang = r->lang;
	double y = MARGIN;
	y += draw_text(p, r->municipality, FAMILY " Bold 13", MARGIN, y, CONTENT_W, PANGO_ALIGN_CENTER, 2);
	y += draw_text(p, r->office, FAMILY " 11", MARGIN, y, CONTENT_W, PANGO_ALIGN_CENTER, 2) + 8;
	rule(p, y);
	y += 12;
	const char *title = r->title && *r->title ? r->title : i18n_get(lang, "receipt.title");
	y += draw_text(p, title, FAMILY " Bold 15", MARGIN, y, CONTENT_W, PANGO_ALIGN_CENTER, 2) + 12;

	y += draw_text(p, i18n_get(lang, "receipt.tracking_code"), FAMILY " 9", MARGIN, y, CONTENT_W,
		       PANGO_ALIGN_CENTER, 1);
	y += draw_text(p, r->tracking_code, FAMILY " Bold 26", MARGIN, y, CONTENT_W, PANGO_ALIGN_CENTER, 1) + 12;
	rule(p, y);
	y += 10;

	y += field(p, lang, "receipt.received", r->received, y, 1);
	y += field(p, lang, "receipt.applicant", r->applicant, y, 2);
	y += field(p, lang, "receipt.subject", r->subject, y, 4);
	y += field(p, lang, "receipt.category", r->category, y, 2);
	y += field(p, lang, "receipt.channel", r->channel, y, 1);
	y += 6;
	rule(p, y);
	y += 10;

	if (draw_qr(p, r->track_url, MARGIN - 4, y) != 0)
		return -1;
	double tx = MARGIN + QR_SIZE + 6, tw = CONTENT_W - QR_SIZE - 6, ty = y + 8;
	ty += draw_text(p, i18n_get(lang, "receipt.track"), FAMILY " 9", tx, ty, tw, PANGO_ALIGN_LEFT, 0) + 6;
	draw_text(p, r->track_url, FAMILY " 8", tx, ty, tw, PANGO_ALIGN_LEFT, 3);
	y += QR_SIZE + 8;
	y += draw_text(p, i18n_get(lang, "receipt.keep"), FAMILY " Bold 8.5", MARGIN, y, CONTENT_W, PANGO_ALIGN_LEFT,
		       0) + 6;

	for (size_t i = 0; r->small_print && r->small_print[i] && y < PAGE_H - MARGIN; i++)
		y += draw_text(p, r->small_print[i], FAMILY " 6.5", MARGIN, y, CONTENT_W, PANGO_ALIGN_LEFT, 0) + 2;
	return 0;
}

int receipt_pdf(const struct receipt *r, struct buf *out)
{
	if (!r || !r->tracking_code || !*r->tracking_code || !r->track_url || !*r->track_url)
		return error("receipt: no tracking code or address");
	struct buf pdf = BUF_INIT;
	int rc = -1;
	cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(append_to_buf, &pdf, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
				       r->title && *r->title ? r->title : i18n_get(r->lang, "receipt.title"));
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Kalem");
	struct page p = {.cr = cairo_create(surface), .fonts = pango_cairo_font_map_new()};
	p.pango = pango_font_map_create_context(p.fonts);
	/* Points as the unit of both cairo's PDF surface and font sizes; no hinting of metrics on a vector page. */
	pango_cairo_context_set_resolution(p.pango, 72);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(p.pango, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_update_context(p.cr, p.pango);
	cairo_set_source_rgb(p.cr, 0, 0, 0);

	int drawn = draw(&p, r);
	cairo_show_page(p.cr);
	g_object_unref(p.pango);
	g_object_unref(p.fonts);
	cairo_status_t status = cairo_status(p.cr);
	cairo_destroy(p.cr);
	cairo_surface_finish(surface);
	if (status == CAIRO_STATUS_SUCCESS)
		status = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	if (drawn != 0)
		goto out;
	if (status != CAIRO_STATUS_SUCCESS) {
		error("receipt: cairo failed: %s", cairo_status_to_string(status));
		goto out;
	}
	buf_add(out, pdf.data, pdf.len);
	rc = 0;
out:
	buf_free(&pdf);
	return rc;
}
