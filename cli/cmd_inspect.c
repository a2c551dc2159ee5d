/* landrelease inspect: describe a national export and draft its mapping. */
#include "commands.h"
#include "lr_engine.h"
#include "lr_file.h"
#include "lr_inspect.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
	fputs("usage: landrelease inspect DATASET [--write-map FILE]\n"
	      "       landrelease inspect --regions SRC --hazards SRC "
	      "--releases SRC [--write-map FILE]\n"
	      "\n"
	      "Describe each layer (driver, CRS, features, geometry types, "
	      "fields with\ntheir types and values) and draft the mapping "
	      "file that reads it: which\nfield is which, the value "
	      "spellings (English, French, Spanish, Portuguese),\nthe date "
	      "format, each with its evidence, and the lines you must fill "
	      "in.\n"
	      "\n"
	      "  -m, --write-map FILE  write the drafted mapping to FILE "
	      "(not replaced if it\n"
	      "                        exists)\n"
	      "  --regions SRC         any GDAL vector source for regions\n"
	      "  --hazards SRC         ... for hazards\n"
	      "  --releases SRC        ... for releases\n"
	      "  -q, --quiet           no description; only what is "
	      "missing\n"
	      "  --read-timeout S      refuse a source still being read "
	      "after S seconds\n"
	      "                        (default 3600; 0: no bound)\n"
	      "\n"
	      "Then: landrelease analyze ... --map FILE --out DIR.\n"
	      "The lines still to fill in are listed on stderr.\n"
	      "Exit status: 0 success; 1 the draft could not be written; 2 "
	      "bad arguments\nor unusable input.\n",
	      f);
}

enum { O_REGIONS = 256, O_HAZARDS, O_RELEASES, O_READ_TIMEOUT };

static const struct option options[] = {
        {"regions", required_argument, 0, O_REGIONS},
        {"hazards", required_argument, 0, O_HAZARDS},
        {"releases", required_argument, 0, O_RELEASES},
        {"write-map", required_argument, 0, 'm'},
        {"quiet", no_argument, 0, 'q'},
        {"read-timeout", required_argument, 0, O_READ_TIMEOUT},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};

typedef struct inspect_args {
	lr_inspect_sources in;
	const char *map_out; /* --write-map FILE, or NULL */
	bool quiet, help;
} inspect_args;

static int parse_args(int argc, char **argv, inspect_args *a)
{
	int c;
	*a = (inspect_args){0};
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:qh", options, NULL)) != -1) {
		if (c >= O_REGIONS && c <= O_RELEASES)
			a->in.source[c - O_REGIONS] = optarg;
		else if (c == 'm')
			a->map_out = optarg;
		else if (c == 'q')
			a->quiet = true;
		else if (c == O_READ_TIMEOUT &&
		         !lr_arg_bound(optarg, false, &a->in.read_timeout_s))
			return lr_arg_usage("inspect",
			                    "--read-timeout '%s' must be a "
			                    "number of seconds, 0 for no bound",
			                    optarg);
		else if (c == O_READ_TIMEOUT)
			continue;
		else if (c == 'h') {
			usage(stdout);
			a->help = true;
			return 0;
		} else
			return lr_arg_bad_option("inspect", c, argv);
	}
	bool sources = a->in.source[0] || a->in.source[1] || a->in.source[2];
	if (optind < argc && !sources)
		a->in.dataset = argv[optind++];
	if (optind < argc ||
	    (sources &&
	     !(a->in.source[0] && a->in.source[1] && a->in.source[2])) ||
	    (!sources && !a->in.dataset)) {
		return lr_arg_usage("inspect", "give DATASET, or --regions, "
		                               "--hazards and --releases");
	}
	return 0;
}

/* The draft into path, never over an existing file (a mapping the user
** edited must not be lost to a second inspect). */
static int write_draft(const char *path, const char *draft, lr_error *err)
{
	struct stat st;
	char tmp[4096];
	if (lstat(path, &st) == 0)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "%s exists; remove it or name another file",
		                    path);
	FILE *f = lr_atomic_open(path, tmp, sizeof tmp, err);
	if (!f)
		return err->code;
	fputs(draft, f);
	return lr_atomic_close(f, tmp, path, err);
}

int lr_cmd_inspect(int argc, char **argv)
{
	inspect_args a;
	int status = parse_args(argc, argv, &a);
	if (status || a.help)
		return status;
	lr_inspection x;
	lr_error err = {0};
	double bound = a.in.read_timeout_s;
	lr_cli_watchdog_arm("inspect",
	                    bound == 0 ? LR_READ_TIMEOUT_DEFAULT : bound, 3);
	int rc = lr_inspect(&a.in, &x, &err);
	lr_cli_watchdog_disarm();
	if (rc == LR_OK && !a.quiet)
		fputs(x.description, stdout);
	if (rc == LR_OK && a.map_out)
		rc = write_draft(a.map_out, x.draft, &err);
	if (rc != LR_OK) {
		lr_inspection_free(&x);
		return lr_cli_fail("inspect", &err);
	}
	if (!a.map_out && !a.quiet)
		printf("\ndrafted mapping (write it with --write-map "
		       "FILE):\n%s",
		       x.draft);
	if (x.n_missing)
		fprintf(stderr,
		        "landrelease inspect: %d line(s) of the draft to fill "
		        "in:\n%s",
		        x.n_missing, x.missing);
	else if (x.missing[0])
		fprintf(stderr, "landrelease inspect: to check:\n%s",
		        x.missing);
	if (a.map_out && !a.quiet)
		printf("draft written to %s\n", a.map_out);
	lr_inspection_free(&x);
	return 0;
}
