/*
** Areas on the WGS84 ellipsoid of polygons whose edges are straight lines
** in longitude/latitude (the land every GIS draws for EPSG:4326 and the
** lines the overlay cuts along): of a ring, of a GEOS polygonal geometry,
** and of a WKB MultiPolygon read directly.  A polygon's area is |exterior|
** - sum |holes| whatever the orientation of its rings (DESIGN.md §4).
**
** The area element is M N cos(phi) dphi dlambda, so by Green's theorem a
** ring encloses |sum over its edges of dlambda * mean of F(phi) along the
** edge|, F(phi) being the land from the equator to phi per radian of
** longitude, a^2 (1 - e^2) / 2 * q(phi) (q of the authalic latitude).
** Along an edge phi is linear in lambda, so the mean is an integral in phi
** alone; cutting an edge anywhere splits its term exactly, which is what
** makes the faces of an overlay add up to the polygons they came from.
*/
#include "lr_geo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* WGS84 semi-major axis (m) and flattening. */
#define WGS84_A 6378137.0
#define WGS84_F (1.0 / 298.257223563)
#define WGS84_E2 (WGS84_F * (2 - WGS84_F))

/* Number of points kept on the stack before a ring needs a heap buffer. */
#define STACK_POINTS 512

/* Edges whose latitudes differ by more than this (radians, ~2.9 degrees)
** are integrated in panels of at most this span: four Gauss-Legendre
** nodes are then exact to ~1e-6 m2 per radian of longitude. */
#define PANEL_RAD 0.05
/* Below this latitude span (radians, ~640 m) two nodes are as exact. */
#define SHORT_RAD 1e-4

static const double deg = M_PI / 180;

/*
** A ring's sum under way.  Every term is taken relative to F at the
** latitude of the ring's first vertex, lat0 (sum dlambda is 0 round a
** closed ring, so this changes nothing but keeps the terms as small as
** the ring): then a small ring far from the equator loses no digits.
*/
typedef struct ring_sum {
	double lat0;     /* degrees */
	double s0, c0;   /* sin and cos of lat0 */
	double w0;       /* 1 / (1 - e^2 sin^2 lat0) */
	double lon, lat; /* the previous vertex (degrees) */
	double first_lon, first_lat;
	double sum; /* m2, signed by the ring's orientation */
} ring_sum;

/*
** F(lat0 + d) - F(lat0) in m2 per radian of longitude (d in radians), in a
** form without cancellation: with s = sin(phi) and s0 = sin(phi0),
** s/(1-e^2 s^2) - s0/(1-e^2 s0^2) = (s-s0)(1+e^2 s s0)/((1-e^2 s^2)(1-e^2
** s0^2)) and atanh(e s) - atanh(e s0) = atanh(e (s-s0) / (1-e^2 s s0)),
** both of the sign of s - s0, itself computed from d directly.
*/
static double band(const ring_sum *r, double d)
{
	double h = sin(d / 2);
	double ds = r->c0 * sin(d) - 2 * r->s0 * h * h;
	double s = r->s0 + ds;
	double e2ss = WGS84_E2 * s * r->s0;
	double e = sqrt(WGS84_E2);
	double k = WGS84_A * WGS84_A * (1 - WGS84_E2) / 2;
	return k * (ds * (1 + e2ss) * r->w0 / (1 - WGS84_E2 * s * s) +
	            atanh(e * ds / (1 - e2ss)) / e);
}

/* Mean of band() over d running linearly from d1 to d1 + dd: Gauss-Legendre
** on panels short enough for it to be exact to double precision. */
static double band_mean(const ring_sum *r, double d1, double dd)
{
	static const double x4[] = {
	        0.0694318442029737124, 0.3300094782075718676,
	        0.6699905217924281324, 0.9305681557970262876};
	static const double w4[] = {
	        0.1739274225687269287, 0.3260725774312730713,
	        0.3260725774312730713, 0.1739274225687269287};
	static const double x2[] = {0.2113248654051871177,
	                            0.7886751345948128823};
	if (dd == 0)
		return band(r, d1);
	if (fabs(dd) <= SHORT_RAD)
		return (band(r, d1 + x2[0] * dd) + band(r, d1 + x2[1] * dd)) /
		       2;
	int panels = (int)ceil(fabs(dd) / PANEL_RAD);
	double step = dd / panels, mean = 0;
	for (int p = 0; p < panels; p++)
		for (int i = 0; i < 4; i++)
			mean += w4[i] * band(r, d1 + (p + x4[i]) * step);
	return mean / panels;
}

static void ring_start(ring_sum *r, double lon, double lat)
{
	r->lat0 = lat;
	r->s0 = sin(lat * deg);
	r->c0 = cos(lat * deg);
	r->w0 = 1 / (1 - WGS84_E2 * r->s0 * r->s0);
	r->lon = r->first_lon = lon;
	r->lat = r->first_lat = lat;
	r->sum = 0;
}

/* Add the edge from the previous vertex to (lon, lat).  Differences of
** degrees are taken before scaling: for nearby vertices they are exact. */
static void ring_edge_to(ring_sum *r, double lon, double lat)
{
	double dlon = (lon - r->lon) * deg;
	if (dlon != 0)
		r->sum += dlon * band_mean(r, (r->lat - r->lat0) * deg,
		                           (lat - r->lat) * deg);
	r->lon = lon;
	r->lat = lat;
}

/* Close the ring and return its absolute area (m2). */
static double ring_end(ring_sum *r)
{
	ring_edge_to(r, r->first_lon, r->first_lat);
	return fabs(r->sum);
}

/*
** Absolute area (m2) on the WGS84 ellipsoid of the ring lonlat[0..2n)
** (x = lon, y = lat, closed or not; edges straight in lon/lat).  Fewer than
** three distinct points give 0.
*/
double lr_ellipsoid_ring_area(const double *lonlat, size_t n)
{
	/* A closing point equal to the first adds nothing: skip it. */
	if (n > 1 && lonlat[0] == lonlat[2 * (n - 1)] &&
	    lonlat[1] == lonlat[2 * (n - 1) + 1])
		n--;
	if (n < 3)
		return 0;
	ring_sum r;
	ring_start(&r, lonlat[0], lonlat[1]);
	for (size_t i = 1; i < n; i++)
		ring_edge_to(&r, lonlat[2 * i], lonlat[2 * i + 1]);
	return ring_end(&r);
}

/* ---- GEOS geometries ---------------------------------------------------- */

/* A coordinate buffer reused across the rings of one call. */
typedef struct coord_buf {
	double *xy;
	size_t cap; /* in points */
	double stack[2 * STACK_POINTS];
} coord_buf;

/* Area of one ring into *a; 0 or -1 on a GEOS failure. */
static int geos_ring_area(GEOSContextHandle_t ctx, const GEOSGeometry *ring,
                          coord_buf *b, double *a)
{
	const GEOSCoordSequence *cs =
	        ring ? GEOSGeom_getCoordSeq_r(ctx, ring) : NULL;
	unsigned n = 0;
	if (cs == NULL || !GEOSCoordSeq_getSize_r(ctx, cs, &n))
		return -1;
	if (n > b->cap) {
		size_t cap = b->cap * 2 > n ? b->cap * 2 : n;
		double *xy = b->xy == b->stack ? NULL : b->xy;
		xy = realloc(xy, cap * 2 * sizeof *xy);
		if (xy == NULL)
			return -1;
		b->xy = xy;
		b->cap = cap;
	}
	if (n > 0 && !GEOSCoordSeq_copyToBuffer_r(ctx, cs, b->xy, 0, 0))
		return -1;
	*a = lr_ellipsoid_ring_area(b->xy, n);
	return 0;
}

/* Add the area of geom's polygons to *sum; 0 or -1 on a GEOS failure. */
static int geos_area(GEOSContextHandle_t ctx, const GEOSGeometry *geom,
                     coord_buf *b, double *sum)
{
	int type = GEOSGeomTypeId_r(ctx, geom);
	if (type == GEOS_POLYGON) {
		if (GEOSisEmpty_r(ctx, geom) == 1)
			return 0;
		int nh = GEOSGetNumInteriorRings_r(ctx, geom);
		double a = 0, h = 0;
		if (nh < 0 ||
		    geos_ring_area(ctx, GEOSGetExteriorRing_r(ctx, geom), b,
		                   &a) != 0)
			return -1;
		*sum += a;
		for (int i = 0; i < nh; i++) {
			if (geos_ring_area(ctx,
			                   GEOSGetInteriorRingN_r(ctx, geom, i),
			                   b, &h) != 0)
				return -1;
			*sum -= h;
		}
		return 0;
	}
	if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
		int n = GEOSGetNumGeometries_r(ctx, geom);
		if (n < 0)
			return -1;
		for (int i = 0; i < n; i++) {
			const GEOSGeometry *p =
			        GEOSGetGeometryN_r(ctx, geom, i);
			if (p == NULL || geos_area(ctx, p, b, sum) != 0)
				return -1;
		}
		return 0;
	}
	return type < 0 ? -1 : 0; /* points and lines have no area */
}

/*
** Area (m2) on the WGS84 ellipsoid of the polygonal parts of geom (lon/lat),
** or -1 if GEOS fails.  geom is borrowed.
*/
double lr_ellipsoid_area_r(GEOSContextHandle_t ctx, const GEOSGeometry *geom)
{
	if (geom == NULL)
		return -1;
	coord_buf b;
	b.xy = b.stack;
	b.cap = STACK_POINTS;
	double a = 0;
	int rc = geos_area(ctx, geom, &b, &a);
	if (b.xy != b.stack)
		free(b.xy);
	return rc == 0 ? a : -1;
}

/* ---- WKB read directly -------------------------------------------------- */

/* Add ring r's area to the sum at ud: the exterior's, less the holes'. */
static bool add_ring_area(const lr_wkb_ring *r, void *ud)
{
	uint32_t n = r->n;
	size_t stride = (size_t)r->dims * 8;
	/* Skip a closing point equal to the first one. */
	if (n > 1 && memcmp(r->pts, r->pts + (n - 1) * stride, 16) == 0)
		n--;
	double a = 0;
	if (n >= 3) {
		ring_sum rs;
		ring_start(&rs, lr_wkb_ring_coord(r, 0, 0),
		           lr_wkb_ring_coord(r, 0, 1));
		for (uint32_t i = 1; i < n; i++)
			ring_edge_to(&rs, lr_wkb_ring_coord(r, i, 0),
			             lr_wkb_ring_coord(r, i, 1));
		a = ring_end(&rs);
	}
	*(double *)ud += r->ring == 0 ? a : -a;
	return false;
}

/*
** Area (m2) on the WGS84 ellipsoid of w, a WKB Polygon or MultiPolygon
** (either byte order, ISO or EWKB, extra Z/M ignored) in lon/lat, parsed
** without GEOS.  Returns -1 for malformed or truncated WKB, or a trailing
** remainder.
*/
double lr_ellipsoid_area_wkb(const lr_wkb *w)
{
	double sum = 0;
	return lr_wkb_each_ring(w, add_ring_area, &sum) == 0 ? sum : -1;
}
