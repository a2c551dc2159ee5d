/* Reading a whole file into memory. */
#include "lr_base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int lr_input_kind(const char *path, mode_t mode, int folder_ok, lr_error *err)
{
	const char *what = S_ISFIFO(mode)   ? "a named pipe (FIFO)"
	                   : S_ISSOCK(mode) ? "a socket"
	                   : S_ISCHR(mode) || S_ISBLK(mode) ? "a device"
	                   : S_ISDIR(mode) && !folder_ok    ? "a folder"
	                                                    : NULL;
	if (!what)
		return LR_OK;
	return lr_error_set(err, LR_ERR_INPUT,
	                    "%s: is %s, not a file; give the file itself", path,
	                    what);
}

FILE *lr_open_input(const char *path, lr_error *err)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; it is
	** refused below, before anything is read. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		lr_error_set(err, LR_ERR_INPUT, "cannot read %s: %s", path,
		             strerror(errno));
	} else if (lr_input_kind(path, st.st_mode, 0, err) == LR_OK &&
	           fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0) {
		FILE *f = fdopen(fd, "rb");
		if (f)
			return f;
		lr_error_set(err, LR_ERR_NOMEM, "out of memory reading %s",
		             path);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

int lr_read_file(const char *path, char **text, size_t *len, lr_error *err)
{
	*text = NULL;
	FILE *f = lr_open_input(path, err);
	if (!f)
		return err ? err->code : LR_ERR_INPUT;
	char *buf = NULL;
	size_t n_buf = 0, cap = 0, n;
	char chunk[16384];
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (n_buf + n + 1 > cap) {
			size_t nc = cap ? 2 * cap : sizeof chunk + 1;
			while (nc < n_buf + n + 1)
				nc *= 2;
			char *t = realloc(buf, nc);
			if (!t) {
				fclose(f);
				free(buf);
				return lr_error_set(err, LR_ERR_NOMEM,
				                    "out of memory reading %s",
				                    path);
			}
			buf = t;
			cap = nc;
		}
		memcpy(buf + n_buf, chunk, n);
		n_buf += n;
	}
	int bad = ferror(f) ? (errno ? errno : EIO) : 0;
	fclose(f);
	if (bad) {
		free(buf);
		return lr_error_set(err, LR_ERR_INPUT, "cannot read %s: %s",
		                    path, strerror(bad));
	}
	if (!buf && !(buf = malloc(1)))
		return lr_error_set(err, LR_ERR_NOMEM,
		                    "out of memory reading %s", path);
	buf[n_buf] = '\0';
	if (len)
		*len = n_buf;
	*text = buf;
	return LR_OK;
}
