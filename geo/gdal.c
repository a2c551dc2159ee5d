/* GDAL's set-up and error text, shared by every reader of geo/. */
#include "gdal_int.h"

#include <cpl_error.h>
#include <gdal.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
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

/* The decimal digits of v into buf, as printf's "%" PRId64 writes them
** (GDAL's text of an integer field), without printf's cost. */
static const char *int_text(int64_t v, char buf[static 64])
{
	char digits[24];
	int n = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	char *o = buf;
	if (v < 0)
		*o++ = '-';
	while (n > 0)
		*o++ = digits[--n];
	*o = '\0';
	return buf;
}

const char *lr__field_text(OGRFeatureH f, int i, char buf[static 64])
{
	OGRFieldDefnH fd = OGR_F_GetFieldDefnRef(f, i);
	OGRFieldType type = fd != NULL ? OGR_Fld_GetType(fd) : OFTString;
	if (type == OFTInteger || type == OFTInteger64)
		return int_text(OGR_F_GetFieldAsInteger64(f, i), buf);
	if (type != OFTReal)
		return OGR_F_GetFieldAsString(f, i);
	double x = OGR_F_GetFieldAsDouble(f, i);
	/* Below 2^53 every whole double is an int64 that prints as %.0f
	** prints it (-0 as 0). */
	if (isfinite(x) && x == trunc(x) && fabs(x) < 9007199254740992.0)
		return int_text((int64_t)x, buf);
	snprintf(buf, 64, "%.15g", x);
	return buf;
}
