/*
** Checks of a store's R*Tree spatial indexes, shared by the tests that
** write stores: SQLite's rtreecheck, and random box queries answered by
** the R*Tree as by scans.
*/
#ifndef LR_TEST_RTREE_H
#define LR_TEST_RTREE_H

#include "lr_test.h"

#include <sqlite3.h>
#include <stdio.h>

/* The one integer sql gives on db, or -1. */
static inline long long lr_test_q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		printf("# %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return v;
}

/* A pseudo-random number in [0, 1) from *state (the same on every
** machine). */
static inline double lr_test_uniform(unsigned long long *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(*state >> 11) / 9007199254740992.0;
}

/*
** n random boxes (points, small and large ones, some past the edge)
** queried three ways on index idx_T_geometry: through the R*Tree; by a
** scan of a plain copy of the index's boxes (they must give the same
** rowids); and by a scan of the geometries' MBRs, SpatiaLite's own test
** after an index lookup (every row it finds, the R*Tree, whose boxes are
** those MBRs rounded outward to floats, must find).  Adds to *apart the
** rows the R*Tree and the scan of its boxes disagree on, to *missed the
** rows it misses, to *found the rows the MBR scan finds.
*/
static inline int lr_test_query_boxes(sqlite3 *db, const char *t, int n,
                                      unsigned long long *state,
                                      long long *apart, long long *missed,
                                      long long *found)
{
	char sql[2048];
	snprintf(sql, sizeof sql,
	         "DROP TABLE IF EXISTS temp.boxes; CREATE TEMP TABLE boxes AS "
	         "SELECT * FROM idx_%s_geometry",
	         t);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	double e[4];
	snprintf(sql, sizeof sql,
	         "SELECT min(xmin), max(xmax), min(ymin), max(ymax) FROM "
	         "temp.boxes");
	sqlite3_stmt *st = NULL;
	int ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	         sqlite3_step(st) == SQLITE_ROW;
	for (int k = 0; ok && k < 4; k++)
		e[k] = sqlite3_column_double(st, k);
	sqlite3_finalize(st);
	snprintf(sql, sizeof sql,
	         "WITH a AS (SELECT pkid FROM idx_%s_geometry WHERE xmin <= ?2 "
	         "AND xmax >= ?1 AND ymin <= ?4 AND ymax >= ?3), "
	         "c AS (SELECT pkid FROM temp.boxes WHERE xmin <= ?2 AND "
	         "xmax >= ?1 AND ymin <= ?4 AND ymax >= ?3), "
	         "b AS (SELECT rowid AS pkid FROM %s WHERE "
	         "MbrMinX(geometry) <= ?2 AND MbrMaxX(geometry) >= ?1 AND "
	         "MbrMinY(geometry) <= ?4 AND MbrMaxY(geometry) >= ?3) "
	         "SELECT (SELECT count(*) FROM (SELECT * FROM a EXCEPT "
	         "SELECT * FROM c)) + (SELECT count(*) FROM (SELECT * FROM c "
	         "EXCEPT SELECT * FROM a)), (SELECT count(*) FROM (SELECT * "
	         "FROM b EXCEPT SELECT * FROM a)), (SELECT count(*) FROM b)",
	         t, t);
	ok = ok && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;
	for (int q = 0; ok && q < n; q++) {
		double w = e[1] - e[0], h = e[3] - e[2];
		double size = q % 4 == 0 ? 0 : lr_test_uniform(state) * 0.2;
		double x = e[0] - 0.1 * w + 1.2 * w * lr_test_uniform(state),
		       y = e[2] - 0.1 * h + 1.2 * h * lr_test_uniform(state);
		sqlite3_bind_double(st, 1, x);
		sqlite3_bind_double(st, 2, x + size * w);
		sqlite3_bind_double(st, 3, y);
		sqlite3_bind_double(st, 4, y + size * h);
		ok = sqlite3_step(st) == SQLITE_ROW;
		if (ok) {
			*apart += sqlite3_column_int64(st, 0);
			*missed += sqlite3_column_int64(st, 1);
			*found += sqlite3_column_int64(st, 2);
		}
		sqlite3_reset(st);
	}
	if (!ok)
		printf("# %s: %s\n", t, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return ok ? 0 : -1;
}

/* The R*Trees of the store pass SQLite's rtreecheck and answer random
** box queries as scans do (query_boxes); `when` says which state. */
static inline void lr_test_rtrees_answer(sqlite3 *db, int seed,
                                         const char *when)
{
	static const char *const tables[] = {"regions", "hazards", "releases",
	                                     "faces"};
	unsigned long long state = (unsigned long long)seed;
	long long checked = 0, apart = 0, missed = 0, found = 0;
	int ok = 1;
	for (int k = 0; ok && k < 4; k++) {
		char sql[256];
		snprintf(sql, sizeof sql,
		         "SELECT rtreecheck('idx_%s_geometry') = 'ok'",
		         tables[k]);
		checked += lr_test_q_int(db, sql) == 1;
		ok = lr_test_query_boxes(db, tables[k], 200, &state, &apart,
		                         &missed, &found) == 0;
	}
	lr_test_ok(ok && checked == 4 && apart == 0 && missed == 0 && found > 0,
	           "seed %d, %s: the 4 spatial indexes pass rtreecheck (%lld) "
	           "and answer 800 random box queries as a scan of their "
	           "boxes does (%lld rows apart) and find every row a scan "
	           "of the geometries' MBRs finds (%lld of %lld missed)",
	           seed, when, checked, apart, missed, found);
}

#endif
