/* R28: the figures of the request against the tables of a land ledger. */
#include "check_int.h"

#include <stdio.h>
#include <string.h>

void lr__check_rule_ledger(lr__ctx *x, lr__tab *p)
{
	lr__tab *l = x->led[p->kind];
	if (!l)
		return;
	for (size_t r = 0; r < p->nrows; r++) {
		const lr__row *row = &p->rows[r];
		int q = row->total
		                ? lr__check_find_total(l, row->year)
		                : lr__check_find_row(l, row->year, row->norm);
		if (q < 0) {
			if (row->nchild)
				continue; /* the ledger may list leaves only */
			lr__check_note(
			        x, R_LEDGER, LR_SEV_ERROR, p, row->label, NULL,
			        lr__check_dupf(x,
			                       "no row '%s' in the ledger's %s",
			                       row->label,
			                       lr__check_kind_names[p->kind]));
			continue;
		}
		for (int c = 0; c < p->ncol; c++) {
			const lr__col *col = &p->cols[c];
			if (col->type == COL_TEXT || col->type == COL_UNIT ||
			    !row->f[c].set)
				continue;
			int lc = lr__check_col_find(l, col->base, col->type);
			if (lc < 0 || !l->rows[q].f[lc].set)
				continue;
			lr__check_compare(x, R_LEDGER, p, row->label, col,
			                  row->f[c].v, l->rows[q].f[lc].v,
			                  col->half + l->cols[lc].half,
			                  "differs from the ledger");
		}
	}
	/* Ledger regions with land that the table does not list. */
	int lc = p->kind == K_REMAINING ? lr__check_rem_total_col(l) : -1;
	if (lc >= 0)
		for (size_t q = 0; q < l->nrows; q++) {
			const lr__row *lr = &l->rows[q];
			lr__fig f = lr__check_cell(l, q, lc);
			if (lr->total || !f.set || f.v == 0 ||
			    lr__check_find_row(p, lr->year, lr->norm) >= 0)
				continue;
			lr__check_note(
			        x, R_LEDGER, LR_SEV_ERROR, p, lr->label, NULL,
			        lr__check_dupf(x,
			                       "the ledger has remaining land "
			                       "in '%s' but "
			                       "the table has no row for it",
			                       lr->key));
		}
}
