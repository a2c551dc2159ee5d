/*
** The clusters of the overlay (lr__overlay_clusters): every item grouped
** with the items whose envelopes meet its own, transitively, clusters by
** their smallest item.  Checked against the components of every pair of
** meeting envelopes found here by brute force, and the same arrays for
** any number of threads, on generated countries and drawn cases.
*/
#include "analyze_int.h"
#include "lr_engine.h"
#include "lr_test.h"
#include "lr_test_gen.h"

#include <stdlib.h>
#include <string.h>

/* The clusters of one call: order and starts as lr__overlay_clusters
** gives them. */
typedef struct clusters {
	int32_t *order;
	size_t *starts, n;
	int rc;
} clusters;

static clusters cluster(const lr_dataset *d, int threads)
{
	lr__overlay_input in = {d, d->hazards.len, d->releases.len,
	                        d->regions.len, NULL};
	clusters c = {0};
	lr_error err = {0};
	c.rc = lr__overlay_clusters(&in, threads, &c.order, &c.starts, &c.n,
	                            &err);
	return c;
}

static void clusters_free(clusters *c)
{
	free(c->order);
	free(c->starts);
}

static int same_clusters(const clusters *a, const clusters *b, size_t items)
{
	return a->rc == LR_OK && b->rc == LR_OK && a->n == b->n &&
	       !memcmp(a->starts, b->starts, (a->n + 1) * sizeof *a->starts) &&
	       !memcmp(a->order, b->order, items * sizeof *a->order);
}

static lr_box item_box(const lr_dataset *d, size_t i)
{
	const lr_wkb *w = i < d->hazards.len
	                          ? &LR_VEC_AT(&d->hazards, lr_hazard, i).geom
	                          : &LR_VEC_AT(&d->releases, lr_release,
	                                       i - d->hazards.len)
	                                     .geom;
	return (lr_box){w->minx, w->miny, w->maxx, w->maxy};
}

/* The component of every item by a search over all pairs (closed boxes:
** touching meets), numbered by smallest item in item order; then each
** item must sit in cluster comp[item] of c, clusters in order and items
** ascending within each.  Returns the number of items misplaced. */
static size_t brute_force_misplaced(const lr_dataset *d, const clusters *c)
{
	size_t n = d->hazards.len + d->releases.len, nc = 0, bad = 0;
	lr_box *b = malloc((n + 1) * sizeof *b);
	int32_t *comp = malloc((n + 1) * sizeof *comp);
	size_t *stack = malloc((n + 1) * sizeof *stack);
	for (size_t i = 0; i < n; i++) {
		b[i] = item_box(d, i);
		comp[i] = -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (comp[i] >= 0)
			continue;
		size_t top = 0;
		comp[i] = (int32_t)nc;
		stack[top++] = i;
		while (top) {
			size_t x = stack[--top];
			for (size_t j = 0; j < n; j++)
				if (comp[j] < 0 &&
				    lr_box_intersects(&b[x], &b[j])) {
					comp[j] = (int32_t)nc;
					stack[top++] = j;
				}
		}
		nc++;
	}
	bad += c->n != nc;
	for (size_t k = 0; k < c->n && k < nc; k++)
		for (size_t p = c->starts[k]; p < c->starts[k + 1]; p++)
			bad += comp[c->order[p]] != (int32_t)k ||
			       (p > c->starts[k] &&
			        c->order[p] <= c->order[p - 1]);
	free(b);
	free(comp);
	free(stack);
	return bad;
}

static void check_dataset(const char *what, const lr_dataset *d)
{
	size_t items = d->hazards.len + d->releases.len;
	clusters one = cluster(d, 1);
	if (!lr_test_ok(one.rc == LR_OK, "%s: %zu items clustered", what,
	                items))
		return;
	size_t bad = brute_force_misplaced(d, &one);
	lr_test_ok(bad == 0,
	           "%s: %zu clusters, the components of every pair of meeting "
	           "envelopes (%zu items misplaced)",
	           what, one.n, bad);
	for (int t = 2; t <= 4; t++) {
		clusters many = cluster(d, t);
		lr_test_ok(same_clusters(&one, &many, items),
		           "%s: the same clusters on %d threads as on one",
		           what, t);
		clusters_free(&many);
	}
	clusters_free(&one);
}

static void generated(const char *dir, int seed, const char *profile)
{
	char what[64];
	lr_dataset d;
	if (lr_test_generated(dir, seed, 1500, 9, profile, &d, what,
	                      sizeof what))
		check_dataset(what, &d);
	lr_dataset_free(&d);
}

/* A hazard of one box, its WKB envelope only (clustering reads no more). */
static void add_box(lr_dataset *d, double x0, double y0, double x1, double y1)
{
	lr_hazard h = {0};
	h.geom = (lr_wkb){.minx = x0, .miny = y0, .maxx = x1, .maxy = y1};
	lr_vec_push(&d->hazards, &h);
}

/* Drawn: a chain whose links meet only through later items, boxes that
** touch at a corner, one alone, and nothing at all. */
static void drawn(void)
{
	lr_dataset d;
	lr_dataset_init(&d);
	clusters none = cluster(&d, 2);
	lr_test_ok(none.rc == LR_OK && none.n == 0 && none.starts[0] == 0,
	           "no inputs: no clusters");
	clusters_free(&none);
	add_box(&d, 0, 0, 1, 1);     /* 0: joined to 2 through 3 */
	add_box(&d, 10, 10, 11, 11); /* 1: alone */
	add_box(&d, 4, 0, 5, 1);     /* 2 */
	add_box(&d, 0.5, 0, 4.5, 1); /* 3: bridges 0 and 2 */
	add_box(&d, 5, 1, 6, 2);     /* 4: touches 2 at a corner */
	clusters c = cluster(&d, 3);
	int32_t want_order[] = {0, 2, 3, 4, 1};
	size_t want_starts[] = {0, 4, 5};
	lr_test_ok(c.rc == LR_OK && c.n == 2 &&
	                   !memcmp(c.starts, want_starts, sizeof want_starts) &&
	                   !memcmp(c.order, want_order, sizeof want_order),
	           "drawn: a bridge and a corner join four boxes, one alone");
	check_dataset("drawn", &d);
	clusters_free(&c);
	lr_dataset_free(&d);
}

/* Every pair the tree's self-join gives, as (smaller, larger) index. */
typedef struct pair_list {
	size_t (*p)[2];
	size_t n, cap;
} pair_list;

static void add_pair(size_t i, size_t j, void *ud)
{
	pair_list *l = ud;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->p = realloc(l->p, l->cap * sizeof *l->p);
	}
	l->p[l->n][0] = i < j ? i : j;
	l->p[l->n][1] = i < j ? j : i;
	l->n++;
}

static int cmp_pair(const void *a, const void *b)
{
	const size_t *x = a, *y = b;
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

/* The pairs of meeting boxes by the join cut at min_parts, against every
** pair tested here: each exactly once. */
static void check_join(const lr_box *b, size_t n, size_t min_parts)
{
	lr_rtree *t = lr_rtree_build(b, n);
	lr_rtree_pair *parts = NULL;
	size_t n_parts = 0, want = 0, bad = 0;
	pair_list got = {0};
	if (lr_rtree_join_parts(t, min_parts, &parts, &n_parts) == 0)
		for (size_t k = 0; k < n_parts; k++)
			lr_rtree_join_pair(t, &parts[k], add_pair, &got);
	if (got.n)
		qsort(got.p, got.n, sizeof *got.p, cmp_pair);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			if (!lr_box_intersects(&b[i], &b[j]))
				continue;
			bad += want >= got.n || got.p[want][0] != i ||
			       got.p[want][1] != j;
			want++;
		}
	lr_test_ok(t && bad == 0 && got.n == want,
	           "self-join of %zu boxes in %zu parts (at least %zu): %zu "
	           "pairs, %zu expected, %zu wrong",
	           n, n_parts, min_parts, got.n, want, bad);
	free(got.p);
	free(parts);
	lr_rtree_free(t);
}

/* Random boxes, some equal, some touching, some of no width. */
static void joins(void)
{
	size_t n = 3000;
	lr_box *b = malloc(n * sizeof *b);
	unsigned long long s = 42;
	for (size_t i = 0; i < n; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		double x = (double)(s >> 40 & 1023),
		       y = (double)(s >> 20 & 1023);
		double w = (double)(s >> 10 & 15), h = (double)(s >> 4 & 15);
		b[i] = i % 7 == 3 ? b[i - 1] : (lr_box){x, y, x + w, y + h};
		if (i % 11 == 5) /* touching the one before at its corner */
			b[i] = (lr_box){b[i - 1].maxx, b[i - 1].maxy,
			                b[i - 1].maxx + 2, b[i - 1].maxy};
	}
	check_join(b, n, 1);
	check_join(b, n, 16);
	check_join(b, n, 256);
	check_join(b, n, n * 10); /* cut at the boxes themselves */
	check_join(b, 1, 256);
	check_join(b, 0, 256);
	free(b);
}

int main(void)
{
	char dir[] = "/tmp/lr_clusters_XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	drawn();
	joins();
	generated(dir, 11, "dense");
	generated(dir, 12, "never");
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return lr_test_done();
}
