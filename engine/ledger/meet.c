/*
** Shared vertices of two inputs (meet_int.h), read straight from their
** WKB: a little-endian MultiPolygon, as lr_wkb holds it.
*/
#include "meet_int.h"

#include "sort_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { WKB_POLYGON = 3, WKB_MULTIPOLYGON = 6 };

typedef lr__vertex vertex;

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Called with each vertex; returns true to stop the walk. */
typedef bool (*vertex_fn)(vertex v, void *ud);

/* Walk the rings of the polygon at *p (its byte-order byte first), within
** end; false when it is malformed or fn stopped the walk (*stopped). */
static bool walk_polygon(const unsigned char **p, const unsigned char *end,
                         vertex_fn fn, void *ud, bool *stopped)
{
	const unsigned char *q = *p;
	if (end - q < 9 || q[0] != 1 || get_u32(q + 1) != WKB_POLYGON)
		return false;
	uint32_t rings = get_u32(q + 5);
	q += 9;
	for (uint32_t r = 0; r < rings; r++) {
		if (end - q < 4)
			return false;
		uint32_t n = get_u32(q);
		q += 4;
		if ((size_t)(end - q) / 16 < n)
			return false;
		for (uint32_t i = 0; i < n; i++, q += 16) {
			vertex v;
			memcpy(&v.x, q, 8);
			memcpy(&v.y, q + 8, 8);
			if (fn(v, ud)) {
				*stopped = true;
				return false;
			}
		}
	}
	*p = q;
	return true;
}

/* fn on every vertex of w; true when fn stopped the walk.  WKB that is
** not a MultiPolygon is walked up to where it stops being one. */
static bool each_vertex(const lr_wkb *w, vertex_fn fn, void *ud)
{
	bool stopped = false;
	if (!w->data || w->size < 9 || w->data[0] != 1 ||
	    get_u32(w->data + 1) != WKB_MULTIPOLYGON)
		return false;
	const unsigned char *p = w->data + 9, *end = w->data + w->size;
	uint32_t polys = get_u32(w->data + 5);
	for (uint32_t k = 0; k < polys; k++)
		if (!walk_polygon(&p, end, fn, ud, &stopped))
			break;
	return stopped;
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
