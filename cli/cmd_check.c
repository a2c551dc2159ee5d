/* landrelease check: the tables of a submitted request -> findings.csv. */
#include "commands.h"
#include "lr_check.h"
#include "lr_file.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
	      "  --deadline DATE      the current Article 5 deadline "
	      "(YYYY-MM-DD): the\n"
	      "                       period must start there\n"
	      "  --out DIR            where findings.csv goes (default: the "
	      "current folder);\n"
	      "                       tables.csv beside it says how each "
	      "table was read\n"
	      "  --all                also print the differences within "
	      "rounding (info)\n"
	      "  --quiet              no list of the tables recognised\n"
	      "  --explain            print how every column of every table "
	      "was read\n"
	      "  --strict             a column of figures no rule reads is "
	      "an error\n"
	      "  --columns FILE       which of our columns a published "
	      "heading is (INI:\n"
	      "                       [table] heading = our_column unit; "
	      "docs/check.md)\n"
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

#define MAX_PREVIOUS 16

/* The command line of a check. */
typedef struct check_args {
	lr_check_options o;
	const char *against;            /* borrowed from argv, NULL if none */
	const char *out;                /* borrowed from argv, or "." */
	const char *prev[MAX_PREVIOUS]; /* borrowed from argv */
	int nprev;
	char **files; /* borrowed: argv's operands, [nfiles] */
	int nfiles;
	bool quiet, all, explain;
	const char *columns; /* borrowed from argv, NULL if none */
} check_args;

static void print_rules(void)
{
	for (size_t i = 0; i < lr_check_n_rules; i++)
		printf("%-26s %-8s %s\n", lr_check_rules[i].id,
		       lr_check_rules[i].severity, lr_check_rules[i].what);
}

/* --tolerance-m2 into *m2; LR_ERR_USAGE when out of range. */
static int parse_tolerance(const char *s, double *m2, lr_error *err)
{
	char *end;
	errno = 0;
	*m2 = strtod(s, &end);
	/* Above 10^12 m² (a million km²) no figure of a request could be
	** checked, and the tolerance in hundredths would overflow. */
	if (end == s || *end || errno || !(*m2 >= 0) || *m2 > 1e12)
		return lr_error_set(
		        err, LR_ERR_USAGE,
		        "--tolerance-m2 '%s' must be a number of m² "
		        "from 0 to 10^12",
		        s);
	return LR_OK;
}

/* --deadline YYYY-MM-DD into *ymd (YYYYMMDD); LR_ERR_USAGE if not a date. */
static int parse_deadline(const char *s, int *ymd, lr_error *err)
{
	int y, m, d, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] ||
	    y < 1999 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "--deadline '%s' must be a date YYYY-MM-DD",
		                    s);
	*ymd = y * 10000 + m * 100 + d;
	return LR_OK;
}

/* One option c (with optarg) into a; LR_OK or LR_ERR_USAGE. */
static int parse_option(int c, check_args *a, lr_error *err)
{
	switch (c) {
	case 'a':
		a->against = optarg;
		return LR_OK;
	case 't':
		return parse_tolerance(optarg, &a->o.tolerance_m2, err);
	case 'p':
		return lr_check_parse_precision(optarg, &a->o.precision_m2,
		                                err);
	case 'y':
		if (parse_period(optarg, &a->o.period_first, &a->o.period_last))
			return lr_error_set(err, LR_ERR_USAGE,
			                    "--period '%s' must be YYYY-YYYY, "
			                    "first year first",
			                    optarg);
		return LR_OK;
	case 'o':
		a->out = optarg;
		return LR_OK;
	case 'P':
		if (a->nprev == MAX_PREVIOUS)
			return lr_error_set(err, LR_ERR_USAGE,
			                    "at most 16 --previous files");
		a->prev[a->nprev++] = optarg;
		return LR_OK;
	case 'q':
		a->quiet = true;
		return LR_OK;
	case 'A':
		a->all = true;
		return LR_OK;
	case 'e':
		a->explain = true;
		return LR_OK;
	case 's':
		a->o.strict = true;
		return LR_OK;
	case 'c':
		a->columns = optarg;
		return LR_OK;
	case 'd':
		return parse_deadline(optarg, &a->o.deadline, err);
	}
	assert(!"an option of opts[] not handled");
	return lr_error_set(err, LR_ERR_INTERNAL, "option %d not handled", c);
}

/*
** The command line into a.  true to go on; false when the command ends
** here with *status: 0 after --rules or --help, else the status of a bad
** argument with its message printed.
*/
static bool parse_args(int argc, char **argv, check_args *a, int *status)
{
	static const struct option opts[] = {
	        {"against", required_argument, 0, 'a'},
	        {"tolerance-m2", required_argument, 0, 't'},
	        {"precision", required_argument, 0, 'p'},
	        {"period", required_argument, 0, 'y'},
	        {"out", required_argument, 0, 'o'},
	        {"rules", no_argument, 0, 'r'},
	        {"previous", required_argument, 0, 'P'},
	        {"quiet", no_argument, 0, 'q'},
	        {"all", no_argument, 0, 'A'},
	        {"explain", no_argument, 0, 'e'},
	        {"strict", no_argument, 0, 's'},
	        {"columns", required_argument, 0, 'c'},
	        {"deadline", required_argument, 0, 'd'},
	        {"help", no_argument, 0, 'h'},
	        {0, 0, 0, 0}};
	*a = (check_args){.o = {.tolerance_m2 = 1.0}, .out = "."};
	lr_error err = {0};
	int c;
	optind = 1;
	opterr = 0;
	/* Only -h is a short option: the others are long names only. */
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			print_rules();
			*status = 0;
			return false;
		case 'h':
			usage(stdout);
			*status = 0;
			return false;
		case '?':
		case ':':
			*status = lr_arg_bad_option("check", c, argv);
			return false;
		}
		if (parse_option(c, a, &err) != LR_OK) {
			*status = lr_cli_fail("check", &err);
			return false;
		}
	}
	a->files = argv + optind;
	a->nfiles = argc - optind;
	if (a->nfiles < 1) {
		*status = lr_arg_usage("check", "no table file given");
		return false;
	}
	return true;
}

/* The tables read for a check, each set with the role of its file. */
typedef struct check_inputs {
	lr_table_set *sets;   /* owned, [nsets] of [cap] */
	lr_check_role *roles; /* owned, [cap]: the role of each set */
	size_t nsets, cap;
	lr_check_input *in; /* owned, [n]: every table of every set */
	size_t n;
} check_inputs;

static void free_inputs(check_inputs *ci)
{
	for (size_t i = 0; i < ci->nsets; i++)
		lr_table_set_free(&ci->sets[i]);
	free(ci->sets);
	free(ci->roles);
	free(ci->in);
}

/* Read one file and append its tables, with role, to the inputs. */
static int add_file(check_inputs *ci, const char *path, lr_check_role role,
                    lr_error *err)
{
	lr_table_set *s = &ci->sets[ci->nsets];
	size_t n = strlen(path);
	int rc = n > 3 && !strcasecmp(path + n - 3, ".md")
	                 ? lr_check_read_markdown(path, s, err)
	                 : lr_table_read_file(path, s, err);
	if (rc != LR_OK)
		return rc;
	if (s->n == 0) {
		lr_table_set_free(s);
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: holds no table (no row with column "
		                    "names)",
		                    path);
	}
	ci->roles[ci->nsets++] = role;
	return LR_OK;
}

/* The tables of a folder written by landrelease analyze (--against). */
static int add_ledger(check_inputs *ci, const char *dir, lr_error *err)
{
	static const char *const ledger_files[] = {
	        "remaining_by_region.csv", "release_by_year.csv",
	        "completion.csv", "workplan.csv"};
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return lr_error_set(err, LR_ERR_INPUT,
		                    "--against %s: not a folder written by "
		                    "landrelease analyze",
		                    dir);
	int found = 0;
	for (int k = 0; k < 4; k++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, ledger_files[k]);
		if (access(path, F_OK) != 0)
			continue;
		int rc = add_file(ci, path, LR_CHECK_LEDGER, err);
		if (rc != LR_OK)
			return rc;
		found++;
	}
	if (!found)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "--against %s: holds none of "
		                    "remaining_by_region.csv, "
		                    "release_by_year.csv, completion.csv, "
		                    "workplan.csv",
		                    dir);
	return LR_OK;
}

/* Every table of the request, of the previous plans and of --against, in
** that order, into ci->in; ci is freed by free_inputs() either way. */
static int read_inputs(const check_args *a, check_inputs *ci, lr_error *err)
{
	ci->cap = (size_t)a->nfiles + (size_t)a->nprev + 4;
	ci->sets = calloc(ci->cap, sizeof *ci->sets);
	ci->roles = calloc(ci->cap, sizeof *ci->roles);
	if (!ci->sets || !ci->roles)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	int rc = LR_OK;
	for (int i = 0; i < a->nfiles && rc == LR_OK; i++)
		rc = add_file(ci, a->files[i], LR_CHECK_SUBMITTED, err);
	for (int i = 0; i < a->nprev && rc == LR_OK; i++)
		rc = add_file(ci, a->prev[i], LR_CHECK_PREVIOUS, err);
	if (rc == LR_OK && a->against)
		rc = add_ledger(ci, a->against, err);
	if (rc != LR_OK)
		return rc;
	size_t n = 0;
	for (size_t i = 0; i < ci->nsets; i++)
		n += ci->sets[i].n;
	ci->in = calloc(n + 1, sizeof *ci->in);
	if (!ci->in)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < ci->nsets; i++)
		for (size_t k = 0; k < ci->sets[i].n; k++)
			ci->in[ci->n++] = (lr_check_input){
			        &ci->sets[i].tables[k], ci->roles[i]};
	return LR_OK;
}

/* How each table was read: its line, and with explain every column's. */
static void print_readings(const lr_check_report *rep, bool explain)
{
	for (size_t i = 0; i < rep->readings.len; i++) {
		const lr_check_reading *g =
		        &LR_VEC_AT(&rep->readings, lr_check_reading, i);
		if (!*g->column) {
			printf("%s: read as %s%s%s; key: %s; %s\n", g->table,
			       g->kind, *g->date ? " dated " : "", g->date,
			       g->key, g->note);
			continue;
		}
		bool unused = !strncmp(g->taken, "not used", 8);
		if (explain || unused)
			printf("    %-28s %s%s%s%s\n", g->column, g->taken,
			       *g->unit ? " (" : "", g->unit,
			       *g->unit ? ")" : "");
		if (explain && *g->note)
			printf("    %-28s   %s\n", "", g->note);
	}
}

/* The notes and readings (unless quiet) and the findings, within rounding
** only with --all. */
static void print_report(const lr_check_report *rep, const check_args *a)
{
	bool all = a->all;
	if (!a->quiet) {
		for (size_t i = 0; i < rep->notes.len; i++)
			printf("%s\n", LR_VEC_AT(&rep->notes, char *, i));
		print_readings(rep, a->explain);
	}
	if (all) {
		lr_check_report_print(rep, stdout);
		return;
	}
	lr_check_report q = *rep;
	lr_vec_init(&q.findings, sizeof(lr_check_finding));
	for (size_t i = 0; i < rep->findings.len; i++) {
		lr_check_finding *f =
		        &LR_VEC_AT(&rep->findings, lr_check_finding, i);
		if (f->severity != LR_SEV_INFO)
			lr_vec_push(&q.findings, f);
	}
	lr_check_report_print(&q, stdout);
	lr_vec_free(&q.findings); /* the strings stay rep's */
}

int lr_cmd_check(int argc, char **argv)
{
	check_args a;
	int status;
	if (!parse_args(argc, argv, &a, &status))
		return status;
	check_inputs ci = {0};
	lr_check_report *rep = NULL;
	lr_error err = {0};
	char path[PATH_MAX];
	lr_check_columns *cols = NULL;
	if (a.columns && lr_check_columns_read(a.columns, &cols, &err) != LR_OK)
		goto fail;
	a.o.columns = cols;
	if (read_inputs(&a, &ci, &err) != LR_OK ||
	    lr_check_run(ci.in, ci.n, &a.o, &rep, &err) != LR_OK)
		goto fail;
	print_report(rep, &a);
	char tables[PATH_MAX];
	snprintf(path, sizeof path, "%s/findings.csv", a.out);
	snprintf(tables, sizeof tables, "%s/tables.csv", a.out);
	if (lr_mkdir_p(a.out, &err) != LR_OK ||
	    lr_check_write_csv(rep, path, &err) != LR_OK ||
	    lr_check_write_tables(rep, tables, &err) != LR_OK)
		goto fail;
	printf("%d error%s, %d warning%s, %d within rounding (info; --all "
	       "prints them); %s\n",
	       rep->n_error, rep->n_error == 1 ? "" : "s", rep->n_warning,
	       rep->n_warning == 1 ? "" : "s", rep->n_info, path);
	status = rep->n_error ? 1 : 0;
	goto done;
fail:
	status = lr_cli_fail("check", &err);
done:
	lr_check_report_free(rep);
	lr_check_columns_free(cols);
	free_inputs(&ci);
	return status;
}
