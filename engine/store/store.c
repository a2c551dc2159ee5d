/*
** The SpatiaLite store dir/landrelease.sqlite: meta, inputs, data quality,
** ledger faces and the result tables, built under a temporary name in one
** transaction and renamed into place.
*/
#include "commit_int.h"
#include "output_int.h"
#include "schema.h"
#include "spatial_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define STORE_TMP_PREFIX "." LR_STORE_FILE LR_TMP_INFIX

/* Rows a geometry table's INSERT writes at once (insert_rows). */
#define LR__INSERT_BATCH 32

/* The seconds each part of the store took, for --timings: opening it and
** the faces' rows (while the ledger runs), the tables, the rows and
** indexes (the inputs' rows, each index, the copy of the indexes), the
** stamps and the commit, closing the file (SQLite
** writes its dirty pages) and syncing it to disk. */
typedef struct part_times {
	double open, faces, cpu_stream; /* while the ledger runs */
	double schema, rows_and_indexes, inputs, index[LR__N_GEO], copy;
	double commit, close, sync, cpu0;
} part_times;

/* A store being built (commit_int.h): the database, where errors are
** reported, and the faces' rows written so far. */
struct lr__store {
	sqlite3 *db;
	char path[4096];     /* the final path, for messages */
	char tmp[4096];      /* the file being written */
	lr_error *err;       /* borrowed */
	const lr_dataset *d; /* borrowed */
	/* The geometries of the rows of the statement being written, one a
	** row of a batch (insert_rows). */
	lr__blob blob[LR__INSERT_BATCH];
	lr__face_boxes faces; /* one per face row written */
	size_t unsynced;      /* bytes of face rows since start_writeback */
	part_times t;
};
typedef struct lr__store store;

/*
** Why writing the file failed, when SQLite's errno is lost (its unix layer
** reports a short write as "disk full" without one, and the errno it keeps
** may be overwritten by later calls): a full file system, or a file size
** limit reached.  NULL when neither explains it.
*/
static const char *write_failure_cause(const char *file)
{
	struct stat st;
	struct rlimit lim;
	if (stat(file, &st) == 0 && getrlimit(RLIMIT_FSIZE, &lim) == 0 &&
	    lim.rlim_cur != RLIM_INFINITY &&
	    (unsigned long long)st.st_size + 65536 >=
	            (unsigned long long)lim.rlim_cur)
		return strerror(EFBIG);
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", file);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	struct statvfs vfs;
	if (statvfs(slash ? dir : ".", &vfs) == 0 && vfs.f_bavail == 0)
		return strerror(ENOSPC);
	return NULL;
}

/* Report the last SQLite error of s: LR_ERR_IO when the disk or the file
** failed, LR_ERR_STORE otherwise. */
static int fail(store *s, const char *what)
{
	int ec = sqlite3_errcode(s->db);
	lr_status code = ec == SQLITE_FULL || ec == SQLITE_IOERR ||
	                                 ec == SQLITE_CANTOPEN ||
	                                 ec == SQLITE_READONLY
	                         ? LR_ERR_IO
	                         : LR_ERR_STORE;
	/* SQLite says "disk I/O error"; the system's errno says why (a full
	** disk, a file size limit). */
	const char *cause = NULL;
	if (ec == SQLITE_FULL || ec == SQLITE_IOERR) {
		int sys = sqlite3_system_errno(s->db);
		cause = write_failure_cause(s->tmp);
		if (!cause && sys)
			cause = strerror(sys);
	}
	if (cause)
		return lr_error_set(s->err, code, "store %s: %s: %s (%s)",
		                    s->path, what, sqlite3_errmsg(s->db),
		                    cause);
	return lr_error_set(s->err, code, "store %s: %s: %s", s->path, what,
	                    sqlite3_errmsg(s->db));
}

static int exec(store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		sqlite3_free(msg); /* the same text as sqlite3_errmsg */
		return fail(s, sql);
	}
	return LR_OK;
}

/* Run a SELECT of one SpatiaLite function that returns 1 on success. */
static int exec_check1(store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(s, sql);
	int rc = sqlite3_step(st);
	int v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	if (rc != SQLITE_ROW) {
		rc = fail(s, sql);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	if (v != 1)
		return lr_error_set(s->err, LR_ERR_STORE,
		                    "store %s: %s returned %d", s->path, sql,
		                    v);
	return LR_OK;
}

static int prepare(store *s, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return fail(s, sql);
	return LR_OK;
}

/* Step an INSERT and reset it for the next row. */
static int step_insert(store *s, sqlite3_stmt *st, const char *table)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		char what[128];
		snprintf(what, sizeof what, "insert into %s", table);
		int code = fail(s, what);
		sqlite3_reset(st);
		return code;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return LR_OK;
}

/* ---- Binding helpers: NULL strings and "none" values become SQL NULL ---- */

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_date(sqlite3_stmt *st, int i, lr_date d)
{
	char buf[16];
	if (d == LR_DATE_NONE)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, lr_date_format(d, buf), -1,
		                  SQLITE_TRANSIENT);
}

static void bind_fid(sqlite3_stmt *st, int i, int64_t fid)
{
	if (fid < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, fid);
}

static void bind_cents(sqlite3_stmt *st, int i, lr_cents c)
{
	sqlite3_bind_double(st, i, (double)c / 100.0);
}

/* Bind w as the ready SpatiaLite blob GeomFromWKB(w, 4326) would make
** (NULL for no geometry), built in blob, which must live until the step.
** lr_wkb is always a MultiPolygon (lr_geo.h); any other WKB is an error
** naming the row, never a silent NULL.  The rows go in with triggers off
** (write_input_rows, lr__store_faces), so the blob is checked here rather
** than by the column's trigger.  mbr (NULL: not wanted) gets the blob's
** MBR, or NaN without a geometry. */
static int bind_geometry(store *s, sqlite3_stmt *st, int i, const lr_wkb *w,
                         lr__blob *blob, const char *table, size_t row,
                         double mbr[4])
{
	int rc = w->data && w->size
	                 ? lr__spatialite_blob(w, LR_EPSG_WGS84, blob, mbr)
	                 : 1;
	if (rc == 1 && mbr)
		mbr[0] = mbr[1] = mbr[2] = mbr[3] = NAN;
	if (rc == 1)
		sqlite3_bind_null(st, i);
	else if (rc == 0)
		sqlite3_bind_blob(st, i, blob->data, (int)blob->size,
		                  SQLITE_STATIC);
	else if (rc == -2)
		return lr_error_set(s->err, LR_ERR_NOMEM,
		                    "store %s: out of memory", s->path);
	else
		return lr_error_set(
		        s->err, LR_ERR_STORE,
		        "store %s: %s row %zu: the geometry is not a "
		        "2D MultiPolygon in little-endian WKB",
		        s->path, table, row + 1);
	return LR_OK;
}

/* The id of result row index k of n_regions regions and OUTSIDE: a region,
** OUTSIDE, or NULL when k is out of range (no region assigned). */
static const char *region_label(const lr_dataset *d, int n_regions, int k)
{
	if (k >= 0 && k < n_regions && (size_t)k < d->regions.len)
		return LR_VEC_AT(&d->regions, lr_region, k).id;
	if (k == n_regions)
		return "OUTSIDE";
	return NULL;
}

/* ---- Tables ------------------------------------------------------------- */

static int write_meta(store *s, const lr_dataset *d, const lr_result *r)
{
	char as_of[16], baseline[16], scope[32] = "", fy[24], ly[24], nf[24],
	                              nc[24];
	static const int bits[] = {LR_CONT_AP, LR_CONT_AV, LR_CONT_ERW,
	                           LR_CONT_MIXED};
	for (int i = 0; i < 4; i++) {
		if (!(r->scope & bits[i]))
			continue;
		if (scope[0])
			strcat(scope, ",");
		strcat(scope, lr_contamination_name(bits[i]));
	}
	snprintf(fy, sizeof fy, "%d", r->first_year);
	snprintf(ly, sizeof ly, "%d", r->last_year);
	snprintf(nf, sizeof nf, "%lld", (long long)r->n_faces);
	snprintf(nc, sizeof nc, "%lld", (long long)r->n_clusters);
	const char *kv[][2] = {
	        {LR_STORE_KEY_VERSION, LR_VERSION},
	        {LR_STORE_KEY_AS_OF, lr_date_format(r->as_of, as_of)},
	        {LR_STORE_KEY_BASELINE, lr_date_format(r->baseline, baseline)},
	        {LR_STORE_KEY_SCOPE, scope},
	        {LR_STORE_KEY_FIRST_YEAR, fy},
	        {LR_STORE_KEY_LAST_YEAR, ly},
	        {LR_STORE_KEY_REGIONS_SOURCE,
	         d->source_label[LR_LAYER_REGIONS]},
	        {LR_STORE_KEY_HAZARDS_SOURCE,
	         d->source_label[LR_LAYER_HAZARDS]},
	        {LR_STORE_KEY_RELEASES_SOURCE,
	         d->source_label[LR_LAYER_RELEASES]},
	        {LR_STORE_KEY_N_FACES, nf},
	        {LR_STORE_KEY_N_CLUSTERS, nc},
	};
	int rc = exec(s, "CREATE TABLE " LR_STORE_META "(" LR_STORE_META_KEY
	                 " TEXT PRIMARY KEY, " LR_STORE_META_VALUE " TEXT)");
	sqlite3_stmt *st = NULL;
	if (rc == LR_OK)
		rc = prepare(s,
		             "INSERT INTO " LR_STORE_META "(" LR_STORE_META_KEY
		             ", " LR_STORE_META_VALUE ") VALUES(?, ?)",
		             &st);
	for (size_t i = 0; rc == LR_OK && i < sizeof kv / sizeof *kv; i++) {
		bind_text(st, 1, kv[i][0]);
		bind_text(st, 2, kv[i][1] ? kv[i][1] : "");
		rc = step_insert(s, st, LR_STORE_META);
	}
	sqlite3_finalize(st);
	return rc;
}

static int write_counts(store *s, const lr_dataset *d)
{
	int rc = exec(s, "CREATE TABLE " LR_STORE_INGEST "(layer TEXT, read "
	                 "INTEGER, accepted INTEGER, repaired INTEGER, "
	                 "" LR_STORE_COL_REJECTED " INTEGER)");
	sqlite3_stmt *st = NULL;
	if (rc == LR_OK)
		rc = prepare(s,
		             "INSERT INTO " LR_STORE_INGEST
		             " VALUES(?, ?, ?, ?, ?)",
		             &st);
	for (int i = 0; rc == LR_OK && i < 3; i++) {
		const lr_layer_counts *c = &d->counts[i];
		bind_text(st, 1, lr_layer_names[i]);
		sqlite3_bind_int64(st, 2, c->read);
		sqlite3_bind_int64(st, 3, c->accepted);
		sqlite3_bind_int64(st, 4, c->repaired);
		sqlite3_bind_int64(st, 5, c->rejected);
		rc = step_insert(s, st, LR_STORE_INGEST);
	}
	sqlite3_finalize(st);
	return rc;
}

/* CREATE TABLE name(cols) and register its MULTIPOLYGON column. */
static int create_geo_table(store *s, const char *name, const char *cols)
{
	char sql[1024];
	snprintf(sql, sizeof sql, "CREATE TABLE %s(%s)", name, cols);
	int rc = exec(s, sql);
	if (rc != LR_OK)
		return rc;
	snprintf(sql, sizeof sql,
	         "SELECT AddGeometryColumn('%s', 'geometry', %d, "
	         "'MULTIPOLYGON', 'XY')",
	         name, LR_EPSG_WGS84);
	return exec_check1(s, sql);
}

/* The geometry tables (LR__GEO_* order) and their columns before the
** geometry. */
static const char *const geo_table[LR__N_GEO] = {
        LR_STORE_REGIONS, LR_STORE_HAZARDS, LR_STORE_RELEASES, LR_STORE_FACES};
static const char *const geo_columns[LR__N_GEO] = {
        "region_id TEXT, name TEXT, parent_id TEXT, area_m2 REAL",
        "hazard_id TEXT, type TEXT, contamination TEXT, recorded_date TEXT, "
        "reported_area_m2 REAL, region_id TEXT, source_fid INTEGER, "
        "implied_by_release TEXT, area_m2 REAL, region_assigned TEXT, "
        "remaining_m2 REAL",
        "release_id TEXT, hazard_id TEXT, method TEXT, release_date TEXT, "
        "ap_mines INTEGER, av_mines INTEGER, erw INTEGER, source_fid "
        "INTEGER, area_m2 REAL, region_assigned TEXT, ap_improvised_mines "
        "INTEGER",
        "face_id INTEGER PRIMARY KEY, region_id TEXT, area_m2 REAL, state "
        "TEXT, events TEXT"};

/*
** One geometry table's rows.  head is the INSERT up to VALUES, with
** n_params columns; bind(s, st, p, i, blob, ctx) binds row i's values to
** parameters p + 1 .. p + n_params, its geometry built in blob.
*/
typedef int (*bind_row)(store *s, sqlite3_stmt *st, int p, size_t i,
                        lr__blob *blob, const void *ctx);
typedef struct row_writer {
	const char *table, *head;
	int n_params;
	bind_row bind;
} row_writer;

/* w's INSERT of `rows` rows into *st (with its own row writer's head). */
static int prepare_rows(store *s, const row_writer *w, int rows,
                        sqlite3_stmt **st)
{
	char *sql = malloc(lr__values_sql_size(w->head, w->n_params, rows));
	if (!sql)
		return lr_error_set(s->err, LR_ERR_NOMEM,
		                    "store %s: out of memory", s->path);
	lr__values_sql(sql, w->head, w->n_params, rows);
	int rc = prepare(s, sql, st);
	free(sql);
	return rc;
}

/*
** Write rows 0 .. n - 1 with w, LR__INSERT_BATCH rows a statement while
** that many are left, then one a statement: each statement's step costs
** as much again as its row (SQLite starts and ends a statement
** transaction for it).  The rows go in in order, so the file's bytes are
** those of one row a statement.
*/
static int insert_rows(store *s, const row_writer *w, size_t n, const void *ctx)
{
	sqlite3_stmt *many = NULL, *one = NULL;
	int rc = prepare_rows(s, w, 1, &one);
	if (rc == LR_OK && n >= LR__INSERT_BATCH)
		rc = prepare_rows(s, w, LR__INSERT_BATCH, &many);
	for (size_t i = 0; rc == LR_OK && i < n;) {
		int rows = n - i >= LR__INSERT_BATCH ? LR__INSERT_BATCH : 1;
		sqlite3_stmt *st = rows > 1 ? many : one;
		for (int r = 0; rc == LR_OK && r < rows; r++)
			rc = w->bind(s, st, r * w->n_params, i + (size_t)r,
			             &s->blob[r], ctx);
		if (rc == LR_OK)
			rc = step_insert(s, st, w->table);
		i += (size_t)rows;
	}
	sqlite3_finalize(many);
	sqlite3_finalize(one);
	return rc;
}

/* What the row binders read. */
typedef struct rows_ctx {
	const lr_dataset *d;
	const lr_result *r;
} rows_ctx;

static int bind_region(store *s, sqlite3_stmt *st, int p, size_t i,
                       lr__blob *blob, const void *ctx)
{
	const lr_dataset *d = ((const rows_ctx *)ctx)->d;
	const lr_region *g = &LR_VEC_AT(&d->regions, lr_region, i);
	bind_text(st, p + 1, g->id);
	bind_text(st, p + 2, g->name);
	bind_text(st, p + 3, g->parent_id);
	sqlite3_bind_double(st, p + 4, g->area_m2);
	return bind_geometry(s, st, p + 5, &g->geom, blob, LR_STORE_REGIONS, i,
	                     NULL);
}

static int bind_hazard(store *s, sqlite3_stmt *st, int p, size_t i,
                       lr__blob *blob, const void *ctx)
{
	const lr_dataset *d = ((const rows_ctx *)ctx)->d;
	const lr_result *r = ((const rows_ctx *)ctx)->r;
	const lr_hazard *h = &LR_VEC_AT(&d->hazards, lr_hazard, i);
	bind_text(st, p + 1, h->id);
	bind_text(st, p + 2, lr_hazard_type_name(h->type));
	bind_text(st, p + 3, lr_contamination_name(h->contamination));
	bind_date(st, p + 4, h->recorded);
	if (h->reported_area_m2 == h->reported_area_m2) /* not NaN */
		sqlite3_bind_double(st, p + 5, h->reported_area_m2);
	else
		sqlite3_bind_null(st, p + 5);
	bind_text(st, p + 6, h->region_id);
	bind_fid(st, p + 7, h->fid);
	if (h->implied_by >= 0 && (size_t)h->implied_by < d->releases.len)
		bind_text(
		        st, p + 8,
		        LR_VEC_AT(&d->releases, lr_release, h->implied_by).id);
	else
		sqlite3_bind_null(st, p + 8);
	sqlite3_bind_double(st, p + 9, h->area_m2);
	bind_text(st, p + 10,
	          r->hazard_region
	                  ? region_label(d, r->n_regions, r->hazard_region[i])
	                  : NULL);
	if (r->hazard_remaining)
		bind_cents(st, p + 11, r->hazard_remaining[i]);
	else
		sqlite3_bind_null(st, p + 11);
	return bind_geometry(s, st, p + 12, &h->geom, blob, LR_STORE_HAZARDS, i,
	                     NULL);
}

static int bind_release(store *s, sqlite3_stmt *st, int p, size_t i,
                        lr__blob *blob, const void *ctx)
{
	const lr_dataset *d = ((const rows_ctx *)ctx)->d;
	const lr_result *r = ((const rows_ctx *)ctx)->r;
	const lr_release *x = &LR_VEC_AT(&d->releases, lr_release, i);
	bind_text(st, p + 1, x->id);
	bind_text(st, p + 2, x->hazard_id);
	bind_text(st, p + 3, lr_method_name(x->method));
	bind_date(st, p + 4, x->date);
	sqlite3_bind_int64(st, p + 5, x->ap_mines);
	sqlite3_bind_int64(st, p + 6, x->av_mines);
	sqlite3_bind_int64(st, p + 7, x->erw);
	bind_fid(st, p + 8, x->fid);
	sqlite3_bind_double(st, p + 9, x->area_m2);
	bind_text(st, p + 10,
	          r->release_region
	                  ? region_label(d, r->n_regions, r->release_region[i])
	                  : NULL);
	sqlite3_bind_int64(st, p + 11, x->ap_improvised);
	return bind_geometry(s, st, p + 12, &x->geom, blob, LR_STORE_RELEASES,
	                     i, NULL);
}

/* What bind_face reads: a run of faces whose first is face row `first`
** (from 0); the ledger's rows are the dataset's regions, then OUTSIDE. */
typedef struct faces_ctx {
	const lr_dataset *d;
	const lr_face *faces;
	size_t first;
} faces_ctx;

static int bind_face(store *s, sqlite3_stmt *st, int p, size_t i,
                     lr__blob *blob, const void *ctx)
{
	const faces_ctx *fc = ctx;
	const lr_face *f = &fc->faces[i];
	size_t row = fc->first + i;
	sqlite3_bind_int64(st, p + 1, (sqlite3_int64)row + 1);
	bind_text(st, p + 2,
	          region_label(fc->d, (int)fc->d->regions.len, f->region));
	bind_cents(st, p + 3, f->area);
	bind_text(st, p + 4,
	          f->state == LR_SHA   ? "SHA"
	          : f->state == LR_CHA ? "CHA"
	                               : "clean");
	bind_text(st, p + 5, f->events);
	return bind_geometry(s, st, p + 6, &f->geom, blob, LR_STORE_FACES, row,
	                     s->faces.mbr[row]);
}

static const row_writer region_rows = {LR_STORE_REGIONS,
                                       "INSERT INTO " LR_STORE_REGIONS
                                       "(region_id, name, parent_id, "
                                       "area_m2, geometry) VALUES",
                                       5, bind_region};
static const row_writer hazard_rows = {
        LR_STORE_HAZARDS,
        "INSERT INTO " LR_STORE_HAZARDS "(hazard_id, type, contamination, "
        "recorded_date, reported_area_m2, region_id, source_fid, "
        "implied_by_release, area_m2, region_assigned, remaining_m2, "
        "geometry) VALUES",
        12, bind_hazard};
static const row_writer release_rows = {
        LR_STORE_RELEASES,
        "INSERT INTO " LR_STORE_RELEASES "(release_id, hazard_id, method, "
        "release_date, ap_mines, av_mines, erw, source_fid, area_m2, "
        "region_assigned, ap_improvised_mines, geometry) VALUES",
        12, bind_release};
static const row_writer face_rows = {LR_STORE_FACES,
                                     "INSERT INTO " LR_STORE_FACES
                                     "(face_id, region_id, area_m2, "
                                     "state, events, geometry) VALUES",
                                     6, bind_face};

/* Bind row i of the result table ctx (an lr__table). */
static int bind_result_row(store *s, sqlite3_stmt *st, int p, size_t i,
                           lr__blob *blob, const void *ctx)
{
	(void)s;
	(void)blob;
	const lr__table *t = ctx;
	lr__cell cells[LR__MAX_COLS];
	lr__table_row(t, i, cells);
	for (int k = 0; k < t->n_cols; k++) {
		const lr__cell *c = &cells[k];
		int at = p + k + 1;
		if (c->null)
			sqlite3_bind_null(st, at);
		else if (t->cols[k].type == LR__COL_TEXT)
			bind_text(st, at, c->s);
		else if (t->cols[k].type == LR__COL_INT)
			sqlite3_bind_int64(st, at, c->i);
		else if (t->cols[k].type == LR__COL_DATE)
			bind_date(st, at, (lr_date)c->i);
		else if (t->cols[k].type == LR__COL_DEG)
			sqlite3_bind_double(st, at, (double)c->i / 1e6);
		else
			bind_cents(st, at, c->i);
	}
	return LR_OK;
}

/* A result table: the same columns and rows as its CSV (output_int.h). */
static int write_result_table(store *s, const lr__table *t)
{
	static const char *const sql_type[] = {
	        [LR__COL_TEXT] = "TEXT", [LR__COL_INT] = "INTEGER",
	        [LR__COL_AREA] = "REAL", [LR__COL_DATE] = "TEXT",
	        [LR__COL_DEG] = "REAL",
	};
	char create[1024], head[160];
	size_t a = (size_t)snprintf(create, sizeof create, "CREATE TABLE %s(",
	                            t->name);
	for (int k = 0; k < t->n_cols; k++)
		a += (size_t)snprintf(create + a, sizeof create - a, "%s%s %s",
		                      k ? ", " : "", t->cols[k].name,
		                      sql_type[t->cols[k].type]);
	snprintf(create + a, sizeof create - a, ")");
	snprintf(head, sizeof head, "INSERT INTO %s VALUES", t->name);

	int rc = exec(s, create);
	const row_writer w = {t->name, head, t->n_cols, bind_result_row};
	if (rc == LR_OK)
		rc = insert_rows(s, &w, t->n_rows, t);
	return rc;
}

/* No journal, SpatiaLite loaded, one transaction opened with SpatiaLite's
** metadata in it. */
static int open_spatial(store *s)
{
	char *msg = NULL;
	int rc;
	/* The file is temporary until renamed: atomicity comes from the
	** rename, so no journal and no syncing while building.  A small page
	** cache (8 MiB): the rows are appended, so each b-tree is only ever
	** written at its right edge, and a cache of 256 MiB only made the
	** kernel zero fresh pages for it (a fifth of the store's CPU at 10^5
	** hazards) and held a quarter of a GiB at 10^6. */
	if ((rc = exec(s, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
	                  "PRAGMA locking_mode=EXCLUSIVE; "
	                  "PRAGMA temp_store=MEMORY; "
	                  "PRAGMA cache_size=-8192")) != LR_OK)
		return rc;
	sqlite3_enable_load_extension(s->db, 1);
	if (sqlite3_load_extension(s->db, "mod_spatialite", NULL, &msg) !=
	    SQLITE_OK) {
		rc = lr_error_set(s->err, LR_ERR_STORE,
		                  "store %s: cannot load SpatiaLite "
		                  "(mod_spatialite): %s",
		                  s->path, msg ? msg : "unknown error");
		sqlite3_free(msg);
		return rc;
	}
	sqlite3_enable_load_extension(s->db, 0);
	/* One transaction for everything, the SpatiaLite metadata included
	** (InitSpatialMetadata(0): no transaction of its own), so a full
	** disk shows as an SQLite I/O error rather than a bare 0. */
	if ((rc = exec(s, "BEGIN")) != LR_OK)
		return rc;
	return exec_check1(s, "SELECT InitSpatialMetadata(0)");
}

/*
** The geometry tables, with their spatial indexes made while the tables
** are empty (their content comes from lr__rtree_build): all a store needs
** before the faces' rows.
*/
static int write_geo_schema(store *s)
{
	int rc;
	for (int k = 0; k < LR__N_GEO; k++)
		if ((rc = create_geo_table(s, geo_table[k], geo_columns[k])) !=
		    LR_OK)
			return rc;
	for (int k = 0; k < LR__N_GEO; k++) {
		char sql[128];
		snprintf(sql, sizeof sql,
		         "SELECT CreateSpatialIndex('%s', 'geometry')",
		         geo_table[k]);
		if ((rc = exec_check1(s, sql)) != LR_OK)
			return rc;
	}
	return LR_OK;
}

/* The tables that need the ledger's result: meta, the counts of the
** inputs, the result tables. */
static int write_tables(store *s, const lr_dataset *d, const lr_result *r)
{
	int rc;
	if ((rc = write_meta(s, d, r)) != LR_OK ||
	    (rc = write_counts(s, d)) != LR_OK)
		return rc;
	for (int k = 0; k < LR__N_TABLES; k++) {
		lr__table t;
		if (lr__table_open(k, d, r, &t) &&
		    (rc = write_result_table(s, &t)) != LR_OK)
			return rc;
	}
	return LR_OK;
}

/*
** Ask the kernel to start writing out what SQLite has written of file so
** far, without waiting: the fsync at the end then finds most of the file
** already on disk instead of waiting for all of it, and the writes never
** pile up to the dirty limit where the kernel stalls the writer (a store
** of 3 GiB at 10^6 hazards).  Only a hint: nothing is lost if it fails.
*/
static void start_writeback(const char *file)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	close(fd);
}

/* Triggers off for the rows of the geometry tables: SpatiaLite's fire per
** row to check the geometry (bind_geometry does), stamp the time (the
** stamps are fixed at the end anyway) and insert into the spatial index
** (built alongside instead). */
static int triggers(store *s, int on)
{
	if (sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, on,
	                      NULL) != SQLITE_OK)
		return fail(s, on ? "triggers on" : "triggers off");
	return LR_OK;
}

/* Room for n more face rows' MBRs. */
static int reserve_boxes(store *s, size_t n)
{
	lr__face_boxes *b = &s->faces;
	if (b->len + n <= b->cap)
		return LR_OK;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap < b->len + n)
		cap *= 2;
	double(*mbr)[4] = realloc(b->mbr, cap * sizeof *mbr);
	if (!mbr)
		return lr_error_set(s->err, LR_ERR_NOMEM,
		                    "store %s: out of memory", s->path);
	b->mbr = mbr;
	b->cap = cap;
	return LR_OK;
}

/* Bytes of face rows written between two hints to the kernel to start
** writing them out (start_writeback). */
#define WRITEBACK_BYTES (64u << 20)

int lr__store_faces(store *s, const lr_face *faces, size_t n)
{
	double t0 = lr_now_seconds();
	int rc = reserve_boxes(s, n);
	if (rc == LR_OK)
		rc = triggers(s, 0);
	const faces_ctx ctx = {s->d, faces, s->faces.len};
	if (rc == LR_OK)
		rc = insert_rows(s, &face_rows, n, &ctx);
	if (rc == LR_OK) {
		s->faces.len += n;
		rc = triggers(s, 1);
	}
	for (size_t i = 0; i < n; i++)
		s->unsynced += faces[i].geom.size;
	if (s->unsynced >= WRITEBACK_BYTES) {
		start_writeback(s->tmp);
		s->unsynced = 0;
	}
	s->t.faces += lr_now_seconds() - t0;
	return rc;
}

/* The inputs' rows (their columns from the ledger's result too), triggers
** off as for the faces'.  *seconds: the time they took. */
static int write_input_rows(store *s, const lr_dataset *d, const lr_result *r,
                            double *seconds)
{
	double t0 = lr_now_seconds();
	const rows_ctx ctx = {d, r};
	int rc = triggers(s, 0);
	if (rc == LR_OK &&
	    (rc = insert_rows(s, &region_rows, d->regions.len, &ctx)) ==
	            LR_OK &&
	    (rc = insert_rows(s, &hazard_rows, d->hazards.len, &ctx)) ==
	            LR_OK) {
		start_writeback(s->tmp);
		rc = insert_rows(s, &release_rows, d->releases.len, &ctx);
	}
	start_writeback(s->tmp);
	if (rc == LR_OK)
		rc = triggers(s, 1);
	*seconds = lr_now_seconds() - t0;
	return rc;
}

/* The jobs of write_rows_and_indexes, longest first so that two threads
** end together: the inputs' rows (JOB_ROWS) on the store's connection,
** each index (LR__GEO_*) in memory, then the side job (the CSV tables) on
** the thread the indexes leave idle while the rows are still being
** written. */
enum { JOB_ROWS = LR__N_GEO, JOB_SIDE, N_JOBS };
static const int job_order[N_JOBS] = {JOB_ROWS,         LR__GEO_FACES,
                                      LR__GEO_RELEASES, LR__GEO_HAZARDS,
                                      LR__GEO_REGIONS,  JOB_SIDE};

/*
** The inputs' rows and every spatial index, built on `threads` threads
** (two at most are worth it), then the indexes copied into the store.
** The store's connection is used by one thread only.
*/
static int write_rows_and_indexes(store *s, const lr_result *r, int threads,
                                  const lr__side_job *side)
{
	size_t size[LR__N_GEO];
	int rc = LR_OK;
	for (int k = 0; k < LR__N_GEO; k++)
		if (lr__rtree_node_size(s->db, geo_table[k], &size[k]) !=
		    SQLITE_OK)
			return fail(s, "spatial index");
	lr__rtree_rows trees[LR__N_GEO] = {{0}};
	lr_error ierr[LR__N_GEO] = {{0}};
	int irc[LR__N_GEO] = {0};
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads > 1 ? 2 : 1)
	for (int j = 0; j < N_JOBS; j++) {
		int k = job_order[j];
		if (k == JOB_ROWS)
			rc = write_input_rows(s, s->d, r, &s->t.inputs);
		else if (k == JOB_SIDE) {
			if (side)
				side->run(side->arg);
		} else
			irc[k] = lr__rtree_build(s->d, &s->faces, k, size[k],
			                         &trees[k], &ierr[k]);
	}
	double copy = lr_now_seconds();
	for (int k = 0; k < LR__N_GEO; k++) {
		s->t.index[k] = trees[k].seconds;
		if (rc == LR_OK && irc[k] != LR_OK)
			rc = lr_error_set(s->err, ierr[k].code, "store %s: %s",
			                  s->path, ierr[k].msg);
		if (rc == LR_OK && lr__rtree_rows_store(s->db, geo_table[k],
		                                        &trees[k]) != SQLITE_OK)
			rc = fail(s, "spatial index");
		lr__rtree_rows_free(&trees[k]);
	}
	start_writeback(s->tmp);
	s->t.copy = lr_now_seconds() - copy;
	return rc;
}

/* The parts of the store, on one line of --timings. */
static void note_times(const lr_progress *timings, const part_times *t,
                       int threads, const char *file)
{
	struct stat st;
	double mib = stat(file, &st) == 0 ? (double)st.st_size / 1048576 : 0;
	lr_progress_note(
	        timings,
	        "timings: store: opened with its geometry tables %.3f s and "
	        "faces' rows %.3f s while the ledger ran; metadata and result "
	        "tables %.3f s; inputs' rows and spatial indexes %.3f s (%d "
	        "threads): inputs' rows %.3f s, indexes %.3f s (regions %.3f, "
	        "hazards %.3f, releases %.3f, faces %.3f); indexes copied in "
	        "%.3f s; stamps and commit %.3f s; file closed %.3f s; synced "
	        "to disk %.3f s (%.1f MiB); CPU %.3f s while the ledger ran "
	        "(the store's thread), %.3f s after it",
	        t->open, t->faces, t->schema, t->rows_and_indexes,
	        threads > 1 ? 2 : 1, t->inputs,
	        t->index[0] + t->index[1] + t->index[2] + t->index[3],
	        t->index[0], t->index[1], t->index[2], t->index[3], t->copy,
	        t->commit, t->close, t->sync, mib, t->cpu_stream,
	        lr_cpu_seconds() - t->cpu0);
}

/* Everything after the faces' rows, up to the commit of the transaction. */
static int write_rest(store *s, const lr_result *r, int threads,
                      const lr__side_job *side)
{
	double t0 = lr_now_seconds();
	int rc;
	if ((rc = write_tables(s, s->d, r)) != LR_OK)
		return rc;
	double t_schema = lr_now_seconds();
	s->t.schema = t_schema - t0;
	if ((rc = write_rows_and_indexes(s, r, threads, side)) != LR_OK)
		return rc;
	double t_rows = lr_now_seconds();
	s->t.rows_and_indexes = t_rows - t_schema - s->t.copy;
	/* SpatiaLite stamps its bookkeeping with the clock; a fixed stamp
	** keeps the store byte-identical for identical inputs. */
	if ((rc = exec(s, "UPDATE spatialite_history SET timestamp = "
	                  "'1970-01-01T00:00:00.000Z'")) != LR_OK ||
	    (rc = exec(s, "UPDATE geometry_columns_time SET last_insert = "
	                  "'1970-01-01T00:00:00.000Z', last_update = "
	                  "'1970-01-01T00:00:00.000Z', last_delete = "
	                  "'1970-01-01T00:00:00.000Z'")) != LR_OK ||
	    (rc = exec(s, "COMMIT")) != LR_OK)
		return rc;
	s->t.commit = lr_now_seconds() - t_rows;
	return LR_OK;
}

/* The CPU seconds of the calling thread. */
static double thread_cpu_seconds(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* fsync path; LR_OK or LR_ERR_IO naming final. */
static int fsync_file(const char *path, const char *final, lr_error *err)
{
	int fd = open(path, O_RDWR);
	if (fd < 0 || fsync(fd) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return lr_error_set(err, LR_ERR_IO, "cannot write %s: %s",
		                    final, strerror(e));
	}
	if (close(fd) != 0)
		return lr_error_set(err, LR_ERR_IO, "cannot write %s: %s",
		                    final, strerror(errno));
	return LR_OK;
}

/* The file of s created (new, under an unpredictable name) and opened as
** an empty database, SpatiaLite loaded, its geometry tables made. */
static int open_store(store *s, const char *dir)
{
	int a = snprintf(s->path, sizeof s->path, "%s/" LR_STORE_FILE, dir);
	if (a < 0 || (size_t)a >= sizeof s->path)
		return lr_error_set(s->err, LR_ERR_IO,
		                    "output path too long: %s", dir);
	lr_remove_stale_temps(dir, STORE_TMP_PREFIX);
	/* SQLite opens an empty file as an empty database. */
	if (lr_temp_create(s->path, NULL, s->tmp, sizeof s->tmp, s->err) !=
	    LR_OK) {
		s->tmp[0] = '\0';
		return s->err->code;
	}
	/* One thread at a time uses the connection: no mutexes. */
	if (sqlite3_open_v2(s->tmp, &s->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK)
		return lr_error_set(
		        s->err, LR_ERR_IO, "cannot write %s: %s", s->path,
		        s->db ? sqlite3_errmsg(s->db) : "out of memory");
	int rc = open_spatial(s);
	return rc == LR_OK ? write_geo_schema(s) : rc;
}

int lr__store_open(const lr_dataset *d, const char *dir, store **out,
                   lr_error *err)
{
	double t0 = lr_now_seconds();
	store *s = calloc(1, sizeof *s);
	*out = s;
	if (!s)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	s->err = err;
	s->d = d;
	int rc = open_store(s, dir);
	s->t.open = lr_now_seconds() - t0;
	return rc;
}

int lr__store_finish(store *s, const lr_result *r, const lr_progress *timings,
                     int threads, const lr__side_job *side, lr_commit *c)
{
	s->t.cpu_stream = thread_cpu_seconds();
	s->t.cpu0 = lr_cpu_seconds();
	threads = threads > 0 ? threads : omp_get_max_threads();
	int rc = write_rest(s, r, threads, side);
	if (rc != LR_OK)
		return rc;
	double t_close = lr_now_seconds();
	if (sqlite3_close(s->db) != SQLITE_OK)
		return fail(s, "close");
	s->db = NULL;
	double t_sync = lr_now_seconds();
	s->t.close = t_sync - t_close;
	if ((rc = fsync_file(s->tmp, s->path, s->err)) != LR_OK ||
	    (rc = lr_commit_add(c, s->tmp, s->path, s->err)) != LR_OK)
		return rc;
	s->t.sync = lr_now_seconds() - t_sync;
	note_times(timings, &s->t, threads, s->tmp);
	s->tmp[0] = '\0'; /* the commit's now */
	return LR_OK;
}

void lr__store_close(store *s)
{
	if (!s)
		return;
	sqlite3_close_v2(s->db); /* NULL is a no-op */
	if (s->tmp[0])
		(void)lr_file_remove(s->tmp, NULL);
	for (int k = 0; k < LR__INSERT_BATCH; k++)
		lr__blob_free(&s->blob[k]);
	free(s->faces.mbr);
	free(s);
}
