/*
** Mapping files: lr_mapping_parse on arbitrary text, then the lookups
** ingest makes on whatever it accepted.
*/
#include "fuzz_common.h"
#include "mapping_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16384)
		return 0;
	lr_mapping *m = NULL;
	lr_error err = {0};
	int rc = lr_mapping_parse((const char *)data, size, "fuzz.map", &m,
	                          &err);
	if (rc != LR_OK) {
		if (m != NULL || err.msg[0] == '\0')
			abort(); /* a failure must say why and leave nothing */
		return 0;
	}
	static const char *probes[] = {"SHA",      "cha",       "AP",
	                               "cleared",  "Clearance", "2019-03-01",
	                               "01/03/19", "1.3.2019",  ""};
	char buf[256];
	for (int layer = 0; layer < 3; layer++) {
		lr__mapping_crs(m, layer);
		for (size_t p = 0; p < sizeof probes / sizeof *probes; p++)
			lr__mapping_date(m, layer, probes[p]);
		for (int f = 0; f < lr__field_count(layer); f++) {
			if (lr__field_kind(layer, f) != LR__KIND_ENUM)
				continue;
			for (size_t p = 0; p < sizeof probes / sizeof *probes;
			     p++)
				lr__mapping_value(m, layer, f, probes[p]);
			lr__mapping_expected(m, layer, f, buf, sizeof buf);
		}
	}
	lr_mapping_free(m);
	return 0;
}
