/*
** Reading the tables of a check: each row's figures parsed, repeats set
** aside (R09), years and parent rows linked, and each table bound to its
** place in the check.
*/
#include "check_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void lr__check_tab_free(lr__tab *p)
{
	for (size_t i = 0; i < p->nrows; i++)
		free(p->rows[i].f);
	free(p->rows);
	free(p->cols);
	free(p->years);
	free(p->gone);
	free(p->heads);
	free(p->title);
	lr_table_set_free(&p->own);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void add_note(lr__ctx *x, char *s)
{
	if (s == NULL || !lr_vec_push(&x->r->notes, &s)) {
		free(s);
		x->oom = true;
	}
}

static bool same_file(const lr_table *a, const lr_table *b)
{
	return a->path && b->path && !strcmp(a->path, b->path);
}

/* The year of row r, 0 with an R27 finding when it is not one; 0 for a
** row of the sum of the years ("Total" as its year). */
static int read_year(lr__ctx *x, lr__tab *p, size_t r)
{
	const char *ys = lr_table_cell(p->t, r, p->yearc);
	char yn[64];
	lr__check_norm_key(ys, yn, sizeof yn);
	if (lr__check_is_total_key(yn)) {
		p->rows[r].over_years = true;
		return 0;
	}
	char *end;
	long y = strtol(ys, &end, 10);
	/* "2021.0" from a workbook cell is the year 2021. */
	if (end != ys && !strcmp(end, ".0"))
		end += 2;
	if (end == ys || *end || y < 1900 || y > 2200) {
		lr__check_add_finding(
		        x, R_NUMBER, LR_SEV_ERROR, p, p->rows[r].key,
		        &p->cols[p->yearc], ys, NULL, NULL,
		        lr__check_dupf(x, "year '%s' is not a year", ys));
		return 0;
	}
	return (int)y;
}

/* A unit cost, read as a double: an R27 finding when it is not one. */
static void read_unit_cost(lr__ctx *x, lr__tab *p, lr__row *row, int c,
                           const char *s)
{
	if (lr__check_blank_marker(s))
		return;
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (end == s || *end || errno || d < 0 || !isfinite(d)) {
		lr__check_add_finding(
		        x, R_NUMBER, LR_SEV_ERROR, p, row->label, &p->cols[c],
		        s, NULL, NULL,
		        lr__check_dupf(x, "'%s' is not a unit cost", s));
		return;
	}
	row->f[c].d = d;
	row->f[c].set = true;
}

/* The figures of row r, each in hundredths of its column's unit; the
** columns learn how many decimals they are stated with. */
static void read_figures(lr__ctx *x, lr__tab *p, size_t r)
{
	lr__row *row = &p->rows[r];
	for (int c = 0; c < p->ncol; c++) {
		lr__col *col = &p->cols[c];
		if (col->type == COL_TEXT)
			continue;
		const char *s = lr_table_cell(p->t, r, c);
		if (col->type == COL_UNIT) {
			read_unit_cost(x, p, row, c, s);
			continue;
		}
		/* a completion that never comes has no number of years */
		if (col->type == COL_YEARS && !strcasecmp(s, "never"))
			continue;
		int64_t v;
		int dec;
		int rc = lr_check_parse_figure(
		        s, col->type == COL_AREA ? col->scale : 0, &v, &dec);
		if (rc < 0) {
			lr__check_add_finding(
			        x, R_NUMBER, LR_SEV_ERROR, p, row->label, col,
			        s, NULL, NULL,
			        lr__check_dupf(x, "'%s' is not a number", s));
			row->f[c].bad = true;
			continue;
		}
		if (rc == 0)
			continue;
		row->f[c].v = v;
		row->f[c].set = true;
		if (dec > col->dec)
			col->dec = dec;
	}
}

/* Every row of the source table: key, year, label and figures. */
static int read_rows(lr__ctx *x, lr__tab *p, lr_error *err)
{
	/* Counted from the start, so that lr__check_tab_free() frees a table
	** whose reading stopped half way. */
	p->nrows = p->t->n_rows;
	for (size_t r = 0; r < p->nrows; r++) {
		lr__row *row = &p->rows[r];
		row->key = lr_table_cell(p->t, r, p->key);
		lr__check_norm_key(row->key, row->norm, sizeof row->norm);
		row->total = lr__check_is_total_key(row->norm);
		row->parent = -1;
		row->f = lr_xcalloc((size_t)p->ncol + 1, sizeof *row->f);
		if (!row->f)
			return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		if (p->yearc >= 0)
			row->year = read_year(x, p, r);
		if (row->year)
			snprintf(row->label, sizeof row->label, "%d %s",
			         row->year, row->key);
		else
			snprintf(row->label, sizeof row->label, "%s", row->key);
		read_figures(x, p, r);
	}
	return LR_OK;
}

/* Rounding of one figure: half a unit of its last decimal, or of the
** precision the user states for areas. */
static void set_rounding(lr__ctx *x, lr__tab *p)
{
	for (int c = 0; c < p->ncol; c++) {
		lr__col *col = &p->cols[c];
		int exp = 2 + (col->type == COL_AREA ? col->scale : 0);
		col->half = 0.5 * pow(10.0, exp - col->dec);
		if (col->type == COL_AREA && x->o->precision_m2 > 0)
			col->half = fmax(col->half, 50.0 * x->o->precision_m2);
		if (col->type == COL_COUNT || col->type == COL_YEARS)
			col->half = 0;
	}
}

/* Duplicates (R09): reported, then left out of every other rule. */
static void drop_repeats(lr__ctx *x, lr__tab *p)
{
	size_t kept = 0;
	for (size_t r = 0; r < p->nrows; r++) {
		if (p->rows[r].over_years) {
			free(p->rows[r].f); /* checked by lr__check_sum_of_years
			                     */
			continue;
		}
		size_t q = 0;
		while (q < kept && !(p->rows[q].year == p->rows[r].year &&
		                     !strcmp(p->rows[q].norm, p->rows[r].norm)))
			q++;
		if (q < kept) {
			lr__check_add_finding(
			        x, R_DUP, LR_SEV_ERROR, p, p->rows[r].label,
			        &p->cols[p->key], NULL, NULL, NULL,
			        lr__check_dupf(
			                x,
			                "region '%s' appears again (line %ld; "
			                "first at line %ld); the repeat is "
			                "left out of the other checks",
			                p->rows[r].key, p->t->line[r],
			                p->t->line[p->rows[q].src]));
			free(p->rows[r].f);
			continue;
		}
		p->rows[r].src = r;
		p->rows[kept++] = p->rows[r];
	}
	p->nrows = kept;
}

/* The distinct years of the table, sorted. */
static void list_years(lr__tab *p)
{
	for (size_t r = 0; r < p->nrows; r++) {
		int y = p->rows[r].year;
		bool seen = false;
		for (int i = 0; i < p->nyears; i++)
			seen = seen || p->years[i] == y;
		if (!seen && (y || p->yearc < 0))
			p->years[p->nyears++] = y;
	}
	if (p->nyears > 1)
		qsort(p->years, (size_t)p->nyears, sizeof *p->years, cmp_int);
}

/* Each row's parent (parent_id) in the same year, its depth, and each
** parent's count of children. */
static void link_parents(lr__tab *p)
{
	if (p->parentc >= 0)
		for (size_t r = 0; r < p->nrows; r++) {
			char pn[128];
			lr__check_norm_key(
			        lr_table_cell(p->t, p->rows[r].src, p->parentc),
			        pn, sizeof pn);
			if (!*pn || p->rows[r].total)
				continue;
			for (size_t q = 0; q < p->nrows; q++)
				if (q != r &&
				    p->rows[q].year == p->rows[r].year &&
				    !strcmp(p->rows[q].norm, pn) &&
				    !p->rows[q].total) {
					p->rows[r].parent = (int)q;
					break;
				}
		}
	for (size_t r = 0; r < p->nrows; r++) {
		int d = 0;
		for (int q = p->rows[r].parent; q >= 0 && d < MAX_PARENT_DEPTH;
		     q = p->rows[q].parent)
			d++;
		p->rows[r].depth = d;
		if (p->rows[r].parent >= 0)
			p->rows[p->rows[r].parent].nchild++;
	}
}

/* Whether t is a table of every region level (a "level" column, as annex
** D of a report's pack): its rows repeat the land of the regions at each
** level, so it is no second table of its kind. */
static bool by_level(const lr_table *t)
{
	for (int c = 0; c < t->n_cols; c++)
		if (!strcasecmp(t->header[c], "level"))
			return true;
	return false;
}

/*
** Start parsing in into p (zeroed here): its arrays, its columns and its
** kind (none for a table of every region level).  LR_OK with p->kind K_NONE
** for a table of no known kind (the caller decides what that means);
** LR_ERR_INPUT for a known kind without its key column; LR_ERR_NOMEM.  p is
** freed by lr__check_tab_free() either way.
*/
static int open_table(const lr_check_input *in, const lr_check_columns *cols,
                      lr__tab *p, lr_error *err)
{
	memset(p, 0, sizeof *p);
	p->src = in->table;
	p->role = in->role;
	int rc = lr__check_shape(in->table, cols, p, err);
	if (rc != LR_OK)
		return rc;
	const lr_table *t = p->t;
	p->ncol = t->n_cols;
	p->cols = lr_xcalloc((size_t)t->n_cols + 1, sizeof *p->cols);
	p->rows = lr_xcalloc(t->n_rows + 1, sizeof *p->rows);
	p->years = lr_xcalloc(t->n_rows + 1, sizeof *p->years);
	if (!p->cols || !p->rows || !p->years)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	lr__check_read_header(p);
	lr__check_columns_read(p);
	if (by_level(t))
		p->kind = K_NONE;
	if (p->kind != K_NONE && p->key < 0)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: looks like a %s table but has no "
		                    "region_id column",
		                    t->name, lr__check_kind_names[p->kind]);
	return LR_OK;
}

/* The rows of p, opened by open_table(): R27 and R09 findings into x. */
static int read_table(lr__ctx *x, lr__tab *p, lr_error *err)
{
	int rc = read_rows(x, p, err);
	if (rc != LR_OK)
		return rc;
	set_rounding(x, p);
	lr__check_sum_of_years(x, p);
	drop_repeats(x, p);
	list_years(p);
	link_parents(p);
	return LR_OK;
}

/*
** Input i has no known kind.  A sheet of a workbook that holds a known
** table too is skipped with a note (LR_OK); anything else is unusable:
** LR_ERR_INPUT naming the table and its columns.
*/
static int unknown_table(lr__ctx *x, const lr_check_input *in, size_t n,
                         size_t i, lr_error *err)
{
	bool sibling = false;
	for (size_t j = 0; j < n; j++)
		if (j != i && same_file(in[j].table, in[i].table))
			sibling = true;
	const lr_table *t = in[i].table;
	const char *base = strrchr(t->path, '/');
	base = base ? base + 1 : t->path;
	if (sibling && strcmp(t->layer, base)) {
		add_note(x, lr__check_dupf(
		                    x,
		                    "%s: not one of the known tables "
		                    "(remaining_by_region, release_by_year, "
		                    "completion, workplan); skipped",
		                    t->name));
		return LR_OK;
	}
	char cols[512] = "";
	int last = -1; /* the last column with a heading, for the example */
	for (int c = 0; c < t->n_cols; c++) {
		size_t l = strlen(cols);
		snprintf(cols + l, sizeof cols - l, "%s%s", c ? ", " : "",
		         *t->header[c] ? t->header[c] : "(no heading)");
		if (c > 0 && *t->header[c])
			last = c;
	}
	return lr_error_set(
	        err, LR_ERR_INPUT,
	        "%s: not one of the known tables (columns: %s); a table "
	        "needs the columns of remaining_by_region (region_id, "
	        "total_m2 ...), release_by_year (year, region_id, "
	        "released_m2 ...), completion (region_id, remaining_m2, "
	        "p50_date ...) or workplan (year, region_id, release_m2 ...); "
	        "name them in a --columns file, for instance:\n"
	        "  [%s]\n  %s = region_id\n  %s = total_m2",
	        t->name, cols[0] ? cols : "none", t->layer,
	        t->n_cols > 0 && *t->header[0] ? t->header[0] : "Region",
	        last > 0 ? t->header[last] : "Area (m²)");
}

/* Do tables a and b state any figure of the same name? */
static bool share_figures(const lr__tab *a, const lr__tab *b)
{
	for (int i = 0; i < a->ncol; i++)
		if (a->cols[i].type != COL_TEXT && !a->cols[i].unread &&
		    lr__check_col_find(b, a->cols[i].base, a->cols[i].type) >=
		            0)
			return true;
	return false;
}

/*
** A second table p of the kind of *slot: as of another date (its title
** says), the later one takes the slot and the other is compared with it
** (R31); with figures of its own (new land by region beside release by
** year), it is checked on its own.  Else LR_ERR_INPUT: which one is meant?
*/
static int second_of_kind(lr__ctx *x, lr__tab **slot, lr__tab *p, lr_error *err)
{
	lr__tab *q = *slot;
	if (q->date && p->date && q->date != p->date) {
		if (p->date > q->date)
			*slot = p;
		return LR_OK;
	}
	if (!share_figures(p, q)) {
		add_note(x, lr__check_dupf(x,
		                           "%s: its figures are not in %s; "
		                           "checked on its own",
		                           p->t->name, q->t->name));
		return LR_OK;
	}
	return lr_error_set(err, LR_ERR_INPUT,
	                    "two %s tables: %s and %s, of no different dates "
	                    "in their titles; give one, or say in each "
	                    "title the date it is as of (\"as of end 2014\")",
	                    lr__check_kind_names[p->kind], q->t->name,
	                    p->t->name);
}

/*
** Give table p its place in x: a submitted table of each kind, ledger
** tables by kind, any number of previous plans (a submitted plan named or
** titled "previous" is one).  LR_ERR_INPUT for a previous plan that is not
** a plan, or a second table of a kind.
*/
static int bind_table(lr__ctx *x, lr__tab *p, lr_error *err)
{
	if (p->kind == K_PLAN && p->role == LR_CHECK_SUBMITTED &&
	    (lr__check_has_word(p->t->layer, "previous") ||
	     lr__check_has_word(p->t->title, "previous")))
		p->role = LR_CHECK_PREVIOUS;
	if (p->role == LR_CHECK_PREVIOUS && p->kind != K_PLAN)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: given as the previous work plan but "
		                    "it is a %s table",
		                    p->t->name, lr__check_kind_names[p->kind]);
	lr__tab **slot = NULL;
	if (p->role == LR_CHECK_LEDGER)
		slot = &x->led[p->kind];
	else if (p->role == LR_CHECK_SUBMITTED)
		slot = p->kind == K_REMAINING    ? &x->rem
		       : p->kind == K_RELEASE    ? &x->rel
		       : p->kind == K_COMPLETION ? &x->comp
		                                 : &x->plan;
	if (slot && *slot) {
		int rc = second_of_kind(x, slot, p, err);
		if (rc != LR_OK)
			return rc;
	} else if (slot) {
		*slot = p;
	}
	lr__check_record_reading(x, p);
	add_note(x, lr__check_dupf(x, "%s: %s%s, %zu rows", p->t->name,
	                           p->role == LR_CHECK_PREVIOUS ? "previous "
	                           : p->role == LR_CHECK_LEDGER ? "ledger "
	                                                        : "",
	                           lr__check_kind_names[p->kind], p->nrows));
	return LR_OK;
}

/* Lines of --columns that matched no heading: said, not dropped. */
static void unmatched_columns(lr__ctx *x)
{
	const lr_check_columns *m = x->o->columns;
	for (size_t i = 0; m && i < m->n; i++)
		if (!m->used[i])
			add_note(x,
			         lr__check_dupf(
			                 x,
			                 "--columns line %d: no table [%s] has "
			                 "a column '%s'; the line was not used",
			                 m->map[i].line, m->map[i].table,
			                 m->map[i].heading));
}

int lr__check_read_tables(lr__ctx *x, const lr_check_input *in, size_t n,
                          lr_error *err)
{
	for (size_t i = 0; i < n; i++) {
		lr__tab *p = &x->tabs[x->ntabs];
		int rc = open_table(&in[i], x->o->columns, p, err);
		if (rc == LR_OK && p->kind == K_NONE)
			rc = unknown_table(x, in, n, i, err);
		else if (rc == LR_OK)
			rc = read_table(x, p, err);
		if (rc != LR_OK || p->kind == K_NONE) {
			lr__check_tab_free(p);
			memset(p, 0, sizeof *p);
			if (rc != LR_OK)
				return rc;
			continue;
		}
		x->ntabs++;
		rc = bind_table(x, p, err);
		if (rc != LR_OK)
			return rc;
	}
	unmatched_columns(x);
	return LR_OK;
}
