/*
** The report's language: its gettext catalogue and its way with numbers.
**
** The catalogue is the .mo file msgfmt compiles from po/LANG.po, read here
** rather than through glibc's dgettext(): glibc takes the language from
** process-wide state (the LC_MESSAGES locale and the LANGUAGE variable),
** ignores LANGUAGE under the C locale, and caches what it found per locale
** name, so choosing a language per report would mean setenv() and
** setlocale() calls that are not thread-safe and change the caller's whole
** process, and a system without the language's locale would get English
** without a word.  The .mo format is small and stable; report_catalog.c
** reads it, and tests/test_i18n.c compares every lookup with glibc's.
*/
#include "report_i18n.h"
#include "report_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LR_LOCALEDIR
#define LR_LOCALEDIR "/usr/local/share/locale"
#endif

const char *lr__tr(const struct lr_report *r, const char *msgid)
{
	/* "" is the catalogue's header, never a label. */
	return msgid[0] ? lr__catalog_get(&r->lang.cat, msgid) : msgid;
}

/* The languages a report is written in; English first (no catalogue). */
static const struct {
	const char *code, *decimal, *group;
} langs[] = {
        {"en", ".", ","},
        /* French groups thousands with a narrow no-break space (the espace
        ** fine insécable of French typography). */
        {"fr", ",", "\u202f"},
        {"es", ",", "."},
};
enum { N_LANGS = sizeof langs / sizeof *langs };

/* The index of code in langs[], or N_LANGS. */
static size_t lang_index(const char *code)
{
	size_t k = 0;
	while (k < N_LANGS &&
	       strcmp(code ? code : LR_LANG_DEFAULT, langs[k].code))
		k++;
	return k;
}

int lr_report_lang_check(const char *code, lr_error *err)
{
	if (lang_index(code) < N_LANGS)
		return LR_OK;
	return lr_error_set(err, LR_ERR_USAGE,
	                    "unknown language '%s' (en, fr, es)", code);
}

int lr__lang_open(lr__lang *l, const char *code, lr_error *err)
{
	memset(l, 0, sizeof *l);
	size_t k = lang_index(code);
	if (k == N_LANGS)
		return lr_report_lang_check(code, err);
	snprintf(l->code, sizeof l->code, "%s", langs[k].code);
	l->decimal = langs[k].decimal;
	l->group = langs[k].group;
	if (k == 0)
		return LR_OK; /* the msgids are the English text */
	const char *dir = getenv("LR_LOCALEDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/%s/LC_MESSAGES/landrelease.mo",
	         dir && dir[0] ? dir : LR_LOCALEDIR, l->code);
	char *data;
	size_t size;
	int rc = lr_read_file(path, &data, &size, err);
	if (rc == LR_ERR_INPUT) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		return lr_error_set(err, rc,
		                    "%s (the translations of --lang %s; set "
		                    "LR_LOCALEDIR to the folder holding "
		                    "%s/LC_MESSAGES/landrelease.mo)",
		                    why, l->code, l->code);
	}
	return rc == LR_OK ? lr__catalog_parse(&l->cat, data, size, path, err)
	                   : rc;
}

void lr__lang_close(lr__lang *l)
{
	lr__catalog_free(&l->cat);
	memset(l, 0, sizeof *l);
}
