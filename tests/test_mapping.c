/*
** Mapping files: fields, constants, value spellings and date formats are
** read as written; every mistake is refused with the file and line; the
** mapping files shipped in maps/ parse.
*/
#include "mapping_int.h"
#include "lr_test.h"

#include <stdlib.h>
#include <string.h>

static lr_mapping *parse(const char *text, lr_error *err)
{
	lr_mapping *m = NULL;
	lr_error_clear(err);
	lr_mapping_parse(text, strlen(text), "t.ini", &m, err);
	return m;
}

/* The text must be refused with a message holding `want`. */
static void refused(const char *text, const char *want, const char *what)
{
	lr_error err;
	lr_mapping *m = parse(text, &err);
	if (!lr_test_ok(!m && err.code == LR_ERR_USAGE &&
	                        strstr(err.msg, want) != NULL,
	                "refused: %s", what))
		printf("#   message: %s (want '%s')\n", err.msg, want);
	lr_mapping_free(m);
}

static lr_date ymd(int y, int m, int d)
{
	return lr_date_from_ymd(y, m, d);
}

static void test_dates(void)
{
	lr_test_ok(lr__date_parse_format("%d/%m/%Y", "01/03/2019") ==
	                   ymd(2019, 3, 1),
	           "%%d/%%m/%%Y reads 01/03/2019 as 1 March");
	lr_test_ok(lr__date_parse_format("%d/%m/%Y", "1/3/2019") ==
	                   ymd(2019, 3, 1),
	           "one-digit day and month are read");
	lr_test_ok(lr__date_parse_format("%d/%m/%Y", "30/02/2019") ==
	                   LR_DATE_NONE,
	           "30/02/2019 does not exist");
	lr_test_ok(lr__date_parse_format("%Y-%m-%d", "2019-02-30") ==
	                   LR_DATE_NONE,
	           "2019-02-30 does not exist");
	lr_test_ok(lr__date_parse_format("%Y-%m-%d", "2020-02-29") ==
	                   ymd(2020, 2, 29),
	           "2020-02-29 exists");
	lr_test_ok(lr__date_parse_format("%Y-%m-%d", "2019-03-01x") ==
	                   LR_DATE_NONE,
	           "trailing characters are refused");
	lr_test_ok(lr__date_parse_format("%Y-%m-%d", "20190-03-01") ==
	                   LR_DATE_NONE,
	           "a five-digit year is refused");
	lr_test_ok(lr__date_parse_format("%Y%m%d", "20190301") ==
	                   ymd(2019, 3, 1),
	           "%%Y%%m%%d reads 20190301");
	lr_test_ok(lr__date_parse_format("%d.%m.%y", "01.03.19") ==
	                           ymd(2019, 3, 1) &&
	                   lr__date_parse_format("%d.%m.%y", "01.03.98") ==
	                           ymd(1998, 3, 1),
	           "%%y: 19 is 2019, 98 is 1998");
	lr_test_ok(lr__date_parse_format("%Y/%m/%d", "2019/03/01 00:00:00") ==
	                   ymd(2019, 3, 1),
	           "a time of day after the date is ignored");
	lr_test_ok(lr__date_parse_format("%Y-%m-%d", "2019-03-01T10:30Z") ==
	                   ymd(2019, 3, 1),
	           "an ISO time with zone is ignored");
	lr_test_ok(lr__date_parse_format("%Y-%m-%d", "2019-03-01 noon") ==
	                   LR_DATE_NONE,
	           "words after the date are refused");
	lr_test_ok(lr__date_parse_format("%d/%m/%Y", "") == LR_DATE_NONE,
	           "an empty date is refused");
}

static void test_identity(void)
{
	lr_mapping *m = NULL;
	lr_error err = {0};
	lr_test_ok(lr_mapping_default(&m, &err) == LR_OK && m,
	           "identity mapping");
	lr_test_ok(lr__mapping_value(m, LR_LAYER_HAZARDS, LR__F_TYPE, "SHA") ==
	                           LR_SHA &&
	                   lr__mapping_value(m, LR_LAYER_HAZARDS, LR__F_TYPE,
	                                     " cha ") == LR_CHA,
	           "identity: SHA, ' cha ' (case and spaces ignored)");
	lr_test_ok(lr__mapping_value(m, LR_LAYER_HAZARDS, LR__F_TYPE,
	                             "Suspected") == -1,
	           "identity: 'Suspected' is not a type");
	lr_test_ok(lr__mapping_value(m, LR_LAYER_RELEASES, LR__F_METHOD,
	                             "Cleared") == LR_CLEARED &&
	                   lr__mapping_value(m, LR_LAYER_RELEASES, LR__F_METHOD,
	                                     "CANCELLED") == LR_CANCELLED &&
	                   lr__mapping_value(m, LR_LAYER_RELEASES, LR__F_METHOD,
	                                     "reduced") == LR_REDUCED,
	           "identity: method names");
	lr_test_ok(lr__mapping_value(m, LR_LAYER_HAZARDS, LR__F_CONTAMINATION,
	                             "Mixed") == LR_CONT_MIXED,
	           "identity: contamination 'Mixed'");
	lr_test_ok(lr__mapping_date(m, LR_LAYER_HAZARDS, "2019-03-01") ==
	                           ymd(2019, 3, 1) &&
	                   lr__mapping_date(m, LR_LAYER_HAZARDS,
	                                    "2019/03/01") == ymd(2019, 3, 1),
	           "identity: YYYY-MM-DD and YYYY/MM/DD");
	lr_test_ok(lr__mapping_date(m, LR_LAYER_HAZARDS, "01/03/2019") ==
	                   LR_DATE_NONE,
	           "identity: dd/mm/yyyy is not guessed");
	lr_test_ok(!m->layer[1].f[0].source && !m->layer[1].id_from_fid,
	           "identity: fields read by our own names");
	lr_mapping_free(m);
}

static const char *const sample =
        "; an export\n"
        "[hazards]\n"
        "layer = Hazards\n"
        "hazard_id = imsma_id\n"
        "type = hazard_type\n"
        "TYPE.sha = Suspected, Suspected Hazardous Area  ; comment\n"
        "type.CHA = Confirmed, CHA\n"
        "  Confirmed Hazardous Area\n"
        "recorded_date = date_of_record\n"
        "date_format = %d/%m/%Y, %Y%m%d\n"
        "constant.contamination = Anti-personnel\n"
        "contamination.AP = Anti-personnel, AP\n"
        "\n"
        "[releases]\n"
        "id_from_fid = yes\n"
        "method.cleared = Clearance, CLR, Cleared\n"
        "method.reduced = TS, Technical Survey\n"
        "method.cancelled = NTS, Non-Technical Survey\n"
        "constant.release_date = 2023-12-31\n"
        "implies_hazard = SHA\n"
        "[defaults]\n"
        "date_format = %d.%m.%Y\n"
        "crs = EPSG:32648\n";

static void test_sample(void)
{
	lr_error err;
	lr_mapping *m = parse(sample, &err);
	if (!lr_test_ok(m != NULL, "sample mapping parses (%s)", err.msg))
		return;
	const lr__map_layer *h = &m->layer[LR_LAYER_HAZARDS];
	const lr__map_layer *r = &m->layer[LR_LAYER_RELEASES];
	lr_test_ok(h->layer && !strcmp(h->layer, "Hazards"), "layer name");
	lr_test_ok(h->f[LR__F_HAZARD_ID].source &&
	                   !strcmp(h->f[LR__F_HAZARD_ID].source, "imsma_id"),
	           "hazard_id = imsma_id");
	lr_test_ok(lr__mapping_value(m, LR_LAYER_HAZARDS, LR__F_TYPE,
	                             "suspected  hazardous area") == LR_SHA,
	           "spelling matched without case and spaces");
	lr_test_ok(lr__mapping_value(m, LR_LAYER_HAZARDS, LR__F_TYPE,
	                             "Confirmed Hazardous Area") == LR_CHA,
	           "an indented line continues the spelling list");
	lr_test_ok(lr__mapping_value(m, LR_LAYER_HAZARDS, LR__F_TYPE,
	                             "comment") == -1,
	           "inline comments are not spellings");
	lr_test_ok(lr__mapping_value(m, LR_LAYER_RELEASES, LR__F_METHOD,
	                             "Non-Technical Survey") == LR_CANCELLED &&
	                   lr__mapping_value(m, LR_LAYER_RELEASES, LR__F_METHOD,
	                                     "technical survey") == LR_REDUCED,
	           "NTS cancelled, TS reduced");
	lr_test_ok(lr__mapping_value(m, LR_LAYER_RELEASES, LR__F_METHOD,
	                             "Demining") == -1,
	           "unknown spelling is -1");
	lr_test_ok(lr__mapping_date(m, LR_LAYER_HAZARDS, "01/03/2019") ==
	                           ymd(2019, 3, 1) &&
	                   lr__mapping_date(m, LR_LAYER_HAZARDS, "20190301") ==
	                           ymd(2019, 3, 1),
	           "layer date formats, in order");
	lr_test_ok(lr__mapping_date(m, LR_LAYER_HAZARDS, "01.03.2019") ==
	                   LR_DATE_NONE,
	           "[defaults] formats do not apply to a layer with its own");
	lr_test_ok(lr__mapping_date(m, LR_LAYER_REGIONS, "01.03.2019") ==
	                   ymd(2019, 3, 1),
	           "[defaults] date_format applies elsewhere");
	lr_test_ok(lr__mapping_date(m, LR_LAYER_HAZARDS, "2019/03/01") ==
	                   ymd(2019, 3, 1),
	           "OGR's own date text is always read");
	lr_test_ok(lr__mapping_date(m, LR_LAYER_HAZARDS, "30/02/2019") ==
	                   LR_DATE_NONE,
	           "30/02/2019 refused through the mapping");
	lr_test_ok(r->id_from_fid && r->implies_hazard == LR_SHA,
	           "id_from_fid and implies_hazard");
	lr_test_ok(r->f[LR__F_RELEASE_DATE].constant &&
	                   !strcmp(r->f[LR__F_RELEASE_DATE].constant,
	                           "2023-12-31"),
	           "constant.release_date");
	lr_test_ok(lr__mapping_value(m, LR_LAYER_HAZARDS, LR__F_CONTAMINATION,
	                             h->f[LR__F_CONTAMINATION].constant) ==
	                   LR_CONT_AP,
	           "a constant spelled through the mapping");
	lr_test_ok(lr__mapping_crs(m, LR_LAYER_HAZARDS) &&
	                   !strcmp(lr__mapping_crs(m, LR_LAYER_HAZARDS),
	                           "EPSG:32648"),
	           "[defaults] crs");
	lr_mapping_free(m);
}

static void test_errors(void)
{
	refused("[hazards]\nhazard_id = a\ncolour = red\n",
	        "t.ini:3:", "unknown key, with file and line");
	refused("[hazards]\ncolour = red\n", "colour",
	        "unknown key named in the message");
	refused("[releases]\nmethod.cleared = CLR, X\n\nmethod.reduced = "
	        "TS, x\n",
	        "t.ini:4:", "a spelling listed under two targets");
	refused("[releases]\nmethod.cleared = CLR\nmethod.reduced = clr\n",
	        "method.cleared (line 2)",
	        "the message names the first target and its line");
	refused("[releases]\nmethod.reduced = Cleared\n",
	        "t.ini:2:", "a spelling that is our name for another value");
	refused("[hazards]\ndate_format = %d/%m\n",
	        "t.ini:2:", "a date format without a year");
	refused("[hazards]\ndate_format = %d/%m/%Y %H\n", "bad date format",
	        "a date format with an unknown conversion");
	refused("hazard_id = a\n[hazards]\n",
	        "t.ini:1:", "a key outside a section");
	refused("[hazards]\n[minefields]\n", "t.ini:2:", "unknown section");
	refused("[hazards]\ntype = a\ntype = b\n",
	        "t.ini:3:", "a field given twice");
	refused("[hazards]\ntype = a\nconstant.type = SHA\n",
	        "t.ini:3:", "a field and a constant for it");
	refused("[hazards]\nconstant.type = Minefield\n",
	        "t.ini:2:", "a constant that is not a known spelling");
	refused("[hazards]\nconstant.recorded_date = 2019-02-30\n",
	        "t.ini:2:", "a constant date that does not exist");
	refused("[hazards]\nid_from_fid = perhaps\n",
	        "t.ini:2:", "id_from_fid that is not yes or no");
	refused("[hazards]\nhazard_id = a\nid_from_fid = yes\n",
	        "t.ini:3:", "id_from_fid and an id field");
	refused("[hazards]\ntype.XHA = a\n",
	        "t.ini:2:", "a value we do not have");
	refused("[regions]\nregion_id = a\nthis line has no equals sign\n",
	        "t.ini:3:", "a line that is not key = value");
	refused("[hazards]\ntype.SHA = Suspected\n    type.CHA = Confirmed\n",
	        "t.ini:3:", "an indented key taken as a continuation");
	refused("[hazards]\n  hazard_id = a\n  type = b\n",
	        "t.ini:3:", "an indented field taken as a continuation");
	refused("[releases]\nimplies_hazard = maybe\n",
	        "t.ini:2:", "implies_hazard that is not SHA, CHA or no");
	refused("[releases]\nhazard_id_list = several\n",
	        "t.ini:2:", "hazard_id_list that is not yes or no");
	refused("[hazards]\nhazard_id_list = yes\n", "hazard_id_list",
	        "hazard_id_list outside [releases]");
	refused("[releases]\nhazard_id_list = yes\nhazard_id_list = no\n",
	        "t.ini:3:", "hazard_id_list given twice");
	char longline[400];
	snprintf(longline, sizeof longline,
	         "[releases]\nmethod.cleared = %0300d\n", 7);
	refused(longline, "t.ini:2:", "a line too long for the parser");
	lr_mapping *m = NULL;
	lr_error err = {0};
	lr_test_ok(lr_mapping_load("/nonexistent/x.ini", &m, &err) ==
	                           LR_ERR_USAGE &&
	                   !m && strstr(err.msg, "/nonexistent/x.ini"),
	           "a missing mapping file is named");
}

static void test_shipped(void)
{
	const char *src = getenv("LR_SOURCE_DIR");
	static const char *const files[] = {
	        "maps/imsma-core.ini", "maps/bih-snapshot.ini",
	        "tests/fixtures/ingest/national.ini"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", src ? src : ".", files[i]);
		lr_mapping *m = NULL;
		lr_error err = {0};
		lr_test_ok(lr_mapping_load(path, &m, &err) == LR_OK,
		           "%s parses (%s)", files[i], err.msg);
		lr_mapping_free(m);
	}
}

int main(void)
{
	test_dates();
	test_identity();
	test_sample();
	test_errors();
	test_shipped();
	return lr_test_done();
}
