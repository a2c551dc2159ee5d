/* request_tables.md: the request tables as Markdown, one section each. */
#include "report_i18n.h"
#include "report_int.h"

#include <string.h>

/* Append s with the characters Markdown treats specially escaped (a table's
** bars, inline HTML, code spans, links), so that text from inputs is shown
** as text. */
static void md_text(rbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s && strchr("|\\<>`[]", *s))
			lr__buf_add(b, "\\", 1);
		if (*s == '\n' || *s == '\r')
			lr__buf_add(b, " ", 1);
		else
			lr__buf_add(b, s, 1);
	}
}

static void md_table(const lr_report *r, const rtable *t, rbuf *b)
{
	char scope[512];
	lr__buf_printf(b, "## %s\n\n", t->title);
	lr__buf_printf(b, "- %s %s\n", _("As of:"), lr__date(r, r->as_of).s);
	lr__buf_printf(b, "- %s %s\n", _("Scope:"),
	               lr__scope_text(r, scope, sizeof scope));
	lr__buf_printf(b, "- %s ", _("Units:"));
	md_text(b, t->units);
	lr__buf_printf(b, "\n- %s ", _("Source:"));
	md_text(b, t->source);
	lr__buf_puts(b, "\n\n|");
	for (int c = 0; c < t->n_cols; c++) {
		lr__buf_puts(b, " ");
		md_text(b, t->cols[c].label);
		if (t->cols[c].unit[0] && t->cols[c].type != RC_DATE) {
			lr__buf_puts(b, " (");
			md_text(b, t->cols[c].unit);
			lr__buf_puts(b, ")");
		}
		lr__buf_puts(b, " |");
	}
	lr__buf_puts(b, "\n|");
	for (int c = 0; c < t->n_cols; c++) {
		rc_type ty = t->cols[c].type;
		lr__buf_puts(b, ty == RC_TEXT || ty == RC_DATE || ty == RC_YEAR
		                        ? ":---|"
		                        : "---:|");
	}
	lr__buf_puts(b, "\n");
	for (size_t i = 0; i < t->n_rows; i++) {
		lr__buf_puts(b, "|");
		for (int c = 0; c < t->n_cols; c++) {
			char buf[64];
			const char *s = lr__cell_format(r, t, i, c, true, buf);
			lr__buf_puts(b, " ");
			bool bold = t->total[i] && s[0];
			if (bold)
				lr__buf_puts(b, "**");
			md_text(b, s);
			if (bold)
				lr__buf_puts(b, "**");
			lr__buf_puts(b, " |");
		}
		lr__buf_puts(b, "\n");
	}
	if (t->note[0]) {
		lr__buf_puts(b, "\n");
		md_text(b, t->note);
		lr__buf_puts(b, "\n");
	}
	lr__buf_puts(b, "\n");
}

int lr_report_write_md(const lr_report *r, const char *path, lr_error *err)
{
	rbuf b = {0};
	char scope[512];
	lr__buf_puts(&b, "# ");
	md_text(&b, r->title);
	lr__buf_puts(&b, "\n\n");
	lr__buf_printf(&b,
	               _("Figures as of %s, scope: %s. Written by landrelease "
	                 "%s from the store "),
	               lr__date(r, r->as_of).s,
	               lr__scope_text(r, scope, sizeof scope), r->version);
	md_text(&b, r->store);
	lr__buf_printf(&b, ".\n\n%s ", _("Data sources: regions"));
	md_text(&b, r->source[0]);
	lr__buf_puts(&b, _("; hazards "));
	md_text(&b, r->source[1]);
	lr__buf_puts(&b, _("; releases "));
	md_text(&b, r->source[2]);
	lr__buf_puts(&b, ".\n\n");
	for (size_t i = 0; i < r->notes.len; i++) {
		lr__buf_puts(&b, "- ");
		md_text(&b, LR_VEC_AT(&r->notes, char *, i));
		lr__buf_puts(&b, "\n");
	}
	if (r->notes.len)
		lr__buf_puts(&b, "\n");
	lr__buf_printf(&b, "## %s\n\n", _("Data quality"));
	for (size_t i = 0; i < r->quality.statement.len; i++) {
		lr__buf_puts(&b, "- ");
		md_text(&b, LR_VEC_AT(&r->quality.statement, char *, i));
		lr__buf_puts(&b, "\n");
	}
	lr__buf_puts(&b, "\n");
	for (int k = 0; k < T_N; k++)
		if (r->present[k] && !r->tables[k].report_only)
			md_table(r, &r->tables[k], &b);
	if (b.failed) {
		lr__buf_free(&b);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	int rc = lr__write_file(path, b.data, b.len, err);
	lr__buf_free(&b);
	return rc;
}
