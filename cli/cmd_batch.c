/*
** landrelease batch: the runs of a manifest, each as child processes of this
** same program (analyze, then project and plan when asked), side by side,
** each run kept only when all its steps succeeded; then summary.csv.
*/
#include "commands.h"
#include "lr_batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The program that runs each step: this executable, whatever its path.  It
** is opened once, so a program file replaced during a batch does not mix two
** versions in one batch. */
#define SELF_EXE "/proc/self/exe"

/* snprintf into a buffer of known size, cutting what does not fit (paths
** and messages are quoted as far as they fit). */
static void say(char *buf, size_t size, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void say(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

static void usage(FILE *f)
{
	fputs("usage: landrelease batch MANIFEST --out DIR [--jobs N] "
	      "[--shard I/N]\n"
	      "                         [--resume] [--summary-only]\n"
	      "\n"
	      "Run every [run NAME] of the manifest (INI; docs/batch.md): "
	      "analyze, then\nproject when it has a deadline and plan when "
	      "it has a target.  DIR/NAME/\nholds what those commands "
	      "write when run alone; it appears only when\nevery step "
	      "succeeded.  DIR/summary.csv and DIR/summary.md give one "
	      "row\nper run; DIR/NAME.log the output of its steps.\n"
	      "\n"
	      "  --out DIR       output folder (created if missing)\n"
	      "  --jobs N        runs side by side (default 1); each gets "
	      "cores/N threads\n"
	      "  --shard I/N     only runs whose position (from 0) modulo N "
	      "is I-1;\n"
	      "                  writes DIR/summary-I-of-N.csv\n"
	      "  --resume        skip runs whose finished result matches "
	      "their settings\n"
	      "                  and inputs (content hash)\n"
	      "  --summary-only  run nothing: gather DIR/summary.csv from "
	      "the run folders\n"
	      "\n"
	      "Exit status: 0 every run succeeded; 1 some run failed; 2 bad "
	      "arguments or\nan unusable manifest (the message names the "
	      "file and line).\n",
	      f);
}

/* Cores this process may use: online cores, fewer when the affinity mask
** (taskset, a Slurm allocation) allows fewer. */
static int usable_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0) {
		int a = CPU_COUNT(&set);
		if (a > 0 && (n < 1 || a < n))
			n = a;
	}
	return n < 1 ? 1 : (int)n;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

/* Remove path and everything under it; 0 on success or if it is absent. */
static int rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	if (strlen(path) >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST)
		return -1;
	struct stat st;
	if (stat(buf, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* One run in progress. */
typedef struct job {
	int run;            /* index into the manifest's runs; -1: free slot */
	int step;           /* lr_batch_step being run */
	pid_t pid;          /* child running the step */
	int log_fd;         /* owned: DIR/NAME.log, append-only */
	off_t step_start;   /* where the step's output starts in the log */
	double t0;          /* start of the run */
	char tmp[PATH_MAX]; /* DIR/.NAME.tmp.PID */
	bool analyses;      /* its analyze step makes its group's shared copy */
} job;

/* The analysis shared by runs with equal analysis hashes (their group). */
enum { ANALYSIS_NONE, ANALYSIS_BUSY, ANALYSIS_READY };

/* Everything a batch invocation shares; owned by lr_cmd_batch(). */
typedef struct batch {
	const lr_manifest *m; /* borrowed */
	const char *out;      /* borrowed: DIR */
	int threads;          /* per run */
	uint64_t *hash;       /* [n_runs] */
	bool *hash_ok;        /* [n_runs]: false when hashing failed */
	lr_batch_row *rows;   /* [n_runs] */
	int done, total;      /* progress */
	int failed;
	int exe_fd; /* owned: this program, opened at start; -1 if not */
	/* Runs whose analyze steps would be identical share one analysis:
	** group[run] is the first run of its group to be run (-1: alone),
	** analysis[group] its state, kept in DIR/.analyses.HOST.PID/GROUP. */
	int *group;
	char *analysis;
	char shared[PATH_MAX];
} batch;

static void run_path(const batch *b, int run, const char *suffix, char *buf,
                     size_t size)
{
	say(buf, size, "%s/%s%s", b->out, b->m->runs[run].name, suffix);
}

static void log_printf(int fd, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void log_printf(int fd, const char *fmt, ...)
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

/* The last non-empty line written to fd's file from offset start, into
** buf; "" if none. */
static void last_line(const char *path, off_t start, char *buf, size_t size)
{
	buf[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	off_t end = lseek(fd, 0, SEEK_END);
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
	say(buf, size, "%s", s);
}

/* The error recorded in a run's log by the batch that failed it. */
/* The line a failed run's log ends with, which --summary-only reads back:
** "landrelease batch: failed after 1.23 s: MESSAGE". */
#define FAILED_TAG "landrelease batch: failed after "

static void progress(batch *b, int run, const char *what)
{
	const lr_batch_row *r = &b->rows[run];
	b->done++;
	if (r->ok)
		fprintf(stderr,
		        "landrelease batch: [%d/%d] %s ok%s %.2f s, remaining "
		        "%s m2\n",
		        b->done, b->total, r->run, what, r->seconds,
		        r->remaining_m2);
	else
		fprintf(stderr,
		        "landrelease batch: [%d/%d] %s failed %.2f s: "
		        "%s\n",
		        b->done, b->total, r->run, r->seconds, r->error);
}

/* Record a failure of job j: its error (from msg, or the step's last line
** of output), the log line, no temporary folder and no old result. */
static void fail_job(batch *b, job *j, const char *msg)
{
	lr_batch_row *r = &b->rows[j->run];
	char log[PATH_MAX + 8], old[PATH_MAX + 8];
	run_path(b, j->run, ".log", log, sizeof log);
	if (j->analyses) { /* the next run of the group analyses itself */
		b->analysis[b->group[j->run]] = ANALYSIS_NONE;
		j->analyses = false;
	}
	r->ok = false;
	r->seconds = lr_now_seconds() - j->t0;
	if (msg)
		say(r->error, sizeof r->error, "%s", msg);
	else
		last_line(log, j->step_start, r->error, sizeof r->error);
	if (!r->error[0])
		say(r->error, sizeof r->error, "%s failed with no message",
		    lr_batch_step_names[j->step]);
	if (j->log_fd >= 0) {
		log_printf(j->log_fd, FAILED_TAG "%.2f s: %s\n", r->seconds,
		           r->error);
		close(j->log_fd);
		j->log_fd = -1;
	}
	if (j->tmp[0])
		rm_rf(j->tmp);
	/* An older result of this run would no longer match the summary. */
	run_path(b, j->run, "", old, sizeof old);
	rm_rf(old);
	b->failed++;
	progress(b, j->run, "");
	j->run = -1;
}

/* Start step j->step of j's run as a child process; 0, or -1 with the job
** failed. */
static int start_step(batch *b, job *j)
{
	const lr_batch_run *run = &b->m->runs[j->run];
	char **argv = NULL;
	lr_error err;
	lr_error_clear(&err);
	if (lr_batch_argv(run, (lr_batch_step)j->step, "landrelease", j->tmp,
	                  b->threads, &argv, &err) != LR_OK) {
		fail_job(b, j, err.msg);
		return -1;
	}
	log_printf(j->log_fd, "$");
	for (char **a = argv; *a; a++)
		log_printf(j->log_fd, " %s", *a);
	log_printf(j->log_fd, "\n");
	j->step_start = lseek(j->log_fd, 0, SEEK_END);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* Die with the batch: a killed batch leaves no orphan writing
		** into a folder the next batch removes. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if (dup2(j->log_fd, STDOUT_FILENO) < 0 ||
		    dup2(j->log_fd, STDERR_FILENO) < 0)
			_exit(127);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0 && devnull != STDIN_FILENO) {
			dup2(devnull, STDIN_FILENO);
			close(devnull);
		}
		if (b->exe_fd >= 0)
			fexecve(b->exe_fd, argv, environ);
		else
			execv(SELF_EXE, argv);
		static const char msg[] =
		        "landrelease batch: cannot start " SELF_EXE "\n";
		ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
		(void)w;
		_exit(127);
	}
	int e = errno;
	lr_batch_argv_free(argv);
	if (pid < 0) {
		char msg[256];
		say(msg, sizeof msg, "cannot start the %s step: %s",
		    lr_batch_step_names[j->step], strerror(e));
		fail_job(b, j, msg);
		return -1;
	}
	j->pid = pid;
	return 0;
}

static void step_ended(batch *b, job *j, int st);

/* DIR/.analyses.HOST.PID/NAME, NAME being the first run of group g. */
static void group_path(const batch *b, int g, char *buf, size_t size)
{
	say(buf, size, "%s/%s", b->shared, b->m->runs[g].name);
}

/* Copy every regular file of folder src into folder dst (created before);
** 0, or -1 with errno set. */
static int copy_files(const char *src, const char *dst)
{
	DIR *d = opendir(src);
	if (!d)
		return -1;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char from[PATH_MAX], to[PATH_MAX];
		struct stat st;
		say(from, sizeof from, "%s/%s", src, e->d_name);
		say(to, sizeof to, "%s/%s", dst, e->d_name);
		if (e->d_name[0] == '.' || lstat(from, &st) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		int in = open(from, O_RDONLY | O_CLOEXEC);
		int out =
		        in < 0 ? -1
		               : open(to,
		                      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		                      0666);
		off_t left = st.st_size;
		while (out >= 0 && left > 0) {
			ssize_t n = copy_file_range(in, NULL, out, NULL,
			                            (size_t)left, 0);
			if (n <= 0)
				break;
			left -= n;
		}
		if (in < 0 || out < 0 || left > 0 || fsync(out) != 0)
			rc = -1;
		int e2 = errno;
		if (in >= 0)
			close(in);
		if (out >= 0 && close(out) != 0)
			rc = -1;
		errno = e2;
	}
	closedir(d);
	return rc;
}

/* Give job j the analyze outputs of group g instead of running analyze:
** the files the step would write, byte for byte.  0, or -1 when they cannot
** be copied (the run then analyses itself). */
static int share_analysis(batch *b, job *j, int g)
{
	char src[PATH_MAX + 32];
	group_path(b, g, src, sizeof src);
	if (copy_files(src, j->tmp) != 0) {
		log_printf(j->log_fd,
		           "landrelease batch: cannot copy the analysis of run "
		           "%s (%s); analysing again\n",
		           b->m->runs[g].name, strerror(errno));
		return -1;
	}
	char **argv = NULL;
	lr_error err;
	lr_error_clear(&err);
	log_printf(j->log_fd, "$");
	if (lr_batch_argv(&b->m->runs[j->run], LR_STEP_ANALYZE, "landrelease",
	                  j->tmp, b->threads, &argv, &err) == LR_OK)
		for (char **a = argv; *a; a++)
			log_printf(j->log_fd, " %s", *a);
	lr_batch_argv_free(argv);
	log_printf(j->log_fd,
	           "\n(not run: its outputs are those of run %s, which has "
	           "the same inputs and analysis settings; copied)\n",
	           b->m->runs[g].name);
	j->step_start = lseek(j->log_fd, 0, SEEK_END);
	return 0;
}

/* Begin run `run` in free slot j. */
static void start_run(batch *b, job *j, int run)
{
	const lr_batch_run *r = &b->m->runs[run];
	char log[PATH_MAX + 8], msg[PATH_MAX + 64];
	j->run = run;
	j->step = LR_STEP_ANALYZE;
	j->pid = 0;
	j->t0 = lr_now_seconds();
	j->tmp[0] = '\0';
	j->step_start = 0;
	run_path(b, run, ".log", log, sizeof log);
	j->log_fd = open(
	        log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0666);
	if (j->log_fd < 0) {
		say(msg, sizeof msg, "cannot write %s: %s", log,
		    strerror(errno));
		fail_job(b, j, msg);
		return;
	}
	log_printf(j->log_fd,
	           "landrelease batch: run %s (manifest %s line %d), hash "
	           "%016" PRIx64 ", %d thread%s per step\n",
	           r->name, b->m->name, r->line, b->hash[run], b->threads,
	           b->threads == 1 ? "" : "s");
	if (!b->hash_ok[run]) {
		say(msg, sizeof msg, "%s", b->rows[run].error);
		fail_job(b, j, msg);
		return;
	}
	say(j->tmp, sizeof j->tmp, "%s/.%s.tmp.%ld", b->out, r->name,
	    (long)getpid());
	if (rm_rf(j->tmp) != 0 || mkdir(j->tmp, 0777) != 0) {
		say(msg, sizeof msg, "cannot create %s: %s", j->tmp,
		    strerror(errno));
		j->tmp[0] = '\0';
		fail_job(b, j, msg);
		return;
	}
	int g = b->group[run];
	if (g >= 0 && b->analysis[g] == ANALYSIS_READY &&
	    share_analysis(b, j, g) == 0) {
		step_ended(b, j, 0);
		return;
	}
	if (g >= 0 && b->analysis[g] == ANALYSIS_NONE) {
		b->analysis[g] = ANALYSIS_BUSY;
		j->analyses = true;
	}
	start_step(b, j);
}

/*
** Put the finished temporary folder in place of DIR/NAME in one rename:
** exchanged with an older result (then removed), or renamed when there is
** none.  Where the file system cannot exchange, the old result is first
** moved aside.
*/
static int move_into_place(const char *tmp, const char *final, char *msg,
                           size_t size)
{
	if (rename(tmp, final) == 0)
		return 0;
	if (errno != ENOTEMPTY && errno != EEXIST && errno != ENOTDIR) {
		say(msg, size, "cannot rename %s to %s: %s", tmp, final,
		    strerror(errno));
		return -1;
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_EXCHANGE) == 0) {
		rm_rf(tmp); /* now the older result */
		return 0;
	}
	char aside[PATH_MAX + 32];
	say(aside, sizeof aside, "%s.old", tmp);
	if (rename(final, aside) != 0 || rename(tmp, final) != 0) {
		say(msg, size, "cannot replace %s: %s", final, strerror(errno));
		return -1;
	}
	rm_rf(aside);
	return 0;
}

/* All steps of j succeeded: marker, rename, figures. */
static void finish_job(batch *b, job *j)
{
	lr_batch_row *r = &b->rows[j->run];
	lr_error err;
	lr_error_clear(&err);
	/* Milliseconds, as the marker keeps them, so that --summary-only
	** reports the same seconds as this summary. */
	double secs =
	        (double)(long long)((lr_now_seconds() - j->t0) * 1000 + 0.5);
	lr_batch_marker mk = {b->hash[j->run], secs / 1000};
	char final[PATH_MAX + 8], msg[2 * PATH_MAX + 64];
	run_path(b, j->run, "", final, sizeof final);
	if (lr_batch_marker_write(j->tmp, &mk, &err) != LR_OK) {
		fail_job(b, j, err.msg);
		return;
	}
	if (move_into_place(j->tmp, final, msg, sizeof msg) != 0) {
		fail_job(b, j, msg);
		return;
	}
	j->tmp[0] = '\0';
	if (lr_batch_row_read(final, r, &err) != LR_OK) {
		fail_job(b, j, err.msg);
		return;
	}
	r->ok = true;
	r->seconds = mk.seconds;
	log_printf(j->log_fd, "landrelease batch: ok in %.2f s\n", mk.seconds);
	close(j->log_fd);
	j->log_fd = -1;
	progress(b, j->run, "");
	j->run = -1;
}

/* The child of job j ended with wait status st. */
static void step_ended(batch *b, job *j, int st)
{
	j->pid = 0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char log[PATH_MAX + 8], line[512], msg[600];
		run_path(b, j->run, ".log", log, sizeof log);
		last_line(log, j->step_start, line, sizeof line);
		if (line[0])
			say(msg, sizeof msg, "%s", line);
		else if (WIFSIGNALED(st))
			say(msg, sizeof msg, "%s killed by signal %d",
			    lr_batch_step_names[j->step], WTERMSIG(st));
		else
			say(msg, sizeof msg, "%s exited with status %d",
			    lr_batch_step_names[j->step],
			    WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		fail_job(b, j, msg);
		return;
	}
	if (j->analyses) {
		int g = b->group[j->run];
		char dst[PATH_MAX + 32];
		group_path(b, g, dst, sizeof dst);
		b->analysis[g] =
		        mkdir_p(dst) == 0 && copy_files(j->tmp, dst) == 0
		                ? ANALYSIS_READY
		                : ANALYSIS_NONE;
		j->analyses = false;
	}
	do
		j->step++;
	while (j->step < LR_N_STEPS &&
	       !lr_batch_has_step(&b->m->runs[j->run], (lr_batch_step)j->step));
	if (j->step < LR_N_STEPS)
		start_step(b, j);
	else
		finish_job(b, j);
}

/* The next of todo[n] not started whose group's analysis is not being made
** (such a run waits for it, to copy it); -1 when there is none now. */
static int next_run(const batch *b, const int *todo, const bool *started, int n)
{
	for (int k = 0; k < n; k++) {
		int g = b->group[todo[k]];
		if (!started[k] && (g < 0 || b->analysis[g] != ANALYSIS_BUSY))
			return k;
	}
	return -1;
}

/* Run the runs listed in todo[n], at most jobs at a time. */
static void run_all(batch *b, const int *todo, int n, int jobs)
{
	job *slots = calloc((size_t)jobs, sizeof *slots);
	bool *started = calloc((size_t)n, sizeof *started);
	if (!slots || !started) {
		free(slots);
		free(started);
		for (int i = 0; i < n; i++) {
			lr_batch_row *r = &b->rows[todo[i]];
			say(r->error, sizeof r->error, "out of memory");
			b->failed++;
			progress(b, todo[i], "");
		}
		return;
	}
	for (int s = 0; s < jobs; s++) {
		slots[s].run = -1;
		slots[s].log_fd = -1;
	}
	for (;;) {
		int active = 0;
		for (int s = 0; s < jobs; s++) {
			int k;
			while (slots[s].run < 0 &&
			       (k = next_run(b, todo, started, n)) >= 0) {
				started[k] = true;
				start_run(b, &slots[s], todo[k]);
			}
			active += slots[s].run >= 0;
		}
		if (!active)
			break;
		int st;
		pid_t pid = waitpid(-1, &st, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			/* No child although a job waits for one: fail them. */
			for (int s = 0; s < jobs; s++)
				if (slots[s].run >= 0)
					fail_job(b, &slots[s],
					         "lost track of its process");
			continue;
		}
		for (int s = 0; s < jobs; s++)
			if (slots[s].run >= 0 && slots[s].pid == pid) {
				step_ended(b, &slots[s], st);
				break;
			}
	}
	free(started);
	free(slots);
}

/* Remove the entries of dir named PREFIX + a rest that gone() accepts. */
static void remove_entries(const char *dir, const char *prefix,
                           bool (*gone)(const char *rest))
{
	size_t pl = strlen(prefix);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, pl) || !gone(e->d_name + pl))
			continue;
		char path[PATH_MAX + 300];
		say(path, sizeof path, "%s/%s", dir, e->d_name);
		if (rm_rf(path) != 0)
			fprintf(stderr,
			        "landrelease batch: warning: cannot remove %s: "
			        "%s\n",
			        path, strerror(errno));
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

/* "PID" of a process of this machine that no longer runs: a killed batch's
** shared analyses (a live one, e.g. another shard, keeps its own). */
static bool dead_pid(const char *rest)
{
	char *end;
	errno = 0;
	long pid = strtol(rest, &end, 10);
	return !errno && *end == '\0' && end != rest && pid > 0 &&
	       pid != (long)getpid() && kill((pid_t)pid, 0) != 0 &&
	       errno == ESRCH;
}

/* Remove what an interrupted batch left of run r: DIR/.NAME.tmp.PID
** folders (and .old ones beside them). */
static void remove_leftovers(const batch *b, int run)
{
	char prefix[LR_BATCH_NAME_MAX + 16];
	say(prefix, sizeof prefix, ".%s.tmp.", b->m->runs[run].name);
	remove_entries(b->out, prefix, run_leftover);
}

/*
** Put the runs of todo[n] whose analyze steps would be identical (equal
** analysis hashes) in groups, so that each group is analysed once; set the
** folder the shared analyses are kept in and remove those of batches that
** were killed.  0, or -1 when out of memory.
*/
static int group_runs(batch *b, const int *todo, int n,
                      lr_batch_hash_cache *cache)
{
	int nr = b->m->n_runs;
	uint64_t *h = calloc((size_t)nr, sizeof *h);
	b->group = malloc((size_t)nr * sizeof *b->group);
	b->analysis = calloc((size_t)nr, 1);
	if (!h || !b->group || !b->analysis) {
		free(h);
		return -1;
	}
	for (int i = 0; i < nr; i++)
		b->group[i] = -1;
	for (int k = 0; k < n; k++) {
		int r = todo[k];
		lr_error err;
		lr_error_clear(&err);
		if (!b->hash_ok[r] ||
		    lr_batch_analysis_hash(&b->m->runs[r], cache, &h[r],
		                           &err) != LR_OK)
			continue;
		b->group[r] = r;
		for (int q = 0; q < k; q++)
			if (b->group[todo[q]] >= 0 && h[todo[q]] == h[r]) {
				b->group[r] = b->group[todo[q]];
				break;
			}
	}
	free(h);
	/* Named by host and process: shards on other machines may share
	** DIR, and a process id means something only on its own host. */
	char host[64] = "host", prefix[96];
	gethostname(host, sizeof host - 1);
	host[strcspn(host, "/")] = '\0';
	say(prefix, sizeof prefix, ".analyses.%s.", host);
	say(b->shared, sizeof b->shared, "%s/%s%ld", b->out, prefix,
	    (long)getpid());
	remove_entries(b->out, prefix, dead_pid);
	rm_rf(b->shared); /* one of an earlier process with our id */
	return 0;
}

/* The state of run `run` from its folder, as --summary-only and --resume
** see it: 1 and the row filled when DIR/NAME is a complete result of the
** current settings and inputs, else 0 with row->error saying why. */
static int read_result(batch *b, int run)
{
	lr_batch_row *r = &b->rows[run];
	char dir[PATH_MAX + 8];
	run_path(b, run, "", dir, sizeof dir);
	lr_batch_marker mk;
	if (!lr_batch_marker_read(dir, &mk)) {
		char log[PATH_MAX + 8], line[600];
		run_path(b, run, ".log", log, sizeof log);
		last_line(log, 0, line, sizeof line);
		int at = 0;
		if (!strncmp(line, FAILED_TAG, strlen(FAILED_TAG)) &&
		    sscanf(line + strlen(FAILED_TAG), "%lf s: %n", &r->seconds,
		           &at) == 1 &&
		    at > 0)
			say(r->error, sizeof r->error, "%s",
			    line + strlen(FAILED_TAG) + at);
		else if (access(log, F_OK) == 0)
			say(r->error, sizeof r->error, "not finished (see %s)",
			    log);
		else
			say(r->error, sizeof r->error, "not run");
		return 0;
	}
	if (!b->hash_ok[run])
		return 0; /* row->error holds the hashing failure */
	if (mk.hash != b->hash[run]) {
		say(r->error, sizeof r->error,
		    "out of date: settings, inputs or program version "
		    "changed since %s was computed",
		    dir);
		return 0;
	}
	lr_error err;
	lr_error_clear(&err);
	if (lr_batch_row_read(dir, r, &err) != LR_OK) {
		say(r->error, sizeof r->error, "%s", err.msg);
		return 0;
	}
	r->ok = true;
	r->seconds = mk.seconds;
	r->error[0] = '\0';
	return 1;
}

static bool parse_shard(const char *s, int *i, int *n)
{
	char *end;
	errno = 0;
	long a = strtol(s, &end, 10);
	if (end == s || *end != '/' || errno)
		return false;
	const char *t = end + 1;
	long c = strtol(t, &end, 10);
	if (end == t || *end || errno || c < 1 || c > 100000 || a < 1 || a > c)
		return false;
	*i = (int)a;
	*n = (int)c;
	return true;
}

int lr_cmd_batch(int argc, char **argv)
{
	enum { O_OUT = 256, O_JOBS, O_SHARD, O_RESUME, O_SUMMARY, O_HELP };
	static const struct option opts[] = {
	        {"out", required_argument, 0, O_OUT},
	        {"jobs", required_argument, 0, O_JOBS},
	        {"shard", required_argument, 0, O_SHARD},
	        {"resume", no_argument, 0, O_RESUME},
	        {"summary-only", no_argument, 0, O_SUMMARY},
	        {"help", no_argument, 0, O_HELP},
	        {0, 0, 0, 0}};
	const char *out = NULL;
	long jobs = 1;
	int shard_i = 1, shard_n = 1, c;
	bool resume = false, summary_only = false, sharded = false;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hj:o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
		case O_OUT:
			out = optarg;
			break;
		case 'j':
		case O_JOBS: {
			if (!lr_arg_long(optarg, 1, 4096, &jobs)) {
				fprintf(stderr,
				        "landrelease batch: --jobs '%s' must "
				        "be a whole number, 1-4096\n",
				        optarg);
				return 2;
			}
			break;
		}
		case O_SHARD:
			if (!parse_shard(optarg, &shard_i, &shard_n)) {
				fprintf(stderr,
				        "landrelease batch: --shard '%s': use "
				        "I/N with 1 <= I <= N, e.g. 2/3\n",
				        optarg);
				return 2;
			}
			sharded = true;
			break;
		case O_RESUME:
			resume = true;
			break;
		case O_SUMMARY:
			summary_only = true;
			break;
		case 'h':
		case O_HELP:
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (lr_arg_operand("batch", "MANIFEST", argc, usage))
		return 2;
	if (!out) {
		fprintf(stderr, "landrelease batch: --out DIR is required\n");
		usage(stderr);
		return 2;
	}
	if (summary_only && sharded) {
		fprintf(stderr, "landrelease batch: --summary-only gathers "
		                "every run; drop --shard\n");
		return 2;
	}

	lr_error err;
	lr_error_clear(&err);
	lr_manifest *m = NULL;
	if (lr_manifest_load(argv[optind], &m, &err) != LR_OK) {
		fprintf(stderr, "landrelease batch: %s\n", err.msg);
		return 2;
	}
	if (mkdir_p(out) != 0) {
		fprintf(stderr, "landrelease batch: cannot create %s: %s\n",
		        out, strerror(errno));
		lr_manifest_free(m);
		return 2;
	}

	double t0 = lr_now_seconds();
	int status = 0;
	batch b = {.m = m, .out = out, .threads = 1, .exe_fd = -1};
	b.exe_fd = open(SELF_EXE, O_RDONLY | O_CLOEXEC);
	int *todo = NULL, n_todo = 0, n_sel = 0, skipped = 0;
	lr_batch_hash_cache *cache = lr_batch_hash_cache_new();
	b.hash = calloc((size_t)m->n_runs, sizeof *b.hash);
	b.hash_ok = calloc((size_t)m->n_runs, sizeof *b.hash_ok);
	b.rows = calloc((size_t)m->n_runs, sizeof *b.rows);
	bool *sel = calloc((size_t)m->n_runs, sizeof *sel);
	todo = calloc((size_t)m->n_runs, sizeof *todo);
	if (!cache || !b.hash || !b.hash_ok || !b.rows || !sel || !todo) {
		fprintf(stderr, "landrelease batch: out of memory\n");
		status = 1;
		goto done;
	}
	for (int i = 0; i < m->n_runs; i++) {
		sel[i] = summary_only || i % shard_n == shard_i - 1;
		n_sel += sel[i];
		say(b.rows[i].run, sizeof b.rows[i].run, "%s", m->runs[i].name);
		if (!sel[i])
			continue;
		lr_error_clear(&err);
		b.hash_ok[i] = lr_batch_run_hash(&m->runs[i], cache, &b.hash[i],
		                                 &err) == LR_OK;
		if (!b.hash_ok[i])
			say(b.rows[i].error, sizeof b.rows[i].error, "%s",
			    err.msg);
	}
	b.total = n_sel;

	if (summary_only) {
		for (int i = 0; i < m->n_runs; i++)
			if (!read_result(&b, i))
				b.failed++;
	} else {
		for (int i = 0; i < m->n_runs; i++) {
			if (!sel[i])
				continue;
			remove_leftovers(&b, i);
			if (resume && b.hash_ok[i] && read_result(&b, i)) {
				skipped++;
				progress(&b, i, " (unchanged, skipped)");
				continue;
			}
			b.rows[i].ok = false;
			if (b.hash_ok[i])
				b.rows[i].error[0] = '\0';
			todo[n_todo++] = i;
		}
		int cores = usable_cores();
		int j = (int)(jobs < n_todo ? jobs : n_todo);
		if (j > cores) {
			fprintf(stderr,
			        "landrelease batch: --jobs %ld is more than "
			        "the "
			        "%d cores; running %d at a time\n",
			        jobs, cores, cores);
			j = cores;
		}
		if (j < 1)
			j = 1;
		b.threads = cores / j > 1 ? cores / j : 1;
		if (n_todo && group_runs(&b, todo, n_todo, cache) != 0) {
			fprintf(stderr, "landrelease batch: out of memory\n");
			status = 1;
			goto done;
		}
		if (n_todo)
			run_all(&b, todo, n_todo, j);
		if (b.shared[0])
			rm_rf(b.shared);
	}

	/* The summary: every selected run, in manifest order. */
	lr_batch_row *rows = b.rows;
	int n_rows = m->n_runs;
	if (sharded) {
		int k = 0;
		for (int i = 0; i < m->n_runs; i++)
			if (sel[i])
				b.rows[k++] = b.rows[i];
		n_rows = k;
	}
	char csv[PATH_MAX], md[PATH_MAX];
	if (sharded) {
		say(csv, sizeof csv, "%s/summary-%d-of-%d.csv", out, shard_i,
		    shard_n);
		say(md, sizeof md, "%s/summary-%d-of-%d.md", out, shard_i,
		    shard_n);
	} else {
		say(csv, sizeof csv, "%s/summary.csv", out);
		say(md, sizeof md, "%s/summary.md", out);
	}
	lr_error_clear(&err);
	if (lr_batch_summary_write(rows, n_rows, csv, md, &err) != LR_OK) {
		fprintf(stderr, "landrelease batch: %s\n", err.msg);
		status = 1;
	}
	fprintf(stderr,
	        "landrelease batch: %d run%s: %d ok (%d unchanged), %d "
	        "failed, %.2f s; %s\n",
	        n_sel, n_sel == 1 ? "" : "s", n_sel - b.failed, skipped,
	        b.failed, lr_now_seconds() - t0, csv);
	if (b.failed)
		status = 1;
done:
	if (b.exe_fd >= 0)
		close(b.exe_fd);
	free(b.group);
	free(b.analysis);
	free(todo);
	free(sel);
	free(b.rows);
	free(b.hash_ok);
	free(b.hash);
	lr_batch_hash_cache_free(cache);
	lr_manifest_free(m);
	return status;
}
