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

/* The pid of a temporary name's "<pid>" or "<pid>.<anything>" tail; -1
** when the tail is not one. */
static long temp_pid(const char *tail)
{
	char *end;
	errno = 0;
	long pid = strtol(tail, &end, 10);
	if (errno || end == tail || pid <= 0 || (*end && *end != '.'))
		return -1;
	return pid;
}

void lr_remove_stale_temps(const char *dir, const char *prefix)
{
	lr_outdir o;
	if (lr_outdir_open(&o, dir, NULL) != LR_OK)
		return;
	int fd = dup(o.fd);
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dp && fd >= 0)
		close(fd);
	size_t pl = strlen(prefix);
	struct dirent *e;
	while (dp && (e = readdir(dp)) != NULL) {
		if (strncmp(e->d_name, prefix, pl) != 0)
			continue;
		long pid = temp_pid(e->d_name + pl);
		/* Only files of processes that are gone: a concurrent run
		** into the same dir keeps its own. */
		if (pid > 0 && (pid == (long)getpid() ||
		                (kill((pid_t)pid, 0) != 0 && errno == ESRCH)))
			(void)lr_outdir_remove(&o, e->d_name, NULL);
	}
	if (dp)
		closedir(dp);
	lr_outdir_close(&o);
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

/* Split path into its folder (dir, n bytes) and its last component. */
static const char *split_path(const char *path, char *dir, size_t n)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		snprintf(dir, n, ".");
		return path;
	}
	snprintf(dir, n, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	return slash + 1;
}

/* Create the temporary of path; its descriptor, or -1 with err set. */
static int temp_open(const char *path, const char *ext, char *tmp, size_t n,
                     lr_error *err)
{
	char dir[4096], name[512];
	const char *base = split_path(path, dir, sizeof dir);
	lr_outdir o;
	if (lr_outdir_open(&o, dir, err) != LR_OK)
		return -1;
	int fd = lr_outdir_temp(&o, base, ext, name, sizeof name, err);
	int k = snprintf(tmp, n, "%s/%s", o.path, name);
	if (fd >= 0 && (k < 0 || (size_t)k >= n)) {
		(void)lr_outdir_remove(&o, name, NULL);
		close(fd);
		fd = -1;
		lr_error_set(err, LR_ERR_IO, "path too long: %s", path);
	}
	lr_outdir_close(&o);
	return fd;
}

int lr_temp_create(const char *path, const char *ext, char *tmp,
                   size_t tmp_size, lr_error *err)
{
	int fd = temp_open(path, ext, tmp, tmp_size, err);
	if (fd < 0)
		return err ? err->code : LR_ERR_IO;
	close(fd);
	return LR_OK;
}

int lr_file_remove(const char *path, lr_error *err)
{
	char dir[4096];
	const char *base = split_path(path, dir, sizeof dir);
	lr_outdir o;
	int rc = lr_outdir_open(&o, dir, err);
	if (rc == LR_OK)
		rc = lr_outdir_remove(&o, base, err);
	lr_outdir_close(&o);
	return rc;
}

FILE *lr_atomic_open(const char *path, char *tmp, size_t tmp_size,
                     lr_error *err)
{
	int fd = temp_open(path, NULL, tmp, tmp_size, err);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		int e = errno;
		close(fd);
		(void)lr_file_remove(tmp, NULL);
		lr_error_set(err, LR_ERR_IO, "cannot write %s: %s", path,
		             strerror(e));
	}
	return f;
}

/* Rename the temporary tmp (whose file is st) onto path's name in the same
** folder, after checking that the name tmp still holds that very file. */
static int rename_written(const struct stat *st, const char *tmp,
                          const char *path, lr_error *err)
{
	char dir[4096], ignored[8];
	const char *name = split_path(tmp, dir, sizeof dir);
	const char *final = split_path(path, ignored, sizeof ignored);
	lr_outdir o;
	int rc = lr_outdir_open(&o, dir, err);
	struct stat now;
	if (rc == LR_OK &&
	    (fstatat(o.fd, name, &now, AT_SYMLINK_NOFOLLOW) != 0 ||
	     now.st_dev != st->st_dev || now.st_ino != st->st_ino))
		rc = lr_error_set(err, LR_ERR_IO,
		                  "refused to rename %s: it is no longer the "
		                  "file written",
		                  tmp);
	if (rc == LR_OK)
		rc = lr_outdir_rename(&o, name, final, err);
	if (rc == LR_OK)
		lr_outdir_sync(&o);
	else if (o.fd >= 0)
		(void)lr_outdir_remove(&o, name, NULL);
	lr_outdir_close(&o);
	return rc;
}

int lr_atomic_close(FILE *f, const char *tmp, const char *path, lr_error *err)
{
	struct stat st;
	int bad = ferror(f) || fstat(fileno(f), &st) != 0;
	if (fflush(f) != 0)
		bad = 1;
	if (!bad && fsync(fileno(f)) != 0)
		bad = 1;
	if (fclose(f) != 0)
		bad = 1;
	if (bad) {
		int e = errno;
		(void)lr_file_remove(tmp, NULL);
		return lr_error_set(err, LR_ERR_IO, "cannot write %s: %s", path,
		                    strerror(e));
	}
	return rename_written(&st, tmp, path, err);
}
