/*
** The subcommands of the landrelease program.  Each takes its own argv
** (argv[0] is the subcommand name) and returns the process exit status:
** 0 success, 1 failure, 2 usage or unusable input.
*/
#ifndef LR_COMMANDS_H
#define LR_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

int lr_cmd_analyze(int argc, char **argv);
int lr_cmd_project(int argc, char **argv);
int lr_cmd_plan(int argc, char **argv);
int lr_cmd_batch(int argc, char **argv);
int lr_cmd_check(int argc, char **argv);
int lr_cmd_report(int argc, char **argv);

/* ---- Shared argument checks (cli/args.c) ---- */

/* Parse s as a whole number in [lo, hi] into *out; false if it is not one. */
bool lr_arg_long(const char *s, long lo, long hi, long *out);

/*
** After getopt: exactly one operand (named `what` in messages, e.g. "DIR")
** must remain.  0 when it does; else a message naming the command, the
** usage on stderr, and 2 (the exit status).
*/
int lr_arg_operand(const char *cmd, const char *what, int argc,
                   void (*usage)(FILE *));

#endif
