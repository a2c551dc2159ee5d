/*
** Value spellings: lr__mapping_value for every enumerated field of a
** mapping with spellings, and lr__mapping_expected.  Input: the text.
*/
#include "fuzz_common.h"
#include "mapping_int.h"

#include <stdio.h>

static lr_mapping *map, *ident;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (map == NULL) {
		static const char text[] =
		        "[hazards]\ntype.SHA = Suspected, Suspected Hazardous "
		        "Area, S H A\ntype.CHA = Confirmed\n"
		        "contamination.AP = Anti-personnel, APM\n"
		        "contamination.mixed = AP/AV, Mixed Mines\n"
		        "[releases]\nmethod.cleared = Clearance, CLR, "
		        "Cleared\nmethod.reduced = TS, Technical Survey\n"
		        "method.cancelled = NTS,\n   Non-Technical Survey\n";
		lr_error err = {0};
		if (lr_mapping_parse(text, sizeof text - 1, "fuzz.map", &map,
		                     &err) != LR_OK ||
		    lr_mapping_default(&ident, &err) != LR_OK) {
			fprintf(stderr, "%s\n", err.msg);
			abort();
		}
	}
	if (size > 4096)
		return 0;
	char *s = fuzz_cstr(data, size);
	char buf[300];
	for (int layer = 0; layer < 3; layer++)
		for (int f = 0; f < lr__field_count(layer); f++) {
			if (lr__field_kind(layer, f) != LR__KIND_ENUM)
				continue;
			int a = lr__mapping_value(map, layer, f, s);
			int b = lr__mapping_value(ident, layer, f, s);
			/* our own names are accepted by every mapping */
			if (b >= 0 && a != b)
				abort();
			lr__mapping_expected(map, layer, f, buf, sizeof buf);
			if (strlen(buf) >= sizeof buf)
				abort();
		}
	free(s);
	return 0;
}
