/*
** The subcommands of the landrelease program.  Each takes its own argv
** (argv[0] is the subcommand name) and returns the process exit status:
** 0 success, 1 failure, 2 usage or unusable input.
*/
#ifndef LR_COMMANDS_H
#define LR_COMMANDS_H

int lr_cmd_analyze(int argc, char **argv);
int lr_cmd_project(int argc, char **argv);
int lr_cmd_plan(int argc, char **argv);
int lr_cmd_batch(int argc, char **argv);
int lr_cmd_check(int argc, char **argv);
int lr_cmd_report(int argc, char **argv);

#endif
