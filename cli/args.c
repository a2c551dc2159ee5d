/* Argument checks the subcommands share. */
#include "commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
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

bool lr_arg_bound(const char *s, bool whole, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v >= 0 && v <= 1e15) ||
	    (whole && v != (double)(int64_t)v))
		return false;
	*out = v == 0 ? -1 : v;
	return true;
}

int lr_arg_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "landrelease %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nsee 'landrelease %s --help'\n", cmd);
	return 2;
}

int lr_arg_operand(const char *cmd, const char *what, int argc)
{
	if (optind == argc - 1)
		return 0;
	if (optind >= argc)
		return lr_arg_usage(cmd, "%s is missing", what);
	return lr_arg_usage(cmd, "only one %s is allowed", what);
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
		return lr_arg_usage(cmd, "option '%s' needs a value", shown);
	return lr_arg_usage(cmd, "unknown option '%s'", shown);
}
