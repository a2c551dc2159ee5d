/*
** Batch runs: the manifest that lists them (manifest.c), the content hash
** that tells whether a finished run is still up to date, the summary
** gathered from the run folders, and the runner that runs each step of each
** run as a child process, side by side (runner.c, schedule.c, group.c,
** swap.c).  The caller says how a step is typed (its argument vector) and
** prints what the runner reports; the format is described in docs/batch.md.
*/
#ifndef LR_BATCH_H
#define LR_BATCH_H

#include "lr_base.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- Manifest ------------------------------------------------------------ */

/* The settings a run may have, in the order they are hashed. */
typedef enum {
	LR_BK_DATASET = 0,
	LR_BK_REGIONS,
	LR_BK_HAZARDS,
	LR_BK_RELEASES,
	LR_BK_REGIONS_LAYER,
	LR_BK_HAZARDS_LAYER,
	LR_BK_RELEASES_LAYER,
	LR_BK_MAP,
	LR_BK_ASSUME_CRS,
	LR_BK_MAX_VERTEX_GAP,
	LR_BK_AS_OF,
	LR_BK_BASELINE,
	LR_BK_SCOPE,
	/* Keys from here on are not analyze's (lr_batch_analysis_hash). */
	LR_BK_DEADLINE,
	LR_BK_TARGET,
	LR_BK_SCENARIO,
	LR_BK_WINDOW,
	LR_BK_RUNS,
	LR_BK_SEED,
	LR_BK_CONFIDENCE,
	LR_BK_CAPACITY,
	LR_BK_COSTS,
	LR_BK_HISTORY,
	LR_BK_MODEL,
	LR_BATCH_N_KEYS
} lr_batch_key;

/* Key names as written in the manifest ("dataset", "regions_layer"...). */
extern const char *const lr_batch_key_names[LR_BATCH_N_KEYS];

/* Longest run name accepted (bytes). */
#define LR_BATCH_NAME_MAX 100

typedef struct lr_batch_run {
	char *name; /* owned: the NAME of [run NAME] */
	int index;  /* 0-based position in the manifest */
	int line;   /* line of its [run NAME] header */
	/* owned, NULL when neither the run nor [defaults] sets the key.  Paths
	** are resolved against the manifest's folder (absolute). */
	char *value[LR_BATCH_N_KEYS];
} lr_batch_run;

typedef struct lr_manifest {
	char *name;         /* owned: the manifest's name in messages */
	int n_runs;         /* >= 1 */
	lr_batch_run *runs; /* owned: [n_runs], manifest order */
} lr_manifest;

/*
** Read the manifest at path.  Relative paths in it are resolved against the
** absolute folder of path.  On success *out is a new manifest freed with
** lr_manifest_free(); on failure *out is NULL and err names the file and
** line (LR_ERR_USAGE for a malformed manifest, LR_ERR_INPUT if unreadable).
*/
int lr_manifest_load(const char *path, lr_manifest **out, lr_error *err);

/*
** Parse a manifest held in memory.  name is used in messages; dir is the
** folder relative paths are resolved against (borrowed).  Ownership as
** lr_manifest_load().
*/
int lr_manifest_parse(const char *text, const char *name, const char *dir,
                      lr_manifest **out, lr_error *err);

/* Free m and everything it owns.  NULL is a no-op. */
void lr_manifest_free(lr_manifest *m);

/*
** 1 when name is usable as a run folder: 1 to LR_BATCH_NAME_MAX bytes of
** letters, digits, '_', '-' and '.', not starting with '.' or '-', and not
** ending in ".log", ".csv" or ".md" (names used by the batch next to the run
** folders).
*/
int lr_batch_name_ok(const char *name);

/* ---- Steps ----------------------------------------------------------------
 */

typedef enum {
	LR_STEP_ANALYZE = 0,
	LR_STEP_PROJECT, /* only when the run has a deadline */
	LR_STEP_PLAN,    /* only when the run has a target */
	LR_N_STEPS
} lr_batch_step;

extern const char *const lr_batch_step_names[LR_N_STEPS];

bool lr_batch_has_step(const lr_batch_run *r, lr_batch_step s);

/* ---- Content hash ----------------------------------------------------------
 */

/*
** FNV-1a, 64 bits: h = (h ^ byte) * 0x100000001b3, from LR_FNV1A64_INIT.
** Not cryptographic; it detects changes, it does not resist forgery.
*/
#define LR_FNV1A64_INIT 0xcbf29ce484222325ULL
uint64_t lr_fnv1a64(uint64_t h, const void *data, size_t n);

/*
** Remembers the hash of every input file already read, so that fifty runs of
** one dataset read it once.  Owned by the caller: lr_batch_hash_cache_new()
** (NULL on out of memory), lr_batch_hash_cache_free() (NULL is a no-op).
*/
typedef struct lr_batch_hash_cache lr_batch_hash_cache;
lr_batch_hash_cache *lr_batch_hash_cache_new(void);
void lr_batch_hash_cache_free(lr_batch_hash_cache *c);

/*
** The content hash of run r: FNV-1a 64 over the program version, every
** setting (key and value, in lr_batch_key order) and the bytes of every input
** it names (docs/batch.md, "Resume").  cache may be NULL.  An input that is
** not a local file (PG: strings, a missing file) contributes its string only.
** LR_OK, or LR_ERR_INPUT when a file exists but cannot be read.
*/
int lr_batch_run_hash(const lr_batch_run *r, lr_batch_hash_cache *cache,
                      uint64_t *out, lr_error *err);

/*
** The hash of what the analyze step of r reads and is told: the program
** version, the analyze settings (every key before LR_BK_DEADLINE) and the
** bytes of their inputs.  Runs with equal analysis hashes get byte-identical
** analyze outputs, so a batch analyses them once.  Errors as
** lr_batch_run_hash().
*/
int lr_batch_analysis_hash(const lr_batch_run *r, lr_batch_hash_cache *cache,
                           uint64_t *out, lr_error *err);

/* The marker a finished run folder holds, written last. */
#define LR_BATCH_MARKER ".landrelease-run"

typedef struct lr_batch_marker {
	uint64_t hash;
	double seconds; /* wall time of the run's steps */
} lr_batch_marker;

/* Write dir/LR_BATCH_MARKER (through a temporary file, synced). */
int lr_batch_marker_write(const char *dir, const lr_batch_marker *m,
                          lr_error *err);
/* Read dir/LR_BATCH_MARKER: 1 and *m filled when present and well formed,
** else 0. */
int lr_batch_marker_read(const char *dir, lr_batch_marker *m);

/* ---- Summary ------------------------------------------------------------- */

/* One row of summary.csv.  Figures are copied verbatim from the run's CSVs;
** "" where the run has no such figure (no deadline: no projection). */
typedef struct lr_batch_row {
	char run[LR_BATCH_NAME_MAX + 1];
	bool ok;
	char remaining_m2[32], sha_m2[32], cha_m2[32];
	char released_last_year_m2[32];
	char p50_date[16], p90_date[16], deadline[16], p_on_time[24];
	char extension_years[16];
	char rejected_features[24];
	double seconds;
	char error[512]; /* failed runs only */
} lr_batch_row;

/* The columns of summary.csv, in order (error last). */
extern const char *const lr_batch_summary_columns[];
#define LR_BATCH_N_COLUMNS 14

/*
** Fill the figures of row from the finished run folder dir:
** remaining_by_region.csv (TOTAL row), release_by_year.csv (TOTAL row of the
** last year), completion.csv (TOTAL row, when present) and the store's
** ingest_counts.  row->run, ok and seconds are left alone.  LR_OK, or
** LR_ERR_INPUT naming the file that is missing or malformed.
*/
int lr_batch_row_read(const char *dir, lr_batch_row *row, lr_error *err);

/*
** Write rows as CSV to csv_path and, when md_path is not NULL, as a Markdown
** table to md_path; each through a temporary file renamed into place.
*/
int lr_batch_summary_write(const lr_batch_row *rows, int n,
                           const char *csv_path, const char *md_path,
                           lr_error *err);

/* ---- Runner -------------------------------------------------------------- */

/*
** What the caller of lr_batch_execute() is told and asked.  user is passed
** back to each function (borrowed).
*/
typedef struct lr_batch_hooks {
	/*
	** Required: the argument vector of step s of run r, whose outputs go
	** to out_dir, with threads threads (> 0).  The runner execs it with
	** program (lr_batch_options) and writes it into the run's log.  On
	** LR_OK *argv is a NULL-terminated vector freed by argv_free; else
	** err says why and the run fails with that message.  r and out_dir
	** are borrowed for the call.
	*/
	int (*argv)(void *user, const lr_batch_run *r, lr_batch_step s,
	            const char *out_dir, int threads, char ***argv,
	            lr_error *err);
	void (*argv_free)(void *user, char **argv); /* required */
	/*
	** Optional: run row->run ended, done of total runs so far.  skipped:
	** --resume kept its finished result.  row is borrowed for the call.
	*/
	void (*run_ended)(void *user, const lr_batch_row *row, int done,
	                  int total, bool skipped);
	/* Notes (fewer jobs than asked, a leftover that cannot be removed);
	** its user is its own. */
	lr_progress progress;
	void *user; /* borrowed */
} lr_batch_hooks;

typedef struct lr_batch_options {
	const char *out;      /* borrowed: DIR, created when missing */
	const char *program;  /* borrowed: the executable each step runs; it is
	                      ** opened once at the start, so a file replaced
	                      ** during the batch does not mix two versions */
	int jobs;             /* runs side by side asked for (>= 1); fewer when
	                      ** there are fewer cores or runs */
	int shard_i, shard_n; /* run only positions p with p % shard_n ==
	                      ** shard_i - 1; 1 and 1 for every run */
	bool resume;          /* skip runs whose result matches their hash */
	bool summary_only;    /* run nothing; gather the summary (no shard) */
} lr_batch_options;

typedef struct lr_batch_totals {
	int selected; /* runs of this shard (every run with summary_only) */
	int failed;   /* of them, those failed or (summary_only) not ok */
	int skipped;  /* of them, kept unchanged by resume */
	double seconds;
	/* The summary CSV written (DIR/summary.csv, or summary-I-of-N.csv
	** with a shard); "" when the batch stopped before its runs. */
	char summary_csv[PATH_MAX];
} lr_batch_totals;

/*
** Run the runs of m as options o say, each step a child process of
** o->program with the argument vector hooks->argv gives, writing DIR/NAME
** (only when every step succeeded), DIR/NAME.log and the summary
** (docs/batch.md).  m, o and hooks are borrowed.  *totals is filled as far
** as the batch went.  LR_OK when the summary was written, whether or not
** every run succeeded (totals->failed); LR_ERR_USAGE when DIR cannot be
** created; LR_ERR_NOMEM; or the error of writing the summary (then totals
** is complete).
*/
int lr_batch_execute(const lr_manifest *m, const lr_batch_options *o,
                     const lr_batch_hooks *hooks, lr_batch_totals *totals,
                     lr_error *err);

#endif
