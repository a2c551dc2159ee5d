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

typedef struct lr_region {
	char *id;
	char *name;
	char *parent_id; /* NULL if none */
	int64_t fid;
	lr_wkb geom;
	double area_m2;
} lr_region;

typedef struct lr_hazard {
	char *id;
	lr_hazard_type type;
	int contamination; /* one LR_CONT_* bit */
	lr_date recorded;
	double reported_area_m2; /* NAN if not given */
	char *region_id;         /* NULL if not given */
	int64_t fid;             /* source feature id, -1 if implied */
	int implied_by;          /* release index that implies it, or -1 */
	lr_wkb geom;
	double area_m2;
} lr_hazard;

typedef struct lr_release {
	char *id;
	char *hazard_id; /* NULL if not given */
	lr_method method;
	lr_date date;
	int64_t ap_mines, av_mines, erw; /* items destroyed, 0 if not given */
	int64_t fid;
	lr_wkb geom;
	double area_m2;
} lr_release;

/* ---- Data quality: every reject, repair and finding --------------------- */

typedef struct lr_finding {
	lr_severity severity;
	char *code;         /* stable machine code: "rejected_geometry" ... */
	char *layer;        /* "hazards", "releases", "regions", "" */
	int64_t feature_id; /* source FID, -1 if none */
	char *record_id;    /* hazard_id / release_id / region_id, may be "" */
	lr_cents area;      /* area involved, 0 if none; -1 when not an area */
	char *message;
} lr_finding;

typedef struct lr_quality {
	lr_vec items; /* lr_finding */
} lr_quality;

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

typedef struct lr_dataset {
	lr_vec regions;  /* lr_region, sorted by id */
	lr_vec hazards;  /* lr_hazard, in source order then implied ones */
	lr_vec releases; /* lr_release, in source order */
	lr_layer_counts counts[3]; /* regions, hazards, releases */
	char *source_label[3];     /* where each layer came from */
	lr_quality quality;
} lr_dataset;

enum { LR_LAYER_REGIONS = 0, LR_LAYER_HAZARDS = 1, LR_LAYER_RELEASES = 2 };
extern const char *const lr_layer_names[3];

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
/* Parse from memory (for tests and fuzzing); name is used in messages. */
int lr_mapping_parse(const char *text, size_t len, const char *name,
                     lr_mapping **out, lr_error *err);
/* The identity mapping: our own field names and spellings. */
int lr_mapping_default(lr_mapping **out, lr_error *err);
void lr_mapping_free(lr_mapping *m);

/* ---- Ingest (engine/ingest.c) ------------------------------------------ */

typedef struct lr_inputs {
	/* Either dataset (holding layers regions, hazards, releases) or the
	** three sources; per-layer names override the defaults. */
	const char *dataset;
	const char *source[3];
	const char *layer[3];
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
*/
int lr_ingest(const lr_inputs *in, lr_dataset *d, lr_error *err);

#endif
