/*
** Replacing a set of output files as one: each file is written complete
** under a temporary name, then a journal listing the renames is made durable
** (the commit point), the renames are done and the journal removed.  A run
** killed after the commit point leaves the journal; whoever next uses the
** folder (analyze, project, plan, report, batch) finishes the renames first,
** so the files seen are all of the previous run or all of the new one.
**
** The journal names files relative to its own folder, so it is finished the
** same from any working directory, and it names only the temporaries of
** LR_COMMIT_NAMES and those names: a journal that names anything else was
** not written by landrelease and is refused whole, nothing touched.
*/
#include "lr_file.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define JOURNAL_NAME ".landrelease.commit"
#define JOURNAL_MAGIC "landrelease-journal 2 "
#define JOURNAL_MAX (1 << 20)
/* What to do about a journal that cannot be finished (its argument: the
** journal's path). */
#define FIX_HINT "remove %s and run analyze again"

static const char *const known_names[] = {LR_COMMIT_NAMES};

static int known(const char *name)
{
	for (size_t i = 0; i < sizeof known_names / sizeof *known_names; i++)
		if (strcmp(name, known_names[i]) == 0)
			return 1;
	return 0;
}

static const char *last_part(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* ".<final>.tmp.<pid>.<16 hex>[<final's extension>]": a temporary that
** lr_outdir_temp() made for final. */
static int temp_of(const char *tmp, const char *final)
{
	size_t fl = strlen(final), il = strlen(LR_TMP_INFIX);
	if (tmp[0] != '.' || strncmp(tmp + 1, final, fl) != 0 ||
	    strncmp(tmp + 1 + fl, LR_TMP_INFIX, il) != 0)
		return 0;
	const char *s = tmp + 1 + fl + il;
	if (!isdigit((unsigned char)*s))
		return 0;
	while (isdigit((unsigned char)*s))
		s++;
	if (*s++ != '.')
		return 0;
	for (int i = 0; i < 16; i++, s++)
		if (!isxdigit((unsigned char)*s))
			return 0;
	const char *ext = strrchr(final, '.');
	return *s == '\0' || (ext && strcmp(s, ext) == 0);
}

void lr_commit_init(lr_commit *c, const char *dir)
{
	memset(c, 0, sizeof *c);
	c->dir = dir;
}

/* Append tmp -> final (plain names, already checked). */
static int push(lr_commit *c, const char *tmp, const char *final, lr_error *err)
{
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

int lr_commit_add(lr_commit *c, const char *tmp, const char *final,
                  lr_error *err)
{
	const char *f = last_part(final), *t = tmp ? last_part(tmp) : NULL;
	if (!known(f) || (t && !temp_of(t, f)))
		return lr_error_set(
		        err, LR_ERR_INTERNAL,
		        "%s is not a file landrelease replaces as a "
		        "set (LR_COMMIT_NAMES)",
		        final);
	return push(c, t, f, err);
}

void lr_commit_free(lr_commit *c)
{
	lr_outdir o = {-1, NULL};
	/* Temporaries not renamed and not left for the journal's replay. */
	if (!c->committed && c->n && lr_outdir_open(&o, c->dir, NULL) == LR_OK)
		for (size_t i = 0; i < c->n; i++)
			if (c->e[i].tmp)
				(void)lr_outdir_remove(&o, c->e[i].tmp, NULL);
	lr_outdir_close(&o);
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].tmp);
		free(c->e[i].final);
	}
	free(c->e);
	memset(c, 0, sizeof *c);
}

/* The test hook: LR_FAULT_KILL_RENAME=N kills this process with SIGKILL
** just before its Nth rename of a commit (the journal's own, the commit
** point, counts first), to prove that every moment can be resumed. */
static void fault_point(void)
{
	static long left = -2;
	if (left == -2) {
		const char *s = getenv("LR_FAULT_KILL_RENAME");
		left = s ? atol(s) : -1;
	}
	if (left > 0 && --left == 0)
		raise(SIGKILL);
}

/* Carry out one parsed line: rename tmp over final when tmp still exists
** (an absent tmp was renamed already: then final exists), or remove final. */
static int replay_one(const lr_outdir *o, const lr_commit_entry *e,
                      const char *journal, lr_error *err)
{
	if (!e->tmp)
		return lr_outdir_remove(o, e->final, err);
	struct stat st;
	if (fstatat(o->fd, e->tmp, &st, AT_SYMLINK_NOFOLLOW) != 0 &&
	    errno == ENOENT &&
	    fstatat(o->fd, e->final, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return LR_OK;
	fault_point();
	int rc = lr_outdir_rename(o, e->tmp, e->final, err);
	if (rc != LR_OK && err) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		lr_error_set(err, rc,
		             "cannot finish an interrupted run: %s; " FIX_HINT,
		             why, journal);
	}
	return rc;
}

/* A run marker: "<pid>-<seconds>-<hex>". */
static int marker_ok(const char *m)
{
	size_t n = strlen(m);
	return n > 0 && n <= 64 && strspn(m, "0123456789abcdef-") == n;
}

/* Parse one line "R\t<tmp>\t<final>" or "D\t<final>" into j; refuse any
** name that is not a file of the set or one of its temporaries. */
static int parse_line(char *l, lr_commit *j, const char *journal, int no,
                      lr_error *err)
{
	char *f1 = l[0] && l[1] == '\t' ? l + 2 : NULL;
	char *f2 = f1 ? strchr(f1, '\t') : NULL;
	if (f2)
		*f2++ = '\0';
	const char *tmp = l[0] == 'R' && f2 ? f1 : NULL;
	const char *final = l[0] == 'R' ? f2 : l[0] == 'D' && !f2 ? f1 : NULL;
	if (!final || !known(final) || (tmp && !temp_of(tmp, final)))
		return lr_error_set(err, LR_ERR_IO,
		                    "%s: line %d names a file landrelease does "
		                    "not write there; the journal was refused "
		                    "and nothing was changed (" FIX_HINT ")",
		                    journal, no, journal);
	return push(j, tmp, final, err);
}

/* Parse text, the whole journal, into j: every line checked before any is
** carried out. */
static int parse_journal(char *text, lr_commit *j, const char *journal,
                         lr_error *err)
{
	char *nl = strchr(text, '\n');
	if (strncmp(text, JOURNAL_MAGIC, strlen(JOURNAL_MAGIC)) != 0 || !nl)
		return lr_error_set(err, LR_ERR_IO,
		                    "%s is not a journal landrelease wrote; it "
		                    "was refused and nothing was changed "
		                    "(" FIX_HINT ")",
		                    journal, journal);
	*nl = '\0';
	if (!marker_ok(text + strlen(JOURNAL_MAGIC)))
		return lr_error_set(err, LR_ERR_IO,
		                    "%s: bad run marker; it was refused and "
		                    "nothing was changed (" FIX_HINT ")",
		                    journal, journal);
	int no = 1, rc = LR_OK;
	for (char *l = nl + 1; rc == LR_OK && *l; l = nl + 1) {
		no++;
		if (!(nl = strchr(l, '\n')))
			return lr_error_set(err, LR_ERR_IO,
			                    "%s: truncated journal; " FIX_HINT,
			                    journal, journal);
		*nl = '\0';
		rc = parse_line(l, j, journal, no, err);
	}
	return rc;
}

/* Read the journal of o, a regular file of at most JOURNAL_MAX bytes. */
static int read_journal(const lr_outdir *o, const char *journal, char **text,
                        lr_error *err)
{
	*text = NULL;
	int fd = openat(o->fd, JOURNAL_NAME,
	                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > JOURNAL_MAX) {
		if (fd >= 0)
			close(fd);
		return lr_error_set(err, LR_ERR_IO,
		                    "%s is not a journal landrelease wrote; it "
		                    "was refused and nothing was changed "
		                    "(" FIX_HINT ")",
		                    journal, journal);
	}
	char *buf = malloc((size_t)st.st_size + 1);
	ssize_t got = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (got != st.st_size) {
		free(buf);
		return lr_error_set(err, buf ? LR_ERR_IO : LR_ERR_NOMEM,
		                    "cannot read %s", journal);
	}
	buf[got] = '\0';
	*text = buf;
	return LR_OK;
}

/* Finish a commit interrupted in o; the caller holds the lock. */
static int recover_locked(const lr_outdir *o, lr_error *err)
{
	struct stat st;
	if (fstatat(o->fd, JOURNAL_NAME, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return LR_OK;
	char journal[4200];
	snprintf(journal, sizeof journal, "%s/%s", o->path, JOURNAL_NAME);
	char *text;
	lr_commit j;
	lr_commit_init(&j, o->path);
	j.committed = 1; /* its temporaries are never removed here */
	int rc = read_journal(o, journal, &text, err);
	if (rc == LR_OK)
		rc = parse_journal(text, &j, journal, err);
	for (size_t i = 0; rc == LR_OK && i < j.n; i++)
		rc = replay_one(o, &j.e[i], journal, err);
	if (rc == LR_OK) {
		lr_outdir_sync(o);
		if (unlinkat(o->fd, JOURNAL_NAME, 0) != 0)
			rc = lr_error_set(err, LR_ERR_IO,
			                  "cannot remove %s: %s", journal,
			                  strerror(errno));
		lr_outdir_sync(o);
	}
	free(text);
	lr_commit_free(&j);
	return rc;
}

/* Open dir and take an exclusive lock on it (flock works on a directory's
** descriptor and leaves no file behind), so that two processes never commit
** or recover in one folder at once. */
static int open_locked(lr_outdir *o, const char *dir, lr_error *err)
{
	int rc = lr_outdir_open(o, dir, err);
	if (rc == LR_OK && flock(o->fd, LOCK_EX) != 0)
		rc = lr_error_set(err, LR_ERR_IO, "cannot lock %s: %s", o->path,
		                  strerror(errno));
	return rc;
}

int lr_commit_recover(const char *dir, lr_error *err)
{
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return LR_OK; /* nothing there: the caller says what is missing
		               */
	lr_outdir o;
	int rc = open_locked(&o, dir, err);
	if (rc == LR_OK)
		rc = recover_locked(&o, err);
	lr_outdir_close(&o);
	return rc;
}

/* Write the journal of c under a temporary name, synced, then rename it to
** its own name: from then on the commit happens even if this process dies. */
static int write_journal(const lr_commit *c, const lr_outdir *o, lr_error *err)
{
	char name[256], hex[9];
	unsigned r = 0;
	(void)getrandom(&r, sizeof r, 0);
	snprintf(hex, sizeof hex, "%08x", r);
	int fd = lr_outdir_temp(o, &JOURNAL_NAME[1], NULL, name, sizeof name,
	                        err);
	if (fd < 0)
		return err ? err->code : LR_ERR_IO;
	FILE *f = fdopen(fd, "wb");
	int e = f ? 0 : errno;
	if (f)
		fprintf(f, JOURNAL_MAGIC "%ld-%lld-%s\n", (long)getpid(),
		        (long long)time(NULL), hex);
	for (size_t i = 0; f && i < c->n; i++) {
		if (c->e[i].tmp)
			fprintf(f, "R\t%s\t%s\n", c->e[i].tmp, c->e[i].final);
		else
			fprintf(f, "D\t%s\n", c->e[i].final);
	}
	e = f ? lr_fclose_synced(f) : (close(fd), e);
	if (e) {
		(void)lr_outdir_remove(o, name, NULL);
		return lr_error_set(err, LR_ERR_IO, "cannot write %s/%s: %s",
		                    o->path, JOURNAL_NAME, strerror(e));
	}
	fault_point();
	int rc = lr_outdir_rename(o, name, JOURNAL_NAME, err);
	if (rc != LR_OK)
		(void)lr_outdir_remove(o, name, NULL);
	lr_outdir_sync(o);
	return rc;
}

/* What would make a rename fail after the commit point is refused before
** it: a folder where a file goes, a temporary that is not a file. */
static int check_entries(const lr_commit *c, const lr_outdir *o, lr_error *err)
{
	for (size_t i = 0; i < c->n; i++) {
		struct stat st;
		if (fstatat(o->fd, c->e[i].final, &st, AT_SYMLINK_NOFOLLOW) ==
		            0 &&
		    S_ISDIR(st.st_mode))
			return lr_error_set(err, LR_ERR_IO,
			                    "cannot replace %s/%s: it is a "
			                    "directory",
			                    o->path, c->e[i].final);
		if (c->e[i].tmp && (fstatat(o->fd, c->e[i].tmp, &st,
		                            AT_SYMLINK_NOFOLLOW) != 0 ||
		                    !S_ISREG(st.st_mode)))
			return lr_error_set(err, LR_ERR_IO,
			                    "cannot write %s/%s: its temporary "
			                    "%s is gone",
			                    o->path, c->e[i].final,
			                    c->e[i].tmp);
	}
	return LR_OK;
}

int lr_commit_apply(lr_commit *c, lr_error *err)
{
	lr_outdir o;
	int rc = open_locked(&o, c->dir, err);
	if (rc == LR_OK)
		rc = recover_locked(&o, err);
	if (rc == LR_OK)
		rc = check_entries(c, &o, err);
	if (rc == LR_OK && (rc = write_journal(c, &o, err)) == LR_OK) {
		c->committed = 1;
		rc = recover_locked(&o, err);
	}
	lr_outdir_close(&o);
	return rc;
}
