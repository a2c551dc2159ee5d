/* Allocation helpers and the growable array. */
#include "lr_base.h"

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
