/*
** The areas of geo/area.c are the land inside straight lon/lat edges on the
** WGS84 ellipsoid, and they add up under any subdivision:
** - lon/lat rectangles against the closed form of the cell between two
**   parallels, a^2 (1-e^2)/2 (q(phi2) - q(phi1)) dlambda, q written with log;
** - any polygon against Karney's geodesic area (PROJ geod_polygonarea) of
**   the same polygon with every edge cut into many short pieces, which
**   tends to the land inside the straight lon/lat edges;
** - whole squares against geod_polygonarea undensified: the lenses
**   between the geodesic and the parallel at top and bottom nearly cancel,
**   leaving dlambda^2 |3 cos^2(phi) - 2| / 12 relative (a sphere's
**   W^3 tan(phi) / (12 R) per lens, W the east-west side, differentiated
**   in latitude), 2.5e-5 for a 1 degree cell at the equator;
** - an edge cut at exactly representable points: its pieces sum to it;
** - polygons cut by random lines and grids with GEOS: the pieces sum to
**   the whole, on edges from 1 mm to 5 degrees.
*/
#include "lr_geo.h"
#include "lr_test.h"

#include <float.h>
#include <geodesic.h>
#include <math.h>
#include <stdlib.h>

#define A_WGS84 6378137.0
#define F_WGS84 (1 / 298.257223563)
#define R_MEAN 6371008.8

static GEOSContextHandle_t ctx;
static struct geod_geodesic geod;

/* A reproducible uniform number in [lo, hi). */
static double uniform(unsigned *state, double lo, double hi)
{
	*state = *state * 1103515245u + 12345u;
	return lo + (hi - lo) * ((*state >> 8) / 16777216.0);
}

/* Snyder's q of the authalic latitude, written with log. */
static double q_of(double lat_deg)
{
	double e2 = F_WGS84 * (2 - F_WGS84), e = sqrt(e2);
	double s = sin(lat_deg * M_PI / 180);
	return s / (1 - e2 * s * s) + log((1 + e * s) / (1 - e * s)) / (2 * e);
}

static double closed_form_cell(double dlon, double lat1, double lat2)
{
	double e2 = F_WGS84 * (2 - F_WGS84);
	return dlon * M_PI / 180 * A_WGS84 * A_WGS84 * (1 - e2) / 2 *
	       fabs(q_of(lat2) - q_of(lat1));
}

static double rect_area(double x0, double y0, double x1, double y1)
{
	double ring[] = {x0, y0, x1, y0, x1, y1, x0, y1};
	return lr_ellipsoid_ring_area(ring, 4);
}

/* The worst of n trials of a case, each the ratio of its error to its
** tolerance (or its relative error), on the reproducible stream seed. */
typedef double trial(unsigned *st, int i);

static double worst_of(trial *t, unsigned seed, int n)
{
	double worst = 0;
	for (int i = 0; i < n; i++) {
		double x = t(&seed, i);
		worst = x > worst ? x : worst;
	}
	return worst;
}

static double rectangle_vs_closed_form(unsigned *st, int i)
{
	(void)i;
	double size = pow(10, uniform(st, -8, 0.7)); /* 1 mm - 5 deg */
	double x0 = uniform(st, -179, 170), y0 = uniform(st, -85, 80);
	double w = size * uniform(st, 0.2, 1), h = size;
	double got = rect_area(x0, y0, x0 + w, y0 + h);
	double want = closed_form_cell(w, y0, y0 + h);
	/* the closed form's own rounding: q(phi2) - q(phi1) loses digits to
	** cancellation, ~4 ulp of q (~1) times a^2 dlambda */
	double tol = 1e-12 * want +
	             8 * DBL_EPSILON * A_WGS84 * A_WGS84 * w * M_PI / 180;
	return fabs(got - want) / tol;
}

static void rectangles_against_closed_form(void)
{
	double worst = worst_of(rectangle_vs_closed_form, 1, 400);
	lr_test_ok(worst <= 1,
	           "400 rectangles from 1 mm to 5 degrees at "
	           "-85..85: the closed form of the cell between "
	           "two parallels (worst %.2f of the tolerance)",
	           worst);
	lr_test_near(rect_area(0, 0, 1, 1), closed_form_cell(1, 0, 1), 1e-3,
	             "the 1 degree cell at the equator (%.3f m2)",
	             closed_form_cell(1, 0, 1));
}

/* Karney's area of ring xy[0..2n) with every edge cut into k pieces. */
static double densified_geodesic(const double *xy, int n, int k)
{
	double *lat = malloc((size_t)n * k * sizeof *lat);
	double *lon = malloc((size_t)n * k * sizeof *lon);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < k; j++) {
			const double *a = xy + 2 * i,
			             *b = xy + 2 * ((i + 1) % n);
			double t = (double)j / k;
			lon[i * k + j] = a[0] + t * (b[0] - a[0]);
			lat[i * k + j] = a[1] + t * (b[1] - a[1]);
		}
	double area = 0, perimeter = 0;
	geod_polygonarea(&geod, lat, lon, n * k, &area, &perimeter);
	free(lat);
	free(lon);
	return fabs(area);
}

/* A random star-shaped ring of n vertices of radius about r degrees. */
static void star(unsigned *st, double r, int n, double *xy)
{
	double cx = uniform(st, -170, 170), cy = uniform(st, -70, 70);
	for (int i = 0; i < n; i++) {
		double ang = 2 * M_PI * (i + uniform(st, 0, 0.8)) / n;
		double rr = r * uniform(st, 0.3, 1);
		xy[2 * i] = cx + rr * cos(ang);
		xy[2 * i + 1] = cy + rr * sin(ang);
	}
}

static double polygon_vs_densified_geodesic(unsigned *st, int i)
{
	double xy[16];
	double r = pow(10, uniform(st, -3, 0.7)); /* 100 m - 5 deg */
	int n = 3 + i % 6;
	star(st, r, n, xy);
	double got = lr_ellipsoid_ring_area(xy, (size_t)n);
	/* enough pieces for the lenses to vanish, few enough for Karney's
	** sums to stay exact */
	double want = densified_geodesic(xy, n, r < 0.05 ? 100 : 4000);
	/* 1e-3 m2: Karney's own rounding over some hundred edges */
	return fabs(got - want) / (1e-8 * want + 1e-3);
}

static void polygons_against_densified_geodesics(void)
{
	double worst = worst_of(polygon_vs_densified_geodesic, 7, 40);
	lr_test_ok(worst < 1,
	           "40 polygons of 3 to 8 vertices, 100 m to 5 degrees: "
	           "Karney's area with every edge cut in 100 "
	           "(4000 over 0.05 degrees) tends to ours within 1e-8 "
	           "relative (worst %.2f of it)",
	           worst);
}

static double square_vs_geodesic_edges(unsigned *st, int i)
{
	(void)i;
	double size = pow(10, uniform(st, -4, 0)); /* 10 m - 1 deg */
	double x0 = uniform(st, -170, 170), y0 = uniform(st, -75, 75);
	double lat[] = {y0, y0, y0 + size, y0 + size};
	double lon[] = {x0, x0 + size, x0 + size, x0};
	double g = 0, p = 0;
	geod_polygonarea(&geod, lat, lon, 4, &g, &p);
	double got = rect_area(x0, y0, x0 + size, y0 + size);
	double phi = (y0 + size / 2) * M_PI / 180;
	double dl = size * M_PI / 180, c2 = cos(phi) * cos(phi);
	/* + 0.02: the ellipsoid's share, where the sphere's vanishes; 1e-6
	** m2: Karney's own rounding on small squares */
	double bound =
	        dl * dl * (fabs(3 * c2 - 2) + 0.02) / 12 * fabs(g) + 1e-6;
	return fabs(got - fabs(g)) / bound;
}

static void rectangles_against_geodesic_edges(void)
{
	double worst = worst_of(square_vs_geodesic_edges, 3, 200);
	lr_test_ok(worst < 1.1,
	           "200 squares of 10 m to 1 degree: geodesic edges differ "
	           "from ours by dlambda^2 |3 cos^2(lat) - 2| / 12 relative "
	           "(worst %.3f of it)",
	           worst);
}

/* The ring a, a + t (b - a) for the cut points t, b, c (a triangle with
** its edge ab cut), against the triangle abc; c is never on the line ab. */
static double triangle_with_cut_edge(unsigned *st, int i)
{
	(void)i;
	double span = ldexp(1, -(int)uniform(st, 0, 30));
	double ax = floor(uniform(st, -170, 170));
	double ay = floor(uniform(st, -70, 70));
	double bx = ax + span * floor(uniform(st, 1, 9));
	double by = ay + span * floor(uniform(st, -8, 9));
	double cx = ax - span * 3, cy = ay + span * 11;
	double xy[2 * 10] = {ax, ay};
	for (int j = 1; j < 8; j++) { /* exact: dyadic steps */
		xy[2 * j] = ax + (bx - ax) * j / 8;
		xy[2 * j + 1] = ay + (by - ay) * j / 8;
	}
	xy[16] = bx, xy[17] = by, xy[18] = cx, xy[19] = cy;
	double tri[] = {ax, ay, bx, by, cx, cy};
	double whole = lr_ellipsoid_ring_area(tri, 3);
	return fabs(lr_ellipsoid_ring_area(xy, 10) - whole) / whole;
}

static void edge_cut_exactly(void)
{
	double worst = worst_of(triangle_with_cut_edge, 11, 300);
	lr_test_ok(worst < 1e-12,
	           "300 triangles, one edge (0.2 mm to 11 degrees long) cut "
	           "at seven points exactly on it: same area (worst "
	           "relative difference %.2g)",
	           worst);
}

/* A random polygon with a hole (a star around a smaller star). */
static GEOSGeometry *random_polygon(unsigned *st, double r)
{
	double xy[2 * 9], in[2 * 7];
	star(st, r, 8, xy);
	double cx = 0, cy = 0;
	for (int i = 0; i < 8; i++)
		cx += xy[2 * i] / 8, cy += xy[2 * i + 1] / 8;
	for (int i = 0; i < 6; i++) {
		double ang = -2 * M_PI * i / 6;
		in[2 * i] = cx + 0.1 * r * cos(ang);
		in[2 * i + 1] = cy + 0.1 * r * sin(ang);
	}
	xy[16] = xy[0], xy[17] = xy[1];
	in[12] = in[0], in[13] = in[1];
	GEOSCoordSequence *s = GEOSCoordSeq_copyFromBuffer_r(ctx, xy, 9, 0, 0);
	GEOSCoordSequence *h = GEOSCoordSeq_copyFromBuffer_r(ctx, in, 7, 0, 0);
	GEOSGeometry *hole = GEOSGeom_createLinearRing_r(ctx, h);
	GEOSGeometry *p = GEOSGeom_createPolygon_r(
	        ctx, GEOSGeom_createLinearRing_r(ctx, s), &hole, 1);
	GEOSGeometry *v = GEOSMakeValid_r(ctx, p);
	GEOSGeom_destroy_r(ctx, p);
	return v;
}

/* The half of box (x0 y0 x1 y1) left of the line through (px, py) at
** angle ang, as a polygon large enough to hold the box's part. */
static GEOSGeometry *half_plane(double px, double py, double ang, double big)
{
	double dx = cos(ang) * big, dy = sin(ang) * big;
	double xy[] = {px - dx,      py - dy,      px + dx,      py + dy,
	               px + dx - dy, py + dy + dx, px - dx - dy, py - dy + dx,
	               px - dx,      py - dy};
	GEOSCoordSequence *s = GEOSCoordSeq_copyFromBuffer_r(ctx, xy, 5, 0, 0);
	return GEOSGeom_createPolygon_r(
	        ctx, GEOSGeom_createLinearRing_r(ctx, s), NULL, 0);
}

/* Area of p cut by random lines into 2^k pieces, summed. */
static double cut_by_lines(unsigned *st, const GEOSGeometry *p, double r, int k)
{
	double area = lr_ellipsoid_area_r(ctx, p);
	if (k == 0 || area <= 0)
		return area;
	GEOSGeometry *c = GEOSGetCentroid_r(ctx, p);
	double cx = 0, cy = 0;
	GEOSGeomGetX_r(ctx, c, &cx);
	GEOSGeomGetY_r(ctx, c, &cy);
	GEOSGeom_destroy_r(ctx, c);
	GEOSGeometry *hp = half_plane(cx + uniform(st, -0.2, 0.2) * r,
	                              cy + uniform(st, -0.2, 0.2) * r,
	                              uniform(st, 0, M_PI), 4 * r);
	GEOSGeometry *in = GEOSIntersection_r(ctx, p, hp);
	GEOSGeometry *out = GEOSDifference_r(ctx, p, hp);
	double sum = cut_by_lines(st, in, r, k - 1) +
	             cut_by_lines(st, out, r, k - 1);
	GEOSGeom_destroy_r(ctx, in);
	GEOSGeom_destroy_r(ctx, out);
	GEOSGeom_destroy_r(ctx, hp);
	return sum;
}

/* Area of p cut by a grid of n x n random-sized cells over its box. */
static double cut_by_grid(unsigned *st, const GEOSGeometry *p, int n)
{
	double x0, y0, x1, y1, sum = 0;
	GEOSGeom_getXMin_r(ctx, p, &x0);
	GEOSGeom_getYMin_r(ctx, p, &y0);
	GEOSGeom_getXMax_r(ctx, p, &x1);
	GEOSGeom_getYMax_r(ctx, p, &y1);
	double xs[17], ys[17];
	xs[0] = x0, ys[0] = y0, xs[n] = x1, ys[n] = y1;
	for (int i = 1; i < n; i++) {
		xs[i] = x0 + (x1 - x0) * (i + uniform(st, -0.4, 0.4)) / n;
		ys[i] = y0 + (y1 - y0) * (i + uniform(st, -0.4, 0.4)) / n;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			GEOSGeometry *cell = GEOSGeom_createRectangle_r(
			        ctx, xs[i], ys[j], xs[i + 1], ys[j + 1]);
			GEOSGeometry *piece = GEOSIntersection_r(ctx, p, cell);
			sum += lr_ellipsoid_area_r(ctx, piece);
			GEOSGeom_destroy_r(ctx, piece);
			GEOSGeom_destroy_r(ctx, cell);
		}
	return sum;
}

/*
** What the cuts themselves may change: GEOS rounds each node it puts on a
** polygon's edge to the nearest double, moving the edge by up to half an
** ulp of the coordinates (2^-46 degree below 256 degrees) along up to the
** polygon's size r (degrees) on either side, at two nodes per cut.
*/
static double node_rounding_m2(double r, int cuts)
{
	double m_per_deg = 111320;
	return 2 * cuts * r * m_per_deg * ldexp(1, -46) * m_per_deg;
}

static void pieces_add_up(void)
{
	unsigned st = 5;
	double worst_lines = 0, worst_grid = 0;
	for (int i = 0; i < 60; i++) {
		/* radius 1 cm to 5 degrees: edges from ~1 mm to 5 degrees */
		double r = pow(10, uniform(&st, -7, 0.7));
		GEOSGeometry *p = random_polygon(&st, r);
		double whole = lr_ellipsoid_area_r(ctx, p);
		double lines = cut_by_lines(&st, p, r, 4);
		double grid = cut_by_grid(&st, p, 2 + i % 15);
		int grid_cuts = 2 * (2 + i % 15);
		double rl = fabs(lines - whole) /
		            (1e-9 * whole + node_rounding_m2(r, 15));
		double rg = fabs(grid - whole) /
		            (1e-9 * whole + node_rounding_m2(r, grid_cuts));
		worst_lines = rl > worst_lines ? rl : worst_lines;
		worst_grid = rg > worst_grid ? rg : worst_grid;
		GEOSGeom_destroy_r(ctx, p);
	}
	lr_test_ok(worst_lines < 1,
	           "60 polygons with a hole, 1 cm to 5 degrees, cut by four "
	           "generations of random lines into up to 16 pieces: the "
	           "pieces add up to the whole within 1e-9 relative and the "
	           "nodes' rounding (worst %.3f of it)",
	           worst_lines);
	lr_test_ok(worst_grid < 1,
	           "the same polygons cut by grids of 2x2 to 16x16 random "
	           "cells: the pieces add up (worst %.3f of the tolerance)",
	           worst_grid);
}

int main(void)
{
	lr_error err = {0};
	ctx = lr_geos_new(&err);
	geod_init(&geod, A_WGS84, F_WGS84);
	rectangles_against_closed_form();
	polygons_against_densified_geodesics();
	rectangles_against_geodesic_edges();
	edge_cut_exactly();
	pieces_add_up();
	GEOS_finish_r(ctx);
	return lr_test_done();
}
