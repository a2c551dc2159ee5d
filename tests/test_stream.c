/*
** The store written while the ledger runs (lr_outputs_open, _stream,
** _close) on a generated country large enough for several batches of
** clusters: the face sink is handed every face once, in order, and takes
** its geometry and events; the streamed store and tables are the same
** files as those written after the ledger, on 1 and 2 threads and with the
** ledger made to wait for the store; a failure of the ledger or of the
** store mid-run leaves the output folder as it was.
*/
#include "commit_int.h"
#include "lr_engine.h"
#include "lr_test.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* Enough hazards for more than one batch of 4096 clusters. */
#define HAZARDS 5000

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

/* Everything the store writes of a face, as one number. */
static uint64_t face_hash(const lr_face *f)
{
	uint64_t h = 1469598103934665603ull;
	h = fnv(h, &f->region, sizeof f->region);
	h = fnv(h, &f->area, sizeof f->area);
	h = fnv(h, &f->state, sizeof f->state);
	if (f->events)
		h = fnv(h, f->events, strlen(f->events) + 1);
	return f->geom.data ? fnv(h, f->geom.data, f->geom.size) : h;
}

/* A face sink that notes each face's hash, then forwards the faces to a
** store or frees what the sink takes; from call fail_at on (0: never) it
** fails instead. */
typedef struct recorder {
	uint64_t *hash;
	size_t n, cap;
	int calls, fail_at;
	lr_outputs *forward;
} recorder;

static void drop_taken(lr_face *faces, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(faces[i].geom.data);
		free(faces[i].events);
		faces[i].geom.data = NULL;
		faces[i].events = NULL;
	}
}

static int record_faces(void *arg, lr_face *faces, size_t n, lr_error *err)
{
	recorder *rec = arg;
	if (rec->fail_at && ++rec->calls >= rec->fail_at) {
		drop_taken(faces, n);
		return lr_error_set(err, LR_ERR_INPUT,
		                    "injected failure at batch %d", rec->calls);
	}
	if (!rec->fail_at)
		rec->calls++;
	if (rec->n + n > rec->cap) {
		rec->cap = (rec->n + n) * 2;
		rec->hash = realloc(rec->hash, rec->cap * sizeof *rec->hash);
	}
	for (size_t i = 0; i < n; i++)
		rec->hash[rec->n++] = face_hash(&faces[i]);
	if (rec->forward)
		return lr_outputs_take_faces(rec->forward, faces, n, err);
	drop_taken(faces, n);
	return LR_OK;
}

static int ingest(const char *path, lr_dataset *d, lr_error *err)
{
	lr_inputs in = {.dataset = path, .threads = 2};
	in.today = lr_date_from_ymd(2100, 1, 1);
	lr_dataset_init(d);
	return lr_ingest(&in, d, err);
}

static lr_options options(int threads)
{
	return (lr_options){.as_of = LR_DATE_NONE,
	                    .baseline = LR_DATE_NONE,
	                    .scope = LR_CONT_ALL,
	                    .threads = threads,
	                    .keep_faces = true};
}

/* Each analysis on a freshly read dataset: lr_analyze adds its findings
** to the dataset's. */
typedef struct run {
	lr_dataset d;
	lr_result *r;
	lr_error err;
	int rc;
} run;

static void run_free(run *x)
{
	lr_result_free(x->r);
	lr_dataset_free(&x->d);
}

/* The sink gets every face once, in the order of a ledger without one,
** over several batches, and takes geometry and events only. */
static void check_sink(const char *gpkg, const lr_result *ref)
{
	run x = {0};
	recorder rec = {0};
	lr_options opt = options(2);
	opt.face_sink = record_faces;
	opt.face_sink_arg = &rec;
	x.rc = ingest(gpkg, &x.d, &x.err);
	if (x.rc == LR_OK)
		x.rc = lr_analyze(&x.d, &opt, &x.r, &x.err);
	if (!lr_test_ok(x.rc == LR_OK, "analyze with a face sink (%s)",
	                x.err.msg))
		goto done;
	size_t same = 0, kept = 0;
	for (size_t i = 0; i < rec.n && i < ref->faces.len; i++)
		same += rec.hash[i] ==
		        face_hash(&LR_VEC_AT(&ref->faces, lr_face, i));
	for (size_t i = 0; i < x.r->faces.len && i < ref->faces.len; i++) {
		const lr_face *f = &LR_VEC_AT(&x.r->faces, lr_face, i);
		const lr_face *g = &LR_VEC_AT(&ref->faces, lr_face, i);
		kept += !f->geom.data && !f->events && f->region == g->region &&
		        f->area == g->area && f->state == g->state &&
		        f->geom.minx == g->geom.minx &&
		        f->geom.maxy == g->geom.maxy;
	}
	lr_test_ok(rec.calls >= 2 && rec.n == ref->faces.len && same == rec.n,
	           "the sink is handed every face once, in the order of the "
	           "ledger without a sink, over %d batches (%zu of %zu faces "
	           "the same)",
	           rec.calls, same, ref->faces.len);
	lr_test_ok(x.r->faces.len == ref->faces.len && kept == ref->faces.len &&
	                   x.r->n_faces == (int64_t)ref->faces.len,
	           "the sink took each face's geometry and events; the "
	           "ledger kept its region, area, state and box (%zu of %zu)",
	           kept, ref->faces.len);
done:
	free(rec.hash);
	run_free(&x);
}

/* An analysis with its outputs streamed into out; queue: the bound of
** the store's queue in bytes (0: the default).  rec (NULL: none) sits
** between ledger and store. */
static int stream_into(const char *gpkg, const char *out, int threads,
                       size_t queue, recorder *rec, lr_error *err)
{
	run x = {0};
	lr_outputs *o = NULL;
	lr_options opt = options(threads);
	int rc = ingest(gpkg, &x.d, err);
	if (rc == LR_OK)
		rc = lr_outputs_open(&x.d, out, NULL, threads, &o, err);
	if (rc == LR_OK) {
		if (queue)
			lr__outputs_queue_bytes(o, queue);
		lr_outputs_stream(o, &opt);
		if (rec) {
			rec->forward = o;
			opt.face_sink = record_faces;
			opt.face_sink_arg = rec;
		}
		rc = lr_analyze(&x.d, &opt, &x.r, err);
		if (rc == LR_OK)
			rc = lr_outputs_close(o, x.r, err);
		else
			lr_outputs_abort(o);
	}
	run_free(&x);
	return rc;
}

/* The same files in a and b, byte for byte, and no temporary. */
static int same_folders(const char *a, const char *b)
{
	char cmd[6000];
	snprintf(cmd, sizeof cmd,
	         "test -s '%s/landrelease.sqlite' && diff -r -q '%s' '%s' "
	         ">/dev/null && ! ls -A '%s' '%s' | grep -q '[.]tmp[.]'",
	         a, a, b, a, b);
	return system(cmd) == 0;
}

static void check_streamed(const char *gpkg, const char *dir,
                           const char *ref_out)
{
	static const struct {
		int threads;
		size_t queue;
		const char *what;
	} runs[] = {
	        {1, 0, "1 thread"},
	        {2, 0, "2 threads"},
	        {2, 1,
	         "2 threads, the ledger waiting for the store at every "
	         "batch"},
	};
	for (size_t k = 0; k < sizeof runs / sizeof *runs; k++) {
		char out[1100];
		lr_error err = {0};
		snprintf(out, sizeof out, "%s/streamed%zu", dir, k);
		int rc = stream_into(gpkg, out, runs[k].threads, runs[k].queue,
		                     NULL, &err);
		lr_test_ok(rc == LR_OK && same_folders(ref_out, out),
		           "streamed on %s: the store and every table are the "
		           "files written after the ledger, byte for byte (%s)",
		           runs[k].what, err.msg);
	}
}

/* The names, sizes and contents of what dir holds ("" when it does not
** exist), as one string (caller frees). */
static char *snapshot(const char *dir)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd,
	         "cd '%s' 2>/dev/null && ls -lA --time-style=+ | sed 1d && "
	         "cat ./* ./.[!.]* 2>/dev/null | sha256sum",
	         dir);
	FILE *p = popen(cmd, "r");
	char *text = calloc(1, 65536);
	if (p && text)
		text[fread(text, 1, 65535, p)] = '\0';
	if (p)
		pclose(p);
	return text;
}

/* A failure mid-run, of the ledger (injected by the sink at its second
** batch) or of the store (a file size limit), into a folder holding a
** previous run's outputs and into one that does not exist yet. */
static void check_failures(const char *gpkg, const char *dir,
                           const char *ref_out)
{
	char prev[1100], fresh[1100], cmd[2400];
	snprintf(prev, sizeof prev, "%s/previous", dir);
	snprintf(fresh, sizeof fresh, "%s/fresh/of/three", dir);
	snprintf(cmd, sizeof cmd, "cp -a '%s' '%s'", ref_out, prev);
	if (!lr_test_ok(system(cmd) == 0, "a previous run's outputs"))
		return;
	char *before = snapshot(prev);
	recorder rec = {.fail_at = 2};
	lr_error err = {0};
	int rc = stream_into(gpkg, prev, 2, 0, &rec, &err);
	char *after = snapshot(prev);
	lr_test_ok(rc == LR_ERR_INPUT && strstr(err.msg, "injected") &&
	                   before && after && !strcmp(before, after),
	           "the ledger failing at its second batch: its error, and "
	           "the previous outputs untouched, nothing added (%s)",
	           err.msg);
	free(after);
	free(rec.hash);
	rec = (recorder){.fail_at = 2};
	rc = stream_into(gpkg, fresh, 2, 0, &rec, &err);
	snprintf(cmd, sizeof cmd, "%s/fresh", dir);
	lr_test_ok(rc == LR_ERR_INPUT && access(fresh, F_OK) != 0 &&
	                   access(cmd, F_OK) != 0 && access(dir, F_OK) == 0,
	           "the ledger failing into a new folder three levels deep: "
	           "none of the three folders it made is left behind, the "
	           "folder above them is");
	free(rec.hash);

	/* The store fails on a file size limit, SIGXFSZ ignored: writes fail
	** with EFBIG and the ledger stops with the store's error. */
	struct rlimit old, lim = {256 << 10, 256 << 10};
	getrlimit(RLIMIT_FSIZE, &old);
	lim.rlim_max = old.rlim_max;
	void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &lim);
	rc = stream_into(gpkg, prev, 2, 0, NULL, &err);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, was);
	after = snapshot(prev);
	lr_test_ok(rc == LR_ERR_IO && strstr(err.msg, "landrelease.sqlite") &&
	                   after && !strcmp(before, after),
	           "the store failing while the ledger runs: the ledger stops "
	           "with the store's error naming its file, the previous "
	           "outputs untouched (%s)",
	           err.msg);
	free(before);
	free(after);
}

int main(void)
{
	char dir[] = "/tmp/lr-test-stream-XXXXXX", gpkg[1100], ref_out[1100];
	if (!mkdtemp(dir))
		return 1;
	snprintf(gpkg, sizeof gpkg, "%s/country.gpkg", dir);
	snprintf(ref_out, sizeof ref_out, "%s/after", dir);
	run ref = {0};
	lr_options opt = options(1);
	if (!lr_test_ok(lr_test_generate(gpkg, 5, HAZARDS, 16, "dense") == 0,
	                "a generated country of %d hazards", HAZARDS))
		goto done;
	ref.rc = ingest(gpkg, &ref.d, &ref.err);
	if (ref.rc == LR_OK)
		ref.rc = lr_analyze(&ref.d, &opt, &ref.r, &ref.err);
	if (ref.rc == LR_OK)
		ref.rc = lr_outputs_write(&ref.d, ref.r, ref_out, NULL, 1,
		                          &ref.err);
	if (!lr_test_ok(ref.rc == LR_OK,
	                "analyze, outputs written after the ledger (%s)",
	                ref.err.msg))
		goto done;
	check_sink(gpkg, ref.r);
	check_streamed(gpkg, dir, ref_out);
	check_failures(gpkg, dir, ref_out);
done:
	run_free(&ref);
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return lr_test_done();
}
