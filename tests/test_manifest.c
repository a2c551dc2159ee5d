/*
** The batch manifest (engine/batch/manifest.c): defaults inheritance, relative
** paths, errors naming the file and line, run names, the step argument
** vectors, the content hash and the summary reader.
*/
#include "batch_argv.h"
#include "lr_batch.h"
#include "lr_test.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Parse text as "m.ini" in folder /data; return the error text ("" on
** success) in msg and the manifest in *out (NULL on failure). */
static int parse(const char *text, lr_manifest **out, lr_error *err)
{
	lr_error_clear(err);
	return lr_manifest_parse(text, "m.ini", "/data", out, err);
}

/* The manifest text must fail with a message holding want. */
static void expect_error(const char *text, const char *want, const char *what)
{
	lr_manifest *m = NULL;
	lr_error err;
	int rc = parse(text, &m, &err);
	if (!lr_test_ok(rc != LR_OK && m == NULL && strstr(err.msg, want),
	                "error: %s", what))
		printf("#   rc %d, message '%s', want '%s'\n", rc, err.msg,
		       want);
	lr_manifest_free(m);
}

static const char *val(const lr_manifest *m, int run, lr_batch_key k)
{
	const char *v = m->runs[run].value[k];
	return v ? v : "(unset)";
}

static void test_inheritance(void)
{
	const char *text = "; a batch\n"
	                   "[defaults]\n"
	                   "dataset = national.gpkg\n"
	                   "deadline = 2030-12-31\n"
	                   "runs = 1000   ; fewer for tests\n"
	                   "\n"
	                   "[run base]\n"
	                   "\n"
	                   "[run slow-2026]\n"
	                   "scenario = scenarios/slow.ini\n"
	                   "history = published/bih.csv\n"
	                   "model = regional\n"
	                   "deadline = 2032-06-30\n"
	                   "target = 2031-12-31\n"
	                   "[run other.country]\n"
	                   "dataset = /abs/other.gpkg\n"
	                   "as-of = 2024-12-31\n"
	                   "[run pg]\n"
	                   "dataset = PG:dbname=imsma host=db\n"
	                   "map = ./maps/imsma.ini\n";
	lr_manifest *m = NULL;
	lr_error err;
	int rc = parse(text, &m, &err);
	if (!lr_test_ok(rc == LR_OK && m, "a valid manifest parses"))
		printf("#   %s\n", err.msg);
	if (!m)
		return;
	lr_test_ok(m->n_runs == 4, "four runs (got %d)", m->n_runs);
	lr_test_ok(!strcmp(m->runs[0].name, "base") &&
	                   !strcmp(m->runs[1].name, "slow-2026") &&
	                   !strcmp(m->runs[2].name, "other.country") &&
	                   !strcmp(m->runs[3].name, "pg"),
	           "runs keep manifest order");
	lr_test_ok(m->runs[0].line == 7 && m->runs[1].line == 9,
	           "each run knows its header line (%d, %d)", m->runs[0].line,
	           m->runs[1].line);
	lr_test_ok(m->runs[3].index == 3, "index is the manifest position");
	lr_test_ok(!strcmp(val(m, 0, LR_BK_DATASET), "/data/national.gpkg"),
	           "an empty run inherits the defaults' dataset, resolved "
	           "against the manifest folder (%s)",
	           val(m, 0, LR_BK_DATASET));
	lr_test_ok(!strcmp(val(m, 0, LR_BK_RUNS), "1000"),
	           "inline comment stripped, runs inherited (%s)",
	           val(m, 0, LR_BK_RUNS));
	lr_test_ok(!strcmp(val(m, 1, LR_BK_DEADLINE), "2032-06-30") &&
	                   !strcmp(val(m, 0, LR_BK_DEADLINE), "2030-12-31"),
	           "a run's own setting wins over the default");
	lr_test_ok(
	        !strcmp(val(m, 1, LR_BK_SCENARIO), "/data/scenarios/slow.ini"),
	        "relative file in a run resolved (%s)",
	        val(m, 1, LR_BK_SCENARIO));
	lr_test_ok(!strcmp(val(m, 2, LR_BK_DATASET), "/abs/other.gpkg"),
	           "absolute path kept");
	lr_test_ok(!strcmp(val(m, 2, LR_BK_AS_OF), "2024-12-31"),
	           "'as-of' is accepted for as_of");
	lr_test_ok(!strcmp(val(m, 3, LR_BK_DATASET), "PG:dbname=imsma host=db"),
	           "a connection string is not a path (%s)",
	           val(m, 3, LR_BK_DATASET));
	lr_test_ok(!strcmp(val(m, 3, LR_BK_MAP), "/data/maps/imsma.ini"),
	           "'./' dropped when resolving (%s)", val(m, 3, LR_BK_MAP));
	lr_test_ok(m->runs[0].value[LR_BK_TARGET] == NULL &&
	                   m->runs[1].value[LR_BK_TARGET] != NULL,
	           "unset keys stay NULL");

	/* Steps and their argument vectors. */
	lr_test_ok(lr_batch_has_step(&m->runs[0], LR_STEP_PROJECT) &&
	                   !lr_batch_has_step(&m->runs[0], LR_STEP_PLAN) &&
	                   lr_batch_has_step(&m->runs[1], LR_STEP_PLAN),
	           "project with a deadline, plan with a target");
	char **argv = NULL;
	rc = lr_cli_batch_argv(&m->runs[1], LR_STEP_ANALYZE, "landrelease",
	                       "/o/t", 3, &argv, &err);
	char joined[1024] = "";
	for (char **a = argv; a && *a; a++) {
		strcat(joined, *a);
		strcat(joined, a[1] ? " " : "");
	}
	lr_test_ok(rc == LR_OK &&
	                   !strcmp(joined, "landrelease analyze "
	                                   "/data/national.gpkg --out /o/t "
	                                   "--threads 3"),
	           "analyze argv: '%s'", joined);
	lr_cli_batch_argv_free(argv);
	rc = lr_cli_batch_argv(&m->runs[1], LR_STEP_PROJECT, "landrelease",
	                       "/o/t", 2, &argv, &err);
	joined[0] = '\0';
	for (char **a = argv; a && *a; a++) {
		strcat(joined, *a);
		strcat(joined, a[1] ? " " : "");
	}
	lr_test_ok(rc == LR_OK &&
	                   !strcmp(joined,
	                           "landrelease project /o/t --deadline "
	                           "2032-06-30 --runs 1000 --scenario "
	                           "/data/scenarios/slow.ini --history "
	                           "/data/published/bih.csv --model regional "
	                           "--threads 2"),
	           "project argv: '%s'", joined);
	lr_cli_batch_argv_free(argv);
	rc = lr_cli_batch_argv(&m->runs[1], LR_STEP_PLAN, "landrelease", "/o/t",
	                       2, &argv, &err);
	joined[0] = '\0';
	for (char **a = argv; a && *a; a++) {
		strcat(joined, *a);
		strcat(joined, a[1] ? " " : "");
	}
	lr_test_ok(rc == LR_OK &&
	                   !strcmp(joined, "landrelease plan /o/t "
	                                   "--target 2031-12-31 --history "
	                                   "/data/published/bih.csv"),
	           "plan argv has no --threads: '%s'", joined);
	lr_cli_batch_argv_free(argv);

	/* Hash: settings matter, order of runs does not. */
	uint64_t h0 = 0, h1 = 0, h0b = 1;
	lr_test_ok(lr_batch_run_hash(&m->runs[0], NULL, &h0, &err) == LR_OK &&
	                   lr_batch_run_hash(&m->runs[1], NULL, &h1, &err) ==
	                           LR_OK &&
	                   lr_batch_run_hash(&m->runs[0], NULL, &h0b, &err) ==
	                           LR_OK,
	           "hash of runs whose inputs are missing: the strings only");
	lr_test_ok(h0 == h0b && h0 != h1,
	           "same settings same hash, other settings other hash");
	lr_manifest_free(m);
}

static void test_errors(void)
{
	expect_error("[defaults]\ndataset = a.gpkg\n[run a]\nfrobnicate = 1\n",
	             "m.ini:4: unknown key 'frobnicate'",
	             "unknown key, line 4");
	expect_error("[defaults]\ndataset = a.gpkg\n[run a]\n[run b]\n\n[run "
	             "a]\n",
	             "m.ini:6: duplicate run name 'a' (first at line 3)",
	             "duplicate run name names both lines");
	expect_error("[run a]\ndataset = a.gpkg\ndeadline = 2030-02-30\n",
	             "m.ini:3: deadline '2030-02-30' is not a date",
	             "impossible date");
	expect_error("[defaults]\nas_of = 31/12/2024\n[run a]\ndataset = x\n",
	             "m.ini:2: as_of '31/12/2024' is not a date",
	             "bad date in [defaults] names its line");
	expect_error("[run a]\ndataset = a.gpkg\nwindow = 0\n",
	             "m.ini:3: window '0'", "window out of range");
	expect_error("[run a]\ndataset = a.gpkg\nscope = AP,XY\n",
	             "m.ini:3: scope 'AP,XY'", "bad scope");
	expect_error("[run a]\ndataset = a.gpkg\nseed = -1\n",
	             "m.ini:3: seed '-1'", "negative seed");
	expect_error("[run a]\ndataset = a.gpkg\nconfidence = 1.5\n",
	             "m.ini:3: confidence", "confidence above 1");
	expect_error("[run ../escape]\ndataset = a.gpkg\n",
	             "m.ini:1: run name '../escape' is not a safe folder name",
	             "a run name with a slash is refused");
	expect_error("[run a b]\ndataset = a.gpkg\n", "m.ini:1: run name 'a b'",
	             "a run name with a space is refused");
	expect_error("[run summary.csv]\ndataset = a.gpkg\n",
	             "m.ini:1: run name 'summary.csv'",
	             "a run name that would clash with the summary is refused");
	expect_error("[run .hidden]\ndataset = a.gpkg\n", "m.ini:1: run name",
	             "a hidden run name is refused");
	expect_error("[defaults]\ndataset = a.gpkg\n[runs x]\n",
	             "m.ini:3: unknown section [runs x]", "unknown section");
	expect_error("dataset = a.gpkg\n[run a]\n",
	             "m.ini:1: 'dataset' is outside any section",
	             "key before any section");
	expect_error("[run a]\ndataset = a.gpkg\ndataset = b.gpkg\n",
	             "m.ini:3: 'dataset' is set twice in this section (first "
	             "at line 2)",
	             "key set twice in a section");
	expect_error("[defaults]\ndataset = a.gpkg\n", "no [run NAME] section",
	             "a manifest with no run");
	expect_error("[defaults]\ndeadline = 2030-12-31\n\n[run a]\nregions = "
	             "r.shp\n",
	             "m.ini:4: run 'a' has no input",
	             "a run with no dataset names its header line");
	expect_error("[run a]\ndataset = a.gpkg\nthis line has no equals\n",
	             "m.ini:3:", "a line that is not key = value");
	expect_error("[run a\ndataset = a.gpkg\n", "m.ini:1: section header",
	             "unclosed section header");
	expect_error("[run a]\ndataset = a.gpkg\nas_of = 2025-01-01\nbaseline "
	             "= 2025-06-01\n",
	             "m.ini:1: run 'a': baseline 2025-06-01 is after as_of",
	             "baseline after as_of");
	char longline[400];
	snprintf(longline, sizeof longline, "[run a]\ndataset = %0250d\n", 7);
	expect_error(longline, "m.ini:2: line longer than",
	             "an over-long line is refused, not split");
	expect_error("[defaults]\ndataset = a\n[defaults]\n[run a]\n",
	             "m.ini:3: second [defaults] section (first at line 1)",
	             "two [defaults] sections");
}

/* A header may be padded inside its brackets; the run name is what is
** left. */
static void test_headers(void)
{
	lr_error err;
	lr_error_clear(&err);
	lr_manifest *m = NULL;
	int rc = lr_manifest_parse("[run a]\ndataset = a.gpkg\n[ run \tb2 "
	                           "]\r\ndataset = b.gpkg\n  [defaults]\n",
	                           "m.ini", "/d", &m, &err);
	lr_test_ok(rc == LR_OK && m && m->n_runs == 2 &&
	                   !strcmp(m->runs[1].name, "b2") &&
	                   m->runs[1].line == 3,
	           "padded header with CRLF: run 'b2' at line 3 (%s)", err.msg);
	lr_manifest_free(m);
}

static void test_names(void)
{
	lr_test_ok(lr_batch_name_ok("ABC_def-1.5x"), "letters digits _ - .");
	lr_test_ok(!lr_batch_name_ok(""), "empty name refused");
	lr_test_ok(!lr_batch_name_ok("a/b"), "slash refused");
	lr_test_ok(!lr_batch_name_ok("x.log"), "'.log' refused (run logs)");
	lr_test_ok(!lr_batch_name_ok("-x"), "leading '-' refused");
	char big[LR_BATCH_NAME_MAX + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	lr_test_ok(!lr_batch_name_ok(big), "over-long name refused");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
}

/* Files on disk: loading, hashing of file contents, sidecars and folders,
** the marker and the summary reader. */
static void test_files(void)
{
	char dir[] = "/tmp/lr-manifest-XXXXXX";
	if (!mkdtemp(dir)) {
		lr_test_ok(0, "mkdtemp");
		return;
	}
	char p[512], sub[512];
	snprintf(p, sizeof p, "%s/m.ini", dir);
	write_file(p, "[defaults]\ndataset = d.shp\n[run a]\n"
	              "[run b]\ndataset = folder\n[run c]\ndataset = d.shp\n"
	              "scenario = s.ini\n");
	snprintf(sub, sizeof sub, "%s/d.shp", dir);
	write_file(sub, "shapes");
	snprintf(sub, sizeof sub, "%s/d.dbf", dir);
	write_file(sub, "attributes");
	snprintf(sub, sizeof sub, "%s/s.ini", dir);
	write_file(sub, "[national]\ncapacity = 1\n");
	snprintf(sub, sizeof sub, "%s/folder", dir);
	mkdir(sub, 0777);
	snprintf(sub, sizeof sub, "%s/folder/x.geojson", dir);
	write_file(sub, "{}");

	lr_manifest *m = NULL;
	lr_error err;
	lr_error_clear(&err);
	int rc = lr_manifest_load(p, &m, &err);
	if (!lr_test_ok(rc == LR_OK && m, "load a manifest from disk"))
		printf("#   %s\n", err.msg);
	if (!m)
		goto done;
	char want[600];
	snprintf(want, sizeof want, "%s/d.shp", dir);
	lr_test_ok(!strcmp(m->runs[0].value[LR_BK_DATASET], want),
	           "relative to the manifest's folder, absolute (%s)",
	           m->runs[0].value[LR_BK_DATASET]);

	lr_batch_hash_cache *cache = lr_batch_hash_cache_new();
	uint64_t a0, b0, c0, a1, b1, c1, a2;
	rc = lr_batch_run_hash(&m->runs[0], cache, &a0, &err) |
	     lr_batch_run_hash(&m->runs[1], cache, &b0, &err) |
	     lr_batch_run_hash(&m->runs[2], cache, &c0, &err);
	lr_test_ok(rc == LR_OK, "hash runs with files");
	lr_test_ok(a0 != c0, "a scenario file changes the hash");
	/* A sidecar changes: a run of the shapefile changes, the folder run
	** does not.  (The cache is keyed on size and mtime too.) */
	sleep(1);
	snprintf(sub, sizeof sub, "%s/d.dbf", dir);
	write_file(sub, "attributes, edited");
	lr_batch_hash_cache_free(cache);
	cache = lr_batch_hash_cache_new();
	rc = lr_batch_run_hash(&m->runs[0], cache, &a1, &err) |
	     lr_batch_run_hash(&m->runs[1], cache, &b1, &err) |
	     lr_batch_run_hash(&m->runs[2], cache, &c1, &err);
	lr_test_ok(rc == LR_OK && a1 != a0 && c1 != c0,
	           "editing d.dbf changes the hash of runs reading d.shp");
	lr_test_ok(b1 == b0, "... and not of the run reading another input");
	snprintf(sub, sizeof sub, "%s/folder/y.geojson", dir);
	write_file(sub, "{}");
	lr_batch_run_hash(&m->runs[1], cache, &b1, &err);
	lr_test_ok(b1 != b0, "a new file in a folder dataset changes its hash");
	lr_batch_run_hash(&m->runs[0], cache, &a2, &err);
	lr_test_ok(a2 == a1, "hashing twice gives the same hash");
	lr_batch_hash_cache_free(cache);

	/* Marker. */
	lr_batch_marker mk = {0x0123456789abcdefULL, 12.5}, back = {0, 0};
	lr_test_ok(lr_batch_marker_write(dir, &mk, &err) == LR_OK &&
	                   lr_batch_marker_read(dir, &back) &&
	                   back.hash == mk.hash && back.seconds == 12.5,
	           "marker written and read back");

	/* The summary reader on hand-made tables. */
	snprintf(sub, sizeof sub, "%s/remaining_by_region.csv", dir);
	write_file(sub, "region_id,region_name,sha_count,sha_m2,cha_count,"
	                "cha_m2,total_count,total_m2\r\n"
	                "D1,\"North, upper\",1,10.00,1,5.50,2,15.50\r\n"
	                "TOTAL,National total,1,10.00,1,5.50,2,15.50\r\n");
	snprintf(sub, sizeof sub, "%s/release_by_year.csv", dir);
	write_file(sub, "year,region_id,new_m2,cancelled_m2,reduced_m2,"
	                "cleared_m2,released_m2,remaining_end_m2,ap_mines,"
	                "av_mines,erw\n"
	                "2023,TOTAL,0,0,0,0,7.00,0,0,0,0\n"
	                "2024,D1,0,0,0,0,3.25,0,0,0,0\n"
	                "2024,TOTAL,0,0,0,0,3.25,0,0,0,0\n");
	lr_batch_row row;
	memset(&row, 0, sizeof row);
	rc = lr_batch_row_read(dir, &row, &err);
	lr_test_ok(rc != LR_OK && strstr(err.msg, "landrelease.sqlite"),
	           "summary reader: a missing store is named (%s)", err.msg);
	lr_test_ok(
	        !strcmp(row.remaining_m2, "15.50") &&
	                !strcmp(row.sha_m2, "10.00") &&
	                !strcmp(row.cha_m2, "5.50"),
	        "remaining figures from the TOTAL row (quoted fields, CRLF)");
	lr_test_ok(!strcmp(row.released_last_year_m2, "3.25"),
	           "released in the last year's TOTAL row (%s)",
	           row.released_last_year_m2);
	lr_test_ok(row.p50_date[0] == '\0',
	           "no completion.csv: projection columns empty");

	/* A store without ingest_counts: the reader names the table, and
	** with it the rejected features are read. */
	snprintf(sub, sizeof sub, "%s/landrelease.sqlite", dir);
	sqlite3 *db = NULL;
	if (sqlite3_open(sub, &db) == SQLITE_OK)
		sqlite3_exec(db, "CREATE TABLE meta(key TEXT, value TEXT)",
		             NULL, NULL, NULL);
	rc = lr_batch_row_read(dir, &row, &err);
	lr_test_ok(rc == LR_ERR_INPUT && strstr(err.msg, sub) &&
	                   strstr(err.msg, "ingest_counts"),
	           "summary reader: a store without ingest_counts (%s)",
	           err.msg);
	if (db)
		sqlite3_exec(db,
		             "CREATE TABLE ingest_counts(layer TEXT, rejected "
		             "INTEGER); INSERT INTO ingest_counts VALUES "
		             "('hazards', 2), ('releases', NULL)",
		             NULL, NULL, NULL);
	sqlite3_close(db);
	rc = lr_batch_row_read(dir, &row, &err);
	lr_test_ok(rc == LR_OK && !strcmp(row.rejected_features, "2"),
	           "summary reader: rejected features from the store (%s)",
	           row.rejected_features);
	(void)unlink(sub);

	lr_batch_row rows[2];
	memset(rows, 0, sizeof rows);
	strcpy(rows[0].run, "a");
	rows[0].ok = true;
	strcpy(rows[0].remaining_m2, "15.50");
	rows[0].seconds = 1.234;
	strcpy(rows[1].run, "b");
	strcpy(rows[1].error, "landrelease analyze: x.gpkg, \"missing\"");
	char csv[600], md[600];
	snprintf(csv, sizeof csv, "%s/summary.csv", dir);
	snprintf(md, sizeof md, "%s/summary.md", dir);
	rc = lr_batch_summary_write(rows, 2, csv, md, &err);
	FILE *f = fopen(csv, "r");
	char text[2048] = "";
	size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
	text[n] = '\0';
	if (f)
		fclose(f);
	lr_test_ok(rc == LR_OK &&
	                   !strcmp(text,
	                           "run,status,remaining_m2,sha_m2,cha_m2,"
	                           "released_last_year_m2,p50_date,p90_date,"
	                           "deadline,p_on_time,extension_years,"
	                           "rejected_features,seconds,error\n"
	                           "a,ok,15.50,,,,,,,,,,1.23,\n"
	                           "b,failed,,,,,,,,,,,0.00,\"landrelease "
	                           "analyze: x.gpkg, \"\"missing\"\"\"\n"),
	           "summary.csv: columns, error last and quoted");
	lr_test_ok(access(md, F_OK) == 0, "summary.md written");
	lr_manifest_free(m);
done:;
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
}

/* ---- The runner, with /bin/sh for the program ---- */

/* What the runner reported, for the checks. */
typedef struct seen {
	char tpl[512]; /* the files a successful analyze step copies */
	int ended, last_done, last_total, skipped;
	char error[3][512]; /* by run index: the error reported, or "ok" */
	int threads;        /* as given to the argv hook */
} seen;

static int run_index(const char *name)
{
	return !strcmp(name, "one") ? 0 : !strcmp(name, "two") ? 1 : 2;
}

/* Run "one" analyses by copying s->tpl and noting how OpenMP would wait;
** the project step of "two" fails with a message; "three" cannot have a
** command line at all. */
static int fake_argv(void *user, const lr_batch_run *r, lr_batch_step step,
                     const char *out_dir, int threads, char ***argv,
                     lr_error *err)
{
	seen *s = user;
	s->threads = threads;
	if (!strcmp(r->name, "three"))
		return lr_error_set(err, LR_ERR_NOMEM, "no command for three");
	const char *script = step == LR_STEP_ANALYZE
	                             ? "cp \"$0\"/* \"$1\" && printf %s "
	                               "\"${OMP_WAIT_POLICY-unset}\" "
	                               ">\"$1/wait_policy\""
	                             : "echo working; echo 'no deadline "
	                               "model' >&2; exit 3";
	const char *v[] = {"sh", "-c", script, s->tpl, out_dir, NULL};
	char **a = calloc(6, sizeof *a);
	for (int i = 0; a && i < 5; i++)
		a[i] = lr_strdup(v[i]);
	*argv = a;
	return a ? LR_OK : lr_error_set(err, LR_ERR_NOMEM, "out of memory");
}

static void fake_argv_free(void *user, char **argv)
{
	(void)user;
	for (int i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

static void on_ended(void *user, const lr_batch_row *r, int done, int total,
                     bool skipped)
{
	seen *s = user;
	s->ended++;
	s->last_done = done;
	s->last_total = total;
	s->skipped += skipped;
	snprintf(s->error[run_index(r->run)], sizeof s->error[0], "%s",
	         r->ok ? "ok" : r->error);
}

/* A finished analysis to copy: the two CSVs and the store the summary
** reads. */
static void write_template(const char *tpl)
{
	char p[600];
	mkdir(tpl, 0777);
	snprintf(p, sizeof p, "%s/remaining_by_region.csv", tpl);
	write_file(p, "region_id,total_m2,sha_m2,cha_m2\n"
	              "R1,600.00,100.00,500.00\nTOTAL,1000.00,200.00,800.00\n");
	snprintf(p, sizeof p, "%s/release_by_year.csv", tpl);
	write_file(p, "year,region_id,released_m2\n2024,TOTAL,50.00\n");
	snprintf(p, sizeof p, "%s/landrelease.sqlite", tpl);
	sqlite3 *db = NULL;
	if (sqlite3_open(p, &db) == SQLITE_OK)
		sqlite3_exec(db,
		             "CREATE TABLE ingest_counts(rejected INTEGER);"
		             "INSERT INTO ingest_counts VALUES (3), (1);",
		             NULL, NULL, NULL);
	sqlite3_close(db);
}

/* 1 when dir holds an entry whose name contains part. */
static int has_entry(const char *dir, const char *part)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;
	while (d && (e = readdir(d)))
		found |= strstr(e->d_name, part) != NULL;
	if (d)
		closedir(d);
	return found;
}

static int execute(const lr_manifest *m, lr_batch_options *o, seen *s,
                   lr_batch_totals *t)
{
	lr_batch_hooks hooks = {.argv = fake_argv,
	                        .argv_free = fake_argv_free,
	                        .run_ended = on_ended,
	                        .user = s};
	lr_error err;
	lr_error_clear(&err);
	s->ended = s->skipped = 0;
	int rc = lr_batch_execute(m, o, &hooks, t, &err);
	if (rc != LR_OK)
		printf("#   %s\n", err.msg);
	return rc;
}

/* 1 when DIR/one/wait_policy, written by the run's step, holds want. */
static int run_one_waits(const char *out, const char *want)
{
	char p[700];
	snprintf(p, sizeof p, "%s/one/wait_policy", out);
	char *got = lr_test_slurp(p);
	int same = got && !strcmp(got, want);
	if (!same)
		printf("#   %s: %s, not %s\n", p, got ? got : "missing", want);
	free(got);
	return same;
}

/* The steps' OpenMP threads sleep while waiting unless the user chose:
** runs anew (out was run once by test_runner without a choice). */
static void test_wait_policy(const lr_manifest *m, lr_batch_options *o, seen *s,
                             const char *out)
{
	lr_batch_totals t;
	lr_test_ok(run_one_waits(out, "passive"),
	           "a step's OpenMP threads wait passively by default");
	char again[700];
	snprintf(again, sizeof again, "%s.active", out);
	o->out = again;
	o->summary_only = false;
	setenv("OMP_WAIT_POLICY", "active", 1);
	execute(m, o, s, &t);
	lr_test_ok(run_one_waits(again, "active"),
	           "the user's OMP_WAIT_POLICY reaches the steps unchanged");
	unsetenv("OMP_WAIT_POLICY");
	setenv("GOMP_SPINCOUNT", "1000", 1);
	snprintf(again, sizeof again, "%s.spin", out);
	execute(m, o, s, &t);
	lr_test_ok(run_one_waits(again, "unset"),
	           "nor is it set when the user chose GOMP_SPINCOUNT");
	unsetenv("GOMP_SPINCOUNT");
	o->out = out;
}

/* lr_batch_execute(): a run that succeeds, one that copies its group's
** analysis and then fails, one without a command line; then --resume and
** --summary-only over what they left. */
static void test_runner(void)
{
	char dir[] = "/tmp/lr-runner-XXXXXX";
	if (!mkdtemp(dir)) {
		lr_test_ok(0, "mkdtemp");
		return;
	}
	seen s = {0};
	char p[700], out[600];
	unsetenv("OMP_WAIT_POLICY"); /* as most users run it */
	unsetenv("GOMP_SPINCOUNT");
	snprintf(s.tpl, sizeof s.tpl, "%s/tpl", dir);
	write_template(s.tpl);
	snprintf(p, sizeof p, "%s/m.ini", dir);
	write_file(p, "[defaults]\ndataset = d.gpkg\n[run one]\n"
	              "[run two]\ndeadline = 2030-12-31\n"
	              "[run three]\ndataset = other.gpkg\n");
	snprintf(out, sizeof out, "%s/runs", dir);
	lr_manifest *m = NULL;
	lr_error err;
	lr_error_clear(&err);
	if (!lr_test_ok(lr_manifest_load(p, &m, &err) == LR_OK,
	                "load the runner's manifest (%s)", err.msg))
		return;
	lr_batch_options o = {.out = out, .program = "/bin/sh", .jobs = 2};
	lr_batch_totals t;
	int rc = execute(m, &o, &s, &t);
	lr_test_ok(rc == LR_OK && t.selected == 3 && t.failed == 2 &&
	                   t.skipped == 0,
	           "3 runs, 2 failed (rc %d, %d, %d)", rc, t.selected,
	           t.failed);
	lr_test_ok(s.ended == 3 && s.last_done == 3 && s.last_total == 3 &&
	                   s.threads >= 1,
	           "each run reported once as it ended (%d)", s.ended);
	lr_test_ok(!strcmp(s.error[0], "ok"), "run one ok (%s)", s.error[0]);
	lr_test_ok(!strcmp(s.error[1], "no deadline model"),
	           "a failed step: the last line it printed (%s)", s.error[1]);
	lr_test_ok(!strcmp(s.error[2], "no command for three"),
	           "no command line: the hook's message (%s)", s.error[2]);
	snprintf(p, sizeof p, "%s/one/" LR_BATCH_MARKER, out);
	lr_test_ok(access(p, F_OK) == 0, "run one's folder and its marker");
	snprintf(p, sizeof p, "%s/two", out);
	lr_test_ok(access(p, F_OK) != 0, "no folder for the failed run two");
	lr_test_ok(!has_entry(out, ".tmp.") && !has_entry(out, ".analyses."),
	           "no temporary or shared folder left");
	snprintf(p, sizeof p, "%s/two.log", out);
	char *log = lr_test_slurp(p);
	lr_test_ok(log &&
	                   strstr(log, "(not run: its outputs are those of run "
	                               "one") &&
	                   strstr(log, "\nlandrelease batch: failed after "),
	           "run two copied one's analysis, its log ends with the "
	           "failure");
	free(log);
	snprintf(p, sizeof p, "%s/summary.csv", out);
	char *csv = lr_test_slurp(p);
	lr_test_ok(csv && strstr(csv, "one,ok,1000.00,200.00,800.00,50.00") &&
	                   strstr(csv, "no deadline model") &&
	                   !strcmp(t.summary_csv, p),
	           "summary.csv: run one's figures, run two's error");
	free(csv);

	o.resume = true;
	rc = execute(m, &o, &s, &t);
	lr_test_ok(rc == LR_OK && t.skipped == 1 && s.skipped == 1 &&
	                   t.failed == 2 && s.ended == 3,
	           "--resume skips the finished run only (%d skipped)",
	           t.skipped);
	o.resume = false;
	o.summary_only = true;
	rc = execute(m, &o, &s, &t);
	snprintf(p, sizeof p, "%s/summary.csv", out);
	csv = lr_test_slurp(p);
	lr_test_ok(rc == LR_OK && t.failed == 2 && s.ended == 0 && csv &&
	                   strstr(csv, "no command for three"),
	           "--summary-only runs nothing and reads the errors back");
	free(csv);
	test_wait_policy(m, &o, &s, out);
	lr_manifest_free(m);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cannot remove %s\n", dir);
}

int main(void)
{
	test_inheritance();
	test_errors();
	test_headers();
	test_names();
	test_files();
	test_runner();
	lr_test_ok(lr_fnv1a64(LR_FNV1A64_INIT, "a", 1) == 0xaf63dc4c8601ec8cULL,
	           "FNV-1a 64 of 'a' is the published value");
	return lr_test_done();
}
