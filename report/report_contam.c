/*
** Remaining land by contamination: the land of each region of table 1
** (the top level when regions have parents) under AP mines, AV mines, ERW,
** or records of more than one of them (mixed), from the contamination
** columns of remaining_by_region or remaining_by_level.  The four parts
** add up to the region's remaining land.
*/
#include "report_i18n.h"
#include "report_load_int.h"
#include "schema.h"

#include <string.h>

/* Rows HTML and PDF print when table 1 is condensed (many regions). */
enum { CONTAM_PRINTED = 25 };

enum { CT_ID, CT_NAME, CT_AP, CT_AV, CT_ERW, CT_MIXED, CT_TOTAL, CT_N };

static int contam_row(lr_report *r, const lr_store_remaining *x,
                      const char *name, lr_error *err)
{
	rtable *t = &r->tables[T_CONTAMINATION];
	const double v[CT_N] = {[CT_AP] = lr__m2(x->ap),
	                        [CT_AV] = lr__m2(x->av),
	                        [CT_ERW] = lr__m2(x->erw_land),
	                        [CT_MIXED] = lr__m2(x->mixed),
	                        [CT_TOTAL] = lr__m2(x->total)};
	size_t row;
	int rc = lr__rtable_add_row(t, &row, err);
	if (rc == LR_OK)
		rc = lr__rtable_text(t, row, CT_ID, x->region_id, err);
	if (rc == LR_OK)
		rc = lr__rtable_text(t, row, CT_NAME, name, err);
	for (int c = CT_AP; c < CT_N; c++)
		lr__rtable_num(t, row, c, v[c]);
	t->total[row] = !strcmp(x->region_id, LR_STORE_TOTAL_ID);
	return rc;
}

/* A row of remaining_by_region: every region, OUTSIDE and TOTAL. */
static int region_row(void *user, const lr_store_remaining *x, lr_error *err)
{
	lr_report *r = user;
	return contam_row(r, x, lr__remaining_name(r, x), err);
}

/* A row of remaining_by_level: the top level's regions and TOTAL. */
static int level_row(void *user, const lr_store_level *x, lr_error *err)
{
	lr_report *r = user;
	const char *id = x->row.region_id;
	if (x->level > 1)
		return LR_OK;
	bool own = !strcmp(id, LR_STORE_TOTAL_ID) || !strcmp(id, "OUTSIDE");
	return contam_row(r, &x->row,
	                  own ? lr__region_name(r, id) : x->row.region_name,
	                  err);
}

static int contam_meta(lr_report *r, rtable *t, lr_error *err)
{
	char units[1024], note[512] = "";
	snprintf(units, sizeof units,
	         _("Remaining land %s at %s, by the contamination of the "
	           "records that make it hazardous: AP (antipersonnel mines), "
	           "AV (antivehicle mines), ERW (explosive remnants of war); "
	           "land under records of more than one is mixed. AP + AV + "
	           "ERW + mixed = total."),
	         lr__areas_in(r), lr__date(r, r->as_of).s);
	if (r->n_levels < 2 && lr__many_regions(r)) {
		t->printed = CONTAM_PRINTED;
		snprintf(note, sizeof note,
		         _("The report prints the first %s of the %s regions; "
		           "request_tables.xlsx, request_tables.md, "
		           "request_tables.json and remaining_by_region.csv "
		           "list them all."),
		         lr__count(r, CONTAM_PRINTED).s,
		         lr__count(r, (long long)r->regions.len).s);
	}
	return lr__rtable_meta(
	        t, units,
	        r->n_levels >= 2
	                ? _("landrelease.sqlite, table remaining_by_level, "
	                    "columns ap_m2, av_m2, erw_m2, mixed_m2 (= "
	                    "remaining_by_level.csv)")
	                : _("landrelease.sqlite, table remaining_by_region, "
	                    "columns ap_m2, av_m2, erw_m2, mixed_m2 (= "
	                    "remaining_by_region.csv)"),
	        note, err);
}

int lr__load_contamination(lr_report *r, lr_store_reader *rd, lr_error *err)
{
	static const rcol_def cols[CT_N] = {
	        {"region_id", N_("Region"), "", RC_TEXT},
	        {"region_name", N_("Name"), "", RC_TEXT},
	        {"ap_m2", N_("AP"), "m²", RC_M2},
	        {"av_m2", N_("AV"), "m²", RC_M2},
	        {"erw_m2", N_("ERW"), "m²", RC_M2},
	        {"mixed_m2", N_("Mixed"), "m²", RC_M2},
	        {"total_m2", N_("Total area"), "m²", RC_M2},
	};
	rtable *t = &r->tables[T_CONTAMINATION];
	bool present = false;
	int rc = lr__rtable_init(t, "remaining_by_contamination",
	                         _("Table 1b. Remaining land by contamination"),
	                         CT_N, err);
	if (rc == LR_OK)
		rc = lr__rtable_cols(r, t, cols, CT_N, err);
	if (rc == LR_OK && r->n_levels >= 2)
		rc = lr_store_read_levels(rd, &present, level_row, r, err);
	else if (rc == LR_OK)
		rc = lr_store_read_remaining_table(rd, region_row, r, err);
	if (rc == LR_OK)
		rc = contam_meta(r, t, err);
	r->present[T_CONTAMINATION] = rc == LR_OK;
	return rc;
}
