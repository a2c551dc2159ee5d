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

/* The meta keys, in the order the writer stores them. */
#define LR_STORE_KEY_VERSION "program_version"
#define LR_STORE_KEY_AS_OF "as_of"           /* YYYY-MM-DD */
#define LR_STORE_KEY_BASELINE "baseline"     /* YYYY-MM-DD or "" */
#define LR_STORE_KEY_SCOPE "scope"           /* "AP,AV", "" for all */
#define LR_STORE_KEY_FIRST_YEAR "first_year" /* first year of data */
#define LR_STORE_KEY_LAST_YEAR "last_year"
#define LR_STORE_KEY_REGIONS_SOURCE "regions_source"
#define LR_STORE_KEY_HAZARDS_SOURCE "hazards_source"
#define LR_STORE_KEY_RELEASES_SOURCE "releases_source"
#define LR_STORE_KEY_N_FACES "n_faces"
#define LR_STORE_KEY_N_CLUSTERS "n_clusters"

/* ingest_counts(layer, read, accepted, repaired, rejected): one row per
** input layer. */
#define LR_STORE_INGEST "ingest_counts"
#define LR_STORE_COL_REJECTED "rejected"

/* The tables of the inputs and of the ledger's faces, each with a
** MULTIPOLYGON column LR_STORE_COL_GEOMETRY (SpatiaLite's format). */
#define LR_STORE_REGIONS "regions"
#define LR_STORE_HAZARDS "hazards"
#define LR_STORE_RELEASES "releases"
#define LR_STORE_FACES "faces"
#define LR_STORE_COL_GEOMETRY "geometry"
#define LR_STORE_COL_HAZARD "hazard_id"
#define LR_STORE_COL_TYPE "type"
#define LR_STORE_COL_CONTAMINATION "contamination"
#define LR_STORE_COL_RECORDED "recorded_date"
#define LR_STORE_COL_ASSIGNED "region_assigned"
#define LR_STORE_COL_REMAINING "remaining_m2"
#define LR_STORE_COL_FACE "face_id"
#define LR_STORE_COL_STATE "state"
#define LR_STORE_COL_EVENTS "events"

/* The region id of the national row of every result table. */
#define LR_STORE_TOTAL_ID "TOTAL"

/* remaining_by_region: land left per region at the as-of date. */
#define LR_STORE_REMAINING "remaining_by_region"
/* release_by_year: land found and released per year and region. */
#define LR_STORE_RELEASE_BY_YEAR "release_by_year"
/* baseline_by_region: land left per region at the baseline date. */
#define LR_STORE_BASELINE "baseline_by_region"
/* form_c: Article 7 Form C, one row per hazard still holding land. */
#define LR_STORE_FORM_C "form_c"
/* completion_by_region: where every region and the nation stand on
** completion (the declaration-of-completion annex): the day land in scope
** fell to zero, the last release, the previously unknown areas since. */
#define LR_STORE_COMPLETION "completion_by_region"
/* completion_releases: the releases of hazardous land in scope from
** LR_COMPLETION_YEARS before national completion to the as-of date. */
#define LR_STORE_COMPLETION_RELEASES "completion_releases"
/* previously_unknown: hazards recorded after national completion. */
#define LR_STORE_PREVIOUSLY_UNKNOWN "previously_unknown"
/* remaining_by_level, release_by_year_by_level: the two region tables at
** every level of the regions' parents, one block per level from the top,
** then TOTAL; their columns are LR_STORE_COL_LEVEL and
** LR_STORE_COL_PARENT, then those of the region tables. */
#define LR_STORE_REMAINING_LEVEL "remaining_by_level"
#define LR_STORE_RELEASE_BY_YEAR_LEVEL "release_by_year_by_level"
/* data_quality: what ingest repaired or rejected, one row per finding. */
#define LR_STORE_QUALITY "data_quality"

/* Columns of the result tables. */
#define LR_STORE_COL_REGION "region_id"
#define LR_STORE_COL_REGION_NAME "region_name"
#define LR_STORE_COL_LEVEL "level"
#define LR_STORE_COL_PARENT "parent_id"
#define LR_STORE_COL_YEAR "year"
#define LR_STORE_COL_SHA_COUNT "sha_count"
#define LR_STORE_COL_SHA "sha_m2"
#define LR_STORE_COL_CHA_COUNT "cha_count"
#define LR_STORE_COL_CHA "cha_m2"
#define LR_STORE_COL_TOTAL_COUNT "total_count"
#define LR_STORE_COL_TOTAL "total_m2"
#define LR_STORE_COL_NEW "new_m2"
#define LR_STORE_COL_CANCELLED "cancelled_m2"
#define LR_STORE_COL_REDUCED "reduced_m2"
#define LR_STORE_COL_CLEARED "cleared_m2"
#define LR_STORE_COL_RELEASED "released_m2"
#define LR_STORE_COL_REMAINING_END "remaining_end_m2"
#define LR_STORE_COL_AP_MINES "ap_mines"
#define LR_STORE_COL_AV_MINES "av_mines"
#define LR_STORE_COL_ERW "erw"
#define LR_STORE_COL_RECLASSIFIED "reclassified_m2"
#define LR_STORE_COL_SHA_END "sha_end_m2"
#define LR_STORE_COL_CHA_END "cha_end_m2"
#define LR_STORE_COL_SHA_COUNT_END "sha_count_end"
#define LR_STORE_COL_CHA_COUNT_END "cha_count_end"
#define LR_STORE_COL_AP "ap_m2"
#define LR_STORE_COL_AV "av_m2"
#define LR_STORE_COL_ERW_LAND "erw_m2"
#define LR_STORE_COL_MIXED "mixed_m2"
#define LR_STORE_COL_AP_IMPROVISED "ap_improvised_mines"
#define LR_STORE_COL_STATUS "status"
#define LR_STORE_COL_COMPLETED "completed_on"
#define LR_STORE_COL_LAST_RELEASE "last_release"
#define LR_STORE_COL_REMAINING_NOW "remaining_m2"
#define LR_STORE_COL_UNKNOWN_COUNT "unknown_count"
#define LR_STORE_COL_UNKNOWN "unknown_m2"
#define LR_STORE_COL_RELEASE "release_id"
#define LR_STORE_COL_METHOD "method"
#define LR_STORE_COL_RELEASE_DATE "release_date"
#define LR_STORE_COL_RECORDED_LAND "recorded_m2"
#define LR_STORE_COL_RELEASED_ON "released_on"
#define LR_STORE_COL_LON "lon"
#define LR_STORE_COL_LAT "lat"
#define LR_STORE_COL_SEVERITY "severity"
#define LR_STORE_COL_CODE "code"
#define LR_STORE_COL_LAYER "layer"
#define LR_STORE_COL_FEATURE "feature_id"
#define LR_STORE_COL_RECORD "record_id"
#define LR_STORE_COL_AREA "area_m2"
#define LR_STORE_COL_MESSAGE "message"

#endif
