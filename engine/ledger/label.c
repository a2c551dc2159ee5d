/*
** Which inputs cover each face of a traced arrangement (trace.c), without
** a point in polygon test per face and input.  Each input's boundary is
** followed along the arrangement's half-edges (each with its face on the
** left), which says on which side of every edge it lies; labels then
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

/* The traced arrangement and, for each of its halves, the inputs whose
** boundary runs along it with their interior on its left. */
typedef struct graph {
	const lr__arrangement *a; /* borrowed */
	size_t words;             /* 64-bit words of one set of inputs */
	uint64_t *inside;         /* owned [n_halves * words] */
	double *xy;               /* owned scratch: one ring's coordinates */
	size_t xy_cap;
	int32_t *
	        slot; /* owned [mask + 1]: the nodes by their point, -1 empty */
	size_t mask;
} graph;

/* A hash of the point (x, y); -0 and 0, equal points, hash alike. */
static size_t point_hash(double x, double y)
{
	double p[2] = {x + 0.0, y + 0.0};
	uint64_t u[2];
	memcpy(u, p, sizeof u);
	uint64_t h = (u[0] * 0x9e3779b97f4a7c15u) ^ (u[1] + (u[0] >> 29));
	h *= 0xff51afd7ed558ccdu;
	return (size_t)(h ^ (h >> 32));
}

/* Every node of g->a into an open-addressed table, so that each input
** vertex is found at once where a search among the sorted nodes took a
** dozen steps.  0 when out of memory. */
static int index_nodes(graph *g)
{
	const lr__arrangement *a = g->a;
	size_t cap = 16;
	while (cap < 2 * a->n_nodes)
		cap *= 2;
	g->slot = malloc(cap * sizeof *g->slot);
	if (!g->slot)
		return 0;
	memset(g->slot, 0xff, cap * sizeof *g->slot); /* every slot -1 */
	g->mask = cap - 1;
	for (size_t v = 0; v < a->n_nodes; v++) {
		size_t h = point_hash(a->xy[2 * v], a->xy[2 * v + 1]) & g->mask;
		while (g->slot[h] >= 0)
			h = (h + 1) & g->mask;
		g->slot[h] = (int32_t)v;
	}
	return 1;
}

/* The node at (x, y), -1 if there is none (nodes are distinct points). */
static int32_t node_at(const graph *g, double x, double y)
{
	const double *xy = g->a->xy;
	size_t h = point_hash(x, y) & g->mask;
	for (; g->slot[h] >= 0; h = (h + 1) & g->mask) {
		int32_t v = g->slot[h];
		if (xy[2 * v] == x && xy[2 * v + 1] == y)
			return v;
	}
	return -1;
}

/* The face on the left of half i, -1 outside every face. */
static int32_t face_of(const graph *g, int32_t i)
{
	int32_t r = g->a->h[i].ring;
	return r >= 0 ? g->a->rings[r].face : -1;
}

/* The half from node u to node v, -1 if none. */
static int32_t half_between(const graph *g, int32_t u, int32_t v)
{
	const lr__arrangement *a = g->a;
	for (size_t k = a->out_first[u]; k < a->out_first[u + 1]; k++)
		if (a->h[a->out[k]].to == v)
			return a->out[k];
	return -1;
}

/* Ring's points into g->xy; their number into *m.  0 when GEOS cannot
** give them, -1 when out of memory. */
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
			return -1;
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

/* The half leaving node c along the segment from a (direction d) past
** parameter *t; -1 when none, or when two are too close to the segment
** to tell apart. */
static int32_t next_on_segment(const graph *g, int32_t c, double ax, double ay,
                               double dx, double dy, double *t)
{
	const lr__arrangement *a = g->a;
	double len2 = dx * dx + dy * dy, len = sqrt(len2);
	int32_t best = -1;
	double best_t = 0;
	for (size_t k = a->out_first[c]; k < a->out_first[c + 1]; k++) {
		const double *b = &a->xy[2 * a->h[a->out[k]].to];
		double nx = b[0] - ax, ny = b[1] - ay;
		double ti = (nx * dx + ny * dy) / len2;
		double off = fabs(nx * dy - ny * dx) / len;
		if (ti <= *t || ti > 1 + 1e-12 || off > ON_SEGMENT_TOLERANCE)
			continue;
		if (best >= 0)
			return -1; /* two candidates: not provable */
		best = a->out[k];
		best_t = ti;
	}
	if (best >= 0)
		*t = best_t;
	return best;
}

/* Follow the boundary segment a -> b of input k (its interior on the
** left), from node c to node end (-1: none there), along the halves,
** marking each.  0 if it cannot be followed. */
static int follow(graph *g, const double *a, const double *b, int32_t c,
                  int32_t end, size_t k)
{
	double dx = b[0] - a[0], dy = b[1] - a[1], t = 0;
	if (dx == 0 && dy == 0)
		return 1;
	if (c < 0 || end < 0)
		return 0;
	for (size_t steps = 0; steps < g->a->n_halves; steps++) {
		int32_t i = half_between(g, c, end);
		if (i < 0)
			i = next_on_segment(g, c, a[0], a[1], dx, dy, &t);
		if (i < 0)
			return 0;
		uint64_t *w = &g->inside[(size_t)i * g->words + k / 64];
		if (*w & (1ULL << (k % 64)))
			return 0; /* the same side twice */
		*w |= 1ULL << (k % 64);
		c = g->a->h[i].to;
		if (c == end)
			return 1;
	}
	return 0;
}

/* Follow the ring g->xy[0..m) of input k, forwards when fwd (else
** backwards: its interior on the left either way), each vertex's node
** looked up once.  0 if it cannot be followed. */
static int follow_ring(graph *g, size_t m, int fwd, size_t k)
{
	const double *p = &g->xy[fwd ? 0 : 2 * (m - 1)];
	ptrdiff_t step = fwd ? 2 : -2;
	int32_t from = node_at(g, p[0], p[1]);
	for (size_t i = 0; i + 1 < m; i++, p += step) {
		int32_t to = node_at(g, p[step], p[step + 1]);
		if (!follow(g, p, p + step, from, to, k))
			return 0;
		from = to;
	}
	return 1;
}

/* Mark the halves along every ring of input k (a polygon or several):
** 1 done, 0 where the halves do not follow it, -1 out of memory. */
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
			int got = ring ? ring_points(ctx, g, ring, &m) : 0;
			if (got <= 0)
				return got;
			double a2 = ring_area2(g->xy, m);
			if (!follow_ring(g, m, r < 0 ? a2 > 0 : a2 < 0, k))
				return 0;
		}
	}
	return 1;
}

/* The label of the face across half i from a face labelled `from`, into
** to; 0 if `from` does not agree with the inputs along the edge. */
static int across(const graph *g, int32_t i, const uint64_t *from, uint64_t *to)
{
	const uint64_t *in_l = &g->inside[(size_t)i * g->words];
	const uint64_t *in_r = &g->inside[(size_t)(i ^ 1) * g->words];
	for (size_t w = 0; w < g->words; w++) {
		if ((from[w] & in_l[w]) != in_l[w] || (from[w] & in_r[w]))
			return 0;
		to[w] = (from[w] & ~in_l[w]) | in_r[w];
	}
	return 1;
}

/* Label the face across half i from face f (known): the outside must get
** no input, a known face the same label, a new one joins the queue. */
static int cross_edge(const graph *g, int32_t i, size_t f, uint64_t *labels,
                      char *known, int32_t *queue, size_t *tail, uint64_t *tmp)
{
	if (!across(g, i, &labels[f * g->words], tmp))
		return 0;
	int32_t o = face_of(g, i ^ 1);
	if (o < 0) {
		for (size_t w = 0; w < g->words; w++)
			if (tmp[w])
				return 0;
		return 1;
	}
	uint64_t *lo = &labels[(size_t)o * g->words];
	if (known[o])
		return !memcmp(lo, tmp, g->words * sizeof *tmp);
	memcpy(lo, tmp, g->words * sizeof *tmp);
	known[o] = 1;
	queue[(*tail)++] = o;
	return 1;
}

/* Spread labels from the faces along the outside, checking every edge
** from both sides; known[f] set once face f has its label.  1 when every
** face is labelled and every edge agrees, 0 if not, -1 out of memory. */
static int spread(const graph *g, uint64_t *labels, char *known, int32_t *queue)
{
	const lr__arrangement *a = g->a;
	size_t head = 0, tail = 0;
	uint64_t *tmp = calloc(g->words, sizeof *tmp);
	if (!tmp)
		return -1;
	int ok = 1;
	for (size_t i = 0; ok && i < a->n_halves; i++) {
		int32_t f = face_of(g, (int32_t)i);
		if (f < 0 || known[f] || face_of(g, (int32_t)(i ^ 1)) >= 0)
			continue;
		memcpy(&labels[(size_t)f * g->words], &g->inside[i * g->words],
		       g->words * sizeof *labels);
		known[f] = 1;
		queue[tail++] = f;
	}
	while (ok && head < tail) {
		size_t f = (size_t)queue[head++];
		for (size_t r = a->face_first[f];
		     ok && r < a->face_first[f + 1]; r++) {
			int32_t i = a->rings[r].first;
			for (int32_t k = 0; ok && k < a->rings[r].n;
			     k++, i = a->h[i].next)
				ok = cross_edge(g, i, f, labels, known, queue,
				                &tail, tmp);
		}
	}
	free(tmp);
	return ok && tail == a->n_faces;
}

int lr__label_faces(GEOSContextHandle_t ctx, const lr__arrangement *a,
                    GEOSGeometry *const *inputs, size_t n_inputs,
                    lr__face_labels *out, bool *labelled)
{
	size_t nf = a->n_faces;
	graph g = {a, (n_inputs + 63) / 64, NULL, NULL, 0, NULL, 0};
	*labelled = false;
	out->words = g.words;
	out->bits = calloc(nf * out->words + 1, sizeof *out->bits);
	g.inside = calloc(a->n_halves * g.words + 1, sizeof *g.inside);
	char *known = calloc(nf + 1, 1);
	int32_t *queue = malloc((nf + 1) * sizeof *queue);
	int ok = out->bits && g.inside && known && queue && index_nodes(&g)
	                 ? 1
	                 : -1;
	for (size_t k = 0; ok > 0 && k < n_inputs; k++)
		ok = mark_input(ctx, &g, inputs[k], k);
	if (ok > 0)
		ok = spread(&g, out->bits, known, queue);
	*labelled = ok > 0;
	free(known);
	free(queue);
	free(g.inside);
	free(g.xy);
	free(g.slot);
	return ok < 0 ? LR_ERR_NOMEM : LR_OK;
}

void lr__face_labels_free(lr__face_labels *l)
{
	free(l->bits);
	memset(l, 0, sizeof *l);
}
