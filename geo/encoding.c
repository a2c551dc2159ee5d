/* The text encoding declared for a source (encoding_int.h). */
#include "encoding_int.h"
#include "gdal_int.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <errno.h>
#include <gdal.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether the driver that would open dataset takes an ENCODING option. */
static bool driver_takes_encoding(const char *dataset)
{
	GDALDriverH drv =
	        GDALIdentifyDriverEx(dataset, GDAL_OF_VECTOR, NULL, NULL);
	const char *list =
	        drv ? GDALGetMetadataItem(drv, GDAL_DMD_OPENOPTIONLIST, NULL)
	            : NULL;
	return list && strstr(list, "name='ENCODING'");
}

int lr__encoding_plan(const char *dataset, const char *encoding,
                      char **open_option, bool *recode, lr_error *err)
{
	*open_option = NULL;
	*recode = false;
	if (!encoding || !*encoding)
		return LR_OK;
	iconv_t cd = iconv_open("UTF-8", encoding);
	if (cd == (iconv_t)-1)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: the encoding '%s' declared for it is "
		                    "not one this system knows; give a name "
		                    "such as CP1252, ISO-8859-1 or CP850 "
		                    "(iconv --list)",
		                    dataset, encoding);
	iconv_close(cd);
	if (!driver_takes_encoding(dataset)) {
		*recode = true;
		return LR_OK;
	}
	size_t n = strlen(encoding) + sizeof "ENCODING=";
	*open_option = malloc(n);
	if (!*open_option)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	snprintf(*open_option, n, "ENCODING=%s", encoding);
	return LR_OK;
}

char *lr__recode(const char *text, const char *encoding)
{
	/* CPLRecode never fails on a known encoding: a byte the encoding
	** does not define comes out as '?', which the caller's text then
	** holds (the declaration was the user's). */
	char *u = CPLRecode(text, encoding, CPL_ENC_UTF8);
	char *out = u ? strdup(u) : NULL;
	CPLFree(u);
	return out;
}
