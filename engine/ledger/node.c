/*
** A noder of our own (node_int.h).  It cuts the linework as GEOSNode_r
** cuts it, so that the faces polygonized from it stay the same to the
** bit: every pair of segments whose boxes meet (found by a sweep over x)
** is intersected as GEOS's LineIntersector does (orientations by GEOS's
** double-double filter, crossings by its conditioned homogeneous formula),
** each intersection point becomes a node of both segments, each line is
** cut at its nodes in the order GEOS sorts them, and a cut line already
** seen, in either direction, is dropped.  GEOS's IteratedNoder then nodes
** its output again until it finds nothing; here the output is checked
** once instead (every intersection of two pieces must be an end of both
** chains it lies on), and a result that fails is refused, never returned.
*/
#include "node_int.h"
#include "sort_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct pt {
	double x, y;
} pt;

static bool pt_eq(pt a, pt b)
{
	return a.x == b.x && a.y == b.y;
}

static pt seg_a(const lr__seg *s)
{
	return (pt){s->ax, s->ay};
}

static pt seg_b(const lr__seg *s)
{
	return (pt){s->bx, s->by};
}

/* ---- GEOS's orientation: a double filter, then double-double --------- */

typedef struct dd {
	double hi, lo;
} dd;

/* DD::selfAdd(yhi, ylo) of GEOS, operation for operation. */
static dd dd_add(dd x, dd y)
{
	double S = x.hi + y.hi, T = x.lo + y.lo;
	double e = S - x.hi, f = T - x.lo;
	double s = S - e, t = T - f;
	s = (y.hi - e) + (x.hi - s);
	t = (y.lo - f) + (x.lo - t);
	e = s + T;
	double H = S + e, h = e + (S - H);
	e = t + h;
	double zhi = H + e;
	return (dd){zhi, e + (H - zhi)};
}

/* DD::selfMultiply(yhi, ylo) of GEOS. */
static dd dd_mul(dd x, dd y)
{
	const double split = 134217729.0; /* 2^27 + 1 */
	double C = split * x.hi, hx = C - x.hi, c = split * y.hi;
	hx = C - hx;
	double tx = x.hi - hx, hy = c - y.hi;
	C = x.hi * y.hi;
	hy = c - hy;
	double ty = y.hi - hy;
	c = ((((hx * hy - C) + hx * ty) + tx * hy) + tx * ty) +
	    (x.hi * y.lo + x.lo * y.hi);
	double zhi = C + c;
	hx = C - zhi;
	return (dd){zhi, c + hx};
}

static int sign_of(double d)
{
	return d > 0 ? 1 : d < 0 ? -1 : 0;
}

/* CGAlgorithmsDD::orientationIndexFilter: the sign of the determinant
** when double arithmetic is sure of it, else 2. */
static int orient_filter(pt a, pt b, pt c)
{
	double detleft = (a.x - c.x) * (b.y - c.y);
	double detright = (a.y - c.y) * (b.x - c.x);
	double det = detleft - detright, detsum;
	if (detleft > 0.0) {
		if (detright <= 0.0)
			return sign_of(det);
		detsum = detleft + detright;
	} else if (detleft < 0.0) {
		if (detright >= 0.0)
			return sign_of(det);
		detsum = -detleft - detright;
	} else {
		return sign_of(det);
	}
	double errbound = 1e-15 * detsum;
	if (det >= errbound || -det >= errbound)
		return sign_of(det);
	return 2;
}

/* Orientation::index(p1, p2, q): 1 left, -1 right, 0 on the line. */
static int orient(pt p1, pt p2, pt q)
{
	int index = orient_filter(p1, p2, q);
	if (index <= 1)
		return index;
	dd dx1 = dd_add((dd){p2.x, 0}, (dd){-p1.x, 0});
	dd dy1 = dd_add((dd){p2.y, 0}, (dd){-p1.y, 0});
	dd dx2 = dd_add((dd){q.x, 0}, (dd){-p2.x, 0});
	dd dy2 = dd_add((dd){q.y, 0}, (dd){-p2.y, 0});
	dd m = dd_mul(dx1, dy2), n = dd_mul(dy1, dx2);
	dd d = dd_add(m, (dd){-n.hi, -n.lo});
	if (d.hi < 0 || (d.hi == 0 && d.lo < 0))
		return -1;
	return d.hi > 0 || (d.hi == 0 && d.lo > 0) ? 1 : 0;
}

/* ---- GEOS's LineIntersector ------------------------------------------ */

/* Whether q lies in the box of p1-p2, edges included. */
static bool in_box(pt p1, pt p2, pt q)
{
	return q.x >= fmin(p1.x, p2.x) && q.x <= fmax(p1.x, p2.x) &&
	       q.y >= fmin(p1.y, p2.y) && q.y <= fmax(p1.y, p2.y);
}

/* Coordinate::distance (not hypot: the same bits as GEOS). */
static double dist(pt a, pt b)
{
	return sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y));
}

/* Distance::pointToSegment. */
static double point_to_segment(pt p, pt a, pt b)
{
	if (pt_eq(a, b))
		return dist(p, a);
	double len2 = (b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y);
	double r =
	        ((p.x - a.x) * (b.x - a.x) + (p.y - a.y) * (b.y - a.y)) / len2;
	if (r <= 0.0)
		return dist(p, a);
	if (r >= 1.0)
		return dist(p, b);
	double s =
	        ((a.y - p.y) * (b.x - a.x) - (a.x - p.x) * (b.y - a.y)) / len2;
	return fabs(s) * sqrt(len2);
}

/* LineIntersector::nearestEndpoint: the end of one segment nearest the
** other, GEOS's answer when the computed crossing is not to be trusted. */
static pt nearest_endpoint(pt p1, pt p2, pt q1, pt q2)
{
	pt best = p1;
	double min = point_to_segment(p1, q1, q2), d;
	if ((d = point_to_segment(p2, q1, q2)) < min) {
		min = d;
		best = p2;
	}
	if ((d = point_to_segment(q1, p1, p2)) < min) {
		min = d;
		best = q1;
	}
	if (point_to_segment(q2, p1, p2) < min)
		best = q2;
	return best;
}

/* GEOS's ternaries, which fmin and fmax are not for signed zeros. */
static double min_of(double a, double b)
{
	return a < b ? a : b;
}

static double max_of(double a, double b)
{
	return a > b ? a : b;
}

/* Intersection::intersection: the crossing of two lines in homogeneous
** coordinates, conditioned by the middle of the boxes' overlap.  false
** for parallel lines. */
static bool line_crossing(pt p1, pt p2, pt q1, pt q2, pt *out)
{
	double mid_x = (max_of(min_of(p1.x, p2.x), min_of(q1.x, q2.x)) +
	                min_of(max_of(p1.x, p2.x), max_of(q1.x, q2.x))) /
	               2.0;
	double mid_y = (max_of(min_of(p1.y, p2.y), min_of(q1.y, q2.y)) +
	                min_of(max_of(p1.y, p2.y), max_of(q1.y, q2.y))) /
	               2.0;
	double p1x = p1.x - mid_x, p1y = p1.y - mid_y;
	double p2x = p2.x - mid_x, p2y = p2.y - mid_y;
	double q1x = q1.x - mid_x, q1y = q1.y - mid_y;
	double q2x = q2.x - mid_x, q2y = q2.y - mid_y;
	double px = p1y - p2y, py = p2x - p1x, pw = p1x * p2y - p2x * p1y;
	double qx = q1y - q2y, qy = q2x - q1x, qw = q1x * q2y - q2x * q1y;
	double x = py * qw - qy * pw;
	double y = qx * pw - px * qw;
	double w = px * qy - qx * py;
	double xi = x / w, yi = y / w;
	if (!isfinite(xi) || !isfinite(yi))
		return false;
	*out = (pt){xi + mid_x, yi + mid_y};
	return true;
}

/* LineIntersector::intersection of a proper crossing. */
static pt crossing(pt p1, pt p2, pt q1, pt q2)
{
	pt c;
	if (!line_crossing(p1, p2, q1, q2, &c))
		c = nearest_endpoint(p1, p2, q1, q2);
	if (!in_box(p1, p2, c) || !in_box(q1, q2, c))
		c = nearest_endpoint(p1, p2, q1, q2);
	return c;
}

/* What two segments share: n points (0, 1, or 2 for an overlap). */
typedef struct meet {
	int n;
	pt at[2];
	bool proper; /* a crossing inside both: at[0] computed */
} meet;

/* LineIntersector::computeCollinearIntersection. */
static meet collinear_meet(pt p1, pt p2, pt q1, pt q2)
{
	bool q1p = in_box(p1, p2, q1), q2p = in_box(p1, p2, q2);
	bool p1q = in_box(q1, q2, p1), p2q = in_box(q1, q2, p2);
	if (q1p && q2p)
		return (meet){2, {q1, q2}, false};
	if (p1q && p2q)
		return (meet){2, {p1, p2}, false};
	if (q1p && p1q)
		return (meet){
		        pt_eq(q1, p1) && !q2p && !p2q ? 1 : 2, {q1, p1}, false};
	if (q1p && p2q)
		return (meet){
		        pt_eq(q1, p2) && !q2p && !p1q ? 1 : 2, {q1, p2}, false};
	if (q2p && p1q)
		return (meet){
		        pt_eq(q2, p1) && !q1p && !p2q ? 1 : 2, {q2, p1}, false};
	if (q2p && p2q)
		return (meet){
		        pt_eq(q2, p2) && !q1p && !p1q ? 1 : 2, {q2, p2}, false};
	return (meet){0, {{0, 0}, {0, 0}}, false};
}

/* The point where an end of one segment touches the other (the crossing
** is not proper): an end shared, else an end lying on the other. */
static pt touch_point(pt p1, pt p2, pt q1, pt q2, int pq1, int pq2, int qp1)
{
	if (pt_eq(p1, q1) || pt_eq(p1, q2))
		return p1;
	if (pt_eq(p2, q1) || pt_eq(p2, q2))
		return p2;
	if (pq1 == 0)
		return q1;
	if (pq2 == 0)
		return q2;
	return qp1 == 0 ? p1 : p2;
}

/* LineIntersector::computeIntersect of p1-p2 and q1-q2, whose boxes meet:
** GEOS tests the envelopes first, and the sweep gives no other pair. */
static meet segments_meet(pt p1, pt p2, pt q1, pt q2)
{
	meet none = {0, {{0, 0}, {0, 0}}, false};
	int pq1 = orient(p1, p2, q1), pq2 = orient(p1, p2, q2);
	if ((pq1 > 0 && pq2 > 0) || (pq1 < 0 && pq2 < 0))
		return none;
	int qp1 = orient(q1, q2, p1), qp2 = orient(q1, q2, p2);
	if ((qp1 > 0 && qp2 > 0) || (qp1 < 0 && qp2 < 0))
		return none;
	if (pq1 == 0 && pq2 == 0 && qp1 == 0 && qp2 == 0)
		return collinear_meet(p1, p2, q1, q2);
	meet m = {1, {{0, 0}, {0, 0}}, false};
	if (pq1 == 0 || pq2 == 0 || qp1 == 0 || qp2 == 0)
		m.at[0] = touch_point(p1, p2, q1, q2, pq1, pq2, qp1);
	else
		m.at[0] = crossing(p1, p2, q1, q2);
	m.proper = !(pq1 == 0 || pq2 == 0 || qp1 == 0 || qp2 == 0);
	return m;
}

/* ---- Pairs of segments whose boxes meet: a sweep over x --------------- */

/* A segment's place in the sweep: the left end of its box. */
typedef struct sweep_key {
	double minx;
	size_t i;
} sweep_key;

static bool key_before(const sweep_key *x, const sweep_key *y)
{
	return x->minx < y->minx || (x->minx == y->minx && x->i < y->i);
}

/* Sorts k[0..n) by minx (then by segment): keys of 16 bytes move faster
** than whole boxes. */
LR__DEFINE_SORT(sort_keys, sweep_key, key_before)

/* Called for each pair i < j; returns LR_OK to go on, anything else to
** stop the sweep with it. */
typedef int (*pair_fn)(size_t i, size_t j, void *ud);

/* The sweep's arrays: keys in x order, the boxes in the same order
** (minx, maxx, miny, maxy), and the candidates of one box. */
typedef struct sweep {
	sweep_key *k;
	double *box;
	size_t *cand;
} sweep;

static void sweep_free(sweep *w)
{
	free(w->k);
	free(w->box);
	free(w->cand);
}

/* The keys sorted and the boxes laid out in their order. */
static int sweep_init(sweep *w, const lr__seg *s, size_t n)
{
	w->k = malloc((n ? n : 1) * sizeof *w->k);
	w->box = malloc((4 * n + 1) * sizeof *w->box);
	w->cand = malloc((n ? n : 1) * sizeof *w->cand);
	if (!w->k || !w->box || !w->cand)
		return LR_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		w->k[i] = (sweep_key){fmin(s[i].ax, s[i].bx), i};
	sort_keys(w->k, n);
	for (size_t r = 0; r < n; r++) {
		const lr__seg *g = &s[w->k[r].i];
		double *b = &w->box[4 * r];
		b[0] = w->k[r].minx;
		b[1] = fmax(g->ax, g->bx);
		b[2] = fmin(g->ay, g->by);
		b[3] = fmax(g->ay, g->by);
	}
	return LR_OK;
}

/* The boxes after box r in x order that meet it, into w->cand; returns
** how many.  The test of y is added up, not branched on: most boxes that
** meet in x do not in y, and a branch there was mispredicted. */
static size_t meeting(const sweep *w, size_t n, size_t r)
{
	const double *b = w->box;
	double maxx = b[4 * r + 1], miny = b[4 * r + 2], maxy = b[4 * r + 3];
	size_t m = 0;
	for (size_t q = r + 1; q < n && b[4 * q] <= maxx; q++) {
		w->cand[m] = q;
		m += (b[4 * q + 2] <= maxy) & (b[4 * q + 3] >= miny);
	}
	return m;
}

/* Calls fn once for every pair of segments i < j of s[0..n) whose boxes
** meet; *given: how many. */
static int sweep_pairs(const lr__seg *s, size_t n, pair_fn fn, void *ud,
                       size_t *given)
{
	sweep w = {0};
	int rc = sweep_init(&w, s, n);
	for (size_t r = 0; rc == LR_OK && r < n; r++) {
		size_t m = meeting(&w, n, r), i = w.k[r].i;
		for (size_t c = 0; rc == LR_OK && c < m; c++) {
			size_t j = w.k[w.cand[c]].i;
			++*given;
			rc = i < j ? fn(i, j, ud) : fn(j, i, ud);
		}
	}
	sweep_free(&w);
	return rc;
}

/* ---- Nodes along each line, as GEOS's SegmentNodeList keeps them ------ */

/* A node of line `line` at vertex or segment `idx` of it. */
typedef struct node {
	uint32_t line, idx;
	pt at;
	bool interior;   /* not the line's vertex idx */
	signed char oct; /* octant of segment idx when interior, else -1 */
} node;

/* The noder's state for one linework. */
typedef struct noder {
	const lr__seg *s; /* borrowed [n] */
	size_t n;
	const size_t *start; /* borrowed [n_lines]: first segment of a line */
	size_t n_lines;
	uint32_t *line_of; /* owned [n]: the line of each segment */
	bool *crossed;     /* owned [n]: a computed crossing is on it */
	bool *at_vertex;   /* owned [n + n_lines]: a node at this vertex */
	lr_vec nodes;      /* node */
	size_t pairs;      /* pairs of segments given the exact test */
} noder;

static size_t line_end(const noder *nd, size_t line)
{
	return line + 1 < nd->n_lines ? nd->start[line + 1] : nd->n;
}

/* Vertex v of line `line` (vertex 0 its start, vertex k the end of its
** k-th segment). */
static pt vertex(const noder *nd, size_t line, size_t v)
{
	const lr__seg *first = &nd->s[nd->start[line]];
	return v == 0 ? seg_a(first) : seg_b(first + v - 1);
}

/* Octant::octant of the direction from a to b (0 for a point). */
static int octant(pt a, pt b)
{
	double dx = b.x - a.x, dy = b.y - a.y;
	double adx = fabs(dx), ady = fabs(dy);
	if (dx == 0.0 && dy == 0.0)
		return 0;
	if (dx >= 0)
		return dy >= 0 ? (adx >= ady ? 0 : 1) : (adx >= ady ? 7 : 6);
	return dy >= 0 ? (adx >= ady ? 3 : 2) : (adx >= ady ? 4 : 5);
}

/* Add the node `at` of segment seg (global index): at the segment's end
** vertex when it is that vertex, as NodedSegmentString::addIntersection
** normalises it. */
static int add_node(noder *nd, size_t seg, pt at)
{
	const lr__seg *s = &nd->s[seg];
	uint32_t line = nd->line_of[seg];
	bool at_end = pt_eq(at, seg_b(s));
	/* Lines run on (each segment starts where the one before ends), so
	** the segment's own ends are the line's vertices idx and idx + 1. */
	bool interior = !at_end && !pt_eq(at, seg_a(s));
	size_t vertex = seg + line + at_end; /* vertex_key of the node */
	/* A node at a vertex already holding one is that node again (pairs
	** sharing a vertex meet there once per pair): sorting would drop it. */
	if (!interior && nd->at_vertex[vertex])
		return LR_OK;
	nd->at_vertex[vertex] |= !interior;
	node k = {line, (uint32_t)(seg - nd->start[line] + at_end), at,
	          interior,
	          (signed char)(interior ? octant(seg_a(s), seg_b(s)) : -1)};
	return LR_VEC_PUSH(&nd->nodes, node, k) ? LR_OK : LR_ERR_NOMEM;
}

/* IntersectionAdder::processIntersections for segments i < j. */
static int node_pair(size_t i, size_t j, void *ud)
{
	noder *nd = ud;
	const lr__seg *p = &nd->s[i], *q = &nd->s[j];
	bool neighbours = nd->line_of[i] == nd->line_of[j] && j == i + 1;
	/* Neighbours along a line that turn meet at their vertex only. */
	if (neighbours && orient(seg_a(p), seg_b(p), seg_b(q)) != 0)
		return LR_OK;
	meet m = segments_meet(seg_a(p), seg_b(p), seg_a(q), seg_b(q));
	/* Neighbours sharing their vertex alone: not a node. */
	if (m.n == 0 || (m.n == 1 && neighbours))
		return LR_OK;
	if (m.proper)
		nd->crossed[i] = nd->crossed[j] = true;
	int rc = LR_OK;
	for (int k = 0; rc == LR_OK && k < m.n; k++) {
		rc = add_node(nd, i, m.at[k]);
		if (rc == LR_OK)
			rc = add_node(nd, j, m.at[k]);
	}
	return rc;
}

/* SegmentPointComparator::compare: the order of two points along a
** segment of the given octant. */
static int along(int oct, pt a, pt b)
{
	int xs = a.x < b.x ? -1 : a.x > b.x, ys = a.y < b.y ? -1 : a.y > b.y;
	static const signed char first_is_x[8] = {1, 0, 0, 1, 1, 0, 0, 1};
	static const signed char sx[8] = {1, 1, -1, -1, -1, -1, 1, 1};
	static const signed char sy[8] = {1, 1, 1, 1, -1, -1, -1, -1};
	if (oct < 0 || oct > 7)
		return 0;
	int u = first_is_x[oct] ? sx[oct] * xs : sy[oct] * ys;
	int v = first_is_x[oct] ? sy[oct] * ys : sx[oct] * xs;
	return u ? u : v;
}

/* SegmentNode::compareTo, lines first. */
static int cmp_node(const void *pa, const void *pb)
{
	const node *a = pa, *b = pb;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->idx != b->idx)
		return a->idx < b->idx ? -1 : 1;
	if (pt_eq(a->at, b->at))
		return 0;
	if (!a->interior)
		return -1;
	if (!b->interior)
		return 1;
	return along(a->oct, a->at, b->at);
}

/* Every line's ends as nodes (SegmentNodeList::addEndpoints). */
static int add_line_ends(noder *nd)
{
	int rc = LR_OK;
	for (size_t k = 0; rc == LR_OK && k < nd->n_lines; k++) {
		size_t first = nd->start[k], end = line_end(nd, k);
		rc = add_node(nd, first, seg_a(&nd->s[first]));
		if (rc == LR_OK)
			rc = add_node(nd, end - 1, seg_b(&nd->s[end - 1]));
	}
	return rc;
}

/* The place of a node's vertex among all lines' vertices: line k's
** vertices follow line k - 1's. */
static size_t vertex_key(const noder *nd, const node *v)
{
	return nd->start[v->line] + v->line + v->idx;
}

/* The nodes in cmp_node's order: counted out by vertex (a counting sort,
** linear), then the few at one vertex sorted along their segment. */
static int order_nodes(noder *nd)
{
	size_t n = nd->nodes.len, nv = nd->n + nd->n_lines;
	size_t *at = calloc(nv + 2, sizeof *at);
	node *sorted = malloc((n ? n : 1) * sizeof *sorted);
	const node *v = nd->nodes.data;
	if (!at || !sorted) {
		free(at);
		free(sorted);
		return LR_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++)
		at[vertex_key(nd, &v[i]) + 2]++;
	for (size_t k = 2; k < nv + 2; k++)
		at[k] += at[k - 1];
	for (size_t i = 0; i < n; i++)
		sorted[at[vertex_key(nd, &v[i]) + 1]++] = v[i];
	/* at[k + 1] is now where vertex k's nodes end, at[k] where they
	** begin. */
	for (size_t k = 0; k < nv; k++)
		for (size_t i = at[k] + 1; i < at[k + 1]; i++)
			for (size_t j = i;
			     j > at[k] &&
			     cmp_node(&sorted[j], &sorted[j - 1]) < 0;
			     j--) {
				node t = sorted[j];
				sorted[j] = sorted[j - 1];
				sorted[j - 1] = t;
			}
	free(nd->nodes.data);
	nd->nodes.data = sorted;
	nd->nodes.cap = n ? n : 1;
	free(at);
	return LR_OK;
}

/* Sort the nodes and drop the repeated ones; *ok false when two equal
** nodes have a single vertex between them (a collapse GEOS would cut
** again). */
static int sort_nodes(noder *nd, bool *ok)
{
	int rc = order_nodes(nd);
	node *v = nd->nodes.data;
	size_t n = rc == LR_OK ? nd->nodes.len : 0, kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (kept && !cmp_node(&v[kept - 1], &v[i]))
			continue;
		if (kept && v[kept - 1].line == v[i].line &&
		    pt_eq(v[kept - 1].at, v[i].at) &&
		    v[i].idx - v[kept - 1].idx - !v[i].interior == 1)
			*ok = false;
		v[kept++] = v[i];
	}
	nd->nodes.len = kept;
	return rc;
}

/* ---- Chains: each line cut at its nodes, repeated chains dropped ------ */

/* Chains as runs of points: chain k is pts[first[k] .. first[k + 1]). */
typedef struct chains {
	lr_vec pts;   /* pt */
	lr_vec seg;   /* size_t: the segment of the piece from each point */
	lr_vec first; /* size_t, one more than the chains */
} chains;

static int push_pt(chains *ch, pt p, size_t seg)
{
	return LR_VEC_PUSH(&ch->pts, pt, p) &&
	                       LR_VEC_PUSH(&ch->seg, size_t, seg)
	               ? LR_OK
	               : LR_ERR_NOMEM;
}

/* SegmentNodeList::createSplitEdgePts: the line's points from node a to
** node b. */
static int split_edge(const noder *nd, chains *ch, const node *a, const node *b)
{
	size_t s0 = nd->start[a->line];
	int rc = push_pt(ch, a->at, s0 + a->idx);
	if (b->idx == a->idx)
		return rc == LR_OK ? push_pt(ch, b->at, s0 + b->idx) : rc;
	for (size_t v = a->idx + 1; rc == LR_OK && v <= b->idx; v++)
		rc = push_pt(ch, vertex(nd, a->line, v), s0 + v);
	if (rc == LR_OK && b->interior)
		rc = push_pt(ch, b->at, s0 + b->idx);
	return rc;
}

/* Every line cut at its nodes, in line order (SegmentNodeList::
** addSplitEdges for each line). */
static int cut_lines(const noder *nd, chains *ch)
{
	const node *v = nd->nodes.data;
	/* Each piece starts at a node or a vertex: a bound known now. */
	size_t bound = nd->n + nd->n_lines + 2 * nd->nodes.len;
	if (!lr_vec_reserve(&ch->pts, bound) ||
	    !lr_vec_reserve(&ch->seg, bound) ||
	    !lr_vec_reserve(&ch->first, nd->nodes.len + 1))
		return LR_ERR_NOMEM;
	int rc = LR_OK;
	for (size_t i = 1; rc == LR_OK && i < nd->nodes.len; i++) {
		if (v[i].line != v[i - 1].line)
			continue;
		if (!LR_VEC_PUSH(&ch->first, size_t, ch->pts.len))
			return LR_ERR_NOMEM;
		rc = split_edge(nd, ch, &v[i - 1], &v[i]);
	}
	size_t end = ch->pts.len;
	if (rc == LR_OK && !lr_vec_push(&ch->first, &end))
		rc = LR_ERR_NOMEM;
	return rc;
}

/* The points of chain k, in the direction OrientedCoordinateArray
** compares it: *rev when read backwards. */
typedef struct chain_view {
	const pt *p;
	size_t n;
	bool rev;
} chain_view;

static int cmp_pt(pt a, pt b)
{
	if (a.x != b.x)
		return a.x < b.x ? -1 : 1;
	return a.y < b.y ? -1 : a.y > b.y;
}

static chain_view view_of(const chains *ch, size_t k)
{
	const size_t *first = ch->first.data;
	chain_view c = {(const pt *)ch->pts.data + first[k],
	                first[k + 1] - first[k], false};
	/* CoordinateSequence::increasingDirection */
	for (size_t i = 0; i < c.n / 2; i++) {
		int d = cmp_pt(c.p[i], c.p[c.n - 1 - i]);
		if (d) {
			c.rev = d < 0 ? false : true;
			break;
		}
	}
	return c;
}

static pt view_at(const chain_view *c, size_t i)
{
	return c->rev ? c->p[c->n - 1 - i] : c->p[i];
}

static uint64_t view_hash(const chain_view *c)
{
	uint64_t h = 1469598103934665603u ^ c->n;
	for (size_t i = 0; i < c->n; i++) {
		pt p = view_at(c, i);
		uint64_t x, y;
		memcpy(&x, &p.x, sizeof x);
		memcpy(&y, &p.y, sizeof y);
		h = (h ^ x) * 1099511628211u;
		h = (h ^ y) * 1099511628211u;
		h ^= h >> 29;
	}
	return h;
}

static bool views_equal(const chain_view *a, const chain_view *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!pt_eq(view_at(a, i), view_at(b, i)))
			return false;
	return true;
}

/* keep[k]: chain k is the first of its kind (GeometryNoder::toGeometry's
** set of oriented coordinate arrays). */
static int first_of_kind(const chains *ch, size_t n_chains, bool *keep)
{
	size_t cap = 16;
	while (cap < 2 * n_chains)
		cap *= 2;
	size_t *slot = calloc(cap, sizeof *slot); /* chain + 1, 0 empty */
	if (!slot)
		return LR_ERR_NOMEM;
	for (size_t k = 0; k < n_chains; k++) {
		chain_view c = view_of(ch, k);
		size_t h = (size_t)view_hash(&c) & (cap - 1);
		keep[k] = true;
		for (; slot[h]; h = (h + 1) & (cap - 1)) {
			chain_view o = view_of(ch, slot[h] - 1);
			if (views_equal(&c, &o)) {
				keep[k] = false;
				break;
			}
		}
		if (keep[k])
			slot[h] = k + 1;
	}
	free(slot);
	return LR_OK;
}

/* The kept chains as pieces into out, and into suspect (bool) whether
** each lies on a segment with a computed crossing; *ok false when a piece
** has no length. */
static int emit_chains(const noder *nd, const chains *ch, size_t n_chains,
                       const bool *keep, lr__noded *out, lr_vec *suspect,
                       bool *ok)
{
	const pt *p = ch->pts.data;
	const size_t *seg = ch->seg.data;
	const size_t *first = ch->first.data;
	if (!lr_vec_reserve(&out->pieces, ch->pts.len) ||
	    !lr_vec_reserve(suspect, ch->pts.len) ||
	    !lr_vec_reserve(&out->chain_start, n_chains))
		return LR_ERR_NOMEM;
	for (size_t k = 0; k < n_chains; k++) {
		if (!keep[k])
			continue;
		if (!LR_VEC_PUSH(&out->chain_start, size_t, out->pieces.len))
			return LR_ERR_NOMEM;
		for (size_t i = first[k]; i + 1 < first[k + 1]; i++) {
			lr__seg s = {p[i].x, p[i].y, p[i + 1].x, p[i + 1].y};
			if (pt_eq(p[i], p[i + 1]))
				*ok = false;
			if (!LR_VEC_PUSH(&out->pieces, lr__seg, s) ||
			    !LR_VEC_PUSH(suspect, bool, nd->crossed[seg[i]]))
				return LR_ERR_NOMEM;
		}
	}
	return LR_OK;
}

/* ---- The check: nothing left to cut ----------------------------------- */

/* The pieces with the chain each lies on and its place in it. */
typedef struct check {
	const lr__noded *nd;
	const bool *suspect; /* borrowed [pieces]: on a crossed segment */
	size_t *chain_of;    /* owned [pieces] */
	bool cut_left;       /* an intersection GEOS would still cut at */
} check;

/* Whether the point at of piece i is an end of the chain of i (where a
** node changes nothing). */
static bool chain_end(const check *c, size_t i, pt at)
{
	const lr__seg *s = &LR_VEC_AT(&c->nd->pieces, lr__seg, i);
	const size_t *start = c->nd->chain_start.data;
	size_t k = c->chain_of[i];
	size_t last = (k + 1 < c->nd->chain_start.len ? start[k + 1]
	                                              : c->nd->pieces.len) -
	              1;
	return (i == start[k] && pt_eq(at, seg_a(s))) ||
	       (i == last && pt_eq(at, seg_b(s)));
}

static int check_pair(size_t i, size_t j, void *ud)
{
	check *c = ud;
	const lr__seg *p = &LR_VEC_AT(&c->nd->pieces, lr__seg, i);
	const lr__seg *q = &LR_VEC_AT(&c->nd->pieces, lr__seg, j);
	/* Pieces of segments no crossing was computed on lie on them: they
	** meet where their segments met, at nodes of both. */
	if (!c->suspect[i] && !c->suspect[j])
		return LR_OK;
	bool neighbours = c->chain_of[i] == c->chain_of[j] && j == i + 1;
	if (neighbours && orient(seg_a(p), seg_b(p), seg_b(q)) != 0)
		return LR_OK;
	meet m = segments_meet(seg_a(p), seg_b(p), seg_a(q), seg_b(q));
	if (m.n == 1 && neighbours)
		return LR_OK;
	for (int k = 0; k < m.n; k++)
		if (!chain_end(c, i, m.at[k]) || !chain_end(c, j, m.at[k])) {
			c->cut_left = true;
			return LR_ERR_GEOM; /* stop: the answer is known */
		}
	return LR_OK;
}

/* Whether out is fully noded: every intersection of two pieces is an end
** of both chains (as IteratedNoder's next pass would find), asked of the
** pairs where a piece lies on a segment with a computed crossing (the
** others are exact parts of their segments, cut where they met). */
static int check_noded(const lr__noded *out, const bool *suspect, size_t *pairs,
                       bool *ok)
{
	size_t n = out->pieces.len, n_suspect = 0;
	for (size_t i = 0; i < n; i++)
		n_suspect += suspect[i];
	if (n_suspect == 0)
		return LR_OK;
	check c = {out, suspect, malloc((n ? n : 1) * sizeof(size_t)), false};
	if (!c.chain_of)
		return LR_ERR_NOMEM;
	const size_t *start = out->chain_start.data;
	for (size_t k = 0; k < out->chain_start.len; k++) {
		size_t end = k + 1 < out->chain_start.len ? start[k + 1] : n;
		for (size_t i = start[k]; i < end; i++)
			c.chain_of[i] = k;
	}
	int rc = sweep_pairs(out->pieces.data, n, check_pair, &c, pairs);
	free(c.chain_of);
	if (c.cut_left) {
		*ok = false;
		return LR_OK;
	}
	return rc;
}

/* ---- The noder -------------------------------------------------------- */

/* The nodes of every line of lw, sorted; *ok false on a collapse. */
static int find_nodes(noder *nd, bool *ok)
{
	nd->line_of = malloc((nd->n ? nd->n : 1) * sizeof *nd->line_of);
	nd->crossed = calloc(nd->n ? nd->n : 1, sizeof *nd->crossed);
	nd->at_vertex = calloc(nd->n + nd->n_lines + 1, sizeof *nd->at_vertex);
	if (!nd->line_of || !nd->crossed || !nd->at_vertex)
		return LR_ERR_NOMEM;
	for (size_t k = 0; k < nd->n_lines; k++)
		for (size_t i = nd->start[k]; i < line_end(nd, k); i++)
			nd->line_of[i] = (uint32_t)k;
	int rc = sweep_pairs(nd->s, nd->n, node_pair, nd, &nd->pairs);
	if (rc == LR_OK)
		rc = add_line_ends(nd);
	if (rc == LR_OK)
		rc = sort_nodes(nd, ok);
	return rc;
}

/* Whether the lines of lw are what the noder takes: each of at least one
** segment, fewer than 2^32 of them, every coordinate a finite number
** (where GEOS would throw, it must decide). */
static bool lines_usable(const lr__linework *lw)
{
	const size_t *start = lw->line_start.data;
	const lr__seg *s = lw->segs.data;
	size_t nl = lw->line_start.len, n = lw->segs.len;
	if (lw->degenerate || n >= UINT32_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(s[i].ax) || !isfinite(s[i].ay) ||
		    !isfinite(s[i].bx) || !isfinite(s[i].by))
			return false;
	for (size_t k = 0; k < nl; k++)
		if (start[k] >= (k + 1 < nl ? start[k + 1] : n))
			return false;
	return nl > 0 || n == 0;
}

/* The noder's working arrays, freed at once. */
typedef struct work {
	noder nd;
	chains ch;
	bool *keep;     /* [chains]: first of its kind */
	lr_vec suspect; /* bool [pieces] */
} work;

static void work_free(work *w)
{
	free(w->keep);
	free(w->nd.line_of);
	free(w->nd.crossed);
	free(w->nd.at_vertex);
	lr_vec_free(&w->nd.nodes);
	lr_vec_free(&w->ch.pts);
	lr_vec_free(&w->ch.seg);
	lr_vec_free(&w->ch.first);
	lr_vec_free(&w->suspect);
}

int lr__node(const lr__linework *lw, lr__noded *out, bool *noded)
{
	work w = {{lw->segs.data,
	           lw->segs.len,
	           lw->line_start.data,
	           lw->line_start.len,
	           NULL,
	           NULL,
	           NULL,
	           {0},
	           0},
	          {{0}, {0}, {0}},
	          NULL,
	          {0}};
	lr_vec_init(&w.nd.nodes, sizeof(node));
	lr_vec_init(&w.ch.pts, sizeof(pt));
	lr_vec_init(&w.ch.seg, sizeof(size_t));
	lr_vec_init(&w.ch.first, sizeof(size_t));
	lr_vec_init(&w.suspect, sizeof(bool));
	out->pieces.len = out->chain_start.len = out->pairs = 0;
	*noded = lines_usable(lw);
	int rc = *noded ? find_nodes(&w.nd, noded) : LR_OK;
	out->pairs = w.nd.pairs;
	if (rc == LR_OK && *noded)
		rc = cut_lines(&w.nd, &w.ch);
	size_t n_chains = w.ch.first.len ? w.ch.first.len - 1 : 0;
	if (rc == LR_OK && *noded) {
		w.keep = malloc((n_chains ? n_chains : 1) * sizeof *w.keep);
		rc = w.keep ? first_of_kind(&w.ch, n_chains, w.keep)
		            : LR_ERR_NOMEM;
	}
	if (rc == LR_OK && *noded)
		rc = emit_chains(&w.nd, &w.ch, n_chains, w.keep, out,
		                 &w.suspect, noded);
	if (rc == LR_OK && *noded)
		rc = check_noded(out, w.suspect.data, &out->pairs, noded);
	work_free(&w);
	return rc;
}

void lr__noded_init(lr__noded *nd)
{
	lr_vec_init(&nd->pieces, sizeof(lr__seg));
	lr_vec_init(&nd->chain_start, sizeof(size_t));
	nd->pairs = 0;
}

void lr__noded_free(lr__noded *nd)
{
	lr_vec_free(&nd->pieces);
	lr_vec_free(&nd->chain_start);
}

/* ---- Linework in, chains out ------------------------------------------ */

void lr__linework_init(lr__linework *lw)
{
	lr_vec_init(&lw->segs, sizeof(lr__seg));
	lr_vec_init(&lw->line_start, sizeof(size_t));
	lw->degenerate = false;
}

void lr__linework_free(lr__linework *lw)
{
	lr_vec_free(&lw->segs);
	lr_vec_free(&lw->line_start);
}

/* One line: its segments, and whether it repeats a point (a segment of no
** length, which lr__segs_of_lines leaves out) or turns back on itself. */
static int add_line(GEOSContextHandle_t ctx, const GEOSGeometry *line, void *ud)
{
	lr__linework *lw = ud;
	int n_pts = GEOSGeomGetNumPoints_r(ctx, line);
	size_t before = lw->segs.len;
	if (n_pts < 0)
		return LR_ERR_GEOM;
	if (!lr_vec_push(&lw->line_start, &before))
		return LR_ERR_NOMEM;
	int rc = lr__segs_of_lines(ctx, line, &lw->segs);
	if (rc != LR_OK)
		return rc;
	if (n_pts < 2 || lw->segs.len - before != (size_t)n_pts - 1)
		lw->degenerate = true;
	const lr__seg *s = lw->segs.data;
	for (size_t i = before + 1; i < lw->segs.len; i++)
		if (s[i - 1].ax == s[i].bx && s[i - 1].ay == s[i].by)
			lw->degenerate = true;
	return LR_OK;
}

int lr__linework_add(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                     lr__linework *lw)
{
	return lr__each_line(ctx, g, add_line, lw);
}
