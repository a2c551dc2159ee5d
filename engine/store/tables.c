/*
** The result tables as rows (shared with the store) and their CSV files,
** each written under a temporary name and renamed into place.
*/
#include "commit_int.h"
#include "output_int.h"
#include "lr_csv.h"
#include "schema.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* ---- Table definitions: the column names are a contract ----------------- */

/* The columns of a region's remaining land, and of its year. */
#define REMAINING_COLUMNS                                                      \
	{LR_STORE_COL_REGION, LR__COL_TEXT},                                   \
	        {LR_STORE_COL_REGION_NAME, LR__COL_TEXT},                      \
	        {LR_STORE_COL_SHA_COUNT, LR__COL_INT},                         \
	        {LR_STORE_COL_SHA, LR__COL_AREA},                              \
	        {LR_STORE_COL_CHA_COUNT, LR__COL_INT},                         \
	        {LR_STORE_COL_CHA, LR__COL_AREA},                              \
	        {LR_STORE_COL_TOTAL_COUNT, LR__COL_INT},                       \
	        {LR_STORE_COL_TOTAL, LR__COL_AREA},                            \
	        {LR_STORE_COL_AP, LR__COL_AREA},                               \
	        {LR_STORE_COL_AV, LR__COL_AREA},                               \
	        {LR_STORE_COL_ERW_LAND, LR__COL_AREA},                         \
	{                                                                      \
		LR_STORE_COL_MIXED, LR__COL_AREA                               \
	}

#define YEAR_COLUMNS                                                           \
	{LR_STORE_COL_YEAR, LR__COL_INT}, {LR_STORE_COL_REGION, LR__COL_TEXT}, \
	        {LR_STORE_COL_NEW, LR__COL_AREA},                              \
	        {LR_STORE_COL_CANCELLED, LR__COL_AREA},                        \
	        {LR_STORE_COL_REDUCED, LR__COL_AREA},                          \
	        {LR_STORE_COL_CLEARED, LR__COL_AREA},                          \
	        {LR_STORE_COL_RELEASED, LR__COL_AREA},                         \
	        {LR_STORE_COL_REMAINING_END, LR__COL_AREA},                    \
	        {LR_STORE_COL_AP_MINES, LR__COL_INT},                          \
	        {LR_STORE_COL_AV_MINES, LR__COL_INT},                          \
	        {LR_STORE_COL_ERW, LR__COL_INT},                               \
	        {LR_STORE_COL_RECLASSIFIED, LR__COL_AREA},                     \
	        {LR_STORE_COL_SHA_END, LR__COL_AREA},                          \
	        {LR_STORE_COL_CHA_END, LR__COL_AREA},                          \
	        {LR_STORE_COL_SHA_COUNT_END, LR__COL_INT},                     \
	        {LR_STORE_COL_CHA_COUNT_END, LR__COL_INT},                     \
	{                                                                      \
		LR_STORE_COL_AP_IMPROVISED, LR__COL_INT                        \
	}

/* The level tables put these in front of the region tables' columns. */
#define LEVEL_COLUMNS                                                          \
	{LR_STORE_COL_LEVEL, LR__COL_INT},                                     \
	{                                                                      \
		LR_STORE_COL_PARENT, LR__COL_TEXT                              \
	}

static const lr__column remaining_cols[] = {REMAINING_COLUMNS};
static const lr__column year_cols[] = {YEAR_COLUMNS};
static const lr__column remaining_level_cols[] = {LEVEL_COLUMNS,
                                                  REMAINING_COLUMNS};
static const lr__column year_level_cols[] = {LEVEL_COLUMNS, YEAR_COLUMNS};

static const lr__column baseline_cols[] = {
        {LR_STORE_COL_REGION, LR__COL_TEXT},
        {LR_STORE_COL_REGION_NAME, LR__COL_TEXT},
        {LR_STORE_COL_SHA, LR__COL_AREA},
        {LR_STORE_COL_CHA, LR__COL_AREA},
        {LR_STORE_COL_TOTAL, LR__COL_AREA},
};

static const lr__column form_c_cols[] = {
        {LR_STORE_COL_HAZARD, LR__COL_TEXT},
        {LR_STORE_COL_REGION, LR__COL_TEXT},
        {LR_STORE_COL_TYPE, LR__COL_TEXT},
        {LR_STORE_COL_CONTAMINATION, LR__COL_TEXT},
        {LR_STORE_COL_RECORDED, LR__COL_DATE},
        {LR_STORE_COL_REMAINING, LR__COL_AREA},
        {LR_STORE_COL_LON, LR__COL_DEG},
        {LR_STORE_COL_LAT, LR__COL_DEG},
};

static const lr__column completion_cols[] = {
        {LR_STORE_COL_REGION, LR__COL_TEXT},
        {LR_STORE_COL_REGION_NAME, LR__COL_TEXT},
        {LR_STORE_COL_STATUS, LR__COL_TEXT},
        {LR_STORE_COL_COMPLETED, LR__COL_DATE},
        {LR_STORE_COL_LAST_RELEASE, LR__COL_DATE},
        {LR_STORE_COL_REMAINING_NOW, LR__COL_AREA},
        {LR_STORE_COL_UNKNOWN_COUNT, LR__COL_INT},
        {LR_STORE_COL_UNKNOWN, LR__COL_AREA},
};

static const lr__column completion_release_cols[] = {
        {LR_STORE_COL_RELEASE, LR__COL_TEXT},
        {LR_STORE_COL_HAZARD, LR__COL_TEXT},
        {LR_STORE_COL_REGION, LR__COL_TEXT},
        {LR_STORE_COL_METHOD, LR__COL_TEXT},
        {LR_STORE_COL_RELEASE_DATE, LR__COL_DATE},
        {LR_STORE_COL_RELEASED, LR__COL_AREA},
};

static const lr__column unknown_cols[] = {
        {LR_STORE_COL_HAZARD, LR__COL_TEXT},
        {LR_STORE_COL_REGION, LR__COL_TEXT},
        {LR_STORE_COL_TYPE, LR__COL_TEXT},
        {LR_STORE_COL_CONTAMINATION, LR__COL_TEXT},
        {LR_STORE_COL_RECORDED, LR__COL_DATE},
        {LR_STORE_COL_RECORDED_LAND, LR__COL_AREA},
        {LR_STORE_COL_REMAINING_NOW, LR__COL_AREA},
        {LR_STORE_COL_RELEASED_ON, LR__COL_DATE},
};

static const lr__column quality_cols[] = {
        {LR_STORE_COL_SEVERITY, LR__COL_TEXT},
        {LR_STORE_COL_CODE, LR__COL_TEXT},
        {LR_STORE_COL_LAYER, LR__COL_TEXT},
        {LR_STORE_COL_FEATURE, LR__COL_INT},
        {LR_STORE_COL_RECORD, LR__COL_TEXT},
        {LR_STORE_COL_AREA, LR__COL_AREA},
        {LR_STORE_COL_MESSAGE, LR__COL_TEXT},
};

#define N_OF(a) ((int)(sizeof(a) / sizeof *(a)))

static const char OUTSIDE_ID[] = "OUTSIDE";
static const char OUTSIDE_NAME[] = "(land in no region)";
static const char TOTAL_ID[] = LR_STORE_TOTAL_ID;
static const char TOTAL_NAME[] = "National total";

/* Rows per region block: the regions, OUTSIDE if any land lies outside, and
** the TOTAL row. */
static size_t block_rows(const lr_result *r)
{
	return (size_t)r->n_regions + (r->has_outside ? 1 : 0) + 1;
}

static size_t n_years(const lr_result *r)
{
	return r->last_year >= r->first_year
	               ? (size_t)(r->last_year - r->first_year + 1)
	               : 0;
}

/* Each table's name and columns, in LR__TABLE_* order. */
static const struct table_def {
	const char *name;
	const lr__column *cols;
	int n_cols;
} table_defs[LR__N_TABLES] = {
        {LR_STORE_REMAINING, remaining_cols, N_OF(remaining_cols)},
        {LR_STORE_RELEASE_BY_YEAR, year_cols, N_OF(year_cols)},
        {LR_STORE_BASELINE, baseline_cols, N_OF(baseline_cols)},
        {LR_STORE_QUALITY, quality_cols, N_OF(quality_cols)},
        {LR_STORE_FORM_C, form_c_cols, N_OF(form_c_cols)},
        {LR_STORE_REMAINING_LEVEL, remaining_level_cols,
         N_OF(remaining_level_cols)},
        {LR_STORE_RELEASE_BY_YEAR_LEVEL, year_level_cols,
         N_OF(year_level_cols)},
        {LR_STORE_COMPLETION, completion_cols, N_OF(completion_cols)},
        {LR_STORE_COMPLETION_RELEASES, completion_release_cols,
         N_OF(completion_release_cols)},
        {LR_STORE_PREVIOUSLY_UNKNOWN, unknown_cols, N_OF(unknown_cols)},
};

/* The rows of table kind of r (and d). */
static size_t table_rows(int kind, const lr_dataset *d, const lr_result *r)
{
	size_t level_rows = r->levels ? r->levels->n_rows + 1 : 0;
	switch (kind) {
	case LR__TABLE_RELEASE_BY_YEAR:
		return n_years(r) * block_rows(r);
	case LR__TABLE_QUALITY:
		return d->quality.items.len;
	case LR__TABLE_FORM_C:
		return r->n_form_c;
	case LR__TABLE_REMAINING_LEVEL:
		return level_rows;
	case LR__TABLE_YEAR_LEVEL:
		return n_years(r) * level_rows;
	case LR__TABLE_COMPLETION_RELEASES:
		return r->n_completion_releases;
	case LR__TABLE_PREVIOUSLY_UNKNOWN:
		return r->n_unknown;
	default: /* a row per region, OUTSIDE and TOTAL */
		return block_rows(r);
	}
}

int lr__table_open(int kind, const lr_dataset *d, const lr_result *r,
                   lr__table *t)
{
	memset(t, 0, sizeof *t);
	if (kind < 0 || kind >= LR__N_TABLES)
		return 0;
	t->kind = kind;
	t->d = d;
	t->r = r;
	t->name = table_defs[kind].name;
	t->cols = table_defs[kind].cols;
	t->n_cols = table_defs[kind].n_cols;
	t->n_rows = table_rows(kind, d, r);
	if (kind == LR__TABLE_BASELINE)
		return r->baseline != LR_DATE_NONE && r->baseline_remaining;
	if (kind == LR__TABLE_REMAINING_LEVEL || kind == LR__TABLE_YEAR_LEVEL)
		return r->levels != NULL;
	return 1;
}

/* The id and name of row j of a region block. */
static void block_labels(const lr__table *t, size_t j, const char **id,
                         const char **name)
{
	const lr_result *r = t->r;
	if (j < (size_t)r->n_regions) {
		if (j < t->d->regions.len) {
			const lr_region *g =
			        &LR_VEC_AT(&t->d->regions, lr_region, j);
			*id = g->id ? g->id : "";
			*name = g->name ? g->name : "";
		} else { /* result and dataset disagree: cannot happen */
			*id = "";
			*name = "";
		}
	} else if (r->has_outside && j == (size_t)r->n_regions) {
		*id = OUTSIDE_ID;
		*name = OUTSIDE_NAME;
	} else {
		*id = TOTAL_ID;
		*name = TOTAL_NAME;
	}
}

/* The result index behind row j of a region block, or -1 for TOTAL. */
static int block_index(const lr_result *r, size_t j)
{
	if (j < (size_t)r->n_regions)
		return (int)j;
	if (r->has_outside && j == (size_t)r->n_regions)
		return r->n_regions;
	return -1;
}

/* Row j of a block of lr_remaining_row, the TOTAL being the exact sum of the
** rows above it. */
static lr_remaining_row remaining_at(const lr_result *r,
                                     const lr_remaining_row *rows, size_t j)
{
	int k = block_index(r, j);
	if (k >= 0)
		return rows[k];
	lr_remaining_row s = {0};
	int n = r->n_regions + (r->has_outside ? 1 : 0);
	for (int i = 0; i < n; i++)
		lr_remaining_row_add(&s, &rows[i]);
	return s;
}

static lr_year_row year_at(const lr_result *r, int year, size_t j)
{
	int k = block_index(r, j);
	if (k >= 0)
		return *LR_YEAR_ROW(r, year, k);
	lr_year_row s = {0};
	int n = r->n_regions + (r->has_outside ? 1 : 0);
	for (int i = 0; i < n; i++)
		lr_year_row_add(&s, LR_YEAR_ROW(r, year, i));
	return s;
}

static lr__cell cell_text(const char *s)
{
	lr__cell c = {.s = s ? s : ""};
	return c;
}

static lr__cell cell_int(int64_t v)
{
	lr__cell c = {.i = v};
	return c;
}

static lr__cell cell_null(void)
{
	lr__cell c = {.null = 1};
	return c;
}

static lr__cell cell_date(lr_date d)
{
	return d == LR_DATE_NONE ? cell_null() : cell_int(d);
}

/* The id of the region item region k (OUTSIDE past the regions). */
static const char *region_of(const lr__table *t, int k)
{
	const char *id = OUTSIDE_ID, *name;
	if (k < t->r->n_regions)
		block_labels(t, (size_t)k, &id, &name);
	return id;
}

/* A hazard's id, region, type, contamination and record date, c[0..4]. */
static void hazard_cells(const lr__table *t, int32_t h, lr__cell *c)
{
	const lr_hazard *hz = &LR_VEC_AT(&t->d->hazards, lr_hazard, h);
	c[0] = cell_text(hz->id);
	c[1] = cell_text(region_of(t, t->r->hazard_region[h]));
	c[2] = cell_text(lr_hazard_type_name(hz->type));
	c[3] = cell_text(lr_contamination_name(hz->contamination));
	c[4] = cell_int(hz->recorded);
}

/* Row i of form_c: hazard r->form_c[i] and the land listed under it. */
static void form_c_row(const lr__table *t, size_t i, lr__cell *c)
{
	const lr_result *r = t->r;
	int32_t h = r->form_c[i];
	hazard_cells(t, h, c);
	c[5] = cell_int(r->hazard_listed[h]);
	c[6] = cell_int(r->hazard_lon_e6[h]);
	c[7] = cell_int(r->hazard_lat_e6[h]);
}

/* What a row's figures say: complete (land fell to zero and stays so),
** not_complete (land remains; after completion, previously unknown
** land), no_land (no land in scope was ever hazardous). */
static const char *completion_status(const lr_completion_row *c,
                                     lr_cents remaining)
{
	if (remaining > 0)
		return "not_complete";
	return c->completed == LR_DATE_NONE ? "no_land" : "complete";
}

/* Row j of completion_by_region: the block's rows, the nation last. */
static void completion_row(const lr__table *t, size_t j, lr__cell *c)
{
	const lr_result *r = t->r;
	int k = block_index(r, j);
	/* A result built without completion (by hand) has none reached. */
	static const lr_completion_row none = {LR_DATE_NONE, LR_DATE_NONE, 0,
	                                       0};
	const lr_completion_row *x =
	        r->completion ? &r->completion[k < 0 ? r->n_regions + 1 : k]
	                      : &none;
	lr_remaining_row rem = remaining_at(r, r->remaining, j);
	const char *id, *name;
	block_labels(t, j, &id, &name);
	c[0] = cell_text(id);
	c[1] = cell_text(name);
	c[2] = cell_text(completion_status(x, rem.sha + rem.cha));
	c[3] = cell_date(x->completed);
	c[4] = cell_date(x->last_release);
	c[5] = cell_int(rem.sha + rem.cha);
	c[6] = cell_int(x->unknown_count);
	c[7] = cell_int(x->unknown_land);
}

/* Row i of completion_releases. */
static void completion_release_row(const lr__table *t, size_t i, lr__cell *c)
{
	int32_t k = t->r->completion_releases[i];
	const lr_release *x = &LR_VEC_AT(&t->d->releases, lr_release, k);
	c[0] = cell_text(x->id);
	c[1] = x->hazard_id ? cell_text(x->hazard_id) : cell_null();
	c[2] = cell_text(region_of(t, t->r->release_region[k]));
	c[3] = cell_text(lr_method_name(x->method));
	c[4] = cell_int(x->date);
	c[5] = cell_int(t->r->release_land[k]);
}

/* Row i of previously_unknown. */
static void unknown_row(const lr__table *t, size_t i, lr__cell *c)
{
	const lr_result *r = t->r;
	int32_t h = r->unknown[i];
	hazard_cells(t, h, c);
	c[5] = cell_int(r->hazard_new[h]);
	c[6] = cell_int(r->hazard_listed[h]); /* as Form C: adds up */
	c[7] = cell_date(r->unknown_gone[i]);
}

/* The cells of a region's remaining land, from c[0]. */
static void remaining_cells(lr__cell *c, const char *id, const char *name,
                            const lr_remaining_row *x)
{
	c[0] = cell_text(id);
	c[1] = cell_text(name);
	c[2] = cell_int(x->sha_count);
	c[3] = cell_int(x->sha);
	c[4] = cell_int(x->cha_count);
	c[5] = cell_int(x->cha);
	c[6] = cell_int(x->sha_count + x->cha_count);
	c[7] = cell_int(x->sha + x->cha);
	for (int p = 0; p < LR_N_PARTS; p++)
		c[8 + p] = cell_int(x->part[p]);
}

/* The cells of a region's year, from c[0]. */
static void year_cells(lr__cell *c, int year, const char *id,
                       const lr_year_row *y)
{
	c[0] = cell_int(year);
	c[1] = cell_text(id);
	c[2] = cell_int(y->new_land);
	c[3] = cell_int(y->released[LR_CANCELLED]);
	c[4] = cell_int(y->released[LR_REDUCED]);
	c[5] = cell_int(y->released[LR_CLEARED]);
	c[6] = cell_int(y->released[LR_CLEARED] + y->released[LR_REDUCED] +
	                y->released[LR_CANCELLED]);
	c[7] = cell_int(y->remaining_end);
	c[8] = cell_int(y->ap_mines);
	c[9] = cell_int(y->av_mines);
	c[10] = cell_int(y->erw);
	c[11] = cell_int(y->reclassified);
	c[12] = cell_int(y->sha_end);
	c[13] = cell_int(y->cha_end);
	c[14] = cell_int(y->sha_count_end);
	c[15] = cell_int(y->cha_count_end);
	c[16] = cell_int(y->ap_improvised);
}

/* Row i of a level table: per year (release_by_year_by_level) the rows
** of every level, then the TOTAL of the region table. */
static void level_row(const lr__table *t, size_t i, lr__cell *c)
{
	const lr_result *r = t->r;
	const lr_levels *lv = r->levels;
	size_t b = lv->n_rows + 1, j = i % b;
	int year = r->first_year + (int)(i / b);
	bool total = j == lv->n_rows;
	const char *id = TOTAL_ID, *name = TOTAL_NAME, *parent = "";
	c[0] = cell_null();
	if (!total) {
		const lr_level_row *row = &lv->rows[j];
		c[0] = cell_int(row->level);
		id = OUTSIDE_ID;
		name = OUTSIDE_NAME;
		if (row->node >= 0) {
			const lr_level_node *nd = &lv->nodes[row->node];
			id = nd->id;
			name = nd->name;
			if (nd->parent >= 0)
				parent = lv->nodes[nd->parent].id;
		}
	}
	c[1] = cell_text(parent);
	if (t->kind == LR__TABLE_REMAINING_LEVEL) {
		lr_remaining_row x =
		        total ? remaining_at(r, r->remaining, block_rows(r) - 1)
		              : lv->remaining[j];
		remaining_cells(c + 2, id, name, &x);
	} else {
		lr_year_row y = total ? year_at(r, year, block_rows(r) - 1)
		                      : *LR_LEVEL_YEAR_ROW(r, year, j);
		year_cells(c + 2, year, id, &y);
	}
}

void lr__table_row(const lr__table *t, size_t i, lr__cell *c)
{
	const lr_result *r = t->r;
	const char *id, *name;
	switch (t->kind) {
	case LR__TABLE_REMAINING: {
		lr_remaining_row x = remaining_at(r, r->remaining, i);
		block_labels(t, i, &id, &name);
		remaining_cells(c, id, name, &x);
		break;
	}
	case LR__TABLE_RELEASE_BY_YEAR: {
		size_t b = block_rows(r), j = i % b;
		int year = r->first_year + (int)(i / b);
		lr_year_row y = year_at(r, year, j);
		block_labels(t, j, &id, &name);
		year_cells(c, year, id, &y);
		break;
	}
	case LR__TABLE_BASELINE: {
		lr_remaining_row x = remaining_at(r, r->baseline_remaining, i);
		block_labels(t, i, &id, &name);
		c[0] = cell_text(id);
		c[1] = cell_text(name);
		c[2] = cell_int(x.sha);
		c[3] = cell_int(x.cha);
		c[4] = cell_int(x.sha + x.cha);
		break;
	}
	case LR__TABLE_QUALITY: {
		const lr_finding *f =
		        &LR_VEC_AT(&t->d->quality.items, lr_finding, i);
		c[0] = cell_text(lr_severity_name(f->severity));
		c[1] = cell_text(f->code);
		c[2] = cell_text(f->layer);
		c[3] = f->feature_id < 0 ? cell_null()
		                         : cell_int(f->feature_id);
		c[4] = cell_text(f->record_id);
		c[5] = f->area < 0 ? cell_null() : cell_int(f->area);
		c[6] = cell_text(f->message);
		break;
	}
	case LR__TABLE_FORM_C:
		form_c_row(t, i, c);
		break;
	case LR__TABLE_REMAINING_LEVEL:
	case LR__TABLE_YEAR_LEVEL:
		level_row(t, i, c);
		break;
	case LR__TABLE_COMPLETION:
		completion_row(t, i, c);
		break;
	case LR__TABLE_COMPLETION_RELEASES:
		completion_release_row(t, i, c);
		break;
	case LR__TABLE_PREVIOUSLY_UNKNOWN:
		unknown_row(t, i, c);
		break;
	default:
		for (int k = 0; k < t->n_cols; k++)
			c[k] = cell_null();
	}
}

/* ---- CSV ---------------------------------------------------------------- */

static void csv_cell(FILE *f, const lr__column *col, const lr__cell *c)
{
	char buf[32];
	if (c->null)
		return;
	switch (col->type) {
	case LR__COL_TEXT:
		lr_csv_field(f, c->s);
		break;
	case LR__COL_INT:
		fprintf(f, "%lld", (long long)c->i);
		break;
	case LR__COL_AREA:
		fputs(lr_cents_format(c->i, buf), f);
		break;
	case LR__COL_DATE:
		fputs(lr_date_format((lr_date)c->i, buf), f);
		break;
	case LR__COL_DEG: {
		long long a = c->i < 0 ? -(long long)c->i : (long long)c->i;
		fprintf(f, "%s%lld.%06lld", c->i < 0 ? "-" : "", a / 1000000,
		        a % 1000000);
		break;
	}
	}
}

static void csv_table(FILE *f, const lr__table *t)
{
	lr__cell cells[LR__MAX_COLS];
	for (int k = 0; k < t->n_cols; k++) {
		if (k)
			putc(',', f);
		fputs(t->cols[k].name, f);
	}
	putc('\n', f);
	for (size_t i = 0; i < t->n_rows; i++) {
		lr__table_row(t, i, cells);
		for (int k = 0; k < t->n_cols; k++) {
			if (k)
				putc(',', f);
			csv_cell(f, &t->cols[k], &cells[k]);
		}
		putc('\n', f);
	}
}

/*
** Write table t to a new temporary next to final (its path into tmp, n
** bytes): every byte written, flushed and synced before the file is closed.
** On failure the temporary is removed and err names final.
*/
static int csv_write_tmp(const lr__table *t, const char *final, char *tmp,
                         size_t n, lr_error *err)
{
	FILE *f = lr_atomic_open(final, tmp, n, err);
	if (!f)
		return err->code;
	char *buf = malloc(1 << 16);
	if (buf)
		setvbuf(f, buf, _IOFBF, 1 << 16);
	csv_table(f, t);
	int e = lr_fclose_synced(f);
	free(buf);
	if (e) {
		(void)lr_file_remove(tmp, NULL);
		return lr_error_set(err, LR_ERR_IO, "cannot write %s: %s",
		                    final, strerror(e));
	}
	return LR_OK;
}

/* Write table kind of d and r under a temporary name beside
** dir/NAME.csv, recorded in set; a table that does not exist for this
** result is recorded for removal. */
static int write_one(const lr_dataset *d, const lr_result *r, const char *dir,
                     int kind, lr__csv_set *set, lr_error *err)
{
	lr__table t;
	char prefix[256];
	int want = lr__table_open(kind, d, r, &t);
	char *final = set->final[kind];
	int a = snprintf(final, sizeof set->final[kind], "%s/%s.csv", dir,
	                 t.name);
	if (a < 0 || (size_t)a >= sizeof set->final[kind])
		return lr_error_set(err, LR_ERR_IO, "output path too long: %s",
		                    dir);
	snprintf(prefix, sizeof prefix, ".%s.csv" LR_TMP_INFIX, t.name);
	lr_remove_stale_temps(dir, prefix);
	/* Without a baseline, the baseline table of an earlier run would
	** contradict the tables written now: it goes. */
	set->state[kind] = LR__CSV_REMOVE;
	if (!want)
		return LR_OK;
	int rc = csv_write_tmp(&t, final, set->tmp[kind], sizeof set->tmp[kind],
	                       err);
	if (rc == LR_OK)
		set->state[kind] = LR__CSV_WRITTEN;
	return rc;
}

int lr__tables_write(const lr_dataset *d, const lr_result *r, const char *dir,
                     lr__csv_set *set, lr_error *err)
{
	memset(set->state, 0, sizeof set->state);
	for (int k = 0; k < LR__N_TABLES; k++) {
		int rc = write_one(d, r, dir, k, set, err);
		if (rc != LR_OK) {
			lr__tables_discard(set);
			return rc;
		}
	}
	return LR_OK;
}

int lr__tables_add(lr__csv_set *set, lr_commit *c, lr_error *err)
{
	int rc = LR_OK;
	for (int k = 0; rc == LR_OK && k < LR__N_TABLES; k++) {
		int written = set->state[k] == LR__CSV_WRITTEN;
		if (set->state[k] != LR__CSV_NONE)
			rc = lr_commit_add(c, written ? set->tmp[k] : NULL,
			                   set->final[k], err);
		if (rc == LR_OK)
			set->state[k] = LR__CSV_NONE;
	}
	lr__tables_discard(set);
	return rc;
}

void lr__tables_discard(lr__csv_set *set)
{
	for (int k = 0; k < LR__N_TABLES; k++) {
		if (set->state[k] == LR__CSV_WRITTEN)
			(void)lr_file_remove(set->tmp[k], NULL);
		set->state[k] = LR__CSV_NONE;
	}
}
