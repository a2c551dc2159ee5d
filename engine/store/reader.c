/*
** The store's reader: read-only queries of meta and the result tables,
** under the names the writer uses (schema.h).  SpatiaLite is loaded only
** when a caller asks for geometries (lr_store_reader_spatial).
*/
#include "lr_store_read.h"
#include "schema.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct lr_store_reader {
	sqlite3 *db;
	char *path; /* owned: for messages */
};

/* LR_ERR_INPUT: "PATH: cannot read WHAT: SQLITE MESSAGE". */
static int read_error(const lr_store_reader *rd, const char *what,
                      lr_error *err)
{
	return lr_error_set(err, LR_ERR_INPUT, "%s: cannot read %s: %s",
	                    rd->path, what,
	                    rd->db ? sqlite3_errmsg(rd->db) : "no database");
}

int lr_store_reader_open(const char *path, lr_store_reader **out, lr_error *err)
{
	*out = NULL;
	if (access(path, R_OK) != 0)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: %s (run `landrelease analyze` first)",
		                    path, strerror(errno));
	lr_store_reader *rd = lr_xcalloc(1, sizeof *rd);
	if (!rd || !(rd->path = lr_strdup(path))) {
		free(rd);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	if (sqlite3_open_v2(path, &rd->db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		int rc = read_error(rd, "the store", err);
		lr_store_reader_close(rd);
		return rc;
	}
	*out = rd;
	return LR_OK;
}

void lr_store_reader_close(lr_store_reader *rd)
{
	if (!rd)
		return;
	sqlite3_close(rd->db); /* NULL is a no-op */
	free(rd->path);
	free(rd);
}

const char *lr_store_reader_path(const lr_store_reader *rd)
{
	return rd->path;
}

/* Column k of the current row as text, NULL for NULL. */
static const char *column_text_or_null(sqlite3_stmt *st, int k)
{
	return (const char *)sqlite3_column_text(st, k);
}

/* Column k of the current row as text, "" for NULL. */
static const char *column_text(sqlite3_stmt *st, int k)
{
	const unsigned char *v = sqlite3_column_text(st, k);
	return v ? (const char *)v : "";
}

static lr_cents column_cents(sqlite3_stmt *st, int k)
{
	return lr_cents_from_m2(sqlite3_column_double(st, k));
}

int lr_store_reader_meta(lr_store_reader *rd, const char *key, char **value,
                         lr_error *err)
{
	sqlite3_stmt *st = NULL;
	*value = NULL;
	if (sqlite3_prepare_v2(rd->db,
	                       "SELECT " LR_STORE_META_VALUE
	                       " FROM " LR_STORE_META
	                       " WHERE " LR_STORE_META_KEY " = ?1",
	                       -1, &st, NULL) != SQLITE_OK)
		return read_error(rd, "table " LR_STORE_META, err);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = LR_OK;
	/* No row (or a failed step): the key is absent. */
	if (sqlite3_step(st) == SQLITE_ROW &&
	    !(*value = lr_strdup(column_text(st, 0))))
		rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	sqlite3_finalize(st);
	return rc;
}

int lr_store_read_meta(const char *path, const char *key, char *buf, size_t n)
{
	lr_store_reader *rd = NULL;
	char *value = NULL;
	int rc = LR_ERR_STORE;
	if (n > 0)
		buf[0] = '\0';
	if (lr_store_reader_open(path, &rd, NULL) != LR_OK)
		return LR_ERR_IO;
	if (lr_store_reader_meta(rd, key, &value, NULL) == LR_OK && value &&
	    strlen(value) < n) {
		memcpy(buf, value, strlen(value) + 1);
		rc = LR_OK;
	}
	free(value);
	lr_store_reader_close(rd);
	return rc;
}

/*
** One query over the result tables: sql with ?1 and ?2 (when it has them)
** bound to first_year and last_year, row() called on each row until it
** returns an error.  A failed prepare names table, a failed step rows.
*/
typedef int (*row_fn)(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                      lr_error *err);

static int each_row(lr_store_reader *rd, const char *sql, int first_year,
                    int last_year, const char *table, const char *rows,
                    row_fn row, void *ctx, lr_error *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(rd->db, sql, -1, &st, NULL) != SQLITE_OK)
		return read_error(rd, table, err);
	if (sqlite3_bind_parameter_count(st) == 2) {
		sqlite3_bind_int(st, 1, first_year);
		sqlite3_bind_int(st, 2, last_year);
	}
	int rc = LR_OK, s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = row(rd, st, ctx, err)) != LR_OK)
			goto fail;
	if (s != SQLITE_DONE)
		rc = read_error(rd, rows, err);
fail:
	sqlite3_finalize(st);
	return rc;
}

static int id_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                  lr_error *err)
{
	lr_vec *ids = ctx;
	char *id = lr_strdup(column_text(st, 0));
	(void)rd;
	if (!id || !lr_vec_push(ids, &id)) {
		free(id);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	return LR_OK;
}

int lr_store_read_region_ids(lr_store_reader *rd, int first_year, int last_year,
                             lr_vec *ids, lr_error *err)
{
	static const char sql[] =
	        "SELECT " LR_STORE_COL_REGION " FROM " LR_STORE_REMAINING
	        " WHERE " LR_STORE_COL_REGION " <> '" LR_STORE_TOTAL_ID
	        "' UNION SELECT " LR_STORE_COL_REGION
	        " FROM " LR_STORE_RELEASE_BY_YEAR " WHERE " LR_STORE_COL_REGION
	        " <> '" LR_STORE_TOTAL_ID "' AND " LR_STORE_COL_YEAR
	        " BETWEEN ?1 AND ?2 ORDER BY 1";
	return each_row(rd, sql, first_year, last_year, "the result tables",
	                "region ids", id_row, ids, err);
}

/* The caller's visitor of a table's rows (one of them) and its
** argument. */
typedef struct visit {
	lr_store_remaining_fn remaining;
	lr_store_level_fn level;
	lr_store_level_year_fn level_year;
	lr_store_form_c_fn form_c;
	lr_store_year_fn year;
	lr_store_meta_fn meta;
	lr_store_shape_fn shape;
	lr_store_land_fn land;
	lr_store_face_fn face;
	lr_store_released_fn released;
	lr_store_ingest_fn ingest;
	lr_store_finding_fn finding;
	lr_store_uniform_fn uniform;
	const lr_store_completion_visitor *completion;
	void *user;   /* borrowed: the caller's */
	bool checked; /* remaining: refuse negative land */
} visit;

/* The columns of lr_store_remaining, in the order remaining_of() reads. */
#define REMAINING_COLUMNS                                                      \
	LR_STORE_COL_REGION ", " LR_STORE_COL_REGION_NAME                      \
	                    ", " LR_STORE_COL_SHA_COUNT ", " LR_STORE_COL_SHA  \
	                    ", " LR_STORE_COL_CHA_COUNT ", " LR_STORE_COL_CHA  \
	                    ", " LR_STORE_COL_TOTAL_COUNT                      \
	                    ", " LR_STORE_COL_TOTAL ", " LR_STORE_COL_AP       \
	                    ", " LR_STORE_COL_AV ", " LR_STORE_COL_ERW_LAND    \
	                    ", " LR_STORE_COL_MIXED
#define REMAINING_SQL "SELECT " REMAINING_COLUMNS " FROM " LR_STORE_REMAINING

/* A row of remaining land from the first columns of st: the areas and
** counts, and the parts by contamination when st has them. */
static lr_store_remaining remaining_of(sqlite3_stmt *st)
{
	lr_store_remaining row = {
	        .region_id = column_text(st, 0),
	        .region_name = column_text(st, 1),
	        .sha_count = sqlite3_column_int64(st, 2),
	        .sha = column_cents(st, 3),
	        .cha_count = sqlite3_column_int64(st, 4),
	        .cha = column_cents(st, 5),
	        .total_count = sqlite3_column_int64(st, 6),
	        .total = column_cents(st, 7),
	};
	if (sqlite3_column_count(st) > 8) { /* the whole table */
		row.ap = column_cents(st, 8);
		row.av = column_cents(st, 9);
		row.erw_land = column_cents(st, 10);
		row.mixed = column_cents(st, 11);
	}
	return row;
}

static int remaining_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                         lr_error *err)
{
	const visit *v = ctx;
	lr_store_remaining row = remaining_of(st);
	if (v->checked && row.total < 0)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: " LR_STORE_REMAINING
		                    ": region %s has negative remaining land",
		                    rd->path, row.region_id);
	return v->remaining(v->user, &row, err);
}

int lr_store_read_remaining(lr_store_reader *rd, lr_store_remaining_fn each,
                            void *user, lr_error *err)
{
	/* The areas only (no name, counts 0): what plan/ needs, so a store
	** holding just those columns still reads. */
	static const char sql[] =
	        "SELECT " LR_STORE_COL_REGION ", NULL, 0, " LR_STORE_COL_SHA
	        ", 0, " LR_STORE_COL_CHA ", 0, " LR_STORE_COL_TOTAL
	        " FROM " LR_STORE_REMAINING " WHERE " LR_STORE_COL_REGION
	        " <> '" LR_STORE_TOTAL_ID "'";
	visit v = {.remaining = each, .user = user, .checked = true};
	return each_row(rd, sql, 0, 0, LR_STORE_REMAINING, LR_STORE_REMAINING,
	                remaining_row, &v, err);
}

int lr_store_read_remaining_table(lr_store_reader *rd,
                                  lr_store_remaining_fn each, void *user,
                                  lr_error *err)
{
	static const char sql[] = REMAINING_SQL " ORDER BY rowid";
	visit v = {.remaining = each, .user = user};
	return each_row(rd, sql, 0, 0, LR_STORE_REMAINING, LR_STORE_REMAINING,
	                remaining_row, &v, err);
}

/* Whether the store holds table name (stores of earlier versions lack the
** newer tables).  LR_OK or LR_ERR_INPUT. */
static int table_exists(lr_store_reader *rd, const char *name, bool *present,
                        lr_error *err)
{
	static const char sql[] = "SELECT 1 FROM sqlite_master WHERE type = "
	                          "'table' AND name = ?1";
	sqlite3_stmt *st = NULL;
	int s = SQLITE_ERROR;
	if (sqlite3_prepare_v2(rd->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK)
		s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return read_error(rd, "the list of tables", err);
	*present = s == SQLITE_ROW;
	return LR_OK;
}

static int level_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                     lr_error *err)
{
	const visit *v = ctx;
	lr_store_level row = {.level = sqlite3_column_int(st, 12),
	                      .parent_id = column_text(st, 13),
	                      .row = remaining_of(st)};
	(void)rd;
	return v->level(v->user, &row, err);
}

int lr_store_read_levels(lr_store_reader *rd, bool *present,
                         lr_store_level_fn each, void *user, lr_error *err)
{
	static const char sql[] =
	        "SELECT " REMAINING_COLUMNS ", " LR_STORE_COL_LEVEL
	        ", " LR_STORE_COL_PARENT " FROM " LR_STORE_REMAINING_LEVEL
	        " ORDER BY rowid";
	int rc = table_exists(rd, LR_STORE_REMAINING_LEVEL, present, err);
	if (rc != LR_OK || !*present)
		return rc;
	visit v = {.level = each, .user = user};
	return each_row(rd, sql, 0, 0, LR_STORE_REMAINING_LEVEL,
	                LR_STORE_REMAINING_LEVEL, level_row, &v, err);
}

static int form_c_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                      lr_error *err)
{
	const visit *v = ctx;
	lr_store_form_c row = {.hazard_id = column_text(st, 0),
	                       .region_id = column_text(st, 1),
	                       .type = column_text(st, 2),
	                       .contamination = column_text(st, 3),
	                       .recorded_date = column_text(st, 4),
	                       .remaining = column_cents(st, 5),
	                       .lon = sqlite3_column_double(st, 6),
	                       .lat = sqlite3_column_double(st, 7)};
	(void)rd;
	return v->form_c(v->user, &row, err);
}

int lr_store_read_form_c(lr_store_reader *rd, lr_store_form_c_fn each,
                         void *user, lr_error *err)
{
	static const char sql[] =
	        "SELECT " LR_STORE_COL_HAZARD ", " LR_STORE_COL_REGION
	        ", " LR_STORE_COL_TYPE ", " LR_STORE_COL_CONTAMINATION
	        ", " LR_STORE_COL_RECORDED ", " LR_STORE_COL_REMAINING
	        ", " LR_STORE_COL_LON ", " LR_STORE_COL_LAT
	        " FROM " LR_STORE_FORM_C " ORDER BY rowid";
	visit v = {.form_c = each, .user = user};
	return each_row(rd, sql, 0, 0, LR_STORE_FORM_C, LR_STORE_FORM_C,
	                form_c_row, &v, err);
}

static int completion_row(const lr_store_reader *rd, sqlite3_stmt *st,
                          void *ctx, lr_error *err)
{
	const visit *v = ctx;
	lr_store_completion row = {.region_id = column_text(st, 0),
	                           .region_name = column_text(st, 1),
	                           .status = column_text(st, 2),
	                           .completed_on = column_text(st, 3),
	                           .last_release = column_text(st, 4),
	                           .remaining = column_cents(st, 5),
	                           .unknown_count = sqlite3_column_int64(st, 6),
	                           .unknown = column_cents(st, 7)};
	(void)rd;
	return v->completion->region(v->user, &row, err);
}

static int completion_release_row(const lr_store_reader *rd, sqlite3_stmt *st,
                                  void *ctx, lr_error *err)
{
	const visit *v = ctx;
	lr_store_completion_release row = {.release_id = column_text(st, 0),
	                                   .hazard_id = column_text(st, 1),
	                                   .region_id = column_text(st, 2),
	                                   .method = column_text(st, 3),
	                                   .release_date = column_text(st, 4),
	                                   .released = column_cents(st, 5)};
	(void)rd;
	return v->completion->release(v->user, &row, err);
}

static int unknown_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                       lr_error *err)
{
	const visit *v = ctx;
	lr_store_unknown row = {.hazard_id = column_text(st, 0),
	                        .region_id = column_text(st, 1),
	                        .type = column_text(st, 2),
	                        .contamination = column_text(st, 3),
	                        .recorded_date = column_text(st, 4),
	                        .recorded = column_cents(st, 5),
	                        .remaining = column_cents(st, 6),
	                        .released_on = column_text(st, 7)};
	(void)rd;
	return v->completion->unknown(v->user, &row, err);
}

int lr_store_read_completion(lr_store_reader *rd,
                             const lr_store_completion_visitor *cv,
                             bool *present, lr_error *err)
{
	static const char regions[] =
	        "SELECT " LR_STORE_COL_REGION ", " LR_STORE_COL_REGION_NAME
	        ", " LR_STORE_COL_STATUS ", " LR_STORE_COL_COMPLETED
	        ", " LR_STORE_COL_LAST_RELEASE ", " LR_STORE_COL_REMAINING_NOW
	        ", " LR_STORE_COL_UNKNOWN_COUNT ", " LR_STORE_COL_UNKNOWN
	        " FROM " LR_STORE_COMPLETION " ORDER BY rowid";
	static const char releases[] =
	        "SELECT " LR_STORE_COL_RELEASE ", " LR_STORE_COL_HAZARD
	        ", " LR_STORE_COL_REGION ", " LR_STORE_COL_METHOD
	        ", " LR_STORE_COL_RELEASE_DATE ", " LR_STORE_COL_RELEASED
	        " FROM " LR_STORE_COMPLETION_RELEASES " ORDER BY rowid";
	static const char unknown[] =
	        "SELECT " LR_STORE_COL_HAZARD ", " LR_STORE_COL_REGION
	        ", " LR_STORE_COL_TYPE ", " LR_STORE_COL_CONTAMINATION
	        ", " LR_STORE_COL_RECORDED ", " LR_STORE_COL_RECORDED_LAND
	        ", " LR_STORE_COL_REMAINING_NOW ", " LR_STORE_COL_RELEASED_ON
	        " FROM " LR_STORE_PREVIOUSLY_UNKNOWN " ORDER BY rowid";
	visit v = {.completion = cv, .user = cv->user};
	int rc = table_exists(rd, LR_STORE_COMPLETION, present, err);
	if (rc != LR_OK || !*present)
		return rc;
	if ((rc = each_row(rd, regions, 0, 0, LR_STORE_COMPLETION,
	                   LR_STORE_COMPLETION, completion_row, &v, err)) !=
	    LR_OK)
		return rc;
	if ((rc = each_row(rd, releases, 0, 0, LR_STORE_COMPLETION_RELEASES,
	                   LR_STORE_COMPLETION_RELEASES, completion_release_row,
	                   &v, err)) != LR_OK)
		return rc;
	return each_row(rd, unknown, 0, 0, LR_STORE_PREVIOUSLY_UNKNOWN,
	                LR_STORE_PREVIOUSLY_UNKNOWN, unknown_row, &v, err);
}

/* The columns of lr_store_year, in the order year_row() reads. */
#define YEAR_SQL                                                               \
	"SELECT " LR_STORE_COL_YEAR ", " LR_STORE_COL_REGION                   \
	", " LR_STORE_COL_NEW ", " LR_STORE_COL_CANCELLED                      \
	", " LR_STORE_COL_REDUCED ", " LR_STORE_COL_CLEARED                    \
	", " LR_STORE_COL_RELEASED ", " LR_STORE_COL_REMAINING_END             \
	", " LR_STORE_COL_AP_MINES ", " LR_STORE_COL_AV_MINES                  \
	", " LR_STORE_COL_ERW ", " LR_STORE_COL_RECLASSIFIED                   \
	", " LR_STORE_COL_SHA_END ", " LR_STORE_COL_CHA_END                    \
	", " LR_STORE_COL_SHA_COUNT_END ", " LR_STORE_COL_CHA_COUNT_END        \
	", " LR_STORE_COL_AP_IMPROVISED " FROM " LR_STORE_RELEASE_BY_YEAR

static int year_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                    lr_error *err)
{
	const visit *v = ctx;
	lr_store_year row = {
	        .year = sqlite3_column_int(st, 0),
	        .region_id = column_text(st, 1),
	        .new_land = column_cents(st, 2),
	        .by_method[LR_CANCELLED] = column_cents(st, 3),
	        .by_method[LR_REDUCED] = column_cents(st, 4),
	        .by_method[LR_CLEARED] = column_cents(st, 5),
	        .released = column_cents(st, 6),
	        .remaining_end = column_cents(st, 7),
	        .ap_mines = sqlite3_column_int64(st, 8),
	        .av_mines = sqlite3_column_int64(st, 9),
	        .erw = sqlite3_column_int64(st, 10),
	};
	if (sqlite3_column_count(st) > 11) { /* the whole table */
		row.reclassified = column_cents(st, 11);
		row.sha_end = column_cents(st, 12);
		row.cha_end = column_cents(st, 13);
		row.sha_count_end = sqlite3_column_int64(st, 14);
		row.cha_count_end = sqlite3_column_int64(st, 15);
		row.ap_improvised = sqlite3_column_int64(st, 16);
	}
	(void)rd;
	return v->year(v->user, &row, err);
}

int lr_store_read_release_by_year(lr_store_reader *rd, int first_year,
                                  int last_year, lr_store_year_fn each,
                                  void *user, lr_error *err)
{
	/* The areas only, as lr_store_read_remaining() reads them. */
	static const char sql[] =
	        "SELECT " LR_STORE_COL_YEAR ", " LR_STORE_COL_REGION
	        ", " LR_STORE_COL_NEW ", " LR_STORE_COL_CANCELLED
	        ", " LR_STORE_COL_REDUCED ", " LR_STORE_COL_CLEARED
	        ", " LR_STORE_COL_RELEASED
	        ", 0, 0, 0, 0 FROM " LR_STORE_RELEASE_BY_YEAR
	        " WHERE " LR_STORE_COL_REGION " <> '" LR_STORE_TOTAL_ID
	        "' AND " LR_STORE_COL_YEAR " BETWEEN ?1 AND ?2";
	visit v = {.year = each, .user = user};
	return each_row(rd, sql, first_year, last_year,
	                LR_STORE_RELEASE_BY_YEAR, LR_STORE_RELEASE_BY_YEAR,
	                year_row, &v, err);
}

int lr_store_read_release_table(lr_store_reader *rd, lr_store_year_fn each,
                                void *user, lr_error *err)
{
	static const char sql[] = YEAR_SQL " ORDER BY rowid";
	visit v = {.year = each, .user = user};
	return each_row(rd, sql, 0, 0, LR_STORE_RELEASE_BY_YEAR,
	                LR_STORE_RELEASE_BY_YEAR, year_row, &v, err);
}

static int level_year_row(const lr_store_reader *rd, sqlite3_stmt *st,
                          void *ctx, lr_error *err)
{
	const visit *v = ctx;
	lr_store_level_year row = {.level = sqlite3_column_int(st, 8),
	                           .parent_id = column_text(st, 9)};
	lr_store_year *y = &row.row;
	y->year = sqlite3_column_int(st, 0);
	y->region_id = column_text(st, 1);
	y->new_land = column_cents(st, 2);
	y->by_method[LR_CANCELLED] = column_cents(st, 3);
	y->by_method[LR_REDUCED] = column_cents(st, 4);
	y->by_method[LR_CLEARED] = column_cents(st, 5);
	y->released = column_cents(st, 6);
	y->remaining_end = column_cents(st, 7);
	(void)rd;
	return v->level_year(v->user, &row, err);
}

int lr_store_read_level_years(lr_store_reader *rd, bool *present,
                              lr_store_level_year_fn each, void *user,
                              lr_error *err)
{
	/* The areas of release_by_year's rows, then level and parent. */
	static const char sql[] =
	        "SELECT " LR_STORE_COL_YEAR ", " LR_STORE_COL_REGION
	        ", " LR_STORE_COL_NEW ", " LR_STORE_COL_CANCELLED
	        ", " LR_STORE_COL_REDUCED ", " LR_STORE_COL_CLEARED
	        ", " LR_STORE_COL_RELEASED ", " LR_STORE_COL_REMAINING_END
	        ", " LR_STORE_COL_LEVEL ", " LR_STORE_COL_PARENT
	        " FROM " LR_STORE_RELEASE_BY_YEAR_LEVEL " ORDER BY rowid";
	int rc = table_exists(rd, LR_STORE_RELEASE_BY_YEAR_LEVEL, present, err);
	if (rc != LR_OK || !*present)
		return rc;
	visit v = {.level_year = each, .user = user};
	return each_row(rd, sql, 0, 0, LR_STORE_RELEASE_BY_YEAR_LEVEL,
	                LR_STORE_RELEASE_BY_YEAR_LEVEL, level_year_row, &v,
	                err);
}

int lr_store_read_released(lr_store_reader *rd, int year, const char *id,
                           lr_cents *released, bool *found, lr_error *err)
{
	sqlite3_stmt *st = NULL;
	*released = 0;
	*found = false;
	if (sqlite3_prepare_v2(rd->db,
	                       "SELECT " LR_STORE_COL_RELEASED
	                       " FROM " LR_STORE_RELEASE_BY_YEAR
	                       " WHERE " LR_STORE_COL_YEAR
	                       " = ?1 AND " LR_STORE_COL_REGION " = ?2",
	                       -1, &st, NULL) != SQLITE_OK)
		return read_error(rd, LR_STORE_RELEASE_BY_YEAR, err);
	sqlite3_bind_int(st, 1, year);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	int rc = LR_OK, s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*released = column_cents(st, 0);
		*found = true;
	} else if (s != SQLITE_DONE)
		rc = read_error(rd, LR_STORE_RELEASE_BY_YEAR, err);
	sqlite3_finalize(st);
	return rc;
}

static int rejected_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                        lr_error *err)
{
	(void)rd;
	(void)err;
	*(int64_t *)ctx = sqlite3_column_int64(st, 0);
	return LR_OK;
}

int lr_store_read_rejected(lr_store_reader *rd, int64_t *n, lr_error *err)
{
	static const char sql[] = "SELECT COALESCE(SUM(" LR_STORE_COL_REJECTED
	                          "), 0) FROM " LR_STORE_INGEST;
	*n = 0;
	return each_row(rd, sql, 0, 0, LR_STORE_INGEST, LR_STORE_INGEST,
	                rejected_row, n, err);
}

static int meta_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                    lr_error *err)
{
	const visit *v = ctx;
	(void)rd;
	return v->meta(v->user, column_text(st, 0), column_text(st, 1), err);
}

int lr_store_read_meta_each(lr_store_reader *rd, lr_store_meta_fn each,
                            void *user, lr_error *err)
{
	static const char sql[] =
	        "SELECT " LR_STORE_META_KEY ", " LR_STORE_META_VALUE
	        " FROM " LR_STORE_META;
	visit v = {.meta = each, .user = user};
	return each_row(rd, sql, 0, 0, LR_STORE_META, LR_STORE_META, meta_row,
	                &v, err);
}

/* ---- ingest counts and findings ------------------------------------------ */

static int ingest_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                      lr_error *err)
{
	const visit *v = ctx;
	(void)rd;
	lr_store_ingest x = {column_text(st, 0), sqlite3_column_int64(st, 1),
	                     sqlite3_column_int64(st, 2),
	                     sqlite3_column_int64(st, 3),
	                     sqlite3_column_int64(st, 4)};
	return v->ingest(v->user, &x, err);
}

int lr_store_read_ingest(lr_store_reader *rd, lr_store_ingest_fn each,
                         void *user, lr_error *err)
{
	static const char sql[] =
	        "SELECT layer, read, accepted, repaired, " LR_STORE_COL_REJECTED
	        " FROM " LR_STORE_INGEST " ORDER BY rowid";
	visit v = {.ingest = each, .user = user};
	return each_row(rd, sql, 0, 0, LR_STORE_INGEST, LR_STORE_INGEST,
	                ingest_row, &v, err);
}

static int finding_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                       lr_error *err)
{
	const visit *v = ctx;
	(void)rd;
	lr_store_finding x = {column_text(st, 0), column_text(st, 1),
	                      column_text(st, 2), column_text(st, 3),
	                      column_cents(st, 4)};
	return v->finding(v->user, &x, err);
}

int lr_store_read_findings(lr_store_reader *rd, lr_store_finding_fn each,
                           void *user, lr_error *err)
{
	static const char sql[] =
	        "SELECT " LR_STORE_COL_SEVERITY ", " LR_STORE_COL_CODE
	        ", " LR_STORE_COL_LAYER ", " LR_STORE_COL_MESSAGE
	        ", COALESCE(" LR_STORE_COL_AREA ", 0) FROM " LR_STORE_QUALITY
	        " ORDER BY rowid";
	visit v = {.finding = each, .user = user};
	return each_row(rd, sql, 0, 0, LR_STORE_QUALITY, LR_STORE_QUALITY,
	                finding_row, &v, err);
}

static int uniform_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                       lr_error *err)
{
	const visit *v = ctx;
	(void)rd;
	lr_store_uniform x = {column_text(st, 0), column_text(st, 1),
	                      column_text(st, 2), sqlite3_column_int64(st, 3)};
	return v->uniform(v->user, &x, err);
}

/* One field of one table as a row of the uniform-fields query. */
#define UNIFORM_SQL(layer, field, where)                                       \
	"SELECT '" layer "', '" field "', MIN(" field                          \
	"), COUNT(*) FROM " layer " " where                                    \
	" HAVING COUNT(*) > 1 AND COUNT(DISTINCT " field ") = 1 "              \
	"AND COUNT(" field ") = COUNT(*)"
#define SOURCE_HAZARDS "WHERE COALESCE(implied_by_release, '') = ''"

int lr_store_read_uniform_fields(lr_store_reader *rd, lr_store_uniform_fn each,
                                 void *user, lr_error *err)
{
	static const char *const sql[] = {
	        UNIFORM_SQL("hazards", "type", SOURCE_HAZARDS),
	        UNIFORM_SQL("hazards", "contamination", SOURCE_HAZARDS),
	        UNIFORM_SQL("hazards", "recorded_date", SOURCE_HAZARDS),
	        UNIFORM_SQL("releases", "method", ""),
	        UNIFORM_SQL("releases", "release_date", "")};
	visit v = {.uniform = each, .user = user};
	int rc = LR_OK;
	for (int k = 0; rc == LR_OK && k < 5; k++)
		rc = each_row(rd, sql[k], 0, 0, k < 3 ? "hazards" : "releases",
		              k < 3 ? "hazards" : "releases", uniform_row, &v,
		              err);
	return rc;
}

/* ---- geometries, with SpatiaLite ---------------------------------------- */

int lr_store_reader_spatial(lr_store_reader *rd, lr_error *err)
{
	char *msg = NULL;
	sqlite3_enable_load_extension(rd->db, 1);
	int s = sqlite3_load_extension(rd->db, "mod_spatialite", NULL, &msg);
	/* Only SpatiaLite, never an extension named by the store's SQL. */
	sqlite3_enable_load_extension(rd->db, 0);
	int rc = LR_OK;
	if (s != SQLITE_OK)
		rc = lr_error_set(
		        err, LR_ERR_STORE,
		        "%s: SpatiaLite (mod_spatialite) cannot be loaded: %s",
		        rd->path, msg ? msg : "unknown error");
	sqlite3_free(msg);
	return rc;
}

/* A row of id or type, then AsBinary(geometry). */
static int shape_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                     lr_error *err)
{
	const visit *v = ctx;
	lr_store_shape shape = {"", 0, sqlite3_column_blob(st, 1), 0};
	(void)rd;
	shape.size = (size_t)sqlite3_column_bytes(st, 1);
	if (sqlite3_column_type(st, 0) == SQLITE_TEXT)
		shape.id = column_text(st, 0);
	else
		shape.type = sqlite3_column_int(st, 0) ? LR_CHA : LR_SHA;
	return v->shape(v->user, &shape, err);
}

int lr_store_read_region_shapes(lr_store_reader *rd, lr_store_shape_fn each,
                                void *user, lr_error *err)
{
	static const char sql[] =
	        "SELECT " LR_STORE_COL_REGION
	        ", AsBinary(" LR_STORE_COL_GEOMETRY ") FROM " LR_STORE_REGIONS;
	visit v = {.shape = each, .user = user};
	return each_row(rd, sql, 0, 0, LR_STORE_REGIONS, LR_STORE_REGIONS,
	                shape_row, &v, err);
}

int lr_store_read_land_shapes(lr_store_reader *rd, bool whole_hazards,
                              lr_store_shape_fn each, void *user, lr_error *err)
{
	static const char faces[] =
	        "SELECT " LR_STORE_COL_STATE
	        " = 'CHA', AsBinary(" LR_STORE_COL_GEOMETRY
	        ") FROM " LR_STORE_FACES " WHERE " LR_STORE_COL_STATE
	        " IN ('SHA', 'CHA') AND " LR_STORE_COL_GEOMETRY " IS NOT NULL";
	static const char hazards[] =
	        "SELECT " LR_STORE_COL_TYPE
	        " = 'CHA', AsBinary(" LR_STORE_COL_GEOMETRY
	        ") FROM " LR_STORE_HAZARDS " WHERE " LR_STORE_COL_REMAINING
	        " > 0 AND " LR_STORE_COL_GEOMETRY " IS NOT NULL";
	const char *table = whole_hazards ? LR_STORE_HAZARDS : LR_STORE_FACES;
	visit v = {.shape = each, .user = user};
	return each_row(rd, whole_hazards ? hazards : faces, 0, 0, table, table,
	                shape_row, &v, err);
}

/* ---- the ledger's faces and the hazards, for the GeoPackage ------------- */

/* hazard_id, type, contamination, region, recorded date, area, WKB. */
static int land_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                    lr_error *err)
{
	const visit *v = ctx;
	lr_store_land land = {
	        .hazard_id = column_text_or_null(st, 0),
	        .type = column_text_or_null(st, 1),
	        .contamination = column_text_or_null(st, 2),
	        .region_id = column_text_or_null(st, 3),
	        .recorded_date = column_text_or_null(st, 4),
	        .area_m2 = sqlite3_column_double(st, 5),
	        .wkb = sqlite3_column_blob(st, 6),
	};
	(void)rd;
	land.size = (size_t)sqlite3_column_bytes(st, 6);
	return v->land(v->user, &land, err);
}

/* The hazards' columns of lr_store_land, without the geometry's. */
#define HAZARD_COLS                                                            \
	LR_STORE_COL_HAZARD                                                    \
	", " LR_STORE_COL_TYPE ", " LR_STORE_COL_CONTAMINATION                 \
	", " LR_STORE_COL_ASSIGNED ", " LR_STORE_COL_RECORDED                  \
	", " LR_STORE_COL_REMAINING

int lr_store_read_hazards(lr_store_reader *rd, lr_store_land_fn each,
                          void *user, lr_error *err)
{
	static const char sql[] =
	        "SELECT " HAZARD_COLS ", NULL FROM " LR_STORE_HAZARDS;
	visit v = {.land = each, .user = user};
	return each_row(rd, sql, 0, 0, LR_STORE_HAZARDS, LR_STORE_HAZARDS,
	                land_row, &v, err);
}

static int face_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                    lr_error *err)
{
	const visit *v = ctx;
	lr_store_face face = {
	        sqlite3_column_int64(st, 0), column_text_or_null(st, 1),
	        column_text_or_null(st, 2), column_text_or_null(st, 3)};
	(void)rd;
	return v->face(v->user, &face, err);
}

int lr_store_read_faces(lr_store_reader *rd, lr_store_face_fn each, void *user,
                        lr_error *err)
{
	static const char sql[] =
	        "SELECT " LR_STORE_COL_FACE ", " LR_STORE_COL_REGION
	        ", " LR_STORE_COL_STATE ", " LR_STORE_COL_EVENTS
	        " FROM " LR_STORE_FACES " WHERE " LR_STORE_COL_GEOMETRY
	        " IS NOT NULL";
	visit v = {.face = each, .user = user};
	return each_row(rd, sql, 0, 0, LR_STORE_FACES, LR_STORE_FACES, face_row,
	                &v, err);
}

/* Bind row i of the caller's array to the INSERT of a staging table. */
typedef void (*bind_fn)(sqlite3_stmt *st, const void *rows, size_t i);

/*
** Fill the temporary table `table` (created by `create`, dropped first if
** a failed call left it) with n rows through `insert`, in one
** transaction.  Temporary tables live outside the store: the connection
** may be read-only.
*/
static int stage(lr_store_reader *rd, const char *table, const char *create,
                 const char *insert, const void *rows, size_t n, bind_fn bind,
                 lr_error *err)
{
	char drop[128];
	snprintf(drop, sizeof drop, "DROP TABLE IF EXISTS temp.%s", table);
	sqlite3_stmt *st = NULL;
	if (sqlite3_exec(rd->db, drop, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(rd->db, create, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(rd->db, insert, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_exec(rd->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return read_error(rd, table, err);
	}
	int rc = LR_OK;
	for (size_t i = 0; rc == LR_OK && i < n; i++) {
		bind(st, rows, i);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = read_error(rd, table, err);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(rd->db, rc == LR_OK ? "COMMIT" : "ROLLBACK", NULL,
	                 NULL, NULL) != SQLITE_OK &&
	    rc == LR_OK)
		rc = read_error(rd, table, err);
	return rc;
}

/* The staged table's rows are no longer needed. */
static void unstage(lr_store_reader *rd, const char *table)
{
	char drop[128];
	snprintf(drop, sizeof drop, "DROP TABLE IF EXISTS temp.%s", table);
	(void)sqlite3_exec(rd->db, drop, NULL, NULL, NULL);
}

static void bind_owner(sqlite3_stmt *st, const void *rows, size_t i)
{
	const lr_store_owner *o = (const lr_store_owner *)rows + i;
	sqlite3_bind_int64(st, 1, o->face_id);
	sqlite3_bind_text(st, 2, o->hazard_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->state, -1, SQLITE_STATIC);
}

int lr_store_read_remaining_land(lr_store_reader *rd,
                                 const lr_store_owner *owners, size_t n,
                                 bool whole_hazards, lr_store_land_fn each,
                                 void *user, lr_error *err)
{
	/* Exact ledger areas (sums of face areas) with the dissolved
	** geometry of the same faces. */
	static const char faces[] =
	        "SELECT o.hazard_id, o.state, h." LR_STORE_COL_CONTAMINATION
	        ", h." LR_STORE_COL_ASSIGNED ", h." LR_STORE_COL_RECORDED
	        ", sum(f.area_m2), AsBinary(CastToMultiPolygon(ST_Union(f."
	        "geometry))) FROM " LR_STORE_FACES
	        " f JOIN temp.face_owner o ON o.face_id = f." LR_STORE_COL_FACE
	        " LEFT JOIN " LR_STORE_HAZARDS " h ON h." LR_STORE_COL_HAZARD
	        " = o.hazard_id GROUP BY o.hazard_id, o.state ORDER BY "
	        "o.hazard_id, o.state";
	static const char hazards[] =
	        "SELECT " HAZARD_COLS ", AsBinary(" LR_STORE_COL_GEOMETRY
	        ") FROM " LR_STORE_HAZARDS " WHERE " LR_STORE_COL_REMAINING
	        " > 0 ORDER BY " LR_STORE_COL_HAZARD;
	visit v = {.land = each, .user = user};
	if (whole_hazards)
		return each_row(rd, hazards, 0, 0, LR_STORE_HAZARDS,
		                LR_STORE_HAZARDS, land_row, &v, err);
	int rc = stage(rd, "face_owner",
	               "CREATE TEMP TABLE face_owner(face_id INTEGER, "
	               "hazard_id TEXT, state TEXT)",
	               "INSERT INTO temp.face_owner VALUES(?, ?, ?)", owners, n,
	               bind_owner, err);
	if (rc == LR_OK)
		rc = each_row(rd, faces, 0, 0, LR_STORE_FACES, LR_STORE_FACES,
		              land_row, &v, err);
	unstage(rd, "face_owner");
	return rc;
}

/* region, year, method, area, WKB. */
static int released_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                        lr_error *err)
{
	const visit *v = ctx;
	lr_store_released_land land = {
	        .region_id = column_text_or_null(st, 0),
	        .year = sqlite3_column_int(st, 1),
	        .has_year = sqlite3_column_type(st, 1) != SQLITE_NULL,
	        .method = column_text_or_null(st, 2),
	        .area_m2 = sqlite3_column_double(st, 3),
	        .wkb = sqlite3_column_blob(st, 4),
	};
	(void)rd;
	land.size = (size_t)sqlite3_column_bytes(st, 4);
	return v->released(v->user, &land, err);
}

static void bind_freed(sqlite3_stmt *st, const void *rows, size_t i)
{
	const lr_store_freed *x = (const lr_store_freed *)rows + i;
	sqlite3_bind_int64(st, 1, x->face_id);
	sqlite3_bind_text(st, 2, x->region_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, x->year);
	sqlite3_bind_text(st, 4, x->method, -1, SQLITE_STATIC);
}

int lr_store_read_released_land(lr_store_reader *rd,
                                const lr_store_freed *freed, size_t n,
                                bool whole_releases, lr_store_released_fn each,
                                void *user, lr_error *err)
{
	static const char faces[] =
	        "SELECT r.region_id, r.year, r.method, sum(f.area_m2), "
	        "AsBinary(CastToMultiPolygon(ST_Union(f.geometry))) FROM "
	        "" LR_STORE_FACES " f JOIN temp.face_release r ON r.face_id = "
	        "f." LR_STORE_COL_FACE " GROUP BY r.region_id, r.year, "
	        "r.method ORDER BY r.region_id, r.year, r.method";
	static const char releases[] =
	        "SELECT region_assigned, CAST(substr(release_date, 1, 4) AS "
	        "INTEGER) AS y, method, sum(area_m2), "
	        "AsBinary(CastToMultiPolygon(ST_Union(geometry))) FROM "
	        "" LR_STORE_RELEASES " GROUP BY region_assigned, y, method "
	        "ORDER BY region_assigned, y, method";
	visit v = {.released = each, .user = user};
	if (whole_releases)
		return each_row(rd, releases, 0, 0, LR_STORE_RELEASES,
		                LR_STORE_RELEASES, released_row, &v, err);
	int rc = stage(rd, "face_release",
	               "CREATE TEMP TABLE face_release(face_id INTEGER, "
	               "region_id TEXT, year INTEGER, method TEXT)",
	               "INSERT INTO temp.face_release VALUES(?, ?, ?, ?)",
	               freed, n, bind_freed, err);
	if (rc == LR_OK)
		rc = each_row(rd, faces, 0, 0, LR_STORE_FACES, LR_STORE_FACES,
		              released_row, &v, err);
	unstage(rd, "face_release");
	return rc;
}
