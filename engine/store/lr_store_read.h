/*
** Reading the SpatiaLite store back (engine/store/reader.c): the meta facts
** and the result tables that plan/, report/ and batch/ need, and for maps
** the geometries as WKB, without the ledger.  SpatiaLite is loaded only
** for the geometries (lr_store_reader_spatial).  The table and column
** names are those the writer uses (schema.h).
**
** Every error names the store's path and the table that could not be read;
** a store that is missing, not a store or short of a table is LR_ERR_INPUT
** (an input of the command that reads it), out of memory LR_ERR_NOMEM, and
** SpatiaLite that cannot be loaded LR_ERR_STORE.  The readers of rows call
** a visitor per row: what it is given is valid during the call only, and
** the code it returns other than LR_OK stops the reading and is returned.
*/
#ifndef LR_STORE_READ_H
#define LR_STORE_READ_H

#include "lr_land.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lr_store_reader lr_store_reader; /* opaque */

/*
** Open the store at path read-only.  On success *out is a new reader closed
** with lr_store_reader_close(); on failure *out is NULL and err says to run
** `landrelease analyze` when the file is missing (LR_ERR_INPUT; out of
** memory LR_ERR_NOMEM).  path is copied.
*/
int lr_store_reader_open(const char *path, lr_store_reader **out,
                         lr_error *err);
void lr_store_reader_close(lr_store_reader *rd); /* NULL: no-op */

/* The path given to lr_store_reader_open(), for messages; borrowed. */
const char *lr_store_reader_path(const lr_store_reader *rd);

/*
** The value of `key` in table meta: *value is a new string the caller
** frees, or NULL when the store has no such key (still LR_OK).
** LR_ERR_INPUT naming meta when the table cannot be read; LR_ERR_NOMEM.
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
** are new and owned by the caller, also on failure.  LR_OK, LR_ERR_NOMEM,
** or LR_ERR_INPUT naming the store when a table cannot be read.
*/
int lr_store_read_region_ids(lr_store_reader *rd, int first_year, int last_year,
                             lr_vec *ids, lr_error *err);

/*
** The number of input features ingest rejected, over all layers (the sum of
** ingest_counts.rejected; 0 for none) into *n.  LR_OK, or LR_ERR_INPUT
** naming the store and ingest_counts when the table cannot be read.
*/
int lr_store_read_rejected(lr_store_reader *rd, int64_t *n, lr_error *err);

/* ---- what ingest accepted and found, for the data-quality statement ----- */

/* A row of ingest_counts; layer is valid during the call only. */
typedef struct lr_store_ingest {
	const char *layer;
	int64_t read, accepted, repaired, rejected;
} lr_store_ingest;
typedef int (*lr_store_ingest_fn)(void *user, const lr_store_ingest *row,
                                  lr_error *err);
/* Call each() for every row of ingest_counts, in table order.  LR_OK,
** each()'s code, or LR_ERR_INPUT naming the store and ingest_counts. */
int lr_store_read_ingest(lr_store_reader *rd, lr_store_ingest_fn each,
                         void *user, lr_error *err);

/* A finding of data_quality; the strings ("" for none) are valid during the
** call only. */
typedef struct lr_store_finding {
	const char *severity, *code, *layer, *message;
	lr_cents area; /* 0 when the finding has no area */
} lr_store_finding;
typedef int (*lr_store_finding_fn)(void *user, const lr_store_finding *f,
                                   lr_error *err);
/* Call each() for every row of data_quality, in table order.  Codes as
** above, naming data_quality. */
int lr_store_read_findings(lr_store_reader *rd, lr_store_finding_fn each,
                           void *user, lr_error *err);

/* A field of the input records holding one value on all of its layer's
** n records (n > 1): type, contamination and recorded_date of the hazards
** read from the source (not those a release implies), method and
** release_date of the releases.  Strings valid during the call only. */
typedef struct lr_store_uniform {
	const char *layer, *field, *value;
	int64_t n;
} lr_store_uniform;
typedef int (*lr_store_uniform_fn)(void *user, const lr_store_uniform *u,
                                   lr_error *err);
/* Call each() for every such field, hazards first.  Codes as above, naming
** hazards and releases. */
int lr_store_read_uniform_fields(lr_store_reader *rd, lr_store_uniform_fn each,
                                 void *user, lr_error *err);

/* One meta fact; both strings are valid during the call only. */
typedef int (*lr_store_meta_fn)(void *user, const char *key, const char *value,
                                lr_error *err);

/*
** Call each() for every row of table meta, in table order (a NULL value
** reads as "").  LR_OK, each()'s code when it stops, or LR_ERR_INPUT
** naming the store and meta when the table cannot be read.
*/
int lr_store_read_meta_each(lr_store_reader *rd, lr_store_meta_fn each,
                            void *user, lr_error *err);

/* One row of remaining_by_region; the strings are valid during the call. */
typedef struct lr_store_remaining {
	const char *region_id;
	const char *region_name;
	lr_cents sha, cha, total;
	int64_t sha_count, cha_count, total_count; /* hazardous areas */
	/* total by contamination: AP, AV, ERW, mixed (0 from the area-only
	** reader) */
	lr_cents ap, av, erw_land, mixed;
} lr_store_remaining;

/* One row of remaining_by_level: a region of one level and the land
** below it; the strings are valid during the call. */
typedef struct lr_store_level {
	int level;             /* 1 at the top; 0 for the TOTAL row */
	const char *parent_id; /* "" at the top and for TOTAL */
	lr_store_remaining row;
} lr_store_level;

typedef int (*lr_store_level_fn)(void *user, const lr_store_level *row,
                                 lr_error *err);

/*
** Every region level: call each() for every row of remaining_by_level in
** the order the writer stored them (level 1's block first, down to the
** regions, then TOTAL).  *present is false, and each() never called, when
** the store has no such table (no region names a parent).  LR_OK,
** each()'s code, or LR_ERR_INPUT naming the store and the table.
*/
int lr_store_read_levels(lr_store_reader *rd, bool *present,
                         lr_store_level_fn each, void *user, lr_error *err);

/* One row of release_by_year_by_level: a region of one level in one year
** (its areas only: items, stocks by type and counts are 0); the strings
** are valid during the call. */
typedef struct lr_store_level_year lr_store_level_year;
typedef int (*lr_store_level_year_fn)(void *user,
                                      const lr_store_level_year *row,
                                      lr_error *err);

/*
** Every region level per year: call each() for every row of
** release_by_year_by_level in the order the writer stored them.
** *present is false, and each() never called, when the store has no such
** table.  LR_OK, each()'s code, or LR_ERR_INPUT naming the store and the
** table.
*/
int lr_store_read_level_years(lr_store_reader *rd, bool *present,
                              lr_store_level_year_fn each, void *user,
                              lr_error *err);

/* One row of release_by_year; region_id is valid during the call. */
typedef struct lr_store_year {
	int year;
	const char *region_id;
	lr_cents new_land;
	lr_cents by_method[LR_N_METHODS]; /* indexed by lr_method */
	lr_cents released;
	lr_cents remaining_end;          /* hazardous land at the year's end */
	int64_t ap_mines, av_mines, erw; /* items destroyed */
	/* Read by lr_store_read_release_table() only (else 0): SHA land
	** turned CHA, the stocks by type at the year's end, the areas still
	** holding land then, improvised AP mines destroyed. */
	lr_cents reclassified, sha_end, cha_end;
	int64_t sha_count_end, cha_count_end, ap_improvised;
} lr_store_year;

struct lr_store_level_year {
	int level;             /* 1 at the top; 0 for the TOTAL rows */
	const char *parent_id; /* "" at the top and for TOTAL */
	lr_store_year row;
};

/*
** Row visitors: return LR_OK to go on, or an error code (err set) to stop
** the reading with that code.  row and its strings are borrowed.
*/
typedef int (*lr_store_remaining_fn)(void *user, const lr_store_remaining *row,
                                     lr_error *err);
typedef int (*lr_store_year_fn)(void *user, const lr_store_year *row,
                                lr_error *err);

/*
** Call each() for every region row of remaining_by_region (TOTAL left out),
** in table order, with its areas only (region_name "", counts 0).  A row
** with negative remaining land is an invalid store (LR_ERR_INPUT naming
** the region), as is a table that cannot be read (naming the table).
*/
int lr_store_read_remaining(lr_store_reader *rd, lr_store_remaining_fn each,
                            void *user, lr_error *err);

/*
** Call each() for every region row of release_by_year (TOTAL left out)
** whose year is in first_year..last_year, in table order, with its areas
** but not remaining_end nor the items (0).  LR_OK, each()'s code, or
** LR_ERR_INPUT naming the store and the table.
*/
int lr_store_read_release_by_year(lr_store_reader *rd, int first_year,
                                  int last_year, lr_store_year_fn each,
                                  void *user, lr_error *err);

/*
** Call each() for every row of remaining_by_region, TOTAL and OUTSIDE
** included, in the order the writer stored them.  LR_OK, each()'s code,
** or LR_ERR_INPUT naming the store and the table.
*/
int lr_store_read_remaining_table(lr_store_reader *rd,
                                  lr_store_remaining_fn each, void *user,
                                  lr_error *err);

/*
** Call each() for every row of release_by_year, TOTAL included and every
** year, in the order the writer stored them.  Codes as above.
*/
int lr_store_read_release_table(lr_store_reader *rd, lr_store_year_fn each,
                                void *user, lr_error *err);

/*
** The land released in year by region id (LR_STORE_TOTAL_ID for the
** nation) into *released; *found is false, and *released 0, when
** release_by_year has no such row.  LR_OK, or LR_ERR_INPUT naming the
** store and the table.
*/
int lr_store_read_released(lr_store_reader *rd, int year, const char *id,
                           lr_cents *released, bool *found, lr_error *err);

/*
** Load SpatiaLite (mod_spatialite) into the reader's connection: the
** geometry readers below need it to turn the store's geometries into WKB.
** LR_OK; LR_ERR_STORE when it cannot be loaded, the message "PATH:
** SpatiaLite (mod_spatialite) cannot be loaded: WHY"; the reader stays
** usable for the plain tables.
*/
int lr_store_reader_spatial(lr_store_reader *rd, lr_error *err);

/* One geometry: id and wkb are valid during the call only. */
typedef struct lr_store_shape {
	const char *id;      /* region id; "" for land */
	lr_hazard_type type; /* LR_SHA or LR_CHA; 0 for a region */
	const void *wkb;     /* ISO WKB, NULL when the row has none */
	size_t size;         /* bytes of wkb */
} lr_store_shape;

typedef int (*lr_store_shape_fn)(void *user, const lr_store_shape *shape,
                                 lr_error *err);

/*
** Call each() for every region of table regions with its outline, in
** table order.  Needs lr_store_reader_spatial().  LR_OK, each()'s code,
** or LR_ERR_INPUT naming the store and regions.
*/
int lr_store_read_region_shapes(lr_store_reader *rd, lr_store_shape_fn each,
                                void *user, lr_error *err);

/*
** Call each() for the hazardous land the store holds at the as-of date,
** typed SHA or CHA: the ledger's faces in state SHA or CHA that have a
** geometry, or with whole_hazards the hazards with land remaining (a
** store written with analyze --no-faces has no face geometries).  Needs
** lr_store_reader_spatial().  Codes as above, naming faces or hazards.
*/
int lr_store_read_land_shapes(lr_store_reader *rd, bool whole_hazards,
                              lr_store_shape_fn each, void *user,
                              lr_error *err);

/* One row of form_c (Article 7 Form C); the strings are valid during the
** call only. */
typedef struct lr_store_form_c {
	const char *hazard_id, *region_id, *type, *contamination;
	const char *recorded_date; /* YYYY-MM-DD */
	lr_cents remaining;        /* the land listed under the hazard */
	double lon, lat;           /* a point on that land, WGS84 degrees */
} lr_store_form_c;

typedef int (*lr_store_form_c_fn)(void *user, const lr_store_form_c *row,
                                  lr_error *err);

/*
** Call each() for every row of form_c, in the order the writer stored
** them.  LR_OK, each()'s code, or LR_ERR_INPUT naming the store and
** form_c (a store written before Form C has none).
*/
int lr_store_read_form_c(lr_store_reader *rd, lr_store_form_c_fn each,
                         void *user, lr_error *err);

/* ---- completion: the declaration-of-completion annex -------------------- */

/* A row of completion_by_region; dates "" when they did not happen; the
** strings are valid during the call only. */
typedef struct lr_store_completion {
	const char *region_id, *region_name;
	const char *status; /* complete, not_complete, no_land */
	const char *completed_on, *last_release;
	lr_cents remaining;
	int64_t unknown_count;
	lr_cents unknown;
} lr_store_completion;

/* A row of completion_releases (hazard_id "" when the release names
** none). */
typedef struct lr_store_completion_release {
	const char *release_id, *hazard_id, *region_id, *method, *release_date;
	lr_cents released;
} lr_store_completion_release;

/* A row of previously_unknown (released_on "" while it holds land). */
typedef struct lr_store_unknown {
	const char *hazard_id, *region_id, *type, *contamination;
	const char *recorded_date, *released_on;
	lr_cents recorded, remaining;
} lr_store_unknown;

/* What to call for the rows of each of the three tables; user is passed
** to each. */
typedef struct lr_store_completion_visitor {
	int (*region)(void *user, const lr_store_completion *row,
	              lr_error *err);
	int (*release)(void *user, const lr_store_completion_release *row,
	               lr_error *err);
	int (*unknown)(void *user, const lr_store_unknown *row, lr_error *err);
	void *user; /* borrowed */
} lr_store_completion_visitor;

/*
** Call v's functions for every row of completion_by_region, then of
** completion_releases, then of previously_unknown, each in the order the
** writer stored them.  *present is false (and nothing called) for a store
** written before completion was.  LR_OK, a visitor's code, or LR_ERR_INPUT
** naming the store and table.
*/
int lr_store_read_completion(lr_store_reader *rd,
                             const lr_store_completion_visitor *v,
                             bool *present, lr_error *err);

/* ---- the ledger's faces and the hazards, for the GeoPackage ------------- */

/*
** Hazardous land, or a hazard: the strings are NULL where the store has no
** value and valid during the call only, as is wkb.
*/
typedef struct lr_store_land {
	const char *hazard_id;
	const char *type; /* "SHA" or "CHA" */
	const char *contamination;
	const char *region_id; /* the region the land counts in */
	const char *recorded_date;
	double area_m2;  /* as the store adds the faces' areas */
	const void *wkb; /* ISO WKB, NULL without */
	size_t size;     /* bytes of wkb */
} lr_store_land;

typedef int (*lr_store_land_fn)(void *user, const lr_store_land *land,
                                lr_error *err);

/*
** Call each() for every hazard of table hazards in table order, without
** its geometry (wkb NULL; area_m2 the land remaining).  LR_OK, each()'s
** code, or LR_ERR_INPUT naming the store and hazards.
*/
int lr_store_read_hazards(lr_store_reader *rd, lr_store_land_fn each,
                          void *user, lr_error *err);

/* A face of the ledger; the strings are NULL where the store has none and
** valid during the call only. */
typedef struct lr_store_face {
	int64_t face_id;
	const char *region_id;
	const char *state;  /* "SHA", "CHA" or "clean" */
	const char *events; /* "DATE record|release ID WHAT; ..." */
} lr_store_face;

typedef int (*lr_store_face_fn)(void *user, const lr_store_face *face,
                                lr_error *err);

/*
** Call each() for every face that has a geometry (none when analyze ran
** with --no-faces), by face_id.  Codes as above, naming faces.
*/
int lr_store_read_faces(lr_store_reader *rd, lr_store_face_fn each, void *user,
                        lr_error *err);

/* Face face_id is hazardous land of hazard_id, in state "SHA" or "CHA".
** Borrowed strings. */
typedef struct lr_store_owner {
	int64_t face_id;
	const char *hazard_id;
	const char *state;
} lr_store_owner;

/* Face face_id was released in year by method, counted in region_id.
** Borrowed strings. */
typedef struct lr_store_freed {
	int64_t face_id;
	const char *region_id;
	int year;
	const char *method;
} lr_store_freed;

/*
** The remaining hazardous land dissolved: for each (hazard_id, state) of
** owners[0..n) (borrowed for the call), sorted by hazard_id then state, the
** union of its faces and the sum of their areas, with the hazard's
** contamination, region and recorded date (NULL for a hazard the store does
** not hold).  With whole_hazards (a store without face geometries) owners is
** unused and the hazards with land remaining stand in, whole, by hazard_id.
** Needs lr_store_reader_spatial().  Codes as above, naming faces or hazards.
*/
int lr_store_read_remaining_land(lr_store_reader *rd,
                                 const lr_store_owner *owners, size_t n,
                                 bool whole_hazards, lr_store_land_fn each,
                                 void *user, lr_error *err);

/* Released land, dissolved; the strings as in lr_store_land. */
typedef struct lr_store_released_land {
	const char *region_id;
	int year;
	bool has_year; /* false when the store has no date */
	const char *method;
	double area_m2;
	const void *wkb;
	size_t size;
} lr_store_released_land;

typedef int (*lr_store_released_fn)(void *user,
                                    const lr_store_released_land *land,
                                    lr_error *err);

/*
** The released land dissolved: for each (region_id, year, method) of
** freed[0..n) (borrowed for the call), sorted so, the union of its faces and
** the sum of their areas.  With whole_releases (a store without face
** geometries) freed is unused and the releases of table releases stand in,
** grouped by the region they count in, their year and method.  Needs
** lr_store_reader_spatial().  Codes as above, naming faces or releases.
*/
int lr_store_read_released_land(lr_store_reader *rd,
                                const lr_store_freed *freed, size_t n,
                                bool whole_releases, lr_store_released_fn each,
                                void *user, lr_error *err);

#endif
