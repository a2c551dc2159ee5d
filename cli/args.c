/* Argument checks the subcommands share. */
#include "commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>

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
