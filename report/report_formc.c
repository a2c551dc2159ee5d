/*
** Annex B, the Article 7 Form C list: one row per hazardous area still
** holding land, from the store's form_c.  The workbook, Markdown and JSON
** list every area; HTML and PDF print the first ones and say where the
** rest are, so that a country of thousands of areas keeps a readable
** report.
*/
#include "report_i18n.h"
#include "report_load_int.h"

#include <string.h>

/* Rows of the list HTML and PDF print. */
enum { FORM_C_PRINTED = 200 };

enum {
	FC_ID,
	FC_REGION,
	FC_NAME,
	FC_TYPE,
	FC_CONTAMINATION,
	FC_RECORDED,
	FC_REMAINING,
	FC_LON,
	FC_LAT,
	FC_N
};

/* The list being filled, with its sum in cents. */
typedef struct form_c_fill {
	lr_report *r;
	int64_t total;
} form_c_fill;

static int form_c_row(void *user, const lr_store_form_c *x, lr_error *err)
{
	form_c_fill *fill = user;
	rtable *t = &fill->r->tables[T_FORM_C];
	const char *text[FC_REMAINING] = {
	        x->hazard_id,
	        x->region_id,
	        lr__region_name(fill->r, x->region_id),
	        x->type,
	        x->contamination,
	        x->recorded_date};
	size_t row;
	int rc = lr__rtable_add_row(t, &row, err);
	for (int c = 0; rc == LR_OK && c < FC_REMAINING; c++)
		rc = lr__rtable_text(t, row, c, text[c], err);
	lr__rtable_num(t, row, FC_REMAINING, lr__m2(x->remaining));
	lr__rtable_num(t, row, FC_LON, x->lon);
	lr__rtable_num(t, row, FC_LAT, x->lat);
	fill->total += x->remaining;
	return rc;
}

/* The TOTAL row: the sum of the areas, which is the national remaining. */
static int form_c_total(rtable *t, int64_t total, lr_error *err)
{
	size_t row;
	int rc = lr__rtable_add_row(t, &row, err);
	if (rc == LR_OK)
		rc = lr__rtable_text(t, row, FC_ID, "TOTAL", err);
	lr__rtable_num(t, row, FC_REMAINING, lr__m2(total));
	t->total[row] = 1;
	return rc;
}

static int form_c_meta(lr_report *r, rtable *t, lr_error *err)
{
	char units[1024], note[512] = "";
	snprintf(units, sizeof units,
	         _("One row per hazardous area still holding land at %s; "
	           "remaining land %s. Land covered by several areas belongs "
	           "to the one whose record made it hazardous, so the list "
	           "adds up to the national remaining. Longitude and "
	           "latitude (WGS84, degrees) of a point inside the area's "
	           "land."),
	         r->as_of, lr__areas_in(r));
	size_t n = t->n_rows - 1;
	if (n > FORM_C_PRINTED) {
		t->printed = FORM_C_PRINTED;
		snprintf(note, sizeof note,
		         _("The report prints the first %s of the %s areas; "
		           "request_tables.xlsx (sheet B Form C), "
		           "request_tables.md, request_tables.json and "
		           "form_c.csv list them all."),
		         lr__count(r, FORM_C_PRINTED).s,
		         lr__count(r, (long long)n).s);
	}
	return lr__rtable_meta(
	        t, units,
	        _("landrelease.sqlite, table form_c (= form_c.csv, landrelease "
	          "analyze)"),
	        note, err);
}

int lr__load_form_c(lr_report *r, lr_store_reader *rd, lr_error *err)
{
	static const rcol_def cols[FC_N] = {
	        {"hazard_id", N_("Area"), "", RC_TEXT},
	        {"region_id", N_("Region"), "", RC_TEXT},
	        {"region_name", N_("Name"), "", RC_TEXT},
	        {"type", N_("Type"), "", RC_TEXT},
	        {"contamination", N_("Contamination"), "", RC_TEXT},
	        {"recorded_date", N_("Recorded"), "date", RC_DATE},
	        {"remaining_m2", N_("Remaining"), "m²", RC_M2},
	        {"lon", N_("Longitude"), "°", RC_COORD},
	        {"lat", N_("Latitude"), "°", RC_COORD},
	};
	rtable *t = &r->tables[T_FORM_C];
	int rc = lr__rtable_init(t, "form_c",
	                         _("Annex B. Article 7 Form C: hazardous areas "
	                           "still holding land"),
	                         FC_N, err);
	if (rc == LR_OK)
		rc = lr__rtable_cols(r, t, cols, FC_N, err);
	form_c_fill fill = {r, 0};
	if (rc == LR_OK)
		rc = lr_store_read_form_c(rd, form_c_row, &fill, err);
	if (rc == LR_OK)
		rc = form_c_total(t, fill.total, err);
	if (rc == LR_OK)
		rc = form_c_meta(r, t, err);
	r->present[T_FORM_C] = rc == LR_OK;
	return rc;
}
