/*
** A tiny TAP producer for meson's 'tap' protocol: one lr_test_ok() per fact.
*/
#ifndef LR_TEST_H
#define LR_TEST_H

#include "lr_base.h"

#include <math.h>
#include <string.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int lr_test_n, lr_test_failed;

/* The whole of path as a new string (caller frees), NULL if unreadable. */
static inline char *lr_test_slurp(const char *path)
{
	char *text;
	return lr_read_file(path, &text, NULL, NULL) == LR_OK ? text : NULL;
}

static inline int lr_test_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s %d - ", cond ? "ok" : "not ok", ++lr_test_n);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	if (!cond)
		lr_test_failed++;
	return cond;
}

/* |got - want| <= tol, printing both on failure. */
#define lr_test_near(got, want, tol, ...)                                      \
	do {                                                                   \
		double g_ = (got), w_ = (want);                                \
		if (!lr_test_ok(fabs(g_ - w_) <= (tol), __VA_ARGS__))          \
			printf("#   got %.6f, want %.6f (tol %g)\n", g_, w_,   \
			       (double)(tol));                                 \
	} while (0)

#define lr_test_skip_all(reason)                                               \
	do {                                                                   \
		printf("1..0 # SKIP %s\n", reason);                            \
		return 0;                                                      \
	} while (0)

/* A generated country of `hazards` hazards in `regions` regions at path
** (the build's data/lr-generate; profile "never", "dense", or NULL for the
** generator's default): system()'s status, 0 on success. */
static inline int lr_test_generate(const char *path, int seed, int hazards,
                                   int regions, const char *profile)
{
	const char *build = getenv("LR_BUILD_DIR");
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
	         "'%s/data/lr-generate' --out '%s' --seed %d --hazards %d "
	         "--regions %d %s%s 2>/dev/null",
	         build ? build : "build", path, seed, hazards, regions,
	         profile ? "--profile " : "", profile ? profile : "");
	return system(cmd);
}

static inline int lr_test_done(void)
{
	printf("1..%d\n", lr_test_n);
	return lr_test_failed ? 1 : 0;
}

#endif
