/*
** Tables 5 and 6 from the CSVs of `landrelease project` (completion.csv)
** and `landrelease plan` (workplan.csv), when the folder holds them.
*/
#include "report_load_int.h"

#include <stdlib.h>
#include <string.h>

/* The columns completion.csv must hold, in the order ci[] keeps them. */
enum {
	C_ID,
	C_REMAINING,
	C_RATE,
	C_P10,
	C_DEADLINE = 6,
	C_ON_TIME,
	C_EXT,
	C_N
};
static const char *const completion_need[C_N] = {
        "region_id", "remaining_m2", "mean_rate_m2_per_year",
        "p10_date",  "p50_date",     "p90_date",
        "deadline",  "p_on_time",    "extension_years"};

/* Read completion.csv at path into p and find its columns ci[C_N]. */
static int read_completion(const char *path, ptable *p, int ci[C_N],
                           lr_error *err)
{
	int rc = lr__read_csv(path, p, err);
	if (rc != LR_OK)
		return rc;
	for (int k = 0; k < C_N; k++)
		if ((ci[k] = lr__pcol(p, completion_need[k])) < 0) {
			rc = lr_error_set(err, LR_ERR_INPUT,
			                  "%s: no column %s (was it written by "
			                  "`landrelease project`?)",
			                  path, completion_need[k]);
			lr__ptable_free(p);
			return rc;
		}
	return LR_OK;
}

static int completion_init(const lr_report *r, rtable *t, lr_error *err)
{
	static const rcol_def cols[] = {
	        {"region_id", N_("Region"), "", RC_TEXT},
	        {"region_name", N_("Name"), "", RC_TEXT},
	        {"remaining_m2", N_("Remaining"), "m²", RC_M2},
	        {"remaining_km2", N_("Remaining"), "km²", RC_KM2},
	        {"mean_rate_m2_per_year", N_("Mean release"), N_("m²/year"),
	         RC_M2},
	        {"p10_date", N_("P10 completion"), N_("date"), RC_DATE},
	        {"p50_date", N_("P50 completion"), N_("date"), RC_DATE},
	        {"p90_date", N_("P90 completion"), N_("date"), RC_DATE},
	        {"deadline", N_("Article 5 deadline"), N_("date"), RC_DATE},
	        {"p_on_time_pct", N_("Finished by deadline"),
	         /* xgettext:no-c-format */
	         N_("% of runs"), RC_PCT},
	        {"extension_years", N_("Extension needed"), N_("years"),
	         RC_COUNT},
	};
	int rc = lr__rtable_init(t, "completion",
	                         _("Table 5. Completion projection by region"),
	                         11, err);
	return rc == LR_OK ? lr__rtable_cols(r, t, cols, 11, err) : rc;
}

/* The dates of row i for the charts and sentences: the region's P10, P50,
** P90 and deadline, or the national ones on the TOTAL row. */
static void completion_dates(lr_report *r, const ptable *p, size_t i,
                             const int ci[C_N])
{
	const char *id = lr__pcell(p, i, ci[C_ID]);
	rregion *g = lr__find_region(r, id);
	bool tot = !strcmp(id, "TOTAL");
	char(*dst)[16] = tot ? r->p : g ? g->p : NULL;
	for (int k = 0; dst && k < 3; k++)
		snprintf(dst[k], 16, "%s", lr__pcell(p, i, ci[C_P10 + k]));
	if (g)
		snprintf(g->deadline, sizeof g->deadline, "%s",
		         lr__pcell(p, i, ci[C_DEADLINE]));
	if (tot) {
		snprintf(r->deadline, sizeof r->deadline, "%s",
		         lr__pcell(p, i, ci[C_DEADLINE]));
		r->has_completion = true;
	}
}

/* Row i of completion.csv as a row of table 5. */
static int completion_row(lr_report *r, rtable *t, const ptable *p, size_t i,
                          const int ci[C_N], lr_error *err)
{
	size_t row;
	const char *id = lr__pcell(p, i, ci[C_ID]);
	double v;
	bool has;
	int rc;
	if ((rc = lr__rtable_add_row(t, &row, err)) != LR_OK ||
	    (rc = lr__rtable_text(t, row, 0, id, err)) != LR_OK ||
	    (rc = lr__rtable_text(t, row, 1, lr__region_name(r, id), err)) !=
	            LR_OK ||
	    (rc = lr__parse_number(p, i, ci[C_REMAINING], &v, &has, err)) !=
	            LR_OK)
		return rc;
	lr__rtable_num(t, row, 2, v);
	lr__rtable_num(t, row, 3, v / 1e6);
	if ((rc = lr__parse_number(p, i, ci[C_RATE], &v, &has, err)) != LR_OK)
		return rc;
	lr__rtable_num(t, row, 4, v);
	for (int k = C_P10; k <= C_DEADLINE && rc == LR_OK; k++)
		rc = lr__rtable_text(t, row, k + 2, lr__pcell(p, i, ci[k]),
		                     err);
	if (rc != LR_OK || (rc = lr__parse_number(p, i, ci[C_ON_TIME], &v, &has,
	                                          err)) != LR_OK)
		return rc;
	lr__rtable_num(t, row, 9, 100.0 * v);
	const char *ext = lr__pcell(p, i, ci[C_EXT]);
	if (!strcmp(ext, "never") || !ext[0])
		rc = lr__rtable_text(t, row, 10, ext, err);
	else
		lr__rtable_num(t, row, 10, atof(ext));
	t->total[row] = !strcmp(id, "TOTAL");
	completion_dates(r, p, i, ci);
	return rc;
}

int lr__load_completion(lr_report *r, lr_error *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/completion.csv", r->dir);
	if (!lr__file_exists(path))
		return lr__report_note(
		        r, err,
		        _("Table 5 (completion projection) is omitted: "
		          "%s is absent (run `landrelease project`)."),
		        path);
	ptable p;
	int ci[C_N];
	int rc = read_completion(path, &p, ci, err);
	if (rc != LR_OK)
		return rc;
	rtable *t = &r->tables[T_COMPLETION];
	rc = completion_init(r, t, err);
	for (size_t i = 0; rc == LR_OK && i < p.n_rows; i++)
		rc = completion_row(r, t, &p, i, ci, err);
	lr__ptable_free(&p);
	if (rc != LR_OK)
		return rc;
	char units[1024];
	snprintf(units, sizeof units,
	         _("Remaining land and mean release per year over the history "
	           "window %s, as of %s; dates are Monte Carlo "
	           "percentiles of the completion date (P50: half of the runs "
	           "finish by then); extension in whole years after the "
	           "deadline."),
	         lr__areas_in(r), lr__date(r, r->as_of).s);
	r->present[T_COMPLETION] = true;
	return lr__rtable_meta(t, units,
	                       _("completion.csv (landrelease project), "
	                         "drawing whole historical years of "
	                         "release_by_year"),
	                       _("'never': not finished within 50 years in "
	                         "too many runs."),
	                       err);
}

int lr__load_workplan(lr_report *r, lr_error *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/workplan.csv", r->dir);
	if (!lr__file_exists(path))
		return lr__report_note(
		        r, err,
		        _("Table 6 (work plan) is omitted: %s is absent "
		          "(run `landrelease plan`)."),
		        path);
	ptable p;
	int rc = lr__read_csv(path, &p, err);
	if (rc != LR_OK)
		return rc;
	static const struct {
		const char *csv, *key, *label, *unit;
		rc_type type;
	} cols[] = {
	        {"year", "year", N_("Year"), "", RC_YEAR},
	        {"region_id", "region_id", N_("Region"), "", RC_TEXT},
	        {"cancel_m2", "cancel_m2", N_("To cancel (NTS)"), "m²", RC_M2},
	        {"reduce_m2", "reduce_m2", N_("To reduce (TS)"), "m²", RC_M2},
	        {"clear_m2", "clear_m2", N_("To clear"), "m²", RC_M2},
	        {"release_m2", "release_m2", N_("To release"), "m²", RC_M2},
	        {"remaining_end_m2", "remaining_end_m2", N_("Remaining at end"),
	         "m²", RC_M2},
	        {"cumulative_pct", "cumulative_pct", N_("Cumulative"), "%",
	         RC_PCT},
	        {"teams_needed", "teams_needed", N_("Teams needed"),
	         N_("teams"), RC_COUNT},
	        {"cost", "cost", N_("Cost"), N_("currency"), RC_MONEY},
	};
	int ci[10], n = 0, src_col[10];
	for (int k = 0; k < 10; k++) {
		ci[k] = lr__pcol(&p, cols[k].csv);
		if (ci[k] < 0 && k < 8) {
			rc = lr_error_set(err, LR_ERR_INPUT,
			                  "%s: no column %s (was it written by "
			                  "`landrelease plan`?)",
			                  path, cols[k].csv);
			lr__ptable_free(&p);
			return rc;
		}
		/* teams and cost only when the plan was given them */
		bool any = k < 8;
		for (size_t i = 0; !any && ci[k] >= 0 && i < p.n_rows; i++)
			any = lr__pcell(&p, i, ci[k])[0] != '\0';
		if (any)
			src_col[n++] = k;
	}
	rtable *t = &r->tables[T_WORKPLAN];
	rc = lr__rtable_init(
	        t, "workplan",
	        _("Table 6. Annual work plan by region and method"), n, err);
	for (int c = 0; rc == LR_OK && c < n; c++)
		rc = lr__rtable_col(t, c, cols[src_col[c]].key,
		                    _(cols[src_col[c]].label),
		                    lr__tr(r, cols[src_col[c]].unit),
		                    cols[src_col[c]].type, err);
	for (size_t i = 0; rc == LR_OK && i < p.n_rows; i++) {
		size_t row;
		if ((rc = lr__rtable_add_row(t, &row, err)) != LR_OK)
			break;
		for (int c = 0; rc == LR_OK && c < n; c++) {
			int k = src_col[c];
			if (cols[k].type == RC_TEXT) {
				rc = lr__rtable_text(t, row, c,
				                     lr__pcell(&p, i, ci[k]),
				                     err);
				continue;
			}
			double v;
			bool has;
			rc = lr__parse_number(&p, i, ci[k], &v, &has, err);
			if (rc == LR_OK && has)
				lr__rtable_num(t, row, c,
				               k == 9 ? v / 100.0 : v);
		}
		t->total[row] = !strcmp(lr__pcell(&p, i, ci[1]), "TOTAL");
	}
	lr__ptable_free(&p);
	if (rc != LR_OK)
		return rc;
	r->present[T_WORKPLAN] = true;
	char units[1024];
	snprintf(units, sizeof units,
	         _("Areas to release %s, per year from the as-of date %s "
	           "to the target date; cumulative %% of the remaining land "
	           "released by the end of the year; a TOTAL row per year."),
	         lr__areas_in(r), lr__date(r, r->as_of).s);
	return lr__rtable_meta(t, units,
	                       _("workplan.csv (landrelease plan), from the "
	                         "remaining land of remaining_by_region and "
	                         "the method split of release_by_year"),
	                       "", err);
}
