/*
** Linework as plain segments (segs_int.h).
*/
#include "segs_int.h"

#include <stdlib.h>

/* The segments of one line (its coordinates copied out at once). */
static int segs_of_line(GEOSContextHandle_t ctx, const GEOSGeometry *line,
                        lr_vec *out)
{
	const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx, line);
	unsigned int size = 0;
	if (!cs || !GEOSCoordSeq_getSize_r(ctx, cs, &size))
		return LR_ERR_GEOM;
	if (size < 2)
		return LR_OK;
	double *xy = malloc(2 * (size_t)size * sizeof *xy);
	if (!xy)
		return LR_ERR_NOMEM;
	int rc = GEOSCoordSeq_copyToBuffer_r(ctx, cs, xy, 0, 0) ? LR_OK
	                                                        : LR_ERR_GEOM;
	for (unsigned int i = 0; rc == LR_OK && i + 1 < size; i++) {
		lr__seg s = {xy[2 * i], xy[2 * i + 1], xy[2 * i + 2],
		             xy[2 * i + 3]};
		if ((s.ax != s.bx || s.ay != s.by) && !lr_vec_push(out, &s))
			rc = LR_ERR_NOMEM;
	}
	free(xy);
	return rc;
}

int lr__segs_of_lines(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                      lr_vec *out)
{
	int type = GEOSGeomTypeId_r(ctx, g);
	if (type == GEOS_LINESTRING || type == GEOS_LINEARRING)
		return segs_of_line(ctx, g, out);
	if (type != GEOS_MULTILINESTRING && type != GEOS_GEOMETRYCOLLECTION)
		return LR_ERR_GEOM;
	int n = GEOSGetNumGeometries_r(ctx, g);
	for (int i = 0; i < n; i++) {
		const GEOSGeometry *part = GEOSGetGeometryN_r(ctx, g, i);
		int rc = part ? lr__segs_of_lines(ctx, part, out) : LR_ERR_GEOM;
		if (rc != LR_OK)
			return rc;
	}
	return n < 0 ? LR_ERR_GEOM : LR_OK;
}
