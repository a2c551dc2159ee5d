/*
** Runs whose analyze steps would be identical (equal analysis hashes) form
** a group analysed once: the first run of the group to start analyses, and
** the others get a copy of its outputs, byte for byte, in
** DIR/.analyses.HOST.PID/NAME.
*/
#include "lr_file.h"
#include "runner_int.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* DIR/.analyses.HOST.PID/NAME, NAME being the first run of group g. */
static void group_path(const lr__batch *b, int g, char *buf, size_t size)
{
	lr__say(buf, size, "%s/%s", b->shared, b->m->runs[g].name);
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

/* Set b->group[r] for every run r of todo[n] (-1 when its analysis hash
** cannot be had); h[n_runs] is scratch. */
static void assign_groups(lr__batch *b, const int *todo, int n, uint64_t *h,
                          lr_batch_hash_cache *cache)
{
	for (int i = 0; i < b->m->n_runs; i++)
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
}

int lr__group_runs(lr__batch *b, const int *todo, int n,
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
	assign_groups(b, todo, n, h, cache);
	free(h);
	/* Named by host and process: shards on other machines may share
	** DIR, and a process id means something only on its own host. */
	char host[64] = "host", prefix[96];
	gethostname(host, sizeof host - 1);
	host[strcspn(host, "/")] = '\0';
	lr__say(prefix, sizeof prefix, ".analyses.%s.", host);
	lr__say(b->shared, sizeof b->shared, "%s/%s%ld", b->out, prefix,
	        (long)getpid());
	lr__remove_entries(b, prefix, dead_pid);
	lr__rm_rf(b->shared); /* one of an earlier process with our id */
	return 0;
}

int lr__share_analysis(lr__batch *b, lr__job *j, int g)
{
	const lr_batch_hooks *hk = b->hooks;
	char src[PATH_MAX + 32];
	group_path(b, g, src, sizeof src);
	if (lr__copy_files(src, j->tmp) != 0) {
		lr__log_printf(j->log_fd,
		               "landrelease batch: cannot copy the analysis of "
		               "run %s (%s); analysing again\n",
		               b->m->runs[g].name, strerror(errno));
		return -1;
	}
	/* The log shows the command that was not run, as if it had been. */
	char **argv = NULL;
	lr_error err;
	lr_error_clear(&err);
	if (hk->argv(hk->user, &b->m->runs[j->run], LR_STEP_ANALYZE, j->tmp,
	             b->threads, &argv, &err) != LR_OK)
		argv = NULL;
	lr__log_argv(j->log_fd, argv);
	if (argv)
		hk->argv_free(hk->user, argv);
	lr__log_printf(j->log_fd,
	               "(not run: its outputs are those of run %s, which has "
	               "the same inputs and analysis settings; copied)\n",
	               b->m->runs[g].name);
	j->step_start = lseek(j->log_fd, 0, SEEK_END);
	return 0;
}

void lr__keep_analysis(lr__batch *b, lr__job *j)
{
	int g = b->group[j->run];
	char dst[PATH_MAX + 32];
	lr_error err;
	group_path(b, g, dst, sizeof dst);
	b->analysis[g] = lr_mkdir_p(dst, &err) == LR_OK &&
	                                 lr__copy_files(j->tmp, dst) == 0
	                         ? LR__ANALYSIS_READY
	                         : LR__ANALYSIS_NONE;
	j->analyses = false;
}
