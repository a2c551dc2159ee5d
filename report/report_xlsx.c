/* request_tables.xlsx: one sheet per request table (libxlsxwriter). */
#include "lr_file.h"
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* Sheet names: at most 31 characters, no []:*?/\ (Excel's rules; the
** translations keep them too). */
static const char *const sheet_names[T_N] = {
        /* TRANSLATORS: an XLSX sheet name: at most 31 characters, no
        ** brackets, colon, asterisk, question mark or slashes. */
        N_("1 Remaining"),
        N_("1b Remaining by contamination"),
        N_("2 Released by year"),
        N_("3 New contamination"),
        N_("4 Planned vs achieved"),
        N_("5 Completion"),
        N_("6 Work plan"),
        N_("A1 Data quality"),
        N_("A2 Findings"),
        N_("B Form C"),
        N_("D Levels"),
        N_("E1 Completion"),
        N_("E2 Released"),
        N_("E3 Previously unknown"),
        "",
        "",
        "",
        "",
        "",
        ""}; /* the report's condensed tables: no sheet */

typedef struct formats {
	lxw_format *title, *header, *text, *text_bold;
	lxw_format *num[RC_N], *num_bold[RC_N];
} formats;

static const char *num_format(rc_type t)
{
	switch (t) {
	case RC_YEAR:
		return "0";
	case RC_COUNT:
		return "#,##0";
	case RC_KM2:
		return "#,##0.0000";
	case RC_PCT:
		return "0.00";
	case RC_DATE:
		return "yyyy-mm-dd";
	case RC_COORD:
		return "0.000000";
	default:
		return "#,##0.00";
	}
}

static void make_formats(lxw_workbook *wb, formats *f)
{
	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	f->header = workbook_add_format(wb);
	format_set_bold(f->header);
	format_set_text_wrap(f->header);
	format_set_align(f->header, LXW_ALIGN_VERTICAL_TOP);
	format_set_bottom(f->header, LXW_BORDER_THIN);
	format_set_bg_color(f->header, 0xE8EEF4);
	f->text = workbook_add_format(wb);
	f->text_bold = workbook_add_format(wb);
	format_set_bold(f->text_bold);
	format_set_top(f->text_bold, LXW_BORDER_THIN);
	for (int t = 0; t < RC_N; t++) {
		f->num[t] = workbook_add_format(wb);
		format_set_num_format(f->num[t], num_format((rc_type)t));
		f->num_bold[t] = workbook_add_format(wb);
		format_set_num_format(f->num_bold[t], num_format((rc_type)t));
		format_set_bold(f->num_bold[t]);
		format_set_top(f->num_bold[t], LXW_BORDER_THIN);
	}
}

/* "2031-05-04" as an Excel date; 0 if s is not such a date. */
static int parse_date(const char *s, lxw_datetime *d)
{
	int y, m, dd;
	char tail;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) != 3)
		return 0;
	if (lr_date_from_ymd(y, m, dd) == LR_DATE_NONE)
		return 0;
	*d = (lxw_datetime){y, m, dd, 0, 0, 0};
	return 1;
}

static lxw_error write_sheet(lxw_workbook *wb, const formats *f,
                             const lr_report *r, int k)
{
	const rtable *t = &r->tables[k];
	lxw_worksheet *ws = workbook_add_worksheet(wb, _(sheet_names[k]));
	if (!ws)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	char line[2048], scope[512];
	worksheet_write_string(ws, 0, 0, t->title, f->title);
	snprintf(line, sizeof line, _("As of: %s"), lr__date(r, r->as_of).s);
	worksheet_write_string(ws, 1, 0, line, NULL);
	snprintf(line, sizeof line, _("Scope: %s"),
	         lr__scope_text(r, scope, sizeof scope));
	worksheet_write_string(ws, 2, 0, line, NULL);
	snprintf(line, sizeof line, _("Units: %s"), t->units);
	worksheet_write_string(ws, 3, 0, line, NULL);
	snprintf(line, sizeof line, _("Source: %s"), t->source);
	worksheet_write_string(ws, 4, 0, line, NULL);
	if (t->note[0]) {
		snprintf(line, sizeof line, _("Note: %s"), t->note);
		worksheet_write_string(ws, 5, 0, line, NULL);
	}
	const lxw_row_t head = 7;
	double *width = calloc((size_t)t->n_cols, sizeof *width);
	if (!width)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	for (int c = 0; c < t->n_cols; c++) {
		const rcol *col = &t->cols[c];
		if (col->unit[0] && col->type != RC_DATE)
			snprintf(line, sizeof line, "%s (%s)", col->label,
			         col->unit);
		else
			snprintf(line, sizeof line, "%s", col->label);
		worksheet_write_string(ws, head, (lxw_col_t)c, line, f->header);
		/* headers wrap: about half their length on two lines */
		width[c] = fmax(8, (double)strlen(line) / 2 + 2);
	}
	for (size_t i = 0; i < t->n_rows; i++) {
		lxw_row_t row = head + 1 + (lxw_row_t)i;
		bool bold = t->total[i];
		for (int c = 0; c < t->n_cols; c++) {
			const rcell *x = RT_CELL(t, i, c);
			rc_type ty = t->cols[c].type;
			char buf[64];
			const char *shown =
			        lr__cell_format(r, t, i, c, true, buf);
			width[c] = fmax(width[c], (double)strlen(shown) + 2);
			lxw_datetime dt;
			if (x->kind == CELL_NUM)
				worksheet_write_number(
				        ws, row, (lxw_col_t)c, x->v,
				        bold ? f->num_bold[ty] : f->num[ty]);
			else if (x->kind == CELL_TEXT && ty == RC_DATE &&
			         parse_date(x->s, &dt))
				worksheet_write_datetime(
				        ws, row, (lxw_col_t)c, &dt,
				        bold ? f->num_bold[ty] : f->num[ty]);
			else if (x->kind == CELL_TEXT)
				worksheet_write_string(
				        ws, row, (lxw_col_t)c, shown,
				        bold ? f->text_bold : f->text);
			else if (bold)
				worksheet_write_blank(ws, row, (lxw_col_t)c,
				                      f->text_bold);
		}
	}
	for (int c = 0; c < t->n_cols; c++)
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
		                     fmin(width[c], 40), NULL);
	free(width);
	worksheet_set_row(ws, head, 32, NULL);
	worksheet_freeze_panes(ws, head + 1, 0);
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, head, head);
	return LXW_NO_ERROR;
}

int lr_report_write_xlsx(const lr_report *r, const char *path, lr_error *err)
{
	char tmp[4096];
	int rc = lr_temp_create(path, NULL, tmp, sizeof tmp, err);
	if (rc != LR_OK)
		return rc;
	lxw_workbook_options opt = {.constant_memory = LXW_FALSE,
	                            .tmpdir = NULL};
	lxw_workbook *wb = workbook_new_opt(tmp, &opt);
	if (!wb) {
		(void)lr_file_remove(tmp, NULL);
		return lr_error_set(err, LR_ERR_IO, "cannot write %s", path);
	}
	/* The as-of date as creation time: the same inputs give the same
	** file on every run. */
	int y = 0, m = 0, d = 0;
	sscanf(r->as_of, "%d-%d-%d", &y, &m, &d);
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	lxw_doc_properties props = {
	        .title = r->title,
	        .subject = (char *)_("Article 5 request tables"),
	        .comments = (char *)_("written by landrelease report"),
	        .created = timegm(&tm)};
	workbook_set_properties(wb, &props);
	formats f;
	make_formats(wb, &f);
	lxw_error e = LXW_NO_ERROR;
	for (int k = 0; k < T_N && e == LXW_NO_ERROR; k++)
		if (r->present[k] && !r->tables[k].report_only)
			e = write_sheet(wb, &f, r, k);
	lxw_error ec = workbook_close(wb);
	if (e == LXW_NO_ERROR)
		e = ec;
	if (e != LXW_NO_ERROR) {
		(void)lr_file_remove(tmp, NULL);
		return lr_error_set(err, LR_ERR_IO, "cannot write %s: %s", path,
		                    lxw_strerror(e));
	}
	return lr__commit_file(tmp, path, err);
}
