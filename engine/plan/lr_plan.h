/*
** Looking ahead from the land ledger: the Monte Carlo completion projection
** (projection.c), the scenarios that bend it (scenario.c) and the annual
** work plan to a target date (workplan.c), all in engine/plan/.  Every
** function here takes parsed inputs, so tests can call them without a
** store; lr_history_load() reads those inputs from a store written by
** `landrelease analyze`, through the store's reader (lr_store_read.h).
**
** Ownership.  A history, a scenario, a projection and a plan are each
** freed by their own _free(), which takes NULL.  A projection's rows
** borrow the region ids of the history it was made from, and a plan's rows
** name regions by index into it: free the history last.
*/
#ifndef LR_PLAN_H
#define LR_PLAN_H

#include "lr_land.h"

#include <stdbool.h>
#include <stdio.h>

/* ---- History: what the store says about the past ------------------------ */

/*
** Remaining land per region at the as-of date and, per year of the history
** window, the land released (by method) and the new contamination found.
** Every pointer field is owned by the history and freed by
** lr_history_free().
*/
typedef struct lr_history {
	lr_date as_of;
	int first_year; /* first year of the window */
	int n_years;    /* window length (complete years only) */
	int window;     /* years asked for; > n_years when the data is short */
	int n_regions;  /* rows, sorted by region_id; TOTAL is not a row */
	char **region_id;    /* [n_regions] owned, and each id owned */
	lr_cents *remaining; /* [n_regions] owned: total remaining at as_of */
	lr_cents *sha, *cha; /* [n_regions] owned: its SHA / CHA parts */
	/* [n_years * n_regions], owned, year-major: cell (y, r) at
	** y * n_regions + r (LR_HIST_CELL). */
	lr_cents *released;
	lr_cents *new_land;
	/* [n_years * n_regions * LR_N_METHODS], owned: released by method,
	** indexed by lr_method. */
	lr_cents *by_method;
	char *scope; /* owned: meta scope of the store, "" if none */
	/* [n_regions + 1] owned, the nation last: the day the last area was
	** released where no land in scope remains (completion_by_region's
	** complete rows), LR_DATE_NONE elsewhere.  Such a row's completion is
	** that day, not a projection. */
	lr_date *completed;
	/* [n_years] owned: where each year's figures come from, "FILE:LINE"
	** for a published history; NULL (the entry or the array): the ledger */
	char **year_source;
} lr_history;

#define LR_HIST_CELL(h, y, r) ((size_t)(y) * (size_t)(h)->n_regions + (r))

/*
** Allocate an all-zero history of n_regions rows and n_years window years
** starting at first_year.  Region ids are NULL until set with
** lr_history_set_region().  *out is freed with lr_history_free().
*/
int lr_history_new(lr_date as_of, int first_year, int n_years, int n_regions,
                   lr_history **out, lr_error *err);
/* Copy id into row r (replacing any previous id).  LR_OK or LR_ERR_NOMEM. */
int lr_history_set_region(lr_history *h, int r, const char *id, lr_error *err);
void lr_history_free(lr_history *h);

/*
** The last complete year at as_of: a year is complete when it ends on or
** before as_of, so the as-of year itself counts only when as_of is 31 Dec.
*/
int lr_history_last_complete_year(lr_date as_of);

/*
** Read the history from the store at path (a landrelease.sqlite written by
** `landrelease analyze`): remaining_by_region (every row except TOTAL), and
** release_by_year over the last `window` complete years before the as-of
** year.  The window is cut at the first year of the store's data (meta
** first_year): years before it hold no records, not zero release.  On
** success *out is a new history freed with lr_history_free().  Errors name
** the store and what is missing (LR_ERR_INPUT).
*/
int lr_history_load(const char *path, int window, lr_history **out,
                    lr_error *err);

/*
** Published annual figures (history_file.c; format in docs/scenario.md,
** "Published history"): read the CSV at path and make its years the
** history of *h, the last `window` of them; with extend, the file fills in
** and overrides the years of the store's own window instead, reaching back
** before its first year.  National rows are shared among the regions in
** proportion to their remaining land.  On success *h is replaced by the new
** history (the old one freed); what was skipped or not used is added to
** notes (char *, owned by the caller).  Errors name the file and line
** (LR_ERR_INPUT; LR_ERR_USAGE for a window below 1).
*/
int lr_history_apply_file(lr_history **h, const char *path, int window,
                          bool extend, lr_vec *notes, lr_error *err);
/* The same from the file's text; name stands for the file in messages. */
int lr_history_apply_text(lr_history **h, const char *text, const char *name,
                          int window, bool extend, lr_vec *notes,
                          lr_error *err);

/*
** lr_history_load() of the store, then, when file is not NULL,
** lr_history_apply_file() of file: what `project` and `plan` draw from.
*/
int lr_history_read(const char *store, int window, const char *file,
                    bool extend, lr_history **out, lr_vec *notes,
                    lr_error *err);

/*
** Write the history's years as drawn (national sums by method, released,
** new) and where each came from (the ledger, or FILE:LINE), through a
** temporary file renamed into place.
*/
int lr_history_write_years(const lr_history *h, const char *path,
                           lr_error *err);

/* ---- Scenarios (scenario.c; format in docs/scenario.md) ----------------- */

typedef struct lr_scenario lr_scenario; /* opaque */

/*
** Parse a scenario file.  On success *out is a new scenario freed with
** lr_scenario_free(); on failure *out is NULL and err names the file and
** line (LR_ERR_USAGE for a malformed file, LR_ERR_INPUT if unreadable).
*/
int lr_scenario_load(const char *path, lr_scenario **out, lr_error *err);
/* Parse from memory; name is used in messages as the file name. */
int lr_scenario_parse(const char *text, const char *name, lr_scenario **out,
                      lr_error *err);
void lr_scenario_free(lr_scenario *s);

/*
** The factors of a scenario for one region (id) and calendar year: what the
** historical release (*capacity) and the drawn new finds (*new_finds) are
** multiplied by.  A NULL scenario gives 1 and 1.
*/
void lr_scenario_factors(const lr_scenario *s, const char *region_id, int year,
                         double *capacity, double *new_finds);

/*
** The [national] priority list (`priority = D03, D01`) as region indices
** of h, in order, into order[] (room for h->n_regions) and their count
** into *n_order (0 without a list).  LR_OK, or LR_ERR_USAGE naming the file
** and line of a region not in h or listed twice.
*/
int lr_scenario_priority(const lr_scenario *s, const lr_history *h, int *order,
                         int *n_order, lr_error *err);

/*
** Check that every [region ID] section names a region of h.  LR_OK, or
** LR_ERR_USAGE with err naming the file and line of the unknown section.
*/
int lr_scenario_check_regions(const lr_scenario *s, const lr_history *h,
                              lr_error *err);

/* ---- Completion projection (projection.c) ------------------------------- */

#define LR_PROJECT_HORIZON_YEARS 50

/*
** How drawn capacity meets the land.  NATIONAL (the default): a drawn year's
** release of the whole country is one pool of capacity, spent each year on
** the regions that still hold land in proportion to their remaining land,
** so a finished or idle region's teams work elsewhere.  REGIONAL: each
** region is released only at its own drawn pace.
*/
typedef enum { LR_MODEL_NATIONAL = 0, LR_MODEL_REGIONAL = 1 } lr_model;

/* "national" / "regional"; lr_model_parse gives -1 for anything else. */
const char *lr_model_name(lr_model m);
int lr_model_parse(const char *s);

typedef struct lr_projection_options {
	lr_date deadline;
	int runs; /* Monte Carlo runs, >= 1 */
	uint64_t seed;
	double confidence;           /* for extension_years, in (0, 1] */
	int threads;                 /* 0: the OpenMP default */
	const lr_scenario *scenario; /* borrowed, may be NULL */
	lr_model model;
} lr_projection_options;

/* The three reported percentiles, in column order. */
#define LR_N_PCT 3
extern const double lr_projection_pct[LR_N_PCT]; /* 0.1, 0.5, 0.9 */

/* LR_DATE_NEVER: not finished within the horizon. */
#define LR_DATE_NEVER INT32_MAX

#define LR_REASON_MAX 384

typedef struct lr_projection_row {
	/* borrowed from the history (which must outlive the projection);
	** the static "TOTAL" in the last row */
	const char *region_id;
	lr_cents remaining;
	double mean_rate;      /* mean annual m² released over the window */
	lr_date pct[LR_N_PCT]; /* P10, P50, P90 or LR_DATE_NEVER */
	int64_t on_time;       /* runs finished by the deadline */
	int extension_years;   /* -1: never within the horizon */
	/* Why a date or the extension is never, one sentence; "" otherwise. */
	char reason[LR_REASON_MAX];
} lr_projection_row;

typedef struct lr_projection {
	lr_date as_of, deadline;
	int runs;
	lr_model model;
	int n_rows;              /* regions + 1 (TOTAL last) */
	lr_projection_row *rows; /* [n_rows], owned */
	lr_vec notes; /* char *, owned, and each string owned: warnings */
} lr_projection;

/*
** Run the projection of h under o.  Run i draws only from (o->seed, i), so
** the result is the same for any thread count.  On success *out is a new
** projection freed with lr_projection_free(), whose rows borrow h's region
** ids; warnings (every row that says never, with its reason; extensions
** beyond 10 years) are in (*out)->notes.
*/
int lr_project(const lr_history *h, const lr_projection_options *o,
               lr_projection **out, lr_error *err);
void lr_projection_free(lr_projection *p);

/*
** Write p as completion.csv into path, through a temporary file renamed
** into place: no partial file is ever left.
*/
int lr_projection_write_csv(const lr_projection *p, const char *path,
                            lr_error *err);

/* The deterministic generator used by the projection (splitmix64). */
uint64_t lr_rng_seed(uint64_t seed, uint64_t run);
uint64_t lr_rng_next(uint64_t *state);

/* ---- Annual work plan (workplan.c) ------------------------------------- */

/*
** Every per-method array below is indexed by lr_method (lr_land.h).  The
** files list the methods survey first (cancelled, reduced, cleared),
** whatever their numbering.
*/

/*
** Teams available and their output (format in docs/scenario.md, "Capacity
** files"): national pool, per method.  A method with no m2_per_team_day has
** no productivity figure; planning land for it is an error.
*/
typedef struct lr_capacity {
	double teams[LR_N_METHODS];           /* teams available */
	double m2_per_team_day[LR_N_METHODS]; /* 0: not given */
	double working_days;                  /* per year */
} lr_capacity;

/* Cost per m² by method, and the currency it is in. */
typedef struct lr_costs {
	double per_m2[LR_N_METHODS];
	char currency[16];
} lr_costs;

int lr_capacity_load(const char *path, lr_capacity *out, lr_error *err);
int lr_capacity_parse(const char *text, const char *name, lr_capacity *out,
                      lr_error *err);
int lr_costs_load(const char *path, lr_costs *out, lr_error *err);
int lr_costs_parse(const char *text, const char *name, lr_costs *out,
                   lr_error *err);

typedef struct lr_plan_row {
	int year;
	int region; /* index into the history's regions, -1 for TOTAL */
	lr_cents work[LR_N_METHODS]; /* land to release, by method */
	lr_cents release, remaining_end;
	double cumulative_pct;
	int64_t teams_needed; /* -1 without a capacity */
	lr_cents cost;        /* -1 without costs */
} lr_plan_row;

typedef struct lr_plan_shortfall {
	int year;
	lr_method method;
	int64_t needed;
	double available;
} lr_plan_shortfall;

/*
** A pace the plan asks for beyond what history shows: the region's (or the
** nation's) remaining land over the years to the target against the most
** it released in one year of the history window.
*/
typedef struct lr_plan_pace {
	int region;    /* index into the history, -1 for TOTAL */
	double needed; /* m² a year: remaining x 365.25 / days to target */
	lr_cents best; /* the most released in one year of the window */
	int best_year; /* that year; 0 when nothing was released */
} lr_plan_pace;

typedef struct lr_plan {
	lr_date as_of, target;
	int first_year, last_year;
	lr_vec rows; /* lr_plan_row, owned: by year then region, TOTAL last */
	/* lr_plan_shortfall, owned: national, by year, methods survey first */
	lr_vec shortfalls;
	/* lr_plan_pace, owned: TOTAL first, then regions in history order;
	** only those whose needed pace exceeds their best year */
	lr_vec paces;
} lr_plan;

/*
** Spread each region's remaining land over the years from the plan's first
** year to target's year so that it reaches zero on target, in whole cents.
** h, capacity and costs are borrowed for the call; capacity and costs may
** be NULL.  On success *out is a new plan freed with lr_plan_free(); its
** rows name regions by index into h.  target on or before as_of gives
** LR_ERR_USAGE.
*/
int lr_plan_build(const lr_history *h, lr_date target,
                  const lr_capacity *capacity, const lr_costs *costs,
                  lr_plan **out, lr_error *err);
void lr_plan_free(lr_plan *p);

/*
** Write workplan.csv (path) and, when there are findings, plan_findings.csv
** (findings_path): capacity_shortfall rows, then the paces above the best
** year (pace_above_best_year; no_release_in_window when the best year is
** nothing), each through a temporary file renamed into place.  With no
** finding an old findings file is removed so it cannot be mistaken for
** this plan's.
*/
int lr_plan_write_csv(const lr_history *h, const lr_plan *p, const char *path,
                      const char *findings_path, lr_error *err);

#endif
