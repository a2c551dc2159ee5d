/*
** landrelease batch: the runs of a manifest, each as child processes of this
** same program (analyze, then project and plan when asked), side by side,
** each run kept only when all its steps succeeded; then summary.csv.  The
** runner is engine/batch's (lr_batch_execute); here are the options, the
** command lines of the steps and what is printed.
*/
#include "batch_argv.h"
#include "commands.h"
#include "lr_batch.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

/* The program that runs each step: this executable, whatever its path. */
#define SELF_EXE "/proc/self/exe"

static void usage(FILE *f)
{
	fputs("usage: landrelease batch MANIFEST --out DIR [--jobs N] "
	      "[--shard I/N]\n"
	      "                         [--resume] [--summary-only]\n"
	      "\n"
	      "Run every [run NAME] of the manifest (INI; docs/batch.md): "
	      "analyze, then\nproject when it has a deadline and plan when "
	      "it has a target.  DIR/NAME/\nholds what those commands "
	      "write when run alone; it appears only when\nevery step "
	      "succeeded.  DIR/summary.csv and DIR/summary.md give one "
	      "row\nper run; DIR/NAME.log the output of its steps.\n"
	      "\n"
	      "  --out DIR       output folder (created if missing)\n"
	      "  --jobs N        runs side by side (default 1); each gets "
	      "cores/N threads\n"
	      "  --shard I/N     only runs whose position (from 0) modulo N "
	      "is I-1;\n"
	      "                  writes DIR/summary-I-of-N.csv\n"
	      "  --resume        skip runs whose finished result matches "
	      "their settings\n"
	      "                  and inputs (content hash)\n"
	      "  --summary-only  run nothing: gather DIR/summary.csv from "
	      "the run folders\n"
	      "\n"
	      "Exit status: 0 every run succeeded; 1 some run failed; 2 bad "
	      "arguments or\nan unusable manifest (the message names the "
	      "file and line).\n",
	      f);
}

static bool parse_shard(const char *s, int *i, int *n)
{
	char *end;
	errno = 0;
	long a = strtol(s, &end, 10);
	if (end == s || *end != '/' || errno)
		return false;
	const char *t = end + 1;
	long c = strtol(t, &end, 10);
	if (end == t || *end || errno || c < 1 || c > 100000 || a < 1 || a > c)
		return false;
	*i = (int)a;
	*n = (int)c;
	return true;
}

typedef struct batch_args {
	const char *manifest; /* borrowed from argv */
	lr_batch_options o;
} batch_args;

/* Parse argv into *a; -1 when the command may go on, else the exit status
** (0 after --help). */
static int parse_args(int argc, char **argv, batch_args *a)
{
	enum { O_OUT = 256, O_JOBS, O_SHARD, O_RESUME, O_SUMMARY, O_HELP };
	static const struct option opts[] = {
	        {"out", required_argument, 0, O_OUT},
	        {"jobs", required_argument, 0, O_JOBS},
	        {"shard", required_argument, 0, O_SHARD},
	        {"resume", no_argument, 0, O_RESUME},
	        {"summary-only", no_argument, 0, O_SUMMARY},
	        {"help", no_argument, 0, O_HELP},
	        {0, 0, 0, 0}};
	lr_batch_options *o = &a->o;
	long jobs = 1;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hj:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
		case O_OUT:
			o->out = optarg;
			break;
		case 'j':
		case O_JOBS:
			if (!lr_arg_long(optarg, 1, 4096, &jobs)) {
				fprintf(stderr,
				        "landrelease batch: --jobs '%s' must "
				        "be a whole number, 1-4096\n",
				        optarg);
				return 2;
			}
			break;
		case O_SHARD:
			if (!parse_shard(optarg, &o->shard_i, &o->shard_n)) {
				fprintf(stderr,
				        "landrelease batch: --shard '%s': use "
				        "I/N with 1 <= I <= N, e.g. 2/3\n",
				        optarg);
				return 2;
			}
			break;
		case O_RESUME:
			o->resume = true;
			break;
		case O_SUMMARY:
			o->summary_only = true;
			break;
		case 'h':
		case O_HELP:
			usage(stdout);
			return 0;
		default:
			return lr_arg_bad_option("batch", c, argv);
		}
	}
	o->jobs = (int)jobs;
	if (lr_arg_operand("batch", "MANIFEST", argc))
		return 2;
	a->manifest = argv[optind];
	if (!o->out)
		return lr_arg_usage("batch", "--out DIR is required");
	if (o->summary_only && o->shard_n) {
		fprintf(stderr, "landrelease batch: --summary-only gathers "
		                "every run; drop --shard\n");
		return 2;
	}
	return -1;
}

/* The runner's hooks: each step is typed as a user would, "landrelease
** STEP ..."; what it reports goes to stderr. */
static int step_argv(void *user, const lr_batch_run *r, lr_batch_step s,
                     const char *out_dir, int threads, char ***argv,
                     lr_error *err)
{
	(void)user;
	return lr_cli_batch_argv(r, s, "landrelease", out_dir, threads, argv,
	                         err);
}

static void step_argv_free(void *user, char **argv)
{
	(void)user;
	lr_cli_batch_argv_free(argv);
}

static void run_ended(void *user, const lr_batch_row *r, int done, int total,
                      bool skipped)
{
	(void)user;
	if (r->ok)
		fprintf(stderr,
		        "landrelease batch: [%d/%d] %s ok%s %.2f s, remaining "
		        "%s m2\n",
		        done, total, r->run,
		        skipped ? " (unchanged, skipped)" : "", r->seconds,
		        r->remaining_m2);
	else
		fprintf(stderr,
		        "landrelease batch: [%d/%d] %s failed %.2f s: %s\n",
		        done, total, r->run, r->seconds, r->error);
}

static void note(void *user, const char *text)
{
	(void)user;
	fprintf(stderr, "landrelease batch: %s\n", text);
}

int lr_cmd_batch(int argc, char **argv)
{
	batch_args a = {.o = {.program = SELF_EXE}};
	int status = parse_args(argc, argv, &a);
	if (status >= 0)
		return status;
	lr_error err;
	lr_error_clear(&err);
	lr_manifest *m = NULL;
	if (lr_manifest_load(a.manifest, &m, &err) != LR_OK)
		return lr_cli_fail("batch", &err);
	lr_batch_hooks hooks = {.argv = step_argv,
	                        .argv_free = step_argv_free,
	                        .run_ended = run_ended,
	                        .progress = {NULL, note, NULL}};
	lr_batch_totals t;
	int rc = lr_batch_execute(m, &a.o, &hooks, &t, &err);
	lr_manifest_free(m);
	if (rc != LR_OK)
		status = lr_cli_fail("batch", &err);
	if (t.summary_csv[0])
		fprintf(stderr,
		        "landrelease batch: %d run%s: %d ok (%d unchanged), %d "
		        "failed, %.2f s; %s\n",
		        t.selected, t.selected == 1 ? "" : "s",
		        t.selected - t.failed, t.skipped, t.failed, t.seconds,
		        t.summary_csv);
	if (rc == LR_OK) /* a failed run fails the batch, as in usage() */
		status = t.failed ? 1 : 0;
	return status;
}
