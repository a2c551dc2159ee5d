/*
** Reading a whole vector source as text (lr_vtext.h): what `inspect` needs
** to describe an unknown schema, with no geometry work beyond counting the
** geometry types.
*/
#include "lr_vtext.h"
#include "bound_int.h"
#include "gdal_int.h"

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static lr_vt_kind kind_of(OGRFieldDefnH fd)
{
	switch (OGR_Fld_GetType(fd)) {
	case OFTString:
		return OGR_Fld_GetSubType(fd) == OFSTJSON ? LR_VT_LIST
		                                          : LR_VT_TEXT;
	case OFTInteger:
	case OFTInteger64:
		return LR_VT_INTEGER;
	case OFTReal:
		return LR_VT_REAL;
	case OFTDate:
		return LR_VT_DATE;
	case OFTDateTime:
		return LR_VT_DATETIME;
	case OFTStringList:
	case OFTIntegerList:
	case OFTInteger64List:
	case OFTRealList:
		return LR_VT_LIST;
	default:
		return LR_VT_OTHER;
	}
}

static char *crs_text(OGRLayerH l)
{
	OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(l);
	char buf[256];
	if (!srs)
		return NULL;
	const char *auth = OSRGetAuthorityName(srs, NULL);
	const char *code = OSRGetAuthorityCode(srs, NULL);
	if (auth && code)
		snprintf(buf, sizeof buf, "%s:%s", auth, code);
	else
		snprintf(buf, sizeof buf, "%s",
		         OSRGetName(srs) ? OSRGetName(srs) : "unnamed CRS");
	return lr_strdup(buf);
}

static int read_fields(OGRLayerH l, lr_vt_layer *vl)
{
	OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
	vl->n_fields = OGR_FD_GetFieldCount(defn);
	vl->fields = lr_xcalloc((size_t)vl->n_fields + 1, sizeof *vl->fields);
	if (!vl->fields)
		return LR_ERR_NOMEM;
	for (int i = 0; i < vl->n_fields; i++) {
		OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
		char type[64];
		int width = OGR_Fld_GetWidth(fd);
		if (width > 0)
			snprintf(type, sizeof type, "%s(%d)",
			         OGR_GetFieldTypeName(OGR_Fld_GetType(fd)),
			         width);
		else
			snprintf(type, sizeof type, "%s",
			         OGR_GetFieldTypeName(OGR_Fld_GetType(fd)));
		vl->fields[i].name = lr_strdup(OGR_Fld_GetNameRef(fd));
		vl->fields[i].type_name = lr_strdup(type);
		vl->fields[i].kind = kind_of(fd);
		if (!vl->fields[i].name || !vl->fields[i].type_name)
			return LR_ERR_NOMEM;
	}
	return LR_OK;
}

/* Counts of geometry types, by their OGR names ("none" for no geometry). */
typedef struct geom_count {
	const char *name; /* static, from OGR */
	int64_t n;
} geom_count;

static void count_geometry(OGRFeatureH f, geom_count *c, int *n_c, int max)
{
	OGRGeometryH g = OGR_F_GetGeometryRef(f);
	const char *name =
	        g ? OGRGeometryTypeToName(wkbFlatten(OGR_G_GetGeometryType(g)))
	          : "none";
	for (int i = 0; i < *n_c; i++)
		if (!strcmp(c[i].name, name)) {
			c[i].n++;
			return;
		}
	if (*n_c < max)
		c[(*n_c)++] = (geom_count){name, 1};
}

static int store_row(OGRFeatureH f, lr_vt_layer *vl, size_t *cap)
{
	size_t need = (size_t)(vl->n_rows + 1) * (size_t)vl->n_fields;
	if (need > *cap) {
		size_t nc = *cap ? *cap * 2 : 1024;
		while (nc < need)
			nc *= 2;
		char **nb = realloc(vl->cells, nc * sizeof *nb);
		if (!nb)
			return LR_ERR_NOMEM;
		vl->cells = nb;
		*cap = nc;
	}
	char **row = vl->cells + (size_t)vl->n_rows * (size_t)vl->n_fields;
	vl->n_rows++;
	for (int i = 0; i < vl->n_fields; i++)
		row[i] = NULL; /* all set before any can fail: freed whole */
	for (int i = 0; i < vl->n_fields; i++) {
		if (!OGR_F_IsFieldSetAndNotNull(f, i))
			continue;
		char real[64];
		row[i] = lr_strdup(lr__field_text(f, i, real));
		if (!row[i])
			return LR_ERR_NOMEM;
	}
	return LR_OK;
}

static int geom_summary(lr_vt_layer *vl, const geom_count *c, int n_c)
{
	char buf[512] = "";
	size_t k = 0;
	int64_t poly = 0;
	for (int i = 0; i < n_c && k < sizeof buf; i++) {
		k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s %lld",
		                      i ? ", " : "", c[i].name,
		                      (long long)c[i].n);
		if (strstr(c[i].name, "Polygon"))
			poly += c[i].n;
	}
	vl->polygonal = poly * 2 > vl->n_rows;
	vl->geom_types = lr_strdup(n_c ? buf : "no features");
	return vl->geom_types ? LR_OK : LR_ERR_NOMEM;
}

/* Every feature of l into vl, within the bounds b of the whole read.
** LR_OK; LR_ERR_NOMEM; LR_ERR_INPUT with err naming name past a bound. */
static int read_layer(OGRLayerH l, lr_vt_layer *vl, lr__bound *b,
                      const char *name, lr_error *err)
{
	geom_count counts[16];
	int n_counts = 0;
	size_t cap = 0;
	OGREnvelope env;
	vl->name = lr_strdup(OGR_L_GetName(l));
	vl->crs = crs_text(l);
	if (!vl->name || read_fields(l, vl) != LR_OK)
		return LR_ERR_NOMEM;
	vl->lonlat_range = OGR_L_GetExtent(l, &env, 1) == OGRERR_NONE &&
	                   env.MinX >= -180 && env.MaxX <= 180 &&
	                   env.MinY >= -90 && env.MaxY <= 90;
	OGR_L_ResetReading(l);
	OGRFeatureH f;
	int rc = LR_OK;
	while (rc == LR_OK && (f = OGR_L_GetNextFeature(l)) != NULL) {
		count_geometry(f, counts, &n_counts, 16);
		rc = lr__bound_step(b, name, err);
		if (rc == LR_OK)
			rc = store_row(f, vl, &cap);
		OGR_F_Destroy(f);
	}
	/* A network read cut by the time bound may look like the end. */
	if (rc == LR_OK && lr__bound_passed(b))
		return lr__bound_expired(b, name, err);
	return rc == LR_OK ? geom_summary(vl, counts, n_counts) : rc;
}

static int read_layers(GDALDatasetH ds, const char *name, const char *layer,
                       lr__bound *b, lr_vt_dataset *out, lr_error *err)
{
	int n = GDALDatasetGetLayerCount(ds);
	out->layers = lr_xcalloc((size_t)n + 1, sizeof *out->layers);
	if (!out->layers)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	for (int i = 0; i < n; i++) {
		OGRLayerH l = GDALDatasetGetLayer(ds, i);
		if (layer && strcmp(OGR_L_GetName(l), layer))
			continue;
		int rc = read_layer(l, &out->layers[out->n_layers++], b, name,
		                    err);
		if (rc == LR_ERR_NOMEM)
			return lr_error_set(err, rc, "out of memory reading %s",
			                    name);
		if (rc != LR_OK)
			return rc;
	}
	if (out->n_layers == 0)
		return lr_error_set(err, LR_ERR_INPUT,
		                    layer ? "%s: no layer named '%s'"
		                          : "%s: the dataset holds no layer",
		                    name, layer ? layer : "");
	return LR_OK;
}

int lr_vt_read(const char *name, const char *layer, double timeout_s,
               lr_vt_dataset *out, lr_error *err)
{
	memset(out, 0, sizeof *out);
	lr__gdal_init();
	CPLErrorReset();
	lr__bound b;
	lr__bound_start(&b, timeout_s, 0);
	GDALDatasetH ds = GDALOpenEx(name, GDAL_OF_VECTOR | GDAL_OF_READONLY,
	                             NULL, NULL, NULL);
	if (!ds && lr__bound_passed(&b))
		return lr__bound_expired(&b, name, err);
	if (!ds) {
		const char *m = CPLGetLastErrorMsg();
		return lr_error_set(
		        err, LR_ERR_INPUT,
		        "%s: not a vector dataset GDAL can open (%s)", name,
		        m && *m ? m : "no detail");
	}
	out->name = lr_strdup(name);
	GDALDriverH drv = GDALGetDatasetDriver(ds);
	out->driver = lr_strdup(drv ? GDALGetDriverShortName(drv) : "?");
	int rc = out->name && out->driver
	                 ? read_layers(ds, name, layer, &b, out, err)
	                 : lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	GDALClose(ds);
	return rc;
}

static void layer_free(lr_vt_layer *l)
{
	for (int i = 0; i < l->n_fields; i++) {
		free(l->fields[i].name);
		free(l->fields[i].type_name);
	}
	size_t n = (size_t)l->n_rows * (size_t)l->n_fields;
	for (size_t i = 0; l->cells && i < n; i++)
		free(l->cells[i]);
	free(l->cells);
	free(l->fields);
	free(l->name);
	free(l->crs);
	free(l->geom_types);
}

void lr_vt_dataset_free(lr_vt_dataset *d)
{
	if (!d)
		return;
	for (int i = 0; d->layers && i < d->n_layers; i++)
		layer_free(&d->layers[i]);
	free(d->layers);
	free(d->name);
	free(d->driver);
	memset(d, 0, sizeof *d);
}
