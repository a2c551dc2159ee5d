/*
** The cheap validity test that spares GEOS the plainly valid polygons:
** what it proves valid GEOS must find valid, on drawn cases and on every
** geometry of generated countries and of the real BiH data; and a check
** deferred to lr_feature_check gives the very feature lr_source_next gives
** when it checks itself.
*/
#include "lr_geo.h"
#include "lr_test.h"

#include <math.h>
#include <stdint.h>
#include <unistd.h>

/* ---- Drawn cases ----------------------------------------------------------
 */

typedef struct wkb_out {
	unsigned char buf[65536];
	size_t len;
} wkb_out;

static void put_u32(wkb_out *o, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		o->buf[o->len++] = (unsigned char)(v >> (8 * i));
}

static void put_f64(wkb_out *o, double v)
{
	uint64_t u;
	memcpy(&u, &v, 8);
	for (int i = 0; i < 8; i++)
		o->buf[o->len++] = (unsigned char)(u >> (8 * i));
}

/*
** A MultiPolygon from text: polygons split by '|', rings by ';', each ring
** "x y, x y, ..." (closed here).  Enough for the cases below.
*/
static lr_wkb make(const char *text)
{
	static wkb_out o;
	o.len = 0;
	o.buf[o.len++] = 1;
	put_u32(&o, 6);
	size_t n_polys_at = o.len;
	put_u32(&o, 0);
	uint32_t n_polys = 0;
	const char *p = text;
	while (*p) {
		o.buf[o.len++] = 1;
		put_u32(&o, 3);
		size_t n_rings_at = o.len;
		put_u32(&o, 0);
		uint32_t n_rings = 0;
		while (*p && *p != '|') {
			size_t n_at = o.len;
			put_u32(&o, 0);
			uint32_t n = 0;
			double x0 = 0, y0 = 0, x, y;
			int used;
			while (sscanf(p, " %lf %lf%n", &x, &y, &used) == 2) {
				if (n == 0)
					x0 = x, y0 = y;
				put_f64(&o, x);
				put_f64(&o, y);
				n++;
				p += used;
				while (*p == ',' || *p == ' ')
					p++;
			}
			put_f64(&o, x0);
			put_f64(&o, y0);
			n++;
			memcpy(o.buf + n_at, &n, 4);
			n_rings++;
			if (*p == ';')
				p++;
		}
		memcpy(o.buf + n_rings_at, &n_rings, 4);
		n_polys++;
		if (*p == '|')
			p++;
	}
	memcpy(o.buf + n_polys_at, &n_polys, 4);
	lr_wkb w = {o.buf, o.len, 0, 0, 0, 0};
	return w;
}

static int geos_valid(GEOSContextHandle_t ctx, const lr_wkb *w)
{
	GEOSGeometry *g = lr_wkb_to_geos_r(ctx, w);
	int v = g ? GEOSisValid_r(ctx, g) : 2;
	GEOSGeom_destroy_r(ctx, g);
	return v;
}

static void drawn_cases(GEOSContextHandle_t ctx)
{
	static const struct {
		const char *wkt, *what;
		bool proved; /* the cheap test proves it valid */
	} c[] = {
	        {"0 0, 1 0, 1 1, 0 1", "a square", true},
	        {"0 0, 1 0, 0 1", "a triangle", true},
	        {"0 0, 10 0, 10 10, 0 10; 2 2, 2 4, 4 4, 4 2",
	         "a square with a hole", true},
	        {"0 0, 1 0, 1 1, 0 1 | 2 0, 3 0, 3 1, 2 1", "two squares apart",
	         true},
	        {"0 0, 10 0, 10 10, 0 10; 1 1, 1 3, 3 3, 3 1; 5 5, 5 7, 7 7, 7 "
	         "5",
	         "a square with two holes", true},
	        {"0 0, 1 1, 1 0, 0 1", "a bow tie", false},
	        {"0 0, 2 0, 2 2, 1 2, 1 3, 1 2, 0 2", "a spike", false},
	        {"0 0, 2 0, 1 0", "three collinear vertices", false},
	        {"0 0, 4 0, 4 4, 2 0, 0 4", "a ring touching itself", false},
	        {"0 0, 10 0, 10 10, 0 10; 0 0, 2 2, 2 1",
	         "a hole touching its shell", false},
	        {"0 0, 1 0, 1 1, 0 1; 5 5, 5 6, 6 6, 6 5",
	         "a hole outside its shell", false},
	        {"0 0, 10 0, 10 10, 0 10; 1 1, 1 8, 8 8, 8 1; 2 2, 2 3, 3 3, 3 "
	         "2",
	         "a hole inside another hole", false},
	        {"0 0, 2 0, 2 2, 0 2 | 1 1, 3 1, 3 3, 1 3",
	         "two overlapping squares", false},
	        {"0 0, 10 0, 10 10, 0 10 | 2 2, 3 2, 3 3, 2 3",
	         "a square inside another", false},
	        {"0 0, 1 0, 1 1, 0 1 | 1 0, 2 0, 2 1, 1 1",
	         "two squares sharing an edge", false},
	        {"0 0, 1e-9 0, 1e-9 1e-9, 0 1e-9", "a tiny square", true},
	        {"0 0, 1 0, 1 1, 0.5 1e-17, 0 1",
	         "a vertex a hair above an edge", true},
	        {"0 0, 1 0, 1 1, 0.5 0, 0 1", "a vertex on an edge", false},
	        {"0 0, 4 -1, 8 0, 5 3, 8 6, 4 5, 0 6, 3 3",
	         "a star-shaped ring, not convex", true},
	        {"0 10, 5.878 -8.09, -9.511 3.09, 9.511 3.09, -5.878 -8.09",
	         "a pentagram in one stroke (round its centre twice)", false},
	        {"0 0, 1 0, 2 0, 2 2, 0 2",
	         "three collinear vertices on an edge", true},
	        {"0 0, 6 0, 6 1, 1 1, 1 5, 6 5, 6 6, 0 6",
	         "a C, not star-shaped about its vertices' mean", true},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		lr_wkb w = make(c[i].wkt);
		bool got = lr_wkb_surely_valid(&w);
		int gv = geos_valid(ctx, &w);
		lr_test_ok(got == c[i].proved && (!got || gv == 1),
		           "%s: %s (GEOS: %s)", c[i].what,
		           got ? "proved valid" : "left to GEOS",
		           gv == 1 ? "valid" : "invalid");
	}
}

/* A ring of n vertices round a circle (radius 1 at 10 10), vertex `moved`
** put at (mx, my) unless moved < 0; appended to text at *len. */
static void circle_ring(char *text, size_t size, size_t *len, int n, int moved,
                        double mx, double my)
{
	for (int i = 0; i < n; i++) {
		double a = 2 * M_PI * i / n;
		double x = i == moved ? mx : 10 + cos(a);
		double y = i == moved ? my : 10 + sin(a);
		*len += (size_t)snprintf(text + *len, size - *len,
		                         "%s%.12f %.12f", i ? ", " : "", x, y);
	}
}

/*
** Rings of hundreds of edges, where the sweep sorts the edges in several
** merged runs: a smooth one is proved valid; one vertex pulled across the
** ring, so that its edges cross edges far from them in the ring's order,
** or a hole touching its shell, are left to GEOS, which finds them invalid.
*/
static void long_rings(GEOSContextHandle_t ctx)
{
	static char text[60000];
	static const struct {
		int n, moved;
		double mx, my;
		bool hole, proved;
		const char *what;
	} c[] = {
	        {700, -1, 0, 0, false, true, "a smooth ring of 700 vertices"},
	        {700, -1, 0, 0, true, true,
	         "a ring of 700 vertices with a hole of 350"},
	        {700, 100, 8.5, 9.5, false, false,
	         "a vertex of a ring of 700 pulled out across the far side"},
	        {700, 350, 11.5, 10.0, false, false,
	         "the westmost vertex of a ring of 700 pulled past the east"},
	        {700, 0, 10.2, 10.0, true, false,
	         "a shell's vertex pulled into its hole"},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		size_t len = 0;
		text[0] = '\0';
		circle_ring(text, sizeof text, &len, c[i].n, c[i].moved,
		            c[i].mx, c[i].my);
		if (c[i].hole) {
			len += (size_t)snprintf(text + len, sizeof text - len,
			                        "; ");
			/* the hole, half the size, clockwise */
			for (int k = 0; k < c[i].n / 2; k++) {
				double a = -2 * M_PI * k / (c[i].n / 2);
				len += (size_t)snprintf(
				        text + len, sizeof text - len,
				        "%s%.12f %.12f", k ? ", " : "",
				        10 + 0.5 * cos(a), 10 + 0.5 * sin(a));
			}
		}
		lr_wkb w = make(text);
		bool got = lr_wkb_surely_valid(&w);
		int gv = geos_valid(ctx, &w);
		lr_test_ok(got == c[i].proved && gv == (c[i].proved ? 1 : 0),
		           "%s: %s (GEOS: %s)", c[i].what,
		           got ? "proved valid" : "left to GEOS",
		           gv == 1 ? "valid" : "invalid");
	}
}

/*
** Random polygons on a small integer grid, where touching vertices,
** collinear edges and crossings are the rule: whatever the cheap test
** proves, GEOS must find valid.  One or two polygons of one or two rings.
*/
static void grid_polygons(GEOSContextHandle_t ctx)
{
	unsigned seed = 17;
	long proved = 0, wrong = 0, valid = 0, n_cases = 20000;
	for (long k = 0; k < n_cases; k++) {
		char text[1024];
		size_t len = 0;
		int n_polys = 1 + (int)(rand_r(&seed) % 2);
		for (int p = 0; p < n_polys; p++) {
			int n_rings = 1 + (int)(rand_r(&seed) % 2);
			for (int r = 0; r < n_rings; r++) {
				int n = 3 + (int)(rand_r(&seed) % 5);
				int ox = r ? 1 : 0, span = r ? 3 : 6;
				for (int i = 0; i < n; i++)
					len += (size_t)snprintf(
					        text + len, sizeof text - len,
					        "%s%d %d", i ? ", " : "",
					        ox +
					                (int)(rand_r(&seed) %
					                      span) +
					                7 * p,
					        ox + (int)(rand_r(&seed) %
					                   span));
				if (r + 1 < n_rings)
					len += (size_t)snprintf(
					        text + len, sizeof text - len,
					        "; ");
			}
			if (p + 1 < n_polys)
				len += (size_t)snprintf(
				        text + len, sizeof text - len, " | ");
		}
		lr_wkb w = make(text);
		bool got = lr_wkb_surely_valid(&w);
		int gv = geos_valid(ctx, &w);
		proved += got;
		valid += gv == 1;
		if (got && gv != 1 && wrong++ == 0)
			printf("#   proved but invalid: %s\n", text);
	}
	lr_test_ok(wrong == 0 && proved > 0,
	           "%ld random grid polygons: none proved valid that GEOS "
	           "finds invalid (%ld proved of %ld valid)",
	           n_cases, proved, valid);
}

/* ---- Every geometry of real and generated files ---------------------------
 */

typedef struct tally {
	long features, checked, proved, wrong, geos_valid, differ;
} tally;

/* Whether two features read the two ways are the same. */
static bool same_feature(const lr_feature *a, const lr_feature *b)
{
	bool area = (isnan(a->area_m2) && isnan(b->area_m2)) ||
	            a->area_m2 == b->area_m2;
	return a->geom_status == b->geom_status &&
	       !strcmp(a->geom_note, b->geom_note) && area &&
	       a->wkb.size == b->wkb.size &&
	       (!a->wkb.size || !memcmp(a->wkb.data, b->wkb.data, a->wkb.size));
}

/* Read `layer` of path twice, checking as it reads and deferred, and
** compare the cheap test with GEOS on every geometry handed out. */
static void tally_layer(GEOSContextHandle_t ctx, lr_checker *ck,
                        const char *path, const char *layer, tally *t)
{
	lr_error err = {0};
	lr_source *now = NULL, *later = NULL;
	lr_source_options o1 = {.max_vertex_gap_m = -1};
	lr_source_options o2 = {.max_vertex_gap_m = -1, .defer_check = true};
	if (lr_source_open(path, layer, NULL, &o1, &now, &err) != LR_OK ||
	    lr_source_open(path, layer, NULL, &o2, &later, &err) != LR_OK) {
		lr_test_ok(0, "open %s %s (%s)", path, layer ? layer : "",
		           err.msg);
		lr_source_close(now);
		return;
	}
	lr_feature a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	while (lr_source_next(now, &a, &err) == 1 &&
	       lr_source_next(later, &b, &err) == 1) {
		t->features++;
		if (b.unchecked) {
			t->checked++;
			bool proved = lr_wkb_surely_valid(&b.wkb);
			int gv = geos_valid(ctx, &b.wkb);
			t->proved += proved;
			t->geos_valid += gv == 1;
			t->wrong += proved && gv != 1;
		}
		lr_feature_check(ck, &b, &err);
		if (!isnan(b.area_m2) || !b.wkb.data)
			t->differ += !same_feature(&a, &b);
		else if (b.wkb.data) {
			b.area_m2 = lr_ellipsoid_area_wkb(&b.wkb);
			t->differ += !same_feature(&a, &b);
		}
		lr_wkb_free(&b.wkb); /* taken: replaced by the check maybe */
	}
	lr_source_close(now);
	lr_source_close(later);
}

static void report(const char *what, const tally *t)
{
	lr_test_ok(t->features > 0 && t->wrong == 0,
	           "%s: none of %ld geometries the cheap test proves valid "
	           "is invalid to GEOS (%ld proved of %ld valid)",
	           what, t->checked, t->proved, t->geos_valid);
	lr_test_ok(t->differ == 0,
	           "%s: all %ld features the same checked as read and "
	           "checked later (%ld differ)",
	           what, t->features, t->differ);
}

static void generated(GEOSContextHandle_t ctx, lr_checker *ck, int seed)
{
	const char *build = getenv("LR_BUILD_DIR");
	char path[256], cmd[1024];
	snprintf(path, sizeof path, "/tmp/lr_test_valid_%d_%d.gpkg",
	         (int)getpid(), seed);
	snprintf(cmd, sizeof cmd,
	         "'%s/data/lr-generate' --out '%s' --seed %d --hazards 3000 "
	         "--regions 16 2>/dev/null",
	         build ? build : "build", path, seed);
	if (!lr_test_ok(system(cmd) == 0, "generate seed %d", seed))
		return;
	tally t = {0};
	tally_layer(ctx, ck, path, "hazards", &t);
	tally_layer(ctx, ck, path, "releases", &t);
	unlink(path);
	char what[64];
	snprintf(what, sizeof what, "generated seed %d", seed);
	report(what, &t);
	/* The point of the test: most survey polygons never reach GEOS. */
	lr_test_ok(t.proved >= 0.9 * (double)t.geos_valid,
	           "seed %d: at least 90%% of the valid geometries proved "
	           "without GEOS (%ld of %ld)",
	           seed, t.proved, t.geos_valid);
}

static void bih(GEOSContextHandle_t ctx, lr_checker *ck)
{
	const char *real = getenv("LR_SHARED_DATA");
	static const char *files[] = {"suspect_areas_simplyfied.geojson",
	                              "cleared_areas_simplyfied.geojson",
	                              "geoBoundaries-BIH-ADM3.geojson"};
	tally t = {0};
	for (size_t i = 0; real && i < 3; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/bih/%s", real, files[i]);
		if (access(path, R_OK) != 0) {
			printf("# the real BiH data (%s) is not here: "
			       "skipped\n",
			       path);
			return;
		}
		tally_layer(ctx, ck, path, NULL, &t);
	}
	if (real)
		report("BiH suspected, cleared and municipalities", &t);
}

int main(void)
{
	lr_error err = {0};
	GEOSContextHandle_t ctx = lr_geos_new(&err);
	lr_checker *ck = lr_checker_new(&err);
	drawn_cases(ctx);
	grid_polygons(ctx);
	long_rings(ctx);
	for (int seed = 1; seed <= 3; seed++)
		generated(ctx, ck, seed);
	bih(ctx, ck);
	lr_checker_free(ck);
	GEOS_finish_r(ctx);
	return lr_test_done();
}
