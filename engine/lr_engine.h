/*
** The land-release engine: records, the ledger built from them and every
** figure computed from it (DESIGN.md section 4).  No GDAL here: sources are
** read through geo/ and the store is plain SQLite with SpatiaLite.
*/
#ifndef LR_ENGINE_H
#define LR_ENGINE_H

#include "lr_base.h"
#include "lr_geo.h"

#include <stdbool.h>

/* Areas are carried as whole hundredths of a square metre ("cents") from the
** moment a face is measured, so every sum is exact and every identity holds
** to the cent whatever the order of addition. */
typedef int64_t lr_cents;
lr_cents lr_cents_from_m2(double m2);
/* "1234.56" into buf (at least 32 bytes). */
char *lr_cents_format(lr_cents c, char *buf);

typedef enum { LR_SHA = 1, LR_CHA = 2 } lr_hazard_type;

/* Contamination kinds, as bits so that a scope is a mask. */
enum {
	LR_CONT_AP = 1,
	LR_CONT_AV = 2,
	LR_CONT_ERW = 4,
	LR_CONT_MIXED = 8,
	LR_CONT_ALL = 15
};

/* Enum order is the same-date precedence: the most thorough method first. */
typedef enum {
	LR_CLEARED = 0,
	LR_REDUCED = 1,
	LR_CANCELLED = 2,
	LR_N_METHODS = 3
} lr_method;

const char *lr_method_name(lr_method m);           /* "cleared" ... */
const char *lr_hazard_type_name(lr_hazard_type t); /* "SHA" / "CHA" */
const char *lr_contamination_name(int c);          /* "AP" ... "mixed" */

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

typedef enum { LR_SEV_INFO, LR_SEV_WARNING, LR_SEV_ERROR } lr_severity;
const char *lr_severity_name(lr_severity s);

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
	bool progress; /* features read so far, on stderr */
	int threads;   /* for the areas of what is read; 0: all cores */
} lr_inputs;

/*
** Read and check all three layers into d (initialised by the caller).
** Feature-level problems are findings in d->quality (feature rejected or
** repaired); dataset-level problems (missing file, missing layer, missing
** required field) return an error with err naming file and what to do.
*/
int lr_ingest(const lr_inputs *in, lr_dataset *d, lr_error *err);

/* ---- The ledger and its tables ---------------------------------------- */

typedef struct lr_options {
	lr_date as_of;    /* LR_DATE_NONE: latest date in the data */
	lr_date baseline; /* LR_DATE_NONE: no baseline, everything is new */
	int scope;        /* mask of LR_CONT_* counted; LR_CONT_ALL default */
	int threads;      /* 0: OpenMP default */
	bool keep_faces;  /* keep face geometries for the store */
	bool progress;    /* progress bar on stderr */
	bool timings;     /* the time of the ledger's parts on stderr */
} lr_options;

/* One row of remaining_by_region. */
typedef struct lr_remaining_row {
	int64_t sha_count, cha_count;
	lr_cents sha, cha;
} lr_remaining_row;

/* One (year, region) cell of release_by_year. */
typedef struct lr_year_row {
	lr_cents new_land, released[LR_N_METHODS], reclassified, remaining_end;
	int64_t ap_mines, av_mines, erw;
} lr_year_row;

/* A face of the ledger, kept only with lr_options.keep_faces. */
typedef struct lr_face {
	int region; /* index into regions, or n_regions for "outside" */
	lr_cents area;
	int state;    /* 0 clean, LR_SHA or LR_CHA at the as-of date */
	char *events; /* "2019-03-01 record H-1 SHA; ..." */
	lr_wkb geom;
} lr_face;

typedef struct lr_result {
	lr_date as_of, baseline;
	int scope;
	int n_regions;    /* rows: regions, then one "OUTSIDE" row */
	bool has_outside; /* some land lies in no region */
	int first_year, last_year;
	lr_remaining_row *remaining;          /* [n_regions + 1] */
	lr_remaining_row *baseline_remaining; /* [n_regions + 1] or NULL */
	lr_year_row *years; /* [(last_year-first_year+1) * (n_regions+1)] */
	lr_vec faces;       /* lr_face, if kept */
	int64_t n_faces, n_clusters;
	/* Per hazard: region index and remaining land at as-of. */
	int *hazard_region;
	lr_cents *hazard_remaining;
	int *release_region;
	double seconds_overlay;
} lr_result;

#define LR_YEAR_ROW(r, year, region)                                           \
	(&(r)->years[((year) - (r)->first_year) * ((r)->n_regions + 1) +       \
	             (region)])

/*
** Build the ledger of d and every table from it.  Findings of the overlay
** (overlaps, releases outside hazards, ...) are appended to d->quality.
** On success *out is a new result freed with lr_result_free().
*/
int lr_analyze(lr_dataset *d, const lr_options *opt, lr_result **out,
               lr_error *err);
void lr_result_free(lr_result *r);

/* ---- Outputs (engine/tables.c, engine/store.c) ------------------------- */

/*
** Write remaining_by_region.csv, release_by_year.csv, data_quality.csv (and
** baseline_by_region.csv with a baseline) into dir, each through a
** temporary name renamed into place, so no partial file is ever left.
*/
int lr_tables_write(const lr_dataset *d, const lr_result *r, const char *dir,
                    lr_error *err);

/*
** Write the SpatiaLite store dir/landrelease.sqlite: meta, inputs, data
** quality, ledger faces and result tables.  Built under a temporary name and
** renamed into place: a killed run leaves the previous store or none.
*/
int lr_store_write(const lr_dataset *d, const lr_result *r, const char *dir,
                   lr_error *err);

/*
** Write the store and the CSV tables into dir as one set: all are written
** under temporary names, then replaced together through a journal, so a
** killed run leaves every output of the previous run or every output of
** this one, never a mixture.  timings: the time of the store's parts on
** stderr.
*/
int lr_outputs_write(const lr_dataset *d, const lr_result *r, const char *dir,
                     bool timings, lr_error *err);

/*
** Finish replacing the outputs in dir if a run was killed while doing it.
** Everything that reads dir calls this first.  LR_OK when there was nothing
** to finish or it is finished; LR_ERR_IO naming the file otherwise.
*/
int lr_outputs_recover(const char *dir, lr_error *err);

/*
** Copy the value of `key` in the meta table of the store at path into buf
** (n bytes, NUL-terminated; "" on failure).  LR_OK; LR_ERR_IO when the file
** cannot be opened; LR_ERR_STORE when it is not a store, has no such key or
** the value does not fit.  Opens the file read-only; needs no SpatiaLite.
*/
int lr_store_read_meta(const char *path, const char *key, char *buf, size_t n);

#endif
