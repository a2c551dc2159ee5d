/*
** Inside the batch runner: the state one lr_batch_execute() shares between
** runner.c (selection, resume, summary), schedule.c (child processes),
** group.c (analyses shared by runs), swap.c (run folders) and log.c (run
** logs).  Not public: lr__ names.
*/
#ifndef LR_BATCH_RUNNER_INT_H
#define LR_BATCH_RUNNER_INT_H

#include "lr_batch.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The line a failed run's log ends with, which --summary-only reads back:
** "landrelease batch: failed after 1.23 s: MESSAGE". */
#define LR__FAILED_TAG "landrelease batch: failed after "

/* The state of the analysis shared by the runs of a group. */
enum { LR__ANALYSIS_NONE, LR__ANALYSIS_BUSY, LR__ANALYSIS_READY };

/* Everything one lr_batch_execute() shares; owned by it. */
typedef struct lr__batch {
	const lr_manifest *m;        /* borrowed */
	const char *out;             /* borrowed: DIR */
	const lr_batch_hooks *hooks; /* borrowed */
	int threads;                 /* per run */
	uint64_t *hash;              /* owned: [n_runs] */
	bool *hash_ok;      /* owned: [n_runs]; false when hashing failed */
	lr_batch_row *rows; /* owned: [n_runs] */
	int done, total;    /* runs ended, runs selected */
	int failed;
	int exe_fd; /* owned: the program, opened at start; -1 if not */
	const char *program; /* borrowed: its path, if it cannot be opened */
	char **env; /* owned (the array, not its strings): the children's
	            ** environment; NULL: this process's */
	/* Runs whose analyze steps would be identical share one analysis:
	** group[run] is the first run of its group to be run (-1: alone),
	** analysis[group] its state (LR__ANALYSIS_*), kept in shared/GROUP. */
	int *group;            /* owned: [n_runs] */
	char *analysis;        /* owned: [n_runs] */
	char shared[PATH_MAX]; /* DIR/.analyses.HOST.PID; "" before grouping */
} lr__batch;

/* One run in progress: a slot of the scheduler. */
typedef struct lr__job {
	int run;            /* index into the manifest's runs; -1: free slot */
	int step;           /* lr_batch_step being run */
	pid_t pid;          /* child running the step; 0: none */
	int log_fd;         /* owned: DIR/NAME.log, append-only; -1: none */
	off_t step_start;   /* where the step's output starts in the log */
	double t0;          /* start of the run */
	char tmp[PATH_MAX]; /* DIR/.NAME.tmp.PID; "" when there is none */
	bool analyses;      /* its analyze step makes its group's shared copy */
} lr__job;

/* ---- log.c ---- */

/* snprintf into a buffer of known size, cutting what does not fit (paths
** and messages are quoted as far as they fit). */
void lr__say(char *buf, size_t size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* DIR/NAME + suffix of run `run` into buf. */
void lr__run_path(const lr__batch *b, int run, const char *suffix, char *buf,
                  size_t size);

/* Append to the log fd; best effort (a log that cannot be written does not
** fail the run). */
void lr__log_printf(int fd, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Append "$ ARGV..." (the step's command line) to the log fd. */
void lr__log_argv(int fd, char *const *argv);

/* The last non-empty line of the file at path from offset start, into buf;
** "" if none. */
void lr__last_line(const char *path, off_t start, char *buf, size_t size);

/* Count run `run` as ended and tell the caller (hooks->run_ended). */
void lr__run_ended(lr__batch *b, int run, bool skipped);

/* ---- swap.c ---- */

/* Remove path and everything under it; 0 on success or if it is absent. */
int lr__rm_rf(const char *path);

/* Copy every regular file of folder src into folder dst (which exists);
** 0, or -1 with errno set. */
int lr__copy_files(const char *src, const char *dst);

/* Put the finished folder tmp in place of final in one rename; 0, or -1
** with msg saying why. */
int lr__move_into_place(const char *tmp, const char *final, char *msg,
                        size_t size);

/* Remove the entries of b->out named PREFIX + a rest that gone() accepts;
** a failure is a note. */
void lr__remove_entries(const lr__batch *b, const char *prefix,
                        bool (*gone)(const char *rest));

/* Remove what an interrupted batch left of run `run`: DIR/.NAME.tmp.PID
** folders (and .old ones beside them). */
void lr__remove_leftovers(const lr__batch *b, int run);

/* ---- group.c ---- */

/*
** Put the runs of todo[n] whose analyze steps would be identical in groups
** (b->group, b->analysis), set b->shared and remove the shared analyses of
** batches that were killed.  cache is borrowed.  0, or -1 when out of
** memory.
*/
int lr__group_runs(lr__batch *b, const int *todo, int n,
                   lr_batch_hash_cache *cache);

/* Give job j the analyze outputs of group g instead of running analyze;
** 0, or -1 when they cannot be copied (the run then analyses itself). */
int lr__share_analysis(lr__batch *b, lr__job *j, int g);

/* Job j analysed for its group: keep a copy of its outputs for the others
** (or, when that fails, let the next run of the group analyse itself). */
void lr__keep_analysis(lr__batch *b, lr__job *j);

/* ---- schedule.c ---- */

/* The environment the steps run in: see schedule.c; free() the array. */
char **lr__child_env(void);

/* Run the runs listed in todo[n], at most jobs at a time. */
void lr__run_all(lr__batch *b, const int *todo, int n, int jobs);

#endif
