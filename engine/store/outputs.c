/*
** The outputs of an analysis, the store and the CSV tables, written into the
** output folder as one set (base/commit.c replaces them together).
*/
#include "commit_int.h"
#include "output_int.h"

#define JOURNAL_TMP_PREFIX LR_COMMIT_TMP_PREFIX

enum { PART_STORE = 1, PART_TABLES = 2 };

/* Write the parts asked for into dir as one set. */
static int write_set(const lr_dataset *d, const lr_result *r, const char *dir,
                     int parts, const lr_progress *timings, int threads,
                     lr_error *err)
{
	lr_commit c;
	lr_commit_init(&c, dir);
	int rc = lr_mkdir_p(dir, err);
	/* An interrupted commit is finished before the stale temporaries
	** of killed runs are removed: its own are among them. */
	if (rc == LR_OK)
		rc = lr_outputs_recover(dir, err);
	if (rc == LR_OK) {
		lr_remove_stale_temps(dir, JOURNAL_TMP_PREFIX);
		if (parts & PART_STORE)
			rc = lr__store_stage(d, r, dir, timings, threads, &c,
			                     err);
	}
	if (rc == LR_OK && (parts & PART_TABLES))
		rc = lr__tables_stage(d, r, dir, &c, err);
	if (rc == LR_OK)
		rc = lr_commit_apply(&c, err);
	lr_commit_free(&c);
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
