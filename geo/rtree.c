/* A static Sort-Tile-Recursive R-tree, built from arrays with no pointers. */
#include "lr_rtree.h"
#include "lr_sort.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NODE_CAPACITY 16
#define MAX_LEVELS 32

/* Level 0 holds the input boxes in packed order; a node of level L > 0
** covers children [first, first + count) of level L - 1. */
typedef struct level {
	lr_box *box;
	size_t *first; /* NULL on level 0 */
	unsigned char *count;
	size_t n;
} level;

struct lr_rtree {
	size_t *item; /* packed position -> input index */
	level lv[MAX_LEVELS];
	int n_levels;
};

typedef struct sort_key {
	double key;
	size_t index;
} sort_key;

/* Ties by index keep the packing, and so query order, deterministic. */
static bool key_before(const sort_key *x, const sort_key *y)
{
	return x->key < y->key || (x->key == y->key && x->index < y->index);
}

LR_DEFINE_SORT(sort_keys, sort_key, key_before)

/* Order boxes[0..n) STR-wise into order[] (indices into boxes). */
static int str_order(const lr_box *boxes, size_t n, size_t *order)
{
	sort_key *k = malloc((n ? n : 1) * sizeof *k);
	if (!k)
		return -1;
	for (size_t i = 0; i < n; i++) {
		k[i].key = (boxes[i].minx + boxes[i].maxx) * 0.5;
		k[i].index = i;
	}
	sort_keys(k, n);
	size_t n_nodes = (n + NODE_CAPACITY - 1) / NODE_CAPACITY;
	size_t n_slices = (size_t)ceil(sqrt((double)n_nodes));
	size_t per_slice = n_slices ? n_slices * NODE_CAPACITY : n;
	for (size_t s = 0; s < n; s += per_slice) {
		size_t e = s + per_slice < n ? s + per_slice : n;
		for (size_t i = s; i < e; i++) {
			const lr_box *b = &boxes[k[i].index];
			k[i].key = (b->miny + b->maxy) * 0.5;
		}
		sort_keys(k + s, e - s);
	}
	for (size_t i = 0; i < n; i++)
		order[i] = k[i].index;
	free(k);
	return 0;
}

void lr_rtree_free(lr_rtree *t)
{
	if (!t)
		return;
	for (int l = 0; l < t->n_levels; l++) {
		free(t->lv[l].box);
		free(t->lv[l].first);
		free(t->lv[l].count);
	}
	free(t->item);
	free(t);
}

lr_rtree *lr_rtree_build(const lr_box *boxes, size_t n)
{
	lr_rtree *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->item = malloc((n ? n : 1) * sizeof *t->item);
	t->lv[0].box = malloc((n ? n : 1) * sizeof(lr_box));
	t->n_levels = 1; /* so that lr_rtree_free frees level 0 */
	if (!t->item || !t->lv[0].box || str_order(boxes, n, t->item) != 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		t->lv[0].box[i] = boxes[t->item[i]];
	t->lv[0].n = n;
	while (t->lv[t->n_levels - 1].n > 1 && t->n_levels < MAX_LEVELS) {
		level *below = &t->lv[t->n_levels - 1];
		level *up = &t->lv[t->n_levels];
		size_t m = (below->n + NODE_CAPACITY - 1) / NODE_CAPACITY;
		up->box = malloc(m * sizeof(lr_box));
		up->first = malloc(m * sizeof(size_t));
		up->count = malloc(m);
		if (!up->box || !up->first || !up->count) {
			t->n_levels++;
			goto fail;
		}
		/* Level 0 was STR-ordered; upper levels pack consecutive runs,
		** which keeps siblings spatially close. */
		for (size_t j = 0; j < m; j++) {
			size_t s = j * NODE_CAPACITY;
			size_t e = s + NODE_CAPACITY < below->n
			                   ? s + NODE_CAPACITY
			                   : below->n;
			lr_box b = below->box[s];
			for (size_t i = s + 1; i < e; i++) {
				const lr_box *c = &below->box[i];
				b.minx = fmin(b.minx, c->minx);
				b.miny = fmin(b.miny, c->miny);
				b.maxx = fmax(b.maxx, c->maxx);
				b.maxy = fmax(b.maxy, c->maxy);
			}
			up->box[j] = b;
			up->first[j] = s;
			up->count[j] = (unsigned char)(e - s);
		}
		up->n = m;
		t->n_levels++;
	}
	return t;
fail:
	lr_rtree_free(t);
	return NULL;
}

/* The pairs of nodes of one level, where a self-join is cut into parts. */
typedef struct parts {
	lr_rtree_pair *p;
	size_t n, cap;
	int level;
	int nomem;
} parts;

/* A self-join under way: collecting its parts (out), or calling fn for
** the pairs of boxes under one. */
typedef struct join {
	const lr_rtree *t;
	parts *out; /* NULL: down to the boxes */
	void (*fn)(size_t i, size_t j, void *ud);
	void *ud;
} join;

static void add_part(parts *out, int l, size_t a, size_t b)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 256;
		lr_rtree_pair *p =
		        out->nomem ? NULL : realloc(out->p, cap * sizeof *p);
		if (!p) {
			out->nomem = 1;
			return;
		}
		out->p = p;
		out->cap = cap;
	}
	out->p[out->n++] = (lr_rtree_pair){l, a, b};
}

/* Nodes a and b (a <= b) of level l, whose boxes meet: every pair of
** their children whose boxes meet, each once (a node with itself: each
** pair of its children), down to the parts' level or the boxes. */
static void join_nodes(const join *jn, int l, size_t a, size_t b)
{
	if (jn->out && l == jn->out->level) {
		add_part(jn->out, l, a, b);
		return;
	}
	if (l == 0) {
		if (a != b)
			jn->fn(jn->t->item[a], jn->t->item[b], jn->ud);
		return;
	}
	const level *up = &jn->t->lv[l], *down = &jn->t->lv[l - 1];
	size_t a0 = up->first[a], a1 = a0 + up->count[a];
	size_t b0 = up->first[b], b1 = b0 + up->count[b];
	for (size_t i = a0; i < a1; i++)
		for (size_t j = a == b ? i : b0; j < b1; j++)
			if (lr_box_intersects(&down->box[i], &down->box[j]))
				join_nodes(jn, l - 1, i, j);
}

int lr_rtree_join_parts(const lr_rtree *t, size_t min_parts,
                        lr_rtree_pair **pairs, size_t *n)
{
	parts out = {0};
	join jn = {t, &out, NULL, NULL};
	*pairs = NULL;
	*n = 0;
	if (!t || t->lv[0].n == 0)
		return 0;
	int root = t->n_levels - 1;
	out.level = root;
	while (out.level > 0 && t->lv[out.level].n < min_parts)
		out.level--;
	const level *top = &t->lv[root];
	for (size_t i = 0; i < top->n; i++)
		for (size_t j = i; j < top->n; j++)
			if (lr_box_intersects(&top->box[i], &top->box[j]))
				join_nodes(&jn, root, i, j);
	if (out.nomem) {
		free(out.p);
		return -1;
	}
	*pairs = out.p;
	*n = out.n;
	return 0;
}

void lr_rtree_join_pair(const lr_rtree *t, const lr_rtree_pair *p,
                        void (*fn)(size_t i, size_t j, void *ud), void *ud)
{
	join jn = {t, NULL, fn, ud};
	join_nodes(&jn, p->level, p->a, p->b);
}

void lr_rtree_query(const lr_rtree *t, const lr_box *q,
                    int (*fn)(size_t index, void *ud), void *ud)
{
	if (!t || t->lv[0].n == 0)
		return;
	/* Depth-first with an explicit stack of (level, node). */
	struct {
		int level;
		size_t node;
	} stack[MAX_LEVELS * NODE_CAPACITY + 1];
	int top = 0;
	int root = t->n_levels - 1;
	for (size_t i = 0; i < t->lv[root].n; i++) {
		stack[top].level = root;
		stack[top].node = i;
		top++;
	}
	while (top > 0) {
		top--;
		int l = stack[top].level;
		size_t nd = stack[top].node;
		if (!lr_box_intersects(&t->lv[l].box[nd], q))
			continue;
		if (l == 0) {
			if (fn(t->item[nd], ud))
				return;
			continue;
		}
		size_t f = t->lv[l].first[nd];
		for (size_t c = f + t->lv[l].count[nd]; c-- > f;) {
			stack[top].level = l - 1;
			stack[top].node = c;
			top++;
		}
	}
}
