/* Allocation helpers and the growable array. */
#include "lr_base.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *lr_xcalloc(size_t n, size_t size)
{
	return calloc(n ? n : 1, size ? size : 1);
}

char *lr_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

void lr_vec_init(lr_vec *v, size_t elem)
{
	v->data = NULL;
	v->len = v->cap = 0;
	v->elem = elem;
}

bool lr_vec_reserve(lr_vec *v, size_t n)
{
	if (n <= v->cap)
		return true;
	if (n > SIZE_MAX / v->elem)
		return false;
	void *d = realloc(v->data, n * v->elem);
	if (!d)
		return false;
	v->data = d;
	v->cap = n;
	return true;
}

bool lr_vec_grow(lr_vec *v)
{
	if (v->len < v->cap)
		return true;
	return v->cap <= SIZE_MAX / 2 &&
	       lr_vec_reserve(v, v->cap ? v->cap * 2 : 16);
}

void *lr_vec_push(lr_vec *v, const void *p)
{
	if (!lr_vec_grow(v))
		return NULL;
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

int lr_vec_push_printf(lr_vec *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = lr_vec_push_vprintf(v, fmt, ap);
	va_end(ap);
	return rc;
}

int lr_vec_push_vprintf(lr_vec *v, const char *fmt, va_list ap)
{
	/* Measured, then malloc'ed: every allocation goes through malloc,
	** where the allocation-failure test can refuse it. */
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	char *s = n < 0 ? NULL : malloc((size_t)n + 1);
	if (!s)
		return LR_ERR_NOMEM;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	if (!lr_vec_push(v, &s)) {
		free(s);
		return LR_ERR_NOMEM;
	}
	return LR_OK;
}
