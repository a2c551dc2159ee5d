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
	      "  --chart-png PREFIX    also write the charts as "
	      "PREFIX-{remaining,released,map}.png\n"
	      "\n"
	      "What each table and chart holds: docs/report.md.  Exit "
	      "status: 0 success;\n1 failure writing outputs; 2 bad "
	      "arguments or unusable input.\n",
	      f);
}

/* Parse "xlsx,html" into want[]; 0 on an unknown name. */
static int parse_formats(const char *s, bool want[F_N])
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
		if (k == F_N) {
			fprintf(stderr,
			        "landrelease report: unknown format '%s' "
			        "(xlsx, html, pdf, md, json, gpkg)\n",
			        tok);
			return 0;
		}
		want[k] = true;
		n++;
	}
	if (!n)
		fprintf(stderr, "landrelease report: --format is empty\n");
	return n > 0;
}

int lr_cmd_report(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_PREVIOUS, O_TITLE, O_PNG, O_HELP };
	static const struct option opts[] = {
	        {"format", required_argument, 0, O_FORMAT},
	        {"previous-plan", required_argument, 0, O_PREVIOUS},
	        {"title", required_argument, 0, O_TITLE},
	        {"chart-png", required_argument, 0, O_PNG},
	        {"help", no_argument, 0, O_HELP},
	        {0, 0, 0, 0}};
	bool want[F_N] = {true, true, true, true, true, true};
	lr_report_options o = {NULL, NULL, false};
	const char *png = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_FORMAT:
			if (!parse_formats(optarg, want))
				return 2;
			break;
		case O_PREVIOUS:
			o.previous_plan = optarg;
			break;
		case O_TITLE:
			o.title = optarg;
			break;
		case O_PNG:
			png = optarg;
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
	if (lr_arg_operand("report", "DIR", argc, usage))
		return 2;
	const char *dir = argv[optind];
	o.maps = want[F_HTML] || want[F_PDF] || png;

	lr_error err;
	lr_error_clear(&err);
	lr_report *r = NULL;
	/* A run of analyze killed while replacing its outputs is finished
	** first, so the tables reported are one whole run's. */
	int rc = lr_outputs_recover(dir, &err);
	if (rc == LR_OK)
		rc = lr_report_load(dir, &o, &r, &err);
	if (rc != LR_OK)
		goto done;
	for (size_t i = 0; i < lr_report_n_notes(r); i++)
		fprintf(stderr, "landrelease report: note: %s\n",
		        lr_report_note(r, i));
	typedef int (*writer)(const lr_report *, const char *, lr_error *);
	static const writer writers[F_N] = {
	        lr_report_write_xlsx, lr_report_write_html,
	        lr_report_write_pdf,  lr_report_write_md,
	        lr_report_write_json, lr_report_write_gpkg};
	for (int k = 0; k < F_N && rc == LR_OK; k++) {
		if (!want[k])
			continue;
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, format_files[k]);
		if ((rc = writers[k](r, path, &err)) == LR_OK)
			printf("%s\n", path);
	}
	static const char *const charts[3] = {"remaining", "released", "map"};
	for (int k = 0; png && k < 3 && rc == LR_OK; k++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s-%s.png", png, charts[k]);
		if ((rc = lr_report_chart_png(r, k, 1200, k == 2 ? 900 : 600,
		                              path, &err)) == LR_OK)
			printf("%s\n", path);
	}
done:
	if (rc != LR_OK)
		fprintf(stderr, "landrelease report: %s\n", err.msg);
	lr_report_free(r);
	return lr_cli_exit(rc);
}
