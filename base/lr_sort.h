/*
** A typed in-place sort for hot arrays.  glibc's qsort is a merge sort
** through a comparison function called by pointer and memcpy of each
** element; on the noder's boxes, the tracer's segment ends and the
** R-tree's keys it took more time than the work around it.  The order
** `before` gives must be total (ties broken) or the callers must not
** depend on the order of equal elements: this sort is not stable.
*/
#ifndef LR_SORT_H
#define LR_SORT_H

#include <stdbool.h>
#include <stddef.h>

/* static void NAME(TYPE *b, size_t n): sort b[0..n) so that no element is
** BEFORE (a function of two const TYPE *) the one ahead of it. */
#define LR_DEFINE_SORT(NAME, TYPE, BEFORE)                                     \
	static void NAME(TYPE *b, size_t n)                                    \
	{                                                                      \
		while (n > 16) {                                               \
			size_t m = n / 2;                                      \
			TYPE t;                                                \
			if (BEFORE(&b[m], &b[0]))                              \
				t = b[m], b[m] = b[0], b[0] = t;               \
			if (BEFORE(&b[n - 1], &b[0]))                          \
				t = b[n - 1], b[n - 1] = b[0], b[0] = t;       \
			if (BEFORE(&b[n - 1], &b[m]))                          \
				t = b[n - 1], b[n - 1] = b[m], b[m] = t;       \
			TYPE pivot = b[m];                                     \
			size_t i = 0, j = n - 1;                               \
			for (;;) {                                             \
				while (BEFORE(&b[i], &pivot))                  \
					i++;                                   \
				while (BEFORE(&pivot, &b[j]))                  \
					j--;                                   \
				if (i >= j)                                    \
					break;                                 \
				t = b[i], b[i] = b[j], b[j] = t;               \
				i++, j--;                                      \
			}                                                      \
			/* Recurse into the smaller side, loop on the larger.  \
			 */                                                    \
			if (j + 1 < n - j - 1) {                               \
				NAME(b, j + 1);                                \
				b += j + 1;                                    \
				n -= j + 1;                                    \
			} else {                                               \
				NAME(b + j + 1, n - j - 1);                    \
				n = j + 1;                                     \
			}                                                      \
		}                                                              \
		for (size_t i = 1; i < n; i++)                                 \
			for (size_t j = i; j > 0 && BEFORE(&b[j], &b[j - 1]);  \
			     j--) {                                            \
				TYPE t = b[j];                                 \
				b[j] = b[j - 1];                               \
				b[j - 1] = t;                                  \
			}                                                      \
	}

#endif
