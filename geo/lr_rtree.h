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

/* A pair of nodes of one level of a tree whose boxes meet (a <= b). */
typedef struct lr_rtree_pair {
	int level;
	size_t a, b;
} lr_rtree_pair;

/*
** The tree's self-join in parts that can run on any threads: the pairs of
** nodes of one level whose boxes meet, each pair once and every node with
** itself, on the highest level holding at least min_parts nodes (level 0,
** the boxes, if none does).  *pairs: a new array of *n pairs the caller
** frees.  Returns 0, or -1 when out of memory.
*/
int lr_rtree_join_parts(const lr_rtree *t, size_t min_parts,
                        lr_rtree_pair **pairs, size_t *n);

/*
** Call fn(i, j, ud) for every pair of distinct boxes under the part p
** whose boxes meet (closed boxes: touching counts), i and j their input
** indices in no particular order.  Over all the parts of
** lr_rtree_join_parts, every pair of meeting boxes of the tree comes
** exactly once.  Safe to call concurrently.
*/
void lr_rtree_join_pair(const lr_rtree *t, const lr_rtree_pair *p,
                        void (*fn)(size_t i, size_t j, void *ud), void *ud);

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
