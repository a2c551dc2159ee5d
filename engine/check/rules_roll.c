/*
** Rules across the years of one table: the roll-forward of remaining land
** (R11, R14), regions that vanish (R15) and cumulative columns (R16).
*/
#include "check_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether column c moves land between SHA and CHA rather than changing the
** total: `reclassified` in a table that gives the stocks by type at the
** year's end (sha_end, cha_end), as landrelease's release_by_year does. */
static bool moves_between_types(const lr__tab *p, const lr__col *c)
{
	return !strcmp(c->base, "reclassified") &&
	       lr__check_col_area(p, "sha_end") >= 0 &&
	       lr__check_col_area(p, "cha_end") >= 0;
}

/* Sum of the signed adjustment columns of row r (reclassification,
** corrections) into *sum; false when it is beyond SUM_MAX. */
static bool adjustments(const lr__tab *p, size_t r, int64_t *sum, double *bound)
{
	*sum = 0;
	for (int c = 0; c < p->ncol; c++) {
		const lr__col *col = &p->cols[c];
		if (col->type != COL_AREA || !lr__check_may_be_negative(col) ||
		    !p->rows[r].f[c].set || moves_between_types(p, col))
			continue;
		if (!lr__check_add_fig(sum, p->rows[r].f[c].v))
			return false;
		*bound += col->half;
	}
	return true;
}

/* Regions with land in year y-1 and no row in year y: R15.  Marks the
** aggregates of year y whose land went with them. */
void lr__check_rule_gone(lr__ctx *x, lr__tab *p)
{
	int end = lr__check_col_area(p, "remaining_end");
	bool *flag = p->gone = lr_xcalloc(p->nrows + 1, sizeof *flag);
	if (flag == NULL) {
		x->oom = true;
		return;
	}
	if (end < 0)
		return;
	for (int i = 1; i < p->nyears; i++) {
		int y = p->years[i];
		if (p->years[i - 1] != y - 1)
			continue;
		for (size_t q = 0; q < p->nrows; q++) {
			const lr__row *pr = &p->rows[q];
			if (pr->year != y - 1 || pr->total || pr->nchild)
				continue;
			lr__fig e = lr__check_cell(p, q, end);
			if (!e.set || e.v <= p->cols[end].half ||
			    lr__check_find_row(p, y, pr->norm) >= 0)
				continue;
			char s[48];
			lr__check_fmt_col(&p->cols[end], s, sizeof s, e.v);
			char lbl[160];
			snprintf(lbl, sizeof lbl, "%d %s", y, pr->key);
			lr__check_add_finding(
			        x, R_GONE, LR_SEV_ERROR, p, lbl, &p->cols[end],
			        NULL, s, NULL,
			        lr__check_dupf(
			                x,
			                "region '%s' had %s at the end of %d "
			                "and has no row for %d",
			                pr->key, s, y - 1, y));
			/* its ancestors in year y are explained */
			for (int a = pr->parent, d = 0;
			     a >= 0 && d < MAX_PARENT_DEPTH;
			     a = p->rows[a].parent, d++) {
				int ar = lr__check_find_row(p, y,
				                            p->rows[a].norm);
				if (ar >= 0)
					flag[ar] = true;
			}
			int tr = lr__check_find_total(p, y);
			if (tr >= 0)
				flag[tr] = true;
		}
	}
}

/* The columns of the roll-forward (-1 when absent). */
typedef struct roll_cols {
	int end, nw, rel, st;
} roll_cols;

enum { START_FOUND, START_NONE, START_GAP };

/*
** The land at the start of row r's year into *start, its rounding added to
** *bound: the stated start, else the end of the previous year (0 for a
** region new this year).  START_NONE when the previous year states no end;
** START_GAP when the previous year is not in the table.
*/
static int year_start(const lr__tab *p, const roll_cols *c, size_t r,
                      int64_t *start, double *bound)
{
	const lr__row *row = &p->rows[r];
	lr__fig s = lr__check_cell(p, r, c->st);
	if (s.set) {
		*start = s.v;
		*bound += p->cols[c->st].half;
		return START_FOUND;
	}
	if (!lr__check_has_year(p, row->year - 1))
		return START_GAP;
	int prev = lr__check_find_row(p, row->year - 1, row->norm);
	lr__fig pe = prev >= 0 ? lr__check_cell(p, (size_t)prev, c->end)
	                       : (lr__fig){0, 0, true, false};
	if (!pe.set)
		return START_NONE;
	*start = pe.v;
	*bound += p->cols[c->end].half;
	return START_FOUND;
}

/* Not aligned: the previous year is not in the table.  Growth across the
** gap with no new land is still a sign (R14, warning). */
static void growth_across_gap(lr__ctx *x, lr__tab *p, const roll_cols *c,
                              size_t r, double bound, lr__walk *w)
{
	const lr__row *row = &p->rows[r];
	lr__fig e = lr__check_cell(p, r, c->end),
	        n = lr__check_cell(p, r, c->nw);
	int py = 0;
	for (int i = 0; i < p->nyears; i++)
		if (p->years[i] < row->year)
			py = p->years[i];
	int pr = py ? lr__check_find_row(p, py, row->norm) : -1;
	lr__fig pe = lr__check_cell(p, (size_t)pr, c->end);
	if (pr < 0 || !pe.set || !(e.v > pe.v + bound) || c->nw < 0 || !n.set ||
	    n.v != 0 || lr__check_walk_explained(w, r))
		return;
	char a[48], b[48];
	lr__check_fmt_col(&p->cols[c->end], a, sizeof a, pe.v);
	lr__check_fmt_col(&p->cols[c->end], b, sizeof b, e.v);
	w->flag[r] = true;
	lr__check_add_finding(
	        x, R_GROWTH, LR_SEV_WARNING, p, row->label, &p->cols[c->end], b,
	        NULL, NULL,
	        lr__check_dupf(x,
	                       "remaining land grew from %s (end of %d) to %s "
	                       "with no new contamination declared in %d",
	                       a, py, b, row->year));
}

/* What a failed roll-forward of row's year says. */
static void roll_what(const lr__tab *p, const lr__row *row, int rule,
                      char *what, size_t size)
{
	if (rule == R_GROWTH)
		snprintf(what, size,
		         "remaining land grew in %d with no new contamination "
		         "declared",
		         row->year);
	else if (p->kind == K_PLAN)
		snprintf(
		        what, size,
		        "remaining at the end of %d is not the previous year's "
		        "remaining - planned release",
		        row->year);
	else
		snprintf(
		        what, size,
		        "remaining at the end of %d is not the previous year's "
		        "remaining + new - released",
		        row->year);
}

/* Row r's end against start + new - released + adjustments: R11, or R14
** when the land grew with no new land declared. */
static void roll_row(lr__ctx *x, lr__tab *p, const roll_cols *c, size_t r,
                     int64_t start, double bound, bool *flag)
{
	const lr__row *row = &p->rows[r];
	lr__fig e = lr__check_cell(p, r, c->end),
	        rl = lr__check_cell(p, r, c->rel),
	        n = lr__check_cell(p, r, c->nw);
	int64_t adj;
	if (!adjustments(p, r, &adj, &bound))
		return;
	int64_t expect = start + (n.set ? n.v : 0) - rl.v + adj;
	bool grew = e.v > start;
	bool no_new = c->nw < 0 || !n.set || n.v == 0;
	int rule = grew && no_new ? R_GROWTH : R_ROLL;
	char what[200];
	roll_what(p, row, rule, what, sizeof what);
	if (lr__check_compare(x, rule, p, row->label, &p->cols[c->end], e.v,
	                      expect, bound, what)) {
		flag[r] = true;
	} else if (grew && no_new && adj > 0 &&
	           e.v - start > p->cols[c->end].half) {
		/* Holds only through a declared correction. */
		char a[48];
		lr__check_fmt_col(&p->cols[c->end], a, sizeof a, adj);
		lr__check_add_finding(
		        x, R_GROWTH, LR_SEV_WARNING, p, row->label,
		        &p->cols[c->end], NULL, NULL, NULL,
		        lr__check_dupf(x,
		                       "remaining land grew in %d through "
		                       "corrections (%s) with no new "
		                       "contamination declared",
		                       row->year, a));
		flag[r] = true;
	}
}

/* R11 (and R14): each region's and aggregate's remaining land rolled
** forward from the year before, members before their aggregates. */
void lr__check_rule_roll(lr__ctx *x, lr__tab *p)
{
	roll_cols c = {lr__check_col_area(p, "remaining_end"),
	               lr__check_col_area(p, "new"),
	               lr__check_col_area(p, "released"),
	               lr__check_col_area(p, "remaining_start")};
	if (c.end < 0 || c.rel < 0)
		return;
	lr__walk w;
	size_t r;
	if (!lr__check_walk_begin(x, p, &w))
		return;
	while (lr__check_walk_next(&w, &r)) {
		const lr__row *row = &p->rows[r];
		if (!lr__check_cell(p, r, c.end).set ||
		    !lr__check_cell(p, r, c.rel).set || !row->year ||
		    (p->gone && p->gone[r]))
			continue;
		double bound = p->cols[c.end].half + p->cols[c.rel].half +
		               (c.nw >= 0 ? p->cols[c.nw].half : 0);
		int64_t start = 0;
		int how = year_start(p, &c, r, &start, &bound);
		if (how == START_GAP)
			growth_across_gap(x, p, &c, r, bound, &w);
		else if (how == START_FOUND && !lr__check_walk_explained(&w, r))
			roll_row(x, p, &c, r, start, bound, w.flag);
	}
	lr__check_walk_end(&w);
}

void lr__check_rule_cumulative(lr__ctx *x, lr__tab *p)
{
	for (int c = 0; c < p->ncol; c++) {
		const lr__col *col = &p->cols[c];
		if ((col->type != COL_AREA && col->type != COL_COUNT) ||
		    !lr__check_starts_with(col->base, "cumulative_"))
			continue;
		char base[96];
		snprintf(base, sizeof base, "%s",
		         col->base + strlen("cumulative_"));
		lr__check_alias_base(base, sizeof base);
		int a = lr__check_col_find(p, base, col->type);
		if (a < 0)
			continue;
		lr__walk w;
		size_t r;
		if (!lr__check_walk_begin(x, p, &w))
			return;
		while (lr__check_walk_next(&w, &r)) {
			const lr__row *row = &p->rows[r];
			lr__fig cf = lr__check_cell(p, r, c);
			if (!cf.set || !row->year || (p->gone && p->gone[r]) ||
			    lr__check_walk_explained(&w, r))
				continue;
			/* Anchor: the first year of the contiguous run of
			** years ending here. */
			int y0 = row->year;
			while (lr__check_has_year(p, y0 - 1) &&
			       lr__check_find_row(p, y0 - 1, row->norm) >= 0)
				y0--;
			int r0 = lr__check_find_row(p, y0, row->norm);
			lr__fig c0 = lr__check_cell(p, (size_t)r0, c);
			int64_t expect;
			double bound = col->half;
			int64_t sum = 0;
			for (int y = y0 + (y0 != row->year); y <= row->year;
			     y++) {
				lr__fig f = lr__check_cell(
				        p,
				        (size_t)lr__check_find_row(p, y,
				                                   row->norm),
				        a);
				sum += f.set ? f.v : 0;
				bound += p->cols[a].half;
			}
			if (y0 == row->year) {
				/* the first year: at least its annual figure */
				lr__fig f = lr__check_cell(p, r, a);
				if (!f.set || (double)(f.v - cf.v) <= bound)
					continue;
				expect = f.v;
			} else {
				if (!c0.set)
					continue;
				expect = c0.v + sum;
				bound += col->half;
			}
			char what[160];
			snprintf(what, sizeof what,
			         "%s is not the running sum of %s", col->label,
			         p->cols[a].label);
			if (lr__check_compare(x, R_CUMUL, p, row->label, col,
			                      cf.v, expect, bound, what))
				w.flag[r] = true;
		}
		lr__check_walk_end(&w);
	}
}
