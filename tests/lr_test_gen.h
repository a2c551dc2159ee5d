/*
** A generated country for a test: lr-generate (from LR_BUILD_DIR) writes
** it into a folder of the test's, and it is ingested, one TAP line each.
*/
#ifndef LR_TEST_GEN_H
#define LR_TEST_GEN_H

#include "lr_engine.h"
#include "lr_test.h"

#include <stdio.h>
#include <stdlib.h>

/*
** Generate seed's country of `hazards` hazards in `regions` regions
** (profile NULL: the generator's default) into dir, and ingest it into d
** (initialised here; the caller frees it with lr_dataset_free whatever the
** outcome).  what (what_size bytes) gets the name the TAP lines use.
** Returns 1 when d holds the country, else 0.
*/
static inline int lr_test_generated(const char *dir, int seed, int hazards,
                                    int regions, const char *profile,
                                    lr_dataset *d, char *what, size_t what_size)
{
	char path[1024];
	lr_dataset_init(d);
	snprintf(path, sizeof path, "%s/gen%d.gpkg", dir, seed);
	snprintf(what, what_size, "seed %d (%s profile)", seed,
	         profile ? profile : "default");
	if (!lr_test_ok(lr_test_generate(path, seed, hazards, regions,
	                                 profile) == 0,
	                "%s: generated", what))
		return 0;
	lr_inputs in = {.dataset = path};
	in.today = lr_date_from_ymd(2100, 1, 1);
	lr_error err = {0};
	return lr_test_ok(lr_ingest(&in, d, &err) == LR_OK, "%s: ingest (%s)",
	                  what, err.msg);
}

#endif
