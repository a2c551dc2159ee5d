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

/*
** The store of dir (engine/store/store.c), written on one thread in three
** steps: lr__store_open() creates it under a temporary name with its
** geometry tables, before the ledger runs; lr__store_faces() writes the
** faces' rows as they come, in face order; lr__store_finish() writes the
** rest (the tables, the inputs' rows, the spatial indexes; side, NULL: none,
** on the thread the indexes leave idle) and adds the file to c.
** lr__store_close() frees the store, removing its file unless finished.
** Errors go to the err given to lr__store_open (*out is set even then, to
** be closed); each step returns LR_OK or the error's code.  threads: how
** many the last step may use (0: all cores).
*/
typedef struct lr__store lr__store;
/* Set the bound of o's queue (bytes of faces waiting for the store's
** writer; one batch always fits): tests make the ledger wait with it. */
void lr__outputs_queue_bytes(lr_outputs *o, size_t bytes);
int lr__store_open(const lr_dataset *d, const char *dir, lr__store **out,
                   lr_error *err);
int lr__store_faces(lr__store *s, const lr_face *faces, size_t n);
int lr__store_finish(lr__store *s, const lr_result *r,
                     const lr_progress *timings, int threads,
                     const lr__side_job *side, lr_commit *c);
void lr__store_close(lr__store *s);

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
