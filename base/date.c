/* Civil dates as day numbers in the proleptic Gregorian calendar. */
#include "lr_base.h"

#include <stdio.h>
#include <string.h>

/* Howard Hinnant's days_from_civil: exact for the whole int32 day range. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30,
	                         31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

lr_date lr_date_from_ymd(int y, int m, int d)
{
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, m))
		return LR_DATE_NONE;
	return (lr_date)days_from_civil(y, (unsigned)m, (unsigned)d);
}

void lr_date_to_ymd(lr_date dn, int *y, int *m, int *d)
{
	int64_t z = (int64_t)dn + 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe =
	        (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	const unsigned dd = doy - (153 * mp + 2) / 5 + 1;
	const unsigned mm = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((int64_t)yoe + era * 400 + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

int lr_date_year(lr_date d)
{
	int y, m, dd;
	lr_date_to_ymd(d, &y, &m, &dd);
	return y;
}

char *lr_date_format(lr_date d, char *buf)
{
	if (d == LR_DATE_NONE) {
		buf[0] = '\0';
		return buf;
	}
	int y, m, dd;
	lr_date_to_ymd(d, &y, &m, &dd);
	if (y < 0 || y > 9999) {
		snprintf(buf, 11, "%04d-%02d-%02d", y, m, dd);
		return buf;
	}
	/* Digit by digit: this runs for every dated row of every table and
	** every event of the ledger, where snprintf was a few percent of the
	** whole run. */
	const int part[3] = {y, m, dd}, width[3] = {4, 2, 2};
	char *p = buf;
	for (int k = 0; k < 3; k++) {
		if (k)
			*p++ = '-';
		for (int i = width[k] - 1, v = part[k]; i >= 0; i--, v /= 10)
			p[i] = (char)('0' + v % 10);
		p += width[k];
	}
	*p = '\0';
	return buf;
}

lr_date lr_date_parse_iso(const char *s)
{
	int y, m, d, n = 0;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return LR_DATE_NONE;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return LR_DATE_NONE;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return LR_DATE_NONE;
	return lr_date_from_ymd(y, m, d);
}
