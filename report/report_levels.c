/*
** Every region level in the report: when the regions name parents
** (districts in provinces), analyze stores remaining_by_level and
** release_by_year_by_level, and the report's main body gives its figures
** by region of the top level (tables 1 and 3, the summary), the districts
** in annex C and the levels between in annex D.  With one level the report
** is as it was.
*/
#include "report_i18n.h"
#include "report_load_int.h"

#include <stdlib.h>
#include <string.h>

/* Levels loaded from the store, then the tables made of them. */
typedef struct levels_fill {
	lr_report *r;
	bool total; /* the TOTAL row was read */
} levels_fill;

void lr__report_levels_free(lr_report *r)
{
	for (size_t i = 0; i < r->levels.len; i++) {
		rlevel *x = &LR_VEC_AT(&r->levels, rlevel, i);
		free(x->id);
		free(x->name);
		free(x->parent_id);
		free(x->new_by_year);
	}
	lr_vec_free(&r->levels);
	for (size_t i = 0; i < r->top.len; i++) {
		rregion *g = &LR_VEC_AT(&r->top, rregion, i);
		free(g->id);
		free(g->name);
	}
	lr_vec_free(&r->top);
}

/* The row of region id at level (0: TOTAL), or NULL. */
static rlevel *find_level(const lr_report *r, int level, const char *id)
{
	for (size_t i = 0; i < r->levels.len; i++) {
		rlevel *x = &LR_VEC_AT(&r->levels, rlevel, i);
		if (x->level == level && !strcmp(x->id, id))
			return x;
	}
	return NULL;
}

/* The name people read for a row: the catalogue's for TOTAL and OUTSIDE,
** else the store's (a parent the regions layer does not hold is named by
** its id there). */
static const char *level_name(const lr_report *r, const lr_store_level *x)
{
	const char *id = x->row.region_id;
	if (!strcmp(id, "TOTAL") || !strcmp(id, "OUTSIDE"))
		return lr__region_name(r, id);
	return x->row.region_name;
}

static int level_row(void *user, const lr_store_level *x, lr_error *err)
{
	levels_fill *fill = user;
	lr_report *r = fill->r;
	rlevel v = {.level = x->level,
	            .count = x->row.total_count,
	            .sha = lr__m2(x->row.sha),
	            .cha = lr__m2(x->row.cha),
	            .total = lr__m2(x->row.total)};
	v.id = lr_strdup(x->row.region_id);
	v.name = lr_strdup(level_name(r, x));
	v.parent_id = lr_strdup(x->parent_id);
	v.new_by_year = lr_xcalloc((size_t)r->n_years + 1, sizeof(double));
	if (!v.id || !v.name || !v.parent_id || !v.new_by_year ||
	    !lr_vec_push(&r->levels, &v)) {
		free(v.id);
		free(v.name);
		free(v.parent_id);
		free(v.new_by_year);
		return lr__nomem(err);
	}
	if (x->level > r->n_levels)
		r->n_levels = x->level;
	fill->total |= x->level == 0;
	return LR_OK;
}

/* A year of a region of one level: new and released land summed over the
** years of the report, the land at the start of its first year. */
static int level_year(void *user, const lr_store_level_year *x, lr_error *err)
{
	levels_fill *fill = user;
	const lr_report *r = fill->r;
	const lr_store_year *y = &x->row;
	(void)err;
	if (y->year < r->first_year || y->year > r->last_year)
		return LR_OK;
	rlevel *v = find_level(r, x->level, y->region_id);
	if (!v)
		return LR_OK; /* a region no land was ever counted in */
	v->new_land += lr__m2(y->new_land);
	v->released += lr__m2(y->released);
	v->new_by_year[y->year - r->first_year] += lr__m2(y->new_land);
	if (y->year == r->first_year)
		v->start = lr__m2(y->remaining_end - y->new_land + y->released);
	return LR_OK;
}

/* The columns of the level tables; the top level's table leaves out the
** first two. */
enum {
	LV_LEVEL,
	LV_PARENT,
	LV_ID,
	LV_NAME,
	LV_START,
	LV_NEW,
	LV_RELEASED,
	LV_SHA,
	LV_CHA,
	LV_COUNT,
	LV_TOTAL,
	LV_TOTAL_KM2,
	LV_N
};

static const rcol_def level_cols[LV_N] = {
        {"level", N_("Level"), "", RC_YEAR},
        {"parent_name", N_("Part of"), "", RC_TEXT},
        {"region_id", N_("Region"), "", RC_TEXT},
        {"region_name", N_("Name"), "", RC_TEXT},
        {"start_m2", N_("At the start"), "m²", RC_M2},
        {"new_m2", N_("New"), "m²", RC_M2},
        {"released_m2", N_("Released"), "m²", RC_M2},
        {"sha_m2", N_("SHA area"), "m²", RC_M2},
        {"cha_m2", N_("CHA area"), "m²", RC_M2},
        {"total_count", N_("Areas"), "", RC_COUNT},
        {"total_m2", N_("Remaining"), "m²", RC_M2},
        {"total_km2", N_("Remaining"), "km²", RC_KM2},
};

/* The name of region id at level, for the column "Part of". */
static const char *parent_name(const lr_report *r, const rlevel *x)
{
	const rlevel *p = x->parent_id[0]
	                          ? find_level(r, x->level - 1, x->parent_id)
	                          : NULL;
	return p ? p->name : x->parent_id;
}

/* x as a row of t, whose columns are level_cols from first on. */
static int level_table_row(const lr_report *r, rtable *t, int first,
                           const rlevel *x, lr_error *err)
{
	size_t row;
	int rc = lr__rtable_add_row(t, &row, err);
	const double v[LV_N] = {[LV_LEVEL] = x->level,
	                        [LV_START] = x->start,
	                        [LV_NEW] = x->new_land,
	                        [LV_RELEASED] = x->released,
	                        [LV_SHA] = x->sha,
	                        [LV_CHA] = x->cha,
	                        [LV_COUNT] = (double)x->count,
	                        [LV_TOTAL] = x->total,
	                        [LV_TOTAL_KM2] = x->total / 1e6};
	const char *s[LV_N] = {[LV_PARENT] = parent_name(r, x),
	                       [LV_ID] = x->id,
	                       [LV_NAME] = x->name};
	for (int c = first; rc == LR_OK && c < LV_N; c++) {
		if (c == LV_LEVEL && x->level == 0)
			continue; /* TOTAL stands at no level */
		if (level_cols[c].type == RC_TEXT)
			rc = lr__rtable_text(t, row, c - first, s[c], err);
		else
			lr__rtable_num(t, row, c - first, v[c]);
	}
	if (rc == LR_OK)
		t->total[row] = x->level == 0;
	return rc;
}

/* Table k, named id: the rows of every level (top_only: of the top level,
** OUTSIDE and TOTAL), with the columns of level_cols from first on. */
static int level_table(lr_report *r, int k, const char *id, const char *title,
                       int first, bool top_only, lr_error *err)
{
	rtable *t = &r->tables[k];
	int rc = lr__rtable_init(t, id, title, LV_N - first, err);
	if (rc == LR_OK)
		rc = lr__rtable_cols(r, t, level_cols + first, LV_N - first,
		                     err);
	/* With a baseline the land at the start is the baseline's. */
	if (rc == LR_OK && r->baseline[0])
		rc = lr__rtable_col(t, LV_START - first, "baseline_m2",
		                    _("Baseline"), "m²", RC_M2, err);
	for (size_t i = 0; rc == LR_OK && i < r->levels.len; i++) {
		const rlevel *x = &LR_VEC_AT(&r->levels, rlevel, i);
		if (!top_only || x->level <= 1)
			rc = level_table_row(r, t, first, x, err);
	}
	r->present[k] = rc == LR_OK;
	return rc;
}

/* Units and source of the level tables: what "at the start" is. */
static int level_meta(lr_report *r, rtable *t, const char *note, lr_error *err)
{
	char units[1024], start[512];
	if (r->baseline[0])
		snprintf(start, sizeof start,
		         _("Baseline: hazardous land at the baseline date %s; "
		           "new and released land after it"),
		         lr__date(r, r->baseline).s);
	else
		snprintf(start, sizeof start,
		         _("At the start: hazardous land before %d, the year "
		           "of the first record (none: all land recorded since "
		           "is new); new and released land from then"),
		         r->first_year);
	snprintf(
	        units, sizeof units,
	        _("Areas %s, on the WGS84 ellipsoid. %s, to the as-of date %s; "
	          "remaining land, by type, and the hazardous areas holding "
	          "it, at the as-of date (start + new - released = "
	          "remaining). A hazardous area across two regions of one "
	          "parent counts once in the parent."),
	        lr__areas_in(r), start, lr__date(r, r->as_of).s);
	return lr__rtable_meta(
	        t, units,
	        _("landrelease.sqlite, tables remaining_by_level and "
	          "release_by_year_by_level (= the CSVs of landrelease "
	          "analyze)"),
	        note, err);
}

/* Rows of the levels above the regions (they come first): what the
** report prints of the table of every level. */
static size_t upper_rows(const lr_report *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->levels.len; i++)
		n += LR_VEC_AT(&r->levels, rlevel, i).level < r->n_levels &&
		     LR_VEC_AT(&r->levels, rlevel, i).level > 0;
	return n;
}

/* Table 3 by region of the top level: new land per year. */
static int new_top(lr_report *r, lr_error *err)
{
	rtable *t = &r->tables[T_NEW_LEVEL];
	const rtable *t3 = &r->tables[T_NEW];
	int ny = r->n_years,
	    rc = lr__rtable_init(t, "new_contamination_top",
	                         _("Table 3. New contamination found per "
	                           "year by region of the top level"),
	                         t3->n_cols, err);
	for (int c = 0; rc == LR_OK && c < t3->n_cols; c++)
		rc = lr__rtable_col(t, c, t3->cols[c].key, t3->cols[c].label,
		                    t3->cols[c].unit, t3->cols[c].type, err);
	for (size_t i = 0; rc == LR_OK && i < r->levels.len; i++) {
		const rlevel *x = &LR_VEC_AT(&r->levels, rlevel, i);
		size_t row;
		if (x->level > 1 || (rc = lr__rtable_add_row(t, &row, err)) ||
		    (rc = lr__rtable_text(t, row, 0, x->id, err)) ||
		    (rc = lr__rtable_text(t, row, 1, x->name, err)))
			continue;
		for (int y = 0; y < ny; y++)
			lr__rtable_num(t, row, 2 + y, x->new_by_year[y]);
		lr__rtable_num(t, row, ny + 2, x->new_land);
		lr__rtable_num(t, row, ny + 3, x->new_land / 1e6);
		t->total[row] = x->level == 0;
	}
	if (rc == LR_OK)
		rc = lr__rtable_meta(t, t3->units, t3->source, t3->note, err);
	r->present[T_NEW_LEVEL] = rc == LR_OK;
	return rc;
}

/* The regions of the top level, for the summary's sentences. */
static int top_regions(lr_report *r, lr_error *err)
{
	for (size_t i = 0; i < r->levels.len; i++) {
		const rlevel *x = &LR_VEC_AT(&r->levels, rlevel, i);
		if (x->level != 1 || !strcmp(x->id, "OUTSIDE"))
			continue;
		rregion g = {.count = x->count, .remaining = x->total};
		g.id = lr_strdup(x->id);
		g.name = lr_strdup(x->name);
		if (!g.id || !g.name || !lr_vec_push(&r->top, &g)) {
			free(g.id);
			free(g.name);
			return lr__nomem(err);
		}
	}
	return LR_OK;
}

/* The tables of the levels: table 1 and 3 at the top level for the
** report, every level for the pack (its upper levels in the report). */
static int level_tables(lr_report *r, lr_error *err)
{
	char note[512];
	int rc = level_table(r, T_LEVEL_TOP, "remaining_by_level_top",
	                     _("Table 1. Remaining contamination by region of "
	                       "the top level"),
	                     LV_ID, true, err);
	if (rc == LR_OK)
		rc = level_meta(r, &r->tables[T_LEVEL_TOP],
		                _("Annex C lists every region of the lowest "
		                  "level."),
		                err);
	if (rc == LR_OK)
		rc = level_table(r, T_LEVELS, "remaining_by_level",
		                 _("Annex D. Land at every region level"),
		                 LV_LEVEL, false, err);
	snprintf(note, sizeof note, "%s",
	         _("The report prints the levels above the lowest; "
	           "request_tables.xlsx, request_tables.md, "
	           "request_tables.json and remaining_by_level.csv list "
	           "every level."));
	if (rc == LR_OK)
		rc = level_meta(r, &r->tables[T_LEVELS], note, err);
	r->tables[T_LEVELS].printed = upper_rows(r);
	r->tables[T_LEVEL_TOP].report_only = true;
	if (rc == LR_OK)
		rc = new_top(r, err);
	r->tables[T_NEW_LEVEL].report_only = true;
	r->tables[T_NEW].pack_only = true;
	return rc == LR_OK ? top_regions(r, err) : rc;
}

int lr__load_levels(lr_report *r, lr_store_reader *rd, lr_error *err)
{
	bool present = false, years = false;
	levels_fill fill = {r, false};
	int rc = lr_store_read_levels(rd, &present, level_row, &fill, err);
	if (rc == LR_OK && present)
		rc = lr_store_read_level_years(rd, &years, level_year, &fill,
		                               err);
	if (rc != LR_OK || !present)
		return rc;
	if (!years || !fill.total || r->n_levels < 2) {
		/* One level, or a store short of a table: as without levels. */
		r->n_levels = 0;
		return LR_OK;
	}
	return level_tables(r, err);
}
