/*
** What the report reads from the store, through the store's reader: the
** meta table, tables 1 to 3 (remaining_by_region, release_by_year) and the
** geometries the map draws.
*/
#include "report_load_int.h"
#include "schema.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Copy s into dst (n bytes), cut to fit. */
static void put(char *dst, size_t n, const char *s)
{
	size_t k = strlen(s);
	if (k >= n)
		k = n - 1;
	memcpy(dst, s, k);
	dst[k] = '\0';
}

/* One meta fact into the report (keys it does not show are skipped). */
static int meta_fact(void *user, const char *k, const char *v, lr_error *err)
{
	static const char *const keys[3] = {LR_STORE_KEY_REGIONS_SOURCE,
	                                    LR_STORE_KEY_HAZARDS_SOURCE,
	                                    LR_STORE_KEY_RELEASES_SOURCE};
	lr_report *r = user;
	char buf[1024];
	(void)err;
	/* Cut as the report always has: a fact is shown up to 1023 bytes. */
	snprintf(buf, sizeof buf, "%s", v);
	if (!strcmp(k, LR_STORE_KEY_AS_OF))
		put(r->as_of, sizeof r->as_of, buf);
	else if (!strcmp(k, LR_STORE_KEY_BASELINE))
		put(r->baseline, sizeof r->baseline, buf);
	else if (!strcmp(k, LR_STORE_KEY_SCOPE))
		put(r->scope, sizeof r->scope, buf);
	else if (!strcmp(k, LR_STORE_KEY_VERSION))
		put(r->version, sizeof r->version, buf);
	else if (!strcmp(k, LR_STORE_KEY_FIRST_YEAR))
		r->first_year = atoi(buf);
	else if (!strcmp(k, LR_STORE_KEY_LAST_YEAR))
		r->last_year = atoi(buf);
	else
		for (int i = 0; i < 3; i++)
			if (!strcmp(k, keys[i])) {
				free(r->source[i]);
				r->source[i] = lr_strdup(buf);
			}
	return LR_OK;
}

int lr__load_meta(lr_report *r, lr_store_reader *rd, lr_error *err)
{
	int rc = lr_store_read_meta_each(rd, meta_fact, r, err);
	if (rc != LR_OK)
		return rc;
	for (int i = 0; i < 3; i++)
		if (!r->source[i] && !(r->source[i] = lr_strdup("")))
			return lr__nomem(err);
	if (!r->as_of[0] || r->first_year <= 0 || r->last_year < r->first_year)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: the meta table has no as_of, "
		                    "first_year or last_year (is it a store "
		                    "written by `landrelease analyze`?)",
		                    r->store);
	return LR_OK;
}

rregion *lr__find_region(const lr_report *r, const char *id)
{
	for (size_t i = 0; i < r->regions.len; i++) {
		rregion *g = &LR_VEC_AT(&r->regions, rregion, i);
		if (!strcmp(g->id, id))
			return g;
	}
	return NULL;
}

const char *lr__region_name(const lr_report *r, const char *id)
{
	if (!strcmp(id, "TOTAL"))
		return _("National total");
	if (!strcmp(id, "OUTSIDE"))
		return _("Outside every region");
	const rregion *g = lr__find_region(r, id);
	return g ? g->name : "";
}

/* The source sentence shared by the tables read from the store. */
static void store_source(const lr_report *r, const char *table, char *buf,
                         size_t n)
{
	snprintf(buf, n,
	         _("landrelease.sqlite, table %s (landrelease analyze %s), "
	           "from: regions %s; hazards %s; releases %s"),
	         table, r->version[0] ? r->version : "", r->source[0],
	         r->source[1], r->source[2]);
}

/* Table 1 being filled, and whether it had the TOTAL row. */
typedef struct remaining_fill {
	lr_report *r;
	bool total;
} remaining_fill;

/* The name of a row of remaining_by_region for people: the store writes
** its TOTAL and OUTSIDE rows' names in English (engine/store/tables.c). */
const char *lr__remaining_name(const lr_report *r, const lr_store_remaining *x)
{
	static const char *const own[][2] = {
	        {"TOTAL", N_("National total")},
	        {"OUTSIDE", N_("(land in no region)")}};
	for (size_t k = 0; k < sizeof own / sizeof *own; k++)
		if (!strcmp(x->region_id, own[k][0]) &&
		    !strcmp(x->region_name, own[k][1]))
			return _(own[k][1]);
	return x->region_name;
}

/* A row of remaining_by_region into table 1; a region's into r->regions,
** TOTAL's into the national figures. */
static int remaining_row(void *user, const lr_store_remaining *x, lr_error *err)
{
	remaining_fill *fill = user;
	lr_report *r = fill->r;
	rtable *t = &r->tables[T_REMAINING];
	size_t row;
	int rc;
	if ((rc = lr__rtable_add_row(t, &row, err)) != LR_OK ||
	    (rc = lr__rtable_text(t, row, 0, x->region_id, err)) != LR_OK ||
	    (rc = lr__rtable_text(t, row, 1, lr__remaining_name(r, x), err)) !=
	            LR_OK)
		return rc;
	const double cells[6] = {(double)x->sha_count,   lr__m2(x->sha),
	                         (double)x->cha_count,   lr__m2(x->cha),
	                         (double)x->total_count, lr__m2(x->total)};
	for (int c = 2; c < 8; c++)
		lr__rtable_num(t, row, c, cells[c - 2]);
	lr__rtable_num(t, row, 8, lr__m2(x->total) / 1e6);
	if (!strcmp(x->region_id, LR_STORE_TOTAL_ID)) {
		t->total[row] = 1;
		fill->total = true;
		r->remaining = lr__m2(x->total);
		r->remaining_count = x->total_count;
		return LR_OK;
	}
	rregion g = {0};
	g.id = lr_strdup(x->region_id);
	g.name = lr_strdup(x->region_name);
	g.count = x->total_count;
	g.remaining = lr__m2(x->total);
	if (!g.id || !g.name || !lr_vec_push(&r->regions, &g)) {
		free(g.id);
		free(g.name);
		return lr__nomem(err);
	}
	return LR_OK;
}

int lr__load_remaining(lr_report *r, lr_store_reader *rd, lr_error *err)
{
	rtable *t = &r->tables[T_REMAINING];
	int rc = lr__rtable_init(
	        t, LR_STORE_REMAINING,
	        _("Table 1. Remaining contamination by region"), 9, err);
	static const rcol_def cols[] = {
	        {"region_id", N_("Region"), "", RC_TEXT},
	        {"region_name", N_("Name"), "", RC_TEXT},
	        {"sha_count", N_("SHA areas"), "", RC_COUNT},
	        {"sha_m2", N_("SHA area"), "m²", RC_M2},
	        {"cha_count", N_("CHA areas"), "", RC_COUNT},
	        {"cha_m2", N_("CHA area"), "m²", RC_M2},
	        {"total_count", N_("Total areas"), "", RC_COUNT},
	        {"total_m2", N_("Total area"), "m²", RC_M2},
	        {"total_km2", N_("Total area"), "km²", RC_KM2},
	};
	if (rc == LR_OK)
		rc = lr__rtable_cols(r, t, cols, 9, err);
	remaining_fill fill = {r, false};
	if (rc == LR_OK)
		rc = lr_store_read_remaining_table(rd, remaining_row, &fill,
		                                   err);
	if (rc != LR_OK)
		return rc;
	if (!fill.total)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: remaining_by_region has no TOTAL row",
		                    r->store);
	char src[2048], units[1024];
	store_source(r, LR_STORE_REMAINING, src, sizeof src);
	snprintf(units, sizeof units,
	         _("Areas %s, on the WGS84 ellipsoid. Counts are hazardous "
	           "areas "
	           "with at least 1 m² remaining. As of %s."),
	         lr__areas_in(r), lr__date(r, r->as_of).s);
	return lr__rtable_meta(t, units, src, "", err);
}

/* ---- tables 2 and 3: release_by_year ----------------------------------- */

/* Years of national new land kept for table 3's TOTAL row: far more than a
** store spans. */
enum { MAX_YEARS = 512 };

/* New land per region and year, gathered from release_by_year for table 3. */
typedef struct new_land {
	int ny;         /* years first_year..last_year */
	lr_vec ids;     /* char *, owned: regions in release_by_year order */
	int64_t *cents; /* [ids.len * ny] cents, owned; grown per region */
	size_t cap;     /* cents allocated */
	int64_t total[MAX_YEARS]; /* the TOTAL rows, cents */
} new_land;

static void new_land_free(new_land *nl)
{
	for (size_t k = 0; k < nl->ids.len; k++)
		free(LR_VEC_AT(&nl->ids, char *, k));
	lr_vec_free(&nl->ids);
	free(nl->cents);
}

/* Add v cents of new land to region id in year index y (a region seen for the
** first time gets a row). */
static int new_land_add(new_land *nl, const char *id, int y, lr_cents v,
                        lr_error *err)
{
	size_t k = 0, ny = (size_t)nl->ny;
	while (k < nl->ids.len && strcmp(LR_VEC_AT(&nl->ids, char *, k), id))
		k++;
	if (k == nl->ids.len) {
		char *s = lr_strdup(id);
		if (!s || !lr_vec_push(&nl->ids, &s)) {
			free(s);
			return lr__nomem(err);
		}
		if (nl->ids.len * ny > nl->cap) {
			size_t cap = (nl->ids.len * 2) * ny;
			int64_t *n = realloc(nl->cents, cap * sizeof *n);
			if (!n)
				return lr__nomem(err);
			memset(n + nl->cap, 0, (cap - nl->cap) * sizeof *n);
			nl->cents = n;
			nl->cap = cap;
		}
	}
	nl->cents[k * ny + (size_t)y] += v;
	return LR_OK;
}

/* The chart arrays r->remaining_end, new_land and released, [n_years]. */
static int year_arrays(lr_report *r, lr_error *err)
{
	int ny = r->last_year - r->first_year + 1;
	r->n_years = ny;
	r->remaining_end = lr_xcalloc((size_t)ny, sizeof(double));
	r->new_land = lr_xcalloc((size_t)ny, sizeof(double));
	r->sha_end = lr_xcalloc((size_t)ny, sizeof(double));
	r->cha_end = lr_xcalloc((size_t)ny, sizeof(double));
	for (int m = 0; m < 3; m++)
		r->released[m] = lr_xcalloc((size_t)ny, sizeof(double));
	if (!r->remaining_end || !r->new_land || !r->sha_end || !r->cha_end ||
	    !r->released[0] || !r->released[1] || !r->released[2])
		return lr__nomem(err);
	return LR_OK;
}

/* Table 2's columns: the areas (cents summed), released in km², then
** the counts of items destroyed. */
enum {
	T2_YEAR,
	T2_CANCELLED,
	T2_REDUCED,
	T2_CLEARED,
	T2_RELEASED,
	T2_RELEASED_KM2,
	T2_RECLASSIFIED,
	T2_AP,
	T2_AP_IMPROVISED,
	T2_AV,
	T2_ERW,
	T2_N
};

static int released_init(const lr_report *r, rtable *t2, lr_error *err)
{
	static const rcol_def cols[] = {
	        {"year", N_("Year"), "", RC_YEAR},
	        {"cancelled_m2", N_("Cancelled (NTS)"), "m²", RC_M2},
	        {"reduced_m2", N_("Reduced (TS)"), "m²", RC_M2},
	        {"cleared_m2", N_("Cleared"), "m²", RC_M2},
	        {"released_m2", N_("Released"), "m²", RC_M2},
	        {"released_km2", N_("Released"), "km²", RC_KM2},
	        {"reclassified_m2", N_("SHA reclassified as CHA"), "m²", RC_M2},
	        {"ap_mines", N_("AP mines destroyed"), N_("items"), RC_COUNT},
	        {"ap_improvised_mines", N_("Improvised AP mines destroyed"),
	         N_("items"), RC_COUNT},
	        {"av_mines", N_("AV mines destroyed"), N_("items"), RC_COUNT},
	        {"erw", N_("ERW destroyed"), N_("items"), RC_COUNT},
	};
	int rc = lr__rtable_init(
	        t2, "release_by_year",
	        _("Table 2. Land released by year and method, items destroyed"),
	        T2_N, err);
	return rc == LR_OK ? lr__rtable_cols(r, t2, cols, T2_N, err) : rc;
}

/* What reading release_by_year fills besides the report: the sums of
** table 2's columns (cents for areas, counts for items) and the regions'
** new land. */
typedef struct years_fill {
	lr_report *r;
	int64_t sum2[T2_N];
	new_land nl;
} years_fill;

/* The figures of row of table 2 from v (cents of areas, counts of
** items), released also in km². */
static void released_cells(rtable *t2, size_t row, const int64_t v[T2_N])
{
	for (int c = T2_CANCELLED; c < T2_N; c++)
		if (c != T2_RELEASED_KM2)
			lr__rtable_num(t2, row, c,
			               t2->cols[c].type == RC_M2
			                       ? lr__m2(v[c])
			                       : (double)v[c]);
	lr__rtable_num(t2, row, T2_RELEASED_KM2, lr__m2(v[T2_RELEASED]) / 1e6);
}

/*
** A TOTAL row of release_by_year (year index y): the national figures of
** the charts, a row of table 2, its sums and its new land.
*/
static int national_year(years_fill *fill, const lr_store_year *x, int y,
                         lr_error *err)
{
	lr_report *r = fill->r;
	rtable *t2 = &r->tables[T_RELEASED];
	r->new_land[y] = lr__m2(x->new_land);
	for (int m = 0; m < LR_N_METHODS; m++)
		r->released[m][y] = lr__m2(x->by_method[m]);
	r->remaining_end[y] = lr__m2(x->remaining_end);
	r->sha_end[y] = lr__m2(x->sha_end);
	r->cha_end[y] = lr__m2(x->cha_end);
	if (y < MAX_YEARS)
		fill->nl.total[y] = x->new_land;
	size_t row;
	int rc = lr__rtable_add_row(t2, &row, err);
	if (rc != LR_OK)
		return rc;
	lr__rtable_num(t2, row, T2_YEAR, x->year);
	const int64_t v[T2_N] = {[T2_CANCELLED] = x->by_method[LR_CANCELLED],
	                         [T2_REDUCED] = x->by_method[LR_REDUCED],
	                         [T2_CLEARED] = x->by_method[LR_CLEARED],
	                         [T2_RELEASED] = x->released,
	                         [T2_RECLASSIFIED] = x->reclassified,
	                         [T2_AP] = x->ap_mines,
	                         [T2_AP_IMPROVISED] = x->ap_improvised,
	                         [T2_AV] = x->av_mines,
	                         [T2_ERW] = x->erw};
	for (int c = T2_CANCELLED; c < T2_N; c++)
		fill->sum2[c] += v[c];
	released_cells(t2, row, v);
	return LR_OK;
}

/* A row of release_by_year within first_year..last_year: TOTAL rows into
** table 2 and the charts, regions' new land into fill->nl. */
static int year_row(void *user, const lr_store_year *x, lr_error *err)
{
	years_fill *fill = user;
	const lr_report *r = fill->r;
	if (x->year < r->first_year || x->year > r->last_year)
		return LR_OK;
	int y = x->year - r->first_year;
	if (!strcmp(x->region_id, LR_STORE_TOTAL_ID))
		return national_year(fill, x, y, err);
	return new_land_add(&fill->nl, x->region_id, y, x->new_land, err);
}

/* Table 2's TOTAL row from the sums of its years. */
static int released_total(rtable *t2, const int64_t sum2[T2_N], lr_error *err)
{
	size_t row;
	int rc = lr__rtable_add_row(t2, &row, err);
	if (rc != LR_OK)
		return rc;
	t2->total[row] = 1;
	rc = lr__rtable_text(t2, row, T2_YEAR, "TOTAL", err);
	released_cells(t2, row, sum2);
	return rc;
}

/* Table 3's columns: region, name, one per year, total in m² and km². */
static int new_init(const lr_report *r, rtable *t3, lr_error *err)
{
	int ny = r->n_years;
	int rc = lr__rtable_init(t3, "new_contamination",
	                         _("Table 3. New contamination found per "
	                           "year by region"),
	                         ny + 4, err);
	if (rc == LR_OK)
		rc = lr__rtable_col(t3, 0, "region_id", _("Region"), "",
		                    RC_TEXT, err);
	if (rc == LR_OK)
		rc = lr__rtable_col(t3, 1, "region_name", _("Name"), "",
		                    RC_TEXT, err);
	for (int y = 0; rc == LR_OK && y < ny; y++) {
		char key[16];
		snprintf(key, sizeof key, "%d", r->first_year + y);
		rc = lr__rtable_col(t3, 2 + y, key, key, "m²", RC_M2, err);
	}
	if (rc == LR_OK)
		rc = lr__rtable_col(t3, ny + 2, "total_m2", _("Total"), "m²",
		                    RC_M2, err);
	if (rc == LR_OK)
		rc = lr__rtable_col(t3, ny + 3, "total_km2", _("Total"), "km²",
		                    RC_KM2, err);
	return rc;
}

/* Table 3's rows from nl: a row per region, then TOTAL. */
static int new_rows(const lr_report *r, rtable *t3, const new_land *nl,
                    lr_error *err)
{
	int ny = r->n_years;
	int rc = LR_OK;
	for (size_t k = 0; rc == LR_OK && k <= nl->ids.len; k++) {
		size_t row;
		bool tot = k == nl->ids.len;
		const char *id = tot ? "TOTAL" : LR_VEC_AT(&nl->ids, char *, k);
		if ((rc = lr__rtable_add_row(t3, &row, err)) != LR_OK ||
		    (rc = lr__rtable_text(t3, row, 0, id, err)) != LR_OK ||
		    (rc = lr__rtable_text(t3, row, 1, lr__region_name(r, id),
		                          err)) != LR_OK)
			break;
		int64_t s = 0;
		for (int y = 0; y < ny; y++) {
			int64_t v = tot ? (y < MAX_YEARS ? nl->total[y] : 0)
			                : nl->cents[k * (size_t)ny + (size_t)y];
			lr__rtable_num(t3, row, 2 + y, lr__m2(v));
			s += v;
		}
		lr__rtable_num(t3, row, ny + 2, lr__m2(s));
		lr__rtable_num(t3, row, ny + 3, lr__m2(s) / 1e6);
		t3->total[row] = tot;
	}
	return rc;
}

/* Units and sources of tables 2 and 3; note (shared) says when the last
** year is cut at the as-of date. */
static int years_meta(lr_report *r, lr_error *err)
{
	char src[2048], units[1024], note[256] = "";
	store_source(r, "release_by_year", src, sizeof src);
	int ay = atoi(r->as_of);
	if (ay == r->last_year && strcmp(r->as_of + 4, "-12-31"))
		snprintf(note, sizeof note,
		         _("%d covers 1 January to the as-of date %s only."),
		         ay, lr__date(r, r->as_of).s);
	snprintf(units, sizeof units,
	         _("Areas %s; items destroyed are "
	           "counts, in the year of their release. Years %d-%d, as of "
	           "%s. Cancelled: non-technical survey; reduced: technical "
	           "survey."),
	         lr__areas_in(r), r->first_year, r->last_year,
	         lr__date(r, r->as_of).s);
	int rc = lr__rtable_meta(&r->tables[T_RELEASED], units, src, note, err);
	if (rc == LR_OK)
		rc = lr__rtable_add_note(
		        &r->tables[T_RELEASED],
		        _("SHA reclassified as CHA: suspected land confirmed "
		          "hazardous that year, neither new nor released. "
		          "Improvised AP mines are counted apart from AP "
		          "mines."),
		        err);
	if (rc != LR_OK)
		return rc;
	snprintf(units, sizeof units,
	         _("Land recorded as hazardous that was not hazardous "
	           "before (a second survey of hazardous land adds "
	           "nothing), %s, by year of the record; as of %s.%s"),
	         lr__areas_in(r), lr__date(r, r->as_of).s,
	         r->baseline[0] ? _(" Land recorded on or before the "
	                            "baseline date counts as baseline, "
	                            "not new.")
	                        : "");
	store_source(r, _("release_by_year (column new_m2)"), src, sizeof src);
	return lr__rtable_meta(&r->tables[T_NEW], units, src, note, err);
}

/* Per year (TOTAL rows) into the chart arrays and tables 2 and 3. */
int lr__load_years(lr_report *r, lr_store_reader *rd, lr_error *err)
{
	int rc = year_arrays(r, err);
	if (rc == LR_OK)
		rc = released_init(r, &r->tables[T_RELEASED], err);
	if (rc != LR_OK)
		return rc;
	years_fill fill = {.r = r, .nl = {.ny = r->n_years}};
	lr_vec_init(&fill.nl.ids, sizeof(char *));
	if ((rc = lr_store_read_release_table(rd, year_row, &fill, err)) ==
	            LR_OK &&
	    (rc = released_total(&r->tables[T_RELEASED], fill.sum2, err)) ==
	            LR_OK &&
	    (rc = new_init(r, &r->tables[T_NEW], err)) == LR_OK &&
	    (rc = new_rows(r, &r->tables[T_NEW], &fill.nl, err)) == LR_OK)
		rc = years_meta(r, err);
	new_land_free(&fill.nl);
	return rc;
}

/* Grow r->box to hold box (the first shape sets it). */
static void extend_box(lr_report *r, bool *first, const double box[4])
{
	if (*first)
		memcpy(r->box, box, sizeof r->box);
	*first = false;
	r->box[0] = fmin(r->box[0], box[0]);
	r->box[1] = fmin(r->box[1], box[1]);
	r->box[2] = fmax(r->box[2], box[2]);
	r->box[3] = fmax(r->box[3], box[3]);
}

/* The map being filled: whether a shape has set r->box yet. */
typedef struct shapes_fill {
	lr_report *r;
	bool first;
} shapes_fill;

/* A region outline onto its r->regions entry (the first one only; an
** unreadable outline leaves the region undrawn). */
static int region_shape(void *user, const lr_store_shape *x, lr_error *err)
{
	shapes_fill *fill = user;
	rregion *g = lr__find_region(fill->r, x->id);
	(void)err;
	if (!g || g->shape.n_pts)
		return LR_OK;
	if (lr__wkb_to_shape(x->wkb, x->size, &g->shape) != 0) {
		lr__shape_free(&g->shape);
		return LR_OK;
	}
	extend_box(fill->r, &fill->first, g->shape.box);
	return LR_OK;
}

/* A piece of hazardous land onto r->faces (unreadable ones are left out). */
static int land_shape(void *user, const lr_store_shape *x, lr_error *err)
{
	shapes_fill *fill = user;
	rface f = {x->type == LR_CHA, {0}};
	if (lr__wkb_to_shape(x->wkb, x->size, &f.shape) != 0) {
		lr__shape_free(&f.shape);
		return LR_OK;
	}
	extend_box(fill->r, &fill->first, f.shape.box);
	if (!lr_vec_push(&fill->r->faces, &f)) {
		lr__shape_free(&f.shape);
		return lr__nomem(err);
	}
	return LR_OK;
}

int lr__load_shapes(lr_report *r, lr_store_reader *rd, lr_error *err)
{
	lr_error why = {0};
	if (lr_store_reader_spatial(rd, &why) != LR_OK) {
		/* The report's documents say why without the store's path. */
		const char *m = why.msg;
		size_t k = strlen(r->store);
		if (!strncmp(m, r->store, k) && !strncmp(m + k, ": ", 2))
			m += k + 2;
		return lr__report_note(r, err, _("The map is omitted: %s"), m);
	}
	shapes_fill fill = {r, true};
	int rc = lr_store_read_region_shapes(rd, region_shape, &fill, err);
	/* The faces of the ledger; without them (analyze --no-faces) whole
	** hazards with land remaining. */
	if (rc == LR_OK)
		rc = lr_store_read_land_shapes(rd, false, land_shape, &fill,
		                               err);
	if (rc == LR_OK && r->faces.len == 0) {
		rc = lr_store_read_land_shapes(rd, true, land_shape, &fill,
		                               err);
		if (rc == LR_OK && r->faces.len)
			rc = lr__report_note(
			        r, err, "%s",
			        _("The store holds no face geometries: "
			          "the map draws whole hazards with "
			          "land remaining."));
	}
	r->has_geometry = !fill.first;
	return rc;
}
