/* The log of each batch run (DIR/NAME.log) and the paths of run folders. */
#include "runner_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

void lr__say(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

void lr__run_path(const lr__batch *b, int run, const char *suffix, char *buf,
                  size_t size)
{
	lr__say(buf, size, "%s/%s%s", b->out, b->m->runs[run].name, suffix);
}

void lr__log_printf(int fd, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, buf + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* the log is best effort */
		off += (size_t)w;
	}
}

void lr__log_argv(int fd, char *const *argv)
{
	lr__log_printf(fd, "$");
	for (char *const *a = argv; a && *a; a++)
		lr__log_printf(fd, " %s", *a);
	lr__log_printf(fd, "\n");
}

void lr__last_line(const char *path, off_t start, char *buf, size_t size)
{
	buf[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	off_t end = lseek(fd, 0, SEEK_END);
	/* The last line is in the last 8 KiB: a step ends with its message. */
	off_t from = end - 8192 > start ? end - 8192 : start;
	char tail[8193];
	ssize_t n =
	        from < end ? pread(fd, tail, (size_t)(end - from), from) : 0;
	close(fd);
	if (n <= 0)
		return;
	tail[n] = '\0';
	char *e = tail + n;
	while (e > tail && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' '))
		*--e = '\0';
	char *s = e;
	while (s > tail && s[-1] != '\n')
		s--;
	lr__say(buf, size, "%s", s);
}

void lr__run_ended(lr__batch *b, int run, bool skipped)
{
	b->done++;
	if (b->hooks->run_ended)
		b->hooks->run_ended(b->hooks->user, &b->rows[run], b->done,
		                    b->total, skipped);
}
