/*
** area_speed: the time to measure every polygon of a lon/lat dataset, the
** project's way (lr_ellipsoid_area_wkb: straight lon/lat edges, the land
** integrated on the ellipsoid) and with geodesic edges (Karney's
** geod_polygon_* of PROJ, as the areas were taken before), and how far the
** two areas of the same polygons are apart.
**
**   area_speed DATASET [REPEATS]
**
** Reads every feature of every layer once into WKB, then measures them all
** REPEATS times (default 20) each way.  Prints features, vertices, seconds
** per pass each way, the sum of the areas each way and the largest
** difference on one feature.
*/
#include "lr_geo.h"

#include <gdal.h>
#include <geodesic.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One ring as flat arrays, for Karney's geod_polygonarea. */
typedef struct ring {
	double *lat, *lon;
	int n;
	double sign; /* 1 exterior, -1 hole */
	size_t feature;
} ring;

typedef struct feature_set {
	lr_wkb *wkb;
	size_t n, cap;
	ring *rings;
	size_t n_rings, cap_rings;
	long long vertices;
} feature_set;

static void add_ring(feature_set *s, OGRGeometryH r, double sign)
{
	if (s->n_rings == s->cap_rings) {
		s->cap_rings = s->cap_rings ? 2 * s->cap_rings : 1024;
		s->rings = realloc(s->rings, s->cap_rings * sizeof *s->rings);
	}
	int n = OGR_G_GetPointCount(r);
	ring *x = &s->rings[s->n_rings++];
	x->n = n > 0 ? n - 1 : 0; /* the closing point repeats the first */
	x->lat = malloc((size_t)(n + 1) * sizeof *x->lat);
	x->lon = malloc((size_t)(n + 1) * sizeof *x->lon);
	for (int i = 0; i < x->n; i++) {
		x->lat[i] = OGR_G_GetY(r, i);
		x->lon[i] = OGR_G_GetX(r, i);
	}
	x->sign = sign;
	x->feature = s->n - 1;
	s->vertices += n;
}

static void add_rings(feature_set *s, OGRGeometryH g)
{
	if (wkbFlatten(OGR_G_GetGeometryType(g)) == wkbMultiPolygon) {
		for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
			add_rings(s, OGR_G_GetGeometryRef(g, i));
		return;
	}
	for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
		add_ring(s, OGR_G_GetGeometryRef(g, i), i ? -1 : 1);
}

static void add_geometry(feature_set *s, OGRGeometryH g)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->wkb = realloc(s->wkb, s->cap * sizeof *s->wkb);
	}
	lr_wkb *w = &s->wkb[s->n++];
	memset(w, 0, sizeof *w);
	w->size = (size_t)OGR_G_WkbSize(g);
	w->data = malloc(w->size);
	OGR_G_ExportToIsoWkb(g, wkbNDR, w->data);
	add_rings(s, g);
}

/* Karney's area of one ring as the project took it before: geodesic
** edges, |area| whatever the orientation. */
static double geodesic_ring(const struct geod_geodesic *g, const ring *r)
{
	double area = 0, perimeter = 0;
	if (r->n >= 3)
		geod_polygonarea(g, r->lat, r->lon, r->n, &area, &perimeter);
	return r->sign * fabs(area);
}

static void read_all(GDALDatasetH ds, feature_set *s)
{
	for (int l = 0; l < GDALDatasetGetLayerCount(ds); l++) {
		OGRLayerH layer = GDALDatasetGetLayer(ds, l);
		OGRFeatureH f;
		while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
			OGRGeometryH g = OGR_F_GetGeometryRef(f);
			OGRwkbGeometryType t =
			        g ? wkbFlatten(OGR_G_GetGeometryType(g)) : 0;
			if (t == wkbPolygon || t == wkbMultiPolygon)
				add_geometry(s, g);
			OGR_F_Destroy(f);
		}
	}
}

/* The largest difference between the two areas of one polygon. */
static double worst_difference(const feature_set *s,
                               const struct geod_geodesic *g)
{
	double worst = 0;
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		double geodesic = 0;
		for (; k < s->n_rings && s->rings[k].feature == i; k++)
			geodesic += geodesic_ring(g, &s->rings[k]);
		double d = fabs(lr_ellipsoid_area_wkb(&s->wkb[i]) - geodesic);
		worst = d > worst ? d : worst;
	}
	return worst;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: area_speed DATASET [REPEATS]\n");
		return 2;
	}
	int repeats = argc > 2 ? atoi(argv[2]) : 20;
	GDALAllRegister();
	GDALDatasetH ds = GDALOpenEx(argv[1], GDAL_OF_VECTOR, NULL, NULL, NULL);
	if (ds == NULL || repeats < 1) {
		fprintf(stderr, "area_speed: cannot open %s\n", argv[1]);
		return 1;
	}
	feature_set s = {0};
	read_all(ds, &s);
	GDALClose(ds);
	struct geod_geodesic g;
	geod_init(&g, 6378137.0, 1 / 298.257223563);
	double ours = 0, geodesic = 0;
	double t0 = now_seconds();
	for (int r = 0; r < repeats; r++)
		for (size_t i = 0; i < s.n; i++)
			ours += lr_ellipsoid_area_wkb(&s.wkb[i]);
	double t1 = now_seconds();
	for (int r = 0; r < repeats; r++)
		for (size_t i = 0; i < s.n_rings; i++)
			geodesic += geodesic_ring(&g, &s.rings[i]);
	double t2 = now_seconds();
	printf("%zu polygons, %lld vertices; per pass: straight lon/lat "
	       "edges (from WKB) %.4f s, geodesic edges (from arrays) %.4f s; "
	       "sums %.2f and %.2f m2; largest difference on one polygon "
	       "%.2f m2\n",
	       s.n, s.vertices, (t1 - t0) / repeats, (t2 - t1) / repeats,
	       ours / repeats, geodesic / repeats, worst_difference(&s, &g));
	for (size_t i = 0; i < s.n_rings; i++) {
		free(s.rings[i].lat);
		free(s.rings[i].lon);
	}
	for (size_t i = 0; i < s.n; i++)
		lr_wkb_free(&s.wkb[i]);
	free(s.rings);
	free(s.wkb);
	return 0;
}
