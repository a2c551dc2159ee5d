/*
** The rules of `landrelease check` and the table that runs them
** (docs/check.md).
*/
#include "check_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const lr_check_rule lr_check_rules[] = {
        [R_SUM] = {"R01-region-sum", "error",
                   "TOTAL and subtotal rows (parent_id) equal the sum of "
                   "their regions, column by column"},
        [R_SHACHA] = {"R02-sha-cha-total", "error",
                      "SHA + CHA (+ other hazardous areas a table "
                      "counts, such as 'dangerous areas') = total, for "
                      "areas and counts"},
        [R_METHOD] = {"R03-method-sum", "error",
                      "cancelled + reduced + cleared = released (work "
                      "plan: cancel + reduce + clear = release)"},
        [R_PARTS] = {"R04-parts-sum", "error",
                     "AP + AV + ERW (+ mixed) parts equal their total "
                     "column, when one exists"},
        [R_PCT] = {"R05-percentage", "error",
                   "percentages equal achieved / target (work plan "
                   "cumulative_pct: released so far / land at the start)"},
        [R_WHOLE] = {"R06-whole-count", "error",
                     "counts of areas and of items destroyed are whole "
                     "numbers"},
        [R_NEG] = {"R07-negative", "error",
                   "areas, counts, items and money are not negative "
                   "(corrections and reclassifications may be)"},
        [R_COUNTAREA] = {"R08-count-area", "error",
                         "an area with no count of areas, or a count with "
                         "no area"},
        [R_DUP] = {"R09-duplicate-row", "error",
                   "each region appears once per table (and year)"},
        [R_SPELL] = {"R10-region-spelling", "warning",
                     "one spelling per region across tables and years "
                     "(case, space and diacritic variants)"},
        [R_ROLL] = {"R11-roll-forward", "error",
                    "remaining at the end of a year = remaining at the end "
                    "of the previous year + new - released (+ "
                    "reclassification, corrections), per region and "
                    "nation"},
        [R_REMREL] = {"R12-remaining-vs-release", "error",
                      "the remaining table equals the last year of the "
                      "release table"},
        [R_START] = {"R13-plan-start", "error",
                     "the completion table and the work plan start from "
                     "the remaining land"},
        [R_GROWTH] = {"R14-growth-without-new", "error",
                      "a region's remaining land grows with no new "
                      "contamination declared"},
        [R_GONE] = {"R15-region-disappears", "error",
                    "a region with remaining land is missing from a later "
                    "year or table without having been released"},
        [R_CUMUL] = {"R16-cumulative", "error",
                     "cumulative columns equal the running sum of their "
                     "annual column"},
        [R_YEARS] = {"R17-plan-years", "error",
                     "work plan years are contiguous and inside the "
                     "requested period"},
        [R_ZERO] = {"R18-plan-reaches-zero", "error",
                    "the work plan reaches zero remaining in the last "
                    "year of the requested period"},
        [R_LENGTH] = {"R19-period-length", "error",
                      "at most 10 years are asked (Article 5.3)"},
        [R_PACE] = {"R20-plan-pace", "warning",
                    "planned release above twice the best year achieved "
                    "(the best and median years are given)"},
        [R_CAPACITY] = {"R21-plan-capacity", "warning",
                        "planned release or teams above the stated "
                        "capacity"},
        [R_COST] = {"R22-plan-cost", "error",
                    "cost = area by method x unit cost"},
        [R_FUNDING] = {"R23-funding-sum", "error",
                       "funding sources sum to the cost"},
        [R_PREVIOUS] = {"R24-previous-plan", "warning",
                        "land released below what the previous work plan "
                        "planned for that year and region"},
        [R_SLIP] = {"R25-unit-slip", "warning",
                    "a figure 10, 100, 1000 or 10^6 times the same "
                    "region's figure of the previous year"},
        [R_SCOPE] = {"R26-scope", "warning",
                     "figures that mix AP-mined areas with AV mines or "
                     "other ERW"},
        [R_NUMBER] = {"R27-not-a-number", "error",
                      "a figure that cannot be read as a number"},
        [R_LEDGER] = {"R28-against-ledger", "error",
                      "with --against: a stated figure differs from the "
                      "ledger's beyond the tolerance and rounding"},
        [R_UNREAD] = {"R29-unread-column", "warning",
                      "a column holding figures that no rule reads, a "
                      "unit not stated, a figure stated in two units "
                      "that disagree (--strict: error)"},
        [R_MARK] = {"R30-footnote", "info",
                    "footnote marks stripped from figures and names"},
        [R_DATED] = {"R31-dated-tables", "warning",
                     "tables of remaining land as of different dates: land "
                     "that grew, regions that vanish, a figure 10^k the "
                     "other, a region renamed"},
        [R_EARLY] = {"R32-plan-ends-early", "warning",
                     "the plan has no land left two or more years before "
                     "the requested period ends: more time asked than "
                     "needed"},
        [R_CANCEL] = {"R33-cancel-above-sha", "error",
                      "a region's planned cancellation above its suspected "
                      "(SHA) land: only SHA land is cancelled by "
                      "non-technical survey"},
        [R_START_PERIOD] = {"R34-period-start", "error",
                            "with --deadline: the requested period starts "
                            "at the current Article 5 deadline"},
        [R_PROJECTION] = {"R35-plan-vs-projection", "warning",
                          "with --against: the plan ends the land before "
                          "the projection's P50 or after its P90"},
        [R_MILESTONE] = {"R36-previous-milestone", "warning",
                         "land remaining at the end of a year above the "
                         "milestone the previous plan set for it"},
};

_Static_assert(sizeof lr_check_rules / sizeof *lr_check_rules == R_COUNT,
               "every rule number has its line");
const size_t lr_check_n_rules = R_COUNT;

/*
** The passes of the check, in the order they run: {rule, tables, stage,
** fn}.  rule names the rule a pass reports (its id and severity are
** lr_check_rules[rule]); a pass may report kindred rules too (the
** roll-forward reports growth without new land, R14).  tables are the
** roles and kinds of table a pass runs on; a pass with no roles runs once
** per check, with no table.
*/
/* STAGE_TABLE: within one table, table by table; STAGE_ACROSS: across
** tables, pass by pass, after every STAGE_TABLE pass. */
enum { STAGE_TABLE, STAGE_ACROSS };

/* The tables whose figures are checked; a ledger's are only compared
** with. */
#define ROLES_CHECKED ((1u << LR_CHECK_SUBMITTED) | (1u << LR_CHECK_PREVIOUS))
#define KIND(k) (1u << (k))
#define KINDS_ALL                                                              \
	(KIND(K_REMAINING) | KIND(K_RELEASE) | KIND(K_COMPLETION) |            \
	 KIND(K_PLAN))
#define KINDS_DATED (KIND(K_RELEASE) | KIND(K_PLAN))

typedef struct check_pass {
	int rule;
	unsigned roles; /* bits of lr_check_role; 0: once per check */
	unsigned kinds; /* bits of K_* */
	int stage;
	void (*fn)(lr__ctx *x, lr__tab *p);
} check_pass;

static const check_pass passes[] = {
        /* Within one table: each table in turn runs all of these. */
        {R_UNREAD, ROLES_CHECKED, KINDS_ALL, STAGE_TABLE,
         lr__check_rule_reading},
        {R_WHOLE, ROLES_CHECKED, KINDS_ALL, STAGE_TABLE, lr__check_rule_values},
        {R_SUM, ROLES_CHECKED, KINDS_ALL, STAGE_TABLE, lr__check_rule_sum},
        {R_SHACHA, ROLES_CHECKED, KINDS_ALL, STAGE_TABLE,
         lr__check_rule_sha_cha},
        {R_METHOD, ROLES_CHECKED, KINDS_ALL, STAGE_TABLE,
         lr__check_rule_method},
        {R_PARTS, ROLES_CHECKED, KINDS_ALL, STAGE_TABLE, lr__check_rule_parts},
        {R_COUNTAREA, ROLES_CHECKED, KINDS_ALL, STAGE_TABLE,
         lr__check_rule_count_area},
        {R_SCOPE, ROLES_CHECKED, KINDS_ALL, STAGE_TABLE, lr__check_rule_scope},
        /* R15 first: the roll-forward and cumulative passes leave out
        ** what a vanished region explains. */
        {R_GONE, ROLES_CHECKED, KINDS_DATED, STAGE_TABLE, lr__check_rule_gone},
        {R_ROLL, ROLES_CHECKED, KINDS_DATED, STAGE_TABLE, lr__check_rule_roll},
        {R_GROWTH, ROLES_CHECKED, KIND(K_RELEASE), STAGE_TABLE,
         lr__check_rule_stock},
        {R_CUMUL, ROLES_CHECKED, KINDS_DATED, STAGE_TABLE,
         lr__check_rule_cumulative},
        {R_SLIP, ROLES_CHECKED, KINDS_DATED, STAGE_TABLE, lr__check_rule_slip},
        {R_PCT, ROLES_CHECKED, KIND(K_PLAN), STAGE_TABLE,
         lr__check_rule_plan_pct},
        {R_CAPACITY, ROLES_CHECKED, KIND(K_PLAN), STAGE_TABLE,
         lr__check_rule_capacity},
        {R_COST, ROLES_CHECKED, KIND(K_PLAN), STAGE_TABLE, lr__check_rule_cost},
        {R_FUNDING, ROLES_CHECKED, KIND(K_PLAN), STAGE_TABLE,
         lr__check_rule_funding},
        /* Across tables: each pass in turn. */
        {R_SPELL, 0, 0, STAGE_ACROSS, lr__check_rule_spelling},
        {R_REMREL, 0, 0, STAGE_ACROSS, lr__check_rule_rem_rel},
        {R_DATED, 0, 0, STAGE_ACROSS, lr__check_rule_dated},
        {R_START, 0, 0, STAGE_ACROSS, lr__check_rule_start},
        {R_YEARS, 1u << LR_CHECK_SUBMITTED, KIND(K_PLAN), STAGE_ACROSS,
         lr__check_rule_plan_period},
        {R_PACE, 1u << LR_CHECK_SUBMITTED, KIND(K_PLAN), STAGE_ACROSS,
         lr__check_rule_pace},
        {R_EARLY, 1u << LR_CHECK_SUBMITTED, KIND(K_PLAN), STAGE_ACROSS,
         lr__check_rule_early_zero},
        {R_CANCEL, 1u << LR_CHECK_SUBMITTED, KIND(K_PLAN), STAGE_ACROSS,
         lr__check_rule_cancel_sha},
        {R_START_PERIOD, 1u << LR_CHECK_SUBMITTED, KIND(K_PLAN), STAGE_ACROSS,
         lr__check_rule_period_start},
        {R_PROJECTION, 1u << LR_CHECK_SUBMITTED, KIND(K_PLAN), STAGE_ACROSS,
         lr__check_rule_projection},
        {R_PREVIOUS, 1u << LR_CHECK_PREVIOUS, KIND(K_PLAN), STAGE_ACROSS,
         lr__check_rule_previous},
        {R_MILESTONE, 1u << LR_CHECK_PREVIOUS, KIND(K_PLAN), STAGE_ACROSS,
         lr__check_rule_milestone},
        {R_LEDGER, ROLES_CHECKED, KINDS_ALL, STAGE_ACROSS,
         lr__check_rule_ledger},
};

static bool applies(const check_pass *c, const lr__tab *p)
{
	return (c->roles >> p->role & 1u) && (c->kinds >> p->kind & 1u);
}

/* Run every pass: those within a table table by table, so that a table's
** findings stay together, then those across tables pass by pass. */
static void run_passes(lr__ctx *x)
{
	const size_t np = sizeof passes / sizeof *passes;
	for (size_t i = 0; i < x->ntabs; i++)
		for (size_t k = 0; k < np; k++)
			if (passes[k].stage == STAGE_TABLE &&
			    applies(&passes[k], &x->tabs[i]))
				passes[k].fn(x, &x->tabs[i]);
	for (size_t k = 0; k < np; k++) {
		const check_pass *c = &passes[k];
		if (c->stage != STAGE_ACROSS)
			continue;
		if (c->roles == 0)
			c->fn(x, NULL);
		else
			for (size_t i = 0; i < x->ntabs; i++)
				if (applies(c, &x->tabs[i]))
					c->fn(x, &x->tabs[i]);
	}
}

int lr_check_run(const lr_check_input *in, size_t n, const lr_check_options *o,
                 lr_check_report **out, lr_error *err)
{
	*out = NULL;
	lr__ctx x = {.o = o};
	x.r = lr_xcalloc(1, sizeof *x.r);
	x.tabs = lr_xcalloc(n + 1, sizeof *x.tabs);
	if (!x.r || !x.tabs) {
		free(x.r);
		free(x.tabs);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	lr_vec_init(&x.r->findings, sizeof(lr_check_finding));
	lr_vec_init(&x.r->notes, sizeof(char *));
	lr_vec_init(&x.r->readings, sizeof(lr_check_reading));
	x.tol = llround((o->tolerance_m2 > 0 ? o->tolerance_m2 : 0) * 100.0);
	int rc = lr__check_read_tables(&x, in, n, err);
	if (rc == LR_OK) {
		run_passes(&x);
		if (x.oom)
			rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < x.ntabs; i++)
		lr__check_tab_free(&x.tabs[i]);
	free(x.tabs);
	if (rc != LR_OK) {
		lr_check_report_free(x.r);
		return rc;
	}
	*out = x.r;
	return LR_OK;
}
