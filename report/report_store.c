/*
** What the report reads from the store: the meta table, tables 1 to 3
** (remaining_by_region, release_by_year) and the geometries the map draws.
*/
#include "report_load_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int lr__store_fail(sqlite3 *db, const char *path, const char *what,
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

int lr__load_meta(lr_report *r, sqlite3 *db, lr_error *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta", -1, &st,
	                       NULL) != SQLITE_OK)
		return lr__store_fail(db, r->store, "reading meta", err);
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
			return lr__nomem(err);
	if (!r->as_of[0] || r->first_year <= 0 || r->last_year < r->first_year)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: the meta table has no as_of, "
		                    "first_year or last_year (is it a store "
		                    "written by `landrelease analyze`?)",
		                    r->store);
	return LR_OK;
}

rregion *lr__find_region(const lr_report *r, const char *id)
{
	for (size_t i = 0; i < r->regions.len; i++) {
		rregion *g = &LR_VEC_AT(&r->regions, rregion, i);
		if (!strcmp(g->id, id))
			return g;
	}
	return NULL;
}

const char *lr__region_name(const lr_report *r, const char *id)
{
	if (!strcmp(id, "TOTAL"))
		return "National total";
	if (!strcmp(id, "OUTSIDE"))
		return "Outside every region";
	const rregion *g = lr__find_region(r, id);
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

int lr__load_remaining(lr_report *r, sqlite3 *db, lr_error *err)
{
	rtable *t = &r->tables[T_REMAINING];
	int rc = lr__rtable_init(t, "remaining_by_region",
	                         "Table 1. Remaining contamination by region",
	                         9, err);
	static const rcol_def cols[] = {
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
	if (rc == LR_OK)
		rc = lr__rtable_cols(t, cols, 9, err);
	if (rc != LR_OK)
		return rc;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db,
	                       "SELECT region_id, region_name, sha_count, "
	                       "sha_m2, cha_count, cha_m2, total_count, "
	                       "total_m2 FROM remaining_by_region ORDER BY "
	                       "rowid",
	                       -1, &st, NULL) != SQLITE_OK)
		return lr__store_fail(db, r->store,
		                      "reading remaining_by_region", err);
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
		lr__rtable_num(t, row, 8, lr__m2(lr__cents(tot)) / 1e6);
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
			rc = lr__nomem(err);
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

/* ---- tables 2 and 3: release_by_year ----------------------------------- */

/* Years of national new land kept for table 3's TOTAL row: far more than a
** store spans. */
enum { MAX_YEARS = 512 };

/* New land per region and year, gathered from release_by_year for table 3. */
typedef struct new_land {
	int ny;         /* years first_year..last_year */
	lr_vec ids;     /* char *, owned: regions in release_by_year order */
	int64_t *cents; /* [ids.len * ny] cents, owned; grown per region */
	size_t cap;     /* cents allocated */
	int64_t total[MAX_YEARS]; /* the TOTAL rows, cents */
} new_land;

static void new_land_free(new_land *nl)
{
	for (size_t k = 0; k < nl->ids.len; k++)
		free(LR_VEC_AT(&nl->ids, char *, k));
	lr_vec_free(&nl->ids);
	free(nl->cents);
}

/* Add v m² of new land to region id in year index y (a region seen for the
** first time gets a row). */
static int new_land_add(new_land *nl, const char *id, int y, double v,
                        lr_error *err)
{
	size_t k = 0, ny = (size_t)nl->ny;
	while (k < nl->ids.len && strcmp(LR_VEC_AT(&nl->ids, char *, k), id))
		k++;
	if (k == nl->ids.len) {
		char *s = lr_strdup(id);
		if (!s || !lr_vec_push(&nl->ids, &s)) {
			free(s);
			return lr__nomem(err);
		}
		if (nl->ids.len * ny > nl->cap) {
			size_t cap = (nl->ids.len * 2) * ny;
			int64_t *n = realloc(nl->cents, cap * sizeof *n);
			if (!n)
				return lr__nomem(err);
			memset(n + nl->cap, 0, (cap - nl->cap) * sizeof *n);
			nl->cents = n;
			nl->cap = cap;
		}
	}
	nl->cents[k * ny + (size_t)y] += lr__cents(v);
	return LR_OK;
}

/* The chart arrays r->remaining_end, new_land and released, [n_years]. */
static int year_arrays(lr_report *r, lr_error *err)
{
	int ny = r->last_year - r->first_year + 1;
	r->n_years = ny;
	r->remaining_end = lr_xcalloc((size_t)ny, sizeof(double));
	r->new_land = lr_xcalloc((size_t)ny, sizeof(double));
	for (int m = 0; m < 3; m++)
		r->released[m] = lr_xcalloc((size_t)ny, sizeof(double));
	if (!r->remaining_end || !r->new_land || !r->released[0] ||
	    !r->released[1] || !r->released[2])
		return lr__nomem(err);
	return LR_OK;
}

static int released_init(rtable *t2, lr_error *err)
{
	static const rcol_def cols[] = {
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
	int rc = lr__rtable_init(
	        t2, "release_by_year",
	        "Table 2. Land released by year and method, items destroyed", 9,
	        err);
	return rc == LR_OK ? lr__rtable_cols(t2, cols, 9, err) : rc;
}

/*
** A TOTAL row of release_by_year (year index y): the national figures of
** the charts, a row of table 2, its sums into sum2 (cents for areas 1..4,
** counts for items 5..7) and its new land into nl.
*/
static int national_year(lr_report *r, sqlite3_stmt *st, int y, int64_t sum2[8],
                         new_land *nl, lr_error *err)
{
	rtable *t2 = &r->tables[T_RELEASED];
	r->new_land[y] = sqlite3_column_double(st, 2);
	r->released[2][y] = sqlite3_column_double(st, 3);
	r->released[1][y] = sqlite3_column_double(st, 4);
	r->released[0][y] = sqlite3_column_double(st, 5);
	r->remaining_end[y] = sqlite3_column_double(st, 7);
	if (y < MAX_YEARS)
		nl->total[y] = lr__cents(sqlite3_column_double(st, 2));
	size_t row;
	int rc = lr__rtable_add_row(t2, &row, err);
	if (rc != LR_OK)
		return rc;
	lr__rtable_num(t2, row, 0, sqlite3_column_int(st, 0));
	for (int c = 1; c <= 4; c++) {
		double v = sqlite3_column_double(st, c + 2);
		lr__rtable_num(t2, row, c, v);
		sum2[c] += lr__cents(v);
	}
	lr__rtable_num(t2, row, 5, sqlite3_column_double(st, 6) / 1e6);
	for (int c = 6; c <= 8; c++) {
		int64_t v = sqlite3_column_int64(st, c + 2);
		lr__rtable_num(t2, row, c, (double)v);
		sum2[c - 1] += v;
	}
	return LR_OK;
}

/* The rows of release_by_year within first_year..last_year: TOTAL rows
** into table 2 and the charts, regions' new land into nl. */
static int read_years(lr_report *r, sqlite3 *db, int64_t sum2[8], new_land *nl,
                      lr_error *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db,
	                       "SELECT year, region_id, new_m2, "
	                       "cancelled_m2, reduced_m2, cleared_m2, "
	                       "released_m2, remaining_end_m2, ap_mines, "
	                       "av_mines, erw FROM release_by_year ORDER BY "
	                       "rowid",
	                       -1, &st, NULL) != SQLITE_OK)
		return lr__store_fail(db, r->store, "reading release_by_year",
		                      err);
	int rc = LR_OK;
	while (rc == LR_OK && sqlite3_step(st) == SQLITE_ROW) {
		int year = sqlite3_column_int(st, 0);
		const char *id = (const char *)sqlite3_column_text(st, 1);
		if (!id || year < r->first_year || year > r->last_year)
			continue;
		int y = year - r->first_year;
		if (!strcmp(id, "TOTAL"))
			rc = national_year(r, st, y, sum2, nl, err);
		else
			rc = new_land_add(nl, id, y,
			                  sqlite3_column_double(st, 2), err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Table 2's TOTAL row from the sums of its years. */
static int released_total(rtable *t2, const int64_t sum2[8], lr_error *err)
{
	size_t row;
	int rc = lr__rtable_add_row(t2, &row, err);
	if (rc != LR_OK)
		return rc;
	t2->total[row] = 1;
	rc = lr__rtable_text(t2, row, 0, "TOTAL", err);
	for (int c = 1; c <= 4; c++)
		lr__rtable_num(t2, row, c, lr__m2(sum2[c]));
	lr__rtable_num(t2, row, 5, lr__m2(sum2[4]) / 1e6);
	for (int c = 6; c <= 8; c++)
		lr__rtable_num(t2, row, c, (double)sum2[c - 1]);
	return rc;
}

/* Table 3's columns: region, name, one per year, total in m² and km². */
static int new_init(const lr_report *r, rtable *t3, lr_error *err)
{
	int ny = r->n_years;
	int rc = lr__rtable_init(t3, "new_contamination",
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
	return rc;
}

/* Table 3's rows from nl: a row per region, then TOTAL. */
static int new_rows(const lr_report *r, rtable *t3, const new_land *nl,
                    lr_error *err)
{
	int ny = r->n_years;
	int rc = LR_OK;
	for (size_t k = 0; rc == LR_OK && k <= nl->ids.len; k++) {
		size_t row;
		bool tot = k == nl->ids.len;
		const char *id = tot ? "TOTAL" : LR_VEC_AT(&nl->ids, char *, k);
		if ((rc = lr__rtable_add_row(t3, &row, err)) != LR_OK ||
		    (rc = lr__rtable_text(t3, row, 0, id, err)) != LR_OK ||
		    (rc = lr__rtable_text(t3, row, 1, lr__region_name(r, id),
		                          err)) != LR_OK)
			break;
		int64_t s = 0;
		for (int y = 0; y < ny; y++) {
			int64_t v = tot ? (y < MAX_YEARS ? nl->total[y] : 0)
			                : nl->cents[k * (size_t)ny + (size_t)y];
			lr__rtable_num(t3, row, 2 + y, lr__m2(v));
			s += v;
		}
		lr__rtable_num(t3, row, ny + 2, lr__m2(s));
		lr__rtable_num(t3, row, ny + 3, lr__m2(s) / 1e6);
		t3->total[row] = tot;
	}
	return rc;
}

/* Units and sources of tables 2 and 3; note (shared) says when the last
** year is cut at the as-of date. */
static int years_meta(lr_report *r, lr_error *err)
{
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
	int rc = lr__rtable_meta(&r->tables[T_RELEASED], units, src, note, err);
	if (rc != LR_OK)
		return rc;
	snprintf(units, sizeof units,
	         "Land recorded as hazardous that was not hazardous "
	         "before (a second survey of hazardous land adds "
	         "nothing), in m², by year of the record; as of %s.%s",
	         r->as_of,
	         r->baseline[0] ? " Land recorded on or before the "
	                          "baseline date counts as baseline, "
	                          "not new."
	                        : "");
	store_source(r, "release_by_year (column new_m2)", src, sizeof src);
	return lr__rtable_meta(&r->tables[T_NEW], units, src, note, err);
}

/* Per year (TOTAL rows) into the chart arrays and tables 2 and 3. */
int lr__load_years(lr_report *r, sqlite3 *db, lr_error *err)
{
	int rc = year_arrays(r, err);
	if (rc == LR_OK)
		rc = released_init(&r->tables[T_RELEASED], err);
	if (rc != LR_OK)
		return rc;
	new_land nl = {.ny = r->n_years};
	lr_vec_init(&nl.ids, sizeof(char *));
	int64_t sum2[8] = {0};
	if ((rc = read_years(r, db, sum2, &nl, err)) == LR_OK &&
	    (rc = released_total(&r->tables[T_RELEASED], sum2, err)) == LR_OK &&
	    (rc = new_init(r, &r->tables[T_NEW], err)) == LR_OK &&
	    (rc = new_rows(r, &r->tables[T_NEW], &nl, err)) == LR_OK)
		rc = years_meta(r, err);
	new_land_free(&nl);
	return rc;
}

/* Grow r->box to hold box (the first shape sets it). */
static void extend_box(lr_report *r, bool *first, const double box[4])
{
	if (*first)
		memcpy(r->box, box, sizeof r->box);
	*first = false;
	r->box[0] = fmin(r->box[0], box[0]);
	r->box[1] = fmin(r->box[1], box[1]);
	r->box[2] = fmax(r->box[2], box[2]);
	r->box[3] = fmax(r->box[3], box[3]);
}

/* The region outlines of the store onto r->regions. */
static int region_shapes(lr_report *r, sqlite3 *db, bool *first, lr_error *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db,
	                       "SELECT region_id, AsBinary(geometry) FROM "
	                       "regions",
	                       -1, &st, NULL) != SQLITE_OK)
		return lr__store_fail(db, r->store, "reading region geometries",
		                      err);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		rregion *g = id ? lr__find_region(r, id) : NULL;
		if (!g || g->shape.n_pts)
			continue;
		const void *b = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);
		if (lr__wkb_to_shape(b, (size_t)n, &g->shape) != 0) {
			lr__shape_free(&g->shape);
			continue;
		}
		extend_box(r, first, g->shape.box);
	}
	sqlite3_finalize(st);
	return LR_OK;
}

/* The hazardous land of query sql (is it CHA, WKB) into r->faces. */
static int face_shapes(lr_report *r, sqlite3 *db, const char *sql, bool *first,
                       lr_error *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return lr__store_fail(db, r->store, "reading hazardous land",
		                      err);
	int rc = LR_OK;
	while (rc == LR_OK && sqlite3_step(st) == SQLITE_ROW) {
		rface f = {sqlite3_column_int(st, 0), {0}};
		const void *b = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);
		if (lr__wkb_to_shape(b, (size_t)n, &f.shape) != 0) {
			lr__shape_free(&f.shape);
			continue;
		}
		extend_box(r, first, f.shape.box);
		if (!lr_vec_push(&r->faces, &f)) {
			lr__shape_free(&f.shape);
			rc = lr__nomem(err);
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int lr__load_shapes(lr_report *r, sqlite3 *db, lr_error *err)
{
	char *msg = NULL;
	sqlite3_enable_load_extension(db, 1);
	if (sqlite3_load_extension(db, "mod_spatialite", NULL, &msg) !=
	    SQLITE_OK) {
		int rc =
		        lr__report_note(r, err,
		                        "The map is omitted: SpatiaLite "
		                        "(mod_spatialite) cannot be loaded: %s",
		                        msg ? msg : "unknown error");
		sqlite3_free(msg);
		return rc;
	}
	sqlite3_enable_load_extension(db, 0);
	bool first = true;
	int rc = region_shapes(r, db, &first, err);
	/* The faces of the ledger; without them (analyze --no-faces) whole
	** hazards with land remaining. */
	static const char *const face_sql[2] = {
	        "SELECT state = 'CHA', AsBinary(geometry) FROM faces WHERE "
	        "state IN ('SHA', 'CHA') AND geometry IS NOT NULL",
	        "SELECT type = 'CHA', AsBinary(geometry) FROM hazards WHERE "
	        "remaining_m2 > 0 AND geometry IS NOT NULL"};
	for (int q = 0; q < 2 && rc == LR_OK && r->faces.len == 0; q++) {
		rc = face_shapes(r, db, face_sql[q], &first, err);
		if (rc == LR_OK && q == 1 && r->faces.len)
			rc = lr__report_note(
			        r, err,
			        "The store holds no face geometries: "
			        "the map draws whole hazards with "
			        "land remaining.");
	}
	r->has_geometry = !first;
	return rc;
}
