/*
** The reading of one layer as a pipeline: features are read on the calling
** thread (a GDAL dataset handle is used on one thread only), checked and
** measured on every thread, and taken in the order they were read.  While
** one batch is read, the one before is checked and the one before that
** taken, so that no stage waits for another within a step.
*/
#include "ingest_int.h"

#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Features read at a time: they are checked and measured side by side. */
#define READ_BATCH 1024

/* One batch: read by one thread, checked by all, taken by one. */
typedef struct batch {
	lr_feature *f; /* owned [READ_BATCH] */
	int n;
	atomic_int next_check;   /* the next feature to check */
	atomic_int take_claimed; /* 1 once a thread is taking the batch */
	int failed_at;           /* the first feature whose check failed */
	lr_error check_err;      /* its failure */
	int status;              /* LR_OK, or the batch's first failure */
	lr_error err;            /* that failure */
} batch;

/* One checker (GEOS context) per thread, made serially. */
typedef struct checkers {
	lr_checker **c; /* owned [n] */
	int n;
} checkers;

static void checkers_free(checkers *k)
{
	for (int t = 0; k->c && t < k->n; t++)
		lr_checker_free(k->c[t]);
	free(k->c);
}

static int checkers_new(checkers *k, int n, lr_error *err)
{
	k->n = n;
	k->c = calloc((size_t)n, sizeof *k->c);
	if (!k->c)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	for (int t = 0; t < n; t++)
		if (!(k->c[t] = lr_checker_new(err)))
			return err->code;
	return LR_OK;
}

/* A feature held until its batch is taken: its field texts are copied into
** one block, since the source's are valid only until the next read. */
static int hold_feature(lr_feature *held, lr_feature *f)
{
	*held = *f;
	f->wkb.data = NULL; /* taken */
	size_t n = (size_t)(f->n_fields ? f->n_fields : 1), bytes = 0;
	for (int i = 0; i < f->n_fields; i++)
		bytes += f->values[i] ? strlen(f->values[i]) + 1 : 0;
	char **values = malloc(n * sizeof *values + bytes);
	held->values = (const char **)values;
	if (!values)
		return -1;
	char *text = (char *)(values + n);
	for (int i = 0; i < f->n_fields; i++) {
		values[i] = NULL;
		if (f->values[i]) {
			size_t len = strlen(f->values[i]) + 1;
			values[i] = memcpy(text, f->values[i], len);
			text += len;
		}
	}
	return 0;
}

static void release_feature(lr_feature *held)
{
	free((void *)held->values);
	lr_wkb_free(&held->wkb);
	memset(held, 0, sizeof *held);
}

/* Read up to READ_BATCH features into b.  1 while the layer goes on, 0 at
** its end, -1 with err set (the features read before are in b). */
static int read_batch(const lr__layer_reader *r, batch *b, lr_error *err)
{
	lr_feature f;
	memset(&f, 0, sizeof f);
	b->n = 0;
	b->status = LR_OK;
	b->failed_at = -1;
	atomic_store(&b->next_check, 0);
	atomic_store(&b->take_claimed, 0);
	int rc = 1;
	while (b->n < READ_BATCH && (rc = r->next(r->ud, &f, err)) == 1)
		if (hold_feature(&b->f[b->n], &f) != 0) {
			release_feature(&b->f[b->n]);
			lr_error_set(err, LR_ERR_NOMEM, "out of memory");
			return -1;
		} else
			b->n++;
	return rc;
}

/* Take b's features in order (all checked); the first failure (a check's,
** in order, or a take's) stops it. */
static void take_batch(const lr__layer_reader *r, batch *b)
{
	if (b->failed_at >= 0) {
		b->status = b->check_err.code ? b->check_err.code : LR_ERR_GEOM;
		b->err = b->check_err;
	}
	for (int i = 0; i < b->n; i++) {
		if (b->status == LR_OK)
			b->status = r->take(r->ud, &b->f[i], &b->err);
		release_feature(&b->f[i]);
	}
	b->n = 0;
}

/* Check features of b until none is left. */
static void check_batch(checkers *k, batch *b)
{
	int t = omp_get_thread_num();
	int i;
	while ((i = atomic_fetch_add(&b->next_check, 1)) < b->n) {
		lr_feature *f = &b->f[i];
		lr_error e = {0};
		if (lr_feature_check(k->c[t], f, &e) != LR_OK) {
#pragma omp critical(lr_read_check_failed)
			if (b->failed_at < 0 || i < b->failed_at) {
				b->failed_at = i;
				b->check_err = e;
			}
		} else if (f->wkb.data && isnan(f->area_m2))
			f->area_m2 = lr_ellipsoid_area_wkb(&f->wkb);
	}
}

/*
** Where the threads meet after each step.  A thread that waits spins a
** moment, then sleeps: libgomp's barrier spins for milliseconds at every
** step, the CPU of a core that waits for the reader, which a busy machine
** can give to someone else.
*/
typedef struct meeting {
	pthread_mutex_t lock;
	pthread_cond_t all_here;
	int n;             /* threads */
	atomic_int here;   /* arrived in this round */
	atomic_uint round; /* rounds completed */
} meeting;

/* Tries of the round before sleeping: a few microseconds. */
#define MEET_SPINS 4000

/* Wait until all m->n threads are here; the last to come runs last(ud)
** before letting the others go. */
static void meet(meeting *m, void (*last)(void *), void *ud)
{
	unsigned round = atomic_load(&m->round);
	if (atomic_fetch_add(&m->here, 1) + 1 == m->n) {
		last(ud);
		atomic_store(&m->here, 0);
		pthread_mutex_lock(&m->lock);
		atomic_store(&m->round, round + 1);
		pthread_cond_broadcast(&m->all_here);
		pthread_mutex_unlock(&m->lock);
		return;
	}
	for (int i = 0; i < MEET_SPINS && atomic_load(&m->round) == round; i++)
		;
	pthread_mutex_lock(&m->lock);
	while (atomic_load(&m->round) == round)
		pthread_cond_wait(&m->all_here, &m->lock);
	pthread_mutex_unlock(&m->lock);
}

/* The three batches of a step, what reading left, and whether to go on. */
typedef struct step {
	batch *b;                    /* the three batches */
	int j;                       /* b[j] is checked in this step */
	batch *ahead, *now, *before; /* read, checked, taken in the step */
	int rc;                      /* of the last read_batch */
	lr_error read_err;
	bool go_on;   /* another step is due */
	int status;   /* LR_OK, or the first failure taken */
	lr_error err; /* that failure */
} step;

/* Turn s to step j. */
static void step_at(step *s, int j)
{
	s->j = j;
	s->now = &s->b[j];
	s->ahead = &s->b[(j + 1) % 3];
	s->before = &s->b[(j + 2) % 3];
	s->go_on = s->now->n > 0 || s->before->n > 0;
}

/* Between steps, on the last thread to finish one: stop at a failure
** taken, else turn to the next step. */
static void next_step(void *ud)
{
	step *s = ud;
	if ((s->status = s->before->status) != LR_OK) {
		s->err = s->before->err;
		s->go_on = false;
		return;
	}
	step_at(s, (s->j + 1) % 3);
}

/* The steps, on k->n threads.  In each the calling thread reads the batch
** ahead (while reading goes on), the first other thread takes the batch
** before, and all check the batch now once done with that. */
static void run_steps(const lr__layer_reader *r, checkers *k, step *s)
{
	meeting m = {.n = k->n};
	pthread_mutex_init(&m.lock, NULL);
	pthread_cond_init(&m.all_here, NULL);
#pragma omp parallel num_threads(k->n)
	{
		/* The team may be smaller than asked (OMP_THREAD_LIMIT, a
		** read inside a parallel region): meet those it has. */
#pragma omp single
		m.n = omp_get_num_threads();
		while (s->go_on) {
			if (omp_get_thread_num() == 0) {
				s->ahead->n = 0;
				if (s->rc == 1)
					s->rc = read_batch(r, s->ahead,
					                   &s->read_err);
			}
			if (atomic_exchange(&s->before->take_claimed, 1) == 0)
				take_batch(r, s->before);
			check_batch(k, s->now);
			meet(&m, next_step, s);
		}
	}
	pthread_cond_destroy(&m.all_here);
	pthread_mutex_destroy(&m.lock);
}

/*
** Read r's layer to its end (see ingest_int.h).  The failure returned is
** the one a reading, checking and taking of one feature after the other
** would meet first.
*/
int lr__read_layer(const lr__layer_reader *r, int n_threads, lr_error *err)
{
	checkers k = {0};
	batch b[3];
	memset(b, 0, sizeof b);
	for (int j = 0; j < 3; j++) {
		b[j].f = calloc(READ_BATCH, sizeof *b[j].f);
		b[j].failed_at = -1;
	}
	int status =
	        b[0].f && b[1].f && b[2].f
	                ? checkers_new(&k, n_threads > 0 ? n_threads : 1, err)
	                : lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	step s = {.b = b, .rc = 0};
	if (status == LR_OK) {
		s.rc = read_batch(r, &b[0], &s.read_err);
		atomic_store(&b[2].take_claimed,
		             1); /* nothing before the first */
		step_at(&s, 0);
		run_steps(r, &k, &s);
		if ((status = s.status) != LR_OK)
			*err = s.err;
	}
	for (int j = 0; j < 3; j++) { /* what a failure left untaken */
		for (int i = 0; b[j].f && i < b[j].n; i++)
			release_feature(&b[j].f[i]);
		free(b[j].f);
	}
	checkers_free(&k);
	if (status == LR_OK && s.rc < 0) {
		*err = s.read_err;
		status = s.read_err.code ? s.read_err.code : LR_ERR_INPUT;
	}
	return status;
}
