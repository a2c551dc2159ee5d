/*
** What the files of engine/check share and nothing outside it sees: a
** table parsed for the check (lr__tab), the state of one run (lr__ctx),
** the rule numbers, and the functions that read figures, find rows and
** record findings.  Rules are listed and run by registry.c.
*/
#ifndef LR_CHECK_INT_H
#define LR_CHECK_INT_H

#include "lr_check.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Rule numbers: indices into lr_check_rules[] (registry.c). */
enum {
	R_SUM,
	R_SHACHA,
	R_METHOD,
	R_PARTS,
	R_PCT,
	R_WHOLE,
	R_NEG,
	R_COUNTAREA,
	R_DUP,
	R_SPELL,
	R_ROLL,
	R_REMREL,
	R_START,
	R_GROWTH,
	R_GONE,
	R_CUMUL,
	R_YEARS,
	R_ZERO,
	R_LENGTH,
	R_PACE,
	R_CAPACITY,
	R_COST,
	R_FUNDING,
	R_PREVIOUS,
	R_SLIP,
	R_SCOPE,
	R_NUMBER,
	R_LEDGER,
	R_UNREAD,
	R_MARK,
	R_DATED,
	R_EARLY,
	R_CANCEL,
	R_START_PERIOD,
	R_PROJECTION,
	R_MILESTONE,
	R_COUNT
};

/* The largest figure read, in hundredths: 10^14 m2 (10^8 km2), 10^14 units
** of money.  A few such figures add up far inside int64; sums over rows or
** columns stop at SUM_MAX. */
#define FIG_MAX 10000000000000000LL   /* 10^16 */
#define SUM_MAX 1000000000000000000LL /* 10^18 */

/* Parent walks stop here: a cycle of parent_id rows (A in B in A) must not
** hang the checker, and no real hierarchy is this deep. */
#define MAX_PARENT_DEPTH 32

/* What a column holds. */
enum {
	COL_TEXT,
	COL_AREA,  /* hundredths of m2 */
	COL_COUNT, /* hundredths of a count */
	COL_MONEY, /* hundredths of the currency */
	COL_PCT,   /* hundredths of a percent */
	COL_UNIT,  /* a unit cost: read as a double */
	COL_YEARS  /* a number of years */
};

/* What a table is, recognised by its columns (lr__check_kind_names[] spells
 * it). */
enum { K_NONE, K_REMAINING, K_RELEASE, K_COMPLETION, K_PLAN, K_COUNT };
extern const char *const lr__check_kind_names[K_COUNT];

/* One figure of a row. */
typedef struct lr__fig {
	int64_t v;
	double d; /* for unit costs */
	bool set;
	bool bad; /* not a number (R27): no sum over it is checked */
} lr__fig;

/* One line of a column mapping. */
typedef struct lr__colmap {
	char *table;    /* owned: the section */
	char *heading;  /* owned: the heading as published */
	char canon[96]; /* our column, or "ignore" */
	int line;
} lr__colmap;

struct lr_check_columns {
	lr__colmap *map; /* owned, [n] */
	size_t n;
	bool *used; /* owned, [n]: matched a column of some table */
};

/* The mapping line for a heading of table t, or NULL; marks it used. */
const lr__colmap *lr__check_column_map(const lr_check_columns *m,
                                       const lr_table *t, const char *heading);

/* How one column of a table as published was read (shape.c). */
typedef struct lr__head {
	char canon[96];   /* the name the rules use: "cha_km2" */
	char why[160];    /* why it was read so, when not by its letters */
	int marks;        /* footnote marks stripped from its cells */
	char mark_eg[64]; /* the first cell so stripped, as published */
	bool synthetic;   /* made by the reading: the key, its parents */
	const char *role; /* static: what a column of names was read as */
	bool unit_guessed;
	bool ignored; /* --columns says: not to be checked */
} lr__head;

typedef struct lr__col {
	char norm[96]; /* normalised header */
	char base[96]; /* without the unit; method aliases resolved */
	int type;
	int scale;          /* 0 m2, 6 km2, 4 ha (areas) */
	int dec;            /* most significant decimals seen */
	double half;        /* rounding of one stated figure, in hundredths */
	const char *label;  /* the header as stated (borrowed from the table) */
	const char *unread; /* static: why no rule reads it, NULL if one does */
	int same_as;        /* the first column of the same figure, or -1 */
} lr__col;

typedef struct lr__row {
	const char *key; /* as stated (borrowed from the table) */
	char norm[128];
	int year;        /* 0 if none */
	bool over_years; /* its year cell says Total: the sum of the years */
	bool total;
	int parent; /* row index in the same year, or -1 */
	int depth;
	int nchild;
	lr__fig *f; /* owned, [ncol] */
	char label[160];
	size_t src; /* row of the source table */
} lr__row;

/* A table parsed for the check; its arrays are owned, freed by
** lr__check_tab_free(). */
typedef struct lr__tab {
	const lr_table *t;   /* the table as read: p->own's, made from src */
	const lr_table *src; /* borrowed: as the caller gave it */
	lr_table_set own;    /* owned: the table the rules read */
	lr__head *heads;     /* owned, [ncol]: how each column was read */
	char *title;         /* owned: title rows and the source's title */
	int title_rows;      /* title rows found above the header */
	int note_rows;       /* notes below the last row of figures */
	bool two_row_header, years_as_columns;
	int date; /* YYYYMM from the title (MM 12 for a bare year);
	          ** 0 if none */
	int n_subtotals;
	char keyhow[256];     /* how the key was found */
	char value_canon[96]; /* years as columns: the column of their figures
	                       */
	int kind;
	lr_check_role role;
	int ncol;
	lr__col *cols; /* owned, [ncol] */
	int key, yearc, parentc;
	size_t nrows;
	lr__row *rows; /* owned, [nrows] */
	int *years;    /* owned: distinct years, sorted */
	int nyears;
	bool *gone; /* owned, [nrows] or NULL: aggregates whose change a
	            ** vanished region explains (R15) */
} lr__tab;

/* One run of the check. */
typedef struct lr__ctx {
	const lr_check_options *o; /* borrowed */
	lr_check_report *r;        /* owned until handed to the caller */
	lr__tab *tabs;             /* owned, [ntabs] */
	size_t ntabs;
	/* The submitted tables, NULL when absent; all point into tabs. */
	lr__tab *rem, *rel, *comp, *plan;
	lr__tab *led[K_COUNT]; /* into tabs: ledger tables by kind */
	int64_t tol;           /* tolerance in hundredths of m2 */
	bool oom;              /* an allocation failed: the run fails */
} lr__ctx;

/* ---- Figures (figure.c) ---- */

/* Is s one of the ways a table leaves a figure blank ("-", "n/a" ...)? */
int lr__check_blank_marker(const char *s);

/* *acc + v into *acc, or false (*acc unchanged) beyond +-SUM_MAX. */
bool lr__check_add_fig(int64_t *acc, int64_t v);

/* Format v hundredths of a unit scaled by 10^scale into buf, with at least
** min_dec decimals; fmt_col in the column's unit (c may be NULL). */
void lr__check_fmt_num(char *buf, size_t size, int64_t v, int scale,
                       int min_dec);
void lr__check_fmt_col(const lr__col *c, char *buf, size_t size, int64_t v);

/* ---- Headers and kinds of tables (header.c) ---- */

/* A region key for matching: case, spaces, punctuation and Latin
** diacritics folded. */
void lr__check_norm_key(const char *s, char *out, size_t size);
bool lr__check_is_total_key(const char *norm);
bool lr__check_starts_with(const char *s, const char *pre);
/* Work-plan spellings of the methods as the release table's, in place. */
void lr__check_alias_base(char *base, size_t size);
/* The column of p with this base name and type, or -1. */
int lr__check_col_find(const lr__tab *p, const char *base, int type);
int lr__check_col_area(const lr__tab *p, const char *base);
bool lr__check_has_word(const char *hay, const char *needle);
bool lr__check_has_token(const char *hay, const char *tok);
/* From p's header (p->t, p->ncol, p->cols allocated): each column's
** names, type and unit, the key, year and parent columns (-1 if none) and
** the kind of table (K_NONE if none). */
void lr__check_read_header(lr__tab *p);

/* The normalised heading: lower case, separators '_', "²" '2'. */
void lr__check_norm_header(const char *s, char *out, size_t size);
/* Is norm a name of our own layout that the check knows? */
bool lr__check_known_name(const char *norm);
/* Does a column of this name hold figures (areas, counts, money...)? */
bool lr__check_heading_is_figure(const char *canon);
/* The name without its unit ("cha_km2" -> "cha"). */
void lr__check_heading_base(const char *canon, char *base, size_t size);
/* Why no rule reads column c, or NULL when one does. */
const char *lr__check_col_unread(const lr__col *c);

/* ---- Headings as published (heading.c) ---- */

/* A heading that is a year ("2014", "End 2014", "As of end 2014 (km²)"). */
bool lr__check_heading_is_year(const char *norm, int *year);
/* A heading that starts with a year ("End-2014 CHAs"): the year, and the
** words after it into rest. */
bool lr__check_heading_year_prefix(const char *norm, int *year, char *rest,
                                   size_t size);
/* Does a heading count areas ("CHAs", "No. of SHAs", "Number")? */
bool lr__check_heading_counts(const char *norm);
/* The unit of area a heading names ("m2", "km2", "ha"), "" if none. */
void lr__check_heading_unit(const char *norm, char *unit, size_t size);
/*
** A published heading (normalised) into the name the rules use, in canon;
** prev is the figure of the column before when it counts areas ("cha"),
** dated whether the table has years, title_unit the unit the table's title
** states ("km2", "" if none) for an area heading that states none.  why
** says how, when not plain.
*/
void lr__check_read_heading(const char *norm, const char *prev, bool dated,
                            const char *title_unit, char *canon, size_t size,
                            char *why, size_t wsize);
/* The figure a dated heading or title names ("released"), "" if none. */
void lr__check_heading_figure(const char *norm, char *base, size_t size);
/* Is canon a count of areas ("cha_count")? Its figure into base. */
bool lr__check_heading_names_count(const char *canon, char *base, size_t size);

/* ---- Tables as published (shape.c) ---- */

/*
** The table the rules read, made from in: p->t, p->heads, p->title and
** the rest of the reading.  LR_OK, LR_ERR_INPUT naming in, LR_ERR_NOMEM;
** what p owns is freed by lr__check_tab_free() either way.
*/
int lr__check_shape(const lr_table *in, const lr_check_columns *cols,
                    lr__tab *p, lr_error *err);

/* ---- Reading the tables (read.c) ---- */

/*
** Parse the n inputs into x->tabs (x->ntabs of them; a workbook's sheet of
** no known kind is skipped with a note) and bind each to its place in x.
** R09 and R27 findings go into x->r.  LR_OK; LR_ERR_INPUT naming the table
** when one cannot be used; LR_ERR_NOMEM.
*/
int lr__check_read_tables(lr__ctx *x, const lr_check_input *in, size_t n,
                          lr_error *err);
/* Free what p owns (not p); a zeroed p is a no-op. */
void lr__check_tab_free(lr__tab *p);

/* ---- Rows (rows.c) ---- */

/* The figure of row r, column c; an unset figure when either is out of
** range. */
lr__fig lr__check_cell(const lr__tab *p, size_t r, int c);
/* Row of (year, normalised key) in p, or -1. */
int lr__check_find_row(const lr__tab *p, int year, const char *norm);
int lr__check_find_total(const lr__tab *p, int year);
bool lr__check_is_aggregate(const lr__tab *p, size_t r);
/* Is row j counted in aggregate row i (a TOTAL, or a parent)? */
bool lr__check_under(const lr__tab *p, size_t j, size_t i);
/* Does some row under aggregate i have its flag set? */
bool lr__check_explained(const lr__tab *p, size_t i, const bool *flag);
/*
** A walk over a table's rows, members before their aggregates (leaves, then
** parents deepest first, TOTAL last), remembering the rows reported so that
** an aggregate they explain is not reported again (one cause, one finding):
**
**     lr__walk w;
**     size_t r;
**     if (!lr__check_walk_begin(x, p, &w))
**             return;
**     while (lr__check_walk_next(&w, &r)) {
**             if (!figure_set || lr__check_walk_explained(&w, r))
**                     continue;
**             ... w.flag[r] = true when row r is reported ...
**     }
**     lr__check_walk_end(&w);
*/
typedef struct lr__walk {
	const lr__tab *p; /* borrowed */
	size_t *ord;      /* owned: the rows in walking order */
	bool *flag;       /* owned: [nrows] the rows reported */
	size_t i;         /* the next place in ord */
} lr__walk;
/* Start a walk over p; false, with x->oom set, when out of memory (w is
** then empty: lr__check_walk_end() is a no-op on it). */
bool lr__check_walk_begin(lr__ctx *x, const lr__tab *p, lr__walk *w);
/* The next row into *r; false when every row was walked. */
bool lr__check_walk_next(lr__walk *w, size_t *r);
/* Is row r an aggregate one of whose members was reported? */
bool lr__check_walk_explained(const lr__walk *w, size_t r);
/* Free what the walk owns. */
void lr__check_walk_end(lr__walk *w);
/* The first row, in table order, of row r's region in its earliest year. */
int lr__check_first_row(const lr__tab *p, size_t r);
bool lr__check_has_year(const lr__tab *p, int y);
int lr__check_last_year(const lr__tab *p);
/* The total area column of a remaining table, or -1. */
int lr__check_rem_total_col(const lr__tab *p);
/* Columns of corrections and reclassifications, which may be negative. */
bool lr__check_may_be_negative(const lr__col *c);

/* ---- Findings (finding.c) ---- */

/* A new formatted string, or NULL with x->oom set. */
char *lr__check_dupf(lr__ctx *x, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* Record a finding; the strings are copied but msg is taken (freed on
** failure). */
void lr__check_add_finding(lr__ctx *x, int rule, lr_severity sev,
                           const lr__tab *p, const char *row,
                           const lr__col *col, const char *stated,
                           const char *expected, const char *diff, char *msg);
/* A finding with no figures; msg is taken. */
void lr__check_note(lr__ctx *x, int rule, lr_severity sev, const lr__tab *p,
                    const char *row, const lr__col *col, char *msg);
/* k when a/b is within 1% of 10^k for k in 1, 2, 3, 6 (either way), else 0. */
int lr__check_power_slip(double a, double b);
int lr__check_compare(lr__ctx *x, int rule, const lr__tab *p, const char *row,
                      const lr__col *col, int64_t stated, int64_t expected,
                      double bound, const char *what);
int lr__check_compare_d(lr__ctx *x, int rule, const lr__tab *p, const char *row,
                        const lr__col *col, int64_t stated, double expected,
                        double bound, const char *what);

/* ---- The rules, by family ---- */

/* rules_sum.c */
void lr__check_rule_sum(lr__ctx *x, lr__tab *p);
void lr__check_rule_sha_cha(lr__ctx *x, lr__tab *p);
void lr__check_rule_method(lr__ctx *x, lr__tab *p);
void lr__check_rule_parts(lr__ctx *x, lr__tab *p);
void lr__check_rule_funding(lr__ctx *x, lr__tab *p);
/* rules_units.c */
void lr__check_rule_values(lr__ctx *x, lr__tab *p);
void lr__check_rule_count_area(lr__ctx *x, lr__tab *p);
void lr__check_rule_slip(lr__ctx *x, lr__tab *p);
void lr__check_rule_scope(lr__ctx *x, lr__tab *p);
/* rules_roll.c */
void lr__check_rule_gone(lr__ctx *x, lr__tab *p);
void lr__check_rule_roll(lr__ctx *x, lr__tab *p);
void lr__check_rule_cumulative(lr__ctx *x, lr__tab *p);
/* rules_tables.c */
void lr__check_rule_rem_rel(lr__ctx *x, lr__tab *unused);
void lr__check_rule_start(lr__ctx *x, lr__tab *unused);
void lr__check_rule_spelling(lr__ctx *x, lr__tab *unused);
/* rules_plan.c */
void lr__check_rule_plan_pct(lr__ctx *x, lr__tab *p);
void lr__check_rule_plan_period(lr__ctx *x, lr__tab *p);
void lr__check_rule_pace(lr__ctx *x, lr__tab *p);
void lr__check_rule_capacity(lr__ctx *x, lr__tab *p);
void lr__check_rule_cost(lr__ctx *x, lr__tab *p);
void lr__check_rule_previous(lr__ctx *x, lr__tab *pp);
/* reading.c */
/* Each column's same_as and unread, once the header is read. */
void lr__check_columns_read(lr__tab *p);
void lr__check_rule_reading(lr__ctx *x, lr__tab *p);
/* Rows whose year is "Total" against the sum of their years (R01); the
** rules then leave them out. */
void lr__check_sum_of_years(lr__ctx *x, lr__tab *p);
/* How p was read, into x->r->readings. */
void lr__check_record_reading(lr__ctx *x, const lr__tab *p);
/* Free the strings of g (output.c). */
void lr__check_reading_free(lr_check_reading *g);
/* rules_dated.c */
void lr__check_rule_dated(lr__ctx *x, lr__tab *unused);
void lr__check_rule_stock(lr__ctx *x, lr__tab *p);
/* rules_committee.c */
void lr__check_rule_early_zero(lr__ctx *x, lr__tab *p);
void lr__check_rule_cancel_sha(lr__ctx *x, lr__tab *p);
void lr__check_rule_period_start(lr__ctx *x, lr__tab *p);
void lr__check_rule_projection(lr__ctx *x, lr__tab *p);
void lr__check_rule_milestone(lr__ctx *x, lr__tab *pp);
/* rules_ledger.c */
void lr__check_rule_ledger(lr__ctx *x, lr__tab *p);

#endif
