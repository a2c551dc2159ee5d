/* landrelease plan: store -> annual work plan to a target date. */
#include "commands.h"
#include "lr_file.h"
#include "lr_plan.h"
#include "schema.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs("usage: landrelease plan DIR --target YYYY-MM-DD [options]\n"
	      "\n"
	      "Spread each region's remaining hazardous land (from "
	      "DIR/landrelease.sqlite)\nover the years to the target date, "
	      "by method, and write DIR/workplan.csv.\n"
	      "\n"
	      "  --target YYYY-MM-DD  date by which all land is released "
	      "(required)\n"
	      "  --capacity FILE      teams, m² per team-day and working "
	      "days (INI);\n"
	      "                       shortfalls go to "
	      "DIR/plan_findings.csv\n"
	      "  --costs FILE         cost per m² by method (INI)\n"
	      "  --window N           years of history for the method split "
	      "and the\n"
	      "                       best year (default 5)\n"
	      "  --history FILE       published annual figures instead of "
	      "the store's\n"
	      "                       history (docs/scenario.md)\n"
	      "  --history-extend     the file fills in the store's years "
	      "instead\n"
	      "\n"
	      "A pace above the best year of the history (nationally or in a "
	      "region) is\nwarned on stderr and listed in plan_findings.csv "
	      "with its ratio.\n"
	      "\n"
	      "File formats: docs/scenario.md.  Exit status: 0 success; 1 "
	      "failure\nwriting outputs; 2 bad arguments or unusable "
	      "input.\n",
	      f);
}

enum {
	O_TARGET = 256,
	O_CAPACITY,
	O_COSTS,
	O_WINDOW,
	O_HISTORY,
	O_HISTORY_EXTEND,
	O_HELP
};

/* What the command line asks for; the strings are borrowed from argv. */
typedef struct plan_args {
	lr_date target;
	const char *cap_path, *cost_path; /* NULL: none */
	const char *history_path;         /* NULL: the store's history */
	bool history_extend;
	long window;
	const char *dir;
} plan_args;

/*
** Parse argv into a.  -1 when the command is to run; otherwise the exit
** status, with the usage or the error already on stdout or stderr.
*/
static int parse_args(int argc, char **argv, plan_args *a)
{
	static const struct option opts[] = {
	        {"target", required_argument, 0, O_TARGET},
	        {"capacity", required_argument, 0, O_CAPACITY},
	        {"costs", required_argument, 0, O_COSTS},
	        {"window", required_argument, 0, O_WINDOW},
	        {"history", required_argument, 0, O_HISTORY},
	        {"history-extend", no_argument, 0, O_HISTORY_EXTEND},
	        {"help", no_argument, 0, O_HELP},
	        {0, 0, 0, 0}};
	lr_error err;
	lr_error_clear(&err);
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case O_TARGET:
			a->target = lr_date_parse_iso(optarg);
			if (a->target == LR_DATE_NONE) {
				lr_error_set(&err, LR_ERR_USAGE,
				             "--target '%s' is not a date "
				             "YYYY-MM-DD",
				             optarg);
				return lr_cli_fail("plan", &err);
			}
			break;
		case O_CAPACITY:
			a->cap_path = optarg;
			break;
		case O_COSTS:
			a->cost_path = optarg;
			break;
		case O_HISTORY:
			a->history_path = optarg;
			break;
		case O_HISTORY_EXTEND:
			a->history_extend = true;
			break;
		case O_WINDOW:
			if (!lr_arg_long(optarg, 1, 100, &a->window)) {
				lr_error_set(&err, LR_ERR_USAGE,
				             "--window '%s' must be a whole "
				             "number of years, 1-100",
				             optarg);
				return lr_cli_fail("plan", &err);
			}
			break;
		case O_HELP:
		case 'h':
			usage(stdout);
			return 0;
		default:
			return lr_arg_bad_option("plan", c, argv);
		}
	}
	int status = lr_arg_operand("plan", "DIR", argc);
	if (status)
		return status;
	if (a->target == LR_DATE_NONE)
		return lr_arg_usage("plan", "--target YYYY-MM-DD is required");
	a->dir = argv[optind];
	return -1;
}

/*
** The paces of p above the best year on stderr: the nation's in full, the
** regions' as a count (each is a row of plan_findings.csv).
*/
static void warn_paces(const lr_history *h, const lr_plan *p)
{
	size_t regions = 0;
	for (size_t i = 0; i < p->paces.len; i++) {
		const lr_plan_pace *q = &LR_VEC_AT(&p->paces, lr_plan_pace, i);
		if (q->region >= 0) {
			regions++;
			continue;
		}
		if (q->best > 0)
			fprintf(stderr,
			        "landrelease plan: warning: the plan needs "
			        "%.0f m² a year nationally, %.2f times the "
			        "best "
			        "year of %d-%d (%.0f m² in %d)\n",
			        q->needed,
			        q->needed / ((double)q->best / 100.0),
			        h->first_year, h->first_year + h->n_years - 1,
			        (double)q->best / 100.0, q->best_year);
		else
			fprintf(stderr,
			        "landrelease plan: warning: the plan needs "
			        "%.0f m² a year nationally; no land was "
			        "released in %d-%d\n",
			        q->needed, h->first_year,
			        h->first_year + h->n_years - 1);
	}
	if (regions)
		fprintf(stderr,
		        "landrelease plan: warning: %zu region%s need%s more "
		        "than %s best year (plan_findings.csv)\n",
		        regions, regions == 1 ? "" : "s",
		        regions == 1 ? "s" : "",
		        regions == 1 ? "its" : "their");
}

/*
** Plan the store of a->dir into a->dir/workplan.csv (and plan_findings.csv
** with capacity shortfalls, each also a line on stderr); one line on stdout.
*/
static int plan(const plan_args *a, lr_error *err)
{
	char store[PATH_MAX], out[PATH_MAX], findings[PATH_MAX];
	snprintf(store, sizeof store, "%s/" LR_STORE_FILE, a->dir);
	snprintf(out, sizeof out, "%s/workplan.csv", a->dir);
	snprintf(findings, sizeof findings, "%s/plan_findings.csv", a->dir);
	lr_capacity cap;
	lr_costs costs;
	lr_history *h = NULL;
	lr_plan *p = NULL;
	lr_vec notes; /* char *, owned */
	lr_vec_init(&notes, sizeof(char *));
	/* As for project: finish a killed analyze before reading its store. */
	int rc = lr_commit_recover(a->dir, err);
	if (rc != LR_OK ||
	    (a->cap_path &&
	     (rc = lr_capacity_load(a->cap_path, &cap, err)) != LR_OK) ||
	    (a->cost_path &&
	     (rc = lr_costs_load(a->cost_path, &costs, err)) != LR_OK) ||
	    (rc = lr_history_read(store, (int)a->window, a->history_path,
	                          a->history_extend, &h, &notes, err)) !=
	            LR_OK ||
	    (rc = lr_plan_build(h, a->target, a->cap_path ? &cap : NULL,
	                        a->cost_path ? &costs : NULL, &p, err)) !=
	            LR_OK)
		goto fail;
	for (size_t i = 0; i < notes.len; i++)
		fprintf(stderr, "landrelease plan: note: %s\n",
		        LR_VEC_AT(&notes, char *, i));
	warn_paces(h, p);
	for (size_t i = 0; i < p->shortfalls.len; i++) {
		const lr_plan_shortfall *s =
		        &LR_VEC_AT(&p->shortfalls, lr_plan_shortfall, i);
		fprintf(stderr,
		        "landrelease plan: capacity shortfall in %d: %s land "
		        "needs %lld teams, %g available\n",
		        s->year, lr_method_name(s->method),
		        (long long)s->needed, s->available);
	}
	if ((rc = lr_plan_write_csv(h, p, out, findings, err)) != LR_OK)
		goto fail;
	printf("%s: %d-%d, %zu rows%s%s%s\n", out, p->first_year, p->last_year,
	       p->rows.len, a->cost_path ? "; costs in " : "",
	       a->cost_path ? (costs.currency[0] ? costs.currency
	                                         : "the costs file's currency")
	                    : "",
	       p->shortfalls.len || p->paces.len ? "; findings in "
	                                           "plan_findings.csv"
	                                         : "");
fail:
	for (size_t i = 0; i < notes.len; i++)
		free(LR_VEC_AT(&notes, char *, i));
	lr_vec_free(&notes);
	lr_plan_free(p);
	lr_history_free(h);
	return rc;
}

int lr_cmd_plan(int argc, char **argv)
{
	plan_args a = {.target = LR_DATE_NONE, .window = 5};
	int status = parse_args(argc, argv, &a);
	if (status >= 0)
		return status;
	lr_error err;
	lr_error_clear(&err);
	if (plan(&a, &err) != LR_OK)
		return lr_cli_fail("plan", &err);
	return 0;
}
