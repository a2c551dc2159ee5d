/* Argument checks the subcommands share. */
#include "commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool lr_arg_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

int lr_arg_operand(const char *cmd, const char *what, int argc,
                   void (*usage)(FILE *))
{
	if (optind == argc - 1)
		return 0;
	if (optind >= argc)
		fprintf(stderr, "landrelease %s: %s is missing\n", cmd, what);
	else
		fprintf(stderr, "landrelease %s: only one %s is allowed\n", cmd,
		        what);
	usage(stderr);
	return 2;
}

int lr_arg_bad_option(const char *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];
	bool is_long = arg && !strncmp(arg, "--", 2);
	char shown[64];
	if (is_long)
		snprintf(shown, sizeof shown, "%.*s", (int)strcspn(arg, "="),
		         arg);
	else
		snprintf(shown, sizeof shown, "-%c", optopt ? optopt : '?');
	if (c == ':')
		fprintf(stderr, "landrelease %s: option '%s' needs a value\n",
		        cmd, shown);
	else
		fprintf(stderr, "landrelease %s: unknown option '%s'\n", cmd,
		        shown);
	fprintf(stderr, "see 'landrelease %s --help'\n", cmd);
	return 2;
}
