/*
** Reading vector sources with GDAL/OGR: open a layer, settle its CRS, and
** turn each feature into UTF-8 field text plus a checked, repaired lon/lat
** MultiPolygon with its area on the ellipsoid.
*/
#include "lr_geo.h"
#include "antimeridian_int.h"
#include "bound_int.h"
#include "encoding_int.h"
#include "gdal_int.h"
#include "wkb_int.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <geodesic.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_MAX_GAP_M 5000.0

/* A growable byte buffer, reused from feature to feature. */
typedef struct lr_buf {
	unsigned char *p;
	size_t len, cap;
} lr_buf;

struct lr_source {
	GDALDatasetH ds;  /* owned */
	OGRLayerH layer;  /* borrowed from ds */
	char *label;      /* "dataset (layer NAME)", owned */
	char *layer_name; /* owned */
	char crs[256];    /* human description of the source CRS */
	OGRSpatialReferenceH src_srs, dst_srs; /* owned; src may be NULL */
	OGRCoordinateTransformationH ct; /* owned; NULL: already lon/lat */
	bool defer_area, defer_check;    /* see lr_source_options */
	bool is_csv;                     /* read by GDAL's CSV driver */
	double max_gap_m;                /* <= 0: no check */
	struct geod_geodesic geod;       /* WGS84, read-only */
	GEOSContextHandle_t ctx;         /* owned, one per source */
	lr_error geos_err;               /* GEOS messages land here */

	int n_fields;
	const char **names; /* borrowed from the layer definition */
	int *date_kind;     /* 0 other, 1 OFTDate, 2 OFTDateTime */

	OGRFeatureH feat;        /* the current feature, owned */
	const char **values;     /* n_fields pointers into text */
	size_t *offsets;         /* where each value starts in text, or -1 */
	lr_buf text;             /* field text of the current feature */
	lr_buf in;               /* ISO WKB exported from OGR */
	lr_buf out;              /* cleaned MultiPolygon WKB */
	double *xy;              /* one ring's coordinates, x y interleaved */
	size_t xy_cap;           /* in points */
	double *xs, *ys;         /* the same split for OCTTransform */
	unsigned char *last_wkb; /* wkb handed out by the last call */
	bool failed;             /* a read error happened: layer unusable */
	lr__bound bound;         /* time and count bounds of the read */
	const char *recode;      /* declared encoding GDAL leaves to us */
};

/* ---- GDAL set-up -------------------------------------------------------- */

static int buf_reserve(lr_buf *b, size_t extra)
{
	if (b->len + extra <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra)
		cap *= 2;
	unsigned char *p = realloc(b->p, cap);
	if (p == NULL)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

/* ---- Opening ------------------------------------------------------------ */

/* A name GDAL resolves itself ("PG:...", "/vsizip/..."): no stat check. */
static bool is_connection_string(const char *name)
{
	if (strncmp(name, "/vsi", 4) == 0)
		return true;
	const char *colon = strchr(name, ':');
	const char *slash = strchr(name, '/');
	return colon != NULL && colon - name > 1 &&
	       (slash == NULL || colon < slash);
}

/* Append the dataset's layer names, comma separated, to buf. */
static void list_layers(GDALDatasetH ds, char *buf, size_t size)
{
	int n = GDALDatasetGetLayerCount(ds);
	size_t len = strlen(buf);
	for (int i = 0; i < n && len + 1 < size; i++) {
		OGRLayerH l = GDALDatasetGetLayer(ds, i);
		const char *name = l ? OGR_L_GetName(l) : "?";
		int w = snprintf(buf + len, size - len, "%s'%s'", i ? ", " : "",
		                 name);
		if (w < 0)
			break;
		len += (size_t)w;
		if (len >= size) {
			buf[size - 1] = '\0';
			break;
		}
	}
}

static void describe_srs(OGRSpatialReferenceH srs, char *buf, size_t size)
{
	const char *auth = OSRGetAuthorityName(srs, NULL);
	const char *code = OSRGetAuthorityCode(srs, NULL);
	if (auth != NULL && code != NULL)
		snprintf(buf, size, "%s:%s", auth, code);
	else {
		const char *name = OSRGetName(srs);
		snprintf(buf, size, "%s", name ? name : "unnamed CRS");
	}
}

/* Pick the layer; err names the dataset and the layers it holds. */
static int pick_layer(lr_source *s, const char *dataset, const char *layer,
                      const char *default_layer, lr_error *err)
{
	char names[600] = "";
	int n = GDALDatasetGetLayerCount(s->ds);
	if (layer != NULL) {
		s->layer = GDALDatasetGetLayerByName(s->ds, layer);
		if (s->layer == NULL) {
			list_layers(s->ds, names, sizeof names);
			return lr_error_set(
			        err, LR_ERR_USAGE,
			        "%s: no layer named '%s'; the dataset holds "
			        "%d layer(s): %s; give one of these names",
			        dataset, layer, n, n ? names : "none");
		}
		return LR_OK;
	}
	if (n == 1) {
		s->layer = GDALDatasetGetLayer(s->ds, 0);
		return LR_OK;
	}
	if (default_layer != NULL)
		s->layer = GDALDatasetGetLayerByName(s->ds, default_layer);
	if (s->layer != NULL)
		return LR_OK;
	if (n == 0)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "%s: the dataset holds no layer", dataset);
	list_layers(s->ds, names, sizeof names);
	if (default_layer != NULL)
		return lr_error_set(
		        err, LR_ERR_USAGE,
		        "%s: no layer named '%s' and %d layers to choose from "
		        "(%s); say which layer to read",
		        dataset, default_layer, n, names);
	return lr_error_set(err, LR_ERR_USAGE,
	                    "%s: holds %d layers (%s); say which layer to read",
	                    dataset, n, names);
}

/* Settle the source CRS and the transformation to lon/lat WGS84. */
static int setup_crs(lr_source *s, const lr_source_options *opt, lr_error *err)
{
	s->dst_srs = OSRNewSpatialReference(NULL);
	if (s->dst_srs == NULL ||
	    OSRImportFromEPSG(s->dst_srs, LR_EPSG_WGS84) != OGRERR_NONE)
		return lr_error_set(err, LR_ERR_CRS,
		                    "%s: cannot set up EPSG:4326 (%s); check "
		                    "the PROJ installation (proj.db)",
		                    s->label, lr__cpl_msg());
	OSRSetAxisMappingStrategy(s->dst_srs, OAMS_TRADITIONAL_GIS_ORDER);

	OGRSpatialReferenceH layer_srs = OGR_L_GetSpatialRef(s->layer);
	if (layer_srs != NULL) {
		s->src_srs = OSRClone(layer_srs);
		if (s->src_srs == NULL)
			return lr_error_set(err, LR_ERR_CRS,
			                    "%s: cannot use the CRS of the "
			                    "layer (%s)",
			                    s->label, lr__cpl_msg());
		describe_srs(s->src_srs, s->crs, sizeof s->crs);
	} else if (opt != NULL && opt->assume_crs != NULL &&
	           *opt->assume_crs != '\0') {
		s->src_srs = OSRNewSpatialReference(NULL);
		if (s->src_srs == NULL ||
		    OSRSetFromUserInput(s->src_srs, opt->assume_crs) !=
		            OGRERR_NONE)
			return lr_error_set(
			        err, LR_ERR_CRS,
			        "%s: the CRS '%s' given for this source is "
			        "not one PROJ knows (%s); give it as "
			        "EPSG:<code>, for instance EPSG:32634",
			        s->label, opt->assume_crs, lr__cpl_msg());
		snprintf(s->crs, sizeof s->crs, "%s (given)", opt->assume_crs);
	} else {
		OGREnvelope env;
		if (OGR_L_GetExtent(s->layer, &env, 1) == OGRERR_NONE &&
		    (env.MinX < -180 || env.MaxX > 180 || env.MinY < -90 ||
		     env.MaxY > 90))
			return lr_error_set(
			        err, LR_ERR_CRS,
			        "%s: declares no CRS and its coordinates "
			        "(%.6g %.6g to %.6g %.6g) are not longitude/"
			        "latitude; give the CRS of the source (for "
			        "instance EPSG:32634)",
			        s->label, env.MinX, env.MinY, env.MaxX,
			        env.MaxY);
		snprintf(s->crs, sizeof s->crs,
		         "EPSG:4326 (assumed: no CRS declared and every "
		         "coordinate is a longitude/latitude)");
		return LR_OK; /* no transformation */
	}
	OSRSetAxisMappingStrategy(s->src_srs, OAMS_TRADITIONAL_GIS_ORDER);

	/* Both sides use x = lon, y = lat: a WGS84 geographic source needs
	** no transformation whatever its declared axis order. */
	const char *same_opts[] = {
	        "IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
	        "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", NULL};
	if (OSRIsGeographic(s->src_srs) &&
	    OSRIsSameEx(s->src_srs, s->dst_srs, same_opts))
		return LR_OK;
	CPLErrorReset();
	s->ct = OCTNewCoordinateTransformation(s->src_srs, s->dst_srs);
	if (s->ct == NULL)
		return lr_error_set(
		        err, LR_ERR_CRS,
		        "%s: its CRS (%s) cannot be transformed to longitude/"
		        "latitude WGS84 (%s); reproject the source or give "
		        "a CRS with a definition (EPSG:<code>)",
		        s->label, s->crs, lr__cpl_msg());
	return LR_OK;
}

static int setup_fields(lr_source *s, lr_error *err)
{
	OGRFeatureDefnH defn = OGR_L_GetLayerDefn(s->layer);
	s->n_fields = defn ? OGR_FD_GetFieldCount(defn) : 0;
	size_t n = s->n_fields > 0 ? (size_t)s->n_fields : 1;
	s->names = lr_xcalloc(n, sizeof *s->names);
	s->date_kind = lr_xcalloc(n, sizeof *s->date_kind);
	s->values = lr_xcalloc(n, sizeof *s->values);
	s->offsets = lr_xcalloc(n, sizeof *s->offsets);
	if (!s->names || !s->date_kind || !s->values || !s->offsets)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	for (int i = 0; i < s->n_fields; i++) {
		OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
		s->names[i] = OGR_Fld_GetNameRef(fd);
		OGRFieldType t = OGR_Fld_GetType(fd);
		s->date_kind[i] = t == OFTDate ? 1 : t == OFTDateTime ? 2 : 0;
	}
	return LR_OK;
}

static int open_impl(const char *dataset, const char *layer,
                     const char *default_layer, const lr_source_options *opt,
                     lr_source *s, lr_error *err)
{
	struct stat st;
	if (!is_connection_string(dataset)) {
		if (stat(dataset, &st) != 0)
			return lr_error_set(
			        err, LR_ERR_USAGE,
			        "%s: %s; check the path of the input dataset",
			        dataset, strerror(errno));
		/* A folder may be a dataset (Shapefiles, a FileGDB). */
		if (lr_input_kind(dataset, st.st_mode, 1, err) != LR_OK)
			return err->code;
		if (access(dataset, R_OK) != 0)
			return lr_error_set(
			        err, LR_ERR_USAGE,
			        "%s: cannot be read (%s); check its "
			        "permissions",
			        dataset, strerror(errno));
	}
	CPLErrorReset();
	char *enc_option = NULL;
	bool recode = false;
	if (opt && lr__encoding_plan(dataset, opt->encoding, &enc_option,
	                             &recode, err) != LR_OK)
		return err->code;
	s->recode = recode ? opt->encoding : NULL;
	const char *const open_options[] = {enc_option, NULL};
	lr__bound_start(&s->bound, opt ? opt->read_timeout_s : 0,
	                opt ? opt->max_features : 0);
	s->ds = GDALOpenEx(dataset, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
	                   open_options, NULL);
	free(enc_option);
	if (s->ds == NULL && lr__bound_passed(&s->bound))
		return lr__bound_expired(&s->bound, dataset, err);
	if (s->ds == NULL && !is_connection_string(dataset) &&
	    S_ISREG(st.st_mode) && st.st_size == 0)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "%s: is empty (0 bytes); check that the "
		                    "export or copy finished",
		                    dataset);
	if (s->ds == NULL) {
		if (!is_connection_string(dataset) && S_ISDIR(st.st_mode))
			return lr_error_set(
			        err, LR_ERR_USAGE,
			        "%s: is a folder GDAL cannot read as a vector "
			        "dataset (no Shapefile or other layer in it); "
			        "give the data file itself",
			        dataset);
		return lr_error_set(
		        err, LR_ERR_USAGE,
		        "%s: is not a vector dataset GDAL can read (%s); check "
		        "that the file is complete and in a supported format "
		        "(try: ogrinfo %s)",
		        dataset, lr__cpl_msg(), dataset);
	}
	GDALDriverH drv = GDALGetDatasetDriver(s->ds);
	s->is_csv = drv != NULL && !strcmp(GDALGetDriverShortName(drv), "CSV");
	int rc = pick_layer(s, dataset, layer, default_layer, err);
	if (rc != LR_OK)
		return rc;
	s->layer_name = lr_strdup(OGR_L_GetName(s->layer));
	if (s->layer_name == NULL) /* before strlen() reads it */
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	size_t n = strlen(dataset) + strlen(s->layer_name) + 16;
	s->label = malloc(n);
	if (s->label == NULL)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	snprintf(s->label, n, "%s (layer %s)", dataset, s->layer_name);

	if ((rc = setup_crs(s, opt, err)) != LR_OK ||
	    (rc = setup_fields(s, err)) != LR_OK)
		return rc;
	s->ctx = lr_geos_new(&s->geos_err);
	if (s->ctx == NULL)
		return lr_error_set(err, LR_ERR_NOMEM,
		                    "%s: cannot create a GEOS context",
		                    s->label);
	OGR_L_ResetReading(s->layer);
	return LR_OK;
}

/*
** Open a layer of a GDAL vector dataset (see lr_geo.h).  On success *out
** is a new source the caller closes with lr_source_close(); on failure
** *out is NULL and err names the dataset/layer and what to do.  Creates a
** GEOS context: do not call concurrently with other GEOS_init_r callers.
*/
int lr_source_open(const char *dataset, const char *layer,
                   const char *default_layer, const lr_source_options *opt,
                   lr_source **out, lr_error *err)
{
	*out = NULL;
	if (dataset == NULL || *dataset == '\0')
		return lr_error_set(err, LR_ERR_USAGE,
		                    "no input dataset given");
	lr__gdal_init();
	lr_source *s = lr_xcalloc(1, sizeof *s);
	if (s == NULL)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	geod_init(&s->geod, 6378137.0, 1.0 / 298.257223563);
	s->defer_area = opt != NULL && opt->defer_area;
	s->defer_check = opt != NULL && opt->defer_check;
	s->max_gap_m = opt == NULL || opt->max_vertex_gap_m == 0
	                       ? DEFAULT_MAX_GAP_M
	                       : opt->max_vertex_gap_m;
	CPLPushErrorHandler(CPLQuietErrorHandler); /* no stderr chatter */
	int rc = open_impl(dataset, layer, default_layer, opt, s, err);
	CPLPopErrorHandler();
	if (rc != LR_OK) {
		lr_source_close(s);
		return rc;
	}
	*out = s;
	return LR_OK;
}

/* Close s and free everything it owns; NULL is a no-op.  A wkb handed out
** by lr_source_next and not taken is not freed here: free it with
** lr_wkb_free() when stopping before the end of the layer. */
void lr_source_close(lr_source *s)
{
	if (s == NULL)
		return;
	if (s->feat != NULL)
		OGR_F_Destroy(s->feat);
	if (s->ct != NULL)
		OCTDestroyCoordinateTransformation(s->ct);
	if (s->src_srs != NULL)
		OSRDestroySpatialReference(s->src_srs);
	if (s->dst_srs != NULL)
		OSRDestroySpatialReference(s->dst_srs);
	if (s->ds != NULL)
		GDALClose(s->ds);
	if (s->ctx != NULL)
		GEOS_finish_r(s->ctx);
	free(s->label);
	free(s->layer_name);
	free(s->names);
	free(s->date_kind);
	free(s->values);
	free(s->offsets);
	free(s->text.p);
	free(s->in.p);
	free(s->out.p);
	free(s->xy);
	free(s->xs);
	free(s->ys);
	free(s);
}

const char *lr_source_label(const lr_source *s)
{
	return s->label;
}

const char *lr_source_layer_name(const lr_source *s)
{
	return s->layer_name;
}

int lr_source_field_index(const lr_source *s, const char *name)
{
	for (int i = 0; i < s->n_fields; i++)
		if (strcasecmp(s->names[i], name) == 0)
			return i;
	return -1;
}

int lr_source_field_count(const lr_source *s)
{
	return s->n_fields;
}

const char *lr_source_field_name(const lr_source *s, int i)
{
	return i >= 0 && i < s->n_fields ? s->names[i] : NULL;
}

int64_t lr_source_feature_count(const lr_source *s)
{
	GIntBig n = OGR_L_GetFeatureCount(s->layer, FALSE);
	return n >= 0 ? (int64_t)n : -1;
}

const char *lr_source_crs(const lr_source *s)
{
	return s->crs;
}

/* ---- Field text --------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if none. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates and code points past U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* 1 when s holds "\x" and two hex digits: text that reads like an escape. */
static bool has_escape_like(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if (p[i] == '\\' && p[i + 1] == 'x' && isxdigit(p[i + 2]) &&
		    isxdigit(p[i + 3]))
			return true;
	return false;
}

/* Length of the UTF-8 text at p (n bytes) that needs no escape; n when it
** is all valid. */
static size_t valid_prefix(const unsigned char *p, size_t n)
{
	size_t i = 0, k;
	while (i < n && (k = utf8_seq(p + i, n - i)) != 0)
		i += k;
	return i;
}

/*
** Append s (NUL-terminated) to the text buffer as valid UTF-8.  Text that
** is not valid UTF-8 is kept byte for byte, escaped: each invalid byte as
** \xHH and each backslash doubled, and *repaired set.  Valid text that
** reads like such an escape is escaped the same way, so that two different
** byte strings never give the same text (ids stay distinct).
*/
static int text_append(lr_buf *b, const char *str, bool *repaired)
{
	size_t n = strlen(str);
	if (buf_reserve(b, 4 * n + 1) != 0)
		return -1;
	const unsigned char *p = (const unsigned char *)str;
	unsigned char *o = b->p + b->len;
	bool invalid = valid_prefix(p, n) < n;
	bool escape = invalid || has_escape_like(p, n);
	*repaired = *repaired || invalid;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq(p + i, n - i);
		if (escape && k == 0) {
			o += sprintf((char *)o, "\\x%02X", p[i]);
			i++;
		} else if (escape && p[i] == '\\') {
			*o++ = '\\';
			*o++ = p[i++];
		} else {
			memcpy(o, p + i, k);
			o += k;
			i += k;
		}
	}
	*o++ = '\0';
	b->len = (size_t)(o - b->p);
	return 0;
}

/* Whether every part from the second is two digits and the year four. */
static bool plain_date(const int *parts, int n)
{
	if (parts[0] < 0 || parts[0] > 9999)
		return false;
	for (int k = 1; k < n; k++)
		if (parts[k] < 0 || parts[k] > 99)
			return false;
	return true;
}

/*
** parts (year, month, day, and hour, minute, second when n is 6) as
** "%04d-%02d-%02d" and "T%02d:%02d:%02d" write them: digit by digit when
** each fits its width (a date in every row), by snprintf otherwise.
*/
static void iso_date(char *out, size_t size, const int *parts, int n)
{
	if (!plain_date(parts, n)) {
		if (n == 3)
			snprintf(out, size, "%04d-%02d-%02d", parts[0],
			         parts[1], parts[2]);
		else
			snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d",
			         parts[0], parts[1], parts[2], parts[3],
			         parts[4], parts[5]);
		return;
	}
	static const char sep[] = "--T::";
	int y = parts[0];
	char *p = out;
	*p++ = (char)('0' + y / 1000);
	*p++ = (char)('0' + y / 100 % 10);
	*p++ = (char)('0' + y / 10 % 10);
	*p++ = (char)('0' + y % 10);
	for (int k = 1; k < n; k++) {
		*p++ = sep[k - 1];
		*p++ = (char)('0' + parts[k] / 10);
		*p++ = (char)('0' + parts[k] % 10);
	}
	*p = '\0';
}

static int read_fields(lr_source *s, lr_feature *f)
{
	s->text.len = 0;
	for (int i = 0; i < s->n_fields; i++) {
		s->offsets[i] = (size_t)-1;
		if (!OGR_F_IsFieldSetAndNotNull(s->feat, i))
			continue;
		s->offsets[i] = s->text.len;
		char date[64]; /* a date, or a real's text */
		const char *v = NULL;
		int y, m, d, hh, mm, tz;
		float sec;
		if (s->date_kind[i] != 0 &&
		    OGR_F_GetFieldAsDateTimeEx(s->feat, i, &y, &m, &d, &hh, &mm,
		                               &sec, &tz)) {
			/* ISO dates whatever the driver's own rendering. */
			bool day = s->date_kind[i] == 1 ||
			           (hh == 0 && mm == 0 && sec == 0);
			int parts[6] = {y, m, d, hh, mm, (int)sec};
			iso_date(date, sizeof date, parts, day ? 3 : 6);
			v = date;
		} else
			v = lr__field_text(s->feat, i, date);
		char *utf8 = s->recode && v ? lr__recode(v, s->recode) : NULL;
		if ((s->recode && v && !utf8) ||
		    text_append(&s->text,
		                utf8 ? utf8
		                : v  ? v
		                     : "",
		                &f->text_repaired) != 0) {
			free(utf8);
			return -1;
		}
		free(utf8);
	}
	for (int i = 0; i < s->n_fields; i++)
		s->values[i] =
		        s->offsets[i] == (size_t)-1
		                ? NULL
		                : (const char *)s->text.p + s->offsets[i];
	return 0;
}

/* ---- Geometry ----------------------------------------------------------- */

static void note_add(lr_feature *f, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Append "; "-separated text to f->geom_note (truncating). */
static void note_add(lr_feature *f, const char *fmt, ...)
{
	size_t len = strlen(f->geom_note);
	if (len + 3 >= sizeof f->geom_note)
		return;
	if (len > 0) {
		memcpy(f->geom_note + len, "; ", 3);
		len += 2;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->geom_note + len, sizeof f->geom_note - len, fmt, ap);
	va_end(ap);
}

static void reject(lr_feature *f, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Reject f: the reason replaces any repair noted so far. */
static void reject(lr_feature *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->geom_note, sizeof f->geom_note, fmt, ap);
	va_end(ap);
	f->geom_status = LR_GEOM_REJECTED;
}

/* The walk over OGR's ISO WKB that writes the cleaned MultiPolygon. */
typedef struct walk {
	lr_source *s;
	lr_feature *f;
	const unsigned char *p, *end;
	int swap; /* input byte order differs from the host */
	int host_le;
	uint32_t n_polys; /* polygons written */
	int n_other;      /* points and lines skipped */
	int n_dropped;    /* polygons dropped: < 3 distinct vertices */
	int n_holes_dropped;
	int n_closed; /* rings that had to be closed */
	bool crossed; /* a ring crosses the antimeridian: split at the end */
	double minx, miny, maxx, maxy;
} walk;

enum { WALK_OK = 0, WALK_REJECT = 1, WALK_BAD = -1, WALK_NOMEM = -2 };

static int rd_u32(walk *w, uint32_t *v)
{
	if (w->end - w->p < 4)
		return -1;
	*v = lr__wkb_u32(w->p, w->swap);
	w->p += 4;
	return 0;
}

/* Append little-endian values to the output buffer (reserved before). */
static void put_u32(lr_buf *b, uint32_t v, int host_le)
{
	unsigned char x[4];
	memcpy(x, &v, 4);
	if (!host_le) {
		unsigned char t = x[0];
		x[0] = x[3];
		x[3] = t;
		t = x[1];
		x[1] = x[2];
		x[2] = t;
	}
	memcpy(b->p + b->len, x, 4);
	b->len += 4;
}

static void patch_u32(lr_buf *b, size_t at, uint32_t v, int host_le)
{
	size_t len = b->len;
	b->len = at;
	put_u32(b, v, host_le);
	b->len = len;
}

static int read_header(walk *w, uint32_t *type, int *dims)
{
	if (w->end - w->p < 1 || *w->p > 1)
		return -1;
	w->swap = (*w->p == 1) != w->host_le;
	w->p++;
	uint32_t t;
	if (rd_u32(w, &t) != 0)
		return -1;
	*dims = 2;
	if (t >= 1000 && t < 4000) {
		*dims += t / 1000 == 3 ? 2 : 1;
		t %= 1000;
	}
	*type = t;
	return 0;
}

static int reserve_points(lr_source *s, size_t n)
{
	if (n <= s->xy_cap)
		return 0;
	size_t cap = s->xy_cap ? s->xy_cap : 256;
	while (cap < n)
		cap *= 2;
	double *xy = realloc(s->xy, cap * 2 * sizeof *xy);
	if (xy == NULL)
		return -1;
	s->xy = xy;
	double *xs = realloc(s->xs, cap * sizeof *xs);
	if (xs == NULL)
		return -1;
	s->xs = xs;
	double *ys = realloc(s->ys, cap * sizeof *ys);
	if (ys == NULL)
		return -1;
	s->ys = ys;
	s->xy_cap = cap;
	return 0;
}

/* Whether the edge a-b (lon/lat) is longer than s->max_gap_m; *dist gets
** the geodesic length when it is computed. */
static bool gap_too_long(const lr_source *s, const double *a, const double *b,
                         double near2, double *dist)
{
	/* A quick equirectangular estimate first: within 1 % of the
	** ellipsoidal length for edges of a few km, so only edges longer
	** than half the limit need Karney's geod_inverse. */
	double dlon = fabs(a[0] - b[0]);
	if (dlon > 180)
		dlon = 360 - dlon;
	double dlat = fabs(a[1] - b[1]);
	/* The estimate with cos(lat) taken as 1 bounds it from above: an
	** edge well short even so (every edge of a survey polygon) needs no
	** cosine; the 2 % margin keeps rounding from ever deciding. */
	if (dlat * dlat + dlon * dlon < near2)
		return false;
	double c = cos((a[1] + b[1]) * 0.5 * (M_PI / 180));
	double est = 6371008.8 * (M_PI / 180) *
	             sqrt(dlat * dlat + dlon * dlon * c * c);
	if (est < 0.5 * s->max_gap_m)
		return false;
	geod_inverse(&s->geod, a[1], a[0], b[1], b[0], dist, NULL, NULL);
	return *dist > s->max_gap_m;
}

/* The first edge of the closed ring xy (m points) that jumps more than
** 180 degrees of longitude, crossing the antimeridian; -1 when none. */
static long antimeridian_edge(const double *xy, size_t m)
{
	for (size_t i = 0; i + 1 < m; i++)
		if (fabs(xy[2 * i + 2] - xy[2 * i]) > 180)
			return (long)i;
	return -1;
}

/* Read, transform, check and clean one ring into s->xy; *k gets the
** number of points kept (closed), 0 when fewer than 3 distinct remain. */
static int walk_ring(walk *w, int dims, int poly_no, int ring_no, size_t *k)
{
	lr_source *s = w->s;
	uint32_t n;
	size_t stride = (size_t)dims * 8;
	if (rd_u32(w, &n) != 0 || (size_t)(w->end - w->p) / stride < n)
		return WALK_BAD;
	if (reserve_points(s, (size_t)n + 1) != 0)
		return WALK_NOMEM;
	const unsigned char *p = w->p;
	w->p += (size_t)n * stride;
	double *xs = s->xs, *ys = s->ys;
	for (uint32_t i = 0; i < n; i++, p += stride) {
		xs[i] = lr__wkb_f64(p, w->swap);
		ys[i] = lr__wkb_f64(p + 8, w->swap);
		if (!isfinite(xs[i]) || !isfinite(ys[i])) {
			reject(w->f,
			       "vertex %u of ring %d of polygon %d has a NaN "
			       "or infinite coordinate",
			       i + 1, ring_no + 1, poly_no + 1);
			return WALK_REJECT;
		}
	}
	if (s->ct != NULL && n > 0) {
		CPLErrorReset();
		if (!OCTTransform(s->ct, (int)n, s->xs, s->ys, NULL)) {
			reject(w->f,
			       "coordinates do not fit the CRS %s: they "
			       "cannot be transformed to longitude/latitude "
			       "(%s)",
			       s->crs, lr__cpl_msg());
			return WALK_REJECT;
		}
	}
	size_t m = 0;
	for (uint32_t i = 0; i < n; i++) {
		double x = s->xs[i], y = s->ys[i];
		if (!(fabs(x) <= 180 && fabs(y) <= 90)) {
			reject(w->f,
			       "coordinates do not fit the CRS %s: vertex %u "
			       "is (%.10g, %.10g), not a longitude/latitude; "
			       "check the CRS declared for the source",
			       s->ct ? "EPSG:4326 after transformation"
			             : s->crs,
			       i + 1, x, y);
			return WALK_REJECT;
		}
		/* duplicate consecutive points: dropped silently */
		if (m > 0 && s->xy[2 * m - 2] == x && s->xy[2 * m - 1] == y)
			continue;
		s->xy[2 * m] = x;
		s->xy[2 * m + 1] = y;
		m++;
	}
	size_t distinct = m;
	if (m >= 2 && s->xy[0] == s->xy[2 * m - 2] &&
	    s->xy[1] == s->xy[2 * m - 1])
		distinct = m - 1;
	else if (m >= 3) {
		s->xy[2 * m] = s->xy[0];
		s->xy[2 * m + 1] = s->xy[1];
		m++;
		w->n_closed++;
	}
	/* The ledger works on longitude/latitude: a ring across +-180 would
	** become the rest of the globe there.  It is made continuous here and
	** the polygon split at 180 once whole; a ring around a pole cannot
	** be. */
	long cross = antimeridian_edge(s->xy, m);
	if (cross >= 0 && !lr__ring_unwrap(s->xy, m)) {
		reject(w->f,
		       "ring %d of polygon %d goes around a pole (its "
		       "longitudes run once around the globe, crossing 180 "
		       "degrees between vertices %ld and %ld); give it as "
		       "polygons that do not enclose the pole",
		       ring_no + 1, poly_no + 1, cross + 1, cross + 2);
		return WALK_REJECT;
	}
	w->crossed = w->crossed || cross >= 0;
	/* gap_too_long's bound, in squared degrees: once a ring. */
	double near = 0.5 * s->max_gap_m / (6371008.8 * (M_PI / 180));
	double near2 = 0.98 * near * near;
	if (s->max_gap_m > 0)
		for (size_t i = 0; i + 1 < m; i++) {
			double d = 0;
			if (gap_too_long(s, s->xy + 2 * i, s->xy + 2 * i + 2,
			                 near2, &d)) {
				reject(w->f,
				       "vertices %zu and %zu are %.0f m apart "
				       "(likely coordinate typo; ring %d of "
				       "polygon %d)",
				       i + 1, i + 2, d, ring_no + 1,
				       poly_no + 1);
				return WALK_REJECT;
			}
		}
	*k = distinct < 3 ? 0 : m;
	return WALK_OK;
}

/* Append the k points xy (x y interleaved) to out as little-endian
** doubles, widening w's bounds by them.  The bounds stay in locals: stores
** through out's bytes could alias w, and kept the compiler storing w at
** every point. */
static void put_ring(lr_buf *out, const double *xy, size_t k, walk *w)
{
	unsigned char *o = out->p + out->len;
	double x0 = w->minx, y0 = w->miny, x1 = w->maxx, y1 = w->maxy;
	for (size_t i = 0; i < 2 * k; i += 2, o += 16) {
		double x = xy[i], y = xy[i + 1];
		if (w->host_le) {
			memcpy(o, &x, 8);
			memcpy(o + 8, &y, 8);
		} else {
			uint64_t u[2];
			memcpy(u, xy + i, 16);
			u[0] = __builtin_bswap64(u[0]);
			u[1] = __builtin_bswap64(u[1]);
			memcpy(o, u, 16);
		}
		x0 = x < x0 ? x : x0;
		x1 = x > x1 ? x : x1;
		y0 = y < y0 ? y : y0;
		y1 = y > y1 ? y : y1;
	}
	out->len += 16 * k;
	w->minx = x0;
	w->miny = y0;
	w->maxx = x1;
	w->maxy = y1;
}

static int walk_polygon(walk *w, int dims)
{
	lr_source *s = w->s;
	lr_buf *out = &s->out;
	uint32_t nrings, kept = 0;
	if (rd_u32(w, &nrings) != 0)
		return WALK_BAD;
	size_t start = out->len;
	if (buf_reserve(out, 9) != 0)
		return WALK_NOMEM;
	out->p[out->len++] = 1;
	put_u32(out, 3, w->host_le);
	put_u32(out, 0, w->host_le); /* ring count, patched below */
	int poly_no = (int)w->n_polys + w->n_dropped;
	for (uint32_t r = 0; r < nrings; r++) {
		size_t k = 0;
		int rc = walk_ring(w, dims, poly_no, (int)r, &k);
		if (rc != WALK_OK)
			return rc;
		if (k == 0) {
			if (r == 0) {
				/* no exterior: the polygon goes, holes too */
				for (uint32_t j = 1; j < nrings; j++) {
					uint32_t n;
					if (rd_u32(w, &n) != 0 ||
					    (size_t)(w->end - w->p) /
					                    ((size_t)dims * 8) <
					            n)
						return WALK_BAD;
					w->p += (size_t)n * dims * 8;
				}
				out->len = start;
				w->n_dropped++;
				return WALK_OK;
			}
			w->n_holes_dropped++;
			continue;
		}
		if (buf_reserve(out, 4 + k * 16) != 0)
			return WALK_NOMEM;
		put_u32(out, (uint32_t)k, w->host_le);
		put_ring(out, s->xy, k, w);
		kept++;
	}
	if (kept == 0) { /* a polygon with no rings at all */
		out->len = start;
		return WALK_OK;
	}
	patch_u32(out, start + 5, kept, w->host_le);
	w->n_polys++;
	return WALK_OK;
}

/* Walk any 2D/3D/M linear geometry; polygons are written, the rest
** skipped and counted. */
static int walk_geom(walk *w, int depth)
{
	uint32_t type, n;
	int dims;
	if (depth > 32 || read_header(w, &type, &dims) != 0)
		return WALK_BAD;
	size_t stride = (size_t)dims * 8;
	switch (type) {
	case 1: /* Point */
		if ((size_t)(w->end - w->p) < stride)
			return WALK_BAD;
		w->p += stride;
		w->n_other++;
		return WALK_OK;
	case 2: /* LineString */
		if (rd_u32(w, &n) != 0 || (size_t)(w->end - w->p) / stride < n)
			return WALK_BAD;
		w->p += (size_t)n * stride;
		w->n_other++;
		return WALK_OK;
	case 3:  /* Polygon */
	case 17: /* Triangle */
		return walk_polygon(w, dims);
	case 4:  /* MultiPoint */
	case 5:  /* MultiLineString */
	case 6:  /* MultiPolygon */
	case 7:  /* GeometryCollection */
	case 15: /* PolyhedralSurface */
	case 16: /* TIN */
		if (rd_u32(w, &n) != 0 || (size_t)(w->end - w->p) / 5 < n)
			return WALK_BAD;
		for (uint32_t i = 0; i < n; i++) {
			int rc = walk_geom(w, depth + 1);
			if (rc != WALK_OK)
				return rc;
		}
		return WALK_OK;
	default:
		return WALK_BAD;
	}
}

/* The repair of f's invalid geometry g (destroyed here), why it was
** invalid in `why`. */
static int repair(GEOSContextHandle_t ctx, lr_error *geos_err, lr_feature *f,
                  GEOSGeometry *g, const char *why, lr_error *err)
{
	/* The "structure" method keeps land: shells are unioned and holes
	** cut from them, so nested or repeated shells count once and never
	** turn into holes, as "linework" (GEOSMakeValid's default) turns
	** them.  A hole lying outside its shell is kept as land. */
	GEOSGeometry *mv = NULL;
	GEOSMakeValidParams *mvp = GEOSMakeValidParams_create_r(ctx);
	if (mvp != NULL &&
	    GEOSMakeValidParams_setMethod_r(ctx, mvp,
	                                    GEOS_MAKE_VALID_STRUCTURE) &&
	    GEOSMakeValidParams_setKeepCollapsed_r(ctx, mvp, 0))
		mv = GEOSMakeValidWithParams_r(ctx, g, mvp);
	GEOSMakeValidParams_destroy_r(ctx, mvp);
	GEOSGeom_destroy_r(ctx, g);
	lr_wkb_free(&f->wkb);
	if (mv == NULL) {
		reject(f, "invalid (%s) and MakeValid failed (%s)", why,
		       geos_err->msg);
		return LR_OK;
	}
	int rc = lr_geos_to_wkb_r(ctx, mv, &f->wkb, geos_err);
	int mtype = GEOSGeomTypeId_r(ctx, mv);
	GEOSGeom_destroy_r(ctx, mv);
	if (rc == LR_ERR_NOMEM) /* no fault of the feature's */
		return lr_error_set(err, rc, "%s", geos_err->msg);
	if (rc != LR_OK) {
		reject(f, "invalid (%s) and the repair cannot be written (%s)",
		       why, geos_err->msg);
		return LR_OK;
	}
	f->area_m2 = lr_ellipsoid_area_wkb(&f->wkb);
	if (!(f->area_m2 > 0)) {
		lr_wkb_free(&f->wkb);
		f->area_m2 = 0;
		reject(f, "zero-area after repair (invalid: %s)", why);
		return LR_OK;
	}
	note_add(f, "invalid (%s), repaired with MakeValid%s", why,
	         mtype == GEOS_GEOMETRYCOLLECTION ? ", collapsed parts dropped"
	                                          : "");
	f->geom_status = LR_GEOM_REPAIRED;
	return LR_OK;
}

/*
** Validity and repair of f's cleaned geometry f->wkb (owned by f), in ctx
** whose messages land in geos_err.  Geometries the cheap test proves valid
** never reach GEOS; the others are checked, and repaired when invalid.
** area_m2 is NAN for a geometry accepted unrepaired when defer_area.
*/
static int check_geometry(GEOSContextHandle_t ctx, lr_error *geos_err,
                          lr_feature *f, bool defer_area, lr_error *err)
{
	f->unchecked = false;
	f->area_m2 = 0; /* as a rejected feature keeps it */
	if (lr_wkb_surely_valid(&f->wkb))
		goto accepted;
	lr_error_clear(geos_err);
	GEOSGeometry *g = lr_wkb_to_geos_r(ctx, &f->wkb);
	if (g == NULL) {
		lr_wkb_free(&f->wkb);
		reject(f, "the geometry cannot be read by GEOS (%s)",
		       geos_err->msg);
		return LR_OK;
	}
	char *reason = NULL;
	GEOSGeometry *loc = NULL;
	char valid = GEOSisValidDetail_r(ctx, g, 0, &reason, &loc);
	if (valid == 1) {
		GEOSGeom_destroy_r(ctx, g);
		goto accepted;
	}
	if (valid != 0) {
		GEOSGeom_destroy_r(ctx, g);
		lr_wkb_free(&f->wkb);
		reject(f, "GEOS could not check the geometry (%s)",
		       geos_err->msg);
		return LR_OK;
	}
	char where[80] = "";
	double lx, ly;
	if (loc != NULL && GEOSGeomGetX_r(ctx, loc, &lx) &&
	    GEOSGeomGetY_r(ctx, loc, &ly))
		snprintf(where, sizeof where, " at %.7f %.7f", lx, ly);
	char why[200];
	snprintf(why, sizeof why, "%s%s", reason ? reason : "invalid", where);
	GEOSFree_r(ctx, reason);
	GEOSGeom_destroy_r(ctx, loc);
	return repair(ctx, geos_err, f, g, why, err);
accepted:
	f->area_m2 = defer_area ? NAN : lr_ellipsoid_area_wkb(&f->wkb);
	return LR_OK;
}

struct lr_checker {
	GEOSContextHandle_t ctx; /* owned */
	lr_error geos_err;       /* its messages land here */
};

lr_checker *lr_checker_new(lr_error *err)
{
	lr_checker *c = lr_xcalloc(1, sizeof *c);
	if (c == NULL) {
		lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		return NULL;
	}
	c->ctx = lr_geos_new(&c->geos_err);
	if (c->ctx == NULL) {
		lr_error_set(err, c->geos_err.code, "%s", c->geos_err.msg);
		free(c);
		return NULL;
	}
	return c;
}

void lr_checker_free(lr_checker *c)
{
	if (c == NULL)
		return;
	GEOS_finish_r(c->ctx);
	free(c);
}

int lr_feature_check(lr_checker *c, lr_feature *f, lr_error *err)
{
	if (!f->unchecked)
		return LR_OK;
	return check_geometry(c->ctx, &c->geos_err, f, true, err);
}

/* Hand the cleaned WKB in s->out to f, then check it unless deferred. */
static int take_cleaned(lr_source *s, lr_feature *f, const walk *w,
                        lr_error *err)
{
	f->wkb.data = malloc(s->out.len);
	if (f->wkb.data == NULL)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	memcpy(f->wkb.data, s->out.p, s->out.len);
	f->wkb.size = s->out.len;
	f->wkb.minx = w->minx;
	f->wkb.miny = w->miny;
	f->wkb.maxx = w->maxx;
	f->wkb.maxy = w->maxy;
	if (s->defer_check) {
		f->unchecked = true;
		f->area_m2 = NAN;
		return LR_OK;
	}
	return check_geometry(s->ctx, &s->geos_err, f, s->defer_area, err);
}

/* The cleaned WKB in s->out, whose rings cross the antimeridian, replaced
** by its parts split at 180 degrees (a repair recorded in f).  LR_OK;
** LR_ERR_NOMEM with err set; LR_ERR_GEOM with f rejected. */
static int split_at_antimeridian(lr_source *s, lr_feature *f, walk *w,
                                 lr_error *err)
{
	lr_wkb split;
	int parts = 0;
	lr_error_clear(&s->geos_err);
	int rc = lr__antimeridian_split_r(s->ctx, s->out.p, s->out.len, &split,
	                                  &parts, &s->geos_err);
	if (rc == LR_ERR_NOMEM)
		return lr_error_set(err, rc, "out of memory");
	if (rc != LR_OK) {
		reject(f, "%s (%s)", s->geos_err.msg,
		       "split it at 180 degrees");
		return rc;
	}
	s->out.len = 0;
	if (buf_reserve(&s->out, split.size) != 0) {
		lr_wkb_free(&split);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	memcpy(s->out.p, split.data, split.size);
	s->out.len = split.size;
	w->minx = split.minx;
	w->miny = split.miny;
	w->maxx = split.maxx;
	w->maxy = split.maxy;
	lr_wkb_free(&split);
	note_add(f,
	         "crosses the antimeridian: split at 180 degrees into %d "
	         "parts",
	         parts);
	return LR_OK;
}

static int read_geometry(lr_source *s, lr_feature *f, lr_error *err)
{
	OGRGeometryH g = OGR_F_GetGeometryRef(s->feat); /* borrowed */
	if (g == NULL) {
		reject(f, "no geometry");
		return LR_OK;
	}
	if (OGR_G_IsEmpty(g)) {
		reject(f, "empty geometry");
		return LR_OK;
	}
	char name[64];
	snprintf(name, sizeof name, "%s", OGR_G_GetGeometryName(g));
	OGRwkbGeometryType flat = wkbFlatten(OGR_G_GetGeometryType(g));
	OGRGeometryH lin = NULL; /* owned linear copy of a curve geometry */
	if (OGR_G_HasCurveGeometry(g, 0)) {
		lin = OGR_G_GetLinearGeometry(g, 0, NULL);
		if (lin == NULL) {
			reject(f, "cannot linearise the %s (%s)", name,
			       lr__cpl_msg());
			return LR_OK;
		}
		g = lin;
	}
	if (OGR_G_Is3D(g) || OGR_G_IsMeasured(g))
		/* the walk below reads x and y only */
		note_add(f, "dropped %s",
		         OGR_G_Is3D(g) && OGR_G_IsMeasured(g) ? "Z and M"
		         : OGR_G_Is3D(g)                      ? "Z"
		                                              : "M");
	size_t size = (size_t)OGR_G_WkbSize(g);
	s->in.len = 0;
	if (buf_reserve(&s->in, size) != 0) {
		OGR_G_DestroyGeometry(lin);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	OGRErr oe = OGR_G_ExportToIsoWkb(g, wkbNDR, s->in.p);
	OGR_G_DestroyGeometry(lin);
	if (oe != OGRERR_NONE) {
		reject(f, "cannot export the %s (%s)", name, lr__cpl_msg());
		return LR_OK;
	}

	walk w = {.s = s, .f = f, .p = s->in.p, .end = s->in.p + size};
	const uint16_t one = 1;
	unsigned char c;
	memcpy(&c, &one, 1);
	w.host_le = c == 1;
	w.minx = w.miny = INFINITY;
	w.maxx = w.maxy = -INFINITY;
	s->out.len = 0;
	if (buf_reserve(&s->out, 9) != 0)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	s->out.p[s->out.len++] = 1;
	put_u32(&s->out, 6, w.host_le);
	put_u32(&s->out, 0, w.host_le); /* polygon count, patched below */
	int rc = walk_geom(&w, 0);
	if (rc == WALK_NOMEM)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	if (rc == WALK_BAD) {
		reject(f, "malformed %s", name);
		return LR_OK;
	}
	if (rc == WALK_REJECT)
		return LR_OK;
	if (w.n_polys == 0) {
		if (w.n_dropped > 0)
			reject(f, "fewer than 3 distinct vertices in the "
			          "exterior ring");
		else
			reject(f, "not a polygon (%s)", name);
		return LR_OK;
	}
	patch_u32(&s->out, 5, w.n_polys, w.host_le);
	if (lin != NULL)
		note_add(f, "linearised the %s", name);
	if (flat == wkbGeometryCollection || w.n_other > 0)
		note_add(f,
		         "kept the polygons of the %s (%d non-polygonal "
		         "part(s) dropped)",
		         name, w.n_other);
	if (w.n_dropped > 0)
		note_add(f,
		         "dropped %d polygon(s) with fewer than 3 distinct "
		         "vertices",
		         w.n_dropped);
	if (w.n_holes_dropped > 0)
		note_add(f,
		         "dropped %d hole(s) with fewer than 3 distinct "
		         "vertices",
		         w.n_holes_dropped);
	if (w.n_closed > 0)
		note_add(f, "closed %d unclosed ring(s)", w.n_closed);
	if (w.crossed && (rc = split_at_antimeridian(s, f, &w, err)) != LR_OK)
		return rc == LR_ERR_NOMEM ? rc : LR_OK;
	if (f->geom_note[0] != '\0')
		f->geom_status = LR_GEOM_REPAIRED;
	return take_cleaned(s, f, &w, err);
}

/*
** Read the next feature of s into f (see lr_geo.h).  The wkb handed out by
** the previous call is freed here unless the caller took it (set its data
** to NULL).  Returns 1, 0 at the end, or -1 with err set on a read error.
*/
int lr_source_next(lr_source *s, lr_feature *f, lr_error *err)
{
	if (s->last_wkb != NULL && f->wkb.data == s->last_wkb)
		free(f->wkb.data);
	s->last_wkb = NULL;
	memset(f, 0, sizeof *f);
	if (s->feat != NULL) {
		OGR_F_Destroy(s->feat);
		s->feat = NULL;
	}
	if (s->failed) {
		lr_error_set(err, LR_ERR_INPUT,
		             "%s: reading stopped after an earlier error",
		             s->label);
		return -1;
	}
	CPLPushErrorHandler(CPLQuietErrorHandler);
	CPLErrorReset();
	s->feat = OGR_L_GetNextFeature(s->layer);
	/* In a CSV an error that still gives a feature concerns that row (WKT
	** that does not parse): the feature is rejected below and reading
	** goes on.  Elsewhere (a truncated .shp) the layer is unusable. */
	char feat_error[256] = "";
	if (CPLGetLastErrorType() >= CE_Failure && s->feat != NULL && s->is_csv)
		snprintf(feat_error, sizeof feat_error, "%s", lr__cpl_msg());
	else if (CPLGetLastErrorType() >= CE_Failure) {
		s->failed = true;
		if (s->feat != NULL) {
			OGR_F_Destroy(s->feat);
			s->feat = NULL;
		}
		if (lr__bound_passed(&s->bound))
			lr__bound_expired(&s->bound, s->label, err);
		else
			lr_error_set(err, LR_ERR_INPUT,
			             "%s: read error (%s); the file may be "
			             "truncated or damaged",
			             s->label, lr__cpl_msg());
		CPLPopErrorHandler();
		return -1;
	}
	if (s->feat == NULL) {
		CPLPopErrorHandler();
		/* A network read cut by the time bound may look like the end
		** of the layer: never take a cut layer for a whole one. */
		if (lr__bound_passed(&s->bound)) {
			s->failed = true;
			lr__bound_expired(&s->bound, s->label, err);
			return -1;
		}
		return 0;
	}
	if (lr__bound_step(&s->bound, s->label, err) != LR_OK) {
		s->failed = true;
		CPLPopErrorHandler();
		return -1;
	}
	f->fid = OGR_F_GetFID(s->feat);
	f->n_fields = s->n_fields;
	f->values = s->values;
	int rc = LR_OK;
	if (read_fields(s, f) != 0)
		rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	else
		rc = read_geometry(s, f, err);
	if (rc == LR_OK && feat_error[0] != '\0') {
		lr_wkb_free(&f->wkb);
		f->unchecked = false;
		f->area_m2 = 0;
		f->geom_note[0] = '\0';
		reject(f, "GDAL could not read this feature (%s)", feat_error);
	}
	CPLPopErrorHandler();
	if (rc != LR_OK) {
		lr_wkb_free(&f->wkb);
		return -1;
	}
	s->last_wkb = f->wkb.data;
	return 1;
}
