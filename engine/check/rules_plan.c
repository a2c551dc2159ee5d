/*
** Rules on the work plan: its share released (R05), years and deadline
** (R17-R19), pace and capacity (R20, R21), cost and the previous plan
** (R22, R24).
*/
#include "check_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Percent of land released so far in a work plan: cumulative_pct. */
void lr__check_rule_plan_pct(lr__ctx *x, lr__tab *p)
{
	int pc = lr__check_col_find(p, "cumulative_pct", COL_PCT);
	int rel = lr__check_col_area(p, "released"),
	    end = lr__check_col_area(p, "remaining_end");
	if (pc < 0 || rel < 0 || end < 0)
		return;
	for (size_t r = 0; r < p->nrows; r++) {
		lr__fig pf = lr__check_cell(p, r, pc);
		if (!pf.set)
			continue;
		/* The land at the start: the first year's end plus its
		** release. */
		int first = lr__check_first_row(p, r);
		lr__fig fe = lr__check_cell(p, (size_t)first, end),
		        fr = lr__check_cell(p, (size_t)first, rel),
		        ce = lr__check_cell(p, r, end);
		if (!fe.set || !fr.set || !ce.set)
			continue;
		double start = (double)(fe.v + fr.v);
		if (start <= 0)
			continue;
		double done = start - (double)ce.v;
		double expect = 100.0 * done / start * 100.0; /* hundredths */
		double ha = p->cols[end].half + p->cols[rel].half;
		double bound = p->cols[pc].half +
		               1e4 * (ha / start + done * ha / (start * start));
		lr__check_compare_d(
		        x, R_PCT, p, p->rows[r].label, &p->cols[pc], pf.v,
		        expect, bound,
		        "the share released so far is not released / land at "
		        "the start");
	}
}

void lr__check_rule_plan_period(lr__ctx *x, lr__tab *p)
{
	if (!p->nyears)
		return;
	int first = p->years[0], last = lr__check_last_year(p);
	int pf = x->o->period_first, pl = x->o->period_last;
	char lbl[32];
	for (int i = 1; i < p->nyears; i++)
		if (p->years[i] != p->years[i - 1] + 1) {
			snprintf(lbl, sizeof lbl, "%d", p->years[i - 1] + 1);
			lr__check_note(x, R_YEARS, LR_SEV_ERROR, p, lbl,
			               &p->cols[p->yearc],
			               lr__check_dupf(x,
			                              "the plan has no rows "
			                              "for %d-%d: its years "
			                              "must be contiguous",
			                              p->years[i - 1] + 1,
			                              p->years[i] - 1));
		}
	if (pf && pl) {
		for (int i = 0; i < p->nyears; i++)
			if (p->years[i] < pf || p->years[i] > pl) {
				snprintf(lbl, sizeof lbl, "%d", p->years[i]);
				lr__check_note(
				        x, R_YEARS, LR_SEV_ERROR, p, lbl,
				        &p->cols[p->yearc],
				        lr__check_dupf(x,
				                       "%d is outside the "
				                       "requested period "
				                       "%d-%d",
				                       p->years[i], pf, pl));
			}
		if (pl - pf + 1 > 10)
			lr__check_note(x, R_LENGTH, LR_SEV_ERROR, p, "", NULL,
			               lr__check_dupf(x,
			                              "the requested period "
			                              "%d-%d is %d years; an "
			                              "extension may be asked "
			                              "for at most 10 years",
			                              pf, pl, pl - pf + 1));
	} else if (last - first + 1 > 10) {
		lr__check_note(
		        x, R_LENGTH, LR_SEV_ERROR, p, "", NULL,
		        lr__check_dupf(x,
		                       "the plan runs over %d years (%d-%d); "
		                       "an extension "
		                       "may be asked for at most 10 years",
		                       last - first + 1, first, last));
	}
	/* Reaching zero: in the period's last year, or the plan's if it
	** ends earlier. */
	int end = lr__check_col_area(p, "remaining_end");
	if (end < 0)
		return;
	int zy = pl && pl < last ? pl : last;
	bool any = false;
	for (int pass = 0; pass < 2; pass++)
		for (size_t r = 0; r < p->nrows; r++) {
			const lr__row *row = &p->rows[r];
			if (row->year != zy || row->total != (pass == 1) ||
			    (pass == 1 && any))
				continue;
			lr__fig e = lr__check_cell(p, r, end);
			if (!e.set)
				continue;
			char what[160];
			snprintf(what, sizeof what,
			         "land remains at the end of %d, the last "
			         "year of the %s",
			         zy, pl ? "requested period" : "plan");
			if (lr__check_compare(x, R_ZERO, p, row->label,
			                      &p->cols[end], e.v, 0,
			                      p->cols[end].half, what))
				any = true;
		}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

void lr__check_rule_pace(lr__ctx *x, lr__tab *p)
{
	lr__tab *h = x->rel;
	if (!p || !h)
		return;
	int pr = lr__check_col_area(p, "released"),
	    hr = lr__check_col_area(h, "released");
	if (pr < 0 || hr < 0)
		return;
	/* Regions first; the national figure only where no region of that
	** year was flagged. */
	int64_t *vals = lr_xcalloc((size_t)h->nyears + 1, sizeof *vals);
	lr__walk w;
	size_t r;
	if (!vals) {
		x->oom = true;
		return;
	}
	if (!lr__check_walk_begin(x, p, &w)) {
		free(vals);
		return;
	}
	while (lr__check_walk_next(&w, &r)) {
		const lr__row *row = &p->rows[r];
		lr__fig f = lr__check_cell(p, r, pr);
		if (!f.set || lr__check_walk_explained(&w, r))
			continue;
		int n = 0;
		for (int i = 0; i < h->nyears; i++) {
			int q = row->total
			                ? lr__check_find_total(h, h->years[i])
			                : lr__check_find_row(h, h->years[i],
			                                     row->norm);
			lr__fig hf = q >= 0 ? lr__check_cell(h, (size_t)q, hr)
			                    : (lr__fig){0, 0, false, false};
			if (hf.set)
				vals[n++] = hf.v;
		}
		if (n == 0)
			continue;
		qsort(vals, (size_t)n, sizeof *vals, cmp_i64);
		int64_t best = vals[n - 1];
		int64_t med = n % 2 ? vals[n / 2]
		                    : (vals[n / 2 - 1] + vals[n / 2]) / 2;
		if (best <= 0 ||
		    (double)f.v <= 2.0 * (double)best + 2 * p->cols[pr].half)
			continue;
		char s[48], b[48], m[48];
		lr__check_fmt_col(&p->cols[pr], s, sizeof s, f.v);
		lr__check_fmt_col(&h->cols[hr], b, sizeof b, best);
		lr__check_fmt_col(&h->cols[hr], m, sizeof m, med);
		lr__check_add_finding(
		        x, R_PACE, LR_SEV_WARNING, p, row->label, &p->cols[pr],
		        s, b, NULL,
		        lr__check_dupf(
		                x,
		                "planned release is %.1f times the best year "
		                "achieved in %d-%d (best %s, median %s)",
		                (double)f.v / (double)best, h->years[0],
		                lr__check_last_year(h), b, m));
		w.flag[r] = true;
	}
	free(vals);
	lr__check_walk_end(&w);
}

void lr__check_rule_capacity(lr__ctx *x, lr__tab *p)
{
	for (int c = 0; c < p->ncol; c++) {
		const lr__col *col = &p->cols[c];
		int against = -1;
		if (col->type == COL_AREA &&
		    lr__check_starts_with(col->base, "capacity")) {
			char base[96];
			const char *m = col->base + strlen("capacity");
			snprintf(base, sizeof base, "%s",
			         *m == '_' ? m + 1 : "released");
			lr__check_alias_base(base, sizeof base);
			against = lr__check_col_area(p, base);
		} else if (col->type == COL_COUNT &&
		           lr__check_starts_with(col->norm,
		                                 "teams_available")) {
			char n[96];
			snprintf(n, sizeof n, "teams_needed%s",
			         col->norm + strlen("teams_available"));
			against = lr__check_col_find(p, n, COL_COUNT);
		}
		if (against < 0)
			continue;
		for (size_t r = 0; r < p->nrows; r++) {
			lr__fig cap = lr__check_cell(p, r, c),
			        need = lr__check_cell(p, r, against);
			if (!cap.set || !need.set ||
			    (double)need.v <= (double)cap.v + col->half +
			                              p->cols[against].half)
				continue;
			char s[48], e[48];
			lr__check_fmt_col(&p->cols[against], s, sizeof s,
			                  need.v);
			lr__check_fmt_col(col, e, sizeof e, cap.v);
			lr__check_add_finding(
			        x, R_CAPACITY, LR_SEV_WARNING, p,
			        p->rows[r].label, &p->cols[against], s, e, NULL,
			        lr__check_dupf(
			                x, "%s %s is above the stated %s %s",
			                p->cols[against].label, s, col->label,
			                e));
		}
	}
}

void lr__check_rule_cost(lr__ctx *x, lr__tab *p)
{
	int cost = lr__check_col_find(p, "cost", COL_MONEY);
	if (cost < 0)
		return;
	static const char *const m[3] = {"cancelled", "reduced", "cleared"};
	int area[3], unit[3];
	double per[3]; /* m2 per unit of the cost's area */
	int have = 0;
	for (int k = 0; k < 3; k++) {
		area[k] = lr__check_col_area(p, m[k]);
		unit[k] = -1;
		per[k] = 1;
		for (int c = 0; c < p->ncol; c++) {
			const lr__col *col = &p->cols[c];
			if (col->type != COL_UNIT)
				continue;
			char b[96];
			const char *n = col->norm;
			double scale = 1;
			if (lr__check_starts_with(n, "cost_per_m2_"))
				n += strlen("cost_per_m2_");
			else if (lr__check_starts_with(n, "cost_per_km2_")) {
				n += strlen("cost_per_km2_");
				scale = 1e6;
			} else if (lr__check_starts_with(n, "cost_per_ha_")) {
				n += strlen("cost_per_ha_");
				scale = 1e4;
			} else if (lr__check_starts_with(n, "unit_cost_"))
				n += strlen("unit_cost_");
			else
				continue;
			snprintf(b, sizeof b, "%s", n);
			lr__check_alias_base(b, sizeof b);
			if (!strcmp(b, m[k])) {
				unit[k] = c;
				per[k] = scale;
			}
		}
		have += area[k] >= 0 && unit[k] >= 0;
	}
	if (!have)
		return;
	for (size_t r = 0; r < p->nrows; r++) {
		lr__fig cf = lr__check_cell(p, r, cost);
		if (!cf.set)
			continue;
		double expect = 0, bound = p->cols[cost].half + 1;
		bool all = true;
		for (int k = 0; k < 3; k++) {
			if (area[k] < 0 || unit[k] < 0)
				continue;
			lr__fig a = lr__check_cell(p, r, area[k]),
			        u = lr__check_cell(p, r, unit[k]);
			if (!a.set || !u.set) {
				all = false;
				break;
			}
			/* hundredths of m2 x money per m2 = hundredths of
			** money */
			expect += (double)a.v * u.d / per[k];
			bound += p->cols[area[k]].half * u.d / per[k];
		}
		if (!all)
			continue;
		lr__check_compare_d(
		        x, R_COST, p, p->rows[r].label, &p->cols[cost], cf.v,
		        expect, bound,
		        "the cost is not the area by method x the unit cost");
	}
}

void lr__check_rule_previous(lr__ctx *x, lr__tab *pp)
{
	lr__tab *h = x->rel;
	if (!h)
		return;
	int pr = lr__check_col_area(pp, "released"),
	    hr = lr__check_col_area(h, "released");
	if (pr < 0 || hr < 0)
		return;
	lr__walk w;
	size_t r;
	if (!lr__check_walk_begin(x, pp, &w))
		return;
	while (lr__check_walk_next(&w, &r)) {
		const lr__row *row = &pp->rows[r];
		lr__fig plan = lr__check_cell(pp, r, pr);
		if (!plan.set || !lr__check_has_year(h, row->year) ||
		    lr__check_walk_explained(&w, r))
			continue;
		int q = row->total
		                ? lr__check_find_total(h, row->year)
		                : lr__check_find_row(h, row->year, row->norm);
		/* a region missing from the release table is R15's */
		lr__fig got = lr__check_cell(h, (size_t)q, hr);
		if (q < 0 || !got.set || (h->gone && h->gone[q]))
			continue;
		double bound =
		        pp->cols[pr].half + h->cols[hr].half + (double)x->tol;
		if ((double)got.v >= (double)plan.v - bound)
			continue;
		char s[48], e[48], d[48];
		lr__check_fmt_col(&h->cols[hr], s, sizeof s, got.v);
		lr__check_fmt_col(&pp->cols[pr], e, sizeof e, plan.v);
		lr__check_fmt_col(&h->cols[hr], d, sizeof d, got.v - plan.v);
		lr__check_add_finding(
		        x, R_PREVIOUS, LR_SEV_WARNING, pp, row->label,
		        &pp->cols[pr], s, e, d,
		        lr__check_dupf(
		                x,
		                "released %s in %d against %s planned in the "
		                "previous request (%.0f%%)",
		                s, row->year, e,
		                plan.v ? 100.0 * (double)got.v / (double)plan.v
		                       : 0.0));
		w.flag[r] = true;
	}
	lr__check_walk_end(&w);
}
