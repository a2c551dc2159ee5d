/*
** report.html: one self-contained page (inline CSS and SVG, nothing fetched
** at view time) with a sentence per region, the charts and the tables.
*/
#include "report_i18n.h"
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

static void esc(rbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			lr__buf_puts(b, "&lt;");
			break;
		case '>':
			lr__buf_puts(b, "&gt;");
			break;
		case '&':
			lr__buf_puts(b, "&amp;");
			break;
		case '"':
			lr__buf_puts(b, "&quot;");
			break;
		default:
			lr__buf_add(b, s, 1);
		}
	}
}

static const char *const css =
        "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;"
        "color:#222;margin:24px auto;max-width:1180px;padding:0 16px;"
        "line-height:1.45}"
        "h1{font-size:1.7em;margin-bottom:.2em}"
        "h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc;"
        "padding-bottom:.2em}"
        ".meta{color:#555;font-size:.92em}"
        ".note{background:#fff8e1;border-left:4px solid #f0b429;"
        "padding:.4em .8em;margin:.4em 0;font-size:.92em}"
        "ul.regions{columns:2;column-gap:2em;font-size:.92em}"
        "ul.dq{background:#f4f6f8;border-left:4px solid #7a8a99;"
        "padding:.5em .8em .5em 2em;font-size:.92em}"
        "ul.regions li{break-inside:avoid;margin-bottom:.3em}"
        "figure{margin:1.2em 0}"
        "figure svg{max-width:100%;height:auto;border:1px solid #e3e3e3}"
        "figcaption{color:#555;font-size:.9em}"
        ".tw{overflow-x:auto}"
        "table{border-collapse:collapse;font-size:.82em;margin:.6em 0}"
        "th,td{padding:3px 7px;border-bottom:1px solid #e6e6e6}"
        "th{background:#e8eef4;text-align:left;vertical-align:bottom}"
        "td.n{text-align:right;font-variant-numeric:tabular-nums;"
        "white-space:nowrap}"
        "tr.total td{font-weight:bold;border-top:1.5px solid #777;"
        "background:#f7f7f7}"
        "dl.tm{font-size:.88em;color:#444;display:grid;"
        "grid-template-columns:max-content auto;gap:0 1em;margin:.3em 0}"
        "dl.tm dt{font-weight:bold}dl.tm dd{margin:0}"
        "@media print{figure,table{break-inside:avoid}}";

/* Markup open, the label escaped, markup mid, the text escaped: labels
** come from the catalogue, texts from the data, and neither is markup. */
static void labelled(rbuf *b, const char *open, const char *label,
                     const char *mid, const char *text)
{
	lr__buf_puts(b, open);
	esc(b, label);
	lr__buf_puts(b, mid);
	esc(b, text);
}

static void html_table(const lr_report *r, const rtable *t, rbuf *b)
{
	char scope[512];
	lr__buf_printf(b, "<h2 id=\"%s\">", t->id);
	esc(b, t->title);
	labelled(b, "</h2>\n<dl class=\"tm\"><dt>", _("As of"), "</dt><dd>",
	         lr__date(r, r->as_of).s);
	labelled(b, "</dd><dt>", _("Scope"), "</dt><dd>",
	         lr__scope_text(r, scope, sizeof scope));
	labelled(b, "</dd><dt>", _("Units"), "</dt><dd>", t->units);
	labelled(b, "</dd><dt>", _("Source"), "</dt><dd>", t->source);
	lr__buf_puts(b, "</dd></dl>\n<div class=\"tw\"><table>\n<thead><tr>");
	for (int c = 0; c < t->n_cols; c++) {
		lr__buf_puts(b, "<th>");
		esc(b, t->cols[c].label);
		if (t->cols[c].unit[0] && t->cols[c].type != RC_DATE) {
			lr__buf_puts(b, " (");
			esc(b, t->cols[c].unit);
			lr__buf_puts(b, ")");
		}
		lr__buf_puts(b, "</th>");
	}
	lr__buf_puts(b, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < t->n_rows; i++) {
		if (!lr__row_printed(t, i))
			continue;
		lr__buf_puts(b, t->total[i] ? "<tr class=\"total\">" : "<tr>");
		for (int c = 0; c < t->n_cols; c++) {
			char buf[64];
			rc_type ty = t->cols[c].type;
			bool num = ty != RC_TEXT && ty != RC_DATE;
			lr__buf_puts(b, num ? "<td class=\"n\">" : "<td>");
			esc(b, lr__cell_format(r, t, i, c, true, buf));
			lr__buf_puts(b, "</td>");
		}
		lr__buf_puts(b, "</tr>\n");
	}
	lr__buf_puts(b, "</tbody></table></div>\n");
	if (t->note[0]) {
		lr__buf_puts(b, "<p class=\"meta\">");
		esc(b, t->note);
		lr__buf_puts(b, "</p>\n");
	}
}

/* The page's head, title and the paragraph of date, scope and sources. */
static void html_head(const lr_report *r, rbuf *b)
{
	char scope[512];
	lr__buf_printf(b,
	               "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	               "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	               "content=\"width=device-width, initial-scale=1\">\n"
	               "<title>",
	               r->lang.code);
	esc(b, r->title);
	lr__buf_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>",
	               css);
	esc(b, r->title);
	labelled(b, "</h1>\n<p class=\"meta\">", _("Figures as of"), " <b>",
	         lr__date(r, r->as_of).s);
	labelled(b, "</b>. ", _("Scope:"), " ",
	         lr__scope_text(r, scope, sizeof scope));
	labelled(b, ".<br>", _("Data sources: regions"), " ", r->source[0]);
	labelled(b, "", _("; hazards "), "", r->source[1]);
	labelled(b, "", _("; releases "), "", r->source[2]);
	char written[256];
	snprintf(written, sizeof written, _("Written by landrelease %s."),
	         r->version);
	labelled(b, ".<br>", written, "</p>\n", "");
	for (size_t i = 0; i < r->notes.len; i++) {
		lr__buf_puts(b, "<p class=\"note\">");
		esc(b, LR_VEC_AT(&r->notes, char *, i));
		lr__buf_puts(b, "</p>\n");
	}
}

/* The data-quality statement, which qualifies every figure after it. */
static void html_quality(const lr_report *r, rbuf *b)
{
	labelled(b, "<h2 id=\"data_quality\">", _("Data quality"),
	         "</h2>\n<ul class=\"dq\">\n", "");
	for (size_t i = 0; i < r->quality.statement.len; i++) {
		lr__buf_puts(b, "<li>");
		esc(b, LR_VEC_AT(&r->quality.statement, char *, i));
		lr__buf_puts(b, "</li>\n");
	}
	lr__buf_puts(b, "</ul>\n");
}

/* One sentence per region the summary names, then one for the others. */
static void html_regions(const lr_report *r, rbuf *b)
{
	lr__buf_puts(b, "<ul class=\"regions\">\n");
	size_t *idx = calloc(r->regions.len + 1, sizeof *idx);
	size_t n_said = idx ? lr__summary_regions(r, idx) : 0;
	if (!idx)
		b->failed = true;
	for (size_t i = 0; i < n_said; i++) {
		rbuf s = {0};
		lr__region_sentence(r, lr__summary_region(r, idx[i]), &s);
		lr__buf_puts(b, "<li>");
		esc(b, s.data ? s.data : "");
		lr__buf_puts(b, "</li>\n");
		b->failed |= s.failed;
		lr__buf_free(&s);
	}
	free(idx);
	lr__buf_puts(b, "</ul>\n");
	rbuf others = {0};
	lr__summary_others(r, &others);
	if (others.len) {
		lr__buf_puts(b, "<p>");
		esc(b, others.data);
		lr__buf_puts(b, "</p>\n");
	}
	b->failed |= others.failed;
	lr__buf_free(&others);
}

/* The national sentence and the regions' sentences. */
static void html_summary(const lr_report *r, rbuf *b)
{
	char m2[64];
	rbuf s = {0}; /* the national sentence: its dates come from a CSV */
	lr__buf_printf(&s, _("%s of hazardous land remaining in %s areas"),
	               lr__fmt_area(r, r->remaining, m2),
	               lr__count(r, r->remaining_count).s);
	if (r->has_completion)
		lr__buf_printf(
		        &s,
		        _("; at the pace of recent years, completion P10 "
		          "%s, P50 %s, P90 %s ('never': not within 50 "
		          "years); Article 5 deadline %s"),
		        lr__date(r, r->p[0]).s, lr__date(r, r->p[1]).s,
		        lr__date(r, r->p[2]).s, lr__date(r, r->deadline).s);
	labelled(b, "<h2>", _("Summary"), "</h2>\n<p><b>", _("National:"));
	labelled(b, "</b> ", s.data ? s.data : "", "", "");
	b->failed |= s.failed;
	lr__buf_free(&s);
	lr__buf_puts(b, ".</p>\n");
	html_regions(r, b);
}

/* The three charts as inline SVG with their captions. */
static int html_charts(const lr_report *r, rbuf *b, lr_error *err)
{
	static const double size[3][2] = {
	        {1100, 560}, {1100, 520}, {1100, 820}};
	labelled(b, "<h2>", _("Charts"), "</h2>\n", "");
	for (int k = 0; k < 3; k++) {
		char prefix[16];
		snprintf(prefix, sizeof prefix, "c%d-", k);
		lr__buf_puts(b, "<figure>\n");
		int rc = lr__chart_svg(r, k, size[k][0], size[k][1], prefix, b,
		                       err);
		if (rc != LR_OK)
			return rc;
		rbuf cap = {0};
		lr__chart_caption(r, k, &cap);
		lr__buf_puts(b, "<figcaption>");
		esc(b, cap.data ? cap.data : "");
		lr__buf_puts(b, "</figcaption>\n</figure>\n");
		b->failed |= cap.failed;
		lr__buf_free(&cap);
	}
	return LR_OK;
}

/* The tables in the report's order, the district tables as annex C. */
static void html_tables(const lr_report *r, rbuf *b)
{
	int order[T_N], n = lr__report_order(r, order);
	for (int i = 0; i < n; i++) {
		if (order[i] == T_REMAINING && lr__leaf_annex(r))
			labelled(b, "<h2 id=\"annex_c\">",
			         _("Annex C. Every region"), "</h2>\n", "");
		html_table(r, &r->tables[order[i]], b);
	}
}

int lr_report_write_html(const lr_report *r, const char *path, lr_error *err)
{
	rbuf b = {0};
	html_head(r, &b);
	html_quality(r, &b);
	html_summary(r, &b);
	int rc = html_charts(r, &b, err);
	if (rc != LR_OK) {
		lr__buf_free(&b);
		return rc;
	}
	html_tables(r, &b);
	lr__buf_puts(&b, "</body>\n</html>\n");
	if (b.failed) {
		lr__buf_free(&b);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	rc = lr__write_file(path, b.data, b.len, err);
	lr__buf_free(&b);
	return rc;
}
