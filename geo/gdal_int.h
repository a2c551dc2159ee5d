/*
** Private to geo/: what every file that calls GDAL shares.
*/
#ifndef LR_GDAL_INT_H
#define LR_GDAL_INT_H

#include <ogr_api.h>

/* Register GDAL's drivers, once per process, from any thread. */
void lr__gdal_init(void);

/* GDAL's last error message of this thread, or a placeholder. */
const char *lr__cpl_msg(void);

/*
** The text of field i of f (set and not null), as GDAL gives it except for
** a real: a whole number is written without decimals ("12", not GDAL's
** "12.000000000000000" of a Shapefile's Real(24,15)), so that an id kept
** in a real field names the same record as "12" in an integer or text
** field; other reals are written in 15 significant digits.  Borrowed from
** f or written into buf.
*/
const char *lr__field_text(OGRFeatureH f, int i, char buf[static 64]);

#endif
