/*
** The ledger of one cluster: its faces built by the overlay, the events of
** every face run through the machine (ledger.c), the flows and states added
** into the thread's sums, and each item given its region.
*/
#include "analyze_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Land of one item per region: a tiny map, as an item rarely spans more
** than two regions. */
typedef struct item_region {
	int32_t item;
	int region;
	lr_cents area;
} item_region;

/* Land of one hazard on one face and the date a release ended its hold on
** it (LR_DATE_NONE: still held at the as-of date). */
typedef struct hazard_hold {
	int32_t hazard;
	lr_date until;
	lr_cents area;
} hazard_hold;

/* Events and flows of one face; each array holds the cluster's largest
** number of covers. */
typedef struct face_scratch {
	lr__event *ev;               /* owned: events in scope */
	lr__event *ev_all;           /* owned: every event */
	lr__flow *flows, *flows_all; /* owned: what the machine emits */
	size_t ne, na;
	lr_vec regions_of; /* item_region, for every face of the cluster */
	lr_vec holds;      /* hazard_hold, for every face of the cluster */
} face_scratch;

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
	const lr__overlap *x = a, *y = b;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return x->b < y->b ? -1 : x->b > y->b;
}

/* Appends the n bytes of s at t + *len; the caller made room. */
static void append(char *t, size_t *len, const char *s, size_t n)
{
	memcpy(t + *len, s, n);
	*len += n;
}

/* Appends "; 2019-03-01 record H-1 SHA" (no "; " first) to *t of
** capacity *cap, growing it; LR_ERR_NOMEM when it cannot grow. */
static int append_event(char **t, size_t *len, size_t *cap, bool first,
                        lr_date date, const char *kind, const char *id,
                        const char *what)
{
	char day[16];
	const char *d = lr_date_format(date, day);
	size_t nd = strlen(d), nk = strlen(kind), ni = strlen(id),
	       nw = strlen(what);
	size_t need = 2 + nd + 1 + nk + 1 + ni + 1 + nw + 1;
	if (*len + need > *cap) {
		size_t nc = (*len + need) * 2;
		char *nt = realloc(*t, nc);
		if (!nt)
			return LR_ERR_NOMEM;
		*t = nt;
		*cap = nc;
	}
	if (!first)
		append(*t, len, "; ", 2);
	append(*t, len, d, nd);
	append(*t, len, " ", 1);
	append(*t, len, kind, nk);
	append(*t, len, " ", 1);
	append(*t, len, id, ni);
	append(*t, len, " ", 1);
	append(*t, len, what, nw);
	(*t)[*len] = '\0';
	return LR_OK;
}

/* "2019-03-01 record H-1 SHA; 2020-05-02 cleared R-3"; the caller frees
** it, NULL when out of memory.  Built by copies, not snprintf: it is
** written for every face. */
static char *events_text(const lr__analysis *s, const lr__event *ev, size_t n)
{
	size_t cap = 64 + n * 48, len = 0;
	char *t = malloc(cap);
	if (!t)
		return NULL;
	t[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		bool record = ev[i].kind == LR__EV_RECORD;
		const char *id = record ? LR_VEC_AT(&s->d->hazards, lr_hazard,
		                                    ev[i].index)
		                                  .id
		                        : LR_VEC_AT(&s->d->releases, lr_release,
		                                    ev[i].index)
		                                  .id;
		const char *what = record ? lr_hazard_type_name(ev[i].sub)
		                          : lr_method_name(ev[i].sub);
		if (append_event(&t, &len, &cap, i == 0, ev[i].date,
		                 record ? "record" : "release", id,
		                 what) != LR_OK) {
			free(t);
			return NULL;
		}
	}
	return t;
}

void lr__face_free(lr_face *f)
{
	free(f->events);
	lr_wkb_free(&f->geom);
}

static int scratch_init(face_scratch *sc, const lr__cluster_faces *cf)
{
	size_t max_cov = 1;
	for (size_t f = 0; f < cf->faces.len; f++) {
		size_t c = LR_VEC_AT(&cf->faces, lr__raw_face, f).n_covers;
		if (c > max_cov)
			max_cov = c;
	}
	sc->ev = malloc(max_cov * sizeof *sc->ev);
	sc->flows = malloc(max_cov * sizeof *sc->flows);
	sc->ev_all = malloc(max_cov * sizeof *sc->ev_all);
	sc->flows_all = malloc(max_cov * sizeof *sc->flows_all);
	if (!sc->ev || !sc->flows || !sc->ev_all || !sc->flows_all)
		return LR_ERR_NOMEM;
	return LR_OK;
}

static void scratch_free(face_scratch *sc)
{
	free(sc->ev);
	free(sc->flows);
	free(sc->ev_all);
	free(sc->flows_all);
	lr_vec_free(&sc->regions_of);
	lr_vec_free(&sc->holds);
}

/*
** The events of one face from the items covering it: every event into
** ev_all, those in scope into ev.  Also notes each item's land in the
** face's region, and the overlaps between surveyed hazards.
*/
static int collect_events(const lr__analysis *s, const lr__raw_face *face,
                          const int32_t *cov, face_scratch *sc,
                          lr_vec *overlaps)
{
	int32_t first_real = -1;
	sc->ne = sc->na = 0;
	for (size_t k = 0; k < face->n_covers; k++) {
		int32_t it = cov[k];
		lr__event e;
		int in_scope = 1;
		if ((size_t)it < s->n_hazards) {
			const lr_hazard *h =
			        &LR_VEC_AT(&s->d->hazards, lr_hazard, it);
			e = (lr__event){h->recorded, LR__EV_RECORD,
			                (uint8_t)h->type, it};
			in_scope = lr__hazard_in_scope(s, (size_t)it);
		} else {
			int32_t ri = it - (int32_t)s->n_hazards;
			const lr_release *r =
			        &LR_VEC_AT(&s->d->releases, lr_release, ri);
			e = (lr__event){r->date, LR__EV_RELEASE,
			                (uint8_t)r->method, ri};
		}
		if (add_item_region(&sc->regions_of, it, face->region,
		                    face->area) != LR_OK)
			return LR_ERR_NOMEM;
		/* Overlaps between surveyed hazards (implied ones stand for
		** released land, not a survey). */
		if (e.kind == LR__EV_RECORD &&
		    LR_VEC_AT(&s->d->hazards, lr_hazard, it).implied_by < 0) {
			if (first_real < 0)
				first_real = it;
			else {
				lr__overlap o = {first_real, it, face->area};
				if (!lr_vec_push(overlaps, &o))
					return LR_ERR_NOMEM;
			}
		}
		sc->ev_all[sc->na++] = e;
		if (in_scope)
			sc->ev[sc->ne++] = e;
	}
	return LR_OK;
}

/* The face's new, released and reclassified land, by year and region; its
** new and released land also as steps of the day (for completion) and per
** item. */
static int add_flows(const lr__analysis *s, lr__accum *acc,
                     const lr__raw_face *face, const lr__flow *flows,
                     size_t n_flows)
{
	for (size_t k = 0; k < n_flows; k++) {
		const lr__flow *fl = &flows[k];
		if (fl->kind == LR__FLOW_OUTSIDE || fl->kind == LR__FLOW_REPEAT)
			continue;
		int y = lr_date_year(fl->date);
		lr_year_row *yr =
		        &acc->years[(size_t)(y - s->r->first_year) * s->n_rows +
		                    (size_t)face->region];
		lr__step st = {fl->date, face->region, face->area};
		if (fl->kind == LR__FLOW_NEW) {
			yr->new_land += face->area;
			s->r->hazard_new[fl->index] += face->area;
			if (fl->sub == LR_CHA)
				yr->new_cha += face->area;
		} else if (fl->kind == LR__FLOW_RELEASED) {
			s->release_in_scope[fl->index] = 1;
			s->r->release_land[fl->index] += face->area;
			st.delta = -face->area;
			yr->released[fl->sub] += face->area;
			if (fl->land == LR_CHA)
				yr->released_cha += face->area;
		} else if (fl->kind == LR__FLOW_RECLASSIFIED) {
			yr->reclassified += face->area;
			continue;
		}
		if (face->area != 0 && !lr_vec_push(&acc->steps, &st))
			return LR_ERR_NOMEM;
	}
	return LR_OK;
}

/* The part of remaining land under records of the contaminations cont. */
static int part_of(int cont)
{
	switch (cont) {
	case LR_CONT_AP:
		return LR_PART_AP;
	case LR_CONT_AV:
		return LR_PART_AV;
	case LR_CONT_ERW:
		return LR_PART_ERW;
	default: /* records of several kinds, or of mixed contamination */
		return LR_PART_MIXED;
	}
}

/* The face's land in the remaining tables, at as-of and at baseline; cont
** is the contamination of the records holding it at as-of. */
static void add_states(lr__accum *acc, const lr__raw_face *face,
                       const lr__face_run *run, int cont)
{
	int row = face->region;
	if (run->state_as_of)
		acc->remaining[row].part[part_of(cont)] += face->area;
	if (run->state_as_of == LR_SHA)
		acc->remaining[row].sha += face->area;
	else if (run->state_as_of == LR_CHA)
		acc->remaining[row].cha += face->area;
	if (run->state_baseline == LR_SHA)
		acc->baseline[row].sha += face->area;
	else if (run->state_baseline == LR_CHA)
		acc->baseline[row].cha += face->area;
}

/* Hazards still holding this land (in scope, recorded).  Returns the
** contaminations of those holding it at as-of, as a mask. */
static int add_hazards_holding(const lr__analysis *s, const lr__raw_face *face,
                               const int32_t *cov, const lr__face_run *run)
{
	int cont = 0;
	for (size_t k = 0; k < face->n_covers; k++) {
		int32_t it = cov[k];
		if ((size_t)it >= s->n_hazards ||
		    !lr__hazard_in_scope(s, (size_t)it))
			continue;
		const lr_hazard *h = &LR_VEC_AT(&s->d->hazards, lr_hazard, it);
		/* A hazard holds the land only if recorded in the hazardous
		** period still running, not if the land was released and then
		** recorded again by another. */
		if (run->state_as_of && h->recorded <= s->as_of &&
		    h->recorded >= run->since_as_of) {
			s->r->hazard_remaining[it] += face->area;
			cont |= h->contamination;
		}
		if (run->state_baseline && s->baseline != LR_DATE_NONE &&
		    h->recorded <= s->baseline &&
		    h->recorded >= run->since_baseline)
			s->hazard_baseline[it] += face->area;
	}
	return cont;
}

/* Each in-scope hazard recorded on this face by the as-of date holds its
** land from its record until the first release after it (same day: records
** come first, so a release that day ends the hold).  ev is sorted. */
static int note_holds(const lr__analysis *s, const lr__raw_face *face,
                      face_scratch *sc)
{
	lr_date next_release = LR_DATE_NONE;
	for (size_t k = sc->ne; k-- > 0;) {
		const lr__event *e = &sc->ev[k];
		if (e->date > s->as_of)
			continue;
		if (e->kind == LR__EV_RELEASE) {
			next_release = e->date;
			continue;
		}
		hazard_hold x = {e->index, next_release, face->area};
		if (!lr_vec_push(&sc->holds, &x))
			return LR_ERR_NOMEM;
	}
	return LR_OK;
}

/* The hazard this face's remaining land is listed under: the earliest
** record of the hazardous spell holding at as-of, ties by id; -1 if the
** face is not hazardous. */
static int32_t listing_hazard(const lr__analysis *s, const lr__raw_face *face,
                              const int32_t *cov, const lr__face_run *run)
{
	int32_t best = -1;
	const lr_hazard *bh = NULL;
	for (size_t k = 0; run->state_as_of && k < face->n_covers; k++) {
		int32_t it = cov[k];
		if ((size_t)it >= s->n_hazards ||
		    !lr__hazard_in_scope(s, (size_t)it))
			continue;
		const lr_hazard *h = &LR_VEC_AT(&s->d->hazards, lr_hazard, it);
		if (h->recorded > s->as_of || h->recorded < run->since_as_of)
			continue;
		if (!bh || h->recorded < bh->recorded ||
		    (h->recorded == bh->recorded &&
		     strcmp(h->id, bh->id) < 0)) {
			best = it;
			bh = h;
		}
	}
	return best;
}

/* List the face's land under its hazard; the hazard's point lies on its
** largest listed face. */
static int list_face(const lr__analysis *s, lr__worker *w,
                     const lr__raw_face *face, int32_t h)
{
	s->r->hazard_listed[h] += face->area;
	if (face->area <= s->hazard_point_area[h])
		return LR_OK;
	/* A GEOS geometry for the few faces that hold a hazard's point. */
	GEOSGeometry *g = lr_wkb_to_geos_r(w->ctx, &face->wkb);
	GEOSGeometry *pt = g ? GEOSPointOnSurface_r(w->ctx, g) : NULL;
	double x, y;
	int ok = pt && GEOSGeomGetX_r(w->ctx, pt, &x) &&
	         GEOSGeomGetY_r(w->ctx, pt, &y);
	GEOSGeom_destroy_r(w->ctx, pt);
	GEOSGeom_destroy_r(w->ctx, g);
	if (!ok) {
		if (!w->err.msg[0])
			lr_error_set(
			        &w->err, LR_ERR_GEOM,
			        "hazard %s: no point found on its "
			        "remaining land",
			        LR_VEC_AT(&s->d->hazards, lr_hazard, h).id);
		return LR_ERR_GEOM;
	}
	s->hazard_point_area[h] = face->area;
	s->r->hazard_lon_e6[h] = llround(x * 1e6);
	s->r->hazard_lat_e6[h] = llround(y * 1e6);
	return LR_OK;
}

/* Keep the face for the store: its events as text and its geometry. */
static int keep_face(const lr__analysis *s, const lr__raw_face *face, int state,
                     const face_scratch *sc, lr__cluster_out *out)
{
	lr_face kf = {face->region, face->area, state, NULL, face->wkb};
	kf.geom.data = malloc(face->wkb.size);
	if (kf.geom.data)
		memcpy(kf.geom.data, face->wkb.data, face->wkb.size);
	kf.events = events_text(s, sc->ev_all, sc->na);
	if (!kf.events || !kf.geom.data || !lr_vec_push(&out->faces, &kf)) {
		lr__face_free(&kf);
		return LR_ERR_NOMEM;
	}
	return LR_OK;
}

/* Run the ledger on face f of cf: its events in order, then its flows,
** states and hazards into the sums. */
static int run_face(const lr__analysis *s, lr__worker *w, lr__accum *acc,
                    const lr__cluster_faces *cf, size_t f, face_scratch *sc,
                    lr__cluster_out *out)
{
	const lr__raw_face *face = &LR_VEC_AT(&cf->faces, lr__raw_face, f);
	const int32_t *cov =
	        &LR_VEC_AT(&cf->covers, int32_t, face->first_cover);
	if (collect_events(s, face, cov, sc, &out->overlaps) != LR_OK)
		return LR_ERR_NOMEM;
	lr__events_sort(sc->ev, sc->ne);
	lr__face_run run = lr__ledger_run(sc->ev, sc->ne, s->as_of, s->baseline,
	                                  sc->flows);
	/* Releases outside recorded hazards are judged against every hazard,
	** whatever the scope of the tables. */
	lr__face_run run_all = run;
	const lr__flow *fl_all = sc->flows;
	/* Sorted also for the face's events text in the store. */
	lr__events_sort(sc->ev_all, sc->na);
	if ((s->opt->scope & LR_CONT_ALL) != LR_CONT_ALL) {
		run_all = lr__ledger_run(sc->ev_all, sc->na, s->as_of,
		                         s->baseline, sc->flows_all);
		fl_all = sc->flows_all;
	}
	if (add_flows(s, acc, face, sc->flows, run.n_flows) != LR_OK)
		return LR_ERR_NOMEM;
	for (size_t k = 0; k < run_all.n_flows; k++) {
		const lr__flow *fl = &fl_all[k];
		if (fl->kind == LR__FLOW_OUTSIDE)
			s->release_outside[fl->index] += face->area;
		if (fl->kind != LR__FLOW_REPEAT)
			continue;
		s->release_repeat[fl->index] += face->area;
		/* Of several earlier releases, the first in input order:
		** whatever order the faces come in. */
		int32_t *of = &s->release_repeat_of[fl->index];
		if (*of < 0 || fl->earlier < *of)
			*of = fl->earlier;
	}
	add_states(acc, face, &run, add_hazards_holding(s, face, cov, &run));
	if (note_holds(s, face, sc) != LR_OK)
		return LR_ERR_NOMEM;
	int32_t listed = listing_hazard(s, face, cov, &run);
	int rc = listed < 0 ? LR_OK : list_face(s, w, face, listed);
	if (rc != LR_OK)
		return rc;
	if (s->opt->keep_faces)
		return keep_face(s, face, run.state_as_of, sc, out);
	return LR_OK;
}

/* Each item's region: its given region if it has land there, else the
** region holding the largest part of it.  Sorts regions_of. */
static void assign_regions(const lr__analysis *s, lr_vec *regions_of)
{
	if (regions_of->len > 1)
		qsort(regions_of->data, regions_of->len, sizeof(item_region),
		      cmp_item_region);
	for (size_t i = 0; i < regions_of->len;) {
		const item_region *best =
		        &LR_VEC_AT(regions_of, item_region, i);
		int32_t it = best->item;
		int given = (size_t)it < s->n_hazards
		                    ? s->hazard_given_region[it]
		                    : -1;
		int given_found = 0;
		size_t j = i;
		for (; j < regions_of->len &&
		       LR_VEC_AT(regions_of, item_region, j).item == it;
		     j++) {
			const item_region *x =
			        &LR_VEC_AT(regions_of, item_region, j);
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
}

static int cmp_hold(const void *a, const void *b)
{
	const hazard_hold *x = a, *y = b;
	if (x->hazard != y->hazard)
		return x->hazard < y->hazard ? -1 : 1;
	/* Still held (LR_DATE_NONE) after every release. */
	lr_date dx = x->until == LR_DATE_NONE ? INT32_MAX : x->until;
	lr_date dy = y->until == LR_DATE_NONE ? INT32_MAX : y->until;
	return dx < dy ? -1 : dx > dy;
}

/* Each hazard's land only shrinks once recorded; the day it falls below
** 1 m2 is the day the hazard stops counting as remaining.  Sorts holds. */
static void hazards_gone(const lr__analysis *s, lr_vec *holds)
{
	if (holds->len > 1)
		qsort(holds->data, holds->len, sizeof(hazard_hold), cmp_hold);
	const hazard_hold *x = holds->data;
	for (size_t i = 0, j; i < holds->len; i = j) {
		lr_cents held = 0;
		for (j = i; j < holds->len && x[j].hazard == x[i].hazard; j++)
			held += x[j].area;
		lr_date gone = LR_DATE_NONE;
		if (held < 100)
			gone = LR_VEC_AT(&s->d->hazards, lr_hazard, x[i].hazard)
			               .recorded;
		for (size_t k = i; k < j && gone == LR_DATE_NONE; k++) {
			if (x[k].until == LR_DATE_NONE)
				break;
			held -= x[k].area;
			if (held < 100)
				gone = x[k].until;
		}
		s->hazard_gone[x[i].hazard] = gone;
	}
}

/* Overlaps: one entry per pair, land summed. */
static void merge_overlaps(lr_vec *overlaps)
{
	if (overlaps->len < 2)
		return;
	qsort(overlaps->data, overlaps->len, sizeof(lr__overlap), cmp_overlap);
	size_t m = 0;
	lr__overlap *o = overlaps->data;
	for (size_t i = 0; i < overlaps->len; i++) {
		if (m > 0 && o[m - 1].a == o[i].a && o[m - 1].b == o[i].b)
			o[m - 1].area += o[i].area;
		else
			o[m++] = o[i];
	}
	overlaps->len = m;
}

int lr__cluster_run(const lr__analysis *s, lr__worker *w, lr__accum *acc,
                    const int32_t *items, size_t n, lr__cluster_out *out)
{
	lr__cluster_faces cf;
	lr__cluster_faces_init(&cf);
	face_scratch sc = {0};
	lr_vec_init(&sc.regions_of, sizeof(item_region));
	lr_vec_init(&sc.holds, sizeof(hazard_hold));
	int rc = lr__cluster_faces_r(w, items, n, &cf);
	if (rc == LR_OK)
		rc = scratch_init(&sc, &cf);
	for (size_t f = 0; rc == LR_OK && f < cf.faces.len; f++)
		rc = run_face(s, w, acc, &cf, f, &sc, out);
	if (rc == LR_OK) {
		assign_regions(s, &sc.regions_of);
		hazards_gone(s, &sc.holds);
		merge_overlaps(&out->overlaps);
	} else {
		out->failed = rc;
		snprintf(out->msg, sizeof out->msg, "%s",
		         w->err.msg[0] ? w->err.msg : "out of memory");
	}
	lr__cluster_faces_free(&cf);
	scratch_free(&sc);
	return rc;
}
