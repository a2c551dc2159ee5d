/*
** Gettext catalogues: arbitrary bytes to lr__catalog_parse (the report's
** .mo reader, report/report_catalog.c), then a lookup of every message it
** accepted and of strings it does not hold.
*/
#include "fuzz_common.h"
#include "report_i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	char *copy = malloc(size ? size : 1);
	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	lr__catalog c;
	lr_error err = {0};
	if (lr__catalog_parse(&c, copy, size, "fuzz.mo", &err) != LR_OK) {
		if (c.data != NULL || err.msg[0] == '\0')
			abort(); /* a refusal must say why and keep nothing */
		return 0;
	}
	/* Every msgid must be found again, its translation a string. */
	for (uint32_t i = 0; i < c.n; i++) {
		uint32_t off;
		memcpy(&off, c.ids + 8 * (size_t)i + 4, sizeof off);
		if (c.swap)
			off = __builtin_bswap32(off);
		const char *id = c.data + off;
		if (strlen(lr__catalog_get(&c, id)) > c.size)
			abort();
	}
	static const char *probes[] = {"", "Summary", "zzzz", "\xff"};
	for (size_t k = 0; k < sizeof probes / sizeof *probes; k++)
		(void)lr__catalog_get(&c, probes[k]);
	lr__catalog_free(&c);
	return 0;
}
