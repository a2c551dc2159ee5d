/*
** Private to the engine's output writers: each writer stages its files
** under temporary names into one lr_commit (base/lr_file.h), which
** engine/outputs.c then applies as one set.
*/
#ifndef LR_COMMIT_INT_H
#define LR_COMMIT_INT_H

#include "lr_store.h"
#include "lr_file.h"

#include <stddef.h>

/* Write the store / the CSV tables of dir under temporary names and add
** them to c (engine/store.c, engine/tables.c).  threads: how many the
** store may use (0: all cores). */
int lr__store_stage(const lr_dataset *d, const lr_result *r, const char *dir,
                    const lr_progress *timings, int threads, lr_commit *c,
                    lr_error *err);
int lr__tables_stage(const lr_dataset *d, const lr_result *r, const char *dir,
                     lr_commit *c, lr_error *err);

#endif
