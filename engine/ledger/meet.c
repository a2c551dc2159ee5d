/*
** Shared vertices of two inputs (meet_int.h), read straight from their
** WKB: a little-endian MultiPolygon, as lr_wkb holds it.
*/
#include "meet_int.h"

#include "sort_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef lr__vertex vertex;

/* Called with each vertex; returns true to stop the walk. */
typedef bool (*vertex_fn)(vertex v, void *ud);

typedef struct vertex_walk {
	vertex_fn fn;
	void *ud;
	bool stopped; /* by fn */
} vertex_walk;

static bool ring_vertices(const lr_wkb_ring *r, void *ud)
{
	vertex_walk *vw = ud;
	if (!r->plain) /* not lr_wkb's own: walked no further */
		return true;
	for (uint32_t i = 0; i < r->n; i++) {
		vertex v = {lr_wkb_ring_coord(r, i, 0),
		            lr_wkb_ring_coord(r, i, 1)};
		if (vw->fn(v, vw->ud))
			return vw->stopped = true;
	}
	return false;
}

/* fn on every vertex of w; true when fn stopped the walk.  WKB that is
** not a little-endian 2D MultiPolygon is walked up to where it stops
** being one. */
static bool each_vertex(const lr_wkb *w, vertex_fn fn, void *ud)
{
	vertex_walk vw = {fn, ud, false};
	if (!w->data || w->size < 9 || w->data[0] != 1 ||
	    memcmp(w->data + 1, "\6\0\0\0", 4) != 0)
		return false;
	lr_wkb_each_ring(w, ring_vertices, &vw);
	return vw.stopped;
}

static bool vertex_before(const vertex *a, const vertex *b)
{
	return a->x < b->x || (a->x == b->x && a->y < b->y);
}

LR__DEFINE_SORT(sort_vertices, vertex, vertex_before)

static bool count_vertex(vertex v, void *ud)
{
	(void)v;
	++*(size_t *)ud;
	return false;
}

static bool copy_vertex(vertex v, void *ud)
{
	lr__vertex_set *s = ud;
	if (v.x == v.x && v.y == v.y) /* a NaN would break the order */
		s->v[s->n++] = v;
	return false;
}

int lr__vertex_set_build(lr__vertex_set *s, const lr_wkb *w)
{
	size_t n = 0;
	each_vertex(w, count_vertex, &n);
	s->n = 0;
	s->v = malloc((n + 1) * sizeof *s->v);
	if (!s->v)
		return LR_ERR_NOMEM;
	each_vertex(w, copy_vertex, s);
	sort_vertices(s->v, s->n);
	s->built = true;
	return LR_OK;
}

void lr__vertex_set_free(lr__vertex_set *s)
{
	free(s->v);
	*s = (lr__vertex_set){0};
}

static bool in_set(vertex v, void *ud)
{
	const lr__vertex_set *s = ud;
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (vertex_before(&s->v[mid], &v))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->v[lo].x == v.x && s->v[lo].y == v.y;
}

bool lr__shares_vertex(const lr__vertex_set *s, const lr_wkb *w)
{
	return s->n > 0 && each_vertex(w, in_set, (void *)s);
}
