/*
** A noder of our own: the linework of a component cut at every point where
** its segments meet, as GEOSNode_r cuts it, in one pass and with a check
** that nothing is left to cut.
*/
#ifndef LR_NODE_INT_H
#define LR_NODE_INT_H

#include "segs_int.h"

#include <stdbool.h>

/* The linework to node: segments in line order; line k is the run of
** segments from line_start[k] to line_start[k + 1] (or to the end), each
** starting where the one before it ends.  degenerate: some line repeats
** a point or turns straight back on itself (a spike), which the noder
** does not take. */
typedef struct lr__linework {
	lr_vec segs;       /* lr__seg */
	lr_vec line_start; /* size_t */
	bool degenerate;
} lr__linework;

void lr__linework_init(lr__linework *lw);
void lr__linework_free(lr__linework *lw);

/*
** Append the lines of g to lw, as lr__each_line walks them (a LineString,
** a LinearRing, a Polygon's rings, or any collection of them, in the
** order GEOSNode_r reads them).  Returns LR_OK, LR_ERR_NOMEM or
** LR_ERR_GEOM.
*/
int lr__linework_add(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                     lr__linework *lw);

/* The noded linework: every maximal piece of an input segment between
** consecutive nodes, once (a piece met again, in either direction, is
** dropped), with the input's vertices unchanged and crossings computed
** in doubles as GEOS computes them.  The pieces are grouped into chains,
** GEOSNode_r's lines in its order: chain k is the run of pieces from
** chain_start[k] to chain_start[k + 1] (or to the end). */
typedef struct lr__noded {
	lr_vec pieces;      /* lr__seg */
	lr_vec chain_start; /* size_t */
	size_t pairs; /* pairs of segments whose boxes meet, given the exact
	              ** test (the noding's and the check's): each once */
} lr__noded;

void lr__noded_init(lr__noded *nd);
void lr__noded_free(lr__noded *nd);

/*
** Node the linework lw into out (emptied first).  *noded is false when
** the result could not be proved fully noded (a crossing left between
** two pieces, a node inside a piece) or the linework is degenerate: then
** out is not to be used and the caller nodes another way.  Returns LR_OK
** or LR_ERR_NOMEM.
*/
int lr__node(const lr__linework *lw, lr__noded *out, bool *noded);

#endif
