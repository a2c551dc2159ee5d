/*
** Inside the report module: the typed tables every writer renders, the
** figures the charts draw and the shared helpers.  Not a public interface.
*/
#ifndef LR_REPORT_INT_H
#define LR_REPORT_INT_H

#include "lr_report.h"
#include "report_i18n.h"

#include <cairo.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a column holds, which decides its format in every output. */
typedef enum {
	RC_TEXT,  /* free text */
	RC_YEAR,  /* a calendar year, no thousands separator */
	RC_COUNT, /* a whole number */
	RC_M2,    /* square metres, two decimals */
	RC_KM2,   /* square kilometres, four decimals */
	RC_PCT,   /* a percentage (15.94 means 15.94 %), two decimals */
	RC_DATE,  /* YYYY-MM-DD, or a word such as "never" */
	RC_MONEY  /* an amount, two decimals */
} rc_type;

typedef struct rcol {
	char *key;   /* machine name (JSON, CSV header); owned */
	char *label; /* header text; owned */
	char *unit;  /* "m²", "km²", "%", "" ; owned */
	rc_type type;
} rcol;

/* A cell: empty, a number, or text (dates, "never", names). */
enum { CELL_EMPTY = 0, CELL_NUM = 1, CELL_TEXT = 2 };
typedef struct rcell {
	int kind;
	double v;
	char *s; /* owned, CELL_TEXT only */
} rcell;

typedef struct rtable {
	char *id;     /* "remaining_by_region" ...; owned */
	char *title;  /* "Table 1. Remaining contamination by region"; owned */
	char *units;  /* one sentence on units; owned */
	char *source; /* where the figures come from; owned */
	char *note;   /* "" or a remark printed under the table; owned */
	int n_cols;
	rcol *cols; /* [n_cols], owned */
	size_t n_rows, cap;
	rcell *cells;         /* [n_rows * n_cols], row-major, owned */
	unsigned char *total; /* [n_rows], owned: 1 for a total row */
} rtable;

#define RT_CELL(t, r, c) (&(t)->cells[(size_t)(r) * (size_t)(t)->n_cols + (c)])

/* A polygon set as rings of lon/lat points (one path, even-odd fill). */
typedef struct rshape {
	size_t n_pts;
	double *xy; /* [2 * n_pts], owned */
	size_t n_rings;
	size_t *ring_end; /* [n_rings], owned: one past each ring's end */
	double box[4];    /* min lon, min lat, max lon, max lat */
} rshape;

typedef struct rregion {
	char *id, *name;   /* owned */
	int64_t count;     /* remaining hazards */
	double remaining;  /* m² */
	char p[3][16];     /* P10, P50, P90 completion ("" if unknown) */
	char deadline[16]; /* "" if unknown */
	rshape shape;
} rregion;

typedef struct rface {
	int cha; /* 0 SHA, 1 CHA */
	rshape shape;
} rface;

enum {
	T_REMAINING = 0,
	T_RELEASED,
	T_NEW,
	T_PLAN_VS_ACHIEVED,
	T_COMPLETION,
	T_WORKPLAN,
	T_N
};

struct lr_report {
	lr__lang lang;             /* what every text is written in */
	char *dir, *store, *title; /* owned */
	char as_of[16], baseline[16], scope[64], version[32];
	char *source[3]; /* regions, hazards, releases source labels; owned */
	int first_year, last_year;
	rtable tables[T_N];
	bool present[T_N];
	lr_vec notes; /* char *, owned */

	/* National figures per year first_year..last_year (TOTAL rows). */
	int n_years;
	double *remaining_end, *new_land; /* [n_years] m², owned */
	/* Cleared, reduced, cancelled: [n_years] m², owned. */
	double *released[3];
	double remaining; /* national remaining at as-of (m²) */
	int64_t remaining_count;
	bool has_completion;
	char p[3][16];     /* national P10, P50, P90 */
	char deadline[16]; /* "" without completion.csv */

	lr_vec regions; /* rregion, owned, in remaining_by_region order */
	lr_vec faces;   /* rface, owned: remaining hazardous land */
	bool has_geometry;
	double box[4];
};

/* ---- helpers (report/report.c) ------------------------------------------ */

int lr__rtable_init(rtable *t, const char *id, const char *title, int n_cols,
                    lr_error *err);
int lr__rtable_col(rtable *t, int c, const char *key, const char *label,
                   const char *unit, rc_type type, lr_error *err);
/* A column as data, for tables whose columns are fixed: label and unit
** marked N_("...") and translated by lr__rtable_cols(). */
typedef struct rcol_def {
	const char *key, *label, *unit;
	rc_type type;
} rcol_def;
/* Columns 0..n-1 of t from defs[n], labels and units in r's language. */
int lr__rtable_cols(const lr_report *r, rtable *t, const rcol_def *defs, int n,
                    lr_error *err);
/* Append an empty row; its index in *row. */
int lr__rtable_add_row(rtable *t, size_t *row, lr_error *err);
void lr__rtable_num(rtable *t, size_t r, int c, double v);
int lr__rtable_text(rtable *t, size_t r, int c, const char *s, lr_error *err);
void lr__rtable_free(rtable *t);
/* Set t->units/source/note (copied).  LR_OK or LR_ERR_NOMEM. */
int lr__rtable_meta(rtable *t, const char *units, const char *source,
                    const char *note, lr_error *err);

/* Format a cell for people in the report's language: "1,234,567.89"
** ("1 234 567,89" in French, "1.234.567,89" in Spanish), "15.94",
** "2031-05-04", "never" translated, "".  buf holds at least 64 bytes;
** thousands: group the digits.  The one place numbers are written for
** people (the XLSX keeps numbers as numbers). */
const char *lr__cell_format(const lr_report *r, const rtable *t, size_t row,
                            int c, bool thousands, char *buf);
/* Decimals shown for a column type. */
int lr__type_decimals(rc_type type);
/* "1,234,567.89" with the given decimals, in the report's language. */
char *lr__fmt_num(const lr_report *r, double v, int decimals, bool thousands,
                  char *buf);
/* A date for prose: ISO in English (as always), "31 décembre 2023",
** "31 de diciembre de 2023"; "never" and "unknown" translated; any other
** text unchanged.  Use as lr__date(r, iso).s (the struct lives until the
** end of the full expression).  Table cells keep ISO dates. */
typedef struct rdate {
	char s[64];
} rdate;
rdate lr__date(const lr_report *r, const char *iso);
/* The words completion.csv writes in a date's place ("never", "unknown")
** translated; s itself otherwise. */
const char *lr__date_word(const lr_report *r, const char *s);
/* The scope as prose: "all contamination (AP, AV, ERW, mixed)". */
const char *lr__scope_text(const lr_report *r, char *buf, size_t n);

/* A growable byte buffer. */
typedef struct rbuf {
	char *data;
	size_t len, cap;
	bool failed; /* an allocation failed: the content is incomplete */
} rbuf;
void lr__buf_add(rbuf *b, const char *s, size_t n);
void lr__buf_puts(rbuf *b, const char *s);
void lr__buf_printf(rbuf *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void lr__buf_free(rbuf *b);

/* Write len bytes of data to path through base's temporary file renamed
** into place (lr_atomic_open).  LR_OK or LR_ERR_IO. */
int lr__write_file(const char *path, const char *data, size_t len,
                   lr_error *err);
/* Sync the complete file tmp and rename it onto path under base's journal
** (lr_commit); tmp is removed on failure.  LR_OK or LR_ERR_IO. */
int lr__commit_file(const char *tmp, const char *path, lr_error *err);
/* Finish a file of lr_atomic_open() that cairo wrote with status st: renamed
** onto path when st is a success, else removed.  LR_OK or LR_ERR_IO. */
int lr__cairo_close(FILE *f, cairo_status_t st, const char *tmp,
                    const char *path, lr_error *err);
/* A cairo_write_func_t onto the FILE * closure (PNG and PDF streams). */
cairo_status_t lr__cairo_write(void *closure, const unsigned char *data,
                               unsigned int n);

/* Parse WKB (Polygon, MultiPolygon, GeometryCollection) into s (appends).
** 0 on success, -1 when malformed or out of memory. */
int lr__wkb_to_shape(const unsigned char *wkb, size_t size, rshape *s);
void lr__shape_free(rshape *s);

/* ---- charts (report/report_chart.c) ------------------------------------- */

/* Draw chart k (LR_CHART_*) into the rectangle w x h at the origin. */
void lr__chart_draw(const lr_report *r, int k, cairo_t *cr, double w, double h);
/* The chart as inline SVG (no XML declaration; ids prefixed by prefix) into
** b.  LR_OK or LR_ERR_NOMEM. */
int lr__chart_svg(const lr_report *r, int k, double w, double h,
                  const char *prefix, rbuf *b, lr_error *err);
/* Chart titles, for captions. */
extern const char *const lr__chart_titles[3];

/* A sentence per region: "P01-D01 Veng Thom: 160,993.00 m² remaining in 7
** areas; ..." into b. */
void lr__region_sentence(const lr_report *r, const rregion *g, rbuf *b);

#endif
