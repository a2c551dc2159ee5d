/*
** The ledger's noder (engine/ledger/node.c) on drawn linework, each case
** checked against the pieces it must give, worked out by hand, and against
** GEOSNode_r line for line; then on many random fans of segments crossing
** near one point, where rounded crossings make new ones: there it must
** give GEOSNode_r's lines or refuse, never anything else.  Whole countries
** are compared cluster by cluster in test_noding.c.
*/
#include "lr_engine.h"
#include "lr_test.h"
#include "lr_test_node.h"
#include "meet_int.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

static GEOSContextHandle_t ctx;

/* A MULTILINESTRING of n_lines lines, line k of n[k] points xy (x, y
** pairs, one line after the other). */
static GEOSGeometry *lines_of(const double *xy, const int *n, int n_lines)
{
	GEOSGeometry *line[8];
	for (int k = 0; k < n_lines; k++) {
		GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(
		        ctx, xy, (unsigned)n[k], 0, 0);
		line[k] = GEOSGeom_createLineString_r(ctx, cs);
		xy += 2 * n[k];
	}
	return GEOSGeom_createCollection_r(ctx, GEOS_MULTILINESTRING, line,
	                                   (unsigned)n_lines);
}

/* Whether piece p is segment w = {ax, ay, bx, by}, either way round. */
static int same_seg(const lr__seg *p, const double *w)
{
	return (p->ax == w[0] && p->ay == w[1] && p->bx == w[2] &&
	        p->by == w[3]) ||
	       (p->ax == w[2] && p->ay == w[3] && p->bx == w[0] &&
	        p->by == w[1]);
}

/* Whether the pieces of nd are exactly the n_want segments want (4
** numbers each), each once, in any order and direction. */
static int pieces_are(const lr__noded *nd, const double *want, size_t n_want)
{
	if (nd->pieces.len != n_want)
		return 0;
	for (size_t i = 0; i < n_want; i++) {
		size_t hits = 0;
		for (size_t j = 0; j < nd->pieces.len; j++)
			hits += same_seg(&LR_VEC_AT(&nd->pieces, lr__seg, j),
			                 &want[4 * i]);
		if (hits != 1)
			return 0;
	}
	return 1;
}

/* Node lines; *noded as lr__node says. */
static int node_lines(const GEOSGeometry *lines, lr__noded *nd, bool *noded)
{
	lr__linework lw;
	lr__linework_init(&lw);
	int rc = lr__linework_add(ctx, lines, &lw);
	if (rc == LR_OK)
		rc = lr__node(&lw, nd, noded);
	lr__linework_free(&lw);
	return rc;
}

/* One drawn case: lines (xy, n, n_lines as lines_of) must node into
** exactly want[0 .. 4 * n_want), and as GEOSNode_r nodes them. */
static void drawn(const char *what, const double *xy, const int *n, int n_lines,
                  const double *want, size_t n_want)
{
	GEOSGeometry *lines = lines_of(xy, n, n_lines);
	lr__noded nd;
	lr__noded_init(&nd);
	bool noded = false;
	int rc = node_lines(lines, &nd, &noded);
	lr_test_ok(rc == LR_OK && noded && pieces_are(&nd, want, n_want),
	           "%s: %zu pieces as drawn (got %zu, noded %d)", what, n_want,
	           nd.pieces.len, noded);
	node_tally t = {0};
	node_vs_geos(ctx, lines, &t);
	lr_test_ok(t.same == 1, "%s: the same lines as GEOSNode_r, in order",
	           what);
	lr__noded_free(&nd);
	GEOSGeom_destroy_r(ctx, lines);
}

static void crossings(void)
{
	double x[] = {0, 0, 2, 2, 0, 2, 2, 0};
	double x_want[] = {0, 0, 1, 1, 1, 1, 2, 2, 0, 2, 1, 1, 1, 1, 2, 0};
	drawn("crossing X", x, (int[]){2, 2}, 2, x_want, 4);
	double t[] = {0, 0, 2, 0, 1, 0, 1, 1};
	double t_want[] = {0, 0, 1, 0, 1, 0, 2, 0, 1, 0, 1, 1};
	drawn("T-junction", t, (int[]){2, 2}, 2, t_want, 3);
	double v[] = {0, 0, 1, 1, 1, 1, 2, 0};
	double v_want[] = {0, 0, 1, 1, 1, 1, 2, 0};
	drawn("shared vertex", v, (int[]){2, 2}, 2, v_want, 2);
	/* A line through a vertex of another: the vertex cuts it. */
	double through[] = {0, 0, 1, 1, 2, 0, 1, 0, 1, 2};
	double through_want[] = {0, 0, 1, 1, 1, 1, 2, 0,
	                         1, 0, 1, 1, 1, 1, 1, 2};
	drawn("a line through a vertex", through, (int[]){3, 2}, 2,
	      through_want, 4);
}

static void overlaps(void)
{
	double same[] = {0, 0, 3, 0, 1, 0, 4, 0};
	double want[] = {0, 0, 1, 0, 1, 0, 3, 0, 3, 0, 4, 0};
	drawn("collinear overlap, same direction", same, (int[]){2, 2}, 2, want,
	      3);
	double opposite[] = {0, 0, 3, 0, 4, 0, 1, 0};
	drawn("collinear overlap, opposite direction", opposite, (int[]){2, 2},
	      2, want, 3);
	double along[] = {0, 0, 4, 0, 1, 0, 2, 0};
	double along_want[] = {0, 0, 1, 0, 1, 0, 2, 0, 2, 0, 4, 0};
	/* Turning back along itself: the way back is the way out. */
	double back[] = {0, 0, 2, 0, 1, 0, 1, 1};
	double back_want[] = {0, 0, 1, 0, 1, 0, 2, 0, 1, 0, 1, 1};
	drawn("a line turning back along itself", back, (int[]){4}, 1,
	      back_want, 3);
	drawn("a segment along a longer one", along, (int[]){2, 2}, 2,
	      along_want, 3);
	/* Two squares sharing an edge: the shared edge once. */
	double squares[] = {0, 0, 1, 0, 1, 1, 0, 1, 0, 0,
	                    1, 0, 2, 0, 2, 1, 1, 1, 1, 0};
	double squares_want[] = {0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0, 1,
	                         0, 0, 1, 0, 2, 0, 2, 0, 2, 1, 2, 1, 1, 1};
	drawn("two squares sharing an edge", squares, (int[]){5, 5}, 2,
	      squares_want, 7);
}

/* Segments one ulp apart: apart (no piece cut), and crossing at a point
** computed from nearly parallel lines, and crossing 1e-12 from an end. */
static void near_misses(void)
{
	double up = nextafter(1.0, 2.0);
	double apart[] = {0, 0, 1, 1, 0, 0, 1, up};
	double apart_want[] = {0, 0, 1, 1, 0, 0, 1, up};
	drawn("near-parallel, one ulp apart at one end", apart, (int[]){2, 2},
	      2, apart_want, 2);
	double e = nextafter(0.0, 1.0) * 0x1p1000; /* a small step */
	double fan[] = {0, 0, 4, 4, 0, e, 4, nextafter(4.0, 0.0)};
	GEOSGeometry *lines = lines_of(fan, (int[]){2, 2}, 2);
	lr__noded nd;
	lr__noded_init(&nd);
	bool noded = false;
	int rc = node_lines(lines, &nd, &noded);
	/* The 4 pieces meet at one computed point, inside both boxes. */
	const lr__seg *p = nd.pieces.data;
	lr_test_ok(rc == LR_OK && noded && nd.pieces.len == 4 &&
	                   p[0].bx == p[1].ax && p[0].bx == p[2].bx &&
	                   p[0].by == p[3].ay && p[0].bx > 0 && p[0].bx < 4,
	           "near-parallel crossing: 4 pieces at one computed point "
	           "(%.17g, %.17g)",
	           nd.pieces.len ? p[0].bx : 0, nd.pieces.len ? p[0].by : 0);
	node_tally t = {0};
	node_vs_geos(ctx, lines, &t);
	lr_test_ok(t.same == 1, "near-parallel crossing: as GEOSNode_r");
	GEOSGeom_destroy_r(ctx, lines);
	double end[] = {0, 0, 1, 1, 0.999999999997, 2, 1.000000000001, 0};
	lines = lines_of(end, (int[]){2, 2}, 2);
	rc = node_lines(lines, &nd, &noded);
	p = nd.pieces.data;
	lr_test_ok(rc == LR_OK && noded && nd.pieces.len == 4 &&
	                   fabs(p[0].bx - 1) < 1e-11 && p[0].bx < 1 &&
	                   p[0].by < 1,
	           "a crossing 1e-12 from an end: 4 pieces, the node inside "
	           "(%.17g, %.17g)",
	           p[0].bx, p[0].by);
	node_tally u = {0};
	node_vs_geos(ctx, lines, &u);
	lr_test_ok(u.same == 1, "a crossing 1e-12 from an end: as GEOSNode_r");
	lr__noded_free(&nd);
	GEOSGeom_destroy_r(ctx, lines);
}

/* Lines the noder does not take: a repeated point, a spike, a coordinate
** that is not a number. */
static void refused(void)
{
	double rep[] = {0, 0, 1, 0, 1, 0, 1, 1};
	double spike[] = {0, 0, 2, 0, 0, 0, 1, 1};
	double nan[] = {0, 0, 2, 0, NAN, 1, 1, 1};
	const double *xy[3] = {rep, spike, nan};
	const char *what[3] = {"a repeated point", "a spike", "NaN"};
	for (int i = 0; i < 3; i++) {
		GEOSGeometry *lines = lines_of(xy[i], (int[]){4}, 1);
		lr__noded nd;
		lr__noded_init(&nd);
		bool noded = true;
		int rc = node_lines(lines, &nd, &noded);
		lr_test_ok(rc == LR_OK && !noded, "%s: refused", what[i]);
		lr__noded_free(&nd);
		GEOSGeom_destroy_r(ctx, lines);
	}
}

/* A fan of 6 nearly parallel segments (directions within 1e-9 radians)
** through points within 1e-12 of (0.3, 0.7): their crossings, computed
** from nearly parallel lines, are rounded far enough that the pieces
** between them sometimes cross again, where GEOS nodes once more. */
#define FAN_SPREAD 1e-12
#define FAN_ANGLE 1e-9
static GEOSGeometry *random_fan(unsigned *seed)
{
	double xy[24];
	for (int k = 0; k < 6; k++) {
		double a = 0.5 + FAN_ANGLE * ((double)rand_r(seed) / RAND_MAX);
		double cx =
		        0.3 + FAN_SPREAD * ((double)rand_r(seed) / RAND_MAX);
		double cy =
		        0.7 + FAN_SPREAD * ((double)rand_r(seed) / RAND_MAX);
		xy[4 * k] = cx - cos(a);
		xy[4 * k + 1] = cy - sin(a);
		xy[4 * k + 2] = cx + cos(a) * 0.7;
		xy[4 * k + 3] = cy + sin(a) * 0.9;
	}
	return lines_of(xy, (int[]){2, 2, 2, 2, 2, 2}, 6);
}

static void fans(void)
{
	unsigned seed = 17;
	node_tally t = {0};
	for (int i = 0; i < 2000; i++) {
		GEOSGeometry *lines = random_fan(&seed);
		node_vs_geos(ctx, lines, &t);
		GEOSGeom_destroy_r(ctx, lines);
	}
	lr_test_ok(t.differ == 0 && t.same > 0,
	           "2000 fans of 6 nearly parallel segments: %zu as "
	           "GEOSNode_r, %zu refused, %zu different (GEOS failed on "
	           "%zu)",
	           t.same, t.declined, t.differ, t.geos_failed);
	lr_test_ok(t.declined > 0,
	           "fans: the check refuses some (%zu), where rounded "
	           "crossings cross again",
	           t.declined);
}

/* The WKB of a polygon given as WKT. */
static lr_wkb wkb_of(const char *wkt)
{
	lr_wkb w = {0};
	lr_error err = {0};
	GEOSWKTReader *r = GEOSWKTReader_create_r(ctx);
	GEOSGeometry *g = GEOSWKTReader_read_r(ctx, r, wkt);
	if (!g || lr_geos_to_wkb_r(ctx, g, &w, &err) != LR_OK)
		lr_test_ok(0, "WKB of %s", wkt);
	GEOSGeom_destroy_r(ctx, g);
	GEOSWKTReader_destroy_r(ctx, r);
	return w;
}

/* Whether b has a vertex of a, as meet.c answers it. */
static int shares(const lr_wkb *a, const lr_wkb *b)
{
	lr__vertex_set s = {0};
	int rc = lr__vertex_set_build(&s, a);
	int yes = rc == LR_OK && lr__shares_vertex(&s, b);
	lr__vertex_set_free(&s);
	return yes;
}

/* The shortcut that finds a cluster's components without GEOS: a shared
** vertex says the land meets; no shared vertex says nothing. */
static void shared_vertices(void)
{
	lr_wkb sq = wkb_of("POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))");
	lr_wkb corner = wkb_of("POLYGON((1 1, 2 1, 2 2, 1 2, 1 1))");
	lr_wkb apart = wkb_of("POLYGON((1.5 1.5, 2 1.5, 2 2, 1.5 1.5))");
	lr_wkb across = wkb_of("POLYGON((0.5 0.5, 1.5 0.5, 1.5 1.5, 0.5 "
	                       "0.5))");
	lr_wkb holed = wkb_of("POLYGON((-5 -5, 5 -5, 5 5, -5 5, -5 -5), (2 2, "
	                      "3 2, 3 3, 2 2))");
	lr_wkb in_hole = wkb_of("MULTIPOLYGON(((8 8, 9 8, 9 9, 8 8)), ((2.2 "
	                        "2.1, 3 3, 2.5 2.1, 2.2 2.1)))");
	lr_test_ok(shares(&sq, &corner) && shares(&corner, &sq),
	           "squares touching at a corner share a vertex, both ways");
	lr_test_ok(!shares(&sq, &apart), "apart: no shared vertex");
	lr_test_ok(!shares(&sq, &across),
	           "overlapping without a common vertex: left to GEOS");
	lr_test_ok(shares(&holed, &in_hole) && shares(&in_hole, &holed),
	           "a hole's vertex in a multipolygon's second part is found");
	lr_wkb cut = sq;
	cut.size = 20; /* a polygon's header cut short */
	lr_test_ok(!shares(&cut, &sq) && !shares(&sq, &cut),
	           "truncated WKB shares nothing");
	/* Only (1 1) in common; as NaN in both it must not count. */
	double nan = strtod("nan", NULL);
	memcpy(sq.data + 9 + 9 + 4 + 2 * 16, &nan, 8);
	memcpy(corner.data + 9 + 9 + 4, &nan, 8);
	memcpy(corner.data + 9 + 9 + 4 + 4 * 16, &nan, 8);
	lr_test_ok(!shares(&sq, &corner) && !shares(&corner, &sq),
	           "a NaN vertex in both is not a shared point");
	lr_wkb_free(&sq);
	lr_wkb_free(&corner);
	lr_wkb_free(&apart);
	lr_wkb_free(&across);
	lr_wkb_free(&holed);
	lr_wkb_free(&in_hole);
}

/* Whether the boxes of segments a and b meet, worked out apart from the
** noder's sweep. */
static int boxes_touch(const lr__seg *a, const lr__seg *b)
{
	double ax0 = a->ax < a->bx ? a->ax : a->bx, ax1 = a->ax + a->bx - ax0;
	double ay0 = a->ay < a->by ? a->ay : a->by, ay1 = a->ay + a->by - ay0;
	double bx0 = b->ax < b->bx ? b->ax : b->bx, bx1 = b->ax + b->bx - bx0;
	double by0 = b->ay < b->by ? b->ay : b->by, by1 = b->ay + b->by - by0;
	return ax0 <= bx1 && bx0 <= ax1 && ay0 <= by1 && by0 <= ay1;
}

/* A 6 x 6 grid of unit squares drawn as closed lines, each with a
** diagonal tail: they meet only at vertices and along shared sides (no
** crossing to compute, so nothing for the check to test).  Every pair of
** segments whose boxes meet must reach the exact test once, no more:
** counted here by trying all pairs. */
static void pairs_tested(void)
{
	double xy[36 * 12];
	int n[36];
	for (int k = 0; k < 36; k++) {
		double x = k % 6, y = (double)(k / 6);
		double sq[12] = {x, y,     x + 1, y, x + 1,   y + 1,
		                 x, y + 1, x,     y, x - 0.5, y - 0.5};
		memcpy(&xy[12 * k], sq, sizeof sq);
		n[k] = 6;
	}
	GEOSGeometry *grid[6];
	size_t want = 0, got = 0;
	bool noded = true;
	int rc = LR_OK;
	for (int g = 0; g < 6 && rc == LR_OK; g++) {
		grid[g] = lines_of(&xy[12 * 6 * g], &n[6 * g], 6);
		lr__linework lw;
		lr__noded nd;
		lr__linework_init(&lw);
		lr__noded_init(&nd);
		rc = lr__linework_add(ctx, grid[g], &lw);
		if (rc == LR_OK)
			rc = lr__node(&lw, &nd, &noded);
		const lr__seg *s = lw.segs.data;
		for (size_t i = 0; i < lw.segs.len; i++)
			for (size_t j = i + 1; j < lw.segs.len; j++)
				want += (size_t)boxes_touch(&s[i], &s[j]);
		got += nd.pairs;
		lr__linework_free(&lw);
		lr__noded_free(&nd);
		GEOSGeom_destroy_r(ctx, grid[g]);
	}
	lr_test_ok(rc == LR_OK && noded && got == want && want > 0,
	           "every pair of segments whose boxes meet tested once (%zu "
	           "of %zu)",
	           got, want);
}

/* The typed push the noder appends with: the same vector as lr_vec_push
** makes, values in order across every growth, reserve keeping them. */
static void typed_push(void)
{
	lr_vec a, b;
	lr_vec_init(&a, sizeof(lr__seg));
	lr_vec_init(&b, sizeof(lr__seg));
	int ok = 1;
	for (int i = 0; i < 1000 && ok; i++) {
		lr__seg s = {i, -i, 0.5 * i, 1e9 + i};
		ok = LR_VEC_PUSH(&a, lr__seg, s) && lr_vec_push(&b, &s);
		if (i == 500)
			ok = ok && lr_vec_reserve(&a, 4000) && a.cap == 4000 &&
			     lr_vec_reserve(&a, 10) && a.cap == 4000;
	}
	lr_test_ok(ok && a.len == 1000 && b.len == 1000 &&
	                   !memcmp(a.data, b.data, 1000 * sizeof(lr__seg)),
	           "typed push: 1,000 segments as lr_vec_push stores them");
	lr_test_ok(LR_VEC_AT(&a, lr__seg, 999).by == 1e9 + 999 &&
	                   LR_VEC_AT(&a, lr__seg, 501).ay == -501,
	           "typed push: values kept across a reserve");
	lr_vec_free(&a);
	lr_vec_free(&b);
}

int main(void)
{
	lr_error err = {0};
	ctx = lr_geos_new(&err);
	crossings();
	overlaps();
	near_misses();
	refused();
	fans();
	shared_vertices();
	typed_push();
	pairs_tested();
	GEOS_finish_r(ctx);
	return lr_test_done();
}
