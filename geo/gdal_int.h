/*
** Private to geo/: what every file that calls GDAL shares.
*/
#ifndef LR_GDAL_INT_H
#define LR_GDAL_INT_H

/* Register GDAL's drivers, once per process, from any thread. */
void lr__gdal_init(void);

/* GDAL's last error message of this thread, or a placeholder. */
const char *lr__cpl_msg(void);

#endif
