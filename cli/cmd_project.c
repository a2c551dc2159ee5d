/* landrelease project: store -> Monte Carlo completion dates. */
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
	fputs("usage: landrelease project DIR --deadline YYYY-MM-DD "
	      "[options]\n"
	      "\n"
	      "Project when each region's remaining hazardous land will be "
	      "released,\nby drawing whole historical years from "
	      "DIR/landrelease.sqlite (written by\n`landrelease analyze`), "
	      "and write DIR/completion.csv.\n"
	      "\n"
	      "  --deadline YYYY-MM-DD  Article 5 deadline (required)\n"
	      "  --window N             history: last N complete years "
	      "(default 5)\n"
	      "  --runs N               Monte Carlo runs (default 10000)\n"
	      "  --seed N               random seed (default 1); same seed, "
	      "same file\n"
	      "  --confidence P         for extension_years (default 0.9)\n"
	      "  --scenario FILE        capacity / new-finds changes "
	      "(docs/scenario.md)\n"
	      "  --threads N            worker threads (default: all "
	      "cores);\n"
	      "                         the result does not depend on it\n"
	      "\n"
	      "Percentiles are nearest-rank over the runs; 'never' means "
	      "not finished\nwithin 50 years in too many runs.  Exit status: "
	      "0 success; 1 failure\nwriting outputs; 2 bad arguments or "
	      "unusable input.\n",
	      f);
}

int lr_cmd_project(int argc, char **argv)
{
	enum {
		O_DEADLINE = 256,
		O_WINDOW,
		O_RUNS,
		O_SEED,
		O_CONFIDENCE,
		O_SCENARIO,
		O_THREADS,
		O_HELP
	};
	static const struct option opts[] = {
	        {"deadline", required_argument, 0, O_DEADLINE},
	        {"window", required_argument, 0, O_WINDOW},
	        {"runs", required_argument, 0, O_RUNS},
	        {"seed", required_argument, 0, O_SEED},
	        {"confidence", required_argument, 0, O_CONFIDENCE},
	        {"scenario", required_argument, 0, O_SCENARIO},
	        {"threads", required_argument, 0, O_THREADS},
	        {"help", no_argument, 0, O_HELP},
	        {0, 0, 0, 0}};
	lr_projection_options o = {LR_DATE_NONE, 10000, 1, 0.9, 0, NULL};
	long window = 5, v;
	const char *scenario_path = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_DEADLINE:
			o.deadline = lr_date_parse_iso(optarg);
			if (o.deadline == LR_DATE_NONE) {
				fprintf(stderr,
				        "landrelease project: --deadline '%s' "
				        "is not a date YYYY-MM-DD\n",
				        optarg);
				return 2;
			}
			break;
		case O_WINDOW:
			if (!lr_arg_long(optarg, 1, 100, &window)) {
				fprintf(stderr,
				        "landrelease project: --window '%s' "
				        "must be a whole number of years, "
				        "1-100\n",
				        optarg);
				return 2;
			}
			break;
		case O_RUNS:
			if (!lr_arg_long(optarg, 1, 100000000, &v)) {
				fprintf(stderr,
				        "landrelease project: --runs '%s' must "
				        "be a whole number, 1-100000000\n",
				        optarg);
				return 2;
			}
			o.runs = (int)v;
			break;
		case O_SEED: {
			char *end;
			errno = 0;
			unsigned long long s = strtoull(optarg, &end, 10);
			if (end == optarg || *end || errno ||
			    optarg[0] == '-') {
				fprintf(stderr,
				        "landrelease project: --seed '%s' must "
				        "be a whole number >= 0\n",
				        optarg);
				return 2;
			}
			o.seed = s;
			break;
		}
		case O_CONFIDENCE: {
			char *end;
			errno = 0;
			o.confidence = strtod(optarg, &end);
			if (end == optarg || *end || errno ||
			    !(o.confidence > 0 && o.confidence <= 1)) {
				fprintf(stderr,
				        "landrelease project: --confidence "
				        "'%s' must be a share in (0, 1], e.g. "
				        "0.9\n",
				        optarg);
				return 2;
			}
			break;
		}
		case O_SCENARIO:
			scenario_path = optarg;
			break;
		case O_THREADS:
			if (!lr_arg_long(optarg, 1, 4096, &v)) {
				fprintf(stderr,
				        "landrelease project: --threads '%s' "
				        "must be a whole number, 1-4096\n",
				        optarg);
				return 2;
			}
			o.threads = (int)v;
			break;
		case O_HELP:
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (lr_arg_operand("project", "DIR", argc, usage))
		return 2;
	if (o.deadline == LR_DATE_NONE) {
		fprintf(stderr, "landrelease project: --deadline YYYY-MM-DD "
		                "is required\n");
		return 2;
	}
	const char *dir = argv[optind];
	char store[PATH_MAX], out[PATH_MAX];
	snprintf(store, sizeof store, "%s/landrelease.sqlite", dir);
	snprintf(out, sizeof out, "%s/completion.csv", dir);

	lr_error err;
	lr_error_clear(&err);
	lr_scenario *scenario = NULL;
	lr_history *h = NULL;
	lr_projection *p = NULL;
	/* A run of analyze killed while replacing its outputs is finished
	** first, so the store read is one whole run's. */
	int rc = lr_commit_recover(dir, &err);
	if (rc != LR_OK)
		goto done;
	if (scenario_path &&
	    (rc = lr_scenario_load(scenario_path, &scenario, &err)) != LR_OK)
		goto done;
	if ((rc = lr_history_load(store, (int)window, &h, &err)) != LR_OK)
		goto done;
	o.scenario = scenario;
	if ((rc = lr_project(h, &o, &p, &err)) != LR_OK)
		goto done;
	for (size_t i = 0; i < p->notes.len; i++)
		fprintf(stderr, "landrelease project: warning: %s\n",
		        LR_VEC_AT(&p->notes, char *, i));
	if ((rc = lr_projection_write_csv(p, out, &err)) != LR_OK)
		goto done;
	const lr_projection_row *t = &p->rows[p->n_rows - 1];
	char b[3][16];
	for (int k = 0; k < LR_N_PCT; k++) {
		if (t->pct[k] == LR_DATE_NEVER)
			snprintf(b[k], sizeof b[k], "never");
		else
			lr_date_format(t->pct[k], b[k]);
	}
	printf("%s: %d regions, %d runs; national completion P10 %s, P50 "
	       "%s, P90 %s; on time %.1f%%\n",
	       out, p->n_rows - 1, p->runs, b[0], b[1], b[2],
	       100.0 * (double)t->on_time / p->runs);
done:
	if (rc != LR_OK)
		fprintf(stderr, "landrelease project: %s\n", err.msg);
	lr_projection_free(p);
	lr_history_free(h);
	lr_scenario_free(scenario);
	return lr_cli_exit(rc);
}
