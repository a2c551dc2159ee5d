/*
** lr_analyze: build the ledger (overlay into faces, events on each face)
** and reduce it to every table.  Clusters are built in parallel, one GEOS
** context per thread; all sums are in integer cents, so the tables are the
** same whatever the thread count and the order of addition.
*/
#include "ledger_int.h"
#include "overlay_int.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Clusters handled per parallel batch: bounds the memory of pending
** results while keeping both cores busy. */
#define BATCH_CLUSTERS 4096

/* What one thread adds up; merged by exact integer sums. */
typedef struct accum {
	lr_year_row *years;          /* [n_years * n_rows] */
	lr_remaining_row *remaining; /* [n_rows] areas only */
	lr_remaining_row *baseline;  /* [n_rows] areas only */
} accum;

/* A pair of overlapping hazards and the land they share. */
typedef struct overlap {
	int32_t a, b;
	lr_cents area;
} overlap;

/* What one cluster leaves for the serial merge, in cluster order. */
typedef struct cluster_out {
	lr_vec faces;    /* lr_face (only with keep_faces) */
	lr_vec overlaps; /* overlap */
	int failed;      /* the lr_status of a cluster that failed, else 0 */
	char msg[1024];
} cluster_out;

typedef struct shared {
	const lr_dataset *d;
	const lr_options *opt;
	lr_result *r;
	size_t n_hazards, n_releases, n_regions, n_rows;
	int n_years;
	lr_date as_of, baseline;
	/* Per item land by region (largest part wins), per-item arrays are
	** written only by the thread that owns the item's cluster. */
	lr_cents *hazard_baseline; /* remaining at baseline */
	lr_cents *release_outside; /* released land not hazardous */
	int *hazard_given_region;  /* index of region_id, -1 */
	int *hazard_given_ok;      /* land found in the given region */
} shared;

static int region_index(const lr_dataset *d, const char *id)
{
	size_t lo = 0, hi = d->regions.len;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(LR_VEC_AT(&d->regions, lr_region, mid).id, id);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int hazard_in_scope(const shared *s, size_t h)
{
	const lr_hazard *hz = &LR_VEC_AT(&s->d->hazards, lr_hazard, h);
	return (hz->contamination & s->opt->scope) != 0;
}

/* Land of one item per region: a tiny map, as an item rarely spans more
** than two regions. */
typedef struct item_region {
	int32_t item;
	int region;
	lr_cents area;
} item_region;

static int add_item_region(lr_vec *v, int32_t item, int region, lr_cents a)
{
	for (size_t i = v->len; i-- > 0;) {
		item_region *x = &LR_VEC_AT(v, item_region, i);
		if (x->item == item && x->region == region) {
			x->area += a;
			return LR_OK;
		}
	}
	item_region x = {item, region, a};
	return lr_vec_push(v, &x) ? LR_OK : LR_ERR_NOMEM;
}

static int cmp_item_region(const void *a, const void *b)
{
	const item_region *x = a, *y = b;
	if (x->item != y->item)
		return x->item < y->item ? -1 : 1;
	return x->region < y->region ? -1 : x->region > y->region;
}

static int cmp_overlap(const void *a, const void *b)
{
	const overlap *x = a, *y = b;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return x->b < y->b ? -1 : x->b > y->b;
}

/* "2019-03-01 record H-1 SHA; 2020-05-02 cleared R-3" */
static char *events_text(const shared *s, const lr_event *ev, size_t n)
{
	size_t cap = 64 + n * 48, len = 0;
	char *t = malloc(cap);
	if (!t)
		return NULL;
	t[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char date[16];
		const char *id;
		const char *what;
		if (ev[i].kind == LR_EV_RECORD) {
			id = LR_VEC_AT(&s->d->hazards, lr_hazard, ev[i].index)
			             .id;
			what = lr_hazard_type_name(ev[i].sub);
		} else {
			id = LR_VEC_AT(&s->d->releases, lr_release, ev[i].index)
			             .id;
			what = lr_method_name(ev[i].sub);
		}
		size_t need = strlen(id) + 48;
		if (len + need >= cap) {
			cap = (len + need) * 2;
			char *nt = realloc(t, cap);
			if (!nt) {
				free(t);
				return NULL;
			}
			t = nt;
		}
		len += (size_t)snprintf(
		        t + len, cap - len, "%s%s %s %s %s", i ? "; " : "",
		        lr_date_format(ev[i].date, date),
		        ev[i].kind == LR_EV_RECORD ? "record" : "release", id,
		        what);
	}
	return t;
}

static void free_face(lr_face *f)
{
	free(f->events);
	lr_wkb_free(&f->geom);
}

/* Run the ledger on every face of one cluster. */
static int process_cluster(const shared *s, lr_worker *w, accum *acc,
                           const int32_t *items, size_t n, cluster_out *out)
{
	lr_cluster_faces cf;
	lr_cluster_faces_init(&cf);
	lr_vec regions_of;
	lr_vec_init(&regions_of, sizeof(item_region));
	lr_event *ev = NULL;
	lr_flow *flows = NULL;
	lr_event *ev_all = NULL;
	lr_flow *flows_all = NULL;
	int rc = lr_cluster_faces_r(w, items, n, &cf);
	if (rc != LR_OK)
		goto done;
	size_t max_cov = 1;
	for (size_t f = 0; f < cf.faces.len; f++) {
		size_t c = LR_VEC_AT(&cf.faces, lr_raw_face, f).n_covers;
		if (c > max_cov)
			max_cov = c;
	}
	ev = malloc(max_cov * sizeof *ev);
	flows = malloc(max_cov * sizeof *flows);
	ev_all = malloc(max_cov * sizeof *ev_all);
	flows_all = malloc(max_cov * sizeof *flows_all);
	rc = LR_ERR_NOMEM;
	if (!ev || !flows || !ev_all || !flows_all)
		goto done;
	const int all_scope = (s->opt->scope & LR_CONT_ALL) == LR_CONT_ALL;
	for (size_t f = 0; f < cf.faces.len; f++) {
		const lr_raw_face *face = &LR_VEC_AT(&cf.faces, lr_raw_face, f);
		const int32_t *cov =
		        &LR_VEC_AT(&cf.covers, int32_t, face->first_cover);
		size_t ne = 0, na = 0;
		int32_t first_real = -1;
		for (size_t k = 0; k < face->n_covers; k++) {
			int32_t it = cov[k];
			lr_event e;
			if ((size_t)it < s->n_hazards) {
				const lr_hazard *h = &LR_VEC_AT(&s->d->hazards,
				                                lr_hazard, it);
				e = (lr_event){h->recorded, LR_EV_RECORD,
				               (uint8_t)h->type, it};
				if (add_item_region(&regions_of, it,
				                    face->region,
				                    face->area) != LR_OK)
					goto done;
				/* Overlaps between surveyed hazards (implied
				** ones stand for released land, not a survey).
				*/
				if (h->implied_by < 0) {
					if (first_real < 0)
						first_real = it;
					else {
						overlap o = {first_real, it,
						             face->area};
						if (!lr_vec_push(&out->overlaps,
						                 &o))
							goto done;
					}
				}
				ev_all[na++] = e;
				if (hazard_in_scope(s, (size_t)it))
					ev[ne++] = e;
			} else {
				int32_t ri = it - (int32_t)s->n_hazards;
				const lr_release *r = &LR_VEC_AT(
				        &s->d->releases, lr_release, ri);
				e = (lr_event){r->date, LR_EV_RELEASE,
				               (uint8_t)r->method, ri};
				if (add_item_region(&regions_of, it,
				                    face->region,
				                    face->area) != LR_OK)
					goto done;
				ev_all[na++] = e;
				ev[ne++] = e;
			}
		}
		lr_events_sort(ev, ne);
		lr_face_run run =
		        lr_ledger_run(ev, ne, s->as_of, s->baseline, flows);
		/* Releases outside recorded hazards are judged against every
		** hazard, whatever the scope of the tables. */
		lr_face_run run_all = run;
		const lr_flow *fl_all = flows;
		/* Sorted also for the face's events text in the store. */
		lr_events_sort(ev_all, na);
		if (!all_scope) {
			run_all = lr_ledger_run(ev_all, na, s->as_of,
			                        s->baseline, flows_all);
			fl_all = flows_all;
		}
		int row = face->region;
		for (size_t k = 0; k < run.n_flows; k++) {
			const lr_flow *fl = &flows[k];
			if (fl->kind == LR_FLOW_OUTSIDE)
				continue;
			int y = lr_date_year(fl->date);
			lr_year_row *yr =
			        &acc->years[(size_t)(y - s->r->first_year) *
			                            s->n_rows +
			                    (size_t)row];
			if (fl->kind == LR_FLOW_NEW)
				yr->new_land += face->area;
			else if (fl->kind == LR_FLOW_RELEASED)
				yr->released[fl->sub] += face->area;
			else if (fl->kind == LR_FLOW_RECLASSIFIED)
				yr->reclassified += face->area;
		}
		for (size_t k = 0; k < run_all.n_flows; k++)
			if (fl_all[k].kind == LR_FLOW_OUTSIDE)
				s->release_outside[fl_all[k].index] +=
				        face->area;
		if (run.state_as_of == LR_SHA)
			acc->remaining[row].sha += face->area;
		else if (run.state_as_of == LR_CHA)
			acc->remaining[row].cha += face->area;
		if (run.state_baseline == LR_SHA)
			acc->baseline[row].sha += face->area;
		else if (run.state_baseline == LR_CHA)
			acc->baseline[row].cha += face->area;
		/* Hazards still holding this land (in scope, recorded). */
		for (size_t k = 0; k < face->n_covers; k++) {
			int32_t it = cov[k];
			if ((size_t)it >= s->n_hazards ||
			    !hazard_in_scope(s, (size_t)it))
				continue;
			const lr_hazard *h =
			        &LR_VEC_AT(&s->d->hazards, lr_hazard, it);
			/* A hazard holds the land only if recorded in the
			** hazardous period still running, not if the land was
			** released and then recorded again by another. */
			if (run.state_as_of && h->recorded <= s->as_of &&
			    h->recorded >= run.since_as_of)
				s->r->hazard_remaining[it] += face->area;
			if (run.state_baseline && s->baseline != LR_DATE_NONE &&
			    h->recorded <= s->baseline &&
			    h->recorded >= run.since_baseline)
				s->hazard_baseline[it] += face->area;
		}
		if (s->opt->keep_faces) {
			lr_face kf = {
			        row, face->area, run.state_as_of, NULL, {0}};
			kf.events = events_text(s, ev_all, na);
			if (!kf.events ||
			    lr_geos_to_wkb_r(w->ctx, face->geom, &kf.geom,
			                     &w->err) != LR_OK ||
			    !lr_vec_push(&out->faces, &kf)) {
				free_face(&kf);
				goto done;
			}
		}
	}
	/* Each item's region: its given region if it has land there, else
	** the region holding the largest part of it. */
	if (regions_of.len > 1)
		qsort(regions_of.data, regions_of.len, sizeof(item_region),
		      cmp_item_region);
	for (size_t i = 0; i < regions_of.len;) {
		size_t j = i;
		const item_region *best =
		        &LR_VEC_AT(&regions_of, item_region, i);
		int32_t it = best->item;
		int given = (size_t)it < s->n_hazards
		                    ? s->hazard_given_region[it]
		                    : -1;
		int given_found = 0;
		for (; j < regions_of.len &&
		       LR_VEC_AT(&regions_of, item_region, j).item == it;
		     j++) {
			const item_region *x =
			        &LR_VEC_AT(&regions_of, item_region, j);
			if (x->area > best->area)
				best = x;
			if (given >= 0 && x->region == given && x->area > 0)
				given_found = 1;
		}
		int region = given_found ? given : best->region;
		if ((size_t)it < s->n_hazards) {
			s->r->hazard_region[it] = region;
			s->hazard_given_ok[it] = given_found;
		} else {
			s->r->release_region[(size_t)it - s->n_hazards] =
			        region;
		}
		i = j;
	}
	/* Overlaps: one entry per pair, land summed. */
	if (out->overlaps.len > 1) {
		qsort(out->overlaps.data, out->overlaps.len, sizeof(overlap),
		      cmp_overlap);
		size_t m = 0;
		overlap *o = out->overlaps.data;
		for (size_t i = 0; i < out->overlaps.len; i++) {
			if (m > 0 && o[m - 1].a == o[i].a &&
			    o[m - 1].b == o[i].b)
				o[m - 1].area += o[i].area;
			else
				o[m++] = o[i];
		}
		out->overlaps.len = m;
	}
	rc = LR_OK;
done:
	if (rc != LR_OK) {
		out->failed = rc;
		snprintf(out->msg, sizeof out->msg, "%s",
		         w->err.msg[0] ? w->err.msg : "out of memory");
	}
	lr_cluster_faces_free(w, &cf);
	lr_vec_free(&regions_of);
	free(ev);
	free(flows);
	free(ev_all);
	free(flows_all);
	return rc;
}

void lr_result_free(lr_result *r)
{
	if (!r)
		return;
	free(r->remaining);
	free(r->baseline_remaining);
	free(r->years);
	for (size_t i = 0; i < r->faces.len; i++)
		free_face(&LR_VEC_AT(&r->faces, lr_face, i));
	lr_vec_free(&r->faces);
	free(r->hazard_region);
	free(r->hazard_remaining);
	free(r->release_region);
	free(r);
}

/* The date range of the tables: first event year to the as-of year. */
static void date_range(const shared *s, lr_date *latest, lr_date *earliest)
{
	lr_date lo = LR_DATE_NONE, hi = LR_DATE_NONE;
	for (size_t i = 0; i < s->n_hazards; i++) {
		const lr_hazard *h = &LR_VEC_AT(&s->d->hazards, lr_hazard, i);
		if (!hazard_in_scope(s, i))
			continue;
		if (lo == LR_DATE_NONE || h->recorded < lo)
			lo = h->recorded;
		if (hi == LR_DATE_NONE || h->recorded > hi)
			hi = h->recorded;
	}
	for (size_t i = 0; i < s->n_releases; i++) {
		const lr_release *r =
		        &LR_VEC_AT(&s->d->releases, lr_release, i);
		if (lo == LR_DATE_NONE || r->date < lo)
			lo = r->date;
		if (hi == LR_DATE_NONE || r->date > hi)
			hi = r->date;
	}
	*latest = hi;
	*earliest = lo;
}

int lr_analyze(lr_dataset *d, const lr_options *opt, lr_result **out,
               lr_error *err)
{
	double t0 = lr_now_seconds();
	*out = NULL;
	lr_result *r = calloc(1, sizeof *r);
	if (!r)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	lr_vec_init(&r->faces, sizeof(lr_face));
	shared s = {.d = d, .opt = opt, .r = r};
	s.n_hazards = d->hazards.len;
	s.n_releases = d->releases.len;
	s.n_regions = d->regions.len;
	s.n_rows = s.n_regions + 1;
	int rc = LR_ERR_NOMEM;
	int n_threads = opt->threads > 0 ? opt->threads : omp_get_max_threads();
	lr_worker *workers = calloc((size_t)n_threads, sizeof *workers);
	accum *acc = calloc((size_t)n_threads, sizeof *acc);
	lr_rtree *region_tree = NULL;
	int32_t *order = NULL;
	size_t *starts = NULL, n_clusters = 0;
	cluster_out *batch = NULL;
	lr_box *rboxes = NULL;

	lr_date latest, earliest;
	date_range(&s, &latest, &earliest);
	s.as_of = opt->as_of != LR_DATE_NONE ? opt->as_of : latest;
	s.baseline = opt->baseline;
	if (s.as_of == LR_DATE_NONE) {
		/* Nothing dated at all: an empty ledger as of today's year. */
		s.as_of = lr_date_from_ymd(1970, 1, 1);
	}
	if (s.baseline != LR_DATE_NONE && s.baseline > s.as_of) {
		free(r);
		free(workers);
		free(acc);
		return lr_error_set(err, LR_ERR_USAGE,
		                    "the baseline date is after the as-of "
		                    "date; give --baseline on or before "
		                    "--as-of");
	}
	r->as_of = s.as_of;
	r->baseline = s.baseline;
	r->scope = opt->scope;
	r->n_regions = (int)s.n_regions;
	r->last_year = lr_date_year(s.as_of);
	if (s.baseline != LR_DATE_NONE)
		r->first_year = lr_date_year(s.baseline);
	else if (earliest != LR_DATE_NONE && earliest <= s.as_of)
		r->first_year = lr_date_year(earliest);
	else
		r->first_year = r->last_year;
	s.n_years = r->last_year - r->first_year + 1;
	size_t cells = (size_t)s.n_years * s.n_rows;

	if (!workers || !acc)
		goto fail;
	r->remaining = calloc(s.n_rows, sizeof *r->remaining);
	r->years = calloc(cells, sizeof *r->years);
	r->hazard_region = malloc((s.n_hazards + 1) * sizeof(int));
	r->hazard_remaining = calloc(s.n_hazards + 1, sizeof(lr_cents));
	r->release_region = malloc((s.n_releases + 1) * sizeof(int));
	s.hazard_baseline = calloc(s.n_hazards + 1, sizeof(lr_cents));
	s.release_outside = calloc(s.n_releases + 1, sizeof(lr_cents));
	s.hazard_given_region = malloc((s.n_hazards + 1) * sizeof(int));
	s.hazard_given_ok = calloc(s.n_hazards + 1, sizeof(int));
	rboxes = malloc((s.n_regions + 1) * sizeof *rboxes);
	if (!r->remaining || !r->years || !r->hazard_region ||
	    !r->hazard_remaining || !r->release_region || !s.hazard_baseline ||
	    !s.release_outside || !s.hazard_given_region ||
	    !s.hazard_given_ok || !rboxes)
		goto fail;
	if (s.baseline != LR_DATE_NONE &&
	    !(r->baseline_remaining =
	              calloc(s.n_rows, sizeof *r->baseline_remaining)))
		goto fail;
	for (size_t i = 0; i < s.n_hazards; i++) {
		const lr_hazard *h = &LR_VEC_AT(&d->hazards, lr_hazard, i);
		r->hazard_region[i] = (int)s.n_regions;
		s.hazard_given_region[i] =
		        h->region_id ? region_index(d, h->region_id) : -1;
	}
	for (size_t i = 0; i < s.n_releases; i++)
		r->release_region[i] = (int)s.n_regions;
	for (size_t i = 0; i < s.n_regions; i++) {
		const lr_wkb *g = &LR_VEC_AT(&d->regions, lr_region, i).geom;
		rboxes[i] = (lr_box){g->minx, g->miny, g->maxx, g->maxy};
	}
	region_tree = lr_rtree_build(rboxes, s.n_regions);
	if (!region_tree)
		goto fail;
	lr_overlay_input oin = {d, s.n_hazards, s.n_releases, s.n_regions,
	                        region_tree};
	if ((rc = lr_overlay_clusters(&oin, &order, &starts, &n_clusters,
	                              err)) != LR_OK)
		goto fail_keep_err;
	double t_clusters = lr_now_seconds(), t_parallel = 0, t_merge = 0;
	r->n_clusters = (int64_t)n_clusters;
	rc = LR_ERR_NOMEM;
	for (int t = 0; t < n_threads; t++) {
		/* Serially: GEOS_init_r is not safe to call concurrently. */
		if (lr_worker_init(&workers[t], &oin) != LR_OK)
			goto fail;
		acc[t].years = calloc(cells, sizeof(lr_year_row));
		acc[t].remaining = calloc(s.n_rows, sizeof(lr_remaining_row));
		acc[t].baseline = calloc(s.n_rows, sizeof(lr_remaining_row));
		if (!acc[t].years || !acc[t].remaining || !acc[t].baseline)
			goto fail;
	}
	batch = calloc(BATCH_CLUSTERS, sizeof *batch);
	if (!batch)
		goto fail;
	int merge_rc = LR_OK;

	for (size_t b0 = 0; b0 < n_clusters; b0 += BATCH_CLUSTERS) {
		size_t nb = n_clusters - b0 < BATCH_CLUSTERS ? n_clusters - b0
		                                             : BATCH_CLUSTERS;
		for (size_t i = 0; i < nb; i++) {
			memset(&batch[i], 0, sizeof batch[i]);
			lr_vec_init(&batch[i].faces, sizeof(lr_face));
			lr_vec_init(&batch[i].overlaps, sizeof(overlap));
		}
		double tb = lr_now_seconds();
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
		for (size_t i = 0; i < nb; i++) {
			int t = omp_get_thread_num();
			size_t c = b0 + i;
			lr_error_clear(&workers[t].err);
			process_cluster(&s, &workers[t], &acc[t],
			                order + starts[c],
			                starts[c + 1] - starts[c], &batch[i]);
		}
		double tm = lr_now_seconds();
		t_parallel += tm - tb;
		/* Merge in cluster order: the same output for any number of
		** threads. */
		for (size_t i = 0; i < nb; i++) {
			cluster_out *co = &batch[i];
			if (co->failed && merge_rc == LR_OK) {
				size_t c = b0 + i;
				int32_t it = order[starts[c]];
				const char *id =
				        (size_t)it < s.n_hazards
				                ? LR_VEC_AT(&d->hazards,
				                            lr_hazard, it)
				                          .id
				                : LR_VEC_AT(&d->releases,
				                            lr_release,
				                            (size_t)it -
				                                    s.n_hazards)
				                          .id;
				lr_error_set(err, co->failed,
				             "overlay of the %zu inputs "
				             "overlapping %s failed: %s",
				             starts[c + 1] - starts[c], id,
				             co->msg);
				merge_rc = co->failed;
			}
			for (size_t k = 0; k < co->overlaps.len; k++) {
				const overlap *o =
				        &LR_VEC_AT(&co->overlaps, overlap, k);
				const lr_hazard *a = &LR_VEC_AT(
				        &d->hazards, lr_hazard, o->a);
				const lr_hazard *b = &LR_VEC_AT(
				        &d->hazards, lr_hazard, o->b);
				char m2[32];
				if (merge_rc == LR_OK &&
				    lr_quality_add(
				            &d->quality, LR_SEV_WARNING,
				            "hazard_overlap", "hazards", a->fid,
				            a->id, o->area,
				            "hazard %s overlaps hazard %s "
				            "(feature %lld) by %s m2; the "
				            "shared land is counted once",
				            a->id, b->id, (long long)b->fid,
				            lr_cents_format(o->area, m2)) !=
				            LR_OK)
					merge_rc = lr_error_set(
					        err, LR_ERR_NOMEM,
					        "out of memory for findings");
			}
			for (size_t k = 0; k < co->faces.len; k++) {
				lr_face *f = &LR_VEC_AT(&co->faces, lr_face, k);
				if (merge_rc == LR_OK &&
				    lr_vec_push(&r->faces, f)) {
					f->events = NULL;
					f->geom.data = NULL;
				} else if (merge_rc == LR_OK)
					merge_rc = lr_error_set(
					        err, LR_ERR_NOMEM,
					        "out of memory for faces");
				free_face(f);
			}
			lr_vec_free(&co->faces);
			lr_vec_free(&co->overlaps);
		}
		t_merge += lr_now_seconds() - tm;
		if (n_clusters > 0)
			lr_progress_step(opt->progress, "ledger",
			                 (int64_t)(b0 + nb),
			                 (int64_t)n_clusters, "clusters",
			                 b0 + nb == n_clusters);
		if (merge_rc != LR_OK) {
			rc = merge_rc;
			goto fail_keep_err;
		}
	}
	r->n_faces = 0;
	for (int t = 0; t < n_threads; t++) {
		for (size_t i = 0; i < cells; i++) {
			lr_year_row *y = &r->years[i];
			const lr_year_row *a = &acc[t].years[i];
			y->new_land += a->new_land;
			y->reclassified += a->reclassified;
			for (int m = 0; m < LR_N_METHODS; m++)
				y->released[m] += a->released[m];
		}
		for (size_t i = 0; i < s.n_rows; i++) {
			r->remaining[i].sha += acc[t].remaining[i].sha;
			r->remaining[i].cha += acc[t].remaining[i].cha;
			if (r->baseline_remaining) {
				r->baseline_remaining[i].sha +=
				        acc[t].baseline[i].sha;
				r->baseline_remaining[i].cha +=
				        acc[t].baseline[i].cha;
			}
		}
	}
	r->n_faces = (int64_t)r->faces.len;

	/* Remaining at the end of each year: the previous year's (or the
	** baseline) plus new minus released.  Equal, face by face, to the land
	** hazardous at that year's end. */
	for (size_t row = 0; row < s.n_rows; row++) {
		lr_cents prev = r->baseline_remaining
		                        ? r->baseline_remaining[row].sha +
		                                  r->baseline_remaining[row].cha
		                        : 0;
		for (int y = r->first_year; y <= r->last_year; y++) {
			lr_year_row *yr = LR_YEAR_ROW(r, y, (int)row);
			prev += yr->new_land - yr->released[0] -
			        yr->released[1] - yr->released[2];
			yr->remaining_end = prev;
		}
	}
	/* Items destroyed: in the region and year of their release. */
	for (size_t i = 0; i < s.n_releases; i++) {
		const lr_release *rl = &LR_VEC_AT(&d->releases, lr_release, i);
		if (rl->date > s.as_of ||
		    (s.baseline != LR_DATE_NONE && rl->date <= s.baseline))
			continue;
		lr_year_row *yr = LR_YEAR_ROW(r, lr_date_year(rl->date),
		                              r->release_region[i]);
		yr->ap_mines += rl->ap_mines;
		yr->av_mines += rl->av_mines;
		yr->erw += rl->erw;
	}
	/* Counts: a hazard is remaining while at least 1 m2 of its land is. */
	for (size_t i = 0; i < s.n_hazards; i++) {
		const lr_hazard *h = &LR_VEC_AT(&d->hazards, lr_hazard, i);
		if (!hazard_in_scope(&s, i))
			continue;
		int reg = r->hazard_region[i];
		if (r->hazard_remaining[i] >= 100) {
			if (h->type == LR_CHA)
				r->remaining[reg].cha_count++;
			else
				r->remaining[reg].sha_count++;
		}
		if (r->baseline_remaining && s.hazard_baseline[i] >= 100) {
			if (h->type == LR_CHA)
				r->baseline_remaining[reg].cha_count++;
			else
				r->baseline_remaining[reg].sha_count++;
		}
		if (h->region_id && !s.hazard_given_ok[i] &&
		    (rc = lr_quality_add(&d->quality, LR_SEV_WARNING,
		                         "region_mismatch", "hazards", h->fid,
		                         h->id, -1,
		                         "hazard %s gives region_id '%s' but "
		                         "none of its land lies there; counted "
		                         "in the region holding most of it",
		                         h->id, h->region_id)) != LR_OK)
			goto fail;
	}
	for (size_t i = 0; i < s.n_releases; i++) {
		if (s.release_outside[i] <= 0)
			continue;
		const lr_release *rl = &LR_VEC_AT(&d->releases, lr_release, i);
		char m2[32];
		rc = lr_quality_add(&d->quality, LR_SEV_WARNING,
		                    "release_outside", "releases", rl->fid,
		                    rl->id, s.release_outside[i],
		                    "release %s (%s, %s) covers %s m2 that no "
		                    "recorded hazard covered at that date",
		                    rl->id, lr_method_name(rl->method),
		                    lr_date_format(rl->date, (char[16]){0}),
		                    lr_cents_format(s.release_outside[i], m2));
		if (rc != LR_OK)
			goto fail;
	}
	r->has_outside =
	        r->remaining[s.n_regions].sha || r->remaining[s.n_regions].cha;
	for (int y = r->first_year; y <= r->last_year && !r->has_outside; y++) {
		const lr_year_row *yr = LR_YEAR_ROW(r, y, (int)s.n_regions);
		r->has_outside = yr->new_land || yr->released[0] ||
		                 yr->released[1] || yr->released[2] ||
		                 yr->ap_mines || yr->av_mines || yr->erw;
	}
	if (r->has_outside) {
		char m2[32];
		lr_cents total = 0;
		for (int y = r->first_year; y <= r->last_year; y++)
			total += LR_YEAR_ROW(r, y, (int)s.n_regions)->new_land;
		rc = lr_quality_add(
		        &d->quality, LR_SEV_WARNING, "outside_regions", "", -1,
		        "", total,
		        "%s m2 of recorded hazardous land lies in no "
		        "region; it is reported in the OUTSIDE row",
		        lr_cents_format(total, m2));
		if (rc != LR_OK)
			goto fail;
	}
	r->seconds_overlay = lr_now_seconds() - t0;
	if (opt->timings) {
		size_t single = 0, biggest = 0;
		for (size_t c = 0; c < n_clusters; c++) {
			size_t m = starts[c + 1] - starts[c];
			single += m == 1;
			if (m > biggest)
				biggest = m;
		}
		lr_progress_note(
		        opt->progress,
		        "timings: ledger: setup and clusters %.3f s, faces "
		        "and events %.3f s (%d threads), merge %.3f s, totals "
		        "%.3f s; %zu clusters, %zu of one item, largest %zu",
		        t_clusters - t0, t_parallel, n_threads, t_merge,
		        r->seconds_overlay - (t_clusters - t0) - t_parallel -
		                t_merge,
		        n_clusters, single, biggest);
	}
	rc = LR_OK;
	goto done;
fail:
	lr_error_set(err, rc, "out of memory building the ledger");
fail_keep_err:
	lr_result_free(r);
	r = NULL;
done:
	for (int t = 0; t < n_threads && workers && acc; t++) {
		if (workers[t].in)
			lr_worker_free(&workers[t]);
		free(acc[t].years);
		free(acc[t].remaining);
		free(acc[t].baseline);
	}
	free(workers);
	free(acc);
	free(batch);
	free(order);
	free(starts);
	free(rboxes);
	lr_rtree_free(region_tree);
	free(s.hazard_baseline);
	free(s.release_outside);
	free(s.hazard_given_region);
	free(s.hazard_given_ok);
	*out = r;
	return rc;
}
