/*
** Areas on the ellipsoid and the GEOS <-> WKB conversions of geo/: known cell
** areas, holes whatever the ring orientation, and the direct WKB reader
** agreeing with the GEOS path and refusing damaged WKB.
*/
#include "lr_geo.h"
#include "lr_test.h"

#include <string.h>

static GEOSGeometry *wkt(GEOSContextHandle_t ctx, const char *text)
{
	GEOSWKTReader *r = GEOSWKTReader_create_r(ctx);
	GEOSGeometry *g = GEOSWKTReader_read_r(ctx, r, text);
	GEOSWKTReader_destroy_r(ctx, r);
	return g;
}

static double area_wkt(GEOSContextHandle_t ctx, const char *text)
{
	GEOSGeometry *g = wkt(ctx, text);
	double a = g ? lr_ellipsoid_area_r(ctx, g) : -2;
	GEOSGeom_destroy_r(ctx, g);
	return a;
}

/* Area through lr_geos_to_wkb_r + lr_ellipsoid_area_wkb. */
static double area_wkt_wkb(GEOSContextHandle_t ctx, const char *text)
{
	GEOSGeometry *g = wkt(ctx, text);
	lr_wkb w = {0};
	lr_error err = {0};
	double a = -2;
	if (g && lr_geos_to_wkb_r(ctx, g, &w, &err) == LR_OK)
		a = lr_ellipsoid_area_wkb(&w);
	lr_wkb_free(&w);
	GEOSGeom_destroy_r(ctx, g);
	return a;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* What lr_wkb_each_ring handed out, up to `stop` rings. */
typedef struct seen {
	int n, stop;
	uint32_t poly[8], ring[8], pts[8], dims[8];
	long offset[8]; /* of the ring's polygon in the WKB */
	double x0[8], y0[8], z0[8], ylast[8];
	bool swap[8], plain[8];
	const unsigned char *base;
} seen;

static bool note_ring(const lr_wkb_ring *r, void *ud)
{
	seen *s = ud;
	int k = s->n++;
	if (k >= 8)
		return true;
	s->poly[k] = r->polygon_no;
	s->ring[k] = r->ring;
	s->pts[k] = r->n;
	s->dims[k] = r->dims;
	s->offset[k] = (long)(r->polygon - s->base);
	s->x0[k] = lr_wkb_ring_coord(r, 0, 0);
	s->y0[k] = lr_wkb_ring_coord(r, 0, 1);
	s->z0[k] = r->dims > 2 ? lr_wkb_ring_coord(r, 0, 2) : 0;
	s->ylast[k] = lr_wkb_ring_coord(r, r->n - 1, 1);
	s->swap[k] = r->swap;
	s->plain[k] = r->plain;
	return s->n == s->stop;
}

/* The ring visitor on WKB from GEOS: the order, counts and coordinates of
** the rings, their polygons' places, stopping, and damaged WKB. */
static void test_each_ring(GEOSContextHandle_t ctx)
{
	GEOSGeometry *g = wkt(ctx, "MULTIPOLYGON(((0 0,4 0,4 4,0 4,0 0),"
	                           "(1 1,1 2,2 2,2 1,1 1)),"
	                           "((10 10,11 10,11 11,10 10)))");
	lr_wkb w = {0};
	lr_error err = {0};
	lr_test_ok(g && lr_geos_to_wkb_r(ctx, g, &w, &err) == LR_OK,
	           "WKB for the ring visitor");
	GEOSGeom_destroy_r(ctx, g);
	seen s = {.base = w.data};
	lr_test_ok(lr_wkb_each_ring(&w, note_ring, &s) == 0 && s.n == 3,
	           "three rings walked to the end");
	/* polygon 1 starts after the header (9 bytes), polygon 1's header
	** (9) and its two rings of 5 points (4 + 80 bytes each) */
	lr_test_ok(s.poly[0] == 0 && s.ring[0] == 0 && s.pts[0] == 5 &&
	                   s.poly[1] == 0 && s.ring[1] == 1 && s.pts[1] == 5 &&
	                   s.poly[2] == 1 && s.ring[2] == 0 && s.pts[2] == 4,
	           "polygons, rings and point counts in order");
	lr_test_ok(s.offset[0] == 9 && s.offset[1] == 9 &&
	                   s.offset[2] == 9 + 9 + 2 * (4 + 80),
	           "each ring knows its polygon's first byte (%ld %ld %ld)",
	           s.offset[0], s.offset[1], s.offset[2]);
	lr_test_ok(s.x0[1] == 1 && s.y0[1] == 1 && s.x0[2] == 10 &&
	                   s.ylast[2] == 10 && s.dims[0] == 2 && s.plain[0] &&
	                   !s.swap[0],
	           "coordinates read from the rings, plain 2D WKB");
	s = (seen){.base = w.data, .stop = 2};
	lr_test_ok(lr_wkb_each_ring(&w, note_ring, &s) == 1 && s.n == 2,
	           "the walk stops when asked");
	lr_wkb t = w;
	int all_bad = 1;
	for (t.size = 0; t.size < w.size; t.size++) {
		s = (seen){.base = w.data};
		if (lr_wkb_each_ring(&t, note_ring, &s) != -1)
			all_bad = 0;
	}
	lr_test_ok(all_bad, "every truncation gives -1");
	lr_wkb_free(&w);

	g = wkt(ctx, "POLYGON Z((5 6 7,8 6 7,8 9 7,5 6 7))");
	GEOSWKBWriter *wr = GEOSWKBWriter_create_r(ctx);
	GEOSWKBWriter_setByteOrder_r(ctx, wr, GEOS_WKB_XDR);
	GEOSWKBWriter_setOutputDimension_r(ctx, wr, 3);
	size_t size = 0;
	unsigned char *be = GEOSWKBWriter_write_r(ctx, wr, g, &size);
	lr_wkb bw = {.data = be, .size = size};
	s = (seen){.base = be};
	lr_test_ok(be && lr_wkb_each_ring(&bw, note_ring, &s) == 0 &&
	                   s.n == 1 && s.dims[0] == 3 && s.swap[0] &&
	                   !s.plain[0] && s.x0[0] == 5 && s.y0[0] == 6 &&
	                   s.z0[0] == 7 && s.offset[0] == 0,
	           "a big-endian Polygon Z: its one ring, coordinates swapped");
	GEOSFree_r(ctx, be);
	GEOSWKBWriter_destroy_r(ctx, wr);
	GEOSGeom_destroy_r(ctx, g);
}

int main(void)
{
	lr_error err = {0};
	GEOSContextHandle_t ctx = lr_geos_new(&err);
	lr_test_ok(ctx != NULL, "lr_geos_new gives a context");

	/* 1 degree cell at the equator: the land between the parallels 0 and
	** 1 degree, a^2 (1-e^2)/2 q(1 deg) dlambda (computed with log). */
	const double cell = 12308463893.975;
	lr_test_near(area_wkt(ctx, "POLYGON((0 0,1 0,1 1,0 1,0 0))"), cell, 1,
	             "1x1 degree cell at the equator, counter-clockwise");
	lr_test_near(area_wkt(ctx, "POLYGON((0 0,0 1,1 1,1 0,0 0))"), cell, 1,
	             "same cell clockwise: same area");
	double ring[] = {0, 0, 1, 0, 1, 1, 0, 1};
	lr_test_near(lr_ellipsoid_ring_area(ring, 4), cell, 1,
	             "ring area accepts an unclosed ring");
	double closed[] = {0, 0, 0, 1, 1, 1, 1, 0, 0, 0};
	lr_test_near(lr_ellipsoid_ring_area(closed, 5), cell, 1,
	             "ring area of a closed clockwise ring");
	lr_test_ok(lr_ellipsoid_ring_area(ring, 2) == 0,
	           "two points have no area");

	/* Square with a hole, in every orientation. */
	double outer[] = {0, 0, 1, 0, 1, 1, 0, 1};
	double hole[] = {0.25, 0.25, 0.75, 0.25, 0.75, 0.75, 0.25, 0.75};
	double want = lr_ellipsoid_ring_area(outer, 4) -
	              lr_ellipsoid_ring_area(hole, 4);
	lr_test_ok(want > 0.7 * cell && want < 0.8 * cell,
	           "hole is a quarter of the cell (%.0f)", want);
	const char *holed[] = {
	        "POLYGON((0 0,1 0,1 1,0 1,0 0),"
	        "(0.25 0.25,0.25 0.75,0.75 0.75,0.75 0.25,0.25 0.25))",
	        "POLYGON((0 0,0 1,1 1,1 0,0 0),"
	        "(0.25 0.25,0.75 0.25,0.75 0.75,0.25 0.75,0.25 0.25))",
	        "POLYGON((0 0,1 0,1 1,0 1,0 0),"
	        "(0.25 0.25,0.75 0.25,0.75 0.75,0.25 0.75,0.25 0.25))",
	        "POLYGON((0 0,0 1,1 1,1 0,0 0),"
	        "(0.25 0.25,0.25 0.75,0.75 0.75,0.75 0.25,0.25 0.25))",
	};
	for (int i = 0; i < 4; i++) {
		lr_test_near(area_wkt(ctx, holed[i]), want, 1e-3,
		             "outer - hole, orientation case %d (GEOS)", i);
		lr_test_near(area_wkt_wkb(ctx, holed[i]), want, 1e-3,
		             "outer - hole, orientation case %d (WKB)", i);
	}
	const char *multi =
	        "MULTIPOLYGON(((0 0,0 1,1 1,1 0,0 0),"
	        "(0.25 0.25,0.25 0.75,0.75 0.75,0.75 0.25,0.25 0.25)),"
	        "((2 0,3 0,3 1,2 1,2 0)))";
	lr_test_near(area_wkt(ctx, multi), want + cell, 1e-2,
	             "MultiPolygon sums its polygons (GEOS)");
	lr_test_near(area_wkt_wkb(ctx, multi), want + cell, 1e-2,
	             "MultiPolygon sums its polygons (WKB)");
	lr_test_near(area_wkt(ctx, "GEOMETRYCOLLECTION(POINT(5 5),"
	                           "POLYGON((0 0,1 0,1 1,0 1,0 0)))"),
	             cell, 1, "collection: only polygons count");
	lr_test_ok(area_wkt(ctx, "LINESTRING(0 0,1 1)") == 0,
	           "a line has no area");
	lr_test_ok(lr_ellipsoid_area_r(ctx, NULL) == -1, "NULL geometry: -1");

	/* lr_geos_to_wkb_r: 2D little-endian MultiPolygon, envelope. */
	GEOSGeometry *g =
	        wkt(ctx, "GEOMETRYCOLLECTION(POINT(9 9),"
	                 "LINESTRING(0 0,5 5),"
	                 "POLYGON Z((1 2 7,3 2 7,3 4 7,1 4 7,1 2 7)))");
	lr_wkb w = {0};
	int rc = lr_geos_to_wkb_r(ctx, g, &w, &err);
	lr_test_ok(rc == LR_OK && w.data != NULL, "collection written");
	lr_test_ok(w.size == 9 + 9 + 4 + 5 * 16 && w.data[0] == 1 &&
	                   le32(w.data + 1) == 6 && le32(w.data + 5) == 1,
	           "one 2D polygon in a little-endian ISO MultiPolygon "
	           "(size %zu)",
	           w.size);
	lr_test_ok(w.minx == 1 && w.miny == 2 && w.maxx == 3 && w.maxy == 4,
	           "envelope of the polygonal part only");
	GEOSGeometry *back = lr_wkb_to_geos_r(ctx, &w);
	lr_test_ok(back && GEOSGeomTypeId_r(ctx, back) == GEOS_MULTIPOLYGON &&
	                   GEOSGeom_getCoordinateDimension_r(ctx, back) == 2,
	           "lr_wkb_to_geos_r reads it back as a 2D MultiPolygon");
	lr_test_near(lr_ellipsoid_area_wkb(&w), lr_ellipsoid_area_r(ctx, back),
	             1e-6, "WKB area equals GEOS area");

	/* Damaged WKB. */
	lr_wkb t = w;
	int all_bad = 1;
	for (size_t n = 0; n < w.size; n++) {
		t.size = n;
		if (lr_ellipsoid_area_wkb(&t) != -1)
			all_bad = 0;
	}
	lr_test_ok(all_bad, "every truncation of the WKB gives -1");
	unsigned char *longer = malloc(w.size + 1);
	memcpy(longer, w.data, w.size);
	longer[w.size] = 0;
	t.data = longer;
	t.size = w.size + 1;
	lr_test_ok(lr_ellipsoid_area_wkb(&t) == -1, "trailing byte gives -1");
	longer[0] = 7;
	t.size = w.size;
	lr_test_ok(lr_ellipsoid_area_wkb(&t) == -1, "bad byte order gives -1");
	memcpy(longer, w.data, w.size);
	longer[5] = 0xff; /* polygon count 255 */
	lr_test_ok(lr_ellipsoid_area_wkb(&t) == -1,
	           "a count larger than the data gives -1");
	free(longer);
	t.data = NULL;
	lr_test_ok(lr_ellipsoid_area_wkb(&t) == -1, "no data gives -1");
	lr_wkb_free(&w);
	lr_test_ok(w.data == NULL && w.size == 0, "lr_wkb_free empties");
	lr_wkb_free(NULL);
	GEOSGeom_destroy_r(ctx, back);
	GEOSGeom_destroy_r(ctx, g);

	/* Big-endian WKB, Polygon at the top, with Z. */
	g = wkt(ctx, holed[1]);
	GEOSWKBWriter *wr = GEOSWKBWriter_create_r(ctx);
	GEOSWKBWriter_setByteOrder_r(ctx, wr, GEOS_WKB_XDR);
	size_t size;
	unsigned char *be = GEOSWKBWriter_write_r(ctx, wr, g, &size);
	lr_wkb bw = {.data = be, .size = size};
	lr_test_ok(be && be[0] == 0, "GEOS wrote big-endian WKB");
	lr_test_near(lr_ellipsoid_area_wkb(&bw), want, 1e-3,
	             "big-endian Polygon WKB read directly");
	GEOSFree_r(ctx, be);
	GEOSGeom_destroy_r(ctx, g);
	g = wkt(ctx, "MULTIPOLYGON Z(((0 0 1,1 0 1,1 1 1,0 1 1,0 0 1)))");
	GEOSWKBWriter_setOutputDimension_r(ctx, wr, 3);
	GEOSWKBWriter_setFlavor_r(ctx, wr, GEOS_WKB_ISO);
	be = GEOSWKBWriter_write_r(ctx, wr, g, &size);
	bw.data = be;
	bw.size = size;
	lr_test_near(lr_ellipsoid_area_wkb(&bw), cell, 1,
	             "big-endian ISO MultiPolygon Z read directly");
	GEOSFree_r(ctx, be);
	GEOSGeom_destroy_r(ctx, g);
	GEOSWKBWriter_destroy_r(ctx, wr);

	/* Empty and non-polygonal input. */
	g = wkt(ctx, "POINT(1 1)");
	rc = lr_geos_to_wkb_r(ctx, g, &w, &err);
	lr_test_ok(rc == LR_OK && lr_ellipsoid_area_wkb(&w) == 0,
	           "a point becomes an empty MultiPolygon of area 0");
	lr_wkb_free(&w);
	GEOSGeom_destroy_r(ctx, g);

	/* Errors reach the lr_error given to lr_geos_new. */
	lr_error_clear(&err);
	g = wkt(ctx, "POLYGON((0 0, 1 1");
	lr_test_ok(g == NULL && err.code == LR_ERR_GEOM &&
	                   strncmp(err.msg, "GEOS: ", 6) == 0,
	           "GEOS errors land in err (%s)", err.msg);
	unsigned char junk[] = {1, 3, 0, 0, 0, 9};
	lr_wkb jw = {.data = junk, .size = sizeof junk};
	lr_test_ok(lr_wkb_to_geos_r(ctx, &jw) == NULL,
	           "malformed WKB gives NULL");

	test_each_ring(ctx);
	GEOS_finish_r(ctx);
	return lr_test_done();
}
