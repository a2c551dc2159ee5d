/*
** Faces traced from noded linework: the half-edges of a set of segments,
** sorted by angle round each node, their cycles split into simple rings,
** and each face as one shell with the holes inside it; no GEOS geometry.
*/
#ifndef LR_TRACE_INT_H
#define LR_TRACE_INT_H

#include "lr_geo.h"
#include "segs_int.h"

#include <stdbool.h>
#include <stdint.h>

/* One side of an edge, from node `from` to node `to`, its face on the
** left.  Half i's other side is half i ^ 1. */
typedef struct lr__half {
	int32_t from, to;
	int32_t next; /* the next half round the same ring */
	int32_t ring; /* the ring it belongs to; -1: its edge was dropped
	              ** (dangling, or a bridge between two pieces) */
} lr__half;

/* A simple closed ring of halves.  It starts at its smallest node (nodes
** are numbered in x then y order), so that it does not depend on where
** the tracing began. */
typedef struct lr__ring {
	int32_t first; /* its first half */
	int32_t n;     /* its halves */
	int32_t face;  /* the face it bounds; -1: outside every face */
	double area2;  /* twice its signed planar area: > 0 counter-clockwise */
	double minx, miny, maxx, maxy;
} lr__ring;

/* The faces of a set of segments.  Every array is owned. */
typedef struct lr__arrangement {
	double *xy; /* [2 n_nodes]: the nodes, sorted by x then y */
	size_t n_nodes;
	lr__half *h; /* [n_halves] */
	size_t n_halves;
	int32_t *out;      /* [n_halves]: halves leaving each node, ... */
	size_t *out_first; /* [n_nodes + 1]: ... counter-clockwise */
	lr__ring *rings;   /* [n_rings]: by face, each shell before its
	                   ** holes; the rings outside every face last */
	size_t n_rings;
	size_t *face_first; /* [n_faces + 1]: rings of face f */
	size_t n_faces;
	double *planar; /* [n_faces]: each face's planar area */
} lr__arrangement;

/*
** Trace the faces of segs[0..n) (noded: segments meet only at their ends;
** duplicates and zero-length segments are allowed and ignored) into *a,
** freed with lr__arrangement_free whatever the outcome.  Faces are
** ordered by their shell's first two nodes.  *traced is false when two
** segments leave a node in the same direction (linework not noded): then
** a is not to be used.  Returns LR_OK or LR_ERR_NOMEM.
*/
int lr__trace(const lr__seg *segs, size_t n, lr__arrangement *a, bool *traced);
void lr__arrangement_free(lr__arrangement *a);

/*
** The points of ring r, closed (its first point repeated last), into
** xy[0 .. 2 (n + 1)) where n is the ring's number of halves.
*/
void lr__ring_xy(const lr__arrangement *a, size_t r, double *xy);

/*
** Face f of a as a one-polygon little-endian ISO WKB MultiPolygon (the
** bytes lr_geos_to_wkb_r writes), its envelope that of its shell, into
** *out (owned by the caller, lr_wkb_free).  LR_OK or LR_ERR_NOMEM.
*/
int lr__face_wkb(const lr__arrangement *a, size_t f, lr_wkb *out);

#endif
