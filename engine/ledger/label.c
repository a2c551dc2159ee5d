/*
** Which inputs cover each face of a noded arrangement, without a point in
** polygon test per face and input.  The faces' rings become half-edges
** (each with its face on the left); each input's boundary is followed
** along them, which says on which side of every edge it lies; labels then
** spread from the land outside every face across the edges: crossing an
** input's boundary adds or removes that input.  Every edge is checked from
** both sides, so a labelling that does not add up is refused, never used.
*/
#include "overlay_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A crossing computed in doubles lies within about 1e-15 degrees of the
** segment it was found on; two edges both within this distance of one
** segment are too close to tell apart, and the labelling is refused. */
#define ON_SEGMENT_TOLERANCE 1e-11

/* One side of an edge: from a to b, its face on the left. */
typedef struct half {
	double ax, ay, bx, by;
	int32_t face;
	int32_t twin;     /* the other side; -1: outside every face */
	int32_t next_out; /* the next half leaving a; -1: none */
} half;

typedef struct graph {
	half *h; /* owned [n] */
	size_t n, cap;
	int32_t *seg;     /* owned: open hash of the halves by (a, b) */
	int32_t *vert;    /* owned: open hash of points, first half leaving */
	size_t mask;      /* both hashes hold mask + 1 slots */
	size_t *first;    /* owned [n_faces + 1]: halves of face f */
	size_t words;     /* 64-bit words of one set of inputs */
	uint64_t *inside; /* owned [n * words]: inputs whose boundary runs
	                  ** along the half with their interior on its left */
	double *xy;       /* owned scratch: one ring's coordinates */
	size_t xy_cap;
} graph;

static uint64_t mix(uint64_t h, double v)
{
	uint64_t b;
	memcpy(&b, &v, sizeof b);
	h ^= b + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

static size_t slot(const graph *g, uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h & g->mask;
}

/* The half from (ax, ay) to (bx, by), -1 if none. */
static int32_t seg_find(const graph *g, double ax, double ay, double bx,
                        double by)
{
	size_t s = slot(g, mix(mix(mix(mix(0, ax), ay), bx), by));
	for (; g->seg[s] >= 0; s = (s + 1) & g->mask) {
		const half *e = &g->h[g->seg[s]];
		if (e->ax == ax && e->ay == ay && e->bx == bx && e->by == by)
			return g->seg[s];
	}
	return -1;
}

/* The slot of point (x, y) in the points' hash (empty if not there). */
static size_t vert_slot(const graph *g, double x, double y)
{
	size_t s = slot(g, mix(mix(1, x), y));
	for (; g->vert[s] >= 0; s = (s + 1) & g->mask) {
		const half *e = &g->h[g->vert[s]];
		if (e->ax == x && e->ay == y)
			break;
	}
	return s;
}

/* Ring's points into g->xy; their number into *m.  0 on failure. */
static int ring_points(GEOSContextHandle_t ctx, graph *g,
                       const GEOSGeometry *ring, size_t *m)
{
	const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx, ring);
	unsigned int size = 0;
	if (!cs || !GEOSCoordSeq_getSize_r(ctx, cs, &size) || size < 4)
		return 0;
	if (size > g->xy_cap) {
		double *p = realloc(g->xy, 2 * (size_t)size * sizeof *p);
		if (!p)
			return 0;
		g->xy = p;
		g->xy_cap = size;
	}
	*m = size;
	return GEOSCoordSeq_copyToBuffer_r(ctx, cs, g->xy, 0, 0) != 0;
}

/* Twice the signed area of the closed ring xy[0..m): positive when
** counter-clockwise.  Coordinates are taken from the first point, so
** that areas of a few square metres keep their digits far from 0 deg. */
static double ring_area2(const double *xy, size_t m)
{
	double s = 0, x0 = xy[0], y0 = xy[1];
	for (size_t i = 1; i + 2 < m; i++)
		s += (xy[2 * i] - x0) * (xy[2 * i + 3] - y0) -
		     (xy[2 * i + 2] - x0) * (xy[2 * i + 1] - y0);
	return s;
}

/* Add the halves of one ring of face f (xy[0..m)); forward: the face is
** on the left of the ring as written.  0 when a half is there twice. */
static int add_ring(graph *g, int32_t f, size_t m, int forward)
{
	for (size_t i = 0; i + 1 < m; i++) {
		const double *p = &g->xy[2 * (forward ? i : i + 1)];
		const double *q = &g->xy[2 * (forward ? i + 1 : i)];
		if (p[0] == q[0] && p[1] == q[1])
			continue;
		if (g->n == g->cap)
			return 0; /* more segments than counted */
		if (seg_find(g, p[0], p[1], q[0], q[1]) >= 0)
			return 0;
		half e = {p[0], p[1], q[0], q[1], f, -1, -1};
		g->h[g->n] = e;
		size_t s =
		        slot(g, mix(mix(mix(mix(0, p[0]), p[1]), q[0]), q[1]));
		while (g->seg[s] >= 0)
			s = (s + 1) & g->mask;
		g->seg[s] = (int32_t)g->n++;
	}
	return 1;
}

/* The halves of face f (a polygon), its planar area into *area.  Shells
** are counter-clockwise and holes clockwise with the face on the left. */
static int add_face_rings(GEOSContextHandle_t ctx, graph *g, int32_t f,
                          const GEOSGeometry *face, double *area)
{
	int holes = GEOSGetNumInteriorRings_r(ctx, face);
	*area = 0;
	for (int r = -1; r < holes; r++) {
		const GEOSGeometry *ring =
		        r < 0 ? GEOSGetExteriorRing_r(ctx, face)
		              : GEOSGetInteriorRingN_r(ctx, face, r);
		size_t m;
		if (!ring || !ring_points(ctx, g, ring, &m))
			return 0;
		double a2 = ring_area2(g->xy, m);
		*area += (r < 0 ? 0.5 : -0.5) * fabs(a2);
		if (!add_ring(g, f, m, r < 0 ? a2 > 0 : a2 < 0))
			return 0;
	}
	return 1;
}

/* Points of every ring of the polygons of faces, to size the graph. */
static size_t count_points(GEOSContextHandle_t ctx,
                           const GEOSGeometry *const *faces, size_t n)
{
	size_t total = 0;
	for (size_t f = 0; f < n; f++) {
		int k = GEOSGetNumCoordinates_r(ctx, faces[f]);
		total += k > 0 ? (size_t)k : 0;
	}
	return total;
}

static void graph_free(graph *g)
{
	free(g->h);
	free(g->seg);
	free(g->vert);
	free(g->first);
	free(g->inside);
	free(g->xy);
}

/* Every face's halves, twins and the halves leaving each point. */
static int graph_build(GEOSContextHandle_t ctx, graph *g,
                       const GEOSGeometry *const *faces, size_t nf,
                       size_t n_inputs, double *area)
{
	g->cap = count_points(ctx, faces, nf);
	size_t slots = 16;
	while (slots < 2 * g->cap)
		slots *= 2;
	g->mask = slots - 1;
	g->words = (n_inputs + 63) / 64;
	g->h = malloc((g->cap + 1) * sizeof *g->h);
	g->seg = malloc(slots * sizeof *g->seg);
	g->vert = malloc(slots * sizeof *g->vert);
	g->first = malloc((nf + 1) * sizeof *g->first);
	g->inside = calloc((g->cap + 1) * g->words, sizeof *g->inside);
	if (!g->h || !g->seg || !g->vert || !g->first || !g->inside)
		return LR_ERR_NOMEM;
	memset(g->seg, 0xff, slots * sizeof *g->seg);
	memset(g->vert, 0xff, slots * sizeof *g->vert);
	for (size_t f = 0; f < nf; f++) {
		g->first[f] = g->n;
		if (!add_face_rings(ctx, g, (int32_t)f, faces[f], &area[f]))
			return LR_ERR_GEOM;
	}
	g->first[nf] = g->n;
	for (size_t i = 0; i < g->n; i++) {
		half *e = &g->h[i];
		e->twin = seg_find(g, e->bx, e->by, e->ax, e->ay);
		size_t s = vert_slot(g, e->ax, e->ay);
		e->next_out = g->vert[s];
		g->vert[s] = (int32_t)i;
	}
	return LR_OK;
}

/* The half leaving (cx, cy) along the segment from a (direction d, length
** squared len2) past parameter *t; -1 when none, or when two are too
** close to the segment to tell apart. */
static int32_t next_on_segment(const graph *g, double cx, double cy, double ax,
                               double ay, double dx, double dy, double *t)
{
	double len2 = dx * dx + dy * dy, len = sqrt(len2);
	int32_t best = -1;
	size_t s = vert_slot(g, cx, cy);
	for (int32_t i = g->vert[s]; i >= 0; i = g->h[i].next_out) {
		double nx = g->h[i].bx - ax, ny = g->h[i].by - ay;
		double ti = (nx * dx + ny * dy) / len2;
		double off = fabs(nx * dy - ny * dx) / len;
		if (ti <= *t || ti > 1 + 1e-12 || off > ON_SEGMENT_TOLERANCE)
			continue;
		if (best >= 0)
			return -1; /* two candidates: not provable */
		best = i;
	}
	if (best >= 0)
		*t = ((g->h[best].bx - ax) * dx + (g->h[best].by - ay) * dy) /
		     len2;
	return best;
}

/* Follow the boundary segment a -> b of input k (its interior on the
** left) along the halves, marking each.  0 if it cannot be followed. */
static int follow(graph *g, const double *a, const double *b, size_t k)
{
	double cx = a[0], cy = a[1], t = 0;
	double dx = b[0] - a[0], dy = b[1] - a[1];
	if (dx == 0 && dy == 0)
		return 1;
	for (size_t steps = 0; steps < g->n; steps++) {
		int32_t i = seg_find(g, cx, cy, b[0], b[1]);
		if (i < 0)
			i = next_on_segment(g, cx, cy, a[0], a[1], dx, dy, &t);
		if (i < 0)
			return 0;
		uint64_t *w = &g->inside[(size_t)i * g->words + k / 64];
		if (*w & (1ULL << (k % 64)))
			return 0; /* the same side twice */
		*w |= 1ULL << (k % 64);
		cx = g->h[i].bx;
		cy = g->h[i].by;
		if (cx == b[0] && cy == b[1])
			return 1;
	}
	return 0;
}

/* Mark the halves along every ring of input k (a polygon or several). */
static int mark_input(GEOSContextHandle_t ctx, graph *g, const GEOSGeometry *in,
                      size_t k)
{
	int np = GEOSGetNumGeometries_r(ctx, in);
	for (int p = 0; p < np; p++) {
		const GEOSGeometry *poly = GEOSGetGeometryN_r(ctx, in, p);
		int holes = poly ? GEOSGetNumInteriorRings_r(ctx, poly) : -1;
		if (holes < 0)
			return 0;
		for (int r = -1; r < holes; r++) {
			const GEOSGeometry *ring =
			        r < 0 ? GEOSGetExteriorRing_r(ctx, poly)
			              : GEOSGetInteriorRingN_r(ctx, poly, r);
			size_t m;
			if (!ring || !ring_points(ctx, g, ring, &m))
				return 0;
			double a2 = ring_area2(g->xy, m);
			int fwd = r < 0 ? a2 > 0 : a2 < 0;
			for (size_t i = 0; i + 1 < m; i++) {
				const double *p0 =
				        &g->xy[2 * (fwd ? i : i + 1)];
				const double *p1 =
				        &g->xy[2 * (fwd ? i + 1 : i)];
				if (!follow(g, p0, p1, k))
					return 0;
			}
		}
	}
	return 1;
}

/* The label of the face across half i from a face labelled `from`, into
** to; 0 if `from` does not agree with the inputs along the edge. */
static int across(const graph *g, int32_t i, const uint64_t *from, uint64_t *to)
{
	const uint64_t *in_l = &g->inside[(size_t)i * g->words];
	int32_t t = g->h[i].twin;
	const uint64_t *in_r = t >= 0 ? &g->inside[(size_t)t * g->words] : NULL;
	for (size_t w = 0; w < g->words; w++) {
		uint64_t r = in_r ? in_r[w] : 0;
		if ((from[w] & in_l[w]) != in_l[w] || (from[w] & r))
			return 0;
		to[w] = (from[w] & ~in_l[w]) | r;
	}
	return 1;
}

/* Spread labels from the faces along the outside, checking every edge
** from both sides; known[f] set once face f has its label. */
static int spread(const graph *g, size_t nf, uint64_t *labels, char *known,
                  int32_t *queue)
{
	size_t head = 0, tail = 0;
	uint64_t *tmp = calloc(g->words, sizeof *tmp);
	int ok = tmp != NULL;
	for (size_t i = 0; ok && i < g->n; i++) {
		size_t f = (size_t)g->h[i].face;
		if (g->h[i].twin >= 0 || known[f])
			continue;
		memcpy(&labels[f * g->words], &g->inside[i * g->words],
		       g->words * sizeof *labels);
		known[f] = 1;
		queue[tail++] = (int32_t)f;
	}
	while (ok && head < tail) {
		size_t f = (size_t)queue[head++];
		for (size_t i = g->first[f]; ok && i < g->first[f + 1]; i++) {
			int32_t t = g->h[i].twin;
			ok = across(g, (int32_t)i, &labels[f * g->words], tmp);
			size_t o = t >= 0 ? (size_t)g->h[t].face : nf;
			if (!ok || o == nf) {
				/* outside: nothing may cover it */
				for (size_t w = 0; ok && w < g->words; w++)
					ok = tmp[w] == 0;
			} else if (known[o]) {
				ok = !memcmp(&labels[o * g->words], tmp,
				             g->words * sizeof *tmp);
			} else {
				memcpy(&labels[o * g->words], tmp,
				       g->words * sizeof *tmp);
				known[o] = 1;
				queue[tail++] = (int32_t)o;
			}
		}
	}
	free(tmp);
	return ok && tail == nf;
}

int lr__label_faces(GEOSContextHandle_t ctx, const GEOSGeometry *const *faces,
                    size_t nf, GEOSGeometry *const *inputs, size_t n_inputs,
                    lr__face_labels *out, bool *labelled)
{
	graph g = {0};
	*labelled = false;
	out->words = (n_inputs + 63) / 64;
	out->bits = calloc(nf * out->words + 1, sizeof *out->bits);
	out->planar = calloc(nf + 1, sizeof *out->planar);
	char *known = calloc(nf + 1, 1);
	int32_t *queue = malloc((nf + 1) * sizeof *queue);
	int rc = LR_ERR_NOMEM;
	if (out->bits && out->planar && known && queue)
		rc = graph_build(ctx, &g, faces, nf, n_inputs, out->planar);
	int ok = rc == LR_OK;
	for (size_t k = 0; ok && k < n_inputs; k++)
		ok = mark_input(ctx, &g, inputs[k], k);
	if (ok)
		*labelled = spread(&g, nf, out->bits, known, queue) != 0;
	free(known);
	free(queue);
	graph_free(&g);
	/* A graph GEOS could not describe is not labelled, not an error. */
	return rc == LR_ERR_GEOM ? LR_OK : rc;
}

void lr__face_labels_free(lr__face_labels *l)
{
	free(l->bits);
	free(l->planar);
	memset(l, 0, sizeof *l);
}
