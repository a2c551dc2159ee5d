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

/* ---- The output folder (base/outdir.c) ---------------------------------- */

/*
** Every file landrelease creates, renames or removes lies in an output
** folder, named by a plain name (no '/', not "." or "..") relative to the
** folder's descriptor: the folder is resolved once to its canonical path,
** temporaries are created new (O_EXCL|O_NOFOLLOW) under unpredictable
** names, and nothing is ever written through a symlink.
*/
typedef struct lr_outdir {
	int fd;     /* the folder, open; -1 when closed */
	char *path; /* owned; canonical absolute path, for messages */
} lr_outdir;

/* The infix of every temporary name: ".<final>" LR_TMP_INFIX "<pid>.<hex>". */
#define LR_TMP_INFIX ".tmp."

/* 1 when name is a plain file name: not empty, no '/', not "." or "..". */
int lr_plain_name(const char *name);

/* Resolve dir (which must exist) and hold it open.  LR_OK or LR_ERR_IO. */
int lr_outdir_open(lr_outdir *o, const char *dir, lr_error *err);
void lr_outdir_close(lr_outdir *o);

/*
** Create a new empty temporary file for the plain name final in o, named
** ".<final>.tmp.<pid>.<16 random hex digits><ext>" (ext may be NULL), its
** name into name (n bytes).  Returns its descriptor open for writing, or -1
** with err set.
*/
int lr_outdir_temp(const lr_outdir *o, const char *final, const char *ext,
                   char *name, size_t n, lr_error *err);

/* Rename the regular file from over to (plain names in o; a symlink at to
** is replaced, never followed; a folder at to is refused).  LR_OK or
** LR_ERR_IO naming both. */
int lr_outdir_rename(const lr_outdir *o, const char *from, const char *to,
                     lr_error *err);

/* Remove the file or symlink name in o (absent: LR_OK; a folder or device:
** refused).  LR_OK or LR_ERR_IO. */
int lr_outdir_remove(const lr_outdir *o, const char *name, lr_error *err);

/* fsync the folder so that renames in it are durable; best effort. */
void lr_outdir_sync(const lr_outdir *o);

/*
** A temporary file next to path (in path's folder, resolved): created empty
** and closed; its canonical absolute path into tmp (tmp_size bytes), for a
** library that opens files by name (SQLite, GDAL, libxlsxwriter).  ext, when
** not NULL, ends the name (".gpkg" for a driver that wants it).
*/
int lr_temp_create(const char *path, const char *ext, char *tmp,
                   size_t tmp_size, lr_error *err);

/* Remove the file at path through its folder (lr_outdir_remove). */
int lr_file_remove(const char *path, lr_error *err);

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

/*
** lr_atomic_open() creates a temporary file next to path (lr_temp_create;
** its canonical path into tmp, tmp_size bytes); NULL and err set on
** failure.  lr_atomic_close() closes it, checks every write, fsyncs and
** renames it onto path within the same folder, or removes it: LR_OK or
** LR_ERR_IO naming the file.
*/
FILE *lr_atomic_open(const char *path, char *tmp, size_t tmp_size,
                     lr_error *err);
int lr_atomic_close(FILE *f, const char *tmp, const char *path, lr_error *err);

/* ---- A set of files replaced as one (base/commit.c) -------------------- */

/*
** Each file is first written whole under a temporary name (lr_atomic_open,
** lr_temp_create) and added; lr_commit_apply() then makes the set durable
** with a journal in dir and renames them all.  A journal left by a killed
** process is finished by lr_commit_recover(), which everything that reads
** the folder calls first.  The journal holds a marker of the run that
** wrote it and plain names only; a journal naming anything but the
** temporaries and the files of LR_COMMIT_NAMES is refused whole.
*/
typedef struct lr_commit_entry {
	char *tmp;   /* owned plain name; NULL: remove final */
	char *final; /* owned plain name: the file the user reads */
} lr_commit_entry;

typedef struct lr_commit {
	const char *dir;    /* borrowed */
	lr_commit_entry *e; /* owned, [n] of [cap] */
	size_t n, cap;
	int committed; /* journal written: the temporaries are its to rename */
} lr_commit;

/* The prefix of the journal's own temporary names (for
** lr_remove_stale_temps). */
#define LR_COMMIT_TMP_PREFIX ".landrelease.commit" LR_TMP_INFIX

/*
** The only files a journal may replace or remove: those landrelease writes
** as a set into an analysis folder (the store, its CSV tables, the request
** workbook and map).  A name missing here is refused by lr_commit_add, so a
** new output cannot be journaled without being listed.
*/
#define LR_COMMIT_NAMES                                                        \
	"landrelease.sqlite", "remaining_by_region.csv",                       \
	        "release_by_year.csv", "baseline_by_region.csv",               \
	        "data_quality.csv", "form_c.csv", "remaining_by_level.csv",    \
	        "release_by_year_by_level.csv", "completion_by_region.csv",    \
	        "completion_releases.csv", "previously_unknown.csv",           \
	        "request_tables.xlsx", "remaining.gpkg"

void lr_commit_init(lr_commit *c, const char *dir);

/* Add tmp -> final, or (tmp NULL) the removal of a stale final: paths in
** dir (their folder part is dropped; the names are copied).  LR_ERR_INTERNAL
** for a final outside LR_COMMIT_NAMES. */
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
** naming the file otherwise, and LR_ERR_IO naming the journal, with nothing
** touched, when the journal is not one landrelease wrote.
*/
int lr_commit_recover(const char *dir, lr_error *err);

#endif
