/*
** The store's reader: read-only queries of meta and the result tables,
** under the names the writer uses (schema.h).  Only plain tables are read,
** so SpatiaLite is never loaded.
*/
#include "lr_store_read.h"
#include "schema.h"

#include <errno.h>
#include <sqlite3.h>
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

/* The caller's visitor of a table's rows (one of the two) and its
** argument. */
typedef struct visit {
	lr_store_remaining_fn remaining;
	lr_store_year_fn year;
	void *user; /* borrowed: the caller's */
} visit;

static int remaining_row(const lr_store_reader *rd, sqlite3_stmt *st, void *ctx,
                         lr_error *err)
{
	const visit *v = ctx;
	lr_store_remaining row = {column_text(st, 0), column_cents(st, 1),
	                          column_cents(st, 2), column_cents(st, 3)};
	if (row.total < 0)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: " LR_STORE_REMAINING
		                    ": region %s has negative remaining land",
		                    rd->path, row.region_id);
	return v->remaining(v->user, &row, err);
}

int lr_store_read_remaining(lr_store_reader *rd, lr_store_remaining_fn each,
                            void *user, lr_error *err)
{
	static const char sql[] =
	        "SELECT " LR_STORE_COL_REGION ", " LR_STORE_COL_SHA
	        ", " LR_STORE_COL_CHA ", " LR_STORE_COL_TOTAL
	        " FROM " LR_STORE_REMAINING " WHERE " LR_STORE_COL_REGION
	        " <> '" LR_STORE_TOTAL_ID "'";
	visit v = {.remaining = each, .user = user};
	return each_row(rd, sql, 0, 0, LR_STORE_REMAINING, LR_STORE_REMAINING,
	                remaining_row, &v, err);
}

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
	};
	(void)rd;
	return v->year(v->user, &row, err);
}

int lr_store_read_release_by_year(lr_store_reader *rd, int first_year,
                                  int last_year, lr_store_year_fn each,
                                  void *user, lr_error *err)
{
	static const char sql[] =
	        "SELECT " LR_STORE_COL_YEAR ", " LR_STORE_COL_REGION
	        ", " LR_STORE_COL_NEW ", " LR_STORE_COL_CANCELLED
	        ", " LR_STORE_COL_REDUCED ", " LR_STORE_COL_CLEARED
	        ", " LR_STORE_COL_RELEASED " FROM " LR_STORE_RELEASE_BY_YEAR
	        " WHERE " LR_STORE_COL_REGION " <> '" LR_STORE_TOTAL_ID
	        "' AND " LR_STORE_COL_YEAR " BETWEEN ?1 AND ?2";
	visit v = {.year = each, .user = user};
	return each_row(rd, sql, first_year, last_year,
	                LR_STORE_RELEASE_BY_YEAR, LR_STORE_RELEASE_BY_YEAR,
	                year_row, &v, err);
}
