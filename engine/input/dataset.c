/* Records, data-quality findings and the dataset that holds them. */
#include "lr_input.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const lr_layer_names[3] = {"regions", "hazards", "releases"};

void lr_quality_init(lr_quality *q)
{
	lr_vec_init(&q->items, sizeof(lr_finding));
}

void lr_quality_free(lr_quality *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->items.len; i++) {
		lr_finding *f = &LR_VEC_AT(&q->items, lr_finding, i);
		free(f->code);
		free(f->layer);
		free(f->record_id);
		free(f->message);
	}
	lr_vec_free(&q->items);
}

int lr_quality_add(lr_quality *q, lr_severity sev, const char *code,
                   const char *layer, int64_t feature_id, const char *record_id,
                   lr_cents area, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	lr_finding f = {
	        .severity = sev,
	        .code = strdup(code ? code : ""),
	        .layer = strdup(layer ? layer : ""),
	        .feature_id = feature_id,
	        .record_id = strdup(record_id ? record_id : ""),
	        .area = area,
	        .message = strdup(msg),
	};
	if (!f.code || !f.layer || !f.record_id || !f.message ||
	    !lr_vec_push(&q->items, &f)) {
		free(f.code);
		free(f.layer);
		free(f.record_id);
		free(f.message);
		return LR_ERR_NOMEM;
	}
	return LR_OK;
}

void lr_dataset_init(lr_dataset *d)
{
	memset(d, 0, sizeof *d);
	lr_vec_init(&d->regions, sizeof(lr_region));
	lr_vec_init(&d->hazards, sizeof(lr_hazard));
	lr_vec_init(&d->releases, sizeof(lr_release));
	lr_vec_init(&d->parents, sizeof(lr_region));
	lr_quality_init(&d->quality);
}

void lr_dataset_free(lr_dataset *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->regions.len; i++) {
		lr_region *r = &LR_VEC_AT(&d->regions, lr_region, i);
		free(r->id);
		free(r->name);
		free(r->parent_id);
		lr_wkb_free(&r->geom);
	}
	for (size_t i = 0; i < d->hazards.len; i++) {
		lr_hazard *h = &LR_VEC_AT(&d->hazards, lr_hazard, i);
		free(h->id);
		free(h->region_id);
		lr_wkb_free(&h->geom);
	}
	for (size_t i = 0; i < d->releases.len; i++) {
		lr_release *r = &LR_VEC_AT(&d->releases, lr_release, i);
		free(r->id);
		free(r->hazard_id);
		lr_wkb_free(&r->geom);
	}
	for (size_t i = 0; i < d->parents.len; i++) {
		lr_region *r = &LR_VEC_AT(&d->parents, lr_region, i);
		free(r->id);
		free(r->name);
		free(r->parent_id);
		lr_wkb_free(&r->geom);
	}
	lr_vec_free(&d->parents);
	lr_vec_free(&d->regions);
	lr_vec_free(&d->hazards);
	lr_vec_free(&d->releases);
	for (int i = 0; i < 3; i++)
		free(d->source_label[i]);
	lr_quality_free(&d->quality);
}
