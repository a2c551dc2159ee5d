/* landrelease: the command line, a thin dispatcher to the subcommands. */
#include "commands.h"

#include <gdal.h>
#include <geos_c.h>
#include <proj.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

typedef struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} command;

static const command commands[] = {
        {"inspect", lr_cmd_inspect,
         "describe a national export and draft its mapping file"},
        {"analyze", lr_cmd_analyze,
         "build the land ledger and write the tables and the store"},
        {"project", lr_cmd_project,
         "project completion dates from the store (Monte Carlo)"},
        {"plan", lr_cmd_plan, "annual work plan to a target date"},
        {"batch", lr_cmd_batch,
         "many analyses from a manifest, side by side, resumable"},
        {"check", lr_cmd_check,
         "check the tables of a submitted request; findings.csv"},
        {"report", lr_cmd_report,
         "request tables (XLSX, MD, JSON), HTML/PDF report, GeoPackage"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: landrelease COMMAND [options]\n\n"
	           "Land release figures for Article 5 of the Anti-Personnel "
	           "Mine Ban\nConvention, from hazardous-area and release "
	           "polygons.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name,
		        commands[i].summary);
	fprintf(f, "\n'landrelease COMMAND --help' gives a command's "
	           "options.\nExit status: 0 success, 1 failure, 2 bad "
	           "arguments or unusable input.\n");
}

/* The program's version, then those of the libraries it runs with (the
** shared objects loaded, not the headers built against): what a bug report
** needs, since figures and messages can change with any of them. */
static void print_version(void)
{
	printf("landrelease %s\n", LR_VERSION);
	printf("GDAL %s\n", GDALVersionInfo("RELEASE_NAME"));
	printf("GEOS %s\n", GEOSversion());
	printf("PROJ %s\n", proj_info().version);
	printf("SQLite %s\n", sqlite3_libversion());
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		print_version();
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr,
	        "landrelease: unknown command '%s'\nsee 'landrelease "
	        "--help'\n",
	        argv[1]);
	return 2;
}
