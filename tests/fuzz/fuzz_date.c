/*
** Date parsers: lr__date_parse_format (mapping date formats), the layer
** lookup lr__mapping_date and the strict ISO parser lr_date_parse_iso.
** Input: "FORMAT\nTEXT".  Every date accepted must exist and print back
** as the same day.
*/
#include "fuzz_common.h"
#include "mapping_int.h"

#include <stdio.h>

static lr_mapping *map;

static void check_day(lr_date d)
{
	char buf[16];
	if (d == LR_DATE_NONE)
		return;
	int y, m, dd;
	lr_date_to_ymd(d, &y, &m, &dd);
	if (lr_date_from_ymd(y, m, dd) != d)
		abort(); /* a day that does not round-trip */
	if (y >= 1 && y <= 9999 &&
	    lr_date_parse_iso(lr_date_format(d, buf)) != d)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (map == NULL) {
		static const char text[] =
		        "[hazards]\ndate_format = %d/%m/%Y, %y%m%d, %d.%m.%y\n"
		        "[releases]\ndate_format = %m/%d/%Y\n"
		        "[defaults]\ndate_format = %Y%%%m%%%d\n";
		lr_error err = {0};
		if (lr_mapping_parse(text, sizeof text - 1, "fuzz.map", &map,
		                     &err) != LR_OK) {
			fprintf(stderr, "%s\n", err.msg);
			abort();
		}
	}
	if (size > 4096)
		return 0;
	char *s = fuzz_cstr(data, size);
	char *text = fuzz_split(s);
	check_day(lr__date_parse_format(s, text));
	check_day(lr_date_parse_iso(text));
	check_day(lr_date_parse_iso(s));
	for (int layer = 0; layer < 3; layer++) {
		check_day(lr__mapping_date(map, layer, s));
		check_day(lr__mapping_date(map, layer, text));
	}
	free(s);
	return 0;
}
