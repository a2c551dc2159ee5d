/*
** Private to geo/: the time and size bounds on reading one source, so that
** a source that streams forever (PG:, /vsicurl/, /vsistdin/) ends an
** unattended run with a message instead of holding it.
*/
#ifndef LR_BOUND_INT_H
#define LR_BOUND_INT_H

#include "lr_base.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct lr__bound {
	double timeout_s;     /* <= 0: no time bound */
	int64_t max_features; /* <= 0: no bound on the count */
	double started;       /* lr_now_seconds() when the source was opened */
	int64_t read;         /* features handed out so far */
} lr__bound;

/*
** Start the bounds of a source about to be opened from the options'
** values (0: the defaults of lr_geo.h; negative: none), and give GDAL's
** network reads the same time (GDAL_HTTP_TIMEOUT, unless the environment
** sets it), so that a read blocked on a server that trickles bytes ends.
*/
void lr__bound_start(lr__bound *b, double timeout_s, int64_t max_features);

/*
** Count one more feature.  LR_OK, or LR_ERR_INPUT with err naming label
** and the bound passed (and the option that raises it).
*/
int lr__bound_step(lr__bound *b, const char *label, lr_error *err);

/* true when the time bound has passed: a GDAL failure is then its doing,
** and lr__bound_expired() says so instead of GDAL's own words. */
bool lr__bound_passed(const lr__bound *b);
int lr__bound_expired(const lr__bound *b, const char *label, lr_error *err);

#endif
