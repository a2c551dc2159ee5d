/*
** The tables of a Markdown file (the request_tables.md that report writes,
** or tables an advisor keeps as Markdown): each pipe table under its
** heading and the list lines between them, which are its title.
*/
#include "check_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A line's text without its end of line. */
static char *next_line(char **cur)
{
	char *s = *cur;
	if (!s || !*s)
		return NULL;
	char *e = strchr(s, '\n');
	if (e) {
		*e = '\0';
		*cur = e + 1;
	} else {
		*cur = s + strlen(s);
	}
	size_t n = strlen(s);
	if (n && s[n - 1] == '\r')
		s[n - 1] = '\0';
	return s;
}

/* Is the line at s (up to its end) a pipe table's |:---| separator? */
static bool is_separator(const char *s)
{
	if (*s != '|')
		return false;
	for (; *s && *s != '\n'; s++)
		if (!strchr("|:- \t\r", *s))
			return false;
	return true;
}

/* The cells of a pipe row, trimmed and unbolded, into cells[] (at most
** max); their count. */
static int split_row(char *s, char **cells, int max)
{
	int n = 0;
	s += *s == '|';
	while (*s && n < max) {
		char *e = s;
		while (*e && !(*e == '|' && (e == s || e[-1] != '\\')))
			e++;
		bool last = !*e;
		*e = '\0';
		while (isspace((unsigned char)*s))
			s++;
		size_t l = strlen(s);
		while (l && isspace((unsigned char)s[l - 1]))
			s[--l] = '\0';
		if (l >= 4 && !strncmp(s, "**", 2) &&
		    !strcmp(s + l - 2, "**")) {
			s[l - 2] = '\0';
			s += 2;
		}
		if (last && !*s)
			break;
		cells[n++] = s;
		if (last)
			break;
		s = e + 1;
	}
	return n;
}

/* Append s (with a space) to *title. */
static bool add_title(char **title, const char *s)
{
	size_t a = *title ? strlen(*title) : 0, b = strlen(s);
	char *t = realloc(*title, a + b + 2);
	if (!t)
		return false;
	snprintf(t + a, b + 2, "%s%s", a ? " " : "", s);
	*title = t;
	return true;
}

/* One table: the header row h, then its rows from *cur. */
static bool add_table(lr_table_set *set, const char *path, const char *base,
                      const char *heading, const char *title, char *h,
                      char **cur, long line)
{
	char *hc[256], *rc[256];
	int nc = split_row(h, hc, 256);
	lr_table *grown = realloc(set->tables, (set->n + 1) * sizeof *grown);
	if (!grown)
		return false;
	set->tables = grown;
	lr_table *t = memset(&set->tables[set->n++], 0, sizeof *t);
	char name[512];
	snprintf(name, sizeof name, "%s:%s", base, heading);
	t->path = lr_strdup(path);
	t->layer = lr_strdup(heading);
	t->name = lr_strdup(name);
	t->title = lr_strdup(title ? title : "");
	t->header = lr_xcalloc((size_t)nc + 1, sizeof *t->header);
	if (!t->path || !t->layer || !t->name || !t->title || !t->header)
		return false;
	t->n_cols = nc;
	for (int c = 0; c < nc; c++)
		if (!(t->header[c] = lr_strdup(hc[c])))
			return false;
	char *s;
	while (**cur == '|' && (s = next_line(cur)) != NULL) {
		int n = split_row(s, rc, 256);
		char **cells = realloc(t->cells, (t->n_rows + 1) * (size_t)nc *
		                                         sizeof *cells);
		long *lines = realloc(t->line, (t->n_rows + 1) * sizeof *lines);
		if (cells)
			t->cells = cells;
		if (lines)
			t->line = lines;
		if (!cells || !lines)
			return false;
		for (int c = 0; c < nc; c++)
			if (!(t->cells[t->n_rows * (size_t)nc + (size_t)c] =
			              lr_strdup(c < n ? rc[c] : "")))
				return false;
		t->line[t->n_rows++] = ++line;
	}
	return true;
}

int lr_check_read_markdown(const char *path, lr_table_set *out, lr_error *err)
{
	memset(out, 0, sizeof *out);
	char *bytes, *text;
	size_t size;
	const char *decoded;
	if (lr_read_file(path, &bytes, &size, err) != LR_OK)
		return err->code;
	int rc = lr_text_utf8(bytes, size, path, &text, &decoded, err);
	free(bytes);
	if (rc != LR_OK)
		return rc;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char heading[256] = "table", *title = NULL, *cur = text, *s;
	bool ok = true;
	long line = 0;
	int ntitle = 0; /* the lines of the title */
	while (ok && (s = next_line(&cur)) != NULL) {
		line++;
		if (*s == '#') {
			s += strspn(s, "# ");
			snprintf(heading, sizeof heading, "%s", s);
			free(title);
			title = NULL;
			ok = add_title(&title, heading);
			ntitle = 1;
		} else if (*s == '|' && is_separator(cur)) {
			char *h = s;
			next_line(&cur); /* the separator */
			ok = add_table(out, path, base, heading, title, h, &cur,
			               line + 1);
			if (ok) { /* the separator and the rows */
				lr_table *t = &out->tables[out->n - 1];
				line += 1 + (long)t->n_rows;
				t->title_rows = ntitle;
			}
			free(title);
			title = NULL;
			ntitle = 0;
		} else if (!strncmp(s, "- ", 2)) {
			ok = add_title(&title, s + 2);
			ntitle++;
		}
	}
	free(title);
	free(text);
	for (size_t i = 0; i < out->n; i++)
		out->tables[i].encoding = decoded;
	if (!ok) {
		lr_table_set_free(out);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	return LR_OK;
}
