/*
** lr_inspect: describe an export whose schema is not ours and draft the
** mapping file that reads it.  Each part (ids, type, dates, links...) is
** given to the field whose values show it best, and the draft says why:
** the field, how many values matched, a sample.  Nothing is guessed
** without saying so: a required part without a candidate is a line the
** user must fill in, which the mapping parser refuses until then.
*/
#include "lr_inspect.h"
#include "inspect_int.h"
#include "lr_input.h"
#include "mapping_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An enumerated field is one whose values are placed for this share of
** its features; a link, one whose values name a record for this share. */
#define ENUM_SHARE 0.5
#define LINK_SHARE 0.5
/* Values listed per field in the description, and spellings at most. */
#define SHOWN_VALUES 12
#define MAX_SPELLINGS 100

typedef struct lay {
	const lr_vt_layer *vl; /* borrowed from the read datasets */
	const char *source;    /* borrowed; the dataset as given */
	const char *driver;    /* borrowed */
	bool name_layer;       /* the source has several layers */
	lr__field_stats *st;   /* owned; one per field */
} lay;

/* The field chosen for one of our fields, and why. */
typedef struct choice {
	int field;        /* source field index, -1: none */
	char why[600];    /* the evidence, for the draft */
	char others[300]; /* other candidates, "" if none */
} choice;

typedef struct insp {
	lr_vt_dataset ds[3];
	lay L[3];
	choice c[3][LR__MAX_FIELDS];
	bool implies;    /* releases stand for their hazard records */
	bool links_list; /* the releases' hazard_id is a list of ids */
	lr__text desc, draft, missing;
	int n_missing;
} insp;

static const char *layer_label[3] = {"regions", "hazards", "releases"};

/* ---- Text from the inputs, made safe for one line of a comment -------- */

/* The first 40 bytes of s, every byte past ASCII written \xHH, for a
** comment that shows text that is not UTF-8. */
static const char *escaped(const char *s, char *buf, size_t n)
{
	size_t k = 0;
	for (int i = 0; s[i] && i < 40 && k + 5 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80)
			k += (size_t)snprintf(buf + k, n - k, "\\x%02X", c);
		else
			buf[k++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	buf[k] = '\0';
	return buf;
}

/* Text that is not UTF-8 is shown escaped, as analyze keeps it. */
static const char *clean(const char *s, char *buf, size_t n)
{
	if (!lr__is_utf8(s))
		return escaped(s, buf, n);
	size_t k = 0;
	for (; *s && k + 4 < n; s++)
		buf[k++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	if (*s)
		memcpy(buf + k, "...", 3), k += 3;
	buf[k] = '\0';
	return buf;
}

/* A value the mapping can hold as a spelling: no list separator, no
** comment mark, nothing the INI reader would cut or misread. */
static bool spellable(const char *s)
{
	if (strlen(s) > 120 || s[0] == '[' || s[0] == ' ')
		return false;
	for (const char *p = s; *p; p++)
		if (strchr(",;#=\"", *p) || (unsigned char)*p < 0x20)
			return false;
	return true;
}

static const char *fname(const insp *x, int l, int f)
{
	return x->L[l].vl->fields[f].name;
}

/* ---- Which layer is which ---------------------------------------------- */

/* Share of the features of layer l whose value of its best field names a
** value of e. */
static double enum_share(const lay *L, lr__enum e, int *best)
{
	double top = 0;
	*best = -1;
	for (int f = 0; f < L->vl->n_fields; f++) {
		const lr__field_stats *s = &L->st[f];
		if (s->f->kind != LR_VT_TEXT || !s->n_set || s->date_format ||
		    s->n_distinct > MAX_SPELLINGS)
			continue;
		int64_t placed = 0;
		for (int64_t k = 0; k < s->n_distinct; k++)
			if (lr__word_value(e, s->values[k].text) >= 0)
				placed += s->values[k].n;
		double share = (double)placed / (double)s->n_set;
		if (share > top) {
			top = share;
			*best = f;
		}
	}
	return top;
}

static int role_score(const lay *L, int role)
{
	static const char *const canonical[3] = {"regions", "hazards",
	                                         "releases"};
	int best, score = 0;
	if (!L->vl->polygonal)
		return -1000;
	if (!strcmp(L->vl->name, canonical[role]))
		score += 100;
	if (lr__name_is((lr__name_kind)(LR__N_REGIONS + role), L->vl->name))
		score += 20;
	if (role == LR_LAYER_HAZARDS)
		score += (int)(10 * enum_share(L, LR__E_TYPE, &best));
	if (role == LR_LAYER_RELEASES)
		score += (int)(10 * enum_share(L, LR__E_METHOD, &best));
	return score;
}

static int stats_for(lay *L)
{
	L->st = lr_xcalloc((size_t)L->vl->n_fields + 1, sizeof *L->st);
	if (!L->st)
		return LR_ERR_NOMEM;
	for (int f = 0; f < L->vl->n_fields; f++)
		if (lr__field_stats_make(L->vl, f, &L->st[f]) != LR_OK)
			return LR_ERR_NOMEM;
	return LR_OK;
}

static void lay_free(lay *L)
{
	for (int f = 0; L->st && f < L->vl->n_fields; f++)
		lr__field_stats_free(&L->st[f]);
	free(L->st);
}

/* Of the layers of d, the one best for each role: every assignment of
** distinct layers is scored, the best kept. */
static int assign_layers(insp *x, const lr_vt_dataset *d, lay *all,
                         lr_error *err)
{
	int n = d->n_layers, best[3] = {-1, -1, -1}, top = -(1 << 30);
	for (int a = 0; a < n; a++)
		for (int b = 0; b < n; b++)
			for (int c = 0; c < n; c++) {
				if (a == b || b == c || a == c)
					continue;
				int s = role_score(&all[a], 0) +
				        role_score(&all[b], 1) +
				        role_score(&all[c], 2);
				if (s > top) {
					top = s;
					best[0] = a, best[1] = b, best[2] = c;
				}
			}
	if (best[0] < 0)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: %d layer(s); three are needed "
		                    "(regions, hazards, releases): name the "
		                    "others with --regions, --hazards, "
		                    "--releases",
		                    d->name, n);
	for (int r = 0; r < 3; r++) {
		x->L[r] = all[best[r]];
		all[best[r]].st = NULL; /* now owned by x->L[r] */
	}
	return LR_OK;
}

/* Stats for every layer of d into a new array *out (caller frees each
** with lay_free, then the array). */
static int lays_of(const lr_vt_dataset *d, lay **out)
{
	lay *all = lr_xcalloc((size_t)d->n_layers + 1, sizeof *all);
	*out = all;
	if (!all)
		return LR_ERR_NOMEM;
	for (int i = 0; i < d->n_layers; i++) {
		all[i] = (lay){&d->layers[i], d->name, d->driver,
		               d->n_layers > 1, NULL};
		if (stats_for(&all[i]) != LR_OK)
			return LR_ERR_NOMEM;
	}
	return LR_OK;
}

static void lays_free(lay *all, int n)
{
	for (int i = 0; all && i < n; i++)
		lay_free(&all[i]);
	free(all);
}

/* One source per role: its best layer for the role. */
static int pick_layer(insp *x, int role, lr_error *err)
{
	lay *all;
	const lr_vt_dataset *d = &x->ds[role];
	if (lays_of(d, &all) != LR_OK) {
		lays_free(all, d->n_layers);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	int best = 0;
	for (int i = 1; i < d->n_layers; i++)
		if (role_score(&all[i], role) > role_score(&all[best], role))
			best = i;
	x->L[role] = all[best];
	all[best].st = NULL;
	lays_free(all, d->n_layers);
	return LR_OK;
}

static int read_sources(insp *x, const lr_inspect_sources *in, lr_error *err)
{
	if (!in->dataset) {
		for (int r = 0; r < 3; r++) {
			int rc = in->source[r]
			                 ? lr_vt_read(in->source[r],
			                              in->layer[r],
			                              in->read_timeout_s,
			                              &x->ds[r], err)
			                 : lr_error_set(err, LR_ERR_USAGE,
			                                "no source for "
			                                "%s: give DATASET "
			                                "or --%s SRC",
			                                layer_label[r],
			                                layer_label[r]);
			if (rc == LR_OK)
				rc = pick_layer(x, r, err);
			if (rc != LR_OK)
				return rc;
		}
		return LR_OK;
	}
	int rc = lr_vt_read(in->dataset, NULL, in->read_timeout_s, &x->ds[0],
	                    err);
	if (rc != LR_OK)
		return rc;
	lay *all;
	rc = lays_of(&x->ds[0], &all);
	if (rc == LR_OK)
		rc = assign_layers(x, &x->ds[0], all, err);
	else
		lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	lays_free(all, x->ds[0].n_layers);
	return rc;
}

/* ---- Which field is which ---------------------------------------------- */

static bool taken(const insp *x, int l, int f)
{
	for (int i = 0; i < lr__field_count(l); i++)
		if (x->c[l][i].field == f)
			return true;
	return false;
}

static void add_other(choice *c, const char *name)
{
	size_t k = strlen(c->others);
	snprintf(c->others + k, sizeof c->others - k, "%s%s", k ? ", " : "",
	         name);
}

static void choose_enum(insp *x, int l, int fi, lr__enum e)
{
	choice *c = &x->c[l][fi];
	int best;
	double share = enum_share(&x->L[l], e, &best);
	if (best < 0 || share < ENUM_SHARE || taken(x, l, best))
		return;
	const lr__field_stats *s = &x->L[l].st[best];
	c->field = best;
	int n = snprintf(c->why, sizeof c->why,
	                 "%s: %.0f%% of its %lld values spell a %s in the "
	                 "words of the field:",
	                 s->f->name, 100 * share, (long long)s->n_set,
	                 lr__field_name(l, fi));
	for (int64_t k = 0; k < s->n_distinct && k < 4 && n < 400; k++) {
		char v[60];
		n += snprintf(c->why + n, sizeof c->why - (size_t)n,
		              "%s '%s' %lld", k ? "," : "",
		              clean(s->values[k].text, v, sizeof v),
		              (long long)s->values[k].n);
	}
	if (s->n_distinct > 4)
		snprintf(c->why + n, sizeof c->why - (size_t)n, ", ... (%lld)",
		         (long long)s->n_distinct);
}

/* How many values of the best field of layer ref name a value of field f
** of layer l; that field into *from. */
static int64_t referenced(const insp *x, int l, int f, int ref, int *from)
{
	int64_t top = 0;
	*from = -1;
	for (int g = 0; ref >= 0 && g < x->L[ref].vl->n_fields; g++) {
		int64_t m = lr__field_matches(&x->L[ref].st[g], &x->L[l].st[f],
		                              false);
		if (m > top) {
			top = m;
			*from = g;
		}
	}
	return top;
}

/* Text, integers, or reals holding whole numbers only (an id exported to
** a Shapefile's Real(24,15) reads "12"). */
static bool id_kind(const lr__field_stats *s)
{
	return (s->f->kind == LR_VT_TEXT || s->f->kind == LR_VT_INTEGER ||
	        (s->f->kind == LR_VT_REAL && s->whole)) &&
	       !s->date_format;
}

/* The record id: a field with a distinct value on every feature; of
** several, the one the other layer's values name most, then one whose name
** says id, then the first. */
static void choose_id(insp *x, int l, int ref)
{
	choice *c = &x->c[l][0];
	int64_t best_refs = -1;
	int best_word = 0, from = -1;
	for (int f = 0; f < x->L[l].vl->n_fields; f++) {
		const lr__field_stats *s = &x->L[l].st[f];
		int g;
		if (!s->unique || !id_kind(s))
			continue;
		int64_t refs = referenced(x, l, f, ref, &g);
		int word = lr__name_is(LR__N_ID, s->f->name);
		if (refs > best_refs ||
		    (refs == best_refs && word > best_word)) {
			c->field = f, best_refs = refs, best_word = word;
			from = g;
		}
	}
	if (c->field < 0)
		return;
	for (int f = 0; f < x->L[l].vl->n_fields; f++)
		if (f != c->field && x->L[l].st[f].unique &&
		    id_kind(&x->L[l].st[f]))
			add_other(c, fname(x, l, f));
	int n = snprintf(c->why, sizeof c->why,
	                 "%s: a distinct value on each of the %lld features",
	                 fname(x, l, c->field), (long long)x->L[l].vl->n_rows);
	if (best_refs > 0)
		snprintf(c->why + n, sizeof c->why - (size_t)n,
		         "; %lld values of %s.%s name one of them",
		         (long long)best_refs, layer_label[ref],
		         fname(x, ref, from));
	else if (best_word)
		snprintf(c->why + n, sizeof c->why - (size_t)n,
		         "; its name says it is an id");
}

/* A field of layer l whose values name records of layer target (their id
** field): the one that names most, if most of its values do.  A field of
** lists that names records only through its items is the releases'
** hazard_id read as a list (hazard_id_list); elsewhere it is said and left
** out, as the mapping reads one id per field there. */
static void choose_link(insp *x, int l, int fi, int target)
{
	choice *c = &x->c[l][fi];
	int id = x->c[target][0].field, list = -1;
	int64_t top = 0, top_list = 0;
	for (int f = 0; id >= 0 && f < x->L[l].vl->n_fields; f++) {
		const lr__field_stats *s = &x->L[l].st[f];
		if (taken(x, l, f) || !s->n_set)
			continue;
		int64_t m = lr__field_matches(s, &x->L[target].st[id], false);
		int64_t ml = lr__field_matches(s, &x->L[target].st[id], true);
		if (m >= LINK_SHARE * (double)s->n_set && m > top) {
			top = m;
			c->field = f;
		} else if (ml >= LINK_SHARE * (double)s->n_set &&
		           ml > top_list) {
			top_list = ml;
			list = f;
		}
	}
	if (c->field >= 0) {
		snprintf(c->why, sizeof c->why,
		         "%s: %lld of its %lld values are a %s.%s",
		         fname(x, l, c->field), (long long)top,
		         (long long)x->L[l].st[c->field].n_set,
		         layer_label[target], fname(x, target, id));
		return;
	}
	if (list < 0)
		return;
	bool read = l == LR_LAYER_RELEASES && fi == LR__F_RELEASE_HAZARD_ID;
	snprintf(c->why, sizeof c->why,
	         "%s holds lists of ids: %lld of its %lld values name a %s.%s "
	         "through an item, %s",
	         fname(x, l, list), (long long)top_list,
	         (long long)x->L[l].st[list].n_set, layer_label[target],
	         fname(x, target, id),
	         read ? "so it is read as a list (hazard_id_list = yes)"
	              : "but a mapping reads one id per field here, so it is "
	                "left out (it is optional)");
	if (read) {
		c->field = list;
		x->links_list = true;
	}
}

/* The date: a field every value of which reads as a date; of several, the
** one whose name says recorded (hazards) or ended (releases), then the
** earliest (hazards) or latest (releases) on average. */
static void choose_date(insp *x, int l, int fi)
{
	choice *c = &x->c[l][fi];
	bool first = l == LR_LAYER_HAZARDS;
	lr__name_kind want = first ? LR__N_RECORDED : LR__N_ENDED;
	lr__name_kind shun = first ? LR__N_ENDED : LR__N_RECORDED;
	int best_score = -100;
	for (int f = 0; f < x->L[l].vl->n_fields; f++) {
		const lr__field_stats *s = &x->L[l].st[f];
		if (!s->date_format || taken(x, l, f))
			continue;
		int score = 2 * lr__name_is(want, s->f->name) -
		            2 * lr__name_is(shun, s->f->name);
		const lr__field_stats *b =
		        c->field >= 0 ? &x->L[l].st[c->field] : NULL;
		if (!b || score > best_score ||
		    (score == best_score &&
		     (first ? s->date_mean < b->date_mean
		            : s->date_mean > b->date_mean))) {
			c->field = f;
			best_score = score;
		}
	}
	if (c->field < 0)
		return;
	const lr__field_stats *s = &x->L[l].st[c->field];
	for (int f = 0; f < x->L[l].vl->n_fields; f++)
		if (f != c->field && x->L[l].st[f].date_format &&
		    !taken(x, l, f))
			add_other(c, fname(x, l, f));
	char sample[80];
	snprintf(c->why, sizeof c->why,
	         "%s: all %lld values are dates (%s%s, e.g. %s)%s", s->f->name,
	         (long long)s->n_set, *s->date_format ? s->date_format : "ISO",
	         s->date_ambiguous ? ", day first: no day above 12, so "
	                             "day and month could be swapped"
	                           : "",
	         clean(s->values[0].text, sample, sizeof sample),
	         !c->others[0] ? ""
	         : best_score > 0
	                 ? "; chosen: its name says so"
	                 : (first ? "; chosen: the earliest on average"
	                          : "; chosen: the latest on average"));
}

/* An optional field found by its name alone: a number where numbers are
** meant (whole for items destroyed). */
static void choose_named(insp *x, int l, int fi, lr__name_kind k)
{
	choice *c = &x->c[l][fi];
	lr__kind kind = lr__field_kind(l, fi);
	for (int f = 0; f < x->L[l].vl->n_fields && c->field < 0; f++) {
		const lr__field_stats *s = &x->L[l].st[f];
		if (taken(x, l, f) || !s->n_set || !lr__name_is(k, s->f->name))
			continue;
		if (kind == LR__KIND_COUNT && !s->whole)
			continue;
		if (kind == LR__KIND_REAL && s->f->kind != LR_VT_REAL &&
		    !s->whole)
			continue;
		if (kind == LR__KIND_TEXT && s->f->kind == LR_VT_LIST)
			continue;
		c->field = f;
		snprintf(c->why, sizeof c->why,
		         "%s: its name says so (%lld values%s)", s->f->name,
		         (long long)s->n_set,
		         kind == LR__KIND_REAL ? "; read as square metres: "
		                                 "check the unit"
		                               : "");
	}
}

static void choose_all(insp *x)
{
	for (int l = 0; l < 3; l++)
		for (int f = 0; f < LR__MAX_FIELDS; f++)
			x->c[l][f] = (choice){.field = -1};
	choose_enum(x, LR_LAYER_HAZARDS, LR__F_TYPE, LR__E_TYPE);
	choose_enum(x, LR_LAYER_HAZARDS, LR__F_CONTAMINATION, LR__E_CONT);
	choose_enum(x, LR_LAYER_RELEASES, LR__F_METHOD, LR__E_METHOD);
	choose_id(x, LR_LAYER_REGIONS, LR_LAYER_HAZARDS);
	choose_id(x, LR_LAYER_HAZARDS, LR_LAYER_RELEASES);
	choose_id(x, LR_LAYER_RELEASES, -1);
	choose_link(x, LR_LAYER_HAZARDS, LR__F_HAZARD_REGION_ID,
	            LR_LAYER_REGIONS);
	choose_link(x, LR_LAYER_RELEASES, LR__F_RELEASE_HAZARD_ID,
	            LR_LAYER_HAZARDS);
	choose_date(x, LR_LAYER_HAZARDS, LR__F_RECORDED_DATE);
	choose_date(x, LR_LAYER_RELEASES, LR__F_RELEASE_DATE);
	choose_named(x, LR_LAYER_REGIONS, LR__F_NAME, LR__N_NAME);
	choose_named(x, LR_LAYER_REGIONS, LR__F_PARENT_ID, LR__N_PARENT);
	choose_named(x, LR_LAYER_HAZARDS, LR__F_REPORTED_AREA, LR__N_AREA);
	choose_named(x, LR_LAYER_RELEASES, LR__F_AP_MINES, LR__N_AP);
	choose_named(x, LR_LAYER_RELEASES, LR__F_AV_MINES, LR__N_AV);
	choose_named(x, LR_LAYER_RELEASES, LR__F_ERW, LR__N_ERW);
	x->implies = x->c[LR_LAYER_HAZARDS][LR__F_RECORDED_DATE].field < 0;
}

/* ---- The description ---------------------------------------------------- */

static void describe_values(lr__text *t, const lr__field_stats *s)
{
	char v[80];
	bool all = s->f->kind == LR_VT_TEXT && s->n_distinct <= SHOWN_VALUES;
	lr__text_add(t, "%s", all ? "" : "e.g. ");
	for (int64_t k = 0; k < s->n_distinct && k < (all ? SHOWN_VALUES : 3);
	     k++) {
		clean(s->values[k].text, v, 40);
		if (all)
			lr__text_add(t, "%s'%s' %lld", k ? ", " : "", v,
			             (long long)s->values[k].n);
		else
			lr__text_add(t, "%s'%s'", k ? ", " : "", v);
	}
	lr__text_add(t, "\n");
}

static void describe_layer(lr__text *t, const lay *L, const char *role)
{
	char src[300];
	lr__text_add(t, "%s: %s, layer '%s' (%s)\n", role,
	             clean(L->source, src, sizeof src), L->vl->name, L->driver);
	lr__text_add(t, "  %lld features; CRS %s; %s\n",
	             (long long)L->vl->n_rows,
	             L->vl->crs ? L->vl->crs
	             : L->vl->lonlat_range
	                     ? "none declared (coordinates in lon/lat range)"
	                     : "none declared",
	             L->vl->geom_types);
	lr__text_add(t, "  %-20s %-14s %8s %8s  %s\n", "field", "type", "set",
	             "distinct", "values");
	for (int f = 0; f < L->vl->n_fields; f++) {
		const lr__field_stats *s = &L->st[f];
		char name[64];
		lr__text_add(t, "  %-20s %-14s %8lld %8lld  ",
		             clean(s->f->name, name, 40), s->f->type_name,
		             (long long)s->n_set, (long long)s->n_distinct);
		if (s->date_format)
			lr__text_add(t, "dates (%s) ",
			             *s->date_format ? s->date_format : "ISO");
		describe_values(t, s);
	}
}

/* ---- The draft ------------------------------------------------------------
 */

static int draft_line(const insp *x)
{
	int n = 1;
	for (size_t i = 0; i < x->draft.len; i++)
		n += x->draft.s[i] == '\n';
	return n;
}

/* A comment of the draft, wrapped at 76 columns: the mapping reader
** refuses lines over 200 characters, comments included. */
static void comment(insp *x, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void comment(insp *x, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	const char *p = buf;
	while (*p) {
		size_t n = strlen(p);
		if (n > 74) {
			n = 74;
			while (n > 20 && p[n] != ' ')
				n--;
		}
		lr__text_add(&x->draft, "; %.*s\n", (int)n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
}

/* A line the user must fill in: "KEY = ?" refused by the mapping parser
** until then, with what to write above it. */
static void missing_line(insp *x, int l, const char *key, const char *what)
{
	comment(x, "MISSING %s: %s", key, what);
	lr__text_add(&x->missing, "  [%s] %s (line %d of the draft): %s\n",
	             layer_label[l], key, draft_line(x), what);
	lr__text_add(&x->draft, "%s = ?\n", key);
	x->n_missing++;
}

static void draft_spellings(insp *x, int l, int fi, lr__enum e)
{
	const lr__field_stats *s = &x->L[l].st[x->c[l][fi].field];
	char v[160];
	int unplaced = 0;
	for (int64_t k = 0; k < s->n_distinct; k++) {
		const char *t = s->values[k].text;
		int val = lr__word_value(e, t);
		if (lr__mapping_value(NULL, l, fi, t) >= 0)
			continue; /* our own spelling: always read */
		if (val >= 0 && spellable(t)) {
			lr__text_add(&x->draft, "%s.%s = %s\n",
			             lr__field_name(l, fi),
			             lr__word_name(e, val), t);
		} else {
			comment(x,
			        "not placed: '%s' (%lld features): add it to a "
			        "%s.<value> line, or these features are "
			        "rejected with a finding",
			        clean(t, v, sizeof v),
			        (long long)s->values[k].n,
			        lr__field_name(l, fi));
			unplaced++;
		}
	}
	if (unplaced)
		lr__text_add(&x->missing,
		             "  [%s] %s: %d value(s) not placed (listed in the "
		             "draft)\n",
		             layer_label[l], lr__field_name(l, fi), unplaced);
}

/* What to write when a required part has no field. */
static const char *const missing_what[3][LR__MAX_FIELDS] = {
        [LR_LAYER_HAZARDS][LR__F_TYPE] =
                "no field whose values say suspected or confirmed; if "
                "every hazard is of one type write SHA or CHA here; if a "
                "field holds codes, replace this line with `type = FIELD` "
                "and one `type.SHA = CODE` line per code",
        [LR_LAYER_HAZARDS][LR__F_RECORDED_DATE] =
                "no field of dates; write the date every hazard was "
                "recorded (YYYY-MM-DD), e.g. the date of the snapshot",
        [LR_LAYER_RELEASES][LR__F_METHOD] =
                "no field whose values say cancelled, reduced or "
                "cleared; if every release was by one method write "
                "cancelled, reduced or cleared here; if a field holds "
                "codes, replace this line with `method = FIELD` and one "
                "`method.cleared = CODE` line per code",
        [LR_LAYER_RELEASES][LR__F_RELEASE_DATE] =
                "no field of dates; write the date of every release "
                "(YYYY-MM-DD), before the hazards' date if they are a "
                "snapshot of what remained after these releases",
};

static void draft_field(insp *x, int l, int fi)
{
	const choice *c = &x->c[l][fi];
	const char *name = lr__field_name(l, fi);
	char key[64];
	if (c->why[0])
		comment(x, "%s <- %s", name, c->why);
	if (c->others[0])
		comment(x, "other candidates for %s: %s", name, c->others);
	if (c->field >= 0) {
		lr__text_add(&x->draft, "%s = %s\n", name,
		             fname(x, l, c->field));
		return;
	}
	if (fi == 0) {
		comment(x,
		        "%s: no field has a distinct value on every feature, "
		        "so the feature id is the %s",
		        name, name);
		lr__text_add(&x->draft, "id_from_fid = yes\n");
		return;
	}
	if (l == LR_LAYER_HAZARDS && fi == LR__F_CONTAMINATION) {
		/* Article 5 counts AP-mined land: say what the default means.
		 */
		comment(x, "contamination: no field found (optional: every "
		           "hazard then counts as mixed, with a warning; write "
		           "`constant.contamination = AP` if all are "
		           "anti-personnel mined areas)");
		return;
	}
	if (!lr__field_required(l, fi)) {
		if (!c->why[0])
			lr__text_add(&x->draft,
			             "; %s: no field found (optional)\n", name);
		return;
	}
	snprintf(key, sizeof key, "constant.%s", name);
	missing_line(x, l, key, missing_what[l][fi]);
}

/* The date format of a layer, from the field of its date. */
static void draft_date_format(insp *x, int l, int fi)
{
	int f = x->c[l][fi].field;
	if (f < 0 || !*x->L[l].st[f].date_format)
		return;
	lr__text_add(&x->draft, "date_format = %s\n",
	             x->L[l].st[f].date_format);
}

static void draft_crs(insp *x, int l)
{
	const lr_vt_layer *v = x->L[l].vl;
	if (v->crs)
		return;
	if (v->lonlat_range) {
		lr__text_add(&x->draft,
		             "; crs: none declared; every coordinate is in "
		             "lon/lat range, so it is read as lon/lat WGS84\n");
		return;
	}
	missing_line(x, l, "crs",
	             "the layer declares no CRS and its coordinates are not "
	             "lon/lat; write its CRS (e.g. EPSG:32648)");
}

/* A layer whose text is not UTF-8 was saved in some one-byte encoding that
** only the user knows: the draft asks for it. */
static void draft_encoding(insp *x, int l)
{
	const lay *L = &x->L[l];
	for (int f = 0; f < L->vl->n_fields; f++) {
		if (!L->st[f].not_utf8)
			continue;
		char sample[200], what[400];
		snprintf(what, sizeof what,
		         "the text of field %s is not UTF-8 (e.g. '%s'); write "
		         "the encoding the export was saved in, e.g. CP1252 "
		         "(Windows, Western Europe), ISO-8859-1 or CP850",
		         fname(x, l, f),
		         escaped(L->st[f].not_utf8, sample, sizeof sample));
		missing_line(x, l, "encoding", what);
		return;
	}
}

/* Why this layer of a dataset of several plays this part. */
static void draft_layer_reason(insp *x, int l)
{
	const lay *L = &x->L[l];
	int best;
	double share = l == LR_LAYER_HAZARDS ? enum_share(L, LR__E_TYPE, &best)
	               : l == LR_LAYER_RELEASES
	                       ? enum_share(L, LR__E_METHOD, &best)
	                       : 0;
	if (!strcmp(L->vl->name, layer_label[l]))
		comment(x, "layer: it has our name");
	else if (lr__name_is((lr__name_kind)(LR__N_REGIONS + l), L->vl->name))
		comment(x, "layer: its name says it holds %s", layer_label[l]);
	else if (best >= 0 && share >= ENUM_SHARE)
		comment(x,
		        "layer: %.0f%% of the values of its field %s spell a "
		        "%s",
		        100 * share, fname(x, l, best),
		        l == LR_LAYER_HAZARDS ? "type" : "method");
	else
		comment(x, "layer: the polygon layer left once the others were "
		           "placed; check it");
}

static void draft_section(insp *x, int l)
{
	char src[300];
	const lay *L = &x->L[l];
	lr__text_add(&x->draft, "\n[%s]\n", layer_label[l]);
	comment(x, "%s, layer '%s' (%s), %lld features",
	        clean(L->source, src, sizeof src), L->vl->name, L->driver,
	        (long long)L->vl->n_rows);
	if (L->name_layer) {
		draft_layer_reason(x, l);
		lr__text_add(&x->draft, "layer = %s\n", L->vl->name);
	}
	draft_crs(x, l);
	draft_encoding(x, l);
	for (int fi = 0; fi < lr__field_count(l); fi++) {
		draft_field(x, l, fi);
		if (lr__field_kind(l, fi) == LR__KIND_DATE)
			draft_date_format(x, l, fi);
		if (lr__field_kind(l, fi) == LR__KIND_ENUM &&
		    x->c[l][fi].field >= 0)
			draft_spellings(x, l, fi,
			                fi == LR__F_METHOD && l == 2
			                        ? LR__E_METHOD
			                : fi == LR__F_TYPE ? LR__E_TYPE
			                                   : LR__E_CONT);
	}
}

/* A snapshot: hazards without dates hold only what remains, so the land
** released was never recorded as hazardous unless each release stands for
** its own hazard record. */
static void draft_implies(insp *x)
{
	if (!x->implies)
		return;
	lr__text_add(&x->draft,
	             "; implies_hazard: the hazards have no dates, as in a "
	             "snapshot of what\n; remains: each release then stands "
	             "for a suspected-area record of its own\n; land, so "
	             "its land counts as released, not as released outside\n"
	             "; recorded hazards.  Remove this line if the hazards "
	             "layer also holds\n; the land released.\n"
	             "implies_hazard = SHA\n");
}

static void draft_all(insp *x)
{
	lr__text_add(&x->draft,
	             "; Mapping drafted by `landrelease inspect`.  Each "
	             "choice names its evidence\n; (field, values matched, "
	             "a sample).  Lines `KEY = ?` are MISSING: fill them\n; "
	             "in, or `landrelease analyze --map` stops at them.  "
	             "Values listed as\n; \"not placed\" are rejected with a "
	             "finding until you add a spelling line.\n");
	for (int l = 0; l < 3; l++) {
		draft_section(x, l);
		if (l == LR_LAYER_RELEASES && x->links_list)
			lr__text_add(&x->draft, "hazard_id_list = yes\n");
		if (l == LR_LAYER_RELEASES)
			draft_implies(x);
	}
}

static void describe_all(insp *x)
{
	for (int l = 0; l < 3; l++) {
		describe_layer(&x->desc, &x->L[l], layer_label[l]);
		lr__text_add(&x->desc, "\n");
	}
	const lr_vt_dataset *d = &x->ds[0];
	for (int i = 0; x->ds[1].name == NULL && i < d->n_layers; i++) {
		bool used = false;
		for (int l = 0; l < 3; l++)
			used |= x->L[l].vl == &d->layers[i];
		if (!used)
			lr__text_add(
			        &x->desc,
			        "not used: layer '%s' (%lld features; %s)\n",
			        d->layers[i].name,
			        (long long)d->layers[i].n_rows,
			        d->layers[i].geom_types);
	}
}

static char *take(lr__text *t)
{
	char *s = t->nomem ? NULL : t->s ? t->s : lr_strdup("");
	if (t->nomem)
		free(t->s);
	t->s = NULL;
	return s;
}

int lr_inspect(const lr_inspect_sources *in, lr_inspection *out, lr_error *err)
{
	insp *x = lr_xcalloc(1, sizeof *x);
	memset(out, 0, sizeof *out);
	if (!x)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	int rc = read_sources(x, in, err);
	if (rc == LR_OK) {
		choose_all(x);
		describe_all(x);
		draft_all(x);
		out->description = take(&x->desc);
		out->draft = take(&x->draft);
		out->missing = take(&x->missing);
		out->n_missing = x->n_missing;
		if (!out->description || !out->draft || !out->missing)
			rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	free(x->desc.s);
	free(x->draft.s);
	free(x->missing.s);
	/* The layers first: in one dataset all three borrow from ds[0]. */
	for (int l = 0; l < 3; l++)
		lay_free(&x->L[l]);
	for (int l = 0; l < 3; l++)
		lr_vt_dataset_free(&x->ds[l]);
	free(x);
	return rc;
}

void lr_inspection_free(lr_inspection *x)
{
	if (!x)
		return;
	free(x->description);
	free(x->draft);
	free(x->missing);
	memset(x, 0, sizeof *x);
}
