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
** without a word.  The .mo format is small and stable (GNU gettext manual,
** "The Format of GNU MO Files"); tests compare every lookup with msgunfmt.
*/
#include "report_i18n.h"
#include "report_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef LR_LOCALEDIR
#define LR_LOCALEDIR "/usr/local/share/locale"
#endif

enum { MO_MAGIC = 0x950412de, MO_SWAPPED = 0xde120495, MO_HEADER = 28 };

static uint32_t u32_at(const lr__catalog *c, const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return c->swap ? __builtin_bswap32(v) : v;
}

/* The string of entry i of a (length, offset) table, or NULL when it does
** not lie inside the file NUL-terminated. */
static const char *entry(const lr__catalog *c, const unsigned char *table,
                         uint32_t i)
{
	uint32_t len = u32_at(c, table + 8 * (size_t)i);
	uint32_t off = u32_at(c, table + 8 * (size_t)i + 4);
	if (off >= c->size || len >= c->size - off || c->data[off + len])
		return NULL;
	return c->data + off;
}

/* The header's tables in bounds, every string NUL-terminated in the file,
** the msgids sorted (msgfmt sorts them; the lookup bisects). */
static const char *check_catalog(lr__catalog *c)
{
	if (c->size < MO_HEADER)
		return "shorter than a .mo header";
	uint32_t magic;
	memcpy(&magic, c->data, sizeof magic);
	if (magic != MO_MAGIC && magic != MO_SWAPPED)
		return "not a gettext .mo file (bad magic number)";
	c->swap = magic == MO_SWAPPED;
	const unsigned char *h = (const unsigned char *)c->data;
	if (u32_at(c, h + 4) >> 16 > 1)
		return "a .mo revision this program does not know";
	c->n = u32_at(c, h + 8);
	uint32_t o = u32_at(c, h + 12), t = u32_at(c, h + 16);
	size_t table = 8 * (size_t)c->n;
	if (o > c->size || t > c->size || table > c->size - o ||
	    table > c->size - t)
		return "its string tables lie outside the file";
	c->ids = h + o;
	c->strs = h + t;
	for (uint32_t i = 0; i < c->n; i++) {
		const char *id = entry(c, c->ids, i);
		if (!id || !entry(c, c->strs, i))
			return "a string lies outside the file";
		if (i && strcmp(entry(c, c->ids, i - 1), id) >= 0)
			return "its messages are not sorted";
	}
	return NULL;
}

/* The catalogue's header (the translation of "") must say UTF-8: the
** outputs are UTF-8 and are never converted. */
static bool catalog_is_utf8(const lr__catalog *c)
{
	const char *h = lr__catalog_get(c, "");
	const char *cs = strstr(h, "charset=");
	return cs && !strncasecmp(cs + 8, "UTF-8", 5);
}

static int catalog_read(lr__catalog *c, const char *path, const char *code,
                        lr_error *err)
{
	memset(c, 0, sizeof *c);
	int rc = lr_read_file(path, &c->data, &c->size, err);
	if (rc == LR_ERR_INPUT) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		return lr_error_set(err, rc,
		                    "%s (the translations of --lang %s; set "
		                    "LR_LOCALEDIR to the folder holding "
		                    "%s/LC_MESSAGES/landrelease.mo)",
		                    why, code, code);
	}
	if (rc != LR_OK)
		return rc;
	const char *why = check_catalog(c);
	if (!why && !catalog_is_utf8(c))
		why = "its header does not say charset=UTF-8";
	if (why) {
		free(c->data);
		memset(c, 0, sizeof *c);
		return lr_error_set(err, LR_ERR_INPUT, "%s: %s", path, why);
	}
	return LR_OK;
}

const char *lr__catalog_get(const lr__catalog *c, const char *msgid)
{
	uint32_t lo = 0, hi = c->data ? c->n : 0;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int d = strcmp(msgid, entry(c, c->ids, mid));
		if (d == 0)
			return entry(c, c->strs, mid);
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return msgid;
}

const char *lr__tr(const struct lr_report *r, const char *msgid)
{
	/* "" is the catalogue's header, never a label. */
	return msgid[0] ? lr__catalog_get(&r->lang.cat, msgid) : msgid;
}

int lr__lang_open(lr__lang *l, const char *code, lr_error *err)
{
	static const struct {
		const char *code, *decimal, *group;
	} langs[] = {
	        {"en", ".", ","},
	        /* French groups thousands with a narrow no-break space (the
	        ** espace fine insécable of French typography). */
	        {"fr", ",", "\u202f"},
	        {"es", ",", "."},
	};
	memset(l, 0, sizeof *l);
	if (!code)
		code = LR_LANG_DEFAULT;
	size_t k = 0;
	while (k < sizeof langs / sizeof *langs && strcmp(code, langs[k].code))
		k++;
	if (k == sizeof langs / sizeof *langs)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "unknown language '%s' (en, fr, es)", code);
	snprintf(l->code, sizeof l->code, "%s", langs[k].code);
	l->decimal = langs[k].decimal;
	l->group = langs[k].group;
	if (k == 0)
		return LR_OK; /* the msgids are the English text */
	const char *dir = getenv("LR_LOCALEDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/%s/LC_MESSAGES/landrelease.mo",
	         dir && dir[0] ? dir : LR_LOCALEDIR, l->code);
	return catalog_read(&l->cat, path, l->code, err);
}

void lr__lang_close(lr__lang *l)
{
	free(l->cat.data);
	memset(l, 0, sizeof *l);
}
