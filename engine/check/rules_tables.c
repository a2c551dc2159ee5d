/*
** Rules across tables: the remaining table against the release table
** (R12), the completion table and the work plan against the remaining land
** (R13), and region spellings (R10).
*/
#include "check_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Compare figure col_a of table a (rows of year ya) with col_b of table b
** (year yb), region by region, then aggregates not explained by a region. */
static void compare_tables(lr__ctx *x, int rule, lr__tab *a, int ya, int ca,
                           lr__tab *b, int yb, int cb, const char *what_b,
                           bool missing_in_a_is_gone)
{
	lr__walk w;
	size_t r;
	if (!lr__check_walk_begin(x, a, &w))
		return;
	bool any_region_failed = false;
	while (lr__check_walk_next(&w, &r)) {
		const lr__row *row = &a->rows[r];
		if (row->year != ya)
			continue;
		lr__fig fa = lr__check_cell(a, r, ca);
		if (!fa.set)
			continue;
		if (row->total && any_region_failed)
			continue;
		if (lr__check_walk_explained(&w, r))
			continue;
		int q = row->total ? lr__check_find_total(b, yb)
		                   : lr__check_find_row(b, yb, row->norm);
		if (q < 0) {
			/* A parent of a that b does not list is no finding:
			** b may list leaves only. */
			if (row->nchild || row->total ||
			    fa.v <= a->cols[ca].half)
				continue;
			char s[48];
			lr__check_fmt_col(&a->cols[ca], s, sizeof s, fa.v);
			lr__check_note(
			        x, rule, LR_SEV_ERROR, a, row->label,
			        &a->cols[ca],
			        lr__check_dupf(x,
			                       "region '%s' (%s) is not in %s",
			                       row->key, s, what_b));
			w.flag[r] = true;
			any_region_failed = true;
			continue;
		}
		lr__fig fb = lr__check_cell(b, (size_t)q, cb);
		if (!fb.set)
			continue;
		/* b's figure in a's unit */
		char what[200];
		snprintf(what, sizeof what, "differs from %s (%s)", what_b,
		         b->rows[q].label);
		if (lr__check_compare(
		            x, rule, a, row->label, &a->cols[ca], fa.v, fb.v,
		            a->cols[ca].half + b->cols[cb].half, what)) {
			w.flag[r] = true;
			if (!row->total)
				any_region_failed = true;
		}
	}
	/* Regions of b with land that a does not list. */
	for (size_t q = 0; q < b->nrows; q++) {
		const lr__row *row = &b->rows[q];
		if (row->year != yb || row->total || row->nchild)
			continue;
		lr__fig fb = lr__check_cell(b, q, cb);
		if (!fb.set || fb.v <= b->cols[cb].half ||
		    lr__check_find_row(a, ya, row->norm) >= 0)
			continue;
		char s[48];
		lr__check_fmt_col(&b->cols[cb], s, sizeof s, fb.v);
		int rule2 = missing_in_a_is_gone ? R_GONE : rule;
		lr__check_note(
		        x, rule2, LR_SEV_ERROR, a, row->label, &a->cols[ca],
		        lr__check_dupf(
		                x, "region '%s' has %s in %s but no row here",
		                row->key, s, what_b));
	}
	lr__check_walk_end(&w);
}

void lr__check_rule_rem_rel(lr__ctx *x, lr__tab *unused)
{
	(void)unused; /* once per check */
	if (!x->rem || !x->rel)
		return;
	int ct = lr__check_rem_total_col(x->rem);
	int ce = lr__check_col_area(x->rel, "remaining_end");
	if (ct < 0 || ce < 0)
		return;
	char what[96];
	snprintf(what, sizeof what, "the remaining at the end of %d",
	         lr__check_last_year(x->rel));
	compare_tables(x, R_REMREL, x->rem, 0, ct, x->rel,
	               lr__check_last_year(x->rel), ce, what, true);
}

/* A copy of the plan with one row per region: its land at the start. */
void lr__check_rule_start(lr__ctx *x, lr__tab *unused)
{
	(void)unused; /* once per check */
	lr__tab *ref = x->rem;
	int rc = ref ? lr__check_rem_total_col(ref) : -1, ry = 0;
	if (!ref && x->rel) {
		ref = x->rel;
		rc = lr__check_col_area(ref, "remaining_end");
		ry = lr__check_last_year(ref);
	}
	if (!ref || rc < 0)
		return;
	char what[96];
	if (ry)
		snprintf(what, sizeof what, "the remaining at the end of %d",
		         ry);
	else
		snprintf(what, sizeof what, "the remaining table");
	if (x->comp) {
		int c = lr__check_col_area(x->comp, "remaining");
		if (c >= 0)
			compare_tables(x, R_START, x->comp, 0, c, ref, ry, rc,
			               what, false);
	}
	lr__tab *p = x->plan;
	if (!p)
		return;
	int end = lr__check_col_area(p, "remaining_end"),
	    rel = lr__check_col_area(p, "released");
	if (end < 0 || rel < 0 || !p->nyears)
		return;
	/* The start of each region's plan: its first year's end + release,
	** put in the first year's rows as a synthetic column. */
	lr__tab s = *p;
	s.cols = lr_xcalloc((size_t)p->ncol + 2, sizeof *s.cols);
	s.rows = lr_xcalloc(p->nrows + 1, sizeof *s.rows);
	if (!s.cols || !s.rows) {
		x->oom = true;
		free(s.cols);
		free(s.rows);
		return;
	}
	memcpy(s.cols, p->cols, (size_t)p->ncol * sizeof *s.cols);
	s.cols[p->ncol] = p->cols[end];
	s.cols[p->ncol].half = p->cols[end].half + p->cols[rel].half;
	s.cols[p->ncol].label = "remaining at the start";
	s.ncol = p->ncol + 1;
	int y0 = p->years[0];
	bool ok = true;
	for (size_t r = 0; r < p->nrows && ok; r++) {
		s.rows[r] = p->rows[r];
		s.rows[r].f = lr_xcalloc((size_t)s.ncol + 1, sizeof(lr__fig));
		if (!s.rows[r].f) {
			ok = false;
			break;
		}
		memcpy(s.rows[r].f, p->rows[r].f,
		       (size_t)p->ncol * sizeof(lr__fig));
		/* each region's first year, labelled as the plan's first */
		int first = lr__check_first_row(p, r);
		if ((size_t)first != r)
			continue;
		lr__fig fe = p->rows[r].f[end], fr = p->rows[r].f[rel];
		if (fe.set && fr.set) {
			s.rows[r].f[p->ncol] =
			        (lr__fig){fe.v + fr.v, 0, true, false};
			s.rows[r].year = y0;
		}
	}
	if (ok) {
		/* only first rows keep year y0 with the synthetic figure */
		for (size_t r = 0; r < p->nrows; r++)
			if (!s.rows[r].f[p->ncol].set)
				s.rows[r].year = y0 - 1000;
		compare_tables(x, R_START, &s, y0, p->ncol, ref, ry, rc, what,
		               false);
	} else {
		x->oom = true;
	}
	for (size_t r = 0; r < p->nrows; r++)
		free(s.rows[r].f);
	free(s.rows);
	free(s.cols);
}

/* Region spellings: the most frequent spelling of a key is the reference;
** every other spelling is flagged once per table. */
void lr__check_rule_spelling(lr__ctx *x, lr__tab *unused)
{
	(void)unused; /* once per check */
	for (size_t i = 0; i < x->ntabs; i++) {
		lr__tab *p = &x->tabs[i];
		if (p->role == LR_CHECK_LEDGER)
			continue;
		for (size_t r = 0; r < p->nrows; r++) {
			const lr__row *row = &p->rows[r];
			if (row->total)
				continue;
			/* first occurrence of this spelling in this table */
			bool seen = false;
			for (size_t q = 0; q < r && !seen; q++)
				seen = !strcmp(p->rows[q].key, row->key);
			if (seen)
				continue;
			/* counts of this and of the best other spelling */
			int mine = 0, best = 0;
			const char *bk = NULL;
			for (size_t j = 0; j < x->ntabs; j++) {
				lr__tab *t = &x->tabs[j];
				if (t->role == LR_CHECK_LEDGER)
					continue;
				for (size_t q = 0; q < t->nrows; q++) {
					if (strcmp(t->rows[q].norm, row->norm))
						continue;
					if (!strcmp(t->rows[q].key, row->key)) {
						mine++;
						continue;
					}
					int n = 0;
					for (size_t jj = 0; jj < x->ntabs; jj++)
						for (size_t qq = 0;
						     qq < x->tabs[jj].nrows;
						     qq++)
							n += x->tabs[jj].role !=
							             LR_CHECK_LEDGER &&
							     !strcmp(x->tabs[jj]
							                     .rows[qq]
							                     .key,
							             t->rows[q]
							                     .key);
					if (n > best) {
						best = n;
						bk = t->rows[q].key;
					}
				}
			}
			if (bk == NULL || mine > best)
				continue;
			if (mine == best && strcmp(row->key, bk) < 0)
				continue;
			int n = 0;
			for (size_t q = 0; q < p->nrows; q++)
				n += !strcmp(p->rows[q].key, row->key);
			lr__check_add_finding(
			        x, R_SPELL, LR_SEV_WARNING, p, row->label,
			        &p->cols[p->key], row->key, bk, NULL,
			        lr__check_dupf(x,
			                       "region '%s' (%d row%s here) is "
			                       "spelled "
			                       "'%s' elsewhere",
			                       row->key, n, n > 1 ? "s" : "",
			                       bk));
		}
	}
}
