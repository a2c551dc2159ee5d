/* Reading a whole file into memory. */
#include "lr_base.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lr_read_file(const char *path, char **text, size_t *len, lr_error *err)
{
	*text = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return lr_error_set(err, LR_ERR_INPUT, "cannot read %s: %s",
		                    path, strerror(errno));
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
