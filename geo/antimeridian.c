/* Polygons across the antimeridian, split at 180 degrees (antimeridian_int.h).
 */
#include "antimeridian_int.h"

#include <math.h>

bool lr__ring_unwrap(double *xy, size_t m)
{
	double shift = 0;
	for (size_t i = 1; i < m; i++) {
		double step = xy[2 * i] + shift - xy[2 * i - 2];
		if (step > 180)
			shift -= 360;
		else if (step < -180)
			shift += 360;
		xy[2 * i] += shift;
	}
	/* A closed ring comes back to its first vertex; one that comes back
	** 360 degrees away went once around the globe, around a pole. */
	return m < 2 || xy[2 * m - 2] == xy[0];
}

static int move_by(double *x, double *y, void *userdata)
{
	(void)y;
	*x += *(const double *)userdata;
	return 1;
}

/* The part of g between west and west + 360, moved by `by` degrees; NULL
** on a GEOS error. */
static GEOSGeometry *part_moved(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                                double west, double by)
{
	GEOSGeometry *box =
	        GEOSGeom_createRectangle_r(ctx, west, -90, west + 360, 90);
	GEOSGeometry *cut = box ? GEOSIntersection_r(ctx, g, box) : NULL;
	GEOSGeom_destroy_r(ctx, box);
	GEOSGeometry *moved =
	        cut ? GEOSGeom_transformXY_r(ctx, cut, move_by, &by) : NULL;
	GEOSGeom_destroy_r(ctx, cut);
	return moved;
}

int lr__antimeridian_split_r(GEOSContextHandle_t ctx, const unsigned char *wkb,
                             size_t n, lr_wkb *out, int *parts, lr_error *err)
{
	GEOSGeometry *g = GEOSGeomFromWKB_buf_r(ctx, wkb, n);
	/* Each unwrapped ring lies within 360 degrees of longitude starting
	** west of 180, so three windows hold all of it. */
	GEOSGeometry *pieces[3] = {NULL, NULL, NULL};
	const double west[3] = {-540, -180, 180};
	int rc = g ? LR_OK : LR_ERR_GEOM;
	*parts = 0;
	for (int k = 0; k < 3 && rc == LR_OK; k++) {
		pieces[k] = part_moved(ctx, g, west[k] + 0.0, -west[k] - 180);
		if (!pieces[k])
			rc = LR_ERR_GEOM;
		else if (!GEOSisEmpty_r(ctx, pieces[k]))
			(*parts)++;
	}
	GEOSGeom_destroy_r(ctx, g);
	GEOSGeometry *all =
	        rc == LR_OK ? GEOSGeom_createCollection_r(
	                              ctx, GEOS_GEOMETRYCOLLECTION, pieces, 3)
	                    : NULL;
	if (!all) {
		for (int k = 0; k < 3; k++)
			GEOSGeom_destroy_r(ctx, pieces[k]);
		return lr_error_set(
		        err, LR_ERR_GEOM,
		        "it crosses the antimeridian and GEOS could "
		        "not split it at 180 degrees");
	}
	rc = lr_geos_to_wkb_r(ctx, all, out, err);
	GEOSGeom_destroy_r(ctx, all);
	return rc;
}
