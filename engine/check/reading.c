/*
** Never silent about a table: how each column was read (tables.csv,
** --explain), a column of figures that no rule reads (R29), footnote marks
** stripped (R30), and a figure stated twice in two units compared.
*/
#include "check_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Which column first holds the figure of column c (same name and type). */
static int first_same(const lr__tab *p, int c)
{
	const lr__col *a = &p->cols[c];
	if (a->type == COL_TEXT)
		return -1;
	for (int k = 0; k < c; k++)
		if (p->cols[k].type == a->type &&
		    !strcmp(p->cols[k].base, a->base))
			return k;
	return -1;
}

void lr__check_columns_read(lr__tab *p)
{
	for (int c = 0; c < p->ncol; c++) {
		lr__col *col = &p->cols[c];
		col->same_as = first_same(p, c);
		col->unread = lr__check_col_unread(col);
		if (c == p->key || c == p->yearc || c == p->parentc)
			col->unread = NULL;
	}
}

static bool has_figures(const lr__tab *p, int c)
{
	for (size_t r = 0; r < p->t->n_rows; r++) {
		int64_t v;
		int dec;
		if (lr_check_parse_figure(lr_table_cell(p->t, r, c), 0, &v,
		                          &dec) == 1)
			return true;
	}
	return false;
}

/* A figure stated twice, in two units ("Total area (m²)" and "(km²)"):
** each row's two figures agree within their rounding. */
static void same_figure(lr__ctx *x, lr__tab *p, int c)
{
	const lr__col *a = &p->cols[p->cols[c].same_as], *b = &p->cols[c];
	for (size_t r = 0; r < p->nrows; r++) {
		lr__fig fa = p->rows[r].f[p->cols[c].same_as],
		        fb = p->rows[r].f[c];
		if (!fa.set || !fb.set)
			continue;
		char what[200];
		snprintf(what, sizeof what, "'%s' is not '%s' in another unit",
		         b->label, a->label);
		lr__check_compare(x, R_UNREAD, p, p->rows[r].label, b, fb.v,
		                  fa.v, a->half + b->half, what);
	}
}

/* Is c a flow summed over years (not a stock, a share or a rate)? */
static bool summed_over_years(const lr__col *c)
{
	return (c->type == COL_AREA || c->type == COL_COUNT ||
	        c->type == COL_MONEY) &&
	       !lr__check_starts_with(c->base, "remaining") &&
	       !lr__check_starts_with(c->base, "cumulative") &&
	       !lr__check_starts_with(c->base, "capacity") &&
	       !lr__check_starts_with(c->base, "teams") &&
	       !lr__check_starts_with(c->base, "years_total") &&
	       !lr__check_starts_with(c->base, "mean_rate");
}

/* The sum of column c over the dated rows of key norm. */
static void year_sum(const lr__tab *p, const char *norm, int c, int64_t *sum,
                     int *n, double *bound)
{
	*sum = 0;
	*n = 0;
	*bound = 0;
	for (size_t q = 0; q < p->nrows; q++) {
		lr__fig f = p->rows[q].f[c];
		if (p->rows[q].over_years || strcmp(p->rows[q].norm, norm) ||
		    !f.set)
			continue;
		if (f.bad || !lr__check_add_fig(sum, f.v)) {
			*n = -1;
			return;
		}
		(*n)++;
		*bound += p->cols[c].half;
	}
}

void lr__check_sum_of_years(lr__ctx *x, lr__tab *p)
{
	for (size_t r = 0; r < p->nrows; r++)
		for (int c = 0; c < p->ncol && p->rows[r].over_years; c++) {
			lr__fig f = p->rows[r].f[c];
			if (!f.set || f.bad || !summed_over_years(&p->cols[c]))
				continue;
			int64_t sum;
			int n;
			double bound;
			year_sum(p, p->rows[r].norm, c, &sum, &n, &bound);
			if (n > 0)
				lr__check_compare(
				        x, R_SUM, p, p->rows[r].label,
				        &p->cols[c], f.v, sum,
				        bound + p->cols[c].half,
				        "the total over the years is not "
				        "the sum of the years");
		}
}

/* A total beside years as columns against the sum of its row's years. */
static void years_total(lr__ctx *x, lr__tab *p, int c)
{
	int v = -1;
	for (int k = 0; k < p->ncol; k++)
		if (!strcmp(p->cols[k].norm, p->value_canon))
			v = k;
	for (size_t r = 0; r < p->nrows && v >= 0; r++) {
		lr__fig f = p->rows[r].f[c];
		if (!f.set || f.bad || lr__check_first_row(p, r) != (int)r)
			continue;
		int64_t sum;
		int n;
		double bound;
		year_sum(p, p->rows[r].norm, v, &sum, &n, &bound);
		if (n > 0)
			lr__check_compare(
			        x, R_SUM, p, p->rows[r].key, &p->cols[c], f.v,
			        sum, bound + p->cols[c].half,
			        "the row's total is not the sum of its "
			        "years");
	}
}

/* R29 and R30 for table p. */
void lr__check_rule_reading(lr__ctx *x, lr__tab *p)
{
	lr_severity sev = x->o->strict ? LR_SEV_ERROR : LR_SEV_WARNING;
	for (int c = 0; c < p->ncol; c++) {
		const lr__col *col = &p->cols[c];
		const lr__head *h = p->heads ? &p->heads[c] : NULL;
		if (h && h->marks)
			lr__check_note(
			        x, R_MARK, LR_SEV_INFO, p, "", col,
			        lr__check_dupf(
			                x,
			                "footnote marks stripped from %d "
			                "cell%s (first '%s')",
			                h->marks, h->marks == 1 ? "" : "s",
			                h->mark_eg));
		if (h && h->unit_guessed)
			lr__check_note(
			        x, R_UNREAD, sev, p, "", col,
			        lr__check_dupf(x, "the unit of these figures "
			                          "is stated neither in the "
			                          "headings nor in the title; "
			                          "read as m²"));
		if (col->same_as >= 0) {
			same_figure(x, p, c);
			continue;
		}
		if (lr__check_starts_with(col->base, "years_total"))
			years_total(x, p, c);
		if (col->unread && has_figures(p, c) && !(h && h->ignored))
			lr__check_note(
			        x, R_UNREAD, sev, p, "", col,
			        lr__check_dupf(
			                x,
			                "column '%s' holds figures that are "
			                "not "
			                "checked: %s (%s); rename it as "
			                "docs/check.md names the columns",
			                col->label, col->unread,
			                h && *h->why ? h->why : col->norm));
	}
}

/* ---- The reading, for tables.csv and --explain ---- */

static const char *unit_name(const lr__col *c)
{
	if (c->type == COL_AREA)
		return c->scale == 6 ? "km²" : c->scale == 4 ? "ha" : "m²";
	static const char *const n[] = {
	        "", "", "count", "money", "%", "money per unit", "years"};
	return c->type >= 0 && c->type <= COL_YEARS ? n[c->type] : "";
}

/* What column c was taken as, in words. */
static void taken_as(const lr__tab *p, int c, char *buf, size_t size)
{
	const lr__col *col = &p->cols[c];
	if (p->heads && p->heads[c].role)
		snprintf(buf, size, "%s", p->heads[c].role);
	else if (c == p->key)
		snprintf(buf, size, "the region key");
	else if (c == p->yearc)
		snprintf(buf, size, "the year");
	else if (c == p->parentc)
		snprintf(buf, size, "the parent region (subtotals)");
	else if (col->same_as >= 0)
		snprintf(buf, size, "%s, compared with '%s'", col->base,
		         p->cols[col->same_as].label);
	else if (p->heads && p->heads[c].ignored)
		snprintf(buf, size, "not checked: --columns says ignore");
	else if (col->unread)
		snprintf(buf, size, "not used: %s", col->unread);
	else if (col->type == COL_TEXT)
		snprintf(buf, size, "text: %s", col->norm);
	else
		snprintf(buf, size, "%s", col->base);
}

static void push_reading(lr__ctx *x, lr_check_reading *g)
{
	if (g->table && g->kind && g->date && g->key && g->column && g->taken &&
	    g->unit && g->note && lr_vec_push(&x->r->readings, g))
		return;
	x->oom = true;
	lr__check_reading_free(g);
}

/* The date of p as YYYY-MM, or "" when its title gives none. */
static void date_text(const lr__tab *p, char *buf, size_t size)
{
	if (p->date)
		snprintf(buf, size, "%04d-%02d", p->date / 100, p->date % 100);
	else
		*buf = '\0';
}

/* How the table as a whole was read: one line with no column. */
static char *table_note(lr__ctx *x, const lr__tab *p)
{
	return lr__check_dupf(
	        x, "%s%d title row%s%s%s%s%s; %d subtotal row%s; %zu rows",
	        p->t->encoding ? "text decoded from Windows-1252 (not UTF-8); "
	                       : "",
	        p->title_rows, p->title_rows == 1 ? "" : "s",
	        p->note_rows ? "; notes below the table read as title" : "",
	        p->two_row_header ? "; header over two rows" : "",
	        p->years_as_columns ? "; years as columns, read as rows" : "",
	        *p->t->title ? "; title read for the date and scope" : "",
	        p->n_subtotals, p->n_subtotals == 1 ? "" : "s", p->nrows);
}

void lr__check_record_reading(lr__ctx *x, const lr__tab *p)
{
	char date[16], taken[256];
	date_text(p, date, sizeof date);
	const char *kind = lr__check_kind_names[p->kind];
	const char *key = *p->keyhow    ? p->keyhow
	                  : p->key >= 0 ? p->cols[p->key].label
	                                : "";
	lr_check_reading t = {lr_strdup(p->t->name), lr_strdup(kind),
	                      lr_strdup(date),       lr_strdup(key),
	                      lr_strdup(""),         lr_strdup("the table"),
	                      lr_strdup(""),         table_note(x, p)};
	push_reading(x, &t);
	for (int c = 0; c < p->ncol; c++) {
		const lr__col *col = &p->cols[c];
		const lr__head *h = p->heads ? &p->heads[c] : NULL;
		if (!*col->label && !has_figures(p, c))
			continue; /* an empty column beside the table */
		taken_as(p, c, taken, sizeof taken);
		lr_check_reading g = {lr_strdup(p->t->name),
		                      lr_strdup(kind),
		                      lr_strdup(date),
		                      lr_strdup(key),
		                      lr_strdup(col->label),
		                      lr_strdup(taken),
		                      lr_strdup(unit_name(col)),
		                      lr_strdup(h && h->synthetic
		                                        ? "made by the reading"
		                                : h ? h->why
		                                    : "")};
		push_reading(x, &g);
	}
}
