/*
** The charts of the report, drawn with cairo on any surface: remaining land
** over time with the projection fan, released land per year by method, and
** the map of remaining hazardous land; as inline SVG, PNG or PDF pages.
*/
#include "lr_file.h"
#include "report_i18n.h"
#include "report_int.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const lr__chart_titles[3] = {
        N_("Remaining hazardous land over time and its projection"),
        N_("Land released per year, by method"),
        N_("Remaining hazardous land by region")};

#define FONT "DejaVu Sans"

typedef struct rgb {
	double r, g, b;
} rgb;

static rgb hex(unsigned v)
{
	return (rgb){(v >> 16 & 255) / 255.0, (v >> 8 & 255) / 255.0,
	             (v & 255) / 255.0};
}

static void color(cairo_t *cr, unsigned v)
{
	rgb c = hex(v);
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static void font(cairo_t *cr, double size, bool bold)
{
	cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
	                       bold ? CAIRO_FONT_WEIGHT_BOLD
	                            : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

/* Draw s with its anchor at (x, y): ax 0 left, 0.5 centre, 1 right; ay 0
** baseline at y, 0.5 vertically centred on y. */
static double text(cairo_t *cr, double x, double y, const char *s, double ax,
                   double ay)
{
	cairo_text_extents_t e;
	cairo_text_extents(cr, s, &e);
	cairo_font_extents_t fe;
	cairo_font_extents(cr, &fe);
	cairo_move_to(cr, x - ax * e.x_advance,
	              y + ay * (fe.ascent - fe.descent) / 2);
	cairo_show_text(cr, s);
	return e.x_advance;
}

static double text_width(cairo_t *cr, const char *s)
{
	cairo_text_extents_t e;
	cairo_text_extents(cr, s, &e);
	return e.x_advance;
}

/* A step of 1, 2 or 5 times a power of ten giving about n ticks to max. */
static double nice_step(double max, int n)
{
	if (!(max > 0))
		return 1;
	double raw = max / n, p = pow(10, floor(log10(raw)));
	double f = raw / p;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/* Decimals needed to print multiples of step. */
static int step_decimals(double step)
{
	int d = 0;
	while (d < 6 && fabs(step * pow(10, d) - round(step * pow(10, d))) >
	                        1e-9 * pow(10, d))
		d++;
	return d;
}

/* Areas on an axis: the report's unit; in m² reports, km² from 1 km² up. */
static double area_scale(const lr_report *r, double max, const char **unit)
{
	if (r->unit != LR_UNIT_M2) {
		*unit = lr__unit_symbol(r->unit);
		return 1 / lr__unit_m2(r->unit);
	}
	if (max >= 1e6) {
		*unit = "km²";
		return 1e-6;
	}
	*unit = "m²";
	return 1;
}

/* "2031-05-04" as a fractional year (2031.34); NAN if not a date. */
static double year_frac(const char *s)
{
	int y, m, d;
	if (!s || sscanf(s, "%d-%d-%d", &y, &m, &d) != 3)
		return NAN;
	lr_date a = lr_date_from_ymd(y, m, d), j = lr_date_from_ymd(y, 1, 1),
	        n = lr_date_from_ymd(y + 1, 1, 1);
	if (a == LR_DATE_NONE || j == LR_DATE_NONE || n == LR_DATE_NONE)
		return NAN;
	return y + (double)(a - j) / (double)(n - j);
}

typedef struct plot {
	double x0, y0, x1, y1;     /* plot rectangle on the surface */
	double vx0, vx1, vy0, vy1; /* data range */
} plot;

static double px(const plot *p, double v)
{
	return p->x0 + (v - p->vx0) / (p->vx1 - p->vx0) * (p->x1 - p->x0);
}

static double py(const plot *p, double v)
{
	return p->y1 - (v - p->vy0) / (p->vy1 - p->vy0) * (p->y1 - p->y0);
}

/* Title, frame, y grid and labels; x axis labelled by years. */
static void axes(const lr_report *r, cairo_t *cr, const plot *p,
                 const char *title, const char *ylabel, double yscale,
                 int year_step)
{
	color(cr, 0x222222);
	font(cr, 15, true);
	text(cr, p->x0, 24, title, 0, 0);
	font(cr, 11, false);
	double step = nice_step((p->vy1 - p->vy0) * yscale, 6);
	int dec = step_decimals(step);
	for (double v = 0; v <= (p->vy1 - p->vy0) * yscale + step * 1e-6;
	     v += step) {
		double y = py(p, v / yscale);
		color(cr, 0xdddddd);
		cairo_set_line_width(cr, 0.7);
		cairo_move_to(cr, p->x0, y);
		cairo_line_to(cr, p->x1, y);
		cairo_stroke(cr);
		char buf[64];
		color(cr, 0x333333);
		text(cr, p->x0 - 6, y, lr__fmt_num(r, v, dec, true, buf), 1, 1);
	}
	for (int yr = (int)ceil(p->vx0); yr <= (int)floor(p->vx1); yr++) {
		if (yr % year_step)
			continue;
		double x = px(p, yr);
		color(cr, 0x888888);
		cairo_set_line_width(cr, 0.7);
		cairo_move_to(cr, x, p->y1);
		cairo_line_to(cr, x, p->y1 + 4);
		cairo_stroke(cr);
		char buf[16];
		snprintf(buf, sizeof buf, "%d", yr);
		color(cr, 0x333333);
		text(cr, x, p->y1 + 17, buf, 0.5, 0);
	}
	color(cr, 0x555555);
	cairo_set_line_width(cr, 1);
	cairo_move_to(cr, p->x0, p->y0);
	cairo_line_to(cr, p->x0, p->y1);
	cairo_line_to(cr, p->x1, p->y1);
	cairo_stroke(cr);
	/* y label rotated along the axis */
	cairo_save(cr);
	cairo_move_to(cr, 0, 0);
	cairo_translate(cr, 16, (p->y0 + p->y1) / 2);
	cairo_rotate(cr, -M_PI / 2);
	color(cr, 0x333333);
	text(cr, 0, 0, ylabel, 0.5, 0.5);
	cairo_restore(cr);
}

/* A legend entry: a swatch drawn by kind then the label; returns the next
** x. kind 0 filled box, 1 solid line, 2 dashed line. */
static double legend_item(cairo_t *cr, double x, double y, int kind, unsigned c,
                          double alpha, const char *label)
{
	rgb k = hex(c);
	cairo_set_source_rgba(cr, k.r, k.g, k.b, alpha);
	if (kind == 0) {
		cairo_rectangle(cr, x, y - 6, 14, 12);
		cairo_fill(cr);
	} else {
		cairo_set_line_width(cr, 2.2);
		if (kind == 2) {
			double d[] = {6, 3};
			cairo_set_dash(cr, d, 2, 0);
		}
		cairo_move_to(cr, x, y);
		cairo_line_to(cr, x + 16, y);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
	}
	color(cr, 0x222222);
	font(cr, 11, false);
	return x + 22 + text(cr, x + 20, y, label, 0, 1) + 14;
}

/* ---- 1. remaining land over time ---------------------------------------- */

/* The figures and frame of chart 1. */
typedef struct remaining_chart {
	plot p;
	double asof;     /* the as-of date as a fractional year */
	double start;    /* remaining at the start of the first year, m² */
	double pf[3];    /* national P10, P50, P90 as fractional years */
	double dl;       /* the deadline as a fractional year, or NAN */
	double ys;       /* m² to the axis unit */
	char ylabel[64]; /* the y axis label with its unit */
} remaining_chart;

/* Place chart 1 in w x h: x from the first year to two years past the last
** date shown (at most 40 years on), y from zero to the most remaining. */
static void remaining_frame(const lr_report *r, double w, double h,
                            remaining_chart *m)
{
	int ny = r->n_years;
	m->asof = year_frac(r->as_of);
	m->start = ny ? r->remaining_end[0] - r->new_land[0] +
	                           r->released[0][0] + r->released[1][0] +
	                           r->released[2][0]
	              : r->remaining;
	double ymax = fmax(m->start, r->remaining);
	for (int y = 0; y < ny; y++)
		ymax = fmax(ymax, r->remaining_end[y]);
	m->dl = r->has_completion ? year_frac(r->deadline) : NAN;
	double xmax = floor(m->asof) + 2;
	if (isfinite(m->dl))
		xmax = fmax(xmax, floor(m->dl) + 2);
	for (int k = 0; k < 3; k++) {
		m->pf[k] = r->has_completion ? year_frac(r->p[k]) : NAN;
		if (isfinite(m->pf[k]))
			xmax = fmax(xmax, floor(m->pf[k]) + 2);
	}
	xmax = fmin(xmax, floor(m->asof) + 41);
	const char *unit;
	m->ys = area_scale(r, ymax, &unit);
	m->p = (plot){80,
	              58,
	              w - 24,
	              h - 52,
	              r->first_year,
	              xmax,
	              0,
	              ymax > 0 ? ymax * 1.1 : 1};
	snprintf(m->ylabel, sizeof m->ylabel,
	         _("Remaining hazardous land (%s)"), unit);
}

/* Whether the projection band (P10 and P90 both reached) is drawn. */
static bool band_drawn(const lr_report *r, const remaining_chart *m)
{
	return r->has_completion && r->remaining > 0 && isfinite(m->pf[0]) &&
	       isfinite(m->pf[2]);
}

/* Whether the P50 line is drawn. */
static bool p50_drawn(const lr_report *r, const remaining_chart *m)
{
	return r->has_completion && r->remaining > 0 && isfinite(m->pf[1]);
}

/* The projection, only where it is finite: the band from the as-of
** remaining to zero at P10 and P90, the P50 line dashed.  A percentile
** never reached is not drawn (a line to an invented date would be read as
** a date). */
static void remaining_fan(const lr_report *r, cairo_t *cr,
                          const remaining_chart *m)
{
	const plot *p = &m->p;
	if (band_drawn(r, m)) {
		cairo_move_to(cr, px(p, m->asof), py(p, r->remaining));
		cairo_line_to(cr, px(p, fmax(m->pf[0], m->asof)), py(p, 0));
		cairo_line_to(cr, px(p, fmax(m->pf[2], m->asof)), py(p, 0));
		cairo_close_path(cr);
		cairo_set_source_rgba(cr, 0.27, 0.51, 0.71, 0.25);
		cairo_fill(cr);
	}
	if (p50_drawn(r, m)) {
		color(cr, 0x2b5c8a);
		cairo_set_line_width(cr, 2.2);
		double d[] = {7, 4};
		cairo_set_dash(cr, d, 2, 0);
		cairo_move_to(cr, px(p, m->asof), py(p, r->remaining));
		cairo_line_to(cr, px(p, fmax(m->pf[1], m->asof)), py(p, 0));
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
	}
}

/* The x of year index y's end: the as-of date for a year not complete. */
static double year_end_x(const lr_report *r, const remaining_chart *m, int y)
{
	return fmin(r->first_year + y + 1, m->asof);
}

/* The stocks by type at each year's end as stacked bars, SHA under CHA. */
static void remaining_stocks(const lr_report *r, cairo_t *cr,
                             const remaining_chart *m)
{
	const plot *p = &m->p;
	double bw = fmin(22, (p->x1 - p->x0) / (p->vx1 - p->vx0) * 0.5);
	for (int y = 0; y < r->n_years; y++) {
		double x = px(p, year_end_x(r, m, y));
		double sha = r->sha_end[y], cha = r->cha_end[y];
		cairo_set_source_rgba(cr, 0.95, 0.56, 0.17, 0.55);
		cairo_rectangle(cr, x - bw / 2, py(p, sha), bw,
		                py(p, 0) - py(p, sha));
		cairo_fill(cr);
		cairo_set_source_rgba(cr, 0.84, 0.15, 0.16, 0.55);
		cairo_rectangle(cr, x - bw / 2, py(p, sha + cha), bw,
		                py(p, sha) - py(p, sha + cha));
		cairo_fill(cr);
	}
}

/* Whether land was hazardous at the start of the first year (more than a
** cent: the start is a difference of sums of m²). */
static bool has_start(const remaining_chart *m)
{
	return m->start >= 0.005;
}

/* History: each year's end as a line with dots, from the land hazardous at
** the start of the first year when there was some.  A first year that
** starts from nothing is a baseline: its stock is a point, not a rise from
** zero. */
static void remaining_history(const lr_report *r, cairo_t *cr,
                              const remaining_chart *m)
{
	const plot *p = &m->p;
	color(cr, 0x1f1f1f);
	cairo_set_line_width(cr, 2.4);
	if (has_start(m))
		cairo_move_to(cr, px(p, r->first_year), py(p, m->start));
	for (int y = 0; y < r->n_years; y++) {
		double x = px(p, year_end_x(r, m, y));
		if (y == 0 && !has_start(m))
			cairo_move_to(cr, x, py(p, r->remaining_end[y]));
		else
			cairo_line_to(cr, x, py(p, r->remaining_end[y]));
	}
	cairo_stroke(cr);
	for (int y = 0; y < r->n_years; y++) {
		cairo_arc(cr, px(p, year_end_x(r, m, y)),
		          py(p, r->remaining_end[y]), 3, 0, 2 * M_PI);
		cairo_fill(cr);
	}
}

/* The deadline as a dashed vertical line, labelled. */
static void remaining_deadline(const lr_report *r, cairo_t *cr,
                               const remaining_chart *m)
{
	const plot *p = &m->p;
	color(cr, 0xc0392b);
	cairo_set_line_width(cr, 1.8);
	double d[] = {4, 3};
	cairo_set_dash(cr, d, 2, 0);
	cairo_move_to(cr, px(p, m->dl), p->y0);
	cairo_line_to(cr, px(p, m->dl), p->y1);
	cairo_stroke(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	char buf[64];
	snprintf(buf, sizeof buf, _("deadline %s"), lr__date(r, r->deadline).s);
	font(cr, 11, true);
	text(cr, px(p, m->dl) - 4, p->y0 + 4, buf, 1, 1);
}

/* The legend above the plot and the captions under it. */
static void remaining_legend(const lr_report *r, cairo_t *cr,
                             const remaining_chart *m, double h)
{
	const plot *p = &m->p;
	double lx = p->x0 + 8, ly = 44;
	lx = legend_item(cr, lx, ly, 1, 0x1f1f1f, 1,
	                 _("remaining at year end"));
	lx = legend_item(cr, lx, ly, 0, 0xf28f2b, 0.7, _("of which SHA"));
	lx = legend_item(cr, lx, ly, 0, 0xd62728, 0.7, _("CHA"));
	if (p50_drawn(r, m))
		lx = legend_item(cr, lx, ly, 2, 0x2b5c8a, 1,
		                 _("P50 projection"));
	if (band_drawn(r, m))
		lx = legend_item(cr, lx, ly, 0, 0x4682b4, 0.35,
		                 _("P10-P90 range"));
	if (isfinite(m->dl))
		lx = legend_item(cr, lx, ly, 2, 0xc0392b, 1,
		                 _("Article 5 deadline"));
	if (r->has_completion) {
		char buf[256];
		snprintf(buf, sizeof buf,
		         _("national completion: P10 %s, P50 %s, P90 %s"),
		         lr__date(r, r->p[0]).s, lr__date(r, r->p[1]).s,
		         lr__date(r, r->p[2]).s);
		color(cr, 0x333333);
		font(cr, 11, false);
		text(cr, p->x1, h - 14, buf, 1, 0);
	}
	color(cr, 0x333333);
	font(cr, 11, false);
	text(cr, p->x0, h - 14, _("year"), 0, 0);
}

static void chart_remaining(const lr_report *r, cairo_t *cr, double w, double h)
{
	remaining_chart m;
	remaining_frame(r, w, h, &m);
	const plot *p = &m.p;
	double span = p->vx1 - r->first_year;
	axes(r, cr, p, _(lr__chart_titles[0]), m.ylabel, m.ys,
	     span > 40   ? 10
	     : span > 20 ? 5
	     : span > 10 ? 2
	                 : 1);
	cairo_save(cr);
	cairo_rectangle(cr, p->x0, p->y0 - 10, p->x1 - p->x0,
	                p->y1 - p->y0 + 10);
	cairo_clip(cr);
	remaining_stocks(r, cr, &m);
	remaining_fan(r, cr, &m);
	remaining_history(r, cr, &m);
	if (isfinite(m.dl))
		remaining_deadline(r, cr, &m);
	cairo_restore(cr);
	remaining_legend(r, cr, &m, h);
}

/* ---- 2. released per year by method -------------------------------------- */

static const unsigned method_colors[3] = {0x1b7837, 0x7fbf7b, 0xc2e6b9};
static const char *const method_labels[3] = {
        N_("cleared"), N_("reduced (technical survey)"),
        N_("cancelled (non-technical survey)")};

static void chart_released(const lr_report *r, cairo_t *cr, double w, double h)
{
	int ny = r->n_years;
	double ymax = 0;
	for (int y = 0; y < ny; y++)
		ymax = fmax(ymax, r->released[0][y] + r->released[1][y] +
		                          r->released[2][y]);
	const char *unit;
	double ys = area_scale(r, ymax, &unit);
	plot p = {80,
	          58,
	          w - 24,
	          h - 52,
	          r->first_year - 0.5,
	          r->last_year + 0.5,
	          0,
	          ymax > 0 ? ymax * 1.1 : 1};
	char ylabel[64];
	snprintf(ylabel, sizeof ylabel, _("Land released (%s)"), unit);
	axes(r, cr, &p, _(lr__chart_titles[1]), ylabel, ys,
	     ny > 40   ? 10
	     : ny > 20 ? 5
	     : ny > 10 ? 2
	               : 1);
	double bw = (p.x1 - p.x0) / fmax(ny, 1) * 0.72;
	for (int y = 0; y < ny; y++) {
		double base = 0, x = px(&p, r->first_year + y);
		for (int m = 0; m < 3; m++) {
			double v = r->released[m][y];
			if (v <= 0)
				continue;
			color(cr, method_colors[m]);
			cairo_rectangle(cr, x - bw / 2, py(&p, base + v), bw,
			                py(&p, base) - py(&p, base + v));
			cairo_fill_preserve(cr);
			cairo_set_source_rgba(cr, 1, 1, 1, 0.6);
			cairo_set_line_width(cr, 0.5);
			cairo_stroke(cr);
			base += v;
		}
	}
	double lx = p.x0 + 8, ly = 44;
	for (int m = 0; m < 3; m++)
		lx = legend_item(cr, lx, ly, 0, method_colors[m], 1,
		                 _(method_labels[m]));
	if (strcmp(r->as_of + 4, "-12-31")) {
		char buf[96];
		snprintf(buf, sizeof buf, _("%d: up to the as-of date %s"),
		         r->last_year, lr__date(r, r->as_of).s);
		color(cr, 0x333333);
		font(cr, 11, false);
		text(cr, p.x1, h - 14, buf, 1, 0);
	}
	color(cr, 0x333333);
	font(cr, 11, false);
	text(cr, p.x0, h - 14, _("year"), 0, 0);
}

/* ---- 3. the map ---------------------------------------------------------- */

typedef struct proj {
	double lon0, lat1, k, s, ox, oy;
} proj;

static void shape_path(cairo_t *cr, const proj *q, const rshape *s)
{
	size_t i = 0;
	for (size_t ring = 0; ring < s->n_rings; ring++) {
		size_t end = s->ring_end[ring];
		for (size_t first = i; i < end; i++) {
			double x =
			        q->ox + (s->xy[2 * i] - q->lon0) * q->k * q->s;
			double y = q->oy + (q->lat1 - s->xy[2 * i + 1]) * q->s;
			if (i == first)
				cairo_move_to(cr, x, y);
			else
				cairo_line_to(cr, x, y);
		}
		cairo_close_path(cr);
	}
}

static const unsigned class_colors[5] = {0xf4f4f4, 0xdadaeb, 0xbcbddc, 0x9e9ac8,
                                         0x756bb1};

/* Room on the right of the map for the legend, in pixels. */
#define MAP_LEGEND_W 250.0

/* Fit the store's bounding box into the map area of w x h, lon scaled by
** the cosine of the middle latitude. */
static proj map_projection(const lr_report *r, double w, double h)
{
	double mx0 = 20, my0 = 40, mw = w - MAP_LEGEND_W - 40, mh = h - 70;
	double midlat = (r->box[1] + r->box[3]) / 2;
	proj q = {r->box[0], r->box[3], cos(midlat * M_PI / 180), 1, mx0, my0};
	double dx = (r->box[2] - r->box[0]) * q.k, dy = r->box[3] - r->box[1];
	q.s = fmin(mw / fmax(dx, 1e-9), mh / fmax(dy, 1e-9));
	q.ox = mx0 + (mw - dx * q.s) / 2;
	q.oy = my0 + (mh - dy * q.s) / 2;
	return q;
}

/* The classes of remaining land that colour the regions: none, then the
** quartiles of the regions holding land (nearest rank), so that each
** class holds about a quarter of them whatever the skew. */
typedef struct map_classes {
	double brk[4];    /* upper bounds of classes 1..4, m² (brk[3]: max) */
	int count[5];     /* regions in each class */
	double us;        /* m² to the legend's unit */
	const char *unit; /* static */
} map_classes;

/* The OUTSIDE row: land in no region, which the map has no shape for. */
static bool is_outside(const rregion *g)
{
	return !strcmp(g->id, "OUTSIDE");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The class of a region's remaining land. */
static int class_of(const map_classes *mc, double v)
{
	if (v <= 0)
		return 0;
	int c = 1;
	while (c < 4 && v > mc->brk[c - 1])
		c++;
	return c;
}

static map_classes map_classes_of(const lr_report *r)
{
	map_classes mc = {0};
	size_t n = 0;
	double *v = malloc((r->regions.len + 1) * sizeof *v);
	for (size_t i = 0; v && i < r->regions.len; i++) {
		const rregion *g = &LR_VEC_AT(&r->regions, rregion, i);
		if (g->remaining > 0 && !is_outside(g))
			v[n++] = g->remaining;
	}
	if (v && n)
		qsort(v, n, sizeof *v, cmp_double);
	for (size_t k = 1; v && n && k <= 4; k++)
		mc.brk[k - 1] = v[(k * n + 3) / 4 - 1];
	free(v);
	mc.us = area_scale(r, mc.brk[3], &mc.unit);
	for (size_t i = 0; i < r->regions.len; i++) {
		const rregion *g = &LR_VEC_AT(&r->regions, rregion, i);
		if (!is_outside(g))
			mc.count[class_of(&mc, g->remaining)]++;
	}
	return mc;
}

/* Each region filled by its class of remaining land, outlined. */
static void map_regions(const lr_report *r, cairo_t *cr, const proj *q,
                        const map_classes *mc)
{
	for (size_t i = 0; i < r->regions.len; i++) {
		const rregion *g = &LR_VEC_AT(&r->regions, rregion, i);
		if (!g->shape.n_pts)
			continue;
		shape_path(cr, q, &g->shape);
		color(cr, class_colors[class_of(mc, g->remaining)]);
		cairo_fill_preserve(cr);
		color(cr, 0x8a8a8a);
		cairo_set_line_width(cr, 0.8);
		cairo_stroke(cr);
	}
}

/* Hazardous land on top, SHA then CHA; land smaller than a pixel as a dot
** so that no remaining area disappears from the map. */
static void map_faces(const lr_report *r, cairo_t *cr, const proj *q)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < r->faces.len; i++) {
			const rface *f = &LR_VEC_AT(&r->faces, rface, i);
			if (f->cha != pass)
				continue;
			color(cr, f->cha ? 0xd62728 : 0xf28e2b);
			const double *b = f->shape.box;
			double fw = (b[2] - b[0]) * q->k * q->s,
			       fh = (b[3] - b[1]) * q->s;
			if (fw < 2.5 && fh < 2.5) {
				double cx = (b[0] + b[2]) / 2,
				       cy = (b[1] + b[3]) / 2;
				cairo_arc(cr,
				          q->ox + (cx - q->lon0) * q->k * q->s,
				          q->oy + (q->lat1 - cy) * q->s, 2.2, 0,
				          2 * M_PI);
				cairo_fill(cr);
				continue;
			}
			/* Outlined at a weight that keeps slivers visible. */
			shape_path(cr, q, &f->shape);
			cairo_fill_preserve(cr);
			cairo_set_line_width(cr, 1.2);
			cairo_stroke(cr);
		}
}

/* Regions named on the map: those holding most land. */
enum { MAP_NAMED = 8 };

/* The indexes of the (at most) MAP_NAMED regions with a shape holding
** most land, most first, into top[]; returns how many. */
static int top_regions(const lr_report *r, size_t top[MAP_NAMED])
{
	int n = 0;
	for (size_t i = 0; i < r->regions.len; i++) {
		const rregion *g = &LR_VEC_AT(&r->regions, rregion, i);
		if (!(g->remaining > 0) || !g->shape.n_pts)
			continue;
		int k = n < MAP_NAMED ? n++ : MAP_NAMED;
		while (k > 0 &&
		       LR_VEC_AT(&r->regions, rregion, top[k - 1]).remaining <
		               g->remaining) {
			if (k < MAP_NAMED)
				top[k] = top[k - 1];
			k--;
		}
		if (k < MAP_NAMED)
			top[k] = i;
	}
	return n;
}

/* The names of the regions holding most land, haloed so they read on any
** fill, at the middle of each region's box. */
static void map_labels(const lr_report *r, cairo_t *cr, const proj *q)
{
	size_t top[MAP_NAMED];
	int n = top_regions(r, top);
	font(cr, 11, true);
	for (int k = 0; k < n; k++) {
		const rregion *g = &LR_VEC_AT(&r->regions, rregion, top[k]);
		const char *name = g->name[0] ? g->name : g->id;
		const double *b = g->shape.box;
		double cx = q->ox + ((b[0] + b[2]) / 2 - q->lon0) * q->k * q->s,
		       cy = q->oy + (q->lat1 - (b[1] + b[3]) / 2) * q->s;
		cairo_font_extents_t fe;
		cairo_font_extents(cr, &fe);
		cairo_move_to(cr, cx - text_width(cr, name) / 2,
		              cy + (fe.ascent - fe.descent) / 2);
		cairo_text_path(cr, name);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_set_line_width(cr, 3);
		cairo_stroke(cr);
		color(cr, 0x1a1a1a);
		text(cr, cx, cy, name, 0.5, 1);
	}
}

/* A scale bar of a round length near a fifth of the map's width, from the
** kilometres a pixel spans along the meridian (true in this projection). */
static void map_scale_bar(const lr_report *r, cairo_t *cr, const proj *q,
                          double x, double y, double width)
{
	double km_per_px = 111.195 / q->s; /* mean km per degree of latitude */
	double want = width / 5 * km_per_px, km = nice_step(want, 1);
	if (km > want * 1.5)
		km /= 2;
	double len = km / km_per_px;
	for (int k = 0; k < 4; k++) {
		cairo_rectangle(cr, x + k * len / 4, y, len / 4, 6);
		if (k % 2)
			cairo_set_source_rgb(cr, 1, 1, 1);
		else
			color(cr, 0x222222);
		cairo_fill_preserve(cr);
		color(cr, 0x222222);
		cairo_set_line_width(cr, 0.8);
		cairo_stroke(cr);
	}
	char buf[80], num[64];
	font(cr, 11, false);
	color(cr, 0x222222);
	text(cr, x, y + 20, "0", 0.5, 0);
	snprintf(buf, sizeof buf, "%s km",
	         lr__fmt_num(r, km, km < 1 ? 1 : 0, true, num));
	text(cr, x + len, y + 20, buf, 0.5, 0);
}

/* A north arrow: north is up in this projection. */
static void map_north_arrow(cairo_t *cr, double x, double y)
{
	color(cr, 0x222222);
	cairo_move_to(cr, x, y);
	cairo_line_to(cr, x + 9, y + 30);
	cairo_line_to(cr, x, y + 23);
	cairo_close_path(cr);
	cairo_fill(cr);
	cairo_move_to(cr, x, y);
	cairo_line_to(cr, x - 9, y + 30);
	cairo_line_to(cr, x, y + 23);
	cairo_close_path(cr);
	cairo_set_line_width(cr, 1);
	cairo_stroke(cr);
	font(cr, 13, true);
	text(cr, x, y + 46, "N", 0.5, 0);
}

/* The label of class c: "0.29 - 1.12 km² (36)". */
static void class_label(const lr_report *r, const map_classes *mc, int c,
                        char *buf, size_t n)
{
	char a[64], b[64];
	if (c == 0) {
		snprintf(buf, n, _("none (%s)"), lr__count(r, mc->count[0]).s);
		return;
	}
	double lo = c == 1 ? 0 : mc->brk[c - 2];
	snprintf(buf, n, "%s - %s %s (%s)",
	         lr__fmt_num(r, lo * mc->us, 2, true, a),
	         lr__fmt_num(r, mc->brk[c - 1] * mc->us, 2, true, b), mc->unit,
	         lr__count(r, mc->count[c]).s);
}

/* The legend of the region classes from (lx, ly); returns the next ly. */
static double legend_classes(const lr_report *r, cairo_t *cr, double lx,
                             double ly, const map_classes *mc)
{
	color(cr, 0x222222);
	font(cr, 12, true);
	text(cr, lx, ly, _("Remaining land in the region"), 0, 0);
	ly += 16;
	font(cr, 10, false);
	text(cr, lx, ly, _("quartiles of the regions with land"), 0, 0);
	ly += 20;
	for (int c = 0; c < 5; c++) {
		char buf[200];
		class_label(r, mc, c, buf, sizeof buf);
		color(cr, class_colors[c]);
		cairo_rectangle(cr, lx, ly - 7, 18, 14);
		cairo_fill_preserve(cr);
		color(cr, 0x8a8a8a);
		cairo_set_line_width(cr, 0.8);
		cairo_stroke(cr);
		color(cr, 0x222222);
		font(cr, 11, false);
		text(cr, lx + 26, ly, buf, 0, 1);
		ly += 20;
	}
	return ly;
}

/* The legend of hazardous land and the notes under it, from (lx, ly). */
static void legend_hazards(const lr_report *r, cairo_t *cr, double lx,
                           double ly)
{
	font(cr, 12, true);
	text(cr, lx, ly, _("Hazardous land (as of)"), 0, 0);
	ly += 20;
	static const unsigned hc[2] = {0xf28e2b, 0xd62728};
	static const char *const hl[2] = {N_("SHA: suspected"),
	                                  N_("CHA: confirmed")};
	for (int k = 0; k < 2; k++) {
		color(cr, hc[k]);
		cairo_rectangle(cr, lx, ly - 7, 18, 14);
		cairo_fill(cr);
		color(cr, 0x222222);
		font(cr, 11, false);
		text(cr, lx + 26, ly, _(hl[k]), 0, 1);
		ly += 20;
	}
	font(cr, 10, false);
	color(cr, 0x555555);
	ly += 10;
	text(cr, lx, ly, _("Areas too small to see are dots."), 0, 0);
	ly += 15;
	text(cr, lx, ly, _("Lon/lat scaled by cos(mid-latitude)."), 0, 0);
	ly += 15;
	char buf[128];
	snprintf(buf, sizeof buf, _("As of %s."), lr__date(r, r->as_of).s);
	text(cr, lx, ly, buf, 0, 0);
}

static void chart_map(const lr_report *r, cairo_t *cr, double w, double h)
{
	color(cr, 0x222222);
	font(cr, 15, true);
	text(cr, 20, 24, _(lr__chart_titles[2]), 0, 0);
	if (!r->has_geometry) {
		font(cr, 12, false);
		text(cr, 20, 60, _("No geometries in the store: no map."), 0,
		     0);
		return;
	}
	proj q = map_projection(r, w, h);
	map_classes mc = map_classes_of(r);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	map_regions(r, cr, &q, &mc);
	map_faces(r, cr, &q);
	map_labels(r, cr, &q);
	map_north_arrow(cr, 40, 52);
	map_scale_bar(r, cr, &q, 30, h - 48, w - MAP_LEGEND_W - 40);
	double ly = legend_classes(r, cr, w - MAP_LEGEND_W, 64, &mc);
	legend_hazards(r, cr, w - MAP_LEGEND_W, ly + 12);
}

/* ---- captions ------------------------------------------------------------ */

/* The map's classes and named regions, in words. */
static void map_caption(const lr_report *r, rbuf *b)
{
	lr__buf_puts(b, _("Leaf regions shaded by their remaining land "
	                  "(remaining_by_region) in classes by quartiles of "
	                  "the regions holding land (regions in brackets): "));
	map_classes mc = map_classes_of(r);
	for (int c = 1; c <= 4; c++) {
		char buf[200];
		class_label(r, &mc, c, buf, sizeof buf);
		lr__buf_printf(b, "%s%s", c > 1 ? _("; ") : "", buf);
	}
	lr__buf_puts(b, _(". On top, the ledger faces still hazardous at the "
	                  "as-of date, SHA orange and CHA red. Named: the "
	                  "regions holding most land ("));
	size_t top[MAP_NAMED];
	int n = top_regions(r, top);
	for (int k = 0; k < n; k++) {
		const rregion *g = &LR_VEC_AT(&r->regions, rregion, top[k]);
		lr__buf_printf(b, "%s%s", k ? ", " : "",
		               g->name[0] ? g->name : g->id);
	}
	lr__buf_puts(b, _("). North is up; the scale bar measures along the "
	                  "meridian."));
}

/* What the projection of chart 1 shows, in words. */
static void projection_caption(const lr_report *r, const remaining_chart *m,
                               rbuf *b)
{
	if (!r->has_completion) {
		lr__buf_puts(b, _(" No projection: completion.csv is absent."));
		return;
	}
	if (band_drawn(r, m))
		lr__buf_printf(
		        b,
		        _(" The band runs from the remaining land at the "
		          "as-of date to zero at the P10 (%s) and P90 "
		          "(%s) completion dates of completion.csv."),
		        lr__date(r, r->p[0]).s, lr__date(r, r->p[2]).s);
	if (p50_drawn(r, m))
		lr__buf_printf(b,
		               _(" The dashed line reaches zero at P50 (%s)."),
		               lr__date(r, r->p[1]).s);
	if (!band_drawn(r, m) || !p50_drawn(r, m))
		lr__buf_printf(b,
		               _(" Not drawn: the percentiles that are never "
		                 "reached within 50 years (P10 %s, P50 %s, P90 "
		                 "%s)."),
		               lr__date(r, r->p[0]).s, lr__date(r, r->p[1]).s,
		               lr__date(r, r->p[2]).s);
	if (isfinite(m->dl))
		lr__buf_printf(b,
		               _(" The red dashed line is the Article 5 "
		                 "deadline (%s)."),
		               lr__date(r, r->deadline).s);
}

void lr__chart_caption(const lr_report *r, int k, rbuf *b)
{
	const char *unit = lr__unit_symbol(r->unit);
	if (k == LR_CHART_REMAINING) {
		remaining_chart m;
		remaining_frame(r, 1100, 560, &m);
		lr__buf_printf(
		        b,
		        _("Hazardous land remaining at the end of each "
		          "year, national (release_by_year; the last "
		          "point is the as-of date %s), with the SHA and "
		          "CHA land at each year's end as stacked bars."),
		        lr__date(r, r->as_of).s);
		if (has_start(&m))
			lr__buf_printf(b,
			               _(" The line starts from the land "
			                 "hazardous at the start of %d."),
			               r->first_year);
		else
			lr__buf_printf(
			        b,
			        _(" %d is the first year of the records: "
			          "its land is a stock (the baseline), not "
			          "growth from zero."),
			        r->first_year);
		projection_caption(r, &m, b);
	} else if (k == LR_CHART_RELEASED) {
		lr__buf_printf(
		        b,
		        _("Land cancelled, reduced and cleared per year, "
		          "national (release_by_year), in %s."),
		        unit);
	} else {
		map_caption(r, b);
	}
}

void lr__chart_draw(const lr_report *r, int k, cairo_t *cr, double w, double h)
{
	cairo_save(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, 0, 0, w, h);
	cairo_fill(cr);
	if (k == LR_CHART_REMAINING)
		chart_remaining(r, cr, w, h);
	else if (k == LR_CHART_RELEASED)
		chart_released(r, cr, w, h);
	else
		chart_map(r, cr, w, h);
	cairo_restore(cr);
}

/* ---- outputs ------------------------------------------------------------ */

static cairo_status_t to_buf(void *closure, const unsigned char *data,
                             unsigned int n)
{
	rbuf *b = closure;
	lr__buf_add(b, (const char *)data, n);
	return b->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

int lr__chart_svg(const lr_report *r, int k, double w, double h,
                  const char *prefix, rbuf *out, lr_error *err)
{
	rbuf svg = {0};
	cairo_surface_t *s =
	        cairo_svg_surface_create_for_stream(to_buf, &svg, w, h);
	cairo_t *cr = cairo_create(s);
	lr__chart_draw(r, k, cr, w, h);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS || svg.failed || !svg.data) {
		lr__buf_free(&svg);
		return lr_error_set(err, LR_ERR_NOMEM, "cannot draw chart: %s",
		                    cairo_status_to_string(st));
	}
	/* Inline in HTML: no XML declaration, and ids unique in the page
	** (cairo names glyphs and clips the same way in every chart). */
	const char *p = strstr(svg.data, "<svg");
	if (!p)
		p = svg.data;
	/* The HTML parser gives inline SVG its namespaces (xlink:href
	** included): the xmlns attributes, URIs, are left out so the page
	** names no address at all. */
	static const char *const ns[] = {
	        " xmlns=\"http://www.w3.org/2000/svg\"",
	        " xmlns:xlink=\"http://www.w3.org/1999/xlink\""};
	for (int i = 0; i < 2; i++) {
		char *q = strstr(svg.data, ns[i]);
		if (q)
			memmove(q, q + strlen(ns[i]),
			        strlen(q + strlen(ns[i])) + 1);
	}
	while (*p) {
		const char *hit = NULL,
		           *pats[] = {"id=\"", "href=\"#", "url(#"};
		size_t plen = 0;
		for (int i = 0; i < 3; i++) {
			const char *q = strstr(p, pats[i]);
			if (q && (!hit || q < hit)) {
				hit = q;
				plen = strlen(pats[i]);
			}
		}
		if (!hit) {
			lr__buf_puts(out, p);
			break;
		}
		lr__buf_add(out, p, (size_t)(hit - p) + plen);
		lr__buf_puts(out, prefix);
		p = hit + plen;
	}
	lr__buf_free(&svg);
	return out->failed ? lr_error_set(err, LR_ERR_NOMEM, "out of memory")
	                   : LR_OK;
}

int lr_report_chart_png(const lr_report *r, int chart, int width, int height,
                        const char *path, lr_error *err)
{
	cairo_surface_t *s =
	        cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
	cairo_t *cr = cairo_create(s);
	lr__chart_draw(r, chart, cr, width, height);
	cairo_destroy(cr);
	char tmp[4096];
	FILE *f = lr_atomic_open(path, tmp, sizeof tmp, err);
	cairo_status_t st =
	        f ? cairo_surface_write_to_png_stream(s, lr__cairo_write, f)
	          : CAIRO_STATUS_SUCCESS;
	cairo_surface_destroy(s);
	if (!f)
		return err->code;
	return lr__cairo_close(f, st, tmp, path, err);
}

/* ---- sentences ---------------------------------------------------------- */

static void year_of(const lr_report *r, const char *date, char *buf)
{
	if (!date[0])
		snprintf(buf, 32, "%s", _("unknown"));
	else if (!strcmp(date, "never"))
		snprintf(buf, 32, "%s", _("not within 50 years"));
	else
		snprintf(buf, 32, "%.4s", date);
}

void lr__region_sentence(const lr_report *r, const rregion *g, rbuf *b)
{
	char area[64], p50[32], p90[32], dl[32];
	/* Prose names a region; its id only when it has no name. */
	lr__buf_puts(b, g->name[0] ? g->name : g->id);
	/* TRANSLATORS: between a region's name and what remains in it. */
	lr__buf_puts(b, _(": "));
	if (g->remaining <= 0 && g->count == 0) {
		lr__buf_puts(b, _("no hazardous land remaining"));
	} else {
		lr__buf_printf(b,
		               g->count == 1 ? _("%s remaining in %s area")
		                             : _("%s remaining in %s areas"),
		               lr__fmt_area(r, g->remaining, area),
		               lr__count(r, g->count).s);
	}
	if (g->p[1][0] && g->remaining > 0) {
		year_of(r, g->p[1], p50);
		year_of(r, g->p[2], p90);
		lr__buf_printf(
		        b,
		        _("; at the pace of recent years, P50 completion "
		          "%s, P90 %s"),
		        p50, p90);
	}
	if (g->deadline[0]) {
		year_of(r, g->deadline, dl);
		lr__buf_printf(b, _("; deadline %s"), dl);
	}
	lr__buf_puts(b, ".");
}
