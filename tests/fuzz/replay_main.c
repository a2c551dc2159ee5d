/*
** Replays a libFuzzer corpus without libFuzzer, so that the seed inputs of
** every harness run as an ordinary test (and under the sanitizer build):
**
**   replay_date tests/fuzz/corpus/date [MORE_DIRS_OR_FILES...]
**
** Each file is fed once to LLVMFuzzerTestOneInput in a child process of
** its own, so that one input that crashes, aborts or leaks (LeakSanitizer
** reports at the child's exit) fails that line alone and names the file.
** Prints TAP, one line per file, in name order.
*/
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libFuzzer's optional set-up, run once before the first input; here in
** the parent, so that every child starts from it. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int n_run, n_failed;

/* The whole of path in *data (malloc'd, caller frees); -1 if unreadable. */
static int slurp(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	while (buf != NULL) {
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap)
			break;
		uint8_t *more = realloc(buf, cap *= 2);
		if (more == NULL) {
			free(buf);
			buf = NULL;
		} else
			buf = more;
	}
	int bad = ferror(f) || buf == NULL;
	fclose(f);
	if (bad) {
		free(buf);
		return -1;
	}
	*data = buf;
	*size = len;
	return 0;
}

/* Runs one input in a child; the parent reports how the child ended. */
static void replay(const char *path)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		uint8_t *data;
		size_t size;
		if (slurp(path, &data, &size) != 0)
			_exit(3);
		LLVMFuzzerTestOneInput(data, size);
		free(data);
		exit(0); /* exit, not _exit: LeakSanitizer checks here */
	}
	int st = 0;
	int ok = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	         WEXITSTATUS(st) == 0;
	n_run++;
	if (ok) {
		printf("ok %d - %s\n", n_run, path);
		return;
	}
	n_failed++;
	if (pid < 0)
		printf("not ok %d - %s (cannot fork)\n", n_run, path);
	else if (WIFSIGNALED(st))
		printf("not ok %d - %s (signal %d)\n", n_run, path,
		       WTERMSIG(st));
	else
		printf("not ok %d - %s (exit status %d)\n", n_run, path,
		       WEXITSTATUS(st));
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int visible(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Every file of dir, in name order; 0 if dir cannot be listed. */
static int replay_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, visible, by_name);
	if (n < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat sb;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			replay(path);
		free(names[i]);
	}
	free(names);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat sb;
		if (stat(argv[i], &sb) != 0) {
			printf("not ok %d - %s (missing)\n", ++n_run, argv[i]);
			n_failed++;
		} else if (S_ISDIR(sb.st_mode)) {
			if (!replay_dir(argv[i])) {
				printf("not ok %d - %s (unreadable)\n", ++n_run,
				       argv[i]);
				n_failed++;
			}
		} else
			replay(argv[i]);
	}
	/* An empty corpus replays nothing: that is a failure too. */
	if (n_run == 0) {
		printf("not ok 1 - no input in the corpus\n");
		n_run = n_failed = 1;
	}
	printf("1..%d\n", n_run);
	return n_failed ? 1 : 0;
}
