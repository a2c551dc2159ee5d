/*
** The store's geometries as ready SpatiaLite blobs, and its R*Tree spatial
** indexes built on an in-memory database of their own while store.c writes
** the rows (then copied into the store's shadow tables).  Both give the
** bytes SpatiaLite's GeomFromWKB() and CreateSpatialIndex() give: the same
** encoding, the same boxes inserted in the same order into SQLite's own
** R*Tree module, so the store reads the same.
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
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	double d;
	memcpy(&d, &v, sizeof d);
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
		for (uint32_t j = 0; k == 0 && j < n; j++) {
			double x = get_f64(p + 16 * j),
			       y = get_f64(p + 16 * j + 8);
			mbr[0] = x < mbr[0] ? x : mbr[0];
			mbr[1] = y < mbr[1] ? y : mbr[1];
			mbr[2] = x > mbr[2] ? x : mbr[2];
			mbr[3] = y > mbr[3] ? y : mbr[3];
		}
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

int lr__spatialite_blob(const lr_wkb *w, int srid, lr__blob *out)
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
	b[38] = SPL_MBR_END;
	b[w->size + SPL_HEADER - 1] = SPL_END;
	out->size = w->size + SPL_HEADER;
	return 0;
}

/* ---- The geometry tables' rows ---------------------------------------------
 */

size_t lr__geo_rows(const lr_dataset *d, const lr_result *r, int k)
{
	switch (k) {
	case LR__GEO_REGIONS:
		return d->regions.len;
	case LR__GEO_HAZARDS:
		return d->hazards.len;
	case LR__GEO_RELEASES:
		return d->releases.len;
	default:
		return r->faces.len;
	}
}

const lr_wkb *lr__geo_row(const lr_dataset *d, const lr_result *r, int k,
                          size_t i)
{
	switch (k) {
	case LR__GEO_REGIONS:
		return &LR_VEC_AT(&d->regions, lr_region, i).geom;
	case LR__GEO_HAZARDS:
		return &LR_VEC_AT(&d->hazards, lr_hazard, i).geom;
	case LR__GEO_RELEASES:
		return &LR_VEC_AT(&d->releases, lr_release, i).geom;
	default:
		return &LR_VEC_AT(&r->faces, lr_face, i).geom;
	}
}

/* ---- R*Trees on a connection of their own ----------------------------------
 */

/* The rows of query sql (two integer columns, or an integer and a blob of
** *blob_size bytes when blob_size is not NULL) appended to *ids (pairs)
** and *blobs; *n counts them.  SQLITE_OK or the error. */
static int read_rows(sqlite3 *db, const char *sql, sqlite3_int64 **ids,
                     size_t *n, unsigned char **blobs, size_t *blob_size)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	size_t cap = 0;
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		if (*n == cap) {
			cap = cap ? 2 * cap : 1024;
			void *a = realloc(*ids, cap * 2 * sizeof **ids);
			void *b = blobs ? realloc(*blobs, cap * *blob_size)
			                : NULL;
			if (a)
				*ids = a;
			if (b)
				*blobs = b;
			if (!a || (blobs && !b))
				rc = SQLITE_NOMEM;
		}
		if (rc != SQLITE_OK)
			break;
		(*ids)[2 * *n] = sqlite3_column_int64(st, 0);
		(*ids)[2 * *n + 1] = blobs ? 0 : sqlite3_column_int64(st, 1);
		if (blobs) {
			/* Every node has the size of the first (the root's). */
			int size = sqlite3_column_bytes(st, 1);
			if ((size_t)size != *blob_size)
				rc = SQLITE_CORRUPT;
			else
				memcpy(*blobs + *n * *blob_size,
				       sqlite3_column_blob(st, 1), *blob_size);
		}
		if (rc == SQLITE_OK)
			++*n;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Insert the boxes of geometry table k, in rowid order, into the R*Tree
** "ix" of db, as CreateSpatialIndex() inserts them (rows without a
** geometry are left out). */
static int insert_boxes(sqlite3 *db, const lr_dataset *d, const lr_result *r,
                        int k)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "INSERT INTO ix VALUES(?, ?, ?, ?, ?)",
	                            -1, &st, NULL);
	size_t n = lr__geo_rows(d, r, k);
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
		double mbr[4];
		if (multipolygon_walk(lr__geo_row(d, r, k, i), mbr, NULL) != 0)
			continue; /* no geometry: store.c reports the bad ones
			           */
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_double(st, 2, mbr[0]);
		sqlite3_bind_double(st, 3, mbr[2]);
		sqlite3_bind_double(st, 4, mbr[1]);
		sqlite3_bind_double(st, 5, mbr[3]);
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? sqlite3_reset(st) : rc;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Build the R*Tree of geometry table k in db and read its shadow rows. */
static int build_one(sqlite3 *db, const lr_dataset *d, const lr_result *r,
                     int k, lr__rtree_rows *t)
{
	int rc = sqlite3_exec(db,
	                      "CREATE VIRTUAL TABLE ix USING rtree(pkid, xmin, "
	                      "xmax, ymin, ymax); BEGIN",
	                      NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = insert_boxes(db, d, r, k);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_stmt *st = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db,
		                        "SELECT length(data) FROM ix_node "
		                        "WHERE nodeno = 1",
		                        -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		t->node_size = (size_t)sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		rc = read_rows(
		        db, "SELECT nodeno, data FROM ix_node ORDER BY 1",
		        &t->node_no, &t->n_nodes, &t->node, &t->node_size);
	if (rc == SQLITE_OK)
		rc = read_rows(db, "SELECT * FROM ix_rowid ORDER BY 1",
		               &t->rowid, &t->n_rowids, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = read_rows(db, "SELECT * FROM ix_parent ORDER BY 1",
		               &t->parent, &t->n_parents, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "DROP TABLE ix", NULL, NULL, NULL);
	return rc;
}

int lr__rtree_build(const lr_dataset *d, const lr_result *r, int k,
                    int page_size, lr__rtree_rows *out, lr_error *err)
{
	double t0 = lr_now_seconds();
	sqlite3 *db = NULL;
	char pragma[64];
	snprintf(pragma, sizeof pragma,
	         "PRAGMA page_size=%d; PRAGMA journal_mode=OFF", page_size);
	int rc = sqlite3_open_v2(":memory:", &db,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                                 SQLITE_OPEN_NOMUTEX,
	                         NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, pragma, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = build_one(db, d, r, k, out);
	if (rc != SQLITE_OK)
		lr_error_set(err,
		             rc == SQLITE_NOMEM ? LR_ERR_NOMEM : LR_ERR_STORE,
		             "spatial index: %s",
		             db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	sqlite3_close(db);
	out->seconds = lr_now_seconds() - t0;
	return rc == SQLITE_OK ? LR_OK : err->code;
}

void lr__rtree_rows_free(lr__rtree_rows *t)
{
	free(t->node_no);
	free(t->node);
	free(t->rowid);
	free(t->parent);
	*t = (lr__rtree_rows){0};
}
/* Insert n pairs of integers, or of an integer and a blob, with sql. */
static int insert_pairs(sqlite3 *db, const char *sql, const sqlite3_int64 *ids,
                        const unsigned char *blobs, size_t blob_size, size_t n)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
		sqlite3_bind_int64(st, 1, ids[2 * i]);
		if (blobs)
			sqlite3_bind_blob(st, 2, blobs + i * blob_size,
			                  (int)blob_size, SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, 2, ids[2 * i + 1]);
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? sqlite3_reset(st) : rc;
	}
	sqlite3_finalize(st);
	return rc;
}

int lr__rtree_rows_store(sqlite3 *db, const char *table,
                         const lr__rtree_rows *t)
{
	char sql[3][160];
	static const char *const fmt[3] = {
	        "INSERT OR REPLACE INTO \"idx_%s_geometry_node\" VALUES(?, ?)",
	        "INSERT INTO \"idx_%s_geometry_rowid\" VALUES(?, ?)",
	        "INSERT INTO \"idx_%s_geometry_parent\" VALUES(?, ?)"};
	for (int k = 0; k < 3; k++)
		snprintf(sql[k], sizeof sql[k], fmt[k], table);
	int rc = insert_pairs(db, sql[0], t->node_no, t->node, t->node_size,
	                      t->n_nodes);
	if (rc == SQLITE_OK)
		rc = insert_pairs(db, sql[1], t->rowid, NULL, 0, t->n_rowids);
	if (rc == SQLITE_OK)
		rc = insert_pairs(db, sql[2], t->parent, NULL, 0, t->n_parents);
	return rc;
}
