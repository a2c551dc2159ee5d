/*
** The GIS layer: read any OGR vector source, check and repair polygons with
** GEOS, reproject to lon/lat WGS84 with PROJ, and measure areas on the
** ellipsoid.  Knows nothing of mine action: a feature is a geometry plus
** named strings.
*/
#ifndef LR_GEO_H
#define LR_GEO_H

#include "lr_base.h"

#include <geos_c.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define LR_EPSG_WGS84 4326

/*
** A 2D polygonal geometry in lon/lat WGS84 (x = longitude, y = latitude),
** always a MultiPolygon, as little-endian ISO WKB.  data is owned by whoever
** holds the struct; free with lr_wkb_free().  The envelope is in degrees.
*/
typedef struct lr_wkb {
	unsigned char *data; /* owned */
	size_t size;
	double minx, miny, maxx, maxy;
} lr_wkb;

void lr_wkb_free(lr_wkb *w);

/*
** One ring of a WKB Polygon or MultiPolygon, as lr_wkb_each_ring hands it
** out.  The pointers are borrowed from the WKB walked.
*/
typedef struct lr_wkb_ring {
	const unsigned char
	        *polygon;         /* its polygon's first (byte order) byte */
	const unsigned char *pts; /* n points of dims doubles, unaligned */
	uint32_t n, dims;         /* points (a closing one included) */
	uint32_t ring, n_rings;   /* ring 0 is the polygon's exterior */
	uint32_t polygon_no, n_polygons;
	bool swap; /* the doubles are in the byte order other than the host's */
	bool plain; /* the polygon is little-endian 2D ISO WKB (lr_wkb's own) */
} lr_wkb_ring;

/* Called with each ring in order; returns true to stop the walk. */
typedef bool (*lr_wkb_ring_fn)(const lr_wkb_ring *r, void *ud);

/*
** fn on each ring of w, a WKB Polygon or MultiPolygon in either byte order,
** ISO or EWKB, with Z or M.  0 when every ring was handed out and the WKB
** ends there; 1 when fn stopped the walk; -1 when w is no such WKB, is
** truncated or has bytes after it (fn may have seen the rings before).
** A polygon without rings is walked past unseen.
*/
int lr_wkb_each_ring(const lr_wkb *w, lr_wkb_ring_fn fn, void *ud);

/* Coordinate k (0: x, 1: y) of point i of ring r. */
static inline double lr_wkb_ring_coord(const lr_wkb_ring *r, uint32_t i, int k)
{
	const unsigned char *p = r->pts + ((size_t)i * r->dims + (size_t)k) * 8;
	uint64_t v;
	memcpy(&v, p, 8);
	if (r->swap)
		v = __builtin_bswap64(v);
	double d;
	memcpy(&d, &v, 8);
	return d;
}

/* ---- GEOS contexts ------------------------------------------------------ */

/*
** Create a GEOS context whose notice and error messages go to err (borrowed,
** must outlive the context).  Create contexts serially (GEOS_init_r is not
** safe to call concurrently).  Free with GEOS_finish_r().
*/
GEOSContextHandle_t lr_geos_new(lr_error *err);

/* Build a GEOS geometry from w in ctx; caller destroys it.  NULL on error. */
GEOSGeometry *lr_wkb_to_geos_r(GEOSContextHandle_t ctx, const lr_wkb *w);

/*
** Write g (polygonal; a Polygon, MultiPolygon or a collection holding them)
** as a MultiPolygon into *out (owned by the caller).  Non-polygonal parts
** are dropped.  LR_OK, or an error code with err set.
*/
int lr_geos_to_wkb_r(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                     lr_wkb *out, lr_error *err);

/* ---- Areas (WGS84 ellipsoid, edges straight in lon/lat) ---------------- */
/*
** The land a lon/lat polygon encloses in the data model of EPSG:4326 (each
** edge the straight line between its vertices in longitude/latitude, as
** GEOS cuts and every GIS draws), integrated exactly on the ellipsoid.
** Additive: cutting a polygon into faces along any lines keeps its area.
*/

/* Absolute area in m2 of one ring given as lon/lat pairs. */
double lr_ellipsoid_ring_area(const double *lonlat, size_t n_points);

/*
** Area in m2 of a polygonal GEOS geometry in lon/lat: for each polygon
** |exterior| - sum |holes| (whatever the orientation), summed over the
** polygons of a multi or collection.  Returns -1 on error.
*/
double lr_ellipsoid_area_r(GEOSContextHandle_t ctx, const GEOSGeometry *g);

/* Area of a WKB MultiPolygon (parses the WKB directly), -1 if malformed. */
double lr_ellipsoid_area_wkb(const lr_wkb *w);

/*
** The polygon of set[0..n) holding the largest part of child's land: its
** index into *best (-1 when none meets it) and that part's share of
** child's geodesic area into *share (0..1).  All borrowed.  LR_OK, or
** LR_ERR_GEOM (err names GEOS's reason) when a polygon cannot be
** overlaid even made valid.
*/
int lr_largest_overlap(const lr_wkb *child, const lr_wkb *set, size_t n,
                       int *best, double *share, lr_error *err);

/* ---- Reading sources ---------------------------------------------------- */

typedef struct lr_source lr_source; /* an open OGR layer, opaque */

/* The bounds on reading one source that lr_source_options' zeros stand
** for: an hour, and twenty times the largest national dataset expected. */
#define LR_READ_TIMEOUT_DEFAULT 3600.0
#define LR_MAX_FEATURES_DEFAULT INT64_C(20000000)

typedef struct lr_source_options {
	/* CRS to assume when the source declares none ("EPSG:32634"); NULL:
	** lon/lat is assumed only if every coordinate is within lon/lat range,
	** else the source is refused. */
	const char *assume_crs; /* borrowed */
	/* Consecutive vertices farther apart than this (metres) make the
	** geometry suspect: rejected with reason.  0: 5000 m default;
	** negative: no check. */
	double max_vertex_gap_m;
	/* Leave area_m2 NAN for geometries accepted without repair, for the
	** caller to compute (lr_ellipsoid_area_wkb) where it likes, e.g. on
	** several threads. */
	bool defer_area;
	/* Leave the validity check and repair of each geometry to the
	** caller (lr_feature_check, on any thread): lr_source_next hands
	** out the cleaned geometry with f->unchecked set. */
	bool defer_check;
	/* A source may stream without end (PG:, /vsicurl/, /vsistdin/):
	** reading it from open to the last feature may take at most
	** read_timeout_s seconds and give at most max_features features,
	** else it is refused.  0: the defaults above; negative: no bound. */
	double read_timeout_s;
	int64_t max_features;
	/* The encoding of the source's text when it is not UTF-8 ("CP1252",
	** from a mapping's `encoding =`): text is recoded to UTF-8.  NULL:
	** text is taken as UTF-8, and what is not is kept escaped. */
	const char *encoding; /* borrowed */
} lr_source_options;

/*
** Open layer `layer` (NULL: the dataset must hold exactly one layer, or a
** layer named `default_layer` if that is not NULL) of any GDAL vector
** dataset name (file, folder, "PG:..." string).  On success *out is a new
** source the caller closes with lr_source_close(); on failure NULL and err
** says which file/layer and what to do.
*/
int lr_source_open(const char *dataset, const char *layer,
                   const char *default_layer, const lr_source_options *opt,
                   lr_source **out, lr_error *err);
void lr_source_close(lr_source *s);

/* "dataset (layer NAME)", for messages.  Borrowed. */
const char *lr_source_label(const lr_source *s);
const char *lr_source_layer_name(const lr_source *s);
/* Field index by case-insensitive name, -1 if absent. */
int lr_source_field_index(const lr_source *s, const char *name);
int lr_source_field_count(const lr_source *s);
const char *lr_source_field_name(const lr_source *s, int i);
/* Number of features of the layer when the driver knows it without reading
** them all (GeoPackage, Shapefile...), else -1. */
int64_t lr_source_feature_count(const lr_source *s);
/* Human description of the source CRS ("EPSG:32634" or its name). */
const char *lr_source_crs(const lr_source *s);

typedef enum {
	LR_GEOM_OK = 0,
	LR_GEOM_REPAIRED, /* accepted after a repair described in note */
	LR_GEOM_REJECTED  /* unusable; reason in note */
} lr_geom_status;

/*
** One feature as read.  Filled by lr_source_next(); every pointer is owned
** by the source and valid until the next call, except wkb which the caller
** may take (set wkb.data to NULL after taking it).
*/
typedef struct lr_feature {
	int64_t fid;
	int n_fields;
	/* UTF-8 text of each field (lr_source_field_name order), NULL when
	** null or unset.  Non-UTF-8 bytes are replaced, see text_repaired. */
	const char **values; /* borrowed from the source */
	bool text_repaired;
	lr_geom_status geom_status;
	char geom_note[512]; /* repair done or reason for rejection */
	lr_wkb wkb;          /* lon/lat MultiPolygon; empty if rejected */
	double area_m2;      /* area of wkb on the ellipsoid */
	bool unchecked;      /* wkb awaits lr_feature_check (defer_check) */
} lr_feature;

/*
** Read the next feature into f.  Returns 1 when a feature was read, 0 at
** the end of the layer, or -1 on a read error (err set; the layer is
** unusable from then on, e.g. a truncated file).  Geometry problems are
** not errors: they set f->geom_status and f->geom_note.
*/
int lr_source_next(lr_source *s, lr_feature *f, lr_error *err);

/* ---- Checking geometries, on any thread --------------------------------- */

typedef struct lr_checker lr_checker; /* a GEOS context of its own, opaque */

/*
** A checker for one thread's features.  Create checkers serially (GEOS
** contexts cannot be made concurrently); NULL with err set on failure.
** Free with lr_checker_free (NULL is a no-op).
*/
lr_checker *lr_checker_new(lr_error *err);
void lr_checker_free(lr_checker *c);

/*
** Check and repair the geometry of f, read with defer_check and taken from
** the source (f->wkb owned by the caller), exactly as lr_source_next does
** without defer_check: f->wkb may be replaced by its repair, or freed and
** f rejected with the reason in f->geom_note.  area_m2 is left NAN when the
** geometry is accepted unrepaired.  A feature not unchecked is left as it
** is.  LR_OK, or LR_ERR_NOMEM with err set (no fault of the feature).
*/
int lr_feature_check(lr_checker *c, lr_feature *f, lr_error *err);

/*
** Whether the MultiPolygon w is surely valid (OGC, as GEOSisValid) by a
** cheap test: every ring closed and simple, no two rings meeting, holes in
** their shells, polygons apart.  False means not proved, not invalid.
*/
bool lr_wkb_surely_valid(const lr_wkb *w);

#endif
