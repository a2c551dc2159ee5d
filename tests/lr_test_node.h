/*
** The noder of engine/ledger/node.c against GEOSNode_r on one linework:
** the same lines, in the same order, coordinate for coordinate (what keeps
** the polygonized faces the same to the bit), or a refusal.
*/
#ifndef LR_TEST_NODE_H
#define LR_TEST_NODE_H

#include "node_int.h"

/* What the comparison of many lineworks found. */
typedef struct node_tally {
	size_t lineworks, same, declined, differ, geos_failed;
} node_tally;

/* Whether line k of the MultiLineString m holds the points of chain k of
** nd, in order. */
static inline int chain_matches(GEOSContextHandle_t ctx, const GEOSGeometry *m,
                                const lr__noded *nd, size_t k)
{
	const GEOSGeometry *line = GEOSGetGeometryN_r(ctx, m, (int)k);
	const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx, line);
	unsigned int n = 0;
	if (!cs || !GEOSCoordSeq_getSize_r(ctx, cs, &n))
		return 0;
	const size_t *start = nd->chain_start.data;
	size_t first = start[k];
	size_t end =
	        k + 1 < nd->chain_start.len ? start[k + 1] : nd->pieces.len;
	if (n != end - first + 1)
		return 0;
	const lr__seg *s = nd->pieces.data;
	for (unsigned int i = 0; i < n; i++) {
		double x, y;
		GEOSCoordSeq_getXY_r(ctx, cs, i, &x, &y);
		double wx = i == 0 ? s[first].ax : s[first + i - 1].bx;
		double wy = i == 0 ? s[first].ay : s[first + i - 1].by;
		if (x != wx || y != wy)
			return 0;
	}
	return 1;
}

/* lr__node on lines against GEOSNode_r, counted into t; returns 1 when
** both agree (or lr__node refused), 0 when they differ. */
static inline int node_vs_geos(GEOSContextHandle_t ctx,
                               const GEOSGeometry *lines, node_tally *t)
{
	lr__linework lw;
	lr__noded nd;
	bool noded = false;
	lr__linework_init(&lw);
	lr__noded_init(&nd);
	int ok = lr__linework_add(ctx, lines, &lw) == LR_OK &&
	         lr__node(&lw, &nd, &noded) == LR_OK;
	GEOSGeometry *g = GEOSNode_r(ctx, lines);
	t->lineworks++;
	if (ok && !noded) {
		t->declined++;
	} else if (!g) {
		t->geos_failed++;
	} else {
		int n = GEOSGetNumGeometries_r(ctx, g);
		ok = ok && n >= 0 && (size_t)n == nd.chain_start.len;
		for (int k = 0; ok && k < n; k++)
			ok = chain_matches(ctx, g, &nd, (size_t)k);
		if (ok)
			t->same++;
		else
			t->differ++;
	}
	GEOSGeom_destroy_r(ctx, g);
	lr__linework_free(&lw);
	lr__noded_free(&nd);
	return ok || !noded;
}

#endif
