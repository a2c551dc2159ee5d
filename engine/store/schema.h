/*
** The names of the store's tables and columns that its writer (store.c) and
** its reader (reader.c) share: one spelling, so a renamed column breaks the
** build instead of a query at run time.  Plain string literals, so they can
** be pasted into SQL text at compile time.
**
** The result tables have the same columns as their CSV files; their full
** column lists are those of the tables' definitions (tables.c).
*/
#ifndef LR_STORE_SCHEMA_H
#define LR_STORE_SCHEMA_H

/* The file's name inside the output folder. */
#define LR_STORE_FILE "landrelease.sqlite"

/* meta(key TEXT PRIMARY KEY, value TEXT): one row per fact of the run. */
#define LR_STORE_META "meta"
#define LR_STORE_META_KEY "key"
#define LR_STORE_META_VALUE "value"

/* The meta keys the reader relies on. */
#define LR_STORE_KEY_AS_OF "as_of"           /* YYYY-MM-DD */
#define LR_STORE_KEY_FIRST_YEAR "first_year" /* first year of data */
#define LR_STORE_KEY_SCOPE "scope"           /* "AP,AV", "" for all */

/* The region id of the national row of every result table. */
#define LR_STORE_TOTAL_ID "TOTAL"

/* remaining_by_region: land left per region at the as-of date. */
#define LR_STORE_REMAINING "remaining_by_region"
/* release_by_year: land found and released per year and region. */
#define LR_STORE_RELEASE_BY_YEAR "release_by_year"

/* Columns of the result tables. */
#define LR_STORE_COL_REGION "region_id"
#define LR_STORE_COL_YEAR "year"
#define LR_STORE_COL_SHA "sha_m2"
#define LR_STORE_COL_CHA "cha_m2"
#define LR_STORE_COL_TOTAL "total_m2"
#define LR_STORE_COL_NEW "new_m2"
#define LR_STORE_COL_CANCELLED "cancelled_m2"
#define LR_STORE_COL_REDUCED "reduced_m2"
#define LR_STORE_COL_CLEARED "cleared_m2"
#define LR_STORE_COL_RELEASED "released_m2"

#endif
