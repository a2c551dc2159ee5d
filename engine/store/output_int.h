/*
** Private to engine/tables.c and engine/store.c: the result tables as rows of
** typed cells, produced once here and written both as CSV and as SQLite
** tables, the one source both writers read.
*/
#ifndef LR_OUTPUT_INT_H
#define LR_OUTPUT_INT_H

#include "lr_store.h"

#include <stdio.h>

/* The type of a column: how a CSV prints it and how SQLite stores it. */
typedef enum {
	LR__COL_TEXT, /* CSV: quoted when needed; SQLite TEXT */
	LR__COL_INT,  /* CSV: decimal integer; SQLite INTEGER */
	LR__COL_AREA, /* lr_cents; CSV "1234.56"; SQLite REAL cents/100.0 */
	LR__COL_DATE, /* lr_date; CSV and SQLite TEXT "YYYY-MM-DD" */
	LR__COL_DEG   /* degrees x 10^6; CSV "-12.345678"; SQLite REAL */
} lr__col_type;

typedef struct lr__column {
	const char *name;
	lr__col_type type;
} lr__column;

/* One value.  null: empty CSV field, SQL NULL.  s is borrowed from the
** dataset, the result or a string literal. */
typedef struct lr__cell {
	int null;
	int64_t i; /* LR__COL_INT, or cents for LR__COL_AREA */
	const char *s;
} lr__cell;

enum {
	LR__TABLE_REMAINING = 0,
	LR__TABLE_RELEASE_BY_YEAR,
	LR__TABLE_BASELINE,
	LR__TABLE_QUALITY,
	LR__TABLE_FORM_C,
	LR__TABLE_REMAINING_LEVEL, /* only when regions have parents */
	LR__TABLE_YEAR_LEVEL,
	LR__TABLE_COMPLETION,
	LR__TABLE_COMPLETION_RELEASES,
	LR__TABLE_PREVIOUSLY_UNKNOWN,
	LR__N_TABLES
};

/* Most columns any result table has (release_by_year_by_level). */
#define LR__MAX_COLS 19

/*
** A result table over a dataset and a result (both borrowed: they must
** outlive it).  Rows are produced on demand by lr__table_row(), so a large
** table costs no memory.
*/
typedef struct lr__table {
	int kind;
	const char *name; /* "remaining_by_region"; the CSV adds ".csv" */
	int n_cols;
	const lr__column *cols;
	size_t n_rows;
	const lr_dataset *d;
	const lr_result *r;
} lr__table;

/*
** Set up table `kind` (LR__TABLE_*) over d and r.  Returns 1 when the table
** exists for this result, 0 when it does not (baseline_by_region without a
** baseline).
*/
int lr__table_open(int kind, const lr_dataset *d, const lr_result *r,
                   lr__table *t);

/* Fill cells[0 .. t->n_cols-1] with row i (< t->n_rows). */
void lr__table_row(const lr__table *t, size_t i, lr__cell *cells);

#endif
