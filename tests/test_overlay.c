/*
** The ledger on hand-built datasets whose answers are computed by hand:
** overlapping hazards counted once, a hazard split at a region border, a
** release half outside its hazard, baseline and scope, thread invariance.
*/
#include "lr_engine.h"
#include "lr_test.h"

#include <string.h>

/* Faces add up to the rectangles they are cut from: to the cent, and the
** rounding of sums of km2 (1e-12 relative). */
#define REL_TOL 0.01 + 1e-12 * fabs(w_)

static GEOSContextHandle_t ctx;
static lr_error gerr;

/* lon/lat rectangle as a WKB MultiPolygon. */
static lr_wkb rect_wkb(double x0, double y0, double x1, double y1)
{
	lr_wkb w = {0};
	GEOSGeometry *g = GEOSGeom_createRectangle_r(ctx, x0, y0, x1, y1);
	lr_geos_to_wkb_r(ctx, g, &w, &gerr);
	GEOSGeom_destroy_r(ctx, g);
	return w;
}

static double rect_area(double x0, double y0, double x1, double y1)
{
	double ring[] = {x0, y0, x1, y0, x1, y1, x0, y1, x0, y0};
	return lr_ellipsoid_ring_area(ring, 5);
}

static void add_region(lr_dataset *d, const char *id, double x0, double y0,
                       double x1, double y1)
{
	lr_region r = {
	        strdup(id), strdup(id), NULL, -1, rect_wkb(x0, y0, x1, y1), 0};
	r.area_m2 = rect_area(x0, y0, x1, y1);
	lr_vec_push(&d->regions, &r);
}

static void add_hazard(lr_dataset *d, const char *id, int type, int cont,
                       lr_date rec, double x0, double y0, double x1, double y1)
{
	lr_hazard h = {strdup(id),
	               type,
	               cont,
	               rec,
	               NAN,
	               NULL,
	               (int64_t)d->hazards.len,
	               -1,
	               rect_wkb(x0, y0, x1, y1),
	               0};
	h.area_m2 = rect_area(x0, y0, x1, y1);
	lr_vec_push(&d->hazards, &h);
}

static void add_release(lr_dataset *d, const char *id, lr_method m,
                        lr_date date, int ap, double x0, double y0, double x1,
                        double y1)
{
	lr_release r = {strdup(id),
	                NULL,
	                m,
	                date,
	                ap,
	                0,
	                0,
	                (int64_t)d->releases.len,
	                rect_wkb(x0, y0, x1, y1),
	                0,
	                0,
	                false};
	r.area_m2 = rect_area(x0, y0, x1, y1);
	lr_vec_push(&d->releases, &r);
}

static lr_date D(int y, int m, int d)
{
	return lr_date_from_ymd(y, m, d);
}

static double m2(lr_cents c)
{
	return (double)c / 100.0;
}

static void build(lr_dataset *d)
{
	lr_dataset_init(d);
	add_region(d, "D1", 0, 0, 1, 1);
	add_region(d, "D2", 1, 0, 2, 1);
	/* H1 and H2 overlap: their union is [0.10,0.13]x[0.10,0.12]. */
	add_hazard(d, "H1", LR_SHA, LR_CONT_AP, D(2018, 5, 1), 0.10, 0.10, 0.12,
	           0.12);
	add_hazard(d, "H2", LR_CHA, LR_CONT_AP, D(2019, 5, 1), 0.11, 0.10, 0.13,
	           0.12);
	/* H3 crosses the D1/D2 border at lon 1. */
	add_hazard(d, "H3", LR_SHA, LR_CONT_AV, D(2018, 1, 1), 0.99, 0.5, 1.005,
	           0.52);
	/* H4, half released by R1 which reaches outside it. */
	add_hazard(d, "H4", LR_CHA, LR_CONT_AP, D(2019, 1, 1), 0.5, 0.5, 0.52,
	           0.52);
	add_release(d, "R1", LR_CLEARED, D(2020, 6, 1), 7, 0.51, 0.5, 0.53,
	            0.52);
	LR_VEC_AT(&d->releases, lr_release, 0).ap_improvised = 2;
}

static lr_result *run(lr_dataset *d, int threads, int scope, lr_date base)
{
	lr_options opt = {.as_of = LR_DATE_NONE,
	                  .baseline = base,
	                  .scope = scope,
	                  .threads = threads,
	                  .keep_faces = true};
	lr_result *r = NULL;
	lr_error err = {0};
	if (lr_analyze(d, &opt, &r, &err) != LR_OK)
		printf("# lr_analyze: %s\n", err.msg);
	return r;
}

static int same_result(const lr_result *a, const lr_result *b)
{
	size_t cells = (size_t)(a->last_year - a->first_year + 1) *
	               (size_t)(a->n_regions + 1);
	if (a->n_faces != b->n_faces ||
	    memcmp(a->years, b->years, cells * sizeof *a->years) ||
	    memcmp(a->remaining, b->remaining,
	           (size_t)(a->n_regions + 1) * sizeof *a->remaining))
		return 0;
	for (size_t i = 0; i < a->faces.len; i++) {
		const lr_face *x = &LR_VEC_AT(&a->faces, lr_face, i);
		const lr_face *y = &LR_VEC_AT(&b->faces, lr_face, i);
		if (x->area != y->area || x->region != y->region ||
		    strcmp(x->events, y->events) ||
		    x->geom.size != y->geom.size ||
		    memcmp(x->geom.data, y->geom.data, x->geom.size))
			return 0;
	}
	return 1;
}

/* Whether stocks by type, counts at each year's end and the contamination
** parts of region reg are those worked out by hand: want[y] for the years
** first..; parts in m2 (AP, AV, ERW, mixed). */
typedef struct year_want {
	double sha, cha;
	int64_t sha_count, cha_count;
} year_want;

static void check_stocks(const lr_result *r, int reg, const year_want *want,
                         const char *what)
{
	for (int y = r->first_year; y <= r->last_year; y++) {
		const lr_year_row *yr = LR_YEAR_ROW(r, y, reg);
		const year_want *w = &want[y - r->first_year];
		lr_test_near(m2(yr->sha_end), w->sha, 0.01 + 5e-8 * w->sha,
		             "%s %d: SHA land at the year's end", what, y);
		lr_test_near(m2(yr->cha_end), w->cha, 0.01 + 5e-8 * w->cha,
		             "%s %d: CHA land at the year's end", what, y);
		lr_test_ok(yr->sha_end + yr->cha_end == yr->remaining_end,
		           "%s %d: sha_end + cha_end = remaining_end exactly",
		           what, y);
		lr_test_ok(yr->sha_count_end == w->sha_count &&
		                   yr->cha_count_end == w->cha_count,
		           "%s %d: %lld SHA and %lld CHA areas remain (got "
		           "%lld, %lld)",
		           what, y, (long long)w->sha_count,
		           (long long)w->cha_count,
		           (long long)yr->sha_count_end,
		           (long long)yr->cha_count_end);
	}
}

static void check_parts(const lr_result *r, int reg, const double want[4],
                        const char *what)
{
	static const char *names[] = {"AP", "AV", "ERW", "mixed"};
	const lr_remaining_row *x = &r->remaining[reg];
	for (int p = 0; p < LR_N_PARTS; p++)
		lr_test_near(m2(x->part[p]), want[p], 0.01 + 5e-8 * want[p],
		             "%s: %s land", what, names[p]);
	lr_test_ok(x->part[0] + x->part[1] + x->part[2] + x->part[3] ==
	                   x->sha + x->cha,
	           "%s: AP + AV + ERW + mixed = remaining exactly", what);
}

/* Whether Form C lists hazards ids[0..n) in that order, each with the land
** worked out by hand, and adds up exactly to the remaining land. */
static void check_form_c(const lr_dataset *d, const lr_result *r,
                         const char **ids, const double *listed, size_t n,
                         const char *what)
{
	lr_test_ok(r->n_form_c == n, "%s: Form C lists %zu areas (got %zu)",
	           what, n, r->n_form_c);
	lr_cents sum = 0, total = 0;
	for (size_t i = 0; i < r->n_form_c; i++)
		sum += r->hazard_listed[r->form_c[i]];
	for (int reg = 0; reg <= r->n_regions; reg++)
		total += r->remaining[reg].sha + r->remaining[reg].cha;
	lr_test_ok(sum == total, "%s: Form C adds up to the remaining land",
	           what);
	for (size_t i = 0; i < n && i < r->n_form_c; i++) {
		int32_t h = r->form_c[i];
		const lr_hazard *hz = &LR_VEC_AT(&d->hazards, lr_hazard, h);
		lr_test_ok(!strcmp(hz->id, ids[i]), "%s: Form C row %zu is %s",
		           what, i, ids[i]);
		lr_test_near(m2(r->hazard_listed[h]), listed[i],
		             0.01 + 5e-8 * listed[i],
		             "%s: land listed under %s", what, ids[i]);
	}
}

/*
** Contamination parts and stocks by type on land whose records change
** hands: A1 (SHA, AP) overlapped by V1 (CHA, AV) is mixed where they meet
** and reclassified CHA; X is cleared whole; R1 clears the west of A1 and
** V2 (AV) records part of that cleared land again, which is then AV only.
*/
static void test_parts_and_stocks(void)
{
	lr_dataset d;
	lr_dataset_init(&d);
	add_region(&d, "D1", 0, 0, 1, 1);
	add_hazard(&d, "A1", LR_SHA, LR_CONT_AP, D(2018, 3, 1), 0.20, 0.20,
	           0.22, 0.22);
	add_hazard(&d, "X", LR_SHA, LR_CONT_AP, D(2018, 4, 1), 0.40, 0.40, 0.41,
	           0.41);
	add_hazard(&d, "V1", LR_CHA, LR_CONT_AV, D(2019, 2, 1), 0.21, 0.20,
	           0.23, 0.22);
	add_hazard(&d, "E1", LR_SHA, LR_CONT_ERW, D(2019, 3, 1), 0.30, 0.30,
	           0.31, 0.31);
	add_release(&d, "R2", LR_CLEARED, D(2019, 6, 1), 0, 0.40, 0.40, 0.41,
	            0.41);
	add_release(&d, "R1", LR_CLEARED, D(2020, 5, 1), 0, 0.20, 0.20, 0.215,
	            0.22);
	add_hazard(&d, "V2", LR_SHA, LR_CONT_AV, D(2021, 1, 10), 0.20, 0.20,
	           0.205, 0.22);
	/* Recorded the same day over shared land: T1 lists it (ties by id),
	** though T2 comes first in the data. */
	add_hazard(&d, "T2", LR_SHA, LR_CONT_AP, D(2019, 1, 1), 0.60, 0.60,
	           0.62, 0.62);
	add_hazard(&d, "T1", LR_SHA, LR_CONT_AP, D(2019, 1, 1), 0.61, 0.60,
	           0.63, 0.62);
	lr_result *r = run(&d, 1, LR_CONT_ALL, LR_DATE_NONE);
	if (!lr_test_ok(r && r->first_year == 2018 && r->last_year == 2021,
	                "parts and stocks: analysed, 2018 to 2021")) {
		lr_result_free(r);
		lr_dataset_free(&d);
		return;
	}
	double a1 = rect_area(0.20, 0.20, 0.22, 0.22);
	double x = rect_area(0.40, 0.40, 0.41, 0.41);
	double e1 = rect_area(0.30, 0.30, 0.31, 0.31);
	double a1_west = rect_area(0.20, 0.20, 0.21, 0.22);
	double v1 = rect_area(0.21, 0.20, 0.23, 0.22);
	double v1_left = rect_area(0.215, 0.20, 0.23, 0.22);
	double v2 = rect_area(0.20, 0.20, 0.205, 0.22);
	double t12 = rect_area(0.60, 0.60, 0.63, 0.62);
	year_want want[] = {
	        {a1 + x, 0, 2, 0}, /* 2018: A1 and X, both SHA */
	        /* 2019: V1 over A1, X cleared, T1 and T2 */
	        {a1_west + e1 + t12, v1, 4, 1},
	        /* 2020: R1 clears SHA and CHA; A1 holds its CHA strip east
	        ** of 0.215 */
	        {e1 + t12, v1_left, 4, 1},
	        {e1 + v2 + t12, v1_left, 5, 1}, /* 2021: V2 on cleared land */
	};
	check_stocks(r, 0, want, "parts and stocks");
	lr_test_near(m2(LR_YEAR_ROW(r, 2019, 0)->reclassified),
	             rect_area(0.21, 0.20, 0.22, 0.22), 0.01,
	             "2019: A1's land under V1 is reclassified SHA->CHA");
	double parts[4] = {t12, rect_area(0.22, 0.20, 0.23, 0.22) + v2, e1,
	                   rect_area(0.215, 0.20, 0.22, 0.22)};
	check_parts(r, 0, parts,
	            "parts: AV = V1 alone + V2 on cleared land; mixed = A1 "
	            "under V1");
	/* Form C, in hazard order A1 V1 E1 V2 T2 T1 (X is cleared) */
	const char *ids[] = {"A1", "V1", "E1", "V2", "T2", "T1"};
	double listed[] = {rect_area(0.215, 0.20, 0.22, 0.22),
	                   rect_area(0.22, 0.20, 0.23, 0.22),
	                   e1,
	                   v2,
	                   rect_area(0.60, 0.60, 0.61, 0.62),
	                   rect_area(0.61, 0.60, 0.63, 0.62)};
	check_form_c(&d, r, ids, listed, 6, "parts and stocks");
	int32_t a1i = r->form_c[0];
	lr_test_ok(r->hazard_lon_e6[a1i] > 215000 &&
	                   r->hazard_lon_e6[a1i] < 220000 &&
	                   r->hazard_lat_e6[a1i] > 200000 &&
	                   r->hazard_lat_e6[a1i] < 220000,
	           "Form C: A1's point lies on its remaining strip (%lld, "
	           "%lld)",
	           (long long)r->hazard_lon_e6[a1i],
	           (long long)r->hazard_lat_e6[a1i]);
	lr_result *r2 = run(&d, 2, LR_CONT_ALL, LR_DATE_NONE);
	lr_test_ok(r2 && same_result(r, r2),
	           "parts and stocks: 1 and 2 threads the same");
	lr_result_free(r2);
	lr_result_free(r);
	lr_dataset_free(&d);
}

/* The findings of d with this code and record id, and their messages
** all naming `says`. */
static int count_findings(const lr_dataset *d, const char *code,
                          const char *record, const char *says)
{
	int n = 0;
	for (size_t i = 0; i < d->quality.items.len; i++) {
		const lr_finding *f =
		        &LR_VEC_AT(&d->quality.items, lr_finding, i);
		if (!strcmp(f->code, code) && !strcmp(f->record_id, record) &&
		    strstr(f->message, says))
			n++;
	}
	return n;
}

/*
** Items under a scope: RV clears AV-only land with 5 AV mines, RA clears
** AP land with 3 AP mines.  Under --scope AP only RA's mines count; RV's
** are a finding that names them.
*/
static void test_items_in_scope(void)
{
	lr_dataset d;
	lr_dataset_init(&d);
	add_region(&d, "D1", 0, 0, 1, 1);
	add_hazard(&d, "V", LR_SHA, LR_CONT_AV, D(2019, 1, 1), 0.10, 0.10, 0.12,
	           0.12);
	add_hazard(&d, "A", LR_SHA, LR_CONT_AP, D(2019, 1, 1), 0.30, 0.30, 0.32,
	           0.32);
	add_release(&d, "RV", LR_CLEARED, D(2020, 3, 1), 0, 0.10, 0.10, 0.12,
	            0.12);
	LR_VEC_AT(&d.releases, lr_release, 0).av_mines = 5;
	add_release(&d, "RA", LR_CLEARED, D(2020, 4, 1), 3, 0.30, 0.30, 0.32,
	            0.32);
	lr_result *all = run(&d, 1, LR_CONT_ALL, LR_DATE_NONE);
	const lr_year_row *y = all ? LR_YEAR_ROW(all, 2020, 0) : NULL;
	lr_test_ok(y && y->ap_mines == 3 && y->av_mines == 5 &&
	                   !count_findings(&d, "items_out_of_scope", "RV", ""),
	           "no scope: every item counts, no finding");
	lr_result_free(all);
	lr_quality_free(&d.quality);
	lr_quality_init(&d.quality);
	lr_result *ap = run(&d, 1, LR_CONT_AP, LR_DATE_NONE);
	y = ap ? LR_YEAR_ROW(ap, 2020, 0) : NULL;
	lr_test_ok(y && y->ap_mines == 3 && y->av_mines == 0 &&
	                   y->released[LR_CLEARED] > 0,
	           "scope AP: RA's 3 AP mines count, RV's 5 AV mines do not");
	lr_test_ok(count_findings(&d, "items_out_of_scope", "RV",
	                          "5 AV mines") == 1 &&
	                   !count_findings(&d, "items_out_of_scope", "RA", ""),
	           "scope AP: one finding for RV naming its 5 AV mines");
	lr_result_free(ap);
	lr_dataset_free(&d);
}

/* Land released twice (same day under two methods, and years apart) is a
** finding naming the first release, not land outside recorded hazards. */
static void test_released_twice(void)
{
	lr_dataset d;
	lr_dataset_init(&d);
	add_region(&d, "D1", 0, 0, 1, 1);
	add_hazard(&d, "A", LR_SHA, LR_CONT_AP, D(2019, 1, 1), 0.10, 0.10, 0.12,
	           0.12);
	add_release(&d, "R2", LR_REDUCED, D(2020, 3, 1), 0, 0.10, 0.10, 0.12,
	            0.12);
	add_release(&d, "R1", LR_CLEARED, D(2020, 3, 1), 0, 0.10, 0.10, 0.12,
	            0.12);
	add_release(&d, "R3", LR_CANCELLED, D(2022, 5, 1), 0, 0.10, 0.10, 0.11,
	            0.12);
	lr_result *r = run(&d, 1, LR_CONT_ALL, LR_DATE_NONE);
	double a = rect_area(0.10, 0.10, 0.12, 0.12);
	lr_test_near(r ? m2(LR_YEAR_ROW(r, 2020, 0)->released[LR_CLEARED]) : 0,
	             a, 0.01 + 5e-8 * a,
	             "released twice: the clearance is credited");
	lr_test_ok(count_findings(&d, "release_repeats_release", "R2",
	                          "release R1 (cleared, 2020-03-01)") == 1 &&
	                   count_findings(&d, "release_repeats_release", "R3",
	                                  "release R1") == 1,
	           "released twice: R2 (same day) and R3 (two years on) name "
	           "R1");
	lr_test_ok(!count_findings(&d, "release_outside", "R2", "") &&
	                   !count_findings(&d, "release_outside", "R3", ""),
	           "released twice: not released outside recorded hazards");
	lr_result_free(r);
	lr_dataset_free(&d);
}

/* Land released by clearing R (2020), alone or with a hazard V recorded
** in 2021 whose border crosses R's long northern edge. */
static double released_with(bool with_later_hazard)
{
	lr_dataset d;
	lr_dataset_init(&d);
	add_region(&d, "D1", 0, 44, 1, 46);
	add_hazard(&d, "A", LR_SHA, LR_CONT_AP, D(2019, 1, 1), 0.10, 45.00,
	           0.15, 45.05);
	add_release(&d, "R", LR_CLEARED, D(2020, 1, 1), 0, 0.10, 45.00, 0.15,
	            45.05);
	if (with_later_hazard)
		add_hazard(&d, "V", LR_SHA, LR_CONT_AP, D(2021, 1, 1), 0.12,
		           45.04, 0.13, 45.06);
	lr_result *r = run(&d, 1, LR_CONT_ALL, LR_DATE_NONE);
	double m = r ? m2(LR_YEAR_ROW(r, 2020, 0)->released[LR_CLEARED]) : -1;
	lr_result_free(r);
	lr_dataset_free(&d);
	return m;
}

/*
** A record made after a release cannot change the land it released, even
** though its border puts nodes on R's northern edge (a parallel, 3.9 km
** long at 45N): faces are cut along straight lon/lat lines and measured
** as the land inside straight lon/lat edges, so the pieces of an edge add
** up to it.  (Measured with geodesic edges instead, the faces lost 690 m2
** here; the real BiH cleared area 2761 lost 2.11 m2 beside suspected area
** 2984, test_bih.)
*/
static void test_later_record_keeps_release(void)
{
	double alone = released_with(false), beside = released_with(true);
	lr_test_near(beside, alone, 0.01,
	             "a later record leaves the land released as it was "
	             "(%.2f m2)",
	             alone);
	lr_test_near(alone, rect_area(0.10, 45.00, 0.15, 45.05), 0.01,
	             "and that is the area of the cleared rectangle");
}

/* The row of region id at level k of r's levels, or -1. */
static int level_row(const lr_result *r, int k, const char *id)
{
	for (size_t i = 0; r->levels && i < r->levels->n_rows; i++) {
		const lr_level_row *row = &r->levels->rows[i];
		if (row->level == k && row->node >= 0 &&
		    !strcmp(r->levels->nodes[row->node].id, id))
			return (int)i;
	}
	return -1;
}

/* Whether each level's rows add up, column by column, to the region
** table's rows: remaining land and every year. */
static int levels_add_up(const lr_result *r)
{
	const lr_levels *lv = r->levels;
	lr_remaining_row want = {0};
	for (int x = 0; x <= r->n_regions; x++)
		lr_remaining_row_add(&want, &r->remaining[x]);
	for (int k = 1; k <= lv->n_levels; k++) {
		lr_remaining_row got = {0};
		for (size_t i = 0; i < lv->n_rows; i++)
			if (lv->rows[i].level == k)
				lr_remaining_row_add(&got, &lv->remaining[i]);
		if (memcmp(&got, &want, sizeof got))
			return 0;
		for (int y = r->first_year; y <= r->last_year; y++) {
			lr_year_row gy = {0}, wy = {0};
			for (int x = 0; x <= r->n_regions; x++)
				lr_year_row_add(&wy, LR_YEAR_ROW(r, y, x));
			for (size_t i = 0; i < lv->n_rows; i++)
				if (lv->rows[i].level == k)
					lr_year_row_add(&gy, LR_LEVEL_YEAR_ROW(
					                             r, y, i));
			if (memcmp(&gy, &wy, sizeof gy))
				return 0;
		}
	}
	return 1;
}

/* What a level row should hold: its parent, areas and counts. */
typedef struct level_want {
	int level;
	const char *id, *parent;
	double sha, cha;
	int64_t sha_count, cha_count;
} level_want;

static void check_level(const lr_result *r, const level_want *w)
{
	int i = level_row(r, w->level, w->id);
	if (!lr_test_ok(i >= 0, "levels: %s at level %d", w->id, w->level))
		return;
	const lr_levels *lv = r->levels;
	const lr_level_node *nd = &lv->nodes[lv->rows[i].node];
	const char *parent = nd->parent >= 0 ? lv->nodes[nd->parent].id : "";
	const lr_remaining_row *x = &lv->remaining[i];
	lr_test_ok(!strcmp(parent, w->parent),
	           "levels: %s's parent is '%s' (got '%s')", w->id, w->parent,
	           parent);
	lr_test_near(m2(x->sha), w->sha, 0.01 + 5e-8 * w->sha,
	             "levels: %s at level %d, SHA land", w->id, w->level);
	lr_test_near(m2(x->cha), w->cha, 0.01 + 5e-8 * w->cha,
	             "levels: %s at level %d, CHA land", w->id, w->level);
	lr_test_ok(x->sha_count == w->sha_count && x->cha_count == w->cha_count,
	           "levels: %s at level %d counts %lld SHA, %lld CHA (got "
	           "%lld, %lld)",
	           w->id, w->level, (long long)w->sha_count,
	           (long long)w->cha_count, (long long)x->sha_count,
	           (long long)x->cha_count);
}

static void set_parent(lr_dataset *d, size_t region, const char *parent)
{
	LR_VEC_AT(&d->regions, lr_region, region).parent_id = strdup(parent);
}

/*
** Three levels, a cycle and an orphan.  N (no region of its own) holds
** the region P1, which holds its own land and the districts D1 and D2;
** D3's parent Q names no region, so D3 stops a level short (an orphan);
** C1 and C2 name each other (a cycle, cut: both at the top).  H1 spans
** D1 and D2 (two thirds in D2), counted once in P1 and N; H3 is half
** cleared in 2020.
*/
static void test_levels(void)
{
	lr_dataset d;
	lr_dataset_init(&d);
	static const char *ids[] = {"C1", "C2", "D1", "D2", "D3", "P1"};
	static const char *parents[] = {"C2", "C1", "P1", "P1", "Q", "N"};
	static const double west[] = {4, 5, 0, 1, 3, 2};
	for (size_t i = 0; i < 6; i++) {
		add_region(&d, ids[i], west[i], 0, west[i] + 1, 1);
		set_parent(&d, i, parents[i]);
	}
	add_hazard(&d, "H1", LR_SHA, LR_CONT_AP, D(2018, 1, 1), 0.995, 0.5,
	           1.01, 0.52);
	add_hazard(&d, "H2", LR_CHA, LR_CONT_AV, D(2019, 1, 1), 2.5, 0.5, 2.52,
	           0.52);
	add_hazard(&d, "H3", LR_SHA, LR_CONT_ERW, D(2019, 1, 1), 3.5, 0.5, 3.52,
	           0.52);
	add_hazard(&d, "H4", LR_SHA, LR_CONT_AP, D(2018, 1, 1), 4.5, 0.5, 4.52,
	           0.52);
	add_release(&d, "R1", LR_CLEARED, D(2020, 1, 1), 0, 3.5, 0.5, 3.51,
	            0.52);
	lr_result *r = run(&d, 1, LR_CONT_ALL, LR_DATE_NONE);
	if (!lr_test_ok(r && r->levels && r->levels->n_levels == 3,
	                "levels: three levels from parent_id"))
		goto done;
	/* Land by width in degrees: the same at any longitude. */
	double d1 = rect_area(0, 0.5, 0.005, 0.52);
	double d2 = rect_area(0, 0.5, 0.01, 0.52);
	double p1 = rect_area(0, 0.5, 0.02, 0.52);
	double d3 = rect_area(0, 0.5, 0.01, 0.52);
	double c1 = p1;
	const level_want want[] = {
	        {1, "C1", "", c1, 0, 1, 0},        {1, "C2", "", 0, 0, 0, 0},
	        {1, "N", "", d1 + d2, p1, 1, 1},   {1, "Q", "", d3, 0, 1, 0},
	        {2, "C1", "", c1, 0, 1, 0},        {2, "D3", "Q", d3, 0, 1, 0},
	        {2, "P1", "N", d1 + d2, p1, 1, 1}, {3, "D1", "P1", d1, 0, 0, 0},
	        {3, "D2", "P1", d2, 0, 1, 0},      {3, "D3", "Q", d3, 0, 1, 0},
	        {3, "P1", "N", 0, p1, 0, 1},
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		check_level(r, &want[i]);
	lr_test_ok(r->levels->n_rows == 4 + 4 + 6,
	           "levels: 4, 4 and 6 rows (got %zu)", r->levels->n_rows);
	lr_test_ok(level_row(r, 1, "P1") < 0 && level_row(r, 2, "N") < 0,
	           "levels: a region is not shown above its level, nor a "
	           "parent below its own");
	int q = level_row(r, 1, "Q");
	lr_test_near(
	        q >= 0 ? m2(LR_LEVEL_YEAR_ROW(r, 2020, q)->released[LR_CLEARED])
	               : 0,
	        rect_area(0, 0.5, 0.01, 0.52), 0.01,
	        "levels: Q's 2020 clearance is D3's");
	lr_test_ok(levels_add_up(r),
	           "levels: every level adds up to the regions, every year");
	lr_test_ok(count_findings(&d, "region_cycle", "C1", "C1 -> C2 -> C1") ==
	                           1 &&
	                   count_findings(&d, "region_cycle", "C2", "") == 1,
	           "levels: the cycle is a finding for C1 and C2");
	lr_test_ok(count_findings(&d, "region_orphan", "D3",
	                          "stops at Q, which names no region") == 1,
	           "levels: D3, a level short, is an orphan naming Q");
	int n_orphans = 0;
	for (size_t i = 0; i < d.quality.items.len; i++)
		n_orphans +=
		        !strcmp(LR_VEC_AT(&d.quality.items, lr_finding, i).code,
		                "region_orphan");
	lr_test_ok(n_orphans == 1, "levels: no other orphan (got %d)",
	           n_orphans);
	lr_result *r2 = run(&d, 2, LR_CONT_ALL, LR_DATE_NONE);
	lr_test_ok(r2 && r2->levels &&
	                   r2->levels->n_rows == r->levels->n_rows &&
	                   !memcmp(r2->levels->remaining, r->levels->remaining,
	                           r->levels->n_rows *
	                                   sizeof *r->levels->remaining),
	           "levels: 1 and 2 threads the same");
	lr_result_free(r2);
done:
	lr_result_free(r);
	lr_dataset_free(&d);
}

int main(void)
{
	ctx = lr_geos_new(&gerr);
	lr_dataset d;
	build(&d);
	lr_result *r = run(&d, 1, LR_CONT_ALL, LR_DATE_NONE);
	if (!lr_test_ok(r != NULL, "analyze runs on the hand-built dataset"))
		return lr_test_done();

	double u12 = rect_area(0.10, 0.10, 0.13, 0.12);
	double h3_d1 = rect_area(0.99, 0.5, 1.0, 0.52);
	double h3_d2 = rect_area(1.0, 0.5, 1.005, 0.52);
	double h4_left = rect_area(0.5, 0.5, 0.51, 0.52);
	double r1_in = rect_area(0.51, 0.5, 0.52, 0.52);
	double r1_out = rect_area(0.52, 0.5, 0.53, 0.52);
	char buf[16];
	lr_test_ok(!strcmp(lr_date_format(r->as_of, buf), "2020-06-01"),
	           "as-of defaults to the latest date in the data");
	lr_test_ok(r->first_year == 2018 && r->last_year == 2020,
	           "years run from the first event to the as-of year");

	const lr_remaining_row *d1 = &r->remaining[0], *d2 = &r->remaining[1];
	/* D1 holds: H1+H2 union (the H2-only and shared part is CHA), H3's
	** western half, H4's unreleased half. */
	double cha_d1 = rect_area(0.11, 0.10, 0.13, 0.12) + h4_left;
	double sha_d1 = rect_area(0.10, 0.10, 0.11, 0.12) + h3_d1;
	lr_test_near(m2(d1->sha + d1->cha), u12 + h3_d1 + h4_left, REL_TOL,
	             "D1 remaining = union of overlapping hazards + H3 west "
	             "+ unreleased half of H4");
	lr_test_near(m2(d1->cha), cha_d1, REL_TOL,
	             "D1 CHA = H2 land (reclassified shared part) + H4 rest");
	lr_test_near(m2(d1->sha), sha_d1, REL_TOL,
	             "D1 SHA = H1-only + H3 west");
	lr_test_near(m2(d2->sha), h3_d2, REL_TOL, "D2 holds H3's eastern part");
	lr_test_ok(d1->sha_count == 2 && d1->cha_count == 2 &&
	                   d2->sha_count == 0 && d2->cha_count == 0,
	           "counts: H1 SHA, H2 and H4 CHA in D1; H3 counted once, in "
	           "D1 (tie broken by region order)");

	const lr_year_row *y2018 = LR_YEAR_ROW(r, 2018, 0);
	const lr_year_row *y2019 = LR_YEAR_ROW(r, 2019, 0);
	const lr_year_row *y2020 = LR_YEAR_ROW(r, 2020, 0);
	lr_test_near(m2(y2018->new_land),
	             rect_area(0.10, 0.10, 0.12, 0.12) + h3_d1, REL_TOL,
	             "2018 new land in D1: H1 and H3 west");
	lr_test_near(m2(y2019->new_land),
	             rect_area(0.12, 0.10, 0.13, 0.12) + h4_left + r1_in,
	             REL_TOL,
	             "2019 new land in D1: H2's own part and H4 (overlap not "
	             "counted twice)");
	lr_test_near(m2(y2019->reclassified), rect_area(0.11, 0.10, 0.12, 0.12),
	             0.01, "2019: the H1/H2 overlap is reclassified SHA->CHA");
	lr_test_near(m2(y2020->released[LR_CLEARED]), r1_in, REL_TOL,
	             "2020 cleared: only the half of R1 inside H4");
	lr_test_ok(y2020->ap_mines == 7, "items destroyed in R1's region and "
	                                 "year");
	lr_test_ok(y2020->ap_improvised == 2 &&
	                   LR_YEAR_ROW(r, 2019, 0)->ap_improvised == 0,
	           "improvised AP mines beside the others, in R1's year");
	double h1 = rect_area(0.10, 0.10, 0.12, 0.12);
	double h4 = rect_area(0.5, 0.5, 0.52, 0.52);
	year_want want_d1[] = {
	        {h1 + h3_d1, 0, 2, 0}, /* 2018: H1, H3 */
	        {sha_d1, rect_area(0.11, 0.10, 0.13, 0.12) + h4, 2, 2},
	        {sha_d1, cha_d1, 2, 2}, /* 2020: R1 clears H4's east half */
	};
	check_stocks(r, 0, want_d1, "D1");
	year_want want_d2[] = {
	        {h3_d2, 0, 0, 0}, {h3_d2, 0, 0, 0}, {h3_d2, 0, 0, 0}};
	check_stocks(r, 1, want_d2, "D2 (H3 counts in D1)");
	double parts_d1[4] = {u12 + h4_left, h3_d1, 0, 0};
	check_parts(r, 0, parts_d1, "D1 parts: H1, H2, H4 AP; H3 west AV");
	const char *ids[] = {"H1", "H2", "H3", "H4"};
	double listed[] = {h1, rect_area(0.12, 0.10, 0.13, 0.12), h3_d1 + h3_d2,
	                   h4_left};
	check_form_c(&d, r, ids, listed, 4,
	             "Form C: the H1/H2 overlap under H1, recorded first");
	/* release outside hazards: a finding with R1's outside area */
	int found = 0;
	for (size_t i = 0; i < d.quality.items.len; i++) {
		const lr_finding *f =
		        &LR_VEC_AT(&d.quality.items, lr_finding, i);
		if (!strcmp(f->code, "release_outside") &&
		    !strcmp(f->record_id, "R1") &&
		    fabs(m2(f->area) - r1_out) < 0.01)
			found++;
		if (!strcmp(f->code, "hazard_overlap") &&
		    !strcmp(f->record_id, "H1") &&
		    fabs(m2(f->area) - rect_area(0.11, 0.10, 0.12, 0.12)) <
		            0.01)
			found += 10;
	}
	lr_test_ok(found == 11, "findings: R1 outside hazards by its outer "
	                        "half, H1/H2 overlap with its area");

	/* identity, every region and year, to the cent */
	int identity = 1;
	for (int reg = 0; reg <= r->n_regions; reg++) {
		lr_cents prev = 0;
		for (int y = r->first_year; y <= r->last_year; y++) {
			const lr_year_row *yr = LR_YEAR_ROW(r, y, reg);
			lr_cents rel = yr->released[0] + yr->released[1] +
			               yr->released[2];
			if (yr->remaining_end != prev + yr->new_land - rel)
				identity = 0;
			prev = yr->remaining_end;
		}
		if (prev != r->remaining[reg].sha + r->remaining[reg].cha)
			identity = 0;
	}
	lr_test_ok(identity, "remaining_end = previous + new - released, and "
	                     "the last year equals the remaining table");

	/* faces: sum of face areas = area of the union of all inputs */
	lr_cents faces = 0;
	for (size_t i = 0; i < r->faces.len; i++)
		faces += LR_VEC_AT(&r->faces, lr_face, i).area;
	double union_area = u12 + rect_area(0.99, 0.5, 1.005, 0.52) +
	                    rect_area(0.5, 0.5, 0.53, 0.52);
	lr_test_near(m2(faces), union_area, REL_TOL,
	             "sum of face areas = area of the union");

	/* threads */
	lr_result *r2 = run(&d, 2, LR_CONT_ALL, LR_DATE_NONE);
	lr_test_ok(r2 && same_result(r, r2), "1 and 2 threads: same ledger");
	lr_result_free(r2);

	/* scope AP: H3 (AV) drops out of the tables */
	lr_result *rap = run(&d, 1, LR_CONT_AP, LR_DATE_NONE);
	lr_test_near(m2(rap->remaining[1].sha + rap->remaining[1].cha), 0, 0,
	             "scope AP: the AV hazard H3 is not counted in D2");
	lr_test_near(m2(rap->remaining[0].sha),
	             rect_area(0.10, 0.10, 0.11, 0.12), REL_TOL,
	             "scope AP: D1 SHA is H1's own part only");
	lr_result_free(rap);

	/* baseline end of 2018: H1 and H3 are baseline, not new */
	lr_result *rb = run(&d, 1, LR_CONT_ALL, D(2018, 12, 31));
	lr_test_ok(rb && rb->first_year == 2018, "baseline: rows start in the "
	                                         "baseline year");
	lr_test_near(m2(rb->baseline_remaining[0].sha),
	             rect_area(0.10, 0.10, 0.12, 0.12) + h3_d1, REL_TOL,
	             "baseline in D1: H1 and H3 west");
	lr_test_near(m2(LR_YEAR_ROW(rb, 2018, 0)->new_land), 0, 0,
	             "baseline: nothing is new in 2018");
	lr_test_near(m2(LR_YEAR_ROW(rb, 2020, 0)->remaining_end),
	             m2(r->remaining[0].sha + r->remaining[0].cha), 0,
	             "baseline: the same remaining land at the end");
	lr_test_ok(rb->baseline_remaining[0].sha_count == 2,
	           "baseline counts: H1 and H3 in D1");
	lr_result_free(rb);

	lr_result_free(r);
	lr_dataset_free(&d);
	test_parts_and_stocks();
	test_items_in_scope();
	test_released_twice();
	test_levels();
	test_later_record_keeps_release();
	GEOS_finish_r(ctx);
	return lr_test_done();
}
