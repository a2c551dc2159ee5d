/*
** Reading an output folder back into a report: the store, the CSVs of
** project and plan and a previous work plan, each read by its own file
** (report_store.c, report_results.c, report_previous.c), into the six
** request tables.
*/
#include "report_load_int.h"
#include "schema.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int lr__nomem(lr_error *err)
{
	return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
}

int lr__report_note(lr_report *r, lr_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = lr_vec_push_vprintf(&r->notes, fmt, ap);
	va_end(ap);
	return rc == LR_OK ? LR_OK : lr__nomem(err);
}

bool lr__file_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* ---- the report --------------------------------------------------------- */

int lr_report_load(const char *dir, const lr_report_options *o, lr_report **out,
                   lr_error *err)
{
	*out = NULL;
	lr_report *r = lr_xcalloc(1, sizeof *r);
	if (!r)
		return lr__nomem(err);
	lr_vec_init(&r->notes, sizeof(char *));
	lr_vec_init(&r->regions, sizeof(rregion));
	lr_vec_init(&r->faces, sizeof(rface));
	lr_vec_init(&r->levels, sizeof(rlevel));
	lr_vec_init(&r->top, sizeof(rregion));
	lr_vec_init(&r->quality.groups, sizeof(rqgroup));
	lr_vec_init(&r->quality.uniform, sizeof(runiform));
	lr_vec_init(&r->quality.statement, sizeof(char *));
	int rc = lr__lang_open(&r->lang, o->lang, err);
	if (rc != LR_OK) {
		lr_report_free(r);
		return rc;
	}
	char store[4096];
	snprintf(store, sizeof store, "%s/" LR_STORE_FILE, dir);
	r->unit = o->unit;
	r->dir = lr_strdup(dir);
	r->store = lr_strdup(store);
	r->title = lr_strdup(o->title ? o->title
	                              : _("Land release: Article 5 figures"));
	if (!r->dir || !r->store || !r->title) {
		lr_report_free(r);
		return lr__nomem(err);
	}
	/* A missing store is named with the folder analyze must write. */
	lr_store_reader *rd = NULL;
	if (!lr__file_exists(store)) {
		rc = lr_error_set(err, LR_ERR_INPUT,
		                  "cannot read %s: %s (run `landrelease "
		                  "analyze ... --out %s` first)",
		                  store, strerror(ENOENT), dir);
		goto done;
	}
	if ((rc = lr_store_reader_open(store, &rd, err)) != LR_OK)
		goto done;
	if ((rc = lr__load_meta(r, rd, err)) != LR_OK ||
	    (rc = lr__load_remaining(r, rd, err)) != LR_OK ||
	    (rc = lr__load_years(r, rd, err)) != LR_OK ||
	    (rc = lr__load_plan_vs_achieved(r, rd, o->previous_plan, err)) !=
	            LR_OK ||
	    (rc = lr__load_completion(r, err)) != LR_OK ||
	    (rc = lr__load_workplan(r, err)) != LR_OK ||
	    (rc = lr__load_quality(r, rd, err)) != LR_OK ||
	    (rc = lr__load_form_c(r, rd, err)) != LR_OK ||
	    (rc = lr__load_levels(r, rd, err)) != LR_OK ||
	    (rc = lr__load_declaration(r, rd, err)) != LR_OK ||
	    (rc = lr__load_contamination(r, rd, err)) != LR_OK)
		goto done;
	r->present[T_REMAINING] = r->present[T_RELEASED] = r->present[T_NEW] =
	        true;
	if ((rc = lr__tables_to_unit(r, err)) != LR_OK ||
	    (rc = lr__condense_tables(r, err)) != LR_OK)
		goto done;
	if (o->maps)
		rc = lr__load_shapes(r, rd, err);
done:
	lr_store_reader_close(rd);
	if (rc != LR_OK) {
		lr_report_free(r);
		return rc;
	}
	*out = r;
	return LR_OK;
}

void lr_report_free(lr_report *r)
{
	if (!r)
		return;
	for (int k = 0; k < T_N; k++)
		lr__rtable_free(&r->tables[k]);
	for (size_t i = 0; i < r->notes.len; i++)
		free(LR_VEC_AT(&r->notes, char *, i));
	lr_vec_free(&r->notes);
	for (size_t i = 0; i < r->regions.len; i++) {
		rregion *g = &LR_VEC_AT(&r->regions, rregion, i);
		free(g->id);
		free(g->name);
		lr__shape_free(&g->shape);
	}
	lr_vec_free(&r->regions);
	lr__report_levels_free(r);
	for (size_t i = 0; i < r->faces.len; i++)
		lr__shape_free(&LR_VEC_AT(&r->faces, rface, i).shape);
	lr_vec_free(&r->faces);
	lr__quality_free(&r->quality);
	for (int i = 0; i < 3; i++) {
		free(r->source[i]);
		free(r->released[i]);
	}
	free(r->remaining_end);
	free(r->sha_end);
	free(r->cha_end);
	free(r->new_land);
	free(r->dir);
	free(r->store);
	free(r->title);
	lr__lang_close(&r->lang);
	free(r);
}

size_t lr_report_n_notes(const lr_report *r)
{
	return r->notes.len;
}

const char *lr_report_note(const lr_report *r, size_t i)
{
	return LR_VEC_AT(&r->notes, char *, i);
}
