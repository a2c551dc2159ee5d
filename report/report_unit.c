/*
** Areas in the unit the reader asked for: requests, Article 7 reports,
** Landmine Monitor and Mine Action Review publish km² with two decimals,
** so the tables and the report do too unless told otherwise; the CSV
** contract of analyze stays in m².
*/
#include "report_i18n.h"
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *word, *symbol, *key;
	double m2;
	const char *prose;
} units[] = {
        [LR_UNIT_KM2] = {"km2", "km²", "_km2", 1e6,
                         N_("in square kilometres (km², two decimals; "
                            "each figure rounded on its own, so a total "
                            "may differ from the sum of its rounded "
                            "parts by a few hundredths)")},
        [LR_UNIT_HA] = {"ha", "ha", "_ha", 1e4,
                        N_("in hectares (ha, two decimals; each figure "
                           "rounded on its own, so a total may differ "
                           "from the sum of its rounded parts by a few "
                           "hundredths)")},
        [LR_UNIT_M2] = {"m2", "m²", "_m2", 1,
                        N_("in square metres (m², two decimals), with "
                           "km² alongside where a reader needs the order "
                           "of magnitude")},
};

int lr_report_unit_parse(const char *s, lr_area_unit *u, lr_error *err)
{
	for (int k = 0; k <= LR_UNIT_M2; k++)
		if (!strcmp(s, units[k].word)) {
			*u = (lr_area_unit)k;
			return LR_OK;
		}
	return lr_error_set(err, LR_ERR_USAGE,
	                    "unknown unit '%s' (km2, ha, m2)", s);
}

double lr__unit_m2(lr_area_unit u)
{
	return units[u].m2;
}

const char *lr__unit_symbol(lr_area_unit u)
{
	return units[u].symbol;
}

const char *lr__fmt_area(const lr_report *r, double m2, char *buf)
{
	/* The number is at most 50 bytes (|v| < 1e40 is far beyond land). */
	lr__fmt_num(r, m2 / units[r->unit].m2, 2, true, buf);
	size_t n = strlen(buf);
	snprintf(buf + n, 64 - n, " %s", units[r->unit].symbol);
	return buf;
}

const char *lr__areas_in(const lr_report *r)
{
	return _(units[r->unit].prose);
}

/* Remove column c of t with its cells. */
static void drop_column(rtable *t, int c)
{
	free(t->cols[c].key);
	free(t->cols[c].label);
	free(t->cols[c].unit);
	memmove(&t->cols[c], &t->cols[c + 1],
	        (size_t)(t->n_cols - c - 1) * sizeof *t->cols);
	size_t nc = (size_t)t->n_cols, w = 0;
	for (size_t i = 0; i < t->n_rows * nc; i++) {
		if (i % nc == (size_t)c) {
			free(t->cells[i].s);
			continue;
		}
		t->cells[w++] = t->cells[i];
	}
	t->n_cols--;
}

/* s with its first "from" replaced by "to", newly allocated; NULL when out
** of memory. */
static char *replace_first(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	if (!at)
		return lr_strdup(s);
	size_t head = (size_t)(at - s),
	       n = strlen(s) - strlen(from) + strlen(to) + 1;
	char *o = malloc(n);
	if (o)
		snprintf(o, n, "%.*s%s%s", (int)head, s, to, at + strlen(from));
	return o;
}

/* Column c of t (an area in m²) into unit u. */
static int column_to_unit(rtable *t, int c, lr_area_unit u, lr_error *err)
{
	rcol *k = &t->cols[c];
	char *key = replace_first(k->key, "_m2", units[u].key);
	char *unit = replace_first(k->unit, "m²", units[u].symbol);
	if (!key || !unit) {
		free(key);
		free(unit);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	free(k->key);
	free(k->unit);
	k->key = key;
	k->unit = unit;
	for (size_t i = 0; i < t->n_rows; i++) {
		rcell *x = RT_CELL(t, i, c);
		if (x->kind == CELL_NUM)
			x->v /= units[u].m2;
	}
	return LR_OK;
}

int lr__tables_to_unit(lr_report *r, lr_error *err)
{
	if (r->unit == LR_UNIT_M2)
		return LR_OK;
	for (int k = 0; k < T_N; k++) {
		rtable *t = &r->tables[k];
		for (int c = t->n_cols - 1; c >= 0; c--)
			if (t->cols[c].type == RC_KM2)
				drop_column(t, c);
		for (int c = 0; c < t->n_cols; c++)
			if (t->cols[c].type == RC_M2 &&
			    column_to_unit(t, c, r->unit, err) != LR_OK)
				return err->code;
	}
	return LR_OK;
}
