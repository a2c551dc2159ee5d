/*
** Private to geo/: polygons that cross the antimeridian (+-180 degrees of
** longitude), split there into parts that each lie within -180..180, so
** that the ledger, which works on longitude/latitude, keeps their land.
*/
#ifndef LR_ANTIMERIDIAN_INT_H
#define LR_ANTIMERIDIAN_INT_H

#include "lr_geo.h"

#include <stdbool.h>
#include <stddef.h>

/*
** Make the closed ring xy (m points, x y interleaved, every x in -180..180)
** continuous in longitude: each vertex moved by 360 degrees where the edge
** to it jumps more than 180, so that the ring may run past 180 or -180.
** false when the ring does not close again (it goes around a pole: no
** split at 180 can make it a polygon of longitude/latitude).
*/
bool lr__ring_unwrap(double *xy, size_t m);

/*
** The MultiPolygon WKB of n bytes at wkb, whose rings were unwrapped, cut
** at -180 and 180 and each part moved back by 360 degrees into -180..180:
** *out gets a new MultiPolygon (freed with lr_wkb_free()) and *parts the
** number of parts it was cut into.  LR_OK, or LR_ERR_GEOM / LR_ERR_NOMEM
** with err set.
*/
int lr__antimeridian_split_r(GEOSContextHandle_t ctx, const unsigned char *wkb,
                             size_t n, lr_wkb *out, int *parts, lr_error *err);

#endif
