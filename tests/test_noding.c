/*
** The overlay's fast noding (GEOSNode_r, faces proved against the inputs'
** areas) against its reference (a unary union), cluster by cluster, on
** generated countries of both profiles and on the real BiH data: the same
** labelled land (region and covering inputs) with the same geodesic area
** within 1e-9 relative, and the same faces point for point.  Drawn cases
** show the fallback taking over where the fast noding leaves a sliver.
*/
#include "analyze_int.h"
#include "lr_engine.h"
#include "lr_test.h"
#include "lr_test_gen.h"
#include "lr_test_node.h"

#include <stdlib.h>
#include <string.h>

/* A face of one path: its label (region, then covering items, sorted) and
** its geodesic area, measured here and not taken from the overlay. */
typedef struct labelled {
	int32_t *key; /* owned: [0] region, [1..n] items sorted */
	size_t n;
	double m2;
	GEOSGeometry *norm; /* owned: the face normalised */
} labelled;

/* What the comparison of every cluster of one dataset found. */
typedef struct tally {
	size_t clusters, labels, label_diff, faces, face_moved, face_diff;
	double worst; /* largest relative difference of a label's area */
	lr__overlay_counts fast;
	size_t noder_diff; /* clusters whose faces lr__node changed */
	node_tally node;   /* lr__node against GEOSNode_r, cluster by cluster */
	GEOSGeometry **region_boundary; /* owned, lazy */
} tally;

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp_labelled(const void *a, const void *b)
{
	const labelled *x = a, *y = b;
	for (size_t i = 0; i < x->n && i < y->n; i++)
		if (x->key[i] != y->key[i])
			return x->key[i] < y->key[i] ? -1 : 1;
	return x->n < y->n ? -1 : x->n > y->n;
}

/* The faces of cf as labelled faces (sorted by label) in a new array. */
static labelled *label_faces(GEOSContextHandle_t ctx,
                             const lr__cluster_faces *cf)
{
	labelled *l = calloc(cf->faces.len + 1, sizeof *l);
	for (size_t f = 0; f < cf->faces.len; f++) {
		const lr__raw_face *rf =
		        &LR_VEC_AT(&cf->faces, lr__raw_face, f);
		l[f].n = rf->n_covers + 1;
		l[f].key = malloc(l[f].n * sizeof *l[f].key);
		l[f].key[0] = rf->region;
		memcpy(l[f].key + 1,
		       &LR_VEC_AT(&cf->covers, int32_t, rf->first_cover),
		       rf->n_covers * sizeof *l[f].key);
		qsort(l[f].key + 1, rf->n_covers, sizeof *l[f].key, cmp_i32);
		l[f].m2 = lr_ellipsoid_area_wkb(&rf->wkb);
		l[f].norm = lr_wkb_to_geos_r(ctx, &rf->wkb);
		GEOSNormalize_r(ctx, l[f].norm);
	}
	qsort(l, cf->faces.len, sizeof *l, cmp_labelled);
	return l;
}

static void labelled_free(GEOSContextHandle_t ctx, labelled *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].key);
		GEOSGeom_destroy_r(ctx, l[i].norm);
	}
	free(l);
}

/* The area of the run of faces from *i with the label of l[*i]; *i moves
** past the run. */
static double label_area(const labelled *l, size_t n, size_t *i)
{
	double a = 0;
	size_t j = *i;
	while (j < n && !cmp_labelled(&l[*i], &l[j]))
		a += l[j++].m2;
	*i = j;
	return a;
}

/* Compare the labelled land of the two paths (a fast, b reference). */
static void compare_labels(const labelled *a, size_t na, const labelled *b,
                           size_t nb, tally *t, size_t cluster)
{
	size_t i = 0, j = 0;
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : cmp_labelled(&a[i], &b[j]);
		double x = c <= 0 ? label_area(a, na, &i) : 0;
		double y = c >= 0 ? label_area(b, nb, &j) : 0;
		double rel = fabs(x - y) / (y > 0 ? y : 1e-300);
		t->labels++;
		if (x == y)
			rel = 0;
		if (rel > t->worst)
			t->worst = rel;
		if (rel > 1e-9 && t->label_diff++ < 5)
			printf("#   cluster %zu: a label's land %.6f m2 fast, "
			       "%.6f m2 reference\n",
			       cluster, x, y);
	}
}

/* Vertices of faces computed as crossings may differ in their last bits
** between the two noders, and a crossing the reference merges with a
** vertex 1e-15 degrees away stays apart in the fast noding: faces that
** are no further apart than 1e-9 degrees (about 0.1 mm) anywhere. */
#define VERTEX_TOLERANCE 1e-9

/* Whether face a has a twin in b[0..nb) with its label: vertex for vertex
** after normalisation (near: within VERTEX_TOLERANCE of each other, in
** Hausdorff distance). */
static int has_twin(GEOSContextHandle_t ctx, const labelled *a,
                    const labelled *b, size_t nb, int near)
{
	for (size_t j = 0; j < nb; j++) {
		double d = 1;
		if (cmp_labelled(a, &b[j]))
			continue;
		if (!near && GEOSEqualsExact_r(ctx, a->norm, b[j].norm, 0) == 1)
			return 1;
		if (near &&
		    GEOSHausdorffDistance_r(ctx, a->norm, b[j].norm, &d) &&
		    d <= VERTEX_TOLERANCE)
			return 1;
	}
	return 0;
}

/* Faces of a (fast) found point for point among b's (reference), same
** label, normalised; or with vertices moved by less than VERTEX_TOLERANCE. */
static void compare_faces(GEOSContextHandle_t ctx, const labelled *a, size_t na,
                          const labelled *b, size_t nb, tally *t)
{
	for (size_t i = 0; i < na; i++) {
		t->faces++;
		if (has_twin(ctx, &a[i], b, nb, 0))
			continue;
		if (has_twin(ctx, &a[i], b, nb, 1))
			t->face_moved++;
		else
			t->face_diff++;
	}
	t->face_diff += na < nb ? nb - na : 0;
}

/* Whether faces a and b are the same to the bit: in the same order, each
** with the same region, covers, cents and WKB bytes. */
static int same_faces(const lr__cluster_faces *a, const lr__cluster_faces *b)
{
	if (a->faces.len != b->faces.len || a->covers.len != b->covers.len ||
	    memcmp(a->covers.data, b->covers.data,
	           a->covers.len * sizeof(int32_t)))
		return 0;
	for (size_t f = 0; f < a->faces.len; f++) {
		const lr__raw_face *x = &LR_VEC_AT(&a->faces, lr__raw_face, f);
		const lr__raw_face *y = &LR_VEC_AT(&b->faces, lr__raw_face, f);
		if (x->region != y->region || x->area != y->area ||
		    x->first_cover != y->first_cover ||
		    x->n_covers != y->n_covers || x->wkb.size != y->wkb.size ||
		    memcmp(x->wkb.data, y->wkb.data, x->wkb.size))
			return 0;
	}
	return 1;
}

/* The fast path with lr__node against the same with GEOSNode_r: the same
** faces to the bit, the same path taken. */
static void compare_noders(lr__worker *w, const int32_t *items, size_t n,
                           const lr__cluster_faces *fast, tally *t)
{
	lr__cluster_faces geos;
	lr__cluster_faces_init(&geos);
	lr__overlay_counts before = w->counts;
	w->noding = LR__NODING_FAST_GEOS;
	int rc = lr__cluster_faces_r(w, items, n, &geos);
	w->counts = before;
	if (rc != LR_OK || !same_faces(fast, &geos))
		t->noder_diff++;
	lr__cluster_faces_free(&geos);
}

/* The linework of a cluster (its inputs' boundaries and the region borders
** across its envelope) noded by lr__node and by GEOSNode_r. */
static void compare_linework(lr__worker *w, const int32_t *items, size_t n,
                             tally *t)
{
	GEOSContextHandle_t ctx = w->ctx;
	const lr_dataset *d = w->in->d;
	GEOSGeometry **parts = calloc(n + d->regions.len, sizeof *parts);
	size_t np = 0;
	lr_box env = {1e300, 1e300, -1e300, -1e300};
	for (size_t i = 0; i < n; i++) {
		const lr_wkb *wkb = lr__item_geom(w->in, items[i]);
		GEOSGeometry *g = lr_wkb_to_geos_r(ctx, wkb);
		parts[np++] = GEOSBoundary_r(ctx, g);
		GEOSGeom_destroy_r(ctx, g);
		env = (lr_box){
		        fmin(env.minx, wkb->minx), fmin(env.miny, wkb->miny),
		        fmax(env.maxx, wkb->maxx), fmax(env.maxy, wkb->maxy)};
	}
	for (size_t r = 0; r < d->regions.len; r++) {
		const lr_wkb *rg = &LR_VEC_AT(&d->regions, lr_region, r).geom;
		lr_box rb = {rg->minx, rg->miny, rg->maxx, rg->maxy};
		if (!lr_box_intersects(&env, &rb))
			continue;
		if (!t->region_boundary[r]) {
			GEOSGeometry *g = lr_wkb_to_geos_r(ctx, rg);
			t->region_boundary[r] = GEOSBoundary_r(ctx, g);
			GEOSGeom_destroy_r(ctx, g);
		}
		parts[np++] =
		        GEOSClipByRect_r(ctx, t->region_boundary[r], env.minx,
		                         env.miny, env.maxx, env.maxy);
	}
	GEOSGeometry *lines = GEOSGeom_createCollection_r(
	        ctx, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)np);
	node_vs_geos(ctx, lines, &t->node);
	GEOSGeom_destroy_r(ctx, lines);
	free(parts);
}

/* Both paths on one cluster; the faces of both are built in ctx of w
** (one context for both, so that they can be compared). */
static void compare_cluster(lr__worker *w, const int32_t *items, size_t n,
                            tally *t, size_t cluster)
{
	lr__cluster_faces fast, ref;
	lr__cluster_faces_init(&fast);
	lr__cluster_faces_init(&ref);
	w->noding = LR__NODING_FAST;
	int rf = lr__cluster_faces_r(w, items, n, &fast);
	lr__overlay_counts fast_counts = w->counts; /* of the fast path */
	if (rf == LR_OK)
		compare_noders(w, items, n, &fast, t);
	if (n > 1)
		compare_linework(w, items, n, t);
	w->noding = LR__NODING_REFERENCE;
	int rr = lr__cluster_faces_r(w, items, n, &ref);
	w->counts = fast_counts;
	if (rf != LR_OK || rr != LR_OK) {
		if (t->label_diff++ < 5)
			printf("#   cluster %zu failed: %s\n", cluster,
			       w->err.msg);
	} else {
		labelled *a = label_faces(w->ctx, &fast);
		labelled *b = label_faces(w->ctx, &ref);
		compare_labels(a, fast.faces.len, b, ref.faces.len, t, cluster);
		compare_faces(w->ctx, a, fast.faces.len, b, ref.faces.len, t);
		labelled_free(w->ctx, a, fast.faces.len);
		labelled_free(w->ctx, b, ref.faces.len);
	}
	t->clusters++;
	lr__cluster_faces_free(&fast);
	lr__cluster_faces_free(&ref);
}

/* Every cluster of d through both paths. */
static tally compare_dataset(const lr_dataset *d)
{
	tally t = {0};
	size_t nr = d->regions.len;
	t.region_boundary = calloc(nr + 1, sizeof *t.region_boundary);
	lr_box *boxes = calloc(nr + 1, sizeof *boxes);
	for (size_t i = 0; i < nr; i++) {
		const lr_wkb *g = &LR_VEC_AT(&d->regions, lr_region, i).geom;
		boxes[i] = (lr_box){g->minx, g->miny, g->maxx, g->maxy};
	}
	lr__overlay_input in = {d, d->hazards.len, d->releases.len, nr,
	                        lr_rtree_build(boxes, nr)};
	free(boxes);
	int32_t *order = NULL;
	size_t *starts = NULL, nc = 0;
	lr_error err = {0};
	lr__worker w;
	if (lr__overlay_clusters(&in, 1, &order, &starts, &nc, &err) == LR_OK &&
	    lr__worker_init(&w, &in) == LR_OK) {
		for (size_t c = 0; c < nc; c++) {
			lr_error_clear(&w.err);
			compare_cluster(&w, order + starts[c],
			                starts[c + 1] - starts[c], &t, c);
		}
		t.fast = w.counts;
		for (size_t r = 0; r < nr; r++)
			GEOSGeom_destroy_r(w.ctx, t.region_boundary[r]);
		lr__worker_free(&w);
	}
	free(order);
	free(starts);
	free(t.region_boundary);
	t.region_boundary = NULL;
	lr_rtree_free((lr_rtree *)in.region_tree);
	return t;
}

/* The comparison's facts for one dataset named what; at least
** fast_percent of the overlaid components noded fast. */
static void report(const char *what, const tally *t, size_t fast_percent)
{
	size_t overlaid = t->fast.fast + t->fast.fallback_error +
	                  t->fast.fallback_sliver + t->fast.fallback_check;
	printf("# %s: %zu clusters, %zu components alone, %zu overlaid: %zu "
	       "fast, fallbacks %zu GEOS error, %zu sliver, %zu proof\n",
	       what, t->clusters, t->fast.alone, overlaid, t->fast.fast,
	       t->fast.fallback_error, t->fast.fallback_sliver,
	       t->fast.fallback_check);
	lr_test_ok(t->clusters > 0 && t->label_diff == 0,
	           "%s: every cluster's labelled land the same on both paths "
	           "within 1e-9 (%zu labels, worst %.2g)",
	           what, t->labels, t->worst);
	lr_test_ok(t->faces > 0 && t->face_diff == 0,
	           "%s: the same faces point for point (%zu faces; %zu apart "
	           "by less than 1e-9 degrees, %zu otherwise different)",
	           what, t->faces, t->face_moved, t->face_diff);
	lr_test_ok(t->noder_diff == 0,
	           "%s: lr__node gives the faces GEOSNode_r gives, to the bit, "
	           "in every cluster (%zu differ; it left %zu components to "
	           "GEOSNode_r)",
	           what, t->noder_diff, t->fast.node_declined);
	lr_test_ok(t->node.differ == 0 && t->node.same > 0,
	           "%s: lr__node on each cluster's whole linework: %zu as "
	           "GEOSNode_r line for line, %zu refused, %zu different "
	           "(GEOSNode_r failed on %zu)",
	           what, t->node.same, t->node.declined, t->node.differ,
	           t->node.geos_failed);
	lr_test_ok(overlaid > 0 &&
	                   t->fast.fast * 100 >= overlaid * fast_percent,
	           "%s: %zu of %zu overlaid components noded fast (at least "
	           "%zu%%)",
	           what, t->fast.fast, overlaid, fast_percent);
}

static void generated(const char *dir, int seed, const char *profile)
{
	char what[64];
	lr_dataset d;
	if (lr_test_generated(dir, seed, 2000, 16, profile, &d, what,
	                      sizeof what)) {
		tally t = compare_dataset(&d);
		report(what, &t, 90);
	}
	lr_dataset_free(&d);
}

/* The real BiH snapshot, when ../shared is here. */
static void bih(void)
{
	const char *real = getenv("LR_SHARED_DATA");
	const char *src = getenv("LR_SOURCE_DIR");
	char regions[1024], hazards[1024], releases[1024], map[1024];
	snprintf(hazards, sizeof hazards,
	         "%s/bih/suspect_areas_simplyfied.geojson", real ? real : ".");
	FILE *probe = real && src ? fopen(hazards, "rb") : NULL;
	if (!probe) {
		printf("# SKIP BiH: the real data (../shared/data/real/bih) "
		       "is not here\n");
		return;
	}
	fclose(probe);
	snprintf(regions, sizeof regions,
	         "%s/bih/geoBoundaries-BIH-ADM3.geojson", real);
	snprintf(releases, sizeof releases,
	         "%s/bih/cleared_areas_simplyfied.geojson", real);
	snprintf(map, sizeof map, "%s/maps/bih-snapshot.ini", src);
	lr_error err = {0};
	lr_mapping *m = NULL;
	lr_dataset d;
	lr_dataset_init(&d);
	lr_inputs in = {.source = {regions, hazards, releases}};
	if (lr_test_ok(lr_mapping_load(map, &m, &err) == LR_OK &&
	                       (in.mapping = m, lr_ingest(&in, &d, &err)) ==
	                               LR_OK,
	               "BiH: read through its mapping (%s)", err.msg)) {
		tally t = compare_dataset(&d);
		report("BiH", &t, 90);
	}
	lr_dataset_free(&d);
	lr_mapping_free(m);
}

/* Drawn cases (tests/fixtures/noding/): a lone hazard (no overlay), a
** release inside its hazard (noded fast), a release whose edge runs 1e-13
** degrees outside its hazard's (a sliver: the reference decides), a lone
** hazard across a region border (overlaid with the border, fast). */
static void drawn(void)
{
	const char *src = getenv("LR_SOURCE_DIR");
	char path[3][1024];
	const char *layer[3] = {"regions", "hazards", "releases"};
	for (int i = 0; i < 3; i++)
		snprintf(path[i], sizeof path[i],
		         "%s/tests/fixtures/noding/%s.geojson", src ? src : ".",
		         layer[i]);
	lr_inputs in = {.source = {path[0], path[1], path[2]}};
	in.today = lr_date_from_ymd(2100, 1, 1);
	lr_dataset d;
	lr_dataset_init(&d);
	lr_error err = {0};
	if (lr_test_ok(lr_ingest(&in, &d, &err) == LR_OK &&
	                       d.hazards.len == 4 && d.releases.len == 2,
	               "drawn: 4 hazards and 2 releases read (%s)", err.msg)) {
		tally t = compare_dataset(&d);
		const lr__overlay_counts *c = &t.fast;
		lr_test_ok(c->alone == 1 && c->fast == 2 &&
		                   c->fallback_sliver == 1 &&
		                   c->fallback_error == 0 &&
		                   c->fallback_check == 0,
		           "drawn: 1 component alone, 2 noded fast, 1 sliver "
		           "left to the reference (got %zu, %zu, %zu; %zu "
		           "errors, %zu failed proofs)",
		           c->alone, c->fast, c->fallback_sliver,
		           c->fallback_error, c->fallback_check);
		report("drawn", &t, 50);
	}
	lr_dataset_free(&d);
}

/* The boundaries of in[0..n) and the lines of extra (NULL: none), noded
** by GEOSNode_r, as segments into segs. */
static int noded_segs(GEOSContextHandle_t ctx, GEOSGeometry *const *in,
                      size_t n, const GEOSGeometry *extra, lr_vec *segs)
{
	GEOSGeometry *parts[8];
	size_t np = 0;
	for (size_t i = 0; i < n && np < 7; i++)
		parts[np++] = GEOSBoundary_r(ctx, in[i]);
	if (extra)
		parts[np++] = GEOSGeom_clone_r(ctx, extra);
	GEOSGeometry *lines = GEOSGeom_createCollection_r(
	        ctx, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)np);
	GEOSGeometry *noded = GEOSNode_r(ctx, lines);
	int rc = noded ? lr__segs_of_lines(ctx, noded, segs) : LR_ERR_GEOM;
	GEOSGeom_destroy_r(ctx, lines);
	GEOSGeom_destroy_r(ctx, noded);
	return rc;
}

/* Labels along edges on two squares overlapping by a quarter: faces of
** planar area 3 (a alone), 1 (both) and 3 (b alone); a square whose
** boundary is not among the faces' edges is refused. */
static void labels_drawn(void)
{
	lr_error err = {0};
	GEOSContextHandle_t ctx = lr_geos_new(&err);
	GEOSGeometry *in[3] = {GEOSGeom_createRectangle_r(ctx, 0, 0, 2, 2),
	                       GEOSGeom_createRectangle_r(ctx, 1, 1, 3, 3),
	                       GEOSGeom_createRectangle_r(ctx, 5, 5, 6, 6)};
	lr_vec segs;
	lr_vec_init(&segs, sizeof(lr__seg));
	lr__arrangement a = {0};
	bool traced = false, ok = false;
	int rc = noded_segs(ctx, in, 2, NULL, &segs);
	if (rc == LR_OK)
		rc = lr__trace(segs.data, segs.len, &a, &traced);
	lr__face_labels lab = {0};
	if (rc == LR_OK && traced)
		rc = lr__label_faces(ctx, &a, in, 2, &lab, &ok);
	/* Bit 0: a, bit 1: b; the planar area each label should have. */
	double want[4] = {0, 3, 3, 1}, got[4] = {0, 0, 0, 0};
	for (size_t f = 0; rc == LR_OK && ok && f < a.n_faces; f++)
		got[lab.bits[f] & 3] += a.planar[f];
	lr_test_ok(rc == LR_OK && ok && a.n_faces == 3 && got[1] == want[1] &&
	                   got[2] == want[2] && got[3] == want[3],
	           "labels along edges: a alone %g, b alone %g, both %g "
	           "(want 3, 3, 1) on %zu faces",
	           got[1], got[2], got[3], a.n_faces);
	lr__face_labels_free(&lab);
	GEOSGeometry *apart[2] = {in[0], in[2]};
	if (traced)
		rc = lr__label_faces(ctx, &a, apart, 2, &lab, &ok);
	lr_test_ok(traced && rc == LR_OK && !ok,
	           "labels along edges: an input whose boundary is not among "
	           "the faces' edges is refused");
	lr__face_labels_free(&lab);
	lr__arrangement_free(&a);
	lr_vec_free(&segs);
	for (int i = 0; i < 3; i++)
		GEOSGeom_destroy_r(ctx, in[i]);
	GEOS_finish_r(ctx);
}

/* A drawn case for the tracing: inputs as WKT, extra lines (region
** borders) or NULL, and what must come out: the planar area of each
** label (bit k: input k; want[0] the land no input covers), faces, holes. */
typedef struct trace_case {
	const char *what;
	const char *in[3];
	const char *extra;
	double want[8];
	size_t faces, holes;
} trace_case;

/* Every ring simple, starting at its smallest node, shells counter-
** clockwise and holes clockwise; faces by their shells' first nodes. */
static int rings_normalised(const lr__arrangement *a)
{
	int32_t *seen = calloc(a->n_nodes + 1, sizeof *seen);
	int ok = seen != NULL;
	for (size_t r = 0; ok && r < a->n_rings; r++) {
		const lr__ring *x = &a->rings[r];
		int shell = r == a->face_first[x->face >= 0 ? x->face : 0] &&
		            x->face >= 0;
		ok = shell ? x->area2 > 0 : x->area2 < 0;
		int32_t i = x->first, from = a->h[i].from;
		for (int32_t k = 0; ok && k < x->n; k++, i = a->h[i].next) {
			ok = a->h[i].from >= from &&
			     seen[a->h[i].from] != (int32_t)r + 1;
			seen[a->h[i].from] = (int32_t)r + 1;
		}
		ok = ok && i == x->first;
	}
	for (size_t f = 1; ok && f < a->n_faces; f++)
		ok = a->h[a->rings[a->face_first[f - 1]].first].from <=
		     a->h[a->rings[a->face_first[f]].first].from;
	free(seen);
	return ok;
}

/* Whether a and b hold the same rings point for point. */
static int same_rings(const lr__arrangement *a, const lr__arrangement *b)
{
	if (a->n_rings != b->n_rings || a->n_faces != b->n_faces)
		return 0;
	for (size_t r = 0; r < a->n_rings; r++) {
		const lr__ring *x = &a->rings[r], *y = &b->rings[r];
		if (x->n != y->n || x->face != y->face)
			return 0;
		int32_t i = x->first, j = y->first;
		for (int32_t k = 0; k < x->n; k++) {
			if (memcmp(&a->xy[2 * a->h[i].from],
			           &b->xy[2 * b->h[j].from],
			           2 * sizeof(double)))
				return 0;
			i = a->h[i].next;
			j = b->h[j].next;
		}
	}
	return 1;
}

/* Every face of a, written as WKB, read back by GEOS: valid, of the
** planar area the tracing gives it. */
static int faces_valid(GEOSContextHandle_t ctx, const lr__arrangement *a)
{
	int ok = 1;
	for (size_t f = 0; ok && f < a->n_faces; f++) {
		lr_wkb wkb = {0};
		GEOSGeometry *g = lr__face_wkb(a, f, &wkb) == LR_OK
		                          ? lr_wkb_to_geos_r(ctx, &wkb)
		                          : NULL;
		double area = -1;
		ok = g && GEOSisValid_r(ctx, g) == 1 &&
		     GEOSArea_r(ctx, g, &area) &&
		     fabs(area - a->planar[f]) <= 1e-12 * (1 + area);
		GEOSGeom_destroy_r(ctx, g);
		lr_wkb_free(&wkb);
	}
	return ok;
}

/* The segments of s reversed in order and each turned round, then given
** a second time, and a segment of no length. */
static void turn_round(lr_vec *s)
{
	lr__seg *v = s->data;
	for (size_t i = 0, j = s->len; i < j--; i++) {
		lr__seg t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
	for (size_t i = 0; i < s->len; i++)
		v[i] = (lr__seg){v[i].bx, v[i].by, v[i].ax, v[i].ay};
	for (size_t i = 0, n = s->len; i < n; i++) {
		lr__seg again = LR_VEC_AT(s, lr__seg, i);
		lr_vec_push(s, &again);
	}
	lr__seg point = {2, 2, 2, 2};
	lr_vec_push(s, &point);
}

static void run_trace_case(GEOSContextHandle_t ctx, const trace_case *tc)
{
	GEOSGeometry *in[3] = {0}, *extra = NULL;
	size_t n = 0;
	while (n < 3 && tc->in[n]) {
		in[n] = GEOSGeomFromWKT_r(ctx, tc->in[n]);
		n++;
	}
	if (tc->extra)
		extra = GEOSGeomFromWKT_r(ctx, tc->extra);
	lr_vec segs;
	lr_vec_init(&segs, sizeof(lr__seg));
	lr__arrangement a = {0}, b = {0};
	lr__face_labels lab = {0};
	bool traced = false, again = false, ok = false;
	int rc = noded_segs(ctx, in, n, extra, &segs);
	if (rc == LR_OK)
		rc = lr__trace(segs.data, segs.len, &a, &traced);
	if (rc == LR_OK && traced)
		rc = lr__label_faces(ctx, &a, in, n, &lab, &ok);
	double got[8] = {0};
	size_t holes = 0;
	for (size_t f = 0; ok && f < a.n_faces; f++) {
		got[lab.bits[f] & 7] += a.planar[f];
		holes += a.face_first[f + 1] - a.face_first[f] - 1;
	}
	int areas = ok;
	for (size_t k = 0; k < 8; k++)
		areas = areas && fabs(got[k] - tc->want[k]) <= 1e-12;
	lr_test_ok(areas && a.n_faces == tc->faces && holes == tc->holes,
	           "traced: %s: %zu faces, %zu holes (want %zu, %zu); planar "
	           "areas by label %g %g %g %g (want %g %g %g %g)",
	           tc->what, a.n_faces, holes, tc->faces, tc->holes, got[0],
	           got[1], got[2], got[3], tc->want[0], tc->want[1],
	           tc->want[2], tc->want[3]);
	turn_round(&segs);
	if (rc == LR_OK)
		rc = lr__trace(segs.data, segs.len, &b, &again);
	lr_test_ok(traced && again && rings_normalised(&a) &&
	                   same_rings(&a, &b) && faces_valid(ctx, &a),
	           "traced: %s: rings simple and normalised, the same from "
	           "the segments in another order, each given twice; faces "
	           "valid as WKB",
	           tc->what);
	lr__face_labels_free(&lab);
	lr__arrangement_free(&a);
	lr__arrangement_free(&b);
	lr_vec_free(&segs);
	for (size_t i = 0; i < n; i++)
		GEOSGeom_destroy_r(ctx, in[i]);
	GEOSGeom_destroy_r(ctx, extra);
}

/* What tracing can get wrong, on rectangles and triangles whose areas are
** known in closed form. */
static void traces_drawn(void)
{
	static const trace_case cases[] = {
	        {"a release strictly inside its hazard",
	         {"POLYGON((0 0,4 0,4 4,0 4,0 0))",
	          "POLYGON((1 1,2 1,2 2,1 2,1 1))"},
	         NULL,
	         {0, 16 - 1, 0, 1},
	         2,
	         1},
	        {"a hazard inside a hole of another",
	         {"POLYGON((0 0,6 0,6 6,0 6,0 0),(1 1,1 5,5 5,5 1,1 1))",
	          "POLYGON((2 2,4 2,4 4,2 4,2 2))"},
	         NULL,
	         {16 - 4, 36 - 16, 4},
	         3,
	         2},
	        {"two shells touching at one vertex",
	         {"POLYGON((0 0,1 0,1 1,0 1,0 0))",
	          "POLYGON((1 1,2 1,2 2,1 2,1 1))"},
	         NULL,
	         {0, 1, 1},
	         2,
	         0},
	        {"a hole touching its shell at a vertex (a pinch)",
	         {"POLYGON((0 0,4 0,4 4,0 4,0 0),(2 0,1 2,3 2,2 0))",
	          "POLYGON((2 0,3 2,1 2,2 0))"},
	         NULL,
	         {0, 16 - 2, 2},
	         2,
	         1},
	        {"region borders across part of a component",
	         {"POLYGON((0 0,4 0,4 2,0 2,0 0))",
	          "POLYGON((1 0,3 0,3 2,1 2,1 0))"},
	         "MULTILINESTRING((0.5 -1,0.5 3),(2 -1,2 1))",
	         {0, 4, 0, 4},
	         4,
	         0},
	        /* The border's ends inside each square dangle and the piece
	        ** between them is a bridge: all dropped, as the
	        ** polygonizer drops them; two pieces, each its own
	        ** outside. */
	        {"disjoint pieces joined by a border (a bridge)",
	         {"POLYGON((0 0,1 0,1 1,0 1,0 0))",
	          "POLYGON((3 0,4 0,4 1,3 1,3 0))"},
	         "LINESTRING(0.5 0.5,3.5 0.5)",
	         {0, 1, 1},
	         2,
	         0},
	};
	lr_error err = {0};
	GEOSContextHandle_t ctx = lr_geos_new(&err);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		run_trace_case(ctx, &cases[i]);
	GEOS_finish_r(ctx);
}

int main(void)
{
	char dir[] = "/tmp/lr-noding-XXXXXX";
	if (!mkdtemp(dir))
		lr_test_skip_all("no temporary folder");
	labels_drawn();
	traces_drawn();
	drawn();
	generated(dir, 1, NULL);
	generated(dir, 2, NULL);
	generated(dir, 3, "dense");
	generated(dir, 4, "dense");
	bih();
	char cmd[1100];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return lr_test_done();
}
