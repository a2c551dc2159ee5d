/*
** Findings: a stated figure compared with the one the other figures imply,
** within the tolerance and the rounding of the figures, and recorded.
*/
#include "check_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *lr__check_dupf(lr__ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0) {
		s = NULL;
		x->oom = true;
	}
	va_end(ap);
	return s;
}

void lr__check_add_finding(lr__ctx *x, int rule, lr_severity sev,
                           const lr__tab *p, const char *row,
                           const lr__col *col, const char *stated,
                           const char *expected, const char *diff, char *msg)
{
	lr_check_finding f = {.rule = lr_check_rules[rule].id,
	                      .severity = sev,
	                      .table = lr_strdup(p ? p->t->name : ""),
	                      .row = lr_strdup(row ? row : ""),
	                      .column = lr_strdup(col ? col->label : ""),
	                      .stated = lr_strdup(stated ? stated : ""),
	                      .expected = lr_strdup(expected ? expected : ""),
	                      .difference = lr_strdup(diff ? diff : ""),
	                      .message = msg ? msg : lr_strdup("")};
	if (!f.table || !f.row || !f.column || !f.stated || !f.expected ||
	    !f.difference || !f.message || !lr_vec_push(&x->r->findings, &f)) {
		x->oom = true;
		free(f.table);
		free(f.row);
		free(f.column);
		free(f.stated);
		free(f.expected);
		free(f.difference);
		free(f.message);
		return;
	}
	if (sev == LR_SEV_ERROR)
		x->r->n_error++;
	else if (sev == LR_SEV_WARNING)
		x->r->n_warning++;
	else
		x->r->n_info++;
}

static lr_severity rule_sev(int rule)
{
	return !strcmp(lr_check_rules[rule].severity, "error") ? LR_SEV_ERROR
	                                                       : LR_SEV_WARNING;
}

/* A finding with no figures. */
void lr__check_note(lr__ctx *x, int rule, lr_severity sev, const lr__tab *p,
                    const char *row, const lr__col *col, char *msg)
{
	lr__check_add_finding(x, rule, sev, p, row, col, NULL, NULL, NULL, msg);
}

/* ratio a/b within 1% of 10^k for k in 1, 2, 3, 6 (either way): k or 0. */
int lr__check_power_slip(double a, double b)
{
	if (a == 0 || b == 0)
		return 0;
	double r = fabs(a / b);
	if (r < 1)
		r = 1 / r;
	static const int ks[] = {1, 2, 3, 6};
	for (int i = 0; i < 4; i++) {
		double p = pow(10.0, ks[i]);
		if (fabs(r / p - 1) <= 0.01)
			return ks[i];
	}
	return 0;
}

/*
** Compare a stated figure with the one the other figures imply.  Within
** the tolerance: nothing; within tolerance + rounding bound: an info
** finding; beyond: a finding of the rule's severity, with a hint when the
** two differ by a power of ten.  Returns 1 when beyond, else 0.
*/
int lr__check_compare(lr__ctx *x, int rule, const lr__tab *p, const char *row,
                      const lr__col *col, int64_t stated, int64_t expected,
                      double bound, const char *what)
{
	int64_t d = stated - expected;
	uint64_t ad = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
	if (ad == 0)
		return 0;
	int64_t tol = col && col->type == COL_AREA ? x->tol : 0;
	char s[48], e[48], df[48];
	lr__check_fmt_col(col, s, sizeof s, stated);
	lr__check_fmt_col(col, e, sizeof e, expected);
	lr__check_fmt_col(col, df, sizeof df, d);
	if ((double)ad <= (double)tol)
		return 0;
	if ((double)ad <= (double)tol + bound + 1e-9) {
		char b[48];
		lr__check_fmt_col(col, b, sizeof b, (int64_t)llround(bound));
		lr__check_add_finding(
		        x, rule, LR_SEV_INFO, p, row, col, s, e, df,
		        lr__check_dupf(x, "%s: within rounding (up to %s)",
		                       what, b));
		return 0;
	}
	int k = lr__check_power_slip((double)stated, (double)expected);
	lr__check_add_finding(
	        x, rule, rule_sev(rule), p, row, col, s, e, df,
	        lr__check_dupf(
	                x, "%s%s%s", what, k ? ": off by a factor of 10^" : "",
	                k ? (k == 1   ? "1, a likely unit or typing slip"
	                     : k == 2 ? "2, a likely unit or typing slip"
	                     : k == 3 ? "3, a likely unit or typing slip"
	                              : "6, a likely unit or typing slip")
	                  : ""));
	return 1;
}

/* The same where the implied figure is a product or a ratio: a stated
** figure that is the rounding of it passes. */
int lr__check_compare_d(lr__ctx *x, int rule, const lr__tab *p, const char *row,
                        const lr__col *col, int64_t stated, double expected,
                        double bound, const char *what)
{
	if (fabs((double)stated - expected) <= col->half + 1e-6)
		return 0;
	/* a ratio or product of absurd figures may be beyond any int64 */
	double e = fmin(fmax(expected, -(double)SUM_MAX), (double)SUM_MAX);
	return lr__check_compare(x, rule, p, row, col, stated, llround(e),
	                         bound + 0.5, what);
}
