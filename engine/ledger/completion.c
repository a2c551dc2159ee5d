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

#include <stdlib.h>

/* Where one sweep over a row's steps got to. */
typedef struct sweep {
	lr_cents land; /* hazardous land in scope at the end of the day */
	bool had_land; /* some land was hazardous before */
	lr_completion_row out;
} sweep;

static bool step_earlier(const lr__step *x, const lr__step *y)
{
	return x->date < y->date;
}

static bool step_before(const lr__step *x, const lr__step *y)
{
	return x->row < y->row || (x->row == y->row && x->date < y->date);
}

/* Steps of one day may come in any order: a day is swept as a whole. */
LR__DEFINE_SORT(sort_steps_by_date, lr__step, step_earlier)
LR__DEFINE_SORT(sort_steps_by_row, lr__step, step_before)

/* Steps st[0..n) of one day into w.  Completion is judged at the day's
** end, and only for land hazardous at the end of an earlier day: land
** recorded and released on one day (as a snapshot's releases stand for
** their own records) completes nothing. */
static void sweep_day(sweep *w, const lr__step *st, size_t n)
{
	bool released = false, before = w->had_land;
	for (size_t i = 0; i < n; i++) {
		w->land += st[i].delta;
		released |= st[i].delta < 0;
	}
	if (released)
		w->out.last_release = st[0].date;
	if (released && w->land == 0 && before &&
	    w->out.completed == LR_DATE_NONE)
		w->out.completed = st[0].date;
	w->had_land |= w->land > 0;
}

/* Sweep st[0..n) (sorted by date) from land at the baseline date.  The
** nation's completion is the first day its land fell to zero: land
** recorded after it is previously unknown.  A region's is the day its
** land last fell to zero, if it stays so: a region is complete or not,
** and land found in it after the nation's completion is what is
** previously unknown there. */
static lr_completion_row sweep_row(const lr__step *st, size_t n,
                                   lr_cents baseline_land, bool nation)
{
	sweep w = {baseline_land,
	           baseline_land > 0,
	           {LR_DATE_NONE, LR_DATE_NONE, 0, 0}};
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && st[j].date == st[i].date; j++)
			;
		sweep_day(&w, st + i, j - i);
	}
	if (!nation)
		w.out.completed = w.land == 0 && w.had_land ? w.out.last_release
		                                            : LR_DATE_NONE;
	return w.out;
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

/* The nation's row from every step by date, then each row's. */
static void sweep_rows(const lr__analysis *s, lr__step *st, size_t n)
{
	lr_result *r = s->r;
	size_t nation = s->n_rows;
	sort_steps_by_date(st, n);
	r->completion[nation] =
	        sweep_row(st, n, baseline_land(r, nation), true);
	sort_steps_by_row(st, n);
	size_t i = 0;
	for (size_t row = 0; row < s->n_rows; row++) {
		size_t j = i;
		while (j < n && (size_t)st[j].row == row)
			j++;
		r->completion[row] =
		        sweep_row(st + i, j - i, baseline_land(r, row), false);
		i = j;
	}
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

static int cmp_dated(const void *a, const void *b)
{
	const dated *x = a, *y = b;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/* Sort idx[0..n) by dates[idx], then by index.  LR_OK or LR_ERR_NOMEM. */
static int sort_by_date(int32_t *idx, size_t n, const lr_date *dates)
{
	dated *p = malloc((n + 1) * sizeof *p);
	if (!p)
		return LR_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		p[i] = (dated){dates[idx[i]], idx[i]};
	qsort(p, n, sizeof *p, cmp_dated);
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

int lr__completion_build(const lr__analysis *s, lr__accum *acc, int n_threads)
{
	lr_result *r = s->r;
	size_t n = 0;
	for (int t = 0; t < n_threads; t++)
		n += acc[t].steps.len;
	lr__step *st = malloc((n + 1) * sizeof *st);
	r->completion = calloc(s->n_rows + 1, sizeof *r->completion);
	if (!st || !r->completion) {
		free(st);
		return LR_ERR_NOMEM;
	}
	size_t k = 0;
	for (int t = 0; t < n_threads; t++) {
		for (size_t i = 0; i < acc[t].steps.len; i++)
			st[k++] = LR_VEC_AT(&acc[t].steps, lr__step, i);
		lr_vec_free(&acc[t].steps); /* copied: half the memory */
	}
	sweep_rows(s, st, n);
	free(st);
	int rc = list_unknown(s);
	return rc == LR_OK ? list_releases(s) : rc;
}
