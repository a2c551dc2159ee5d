/*
** Linework as plain segments (segs_int.h).
*/
#include "segs_int.h"

#include <stdlib.h>

/* The segments of one line (its coordinates copied out at once). */
static int segs_of_line(GEOSContextHandle_t ctx, const GEOSGeometry *line,
                        void *ud)
{
	lr_vec *out = ud;
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
		if ((s.ax != s.bx || s.ay != s.by) &&
		    !LR_VEC_PUSH(out, lr__seg, s))
			rc = LR_ERR_NOMEM;
	}
	free(xy);
	return rc;
}

int lr__each_line(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                  lr__line_fn fn, void *ud)
{
	int type = GEOSGeomTypeId_r(ctx, g);
	if (type == GEOS_LINESTRING || type == GEOS_LINEARRING)
		return fn(ctx, g, ud);
	if (type == GEOS_POLYGON) {
		int nh = GEOSGetNumInteriorRings_r(ctx, g);
		const GEOSGeometry *shell = GEOSGetExteriorRing_r(ctx, g);
		int rc = shell && nh >= 0 ? fn(ctx, shell, ud) : LR_ERR_GEOM;
		for (int i = 0; rc == LR_OK && i < nh; i++) {
			const GEOSGeometry *h =
			        GEOSGetInteriorRingN_r(ctx, g, i);
			rc = h ? fn(ctx, h, ud) : LR_ERR_GEOM;
		}
		return rc;
	}
	if (type != GEOS_MULTILINESTRING && type != GEOS_MULTIPOLYGON &&
	    type != GEOS_GEOMETRYCOLLECTION)
		return LR_ERR_GEOM;
	int n = GEOSGetNumGeometries_r(ctx, g);
	for (int i = 0; i < n; i++) {
		const GEOSGeometry *part = GEOSGetGeometryN_r(ctx, g, i);
		int rc = part ? lr__each_line(ctx, part, fn, ud) : LR_ERR_GEOM;
		if (rc != LR_OK)
			return rc;
	}
	return n < 0 ? LR_ERR_GEOM : LR_OK;
}

int lr__segs_of_lines(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                      lr_vec *out)
{
	return lr__each_line(ctx, g, segs_of_line, out);
}
