/*
** Linework as plain segments: what the noder takes and gives, and what
** faces are traced from, without a GEOS geometry in between.
*/
#ifndef LR_SEGS_INT_H
#define LR_SEGS_INT_H

#include "lr_base.h"

#include <geos_c.h>

/* One straight piece of linework, from (ax, ay) to (bx, by), degrees. */
typedef struct lr__seg {
	double ax, ay, bx, by;
} lr__seg;

/*
** Call fn(ctx, line, ud) for every line of g: a LineString, a LinearRing,
** a Polygon's rings, or any collection of them, in the order GEOS holds
** them (the order GEOSNode_r reads them in).  Stops at the first result
** other than LR_OK and returns it; LR_ERR_GEOM when g holds something
** else.
*/
typedef int (*lr__line_fn)(GEOSContextHandle_t ctx, const GEOSGeometry *line,
                           void *ud);
int lr__each_line(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                  lr__line_fn fn, void *ud);

/*
** Append to out (an lr_vec of lr__seg) every segment of every line of g
** (as lr__each_line walks them: a boundary, a noded MultiLineString), in
** the order GEOS holds them, zero-length segments left out.  Returns
** LR_OK, LR_ERR_NOMEM, or LR_ERR_GEOM when g holds something else.
*/
int lr__segs_of_lines(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                      lr_vec *out);

#endif
