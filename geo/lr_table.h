/*
** Plain tables read through GDAL/OGR: a CSV file, or every sheet of an XLSX
** or ODS workbook, as rows of UTF-8 strings under a header.  Knows nothing
** of what the columns mean; no GDAL type leaks into this header, so engine/
** may use it.
*/
#ifndef LR_TABLE_H
#define LR_TABLE_H

#include "lr_base.h"

#include <stddef.h>

/*
** One table.  The header row is the first row holding at least two
** non-empty cells; non-empty rows above it (a sheet's title lines) are
** joined into title.  Rows whose cells are all empty are dropped.  Every
** cell is trimmed of surrounding white space and is never NULL ("" when
** empty).  Every string and array is owned by the table.
*/
typedef struct lr_table {
	char *path;     /* the file as named by the caller */
	char *layer;    /* CSV: the file's base name; workbook: the sheet */
	char *name;     /* "file.csv" or "book.xlsx:sheet", for messages */
	char *title;    /* title lines above the header, "" if none */
	int title_rows; /* how many filled rows the title was read from */
	int n_cols;     /* columns of the header */
	char **header;  /* [n_cols] */
	size_t n_rows;
	char **cells;         /* [n_rows * n_cols], row-major */
	long *line;           /* [n_rows] 1-based row number: a CSV's line
	                      ** where the row starts; a sheet's row counted
	                      ** from its first row read (GDAL's) */
	const char *encoding; /* static: "Windows-1252" when a CSV was
	                      ** decoded from it, NULL when UTF-8 */
} lr_table;

/* All the tables of one file, in the file's order.  tables is owned. */
typedef struct lr_table_set {
	lr_table *tables; /* owned, [n] */
	size_t n;
} lr_table_set;

/*
** Read every table of the file at path: a CSV (.csv, .tsv, .txt) as one
** table, an XLSX or ODS workbook as one table per non-empty sheet.  All
** fields are read as strings, so figures keep the digits they were written
** with.  A CSV is read here, not by GDAL (whose CSV driver takes the number
** of columns from the first line, a title of one cell): its separator is
** ',', ';' or a tab (below), its text UTF-8 (a byte-order mark dropped) or
** Windows-1252 (decoded, and said in encoding); UTF-16 or binary text is
** refused naming the file and line.  Workbooks are read through GDAL/OGR
** (headers forced, field types STRING).  On success *out holds the tables
** (free with lr_table_set_free()); a sheet with no header row is skipped.
** On failure *out is empty and err names the file: LR_ERR_INPUT for a
** missing, unreadable or unknown file.
*/
int lr_table_read_file(const char *path, lr_table_set *out, lr_error *err);

/*
** The same from memory: data[0..size) is the content of a file called name
** (its extension picks the format).  Thread-safe; for tests and fuzzing.
*/
int lr_table_read_buffer(const void *data, size_t size, const char *name,
                         lr_table_set *out, lr_error *err);

/* Free what the set owns and empty it; NULL is a no-op. */
void lr_table_set_free(lr_table_set *s);

/* The cell of row r and column c (never NULL). */
const char *lr_table_cell(const lr_table *t, size_t r, int c);

/* Index of the column named name (ASCII case-insensitive), or -1. */
int lr_table_column(const lr_table *t, const char *name);

#endif
