/*
** GEOS contexts whose messages land in an lr_error, and the conversions
** between lr_wkb (lon/lat MultiPolygon WKB) and GEOS geometries.
*/
#include "lr_geo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_geos_error(const char *message, void *userdata)
{
	lr_error *err = userdata; /* one per context: no lock needed */
	if (err == NULL)
		return;
	err->code = LR_ERR_GEOM;
	snprintf(err->msg, sizeof err->msg, "GEOS: %s", message);
}

static void on_geos_notice(const char *message, void *userdata)
{
	(void)message; /* notices are informational: dropped */
	(void)userdata;
}

/*
** Create a GEOS context reporting errors into err (borrowed: must outlive
** the context).  Returns NULL if GEOS could not be initialised.  The caller
** frees the context with GEOS_finish_r().  Not safe to call concurrently.
*/
GEOSContextHandle_t lr_geos_new(lr_error *err)
{
	GEOSContextHandle_t ctx = GEOS_init_r();
	if (ctx == NULL) {
		lr_error_set(err, LR_ERR_NOMEM,
		             "GEOS: cannot create a context");
		return NULL;
	}
	GEOSContext_setErrorMessageHandler_r(ctx, on_geos_error, err);
	GEOSContext_setNoticeMessageHandler_r(ctx, on_geos_notice, NULL);
	return ctx;
}

/* Free w's buffer and reset it to empty; NULL is a no-op. */
void lr_wkb_free(lr_wkb *w)
{
	if (w == NULL)
		return;
	free(w->data);
	memset(w, 0, sizeof *w);
}

/*
** Parse w as a GEOS geometry in ctx.  Returns a new geometry the caller
** destroys with GEOSGeom_destroy_r(), or NULL (the context's error handler
** has the reason) when w is empty or malformed.
*/
GEOSGeometry *lr_wkb_to_geos_r(GEOSContextHandle_t ctx, const lr_wkb *w)
{
	if (w == NULL || w->data == NULL || w->size == 0)
		return NULL;
	return GEOSGeomFromWKB_buf_r(ctx, w->data, w->size);
}

/* Append clones of the polygons of g to parts (a vec of GEOSGeometry *).
** LR_OK, LR_ERR_NOMEM when parts cannot grow, LR_ERR_GEOM if GEOS fails. */
static int collect_polygons(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                            lr_vec *parts)
{
	int type = GEOSGeomTypeId_r(ctx, g);
	if (type == GEOS_POLYGON) {
		if (GEOSisEmpty_r(ctx, g) == 1)
			return 0;
		GEOSGeometry *c = GEOSGeom_clone_r(ctx, g);
		if (c == NULL)
			return LR_ERR_GEOM;
		if (lr_vec_push(parts, &c) == NULL) {
			GEOSGeom_destroy_r(ctx, c);
			return LR_ERR_NOMEM;
		}
		return LR_OK;
	}
	if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
		int n = GEOSGetNumGeometries_r(ctx, g);
		for (int i = 0; i < n; i++) {
			const GEOSGeometry *p = GEOSGetGeometryN_r(ctx, g, i);
			if (p == NULL)
				return LR_ERR_GEOM;
			int rc = collect_polygons(ctx, p, parts);
			if (rc != LR_OK)
				return rc;
		}
	}
	return LR_OK; /* points and lines carry no area: dropped */
}

/* Copy the WKB from GEOS's allocator into a malloc'ed buffer in out. */
static int write_wkb(GEOSContextHandle_t ctx, const GEOSGeometry *mp,
                     lr_wkb *out, lr_error *err)
{
	GEOSWKBWriter *wr = GEOSWKBWriter_create_r(ctx);
	if (wr == NULL)
		return lr_error_set(err, LR_ERR_NOMEM,
		                    "GEOS: cannot create a WKB writer");
	GEOSWKBWriter_setOutputDimension_r(ctx, wr, 2);
	GEOSWKBWriter_setByteOrder_r(ctx, wr, GEOS_WKB_NDR);
	GEOSWKBWriter_setFlavor_r(ctx, wr, GEOS_WKB_ISO);
	GEOSWKBWriter_setIncludeSRID_r(ctx, wr, 0);
	size_t size = 0;
	unsigned char *buf = GEOSWKBWriter_write_r(ctx, wr, mp, &size);
	GEOSWKBWriter_destroy_r(ctx, wr);
	if (buf == NULL)
		return lr_error_set(err, LR_ERR_GEOM, "GEOS: cannot write WKB");
	out->data = malloc(size);
	if (out->data == NULL) {
		GEOSFree_r(ctx, buf);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	memcpy(out->data, buf, size);
	out->size = size;
	GEOSFree_r(ctx, buf);
	return LR_OK;
}

/*
** Write the polygonal parts of g as a 2D little-endian ISO WKB MultiPolygon
** into *out (whose previous content is not freed; the caller owns the new
** buffer and frees it with lr_wkb_free()).  No polygonal part gives an
** empty MultiPolygon with a zero envelope.  LR_OK or an error code.
*/
int lr_geos_to_wkb_r(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                     lr_wkb *out, lr_error *err)
{
	memset(out, 0, sizeof *out);
	if (g == NULL)
		return lr_error_set(err, LR_ERR_GEOM, "no geometry to write");

	int type = GEOSGeomTypeId_r(ctx, g);
	GEOSGeometry *own = NULL; /* the MultiPolygon we build, if any */
	const GEOSGeometry *mp = g;
	if (type != GEOS_MULTIPOLYGON) {
		lr_vec parts;
		lr_vec_init(&parts, sizeof(GEOSGeometry *));
		int rc = collect_polygons(ctx, g, &parts);
		if (rc != LR_OK) {
			for (size_t i = 0; i < parts.len; i++)
				GEOSGeom_destroy_r(
				        ctx,
				        LR_VEC_AT(&parts, GEOSGeometry *, i));
			lr_vec_free(&parts);
			return lr_error_set(err, rc,
			                    rc == LR_ERR_NOMEM
			                            ? "out of memory"
			                            : "GEOS: cannot extract "
			                              "polygons");
		}
		if (parts.len == 0)
			own = GEOSGeom_createEmptyCollection_r(
			        ctx, GEOS_MULTIPOLYGON);
		else
			own = GEOSGeom_createCollection_r(
			        ctx, GEOS_MULTIPOLYGON, parts.data,
			        (unsigned)parts.len); /* takes the parts */
		/* GEOS owns the parts from here, even when it fails. */
		lr_vec_free(&parts);
		if (own == NULL)
			return lr_error_set(
			        err, LR_ERR_GEOM,
			        "GEOS: cannot build a MultiPolygon");
		mp = own;
	}

	int rc = write_wkb(ctx, mp, out, err);
	if (rc == LR_OK && GEOSisEmpty_r(ctx, mp) == 0) {
		if (!GEOSGeom_getXMin_r(ctx, mp, &out->minx) ||
		    !GEOSGeom_getYMin_r(ctx, mp, &out->miny) ||
		    !GEOSGeom_getXMax_r(ctx, mp, &out->maxx) ||
		    !GEOSGeom_getYMax_r(ctx, mp, &out->maxy)) {
			lr_wkb_free(out);
			rc = lr_error_set(err, LR_ERR_GEOM,
			                  "GEOS: cannot compute an envelope");
		}
	}
	GEOSGeom_destroy_r(ctx, own);
	return rc;
}
