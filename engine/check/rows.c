/* Finding rows of a parsed table and walking them members before totals
** (the walk every rule over rows shares). */
#include "check_int.h"

#include <stdlib.h>
#include <string.h>

lr__fig lr__check_cell(const lr__tab *p, size_t r, int c)
{
	lr__fig none = {0, 0, false, false};
	if (c < 0 || r >= p->nrows)
		return none;
	return p->rows[r].f[c];
}

/* Row of (year, norm key) in p, or -1. */
int lr__check_find_row(const lr__tab *p, int year, const char *norm)
{
	for (size_t r = 0; r < p->nrows; r++)
		if (p->rows[r].year == year && !strcmp(p->rows[r].norm, norm))
			return (int)r;
	return -1;
}

int lr__check_find_total(const lr__tab *p, int year)
{
	for (size_t r = 0; r < p->nrows; r++)
		if (p->rows[r].year == year && p->rows[r].total)
			return (int)r;
	return -1;
}

bool lr__check_is_aggregate(const lr__tab *p, size_t r)
{
	return p->rows[r].total || p->rows[r].nchild > 0;
}

/* Is row j counted in aggregate row i (a TOTAL, or a parent)? */
bool lr__check_under(const lr__tab *p, size_t j, size_t i)
{
	if (j == i || p->rows[j].year != p->rows[i].year || p->rows[j].total)
		return false;
	if (p->rows[i].total)
		return true;
	int d = 0;
	for (int q = p->rows[j].parent; q >= 0 && d < MAX_PARENT_DEPTH;
	     q = p->rows[q].parent, d++)
		if ((size_t)q == i)
			return true;
	return false;
}

/* Does some row under aggregate i have its flag set? */
bool lr__check_explained(const lr__tab *p, size_t i, const bool *flag)
{
	for (size_t j = 0; j < p->nrows; j++)
		if (flag[j] && lr__check_under(p, j, i))
			return true;
	return false;
}

/* Row indices with leaves first, then parents deepest first, TOTAL last: a
** new array the caller frees, or NULL. */
static size_t *row_order(const lr__tab *p)
{
	size_t *o = lr_xcalloc(p->nrows + 1, sizeof *o);
	if (o == NULL)
		return NULL;
	int *rank = lr_xcalloc(p->nrows + 1, sizeof *rank);
	if (rank == NULL) {
		free(o);
		return NULL;
	}
	for (size_t r = 0; r < p->nrows; r++) {
		rank[r] = p->rows[r].total        ? 1000
		          : p->rows[r].nchild > 0 ? 100 - p->rows[r].depth
		                                  : 0;
		o[r] = r;
	}
	/* insertion sort: stable, tables are small */
	for (size_t i = 1; i < p->nrows; i++) {
		size_t v = o[i];
		size_t j = i;
		while (j > 0 && rank[o[j - 1]] > rank[v]) {
			o[j] = o[j - 1];
			j--;
		}
		o[j] = v;
	}
	free(rank);
	return o;
}

bool lr__check_has_year(const lr__tab *p, int y)
{
	for (int i = 0; i < p->nyears; i++)
		if (p->years[i] == y)
			return true;
	return false;
}

int lr__check_last_year(const lr__tab *p)
{
	return p->nyears ? p->years[p->nyears - 1] : 0;
}

int lr__check_rem_total_col(const lr__tab *p)
{
	int c = lr__check_col_area(p, "total");
	if (c < 0)
		c = lr__check_col_area(p, "remaining");
	return c;
}

bool lr__check_may_be_negative(const lr__col *c)
{
	return strstr(c->base, "correction") || strstr(c->base, "adjust") ||
	       strstr(c->base, "reclass") || strstr(c->base, "difference") ||
	       strstr(c->base, "change");
}

int lr__check_first_row(const lr__tab *p, size_t r)
{
	int first = -1;
	for (size_t q = 0; q < p->nrows; q++)
		if (!strcmp(p->rows[q].norm, p->rows[r].norm) &&
		    (first < 0 || p->rows[q].year < p->rows[first].year))
			first = (int)q;
	return first;
}

bool lr__check_walk_begin(lr__ctx *x, const lr__tab *p, lr__walk *w)
{
	w->p = p;
	w->i = 0;
	w->flag = lr_xcalloc(p->nrows + 1, sizeof *w->flag);
	w->ord = row_order(p);
	if (w->flag && w->ord)
		return true;
	x->oom = true;
	lr__check_walk_end(w);
	return false;
}

bool lr__check_walk_next(lr__walk *w, size_t *r)
{
	if (w->i >= w->p->nrows)
		return false;
	*r = w->ord[w->i++];
	return true;
}

bool lr__check_walk_explained(const lr__walk *w, size_t r)
{
	return lr__check_is_aggregate(w->p, r) &&
	       lr__check_explained(w->p, r, w->flag);
}

void lr__check_walk_end(lr__walk *w)
{
	free(w->flag);
	free(w->ord);
	w->flag = NULL;
	w->ord = NULL;
	w->i = 0;
}
