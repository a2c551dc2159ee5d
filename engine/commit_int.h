/*
** Private to the engine's output writers: a set of files replaced as one
** (engine/commit.c).  Each file is first written whole under a temporary
** name and added; lr__commit_apply() then makes the set durable with a
** journal and renames them all.
*/
#ifndef LR_COMMIT_INT_H
#define LR_COMMIT_INT_H

#include "lr_engine.h"

#include <stddef.h>

typedef struct lr__commit_entry {
	char *tmp;   /* complete file to rename; NULL: remove final */
	char *final; /* the name the user reads */
} lr__commit_entry;

typedef struct lr__commit {
	const char *dir; /* borrowed */
	lr__commit_entry *e;
	size_t n, cap;
	int committed; /* journal written: the temporaries are its to rename */
} lr__commit;

void lr__commit_init(lr__commit *c, const char *dir);

/* Add tmp → final, or (tmp NULL) the removal of a stale final. */
int lr__commit_add(lr__commit *c, const char *tmp, const char *final,
                   lr_error *err);

/* Replace the files as one.  On failure before the commit point nothing
** changed; after it, the journal is left for lr_outputs_recover(). */
int lr__commit_apply(lr__commit *c, lr_error *err);

/* Free c; temporaries not handed to a journal are removed. */
void lr__commit_free(lr__commit *c);

/* Write the store / the CSV tables of dir under temporary names and add
** them to c (engine/store.c, engine/tables.c). */
int lr__store_stage(const lr_dataset *d, const lr_result *r, const char *dir,
                    bool timings, lr__commit *c, lr_error *err);
int lr__tables_stage(const lr_dataset *d, const lr_result *r, const char *dir,
                     lr__commit *c, lr_error *err);

#endif
