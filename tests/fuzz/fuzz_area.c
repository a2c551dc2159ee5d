/*
** lr_ellipsoid_area_wkb on arbitrary bytes: it parses the WKB itself, so
** every length and count must be checked against the buffer.
*/
#include "fuzz_common.h"
#include "lr_geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy so ASan sees any read past the end. */
	lr_wkb w = {0};
	w.data = malloc(size ? size : 1);
	if (w.data == NULL)
		return 0;
	memcpy(w.data, data, size);
	w.size = size;
	(void)lr_ellipsoid_area_wkb(&w);
	lr_wkb_free(&w);
	return 0;
}
