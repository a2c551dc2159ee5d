/*
** Reading sources through geo/source.c: reprojection, repairs and
** rejections of hand-made GeoJSON fixtures (tests/fixtures/geo/), field
** text, and the errors for missing files, layers and CRS.
*/
#include "lr_geo.h"
#include "lr_test.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static char fixdir[4096];

static const char *fixture(const char *name)
{
	static char path[4200];
	snprintf(path, sizeof path, "%s/%s", fixdir, name);
	return path;
}

/* Read the first feature of a one-feature dataset; area or -1. */
static double first_area(const char *path, const lr_source_options *opt,
                         lr_geom_status *st)
{
	lr_source *s = NULL;
	lr_error err = {0};
	if (lr_source_open(path, NULL, NULL, opt, &s, &err) != LR_OK) {
		printf("# %s\n", err.msg);
		return -1;
	}
	lr_feature f;
	double a = -1;
	if (lr_source_next(s, &f, &err) == 1) {
		a = f.area_m2;
		if (st)
			*st = f.geom_status;
	}
	lr_wkb_free(&f.wkb);
	lr_source_close(s);
	return a;
}

#define N_CASES 13
static const char *case_names[N_CASES] = {
        "ok",   "bowtie",     "null", "point",      "line",  "nan", "projected",
        "jump", "degenerate", "z3d",  "collection", "dupes", "flat"};

typedef struct got {
	bool seen;
	lr_geom_status st;
	char note[512];
	double area;
	lr_wkb wkb;
} got;

static int case_index(const char *name)
{
	for (int i = 0; i < N_CASES; i++)
		if (name && strcmp(case_names[i], name) == 0)
			return i;
	return -1;
}

static bool note_has(const got *g, const char *word)
{
	return strcasestr(g->note, word) != NULL;
}

static void check_cases(void)
{
	lr_source *s = NULL;
	lr_error err = {0};
	int rc = lr_source_open(fixture("cases.geojson"), NULL, NULL, NULL, &s,
	                        &err);
	if (!lr_test_ok(rc == LR_OK, "open cases.geojson (%s)", err.msg))
		return;
	int name_i = lr_source_field_index(s, "NAME");
	lr_test_ok(name_i == 0 && lr_source_field_count(s) == 1 &&
	                   strcmp(lr_source_field_name(s, 0), "name") == 0,
	           "field 'name' found case-insensitively");
	lr_test_ok(strcmp(lr_source_layer_name(s), "cases") == 0 &&
	                   strstr(lr_source_label(s), "cases.geojson") &&
	                   strstr(lr_source_label(s), "layer cases"),
	           "label names dataset and layer: %s", lr_source_label(s));
	got g[N_CASES] = {0};
	lr_feature f;
	int n = 0;
	while ((rc = lr_source_next(s, &f, &err)) == 1) {
		n++;
		int i = case_index(f.values[name_i]);
		if (i < 0)
			continue;
		g[i].seen = true;
		g[i].st = f.geom_status;
		snprintf(g[i].note, sizeof g[i].note, "%s", f.geom_note);
		g[i].area = f.area_m2;
		g[i].wkb = f.wkb; /* taken */
		f.wkb.data = NULL;
		printf("# %-10s status %d area %.3f note: %s\n", case_names[i],
		       f.geom_status, f.area_m2, f.geom_note);
	}
	lr_test_ok(rc == 0 && n == N_CASES, "read all %d features (rc %d)", n,
	           rc);
	lr_source_close(s);

	const got *ok = &g[case_index("ok")];
	double sq[] = {18.01, 44, 18.011, 44, 18.011, 44.001, 18.01, 44.001};
	lr_test_ok(ok->st == LR_GEOM_OK && ok->note[0] == '\0',
	           "plain square is OK without note");
	lr_test_near(ok->area, lr_ellipsoid_ring_area(sq, 4), 1e-6,
	             "square area (%.1f m2)", ok->area);
	lr_test_ok(ok->wkb.data && ok->wkb.minx == 18.01 &&
	                   ok->wkb.maxx == 18.011 && ok->wkb.miny == 44 &&
	                   ok->wkb.maxy == 44.001,
	           "square envelope");
	lr_test_near(lr_ellipsoid_area_wkb(&ok->wkb), ok->area, 1e-9,
	             "area_m2 is the area of the wkb handed out");

	/* Bowtie: MakeValid keeps both triangles, crossing at the middle. */
	const got *bt = &g[case_index("bowtie")];
	double t1[] = {18, 44, 18.0005, 44.0005, 18, 44.001};
	double t2[] = {18.001, 44, 18.001, 44.001, 18.0005, 44.0005};
	double tri =
	        lr_ellipsoid_ring_area(t1, 3) + lr_ellipsoid_ring_area(t2, 3);
	lr_test_ok(bt->st == LR_GEOM_REPAIRED && note_has(bt, "self-inters"),
	           "bowtie repaired, note gives the reason: %s", bt->note);
	lr_test_near(bt->area / tri, 1, 1e-6,
	             "bowtie area is both triangles (%.2f vs %.2f m2)",
	             bt->area, tri);

	struct {
		const char *name, *word;
	} rej[] = {
	        {"null", "no geometry"},     {"point", "not a polygon"},
	        {"line", "not a polygon"},   {"nan", "NaN"},
	        {"projected", "do not fit"}, {"jump", "coordinate typo"},
	        {"degenerate", "distinct"},  {"flat", "zero-area"},
	};
	for (size_t i = 0; i < sizeof rej / sizeof rej[0]; i++) {
		const got *r = &g[case_index(rej[i].name)];
		lr_test_ok(r->seen && r->st == LR_GEOM_REJECTED &&
		                   note_has(r, rej[i].word) &&
		                   r->wkb.data == NULL && r->area == 0,
		           "%s rejected, note mentions '%s': %s", rej[i].name,
		           rej[i].word, r->note);
	}
	const got *jump = &g[case_index("jump")];
	lr_test_ok(note_has(jump, "vertices 2 and 3"),
	           "the jump note names the vertices");
	lr_test_ok(note_has(&g[case_index("point")], "POINT"),
	           "the point note names the type");

	const got *z = &g[case_index("z3d")];
	lr_test_ok(z->st == LR_GEOM_REPAIRED && note_has(z, "dropped Z"),
	           "3D polygon repaired: %s", z->note);
	lr_test_ok(z->area == ok->area && z->wkb.size == ok->wkb.size,
	           "3D polygon: same 2D geometry and area");
	const got *gc = &g[case_index("collection")];
	lr_test_ok(gc->st == LR_GEOM_REPAIRED && note_has(gc, "polygons"),
	           "collection repaired: %s", gc->note);
	lr_test_ok(gc->area == ok->area, "collection keeps its polygon");
	const got *d = &g[case_index("dupes")];
	lr_test_ok(d->st == LR_GEOM_OK && d->area == ok->area &&
	                   d->wkb.size == ok->wkb.size,
	           "duplicate points removed silently");
	for (int i = 0; i < N_CASES; i++)
		lr_wkb_free(&g[i].wkb);

	/* No vertex-gap check when negative. */
	lr_source_options opt = {.max_vertex_gap_m = -1};
	rc = lr_source_open(fixture("cases.geojson"), NULL, NULL, &opt, &s,
	                    &err);
	bool jump_ok = false;
	while (rc == LR_OK && lr_source_next(s, &f, &err) == 1)
		if (strcmp(f.values[name_i], "jump") == 0)
			jump_ok = f.geom_status == LR_GEOM_OK;
	lr_source_close(s);
	lr_test_ok(jump_ok, "max_vertex_gap_m < 0 accepts the jump");
}

static void check_projection(void)
{
	lr_source *s = NULL;
	lr_error err = {0};
	lr_geom_status st = LR_GEOM_REJECTED;
	double utm = first_area(fixture("utm34.geojson"), NULL, &st);
	lr_test_ok(st == LR_GEOM_OK, "UTM 34N polygon accepted");
	double ll = first_area(fixture("utm34_lonlat.geojson"), NULL, NULL);
	/* Plane area 3,080,000 m2 scaled by UTM's 0.9996 on the central
	** meridian: the area on the ellipsoid within 1e-5. */
	lr_test_near(utm / (3080000 / (0.9996 * 0.9996)), 1, 1e-5,
	             "UTM polygon area %.2f m2 matches its plane area", utm);
	lr_test_near(utm / ll, 1, 1e-6,
	             "UTM 34N and its lon/lat copy: same area "
	             "(%.3f vs %.3f)",
	             utm, ll);

	int rc = lr_source_open(fixture("utm34.geojson"), NULL, NULL, NULL, &s,
	                        &err);
	lr_test_ok(rc == LR_OK && strcmp(lr_source_crs(s), "EPSG:32634") == 0,
	           "CRS described as EPSG:32634 (%s)",
	           rc == LR_OK ? lr_source_crs(s) : err.msg);
	lr_feature f;
	if (rc == LR_OK && lr_source_next(s, &f, &err) == 1) {
		int id = lr_source_field_index(s, "id");
		int rec = lr_source_field_index(s, "recorded");
		lr_test_ok(id >= 0 && strcmp(f.values[id], "U-1") == 0,
		           "text field read");
		lr_test_ok(rec >= 0 && strcmp(f.values[rec], "2019-03-01") == 0,
		           "date field rendered YYYY-MM-DD (%s)",
		           rec >= 0 ? f.values[rec] : "?");
		lr_test_ok(f.wkb.minx > 20.99 && f.wkb.maxx < 21.03 &&
		                   f.wkb.miny > 44.25 && f.wkb.maxy < 44.28,
		           "reprojected to lon/lat (x = lon)");
		lr_test_ok(f.fid == 0, "feature id 0");
		lr_test_ok(lr_source_next(s, &f, &err) == 0, "end of layer");
		lr_test_ok(f.wkb.data == NULL, "no wkb at the end");
	}
	lr_source_close(s);

	/* A Shapefile without .prj: refused unless a CRS is given. */
	char dir[] = "/tmp/lr_test_source_XXXXXX";
	if (mkdtemp(dir) == NULL || access("/usr/bin/ogr2ogr", X_OK) != 0) {
		printf("# ogr2ogr not available: Shapefile cases skipped\n");
		return;
	}
	char cmd[20000], shp[4200], prj[4200];
	snprintf(shp, sizeof shp, "%s/utm.shp", dir);
	snprintf(prj, sizeof prj, "%s/utm.prj", dir);
	snprintf(cmd, sizeof cmd, "ogr2ogr '%s' '%s'", shp,
	         fixture("utm34.geojson"));
	if (system(cmd) != 0 || unlink(prj) != 0) {
		lr_test_ok(0, "ogr2ogr made a Shapefile");
		return;
	}
	rc = lr_source_open(shp, NULL, NULL, NULL, &s, &err);
	lr_test_ok(rc == LR_ERR_CRS && strstr(err.msg, "utm.shp") &&
	                   strstr(err.msg, "no CRS"),
	           "no CRS, metre coordinates: refused (%s)", err.msg);
	lr_source_options opt = {.assume_crs = "EPSG:32634"};
	double shp_area = first_area(shp, &opt, NULL);
	lr_test_near(shp_area / utm, 1, 1e-9,
	             "Shapefile with assumed EPSG:32634: same area");
	opt.assume_crs = "EPSG:999999";
	rc = lr_source_open(shp, NULL, NULL, &opt, &s, &err);
	lr_test_ok(rc == LR_ERR_CRS && strstr(err.msg, "EPSG:999999"),
	           "unknown CRS refused (%s)", err.msg);

	/* A truncated .shp: a read error, not a crash. */
	snprintf(cmd, sizeof cmd,
	         "exec 2>/dev/null; ogr2ogr -skipfailures -nlt POLYGON "
	         "'%s/many.shp' '%s' && "
	         "ogr2ogr -skipfailures -append '%s/many.shp' '%s' && "
	         "ogr2ogr -skipfailures -append '%s/many.shp' '%s' && "
	         "truncate -s -60 '%s/many.shp'",
	         dir, fixture("cases.geojson"), dir, fixture("cases.geojson"),
	         dir, fixture("cases.geojson"), dir);
	if (system(cmd) == 0) {
		snprintf(shp, sizeof shp, "%s/many.shp", dir);
		rc = lr_source_open(shp, NULL, NULL, NULL, &s, &err);
		int r = 0, n = 0;
		while (rc == LR_OK && (r = lr_source_next(s, &f, &err)) == 1)
			n++;
		lr_test_ok(rc == LR_OK && r == -1 && strstr(err.msg, "many"),
		           "truncated Shapefile: read error after %d features "
		           "(%s)",
		           n, err.msg);
		lr_wkb_free(&f.wkb);
		lr_source_close(s);
	}
	/* A corrupt file. */
	snprintf(shp, sizeof shp, "%s/broken.gpkg", dir);
	FILE *fp = fopen(shp, "w");
	if (fp) {
		fputs("this is not a GeoPackage\n", fp);
		fclose(fp);
	}
	rc = lr_source_open(shp, NULL, NULL, NULL, &s, &err);
	lr_test_ok(rc != LR_OK && s == NULL && strstr(err.msg, "broken.gpkg"),
	           "corrupt file refused (%s)", err.msg);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
}

static void check_errors(void)
{
	lr_source *s = (lr_source *)1;
	lr_error err = {0};
	const char *missing = "/nonexistent/hazards.gpkg";
	int rc = lr_source_open(missing, NULL, NULL, NULL, &s, &err);
	lr_test_ok(rc != LR_OK && s == NULL && strstr(err.msg, missing),
	           "missing file: %s", err.msg);
	rc = lr_source_open(fixture("cases.geojson"), "nosuch", NULL, NULL, &s,
	                    &err);
	lr_test_ok(rc != LR_OK && strstr(err.msg, "nosuch") &&
	                   strstr(err.msg, "'cases'"),
	           "missing layer names it and the layers there: %s", err.msg);
	rc = lr_source_open(fixture("cases.geojson"), NULL, "hazards", NULL, &s,
	                    &err);
	lr_test_ok(rc == LR_OK, "default layer not needed with one layer");
	lr_source_close(s);
	char dir[] = "/tmp/lr_test_empty_XXXXXX";
	if (mkdtemp(dir)) {
		rc = lr_source_open(dir, NULL, NULL, NULL, &s, &err);
		lr_test_ok(rc != LR_OK && strstr(err.msg, dir) &&
		                   strstr(err.msg, "folder"),
		           "empty folder refused: %s", err.msg);
		rmdir(dir);
	}
	lr_source_close(NULL);
}

static void check_text(void)
{
	lr_source *s = NULL;
	lr_error err = {0};
	lr_feature f;
	int rc = lr_source_open(fixture("latin1.geojson"), NULL, NULL, NULL, &s,
	                        &err);
	if (rc == LR_OK && lr_source_next(s, &f, &err) == 1) {
		int n = lr_source_field_index(s, "name");
		int o = lr_source_field_index(s, "ok");
		lr_test_ok(f.text_repaired, "invalid UTF-8 flagged");
		lr_test_ok(strcmp(f.values[n], "Bosanska Krupa \\xE9\\xFF") ==
		                   0,
		           "invalid bytes kept, escaped: %s", f.values[n]);
		lr_test_ok(strcmp(f.values[o], "\xc5\xa0ipovo") == 0,
		           "valid UTF-8 kept");
		lr_wkb_free(&f.wkb);
	} else
		lr_test_ok(0, "open latin1.geojson: %s", err.msg);
	lr_source_close(s);
}

/* The real Bosnia and Herzegovina suspected areas, when available. */
static void check_real(void)
{
	const char *dir = getenv("LR_SHARED_DATA");
	char path[4200];
	snprintf(path, sizeof path, "%s/bih/suspect_areas_simplyfied.geojson",
	         dir ? dir : "");
	if (dir == NULL || access(path, R_OK) != 0) {
		printf("# LR_SHARED_DATA not available: real data skipped\n");
		return;
	}
	lr_source *s = NULL;
	lr_error err = {0};
	int rc = lr_source_open(path, NULL, NULL, NULL, &s, &err);
	long n[3] = {0}, no_geom = 0;
	lr_feature f;
	int r = -1;
	while (rc == LR_OK && (r = lr_source_next(s, &f, &err)) == 1) {
		n[f.geom_status]++;
		if (strcmp(f.geom_note, "no geometry") == 0)
			no_geom++;
	}
	lr_source_close(s);
	lr_test_ok(r == 0 && n[0] + n[1] + n[2] == 11068,
	           "real suspected areas: all 11068 features read (%s)",
	           err.msg);
	lr_test_ok(no_geom > 3000 && n[1] > 400 && n[0] > 7000,
	           "real data: %ld ok, %ld repaired, %ld rejected (%ld without "
	           "geometry)",
	           n[0], n[1], n[2], no_geom);
}

/* Read the GeoJSON json (written to a file of its own) and compare the
** text of the fields names[0..cols) of its first rows features with
** want (row by row); the number of equal texts, the first difference in
** diff. */
static int texts_as_read(const char *json, const char *const *names, int cols,
                         const char *const *want, int rows, char *diff,
                         size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/lr_test_texts_%d.geojson",
	         (int)getpid());
	FILE *fp = fopen(path, "w");
	if (!lr_test_ok(fp && fputs(json, fp) >= 0 && fclose(fp) == 0,
	                "write %s", path))
		return -1;
	lr_source *s = NULL;
	lr_error err = {0};
	lr_feature f;
	int same = 0, k = 0;
	snprintf(diff, size, "%s", "");
	if (lr_source_open(path, NULL, NULL, NULL, &s, &err) == LR_OK)
		for (; k < rows && lr_source_next(s, &f, &err) == 1; k++)
			for (int c = 0; c < cols; c++) {
				int col = lr_source_field_index(s, names[c]);
				const char *v = col >= 0 ? f.values[col] : NULL;
				const char *w = want[k * cols + c];
				if (v && !strcmp(v, w))
					same++;
				else if (!diff[0])
					snprintf(
					        diff, size,
					        "feature %d %s: '%s', not '%s'",
					        k + 1, names[c],
					        v ? v : "(null)", w);
			}
	lr_source_close(s);
	unlink(path);
	if (k < rows)
		snprintf(diff, size, "%d of %d features read (%.100s)", k, rows,
		         err.msg);
	return same;
}

/* Numbers as text: integers as printf's %d and %lld write them, whole
** reals below 2^53 as %.0f, other reals as %.15g. */
static void check_numbers(void)
{
	static const char *json =
	        "{\"type\":\"FeatureCollection\",\"features\":["
	        "{\"type\":\"Feature\",\"properties\":{\"i\":-12,"
	        "\"big\":9007199254740993,\"r\":3.0},\"geometry\":null},"
	        "{\"type\":\"Feature\",\"properties\":{\"i\":0,"
	        "\"big\":-9223372036854775807,\"r\":-0.0},\"geometry\":"
	        "null},"
	        "{\"type\":\"Feature\",\"properties\":{\"i\":2147483647,"
	        "\"big\":10,\"r\":2.5},\"geometry\":null},"
	        "{\"type\":\"Feature\",\"properties\":{\"i\":-2147483648,"
	        "\"big\":0,\"r\":1e20},\"geometry\":null},"
	        "{\"type\":\"Feature\",\"properties\":{\"i\":7,"
	        "\"big\":1,\"r\":-7.0},\"geometry\":null}]}";
	static const char *want[5][3] = {{"-12", "9007199254740993", "3"},
	                                 {"0", "-9223372036854775807", "0"},
	                                 {"2147483647", "10", "2.5"},
	                                 {"-2147483648", "0", "1e+20"},
	                                 {"7", "1", "-7"}};
	static const char *names[] = {"i", "big", "r"};
	char diff[200];
	int same = texts_as_read(json, names, 3, &want[0][0], 5, diff,
	                         sizeof diff);
	lr_test_ok(same == 15,
	           "integers and reals as text: %d of 15 as printf writes "
	           "them %s",
	           same, diff);
}

/* Dates and date-times as ISO text whatever the driver's rendering: a
** day alone, a time kept unless it is midnight. */
static void check_dates(void)
{
	static const char *json =
	        "{\"type\":\"FeatureCollection\",\"features\":["
	        "{\"type\":\"Feature\",\"properties\":{\"day\":"
	        "\"2019-05-03\",\"at\":\"2019-05-03T07:08:09\"},"
	        "\"geometry\":null},"
	        "{\"type\":\"Feature\",\"properties\":{\"day\":"
	        "\"0999-12-31\",\"at\":\"2020-02-29T00:00:00\"},"
	        "\"geometry\":null},"
	        "{\"type\":\"Feature\",\"properties\":{\"day\":"
	        "\"2001-01-01\",\"at\":\"1999-12-31T23:59:58\"},"
	        "\"geometry\":null}]}";
	static const char *want[3][2] = {{"2019-05-03", "2019-05-03T07:08:09"},
	                                 {"0999-12-31", "2020-02-29"},
	                                 {"2001-01-01", "1999-12-31T23:59:58"}};
	static const char *names[] = {"day", "at"};
	char diff[200];
	int same = texts_as_read(json, names, 2, &want[0][0], 3, diff,
	                         sizeof diff);
	lr_test_ok(same == 6, "dates as ISO text: %d of 6 %s", same, diff);
}

int main(void)
{
	const char *src = getenv("LR_SOURCE_DIR");
	snprintf(fixdir, sizeof fixdir, "%s/tests/fixtures/geo",
	         src ? src : ".");
	check_errors();
	check_cases();
	check_projection();
	check_text();
	check_numbers();
	check_dates();
	check_real();
	return lr_test_done();
}
