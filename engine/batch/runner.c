/*
** lr_batch_execute(): which runs of a manifest this batch does (its shard,
** those --resume may skip), how many side by side and with how many
** threads each, then the summary of every selected run.  The child
** processes are schedule.c's.
*/
#include "lr_file.h"
#include "runner_int.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Why run `run` has no usable result, from the end of its log, into its
** row: the failure the batch recorded, an unfinished run, or no run. */
static void read_failure(lr__batch *b, int run)
{
	lr_batch_row *r = &b->rows[run];
	char log[PATH_MAX + 8], line[600];
	size_t tag = strlen(LR__FAILED_TAG);
	int at = 0;
	lr__run_path(b, run, ".log", log, sizeof log);
	lr__last_line(log, 0, line, sizeof line);
	if (!strncmp(line, LR__FAILED_TAG, tag) &&
	    sscanf(line + tag, "%lf s: %n", &r->seconds, &at) == 1 && at > 0)
		lr__say(r->error, sizeof r->error, "%s", line + tag + at);
	else if (access(log, F_OK) == 0)
		lr__say(r->error, sizeof r->error, "not finished (see %s)",
		        log);
	else
		lr__say(r->error, sizeof r->error, "not run");
}

/* The state of run `run` from its folder, as --summary-only and --resume
** see it: 1 and the row filled when DIR/NAME is a complete result of the
** current settings and inputs, else 0 with row->error saying why. */
static int read_result(lr__batch *b, int run)
{
	lr_batch_row *r = &b->rows[run];
	char dir[PATH_MAX + 8];
	lr__run_path(b, run, "", dir, sizeof dir);
	lr_batch_marker mk;
	if (!lr_batch_marker_read(dir, &mk)) {
		read_failure(b, run);
		return 0;
	}
	if (!b->hash_ok[run])
		return 0; /* row->error holds the hashing failure */
	if (mk.hash != b->hash[run]) {
		lr__say(r->error, sizeof r->error,
		        "out of date: settings, inputs or program version "
		        "changed since %s was computed",
		        dir);
		return 0;
	}
	lr_error err;
	lr_error_clear(&err);
	if (lr_batch_row_read(dir, r, &err) != LR_OK) {
		lr__say(r->error, sizeof r->error, "%s", err.msg);
		return 0;
	}
	r->ok = true;
	r->seconds = mk.seconds;
	r->error[0] = '\0';
	return 1;
}

/* Mark in sel[n_runs] the runs this batch does and hash each; the number
** selected.  A run that cannot be hashed fails with that message. */
static int select_runs(lr__batch *b, const lr_batch_options *o, bool *sel,
                       lr_batch_hash_cache *cache)
{
	int n_sel = 0;
	for (int i = 0; i < b->m->n_runs; i++) {
		lr_batch_row *row = &b->rows[i];
		sel[i] = o->summary_only || o->shard_n == 0 ||
		         i % o->shard_n == o->shard_i - 1;
		n_sel += sel[i];
		lr__say(row->run, sizeof row->run, "%s", b->m->runs[i].name);
		if (!sel[i])
			continue;
		lr_error err;
		lr_error_clear(&err);
		b->hash_ok[i] = lr_batch_run_hash(&b->m->runs[i], cache,
		                                  &b->hash[i], &err) == LR_OK;
		if (!b->hash_ok[i])
			lr__say(row->error, sizeof row->error, "%s", err.msg);
	}
	return n_sel;
}

/* The selected runs to run into todo: those --resume does not skip
** (counted in *skipped, reported as ended), after removing what an
** interrupted batch left of them.  The number to run. */
static int runs_to_do(lr__batch *b, const lr_batch_options *o, const bool *sel,
                      int *todo, int *skipped)
{
	int n_todo = 0;
	for (int i = 0; i < b->m->n_runs; i++) {
		if (!sel[i])
			continue;
		lr__remove_leftovers(b, i);
		if (o->resume && b->hash_ok[i] && read_result(b, i)) {
			(*skipped)++;
			lr__run_ended(b, i, true);
			continue;
		}
		b->rows[i].ok = false;
		if (b->hash_ok[i])
			b->rows[i].error[0] = '\0';
		todo[n_todo++] = i;
	}
	return n_todo;
}

/* How many of n_todo runs go side by side (o->jobs at most, no more than
** the cores), and the threads each step gets (b->threads). */
static int plan_jobs(lr__batch *b, const lr_batch_options *o, int n_todo)
{
	int cores = usable_cores();
	int j = o->jobs < n_todo ? o->jobs : n_todo;
	if (j > cores) {
		lr_progress_note(&b->hooks->progress,
		                 "--jobs %d is more than the %d cores; running "
		                 "%d at a time",
		                 o->jobs, cores, cores);
		j = cores;
	}
	if (j < 1)
		j = 1;
	b->threads = cores / j > 1 ? cores / j : 1;
	return j;
}

/* Run the selected runs that need it; LR_OK, or LR_ERR_NOMEM. */
static int run_selected(lr__batch *b, const lr_batch_options *o,
                        const bool *sel, int *todo, lr_batch_hash_cache *cache,
                        lr_batch_totals *totals, lr_error *err)
{
	int n_todo = runs_to_do(b, o, sel, todo, &totals->skipped);
	int jobs = plan_jobs(b, o, n_todo);
	int rc = LR_OK;
	if (n_todo && lr__group_runs(b, todo, n_todo, cache) != 0)
		rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	else if (n_todo)
		lr__run_all(b, todo, n_todo, jobs);
	if (b->shared[0])
		lr__rm_rf(b->shared);
	return rc;
}

/* The summary of every selected run, in manifest order:
** DIR/summary.{csv,md}, or DIR/summary-I-of-N.{csv,md} for a shard. */
static int write_summary(lr__batch *b, const lr_batch_options *o,
                         const bool *sel, lr_batch_totals *totals,
                         lr_error *err)
{
	int n_rows = b->m->n_runs;
	char md[PATH_MAX];
	if (o->shard_n > 0 && !o->summary_only) {
		n_rows = 0;
		for (int i = 0; i < b->m->n_runs; i++)
			if (sel[i])
				b->rows[n_rows++] = b->rows[i];
		lr__say(totals->summary_csv, sizeof totals->summary_csv,
		        "%s/summary-%d-of-%d.csv", b->out, o->shard_i,
		        o->shard_n);
		lr__say(md, sizeof md, "%s/summary-%d-of-%d.md", b->out,
		        o->shard_i, o->shard_n);
	} else {
		lr__say(totals->summary_csv, sizeof totals->summary_csv,
		        "%s/summary.csv", b->out);
		lr__say(md, sizeof md, "%s/summary.md", b->out);
	}
	lr_error_clear(err);
	return lr_batch_summary_write(b->rows, n_rows, totals->summary_csv, md,
	                              err);
}

int lr_batch_execute(const lr_manifest *m, const lr_batch_options *o,
                     const lr_batch_hooks *hooks, lr_batch_totals *totals,
                     lr_error *err)
{
	memset(totals, 0, sizeof *totals);
	if (lr_mkdir_p(o->out, err) != LR_OK) {
		err->code =
		        LR_ERR_USAGE; /* an unusable --out, as an argument */
		return LR_ERR_USAGE;
	}
	double t0 = lr_now_seconds();
	int rc = LR_OK, n = m->n_runs;
	lr__batch b = {.m = m,
	               .out = o->out,
	               .hooks = hooks,
	               .threads = 1,
	               .program = o->program};
	b.exe_fd = open(o->program, O_RDONLY | O_CLOEXEC);
	b.env = lr__child_env();
	lr_batch_hash_cache *cache = lr_batch_hash_cache_new();
	b.hash = calloc((size_t)n, sizeof *b.hash);
	b.hash_ok = calloc((size_t)n, sizeof *b.hash_ok);
	b.rows = calloc((size_t)n, sizeof *b.rows);
	bool *sel = calloc((size_t)n, sizeof *sel);
	int *todo = calloc((size_t)n, sizeof *todo);
	if (!cache || !b.hash || !b.hash_ok || !b.rows || !sel || !todo) {
		rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		goto done;
	}
	b.total = totals->selected = select_runs(&b, o, sel, cache);
	if (o->summary_only) {
		for (int i = 0; i < n; i++)
			if (!read_result(&b, i))
				b.failed++;
	} else if ((rc = run_selected(&b, o, sel, todo, cache, totals, err)) !=
	           LR_OK) {
		goto done;
	}
	rc = write_summary(&b, o, sel, totals, err);
	totals->failed = b.failed;
	totals->seconds = lr_now_seconds() - t0;
done:
	if (b.exe_fd >= 0)
		close(b.exe_fd);
	free(b.env);
	free(b.group);
	free(b.analysis);
	free(todo);
	free(sel);
	free(b.rows);
	free(b.hash_ok);
	free(b.hash);
	lr_batch_hash_cache_free(cache);
	return rc;
}
