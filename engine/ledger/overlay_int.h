/*
** The overlay: clusters of overlapping hazards and releases, and the faces
** of each cluster (disjoint pieces of land, each in one leaf region, each
** knowing which inputs cover it).
*/
#ifndef LR_OVERLAY_INT_H
#define LR_OVERLAY_INT_H

#include "lr_ledger.h"
#include "lr_rtree.h"
#include "trace_int.h"

/* Items are numbered hazards first (0..n_hazards), then releases. */
typedef struct lr__overlay_input {
	const lr_dataset *d; /* borrowed */
	size_t n_hazards, n_releases, n_regions;
	const lr_rtree *region_tree; /* borrowed: over region envelopes */
} lr__overlay_input;

/* How a worker nodes a component's linework.  FAST: lr__node (node.c), or
** GEOSNode_r where lr__node cannot prove its result, the faces proved
** against the inputs' areas, the REFERENCE path when the proof or GEOS
** fails (and at once for components of many inputs); FAST_GEOS: the same
** with GEOSNode_r always (what lr__node must equal, for tests and
** measurements); REFERENCE: a unary union (OverlayNG) every time. */
typedef enum {
	LR__NODING_FAST = 0,
	LR__NODING_REFERENCE,
	LR__NODING_FAST_GEOS
} lr__noding;

/* What the worker's components went through, for --timings. */
typedef struct lr__overlay_counts {
	size_t alone;           /* one input in one region: no overlay */
	size_t fast;            /* noded fast, faces proved */
	size_t node_declined;   /* lr__node could not prove its noding:
	                        ** GEOSNode_r nodes the component */
	size_t reference;       /* noded by the reference path from the start */
	size_t fallback_error;  /* fast noding failed in GEOS: reference */
	size_t fallback_sliver; /* a face under 1 m2: reference */
	size_t fallback_check;  /* faces failed the proof: reference */
} lr__overlay_counts;

/* Per-thread state: a GEOS context and lazily built region geometries. */
typedef struct lr__worker {
	GEOSContextHandle_t ctx;
	lr_error err;                /* GEOS messages land here */
	const lr__overlay_input *in; /* borrowed: must outlive the worker */
	GEOSGeometry **region_geom;  /* owned, lazy */
	const GEOSPreparedGeometry **region_prep; /* owned, lazy */
	GEOSGeometry **region_boundary;           /* owned, lazy */
	lr__noding noding;         /* LR__NODING_FAST unless a test says */
	lr__overlay_counts counts; /* added up by every component built */
} lr__worker;

/* A face built from one cluster: covers[first .. first + n_covers) of the
** cluster result are the item numbers that cover it. */
typedef struct lr__raw_face {
	int region; /* region index, n_regions when in none */
	lr_cents area;
	size_t first_cover, n_covers;
	lr_wkb wkb; /* owned by the cluster result */
} lr__raw_face;

typedef struct lr__cluster_faces {
	lr_vec faces;  /* lr__raw_face */
	lr_vec covers; /* int32_t item numbers */
} lr__cluster_faces;

/* Create a worker (serially, before any parallel region).  err receives
** GEOS messages of this worker.  Returns LR_OK or an error. */
int lr__worker_init(lr__worker *w, const lr__overlay_input *in);
void lr__worker_free(lr__worker *w);

/*
** Build the faces of the items items[0..n) (one cluster of overlapping
** envelopes) into out (initialised by the caller, freed with
** lr__cluster_faces_free(out)).  Returns LR_OK or an error (w->err set).
*/
int lr__cluster_faces_r(lr__worker *w, const int32_t *items, size_t n,
                        lr__cluster_faces *out);
void lr__cluster_faces_init(lr__cluster_faces *cf);
void lr__cluster_faces_free(lr__cluster_faces *cf);

/* Which inputs cover each face of an arrangement (label.c). */
typedef struct lr__face_labels {
	size_t words;   /* 64-bit words of one face's set of inputs */
	uint64_t *bits; /* owned [n_faces * words]: bit k, input k covers it */
} lr__face_labels;

/*
** Label the faces of a (traced from the noded boundaries of
** inputs[0..n_inputs), both borrowed) by following each input's boundary
** along a's half-edges and spreading labels across them.  *labelled is
** false when the edges and the inputs' boundaries do not add up (then
** out is not to be used).  out is freed with lr__face_labels_free
** whatever the outcome.  Returns LR_OK or LR_ERR_NOMEM.
*/
int lr__label_faces(GEOSContextHandle_t ctx, const lr__arrangement *a,
                    GEOSGeometry *const *inputs, size_t n_inputs,
                    lr__face_labels *out, bool *labelled);
void lr__face_labels_free(lr__face_labels *l);

/*
** Group all hazards and releases into clusters of overlapping envelopes.
** On success *order holds every item number grouped by cluster and
** *starts[c]..starts[c+1] delimit cluster c (*n_clusters + 1 entries), in a
** deterministic order (clusters by their smallest item), the same for any
** n_threads (the envelopes are compared on that many threads).  Caller
** frees both.
*/
int lr__overlay_clusters(const lr__overlay_input *in, int n_threads,
                         int32_t **order, size_t **starts, size_t *n_clusters,
                         lr_error *err);

const lr_wkb *lr__item_geom(const lr__overlay_input *in, int32_t item);

#endif
