/*
** The outputs of an analysis, the store and the CSV tables, written into the
** output folder as one set (base/commit.c replaces them together).  The
** store is opened before the ledger runs and written by a thread of its
** own: the ledger hands it the faces batch by batch (lr_face_sink) through
** a queue bounded in bytes, so their rows are written while the ledger
** works and their geometries are freed once written.
*/
#include "commit_int.h"
#include "output_int.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define JOURNAL_TMP_PREFIX LR_COMMIT_TMP_PREFIX

/* Bytes of faces (geometries and events) the queue holds before the
** ledger waits for the writer: bounds memory when the writer is slower. */
#define QUEUE_BYTES (64u << 20)

enum { PART_STORE = 1, PART_TABLES = 2 };

/* The CSV tables as the store's side job: written while the store's rows
** are, on the thread its indexes leave idle. */
typedef struct tables_job {
	const lr_dataset *d; /* borrowed */
	const lr_result *r;  /* borrowed */
	const char *dir;     /* borrowed */
	lr__csv_set set;
	lr_error err;
	int rc, ran;
	double seconds;
} tables_job;

/* One batch of faces waiting for the writer; it owns their geometries and
** events. */
typedef struct pending {
	lr_face *faces; /* owned: [n] */
	size_t n, bytes;
	struct pending *next;
} pending;

/* What the writer is asked to do once the queue is empty. */
enum { RUN, FINISH, ABORT };

struct lr_outputs {
	const lr_dataset *d; /* borrowed until closed */
	char dir[4096];
	int parts;
	int made_levels; /* folders of dir made here (dir, its parent, ...):
	                 ** removed again, when still empty, on abort */
	const lr_progress *timings;
	int threads;
	lr_commit commit;
	tables_job job;
	bool streamed; /* faces come through the sink, not the result */
	/* The writer thread and its queue; everything below mu is shared. */
	pthread_t writer;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	pending *head, *tail;
	size_t queued;      /* bytes */
	size_t queue_bytes; /* the bound: QUEUE_BYTES unless a test sets it */
	int ask;            /* RUN, FINISH, ABORT */
	const lr_result *r; /* with FINISH */
	int failed;         /* the writer's error code once it failed */
	lr_error err;       /* the writer's; read by others once failed */
	int rc;             /* the writer's outcome, read after the join */
};

static void run_tables(void *arg)
{
	tables_job *j = arg;
	double t0 = lr_now_seconds();
	j->rc = lr__tables_write(j->d, j->r, j->dir, &j->set, &j->err);
	j->seconds = lr_now_seconds() - t0;
	j->ran = 1;
}

/* The CSV tables into c: written by the store's side job, or now when it
** did not run (no store asked for). */
static int add_tables(tables_job *j, lr_commit *c, lr_error *err)
{
	if (!j->ran)
		run_tables(j);
	if (j->rc != LR_OK) {
		*err = j->err;
		return j->rc;
	}
	return lr__tables_add(&j->set, c, err);
}

/* What a face owns: the store takes these from the ledger. */
static void face_free_owned(lr_face *f)
{
	lr_wkb_free(&f->geom);
	free(f->events);
	f->events = NULL;
}

static void pending_free(pending *p)
{
	for (size_t i = 0; i < p->n; i++)
		face_free_owned(&p->faces[i]);
	free(p->faces);
	free(p);
}

/* ---- The writer thread ---------------------------------------------------
 */

/* The next batch, or NULL once the queue is empty and the writer is asked
** to finish or abort; *ask: what it is asked. */
static pending *next_batch(lr_outputs *o, int *ask)
{
	pthread_mutex_lock(&o->mu);
	while (!o->head && o->ask == RUN)
		pthread_cond_wait(&o->more, &o->mu);
	*ask = o->ask;
	pending *p = o->head;
	if (p) {
		o->head = p->next;
		if (!o->head)
			o->tail = NULL;
	}
	pthread_mutex_unlock(&o->mu);
	return p;
}

/* Write the faces' rows as their batches come; after a failure (or when
** asked to abort) the batches are only freed.  *ask: what the writer was
** asked once the queue is empty. */
static int write_batches(lr_outputs *o, lr__store *s, int rc, int *ask)
{
	pending *p;
	while ((p = next_batch(o, ask))) {
		if (rc == LR_OK && *ask != ABORT)
			rc = lr__store_faces(s, p->faces, p->n);
		size_t bytes = p->bytes;
		pending_free(p);
		pthread_mutex_lock(&o->mu);
		o->queued -= bytes;
		if (rc != LR_OK)
			o->failed = rc;
		pthread_cond_signal(&o->room);
		pthread_mutex_unlock(&o->mu);
	}
	return rc;
}

/* The store, start to end: opened, the faces' rows as they come, then
** (asked to finish) the result's faces unless they came streamed, the
** rest, and the file added to the commit. */
static void *writer_main(void *arg)
{
	lr_outputs *o = arg;
	lr__store *s = NULL;
	int rc = lr__store_open(o->d, o->dir, &s, &o->err);
	if (rc != LR_OK) {
		pthread_mutex_lock(&o->mu);
		o->failed = rc;
		pthread_cond_signal(&o->room);
		pthread_mutex_unlock(&o->mu);
	}
	int ask;
	rc = write_batches(o, s, rc, &ask);
	if (rc == LR_OK && ask == ABORT)
		rc = LR_ERR_IO; /* nothing is committed */
	if (rc == LR_OK && !o->streamed)
		rc = lr__store_faces(s, o->r->faces.data, o->r->faces.len);
	if (rc == LR_OK)
		rc = lr__store_finish(
		        s, o->r, o->timings, o->threads,
		        o->parts & PART_TABLES
		                ? &(lr__side_job){run_tables, &o->job}
		                : NULL,
		        &o->commit);
	lr__store_close(s);
	o->rc = rc;
	return NULL;
}

/* ---- Opening, the sink, closing ------------------------------------------
 */

/* The path of dir's parent in p (in place): false when there is none. */
static bool to_parent(char *p)
{
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	char *slash = strrchr(p, '/');
	if (!slash || slash == p)
		return false;
	*slash = '\0';
	return true;
}

/* How many of dir, its parent, its parent's parent ... do not exist yet:
** the folders lr_mkdir_p makes. */
static int missing_levels(const char *dir)
{
	char *p = lr_strdup(dir);
	int n = 0;
	struct stat st;
	while (p && stat(p, &st) != 0) {
		n++;
		if (!to_parent(p))
			break;
	}
	free(p);
	return n;
}

/* The folders start made, dir first and upwards, removed again: rmdir
** removes only an empty folder, so nothing anyone put there is lost. */
static void remove_made(const char *dir, int levels)
{
	char *p = lr_strdup(dir);
	for (int k = 0; p && k < levels && rmdir(p) == 0; k++)
		if (!to_parent(p))
			break;
	free(p);
}

/* The folder made and readied; the writer started when a store is asked
** for. */
static int start(lr_outputs *o, lr_error *err)
{
	o->made_levels = missing_levels(o->dir);
	int rc = lr_mkdir_p(o->dir, err);
	/* An interrupted commit is finished before the stale temporaries
	** of killed runs are removed: its own are among them. */
	if (rc == LR_OK)
		rc = lr_outputs_recover(o->dir, err);
	if (rc != LR_OK)
		return rc;
	lr_remove_stale_temps(o->dir, JOURNAL_TMP_PREFIX);
	if (!(o->parts & PART_STORE))
		return LR_OK;
	if (pthread_create(&o->writer, NULL, writer_main, o) != 0)
		return lr_error_set(err, LR_ERR_NOMEM,
		                    "cannot start the store's writer thread");
	o->started = true;
	return LR_OK;
}

static void outputs_free(lr_outputs *o)
{
	while (o->head) {
		pending *p = o->head;
		o->head = p->next;
		pending_free(p);
	}
	lr_commit_free(&o->commit);
	lr__tables_discard(&o->job.set);
	pthread_cond_destroy(&o->more);
	pthread_cond_destroy(&o->room);
	pthread_mutex_destroy(&o->mu);
	free(o);
}

static int outputs_open(const lr_dataset *d, const char *dir, int parts,
                        const lr_progress *timings, int threads,
                        lr_outputs **out, lr_error *err)
{
	*out = NULL;
	if (strlen(dir) >= sizeof((lr_outputs *)0)->dir)
		return lr_error_set(err, LR_ERR_IO, "output path too long: %s",
		                    dir);
	lr_outputs *o = calloc(1, sizeof *o);
	if (!o)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	*o = (lr_outputs){.d = d,
	                  .parts = parts,
	                  .timings = timings,
	                  .threads = threads,
	                  .queue_bytes = QUEUE_BYTES};
	memcpy(o->dir, dir, strlen(dir) + 1);
	o->job = (tables_job){.d = d, .dir = o->dir};
	lr_commit_init(&o->commit, o->dir);
	pthread_mutex_init(&o->mu, NULL);
	pthread_cond_init(&o->more, NULL);
	pthread_cond_init(&o->room, NULL);
	int rc = start(o, err);
	if (rc != LR_OK) {
		outputs_free(o);
		return rc;
	}
	*out = o;
	return LR_OK;
}

/* Ask the writer to finish (r) or abort (r NULL) and wait for it. */
static int stop_writer(lr_outputs *o, const lr_result *r, lr_error *err)
{
	if (!o->started)
		return LR_OK;
	pthread_mutex_lock(&o->mu);
	o->ask = r ? FINISH : ABORT;
	o->r = r;
	pthread_cond_signal(&o->more);
	pthread_mutex_unlock(&o->mu);
	pthread_join(o->writer, NULL);
	o->started = false;
	if (o->rc != LR_OK && r)
		*err = o->err;
	return o->rc;
}

int lr_outputs_open(const lr_dataset *d, const char *dir,
                    const lr_progress *timings, int threads, lr_outputs **out,
                    lr_error *err)
{
	return outputs_open(d, dir, PART_STORE | PART_TABLES, timings, threads,
	                    out, err);
}

/* The batch's faces moved into a pending batch: theirs are NULL after,
** whatever happens (out of memory: freed). */
static pending *take_faces(lr_face *faces, size_t n)
{
	pending *p = calloc(1, sizeof *p);
	if (p && !(p->faces = malloc((n ? n : 1) * sizeof *p->faces))) {
		free(p);
		p = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (p) {
			p->faces[p->n++] = faces[i];
			p->bytes +=
			        faces[i].geom.size +
			        (faces[i].events ? strlen(faces[i].events) : 0);
		} else { /* the box stays the ledger's */
			free(faces[i].geom.data);
			free(faces[i].events);
		}
		faces[i].geom.data = NULL;
		faces[i].events = NULL;
	}
	return p;
}

int lr_outputs_take_faces(void *outputs, lr_face *faces, size_t n,
                          lr_error *err)
{
	lr_outputs *o = outputs;
	pending *p = take_faces(faces, n);
	if (!p)
		return lr_error_set(err, LR_ERR_NOMEM,
		                    "out of memory for the faces");
	pthread_mutex_lock(&o->mu);
	while (!o->failed && o->queued && o->queued + p->bytes > o->queue_bytes)
		pthread_cond_wait(&o->room, &o->mu);
	int failed = o->failed;
	if (!failed) {
		if (o->tail)
			o->tail->next = p;
		else
			o->head = p;
		o->tail = p;
		o->queued += p->bytes;
		pthread_cond_signal(&o->more);
	}
	pthread_mutex_unlock(&o->mu);
	if (failed) {
		pending_free(p);
		*err = o->err; /* written before failed was set */
		return failed;
	}
	return LR_OK;
}

void lr__outputs_queue_bytes(lr_outputs *o, size_t bytes)
{
	o->queue_bytes = bytes;
}

void lr_outputs_stream(lr_outputs *o, lr_options *opt)
{
	o->streamed = true;
	opt->face_sink = lr_outputs_take_faces;
	opt->face_sink_arg = o;
}

int lr_outputs_close(lr_outputs *o, const lr_result *r, lr_error *err)
{
	o->job.r = r;
	int rc = stop_writer(o, r, err);
	if (rc == LR_OK && (o->parts & PART_TABLES))
		rc = add_tables(&o->job, &o->commit, err);
	double t_apply = lr_now_seconds();
	if (rc == LR_OK)
		rc = lr_commit_apply(&o->commit, err);
	if (rc == LR_OK)
		lr_progress_note(
		        o->timings,
		        "timings: tables: CSV files written and synced "
		        "%.3f s%s; outputs replaced as one set (journal, "
		        "renames, syncs) %.3f s",
		        o->job.seconds,
		        o->parts & PART_STORE ? " (beside the store's rows)"
		                              : "",
		        lr_now_seconds() - t_apply);
	outputs_free(o);
	return rc;
}

void lr_outputs_abort(lr_outputs *o)
{
	if (!o)
		return;
	lr_error ignored = {0};
	(void)stop_writer(o, NULL, &ignored);
	remove_made(o->dir, o->made_levels);
	outputs_free(o);
}

/* Write the parts asked for into dir as one set: the faces from r. */
static int write_set(const lr_dataset *d, const lr_result *r, const char *dir,
                     int parts, const lr_progress *timings, int threads,
                     lr_error *err)
{
	lr_outputs *o;
	int rc = outputs_open(d, dir, parts, timings, threads, &o, err);
	return rc == LR_OK ? lr_outputs_close(o, r, err) : rc;
}

int lr_outputs_write(const lr_dataset *d, const lr_result *r, const char *dir,
                     const lr_progress *timings, int threads, lr_error *err)
{
	return write_set(d, r, dir, PART_STORE | PART_TABLES, timings, threads,
	                 err);
}

int lr_store_write(const lr_dataset *d, const lr_result *r, const char *dir,
                   lr_error *err)
{
	return write_set(d, r, dir, PART_STORE, NULL, 0, err);
}

int lr_tables_write(const lr_dataset *d, const lr_result *r, const char *dir,
                    lr_error *err)
{
	return write_set(d, r, dir, PART_TABLES, NULL, 0, err);
}

int lr_outputs_recover(const char *dir, lr_error *err)
{
	return lr_commit_recover(dir, err);
}
