/*
** report.pdf: the report for print (cairo PDF, A4 landscape): summary,
** the three charts, then every table, split over pages and, when too wide,
** into column blocks that repeat the row labels.
*/
#include "lr_file.h"
#include "report_i18n.h"
#include "report_int.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 842.0
#define PAGE_H 595.0
#define MARGIN 36.0
#define FONT "DejaVu Sans"

typedef struct pdf {
	cairo_t *cr;
	double y; /* next baseline */
	int page;
} pdf;

static void font(cairo_t *cr, double size, bool bold)
{
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
	                       bold ? CAIRO_FONT_WEIGHT_BOLD
	                            : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

static double width_of(cairo_t *cr, const char *s)
{
	cairo_text_extents_t e;
	cairo_text_extents(cr, s, &e);
	return e.x_advance;
}

static void footer(pdf *p, const lr_report *r)
{
	char buf[512];
	font(p->cr, 7, false);
	cairo_set_source_rgb(p->cr, 0.4, 0.4, 0.4);
	snprintf(buf, sizeof buf, _("%s - as of %s - page %d"), r->title,
	         lr__date(r, r->as_of).s, p->page);
	cairo_move_to(p->cr, MARGIN, PAGE_H - 16);
	cairo_show_text(p->cr, buf);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void new_page(pdf *p, const lr_report *r)
{
	footer(p, r);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN + 10;
}

/* One line of wrapped text at (x, p->y), on a new page when this one is
** full; with draw false only the line's lead is counted. */
static void wrap_line(pdf *p, const lr_report *r, const char *line, double x,
                      double lead, bool draw)
{
	if (draw) {
		if (p->y > PAGE_H - MARGIN - 10)
			new_page(p, r);
		cairo_move_to(p->cr, x, p->y);
		cairo_show_text(p->cr, line);
	}
	p->y += lead;
}

/* Words of s wrapped to width w, each line drawn at x (or, when !draw,
** only counted); the font is set.  The number of lines. */
static int wrap_text(pdf *p, const lr_report *r, const char *s, double x,
                     double w, double lead, bool draw)
{
	char line[2048] = "";
	const char *q = s;
	int lines = 0;
	while (*q) {
		while (*q == ' ')
			q++;
		size_t n = strcspn(q, " ");
		if (!n)
			break;
		char cand[2048];
		int len = snprintf(cand, sizeof cand, "%s%s%.*s", line,
		                   line[0] ? " " : "", (int)n, q);
		/* A line too long for the buffer is wrapped like a wide one. */
		bool full = len < 0 || (size_t)len >= sizeof cand;
		if (line[0] && (full || width_of(p->cr, cand) > w)) {
			wrap_line(p, r, line, x, lead, draw);
			lines++;
			snprintf(line, sizeof line, "%.*s", (int)n, q);
		} else {
			memcpy(line, cand, strlen(cand) + 1);
		}
		q += n;
	}
	if (line[0]) {
		wrap_line(p, r, line, x, lead, draw);
		lines++;
	}
	return lines;
}

static void wrap(pdf *p, const lr_report *r, const char *s, double x, double w,
                 double lead)
{
	wrap_text(p, r, s, x, w, lead, true);
}

static void summary_pages(pdf *p, const lr_report *r)
{
	cairo_t *cr = p->cr;
	double w = PAGE_W - 2 * MARGIN;
	char buf[2048], scope[512], a[64];
	font(cr, 20, true);
	cairo_move_to(cr, MARGIN, p->y + 8);
	cairo_show_text(cr, r->title);
	p->y += 34;
	font(cr, 9.5, false);
	snprintf(buf, sizeof buf, _("Figures as of %s. Scope: %s."),
	         lr__date(r, r->as_of).s,
	         lr__scope_text(r, scope, sizeof scope));
	wrap(p, r, buf, MARGIN, w, 13);
	snprintf(buf, sizeof buf,
	         _("Data sources: regions %s; hazards %s; releases %s. Written "
	           "by landrelease %s."),
	         r->source[0], r->source[1], r->source[2], r->version);
	wrap(p, r, buf, MARGIN, w, 13);
	for (size_t i = 0; i < r->notes.len; i++)
		wrap(p, r, LR_VEC_AT(&r->notes, char *, i), MARGIN, w, 13);
	p->y += 10;
	font(cr, 13, true);
	cairo_move_to(cr, MARGIN, p->y);
	cairo_show_text(cr, _("Data quality"));
	p->y += 18;
	font(cr, 9, false);
	for (size_t i = 0; i < r->quality.statement.len; i++)
		wrap(p, r, LR_VEC_AT(&r->quality.statement, char *, i),
		     MARGIN + 8, w - 8, 12);
	p->y += 10;
	font(cr, 13, true);
	cairo_move_to(cr, MARGIN, p->y);
	cairo_show_text(cr, _("Summary"));
	p->y += 18;
	font(cr, 9.5, false);
	int k = snprintf(buf, sizeof buf,
	                 _("National: %s of hazardous land remaining in %s "
	                   "areas"),
	                 lr__fmt_area(r, r->remaining, a),
	                 lr__count(r, r->remaining_count).s);
	if (r->has_completion)
		snprintf(buf + k, sizeof buf - (size_t)k,
		         _("; at the pace of recent years, completion P10 %s, "
		           "P50 %s, P90 %s; Article 5 deadline %s."),
		         lr__date(r, r->p[0]).s, lr__date(r, r->p[1]).s,
		         lr__date(r, r->p[2]).s, lr__date(r, r->deadline).s);
	else
		snprintf(buf + k, sizeof buf - (size_t)k, ".");
	wrap(p, r, buf, MARGIN, w, 13);
	p->y += 4;
	font(cr, 8.5, false);
	size_t *idx = calloc(r->regions.len + 1, sizeof *idx);
	size_t n_said = idx ? lr__summary_regions(r, idx) : 0;
	for (size_t i = 0; i < n_said; i++) {
		rbuf s = {0};
		lr__region_sentence(r, lr__summary_region(r, idx[i]), &s);
		if (s.data)
			wrap(p, r, s.data, MARGIN + 8, w - 8, 11.5);
		lr__buf_free(&s);
	}
	free(idx);
	rbuf others = {0};
	lr__summary_others(r, &others);
	if (others.data)
		wrap(p, r, others.data, MARGIN, w, 13);
	lr__buf_free(&others);
	new_page(p, r);
}

static void chart_pages(pdf *p, const lr_report *r)
{
	for (int k = 0; k < 3; k++) {
		rbuf cap = {0};
		lr__chart_caption(r, k, &cap);
		/* The caption under the chart says what is drawn; the chart
		** leaves room for two lines of it and shrinks for more, so a
		** longer caption (a translation) stays on the chart's page. */
		double w = PAGE_W - 2 * MARGIN;
		font(p->cr, 8.5, false);
		pdf probe = *p;
		int lines = cap.data ? wrap_text(&probe, r, cap.data, MARGIN, w,
		                                 11, false)
		                     : 0;
		double h = PAGE_H - 2 * MARGIN - 44 - 11 * fmax(lines - 2, 0);
		/* Draw at a screen-like size and scale to the page, so the
		** fonts keep their proportions. */
		double dw = 1100, dh = dw * h / w;
		cairo_save(p->cr);
		cairo_translate(p->cr, MARGIN, MARGIN);
		cairo_scale(p->cr, w / dw, h / dh);
		lr__chart_draw(r, k, p->cr, dw, dh);
		cairo_restore(p->cr);
		p->y = MARGIN + h + 14;
		font(p->cr, 8.5, false);
		cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
		if (cap.data)
			wrap(p, r, cap.data, MARGIN, w, 11);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		lr__buf_free(&cap);
		new_page(p, r);
	}
}

/* Column widths at the table font; header = label over "(unit)". */
static void measure(const lr_report *r, cairo_t *cr, const rtable *t,
                    double *cw)
{
	for (int c = 0; c < t->n_cols; c++) {
		font(cr, 7, true);
		cw[c] = width_of(cr, t->cols[c].label);
		char u[64];
		snprintf(u, sizeof u, "(%s)", t->cols[c].unit);
		if (t->cols[c].unit[0])
			cw[c] = fmax(cw[c], width_of(cr, u));
		font(cr, 7, false);
		for (size_t i = 0; i < t->n_rows; i++) {
			if (!lr__row_printed(t, i))
				continue;
			char buf[64];
			const char *s = lr__cell_format(r, t, i, c, true, buf);
			cw[c] = fmax(cw[c], width_of(cr, s) * 1.06);
		}
		cw[c] = fmin(cw[c], 200) + 8;
	}
}

static void table_header(pdf *p, const rtable *t, const int *cols, int n,
                         const double *cw)
{
	cairo_t *cr = p->cr;
	double x = MARGIN, tw = 0;
	for (int i = 0; i < n; i++)
		tw += cw[cols[i]];
	cairo_set_source_rgb(cr, 0.91, 0.93, 0.96);
	cairo_rectangle(cr, MARGIN, p->y - 9, tw, 22);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	font(cr, 7, true);
	for (int i = 0; i < n; i++) {
		const rcol *c = &t->cols[cols[i]];
		cairo_move_to(cr, x + 3, p->y);
		cairo_show_text(cr, c->label);
		if (c->unit[0]) {
			char u[64];
			snprintf(u, sizeof u, "(%s)", c->unit);
			cairo_move_to(cr, x + 3, p->y + 9);
			cairo_show_text(cr, u);
		}
		x += cw[cols[i]];
	}
	p->y += 22;
}

static void table_pages(pdf *p, const lr_report *r, const rtable *t)
{
	cairo_t *cr = p->cr;
	double avail = PAGE_W - 2 * MARGIN;
	double *cw = calloc((size_t)t->n_cols, sizeof *cw);
	int *cols = calloc((size_t)t->n_cols + 4, sizeof *cols);
	if (!cw || !cols) {
		free(cw);
		free(cols);
		return;
	}
	measure(r, cr, t, cw);
	/* Row labels: the leading text and year columns, repeated in every
	** column block. */
	int lead = 0;
	double lead_w = 0;
	while (lead < t->n_cols && lead < 3 &&
	       (t->cols[lead].type == RC_TEXT ||
	        t->cols[lead].type == RC_YEAR)) {
		lead_w += cw[lead];
		lead++;
	}
	if (p->y > PAGE_H - MARGIN - 120)
		new_page(p, r);
	font(cr, 12, true);
	cairo_move_to(cr, MARGIN, p->y + 4);
	cairo_show_text(cr, t->title);
	p->y += 20;
	font(cr, 7.5, false);
	char buf[2048], scope[512];
	snprintf(buf, sizeof buf, _("As of %s. Scope: %s."),
	         lr__date(r, r->as_of).s,
	         lr__scope_text(r, scope, sizeof scope));
	wrap(p, r, buf, MARGIN, avail, 10);
	snprintf(buf, sizeof buf, _("Units: %s"), t->units);
	wrap(p, r, buf, MARGIN, avail, 10);
	snprintf(buf, sizeof buf, _("Source: %s"), t->source);
	wrap(p, r, buf, MARGIN, avail, 10);
	p->y += 8;
	int next = lead;
	do {
		int n = 0;
		double w = lead_w;
		for (int c = 0; c < lead; c++)
			cols[n++] = c;
		while (next < t->n_cols &&
		       (n == lead || w + cw[next] <= avail)) {
			w += cw[next];
			cols[n++] = next++;
		}
		if (p->y > PAGE_H - MARGIN - 60)
			new_page(p, r);
		table_header(p, t, cols, n, cw);
		for (size_t i = 0; i < t->n_rows; i++) {
			if (!lr__row_printed(t, i))
				continue;
			if (p->y > PAGE_H - MARGIN - 6) {
				new_page(p, r);
				table_header(p, t, cols, n, cw);
			}
			if (t->total[i]) {
				cairo_set_source_rgb(cr, 0.95, 0.95, 0.95);
				cairo_rectangle(cr, MARGIN, p->y - 8, w, 11);
				cairo_fill(cr);
				cairo_set_source_rgb(cr, 0, 0, 0);
			}
			font(cr, 7, t->total[i]);
			double x = MARGIN;
			for (int k = 0; k < n; k++) {
				int c = cols[k];
				char cell[64];
				const char *s =
				        lr__cell_format(r, t, i, c, true, cell);
				rc_type ty = t->cols[c].type;
				bool right = ty != RC_TEXT && ty != RC_DATE &&
				             ty != RC_YEAR;
				double sx =
				        right ? x + cw[c] - 4 - width_of(cr, s)
				              : x + 3;
				cairo_move_to(cr, sx, p->y);
				cairo_show_text(cr, s);
				x += cw[c];
			}
			cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
			cairo_set_line_width(cr, 0.4);
			cairo_move_to(cr, MARGIN, p->y + 3);
			cairo_line_to(cr, MARGIN + w, p->y + 3);
			cairo_stroke(cr);
			cairo_set_source_rgb(cr, 0, 0, 0);
			p->y += 11;
		}
		p->y += 12;
	} while (next < t->n_cols);
	if (t->note[0]) {
		font(cr, 7.5, false);
		wrap(p, r, t->note, MARGIN, avail, 10);
	}
	p->y += 14;
	free(cw);
	free(cols);
}

/* "Annex C. Every region" over table 1 in full, when it is an annex. */
static void annex_heading(pdf *p, const lr_report *r, int k)
{
	if (k != T_REMAINING || !lr__leaf_annex(r))
		return;
	if (p->y > PAGE_H - MARGIN - 140)
		new_page(p, r);
	font(p->cr, 13, true);
	cairo_move_to(p->cr, MARGIN, p->y + 4);
	cairo_show_text(p->cr, _("Annex C. Every region"));
	p->y += 24;
}

int lr_report_write_pdf(const lr_report *r, const char *path, lr_error *err)
{
	char tmp[4096];
	FILE *f = lr_atomic_open(path, tmp, sizeof tmp, err);
	if (!f)
		return err->code;
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(
	        lr__cairo_write, f, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, r->title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
	                               "landrelease report");
	/* The as-of date as creation date: the same inputs, the same file. */
	char date[32];
	snprintf(date, sizeof date, "%.10sT00:00:00", r->as_of);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
	cairo_t *cr = cairo_create(s);
	pdf p = {cr, MARGIN + 10, 1};
	summary_pages(&p, r);
	chart_pages(&p, r);
	int order[T_N], n = lr__report_order(r, order);
	for (int i = 0; i < n; i++) {
		annex_heading(&p, r, order[i]);
		table_pages(&p, r, &r->tables[order[i]]);
	}
	footer(&p, r);
	cairo_show_page(cr);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	return lr__cairo_close(f, st, tmp, path, err);
}
