/*
** The real Bosnia and Herzegovina snapshot (suspected and cleared areas on
** municipalities) through maps/bih-snapshot.ini: every null or broken
** feature is accounted for, and the remaining suspected land by
** municipality adds up to the area of the union of the suspected areas.
*/
#include "lr_engine.h"
#include "lr_test.h"

#include <stdlib.h>
#include <string.h>

static double union_of_surveyed(const lr_dataset *d)
{
	lr_error err = {0};
	GEOSContextHandle_t ctx = lr_geos_new(&err);
	size_t n = 0;
	GEOSGeometry **g = calloc(d->hazards.len + 1, sizeof *g);
	for (size_t i = 0; i < d->hazards.len; i++) {
		const lr_hazard *h = &LR_VEC_AT(&d->hazards, lr_hazard, i);
		if (h->implied_by < 0)
			g[n++] = lr_wkb_to_geos_r(ctx, &h->geom);
	}
	GEOSGeometry *all = GEOSGeom_createCollection_r(
	        ctx, GEOS_GEOMETRYCOLLECTION, g, (unsigned)n);
	GEOSGeometry *u = GEOSUnaryUnion_r(ctx, all);
	double a = u ? lr_geodesic_area_r(ctx, u) : -1;
	GEOSGeom_destroy_r(ctx, u);
	GEOSGeom_destroy_r(ctx, all);
	free(g);
	GEOS_finish_r(ctx);
	return a;
}

int main(void)
{
	const char *real = getenv("LR_SHARED_DATA");
	const char *src = getenv("LR_SOURCE_DIR");
	char regions[1024], hazards[1024], releases[1024], map[1024];
	if (!real || !src)
		lr_test_skip_all("LR_SHARED_DATA not set");
	snprintf(regions, sizeof regions,
	         "%s/bih/geoBoundaries-BIH-ADM3.geojson", real);
	snprintf(hazards, sizeof hazards,
	         "%s/bih/suspect_areas_simplyfied.geojson", real);
	snprintf(releases, sizeof releases,
	         "%s/bih/cleared_areas_simplyfied.geojson", real);
	snprintf(map, sizeof map, "%s/maps/bih-snapshot.ini", src);
	FILE *probe = fopen(hazards, "rb");
	if (!probe)
		lr_test_skip_all("the real BiH data (../shared/data/real/bih) "
		                 "is not here");
	fclose(probe);

	lr_error err = {0};
	lr_mapping *m = NULL;
	if (!lr_test_ok(lr_mapping_load(map, &m, &err) == LR_OK,
	                "the BiH mapping loads (%s)", err.msg))
		return lr_test_done();
	lr_inputs in = {.mapping = m};
	in.source[0] = regions;
	in.source[1] = hazards;
	in.source[2] = releases;
	lr_dataset d;
	lr_dataset_init(&d);
	if (!lr_test_ok(lr_ingest(&in, &d, &err) == LR_OK, "ingest (%s)",
	                err.msg))
		return lr_test_done();
	int64_t rejected_rows[3] = {0, 0, 0};
	for (size_t i = 0; i < d.quality.items.len; i++) {
		const lr_finding *f =
		        &LR_VEC_AT(&d.quality.items, lr_finding, i);
		for (int l = 0; l < 3; l++)
			if (f->severity == LR_SEV_ERROR &&
			    !strcmp(f->layer, lr_layer_names[l]))
				rejected_rows[l]++;
	}
	for (int l = 0; l < 3; l++) {
		const lr_layer_counts *c = &d.counts[l];
		lr_test_ok(c->read == c->accepted + c->rejected &&
		                   rejected_rows[l] == c->rejected,
		           "%s: read %lld = accepted %lld + rejected %lld, one "
		           "error row per reject",
		           lr_layer_names[l], (long long)c->read,
		           (long long)c->accepted, (long long)c->rejected);
	}
	lr_test_ok(d.counts[1].read == 11068 && d.counts[1].rejected >= 3094,
	           "all 11,068 suspected areas read; the 3,094 without "
	           "geometry rejected");

	lr_options opt = {.as_of = LR_DATE_NONE,
	                  .baseline = LR_DATE_NONE,
	                  .scope = LR_CONT_ALL,
	                  .threads = 0,
	                  .keep_faces = false};
	lr_result *r = NULL;
	if (!lr_test_ok(lr_analyze(&d, &opt, &r, &err) == LR_OK, "analyze (%s)",
	                err.msg))
		return lr_test_done();
	lr_cents total = 0;
	int64_t count = 0;
	for (int i = 0; i <= r->n_regions; i++) {
		total += r->remaining[i].sha + r->remaining[i].cha;
		count += r->remaining[i].sha_count + r->remaining[i].cha_count;
	}
	double u = union_of_surveyed(&d);
	double got = (double)total / 100.0;
	if (!lr_test_ok(fabs(got - u) <= 1e-6 * u,
	                "remaining suspected land = area of the union of the "
	                "suspected areas (1e-6 relative)"))
		printf("#   remaining %.2f m2, union %.2f m2\n", got, u);
	lr_test_ok(count <= d.counts[1].accepted && count > 7900,
	           "remaining areas counted once each (%lld of %lld)",
	           (long long)count, (long long)d.counts[1].accepted);
	int munis = 0;
	for (int i = 0; i < r->n_regions; i++)
		munis += r->remaining[i].sha > 0;
	lr_test_ok(munis > 50, "suspected land in %d municipalities", munis);
	lr_result_free(r);
	lr_dataset_free(&d);
	lr_mapping_free(m);
	return lr_test_done();
}
