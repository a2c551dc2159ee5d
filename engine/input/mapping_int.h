/*
** Inside the engine: the parsed form of a mapping file (engine/mapping.c)
** and the few lookups ingest needs.  Not public: lr_engine.h keeps
** lr_mapping opaque.
*/
#ifndef LR_MAPPING_INT_H
#define LR_MAPPING_INT_H

#include "lr_input.h"

#include <stdbool.h>

/* Our canonical fields, per layer, in this order (lr__field_name). */
enum { LR__F_REGION_ID = 0, LR__F_NAME = 1, LR__F_PARENT_ID = 2 };
enum {
	LR__F_HAZARD_ID = 0,
	LR__F_TYPE = 1,
	LR__F_CONTAMINATION = 2,
	LR__F_RECORDED_DATE = 3,
	LR__F_REPORTED_AREA = 4,
	LR__F_HAZARD_REGION_ID = 5
};
enum {
	LR__F_RELEASE_ID = 0,
	LR__F_RELEASE_HAZARD_ID = 1,
	LR__F_METHOD = 2,
	LR__F_RELEASE_DATE = 3,
	LR__F_AP_MINES = 4,
	LR__F_AV_MINES = 5,
	LR__F_ERW = 6,
	LR__F_AP_IMPROVISED = 7
};
#define LR__MAX_FIELDS 8
#define LR__MAX_FORMATS 8
#define LR__MAX_PARENTS 8

/* What kind of value a canonical field holds. */
typedef enum {
	LR__KIND_TEXT, /* free text (names, ids) */
	LR__KIND_ENUM, /* one of a few values: type, contamination, method */
	LR__KIND_DATE,
	LR__KIND_REAL,  /* reported_area_m2 */
	LR__KIND_COUNT, /* items destroyed: a whole number >= 0 */
} lr__kind;

/* One spelling of an enumerated value, as listed in the mapping. */
typedef struct lr__spelling {
	char *norm; /* owned: lower case, no white space */
	char *text; /* owned: as written, for messages */
	int field;  /* canonical field index in its layer */
	int value;  /* LR_SHA..., LR_CONT_*, lr_method */
	int line;   /* line of the mapping file, 0 for built-in names */
} lr__spelling;

/* How one canonical field is found in a source layer. */
typedef struct lr__map_field {
	char *source;   /* owned; source field name, NULL: our own name */
	char *constant; /* owned; a constant for every feature, or NULL */
	int line;       /* line that set source or constant, 0 if none */
} lr__map_field;

typedef struct lr__map_layer {
	char *layer;    /* owned; layer name in the source, or NULL */
	char *crs;      /* owned; CRS to assume when the source has none */
	char *encoding; /* owned; encoding of the source's text, or NULL */
	lr__map_field f[LR__MAX_FIELDS];
	lr_vec spellings;               /* lr__spelling, strings owned */
	char *formats[LR__MAX_FORMATS]; /* owned; date formats, in order */
	int n_formats;                  /* 0: those of [defaults] */
	bool id_from_fid;               /* the feature id is the record id */
	/* releases only: each release also stands for a hazard record of
	** its land of this type (0: no), with this contamination (0: that
	** of constant.contamination under [hazards], else mixed). */
	int implies_hazard;
	int implies_contamination;
	/* releases only: hazard_id holds a list of hazard ids separated by
	** commas or semicolons (IMSMA's imsma_links), not one id. */
	bool hazard_id_list;
	/* regions only: the files of the levels above the regions, lowest
	** first (parent_layers); each region's parent is the polygon of the
	** first holding most of its land, and so on up.  Owned. */
	char *parents[LR__MAX_PARENTS];
	int n_parents;
} lr__map_layer;

struct lr_mapping {
	char *name; /* owned; file name for messages */
	lr__map_layer layer[3];
	char *formats[LR__MAX_FORMATS]; /* [defaults] date formats */
	int n_formats;
	char *crs;      /* [defaults] crs, owned, or NULL */
	char *encoding; /* [defaults] encoding, owned, or NULL */
};

/* Number of canonical fields of a layer, their names and kinds. */
int lr__field_count(int layer);
const char *lr__field_name(int layer, int field);
lr__kind lr__field_kind(int layer, int field);
/* Whether a feature cannot be accepted without this field. */
bool lr__field_required(int layer, int field);

/*
** Value of an enumerated field from its text: the canonical names (SHA,
** cleared, AP ...) and every spelling the mapping lists, compared without
** case and white space.  Returns the value or -1 if the text is unknown.
*/
int lr__mapping_value(const lr_mapping *m, int layer, int field,
                      const char *text);

/*
** Write into buf (n bytes) the accepted spellings of an enumerated field,
** for messages ("SHA, CHA, Suspected Hazardous Area, ...").  Returns buf.
*/
char *lr__mapping_expected(const lr_mapping *m, int layer, int field, char *buf,
                           size_t n);

/*
** Parse a date with the layer's formats in order, then the always-accepted
** "%Y-%m-%d" and "%Y/%m/%d" (what OGR prints for its own date fields).  A
** time of day after the date ("2019/03/01 00:00:00", "...T10:00Z") is
** ignored.  LR_DATE_NONE if no format matches or the day does not exist.
*/
lr_date lr__mapping_date(const lr_mapping *m, int layer, const char *text);

/*
** Parse s (already trimmed) with one format of %Y (4 digits), %y (2
** digits: 70-99 are 19xx, 00-69 are 20xx), %m and %d (1 or 2 digits), %%
** and literal characters.  The whole of s must match, except for a time of
** day as above.  LR_DATE_NONE if it does not match or the day does not
** exist.
*/
lr_date lr__date_parse_format(const char *fmt, const char *s);

/*
** A list of ids (separated by commas or semicolons; spaces, brackets and
** double quotes around them dropped, so a JSON array reads too; empty
** items skipped) as one new string "H-1,H-2" the caller
** frees; NULL when text is NULL or lists no id, and (setting *oom) when
** out of memory.  No length limit.
*/
char *lr__id_list_normalize(const char *text, bool *oom);

/* The CRS a layer's mapping says to assume, or NULL.  Borrowed. */
const char *lr__mapping_crs(const lr_mapping *m, int layer);
/* The encoding declared for a layer's text (its own, else [defaults]'),
** or NULL: UTF-8. */
const char *lr__mapping_encoding(const lr_mapping *m, int layer);

#endif
