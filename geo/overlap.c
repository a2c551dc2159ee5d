/*
** Which polygon of a set holds most of a polygon's land: the parent of a
** region among the polygons of the level above it, when the regions'
** layer names no parent (geoBoundaries' levels are separate files).
*/
#include "lr_geo.h"

#include <stdio.h>

/* Whether the envelopes of a and b meet. */
static bool boxes_meet(const lr_wkb *a, const lr_wkb *b)
{
	return a->minx <= b->maxx && b->minx <= a->maxx && a->miny <= b->maxy &&
	       b->miny <= a->maxy;
}

/* The area of a ∩ b; a made valid first when GEOS refuses the
** overlay (a boundary file may self-touch).  -1 on failure. */
static double common_area(GEOSContextHandle_t ctx, const GEOSGeometry *a,
                          const GEOSGeometry *b)
{
	GEOSGeometry *x = GEOSIntersection_r(ctx, a, b);
	if (!x) {
		GEOSGeometry *va = GEOSMakeValid_r(ctx, a);
		GEOSGeometry *vb = va ? GEOSMakeValid_r(ctx, b) : NULL;
		if (vb)
			x = GEOSIntersection_r(ctx, va, vb);
		GEOSGeom_destroy_r(ctx, va);
		GEOSGeom_destroy_r(ctx, vb);
	}
	double area = x ? lr_ellipsoid_area_r(ctx, x) : -1;
	GEOSGeom_destroy_r(ctx, x);
	return area;
}

int lr_largest_overlap(const lr_wkb *child, const lr_wkb *set, size_t n,
                       int *best, double *share, lr_error *err)
{
	*best = -1;
	*share = 0;
	lr_error gerr = {0};
	GEOSContextHandle_t ctx = lr_geos_new(&gerr);
	if (!ctx)
		return lr_error_set(err, LR_ERR_NOMEM, "%s", gerr.msg);
	GEOSGeometry *c = lr_wkb_to_geos_r(ctx, child);
	double whole = c ? lr_ellipsoid_area_r(ctx, c) : -1, most = 0;
	int rc = whole < 0 ? LR_ERR_GEOM : LR_OK;
	for (size_t i = 0; rc == LR_OK && i < n; i++) {
		if (!set[i].data || !boxes_meet(child, &set[i]))
			continue;
		GEOSGeometry *p = lr_wkb_to_geos_r(ctx, &set[i]);
		double a = p ? common_area(ctx, c, p) : -1;
		GEOSGeom_destroy_r(ctx, p);
		if (a < 0)
			rc = LR_ERR_GEOM;
		else if (a > most) {
			most = a;
			*best = (int)i;
		}
	}
	if (rc == LR_OK && whole > 0)
		*share = most / whole;
	GEOSGeom_destroy_r(ctx, c);
	GEOS_finish_r(ctx);
	if (rc != LR_OK)
		return lr_error_set(err, rc, "%s",
		                    gerr.msg[0] ? gerr.msg
		                                : "GEOS: cannot overlay");
	return LR_OK;
}
