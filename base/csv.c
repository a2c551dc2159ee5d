/* The one CSV writer and reader (RFC 4180). */
#include "lr_csv.h"

#include <ctype.h>
#include <string.h>

/* A number as landrelease writes figures: [+-]digits[.digits][e[+-]digits]. */
static int is_number(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	const char *d = s;
	while (isdigit((unsigned char)*s))
		s++;
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++)
			;
	if (s == d || (s == d + 1 && *d == '.'))
		return 0;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

/* A cell a spreadsheet would run as a formula (OWASP CSV injection). */
static int formula_like(const char *s)
{
	return strchr("=+-@\t\r", *s) && *s && !is_number(s);
}

void lr_csv_field(FILE *f, const char *s)
{
	int formula = formula_like(s);
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	if (formula)
		putc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

int lr_csv_record(char **p, char **fields, int max_fields)
{
	return lr_csv_record_sep(p, ',', fields, max_fields);
}

int lr_csv_record_sep(char **p, char sep, char **fields, int max_fields)
{
	char *s = *p;
	if (!*s)
		return 0;
	int n = 0;
	for (;;) {
		char *w = s, *start = s;
		if (*s == '"') {
			s++;
			for (;;) {
				if (!*s)
					break;
				if (*s == '"' && s[1] == '"') {
					*w++ = '"';
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					*w++ = *s++;
				}
			}
		}
		while (*s && *s != sep && *s != '\n' && *s != '\r')
			*w++ = *s++;
		char end = *s;
		*w = '\0';
		if (n < max_fields)
			fields[n] = start;
		n++;
		if (end == sep && sep != '\0') {
			s++;
			continue;
		}
		if (end == '\r' || end == '\n')
			s++;
		if (end == '\r' && *s == '\n')
			s++;
		break;
	}
	*p = s;
	return n;
}
