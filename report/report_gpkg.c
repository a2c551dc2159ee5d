/*
** remaining.gpkg: the remaining hazardous land dissolved by hazard and the
** land released dissolved by region, year and method, from the ledger
** faces of the store (read through the store's reader), as two GeoPackage
** layers with QGIS styles; and Form C's list of areas as points.
*/
#include "lr_store_read.h"
#include "lr_file.h"
#include "report_int.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- which hazard holds each face, and which releases freed it ---------- */

/* Is contamination c (a name: "AP", "mixed"...) inside the scope list? */
static bool in_scope(const char *scope, const char *c)
{
	if (!scope[0] || !c)
		return true;
	size_t n = strlen(c);
	for (const char *p = scope; *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && !strncmp(p, c, n))
			return true;
		p += k;
		if (*p == ',')
			p++;
	}
	return false;
}

typedef struct hz {
	char *id;
	bool in_scope;
} hz;

static int cmp_hz(const void *a, const void *b)
{
	return strcmp(((const hz *)a)->id, ((const hz *)b)->id);
}

/* One event of a face's events text. */
typedef struct fev {
	char date[11];
	int release;   /* 0 record, 1 release */
	int rank;      /* same-date order within the kind */
	char what[16]; /* SHA/CHA or the method */
	char *id;      /* owned */
} fev;

/* The ledger's order (DESIGN section 4): by date; records before releases;
** CHA records before SHA ones; releases cleared, reduced, cancelled. */
static int cmp_fev(const void *a, const void *b)
{
	const fev *x = a, *y = b;
	int c = strcmp(x->date, y->date);
	if (c)
		return c;
	if (x->release != y->release)
		return x->release - y->release;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	return strcmp(x->id, y->id);
}

/* Split "DATE record|release ID TYPE|METHOD; ..." into out, sorted in the
** ledger's order (the text need not be).  The id may hold spaces: it is
** what lies between the kind and the last word.  0, or -1 out of memory. */
static int parse_events(const char *text, lr_vec *out)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, ";");
		char e[512];
		snprintf(e, sizeof e, "%.*s", (int)n, p);
		p += n;
		while (*p == ';' || *p == ' ')
			p++;
		char *kind = strchr(e, ' ');
		char *last = strrchr(e, ' ');
		if (!kind || last == kind)
			continue;
		*kind++ = '\0';
		char *id = strchr(kind, ' ');
		if (!id || id > last)
			continue;
		*id++ = '\0';
		*last++ = '\0';
		fev f = {{0}, !strcmp(kind, "release"), 0, {0}, NULL};
		snprintf(f.date, sizeof f.date, "%.10s", e);
		snprintf(f.what, sizeof f.what, "%.15s", last);
		static const char *const order[] = {"CHA", "SHA", "cleared",
		                                    "reduced", "cancelled"};
		for (int k = 0; k < 5; k++)
			if (!strcmp(last, order[k]))
				f.rank = k;
		f.id = lr_strdup(id);
		if (!f.id || !lr_vec_push(out, &f)) {
			free(f.id);
			return -1;
		}
	}
	if (out->len > 1)
		qsort(out->data, out->len, sizeof(fev), cmp_fev);
	return 0;
}

/* What replaying the faces needs and gathers. */
typedef struct replay {
	const lr_report *r; /* borrowed */
	lr_vec hs;          /* hz, ids owned, sorted by id */
	lr_vec owners;      /* lr_store_owner, hazard ids owned */
	lr_vec freed;       /* lr_store_freed, region ids and methods owned */
} replay;

/* A hazard of the store, with whether it is in the store's scope, onto
** p->hs. */
static int add_hazard(void *user, const lr_store_land *x, lr_error *err)
{
	replay *p = user;
	hz h = {lr_strdup(x->hazard_id ? x->hazard_id : ""),
	        in_scope(p->r->scope, x->contamination)};
	if (!h.id || !lr_vec_push(&p->hs, &h)) {
		free(h.id);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	return LR_OK;
}

static void replay_free(replay *p)
{
	for (size_t i = 0; i < p->hs.len; i++)
		free(LR_VEC_AT(&p->hs, hz, i).id);
	for (size_t i = 0; i < p->owners.len; i++)
		free((char *)LR_VEC_AT(&p->owners, lr_store_owner, i)
		             .hazard_id);
	for (size_t i = 0; i < p->freed.len; i++) {
		lr_store_freed *x = &LR_VEC_AT(&p->freed, lr_store_freed, i);
		free((char *)x->region_id);
		free((char *)x->method);
	}
	lr_vec_free(&p->hs);
	lr_vec_free(&p->owners);
	lr_vec_free(&p->freed);
}

/* A release of face fid, hazardous until then, in the year of e. */
static int add_release(replay *p, int64_t fid, const char *region, const fev *e,
                       lr_error *err)
{
	lr_store_freed x = {fid, lr_strdup(region ? region : ""), atoi(e->date),
	                    lr_strdup(e->what)};
	if (!x.region_id || !x.method || !lr_vec_push(&p->freed, &x)) {
		free((char *)x.region_id);
		free((char *)x.method);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	return LR_OK;
}

/* Walk the events of one face up to the as-of date: its releases into
** p->freed; the hazard that made it hazardous into owner. */
static int replay_events(replay *p, int64_t fid, const char *region,
                         const lr_vec *evs, char *owner, size_t owner_size,
                         lr_error *err)
{
	bool hazardous = false;
	for (size_t k = 0; k < evs->len; k++) {
		const fev *e = &LR_VEC_AT(evs, fev, k);
		if (strcmp(e->date, p->r->as_of) > 0)
			break; /* ISO dates sort as text */
		if (e->release == 0) {
			hz key = {e->id, false};
			const hz *h = bsearch(&key, p->hs.data, p->hs.len,
			                      sizeof(hz), cmp_hz);
			if (h && !h->in_scope)
				continue;
			if (!hazardous) {
				hazardous = true;
				snprintf(owner, owner_size, "%s", e->id);
			}
		} else if (hazardous) {
			hazardous = false;
			int rc = add_release(p, fid, region, e, err);
			if (rc != LR_OK)
				return rc;
		}
	}
	return LR_OK;
}

/* Replay one face of the store; a face still SHA or CHA goes into
** p->owners. */
static int replay_face(void *user, const lr_store_face *x, lr_error *err)
{
	replay *p = user;
	char owner[256] = "";
	lr_vec evs;
	lr_vec_init(&evs, sizeof(fev));
	int rc = LR_OK;
	if (parse_events(x->events ? x->events : "", &evs) != 0)
		rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	else
		rc = replay_events(p, x->face_id, x->region_id, &evs, owner,
		                   sizeof owner, err);
	for (size_t k = 0; k < evs.len; k++)
		free(LR_VEC_AT(&evs, fev, k).id);
	lr_vec_free(&evs);
	if (rc != LR_OK || !x->state)
		return rc;
	const char *state = !strcmp(x->state, "SHA")   ? "SHA"
	                    : !strcmp(x->state, "CHA") ? "CHA"
	                                               : NULL;
	if (!state)
		return LR_OK;
	lr_store_owner o = {x->face_id, lr_strdup(owner), state};
	if (!o.hazard_id || !lr_vec_push(&p->owners, &o)) {
		free((char *)o.hazard_id);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	return LR_OK;
}

/*
** Replay each face's events to the as-of date (the ledger's state machine,
** DESIGN section 4: a record on clean land makes it hazardous and that
** hazard holds it; a release of hazardous land frees it in that year by
** that method) into p->owners and p->freed.  Records of hazards out of
** the store's scope are skipped, as in the ledger.
*/
static int replay_faces(replay *p, lr_store_reader *rd, lr_error *err)
{
	int rc = lr_store_read_hazards(rd, add_hazard, p, err);
	if (rc != LR_OK)
		return rc;
	if (p->hs.len > 1)
		qsort(p->hs.data, p->hs.len, sizeof(hz), cmp_hz);
	return lr_store_read_faces(rd, replay_face, p, err);
}

/* ---- QGIS styles -------------------------------------------------------- */

static void fill_symbol(rbuf *b, int name, const char *fill,
                        const char *outline, double alpha)
{
	lr__buf_printf(b,
	               "<symbol type=\"fill\" name=\"%d\" alpha=\"%.2f\" "
	               "clip_to_extent=\"1\" force_rhr=\"0\">"
	               "<layer class=\"SimpleFill\" enabled=\"1\" "
	               "locked=\"0\" pass=\"0\">"
	               "<Option type=\"Map\">"
	               "<Option type=\"QString\" name=\"color\" value=\"%s\"/>"
	               "<Option type=\"QString\" name=\"outline_color\" "
	               "value=\"%s\"/>"
	               "<Option type=\"QString\" name=\"outline_style\" "
	               "value=\"solid\"/>"
	               "<Option type=\"QString\" name=\"outline_width\" "
	               "value=\"0.3\"/>"
	               "<Option type=\"QString\" name=\"outline_width_unit\" "
	               "value=\"MM\"/>"
	               "<Option type=\"QString\" name=\"style\" "
	               "value=\"solid\"/></Option>"
	               "<prop k=\"color\" v=\"%s\"/>"
	               "<prop k=\"outline_color\" v=\"%s\"/>"
	               "<prop k=\"outline_style\" v=\"solid\"/>"
	               "<prop k=\"outline_width\" v=\"0.3\"/>"
	               "<prop k=\"outline_width_unit\" v=\"MM\"/>"
	               "<prop k=\"style\" v=\"solid\"/>"
	               "</layer></symbol>",
	               name, alpha, fill, outline, fill, outline);
}

/* s as the text of an XML attribute. */
static void xml_attr(rbuf *b, const char *s)
{
	for (; *s; s++) {
		const char *e = *s == '&'   ? "&amp;"
		                : *s == '<' ? "&lt;"
		                : *s == '>' ? "&gt;"
		                : *s == '"' ? "&quot;"
		                            : NULL;
		if (e)
			lr__buf_puts(b, e);
		else
			lr__buf_add(b, s, 1);
	}
}

/* The legend entry of one value of the categorised renderer. */
static void category(rbuf *b, int symbol, const char *value, const char *label)
{
	lr__buf_printf(b,
	               "<category render=\"true\" symbol=\"%d\" "
	               "value=\"%s\" label=\"",
	               symbol, value);
	xml_attr(b, label);
	lr__buf_puts(b, "\"/>");
}

static char *style_remaining(const lr_report *r)
{
	rbuf b = {0};
	lr__buf_puts(&b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' "
	                 "'SYSTEM'>\n<qgis version=\"3.28.0\" "
	                 "styleCategories=\"Symbology\">"
	                 "<renderer-v2 type=\"categorizedSymbol\" "
	                 "attr=\"type\" symbollevels=\"0\" "
	                 "enableorderby=\"0\" forceraster=\"0\">"
	                 "<categories>");
	category(&b, 0, "SHA", _("SHA: suspected hazardous area"));
	category(&b, 1, "CHA", _("CHA: confirmed hazardous area"));
	lr__buf_puts(&b, "</categories><symbols>");
	fill_symbol(&b, 0, "242,142,43,255", "168,84,0,255", 0.85);
	fill_symbol(&b, 1, "214,39,40,255", "130,0,0,255", 0.85);
	lr__buf_puts(&b, "</symbols></renderer-v2></qgis>\n");
	return b.failed ? (lr__buf_free(&b), NULL) : b.data;
}

static char *style_released(void)
{
	rbuf b = {0};
	lr__buf_puts(&b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' "
	                 "'SYSTEM'>\n<qgis version=\"3.28.0\" "
	                 "styleCategories=\"Symbology\">"
	                 "<renderer-v2 type=\"singleSymbol\" "
	                 "symbollevels=\"0\" enableorderby=\"0\" "
	                 "forceraster=\"0\"><symbols>");
	fill_symbol(&b, 0, "77,175,74,255", "27,120,55,255", 0.6);
	lr__buf_puts(&b, "</symbols></renderer-v2></qgis>\n");
	return b.failed ? (lr__buf_free(&b), NULL) : b.data;
}

/* ---- writing ------------------------------------------------------------ */

typedef struct out {
	GDALDatasetH ds;
	OGRSpatialReferenceH srs;
	const char *path;
	lr_error *err;
} out;

static int ogr_fail(out *o, const char *what)
{
	return lr_error_set(o->err, LR_ERR_IO, "cannot write %s: %s: %s",
	                    o->path, what, CPLGetLastErrorMsg());
}

static OGRLayerH new_layer(out *o, const char *name, const char *desc,
                           OGRwkbGeometryType type, const char *const *fields,
                           const OGRFieldType *types, int n)
{
	char *opts[] = {NULL, NULL, NULL};
	char d[512];
	snprintf(d, sizeof d, "DESCRIPTION=%s", desc);
	opts[0] = d;
	OGRLayerH l = GDALDatasetCreateLayer(o->ds, name, o->srs, type, opts);
	for (int i = 0; l && i < n; i++) {
		OGRFieldDefnH f = OGR_Fld_Create(fields[i], types[i]);
		OGRErr e = OGR_L_CreateField(l, f, 1);
		OGR_Fld_Destroy(f);
		if (e != OGRERR_NONE)
			return NULL;
	}
	return l;
}

/* Give feature f (its fields set) the geometry wkb, write it into l and
** destroy it. */
static int add_feature(out *o, OGRLayerH l, OGRFeatureH f, const void *wkb,
                       size_t size)
{
	OGRGeometryH g = NULL;
	if (wkb && size > 0 &&
	    OGR_G_CreateFromWkb(wkb, o->srs, &g, (int)size) == OGRERR_NONE) {
		g = OGR_G_ForceToMultiPolygon(g);
		OGR_F_SetGeometryDirectly(f, g);
	}
	int rc = LR_OK;
	if (OGR_L_CreateFeature(l, f) != OGRERR_NONE)
		rc = ogr_fail(o, "feature");
	OGR_F_Destroy(f);
	return rc;
}

/* Field i of f, left unset where the store has no value. */
static void set_text(OGRFeatureH f, int i, const char *v)
{
	if (v)
		OGR_F_SetFieldString(f, i, v);
}

/* A layer being written and the area written into it. */
typedef struct layer_fill {
	out *o;
	OGRLayerH l;
	double sum; /* m² */
} layer_fill;

/* A feature of remaining_hazards from dissolved hazardous land. */
static int remaining_feature(void *user, const lr_store_land *x, lr_error *err)
{
	layer_fill *lf = user;
	OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lf->l));
	(void)err; /* ogr_fail() sets lf->o->err, the same */
	set_text(f, 0, x->hazard_id);
	set_text(f, 1, x->type);
	set_text(f, 2, x->contamination);
	set_text(f, 3, x->region_id);
	set_text(f, 4, x->recorded_date);
	OGR_F_SetFieldDouble(f, 5, x->area_m2);
	lf->sum += x->area_m2;
	return add_feature(lf->o, lf->l, f, x->wkb, x->size);
}

/* A point of form_c: an area of Form C's list at a point on its land. */
static int form_c_feature(void *user, const lr_store_form_c *x, lr_error *err)
{
	layer_fill *lf = user;
	OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lf->l));
	(void)err;
	set_text(f, 0, x->hazard_id);
	set_text(f, 1, x->type);
	set_text(f, 2, x->contamination);
	set_text(f, 3, x->region_id);
	set_text(f, 4, x->recorded_date);
	OGR_F_SetFieldDouble(f, 5, (double)x->remaining / 100.0);
	lf->sum += (double)x->remaining / 100.0;
	OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
	if (g) {
		OGR_G_SetPoint_2D(g, 0, x->lon, x->lat);
		OGR_G_AssignSpatialReference(g, lf->o->srs);
		OGR_F_SetGeometryDirectly(f, g);
	}
	int rc = LR_OK;
	if (OGR_L_CreateFeature(lf->l, f) != OGRERR_NONE)
		rc = ogr_fail(lf->o, "feature");
	OGR_F_Destroy(f);
	return rc;
}

/* A feature of released_land from dissolved released land. */
static int released_feature(void *user, const lr_store_released_land *x,
                            lr_error *err)
{
	layer_fill *lf = user;
	OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lf->l));
	(void)err;
	set_text(f, 0, x->region_id);
	if (x->has_year)
		OGR_F_SetFieldInteger(f, 1, x->year);
	set_text(f, 2, x->method);
	OGR_F_SetFieldDouble(f, 3, x->area_m2);
	lf->sum += x->area_m2;
	return add_feature(lf->o, lf->l, f, x->wkb, x->size);
}

static int write_styles(out *o, const lr_report *r)
{
	static const char *const fields[] = {"f_table_catalog",
	                                     "f_table_schema",
	                                     "f_table_name",
	                                     "f_geometry_column",
	                                     "styleName",
	                                     "styleQML",
	                                     "styleSLD",
	                                     "useAsDefault",
	                                     "description",
	                                     "owner",
	                                     "ui",
	                                     "update_time"};
	static const OGRFieldType types[] = {
	        OFTString, OFTString, OFTString, OFTString,
	        OFTString, OFTString, OFTString, OFTInteger,
	        OFTString, OFTString, OFTString, OFTDateTime};
	char *opts[] = {(char *)"FID=id", NULL};
	OGRLayerH l = GDALDatasetCreateLayer(o->ds, "layer_styles", NULL,
	                                     wkbNone, opts);
	for (int i = 0; l && i < 12; i++) {
		OGRFieldDefnH f = OGR_Fld_Create(fields[i], types[i]);
		if (types[i] == OFTInteger)
			OGR_Fld_SetSubType(f, OFSTBoolean);
		if (OGR_L_CreateField(l, f, 1) != OGRERR_NONE)
			l = NULL;
		OGR_Fld_Destroy(f);
	}
	if (!l)
		return ogr_fail(o, "layer layer_styles");
	char *qml[2] = {style_remaining(r), style_released()};
	static const char *const layers[2] = {"remaining_hazards",
	                                      "released_land"};
	static const char *const desc[2] = {
	        N_("SHA orange, CHA red (landrelease report)"),
	        N_("released land in green (landrelease report)")};
	int rc = LR_OK;
	for (int k = 0; k < 2 && rc == LR_OK; k++) {
		if (!qml[k]) {
			rc = lr_error_set(o->err, LR_ERR_NOMEM,
			                  "out of memory");
			break;
		}
		OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
		OGR_F_SetFieldString(f, 0, "");
		OGR_F_SetFieldString(f, 1, "");
		OGR_F_SetFieldString(f, 2, layers[k]);
		OGR_F_SetFieldString(f, 3, "geom");
		OGR_F_SetFieldString(f, 4, layers[k]);
		OGR_F_SetFieldString(f, 5, qml[k]);
		OGR_F_SetFieldString(f, 6, "");
		OGR_F_SetFieldInteger(f, 7, 1);
		OGR_F_SetFieldString(f, 8, _(desc[k]));
		OGR_F_SetFieldString(f, 9, "");
		OGR_F_SetFieldString(f, 10, "");
		OGR_F_SetFieldDateTime(f, 11, 2000, 1, 1, 0, 0, 0, 100);
		if (OGR_L_CreateFeature(l, f) != OGRERR_NONE)
			rc = ogr_fail(o, "layer_styles row");
		OGR_F_Destroy(f);
	}
	free(qml[0]);
	free(qml[1]);
	return rc;
}

/* Create the GeoPackage tmp (removed first: the driver will not replace a
** file) and its WGS 84 reference, into o. */
static int create_gpkg(out *o, const char *tmp)
{
	GDALAllRegister();
	GDALDriverH drv = GDALGetDriverByName("GPKG");
	if (!drv)
		return lr_error_set(o->err, LR_ERR_IO,
		                    "cannot write %s: GDAL has no GPKG driver",
		                    o->path);
	/* The driver creates the file itself: the name reserved for it is
	** freed just before (unpredictable, so nobody else can take it). */
	(void)lr_file_remove(tmp, NULL);
	o->ds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
	if (!o->ds)
		return ogr_fail(o, "create");
	o->srs = OSRNewSpatialReference(NULL);
	OSRImportFromEPSG(o->srs, 4326);
	OSRSetAxisMappingStrategy(o->srs, OAMS_TRADITIONAL_GIS_ORDER);
	return LR_OK;
}

/* The two layers and their styles, in one transaction, from the replayed
** faces p; *sums receives the areas written (remaining, released). */
static int write_layers(out *o, const lr_report *r, lr_store_reader *rd,
                        const replay *p, double sums[2])
{
	static const char *const rem_f[] = {"hazard_id",     "type",
	                                    "contamination", "region_id",
	                                    "recorded_date", "remaining_m2"};
	static const OGRFieldType rem_t[] = {OFTString, OFTString, OFTString,
	                                     OFTString, OFTString, OFTReal};
	static const char *const rel_f[] = {"region_id", "year", "method",
	                                    "released_m2"};
	static const OGRFieldType rel_t[] = {OFTString, OFTInteger, OFTString,
	                                     OFTReal};
	char desc[512];
	snprintf(desc, sizeof desc,
	         _("Remaining hazardous land as of %s, dissolved by hazard "
	           "and type (scope %s)"),
	         lr__date(r, r->as_of).s, r->scope);
	layer_fill rem = {o,
	                  new_layer(o, "remaining_hazards", desc,
	                            wkbMultiPolygon, rem_f, rem_t, 6),
	                  0};
	snprintf(desc, sizeof desc,
	         _("Article 7 Form C as of %s: one point per hazard on the "
	           "remaining land listed under it (scope %s)"),
	         lr__date(r, r->as_of).s, r->scope);
	layer_fill form_c = {
	        o, new_layer(o, "form_c", desc, wkbPoint, rem_f, rem_t, 6), 0};
	snprintf(desc, sizeof desc,
	         _("Land released up to %s, dissolved by region, year and "
	           "method"),
	         lr__date(r, r->as_of).s);
	layer_fill rel = {o,
	                  new_layer(o, "released_land", desc, wkbMultiPolygon,
	                            rel_f, rel_t, 4),
	                  0};
	if (!rem.l || !form_c.l || !rel.l)
		return ogr_fail(o, "layers");
	/* Without face geometries (analyze --no-faces) no face is owned:
	** whole hazards and releases stand in. */
	bool whole = p->owners.len == 0;
	GDALDatasetStartTransaction(o->ds, 0);
	int rc;
	if ((rc = lr_store_read_remaining_land(
	             rd, (const lr_store_owner *)p->owners.data, p->owners.len,
	             whole, remaining_feature, &rem, o->err)) != LR_OK ||
	    (rc = lr_store_read_released_land(
	             rd, (const lr_store_freed *)p->freed.data, p->freed.len,
	             whole, released_feature, &rel, o->err)) != LR_OK ||
	    (rc = lr_store_read_form_c(rd, form_c_feature, &form_c, o->err)) !=
	            LR_OK ||
	    (rc = write_styles(o, r)) != LR_OK)
		return rc;
	sums[0] = rem.sum;
	sums[1] = rel.sum;
	if (GDALDatasetCommitTransaction(o->ds) != OGRERR_NONE)
		return ogr_fail(o, "commit");
	return LR_OK;
}

int lr_report_write_gpkg(const lr_report *r, const char *path, lr_error *err)
{
	char tmp[4096];
	/* The tmp name must keep the .gpkg extension for the driver. */
	int rc = lr_temp_create(path, ".gpkg", tmp, sizeof tmp, err);
	if (rc != LR_OK)
		return rc;
	lr_store_reader *rd = NULL;
	out o = {NULL, NULL, path, err};
	double sums[2] = {0, 0};
	replay p = {.r = r};
	lr_vec_init(&p.hs, sizeof(hz));
	lr_vec_init(&p.owners, sizeof(lr_store_owner));
	lr_vec_init(&p.freed, sizeof(lr_store_freed));
	/* SpatiaLite's SQL functions dissolve the faces. */
	if ((rc = lr_store_reader_open(r->store, &rd, err)) != LR_OK ||
	    (rc = lr_store_reader_spatial(rd, err)) != LR_OK ||
	    (rc = replay_faces(&p, rd, err)) != LR_OK ||
	    (rc = create_gpkg(&o, tmp)) != LR_OK ||
	    (rc = write_layers(&o, r, rd, &p, sums)) != LR_OK)
		goto done;
	GDALClose(o.ds);
	o.ds = NULL;
	if (CPLGetLastErrorType() >= CE_Failure && !sums[0] && !sums[1])
		rc = ogr_fail(&o, "close");
done:
	if (o.ds)
		GDALClose(o.ds);
	if (o.srs)
		OSRDestroySpatialReference(o.srs);
	lr_store_reader_close(rd);
	replay_free(&p);
	if (rc == LR_OK)
		return lr__commit_file(tmp, path, err);
	(void)lr_file_remove(tmp, NULL);
	return rc;
}
