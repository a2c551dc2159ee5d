/*
** Faces of the ledger.  Each cluster of overlapping inputs is built alone:
** the boundaries of its hazards and releases, plus the pieces of region
** borders that cross it, are noded together and the faces of that
** arrangement found in one pass, where successive pairwise overlays would
** re-node the same edges once per input and accumulate slivers.
**
** Noding is node.c's: the cuts GEOSNode_r makes, in one pass, proved to
** leave nothing to cut (else GEOSNode_r itself); the faces are traced
** from the noded segments' half-edges (trace.c); each face learns
** which inputs cover it by following the inputs' boundaries along its
** edges (label.c), and the faces must prove themselves: labels that agree
** across every edge, no face under 1 m2 (covered or not), and the planar
** areas of the faces covering each input adding up to the input's own.
** A component whose noding fails in GEOS, whose segments cannot be traced
** or whose faces fail that proof is built again the reference way: noded
** by a unary union (OverlayNG, which validates its noding and snaps when
** it must), polygonized, each face labelled from one interior point.
*/
#include "overlay_int.h"
#include "meet_int.h"
#include "node_int.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

const lr_wkb *lr__item_geom(const lr__overlay_input *in, int32_t item)
{
	if ((size_t)item < in->n_hazards)
		return &LR_VEC_AT(&in->d->hazards, lr_hazard, item).geom;
	return &LR_VEC_AT(&in->d->releases, lr_release,
	                  (size_t)item - in->n_hazards)
	                .geom;
}

static lr_box wkb_box(const lr_wkb *w)
{
	lr_box b = {w->minx, w->miny, w->maxx, w->maxy};
	return b;
}

/* ---- Clusters of overlapping envelopes --------------------------------- */

static int32_t uf_find(int32_t *parent, int32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

static void uf_union(int32_t *parent, int32_t a, int32_t b)
{
	a = uf_find(parent, a);
	b = uf_find(parent, b);
	/* The smaller index is the root: cluster order follows input order. */
	if (a < b)
		parent[b] = a;
	else if (b < a)
		parent[a] = b;
}

static void link_pair(size_t i, size_t j, void *parent)
{
	uf_union(parent, (int32_t)i, (int32_t)j);
}

static void free_forests(int32_t **forest, int n_threads)
{
	for (int t = 1; forest && t < n_threads; t++)
		free(forest[t]);
	free(forest);
}

/*
** Union in parent[0..n) every pair of items whose boxes meet.  The tree
** is joined with itself (each pair of meeting boxes found once) in parts
** spread over n_threads, each thread's unions into a forest of its own
** (parent itself for the first), then every forest is merged into parent.
** The sets are the connected components of the pairs whatever the order
** of the unions, and each root is its set's smallest item, so the result
** is the same for any number of threads.  LR_OK or LR_ERR_NOMEM.
*/
static int link_boxes(const lr_rtree *tree, size_t n, int32_t *parent,
                      int n_threads)
{
	lr_rtree_pair *parts = NULL;
	size_t n_parts = 0;
	int32_t **forest = calloc((size_t)n_threads, sizeof *forest);
	if (!forest || lr_rtree_join_parts(tree, 256, &parts, &n_parts)) {
		free(forest);
		return LR_ERR_NOMEM;
	}
	forest[0] = parent;
	for (int t = 1; t < n_threads; t++) {
		if (!(forest[t] = malloc((n ? n : 1) * sizeof **forest))) {
			free_forests(forest, n_threads);
			free(parts);
			return LR_ERR_NOMEM;
		}
		memcpy(forest[t], parent, n * sizeof **forest);
	}
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
	for (size_t p = 0; p < n_parts; p++)
		lr_rtree_join_pair(tree, &parts[p], link_pair,
		                   forest[omp_get_thread_num()]);
	for (int t = 1; t < n_threads; t++)
		for (size_t i = 0; i < n; i++)
			if (forest[t][i] != (int32_t)i)
				uf_union(parent, (int32_t)i, forest[t][i]);
	free_forests(forest, n_threads);
	free(parts);
	return LR_OK;
}

/* parent[i] <= i always (a root is its set's smallest item, and halving
** a path only moves up it), so in item order each item's parent already
** points at its root: one pass leaves every item pointing at its root. */
static void flatten(int32_t *parent, size_t n)
{
	for (size_t i = 0; i < n; i++)
		parent[i] = parent[parent[i]];
}

/* Number the clusters by their root in item order and place every item
** into order[] by cluster; parent[] flattened, count[n + 1] zeroed.
** *starts_out: a new array of *n_clusters + 1 entries, or NULL. */
static void group_items(int32_t *parent, size_t n, size_t *count,
                        int32_t *cluster_of_root, int32_t *order,
                        size_t **starts_out, size_t *n_clusters)
{
	size_t nc = 0;
	for (size_t i = 0; i < n; i++) {
		int32_t r = parent[i];
		if (r == (int32_t)i)
			cluster_of_root[r] = (int32_t)nc++;
		count[cluster_of_root[r] + 1]++;
	}
	size_t *starts = malloc((nc + 1) * sizeof *starts);
	*starts_out = starts;
	*n_clusters = nc;
	if (!starts)
		return;
	starts[0] = 0;
	for (size_t c = 0; c < nc; c++)
		starts[c + 1] = starts[c] + count[c + 1];
	memset(count, 0, (n + 1) * sizeof *count);
	for (size_t i = 0; i < n; i++) {
		int32_t c = cluster_of_root[parent[i]];
		order[starts[c] + count[c]++] = (int32_t)i;
	}
}

int lr__overlay_clusters(const lr__overlay_input *in, int n_threads,
                         int32_t **order_out, size_t **starts_out,
                         size_t *n_clusters, lr_error *err)
{
	size_t n = in->n_hazards + in->n_releases;
	lr_box *boxes = malloc((n ? n : 1) * sizeof *boxes);
	int32_t *parent = malloc((n ? n : 1) * sizeof *parent);
	size_t *count = calloc(n + 1, sizeof *count);
	int32_t *order = malloc((n ? n : 1) * sizeof *order);
	size_t *starts = NULL;
	lr_rtree *tree = NULL;
	if (!boxes || !parent || !count || !order)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		boxes[i] = wkb_box(lr__item_geom(in, (int32_t)i));
		parent[i] = (int32_t)i;
	}
	tree = lr_rtree_build(boxes, n);
	if (!tree || link_boxes(tree, n, parent, n_threads > 0 ? n_threads : 1))
		goto nomem;
	flatten(parent, n);
	/* The boxes are done with: n int32 fit in their place. */
	group_items(parent, n, count, (int32_t *)boxes, order, &starts,
	            n_clusters);
	if (!starts)
		goto nomem;
	lr_rtree_free(tree);
	free(boxes);
	free(parent);
	free(count);
	*order_out = order;
	*starts_out = starts;
	return LR_OK;
nomem:
	lr_rtree_free(tree);
	free(boxes);
	free(parent);
	free(count);
	free(order);
	return lr_error_set(err, LR_ERR_NOMEM,
	                    "out of memory clustering %zu "
	                    "inputs",
	                    n);
}

/* ---- Workers ------------------------------------------------------------ */

int lr__worker_init(lr__worker *w, const lr__overlay_input *in)
{
	memset(w, 0, sizeof *w);
	w->in = in;
	size_t nr = in->n_regions ? in->n_regions : 1;
	w->region_geom = calloc(nr, sizeof *w->region_geom);
	w->region_prep = calloc(nr, sizeof *w->region_prep);
	w->region_boundary = calloc(nr, sizeof *w->region_boundary);
	if (!w->region_geom || !w->region_prep || !w->region_boundary)
		return LR_ERR_NOMEM;
	w->ctx = lr_geos_new(&w->err);
	return w->ctx ? LR_OK : LR_ERR_GEOM;
}

void lr__worker_free(lr__worker *w)
{
	if (w->ctx) {
		for (size_t i = 0; i < w->in->n_regions; i++) {
			/* A prepared geometry needs its base: destroy it first.
			 */
			if (w->region_prep[i])
				GEOSPreparedGeom_destroy_r(w->ctx,
				                           w->region_prep[i]);
			GEOSGeom_destroy_r(w->ctx, w->region_geom[i]);
			GEOSGeom_destroy_r(w->ctx, w->region_boundary[i]);
		}
		GEOS_finish_r(w->ctx);
	}
	free(w->region_geom);
	free(w->region_prep);
	free(w->region_boundary);
	memset(w, 0, sizeof *w);
}

/* Region i's geometry, prepared geometry and boundary in this worker. */
static int worker_region(lr__worker *w, size_t i)
{
	if (w->region_prep[i])
		return LR_OK;
	const lr_region *r = &LR_VEC_AT(&w->in->d->regions, lr_region, i);
	w->region_geom[i] = lr_wkb_to_geos_r(w->ctx, &r->geom);
	if (!w->region_geom[i])
		return LR_ERR_GEOM;
	w->region_boundary[i] = GEOSBoundary_r(w->ctx, w->region_geom[i]);
	w->region_prep[i] = GEOSPrepare_r(w->ctx, w->region_geom[i]);
	return w->region_boundary[i] && w->region_prep[i] ? LR_OK : LR_ERR_GEOM;
}

void lr__cluster_faces_init(lr__cluster_faces *cf)
{
	lr_vec_init(&cf->faces, sizeof(lr__raw_face));
	lr_vec_init(&cf->covers, sizeof(int32_t));
}

void lr__cluster_faces_free(lr__cluster_faces *cf)
{
	for (size_t i = 0; i < cf->faces.len; i++)
		lr_wkb_free(&LR_VEC_AT(&cf->faces, lr__raw_face, i).wkb);
	lr_vec_free(&cf->faces);
	lr_vec_free(&cf->covers);
}

typedef struct region_hits {
	size_t *idx;
	size_t n, cap;
	bool nomem; /* the query stopped: idx could not grow */
} region_hits;

static int collect_region(size_t i, void *ud)
{
	region_hits *h = ud;
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 8;
		size_t *p = realloc(h->idx, cap * sizeof *p);
		if (!p) {
			h->nomem = true;
			return 1;
		}
		h->idx = p;
		h->cap = cap;
	}
	h->idx[h->n++] = i;
	return 0;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

static GEOSGeometry *box_polygon(GEOSContextHandle_t ctx, const lr_box *b)
{
	return GEOSGeom_createRectangle_r(ctx, b->minx, b->miny, b->maxx,
	                                  b->maxy);
}

/* Push a face with its covers; takes ownership of wkb, which is freed if
** the face cannot be kept. */
static int push_wkb_face(lr__cluster_faces *out, lr_wkb *wkb, int region,
                         double area_m2, const int32_t *covers, size_t n_covers)
{
	lr__raw_face f = {region, lr_cents_from_m2(area_m2), out->covers.len,
	                  n_covers, *wkb};
	for (size_t i = 0; i < n_covers; i++)
		if (!lr_vec_push(&out->covers, &covers[i]))
			goto nomem;
	if (!lr_vec_push(&out->faces, &f))
		goto nomem;
	return LR_OK;
nomem:
	out->covers.len = f.first_cover;
	lr_wkb_free(wkb);
	return LR_ERR_NOMEM;
}

/* Push a face given as a GEOS polygon (borrowed), written as WKB once. */
static int push_face(lr__worker *w, lr__cluster_faces *out,
                     const GEOSGeometry *geom, int region, double area_m2,
                     const int32_t *covers, size_t n_covers)
{
	lr_wkb wkb;
	int rc = lr_geos_to_wkb_r(w->ctx, geom, &wkb, &w->err);
	if (rc != LR_OK)
		return rc;
	return push_wkb_face(out, &wkb, region, area_m2, covers, n_covers);
}

/* One connected component of a cluster, as its faces are built. */
typedef struct component {
	const int32_t *items;           /* borrowed: item numbers [n] */
	GEOSGeometry **g;               /* borrowed: their geometries [n] */
	const GEOSPreparedGeometry **p; /* borrowed: prepared on demand [n] */
	size_t n;
	lr_box env;       /* envelope of every item */
	region_hits hits; /* owned: regions meeting env, ascending */
	int fixed_region; /* region holding all of env, n_regions for none,
	                  ** -1 when the faces are placed one by one */
} component;

/* The envelope of the component and the regions that meet it.  The common
** case: one region holds the whole envelope, and every face is in it. */
static int locate_regions(lr__worker *w, component *c)
{
	GEOSContextHandle_t ctx = w->ctx;
	const lr__overlay_input *in = w->in;
	c->env = wkb_box(lr__item_geom(in, c->items[0]));
	for (size_t i = 1; i < c->n; i++) {
		lr_box b = wkb_box(lr__item_geom(in, c->items[i]));
		if (b.minx < c->env.minx)
			c->env.minx = b.minx;
		if (b.miny < c->env.miny)
			c->env.miny = b.miny;
		if (b.maxx > c->env.maxx)
			c->env.maxx = b.maxx;
		if (b.maxy > c->env.maxy)
			c->env.maxy = b.maxy;
	}
	lr_rtree_query(in->region_tree, &c->env, collect_region, &c->hits);
	if (c->hits.nomem)
		return LR_ERR_NOMEM; /* else land could be put in no region */
	if (c->hits.n > 1)
		qsort(c->hits.idx, c->hits.n, sizeof *c->hits.idx, cmp_size);
	GEOSGeometry *rect = box_polygon(ctx, &c->env);
	if (!rect)
		return LR_ERR_GEOM;
	int rc = LR_OK;
	c->fixed_region = -1;
	for (size_t k = 0; k < c->hits.n; k++) {
		size_t ri = c->hits.idx[k];
		char in_region = 2;
		if (worker_region(w, ri) == LR_OK)
			in_region = GEOSPreparedContains_r(
			        ctx, w->region_prep[ri], rect);
		if (in_region == 2) {
			rc = LR_ERR_GEOM;
			break;
		}
		if (in_region) {
			c->fixed_region = (int)ri;
			break;
		}
	}
	if (c->fixed_region < 0 && c->hits.n == 0)
		c->fixed_region = (int)in->n_regions; /* in no region at all */
	GEOSGeom_destroy_r(ctx, rect);
	return rc;
}

/*
** The linework lines noded into segs (lr__seg): by lr__node, or by
** GEOSNode_r where lr__node cannot prove its result fully noded (the
** same pieces either way when both can) or where `how` asks for it.
*/
static int fast_segments(lr__worker *w, const GEOSGeometry *lines,
                         lr__noding how, lr_vec *segs)
{
	lr__linework lw;
	lr__noded nd;
	bool noded = false;
	lr__linework_init(&lw);
	lr__noded_init(&nd);
	int rc = how == LR__NODING_FAST ? lr__linework_add(w->ctx, lines, &lw)
	                                : LR_OK;
	if (rc == LR_OK && how == LR__NODING_FAST)
		rc = lr__node(&lw, &nd, &noded);
	if (rc == LR_OK && noded) {
		lr_vec_free(segs);
		*segs = nd.pieces; /* taken over */
		lr_vec_init(&nd.pieces, sizeof(lr__seg));
	} else if (rc == LR_OK) {
		w->counts.node_declined += how == LR__NODING_FAST;
		GEOSGeometry *g = GEOSNode_r(w->ctx, lines);
		rc = g ? lr__segs_of_lines(w->ctx, g, segs) : LR_ERR_GEOM;
		GEOSGeom_destroy_r(w->ctx, g);
	}
	lr__linework_free(&lw);
	lr__noded_free(&nd);
	return rc;
}

/*
** The linework of the arrangement, not yet noded: the input boundaries and
** the region borders inside the envelope (unless one region holds it
** all).  Returns a new collection or NULL (*rc set).
*/
static GEOSGeometry *linework(lr__worker *w, const component *c, int *rc)
{
	GEOSContextHandle_t ctx = w->ctx;
	size_t n_parts = 0, cap = c->n + c->hits.n;
	GEOSGeometry *lines = NULL;
	GEOSGeometry **parts = calloc(cap, sizeof *parts);
	*rc = LR_ERR_NOMEM;
	if (!parts)
		return NULL;
	*rc = LR_ERR_GEOM;
	for (size_t i = 0; i < c->n; i++)
		if (!(parts[n_parts++] = GEOSBoundary_r(ctx, c->g[i])))
			goto done;
	for (size_t k = 0; c->fixed_region < 0 && k < c->hits.n; k++) {
		GEOSGeometry *clip = GEOSClipByRect_r(
		        ctx, w->region_boundary[c->hits.idx[k]], c->env.minx,
		        c->env.miny, c->env.maxx, c->env.maxy);
		if (!clip)
			goto done;
		parts[n_parts++] = clip;
	}
	lines = GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts,
	                                    (unsigned)n_parts);
	if (lines) {
		n_parts = 0; /* the collection owns the parts now */
		*rc = LR_OK;
	}
done:
	for (size_t i = 0; i < n_parts; i++)
		GEOSGeom_destroy_r(ctx, parts[i]);
	free(parts);
	return lines;
}

/* Every face of the arrangement noded the reference way (a unary union),
** polygonized.  Returns a new collection or NULL (*rc set). */
static GEOSGeometry *reference_arrangement(lr__worker *w, const component *c,
                                           int *rc)
{
	GEOSGeometry *lines = linework(w, c, rc);
	if (!lines)
		return NULL;
	GEOSGeometry *noded = GEOSUnaryUnion_r(w->ctx, lines);
	GEOSGeom_destroy_r(w->ctx, lines);
	const GEOSGeometry *noded_c = noded;
	GEOSGeometry *faces =
	        noded ? GEOSPolygonize_r(w->ctx, &noded_c, 1) : NULL;
	GEOSGeom_destroy_r(w->ctx, noded);
	*rc = faces ? LR_OK : LR_ERR_GEOM;
	return faces;
}

/* The items covering the point pt (inside one face) into covers. */
static int point_covers(lr__worker *w, component *c, const GEOSGeometry *pt,
                        int32_t *covers, size_t *nc)
{
	*nc = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (!c->p[i] && !(c->p[i] = GEOSPrepare_r(w->ctx, c->g[i])))
			return LR_ERR_GEOM;
		char hit = GEOSPreparedIntersects_r(w->ctx, c->p[i], pt);
		if (hit == 2)
			return LR_ERR_GEOM;
		if (hit)
			covers[(*nc)++] = c->items[i];
	}
	return LR_OK;
}

/* The region holding the point pt: the first that meets it in index
** order, n_regions for none. */
static int point_region(lr__worker *w, const component *c,
                        const GEOSGeometry *pt, int *region)
{
	*region = (int)w->in->n_regions;
	for (size_t k = 0; k < c->hits.n; k++) {
		char hit = GEOSPreparedIntersects_r(
		        w->ctx, w->region_prep[c->hits.idx[k]], pt);
		if (hit == 2)
			return LR_ERR_GEOM;
		if (hit) {
			*region = (int)c->hits.idx[k];
			break;
		}
	}
	return LR_OK;
}

/* Keep face (borrowed from the arrangement) if an input covers it: its
** covers and region from one interior point, its geodesic area. */
static int add_face(lr__worker *w, component *c, const GEOSGeometry *face,
                    int32_t *covers, lr__cluster_faces *out)
{
	GEOSContextHandle_t ctx = w->ctx;
	GEOSGeometry *pt = GEOSPointOnSurface_r(ctx, face);
	if (!pt)
		return LR_ERR_GEOM;
	size_t nc = 0;
	int region = c->fixed_region;
	int rc = point_covers(w, c, pt, covers, &nc);
	if (rc == LR_OK && nc > 0 && region < 0)
		rc = point_region(w, c, pt, &region);
	GEOSGeom_destroy_r(ctx, pt);
	if (rc != LR_OK || nc == 0)
		return rc; /* nc 0: a hole in every input, or region-only land
		            */
	double a = lr_ellipsoid_area_r(ctx, face);
	if (a < 0)
		return LR_ERR_GEOM;
	return push_face(w, out, face, region, a, covers, nc);
}

/* The faces of c's arrangement noded the reference way, each labelled by
** one interior point, into out. */
static int reference_faces(lr__worker *w, component *c, int32_t *covers,
                           lr__cluster_faces *out)
{
	int rc;
	GEOSGeometry *faces = reference_arrangement(w, c, &rc);
	if (!faces)
		return rc;
	int n_faces = GEOSGetNumGeometries_r(w->ctx, faces);
	for (int f = 0; rc == LR_OK && f < n_faces; f++)
		rc = add_face(w, c, GEOSGetGeometryN_r(w->ctx, faces, f),
		              covers, out);
	GEOSGeom_destroy_r(w->ctx, faces);
	return rc;
}

/* Relative tolerance of the proof: the faces' coordinates are the inputs'
** own or nodes computed in doubles, so a right arrangement adds up to an
** input's planar area within about 1e-13 relative; a missed crossing or a
** wrong label moves a whole face. */
#define PROOF_TOLERANCE 1e-9

/* Faces under 1 m2 (in cents) are where edges nearly coincide: there the
** reference merges or snaps what GEOSNode_r leaves as a sliver, and the
** reference's arrangement is the one the ledger keeps. */
#define SLIVER_CENTS 100

typedef enum { PROVED = 0, NOT_PROVED_SLIVER, NOT_PROVED_AREAS } proof;

/* Scratch for the points of one ring of a traced face at a time. */
typedef struct ring_buf {
	double *xy; /* owned */
	size_t cap; /* points */
} ring_buf;

/* The points of ring r of a into b->xy (closed); NULL when out of memory. */
static const double *ring_points(const lr__arrangement *a, size_t r,
                                 ring_buf *b)
{
	size_t n = (size_t)a->rings[r].n + 1;
	if (n > b->cap) {
		double *xy = realloc(b->xy, 2 * n * sizeof *xy);
		if (!xy)
			return NULL;
		b->xy = xy;
		b->cap = n;
	}
	lr__ring_xy(a, r, b->xy);
	return b->xy;
}

/* The geodesic area of face f of a (its shell less its holes), -1 when
** out of memory. */
static double traced_area(const lr__arrangement *a, size_t f, ring_buf *b)
{
	double m2 = 0;
	for (size_t r = a->face_first[f]; r < a->face_first[f + 1]; r++) {
		const double *xy = ring_points(a, r, b);
		if (!xy)
			return -1;
		double ring = lr_ellipsoid_ring_area(xy, (size_t)a->rings[r].n);
		m2 += r == a->face_first[f] ? ring : -ring;
	}
	return m2;
}

/* The region of a traced face (WKB, borrowed) of a component straddling
** regions: the region holding one point inside it. */
static int traced_region(lr__worker *w, const component *c, const lr_wkb *wkb,
                         int *region)
{
	GEOSGeometry *face = lr_wkb_to_geos_r(w->ctx, wkb);
	GEOSGeometry *pt = face ? GEOSPointOnSurface_r(w->ctx, face) : NULL;
	int rc = pt ? point_region(w, c, pt, region) : LR_ERR_GEOM;
	GEOSGeom_destroy_r(w->ctx, pt);
	GEOSGeom_destroy_r(w->ctx, face);
	return rc;
}

/* Keep face f of a if the inputs of bits cover it: its region (the
** component's, or from one interior point), its geodesic area, its rings
** written as WKB. */
static int add_traced_face(lr__worker *w, component *c,
                           const lr__arrangement *a, size_t f,
                           const uint64_t *bits, int32_t *covers, ring_buf *b,
                           lr__cluster_faces *out)
{
	size_t nc = 0;
	for (size_t k = 0; k < c->n; k++)
		if ((bits[k / 64] >> (k % 64)) & 1)
			covers[nc++] = c->items[k];
	double m2 = traced_area(a, f, b);
	lr_wkb wkb = {0};
	if (m2 < 0 || lr__face_wkb(a, f, &wkb) != LR_OK)
		return LR_ERR_NOMEM;
	int region = c->fixed_region;
	int rc = region < 0 ? traced_region(w, c, &wkb, &region) : LR_OK;
	if (rc != LR_OK) {
		lr_wkb_free(&wkb);
		return rc;
	}
	return push_wkb_face(out, &wkb, region, m2, covers, nc);
}

/* The faces of a labelled along their edges into out; planar[k] gets the
** planar area of the faces covering input k.  *verdict: PROVED so far,
** NOT_PROVED_AREAS when the labels do not add up, NOT_PROVED_SLIVER for
** a face under 1 m2 that no input covers (holes in every input and land
** of regions only: few, so each is measured). */
static int keep_labelled(lr__worker *w, component *c, const lr__arrangement *a,
                         int32_t *covers, double *planar,
                         lr__cluster_faces *out, proof *verdict)
{
	lr__face_labels lab = {0};
	bool labelled = false;
	ring_buf b = {0};
	int rc = lr__label_faces(w->ctx, a, c->g, c->n, &lab, &labelled);
	*verdict = labelled ? PROVED : NOT_PROVED_AREAS;
	for (size_t f = 0; rc == LR_OK && *verdict == PROVED && f < a->n_faces;
	     f++) {
		const uint64_t *bits = &lab.bits[f * lab.words];
		int covered = 0;
		for (size_t k = 0; k < c->n; k++)
			if ((bits[k / 64] >> (k % 64)) & 1) {
				planar[k] += a->planar[f];
				covered = 1;
			}
		double m2 = covered ? 0 : traced_area(a, f, &b);
		if (m2 < 0)
			rc = LR_ERR_NOMEM;
		else if (!covered && lr_cents_from_m2(m2) < SLIVER_CENTS)
			*verdict = NOT_PROVED_SLIVER;
		else if (covered)
			rc = add_traced_face(w, c, a, f, bits, covers, &b, out);
	}
	free(b.xy);
	lr__face_labels_free(&lab);
	return rc;
}

/* The faces of c noded as w->noding says, traced and labelled along
** their edges, into out; planar and verdict as keep_labelled's. */
static int fast_arranged_faces(lr__worker *w, component *c, int32_t *covers,
                               double *planar, lr__cluster_faces *out,
                               proof *verdict)
{
	int rc;
	*verdict = NOT_PROVED_AREAS;
	GEOSGeometry *lines = linework(w, c, &rc);
	if (!lines)
		return rc;
	lr_vec segs;
	lr_vec_init(&segs, sizeof(lr__seg));
	rc = fast_segments(w, lines, w->noding, &segs);
	GEOSGeom_destroy_r(w->ctx, lines);
	lr__arrangement a = {0};
	bool traced = false;
	if (rc == LR_OK)
		rc = lr__trace(segs.data, segs.len, &a, &traced);
	lr_vec_free(&segs);
	if (rc == LR_OK && traced)
		rc = keep_labelled(w, c, &a, covers, planar, out, verdict);
	lr__arrangement_free(&a);
	return rc;
}

/*
** Whether the faces out[f0..] of c, labelled consistently along every
** edge, prove themselves: none is a sliver, and for every input k the
** planar areas of the faces covering it (planar[k]) add up to its own
** planar area within PROOF_TOLERANCE.  Faces that overlap, that leave
** land out or that were labelled wrongly break the sum of some input.
*/
static int faces_proved(lr__worker *w, const component *c, const double *planar,
                        const lr__cluster_faces *out, size_t f0, proof *verdict)
{
	*verdict = PROVED;
	for (size_t f = f0; f < out->faces.len; f++)
		if (LR_VEC_AT(&out->faces, lr__raw_face, f).area < SLIVER_CENTS)
			*verdict = NOT_PROVED_SLIVER;
	for (size_t k = 0; k < c->n && *verdict == PROVED; k++) {
		double own;
		if (!GEOSArea_r(w->ctx, c->g[k], &own))
			return LR_ERR_GEOM;
		if (fabs(planar[k] - own) > PROOF_TOLERANCE * own)
			*verdict = NOT_PROVED_AREAS;
	}
	return LR_OK;
}

/* Forget the faces of out from face f0 and cover c0 on. */
static void drop_faces_from(lr__cluster_faces *out, size_t f0, size_t c0)
{
	for (size_t i = f0; i < out->faces.len; i++)
		lr_wkb_free(&LR_VEC_AT(&out->faces, lr__raw_face, i).wkb);
	out->faces.len = f0;
	out->covers.len = c0;
}

/* Faces noded by GEOSNode_r, labelled along their edges and proved, or
** else by the reference path. */
static int fast_faces(lr__worker *w, component *c, int32_t *covers,
                      double *planar, lr__cluster_faces *out)
{
	size_t f0 = out->faces.len, c0 = out->covers.len;
	proof verdict = NOT_PROVED_AREAS;
	int rc = fast_arranged_faces(w, c, covers, planar, out, &verdict);
	if (rc == LR_OK && verdict == PROVED)
		rc = faces_proved(w, c, planar, out, f0, &verdict);
	if (rc == LR_OK && verdict == PROVED) {
		w->counts.fast++;
		return LR_OK;
	}
	if (rc == LR_ERR_NOMEM)
		return rc;
	if (rc != LR_OK)
		w->counts.fallback_error++;
	else if (verdict == NOT_PROVED_SLIVER)
		w->counts.fallback_sliver++;
	else
		w->counts.fallback_check++;
	drop_faces_from(out, f0, c0);
	lr_error_clear(&w->err); /* GEOS's message of the failed noding */
	return reference_faces(w, c, covers, out);
}

/* A lone input in one region is its own face: no overlay. */
static int lone_face(lr__worker *w, const component *c, lr__cluster_faces *out)
{
	double a = lr_ellipsoid_area_r(w->ctx, c->g[0]);
	if (a < 0)
		return LR_ERR_GEOM;
	w->counts.alone++;
	return push_face(w, out, c->g[0], c->fixed_region, a, c->items, 1);
}

/* Components of more inputs than this are noded the reference way at
** once: on the real BiH data 41 of its 47 components of more than 30
** inputs (hand-digitised neighbours with near-coincident edges) failed
** the fast path's proof, and paid for both paths. */
#define FAST_MAX_INPUTS 30

/* The faces of c's arrangement, noded as the worker says. */
static int overlay_faces(lr__worker *w, component *c, lr__cluster_faces *out)
{
	int32_t *covers = malloc(c->n * sizeof *covers);
	double *planar = calloc(c->n, sizeof *planar);
	int rc = LR_ERR_NOMEM;
	if (covers && planar && w->noding != LR__NODING_REFERENCE &&
	    c->n <= FAST_MAX_INPUTS) {
		rc = fast_faces(w, c, covers, planar, out);
	} else if (covers && planar) {
		w->counts.reference++;
		rc = reference_faces(w, c, covers, out);
	}
	free(covers);
	free(planar);
	return rc;
}

/*
** Faces of one connected component: items[0..n) with geometries g[] and
** prepared geometries p[] (built on demand, left in p[] for the caller).
*/
static int component_faces(lr__worker *w, const int32_t *items,
                           GEOSGeometry **g, const GEOSPreparedGeometry **p,
                           size_t n, lr__cluster_faces *out)
{
	component c = {items, g, p, n, {0, 0, 0, 0}, {0}, -1};
	int rc = locate_regions(w, &c);
	if (rc == LR_OK && n == 1 && c.fixed_region >= 0)
		rc = lone_face(w, &c, out);
	else if (rc == LR_OK)
		rc = overlay_faces(w, &c, out);
	free(c.hits.idx);
	if (rc == LR_ERR_GEOM && w->err.code == LR_OK)
		lr_error_set(&w->err, LR_ERR_GEOM, "GEOS operation failed");
	return rc;
}

/* Items after `after` whose boxes meet the query box. */
typedef struct candidates {
	size_t after;
	size_t *idx;
	size_t n, cap;
	int failed;
} candidates;

static int collect_after(size_t j, void *ud)
{
	candidates *c = ud;
	if (j <= c->after)
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		size_t *p = realloc(c->idx, cap * sizeof *p);
		if (!p) {
			c->failed = 1;
			return 1;
		}
		c->idx = p;
		c->cap = cap;
	}
	c->idx[c->n++] = j;
	return 0;
}

/* The inputs of a cluster with their geometries, as components are found. */
typedef struct cluster_geoms {
	const int32_t *items; /* borrowed [n] */
	size_t n;
	GEOSGeometry **g;               /* owned [n] */
	const GEOSPreparedGeometry **p; /* owned [n], built on demand */
	lr_box *boxes;                  /* owned [n] */
	lr__vertex_set *verts;          /* owned [n], built on demand */
	int32_t *parent; /* owned [n]: union-find of components */
	/* Owned scratch [n] for one component at a time: its items, their
	** geometries and prepared geometries, and where each came from. */
	int32_t *sub_items;
	GEOSGeometry **sub_g;
	const GEOSPreparedGeometry **sub_p;
	size_t *from;
} cluster_geoms;

/* Join item i with every later item whose land really meets it. */
static int link_meeting(lr__worker *w, cluster_geoms *cg, const lr_rtree *tree,
                        size_t i)
{
	candidates cand = {0};
	int rc = LR_OK;
	if (tree) {
		cand.after = i;
		lr_rtree_query(tree, &cg->boxes[i], collect_after, &cand);
		if (cand.failed) {
			free(cand.idx);
			return LR_ERR_NOMEM;
		}
		if (cand.n > 1)
			qsort(cand.idx, cand.n, sizeof *cand.idx, cmp_size);
	}
	size_t n_cand = tree ? cand.n : cg->n - i - 1;
	for (size_t k = 0; k < n_cand; k++) {
		size_t j = tree ? cand.idx[k] : i + 1 + k;
		if (!lr_box_intersects(&cg->boxes[i], &cg->boxes[j]) ||
		    uf_find(cg->parent, (int32_t)i) ==
		            uf_find(cg->parent, (int32_t)j))
			continue;
		if (!cg->verts[i].built &&
		    lr__vertex_set_build(&cg->verts[i],
		                         lr__item_geom(w->in, cg->items[i])) !=
		            LR_OK) {
			rc = LR_ERR_NOMEM;
			break;
		}
		if (lr__shares_vertex(&cg->verts[i],
		                      lr__item_geom(w->in, cg->items[j]))) {
			uf_union(cg->parent, (int32_t)i, (int32_t)j);
			continue;
		}
		if (!cg->p[i] &&
		    !(cg->p[i] = GEOSPrepare_r(w->ctx, cg->g[i]))) {
			rc = LR_ERR_GEOM;
			break;
		}
		char c = GEOSPreparedIntersects_r(w->ctx, cg->p[i], cg->g[j]);
		if (c == 2) {
			rc = LR_ERR_GEOM;
			break;
		}
		if (c)
			uf_union(cg->parent, (int32_t)i, (int32_t)j);
	}
	free(cand.idx);
	return rc;
}

/* Envelopes overlap; split into components whose land really meets, so
** that chains of neighbours along a road are built apart.  Small clusters
** compare every pair; larger ones ask an R-tree. */
static int find_components(lr__worker *w, cluster_geoms *cg)
{
	lr_rtree *tree = NULL;
	for (size_t i = 0; i < cg->n; i++)
		cg->boxes[i] = wkb_box(lr__item_geom(w->in, cg->items[i]));
	if (cg->n > 32 && !(tree = lr_rtree_build(cg->boxes, cg->n)))
		return LR_ERR_NOMEM;
	int rc = LR_OK;
	for (size_t i = 0; rc == LR_OK && i < cg->n; i++)
		rc = link_meeting(w, cg, tree, i);
	lr_rtree_free(tree);
	return rc;
}

/* The faces of the component whose root is item `root`. */
static int root_component_faces(lr__worker *w, cluster_geoms *cg, size_t root,
                                lr__cluster_faces *out)
{
	size_t m = 0;
	for (size_t j = root; j < cg->n; j++)
		if (uf_find(cg->parent, (int32_t)j) == (int32_t)root) {
			cg->sub_items[m] = cg->items[j];
			cg->sub_g[m] = cg->g[j];
			cg->sub_p[m] = cg->p[j];
			cg->from[m] = j;
			m++;
		}
	int rc =
	        component_faces(w, cg->sub_items, cg->sub_g, cg->sub_p, m, out);
	/* Prepared geometries made inside go back to their owner. */
	for (size_t k = 0; k < m; k++)
		cg->p[cg->from[k]] = cg->sub_p[k];
	return rc;
}

/* The arrays of cg for its n items; cluster_geoms_free frees them. */
static int cluster_geoms_alloc(cluster_geoms *cg)
{
	size_t n = cg->n;
	cg->g = calloc(n, sizeof *cg->g);
	cg->p = calloc(n, sizeof *cg->p);
	cg->boxes = malloc(n * sizeof *cg->boxes);
	cg->verts = calloc(n, sizeof *cg->verts);
	cg->parent = malloc(n * sizeof *cg->parent);
	cg->sub_items = malloc(n * sizeof *cg->sub_items);
	cg->sub_g = malloc(n * sizeof *cg->sub_g);
	cg->sub_p = malloc(n * sizeof *cg->sub_p);
	cg->from = malloc(n * sizeof *cg->from);
	if (!cg->g || !cg->p || !cg->boxes || !cg->parent || !cg->sub_items ||
	    !cg->sub_g || !cg->sub_p || !cg->from || !cg->verts)
		return LR_ERR_NOMEM;
	return LR_OK;
}

static void cluster_geoms_free(GEOSContextHandle_t ctx, cluster_geoms *cg)
{
	for (size_t i = 0; cg->g && i < cg->n; i++) {
		/* A prepared geometry needs its base: destroy it first. */
		if (cg->p && cg->p[i])
			GEOSPreparedGeom_destroy_r(ctx, cg->p[i]);
		GEOSGeom_destroy_r(ctx, cg->g[i]);
	}
	free(cg->g);
	free(cg->p);
	for (size_t i = 0; cg->verts && i < cg->n; i++)
		lr__vertex_set_free(&cg->verts[i]);
	free(cg->verts);
	free(cg->boxes);
	free(cg->parent);
	free(cg->sub_items);
	free(cg->sub_g);
	free(cg->sub_p);
	free(cg->from);
}

int lr__cluster_faces_r(lr__worker *w, const int32_t *items, size_t n,
                        lr__cluster_faces *out)
{
	cluster_geoms cg = {.items = items, .n = n};
	int rc = cluster_geoms_alloc(&cg);
	for (size_t i = 0; rc == LR_OK && i < n; i++) {
		cg.g[i] = lr_wkb_to_geos_r(w->ctx,
		                           lr__item_geom(w->in, items[i]));
		if (!cg.g[i])
			rc = LR_ERR_GEOM;
		cg.parent[i] = (int32_t)i;
	}
	if (rc == LR_OK)
		rc = find_components(w, &cg);
	/* Each component in order of its first item. */
	for (size_t i = 0; rc == LR_OK && i < n; i++)
		if (uf_find(cg.parent, (int32_t)i) == (int32_t)i)
			rc = root_component_faces(w, &cg, i, out);
	cluster_geoms_free(w->ctx, &cg);
	return rc;
}
