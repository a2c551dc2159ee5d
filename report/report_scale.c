/*
** A report that stays readable for a country of many regions: with more
** than MANY_REGIONS regions, the HTML and PDF show in their main body the
** regions holding most land and one row for all the others, and list every
** region in annex C (table 1) or in the workbook, Markdown and JSON (tables
** 3, 5 and 6), which keep every row whatever the number of regions.
*/
#include "report_i18n.h"
#include "report_load_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* More regions than this: condensed tables in the report. */
enum { MANY_REGIONS = 25, TOP_ROWS = 15 };

bool lr__many_regions(const lr_report *r)
{
	return r->regions.len > MANY_REGIONS;
}

/* Copy the shape and meta of src into dst (no rows), titled title. */
static int copy_frame(const rtable *src, rtable *dst, const char *title,
                      lr_error *err)
{
	/* Its own id: HTML ids are unique, and annex C keeps the table's. */
	char id[96];
	snprintf(id, sizeof id, "%s_main", src->id);
	int rc = lr__rtable_init(dst, id, title, src->n_cols, err);
	for (int c = 0; rc == LR_OK && c < src->n_cols; c++)
		rc = lr__rtable_col(dst, c, src->cols[c].key,
		                    src->cols[c].label, src->cols[c].unit,
		                    src->cols[c].type, err);
	if (rc == LR_OK)
		rc = lr__rtable_meta(dst, src->units, src->source, src->note,
		                     err);
	return rc;
}

/* Copy row i of src onto a new row of dst. */
static int copy_row(const rtable *src, size_t i, rtable *dst, lr_error *err)
{
	size_t row;
	int rc = lr__rtable_add_row(dst, &row, err);
	for (int c = 0; rc == LR_OK && c < src->n_cols; c++) {
		const rcell *x = RT_CELL(src, i, c);
		if (x->kind == CELL_NUM)
			lr__rtable_num(dst, row, c, x->v);
		else if (x->kind == CELL_TEXT)
			rc = lr__rtable_text(dst, row, c, x->s, err);
	}
	if (rc == LR_OK)
		dst->total[row] = src->total[i];
	return rc;
}

/* The sort: rows by the value of one column, most first. */
typedef struct ranked {
	size_t row;
	double v;
} ranked;

static int ranked_cmp(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	if (x->v != y->v)
		return x->v > y->v ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

/* A region row (not TOTAL, not OUTSIDE) of src. */
static bool region_row(const rtable *src, size_t i)
{
	const rcell *id = RT_CELL(src, i, 0);
	return !src->total[i] && id->kind == CELL_TEXT &&
	       strcmp(id->s, "OUTSIDE");
}

/* "Other regions (N)": the sums of the numeric columns of the rows of
** src ranked after TOP_ROWS (sum_others), as a row of dst. */
static int others_row(const lr_report *r, const rtable *src, const ranked *rk,
                      size_t n, rtable *dst, lr_error *err)
{
	size_t row;
	char label[64];
	int rc = lr__rtable_add_row(dst, &row, err);
	snprintf(label, sizeof label, _("Other regions (%s)"),
	         lr__count(r, (long long)(n - TOP_ROWS)).s);
	if (rc == LR_OK)
		rc = lr__rtable_text(dst, row, 1, label, err);
	for (int c = 2; rc == LR_OK && c < src->n_cols; c++) {
		rc_type ty = src->cols[c].type;
		if (ty != RC_COUNT && ty != RC_M2 && ty != RC_KM2)
			continue;
		double s = 0;
		for (size_t k = TOP_ROWS; k < n; k++)
			s += RT_CELL(src, rk[k].row, c)->v;
		lr__rtable_num(dst, row, c, s);
	}
	return rc;
}

/* dst = the TOP_ROWS region rows of src with most in column by, then (when
** sum_others) one row summing the other regions, then OUTSIDE and the
** total rows as in src. */
static int condense(const lr_report *r, const rtable *src, int by,
                    bool sum_others, rtable *dst, const char *title,
                    lr_error *err)
{
	ranked *rk = calloc(src->n_rows + 1, sizeof *rk);
	if (!rk)
		return lr__nomem(err);
	size_t n = 0;
	for (size_t i = 0; i < src->n_rows; i++)
		if (region_row(src, i))
			rk[n++] = (ranked){i, RT_CELL(src, i, by)->v};
	qsort(rk, n, sizeof *rk, ranked_cmp);
	int rc = copy_frame(src, dst, title, err);
	for (size_t k = 0; rc == LR_OK && k < n && k < TOP_ROWS; k++)
		rc = copy_row(src, rk[k].row, dst, err);
	if (rc == LR_OK && sum_others && n > TOP_ROWS)
		rc = others_row(r, src, rk, n, dst, err);
	for (size_t i = 0; rc == LR_OK && i < src->n_rows; i++)
		if (!region_row(src, i))
			rc = copy_row(src, i, dst, err);
	free(rk);
	return rc;
}

/* dst = the total rows of src only (the work plan's national years). */
static int totals_only(const rtable *src, rtable *dst, const char *title,
                       lr_error *err)
{
	int rc = copy_frame(src, dst, title, err);
	for (size_t i = 0; rc == LR_OK && i < src->n_rows; i++)
		if (src->total[i])
			rc = copy_row(src, i, dst, err);
	return rc;
}

int lr__condense_tables(lr_report *r, lr_error *err)
{
	if (!lr__many_regions(r))
		return LR_OK;
	static const char *const in_pack =
	        N_("Every region is listed in request_tables.xlsx, "
	           "request_tables.md and request_tables.json.");
	rtable *t = r->tables;
	int last = t[T_REMAINING].n_cols - 1;
	int rc = condense(r, &t[T_REMAINING], last, true, &t[T_REMAINING_TOP],
	                  _("Table 1. Remaining contamination: the regions "
	                    "holding most land"),
	                  err);
	if (rc == LR_OK)
		rc = lr__rtable_add_note(&t[T_REMAINING_TOP],
		                         _("Annex C lists every region."), err);
	if (rc == LR_OK)
		rc = condense(r, &t[T_NEW], t[T_NEW].n_cols - 1, true,
		              &t[T_NEW_TOP],
		              _("Table 3. New contamination: the regions with "
		                "most"),
		              err);
	if (rc == LR_OK)
		rc = lr__rtable_add_note(&t[T_NEW_TOP], _(in_pack), err);
	r->present[T_REMAINING_TOP] = r->present[T_NEW_TOP] = rc == LR_OK;
	t[T_NEW].pack_only = true;
	if (rc == LR_OK && r->present[T_COMPLETION]) {
		rc = condense(r, &t[T_COMPLETION], 2, false,
		              &t[T_COMPLETION_TOP],
		              _("Table 5. Completion projection: the regions "
		                "holding most land"),
		              err);
		if (rc == LR_OK)
			rc = lr__rtable_add_note(&t[T_COMPLETION_TOP],
			                         _(in_pack), err);
		r->present[T_COMPLETION_TOP] = rc == LR_OK;
		t[T_COMPLETION].pack_only = true;
	}
	if (rc == LR_OK && r->present[T_WORKPLAN]) {
		rc = totals_only(&t[T_WORKPLAN], &t[T_WORKPLAN_TOTAL],
		                 _("Table 6. Annual work plan, national"), err);
		if (rc == LR_OK)
			rc = lr__rtable_add_note(&t[T_WORKPLAN_TOTAL],
			                         _(in_pack), err);
		r->present[T_WORKPLAN_TOTAL] = rc == LR_OK;
		t[T_WORKPLAN].pack_only = true;
	}
	for (int k = T_REMAINING_TOP; k <= T_WORKPLAN_TOTAL; k++)
		t[k].report_only = true;
	return rc;
}

bool lr__leaf_annex(const lr_report *r)
{
	return r->present[T_REMAINING_TOP] || r->present[T_LEVEL_TOP];
}

/* Whether table k stands in the main body of HTML and PDF. */
static bool in_main_body(const lr_report *r, int k)
{
	bool levels = r->present[T_LEVEL_TOP];
	if (!r->present[k] || r->tables[k].pack_only)
		return false;
	if (k == T_REMAINING)
		return !lr__leaf_annex(r); /* annex C */
	/* By region of the top level rather than the largest regions. */
	return !levels || (k != T_REMAINING_TOP && k != T_NEW_TOP);
}

int lr__report_order(const lr_report *r, int order[T_N])
{
	static const int main_body[] = {T_LEVEL_TOP,        T_REMAINING_TOP,
	                                T_REMAINING,        T_CONTAMINATION,
	                                T_RELEASED,         T_NEW_LEVEL,
	                                T_NEW_TOP,          T_NEW,
	                                T_PLAN_VS_ACHIEVED, T_COMPLETION_TOP,
	                                T_COMPLETION,       T_WORKPLAN_TOTAL,
	                                T_WORKPLAN,         T_QUALITY_LAYERS,
	                                T_QUALITY_FINDINGS, T_FORM_C};
	int n = 0;
	for (size_t i = 0; i < sizeof main_body / sizeof *main_body; i++)
		if (in_main_body(r, main_body[i]))
			order[n++] = main_body[i];
	if (lr__leaf_annex(r))
		order[n++] = T_REMAINING; /* annex C */
	/* Annex D: the levels between the top and the regions. */
	if (r->present[T_LEVELS] && r->n_levels > 2)
		order[n++] = T_LEVELS;
	for (int k = T_DECLARATION; k <= T_DECL_UNKNOWN; k++)
		if (r->present[k]) /* annex E */
			order[n++] = k;
	return n;
}

/* ---- the summary --------------------------------------------------------- */

/* Regions the summary describes one by one when there are many. */
enum { SUMMARY_REGIONS = 10 };

/* The regions the summary speaks of: those of the top level when the
** regions have parents, else every region. */
static const lr_vec *summary_set(const lr_report *r)
{
	return r->present[T_LEVEL_TOP] ? &r->top : &r->regions;
}

/* Whether the summary describes only the regions holding most land. */
static bool summary_cut(const lr_report *r)
{
	return summary_set(r)->len > MANY_REGIONS;
}

const rregion *lr__summary_region(const lr_report *r, size_t i)
{
	return &LR_VEC_AT(summary_set(r), rregion, i);
}

size_t lr__summary_regions(const lr_report *r, size_t *idx)
{
	const lr_vec *set = summary_set(r);
	size_t n = set->len;
	ranked *rk = calloc(n + 1, sizeof *rk);
	if (!rk)
		return 0;
	for (size_t i = 0; i < n; i++)
		rk[i] = (ranked){i, LR_VEC_AT(set, rregion, i).remaining};
	/* With levels, the top level's regions by land, most first. */
	if (summary_cut(r) || set == &r->top)
		qsort(rk, n, sizeof *rk, ranked_cmp);
	if (summary_cut(r))
		n = SUMMARY_REGIONS;
	for (size_t i = 0; i < n; i++)
		idx[i] = rk[i].row;
	free(rk);
	return n;
}

/* With levels, where the reader finds each level. */
static void levels_sentence(const lr_report *r, rbuf *b)
{
	size_t leaves = 0;
	for (size_t i = 0; i < r->regions.len; i++)
		leaves += !!strcmp(LR_VEC_AT(&r->regions, rregion, i).id,
		                   "OUTSIDE");
	lr__buf_printf(b,
	               _("Table 1 gives these figures for the %s regions of "
	                 "the top level and annex C for each of the %s "
	                 "regions of the lowest level."),
	               lr__count(r, (long long)r->top.len).s,
	               lr__count(r, (long long)leaves).s);
	if (r->n_levels > 2)
		lr__buf_printf(b, " %s",
		               _("Annex D gives the levels between."));
}

void lr__summary_others(const lr_report *r, rbuf *b)
{
	bool levels = r->present[T_LEVEL_TOP];
	if (!summary_cut(r)) {
		if (levels)
			levels_sentence(r, b);
		return;
	}
	const lr_vec *set = summary_set(r);
	size_t idx[SUMMARY_REGIONS], n = lr__summary_regions(r, idx);
	double land = r->remaining;
	int64_t areas = r->remaining_count;
	size_t none = 0;
	for (size_t i = 0; i < n; i++) {
		const rregion *g = lr__summary_region(r, idx[i]);
		land -= g->remaining;
		areas -= g->count;
	}
	for (size_t i = 0; i < set->len; i++)
		none += !(LR_VEC_AT(set, rregion, i).remaining > 0);
	char a[64], pct[64];
	lr__buf_printf(
	        b,
	        _("The other %s regions hold %s (%s %% of the "
	          "national remaining) in %s areas; %s regions have "
	          "none."),
	        lr__count(r, (long long)(set->len - n)).s,
	        lr__fmt_area(r, fmax(land, 0), a),
	        lr__fmt_num(r, r->remaining > 0 ? 100 * land / r->remaining : 0,
	                    1, true, pct),
	        lr__count(r, areas).s, lr__count(r, (long long)none).s);
	lr__buf_puts(b, " ");
	if (levels)
		levels_sentence(r, b);
	else
		lr__buf_printf(b,
		               _("Table 1 gives the %s regions holding most "
		                 "land and annex C every region."),
		               lr__count(r, TOP_ROWS).s);
}
