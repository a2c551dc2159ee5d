/*
** The completion projection: a Monte Carlo over the release history of the
** store (DESIGN.md section 5), and the reading of that history.
**
** Model.  Each run steps calendar year by calendar year from the as-of date.
** In each year it draws one whole historical year for release and,
** independently, one whole historical year for new finds; the same drawn
** year applies to every region, so good and bad years stay correlated
** across the country.  The first step is the rest of the as-of year (after
** the as-of day), its draws scaled by the share of the year left.  In each
** step a region first gains the drawn new contamination (times the
** scenario's new_finds factor), then loses the drawn release (times the
** scenario's capacity factor); it is finished in the step whose release
** covers what is left, on the day found by linear interpolation: with 30
** m² left and 100 m² of release over a 365-day step it finishes on day
** ceil(0.3 * 365) of the step.  Runs stop at the end of the 50th calendar
** year after the as-of year (the horizon); a region not finished by then
** is "never" in that run.  The country finishes when its last region does.
**
** That is the regional model.  The national model (the default) differs in
** one thing: a step's drawn release of all regions, each scaled by its own
** scenario factor, is one pool spent on the regions still open in
** proportion to their remaining land, so teams follow the land: a region
** finished, or without releases of its own, takes no capacity away from
** the others and is released by the nation.  Spent in proportion, the
** pool finishes every open region on the same day, the day it covers the
** national total.
**
** Every row that says never gets a reason from the window's means (no
** release at all, new finds above release, or the horizon).
**
** Percentiles use the nearest rank: P(p) is the ceil(p * runs)-th smallest
** completion date, "never" if that rank falls among the unfinished runs
** (so a region unfinished in more than (1 - p) of runs is "never" at p).
**
** Determinism.  Run i draws from splitmix64 seeded from (seed, i) alone,
** and writes only its own row of the result, so any thread count gives
** the same file.
*/
#include "lr_plan.h"
#include "lr_csv.h"
#include "lr_file.h"
#include "lr_store_read.h"
#include "schema.h"

#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const double lr_projection_pct[LR_N_PCT] = {0.1, 0.5, 0.9};

/* ---- History ------------------------------------------------------------ */

int lr_history_new(lr_date as_of, int first_year, int n_years, int n_regions,
                   lr_history **out, lr_error *err)
{
	*out = NULL;
	if (n_years < 0 || n_regions < 0)
		return lr_error_set(err, LR_ERR_INTERNAL,
		                    "lr_history_new: negative size");
	lr_history *h = lr_xcalloc(1, sizeof *h);
	size_t cells = (size_t)n_years * (size_t)n_regions;
	if (!h)
		goto nomem;
	h->as_of = as_of;
	h->first_year = first_year;
	h->n_years = n_years;
	h->window = n_years;
	h->n_regions = n_regions;
	h->region_id = lr_xcalloc((size_t)n_regions, sizeof *h->region_id);
	h->remaining = lr_xcalloc((size_t)n_regions, sizeof(lr_cents));
	h->sha = lr_xcalloc((size_t)n_regions, sizeof(lr_cents));
	h->cha = lr_xcalloc((size_t)n_regions, sizeof(lr_cents));
	h->released = lr_xcalloc(cells, sizeof(lr_cents));
	h->new_land = lr_xcalloc(cells, sizeof(lr_cents));
	h->by_method = lr_xcalloc(cells * LR_N_METHODS, sizeof(lr_cents));
	h->scope = lr_strdup("");
	h->year_source = lr_xcalloc((size_t)n_years + 1, sizeof(char *));
	h->completed = lr_xcalloc((size_t)n_regions + 1, sizeof(lr_date));
	for (int r = 0; h->completed && r <= n_regions; r++)
		h->completed[r] = LR_DATE_NONE;
	if (!h->completed || !h->year_source || !h->region_id ||
	    !h->remaining || !h->sha || !h->cha || !h->released ||
	    !h->new_land || !h->by_method || !h->scope)
		goto nomem;
	*out = h;
	return LR_OK;
nomem:
	lr_history_free(h);
	return lr_error_set(err, LR_ERR_NOMEM, "out of memory for history");
}

int lr_history_set_region(lr_history *h, int r, const char *id, lr_error *err)
{
	char *copy = lr_strdup(id);
	if (!copy)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	free(h->region_id[r]);
	h->region_id[r] = copy;
	return LR_OK;
}

void lr_history_free(lr_history *h)
{
	if (!h)
		return;
	if (h->region_id)
		for (int r = 0; r < h->n_regions; r++)
			free(h->region_id[r]);
	free(h->region_id);
	free(h->remaining);
	free(h->sha);
	free(h->cha);
	free(h->released);
	free(h->new_land);
	free(h->by_method);
	free(h->scope);
	free(h->completed);
	if (h->year_source)
		for (int y = 0; y < h->n_years; y++)
			free(h->year_source[y]);
	free(h->year_source);
	free(h);
}

int lr_history_last_complete_year(lr_date as_of)
{
	int y, m, d;
	lr_date_to_ymd(as_of, &y, &m, &d);
	return (m == 12 && d == 31) ? y : y - 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int region_index(const lr_history *h, const char *id)
{
	char *key = (char *)id;
	char **hit = bsearch(&key, h->region_id, (size_t)h->n_regions,
	                     sizeof(char *), cmp_str);
	return hit ? (int)(hit - h->region_id) : -1;
}

/*
** The as-of date of the store and the years of its history: the last
** `window` complete years, cut at the store's first year of data (years
** before it hold no records, not zero release).
*/
static int history_years(lr_store_reader *rd, int window, lr_date *as_of,
                         int *first, int *last, lr_error *err)
{
	const char *path = lr_store_reader_path(rd);
	char *value = NULL, buf[16];
	int rc = lr_store_reader_meta(rd, LR_STORE_KEY_AS_OF, &value, err);
	if (rc != LR_OK)
		return rc;
	*as_of = value ? lr_date_parse_iso(value) : LR_DATE_NONE;
	if (*as_of == LR_DATE_NONE)
		rc = lr_error_set(err, LR_ERR_INPUT,
		                  "%s: meta as_of is %s%s%s (expected "
		                  "YYYY-MM-DD)",
		                  path, value ? "'" : "missing",
		                  value ? value : "", value ? "'" : "");
	free(value);
	if (rc != LR_OK)
		return rc;
	*last = lr_history_last_complete_year(*as_of);
	*first = *last - window + 1;
	if ((rc = lr_store_reader_meta(rd, LR_STORE_KEY_FIRST_YEAR, &value,
	                               err)) != LR_OK)
		return rc;
	if (value && value[0] && atoi(value) > *first)
		*first = atoi(value);
	free(value);
	if (*last < *first)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: no complete year of history before "
		                    "the as-of date %s",
		                    path, lr_date_format(*as_of, buf));
	return LR_OK;
}

/* The store's scope into h->scope; "" stays when it has none. */
static int history_scope(lr_store_reader *rd, lr_history *h, lr_error *err)
{
	char *value = NULL;
	int rc = lr_store_reader_meta(rd, LR_STORE_KEY_SCOPE, &value, err);
	if (rc == LR_OK && value) {
		free(h->scope);
		h->scope = value;
	}
	return rc;
}

/* A row of remaining_by_region into the history (user). */
static int on_remaining(void *user, const lr_store_remaining *row,
                        lr_error *err)
{
	lr_history *h = user;
	int r = region_index(h, row->region_id);
	(void)err;
	if (r < 0)
		return LR_OK; /* cannot happen: ids came from this table */
	h->sha[r] = row->sha;
	h->cha[r] = row->cha;
	h->remaining[r] = row->total;
	return LR_OK;
}

/* A row of release_by_year added to its cell of the history (user). */
static int on_year(void *user, const lr_store_year *row, lr_error *err)
{
	lr_history *h = user;
	int y = row->year - h->first_year;
	int r = region_index(h, row->region_id);
	(void)err;
	if (r < 0 || y < 0 || y >= h->n_years)
		return LR_OK; /* cannot happen: same filter as the ids */
	size_t c = LR_HIST_CELL(h, y, r);
	h->new_land[c] += row->new_land;
	for (int m = 0; m < LR_N_METHODS; m++)
		h->by_method[c * LR_N_METHODS + m] += row->by_method[m];
	h->released[c] += row->released;
	return LR_OK;
}

/* A complete row of completion_by_region: its last release into the
** history (user).  Rows not complete, or of no region of the history,
** leave LR_DATE_NONE. */
static int on_completion(void *user, const lr_store_completion *row,
                         lr_error *err)
{
	lr_history *h = user;
	(void)err;
	int r = strcmp(row->region_id, "TOTAL") == 0
	                ? h->n_regions
	                : region_index(h, row->region_id);
	if (r >= 0 && strcmp(row->status, "complete") == 0)
		h->completed[r] = lr_date_parse_iso(row->last_release);
	return LR_OK;
}

static int no_release(void *user, const lr_store_completion_release *row,
                      lr_error *err)
{
	(void)user, (void)row, (void)err;
	return LR_OK;
}

static int no_unknown(void *user, const lr_store_unknown *row, lr_error *err)
{
	(void)user, (void)row, (void)err;
	return LR_OK;
}

/* The completion dates of the store (none in a store of an earlier
** version). */
static int history_completion(lr_store_reader *rd, lr_history *h, lr_error *err)
{
	lr_store_completion_visitor v = {on_completion, no_release, no_unknown,
	                                 h};
	bool present;
	return lr_store_read_completion(rd, &v, &present, err);
}

int lr_history_load(const char *path, int window, lr_history **out,
                    lr_error *err)
{
	*out = NULL;
	if (window < 1)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "the history window must be at least one "
		                    "year (got %d)",
		                    window);
	lr_store_reader *rd = NULL;
	lr_history *h = NULL;
	lr_vec ids; /* char *, owned until moved into h */
	lr_vec_init(&ids, sizeof(char *));
	lr_date as_of;
	int first, last;
	int rc = lr_store_reader_open(path, &rd, err);
	if (rc != LR_OK ||
	    (rc = history_years(rd, window, &as_of, &first, &last, err)) !=
	            LR_OK ||
	    (rc = lr_store_read_region_ids(rd, first, last, &ids, err)) !=
	            LR_OK ||
	    (rc = lr_history_new(as_of, first, last - first + 1, (int)ids.len,
	                         &h, err)) != LR_OK)
		goto fail;
	h->window = window;
	for (size_t i = 0; i < ids.len; i++) {
		h->region_id[i] = LR_VEC_AT(&ids, char *, i);
		LR_VEC_AT(&ids, char *, i) = NULL;
	}
	if ((rc = history_scope(rd, h, err)) != LR_OK ||
	    (rc = lr_store_read_remaining(rd, on_remaining, h, err)) != LR_OK ||
	    (rc = lr_store_read_release_by_year(rd, first, last, on_year, h,
	                                        err)) != LR_OK ||
	    (rc = history_completion(rd, h, err)) != LR_OK)
		goto fail;
	*out = h;
	h = NULL;
fail:
	for (size_t i = 0; i < ids.len; i++)
		free(LR_VEC_AT(&ids, char *, i));
	lr_vec_free(&ids);
	lr_store_reader_close(rd);
	lr_history_free(h);
	return rc;
}

/* ---- Generator ----------------------------------------------------------- */

uint64_t lr_rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

uint64_t lr_rng_seed(uint64_t seed, uint64_t run)
{
	/* Hash the seed first so that (seed, run) and (seed', run') with
	** seed ^ run == seed' ^ run' still get unrelated streams. */
	uint64_t s = seed;
	uint64_t k = lr_rng_next(&s);
	s = k ^ (run * 0xD1B54A32D192ED03ULL);
	return lr_rng_next(&s);
}

/* ---- Projection --------------------------------------------------------- */

const char *lr_model_name(lr_model m)
{
	return m == LR_MODEL_REGIONAL ? "regional" : "national";
}

int lr_model_parse(const char *s)
{
	if (!strcmp(s, "national"))
		return LR_MODEL_NATIONAL;
	if (!strcmp(s, "regional"))
		return LR_MODEL_REGIONAL;
	return -1;
}

static int add_note(lr_projection *p, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static int add_note(lr_projection *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = lr_vec_push_vprintf(&p->notes, fmt, ap);
	va_end(ap);
	return rc;
}

void lr_projection_free(lr_projection *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->notes.len; i++)
		free(LR_VEC_AT(&p->notes, char *, i));
	lr_vec_free(&p->notes);
	free(p->rows);
	free(p);
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The same day n years on; 29 Feb becomes 28 Feb in a common year. */
static lr_date add_years(lr_date d, int n)
{
	int y, m, dd;
	lr_date_to_ymd(d, &y, &m, &dd);
	y += n;
	if (m == 2 && dd == 29 && !is_leap(y))
		dd = 28;
	lr_date r = lr_date_from_ymd(y, m, dd);
	return r == LR_DATE_NONE ? LR_DATE_NEVER - 1 : r;
}

/* The simulation's fixed inputs, shared read-only by all threads. */
typedef struct sim {
	int n;          /* regions */
	int w;          /* window years */
	int steps;      /* calendar years simulated */
	double *rel;    /* [w * n] m² released */
	double *nl;     /* [w * n] m² new */
	double *rem0;   /* [n] m² remaining at as_of */
	double *cap;    /* [steps * n] scenario capacity factor */
	double *nf;     /* [steps * n] scenario new-finds factor */
	lr_date *start; /* [steps] first day of each step */
	int *days;      /* [steps] days in each step (0: empty) */
	double *frac;   /* [steps] share of the calendar year */
	lr_date as_of;
	lr_model model;
	int *prio;              /* [n] region indices served first, in order */
	int n_prio;             /* entries of prio in use */
	unsigned char *in_prio; /* [n] 1 for a region of prio */
} sim;

static void sim_free(sim *s)
{
	free(s->rel);
	free(s->nl);
	free(s->rem0);
	free(s->cap);
	free(s->nf);
	free(s->start);
	free(s->days);
	free(s->frac);
	free(s->prio);
	free(s->in_prio);
}

/* The day of step k on which a release of take finishes q of it. */
static lr_date finish_day(const sim *s, int k, double left, double take)
{
	/* Linear within the step; the small slack keeps an exact whole step
	** on its last day. */
	int day = (int)ceil(left / take * s->days[k] - 1e-9) - 1;
	if (day < 0)
		day = 0;
	if (day >= s->days[k])
		day = s->days[k] - 1;
	return s->start[k] + day;
}

/* Step k of the regional model: each open region at its own drawn pace. */
static int step_regional(const sim *s, int k, const double *rel,
                         const double *nl, int32_t *out, double *rem,
                         unsigned char *fin)
{
	const double *cap = s->cap + (size_t)k * s->n;
	const double *nf = s->nf + (size_t)k * s->n;
	double frac = s->frac[k];
	int done = 0;
	for (int r = 0; r < s->n; r++) {
		if (fin[r])
			continue;
		rem[r] += nl[r] * nf[r] * frac;
		double take = rel[r] * cap[r] * frac;
		if (take > 0 && rem[r] <= take) {
			out[r] = finish_day(s, k, rem[r], take);
			fin[r] = 1;
			done++;
		} else {
			rem[r] -= take;
		}
	}
	return done;
}

/*
** The scenario's priority regions of step k, in order: each open one takes
** what it holds from the pool while the pool lasts, finishing on the day
** the pool spent so far reaches it.  *spent is what they took.
*/
static int step_priority(const sim *s, int k, double pool, double *spent,
                         int32_t *out, double *rem, unsigned char *fin)
{
	int done = 0;
	for (int i = 0; i < s->n_prio && *spent < pool; i++) {
		int r = s->prio[i];
		if (fin[r])
			continue;
		if (*spent + rem[r] <= pool) {
			*spent += rem[r];
			out[r] = finish_day(s, k, *spent, pool);
			fin[r] = 1;
			done++;
		} else {
			rem[r] -= pool - *spent;
			*spent = pool;
		}
	}
	return done;
}

/*
** Step k of the national model: the drawn release of every region (each
** scaled by its scenario factor) is one pool, spent first on the
** scenario's priority regions in order, then on the other open regions in
** proportion to their remaining land; when it covers all of theirs, they
** finish on the day the pool reaches it.
*/
static int step_national(const sim *s, int k, const double *rel,
                         const double *nl, int32_t *out, double *rem,
                         unsigned char *fin)
{
	const double *cap = s->cap + (size_t)k * s->n;
	const double *nf = s->nf + (size_t)k * s->n;
	double frac = s->frac[k], pool = 0, spent = 0, left = 0;
	for (int r = 0; r < s->n; r++) {
		pool += rel[r] * cap[r] * frac;
		if (!fin[r])
			rem[r] += nl[r] * nf[r] * frac;
	}
	if (pool <= 0)
		return 0;
	int done = step_priority(s, k, pool, &spent, out, rem, fin);
	for (int r = 0; r < s->n; r++)
		if (!fin[r] && !s->in_prio[r])
			left += rem[r];
	double rest = pool - spent;
	if (left <= 0 || rest <= 0)
		return done;
	lr_date day = left <= rest ? finish_day(s, k, spent + left, pool) : 0;
	for (int r = 0; r < s->n; r++) {
		if (fin[r] || s->in_prio[r])
			continue;
		if (left <= rest) {
			out[r] = day;
			fin[r] = 1;
			done++;
		} else {
			rem[r] -= rem[r] * (rest / left);
		}
	}
	return done;
}

/*
** One run: completion day per region into out[0..n), the national one
** (max, or never) into out[n].  rem and fin are scratch of n entries.
*/
static void sim_run(const sim *s, uint64_t seed, int64_t run, int32_t *out,
                    double *rem, unsigned char *fin)
{
	uint64_t st = lr_rng_seed(seed, (uint64_t)run);
	int n = s->n, open = 0;
	for (int r = 0; r < n; r++) {
		rem[r] = s->rem0[r];
		fin[r] = rem[r] <= 0;
		out[r] = fin[r] ? s->as_of : LR_DATE_NEVER;
		open += !fin[r];
	}
	for (int k = 0; k < s->steps && open > 0; k++) {
		if (s->days[k] == 0)
			continue; /* as_of is 31 Dec: nothing left of its year
			           */
		int wr = (int)(lr_rng_next(&st) % (uint64_t)s->w);
		int wn = (int)(lr_rng_next(&st) % (uint64_t)s->w);
		const double *rel = s->rel + (size_t)wr * n;
		const double *nl = s->nl + (size_t)wn * n;
		open -= s->model == LR_MODEL_NATIONAL
		                ? step_national(s, k, rel, nl, out, rem, fin)
		                : step_regional(s, k, rel, nl, out, rem, fin);
	}
	int32_t nat = s->as_of;
	for (int r = 0; r < n; r++)
		if (out[r] > nat)
			nat = out[r];
	out[n] = nat;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* Number of entries of sorted v[0..n) that are <= x. */
static int64_t count_le(const int32_t *v, int64_t n, int32_t x)
{
	int64_t lo = 0, hi = n;
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if (v[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The checks of h and o that come before any work. */
static int project_check(const lr_history *h, const lr_projection_options *o,
                         lr_error *err)
{
	if (o->runs < 1)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "--runs must be at least 1 (got %d)",
		                    o->runs);
	if (!(o->confidence > 0 && o->confidence <= 1))
		return lr_error_set(err, LR_ERR_USAGE,
		                    "--confidence must be in (0, 1] (got %g)",
		                    o->confidence);
	if (o->deadline == LR_DATE_NONE)
		return lr_error_set(err, LR_ERR_USAGE, "no deadline given");
	if (h->n_years < 1)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "no complete year of history to draw from");
	if (o->model != LR_MODEL_NATIONAL && o->model != LR_MODEL_REGIONAL)
		return lr_error_set(err, LR_ERR_USAGE, "unknown model %d",
		                    (int)o->model);
	return lr_scenario_check_regions(o->scenario, h, err);
}

/*
** Fill s from h and o: the history in m², and per step of the horizon its
** first day, its days, its share of the calendar year and the scenario's
** factors per region.  0 when out of memory; s is then freed by sim_free().
*/
static int sim_init(sim *s, const lr_history *h, const lr_projection_options *o)
{
	int n = h->n_regions, w = h->n_years;
	int y0 = lr_date_year(h->as_of);
	s->n = n;
	s->w = w;
	s->steps = LR_PROJECT_HORIZON_YEARS + 1;
	s->as_of = h->as_of;
	s->model = o->model;
	s->rel = lr_xcalloc((size_t)w * n, sizeof(double));
	s->nl = lr_xcalloc((size_t)w * n, sizeof(double));
	s->rem0 = lr_xcalloc((size_t)n, sizeof(double));
	s->cap = lr_xcalloc((size_t)s->steps * n, sizeof(double));
	s->nf = lr_xcalloc((size_t)s->steps * n, sizeof(double));
	s->start = lr_xcalloc((size_t)s->steps, sizeof(lr_date));
	s->days = lr_xcalloc((size_t)s->steps, sizeof(int));
	s->frac = lr_xcalloc((size_t)s->steps, sizeof(double));
	s->prio = lr_xcalloc((size_t)n + 1, sizeof(int));
	s->in_prio = lr_xcalloc((size_t)n + 1, 1);
	if (!s->rel || !s->nl || !s->rem0 || !s->cap || !s->nf || !s->start ||
	    !s->days || !s->frac || !s->prio || !s->in_prio)
		return 0;
	for (size_t i = 0; i < (size_t)w * n; i++) {
		s->rel[i] = (double)h->released[i] / 100.0;
		s->nl[i] = (double)h->new_land[i] / 100.0;
	}
	for (int r = 0; r < n; r++)
		s->rem0[r] = (double)h->remaining[r] / 100.0;
	for (int k = 0; k < s->steps; k++) {
		int year = y0 + k;
		lr_date jan1 = lr_date_from_ymd(year, 1, 1);
		int ndays = is_leap(year) ? 366 : 365;
		/* The first step is what is left of the as-of year. */
		s->start[k] = k == 0 ? h->as_of + 1 : jan1;
		s->days[k] = k == 0 ? jan1 + ndays - 1 - h->as_of : ndays;
		s->frac[k] = (double)s->days[k] / ndays;
		for (int r = 0; r < n; r++)
			lr_scenario_factors(o->scenario, h->region_id[r], year,
			                    &s->cap[(size_t)k * n + r],
			                    &s->nf[(size_t)k * n + r]);
	}
	return 1;
}

/*
** The scenario's priority regions into s (national model); under the
** regional model a priority list has no use, and p notes it.
*/
static int sim_priority(sim *s, const lr_history *h,
                        const lr_projection_options *o, lr_projection *p,
                        lr_error *err)
{
	int rc = lr_scenario_priority(o->scenario, h, s->prio, &s->n_prio, err);
	if (rc != LR_OK)
		return rc;
	if (o->model == LR_MODEL_REGIONAL && s->n_prio > 0) {
		s->n_prio = 0;
		if (add_note(p, "the scenario's priority is used by the "
		                "national model only") != LR_OK)
			return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	for (int i = 0; i < s->n_prio; i++)
		s->in_prio[s->prio[i]] = 1;
	return LR_OK;
}

/*
** Every run of s, run i into comp[i * (n + 1) ...], on o->threads threads.
** 0 when a thread is out of memory for its scratch.
*/
static int sim_run_all(const sim *s, const lr_projection_options *o,
                       int32_t *comp)
{
	size_t nn = (size_t)s->n + 1;
	int64_t runs = o->runs;
	int failed = 0;
	int nt = o->threads > 0 ? o->threads : omp_get_max_threads();
#pragma omp parallel num_threads(nt)
	{
		double *rem = lr_xcalloc((size_t)s->n, sizeof(double));
		unsigned char *fin = lr_xcalloc((size_t)s->n, 1);
		if (!rem || !fin) {
#pragma omp atomic write
			failed = 1;
		}
#pragma omp for schedule(static)
		for (int64_t i = 0; i < runs; i++)
			if (rem && fin)
				sim_run(s, o->seed, i, comp + (size_t)i * nn,
				        rem, fin);
		free(rem);
		free(fin);
	}
	return !failed;
}

/*
** The years of extension after the deadline by which a share o->confidence
** of the runs has finished: -1 when that is not within the horizon.  col
** holds the completion dates of the runs, sorted.
*/
static int extension_years(const int32_t *col, int64_t runs,
                           const lr_projection_options *o, lr_date horizon_end)
{
	for (int ext = 0;; ext++) {
		lr_date d = add_years(o->deadline, ext);
		int64_t done = count_le(col, runs, d);
		if ((double)done >= o->confidence * (double)runs - 1e-9)
			return ext;
		if (d >= horizon_end)
			return -1;
	}
}

/* x m² rounded to a whole number with thousands separators, into buf. */
static const char *m2(double x, char buf[32])
{
	char raw[32];
	snprintf(raw, sizeof raw, "%.0f", x < 0 ? -x : x);
	size_t n = strlen(raw), j = 0;
	if (x <= -0.5)
		buf[j++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = raw[i];
	}
	buf[j] = 0;
	return buf;
}

/* Mean m² a year released and found over the window, by region or all. */
static void window_means(const lr_history *h, int only, double *rel,
                         double *found)
{
	lr_cents r_sum = 0, n_sum = 0;
	for (int y = 0; y < h->n_years; y++)
		for (int r = 0; r < h->n_regions; r++)
			if (only < 0 || r == only) {
				r_sum += h->released[LR_HIST_CELL(h, y, r)];
				n_sum += h->new_land[LR_HIST_CELL(h, y, r)];
			}
	*rel = (double)r_sum / 100.0 / h->n_years;
	*found = (double)n_sum / 100.0 / h->n_years;
}

/* The regional TOTAL's reason: the regions that never finish. */
static void total_reason_regional(const lr_projection *p, char *out)
{
	size_t len = 0;
	int count = 0;
	for (int r = 0; r < p->n_rows - 1; r++)
		count += p->rows[r].reason[0] != 0;
	len = (size_t)snprintf(out, LR_REASON_MAX,
	                       "the regional model finishes the nation with "
	                       "its last region, and %d region%s never "
	                       "finish%s:",
	                       count, count == 1 ? "" : "s",
	                       count == 1 ? "es" : "");
	for (int r = 0; r < p->n_rows - 1 && len < LR_REASON_MAX - 8; r++)
		if (p->rows[r].reason[0])
			len += (size_t)snprintf(out + len, LR_REASON_MAX - len,
			                        " %s", p->rows[r].region_id);
	if (len >= LR_REASON_MAX - 8)
		snprintf(out + LR_REASON_MAX - 8, 8, " ...");
}

/*
** Why row c says never (row->reason), from the window's figures: the
** region's own under the regional model, the nation's otherwise.
** finished: runs that finished within the horizon.
*/
static void row_reason(const lr_projection *p, const lr_history *h,
                       const lr_projection_options *o, int c, int64_t finished)
{
	lr_projection_row *row = &p->rows[c];
	int is_total = c == h->n_regions, own = o->model == LR_MODEL_REGIONAL;
	int last = h->first_year + h->n_years - 1;
	double rel, found;
	char a[32], b[32], d[32];
	row->reason[0] = 0;
	if (row->pct[LR_N_PCT - 1] != LR_DATE_NEVER &&
	    row->extension_years >= 0)
		return;
	if (own && is_total) {
		total_reason_regional(p, row->reason);
		return;
	}
	window_means(h, own ? c : -1, &rel, &found);
	double left = 0; /* cents, where the release above is spent */
	for (int r = 0; r < h->n_regions; r++)
		if (!own || r == c)
			left += (double)h->remaining[r];
	const char *whose = own ? "in this region" : "in the whole country";
	if (rel <= 0)
		snprintf(row->reason, LR_REASON_MAX,
		         "no land released %s in %d-%d%s", whose, h->first_year,
		         last,
		         own ? ", and the regional model gives it no other "
		               "capacity"
		             : ": no national capacity to draw on");
	else if (found >= rel)
		snprintf(row->reason, LR_REASON_MAX,
		         "new finds exceed releases by %s m² a year %s "
		         "(%d-%d means: %s found, %s released)",
		         m2(found - rel, a), whose, h->first_year, last,
		         m2(found, b), m2(rel, d));
	else
		snprintf(row->reason, LR_REASON_MAX,
		         "beyond the horizon of %d years at the present pace "
		         "in %.1f%% of runs (%s m² a year released %s against "
		         "%s m² remaining)",
		         LR_PROJECT_HORIZON_YEARS,
		         100.0 * (double)(o->runs - finished) / o->runs,
		         m2(rel, a), whose, m2(left / 100.0, b));
}

/*
** Row c of p: region c of h, or the national total when c is n_regions.
** comp holds the completion dates of every run (n_regions + 1 per run); col
** is scratch of o->runs entries.
*/
static void projection_row(lr_projection *p, const lr_history *h,
                           const lr_projection_options *o, int c,
                           const int32_t *comp, int32_t *col)
{
	int n = h->n_regions, is_total = c == n;
	int64_t runs = o->runs;
	lr_projection_row *row = &p->rows[c];
	row->region_id = is_total ? "TOTAL" : h->region_id[c];
	double found;
	window_means(h, is_total ? -1 : c, &row->mean_rate, &found);
	for (int r = 0; r < n; r++)
		if (is_total || r == c)
			row->remaining += h->remaining[r];

	/* Land in scope all released: in every run, completion is the day
	** the last area was, not the as-of date. */
	lr_date done = h->completed ? h->completed[c] : LR_DATE_NONE;
	for (int64_t i = 0; i < runs; i++)
		col[i] =
		        done != LR_DATE_NONE
		                ? done
		                : comp[(size_t)i * (size_t)(n + 1) + (size_t)c];
	qsort(col, (size_t)runs, sizeof *col, cmp_i32);
	for (int k = 0; k < LR_N_PCT; k++) {
		/* Nearest rank: the ceil(p * runs)-th smallest. */
		int64_t rank =
		        (int64_t)ceil(lr_projection_pct[k] * runs - 1e-9);
		row->pct[k] = col[(rank < 1 ? 1 : rank) - 1];
	}
	row->on_time = count_le(col, runs, o->deadline);
	lr_date horizon_end = lr_date_from_ymd(
	        lr_date_year(h->as_of) + LR_PROJECT_HORIZON_YEARS, 12, 31);
	row->extension_years = extension_years(col, runs, o, horizon_end);
	row_reason(p, h, o, c, count_le(col, runs, LR_DATE_NEVER - 1));
}

/*
** The warnings of p's rows: every never with its reason, and extensions
** beyond what one request may ask.  Under the national model the regions
** share the nation's pool, dates and reason, so those that say what the
** total says are named in its line rather than repeated one by one.
*/
static int projection_notes(lr_projection *p, const lr_projection_options *o)
{
	const lr_projection_row *t = &p->rows[p->n_rows - 1];
	int pooled = o->model == LR_MODEL_NATIONAL, shared = 0;
	for (int c = 0; c < p->n_rows; c++) {
		const lr_projection_row *row = &p->rows[c];
		int is_total = c == p->n_rows - 1;
		if (pooled && !is_total && !strcmp(row->reason, t->reason) &&
		    row->extension_years == t->extension_years) {
			shared++;
			continue;
		}
		const char *who = is_total ? "national total" : row->region_id;
		char with[64] = "";
		if (is_total && shared)
			snprintf(with, sizeof with,
			         " (and the %d regions sharing its pool)",
			         shared);
		if (row->reason[0] &&
		    add_note(p, "%s%s%s: never: %s", is_total ? "" : "region ",
		             who, with, row->reason) != LR_OK)
			return LR_ERR_NOMEM;
		if (row->extension_years > 10 &&
		    add_note(p,
		             "%s%s: an extension of %d years is needed "
		             "(confidence %g); Article 5 allows at most 10 "
		             "years per request",
		             who, with, row->extension_years,
		             o->confidence) != LR_OK)
			return LR_ERR_NOMEM;
	}
	return LR_OK;
}

/*
** Whether h looks like the ledger of a database without dates: one year of
** the store's own history, in which at least all of today's remaining land
** was recorded as new.
*/
static int looks_like_snapshot(const lr_history *h)
{
	if (h->n_years != 1 || h->year_source[0])
		return 0;
	lr_cents found = 0, left = 0;
	for (int r = 0; r < h->n_regions; r++) {
		found += h->new_land[LR_HIST_CELL(h, 0, r)];
		left += h->remaining[r];
	}
	return left > 0 && found >= left;
}

/* A new projection of h under o with its rows allocated; NULL: no memory. */
static lr_projection *projection_new(const lr_history *h,
                                     const lr_projection_options *o)
{
	lr_projection *p = lr_xcalloc(1, sizeof *p);
	if (!p)
		return NULL;
	lr_vec_init(&p->notes, sizeof(char *));
	p->as_of = h->as_of;
	p->deadline = o->deadline;
	p->runs = o->runs;
	p->model = o->model;
	p->n_rows = h->n_regions + 1;
	p->rows = lr_xcalloc((size_t)p->n_rows, sizeof *p->rows);
	if (!p->rows) {
		lr_projection_free(p);
		return NULL;
	}
	return p;
}

int lr_project(const lr_history *h, const lr_projection_options *o,
               lr_projection **out, lr_error *err)
{
	*out = NULL;
	int rc = project_check(h, o, err);
	if (rc != LR_OK)
		return rc;
	int n = h->n_regions;
	sim s = {0};
	lr_projection *p = projection_new(h, o);
	/* Completion dates, run-major: run i writes only its own row. */
	int32_t *comp =
	        lr_xcalloc((size_t)o->runs * ((size_t)n + 1), sizeof(int32_t));
	int32_t *col = lr_xcalloc((size_t)o->runs, sizeof(int32_t));
	if (!p || !comp || !col || !sim_init(&s, h, o)) {
		rc = lr_error_set(err, LR_ERR_NOMEM,
		                  "out of memory for %d runs of %d regions",
		                  o->runs, n);
		goto fail;
	}
	if ((rc = sim_priority(&s, h, o, p, err)) != LR_OK)
		goto fail;
	if (!sim_run_all(&s, o, comp)) {
		rc = lr_error_set(err, LR_ERR_NOMEM,
		                  "out of memory in projection threads");
		goto fail;
	}
	if (h->window > h->n_years &&
	    add_note(p, "history window cut to %d-%d (%d years): %s",
	             h->first_year, h->first_year + h->n_years - 1, h->n_years,
	             h->year_source[0]
	                     ? "the published figures give no "
	                       "earlier year"
	                     : "the store holds no earlier data") != LR_OK)
		goto nomem;
	if (looks_like_snapshot(h) &&
	    add_note(p,
	             "the history is one year (%d) in which all the "
	             "remaining land was recorded: a snapshot without "
	             "dates?  Give its published annual figures with "
	             "--history FILE (docs/scenario.md)",
	             h->first_year) != LR_OK)
		goto nomem;
	for (int c = 0; c <= n; c++)
		projection_row(p, h, o, c, comp, col);
	if (projection_notes(p, o) != LR_OK)
		goto nomem;
	sim_free(&s);
	free(comp);
	free(col);
	*out = p;
	return LR_OK;
nomem:
	rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
fail:
	sim_free(&s);
	free(comp);
	free(col);
	lr_projection_free(p);
	return rc;
}

/* ---- Output ------------------------------------------------------------- */

static void write_date(FILE *f, lr_date d)
{
	char buf[16];
	if (d == LR_DATE_NEVER)
		fputs("never", f);
	else
		fputs(lr_date_format(d, buf), f);
}

int lr_projection_write_csv(const lr_projection *p, const char *path,
                            lr_error *err)
{
	char tmp[4096];
	FILE *f = lr_atomic_open(path, tmp, sizeof tmp, err);
	if (!f)
		return LR_ERR_IO;
	fputs("region_id,remaining_m2,mean_rate_m2_per_year,p10_date,p50_date,"
	      "p90_date,deadline,p_on_time,extension_years,reason\n",
	      f);
	for (int i = 0; i < p->n_rows; i++) {
		const lr_projection_row *row = &p->rows[i];
		char buf[32];
		lr_csv_field(f, row->region_id);
		fprintf(f, ",%s,%.2f", lr_cents_format(row->remaining, buf),
		        row->mean_rate);
		for (int k = 0; k < LR_N_PCT; k++) {
			fputc(',', f);
			write_date(f, row->pct[k]);
		}
		fputc(',', f);
		write_date(f, p->deadline);
		fprintf(f, ",%.6f,", (double)row->on_time / p->runs);
		if (row->extension_years < 0)
			fputs("never", f);
		else
			fprintf(f, "%d", row->extension_years);
		fputc(',', f);
		lr_csv_field(f, row->reason);
		fputc('\n', f);
	}
	return lr_atomic_close(f, tmp, path, err);
}
