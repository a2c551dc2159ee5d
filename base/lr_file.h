/*
** Durable files: directories made as mkdir -p, closes that fsync, files
** written under a temporary name and renamed whole, and sets of files
** replaced as one under a journal (lr_commit).  Knows nothing of what the
** files hold.
*/
#ifndef LR_FILE_H
#define LR_FILE_H

#include "lr_base.h"

#include <stdio.h>

/* mkdir -p dir.  LR_OK, or LR_ERR_IO with err naming dir. */
int lr_mkdir_p(const char *dir, lr_error *err);

/*
** Remove files in dir named "<prefix><pid>" whose process no longer runs
** (temporary files of killed runs).  Best effort: errors are ignored.
*/
void lr_remove_stale_temps(const char *dir, const char *prefix);

/* Flush, fsync and close f: 0, or the errno of the first failure (a write
** error seen earlier counts). */
int lr_fclose_synced(FILE *f);

/* fsync an open directory so renames in it are durable; best effort. */
void lr_fsync_dir(const char *dir);

/*
** lr_atomic_open() opens a temporary file next to path (its name into tmp,
** tmp_size bytes); NULL and err set on failure.  lr_atomic_close() closes
** it, checks every write, fsyncs and renames it onto path, or removes it:
** LR_OK or LR_ERR_IO naming the file.
*/
FILE *lr_atomic_open(const char *path, char *tmp, size_t tmp_size,
                     lr_error *err);
int lr_atomic_close(FILE *f, const char *tmp, const char *path, lr_error *err);

/* ---- A set of files replaced as one (base/commit.c) -------------------- */

/*
** Each file is first written whole under a temporary name and added;
** lr_commit_apply() then makes the set durable with a journal in dir and
** renames them all.  A journal left by a killed process is finished by
** lr_commit_recover(), which everything that reads the folder calls first.
*/
typedef struct lr_commit_entry {
	char *tmp;   /* owned; complete file to rename; NULL: remove final */
	char *final; /* owned; the name the user reads */
} lr_commit_entry;

typedef struct lr_commit {
	const char *dir;    /* borrowed */
	lr_commit_entry *e; /* owned, [n] of [cap] */
	size_t n, cap;
	int committed; /* journal written: the temporaries are its to rename */
} lr_commit;

/* The prefix of the journal's own temporary names (for
** lr_remove_stale_temps). */
#define LR_COMMIT_TMP_PREFIX ".landrelease.commit.tmp."

void lr_commit_init(lr_commit *c, const char *dir);

/* Add tmp → final, or (tmp NULL) the removal of a stale final.  Both are
** copied. */
int lr_commit_add(lr_commit *c, const char *tmp, const char *final,
                  lr_error *err);

/* Replace the files as one.  On failure before the commit point nothing
** changed; after it, the journal is left for lr_commit_recover(). */
int lr_commit_apply(lr_commit *c, lr_error *err);

/* Free c; temporaries not handed to a journal are removed. */
void lr_commit_free(lr_commit *c);

/*
** Finish replacing the files of dir if a process was killed while doing
** it.  LR_OK when there was nothing to finish or it is finished; LR_ERR_IO
** naming the file otherwise.
*/
int lr_commit_recover(const char *dir, lr_error *err);

#endif
