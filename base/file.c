/* Durable files: directories, synced closes, files replaced whole. */
#include "lr_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int lr_mkdir_p(const char *dir, lr_error *err)
{
	char *p = lr_strdup(dir && *dir ? dir : ".");
	if (!p)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	/* Create each missing ancestor in turn, as mkdir -p does. */
	for (char *s = p + 1;; s++) {
		int end = *s == '\0';
		if (*s != '/' && !end)
			continue;
		*s = '\0';
		struct stat st;
		if (stat(p, &st) != 0) {
			if (mkdir(p, 0777) != 0 && errno != EEXIST) {
				int e = errno;
				lr_error_set(err, LR_ERR_IO,
				             "cannot create directory %s: %s",
				             p, strerror(e));
				free(p);
				return LR_ERR_IO;
			}
		} else if (!S_ISDIR(st.st_mode)) {
			lr_error_set(err, LR_ERR_IO,
			             "cannot create directory %s: %s is not a "
			             "directory",
			             dir, p);
			free(p);
			return LR_ERR_IO;
		}
		if (end)
			break;
		*s = '/';
	}
	free(p);
	return LR_OK;
}

void lr_remove_stale_temps(const char *dir, const char *prefix)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	size_t pl = strlen(prefix);
	struct dirent *e;
	while ((e = readdir(dp)) != NULL) {
		if (strncmp(e->d_name, prefix, pl) != 0)
			continue;
		char *end;
		errno = 0;
		long pid = strtol(e->d_name + pl, &end, 10);
		if (errno || *end || end == e->d_name + pl || pid <= 0)
			continue;
		/* Only files of processes that are gone: a concurrent run
		** into the same dir keeps its own. */
		if (pid == (long)getpid() ||
		    (kill((pid_t)pid, 0) != 0 && errno == ESRCH)) {
			char path[4096];
			int w = snprintf(path, sizeof path, "%s/%s", dir,
			                 e->d_name);
			if (w > 0 && (size_t)w < sizeof path)
				(void)unlink(path);
		}
	}
	closedir(dp);
}

int lr_fclose_synced(FILE *f)
{
	int e = 0;
	if (ferror(f))
		e = errno ? errno : EIO;
	if (!e && fflush(f) != 0)
		e = errno;
	if (!e && fsync(fileno(f)) != 0)
		e = errno;
	if (fclose(f) != 0 && !e)
		e = errno;
	return e;
}

void lr_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

FILE *lr_atomic_open(const char *path, char *tmp, size_t tmp_size,
                     lr_error *err)
{
	snprintf(tmp, tmp_size, "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f)
		lr_error_set(err, LR_ERR_IO, "cannot write %s: %s", tmp,
		             strerror(errno));
	return f;
}

int lr_atomic_close(FILE *f, const char *tmp, const char *path, lr_error *err)
{
	int bad = ferror(f);
	if (fflush(f) != 0)
		bad = 1;
	if (!bad && fsync(fileno(f)) != 0)
		bad = 1;
	if (fclose(f) != 0)
		bad = 1;
	if (bad) {
		int e = errno;
		unlink(tmp);
		return lr_error_set(err, LR_ERR_IO, "cannot write %s: %s", tmp,
		                    strerror(e));
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return lr_error_set(err, LR_ERR_IO,
		                    "cannot rename %s to %s: %s", tmp, path,
		                    strerror(e));
	}
	return LR_OK;
}
