/*
** The outputs of an analysis: the CSV tables and the SpatiaLite store,
** written as one set into the output folder.  Reading them back:
** lr_store_read.h.
*/
#ifndef LR_STORE_H
#define LR_STORE_H

#include "lr_ledger.h"
#include "lr_store_read.h"

#include <stdbool.h>

/* ---- Writing (engine/store/tables.c, store.c, outputs.c) --------------- */

/*
** Write remaining_by_region.csv, release_by_year.csv, data_quality.csv (and
** baseline_by_region.csv with a baseline) into dir, each through a
** temporary name renamed into place, so no partial file is ever left.
*/
int lr_tables_write(const lr_dataset *d, const lr_result *r, const char *dir,
                    lr_error *err);

/*
** Write the SpatiaLite store dir/landrelease.sqlite: meta, inputs, data
** quality, ledger faces and result tables.  Built under a temporary name and
** renamed into place: a killed run leaves the previous store or none.
*/
int lr_store_write(const lr_dataset *d, const lr_result *r, const char *dir,
                   lr_error *err);

/*
** Write the store and the CSV tables into dir as one set: all are written
** under temporary names, then replaced together through a journal, so a
** killed run leaves every output of the previous run or every output of
** this one, never a mixture.  timings (NULL: none): the time of
** the store's parts, as progress notes.  threads: how many the store may
** use (0: all cores; it uses two at most: one builds the spatial indexes
** while the other writes the rows); the file is the same with any number.
*/
int lr_outputs_write(const lr_dataset *d, const lr_result *r, const char *dir,
                     const lr_progress *timings, int threads, lr_error *err);

/*
** The same outputs written while the ledger runs: lr_outputs_open() readies
** dir and opens the store (under a temporary name, on a thread of its own)
** before lr_analyze; lr_outputs_stream() makes opt's face sink hand the
** ledger's faces to the store, whose rows are then written (and their
** geometries freed) batch by batch while the ledger works, through a queue
** bounded in bytes; lr_outputs_close() writes the rest and replaces the
** outputs as one set, as lr_outputs_write() does, and frees o.
** lr_outputs_abort() (after a failed ledger) stops the store, removes its
** temporary and leaves dir as it was.  d is borrowed until o is closed or
** aborted; while the ledger runs the store reads its regions only.  The
** store's file is the same whether the faces were streamed or not.
*/
typedef struct lr_outputs lr_outputs;
int lr_outputs_open(const lr_dataset *d, const char *dir,
                    const lr_progress *timings, int threads, lr_outputs **out,
                    lr_error *err);
void lr_outputs_stream(lr_outputs *o, lr_options *opt);
int lr_outputs_close(lr_outputs *o, const lr_result *r, lr_error *err);
void lr_outputs_abort(lr_outputs *o);
/* The face sink lr_outputs_stream sets (lr_face_sink); outputs is an
** lr_outputs. */
int lr_outputs_take_faces(void *outputs, lr_face *faces, size_t n,
                          lr_error *err);

/*
** Finish replacing the outputs in dir if a run was killed while doing it.
** Everything that reads dir calls this first.  LR_OK when there was nothing
** to finish or it is finished; LR_ERR_IO naming the file otherwise.
*/
int lr_outputs_recover(const char *dir, lr_error *err);

#endif
