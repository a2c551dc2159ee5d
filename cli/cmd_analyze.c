/* landrelease analyze: inputs -> ledger -> tables and store. */
#include "commands.h"
#include "lr_engine.h"

#include <getopt.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fputs("usage: landrelease analyze DATASET --out DIR [options]\n"
	      "       landrelease analyze --regions SRC --hazards SRC "
	      "--releases SRC --out DIR [options]\n"
	      "\n"
	      "Build the land ledger from regions, hazards and releases and "
	      "write\nremaining_by_region.csv, release_by_year.csv, "
	      "data_quality.csv,\nform_c.csv (the Article 7 list of areas), "
	      "remaining_by_level.csv and\nrelease_by_year_by_level.csv (when "
	      "regions carry parent_id), completion_by_region.csv,\n"
	      "completion_releases.csv and previously_unknown.csv (the "
	      "declaration of\ncompletion) and landrelease.sqlite into DIR.\n"
	      "\n"
	      "  -o, --out DIR         output folder (created if missing)\n"
	      "  --regions SRC         any GDAL vector source for regions\n"
	      "  --hazards SRC         ... for hazards\n"
	      "  --releases SRC        ... for releases\n"
	      "  --regions-layer NAME  layer to read (also --hazards-layer, "
	      "--releases-layer)\n"
	      "  -m, --map FILE        mapping file for a national schema "
	      "(drafted by\n"
	      "                        `landrelease inspect --write-map`)\n"
	      "  --as-of YYYY-MM-DD    figures as of this date (default: "
	      "latest date in the data)\n"
	      "  --baseline YYYY-MM-DD land recorded on or before is "
	      "baseline, not new\n"
	      "  --scope SCOPE         all (default), AP, or AP,mixed: "
	      "contamination counted\n"
	      "  --assume-crs CRS      CRS for sources that declare none "
	      "(e.g. EPSG:32648)\n"
	      "  --max-vertex-gap M    reject polygons with consecutive "
	      "vertices farther\n"
	      "                        apart than M metres (default 5000; "
	      "0 disables)\n"
	      "  --read-timeout S      refuse a source still being read "
	      "after S seconds\n"
	      "                        (default 3600; 0: no bound); also "
	      "GDAL_HTTP_TIMEOUT\n"
	      "  --max-features N      refuse a source giving more than N "
	      "features\n"
	      "                        (default 20000000; 0: no bound)\n"
	      "  -j, --threads N       worker threads (default: all cores)\n"
	      "  --strict              fail (exit 2) if any feature is "
	      "rejected\n"
	      "  --no-faces            do not store face geometries "
	      "(smaller store)\n"
	      "  -q, --quiet           no progress or summary\n"
	      "  --deadline YYYY-MM-DD then project completion against "
	      "this Article 5\n"
	      "                        deadline (completion.csv, as "
	      "`landrelease project`)\n"
	      "  --target YYYY-MM-DD   then plan the work to finish by this "
	      "date\n"
	      "                        (workplan.csv, as `landrelease "
	      "plan`)\n"
	      "  --timings             print the time of each phase on "
	      "stderr\n"
	      "                        (also with LR_TIMINGS=1)\n"
	      "\n"
	      "Exit status: 0 success; 1 failure writing outputs or "
	      "computing; 2 bad\narguments or unusable input (message on "
	      "stderr names the file).\n",
	      f);
}

static int parse_scope(const char *s)
{
	if (!strcasecmp(s, "all"))
		return LR_CONT_ALL;
	int mask = 0;
	char *copy = strdup(s), *save = NULL;
	if (!copy)
		return -1;
	for (char *t = strtok_r(copy, ",+", &save); t;
	     t = strtok_r(NULL, ",+", &save)) {
		if (!strcasecmp(t, "AP"))
			mask |= LR_CONT_AP;
		else if (!strcasecmp(t, "AV"))
			mask |= LR_CONT_AV;
		else if (!strcasecmp(t, "ERW"))
			mask |= LR_CONT_ERW;
		else if (!strcasecmp(t, "mixed"))
			mask |= LR_CONT_MIXED;
		else {
			mask = -1;
			break;
		}
	}
	free(copy);
	return mask ? mask : -1;
}

static lr_date today(void)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	return lr_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static void print_summary(const lr_dataset *d, const lr_result *r,
                          const char *out, double seconds)
{
	char a[32], b[32], c[32], m2[32], date[16];
	printf("landrelease analyze: ledger as of %s\n",
	       lr_date_format(r->as_of, date));
	printf("  %-9s %9s %9s %9s %9s\n", "layer", "read", "accepted",
	       "repaired", "rejected");
	for (int i = 0; i < 3; i++)
		printf("  %-9s %9lld %9lld %9lld %9lld\n", lr_layer_names[i],
		       (long long)d->counts[i].read,
		       (long long)d->counts[i].accepted,
		       (long long)d->counts[i].repaired,
		       (long long)d->counts[i].rejected);
	lr_remaining_row t = {0};
	for (int i = 0; i <= r->n_regions; i++) {
		t.sha += r->remaining[i].sha;
		t.cha += r->remaining[i].cha;
		t.sha_count += r->remaining[i].sha_count;
		t.cha_count += r->remaining[i].cha_count;
	}
	printf("  faces %lld in %lld clusters; %zu data-quality findings\n",
	       (long long)r->n_faces, (long long)r->n_clusters,
	       d->quality.items.len);
	/* km² as requests publish them; the exact m² of the CSVs beside. */
	printf("  remaining: %s km2 (%s m2) in %lld areas (SHA %s km2 in "
	       "%lld, CHA %s km2 in %lld)\n",
	       lr_cents_format_km2(t.sha + t.cha, a),
	       lr_cents_format(t.sha + t.cha, m2),
	       (long long)(t.sha_count + t.cha_count),
	       lr_cents_format_km2(t.sha, b), (long long)t.sha_count,
	       lr_cents_format_km2(t.cha, c), (long long)t.cha_count);
	printf("  tables in %s/ (%.2f s)\n", out, seconds);
}

/* Whether --out holds the store of an analysis of other sources, which
** this run replaces with the tables beside it: the message saying so is
** written into msg (n bytes), "" when not. */
static void other_store(const char *out, const lr_dataset *d, char *msg,
                        size_t n)
{
	static const char *const keys[3] = {"regions_source", "hazards_source",
	                                    "releases_source"};
	char path[4096], prev[1024];
	msg[0] = '\0';
	snprintf(path, sizeof path, "%s/landrelease.sqlite", out);
	for (int i = 0; i < 3; i++)
		if (lr_store_read_meta(path, keys[i], prev, sizeof prev) ==
		            LR_OK &&
		    strcmp(prev,
		           d->source_label[i] ? d->source_label[i] : "")) {
			snprintf(msg, n,
			         "landrelease analyze: replaced %s and its "
			         "tables, an analysis of other sources (%s: "
			         "%s)\n",
			         path, lr_layer_names[i], prev);
			return;
		}
}

/* With --strict nothing is written: say on stderr what was rejected. */
static void print_rejects(const lr_dataset *d)
{
	size_t shown = 0, n = d->quality.items.len;
	for (size_t i = 0; i < n; i++) {
		const lr_finding *f =
		        &LR_VEC_AT(&d->quality.items, lr_finding, i);
		if (f->severity != LR_SEV_ERROR)
			continue;
		if (shown++ < 20)
			fprintf(stderr, "  %s feature %lld (%s): %s\n",
			        f->layer, (long long)f->feature_id,
			        f->record_id, f->message);
	}
	if (shown > 20)
		fprintf(stderr, "  ... and %zu more\n", shown - 20);
}

/* What the command line asked for.  The strings are borrowed from argv. */
typedef struct analyze_args {
	lr_inputs in;    /* sources, layers, --assume-crs, --max-vertex-gap */
	lr_options opt;  /* --as-of, --baseline, --scope, --threads ... */
	const char *out; /* --out DIR */
	const char *map_path; /* --map FILE; NULL: the identity mapping */
	/* --deadline and --target, checked dates; NULL: no projection, no
	** work plan */
	const char *deadline, *target;
	bool strict, quiet, timings;
	bool help; /* the usage was printed on stdout: nothing to run */
} analyze_args;

enum {
	O_REGIONS = 256,
	O_HAZARDS,
	O_RELEASES,
	O_REGIONS_LAYER,
	O_HAZARDS_LAYER,
	O_RELEASES_LAYER,
	O_MAP,
	O_AS_OF,
	O_BASELINE,
	O_SCOPE,
	O_ASSUME_CRS,
	O_GAP,
	O_READ_TIMEOUT,
	O_MAX_FEATURES,
	O_THREADS,
	O_STRICT,
	O_NO_FACES,
	O_QUIET,
	O_TIMINGS,
	O_DEADLINE,
	O_TARGET,
	O_OUT,
	O_HELP
};

static const struct option options[] = {
        {"regions", required_argument, 0, O_REGIONS},
        {"hazards", required_argument, 0, O_HAZARDS},
        {"releases", required_argument, 0, O_RELEASES},
        {"regions-layer", required_argument, 0, O_REGIONS_LAYER},
        {"hazards-layer", required_argument, 0, O_HAZARDS_LAYER},
        {"releases-layer", required_argument, 0, O_RELEASES_LAYER},
        {"map", required_argument, 0, O_MAP},
        {"as-of", required_argument, 0, O_AS_OF},
        {"baseline", required_argument, 0, O_BASELINE},
        {"scope", required_argument, 0, O_SCOPE},
        {"assume-crs", required_argument, 0, O_ASSUME_CRS},
        {"max-vertex-gap", required_argument, 0, O_GAP},
        {"read-timeout", required_argument, 0, O_READ_TIMEOUT},
        {"max-features", required_argument, 0, O_MAX_FEATURES},
        {"threads", required_argument, 0, O_THREADS},
        {"strict", no_argument, 0, O_STRICT},
        {"no-faces", no_argument, 0, O_NO_FACES},
        {"quiet", no_argument, 0, O_QUIET},
        {"timings", no_argument, 0, O_TIMINGS},
        {"deadline", required_argument, 0, O_DEADLINE},
        {"target", required_argument, 0, O_TARGET},
        {"out", required_argument, 0, O_OUT},
        {"help", no_argument, 0, O_HELP},
        {0, 0, 0, 0}};

/* Print a message about a bad argument on stderr; return LR_ERR_USAGE. */
static lr_status bad_arg(const char *fmt, ...)
        __attribute__((format(printf, 1, 2)));

static lr_status bad_arg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	return LR_ERR_USAGE;
}

/* --as-of and --baseline: the date itself, for the ledger. */
static lr_status parse_ledger_date(int c, const char *arg, lr_options *opt)
{
	lr_date dt = lr_date_parse_iso(arg);
	if (dt == LR_DATE_NONE)
		return bad_arg("landrelease: --%s '%s' is not a date "
		               "(YYYY-MM-DD)\n",
		               c == O_AS_OF ? "as-of" : "baseline", arg);
	*(c == O_AS_OF ? &opt->as_of : &opt->baseline) = dt;
	return LR_OK;
}

/* --deadline and --target: checked here, passed as text to project and
** plan, which parse them again. */
static lr_status parse_follow_on_date(int c, const char *arg, analyze_args *a)
{
	if (lr_date_parse_iso(arg) == LR_DATE_NONE)
		return bad_arg("landrelease analyze: --%s: '%s' is not a date "
		               "(YYYY-MM-DD)\n",
		               c == O_DEADLINE ? "deadline" : "target", arg);
	*(c == O_DEADLINE ? &a->deadline : &a->target) = arg;
	return LR_OK;
}

/* --max-vertex-gap: metres, 0 disabling the check (-1 to the reader). */
static lr_status parse_gap(const char *arg, lr_source_options *so)
{
	char *end;
	double g = strtod(arg, &end);
	if (*end || g < 0)
		return bad_arg("landrelease: --max-vertex-gap '%s' is not a "
		               "distance in metres\n",
		               arg);
	so->max_vertex_gap_m = g == 0 ? -1 : g;
	return LR_OK;
}

/* --read-timeout S and --max-features N: the bounds on reading each source. */
static lr_status parse_bound(int c, const char *arg, lr_source_options *so)
{
	double v;
	bool timeout = c == O_READ_TIMEOUT;
	if (!lr_arg_bound(arg, !timeout, &v))
		return bad_arg("landrelease analyze: --%s '%s' must be %s, "
		               "0 for no bound\n",
		               timeout ? "read-timeout" : "max-features", arg,
		               timeout ? "a number of seconds"
		                       : "a whole number");
	if (timeout)
		so->read_timeout_s = v;
	else
		so->max_features = (int64_t)v;
	return LR_OK;
}

/* One option c (a getopt_long result) with its argument into a. */
static lr_status parse_option(int c, const char *arg, analyze_args *a)
{
	switch (c) {
	case O_REGIONS:
	case O_HAZARDS:
	case O_RELEASES:
		a->in.source[c - O_REGIONS] = arg;
		return LR_OK;
	case O_REGIONS_LAYER:
	case O_HAZARDS_LAYER:
	case O_RELEASES_LAYER:
		a->in.layer[c - O_REGIONS_LAYER] = arg;
		return LR_OK;
	case 'm':
	case O_MAP:
		a->map_path = arg;
		return LR_OK;
	case O_AS_OF:
	case O_BASELINE:
		return parse_ledger_date(c, arg, &a->opt);
	case O_SCOPE:
		a->opt.scope = parse_scope(arg);
		if (a->opt.scope < 0)
			return bad_arg("landrelease: --scope '%s': use all, "
			               "AP, or a list such as AP,mixed\n",
			               arg);
		return LR_OK;
	case O_ASSUME_CRS:
		a->in.source_options.assume_crs = arg;
		return LR_OK;
	case O_GAP:
		return parse_gap(arg, &a->in.source_options);
	case O_READ_TIMEOUT:
	case O_MAX_FEATURES:
		return parse_bound(c, arg, &a->in.source_options);
	case 'j':
	case O_THREADS:
		a->opt.threads = atoi(arg);
		if (a->opt.threads < 1)
			return bad_arg("landrelease: --threads must be at "
			               "least 1\n");
		return LR_OK;
	case O_STRICT:
		a->strict = true;
		return LR_OK;
	case O_NO_FACES:
		a->opt.keep_faces = false;
		return LR_OK;
	case 'q':
	case O_QUIET:
		a->quiet = true;
		return LR_OK;
	case O_TIMINGS:
		a->timings = true;
		return LR_OK;
	case O_DEADLINE:
	case O_TARGET:
		return parse_follow_on_date(c, arg, a);
	case 'o':
	case O_OUT:
		a->out = arg;
		return LR_OK;
	case 'h':
	case O_HELP:
		usage(stdout);
		a->help = true;
		return LR_OK;
	default:
		return LR_ERR_USAGE; /* said by parse_args */
	}
}

/* After the options: the DATASET operand, and what must be given together. */
static lr_status check_args(int argc, char **argv, analyze_args *a)
{
	if (optind < argc)
		a->in.dataset = argv[optind++];
	if (optind < argc)
		return bad_arg("landrelease analyze: unexpected argument "
		               "'%s'\n",
		               argv[optind]);
	if (!a->out) {
		lr_arg_usage("analyze", "--out DIR is required");
		return LR_ERR_USAGE;
	}
	for (int i = 0; i < 3; i++)
		if (!a->in.dataset && !a->in.source[i])
			return bad_arg("landrelease analyze: no source for %s: "
			               "give DATASET or --%s SRC\n",
			               lr_layer_names[i], lr_layer_names[i]);
	if (a->opt.as_of != LR_DATE_NONE && a->opt.baseline != LR_DATE_NONE &&
	    a->opt.baseline > a->opt.as_of)
		return bad_arg("landrelease analyze: --baseline is after "
		               "--as-of\n");
	return LR_OK;
}

/*
** Parse argv into *a.  LR_OK with a->help false: run; LR_OK with a->help:
** the usage is printed, nothing to run; LR_ERR_USAGE: the message is printed
** on stderr.  LR_TIMINGS=1 in the environment is --timings.
*/
static lr_status parse_args(int argc, char **argv, analyze_args *a)
{
	const char *timings_env = getenv("LR_TIMINGS");
	*a = (analyze_args){.opt = {.as_of = LR_DATE_NONE,
	                            .baseline = LR_DATE_NONE,
	                            .scope = LR_CONT_ALL,
	                            .threads = 0,
	                            .keep_faces = true},
	                    .timings = timings_env && *timings_env &&
	                               strcmp(timings_env, "0")};
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qj:m:h", options, NULL)) !=
	       -1) {
		if (c == '?' || c == ':') {
			lr_arg_bad_option("analyze", c, argv);
			return LR_ERR_USAGE;
		}
		lr_status st = parse_option(c, optarg, a);
		if (st != LR_OK || a->help)
			return st;
	}
	return check_args(argc, argv, a);
}

/* What one run owns, freed by analysis_free(), and when its phases
** ended (lr_now_seconds(); c_: lr_cpu_seconds()), for --timings. */
typedef struct analysis {
	lr_mapping *map; /* owned; NULL: the identity mapping */
	lr_dataset d;    /* owned; the accepted and rejected features */
	lr_result *r;    /* owned; the ledger; NULL until computed */
	double t0, t_read, t_ledger0, t_ledger;
	double c0, c_read, c_ledger0, c_ledger;
} analysis;

static void analysis_free(analysis *an)
{
	lr_result_free(an->r);
	lr_dataset_free(&an->d);
	lr_mapping_free(an->map);
}

/* --strict: any rejected feature fails the run, before anything is
** written. */
static int check_strict(const lr_dataset *d, lr_error *err)
{
	for (int i = 0; i < 3; i++)
		if (d->counts[i].rejected) {
			print_rejects(d);
			return lr_error_set(err, LR_ERR_INPUT,
			                    "--strict: %lld %s rejected",
			                    (long long)d->counts[i].rejected,
			                    lr_layer_names[i]);
		}
	return LR_OK;
}

/* The mapping, then the three layers into an->d.  LR_OK or the code of
** the failure, err set. */
static int read_inputs(analyze_args *a, analysis *an, lr_error *err)
{
	int rc = a->map_path ? lr_mapping_load(a->map_path, &an->map, err)
	                     : LR_OK;
	if (rc != LR_OK)
		return rc;
	a->in.mapping = an->map;
	double bound = a->in.source_options.read_timeout_s;
	lr_cli_watchdog_arm("analyze",
	                    bound == 0 ? LR_READ_TIMEOUT_DEFAULT : bound, 3);
	rc = lr_ingest(&a->in, &an->d, err);
	lr_cli_watchdog_disarm();
	if (rc != LR_OK)
		return rc;
	an->t_read = lr_now_seconds();
	an->c_read = lr_cpu_seconds();
	return a->strict ? check_strict(&an->d, err) : LR_OK;
}

/* The ledger, its faces streamed into the store as it makes them; then
** the rest of the store and the tables into --out, replacing them as one
** set, with a note on stderr when they replace an analysis of other
** sources.  A failed ledger leaves --out as it was. */
static int ledger_and_outputs(analyze_args *a, analysis *an, lr_error *err)
{
	char replaced[5200];
	other_store(a->out, &an->d, replaced, sizeof replaced);
	lr_outputs *out = NULL;
	int rc = lr_outputs_open(&an->d, a->out,
	                         a->timings ? a->opt.progress : NULL,
	                         a->opt.threads, &out, err);
	if (rc != LR_OK)
		return rc;
	lr_options opt = a->opt;
	lr_outputs_stream(out, &opt);
	an->t_ledger0 = lr_now_seconds();
	an->c_ledger0 = lr_cpu_seconds();
	rc = lr_analyze(&an->d, &opt, &an->r, err);
	if (rc != LR_OK) {
		lr_outputs_abort(out);
		return rc;
	}
	an->t_ledger = lr_now_seconds();
	an->c_ledger = lr_cpu_seconds();
	if (a->opt.progress->step)
		fprintf(stderr, "writing the store and the tables into %s/\n",
		        a->out);
	rc = lr_outputs_close(out, an->r, err);
	if (rc == LR_OK)
		fputs(replaced, stderr);
	return rc;
}

/* Inputs -> ledger -> outputs, with --timings on stderr.  LR_OK or the
** code of the failure, err set. */
static int run_analysis(analyze_args *a, analysis *an, lr_error *err)
{
	int rc = read_inputs(a, an, err);
	if (rc != LR_OK)
		return rc;
	rc = ledger_and_outputs(a, an, err);
	if (rc != LR_OK)
		return rc;
	if (a->timings)
		fprintf(stderr,
		        "timings: read %.3f s, ledger %.3f s, store and tables "
		        "%.3f s, total %.3f s\n",
		        an->t_read - an->t0, an->t_ledger - an->t_ledger0,
		        lr_now_seconds() - an->t_ledger,
		        lr_now_seconds() - an->t0);
	if (a->timings)
		fprintf(stderr,
		        "timings: CPU (all threads): read %.3f s, ledger %.3f "
		        "s, store and tables %.3f s, total %.3f s\n",
		        an->c_read - an->c0, an->c_ledger - an->c_ledger0,
		        lr_cpu_seconds() - an->c_ledger,
		        lr_cpu_seconds() - an->c0);
	return LR_OK;
}

/* --deadline and --target: the projection and the work plan with their
** defaults, as `project` and `plan` would run them.  Their exit status. */
static int run_follow_on(const analyze_args *a)
{
	int status = 0;
	if (a->deadline) {
		char *args[] = {"project", (char *)a->out, "--deadline",
		                (char *)a->deadline, NULL};
		status = lr_cmd_project(4, args);
	}
	if (a->target && status == 0) {
		char *args[] = {"plan", (char *)a->out, "--target",
		                (char *)a->target, NULL};
		status = lr_cmd_plan(4, args);
	}
	return status;
}

int lr_cmd_analyze(int argc, char **argv)
{
	analyze_args a;
	lr_status st = parse_args(argc, argv, &a);
	if (st != LR_OK || a.help)
		return lr_cli_exit(st);
	lr_progress progress =
	        lr_cli_progress(!a.quiet && isatty(STDERR_FILENO));
	a.opt.progress = &progress;
	a.opt.timings = a.timings;
	a.in.progress = &progress;
	a.in.threads = a.opt.threads;
	a.in.today = today();

	analysis an = {.t0 = lr_now_seconds(), .c0 = lr_cpu_seconds()};
	lr_error err = {0};
	int status;
	lr_dataset_init(&an.d);
	if (run_analysis(&a, &an, &err) != LR_OK) {
		status = lr_cli_fail("analyze", &err);
	} else {
		if (!a.quiet)
			print_summary(&an.d, an.r, a.out,
			              lr_now_seconds() - an.t0);
		status = run_follow_on(&a);
	}
	analysis_free(&an);
	return status;
}
