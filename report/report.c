/*
** Shared pieces of the report module: typed tables, number formatting, a
** byte buffer, atomic file writes and a WKB reader for drawing.
*/
#include "lr_file.h"
#include "report_i18n.h"
#include "report_int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- typed tables ------------------------------------------------------ */

int lr__rtable_init(rtable *t, const char *id, const char *title, int n_cols,
                    lr_error *err)
{
	memset(t, 0, sizeof *t);
	t->id = lr_strdup(id);
	t->title = lr_strdup(title);
	t->units = lr_strdup("");
	t->source = lr_strdup("");
	t->note = lr_strdup("");
	t->cols = lr_xcalloc((size_t)n_cols, sizeof *t->cols);
	t->n_cols = n_cols;
	if (!t->id || !t->title || !t->units || !t->source || !t->note ||
	    !t->cols)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	return LR_OK;
}

int lr__rtable_col(rtable *t, int c, const char *key, const char *label,
                   const char *unit, rc_type type, lr_error *err)
{
	rcol *k = &t->cols[c];
	free(k->key);
	free(k->label);
	free(k->unit);
	k->key = lr_strdup(key);
	k->label = lr_strdup(label);
	k->unit = lr_strdup(unit ? unit : "");
	k->type = type;
	if (!k->key || !k->label || !k->unit)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	return LR_OK;
}

int lr__rtable_cols(const lr_report *r, rtable *t, const rcol_def *defs, int n,
                    lr_error *err)
{
	int rc = LR_OK;
	for (int c = 0; rc == LR_OK && c < n; c++)
		rc = lr__rtable_col(t, c, defs[c].key, _(defs[c].label),
		                    _(defs[c].unit), defs[c].type, err);
	return rc;
}

int lr__rtable_add_row(rtable *t, size_t *row, lr_error *err)
{
	if (t->n_rows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		rcell *c =
		        realloc(t->cells, cap * (size_t)t->n_cols * sizeof *c);
		if (!c)
			return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		t->cells = c;
		unsigned char *tt = realloc(t->total, cap);
		if (!tt)
			return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		t->total = tt;
		t->cap = cap;
	}
	memset(RT_CELL(t, t->n_rows, 0), 0, (size_t)t->n_cols * sizeof(rcell));
	t->total[t->n_rows] = 0;
	*row = t->n_rows++;
	return LR_OK;
}

void lr__rtable_num(rtable *t, size_t r, int c, double v)
{
	rcell *x = RT_CELL(t, r, c);
	free(x->s);
	x->s = NULL;
	x->kind = CELL_NUM;
	x->v = v;
}

int lr__rtable_text(rtable *t, size_t r, int c, const char *s, lr_error *err)
{
	rcell *x = RT_CELL(t, r, c);
	free(x->s);
	x->s = lr_strdup(s ? s : "");
	x->kind = x->s ? CELL_TEXT : CELL_EMPTY;
	if (!x->s)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	return LR_OK;
}

int lr__rtable_meta(rtable *t, const char *units, const char *source,
                    const char *note, lr_error *err)
{
	const char *v[3] = {units, source, note};
	char **dst[3] = {&t->units, &t->source, &t->note};
	for (int i = 0; i < 3; i++) {
		if (!v[i])
			continue;
		char *s = lr_strdup(v[i]);
		if (!s)
			return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		free(*dst[i]);
		*dst[i] = s;
	}
	return LR_OK;
}

int lr__rtable_add_note(rtable *t, const char *sentence, lr_error *err)
{
	size_t n = strlen(t->note) + strlen(sentence) + 2;
	char *s = malloc(n);
	if (!s)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	snprintf(s, n, "%s%s%s", t->note, t->note[0] ? " " : "", sentence);
	free(t->note);
	t->note = s;
	return LR_OK;
}

void lr__rtable_free(rtable *t)
{
	if (!t)
		return;
	for (size_t i = 0; t->cells && i < t->n_rows * (size_t)t->n_cols; i++)
		free(t->cells[i].s);
	for (int c = 0; t->cols && c < t->n_cols; c++) {
		free(t->cols[c].key);
		free(t->cols[c].label);
		free(t->cols[c].unit);
	}
	free(t->cols);
	free(t->cells);
	free(t->total);
	free(t->id);
	free(t->title);
	free(t->units);
	free(t->source);
	free(t->note);
	memset(t, 0, sizeof *t);
}

bool lr__row_printed(const rtable *t, size_t i)
{
	return !t->printed || i < t->printed || t->total[i];
}

/* ---- formatting --------------------------------------------------------- */

int lr__type_decimals(rc_type type)
{
	switch (type) {
	case RC_M2:
	case RC_PCT:
	case RC_MONEY:
		return 2;
	case RC_KM2:
		return 4;
	case RC_COORD:
		return 6;
	default:
		return 0;
	}
}

/* The digits of raw ("-1234567.89") with the language's group and decimal
** separators into buf (64 bytes); raw as it is when they would not fit
** (areas beyond 10^40 m², which no country has). */
static char *group_digits(const lr__lang *l, const char *raw, bool thousands,
                          char *buf)
{
	const char *p = raw + (raw[0] == '-');
	size_t int_len = strcspn(p, "."), gl = strlen(l->group);
	size_t groups = thousands && int_len ? (int_len - 1) / 3 : 0;
	const char *frac = p[int_len] == '.' ? p + int_len + 1 : NULL;
	size_t need = (size_t)(p - raw) + int_len + groups * gl +
	              (frac ? strlen(l->decimal) + strlen(frac) : 0);
	if (need >= 64) {
		snprintf(buf, 64, "%s", raw);
		return buf;
	}
	char *o = buf;
	if (p != raw)
		*o++ = '-';
	for (size_t i = 0; i < int_len; i++) {
		if (groups && i && (int_len - i) % 3 == 0) {
			memcpy(o, l->group, gl);
			o += gl;
		}
		*o++ = p[i];
	}
	*o = '\0';
	if (frac) {
		strcat(o, l->decimal);
		strcat(o, frac);
	}
	return buf;
}

char *lr__fmt_num(const lr_report *r, double v, int decimals, bool thousands,
                  char *buf)
{
	char raw[64];
	if (!isfinite(v)) {
		strcpy(buf, "");
		return buf;
	}
	snprintf(raw, sizeof raw, "%.*f", decimals, v);
	if (!strcmp(raw, "-0") || !strncmp(raw, "-0.", 3)) {
		/* -0.00 after rounding reads as a sign error in a table */
		bool zero = true;
		for (const char *p = raw + 1; *p; p++)
			if (*p != '0' && *p != '.')
				zero = false;
		if (zero)
			memmove(raw, raw + 1, strlen(raw));
	}
	return group_digits(&r->lang, raw, thousands, buf);
}

rcount lr__count(const lr_report *r, long long n)
{
	char raw[32];
	rcount out;
	snprintf(raw, sizeof raw, "%lld", n);
	group_digits(&r->lang, raw, true, out.s);
	return out;
}

const char *lr__cell_format(const lr_report *r, const rtable *t, size_t row,
                            int c, bool thousands, char *buf)
{
	const rcell *x = RT_CELL(t, row, c);
	rc_type ty = t->cols[c].type;
	if (x->kind == CELL_TEXT)
		return ty == RC_DATE || ty == RC_COUNT ? lr__date_word(r, x->s)
		                                       : x->s;
	if (x->kind == CELL_EMPTY)
		return "";
	if (ty == RC_YEAR) {
		snprintf(buf, 64, "%.0f", x->v);
		return buf;
	}
	return lr__fmt_num(r, x->v, lr__type_decimals(ty), thousands, buf);
}

const char *lr__date_word(const lr_report *r, const char *s)
{
	/* The words completion.csv writes where a date or a count would be. */
	if (!strcmp(s, "never"))
		return _("never");
	if (!strcmp(s, "unknown"))
		return _("unknown");
	return s;
}

rdate lr__date(const lr_report *r, const char *iso)
{
	static const char *const months[12] = {
	        N_("January"), N_("February"), N_("March"),
	        N_("April"),   N_("May"),      N_("June"),
	        N_("July"),    N_("August"),   N_("September"),
	        N_("October"), N_("November"), N_("December")};
	rdate out;
	int y, m, d;
	char tail;
	/* English keeps the ISO date its outputs have always had. */
	if (!strcmp(r->lang.code, "en") ||
	    sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 ||
	    m > 12)
		snprintf(out.s, sizeof out.s, "%s", lr__date_word(r, iso));
	else
		/* TRANSLATORS: a date: day, month name, year. */
		snprintf(out.s, sizeof out.s, _("%2$d %1$s %3$d"),
		         _(months[m - 1]), d, y);
	return out;
}

const char *lr__scope_text(const lr_report *r, char *buf, size_t n)
{
	if (!r->scope[0])
		snprintf(buf, n, "%s", _("not recorded in the store"));
	else if (!strcmp(r->scope, "AP"))
		snprintf(buf, n, "%s", _("anti-personnel mines only (AP)"));
	else if (!strcmp(r->scope, "AP,AV,ERW,mixed"))
		snprintf(
		        buf, n, "%s",
		        _("all contamination (AP, AV, ERW, mixed): the figures "
		          "include areas holding only anti-vehicle mines or "
		          "other ERW, which Article 5 does not cover"));
	else
		snprintf(buf, n,
		         _("%s (only hazards of these contamination "
		           "kinds are counted)"),
		         r->scope);
	return buf;
}

/* ---- byte buffer -------------------------------------------------------- */

void lr__buf_add(rbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d) {
			b->failed = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void lr__buf_puts(rbuf *b, const char *s)
{
	lr__buf_add(b, s, strlen(s));
}

void lr__buf_printf(rbuf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n < sizeof small) {
		lr__buf_add(b, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	lr__buf_add(b, big, (size_t)n);
	free(big);
}

void lr__buf_free(rbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* ---- files -------------------------------------------------------------- */

int lr__commit_file(const char *tmp, const char *path, lr_error *err)
{
	/* The library closed tmp but need not have synced it: the journal
	** may only name complete files. */
	FILE *f = fopen(tmp, "rb");
	int e = f ? lr_fclose_synced(f) : errno;
	if (e) {
		(void)lr_file_remove(tmp, NULL);
		return lr_error_set(err, LR_ERR_IO, "cannot write %s: %s", path,
		                    strerror(e));
	}
	char dir[4096];
	const char *slash = strrchr(path, '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1,
	         slash && slash != path ? path
	         : slash                ? "/"
	                                : ".");
	lr_commit c;
	lr_commit_init(&c, dir);
	int rc = lr_commit_add(&c, tmp, path, err);
	if (rc != LR_OK)
		(void)lr_file_remove(tmp, NULL);
	else
		rc = lr_commit_apply(&c, err);
	/* Removes tmp unless a journal holds it for lr_commit_recover(). */
	lr_commit_free(&c);
	return rc;
}

int lr__write_file(const char *path, const char *data, size_t len,
                   lr_error *err)
{
	char tmp[4096];
	FILE *f = lr_atomic_open(path, tmp, sizeof tmp, err);
	if (!f)
		return err->code;
	if (len)
		(void)fwrite(data, 1, len, f); /* lr_atomic_close checks */
	return lr_atomic_close(f, tmp, path, err);
}

int lr__cairo_close(FILE *f, cairo_status_t st, const char *tmp,
                    const char *path, lr_error *err)
{
	if (st == CAIRO_STATUS_SUCCESS)
		return lr_atomic_close(f, tmp, path, err);
	(void)fclose(f);
	(void)lr_file_remove(tmp, NULL);
	return lr_error_set(err, LR_ERR_IO, "cannot write %s: %s", path,
	                    cairo_status_to_string(st));
}

cairo_status_t lr__cairo_write(void *closure, const unsigned char *data,
                               unsigned int n)
{
	return fwrite(data, 1, n, closure) == n ? CAIRO_STATUS_SUCCESS
	                                        : CAIRO_STATUS_WRITE_ERROR;
}

/* ---- WKB ---------------------------------------------------------------- */

typedef struct wkb_reader {
	const unsigned char *p, *end;
} wkb_reader;

static int rd_u32(wkb_reader *r, int le, uint32_t *v)
{
	if (r->end - r->p < 4)
		return -1;
	const unsigned char *p = r->p;
	*v = le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	                     (uint32_t)p[3] << 24
	        : (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
	                     (uint32_t)p[0] << 24;
	r->p += 4;
	return 0;
}

static int rd_f64(wkb_reader *r, int le, double *v)
{
	if (r->end - r->p < 8)
		return -1;
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = le ? r->p[i] : r->p[7 - i];
	uint64_t u = 0;
	for (int i = 7; i >= 0; i--)
		u = u << 8 | b[i];
	memcpy(v, &u, sizeof *v);
	r->p += 8;
	return 0;
}

static int shape_reserve(rshape *s, size_t pts, size_t rings)
{
	double *xy = realloc(s->xy, 2 * (s->n_pts + pts) * sizeof *xy);
	if (!xy)
		return -1;
	s->xy = xy;
	size_t *re = realloc(s->ring_end, (s->n_rings + rings) * sizeof *re);
	if (!re)
		return -1;
	s->ring_end = re;
	return 0;
}

static int read_geom(wkb_reader *r, rshape *s, int depth)
{
	if (depth > 4 || r->p >= r->end)
		return -1;
	int le = *r->p++ == 1;
	uint32_t type, n;
	if (rd_u32(r, le, &type) != 0)
		return -1;
	/* ISO Z/M codes (1003, 3003...) and EWKB flags: XY is read, the
	** other ordinates skipped. */
	int dims = 2;
	if (type & 0x80000000u)
		dims++;
	if (type & 0x40000000u)
		dims++;
	type &= 0x0fffffffu;
	if (type >= 1000) {
		dims = type >= 3000 ? 4 : 3;
		type %= 1000;
	}
	if (type == 6 || type == 7) {
		if (rd_u32(r, le, &n) != 0)
			return -1;
		for (uint32_t i = 0; i < n; i++)
			if (read_geom(r, s, depth + 1) != 0)
				return -1;
		return 0;
	}
	if (type != 3)
		return -1;
	if (rd_u32(r, le, &n) != 0)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t np;
		if (rd_u32(r, le, &np) != 0 ||
		    (size_t)(r->end - r->p) / (8 * (size_t)dims) < np ||
		    shape_reserve(s, np, 1) != 0)
			return -1;
		for (uint32_t k = 0; k < np; k++) {
			double x, y, skip;
			rd_f64(r, le, &x);
			rd_f64(r, le, &y);
			for (int d = 2; d < dims; d++)
				rd_f64(r, le, &skip);
			if (s->n_pts == 0) {
				s->box[0] = s->box[2] = x;
				s->box[1] = s->box[3] = y;
			}
			s->box[0] = fmin(s->box[0], x);
			s->box[1] = fmin(s->box[1], y);
			s->box[2] = fmax(s->box[2], x);
			s->box[3] = fmax(s->box[3], y);
			s->xy[2 * s->n_pts] = x;
			s->xy[2 * s->n_pts + 1] = y;
			s->n_pts++;
		}
		s->ring_end[s->n_rings++] = s->n_pts;
	}
	return 0;
}

int lr__wkb_to_shape(const unsigned char *wkb, size_t size, rshape *s)
{
	wkb_reader r = {wkb, wkb + size};
	return wkb ? read_geom(&r, s, 0) : -1;
}

void lr__shape_free(rshape *s)
{
	if (!s)
		return;
	free(s->xy);
	free(s->ring_end);
	memset(s, 0, sizeof *s);
}
