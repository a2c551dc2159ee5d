/*
** Inside ingest: reading a layer of regions on its own, and the parents
** of the regions drawn from the polygons of the levels above them.  Not a
** public interface.
*/
#ifndef LR_INGEST_INT_H
#define LR_INGEST_INT_H

#include "lr_input.h"
#include "mapping_int.h"

/* Read the polygons at path as a layer of regions through m's [regions]
** fields, checked and repaired as the regions are, into d (initialised by
** the caller; its regions and findings).  in gives the options; path and
** in are borrowed.  LR_OK, or the error of opening or reading it. */
int lr__read_regions(const lr_inputs *in, const lr_mapping *m, const char *path,
                     lr_dataset *d, lr_error *err);

/* With m's parent_layers: read each (beside the regions' source when the
** name is relative), give each region the polygon of the first holding
** most of its land as parent, each of those the polygon of the next, and
** keep those levels' regions in d->parents.  Every choice is a finding.
** LR_OK (also without parent_layers) or an error naming the file. */
int lr__parents_from_layers(const lr_inputs *in, const lr_mapping *m,
                            lr_dataset *d, lr_error *err);

/* How a layer is read: next() gives the next feature as lr_source_next
** does (1, 0 at the end, -1 with err set), take() adds a checked feature
** to the dataset, taking its wkb (LR_OK or an error). */
typedef struct lr__layer_reader {
	int (*next)(void *ud, lr_feature *f, lr_error *err);
	int (*take)(void *ud, lr_feature *f, lr_error *err);
	void *ud;
} lr__layer_reader;

/*
** Read a layer to its end with r: next() on the calling thread only,
** lr_feature_check and the area of each feature on n_threads threads,
** take() on any thread but one feature after the other in the order read.
** LR_OK, or the failure met first in that order (a read error comes after
** the features read before it are taken).
*/
int lr__read_layer(const lr__layer_reader *r, int n_threads, lr_error *err);

#endif
