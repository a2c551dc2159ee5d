/*
** Inside lr_analyze: what its phases share.  analyze.c sets up and runs
** the clusters, cluster.c runs the ledger on the faces of one cluster,
** totals.c turns the sums into every table.
*/
#ifndef LR_ANALYZE_INT_H
#define LR_ANALYZE_INT_H

#include "ledger_int.h"
#include "overlay_int.h"

/* A change of a region's hazardous land in scope on one day: + new land,
** - land released. */
typedef struct lr__step {
	lr_date date;
	int32_t row;
	lr_cents delta;
} lr__step;

/* What one thread adds up; merged by exact integer sums. */
typedef struct lr__accum {
	lr_vec steps;       /* lr__step, owned: every new and released flow */
	lr_year_row *years; /* owned: [n_years * n_rows] */
	lr_remaining_row *remaining; /* owned: [n_rows] areas only */
	lr_remaining_row *baseline;  /* owned: [n_rows] areas only */
} lr__accum;

/* A pair of overlapping hazards and the land they share. */
typedef struct lr__overlap {
	int32_t a, b;
	lr_cents area;
} lr__overlap;

/* What one cluster leaves for the serial merge, in cluster order. */
typedef struct lr__cluster_out {
	lr_vec faces;    /* lr_face (only with keep_faces), owned */
	lr_vec overlaps; /* lr__overlap */
	int failed;      /* the lr_status of a cluster that failed, else 0 */
	char msg[1024];
} lr__cluster_out;

/* The analysis every thread reads.  The per-item arrays are written only
** by the thread that owns the item's cluster, so they need no lock. */
typedef struct lr__analysis {
	const lr_dataset *d;   /* borrowed */
	const lr_options *opt; /* borrowed */
	lr_result *r;          /* borrowed: the result being built */
	size_t n_hazards, n_releases, n_regions, n_rows;
	int n_years;
	lr_date as_of, baseline;
	/* Per item land by region (largest part wins); all owned. */
	lr_cents *hazard_baseline; /* remaining at baseline */
	lr_cents *release_outside; /* released land not hazardous */
	int *hazard_given_region;  /* index of region_id, -1 */
	int *hazard_given_ok;      /* land found in the given region */
	/* The date a hazard's land still hazardous fell below 1 m2, or
	** LR_DATE_NONE if it still holds that much at the as-of date. */
	lr_date *hazard_gone;
	/* The area of the face a hazard's Form C point was taken from. */
	lr_cents *hazard_point_area;
	/* Per release: it released land of a hazard in scope (its items
	** count under a scope only then). */
	char *release_in_scope;
	/* Per release: land it released again, and the release that had
	** released it first (-1); of several, the first in input order. */
	lr_cents *release_repeat;
	int32_t *release_repeat_of;
} lr__analysis;

/* Whether hazard h is of a contamination the tables count. */
static inline int lr__hazard_in_scope(const lr__analysis *s, size_t h)
{
	const lr_hazard *hz = &LR_VEC_AT(&s->d->hazards, lr_hazard, h);
	return (hz->contamination & s->opt->scope) != 0;
}

/*
** Build the faces of the cluster items[0..n) in worker w and run the ledger
** on each: flows and states go into acc, per-item figures into s's arrays,
** kept faces and hazard overlaps into out (initialised by the caller, who
** frees its vectors).  On failure out->failed is set and out->msg says why.
** Returns LR_OK or an error code.
*/
int lr__cluster_run(const lr__analysis *s, lr__worker *w, lr__accum *acc,
                    const int32_t *items, size_t n, lr__cluster_out *out);

/* Free what a face owns (not f itself); a zeroed face is a no-op. */
void lr__face_free(lr_face *f);

/*
** Once every cluster is merged: add the threads' sums acc[0..n_threads)
** into s->r, then derive remaining_end, items destroyed and the counts.
** Findings (region mismatch, releases outside hazards, land outside every
** region) are appended to d->quality.
*/
int lr__totals(const lr__analysis *s, lr_dataset *d, const lr__accum *acc,
               int n_threads);

/*
** Completion from the threads' steps (completion.c): r->completion for
** every row and the nation, the releases before national completion and
** the previously unknown hazards after it.  Frees the threads' steps.
** LR_OK or LR_ERR_NOMEM.
*/
int lr__completion_build(const lr__analysis *s, lr__accum *acc, int n_threads);

/* The index of the region with this id in d (sorted by id), or -1. */
int lr__region_index(const lr_dataset *d, const char *id);

/*
** Every region level of r, when some region of d names a parent: the tree
** of parents (levels.c), its cycles cut and its orphans found (findings
** into d->quality), r's region tables summed up it into r->levels.
** LR_OK (r->levels NULL without parents) or LR_ERR_NOMEM.
*/
int lr__levels_build(lr_dataset *d, lr_result *r);
/* Free lv and everything it owns; NULL is a no-op. */
void lr__levels_free(lr_levels *lv);

#endif
