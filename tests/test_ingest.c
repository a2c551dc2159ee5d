/*
** Ingest through a mapping: a national schema in UTM Shapefiles (built at
** test time from the GeoJSON fixtures in tests/fixtures/ingest/) is read
** with its spellings and day-first dates; each bad feature is rejected with
** a finding naming its field; counts reconcile; the same land has the same
** area from UTM as from lon/lat.  With LR_SHARED_DATA, the real
** Bosnia and Herzegovina snapshot is read with maps/bih-snapshot.ini.
*/
#include "lr_engine.h"
#include "lr_test.h"

#include <omp.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *srcdir(void)
{
	const char *s = getenv("LR_SOURCE_DIR");
	return s ? s : ".";
}

static const lr_finding *find(const lr_dataset *d, const char *code,
                              const char *layer, const char *record_id)
{
	for (size_t i = 0; i < d->quality.items.len; i++) {
		const lr_finding *f =
		        &LR_VEC_AT(&d->quality.items, lr_finding, i);
		if (!strcmp(f->code, code) && !strcmp(f->layer, layer) &&
		    (!record_id || !strcmp(f->record_id, record_id)))
			return f;
	}
	return NULL;
}

static size_t count_code(const lr_dataset *d, const char *code,
                         const char *layer)
{
	size_t n = 0;
	for (size_t i = 0; i < d->quality.items.len; i++) {
		const lr_finding *f =
		        &LR_VEC_AT(&d->quality.items, lr_finding, i);
		if (!strcmp(f->code, code) && !strcmp(f->layer, layer))
			n++;
	}
	return n;
}

static const lr_hazard *hazard(const lr_dataset *d, const char *id)
{
	for (size_t i = 0; i < d->hazards.len; i++) {
		const lr_hazard *h = &LR_VEC_AT(&d->hazards, lr_hazard, i);
		if (!strcmp(h->id, id))
			return h;
	}
	return NULL;
}

static const lr_release *release(const lr_dataset *d, const char *id)
{
	for (size_t i = 0; i < d->releases.len; i++) {
		const lr_release *r = &LR_VEC_AT(&d->releases, lr_release, i);
		if (!strcmp(r->id, id))
			return r;
	}
	return NULL;
}

static int reconciles(const lr_dataset *d)
{
	for (int i = 0; i < 3; i++)
		if (d->counts[i].read !=
		    d->counts[i].accepted + d->counts[i].rejected)
			return 0;
	return 1;
}

/* Contains `needle`, printing the message when not. */
static int says(const char *msg, const char *needle)
{
	if (msg && strstr(msg, needle))
		return 1;
	printf("#   message: %s (want '%s')\n", msg ? msg : "(none)", needle);
	return 0;
}

/* With LR_TEST_VERBOSE set, every finding as a TAP comment. */
static void dump(const lr_dataset *d)
{
	if (!getenv("LR_TEST_VERBOSE"))
		return;
	for (size_t i = 0; i < d->quality.items.len; i++) {
		const lr_finding *f =
		        &LR_VEC_AT(&d->quality.items, lr_finding, i);
		printf("# %s %s %s fid %lld '%s': %s\n",
		       lr_severity_name(f->severity), f->code, f->layer,
		       (long long)f->feature_id, f->record_id, f->message);
	}
}

/* The fixtures' mapping, NULL (a failed test) when it no longer loads:
** every national test depends on it, so that is an error, not a skip. */
static lr_mapping *national_mapping(void)
{
	char path[2048];
	lr_mapping *m = NULL;
	lr_error err = {0};
	snprintf(path, sizeof path, "%s/tests/fixtures/ingest/national.ini",
	         srcdir());
	lr_test_ok(lr_mapping_load(path, &m, &err) == LR_OK,
	           "national.ini loads (%s)", err.msg);
	return m;
}

/* The three fixtures as Shapefiles in EPSG:32648 under dir. */
static int build_utm(const char *dir)
{
	static const char *const in[3] = {"regions", "hazards", "releases"};
	static const char *const out[3] = {"districts", "ha_polys",
	                                   "rel_polys"};
	for (int i = 0; i < 3; i++) {
		char cmd[4096];
		snprintf(cmd, sizeof cmd,
		         "ogr2ogr -t_srs EPSG:32648 -f 'ESRI Shapefile' "
		         "'%s/%s.shp' '%s/tests/fixtures/ingest/%s.geojson' "
		         ">/dev/null 2>&1",
		         dir, out[i], srcdir(), in[i]);
		if (system(cmd) != 0)
			return -1;
	}
	return 0;
}

/* A read asked for two threads inside a parallel region that allows no
** nested team runs on the one thread it gets, to the same records. */
static void test_small_team(const char *dir, const lr_mapping *m)
{
	lr_inputs in = {.dataset = dir, .mapping = m, .threads = 2};
	in.today = lr_date_from_ymd(2025, 1, 1);
	lr_dataset d;
	lr_error err = {0};
	int rc = -1;
	lr_dataset_init(&d);
	int levels = omp_get_max_active_levels();
	omp_set_max_active_levels(1);
#pragma omp parallel num_threads(2)
#pragma omp single
	rc = lr_ingest(&in, &d, &err);
	omp_set_max_active_levels(levels);
	const lr_layer_counts *c = d.counts;
	lr_test_ok(rc == LR_OK && c[0].accepted == 2 && c[1].read == 9 &&
	                   c[1].accepted == 4 && c[2].read == 6 &&
	                   c[2].accepted == 4,
	           "two threads asked, one given: the layers read all the "
	           "same (%s)",
	           err.msg);
	lr_dataset_free(&d);
}

static void test_national(const char *dir, const lr_mapping *m)
{
	lr_inputs in = {.dataset = dir, .mapping = m};
	in.today = lr_date_from_ymd(2025, 1, 1);
	lr_dataset d;
	lr_error err = {0};
	lr_dataset_init(&d);
	if (!lr_test_ok(lr_ingest(&in, &d, &err) == LR_OK,
	                "UTM Shapefiles ingest through national.ini (%s)",
	                err.msg)) {
		lr_dataset_free(&d);
		return;
	}
	const lr_layer_counts *c = d.counts;
	dump(&d);
	lr_test_ok(reconciles(&d), "read = accepted + rejected, every layer");
	lr_test_ok(c[0].read == 2 && c[0].accepted == 2 && c[0].rejected == 0,
	           "regions: 2 read, 2 accepted");
	if (!lr_test_ok(c[1].read == 9 && c[1].accepted == 4 &&
	                        c[1].rejected == 5 && c[1].repaired == 1,
	                "hazards: 9 read, 4 accepted (1 repaired), 5 "
	                "rejected"))
		printf("#   %lld read, %lld accepted, %lld repaired, %lld "
		       "rejected\n",
		       (long long)c[1].read, (long long)c[1].accepted,
		       (long long)c[1].repaired, (long long)c[1].rejected);
	lr_test_ok(c[2].read == 6 && c[2].accepted == 4 && c[2].rejected == 2,
	           "releases: 6 read, 4 accepted, 2 rejected");
	lr_test_ok(d.source_label[1] && strstr(d.source_label[1], "ha_polys"),
	           "source label names the layer (%s)",
	           d.source_label[1] ? d.source_label[1] : "");

	const lr_region *r0 = &LR_VEC_AT(&d.regions, lr_region, 0);
	lr_test_ok(d.regions.len == 2 && !strcmp(r0->id, "KH0101") &&
	                   !strcmp(r0->name, "Thma Puok"),
	           "regions sorted by id, name mapped");

	const lr_hazard *h1 = hazard(&d, "HA-001");
	const lr_hazard *h2 = hazard(&d, "HA-002");
	const lr_hazard *h5 = hazard(&d, "HA-005");
	const lr_hazard *h7 = hazard(&d, "HA-007");
	if (lr_test_ok(h1 && h2 && h5 && h7, "accepted hazards by id")) {
		lr_test_ok(h1->type == LR_SHA && h2->type == LR_CHA &&
		                   h5->type == LR_CHA,
		           "types: Suspected SHA, 'Confirmed Hazardous Area' "
		           "CHA, CHA");
		lr_test_ok(h1->recorded == lr_date_from_ymd(2019, 3, 1) &&
		                   h5->recorded == lr_date_from_ymd(2018, 1, 5),
		           "dd/mm/yyyy dates: 01/03/2019 is 1 March, "
		           "05/01/2018 is 5 January (day %d)",
		           (int)h5->recorded);
		lr_test_ok(h1->contamination == LR_CONT_AP &&
		                   h2->contamination == LR_CONT_MIXED &&
		                   h5->contamination == LR_CONT_AV,
		           "contamination: AP, Mixed, AT as AV");
		lr_test_ok(h7->contamination == LR_CONT_MIXED &&
		                   find(&d, "default_contamination", "hazards",
		                        "HA-007"),
		           "empty contamination: mixed, with a finding");
		lr_test_ok(h1->reported_area_m2 == 300000 &&
		                   isnan(h2->reported_area_m2),
		           "reported area read; 'n/a' ignored");
		lr_test_ok(find(&d, "ignored_value", "hazards", "HA-002") !=
		                   NULL,
		           "'n/a' reported area: a warning");
		lr_test_ok(
		        find(&d, "area_mismatch", "hazards", "HA-005") &&
		                !find(&d, "area_mismatch", "hazards", "HA-001"),
		        "area_mismatch for 1 m2 reported, not for 300000");
		lr_test_ok(h1->region_id && !strcmp(h1->region_id, "KH0101") &&
		                   h5->region_id &&
		                   !strcmp(h5->region_id, "KH0102") &&
		                   !h2->region_id,
		           "region_id: 'kh0102' becomes KH0102; unknown "
		           "dropped");
		lr_test_ok(find(&d, "unknown_region", "hazards", "HA-002") !=
		                   NULL,
		           "unknown region_id: a finding");
		lr_test_ok(h1->fid == 0 && h1->implied_by == -1,
		           "feature id kept");
		lr_test_ok(h7->area_m2 > 0 && find(&d, "repaired_geometry",
		                                   "hazards", "HA-007"),
		           "self-intersecting hazard repaired, with a finding");
	}

	const lr_finding *f =
	        find(&d, "rejected_attribute", "hazards", "HA-003");
	lr_test_ok(f && f->severity == LR_SEV_ERROR && f->feature_id == 2 &&
	                   says(f->message, "ha_type") &&
	                   says(f->message, "Minefield"),
	           "unknown type spelling rejected naming the field and "
	           "value");
	f = find(&d, "rejected_attribute", "hazards", "HA-004");
	lr_test_ok(f && says(f->message, "30/02/2019") &&
	                   says(f->message, "date_rec"),
	           "30/02/2019 rejected naming the field");
	f = find(&d, "duplicate_id", "hazards", NULL);
	lr_test_ok(f && f->feature_id == 4 && says(f->message, "feature 0"),
	           "' ha-001 ' rejected as a duplicate of feature 0");
	f = find(&d, "rejected_attribute", "hazards", "HA-006");
	lr_test_ok(f && says(f->message, "after today"),
	           "a date after today rejected");
	f = find(&d, "rejected_geometry", "hazards", "HA-008");
	lr_test_ok(f && f->severity == LR_SEV_ERROR && f->feature_id == 8,
	           "a feature without geometry rejected");
	lr_test_ok(
	        count_code(&d, "rejected_attribute", "hazards") +
	                        count_code(&d, "rejected_geometry", "hazards") +
	                        count_code(&d, "duplicate_id", "hazards") ==
	                5,
	        "one error finding per rejected hazard");

	const lr_release *x1 = release(&d, "R-1");
	const lr_release *x2 = release(&d, "R-2");
	const lr_release *x3 = release(&d, "R-3");
	const lr_release *x4 = release(&d, "R-4");
	if (lr_test_ok(x1 && x2 && x3 && x4, "accepted releases by id")) {
		lr_test_ok(x1->method == LR_CLEARED &&
		                   x2->method == LR_REDUCED &&
		                   x3->method == LR_CANCELLED &&
		                   x4->method == LR_REDUCED,
		           "methods: Clearance, TS, NTS, Technical Survey");
		lr_test_ok(x1->date == lr_date_from_ymd(2019, 10, 10),
		           "release date 10/10/2019");
		lr_test_ok(x1->ap_mines == 3 && x1->erw == 1 &&
		                   x4->av_mines == 2 && x3->ap_mines == 0,
		           "items destroyed mapped; empty is 0");
		lr_test_ok(x1->ap_improvised == 2 && x3->ap_improvised == 0 &&
		                   x1->ap_mines == 3,
		           "improvised AP mines mapped apart from ap_mines");
		lr_test_ok(x2->hazard_id && !strcmp(x2->hazard_id, "HA-002"),
		           "hazard link 'ha-002 ' becomes HA-002");
	}
	lr_test_ok(find(&d, "release_before_hazard", "releases", "R-2") != NULL,
	           "release dated before its hazard: a finding");
	lr_test_ok(find(&d, "unknown_hazard", "releases", "R-4") != NULL,
	           "release naming no hazard: a finding");
	f = find(&d, "rejected_attribute", "releases", "R-5");
	lr_test_ok(f && says(f->message, "rel_type") &&
	                   says(f->message, "Demining"),
	           "unknown method rejected naming the field");
	f = find(&d, "rejected_attribute", "releases", "R-6");
	lr_test_ok(f && says(f->message, "negative"),
	           "a negative mine count rejected");

	/* The same land from lon/lat GeoJSON. */
	lr_inputs ll = {.mapping = m};
	char p[3][2048];
	static const char *const names[3] = {"regions", "hazards", "releases"};
	for (int i = 0; i < 3; i++) {
		snprintf(p[i], sizeof p[i],
		         "%s/tests/fixtures/ingest/%s.geojson", srcdir(),
		         names[i]);
		ll.source[i] = p[i];
	}
	ll.today = in.today;
	lr_dataset d2;
	lr_dataset_init(&d2);
	if (lr_test_ok(lr_ingest(&ll, &d2, &err) == LR_OK,
	               "lon/lat GeoJSON ingest (%s)", err.msg)) {
		int same = d2.hazards.len == d.hazards.len &&
		           d2.releases.len == d.releases.len;
		double worst = 0;
		for (size_t i = 0; same && i < d.hazards.len; i++) {
			double a = LR_VEC_AT(&d.hazards, lr_hazard, i).area_m2;
			double b = LR_VEC_AT(&d2.hazards, lr_hazard, i).area_m2;
			double rel = fabs(a - b) / b;
			if (rel > worst)
				worst = rel;
		}
		for (size_t i = 0; same && i < d.releases.len; i++) {
			double a =
			        LR_VEC_AT(&d.releases, lr_release, i).area_m2;
			double b =
			        LR_VEC_AT(&d2.releases, lr_release, i).area_m2;
			double rel = fabs(a - b) / b;
			if (rel > worst)
				worst = rel;
		}
		if (!lr_test_ok(same && worst <= 1e-6,
		                "same areas from UTM and lon/lat "
		                "(1e-6 relative)"))
			printf("#   worst relative difference %g\n", worst);
		lr_test_near(LR_VEC_AT(&d2.hazards, lr_hazard, 0).area_m2,
		             299775, 2000,
		             "a 0.005 degree square at 13N is about 0.3 km2");
	}
	lr_dataset_free(&d2);
	lr_dataset_free(&d);
}

static void test_dataset_errors(const char *dir, const lr_mapping *m)
{
	lr_error err = {0};
	lr_dataset d;
	char p[3][2048];
	static const char *const names[3] = {"regions", "hazards", "releases"};
	lr_inputs in = {0};
	for (int i = 0; i < 3; i++) {
		snprintf(p[i], sizeof p[i],
		         "%s/tests/fixtures/ingest/%s.geojson", srcdir(),
		         names[i]);
		in.source[i] = p[i];
	}
	in.today = lr_date_from_ymd(2025, 1, 1);

	/* The identity mapping cannot read the national schema. */
	lr_dataset_init(&d);
	int rc = lr_ingest(&in, &d, &err);
	lr_test_ok(rc == LR_ERR_USAGE && says(err.msg, "regions.geojson") &&
	                   says(err.msg, "region_id") &&
	                   says(err.msg, "under [regions]"),
	           "a missing required field: file, field and what to do");
	lr_dataset_free(&d);

	/* A mapping naming a field the layer lacks. */
	const char *text = "[regions]\nregion_id = dist_code\n"
	                   "[hazards]\nhazard_id = ha_kode\n";
	lr_mapping *bad = NULL;
	lr_test_ok(lr_mapping_parse(text, strlen(text), "bad.ini", &bad,
	                            &err) == LR_OK,
	           "a mapping of fields only parses (%s)", err.msg);
	in.mapping = bad;
	lr_dataset_init(&d);
	rc = lr_ingest(&in, &d, &err);
	lr_test_ok(rc == LR_ERR_USAGE && says(err.msg, "ha_kode") &&
	                   says(err.msg, "hazards.geojson") &&
	                   says(err.msg, "bad.ini"),
	           "a mapped field absent from the layer");
	lr_dataset_free(&d);
	lr_mapping_free(bad);

	/* A layer the dataset does not hold. */
	lr_inputs in2 = {.dataset = dir, .mapping = NULL};
	in2.today = in.today;
	lr_dataset_init(&d);
	rc = lr_ingest(&in2, &d, &err);
	lr_test_ok(rc != LR_OK && says(err.msg, "regions"),
	           "default layer names absent: refused (%s)", err.msg);
	lr_dataset_free(&d);

	in.mapping = m;
	in.source[1] = "/nonexistent/hazards.gpkg";
	lr_dataset_init(&d);
	rc = lr_ingest(&in, &d, &err);
	lr_test_ok(rc != LR_OK && says(err.msg, "/nonexistent/hazards.gpkg"),
	           "a missing file is named");
	lr_dataset_free(&d);
}

static void test_bih(void)
{
	const char *data = getenv("LR_SHARED_DATA");
	char p[3][2048], map[2048];
	if (!data || access(data, R_OK) != 0) {
		/* Data kept outside the repository: absent from a fresh
		** clone, which is no error of ours. */
		lr_test_ok(1, "BiH snapshot # SKIP LR_SHARED_DATA absent");
		return;
	}
	snprintf(p[0], sizeof p[0], "%s/bih/geoBoundaries-BIH-ADM3.geojson",
	         data);
	snprintf(p[1], sizeof p[1], "%s/bih/suspect_areas_simplyfied.geojson",
	         data);
	snprintf(p[2], sizeof p[2], "%s/bih/cleared_areas_simplyfied.geojson",
	         data);
	snprintf(map, sizeof map, "%s/maps/bih-snapshot.ini", srcdir());
	if (access(p[1], R_OK) != 0) {
		lr_test_ok(1, "BiH snapshot # SKIP %s absent", p[1]);
		return;
	}
	lr_mapping *m = NULL;
	lr_error err = {0};
	if (!lr_test_ok(lr_mapping_load(map, &m, &err) == LR_OK,
	                "bih-snapshot.ini loads (%s)", err.msg))
		return;
	lr_inputs in = {.mapping = m};
	for (int i = 0; i < 3; i++)
		in.source[i] = p[i];
	in.today = lr_date_from_ymd(2100, 1, 1);
	lr_dataset d;
	lr_dataset_init(&d);
	if (lr_test_ok(lr_ingest(&in, &d, &err) == LR_OK, "BiH ingest (%s)",
	               err.msg)) {
		const lr_layer_counts *c = d.counts;
		lr_test_ok(reconciles(&d),
		           "BiH: read = accepted + rejected, every layer");
		lr_test_ok(
		        c[0].accepted == 142,
		        "BiH: all 142 municipalities accepted (long straight "
		        "boundary edges are not suspect)");
		lr_test_ok(c[0].read == 142 && c[1].read == 11068 &&
		                   c[2].read == 8329,
		           "BiH: 142 regions, 11068 suspected, 8329 cleared "
		           "read");
		size_t ng = count_code(&d, "rejected_geometry", "hazards");
		if (!lr_test_ok(ng >= 3094 && (int64_t)ng <= c[1].rejected,
		                "BiH: the 3094 NULL geometries rejected with "
		                "a finding each"))
			printf("#   %zu rejected_geometry findings\n", ng);
		size_t implied = 0, bad = 0;
		for (size_t i = 0; i < d.hazards.len; i++) {
			const lr_hazard *h =
			        &LR_VEC_AT(&d.hazards, lr_hazard, i);
			if (h->implied_by >= 0) {
				const lr_release *r =
				        &LR_VEC_AT(&d.releases, lr_release,
				                   (size_t)h->implied_by);
				implied++;
				if (h->recorded != r->date || h->fid != -1 ||
				    h->type != LR_SHA ||
				    h->area_m2 != r->area_m2)
					bad++;
			} else if (h->type != LR_SHA ||
			           h->contamination != LR_CONT_MIXED ||
			           h->recorded !=
			                   lr_date_from_ymd(2023, 12, 31))
				bad++;
		}
		lr_test_ok((int64_t)d.hazards.len ==
		                           c[1].accepted + c[2].accepted &&
		                   implied == d.releases.len && bad == 0,
		           "BiH: one implied SHA per accepted release, dated "
		           "on it; constants applied");
		lr_test_ok(
		        d.releases.len &&
		                LR_VEC_AT(&d.releases, lr_release, 0).method ==
		                        LR_CLEARED,
		        "BiH: releases are cleared");
		int sorted = 1;
		for (size_t i = 1; i < d.regions.len; i++)
			if (strcmp(LR_VEC_AT(&d.regions, lr_region, i - 1).id,
			           LR_VEC_AT(&d.regions, lr_region, i).id) >= 0)
				sorted = 0;
		lr_test_ok(sorted, "BiH: regions sorted by id, no duplicate");
	}
	lr_dataset_free(&d);
	lr_mapping_free(m);
}

/* The finding with this code about record rec whose message names
** `says`, counted. */
static int count_named(const lr_dataset *d, const char *code, const char *rec,
                       const char *says)
{
	int n = 0;
	for (size_t i = 0; i < d->quality.items.len; i++) {
		const lr_finding *f =
		        &LR_VEC_AT(&d->quality.items, lr_finding, i);
		n += !strcmp(f->code, code) && !strcmp(f->record_id, rec) &&
		     strstr(f->message, says) != NULL;
	}
	return n;
}

/*
** An IMSMA-shaped export read with maps/imsma-core.ini: activities link to
** hazards through imsma_links, a list of the hazards' imsma_ids.  LR-1
** names three hazards as a JSON array; LR-2 names the second 300 times
** (in lower case) then an unknown id, 12038 characters: the last id lies
** past any fixed buffer; LR-3 names the first and third and {NOPE-7},
** separated by semicolons.
*/
static void test_imsma_links(void)
{
	char map[2048], p[3][2048];
	static const char *const names[3] = {"location", "hazard",
	                                     "land_release"};
	snprintf(map, sizeof map, "%s/maps/imsma-core.ini", srcdir());
	lr_mapping *m = NULL;
	lr_error err = {0};
	if (!lr_test_ok(lr_mapping_load(map, &m, &err) == LR_OK,
	                "imsma-core.ini loads (%s)", err.msg))
		return;
	lr_inputs in = {.mapping = m};
	for (int i = 0; i < 3; i++) {
		snprintf(p[i], sizeof p[i],
		         "%s/tests/fixtures/imsma/%s.geojson", srcdir(),
		         names[i]);
		in.source[i] = p[i];
	}
	in.today = lr_date_from_ymd(2030, 1, 1);
	lr_dataset d;
	lr_dataset_init(&d);
	if (!lr_test_ok(lr_ingest(&in, &d, &err) == LR_OK &&
	                        d.releases.len == 3 && d.hazards.len == 3,
	                "IMSMA export ingests through imsma-core.ini (%s)",
	                err.msg))
		goto done;
	const lr_release *r1 = &LR_VEC_AT(&d.releases, lr_release, 0);
	const lr_release *r2 = &LR_VEC_AT(&d.releases, lr_release, 1);
	static const char g2[] = "{5F0C6E1A-7D3B-4C1E-9A7B-000000000002}";
	lr_test_ok(r1->hazard_id_list &&
	                   !strcmp(r1->hazard_id,
	                           "{5F0C6E1A-7D3B-4C1E-9A7B-000000000001},"
	                           "{5F0C6E1A-7D3B-4C1E-9A7B-000000000002},"
	                           "{5F0C6E1A-7D3B-4C1E-9A7B-000000000003}") &&
	                   !count_named(&d, "unknown_hazard", "LR-1", ""),
	           "LR-1 links three hazards, no finding (%s)", r1->hazard_id);
	lr_test_ok(count_named(&d, "unknown_hazard", "LR-3", "'{NOPE-7}'") ==
	                           1 &&
	                   count_named(&d, "unknown_hazard", "LR-3", "") == 1,
	           "LR-3: one finding, naming {NOPE-7} of its list");
	lr_test_ok(count_named(&d, "unknown_hazard", "LR-2",
	                       "'{5F0C6E1A-7D3B-4C1E-9A7B-000000000404}'") ==
	                           1 &&
	                   count_named(&d, "unknown_hazard", "LR-2", "") == 1,
	           "LR-2: its last id, past 12000 characters, read and named");
	lr_test_ok(strlen(r2->hazard_id) == 301 * 38 + 300 &&
	                   !strncmp(r2->hazard_id, g2, 38) &&
	                   r2->hazard_id[38] == ',',
	           "LR-2's list kept whole, in the hazards' own spelling");
	lr_test_ok(count_named(&d, "release_before_hazard", "LR-1", "") == 0,
	           "the links' dates are checked: none before its hazard");
done:
	lr_dataset_free(&d);
	lr_mapping_free(m);
}

/* ---- parent_layers: each region in the polygon holding most of it ------ */

/* A GeoJSON FeatureCollection of n lon/lat rectangles box[i] = {x0, y0, x1,
** y1}, each with the properties props[i] (JSON members), at dir/name. */
static int write_rects(const char *dir, const char *name, int n,
                       const char *const *props, const double (*box)[4])
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "{\"type\":\"FeatureCollection\",\"features\":[");
	for (int i = 0; i < n; i++) {
		const double *b = box[i];
		fprintf(f,
		        "%s{\"type\":\"Feature\",\"properties\":{%s},"
		        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
		        "[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}}",
		        i ? "," : "", props[i], b[0], b[1], b[2], b[1], b[2],
		        b[3], b[0], b[3], b[0], b[1]);
	}
	fprintf(f, "]}\n");
	return fclose(f);
}

/* Districts D1 (lon 0-1), D2 (1-2) and D3 (10-11, under no province);
** provinces P1 (lon 0-1.3) and P2 (1.3-3): D2 has 70 % of its land in P2;
** entities E1 (lon -1 to 1) and E2 (1-4): P1 has 1/1.3 of its land in E1.
** Rectangles of one latitude band: geodesic shares are those of widths. */
static int write_parent_fixture(const char *dir)
{
	static const char *const dp[] = {
	        /* a parent_id field of our own name: the layers win */
	        "\"region_id\":\"D1\",\"name\":\"One\",\"parent_id\":\"ZZ\"",
	        "\"region_id\":\"D2\",\"name\":\"Two\"",
	        "\"region_id\":\"D3\",\"name\":\"Three\""};
	static const double db[][4] = {
	        {0, 0, 1, 1}, {1, 0, 2, 1}, {10, 0, 11, 1}};
	static const char *const pp[] = {
	        "\"region_id\":\"P1\",\"name\":\"North\"",
	        "\"region_id\":\"P2\",\"name\":\"South\""};
	static const double pb[][4] = {{0, -1, 1.3, 2}, {1.3, -1, 3, 2}};
	static const char *const ep[] = {
	        "\"region_id\":\"E1\",\"name\":\"East entity\"",
	        "\"region_id\":\"E2\",\"name\":\"West entity\""};
	static const double eb[][4] = {{-1, -2, 1, 3}, {1, -2, 4, 3}};
	static const char *const bad[] = {
	        "\"region_id\":\"D1\",\"name\":\"X\""};
	static const char *const hp[] = {
	        "\"hazard_id\":\"H1\",\"type\":\"SHA\","
	        "\"recorded_date\":\"2020-01-01\""};
	static const double hb[][4] = {{0.2, 0.2, 1.8, 0.4}};
	static const char *const rp[] = {
	        "\"release_id\":\"R1\",\"method\":\"cleared\","
	        "\"release_date\":\"2021-01-01\""};
	static const double rb[][4] = {{0.2, 0.2, 0.3, 0.3}};
	return write_rects(dir, "regions.geojson", 3, dp, db) |
	       write_rects(dir, "adm2.geojson", 2, pp, pb) |
	       write_rects(dir, "adm1.geojson", 2, ep, eb) |
	       write_rects(dir, "bad.geojson", 1, bad, db) |
	       write_rects(dir, "hazards.geojson", 1, hp, hb) |
	       write_rects(dir, "releases.geojson", 1, rp, rb);
}

/* The region id of d's regions or parents, or NULL. */
static const lr_region *region_of(const lr_vec *v, const char *id)
{
	for (size_t i = 0; i < v->len; i++)
		if (!strcmp(LR_VEC_AT(v, lr_region, i).id, id))
			return &LR_VEC_AT(v, lr_region, i);
	return NULL;
}

static bool parent_is(const lr_vec *v, const char *id, const char *parent)
{
	const lr_region *g = region_of(v, id);
	return g && (parent ? g->parent_id && !strcmp(g->parent_id, parent)
	                    : !g->parent_id);
}

/* Ingest dir's layers with the mapping text; LR_OK or the error. */
static int ingest_with(const char *dir, const char *text, lr_dataset *d,
                       lr_error *err)
{
	lr_mapping *m = NULL;
	int rc = lr_mapping_parse(text, strlen(text), "parents.ini", &m, err);
	char p[3][1024];
	static const char *const names[3] = {"regions", "hazards", "releases"};
	lr_inputs in = {.mapping = m, .today = lr_date_from_ymd(2030, 1, 1)};
	for (int i = 0; i < 3; i++) {
		snprintf(p[i], sizeof p[i], "%s/%s.geojson", dir, names[i]);
		in.source[i] = p[i];
	}
	lr_dataset_init(d);
	if (rc == LR_OK)
		rc = lr_ingest(&in, d, err);
	lr_mapping_free(m);
	return rc;
}

static void test_parent_layers(void)
{
	char dir[] = "/tmp/lr_parents_XXXXXX";
	lr_error err = {0};
	lr_dataset d;
	if (!lr_test_ok(mkdtemp(dir) && write_parent_fixture(dir) == 0,
	                "parent layers: fixture written in %s", dir))
		return;
	int rc = ingest_with(dir,
	                     "[regions]\nparent_layers = adm2.geojson, "
	                     "adm1.geojson\n",
	                     &d, &err);
	lr_test_ok(rc == LR_OK, "parent layers: ingest (%s)", err.msg);
	lr_test_ok(parent_is(&d.regions, "D1", "P1") &&
	                   parent_is(&d.regions, "D2", "P2") &&
	                   parent_is(&d.regions, "D3", NULL),
	           "each district in the province holding most of it (D2: "
	           "70 %% in P2), D3 in none");
	lr_test_ok(d.parents.len == 4 && parent_is(&d.parents, "P1", "E1") &&
	                   parent_is(&d.parents, "P2", "E2") &&
	                   parent_is(&d.parents, "E1", NULL) &&
	                   !strcmp(region_of(&d.parents, "E1")->name,
	                           "East entity"),
	           "each province in its entity, the entities at the top, "
	           "named");
	const lr_finding *f2 = find(&d, "region_parent", "regions", "D2");
	const lr_finding *f1 = find(&d, "region_parent", "regions", "P1");
	const lr_finding *f3 = find(&d, "region_parent_none", "regions", "D3");
	lr_test_ok(f2 && f2->severity == LR_SEV_INFO &&
	                   says(f2->message, "70.0 % of its land") &&
	                   says(f2->message, "adm2.geojson") && f1 &&
	                   says(f1->message, "76.9 % of its land") && f3 &&
	                   f3->severity == LR_SEV_WARNING,
	           "every placement a finding with its share; none a "
	           "warning");
	lr_dataset_free(&d);
	rc = ingest_with(dir, "[regions]\nparent_layers = bad.geojson\n", &d,
	                 &err);
	lr_test_ok(rc == LR_ERR_INPUT && says(err.msg, "bad.geojson") &&
	                   says(err.msg, "region id D1"),
	           "a parent layer reusing a region's id: an error naming "
	           "both");
	lr_dataset_free(&d);
	rc = ingest_with(dir, "[regions]\nparent_layers = nope.geojson\n", &d,
	                 &err);
	lr_test_ok(rc != LR_OK && says(err.msg, "parent_layers") &&
	                   says(err.msg, "nope.geojson"),
	           "a parent layer that is not there: an error naming it");
	lr_dataset_free(&d);
	rc = ingest_with(dir,
	                 "[regions]\nparent_id = up\nparent_layers = "
	                 "adm2.geojson\n",
	                 &d, &err);
	lr_test_ok(rc != LR_OK && says(err.msg, "parents.ini") &&
	                   says(err.msg, "keep one"),
	           "parent_id and parent_layers together: a mapping error");
	lr_dataset_free(&d);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
}

int main(void)
{
	char dir[] = "/tmp/lr_ingest_XXXXXX";
	lr_mapping *m = national_mapping();
	if (!mkdtemp(dir) || build_utm(dir) != 0) {
		lr_test_ok(0, "ogr2ogr builds the UTM Shapefiles in %s", dir);
	} else if (m) {
		test_national(dir, m);
		test_small_team(dir, m);
		test_dataset_errors(dir, m);
	}
	test_bih();
	test_imsma_links();
	test_parent_layers();
	lr_mapping_free(m);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return lr_test_done();
}
