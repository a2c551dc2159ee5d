/* landrelease plan: store -> annual work plan to a target date. */
#include "commands.h"
#include "lr_file.h"
#include "lr_plan.h"

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

int lr_cmd_plan(int argc, char **argv)
{
	enum { O_TARGET = 256, O_CAPACITY, O_COSTS, O_WINDOW, O_HELP };
	static const struct option opts[] = {
	        {"target", required_argument, 0, O_TARGET},
	        {"capacity", required_argument, 0, O_CAPACITY},
	        {"costs", required_argument, 0, O_COSTS},
	        {"window", required_argument, 0, O_WINDOW},
	        {"help", no_argument, 0, O_HELP},
	        {0, 0, 0, 0}};
	lr_date target = LR_DATE_NONE;
	const char *cap_path = NULL, *cost_path = NULL;
	long window = 5;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_TARGET:
			target = lr_date_parse_iso(optarg);
			if (target == LR_DATE_NONE) {
				fprintf(stderr,
				        "landrelease plan: --target '%s' is "
				        "not a date YYYY-MM-DD\n",
				        optarg);
				return 2;
			}
			break;
		case O_CAPACITY:
			cap_path = optarg;
			break;
		case O_COSTS:
			cost_path = optarg;
			break;
		case O_WINDOW: {
			if (!lr_arg_long(optarg, 1, 100, &window)) {
				fprintf(stderr,
				        "landrelease plan: --window '%s' must "
				        "be a whole number of years, 1-100\n",
				        optarg);
				return 2;
			}
			break;
		}
		case O_HELP:
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (lr_arg_operand("plan", "DIR", argc, usage))
		return 2;
	if (target == LR_DATE_NONE) {
		fprintf(stderr,
		        "landrelease plan: --target YYYY-MM-DD is required\n");
		return 2;
	}
	const char *dir = argv[optind];
	char store[PATH_MAX], out[PATH_MAX], findings[PATH_MAX];
	snprintf(store, sizeof store, "%s/landrelease.sqlite", dir);
	snprintf(out, sizeof out, "%s/workplan.csv", dir);
	snprintf(findings, sizeof findings, "%s/plan_findings.csv", dir);

	lr_error err;
	lr_error_clear(&err);
	lr_capacity cap;
	lr_costs costs;
	lr_history *h = NULL;
	lr_plan *p = NULL;
	int rc = lr_commit_recover(dir, &err);
	if (rc != LR_OK)
		goto done;
	if (cap_path && (rc = lr_capacity_load(cap_path, &cap, &err)) != LR_OK)
		goto done;
	if (cost_path && (rc = lr_costs_load(cost_path, &costs, &err)) != LR_OK)
		goto done;
	if ((rc = lr_history_load(store, (int)window, &h, &err)) != LR_OK)
		goto done;
	if ((rc = lr_plan_build(h, target, cap_path ? &cap : NULL,
	                        cost_path ? &costs : NULL, &p, &err)) != LR_OK)
		goto done;
	for (size_t i = 0; i < p->shortfalls.len; i++) {
		const lr_plan_shortfall *s =
		        &LR_VEC_AT(&p->shortfalls, lr_plan_shortfall, i);
		fprintf(stderr,
		        "landrelease plan: capacity shortfall in %d: %s land "
		        "needs %lld teams, %g available\n",
		        s->year, lr_method_name(s->method),
		        (long long)s->needed, s->available);
	}
	if ((rc = lr_plan_write_csv(h, p, out, findings, &err)) != LR_OK)
		goto done;
	printf("%s: %d-%d, %zu rows%s%s%s\n", out, p->first_year, p->last_year,
	       p->rows.len, cost_path ? "; costs in " : "",
	       cost_path ? (costs.currency[0] ? costs.currency
	                                      : "the costs file's currency")
	                 : "",
	       p->shortfalls.len ? "; capacity shortfalls in "
	                           "plan_findings.csv"
	                         : "");
done:
	if (rc != LR_OK)
		fprintf(stderr, "landrelease plan: %s\n", err.msg);
	lr_plan_free(p);
	lr_history_free(h);
	return lr_cli_exit(rc);
}
