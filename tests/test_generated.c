/*
** The ledger on generated national data, several seeds: the identity
** remaining_end = previous + new - released holds to the cent for every
** region and year, the faces add up to the union of all inputs, and one
** and two threads build the same ledger.
*/
#include "lr_engine.h"
#include "lr_test.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int generate(const char *path, int seed, int hazards)
{
	const char *build = getenv("LR_BUILD_DIR");
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
	         "'%s/data/lr-generate' --out '%s' --seed %d --hazards %d "
	         "--regions 16 2>/dev/null",
	         build ? build : "build", path, seed, hazards);
	return system(cmd);
}

/* Geodesic area of the union of every accepted hazard and release. */
static double union_area(const lr_dataset *d)
{
	lr_error err = {0};
	GEOSContextHandle_t ctx = lr_geos_new(&err);
	size_t n = d->hazards.len + d->releases.len, k = 0;
	GEOSGeometry **g = calloc(n, sizeof *g);
	for (size_t i = 0; i < d->hazards.len; i++)
		g[k++] = lr_wkb_to_geos_r(
		        ctx, &LR_VEC_AT(&d->hazards, lr_hazard, i).geom);
	for (size_t i = 0; i < d->releases.len; i++)
		g[k++] = lr_wkb_to_geos_r(
		        ctx, &LR_VEC_AT(&d->releases, lr_release, i).geom);
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

static void check_seed(const char *dir, int seed)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/gen%d.gpkg", dir, seed);
	if (!lr_test_ok(generate(path, seed, 400) == 0,
	                "seed %d: generator makes a dataset", seed))
		return;
	lr_inputs in = {.dataset = path};
	in.today = lr_date_from_ymd(2100, 1, 1);
	lr_dataset d;
	lr_dataset_init(&d);
	lr_error err = {0};
	if (!lr_test_ok(lr_ingest(&in, &d, &err) == LR_OK,
	                "seed %d: ingest (%s)", seed, err.msg)) {
		lr_dataset_free(&d);
		return;
	}
	int reconcile = 1;
	for (int i = 0; i < 3; i++)
		if (d.counts[i].read !=
		    d.counts[i].accepted + d.counts[i].rejected)
			reconcile = 0;
	lr_test_ok(reconcile, "seed %d: read = accepted + rejected", seed);

	lr_options opt = {.as_of = LR_DATE_NONE,
	                  .baseline = LR_DATE_NONE,
	                  .scope = LR_CONT_ALL,
	                  .threads = 1,
	                  .keep_faces = true};
	lr_result *r1 = NULL, *r2 = NULL;
	lr_analyze(&d, &opt, &r1, &err);
	opt.threads = 2;
	lr_dataset d2;
	lr_dataset_init(&d2);
	lr_ingest(&in, &d2, &err);
	lr_analyze(&d2, &opt, &r2, &err);
	if (!lr_test_ok(r1 && r2, "seed %d: analyze", seed))
		goto done;

	int identity = 1, totals = 1;
	for (int reg = 0; reg <= r1->n_regions; reg++) {
		lr_cents prev = 0;
		for (int y = r1->first_year; y <= r1->last_year; y++) {
			const lr_year_row *yr = LR_YEAR_ROW(r1, y, reg);
			lr_cents rel = yr->released[0] + yr->released[1] +
			               yr->released[2];
			if (yr->remaining_end != prev + yr->new_land - rel)
				identity = 0;
			prev = yr->remaining_end;
		}
		if (prev != r1->remaining[reg].sha + r1->remaining[reg].cha)
			totals = 0;
	}
	lr_test_ok(identity,
	           "seed %d: remaining_end = previous + new - "
	           "released, every region and year, to the cent",
	           seed);
	lr_test_ok(totals,
	           "seed %d: last year's remaining_end = remaining "
	           "table, every region",
	           seed);

	/* Faces tile the union of all inputs. */
	lr_cents faces = 0;
	for (size_t i = 0; i < r1->faces.len; i++)
		faces += LR_VEC_AT(&r1->faces, lr_face, i).area;
	double u = union_area(&d);
	double got = (double)faces / 100.0;
	if (!lr_test_ok(fabs(got - u) <= 1e-6 * u,
	                "seed %d: sum of face areas = area of the union of "
	                "all inputs (1e-6 relative)",
	                seed))
		printf("#   faces %.2f, union %.2f\n", got, u);

	/* Threads: the same ledger, face by face. */
	int same = r1->n_faces == r2->n_faces;
	for (size_t i = 0; same && i < r1->faces.len; i++) {
		const lr_face *a = &LR_VEC_AT(&r1->faces, lr_face, i);
		const lr_face *b = &LR_VEC_AT(&r2->faces, lr_face, i);
		same = a->area == b->area && a->region == b->region &&
		       !strcmp(a->events, b->events);
	}
	size_t cells = (size_t)(r1->last_year - r1->first_year + 1) *
	               (size_t)(r1->n_regions + 1);
	same = same && !memcmp(r1->years, r2->years, cells * sizeof *r1->years);
	same = same && d.quality.items.len == d2.quality.items.len;
	lr_test_ok(same,
	           "seed %d: 1 and 2 threads give the same ledger and "
	           "findings",
	           seed);
done:
	lr_result_free(r1);
	lr_result_free(r2);
	lr_dataset_free(&d);
	lr_dataset_free(&d2);
	unlink(path);
}

int main(void)
{
	char dir[] = "/tmp/lr-test-gen-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	for (int seed = 1; seed <= 3; seed++)
		check_seed(dir, seed);
	rmdir(dir);
	return lr_test_done();
}
