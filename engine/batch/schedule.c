/*
** The scheduler of a batch: at most `jobs` runs side by side, each a
** sequence of child processes (analyze, then project and plan when asked)
** writing into the run's temporary folder, which replaces DIR/NAME only when
** every step succeeded.
*/
#include "lr_file.h"
#include "runner_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Record a failure of job j: its error (from msg, or the step's last line
** of output), the log line, no temporary folder and no old result. */
static void fail_job(lr__batch *b, lr__job *j, const char *msg)
{
	lr_batch_row *r = &b->rows[j->run];
	char log[PATH_MAX + 8], old[PATH_MAX + 8];
	lr__run_path(b, j->run, ".log", log, sizeof log);
	if (j->analyses) { /* the next run of the group analyses itself */
		b->analysis[b->group[j->run]] = LR__ANALYSIS_NONE;
		j->analyses = false;
	}
	r->ok = false;
	r->seconds = lr_now_seconds() - j->t0;
	if (msg)
		lr__say(r->error, sizeof r->error, "%s", msg);
	else
		lr__last_line(log, j->step_start, r->error, sizeof r->error);
	if (!r->error[0])
		lr__say(r->error, sizeof r->error, "%s failed with no message",
		        lr_batch_step_names[j->step]);
	if (j->log_fd >= 0) {
		lr__log_printf(j->log_fd, LR__FAILED_TAG "%.2f s: %s\n",
		               r->seconds, r->error);
		close(j->log_fd);
		j->log_fd = -1;
	}
	if (j->tmp[0])
		lr__rm_rf(j->tmp);
	/* An older result of this run would no longer match the summary. */
	lr__run_path(b, j->run, "", old, sizeof old);
	lr__rm_rf(old);
	b->failed++;
	lr__run_ended(b, j->run, false);
	j->run = -1;
}

/*
** The children's environment: this one, with OpenMP's waiting threads told
** to sleep (OMP_WAIT_POLICY=passive) unless the user chose how they wait.
** A spinning thread holds a core that its run's reading thread, or another
** process, could use; sleeping costs a run no wall time
** (benchmarks/RESULTS.md).  NULL: this environment as it
** is (also when out of memory: only the waiting differs).
*/
char **lr__child_env(void)
{
	static char passive[] = "OMP_WAIT_POLICY=passive";
	size_t n = 0;
	for (; environ[n]; n++)
		if (!strncmp(environ[n], "OMP_WAIT_POLICY=", 16) ||
		    !strncmp(environ[n], "GOMP_SPINCOUNT=", 15))
			return NULL;
	char **env = malloc((n + 2) * sizeof *env);
	if (env) {
		memcpy(env, environ, n * sizeof *env);
		env[n] = passive;
		env[n + 1] = NULL;
	}
	return env;
}

/* In the child: output into the log, no input, then exec argv; never
** returns. */
static void exec_step(const lr__batch *b, const lr__job *j, pid_t parent,
                      char **argv)
{
	/* Die with the batch: a killed batch leaves no orphan writing into a
	** folder the next batch removes. */
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
	char **env = b->env ? b->env : environ;
	if (b->exe_fd >= 0)
		fexecve(b->exe_fd, argv, env);
	else
		execve(b->program, argv, env);
	/* Into the log: only async-signal-safe calls after fork. */
	static const char msg[] = "landrelease batch: cannot start ";
	ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
	w = write(STDERR_FILENO, b->program, strlen(b->program));
	w = write(STDERR_FILENO, "\n", 1);
	(void)w;
	_exit(127);
}

/* Start step j->step of j's run as a child process; 0, or -1 with the job
** failed. */
static int start_step(lr__batch *b, lr__job *j)
{
	const lr_batch_hooks *hk = b->hooks;
	char **argv = NULL;
	lr_error err;
	lr_error_clear(&err);
	if (hk->argv(hk->user, &b->m->runs[j->run], (lr_batch_step)j->step,
	             j->tmp, b->threads, &argv, &err) != LR_OK) {
		fail_job(b, j, err.msg);
		return -1;
	}
	lr__log_argv(j->log_fd, argv);
	j->step_start = lseek(j->log_fd, 0, SEEK_END);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		exec_step(b, j, parent, argv);
	int e = errno;
	hk->argv_free(hk->user, argv);
	if (pid < 0) {
		char msg[256];
		lr__say(msg, sizeof msg, "cannot start the %s step: %s",
		        lr_batch_step_names[j->step], strerror(e));
		fail_job(b, j, msg);
		return -1;
	}
	j->pid = pid;
	return 0;
}

/* All steps of j succeeded: marker, rename, figures. */
static void finish_job(lr__batch *b, lr__job *j)
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
	lr__run_path(b, j->run, "", final, sizeof final);
	if (lr_batch_marker_write(j->tmp, &mk, &err) != LR_OK) {
		fail_job(b, j, err.msg);
		return;
	}
	if (lr__move_into_place(j->tmp, final, msg, sizeof msg) != 0) {
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
	lr__log_printf(j->log_fd, "landrelease batch: ok in %.2f s\n",
	               mk.seconds);
	close(j->log_fd);
	j->log_fd = -1;
	lr__run_ended(b, j->run, false);
	j->run = -1;
}

/* Job j's step failed with wait status st: fail it with the step's last
** line of output, or what the status says. */
static void step_failed(lr__batch *b, lr__job *j, int st)
{
	char log[PATH_MAX + 8], line[512], msg[600];
	lr__run_path(b, j->run, ".log", log, sizeof log);
	lr__last_line(log, j->step_start, line, sizeof line);
	if (line[0])
		lr__say(msg, sizeof msg, "%s", line);
	else if (WIFSIGNALED(st))
		lr__say(msg, sizeof msg, "%s killed by signal %d",
		        lr_batch_step_names[j->step], WTERMSIG(st));
	else
		lr__say(msg, sizeof msg, "%s exited with status %d",
		        lr_batch_step_names[j->step],
		        WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	fail_job(b, j, msg);
}

/* The child of job j ended with wait status st: the run's next step, or
** its end. */
static void step_ended(lr__batch *b, lr__job *j, int st)
{
	j->pid = 0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		step_failed(b, j, st);
		return;
	}
	if (j->analyses)
		lr__keep_analysis(b, j);
	do
		j->step++;
	while (j->step < LR_N_STEPS &&
	       !lr_batch_has_step(&b->m->runs[j->run], (lr_batch_step)j->step));
	if (j->step < LR_N_STEPS)
		start_step(b, j);
	else
		finish_job(b, j);
}

/* Open the log of job j's run and write its first line; 0, or -1 with the
** job failed. */
static int open_log(lr__batch *b, lr__job *j)
{
	const lr_batch_run *r = &b->m->runs[j->run];
	char log[PATH_MAX + 8], msg[PATH_MAX + 64];
	lr__run_path(b, j->run, ".log", log, sizeof log);
	/* A new file: whatever lay at its name (a planted symlink too) is
	** removed, never followed. */
	lr_error gone;
	if (lr_file_remove(log, &gone) != LR_OK) {
		fail_job(b, j, gone.msg);
		return -1;
	}
	j->log_fd = open(log,
	                 O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW |
	                         O_CLOEXEC,
	                 0666);
	if (j->log_fd < 0) {
		lr__say(msg, sizeof msg, "cannot write %s: %s", log,
		        strerror(errno));
		fail_job(b, j, msg);
		return -1;
	}
	lr__log_printf(j->log_fd,
	               "landrelease batch: run %s (manifest %s line %d), hash "
	               "%016" PRIx64 ", %d thread%s per step\n",
	               r->name, b->m->name, r->line, b->hash[j->run],
	               b->threads, b->threads == 1 ? "" : "s");
	return 0;
}

/* Begin run `run` in free slot j: its log, its temporary folder, then its
** analysis (copied from its group's when ready). */
static void start_run(lr__batch *b, lr__job *j, int run)
{
	char msg[PATH_MAX + 64];
	j->run = run;
	j->step = LR_STEP_ANALYZE;
	j->pid = 0;
	j->t0 = lr_now_seconds();
	j->tmp[0] = '\0';
	j->step_start = 0;
	if (open_log(b, j) != 0)
		return;
	if (!b->hash_ok[run]) {
		lr__say(msg, sizeof msg, "%s", b->rows[run].error);
		fail_job(b, j, msg);
		return;
	}
	lr__say(j->tmp, sizeof j->tmp, "%s/.%s.tmp.%ld", b->out,
	        b->m->runs[run].name, (long)getpid());
	if (lr__rm_rf(j->tmp) != 0 || mkdir(j->tmp, 0777) != 0) {
		lr__say(msg, sizeof msg, "cannot create %s: %s", j->tmp,
		        strerror(errno));
		j->tmp[0] = '\0';
		fail_job(b, j, msg);
		return;
	}
	int g = b->group[run];
	if (g >= 0 && b->analysis[g] == LR__ANALYSIS_READY &&
	    lr__share_analysis(b, j, g) == 0) {
		step_ended(b, j, 0);
		return;
	}
	if (g >= 0 && b->analysis[g] == LR__ANALYSIS_NONE) {
		b->analysis[g] = LR__ANALYSIS_BUSY;
		j->analyses = true;
	}
	start_step(b, j);
}

/* The next of todo[n] not started whose group's analysis is not being made
** (such a run waits for it, to copy it); -1 when there is none now. */
static int next_run(const lr__batch *b, const int *todo, const bool *started,
                    int n)
{
	for (int k = 0; k < n; k++) {
		int g = b->group[todo[k]];
		if (!started[k] &&
		    (g < 0 || b->analysis[g] != LR__ANALYSIS_BUSY))
			return k;
	}
	return -1;
}

/* Fill the free slots of slots[jobs] with runs that may start; the number
** of slots then busy. */
static int fill_slots(lr__batch *b, lr__job *slots, int jobs, const int *todo,
                      bool *started, int n)
{
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
	return active;
}

/* Wait for a child of slots[jobs] and move its job on. */
static void reap(lr__batch *b, lr__job *slots, int jobs)
{
	int st;
	pid_t pid = waitpid(-1, &st, 0);
	if (pid < 0) {
		if (errno == EINTR)
			return;
		/* No child although a job waits for one: fail them. */
		for (int s = 0; s < jobs; s++)
			if (slots[s].run >= 0)
				fail_job(b, &slots[s],
				         "lost track of its process");
		return;
	}
	for (int s = 0; s < jobs; s++)
		if (slots[s].run >= 0 && slots[s].pid == pid) {
			step_ended(b, &slots[s], st);
			return;
		}
}

void lr__run_all(lr__batch *b, const int *todo, int n, int jobs)
{
	lr__job *slots = calloc((size_t)jobs, sizeof *slots);
	bool *started = calloc((size_t)n, sizeof *started);
	if (!slots || !started) {
		free(slots);
		free(started);
		for (int i = 0; i < n; i++) {
			lr_batch_row *r = &b->rows[todo[i]];
			lr__say(r->error, sizeof r->error, "out of memory");
			b->failed++;
			lr__run_ended(b, todo[i], false);
		}
		return;
	}
	for (int s = 0; s < jobs; s++) {
		slots[s].run = -1;
		slots[s].log_fd = -1;
	}
	while (fill_slots(b, slots, jobs, todo, started, n) > 0)
		reap(b, slots, jobs);
	free(started);
	free(slots);
}
