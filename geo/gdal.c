/* GDAL's set-up and error text, shared by every reader of geo/. */
#include "gdal_int.h"

#include <cpl_error.h>
#include <gdal.h>
#include <pthread.h>

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
