/*
** Completion (DESIGN section 5, the declaration-of-completion annex): the
** day each region's land in scope, and the nation's, fell to zero, the last
** release, the releases of the years before national completion and the
** previously unknown areas recorded after it.  Read from the day-by-day
** steps of the ledger's flows, so a completion is exact to the cent: land
** left below 1 m2 keeps a region from being complete.
*/
#include "analyze_int.h"
#include "sort_int.h"

#include <stdint.h>
#include <stdlib.h>

/* Where the sweep of one row (or the nation) got to. */
typedef struct sweep {
	lr_cents land; /* hazardous land in scope at the end of the day */
	bool had_land; /* some land was hazardous before */
	bool today;    /* the row has steps on the day being swept */
	bool before;   /* had_land at the start of that day */
	bool released; /* land was released on that day */
	lr_completion_row out;
} sweep;

static bool step_earlier(const lr__step *x, const lr__step *y)
{
	return x->date < y->date;
}

/* Steps of one day may come in any order: a day is swept as a whole. */
LR__DEFINE_SORT(sort_steps_by_date, lr__step, step_earlier)

/* A step of the day into w, whose day is opened by its first step. */
static void sweep_step(sweep *w, const lr__step *st)
{
	if (!w->today) {
		w->today = true;
		w->before = w->had_land;
		w->released = false;
	}
	w->land += st->delta;
	w->released |= st->delta < 0;
}

/* The end of day `date` for w.  Completion is judged at the day's end,
** and only for land hazardous at the end of an earlier day: land recorded
** and released on one day (as a snapshot's releases stand for their own
** records) completes nothing. */
static void sweep_day_end(sweep *w, lr_date date)
{
	if (w->released)
		w->out.last_release = date;
	if (w->released && w->land == 0 && w->before &&
	    w->out.completed == LR_DATE_NONE)
		w->out.completed = date;
	w->had_land |= w->land > 0;
	w->today = false;
}

static lr_cents baseline_land(const lr_result *r, size_t row)
{
	if (!r->baseline_remaining)
		return 0;
	if (row < (size_t)r->n_regions + 1)
		return r->baseline_remaining[row].sha +
		       r->baseline_remaining[row].cha;
	lr_cents sum = 0;
	for (int i = 0; i <= r->n_regions; i++)
		sum += r->baseline_remaining[i].sha +
		       r->baseline_remaining[i].cha;
	return sum;
}

/* Sweep st[0..n) (sorted by date) once, every row and the nation (the
** last of w[0..n_rows]) side by side: each row sees its own steps in date
** order, as if swept alone.  touched has room for n_rows + 1 rows. */
static void sweep_days(sweep *w, size_t n_rows, const lr__step *st, size_t n,
                       int32_t *touched)
{
	for (size_t i = 0, j; i < n; i = j) {
		size_t n_touched = 0;
		for (j = i; j < n && st[j].date == st[i].date; j++) {
			sweep *row = &w[st[j].row];
			if (!row->today)
				touched[n_touched++] = st[j].row;
			sweep_step(row, &st[j]);
			sweep_step(&w[n_rows], &st[j]);
		}
		for (size_t k = 0; k < n_touched; k++)
			sweep_day_end(&w[touched[k]], st[i].date);
		sweep_day_end(&w[n_rows], st[i].date);
	}
}

/* Every row's completion and the nation's from the steps st[0..n), sorted
** by date.  The nation's completion is the first day its land fell to
** zero: land recorded after it is previously unknown.  A region's is the
** day its land last fell to zero, if it stays so: a region is complete or
** not, and land found in it after the nation's completion is what is
** previously unknown there.  LR_OK or LR_ERR_NOMEM. */
static int sweep_rows(const lr__analysis *s, const lr__step *st, size_t n)
{
	lr_result *r = s->r;
	size_t nation = s->n_rows;
	sweep *w = calloc(nation + 1, sizeof *w);
	int32_t *touched = malloc((nation + 1) * sizeof *touched);
	if (!w || !touched) {
		free(w);
		free(touched);
		return LR_ERR_NOMEM;
	}
	for (size_t row = 0; row <= nation; row++) {
		w[row].land = baseline_land(r, row);
		w[row].had_land = w[row].land > 0;
		w[row].out =
		        (lr_completion_row){LR_DATE_NONE, LR_DATE_NONE, 0, 0};
	}
	sweep_days(w, nation, st, n, touched);
	for (size_t row = 0; row < nation; row++) {
		sweep *x = &w[row];
		x->out.completed = x->land == 0 && x->had_land
		                           ? x->out.last_release
		                           : LR_DATE_NONE;
	}
	for (size_t row = 0; row <= nation; row++)
		r->completion[row] = w[row].out;
	free(w);
	free(touched);
	return LR_OK;
}

/* Hazard h, in scope, made land hazardous after the nation's completion. */
static bool unknown_after(const lr__analysis *s, size_t h, lr_date completed)
{
	const lr_hazard *hz = &LR_VEC_AT(&s->d->hazards, lr_hazard, h);
	return completed != LR_DATE_NONE && s->r->hazard_new[h] > 0 &&
	       lr__hazard_in_scope(s, h) && hz->recorded > completed;
}

typedef struct dated {
	lr_date date;
	int32_t index;
} dated;

static bool dated_before(const dated *x, const dated *y)
{
	return x->date < y->date || (x->date == y->date && x->index < y->index);
}

LR__DEFINE_SORT(sort_dated, dated, dated_before)

/* Sort idx[0..n) by dates[idx], then by index.  LR_OK or LR_ERR_NOMEM. */
static int sort_by_date(int32_t *idx, size_t n, const lr_date *dates)
{
	dated *p = malloc((n + 1) * sizeof *p);
	if (!p)
		return LR_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		p[i] = (dated){dates[idx[i]], idx[i]};
	sort_dated(p, n);
	for (size_t i = 0; i < n; i++)
		idx[i] = p[i].index;
	free(p);
	return LR_OK;
}

/* The day n years before d (29 February to the 28th). */
static lr_date years_before(lr_date d, int n)
{
	int y, m, dd;
	lr_date_to_ymd(d, &y, &m, &dd);
	if (m == 2 && dd == 29)
		dd = 28;
	return lr_date_from_ymd(y - n, m, dd);
}

/* Previously unknown hazards: counted in their region and the nation,
** listed by record date. */
static int list_unknown(const lr__analysis *s)
{
	lr_result *r = s->r;
	lr_completion_row *nat = &r->completion[s->n_rows];
	lr_date *rec = malloc((s->n_hazards + 1) * sizeof *rec);
	r->unknown = malloc((s->n_hazards + 1) * sizeof *r->unknown);
	r->unknown_gone = malloc((s->n_hazards + 1) * sizeof(lr_date));
	if (!rec || !r->unknown || !r->unknown_gone) {
		free(rec);
		return LR_ERR_NOMEM;
	}
	for (size_t h = 0; h < s->n_hazards; h++) {
		rec[h] = LR_VEC_AT(&s->d->hazards, lr_hazard, h).recorded;
		if (!unknown_after(s, h, nat->completed))
			continue;
		lr_completion_row *row = &r->completion[r->hazard_region[h]];
		row->unknown_count++;
		row->unknown_land += r->hazard_new[h];
		nat->unknown_count++;
		nat->unknown_land += r->hazard_new[h];
		r->unknown[r->n_unknown++] = (int32_t)h;
	}
	int rc = sort_by_date(r->unknown, r->n_unknown, rec);
	for (size_t i = 0; i < r->n_unknown; i++)
		r->unknown_gone[i] = s->hazard_gone[r->unknown[i]];
	free(rec);
	return rc;
}

/* The releases of hazardous land in scope from LR_COMPLETION_YEARS before
** national completion to the as-of date, by date. */
static int list_releases(const lr__analysis *s)
{
	lr_result *r = s->r;
	lr_date done = r->completion[s->n_rows].completed;
	lr_date *dates = malloc((s->n_releases + 1) * sizeof *dates);
	r->completion_releases = malloc((s->n_releases + 1) * sizeof(int32_t));
	if (!dates || !r->completion_releases) {
		free(dates);
		return LR_ERR_NOMEM;
	}
	lr_date from = done == LR_DATE_NONE
	                       ? LR_DATE_NONE
	                       : years_before(done, LR_COMPLETION_YEARS);
	for (size_t i = 0; i < s->n_releases; i++) {
		dates[i] = LR_VEC_AT(&s->d->releases, lr_release, i).date;
		if (done != LR_DATE_NONE && r->release_land[i] > 0 &&
		    dates[i] > from && dates[i] <= s->as_of)
			r->completion_releases[r->n_completion_releases++] =
			        (int32_t)i;
	}
	int rc = sort_by_date(r->completion_releases, r->n_completion_releases,
	                      dates);
	free(dates);
	return rc;
}

/* The first and last day of the threads' steps (n of them, n > 0). */
static void step_days(const lr__accum *acc, int n_threads, lr_date *first,
                      lr_date *last)
{
	*first = INT32_MAX;
	*last = INT32_MIN;
	for (int t = 0; t < n_threads; t++)
		for (size_t i = 0; i < acc[t].steps.len; i++) {
			lr_date d = LR_VEC_AT(&acc[t].steps, lr__step, i).date;
			*first = d < *first ? d : *first;
			*last = d > *last ? d : *last;
		}
}

/* The threads' steps into st[0..n) by date, counted day by day: one
** pass to count, one to place (days[] has `span` zeroed slots). */
static void place_by_day(lr__accum *acc, int n_threads, lr__step *st,
                         size_t *days, size_t span, lr_date first)
{
	for (int t = 0; t < n_threads; t++)
		for (size_t i = 0; i < acc[t].steps.len; i++)
			days[LR_VEC_AT(&acc[t].steps, lr__step, i).date -
			     first]++;
	for (size_t d = 0, at = 0; d < span; d++) {
		size_t c = days[d];
		days[d] = at;
		at += c;
	}
	for (int t = 0; t < n_threads; t++) {
		for (size_t i = 0; i < acc[t].steps.len; i++) {
			const lr__step *x =
			        &LR_VEC_AT(&acc[t].steps, lr__step, i);
			st[days[x->date - first]++] = *x;
		}
		lr_vec_free(&acc[t].steps); /* placed: half the memory */
	}
}

/* The threads' steps into st[0..n) by date, the typed sort. */
static void sort_by_day(lr__accum *acc, int n_threads, lr__step *st, size_t n)
{
	size_t k = 0;
	for (int t = 0; t < n_threads; t++) {
		for (size_t i = 0; i < acc[t].steps.len; i++)
			st[k++] = LR_VEC_AT(&acc[t].steps, lr__step, i);
		lr_vec_free(&acc[t].steps); /* copied: half the memory */
	}
	sort_steps_by_date(st, n);
}

/* Every thread's steps (n in all) into st[0..n) by date, the threads'
** vectors freed.  Steps span a few decades of days and number millions
** at scale: counted by day when the days are few next to the steps,
** else sorted.  LR_OK or LR_ERR_NOMEM. */
static int steps_by_date(lr__accum *acc, int n_threads, lr__step *st, size_t n)
{
	lr_date first, last;
	if (n == 0)
		return LR_OK;
	step_days(acc, n_threads, &first, &last);
	int64_t days_spanned = (int64_t)last - first + 1;
	if (days_spanned < 1 ||
	    (uint64_t)days_spanned > 2 * (uint64_t)n + 4096) {
		sort_by_day(acc, n_threads, st, n);
		return LR_OK;
	}
	size_t span = (size_t)days_spanned;
	size_t *days = calloc(span + 1, sizeof *days);
	if (!days)
		return LR_ERR_NOMEM;
	place_by_day(acc, n_threads, st, days, span, first);
	free(days);
	return LR_OK;
}

int lr__completion_build(const lr__analysis *s, lr__accum *acc, int n_threads)
{
	lr_result *r = s->r;
	size_t n = 0;
	for (int t = 0; t < n_threads; t++)
		n += acc[t].steps.len;
	lr__step *st = malloc((n + 1) * sizeof *st);
	r->completion = calloc(s->n_rows + 1, sizeof *r->completion);
	int rc = st && r->completion ? steps_by_date(acc, n_threads, st, n)
	                             : LR_ERR_NOMEM;
	if (rc == LR_OK)
		rc = sweep_rows(s, st, n);
	free(st);
	if (rc == LR_OK)
		rc = list_unknown(s);
	return rc == LR_OK ? list_releases(s) : rc;
}
