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
	RC_MONEY, /* an amount, two decimals */
	RC_COORD, /* a longitude or latitude in degrees, six decimals */
	RC_N
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
	/* Rows HTML and PDF show (0: all); the workbook, Markdown and JSON
	** show every row, and the table's note says so. */
	size_t printed;
	bool report_only; /* HTML and PDF only (a condensed copy) */
	bool pack_only;   /* workbook, Markdown and JSON only */
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

/* A region of one level (remaining_by_level, release_by_year_by_level). */
typedef struct rlevel {
	int level;                   /* 1 at the top; 0 for TOTAL */
	char *id, *name, *parent_id; /* owned; parent "" at the top */
	int64_t count;               /* hazardous areas at the as-of date */
	double sha, cha, total;      /* m² at the as-of date */
	/* m²: land at the start of the first year, new and released since */
	double start, new_land, released;
	double *new_by_year; /* [n_years] m², owned */
} rlevel;

typedef struct rface {
	int cha; /* 0 SHA, 1 CHA */
	rshape shape;
} rface;

enum {
	T_REMAINING = 0,
	T_CONTAMINATION, /* table 1b: remaining land by contamination */
	T_RELEASED,
	T_NEW,
	T_PLAN_VS_ACHIEVED,
	T_COMPLETION,
	T_WORKPLAN,
	T_QUALITY_LAYERS,   /* annex: features read, accepted, rejected */
	T_QUALITY_FINDINGS, /* annex: findings by layer, code and reason */
	T_FORM_C,           /* annex: Article 7 Form C, one row per area */
	T_LEVELS,           /* annex D: every region level (report_levels.c) */
	T_DECLARATION,      /* annex E: completion of the country and regions */
	T_DECL_RELEASES,    /* annex E: land released before completion */
	T_DECL_UNKNOWN,     /* annex E: previously unknown areas after it */
	/* HTML and PDF only, for many regions (report_scale.c): */
	T_REMAINING_TOP,  /* table 1: the regions holding most land */
	T_NEW_TOP,        /* table 3: the regions with most new land */
	T_COMPLETION_TOP, /* table 5: the regions holding most land */
	T_WORKPLAN_TOTAL, /* table 6: the national rows */
	/* HTML and PDF only, when regions have parents (report_levels.c): */
	T_LEVEL_TOP, /* table 1 by region of the top level */
	T_NEW_LEVEL, /* table 3 by region of the top level */
	T_N
};

/* Findings of one layer and code with one reason (feature ids and figures
** taken out of the message), summed. */
typedef struct rqgroup {
	char layer[16], severity[16], code[40];
	char *reason; /* owned; "" for codes shown without reasons */
	int rank;     /* of the layer in ingest order; run-wide findings last */
	int64_t n;
	int64_t area; /* cents of m² */
} rqgroup;

/* A field with one value on every record of its layer. */
typedef struct runiform {
	char layer[16], field[24], value[64];
	int64_t n;
} runiform;

/* What ingest did with one input layer. */
typedef struct rlayer_count {
	char name[16];
	int64_t read, accepted, repaired, rejected;
} rlayer_count;

/* What ingest read, accepted and found: the data-quality statement. */
typedef struct rquality {
	int n_layers;
	rlayer_count layers[4];
	lr_vec groups;    /* rqgroup, owned */
	lr_vec uniform;   /* runiform */
	lr_vec statement; /* char *, owned: its sentences, in order */
} rquality;

struct lr_report {
	lr__lang lang;             /* what every text is written in */
	char *dir, *store, *title; /* owned */
	lr_area_unit unit;         /* what the area columns are shown in */
	char as_of[16], baseline[16], scope[64], version[32];
	char *source[3]; /* regions, hazards, releases source labels; owned */
	int first_year, last_year;
	rtable tables[T_N];
	bool present[T_N];
	lr_vec notes; /* char *, owned */

	/* National figures per year first_year..last_year (TOTAL rows). */
	int n_years;
	double *remaining_end, *new_land; /* [n_years] m², owned */
	double *sha_end, *cha_end; /* [n_years] m² by type at the year's end */
	/* Cleared, reduced, cancelled: [n_years] m², owned. */
	double *released[3];
	double remaining; /* national remaining at as-of (m²) */
	int64_t remaining_count;
	bool has_completion;
	char p[3][16];     /* national P10, P50, P90 */
	char deadline[16]; /* "" without completion.csv */

	rquality quality;
	lr_vec regions; /* rregion, owned, in remaining_by_region order */
	/* Region levels (0 without parents); their rows, level 1 first, and
	** the regions of level 1 for the summary. */
	int n_levels;
	lr_vec levels; /* rlevel, owned */
	lr_vec top;    /* rregion, owned: no shapes */
	lr_vec faces;  /* rface, owned: remaining hazardous land */
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

/* Append sentence to t->note, after a space.  LR_OK or LR_ERR_NOMEM. */
int lr__rtable_add_note(rtable *t, const char *sentence, lr_error *err);

/* Format a cell for people in the report's language: "1,234,567.89"
** ("1 234 567,89" in French, "1.234.567,89" in Spanish), "15.94",
** "2031-05-04", "never" translated, "".  buf holds at least 64 bytes;
** thousands: group the digits.  The one place numbers are written for
** people (the XLSX keeps numbers as numbers). */
const char *lr__cell_format(const lr_report *r, const rtable *t, size_t row,
                            int c, bool thousands, char *buf);
/* Whether HTML and PDF print row i of t (t->printed cuts long lists;
** total rows are always printed). */
bool lr__row_printed(const rtable *t, size_t i);
/* Decimals shown for a column type. */
int lr__type_decimals(rc_type type);
/* "1,234,567.89" with the given decimals, in the report's language. */
char *lr__fmt_num(const lr_report *r, double v, int decimals, bool thousands,
                  char *buf);
/* A count for prose, its thousands grouped as the language groups them
** ("3,097", "3 097" with a narrow no-break space, "3.097").  Use as
** lr__count(r, n).s (the struct lives until the end of the full
** expression). */
typedef struct rcount {
	char s[64];
} rcount;
rcount lr__count(const lr_report *r, long long n);
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

/* ---- area units (report/report_unit.c) ---------------------------------- */

/* m² in one unit: 1e6, 1e4 or 1. */
double lr__unit_m2(lr_area_unit u);
/* "km²", "ha", "m²". */
const char *lr__unit_symbol(lr_area_unit u);
/* An area given in m² as people read it in the report's unit:
** "806.94 km²" (two decimals, thousands grouped).  buf holds 64 bytes. */
const char *lr__fmt_area(const lr_report *r, double m2, char *buf);
/* How the tables give areas, for their units sentence: "in square
** kilometres (km², two decimals)". */
const char *lr__areas_in(const lr_report *r);
/* Every area column of every table (RC_M2: loaded in m²) into the report's
** unit: values divided, "_m2" in keys and "m²" in units renamed; with km²
** or ha the km²-alongside columns (RC_KM2) are dropped, since the area
** columns now say it.  LR_OK or LR_ERR_NOMEM. */
int lr__tables_to_unit(lr_report *r, lr_error *err);

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

/* ---- data quality (report/report_quality.c) ------------------------------ */

/* Free what q owns (its statement is plain text the writers escape). */
void lr__quality_free(rquality *q);

/* ---- many regions (report/report_scale.c) ------------------------------- */

/* Whether r has so many regions that the report condenses its tables. */
bool lr__many_regions(const lr_report *r);
/* Whether table 1 of every region is an annex (annex C): with many regions
** or with region levels, whose top level the main body shows. */
bool lr__leaf_annex(const lr_report *r);
/* Region i of those lr__summary_regions() gives indexes of. */
const rregion *lr__summary_region(const lr_report *r, size_t i);
/* The tables of HTML and PDF in their order into order[]; how many.  With
** many regions, table 1 in full comes last, as annex C. */
int lr__report_order(const lr_report *r, int order[T_N]);
/* The regions the summary describes one by one (all, or with many regions
** those holding most land) as indexes of r->regions into idx (room for
** r->regions.len); how many. */
size_t lr__summary_regions(const lr_report *r, size_t *idx);
/* With many regions, the sentence on all the others into b. */
void lr__summary_others(const lr_report *r, rbuf *b);

/* ---- charts (report/report_chart.c) ------------------------------------- */

/* Draw chart k (LR_CHART_*) into the rectangle w x h at the origin. */
void lr__chart_draw(const lr_report *r, int k, cairo_t *cr, double w, double h);
/* The chart as inline SVG (no XML declaration; ids prefixed by prefix) into
** b.  LR_OK or LR_ERR_NOMEM. */
int lr__chart_svg(const lr_report *r, int k, double w, double h,
                  const char *prefix, rbuf *b, lr_error *err);
/* Chart titles, for captions. */
extern const char *const lr__chart_titles[3];
/* What chart k draws for r, in words (the projection percentiles drawn or
** not, the unit), into b. */
void lr__chart_caption(const lr_report *r, int k, rbuf *b);

/* A sentence per region: "P01-D01 Veng Thom: 160,993.00 m² remaining in 7
** areas; ..." into b. */
void lr__region_sentence(const lr_report *r, const rregion *g, rbuf *b);

#endif
