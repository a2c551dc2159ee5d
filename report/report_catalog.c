/*
** A gettext catalogue (.mo, as msgfmt compiles po/LANG.po) read whole and
** checked before any lookup: tables inside the file, every string
** NUL-terminated inside it, the messages sorted (the lookup bisects), the
** header saying UTF-8.  The format: GNU gettext manual, "The Format of GNU
** MO Files".  Knows nothing of reports (tests/fuzz/fuzz_mo.c feeds it
** arbitrary bytes).
*/
#include "report_i18n.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

int lr__catalog_parse(lr__catalog *c, char *data, size_t size, const char *name,
                      lr_error *err)
{
	memset(c, 0, sizeof *c);
	c->data = data;
	c->size = size;
	const char *why = check_catalog(c);
	if (!why && !catalog_is_utf8(c))
		why = "its header does not say charset=UTF-8";
	if (why) {
		lr__catalog_free(c);
		return lr_error_set(err, LR_ERR_INPUT, "%s: %s", name, why);
	}
	return LR_OK;
}

void lr__catalog_free(lr__catalog *c)
{
	free(c->data);
	memset(c, 0, sizeof *c);
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
