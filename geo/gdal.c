/* GDAL's set-up and error text, shared by every reader of geo/. */
#include "gdal_int.h"

#include <cpl_error.h>
#include <gdal.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;

static void gdal_register(void)
{
	GDALAllRegister();
}

void lr__gdal_init(void)
{
	pthread_once(&gdal_once, gdal_register);
}

const char *lr__cpl_msg(void)
{
	const char *m = CPLGetLastErrorMsg();
	return m != NULL && *m != '\0' ? m : "GDAL gave no detail";
}

const char *lr__field_text(OGRFeatureH f, int i, char buf[static 64])
{
	OGRFieldDefnH fd = OGR_F_GetFieldDefnRef(f, i);
	if (fd == NULL || OGR_Fld_GetType(fd) != OFTReal)
		return OGR_F_GetFieldAsString(f, i);
	double x = OGR_F_GetFieldAsDouble(f, i);
	/* Below 2^53 every whole double prints exactly with %.0f. */
	if (isfinite(x) && x == trunc(x) && fabs(x) < 9007199254740992.0)
		snprintf(buf, 64, "%.0f", x == 0 ? 0.0 : x);
	else
		snprintf(buf, 64, "%.15g", x);
	return buf;
}
