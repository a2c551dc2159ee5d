/*
** The table reader from memory (the entry point fuzzers use), figure
** parsing, and the rules on tables built in memory.
*/
#include "lr_check.h"
#include "lr_table.h"
#include "lr_test.h"

static int read_csv(const char *text, lr_table_set *s)
{
	lr_error err = {0};
	return lr_table_read_buffer(text, strlen(text), "t.csv", s, &err);
}

static void test_reader(void)
{
	lr_table_set s;
	int rc = read_csv("\xef\xbb\xbfregion_id,total_m2\n"
	                  " D01 ,\"1,234.50\"\n\n,\nTOTAL,1234.50\n",
	                  &s);
	lr_test_ok(rc == LR_OK && s.n == 1, "CSV from a buffer: one table");
	if (rc == LR_OK && s.n == 1) {
		const lr_table *t = &s.tables[0];
		lr_test_ok(t->n_cols == 2 && !strcmp(t->header[0], "region_id"),
		           "header read, BOM dropped");
		lr_test_ok(t->n_rows == 2, "empty rows dropped (%zu rows)",
		           t->n_rows);
		lr_test_ok(!strcmp(lr_table_cell(t, 0, 0), "D01") &&
		                   !strcmp(lr_table_cell(t, 0, 1), "1,234.50"),
		           "cells trimmed, digits kept as written");
		lr_test_ok(t->line[1] == 5,
		           "row numbers are the file's lines, a blank line "
		           "counted (%ld)",
		           t->line[1]);
		lr_test_ok(lr_table_column(t, "TOTAL_M2") == 1,
		           "column lookup ignores case");
	}
	lr_table_set_free(&s);
	lr_error err = {0};
	rc = lr_table_read_buffer("a,b\n", 4, "t.doc", &s, &err);
	lr_test_ok(rc == LR_ERR_INPUT && strstr(err.msg, "t.doc"),
	           "unknown extension refused, naming the file");
	rc = lr_table_read_buffer("", 0, "t.csv", &s, &err);
	lr_test_ok(rc != LR_OK || s.n == 0, "empty buffer: no table");
	lr_table_set_free(&s);
	rc = lr_table_read_buffer("\x01\x02\xff", 3, "t.xlsx", &s, &err);
	lr_test_ok(rc != LR_OK && s.n == 0, "garbage workbook refused");
	lr_table_set_free(&s);
}

/* Read text as t.csv (or name) into s; the first table, or NULL. */
static const lr_table *read_one(const char *text, size_t n, const char *name,
                                lr_table_set *s, lr_error *err)
{
	int rc = lr_table_read_buffer(text, n, name, s, err);
	return rc == LR_OK && s->n == 1 ? &s->tables[0] : NULL;
}

static bool cells_are(const lr_table *t, size_t r, const char *a, const char *b,
                      const char *c)
{
	return t && t->n_cols == 3 && !strcmp(lr_table_cell(t, r, 0), a) &&
	       !strcmp(lr_table_cell(t, r, 1), b) &&
	       !strcmp(lr_table_cell(t, r, 2), c);
}

/* A title of one cell above the header: GDAL's CSV driver read the
** file as one column wide. */
static void test_reader_title(void)
{
	static const char text[] =
	        "Contamination by county as of end 2014 (km\xc2\xb2)\n"
	        "County,CHA area (km\xc2\xb2),SHA area (km\xc2\xb2)\n"
	        "Alpha,1.21,0.53\nTotal,1.21,0.53\n";
	lr_table_set s;
	lr_error err = {0};
	const lr_table *t = read_one(text, sizeof text - 1, "t.csv", &s, &err);
	lr_test_ok(t &&
	                   !strcmp(t->title,
	                           "Contamination by county as of end "
	                           "2014 (km\xc2\xb2)") &&
	                   cells_are(t, 1, "Total", "1.21", "0.53") &&
	                   !strcmp(t->header[2], "SHA area (km\xc2\xb2)"),
	           "a title row of one cell: the title, then three columns "
	           "read (%s)",
	           t ? t->title : err.msg);
	lr_table_set_free(&s);
	static const char grouped[] = "Province,CHA,,SHA\n"
	                              ",Number,Area,Number,Area\n"
	                              "North,1,2,3,4\n";
	t = read_one(grouped, sizeof grouped - 1, "t.csv", &s, &err);
	lr_test_ok(t && t->n_cols == 5 && !strcmp(lr_table_cell(t, 1, 4), "4"),
	           "a group heading's empty cells keep the columns under "
	           "them (%d columns)",
	           t ? t->n_cols : -1);
	lr_table_set_free(&s);
}

/* Line ends, separators and encodings spreadsheets save. */
static void test_reader_text(void)
{
	lr_table_set s;
	lr_error err = {0};
	static const char crlf[] = "\xef\xbb\xbfTitle\r\nA,B,C\r\n"
	                           "x,\"two\r\nlines\",3\r\ny,1,2\r\n";
	const lr_table *t = read_one(crlf, sizeof crlf - 1, "t.csv", &s, &err);
	lr_test_ok(t && !strcmp(t->title, "Title") &&
	                   !strcmp(t->header[0], "A") &&
	                   cells_are(t, 0, "x", "two\r\nlines", "3") &&
	                   cells_are(t, 1, "y", "1", "2") && t->line[1] == 5,
	           "BOM and CRLF: title, header, a quoted cell over two lines; "
	           "the next row on line 5 (%ld)",
	           t ? t->line[1] : -1L);
	lr_table_set_free(&s);
	static const char semi[] = "Region;Area (km\xc2\xb2);Count\n"
	                           "A;12,5;3\nB;\"1;5\";2\n";
	t = read_one(semi, sizeof semi - 1, "t.csv", &s, &err);
	lr_test_ok(cells_are(t, 0, "A", "12,5", "3") &&
	                   cells_are(t, 1, "B", "1;5", "2"),
	           "';' separated (a decimal comma in the cells)");
	lr_table_set_free(&s);
	static const char tsv[] = "Region\tArea, m2\tCount\nA\t1,000\t3\n";
	t = read_one(tsv, sizeof tsv - 1, "t.tsv", &s, &err);
	lr_test_ok(cells_are(t, 0, "A", "1,000", "3"),
	           "a .tsv is tab separated");
	lr_table_set_free(&s);
	/* "Kâmpot, área (m²)" as Excel on Windows saves it */
	static const char cp[] = "R\xe9gion,Area (m\xb2),N\nK\xe2mpot \x96 "
	                         "east,5,1\n";
	t = read_one(cp, sizeof cp - 1, "t.csv", &s, &err);
	lr_test_ok(t && t->encoding && !strcmp(t->encoding, "Windows-1252") &&
	                   !strcmp(t->header[1], "Area (m\xc2\xb2)") &&
	                   cells_are(t, 0, "K\xc3\xa2mpot \xe2\x80\x93 east",
	                             "5", "1"),
	           "Windows-1252 decoded to UTF-8 (\xc2\xb2, \xc3\xa2, the en "
	           "dash), and said");
	lr_table_set_free(&s);
	t = read_one("A,B\n1,2\n", 8, "t.csv", &s, &err);
	lr_test_ok(t && t->encoding == NULL, "UTF-8: no decoding said");
	lr_table_set_free(&s);
}

/* What is not text is refused naming the file and line. */
static void test_reader_refused(void)
{
	lr_table_set s;
	lr_error err = {0};
	static const char u16[] = "\xff\xfeR\0,\0A\0\n\0";
	int rc = lr_table_read_buffer(u16, sizeof u16 - 1, "u.csv", &s, &err);
	lr_test_ok(rc == LR_ERR_INPUT && strstr(err.msg, "u.csv: is UTF-16"),
	           "UTF-16 refused: %s", err.msg);
	static const char nul[] = "A,B\n1,2\n3\0,4\n";
	rc = lr_table_read_buffer(nul, sizeof nul - 1, "n.csv", &s, &err);
	lr_test_ok(rc == LR_ERR_INPUT && strstr(err.msg, "n.csv: line 3"),
	           "a NUL byte refused naming the line: %s", err.msg);
	static const char undef[] = "A,B\n1,2\n\xe9,\x81\n";
	rc = lr_table_read_buffer(undef, sizeof undef - 1, "w.csv", &s, &err);
	lr_test_ok(rc == LR_ERR_INPUT &&
	                   strstr(err.msg, "w.csv: line 3: byte 0x81"),
	           "a byte Windows-1252 does not define refused: %s", err.msg);
	static const char overlong[] = "A,B\n\xc0\xaf,\xed\xa0\x80\n";
	const lr_table *t =
	        read_one(overlong, sizeof overlong - 1, "o.csv", &s, &err);
	lr_test_ok(t && t->encoding != NULL,
	           "overlong and surrogate sequences are not UTF-8");
	lr_table_set_free(&s);
}

static void test_figures(void)
{
	int64_t v;
	int d;
	lr_test_ok(lr_check_parse_figure("1,234.5", 0, &v, &d) == 1 &&
	                   v == 123450 && d == 1,
	           "thousands separator, one decimal");
	lr_test_ok(lr_check_parse_figure("0.01", 6, &v, &d) == 1 &&
	                   v == 1000000,
	           "0.01 km2 = 10,000.00 m2");
	lr_test_ok(lr_check_parse_figure("12,5", 0, &v, &d) == 1 && v == 1250,
	           "decimal comma");
	lr_test_ok(lr_check_parse_figure("12.5000000000000000", 0, &v, &d) ==
	                           1 &&
	                   v == 1250 && d == 1,
	           "trailing zeros of a workbook say nothing of precision");
	lr_test_ok(lr_check_parse_figure("1234.5599999999999", 0, &v, &d) ==
	                           1 &&
	                   v == 123456,
	           "binary floating point noise read back");
	lr_test_ok(
	        lr_check_parse_figure("6.804000000000001E-05", 6, &v, &d) ==
	                        1 &&
	                v == 6804 && d == 8,
	        "scientific notation of a workbook: 6.804E-05 km2 = 68.04 m2 "
	        "(got %lld, %d decimals)",
	        (long long)v, d);
	lr_test_ok(lr_check_parse_figure("1.5e3", 0, &v, &d) == 1 &&
	                   v == 150000 && d == 0,
	           "1.5e3 = 1500.00");
	lr_test_ok(lr_check_parse_figure("1,500e3", 0, &v, &d) == -1 &&
	                   lr_check_parse_figure("1.5e", 0, &v, &d) == -1,
	           "an exponent beside thousands, or without digits, refused");
	lr_test_ok(lr_check_parse_figure("-", 0, &v, &d) == 0,
	           "a dash is blank");
	lr_test_ok(lr_check_parse_figure("12a", 0, &v, &d) == -1,
	           "12a is not a number");
	lr_test_ok(lr_check_parse_figure("99999999999999999999", 0, &v, &d) ==
	                   -1,
	           "overflow refused");
	lr_test_ok(lr_check_parse_figure("-3", 0, &v, &d) == 1 && v == -300,
	           "negative");
	double m2;
	lr_error err = {0};
	lr_test_ok(lr_check_parse_precision("0.01km2", &m2, &err) == LR_OK &&
	                   m2 == 10000,
	           "--precision 0.01km2");
	lr_test_ok(lr_check_parse_precision("2 acres", &m2, &err) ==
	                   LR_ERR_USAGE,
	           "--precision with an unknown unit refused");
}

static int run(const char *csv, lr_check_report **rep)
{
	lr_table_set s;
	if (read_csv(csv, &s) != LR_OK || s.n != 1)
		return -1;
	lr_check_input in = {&s.tables[0], LR_CHECK_SUBMITTED};
	lr_check_options o = {.tolerance_m2 = 1};
	lr_error err = {0};
	int rc = lr_check_run(&in, 1, &o, rep, &err);
	lr_table_set_free(&s);
	return rc;
}

static void test_rules(void)
{
	lr_check_report *rep = NULL;
	int rc = run("region_id,sha_m2,cha_m2,total_m2\n"
	             "A,1.00,2.00,3.00\nB,4.00,5.00,9.00\nTOTAL,5,7,12\n",
	             &rep);
	lr_test_ok(rc == LR_OK && rep->findings.len == 0,
	           "consistent remaining table: no finding");
	lr_check_report_free(rep);
	rc = run("region_id,sha_km2,cha_km2,total_km2\n"
	         "A,0.01,0.02,0.04\nB,0.04,0.05,0.09\nTOTAL,0.05,0.07,0.13\n",
	         &rep);
	lr_test_ok(rc == LR_OK && rep->n_error == 0 && rep->n_info == 2,
	           "km2 rounding: an info finding, no error");
	lr_check_report_free(rep);
	rc = run("region_id,sha_m2,cha_m2,total_m2\n"
	         "A,1.00,2.00,3.00\nB,4.00,5.00,90.00\nTOTAL,5,7,12\n",
	         &rep);
	lr_test_ok(rc == LR_OK && rep->n_error == 2,
	           "B's total off: R02 on B and R01 on TOTAL");
	lr_check_report_free(rep);
}

/* Two tables, each with its role; the error message into msg. */
static int run2(const char *a, lr_check_role ra, const char *b,
                lr_check_role rb, char *msg, size_t size)
{
	lr_table_set s[2];
	if (read_csv(a, &s[0]) != LR_OK)
		return -1;
	if (read_csv(b, &s[1]) != LR_OK) {
		lr_table_set_free(&s[0]);
		return -1;
	}
	lr_check_input in[2] = {{&s[0].tables[0], ra}, {&s[1].tables[0], rb}};
	lr_check_options o = {.tolerance_m2 = 1};
	lr_error err = {0};
	lr_check_report *rep = NULL;
	int rc = lr_check_run(in, 2, &o, &rep, &err);
	snprintf(msg, size, "%s", rc == LR_OK ? "" : err.msg);
	lr_check_report_free(rep);
	lr_table_set_free(&s[0]);
	lr_table_set_free(&s[1]);
	return rc;
}

/* A table the check cannot use is an unusable input (exit status 2). */
static void test_unusable(void)
{
	lr_check_report *rep = NULL;
	int rc = run("colour,weight\nred,1\n", &rep);
	lr_test_ok(rc == LR_ERR_INPUT && rep == NULL,
	           "unknown table: LR_ERR_INPUT");
	rc = run("year,released_m2\n2020,5\n2021,7\n", &rep);
	lr_test_ok(rc == LR_OK && rep && rep->n_error == 0,
	           "a national table (no region column): read, the nation as "
	           "its key");
	lr_check_report_free(rep);
	rep = NULL;
	static const char rem[] = "region_id,total_m2\nA,1\n";
	static const char plan[] =
	        "year,region_id,release_m2,remaining_end_m2\n"
	        "2025,A,1,0\n";
	char msg[sizeof(lr_error){0}.msg];
	rc = run2(rem, LR_CHECK_SUBMITTED, rem, LR_CHECK_SUBMITTED, msg,
	          sizeof msg);
	lr_test_ok(rc == LR_ERR_INPUT && strstr(msg, "two remaining_by_region"),
	           "two remaining tables: LR_ERR_INPUT naming the kind");
	rc = run2(plan, LR_CHECK_SUBMITTED, rem, LR_CHECK_PREVIOUS, msg,
	          sizeof msg);
	lr_test_ok(rc == LR_ERR_INPUT && strstr(msg, "previous work plan"),
	           "a previous plan that is no plan: LR_ERR_INPUT");
	rc = run2(plan, LR_CHECK_SUBMITTED, plan, LR_CHECK_PREVIOUS, msg,
	          sizeof msg);
	lr_test_ok(rc == LR_OK, "a plan and a previous plan: checked");
}

int main(void)
{
	test_reader();
	test_reader_title();
	test_reader_text();
	test_reader_refused();
	test_figures();
	test_rules();
	test_unusable();
	return lr_test_done();
}
