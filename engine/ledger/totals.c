/*
** The totals of lr_analyze: the threads' exact sums merged, remaining at
** each year's end, items destroyed, the hazard counts and the findings the
** whole ledger shows (region mismatches, releases outside hazards, land in
** no region).
*/
#include "analyze_int.h"

#include <stdlib.h>

/* Add every thread's sums; integer cents, so the order does not matter. */
static void sum_threads(const lr__analysis *s, const lr__accum *acc,
                        int n_threads)
{
	lr_result *r = s->r;
	size_t cells = (size_t)s->n_years * s->n_rows;
	for (int t = 0; t < n_threads; t++) {
		for (size_t i = 0; i < cells; i++) {
			lr_year_row *y = &r->years[i];
			const lr_year_row *a = &acc[t].years[i];
			y->new_land += a->new_land;
			y->reclassified += a->reclassified;
			y->new_cha += a->new_cha;
			y->released_cha += a->released_cha;
			for (int m = 0; m < LR_N_METHODS; m++)
				y->released[m] += a->released[m];
		}
		for (size_t i = 0; i < s->n_rows; i++) {
			r->remaining[i].sha += acc[t].remaining[i].sha;
			r->remaining[i].cha += acc[t].remaining[i].cha;
			for (int p = 0; p < LR_N_PARTS; p++)
				r->remaining[i].part[p] +=
				        acc[t].remaining[i].part[p];
			if (r->baseline_remaining) {
				r->baseline_remaining[i].sha +=
				        acc[t].baseline[i].sha;
				r->baseline_remaining[i].cha +=
				        acc[t].baseline[i].cha;
			}
		}
	}
}

/* Remaining at the end of each year: the previous year's (or the baseline)
** plus new minus released.  Equal, face by face, to the land hazardous at
** that year's end.  The stocks by type follow their own flows (SHA land
** leaves SHA when reclassified or released as SHA), so that their sum
** equalling remaining_end is a check, not a definition. */
static void remaining_end(const lr__analysis *s)
{
	lr_result *r = s->r;
	for (size_t row = 0; row < s->n_rows; row++) {
		const lr_remaining_row *b =
		        r->baseline_remaining ? &r->baseline_remaining[row]
		                              : NULL;
		lr_cents prev = b ? b->sha + b->cha : 0;
		lr_cents sha = b ? b->sha : 0, cha = b ? b->cha : 0;
		for (int y = r->first_year; y <= r->last_year; y++) {
			lr_year_row *yr = LR_YEAR_ROW(r, y, (int)row);
			lr_cents released = yr->released[0] + yr->released[1] +
			                    yr->released[2];
			prev += yr->new_land - released;
			yr->remaining_end = prev;
			sha += yr->new_land - yr->new_cha - yr->reclassified -
			       (released - yr->released_cha);
			cha += yr->new_cha + yr->reclassified -
			       yr->released_cha;
			yr->sha_end = sha;
			yr->cha_end = cha;
		}
	}
}

/* Hazards remaining at each year's end, in their region and by their type:
** from the year of their record to the year before their land fell below
** 1 m2.  Each hazard marks the year it starts to count and the year after
** its last (in pairs of SHA, CHA counts per cell), and the marks summed
** along the years give the counts.  LR_OK or LR_ERR_NOMEM. */
static int year_counts(const lr__analysis *s)
{
	lr_result *r = s->r;
	size_t rows = s->n_rows;
	int64_t *mark =
	        calloc(((size_t)s->n_years + 1) * rows * 2, sizeof *mark);
	if (!mark)
		return LR_ERR_NOMEM;
	for (size_t i = 0; i < s->n_hazards; i++) {
		const lr_hazard *h = &LR_VEC_AT(&s->d->hazards, lr_hazard, i);
		if (!lr__hazard_in_scope(s, i) || h->recorded > s->as_of)
			continue;
		int from = lr_date_year(h->recorded);
		int to = s->hazard_gone[i] == LR_DATE_NONE
		                 ? r->last_year
		                 : lr_date_year(s->hazard_gone[i]) - 1;
		from = from < r->first_year ? r->first_year : from;
		to = to > r->last_year ? r->last_year : to;
		if (from > to)
			continue;
		size_t cell =
		        (size_t)r->hazard_region[i] * 2 + (h->type == LR_CHA);
		mark[(size_t)(from - r->first_year) * rows * 2 + cell]++;
		mark[(size_t)(to + 1 - r->first_year) * rows * 2 + cell]--;
	}
	for (size_t row = 0; row < rows; row++) {
		int64_t sha = 0, cha = 0;
		for (int y = r->first_year; y <= r->last_year; y++) {
			const int64_t *m =
			        &mark[((size_t)(y - r->first_year) * rows +
			               row) *
			              2];
			lr_year_row *yr = LR_YEAR_ROW(r, y, (int)row);
			yr->sha_count_end = sha += m[0];
			yr->cha_count_end = cha += m[1];
		}
	}
	free(mark);
	return LR_OK;
}

/* A release whose items a scope leaves out: it released no land of a
** hazard in scope, so its mines are not the scope's.  A finding, with the
** items, so that none is silently dropped. */
static int items_out_of_scope(lr_dataset *d, const lr_release *rl)
{
	if (!rl->ap_mines && !rl->av_mines && !rl->erw && !rl->ap_improvised)
		return LR_OK;
	return lr_quality_add(
	        &d->quality, LR_SEV_WARNING, "items_out_of_scope", "releases",
	        rl->fid, rl->id, -1,
	        "release %s (%s, %s) released no land of a hazard in the "
	        "scope of the tables; its %lld AP mines (%lld improvised), "
	        "%lld AV mines and %lld ERW are not counted",
	        rl->id, lr_method_name(rl->method),
	        lr_date_format(rl->date, (char[16]){0}),
	        (long long)rl->ap_mines, (long long)rl->ap_improvised,
	        (long long)rl->av_mines, (long long)rl->erw);
}

/* Items destroyed: in the region and year of their release; under a scope
** only those of releases of land in scope. */
static int items_destroyed(const lr__analysis *s, lr_dataset *d)
{
	lr_result *r = s->r;
	bool scoped = (s->opt->scope & LR_CONT_ALL) != LR_CONT_ALL;
	for (size_t i = 0; i < s->n_releases; i++) {
		const lr_release *rl =
		        &LR_VEC_AT(&s->d->releases, lr_release, i);
		if (rl->date > s->as_of ||
		    (s->baseline != LR_DATE_NONE && rl->date <= s->baseline))
			continue;
		if (scoped && !s->release_in_scope[i]) {
			if (items_out_of_scope(d, rl) != LR_OK)
				return LR_ERR_NOMEM;
			continue;
		}
		lr_year_row *yr = LR_YEAR_ROW(r, lr_date_year(rl->date),
		                              r->release_region[i]);
		yr->ap_mines += rl->ap_mines;
		yr->av_mines += rl->av_mines;
		yr->erw += rl->erw;
		yr->ap_improvised += rl->ap_improvised;
	}
	return LR_OK;
}

static void count_one(lr_remaining_row *row, const lr_hazard *h)
{
	if (h->type == LR_CHA)
		row->cha_count++;
	else
		row->sha_count++;
}

/* Counts: a hazard is remaining while at least 1 m2 of its land is.  A
** hazard whose given region holds none of its land is a finding. */
static int hazard_counts(const lr__analysis *s, lr_dataset *d)
{
	lr_result *r = s->r;
	for (size_t i = 0; i < s->n_hazards; i++) {
		const lr_hazard *h = &LR_VEC_AT(&d->hazards, lr_hazard, i);
		if (!lr__hazard_in_scope(s, i))
			continue;
		int reg = r->hazard_region[i];
		if (r->hazard_remaining[i] >= 100)
			count_one(&r->remaining[reg], h);
		if (r->baseline_remaining && s->hazard_baseline[i] >= 100)
			count_one(&r->baseline_remaining[reg], h);
		if (h->region_id && !s->hazard_given_ok[i] &&
		    lr_quality_add(&d->quality, LR_SEV_WARNING,
		                   "region_mismatch", "hazards", h->fid, h->id,
		                   -1,
		                   "hazard %s gives region_id '%s' but none of "
		                   "its land lies there; counted in the region "
		                   "holding most of it",
		                   h->id, h->region_id) != LR_OK)
			return LR_ERR_NOMEM;
	}
	return LR_OK;
}

static int release_outside_findings(const lr__analysis *s, lr_dataset *d)
{
	for (size_t i = 0; i < s->n_releases; i++) {
		if (s->release_outside[i] <= 0)
			continue;
		const lr_release *rl = &LR_VEC_AT(&d->releases, lr_release, i);
		char m2[32];
		if (lr_quality_add(
		            &d->quality, LR_SEV_WARNING, "release_outside",
		            "releases", rl->fid, rl->id, s->release_outside[i],
		            "release %s (%s, %s) covers %s m2 that no recorded "
		            "hazard covered at that date",
		            rl->id, lr_method_name(rl->method),
		            lr_date_format(rl->date, (char[16]){0}),
		            lr_cents_format(s->release_outside[i], m2)) !=
		    LR_OK)
			return LR_ERR_NOMEM;
	}
	return LR_OK;
}

/* Land released twice: a fault of its own, naming the earlier release. */
static int release_repeat_findings(const lr__analysis *s, lr_dataset *d)
{
	for (size_t i = 0; i < s->n_releases; i++) {
		if (s->release_repeat[i] <= 0)
			continue;
		const lr_release *rl = &LR_VEC_AT(&d->releases, lr_release, i);
		const lr_release *e = &LR_VEC_AT(&d->releases, lr_release,
		                                 s->release_repeat_of[i]);
		char m2[32];
		if (lr_quality_add(
		            &d->quality, LR_SEV_WARNING,
		            "release_repeats_release", "releases", rl->fid,
		            rl->id, s->release_repeat[i],
		            "release %s (%s, %s) covers %s m2 that release %s "
		            "(%s, %s) had already released, with no hazard "
		            "recorded there since; it changes no figure",
		            rl->id, lr_method_name(rl->method),
		            lr_date_format(rl->date, (char[16]){0}),
		            lr_cents_format(s->release_repeat[i], m2), e->id,
		            lr_method_name(e->method),
		            lr_date_format(e->date, (char[16]){0})) != LR_OK)
			return LR_ERR_NOMEM;
	}
	return LR_OK;
}

/* The OUTSIDE row is shown when any figure of it is not zero. */
static int outside_row(const lr__analysis *s, lr_dataset *d)
{
	lr_result *r = s->r;
	int out = (int)s->n_regions;
	r->has_outside = r->remaining[out].sha || r->remaining[out].cha;
	for (int y = r->first_year; y <= r->last_year && !r->has_outside; y++) {
		const lr_year_row *yr = LR_YEAR_ROW(r, y, out);
		r->has_outside = yr->new_land || yr->released[0] ||
		                 yr->released[1] || yr->released[2] ||
		                 yr->ap_mines || yr->av_mines || yr->erw ||
		                 yr->ap_improvised;
	}
	if (!r->has_outside)
		return LR_OK;
	char m2[32];
	lr_cents total = 0;
	for (int y = r->first_year; y <= r->last_year; y++)
		total += LR_YEAR_ROW(r, y, out)->new_land;
	return lr_quality_add(&d->quality, LR_SEV_WARNING, "outside_regions",
	                      "", -1, "", total,
	                      "%s m2 of recorded hazardous land lies in no "
	                      "region; it is reported in the OUTSIDE row",
	                      lr_cents_format(total, m2));
}

/* Form C: the hazards that list remaining land, in hazard order. */
static void form_c_list(const lr__analysis *s)
{
	lr_result *r = s->r;
	r->n_form_c = 0;
	for (size_t i = 0; i < s->n_hazards; i++)
		if (r->hazard_listed[i] > 0)
			r->form_c[r->n_form_c++] = (int32_t)i;
}

int lr__totals(const lr__analysis *s, lr_dataset *d, const lr__accum *acc,
               int n_threads)
{
	sum_threads(s, acc, n_threads);
	s->r->n_faces = (int64_t)s->r->faces.len;
	remaining_end(s);
	form_c_list(s);
	int rc = year_counts(s);
	if (rc == LR_OK)
		rc = items_destroyed(s, d);
	if (rc == LR_OK)
		rc = hazard_counts(s, d);
	if (rc == LR_OK)
		rc = release_outside_findings(s, d);
	if (rc == LR_OK)
		rc = release_repeat_findings(s, d);
	if (rc == LR_OK)
		rc = outside_row(s, d);
	return rc;
}
