/* landrelease project: store -> Monte Carlo completion dates. */
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
	fputs("usage: landrelease project DIR --deadline YYYY-MM-DD "
	      "[options]\n"
	      "\n"
	      "Project when each region's remaining hazardous land will be "
	      "released,\nby drawing whole historical years from "
	      "DIR/landrelease.sqlite (written by\n`landrelease analyze`), "
	      "and write DIR/completion.csv\n(and DIR/history_years.csv: the "
	      "years "
	      "drawn, and where each came from).\n"
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
	      "  --history FILE         published annual figures (CSV: year, "
	      "cancelled/\n"
	      "                         reduced/cleared or released, "
	      "optionally new and a\n"
	      "                         region); its years replace the "
	      "store's history\n"
	      "  --history-extend       the file's years fill in and override "
	      "the store's\n"
	      "                         instead of replacing them\n"
	      "  --model national|regional\n"
	      "                         national (default): the country's "
	      "drawn release is\n"
	      "                         one pool spent where land remains; "
	      "regional: each\n"
	      "                         region at its own drawn pace\n"
	      "  -j, --threads N        worker threads (default: all "
	      "cores);\n"
	      "                         the result does not depend on it\n"
	      "\n"
	      "Percentiles are nearest-rank over the runs; 'never' means "
	      "not finished\nwithin 50 years in too many runs, and its reason "
	      "is in the reason column\nand on stderr.  Exit status: "
	      "0 success; 1 failure\nwriting outputs; 2 bad arguments or "
	      "unusable input.\n",
	      f);
}

enum {
	O_DEADLINE = 256,
	O_WINDOW,
	O_RUNS,
	O_SEED,
	O_CONFIDENCE,
	O_SCENARIO,
	O_THREADS,
	O_MODEL,
	O_HISTORY,
	O_HISTORY_EXTEND,
	O_HELP
};

/* What the command line asks for; the strings are borrowed from argv. */
typedef struct project_args {
	lr_projection_options o; /* o.scenario is set once loaded */
	long window;
	const char *scenario_path; /* NULL: none */
	const char *history_path;  /* NULL: the store's own history */
	bool history_extend;
	const char *dir;
} project_args;

/* Set option c from its argument.  LR_OK, or LR_ERR_USAGE naming it. */
static int set_option(project_args *a, int c, const char *arg, lr_error *err)
{
	char *end;
	long v;
	errno = 0;
	switch (c) {
	case O_DEADLINE:
		a->o.deadline = lr_date_parse_iso(arg);
		if (a->o.deadline == LR_DATE_NONE)
			return lr_error_set(err, LR_ERR_USAGE,
			                    "--deadline '%s' is not a date "
			                    "YYYY-MM-DD",
			                    arg);
		return LR_OK;
	case O_WINDOW:
		if (!lr_arg_long(arg, 1, 100, &a->window))
			return lr_error_set(err, LR_ERR_USAGE,
			                    "--window '%s' must be a whole "
			                    "number of years, 1-100",
			                    arg);
		return LR_OK;
	case O_RUNS:
		if (!lr_arg_long(arg, 1, 100000000, &v))
			return lr_error_set(
			        err, LR_ERR_USAGE,
			        "--runs '%s' must be a whole number, "
			        "1-100000000",
			        arg);
		a->o.runs = (int)v;
		return LR_OK;
	case O_SEED: {
		unsigned long long s = strtoull(arg, &end, 10);
		if (end == arg || *end || errno || arg[0] == '-')
			return lr_error_set(
			        err, LR_ERR_USAGE,
			        "--seed '%s' must be a whole number "
			        ">= 0",
			        arg);
		a->o.seed = s;
		return LR_OK;
	}
	case O_CONFIDENCE:
		a->o.confidence = strtod(arg, &end);
		if (end == arg || *end || errno ||
		    !(a->o.confidence > 0 && a->o.confidence <= 1))
			return lr_error_set(err, LR_ERR_USAGE,
			                    "--confidence '%s' must be a share "
			                    "in (0, 1], e.g. 0.9",
			                    arg);
		return LR_OK;
	case O_SCENARIO:
		a->scenario_path = arg;
		return LR_OK;
	case O_HISTORY:
		a->history_path = arg;
		return LR_OK;
	case O_HISTORY_EXTEND:
		a->history_extend = true;
		return LR_OK;
	case O_THREADS:
		if (!lr_arg_long(arg, 1, 4096, &v))
			return lr_error_set(err, LR_ERR_USAGE,
			                    "--threads '%s' must be a whole "
			                    "number, 1-4096",
			                    arg);
		a->o.threads = (int)v;
		return LR_OK;
	case O_MODEL:
		if (lr_model_parse(arg) < 0)
			return lr_error_set(err, LR_ERR_USAGE,
			                    "--model '%s' must be national or "
			                    "regional",
			                    arg);
		a->o.model = (lr_model)lr_model_parse(arg);
		return LR_OK;
	}
	return lr_error_set(err, LR_ERR_INTERNAL, "option %d unhandled", c);
}

/*
** Parse argv into a.  -1 when the command is to run; otherwise the exit
** status, with the usage or the error already on stdout or stderr.
*/
static int parse_args(int argc, char **argv, project_args *a)
{
	static const struct option opts[] = {
	        {"deadline", required_argument, 0, O_DEADLINE},
	        {"window", required_argument, 0, O_WINDOW},
	        {"runs", required_argument, 0, O_RUNS},
	        {"seed", required_argument, 0, O_SEED},
	        {"confidence", required_argument, 0, O_CONFIDENCE},
	        {"scenario", required_argument, 0, O_SCENARIO},
	        {"threads", required_argument, 0, O_THREADS},
	        {"model", required_argument, 0, O_MODEL},
	        {"history", required_argument, 0, O_HISTORY},
	        {"history-extend", no_argument, 0, O_HISTORY_EXTEND},
	        {"help", no_argument, 0, O_HELP},
	        {0, 0, 0, 0}};
	lr_error err;
	lr_error_clear(&err);
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hj:", opts, NULL)) != -1) {
		if (c == O_HELP || c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == 'j')
			c = O_THREADS;
		if (c < O_DEADLINE)
			return lr_arg_bad_option("project", c, argv);
		if (set_option(a, c, optarg, &err) != LR_OK)
			return lr_cli_fail("project", &err);
	}
	int status = lr_arg_operand("project", "DIR", argc);
	if (status)
		return status;
	if (a->o.deadline == LR_DATE_NONE)
		return lr_arg_usage("project",
		                    "--deadline YYYY-MM-DD is required");
	a->dir = argv[optind];
	return -1;
}

/* The national row of p, as one line on stdout. */
static void print_summary(const lr_projection *p, const char *out)
{
	const lr_projection_row *t = &p->rows[p->n_rows - 1];
	char b[LR_N_PCT][16];
	for (int k = 0; k < LR_N_PCT; k++) {
		if (t->pct[k] == LR_DATE_NEVER)
			snprintf(b[k], sizeof b[k], "never");
		else
			lr_date_format(t->pct[k], b[k]);
	}
	printf("%s: %d regions, %d runs, %s model; national completion P10 "
	       "%s, P50 %s, P90 %s; on time %.1f%%",
	       out, p->n_rows - 1, p->runs, lr_model_name(p->model), b[0], b[1],
	       b[2], 100.0 * (double)t->on_time / p->runs);
	if (t->extension_years >= 0)
		printf("; extension %d years\n", t->extension_years);
	else
		printf("; extension never\n");
}

/*
** Project the store of a->dir into a->dir/completion.csv: the notes as
** warnings on stderr, the national completion on stdout.
*/
static int project(project_args *a, lr_error *err)
{
	char store[PATH_MAX], out[PATH_MAX], years[PATH_MAX];
	snprintf(store, sizeof store, "%s/" LR_STORE_FILE, a->dir);
	snprintf(out, sizeof out, "%s/completion.csv", a->dir);
	snprintf(years, sizeof years, "%s/history_years.csv", a->dir);
	lr_vec notes; /* char *, owned */
	lr_vec_init(&notes, sizeof(char *));
	lr_scenario *scenario = NULL;
	lr_history *h = NULL;
	lr_projection *p = NULL;
	/* A run of analyze killed while replacing its outputs is finished
	** first, so the store read is one whole run's. */
	int rc = lr_commit_recover(a->dir, err);
	if (rc != LR_OK ||
	    (a->scenario_path &&
	     (rc = lr_scenario_load(a->scenario_path, &scenario, err)) !=
	             LR_OK) ||
	    (rc = lr_history_read(store, (int)a->window, a->history_path,
	                          a->history_extend, &h, &notes, err)) != LR_OK)
		goto fail;
	for (size_t i = 0; i < notes.len; i++)
		fprintf(stderr, "landrelease project: note: %s\n",
		        LR_VEC_AT(&notes, char *, i));
	a->o.scenario = scenario;
	if ((rc = lr_project(h, &a->o, &p, err)) != LR_OK)
		goto fail;
	for (size_t i = 0; i < p->notes.len; i++)
		fprintf(stderr, "landrelease project: warning: %s\n",
		        LR_VEC_AT(&p->notes, char *, i));
	if ((rc = lr_projection_write_csv(p, out, err)) != LR_OK ||
	    (rc = lr_history_write_years(h, years, err)) != LR_OK)
		goto fail;
	print_summary(p, out);
fail:
	for (size_t i = 0; i < notes.len; i++)
		free(LR_VEC_AT(&notes, char *, i));
	lr_vec_free(&notes);
	lr_projection_free(p);
	lr_history_free(h);
	lr_scenario_free(scenario);
	return rc;
}

int lr_cmd_project(int argc, char **argv)
{
	project_args a = {
	        .o = {LR_DATE_NONE, 10000, 1, 0.9, 0, NULL, LR_MODEL_NATIONAL},
	        .window = 5};
	int status = parse_args(argc, argv, &a);
	if (status >= 0)
		return status;
	lr_error err;
	lr_error_clear(&err);
	if (project(&a, &err) != LR_OK)
		return lr_cli_fail("project", &err);
	return 0;
}
