/*
** Rules on single figures, their units and rounding: whole counts and signs
** (R06, R07), counts against areas (R08), unit slips (R25), scope (R26).
*/
#include "check_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lr__check_rule_values(lr__ctx *x, lr__tab *p)
{
	/* a walk per column: a figure reported explains its aggregates in
	** that column only */
	for (int c = 0; c < p->ncol; c++) {
		lr__walk w;
		size_t r;
		if (!lr__check_walk_begin(x, p, &w))
			return;
		while (lr__check_walk_next(&w, &r)) {
			const lr__col *col = &p->cols[c];
			lr__fig f = p->rows[r].f[c];
			if (!f.set || lr__check_walk_explained(&w, r))
				continue;
			bool *mine = &w.flag[r];
			char s[48];
			lr__check_fmt_col(col, s, sizeof s, f.v);
			if ((col->type == COL_COUNT ||
			     col->type == COL_YEARS) &&
			    f.v % 100 != 0) {
				char buf[48];
				lr__check_fmt_num(buf, sizeof buf, f.v, 0, 0);
				lr__check_add_finding(
				        x, R_WHOLE, LR_SEV_ERROR, p,
				        p->rows[r].label, col, buf, NULL, NULL,
				        lr__check_dupf(
				                x, "a count must be a whole "
				                   "number"));
				*mine = true;
			}
			if (f.v < 0 && col->type != COL_PCT &&
			    col->type != COL_TEXT &&
			    !lr__check_may_be_negative(col)) {
				lr__check_add_finding(
				        x, R_NEG, LR_SEV_ERROR, p,
				        p->rows[r].label, col, s, NULL, NULL,
				        lr__check_dupf(x, "a negative %s",
				                       col->type == COL_AREA
				                               ? "area"
				                       : col->type == COL_MONEY
				                               ? "amount"
				                               : "count"));
				*mine = true;
			}
		}
		lr__check_walk_end(&w);
	}
}

void lr__check_rule_count_area(lr__ctx *x, lr__tab *p)
{
	static const char *const pre[] = {"sha", "cha", "total", NULL};
	for (int k = 0; pre[k]; k++) {
		char cn[32];
		snprintf(cn, sizeof cn, "%s_count", pre[k]);
		int cc = lr__check_col_find(p, cn, COL_COUNT),
		    ca = lr__check_col_area(p, pre[k]);
		if (cc < 0 || ca < 0)
			continue;
		lr__walk w;
		size_t r;
		if (!lr__check_walk_begin(x, p, &w))
			return;
		while (lr__check_walk_next(&w, &r)) {
			lr__fig n = lr__check_cell(p, r, cc),
			        a = lr__check_cell(p, r, ca);
			if (!n.set || !a.set)
				continue;
			/* A rounded area (0.00 km2) may hide a few m2. */
			bool bad =
			        (n.v == 0 && a.v > p->cols[ca].half) ||
			        (n.v > 0 && a.v == 0 && p->cols[ca].half <= 50);
			if (!bad || lr__check_walk_explained(&w, r))
				continue;
			w.flag[r] = true;
			char s[48], e[48];
			lr__check_fmt_col(&p->cols[cc], s, sizeof s, n.v);
			lr__check_fmt_col(&p->cols[ca], e, sizeof e, a.v);
			/* Land with no area counted can be right: an area
			** counts in the region holding most of its land, and
			** its other parts lie in regions that count none. */
			lr__check_add_finding(
			        x, R_COUNTAREA,
			        n.v == 0 ? LR_SEV_WARNING : LR_SEV_ERROR, p,
			        p->rows[r].label, &p->cols[n.v == 0 ? cc : ca],
			        s, NULL, NULL,
			        lr__check_dupf(
			                x, "%s areas: count %s with area %s",
			                pre[k], s, e));
		}
		lr__check_walk_end(&w);
	}
}

/* Unit or typing slips: a figure a power of ten from the same region's
** figure of the previous year. */
void lr__check_rule_slip(lr__ctx *x, lr__tab *p)
{
	if (p->yearc < 0)
		return;
	lr__walk w;
	size_t r;
	if (!lr__check_walk_begin(x, p, &w))
		return;
	while (lr__check_walk_next(&w, &r)) {
		const lr__row *row = &p->rows[r];
		int q = lr__check_find_row(p, row->year - 1, row->norm);
		if (q < 0 || lr__check_walk_explained(&w, r))
			continue;
		for (int c = 0; c < p->ncol; c++) {
			const lr__col *col = &p->cols[c];
			if (col->type != COL_AREA ||
			    lr__check_may_be_negative(col) ||
			    lr__check_starts_with(col->base, "cumulative"))
				continue;
			lr__fig a = lr__check_cell(p, r, c),
			        b = lr__check_cell(p, (size_t)q, c);
			/* Below 100 m2, or with fewer than three significant
			** digits, a factor of ten is ordinary. */
			double floor_v = fmax(10000.0, 1000.0 * col->half);
			if (!a.set || !b.set || (double)llabs(a.v) < floor_v ||
			    (double)llabs(b.v) < floor_v)
				continue;
			int k = lr__check_power_slip((double)a.v, (double)b.v);
			if (!k)
				continue;
			char s[48], e[48];
			lr__check_fmt_col(col, s, sizeof s, a.v);
			lr__check_fmt_col(col, e, sizeof e, b.v);
			lr__check_add_finding(
			        x, R_SLIP, LR_SEV_WARNING, p, row->label, col,
			        s, NULL, NULL,
			        lr__check_dupf(
			                x,
			                "%s is 10^%d times %s the figure of %d "
			                "(%s): a likely unit or typing slip",
			                s, k,
			                llabs(a.v) > llabs(b.v) ? "" : "1/",
			                row->year - 1, e));
			w.flag[r] = true;
			break;
		}
	}
	lr__check_walk_end(&w);
}

static bool scope_is_ap(const char *s)
{
	char n[64];
	lr__check_norm_key(s, n, sizeof n);
	return !strcmp(n, "ap") || !strcmp(n, "aponly") ||
	       !strcmp(n, "antipersonnel") || !strcmp(n, "apm");
}

void lr__check_rule_scope(lr__ctx *x, lr__tab *p)
{
	int sc = -1, nc = -1;
	for (int c = 0; c < p->ncol; c++) {
		if (!strcmp(p->cols[c].norm, "scope") ||
		    !strcmp(p->cols[c].norm, "contamination"))
			sc = c;
		if (!strcmp(p->cols[c].norm, "notes") ||
		    !strcmp(p->cols[c].norm, "note") ||
		    !strcmp(p->cols[c].norm, "comment") ||
		    !strcmp(p->cols[c].norm, "comments"))
			nc = c;
	}
	bool claims_ap = lr__check_has_token(p->t->title, "AP only") ||
	                 lr__check_has_token(p->t->title, "AP scope");
	/* A scope or a note naming AV mines, ERW or a mixed scope. */
	for (size_t r = 0; r < p->nrows; r++) {
		const char *s =
		        sc >= 0 ? lr_table_cell(p->t, p->rows[r].src, sc) : "";
		const char *nt =
		        nc >= 0 ? lr_table_cell(p->t, p->rows[r].src, nc) : "";
		if (scope_is_ap(s))
			claims_ap = true;
		char ns[128];
		lr__check_norm_key(s, ns, sizeof ns);
		bool mixed_scope = *ns && !scope_is_ap(s) &&
		                   (strstr(ns, "av") || strstr(ns, "erw") ||
		                    strstr(ns, "mixed") || strstr(ns, "all"));
		bool mixed_note = lr__check_has_token(nt, "AV") ||
		                  lr__check_has_token(nt, "ERW") ||
		                  lr__check_has_token(nt, "anti-vehicle") ||
		                  lr__check_has_token(nt, "mixed");
		if (mixed_scope || mixed_note) {
			lr__check_note(
			        x, R_SCOPE, LR_SEV_WARNING, p, p->rows[r].label,
			        &p->cols[mixed_scope ? sc : nc],
			        lr__check_dupf(
			                x,
			                "%s '%s': these figures include AV "
			                "mines or "
			                "other ERW; Article 5 covers areas "
			                "containing "
			                "AP mines",
			                mixed_scope ? "scope" : "note",
			                mixed_scope ? s : nt));
			return;
		}
	}
	if (!claims_ap)
		return;
	static const char *const other[] = {"av_mines", "erw", "av", NULL};
	for (int k = 0; other[k]; k++) {
		int c = lr__check_col_find(p, other[k], COL_COUNT);
		if (c < 0)
			c = lr__check_col_area(p, other[k]);
		if (c < 0)
			continue;
		int n = 0;
		size_t first = 0;
		for (size_t r = 0; r < p->nrows; r++)
			if (p->rows[r].f[c].set && p->rows[r].f[c].v != 0 &&
			    !lr__check_is_aggregate(p, r)) {
				if (n++ == 0)
					first = r;
			}
		if (n) {
			char s[48];
			lr__check_fmt_col(&p->cols[c], s, sizeof s,
			                  p->rows[first].f[c].v);
			lr__check_add_finding(
			        x, R_SCOPE, LR_SEV_WARNING, p,
			        p->rows[first].label, &p->cols[c], s, "0", NULL,
			        lr__check_dupf(
			                x,
			                "the table states an AP scope but %s "
			                "is "
			                "not zero in %d row%s: the figures mix "
			                "AP-mined areas with AV mines or ERW",
			                p->cols[c].label, n, n > 1 ? "s" : ""));
			return;
		}
	}
}
