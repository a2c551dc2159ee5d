/*
** Published annual figures as the projection's history (docs/scenario.md,
** "Published history"): a CSV of land cancelled, reduced and cleared (or
** released) and optionally new finds per year, national or by region, read
** as such tables are published: title rows before the header, units in the
** column names, thousands separators, a total row at the end.
**
** Many national databases are snapshots without dates: their ledger puts
** every record in one year, and their history exists only as the figures a
** State published.  The file replaces the ledger's history (or, with
** extend, fills in and overrides its years), so such a snapshot gets a
** projection.  National rows are shared among the regions in proportion to
** their remaining land, in whole cents, so each year's regions add up to
** the published figure exactly.
*/
#include "lr_plan.h"
#include "lr_csv.h"
#include "lr_file.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What a column of the file holds. */
enum {
	HF_YEAR,
	HF_REGION,
	HF_CANCELLED,
	HF_REDUCED,
	HF_CLEARED,
	HF_RELEASED,
	HF_NEW,
	HF_N
};

/* The file's header: column index per kind (-1: absent) and its unit. */
typedef struct hf_cols {
	int col[HF_N];
	double unit[HF_N]; /* m² per unit of the column */
	int line;          /* of the header */
} hf_cols;

/* One year (and region) of the file, in cents. */
typedef struct hf_row {
	int year, region; /* region: index into the history, -1 national */
	lr_cents method[LR_N_METHODS], released, new_land;
	int line;
} hf_row;

/* The state of one reading. */
typedef struct hf_read {
	const char *path;
	const lr_history *h;
	hf_cols cols;
	lr_vec rows;   /* hf_row */
	lr_vec *notes; /* char *, owned by the caller */
	lr_error *err;
} hf_read;

static int hf_note(hf_read *r, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static int hf_note(hf_read *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = lr_vec_push_vprintf(r->notes, fmt, ap);
	va_end(ap);
	if (rc != LR_OK)
		return lr_error_set(r->err, LR_ERR_NOMEM, "out of memory");
	return LR_OK;
}

/* s lowercased and trimmed into out (size n). */
static void normalize(const char *s, char *out, size_t n)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t j = 0;
	for (; *s && j + 1 < n; s++)
		out[j++] = (char)tolower((unsigned char)*s);
	while (j > 0 && isspace((unsigned char)out[j - 1]))
		j--;
	out[j] = 0;
}

/* m² per unit named in a column name; 0 when it names none. */
static double unit_of(const char *name)
{
	static const char *const km[] = {"km2",   "km²",    "km^2",
	                                 "sq km", "sq. km", "square kilomet"};
	static const char *const m[] = {"m2", "m²", "sq m", "square met"};
	static const char *const ha[] = {"(ha)", " ha", "_ha", "hectare"};
	for (size_t i = 0; i < sizeof km / sizeof *km; i++)
		if (strstr(name, km[i]))
			return 1e6;
	for (size_t i = 0; i < sizeof m / sizeof *m; i++)
		if (strstr(name, m[i]))
			return 1.0;
	for (size_t i = 0; i < sizeof ha / sizeof *ha; i++)
		if (strstr(name, ha[i]))
			return 1e4;
	size_t n = strlen(name);
	if (n >= 3 && !strcmp(name + n - 3, " ha"))
		return 1e4;
	return 0;
}

/* The kind of column a (normalized) name gives, -1 for none. */
static int kind_of(const char *name)
{
	static const char *const region[] = {"region_id", "region id", "region",
	                                     "province", "district"};
	if (!strcmp(name, "year"))
		return HF_YEAR;
	for (size_t i = 0; i < sizeof region / sizeof *region; i++)
		if (!strcmp(name, region[i]))
			return HF_REGION;
	if (strstr(name, "cancel"))
		return HF_CANCELLED;
	if (strstr(name, "reduc"))
		return HF_REDUCED;
	if (strstr(name, "clear"))
		return HF_CLEARED;
	if (strstr(name, "releas") || strstr(name, "total"))
		return HF_RELEASED;
	if (strstr(name, "new") || strstr(name, "found"))
		return HF_NEW;
	return -1;
}

/* Whether the record's cells hold a header: a cell that says year. */
static int is_header(char **cells, int n)
{
	char name[64];
	for (int i = 0; i < n; i++) {
		normalize(cells[i], name, sizeof name);
		if (!strcmp(name, "year"))
			return 1;
	}
	return 0;
}

/* The columns of the header record cells[0..n) into r->cols. */
static int read_header(hf_read *r, char **cells, int n, int line)
{
	hf_cols *c = &r->cols;
	c->line = line;
	for (int k = 0; k < HF_N; k++)
		c->col[k] = -1;
	for (int i = 0; i < n; i++) {
		char name[128];
		normalize(cells[i], name, sizeof name);
		int k = kind_of(name);
		if (k < 0) {
			if (name[0] &&
			    hf_note(r, "%s:%d: column '%s' is not used",
			            r->path, line, cells[i]) != LR_OK)
				return LR_ERR_NOMEM;
			continue;
		}
		if (c->col[k] >= 0)
			return lr_error_set(
			        r->err, LR_ERR_INPUT,
			        "%s:%d: columns %d and %d both give "
			        "'%s'",
			        r->path, line, c->col[k] + 1, i + 1, cells[i]);
		c->col[k] = i;
		c->unit[k] = unit_of(name);
		if (k >= HF_CANCELLED && c->unit[k] == 0)
			return lr_error_set(r->err, LR_ERR_INPUT,
			                    "%s:%d: column '%s' names no unit "
			                    "(m², km² or ha in its name)",
			                    r->path, line, cells[i]);
	}
	int methods = (c->col[HF_CANCELLED] >= 0) + (c->col[HF_REDUCED] >= 0) +
	              (c->col[HF_CLEARED] >= 0);
	if (methods != 0 && methods != LR_N_METHODS)
		return lr_error_set(r->err, LR_ERR_INPUT,
		                    "%s:%d: give all three of cancelled, "
		                    "reduced and cleared, or released alone",
		                    r->path, line);
	if (methods == 0 && c->col[HF_RELEASED] < 0)
		return lr_error_set(r->err, LR_ERR_INPUT,
		                    "%s:%d: no released column and no "
		                    "cancelled, reduced and cleared columns",
		                    r->path, line);
	return LR_OK;
}

/* The amount of cell s in column kind k into *out, in cents. */
static int read_amount(hf_read *r, const char *s, int k, int line,
                       lr_cents *out)
{
	char buf[64];
	size_t j = 0;
	const char *p = s;
	for (; *p && j + 1 < sizeof buf; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == ',' || ch == ' ' || ch == '\'')
			continue; /* thousands separators */
		if (ch == 0xC2 && (unsigned char)p[1] == 0xA0) {
			p++; /* a no-break space */
			continue;
		}
		buf[j++] = (char)ch;
	}
	buf[j] = 0;
	char *end;
	errno = 0;
	double x = strtod(buf, &end);
	if (*p || !buf[0] || *end || errno || !isfinite(x) || x < 0 ||
	    x * r->cols.unit[k] >
	            1e15) /* over any country; keeps cents exact */
		return lr_error_set(
		        r->err, LR_ERR_INPUT,
		        "%s:%d: column %d: '%s' is not an area "
		        "(a number >= 0, below 10^15 m²; write 0 for none)",
		        r->path, line, r->cols.col[k] + 1, s);
	*out = (lr_cents)llround(x * r->cols.unit[k] * 100.0);
	return LR_OK;
}

/*
** A published total beside the three methods must be their sum, give or
** take the rounding of four figures printed to two decimals.
*/
static int check_total(hf_read *r, const char *cell, int line, lr_cents sum)
{
	lr_cents total;
	int rc = read_amount(r, cell, HF_RELEASED, line, &total);
	double slack = 0.02 * r->cols.unit[HF_RELEASED] * 100.0 + 1;
	if (rc == LR_OK && fabs((double)(total - sum)) > slack) {
		char a[32], b[32];
		rc = lr_error_set(r->err, LR_ERR_INPUT,
		                  "%s:%d: the total %s m² is not cancelled + "
		                  "reduced + cleared = %s m²",
		                  r->path, line, lr_cents_format(total, a),
		                  lr_cents_format(sum, b));
	}
	return rc;
}

/* The region of a row's region cell: -1 national, -2 unknown. */
static int region_of(const lr_history *h, const char *cell)
{
	char name[64];
	normalize(cell, name, sizeof name);
	if (!name[0] || !strcmp(name, "total") || !strcmp(name, "national"))
		return -1;
	for (int r = 0; r < h->n_regions; r++)
		if (!strcmp(h->region_id[r], cell))
			return r;
	return -2;
}

/* The year cell of a data row: 1 a year, 0 a total row, or an error. */
static int read_year(hf_read *r, const char *cell, int line, int *year)
{
	char name[64], *end;
	normalize(cell, name, sizeof name);
	if (!strncmp(name, "total", 5) || !strncmp(name, "sum", 3))
		return hf_note(r, "%s:%d: row '%s' skipped (not a year)",
		               r->path, line, cell) == LR_OK
		               ? 0
		               : -1;
	long y = strtol(name, &end, 10);
	if (!name[0] || *end || y < 1900 || y > 2200) {
		lr_error_set(r->err, LR_ERR_INPUT,
		             "%s:%d: year '%s' is not a year (1900-2200)",
		             r->path, line, cell);
		return -1;
	}
	*year = (int)y;
	return 1;
}

/* The cell of kind k in cells[0..n), "" when the row is short. */
static const char *cell_of(const hf_read *r, char **cells, int n, int k)
{
	int i = r->cols.col[k];
	return i >= 0 && i < n ? cells[i] : "";
}

/* A data record into r->rows (or skipped: a blank or total row). */
static int read_row(hf_read *r, char **cells, int n, int line)
{
	hf_row row = {.line = line, .region = -1};
	int blank = 1;
	for (int i = 0; i < n; i++)
		blank &= !cells[i][0];
	if (blank)
		return LR_OK;
	int got = read_year(r, cell_of(r, cells, n, HF_YEAR), line, &row.year);
	if (got <= 0)
		return got == 0 ? LR_OK : r->err->code;
	if (r->cols.col[HF_REGION] >= 0) {
		const char *cell = cell_of(r, cells, n, HF_REGION);
		row.region = region_of(r->h, cell);
		if (row.region == -2)
			return lr_error_set(
			        r->err, LR_ERR_INPUT,
			        "%s:%d: region '%s' is not a region "
			        "of the store",
			        r->path, line, cell);
	}
	static const int method_kind[LR_N_METHODS] = {
	        [LR_CANCELLED] = HF_CANCELLED,
	        [LR_REDUCED] = HF_REDUCED,
	        [LR_CLEARED] = HF_CLEARED};
	int rc = LR_OK;
	if (r->cols.col[HF_CANCELLED] >= 0)
		for (int m = 0; m < LR_N_METHODS && rc == LR_OK; m++) {
			int k = method_kind[m];
			rc = read_amount(r, cell_of(r, cells, n, k), k, line,
			                 &row.method[m]);
			row.released += row.method[m];
		}
	else
		rc = read_amount(r, cell_of(r, cells, n, HF_RELEASED),
		                 HF_RELEASED, line, &row.released);
	if (rc == LR_OK && r->cols.col[HF_CANCELLED] >= 0 &&
	    r->cols.col[HF_RELEASED] >= 0)
		rc = check_total(r, cell_of(r, cells, n, HF_RELEASED), line,
		                 row.released);
	if (rc == LR_OK && r->cols.col[HF_NEW] >= 0)
		rc = read_amount(r, cell_of(r, cells, n, HF_NEW), HF_NEW, line,
		                 &row.new_land);
	if (rc == LR_OK && !lr_vec_push(&r->rows, &row))
		rc = lr_error_set(r->err, LR_ERR_NOMEM, "out of memory");
	return rc;
}

/*
** Every record of text: title rows, the header, then the rows.  orig is an
** untouched copy of text, where the lines are counted (the parse writes
** NULs over the line breaks of text).
*/
static int read_records(hf_read *r, char *text, const char *orig)
{
	char *p = text, *cells[64];
	int line = 1;
	while (*p) {
		char *start = p;
		int n = lr_csv_record(&p, cells, 64);
		if (n == 0)
			break;
		if (n > 64)
			n = 64;
		int rc = LR_OK;
		if (r->cols.line == 0) {
			if (is_header(cells, n))
				rc = read_header(r, cells, n, line);
		} else {
			rc = read_row(r, cells, n, line);
		}
		if (rc != LR_OK)
			return rc;
		for (const char *q = orig + (start - text);
		     q < orig + (p - text); q++)
			line += *q == '\n';
	}
	if (r->cols.line == 0)
		return lr_error_set(r->err, LR_ERR_INPUT,
		                    "%s: no header row with a 'year' column",
		                    r->path);
	if (r->rows.len == 0)
		return lr_error_set(r->err, LR_ERR_INPUT,
		                    "%s: no year of figures after the header "
		                    "(line %d)",
		                    r->path, r->cols.line);
	return LR_OK;
}

/* ---- From rows to a history --------------------------------------------- */

/* Whether the file gives year y (any row), and its first line. */
static int file_line(const hf_read *r, int y)
{
	for (size_t i = 0; i < r->rows.len; i++) {
		const hf_row *row = &LR_VEC_AT(&r->rows, hf_row, i);
		if (row->year == y)
			return row->line;
	}
	return 0;
}

/*
** Check the rows: one national row or region rows per year, never both,
** no (year, region) twice.  The region rows of a year are its figures; a
** national row beside them is a total row and must agree with their sum.
*/
static int check_rows(hf_read *r)
{
	for (size_t i = 0; i < r->rows.len; i++) {
		const hf_row *a = &LR_VEC_AT(&r->rows, hf_row, i);
		for (size_t j = 0; j < i; j++) {
			const hf_row *b = &LR_VEC_AT(&r->rows, hf_row, j);
			if (a->year != b->year)
				continue;
			if (a->region == b->region)
				return lr_error_set(
				        r->err, LR_ERR_INPUT,
				        "%s:%d: %d%s%s is given again (first "
				        "on line %d)",
				        r->path, a->line, a->year,
				        a->region < 0 ? "" : " for ",
				        a->region < 0
				                ? ""
				                : r->h->region_id[a->region],
				        b->line);
			if ((a->region < 0) != (b->region < 0))
				return lr_error_set(
				        r->err, LR_ERR_INPUT,
				        "%s:%d: %d has both a national row and "
				        "rows by region (line %d); give one or "
				        "the other",
				        r->path, a->line, a->year, b->line);
		}
	}
	return LR_OK;
}

/*
** The years drawn: replacing, the last `window` years of the file, which
** must all be there; extending, the last `window` complete years of the
** store, reaching back into the file's years before the store's data.
** Years after the store's last complete year are left out, with a note.
*/
static int window_years(hf_read *r, int window, bool extend, int *first,
                        int *last)
{
	const lr_history *h = r->h;
	int store_last = lr_history_last_complete_year(h->as_of);
	int fmin = 9999, fmax = 0;
	for (size_t i = 0; i < r->rows.len; i++) {
		const hf_row *row = &LR_VEC_AT(&r->rows, hf_row, i);
		if (row->year > store_last) {
			if (hf_note(r,
			            "%s:%d: %d is after the store's last "
			            "complete year %d; not used",
			            r->path, row->line, row->year,
			            store_last) != LR_OK)
				return LR_ERR_NOMEM;
			continue;
		}
		fmin = row->year < fmin ? row->year : fmin;
		fmax = row->year > fmax ? row->year : fmax;
	}
	if (fmax == 0)
		return lr_error_set(r->err, LR_ERR_INPUT,
		                    "%s: no year before the store's as-of "
		                    "year",
		                    r->path);
	*last = extend ? store_last : fmax;
	*first = *last - window + 1;
	int earliest = extend && h->first_year < fmin ? h->first_year : fmin;
	if (*first < earliest)
		*first = earliest;
	for (int y = *first; y <= *last; y++)
		if (!file_line(r, y) && (!extend || y < h->first_year))
			return lr_error_set(
			        r->err, LR_ERR_INPUT,
			        "%s: no figures for %d, inside the years drawn "
			        "(%d-%d); a missing year is not a year of "
			        "zero release",
			        r->path, y, *first, *last);
	return LR_OK;
}

/*
** Share v cents among the regions of h in proportion to their remaining
** land (equally when none remains), the leftover cents to the largest
** fractions, lowest index first on ties: out[] adds up to v exactly.
*/
static void share_national(const lr_history *h, lr_cents v, lr_cents *out,
                           double *frac)
{
	int n = h->n_regions;
	double total = 0;
	for (int r = 0; r < n; r++)
		total += h->remaining[r] > 0 ? (double)h->remaining[r] : 0;
	lr_cents given = 0;
	for (int r = 0; r < n; r++) {
		double w = total > 0
		                   ? (h->remaining[r] > 0
		                              ? (double)h->remaining[r] / total
		                              : 0)
		                   : 1.0 / n;
		double exact = (double)v * w;
		out[r] = (lr_cents)floor(exact);
		frac[r] = exact - (double)out[r];
		given += out[r];
	}
	for (; given < v; given++) {
		int best = 0;
		for (int r = 1; r < n; r++)
			if (frac[r] > frac[best])
				best = r;
		out[best]++;
		frac[best] = -1;
	}
}

/* Year index y of nh from the file's rows for that year. */
static void fill_year(const hf_read *r, lr_history *nh, int y, lr_cents *tmp,
                      double *frac)
{
	int year = nh->first_year + y, n = nh->n_regions;
	for (size_t i = 0; i < r->rows.len; i++) {
		const hf_row *row = &LR_VEC_AT(&r->rows, hf_row, i);
		if (row->year != year)
			continue;
		for (int part = 0; part < LR_N_METHODS + 2; part++) {
			lr_cents v = part < LR_N_METHODS    ? row->method[part]
			             : part == LR_N_METHODS ? row->released
			                                    : row->new_land;
			/* A region's row sets its own cells alone. */
			int k0 = row->region >= 0 ? row->region : 0;
			int k1 = row->region >= 0 ? row->region + 1 : n;
			if (row->region >= 0)
				tmp[row->region] = v;
			else
				share_national(r->h, v, tmp, frac);
			for (int k = k0; k < k1; k++) {
				size_t c = LR_HIST_CELL(nh, y, k);
				if (part < LR_N_METHODS)
					nh->by_method[c * LR_N_METHODS + part] =
					        tmp[k];
				else if (part == LR_N_METHODS)
					nh->released[c] = tmp[k];
				else
					nh->new_land[c] = tmp[k];
			}
		}
	}
	if (r->cols.col[HF_CANCELLED] < 0)
		return;
	/* Shared one by one, the methods' cents decide the total. */
	for (int k = 0; k < n; k++) {
		size_t c = LR_HIST_CELL(nh, y, k);
		nh->released[c] = 0;
		for (int m = 0; m < LR_N_METHODS; m++)
			nh->released[c] += nh->by_method[c * LR_N_METHODS + m];
	}
}

/* Year y of nh copied from the same calendar year of h. */
static void copy_year(const lr_history *h, lr_history *nh, int y)
{
	int hy = nh->first_year + y - h->first_year;
	for (int k = 0; k < nh->n_regions; k++) {
		size_t c = LR_HIST_CELL(nh, y, k), hc = LR_HIST_CELL(h, hy, k);
		nh->released[c] = h->released[hc];
		nh->new_land[c] = h->new_land[hc];
		for (int m = 0; m < LR_N_METHODS; m++)
			nh->by_method[c * LR_N_METHODS + m] =
			        h->by_method[hc * LR_N_METHODS + m];
	}
}

/* A history of h's regions over first..last, every year filled. */
static int build(const hf_read *r, int first, int last, int window,
                 lr_history **out)
{
	const lr_history *h = r->h;
	int n = h->n_regions, rc;
	lr_history *nh = NULL;
	lr_cents *tmp = lr_xcalloc((size_t)n + 1, sizeof *tmp);
	double *frac = lr_xcalloc((size_t)n + 1, sizeof *frac);
	if (!tmp || !frac ||
	    (rc = lr_history_new(h->as_of, first, last - first + 1, n, &nh,
	                         r->err)) != LR_OK) {
		rc = lr_error_set(r->err, LR_ERR_NOMEM, "out of memory");
		goto done;
	}
	nh->window = window;
	char *scope = lr_strdup(h->scope);
	if (!scope)
		goto nomem;
	free(nh->scope);
	nh->scope = scope;
	for (int k = 0; k < n; k++) {
		if (lr_history_set_region(nh, k, h->region_id[k], r->err))
			goto nomem;
		nh->remaining[k] = h->remaining[k];
		nh->sha[k] = h->sha[k];
		nh->cha[k] = h->cha[k];
	}
	for (int y = 0; y < nh->n_years; y++) {
		char src[600];
		int line = file_line(r, first + y);
		if (line)
			fill_year(r, nh, y, tmp, frac);
		else
			copy_year(h, nh, y);
		snprintf(src, sizeof src, "%s:%d", r->path, line);
		if (line && !(nh->year_source[y] = lr_strdup(src)))
			goto nomem;
	}
	*out = nh;
	nh = NULL;
	rc = LR_OK;
	goto done;
nomem:
	rc = lr_error_set(r->err, LR_ERR_NOMEM, "out of memory");
done:
	lr_history_free(nh);
	free(tmp);
	free(frac);
	return rc;
}

int lr_history_apply_file(lr_history **h, const char *path, int window,
                          bool extend, lr_vec *notes, lr_error *err)
{
	char *text = NULL;
	int rc = lr_read_file(path, &text, NULL, err);
	if (rc == LR_OK)
		rc = lr_history_apply_text(h, text, path, window, extend, notes,
		                           err);
	free(text);
	return rc;
}

int lr_history_apply_text(lr_history **h, const char *text, const char *path,
                          int window, bool extend, lr_vec *notes, lr_error *err)
{
	if (window < 1)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "the history window must be at least one "
		                    "year (got %d)",
		                    window);
	hf_read r = {.path = path, .h = *h, .notes = notes, .err = err};
	lr_vec_init(&r.rows, sizeof(hf_row));
	char *work = lr_strdup(text); /* the parse writes into it */
	lr_history *nh = NULL;
	int first = 0, last = 0, rc = LR_OK;
	if (!work)
		rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	if (rc == LR_OK && (rc = read_records(&r, work, text)) == LR_OK &&
	    (rc = check_rows(&r)) == LR_OK &&
	    (rc = window_years(&r, window, extend, &first, &last)) == LR_OK &&
	    (rc = build(&r, first, last, window, &nh)) == LR_OK) {
		lr_history_free(*h);
		*h = nh;
	}
	free(work);
	lr_vec_free(&r.rows);
	return rc;
}

int lr_history_read(const char *store, int window, const char *file,
                    bool extend, lr_history **out, lr_vec *notes, lr_error *err)
{
	int rc = lr_history_load(store, window, out, err);
	if (rc == LR_OK && file &&
	    (rc = lr_history_apply_file(out, file, window, extend, notes,
	                                err)) != LR_OK) {
		lr_history_free(*out);
		*out = NULL;
	}
	return rc;
}

int lr_history_write_years(const lr_history *h, const char *path, lr_error *err)
{
	char tmp[4096];
	FILE *f = lr_atomic_open(path, tmp, sizeof tmp, err);
	if (!f)
		return LR_ERR_IO;
	fputs("year,cancelled_m2,reduced_m2,cleared_m2,released_m2,new_m2,"
	      "source\n",
	      f);
	static const lr_method order[LR_N_METHODS] = {LR_CANCELLED, LR_REDUCED,
	                                              LR_CLEARED};
	for (int y = 0; y < h->n_years; y++) {
		lr_cents v[LR_N_METHODS + 2] = {0};
		for (int k = 0; k < h->n_regions; k++) {
			size_t c = LR_HIST_CELL(h, y, k);
			for (int m = 0; m < LR_N_METHODS; m++)
				v[m] += h->by_method[c * LR_N_METHODS +
				                     order[m]];
			v[LR_N_METHODS] += h->released[c];
			v[LR_N_METHODS + 1] += h->new_land[c];
		}
		fprintf(f, "%d", h->first_year + y);
		for (int m = 0; m < LR_N_METHODS + 2; m++) {
			char buf[32];
			fprintf(f, ",%s", lr_cents_format(v[m], buf));
		}
		fputc(',', f);
		lr_csv_field(f, h->year_source && h->year_source[y]
		                        ? h->year_source[y]
		                        : "ledger");
		fputc('\n', f);
	}
	return lr_atomic_close(f, tmp, path, err);
}
