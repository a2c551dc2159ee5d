/* Errors, dates and small containers shared by every layer. */
#include "lr_base.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int lr_error_set(lr_error *err, lr_status code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		err->code = code;
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

void lr_error_clear(lr_error *err)
{
	if (err) {
		err->code = LR_OK;
		err->msg[0] = '\0';
	}
}

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

void *lr_xcalloc(size_t n, size_t size)
{
	return calloc(n ? n : 1, size ? size : 1);
}

char *lr_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

double lr_now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void lr_progress(const char *label, int64_t done, int64_t total,
                 const char *unit, bool last)
{
	if (total > 0)
		fprintf(stderr, "\r%s: %3d%% (%lld/%lld%s%s)", label,
		        (int)(100.0 * (double)done / (double)total),
		        (long long)done, (long long)total, unit[0] ? " " : "",
		        unit);
	else
		fprintf(stderr, "\r%s: %lld", label, (long long)done);
	if (last)
		fputc('\n', stderr);
	fflush(stderr);
}

int lr_read_file(const char *path, char **text, size_t *len, lr_error *err)
{
	*text = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return lr_error_set(err, LR_ERR_INPUT, "cannot read %s: %s",
		                    path, strerror(errno));
	char *buf = NULL;
	size_t n_buf = 0, cap = 0, n;
	char chunk[16384];
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (n_buf + n + 1 > cap) {
			size_t nc = cap ? 2 * cap : sizeof chunk + 1;
			while (nc < n_buf + n + 1)
				nc *= 2;
			char *t = realloc(buf, nc);
			if (!t) {
				fclose(f);
				free(buf);
				return lr_error_set(err, LR_ERR_NOMEM,
				                    "out of memory reading %s",
				                    path);
			}
			buf = t;
			cap = nc;
		}
		memcpy(buf + n_buf, chunk, n);
		n_buf += n;
	}
	int bad = ferror(f) ? (errno ? errno : EIO) : 0;
	fclose(f);
	if (bad) {
		free(buf);
		return lr_error_set(err, LR_ERR_INPUT, "cannot read %s: %s",
		                    path, strerror(bad));
	}
	if (!buf && !(buf = malloc(1)))
		return lr_error_set(err, LR_ERR_NOMEM,
		                    "out of memory reading %s", path);
	buf[n_buf] = '\0';
	if (len)
		*len = n_buf;
	*text = buf;
	return LR_OK;
}

void lr_vec_init(lr_vec *v, size_t elem)
{
	v->data = NULL;
	v->len = v->cap = 0;
	v->elem = elem;
}

void *lr_vec_push(lr_vec *v, const void *p)
{
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		void *d = realloc(v->data, cap * v->elem);
		if (!d)
			return NULL;
		v->data = d;
		v->cap = cap;
	}
	void *slot = (char *)v->data + v->len * v->elem;
	if (p)
		memcpy(slot, p, v->elem);
	else
		memset(slot, 0, v->elem);
	v->len++;
	return slot;
}

void lr_vec_free(lr_vec *v)
{
	free(v->data);
	v->data = NULL;
	v->len = v->cap = 0;
}
