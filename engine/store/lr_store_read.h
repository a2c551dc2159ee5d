/*
** Reading the SpatiaLite store back (engine/store/reader.c): the meta facts
** and the result tables that plan/, report/ and batch/ need, without the
** ledger and without SpatiaLite (the tables read here have no geometry).
** The table and column names are those the writer uses (schema.h).
**
** Every error names the store's path and what could not be read; a store
** that is missing or not a store is LR_ERR_INPUT (an input of the command
** that reads it), out of memory LR_ERR_NOMEM.
*/
#ifndef LR_STORE_READ_H
#define LR_STORE_READ_H

#include "lr_land.h"

#include <stddef.h>

typedef struct lr_store_reader lr_store_reader; /* opaque */

/*
** Open the store at path read-only.  On success *out is a new reader closed
** with lr_store_reader_close(); on failure *out is NULL and err says to run
** `landrelease analyze` when the file is missing.
*/
int lr_store_reader_open(const char *path, lr_store_reader **out,
                         lr_error *err);
void lr_store_reader_close(lr_store_reader *rd); /* NULL: no-op */

/* The path given to lr_store_reader_open(), for messages; borrowed. */
const char *lr_store_reader_path(const lr_store_reader *rd);

/*
** The value of `key` in table meta: *value is a new string the caller
** frees, or NULL when the store has no such key (still LR_OK).
*/
int lr_store_reader_meta(lr_store_reader *rd, const char *key, char **value,
                         lr_error *err);

/*
** Copy the value of `key` in the meta table of the store at path into buf
** (n bytes, NUL-terminated; "" on failure).  LR_OK; LR_ERR_IO when the file
** cannot be opened; LR_ERR_STORE when it is not a store, has no such key or
** the value does not fit.  For callers that only want one fact and no
** message.
*/
int lr_store_read_meta(const char *path, const char *key, char *buf, size_t n);

/*
** The region ids of remaining_by_region and of release_by_year's rows in
** first_year..last_year, without TOTAL, each once, sorted by strcmp: a
** region finished before the as-of date has no remaining land but its
** release still counts.  Appended to ids (a vector of char *); the strings
** are new and owned by the caller, also on failure.
*/
int lr_store_read_region_ids(lr_store_reader *rd, int first_year, int last_year,
                             lr_vec *ids, lr_error *err);

/* One row of remaining_by_region; region_id is valid during the call. */
typedef struct lr_store_remaining {
	const char *region_id;
	lr_cents sha, cha, total;
} lr_store_remaining;

/* One row of release_by_year; region_id is valid during the call. */
typedef struct lr_store_year {
	int year;
	const char *region_id;
	lr_cents new_land;
	lr_cents by_method[LR_N_METHODS]; /* indexed by lr_method */
	lr_cents released;
} lr_store_year;

/*
** Row visitors: return LR_OK to go on, or an error code (err set) to stop
** the reading with that code.
*/
typedef int (*lr_store_remaining_fn)(void *user, const lr_store_remaining *row,
                                     lr_error *err);
typedef int (*lr_store_year_fn)(void *user, const lr_store_year *row,
                                lr_error *err);

/*
** Call each() for every region row of remaining_by_region (TOTAL left out),
** in table order.  A row with negative remaining land is an invalid store
** (LR_ERR_INPUT).
*/
int lr_store_read_remaining(lr_store_reader *rd, lr_store_remaining_fn each,
                            void *user, lr_error *err);

/*
** Call each() for every region row of release_by_year (TOTAL left out)
** whose year is in first_year..last_year, in table order.
*/
int lr_store_read_release_by_year(lr_store_reader *rd, int first_year,
                                  int last_year, lr_store_year_fn each,
                                  void *user, lr_error *err);

#endif
