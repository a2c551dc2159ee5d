/*
** The state machine of one ledger face (DESIGN.md section 4), kept apart
** from geometry so that every rule can be tested on hand-made events.
*/
#ifndef LR_LEDGER_INT_H
#define LR_LEDGER_INT_H

#include "lr_ledger.h"

typedef enum { LR__EV_RECORD = 0, LR__EV_RELEASE = 1 } lr__event_kind;

/* One event on a face: a hazard record or a release covering it. */
typedef struct lr__event {
	lr_date date;
	uint8_t kind;  /* lr__event_kind */
	uint8_t sub;   /* record: lr_hazard_type; release: lr_method */
	int32_t index; /* hazard or release index in the dataset */
} lr__event;

typedef enum {
	LR__FLOW_NEW = 0,  /* clean land recorded hazardous after baseline */
	LR__FLOW_RELEASED, /* hazardous land released (sub = method) */
	LR__FLOW_RECLASSIFIED, /* SHA land turned CHA by a CHA record */
	LR__FLOW_OUTSIDE,      /* release on clean land (index = release) */
	LR__FLOW_REPEAT /* release on land an earlier release left clean, no
	                ** record since (earlier = that release) */
} lr__flow_kind;

typedef struct lr__flow {
	lr_date date;
	uint8_t kind; /* lr__flow_kind */
	uint8_t sub;  /* NEW: type; RELEASED: method */
	int32_t index;
	uint8_t land;    /* RELEASED: the type of the land released */
	int32_t earlier; /* REPEAT: the release that released the land */
} lr__flow;

/* What the machine says about one face. */
typedef struct lr__face_run {
	int state_as_of;    /* 0 clean, LR_SHA or LR_CHA */
	int state_baseline; /* same, at the baseline date (0 if none) */
	/* When the hazardous period holding at the as-of (baseline) date
	** began: a hazard counts on this face only if recorded since then,
	** not if its land was released and recorded again by another. */
	lr_date since_as_of, since_baseline;
	size_t n_flows;
} lr__face_run;

/* Sort events in ledger order: date; records before releases; among
** records CHA first; among releases cleared, reduced, cancelled; then index. */
void lr__events_sort(lr__event *ev, size_t n);

/*
** Run the machine over ev[0..n) (sorted with lr__events_sort).  Events after
** as_of are ignored.  Events on or before baseline (if not LR_DATE_NONE)
** build the baseline state and emit no NEW/RELEASED/RECLASSIFIED flows;
** OUTSIDE flows are emitted whatever the date.  flows must hold n entries.
*/
lr__face_run lr__ledger_run(const lr__event *ev, size_t n, lr_date as_of,
                            lr_date baseline, lr__flow *flows);

#endif
