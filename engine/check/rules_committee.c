/*
** Checks the Committee on Article 5 Implementation makes of a request that
** the other families leave out: more time asked than the plan needs (R32),
** cancellation of more land than the suspected land of a region (R33).
*/
#include "check_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first year whose row (region or TOTAL) ends with no land, or 0. */
static int zero_year(const lr__tab *p, size_t r0, int end)
{
	int best = 0;
	for (size_t r = 0; r < p->nrows; r++) {
		lr__fig e = lr__check_cell(p, r, end);
		if (strcmp(p->rows[r].norm, p->rows[r0].norm) || !e.set ||
		    (double)e.v > p->cols[end].half)
			continue;
		if (!best || p->rows[r].year < best)
			best = p->rows[r].year;
	}
	return best;
}

/* R32: the plan ends the nation's land (its TOTAL row, else its last
** region) two or more years before the requested period ends. */
void lr__check_rule_early_zero(lr__ctx *x, lr__tab *p)
{
	int end = lr__check_col_area(p, "remaining_end");
	/* a period beyond ten years is R19's finding, not a second one */
	if (end < 0 || p->nyears == 0 ||
	    (x->o->period_last &&
	     x->o->period_last - x->o->period_first + 1 > 10))
		return;
	int last =
	        x->o->period_last ? x->o->period_last : p->years[p->nyears - 1];
	int t = lr__check_find_total(p, p->years[p->nyears - 1]);
	int done = 0;
	const char *who = "TOTAL";
	for (size_t r = 0; r < p->nrows; r++) {
		if ((t >= 0 && (int)r != t) || p->rows[r].parent >= 0)
			continue;
		int z = zero_year(p, r, end);
		if (!z)
			return; /* some land never ends: R18's to say */
		if (z > done) {
			done = z;
			who = p->rows[r].key;
		}
	}
	if (!done || last - done < 2)
		return;
	char lbl[160];
	snprintf(lbl, sizeof lbl, "%d %s", done, who);
	lr__check_note(
	        x, R_EARLY, LR_SEV_WARNING, p, lbl, &p->cols[end],
	        lr__check_dupf(x,
	                       "the plan has no land left at the end "
	                       "of %d, %d years before the end of the "
	                       "%s (%d): more time is asked than the "
	                       "plan needs",
	                       done, last - done,
	                       x->o->period_last ? "requested period" : "plan",
	                       last));
}

/* The planned cancellation of row r's region over all the plan's years. */
static bool cancel_sum(const lr__tab *p, int can, const char *norm,
                       int64_t *sum, double *bound)
{
	*sum = 0;
	*bound = 0;
	for (size_t r = 0; r < p->nrows; r++) {
		lr__fig f = lr__check_cell(p, r, can);
		if (strcmp(p->rows[r].norm, norm) || !f.set)
			continue;
		if (f.bad || !lr__check_add_fig(sum, f.v))
			return false;
		*bound += p->cols[can].half;
	}
	return true;
}

/* R33: only suspected land is cancelled by non-technical survey, so a
** region's planned cancellation is at most its SHA land at the start. */
void lr__check_rule_cancel_sha(lr__ctx *x, lr__tab *p)
{
	const lr__tab *rem = x->rem;
	int can = lr__check_col_area(p, "cancelled");
	int sha = rem ? lr__check_col_area(rem, "sha") : -1;
	if (can < 0 || sha < 0)
		return;
	for (size_t q = 0; q < rem->nrows; q++) {
		lr__fig s = lr__check_cell(rem, q, sha);
		int64_t sum;
		double bound;
		if (rem->rows[q].total || rem->rows[q].nchild || !s.set ||
		    !cancel_sum(p, can, rem->rows[q].norm, &sum, &bound) ||
		    (double)(sum - s.v) <=
		            bound + rem->cols[sha].half + (double)x->tol)
			continue;
		char a[48], b[48];
		lr__check_fmt_col(&p->cols[can], a, sizeof a, sum);
		lr__check_fmt_col(&rem->cols[sha], b, sizeof b, s.v);
		lr__check_add_finding(
		        x, R_CANCEL, LR_SEV_ERROR, p, rem->rows[q].key,
		        &p->cols[can], a, b, NULL,
		        lr__check_dupf(
		                x,
		                "the plan cancels %s in %s, more than "
		                "its suspected (SHA) land %s in %s: only "
		                "suspected land is cancelled by "
		                "non-technical survey",
		                a, rem->rows[q].key, b, rem->t->name));
	}
}

/* R34: an extension runs from the current deadline: the requested period
** (--period, else the plan's years) starts in the deadline's year, or the
** year after a deadline on 31 December. */
void lr__check_rule_period_start(lr__ctx *x, lr__tab *p)
{
	int dy = x->o->deadline / 10000, md = x->o->deadline % 10000;
	if (!dy || p->nyears == 0)
		return;
	int first = x->o->period_first ? x->o->period_first : p->years[0];
	int want = md == 1231 ? dy + 1 : dy;
	if (first == want || (md == 1231 && first == dy))
		return;
	char lbl[16];
	snprintf(lbl, sizeof lbl, "%d", first);
	lr__check_note(
	        x, R_START_PERIOD, LR_SEV_ERROR, p, lbl,
	        p->yearc >= 0 ? &p->cols[p->yearc] : NULL,
	        lr__check_dupf(x,
	                       "the %s starts in %d but the current "
	                       "deadline is %04d-%02d-%02d: an "
	                       "extension runs from the deadline (%s "
	                       "%d)",
	                       x->o->period_first ? "requested period" : "plan",
	                       first, dy, md / 100, md % 100,
	                       first < want ? "overlap: starts before"
	                                    : "gap: nothing planned in",
	                       want));
}

/* The year of the nation's date in column name of completion table c:
** its TOTAL row, else 0 (a date "never" or none is no year). */
static int nation_year(const lr__tab *c, const char *name)
{
	int col = lr__check_col_find(c, name, COL_TEXT);
	int t = lr__check_find_total(c, 0);
	if (col < 0 || t < 0)
		return 0;
	const char *s = lr_table_cell(c->t, c->rows[t].src, col);
	int y = atoi(s);
	return y >= 1990 && y <= 2200 ? y : 0;
}

/* R35: with --against, the year the plan ends the nation's land against
** the projection's median (P50) and P90 completion in the ledger's
** completion table: a plan that ends before the median assumes a pace the
** history does not support; one after P90 asks for more time than it. */
void lr__check_rule_projection(lr__ctx *x, lr__tab *p)
{
	const lr__tab *c = x->led[K_COMPLETION];
	int end = lr__check_col_area(p, "remaining_end");
	int t = p->nyears ? lr__check_find_total(p, p->years[p->nyears - 1])
	                  : -1;
	if (!c || end < 0 || t < 0)
		return;
	int z = zero_year(p, (size_t)t, end);
	int p50 = nation_year(c, "p50_date"), p90 = nation_year(c, "p90_date");
	if (!z || !p50)
		return;
	char lbl[160];
	snprintf(lbl, sizeof lbl, "%d %s", z, p->rows[t].key);
	if (z < p50)
		lr__check_note(x, R_PROJECTION, LR_SEV_WARNING, p, lbl,
		               &p->cols[end],
		               lr__check_dupf(x,
		                              "the plan ends the land in %d, "
		                              "before the projection's median "
		                              "completion (P50, %d) in %s: a "
		                              "pace the history does not "
		                              "support",
		                              z, p50, c->t->name));
	else if (p90 && z > p90)
		lr__check_note(
		        x, R_PROJECTION, LR_SEV_WARNING, p, lbl, &p->cols[end],
		        lr__check_dupf(x,
		                       "the plan ends the land in %d, "
		                       "after the projection's P90 "
		                       "completion (%d) in %s: more time "
		                       "than the history needs",
		                       z, p90, c->t->name));
}

/* Did region norm release less than the previous plan planned in some
** year up to y?  Then R24 has said why its land is above the milestone. */
static bool short_of_plan(const lr__tab *pp, const lr__tab *h, const char *norm,
                          int y)
{
	int pr = lr__check_col_area(pp, "released"),
	    hr = lr__check_col_area(h, "released");
	for (size_t r = 0; r < pp->nrows; r++) {
		if (pp->rows[r].year > y || strcmp(pp->rows[r].norm, norm))
			continue;
		int q = lr__check_find_row(h, pp->rows[r].year, norm);
		lr__fig a = lr__check_cell(pp, r, pr),
		        b = lr__check_cell(h, (size_t)q, hr);
		if (q >= 0 && a.set && b.set &&
		    (double)b.v < (double)a.v - pp->cols[pr].half -
		                          h->cols[hr].half - (double)1)
			return true;
	}
	return false;
}

/* Does the previous plan of region norm start from the land the release
** table has at the end of the year before its first year? */
static bool same_start(const lr__tab *pp, const lr__tab *h, const char *norm)
{
	int pe = lr__check_col_area(pp, "remaining_end"),
	    pr = lr__check_col_area(pp, "released"),
	    he = lr__check_col_area(h, "remaining_end");
	int r = lr__check_find_row(pp, pp->years[0], norm);
	int q = r >= 0 ? lr__check_find_row(h, pp->years[0] - 1, norm) : -1;
	lr__fig e = lr__check_cell(pp, (size_t)r, pe),
	        rl = lr__check_cell(pp, (size_t)r, pr),
	        s = lr__check_cell(h, (size_t)q, he);
	if (r < 0 || q < 0 || !e.set || !rl.set || !s.set)
		return false;
	double d = (double)(e.v + rl.v - s.v);
	return d <= pp->cols[pe].half + pp->cols[pr].half + h->cols[he].half &&
	       -d <= pp->cols[pe].half + pp->cols[pr].half + h->cols[he].half;
}

/* R36: land remaining at the end of a year (release table) against the
** milestone the previous plan set for it, for regions whose plan started
** from the same land; a year short of the planned release is R24's. */
void lr__check_rule_milestone(lr__ctx *x, lr__tab *pp)
{
	const lr__tab *h = x->rel;
	int pe = lr__check_col_area(pp, "remaining_end");
	int he = h ? lr__check_col_area(h, "remaining_end") : -1;
	if (he < 0 || pe < 0 || lr__check_col_area(pp, "released") < 0 ||
	    pp->nyears == 0)
		return;
	for (size_t r = 0; r < pp->nrows; r++) {
		const lr__row *row = &pp->rows[r];
		int q = lr__check_find_row(h, row->year, row->norm);
		lr__fig m = lr__check_cell(pp, r, pe),
		        got = lr__check_cell(h, (size_t)q, he);
		double bound =
		        pp->cols[pe].half + h->cols[he].half + (double)x->tol;
		if (q < 0 || !m.set || !got.set ||
		    (double)got.v <= (double)m.v + bound ||
		    !same_start(pp, h, row->norm) ||
		    short_of_plan(pp, h, row->norm, row->year))
			continue;
		char s[48], e[48], d[48];
		lr__check_fmt_col(&h->cols[he], s, sizeof s, got.v);
		lr__check_fmt_col(&pp->cols[pe], e, sizeof e, m.v);
		lr__check_fmt_col(&h->cols[he], d, sizeof d, got.v - m.v);
		lr__check_add_finding(
		        x, R_MILESTONE, LR_SEV_WARNING, pp, row->label,
		        &pp->cols[pe], s, e, d,
		        lr__check_dupf(x,
		                       "%s remain at the end of %d against the "
		                       "milestone of %s the previous plan set",
		                       s, row->year, e));
	}
}
