/*
** The request tables, report and maps of `landrelease report`: everything
** read back from an output folder of analyze/project/plan and written as
** XLSX, Markdown, JSON, HTML with charts, PDF and a GeoPackage for QGIS.
*/
#ifndef LR_REPORT_H
#define LR_REPORT_H

#include "lr_base.h"

#include <stdbool.h>

/* Opaque; owns everything it holds (tables, figures, shapes, notes) and
** keeps no pointer into the caller's memory. */
typedef struct lr_report lr_report;

/* The unit every request table and the report show areas in (the CSVs of
** analyze stay in m²).  Zero is km², as requests and Article 7 reports
** publish them. */
typedef enum { LR_UNIT_KM2 = 0, LR_UNIT_HA, LR_UNIT_M2 } lr_area_unit;

/* "km2", "ha" or "m2" into *u: LR_OK, else LR_ERR_USAGE naming the word. */
int lr_report_unit_parse(const char *s, lr_area_unit *u, lr_error *err);

/* Borrowed for the call of lr_report_load() only: the report copies what
** it keeps. */
typedef struct lr_report_options {
	const char *title;         /* borrowed; NULL: a default title */
	const char *previous_plan; /* borrowed; workplan.csv-like, or NULL */
	bool maps;                 /* load geometries (HTML/PDF map, gpkg) */
	lr_area_unit unit;         /* areas of the tables and the report */
	const char *lang;          /* borrowed; "en" (NULL), "fr" or "es" */
} lr_report_options;

/*
** Read the store DIR/landrelease.sqlite and the result files of DIR
** (completion.csv and workplan.csv are optional) and build the six request
** tables.  On success *out is a new report the caller frees with
** lr_report_free(); on failure *out is NULL and err is set.  dir and o are
** borrowed for the call.  Errors name the file: LR_ERR_INPUT for a missing
** or unreadable store or previous plan or a language's missing
** translations, LR_ERR_USAGE for a previous plan without the columns or an
** unknown language.
*/
int lr_report_load(const char *dir, const lr_report_options *o, lr_report **out,
                   lr_error *err);
/* LR_OK when code is a language reports are written in ("en", "fr", "es";
** NULL is English), else LR_ERR_USAGE naming it. */
int lr_report_lang_check(const char *code, lr_error *err);

/* Free r and everything it owns; NULL is a harmless no-op. */
void lr_report_free(lr_report *r);

/* Notes for the user (tables omitted, plan years not yet due, ...); the
** strings are owned by the report and live until lr_report_free(). */
size_t lr_report_n_notes(const lr_report *r);
const char *lr_report_note(const lr_report *r, size_t i);

/* Each writer writes one file at path through a temporary name renamed into
** place (base/lr_file.h), reading r and path only (both borrowed); LR_OK or
** LR_ERR_IO (LR_ERR_STORE for the gpkg's store queries). */
int lr_report_write_md(const lr_report *r, const char *path, lr_error *err);
int lr_report_write_json(const lr_report *r, const char *path, lr_error *err);
int lr_report_write_xlsx(const lr_report *r, const char *path, lr_error *err);
int lr_report_write_html(const lr_report *r, const char *path, lr_error *err);
int lr_report_write_pdf(const lr_report *r, const char *path, lr_error *err);
/* remaining.gpkg: layers remaining_hazards and released_land with a QGIS
** style each in layer_styles.  Reads the store again (needs SpatiaLite). */
int lr_report_write_gpkg(const lr_report *r, const char *path, lr_error *err);

/* One chart as a PNG (width x height pixels): 0 remaining land over time,
** 1 released land by year and method, 2 the map. */
enum { LR_CHART_REMAINING = 0, LR_CHART_RELEASED = 1, LR_CHART_MAP = 2 };
int lr_report_chart_png(const lr_report *r, int chart, int width, int height,
                        const char *path, lr_error *err);

#endif
