/*
** The report's catalogue reader (report/report_i18n.c) against glibc's own
** gettext: every message of the compiled fr and es catalogues must come out
** as dgettext() gives it, strings the catalogue lacks come back unchanged,
** and broken .mo files are refused with the file named, never read out of
** bounds.  glibc is the oracle only here: the report never calls it.  And
** lr__fmt_num writes numbers for each language as written out here.
*/
#include "lr_test.h"
#include "report_i18n.h"
#include "report_int.h"

#include <libintl.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* glibc's count of catalogue changes; its lookups cache by it. */
extern int _nl_msg_cat_cntr;

/* glibc answers for language code through LANGUAGE under C.UTF-8 (a locale
** Debian always ships); false when that locale is missing. */
static bool glibc_speaks(const char *code, const char *localedir)
{
	if (!setlocale(LC_ALL, "C.UTF-8"))
		return false;
	setenv("LANGUAGE", code, 1);
	bindtextdomain("landrelease", localedir);
	bind_textdomain_codeset("landrelease", "UTF-8");
	/* glibc caches lookups by locale name, not by LANGUAGE: its manual
	** says to bump this counter when LANGUAGE changes. */
	++_nl_msg_cat_cntr;
	return true;
}

static const char *msgid_at(const lr__catalog *c, uint32_t i)
{
	uint32_t off;
	memcpy(&off, c->ids + 8 * (size_t)i + 4, sizeof off);
	return c->data + off;
}

static void check_language(const char *code, const char *localedir)
{
	lr__lang l;
	lr_error err;
	lr_error_clear(&err);
	if (!lr_test_ok(lr__lang_open(&l, code, &err) == LR_OK,
	                "%s: the catalogue opens %s", code, err.msg))
		return;
	lr_test_ok(l.cat.n > 100, "%s: %u messages", code, l.cat.n);
	if (!glibc_speaks(code, localedir)) {
		printf("# no C.UTF-8 locale: glibc comparison skipped\n");
		lr__lang_close(&l);
		return;
	}
	unsigned same = 0, differ = 0;
	for (uint32_t i = 1; i < l.cat.n; i++) { /* 0 is the header */
		const char *id = msgid_at(&l.cat, i);
		const char *ours = lr__catalog_get(&l.cat, id);
		const char *theirs = dgettext("landrelease", id);
		if (!strcmp(ours, theirs))
			same++;
		else if (differ++ < 3)
			printf("#   '%s': ours '%s', glibc '%s'\n", id, ours,
			       theirs);
	}
	lr_test_ok(differ == 0 && same == l.cat.n - 1,
	           "%s: every one of %u messages is what glibc's dgettext "
	           "gives (%u differ)",
	           code, l.cat.n - 1, differ);
	const char *absent = "A sentence no catalogue holds";
	lr_test_ok(lr__catalog_get(&l.cat, absent) == absent,
	           "%s: a string without translation comes back as itself",
	           code);
	lr_test_ok(strcmp(lr__catalog_get(&l.cat, "Summary"), "Summary") != 0,
	           "%s: 'Summary' is translated ('%s')", code,
	           lr__catalog_get(&l.cat, "Summary"));
	lr__lang_close(&l);
}

/* Write bytes as fr/LC_MESSAGES/landrelease.mo under dir. */
static void write_mo(const char *dir, const void *bytes, size_t n)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/fr", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/fr/LC_MESSAGES", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/fr/LC_MESSAGES/landrelease.mo", dir);
	FILE *f = fopen(path, "wb");
	fwrite(bytes, 1, n, f);
	fclose(f);
}

/* A real catalogue cut or corrupted must be refused with its name. */
static void check_broken(const char *localedir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/fr/LC_MESSAGES/landrelease.mo",
	         localedir);
	char *mo;
	size_t n;
	if (lr_read_file(path, &mo, &n, NULL) != LR_OK) {
		lr_test_ok(0, "the French catalogue %s is readable", path);
		return;
	}
	char dir[] = "/tmp/lr-i18n.XXXXXX";
	if (!mkdtemp(dir)) {
		free(mo);
		return;
	}
	setenv("LR_LOCALEDIR", dir, 1);
	struct {
		const char *what;
		size_t len;
		size_t poke; /* byte to overwrite, or SIZE_MAX */
		unsigned char value;
		const char *why;
	} cases[] = {
	        {"cut after the header", 28, SIZE_MAX, 0, "outside the file"},
	        {"cut in half", n / 2, SIZE_MAX, 0, "outside the file"},
	        {"bad magic", n, 0, 0x42, "bad magic number"},
	        {"message count too large", n, 11, 0x7f, "outside the file"},
	        {"shorter than a header", 12, SIZE_MAX, 0, "shorter"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		char *copy = malloc(n);
		memcpy(copy, mo, n);
		if (cases[k].poke != SIZE_MAX)
			copy[cases[k].poke] = (char)cases[k].value;
		write_mo(dir, copy, cases[k].len);
		free(copy);
		lr__lang l;
		lr_error err;
		lr_error_clear(&err);
		int rc = lr__lang_open(&l, "fr", &err);
		lr_test_ok(rc == LR_ERR_INPUT &&
		                   strstr(err.msg, cases[k].why) &&
		                   strstr(err.msg, "landrelease.mo"),
		           "a catalogue %s is refused: %s", cases[k].what,
		           err.msg);
		if (rc == LR_OK)
			lr__lang_close(&l);
	}
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	free(mo);
}

/* A catalogue msgfmt wrote (little-endian) and the same bytes swapped to
** big-endian: both read alike. */
static void check_byte_order(void)
{
	const char *src = getenv("LR_SOURCE_DIR");
	const char *names[2] = {"tiny.mo", "tiny-be.mo"};
	for (int k = 0; src && k < 2; k++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/tests/fuzz/corpus/mo/%s", src,
		         names[k]);
		char *data;
		size_t n;
		lr__catalog c;
		lr_error err;
		lr_error_clear(&err);
		int rc = lr_read_file(path, &data, &n, &err);
		if (rc == LR_OK)
			rc = lr__catalog_parse(&c, data, n, path, &err);
		lr_test_ok(rc == LR_OK && c.swap == k &&
		                   !strcmp(lr__catalog_get(&c, "Summary"),
		                           "R\xc3\xa9sum\xc3\xa9"),
		           "%s: 'Summary' reads 'R\xc3\xa9sum\xc3\xa9' %s",
		           names[k], err.msg);
		if (rc == LR_OK)
			lr__catalog_free(&c);
	}
}

/* lr__fmt_num against strings written out by hand, per language. */
static void check_numbers(void)
{
	static const struct {
		const char *lang;
		double v;
		int dec;
		bool thousands;
		const char *want;
	} cases[] = {
	        {"en", 1234567.891, 2, true, "1,234,567.89"},
	        {"en", -1234.5, 2, true, "-1,234.50"},
	        {"en", 999, 2, true, "999.00"},
	        {"en", -0.001, 2, true, "0.00"},
	        {"en", 1234.5, 2, false, "1234.50"},
	        {"fr", 1234567.891, 2, true, "1\u202f234\u202f567,89"},
	        {"fr", 2813778.69, 0, true, "2\u202f813\u202f779"},
	        {"fr", 0.5, 4, true, "0,5000"},
	        {"fr", 1234.5, 2, false, "1234,50"},
	        {"es", 1234567.891, 2, true, "1.234.567,89"},
	        {"es", -806942783.63, 2, true, "-806.942.783,63"},
	        {"es", 100, 0, true, "100"},
	};
	lr_report *r = lr_xcalloc(1, sizeof *r);
	for (size_t k = 0; r && k < sizeof cases / sizeof *cases; k++) {
		lr_error err;
		lr_error_clear(&err);
		if (lr__lang_open(&r->lang, cases[k].lang, &err) != LR_OK) {
			lr_test_ok(0, "%s: %s", cases[k].lang, err.msg);
			continue;
		}
		char buf[64];
		lr__fmt_num(r, cases[k].v, cases[k].dec, cases[k].thousands,
		            buf);
		lr_test_ok(!strcmp(buf, cases[k].want),
		           "%s: %.4f is '%s' ('%s')", cases[k].lang, cases[k].v,
		           cases[k].want, buf);
		lr__lang_close(&r->lang);
	}
	/* Too many digits to group in 64 bytes: printed plain, never cut. */
	lr_error err;
	lr__lang_open(&r->lang, "fr", &err);
	char buf[64];
	lr__fmt_num(r, 1e55, 2, true, buf);
	lr_test_ok(strlen(buf) == 59 && !strncmp(buf, "1000", 4),
	           "a number too long to group is printed whole (%zu chars)",
	           strlen(buf));
	lr__lang_close(&r->lang);
	free(r);
}

int main(void)
{
	const char *localedir = getenv("LR_LOCALEDIR");
	if (!localedir)
		lr_test_skip_all("LR_LOCALEDIR is not set (run by meson test)");
	char *dir = strdup(localedir);
	check_language("fr", dir);
	check_language("es", dir);
	/* LANGUAGE reaches glibc's own messages too (strerror): put it back
	** to English for the messages below. */
	setenv("LANGUAGE", "en", 1);
	++_nl_msg_cat_cntr;

	lr__lang l;
	lr_error err;
	lr_error_clear(&err);
	lr_test_ok(lr__lang_open(&l, "de", &err) == LR_ERR_USAGE &&
	                   strstr(err.msg, "'de'"),
	           "an unknown language is a usage error: %s", err.msg);
	lr_test_ok(lr__lang_open(&l, NULL, &err) == LR_OK && !l.cat.data &&
	                   !strcmp(l.decimal, "."),
	           "English needs no catalogue");
	lr__lang_close(&l);
	setenv("LR_LOCALEDIR", "/nonexistent-locale-dir", 1);
	lr_test_ok(lr__lang_open(&l, "es", &err) == LR_ERR_INPUT &&
	                   strstr(err.msg, "/nonexistent-locale-dir/es/"
	                                   "LC_MESSAGES/landrelease.mo") &&
	                   strstr(err.msg, "LR_LOCALEDIR"),
	           "a missing catalogue names its file and the variable: %s",
	           err.msg);
	check_broken(dir);
	check_byte_order();
	setenv("LR_LOCALEDIR", dir, 1);
	check_numbers();
	free(dir);
	return lr_test_done();
}
