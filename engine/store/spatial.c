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
	WKB_MULTIPOLYGON = 6
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

/* The walk of one geometry: its MBR, and the copy whose polygons are
** marked (NULL: none). */
typedef struct mbr_walk {
	const unsigned char *wkb; /* the WKB walked */
	unsigned char *body;      /* its copy from the type on, or NULL */
	double mbr[4];
	uint32_t polygons; /* seen, with at least one ring */
	bool foreign;      /* a polygon not in little-endian 2D WKB */
} mbr_walk;

/* At each polygon's exterior ring: widen the MBR by it (SpatiaLite's MBR
** ignores holes) and mark the polygon as a SpatiaLite entity at the same
** place in the copy. */
static bool exterior_mbr(const lr_wkb_ring *r, void *ud)
{
	mbr_walk *m = ud;
	if (!r->plain)
		return m->foreign = true;
	if (r->ring != 0)
		return false;
	m->polygons++;
	if (m->body)
		m->body[r->polygon - m->wkb - 1] = SPL_ENTITY;
	widen_mbr(r->pts, r->n, m->mbr);
	return false;
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
	mbr_walk m = {w->data,
	              body,
	              {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL},
	              0,
	              false};
	if (lr_wkb_each_ring(w, exterior_mbr, &m) != 0 || m.foreign)
		return -1;
	memcpy(mbr, m.mbr, sizeof m.mbr);
	/* none, or one without rings */
	return m.polygons < get_u32(w->data + 5) || m.polygons == 0 ? 1 : 0;
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
