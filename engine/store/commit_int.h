/*
** Private to the engine's output writers: each writer stages its files
** under temporary names into one lr_commit (base/lr_file.h), which
** engine/outputs.c then applies as one set.
*/
#ifndef LR_COMMIT_INT_H
#define LR_COMMIT_INT_H

#include "lr_store.h"
#include "lr_file.h"
#include "output_int.h"

#include <stddef.h>

/* Work the store's writer may run on a thread its own job leaves idle
** (the CSV tables while the rows are written): run(arg) is called once,
** from any thread, and must touch nothing the store's writer uses. */
typedef struct lr__side_job {
	void (*run)(void *arg);
	void *arg; /* borrowed */
} lr__side_job;

/* Write the store of dir under a temporary name and add it to c
** (engine/store.c).  threads: how many the store may use (0: all cores).
** side (NULL: none) is run during the store's rows, or not at all when the
** store fails before them. */
int lr__store_stage(const lr_dataset *d, const lr_result *r, const char *dir,
                    const lr_progress *timings, int threads,
                    const lr__side_job *side, lr_commit *c, lr_error *err);

/* The CSV tables of one analysis under temporary names, before they join
** a commit: per table (LR__TABLE_*), its final path, its temporary and
** whether it was written or is to be removed (a table this result does not
** have). */
enum { LR__CSV_NONE = 0, LR__CSV_WRITTEN, LR__CSV_REMOVE };
typedef struct lr__csv_set {
	int state[LR__N_TABLES];
	char final[LR__N_TABLES][4096];
	char tmp[LR__N_TABLES][4096];
} lr__csv_set;

/* Write every CSV table of d and r into dir under temporary names, each
** flushed and synced (engine/tables.c).  On failure the temporaries written
** are removed and err names the table's file. */
int lr__tables_write(const lr_dataset *d, const lr_result *r, const char *dir,
                     lr__csv_set *set, lr_error *err);
/* Add the tables of set to c, in table order; the temporaries left (on
** failure) are removed. */
int lr__tables_add(lr__csv_set *set, lr_commit *c, lr_error *err);
/* Remove the temporaries of set not yet added to a commit. */
void lr__tables_discard(lr__csv_set *set);

#endif
