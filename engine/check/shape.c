/*
** A table as published turned into one the rules read: title rows above the
** header (their years date the table), a header over two rows, footnote
** marks, years as columns turned into rows, the region key found (the
** nation when there is none), province rows over their districts and
** subtotal rows turned into parent_id.  Everything done is recorded in the
** table's reading (tables.csv, --explain); nothing is dropped unsaid.
*/
#include "check_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A grid of owned cells: row 0 the header once it is found. */
typedef struct sgrid {
	char **c; /* [nr * nc], owned; NULL is an empty cell */
	long *line;
	size_t nr, cap;
	int nc;
} sgrid;

static void sg_free(sgrid *g)
{
	for (size_t i = 0; i < g->nr * (size_t)g->nc; i++)
		free(g->c[i]);
	free(g->c);
	free(g->line);
	memset(g, 0, sizeof *g);
}

static char **sg_row(const sgrid *g, size_t r)
{
	return g->c + r * (size_t)g->nc;
}

static const char *sg_at(const sgrid *g, size_t r, int c)
{
	const char *s = c >= 0 && c < g->nc ? sg_row(g, r)[c] : NULL;
	return s ? s : "";
}

/* A new empty row; NULL when out of memory. */
static char **sg_add(sgrid *g, long line)
{
	if (g->nr == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		char **c = realloc(g->c, cap * (size_t)g->nc * sizeof *c);
		if (!c)
			return NULL;
		g->c = c;
		long *l = realloc(g->line, cap * sizeof *l);
		if (!l)
			return NULL;
		g->line = l;
		g->cap = cap;
	}
	char **row = g->c + g->nr * (size_t)g->nc;
	memset(row, 0, (size_t)g->nc * sizeof *row);
	g->line[g->nr++] = line;
	return row;
}

static int filled(const sgrid *g, size_t r)
{
	int n = 0;
	for (int c = 0; c < g->nc; c++)
		n += *sg_at(g, r, c) != '\0';
	return n;
}

/* The source table as a grid, its header as row 0. */
static bool load(const lr_table *t, sgrid *g)
{
	g->nc = t->n_cols > 0 ? t->n_cols : 1;
	char **row = sg_add(g, 1);
	if (!row)
		return false;
	for (int c = 0; c < t->n_cols; c++)
		if (!(row[c] = lr_strdup(t->header[c])))
			return false;
	for (size_t r = 0; r < t->n_rows; r++) {
		if (!(row = sg_add(g, t->line[r])))
			return false;
		for (int c = 0; c < t->n_cols; c++)
			if (!(row[c] = lr_strdup(lr_table_cell(t, r, c))))
				return false;
	}
	return true;
}

/* Is s a figure (not a blank marker, a year heading or a word)? */
static bool is_figure(const char *s)
{
	int64_t v;
	int dec;
	return lr_check_parse_figure(s, 0, &v, &dec) == 1;
}

/* Append s to the title, a space between. */
static bool title_add(char **title, const char *s)
{
	if (!*s)
		return true;
	size_t a = *title ? strlen(*title) : 0;
	char *t = realloc(*title, a + strlen(s) + 2);
	if (!t)
		return false;
	snprintf(t + a, strlen(s) + 2, "%s%s", a ? " " : "", s);
	*title = t;
	return true;
}

/* Rows above the first with two filled cells are title rows: their text
** goes to p->title, the rows away. */
static bool take_title(sgrid *g, lr__tab *p)
{
	size_t h = 0;
	while (h < g->nr && filled(g, h) < 2)
		h++;
	if (h == g->nr)
		return true; /* no header: the caller reports it */
	for (size_t r = 0; r < h; r++)
		for (int c = 0; c < g->nc; c++)
			if (!title_add(&p->title, sg_at(g, r, c)))
				return false;
	for (size_t i = 0; i < h * (size_t)g->nc; i++)
		free(g->c[i]);
	memmove(g->c, g->c + h * (size_t)g->nc,
	        (g->nr - h) * (size_t)g->nc * sizeof *g->c);
	memmove(g->line, g->line + h, (g->nr - h) * sizeof *g->line);
	g->nr -= h;
	p->title_rows = (int)h;
	return true;
}

/* Is row r a second header row: no figures but years, and either an empty
** first cell or words of units and counts in every filled cell? */
static bool is_subheader(const sgrid *g, size_t r)
{
	if (r >= g->nr || filled(g, r) == 0)
		return false;
	bool words = true;
	for (int c = 0; c < g->nc; c++) {
		const char *s = sg_at(g, r, c);
		char norm[96];
		int y;
		lr__check_norm_header(s, norm, sizeof norm);
		if (!*s)
			continue;
		if (lr__check_heading_is_year(norm, &y))
			continue;
		if (is_figure(s))
			return false;
		words = words && (strstr(norm, "area") || strstr(norm, "km2") ||
		                  strstr(norm, "m2") || strstr(norm, "ha") ||
		                  strstr(norm, "number") || strstr(norm, "no"));
	}
	return !*sg_at(g, r, 0) || words;
}

/* Row 1 merged into row 0: "CHA" over "Area (km²)" is "CHA Area (km²)"; a
** group heading spans the empty cells after it (merged cells). */
static bool merge_subheader(sgrid *g, lr__tab *p)
{
	if (!is_subheader(g, 1))
		return true;
	char **top = sg_row(g, 0), **sub = sg_row(g, 1);
	const char *group = "";
	for (int c = 0; c < g->nc; c++) {
		if (top[c] && *top[c])
			group = top[c];
		else if (!sub[c] || !*sub[c])
			group = "";
		const char *t = top[c] && *top[c] ? top[c] : group;
		const char *s = sub[c] ? sub[c] : "";
		char *m = NULL;
		if (asprintf(&m, "%s%s%s", t, *t && *s ? " " : "", s) < 0)
			return false;
		free(sub[c]);
		sub[c] = m;
	}
	for (int c = 0; c < g->nc; c++)
		free(top[c]);
	memmove(g->c, g->c + g->nc, (g->nr - 1) * (size_t)g->nc * sizeof *g->c);
	memmove(g->line, g->line + 1, (g->nr - 1) * sizeof *g->line);
	g->nr--;
	p->two_row_header = true;
	return true;
}

/* Strip one footnote mark at the end of s in place: "[3]", "(a)" after a
** figure, "*", "†", "‡", a superscript digit or a lone letter after a
** figure.  true when one was stripped. */
static bool strip_mark(char *s)
{
	size_t n = strlen(s);
	size_t k = n;
	if (n >= 3 && s[n - 1] == ']') {
		char *o = strrchr(s, '[');
		if (o && o > s && s + n - o <= 6)
			k = (size_t)(o - s);
	} else if (n >= 1 && s[n - 1] == '*') {
		k = n - 1;
	} else if (n >= 3 && !strncmp(s + n - 3, "\xe2\x80\xa0", 3)) {
		k = n - 3; /* dagger */
	} else if (n >= 3 && !strncmp(s + n - 3, "\xe2\x80\xa1", 3)) {
		k = n - 3;
	} else if (n >= 3 && (unsigned char)s[n - 2] == 0xC2 &&
	           ((unsigned char)s[n - 1] == 0xB9 ||
	            (unsigned char)s[n - 1] == 0xB3) &&
	           isdigit((unsigned char)s[n - 3])) {
		k = n - 2; /* superscript one or three after a figure */
	} else if (n >= 2 && islower((unsigned char)s[n - 1]) &&
	           !isalpha((unsigned char)s[n - 2])) {
		char tmp[64];
		snprintf(tmp, sizeof tmp, "%.*s", (int)(n - 1), s);
		size_t t = strlen(tmp);
		while (t && tmp[t - 1] == ' ')
			tmp[--t] = '\0';
		if (t && n < sizeof tmp && is_figure(tmp))
			k = n - 1;
	}
	if (k == n || k == 0)
		return false;
	while (k > 0 && s[k - 1] == ' ')
		k--;
	s[k] = '\0';
	return true;
}

/* Rows below the last row of figures holding one cell of text ("Note: *
** 107 unsurveyed minefield records...", "Source: ...") are the table's
** notes: off the rows, into the title, counted for the reading. */
static bool take_notes(sgrid *g, lr__tab *p)
{
	size_t last = 0;
	for (size_t r = 1; r < g->nr; r++)
		for (int c = 0; c < g->nc; c++)
			if (is_figure(sg_at(g, r, c)))
				last = r;
	while (g->nr > last + 1 && filled(g, g->nr - 1) == 1) {
		size_t r = g->nr - 1;
		for (int c = 0; c < g->nc; c++) {
			if (!title_add(&p->title, sg_at(g, r, c)))
				return false;
			free(sg_row(g, r)[c]);
		}
		g->nr--;
		p->note_rows++;
	}
	return true;
}

/* Footnote marks off every cell; counted per column for the reading. */
static void strip_footnotes(sgrid *g, lr__tab *p)
{
	for (size_t r = 0; r < g->nr; r++)
		for (int c = 0; c < g->nc; c++) {
			char *s = sg_row(g, r)[c];
			if (!s || !*s)
				continue;
			char before[64];
			snprintf(before, sizeof before, "%s", s);
			bool any = false;
			while (strip_mark(s))
				any = true;
			if (!any)
				continue;
			p->heads[c].marks++;
			if (!*p->heads[c].mark_eg)
				snprintf(p->heads[c].mark_eg,
				         sizeof p->heads[c].mark_eg, "%s",
				         before);
		}
}

/* The date text gives, YYYYMM: its last year, and the month or "end"; 0
** when it names no year. */
static int text_date(const char *t)
{
	static const char *const months[] = {"jan", "feb", "mar", "apr",
	                                     "may", "jun", "jul", "aug",
	                                     "sep", "oct", "nov", "dec"};
	int date = 0;
	for (const char *s = t; *s; s++) {
		if (!isdigit((unsigned char)s[0]) ||
		    strspn(s, "0123456789") != 4 ||
		    (s > t && isalnum((unsigned char)s[-1])))
			continue;
		int y = atoi(s);
		if (y < 1990 || y > 2100)
			continue;
		int m = 12;
		if (s[4] == '-' && isdigit((unsigned char)s[5]) &&
		    isdigit((unsigned char)s[6]) && s[7] == '-')
			m = (s[5] - '0') * 10 + (s[6] - '0');
		for (int k = 0; k < 12 && m == 12; k++) {
			const char *q = strcasestr(t, months[k]);
			if (q && q < s && s - q < 16)
				m = k + 1;
		}
		date = y * 100 + m;
		s += 3;
	}
	return date;
}

/* The date a title gives a table. */
static void title_date(lr__tab *p)
{
	p->date = text_date(p->title ? p->title : "");
}

/* ---- Headings ---- */

/* The title normalised as a heading, its footnote marks ("(km²)[2]") out
** so that its unit and words read as they would in a heading. */
static void title_norm(const lr__tab *p, char *norm, size_t size)
{
	char buf[512];
	size_t n = 0;
	for (const char *t = p->title ? p->title : ""; *t && n + 1 < sizeof buf;
	     t++) {
		const char *e = *t == '[' ? strchr(t, ']') : NULL;
		if (e && e - t <= 4) {
			t = e;
			continue;
		}
		buf[n++] = *t;
	}
	buf[n] = '\0';
	lr__check_norm_header(buf, norm, size);
}

/* Each heading read into the name the rules use (p->heads[c].canon); a
** bare area after a count column is that count's area. */
static void read_headings(const sgrid *g, lr__tab *p, bool dated,
                          const lr_table *in, const lr_check_columns *cols)
{
	char prev[96] = "", tnorm[512], tunit[16];
	title_norm(p, tnorm, sizeof tnorm);
	lr__check_heading_unit(tnorm, tunit, sizeof tunit);
	for (int c = 0; c < g->nc; c++) {
		lr__head *h = &p->heads[c];
		char norm[96];
		lr__check_norm_header(sg_at(g, 0, c), norm, sizeof norm);
		const lr__colmap *m =
		        lr__check_column_map(cols, in, sg_at(g, 0, c));
		if (m) {
			snprintf(h->canon, sizeof h->canon, "%s", m->canon);
			snprintf(h->why, sizeof h->why, "line %d of --columns",
			         m->line);
			h->ignored = !strcmp(m->canon, "ignore");
			*prev = '\0';
		} else if (lr__check_known_name(norm)) {
			snprintf(h->canon, sizeof h->canon, "%s", norm);
			*prev = '\0';
		} else {
			lr__check_read_heading(norm, prev, dated, tunit,
			                       h->canon, sizeof h->canon,
			                       h->why, sizeof h->why);
		}
		char base[96];
		if (lr__check_heading_names_count(h->canon, base, sizeof base))
			snprintf(prev, sizeof prev, "%s", base);
		else
			*prev = '\0';
	}
}

static int find_heading(const sgrid *g, const char *norm_name)
{
	for (int c = 0; c < g->nc; c++) {
		char norm[96];
		lr__check_norm_header(sg_at(g, 0, c), norm, sizeof norm);
		if (!strcmp(norm, norm_name))
			return c;
	}
	return -1;
}

/* ---- Years as columns ---- */

/* The columns headed by a year ("2014", "End 2014"), their count. */
static int year_columns(const sgrid *g, int *years)
{
	int n = 0;
	for (int c = 0; c < g->nc; c++) {
		char norm[96];
		lr__check_norm_header(sg_at(g, 0, c), norm, sizeof norm);
		years[c] = 0;
		if (lr__check_heading_is_year(norm, &years[c]))
			n++;
	}
	return n;
}

/* Whether a title's figure (lr__check_heading_figure) is land held at a
** date (none named, the total, remaining, SHA or CHA land) rather than
** land that moved in a year (new, released, cleared...). */
static bool held_at_a_date(const char *base)
{
	return !*base || !strcmp(base, "total") || !strcmp(base, "remaining") ||
	       !strcmp(base, "sha") || !strcmp(base, "cha");
}

/* What the figures under the years are: the title's words say (released,
** cleared, new...), else land remaining at the end of each year; their
** unit from the year headings or the title. */
static void year_value(const sgrid *g, lr__tab *p, const int *years,
                       lr__head *h)
{
	char norm[512], unit[16] = "", base[32];
	title_norm(p, norm, sizeof norm);
	for (int c = 0; c < g->nc && !*unit; c++)
		if (years[c]) {
			char hn[96];
			lr__check_norm_header(sg_at(g, 0, c), hn, sizeof hn);
			lr__check_heading_unit(hn, unit, sizeof unit);
		}
	if (!*unit)
		lr__check_heading_unit(norm, unit, sizeof unit);
	lr__check_heading_figure(norm, base, sizeof base);
	/* "Remaining confirmed hazardous area (km²)": the land of one type
	** at the end of each year is the land remaining the table states. */
	bool typed = !strcmp(base, "sha") || !strcmp(base, "cha");
	if (held_at_a_date(base))
		snprintf(base, sizeof base, "remaining_end");
	snprintf(h->canon, sizeof h->canon, "%s_%s", base, *unit ? unit : "m2");
	snprintf(h->why, sizeof h->why,
	         "years as columns, read as %s at the end of each year%s%s",
	         base, typed ? " (the title names SHA or CHA land only)" : "",
	         *unit ? "" : "; the unit is not stated: read as m²");
	h->unit_guessed = !*unit;
}

/* One column headed by a date ("End February 2012") in a table with no
** year: the land the title names (CHA, SHA, else the total) as of that
** date, which dates the table when its title does not. */
static void dated_column(const sgrid *g, lr__tab *p, const int *years)
{
	int c = 0;
	while (!years[c])
		c++;
	lr__head *h = &p->heads[c];
	if (!strncmp(h->why, "line ", 5))
		return; /* read by --columns */
	char hn[96], norm[512], unit[16] = "", base[32];
	lr__check_norm_header(sg_at(g, 0, c), hn, sizeof hn);
	title_norm(p, norm, sizeof norm);
	lr__check_heading_unit(hn, unit, sizeof unit);
	if (!*unit)
		lr__check_heading_unit(norm, unit, sizeof unit);
	lr__check_heading_figure(norm, base, sizeof base);
	if (strcmp(base, "sha") && strcmp(base, "cha"))
		snprintf(base, sizeof base, "total");
	snprintf(h->canon, sizeof h->canon, "%s_%s", base, *unit ? unit : "m2");
	snprintf(h->why, sizeof h->why, "a date as its heading: %s as of it%s",
	         base, *unit ? "" : "; the unit is not stated: read as m²");
	h->unit_guessed = !*unit;
	if (!p->date)
		p->date = text_date(sg_at(g, 0, c));
}

/* A column of figures beside years as columns: a total is the sum of the
** row's years (checked, R01); nothing else has a year to be read for. */
static void beside_years(lr__head *h)
{
	char base[96], unit[16] = "";
	lr__check_heading_base(h->canon, base, sizeof base);
	const char *u = strrchr(h->canon, '_');
	if (u && (!strcmp(u, "_m2") || !strcmp(u, "_km2") || !strcmp(u, "_ha")))
		snprintf(unit, sizeof unit, "%s", u);
	if (!strcmp(base, "total") && *unit) {
		snprintf(h->canon, sizeof h->canon, "years_total%s", unit);
		snprintf(h->why, sizeof h->why,
		         "the sum of the row's years (years as columns)");
		return;
	}
	snprintf(h->why, sizeof h->why,
	         "figures beside years as columns: no year to read them for");
	snprintf(h->canon, sizeof h->canon, "beside_years");
}

/* Years as columns turned into a year column and one column of figures:
** a row per region and year.  Other columns of figures are kept and
** marked: nothing reads them per year. */
static bool unpivot(sgrid *g, lr__tab *p, const int *years)
{
	sgrid n = {.nc = 0};
	int map[512], nk = 0;
	for (int c = 0; c < g->nc && nk < 510; c++)
		if (!years[c])
			map[nk++] = c;
	n.nc = nk + 2;
	lr__head *heads = lr_xcalloc((size_t)n.nc + 4, sizeof *heads);
	char **row = heads ? sg_add(&n, 1) : NULL;
	if (!row)
		goto fail;
	for (int k = 0; k < nk; k++) {
		heads[k] = p->heads[map[k]];
		if (!(row[k] = lr_strdup(sg_at(g, 0, map[k]))))
			goto fail;
	}
	year_value(g, p, years, &heads[nk + 1]);
	snprintf(heads[nk].canon, sizeof heads[nk].canon, "year");
	snprintf(heads[nk].why, sizeof heads[nk].why,
	         "the years of the column headings");
	row[nk] = lr_strdup("Year");
	row[nk + 1] = lr_strdup(heads[nk + 1].canon);
	if (!row[nk] || !row[nk + 1])
		goto fail;
	for (size_t r = 1; r < g->nr; r++)
		for (int c = 0; c < g->nc; c++) {
			if (!years[c])
				continue;
			if (!(row = sg_add(&n, g->line[r])))
				goto fail;
			for (int k = 0; k < nk; k++)
				if (!(row[k] = lr_strdup(sg_at(g, r, map[k]))))
					goto fail;
			if (asprintf(&row[nk], "%d", years[c]) < 0) {
				row[nk] = NULL;
				goto fail;
			}
			if (!(row[nk + 1] = lr_strdup(sg_at(g, r, c))))
				goto fail;
		}
	for (int c = 0; c < g->nc; c++)
		if (years[c])
			heads[nk + 1].marks += p->heads[c].marks;
	snprintf(p->value_canon, sizeof p->value_canon, "%s",
	         heads[nk + 1].canon);
	for (int k = 0; k < nk; k++)
		if (lr__check_heading_is_figure(heads[k].canon))
			beside_years(&heads[k]);
	sg_free(g);
	*g = n;
	free(p->heads);
	p->heads = heads;
	p->years_as_columns = true;
	return true;
fail:
	sg_free(&n);
	free(heads);
	return false;
}
/* ---- Years over groups of columns ---- */

/* Columns in groups under years ("End-2014 | | End-2015 |" over "CHAs |
** Area | SHAs | Area", joined into "End-2014 CHAs"...): each column's year
** (0 outside the groups) and place in its group; the size of a group, 0
** unless there are two or more groups of one size, each of its own year. */
static int year_groups(const sgrid *g, int *years, int *pos)
{
	int ng = 0, seen[64], size[64];
	for (int c = 0; c < g->nc; c++) {
		char norm[96], rest[96];
		int y;
		lr__check_norm_header(sg_at(g, 0, c), norm, sizeof norm);
		years[c] = pos[c] = 0;
		if (lr__check_heading_is_year(norm, &y) ||
		    !lr__check_heading_year_prefix(norm, &y, rest, sizeof rest))
			continue; /* "2005 (m²)" is a year, not a group */
		if (ng == 0 || y != seen[ng - 1]) {
			for (int i = 0; i < ng; i++)
				if (seen[i] == y)
					return 0;
			if (ng == 64)
				return 0;
			seen[ng] = y;
			size[ng++] = 0;
		}
		years[c] = y;
		pos[c] = size[ng - 1]++;
	}
	for (int i = 1; i < ng; i++)
		if (size[i] != size[0])
			return 0;
	return ng >= 2 ? size[0] : 0;
}

/* The column of year y at place k of its group, -1 if none. */
static int group_column(const sgrid *g, const int *years, const int *pos, int y,
                        int k)
{
	for (int c = 0; c < g->nc; c++)
		if (years[c] == y && pos[c] == k)
			return c;
	return -1;
}

/* The heading after its year: "End-2014 CHAs*" -> "CHAs*". */
static const char *after_year(const char *s)
{
	for (const char *q = s; *q; q++)
		if (strspn(q, "0123456789") == 4 &&
		    (q == s || !isdigit((unsigned char)q[-1]))) {
			q += 4;
			return q + strspn(q, " -_,:");
		}
	return s;
}

/* What the k-th column of every group is: "CHAs" and "SHAs" count the
** areas at the end of each year, a bare area is the land remaining then;
** else the heading read as in a dated table. */
static void group_head(const sgrid *g, lr__tab *p, const int *years,
                       const int *pos, int k, lr__head *h, char *label,
                       size_t size)
{
	char tnorm[512], unit[16] = "", first[96] = "", norm[96];
	bool counts = true, same = true;
	title_norm(p, tnorm, sizeof tnorm);
	*label = '\0';
	for (int c = 0; c < g->nc; c++) {
		if (!years[c] || pos[c] != k)
			continue;
		int y;
		char rest[96];
		lr__check_norm_header(sg_at(g, 0, c), norm, sizeof norm);
		lr__check_heading_year_prefix(norm, &y, rest, sizeof rest);
		counts = counts && lr__check_heading_counts(rest);
		if (!*unit)
			lr__check_heading_unit(rest, unit, sizeof unit);
		same = same && (!*first || !strcmp(first, rest));
		if (!*first)
			snprintf(first, sizeof first, "%s", rest);
		const char *txt = after_year(sg_at(g, 0, c));
		size_t n = strlen(label);
		if (!strstr(label, txt))
			snprintf(label + n, size - n, "%s%s", n ? " / " : "",
			         txt);
	}
	if (!*unit)
		lr__check_heading_unit(tnorm, unit, sizeof unit);
	if (counts) {
		snprintf(h->canon, sizeof h->canon, "total_count");
		snprintf(h->why, sizeof h->why,
		         "years over groups of columns: the areas counted at "
		         "the end of each year%s",
		         same ? "" : " (the groups name them differently)");
	} else if (*unit && !strcmp(first, "area")) {
		snprintf(h->canon, sizeof h->canon, "remaining_end_%s", unit);
		snprintf(h->why, sizeof h->why,
		         "years over groups of columns: the land remaining at "
		         "the end of each year");
	} else {
		lr__check_read_heading(first, "", true, unit, h->canon,
		                       sizeof h->canon, h->why, sizeof h->why);
	}
}

/* Years over groups of m columns turned into rows: a row per region and
** year, with a year column and the m columns of a group. */
static bool unpivot_groups(sgrid *g, lr__tab *p, const int *years,
                           const int *pos, int m)
{
	int map[512], nk = 0, gy[64], ny = 0;
	for (int c = 0; c < g->nc; c++) {
		if (!years[c])
			map[nk++] = c;
		else if (pos[c] == 0 && ny < 64)
			gy[ny++] = years[c];
	}
	sgrid n = {.nc = nk + 1 + m};
	lr__head *heads = lr_xcalloc((size_t)n.nc + 4, sizeof *heads);
	char **row = heads ? sg_add(&n, 1) : NULL, label[96];
	bool ok = row && (row[nk] = lr_strdup("Year"));
	for (int k = 0; ok && k < nk; k++) {
		heads[k] = p->heads[map[k]];
		ok = (row[k] = lr_strdup(sg_at(g, 0, map[k]))) != NULL;
	}
	snprintf(heads[nk].canon, sizeof heads[nk].canon, "year");
	snprintf(heads[nk].why, sizeof heads[nk].why,
	         "the years over the groups of columns");
	for (int k = 0; ok && k < m; k++) {
		group_head(g, p, years, pos, k, &heads[nk + 1 + k], label,
		           sizeof label);
		ok = (row[nk + 1 + k] = lr_strdup(label)) != NULL;
	}
	for (size_t r = 1; ok && r < g->nr; r++)
		for (int i = 0; ok && i < ny; i++) {
			ok = (row = sg_add(&n, g->line[r])) != NULL;
			for (int k = 0; ok && k < nk; k++)
				ok = (row[k] = lr_strdup(sg_at(g, r, map[k])));
			ok = ok && asprintf(&row[nk], "%d", gy[i]) > 0;
			for (int k = 0; ok && k < m; k++)
				ok = (row[nk + 1 + k] = lr_strdup(
				              sg_at(g, r,
				                    group_column(g, years, pos,
				                                 gy[i], k))));
		}
	if (!ok) {
		sg_free(&n);
		free(heads);
		return false;
	}
	for (int c = 0; c < g->nc; c++) {
		lr__head *h = &heads[nk + 1 + pos[c]];
		if (!years[c])
			continue;
		h->marks += p->heads[c].marks;
		if (!*h->mark_eg)
			snprintf(h->mark_eg, sizeof h->mark_eg, "%s",
			         p->heads[c].mark_eg);
	}
	sg_free(g);
	*g = n;
	free(p->heads);
	p->heads = heads;
	p->years_as_columns = true;
	return true;
}

/* ---- The region key ---- */

/* Which level of region a heading names: 3 province, 2 district, 1 village,
** 0 none.  Two columns of different levels are the key over two levels. */
static int region_level(const char *norm)
{
	static const char *const levels[3][16] = {
	        {"commune", "village", "locality", "subdistrict", "community",
	         "settlement", "city", "town", "location", "site", NULL},
	        {"district", "county", "municipality", "municipio", NULL},
	        {"province", "region", "state", "governorate", "department",
	         "oblast", "entity", "canton", "prefecture", "zone", "division",
	         "wilaya", "emirate", "departamento", NULL}};
	char first[32];
	snprintf(first, sizeof first, "%.*s", (int)strcspn(norm, "_"), norm);
	for (int lv = 0; lv < 3; lv++)
		for (int k = 0; levels[lv][k]; k++)
			if (!strcmp(first, levels[lv][k]))
				return lv + 1;
	return 0;
}

/* A key that says subtotal ("Sub-total", "Northern, Subtotal", "Subtotal
** North") or total: 2 total, 1 subtotal (name, the rest, into name), 0. */
static int aggregate_word(const char *s, char *name, size_t size)
{
	char k[128];
	lr__check_norm_key(s, k, sizeof k);
	if (lr__check_is_total_key(k))
		return 2;
	const char *w = strcasestr(s, "sub-total");
	size_t wl = 9;
	if (!w && (w = strcasestr(s, "subtotal")) != NULL)
		wl = 8;
	if (!w && (w = strcasestr(s, "sub total")) != NULL)
		wl = 9;
	if (!w)
		return 0;
	char rest[128];
	snprintf(rest, sizeof rest, "%.*s %s", (int)(w - s), s, w + wl);
	size_t a = strspn(rest, " ,;:-()"), n = strlen(rest);
	while (n > a && strchr(" ,;:-()", rest[n - 1]))
		n--;
	snprintf(name, size, "%.*s", (int)(n - a), rest + a);
	return 1;
}

/* Insert a column before column 0 holding each row's key and, with
** parents, one holding each row's parent: keys[r], parents[r] are taken. */
static bool add_key_columns(sgrid *g, lr__tab *p, char **keys, char **parents)
{
	int add = parents ? 2 : 1;
	sgrid n = {.nc = g->nc + add};
	lr__head *heads = lr_xcalloc((size_t)n.nc + 4, sizeof *heads);
	bool ok = heads != NULL;
	for (size_t r = 0; ok && r < g->nr; r++) {
		char **row = sg_add(&n, g->line[r]);
		if (!(ok = row != NULL))
			break;
		row[0] = keys[r];
		keys[r] = NULL;
		if (parents) {
			row[1] = parents[r];
			parents[r] = NULL;
		}
		for (int c = 0; c < g->nc; c++) {
			row[add + c] = sg_row(g, r)[c];
			sg_row(g, r)[c] = NULL;
		}
	}
	if (!ok) {
		sg_free(&n);
		free(heads);
		return false;
	}
	memcpy(heads + add, p->heads, (size_t)g->nc * sizeof *heads);
	snprintf(heads[0].canon, sizeof heads[0].canon, "region_id");
	heads[0].synthetic = true;
	if (parents) {
		snprintf(heads[1].canon, sizeof heads[1].canon, "parent_id");
		heads[1].synthetic = true;
	}
	sg_free(g);
	*g = n;
	free(p->heads);
	p->heads = heads;
	return true;
}

static void free_strings(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The key of each row from a province column over a district column: a
** province row (no district, or a district "Subtotal") is the subtotal of
** the districts under it; an empty province cell continues the one above
** (merged cells); a district named as its province is told apart. */
static bool two_levels(sgrid *g, lr__tab *p, int hi, int lo)
{
	char **keys = lr_xcalloc(g->nr + 1, sizeof *keys);
	char **par = lr_xcalloc(g->nr + 1, sizeof *par);
	bool ok = keys && par && (keys[0] = lr_strdup("region_id")) &&
	          (par[0] = lr_strdup("parent_id"));
	const char *prov = "";
	for (size_t r = 1; ok && r < g->nr; r++) {
		const char *h = sg_at(g, r, hi), *d = sg_at(g, r, lo);
		char name[128];
		int ah = aggregate_word(h, name, sizeof name),
		    ad = aggregate_word(d, name, sizeof name);
		if (*h)
			prov = h;
		const char *key = d, *parent = prov;
		if (ah == 2 || ad == 2) {
			key = "Total";
			parent = "";
		} else if (!*d || ad == 1) {
			key = prov;
			parent = "";
			p->n_subtotals += *d || r + 1 < g->nr;
		}
		char kn[128], pn[128];
		lr__check_norm_key(key, kn, sizeof kn);
		lr__check_norm_key(parent, pn, sizeof pn);
		if (*parent && !strcmp(kn, pn))
			ok = asprintf(&keys[r], "%s (%s)", key, parent) >= 0;
		else
			ok = (keys[r] = lr_strdup(key)) != NULL;
		ok = ok && (par[r] = lr_strdup(parent)) != NULL;
	}
	ok = ok && add_key_columns(g, p, keys, par);
	if (ok) {
		p->heads[hi + 2].role = "the upper level of the region key";
		p->heads[lo + 2].role = "the lower level of the region key";
	}
	if (ok)
		snprintf(p->keyhow, sizeof p->keyhow,
		         "'%s' over '%s': a %s row with no %s is the subtotal "
		         "of the rows under it",
		         sg_at(g, 0, hi + 2), sg_at(g, 0, lo + 2),
		         sg_at(g, 0, hi + 2), sg_at(g, 0, lo + 2));
	free_strings(keys, g->nr);
	free_strings(par, g->nr);
	return ok;
}

/* One key column k: "Subtotal" rows become the parents of the rows since
** the last subtotal, "Total" in any column makes a total row. */
static bool one_level(sgrid *g, lr__tab *p, int k)
{
	char **keys = lr_xcalloc(g->nr + 1, sizeof *keys);
	char **par = lr_xcalloc(g->nr + 1, sizeof *par);
	bool ok = keys && par && (keys[0] = lr_strdup("region_id")) &&
	          (par[0] = lr_strdup("parent_id"));
	size_t from = 1;
	for (size_t r = 1; ok && r < g->nr; r++) {
		char name[128] = "";
		int a = aggregate_word(sg_at(g, r, k), name, sizeof name);
		for (int c = 0; c < g->nc && !a; c++)
			if (p->heads[c].canon[0] &&
			    !lr__check_heading_is_figure(p->heads[c].canon))
				a = aggregate_word(sg_at(g, r, c), name,
				                   sizeof name) == 2
				            ? 2
				            : 0;
		if (a == 1 && !*name)
			snprintf(name, sizeof name, "Subtotal of lines %ld-%ld",
			         g->line[from], g->line[r - 1]);
		/* a total named in the key column keeps its words */
		bool here = a == 2 && aggregate_word(sg_at(g, r, k), name,
		                                     sizeof name) == 2;
		ok = (keys[r] = lr_strdup(a == 2 && !here ? "Total"
		                          : a == 1        ? name
		                                   : sg_at(g, r, k))) != NULL &&
		     (par[r] = lr_strdup("")) != NULL;
		if (a == 1) {
			for (size_t q = from; ok && q < r; q++) {
				free(par[q]);
				ok = (par[q] = lr_strdup(name)) != NULL;
			}
			p->n_subtotals++;
		}
		if (a)
			from = r + 1;
	}
	ok = ok && add_key_columns(g, p, keys, p->n_subtotals ? par : NULL);
	if (ok)
		p->heads[k + (p->n_subtotals ? 2 : 1)].role =
		        "the region key as published";
	free_strings(keys, g->nr);
	free_strings(par, g->nr);
	return ok;
}

/* The first column of names (not figures, not years) in the rows. */
static int names_column(const sgrid *g, const lr__tab *p)
{
	for (int c = 0; c < g->nc; c++) {
		if (!strcmp(p->heads[c].canon, "year") ||
		    lr__check_heading_is_figure(p->heads[c].canon))
			continue;
		int names = 0, figs = 0;
		for (size_t r = 1; r < g->nr; r++) {
			const char *s = sg_at(g, r, c);
			if (is_figure(s))
				figs++;
			else if (*s && !lr__check_blank_marker(s))
				names++;
		}
		if (names > 0 && names >= figs)
			return c;
	}
	return -1;
}

/* The region key: kept when the table names region_id (our layout);
** from province and district columns; one column of regions or names;
** else the nation. */
static bool find_key(sgrid *g, lr__tab *p)
{
	int hi = -1, lo = -1, legacy = -1;
	for (int c = 0; c < g->nc; c++) {
		const char *cn = p->heads[c].canon;
		if (!strcmp(cn, "region_id") || !strcmp(cn, "parent_id") ||
		    !strcmp(cn, "parent"))
			legacy = c;
		if (lr__check_heading_is_figure(cn) || !region_level(cn))
			continue;
		if (hi < 0)
			hi = c;
		else if (lo < 0)
			lo = c;
	}
	if (legacy >= 0)
		return true;
	/* Two columns naming levels: the upper one over the other ("Region |
	** Province", "Municipality | Village"), the first when alike. */
	if (lo >= 0 &&
	    region_level(p->heads[lo].canon) > region_level(p->heads[hi].canon))
		return two_levels(g, p, lo, hi);
	if (lo >= 0)
		return two_levels(g, p, hi, lo);
	int k = hi >= 0 ? hi : lo >= 0 ? lo : names_column(g, p);
	if (k >= 0) {
		snprintf(p->keyhow, sizeof p->keyhow, "'%s'%s", sg_at(g, 0, k),
		         hi < 0 && lo < 0 ? " (the first column of names)"
		                          : "");
		return one_level(g, p, k);
	}
	char **keys = lr_xcalloc(g->nr + 1, sizeof *keys);
	bool ok = keys && (keys[0] = lr_strdup("region_id"));
	for (size_t r = 1; ok && r < g->nr; r++)
		ok = (keys[r] = lr_strdup("National")) != NULL;
	ok = ok && add_key_columns(g, p, keys, NULL);
	free_strings(keys, g->nr);
	snprintf(p->keyhow, sizeof p->keyhow,
	         "none: a national table (every row is the nation)");
	return ok;
}

/* ---- The table the rules read ---- */

/* The grid as p's own table: header, rows, the source's names. */
static bool emit(sgrid *g, lr__tab *p, const lr_table *in)
{
	lr_table *t = lr_xcalloc(1, sizeof *t);
	if (!t)
		return false;
	p->own.tables = t;
	p->own.n = 1;
	size_t nr = g->nr ? g->nr - 1 : 0;
	t->path = lr_strdup(in->path ? in->path : "");
	t->layer = lr_strdup(in->layer ? in->layer : "");
	t->name = lr_strdup(in->name ? in->name : "");
	t->title = lr_strdup(p->title ? p->title : "");
	t->encoding = in->encoding;
	p->title_rows += in->title_rows; /* those the file's reader took */
	t->title_rows = p->title_rows;
	t->header = lr_xcalloc((size_t)g->nc + 1, sizeof *t->header);
	t->cells = lr_xcalloc(nr * (size_t)g->nc + 1, sizeof *t->cells);
	t->line = lr_xcalloc(nr + 1, sizeof *t->line);
	if (!t->path || !t->layer || !t->name || !t->title || !t->header ||
	    !t->cells || !t->line)
		return false;
	t->n_cols = g->nc;
	for (int c = 0; c < g->nc; c++)
		if (!(t->header[c] = lr_strdup(sg_at(g, 0, c))))
			return false;
	for (size_t r = 1; r < g->nr; r++) {
		for (int c = 0; c < g->nc; c++)
			if (!(t->cells[t->n_rows * (size_t)g->nc + (size_t)c] =
			              lr_strdup(sg_at(g, r, c))))
				return false;
		t->line[t->n_rows++] = g->line[r];
	}
	p->t = t;
	return true;
}

/* Whether the title names land that moved in a year (new, released,
** cleared...) rather than land held at a date: a single year heading is
** then one year of that flow, not a date the table is as of. */
static bool title_names_flow(const lr__tab *p)
{
	char norm[512], base[32];
	title_norm(p, norm, sizeof norm);
	lr__check_heading_figure(norm, base, sizeof base);
	return !held_at_a_date(base);
}

/* Headings read, years as columns turned, the key found; p's table. */
static int shape_rows(sgrid *g, lr__tab *p, const lr_table *in,
                      const lr_check_columns *cols)
{
	int years[512], pos[512];
	if (g->nc > 510)
		return LR_ERR_INPUT;
	int m = find_heading(g, "year") < 0 ? year_groups(g, years, pos) : 0;
	if (m > 0) {
		read_headings(g, p, true, in, cols);
		if (!unpivot_groups(g, p, years, pos, m))
			return LR_ERR_NOMEM;
		if (!find_key(g, p) || !emit(g, p, in))
			return LR_ERR_NOMEM;
		return LR_OK;
	}
	int ny = year_columns(g, years);
	bool unpivoted = (ny >= 2 || (ny == 1 && title_names_flow(p))) &&
	                 find_heading(g, "year") < 0;
	read_headings(g, p, find_heading(g, "year") >= 0 || unpivoted, in,
	              cols);
	if (unpivoted && !unpivot(g, p, years))
		return LR_ERR_NOMEM;
	if (ny == 1 && find_heading(g, "year") < 0)
		dated_column(g, p, years);
	if (!find_key(g, p) || !emit(g, p, in))
		return LR_ERR_NOMEM;
	return LR_OK;
}

int lr__check_shape(const lr_table *in, const lr_check_columns *cols,
                    lr__tab *p, lr_error *err)
{
	sgrid g = {0};
	int rc = LR_ERR_NOMEM;
	p->heads = lr_xcalloc((size_t)in->n_cols + 4, sizeof *p->heads);
	if (!p->heads || !load(in, &g) || !title_add(&p->title, in->title) ||
	    !take_title(&g, p))
		goto done;
	title_date(p); /* before the notes below the table join the title */
	if (!merge_subheader(&g, p) || !take_notes(&g, p))
		goto done;
	strip_footnotes(&g, p);
	rc = shape_rows(&g, p, in, cols);
	if (rc == LR_ERR_INPUT)
		rc = lr_error_set(err, LR_ERR_INPUT,
		                  "%s: more than 510 columns", in->name);
done:
	if (rc == LR_ERR_NOMEM)
		rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	sg_free(&g);
	return rc;
}
