/* Rules on sums within a row or a table: R01-R04 and R23. */
#include "check_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool summable(const lr__col *c)
{
	if (c->type == COL_AREA || c->type == COL_COUNT || c->type == COL_MONEY)
		return !lr__check_starts_with(c->base, "capacity") &&
		       !lr__check_starts_with(c->norm, "teams_available");
	return false;
}

void lr__check_rule_sum(lr__ctx *x, lr__tab *p)
{
	for (size_t i = 0; i < p->nrows; i++) {
		if (!lr__check_is_aggregate(p, i))
			continue;
		for (int c = 0; c < p->ncol; c++) {
			const lr__col *col = &p->cols[c];
			if (!summable(col) || !p->rows[i].f[c].set)
				continue;
			int64_t sum = 0;
			int n = 0, nset = 0;
			bool bad = false;
			for (size_t j = 0; j < p->nrows; j++) {
				if (!lr__check_under(p, j, i))
					continue;
				/* direct members: top-level rows for TOTAL,
				** children for a parent */
				if (p->rows[i].total
				            ? p->rows[j].parent >= 0
				            : p->rows[j].parent != (int)i)
					continue;
				n++;
				bad = bad || p->rows[j].f[c].bad;
				if (p->rows[j].f[c].set) {
					bad = bad ||
					      !lr__check_add_fig(
					              &sum, p->rows[j].f[c].v);
					nset++;
				}
			}
			if (nset == 0 || bad)
				continue;
			char what[160];
			snprintf(what, sizeof what,
			         "%s is not the sum of its %d regions",
			         p->rows[i].total ? "the total"
			                          : "the subtotal",
			         n);
			lr__check_compare(x, R_SUM, p, p->rows[i].label, col,
			                  p->rows[i].f[c].v, sum,
			                  col->half * (n + 1), what);
		}
	}
}

/* stated column = sum of part columns, on every row with all of them. */
static void sum_rule(lr__ctx *x, lr__tab *p, int rule, int total,
                     const int *parts, int nparts, const char *what)
{
	if (total < 0)
		return;
	int have = 0;
	for (int k = 0; k < nparts; k++)
		have += parts[k] >= 0;
	if (have < 2)
		return;
	lr__walk w;
	size_t r;
	if (!lr__check_walk_begin(x, p, &w))
		return;
	/* A row whose own figures disagree makes its aggregates disagree
	** too: those are not reported again. */
	while (lr__check_walk_next(&w, &r)) {
		lr__fig t = lr__check_cell(p, r, total);
		if (!t.set || lr__check_walk_explained(&w, r))
			continue;
		int64_t s = 0;
		int nset = 0;
		double bound = p->cols[total].half;
		for (int k = 0; k < nparts; k++) {
			lr__fig f = lr__check_cell(p, r, parts[k]);
			if (f.bad || t.bad)
				nset = -100;
			if (f.set) {
				/* parts may be stated in another unit */
				s += f.v;
				nset++;
				bound += p->cols[parts[k]].half;
			}
		}
		if (nset <= 0)
			continue;
		if (lr__check_compare(x, rule, p, p->rows[r].label,
		                      &p->cols[total], t.v, s, bound, what))
			w.flag[r] = true;
	}
	lr__check_walk_end(&w);
}

void lr__check_rule_sha_cha(lr__ctx *x, lr__tab *p)
{
	/* other: hazardous areas of neither type that the total counts */
	int a[3] = {lr__check_col_area(p, "sha"), lr__check_col_area(p, "cha"),
	            lr__check_col_area(p, "other")};
	sum_rule(x, p, R_SHACHA, lr__check_col_area(p, "total"), a, 3,
	         a[2] < 0 ? "the total is not SHA + CHA"
	                  : "the total is not SHA + CHA + other areas");
	int c[3] = {lr__check_col_find(p, "sha_count", COL_COUNT),
	            lr__check_col_find(p, "cha_count", COL_COUNT),
	            lr__check_col_find(p, "other_count", COL_COUNT)};
	sum_rule(x, p, R_SHACHA,
	         lr__check_col_find(p, "total_count", COL_COUNT), c, 3,
	         c[2] < 0 ? "the total count is not SHA + CHA"
	                  : "the total count is not SHA + CHA + other areas");
}

void lr__check_rule_method(lr__ctx *x, lr__tab *p)
{
	int m[3] = {lr__check_col_area(p, "cancelled"),
	            lr__check_col_area(p, "reduced"),
	            lr__check_col_area(p, "cleared")};
	sum_rule(x, p, R_METHOD, lr__check_col_area(p, "released"), m, 3,
	         p->kind == K_PLAN
	                 ? "the planned release is not cancel + reduce + "
	                   "clear"
	                 : "released is not cancelled + reduced + cleared");
}

void lr__check_rule_parts(lr__ctx *x, lr__tab *p)
{
	int a[4] = {lr__check_col_area(p, "ap"), lr__check_col_area(p, "av"),
	            lr__check_col_area(p, "erw"),
	            lr__check_col_area(p, "mixed")};
	sum_rule(x, p, R_PARTS, lr__check_col_area(p, "total"), a, 4,
	         "the total is not the sum of its AP, AV, ERW and mixed "
	         "parts");
	int it[4] = {lr__check_col_find(p, "ap_mines", COL_COUNT),
	             lr__check_col_find(p, "av_mines", COL_COUNT),
	             lr__check_col_find(p, "erw", COL_COUNT),
	             lr__check_col_find(p, "mixed_items", COL_COUNT)};
	static const char *const totals[] = {
	        "items", "items_destroyed", "total_items", "items_total", NULL};
	for (int k = 0; totals[k]; k++)
		sum_rule(x, p, R_PARTS,
		         lr__check_col_find(p, totals[k], COL_COUNT), it, 4,
		         "items destroyed are not AP mines + AV mines + ERW");
}

void lr__check_rule_funding(lr__ctx *x, lr__tab *p)
{
	int cost = lr__check_col_find(p, "cost", COL_MONEY);
	if (cost < 0)
		return;
	int parts[16], n = 0;
	for (int c = 0; c < p->ncol && n < 16; c++)
		if (p->cols[c].type == COL_MONEY &&
		    lr__check_starts_with(p->cols[c].norm, "funding"))
			parts[n++] = c;
	if (n == 0)
		return;
	if (n == 1) {
		/* a single source must cover the whole cost */
		for (size_t r = 0; r < p->nrows; r++) {
			lr__fig t = lr__check_cell(p, r, cost),
			        f = lr__check_cell(p, r, parts[0]);
			if (t.set && f.set)
				lr__check_compare(
				        x, R_FUNDING, p, p->rows[r].label,
				        &p->cols[cost], t.v, f.v,
				        p->cols[cost].half +
				                p->cols[parts[0]].half,
				        "the funding sources do not sum to the "
				        "cost");
		}
		return;
	}
	sum_rule(x, p, R_FUNDING, cost, parts, n,
	         "the funding sources do not sum to the cost");
}
