/*
** The ledger on generated national data, several seeds, checked against
** figures computed here another way: the face areas add up to the
** area of the union of all inputs, and the faces of each region
** to the union inside that region's polygon (GEOS union and intersection
** here, not the overlay's noding); the remaining land at an as-of date,
** recomputed from the events of each face in the store, equals the TOTAL
** row of remaining_by_region; and one and two threads build the same
** ledger.  The last seed uses the benchmarks' dense profile, whose shape
** (vertices a hazard and a release, releases a hazard) is checked too.
*/
#include "lr_engine.h"
#include "lr_test.h"
#include "lr_test_rtree.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Vertices of the records of v (each with its lr_wkb at offset off),
** closing points included, as GEOS counts them. */
static double vertices_of(GEOSContextHandle_t ctx, const lr_vec *v, size_t off)
{
	double n = 0;
	for (size_t i = 0; i < v->len; i++) {
		const char *rec = (const char *)v->data + i * v->elem;
		GEOSGeometry *g =
		        lr_wkb_to_geos_r(ctx, (const lr_wkb *)(rec + off));
		n += g ? GEOSGetNumCoordinates_r(ctx, g) : 0;
		GEOSGeom_destroy_r(ctx, g);
	}
	return n;
}

/* The dense profile: about 40 vertices a hazard, 16 a release and 1.9
** releases a hazard (the benchmarks' survey polygons). */
static void check_dense_shape(const lr_dataset *d, int seed)
{
	GEOSContextHandle_t ctx = GEOS_init_r();
	double nh = (double)d->hazards.len, nr = (double)d->releases.len;
	double vh = vertices_of(ctx, &d->hazards, offsetof(lr_hazard, geom));
	double vr = vertices_of(ctx, &d->releases, offsetof(lr_release, geom));
	GEOS_finish_r(ctx);
	lr_test_ok(nh > 0 && vh / nh > 36 && vh / nh < 44 && vr / nr > 14 &&
	                   vr / nr < 18 && nr / nh > 1.7 && nr / nh < 2.1,
	           "seed %d, dense profile: %.1f vertices a hazard (36-44), "
	           "%.1f a release (14-18), %.2f releases a hazard (1.7-2.1)",
	           seed, vh / nh, vr / nr, nr / nh);
}

/* ---- Faces against the union of the inputs, region by region ---------- */

/* The union of the records of v (each with its lr_wkb at offset off) and
** of extra (taken over, may be NULL), or NULL.  The caller destroys it. */
static GEOSGeometry *union_of(GEOSContextHandle_t ctx, const lr_vec *v,
                              size_t off, GEOSGeometry *extra)
{
	size_t n = v->len + (extra ? 1 : 0), k = 0;
	GEOSGeometry **g = calloc(n ? n : 1, sizeof *g);
	if (!g)
		return NULL;
	for (size_t i = 0; i < v->len; i++) {
		const char *rec = (const char *)v->data + i * v->elem;
		g[k++] = lr_wkb_to_geos_r(ctx, (const lr_wkb *)(rec + off));
	}
	if (extra)
		g[k++] = extra;
	GEOSGeometry *all = GEOSGeom_createCollection_r(
	        ctx, GEOS_GEOMETRYCOLLECTION, g, (unsigned)n);
	free(g);
	GEOSGeometry *u = all ? GEOSUnaryUnion_r(ctx, all) : NULL;
	GEOSGeom_destroy_r(ctx, all);
	return u;
}

/* What the test computes on its own from the input polygons. */
typedef struct union_land {
	double area_m2; /* area of the union of every input */
	double *planar; /* [n_regions + 1]: planar area (degrees^2) of
	                ** the union inside each region polygon, then
	                ** outside all of them; owned */
} union_land;

/* The union of all hazards and releases, its area, and its planar
** area in each region polygon and outside every region.  0 on success. */
static int union_by_region(const lr_dataset *d, union_land *ul)
{
	lr_error err = {0};
	GEOSContextHandle_t ctx = lr_geos_new(&err);
	size_t nr = d->regions.len;
	int rc = -1;
	GEOSGeometry *hz =
	        union_of(ctx, &d->hazards, offsetof(lr_hazard, geom), NULL);
	GEOSGeometry *u =
	        hz ? union_of(ctx, &d->releases, offsetof(lr_release, geom), hz)
	           : NULL;
	GEOSGeometry *regions =
	        union_of(ctx, &d->regions, offsetof(lr_region, geom), NULL);
	GEOSGeometry *out =
	        u && regions ? GEOSDifference_r(ctx, u, regions) : NULL;
	ul->planar = calloc(nr + 1, sizeof *ul->planar);
	if (!out || !ul->planar || !GEOSArea_r(ctx, out, &ul->planar[nr]))
		goto done;
	ul->area_m2 = lr_ellipsoid_area_r(ctx, u);
	rc = ul->area_m2 < 0 ? -1 : 0;
	for (size_t i = 0; rc == 0 && i < nr; i++) {
		const lr_region *r = &LR_VEC_AT(&d->regions, lr_region, i);
		GEOSGeometry *rg = lr_wkb_to_geos_r(ctx, &r->geom);
		GEOSGeometry *in = rg ? GEOSIntersection_r(ctx, u, rg) : NULL;
		if (!in || !GEOSArea_r(ctx, in, &ul->planar[i]))
			rc = -1;
		GEOSGeom_destroy_r(ctx, in);
		GEOSGeom_destroy_r(ctx, rg);
	}
done:
	GEOSGeom_destroy_r(ctx, out);
	GEOSGeom_destroy_r(ctx, regions);
	GEOSGeom_destroy_r(ctx, u);
	GEOS_finish_r(ctx);
	return rc;
}

/* Planar area of each row's faces (their kept geometries) into planar[]. */
static int faces_planar(const lr_result *r, double *planar)
{
	lr_error err = {0};
	GEOSContextHandle_t ctx = lr_geos_new(&err);
	int rc = ctx ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < r->faces.len; i++) {
		const lr_face *f = &LR_VEC_AT(&r->faces, lr_face, i);
		GEOSGeometry *g = lr_wkb_to_geos_r(ctx, &f->geom);
		double a = 0;
		if (!g || !GEOSArea_r(ctx, g, &a))
			rc = -1;
		planar[f->region] += a;
		GEOSGeom_destroy_r(ctx, g);
	}
	if (ctx)
		GEOS_finish_r(ctx);
	return rc;
}

/*
** The faces tile the union of the inputs, each in its region.
**
** On the ellipsoid, in total: each face's area is rounded to the cent, at
** most 0.005 m2 off.  Noding also puts vertices where region borders cross
** the outer edges of the union; on straight lon/lat edges they cut an edge
** into pieces of the same land, up to the rounding of the nodes (1e-12 of
** the total is far above it; 0.12 m2 of cent rounding over 861 faces is
** the largest difference measured).  Vertices inside the union move land
** between neighbouring faces, which the total does not see.
**
** Planar, region by region: both sides are the same point set cut by two
** noders in double precision, so they agree to rounding (3e-11 measured,
** 1e-12 typical); a row off by more than 1e-9 of it, or by 1e-14 degree2
** (about 1e-4 m2) when nearly empty, has a face in the wrong region or a
** face missing.
*/
static void check_faces_tile(const lr_dataset *d, const lr_result *r, int seed)
{
	size_t rows = (size_t)r->n_regions + 1;
	union_land ul = {0};
	double *planar = calloc(rows, sizeof *planar);
	if (!lr_test_ok(planar && !union_by_region(d, &ul) &&
	                        !faces_planar(r, planar),
	                "seed %d: union of the inputs by region", seed))
		goto done;
	lr_cents sum = 0;
	for (size_t i = 0; i < r->faces.len; i++)
		sum += LR_VEC_AT(&r->faces, lr_face, i).area;
	lr_test_near((double)sum / 100.0, ul.area_m2,
	             0.005 * (double)r->faces.len + 1e-12 * ul.area_m2,
	             "seed %d: sum of the face areas = area of the "
	             "union of all hazards and releases",
	             seed);
	int ok = 1;
	for (size_t row = 0; row < rows; row++) {
		if (fabs(planar[row] - ul.planar[row]) >
		    1e-9 * ul.planar[row] + 1e-14) {
			printf("#   row %zu: faces %.17g, union %.17g deg2\n",
			       row, planar[row], ul.planar[row]);
			ok = 0;
		}
	}
	lr_test_ok(ok,
	           "seed %d: the faces of each region cover the union of all "
	           "inputs inside its polygon (and outside every region)",
	           seed);
done:
	free(ul.planar);
	free(planar);
}

/* ---- Remaining land from the events of the store's faces --------------- */

/*
** The state at as_of (a "YYYY-MM-DD" string) of a face whose events text
** is ev ("2019-03-01 record H-1 SHA; 2020-05-02 release R-3 cleared"),
** by its own rule: a face is hazardous when some record on or before as_of
** is later than every release on or before as_of (a same-day release
** follows the records of that day), CHA if any such record is CHA.
** Returns 0 clean, LR_SHA, LR_CHA, or -1 if the text does not parse.
*/
static int state_from_events(const char *ev, const char *as_of)
{
	char last_release[11] = "";
	/* Two passes: the last release first, then the records after it. */
	for (int pass = 0; pass < 2; pass++) {
		int state = 0;
		for (const char *s = ev; *s;) {
			const char *end = strstr(s, "; ");
			size_t n = end ? (size_t)(end - s) : strlen(s);
			char item[256], date[11], kind[16], id[128], what[16];
			if (n >= sizeof item)
				return -1;
			memcpy(item, s, n);
			item[n] = '\0';
			if (sscanf(item, "%10s %15s %127s %15s", date, kind, id,
			           what) != 4)
				return -1;
			int is_record = !strcmp(kind, "record");
			if (!is_record && strcmp(kind, "release"))
				return -1;
			if (strcmp(date, as_of) <= 0) {
				if (pass == 0 && !is_record &&
				    strcmp(date, last_release) > 0)
					memcpy(last_release, date, sizeof date);
				if (pass == 1 && is_record &&
				    strcmp(date, last_release) > 0)
					state = !strcmp(what, "CHA") ||
					                        state == LR_CHA
					                ? LR_CHA
					                : LR_SHA;
			}
			s = end ? end + 2 : s + n;
		}
		if (pass == 1)
			return state;
	}
	return -1;
}

static lr_cents cents_of(double m2)
{
	return (lr_cents)llround(m2 * 100.0);
}

/* Remaining SHA and CHA land at as_of from the faces table of the store in
** dir, and the TOTAL row of its remaining_by_region.  0 on success. */
static int store_remaining(const char *dir, const char *as_of,
                           lr_cents faces[3], lr_cents total[3])
{
	char path[1200];
	snprintf(path, sizeof path, "%s/landrelease.sqlite", dir);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	            SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT area_m2, events FROM faces", -1, &st,
	                       NULL) != SQLITE_OK)
		goto done;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ev = (const char *)sqlite3_column_text(st, 1);
		int state = ev ? state_from_events(ev, as_of) : -1;
		if (state < 0)
			goto done;
		faces[state] += cents_of(sqlite3_column_double(st, 0));
	}
	sqlite3_finalize(st);
	st = NULL;
	if (step != SQLITE_DONE ||
	    sqlite3_prepare_v2(db,
	                       "SELECT sha_m2, cha_m2 FROM remaining_by_region "
	                       "WHERE region_id = 'TOTAL'",
	                       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto done;
	total[LR_SHA] = cents_of(sqlite3_column_double(st, 0));
	total[LR_CHA] = cents_of(sqlite3_column_double(st, 1));
	rc = 0;
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* Analyse d as of the middle of its years, write the store, and recompute
** the remaining land from its faces. */
/* ---- The store's geometries and spatial indexes, as SpatiaLite's own ---- */

/* Rows of table a not in table b, plus rows of b not in a. */
static long long rows_apart(sqlite3 *db, const char *a, const char *b)
{
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT (SELECT count(*) FROM (SELECT * FROM %s EXCEPT "
	         "SELECT * FROM %s)) + (SELECT count(*) FROM (SELECT * FROM %s "
	         "EXCEPT SELECT * FROM %s))",
	         a, b, b, a);
	return lr_test_q_int(db, sql);
}

/*
** Every geometry of the store is the blob SpatiaLite's GeomFromWKB makes
** of it, and every spatial index holds the (rowid, box) rows SpatiaLite's
** own build (CreateSpatialIndex's statement, into an R*Tree made here)
** holds, each box holding its geometry's MBR; then the indexes answer
** queries (check_indexes_answer), also after SpatiaLite's triggers have
** deleted a third of the faces and inserted as many again through SQLite's
** R*Tree module.
*/
static void check_store_spatial(const char *dir, int seed)
{
	static const char *const tables[] = {"regions", "hazards", "releases",
	                                     "faces"};
	char path[1200], sql[1024];
	snprintf(path, sizeof path, "%s/landrelease.sqlite", dir);
	sqlite3 *db = NULL;
	char *msg = NULL;
	int ok = sqlite3_open(path, &db) == SQLITE_OK &&
	         sqlite3_enable_load_extension(db, 1) == SQLITE_OK &&
	         sqlite3_load_extension(db, "mod_spatialite", NULL, &msg) ==
	                 SQLITE_OK;
	sqlite3_free(msg);
	long long blobs = 0, apart = 0, loose = 0, rows = 0;
	for (int k = 0; ok && k < 4; k++) {
		const char *t = tables[k];
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM %s WHERE geometry IS NOT NULL "
		         "AND geometry IS NOT "
		         "GeomFromWKB(ST_AsBinary(geometry), "
		         "4326)",
		         t);
		blobs += lr_test_q_int(db, sql);
		snprintf(sql, sizeof sql,
		         "DROP TABLE IF EXISTS chk; CREATE VIRTUAL TABLE chk "
		         "USING rtree(pkid, xmin, xmax, ymin, ymax); INSERT "
		         "INTO "
		         "chk (pkid, xmin, xmax, ymin, ymax) SELECT ROWID, "
		         "MbrMinX(geometry), MbrMaxX(geometry), "
		         "MbrMinY(geometry), "
		         "MbrMaxY(geometry) FROM %s WHERE MbrMinX(geometry) IS "
		         "NOT "
		         "NULL",
		         t);
		ok = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
		char idx[64];
		snprintf(idx, sizeof idx, "idx_%s_geometry", t);
		apart += rows_apart(db, idx, "chk");
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM idx_%s_geometry i JOIN %s g ON "
		         "g.rowid = i.pkid WHERE i.xmin > MbrMinX(g.geometry) "
		         "OR i.xmax < MbrMaxX(g.geometry) OR i.ymin > "
		         "MbrMinY(g.geometry) OR i.ymax < MbrMaxY(g.geometry)",
		         t, t);
		loose += lr_test_q_int(db, sql);
		rows += lr_test_q_int(db, "SELECT count(*) FROM chk");
	}
	ok = ok &&
	     sqlite3_exec(db, "DROP TABLE chk", NULL, NULL, NULL) == SQLITE_OK;
	lr_test_ok(ok && blobs == 0 && apart == 0 && loose == 0 && rows > 0,
	           "seed %d: the store's geometries are SpatiaLite's blobs "
	           "(%lld differ) and its 4 spatial indexes hold the rowids "
	           "and boxes of SpatiaLite's own (%lld rows apart, %lld "
	           "indexed), each box holding its geometry's MBR (%lld do "
	           "not)",
	           seed, blobs, apart, rows, loose);
	lr_test_rtrees_answer(db, seed, "as written");
	ok = ok && sqlite3_exec(db,
	                        "DELETE FROM faces WHERE face_id % 3 = 0; "
	                        "INSERT INTO faces(region_id, area_m2, state, "
	                        "events, geometry) SELECT region_id, area_m2, "
	                        "state, events, geometry FROM faces WHERE "
	                        "face_id % 3 = 1",
	                        NULL, NULL, NULL) == SQLITE_OK;
	if (lr_test_ok(ok,
	               "seed %d: SpatiaLite deletes and inserts faces "
	               "(%s)",
	               seed, sqlite3_errmsg(db)))
		lr_test_rtrees_answer(db, seed,
		                      "after a third of the faces "
		                      "deleted and as many inserted");
	sqlite3_close(db);
}

/* The same files whether the store uses one thread or two (on two, the
** CSV tables are written beside the store's rows). */
static void check_store_threads(const lr_dataset *d, const lr_result *r,
                                const char *dir, int seed)
{
	char a[1100], b[1100], cmd[6000];
	snprintf(a, sizeof a, "%s/t1-%d", dir, seed);
	snprintf(b, sizeof b, "%s/t2-%d", dir, seed);
	lr_error err = {0};
	int ok = lr_outputs_write(d, r, a, NULL, 1, &err) == LR_OK &&
	         lr_outputs_write(d, r, b, NULL, 2, &err) == LR_OK;
	snprintf(cmd, sizeof cmd,
	         "cmp -s '%s/landrelease.sqlite' '%s/landrelease.sqlite'", a,
	         b);
	lr_test_ok(ok && system(cmd) == 0,
	           "seed %d: the store written on 1 and on 2 threads is the "
	           "same file, byte for byte (%s)",
	           seed, err.msg);
	snprintf(cmd, sizeof cmd,
	         "test -s '%s/release_by_year.csv' && diff -r -q '%s' '%s' "
	         ">/dev/null && ! ls -A '%s' '%s' | grep -q '[.]tmp[.]'",
	         a, a, b, a, b);
	lr_test_ok(ok && system(cmd) == 0,
	           "seed %d: every CSV table written on 1 and on 2 threads is "
	           "the same file, and no temporary is left",
	           seed);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", a, b);
	if (system(cmd) != 0)
		printf("# could not remove %s, %s\n", a, b);
}

static void check_remaining(lr_dataset *d, const lr_result *full,
                            const char *dir, int seed)
{
	int mid = (full->first_year + full->last_year) / 2;
	lr_options opt = {.as_of = lr_date_from_ymd(mid, 6, 30),
	                  .baseline = LR_DATE_NONE,
	                  .scope = LR_CONT_ALL,
	                  .keep_faces = true};
	lr_error err = {0};
	lr_result *r = NULL;
	char as_of[16], out[1100];
	lr_date_format(opt.as_of, as_of);
	snprintf(out, sizeof out, "%s/out%d", dir, seed);
	if (!lr_test_ok(lr_analyze(d, &opt, &r, &err) == LR_OK &&
	                        lr_store_write(d, r, out, &err) == LR_OK,
	                "seed %d: analyze as of %s and write the store (%s)",
	                seed, as_of, err.msg))
		goto done;
	lr_cents faces[3] = {0}, total[3] = {0};
	int read = store_remaining(out, as_of, faces, total);
	if (!lr_test_ok(read == 0 && faces[LR_SHA] == total[LR_SHA] &&
	                        faces[LR_CHA] == total[LR_CHA],
	                "seed %d: remaining SHA and CHA land as of %s from "
	                "the events of every face in the store = the TOTAL "
	                "row of remaining_by_region, to the cent",
	                seed, as_of))
		printf("#   read %d; faces SHA %lld CHA %lld, TOTAL SHA %lld "
		       "CHA %lld (cents)\n",
		       read, (long long)faces[LR_SHA], (long long)faces[LR_CHA],
		       (long long)total[LR_SHA], (long long)total[LR_CHA]);
	check_store_spatial(out, seed);
	check_store_threads(d, r, dir, seed);
done:
	lr_result_free(r);
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", out);
}

/* ---- One seed ---------------------------------------------------------- */

static int remaining_end_matches(const lr_result *r)
{
	for (int reg = 0; reg <= r->n_regions; reg++) {
		const lr_year_row *last = LR_YEAR_ROW(r, r->last_year, reg);
		if (last->remaining_end !=
		    r->remaining[reg].sha + r->remaining[reg].cha)
			return 0;
	}
	return 1;
}

/* Stocks by type, contamination parts and Form C against the remaining
** land, exactly: flows by year and lists by hazard against states by
** face. */
static void check_splits(const lr_result *r, int seed)
{
	int stocks = 1, asof = 1, parts = 1;
	lr_cents total = 0, listed = 0;
	for (int reg = 0; reg <= r->n_regions; reg++) {
		for (int y = r->first_year; y <= r->last_year; y++) {
			const lr_year_row *yr = LR_YEAR_ROW(r, y, reg);
			stocks &=
			        yr->sha_end + yr->cha_end == yr->remaining_end;
		}
		const lr_remaining_row *x = &r->remaining[reg];
		const lr_year_row *last = LR_YEAR_ROW(r, r->last_year, reg);
		asof &= last->sha_end == x->sha && last->cha_end == x->cha &&
		        last->sha_count_end == x->sha_count &&
		        last->cha_count_end == x->cha_count;
		parts &= x->part[0] + x->part[1] + x->part[2] + x->part[3] ==
		         x->sha + x->cha;
		total += x->sha + x->cha;
	}
	for (size_t i = 0; i < r->n_form_c; i++)
		listed += r->hazard_listed[r->form_c[i]];
	lr_test_ok(stocks,
	           "seed %d: sha_end + cha_end = remaining_end, every "
	           "region and year",
	           seed);
	lr_test_ok(asof,
	           "seed %d: the as-of year's stocks and counts by type = the "
	           "remaining table",
	           seed);
	lr_test_ok(parts, "seed %d: AP + AV + ERW + mixed = remaining", seed);
	lr_test_ok(listed == total && r->n_form_c > 0,
	           "seed %d: Form C adds up to the remaining land", seed);
}

/* The figures of a remaining row that the levels add up, as one sum. */
static lr_cents weigh(const lr_remaining_row *x)
{
	return x->sha + 3 * x->cha + 5 * x->part[0] + 7 * x->part[1] +
	       11 * x->part[2] + 13 * x->part[3] +
	       17 * (x->sha_count + 19 * x->cha_count);
}

static lr_cents weigh_year(const lr_year_row *y)
{
	return y->new_land + 3 * y->released[0] + 5 * y->released[1] +
	       7 * y->released[2] + 11 * y->remaining_end + 13 * y->sha_end +
	       17 * y->reclassified + 19 * y->sha_count_end +
	       23 * y->cha_count_end + 29 * (y->ap_mines + y->erw);
}

/* Provinces (the parents the generator names) against the districts
** whose parent_id names them, summed here from the dataset; each level
** against the regions; no finding about the tree; 1 and 2 threads. */
static void check_levels(const lr_dataset *d, const lr_result *r,
                         const lr_result *r2, int seed)
{
	const lr_levels *lv = r->levels;
	if (!lr_test_ok(lv && lv->n_levels == 2,
	                "seed %d: two region levels, provinces and districts",
	                seed))
		return;
	lr_cents total = 0, by_level[3] = {0}, years_total = 0;
	lr_cents years_level[3] = {0};
	int provinces = 1;
	for (int x = 0; x <= r->n_regions; x++) {
		total += weigh(&r->remaining[x]);
		for (int y = r->first_year; y <= r->last_year; y++)
			years_total += weigh_year(LR_YEAR_ROW(r, y, x));
	}
	for (size_t i = 0; i < lv->n_rows; i++) {
		const lr_level_row *row = &lv->rows[i];
		by_level[row->level] += weigh(&lv->remaining[i]);
		for (int y = r->first_year; y <= r->last_year; y++)
			years_level[row->level] +=
			        weigh_year(LR_LEVEL_YEAR_ROW(r, y, i));
		if (row->level != 1 || row->node < 0)
			continue;
		lr_cents districts = 0;
		for (size_t g = 0; g < d->regions.len; g++) {
			const lr_region *rg =
			        &LR_VEC_AT(&d->regions, lr_region, g);
			if (rg->parent_id &&
			    !strcmp(rg->parent_id, lv->nodes[row->node].id))
				districts += weigh(&r->remaining[g]);
		}
		provinces &= districts == weigh(&lv->remaining[i]);
	}
	lr_test_ok(provinces,
	           "seed %d: each province = the districts naming it", seed);
	lr_test_ok(by_level[1] == total && by_level[2] == total &&
	                   years_level[1] == years_total &&
	                   years_level[2] == years_total,
	           "seed %d: each level adds up to the regions' total, every "
	           "year",
	           seed);
	int tree_findings = 0;
	for (size_t i = 0; i < d->quality.items.len; i++) {
		const char *c =
		        LR_VEC_AT(&d->quality.items, lr_finding, i).code;
		tree_findings += !strcmp(c, "region_orphan") ||
		                 !strcmp(c, "region_cycle") ||
		                 !strcmp(c, "unknown_parent");
	}
	lr_test_ok(tree_findings == 0,
	           "seed %d: provinces named only by parent_id are no finding",
	           seed);
	size_t cells = (size_t)(r->last_year - r->first_year + 1) * lv->n_rows;
	lr_test_ok(r2->levels && r2->levels->n_rows == lv->n_rows &&
	                   !memcmp(r2->levels->remaining, lv->remaining,
	                           lv->n_rows * sizeof *lv->remaining) &&
	                   !memcmp(r2->levels->years, lv->years,
	                           cells * sizeof *lv->years),
	           "seed %d: 1 and 2 threads give the same levels", seed);
}

/* The per-hazard figures of two results are the same. */
static int same_lists(const lr_dataset *d, const lr_result *a,
                      const lr_result *b)
{
	size_t n = d->hazards.len;
	size_t cells = (size_t)(a->last_year - a->first_year + 1) *
	               (size_t)(a->n_regions + 1);
	return a->n_form_c == b->n_form_c &&
	       !memcmp(a->years, b->years, cells * sizeof *a->years) &&
	       !memcmp(a->remaining, b->remaining,
	               (size_t)(a->n_regions + 1) * sizeof *a->remaining) &&
	       !memcmp(a->hazard_listed, b->hazard_listed,
	               n * sizeof *a->hazard_listed) &&
	       !memcmp(a->hazard_lon_e6, b->hazard_lon_e6,
	               n * sizeof *a->hazard_lon_e6) &&
	       !memcmp(a->hazard_lat_e6, b->hazard_lat_e6,
	               n * sizeof *a->hazard_lat_e6);
}

static int same_ledger(const lr_dataset *d1, const lr_result *r1,
                       const lr_dataset *d2, const lr_result *r2)
{
	int same = r1->n_faces == r2->n_faces;
	for (size_t i = 0; same && i < r1->faces.len; i++) {
		const lr_face *a = &LR_VEC_AT(&r1->faces, lr_face, i);
		const lr_face *b = &LR_VEC_AT(&r2->faces, lr_face, i);
		same = a->area == b->area && a->region == b->region &&
		       !strcmp(a->events, b->events);
	}
	size_t cells = (size_t)(r1->last_year - r1->first_year + 1) *
	               (size_t)(r1->n_regions + 1);
	same = same && !memcmp(r1->years, r2->years, cells * sizeof *r1->years);
	return same && d1->quality.items.len == d2->quality.items.len;
}

static void check_seed(const char *dir, int seed, const char *profile)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/gen%d.gpkg", dir, seed);
	if (!lr_test_ok(lr_test_generate(path, seed, 400, 16, profile) == 0,
	                "seed %d: generator makes a dataset (profile %s)", seed,
	                profile))
		return;
	lr_inputs in = {.dataset = path};
	in.today = lr_date_from_ymd(2100, 1, 1);
	lr_dataset d, d2;
	lr_dataset_init(&d);
	lr_dataset_init(&d2);
	lr_error err = {0};
	lr_result *r1 = NULL, *r2 = NULL;
	/* Read on three threads and on one: the same records and findings
	** (same_ledger below), whatever thread checks or takes a batch. */
	lr_inputs in1 = in;
	in.threads = 3;
	in1.threads = 1;
	if (!lr_test_ok(lr_ingest(&in, &d, &err) == LR_OK &&
	                        lr_ingest(&in1, &d2, &err) == LR_OK,
	                "seed %d: ingest (%s)", seed, err.msg))
		goto done;
	int reconcile = 1;
	for (int i = 0; i < 3; i++)
		if (d.counts[i].read !=
		    d.counts[i].accepted + d.counts[i].rejected)
			reconcile = 0;
	lr_test_ok(reconcile, "seed %d: read = accepted + rejected", seed);
	if (!strcmp(profile, "dense"))
		check_dense_shape(&d, seed);

	lr_options opt = {.as_of = LR_DATE_NONE,
	                  .baseline = LR_DATE_NONE,
	                  .scope = LR_CONT_ALL,
	                  .threads = 1,
	                  .keep_faces = true};
	lr_analyze(&d, &opt, &r1, &err);
	opt.threads = 2;
	lr_analyze(&d2, &opt, &r2, &err);
	if (!lr_test_ok(r1 && r2, "seed %d: analyze", seed))
		goto done;
	/* Flows summed by year against states summed by face. */
	lr_test_ok(remaining_end_matches(r1),
	           "seed %d: last year's remaining_end = remaining table, "
	           "every region",
	           seed);
	check_faces_tile(&d, r1, seed);
	check_splits(r1, seed);
	check_levels(&d, r1, r2, seed);
	lr_test_ok(same_lists(&d, r1, r2),
	           "seed %d: 1 and 2 threads give the same tables, Form C and "
	           "points",
	           seed);
	lr_test_ok(same_ledger(&d, r1, &d2, r2),
	           "seed %d: 1 and 2 threads give the same ledger and "
	           "findings",
	           seed);
	check_remaining(&d, r1, dir, seed);
done:
	lr_result_free(r1);
	lr_result_free(r2);
	lr_dataset_free(&d);
	lr_dataset_free(&d2);
	unlink(path);
}

int main(void)
{
	char dir[] = "/tmp/lr-test-gen-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	for (int seed = 1; seed <= 3; seed++)
		check_seed(dir, seed, "never");
	check_seed(dir, 4, "dense");
	rmdir(dir);
	return lr_test_done();
}
