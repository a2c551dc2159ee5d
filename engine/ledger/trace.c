/*
** Faces traced from noded segments (trace_int.h).  Each segment gives two
** halves; round every node the halves leaving it are sorted by angle, and
** the half after h round its face is the one just clockwise of h's twin at
** h's end.  The cycles this links are split where they pass a node twice
** (a hole touching its shell, two shells touching at a vertex), which
** leaves simple rings: counter-clockwise ones of positive area are shells,
** the others holes, each given to the smallest shell holding it or else
** to the outside.  Edges with the same cycle on both sides (dangling, or
** bridges between pieces) bound no face and are dropped, as GEOS's
** polygonizer drops them.
*/
#include "trace_int.h"

#include "sort_int.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The ring of a live half not yet given one. */
#define UNRINGED INT32_MAX

static int cmp_double(double a, double b)
{
	return a < b ? -1 : a > b;
}

static int cmp_point(const void *pa, const void *pb)
{
	const double *a = pa, *b = pb;
	int c = cmp_double(a[0], b[0]);
	return c ? c : cmp_double(a[1], b[1]);
}

/* One end of a segment: half `half` leaves it. */
typedef struct seg_end {
	double x, y;
	int32_t half;
} seg_end;

static bool end_before(const seg_end *a, const seg_end *b)
{
	return a->x < b->x || (a->x == b->x && a->y < b->y);
}

/* Ends at the same point may come in any order: they get one node. */
LR__DEFINE_SORT(sort_ends, seg_end, end_before)

/* Whether segment i ends where segment i + 1 starts (as along a line). */
static bool runs_on(const lr__seg *segs, size_t n, size_t i)
{
	return i + 1 < n && segs[i].bx == segs[i + 1].ax &&
	       segs[i].by == segs[i + 1].ay;
}

/*
** The nodes (every end of segs[0..n), sorted, unique) and the two halves
** of each segment: half 2i runs as segment i is written, half 2i + 1
** back.  Zero-length segments are dropped here, duplicates when linked.
** An end where the next segment starts is left out of the sort (half
** 2i + 1 leaves where half 2i + 2 does): noded lines come as runs, and
** the sort takes half the ends.
*/
static int build_halves(lr__arrangement *a, const lr__seg *segs, size_t n)
{
	seg_end *e = malloc((2 * n + 1) * sizeof *e);
	a->xy = malloc((4 * n + 2) * sizeof *a->xy);
	a->h = malloc((2 * n + 1) * sizeof *a->h);
	if (!e || !a->xy || !a->h) {
		free(e);
		return LR_ERR_NOMEM;
	}
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		e[m++] = (seg_end){segs[i].ax, segs[i].ay, (int32_t)(2 * i)};
		if (!runs_on(segs, n, i))
			e[m++] = (seg_end){segs[i].bx, segs[i].by,
			                   (int32_t)(2 * i + 1)};
	}
	sort_ends(e, m);
	size_t k = 0;
	for (size_t i = 0; i < m; i++) {
		if (k == 0 || cmp_point(&a->xy[2 * (k - 1)], &e[i].x)) {
			a->xy[2 * k] = e[i].x;
			a->xy[2 * k + 1] = e[i].y;
			k++;
		}
		a->h[e[i].half] = (lr__half){(int32_t)k - 1, -1, -1, UNRINGED};
	}
	free(e);
	for (size_t i = 0; i < n; i++)
		if (runs_on(segs, n, i))
			a->h[2 * i + 1] = (lr__half){a->h[2 * i + 2].from, -1,
			                             -1, UNRINGED};
	a->n_nodes = k;
	a->n_halves = 2 * n;
	for (size_t i = 0; i < 2 * n; i++) {
		a->h[i].to = a->h[i ^ 1].from;
		if (a->h[i].to == a->h[i].from)
			a->h[i].ring = -1; /* zero length */
	}
	return LR_OK;
}

/* A half leaving a node, for sorting by angle. */
typedef struct spoke {
	double dx, dy;
	int32_t half;
} spoke;

/*
** The sign of a d - b c.  Where the products nearly cancel (then they lie
** within a factor 2 of each other and their difference is exact), their
** rounding errors, taken exactly with fma, decide.  Exact whenever the
** differences of coordinates are, that is for nodes within a factor 2 of
** each other, as in any cluster away from the equator and meridian 0.
*/
static int det_sign(double a, double b, double c, double d)
{
	double p = a * d, q = b * c, s = p - q;
	if (fabs(s) > 4 * DBL_EPSILON * (fabs(p) + fabs(q)))
		return s > 0 ? 1 : -1;
	double r = s + (fma(a, d, -p) - fma(b, c, -q));
	return (r > 0) - (r < 0);
}

/* Counter-clockwise from the direction of positive x. */
static int cmp_spoke(const spoke *a, const spoke *b)
{
	int ua = a->dy > 0 || (a->dy == 0 && a->dx > 0);
	int ub = b->dy > 0 || (b->dy == 0 && b->dx > 0);
	if (ua != ub)
		return ua ? -1 : 1;
	return -det_sign(a->dx, a->dy, b->dx, b->dy);
}

/* The spokes sp[0..n) of one node sorted by angle (few: by insertion).
** Two in the same direction to the same node are one segment given
** twice: the later one is dropped (*dropped set); to different nodes
** they are linework not noded (*same_way set). */
static void sort_spokes(lr__arrangement *a, spoke *sp, size_t n, bool *dropped,
                        bool *same_way)
{
	for (size_t i = 1; i < n; i++) {
		spoke x = sp[i];
		size_t j = i;
		for (; j > 0 && cmp_spoke(&sp[j - 1], &x) > 0; j--)
			sp[j] = sp[j - 1];
		sp[j] = x;
	}
	for (size_t i = 1; i < n; i++) {
		if (cmp_spoke(&sp[i - 1], &sp[i]))
			continue;
		int32_t p = sp[i - 1].half, q = sp[i].half;
		if (a->h[p].to != a->h[q].to) {
			*same_way = true;
			continue;
		}
		int32_t later = p > q ? p : q;
		a->h[later].ring = a->h[later ^ 1].ring = -1;
		*dropped = true;
	}
}

/*
** Sort the live halves round their nodes (into out, by node) and link
** each to the next round its face.  *dropped: a duplicate segment was
** dropped, link again; *same_way as sort_spokes says.
*/
static void link_halves(lr__arrangement *a, spoke *sp, bool *dropped,
                        bool *same_way)
{
	size_t *first = a->out_first; /* n_nodes + 2 entries */
	memset(first, 0, (a->n_nodes + 2) * sizeof *first);
	for (size_t i = 0; i < a->n_halves; i++)
		if (a->h[i].ring >= 0)
			first[a->h[i].from + 2]++;
	for (size_t v = 0; v < a->n_nodes; v++)
		first[v + 2] += first[v + 1];
	for (size_t i = 0; i < a->n_halves; i++) {
		const lr__half *h = &a->h[i];
		if (h->ring < 0)
			continue;
		sp[first[h->from + 1]++] =
		        (spoke){a->xy[2 * h->to] - a->xy[2 * h->from],
		                a->xy[2 * h->to + 1] - a->xy[2 * h->from + 1],
		                (int32_t)i};
	}
	*dropped = *same_way = false;
	for (size_t v = 0; v < a->n_nodes; v++)
		sort_spokes(a, sp + first[v], first[v + 1] - first[v], dropped,
		            same_way);
	for (size_t k = 0; k < first[a->n_nodes]; k++)
		a->out[k] = sp[k].half;
	for (size_t v = 0; v < a->n_nodes; v++)
		for (size_t k = first[v]; k < first[v + 1]; k++) {
			/* The twin of spoke k arrives at v; its next is the
			** spoke just clockwise of k. */
			size_t cw = k > first[v] ? k - 1 : first[v + 1] - 1;
			a->h[a->out[k] ^ 1].next = a->out[cw];
		}
}

/* Number the cycles of the live halves into cyc[]; returns how many. */
static int32_t number_cycles(const lr__arrangement *a, int32_t *cyc)
{
	int32_t nc = 0;
	for (size_t i = 0; i < a->n_halves; i++)
		cyc[i] = -1;
	for (size_t i = 0; i < a->n_halves; i++) {
		if (a->h[i].ring < 0 || cyc[i] >= 0)
			continue;
		int32_t j = (int32_t)i;
		do {
			cyc[j] = nc;
			j = a->h[j].next;
		} while (j != (int32_t)i);
		nc++;
	}
	return nc;
}

/* Drop the edges with the same cycle on both sides; true if any was. */
static bool drop_bridges(lr__arrangement *a, const int32_t *cyc)
{
	bool any = false;
	for (size_t i = 0; i < a->n_halves; i += 2)
		if (a->h[i].ring >= 0 && cyc[i] == cyc[i + 1]) {
			a->h[i].ring = a->h[i + 1].ring = -1;
			any = true;
		}
	return any;
}

/* The ring of halves stack[0..n), closed, as ring number r. */
static int push_ring(lr__arrangement *a, lr_vec *rings, const int32_t *stack,
                     size_t n)
{
	lr__ring r = {stack[0], (int32_t)n, -1, 0, 0, 0, 0, 0};
	const double *o = &a->xy[2 * a->h[stack[0]].from];
	r.minx = r.maxx = o[0];
	r.miny = r.maxy = o[1];
	for (size_t k = 0; k < n; k++) {
		lr__half *h = &a->h[stack[k]];
		h->next = stack[(k + 1) % n];
		h->ring = (int32_t)rings->len;
		if (h->from < a->h[r.first].from)
			r.first = stack[k];
		const double *p = &a->xy[2 * h->from], *q = &a->xy[2 * h->to];
		r.area2 += (p[0] - o[0]) * (q[1] - o[1]) -
		           (q[0] - o[0]) * (p[1] - o[1]);
		r.minx = fmin(r.minx, p[0]);
		r.miny = fmin(r.miny, p[1]);
		r.maxx = fmax(r.maxx, p[0]);
		r.maxy = fmax(r.maxy, p[1]);
	}
	return LR_VEC_PUSH(rings, lr__ring, r) ? LR_OK : LR_ERR_NOMEM;
}

/* Split the cycle through half `start` into simple rings where it passes
** a node twice.  at[] (-1 for every node) and stack[] are scratch. */
static int split_cycle(lr__arrangement *a, int32_t start, int32_t *stack,
                       int32_t *at, lr_vec *rings)
{
	size_t top = 0;
	int32_t i = start;
	int rc = LR_OK;
	do {
		int32_t next = a->h[i].next, v = a->h[i].from;
		if (at[v] >= 0) {
			size_t p = (size_t)at[v];
			for (size_t k = p; k < top; k++)
				at[a->h[stack[k]].from] = -1;
			if (rc == LR_OK)
				rc = push_ring(a, rings, stack + p, top - p);
			top = p;
		}
		at[v] = (int32_t)top;
		stack[top++] = i;
		i = next;
	} while (i != start);
	for (size_t k = 0; k < top; k++)
		at[a->h[stack[k]].from] = -1;
	return rc == LR_OK ? push_ring(a, rings, stack, top) : rc;
}

/* Whether ring r holds the point (px, py) (crossing number). */
static bool ring_holds(const lr__arrangement *a, const lr__ring *r, double px,
                       double py)
{
	bool in = false;
	int32_t i = r->first;
	for (int32_t k = 0; k < r->n; k++, i = a->h[i].next) {
		const double *p = &a->xy[2 * a->h[i].from];
		const double *q = &a->xy[2 * a->h[i].to];
		if ((p[1] > py) != (q[1] > py) &&
		    px < p[0] + (py - p[1]) * (q[0] - p[0]) / (q[1] - p[1]))
			in = !in;
	}
	return in;
}

/* Whether shell s holds hole h: tested at the middle of an edge of h that
** does not bound s (none: h is s's own outline seen from inside). */
static bool shell_holds(const lr__arrangement *a, int32_t s, int32_t h)
{
	const lr__ring *sr = &a->rings[s], *hr = &a->rings[h];
	if (hr->minx < sr->minx || hr->maxx > sr->maxx || hr->miny < sr->miny ||
	    hr->maxy > sr->maxy)
		return false;
	int32_t i = hr->first;
	for (int32_t k = 0; k < hr->n; k++, i = a->h[i].next) {
		if (a->h[i ^ 1].ring == s)
			continue;
		const double *p = &a->xy[2 * a->h[i].from];
		const double *q = &a->xy[2 * a->h[i].to];
		return ring_holds(a, sr, (p[0] + q[0]) / 2, (p[1] + q[1]) / 2);
	}
	return false;
}

/* Shells become faces; each hole goes to the smallest shell holding it. */
static void assign_faces(lr__arrangement *a)
{
	a->n_faces = 0;
	for (size_t r = 0; r < a->n_rings; r++)
		if (a->rings[r].area2 > 0)
			a->rings[r].face = (int32_t)a->n_faces++;
	for (size_t r = 0; r < a->n_rings; r++) {
		lr__ring *hole = &a->rings[r];
		if (hole->area2 > 0)
			continue;
		int32_t best = -1;
		for (size_t s = 0; s < a->n_rings; s++) {
			const lr__ring *sh = &a->rings[s];
			if (sh->area2 <= 0 ||
			    (best >= 0 && sh->area2 >= a->rings[best].area2))
				continue;
			if (shell_holds(a, (int32_t)s, (int32_t)r))
				best = (int32_t)s;
		}
		hole->face = best >= 0 ? a->rings[best].face : -1;
	}
}

/* Where a ring goes in the output: by face (the outside last), the shell
** first, then by its first two nodes. */
typedef struct ring_key {
	uint32_t face;
	int32_t hole, from, to, ring;
} ring_key;

static int cmp_ring_key(const void *pa, const void *pb)
{
	const ring_key *x = pa, *y = pb;
	if (x->face != y->face)
		return x->face < y->face ? -1 : 1;
	if (x->hole != y->hole)
		return x->hole < y->hole ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->to < y->to ? -1 : x->to > y->to;
}

static ring_key key_of(const lr__arrangement *a, size_t r, uint32_t face)
{
	const lr__ring *x = &a->rings[r];
	const lr__half *h = &a->h[x->first];
	ring_key k = {face, x->area2 <= 0, h->from, h->to, (int32_t)r};
	return k;
}

/* Number faces in the order of their shells' first two nodes, so that
** the output does not depend on the order of the segments, and put the
** rings in output order. */
static int order_rings(lr__arrangement *a)
{
	size_t n = a->n_rings;
	ring_key *k = malloc((n + 1) * sizeof *k);
	lr__ring *sorted = malloc((n + 1) * sizeof *sorted);
	int32_t *face_of = malloc((a->n_faces + 1) * sizeof *face_of);
	int32_t *renum = malloc((n + 1) * sizeof *renum);
	if (!k || !sorted || !face_of || !renum) {
		free(k);
		free(sorted);
		free(face_of);
		free(renum);
		return LR_ERR_NOMEM;
	}
	size_t m = 0;
	for (size_t r = 0; r < n; r++)
		if (a->rings[r].area2 > 0)
			k[m++] = key_of(a, r, 0);
	qsort(k, m, sizeof *k, cmp_ring_key);
	for (size_t f = 0; f < m; f++)
		face_of[a->rings[k[f].ring].face] = (int32_t)f;
	for (size_t r = 0; r < n; r++) {
		int32_t f = a->rings[r].face;
		a->rings[r].face = f >= 0 ? face_of[f] : -1;
		k[r] = key_of(a, r, (uint32_t)a->rings[r].face);
	}
	qsort(k, n, sizeof *k, cmp_ring_key);
	for (size_t r = 0; r < n; r++) {
		sorted[r] = a->rings[k[r].ring];
		renum[k[r].ring] = (int32_t)r;
	}
	for (size_t i = 0; i < a->n_halves; i++)
		if (a->h[i].ring >= 0)
			a->h[i].ring = renum[a->h[i].ring];
	free(a->rings);
	a->rings = sorted;
	free(k);
	free(face_of);
	free(renum);
	return LR_OK;
}

/* Each face's rings and planar area (its shell less its holes). */
static int face_index(lr__arrangement *a)
{
	a->face_first = calloc(a->n_faces + 1, sizeof *a->face_first);
	a->planar = calloc(a->n_faces + 1, sizeof *a->planar);
	if (!a->face_first || !a->planar)
		return LR_ERR_NOMEM;
	for (size_t r = 0; r < a->n_rings; r++) {
		const lr__ring *x = &a->rings[r];
		if (x->face < 0)
			continue;
		a->face_first[x->face + 1]++;
		a->planar[x->face] +=
		        0.5 * (x->area2 > 0 ? x->area2 : -fabs(x->area2));
	}
	for (size_t f = 0; f < a->n_faces; f++)
		a->face_first[f + 1] += a->face_first[f];
	return LR_OK;
}

/* Link, drop the bridges and link again, then split the cycles into rings
** in rings (an lr_vec of lr__ring). */
static int trace_rings(lr__arrangement *a, lr_vec *rings, bool *traced)
{
	size_t nh = a->n_halves;
	spoke *sp = malloc((nh + 1) * sizeof *sp);
	int32_t *cyc = malloc((nh + 1) * sizeof *cyc);
	int32_t *at = malloc((a->n_nodes + 1) * sizeof *at);
	int rc = sp && cyc && at ? LR_OK : LR_ERR_NOMEM;
	bool same_way = false, settled = false, dropped = false;
	/* Duplicates first, then bridges: dropping bridges makes no new ones,
	** and the last passes are a guard. */
	for (int pass = 0; rc == LR_OK && !same_way && !settled && pass < 4;
	     pass++) {
		link_halves(a, sp, &dropped, &same_way);
		if (!same_way && !dropped) {
			number_cycles(a, cyc);
			settled = !drop_bridges(a, cyc);
		}
	}
	*traced = rc == LR_OK && settled;
	for (size_t v = 0; *traced && v < a->n_nodes; v++)
		at[v] = -1;
	/* cyc[] serves as the stack: a cycle has at most nh halves. */
	for (size_t i = 0; *traced && rc == LR_OK && i < nh; i++)
		if (a->h[i].ring == UNRINGED)
			rc = split_cycle(a, (int32_t)i, cyc, at, rings);
	free(sp);
	free(cyc);
	free(at);
	return rc;
}

int lr__trace(const lr__seg *segs, size_t n, lr__arrangement *a, bool *traced)
{
	memset(a, 0, sizeof *a);
	*traced = false;
	int rc = build_halves(a, segs, n);
	if (rc == LR_OK) {
		a->out = malloc((a->n_halves + 1) * sizeof *a->out);
		a->out_first = malloc((a->n_nodes + 2) * sizeof *a->out_first);
		rc = a->out && a->out_first ? LR_OK : LR_ERR_NOMEM;
	}
	lr_vec rings;
	lr_vec_init(&rings, sizeof(lr__ring));
	if (rc == LR_OK)
		rc = trace_rings(a, &rings, traced);
	a->rings = rings.data;
	a->n_rings = rings.len;
	if (rc == LR_OK && *traced) {
		assign_faces(a);
		rc = order_rings(a);
	}
	if (rc == LR_OK && *traced)
		rc = face_index(a);
	if (rc != LR_OK)
		*traced = false;
	return rc;
}

void lr__ring_xy(const lr__arrangement *a, size_t r, double *xy)
{
	const lr__ring *x = &a->rings[r];
	int32_t i = x->first;
	for (int32_t k = 0; k < x->n; k++, i = a->h[i].next) {
		xy[2 * k] = a->xy[2 * a->h[i].from];
		xy[2 * k + 1] = a->xy[2 * a->h[i].from + 1];
	}
	xy[2 * x->n] = xy[0];
	xy[2 * x->n + 1] = xy[1];
}

/* Little-endian whatever the host: the bytes of an unsigned 32-bit
** integer and of a double, at p; returns the byte after them. */
static unsigned char *put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
	return p + 4;
}

static unsigned char *put_f64(unsigned char *p, double d)
{
	uint64_t v;
	memcpy(&v, &d, sizeof v);
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
	return p + 8;
}

/* Ring r's points, closed, at p; returns the byte after them. */
static unsigned char *put_ring(const lr__arrangement *a, size_t r,
                               unsigned char *p)
{
	const lr__ring *x = &a->rings[r];
	p = put_u32(p, (uint32_t)x->n + 1);
	int32_t i = x->first;
	for (int32_t k = 0; k <= x->n; k++, i = a->h[i].next) {
		p = put_f64(p, a->xy[2 * a->h[i].from]);
		p = put_f64(p, a->xy[2 * a->h[i].from + 1]);
	}
	return p;
}

int lr__face_wkb(const lr__arrangement *a, size_t f, lr_wkb *out)
{
	size_t r0 = a->face_first[f], r1 = a->face_first[f + 1];
	size_t size = 9 + 9; /* MultiPolygon and Polygon headers */
	for (size_t r = r0; r < r1; r++)
		size += 4 + 16 * ((size_t)a->rings[r].n + 1);
	memset(out, 0, sizeof *out);
	unsigned char *p = out->data = malloc(size);
	if (!p)
		return LR_ERR_NOMEM;
	out->size = size;
	*p++ = 1; /* little-endian */
	p = put_u32(p, 6);
	p = put_u32(p, 1);
	*p++ = 1;
	p = put_u32(p, 3);
	p = put_u32(p, (uint32_t)(r1 - r0));
	for (size_t r = r0; r < r1; r++)
		p = put_ring(a, r, p);
	const lr__ring *shell = &a->rings[r0];
	out->minx = shell->minx;
	out->miny = shell->miny;
	out->maxx = shell->maxx;
	out->maxy = shell->maxy;
	return LR_OK;
}

void lr__arrangement_free(lr__arrangement *a)
{
	free(a->xy);
	free(a->h);
	free(a->out);
	free(a->out_first);
	free(a->rings);
	free(a->face_first);
	free(a->planar);
	memset(a, 0, sizeof *a);
}
