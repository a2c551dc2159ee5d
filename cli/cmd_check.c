/* landrelease check: the tables of a submitted request -> findings.csv. */
#include "commands.h"
#include "lr_check.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fputs("usage: landrelease check FILE... [options]\n"
	      "\n"
	      "Check the tables of a submitted Article 5 request, transcribed "
	      "into the\nlayouts of remaining_by_region, release_by_year, "
	      "completion and workplan\n(CSV, or the sheets of an XLSX/ODS "
	      "workbook), and write findings.csv.\n"
	      "\n"
	      "  --previous FILE      the work plan of the previous request\n"
	      "  --against DIR        compare every figure with the tables "
	      "written by\n"
	      "                       'landrelease analyze' in DIR\n"
	      "  --tolerance-m2 M     area differences up to M m² pass "
	      "(default 1)\n"
	      "  --precision P        rounding of the stated areas (0.01km2, "
	      "1m2, 0.1ha);\n"
	      "                       default: from each column's decimals\n"
	      "  --period YYYY-YYYY   the period the request asks for\n"
	      "  --out DIR            where findings.csv goes (default: the "
	      "current folder)\n"
	      "  --all                also print the differences within "
	      "rounding (info)\n"
	      "  --quiet              no list of the tables recognised\n"
	      "  --rules              list the rules and exit\n"
	      "\n"
	      "Rules: docs/check.md.  Exit status: 0 no error (warnings "
	      "allowed); 1 some\nerror, or findings.csv could not be "
	      "written; 2 bad arguments or unusable input.\n",
	      f);
}

static int parse_period(const char *s, int *a, int *b)
{
	int x, y, n = 0;
	if (sscanf(s, "%d-%d%n", &x, &y, &n) != 2 || s[n] != '\0' || x < 1900 ||
	    y > 2200 || y < x)
		return -1;
	*a = x;
	*b = y;
	return 0;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return -1;
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0777) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Read one file and append its tables, with role, to the inputs. */
static int add_file(const char *path, lr_check_role role, lr_table_set *sets,
                    size_t *nsets, lr_error *err)
{
	if (lr_table_read_file(path, &sets[*nsets], err) != LR_OK)
		return -1;
	if (sets[*nsets].n == 0) {
		lr_error_set(err, LR_ERR_INPUT,
		             "%s: holds no table (no row with column names)",
		             path);
		lr_table_set_free(&sets[*nsets]);
		return -1;
	}
	(void)role;
	(*nsets)++;
	return 0;
}

int lr_cmd_check(int argc, char **argv)
{
	enum {
		O_AGAINST = 256,
		O_TOL,
		O_PREC,
		O_PERIOD,
		O_OUT,
		O_RULES,
		O_PREV,
		O_QUIET,
		O_ALL,
		O_HELP
	};
	static const struct option opts[] = {
	        {"against", required_argument, 0, O_AGAINST},
	        {"tolerance-m2", required_argument, 0, O_TOL},
	        {"precision", required_argument, 0, O_PREC},
	        {"period", required_argument, 0, O_PERIOD},
	        {"out", required_argument, 0, O_OUT},
	        {"rules", no_argument, 0, O_RULES},
	        {"previous", required_argument, 0, O_PREV},
	        {"quiet", no_argument, 0, O_QUIET},
	        {"all", no_argument, 0, O_ALL},
	        {"help", no_argument, 0, O_HELP},
	        {0, 0, 0, 0}};
	lr_check_options o = {.tolerance_m2 = 1.0};
	const char *against = NULL, *out = ".";
	const char *prev[16];
	int nprev = 0;
	bool quiet = false, all = false;
	lr_error err = {0};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_AGAINST:
			against = optarg;
			break;
		case O_TOL: {
			char *end;
			errno = 0;
			o.tolerance_m2 = strtod(optarg, &end);
			/* Above 10^12 m² (a million km²) no figure of a
			** request could be checked, and the tolerance in
			** hundredths would overflow. */
			if (end == optarg || *end || errno ||
			    !(o.tolerance_m2 >= 0) || o.tolerance_m2 > 1e12) {
				fprintf(stderr,
				        "landrelease check: --tolerance-m2 "
				        "'%s' must be a number of m² from 0 to "
				        "10^12\n",
				        optarg);
				return 2;
			}
			break;
		}
		case O_PREC:
			if (lr_check_parse_precision(optarg, &o.precision_m2,
			                             &err) != LR_OK) {
				fprintf(stderr, "landrelease check: %s\n",
				        err.msg);
				return 2;
			}
			break;
		case O_PERIOD:
			if (parse_period(optarg, &o.period_first,
			                 &o.period_last)) {
				fprintf(stderr,
				        "landrelease check: --period '%s' must "
				        "be YYYY-YYYY, first year first\n",
				        optarg);
				return 2;
			}
			break;
		case O_OUT:
			out = optarg;
			break;
		case O_RULES:
			for (size_t i = 0; i < lr_check_n_rules; i++)
				printf("%-26s %-8s %s\n", lr_check_rules[i].id,
				       lr_check_rules[i].severity,
				       lr_check_rules[i].what);
			return 0;
		case O_PREV:
			if (nprev == 16) {
				fprintf(stderr, "landrelease check: at most "
				                "16 --previous files\n");
				return 2;
			}
			prev[nprev++] = optarg;
			break;
		case O_QUIET:
			quiet = true;
			break;
		case O_ALL:
			all = true;
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
	int nfiles = argc - optind;
	if (nfiles < 1) {
		fprintf(stderr, "landrelease check: no table file given\n");
		usage(stderr);
		return 2;
	}
	static const char *const ledger_files[] = {
	        "remaining_by_region.csv", "release_by_year.csv",
	        "completion.csv", "workplan.csv"};
	size_t cap = (size_t)nfiles + (size_t)nprev + 4;
	lr_table_set *sets = calloc(cap, sizeof *sets);
	lr_check_role *roles = calloc(cap, sizeof *roles);
	lr_check_input *in = NULL;
	lr_check_report *rep = NULL;
	size_t nsets = 0;
	int rc = 2;
	if (!sets || !roles) {
		fprintf(stderr, "landrelease check: out of memory\n");
		goto done;
	}
	for (int i = optind; i < argc; i++) {
		roles[nsets] = LR_CHECK_SUBMITTED;
		if (add_file(argv[i], LR_CHECK_SUBMITTED, sets, &nsets, &err))
			goto fail;
	}
	for (int i = 0; i < nprev; i++) {
		roles[nsets] = LR_CHECK_PREVIOUS;
		if (add_file(prev[i], LR_CHECK_PREVIOUS, sets, &nsets, &err))
			goto fail;
	}
	if (against) {
		struct stat st;
		if (stat(against, &st) != 0 || !S_ISDIR(st.st_mode)) {
			lr_error_set(&err, LR_ERR_INPUT,
			             "--against %s: not a folder written by "
			             "landrelease analyze",
			             against);
			goto fail;
		}
		int found = 0;
		for (int k = 0; k < 4; k++) {
			char path[PATH_MAX];
			snprintf(path, sizeof path, "%s/%s", against,
			         ledger_files[k]);
			if (access(path, F_OK) != 0)
				continue;
			roles[nsets] = LR_CHECK_LEDGER;
			if (add_file(path, LR_CHECK_LEDGER, sets, &nsets, &err))
				goto fail;
			found++;
		}
		if (!found) {
			lr_error_set(
			        &err, LR_ERR_INPUT,
			        "--against %s: holds none of "
			        "remaining_by_region.csv, release_by_year.csv, "
			        "completion.csv, workplan.csv",
			        against);
			goto fail;
		}
	}
	size_t n = 0;
	for (size_t i = 0; i < nsets; i++)
		n += sets[i].n;
	in = calloc(n + 1, sizeof *in);
	if (!in) {
		fprintf(stderr, "landrelease check: out of memory\n");
		goto done;
	}
	n = 0;
	for (size_t i = 0; i < nsets; i++)
		for (size_t k = 0; k < sets[i].n; k++)
			in[n++] =
			        (lr_check_input){&sets[i].tables[k], roles[i]};
	if (lr_check_run(in, n, &o, &rep, &err) != LR_OK)
		goto fail;
	if (!quiet)
		for (size_t i = 0; i < rep->notes.len; i++)
			printf("%s\n", LR_VEC_AT(&rep->notes, char *, i));
	if (!all) {
		lr_check_report q = *rep;
		lr_vec kept;
		lr_vec_init(&kept, sizeof(lr_check_finding));
		for (size_t i = 0; i < rep->findings.len; i++) {
			lr_check_finding *f =
			        &LR_VEC_AT(&rep->findings, lr_check_finding, i);
			if (f->severity != LR_SEV_INFO)
				lr_vec_push(&kept, f);
		}
		q.findings = kept;
		lr_check_report_print(&q, stdout);
		lr_vec_free(&kept);
	} else {
		lr_check_report_print(rep, stdout);
	}
	char path[PATH_MAX];
	if (mkdir_p(out) != 0) {
		fprintf(stderr, "landrelease check: cannot create %s: %s\n",
		        out, strerror(errno));
		rc = 1;
		goto done;
	}
	snprintf(path, sizeof path, "%s/findings.csv", out);
	if (lr_check_write_csv(rep, path, &err) != LR_OK) {
		fprintf(stderr, "landrelease check: %s\n", err.msg);
		rc = 1;
		goto done;
	}
	printf("%d error%s, %d warning%s, %d within rounding (info; --all "
	       "prints them); %s\n",
	       rep->n_error, rep->n_error == 1 ? "" : "s", rep->n_warning,
	       rep->n_warning == 1 ? "" : "s", rep->n_info, path);
	rc = rep->n_error ? 1 : 0;
	goto done;
fail:
	rc = lr_cli_fail("check", &err);
done:
	lr_check_report_free(rep);
	free(in);
	if (sets)
		for (size_t i = 0; i < nsets; i++)
			lr_table_set_free(&sets[i]);
	free(sets);
	free(roles);
	return rc;
}
