/*
** The command lines of a batch run's steps (cli/batch_argv.c): what the
** batch runner (engine/batch) execs for each step, as a user would type it.
*/
#ifndef LR_CLI_BATCH_ARGV_H
#define LR_CLI_BATCH_ARGV_H

#include "lr_batch.h"

/*
** The argument vector of step s of run r, as a user would type it:
** { argv0, "analyze", ..., "--out", out_dir, ..., NULL }.  threads > 0 adds
** "--threads N" to analyze and project (their output does not depend on it).
** r, argv0 and out_dir are borrowed.  On success *argv is a new
** NULL-terminated vector of copied strings, freed with
** lr_cli_batch_argv_free(); on failure *argv is NULL and err says why
** (LR_ERR_NOMEM).
*/
int lr_cli_batch_argv(const lr_batch_run *r, lr_batch_step s, const char *argv0,
                      const char *out_dir, int threads, char ***argv,
                      lr_error *err);

/* Free argv and its strings.  NULL is a no-op. */
void lr_cli_batch_argv_free(char **argv);

#endif
