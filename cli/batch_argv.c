/* The command lines of the steps of a batch run (analyze, project, plan). */
#include "batch_argv.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct argv_builder {
	char **v;
	int n, cap;
	bool failed;
} argv_builder;

static void push(argv_builder *b, const char *s)
{
	if (b->failed)
		return;
	if (b->n + 2 > b->cap) {
		int nc = b->cap ? 2 * b->cap : 32;
		char **t = realloc(b->v, (size_t)nc * sizeof *t);
		if (!t) {
			b->failed = true;
			return;
		}
		b->v = t;
		b->cap = nc;
	}
	if (!(b->v[b->n] = lr_strdup(s))) {
		b->failed = true;
		return;
	}
	b->v[++b->n] = NULL;
}

/* "--opt value" when r sets key k. */
static void push_opt(argv_builder *b, const lr_batch_run *r, lr_batch_key k,
                     const char *opt)
{
	if (r->value[k]) {
		push(b, opt);
		push(b, r->value[k]);
	}
}

void lr_cli_batch_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

int lr_cli_batch_argv(const lr_batch_run *r, lr_batch_step s, const char *argv0,
                      const char *out_dir, int threads, char ***argv,
                      lr_error *err)
{
	argv_builder b = {0};
	char nthreads[16];
	snprintf(nthreads, sizeof nthreads, "%d", threads);
	*argv = NULL;
	push(&b, argv0);
	push(&b, lr_batch_step_names[s]);
	switch (s) {
	case LR_STEP_ANALYZE:
		if (r->value[LR_BK_DATASET])
			push(&b, r->value[LR_BK_DATASET]);
		push(&b, "--out");
		push(&b, out_dir);
		push_opt(&b, r, LR_BK_REGIONS, "--regions");
		push_opt(&b, r, LR_BK_HAZARDS, "--hazards");
		push_opt(&b, r, LR_BK_RELEASES, "--releases");
		push_opt(&b, r, LR_BK_REGIONS_LAYER, "--regions-layer");
		push_opt(&b, r, LR_BK_HAZARDS_LAYER, "--hazards-layer");
		push_opt(&b, r, LR_BK_RELEASES_LAYER, "--releases-layer");
		push_opt(&b, r, LR_BK_MAP, "--map");
		push_opt(&b, r, LR_BK_ASSUME_CRS, "--assume-crs");
		push_opt(&b, r, LR_BK_MAX_VERTEX_GAP, "--max-vertex-gap");
		push_opt(&b, r, LR_BK_AS_OF, "--as-of");
		push_opt(&b, r, LR_BK_BASELINE, "--baseline");
		push_opt(&b, r, LR_BK_SCOPE, "--scope");
		break;
	case LR_STEP_PROJECT:
		push(&b, out_dir);
		push_opt(&b, r, LR_BK_DEADLINE, "--deadline");
		push_opt(&b, r, LR_BK_WINDOW, "--window");
		push_opt(&b, r, LR_BK_RUNS, "--runs");
		push_opt(&b, r, LR_BK_SEED, "--seed");
		push_opt(&b, r, LR_BK_CONFIDENCE, "--confidence");
		push_opt(&b, r, LR_BK_SCENARIO, "--scenario");
		push_opt(&b, r, LR_BK_HISTORY, "--history");
		push_opt(&b, r, LR_BK_MODEL, "--model");
		break;
	case LR_STEP_PLAN:
		push(&b, out_dir);
		push_opt(&b, r, LR_BK_TARGET, "--target");
		push_opt(&b, r, LR_BK_CAPACITY, "--capacity");
		push_opt(&b, r, LR_BK_COSTS, "--costs");
		push_opt(&b, r, LR_BK_WINDOW, "--window");
		push_opt(&b, r, LR_BK_HISTORY, "--history");
		break;
	default:
		b.failed = true;
	}
	if (threads > 0 && (s == LR_STEP_ANALYZE || s == LR_STEP_PROJECT)) {
		push(&b, "--threads");
		push(&b, nthreads);
	}
	if (b.failed) {
		lr_cli_batch_argv_free(b.v);
		return lr_error_set(err, LR_ERR_NOMEM,
		                    "run %s: out of memory building the %s "
		                    "command",
		                    r->name, lr_batch_step_names[s]);
	}
	*argv = b.v;
	return LR_OK;
}
