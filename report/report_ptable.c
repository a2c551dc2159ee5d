/*
** Plain tables: a CSV file (base's reader) or a sheet of a workbook (geo's
** table reader), as rows of text with the line each came from.
*/
#include "lr_csv.h"
#include "lr_table.h"
#include "report_load_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void lr__ptable_free(ptable *t)
{
	for (int c = 0; c < t->n_cols && t->header; c++)
		free(t->header[c]);
	for (size_t i = 0; t->cells && i < t->n_rows * (size_t)t->n_cols; i++)
		free(t->cells[i]);
	free(t->header);
	free(t->cells);
	free(t->line);
	free(t->name);
	memset(t, 0, sizeof *t);
}

const char *lr__pcell(const ptable *t, size_t r, int c)
{
	return c < 0 ? "" : t->cells[r * (size_t)t->n_cols + (size_t)c];
}

int lr__pcol(const ptable *t, const char *name)
{
	for (int c = 0; c < t->n_cols; c++)
		if (!strcasecmp(t->header[c], name))
			return c;
	return -1;
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	size_t k = 0;
	while (s[k] && isspace((unsigned char)s[k]))
		k++;
	memmove(s, s + k, n - k + 1);
}

/* Fields a record of text can hold at most: one more than its commas. */
static size_t max_fields(const char *text)
{
	size_t n = 1;
	for (const char *s = text; (s = strchr(s, ',')) != NULL; s++)
		n++;
	return n;
}

/* Append the first n_cols fields of a record (missing ones empty), copied,
** as one row of t; cells and lines collect the row's pointers and line. */
static int add_row(ptable *t, char **fields, int n, long line, rbuf *cells,
                   rbuf *lines)
{
	for (int c = 0; c < t->n_cols; c++) {
		char *v = lr_strdup(c < n ? fields[c] : "");
		if (v)
			lr__buf_add(cells, (const char *)&v, sizeof v);
		if (!v || cells->failed) {
			/* Undo the row: ptable_free frees whole rows only. */
			free(v);
			for (int k = 0; k < c; k++) {
				cells->len -= sizeof v;
				char *w;
				memcpy(&w, cells->data + cells->len, sizeof w);
				free(w);
			}
			return -1;
		}
	}
	lr__buf_add(lines, (const char *)&line, sizeof line);
	t->n_rows++;
	return 0;
}

/* The header row: its fields copied as the column names of t. */
static int set_header(ptable *t, char **fields, int n)
{
	t->header = lr_xcalloc((size_t)n, sizeof(char *));
	if (!t->header)
		return -1;
	t->n_cols = n;
	for (int c = 0; c < n; c++)
		if (!(t->header[c] = lr_strdup(fields[c])))
			return -1;
	return 0;
}

/*
** Read the CSV at path into t: the first record that is not blank is the
** header; blank records are skipped; fields are trimmed.  line[] counts
** records (a quoted line break stays inside its record).
*/
int lr__read_csv(const char *path, ptable *t, lr_error *err)
{
	memset(t, 0, sizeof *t);
	char *text = NULL;
	int rc = lr_read_file(path, &text, NULL, err);
	if (rc != LR_OK)
		return rc;
	char *p = text;
	if (!strncmp(p, "\xEF\xBB\xBF", 3))
		p += 3; /* a byte-order mark from a spreadsheet export */
	size_t cap = max_fields(p);
	char **fields = lr_xcalloc(cap, sizeof *fields);
	rbuf cells = {0}; /* char * array, as bytes */
	rbuf lines = {0};
	long line = 0;
	int n;
	t->name = lr_strdup(path);
	if (!fields || !t->name)
		rc = lr__nomem(err);
	while (rc == LR_OK && (n = lr_csv_record(&p, fields, (int)cap)) > 0) {
		line++;
		bool empty = true;
		for (int i = 0; i < n; i++) {
			trim(fields[i]);
			if (fields[i][0])
				empty = false;
		}
		if (empty)
			continue;
		int bad = t->header
		                  ? add_row(t, fields, n, line, &cells, &lines)
		                  : set_header(t, fields, n);
		if (bad)
			rc = lr__nomem(err);
	}
	free(fields);
	free(text);
	if (rc == LR_OK && (cells.failed || lines.failed))
		rc = lr__nomem(err);
	t->cells = (char **)cells.data;
	t->line = (long *)lines.data;
	if (rc == LR_OK && !t->header)
		rc = lr_error_set(err, LR_ERR_USAGE, "%s: no header row", path);
	if (rc != LR_OK)
		lr__ptable_free(t);
	return rc;
}

/* A workbook (XLSX/ODS) through GDAL: the first sheet holding every one of
** the columns `need`. */
int lr__read_workbook(const char *path, const char *const *need, int n_need,
                      ptable *t, lr_error *err)
{
	memset(t, 0, sizeof *t);
	lr_table_set set = {0};
	int rc = lr_table_read_file(path, &set, err);
	if (rc != LR_OK)
		return rc;
	const lr_table *src = NULL;
	for (size_t i = 0; i < set.n && !src; i++) {
		int ok = 1;
		for (int k = 0; k < n_need; k++)
			if (lr_table_column(&set.tables[i], need[k]) < 0)
				ok = 0;
		if (ok)
			src = &set.tables[i];
	}
	if (!src) {
		lr_table_set_free(&set);
		return lr_error_set(err, LR_ERR_USAGE,
		                    "%s: no sheet has the columns %s, %s and "
		                    "%s",
		                    path, need[0], need[1], need[2]);
	}
	t->name = lr_strdup(src->name);
	t->n_cols = src->n_cols;
	t->n_rows = src->n_rows;
	t->header = lr_xcalloc((size_t)src->n_cols, sizeof(char *));
	t->cells = lr_xcalloc(src->n_rows * (size_t)src->n_cols + 1,
	                      sizeof(char *));
	t->line = lr_xcalloc(src->n_rows + 1, sizeof(long));
	rc = t->name && t->header && t->cells && t->line ? LR_OK : LR_ERR_NOMEM;
	for (int c = 0; rc == LR_OK && c < src->n_cols; c++)
		if (!(t->header[c] = lr_strdup(src->header[c])))
			rc = LR_ERR_NOMEM;
	for (size_t r = 0; rc == LR_OK && r < src->n_rows; r++) {
		t->line[r] = src->line[r];
		for (int c = 0; rc == LR_OK && c < src->n_cols; c++)
			if (!(t->cells[r * (size_t)src->n_cols + (size_t)c] =
			              lr_strdup(lr_table_cell(src, r, c))))
				rc = LR_ERR_NOMEM;
	}
	lr_table_set_free(&set);
	if (rc != LR_OK) {
		lr__ptable_free(t);
		return lr__nomem(err);
	}
	return LR_OK;
}

/* A number of a plain table: "" gives *has = false; otherwise it must
** parse whole ("1234.5"; thousands commas as "1,234.5" are accepted). */
int lr__parse_number(const ptable *t, size_t r, int c, double *v, bool *has,
                     lr_error *err)
{
	const char *s = lr__pcell(t, r, c);
	*has = false;
	*v = 0;
	if (!s[0])
		return LR_OK;
	char buf[64];
	size_t k = 0;
	for (const char *p = s; *p && k < sizeof buf - 1; p++)
		if (*p != ',' && *p != ' ')
			buf[k++] = *p;
	buf[k] = '\0';
	char *end;
	errno = 0;
	double x = strtod(buf, &end);
	if (end == buf || *end || errno || !isfinite(x))
		return lr_error_set(err, LR_ERR_USAGE,
		                    "%s line %ld: column %s: '%s' is not a "
		                    "number",
		                    t->name, t->line ? t->line[r] : (long)r + 2,
		                    t->header[c], s);
	*v = x;
	*has = true;
	return LR_OK;
}
