/*
** remaining.gpkg: the remaining hazardous land dissolved by hazard and the
** land released dissolved by region, year and method, from the ledger
** faces of the store, as two GeoPackage layers with QGIS styles.
*/
#include "lr_file.h"
#include "report_int.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <sqlite3.h>
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

static int store_err(sqlite3 *db, const char *store, const char *what,
                     lr_error *err)
{
	return lr_error_set(err, LR_ERR_STORE, "%s: %s: %s", store, what,
	                    sqlite3_errmsg(db));
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

/* The hazards of the store, sorted by id, each with whether it is in the
** store's scope, into hs (hz, ids owned). */
static int load_hazards(const lr_report *r, sqlite3 *db, lr_vec *hs,
                        lr_error *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db,
	                       "SELECT hazard_id, contamination FROM hazards",
	                       -1, &st, NULL) != SQLITE_OK)
		return store_err(db, r->store, "reading hazards", err);
	int rc = LR_OK;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		hz h = {lr_strdup(id ? id : ""),
		        in_scope(r->scope,
		                 (const char *)sqlite3_column_text(st, 1))};
		if (!h.id || !lr_vec_push(hs, &h)) {
			free(h.id);
			rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc == LR_OK && hs->len > 1)
		qsort(hs->data, hs->len, sizeof(hz), cmp_hz);
	return rc;
}

/* What replaying one face needs; every pointer borrowed. */
typedef struct replay {
	const lr_report *r;
	sqlite3 *db;
	const lr_vec *hs;    /* hz, sorted by id */
	sqlite3_stmt *ins_o; /* INSERT INTO temp.face_owner */
	sqlite3_stmt *ins_r; /* INSERT INTO temp.face_release */
	lr_error *err;
} replay;

/* A release of face fid, hazardous until then, in the year of e. */
static int add_release(const replay *p, sqlite3_int64 fid, const char *region,
                       const fev *e)
{
	sqlite3_bind_int64(p->ins_r, 1, fid);
	sqlite3_bind_text(p->ins_r, 2, region ? region : "", -1,
	                  SQLITE_TRANSIENT);
	sqlite3_bind_int(p->ins_r, 3, atoi(e->date));
	sqlite3_bind_text(p->ins_r, 4, e->what, -1, SQLITE_TRANSIENT);
	int rc = LR_OK;
	if (sqlite3_step(p->ins_r) != SQLITE_DONE)
		rc = store_err(p->db, p->r->store, "face releases", p->err);
	sqlite3_reset(p->ins_r);
	return rc;
}

/* Walk the events of one face up to the as-of date: its releases into
** temp.face_release; the hazard that made it hazardous into owner. */
static int replay_events(const replay *p, sqlite3_int64 fid, const char *region,
                         const lr_vec *evs, char *owner, size_t owner_size)
{
	bool hazardous = false;
	for (size_t k = 0; k < evs->len; k++) {
		const fev *e = &LR_VEC_AT(evs, fev, k);
		if (strcmp(e->date, p->r->as_of) > 0)
			break; /* ISO dates sort as text */
		if (e->release == 0) {
			hz key = {e->id, false};
			const hz *h = bsearch(&key, p->hs->data, p->hs->len,
			                      sizeof(hz), cmp_hz);
			if (h && !h->in_scope)
				continue;
			if (!hazardous) {
				hazardous = true;
				snprintf(owner, owner_size, "%s", e->id);
			}
		} else if (hazardous) {
			hazardous = false;
			int rc = add_release(p, fid, region, e);
			if (rc != LR_OK)
				return rc;
		}
	}
	return LR_OK;
}

/* Replay one face of the store (a row of face_id, region_id, state,
** events); a face still SHA or CHA goes into temp.face_owner. */
static int replay_face(const replay *p, sqlite3_stmt *st)
{
	sqlite3_int64 fid = sqlite3_column_int64(st, 0);
	const char *region = (const char *)sqlite3_column_text(st, 1);
	const char *state = (const char *)sqlite3_column_text(st, 2);
	const char *ev = (const char *)sqlite3_column_text(st, 3);
	char owner[256] = "";
	lr_vec evs;
	lr_vec_init(&evs, sizeof(fev));
	int rc = LR_OK;
	if (parse_events(ev ? ev : "", &evs) != 0)
		rc = lr_error_set(p->err, LR_ERR_NOMEM, "out of memory");
	else
		rc = replay_events(p, fid, region, &evs, owner, sizeof owner);
	for (size_t k = 0; k < evs.len; k++)
		free(LR_VEC_AT(&evs, fev, k).id);
	lr_vec_free(&evs);
	if (rc != LR_OK || !state ||
	    (strcmp(state, "SHA") != 0 && strcmp(state, "CHA") != 0))
		return rc;
	sqlite3_bind_int64(p->ins_o, 1, fid);
	sqlite3_bind_text(p->ins_o, 2, owner, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(p->ins_o, 3, state, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(p->ins_o) != SQLITE_DONE)
		rc = store_err(p->db, p->r->store, "face owners", p->err);
	sqlite3_reset(p->ins_o);
	return rc;
}

/*
** Replay each face's events to the as-of date (the ledger's state machine,
** DESIGN section 4: a record on clean land makes it hazardous and that
** hazard holds it; a release of hazardous land frees it in that year by
** that method) into temp.face_owner and temp.face_release.  Records of
** hazards out of the store's scope are skipped, as in the ledger.
*/
static int replay_faces(const lr_report *r, sqlite3 *db, lr_error *err)
{
	lr_vec hs;
	lr_vec_init(&hs, sizeof(hz));
	sqlite3_stmt *st = NULL;
	replay p = {r, db, &hs, NULL, NULL, err};
	if (sqlite3_exec(db,
	                 "CREATE TEMP TABLE face_owner(face_id INTEGER, "
	                 "hazard_id TEXT, state TEXT);"
	                 "CREATE TEMP TABLE face_release(face_id INTEGER, "
	                 "region_id TEXT, year INTEGER, method TEXT)",
	                 NULL, NULL, NULL) != SQLITE_OK)
		return store_err(db, r->store, "temporary tables", err);
	int rc = load_hazards(r, db, &hs, err);
	if (rc == LR_OK &&
	    (sqlite3_prepare_v2(db,
	                        "SELECT face_id, region_id, state, events "
	                        "FROM faces WHERE geometry IS NOT NULL",
	                        -1, &st, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(db,
	                        "INSERT INTO temp.face_owner VALUES(?, ?, ?)",
	                        -1, &p.ins_o, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(db,
	                        "INSERT INTO temp.face_release VALUES(?, ?, "
	                        "?, ?)",
	                        -1, &p.ins_r, NULL) != SQLITE_OK))
		rc = store_err(db, r->store, "reading faces", err);
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	while (rc == LR_OK && sqlite3_step(st) == SQLITE_ROW)
		rc = replay_face(&p, st);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_finalize(st);
	sqlite3_finalize(p.ins_o);
	sqlite3_finalize(p.ins_r);
	for (size_t i = 0; i < hs.len; i++)
		free(LR_VEC_AT(&hs, hz, i).id);
	lr_vec_free(&hs);
	return rc;
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

static char *style_remaining(void)
{
	rbuf b = {0};
	lr__buf_puts(&b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' "
	                 "'SYSTEM'>\n<qgis version=\"3.28.0\" "
	                 "styleCategories=\"Symbology\">"
	                 "<renderer-v2 type=\"categorizedSymbol\" "
	                 "attr=\"type\" symbollevels=\"0\" "
	                 "enableorderby=\"0\" forceraster=\"0\">"
	                 "<categories>"
	                 "<category render=\"true\" symbol=\"0\" "
	                 "value=\"SHA\" label=\"SHA: suspected hazardous "
	                 "area\"/>"
	                 "<category render=\"true\" symbol=\"1\" "
	                 "value=\"CHA\" label=\"CHA: confirmed hazardous "
	                 "area\"/>"
	                 "</categories><symbols>");
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
                           const char *const *fields, const OGRFieldType *types,
                           int n)
{
	char *opts[] = {NULL, NULL, NULL};
	char d[512];
	snprintf(d, sizeof d, "DESCRIPTION=%s", desc);
	opts[0] = d;
	OGRLayerH l = GDALDatasetCreateLayer(o->ds, name, o->srs,
	                                     wkbMultiPolygon, opts);
	for (int i = 0; l && i < n; i++) {
		OGRFieldDefnH f = OGR_Fld_Create(fields[i], types[i]);
		OGRErr e = OGR_L_CreateField(l, f, 1);
		OGR_Fld_Destroy(f);
		if (e != OGRERR_NONE)
			return NULL;
	}
	return l;
}

/* Run sql (grouped union of faces) and write each row as a feature of l:
** columns 0..n-1 the attributes (by field type), column n the WKB. */
static int copy_rows(out *o, sqlite3 *db, const lr_report *r, const char *sql,
                     OGRLayerH l, int n, double *sum)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_err(db, r->store, "dissolving faces", o->err);
	OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
	int rc = LR_OK, step;
	while (rc == LR_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		OGRFeatureH f = OGR_F_Create(defn);
		for (int i = 0; i < n; i++) {
			if (sqlite3_column_type(st, i) == SQLITE_NULL)
				continue;
			OGRFieldType t =
			        OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i));
			if (t == OFTInteger)
				OGR_F_SetFieldInteger(
				        f, i, sqlite3_column_int(st, i));
			else if (t == OFTReal) {
				double v = sqlite3_column_double(st, i);
				OGR_F_SetFieldDouble(f, i, v);
				if (i == n - 1)
					*sum += v;
			} else
				OGR_F_SetFieldString(
				        f, i,
				        (const char *)sqlite3_column_text(st,
				                                          i));
		}
		const void *wkb = sqlite3_column_blob(st, n);
		int size = sqlite3_column_bytes(st, n);
		OGRGeometryH g = NULL;
		if (wkb && size > 0 &&
		    OGR_G_CreateFromWkb(wkb, o->srs, &g, size) == OGRERR_NONE) {
			g = OGR_G_ForceToMultiPolygon(g);
			OGR_F_SetGeometryDirectly(f, g);
		}
		if (OGR_L_CreateFeature(l, f) != OGRERR_NONE)
			rc = ogr_fail(o, "feature");
		OGR_F_Destroy(f);
	}
	if (rc == LR_OK && step != SQLITE_DONE)
		rc = store_err(db, r->store, "dissolving faces", o->err);
	sqlite3_finalize(st);
	return rc;
}

static int write_styles(out *o)
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
	char *qml[2] = {style_remaining(), style_released()};
	static const char *const layers[2] = {"remaining_hazards",
	                                      "released_land"};
	static const char *const desc[2] = {
	        "SHA orange, CHA red (landrelease report)",
	        "released land in green (landrelease report)"};
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
		OGR_F_SetFieldString(f, 8, desc[k]);
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

/* Open the store read-only with SpatiaLite loaded (its SQL functions
** dissolve the faces). */
static int open_store(const lr_report *r, sqlite3 **db, lr_error *err)
{
	if (sqlite3_open_v2(r->store, db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		return lr_error_set(err, LR_ERR_INPUT, "cannot open %s",
		                    r->store);
	char *msg = NULL;
	sqlite3_enable_load_extension(*db, 1);
	if (sqlite3_load_extension(*db, "mod_spatialite", NULL, &msg) ==
	    SQLITE_OK)
		return LR_OK;
	int rc = lr_error_set(err, LR_ERR_STORE,
	                      "%s: cannot load SpatiaLite (mod_spatialite): "
	                      "%s",
	                      r->store, msg ? msg : "unknown error");
	sqlite3_free(msg);
	return rc;
}

/* Faces that still have an owner after the replay; 0 without face
** geometries (analyze --no-faces). */
static int count_owned(sqlite3 *db)
{
	sqlite3_stmt *cnt = NULL;
	int n_owned = 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM temp.face_owner", -1,
	                       &cnt, NULL) == SQLITE_OK &&
	    sqlite3_step(cnt) == SQLITE_ROW)
		n_owned = sqlite3_column_int(cnt, 0);
	sqlite3_finalize(cnt);
	return n_owned;
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

/* The two layers and their styles, in one transaction; *sums receives the
** areas written (remaining, released). */
static int write_layers(out *o, const lr_report *r, sqlite3 *db, int n_owned,
                        double sums[2])
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
	         "Remaining hazardous land as of %s, dissolved by hazard "
	         "and type (scope %s)",
	         r->as_of, r->scope);
	OGRLayerH rem =
	        new_layer(o, "remaining_hazards", desc, rem_f, rem_t, 6);
	snprintf(desc, sizeof desc,
	         "Land released up to %s, dissolved by region, year and "
	         "method",
	         r->as_of);
	OGRLayerH rel = new_layer(o, "released_land", desc, rel_f, rel_t, 4);
	if (!rem || !rel)
		return ogr_fail(o, "layers");
	/* Exact ledger areas (sums of face areas) with the dissolved
	** geometry of the same faces.  Without face geometries (analyze
	** --no-faces) whole hazards and releases stand in. */
	const char *rem_sql =
	        n_owned ? "SELECT o.hazard_id, o.state, h.contamination, "
	                  "h.region_assigned, h.recorded_date, "
	                  "sum(f.area_m2), "
	                  "AsBinary(CastToMultiPolygon(ST_Union(f.geometry))) "
	                  "FROM faces f JOIN temp.face_owner o ON o.face_id = "
	                  "f.face_id LEFT JOIN hazards h ON h.hazard_id = "
	                  "o.hazard_id GROUP BY o.hazard_id, o.state ORDER BY "
	                  "o.hazard_id, o.state"
	                : "SELECT hazard_id, type, contamination, "
	                  "region_assigned, recorded_date, remaining_m2, "
	                  "AsBinary(geometry) FROM hazards WHERE remaining_m2 "
	                  "> 0 ORDER BY hazard_id";
	const char *rel_sql =
	        n_owned ? "SELECT r.region_id, r.year, r.method, "
	                  "sum(f.area_m2), "
	                  "AsBinary(CastToMultiPolygon(ST_Union(f.geometry))) "
	                  "FROM faces f JOIN temp.face_release r ON r.face_id "
	                  "= f.face_id GROUP BY r.region_id, r.year, r.method "
	                  "ORDER BY r.region_id, r.year, r.method"
	                : "SELECT region_assigned, CAST(substr(release_date, "
	                  "1, 4) AS INTEGER) AS y, method, sum(area_m2), "
	                  "AsBinary(CastToMultiPolygon(ST_Union(geometry))) "
	                  "FROM releases GROUP BY region_assigned, y, method "
	                  "ORDER BY region_assigned, y, method";
	GDALDatasetStartTransaction(o->ds, 0);
	int rc;
	if ((rc = copy_rows(o, db, r, rem_sql, rem, 6, &sums[0])) != LR_OK ||
	    (rc = copy_rows(o, db, r, rel_sql, rel, 4, &sums[1])) != LR_OK ||
	    (rc = write_styles(o)) != LR_OK)
		return rc;
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
	sqlite3 *db = NULL;
	out o = {NULL, NULL, path, err};
	double sums[2] = {0, 0};
	if ((rc = open_store(r, &db, err)) != LR_OK ||
	    (rc = replay_faces(r, db, err)) != LR_OK)
		goto done;
	int n_owned = count_owned(db);
	if ((rc = create_gpkg(&o, tmp)) != LR_OK ||
	    (rc = write_layers(&o, r, db, n_owned, sums)) != LR_OK)
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
	sqlite3_close(db);
	if (rc == LR_OK)
		return lr__commit_file(tmp, path, err);
	(void)lr_file_remove(tmp, NULL);
	return rc;
}
