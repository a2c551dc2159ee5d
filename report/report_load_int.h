/*
** Inside the report's loaders (report_load.c and the files it calls): the
** plain tables read from CSV files and workbooks, and the steps that build
** each request table.  Not a public interface.
*/
#ifndef LR_REPORT_LOAD_INT_H
#define LR_REPORT_LOAD_INT_H

#include "lr_store_read.h"
#include "report_int.h"

#include <math.h>
#include <stdint.h>

/* Whole hundredths of a square metre: sums of areas stay exact. */
static inline int64_t lr__cents(double v)
{
	return llround(v * 100.0);
}

static inline double lr__m2(int64_t c)
{
	return (double)c / 100.0;
}

/* ---- shared (report_load.c) --------------------------------------------- */

/* Set err to "out of memory"; returns LR_ERR_NOMEM. */
int lr__nomem(lr_error *err);
/* Add a note for the user to r (formatted, copied).  LR_OK or
** LR_ERR_NOMEM. */
int lr__report_note(lr_report *r, lr_error *err, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
bool lr__file_exists(const char *path);

/* ---- plain tables: our CSVs, or a sheet of a workbook (report_ptable.c) -- */

typedef struct ptable {
	char *name; /* for messages; owned */
	int n_cols;
	char **header; /* [n_cols] owned */
	size_t n_rows;
	char **cells; /* [n_rows * n_cols] owned */
	long *line;   /* [n_rows] owned: the record each row came from */
} ptable;

/* Free what t owns and zero it. */
void lr__ptable_free(ptable *t);
/* The text of row r, column c ("" for a column c < 0); borrowed from t. */
const char *lr__pcell(const ptable *t, size_t r, int c);
/* The column named name (any case), or -1. */
int lr__pcol(const ptable *t, const char *name);
/* Read the CSV at path into t (freed with lr__ptable_free).  LR_OK;
** LR_ERR_INPUT when unreadable, LR_ERR_USAGE without a header row. */
int lr__read_csv(const char *path, ptable *t, lr_error *err);
/* The first sheet of the workbook at path holding each of the n_need
** columns need[] (at least 3), into t. */
int lr__read_workbook(const char *path, const char *const *need, int n_need,
                      ptable *t, lr_error *err);
/* The number in row r, column c: *has false for ""; LR_ERR_USAGE naming the
** line when it is not a number. */
int lr__parse_number(const ptable *t, size_t r, int c, double *v, bool *has,
                     lr_error *err);

/* ---- the store, through its reader (report_store.c) --------------------- */

/* The region id of r->regions, or NULL; borrowed from r. */
rregion *lr__find_region(const lr_report *r, const char *id);
/* The name to print for a region id (TOTAL and OUTSIDE included). */
const char *lr__region_name(const lr_report *r, const char *id);
/* The meta table: as-of date, years, scope, sources. */
int lr__load_meta(lr_report *r, lr_store_reader *rd, lr_error *err);
/* The name table 1 prints for a row of remaining_by_region (TOTAL and
** OUTSIDE in the report's language). */
const char *lr__remaining_name(const lr_report *r, const lr_store_remaining *x);
/* Table 1 and r->regions from remaining_by_region. */
int lr__load_remaining(lr_report *r, lr_store_reader *rd, lr_error *err);
/* Tables 2 and 3 and the yearly chart figures from release_by_year. */
int lr__load_years(lr_report *r, lr_store_reader *rd, lr_error *err);
/* Annex E, the declaration of completion (report_completion.c): tables
** E1-E3 from the store's completion tables, present when the country or
** a region has reached completion. */
int lr__load_declaration(lr_report *r, lr_store_reader *rd, lr_error *err);
/* Region and hazardous-land geometries for the map (a note when
** SpatiaLite is missing). */
int lr__load_shapes(lr_report *r, lr_store_reader *rd, lr_error *err);

/* ---- data quality (report_quality.c) ------------------------------------ */

/* The ingest counts, findings and uniform fields of the store into
** r->quality, its statement and the two annex tables. */
int lr__load_quality(lr_report *r, lr_store_reader *rd, lr_error *err);

/* ---- many regions (report_scale.c) -------------------------------------- */

/* With many regions, the condensed copies of tables 1, 3, 5 and 6 the HTML
** and PDF show (after the unit is applied: they copy the cells). */
int lr__condense_tables(lr_report *r, lr_error *err);

/* ---- region levels (report_levels.c) ------------------------------------ */

/* remaining_by_level and release_by_year_by_level into r->levels, tables 1
** and 3 at the top level and annex D; nothing when the store has no
** levels.  After the other tables (table 3's notes are copied). */
int lr__load_levels(lr_report *r, lr_store_reader *rd, lr_error *err);
/* Free r->levels and r->top. */
void lr__report_levels_free(lr_report *r);

/* ---- remaining land by contamination (report_contam.c) ----------------- */

/* Table 1b: table 1's regions (the top level when regions have parents)
** and TOTAL, their land by contamination.  After lr__load_levels(). */
int lr__load_contamination(lr_report *r, lr_store_reader *rd, lr_error *err);

/* ---- Article 7 Form C (report_formc.c) ---------------------------------- */

/* Annex B from the store's form_c, with a TOTAL row. */
int lr__load_form_c(lr_report *r, lr_store_reader *rd, lr_error *err);

/* ---- the CSVs of project and plan (report_results.c) -------------------- */

/* Table 5 from DIR/completion.csv, or a note when it is absent. */
int lr__load_completion(lr_report *r, lr_error *err);
/* Table 6 from DIR/workplan.csv, or a note when it is absent. */
int lr__load_workplan(lr_report *r, lr_error *err);

/* ---- a previous plan (report_previous.c) -------------------------------- */

/* Table 4 from the previous plan at path (NULL: a note) and the store. */
int lr__load_plan_vs_achieved(lr_report *r, lr_store_reader *rd,
                              const char *path, lr_error *err);

#endif
