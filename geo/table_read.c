/*
** Reading plain tables (CSV, XLSX, ODS) through GDAL/OGR as rows of strings
** under a header: the first step of checking figures transcribed from a
** document.
*/
#include "lr_table.h"
#include "gdal_int.h"
#include "lr_csv.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* A copy of s without surrounding white space (ASCII and no-break). */
static char *trimmed_copy(const char *s)
{
	if (s == NULL)
		return lr_strdup("");
	while (*s &&
	       (isspace((unsigned char)*s) ||
	        ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)))
		s += (unsigned char)*s == 0xC2 ? 2 : 1;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	while (n >= 2 && (unsigned char)s[n - 2] == 0xC2 &&
	       (unsigned char)s[n - 1] == 0xA0)
		n -= 2;
	char *out = malloc(n + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* A grid of cells before the header row is chosen: rows of ncols. */
typedef struct grid {
	char **cells; /* [n_rows * ncols] owned */
	long *line;
	size_t n_rows, cap;
	int ncols;
} grid;

static void grid_free(grid *g)
{
	for (size_t i = 0; i < g->n_rows * (size_t)g->ncols; i++)
		free(g->cells[i]);
	free(g->cells);
	free(g->line);
	memset(g, 0, sizeof *g);
}

static char **grid_add_row(grid *g, long line)
{
	if (g->n_rows == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		char **c =
		        realloc(g->cells, cap * (size_t)g->ncols * sizeof *c);
		if (c == NULL)
			return NULL;
		g->cells = c;
		long *l = realloc(g->line, cap * sizeof *l);
		if (l == NULL)
			return NULL;
		g->line = l;
		g->cap = cap;
	}
	char **row = g->cells + g->n_rows * (size_t)g->ncols;
	for (int c = 0; c < g->ncols; c++)
		row[c] = NULL;
	g->line[g->n_rows++] = line;
	return row;
}

static int row_filled(char **row, int ncols)
{
	int n = 0;
	for (int c = 0; c < ncols; c++)
		n += row[c] != NULL && row[c][0] != '\0';
	return n;
}

/* Is column c filled in row from or any row below it? */
static int column_filled(const grid *g, size_t from, int c)
{
	for (size_t r = from; r < g->n_rows; r++) {
		const char *s = g->cells[r * (size_t)g->ncols + (size_t)c];
		if (s != NULL && *s)
			return 1;
	}
	return 0;
}

/* GDAL names an empty header cell of a workbook "FieldN" (1-based). */
static int is_generated_name(const char *name, int col)
{
	char buf[32];
	snprintf(buf, sizeof buf, "Field%d", col + 1);
	return strcmp(name, buf) == 0;
}

static void table_free(lr_table *t)
{
	free(t->path);
	free(t->layer);
	free(t->name);
	free(t->title);
	for (int c = 0; c < t->n_cols; c++)
		free(t->header[c]);
	free(t->header);
	for (size_t k = 0; k < t->n_rows * (size_t)t->n_cols; k++)
		free(t->cells[k]);
	free(t->cells);
	free(t->line);
}

void lr_table_set_free(lr_table_set *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		table_free(&s->tables[i]);
	free(s->tables);
	s->tables = NULL;
	s->n = 0;
}

const char *lr_table_cell(const lr_table *t, size_t r, int c)
{
	if (r >= t->n_rows || c < 0 || c >= t->n_cols)
		return "";
	const char *s = t->cells[r * (size_t)t->n_cols + (size_t)c];
	return s != NULL ? s : "";
}

int lr_table_column(const lr_table *t, const char *name)
{
	for (int c = 0; c < t->n_cols; c++)
		if (strcasecmp(t->header[c], name) == 0)
			return c;
	return -1;
}

/*
** Turn grid g into table t: the first row with two filled cells is the
** header, filled rows above it the title.  Returns LR_OK, LR_ERR_NOMEM, or
** -1 when the grid holds no header row (the table is then empty).
*/
static int grid_to_table(grid *g, lr_table *t)
{
	size_t h = 0;
	while (h < g->n_rows &&
	       row_filled(g->cells + h * (size_t)g->ncols, g->ncols) < 2)
		h++;
	if (h == g->n_rows)
		return -1;
	/* Title: the filled cells of the rows above the header. */
	size_t tlen = 1;
	for (size_t r = 0; r < h; r++)
		for (int c = 0; c < g->ncols; c++) {
			const char *s = g->cells[r * (size_t)g->ncols + c];
			if (s != NULL && *s)
				tlen += strlen(s) + 1;
		}
	t->title = malloc(tlen);
	if (t->title == NULL)
		return LR_ERR_NOMEM;
	t->title[0] = '\0';
	for (size_t r = 0; r < h; r++)
		t->title_rows += row_filled(g->cells + r * (size_t)g->ncols,
		                            g->ncols) > 0;
	for (size_t r = 0; r < h; r++)
		for (int c = 0; c < g->ncols; c++) {
			const char *s = g->cells[r * (size_t)g->ncols + c];
			if (s != NULL && *s) {
				if (t->title[0])
					strcat(t->title, " ");
				strcat(t->title, s);
			}
		}
	/* Columns: up to the last one filled in the header or below it (a
	** group heading's empty cells, a unit row under it). */
	char **hrow = g->cells + h * (size_t)g->ncols;
	int ncols = g->ncols;
	while (ncols > 0 && !column_filled(g, h, ncols - 1))
		ncols--;
	t->header = lr_xcalloc((size_t)ncols + 1, sizeof *t->header);
	size_t nr = g->n_rows - h - 1;
	t->cells = lr_xcalloc(nr * (size_t)ncols + 1, sizeof *t->cells);
	t->line = lr_xcalloc(nr + 1, sizeof *t->line);
	if (t->header == NULL || t->cells == NULL || t->line == NULL)
		return LR_ERR_NOMEM;
	t->n_cols = ncols;
	for (int c = 0; c < ncols; c++) {
		t->header[c] = hrow[c] ? hrow[c] : lr_strdup("");
		hrow[c] = NULL;
		if (t->header[c] == NULL)
			return LR_ERR_NOMEM;
	}
	for (size_t r = h + 1; r < g->n_rows; r++) {
		char **row = g->cells + r * (size_t)g->ncols;
		if (row_filled(row, g->ncols) == 0)
			continue;
		char **dst = t->cells + t->n_rows * (size_t)ncols;
		for (int c = 0; c < ncols; c++) {
			dst[c] = row[c] ? row[c] : lr_strdup("");
			row[c] = NULL;
			if (dst[c] == NULL)
				return LR_ERR_NOMEM;
		}
		t->line[t->n_rows++] = g->line[r];
	}
	return LR_OK;
}

/* Read one OGR layer into a grid whose row 0 is the layer's field names. */
static int layer_to_grid(OGRLayerH layer, int generated_names, grid *g,
                         const char *label, lr_error *err)
{
	OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
	int nf = defn ? OGR_FD_GetFieldCount(defn) : 0;
	g->ncols = nf > 0 ? nf : 1;
	char **row = grid_add_row(g, 1);
	if (row == NULL)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	for (int c = 0; c < nf; c++) {
		const char *n =
		        OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, c));
		row[c] = trimmed_copy(
		        generated_names && is_generated_name(n, c) ? "" : n);
		if (row[c] == NULL)
			return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	OGR_L_ResetReading(layer);
	OGRFeatureH f;
	long line = 1;
	CPLErrorReset();
	while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
		line++;
		row = grid_add_row(g, line);
		if (row == NULL) {
			OGR_F_Destroy(f);
			return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		}
		for (int c = 0; c < nf; c++) {
			row[c] = trimmed_copy(
			        OGR_F_IsFieldSetAndNotNull(f, c)
			                ? OGR_F_GetFieldAsString(f, c)
			                : "");
			if (row[c] == NULL) {
				OGR_F_Destroy(f);
				return lr_error_set(err, LR_ERR_NOMEM,
				                    "out of memory");
			}
		}
		OGR_F_Destroy(f);
	}
	if (CPLGetLastErrorType() >= CE_Failure)
		return lr_error_set(err, LR_ERR_INPUT, "%s: %s", label,
		                    lr__cpl_msg());
	return LR_OK;
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

static const char *extension(const char *path)
{
	const char *b = base_name(path);
	const char *dot = strrchr(b, '.');
	return dot ? dot + 1 : "";
}

static int is_text_table(const char *label)
{
	const char *ext = extension(label);
	return !strcasecmp(ext, "csv") || !strcasecmp(ext, "tsv") ||
	       !strcasecmp(ext, "txt");
}

/* Names of the table of layer lname (NULL for a CSV) of file label. */
static int name_table(lr_table *t, const char *label, const char *lname,
                      lr_error *err)
{
	size_t nlen = strlen(label) + (lname ? strlen(lname) : 0) + 2;
	t->path = lr_strdup(label);
	t->layer = lr_strdup(lname ? lname : base_name(label));
	t->name = malloc(nlen);
	if (t->path == NULL || t->layer == NULL || t->name == NULL)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	if (lname)
		snprintf(t->name, nlen, "%s:%s", base_name(label), lname);
	else
		snprintf(t->name, nlen, "%s", base_name(label));
	return LR_OK;
}

/* Turn g into the named table *t and append it to out; a grid with no
** header row is dropped.  *t is taken over (or freed) in every case. */
static int append_table(grid *g, lr_table *t, lr_table_set *out, lr_error *err)
{
	int r = grid_to_table(g, t), rc = LR_OK, kept = 0;
	if (r == LR_ERR_NOMEM) {
		rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	} else if (r == LR_OK) {
		lr_table *nt = realloc(out->tables, (out->n + 1) * sizeof *nt);
		if (nt == NULL) {
			rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		} else {
			out->tables = nt;
			out->tables[out->n++] = *t;
			kept = 1;
		}
	}
	if (!kept)
		table_free(t);
	return rc;
}

/* ---- CSV, read here: GDAL's CSV driver takes the number of columns from
** the first line, which in a published table is its title of one cell. */

enum { CSV_MAX_COLS = 4096 };

/*
** The separator of CSV text: a tab in a .tsv; else whichever of ',', ';'
** and tab stands outside quotes on most of the first 20 lines (a comma
** when tied): spreadsheets save CSV with ';' where the comma is the
** decimal mark.
*/
static char csv_separator(const char *text, const char *ext)
{
	static const char seps[3] = {',', ';', '\t'};
	if (!strcasecmp(ext, "tsv"))
		return '\t';
	int lines[3] = {0, 0, 0}, seen[3] = {0, 0, 0}, quoted = 0, n = 0;
	for (const char *p = text; *p && n < 20; p++) {
		quoted ^= *p == '"';
		for (int k = 0; k < 3; k++)
			seen[k] |= *p == seps[k] && !quoted;
		if (*p == '\n' && !quoted) {
			for (int k = 0; k < 3; k++) {
				lines[k] += seen[k];
				seen[k] = 0;
			}
			n++;
		}
	}
	int best = 0;
	for (int k = 1; k < 3; k++)
		if (lines[k] + seen[k] > lines[best] + seen[best])
			best = k;
	return seps[best];
}

/* Line breaks inside the n fields of a record (quoted cells over lines). */
static long breaks_in(char **f, int n)
{
	long b = 0;
	for (int c = 0; c < n; c++)
		for (const char *s = f[c]; *s; s++)
			b += *s == '\n' || (*s == '\r' && s[1] != '\n');
	return b;
}

/* The number of fields of the widest record of text (not modified). */
static int csv_width(const char *text, char sep, int *width)
{
	char *copy = lr_strdup(text), *p = copy;
	if (copy == NULL)
		return LR_ERR_NOMEM;
	int n;
	*width = 1;
	while ((n = lr_csv_record_sep(&p, sep, NULL, 0)) > 0)
		if (n > *width)
			*width = n;
	free(copy);
	return LR_OK;
}

/* CSV text (UTF-8, split in place) into g: a row a record, each with the
** line of the file it starts on. */
static int csv_to_grid(char *text, char sep, grid *g, const char *label,
                       lr_error *err)
{
	if (csv_width(text, sep, &g->ncols) != LR_OK)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	if (g->ncols > CSV_MAX_COLS)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: a line holds %d cells, more than the "
		                    "%d columns a table may have",
		                    label, g->ncols, CSV_MAX_COLS);
	char **f = malloc((size_t)g->ncols * sizeof *f);
	if (f == NULL)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	char *p = text;
	long line = 1;
	int n;
	while ((n = lr_csv_record_sep(&p, sep, f, g->ncols)) > 0) {
		char **row = grid_add_row(g, line);
		for (int c = 0; row != NULL && c < n; c++)
			if ((row[c] = trimmed_copy(f[c])) == NULL)
				row = NULL;
		if (row == NULL) {
			free(f);
			return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		}
		line += breaks_in(f, n) + 1;
	}
	free(f);
	return LR_OK;
}

/* The table of CSV data[0..size) of the file label. */
static int read_csv(const void *data, size_t size, const char *label,
                    lr_table_set *out, lr_error *err)
{
	char *text;
	const char *decoded;
	int rc = lr_text_utf8(data, size, label, &text, &decoded, err);
	if (rc != LR_OK)
		return rc;
	grid g = {0};
	lr_table t = {0};
	t.encoding = decoded;
	rc = csv_to_grid(text, csv_separator(text, extension(label)), &g, label,
	                 err);
	if (rc == LR_OK)
		rc = name_table(&t, label, NULL, err);
	if (rc == LR_OK)
		rc = append_table(&g, &t, out, err);
	else
		table_free(&t);
	grid_free(&g);
	free(text);
	return rc;
}

/* ---- Workbooks, through GDAL ------------------------------------------ */

/* Open the workbook at gdal_path (a file or /vsimem/ name), driver XLSX
** or ODS, and append its sheets to out.  label is the file as named. */
static int read_workbook(const char *gdal_path, const char *label,
                         const char *driver, lr_table_set *out, lr_error *err)
{
	const char *drivers[2] = {driver, NULL};
	/* GDAL 3.6 takes the workbook settings as configuration options
	** only (the HEADERS and FIELD_TYPES open options came later); set
	** them for this thread alone and restore them after opening. */
	const char *cfg_keys[2][2] = {
	        {"OGR_XLSX_HEADERS", "OGR_XLSX_FIELD_TYPES"},
	        {"OGR_ODS_HEADERS", "OGR_ODS_FIELD_TYPES"}};
	int k = !strcmp(driver, "ODS");
	char *saved[2] = {NULL, NULL};
	for (int i = 0; i < 2; i++) {
		const char *v =
		        CPLGetThreadLocalConfigOption(cfg_keys[k][i], NULL);
		saved[i] = v ? CPLStrdup(v) : NULL;
		CPLSetThreadLocalConfigOption(cfg_keys[k][i],
		                              i == 0 ? "FORCE" : "STRING");
	}
	CPLErrorReset();
	GDALDatasetH ds =
	        GDALOpenEx(gdal_path, GDAL_OF_VECTOR | GDAL_OF_READONLY,
	                   drivers, NULL, NULL);
	int rc = LR_OK;
	if (ds == NULL)
		rc = lr_error_set(err, LR_ERR_INPUT,
		                  "%s: cannot be read as a %s table (%s)",
		                  label, driver, lr__cpl_msg());
	int nl = ds ? GDALDatasetGetLayerCount(ds) : 0;
	for (int i = 0; i < nl && rc == LR_OK; i++) {
		OGRLayerH layer = GDALDatasetGetLayer(ds, i);
		grid g = {0};
		lr_table t = {0};
		rc = name_table(&t, label, OGR_L_GetName(layer), err);
		if (rc == LR_OK)
			rc = layer_to_grid(layer, 1, &g, t.name, err);
		if (rc == LR_OK)
			rc = append_table(&g, &t, out, err);
		else
			table_free(&t);
		grid_free(&g);
	}
	if (ds)
		GDALClose(ds);
	for (int i = 0; i < 2; i++) {
		CPLSetThreadLocalConfigOption(cfg_keys[k][i], saved[i]);
		CPLFree(saved[i]);
	}
	return rc;
}

/* The workbook driver for the file label, or NULL with err set. */
static const char *workbook_driver(const char *label, lr_error *err)
{
	const char *ext = extension(label);
	if (!strcasecmp(ext, "xlsx"))
		return "XLSX";
	if (!strcasecmp(ext, "ods"))
		return "ODS";
	lr_error_set(err, LR_ERR_INPUT,
	             "%s: unknown table format '.%s'; give a CSV (.csv), "
	             "XLSX (.xlsx) or ODS (.ods) file",
	             label, ext);
	return NULL;
}

static int read_workbook_quietly(const char *gdal_path, const char *label,
                                 const char *driver, lr_table_set *out,
                                 lr_error *err)
{
	lr__gdal_init();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	int rc = read_workbook(gdal_path, label, driver, out, err);
	CPLPopErrorHandler();
	return rc;
}

static int read_file_impl(const char *path, lr_table_set *out, lr_error *err)
{
	struct stat st;
	if (path == NULL || *path == '\0')
		return lr_error_set(err, LR_ERR_INPUT, "no table file given");
	if (stat(path, &st) != 0)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: %s; check the path of the table", path,
		                    strerror(errno));
	if (S_ISDIR(st.st_mode))
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: is a folder, not a table file", path);
	if (lr_input_kind(path, st.st_mode, 0, err) != LR_OK)
		return err->code;
	if (access(path, R_OK) != 0)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: cannot be read (%s)", path,
		                    strerror(errno));
	if (is_text_table(path)) {
		char *data;
		size_t size;
		int rc = lr_read_file(path, &data, &size, err);
		if (rc == LR_OK)
			rc = read_csv(data, size, path, out, err);
		free(data);
		return rc;
	}
	const char *driver = workbook_driver(path, err);
	if (driver == NULL)
		return err->code;
	return read_workbook_quietly(path, path, driver, out, err);
}

int lr_table_read_file(const char *path, lr_table_set *out, lr_error *err)
{
	out->tables = NULL;
	out->n = 0;
	int rc = read_file_impl(path, out, err);
	if (rc != LR_OK)
		lr_table_set_free(out);
	return rc;
}

/* A workbook in memory, read through a /vsimem/ file of its own. */
static int read_workbook_buffer(const void *data, size_t size, const char *name,
                                const char *driver, lr_table_set *out,
                                lr_error *err)
{
	lr__gdal_init();
	/* A name of its own for this call: the address of out and the
	** thread make it unique among the calls running now. */
	char vpath[512];
	snprintf(vpath, sizeof vpath, "/vsimem/lr_table_%p_%lu/%s", (void *)out,
	         (unsigned long)pthread_self(), name);
	/* GDAL reads the buffer in place; a copy keeps data const. */
	GByte *copy = VSIMalloc(size ? size : 1);
	if (copy == NULL)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	if (size)
		memcpy(copy, data, size);
	VSILFILE *f =
	        VSIFileFromMemBuffer(vpath, copy, (vsi_l_offset)size, TRUE);
	if (f == NULL) {
		VSIFree(copy);
		return lr_error_set(err, LR_ERR_INTERNAL,
		                    "cannot map the table buffer");
	}
	VSIFCloseL(f);
	int rc = read_workbook_quietly(vpath, name, driver, out, err);
	VSIUnlink(vpath);
	return rc;
}

int lr_table_read_buffer(const void *data, size_t size, const char *name,
                         lr_table_set *out, lr_error *err)
{
	out->tables = NULL;
	out->n = 0;
	if (name == NULL || *name == '\0' || strchr(name, '/'))
		return lr_error_set(err, LR_ERR_USAGE,
		                    "a table buffer needs a plain file name");
	int rc;
	if (is_text_table(name)) {
		rc = read_csv(data, size, name, out, err);
	} else {
		const char *driver = workbook_driver(name, err);
		rc = driver ? read_workbook_buffer(data, size, name, driver,
		                                   out, err)
		            : (int)err->code;
	}
	if (rc != LR_OK)
		lr_table_set_free(out);
	return rc;
}
