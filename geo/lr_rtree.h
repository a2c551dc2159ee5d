/*
** A static packed R-tree (Sort-Tile-Recursive) over axis-aligned boxes:
** built once, then queried from any number of threads without locks.
*/
#ifndef LR_RTREE_H
#define LR_RTREE_H

#include <stddef.h>

typedef struct lr_rtree lr_rtree;

/* A box is {minx, miny, maxx, maxy}. */
typedef struct lr_box {
	double minx, miny, maxx, maxy;
} lr_box;

/*
** Build a tree over boxes[0..n) (copied).  Returns a new tree the caller
** frees with lr_rtree_free(), or NULL when out of memory.
*/
lr_rtree *lr_rtree_build(const lr_box *boxes, size_t n);
void lr_rtree_free(lr_rtree *t);

/*
** The index of the box at position k (0 <= k < n) of the tree's packed
** order, in which boxes near each other in space are near each other: a
** query of every box in this order finds the tree's nodes in the cache.
*/
size_t lr_rtree_item(const lr_rtree *t, size_t k);

/*
** Call fn(index, ud) for every box that intersects q (closed boxes: touching
** counts).  Stops early when fn returns nonzero.  Safe to call concurrently.
*/
void lr_rtree_query(const lr_rtree *t, const lr_box *q,
                    int (*fn)(size_t index, void *ud), void *ud);

static inline int lr_box_intersects(const lr_box *a, const lr_box *b)
{
	return a->minx <= b->maxx && b->minx <= a->maxx && a->miny <= b->maxy &&
	       b->miny <= a->maxy;
}

#endif
