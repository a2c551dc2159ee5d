/*
** A cheap, conservative validity test for the MultiPolygons read: most
** survey polygons are one simple ring, and proving that with a sweep over
** its edges costs a fraction of building a GEOS geometry and its topology.
** Whatever the test cannot prove (touching or crossing edges, collinear
** turns, a sign too close to zero to trust) goes to GEOS, which decides.
*/
#include "lr_geo.h"
#include "wkb_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Beyond these, proving validity here costs more than it saves. */
#define MAX_RINGS 64
#define MAX_POINTS 100000

typedef struct pt {
	double x, y;
} pt;

/* fmin and fmax without their NaN rules (geo/ rejects NaN coordinates),
** which kept them calls into libm. */
static inline double lo(double a, double b)
{
	return a < b ? a : b;
}

static inline double hi(double a, double b)
{
	return a < b ? b : a;
}

/* An edge pts[i]..pts[i + 1] of ring `ring`, with its x range. */
typedef struct seg {
	double minx, maxx;
	uint32_t i, ring;
} seg;

typedef struct rings {
	pt *pts;
	size_t n_pts;
	size_t start[MAX_RINGS + 1]; /* ring r: pts[start[r] .. start[r+1]) */
	int poly[MAX_RINGS];         /* the polygon of each ring */
	int n_rings;
} rings;

/*
** The sign of the orientation of a, b, c (positive: counter-clockwise), or
** 0 when floating point cannot be trusted with it: Shewchuk's orient2d
** filter with its error bound taken four times over.
*/
static int orient(pt a, pt b, pt c)
{
	double l = (a.x - c.x) * (b.y - c.y);
	double r = (a.y - c.y) * (b.x - c.x);
	double det = l - r;
	double sum = fabs(l) + fabs(r);
	if (!(sum > 1e-280)) /* products near underflow lose their sign */
		return 0;
	double bound = 4 * 3.3306690738754716e-16 * sum;
	return det > bound ? 1 : det < -bound ? -1 : 0;
}

/* Sort s[0 .. n) by minx, stably: insertion sort of short runs, then
** merges through tmp (n entries).  glibc's qsort copied each 24-byte entry
** through memcpy and a comparator call; this took a third of the test. */
static void sort_segs(seg *s, seg *tmp, size_t n)
{
	enum { RUN = 16 };
	for (size_t lo = 0; lo < n; lo += RUN) {
		size_t hi = lo + RUN < n ? lo + RUN : n;
		for (size_t i = lo + 1; i < hi; i++) {
			seg v = s[i];
			size_t j = i;
			for (; j > lo && s[j - 1].minx > v.minx; j--)
				s[j] = s[j - 1];
			s[j] = v;
		}
	}
	seg *from = s, *to = tmp;
	for (size_t w = RUN; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t a = lo, b = mid, k = lo;
			while (a < mid && b < hi)
				to[k++] = from[b].minx < from[a].minx
				                  ? from[b++]
				                  : from[a++];
			while (a < mid)
				to[k++] = from[a++];
			while (b < hi)
				to[k++] = from[b++];
		}
		seg *t = from;
		from = to;
		to = t;
	}
	if (from != s)
		memcpy(s, from, n * sizeof *s);
}

/* Whether segments p1p2 and q1q2 surely share no point. */
static int apart(pt p1, pt p2, pt q1, pt q2)
{
	if (hi(p1.y, p2.y) < lo(q1.y, q2.y) || hi(q1.y, q2.y) < lo(p1.y, p2.y))
		return 1;
	int a = orient(p1, p2, q1), b = orient(p1, p2, q2);
	if (a != 0 && a == b)
		return 1;
	int c = orient(q1, q2, p1), d = orient(q1, q2, p2);
	return c != 0 && c == d;
}

/* Whether edges s and t (x ranges overlapping) are proved not to meet
** beyond what a ring's consecutive edges share. */
static int edges_fine(const rings *g, const seg *s, const seg *t)
{
	const pt *p = g->pts;
	uint32_t i = s->i < t->i ? s->i : t->i, j = s->i < t->i ? t->i : s->i;
	if (s->ring == t->ring) {
		uint32_t last = (uint32_t)g->start[s->ring + 1] - 2;
		if (j == i + 1) /* p[i] p[j] p[j+1]: not folding back */
			return orient(p[i], p[j], p[j + 1]) != 0;
		if (i == g->start[s->ring] && j == last)
			return orient(p[j], p[i], p[i + 1]) != 0;
	}
	return apart(p[i], p[i + 1], p[j], p[j + 1]);
}

/* Whether no two edges of any rings meet (beyond consecutive edges at
** their shared vertex): a sweep over the edges sorted by x. */
static int edges_apart(const rings *g)
{
	size_t n = g->n_pts - (size_t)g->n_rings;
	seg *s = malloc((n ? 2 * n : 1) * sizeof *s);
	if (!s)
		return 0;
	size_t k = 0;
	for (int r = 0; r < g->n_rings; r++)
		for (size_t i = g->start[r]; i + 1 < g->start[r + 1]; i++) {
			s[k].minx = lo(g->pts[i].x, g->pts[i + 1].x);
			s[k].maxx = hi(g->pts[i].x, g->pts[i + 1].x);
			s[k].i = (uint32_t)i;
			s[k].ring = (uint32_t)r;
			k++;
		}
	sort_segs(s, s + n, n);
	int ok = 1;
	for (size_t a = 0; ok && a < n; a++)
		for (size_t b = a + 1; ok && b < n && s[b].minx <= s[a].maxx;
		     b++)
			ok = edges_fine(g, &s[a], &s[b]);
	free(s);
	return ok;
}

/* 1 when p is surely inside ring r, -1 surely outside, 0 unsure. */
static int inside(const rings *g, int r, pt p)
{
	int crossings = 0;
	for (size_t i = g->start[r]; i + 1 < g->start[r + 1]; i++) {
		pt a = g->pts[i], b = g->pts[i + 1];
		if ((a.y > p.y) == (b.y > p.y))
			continue;
		int o = orient(a, b, p);
		if (o == 0)
			return 0;
		/* the edge crosses y = p.y to the right of p */
		if ((b.y > a.y) == (o > 0))
			crossings++;
	}
	return crossings % 2 ? 1 : -1;
}

/* With no two rings meeting, one vertex tells where a ring lies: holes
** inside their shell and outside each other, shells outside each other. */
static int rings_placed(const rings *g)
{
	for (int r = 0; r < g->n_rings; r++)
		for (int q = 0; q < g->n_rings; q++) {
			if (q == r)
				continue;
			bool same = g->poly[q] == g->poly[r];
			bool q_shell = q == 0 || g->poly[q - 1] != g->poly[q];
			bool r_shell = r == 0 || g->poly[r - 1] != g->poly[r];
			int want;
			if (same && q_shell)
				want = 1; /* r is a hole of shell q */
			else if (same || (q_shell && r_shell))
				want = -1; /* two holes, or two shells */
			else
				continue; /* held by the shells' test */
			if (inside(g, q, g->pts[g->start[r]]) != want)
				return 0;
		}
	return 1;
}

/* Read the rings of the little-endian MultiPolygon w into g (pts owned);
** 0 when it is not one this test handles. */
static int read_rings(const lr_wkb *w, rings *g)
{
	const uint16_t one = 1;
	unsigned char le;
	memcpy(&le, &one, 1);
	int swap = le != 1;
	const unsigned char *p = w->data, *end = w->data + w->size;
	if (w->size < 9 || p[0] != 1 || lr__wkb_u32(p + 1, swap) != 6)
		return 0;
	uint32_t n_polys = lr__wkb_u32(p + 5, swap);
	size_t n_pts = (w->size - 9) / 16; /* at most */
	if (n_pts > MAX_POINTS ||
	    !(g->pts = malloc((n_pts ? n_pts : 1) * sizeof *g->pts)))
		return 0;
	p += 9;
	g->n_pts = 0;
	g->n_rings = 0;
	for (uint32_t k = 0; k < n_polys; k++) {
		if (end - p < 9 || p[0] != 1 || lr__wkb_u32(p + 1, swap) != 3)
			return 0;
		uint32_t nr = lr__wkb_u32(p + 5, swap);
		p += 9;
		for (uint32_t r = 0; r < nr; r++) {
			if (g->n_rings == MAX_RINGS || end - p < 4)
				return 0;
			uint32_t n = lr__wkb_u32(p, swap);
			p += 4;
			if (n < 4 || (size_t)(end - p) / 16 < n)
				return 0;
			g->start[g->n_rings] = g->n_pts;
			g->poly[g->n_rings++] = (int)k;
			for (uint32_t i = 0; i < n; i++, p += 16) {
				g->pts[g->n_pts].x = lr__wkb_f64(p, swap);
				g->pts[g->n_pts++].y = lr__wkb_f64(p + 8, swap);
			}
			pt a = g->pts[g->start[g->n_rings - 1]];
			pt z = g->pts[g->n_pts - 1];
			if (a.x != z.x || a.y != z.y) /* not closed */
				return 0;
		}
	}
	g->start[g->n_rings] = g->n_pts;
	return g->n_rings > 0 && p == end;
}

/*
** The cheap test first, for the commonest geometry, one polygon of one
** ring: when every edge turns the same way round the mean of the vertices
** (no edge on a line through it) and the ring crosses the horizontal line
** through it twice, the ring goes round that point once with its angle
** rising all the way; each edge then holds a slice of the turn of its
** own, so edges meet only at the vertices of neighbours: a simple ring,
** star-shaped about that point.  Most survey polygons are.
*/
static bool lone_star_ring(const lr_wkb *w)
{
	const uint16_t one = 1;
	unsigned char le;
	memcpy(&le, &one, 1);
	int swap = le != 1;
	const unsigned char *p = w->data;
	if (w->size < 22 || p[0] != 1 || lr__wkb_u32(p + 1, swap) != 6 ||
	    lr__wkb_u32(p + 5, swap) != 1 || p[9] != 1 ||
	    lr__wkb_u32(p + 10, swap) != 3 || lr__wkb_u32(p + 14, swap) != 1)
		return false;
	uint32_t n = lr__wkb_u32(p + 18, swap);
	p += 22;
	if (n < 4 || (w->size - 22) / 16 != n || (w->size - 22) % 16 != 0 ||
	    memcmp(p, p + 16 * (size_t)(n - 1), 16) != 0)
		return false;
	pt c = {0, 0};
	for (uint32_t i = 0; i + 1 < n; i++) {
		c.x += lr__wkb_f64(p + 16 * i, swap);
		c.y += lr__wkb_f64(p + 16 * i + 8, swap);
	}
	c.x /= n - 1;
	c.y /= n - 1;
	pt a = {lr__wkb_f64(p, swap), lr__wkb_f64(p + 8, swap)};
	int turn = 0, crossings = 0;
	for (uint32_t i = 1; i < n; i++) {
		pt b = {lr__wkb_f64(p + 16 * i, swap),
		        lr__wkb_f64(p + 16 * i + 8, swap)};
		int o = orient(c, a, b);
		if (o == 0 || (turn != 0 && o != turn))
			return false;
		turn = o;
		crossings += (a.y > c.y) != (b.y > c.y);
		a = b;
	}
	return crossings == 2;
}

/*
** Whether w (a MultiPolygon as geo/ writes them: closed rings of at least
** three distinct vertices, no repeated consecutive vertex) is surely valid
** in the OGC sense GEOS checks: every edge meets only its two neighbours,
** at their shared vertex, without folding back; holes lie inside their
** shell and outside each other; polygons lie outside each other.  False
** means "not proved", not "invalid": ask GEOS.
*/
bool lr_wkb_surely_valid(const lr_wkb *w)
{
	if (w && w->data && lone_star_ring(w))
		return true;
	rings g = {0};
	bool ok = w && w->data && read_rings(w, &g) && edges_apart(&g) &&
	          rings_placed(&g);
	free(g.pts);
	return ok;
}
