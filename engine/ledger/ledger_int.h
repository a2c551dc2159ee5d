/*
** The state machine of one ledger face (DESIGN.md section 4), kept apart
** from geometry so that every rule can be tested on hand-made events.
*/
#ifndef LR_LEDGER_INT_H
#define LR_LEDGER_INT_H

#include "lr_ledger.h"

typedef enum { LR_EV_RECORD = 0, LR_EV_RELEASE = 1 } lr_event_kind;

/* One event on a face: a hazard record or a release covering it. */
typedef struct lr_event {
	lr_date date;
	uint8_t kind;  /* lr_event_kind */
	uint8_t sub;   /* record: lr_hazard_type; release: lr_method */
	int32_t index; /* hazard or release index in the dataset */
} lr_event;

typedef enum {
	LR_FLOW_NEW = 0,      /* clean land recorded hazardous after baseline */
	LR_FLOW_RELEASED,     /* hazardous land released (sub = method) */
	LR_FLOW_RECLASSIFIED, /* SHA land turned CHA by a CHA record */
	LR_FLOW_OUTSIDE       /* release on clean land (index = release) */
} lr_flow_kind;

typedef struct lr_flow {
	lr_date date;
	uint8_t kind; /* lr_flow_kind */
	uint8_t sub;  /* NEW: type; RELEASED: method */
	int32_t index;
} lr_flow;

/* What the machine says about one face. */
typedef struct lr_face_run {
	int state_as_of;    /* 0 clean, LR_SHA or LR_CHA */
	int state_baseline; /* same, at the baseline date (0 if none) */
	/* When the hazardous period holding at the as-of (baseline) date
	** began: a hazard counts on this face only if recorded since then,
	** not if its land was released and recorded again by another. */
	lr_date since_as_of, since_baseline;
	size_t n_flows;
} lr_face_run;

/* Sort events in ledger order: date; records before releases; among
** records CHA first; among releases cleared, reduced, cancelled; then index. */
void lr_events_sort(lr_event *ev, size_t n);

/*
** Run the machine over ev[0..n) (sorted with lr_events_sort).  Events after
** as_of are ignored.  Events on or before baseline (if not LR_DATE_NONE)
** build the baseline state and emit no NEW/RELEASED/RECLASSIFIED flows;
** OUTSIDE flows are emitted whatever the date.  flows must hold n entries.
*/
lr_face_run lr_ledger_run(const lr_event *ev, size_t n, lr_date as_of,
                          lr_date baseline, lr_flow *flows);

#endif
