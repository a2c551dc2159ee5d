/*
** Reading an output folder back: the store's meta and result tables, the
** CSVs of project and plan, a previous work plan, and the geometries the
** map draws; and building the six request tables from them.
*/
#include "lr_csv.h"
#include "lr_table.h"
#include "report_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Whole hundredths of a square metre: sums of areas stay exact. */
static int64_t cents(double v)
{
	return llround(v * 100.0);
}

static double m2(int64_t c)
{
	return (double)c / 100.0;
}

static int nomem(lr_error *err)
{
	return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
}

static int add_note(lr_report *r, lr_error *err, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int add_note(lr_report *r, lr_error *err, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	char *s = lr_strdup(buf);
	if (!s || !lr_vec_push(&r->notes, &s)) {
		free(s);
		return nomem(err);
	}
	return LR_OK;
}

/* ---- plain tables: our CSVs, or a sheet of a workbook -------------------- */

typedef struct ptable {
	char *name; /* for messages; owned */
	int n_cols;
	char **header; /* [n_cols] owned */
	size_t n_rows;
	char **cells; /* [n_rows * n_cols] owned */
	long *line;   /* [n_rows] */
} ptable;

static void ptable_free(ptable *t)
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

static const char *pcell(const ptable *t, size_t r, int c)
{
	return c < 0 ? "" : t->cells[r * (size_t)t->n_cols + (size_t)c];
}

static int pcol(const ptable *t, const char *name)
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
static int read_csv(const char *path, ptable *t, lr_error *err)
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
		rc = nomem(err);
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
			rc = nomem(err);
	}
	free(fields);
	free(text);
	if (rc == LR_OK && (cells.failed || lines.failed))
		rc = nomem(err);
	t->cells = (char **)cells.data;
	t->line = (long *)lines.data;
	if (rc == LR_OK && !t->header)
		rc = lr_error_set(err, LR_ERR_USAGE, "%s: no header row", path);
	if (rc != LR_OK)
		ptable_free(t);
	return rc;
}

/* A workbook (XLSX/ODS) through GDAL: the first sheet holding every one of
** the columns `need`. */
static int read_workbook(const char *path, const char *const *need, int n_need,
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
		ptable_free(t);
		return nomem(err);
	}
	return LR_OK;
}

/* A number of a plain table: "" gives *has = false; otherwise it must
** parse whole ("1234.5"; thousands commas as "1,234.5" are accepted). */
static int parse_number(const ptable *t, size_t r, int c, double *v, bool *has,
                        lr_error *err)
{
	const char *s = pcell(t, r, c);
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

/* ---- the store ---------------------------------------------------------- */

static int store_fail(sqlite3 *db, const char *path, const char *what,
                      lr_error *err)
{
	return lr_error_set(err, LR_ERR_INPUT,
	                    "%s: %s: %s (is it a store written by "
	                    "`landrelease analyze`?)",
	                    path, what, db ? sqlite3_errmsg(db) : "no memory");
}

/* Copy s into dst (n bytes), cut to fit. */
static void put(char *dst, size_t n, const char *s)
{
	size_t k = strlen(s);
	if (k >= n)
		k = n - 1;
	memcpy(dst, s, k);
	dst[k] = '\0';
}

static void copy_text(sqlite3_stmt *st, int i, char *dst, size_t n)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	snprintf(dst, n, "%s", v ? (const char *)v : "");
}

static int read_meta(lr_report *r, sqlite3 *db, lr_error *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta", -1, &st,
	                       NULL) != SQLITE_OK)
		return store_fail(db, r->store, "reading meta", err);
	char buf[1024];
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		if (!k)
			continue;
		copy_text(st, 1, buf, sizeof buf);
		if (!strcmp(k, "as_of"))
			put(r->as_of, sizeof r->as_of, buf);
		else if (!strcmp(k, "baseline"))
			put(r->baseline, sizeof r->baseline, buf);
		else if (!strcmp(k, "scope"))
			put(r->scope, sizeof r->scope, buf);
		else if (!strcmp(k, "program_version"))
			put(r->version, sizeof r->version, buf);
		else if (!strcmp(k, "first_year"))
			r->first_year = atoi(buf);
		else if (!strcmp(k, "last_year"))
			r->last_year = atoi(buf);
		else {
			static const char *const keys[3] = {"regions_source",
			                                    "hazards_source",
			                                    "releases_source"};
			for (int i = 0; i < 3; i++)
				if (!strcmp(k, keys[i])) {
					free(r->source[i]);
					r->source[i] = lr_strdup(buf);
				}
		}
	}
	sqlite3_finalize(st);
	for (int i = 0; i < 3; i++)
		if (!r->source[i] && !(r->source[i] = lr_strdup("")))
			return nomem(err);
	if (!r->as_of[0] || r->first_year <= 0 || r->last_year < r->first_year)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: the meta table has no as_of, "
		                    "first_year or last_year (is it a store "
		                    "written by `landrelease analyze`?)",
		                    r->store);
	return LR_OK;
}

static rregion *find_region(const lr_report *r, const char *id)
{
	for (size_t i = 0; i < r->regions.len; i++) {
		rregion *g = &LR_VEC_AT(&r->regions, rregion, i);
		if (!strcmp(g->id, id))
			return g;
	}
	return NULL;
}

static const char *region_name(const lr_report *r, const char *id)
{
	if (!strcmp(id, "TOTAL"))
		return "National total";
	if (!strcmp(id, "OUTSIDE"))
		return "Outside every region";
	const rregion *g = find_region(r, id);
	return g ? g->name : "";
}

/* The source sentence shared by the tables read from the store. */
static void store_source(const lr_report *r, const char *table, char *buf,
                         size_t n)
{
	snprintf(buf, n,
	         "landrelease.sqlite, table %s (landrelease analyze %s), "
	         "from: regions %s; hazards %s; releases %s",
	         table, r->version[0] ? r->version : "", r->source[0],
	         r->source[1], r->source[2]);
}

static int build_remaining(lr_report *r, sqlite3 *db, lr_error *err)
{
	rtable *t = &r->tables[T_REMAINING];
	int rc = lr__rtable_init(t, "remaining_by_region",
	                         "Table 1. Remaining contamination by region",
	                         9, err);
	static const struct {
		const char *key, *label, *unit;
		rc_type type;
	} cols[] = {
	        {"region_id", "Region", "", RC_TEXT},
	        {"region_name", "Name", "", RC_TEXT},
	        {"sha_count", "SHA areas", "", RC_COUNT},
	        {"sha_m2", "SHA area", "m²", RC_M2},
	        {"cha_count", "CHA areas", "", RC_COUNT},
	        {"cha_m2", "CHA area", "m²", RC_M2},
	        {"total_count", "Total areas", "", RC_COUNT},
	        {"total_m2", "Total area", "m²", RC_M2},
	        {"total_km2", "Total area", "km²", RC_KM2},
	};
	for (int c = 0; rc == LR_OK && c < 9; c++)
		rc = lr__rtable_col(t, c, cols[c].key, cols[c].label,
		                    cols[c].unit, cols[c].type, err);
	if (rc != LR_OK)
		return rc;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db,
	                       "SELECT region_id, region_name, sha_count, "
	                       "sha_m2, cha_count, cha_m2, total_count, "
	                       "total_m2 FROM remaining_by_region ORDER BY "
	                       "rowid",
	                       -1, &st, NULL) != SQLITE_OK)
		return store_fail(db, r->store, "reading remaining_by_region",
		                  err);
	bool total = false;
	while (rc == LR_OK && sqlite3_step(st) == SQLITE_ROW) {
		size_t row;
		char id[256], name[512];
		copy_text(st, 0, id, sizeof id);
		copy_text(st, 1, name, sizeof name);
		if ((rc = lr__rtable_add_row(t, &row, err)) != LR_OK ||
		    (rc = lr__rtable_text(t, row, 0, id, err)) != LR_OK ||
		    (rc = lr__rtable_text(t, row, 1, name, err)) != LR_OK)
			break;
		for (int c = 2; c < 8; c++)
			lr__rtable_num(t, row, c, sqlite3_column_double(st, c));
		double tot = sqlite3_column_double(st, 7);
		lr__rtable_num(t, row, 8, m2(cents(tot)) / 1e6);
		if (!strcmp(id, "TOTAL")) {
			t->total[row] = 1;
			total = true;
			r->remaining = tot;
			r->remaining_count = sqlite3_column_int64(st, 6);
			continue;
		}
		rregion g = {0};
		g.id = lr_strdup(id);
		g.name = lr_strdup(name);
		g.count = sqlite3_column_int64(st, 6);
		g.remaining = tot;
		if (!g.id || !g.name || !lr_vec_push(&r->regions, &g)) {
			free(g.id);
			free(g.name);
			rc = nomem(err);
		}
	}
	sqlite3_finalize(st);
	if (rc != LR_OK)
		return rc;
	if (!total)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: remaining_by_region has no TOTAL row",
		                    r->store);
	char src[2048], units[256];
	store_source(r, "remaining_by_region", src, sizeof src);
	snprintf(units, sizeof units,
	         "Areas in square metres (m²), geodesic on WGS84; total also "
	         "in km². Counts are hazardous areas with at least 1 m² "
	         "remaining. As of %s.",
	         r->as_of);
	return lr__rtable_meta(t, units, src, "", err);
}

/* Per year (TOTAL rows) into the chart arrays and tables 2 and 3. */
static int build_years(lr_report *r, sqlite3 *db, lr_error *err)
{
	int ny = r->last_year - r->first_year + 1;
	r->n_years = ny;
	r->remaining_end = lr_xcalloc((size_t)ny, sizeof(double));
	r->new_land = lr_xcalloc((size_t)ny, sizeof(double));
	for (int m = 0; m < 3; m++)
		r->released[m] = lr_xcalloc((size_t)ny, sizeof(double));
	if (!r->remaining_end || !r->new_land || !r->released[0] ||
	    !r->released[1] || !r->released[2])
		return nomem(err);

	rtable *t2 = &r->tables[T_RELEASED];
	int rc = lr__rtable_init(
	        t2, "release_by_year",
	        "Table 2. Land released by year and method, items destroyed", 9,
	        err);
	static const struct {
		const char *key, *label, *unit;
		rc_type type;
	} cols[] = {
	        {"year", "Year", "", RC_YEAR},
	        {"cancelled_m2", "Cancelled (NTS)", "m²", RC_M2},
	        {"reduced_m2", "Reduced (TS)", "m²", RC_M2},
	        {"cleared_m2", "Cleared", "m²", RC_M2},
	        {"released_m2", "Released", "m²", RC_M2},
	        {"released_km2", "Released", "km²", RC_KM2},
	        {"ap_mines", "AP mines destroyed", "items", RC_COUNT},
	        {"av_mines", "AV mines destroyed", "items", RC_COUNT},
	        {"erw", "ERW destroyed", "items", RC_COUNT},
	};
	for (int c = 0; rc == LR_OK && c < 9; c++)
		rc = lr__rtable_col(t2, c, cols[c].key, cols[c].label,
		                    cols[c].unit, cols[c].type, err);
	if (rc != LR_OK)
		return rc;

	/* Table 3: regions (rows) by year (columns) of new land. */
	lr_vec ids; /* char *, owned: regions in release_by_year order */
	lr_vec_init(&ids, sizeof(char *));
	int64_t *newc = NULL; /* [n_ids * ny] cents, grown per region */
	size_t newc_cap = 0;
	int64_t sum2[8] = {0};
	int64_t year_new_total[512] = {0};

	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db,
	                       "SELECT year, region_id, new_m2, "
	                       "cancelled_m2, reduced_m2, cleared_m2, "
	                       "released_m2, remaining_end_m2, ap_mines, "
	                       "av_mines, erw FROM release_by_year ORDER BY "
	                       "rowid",
	                       -1, &st, NULL) != SQLITE_OK) {
		lr_vec_free(&ids);
		return store_fail(db, r->store, "reading release_by_year", err);
	}
	while (rc == LR_OK && sqlite3_step(st) == SQLITE_ROW) {
		int year = sqlite3_column_int(st, 0);
		const char *id = (const char *)sqlite3_column_text(st, 1);
		if (!id || year < r->first_year || year > r->last_year)
			continue;
		int y = year - r->first_year;
		if (!strcmp(id, "TOTAL")) {
			r->new_land[y] = sqlite3_column_double(st, 2);
			r->released[2][y] = sqlite3_column_double(st, 3);
			r->released[1][y] = sqlite3_column_double(st, 4);
			r->released[0][y] = sqlite3_column_double(st, 5);
			r->remaining_end[y] = sqlite3_column_double(st, 7);
			if (y < 512)
				year_new_total[y] =
				        cents(sqlite3_column_double(st, 2));
			size_t row;
			if ((rc = lr__rtable_add_row(t2, &row, err)) != LR_OK)
				break;
			lr__rtable_num(t2, row, 0, year);
			for (int c = 1; c <= 4; c++) {
				double v = sqlite3_column_double(st, c + 2);
				lr__rtable_num(t2, row, c, v);
				sum2[c] += cents(v);
			}
			lr__rtable_num(t2, row, 5,
			               sqlite3_column_double(st, 6) / 1e6);
			for (int c = 6; c <= 8; c++) {
				int64_t v = sqlite3_column_int64(st, c + 2);
				lr__rtable_num(t2, row, c, (double)v);
				sum2[c - 1] += v;
			}
			continue;
		}
		size_t k = 0;
		while (k < ids.len && strcmp(LR_VEC_AT(&ids, char *, k), id))
			k++;
		if (k == ids.len) {
			char *s = lr_strdup(id);
			if (!s || !lr_vec_push(&ids, &s)) {
				free(s);
				rc = nomem(err);
				break;
			}
			if (ids.len * (size_t)ny > newc_cap) {
				size_t cap = (ids.len * 2) * (size_t)ny;
				int64_t *n = realloc(newc, cap * sizeof *n);
				if (!n) {
					rc = nomem(err);
					break;
				}
				memset(n + newc_cap, 0,
				       (cap - newc_cap) * sizeof *n);
				newc = n;
				newc_cap = cap;
			}
		}
		newc[k * (size_t)ny + (size_t)y] +=
		        cents(sqlite3_column_double(st, 2));
	}
	sqlite3_finalize(st);
	if (rc == LR_OK) {
		size_t row;
		rc = lr__rtable_add_row(t2, &row, err);
		if (rc == LR_OK) {
			t2->total[row] = 1;
			rc = lr__rtable_text(t2, row, 0, "TOTAL", err);
			for (int c = 1; c <= 4; c++)
				lr__rtable_num(t2, row, c, m2(sum2[c]));
			lr__rtable_num(t2, row, 5, m2(sum2[4]) / 1e6);
			for (int c = 6; c <= 8; c++)
				lr__rtable_num(t2, row, c, (double)sum2[c - 1]);
		}
	}
	char src[2048], units[512], note[256] = "";
	store_source(r, "release_by_year", src, sizeof src);
	int ay = atoi(r->as_of);
	if (ay == r->last_year && strcmp(r->as_of + 4, "-12-31"))
		snprintf(note, sizeof note,
		         "%d covers 1 January to the as-of date %s only.", ay,
		         r->as_of);
	snprintf(units, sizeof units,
	         "Areas in m² (released also in km²); items destroyed are "
	         "counts, in the year of their release. Years %d-%d, as of "
	         "%s. Cancelled: non-technical survey; reduced: technical "
	         "survey.",
	         r->first_year, r->last_year, r->as_of);
	if (rc == LR_OK)
		rc = lr__rtable_meta(t2, units, src, note, err);

	/* Table 3 from the gathered matrix. */
	rtable *t3 = &r->tables[T_NEW];
	if (rc == LR_OK)
		rc = lr__rtable_init(t3, "new_contamination",
		                     "Table 3. New contamination found per "
		                     "year by region",
		                     ny + 4, err);
	if (rc == LR_OK)
		rc = lr__rtable_col(t3, 0, "region_id", "Region", "", RC_TEXT,
		                    err);
	if (rc == LR_OK)
		rc = lr__rtable_col(t3, 1, "region_name", "Name", "", RC_TEXT,
		                    err);
	for (int y = 0; rc == LR_OK && y < ny; y++) {
		char key[16];
		snprintf(key, sizeof key, "%d", r->first_year + y);
		rc = lr__rtable_col(t3, 2 + y, key, key, "m²", RC_M2, err);
	}
	if (rc == LR_OK)
		rc = lr__rtable_col(t3, ny + 2, "total_m2", "Total", "m²",
		                    RC_M2, err);
	if (rc == LR_OK)
		rc = lr__rtable_col(t3, ny + 3, "total_km2", "Total", "km²",
		                    RC_KM2, err);
	int64_t grand = 0;
	for (size_t k = 0; rc == LR_OK && k <= ids.len; k++) {
		size_t row;
		bool tot = k == ids.len;
		const char *id = tot ? "TOTAL" : LR_VEC_AT(&ids, char *, k);
		if ((rc = lr__rtable_add_row(t3, &row, err)) != LR_OK ||
		    (rc = lr__rtable_text(t3, row, 0, id, err)) != LR_OK ||
		    (rc = lr__rtable_text(t3, row, 1, region_name(r, id),
		                          err)) != LR_OK)
			break;
		int64_t s = 0;
		for (int y = 0; y < ny; y++) {
			int64_t v = tot ? (y < 512 ? year_new_total[y] : 0)
			                : newc[k * (size_t)ny + (size_t)y];
			lr__rtable_num(t3, row, 2 + y, m2(v));
			s += v;
		}
		if (!tot)
			grand += s;
		lr__rtable_num(t3, row, ny + 2, m2(s));
		lr__rtable_num(t3, row, ny + 3, m2(s) / 1e6);
		t3->total[row] = tot;
	}
	if (rc == LR_OK) {
		char u3[512];
		snprintf(u3, sizeof u3,
		         "Land recorded as hazardous that was not hazardous "
		         "before (a second survey of hazardous land adds "
		         "nothing), in m², by year of the record; as of %s.%s",
		         r->as_of,
		         r->baseline[0] ? " Land recorded on or before the "
		                          "baseline date counts as baseline, "
		                          "not new."
		                        : "");
		store_source(r, "release_by_year (column new_m2)", src,
		             sizeof src);
		rc = lr__rtable_meta(t3, u3, src, note, err);
	}
	(void)grand;
	for (size_t k = 0; k < ids.len; k++)
		free(LR_VEC_AT(&ids, char *, k));
	lr_vec_free(&ids);
	free(newc);
	return rc;
}

/* ---- completion.csv and workplan.csv ------------------------------------ */

static bool file_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

static int build_completion(lr_report *r, lr_error *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/completion.csv", r->dir);
	if (!file_exists(path))
		return add_note(r, err,
		                "Table 5 (completion projection) is omitted: "
		                "%s is absent (run `landrelease project`).",
		                path);
	ptable p;
	int rc = read_csv(path, &p, err);
	if (rc != LR_OK)
		return rc;
	static const char *const need[] = {
	        "region_id", "remaining_m2", "mean_rate_m2_per_year",
	        "p10_date",  "p50_date",     "p90_date",
	        "deadline",  "p_on_time",    "extension_years"};
	int ci[9];
	for (int k = 0; k < 9; k++)
		if ((ci[k] = pcol(&p, need[k])) < 0) {
			rc = lr_error_set(err, LR_ERR_INPUT,
			                  "%s: no column %s (was it written by "
			                  "`landrelease project`?)",
			                  path, need[k]);
			ptable_free(&p);
			return rc;
		}
	rtable *t = &r->tables[T_COMPLETION];
	rc = lr__rtable_init(t, "completion",
	                     "Table 5. Completion projection by region", 11,
	                     err);
	static const struct {
		const char *key, *label, *unit;
		rc_type type;
	} cols[] = {
	        {"region_id", "Region", "", RC_TEXT},
	        {"region_name", "Name", "", RC_TEXT},
	        {"remaining_m2", "Remaining", "m²", RC_M2},
	        {"remaining_km2", "Remaining", "km²", RC_KM2},
	        {"mean_rate_m2_per_year", "Mean release", "m²/year", RC_M2},
	        {"p10_date", "P10 completion", "date", RC_DATE},
	        {"p50_date", "P50 completion", "date", RC_DATE},
	        {"p90_date", "P90 completion", "date", RC_DATE},
	        {"deadline", "Article 5 deadline", "date", RC_DATE},
	        {"p_on_time_pct", "Finished by deadline", "% of runs", RC_PCT},
	        {"extension_years", "Extension needed", "years", RC_COUNT},
	};
	for (int c = 0; rc == LR_OK && c < 11; c++)
		rc = lr__rtable_col(t, c, cols[c].key, cols[c].label,
		                    cols[c].unit, cols[c].type, err);
	for (size_t i = 0; rc == LR_OK && i < p.n_rows; i++) {
		size_t row;
		const char *id = pcell(&p, i, ci[0]);
		double v;
		bool has;
		if ((rc = lr__rtable_add_row(t, &row, err)) != LR_OK ||
		    (rc = lr__rtable_text(t, row, 0, id, err)) != LR_OK ||
		    (rc = lr__rtable_text(t, row, 1, region_name(r, id),
		                          err)) != LR_OK)
			break;
		if ((rc = parse_number(&p, i, ci[1], &v, &has, err)) != LR_OK)
			break;
		lr__rtable_num(t, row, 2, v);
		lr__rtable_num(t, row, 3, v / 1e6);
		if ((rc = parse_number(&p, i, ci[2], &v, &has, err)) != LR_OK)
			break;
		lr__rtable_num(t, row, 4, v);
		for (int k = 3; k <= 6 && rc == LR_OK; k++)
			rc = lr__rtable_text(t, row, k + 2, pcell(&p, i, ci[k]),
			                     err);
		if (rc != LR_OK ||
		    (rc = parse_number(&p, i, ci[7], &v, &has, err)) != LR_OK)
			break;
		lr__rtable_num(t, row, 9, 100.0 * v);
		const char *ext = pcell(&p, i, ci[8]);
		if (!strcmp(ext, "never") || !ext[0])
			rc = lr__rtable_text(t, row, 10, ext, err);
		else
			lr__rtable_num(t, row, 10, atof(ext));
		rregion *g = find_region(r, id);
		bool tot = !strcmp(id, "TOTAL");
		t->total[row] = tot;
		char(*dst)[16] = tot ? r->p : g ? g->p : NULL;
		for (int k = 0; dst && k < 3; k++)
			put(dst[k], 16, pcell(&p, i, ci[3 + k]));
		if (g)
			snprintf(g->deadline, sizeof g->deadline, "%s",
			         pcell(&p, i, ci[6]));
		if (tot) {
			snprintf(r->deadline, sizeof r->deadline, "%s",
			         pcell(&p, i, ci[6]));
			r->has_completion = true;
		}
	}
	ptable_free(&p);
	if (rc != LR_OK)
		return rc;
	char units[512];
	snprintf(units, sizeof units,
	         "Remaining in m² and km² as of %s; mean release in m² per "
	         "year over the history window; dates are Monte Carlo "
	         "percentiles of the completion date (P50: half of the runs "
	         "finish by then); extension in whole years after the "
	         "deadline.",
	         r->as_of);
	r->present[T_COMPLETION] = true;
	return lr__rtable_meta(t, units,
	                       "completion.csv (landrelease project), "
	                       "drawing whole historical years of "
	                       "release_by_year",
	                       "'never': not finished within 50 years in "
	                       "too many runs.",
	                       err);
}

static int build_workplan(lr_report *r, lr_error *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/workplan.csv", r->dir);
	if (!file_exists(path))
		return add_note(r, err,
		                "Table 6 (work plan) is omitted: %s is absent "
		                "(run `landrelease plan`).",
		                path);
	ptable p;
	int rc = read_csv(path, &p, err);
	if (rc != LR_OK)
		return rc;
	static const struct {
		const char *csv, *key, *label, *unit;
		rc_type type;
	} cols[] = {
	        {"year", "year", "Year", "", RC_YEAR},
	        {"region_id", "region_id", "Region", "", RC_TEXT},
	        {"cancel_m2", "cancel_m2", "To cancel (NTS)", "m²", RC_M2},
	        {"reduce_m2", "reduce_m2", "To reduce (TS)", "m²", RC_M2},
	        {"clear_m2", "clear_m2", "To clear", "m²", RC_M2},
	        {"release_m2", "release_m2", "To release", "m²", RC_M2},
	        {"remaining_end_m2", "remaining_end_m2", "Remaining at end",
	         "m²", RC_M2},
	        {"cumulative_pct", "cumulative_pct", "Cumulative", "%", RC_PCT},
	        {"teams_needed", "teams_needed", "Teams needed", "teams",
	         RC_COUNT},
	        {"cost", "cost", "Cost", "currency", RC_MONEY},
	};
	int ci[10], n = 0, src_col[10];
	for (int k = 0; k < 10; k++) {
		ci[k] = pcol(&p, cols[k].csv);
		if (ci[k] < 0 && k < 8) {
			rc = lr_error_set(err, LR_ERR_INPUT,
			                  "%s: no column %s (was it written by "
			                  "`landrelease plan`?)",
			                  path, cols[k].csv);
			ptable_free(&p);
			return rc;
		}
		/* teams and cost only when the plan was given them */
		bool any = k < 8;
		for (size_t i = 0; !any && ci[k] >= 0 && i < p.n_rows; i++)
			any = pcell(&p, i, ci[k])[0] != '\0';
		if (any)
			src_col[n++] = k;
	}
	rtable *t = &r->tables[T_WORKPLAN];
	rc = lr__rtable_init(t, "workplan",
	                     "Table 6. Annual work plan by region and method",
	                     n, err);
	for (int c = 0; rc == LR_OK && c < n; c++)
		rc = lr__rtable_col(
		        t, c, cols[src_col[c]].key, cols[src_col[c]].label,
		        cols[src_col[c]].unit, cols[src_col[c]].type, err);
	for (size_t i = 0; rc == LR_OK && i < p.n_rows; i++) {
		size_t row;
		if ((rc = lr__rtable_add_row(t, &row, err)) != LR_OK)
			break;
		for (int c = 0; rc == LR_OK && c < n; c++) {
			int k = src_col[c];
			if (cols[k].type == RC_TEXT) {
				rc = lr__rtable_text(t, row, c,
				                     pcell(&p, i, ci[k]), err);
				continue;
			}
			double v;
			bool has;
			rc = parse_number(&p, i, ci[k], &v, &has, err);
			if (rc == LR_OK && has)
				lr__rtable_num(t, row, c,
				               k == 9 ? v / 100.0 : v);
		}
		t->total[row] = !strcmp(pcell(&p, i, ci[1]), "TOTAL");
	}
	ptable_free(&p);
	if (rc != LR_OK)
		return rc;
	r->present[T_WORKPLAN] = true;
	char units[512];
	snprintf(units, sizeof units,
	         "Areas to release in m², per year from the as-of date %s "
	         "to the target date; cumulative %% of the remaining land "
	         "released by the end of the year; a TOTAL row per year.",
	         r->as_of);
	return lr__rtable_meta(t, units,
	                       "workplan.csv (landrelease plan), from the "
	                       "remaining land of remaining_by_region and "
	                       "the method split of release_by_year",
	                       "", err);
}

/* ---- Table 4: a previous plan against what was achieved ----------------- */

typedef struct pv_row {
	int year;
	char *id;
	int64_t planned; /* cents */
} pv_row;

static int cmp_pv(const void *a, const void *b)
{
	const pv_row *x = a, *y = b;
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	bool tx = !strcmp(x->id, "TOTAL"), ty = !strcmp(y->id, "TOTAL");
	if (tx != ty)
		return tx ? 1 : -1;
	return strcmp(x->id, y->id);
}

/* Achieved release (cents) of region id in year from the store; -1 when the
** store has no such row. */
static int64_t achieved(sqlite3 *db, int year, const char *id)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db,
	                       "SELECT released_m2 FROM release_by_year "
	                       "WHERE year = ? AND region_id = ?",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, year);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = cents(sqlite3_column_double(st, 0));
	sqlite3_finalize(st);
	return v;
}

static bool is_csv_name(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && (!strcasecmp(dot, ".csv") || !strcasecmp(dot, ".txt"));
}

static int build_plan_vs_achieved(lr_report *r, sqlite3 *db, const char *path,
                                  lr_error *err)
{
	if (!path)
		return add_note(r, err,
		                "Table 4 (planned versus achieved) is omitted: "
		                "no --previous-plan was given.");
	static const char *const need[] = {"year", "region_id", "release_m2"};
	ptable p;
	int rc;
	if (!file_exists(path))
		return lr_error_set(err, LR_ERR_INPUT,
		                    "cannot read the previous plan %s: %s",
		                    path, strerror(ENOENT));
	if (is_csv_name(path))
		rc = read_csv(path, &p, err);
	else
		rc = read_workbook(path, need, 2, &p, err);
	if (rc != LR_OK)
		return rc;
	int cy = pcol(&p, "year"), cr = pcol(&p, "region_id");
	int cp = pcol(&p, "release_m2");
	int cm[3] = {pcol(&p, "cancel_m2"), pcol(&p, "reduce_m2"),
	             pcol(&p, "clear_m2")};
	if (cy < 0 || cr < 0 ||
	    (cp < 0 && (cm[0] < 0 || cm[1] < 0 || cm[2] < 0))) {
		rc = lr_error_set(err, LR_ERR_USAGE,
		                  "%s: a previous plan needs the columns year, "
		                  "region_id and release_m2 (or cancel_m2, "
		                  "reduce_m2 and clear_m2), as workplan.csv",
		                  p.name);
		ptable_free(&p);
		return rc;
	}
	lr_vec rows;
	lr_vec_init(&rows, sizeof(pv_row));
	int ay = atoi(r->as_of), later = 0, min_later = 0;
	for (size_t i = 0; rc == LR_OK && i < p.n_rows; i++) {
		double v, y;
		bool has;
		if ((rc = parse_number(&p, i, cy, &y, &has, err)) != LR_OK)
			break;
		if (!has || y != floor(y) || y < 1900 || y > 2200) {
			rc = lr_error_set(
			        err, LR_ERR_USAGE,
			        "%s line %ld: year '%s' is not a year", p.name,
			        p.line[i], pcell(&p, i, cy));
			break;
		}
		int64_t planned = 0;
		if (cp >= 0) {
			if ((rc = parse_number(&p, i, cp, &v, &has, err)) !=
			    LR_OK)
				break;
			planned = cents(v);
		} else {
			for (int m = 0; m < 3 && rc == LR_OK; m++) {
				rc = parse_number(&p, i, cm[m], &v, &has, err);
				planned += cents(v);
			}
			if (rc != LR_OK)
				break;
		}
		if ((int)y > ay) {
			if (!later++ || (int)y < min_later)
				min_later = (int)y;
			continue;
		}
		pv_row pr = {(int)y, lr_strdup(pcell(&p, i, cr)), planned};
		if (!pr.id || !lr_vec_push(&rows, &pr)) {
			free(pr.id);
			rc = nomem(err);
		}
	}
	ptable_free(&p);
	if (rc == LR_OK && rows.len > 1)
		qsort(rows.data, rows.len, sizeof(pv_row), cmp_pv);

	rtable *t = &r->tables[T_PLAN_VS_ACHIEVED];
	if (rc == LR_OK)
		rc = lr__rtable_init(t, "planned_vs_achieved",
		                     "Table 4. Planned versus achieved release "
		                     "by year and region",
		                     7, err);
	static const struct {
		const char *key, *label, *unit;
		rc_type type;
	} cols[] = {
	        {"year", "Year", "", RC_YEAR},
	        {"region_id", "Region", "", RC_TEXT},
	        {"region_name", "Name", "", RC_TEXT},
	        {"planned_m2", "Planned", "m²", RC_M2},
	        {"achieved_m2", "Achieved", "m²", RC_M2},
	        {"difference_m2", "Difference (achieved - planned)", "m²",
	         RC_M2},
	        {"achieved_pct", "Achieved", "% of plan", RC_PCT},
	};
	for (int c = 0; rc == LR_OK && c < 7; c++)
		rc = lr__rtable_col(t, c, cols[c].key, cols[c].label,
		                    cols[c].unit, cols[c].type, err);
	int64_t tot_plan = 0, tot_ach = 0;
	int unknown = 0;
	bool any_total = false;
	for (size_t i = 0; rc == LR_OK && i < rows.len; i++) {
		const pv_row *pr = &LR_VEC_AT(&rows, pv_row, i);
		int64_t a = achieved(db, pr->year, pr->id);
		size_t row;
		if ((rc = lr__rtable_add_row(t, &row, err)) != LR_OK ||
		    (rc = lr__rtable_text(t, row, 1, pr->id, err)) != LR_OK ||
		    (rc = lr__rtable_text(t, row, 2, region_name(r, pr->id),
		                          err)) != LR_OK)
			break;
		lr__rtable_num(t, row, 0, pr->year);
		lr__rtable_num(t, row, 3, m2(pr->planned));
		bool tot = !strcmp(pr->id, "TOTAL");
		t->total[row] = tot;
		if (tot) {
			any_total = true;
			tot_plan += pr->planned;
			tot_ach += a > 0 ? a : 0;
		}
		if (a < 0) {
			unknown++;
			continue;
		}
		lr__rtable_num(t, row, 4, m2(a));
		lr__rtable_num(t, row, 5, m2(a - pr->planned));
		if (pr->planned > 0)
			lr__rtable_num(t, row, 6,
			               100.0 * (double)a / (double)pr->planned);
	}
	if (rc == LR_OK && any_total) {
		size_t row;
		if ((rc = lr__rtable_add_row(t, &row, err)) == LR_OK &&
		    (rc = lr__rtable_text(t, row, 0, "ALL YEARS", err)) ==
		            LR_OK &&
		    (rc = lr__rtable_text(t, row, 1, "TOTAL", err)) == LR_OK &&
		    (rc = lr__rtable_text(t, row, 2, "National total", err)) ==
		            LR_OK) {
			t->total[row] = 1;
			lr__rtable_num(t, row, 3, m2(tot_plan));
			lr__rtable_num(t, row, 4, m2(tot_ach));
			lr__rtable_num(t, row, 5, m2(tot_ach - tot_plan));
			if (tot_plan > 0)
				lr__rtable_num(t, row, 6,
				               100.0 * (double)tot_ach /
				                       (double)tot_plan);
		}
	}
	for (size_t i = 0; i < rows.len; i++)
		free(LR_VEC_AT(&rows, pv_row, i).id);
	lr_vec_free(&rows);
	if (rc != LR_OK)
		return rc;
	char note[1024] = "", units[512], src[2048];
	int k = 0;
	if (later)
		k += snprintf(note + k, sizeof note - (size_t)k,
		              "%d plan rows of %d and later are not yet due "
		              "and are left out. ",
		              later, min_later);
	if (unknown)
		k += snprintf(note + k, sizeof note - (size_t)k,
		              "%d rows name a year or region the store has no "
		              "figures for: achieved is blank. ",
		              unknown);
	if (strcmp(r->as_of + 4, "-12-31"))
		snprintf(note + k, sizeof note - (size_t)k,
		         "%d is achieved up to the as-of date %s only.", ay,
		         r->as_of);
	snprintf(units, sizeof units,
	         "Areas in m²; difference = achieved - planned (negative: "
	         "behind plan); achieved as %% of planned (blank when "
	         "nothing was planned). As of %s.",
	         r->as_of);
	snprintf(src, sizeof src,
	         "planned: release_m2 of %s; achieved: released_m2 of "
	         "landrelease.sqlite table release_by_year",
	         path);
	r->present[T_PLAN_VS_ACHIEVED] = true;
	return lr__rtable_meta(t, units, src, note, err);
}

/* ---- geometries for the map --------------------------------------------- */

static int load_shapes(lr_report *r, sqlite3 *db, lr_error *err)
{
	char *msg = NULL;
	sqlite3_enable_load_extension(db, 1);
	if (sqlite3_load_extension(db, "mod_spatialite", NULL, &msg) !=
	    SQLITE_OK) {
		int rc = add_note(r, err,
		                  "The map is omitted: SpatiaLite "
		                  "(mod_spatialite) cannot be loaded: %s",
		                  msg ? msg : "unknown error");
		sqlite3_free(msg);
		return rc;
	}
	sqlite3_enable_load_extension(db, 0);
	sqlite3_stmt *st = NULL;
	int rc = LR_OK;
	if (sqlite3_prepare_v2(db,
	                       "SELECT region_id, AsBinary(geometry) FROM "
	                       "regions",
	                       -1, &st, NULL) != SQLITE_OK)
		return store_fail(db, r->store, "reading region geometries",
		                  err);
	bool first = true;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		rregion *g = id ? find_region(r, id) : NULL;
		if (!g || g->shape.n_pts)
			continue;
		const void *b = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);
		if (lr__wkb_to_shape(b, (size_t)n, &g->shape) != 0) {
			lr__shape_free(&g->shape);
			continue;
		}
		if (first)
			memcpy(r->box, g->shape.box, sizeof r->box);
		first = false;
		r->box[0] = fmin(r->box[0], g->shape.box[0]);
		r->box[1] = fmin(r->box[1], g->shape.box[1]);
		r->box[2] = fmax(r->box[2], g->shape.box[2]);
		r->box[3] = fmax(r->box[3], g->shape.box[3]);
	}
	sqlite3_finalize(st);
	static const char *const face_sql[2] = {
	        "SELECT state = 'CHA', AsBinary(geometry) FROM faces WHERE "
	        "state IN ('SHA', 'CHA') AND geometry IS NOT NULL",
	        "SELECT type = 'CHA', AsBinary(geometry) FROM hazards WHERE "
	        "remaining_m2 > 0 AND geometry IS NOT NULL"};
	for (int q = 0; q < 2 && rc == LR_OK && r->faces.len == 0; q++) {
		if (sqlite3_prepare_v2(db, face_sql[q], -1, &st, NULL) !=
		    SQLITE_OK)
			return store_fail(db, r->store,
			                  "reading hazardous land", err);
		while (rc == LR_OK && sqlite3_step(st) == SQLITE_ROW) {
			rface f = {sqlite3_column_int(st, 0), {0}};
			const void *b = sqlite3_column_blob(st, 1);
			int n = sqlite3_column_bytes(st, 1);
			if (lr__wkb_to_shape(b, (size_t)n, &f.shape) != 0) {
				lr__shape_free(&f.shape);
				continue;
			}
			if (first)
				memcpy(r->box, f.shape.box, sizeof r->box);
			first = false;
			r->box[0] = fmin(r->box[0], f.shape.box[0]);
			r->box[1] = fmin(r->box[1], f.shape.box[1]);
			r->box[2] = fmax(r->box[2], f.shape.box[2]);
			r->box[3] = fmax(r->box[3], f.shape.box[3]);
			if (!lr_vec_push(&r->faces, &f)) {
				lr__shape_free(&f.shape);
				rc = nomem(err);
			}
		}
		sqlite3_finalize(st);
		if (q == 1 && r->faces.len)
			rc = add_note(r, err,
			              "The store holds no face geometries: the "
			              "map draws whole hazards with land "
			              "remaining.");
	}
	r->has_geometry = !first;
	return rc;
}

/* ---- the report --------------------------------------------------------- */

int lr_report_load(const char *dir, const lr_report_options *o, lr_report **out,
                   lr_error *err)
{
	*out = NULL;
	lr_report *r = lr_xcalloc(1, sizeof *r);
	if (!r)
		return nomem(err);
	lr_vec_init(&r->notes, sizeof(char *));
	lr_vec_init(&r->regions, sizeof(rregion));
	lr_vec_init(&r->faces, sizeof(rface));
	char store[4096];
	snprintf(store, sizeof store, "%s/landrelease.sqlite", dir);
	r->dir = lr_strdup(dir);
	r->store = lr_strdup(store);
	r->title = lr_strdup(o->title ? o->title
	                              : "Land release: Article 5 figures");
	if (!r->dir || !r->store || !r->title) {
		lr_report_free(r);
		return nomem(err);
	}
	sqlite3 *db = NULL;
	int rc = LR_OK;
	if (!file_exists(store)) {
		rc = lr_error_set(err, LR_ERR_INPUT,
		                  "cannot read %s: %s (run `landrelease "
		                  "analyze ... --out %s` first)",
		                  store, strerror(ENOENT), dir);
		goto done;
	}
	if (sqlite3_open_v2(store, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		rc = store_fail(db, store, "cannot open", err);
		goto done;
	}
	if ((rc = read_meta(r, db, err)) != LR_OK ||
	    (rc = build_remaining(r, db, err)) != LR_OK ||
	    (rc = build_years(r, db, err)) != LR_OK ||
	    (rc = build_plan_vs_achieved(r, db, o->previous_plan, err)) !=
	            LR_OK ||
	    (rc = build_completion(r, err)) != LR_OK ||
	    (rc = build_workplan(r, err)) != LR_OK)
		goto done;
	r->present[T_REMAINING] = r->present[T_RELEASED] = r->present[T_NEW] =
	        true;
	if (o->maps)
		rc = load_shapes(r, db, err);
done:
	sqlite3_close(db);
	if (rc != LR_OK) {
		lr_report_free(r);
		return rc;
	}
	*out = r;
	return LR_OK;
}

void lr_report_free(lr_report *r)
{
	if (!r)
		return;
	for (int k = 0; k < T_N; k++)
		lr__rtable_free(&r->tables[k]);
	for (size_t i = 0; i < r->notes.len; i++)
		free(LR_VEC_AT(&r->notes, char *, i));
	lr_vec_free(&r->notes);
	for (size_t i = 0; i < r->regions.len; i++) {
		rregion *g = &LR_VEC_AT(&r->regions, rregion, i);
		free(g->id);
		free(g->name);
		lr__shape_free(&g->shape);
	}
	lr_vec_free(&r->regions);
	for (size_t i = 0; i < r->faces.len; i++)
		lr__shape_free(&LR_VEC_AT(&r->faces, rface, i).shape);
	lr_vec_free(&r->faces);
	for (int i = 0; i < 3; i++) {
		free(r->source[i]);
		free(r->released[i]);
	}
	free(r->remaining_end);
	free(r->new_land);
	free(r->dir);
	free(r->store);
	free(r->title);
	free(r);
}

size_t lr_report_n_notes(const lr_report *r)
{
	return r->notes.len;
}

const char *lr_report_note(const lr_report *r, size_t i)
{
	return LR_VEC_AT(&r->notes, char *, i);
}
