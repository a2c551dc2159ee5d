/*
** A vector source read whole as text, for inspecting an unknown schema:
** every layer with its driver, CRS, geometry types and fields, and every
** field value as GDAL prints it.  Knows nothing of mine action.
*/
#ifndef LR_VTEXT_H
#define LR_VTEXT_H

#include "lr_base.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
	LR_VT_TEXT = 0,
	LR_VT_INTEGER,
	LR_VT_REAL,
	LR_VT_DATE,     /* a date type of the format: read as YYYY/MM/DD */
	LR_VT_DATETIME, /* likewise, with a time of day */
	LR_VT_LIST,     /* a list of values (a JSON array in a GeoPackage) */
	LR_VT_OTHER     /* binary, time of day... */
} lr_vt_kind;

typedef struct lr_vt_field {
	char *name;      /* owned */
	char *type_name; /* owned; the format's own type: "String(10)" */
	lr_vt_kind kind;
} lr_vt_field;

/* One layer; cells[row * n_fields + field] is the value as text, NULL for
** a null or unset value (owned). */
typedef struct lr_vt_layer {
	char *name;       /* owned */
	char *crs;        /* owned; "EPSG:4326" or the CRS name; NULL: none */
	char *geom_types; /* owned; "Polygon 7971, none 3094" */
	int64_t n_rows;
	int n_fields;
	lr_vt_field *fields; /* owned, n_fields */
	char **cells;        /* owned, n_rows * n_fields */
	bool lonlat_range;   /* the extent lies within lon/lat range */
	bool polygonal;      /* most geometries are (multi)polygons */
} lr_vt_layer;

typedef struct lr_vt_dataset {
	char *name;   /* owned; as given */
	char *driver; /* owned; GDAL's short name: "GPKG", "ESRI Shapefile" */
	int n_layers;
	lr_vt_layer *layers; /* owned */
} lr_vt_dataset;

/*
** Read every layer (or the one named `layer`, when not NULL) of the GDAL
** vector dataset `name` into *out (zeroed by the call).  LR_OK; else
** LR_ERR_INPUT naming the dataset (or LR_ERR_NOMEM), and *out holds
** nothing.  Free with lr_vt_dataset_free() in every case.  The read is
** bounded as a source's (lr_geo.h): timeout_s seconds (0: the default,
** negative: none) and LR_MAX_FEATURES_DEFAULT features.
*/
int lr_vt_read(const char *name, const char *layer, double timeout_s,
               lr_vt_dataset *out, lr_error *err);
void lr_vt_dataset_free(lr_vt_dataset *d);

#endif
