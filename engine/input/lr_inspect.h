/*
** Inspecting a national export whose schema is not ours: a description of
** its layers and fields, and a drafted mapping file (README "Mapping
** files") whose every choice names its evidence.
*/
#ifndef LR_INSPECT_H
#define LR_INSPECT_H

#include "lr_base.h"

typedef struct lr_inspect_sources {
	/* Either dataset (its layers are assigned to regions, hazards and
	** releases by their names and contents) or the three sources. */
	const char *dataset;   /* borrowed */
	const char *source[3]; /* borrowed; regions, hazards, releases */
	const char *layer[3];  /* borrowed; NULL: chosen as above */
	/* Seconds a source may take to read (lr_geo.h's bound): 0 the
	** default, negative none. */
	double read_timeout_s;
} lr_inspect_sources;

typedef struct lr_inspection {
	char *description; /* owned; per layer: driver, CRS, fields, values */
	char *draft;       /* owned; the mapping file drafted */
	char *missing;     /* owned; one line per part the user must give */
	int n_missing;     /* lines of the draft still to fill in */
} lr_inspection;

/*
** Read the sources through geo/ and fill *out (zeroed by the call).
** LR_OK; else LR_ERR_INPUT naming the source (unreadable, no layer that
** could hold hazards...) or LR_ERR_NOMEM.  Free *out with
** lr_inspection_free() in every case.
*/
int lr_inspect(const lr_inspect_sources *in, lr_inspection *out, lr_error *err);
void lr_inspection_free(lr_inspection *x);

#endif
