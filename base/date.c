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
	snprintf(buf, 11, "%04d-%02d-%02d", y, m, dd);
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
