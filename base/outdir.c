/*
** The output folder: the one place where landrelease creates, renames and
** removes files.  The folder is resolved once to its canonical absolute
** path and held open; every file in it is then named by a plain name
** relative to that descriptor, so neither a symlink planted in the folder
** nor a later change of the working directory or of a parent folder can
** send a write elsewhere.
*/
#include "lr_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

int lr_plain_name(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

int lr_outdir_open(lr_outdir *o, const char *dir, lr_error *err)
{
	o->fd = -1;
	o->path = realpath(dir && *dir ? dir : ".", NULL);
	if (!o->path)
		return lr_error_set(err, LR_ERR_IO,
		                    "cannot use output folder %s: %s", dir,
		                    strerror(errno));
	o->fd = open(o->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->fd < 0) {
		int e = errno;
		free(o->path);
		o->path = NULL;
		return lr_error_set(err, LR_ERR_IO,
		                    "cannot use output folder %s: %s", dir,
		                    strerror(e));
	}
	return LR_OK;
}

void lr_outdir_close(lr_outdir *o)
{
	if (o->fd >= 0)
		close(o->fd);
	free(o->path);
	o->fd = -1;
	o->path = NULL;
}

/* 64 unpredictable bits as 16 hex digits. */
static void random_hex(char out[17])
{
	unsigned char b[8];
	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
		/* No entropy source: O_EXCL still refuses a planted name. */
		unsigned long long x =
		        (unsigned long long)getpid() * 2654435761u ^
		        (unsigned long long)(uintptr_t)b;
		memcpy(b, &x, sizeof b);
	}
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

int lr_outdir_temp(const lr_outdir *o, const char *final, const char *ext,
                   char *name, size_t n, lr_error *err)
{
	if (!lr_plain_name(final))
		return lr_error_set(err, LR_ERR_USAGE,
		                    "not a file name inside the output folder: "
		                    "%s",
		                    final);
	for (int tries = 0; tries < 16; tries++) {
		char hex[17];
		random_hex(hex);
		int k = snprintf(name, n,
		                 "."
		                 "%s" LR_TMP_INFIX "%ld.%s%s",
		                 final, (long)getpid(), hex, ext ? ext : "");
		if (k < 0 || (size_t)k >= n)
			return lr_error_set(err, LR_ERR_IO,
			                    "file name too long: %s", final);
		int fd = openat(o->fd, name,
		                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		                        O_CLOEXEC,
		                0666);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			break;
	}
	lr_error_set(err, LR_ERR_IO, "cannot write %s/%s: %s", o->path, final,
	             strerror(errno));
	return -1;
}

/* What lies at name, not following a symlink: its st_mode, 0 when absent. */
static mode_t mode_at(const lr_outdir *o, const char *name)
{
	struct stat st;
	return fstatat(o->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_mode
	                                                           : 0;
}

int lr_outdir_rename(const lr_outdir *o, const char *from, const char *to,
                     lr_error *err)
{
	if (!lr_plain_name(from) || !lr_plain_name(to))
		return lr_error_set(err, LR_ERR_IO,
		                    "refused to rename %s to %s: not names "
		                    "inside %s",
		                    from, to, o->path);
	if (!S_ISREG(mode_at(o, from)))
		return lr_error_set(err, LR_ERR_IO,
		                    "refused to rename %s/%s: not a file "
		                    "landrelease wrote",
		                    o->path, from);
	if (S_ISDIR(mode_at(o, to)))
		return lr_error_set(err, LR_ERR_IO,
		                    "cannot replace %s/%s: it is a directory",
		                    o->path, to);
	if (renameat(o->fd, from, o->fd, to) != 0)
		return lr_error_set(err, LR_ERR_IO,
		                    "cannot rename %s/%s to %s: %s", o->path,
		                    from, to, strerror(errno));
	return LR_OK;
}

int lr_outdir_remove(const lr_outdir *o, const char *name, lr_error *err)
{
	if (!lr_plain_name(name))
		return lr_error_set(
		        err, LR_ERR_IO,
		        "refused to remove %s: not a name inside %s", name,
		        o->path);
	mode_t m = mode_at(o, name);
	if (!m)
		return LR_OK;
	/* A symlink is removed, never followed; a folder is not ours. */
	if (!S_ISREG(m) && !S_ISLNK(m))
		return lr_error_set(err, LR_ERR_IO,
		                    "refused to remove %s/%s: not a file",
		                    o->path, name);
	if (unlinkat(o->fd, name, 0) != 0 && errno != ENOENT)
		return lr_error_set(err, LR_ERR_IO, "cannot remove %s/%s: %s",
		                    o->path, name, strerror(errno));
	return LR_OK;
}

void lr_outdir_sync(const lr_outdir *o)
{
	(void)fsync(o->fd);
}
