/*
** One walk over the rings of a WKB Polygon or MultiPolygon (lr_geo.h), for
** every part of the program that reads WKB without GEOS: the areas here,
** the ledger's shared vertices, the store's blobs and boxes.
*/
#include "lr_geo.h"
#include "wkb_int.h"

#include <string.h>

enum { WKB_POLYGON = 3, WKB_MULTIPOLYGON = 6 };

/* A cursor over a WKB buffer; every read checks the remaining length. */
typedef struct cursor {
	const unsigned char *p, *end;
	int host_le;
} cursor;

static int read_u32(cursor *c, int swap, uint32_t *v)
{
	if (c->end - c->p < 4)
		return -1;
	*v = lr__wkb_u32(c->p, swap);
	c->p += 4;
	return 0;
}

/*
** Read a geometry header: byte order, type (ISO 1000/2000/3000 dimension
** offsets or EWKB flags, with an EWKB SRID skipped) into r's swap and dims;
** *type is the 2D type code.  r->plain tells a header of little-endian 2D
** ISO WKB, nine bytes.
*/
static int read_header(cursor *c, lr_wkb_ring *r, uint32_t *type)
{
	uint32_t t;
	if (c->end - c->p < 1 || *c->p > 1)
		return -1;
	int le = *c->p == 1;
	r->swap = le != c->host_le;
	c->p++;
	if (read_u32(c, r->swap, &t) != 0)
		return -1;
	int z = (t & 0x80000000u) != 0, m = (t & 0x40000000u) != 0;
	r->plain = le && (t & 0xe0000000u) == 0;
	if (t & 0x20000000u) {
		uint32_t srid;
		if (read_u32(c, r->swap, &srid) != 0)
			return -1;
	}
	t &= 0x0fffffffu;
	if (t >= 1000 && t < 4000) {
		z = z || (t / 1000 == 1 || t / 1000 == 3);
		m = m || (t / 1000 == 2 || t / 1000 == 3);
		t %= 1000;
	}
	*type = t;
	r->dims = (uint32_t)(2 + z + m);
	r->plain = r->plain && r->dims == 2;
	return 0;
}

/* The polygon at c->p: fn on each ring.  0, 1 when fn stopped, -1 when
** malformed. */
static int polygon_rings(cursor *c, lr_wkb_ring *r, lr_wkb_ring_fn fn, void *ud)
{
	uint32_t type, n_rings;
	r->polygon = c->p;
	if (read_header(c, r, &type) != 0 || type != WKB_POLYGON ||
	    read_u32(c, r->swap, &n_rings) != 0)
		return -1;
	r->n_rings = n_rings;
	size_t stride = (size_t)r->dims * 8;
	for (r->ring = 0; r->ring < n_rings; r->ring++) {
		if (read_u32(c, r->swap, &r->n) != 0 ||
		    (size_t)(c->end - c->p) / stride < r->n)
			return -1;
		r->pts = c->p;
		c->p += (size_t)r->n * stride;
		if (fn(r, ud))
			return 1;
	}
	return 0;
}

int lr_wkb_each_ring(const lr_wkb *w, lr_wkb_ring_fn fn, void *ud)
{
	if (w == NULL || w->data == NULL)
		return -1;
	const uint16_t one = 1;
	unsigned char first;
	memcpy(&first, &one, 1);
	cursor c = {w->data, w->data + w->size, first == 1};
	lr_wkb_ring r;
	memset(&r, 0, sizeof r);
	uint32_t type;
	if (read_header(&c, &r, &type) != 0)
		return -1;
	if (type == WKB_POLYGON) {
		c.p = w->data;
		r.n_polygons = 1;
		int rc = polygon_rings(&c, &r, fn, ud);
		return rc != 0 ? rc : c.p == c.end ? 0 : -1;
	}
	if (type != WKB_MULTIPOLYGON || read_u32(&c, r.swap, &r.n_polygons))
		return -1;
	/* Each polygon takes at least 9 bytes: a bound before any work. */
	if ((size_t)(c.end - c.p) / 9 < r.n_polygons)
		return -1;
	for (r.polygon_no = 0; r.polygon_no < r.n_polygons; r.polygon_no++) {
		int rc = polygon_rings(&c, &r, fn, ud);
		if (rc != 0)
			return rc;
	}
	return c.p == c.end ? 0 : -1;
}
