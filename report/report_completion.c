/*
** Annex E, the declaration of completion: where the nation and each region
** stand once land in scope has fallen to zero, the land released in the
** years before and since, and the previously unknown mined areas recorded
** after completion.  Every figure is the store's (completion_by_region,
** completion_releases, previously_unknown: analyze computes them from the
** ledger); this file only lays them out and says what they mean.
*/
#include "report_i18n.h"
#include "report_load_int.h"

#include <string.h>

/* Rows of the two lists HTML and PDF print. */
enum { DECL_PRINTED = 200 };

enum {
	DS_REGION,
	DS_NAME,
	DS_STATUS,
	DS_COMPLETED,
	DS_LAST,
	DS_UNKNOWN_N,
	DS_UNKNOWN,
	DS_REMAINING,
	DS_N
};
enum {
	DR_RELEASE,
	DR_HAZARD,
	DR_REGION,
	DR_NAME,
	DR_METHOD,
	DR_DATE,
	DR_RELEASED,
	DR_N
};
enum {
	DU_HAZARD,
	DU_REGION,
	DU_NAME,
	DU_TYPE,
	DU_CONTAMINATION,
	DU_RECORDED,
	DU_LAND,
	DU_REMAINING,
	DU_RELEASED_ON,
	DU_N
};

/* What the store says of the nation, and the rows being filled. */
typedef struct decl_fill {
	lr_report *r;
	lr_store_completion nation; /* strings copied below */
	char completed[16], last[16], status[16];
	bool has_nation;
	size_t complete_regions;
	int64_t released, unknown_land, unknown_left; /* cents */
} decl_fill;

/* A status word of completion_by_region, for people. */
static const char *status_text(const lr_report *r, const char *status)
{
	if (!strcmp(status, "complete"))
		return _("complete");
	if (!strcmp(status, "not_complete"))
		return _("not complete");
	return _("no land in scope");
}

/* A method of release, for people. */
static const char *method_text(const lr_report *r, const char *method)
{
	if (!strcmp(method, "cleared"))
		return _("cleared");
	if (!strcmp(method, "reduced"))
		return _("reduced");
	if (!strcmp(method, "cancelled"))
		return _("cancelled");
	return method;
}

/* Texts into row's cells from column 0; LR_OK or LR_ERR_NOMEM. */
static int row_texts(rtable *t, size_t row, const char *const *text, int n,
                     lr_error *err)
{
	int rc = LR_OK;
	for (int c = 0; rc == LR_OK && c < n; c++)
		rc = lr__rtable_text(t, row, c, text[c], err);
	return rc;
}

/* A region's line: regions complete, or holding previously unknown land;
** the nation's row last (kept apart until every region is in). */
static int on_region(void *user, const lr_store_completion *x, lr_error *err)
{
	decl_fill *f = user;
	if (!strcmp(x->region_id, "TOTAL")) {
		f->nation = *x;
		snprintf(f->completed, sizeof f->completed, "%s",
		         x->completed_on);
		snprintf(f->last, sizeof f->last, "%s", x->last_release);
		snprintf(f->status, sizeof f->status, "%s", x->status);
		f->nation.status = f->status;
		f->nation.region_id = f->nation.region_name = "";
		f->nation.completed_on = f->completed;
		f->nation.last_release = f->last;
		f->has_nation = true;
		return LR_OK;
	}
	bool complete = !strcmp(x->status, "complete");
	f->complete_regions += complete;
	if (!complete && x->unknown_count == 0)
		return LR_OK;
	rtable *t = &f->r->tables[T_DECLARATION];
	const char *text[DS_UNKNOWN_N] = {
	        x->region_id, lr__region_name(f->r, x->region_id),
	        status_text(f->r, x->status), x->completed_on, x->last_release};
	size_t row;
	int rc = lr__rtable_add_row(t, &row, err);
	if (rc == LR_OK)
		rc = row_texts(t, row, text, DS_UNKNOWN_N, err);
	lr__rtable_num(t, row, DS_UNKNOWN_N, (double)x->unknown_count);
	lr__rtable_num(t, row, DS_UNKNOWN, lr__m2(x->unknown));
	lr__rtable_num(t, row, DS_REMAINING, lr__m2(x->remaining));
	return rc;
}

static int on_release(void *user, const lr_store_completion_release *x,
                      lr_error *err)
{
	decl_fill *f = user;
	rtable *t = &f->r->tables[T_DECL_RELEASES];
	const char *text[DR_RELEASED] = {x->release_id,
	                                 x->hazard_id,
	                                 x->region_id,
	                                 lr__region_name(f->r, x->region_id),
	                                 method_text(f->r, x->method),
	                                 x->release_date};
	size_t row;
	int rc = lr__rtable_add_row(t, &row, err);
	if (rc == LR_OK)
		rc = row_texts(t, row, text, DR_RELEASED, err);
	lr__rtable_num(t, row, DR_RELEASED, lr__m2(x->released));
	f->released += x->released;
	return rc;
}

static int on_unknown(void *user, const lr_store_unknown *x, lr_error *err)
{
	decl_fill *f = user;
	rtable *t = &f->r->tables[T_DECL_UNKNOWN];
	const char *text[DU_LAND] = {x->hazard_id,
	                             x->region_id,
	                             lr__region_name(f->r, x->region_id),
	                             x->type,
	                             x->contamination,
	                             x->recorded_date};
	size_t row;
	int rc = lr__rtable_add_row(t, &row, err);
	if (rc == LR_OK)
		rc = row_texts(t, row, text, DU_LAND, err);
	lr__rtable_num(t, row, DU_LAND, lr__m2(x->recorded));
	lr__rtable_num(t, row, DU_REMAINING, lr__m2(x->remaining));
	if (rc == LR_OK)
		rc = lr__rtable_text(t, row, DU_RELEASED_ON, x->released_on,
		                     err);
	f->unknown_land += x->recorded;
	f->unknown_left += x->remaining;
	return rc;
}

/* A TOTAL row: label in column 0, the areas given (column, cents). */
static int total_row(rtable *t, int n, const int *cols, const int64_t *cents,
                     lr_error *err)
{
	size_t row;
	int rc = lr__rtable_add_row(t, &row, err);
	if (rc == LR_OK)
		rc = lr__rtable_text(t, row, 0, "TOTAL", err);
	for (int i = 0; i < n; i++)
		lr__rtable_num(t, row, cols[i], lr__m2(cents[i]));
	t->total[row] = 1;
	return rc;
}

/* The nation's row of table E1, after its regions. */
static int nation_row(decl_fill *f, lr_error *err)
{
	const lr_store_completion *x = &f->nation;
	rtable *t = &f->r->tables[T_DECLARATION];
	const char *text[DS_UNKNOWN_N] = {
	        "TOTAL", lr__region_name(f->r, "TOTAL"),
	        status_text(f->r, x->status), x->completed_on, x->last_release};
	size_t row;
	int rc = lr__rtable_add_row(t, &row, err);
	if (rc == LR_OK)
		rc = row_texts(t, row, text, DS_UNKNOWN_N, err);
	lr__rtable_num(t, row, DS_UNKNOWN_N, (double)x->unknown_count);
	lr__rtable_num(t, row, DS_UNKNOWN, lr__m2(x->unknown));
	lr__rtable_num(t, row, DS_REMAINING, lr__m2(x->remaining));
	t->total[row] = 1;
	return rc;
}

/* What annex E says of the nation, as the note of table E1. */
static void nation_statement(const decl_fill *f, char *buf, size_t n)
{
	const lr_report *r = f->r;
	const lr_store_completion *x = &f->nation;
	char a[64], b[64];
	if (!x->completed_on[0]) {
		snprintf(
		        buf, n,
		        _("Land in scope remains (%s as of %s): the country "
		          "has not reached completion. Regions holding no more "
		          "hazardous land in scope: %zu, each listed with the "
		          "date its last area was released."),
		        lr__fmt_area(r, lr__m2(x->remaining), a),
		        lr__date(r, r->as_of).s, f->complete_regions);
	} else if (x->remaining > 0) {
		snprintf(buf, n,
		         _("Completion was reached on %s, when the last area "
		           "then known was released. Since then %lld "
		           "previously unknown mined areas (%s) were recorded "
		           "and %s remain as of %s: the country is not "
		           "complete at that date. The States Parties decided "
		           "that such areas are reported to all States Parties "
		           "at once and cleared as soon as possible (table "
		           "E3)."),
		         lr__date(r, x->completed_on).s,
		         (long long)x->unknown_count,
		         lr__fmt_area(r, lr__m2(x->unknown), a),
		         lr__fmt_area(r, lr__m2(x->remaining), b),
		         lr__date(r, r->as_of).s);
	} else if (x->unknown_count > 0) {
		snprintf(
		        buf, n,
		        _("No hazardous land in scope remains as of %s. "
		          "Completion was first reached on %s; %lld previously "
		          "unknown mined areas (%s) recorded since were "
		          "released too, the last area on %s (table E3)."),
		        lr__date(r, r->as_of).s, lr__date(r, x->completed_on).s,
		        (long long)x->unknown_count,
		        lr__fmt_area(r, lr__m2(x->unknown), a),
		        lr__date(r, x->last_release).s);
	} else {
		snprintf(buf, n,
		         _("No hazardous land in scope remains as of %s: "
		           "completion was reached on %s, the date the last "
		           "area was released. No area was recorded since."),
		         lr__date(r, r->as_of).s,
		         lr__date(r, x->completed_on).s);
	}
}

/* Cut a long list in HTML and PDF, saying where the whole is. */
static int cut_long(const lr_report *r, rtable *t, const char *sheet,
                    const char *csv, lr_error *err)
{
	size_t n = t->n_rows - 1; /* the TOTAL row */
	if (n <= DECL_PRINTED)
		return LR_OK;
	char note[512];
	t->printed = DECL_PRINTED;
	snprintf(note, sizeof note,
	         _("The report prints the first %d of the %zu rows; "
	           "request_tables.xlsx (sheet %s), request_tables.md, "
	           "request_tables.json and %s list them all."),
	         DECL_PRINTED, n, _(sheet), csv);
	return lr__rtable_add_note(t, note, err);
}

static int status_meta(decl_fill *f, lr_error *err)
{
	lr_report *r = f->r;
	rtable *t = &r->tables[T_DECLARATION];
	char units[1024], note[1024];
	snprintf(units, sizeof units,
	         _("Areas %s. A region is complete when it holds no hazardous "
	           "land in scope; its date is the day its last area was "
	           "released. The country's completion is the first day its "
	           "land in scope fell to zero; areas recorded after it are "
	           "previously unknown areas."),
	         lr__areas_in(r));
	nation_statement(f, note, sizeof note);
	int rc = lr__rtable_meta(
	        t, units,
	        _("landrelease.sqlite, table completion_by_region (= "
	          "completion_by_region.csv, landrelease analyze)"),
	        note, err);
	return rc == LR_OK ? cut_long(r, t, N_("E1 Completion"),
	                              "completion_by_region.csv", err)
	                   : rc;
}

static int releases_meta(decl_fill *f, lr_error *err)
{
	lr_report *r = f->r;
	rtable *t = &r->tables[T_DECL_RELEASES];
	char units[1024];
	snprintf(units, sizeof units,
	         _("Every release of hazardous land in scope from %d years "
	           "before completion (%s) to %s, by date, with its method; "
	           "land released %s. Land released more than once is "
	           "counted once, under the most thorough method."),
	         LR_COMPLETION_YEARS, lr__date(r, f->nation.completed_on).s,
	         lr__date(r, r->as_of).s, lr__areas_in(r));
	int rc = lr__rtable_meta(
	        t, units,
	        _("landrelease.sqlite, table completion_releases (= "
	          "completion_releases.csv, landrelease analyze)"),
	        "", err);
	return rc == LR_OK ? cut_long(r, t, N_("E2 Released"),
	                              "completion_releases.csv", err)
	                   : rc;
}

static int unknown_meta(decl_fill *f, lr_error *err)
{
	lr_report *r = f->r;
	rtable *t = &r->tables[T_DECL_UNKNOWN];
	char units[1024];
	snprintf(units, sizeof units,
	         _("Areas recorded after completion (%s) that made land "
	           "hazardous, by date of record; land recorded and land "
	           "remaining at %s, %s; the date an area's land was "
	           "released, empty while it holds land."),
	         lr__date(r, f->nation.completed_on).s, lr__date(r, r->as_of).s,
	         lr__areas_in(r));
	int rc = lr__rtable_meta(
	        t, units,
	        _("landrelease.sqlite, table previously_unknown (= "
	          "previously_unknown.csv, landrelease analyze)"),
	        t->n_rows > 1 ? ""
	                      : _("No area was recorded after completion."),
	        err);
	return rc == LR_OK ? cut_long(r, t, N_("E3 Previously unknown"),
	                              "previously_unknown.csv", err)
	                   : rc;
}

static int init_tables(lr_report *r, lr_error *err)
{
	static const rcol_def status[DS_N] = {
	        {"region_id", N_("Region"), "", RC_TEXT},
	        {"region_name", N_("Name"), "", RC_TEXT},
	        {"status", N_("Status"), "", RC_TEXT},
	        {"completed_on", N_("Completion reached"), "date", RC_DATE},
	        {"last_release", N_("Last area released"), "date", RC_DATE},
	        {"unknown_count", N_("Previously unknown areas"), "", RC_COUNT},
	        {"unknown_m2", N_("Their land"), "m²", RC_M2},
	        {"remaining_m2", N_("Remaining"), "m²", RC_M2},
	};
	static const rcol_def releases[DR_N] = {
	        {"release_id", N_("Release"), "", RC_TEXT},
	        {"hazard_id", N_("Area"), "", RC_TEXT},
	        {"region_id", N_("Region"), "", RC_TEXT},
	        {"region_name", N_("Name"), "", RC_TEXT},
	        {"method", N_("Method"), "", RC_TEXT},
	        {"release_date", N_("Released on"), "date", RC_DATE},
	        {"released_m2", N_("Released"), "m²", RC_M2},
	};
	static const rcol_def unknown[DU_N] = {
	        {"hazard_id", N_("Area"), "", RC_TEXT},
	        {"region_id", N_("Region"), "", RC_TEXT},
	        {"region_name", N_("Name"), "", RC_TEXT},
	        {"type", N_("Type"), "", RC_TEXT},
	        {"contamination", N_("Contamination"), "", RC_TEXT},
	        {"recorded_date", N_("Recorded"), "date", RC_DATE},
	        {"recorded_m2", N_("Land recorded"), "m²", RC_M2},
	        {"remaining_m2", N_("Remaining"), "m²", RC_M2},
	        {"released_on", N_("Released on"), "date", RC_DATE},
	};
	char title[256];
	snprintf(title, sizeof title,
	         _("Table E2. Land released in the %d years before "
	           "completion and since"),
	         LR_COMPLETION_YEARS);
	rtable *t = r->tables;
	int rc = lr__rtable_init(&t[T_DECLARATION], "completion_by_region",
	                         _("Annex E. Declaration of completion"), DS_N,
	                         err);
	if (rc == LR_OK)
		rc = lr__rtable_cols(r, &t[T_DECLARATION], status, DS_N, err);
	if (rc == LR_OK)
		rc = lr__rtable_init(&t[T_DECL_RELEASES], "completion_releases",
		                     title, DR_N, err);
	if (rc == LR_OK)
		rc = lr__rtable_cols(r, &t[T_DECL_RELEASES], releases, DR_N,
		                     err);
	if (rc == LR_OK)
		rc = lr__rtable_init(
		        &t[T_DECL_UNKNOWN], "previously_unknown",
		        _("Table E3. Previously unknown mined areas recorded "
		          "after completion"),
		        DU_N, err);
	if (rc == LR_OK)
		rc = lr__rtable_cols(r, &t[T_DECL_UNKNOWN], unknown, DU_N, err);
	return rc;
}

/* The TOTAL rows of E2 and E3, and every note; which tables are shown. */
static int finish_tables(decl_fill *f, lr_error *err)
{
	lr_report *r = f->r;
	bool done = f->has_nation && f->nation.completed_on[0];
	int rc = nation_row(f, err);
	static const int d2_cols[] = {DR_RELEASED};
	static const int d3_cols[] = {DU_LAND, DU_REMAINING};
	int64_t d3[] = {f->unknown_land, f->unknown_left};
	if (rc == LR_OK)
		rc = total_row(&r->tables[T_DECL_RELEASES], 1, d2_cols,
		               &f->released, err);
	if (rc == LR_OK)
		rc = total_row(&r->tables[T_DECL_UNKNOWN], 2, d3_cols, d3, err);
	if (rc == LR_OK)
		rc = status_meta(f, err);
	if (rc == LR_OK && done)
		rc = releases_meta(f, err);
	if (rc == LR_OK && done)
		rc = unknown_meta(f, err);
	r->present[T_DECLARATION] =
	        rc == LR_OK && (done || f->complete_regions > 0);
	r->present[T_DECL_RELEASES] = r->present[T_DECL_UNKNOWN] =
	        rc == LR_OK && done;
	return rc;
}

int lr__load_declaration(lr_report *r, lr_store_reader *rd, lr_error *err)
{
	decl_fill f = {.r = r};
	lr_store_completion_visitor v = {on_region, on_release, on_unknown, &f};
	bool present = false;
	int rc = init_tables(r, err);
	if (rc == LR_OK)
		rc = lr_store_read_completion(rd, &v, &present, err);
	if (rc != LR_OK || !present || !f.has_nation)
		return rc; /* a store of an earlier version: no annex E */
	return finish_tables(&f, err);
}
