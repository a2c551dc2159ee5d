/*
** The folders of a batch: a finished run folder swapped into place in one
** rename, analyses copied between run folders, and what interrupted batches
** left behind removed.
*/
#include "lr_file.h"
#include "runner_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

int lr__rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Copy the regular file from (st its status) to the new file to, synced. */
static int copy_file(const char *from, const struct stat *st, const char *to)
{
	int rc = 0;
	int in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int out = in < 0 ? -1
	                 : open(to,
	                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	                                O_CLOEXEC,
	                        0666);
	off_t left = st->st_size;
	while (out >= 0 && left > 0) {
		ssize_t n =
		        copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
		if (n <= 0)
			break;
		left -= n;
	}
	if (in < 0 || out < 0 || left > 0 || fsync(out) != 0)
		rc = -1;
	int e = errno;
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0)
		rc = -1;
	errno = e;
	return rc;
}

int lr__copy_files(const char *src, const char *dst)
{
	DIR *d = opendir(src);
	if (!d)
		return -1;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char from[PATH_MAX], to[PATH_MAX];
		struct stat st;
		lr__say(from, sizeof from, "%s/%s", src, e->d_name);
		lr__say(to, sizeof to, "%s/%s", dst, e->d_name);
		if (e->d_name[0] == '.' || lstat(from, &st) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		rc = copy_file(from, &st, to);
	}
	closedir(d);
	return rc;
}

/* Remove the entry name of o and all below it, not following symlinks. */
static void rm_rf_in(const lr_outdir *o, const char *name)
{
	char path[PATH_MAX + 300];
	lr__say(path, sizeof path, "%s/%s", o->path, name);
	lr__rm_rf(path);
}

/*
** Exchanged with an older result (then removed), or renamed when there is
** none; both names lie in one folder and are renamed relative to it, never
** through a symlink.  Where the file system cannot exchange, the old result
** is first moved aside.
*/
int lr__move_into_place(const char *tmp, const char *final, char *msg,
                        size_t size)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(final, '/');
	lr__say(dir, sizeof dir, "%.*s", slash ? (int)(slash - final) : 1,
	        slash ? final : ".");
	const char *to = slash ? slash + 1 : final;
	const char *from = strrchr(tmp, '/') ? strrchr(tmp, '/') + 1 : tmp;
	lr_outdir o;
	lr_error err;
	if (lr_outdir_open(&o, dir, &err) != LR_OK) {
		lr__say(msg, size, "%s", err.msg);
		return -1;
	}
	int rc = 0;
	if (renameat(o.fd, from, o.fd, to) == 0)
		goto done;
	if (errno != ENOTEMPTY && errno != EEXIST && errno != ENOTDIR) {
		lr__say(msg, size, "cannot rename %s to %s: %s", tmp, final,
		        strerror(errno));
		rc = -1;
	} else if (renameat2(o.fd, from, o.fd, to, RENAME_EXCHANGE) == 0) {
		rm_rf_in(&o, from); /* now the older result */
	} else {
		char aside[NAME_MAX + 8];
		lr__say(aside, sizeof aside, "%s.old", from);
		if (renameat(o.fd, to, o.fd, aside) != 0 ||
		    renameat(o.fd, from, o.fd, to) != 0) {
			lr__say(msg, size, "cannot replace %s: %s", final,
			        strerror(errno));
			rc = -1;
		} else {
			rm_rf_in(&o, aside);
		}
	}
done:
	lr_outdir_close(&o);
	return rc;
}

void lr__remove_entries(const lr__batch *b, const char *prefix,
                        bool (*gone)(const char *rest))
{
	size_t pl = strlen(prefix);
	DIR *d = opendir(b->out);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, pl) || !gone(e->d_name + pl))
			continue;
		char path[PATH_MAX + 300];
		lr__say(path, sizeof path, "%s/%s", b->out, e->d_name);
		if (lr__rm_rf(path) != 0)
			lr_progress_note(&b->hooks->progress,
			                 "warning: cannot remove %s: %s", path,
			                 strerror(errno));
	}
	closedir(d);
}

/* "PID" or "PID.old": a run's temporary folder (and the older result moved
** beside it); the run is redone, so whatever process left it is gone. */
static bool run_leftover(const char *rest)
{
	size_t digits = strspn(rest, "0123456789");
	return digits && (!rest[digits] || !strcmp(rest + digits, ".old"));
}

void lr__remove_leftovers(const lr__batch *b, int run)
{
	char prefix[LR_BATCH_NAME_MAX + 16];
	lr__say(prefix, sizeof prefix, ".%s.tmp.", b->m->runs[run].name);
	lr__remove_entries(b, prefix, run_leftover);
}
