/*
** The parents of the regions from the polygons of the levels above them.
** A regions layer that names no parent (geoBoundaries' municipalities: each
** level is a file of its own) takes, for each region, the polygon of the
** level above that holds most of its land, as a national authority places
** a municipality in its canton, and each of those the polygon of the next
** level.  Every choice is a finding, with the share of land behind it.
*/
#include "ingest_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Below this share of its land in its parent, a region's placement is
** worth a look (the layers may not match). */
#define SHARE_WARN 0.5

/* The file of a parent layer: name as given when absolute or when the
** regions' source has no folder, else beside the regions' source. */
static void parent_path(const lr_inputs *in, const char *name, char *buf,
                        size_t n)
{
	const char *src = in->source[LR_LAYER_REGIONS]
	                          ? in->source[LR_LAYER_REGIONS]
	                          : in->dataset;
	const char *slash = src ? strrchr(src, '/') : NULL;
	if (name[0] == '/' || !slash)
		snprintf(buf, n, "%s", name);
	else
		snprintf(buf, n, "%.*s/%s", (int)(slash - src), src, name);
}

/* What the parent layer's own reading found (rejects, repairs), into d,
** each message saying which file it is about. */
static int keep_findings(lr_dataset *d, const lr_dataset *lv, const char *path)
{
	for (size_t i = 0; i < lv->quality.items.len; i++) {
		const lr_finding *f =
		        &LR_VEC_AT(&lv->quality.items, lr_finding, i);
		if (lr_quality_add(&d->quality, f->severity, f->code, f->layer,
		                   f->feature_id, f->record_id, f->area,
		                   "parent layer %s: %s", path,
		                   f->message) != LR_OK)
			return LR_ERR_NOMEM;
	}
	return LR_OK;
}

/* Whether id is a region of d's own layer (sorted by id). */
static bool is_region(const lr_dataset *d, const char *id)
{
	size_t lo = 0, hi = d->regions.len;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(LR_VEC_AT(&d->regions, lr_region, mid).id, id);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The finding of kid's placement: in parent p (NULL: in none) with share
** of its land. */
static int record(lr_dataset *d, const lr_region *kid, const lr_region *p,
                  double share, const char *path)
{
	if (!p)
		return lr_quality_add(
		        &d->quality, LR_SEV_WARNING, "region_parent_none",
		        "regions", kid->fid, kid->id, -1,
		        "region %s (%s): no polygon of parent layer %s meets "
		        "it; it has no parent",
		        kid->id, kid->name ? kid->name : "", path);
	return lr_quality_add(
	        &d->quality, share < SHARE_WARN ? LR_SEV_WARNING : LR_SEV_INFO,
	        "region_parent", "regions", kid->fid, kid->id, -1,
	        "region %s (%s) is placed in %s (%s) of parent layer %s, "
	        "which holds %.1f %% of its land",
	        kid->id, kid->name ? kid->name : "", p->id,
	        p->name ? p->name : "", path, 100 * share);
}

/* Each of kids (the level below) gets as parent_id the region of lv holding
** most of its land.  LR_ERR_INPUT when an id of lv is also a region of the
** layer (the levels could not be told apart). */
static int place(lr_dataset *d, lr_vec *kids, const lr_dataset *lv,
                 const char *path, lr_error *err)
{
	size_t n = lv->regions.len;
	lr_wkb *set = calloc(n + 1, sizeof *set);
	if (!set)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	int rc = LR_OK;
	for (size_t i = 0; rc == LR_OK && i < n; i++) {
		const lr_region *p = &LR_VEC_AT(&lv->regions, lr_region, i);
		set[i] = p->geom; /* borrowed */
		if (is_region(d, p->id))
			rc = lr_error_set(err, LR_ERR_INPUT,
			                  "parent layer %s: region id %s is "
			                  "also a region of the regions layer; "
			                  "give each level ids of its own",
			                  path, p->id);
	}
	for (size_t i = 0; rc == LR_OK && i < kids->len; i++) {
		lr_region *kid = &LR_VEC_AT(kids, lr_region, i);
		int best = -1;
		double share = 0;
		rc = lr_largest_overlap(&kid->geom, set, n, &best, &share, err);
		const lr_region *p =
		        best >= 0 ? &LR_VEC_AT(&lv->regions, lr_region, best)
		                  : NULL;
		if (rc == LR_OK && p) {
			/* The mapping chose the layers over a parent_id
			** field of our own name. */
			free(kid->parent_id);
			if (!(kid->parent_id = strdup(p->id)))
				rc = LR_ERR_NOMEM;
		}
		if (rc == LR_OK && record(d, kid, p, share, path) != LR_OK)
			rc = LR_ERR_NOMEM;
		if (rc == LR_ERR_NOMEM) {
			lr_error_set(err, rc, "out of memory");
		} else if (rc != LR_OK) {
			char why[sizeof err->msg];
			snprintf(why, sizeof why, "%s", err->msg);
			lr_error_set(err, rc,
			             "region %s against parent layer %s: %s",
			             kid->id, path, why);
		}
	}
	free(set);
	return rc;
}

/* The regions of lv into d->parents, without their geometries; lv keeps
** none of them. */
static int keep_regions(lr_dataset *d, lr_dataset *lv)
{
	for (size_t i = 0; i < lv->regions.len; i++) {
		lr_region *g = &LR_VEC_AT(&lv->regions, lr_region, i);
		lr_wkb_free(&g->geom);
		if (!lr_vec_push(&d->parents, g))
			return LR_ERR_NOMEM;
		memset(g, 0, sizeof *g);
	}
	return LR_OK;
}

int lr__parents_from_layers(const lr_inputs *in, const lr_mapping *m,
                            lr_dataset *d, lr_error *err)
{
	const lr__map_layer *ml = &m->layer[LR_LAYER_REGIONS];
	lr_dataset lv[LR__MAX_PARENTS];
	int rc = LR_OK, n = 0;
	for (; rc == LR_OK && n < ml->n_parents; n++) {
		char path[4096];
		parent_path(in, ml->parents[n], path, sizeof path);
		lr_dataset_init(&lv[n]);
		rc = lr__read_regions(in, m, path, &lv[n], err);
		if (rc != LR_OK && rc != LR_ERR_NOMEM) {
			char why[sizeof err->msg];
			snprintf(why, sizeof why, "%s", err->msg);
			lr_error_set(err, rc,
			             "parent layer %d of the mapping's "
			             "parent_layers: %s",
			             n + 1, why);
		}
		if (rc == LR_OK && keep_findings(d, &lv[n], path) != LR_OK)
			rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		if (rc == LR_OK)
			rc = place(d, n ? &lv[n - 1].regions : &d->regions,
			           &lv[n], path, err);
	}
	for (int k = 0; k < n; k++) {
		if (rc == LR_OK && keep_regions(d, &lv[k]) != LR_OK)
			rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		lr_dataset_free(&lv[k]);
	}
	return rc;
}
