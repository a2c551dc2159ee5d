/* From a library's error code to the process exit status, and the printers
** of library progress: the one place where either is decided. */
#include "commands.h"

#include <stdio.h>

int lr_cli_exit(lr_status code)
{
	switch (code) {
	case LR_OK:
		return 0;
	case LR_ERR_USAGE: /* bad arguments */
	case LR_ERR_INPUT: /* an input that cannot be read or used */
	case LR_ERR_CRS:   /* an input without a usable CRS */
		return 2;
	case LR_ERR_IO:
	case LR_ERR_GEOM:
	case LR_ERR_STORE:
	case LR_ERR_NOMEM:
	case LR_ERR_INTERNAL:
		break;
	}
	return 1;
}

int lr_cli_fail(const char *cmd, const lr_error *err)
{
	fprintf(stderr, "landrelease %s: %s\n", cmd, err->msg);
	return lr_cli_exit(err->code);
}

static void print_step(void *user, const char *label, int64_t done,
                       int64_t total, const char *unit, bool last)
{
	(void)user;
	if (total > 0)
		fprintf(stderr, "\r%s: %3d%% (%lld/%lld%s%s)", label,
		        (int)(100.0 * (double)done / (double)total),
		        (long long)done, (long long)total, unit[0] ? " " : "",
		        unit);
	else
		fprintf(stderr, "\r%s: %lld", label, (long long)done);
	if (last)
		fputc('\n', stderr);
	fflush(stderr);
}

static void print_note(void *user, const char *text)
{
	(void)user;
	fprintf(stderr, "%s\n", text);
}

lr_progress lr_cli_progress(bool steps)
{
	lr_progress p = {steps ? print_step : NULL, print_note, NULL};
	return p;
}
