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

/* Achieved release (cents) of region id in year from the store; -1 when the
** store has no such row. */
static int64_t achieved(sqlite3 *db, int year, const char *id)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db,
	                       "SELECT released_m2 FROM release_by_year "
	                       "WHERE year = ? AND region_id = ?",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, year);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = lr__cents(sqlite3_column_double(st, 0));
	sqlite3_finalize(st);
	return v;
}

static bool is_csv_name(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && (!strcasecmp(dot, ".csv") || !strcasecmp(dot, ".txt"));
}

int lr__load_plan_vs_achieved(lr_report *r, sqlite3 *db, const char *path,
                              lr_error *err)
{
	if (!path)
		return lr__report_note(
		        r, err,
		        "Table 4 (planned versus achieved) is omitted: "
		        "no --previous-plan was given.");
	static const char *const need[] = {"year", "region_id", "release_m2"};
	ptable p;
	int rc;
	if (!lr__file_exists(path))
		return lr_error_set(err, LR_ERR_INPUT,
		                    "cannot read the previous plan %s: %s",
		                    path, strerror(ENOENT));
	if (is_csv_name(path))
		rc = lr__read_csv(path, &p, err);
	else
		rc = lr__read_workbook(path, need, 2, &p, err);
	if (rc != LR_OK)
		return rc;
	int cy = lr__pcol(&p, "year"), cr = lr__pcol(&p, "region_id");
	int cp = lr__pcol(&p, "release_m2");
	int cm[3] = {lr__pcol(&p, "cancel_m2"), lr__pcol(&p, "reduce_m2"),
	             lr__pcol(&p, "clear_m2")};
	if (cy < 0 || cr < 0 ||
	    (cp < 0 && (cm[0] < 0 || cm[1] < 0 || cm[2] < 0))) {
		rc = lr_error_set(err, LR_ERR_USAGE,
		                  "%s: a previous plan needs the columns year, "
		                  "region_id and release_m2 (or cancel_m2, "
		                  "reduce_m2 and clear_m2), as workplan.csv",
		                  p.name);
		lr__ptable_free(&p);
		return rc;
	}
	lr_vec rows;
	lr_vec_init(&rows, sizeof(pv_row));
	int ay = atoi(r->as_of), later = 0, min_later = 0;
	for (size_t i = 0; rc == LR_OK && i < p.n_rows; i++) {
		double v, y;
		bool has;
		if ((rc = lr__parse_number(&p, i, cy, &y, &has, err)) != LR_OK)
			break;
		if (!has || y != floor(y) || y < 1900 || y > 2200) {
			rc = lr_error_set(
			        err, LR_ERR_USAGE,
			        "%s line %ld: year '%s' is not a year", p.name,
			        p.line[i], lr__pcell(&p, i, cy));
			break;
		}
		int64_t planned = 0;
		if (cp >= 0) {
			if ((rc = lr__parse_number(&p, i, cp, &v, &has, err)) !=
			    LR_OK)
				break;
			planned = lr__cents(v);
		} else {
			for (int m = 0; m < 3 && rc == LR_OK; m++) {
				rc = lr__parse_number(&p, i, cm[m], &v, &has,
				                      err);
				planned += lr__cents(v);
			}
			if (rc != LR_OK)
				break;
		}
		if ((int)y > ay) {
			if (!later++ || (int)y < min_later)
				min_later = (int)y;
			continue;
		}
		pv_row pr = {(int)y, lr_strdup(lr__pcell(&p, i, cr)), planned};
		if (!pr.id || !lr_vec_push(&rows, &pr)) {
			free(pr.id);
			rc = lr__nomem(err);
		}
	}
	lr__ptable_free(&p);
	if (rc == LR_OK && rows.len > 1)
		qsort(rows.data, rows.len, sizeof(pv_row), cmp_pv);

	rtable *t = &r->tables[T_PLAN_VS_ACHIEVED];
	if (rc == LR_OK)
		rc = lr__rtable_init(t, "planned_vs_achieved",
		                     "Table 4. Planned versus achieved release "
		                     "by year and region",
		                     7, err);
	static const rcol_def cols[] = {
	        {"year", "Year", "", RC_YEAR},
	        {"region_id", "Region", "", RC_TEXT},
	        {"region_name", "Name", "", RC_TEXT},
	        {"planned_m2", "Planned", "m²", RC_M2},
	        {"achieved_m2", "Achieved", "m²", RC_M2},
	        {"difference_m2", "Difference (achieved - planned)", "m²",
	         RC_M2},
	        {"achieved_pct", "Achieved", "% of plan", RC_PCT},
	};
	if (rc == LR_OK)
		rc = lr__rtable_cols(t, cols, 7, err);
	int64_t tot_plan = 0, tot_ach = 0;
	int unknown = 0;
	bool any_total = false;
	for (size_t i = 0; rc == LR_OK && i < rows.len; i++) {
		const pv_row *pr = &LR_VEC_AT(&rows, pv_row, i);
		int64_t a = achieved(db, pr->year, pr->id);
		size_t row;
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
		if (a < 0) {
			unknown++;
			continue;
		}
		lr__rtable_num(t, row, 4, lr__m2(a));
		lr__rtable_num(t, row, 5, lr__m2(a - pr->planned));
		if (pr->planned > 0)
			lr__rtable_num(t, row, 6,
			               100.0 * (double)a / (double)pr->planned);
	}
	if (rc == LR_OK && any_total) {
		size_t row;
		if ((rc = lr__rtable_add_row(t, &row, err)) == LR_OK &&
		    (rc = lr__rtable_text(t, row, 0, "ALL YEARS", err)) ==
		            LR_OK &&
		    (rc = lr__rtable_text(t, row, 1, "TOTAL", err)) == LR_OK &&
		    (rc = lr__rtable_text(t, row, 2, "National total", err)) ==
		            LR_OK) {
			t->total[row] = 1;
			lr__rtable_num(t, row, 3, lr__m2(tot_plan));
			lr__rtable_num(t, row, 4, lr__m2(tot_ach));
			lr__rtable_num(t, row, 5, lr__m2(tot_ach - tot_plan));
			if (tot_plan > 0)
				lr__rtable_num(t, row, 6,
				               100.0 * (double)tot_ach /
				                       (double)tot_plan);
		}
	}
	for (size_t i = 0; i < rows.len; i++)
		free(LR_VEC_AT(&rows, pv_row, i).id);
	lr_vec_free(&rows);
	if (rc != LR_OK)
		return rc;
	char note[1024] = "", units[512], src[2048];
	int k = 0;
	if (later)
		k += snprintf(note + k, sizeof note - (size_t)k,
		              "%d plan rows of %d and later are not yet due "
		              "and are left out. ",
		              later, min_later);
	if (unknown)
		k += snprintf(note + k, sizeof note - (size_t)k,
		              "%d rows name a year or region the store has no "
		              "figures for: achieved is blank. ",
		              unknown);
	if (strcmp(r->as_of + 4, "-12-31"))
		snprintf(note + k, sizeof note - (size_t)k,
		         "%d is achieved up to the as-of date %s only.", ay,
		         r->as_of);
	snprintf(units, sizeof units,
	         "Areas in m²; difference = achieved - planned (negative: "
	         "behind plan); achieved as %% of planned (blank when "
	         "nothing was planned). As of %s.",
	         r->as_of);
	snprintf(src, sizeof src,
	         "planned: release_m2 of %s; achieved: released_m2 of "
	         "landrelease.sqlite table release_by_year",
	         path);
	r->present[T_PLAN_VS_ACHIEVED] = true;
	return lr__rtable_meta(t, units, src, note, err);
}
