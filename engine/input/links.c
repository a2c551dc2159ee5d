/*
** Link fields that hold a list of ids (IMSMA's imsma_links: "H-1, H-2;
** H-3" or a JSON array, thousands of bytes long) read into one canonical
** text.
*/
#include "mapping_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A separator of a list of ids. */
static bool is_separator(char c)
{
	return c == ',' || c == ';';
}

/* Around an id: white space, and the brackets and quotes of a list
** written as JSON (["{A1}", "{B2}"]). */
static bool is_wrapping(char c)
{
	return isspace((unsigned char)c) || c == '[' || c == ']' || c == '"';
}

char *lr__id_list_normalize(const char *text, bool *oom)
{
	if (!text)
		return NULL;
	char *out = malloc(strlen(text) + 1);
	if (!out) {
		*oom = true;
		return NULL;
	}
	size_t k = 0;
	for (const char *p = text; *p;) {
		while (*p && (is_separator(*p) || is_wrapping(*p)))
			p++;
		size_t n = 0;
		while (p[n] && !is_separator(p[n]))
			n++;
		size_t m = n; /* the id without what wraps it */
		while (m && is_wrapping(p[m - 1]))
			m--;
		if (m) {
			if (k)
				out[k++] = ',';
			memcpy(out + k, p, m);
			k += m;
		}
		p += n;
	}
	out[k] = '\0';
	if (!k) { /* nothing but separators: no link */
		free(out);
		return NULL;
	}
	return out;
}
