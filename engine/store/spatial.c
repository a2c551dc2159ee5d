/*
** The store's geometries as ready SpatiaLite blobs, the bytes SpatiaLite's
** GeomFromWKB() gives, and their MBRs, the boxes its spatial indexes hold
** (rtree.c).
*/
#include "spatial_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- Little-endian numbers --------------------------------------------- */

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static double get_f64(const unsigned char *p)
{
	double d;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* One load: the byte loop below compiles to sixteen instructions a
	** coordinate, in the loop over every vertex of the store. */
	memcpy(&d, p, sizeof d);
#else
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	memcpy(&d, &v, sizeof d);
#endif
	return d;
}

static void put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_f64(unsigned char *p, double d)
{
	uint64_t v;
	memcpy(&v, &d, sizeof v);
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* ---- SpatiaLite blobs -----------------------------------------------------
 */

/* SpatiaLite's blob markers (its "BLOB-Geometry" layout). */
enum {
	SPL_START = 0x00,
	SPL_LITTLE_ENDIAN = 0x01,
	SPL_MBR_END = 0x7C,
	SPL_ENTITY = 0x69,
	SPL_END = 0xFE,
	SPL_HEADER = 39, /* start, order, srid, 4 doubles, MBR end */
	WKB_MULTIPOLYGON = 6,
	WKB_POLYGON = 3
};

void lr__blob_free(lr__blob *b)
{
	free(b->data);
	*b = (lr__blob){0};
}

static int blob_reserve(lr__blob *b, size_t n)
{
	if (n <= b->cap)
		return 0;
	unsigned char *p = realloc(b->data, n);
	if (!p)
		return -1;
	b->data = p;
	b->cap = n;
	return 0;
}

/* Widen mbr by the n points (x, y little-endian doubles) at p; in locals,
** so that the compiler need not store mbr at every point. */
static void widen_mbr(const unsigned char *p, uint32_t n, double mbr[4])
{
	double x0 = mbr[0], y0 = mbr[1], x1 = mbr[2], y1 = mbr[3];
	for (uint32_t j = 0; j < n; j++) {
		double x = get_f64(p + 16 * j), y = get_f64(p + 16 * j + 8);
		x0 = x < x0 ? x : x0;
		y0 = y < y0 ? y : y0;
		x1 = x > x1 ? x : x1;
		y1 = y > y1 ? y : y1;
	}
	mbr[0] = x0;
	mbr[1] = y0;
	mbr[2] = x1;
	mbr[3] = y1;
}

/* One polygon of a MultiPolygon body at p (its byte-order byte first),
** within end: widen mbr by its exterior ring (SpatiaLite's MBR ignores
** holes), mark it as a SpatiaLite entity at the same place in copy (when
** not NULL), and return the byte after it; NULL when malformed.  *empty
** is set when it has no ring. */
static const unsigned char *polygon_entity(const unsigned char *p,
                                           const unsigned char *end,
                                           double mbr[4], unsigned char *copy,
                                           int *empty)
{
	if (end - p < 9 || p[0] != SPL_LITTLE_ENDIAN ||
	    get_u32(p + 1) != WKB_POLYGON)
		return NULL;
	if (copy)
		copy[0] = SPL_ENTITY;
	uint32_t rings = get_u32(p + 5);
	p += 9;
	if (rings == 0)
		*empty = 1;
	for (uint32_t k = 0; k < rings; k++) {
		if (end - p < 4)
			return NULL;
		uint32_t n = get_u32(p);
		p += 4;
		if ((size_t)(end - p) / 16 < n)
			return NULL;
		if (k == 0)
			widen_mbr(p, n, mbr);
		p += 16 * (size_t)n;
	}
	return p;
}

/*
** Walk the WKB MultiPolygon w: its MBR (minx, miny, maxx, maxy) into mbr,
** and, when body is not NULL, mark the polygons of its copy there (body:
** the WKB from its type on).  0, 1 when it is empty (SpatiaLite makes no
** geometry of it), -1 when it is not a little-endian 2D MultiPolygon.
*/
static int multipolygon_walk(const lr_wkb *w, double mbr[4],
                             unsigned char *body)
{
	if (!w->data || w->size < 9 || w->data[0] != SPL_LITTLE_ENDIAN ||
	    get_u32(w->data + 1) != WKB_MULTIPOLYGON)
		return -1;
	mbr[0] = mbr[1] = HUGE_VAL;
	mbr[2] = mbr[3] = -HUGE_VAL;
	const unsigned char *p = w->data + 9, *end = w->data + w->size;
	uint32_t polys = get_u32(w->data + 5);
	int empty = polys == 0;
	for (uint32_t k = 0; p && k < polys; k++)
		p = polygon_entity(p, end, mbr,
		                   body ? body + (p - w->data - 1) : NULL,
		                   &empty);
	if (!p || p != end)
		return -1;
	return empty ? 1 : 0;
}

int lr__wkb_mbr(const lr_wkb *w, double mbr[4])
{
	return multipolygon_walk(w, mbr, NULL);
}

int lr__spatialite_blob(const lr_wkb *w, int srid, lr__blob *out,
                        double mbr_out[4])
{
	out->size = 0;
	if (!w->data || w->size < 9)
		return -1;
	if (blob_reserve(out, w->size + SPL_HEADER))
		return -2;
	unsigned char *b = out->data;
	/* The body is the WKB's from its type on, each polygon's byte-order
	** byte becoming an entity marker. */
	memcpy(b + SPL_HEADER, w->data + 1, w->size - 1);
	double mbr[4];
	int rc = multipolygon_walk(w, mbr, b + SPL_HEADER);
	if (rc != 0)
		return rc;
	b[0] = SPL_START;
	b[1] = SPL_LITTLE_ENDIAN;
	put_u32(b + 2, (uint32_t)srid);
	for (int k = 0; k < 4; k++)
		put_f64(b + 6 + 8 * k, mbr[k]);
	if (mbr_out)
		memcpy(mbr_out, mbr, sizeof mbr);
	b[38] = SPL_MBR_END;
	b[w->size + SPL_HEADER - 1] = SPL_END;
	out->size = w->size + SPL_HEADER;
	return 0;
}

/* ---- The geometry tables' rows ---------------------------------------------
 */

size_t lr__geo_rows(const lr_dataset *d, const lr__face_boxes *faces, int k)
{
	switch (k) {
	case LR__GEO_REGIONS:
		return d->regions.len;
	case LR__GEO_HAZARDS:
		return d->hazards.len;
	case LR__GEO_RELEASES:
		return d->releases.len;
	default:
		return faces->len;
	}
}

int lr__geo_mbr(const lr_dataset *d, const lr__face_boxes *faces, int k,
                size_t i, double mbr[4])
{
	switch (k) {
	case LR__GEO_REGIONS:
		return lr__wkb_mbr(&LR_VEC_AT(&d->regions, lr_region, i).geom,
		                   mbr);
	case LR__GEO_HAZARDS:
		return lr__wkb_mbr(&LR_VEC_AT(&d->hazards, lr_hazard, i).geom,
		                   mbr);
	case LR__GEO_RELEASES:
		return lr__wkb_mbr(&LR_VEC_AT(&d->releases, lr_release, i).geom,
		                   mbr);
	default:
		memcpy(mbr, faces->mbr[i], sizeof faces->mbr[i]);
		return mbr[0] == mbr[0] ? 0 : 1; /* NaN: no geometry */
	}
}
