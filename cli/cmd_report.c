/* landrelease report: an output folder -> request tables, report, maps. */
#include "commands.h"
#include "lr_engine.h"
#include "lr_report.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_XLSX, F_HTML, F_PDF, F_MD, F_JSON, F_GPKG, F_N };
static const char *const format_names[F_N] = {"xlsx", "html", "pdf",
                                              "md",   "json", "gpkg"};
static const char *const format_files[F_N] = {
        "request_tables.xlsx", "report.html",         "report.pdf",
        "request_tables.md",   "request_tables.json", "remaining.gpkg"};

static void usage(FILE *f)
{
	fputs("usage: landrelease report DIR [options]\n"
	      "\n"
	      "Write the tables of an Article 5 extension request and a "
	      "report with\ncharts and a map from the outputs of "
	      "`landrelease analyze` (and, when\npresent, `project` and "
	      "`plan`) in DIR, into DIR:\n"
	      "  request_tables.xlsx, request_tables.md, "
	      "request_tables.json\n"
	      "  report.html (one self-contained file), report.pdf,\n"
	      "  remaining.gpkg (remaining and released land, styled for "
	      "QGIS)\n"
	      "\n"
	      "  --format LIST         comma-separated subset of "
	      "xlsx,html,pdf,md,json,gpkg\n"
	      "                        (default: all)\n"
	      "  --previous-plan FILE  a plan in workplan.csv form (CSV, "
	      "XLSX or ODS):\n"
	      "                        adds planned versus achieved (table "
	      "4)\n"
	      "  --title TEXT          title of the report\n"
	      "  --unit km2|ha|m2      unit of the areas in the tables and "
	      "the report\n"
	      "                        (default km2, two decimals; the CSVs "
	      "stay in m2)\n"
	      "  --chart-png PREFIX    also write the charts as "
	      "PREFIX-{remaining,released,map}.png\n"
	      "  --lang en|fr|es       language of every output (default: "
	      "en); French and\n"
	      "                        Spanish use the Convention's terms "
	      "and decimal commas;\n"
	      "                        translations from $LR_LOCALEDIR if "
	      "set, else the\n"
	      "                        installed ones\n"
	      "\n"
	      "What each table and chart holds: docs/report.md.  Exit "
	      "status: 0 success;\n1 failure writing outputs; 2 bad "
	      "arguments or unusable input.\n",
	      f);
}

/* Parse "xlsx,html" into want[]: LR_OK, or LR_ERR_USAGE for an unknown
** name or an empty list. */
static int parse_formats(const char *s, bool want[F_N], lr_error *err)
{
	for (int k = 0; k < F_N; k++)
		want[k] = false;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", s);
	char *save = NULL;
	int n = 0;
	for (char *tok = strtok_r(buf, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save)) {
		int k = 0;
		while (k < F_N && strcmp(tok, format_names[k]))
			k++;
		if (k == F_N)
			return lr_error_set(err, LR_ERR_USAGE,
			                    "unknown format '%s' (xlsx, html, "
			                    "pdf, md, json, gpkg)",
			                    tok);
		want[k] = true;
		n++;
	}
	if (!n)
		return lr_error_set(err, LR_ERR_USAGE, "--format is empty");
	return LR_OK;
}

/* What the command line asks for. */
typedef struct args {
	bool want[F_N];
	lr_report_options o;
	const char *png; /* PREFIX of --chart-png, or NULL; borrowed */
	const char *dir; /* borrowed from argv */
} args;

/* Parse argv into a: -1 to go on, else the exit status to return (help
** printed, or a usage error). */
static int parse_args(int argc, char **argv, args *a)
{
	enum {
		O_FORMAT = 256,
		O_PREVIOUS,
		O_TITLE,
		O_PNG,
		O_UNIT,
		O_LANG,
		O_HELP
	};
	static const struct option opts[] = {
	        {"format", required_argument, 0, O_FORMAT},
	        {"previous-plan", required_argument, 0, O_PREVIOUS},
	        {"title", required_argument, 0, O_TITLE},
	        {"chart-png", required_argument, 0, O_PNG},
	        {"unit", required_argument, 0, O_UNIT},
	        {"lang", required_argument, 0, O_LANG},
	        {"help", no_argument, 0, O_HELP},
	        {0, 0, 0, 0}};
	*a = (args){.want = {true, true, true, true, true, true}};
	lr_error err;
	lr_error_clear(&err);
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case O_FORMAT:
			if (parse_formats(optarg, a->want, &err) != LR_OK)
				return lr_cli_fail("report", &err);
			break;
		case O_PREVIOUS:
			a->o.previous_plan = optarg;
			break;
		case O_TITLE:
			a->o.title = optarg;
			break;
		case O_PNG:
			a->png = optarg;
			break;
		case O_UNIT:
			if (lr_report_unit_parse(optarg, &a->o.unit, &err) !=
			    LR_OK)
				return lr_cli_fail("report", &err);
			break;
		case O_LANG:
			if (lr_report_lang_check(optarg, &err) != LR_OK)
				return lr_cli_fail("report", &err);
			a->o.lang = optarg;
			break;
		case O_HELP:
		case 'h':
			usage(stdout);
			return lr_cli_exit(LR_OK);
		default:
			return lr_arg_bad_option("report", c, argv);
		}
	}
	if (lr_arg_operand("report", "DIR", argc))
		return lr_cli_exit(LR_ERR_USAGE);
	a->dir = argv[optind];
	a->o.maps = a->want[F_HTML] || a->want[F_PDF] || a->png;
	return -1;
}

/* Write the formats asked for into a->dir, printing each path written. */
static int write_outputs(const lr_report *r, const args *a, lr_error *err)
{
	typedef int (*writer)(const lr_report *, const char *, lr_error *);
	static const writer writers[F_N] = {
	        lr_report_write_xlsx, lr_report_write_html,
	        lr_report_write_pdf,  lr_report_write_md,
	        lr_report_write_json, lr_report_write_gpkg};
	for (int k = 0; k < F_N; k++) {
		if (!a->want[k])
			continue;
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", a->dir, format_files[k]);
		int rc = writers[k](r, path, err);
		if (rc != LR_OK)
			return rc;
		printf("%s\n", path);
	}
	return LR_OK;
}

/* The charts as PNGs named after --chart-png, printing each path. */
static int write_charts(const lr_report *r, const char *png, lr_error *err)
{
	static const char *const charts[3] = {"remaining", "released", "map"};
	for (int k = 0; k < 3; k++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s-%s.png", png, charts[k]);
		int rc = lr_report_chart_png(r, k, 1200, k == 2 ? 900 : 600,
		                             path, err);
		if (rc != LR_OK)
			return rc;
		printf("%s\n", path);
	}
	return LR_OK;
}

int lr_cmd_report(int argc, char **argv)
{
	args a;
	int status = parse_args(argc, argv, &a);
	if (status >= 0)
		return status;
	lr_error err;
	lr_error_clear(&err);
	lr_report *r = NULL;
	/* A run of analyze killed while replacing its outputs is finished
	** first, so the tables reported are one whole run's. */
	int rc = lr_outputs_recover(a.dir, &err);
	if (rc == LR_OK)
		rc = lr_report_load(a.dir, &a.o, &r, &err);
	for (size_t i = 0; rc == LR_OK && i < lr_report_n_notes(r); i++)
		fprintf(stderr, "landrelease report: note: %s\n",
		        lr_report_note(r, i));
	if (rc == LR_OK)
		rc = write_outputs(r, &a, &err);
	if (rc == LR_OK && a.png)
		rc = write_charts(r, a.png, &err);
	lr_report_free(r);
	return rc == LR_OK ? lr_cli_exit(LR_OK) : lr_cli_fail("report", &err);
}
