/*
** INI files with line numbers, over inih (which reports only the first bad
** line and calls its handler without line numbers).
*/
#ifndef LR_INI_H
#define LR_INI_H

#include "lr_base.h"

/*
** Called for each key: the 1-based line it is on and the line of the
** section header above it (0 if none).  Returns 1 to go on, 0 after
** writing err.
*/
typedef int (*lr_ini_handler)(void *user, const char *section, const char *key,
                              const char *value, int line, int section_line,
                              lr_error *err);

/*
** Read text if not NULL, else the file at path; name is the file name used
** in messages (path if NULL).  Returns LR_OK, or an error naming name and
** the line.
*/
int lr_ini_parse(const char *text, const char *path, const char *name,
                 lr_ini_handler handler, void *user, lr_error *err);

#endif
