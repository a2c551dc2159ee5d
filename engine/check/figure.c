/*
** Figures as a request writes them: read into hundredths of their unit,
** summed without overflow, and written back for the findings.
*/
#include "check_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int lr__check_blank_marker(const char *s)
{
	static const char *const blank[] = {
	        "",    "-", "\xe2\x80\x93", "\xe2\x80\x94", "n/a", "na", "..",
	        "nil", NULL};
	for (int i = 0; blank[i]; i++)
		if (!strcasecmp(s, blank[i]))
			return 1;
	return 0;
}

/* Parse a decimal number as written into mantissa and decimals. */
static int parse_decimal(const char *s, int64_t *mant, int *dec, bool *neg)
{
	*neg = false;
	if (*s == '+')
		s++;
	else if (*s == '-') {
		*neg = true;
		s++;
	} else if (!strncmp(s, "\xe2\x88\x92", 3)) { /* U+2212 minus */
		*neg = true;
		s += 3;
	}
	/* Decimal comma: no point, one comma not followed by exactly three
	** digits ("12,5"). */
	const char *comma = strchr(s, ',');
	bool comma_dec = false;
	if (comma && !strchr(s, '.') && !strchr(comma + 1, ',')) {
		size_t nd = 0;
		while (isdigit((unsigned char)comma[1 + nd]))
			nd++;
		comma_dec = nd != 3 || comma[1 + nd] != '\0';
	}
	int64_t m = 0;
	int digits = 0, d = -1;
	bool any = false;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isdigit(c)) {
			if (m > (INT64_MAX - 9) / 10 || digits >= 18)
				return -1;
			m = m * 10 + (c - '0');
			if (m > 0)
				digits++;
			any = true;
			if (d >= 0)
				d++;
		} else if (c == '.' || (c == ',' && comma_dec)) {
			if (d >= 0)
				return -1;
			d = 0;
		} else if (c == ',' || c == ' ' || c == '\'') {
			if (d >= 0)
				return -1;
		} else if (c == 0xC2 && (unsigned char)p[1] == 0xA0) {
			p++; /* no-break space as thousands separator */
		} else if (c == 0xE2 && (unsigned char)p[1] == 0x80 &&
		           (unsigned char)p[2] == 0xAF) {
			p += 2; /* narrow no-break space */
		} else if (c == '%' && p[1] == '\0') {
			break;
		} else {
			return -1;
		}
	}
	if (!any)
		return -1;
	*mant = m;
	*dec = d < 0 ? 0 : d;
	return 1;
}

/* A workbook writes small or large figures in scientific notation
** ("6.804000000000001E-05"): the mantissa as written, its decimals moved
** by the exponent.  Anything without an exponent is parse_decimal's. */
static int parse_number(const char *s, int64_t *mant, int *dec, bool *neg)
{
	const char *e = strpbrk(s, "eE");
	if (e == NULL)
		return parse_decimal(s, mant, dec, neg);
	char head[64];
	size_t n = (size_t)(e - s);
	if (n == 0 || n >= sizeof head)
		return -1;
	memcpy(head, s, n);
	head[n] = '\0';
	if (strpbrk(head, ", '") != NULL) /* no thousands beside an exponent */
		return -1;
	char *end;
	errno = 0;
	long k = strtol(e + 1, &end, 10);
	if (end == e + 1 || *end != '\0' || errno || k < -30 || k > 30 ||
	    parse_decimal(head, mant, dec, neg) < 0)
		return -1;
	int d = *dec - (int)k;
	for (; d < 0; d++) {
		if (*mant > INT64_MAX / 10)
			return -1;
		*mant *= 10;
	}
	*dec = d;
	return 1;
}

static const int64_t pow10_tab[19] = {1,
                                      10,
                                      100,
                                      1000,
                                      10000,
                                      100000,
                                      1000000,
                                      10000000,
                                      100000000,
                                      1000000000,
                                      10000000000,
                                      100000000000,
                                      1000000000000,
                                      10000000000000,
                                      100000000000000,
                                      1000000000000000,
                                      10000000000000000,
                                      100000000000000000,
                                      1000000000000000000};

int lr_check_parse_figure(const char *s, int scale_exp, int64_t *hundredths,
                          int *decimals)
{
	if (lr__check_blank_marker(s))
		return 0;
	int64_t m;
	int dec;
	bool neg;
	if (parse_number(s, &m, &dec, &neg) < 0)
		return -1;
	/* Binary floating point noise from a workbook ("1234.5599999999999"):
	** read it back rounded to twelve significant digits. */
	if (dec > 9) {
		bool was_neg = neg;
		double x = (double)m / pow(10.0, dec);
		int prec = 11 - (x > 0 ? (int)floor(log10(x)) : 0);
		char buf[64];
		snprintf(buf, sizeof buf, "%.*f",
		         prec < 0    ? 0
		         : prec > 17 ? 17
		                     : prec,
		         x);
		if (parse_decimal(buf, &m, &dec, &neg) < 0)
			return -1;
		neg = was_neg;
	}
	/* Trailing zeros say nothing about the precision (a workbook may write
	** 12.5000000000000000). */
	int sig = dec;
	int64_t mm = m;
	while (sig > 0 && mm % 10 == 0) {
		mm /= 10;
		sig--;
	}
	int shift = 2 + scale_exp - sig;
	int64_t v;
	if (shift >= 0) {
		if (shift > 18 || mm > INT64_MAX / pow10_tab[shift])
			return -1;
		v = mm * pow10_tab[shift];
	} else {
		if (-shift > 18)
			v = 0;
		else {
			int64_t p = pow10_tab[-shift];
			v = (mm + p / 2) / p;
		}
	}
	if (v > FIG_MAX)
		return -1;
	*hundredths = neg ? -v : v;
	*decimals = sig;
	return 1;
}

/* a + v into *acc, or false (*acc unchanged) when the sum would leave
** +-SUM_MAX: sums over any number of rows or columns go through here. */
bool lr__check_add_fig(int64_t *acc, int64_t v)
{
	int64_t s = *acc + v; /* |*acc| <= SUM_MAX, |v| <= FIG_MAX */
	if (s > SUM_MAX || s < -SUM_MAX)
		return false;
	*acc = s;
	return true;
}

/* Format v hundredths of the column's unit, at least min_dec decimals. */
void lr__check_fmt_num(char *buf, size_t size, int64_t v, int scale,
                       int min_dec)
{
	int exp = 2 + scale;
	bool neg = v < 0;
	uint64_t a = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t p = (uint64_t)pow10_tab[exp];
	char frac[24];
	unsigned long long fr = (unsigned long long)(a % p);
	for (int i = exp - 1; i >= 0; i--) {
		frac[i] = (char)('0' + fr % 10);
		fr /= 10;
	}
	int nd = exp;
	while (nd > min_dec && frac[nd - 1] == '0')
		nd--;
	frac[nd] = '\0';
	int w = snprintf(buf, size, "%s%llu", neg ? "-" : "",
	                 (unsigned long long)(a / p));
	if (nd && w > 0 && (size_t)w + 1 < size) {
		buf[w] = '.';
		size_t room = size - (size_t)w - 1;
		size_t k = (size_t)nd < room - 1 ? (size_t)nd : room - 1;
		memcpy(buf + w + 1, frac, k);
		buf[w + 1 + k] = '\0';
	}
}

void lr__check_fmt_col(const lr__col *c, char *buf, size_t size, int64_t v)
{
	if (c == NULL || c->type == COL_COUNT || c->type == COL_YEARS)
		lr__check_fmt_num(buf, size, v, 0, 0);
	else
		lr__check_fmt_num(buf, size, v,
		                  c->type == COL_AREA ? c->scale : 0,
		                  c->type == COL_AREA && c->scale ? 0 : 2);
}

int lr_check_parse_precision(const char *s, double *m2, lr_error *err)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	double f = 1;
	if (end == s || errno || !(v > 0) || !isfinite(v))
		goto bad;
	if (!*end || !strcasecmp(end, "m2"))
		f = 1;
	else if (!strcasecmp(end, "km2"))
		f = 1e6;
	else if (!strcasecmp(end, "ha"))
		f = 1e4;
	else
		goto bad;
	if (!isfinite(v * f))
		goto bad;
	*m2 = v * f;
	return LR_OK;
bad:
	return lr_error_set(err, LR_ERR_USAGE,
	                    "--precision '%s': give a rounding step with its "
	                    "unit, e.g. 0.01km2, 1m2 or 0.1ha",
	                    s);
}
