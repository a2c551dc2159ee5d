/*
** Whether two inputs' land meets, without GEOS where it is plain: an
** input's vertices, sorted, against the other's.  A vertex both have is a
** point of both closed polygons, so they meet; a release cut from its
** hazard shares its vertices, which answers most pairs of a cluster.
** Pairs sharing no vertex are left to GEOS (private).
*/
#ifndef LR_MEET_INT_H
#define LR_MEET_INT_H

#include "lr_geo.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct lr__vertex {
	double x, y;
} lr__vertex;

/* The vertices of one input that are numbers, sorted by x then y. */
typedef struct lr__vertex_set {
	lr__vertex *v; /* owned [n] */
	size_t n;
	bool built;
} lr__vertex_set;

/* s from the WKB MultiPolygon w: LR_OK (an empty set for WKB that is not
** a little-endian 2D MultiPolygon), or LR_ERR_NOMEM. */
int lr__vertex_set_build(lr__vertex_set *s, const lr_wkb *w);
void lr__vertex_set_free(lr__vertex_set *s);

/* Whether some vertex of w is in s; false says nothing about meeting. */
bool lr__shares_vertex(const lr__vertex_set *s, const lr_wkb *w);

#endif
