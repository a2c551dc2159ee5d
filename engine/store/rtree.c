/*
** The store's R*Tree spatial indexes, bulk-loaded: the boxes of a geometry
** table sorted along a Hilbert curve and packed into full nodes, level by
** level, written straight into the rows of SQLite's R*Tree shadow tables
** (idx_T_geometry_node, _rowid, _parent) in the R*Tree module's on-disk
** format (sqlite3 ext/rtree/rtree.c):
**
**   node blob: 2 bytes tree depth (the root's only; 0 elsewhere), 2 bytes
**   cell count, then the cells: an 8-byte id (a rowid in a leaf, a node
**   number above) and the box xmin, xmax, ymin, ymax as 32-bit floats, all
**   big-endian; zeros to the node size.  The root is node 1.
**
** The boxes are those CreateSpatialIndex() gives (each row's MBR rounded
** outward to floats as the module rounds them), so every spatial query
** finds the same rows; only the tree's shape differs from one built by
** inserting the rows one by one, which costs about 9 microseconds a box
** against well under one here.
*/
#include "spatial_int.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of a 2D cell: the id and four floats. */
#define CELL_BYTES 24
/* The module's most cells a node (RTREE_MAXCELLS). */
#define MAX_CELLS 51
#define NODE_HEADER 4

/* One cell: an id and its box (xmin, xmax, ymin, ymax), with its place
** on the Hilbert curve while sorting. */
typedef struct cell {
	sqlite3_int64 id;
	float box[4];
	uint32_t key;
} cell;

/* ---- Boxes as the R*Tree module stores them ------------------------------
 */

/* The module's rounding of a double to a float no greater (rtreeValueDown)
** and no less (rtreeValueUp) than it: one step of 2^-23 away when the
** nearest float falls on the wrong side. */
#define ROUND_TOWARDS (1.0 - 1.0 / 8388608.0)
#define ROUND_AWAY (1.0 + 1.0 / 8388608.0)

static float value_down(double d)
{
	float f = (float)d;
	if (f > d)
		f = (float)(d * (d < 0 ? ROUND_AWAY : ROUND_TOWARDS));
	return f;
}

static float value_up(double d)
{
	float f = (float)d;
	if (f < d)
		f = (float)(d * (d < 0 ? ROUND_TOWARDS : ROUND_AWAY));
	return f;
}

/* The cells of the rows of geometry table k that have a geometry, in
** rowid order (rowid = row + 1).  -1 when out of memory. */
static int collect_cells(const lr_dataset *d, const lr__face_boxes *faces,
                         int k, cell **out, size_t *n)
{
	size_t rows = lr__geo_rows(d, faces, k);
	*n = 0;
	*out = malloc((rows ? rows : 1) * sizeof **out);
	if (!*out)
		return -1;
	for (size_t i = 0; i < rows; i++) {
		double mbr[4];
		if (lr__geo_mbr(d, faces, k, i, mbr) != 0)
			continue; /* no geometry: store.c reports the bad ones
			           */
		cell *c = &(*out)[(*n)++];
		c->id = (sqlite3_int64)i + 1;
		c->box[0] = value_down(mbr[0]);
		c->box[1] = value_up(mbr[2]);
		c->box[2] = value_down(mbr[1]);
		c->box[3] = value_up(mbr[3]);
	}
	return 0;
}

/* ---- Hilbert order ----------------------------------------------------- */

#define HILBERT_SIDE 65536u

/* The distance of (x, y) along the Hilbert curve filling the square of
** HILBERT_SIDE cells a side. */
static uint32_t hilbert_key(uint32_t x, uint32_t y)
{
	uint32_t key = 0;
	for (uint32_t s = HILBERT_SIDE / 2; s > 0; s /= 2) {
		uint32_t rx = (x & s) > 0, ry = (y & s) > 0;
		key += s * s * ((3 * rx) ^ ry);
		if (ry == 0) {
			if (rx == 1) {
				x = HILBERT_SIDE - 1 - x;
				y = HILBERT_SIDE - 1 - y;
			}
			uint32_t t = x;
			x = y;
			y = t;
		}
	}
	return key;
}

/*
** Sort c by key, ties in their order: c comes in ascending id order
** (collect_cells), so this is the order of key then id.  Two passes of a
** radix sort on 16 bits each; qsort's merge sort took three times as long.
** -1 when out of memory.
*/
static int radix_sort_by_key(cell *c, size_t n)
{
	cell *tmp = malloc((n ? n : 1) * sizeof *tmp);
	size_t *count = calloc(65536, sizeof *count);
	if (!tmp || !count) {
		free(tmp);
		free(count);
		return -1;
	}
	cell *from = c, *to = tmp;
	for (int shift = 0; shift < 32; shift += 16) {
		memset(count, 0, 65536 * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[(from[i].key >> shift) & 0xffff]++;
		for (size_t b = 0, at = 0; b < 65536; b++) {
			size_t here = count[b];
			count[b] = at;
			at += here;
		}
		for (size_t i = 0; i < n; i++)
			to[count[(from[i].key >> shift) & 0xffff]++] = from[i];
		cell *t = from;
		from = to;
		to = t;
	}
	free(tmp); /* two passes: the sorted cells are back in c */
	free(count);
	return 0;
}

static int by_key_then_id(const void *a, const void *b)
{
	const cell *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* The box centre's place, 0 .. HILBERT_SIDE - 1, between lo and hi. */
static uint32_t grid(double v, double lo, double hi)
{
	if (!(hi > lo))
		return 0;
	double g = (v - lo) / (hi - lo) * (HILBERT_SIDE - 1);
	if (!(g > 0)) /* NaN too: no cast may see it */
		return 0;
	return g >= HILBERT_SIDE - 1 ? HILBERT_SIDE - 1 : (uint32_t)g;
}

/* Sort c along the Hilbert curve of the box centres' extent; ties (equal
** places) by id, so the order depends on the boxes alone. */
static void hilbert_sort(cell *c, size_t n)
{
	double lo[2] = {HUGE_VAL, HUGE_VAL}, hi[2] = {-HUGE_VAL, -HUGE_VAL};
	for (size_t i = 0; i < n; i++)
		for (int a = 0; a < 2; a++) {
			double m = ((double)c[i].box[2 * a] +
			            (double)c[i].box[2 * a + 1]) /
			           2;
			lo[a] = m < lo[a] ? m : lo[a];
			hi[a] = m > hi[a] ? m : hi[a];
		}
	for (size_t i = 0; i < n; i++) {
		double mx = ((double)c[i].box[0] + (double)c[i].box[1]) / 2,
		       my = ((double)c[i].box[2] + (double)c[i].box[3]) / 2;
		c[i].key = hilbert_key(grid(mx, lo[0], hi[0]),
		                       grid(my, lo[1], hi[1]));
	}
	if (radix_sort_by_key(c, n) != 0)
		qsort(c, n, sizeof *c, by_key_then_id);
}

/* ---- Packing ------------------------------------------------------------- */

static void put_be(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static void put_cell(unsigned char *p, const cell *c)
{
	put_be(p, (uint64_t)c->id, 8);
	for (int a = 0; a < 4; a++) {
		uint32_t u;
		memcpy(&u, &c->box[a], sizeof u);
		put_be(p + 8 + 4 * a, u, 4);
	}
}

/* The nodes a level of n cells packs into, m cells a node at most; a tree
** always has its root, however empty. */
static size_t nodes_for(size_t n, size_t m)
{
	return n <= m ? 1 : (n + m - 1) / m;
}

/* The numbers of the tree's nodes: the root is 1, then each level below
** it in turn, the leaves last.  first[h]: the first node of level h (0:
** the leaves); *levels, *total. */
typedef struct tree_shape {
	size_t count[64];
	sqlite3_int64 first[64];
	int levels;
	size_t total;
} tree_shape;

static void shape_tree(size_t n, size_t m, tree_shape *s)
{
	s->levels = 0;
	s->total = 0;
	do {
		n = nodes_for(n, m);
		s->count[s->levels++] = n;
		s->total += n;
	} while (n > 1);
	sqlite3_int64 next = 1;
	for (int h = s->levels - 1; h >= 0; h--) {
		s->first[h] = next;
		next += (sqlite3_int64)s->count[h];
	}
}

/*
** Pack the n cells of level h into s->count[h] nodes of t, as evenly as
** possible (a packed node is never below the module's minimum fill, a
** third), each cell's id recorded as held by its node (t->rowid for
** leaves, t->parent above); the nodes' cells for the level above into
** up.  depth: the root's header.
*/
static void pack_level(const cell *c, size_t n, int h, const tree_shape *s,
                       lr__rtree_rows *t, cell *up)
{
	size_t nodes = s->count[h];
	for (size_t j = 0; j < nodes; j++) {
		size_t a = j * n / nodes, b = (j + 1) * n / nodes;
		sqlite3_int64 no = s->first[h] + (sqlite3_int64)j;
		unsigned char *p = t->node + (size_t)(no - 1) * t->node_size;
		if (no == 1)
			put_be(p, (uint64_t)(s->levels - 1), 2);
		put_be(p + 2, b - a, 2);
		cell u = {.id = no,
		          .box = {HUGE_VAL, -HUGE_VAL, HUGE_VAL, -HUGE_VAL}};
		for (size_t i = a; i < b; i++) {
			put_cell(p + NODE_HEADER + (i - a) * CELL_BYTES, &c[i]);
			for (int e = 0; e < 4; e += 2) {
				if (c[i].box[e] < u.box[e])
					u.box[e] = c[i].box[e];
				if (c[i].box[e + 1] > u.box[e + 1])
					u.box[e + 1] = c[i].box[e + 1];
			}
			sqlite3_int64 *pair =
			        h == 0 ? &t->rowid[2 * (c[i].id - 1)]
			               : &t->parent[2 * (c[i].id - 2)];
			pair[0] = c[i].id;
			pair[1] = no;
		}
		t->node_no[2 * (no - 1)] = no;
		if (up)
			up[j] = u;
	}
}

/* Allocate t for s: nodes zeroed, a rowid slot for each of `rows` rows. */
static int alloc_rows(lr__rtree_rows *t, const tree_shape *s, size_t rows,
                      size_t node_size)
{
	t->node_size = node_size;
	t->n_nodes = s->total;
	t->n_parents = s->total - 1;
	t->node_no = calloc(s->total, 2 * sizeof *t->node_no);
	t->node = calloc(s->total, node_size);
	t->rowid = calloc(rows ? rows : 1, 2 * sizeof *t->rowid);
	t->parent = calloc(s->total, 2 * sizeof *t->parent);
	return t->node_no && t->node && t->rowid && t->parent ? 0 : -1;
}

/* Keep only the rowid slots of rows that have a cell, in rowid order. */
static void squeeze_rowids(lr__rtree_rows *t, size_t rows)
{
	size_t n = 0;
	for (size_t i = 0; i < rows; i++)
		if (t->rowid[2 * i] != 0) {
			t->rowid[2 * n] = t->rowid[2 * i];
			t->rowid[2 * n + 1] = t->rowid[2 * i + 1];
			n++;
		}
	t->n_rowids = n;
}

/* Pack the n sorted cells c (overwritten) into the tree of shape s. */
static int pack_tree(cell *c, size_t n, const tree_shape *s, size_t rows,
                     lr__rtree_rows *t)
{
	cell *up = malloc(s->count[0] * sizeof *up);
	if (!up)
		return -1;
	for (int h = 0; h < s->levels; h++) {
		int top = h + 1 == s->levels;
		pack_level(c, n, h, s, t, top ? NULL : up);
		n = s->count[h];
		if (!top)
			memcpy(c, up, n * sizeof *c);
	}
	free(up);
	squeeze_rowids(t, rows);
	return 0;
}

int lr__rtree_build(const lr_dataset *d, const lr__face_boxes *faces, int k,
                    size_t node_size, lr__rtree_rows *out, lr_error *err)
{
	double t0 = lr_now_seconds();
	*out = (lr__rtree_rows){0};
	size_t m = (node_size - NODE_HEADER) / CELL_BYTES, n = 0;
	if (node_size < NODE_HEADER || m > MAX_CELLS || m < 3)
		return lr_error_set(err, LR_ERR_STORE,
		                    "spatial index: nodes of %zu bytes",
		                    node_size);
	cell *c = NULL;
	tree_shape s;
	int rc = collect_cells(d, faces, k, &c, &n);
	if (rc == 0) {
		hilbert_sort(c, n);
		shape_tree(n, m, &s);
		rc = alloc_rows(out, &s, lr__geo_rows(d, faces, k), node_size);
	}
	if (rc == 0)
		rc = pack_tree(c, n, &s, lr__geo_rows(d, faces, k), out);
	free(c);
	out->seconds = lr_now_seconds() - t0;
	if (rc != 0) {
		lr__rtree_rows_free(out);
		return lr_error_set(err, LR_ERR_NOMEM,
		                    "spatial index: out of memory");
	}
	return LR_OK;
}

void lr__rtree_rows_free(lr__rtree_rows *t)
{
	free(t->node_no);
	free(t->node);
	free(t->rowid);
	free(t->parent);
	*t = (lr__rtree_rows){0};
}

/* ---- Into the store ----------------------------------------------------- */

/* Pairs an INSERT of the index's rows writes at once: a statement's step
** costs about as much again as its row. */
#define PAIRS_BATCH 64

size_t lr__values_sql_size(const char *head, int n_params, int rows)
{
	return strlen(head) + (size_t)rows * (2 * (size_t)n_params + 2) + 1;
}

void lr__values_sql(char *sql, const char *head, int n_params, int rows)
{
	size_t at = strlen(head);
	memcpy(sql, head, at);
	for (int r = 0; r < rows; r++) {
		sql[at++] = r ? ',' : ' ';
		sql[at++] = '(';
		for (int k = 0; k < n_params; k++) {
			if (k)
				sql[at++] = ',';
			sql[at++] = '?';
		}
		sql[at++] = ')';
	}
	sql[at] = '\0';
}

/* head (an INSERT up to VALUES) with `rows` pairs of parameters. */
static int prepare_pairs(sqlite3 *db, const char *head, int rows,
                         sqlite3_stmt **st)
{
	char sql[160 + 6 * PAIRS_BATCH];
	if (lr__values_sql_size(head, 2, rows) > sizeof sql)
		return SQLITE_TOOBIG;
	lr__values_sql(sql, head, 2, rows);
	return sqlite3_prepare_v2(db, sql, -1, st, NULL);
}

/* Insert n pairs of integers, or of an integer and a blob, with head,
** PAIRS_BATCH pairs a statement while that many are left, in order. */
static int insert_pairs(sqlite3 *db, const char *head, const sqlite3_int64 *ids,
                        const unsigned char *blobs, size_t blob_size, size_t n)
{
	sqlite3_stmt *many = NULL, *one = NULL;
	int rc = prepare_pairs(db, head, 1, &one);
	if (rc == SQLITE_OK && n >= PAIRS_BATCH)
		rc = prepare_pairs(db, head, PAIRS_BATCH, &many);
	for (size_t i = 0; rc == SQLITE_OK && i < n;) {
		int rows = n - i >= PAIRS_BATCH ? PAIRS_BATCH : 1;
		sqlite3_stmt *st = rows > 1 ? many : one;
		for (int r = 0; r < rows; r++, i++) {
			sqlite3_bind_int64(st, 2 * r + 1, ids[2 * i]);
			if (blobs)
				sqlite3_bind_blob(
				        st, 2 * r + 2, blobs + i * blob_size,
				        (int)blob_size, SQLITE_STATIC);
			else
				sqlite3_bind_int64(st, 2 * r + 2,
				                   ids[2 * i + 1]);
		}
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? sqlite3_reset(st) : rc;
	}
	sqlite3_finalize(many);
	sqlite3_finalize(one);
	return rc;
}

int lr__rtree_rows_store(sqlite3 *db, const char *table,
                         const lr__rtree_rows *t)
{
	char sql[3][160];
	static const char *const fmt[3] = {
	        "INSERT OR REPLACE INTO \"idx_%s_geometry_node\" VALUES",
	        "INSERT INTO \"idx_%s_geometry_rowid\" VALUES",
	        "INSERT INTO \"idx_%s_geometry_parent\" VALUES"};
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

/* The node size of the R*Tree of table in db: its root's, which
** CreateSpatialIndex() made from the page size, as the module reads it. */
int lr__rtree_node_size(sqlite3 *db, const char *table, size_t *size)
{
	char sql[160];
	snprintf(sql, sizeof sql,
	         "SELECT length(data) FROM \"idx_%s_geometry_node\" WHERE "
	         "nodeno = 1",
	         table);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*size = (size_t)sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			rc = SQLITE_CORRUPT;
		}
	}
	sqlite3_finalize(st);
	return rc;
}
