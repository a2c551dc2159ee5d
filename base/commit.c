/*
** Replacing a set of output files as one: each file is written complete
** under a temporary name, then a journal listing the renames is made durable
** (the commit point), the renames are done and the journal removed.  A run
** killed after the commit point leaves the journal; whoever next uses the
** folder (analyze, project, plan, report, batch) finishes the renames first,
** so the files seen are all of the previous run or all of the new one.
*/
#include "lr_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define JOURNAL_NAME ".landrelease.commit"
#define JOURNAL_TMP_PREFIX LR_COMMIT_TMP_PREFIX
/* What to do about a journal that cannot be finished (its argument: the
** journal's path). */
#define FIX_HINT "remove %s and run analyze again"

void lr_commit_init(lr_commit *c, const char *dir)
{
	memset(c, 0, sizeof *c);
	c->dir = dir;
}

static char *path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

int lr_commit_add(lr_commit *c, const char *tmp, const char *final,
                  lr_error *err)
{
	/* Names go one per line in the journal, separated by tabs. */
	if (strpbrk(final, "\t\n") || (tmp && strpbrk(tmp, "\t\n")))
		return lr_error_set(err, LR_ERR_USAGE,
		                    "output path holds a tab or a line break: "
		                    "%s",
		                    final);
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		lr_commit_entry *e = realloc(c->e, cap * sizeof *e);
		if (!e)
			return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		c->e = e;
		c->cap = cap;
	}
	lr_commit_entry *e = &c->e[c->n];
	e->tmp = tmp ? strdup(tmp) : NULL;
	e->final = strdup(final);
	if (!e->final || (tmp && !e->tmp)) {
		free(e->tmp);
		free(e->final);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	c->n++;
	return LR_OK;
}

void lr_commit_free(lr_commit *c)
{
	for (size_t i = 0; i < c->n; i++) {
		/* Renamed already, or left for the journal's replay. */
		if (c->e[i].tmp && !c->committed)
			(void)unlink(c->e[i].tmp);
		free(c->e[i].tmp);
		free(c->e[i].final);
	}
	free(c->e);
	memset(c, 0, sizeof *c);
}

/* An exclusive lock on the folder itself (flock works on a directory's
** descriptor and leaves no file behind), so that two processes never commit
** or recover in one folder at once.  -1 when it cannot be had: the caller
** goes on without it. */
static int lock_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void unlock_dir(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the lock */
}

/* Carry out the journal's lines: "R\t<tmp>\t<final>" renames tmp over final
** when tmp still exists (an absent tmp was renamed already); "D\t<final>"
** removes final.  Returns LR_OK or an error naming the file. */
static int replay(const char *journal, const char *text, lr_error *err)
{
	const char *line = text;
	while (*line) {
		const char *nl = strchr(line, '\n');
		if (!nl)
			return lr_error_set(err, LR_ERR_IO,
			                    "%s: truncated journal; " FIX_HINT,
			                    journal, journal);
		size_t len = (size_t)(nl - line);
		char *l = strndup(line, len);
		if (!l)
			return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		char *tab = strchr(l, '\t');
		int rc = LR_OK;
		if (l[0] == 'R' && tab) {
			char *tmp = tab + 1, *t2 = strchr(tmp, '\t');
			if (!t2) {
				rc = lr_error_set(
				        err, LR_ERR_IO,
				        "%s: malformed line; " FIX_HINT,
				        journal, journal);
			} else {
				*t2 = '\0';
				/* No tmp is fine only if it was renamed
				** already: then the final name exists. */
				if (rename(tmp, t2 + 1) != 0 &&
				    (errno != ENOENT ||
				     access(t2 + 1, F_OK) != 0))
					rc = lr_error_set(
					        err, LR_ERR_IO,
					        "cannot finish an interrupted "
					        "run: cannot rename %s to %s "
					        "(%s); " FIX_HINT,
					        tmp, t2 + 1, strerror(errno),
					        journal);
			}
		} else if (l[0] == 'D' && tab) {
			if (unlink(tab + 1) != 0 && errno != ENOENT)
				rc = lr_error_set(err, LR_ERR_IO,
				                  "cannot remove stale %s: %s",
				                  tab + 1, strerror(errno));
		} else {
			rc = lr_error_set(err, LR_ERR_IO,
			                  "%s: malformed line; " FIX_HINT,
			                  journal, journal);
		}
		free(l);
		if (rc != LR_OK)
			return rc;
		line = nl + 1;
	}
	return LR_OK;
}

/* Finish a commit interrupted in dir; the caller holds the lock. */
static int recover_locked(const char *dir, lr_error *err)
{
	char *journal = path_in(dir, JOURNAL_NAME);
	if (!journal)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	int rc = LR_OK;
	if (access(journal, F_OK) == 0) {
		char *text;
		rc = lr_read_file(journal, &text, NULL, err);
		/* The folder's own file unreadable: a failure, not bad input.
		 */
		if (rc == LR_ERR_INPUT) {
			rc = LR_ERR_IO;
			if (err)
				err->code = rc;
		}
		if (rc == LR_OK && (rc = replay(journal, text, err)) == LR_OK) {
			lr_fsync_dir(dir);
			if (unlink(journal) != 0)
				rc = lr_error_set(err, LR_ERR_IO,
				                  "cannot remove %s: %s",
				                  journal, strerror(errno));
			lr_fsync_dir(dir);
		}
		free(text);
	}
	free(journal);
	return rc;
}

int lr_commit_recover(const char *dir, lr_error *err)
{
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return LR_OK; /* nothing there: the caller says what is missing
		               */
	char *journal = path_in(dir, JOURNAL_NAME);
	if (!journal)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	int pending = access(journal, F_OK) == 0;
	free(journal);
	if (!pending)
		return LR_OK;
	int lock = lock_dir(dir);
	int rc = recover_locked(dir, err);
	unlock_dir(lock);
	return rc;
}

/* Write the journal of c under a temporary name, synced, then rename it to
** its own name: from then on the commit happens even if this process dies. */
static int write_journal(const lr_commit *c, const char *journal, lr_error *err)
{
	char name[64];
	snprintf(name, sizeof name, JOURNAL_TMP_PREFIX "%ld", (long)getpid());
	char *tmp = path_in(c->dir, name);
	if (!tmp)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	FILE *f = fopen(tmp, "wb");
	int e = f ? 0 : errno;
	for (size_t i = 0; f && !e && i < c->n; i++) {
		if (c->e[i].tmp)
			fprintf(f, "R\t%s\t%s\n", c->e[i].tmp, c->e[i].final);
		else
			fprintf(f, "D\t%s\n", c->e[i].final);
	}
	if (f) {
		int closed = lr_fclose_synced(f);
		if (!e)
			e = closed;
	}
	if (!e && rename(tmp, journal) != 0)
		e = errno;
	int rc = LR_OK;
	if (e) {
		(void)unlink(tmp);
		rc = lr_error_set(err, LR_ERR_IO, "cannot write %s: %s",
		                  journal, strerror(e));
	} else {
		lr_fsync_dir(c->dir);
	}
	free(tmp);
	return rc;
}

/* What would make a rename fail after the commit point is refused before
** it: a folder where a file goes. */
static int check_finals(const lr_commit *c, lr_error *err)
{
	for (size_t i = 0; i < c->n; i++) {
		struct stat st;
		if (lstat(c->e[i].final, &st) == 0 && S_ISDIR(st.st_mode))
			return lr_error_set(err, LR_ERR_IO,
			                    "cannot replace %s: it is a "
			                    "directory",
			                    c->e[i].final);
	}
	return LR_OK;
}

int lr_commit_apply(lr_commit *c, lr_error *err)
{
	char *journal = path_in(c->dir, JOURNAL_NAME);
	if (!journal)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	int lock = lock_dir(c->dir);
	int rc = recover_locked(c->dir, err);
	if (rc == LR_OK)
		rc = check_finals(c, err);
	if (rc == LR_OK && (rc = write_journal(c, journal, err)) == LR_OK) {
		c->committed = 1;
		rc = recover_locked(c->dir, err);
	}
	unlock_dir(lock);
	free(journal);
	return rc;
}
