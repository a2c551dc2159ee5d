/*
** Faces of the ledger.  Each cluster of overlapping inputs is built alone:
** the boundaries of its hazards and releases, plus the pieces of region
** borders that cross it, are noded together (a unary union of linework)
** and polygonized.  Noding once and polygonizing gives every face of the
** arrangement in one pass, where successive pairwise overlays would
** re-node the same edges once per input and accumulate slivers.  Each face
** then learns which inputs cover it from one interior point.
*/
#include "overlay_int.h"

#include <stdlib.h>
#include <string.h>

const lr_wkb *lr_item_geom(const lr_overlay_input *in, int32_t item)
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

typedef struct link_ctx {
	int32_t *parent;
	int32_t self;
} link_ctx;

static int link_item(size_t j, void *ud)
{
	link_ctx *c = ud;
	if ((int32_t)j < c->self)
		uf_union(c->parent, c->self, (int32_t)j);
	return 0;
}

int lr_overlay_clusters(const lr_overlay_input *in, int32_t **order_out,
                        size_t **starts_out, size_t *n_clusters, lr_error *err)
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
		boxes[i] = wkb_box(lr_item_geom(in, (int32_t)i));
		parent[i] = (int32_t)i;
	}
	tree = lr_rtree_build(boxes, n);
	if (!tree)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		link_ctx c = {parent, (int32_t)i};
		lr_rtree_query(tree, &boxes[i], link_item, &c);
	}
	/* Number clusters by their root (the smallest item), in item order. */
	size_t nc = 0;
	int32_t *cluster_of_root = (int32_t *)boxes; /* reuse: n int32 fit */
	for (size_t i = 0; i < n; i++)
		cluster_of_root[i] = -1;
	for (size_t i = 0; i < n; i++) {
		int32_t r = uf_find(parent, (int32_t)i);
		if (cluster_of_root[r] < 0)
			cluster_of_root[r] = (int32_t)nc++;
		count[cluster_of_root[r] + 1]++;
	}
	starts = malloc((nc + 1) * sizeof *starts);
	if (!starts)
		goto nomem;
	starts[0] = 0;
	for (size_t c = 0; c < nc; c++)
		starts[c + 1] = starts[c] + count[c + 1];
	memset(count, 0, (n + 1) * sizeof *count);
	for (size_t i = 0; i < n; i++) {
		int32_t c = cluster_of_root[uf_find(parent, (int32_t)i)];
		order[starts[c] + count[c]++] = (int32_t)i;
	}
	lr_rtree_free(tree);
	free(boxes);
	free(parent);
	free(count);
	*order_out = order;
	*starts_out = starts;
	*n_clusters = nc;
	return LR_OK;
nomem:
	lr_rtree_free(tree);
	free(boxes);
	free(parent);
	free(count);
	free(order);
	free(starts);
	return lr_error_set(err, LR_ERR_NOMEM,
	                    "out of memory clustering %zu "
	                    "inputs",
	                    n);
}

/* ---- Workers ------------------------------------------------------------ */

int lr_worker_init(lr_worker *w, const lr_overlay_input *in)
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

void lr_worker_free(lr_worker *w)
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
static int worker_region(lr_worker *w, size_t i)
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

void lr_cluster_faces_init(lr_cluster_faces *cf)
{
	lr_vec_init(&cf->faces, sizeof(lr_raw_face));
	lr_vec_init(&cf->covers, sizeof(int32_t));
}

void lr_cluster_faces_free(lr_worker *w, lr_cluster_faces *cf)
{
	for (size_t i = 0; i < cf->faces.len; i++)
		GEOSGeom_destroy_r(w->ctx,
		                   LR_VEC_AT(&cf->faces, lr_raw_face, i).geom);
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

/* Push a face with its covers; takes ownership of geom, which is
** destroyed if the face cannot be kept. */
static int push_face(GEOSContextHandle_t ctx, lr_cluster_faces *out,
                     GEOSGeometry *geom, int region, double area_m2,
                     const int32_t *covers, size_t n_covers)
{
	lr_raw_face f = {region, lr_cents_from_m2(area_m2), out->covers.len,
	                 n_covers, geom};
	for (size_t i = 0; i < n_covers; i++)
		if (!lr_vec_push(&out->covers, &covers[i]))
			goto nomem;
	if (!lr_vec_push(&out->faces, &f))
		goto nomem;
	return LR_OK;
nomem:
	GEOSGeom_destroy_r(ctx, geom);
	return LR_ERR_NOMEM;
}

/*
** Faces of one connected component: items[0..n) with geometries g[] and
** prepared geometries p[] (built on demand).
*/
static int component_faces(lr_worker *w, const int32_t *items, GEOSGeometry **g,
                           const GEOSPreparedGeometry **p, size_t n,
                           lr_cluster_faces *out)
{
	GEOSContextHandle_t ctx = w->ctx;
	const lr_overlay_input *in = w->in;
	int rc = LR_ERR_GEOM;
	GEOSGeometry *lines = NULL, *noded = NULL, *faces = NULL, *rect = NULL;
	GEOSGeometry **parts = NULL;
	int32_t *covers = NULL;
	region_hits hits = {0};

	lr_box env = wkb_box(lr_item_geom(in, items[0]));
	for (size_t i = 1; i < n; i++) {
		lr_box b = wkb_box(lr_item_geom(in, items[i]));
		if (b.minx < env.minx)
			env.minx = b.minx;
		if (b.miny < env.miny)
			env.miny = b.miny;
		if (b.maxx > env.maxx)
			env.maxx = b.maxx;
		if (b.maxy > env.maxy)
			env.maxy = b.maxy;
	}
	lr_rtree_query(in->region_tree, &env, collect_region, &hits);
	if (hits.nomem) {
		rc = LR_ERR_NOMEM;
		goto done;
	}
	if (hits.n > 1)
		qsort(hits.idx, hits.n, sizeof *hits.idx, cmp_size);
	rect = box_polygon(ctx, &env);
	if (!rect)
		goto done;
	/* The common case: one region holds the whole cluster. */
	int fixed_region = -1;
	for (size_t k = 0; k < hits.n; k++) {
		if (worker_region(w, hits.idx[k]) != LR_OK)
			goto done;
		char c = GEOSPreparedContains_r(
		        ctx, w->region_prep[hits.idx[k]], rect);
		if (c == 2)
			goto done;
		if (c) {
			fixed_region = (int)hits.idx[k];
			break;
		}
	}
	if (fixed_region < 0 && hits.n == 0)
		fixed_region = (int)in->n_regions; /* in no region at all */

	if (n == 1 && fixed_region >= 0) {
		double a = lr_geodesic_area_r(ctx, g[0]);
		if (a < 0)
			goto done;
		GEOSGeometry *face = GEOSGeom_clone_r(ctx, g[0]);
		if (!face)
			goto done;
		rc = push_face(ctx, out, face, fixed_region, a, items, 1);
		goto done;
	}

	/* Linework: every input boundary and the region borders inside the
	** cluster's box. */
	size_t n_parts = 0;
	parts = calloc(n + hits.n, sizeof *parts);
	covers = malloc(n * sizeof *covers);
	if (!parts || !covers) {
		rc = LR_ERR_NOMEM;
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		if (!(parts[n_parts++] = GEOSBoundary_r(ctx, g[i])))
			goto done;
	if (fixed_region < 0) {
		for (size_t k = 0; k < hits.n; k++) {
			GEOSGeometry *clip = GEOSClipByRect_r(
			        ctx, w->region_boundary[hits.idx[k]], env.minx,
			        env.miny, env.maxx, env.maxy);
			if (!clip)
				goto done;
			parts[n_parts++] = clip;
		}
	}
	lines = GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts,
	                                    (unsigned)n_parts);
	if (!lines)
		goto done;
	free(parts); /* the collection owns the parts now */
	parts = NULL;
	noded = GEOSUnaryUnion_r(ctx, lines);
	if (!noded)
		goto done;
	const GEOSGeometry *noded_c = noded;
	faces = GEOSPolygonize_r(ctx, &noded_c, 1);
	if (!faces)
		goto done;
	int n_faces = GEOSGetNumGeometries_r(ctx, faces);
	for (int f = 0; f < n_faces; f++) {
		const GEOSGeometry *face = GEOSGetGeometryN_r(ctx, faces, f);
		GEOSGeometry *pt = GEOSPointOnSurface_r(ctx, face);
		if (!pt)
			goto done;
		size_t nc = 0;
		for (size_t i = 0; i < n; i++) {
			if (!p[i] && !(p[i] = GEOSPrepare_r(ctx, g[i]))) {
				GEOSGeom_destroy_r(ctx, pt);
				goto done;
			}
			char c = GEOSPreparedIntersects_r(ctx, p[i], pt);
			if (c == 2) {
				GEOSGeom_destroy_r(ctx, pt);
				goto done;
			}
			if (c)
				covers[nc++] = items[i];
		}
		int region = fixed_region;
		if (nc > 0 && region < 0) {
			region = (int)in->n_regions;
			for (size_t k = 0; k < hits.n; k++) {
				char c = GEOSPreparedIntersects_r(
				        ctx, w->region_prep[hits.idx[k]], pt);
				if (c == 2) {
					GEOSGeom_destroy_r(ctx, pt);
					goto done;
				}
				if (c) {
					region = (int)hits.idx[k];
					break;
				}
			}
		}
		GEOSGeom_destroy_r(ctx, pt);
		if (nc == 0)
			continue; /* a hole in every input, or region-only land
			           */
		double a = lr_geodesic_area_r(ctx, face);
		if (a < 0)
			goto done;
		GEOSGeometry *copy = GEOSGeom_clone_r(ctx, face);
		if (!copy)
			goto done;
		if ((rc = push_face(ctx, out, copy, region, a, covers, nc)) !=
		    LR_OK)
			goto done;
	}
	rc = LR_OK;
done:
	if (parts)
		for (size_t i = 0; i < n + hits.n; i++)
			GEOSGeom_destroy_r(ctx, parts[i]);
	free(parts);
	free(covers);
	free(hits.idx);
	GEOSGeom_destroy_r(ctx, rect);
	GEOSGeom_destroy_r(ctx, lines);
	GEOSGeom_destroy_r(ctx, noded);
	GEOSGeom_destroy_r(ctx, faces);
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

int lr_cluster_faces_r(lr_worker *w, const int32_t *items, size_t n,
                       lr_cluster_faces *out)
{
	GEOSContextHandle_t ctx = w->ctx;
	int rc = LR_ERR_NOMEM;
	GEOSGeometry **g = calloc(n, sizeof *g);
	const GEOSPreparedGeometry **p = calloc(n, sizeof *p);
	int32_t *parent = malloc(n * sizeof *parent);
	size_t *order = malloc(n * sizeof *order);
	int32_t *sub_items = malloc(n * sizeof *sub_items);
	GEOSGeometry **sub_g = malloc(n * sizeof *sub_g);
	const GEOSPreparedGeometry **sub_p = malloc(n * sizeof *sub_p);
	lr_box *boxes = NULL;
	lr_rtree *tree = NULL;
	if (!g || !p || !parent || !order || !sub_items || !sub_g || !sub_p)
		goto done;
	rc = LR_ERR_GEOM;
	for (size_t i = 0; i < n; i++) {
		g[i] = lr_wkb_to_geos_r(ctx, lr_item_geom(w->in, items[i]));
		if (!g[i])
			goto done;
		parent[i] = (int32_t)i;
	}
	/* Envelopes overlap; split into components whose land really meets,
	** so that chains of neighbours along a road are built apart. */
	boxes = malloc(n * sizeof *boxes);
	if (!boxes)
		goto nomem;
	for (size_t i = 0; i < n; i++)
		boxes[i] = wkb_box(lr_item_geom(w->in, items[i]));
	if (n > 32 && !(tree = lr_rtree_build(boxes, n)))
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		candidates cand = {0};
		if (tree) {
			cand.after = i;
			lr_rtree_query(tree, &boxes[i], collect_after, &cand);
			if (cand.failed)
				goto nomem;
			if (cand.n > 1)
				qsort(cand.idx, cand.n, sizeof *cand.idx,
				      cmp_size);
		}
		size_t n_cand = tree ? cand.n : n - i - 1;
		for (size_t k = 0; k < n_cand; k++) {
			size_t j = tree ? cand.idx[k] : i + 1 + k;
			if (!lr_box_intersects(&boxes[i], &boxes[j]) ||
			    uf_find(parent, (int32_t)i) ==
			            uf_find(parent, (int32_t)j))
				continue;
			if (!p[i] && !(p[i] = GEOSPrepare_r(ctx, g[i]))) {
				free(cand.idx);
				goto done;
			}
			char c = GEOSPreparedIntersects_r(ctx, p[i], g[j]);
			if (c == 2) {
				free(cand.idx);
				goto done;
			}
			if (c)
				uf_union(parent, (int32_t)i, (int32_t)j);
		}
		free(cand.idx);
	}
	/* Each component in order of its first item. */
	for (size_t i = 0; i < n; i++) {
		if (uf_find(parent, (int32_t)i) != (int32_t)i)
			continue;
		size_t m = 0;
		for (size_t j = i; j < n; j++)
			if (uf_find(parent, (int32_t)j) == (int32_t)i) {
				sub_items[m] = items[j];
				sub_g[m] = g[j];
				sub_p[m] = p[j];
				order[m] = j;
				m++;
			}
		rc = component_faces(w, sub_items, sub_g, sub_p, m, out);
		/* Prepared geometries made inside go back to their owner. */
		for (size_t k = 0; k < m; k++)
			p[order[k]] = sub_p[k];
		if (rc != LR_OK)
			goto done;
	}
	rc = LR_OK;
	goto done;
nomem:
	rc = LR_ERR_NOMEM;
done:
	free(boxes);
	lr_rtree_free(tree);
	if (g)
		for (size_t i = 0; i < n; i++) {
			if (p && p[i])
				GEOSPreparedGeom_destroy_r(ctx, p[i]);
			GEOSGeom_destroy_r(ctx, g[i]);
		}
	free(g);
	free(p);
	free(parent);
	free(order);
	free(sub_items);
	free(sub_g);
	free(sub_p);
	return rc;
}
