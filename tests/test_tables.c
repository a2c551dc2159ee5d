/*
** lr_tables_write: the exact CSV texts, TOTAL and OUTSIDE rows, RFC 4180
** quoting, byte-identical rewrites and failures that leave no partial file.
*/
#include "lr_engine.h"
#include "lr_test.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static int file_is(const char *dir, const char *name, const char *want)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	char *got = lr_test_slurp(path);
	int ok = got && strcmp(got, want) == 0;
	if (!ok)
		printf("# %s:\n# got:\n%s\n# want:\n%s\n", name,
		       got ? got : "(missing)", want);
	free(got);
	return ok;
}

static int exists(const char *dir, const char *name)
{
	char path[1024];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

/* Number of entries of dir whose name holds ".tmp". */
static int count_tmp(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp"))
			n++;
	closedir(d);
	return n;
}

static void add_region(lr_dataset *d, const char *id, const char *name)
{
	lr_region g = {.id = strdup(id), .name = strdup(name), .fid = -1};
	lr_vec_push(&d->regions, &g);
}

/*
** Two regions, two years, three findings.  Every figure is chosen so that a
** wrong column, a wrong sum or a dropped row shows.
*/
static void fixture(lr_dataset *d, lr_result *r, lr_remaining_row *rem,
                    lr_remaining_row *base, lr_year_row *years)
{
	lr_dataset_init(d);
	add_region(d, "D1", "District One");
	add_region(d, "D2", "Dist, \"Two\"");
	memset(r, 0, sizeof *r);
	r->as_of = lr_date_from_ymd(2020, 12, 31);
	r->baseline = LR_DATE_NONE;
	r->scope = LR_CONT_ALL;
	r->n_regions = 2;
	r->first_year = 2019;
	r->last_year = 2020;
	lr_vec_init(&r->faces, sizeof(lr_face));

	/* part[] is AP, AV, ERW, mixed */
	rem[0] = (lr_remaining_row){.sha_count = 2,
	                            .sha = 150000,
	                            .cha_count = 1,
	                            .cha = 2550,
	                            .part = {100000, 0, 2550, 50000}};
	rem[1] = (lr_remaining_row){.sha_count = 0,
	                            .sha = 0,
	                            .cha_count = 1,
	                            .cha = 1000001,
	                            .part = {0, 0, 0, 1000001}};
	rem[2] = (lr_remaining_row){.sha_count = 1,
	                            .sha = 7,
	                            .cha_count = 0,
	                            .cha = 0,
	                            .part = {0, 0, 7, 0}};
	r->remaining = rem;

	base[0] = (lr_remaining_row){.sha = 200000, .cha = 0};
	base[1] = (lr_remaining_row){.sha = 1, .cha = 99};
	base[2] = (lr_remaining_row){.sha = 3, .cha = 0};
	r->baseline_remaining = NULL;

	/* years[y * 3 + region]; released[] is cleared, reduced, cancelled */
	years[0] = (lr_year_row){.new_land = 400000,
	                         .released = {10000, 20000, 30000},
	                         .remaining_end = 340000,
	                         .reclassified = 5000,
	                         .sha_end = 300000,
	                         .cha_end = 40000,
	                         .sha_count_end = 3,
	                         .cha_count_end = 1,
	                         .ap_mines = 5,
	                         .ap_improvised = 1,
	                         .av_mines = 1,
	                         .erw = 2};
	years[1] = (lr_year_row){.new_land = 1000001,
	                         .remaining_end = 1000001,
	                         .cha_end = 1000001,
	                         .cha_count_end = 1};
	years[2] = (lr_year_row){.new_land = 7,
	                         .remaining_end = 7,
	                         .sha_end = 7,
	                         .sha_count_end = 1};
	years[3] = (lr_year_row){.new_land = 0,
	                         .released = {187450, 0, 0},
	                         .remaining_end = 152550,
	                         .sha_end = 150000,
	                         .cha_end = 2550,
	                         .sha_count_end = 2,
	                         .cha_count_end = 1,
	                         .ap_mines = 12,
	                         .ap_improvised = 4};
	years[4] = (lr_year_row){.remaining_end = 1000001,
	                         .cha_end = 1000001,
	                         .cha_count_end = 1,
	                         .erw = 3};
	years[5] = (lr_year_row){
	        .remaining_end = 7, .sha_end = 7, .sha_count_end = 1};
	r->years = years;

	lr_quality_add(
	        &d->quality, LR_SEV_WARNING, "release_outside_hazard",
	        "releases", 12, "R-7", 12345,
	        "release R-7, cleared: 123.45 m2 \"outside\", no hazard");
	lr_quality_add(&d->quality, LR_SEV_ERROR, "missing_layer", "", -1, "",
	               -1, "plain message");
	lr_quality_add(&d->quality, LR_SEV_INFO, "repaired_geometry", "hazards",
	               0, "H-1", 0, "line one\nline two");
}

static const char WANT_REMAINING[] =
        "region_id,region_name,sha_count,sha_m2,cha_count,cha_m2,total_count,"
        "total_m2,ap_m2,av_m2,erw_m2,mixed_m2\n"
        "D1,District "
        "One,2,1500.00,1,25.50,3,1525.50,1000.00,0.00,25.50,500.00\n"
        "D2,\"Dist, \"\"Two\"\"\",0,0.00,1,10000.01,1,10000.01,0.00,0.00,"
        "0.00,10000.01\n"
        "TOTAL,National total,2,1500.00,2,10025.51,4,11525.51,1000.00,0.00,"
        "25.50,10500.01\n";

static const char WANT_REMAINING_OUT[] =
        "region_id,region_name,sha_count,sha_m2,cha_count,cha_m2,total_count,"
        "total_m2,ap_m2,av_m2,erw_m2,mixed_m2\n"
        "D1,District "
        "One,2,1500.00,1,25.50,3,1525.50,1000.00,0.00,25.50,500.00\n"
        "D2,\"Dist, \"\"Two\"\"\",0,0.00,1,10000.01,1,10000.01,0.00,0.00,"
        "0.00,10000.01\n"
        "OUTSIDE,(land in no region),1,0.07,0,0.00,1,0.07,0.00,0.00,0.07,0.00\n"
        "TOTAL,National total,3,1500.07,2,10025.51,5,11525.58,1000.00,0.00,"
        "25.57,10500.01\n";

static const char WANT_YEARS[] =
        "year,region_id,new_m2,cancelled_m2,reduced_m2,cleared_m2,released_m2,"
        "remaining_end_m2,ap_mines,av_mines,erw,reclassified_m2,sha_end_m2,"
        "cha_end_m2,sha_count_end,cha_count_end,ap_improvised_mines\n"
        "2019,D1,4000.00,300.00,200.00,100.00,600.00,3400.00,5,1,2,50.00,"
        "3000.00,400.00,3,1,1\n"
        "2019,D2,10000.01,0.00,0.00,0.00,0.00,10000.01,0,0,0,0.00,0.00,"
        "10000.01,0,1,0\n"
        "2019,TOTAL,14000.01,300.00,200.00,100.00,600.00,13400.01,5,1,2,50.00,"
        "3000.00,10400.01,3,2,1\n"
        "2020,D1,0.00,0.00,0.00,1874.50,1874.50,1525.50,12,0,0,0.00,1500.00,"
        "25.50,2,1,4\n"
        "2020,D2,0.00,0.00,0.00,0.00,0.00,10000.01,0,0,3,0.00,0.00,10000.01,0,"
        "1,0\n"
        "2020,TOTAL,0.00,0.00,0.00,1874.50,1874.50,11525.51,12,0,3,0.00,"
        "1500.00,10025.51,2,2,4\n";

static const char WANT_YEARS_OUT[] =
        "year,region_id,new_m2,cancelled_m2,reduced_m2,cleared_m2,released_m2,"
        "remaining_end_m2,ap_mines,av_mines,erw,reclassified_m2,sha_end_m2,"
        "cha_end_m2,sha_count_end,cha_count_end,ap_improvised_mines\n"
        "2019,D1,4000.00,300.00,200.00,100.00,600.00,3400.00,5,1,2,50.00,"
        "3000.00,400.00,3,1,1\n"
        "2019,D2,10000.01,0.00,0.00,0.00,0.00,10000.01,0,0,0,0.00,0.00,"
        "10000.01,0,1,0\n"
        "2019,OUTSIDE,0.07,0.00,0.00,0.00,0.00,0.07,0,0,0,0.00,0.07,0.00,1,0,"
        "0\n"
        "2019,TOTAL,14000.08,300.00,200.00,100.00,600.00,13400.08,5,1,2,50.00,"
        "3000.07,10400.01,4,2,1\n"
        "2020,D1,0.00,0.00,0.00,1874.50,1874.50,1525.50,12,0,0,0.00,1500.00,"
        "25.50,2,1,4\n"
        "2020,D2,0.00,0.00,0.00,0.00,0.00,10000.01,0,0,3,0.00,0.00,10000.01,0,"
        "1,0\n"
        "2020,OUTSIDE,0.00,0.00,0.00,0.00,0.00,0.07,0,0,0,0.00,0.07,0.00,1,0,"
        "0\n"
        "2020,TOTAL,0.00,0.00,0.00,1874.50,1874.50,11525.58,12,0,3,0.00,"
        "1500.07,10025.51,3,2,4\n";

static const char WANT_QUALITY[] =
        "severity,code,layer,feature_id,record_id,area_m2,message\n"
        "warning,release_outside_hazard,releases,12,R-7,123.45,"
        "\"release R-7, cleared: 123.45 m2 \"\"outside\"\", no hazard\"\n"
        "error,missing_layer,,,,,plain message\n"
        "info,repaired_geometry,hazards,0,H-1,0.00,\"line one\nline two\"\n";

static const char WANT_BASELINE_OUT[] =
        "region_id,region_name,sha_m2,cha_m2,total_m2\n"
        "D1,District One,2000.00,0.00,2000.00\n"
        "D2,\"Dist, \"\"Two\"\"\",0.01,0.99,1.00\n"
        "OUTSIDE,(land in no region),0.03,0.00,0.03\n"
        "TOTAL,National total,2000.04,0.99,2001.03\n";

/* D2's parent P1 is no region; D1 has no parent: level 1 holds D1 and
** P1, level 2 D1 again (its own land) and D2. */
static const char WANT_REMAINING_LEVEL[] =
        "level,parent_id,region_id,region_name,sha_count,sha_m2,cha_count,"
        "cha_m2,total_count,total_m2,ap_m2,av_m2,erw_m2,mixed_m2\n"
        "1,,D1,District "
        "One,2,1500.00,1,25.50,3,1525.50,1000.00,0.00,25.50,500.00\n"
        "1,,P1,P1,0,0.00,1,10000.01,1,10000.01,0.00,0.00,0.00,10000.01\n"
        "2,,D1,District "
        "One,2,1500.00,1,25.50,3,1525.50,1000.00,0.00,25.50,500.00\n"
        "2,P1,D2,\"Dist, \"\"Two\"\"\",0,0.00,1,10000.01,1,10000.01,0.00,"
        "0.00,0.00,10000.01\n"
        ",,TOTAL,National total,2,1500.00,2,10025.51,4,11525.51,1000.00,"
        "0.00,25.50,10500.01\n";

static const char WANT_YEARS_LEVEL_2020[] =
        "1,,2020,P1,0.00,0.00,0.00,0.00,0.00,10000.01,0,0,3,0.00,0.00,"
        "10000.01,0,1,0\n";

/* The levels of the fixture's two regions, by hand (rows as above). */
static void levels_fixture(lr_result *r, lr_levels *lv, lr_level_node *nodes,
                           lr_level_row *rows, lr_remaining_row *rem,
                           lr_year_row *years)
{
	static const int leaf[4] = {0, 1, 0, 1};
	nodes[0] = (lr_level_node){"D1", "District One", -1, 1, 0};
	nodes[1] = (lr_level_node){"D2", "Dist, \"Two\"", 2, 2, 1};
	nodes[2] = (lr_level_node){"P1", "P1", -1, 1, -1};
	rows[0] = (lr_level_row){1, 0, false};
	rows[1] = (lr_level_row){1, 2, false};
	rows[2] = (lr_level_row){2, 0, true};
	rows[3] = (lr_level_row){2, 1, false};
	for (int i = 0; i < 4; i++) {
		rem[i] = r->remaining[leaf[i]];
		for (int y = 0; y < 2; y++)
			years[y * 4 + i] = r->years[y * 3 + leaf[i]];
	}
	*lv = (lr_levels){2, 3, 4, nodes, rows, rem, years};
	r->levels = lv;
}

static const char *const NAMES[] = {"remaining_by_region.csv",
                                    "release_by_year.csv", "data_quality.csv",
                                    "baseline_by_region.csv"};

/* Contents of the four files of dir (missing ones NULL); caller frees. */
static void snapshot(const char *dir, char *out[4])
{
	for (int i = 0; i < 4; i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, NAMES[i]);
		out[i] = lr_test_slurp(path);
	}
}

static int same_snapshot(char *a[4], char *b[4])
{
	for (int i = 0; i < 4; i++)
		if ((a[i] == NULL) != (b[i] == NULL) ||
		    (a[i] && strcmp(a[i], b[i]) != 0))
			return 0;
	return 1;
}

static void free_snapshot(char *s[4])
{
	for (int i = 0; i < 4; i++)
		free(s[i]);
}

static void rm_rf(const char *path)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", path);
}

int main(void)
{
	char root[] = "/tmp/lr_test_tables.XXXXXX";
	if (!mkdtemp(root))
		lr_test_skip_all("cannot create a temporary directory");
	char dir[512];
	snprintf(dir, sizeof dir, "%s/out/nested", root);

	lr_dataset d;
	lr_result r;
	lr_remaining_row rem[3], base[3];
	lr_year_row years[6];
	fixture(&d, &r, rem, base, years);
	lr_error err = {0};

	/* No land outside regions, no baseline. */
	int rc = lr_tables_write(&d, &r, dir, &err);
	lr_test_ok(rc == LR_OK, "write into a new nested dir (%s)", err.msg);
	lr_test_ok(file_is(dir, "remaining_by_region.csv", WANT_REMAINING),
	           "remaining_by_region.csv exact, no OUTSIDE row");
	lr_test_ok(file_is(dir, "release_by_year.csv", WANT_YEARS),
	           "release_by_year.csv exact: method order, TOTAL per year");
	lr_test_ok(file_is(dir, "data_quality.csv", WANT_QUALITY),
	           "data_quality.csv exact: quoting, empty feature_id/area");
	lr_test_ok(!exists(dir, "baseline_by_region.csv"),
	           "no baseline_by_region.csv without a baseline");
	lr_test_ok(count_tmp(dir) == 0, "no temporary file left");

	/* Completion: D2 holds no land any more, D1 holds a previously
	** unknown area recorded after the nation's completion. */
	lr_completion_row comp[4] = {
	        {LR_DATE_NONE, lr_date_from_ymd(2020, 6, 1), 1, 12345},
	        {lr_date_from_ymd(2019, 3, 2), lr_date_from_ymd(2019, 3, 2), 0,
	         0},
	        {LR_DATE_NONE, LR_DATE_NONE, 0, 0},
	        {lr_date_from_ymd(2019, 3, 2), lr_date_from_ymd(2020, 6, 1), 1,
	         12345}};
	lr_remaining_row d2 = rem[1];
	rem[1] = (lr_remaining_row){0};
	r.completion = comp;
	char cdir[600];
	snprintf(cdir, sizeof cdir, "%s/completion", root);
	rc = lr_tables_write(&d, &r, cdir, &err);
	lr_test_ok(rc == LR_OK &&
	                   file_is(cdir, "completion_by_region.csv",
	                           "region_id,region_name,status,completed_on,"
	                           "last_release,remaining_m2,unknown_count,"
	                           "unknown_m2\n"
	                           "D1,District One,not_complete,,2020-06-01,"
	                           "1525.50,1,123.45\n"
	                           "D2,\"Dist, \"\"Two\"\"\",complete,"
	                           "2019-03-02,2019-03-02,0.00,0,0.00\n"
	                           "TOTAL,National total,not_complete,"
	                           "2019-03-02,2020-06-01,1525.50,1,123.45\n"),
	           "completion_by_region.csv exact: status from the land left, "
	           "no date where none, the nation last");
	lr_test_ok(file_is(cdir, "previously_unknown.csv",
	                   "hazard_id,region_id,type,contamination,"
	                   "recorded_date,recorded_m2,remaining_m2,"
	                   "released_on\n"),
	           "previously_unknown.csv: the header without a list");
	rem[1] = d2;
	r.completion = NULL;

	/* A second write of the same inputs is byte-identical. */
	char *first[4], *second[4];
	snapshot(dir, first);
	rc = lr_tables_write(&d, &r, dir, &err);
	snapshot(dir, second);
	lr_test_ok(rc == LR_OK && same_snapshot(first, second),
	           "second write is byte-identical");
	free_snapshot(second);

	/* Land outside every region, and a baseline. */
	r.has_outside = true;
	r.baseline = lr_date_from_ymd(2019, 1, 1);
	r.baseline_remaining = base;
	rc = lr_tables_write(&d, &r, dir, &err);
	lr_test_ok(rc == LR_OK, "write with OUTSIDE and baseline (%s)",
	           err.msg);
	lr_test_ok(file_is(dir, "remaining_by_region.csv", WANT_REMAINING_OUT),
	           "OUTSIDE row before TOTAL, counted in TOTAL");
	lr_test_ok(file_is(dir, "release_by_year.csv", WANT_YEARS_OUT),
	           "OUTSIDE row in every year, counted in each TOTAL");
	lr_test_ok(file_is(dir, "baseline_by_region.csv", WANT_BASELINE_OUT),
	           "baseline_by_region.csv exact");

	/* Dropping the baseline again removes the stale baseline table. */
	r.has_outside = false;
	r.baseline = LR_DATE_NONE;
	r.baseline_remaining = NULL;
	rc = lr_tables_write(&d, &r, dir, &err);
	snapshot(dir, second);
	lr_test_ok(rc == LR_OK && same_snapshot(first, second),
	           "rewrite without baseline gives the first output again");
	free_snapshot(second);

	/* Region levels: their two tables, exact; gone again without. */
	lr_levels lv;
	lr_level_node lnodes[3];
	lr_level_row lrows[4];
	lr_remaining_row lrem[4];
	lr_year_row lyears[8];
	levels_fixture(&r, &lv, lnodes, lrows, lrem, lyears);
	rc = lr_tables_write(&d, &r, dir, &err);
	lr_test_ok(rc == LR_OK && file_is(dir, "remaining_by_level.csv",
	                                  WANT_REMAINING_LEVEL),
	           "remaining_by_level.csv exact: level 1, then level 2 with "
	           "D1's own land, then TOTAL");
	char path[1024];
	snprintf(path, sizeof path, "%s/release_by_year_by_level.csv", dir);
	char *ylv = lr_test_slurp(path);
	lr_test_ok(ylv && strstr(ylv, WANT_YEARS_LEVEL_2020) &&
	                   strstr(ylv, ",,2020,TOTAL,0.00,0.00,0.00,1874.50,"),
	           "release_by_year_by_level.csv: P1 in 2020 is D2's year, "
	           "then the year's TOTAL");
	free(ylv);
	r.levels = NULL;
	rc = lr_tables_write(&d, &r, dir, &err);
	lr_test_ok(rc == LR_OK && !exists(dir, "remaining_by_level.csv") &&
	                   !exists(dir, "release_by_year_by_level.csv"),
	           "without levels the level tables of an earlier run go");

	/* A directory that cannot exist: a path below a regular file. */
	char bad[600];
	snprintf(bad, sizeof bad, "%s/file.txt", root);
	FILE *f = fopen(bad, "w");
	if (f)
		fclose(f);
	snprintf(bad, sizeof bad, "%s/file.txt/sub", root);
	lr_error_clear(&err);
	rc = lr_tables_write(&d, &r, bad, &err);
	lr_test_ok(rc == LR_ERR_IO, "dir below a regular file: LR_ERR_IO");
	lr_test_ok(strstr(err.msg, "file.txt") != NULL,
	           "message names the path (%s)", err.msg);
	lr_test_ok(count_tmp(root) == 0, "no temporary file in the parent");

	/* Disk full while writing: a file-size limit makes write() fail
	** with EFBIG.  The previous tables must stay intact. */
	struct rlimit old, lim;
	getrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 200;
	setrlimit(RLIMIT_FSIZE, &lim);
	lr_error_clear(&err);
	rc = lr_tables_write(&d, &r, dir, &err);
	setrlimit(RLIMIT_FSIZE, &old);
	lr_test_ok(rc == LR_ERR_IO, "write failure: LR_ERR_IO (%s)", err.msg);
	lr_test_ok(strstr(err.msg, dir) != NULL,
	           "message names the file being written");
	lr_test_ok(count_tmp(dir) == 0,
	           "failed write leaves no temporary file");
	snapshot(dir, second);
	lr_test_ok(same_snapshot(first, second),
	           "failed write leaves the previous tables untouched");
	free_snapshot(second);

	/* A directory where a table goes is refused before anything is
	** replaced, and cleans up too. */
	char blocker[700];
	snprintf(blocker, sizeof blocker, "%s/data_quality.csv", dir);
	remove(blocker);
	mkdir(blocker, 0755);
	char inner[800];
	snprintf(inner, sizeof inner, "%s/x", blocker);
	f = fopen(inner, "w");
	if (f)
		fclose(f);
	rc = lr_tables_write(&d, &r, dir, &err);
	lr_test_ok(rc == LR_ERR_IO && count_tmp(dir) == 0,
	           "rename failure: LR_ERR_IO, no temporary file (%s)",
	           err.msg);

	/* A stale temporary file of a dead run is removed. */
	char stale[700];
	snprintf(stale, sizeof stale, "%s/.release_by_year.csv.tmp.%d", root,
	         999999999);
	f = fopen(stale, "w");
	if (f)
		fclose(f);
	rc = lr_tables_write(&d, &r, root, &err);
	lr_test_ok(rc == LR_OK && count_tmp(root) == 0,
	           "stale temporary file of a dead run removed");

	/* An empty result: headers and a TOTAL row, nothing else. */
	lr_dataset e;
	lr_dataset_init(&e);
	lr_result er = {.baseline = LR_DATE_NONE,
	                .first_year = 0,
	                .last_year = -1,
	                .remaining = rem + 2};
	char edir[600];
	snprintf(edir, sizeof edir, "%s/empty", root);
	rem[2] = (lr_remaining_row){0};
	rc = lr_tables_write(&e, &er, edir, &err);
	lr_test_ok(rc == LR_OK, "empty result written (%s)", err.msg);
	lr_test_ok(file_is(edir, "release_by_year.csv",
	                   "year,region_id,new_m2,cancelled_m2,reduced_m2,"
	                   "cleared_m2,released_m2,remaining_end_m2,ap_mines,"
	                   "av_mines,erw,reclassified_m2,sha_end_m2,"
	                   "cha_end_m2,sha_count_end,cha_count_end,ap_"
	                   "improvised_mines\n"),
	           "empty release_by_year.csv has the header only");
	lr_test_ok(file_is(edir, "remaining_by_region.csv",
	                   "region_id,region_name,sha_count,sha_m2,cha_count,"
	                   "cha_m2,total_count,total_m2,ap_m2,av_m2,erw_m2,"
	                   "mixed_m2\n"
	                   "TOTAL,National total,0,0.00,0,0.00,0,0.00,0.00,"
	                   "0.00,0.00,0.00\n"),
	           "empty remaining_by_region.csv has a zero TOTAL");
	lr_dataset_free(&e);

	free_snapshot(first);
	lr_vec_free(&r.faces);
	lr_dataset_free(&d);
	rm_rf(root);
	return lr_test_done();
}
