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
**         table "t.csv").  The lines of a table are CSV rows, split here
**         into trimmed cells and turned into an lr_table the way
**         geo/table_read.c does after OGR has read the file (the first row
**         with two filled cells is the header, filled rows above it the
**         title, empty rows dropped), so no GDAL is involved.  Then
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

/* A copy of s[0..n) without surrounding white space (ASCII and no-break),
** as geo/table_read.c trims every cell. */
static char *trimmed(const char *s, size_t n)
{
	while (n > 0 && (isspace((unsigned char)*s) ||
	                 (n >= 2 && (unsigned char)s[0] == 0xC2 &&
	                  (unsigned char)s[1] == 0xA0))) {
		size_t k = (unsigned char)*s == 0xC2 ? 2 : 1;
		s += k;
		n -= k;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	while (n >= 2 && (unsigned char)s[n - 2] == 0xC2 &&
	       (unsigned char)s[n - 1] == 0xA0)
		n -= 2;
	return xstrndup(s, n);
}

/* Split one CSV line (no newline) into at most MAX_COLS trimmed cells;
** double quotes around a field, "" inside it for a quote.  Returns the
** number of fields. */
static int split_csv(const char *line, char **out)
{
	int n = 0;
	const char *p = line;
	size_t len = strlen(line);
	char *buf = xcalloc(len + 1, 1);
	for (;;) {
		size_t k = 0;
		while (*p == ' ')
			p++;
		if (*p == '"') {
			p++;
			while (*p) {
				if (*p == '"' && p[1] == '"') {
					buf[k++] = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					buf[k++] = *p++;
				}
			}
			while (*p && *p != ',')
				buf[k++] = *p++;
		} else {
			while (*p && *p != ',')
				buf[k++] = *p++;
		}
		if (n < MAX_COLS)
			out[n++] = trimmed(buf, k);
		if (*p != ',')
			break;
		p++;
	}
	free(buf);
	return n;
}

static int filled(char **row, int n)
{
	int k = 0;
	for (int c = 0; c < n; c++)
		k += row[c][0] != '\0';
	return k;
}

/* Role and names of a table from its "#" line. */
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
** Build table t from the lines [first, last) of lines: a grid as wide as
** its widest row, then grid_to_table's rules.  Returns false (t left for
** the caller to free) when no row has two filled cells.  *budget is the
** number of data rows still allowed.
*/
static bool build_table(lr_table *t, char **lines, size_t first, size_t last,
                        size_t *budget)
{
	size_t nl = last - first;
	char ***grid = xcalloc(nl, sizeof *grid);
	int *nf = xcalloc(nl, sizeof *nf);
	int width = 1;
	for (size_t i = 0; i < nl; i++) {
		grid[i] = xcalloc(MAX_COLS, sizeof **grid);
		nf[i] = split_csv(lines[first + i], grid[i]);
		if (nf[i] > width)
			width = nf[i];
	}
	for (size_t i = 0; i < nl; i++)
		for (int c = nf[i]; c < width; c++)
			grid[i][c] = xstrndup("", 0);
	size_t h = 0;
	while (h < nl && filled(grid[h], width) < 2)
		h++;
	bool ok = h < nl;
	if (ok) {
		size_t tlen = 1;
		for (size_t r = 0; r < h; r++)
			for (int c = 0; c < width; c++)
				tlen += strlen(grid[r][c]) + 1;
		t->title = xcalloc(tlen, 1);
		for (size_t r = 0; r < h; r++)
			for (int c = 0; c < width; c++)
				if (grid[r][c][0]) {
					if (t->title[0])
						strcat(t->title, " ");
					strcat(t->title, grid[r][c]);
				}
		int ncols = width;
		while (ncols > 0 && grid[h][ncols - 1][0] == '\0')
			ncols--;
		t->n_cols = ncols;
		t->header = xcalloc((size_t)ncols, sizeof *t->header);
		for (int c = 0; c < ncols; c++) {
			t->header[c] = grid[h][c];
			grid[h][c] = NULL;
		}
		t->cells = xcalloc((nl - h) * (size_t)ncols, sizeof *t->cells);
		t->line = xcalloc(nl - h, sizeof *t->line);
		for (size_t r = h + 1; r<nl && * budget> 0; r++) {
			if (filled(grid[r], width) == 0)
				continue;
			char **dst = t->cells + t->n_rows * (size_t)ncols;
			for (int c = 0; c < ncols; c++) {
				dst[c] = grid[r][c];
				grid[r][c] = NULL;
			}
			t->line[t->n_rows++] = (long)(r - h + 1);
			(*budget)--;
		}
	}
	for (size_t i = 0; i < nl; i++) {
		for (int c = 0; c < width; c++)
			free(grid[i][c]);
		free(grid[i]);
	}
	free(grid);
	free(nf);
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
	/* Lines, without '\r'. */
	size_t nlines = 1;
	for (const char *p = text; *p; p++)
		nlines += *p == '\n';
	char **lines = xcalloc(nlines, sizeof *lines);
	size_t n = 0;
	for (char *p = text; p; n++) {
		lines[n] = p;
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		size_t len = strlen(p);
		if (len && p[len - 1] == '\r')
			p[len - 1] = '\0';
		p = nl ? nl + 1 : NULL;
	}
	lr_table_set set = {xcalloc(MAX_TABLES, sizeof(lr_table)), 0};
	lr_check_role roles[MAX_TABLES];
	size_t budget = MAX_ROWS;
	size_t i = 0;
	while (i < n && set.n < MAX_TABLES) {
		const char *spec = "t.csv";
		if (lines[i][0] == '#')
			spec = lines[i++] + 1;
		size_t end = i;
		while (end < n && lines[end][0] != '#')
			end++;
		lr_table *t = &set.tables[set.n];
		memset(t, 0, sizeof *t);
		name_table(t, &roles[set.n], spec);
		if (build_table(t, lines, i, end, &budget)) {
			set.n++;
		} else {
			/* no header row: read_impl drops the table */
			free(t->path);
			free(t->layer);
			free(t->name);
			memset(t, 0, sizeof *t);
		}
		i = end;
	}
	free(lines);
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
