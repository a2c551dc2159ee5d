/* request_tables.json: the request tables as JSON (jansson). */
#include "report_int.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

static const char *const type_names[] = {
        [RC_TEXT] = "text", [RC_YEAR] = "year",    [RC_COUNT] = "count",
        [RC_M2] = "m2",     [RC_KM2] = "km2",      [RC_PCT] = "percent",
        [RC_DATE] = "date", [RC_MONEY] = "amount", [RC_COORD] = "degrees"};

/* A cell as JSON: numbers rounded to the decimals the tables show, so the
** JSON says what the CSV says; text as strings; empty as null. */
static json_t *cell_json(const rtable *t, size_t r, int c)
{
	const rcell *x = RT_CELL(t, r, c);
	if (x->kind == CELL_TEXT)
		return json_string(x->s);
	if (x->kind == CELL_EMPTY)
		return json_null();
	rc_type ty = t->cols[c].type;
	if (ty == RC_YEAR || ty == RC_COUNT)
		return json_integer((json_int_t)llround(x->v));
	double scale = pow(10, lr__type_decimals(ty));
	return json_real(round(x->v * scale) / scale);
}

static json_t *row_json(const rtable *t, size_t r)
{
	json_t *o = json_object();
	for (int c = 0; o && c < t->n_cols; c++)
		json_object_set_new(o, t->cols[c].key, cell_json(t, r, c));
	return o;
}

static json_t *table_json(const lr_report *r, const rtable *t)
{
	json_t *cols = json_array(), *rows = json_array(),
	       *totals = json_array();
	/* An area column says the unit its numbers are in. */
	static const char *const area_types[] = {[LR_UNIT_KM2] = "km2",
	                                         [LR_UNIT_HA] = "ha",
	                                         [LR_UNIT_M2] = "m2"};
	for (int c = 0; c < t->n_cols; c++) {
		rc_type ty = t->cols[c].type;
		json_array_append_new(
		        cols,
		        json_pack("{s:s, s:s, s:s, s:s}", "key", t->cols[c].key,
		                  "label", t->cols[c].label, "unit",
		                  t->cols[c].unit, "type",
		                  ty == RC_M2 ? area_types[r->unit]
		                              : type_names[ty]));
	}
	json_t *total = NULL;
	for (size_t i = 0; i < t->n_rows; i++) {
		if (t->total[i]) {
			json_t *row = row_json(t, i);
			json_array_append(totals, row);
			json_decref(total);
			total = row; /* the last total row: the national one */
		} else {
			json_array_append_new(rows, row_json(t, i));
		}
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, "
	                 "s:o, s:o}",
	                 "id", t->id, "title", t->title, "as_of", r->as_of,
	                 "scope", r->scope, "units", t->units, "source",
	                 t->source, "note", t->note, "columns", cols, "rows",
	                 rows, "totals", totals, "total",
	                 total ? total : json_null());
}

int lr_report_write_json(const lr_report *r, const char *path, lr_error *err)
{
	char scope[512];
	json_t *tables = json_array(), *notes = json_array(),
	       *quality = json_array();
	for (size_t i = 0; i < r->quality.statement.len; i++)
		json_array_append_new(
		        quality, json_string(LR_VEC_AT(&r->quality.statement,
		                                       char *, i)));
	for (int k = 0; k < T_N; k++)
		if (r->present[k] && !r->tables[k].report_only)
			json_array_append_new(tables,
			                      table_json(r, &r->tables[k]));
	for (size_t i = 0; i < r->notes.len; i++)
		json_array_append_new(
		        notes, json_string(LR_VEC_AT(&r->notes, char *, i)));
	json_t *root = json_pack(
	        "{s:s, s:s, s:s?, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}, "
	        "s:o, s:o, s:o}",
	        "title", r->title, "as_of", r->as_of, "baseline",
	        r->baseline[0] ? r->baseline : NULL, "area_unit",
	        lr__unit_symbol(r->unit), "scope", r->scope, "scope_text",
	        lr__scope_text(r, scope, sizeof scope), "program_version",
	        r->version, "sources", "regions", r->source[0], "hazards",
	        r->source[1], "releases", r->source[2], "notes", notes,
	        "data_quality", quality, "tables", tables);
	if (!root)
		return lr_error_set(err, LR_ERR_NOMEM,
		                    "cannot build the JSON of %s", path);
	char *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER |
	                                      JSON_REAL_PRECISION(15));
	json_decref(root);
	if (!text)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	rbuf b = {0};
	lr__buf_puts(&b, text);
	lr__buf_puts(&b, "\n");
	free(text);
	if (b.failed) {
		lr__buf_free(&b);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	int rc = lr__write_file(path, b.data, b.len, err);
	lr__buf_free(&b);
	return rc;
}
