/*
** The subcommands of the landrelease program.  Each takes its own argv
** (argv[0] is the subcommand name) and returns the process exit status:
** 0 success, 1 failure, 2 usage or unusable input.
*/
#ifndef LR_COMMANDS_H
#define LR_COMMANDS_H

#include "lr_base.h"

#include <stdbool.h>
#include <stdio.h>

int lr_cmd_analyze(int argc, char **argv);
int lr_cmd_project(int argc, char **argv);
int lr_cmd_plan(int argc, char **argv);
int lr_cmd_batch(int argc, char **argv);
int lr_cmd_check(int argc, char **argv);
int lr_cmd_report(int argc, char **argv);
int lr_cmd_inspect(int argc, char **argv);

/* ---- Shared argument checks (cli/args.c) ---- */

/*
** A bound on reading sources (--read-timeout S, --max-features N): a
** number >= 0, whole when `whole`, into *out, 0 (no bound) as -1 for the
** reader.  false if s is not one.
*/
bool lr_arg_bound(const char *s, bool whole, double *out);

/* Parse s as a whole number in [lo, hi] into *out; false if it is not one. */
bool lr_arg_long(const char *s, long lo, long hi, long *out);

/*
** A command line that cannot run: "landrelease CMD: MESSAGE" and "see
** 'landrelease CMD --help'" on stderr (the whole usage would scroll the
** message away), and 2, the exit status.
*/
int lr_arg_usage(const char *cmd, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/*
** After getopt: exactly one operand (named `what` in messages, e.g. "DIR")
** must remain.  0 when it does; else lr_arg_usage()'s two lines and 2.
*/
int lr_arg_operand(const char *cmd, const char *what, int argc);

/*
** After getopt_long (run with opterr = 0 and an optstring starting with
** ':') returned c, '?' or ':': one line naming the bad option, one line
** "see 'landrelease CMD --help'", and 2 (the exit status).
*/
int lr_arg_bad_option(const char *cmd, int c, char **argv);

/* ---- The last bound on reading inputs (cli/watchdog.c) ---- */

/*
** From now on, a read of the inputs lasting longer than `sources` times
** timeout_s (plus a few seconds) ends the process: a line naming cmd on
** stderr and exit 2.  timeout_s <= 0: no bound.  Disarm once read.
*/
void lr_cli_watchdog_arm(const char *cmd, double timeout_s, int sources);
void lr_cli_watchdog_disarm(void);

/* ---- Exit status and progress (cli/exit.c) ---- */

/*
** The exit status of a library error code, the same for every command
** (docs/errors.md): 0 for LR_OK; 2 for bad arguments or an unusable input
** (LR_ERR_USAGE, LR_ERR_INPUT, LR_ERR_CRS); 1 for every other failure.
*/
int lr_cli_exit(lr_status code);

/* Print "landrelease CMD: MESSAGE" on stderr; return lr_cli_exit(code). */
int lr_cli_fail(const char *cmd, const lr_error *err);

/* Progress callbacks printing on stderr: steps as a bar rewritten in place
** (none when steps is false), notes as lines. */
lr_progress lr_cli_progress(bool steps);

#endif
