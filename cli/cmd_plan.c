/* landrelease plan: store -> annual work plan to a target date. */
#include "commands.h"
#include "lr_file.h"
#include "lr_plan.h"
#include "schema.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
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
	      "(default 5)\n"
	      "\n"
	      "File formats: docs/scenario.md.  Exit status: 0 success; 1 "
	      "failure\nwriting outputs; 2 bad arguments or unusable "
	      "input.\n",
	      f);
}

enum { O_TARGET = 256, O_CAPACITY, O_COSTS, O_WINDOW, O_HELP };

/* What the command line asks for; the strings are borrowed from argv. */
typedef struct plan_args {
	lr_date target;
	const char *cap_path, *cost_path; /* NULL: none */
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
	        {"help", no_argument, 0, O_HELP},
	        {0, 0, 0, 0}};
	lr_error err;
	lr_error_clear(&err);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
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
		default: /* getopt has said what is wrong */
			usage(stderr);
			return lr_cli_exit(LR_ERR_USAGE);
		}
	}
	int status = lr_arg_operand("plan", "DIR", argc, usage);
	if (status)
		return status;
	if (a->target == LR_DATE_NONE) {
		lr_error_set(&err, LR_ERR_USAGE,
		             "--target YYYY-MM-DD is required");
		return lr_cli_fail("plan", &err);
	}
	a->dir = argv[optind];
	return -1;
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
	/* As for project: finish a killed analyze before reading its store. */
	int rc = lr_commit_recover(a->dir, err);
	if (rc != LR_OK ||
	    (a->cap_path &&
	     (rc = lr_capacity_load(a->cap_path, &cap, err)) != LR_OK) ||
	    (a->cost_path &&
	     (rc = lr_costs_load(a->cost_path, &costs, err)) != LR_OK) ||
	    (rc = lr_history_load(store, (int)a->window, &h, err)) != LR_OK ||
	    (rc = lr_plan_build(h, a->target, a->cap_path ? &cap : NULL,
	                        a->cost_path ? &costs : NULL, &p, err)) !=
	            LR_OK)
		goto fail;
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
	       p->shortfalls.len ? "; capacity shortfalls in "
	                           "plan_findings.csv"
	                         : "");
fail:
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
