/*
** Allocation failure, as SQLite tests it: analyze (mapping, ingest, ledger,
** the store and the tables, through the library as `landrelease analyze`
** calls it) on the small national fixtures of tests/fixtures/ingest/, once
** counting the allocations, then once for every n with the n-th one
** failing.  Each run is a child process, so each starts clean and, in the
** sanitizer build, LeakSanitizer checks it for leaks when it exits.  Every
** run must end cleanly: LR_ERR_NOMEM with a message, or LR_OK with the
** tables of the run that failed nothing, and never with half a set of
** outputs in the folder.
**
** The hook: this program is linked with -Wl,--wrap=malloc,... (see
** tests/meson.build), so every call to malloc, calloc, realloc, strdup or
** strndup made from our own static libraries (base, geo, engine) reaches
** the __wrap_ functions below, which count the allocations and fail the
** n-th.  The linker does it, so the libraries call the C allocator
** directly and carry no test hook of their own.  What it does not cover:
** allocations made inside the shared libraries (GDAL, GEOS, PROJ, SQLite,
** SpatiaLite, libgomp) and glibc's own (vasprintf, scandir, realpath,
** fopen), whose failures reach us only as those functions' error returns.
*/
#include "lr_engine.h"
#include "lr_test.h"

#include <dirent.h>
#include <errno.h>
#include <execinfo.h>
#include <gdal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- The hook --------------------------------------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

/* Counted only while armed (the run itself, not the test around it).
** Shared with the parent, which reads the count and whether the failure
** happened; updated atomically, although every run is single-threaded. */
static struct hook {
	long count;   /* allocations seen while armed */
	long fail_at; /* the allocation to fail; 0: none */
	bool armed;
	bool failed; /* the fail_at-th allocation was refused */
	int status;  /* what the run returned */
} * hook;

static bool refuse(void)
{
	if (hook == NULL || !hook->armed)
		return false;
	long n = __atomic_add_fetch(&hook->count, 1, __ATOMIC_RELAXED);
	if (n != hook->fail_at)
		return false;
	hook->failed = true;
	/* LR_NOMEM_TRACE=1: where the refused allocation was asked for, on
	** stderr (addr2line -f -i -e test_nomem OFFSET names the lines). */
	if (getenv("LR_NOMEM_TRACE")) {
		void *frames[16];
		backtrace_symbols_fd(frames, backtrace(frames, 16), 2);
	}
	errno = ENOMEM;
	return true;
}

void *__wrap_malloc(size_t n)
{
	return refuse() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return refuse() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return refuse() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return refuse() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return refuse() ? NULL : __real_strndup(s, n);
}

/* ---- The run ---------------------------------------------------------- */

static const char *const tables[] = {
        "remaining_by_region.csv",  "release_by_year.csv",
        "data_quality.csv",         "form_c.csv",
        "remaining_by_level.csv",   "release_by_year_by_level.csv",
        "completion_by_region.csv", "completion_releases.csv",
        "previously_unknown.csv",   "landrelease.sqlite"};
#define N_TABLES (sizeof tables / sizeof *tables)

static char fixtures[2048];

/* What `landrelease analyze --map national.ini` does, into out, on one
** thread (so that the n-th allocation is the same one in every run). */
static int analyze(const char *out, lr_error *err)
{
	char map_path[2300], src[3][2300];
	static const char *const names[3] = {"regions", "hazards", "releases"};
	lr_mapping *map = NULL;
	lr_result *r = NULL;
	lr_dataset d;
	lr_dataset_init(&d);
	snprintf(map_path, sizeof map_path, "%s/national.ini", fixtures);
	int rc = lr_mapping_load(map_path, &map, err);
	if (rc != LR_OK)
		goto done;
	lr_inputs in = {.mapping = map, .threads = 1};
	for (int i = 0; i < 3; i++) {
		snprintf(src[i], sizeof src[i], "%s/%s.geojson", fixtures,
		         names[i]);
		in.source[i] = src[i];
	}
	in.today = lr_date_from_ymd(2025, 1, 1);
	rc = lr_ingest(&in, &d, err);
	if (rc != LR_OK)
		goto done;
	lr_options opt = {.as_of = LR_DATE_NONE,
	                  .baseline = LR_DATE_NONE,
	                  .scope = LR_CONT_ALL,
	                  .threads = 1,
	                  .keep_faces = true};
	rc = lr_analyze(&d, &opt, &r, err);
	if (rc == LR_OK)
		rc = lr_outputs_write(&d, r, out, NULL, 0, err);
done:
	lr_result_free(r);
	lr_dataset_free(&d);
	lr_mapping_free(map);
	return rc;
}

/* Whether dir/name holds the same bytes as ref/name. */
static bool same_file(const char *dir, const char *ref, const char *name)
{
	char a[4096], b[4096];
	char *x = NULL, *y = NULL;
	size_t nx = 0, ny = 0;
	snprintf(a, sizeof a, "%s/%s", dir, name);
	snprintf(b, sizeof b, "%s/%s", ref, name);
	bool same = lr_read_file(a, &x, &nx, NULL) == LR_OK &&
	            lr_read_file(b, &y, &ny, NULL) == LR_OK && nx == ny &&
	            !memcmp(x, y, nx);
	free(x);
	free(y);
	return same;
}

/* How many entries dir holds (an output folder is flat), removing them
** when remove is set; -1 if dir cannot be read. */
static int files(const char *dir, bool remove)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return -1;
	int n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		char path[4096];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (remove)
			unlink(path);
		n++;
	}
	closedir(d);
	return n;
}

/* Whether dir holds the tables of ref and nothing else. */
static bool same_tables(const char *dir, const char *ref)
{
	if (files(dir, false) != (int)N_TABLES)
		return false;
	for (size_t i = 0; i < N_TABLES; i++)
		if (!same_file(dir, ref, tables[i])) {
			printf("#   %s differs from the run that failed "
			       "nothing\n",
			       tables[i]);
			return false;
		}
	return true;
}

/* The checks of one run, in the child: the exit status says which failed
** (0 none), a comment says why. */
enum {
	RUN_CLEAN = 0,
	/* Above the sanitizers' exit statuses (1, and 23 for a leak). */
	RUN_BAD_STATUS = 40,
	RUN_NO_MESSAGE,
	RUN_WRONG_TABLES,
	RUN_PARTIAL,
};

static int run_child(const char *out, const char *ref)
{
	lr_error err = {0};
	hook->armed = true;
	int rc = analyze(out, &err);
	hook->armed = false;
	hook->status = rc;
	if (rc == LR_OK) /* absorbed: the tables must not show it */
		return same_tables(out, ref) ? RUN_CLEAN : RUN_WRONG_TABLES;
	if (rc != LR_ERR_NOMEM) {
		printf("#   status %d: %s\n", rc, err.msg);
		return RUN_BAD_STATUS;
	}
	if (err.msg[0] == '\0')
		return RUN_NO_MESSAGE;
	/* The folder holds nothing, or (a journal the next run finishes)
	** the whole set. */
	lr_error rerr = {0};
	if (lr_outputs_recover(out, &rerr) != LR_OK) {
		printf("#   recover: %s\n", rerr.msg);
		return RUN_PARTIAL;
	}
	int n = files(out, false);
	if (n == 0 || same_tables(out, ref))
		return RUN_CLEAN;
	printf("#   failed with '%s' and left %d files behind\n", err.msg, n);
	return RUN_PARTIAL;
}

/* Run analyze with the fail_at-th allocation failing (0: none) in a child
** writing into out; the child's exit status, or 128 + its signal. */
static int run(long fail_at, const char *out, const char *ref)
{
	hook->count = 0;
	hook->fail_at = fail_at;
	hook->failed = false;
	hook->status = -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int status = run_child(out, ref);
		fflush(stdout);
		exit(status); /* exit, not _exit: LeakSanitizer checks here */
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 255;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

int main(void)
{
	const char *s = getenv("LR_SOURCE_DIR");
	snprintf(fixtures, sizeof fixtures, "%s/tests/fixtures/ingest",
	         s ? s : ".");
	hook = mmap(NULL, sizeof *hook, PROT_READ | PROT_WRITE,
	            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char tmp[] = "/tmp/lr_nomem_XXXXXX";
	if (hook == MAP_FAILED || !mkdtemp(tmp)) {
		lr_test_ok(0, "a shared page and a temporary directory");
		return lr_test_done();
	}
	char ref[sizeof tmp + 8], out[sizeof tmp + 8];
	snprintf(ref, sizeof ref, "%s/ref", tmp);
	snprintf(out, sizeof out, "%s/out", tmp);
	/* Once in the parent: every child starts with GDAL's drivers. */
	GDALAllRegister();

	if (mkdir(ref, 0700) != 0 || mkdir(out, 0700) != 0) {
		lr_test_ok(0, "folders in %s", tmp);
		goto done;
	}
	int st = run(0, ref, ref);
	long total = hook->count;
	if (!lr_test_ok(st == 0 && total > 0,
	                "analyze fails nothing: %ld allocations (status %d)",
	                total, st))
		goto done;
	/* LR_NOMEM_ONLY=N or N-M: those runs only, to look at one. */
	long first = 1, last = total;
	const char *only = getenv("LR_NOMEM_ONLY");
	if (only && sscanf(only, "%ld-%ld", &first, &last) == 1)
		last = first;
	if (first < 1)
		first = 1;
	if (last > total)
		last = total;
	for (long n = first; n <= last; n++) {
		files(out, true);
		st = run(n, out, ref);
		const char *why =
		        st == 0                  ? ""
		        : st == RUN_BAD_STATUS   ? " (not LR_ERR_NOMEM)"
		        : st == RUN_NO_MESSAGE   ? " (no message)"
		        : st == RUN_WRONG_TABLES ? " (LR_OK with other tables)"
		        : st == RUN_PARTIAL      ? " (outputs half written)"
		        : st > 128               ? " (crashed)"
		                                 : " (leak or sanitizer)";
		lr_test_ok(st == 0 && hook->failed,
		           "allocation %ld of %ld fails: %s%s%s", n, total,
		           hook->status == LR_OK ? "absorbed, same tables"
		                                 : "clean end",
		           why, hook->failed ? "" : " (never reached)");
	}
done:;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	return lr_test_done();
}
