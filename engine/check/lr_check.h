/*
** Checking the tables of a submitted Article 5 request: every figure is
** compared with what the other figures of the request imply (sums, the
** roll-forward of remaining land, the work plan reaching zero...) and,
** optionally, with the tables of a land ledger.  Rules, their ids and what
** each is based on: docs/check.md.  Tables come in as rows of strings
** (geo/lr_table.h); no GDAL here.
*/
#ifndef LR_CHECK_H
#define LR_CHECK_H

#include "lr_base.h"
#include "lr_table.h"

#include <stdbool.h>
#include <stdio.h>

/* One rule: its stable id, default severity and a one-line explanation.
** Every string is static. */
typedef struct lr_check_rule {
	const char *id;       /* static: "R01-region-sum" */
	const char *severity; /* static: "error" or "warning" */
	const char *what;     /* static */
} lr_check_rule;

/* The rules, in the order of their ids; static, never freed. */
extern const lr_check_rule lr_check_rules[];
extern const size_t lr_check_n_rules;

/* What a table is to the check. */
typedef enum {
	LR_CHECK_SUBMITTED = 0, /* a table of the request */
	LR_CHECK_PREVIOUS = 1,  /* the work plan of the previous request */
	LR_CHECK_LEDGER = 2     /* a table written by landrelease analyze */
} lr_check_role;

typedef struct lr_check_input {
	const lr_table *table; /* borrowed: alive during lr_check_run() */
	lr_check_role role;
} lr_check_input;

/* The column mapping of --columns FILE (columns.c): made by
** lr_check_columns_read(), freed by lr_check_columns_free(). */
typedef struct lr_check_columns lr_check_columns;

typedef struct lr_check_options {
	double tolerance_m2; /* area differences up to this pass (default 1) */
	double precision_m2; /* rounding of stated areas; 0: inferred from the
	                     ** decimals of each column */
	int period_first, period_last; /* requested period; 0: none */
	int deadline; /* the current Article 5 deadline, YYYYMMDD; 0: none */
	bool strict;  /* a column of figures no rule reads is an error */
	const lr_check_columns *columns; /* borrowed, NULL if none */
} lr_check_options;

/* How one column of one table was read (a row of tables.csv); the table
** as a whole has column "".  Every string is owned by the report. */
typedef struct lr_check_reading {
	char *table;  /* "request.xlsx:1 Remaining" */
	char *kind;   /* remaining_by_region ... */
	char *date;   /* YYYY-MM from the title, "" if none */
	char *key;    /* how the region key was found */
	char *column; /* the heading as published (or made by the reading) */
	char *taken;  /* what it was taken as, or "not used: why" */
	char *unit;   /* m², km², ha, count, money, %... or "" */
	char *note;   /* how the heading was read, when not by its letters */
} lr_check_reading;

/* One finding.  Every char * is owned by the report that holds the
** finding (freed by lr_check_report_free()), never NULL; rule is static. */
typedef struct lr_check_finding {
	const char *rule; /* static: an id of lr_check_rules[] */
	lr_severity severity;
	char *table;      /* owned: the table's name, "request.xlsx:release" */
	char *row;        /* owned: the row as stated, "2021 TOTAL", "KP" */
	char *column;     /* owned: as stated in the header, "" if none */
	char *stated;     /* owned: the figure as stated, "" if none */
	char *expected;   /* owned: the figure implied, "" if none */
	char *difference; /* owned: stated - expected, "" if none */
	char *message;    /* owned */
} lr_check_finding;

/* The result of a check, made by lr_check_run(), freed with
** lr_check_report_free(). */
typedef struct lr_check_report {
	lr_vec findings; /* owned: lr_check_finding, in the order found */
	lr_vec notes;    /* owned: char *, each owned: what was recognised or
	                 ** skipped */
	lr_vec readings; /* owned: lr_check_reading, table by table */
	int n_error, n_warning, n_info;
} lr_check_report;

/*
** Parse "0.01km2", "1m2", "0.5ha" or a bare number of m2 into *m2.
** LR_OK or LR_ERR_USAGE with err naming the value.  Allocates nothing.
*/
int lr_check_parse_precision(const char *s, double *m2, lr_error *err);

/*
** Check the n tables of in[] under o.  Each table is read as published
** (title rows, headings in words, years as columns, subtotals, footnote
** marks; how, in the report's readings) and recognised by its columns
** (remaining_by_region, release_by_year, completion, workplan; a table named
** or titled "previous" is the previous work plan).  On success *out is a new
** report the caller frees with lr_check_report_free(); on failure *out is
** NULL.  An unusable input gives LR_ERR_INPUT with err naming the table: one
** that is not of those kinds (with its columns) or lacks its key column, a
** previous plan that is no plan, two tables of one kind sharing figures with
** no different dates in their titles.  A workbook sheet that is not a known
** table is skipped with a note when its workbook holds another one.
** LR_ERR_NOMEM when out of memory.  in[] and its tables are borrowed for the
** call only.
*/
int lr_check_run(const lr_check_input *in, size_t n, const lr_check_options *o,
                 lr_check_report **out, lr_error *err);

/*
** Read the column mapping at path: an INI file whose sections name tables
** (as check names them, "file.csv", "book.xlsx:sheet", or "*") and whose
** lines say "heading as published = our column [unit]" or "= ignore".
** LR_OK with *out to free with lr_check_columns_free(); LR_ERR_USAGE naming
** the file and line of a bad line; LR_ERR_NOMEM.
*/
int lr_check_columns_read(const char *path, lr_check_columns **out,
                          lr_error *err);
void lr_check_columns_free(lr_check_columns *m);

/*
** The pipe tables of the Markdown file at path, each named "file.md:its
** heading", the list lines between the heading and the table as its title
** (how report writes request_tables.md).  LR_OK with *out to free with
** lr_table_set_free(); LR_ERR_INPUT naming an unreadable file; LR_ERR_NOMEM.
*/
int lr_check_read_markdown(const char *path, lr_table_set *out, lr_error *err);

/* Free r, its findings and notes; lr_check_report_free(NULL) is a no-op. */
void lr_check_report_free(lr_check_report *r);

/* Print every finding of r (borrowed), one per line, to f. */
void lr_check_report_print(const lr_check_report *r, FILE *f);

/*
** Write findings.csv (rule,severity,table,row,column,stated,expected,
** difference,message) of r (borrowed) to path through a temporary file
** renamed into place (lr_atomic_open/close).  LR_OK, or LR_ERR_IO with err
** naming the file; path is then left as it was.
*/
int lr_check_write_csv(const lr_check_report *r, const char *path,
                       lr_error *err);

/*
** Write tables.csv (table,kind,date,key,column,taken_as,unit,note): how
** every table and column of r was read.  As lr_check_write_csv().
*/
int lr_check_write_tables(const lr_check_report *r, const char *path,
                          lr_error *err);

/* Parse one figure as written ("1,234.5", "12%", "-"); for fuzzing.
** Allocates nothing.
** Returns 1 with *hundredths and *decimals set, 0 for a blank marker,
** -1 when it is not a number or is beyond 10^16 hundredths (10^14 m2).
** The value is scaled by 10^(2 + scale_exp) (scale_exp 0 for m2, 6 for
** km2, 4 for ha). */
int lr_check_parse_figure(const char *s, int scale_exp, int64_t *hundredths,
                          int *decimals);

#endif
