/*
** The land ledger (DESIGN.md section 4): all hazards, releases and region
** borders cut into disjoint faces, each run through its events in date
** order; every figure of every table is a sum over faces.
*/
#ifndef LR_LEDGER_H
#define LR_LEDGER_H

#include "lr_input.h"

#include <stdbool.h>

/* ---- The ledger and its tables ---------------------------------------- */

struct lr_face;
/*
** Where the ledger hands its faces as it makes them: after each batch of
** clusters is merged, the batch's new faces in face order (the calls
** together hand every face of the result once, in order).  The sink
** takes each face's geometry bytes and events text: they are NULL in the
** result's faces on return, whatever it returns; the ledger keeps the
** rest (the geometry's box, the region, area and state).  LR_OK, or an
** error code with err set: the ledger stops and fails with it.
*/
typedef int (*lr_face_sink)(void *arg, struct lr_face *faces, size_t n,
                            lr_error *err);

typedef struct lr_options {
	lr_date as_of;    /* LR_DATE_NONE: latest date in the data */
	lr_date baseline; /* LR_DATE_NONE: no baseline, everything is new */
	int scope;        /* mask of LR_CONT_* counted; LR_CONT_ALL default */
	int threads;      /* 0: OpenMP default */
	bool keep_faces;  /* keep face geometries for the store */
	const lr_progress *progress; /* borrowed; NULL: silent */
	bool timings; /* the time of the ledger's parts, as progress notes */
	lr_face_sink face_sink; /* NULL: the result keeps every face whole */
	void *face_sink_arg;    /* borrowed; the sink's first argument */
} lr_options;

/* The parts of remaining land by the contamination of the records that
** keep it hazardous; land under records of more than one kind is mixed. */
enum { LR_PART_AP, LR_PART_AV, LR_PART_ERW, LR_PART_MIXED, LR_N_PARTS };

/* One row of remaining_by_region. */
typedef struct lr_remaining_row {
	int64_t sha_count, cha_count;
	lr_cents sha, cha;
	lr_cents part[LR_N_PARTS]; /* as-of only; they add up to sha + cha */
} lr_remaining_row;

/* One (year, region) cell of release_by_year. */
typedef struct lr_year_row {
	lr_cents new_land, released[LR_N_METHODS], reclassified, remaining_end;
	/* The CHA parts of new_land and of the land released; the rest was
	** SHA.  They give the stocks by type at each year's end. */
	lr_cents new_cha, released_cha;
	lr_cents sha_end, cha_end; /* add up to remaining_end */
	/* Hazards holding at least 1 m2 at the year's end, by their type. */
	int64_t sha_count_end, cha_count_end;
	int64_t ap_mines, av_mines, erw;
	int64_t ap_improvised; /* improvised AP mines, apart from ap_mines */
} lr_year_row;

/* A face of the ledger, kept only with lr_options.keep_faces. */
typedef struct lr_face {
	int region; /* index into regions, or n_regions for "outside" */
	lr_cents area;
	int state;    /* 0 clean, LR_SHA or LR_CHA at the as-of date */
	char *events; /* owned: "2019-03-01 record H-1 SHA; ..." */
	lr_wkb geom;  /* owned (its data) */
} lr_face;

/* Where a region (or the nation) stands on completion (DESIGN section 5:
** the declaration-of-completion annex).  Dates are LR_DATE_NONE when they
** did not happen. */
typedef struct lr_completion_row {
	/* Completion reached: for the nation, the first day (after the
	** baseline date) its land in scope fell to zero; for a region, the
	** day it last did, if it holds no land in scope at the as-of date. */
	lr_date completed;
	/* The last day a release took hazardous land in scope off it. */
	lr_date last_release;
	/* Previously unknown areas: in-scope hazards (counted in this
	** region) recorded after the nation's completion that made land
	** hazardous, and that land. */
	int64_t unknown_count;
	lr_cents unknown_land;
} lr_completion_row;

/* Add every figure of src into dst (region rows summed into a total or a
** level above). */
void lr_remaining_row_add(lr_remaining_row *dst, const lr_remaining_row *src);
void lr_year_row_add(lr_year_row *dst, const lr_year_row *src);

/* ---- Region levels (levels.c) ----------------------------------------- */

/* A region of the tree that parent_id draws: a region of the layer, or a
** parent that parent_id names but the layer does not hold (a province
** whose districts are the regions). */
typedef struct lr_level_node {
	char *id;   /* owned */
	char *name; /* owned; the id for a parent the layer does not hold */
	int parent; /* node index; -1 at the top and where a cycle was cut */
	int depth;  /* its level: 1 at the top */
	int region; /* its row in the region tables; -1: not a region */
} lr_level_node;

/* One row of a level's block: node and all the land below it; or, with
** own, a region of a level above standing at this level for its own land
** alone, so that every level's rows add up to the total.  node -1 is the
** OUTSIDE row. */
typedef struct lr_level_row {
	int level;
	int node;
	bool own;
} lr_level_row;

/* Every region level: the region tables summed up the tree. */
typedef struct lr_levels {
	int n_levels;
	size_t n_nodes, n_rows;
	/* owned: the regions in region order, then the parents the layer
	** does not hold, by id */
	lr_level_node *nodes;
	lr_level_row *rows; /* owned: level 1's block first, each by id */
	lr_remaining_row *remaining; /* owned: [n_rows] */
	lr_year_row *years; /* owned: [n_years * n_rows], year by year */
} lr_levels;

typedef struct lr_result {
	lr_date as_of, baseline;
	int scope;
	int n_regions;    /* rows: regions, then one "OUTSIDE" row */
	bool has_outside; /* some land lies in no region */
	int first_year, last_year;
	lr_remaining_row *remaining; /* owned: [n_regions + 1] */
	/* owned: [n_regions + 1]; NULL without a baseline */
	lr_remaining_row *baseline_remaining;
	lr_year_row *years; /* owned: [(last-first year+1) * (n_regions+1)] */
	lr_vec faces;       /* lr_face, owned, if kept */
	int64_t n_faces, n_clusters;
	/* Per hazard: region index and remaining land at as-of; per release:
	** region index.  All owned. */
	int *hazard_region;
	lr_cents *hazard_remaining;
	int *release_region;
	/* Form C, the list of areas: per hazard the remaining land listed
	** under it (land under several hazards goes to the earliest record
	** of its hazardous spell, ties by id, so the list adds up to the
	** total) and a point on that land, WGS84 degrees x 10^6.  form_c:
	** the hazards listing land, in hazard order.  All owned. */
	lr_cents *hazard_listed;
	int64_t *hazard_lon_e6, *hazard_lat_e6;
	int32_t *form_c;
	size_t n_form_c;
	/* Completion (completion.c): per row, regions, OUTSIDE, then the
	** nation [n_regions + 2]; per release the hazardous land in scope it
	** released; per hazard the land in scope its record made hazardous
	** after the baseline.  With national completion reached: the
	** releases of the LR_COMPLETION_YEARS before it and after it (by
	** date, then input order), and the previously unknown hazards (by
	** record date, then input order) with the day each fell below 1 m2
	** (unknown_gone; LR_DATE_NONE while it holds land).  All owned. */
	lr_completion_row *completion;
	lr_cents *release_land, *hazard_new;
	int32_t *completion_releases;
	size_t n_completion_releases;
	int32_t *unknown;
	lr_date *unknown_gone;
	size_t n_unknown;
	double seconds_overlay;
	/* owned; NULL when no region names a parent */
	lr_levels *levels;
} lr_result;

#define LR_LEVEL_YEAR_ROW(r, year, row)                                        \
	(&(r)->levels->years[(size_t)((year) - (r)->first_year) *              \
	                             (r)->levels->n_rows +                     \
	                     (row)])

#define LR_YEAR_ROW(r, year, region)                                           \
	(&(r)->years[((year) - (r)->first_year) * ((r)->n_regions + 1) +       \
	             (region)])

/*
** Build the ledger of d and every table from it.  Findings of the overlay
** (overlaps, releases outside hazards, ...) are appended to d->quality.
** On success *out is a new result freed with lr_result_free(); it keeps no
** pointer into d or opt, which are borrowed for the call only.  On failure
** *out is NULL and err says why.
*/
int lr_analyze(lr_dataset *d, const lr_options *opt, lr_result **out,
               lr_error *err);
/* Free r and everything it owns; NULL is a no-op. */
void lr_result_free(lr_result *r);

#endif
