/*
** The language of a report: every label, title, caption, heading and note a
** reader sees is written _("English text") and looked up in the report's
** gettext catalogue (po/LANG.po compiled to LANG/LC_MESSAGES/landrelease.mo);
** numbers and dates are written for the language by lr__fmt_num(),
** lr__count() (counts in sentences), lr__cell_format() and lr__fmt_date()
** (report.c).
**
** _() needs the report `r` in scope, as every function of report/ that
** writes text has it: the language belongs to the report, not the process,
** so two reports in two languages can be written side by side.  Where a
** string must be a constant (static tables), mark it N_("...") and pass it
** through lr__tr(r, s) where it is used.  Not a public interface.
*/
#ifndef LR_REPORT_I18N_H
#define LR_REPORT_I18N_H

#include "lr_base.h"

#include <stddef.h>

struct lr_report;

/* A compiled gettext catalogue (.mo) read whole; owned by its report. */
typedef struct lr__catalog {
	char *data; /* the file, owned */
	size_t size;
	unsigned n;               /* number of messages */
	const unsigned char *ids; /* table of (length, offset) of the msgids */
	const unsigned char *strs;
	int swap; /* the file's byte order differs from ours */
} lr__catalog;

/* How a report's language writes text and numbers. */
typedef struct lr__lang {
	char code[4];        /* "en", "fr", "es" */
	const char *decimal; /* "." or "," */
	const char *group;   /* ",", U+202F narrow no-break space, "." */
	lr__catalog cat;     /* empty for English: the msgids are English */
} lr__lang;

/* The language code for the default: English. */
#define LR_LANG_DEFAULT "en"

/* Set up l for code ("en", "fr" or "es"; NULL is English), reading the
** catalogue from $LR_LOCALEDIR or the folder the build installs to.
** LR_OK; LR_ERR_USAGE for an unknown code; LR_ERR_INPUT naming the file
** when the catalogue is missing or malformed (never a silent English). */
int lr__lang_open(lr__lang *l, const char *code, lr_error *err);
void lr__lang_close(lr__lang *l);

/* Take data[size] (malloc'd; owned by c from now on, freed on failure)
** as a .mo catalogue after checking it whole.  LR_OK; LR_ERR_INPUT "name:
** why" when it is not a well-formed UTF-8 catalogue (report_catalog.c). */
int lr__catalog_parse(lr__catalog *c, char *data, size_t size, const char *name,
                      lr_error *err);
void lr__catalog_free(lr__catalog *c);
/* The translation of msgid in catalogue c, or msgid itself when c holds
** none (English, or a string not yet translated). */
const char *lr__catalog_get(const lr__catalog *c, const char *msgid);

/* The translation of msgid in the language of report r. */
const char *lr__tr(const struct lr_report *r, const char *msgid);

#define _(s) lr__tr(r, s)
#define N_(s) (s)

#endif
