/*
** The real Bosnia and Herzegovina snapshot (suspected and cleared areas on
** municipalities) through maps/bih-snapshot.ini: every null or broken
** feature is accounted for, the remaining suspected land by municipality
** adds up to the area of the union of the suspected areas, and a later
** suspected area's border leaves the land of a clearance as it was.
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
	double a = u ? lr_ellipsoid_area_r(ctx, u) : -1;
	GEOSGeom_destroy_r(ctx, u);
	GEOSGeom_destroy_r(ctx, all);
	free(g);
	GEOS_finish_r(ctx);
	return a;
}

static lr_wkb wkb_copy(const lr_wkb *w)
{
	lr_wkb c = *w;
	c.data = malloc(w->size);
	memcpy(c.data, w->data, w->size);
	return c;
}

static const lr_hazard *hazard_where(const lr_dataset *d, int64_t fid,
                                     int implied_by)
{
	for (size_t i = 0; i < d->hazards.len; i++) {
		const lr_hazard *h = &LR_VEC_AT(&d->hazards, lr_hazard, i);
		if (implied_by >= 0 ? h->implied_by == implied_by
		                    : h->fid == fid && h->implied_by < 0)
			return h;
	}
	return NULL;
}

static void push_hazard(lr_dataset *p, const lr_hazard *h, int implied_by)
{
	lr_hazard c = *h;
	c.id = strdup(h->id);
	c.region_id = NULL;
	c.implied_by = implied_by;
	c.geom = wkb_copy(&h->geom);
	lr_vec_push(&p->hazards, &c);
}

/* Land cleared (m2) in a dataset of the cleared area of release index ri
** and the hazard it implies, with the suspected area s beside it or not,
** in one region holding both. */
static double cleared_in_pair(const lr_dataset *d, size_t ri,
                              const lr_hazard *s)
{
	const lr_release *rel = &LR_VEC_AT(&d->releases, lr_release, ri);
	lr_dataset p;
	lr_dataset_init(&p);
	lr_release c = *rel;
	c.id = strdup(rel->id);
	c.hazard_id = NULL;
	c.geom = wkb_copy(&rel->geom);
	lr_vec_push(&p.releases, &c);
	push_hazard(&p, hazard_where(d, -1, (int)ri), 0);
	if (s)
		push_hazard(&p, s, -1);
	lr_error err = {0};
	GEOSContextHandle_t ctx = lr_geos_new(&err);
	GEOSGeometry *box = GEOSGeom_createRectangle_r(ctx, 15, 42, 20, 46);
	lr_region reg = {strdup("BOX"), strdup("BOX"), NULL, 0, {0}, 0};
	lr_geos_to_wkb_r(ctx, box, &reg.geom, &err);
	reg.area_m2 = lr_ellipsoid_area_r(ctx, box);
	lr_vec_push(&p.regions, &reg);
	GEOSGeom_destroy_r(ctx, box);
	GEOS_finish_r(ctx);
	lr_options opt = {.as_of = LR_DATE_NONE,
	                  .baseline = LR_DATE_NONE,
	                  .scope = LR_CONT_ALL,
	                  .threads = 1};
	lr_result *r = NULL;
	lr_cents cleared = -100;
	if (lr_analyze(&p, &opt, &r, &err) == LR_OK) {
		cleared = 0;
		for (int y = r->first_year; y <= r->last_year; y++)
			for (int x = 0; x <= r->n_regions; x++)
				cleared += LR_YEAR_ROW(r, y, x)
				                   ->released[LR_CLEARED];
	}
	lr_result_free(r);
	lr_dataset_free(&p);
	return (double)cleared / 100.0;
}

/*
** The smallest real case of faces that did not add up while they were
** measured with geodesic edges: cleared area OGR feature 2761 beside
** suspected area 2984, recorded after it, whose border put nodes on the
** cleared area's edges (2.11 m2 of it was lost).
*/
static void later_suspected_area_keeps_clearance(const lr_dataset *d)
{
	size_t ri = d->releases.len;
	for (size_t i = 0; i < d->releases.len; i++)
		if (LR_VEC_AT(&d->releases, lr_release, i).fid == 2761)
			ri = i;
	const lr_hazard *s = hazard_where(d, 2984, -1);
	if (!lr_test_ok(ri < d->releases.len && s &&
	                        hazard_where(d, -1, (int)ri),
	                "cleared area 2761, its implied hazard and suspected "
	                "area 2984 are read"))
		return;
	const lr_release *rel = &LR_VEC_AT(&d->releases, lr_release, ri);
	double alone = cleared_in_pair(d, ri, NULL);
	double beside = cleared_in_pair(d, ri, s);
	lr_test_ok(s->recorded > rel->date,
	           "suspected area 2984 is recorded after the clearance");
	lr_test_near(alone, rel->area_m2, 0.01,
	             "cleared area 2761 alone: its area is released");
	lr_test_near(beside, alone, 0.01,
	             "beside suspected area 2984: the same land cleared "
	             "(%.2f m2)",
	             alone);
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
	later_suspected_area_keeps_clearance(&d);

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
