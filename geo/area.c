/*
** Geodesic areas on the WGS84 ellipsoid (Karney's algorithm through PROJ's
** geodesic.h): of a ring, of a GEOS polygonal geometry, and of a WKB
** MultiPolygon read directly.  A polygon's area is |exterior| - sum |holes|
** whatever the orientation of its rings (DESIGN.md §4 "Areas").
*/
#include "lr_geo.h"
#include "wkb_int.h"

#include <geodesic.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* WGS84 semi-major axis (m) and flattening. */
#define WGS84_A 6378137.0
#define WGS84_F (1.0 / 298.257223563)

/* Number of points kept on the stack before a ring needs a heap buffer. */
#define STACK_POINTS 512

static void wgs84(struct geod_geodesic *g)
{
	geod_init(g, WGS84_A, WGS84_F);
}

/* Close the accumulator and return the absolute area (m2). */
static double polygon_area(const struct geod_geodesic *g,
                           struct geod_polygon *p)
{
	double area = 0, perimeter = 0;
	if (p->num < 3)
		return 0;
	/* reverse = 0, sign = 1: a clockwise ring gives a negative area
	** rather than the rest of the earth; geod_polygonarea does the same. */
	geod_polygon_compute(g, p, 0, 1, &area, &perimeter);
	return fabs(area);
}

static double ring_area(const struct geod_geodesic *g, const double *lonlat,
                        size_t n)
{
	/* A closing point equal to the first adds nothing: skip it. */
	if (n > 1 && lonlat[0] == lonlat[2 * (n - 1)] &&
	    lonlat[1] == lonlat[2 * (n - 1) + 1])
		n--;
	if (n < 3)
		return 0;
	struct geod_polygon p;
	geod_polygon_init(&p, 0);
	for (size_t i = 0; i < n; i++)
		geod_polygon_addpoint(g, &p, lonlat[2 * i + 1], lonlat[2 * i]);
	return polygon_area(g, &p);
}

/*
** Absolute geodesic area (m2) of the ring lonlat[0..2n) (x = lon, y = lat,
** closed or not).  Fewer than three distinct points give 0.
*/
double lr_geodesic_ring_area(const double *lonlat, size_t n_points)
{
	struct geod_geodesic g;
	wgs84(&g);
	return ring_area(&g, lonlat, n_points);
}

/* ---- GEOS geometries ---------------------------------------------------- */

/* A coordinate buffer reused across the rings of one call. */
typedef struct coord_buf {
	double *xy;
	size_t cap; /* in points */
	double stack[2 * STACK_POINTS];
} coord_buf;

/* Area of one ring into *a; 0 or -1 on a GEOS failure. */
static int geos_ring_area(GEOSContextHandle_t ctx,
                          const struct geod_geodesic *g,
                          const GEOSGeometry *ring, coord_buf *b, double *a)
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
	*a = ring_area(g, b->xy, n);
	return 0;
}

/* Add the area of geom's polygons to *sum; 0 or -1 on a GEOS failure. */
static int geos_area(GEOSContextHandle_t ctx, const struct geod_geodesic *g,
                     const GEOSGeometry *geom, coord_buf *b, double *sum)
{
	int type = GEOSGeomTypeId_r(ctx, geom);
	if (type == GEOS_POLYGON) {
		if (GEOSisEmpty_r(ctx, geom) == 1)
			return 0;
		int nh = GEOSGetNumInteriorRings_r(ctx, geom);
		double a = 0, h = 0;
		if (nh < 0 ||
		    geos_ring_area(ctx, g, GEOSGetExteriorRing_r(ctx, geom), b,
		                   &a) != 0)
			return -1;
		*sum += a;
		for (int i = 0; i < nh; i++) {
			if (geos_ring_area(ctx, g,
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
			if (p == NULL || geos_area(ctx, g, p, b, sum) != 0)
				return -1;
		}
		return 0;
	}
	return type < 0 ? -1 : 0; /* points and lines have no area */
}

/*
** Geodesic area (m2) of the polygonal parts of geom (lon/lat), or -1 if
** GEOS fails.  geom is borrowed.
*/
double lr_geodesic_area_r(GEOSContextHandle_t ctx, const GEOSGeometry *geom)
{
	if (geom == NULL)
		return -1;
	struct geod_geodesic g;
	wgs84(&g);
	coord_buf b;
	b.xy = b.stack;
	b.cap = STACK_POINTS;
	double a = 0;
	int rc = geos_area(ctx, &g, geom, &b, &a);
	if (b.xy != b.stack)
		free(b.xy);
	return rc == 0 ? a : -1;
}

/* ---- WKB read directly -------------------------------------------------- */

/* A cursor over a WKB buffer; every read checks the remaining length. */
typedef struct wkb_cursor {
	const unsigned char *p, *end;
	int swap; /* 1 when the byte order differs from the host's */
} wkb_cursor;

static int host_is_le(void)
{
	const uint16_t one = 1;
	unsigned char c;
	memcpy(&c, &one, 1);
	return c == 1;
}

static int read_order(wkb_cursor *c, int host_le)
{
	if (c->end - c->p < 1 || *c->p > 1)
		return -1;
	c->swap = (*c->p == 1) != host_le;
	c->p++;
	return 0;
}

static int read_u32(wkb_cursor *c, uint32_t *v)
{
	if (c->end - c->p < 4)
		return -1;
	*v = lr__wkb_u32(c->p, c->swap);
	c->p += 4;
	return 0;
}

/*
** Read a geometry header: byte order, type (ISO 1000/2000/3000 dimension
** offsets or EWKB flags, with an EWKB SRID skipped); *base is the 2D type
** code and *dims the number of doubles per point.
*/
static int read_header(wkb_cursor *c, int host_le, uint32_t *base, int *dims)
{
	uint32_t t;
	if (read_order(c, host_le) != 0 || read_u32(c, &t) != 0)
		return -1;
	int z = (t & 0x80000000u) != 0, m = (t & 0x40000000u) != 0;
	if (t & 0x20000000u) {
		uint32_t srid;
		if (read_u32(c, &srid) != 0)
			return -1;
	}
	t &= 0x0fffffffu;
	if (t >= 1000 && t < 4000) {
		z = z || (t / 1000 == 1 || t / 1000 == 3);
		m = m || (t / 1000 == 2 || t / 1000 == 3);
		t %= 1000;
	}
	*base = t;
	*dims = 2 + z + m;
	return 0;
}

static int wkb_polygon(const struct geod_geodesic *g, wkb_cursor *c, int dims,
                       double *sum)
{
	uint32_t nrings;
	if (read_u32(c, &nrings) != 0)
		return -1;
	size_t stride = (size_t)dims * 8;
	for (uint32_t r = 0; r < nrings; r++) {
		uint32_t n;
		if (read_u32(c, &n) != 0 ||
		    (size_t)(c->end - c->p) / stride < n)
			return -1;
		const unsigned char *p = c->p;
		c->p += (size_t)n * stride;
		/* Skip a closing point equal to the first one. */
		if (n > 1 && memcmp(p, p + (n - 1) * stride, 16) == 0)
			n--;
		double a = 0;
		if (n >= 3) {
			struct geod_polygon poly;
			geod_polygon_init(&poly, 0);
			for (uint32_t i = 0; i < n; i++, p += stride)
				geod_polygon_addpoint(
				        g, &poly, lr__wkb_f64(p + 8, c->swap),
				        lr__wkb_f64(p, c->swap));
			a = polygon_area(g, &poly);
		}
		*sum += r == 0 ? a : -a;
	}
	return 0;
}

/*
** Geodesic area (m2) of w, a WKB Polygon or MultiPolygon (either byte
** order, ISO or EWKB, extra Z/M ignored) in lon/lat, parsed without GEOS.
** Returns -1 for malformed or truncated WKB, or a trailing remainder.
*/
double lr_geodesic_area_wkb(const lr_wkb *w)
{
	if (w == NULL || w->data == NULL)
		return -1;
	int host_le = host_is_le();
	wkb_cursor c = {w->data, w->data + w->size, 0};
	uint32_t type, n = 1;
	int dims;
	struct geod_geodesic g;
	double sum = 0;
	if (read_header(&c, host_le, &type, &dims) != 0)
		return -1;
	wgs84(&g);
	if (type == 3)
		return wkb_polygon(&g, &c, dims, &sum) == 0 && c.p == c.end
		               ? sum
		               : -1;
	if (type != 6 || read_u32(&c, &n) != 0)
		return -1;
	/* Each polygon takes at least 9 bytes: a bound before any work. */
	if ((size_t)(c.end - c.p) / 9 < n)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t pt;
		int pdims;
		if (read_header(&c, host_le, &pt, &pdims) != 0 || pt != 3 ||
		    wkb_polygon(&g, &c, pdims, &sum) != 0)
			return -1;
	}
	return c.p == c.end ? sum : -1;
}
