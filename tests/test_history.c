/*
** Tests of published histories (engine/plan/history_file.c): the file read
** as published tables are, and the projection a snapshot gets from it.
*/
#include "lr_plan.h"
#include "lr_test.h"

#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/lr_histXXXXXX";

static lr_date D(const char *s)
{
	return lr_date_parse_iso(s);
}

/* A snapshot: regions ids[0..n) holding rem[] cents, as of 31 Dec 2023,
** whose ledger puts everything in 2023 (the one date of the export). */
static lr_history *snapshot(int n, const char *const *ids, const lr_cents *rem)
{
	lr_history *h = NULL;
	lr_error err;
	if (lr_history_new(D("2023-12-31"), 2023, 1, n, &h, &err) != LR_OK)
		return NULL;
	for (int r = 0; r < n; r++) {
		lr_history_set_region(h, r, ids[r], &err);
		h->remaining[r] = h->sha[r] = rem[r];
		h->new_land[LR_HIST_CELL(h, 0, r)] = rem[r] * 2;
		h->released[LR_HIST_CELL(h, 0, r)] = rem[r];
	}
	return h;
}

/* text into dir/name; its path in path. */
static const char *put(const char *name, const char *text, char *path)
{
	snprintf(path, 512, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

/* *h with the file's text applied; LR_OK or the error in err. */
static int apply(lr_history **h, const char *text, int window, bool extend,
                 lr_vec *notes, lr_error *err)
{
	char path[512];
	put("h.csv", text, path);
	return lr_history_apply_file(h, path, window, extend, notes, err);
}

static void free_notes(lr_vec *notes)
{
	for (size_t i = 0; i < notes->len; i++)
		free(LR_VEC_AT(notes, char *, i));
	lr_vec_free(notes);
}

static lr_cents year_sum(const lr_history *h, int y, const lr_cents *cells)
{
	lr_cents s = 0;
	for (int r = 0; r < h->n_regions; r++)
		s += cells[LR_HIST_CELL(h, y, r)];
	return s;
}

/* The Landmine Monitor layout: a title row, km², a total row. */
static void test_published_layout(void)
{
	const char *ids[] = {"A", "B", "C"};
	lr_cents rem[] = {100000000, 200000000, 0};
	lr_history *h = snapshot(3, ids, rem);
	lr_vec notes;
	lr_vec_init(&notes, sizeof(char *));
	lr_error err;
	int rc = apply(&h,
	               "\"Land release, km²\",,,,\n"
	               "Year,Canceled (km²),Reduced (km²),Cleared (km²),"
	               "Total released (km²)\n"
	               "2015,16.17,8.39,1.64,26.20\n"
	               "2016,46.94,10.39,1.34,58.67\n"
	               "2017,2.45,2.48,0.30,5.23\n"
	               "Total,65.56,21.26,3.28,90.10\n",
	               5, false, &notes, &err);
	lr_test_ok(rc == LR_OK, "published layout read (%s)",
	           rc ? err.msg : "ok");
	if (rc != LR_OK)
		return;
	lr_test_ok(h->first_year == 2015 && h->n_years == 3,
	           "the window is the file's 2015-2017, not the ledger's "
	           "2023 (got %d, %d years)",
	           h->first_year, h->n_years);
	lr_test_ok(year_sum(h, 1, h->released) == 5867000000LL,
	           "2016: 58.67 km² = 5,867,000,000 cents over the regions");
	lr_cents canc = 0;
	for (int r = 0; r < 3; r++)
		canc += h->by_method[LR_HIST_CELL(h, 1, r) * LR_N_METHODS +
		                     LR_CANCELLED];
	lr_test_ok(canc == 4694000000LL, "2016 cancelled: 46.94 km²");
	/* A holds a third of the land, B two thirds, C none. */
	lr_test_ok(h->released[LR_HIST_CELL(h, 2, 2)] == 0 &&
	                   llabs(h->released[LR_HIST_CELL(h, 2, 1)] -
	                         2 * h->released[LR_HIST_CELL(h, 2, 0)]) <= 3,
	           "national figures shared by remaining land: C none, B "
	           "twice A");
	lr_test_ok(h->remaining[1] == 200000000 &&
	                   year_sum(h, 0, h->new_land) == 0,
	           "remaining kept from the store; no new column: no finds");
	lr_test_ok(h->year_source[0] && strstr(h->year_source[0], "h.csv:3"),
	           "2015 comes from line 3 of the file: %s",
	           h->year_source[0] ? h->year_source[0] : "(ledger)");
	int skipped = 0;
	for (size_t i = 0; i < notes.len; i++)
		skipped |= strstr(LR_VEC_AT(&notes, char *, i),
		                  ":6: row 'Total' skipped") != NULL;
	lr_test_ok(skipped, "the total row is skipped, with a note");
	free_notes(&notes);
	lr_history_free(h);
}

/* Units, separators, regions, extend. */
static void test_units_regions_extend(void)
{
	const char *ids[] = {"A", "B"};
	lr_cents rem[] = {100000000, 100000000};
	lr_history *h = snapshot(2, ids, rem);
	lr_vec notes;
	lr_vec_init(&notes, sizeof(char *));
	lr_error err;
	int rc = apply(&h,
	               "year,region,released_ha,new finds (m²)\n"
	               "2021,A,\"1,250.5\",\"10 000\"\n"
	               "2021,B,0,0\n"
	               "2022,B,3,0\n",
	               3, true, &notes, &err);
	lr_test_ok(rc == LR_OK, "by region, ha and m², extend (%s)",
	           rc ? err.msg : "ok");
	if (rc != LR_OK)
		return;
	lr_test_ok(h->first_year == 2021 && h->n_years == 3,
	           "extend: 2021-2023, the ledger's 2023 kept");
	lr_test_ok(h->released[LR_HIST_CELL(h, 0, 0)] == 1250500000LL,
	           "1,250.5 ha = 12,505,000 m²");
	lr_test_ok(h->new_land[LR_HIST_CELL(h, 0, 0)] == 1000000,
	           "\"10 000\" m² of new finds");
	lr_test_ok(h->released[LR_HIST_CELL(h, 1, 0)] == 0 &&
	                   h->released[LR_HIST_CELL(h, 1, 1)] == 3000000,
	           "2022 names B only: A released nothing that year");
	lr_test_ok(h->released[LR_HIST_CELL(h, 2, 0)] == 100000000 &&
	                   !h->year_source[2],
	           "2023 from the ledger");
	free_notes(&notes);
	lr_history_free(h);
}

/* Every malformed file is rejected with its file, line and reason. */
static void test_errors(void)
{
	const char *ids[] = {"A"};
	lr_cents rem[] = {100000000};
	struct {
		const char *text, *where, *what;
	} bad[] = {
	        {"year,released\n2020,5\n", "h.csv:1:", "names no unit"},
	        {"year,released_m2\n2020,5\n2022,5\n",
	         "h.csv:", "no figures for 2021"},
	        {"year,region,released_m2\n2020,Z,5\n",
	         "h.csv:2:", "region 'Z'"},
	        {"year,released_m2\n2020,lots\n",
	         "h.csv:2:", "'lots' is not an area"},
	        {"year,released_m2\n2020,-\n", "h.csv:2:", "write 0"},
	        /* Too long to read whole: refused, never cut short. */
	        {"year,released_m2\n2020,1000000000000000000000000000000"
	         "00000000000000000000000000000000000000000\n",
	         "h.csv:2:", "is not an area"},
	        {"year,released_km2\n2020,2000000000\n",
	         "h.csv:2:", "is not an area"},
	        {"year,released_m2\n20x0,5\n", "h.csv:2:", "is not a year"},
	        {"year,cleared_m2,reduced_m2\n2020,1,2\n",
	         "h.csv:1:", "all three"},
	        {"year,new_m2\n2020,1\n", "h.csv:1:", "no released column"},
	        {"Title only\n2020,5\n", "h.csv", "no header"},
	        {"year,released_m2\n2020,5\n2020,6\n",
	         "h.csv:3:", "given again"},
	        {"year,cancelled_km2,reduced_km2,cleared_km2,total_km2\n"
	         "2020,1,1,1,4\n",
	         "h.csv:2:", "is not cancelled + reduced + cleared"},
	        {"year,region,released_m2\n2020,,5\n2020,A,5\n",
	         "h.csv:3:", "both a national row and rows by region"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		lr_history *h = snapshot(1, ids, rem);
		lr_vec notes;
		lr_vec_init(&notes, sizeof(char *));
		lr_error err;
		lr_error_clear(&err);
		int rc = apply(&h, bad[i].text, 5, false, &notes, &err);
		lr_test_ok(rc == LR_ERR_INPUT &&
		                   strstr(err.msg, bad[i].where) &&
		                   strstr(err.msg, bad[i].what) &&
		                   h->first_year == 2023,
		           "bad history %zu rejected, store history kept: %s",
		           i, err.msg);
		free_notes(&notes);
		lr_history_free(h);
	}
}

/*
** P(S_k >= need): S_k the sum of k draws, each one of v[0..3) with
** probability 1/3, by enumerating the counts of each value (independent of
** the projection's stepping).
*/
static double p_done(const double v[3], int k, double need)
{
	double p = 0, fact[64];
	fact[0] = 1;
	for (int i = 1; i <= k; i++)
		fact[i] = fact[i - 1] * i;
	for (int a = 0; a <= k; a++)
		for (int b = 0; a + b <= k; b++) {
			int c = k - a - b;
			if (a * v[0] + b * v[1] + c * v[2] >= need)
				p += fact[k] / (fact[a] * fact[b] * fact[c]) *
				     pow(1.0 / 3, k);
		}
	return p;
}

/*
** A snapshot with three published national years: the national
** percentiles are the years in which the exact distribution of the summed
** draws crosses 10%, 50% and 90%.
*/
static void test_snapshot_projection(void)
{
	const char *ids[] = {"A", "B"};
	lr_cents rem[] = {60000000, 40000000}; /* 1,000,000 m² in all */
	lr_history *h = snapshot(2, ids, rem);
	lr_vec notes;
	lr_vec_init(&notes, sizeof(char *));
	lr_error err;
	int rc = apply(&h,
	               "year,released_m2\n"
	               "2019,100000\n2020,200000\n2021,60000\n",
	               5, false, &notes, &err);
	lr_test_ok(rc == LR_OK, "three published years (%s)",
	           rc ? err.msg : "ok");
	free_notes(&notes);
	if (rc != LR_OK)
		return;
	lr_projection_options o = {D("2027-03-01"),  20000, 5, 0.9, 0, NULL,
	                           LR_MODEL_NATIONAL};
	lr_projection *p = NULL;
	/* The snapshot alone: never, and a hint at --history. */
	lr_history *alone = snapshot(2, ids, rem);
	rc = lr_project(alone, &o, &p, &err);
	int hint = 0;
	for (size_t i = 0; p && i < p->notes.len; i++)
		hint |= strstr(LR_VEC_AT(&p->notes, char *, i),
		               "snapshot without dates?") != NULL;
	lr_test_ok(rc == LR_OK && p->rows[2].pct[1] == LR_DATE_NEVER && hint,
	           "the snapshot alone says never and points to --history");
	lr_projection_free(p);
	lr_history_free(alone);
	p = NULL;
	rc = lr_project(h, &o, &p, &err);
	lr_test_ok(rc == LR_OK, "projects");
	if (rc != LR_OK)
		return;
	const double v[3] = {100000, 200000, 60000};
	const lr_projection_row *t = &p->rows[p->n_rows - 1];
	for (int q = 0; q < LR_N_PCT; q++) {
		int k = 1;
		while (p_done(v, k, 1000000) < lr_projection_pct[q])
			k++;
		/* The premise: no threshold within 2% of a year's boundary, so
		** 20,000 runs (SE under 0.4%) cannot land in the next year. */
		double lo = p_done(v, k - 1, 1000000),
		       hi = p_done(v, k, 1000000);
		lr_test_ok(lr_projection_pct[q] - lo > 0.02 &&
		                   hi - lr_projection_pct[q] > 0.02,
		           "P%.0f: exact P(done by year %d) = %.3f, year %d = "
		           "%.3f",
		           lr_projection_pct[q] * 100, k - 1, lo, k, hi);
		char b[16];
		lr_test_ok(t->pct[q] != LR_DATE_NEVER &&
		                   lr_date_year(t->pct[q]) == 2023 + k,
		           "P%.0f in %d, as the three-year draw implies (got "
		           "%s)",
		           lr_projection_pct[q] * 100, 2023 + k,
		           t->pct[q] == LR_DATE_NEVER
		                   ? "never"
		                   : lr_date_format(t->pct[q], b));
	}
	lr_projection_free(p);
	lr_history_free(h);
}

int main(void)
{
	if (!mkdtemp(dir))
		lr_test_skip_all("no temporary directory");
	test_published_layout();
	test_units_regions_extend();
	test_errors();
	test_snapshot_projection();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return lr_test_done();
}
