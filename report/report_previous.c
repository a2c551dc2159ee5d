/*
** Table 4: a previous work plan (CSV, XLSX or ODS) against the release the
** store records for the same years and regions.
*/
#include "report_load_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct pv_row {
	int year;
	char *id;
	int64_t planned; /* cents */
} pv_row;

static int cmp_pv(const void *a, const void *b)
{
	const pv_row *x = a, *y = b;
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	bool tx = !strcmp(x->id, "TOTAL"), ty = !strcmp(y->id, "TOTAL");
	if (tx != ty)
		return tx ? 1 : -1;
	return strcmp(x->id, y->id);
}

static bool is_csv_name(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && (!strcasecmp(dot, ".csv") || !strcasecmp(dot, ".txt"));
}

/* The columns of a previous plan (-1 when absent). */
typedef struct plan_cols {
	int year, region, release;
	int method[3]; /* cancel_m2, reduce_m2, clear_m2 */
} plan_cols;

/* What the note under table 4 counts. */
typedef struct pv_counts {
	int later;     /* plan rows after the as-of year */
	int min_later; /* the first such year */
	int unknown;   /* rows the store has no figures for */
} pv_counts;

/* Read the previous plan at path: a CSV by its name, else a workbook. */
static int read_plan(const char *path, ptable *p, lr_error *err)
{
	static const char *const need[] = {"year", "region_id", "release_m2"};
	if (!lr__file_exists(path))
		return lr_error_set(err, LR_ERR_INPUT,
		                    "cannot read the previous plan %s: %s",
		                    path, strerror(ENOENT));
	if (is_csv_name(path))
		return lr__read_csv(path, p, err);
	return lr__read_workbook(path, need, 2, p, err);
}

/* Find the columns: year, region_id and release_m2 or the three methods. */
static int plan_columns(const ptable *p, plan_cols *pc, lr_error *err)
{
	pc->year = lr__pcol(p, "year");
	pc->region = lr__pcol(p, "region_id");
	pc->release = lr__pcol(p, "release_m2");
	pc->method[0] = lr__pcol(p, "cancel_m2");
	pc->method[1] = lr__pcol(p, "reduce_m2");
	pc->method[2] = lr__pcol(p, "clear_m2");
	if (pc->year >= 0 && pc->region >= 0 &&
	    (pc->release >= 0 ||
	     (pc->method[0] >= 0 && pc->method[1] >= 0 && pc->method[2] >= 0)))
		return LR_OK;
	return lr_error_set(err, LR_ERR_USAGE,
	                    "%s: a previous plan needs the columns year, "
	                    "region_id and release_m2 (or cancel_m2, "
	                    "reduce_m2 and clear_m2), as workplan.csv",
	                    p->name);
}

/* The year and the planned release (cents) of plan row i. */
static int plan_row(const ptable *p, size_t i, const plan_cols *pc, int *year,
                    int64_t *planned, lr_error *err)
{
	double v, y;
	bool has;
	int rc = lr__parse_number(p, i, pc->year, &y, &has, err);
	if (rc != LR_OK)
		return rc;
	if (!has || y != floor(y) || y < 1900 || y > 2200)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "%s line %ld: year '%s' is not a year",
		                    p->name, p->line[i],
		                    lr__pcell(p, i, pc->year));
	*year = (int)y;
	*planned = 0;
	if (pc->release >= 0) {
		rc = lr__parse_number(p, i, pc->release, &v, &has, err);
		*planned = lr__cents(v);
		return rc;
	}
	for (int m = 0; m < 3 && rc == LR_OK; m++) {
		rc = lr__parse_number(p, i, pc->method[m], &v, &has, err);
		*planned += lr__cents(v);
	}
	return rc;
}

/* The rows of the plan that are due by the as-of year, sorted, into rows
** (pv_row, ids owned); those not yet due are counted in n. */
static int plan_rows(const lr_report *r, const ptable *p, const plan_cols *pc,
                     lr_vec *rows, pv_counts *n, lr_error *err)
{
	int ay = atoi(r->as_of);
	int rc = LR_OK;
	for (size_t i = 0; rc == LR_OK && i < p->n_rows; i++) {
		int y = 0;
		int64_t planned = 0;
		if ((rc = plan_row(p, i, pc, &y, &planned, err)) != LR_OK)
			break;
		if (y > ay) {
			if (!n->later++ || y < n->min_later)
				n->min_later = y;
			continue;
		}
		pv_row pr = {y, lr_strdup(lr__pcell(p, i, pc->region)),
		             planned};
		if (!pr.id || !lr_vec_push(rows, &pr)) {
			free(pr.id);
			rc = lr__nomem(err);
		}
	}
	if (rc == LR_OK && rows->len > 1)
		qsort(rows->data, rows->len, sizeof(pv_row), cmp_pv);
	return rc;
}

static int pv_init(const lr_report *r, rtable *t, lr_error *err)
{
	static const rcol_def cols[] = {
	        {"year", N_("Year"), "", RC_YEAR},
	        {"region_id", N_("Region"), "", RC_TEXT},
	        {"region_name", N_("Name"), "", RC_TEXT},
	        {"planned_m2", N_("Planned"), "m²", RC_M2},
	        {"achieved_m2", N_("Achieved"), "m²", RC_M2},
	        {"difference_m2", N_("Difference (achieved - planned)"), "m²",
	         RC_M2},
	        {"achieved_pct", N_("Achieved"),
	         /* xgettext:no-c-format */
	         N_("% of plan"), RC_PCT},
	};
	int rc = lr__rtable_init(t, "planned_vs_achieved",
	                         _("Table 4. Planned versus achieved release "
	                           "by year and region"),
	                         7, err);
	return rc == LR_OK ? lr__rtable_cols(r, t, cols, 7, err) : rc;
}

/* Achieved a (cents), the difference and the percentage of planned into
** columns 4 to 6 of row. */
static void pv_figures(rtable *t, size_t row, int64_t planned, int64_t a)
{
	lr__rtable_num(t, row, 4, lr__m2(a));
	lr__rtable_num(t, row, 5, lr__m2(a - planned));
	if (planned > 0)
		lr__rtable_num(t, row, 6, 100.0 * (double)a / (double)planned);
}

/* A row of table 4 per plan row, then, when the plan has TOTAL rows, one
** for all years. */
static int pv_rows(const lr_report *r, lr_store_reader *rd, rtable *t,
                   const lr_vec *rows, pv_counts *n, lr_error *err)
{
	int64_t tot_plan = 0, tot_ach = 0;
	bool any_total = false;
	int rc = LR_OK;
	size_t row;
	for (size_t i = 0; rc == LR_OK && i < rows->len; i++) {
		const pv_row *pr = &LR_VEC_AT(rows, pv_row, i);
		/* Achieved: what the store released; -1 when it has no
		** such year and region. */
		lr_cents a;
		bool found;
		if ((rc = lr_store_read_released(rd, pr->year, pr->id, &a,
		                                 &found, err)) != LR_OK)
			break;
		if (!found)
			a = -1;
		if ((rc = lr__rtable_add_row(t, &row, err)) != LR_OK ||
		    (rc = lr__rtable_text(t, row, 1, pr->id, err)) != LR_OK ||
		    (rc = lr__rtable_text(t, row, 2, lr__region_name(r, pr->id),
		                          err)) != LR_OK)
			break;
		lr__rtable_num(t, row, 0, pr->year);
		lr__rtable_num(t, row, 3, lr__m2(pr->planned));
		bool tot = !strcmp(pr->id, "TOTAL");
		t->total[row] = tot;
		if (tot) {
			any_total = true;
			tot_plan += pr->planned;
			tot_ach += a > 0 ? a : 0;
		}
		if (a < 0)
			n->unknown++;
		else
			pv_figures(t, row, pr->planned, a);
	}
	if (rc != LR_OK || !any_total)
		return rc;
	if ((rc = lr__rtable_add_row(t, &row, err)) == LR_OK &&
	    (rc = lr__rtable_text(t, row, 0, _("ALL YEARS"), err)) == LR_OK &&
	    (rc = lr__rtable_text(t, row, 1, "TOTAL", err)) == LR_OK &&
	    (rc = lr__rtable_text(t, row, 2, lr__region_name(r, "TOTAL"),
	                          err)) == LR_OK) {
		t->total[row] = 1;
		lr__rtable_num(t, row, 3, lr__m2(tot_plan));
		pv_figures(t, row, tot_plan, tot_ach);
	}
	return rc;
}

/* Units, source and the note on rows left out or blank. */
static int pv_meta(lr_report *r, rtable *t, const char *path,
                   const pv_counts *n, lr_error *err)
{
	char note[1024] = "", units[1024], src[2048];
	int k = 0;
	if (n->later)
		k += snprintf(note + k, sizeof note - (size_t)k,
		              _("%s plan rows of %d and later are not yet due "
		                "and are left out. "),
		              lr__count(r, n->later).s, n->min_later);
	if (n->unknown)
		k += snprintf(note + k, sizeof note - (size_t)k,
		              _("%s rows name a year or region the store has "
		                "no figures for: achieved is blank. "),
		              lr__count(r, n->unknown).s);
	if (strcmp(r->as_of + 4, "-12-31"))
		snprintf(note + k, sizeof note - (size_t)k,
		         _("%d is achieved up to the as-of date %s only."),
		         atoi(r->as_of), lr__date(r, r->as_of).s);
	snprintf(units, sizeof units,
	         _("Areas %s; difference = achieved - planned (negative: "
	           "behind plan); achieved as %% of planned (blank when "
	           "nothing was planned). As of %s."),
	         lr__areas_in(r), lr__date(r, r->as_of).s);
	snprintf(src, sizeof src,
	         _("planned: release_m2 of %s; achieved: released_m2 of "
	           "landrelease.sqlite table release_by_year"),
	         path);
	return lr__rtable_meta(t, units, src, note, err);
}

int lr__load_plan_vs_achieved(lr_report *r, lr_store_reader *rd,
                              const char *path, lr_error *err)
{
	if (!path)
		return lr__report_note(
		        r, err, "%s",
		        _("Table 4 (planned versus achieved) is omitted: "
		          "no --previous-plan was given."));
	ptable p;
	int rc = read_plan(path, &p, err);
	if (rc != LR_OK)
		return rc;
	plan_cols pc;
	pv_counts n = {0, 0, 0};
	lr_vec rows;
	lr_vec_init(&rows, sizeof(pv_row));
	rtable *t = &r->tables[T_PLAN_VS_ACHIEVED];
	if ((rc = plan_columns(&p, &pc, err)) == LR_OK &&
	    (rc = plan_rows(r, &p, &pc, &rows, &n, err)) == LR_OK &&
	    (rc = pv_init(r, t, err)) == LR_OK &&
	    (rc = pv_rows(r, rd, t, &rows, &n, err)) == LR_OK &&
	    (rc = pv_meta(r, t, path, &n, err)) == LR_OK)
		r->present[T_PLAN_VS_ACHIEVED] = true;
	lr__ptable_free(&p);
	for (size_t i = 0; i < rows.len; i++)
		free(LR_VEC_AT(&rows, pv_row, i).id);
	lr_vec_free(&rows);
	return rc;
}
