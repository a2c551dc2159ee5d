/*
** lr_analyze: build the ledger (overlay into faces, events on each face)
** and reduce it to every table.  Clusters are built in parallel, one GEOS
** context per thread; all sums are in integer cents, so the tables are the
** same whatever the thread count and the order of addition.
*/
#include "analyze_int.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* Clusters handled per parallel batch: bounds the memory of pending
** results while keeping both cores busy. */
#define BATCH_CLUSTERS 4096

/* Everything one call of lr_analyze holds; released by teardown(). */
typedef struct analysis {
	lr__analysis s;
	lr_dataset *d; /* borrowed: findings are appended to its quality */
	int n_threads;
	lr__worker *workers;   /* owned: [n_threads] */
	lr__accum *acc;        /* owned: [n_threads] */
	lr_rtree *region_tree; /* owned: over region envelopes */
	lr__overlay_input oin; /* what the workers read (they point here) */
	int32_t *order;        /* owned: items grouped by cluster */
	size_t *starts;        /* owned: [n_clusters + 1] into order */
	size_t n_clusters;
	lr__cluster_out *batch; /* owned: [BATCH_CLUSTERS] */
	/* For opt->timings: when each serial part ended, the parallel
	** batches' time and the merges'. */
	double t_arrays, t_clusters, t_ran, t_totals, t_completion;
	double t_parallel, t_merge;
} analysis;

int lr__region_index(const lr_dataset *d, const char *id)
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

void lr_result_free(lr_result *r)
{
	if (!r)
		return;
	free(r->remaining);
	free(r->baseline_remaining);
	free(r->years);
	for (size_t i = 0; i < r->faces.len; i++)
		lr__face_free(&LR_VEC_AT(&r->faces, lr_face, i));
	lr_vec_free(&r->faces);
	free(r->hazard_region);
	free(r->hazard_remaining);
	free(r->release_region);
	free(r->hazard_listed);
	free(r->hazard_lon_e6);
	free(r->hazard_lat_e6);
	free(r->form_c);
	free(r->completion);
	free(r->release_land);
	free(r->hazard_new);
	free(r->completion_releases);
	free(r->unknown);
	free(r->unknown_gone);
	lr__levels_free(r->levels);
	free(r);
}

/* ---- Setup: dates, arrays, the region index, the clusters ------------- */

/* The date range of the tables: first event year to the as-of year. */
static void date_range(const lr__analysis *s, lr_date *latest,
                       lr_date *earliest)
{
	lr_date lo = LR_DATE_NONE, hi = LR_DATE_NONE;
	for (size_t i = 0; i < s->n_hazards; i++) {
		const lr_hazard *h = &LR_VEC_AT(&s->d->hazards, lr_hazard, i);
		if (!lr__hazard_in_scope(s, i))
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

/* The as-of and baseline dates and the years of the tables. */
static int set_dates(lr__analysis *s, lr_error *err)
{
	lr_result *r = s->r;
	lr_date latest, earliest;
	date_range(s, &latest, &earliest);
	s->as_of = s->opt->as_of != LR_DATE_NONE ? s->opt->as_of : latest;
	s->baseline = s->opt->baseline;
	if (s->as_of == LR_DATE_NONE) {
		/* Nothing dated at all: an empty ledger as of today's year. */
		s->as_of = lr_date_from_ymd(1970, 1, 1);
	}
	if (s->baseline != LR_DATE_NONE && s->baseline > s->as_of)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "the baseline date is after the as-of "
		                    "date; give --baseline on or before "
		                    "--as-of");
	r->as_of = s->as_of;
	r->baseline = s->baseline;
	r->scope = s->opt->scope;
	r->n_regions = (int)s->n_regions;
	r->last_year = lr_date_year(s->as_of);
	if (s->baseline != LR_DATE_NONE)
		r->first_year = lr_date_year(s->baseline);
	else if (earliest != LR_DATE_NONE && earliest <= s->as_of)
		r->first_year = lr_date_year(earliest);
	else
		r->first_year = r->last_year;
	s->n_years = r->last_year - r->first_year + 1;
	return LR_OK;
}

/* The tables and per-item arrays, every item in no region to begin with. */
static int alloc_arrays(lr__analysis *s)
{
	lr_result *r = s->r;
	size_t cells = (size_t)s->n_years * s->n_rows;
	r->remaining = calloc(s->n_rows, sizeof *r->remaining);
	r->years = calloc(cells, sizeof *r->years);
	r->hazard_region = malloc((s->n_hazards + 1) * sizeof(int));
	r->hazard_remaining = calloc(s->n_hazards + 1, sizeof(lr_cents));
	r->release_region = malloc((s->n_releases + 1) * sizeof(int));
	s->hazard_baseline = calloc(s->n_hazards + 1, sizeof(lr_cents));
	s->release_outside = calloc(s->n_releases + 1, sizeof(lr_cents));
	s->hazard_given_region = malloc((s->n_hazards + 1) * sizeof(int));
	s->hazard_given_ok = calloc(s->n_hazards + 1, sizeof(int));
	s->hazard_gone = malloc((s->n_hazards + 1) * sizeof(lr_date));
	s->hazard_point_area = calloc(s->n_hazards + 1, sizeof(lr_cents));
	s->release_in_scope = calloc(s->n_releases + 1, 1);
	s->release_repeat = calloc(s->n_releases + 1, sizeof(lr_cents));
	s->release_repeat_of = malloc((s->n_releases + 1) * sizeof(int32_t));
	r->hazard_listed = calloc(s->n_hazards + 1, sizeof(lr_cents));
	r->hazard_lon_e6 = calloc(s->n_hazards + 1, sizeof(int64_t));
	r->hazard_lat_e6 = calloc(s->n_hazards + 1, sizeof(int64_t));
	r->form_c = malloc((s->n_hazards + 1) * sizeof(int32_t));
	r->release_land = calloc(s->n_releases + 1, sizeof(lr_cents));
	r->hazard_new = calloc(s->n_hazards + 1, sizeof(lr_cents));
	if (!r->release_land || !r->hazard_new)
		return LR_ERR_NOMEM;
	if (!s->release_repeat || !s->release_repeat_of) /* before the rest */
		return LR_ERR_NOMEM;
	if (!s->hazard_gone || !s->hazard_point_area || !s->release_in_scope ||
	    !r->hazard_listed || !r->hazard_lon_e6 || !r->hazard_lat_e6 ||
	    !r->form_c || !r->remaining || !r->years || !r->hazard_region ||
	    !r->hazard_remaining || !r->release_region || !s->hazard_baseline ||
	    !s->release_outside || !s->hazard_given_region ||
	    !s->hazard_given_ok)
		return LR_ERR_NOMEM;
	if (s->baseline != LR_DATE_NONE &&
	    !(r->baseline_remaining =
	              calloc(s->n_rows, sizeof *r->baseline_remaining)))
		return LR_ERR_NOMEM;
	for (size_t i = 0; i < s->n_hazards; i++) {
		const lr_hazard *h = &LR_VEC_AT(&s->d->hazards, lr_hazard, i);
		r->hazard_region[i] = (int)s->n_regions;
		/* Until its faces say otherwise: never held land. */
		s->hazard_gone[i] = h->recorded;
		s->hazard_given_region[i] =
		        h->region_id ? lr__region_index(s->d, h->region_id)
		                     : -1;
	}
	for (size_t i = 0; i < s->n_releases; i++) {
		r->release_region[i] = (int)s->n_regions;
		s->release_repeat_of[i] = -1;
	}
	return LR_OK;
}

/* An R-tree over the region envelopes, for the overlay's border pieces. */
static int index_regions(analysis *a)
{
	const lr__analysis *s = &a->s;
	lr_box *boxes = malloc((s->n_regions + 1) * sizeof *boxes);
	if (!boxes)
		return LR_ERR_NOMEM;
	for (size_t i = 0; i < s->n_regions; i++) {
		const lr_wkb *g = &LR_VEC_AT(&s->d->regions, lr_region, i).geom;
		boxes[i] = (lr_box){g->minx, g->miny, g->maxx, g->maxy};
	}
	a->region_tree = lr_rtree_build(boxes, s->n_regions); /* copies */
	free(boxes);
	return a->region_tree ? LR_OK : LR_ERR_NOMEM;
}

/* One worker (GEOS context) and one set of sums per thread. */
static int start_workers(analysis *a)
{
	size_t cells = (size_t)a->s.n_years * a->s.n_rows;
	a->workers = calloc((size_t)a->n_threads, sizeof *a->workers);
	a->acc = calloc((size_t)a->n_threads, sizeof *a->acc);
	a->batch = calloc(BATCH_CLUSTERS, sizeof *a->batch);
	if (!a->workers || !a->acc || !a->batch)
		return LR_ERR_NOMEM;
	for (int t = 0; t < a->n_threads; t++) {
		lr__accum *acc = &a->acc[t];
		/* Serially: GEOS_init_r is not safe to call concurrently. */
		if (lr__worker_init(&a->workers[t], &a->oin) != LR_OK)
			return LR_ERR_NOMEM;
		acc->years = calloc(cells, sizeof(lr_year_row));
		acc->remaining = calloc(a->s.n_rows, sizeof(lr_remaining_row));
		acc->baseline = calloc(a->s.n_rows, sizeof(lr_remaining_row));
		lr_vec_init(&acc->steps, sizeof(lr__step));
		if (!acc->years || !acc->remaining || !acc->baseline)
			return LR_ERR_NOMEM;
	}
	return LR_OK;
}

/* Everything before the clusters run: arrays, region index, clusters of
** overlapping inputs, workers. */
static int setup(analysis *a, lr_error *err)
{
	static const char oom[] = "out of memory building the ledger";
	if (alloc_arrays(&a->s) != LR_OK || index_regions(a) != LR_OK)
		return lr_error_set(err, LR_ERR_NOMEM, oom);
	a->t_arrays = lr_now_seconds();
	a->oin = (lr__overlay_input){a->d, a->s.n_hazards, a->s.n_releases,
	                             a->s.n_regions, a->region_tree};
	int rc = lr__overlay_clusters(&a->oin, a->n_threads, &a->order,
	                              &a->starts, &a->n_clusters, err);
	if (rc != LR_OK)
		return rc;
	a->s.r->n_clusters = (int64_t)a->n_clusters;
	a->t_clusters = lr_now_seconds();
	if (start_workers(a) != LR_OK)
		return lr_error_set(err, LR_ERR_NOMEM, oom);
	return LR_OK;
}

static void teardown(analysis *a)
{
	for (int t = 0; t < a->n_threads && a->workers && a->acc; t++) {
		if (a->workers[t].in)
			lr__worker_free(&a->workers[t]);
		free(a->acc[t].years);
		free(a->acc[t].remaining);
		free(a->acc[t].baseline);
		lr_vec_free(&a->acc[t].steps);
	}
	free(a->workers);
	free(a->acc);
	free(a->batch);
	free(a->order);
	free(a->starts);
	lr_rtree_free(a->region_tree);
	free(a->s.hazard_baseline);
	free(a->s.release_outside);
	free(a->s.hazard_given_region);
	free(a->s.hazard_given_ok);
	free(a->s.hazard_gone);
	free(a->s.hazard_point_area);
	free(a->s.release_in_scope);
	free(a->s.release_repeat);
	free(a->s.release_repeat_of);
}

/* ---- The clusters: in parallel, then merged in input order ------------ */

/* Clusters b0 .. b0+nb, one per iteration, results into batch slot i. */
static void run_batch(analysis *a, size_t b0, size_t nb)
{
	for (size_t i = 0; i < nb; i++) {
		memset(&a->batch[i], 0, sizeof a->batch[i]);
		lr_vec_init(&a->batch[i].faces, sizeof(lr_face));
		lr_vec_init(&a->batch[i].overlaps, sizeof(lr__overlap));
	}
#pragma omp parallel for schedule(dynamic, 1) num_threads(a->n_threads)
	for (size_t i = 0; i < nb; i++) {
		int t = omp_get_thread_num();
		size_t c = b0 + i;
		lr_error_clear(&a->workers[t].err);
		lr__cluster_run(&a->s, &a->workers[t], &a->acc[t],
		                a->order + a->starts[c],
		                a->starts[c + 1] - a->starts[c], &a->batch[i]);
	}
}

/* The error of failed cluster c, named by its first input. */
static int cluster_failed(const analysis *a, size_t c,
                          const lr__cluster_out *co, lr_error *err)
{
	int32_t it = a->order[a->starts[c]];
	const char *id = (size_t)it < a->s.n_hazards
	                         ? LR_VEC_AT(&a->d->hazards, lr_hazard, it).id
	                         : LR_VEC_AT(&a->d->releases, lr_release,
	                                     (size_t)it - a->s.n_hazards)
	                                   .id;
	return lr_error_set(err, co->failed,
	                    "overlay of the %zu inputs overlapping %s "
	                    "failed: %s",
	                    a->starts[c + 1] - a->starts[c], id, co->msg);
}

static int overlap_findings(lr_dataset *d, const lr__cluster_out *co)
{
	int rc = LR_OK;
	for (size_t k = 0; rc == LR_OK && k < co->overlaps.len; k++) {
		const lr__overlap *o =
		        &LR_VEC_AT(&co->overlaps, lr__overlap, k);
		const lr_hazard *a = &LR_VEC_AT(&d->hazards, lr_hazard, o->a);
		const lr_hazard *b = &LR_VEC_AT(&d->hazards, lr_hazard, o->b);
		char m2[32];
		rc = lr_quality_add(
		        &d->quality, LR_SEV_WARNING, "hazard_overlap",
		        "hazards", a->fid, a->id, o->area,
		        "hazard %s overlaps hazard %s (feature %lld) "
		        "by %s m2; the shared land is counted once",
		        a->id, b->id, (long long)b->fid,
		        lr_cents_format(o->area, m2));
	}
	return rc;
}

/* Merge batch slots in cluster order, so the faces and findings are the
** same for any number of threads.  After a failure the remaining slots
** are only freed. */
static int merge_batch(analysis *a, size_t b0, size_t nb, lr_error *err)
{
	int rc = LR_OK;
	for (size_t i = 0; i < nb; i++) {
		lr__cluster_out *co = &a->batch[i];
		if (co->failed && rc == LR_OK)
			rc = cluster_failed(a, b0 + i, co, err);
		if (rc == LR_OK && overlap_findings(a->d, co) != LR_OK)
			rc = lr_error_set(err, LR_ERR_NOMEM,
			                  "out of memory for findings");
		for (size_t k = 0; k < co->faces.len; k++) {
			lr_face *f = &LR_VEC_AT(&co->faces, lr_face, k);
			if (rc == LR_OK && lr_vec_push(&a->s.r->faces, f)) {
				/* The result owns them now. */
				f->events = NULL;
				f->geom.data = NULL;
			} else if (rc == LR_OK) {
				rc = lr_error_set(err, LR_ERR_NOMEM,
				                  "out of memory for faces");
			}
			lr__face_free(f);
		}
		lr_vec_free(&co->faces);
		lr_vec_free(&co->overlaps);
	}
	return rc;
}

/* The faces the last batch added, from face `first` on, to the face sink,
** if there is one. */
static int hand_faces(analysis *a, size_t first, lr_error *err)
{
	const lr_options *opt = a->s.opt;
	lr_vec *faces = &a->s.r->faces;
	if (!opt->face_sink || faces->len == first)
		return LR_OK;
	return opt->face_sink(opt->face_sink_arg,
	                      &LR_VEC_AT(faces, lr_face, first),
	                      faces->len - first, err);
}

static int run_clusters(analysis *a, lr_error *err)
{
	for (size_t b0 = 0; b0 < a->n_clusters; b0 += BATCH_CLUSTERS) {
		size_t nb = a->n_clusters - b0 < BATCH_CLUSTERS
		                    ? a->n_clusters - b0
		                    : BATCH_CLUSTERS;
		double tb = lr_now_seconds();
		run_batch(a, b0, nb);
		double tm = lr_now_seconds();
		a->t_parallel += tm - tb;
		size_t first = a->s.r->faces.len;
		int rc = merge_batch(a, b0, nb, err);
		if (rc == LR_OK)
			rc = hand_faces(a, first, err);
		a->t_merge += lr_now_seconds() - tm;
		lr_progress_step(a->s.opt->progress, "ledger",
		                 (int64_t)(b0 + nb), (int64_t)a->n_clusters,
		                 "clusters", b0 + nb == a->n_clusters);
		if (rc != LR_OK)
			return rc;
	}
	return LR_OK;
}

/* How the components of every cluster were built, as a note: alone (no
** overlay), noded fast and proved, or by the reference path after the
** fast one failed in GEOS or its proof. */
static void note_noding(const analysis *a)
{
	lr__overlay_counts n = {0};
	for (int t = 0; t < a->n_threads; t++) {
		const lr__overlay_counts *c = &a->workers[t].counts;
		n.alone += c->alone;
		n.fast += c->fast;
		n.node_declined += c->node_declined;
		n.reference += c->reference;
		n.fallback_error += c->fallback_error;
		n.fallback_sliver += c->fallback_sliver;
		n.fallback_check += c->fallback_check;
	}
	size_t fallbacks =
	        n.fallback_error + n.fallback_sliver + n.fallback_check;
	lr_progress_note(a->s.opt->progress,
	                 "timings: ledger: components %zu alone (no overlay), "
	                 "%zu noded fast and proved, %zu fell back to the "
	                 "reference noding (%zu on a GEOS error, %zu on a "
	                 "face under 1 m2, %zu on a failed proof), %zu noded "
	                 "the reference way; %zu noded by GEOSNode_r where our "
	                 "own noder could not prove its result",
	                 n.alone, n.fast, fallbacks, n.fallback_error,
	                 n.fallback_sliver, n.fallback_check, n.reference,
	                 n.node_declined);
}

/* The time of each phase and the shape of the clusters, as a note. */
static void note_timings(const analysis *a, double t0)
{
	const lr_result *r = a->s.r;
	size_t single = 0, biggest = 0;
	for (size_t c = 0; c < a->n_clusters; c++) {
		size_t m = a->starts[c + 1] - a->starts[c];
		single += m == 1;
		if (m > biggest)
			biggest = m;
	}
	lr_progress_note(a->s.opt->progress,
	                 "timings: ledger: setup %.3f s, clusters %.3f s (%d "
	                 "threads), faces and events %.3f s, merge %.3f s, "
	                 "totals %.3f s, completion %.3f s, levels %.3f s; "
	                 "%zu clusters, %zu of one item, largest %zu",
	                 a->t_arrays - t0, a->t_clusters - a->t_arrays,
	                 a->n_threads, a->t_parallel, a->t_merge,
	                 a->t_totals - a->t_ran, a->t_completion - a->t_totals,
	                 t0 + r->seconds_overlay - a->t_completion,
	                 a->n_clusters, single, biggest);
	note_noding(a);
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
	analysis a = {.d = d};
	a.s = (lr__analysis){.d = d, .opt = opt, .r = r};
	a.s.n_hazards = d->hazards.len;
	a.s.n_releases = d->releases.len;
	a.s.n_regions = d->regions.len;
	a.s.n_rows = a.s.n_regions + 1;
	a.n_threads = opt->threads > 0 ? opt->threads : omp_get_max_threads();

	int rc = set_dates(&a.s, err);
	if (rc == LR_OK)
		rc = setup(&a, err);
	if (rc == LR_OK)
		rc = run_clusters(&a, err);
	a.t_ran = lr_now_seconds();
	if (rc == LR_OK &&
	    (rc = lr__totals(&a.s, d, a.acc, a.n_threads)) != LR_OK)
		lr_error_set(err, rc, "out of memory for findings");
	a.t_totals = lr_now_seconds();
	if (rc == LR_OK &&
	    (rc = lr__completion_build(&a.s, a.acc, a.n_threads)) != LR_OK)
		lr_error_set(err, rc, "out of memory for completion");
	a.t_completion = lr_now_seconds();
	if (rc == LR_OK && (rc = lr__levels_build(d, r)) != LR_OK)
		lr_error_set(err, rc, "out of memory for the region levels");
	if (rc == LR_OK) {
		r->seconds_overlay = lr_now_seconds() - t0;
		if (opt->timings)
			note_timings(&a, t0);
	}
	teardown(&a);
	if (rc != LR_OK) {
		lr_result_free(r);
		r = NULL;
	}
	*out = r;
	return rc;
}
