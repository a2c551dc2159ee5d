/* The clean -> hazardous -> clean machine run on every face of the ledger. */
#include "ledger_int.h"

#include <stdlib.h>

static int event_cmp(const void *a, const void *b)
{
	const lr__event *x = a, *y = b;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	/* Same date: records before releases (DESIGN 4). */
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->sub != y->sub) {
		/* Records: CHA first, so a same-day SHA+CHA survey is CHA from
		** the start rather than a reclassification.  Releases: enum
		** order is cleared, reduced, cancelled: the most thorough
		** method is credited. */
		if (x->kind == LR__EV_RECORD)
			return x->sub > y->sub ? -1 : 1;
		return x->sub < y->sub ? -1 : 1;
	}
	return x->index < y->index ? -1 : x->index > y->index;
}

void lr__events_sort(lr__event *ev, size_t n)
{
	if (n > 1)
		qsort(ev, n, sizeof *ev, event_cmp);
}

lr__face_run lr__ledger_run(const lr__event *ev, size_t n, lr_date as_of,
                            lr_date baseline, lr__flow *flows)
{
	lr__face_run run = {0, 0, LR_DATE_NONE, LR_DATE_NONE, 0};
	int state = 0; /* 0 clean, else the type of the hazardous land */
	lr_date since = LR_DATE_NONE;
	int32_t released_by = -1; /* what left the clean face clean */
	int baseline_done = baseline == LR_DATE_NONE;
	for (size_t i = 0; i < n; i++) {
		const lr__event *e = &ev[i];
		if (as_of != LR_DATE_NONE && e->date > as_of)
			break;
		if (!baseline_done && e->date > baseline) {
			run.state_baseline = state;
			run.since_baseline = since;
			baseline_done = 1;
		}
		int counted = baseline_done; /* after the baseline date */
		lr__flow f = {e->date, 0, e->sub, e->index, 0, -1};
		if (e->kind == LR__EV_RECORD) {
			if (state == 0) {
				state = e->sub;
				since = e->date;
				released_by = -1;
				f.kind = LR__FLOW_NEW;
			} else if (state == LR_SHA && e->sub == LR_CHA) {
				state = LR_CHA;
				f.kind = LR__FLOW_RECLASSIFIED;
			} else {
				continue; /* overlapping or duplicate survey */
			}
		} else {
			if (state != 0) {
				f.land = (uint8_t)state;
				released_by = e->index;
				state = 0;
				since = LR_DATE_NONE;
				f.kind = LR__FLOW_RELEASED;
			} else {
				/* Reported as a finding whatever the date:
				** land released twice, or land no hazard
				** covered. */
				f.kind = released_by >= 0 ? LR__FLOW_REPEAT
				                          : LR__FLOW_OUTSIDE;
				f.earlier = released_by;
				counted = 1;
			}
		}
		if (counted)
			flows[run.n_flows++] = f;
	}
	if (!baseline_done) {
		run.state_baseline = state;
		run.since_baseline = since;
	}
	run.state_as_of = state;
	run.since_as_of = since;
	return run;
}
