/* The one CSV writer and reader (RFC 4180). */
#include "lr_csv.h"

#include <string.h>

void lr_csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

int lr_csv_record(char **p, char **fields, int max_fields)
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
		while (*s && *s != ',' && *s != '\n' && *s != '\r')
			*w++ = *s++;
		char end = *s;
		*w = '\0';
		if (n < max_fields)
			fields[n] = start;
		n++;
		if (end == ',') {
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
