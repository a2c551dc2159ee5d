/*
** The checker of a submitted request (engine/check/).  The first byte
** picks what the rest is (a newline right after it is skipped):
**
**   even: figures, one a line, to lr_check_parse_figure at the scales of
**         m2, ha and km2, and to lr_check_parse_precision.  A figure read
**         must print back (in its own unit) as the same value, and an
**         accepted precision must be a finite number of m2 above zero.
**   odd:  a request.  An optional first line "!p=PRECISION t=TOLERANCE
**         y=YYYY-YYYY" gives the options as `landrelease check` would take
**         them; then tables, each after a line "#NAME" ("#previous:NAME"
**         or "#ledger:NAME" for the other roles; "book.xlsx:sheet" is a
**         sheet of a workbook; with no "#" line the whole text is one
**         table "t.csv").  The text of each table is read as a CSV file
**         by lr_table_read_buffer, as `landrelease check` reads one (its
**         encodings, separators, quoted cells over lines; the first row
**         with two filled cells is the header, filled rows above it the
**         title, empty rows dropped); a refusal must name the file.  Then
**         lr_check_run: every finding has its rule and message, the counts
**         add up, and a failure is LR_ERR_INPUT (or LR_ERR_NOMEM) with
**         no report and a message.
**
** Tables are capped (8 tables, 64 columns, 256 rows in all) so that the
** checker's quadratic and cubic loops, harmless on real requests, keep
** executions fast.  With LR_FUZZ_VERBOSE set, the notes and findings of
** each request go to stderr (to replay a finding or check a seed).
*/
#include "fuzz_common.h"
#include "lr_check.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>

enum { MAX_TABLES = 8, MAX_COLS = 64, MAX_ROWS = 256 };

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (p == NULL)
		abort();
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p == NULL)
		abort();
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- Figures ------------------------------------------------------------ */

/* v hundredths of m2 scaled by 10^scale_exp, written in its own unit with
** no trailing zeros: "1234.56", "-0.0000125". */
static void print_figure(char *buf, size_t size, int64_t v, int scale_exp)
{
	int exp = 2 + scale_exp;
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t p = 1;
	for (int i = 0; i < exp; i++)
		p *= 10;
	char frac[24];
	uint64_t fr = a % p;
	for (int i = exp - 1; i >= 0; i--) {
		frac[i] = (char)('0' + fr % 10);
		fr /= 10;
	}
	int nd = exp;
	while (nd > 0 && frac[nd - 1] == '0')
		nd--;
	frac[nd] = '\0';
	snprintf(buf, size, "%s%" PRIu64 "%s%s", v < 0 ? "-" : "", a / p,
	         nd ? "." : "", frac);
}

static void fuzz_figure(const char *s)
{
	static const int scales[] = {0, 4, 6};
	for (int k = 0; k < 3; k++) {
		int64_t v = 0, v2 = 0;
		int dec = -1, dec2 = -1;
		int rc = lr_check_parse_figure(s, scales[k], &v, &dec);
		if (rc != 1) {
			if (rc != 0 && rc != -1)
				abort();
			continue;
		}
		if (dec < 0)
			abort();
		char buf[64];
		print_figure(buf, sizeof buf, v, scales[k]);
		if (lr_check_parse_figure(buf, scales[k], &v2, &dec2) != 1 ||
		    v2 != v) {
			fprintf(stderr,
			        "'%s' at 10^%d: %" PRId64 ", printed '%s', "
			        "read back as %" PRId64 "\n",
			        s, scales[k], v, buf, v2);
			abort();
		}
	}
	double m2 = 0;
	lr_error err = {0};
	if (lr_check_parse_precision(s, &m2, &err) == LR_OK) {
		if (!(m2 > 0) || !isfinite(m2)) {
			fprintf(stderr, "precision '%s' read as %g m2\n", s,
			        m2);
			abort();
		}
	} else if (err.msg[0] == '\0') {
		abort();
	}
}

/* ---- Tables ------------------------------------------------------------- */

/* Role and names of a table from its "#" line; t's names are replaced. */
static void name_table(lr_table *t, lr_check_role *role, const char *spec)
{
	*role = LR_CHECK_SUBMITTED;
	if (!strncmp(spec, "previous:", 9)) {
		*role = LR_CHECK_PREVIOUS;
		spec += 9;
	} else if (!strncmp(spec, "ledger:", 7)) {
		*role = LR_CHECK_LEDGER;
		spec += 7;
	}
	if (*spec == '\0')
		spec = "t.csv";
	free(t->path);
	free(t->layer);
	free(t->name);
	const char *colon = strchr(spec, ':');
	if (colon) { /* book.xlsx:sheet */
		t->path = xstrndup(spec, (size_t)(colon - spec));
		t->layer = xstrndup(colon + 1, strlen(colon + 1));
	} else { /* a CSV: the layer is the file's base name */
		const char *base = strrchr(spec, '/');
		base = base ? base + 1 : spec;
		t->path = xstrndup(spec, strlen(spec));
		t->layer = xstrndup(base, strlen(base));
	}
	t->name = xstrndup(spec, strlen(spec));
}

/*
** Read text[0..n) as the CSV file t.csv through lr_table_read_buffer, the
** reader `landrelease check` uses, into *t.  false when it holds no table,
** more than MAX_COLS columns or more rows than *budget still allows (the
** reader's refusals must name the file).
*/
static bool read_table(const char *text, size_t n, lr_table *t, size_t *budget)
{
	lr_table_set s = {0};
	lr_error err = {0};
	int rc = lr_table_read_buffer(text, n, "t.csv", &s, &err);
	if (rc != LR_OK) {
		if (rc != LR_ERR_INPUT && rc != LR_ERR_NOMEM)
			abort();
		if (!strstr(err.msg, "t.csv"))
			abort();
		return false;
	}
	bool ok = s.n == 1 && s.tables[0].n_cols <= MAX_COLS &&
	          s.tables[0].n_rows <= *budget;
	if (ok) {
		*t = s.tables[0];
		*budget -= t->n_rows;
		s.n = 0;
	}
	lr_table_set_free(&s);
	return ok;
}

/* "!p=0.01km2 t=1 y=2024-2028": the options of `landrelease check`. */
static void parse_options(char *line, lr_check_options *o)
{
	for (char *tok = strtok(line, " \t"); tok; tok = strtok(NULL, " \t")) {
		if (!strncmp(tok, "p=", 2)) {
			lr_error err = {0};
			double m2;
			if (lr_check_parse_precision(tok + 2, &m2, &err) ==
			    LR_OK)
				o->precision_m2 = m2;
			else if (err.msg[0] == '\0')
				abort();
		} else if (!strncmp(tok, "t=", 2)) {
			char *end;
			errno = 0;
			double t = strtod(tok + 2, &end);
			if (end != tok + 2 && !*end && !errno && t >= 0 &&
			    isfinite(t))
				o->tolerance_m2 = t;
		} else if (!strncmp(tok, "y=", 2)) {
			int a, b, n = 0;
			if (sscanf(tok + 2, "%d-%d%n", &a, &b, &n) == 2 &&
			    tok[2 + n] == '\0' && a >= 1900 && b <= 2200 &&
			    b >= a) {
				o->period_first = a;
				o->period_last = b;
			}
		}
	}
}

static void check_report(const lr_check_report *rep)
{
	int n[3] = {0, 0, 0};
	for (size_t i = 0; i < rep->findings.len; i++) {
		const lr_check_finding *f =
		        &LR_VEC_AT(&rep->findings, lr_check_finding, i);
		if (f->rule == NULL || f->message == NULL || f->table == NULL ||
		    f->row == NULL || f->column == NULL || f->stated == NULL ||
		    f->expected == NULL || f->difference == NULL) {
			fprintf(stderr, "finding %zu: a NULL field\n", i);
			abort();
		}
		bool known = false; /* rule is one of the static ids */
		for (size_t k = 0; k < lr_check_n_rules; k++)
			known = known || f->rule == lr_check_rules[k].id;
		if (!known)
			abort();
		if (f->severity == LR_SEV_ERROR)
			n[0]++;
		else if (f->severity == LR_SEV_WARNING)
			n[1]++;
		else
			n[2]++;
	}
	if (n[0] != rep->n_error || n[1] != rep->n_warning ||
	    n[2] != rep->n_info)
		abort();
	for (size_t i = 0; i < rep->notes.len; i++)
		if (LR_VEC_AT(&rep->notes, char *, i) == NULL)
			abort();
}

static void fuzz_request(char *text)
{
	lr_check_options o = {.tolerance_m2 = 1.0};
	if (text[0] == '!') {
		char *rest = fuzz_split(text);
		parse_options(text + 1, &o);
		text = rest;
	}
	lr_table_set set = {xcalloc(MAX_TABLES, sizeof(lr_table)), 0};
	lr_check_role roles[MAX_TABLES];
	size_t budget = MAX_ROWS;
	for (char *p = text; *p && set.n < MAX_TABLES;) {
		const char *spec = "t.csv";
		if (*p == '#') {
			spec = p + 1;
			p = fuzz_split(p);
		}
		/* the table: up to the next line starting with '#' */
		char *end = p;
		while (*end && !(*end == '#' && (end == p || end[-1] == '\n')))
			end++;
		lr_table *t = &set.tables[set.n];
		memset(t, 0, sizeof *t);
		if (read_table(p, (size_t)(end - p), t, &budget)) {
			name_table(t, &roles[set.n], spec);
			set.n++;
		}
		p = end;
	}
	if (set.n > 0) {
		lr_check_input in[MAX_TABLES];
		for (size_t k = 0; k < set.n; k++)
			in[k] = (lr_check_input){&set.tables[k], roles[k]};
		lr_check_report sentinel, *rep = &sentinel;
		lr_error err = {0};
		int rc = lr_check_run(in, set.n, &o, &rep, &err);
		if (rc == LR_OK) {
			if (rep == NULL)
				abort();
			check_report(rep);
			static FILE *devnull;
			if (devnull == NULL)
				devnull = fopen("/dev/null", "w");
			if (devnull)
				lr_check_report_print(rep, devnull);
			if (getenv("LR_FUZZ_VERBOSE")) {
				for (size_t k = 0; k < rep->notes.len; k++)
					fprintf(stderr, "%s\n",
					        LR_VEC_AT(&rep->notes, char *,
					                  k));
				lr_check_report_print(rep, stderr);
			}
			lr_check_report_free(rep);
		} else if (rep != NULL || err.msg[0] == '\0' ||
		           (rc != LR_ERR_INPUT && rc != LR_ERR_NOMEM)) {
			/* a request the check cannot use is an unusable
			** input, nothing else */
			abort();
		} else if (getenv("LR_FUZZ_VERBOSE")) {
			fprintf(stderr, "check: %s\n", err.msg);
		}
	}
	lr_table_set_free(&set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 16384)
		return 0;
	size_t skip = size > 1 && data[1] == '\n' ? 2 : 1;
	char *text = fuzz_cstr(data + skip, size - skip);
	if (data[0] % 2 == 0) {
		for (char *line = text;;) {
			bool more = strchr(line, '\n') != NULL;
			char *rest = fuzz_split(line);
			fuzz_figure(line);
			if (!more)
				break;
			line = rest;
		}
	} else {
		fuzz_request(text);
	}
	free(text);
	return 0;
}
