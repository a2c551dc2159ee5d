/*
** Helpers shared by the libFuzzer harnesses: NUL-terminated copies of the
** input and a splitter at the first newline.
*/
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A NUL-terminated copy of data; the caller frees it.  Aborts on OOM. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Split s in place at the first '\n': s becomes the first line, the
** return value the rest ("" when there is no newline). */
static inline char *fuzz_split(char *s)
{
	char *nl = strchr(s, '\n');
	if (nl == NULL)
		return s + strlen(s);
	*nl = '\0';
	return nl + 1;
}

#endif
