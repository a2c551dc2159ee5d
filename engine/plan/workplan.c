/*
** The annual work plan to a target date (DESIGN.md section 5): how much land
** each region must cancel, reduce and clear each year to reach zero on the
** target date, the teams that takes and what it costs.
**
** Years.  The plan starts the day after the as-of date.  Its first year is
** the as-of year itself when as_of is before 31 December (the rest of that
** year is work time too), else the next year; its last year is the target's
** year.  Each year gets a share of a region's remaining land in proportion
** to the part of it inside the plan: every full year the same share, a
** partial first or last year (as_of mid-year, target mid-year) a smaller
** one by its days.
**
** Exactness.  All areas are whole cents.  A region's cumulative release by
** the end of year k is round(R * W_k / W) (W_k: plan weight up to year k),
** so yearly rows sum to R exactly and the last year ends at zero.  Each
** year's release is split by method tracking the cumulative targets of
** each method, with the leftover cents given to the largest fractions, so
** cancel + reduce + clear = release exactly in every row.
**
** Method split.  The region's own history over the window (cancelled,
** reduced, cleared shares), unless the land it released in the window is
** less than 1% of what remains: then SHA land is planned mostly by survey
** (50% cancel, 30% reduce, 20% clear) and CHA land mostly by clearance
** (10% cancel, 20% reduce, 70% clear).
**
** Teams.  A method's teams for a row are ceil(area / (m² per team-day x
** working days x the year's share inside the plan)); teams_needed sums the
** methods.  Teams are national: when a year's regions need more teams of a
** method than the capacity file gives, that is a capacity shortfall.
*/
#include "lr_plan.h"
#include "lr_csv.h"
#include "lr_file.h"
#include "lr_ini.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
** The methods in the column order of workplan.csv and of every loop whose
** order shows: survey first.  Ties in the cent split go to the earlier
** method, sums of costs are added in this order and shortfalls are listed
** in it, so the files do not depend on the numbering of lr_method.
*/
static const lr_method plan_order[LR_N_METHODS] = {LR_CANCELLED, LR_REDUCED,
                                                   LR_CLEARED};

/* Default splits when a region's history is thin. */
static const double split_sha[LR_N_METHODS] = {
        [LR_CANCELLED] = 0.5, [LR_REDUCED] = 0.3, [LR_CLEARED] = 0.2};
static const double split_cha[LR_N_METHODS] = {
        [LR_CANCELLED] = 0.1, [LR_REDUCED] = 0.2, [LR_CLEARED] = 0.7};

/* ---- Capacity and cost files -------------------------------------------- */

/* The method a capacity or cost key names, -1 for none. */
static int method_of(const char *s)
{
	static const char *const alt[LR_N_METHODS][3] = {
	        [LR_CANCELLED] = {"cancelled", "cancel", "cancellation"},
	        [LR_REDUCED] = {"reduced", "reduce", "reduction"},
	        [LR_CLEARED] = {"cleared", "clear", "clearance"}};
	for (int m = 0; m < LR_N_METHODS; m++)
		for (int k = 0; k < 3; k++)
			if (!strcmp(s, alt[m][k]))
				return m;
	return -1;
}

static int parse_number(const char *v, double *out)
{
	char *end;
	errno = 0;
	double x = strtod(v, &end);
	if (end == v || *end || errno || !isfinite(x))
		return 0;
	*out = x;
	return 1;
}

typedef struct cap_parse {
	lr_capacity *c;
	const char *name;
	/* Line where each value was set, 0 while it is not. */
	int teams_line[LR_N_METHODS], m2_line[LR_N_METHODS], days_line;
} cap_parse;

static int cap_on_value(void *user, const char *section, const char *key,
                        const char *value, int line, int section_line,
                        lr_error *err)
{
	cap_parse *p = user;
	if (section[0] && strcmp(section, "national"))
		return !lr_error_set(err, LR_ERR_USAGE,
		                     "%s:%d: unknown section [%s] (capacity "
		                     "files have keys at the top or in "
		                     "[national])",
		                     p->name, section_line, section);
	double x;
	if (!parse_number(value, &x) || x < 0)
		return !lr_error_set(err, LR_ERR_USAGE,
		                     "%s:%d: %s = '%s' is not a number >= 0",
		                     p->name, line, key, value);
	int m = -1;
	if (!strcmp(key, "working_days")) {
		if (x <= 0 || x > 366)
			return !lr_error_set(err, LR_ERR_USAGE,
			                     "%s:%d: working_days must be in "
			                     "1-366 (got %s)",
			                     p->name, line, value);
		p->c->working_days = x;
		p->days_line = line;
	} else if (!strncmp(key, "teams.", 6) &&
	           (m = method_of(key + 6)) >= 0) {
		p->c->teams[m] = x;
		p->teams_line[m] = line;
	} else if (!strncmp(key, "m2_per_team_day.", 16) &&
	           (m = method_of(key + 16)) >= 0) {
		if (x <= 0)
			return !lr_error_set(err, LR_ERR_USAGE,
			                     "%s:%d: %s must be more than 0",
			                     p->name, line, key);
		p->c->m2_per_team_day[m] = x;
		p->m2_line[m] = line;
	} else {
		return !lr_error_set(
		        err, LR_ERR_USAGE,
		        "%s:%d: unknown key '%s' (expected working_days, "
		        "teams.METHOD or m2_per_team_day.METHOD with METHOD "
		        "cancelled, reduced or cleared)",
		        p->name, line, key);
	}
	return 1;
}

static int capacity_parse(const char *text, const char *path, const char *name,
                          lr_capacity *out, lr_error *err)
{
	memset(out, 0, sizeof *out);
	cap_parse p = {.c = out, .name = name ? name : path};
	int rc = lr_ini_parse(text, path, p.name, cap_on_value, &p, err);
	if (rc != LR_OK)
		return rc;
	/* The first missing value: teams, m² per team-day, working days. */
	static const char *const kind[2] = {"teams.", "m2_per_team_day."};
	const int *lines[2] = {p.teams_line, p.m2_line};
	const char *missing = NULL, *method = "";
	for (int k = 0; !missing && k < 2; k++)
		for (int i = 0; !missing && i < LR_N_METHODS; i++)
			if (!lines[k][plan_order[i]]) {
				missing = kind[k];
				method = lr_method_name(plan_order[i]);
			}
	if (!missing && !p.days_line)
		missing = "working_days";
	if (missing)
		return lr_error_set(
		        err, LR_ERR_USAGE,
		        "%s: %s%s is missing (a capacity file gives "
		        "all of working_days, teams.METHOD and "
		        "m2_per_team_day.METHOD)",
		        p.name, missing, method);
	return LR_OK;
}

int lr_capacity_parse(const char *text, const char *name, lr_capacity *out,
                      lr_error *err)
{
	return capacity_parse(text, NULL, name ? name : "capacity", out, err);
}

int lr_capacity_load(const char *path, lr_capacity *out, lr_error *err)
{
	return capacity_parse(NULL, path, path, out, err);
}

typedef struct cost_parse {
	lr_costs *c;
	const char *name;
	int seen[LR_N_METHODS]; /* line of each cost_per_m2, by lr_method */
} cost_parse;

static int cost_on_value(void *user, const char *section, const char *key,
                         const char *value, int line, int section_line,
                         lr_error *err)
{
	cost_parse *p = user;
	if (section[0] && strcmp(section, "costs"))
		return !lr_error_set(err, LR_ERR_USAGE,
		                     "%s:%d: unknown section [%s] (cost files "
		                     "have keys at the top or in [costs])",
		                     p->name, section_line, section);
	if (!strcmp(key, "currency")) {
		size_t n = strlen(value);
		if (n == 0 || n >= sizeof p->c->currency ||
		    strpbrk(value, ",\"\r\n"))
			return !lr_error_set(err, LR_ERR_USAGE,
			                     "%s:%d: currency '%s' must be a "
			                     "short code such as USD",
			                     p->name, line, value);
		memcpy(p->c->currency, value, n + 1);
		return 1;
	}
	int m;
	if (strncmp(key, "cost_per_m2.", 12) || (m = method_of(key + 12)) < 0)
		return !lr_error_set(err, LR_ERR_USAGE,
		                     "%s:%d: unknown key '%s' (expected "
		                     "currency or cost_per_m2.METHOD with "
		                     "METHOD cancelled, reduced or cleared)",
		                     p->name, line, key);
	double x;
	if (!parse_number(value, &x) || x < 0)
		return !lr_error_set(err, LR_ERR_USAGE,
		                     "%s:%d: %s = '%s' is not a number >= 0",
		                     p->name, line, key, value);
	p->c->per_m2[m] = x;
	p->seen[m] = line;
	return 1;
}

static int costs_parse(const char *text, const char *path, const char *name,
                       lr_costs *out, lr_error *err)
{
	memset(out, 0, sizeof *out);
	cost_parse p = {out, name ? name : path, {0}};
	int rc = lr_ini_parse(text, path, p.name, cost_on_value, &p, err);
	if (rc != LR_OK)
		return rc;
	for (int i = 0; i < LR_N_METHODS; i++)
		if (!p.seen[plan_order[i]])
			return lr_error_set(err, LR_ERR_USAGE,
			                    "%s: cost_per_m2.%s is missing",
			                    p.name,
			                    lr_method_name(plan_order[i]));
	return LR_OK;
}

int lr_costs_parse(const char *text, const char *name, lr_costs *out,
                   lr_error *err)
{
	return costs_parse(text, NULL, name ? name : "costs", out, err);
}

int lr_costs_load(const char *path, lr_costs *out, lr_error *err)
{
	return costs_parse(NULL, path, path, out, err);
}

/* ---- The plan ------------------------------------------------------------ */

void lr_plan_free(lr_plan *p)
{
	if (!p)
		return;
	lr_vec_free(&p->rows);
	lr_vec_free(&p->shortfalls);
	lr_vec_free(&p->paces);
	free(p);
}

static int days_in_year(int y)
{
	return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 366 : 365;
}

/*
** Only suspected (SHA) land is cancelled by non-technical survey: the share
** planned as cancelled is at most the region's SHA part of its remaining
** land.  The rest goes to technical survey and clearance in the proportion
** of their own shares (to technical survey when both are 0).
*/
static void cap_cancelled(const lr_history *h, int r,
                          double share[LR_N_METHODS])
{
	if (h->remaining[r] <= 0)
		return;
	double sha = h->sha[r] > 0 ? (double)h->sha[r] : 0;
	double cap = sha / (double)h->remaining[r];
	double excess = share[LR_CANCELLED] - cap;
	if (excess <= 0)
		return;
	share[LR_CANCELLED] = cap;
	double rest = share[LR_REDUCED] + share[LR_CLEARED];
	if (rest <= 0) {
		share[LR_REDUCED] += excess;
		return;
	}
	double to_reduced = excess * share[LR_REDUCED] / rest;
	share[LR_REDUCED] += to_reduced;
	share[LR_CLEARED] += excess - to_reduced;
}

/* Method shares of region r: its history, or the SHA/CHA defaults. */
static void region_split(const lr_history *h, int r, double share[LR_N_METHODS])
{
	lr_cents by[LR_N_METHODS] = {0}, total = 0;
	for (int y = 0; y < h->n_years; y++)
		for (int m = 0; m < LR_N_METHODS; m++) {
			lr_cents v = h->by_method[LR_HIST_CELL(h, y, r) *
			                                  LR_N_METHODS +
			                          m];
			by[m] += v;
			total += v;
		}
	/* Thin history: under 1% of the remaining land released. */
	if (total > 0 && total * 100 >= h->remaining[r]) {
		for (int m = 0; m < LR_N_METHODS; m++)
			share[m] = (double)by[m] / total;
		cap_cancelled(h, r, share);
		return;
	}
	double sha = (double)h->sha[r], cha = (double)h->cha[r];
	if (sha < 0)
		sha = 0;
	if (cha < 0)
		cha = 0;
	if (sha + cha <= 0)
		cha = 1; /* no split recorded: plan it as confirmed land */
	for (int m = 0; m < LR_N_METHODS; m++)
		share[m] =
		        (sha * split_sha[m] + cha * split_cha[m]) / (sha + cha);
	cap_cancelled(h, r, share);
}

/*
** Split rel cents of a year into work[], following the cumulative targets
** cum * share[m] against what is already allocated (done[m], updated).  All
** arrays are by lr_method; ties go to the earlier method of plan_order.
*/
static void split_year(lr_cents rel, lr_cents cum,
                       const double share[LR_N_METHODS],
                       lr_cents done[LR_N_METHODS], lr_cents work[LR_N_METHODS])
{
	double want[LR_N_METHODS], frac[LR_N_METHODS];
	lr_cents left = rel;
	for (int m = 0; m < LR_N_METHODS; m++) {
		want[m] = (double)cum * share[m] - (double)done[m];
		if (want[m] < 0)
			want[m] = 0;
		work[m] = (lr_cents)floor(want[m]);
		frac[m] = want[m] - (double)work[m];
		left -= work[m];
	}
	/* Floating error may overshoot by a cent: take it back from the
	** largest. */
	while (left < 0) {
		lr_method big = plan_order[0];
		for (int i = 1; i < LR_N_METHODS; i++)
			if (work[plan_order[i]] > work[big])
				big = plan_order[i];
		work[big]--;
		left++;
	}
	while (left > 0) {
		lr_method best = plan_order[0];
		for (int i = 1; i < LR_N_METHODS; i++)
			if (frac[plan_order[i]] > frac[best])
				best = plan_order[i];
		work[best]++;
		frac[best] -= 1.0;
		left--;
	}
	for (int m = 0; m < LR_N_METHODS; m++)
		done[m] += work[m];
}

static int64_t teams_for(lr_cents area, double m2_per_day, double days)
{
	if (area <= 0)
		return 0;
	double t = (double)area / 100.0 / (m2_per_day * days);
	return (int64_t)ceil(t - 1e-9);
}

/*
** What the plan is built from: the plan's years and, per region, its
** cumulative targets and its method split.  All arrays owned, freed by
** plan_work_free().
*/
typedef struct plan_work {
	int first;      /* first plan year */
	int ny, n;      /* plan years, regions */
	double *weight; /* [ny] share of year k inside (as_of, target] */
	lr_cents *cum;  /* [n * ny] region r's release by the end of year k */
	double *share;  /* [n * LR_N_METHODS] region r's method split */
	lr_cents *done; /* [n * LR_N_METHODS] split so far, by method */
	lr_cents national; /* remaining land of every region */
} plan_work;

static void plan_work_free(plan_work *w)
{
	free(w->weight);
	free(w->cum);
	free(w->share);
	free(w->done);
}

/*
** Fill w for the plan of h from first to target: the year weights, each
** region's cumulative target round(R * W_k / W) (ending at R exactly) and
** its method split.  0 when out of memory.
*/
static int plan_work_init(plan_work *w, const lr_history *h, int first,
                          lr_date target)
{
	int ny = lr_date_year(target) - first + 1, n = h->n_regions;
	w->first = first;
	w->ny = ny;
	w->n = n;
	w->weight = lr_xcalloc((size_t)ny, sizeof(double));
	w->cum = lr_xcalloc((size_t)n * ny, sizeof(lr_cents));
	w->share = lr_xcalloc((size_t)n * LR_N_METHODS, sizeof(double));
	w->done = lr_xcalloc((size_t)n * LR_N_METHODS, sizeof(lr_cents));
	double *cumw = lr_xcalloc((size_t)ny, sizeof(double));
	if (!w->weight || !w->cum || !w->share || !w->done || !cumw) {
		free(cumw);
		return 0;
	}
	double total_w = 0;
	for (int k = 0; k < ny; k++) {
		int y = first + k;
		lr_date jan1 = lr_date_from_ymd(y, 1, 1);
		lr_date dec31 = jan1 + days_in_year(y) - 1;
		lr_date from = h->as_of + 1 > jan1 ? h->as_of + 1 : jan1;
		lr_date to = target < dec31 ? target : dec31;
		w->weight[k] = (double)(to - from + 1) / days_in_year(y);
		total_w += w->weight[k];
		cumw[k] = total_w;
	}
	w->national = 0;
	for (int r = 0; r < n; r++) {
		lr_cents R = h->remaining[r], *cum = &w->cum[(size_t)r * ny];
		w->national += R;
		for (int k = 0; k < ny; k++) {
			lr_cents c = k == ny - 1 ? R
			                         : llround((double)R * cumw[k] /
			                                   total_w);
			if (c > R)
				c = R;
			if (k > 0 && c < cum[k - 1])
				c = cum[k - 1];
			cum[k] = c;
		}
		region_split(h, r, &w->share[r * LR_N_METHODS]);
	}
	free(cumw);
	return 1;
}

/*
** The row of region r in plan year k: its release split by method, the
** teams it needs per method (added to need[]) and its cost.  LR_OK, or
** LR_ERR_USAGE when land is planned for a method without productivity.
*/
static int region_row(plan_work *w, const lr_history *h, int k, int r,
                      const lr_capacity *capacity, const lr_costs *costs,
                      lr_plan_row *row, int64_t need[LR_N_METHODS],
                      lr_error *err)
{
	lr_cents R = h->remaining[r];
	lr_cents prev = k ? w->cum[(size_t)r * w->ny + k - 1] : 0;
	lr_cents c = w->cum[(size_t)r * w->ny + k];
	*row = (lr_plan_row){w->first + k, r, {0}, c - prev, R - c, 0, -1, -1};
	split_year(row->release, c, &w->share[r * LR_N_METHODS],
	           &w->done[r * LR_N_METHODS], row->work);
	row->cumulative_pct = 100.0 * (double)c / (double)R;
	if (capacity) {
		row->teams_needed = 0;
		for (int i = 0; i < LR_N_METHODS; i++) {
			lr_method m = plan_order[i];
			if (row->work[m] > 0 &&
			    capacity->m2_per_team_day[m] <= 0)
				return lr_error_set(
				        err, LR_ERR_USAGE,
				        "capacity: no m2_per_team_day "
				        "for %s land",
				        lr_method_name(m));
			int64_t t = teams_for(
			        row->work[m], capacity->m2_per_team_day[m],
			        capacity->working_days * w->weight[k]);
			need[m] += t;
			row->teams_needed += t;
		}
	}
	if (costs) {
		double cents = 0;
		for (int i = 0; i < LR_N_METHODS; i++)
			cents += (double)row->work[plan_order[i]] *
			         costs->per_m2[plan_order[i]];
		row->cost = llround(cents);
	}
	return LR_OK;
}

/*
** Plan year k into p: a row per region with land left, the TOTAL row and
** the national capacity shortfalls of the year, by method.
*/
static int plan_year(lr_plan *p, plan_work *w, const lr_history *h, int k,
                     const lr_capacity *capacity, const lr_costs *costs,
                     lr_error *err)
{
	lr_plan_row tot = {w->first + k,  -1, {0}, 0, 0, 0, capacity ? 0 : -1,
	                   costs ? 0 : -1};
	int64_t need[LR_N_METHODS] = {0};
	for (int r = 0; r < w->n; r++) {
		if (h->remaining[r] <= 0)
			continue; /* nothing to plan: no rows */
		lr_plan_row row;
		int rc = region_row(w, h, k, r, capacity, costs, &row, need,
		                    err);
		if (rc != LR_OK)
			return rc;
		if (capacity)
			tot.teams_needed += row.teams_needed;
		if (costs)
			tot.cost += row.cost;
		for (int m = 0; m < LR_N_METHODS; m++)
			tot.work[m] += row.work[m];
		tot.release += row.release;
		tot.remaining_end += row.remaining_end;
		if (!lr_vec_push(&p->rows, &row))
			goto nomem;
	}
	if (w->national <= 0)
		return LR_OK; /* empty plan: nothing remains */
	tot.cumulative_pct = 100.0 * (double)(w->national - tot.remaining_end) /
	                     (double)w->national;
	if (!lr_vec_push(&p->rows, &tot))
		goto nomem;
	for (int i = 0; capacity && i < LR_N_METHODS; i++) {
		lr_method m = plan_order[i];
		if ((double)need[m] <= capacity->teams[m])
			continue;
		lr_plan_shortfall s = {w->first + k, m, need[m],
		                       capacity->teams[m]};
		if (!lr_vec_push(&p->shortfalls, &s))
			goto nomem;
	}
	return LR_OK;
nomem:
	return lr_error_set(err, LR_ERR_NOMEM, "out of memory for plan rows");
}

/*
** The pace of region r (-1: the nation) into p->paces when it exceeds the
** best year of h's window.  0 when out of memory.
*/
static int plan_pace(lr_plan *p, const lr_history *h, int r)
{
	lr_plan_pace pace = {.region = r};
	lr_cents left = 0;
	for (int k = 0; k < h->n_regions; k++)
		if (r < 0 || k == r)
			left += h->remaining[k];
	for (int y = 0; y < h->n_years; y++) {
		lr_cents year = 0;
		for (int k = 0; k < h->n_regions; k++)
			if (r < 0 || k == r)
				year += h->released[LR_HIST_CELL(h, y, k)];
		if (year > pace.best) {
			pace.best = year;
			pace.best_year = h->first_year + y;
		}
	}
	pace.needed = (double)left / 100.0 * 365.25 / (p->target - p->as_of);
	if (left <= 0 || pace.needed <= (double)pace.best / 100.0)
		return 1;
	return lr_vec_push(&p->paces, &pace) != NULL;
}

/* The paces above the best year: the nation's, then each region's. */
static int plan_paces(lr_plan *p, const lr_history *h)
{
	for (int r = -1; r < h->n_regions; r++)
		if (!plan_pace(p, h, r))
			return 0;
	return 1;
}

int lr_plan_build(const lr_history *h, lr_date target,
                  const lr_capacity *capacity, const lr_costs *costs,
                  lr_plan **out, lr_error *err)
{
	*out = NULL;
	char b1[16], b2[16];
	if (target == LR_DATE_NONE || target <= h->as_of)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "target %s is not after the as-of date %s "
		                    "of the store",
		                    lr_date_format(target, b1),
		                    lr_date_format(h->as_of, b2));
	/* The rest of the as-of year is work time too, unless none is left. */
	int y_as_of, m, d;
	lr_date_to_ymd(h->as_of, &y_as_of, &m, &d);
	int first = (m == 12 && d == 31) ? y_as_of + 1 : y_as_of;

	plan_work w = {0};
	lr_plan *p = lr_xcalloc(1, sizeof *p);
	int rc = LR_OK;
	if (!p || !plan_work_init(&w, h, first, target)) {
		rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory for plan");
		goto fail;
	}
	lr_vec_init(&p->rows, sizeof(lr_plan_row));
	lr_vec_init(&p->shortfalls, sizeof(lr_plan_shortfall));
	lr_vec_init(&p->paces, sizeof(lr_plan_pace));
	p->as_of = h->as_of;
	p->target = target;
	p->first_year = first;
	p->last_year = lr_date_year(target);
	for (int k = 0; k < w.ny; k++)
		if ((rc = plan_year(p, &w, h, k, capacity, costs, err)) !=
		    LR_OK)
			goto fail;
	if (!plan_paces(p, h)) {
		rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory for plan");
		goto fail;
	}
	plan_work_free(&w);
	*out = p;
	return LR_OK;
fail:
	plan_work_free(&w);
	lr_plan_free(p);
	return rc;
}

/* The pace rows of plan_findings.csv: needed and best in m² a year. */
static void write_paces(FILE *f, const lr_history *h, const lr_plan *p)
{
	char buf[32];
	for (size_t i = 0; i < p->paces.len; i++) {
		const lr_plan_pace *q = &LR_VEC_AT(&p->paces, lr_plan_pace, i);
		fputs(q->best > 0 ? "pace_above_best_year,"
		                  : "no_release_in_window,",
		      f);
		if (q->best_year)
			fprintf(f, "%d", q->best_year);
		fputc(',', f);
		lr_csv_field(f,
		             q->region < 0 ? "TOTAL" : h->region_id[q->region]);
		fprintf(f, ",released,%.2f,%s,", q->needed,
		        lr_cents_format(q->best, buf));
		if (q->best > 0)
			fprintf(f, "%.2f",
			        q->needed / ((double)q->best / 100.0));
		fputc('\n', f);
	}
}

int lr_plan_write_csv(const lr_history *h, const lr_plan *p, const char *path,
                      const char *findings_path, lr_error *err)
{
	char tmp[4096], buf[32];
	FILE *f = lr_atomic_open(path, tmp, sizeof tmp, err);
	if (!f)
		return LR_ERR_IO;
	fputs("year,region_id,cancel_m2,reduce_m2,clear_m2,release_m2,"
	      "remaining_end_m2,cumulative_pct,teams_needed,cost\n",
	      f);
	for (size_t i = 0; i < p->rows.len; i++) {
		const lr_plan_row *r = &LR_VEC_AT(&p->rows, lr_plan_row, i);
		fprintf(f, "%d,", r->year);
		lr_csv_field(f,
		             r->region < 0 ? "TOTAL" : h->region_id[r->region]);
		for (int m = 0; m < LR_N_METHODS; m++)
			fprintf(f, ",%s",
			        lr_cents_format(r->work[plan_order[m]], buf));
		fprintf(f, ",%s", lr_cents_format(r->release, buf));
		fprintf(f, ",%s", lr_cents_format(r->remaining_end, buf));
		fprintf(f, ",%.2f,", r->cumulative_pct);
		if (r->teams_needed >= 0)
			fprintf(f, "%lld", (long long)r->teams_needed);
		fputc(',', f);
		if (r->cost >= 0)
			fputs(lr_cents_format(r->cost, buf), f);
		fputc('\n', f);
	}
	int rc = lr_atomic_close(f, tmp, path, err);
	if (rc != LR_OK || !findings_path)
		return rc;
	if (p->shortfalls.len == 0 && p->paces.len == 0)
		return lr_file_remove(findings_path, err);
	f = lr_atomic_open(findings_path, tmp, sizeof tmp, err);
	if (!f)
		return LR_ERR_IO;
	fputs("code,year,region_id,method,needed,available,ratio\n", f);
	for (size_t i = 0; i < p->shortfalls.len; i++) {
		const lr_plan_shortfall *s =
		        &LR_VEC_AT(&p->shortfalls, lr_plan_shortfall, i);
		fprintf(f, "capacity_shortfall,%d,TOTAL,%s,%lld,%g,", s->year,
		        lr_method_name(s->method), (long long)s->needed,
		        s->available);
		if (s->available > 0)
			fprintf(f, "%.2f", (double)s->needed / s->available);
		fputc('\n', f);
	}
	write_paces(f, h, p);
	return lr_atomic_close(f, tmp, findings_path, err);
}
