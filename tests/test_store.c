/*
** lr_store_write: the SpatiaLite store opens with mod_spatialite and OGR,
** holds every input, face and result row, agrees with itself, and is
** replaced atomically (no temporary file survives, failures keep the
** previous store).
*/
#include "lr_engine.h"
#include "lr_store_read.h"
#include "lr_test.h"
#include "lr_test_rtree.h"

#include <dirent.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void put_u32(unsigned char **p, uint32_t v)
{
	memcpy(*p, &v, 4); /* little-endian hosts only, as the WKB says */
	*p += 4;
}

static void put_f64(unsigned char **p, double v)
{
	memcpy(*p, &v, 8);
	*p += 8;
}

/* A lon/lat rectangle as a little-endian WKB MultiPolygon (owned by the
** returned struct: free with lr_wkb_free). */
static lr_wkb square(double x0, double y0, double x1, double y1)
{
	lr_wkb w = {.size = 9 + 9 + 4 + 5 * 16,
	            .minx = x0,
	            .miny = y0,
	            .maxx = x1,
	            .maxy = y1};
	unsigned char *p = w.data = malloc(w.size);
	if (!p)
		abort();
	*p++ = 1;
	put_u32(&p, 6); /* MultiPolygon */
	put_u32(&p, 1);
	*p++ = 1;
	put_u32(&p, 3); /* Polygon */
	put_u32(&p, 1);
	put_u32(&p, 5);
	const double xy[] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
	for (int i = 0; i < 10; i++)
		put_f64(&p, xy[i]);
	return w;
}

static double square_area(double x0, double y0, double x1, double y1)
{
	const double xy[] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
	return lr_ellipsoid_ring_area(xy, 5);
}

static int count_tmp(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp"))
			n++;
	closedir(d);
	return n;
}

/* The fixture's result arrays, owned by the test. */
typedef struct fixture {
	lr_dataset d;
	lr_result r;
	lr_remaining_row rem[3];
	lr_year_row years[6];
	/* D2's parent P1 is no region: D1 and P1 at level 1, D1 again (its
	** own land) and D2 at level 2, OUTSIDE in both. */
	lr_levels levels;
	lr_level_node nodes[3];
	lr_level_row level_rows[6];
	lr_remaining_row level_rem[6];
	lr_year_row level_years[12];
	int hazard_region[3], release_region[2];
	lr_cents hazard_remaining[3];
} fixture;

/* The levels of the fixture's regions, by hand. */
static void levels_init(fixture *fx)
{
	static const int leaf_of_row[6] = {0, 1, 2, 0, 1, 2};
	fx->nodes[0] = (lr_level_node){"D1", "District One", -1, 1, 0};
	fx->nodes[1] = (lr_level_node){"D2", "District Two", 2, 2, 1};
	fx->nodes[2] = (lr_level_node){"P1", "P1", -1, 1, -1};
	fx->level_rows[0] = (lr_level_row){1, 0, false};
	fx->level_rows[1] = (lr_level_row){1, 2, false};
	fx->level_rows[2] = (lr_level_row){1, -1, false};
	fx->level_rows[3] = (lr_level_row){2, 0, true};
	fx->level_rows[4] = (lr_level_row){2, 1, false};
	fx->level_rows[5] = (lr_level_row){2, -1, false};
	for (int i = 0; i < 6; i++) {
		fx->level_rem[i] = fx->rem[leaf_of_row[i]];
		for (int y = 0; y < 2; y++)
			fx->level_years[y * 6 + i] =
			        fx->years[y * 3 + leaf_of_row[i]];
	}
	fx->levels = (lr_levels){2,
	                         3,
	                         6,
	                         fx->nodes,
	                         fx->level_rows,
	                         fx->level_rem,
	                         fx->level_years};
	fx->r.levels = &fx->levels;
}

static void fixture_init(fixture *fx)
{
	memset(fx, 0, sizeof *fx);
	lr_dataset *d = &fx->d;
	lr_result *r = &fx->r;
	lr_dataset_init(d);

	lr_region g1 = {.id = strdup("D1"),
	                .name = strdup("District One"),
	                .fid = 1,
	                .geom = square(20.0, 44.0, 20.01, 44.01),
	                .area_m2 = square_area(20.0, 44.0, 20.01, 44.01)};
	lr_region g2 = {.id = strdup("D2"),
	                .name = strdup("District Two"),
	                .parent_id = strdup("P1"),
	                .fid = 2,
	                .geom = square(20.01, 44.0, 20.02, 44.01),
	                .area_m2 = square_area(20.01, 44.0, 20.02, 44.01)};
	lr_vec_push(&d->regions, &g1);
	lr_vec_push(&d->regions, &g2);

	lr_hazard h1 = {.id = strdup("H-1"),
	                .type = LR_SHA,
	                .contamination = LR_CONT_AP,
	                .recorded = lr_date_from_ymd(2019, 3, 1),
	                .reported_area_m2 = 1000.0,
	                .region_id = strdup("D1"),
	                .fid = 0,
	                .implied_by = -1,
	                .geom = square(20.001, 44.001, 20.002, 44.002),
	                .area_m2 = 8901.23};
	lr_hazard h2 = {.id = strdup("H-2"),
	                .type = LR_CHA,
	                .contamination = LR_CONT_MIXED,
	                .recorded = lr_date_from_ymd(2019, 6, 30),
	                .reported_area_m2 = NAN,
	                .fid = 1,
	                .implied_by = -1,
	                .geom = square(20.011, 44.001, 20.012, 44.002),
	                .area_m2 = 8901.23};
	lr_hazard h3 = {.id = strdup("H-3"),
	                .type = LR_SHA,
	                .contamination = LR_CONT_AP,
	                .recorded = lr_date_from_ymd(2020, 1, 1),
	                .reported_area_m2 = NAN,
	                .fid = -1,
	                .implied_by = 1,
	                .geom = square(20.03, 44.0, 20.031, 44.001),
	                .area_m2 = 8901.0};
	lr_vec_push(&d->hazards, &h1);
	lr_vec_push(&d->hazards, &h2);
	lr_vec_push(&d->hazards, &h3);

	lr_release x1 = {.id = strdup("R-1"),
	                 .hazard_id = strdup("H-1"),
	                 .method = LR_CLEARED,
	                 .date = lr_date_from_ymd(2020, 5, 5),
	                 .ap_mines = 3,
	                 .fid = 0,
	                 .geom = square(20.001, 44.001, 20.0015, 44.002),
	                 .area_m2 = 4450.5};
	lr_release x2 = {.id = strdup("R-2"),
	                 .method = LR_CANCELLED,
	                 .date = lr_date_from_ymd(2020, 2, 1),
	                 .erw = 1,
	                 .fid = 1,
	                 .geom = square(20.03, 44.0, 20.031, 44.001),
	                 .area_m2 = 8901.0};
	lr_vec_push(&d->releases, &x1);
	lr_vec_push(&d->releases, &x2);

	d->counts[0] = (lr_layer_counts){2, 2, 0, 0};
	d->counts[1] = (lr_layer_counts){3, 2, 1, 1};
	d->counts[2] = (lr_layer_counts){2, 2, 0, 0};
	d->source_label[0] = strdup("regions.gpkg (layer regions)");
	d->source_label[1] = strdup("nat.gpkg (layer hazards)");
	d->source_label[2] = strdup("nat.gpkg (layer releases)");
	lr_quality_add(&d->quality, LR_SEV_WARNING, "release_outside_hazard",
	               "releases", 1, "R-2", 890100,
	               "release R-2: 8901.00 m2 \"outside\", no hazard");
	lr_quality_add(&d->quality, LR_SEV_ERROR, "rejected_geometry",
	               "hazards", 2, "", -1, "ring self-intersects");
	lr_quality_add(&d->quality, LR_SEV_INFO, "missing_layer", "", -1, "",
	               -1, "no parents");

	r->as_of = lr_date_from_ymd(2020, 12, 31);
	r->baseline = LR_DATE_NONE;
	r->scope = LR_CONT_AP | LR_CONT_MIXED;
	r->n_regions = 2;
	r->has_outside = true;
	r->first_year = 2019;
	r->last_year = 2020;
	fx->rem[0] = (lr_remaining_row){1, 0, 445073, 0, {445073, 0, 0, 0}};
	fx->rem[1] = (lr_remaining_row){0, 1, 0, 890123, {0, 0, 0, 890123}};
	fx->rem[2] = (lr_remaining_row){0};
	r->remaining = fx->rem;
	lr_year_row *y = fx->years;
	y[0] = (lr_year_row){.new_land = 890123, .remaining_end = 890123};
	y[1] = (lr_year_row){.new_land = 890123, .remaining_end = 890123};
	y[2] = (lr_year_row){0};
	y[3] = (lr_year_row){.released = {445050, 0, 0},
	                     .remaining_end = 445073,
	                     .ap_mines = 3};
	y[4] = (lr_year_row){.remaining_end = 890123};
	y[5] = (lr_year_row){.new_land = 890100,
	                     .released = {0, 0, 890100},
	                     .reclassified = 2500,
	                     .cha_end = 1,
	                     .cha_count_end = 1,
	                     .erw = 1,
	                     .ap_improvised = 4};
	r->years = y;
	fx->hazard_region[0] = 0;
	fx->hazard_region[1] = 1;
	fx->hazard_region[2] = 2; /* outside every region */
	fx->hazard_remaining[0] = 445073;
	fx->hazard_remaining[1] = 890123;
	fx->hazard_remaining[2] = 0;
	fx->release_region[0] = 0;
	fx->release_region[1] = 2;
	r->hazard_region = fx->hazard_region;
	r->hazard_remaining = fx->hazard_remaining;
	r->release_region = fx->release_region;

	lr_vec_init(&r->faces, sizeof(lr_face));
	lr_face f1 = {.region = 0,
	              .area = 445050,
	              .state = 0,
	              .events = strdup("2019-03-01 record H-1 SHA; 2020-05-05 "
	                               "release R-1 cleared"),
	              .geom = square(20.001, 44.001, 20.0015, 44.002)};
	lr_face f2 = {.region = 0,
	              .area = 445073,
	              .state = LR_SHA,
	              .events = strdup("2019-03-01 record H-1 SHA"),
	              .geom = square(20.0015, 44.001, 20.002, 44.002)};
	lr_face f3 = {.region = 1,
	              .area = 890123,
	              .state = LR_CHA,
	              .events = strdup("2019-06-30 record H-2 CHA"),
	              .geom = square(20.011, 44.001, 20.012, 44.002)};
	lr_face f4 = {.region = 2,
	              .area = 890100,
	              .state = 0,
	              .events = strdup("2020-01-01 record H-3 SHA; 2020-02-01 "
	                               "release R-2 cancelled"),
	              .geom = square(20.03, 44.0, 20.031, 44.001)};
	lr_vec_push(&r->faces, &f1);
	lr_vec_push(&r->faces, &f2);
	lr_vec_push(&r->faces, &f3);
	lr_vec_push(&r->faces, &f4);
	r->n_faces = 4;
	r->n_clusters = 3;
	levels_init(fx);
}

static void fixture_free(fixture *fx)
{
	for (size_t i = 0; i < fx->r.faces.len; i++) {
		lr_face *f = &LR_VEC_AT(&fx->r.faces, lr_face, i);
		free(f->events);
		lr_wkb_free(&f->geom);
	}
	lr_vec_free(&fx->r.faces);
	lr_dataset_free(&fx->d);
}

/* The first column of the first row of sql as a double; NAN on error. */
static double q_num(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	double v = NAN;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		printf("# %s: %s\n", sql, sqlite3_errmsg(db));
		return v;
	}
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The first column of the first row of sql as text ("<NULL>" for NULL,
** "<ERROR>" on error), copied into buf. */
static const char *q_text(sqlite3 *db, const char *sql, char *buf, size_t n)
{
	sqlite3_stmt *st;
	snprintf(buf, n, "<ERROR>");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		printf("# %s: %s\n", sql, sqlite3_errmsg(db));
		return buf;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(buf, n, "%s", t ? (const char *)t : "<NULL>");
	}
	sqlite3_finalize(st);
	return buf;
}

static sqlite3 *open_spatialite(const char *path)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_enable_load_extension(db, 1);
	if (sqlite3_load_extension(db, "mod_spatialite", NULL, &msg) !=
	    SQLITE_OK) {
		printf("# mod_spatialite: %s\n", msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static void check_store(const char *store_path, int n_faces, int has_baseline)
{
	char buf[512];
	sqlite3 *db = open_spatialite(store_path);
	if (!lr_test_ok(db != NULL, "store opens with mod_spatialite"))
		return;
	lr_test_ok(q_num(db, "SELECT CheckSpatialMetadata()") == 3,
	           "CheckSpatialMetadata() = 3 (current SpatiaLite layout)");
	lr_test_ok(q_num(db, "SELECT count(*) FROM geometry_columns WHERE "
	                     "f_geometry_column = 'geometry' AND srid = 4326 "
	                     "AND geometry_type = 6 AND spatial_index_enabled "
	                     "= 1") == 4,
	           "four MULTIPOLYGON 4326 layers with spatial indexes");
	lr_test_ok(q_num(db, "SELECT count(*) FROM regions") == 2 &&
	                   q_num(db, "SELECT count(*) FROM hazards") == 3 &&
	                   q_num(db, "SELECT count(*) FROM releases") == 2 &&
	                   q_num(db, "SELECT count(*) FROM data_quality") ==
	                           3 &&
	                   q_num(db, "SELECT count(*) FROM ingest_counts") == 3,
	           "row counts of regions, hazards, releases, data_quality, "
	           "ingest_counts");
	lr_test_ok(q_num(db, "SELECT count(*) FROM faces") == n_faces,
	           "faces holds %d rows", n_faces);
	lr_test_ok(q_num(db, "SELECT count(*) FROM remaining_by_region") == 4 &&
	                   q_num(db, "SELECT count(*) FROM release_by_year") ==
	                           8,
	           "result tables have the CSV rows (OUTSIDE and TOTAL)");
	lr_test_ok(q_num(db, "SELECT count(*) FROM sqlite_master WHERE name "
	                     "= 'baseline_by_region'") == has_baseline,
	           "baseline table only with a baseline");

	/* Each TOTAL row is the sum of its year's other rows. */
	lr_test_near(q_num(db, "SELECT SUM(released_m2) FROM release_by_year "
	                       "WHERE region_id = 'TOTAL'"),
	             q_num(db, "SELECT SUM(released_m2) FROM release_by_year "
	                       "WHERE region_id <> 'TOTAL'"),
	             1e-9, "TOTAL released = sum of region rows");
	lr_test_near(q_num(db, "SELECT SUM(released_m2) FROM release_by_year "
	                       "WHERE region_id = 'TOTAL'"),
	             13351.50, 1e-9, "TOTAL released = 4450.50 + 8901.00");
	lr_test_near(q_num(db, "SELECT cancelled_m2 FROM release_by_year "
	                       "WHERE year = 2020 AND region_id = "
	                       "'OUTSIDE'"),
	             8901.00, 1e-9, "OUTSIDE cancelled in 2020");
	lr_test_near(q_num(db, "SELECT total_m2 FROM remaining_by_region "
	                       "WHERE region_id = 'TOTAL'"),
	             13351.96, 1e-9, "remaining TOTAL in m2, rounded to cents");
	lr_test_ok(q_num(db, "SELECT typeof(year) = 'integer' AND "
	                     "typeof(ap_mines) = 'integer' AND "
	                     "typeof(new_m2) = 'real' FROM release_by_year "
	                     "LIMIT 1") == 1,
	           "year and counts INTEGER, areas REAL");

	/* Geometry round trip: area of the stored region. */
	double a = q_num(db, "SELECT ST_Area(geometry, 1) FROM regions WHERE "
	                     "region_id = 'D1'");
	double want = q_num(db, "SELECT area_m2 FROM regions WHERE region_id "
	                        "= 'D1'");
	lr_test_ok(want > 5e5 && fabs(a - want) <= 1e-3 * want,
	           "ST_Area(geometry, 1) of D1 %.1f ~ area_m2 %.1f", a, want);
	lr_test_ok(q_num(db,
	                 "SELECT count(*) FROM faces WHERE "
	                 "ST_IsValid(geometry) AND "
	                 "GeometryType(geometry) = 'MULTIPOLYGON'") == n_faces,
	           "every face geometry is a valid MULTIPOLYGON");
	if (n_faces > 0)
		lr_test_ok(q_num(db, "SELECT count(*) FROM faces WHERE ROWID "
		                     "IN (SELECT ROWID FROM SpatialIndex "
		                     "WHERE f_table_name = 'faces' AND "
		                     "search_frame = BuildMbr(20.0305, "
		                     "44.0005, 20.0306, 44.0006, 4326))") == 1,
		           "the faces spatial index finds the OUTSIDE face");

	/* Values of the input and ledger tables. */
	lr_test_ok(!strcmp(q_text(db,
	                          "SELECT region_assigned || '|' || "
	                          "remaining_m2 || '|' || implied_by_release "
	                          "|| '|' || IFNULL(source_fid, 'null') FROM "
	                          "hazards WHERE hazard_id = 'H-3'",
	                          buf, sizeof buf),
	                   "OUTSIDE|0.0|R-2|null"),
	           "implied hazard: OUTSIDE, remaining 0, by R-2 (%s)", buf);
	lr_test_ok(!strcmp(q_text(db,
	                          "SELECT type || '|' || contamination || '|' "
	                          "|| recorded_date || '|' || "
	                          "IFNULL(reported_area_m2, 'null') || '|' || "
	                          "region_assigned || '|' || remaining_m2 "
	                          "FROM hazards WHERE hazard_id = 'H-2'",
	                          buf, sizeof buf),
	                   "CHA|mixed|2019-06-30|null|D2|8901.23"),
	           "hazard H-2 columns (%s)", buf);
	lr_test_ok(!strcmp(q_text(db,
	                          "SELECT method || '|' || release_date || "
	                          "'|' || ap_mines || '|' || region_assigned "
	                          "|| '|' || hazard_id FROM releases WHERE "
	                          "release_id = 'R-1'",
	                          buf, sizeof buf),
	                   "cleared|2020-05-05|3|D1|H-1"),
	           "release R-1 columns (%s)", buf);
	if (n_faces > 0)
		lr_test_ok(
		        !strcmp(q_text(db,
		                       "SELECT group_concat(face_id || ':' "
		                       "|| region_id || ':' || state, ' ') "
		                       "FROM (SELECT * FROM faces ORDER BY "
		                       "face_id)",
		                       buf, sizeof buf),
		                "1:D1:clean 2:D1:SHA 3:D2:CHA 4:OUTSIDE:clean"),
		        "face ids, regions and states (%s)", buf);
	lr_test_ok(!strcmp(q_text(db,
	                          "SELECT message FROM data_quality WHERE "
	                          "record_id = 'R-2'",
	                          buf, sizeof buf),
	                   "release R-2: 8901.00 m2 \"outside\", no hazard"),
	           "finding message stored verbatim");
	lr_test_ok(q_num(db, "SELECT count(*) FROM data_quality WHERE "
	                     "feature_id IS NULL AND area_m2 IS NULL") == 1,
	           "finding without feature and area: NULLs");
	lr_test_ok(!strcmp(q_text(db,
	                          "SELECT group_concat(layer || '=' || read "
	                          "|| '/' || rejected) FROM ingest_counts",
	                          buf, sizeof buf),
	                   "regions=2/0,hazards=3/1,releases=2/0"),
	           "ingest_counts (%s)", buf);
	lr_test_ok(
	        !strcmp(q_text(db, "SELECT value FROM meta WHERE key = 'scope'",
	                       buf, sizeof buf),
	                "AP,mixed"),
	        "meta scope (%s)", buf);
	lr_test_ok(!strcmp(q_text(db,
	                          "SELECT group_concat(value, '|') FROM "
	                          "(SELECT value FROM meta WHERE key IN "
	                          "('program_version', 'as_of', "
	                          "'first_year', 'last_year', 'n_faces') "
	                          "ORDER BY key)",
	                          buf, sizeof buf),
	                   "2020-12-31|2019|2020|4|0.1.0"),
	           "meta values (%s)", buf);
	sqlite3_close(db);
}

/* Whether `ogrinfo` lists the store's geometry layers; -1 if no ogrinfo. */
static int ogr_lists_layers(const char *path)
{
	char cmd[1200], line[512];
	snprintf(cmd, sizeof cmd, "ogrinfo -ro -q '%s' 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	int seen = 0;
	while (fgets(line, sizeof line, p)) {
		if (strstr(line, "regions (Multi Polygon)"))
			seen |= 1;
		if (strstr(line, "faces (Multi Polygon)"))
			seen |= 2;
		if (strstr(line, "hazards (Multi Polygon)"))
			seen |= 4;
	}
	int st = pclose(p);
	if (st != 0 && seen == 0)
		return -1;
	return seen == 7;
}

static void rm_rf(const char *path)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", path);
}

/* Time writing n synthetic faces (LR_STORE_BENCH=n). */
static void bench(const char *root, long n)
{
	fixture fx;
	fixture_init(&fx);
	for (long i = 4; i < n; i++) {
		double x = 20.0 + (double)(i % 1000) * 1e-4;
		double y = 44.0 + (double)(i / 1000) * 1e-4;
		lr_face f = {.region = 0,
		             .area = 12345,
		             .state = LR_SHA,
		             .events = strdup("2019-03-01 record H-1 SHA"),
		             .geom = square(x, y, x + 1e-4, y + 1e-4)};
		lr_vec_push(&fx.r.faces, &f);
	}
	char dir[600];
	snprintf(dir, sizeof dir, "%s/bench", root);
	struct timespec t0, t1;
	lr_error err = {0};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = lr_store_write(&fx.d, &fx.r, dir, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	lr_test_ok(rc == LR_OK, "bench: %ld faces in %.2f s (%s)", n,
	           (double)(t1.tv_sec - t0.tv_sec) +
	                   (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9,
	           err.msg);
	fixture_free(&fx);
}

/* ---- A spatial index several levels deep --------------------------------
 */

/* The fewest and most cells of the non-root nodes of the index of table
** in db, and the root's depth header; -1 on error. */
static int node_fill(sqlite3 *db, const char *table, int *least, int *most,
                     int *depth)
{
	char sql[160];
	snprintf(sql, sizeof sql,
	         "SELECT nodeno, data FROM idx_%s_geometry_node", table);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	*least = 1 << 30;
	*most = *depth = -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *b = sqlite3_column_blob(st, 1);
		if (!b || sqlite3_column_bytes(st, 1) < 4)
			break;
		int cells = b[2] << 8 | b[3];
		if (sqlite3_column_int64(st, 0) == 1) {
			*depth = b[0] << 8 | b[1];
			continue;
		}
		*least = cells < *least ? cells : *least;
		*most = cells > *most ? cells : *most;
	}
	sqlite3_finalize(st);
	return *depth < 0 ? -1 : 0;
}

/*
** 6,000 faces (many more than one node's 51 cells squared): squares on a
** grid, every fifth a copy of the one before (equal boxes), every
** seventh a vertical segment (a box of no width), every eleventh without a
** geometry.  The faces' index is three levels deep, its nodes at least a
** third full, and it answers queries as scans do.
*/
static void check_deep_index(const char *root)
{
	fixture fx;
	fixture_init(&fx);
	long with_geometry = (long)fx.r.faces.len;
	for (long i = 0; i < 6000; i++) {
		double x = 20.0 + (double)(i % 90) * 1e-3 / 3;
		double y = 44.0 + (double)(i / 90) * 1e-3 / 7;
		double w = i % 7 == 0 ? 0 : 3e-4 + (double)(i % 13) * 1e-5;
		if (i % 5 == 0 && i > 0)
			x -= 1e-3 / 3; /* the box of the face before */
		lr_face f = {.region = 0,
		             .area = 12345,
		             .state = LR_SHA,
		             .events = strdup("2019-03-01 record H-1 SHA")};
		if (i % 11 != 0) {
			f.geom = square(x, y, x + w, y + 1e-4);
			with_geometry++;
		}
		lr_vec_push(&fx.r.faces, &f);
	}
	char dir[600], path[700];
	snprintf(dir, sizeof dir, "%s/deep", root);
	snprintf(path, sizeof path, "%s/landrelease.sqlite", dir);
	lr_error err = {0};
	int rc = lr_store_write(&fx.d, &fx.r, dir, &err);
	lr_test_ok(rc == LR_OK, "deep index: store of 6,004 faces (%s)",
	           err.msg);
	sqlite3 *db = open_spatialite(path);
	int least = 0, most = 0, depth = 0;
	int fill = db ? node_fill(db, "faces", &least, &most, &depth) : -1;
	long long indexed = db ? lr_test_q_int(db, "SELECT count(*) FROM "
	                                           "idx_faces_geometry_rowid")
	                       : -1;
	lr_test_ok(fill == 0 && depth == 2 && least >= 51 / 3 && most <= 51 &&
	                   indexed == with_geometry,
	           "deep index: the faces' R*Tree is 3 levels deep (depth "
	           "%d), its nodes hold 17 to 51 cells (%d to %d), one row "
	           "a face with a geometry (%lld of %ld)",
	           depth, least, most, indexed, with_geometry);
	if (db)
		lr_test_rtrees_answer(db, 5, "6,004 faces");
	sqlite3_close(db);

	/* A bad geometry in a face written with others in one statement:
	** the row named is still the face's own. */
	lr_face *bad = &LR_VEC_AT(&fx.r.faces, lr_face, 2001);
	bad->geom.data[1] = 3;
	rc = lr_store_write(&fx.d, &fx.r, dir, &err);
	bad->geom.data[1] = 6;
	lr_test_ok(rc == LR_ERR_STORE && strstr(err.msg, "faces row 2002: ") &&
	                   strstr(err.msg, "not a 2D MultiPolygon"),
	           "deep index: a face that is not a MultiPolygon among "
	           "thousands: the error names its row (%s)",
	           err.msg);
	fixture_free(&fx);
	rm_rf(dir);
}

/* ---- the reader (lr_store_read.h) --------------------------------------- */

/* What the reader's visitors saw. */
typedef struct seen {
	int n;                      /* rows */
	char ids[8][32];            /* first ids, in order */
	lr_store_remaining d1;      /* remaining_by_region, region D1 */
	char d1_name[32];           /* its name: the row's is borrowed */
	lr_store_year outside_2020; /* release_by_year, OUTSIDE in 2020 */
	int n_cha;                  /* shapes typed CHA */
	int n_wkb;                  /* shapes with a little-endian WKB */
	char as_of[16];             /* meta as_of */
	int stop_at;                /* stop with LR_ERR_USAGE at this row */
	lr_store_level p1, d2;      /* remaining_by_level rows 1 and 4 */
	char d2_parent[32];
	int last_level;
} seen;

static int seen_row(seen *s, const char *id, lr_error *err)
{
	if (s->n < 8)
		snprintf(s->ids[s->n], sizeof s->ids[0], "%s", id);
	if (++s->n == s->stop_at)
		return lr_error_set(err, LR_ERR_USAGE, "stopped");
	return LR_OK;
}

static int on_meta(void *user, const char *key, const char *value,
                   lr_error *err)
{
	seen *s = user;
	if (!strcmp(key, "as_of"))
		snprintf(s->as_of, sizeof s->as_of, "%s", value);
	return seen_row(s, key, err);
}

static int on_remaining(void *user, const lr_store_remaining *row,
                        lr_error *err)
{
	seen *s = user;
	if (!strcmp(row->region_id, "D1")) {
		s->d1 = *row;
		snprintf(s->d1_name, sizeof s->d1_name, "%s", row->region_name);
	}
	return seen_row(s, row->region_id, err);
}

static int on_year(void *user, const lr_store_year *row, lr_error *err)
{
	seen *s = user;
	if (row->year == 2020 && !strcmp(row->region_id, "OUTSIDE"))
		s->outside_2020 = *row;
	return seen_row(s, row->region_id, err);
}

static int on_shape(void *user, const lr_store_shape *shape, lr_error *err)
{
	seen *s = user;
	s->n_cha += shape->type == LR_CHA;
	s->n_wkb += shape->wkb && shape->size > 9 &&
	            ((const unsigned char *)shape->wkb)[0] == 1;
	return seen_row(s, shape->id, err);
}

static int on_level(void *user, const lr_store_level *row, lr_error *err)
{
	seen *s = user;
	if (s->n == 1)
		s->p1 = *row;
	if (s->n == 4) {
		s->d2 = *row;
		snprintf(s->d2_parent, sizeof s->d2_parent, "%s",
		         row->parent_id);
	}
	s->last_level = row->level;
	return seen_row(s, row->row.region_id, err);
}

/* remaining_by_level of the fixture, read back. */
static void check_reader_levels(lr_store_reader *rd)
{
	lr_error err = {0};
	seen s = {0};
	bool present = false;
	int rc = lr_store_read_levels(rd, &present, on_level, &s, &err);
	lr_test_ok(rc == LR_OK && present && s.n == 7 &&
	                   !strcmp(s.ids[0], "D1") && !strcmp(s.ids[1], "P1") &&
	                   !strcmp(s.ids[2], "OUTSIDE") &&
	                   !strcmp(s.ids[3], "D1") &&
	                   !strcmp(s.ids[6], "TOTAL") && s.last_level == 0,
	           "reader: remaining_by_level, two blocks then TOTAL (%d)",
	           s.n);
	lr_test_ok(s.p1.level == 1 && s.p1.row.cha == 890123 &&
	                   s.p1.row.cha_count == 1 && s.p1.row.mixed == 890123,
	           "reader: P1 at level 1 holds D2's land and hazard");
	lr_test_ok(s.d2.level == 2 && !strcmp(s.d2_parent, "P1") &&
	                   s.d2.row.total == 890123,
	           "reader: D2 at level 2 under P1");
}

/* The plain tables of the fixture's store, read back. */
static void check_reader_tables(lr_store_reader *rd)
{
	lr_error err = {0};
	int64_t rejected = -1;
	int rc = lr_store_read_rejected(rd, &rejected, &err);
	lr_test_ok(rc == LR_OK && rejected == 1,
	           "reader: one rejected feature (%lld)", (long long)rejected);
	seen s = {0};
	rc = lr_store_read_meta_each(rd, on_meta, &s, &err);
	lr_test_ok(rc == LR_OK && s.n == 11 &&
	                   !strcmp(s.ids[0], "program_version"),
	           "reader: 11 meta rows in the writer's order (%d)", s.n);
	lr_test_ok(!strcmp(s.as_of, "2020-12-31"), "reader: meta as_of (%s)",
	           s.as_of);
	memset(&s, 0, sizeof s);
	rc = lr_store_read_remaining_table(rd, on_remaining, &s, &err);
	lr_test_ok(rc == LR_OK && s.n == 4 && !strcmp(s.ids[2], "OUTSIDE") &&
	                   !strcmp(s.ids[3], "TOTAL"),
	           "reader: remaining_by_region, OUTSIDE and TOTAL last (%d)",
	           s.n);
	lr_test_ok(!strcmp(s.d1_name, "District One") && s.d1.sha_count == 1 &&
	                   s.d1.sha == 445073 && s.d1.total == 445073 &&
	                   s.d1.cha_count == 0,
	           "reader: D1's name, counts and cents");
	lr_test_ok(s.d1.ap == 445073 && s.d1.av == 0 && s.d1.erw_land == 0 &&
	                   s.d1.mixed == 0,
	           "reader: D1's land by contamination");
	memset(&s, 0, sizeof s);
	rc = lr_store_read_release_table(rd, on_year, &s, &err);
	lr_test_ok(rc == LR_OK && s.n == 8 && !strcmp(s.ids[3], "TOTAL"),
	           "reader: release_by_year, 2 years of 4 rows (%d)", s.n);
	lr_test_ok(s.outside_2020.new_land == 890100 &&
	                   s.outside_2020.by_method[LR_CANCELLED] == 890100 &&
	                   s.outside_2020.released == 890100 &&
	                   s.outside_2020.erw == 1 &&
	                   s.outside_2020.ap_mines == 0,
	           "reader: OUTSIDE in 2020, cancelled land and an ERW");
	lr_test_ok(s.outside_2020.reclassified == 2500 &&
	                   s.outside_2020.cha_end == 1 &&
	                   s.outside_2020.sha_end == 0 &&
	                   s.outside_2020.cha_count_end == 1 &&
	                   s.outside_2020.ap_improvised == 4,
	           "reader: OUTSIDE in 2020, reclassified land, stocks by "
	           "type, improvised mines");
	lr_cents c = -1;
	bool found = false;
	rc = lr_store_read_released(rd, 2020, "D1", &c, &found, &err);
	lr_test_ok(rc == LR_OK && found && c == 445050,
	           "reader: D1 released 4450.50 m2 in 2020");
	rc = lr_store_read_released(rd, 2018, "D1", &c, &found, &err);
	lr_test_ok(rc == LR_OK && !found && c == 0,
	           "reader: no row for 2018 is not found, not an error");
	memset(&s, 0, sizeof s);
	s.stop_at = 2;
	rc = lr_store_read_release_table(rd, on_year, &s, &err);
	lr_test_ok(rc == LR_ERR_USAGE && s.n == 2,
	           "reader: a visitor's error stops the reading");
}

/* What the GeoPackage's visitors saw. */
typedef struct lands {
	int n;
	char ids[8][32];  /* hazard or region ids, in order */
	double area[8];   /* m² */
	int n_null;       /* rows whose contamination (or year) is absent */
	int n_wkb;        /* rows with a geometry */
	char state2[16];  /* lr_store_read_faces: state of face 2 */
	char events2[64]; /* and its events */
} lands;

static void lands_row(lands *l, const char *id, double area, bool null,
                      const void *wkb)
{
	if (l->n < 8) {
		snprintf(l->ids[l->n], sizeof l->ids[0], "%s", id ? id : "");
		l->area[l->n] = area;
	}
	l->n++;
	l->n_null += null;
	l->n_wkb += wkb != NULL;
}

static int on_land(void *user, const lr_store_land *x, lr_error *err)
{
	(void)err;
	lands_row(user, x->hazard_id, x->area_m2, !x->contamination, x->wkb);
	return LR_OK;
}

static int on_released(void *user, const lr_store_released_land *x,
                       lr_error *err)
{
	(void)err;
	lands_row(user, x->region_id, x->area_m2, !x->has_year, x->wkb);
	return LR_OK;
}

static int on_face(void *user, const lr_store_face *x, lr_error *err)
{
	lands *l = user;
	(void)err;
	if (x->face_id == 2) {
		snprintf(l->state2, sizeof l->state2, "%s", x->state);
		snprintf(l->events2, sizeof l->events2, "%s", x->events);
	}
	lands_row(l, x->region_id, 0, false, NULL);
	return LR_OK;
}

/* The hazards and faces of the fixture, and their land dissolved. */
static void check_reader_land(lr_store_reader *rd)
{
	lr_error err = {0};
	lands l = {0};
	int rc = lr_store_read_hazards(rd, on_land, &l, &err);
	lr_test_ok(rc == LR_OK && l.n == 3 && !strcmp(l.ids[2], "H-3") &&
	                   l.n_wkb == 0 && l.n_null == 0 &&
	                   l.area[0] == 4450.73,
	           "reader: three hazards, no geometry (%s)", err.msg);
	memset(&l, 0, sizeof l);
	rc = lr_store_read_faces(rd, on_face, &l, &err);
	lr_test_ok(rc == LR_OK && l.n == 4 && !strcmp(l.ids[2], "D2") &&
	                   !strcmp(l.ids[3], "OUTSIDE") &&
	                   !strcmp(l.state2, "SHA") &&
	                   !strcmp(l.events2, "2019-03-01 record H-1 SHA"),
	           "reader: four faces with region, state and events");
	/* H-9 is not in the store: its hazard columns are absent. */
	const lr_store_owner owners[] = {
	        {3, "H-2", "CHA"}, {2, "H-1", "SHA"}, {4, "H-9", "SHA"}};
	for (int pass = 0; pass < 2; pass++) {
		memset(&l, 0, sizeof l);
		rc = lr_store_read_remaining_land(rd, owners, 3, false, on_land,
		                                  &l, &err);
		lr_test_ok(rc == LR_OK && l.n == 3 &&
		                   !strcmp(l.ids[0], "H-1") &&
		                   l.area[0] == 4450.73 && l.n_null == 1 &&
		                   l.n_wkb == 3,
		           "reader: remaining land by owner, sorted, call %d "
		           "(%s)",
		           pass + 1, err.msg);
	}
	memset(&l, 0, sizeof l);
	rc = lr_store_read_remaining_land(rd, NULL, 0, true, on_land, &l, &err);
	lr_test_ok(rc == LR_OK && l.n == 2 && !strcmp(l.ids[1], "H-2") &&
	                   l.area[1] == 8901.23 && l.n_wkb == 2,
	           "reader: whole hazards with land remaining");
	const lr_store_freed freed[] = {{4, "OUTSIDE", 2020, "cancelled"},
	                                {1, "D1", 2020, "cleared"}};
	memset(&l, 0, sizeof l);
	rc = lr_store_read_released_land(rd, freed, 2, false, on_released, &l,
	                                 &err);
	lr_test_ok(rc == LR_OK && l.n == 2 && !strcmp(l.ids[0], "D1") &&
	                   l.area[0] == 4450.50 && l.area[1] == 8901.00 &&
	                   l.n_null == 0 && l.n_wkb == 2,
	           "reader: released land by region, year and method");
	memset(&l, 0, sizeof l);
	rc = lr_store_read_released_land(rd, NULL, 0, true, on_released, &l,
	                                 &err);
	lr_test_ok(rc == LR_OK && l.n == 2 && !strcmp(l.ids[1], "OUTSIDE") &&
	                   l.area[1] == 8901.0 && l.n_null == 0,
	           "reader: whole releases by region, year and method");
}

/* The geometries, which need SpatiaLite. */
static void check_reader_shapes(lr_store_reader *rd)
{
	lr_error err = {0};
	seen s = {0};
	int rc = lr_store_read_region_shapes(rd, on_shape, &s, &err);
	lr_test_ok(rc == LR_ERR_INPUT && strstr(err.msg, "regions") &&
	                   strstr(err.msg, lr_store_reader_path(rd)),
	           "reader: geometries without SpatiaLite fail naming "
	           "the store and table (%s)",
	           err.msg);
	lr_error_clear(&err);
	rc = lr_store_reader_spatial(rd, &err);
	lr_test_ok(rc == LR_OK, "reader: SpatiaLite loaded (%s)", err.msg);
	memset(&s, 0, sizeof s);
	rc = lr_store_read_region_shapes(rd, on_shape, &s, &err);
	lr_test_ok(rc == LR_OK && s.n == 2 && s.n_wkb == 2 &&
	                   !strcmp(s.ids[0], "D1") && !strcmp(s.ids[1], "D2"),
	           "reader: two region outlines as WKB (%d)", s.n);
	memset(&s, 0, sizeof s);
	rc = lr_store_read_land_shapes(rd, false, on_shape, &s, &err);
	lr_test_ok(rc == LR_OK && s.n == 2 && s.n_cha == 1 && s.n_wkb == 2,
	           "reader: the SHA and the CHA face (%d, %d CHA)", s.n,
	           s.n_cha);
	memset(&s, 0, sizeof s);
	rc = lr_store_read_land_shapes(rd, true, on_shape, &s, &err);
	lr_test_ok(rc == LR_OK && s.n == 2 && s.n_cha == 1,
	           "reader: whole hazards with land remaining (%d)", s.n);
}

/* A file with a meta table and nothing else: clean errors naming it. */
static void check_reader_missing(const char *root)
{
	char p[600];
	snprintf(p, sizeof p, "%s/meta_only.sqlite", root);
	sqlite3 *db = NULL;
	if (sqlite3_open(p, &db) == SQLITE_OK)
		sqlite3_exec(db,
		             "CREATE TABLE meta(key TEXT PRIMARY KEY, value "
		             "TEXT); INSERT INTO meta VALUES('as_of', "
		             "'2020-12-31')",
		             NULL, NULL, NULL);
	sqlite3_close(db);
	lr_store_reader *rd = NULL;
	lr_error err = {0};
	int rc = lr_store_reader_open(p, &rd, &err);
	lr_test_ok(rc == LR_OK, "reader opens a store without tables");
	if (rc != LR_OK)
		return;
	seen s = {0};
	rc = lr_store_read_remaining_table(rd, on_remaining, &s, &err);
	lr_test_ok(rc == LR_ERR_INPUT && strstr(err.msg, p) &&
	                   strstr(err.msg, "remaining_by_region") && s.n == 0,
	           "reader: missing remaining_by_region (%s)", err.msg);
	rc = lr_store_read_release_table(rd, on_year, &s, &err);
	lr_test_ok(rc == LR_ERR_INPUT && strstr(err.msg, "release_by_year"),
	           "reader: missing release_by_year (%s)", err.msg);
	lr_cents c;
	bool found;
	rc = lr_store_read_released(rd, 2020, "TOTAL", &c, &found, &err);
	lr_test_ok(rc == LR_ERR_INPUT && strstr(err.msg, "release_by_year"),
	           "reader: released without its table (%s)", err.msg);
	int64_t n;
	rc = lr_store_read_rejected(rd, &n, &err);
	lr_test_ok(rc == LR_ERR_INPUT && strstr(err.msg, "ingest_counts"),
	           "reader: missing ingest_counts (%s)", err.msg);
	lands l = {0};
	rc = lr_store_read_faces(rd, on_face, &l, &err);
	lr_test_ok(rc == LR_ERR_INPUT && strstr(err.msg, "faces") && l.n == 0,
	           "reader: missing faces (%s)", err.msg);
	bool present = true;
	rc = lr_store_read_levels(rd, &present, on_level, &s, &err);
	lr_test_ok(rc == LR_OK && !present && s.n == 0,
	           "reader: no remaining_by_level is no levels, not an error");
	rc = lr_store_read_meta_each(rd, on_meta, &s, &err);
	lr_test_ok(rc == LR_OK && s.n == 1 && !strcmp(s.as_of, "2020-12-31"),
	           "reader: the meta table alone still reads");
	lr_store_reader_close(rd);
}

static void check_reader(const char *path, const char *root)
{
	lr_store_reader *rd = NULL;
	lr_error err = {0};
	int rc = lr_store_reader_open(path, &rd, &err);
	lr_test_ok(rc == LR_OK, "reader opens the store (%s)", err.msg);
	if (rc == LR_OK) {
		check_reader_tables(rd);
		check_reader_levels(rd);
		check_reader_shapes(rd);
		check_reader_land(rd);
	}
	lr_store_reader_close(rd);
	check_reader_missing(root);
}

int main(void)
{
	char root[] = "/tmp/lr_test_store.XXXXXX";
	if (!mkdtemp(root))
		lr_test_skip_all("cannot create a temporary directory");
	{
		sqlite3 *db = NULL;
		char *msg = NULL;
		sqlite3_open(":memory:", &db);
		sqlite3_enable_load_extension(db, 1);
		int ok = sqlite3_load_extension(db, "mod_spatialite", NULL,
		                                &msg) == SQLITE_OK;
		sqlite3_free(msg);
		sqlite3_close(db);
		if (!ok)
			lr_test_skip_all("mod_spatialite not installed");
	}
	char dir[512], path[600], stale[700], buf[256];
	snprintf(dir, sizeof dir, "%s/a/b", root);
	snprintf(path, sizeof path, "%s/landrelease.sqlite", dir);

	fixture fx;
	fixture_init(&fx);
	lr_error err = {0};
	int rc = lr_store_write(&fx.d, &fx.r, dir, &err);
	lr_test_ok(rc == LR_OK, "store written into a new nested dir (%s)",
	           err.msg);
	lr_test_ok(count_tmp(dir) == 0, "no temporary file left");
	check_store(path, 4, 0);
	int ogr = ogr_lists_layers(path);
	if (ogr < 0)
		printf("# ogrinfo not available\n");
	else
		lr_test_ok(ogr == 1, "ogrinfo lists the geometry layers");

	check_reader(path, root);
	check_deep_index(root);

	/* lr_store_read_meta */
	rc = lr_store_read_meta(path, "hazards_source", buf, sizeof buf);
	lr_test_ok(rc == LR_OK && !strcmp(buf, "nat.gpkg (layer hazards)"),
	           "lr_store_read_meta reads a source label (%s)", buf);
	rc = lr_store_read_meta(path, "no_such_key", buf, sizeof buf);
	lr_test_ok(rc == LR_ERR_STORE && buf[0] == '\0',
	           "lr_store_read_meta: missing key is LR_ERR_STORE");
	rc = lr_store_read_meta(path, "hazards_source", buf, 5);
	lr_test_ok(rc == LR_ERR_STORE, "lr_store_read_meta: too small buffer");
	snprintf(stale, sizeof stale, "%s/nothing.sqlite", root);
	rc = lr_store_read_meta(stale, "as_of", buf, sizeof buf);
	lr_test_ok(rc == LR_ERR_IO, "lr_store_read_meta: no file is LR_ERR_IO");

	/* Rewrite over the old store (other dataset, no faces kept, a
	** baseline) after a killed run left its temporary file. */
	snprintf(stale, sizeof stale, "%s/.landrelease.sqlite.tmp.%d", dir,
	         999999999);
	FILE *f = fopen(stale, "w");
	if (f)
		fclose(f);
	free(fx.d.source_label[1]);
	fx.d.source_label[1] = strdup("other.shp");
	for (size_t i = 0; i < fx.r.faces.len; i++) {
		lr_face *fc = &LR_VEC_AT(&fx.r.faces, lr_face, i);
		free(fc->events);
		lr_wkb_free(&fc->geom);
	}
	fx.r.faces.len = 0;
	lr_remaining_row base[3] = {
	        {0, 0, 100, 200, {0}}, {0, 0, 1, 2, {0}}, {0}};
	fx.r.baseline = lr_date_from_ymd(2019, 1, 1);
	fx.r.baseline_remaining = base;
	rc = lr_store_write(&fx.d, &fx.r, dir, &err);
	lr_test_ok(rc == LR_OK, "store replaced (%s)", err.msg);
	lr_test_ok(count_tmp(dir) == 0,
	           "stale temporary file of a dead run removed");
	rc = lr_store_read_meta(path, "hazards_source", buf, sizeof buf);
	lr_test_ok(rc == LR_OK && !strcmp(buf, "other.shp"),
	           "the new store replaced the old one");
	check_store(path, 0, 1);
	sqlite3 *db = open_spatialite(path);
	if (db) {
		lr_test_near(q_num(db, "SELECT total_m2 FROM "
		                       "baseline_by_region WHERE region_id = "
		                       "'TOTAL'"),
		             3.03, 1e-9, "baseline_by_region TOTAL");
		lr_test_ok(!strcmp(q_text(db,
		                          "SELECT value FROM meta WHERE key = "
		                          "'baseline'",
		                          buf, sizeof buf),
		                   "2019-01-01"),
		           "meta baseline (%s)", buf);
		sqlite3_close(db);
	}

	/* Disk full mid-write: the previous store stays, no temp file. */
	struct stat before, after;
	stat(path, &before);
	struct rlimit old, lim;
	getrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 64 * 1024;
	setrlimit(RLIMIT_FSIZE, &lim);
	lr_error_clear(&err);
	rc = lr_store_write(&fx.d, &fx.r, dir, &err);
	setrlimit(RLIMIT_FSIZE, &old);
	lr_test_ok(rc == LR_ERR_IO, "disk full: LR_ERR_IO (%s)", err.msg);
	lr_test_ok(strstr(err.msg, path) != NULL,
	           "message names the store path");
	lr_test_ok(count_tmp(dir) == 0, "disk full leaves no temporary file");
	lr_test_ok(stat(path, &after) == 0 && after.st_ino == before.st_ino &&
	                   after.st_size == before.st_size,
	           "disk full keeps the previous store");

	/* A dir that cannot be created. */
	char bad[600];
	snprintf(bad, sizeof bad, "%s/file.txt", root);
	f = fopen(bad, "w");
	if (f)
		fclose(f);
	snprintf(bad, sizeof bad, "%s/file.txt/sub", root);
	lr_error_clear(&err);
	rc = lr_store_write(&fx.d, &fx.r, bad, &err);
	lr_test_ok(rc == LR_ERR_IO && strstr(err.msg, "file.txt"),
	           "dir below a regular file: LR_ERR_IO naming it (%s)",
	           err.msg);
	lr_test_ok(count_tmp(root) == 0, "no temporary file in the parent");

	/* A hazard whose WKB says Polygon, not MultiPolygon: the store says
	** which row, rather than storing what the column does not allow. */
	lr_hazard *h1 = &LR_VEC_AT(&fx.d.hazards, lr_hazard, 1);
	h1->geom.data[1] = 3;
	lr_error_clear(&err);
	rc = lr_store_write(&fx.d, &fx.r, dir, &err);
	h1->geom.data[1] = 6;
	lr_test_ok(rc == LR_ERR_STORE && strstr(err.msg, "hazards row 2") &&
	                   strstr(err.msg, "not a 2D MultiPolygon"),
	           "a geometry that is not a MultiPolygon: LR_ERR_STORE naming "
	           "the table and the row (%s)",
	           err.msg);
	lr_test_ok(count_tmp(dir) == 0 && stat(path, &after) == 0 &&
	                   after.st_ino == before.st_ino,
	           "... leaving no temporary file and the previous store");

	/* An empty MultiPolygon is stored as no geometry, as SpatiaLite's
	** GeomFromWKB makes it. */
	static const unsigned char empty[] = {1, 6, 0, 0, 0, 0, 0, 0, 0};
	lr_wkb kept = h1->geom;
	h1->geom.data = (unsigned char *)empty;
	h1->geom.size = sizeof empty;
	lr_error_clear(&err);
	rc = lr_store_write(&fx.d, &fx.r, dir, &err);
	h1->geom = kept;
	sqlite3 *edb = NULL;
	int null_geom =
	        rc == LR_OK &&
	        sqlite3_open_v2(path, &edb, SQLITE_OPEN_READONLY, NULL) ==
	                SQLITE_OK &&
	        q_num(edb, "SELECT count(*) FROM hazards WHERE rowid = 2 "
	                   "AND geometry IS NULL") == 1 &&
	        q_num(edb,
	              "SELECT count(*) FROM hazards WHERE "
	              "geometry IS NOT NULL") == (double)fx.d.hazards.len - 1;
	sqlite3_close(edb);
	lr_test_ok(null_geom,
	           "an empty MultiPolygon is stored as a NULL geometry, the "
	           "other rows as they are (%s)",
	           err.msg);
	fixture_free(&fx);

	const char *nb = getenv("LR_STORE_BENCH");
	if (nb && atol(nb) > 0)
		bench(root, atol(nb));

	if (getenv("LR_TEST_KEEP"))
		printf("# kept %s\n", root);
	else
		rm_rf(root);
	return lr_test_done();
}
