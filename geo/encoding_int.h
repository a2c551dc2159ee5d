/*
** Private to geo/: the text encoding a mapping declares for a source
** (`encoding = CP1252`), applied where GDAL would not: a driver that takes
** an ENCODING open option (Shapefile) recodes itself; any other's text is
** recoded here.
*/
#ifndef LR_ENCODING_INT_H
#define LR_ENCODING_INT_H

#include "lr_base.h"

#include <stdbool.h>

/*
** Check encoding (NULL: none declared) for dataset before it is opened.
** On LR_OK *open_option is "ENCODING=..." to give GDALOpenEx when the
** dataset's driver takes it (else NULL) and *recode tells whether the text
** GDAL gives is still to be recoded; *open_option is owned by the caller
** (free()).  LR_ERR_INPUT with err naming dataset when iconv does not know
** the encoding.
*/
int lr__encoding_plan(const char *dataset, const char *encoding,
                      char **open_option, bool *recode, lr_error *err);

/* text (NUL-terminated, in encoding) as UTF-8: a new string the caller
** frees with free(), or NULL when out of memory. */
char *lr__recode(const char *text, const char *encoding);

#endif
