/*
** Every region level: the tree parent_id draws over the regions (a parent
** the layer does not hold is a node of its own, named by its id), cut
** where it loops, and the region tables summed up it, one block of rows
** per level.  A hazard counts in the region its land is counted in, so it
** counts once at every level, in the ancestor of that region.
*/
#include "analyze_int.h"

#include <stdlib.h>
#include <string.h>

void lr_remaining_row_add(lr_remaining_row *dst, const lr_remaining_row *src)
{
	dst->sha_count += src->sha_count;
	dst->cha_count += src->cha_count;
	dst->sha += src->sha;
	dst->cha += src->cha;
	for (int p = 0; p < LR_N_PARTS; p++)
		dst->part[p] += src->part[p];
}

void lr_year_row_add(lr_year_row *dst, const lr_year_row *src)
{
	dst->new_land += src->new_land;
	for (int m = 0; m < LR_N_METHODS; m++)
		dst->released[m] += src->released[m];
	dst->reclassified += src->reclassified;
	dst->remaining_end += src->remaining_end;
	dst->new_cha += src->new_cha;
	dst->released_cha += src->released_cha;
	dst->sha_end += src->sha_end;
	dst->cha_end += src->cha_end;
	dst->sha_count_end += src->sha_count_end;
	dst->cha_count_end += src->cha_count_end;
	dst->ap_mines += src->ap_mines;
	dst->av_mines += src->av_mines;
	dst->erw += src->erw;
	dst->ap_improvised += src->ap_improvised;
}

void lr__levels_free(lr_levels *lv)
{
	if (!lv)
		return;
	for (size_t i = 0; lv->nodes && i < lv->n_nodes; i++) {
		free(lv->nodes[i].id);
		free(lv->nodes[i].name);
	}
	free(lv->nodes);
	free(lv->rows);
	free(lv->remaining);
	free(lv->years);
	free(lv);
}

/* Where the cycle search has been: a node not seen yet, on the walk under
** way, done, or in a cycle that was cut. */
enum { NOT_SEEN = 0, ON_WALK, DONE, CUT };

/* What building the levels holds besides the result; freed by done(). */
typedef struct tree {
	lr_dataset *d;    /* borrowed: findings go to its quality */
	lr_levels *lv;    /* borrowed: the levels being built */
	size_t n_regs;    /* regions: nodes 0 .. n_regs-1 */
	char *state;      /* owned [n_nodes]: NOT_SEEN .. CUT */
	int *path;        /* owned [n_nodes]: a chain of parents being walked */
	char *has_kids;   /* owned [n_nodes] */
	int *row_of;      /* owned [n_levels * n_nodes]: row of (level, node) */
	int *outside_row; /* owned [n_levels + 1]: the OUTSIDE row, or -1 */
} tree;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *parent_of(const lr_region *g)
{
	return g->parent_id && g->parent_id[0] ? g->parent_id : NULL;
}

/* The parents the layer does not hold (those its regions name, and those
** the regions of the levels above name), sorted and each once, into *out
** (borrowed strings); their number into *n. */
static int missing_parents(const lr_dataset *d, const char ***out, size_t *n)
{
	size_t k = 0;
	const char **ids =
	        malloc((d->regions.len + d->parents.len + 1) * sizeof *ids);
	if (!ids)
		return LR_ERR_NOMEM;
	for (size_t i = 0; i < d->regions.len + d->parents.len; i++) {
		const lr_region *g =
		        i < d->regions.len
		                ? &LR_VEC_AT(&d->regions, lr_region, i)
		                : &LR_VEC_AT(&d->parents, lr_region,
		                             i - d->regions.len);
		const char *p = parent_of(g);
		if (p && lr__region_index(d, p) < 0)
			ids[k++] = p;
	}
	qsort(ids, k, sizeof *ids, cmp_str);
	size_t m = 0;
	for (size_t i = 0; i < k; i++)
		if (m == 0 || strcmp(ids[m - 1], ids[i]))
			ids[m++] = ids[i];
	*out = ids;
	*n = m;
	return LR_OK;
}

static int set_node(lr_level_node *nd, const char *id, const char *name,
                    int region)
{
	nd->id = lr_strdup(id ? id : "");
	nd->name = lr_strdup(name ? name : "");
	nd->parent = -1;
	nd->region = region;
	return nd->id && nd->name ? LR_OK : LR_ERR_NOMEM;
}

/* The region of the levels above the layer's (d->parents) of id, or
** NULL. */
static const lr_region *upper_region(const lr_dataset *d, const char *id)
{
	for (size_t i = 0; i < d->parents.len; i++)
		if (!strcmp(LR_VEC_AT(&d->parents, lr_region, i).id, id))
			return &LR_VEC_AT(&d->parents, lr_region, i);
	return NULL;
}

/* The node of parent id p of a region or upper region: a region of the
** layer, else one of the extra nodes after them. */
static int parent_node(const tree *t, const char *p, const char **extra,
                       size_t n_extra)
{
	int k = lr__region_index(t->d, p);
	if (k >= 0)
		return k;
	const char **hit = bsearch(&p, extra, n_extra, sizeof *extra, cmp_str);
	return (int)(t->n_regs + (size_t)(hit - extra));
}

/* A parent the layer does not hold: named, and linked to its own parent,
** when a parent layer holds it; else named by its id, at the top. */
static int set_extra(tree *t, size_t j, const char **extra, size_t n_extra)
{
	lr_level_node *nd = &t->lv->nodes[t->n_regs + j];
	const lr_region *u = upper_region(t->d, extra[j]);
	int rc = set_node(nd, extra[j],
	                  u && u->name && u->name[0] ? u->name : extra[j], -1);
	const char *p = u ? parent_of(u) : NULL;
	if (rc == LR_OK && p)
		nd->parent = parent_node(t, p, extra, n_extra);
	return rc;
}

/* Nodes: every region, then every parent the layer does not hold; each
** linked to its parent. */
static int make_nodes(tree *t)
{
	const lr_dataset *d = t->d;
	lr_levels *lv = t->lv;
	const char **extra = NULL;
	size_t n_extra = 0;
	if (missing_parents(d, &extra, &n_extra) != LR_OK)
		return LR_ERR_NOMEM;
	lv->n_nodes = t->n_regs + n_extra;
	lv->nodes = calloc(lv->n_nodes + 1, sizeof *lv->nodes);
	int rc = lv->nodes ? LR_OK : LR_ERR_NOMEM;
	for (size_t i = 0; rc == LR_OK && i < t->n_regs; i++) {
		const lr_region *g = &LR_VEC_AT(&d->regions, lr_region, i);
		rc = set_node(&lv->nodes[i], g->id, g->name, (int)i);
		const char *p = parent_of(g);
		if (rc == LR_OK && p)
			lv->nodes[i].parent = parent_node(t, p, extra, n_extra);
	}
	for (size_t j = 0; rc == LR_OK && j < n_extra; j++)
		rc = set_extra(t, j, extra, n_extra);
	free(extra);
	return rc;
}

/* A cycle of parents: a finding for each region in it, whose parent is
** then cut so that it stands at the top.  cyc[0..n) in chain order. */
static int cut_cycle(tree *t, const int *cyc, size_t n)
{
	lr_level_node *nodes = t->lv->nodes;
	char chain[512];
	size_t len = 0;
	for (size_t i = 0; i <= n && len < sizeof chain; i++)
		len += (size_t)snprintf(chain + len, sizeof chain - len, "%s%s",
		                        i ? " -> " : "", nodes[cyc[i % n]].id);
	for (size_t i = 0; i < n; i++) {
		const lr_region *g =
		        &LR_VEC_AT(&t->d->regions, lr_region, cyc[i]);
		if (lr_quality_add(
		            &t->d->quality, LR_SEV_WARNING, "region_cycle",
		            "regions", g->fid, g->id, -1,
		            "region %s: its parents lead back to it (%s); "
		            "it is counted at the top level, under no "
		            "parent",
		            g->id, chain) != LR_OK)
			return LR_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		nodes[cyc[i]].parent = -1;
		t->state[cyc[i]] = CUT;
	}
	return LR_OK;
}

/* Walk up from every node; a walk that meets itself is a cycle. */
static int cut_cycles(tree *t)
{
	lr_level_node *nodes = t->lv->nodes;
	for (size_t s = 0; s < t->lv->n_nodes; s++) {
		size_t n = 0;
		int x = (int)s;
		while (x >= 0 && t->state[x] == NOT_SEEN) {
			t->state[x] = ON_WALK;
			t->path[n++] = x;
			x = nodes[x].parent;
		}
		bool cycle = x >= 0 && t->state[x] == ON_WALK;
		for (size_t i = 0; i < n; i++)
			t->state[t->path[i]] = DONE;
		if (cycle) {
			size_t from = 0;
			while (t->path[from] != x)
				from++;
			if (cut_cycle(t, t->path + from, n - from) != LR_OK)
				return LR_ERR_NOMEM;
		}
	}
	return LR_OK;
}

/* Each node's depth, from the top down along its chain; the number of
** levels is the deepest. */
static void set_depths(tree *t)
{
	lr_level_node *nodes = t->lv->nodes;
	t->lv->n_levels = 1;
	for (size_t i = 0; i < t->lv->n_nodes; i++)
		nodes[i].depth = 0;
	for (size_t s = 0; s < t->lv->n_nodes; s++) {
		size_t n = 0;
		for (int x = (int)s; x >= 0 && !nodes[x].depth;
		     x = nodes[x].parent)
			t->path[n++] = x;
		while (n-- > 0) {
			lr_level_node *nd = &nodes[t->path[n]];
			nd->depth = nd->parent < 0
			                    ? 1
			                    : nodes[nd->parent].depth + 1;
			if (nd->depth > t->lv->n_levels)
				t->lv->n_levels = nd->depth;
			if (nd->parent >= 0)
				t->has_kids[nd->parent] = 1;
		}
	}
}

/* A region with no region below it whose chain of parents stops above the
** deepest level: its parent is missing, or its chain is short. */
static int orphan_findings(tree *t)
{
	const lr_level_node *nodes = t->lv->nodes;
	for (size_t i = 0; i < t->n_regs; i++) {
		if (t->has_kids[i] || nodes[i].depth == t->lv->n_levels ||
		    t->state[i] == CUT)
			continue;
		int top = (int)i;
		while (nodes[top].parent >= 0)
			top = nodes[top].parent;
		const lr_region *g = &LR_VEC_AT(&t->d->regions, lr_region, i);
		if (lr_quality_add(&t->d->quality, LR_SEV_WARNING,
		                   "region_orphan", "regions", g->fid, g->id,
		                   -1,
		                   "region %s is at level %d of %d: its chain "
		                   "of parents "
		                   "stops at %s, %s; at the levels below it "
		                   "stands for "
		                   "its own land",
		                   g->id, nodes[i].depth, t->lv->n_levels,
		                   nodes[top].id,
		                   (size_t)top == i ? "which has no parent_id"
		                   : nodes[top].region >= 0
		                           ? "a region with no parent_id"
		                           : "which names no region") != LR_OK)
			return LR_ERR_NOMEM;
	}
	return LR_OK;
}

/* A node and its id, to sort the rows of a level by id. */
typedef struct keyed {
	const char *id;
	int node;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
	return strcmp(((const keyed *)a)->id, ((const keyed *)b)->id);
}

/* The rows, level by level: the nodes of the level and the regions above
** it (for their own land), by id, then OUTSIDE. */
static int make_rows(tree *t, bool has_outside)
{
	lr_levels *lv = t->lv;
	size_t nn = lv->n_nodes, cap = (size_t)lv->n_levels * (nn + 1);
	keyed *order = malloc((nn + 1) * sizeof *order);
	lv->rows = malloc((cap + 1) * sizeof *lv->rows);
	t->row_of = malloc(((size_t)lv->n_levels * nn + 1) * sizeof(int));
	t->outside_row = malloc(((size_t)lv->n_levels + 1) * sizeof(int));
	if (!order || !lv->rows || !t->row_of || !t->outside_row) {
		free(order);
		return LR_ERR_NOMEM;
	}
	for (size_t i = 0; i < nn; i++)
		order[i] = (keyed){lv->nodes[i].id, (int)i};
	qsort(order, nn, sizeof *order, cmp_keyed);
	lv->n_rows = 0;
	for (int k = 1; k <= lv->n_levels; k++) {
		int *row_of = t->row_of + (size_t)(k - 1) * nn;
		for (size_t j = 0; j < nn; j++) {
			int x = order[j].node;
			const lr_level_node *nd = &lv->nodes[x];
			row_of[x] = -1;
			if (nd->depth > k || (nd->depth < k && nd->region < 0))
				continue;
			row_of[x] = (int)lv->n_rows;
			lv->rows[lv->n_rows++] =
			        (lr_level_row){k, x, nd->depth < k};
		}
		t->outside_row[k] = -1;
		if (has_outside) {
			t->outside_row[k] = (int)lv->n_rows;
			lv->rows[lv->n_rows++] = (lr_level_row){k, -1, false};
		}
	}
	free(order);
	return LR_OK;
}

/* Add region row x (n_regions: OUTSIDE) of the result into its row at
** every level: its ancestor there, or itself above its own level. */
static void add_region_up(tree *t, const lr_result *r, int x, int *anc)
{
	lr_levels *lv = t->lv;
	int n_years = r->last_year - r->first_year + 1;
	int depth = x < r->n_regions ? lv->nodes[x].depth : 0;
	for (int a = x < r->n_regions ? x : -1; a >= 0; a = lv->nodes[a].parent)
		anc[lv->nodes[a].depth] = a;
	for (int k = 1; k <= lv->n_levels; k++) {
		int row;
		if (x == r->n_regions)
			row = t->outside_row[k];
		else
			row = t->row_of[(size_t)(k - 1) * lv->n_nodes +
			                (size_t)(depth > k ? anc[k] : x)];
		if (row < 0)
			continue;
		lr_remaining_row_add(&lv->remaining[row], &r->remaining[x]);
		for (int y = 0; y < n_years; y++)
			lr_year_row_add(&lv->years[(size_t)y * lv->n_rows +
			                           (size_t)row],
			                LR_YEAR_ROW(r, r->first_year + y, x));
	}
}

static int sum_up(tree *t, const lr_result *r)
{
	lr_levels *lv = t->lv;
	size_t n_years = r->last_year >= r->first_year
	                         ? (size_t)(r->last_year - r->first_year + 1)
	                         : 0;
	lv->remaining = calloc(lv->n_rows + 1, sizeof *lv->remaining);
	lv->years = calloc(n_years * lv->n_rows + 1, sizeof *lv->years);
	int *anc = malloc(((size_t)lv->n_levels + 1) * sizeof *anc);
	if (!lv->remaining || !lv->years || !anc) {
		free(anc);
		return LR_ERR_NOMEM;
	}
	for (int x = 0; x <= r->n_regions; x++)
		add_region_up(t, r, x, anc);
	free(anc);
	return LR_OK;
}

/* Whether any region names a parent: only then are there levels. */
static bool any_parent(const lr_dataset *d)
{
	for (size_t i = 0; i < d->regions.len; i++)
		if (parent_of(&LR_VEC_AT(&d->regions, lr_region, i)))
			return true;
	return false;
}

int lr__levels_build(lr_dataset *d, lr_result *r)
{
	if (!any_parent(d) || (size_t)r->n_regions != d->regions.len)
		return LR_OK;
	tree t = {.d = d, .n_regs = d->regions.len};
	t.lv = calloc(1, sizeof *t.lv);
	int rc = t.lv ? make_nodes(&t) : LR_ERR_NOMEM;
	if (rc == LR_OK) {
		size_t nn = t.lv->n_nodes + 1;
		t.state = calloc(nn, 1);
		t.path = malloc(nn * sizeof *t.path);
		t.has_kids = calloc(nn, 1);
		if (!t.state || !t.path || !t.has_kids)
			rc = LR_ERR_NOMEM;
	}
	if (rc == LR_OK)
		rc = cut_cycles(&t);
	if (rc == LR_OK) {
		set_depths(&t);
		rc = orphan_findings(&t);
	}
	if (rc == LR_OK)
		rc = make_rows(&t, r->has_outside);
	if (rc == LR_OK)
		rc = sum_up(&t, r);
	free(t.state);
	free(t.path);
	free(t.has_kids);
	free(t.row_of);
	free(t.outside_row);
	if (rc == LR_OK)
		r->levels = t.lv;
	else
		lr__levels_free(t.lv);
	return rc;
}
