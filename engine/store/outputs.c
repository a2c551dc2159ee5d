/*
** The outputs of an analysis, the store and the CSV tables, written into the
** output folder as one set (base/commit.c replaces them together).
*/
#include "commit_int.h"
#include "output_int.h"

#include <stdlib.h>

#define JOURNAL_TMP_PREFIX LR_COMMIT_TMP_PREFIX

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

/* Write the parts asked for into dir as one set. */
static int write_set(const lr_dataset *d, const lr_result *r, const char *dir,
                     int parts, const lr_progress *timings, int threads,
                     lr_error *err)
{
	lr_commit c;
	lr_commit_init(&c, dir);
	tables_job *job = calloc(1, sizeof *job);
	if (!job)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	*job = (tables_job){.d = d, .r = r, .dir = dir};
	lr__side_job side = {run_tables, job};
	int rc = lr_mkdir_p(dir, err);
	/* An interrupted commit is finished before the stale temporaries
	** of killed runs are removed: its own are among them. */
	if (rc == LR_OK)
		rc = lr_outputs_recover(dir, err);
	if (rc == LR_OK) {
		lr_remove_stale_temps(dir, JOURNAL_TMP_PREFIX);
		if (parts & PART_STORE)
			rc = lr__store_stage(d, r, dir, timings, threads,
			                     parts & PART_TABLES ? &side : NULL,
			                     &c, err);
	}
	if (rc == LR_OK && (parts & PART_TABLES))
		rc = add_tables(job, &c, err);
	double t_apply = lr_now_seconds();
	if (rc == LR_OK)
		rc = lr_commit_apply(&c, err);
	lr_commit_free(&c);
	lr__tables_discard(&job->set);
	if (rc == LR_OK)
		lr_progress_note(
		        timings,
		        "timings: tables: CSV files written and synced "
		        "%.3f s%s; outputs replaced as one set (journal, "
		        "renames, syncs) %.3f s",
		        job->seconds,
		        parts & PART_STORE ? " (beside the store's rows)" : "",
		        lr_now_seconds() - t_apply);
	free(job);
	return rc;
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
