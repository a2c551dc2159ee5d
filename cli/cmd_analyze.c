/* landrelease analyze: inputs -> ledger -> tables and store. */
#include "commands.h"
#include "lr_engine.h"

#include <getopt.h>
#include <omp.h>
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
	      "data_quality.csv and\nlandrelease.sqlite into DIR.\n"
	      "\n"
	      "  --out DIR             output folder (created if missing)\n"
	      "  --regions SRC         any GDAL vector source for regions\n"
	      "  --hazards SRC         ... for hazards\n"
	      "  --releases SRC        ... for releases\n"
	      "  --regions-layer NAME  layer to read (also --hazards-layer, "
	      "--releases-layer)\n"
	      "  --map FILE            mapping file for a national schema\n"
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
	      "  --threads N           worker threads (default: all cores)\n"
	      "  --strict              fail (exit 2) if any feature is "
	      "rejected\n"
	      "  --no-faces            do not store face geometries "
	      "(smaller store)\n"
	      "  --quiet               no progress or summary\n"
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
	char a[32], b[32], c[32], date[16];
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
	lr_remaining_row t = {0, 0, 0, 0};
	for (int i = 0; i <= r->n_regions; i++) {
		t.sha += r->remaining[i].sha;
		t.cha += r->remaining[i].cha;
		t.sha_count += r->remaining[i].sha_count;
		t.cha_count += r->remaining[i].cha_count;
	}
	printf("  faces %lld in %lld clusters; %zu data-quality findings\n",
	       (long long)r->n_faces, (long long)r->n_clusters,
	       d->quality.items.len);
	printf("  remaining: %s m2 in %lld areas (SHA %s m2 in %lld, CHA %s "
	       "m2 in %lld)\n",
	       lr_cents_format(t.sha + t.cha, a),
	       (long long)(t.sha_count + t.cha_count),
	       lr_cents_format(t.sha, b), (long long)t.sha_count,
	       lr_cents_format(t.cha, c), (long long)t.cha_count);
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

int lr_cmd_analyze(int argc, char **argv)
{
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
	static const struct option opts[] = {
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
	lr_inputs in = {0};
	lr_options opt = {.as_of = LR_DATE_NONE,
	                  .baseline = LR_DATE_NONE,
	                  .scope = LR_CONT_ALL,
	                  .threads = 0,
	                  .keep_faces = true};
	const char *out = NULL, *map_path = NULL;
	const char *deadline = NULL, *target = NULL;
	bool strict = false, quiet = false;
	const char *timings_env = getenv("LR_TIMINGS");
	bool timings = timings_env && *timings_env && strcmp(timings_env, "0");
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case O_REGIONS:
		case O_HAZARDS:
		case O_RELEASES:
			in.source[c - O_REGIONS] = optarg;
			break;
		case O_REGIONS_LAYER:
		case O_HAZARDS_LAYER:
		case O_RELEASES_LAYER:
			in.layer[c - O_REGIONS_LAYER] = optarg;
			break;
		case O_MAP:
			map_path = optarg;
			break;
		case O_AS_OF:
		case O_BASELINE: {
			lr_date dt = lr_date_parse_iso(optarg);
			if (dt == LR_DATE_NONE) {
				fprintf(stderr,
				        "landrelease: --%s '%s' is not a date "
				        "(YYYY-MM-DD)\n",
				        c == O_AS_OF ? "as-of" : "baseline",
				        optarg);
				return 2;
			}
			*(c == O_AS_OF ? &opt.as_of : &opt.baseline) = dt;
			break;
		}
		case O_SCOPE:
			opt.scope = parse_scope(optarg);
			if (opt.scope < 0) {
				fprintf(stderr,
				        "landrelease: --scope '%s': use all, "
				        "AP, or a list such as AP,mixed\n",
				        optarg);
				return 2;
			}
			break;
		case O_ASSUME_CRS:
			in.source_options.assume_crs = optarg;
			break;
		case O_GAP: {
			char *end;
			double g = strtod(optarg, &end);
			if (*end || g < 0) {
				fprintf(stderr,
				        "landrelease: --max-vertex-gap '%s' "
				        "is not a distance in metres\n",
				        optarg);
				return 2;
			}
			in.source_options.max_vertex_gap_m = g == 0 ? -1 : g;
			break;
		}
		case O_THREADS:
			opt.threads = atoi(optarg);
			if (opt.threads < 1) {
				fprintf(stderr, "landrelease: --threads must "
				                "be at least 1\n");
				return 2;
			}
			break;
		case O_STRICT:
			strict = true;
			break;
		case O_NO_FACES:
			opt.keep_faces = false;
			break;
		case O_QUIET:
			quiet = true;
			break;
		case O_TIMINGS:
			timings = true;
			break;
		case O_DEADLINE:
		case O_TARGET:
			if (lr_date_parse_iso(optarg) == LR_DATE_NONE) {
				fprintf(stderr,
				        "landrelease analyze: --%s: '%s' is "
				        "not "
				        "a date (YYYY-MM-DD)\n",
				        c == O_DEADLINE ? "deadline" : "target",
				        optarg);
				return 2;
			}
			*(c == O_DEADLINE ? &deadline : &target) = optarg;
			break;
		case 'o':
		case O_OUT:
			out = optarg;
			break;
		case 'h':
		case O_HELP:
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		in.dataset = argv[optind++];
	if (optind < argc) {
		fprintf(stderr,
		        "landrelease analyze: unexpected argument "
		        "'%s'\n",
		        argv[optind]);
		return 2;
	}
	if (!out) {
		fprintf(stderr, "landrelease analyze: --out DIR is required\n");
		usage(stderr);
		return 2;
	}
	for (int i = 0; i < 3; i++)
		if (!in.dataset && !in.source[i]) {
			fprintf(stderr,
			        "landrelease analyze: no source for %s: give "
			        "DATASET or --%s SRC\n",
			        lr_layer_names[i], lr_layer_names[i]);
			return 2;
		}
	if (opt.as_of != LR_DATE_NONE && opt.baseline != LR_DATE_NONE &&
	    opt.baseline > opt.as_of) {
		fprintf(stderr, "landrelease analyze: --baseline is after "
		                "--as-of\n");
		return 2;
	}
	lr_progress progress = lr_cli_progress(!quiet && isatty(STDERR_FILENO));
	opt.progress = &progress;
	opt.timings = timings;
	in.today = today();

	double t0 = lr_now_seconds();
	lr_error err = {0};
	lr_mapping *map = NULL;
	lr_dataset d;
	lr_result *r = NULL;
	int status = 0;
	lr_dataset_init(&d);
	if (map_path && lr_mapping_load(map_path, &map, &err) != LR_OK)
		goto fail;
	in.mapping = map;
	in.progress = &progress;
	in.threads = opt.threads;
	if (lr_ingest(&in, &d, &err) != LR_OK)
		goto fail;
	double t_read = lr_now_seconds();
	if (strict) {
		for (int i = 0; i < 3; i++)
			if (d.counts[i].rejected) {
				print_rejects(&d);
				lr_error_set(&err, LR_ERR_INPUT,
				             "--strict: %lld %s rejected",
				             (long long)d.counts[i].rejected,
				             lr_layer_names[i]);
				goto fail;
			}
	}
	double t_ledger0 = lr_now_seconds();
	if (lr_analyze(&d, &opt, &r, &err) != LR_OK)
		goto fail;
	double t_ledger = lr_now_seconds();
	char replaced[5200];
	other_store(out, &d, replaced, sizeof replaced);
	if (progress.step)
		fprintf(stderr, "writing the store and the tables into %s/\n",
		        out);
	if (lr_outputs_write(&d, r, out, timings ? &progress : NULL, &err) !=
	    LR_OK)
		goto fail;
	fputs(replaced, stderr);
	if (timings)
		fprintf(stderr,
		        "timings: read %.3f s, ledger %.3f s, store and tables "
		        "%.3f s, total %.3f s\n",
		        t_read - t0, t_ledger - t_ledger0,
		        lr_now_seconds() - t_ledger, lr_now_seconds() - t0);
	if (!quiet)
		print_summary(&d, r, out, lr_now_seconds() - t0);
	/* --deadline and --target: the projection and the work plan with
	** their defaults, as `project` and `plan` would run them. */
	if (deadline) {
		char *args[] = {"project", (char *)out, "--deadline",
		                (char *)deadline, NULL};
		status = lr_cmd_project(4, args);
	}
	if (target && status == 0) {
		char *args[] = {"plan", (char *)out, "--target", (char *)target,
		                NULL};
		status = lr_cmd_plan(4, args);
	}
	goto done;
fail:
	status = lr_cli_fail("analyze", &err);
done:
	lr_result_free(r);
	lr_dataset_free(&d);
	lr_mapping_free(map);
	return status;
}
