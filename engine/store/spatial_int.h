/*
** Private to engine/store/: the store's geometries as SpatiaLite blobs
** (spatial.c) and its spatial indexes bulk-loaded (rtree.c), so that
** store.c writes rows while the indexes are built alongside.
*/
#ifndef LR_SPATIAL_INT_H
#define LR_SPATIAL_INT_H

#include "lr_store.h"

#include <sqlite3.h>
#include <stddef.h>

/* A growing byte buffer, reused from row to row. */
typedef struct lr__blob {
	unsigned char *data; /* owned */
	size_t size, cap;
} lr__blob;

void lr__blob_free(lr__blob *b);

/*
** Encode w (little-endian ISO WKB, a 2D MultiPolygon: lr_geo.h) as the
** SpatiaLite geometry blob GeomFromWKB(w, srid) makes, byte for byte, into
** out.  Returns 0; 1 when w is empty (GeomFromWKB gives NULL: out is
** empty); -1 when w is not such a MultiPolygon; -2 when out of memory.
** mbr_out (NULL: not wanted) gets the blob's MBR when it returns 0.
*/
int lr__spatialite_blob(const lr_wkb *w, int srid, lr__blob *out,
                        double mbr_out[4]);

/*
** The MBR (minx, miny, maxx, maxy) of w's exterior rings, as SpatiaLite's
** blob of w holds it: 0; 1 when w is empty, -1 when it is not a
** little-endian 2D MultiPolygon (no geometry in the store either way).
*/
int lr__wkb_mbr(const lr_wkb *w, double mbr[4]);

/*
** An INSERT of `rows` rows at once: head (the statement up to VALUES)
** then " (?,?),(?,?)" with n_params parameters a row, written into sql,
** which holds lr__values_sql_size() bytes (the NUL included).
*/
size_t lr__values_sql_size(const char *head, int n_params, int rows);
void lr__values_sql(char *sql, const char *head, int n_params, int rows);

/* The geometry tables of the store, in the order their indexes are made. */
enum {
	LR__GEO_REGIONS,
	LR__GEO_HAZARDS,
	LR__GEO_RELEASES,
	LR__GEO_FACES,
	LR__N_GEO
};

/*
** The rows of SpatiaLite's R*Tree shadow tables (idx_T_geometry_node,
** _rowid, _parent) of one geometry table: the boxes CreateSpatialIndex()
** would index (each row's MBR rounded outward to floats), packed in
** Hilbert order into a tree SQLite's R*Tree module reads, queries and
** updates as its own.  Nodes in node-number order (the root, node 1,
** first), rowids and parents in key order.
*/
typedef struct lr__rtree_rows {
	size_t n_nodes, node_size;
	sqlite3_int64 *node_no; /* [n_nodes][2]: node, unused */
	unsigned char *node;    /* [n_nodes * node_size] */
	size_t n_rowids;        /* one per indexed row */
	sqlite3_int64 *rowid;   /* [n_rowids][2]: rowid, node */
	size_t n_parents;       /* one per node but the root */
	sqlite3_int64 *parent;  /* [n_parents][2]: node, parent */
	double seconds;         /* the time its build took */
} lr__rtree_rows;

/* The MBR of each face's row as the store wrote it, kept because the
** face's WKB is freed once its row is written: mbr[i][0] is NaN for a row
** without a geometry. */
typedef struct lr__face_boxes {
	double (*mbr)[4]; /* owned: [cap] */
	size_t len, cap;
} lr__face_boxes;

/*
** Build the R*Tree of geometry table k (LR__GEO_*) of d and faces with nodes
** of node_size bytes (lr__rtree_node_size).  Runs on any thread: it reads
** d and faces only.  LR_OK, or an error code with err set; out is freed with
** lr__rtree_rows_free() either way.
*/
int lr__rtree_build(const lr_dataset *d, const lr__face_boxes *faces, int k,
                    size_t node_size, lr__rtree_rows *out, lr_error *err);

/* The node size of the (empty) index of geometry table `table` in db, as
** CreateSpatialIndex() made it from the page size.  SQLITE_OK or the
** error. */
int lr__rtree_node_size(sqlite3 *db, const char *table, size_t *size);

void lr__rtree_rows_free(lr__rtree_rows *t);

/*
** Write t's rows into the shadow tables of the index of geometry table
** `table` ("faces") in db, which CreateSpatialIndex() made on the empty
** table.  SQLITE_OK or the SQLite error code.
*/
int lr__rtree_rows_store(sqlite3 *db, const char *table,
                         const lr__rtree_rows *t);

/* The number of rows of geometry table k; faces: the faces' rows written. */
size_t lr__geo_rows(const lr_dataset *d, const lr__face_boxes *faces, int k);
/* The MBR of row i of geometry table k, as lr__wkb_mbr gives it (a face's
** as its row's blob held it): 0, or 1 for a row without a geometry. */
int lr__geo_mbr(const lr_dataset *d, const lr__face_boxes *faces, int k,
                size_t i, double mbr[4]);

#endif
