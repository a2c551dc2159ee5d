/*
** What goes into the ledger: the records (regions, hazards, releases), the
** data-quality findings about them, the mapping of national schemas onto
** ours and the ingest that reads them through geo/ (accepted | rejected).
*/
#ifndef LR_INPUT_H
#define LR_INPUT_H

#include "lr_land.h"
#include "lr_geo.h"

#include <stdbool.h>

/* ---- Records ------------------------------------------------------------ */

/* Every pointer in a record is owned by it; lr_dataset_free frees them. */
typedef struct lr_region {
	char *id;        /* owned */
	char *name;      /* owned */
	char *parent_id; /* owned; NULL if none */
	int64_t fid;
	lr_wkb geom; /* owned (its data) */
	double area_m2;
} lr_region;

typedef struct lr_hazard {
	char *id; /* owned */
	lr_hazard_type type;
	int contamination; /* one LR_CONT_* bit */
	lr_date recorded;
	double reported_area_m2; /* NAN if not given */
	char *region_id;         /* owned; NULL if not given */
	int64_t fid;             /* source feature id, -1 if implied */
	int implied_by;          /* release index that implies it, or -1 */
	lr_wkb geom;             /* owned (its data) */
	double area_m2;
} lr_hazard;

typedef struct lr_release {
	char *id;        /* owned */
	char *hazard_id; /* owned; NULL if not given */
	lr_method method;
	lr_date date;
	int64_t ap_mines, av_mines, erw; /* items destroyed, 0 if not given */
	int64_t fid;
	lr_wkb geom; /* owned (its data) */
	double area_m2;
	/* Improvised AP mines destroyed, reported apart from ap_mines as the
	** Convention's reports ask; 0 if not given. */
	int64_t ap_improvised;
	/* hazard_id is a list "H-1,H-2" (the mapping's hazard_id_list). */
	bool hazard_id_list;
} lr_release;

/* ---- Data quality: every reject, repair and finding --------------------- */

/* Every string of a finding is owned by it; lr_quality_free frees them. */
typedef struct lr_finding {
	lr_severity severity;
	char *code;  /* owned; stable machine code: "rejected_geometry" ... */
	char *layer; /* owned; "hazards", "releases", "regions", "" */
	int64_t feature_id; /* source FID, -1 if none */
	char *record_id; /* owned; hazard_id / release_id / region_id, or "" */
	lr_cents area;   /* area involved, 0 if none; -1 when not an area */
	char *message;   /* owned */
} lr_finding;

typedef struct lr_quality {
	lr_vec items; /* lr_finding, owned */
} lr_quality;

/* Make q empty; lr_quality_free(q) frees what it holds, not q itself
** (NULL is a no-op). */
void lr_quality_init(lr_quality *q);
void lr_quality_free(lr_quality *q);
/* Record one finding (strings are copied).  LR_OK or LR_ERR_NOMEM. */
int lr_quality_add(lr_quality *q, lr_severity sev, const char *code,
                   const char *layer, int64_t feature_id, const char *record_id,
                   lr_cents area, const char *fmt, ...)
        __attribute__((format(printf, 8, 9)));

/* ---- The dataset: what ingest accepted -------------------------------- */

typedef struct lr_layer_counts {
	int64_t read, accepted, repaired, rejected;
} lr_layer_counts;

/* A dataset owns its records, labels and findings. */
typedef struct lr_dataset {
	lr_vec regions;  /* lr_region, owned, sorted by id */
	lr_vec hazards;  /* lr_hazard, owned, in source order then implied */
	lr_vec releases; /* lr_release, owned, in source order */
	/* The regions of the levels above the layer's, read from the
	** mapping's parent_layers: lr_region with no geometry, owned, each
	** parent_id the region of the next level holding most of its land
	** (NULL at the top). */
	lr_vec parents;
	lr_layer_counts counts[3]; /* regions, hazards, releases */
	char *source_label[3];     /* owned; where each layer came from */
	lr_quality quality;
} lr_dataset;

enum { LR_LAYER_REGIONS = 0, LR_LAYER_HAZARDS = 1, LR_LAYER_RELEASES = 2 };
/* "regions", "hazards", "releases": static strings, never freed. */
extern const char *const lr_layer_names[3];

/* Make d empty; lr_dataset_free(d) frees what it holds, not d itself
** (NULL is a no-op). */
void lr_dataset_init(lr_dataset *d);
void lr_dataset_free(lr_dataset *d);

/* ---- Mapping national schemas onto ours (engine/mapping.c) ------------- */

typedef struct lr_mapping lr_mapping; /* opaque */

/*
** Parse a mapping file (format in README "Mapping files").  On success *out
** is a new mapping freed with lr_mapping_free(); on failure NULL and err
** names the file and line.
*/
int lr_mapping_load(const char *path, lr_mapping **out, lr_error *err);
/* Parse from memory (for tests and fuzzing); name is used in messages.
** text and name are borrowed for the call; *out as lr_mapping_load. */
int lr_mapping_parse(const char *text, size_t len, const char *name,
                     lr_mapping **out, lr_error *err);
/* The identity mapping: our own field names and spellings.  On success
** *out is a new mapping freed with lr_mapping_free(). */
int lr_mapping_default(lr_mapping **out, lr_error *err);
/* Free m and all it holds; NULL is a no-op. */
void lr_mapping_free(lr_mapping *m);

/* ---- Ingest (engine/ingest.c) ------------------------------------------ */

typedef struct lr_inputs {
	/* Either dataset (holding layers regions, hazards, releases) or the
	** three sources; per-layer names override the defaults. */
	const char *dataset;   /* borrowed */
	const char *source[3]; /* borrowed */
	const char *layer[3];  /* borrowed; NULL: the mapping's or default */
	const lr_mapping *mapping; /* borrowed; NULL: the identity mapping */
	lr_source_options source_options;
	lr_date today; /* dates after this are rejected as future */
	const lr_progress *progress; /* borrowed; NULL: silent */
	int threads; /* for the areas of what is read; 0: all cores */
} lr_inputs;

/*
** Read and check all three layers into d (initialised by the caller).
** Feature-level problems are findings in d->quality (feature rejected or
** repaired); dataset-level problems (missing file, missing layer, missing
** required field) return an error with err naming file and what to do.
** Whatever the outcome, the caller frees d with lr_dataset_free(); in is
** borrowed for the call only.
*/
int lr_ingest(const lr_inputs *in, lr_dataset *d, lr_error *err);

#endif
