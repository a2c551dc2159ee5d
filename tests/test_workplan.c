/* Tests of the annual work plan and its capacity and cost files. */
#include "lr_plan.h"
#include "lr_test.h"

#include <string.h>
#include <unistd.h>

static lr_date D(const char *s)
{
	return lr_date_parse_iso(s);
}

/*
** A: 1,000,000.01 m² of SHA, no history (thin: default SHA split).
** B: 333,333.33 m² of CHA, all cleared in its history.
** C: 1,400,000 m² of CHA, all cleared in its history.
** Z: nothing left.
*/
static lr_history *fixture(const char *as_of)
{
	lr_history *h = NULL;
	lr_error err;
	if (lr_history_new(D(as_of), 2020, 5, 4, &h, &err) != LR_OK)
		return NULL;
	const char *ids[] = {"A", "B", "C", "Z"};
	for (int r = 0; r < 4; r++)
		lr_history_set_region(h, r, ids[r], &err);
	h->remaining[0] = h->sha[0] = 100000001;
	h->remaining[1] = h->cha[1] = 33333333;
	h->remaining[2] = h->cha[2] = 140000000;
	for (int y = 0; y < 5; y++) {
		h->by_method[LR_HIST_CELL(h, y, 1) * LR_N_METHODS +
		             LR_CLEARED] = 2000000;
		h->by_method[LR_HIST_CELL(h, y, 2) * LR_N_METHODS +
		             LR_CLEARED] = 2000000;
		h->by_method[LR_HIST_CELL(h, y, 3) * LR_N_METHODS +
		             LR_CANCELLED] = 5000000;
	}
	return h;
}

static const lr_plan_row *row_at(const lr_plan *p, int year, int region)
{
	for (size_t i = 0; i < p->rows.len; i++) {
		const lr_plan_row *r = &LR_VEC_AT(&p->rows, lr_plan_row, i);
		if (r->year == year && r->region == region)
			return r;
	}
	return NULL;
}

/* Every exactness property of a plan of h. */
static void check_exact(const lr_history *h, const lr_plan *p, const char *what)
{
	int sums_ok = 1, split_ok = 1, end_ok = 1, total_ok = 1, nonneg = 1;
	int zero_rows = 0;
	for (int r = 0; r < h->n_regions; r++) {
		lr_cents sum = 0;
		const lr_plan_row *last = NULL;
		for (size_t i = 0; i < p->rows.len; i++) {
			const lr_plan_row *x =
			        &LR_VEC_AT(&p->rows, lr_plan_row, i);
			if (x->region != r)
				continue;
			sum += x->release;
			last = x;
			if (x->work[0] + x->work[1] + x->work[2] != x->release)
				split_ok = 0;
			for (int m = 0; m < 3; m++)
				nonneg &= x->work[m] >= 0;
			if (h->remaining[r] - sum != x->remaining_end)
				end_ok = 0;
		}
		if (h->remaining[r] == 0) {
			zero_rows += last != NULL;
			continue;
		}
		if (sum != h->remaining[r])
			sums_ok = 0;
		if (!last || last->remaining_end != 0 ||
		    last->year != p->last_year ||
		    fabs(last->cumulative_pct - 100.0) > 1e-9)
			end_ok = 0;
	}
	for (int y = p->first_year; y <= p->last_year; y++) {
		const lr_plan_row *t = row_at(p, y, -1);
		lr_cents w[3] = {0}, rel = 0, end = 0;
		for (int r = 0; r < h->n_regions; r++) {
			const lr_plan_row *x = row_at(p, y, r);
			if (!x)
				continue;
			for (int m = 0; m < 3; m++)
				w[m] += x->work[m];
			rel += x->release;
			end += x->remaining_end;
		}
		if (!t || t->release != rel || t->remaining_end != end ||
		    t->work[0] != w[0] || t->work[1] != w[1] ||
		    t->work[2] != w[2])
			total_ok = 0;
	}
	lr_test_ok(sums_ok,
	           "%s: each region's rows sum to its remaining "
	           "land, to the cent",
	           what);
	lr_test_ok(end_ok, "%s: remaining_end falls to 0 in the target year",
	           what);
	lr_test_ok(split_ok && nonneg,
	           "%s: cancel + reduce + clear = release in every row", what);
	lr_test_ok(total_ok, "%s: TOTAL rows are the sums of their regions",
	           what);
	lr_test_ok(zero_rows == 0,
	           "%s: no rows for a region with nothing "
	           "left",
	           what);
}

static void test_plan(void)
{
	lr_history *h = fixture("2024-12-31");
	lr_plan *p = NULL;
	lr_error err;
	int rc = lr_plan_build(h, D("2031-12-31"), NULL, NULL, &p, &err);
	lr_test_ok(rc == LR_OK, "plan builds (%s)", rc ? err.msg : "ok");
	if (rc)
		return;
	lr_test_ok(p->first_year == 2025 && p->last_year == 2031,
	           "as of 31 Dec: plan years 2025-2031");
	lr_test_ok(p->rows.len == 7 * 4,
	           "7 years x (3 regions + TOTAL) rows "
	           "(got %zu)",
	           p->rows.len);
	check_exact(h, p, "full years");

	/* Full years get equal shares, within the one carried cent. */
	int equal = 1;
	for (int y = 2025; y <= 2031; y++) {
		lr_cents d = row_at(p, y, 0)->release - 100000001 / 7;
		equal &= d == 0 || d == 1;
	}
	lr_test_ok(equal, "full years share A's land evenly (+-1 cent)");
	lr_test_ok(row_at(p, 2025, 2)->release == 20000000 &&
	                   row_at(p, 2025, 2)->work[LR_CLEARED] == 20000000,
	           "C: 200,000 m² a year, all by clearance as in its history");
	/* A's history is thin: the SHA split 50/30/20 over the whole plan. */
	lr_cents a[LR_N_METHODS] = {0};
	for (int y = 2025; y <= 2031; y++)
		for (int m = 0; m < LR_N_METHODS; m++)
			a[m] += row_at(p, y, 0)->work[m];
	lr_test_ok(llabs(a[LR_CANCELLED] - 50000000) <= 1 &&
	                   llabs(a[LR_REDUCED] - 30000000) <= 1 &&
	                   llabs(a[LR_CLEARED] - 20000000) <= 1,
	           "A (thin history, SHA): 50%% cancel, 30%% reduce, 20%% "
	           "clear (%lld %lld %lld)",
	           (long long)a[LR_CANCELLED], (long long)a[LR_REDUCED],
	           (long long)a[LR_CLEARED]);
	const lr_plan_row *t = row_at(p, 2028, -1);
	lr_test_near(t->cumulative_pct, 400.0 / 7, 0.01,
	             "TOTAL cumulative_pct after 4 of 7 years");
	lr_test_ok(t->teams_needed == -1 && t->cost == -1,
	           "no capacity, no costs: blank columns");
	lr_plan_free(p);

	/* As of mid-year: 2025 is the first plan year, with a smaller share. */
	h->as_of = D("2025-06-30");
	rc = lr_plan_build(h, D("2030-12-31"), NULL, NULL, &p, &err);
	lr_test_ok(rc == LR_OK && p->first_year == 2025 && p->last_year == 2030,
	           "as of mid-year: plan years 2025-2030");
	if (rc == LR_OK) {
		check_exact(h, p, "partial first year");
		lr_cents first = row_at(p, 2025, 2)->release;
		lr_cents full = row_at(p, 2026, 2)->release;
		lr_test_near((double)first / full, 184.0 / 365, 1e-6,
		             "first year's share is its 184 days of 365");
	}
	lr_plan_free(p);

	/* Target in mid-year: the last year is partial and ends at zero. */
	h->as_of = D("2024-12-31");
	rc = lr_plan_build(h, D("2027-06-30"), NULL, NULL, &p, &err);
	if (rc == LR_OK)
		check_exact(h, p, "partial last year");
	lr_plan_free(p);

	rc = lr_plan_build(h, D("2024-06-30"), NULL, NULL, &p, &err);
	lr_test_ok(rc == LR_ERR_USAGE && p == NULL &&
	                   strstr(err.msg, "2024-06-30"),
	           "target before as_of: usage error (%s)", err.msg);
	rc = lr_plan_build(h, D("2024-12-31"), NULL, NULL, &p, &err);
	lr_test_ok(rc == LR_ERR_USAGE, "target on as_of: usage error");

	/* Nothing left anywhere: no rows. */
	for (int r = 0; r < h->n_regions; r++)
		h->remaining[r] = 0;
	rc = lr_plan_build(h, D("2030-12-31"), NULL, NULL, &p, &err);
	lr_test_ok(rc == LR_OK && p->rows.len == 0,
	           "remaining zero: empty plan");
	lr_plan_free(p);
	lr_history_free(h);
}

static void test_capacity(const char *dir)
{
	const char *src = getenv("LR_SOURCE_DIR");
	char path[1024], out[1024], findings[1024];
	lr_capacity cap;
	lr_costs costs;
	lr_error err;
	snprintf(path, sizeof path, "%s/tests/fixtures/plan/capacity.ini",
	         src ? src : ".");
	int rc = lr_capacity_load(path, &cap, &err);
	lr_test_ok(rc == LR_OK && cap.working_days == 200 &&
	                   cap.teams[LR_CLEARED] == 2 &&
	                   cap.m2_per_team_day[LR_CLEARED] == 400,
	           "fixture capacity.ini loads (%s)", rc ? err.msg : "ok");
	snprintf(path, sizeof path, "%s/tests/fixtures/plan/costs.ini",
	         src ? src : ".");
	rc = lr_costs_load(path, &costs, &err);
	lr_test_ok(rc == LR_OK && !strcmp(costs.currency, "USD") &&
	                   costs.per_m2[LR_CLEARED] == 2.5,
	           "fixture costs.ini loads (%s)", rc ? err.msg : "ok");
	snprintf(path, sizeof path, "%s/tests/fixtures/plan/bad_capacity.ini",
	         src ? src : ".");
	rc = lr_capacity_load(path, &cap, &err);
	lr_test_ok(rc == LR_ERR_USAGE && strstr(err.msg, "bad_capacity.ini:3:"),
	           "bad capacity file names its line: %s", err.msg);
	/* The bad load left cap undefined: read the good one again. */
	snprintf(path, sizeof path, "%s/tests/fixtures/plan/capacity.ini",
	         src ? src : ".");
	if (lr_capacity_load(path, &cap, &err) != LR_OK)
		return;

	lr_history *h = fixture("2024-12-31");
	lr_plan *p = NULL;
	rc = lr_plan_build(h, D("2031-12-31"), &cap, &costs, &p, &err);
	lr_test_ok(rc == LR_OK, "plan with capacity and costs builds");
	if (rc)
		return;
	/* C clears 200,000 m² a year at 400 m²/day x 200 days = 80,000 per
	** team: 2.5, so 3 teams; its cost 200,000 x 2.50 = 500,000.00. */
	const lr_plan_row *c = row_at(p, 2025, 2);
	lr_test_ok(c->teams_needed == 3, "C needs 3 teams (got %lld)",
	           (long long)c->teams_needed);
	lr_test_ok(c->cost == 50000000, "C costs 500,000.00 a year");
	const lr_plan_row *t = row_at(p, 2025, -1);
	lr_cents cost = 0;
	int64_t teams = 0;
	for (int r = 0; r < 3; r++) {
		cost += row_at(p, 2025, r)->cost;
		teams += row_at(p, 2025, r)->teams_needed;
	}
	lr_test_ok(t->cost == cost && t->teams_needed == teams,
	           "TOTAL cost and teams are the sums of the regions");
	int found = 0;
	for (size_t i = 0; i < p->shortfalls.len; i++) {
		lr_plan_shortfall *s =
		        &LR_VEC_AT(&p->shortfalls, lr_plan_shortfall, i);
		found += s->year == 2025 && s->method == LR_CLEARED &&
		         s->needed > 2 && s->available == 2;
	}
	lr_test_ok(found == 1, "2 clearance teams are too few: shortfall");
	snprintf(out, sizeof out, "%s/workplan.csv", dir);
	snprintf(findings, sizeof findings, "%s/plan_findings.csv", dir);
	rc = lr_plan_write_csv(h, p, out, findings, &err);
	lr_test_ok(rc == LR_OK, "workplan.csv written");
	char *s = lr_test_slurp(out);
	const char *head = "year,region_id,cancel_m2,reduce_m2,clear_m2,"
	                   "release_m2,remaining_end_m2,cumulative_pct,"
	                   "teams_needed,cost\n";
	lr_test_ok(s && !strncmp(s, head, strlen(head)) &&
	                   strstr(s, "\n2025,C,0.00,0.00,200000.00,200000.00,"
	                             "1200000.00,14.29,3,500000.00\n") &&
	                   strstr(s, "\n2031,TOTAL,"),
	           "workplan.csv rows as expected");
	/* The columns are survey first whatever lr_method's numbering: A
	** (thin SHA history) cancels most, clears least. */
	const lr_plan_row *a = row_at(p, 2025, 0);
	char want[160], b1[32], b2[32], b3[32];
	snprintf(want, sizeof want, "\n2025,A,%s,%s,%s,",
	         lr_cents_format(a->work[LR_CANCELLED], b1),
	         lr_cents_format(a->work[LR_REDUCED], b2),
	         lr_cents_format(a->work[LR_CLEARED], b3));
	lr_test_ok(s && a->work[LR_CANCELLED] > a->work[LR_REDUCED] &&
	                   a->work[LR_REDUCED] > a->work[LR_CLEARED] &&
	                   strstr(s, want),
	           "workplan.csv: cancel, reduce, clear columns (%s)",
	           want + 1);
	free(s);
	s = lr_test_slurp(findings);
	lr_test_ok(s && strstr(s, "capacity_shortfall,2025,TOTAL,cleared,"),
	           "plan_findings.csv holds a capacity_shortfall row");
	free(s);
	lr_plan_free(p);

	/* Enough teams and a history that released everything in one year:
	** no finding, and the old findings file goes. */
	cap.teams[LR_CLEARED] = 100;
	for (int r = 0; r < h->n_regions; r++)
		h->released[LR_HIST_CELL(h, 0, r)] = h->remaining[r];
	rc = lr_plan_build(h, D("2031-12-31"), &cap, NULL, &p, &err);
	lr_test_ok(rc == LR_OK && p->shortfalls.len == 0,
	           "100 clearance teams: no shortfall");
	if (rc == LR_OK)
		lr_plan_write_csv(h, p, out, findings, &err);
	lr_test_ok(access(findings, F_OK) != 0,
	           "no shortfall: no plan_findings.csv left over");
	lr_plan_free(p);
	lr_history_free(h);

	struct {
		const char *text, *what;
	} bad[] = {
	        {"working_days = 200\nteams.sweeping = 2\n",
	         "cap.ini:2: unknown key"},
	        {"working_days = 400\n", "cap.ini:1: working_days"},
	        {"\n\n[regional]\nteams.cleared = 1\n",
	         "cap.ini:3: unknown section"},
	        {"working_days = 200\nm2_per_team_day.cleared = 0\n",
	         "cap.ini:2:"},
	        {"working_days 200\n", "cap.ini:1: cannot parse"},
	        {"working_days = 200\n", "teams.cancelled is missing"},
	        {"teams.clear = 1\nteams.cancel = 1\nteams.reduce = 1\n"
	         "m2_per_team_day.cleared = 5\n",
	         "m2_per_team_day.cancelled is missing"},
	        {"teams.clear = 1\nteams.cancel = 1\nteams.reduce = 1\n"
	         "m2_per_team_day.cleared = 5\nm2_per_team_day.reduced = 5\n"
	         "m2_per_team_day.cancelled = 5\n",
	         "working_days is missing"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		lr_error_clear(&err);
		rc = lr_capacity_parse(bad[i].text, "cap.ini", &cap, &err);
		lr_test_ok(rc == LR_ERR_USAGE && strstr(err.msg, bad[i].what),
		           "malformed capacity %zu rejected: %s", i, err.msg);
	}
	rc = lr_costs_parse("currency = USD\ncost_per_m2.cleared = cheap\n",
	                    "costs.ini", &costs, &err);
	lr_test_ok(rc == LR_ERR_USAGE && strstr(err.msg, "costs.ini:2:"),
	           "malformed cost rejected: %s", err.msg);
	rc = lr_costs_parse("cost_per_m2.cleared = 1\n", "costs.ini", &costs,
	                    &err);
	lr_test_ok(rc == LR_ERR_USAGE &&
	                   strstr(err.msg, "cost_per_m2.cancelled is missing"),
	           "incomplete costs rejected: %s", err.msg);
}

/*
** 1,000,000 m² left on 31 Dec 2024, a best year of 100,000 m² (2021): to
** finish on 31 Dec 2028 takes 250,000 m² a year, 2.5 times the best year.
*/
static void test_pace(const char *dir)
{
	lr_history *h = NULL;
	lr_error err;
	if (lr_history_new(D("2024-12-31"), 2020, 3, 2, &h, &err) != LR_OK)
		return;
	lr_history_set_region(h, 0, "A", &err);
	lr_history_set_region(h, 1, "B", &err);
	h->remaining[0] = h->sha[0] = 80000000;
	h->remaining[1] = h->sha[1] = 20000000;
	const lr_cents a[3] = {5000000, 6000000, 8000000};
	const lr_cents b[3] = {1000000, 4000000, 0};
	for (int y = 0; y < 3; y++) {
		h->released[LR_HIST_CELL(h, y, 0)] = a[y];
		h->released[LR_HIST_CELL(h, y, 1)] = b[y];
	}
	lr_plan *p = NULL;
	int rc = lr_plan_build(h, D("2028-12-31"), NULL, NULL, &p, &err);
	lr_test_ok(rc == LR_OK && p->paces.len == 3,
	           "nation, A and B all need more than their best year");
	if (rc != LR_OK)
		return;
	const lr_plan_pace *t = &LR_VEC_AT(&p->paces, lr_plan_pace, 0);
	lr_test_ok(t->region == -1 && t->best == 10000000 &&
	                   t->best_year == 2021,
	           "national best year: 2021, 100,000 m²");
	/* 1,000,000 m² over four years of 365.25 days. */
	lr_test_near(t->needed, 250000.0, 1e-6, "national need: 250,000 m²");
	char path[512], findings[512];
	snprintf(path, sizeof path, "%s/pace_plan.csv", dir);
	snprintf(findings, sizeof findings, "%s/pace_findings.csv", dir);
	rc = lr_plan_write_csv(h, p, path, findings, &err);
	char *s = lr_test_slurp(findings);
	lr_test_ok(s && strstr(s, "\npace_above_best_year,2021,TOTAL,released,"
	                          "250000.00,100000.00,2.50\n"),
	           "findings: the nation at 2.50 times its best year");
	/* A: 800,000 / 4 = 200,000 against 80,000 (2022); B: 50,000
	** against 40,000 (2021). */
	lr_test_ok(s &&
	                   strstr(s, "\npace_above_best_year,2022,A,released,"
	                             "200000.00,80000.00,2.50\n") &&
	                   strstr(s, "\npace_above_best_year,2021,B,released,"
	                             "50000.00,40000.00,1.25\n"),
	           "findings: each region against its own best year");
	free(s);
	lr_plan_free(p);
	/* A target it can reach at its best pace: no finding. */
	rc = lr_plan_build(h, D("2035-12-31"), NULL, NULL, &p, &err);
	lr_test_ok(rc == LR_OK && p->paces.len == 0,
	           "eleven years: A needs 72,740 m² a year against 80,000, "
	           "the nation 90,925 against 100,000: no finding");
	lr_plan_free(p);
	lr_history_free(h);
}

/* Only SHA land is cancelled: a confirmed-only region whose history is all
** cancellation, and a confirmed-only region with a thin history, plan no
** cancellation; a half-suspected one cancels at most its SHA land. */
static void test_cancel_only_sha(void)
{
	lr_history *h = NULL;
	lr_error err;
	if (lr_history_new(D("2024-12-31"), 2020, 5, 3, &h, &err) != LR_OK)
		return;
	const char *ids[] = {"CHA-CANCELLER", "CHA-THIN", "HALF"};
	for (int r = 0; r < 3; r++)
		lr_history_set_region(h, r, ids[r], &err);
	h->remaining[0] = h->cha[0] = 50000000;
	h->remaining[1] = h->cha[1] = 50000000;
	h->remaining[2] = 60000000;
	h->sha[2] = 20000000;
	h->cha[2] = 40000000;
	for (int y = 0; y < 5; y++) {
		h->by_method[LR_HIST_CELL(h, y, 0) * LR_N_METHODS +
		             LR_CANCELLED] = 3000000;
		h->by_method[LR_HIST_CELL(h, y, 2) * LR_N_METHODS +
		             LR_CANCELLED] = 3000000;
	}
	lr_plan *p = NULL;
	int rc = lr_plan_build(h, D("2029-12-31"), NULL, NULL, &p, &err);
	lr_test_ok(rc == LR_OK, "plan of confirmed land builds");
	lr_cents cancel[3] = {0}, release[3] = {0};
	for (size_t i = 0; rc == LR_OK && i < p->rows.len; i++) {
		const lr_plan_row *r = &LR_VEC_AT(&p->rows, lr_plan_row, i);
		if (r->region < 0)
			continue;
		cancel[r->region] += r->work[LR_CANCELLED];
		release[r->region] += r->release;
	}
	lr_test_ok(cancel[0] == 0 && release[0] == 50000000,
	           "all-CHA region with a history of cancellation: nothing "
	           "cancelled, all 500000.00 m2 released (cancelled %lld)",
	           (long long)cancel[0]);
	lr_test_ok(cancel[1] == 0 && release[1] == 50000000,
	           "all-CHA region with a thin history: nothing cancelled "
	           "(cancelled %lld)",
	           (long long)cancel[1]);
	lr_test_ok(cancel[2] <= 20000000 + 1 && cancel[2] >= 20000000 - 10,
	           "a third SHA, history all cancellation: cancels its "
	           "200000.00 m2 of SHA land and no more (cancelled %lld)",
	           (long long)cancel[2]);
	lr_plan_free(p);
	lr_history_free(h);
}

int main(void)
{
	char dir[] = "/tmp/lr_planXXXXXX";
	if (!mkdtemp(dir))
		lr_test_skip_all("no temporary directory");
	test_plan();
	test_capacity(dir);
	test_pace(dir);
	test_cancel_only_sha();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return lr_test_done();
}
