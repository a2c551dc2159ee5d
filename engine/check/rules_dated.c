/*
** Tables of remaining land as of different dates (contamination at the end
** of 2014 and at the end of 2016), in date order, compared region by region
** (R31): land that grew, regions that vanish or appear, a figure a power of
** ten from the other, and a vanished region that a new one may rename.
*/
#include "check_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The land of row r: the total, else SHA + CHA, else the one stated. */
static bool land(const lr__tab *p, size_t r, int64_t *v)
{
	int t = lr__check_rem_total_col(p);
	lr__fig f = lr__check_cell(p, r, t);
	if (t >= 0) {
		*v = f.v;
		return f.set && !f.bad;
	}
	lr__fig s = lr__check_cell(p, r, lr__check_col_area(p, "sha"));
	lr__fig c = lr__check_cell(p, r, lr__check_col_area(p, "cha"));
	*v = 0;
	if (s.bad || c.bad || (!s.set && !c.set))
		return false;
	return (!s.set || lr__check_add_fig(v, s.v)) &&
	       (!c.set || lr__check_add_fig(v, c.v));
}

/* The column land() reads, for the findings. */
static const lr__col *land_col(const lr__tab *p)
{
	int c = lr__check_rem_total_col(p);
	if (c < 0)
		c = lr__check_col_area(p, "cha");
	if (c < 0)
		c = lr__check_col_area(p, "sha");
	return c >= 0 ? &p->cols[c] : NULL;
}

/* The words of a key, folded, as a set of up to 16. */
static int key_words(const char *s, char w[16][32])
{
	int n = 0;
	while (*s && n < 16) {
		while (*s &&
		       !((unsigned char)*s >= 0x80 ||
		         (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			s++;
		size_t k = 0;
		char buf[64];
		while (*s && k + 1 < sizeof buf &&
		       ((unsigned char)*s >= 0x80 || (*s >= 'a' && *s <= 'z') ||
		        (*s >= 'A' && *s <= 'Z')))
			buf[k++] = *s++;
		buf[k] = '\0';
		if (k > 2)
			lr__check_norm_key(buf, w[n++], sizeof w[0]);
	}
	return n;
}

/* Shared words over all words of the shorter name: 1 for a reordering. */
static double name_likeness(const char *a, const char *b)
{
	char wa[16][32], wb[16][32];
	int na = key_words(a, wa), nb = key_words(b, wb), same = 0;
	for (int i = 0; i < na; i++)
		for (int j = 0; j < nb; j++)
			if (!strcmp(wa[i], wb[j])) {
				same++;
				break;
			}
	int m = na < nb ? na : nb;
	return m ? (double)same / m : 0;
}

/* Does a row of q say it was once the region of key ("formerly one area,
** Musengezi to Rwenya")? */
static bool split_into(const lr__tab *q, const char *key)
{
	for (size_t r = 0; r < q->nrows; r++)
		if (strstr(q->rows[r].key, key) && strcmp(q->rows[r].key, key))
			return true;
	return false;
}

/* A region of a with land, missing from b: renamed (a name alike, or the
** same land), split (b names it as former), or gone. */
static void vanished(lr__ctx *x, const lr__tab *a, const lr__tab *b, size_t r)
{
	int64_t va, vb;
	if (!land(a, r, &va) || va <= 0 || split_into(b, a->rows[r].key))
		return;
	for (size_t q = 0; q < b->nrows; q++) {
		if (b->rows[q].total ||
		    lr__check_find_row(a, 0, b->rows[q].norm) >= 0)
			continue;
		bool same = land(b, q, &vb) && vb == va;
		if (name_likeness(a->rows[r].key, b->rows[q].key) >= 0.6 ||
		    same) {
			lr__check_note(
			        x, R_DATED, LR_SEV_WARNING, b, b->rows[q].label,
			        land_col(b),
			        lr__check_dupf(x,
			                       "'%s' is not in %s; '%s' of %s "
			                       "may be the same region renamed "
			                       "(%s)",
			                       b->rows[q].key, a->t->name,
			                       a->rows[r].key, a->t->name,
			                       same ? "the same land"
			                            : "a name "
			                              "alike"));
			return;
		}
	}
	lr__check_note(x, R_DATED, LR_SEV_WARNING, b, a->rows[r].label,
	               land_col(a),
	               lr__check_dupf(x,
	                              "'%s' had land in %s and is not in %s: "
	                              "released, merged or left out?",
	                              a->rows[r].key, a->t->name, b->t->name));
}

/* A region in both: land that grew with no new contamination stated, or a
** figure a power of ten from the other. */
static void compared(lr__ctx *x, const lr__tab *a, const lr__tab *b, size_t r,
                     size_t q)
{
	int64_t va, vb;
	if (!land(a, r, &va) || !land(b, q, &vb))
		return;
	char sa[48], sb[48];
	lr__check_fmt_col(land_col(b), sb, sizeof sb, vb);
	lr__check_fmt_col(land_col(b), sa, sizeof sa, va);
	int k = lr__check_power_slip((double)va, (double)vb);
	if (k && va >= 10000 && vb >= 10000)
		lr__check_add_finding(
		        x, R_DATED, LR_SEV_WARNING, b, b->rows[q].label,
		        land_col(b), sb, sa, NULL,
		        lr__check_dupf(x,
		                       "10^%d times its land in %s: a likely "
		                       "unit or typing slip",
		                       k, a->t->name));
	else if (vb > va + x->tol)
		lr__check_add_finding(
		        x, R_DATED, LR_SEV_WARNING, b, b->rows[q].label,
		        land_col(b), sb, sa, NULL,
		        lr__check_dupf(x,
		                       "remaining land grew since %s with no "
		                       "new contamination stated",
		                       a->t->name));
}

/* Table b (later) against table a (earlier), region by region. */
static void compare_dates(lr__ctx *x, const lr__tab *a, const lr__tab *b)
{
	for (size_t r = 0; r < a->nrows; r++) {
		if (a->rows[r].total)
			continue;
		int q = lr__check_find_row(b, 0, a->rows[r].norm);
		if (q < 0)
			vanished(x, a, b, r);
		else
			compared(x, a, b, r, (size_t)q);
	}
}

static int by_date(const void *pa, const void *pb)
{
	const lr__tab *a = *(const lr__tab *const *)pa,
	              *b = *(const lr__tab *const *)pb;
	return (a->date > b->date) - (a->date < b->date);
}

void lr__check_rule_dated(lr__ctx *x, lr__tab *unused)
{
	(void)unused;
	lr__tab **d = lr_xcalloc(x->ntabs + 1, sizeof *d);
	size_t n = 0;
	if (!d) {
		x->oom = true;
		return;
	}
	for (size_t i = 0; i < x->ntabs; i++)
		if (x->tabs[i].kind == K_REMAINING && x->tabs[i].date &&
		    x->tabs[i].role == LR_CHECK_SUBMITTED)
			d[n++] = &x->tabs[i];
	qsort(d, n, sizeof *d, by_date);
	for (size_t i = 1; i < n; i++)
		if (d[i]->date != d[i - 1]->date)
			compare_dates(x, d[i - 1], d[i]);
	free(d);
}

/* R14 on a table of remaining land by year and nothing else (years as
** columns): land that grows from one year to the next with no new land
** stated, regions before their aggregates. */
void lr__check_rule_stock(lr__ctx *x, lr__tab *p)
{
	int end = lr__check_col_area(p, "remaining_end"),
	    nw = lr__check_col_area(p, "new");
	if (end < 0 || lr__check_col_area(p, "released") >= 0)
		return;
	lr__walk w;
	size_t r;
	if (!lr__check_walk_begin(x, p, &w))
		return;
	while (lr__check_walk_next(&w, &r)) {
		const lr__row *row = &p->rows[r];
		int pr = row->year ? lr__check_find_row(p, row->year - 1,
		                                        row->norm)
		                   : -1;
		lr__fig e = lr__check_cell(p, r, end),
		        pe = lr__check_cell(p, (size_t)pr, end),
		        n = lr__check_cell(p, r, nw);
		double bound = 2 * p->cols[end].half;
		if (pr < 0 || !e.set || !pe.set || (n.set && n.v > 0) ||
		    (double)(e.v - pe.v) <= bound + (double)x->tol ||
		    lr__check_walk_explained(&w, r))
			continue;
		char what[160];
		snprintf(what, sizeof what,
		         "remaining land grew in %d with no new contamination "
		         "declared",
		         row->year);
		w.flag[r] = lr__check_compare(x, R_GROWTH, p, row->label,
		                              &p->cols[end], e.v, pe.v, bound,
		                              what) != 0;
	}
	lr__check_walk_end(&w);
}
