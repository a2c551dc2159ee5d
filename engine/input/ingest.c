/*
** lr_ingest: read the regions, hazards and releases layers through a
** mapping, check every feature, and keep each one either as an accepted
** record (possibly repaired) or as a rejected one with its reason, so that
** read = accepted + rejected on every layer (DESIGN.md section 3).
*/
#include "ingest_int.h"
#include "lr_rtree.h"
#include "mapping_int.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reported and computed areas further apart than this share of the
** computed area are a finding. */
#define AREA_MISMATCH 0.10

/* ---- Record ids, compared trimmed and without case -------------------- */

typedef struct id_entry {
	char *key;         /* owned: lower-case id; NULL for an empty slot */
	int64_t fid;       /* feature that first gave this id */
	long idx;          /* its record index, -1 if it was rejected */
	const char *exact; /* borrowed: the record's own id, if accepted */
} id_entry;

typedef struct id_table {
	id_entry *e;
	size_t cap, n;
} id_table;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static void id_key(const char *id, char *out, size_t n)
{
	size_t k = 0;
	for (; *id && k + 1 < n; id++)
		out[k++] = (char)tolower((unsigned char)*id);
	out[k] = '\0';
}

/* The entry for id, or NULL.  The pointer is valid until the next insert. */
static id_entry *id_find(const id_table *t, const char *id)
{
	char key[512];
	if (!t->cap)
		return NULL;
	id_key(id, key, sizeof key);
	size_t i = hash_str(key) & (t->cap - 1);
	while (t->e[i].key) {
		if (!strcmp(t->e[i].key, key))
			return &t->e[i];
		i = (i + 1) & (t->cap - 1);
	}
	return NULL;
}

static int id_grow(id_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	id_entry *e = lr_xcalloc(cap, sizeof *e);
	if (!e)
		return LR_ERR_NOMEM;
	for (size_t j = 0; j < t->cap; j++) {
		if (!t->e[j].key)
			continue;
		size_t i = hash_str(t->e[j].key) & (cap - 1);
		while (e[i].key)
			i = (i + 1) & (cap - 1);
		e[i] = t->e[j];
	}
	free(t->e);
	t->e = e;
	t->cap = cap;
	return LR_OK;
}

/* The entry for id, found or added in one probe: an existing one (*added
** false) or a new one first seen on feature fid (*added true); NULL when
** out of memory.  The pointer is valid until the next claim. */
static id_entry *id_claim(id_table *t, const char *id, int64_t fid, bool *added)
{
	char key[512];
	if ((t->n + 1) * 2 > t->cap && id_grow(t) != LR_OK)
		return NULL;
	id_key(id, key, sizeof key);
	size_t i = hash_str(key) & (t->cap - 1);
	for (; t->e[i].key; i = (i + 1) & (t->cap - 1))
		if (!strcmp(t->e[i].key, key)) {
			*added = false;
			return &t->e[i];
		}
	t->e[i].key = strdup(key);
	if (!t->e[i].key)
		return NULL;
	t->e[i].fid = fid;
	t->e[i].idx = -1;
	t->e[i].exact = NULL;
	t->n++;
	*added = true;
	return &t->e[i];
}

static void id_free(id_table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->e[i].key);
	free(t->e);
	t->e = NULL;
	t->cap = t->n = 0;
}

/* ---- One layer being read --------------------------------------------- */

typedef struct layer_ctx {
	const lr_inputs *in;
	const lr_mapping *m;
	lr_dataset *d;
	int layer;
	lr_source *src;          /* owned while reading */
	const char *label;       /* borrowed from src */
	int col[LR__MAX_FIELDS]; /* source column, -1 if none */
	id_table ids;
	char fidbuf[32];
} layer_ctx;

/* Problems of one feature: the first one's code, all the messages. */
typedef struct problems {
	const char *code;
	char msg[900];
	size_t len;
} problems;

static void problem(problems *p, const char *code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void problem(problems *p, const char *code, const char *fmt, ...)
{
	va_list ap;
	if (!p->code)
		p->code = code;
	if (p->len >= sizeof p->msg - 1)
		return;
	if (p->len) {
		int n = snprintf(p->msg + p->len, sizeof p->msg - p->len, "; ");
		p->len += (size_t)n;
		if (p->len >= sizeof p->msg)
			p->len = sizeof p->msg - 1;
	}
	va_start(ap, fmt);
	int n = vsnprintf(p->msg + p->len, sizeof p->msg - p->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->len += (size_t)n;
	if (p->len >= sizeof p->msg)
		p->len = sizeof p->msg - 1;
}

/* "type (source field 'ha_type')": where a field's value came from. */
static const char *field_desc(const layer_ctx *c, int i, char *buf, size_t n)
{
	const lr__map_layer *ml = &c->m->layer[c->layer];
	const char *name = lr__field_name(c->layer, i);
	if (ml->f[i].constant)
		snprintf(buf, n, "%s (constant.%s in the mapping)", name, name);
	else if (i == 0 && ml->id_from_fid)
		snprintf(buf, n, "%s (the feature id)", name);
	else if (c->col[i] >= 0)
		snprintf(buf, n, "%s (source field '%s')", name,
		         lr_source_field_name(c->src, c->col[i]));
	else
		snprintf(buf, n, "%s", name);
	return buf;
}

/* The value of field i for feature f as the source (or the mapping) gives
** it, untrimmed; NULL when null. */
static const char *field_raw(layer_ctx *c, const lr_feature *f, int i)
{
	const lr__map_layer *ml = &c->m->layer[c->layer];
	if (ml->f[i].constant)
		return ml->f[i].constant;
	if (i == 0 && ml->id_from_fid) {
		snprintf(c->fidbuf, sizeof c->fidbuf, "%" PRId64, f->fid);
		return c->fidbuf;
	}
	if (c->col[i] >= 0 && c->col[i] < f->n_fields)
		return f->values[c->col[i]];
	return NULL;
}

/* The text of field i for feature f, trimmed into buf; NULL when null or
** empty.  Long values are cut at n - 1 bytes. */
static const char *field_text(layer_ctx *c, const lr_feature *f, int i,
                              char *buf, size_t n)
{
	const char *v = field_raw(c, f, i);
	if (!v)
		return NULL;
	while (isspace((unsigned char)*v))
		v++;
	size_t len = strlen(v);
	while (len && isspace((unsigned char)v[len - 1]))
		len--;
	if (!len)
		return NULL;
	if (len >= n)
		len = n - 1;
	memcpy(buf, v, len);
	buf[len] = '\0';
	return buf;
}

static int list_fields(const lr_source *s, char *buf, size_t n)
{
	size_t k = 0;
	buf[0] = '\0';
	for (int i = 0; i < lr_source_field_count(s) && k < n; i++)
		k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? ", " : "",
		                      lr_source_field_name(s, i));
	if (!k)
		snprintf(buf, n, "none");
	return LR_OK;
}

/* Find the source column of every field; refuse a layer lacking one that
** a record cannot do without. */
static int resolve_fields(layer_ctx *c, lr_error *err)
{
	const lr__map_layer *ml = &c->m->layer[c->layer];
	const char *sec = lr_layer_names[c->layer];
	char fields[600];
	for (int i = 0; i < lr__field_count(c->layer); i++) {
		const lr__map_field *mf = &ml->f[i];
		const char *name = lr__field_name(c->layer, i);
		c->col[i] = -1;
		if (mf->constant || (i == 0 && ml->id_from_fid))
			continue;
		if (mf->source) {
			c->col[i] = lr_source_field_index(c->src, mf->source);
			if (c->col[i] < 0) {
				list_fields(c->src, fields, sizeof fields);
				return lr_error_set(
				        err, LR_ERR_USAGE,
				        "%s: the mapping %s (line %d) reads %s "
				        "from field '%s', which this layer "
				        "does "
				        "not have (fields: %s); fix `%s = "
				        "<field>` under [%s]",
				        c->label, c->m->name, mf->line, name,
				        mf->source, fields, name, sec);
			}
			continue;
		}
		c->col[i] = lr_source_field_index(c->src, name);
		if (c->col[i] < 0 && lr__field_required(c->layer, i)) {
			list_fields(c->src, fields, sizeof fields);
			return lr_error_set(
			        err, LR_ERR_USAGE,
			        "%s: no field for %s (fields: %s); add `%s = "
			        "<field>` under [%s] in the mapping file, or "
			        "`%s`",
			        c->label, name, fields, name, sec,
			        i == 0 ? "id_from_fid = yes"
			               : "constant.<field> = <value>");
		}
	}
	return LR_OK;
}

static lr_date check_date(layer_ctx *c, const lr_feature *f, int i, problems *p)
{
	char buf[128], desc[160];
	const char *t = field_text(c, f, i, buf, sizeof buf);
	if (!t) {
		problem(p, "rejected_attribute", "%s is empty",
		        field_desc(c, i, desc, sizeof desc));
		return LR_DATE_NONE;
	}
	lr_date d = lr__mapping_date(c->m, c->layer, t);
	if (d == LR_DATE_NONE) {
		problem(p, "rejected_attribute",
		        "%s '%s' is not a date in an accepted format, or "
		        "that day does not exist",
		        field_desc(c, i, desc, sizeof desc), t);
		return LR_DATE_NONE;
	}
	lr_date today = c->in->today;
	if (today != 0 && today != LR_DATE_NONE && d > today) {
		char a[16], b[16];
		problem(p, "rejected_attribute", "%s %s is after today (%s)",
		        field_desc(c, i, desc, sizeof desc),
		        lr_date_format(d, a), lr_date_format(today, b));
		return LR_DATE_NONE;
	}
	return d;
}

static int check_enum(layer_ctx *c, const lr_feature *f, int i, problems *p)
{
	char buf[256], desc[160], exp[300];
	const char *t = field_text(c, f, i, buf, sizeof buf);
	if (!t) {
		problem(p, "rejected_attribute", "%s is empty",
		        field_desc(c, i, desc, sizeof desc));
		return -1;
	}
	int v = lr__mapping_value(c->m, c->layer, i, t);
	if (v < 0)
		problem(p, "rejected_attribute",
		        "%s has the unknown value '%s' (accepted: %s; list "
		        "other spellings as %s.<value> under [%s] in the "
		        "mapping)",
		        field_desc(c, i, desc, sizeof desc), t,
		        lr__mapping_expected(c->m, c->layer, i, exp,
		                             sizeof exp),
		        lr__field_name(c->layer, i), lr_layer_names[c->layer]);
	return v;
}

/* Items destroyed: empty is 0; negative or not a whole number rejects. */
static int64_t check_count(layer_ctx *c, const lr_feature *f, int i,
                           problems *p)
{
	char buf[64], desc[160];
	const char *t = field_text(c, f, i, buf, sizeof buf);
	if (!t)
		return 0;
	char *end;
	errno = 0;
	double x = strtod(t, &end);
	if (end == t || *end || errno || !isfinite(x) || x != floor(x) ||
	    x > 9e15) {
		problem(p, "rejected_attribute",
		        "%s '%s' is not a whole number",
		        field_desc(c, i, desc, sizeof desc), t);
		return 0;
	}
	if (x < 0) {
		problem(p, "rejected_attribute", "%s %s is negative",
		        field_desc(c, i, desc, sizeof desc), t);
		return 0;
	}
	return (int64_t)x;
}

/* A copy of the text of field i, or NULL when empty; *oom on failure. */
static char *dup_field(layer_ctx *c, const lr_feature *f, int i, bool *oom)
{
	char buf[1024];
	const char *t = field_text(c, f, i, buf, sizeof buf);
	if (!t)
		return NULL;
	char *s = strdup(t);
	if (!s)
		*oom = true;
	return s;
}

static int nomem(lr_error *err)
{
	return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
}

/* A feature's record while it is checked: only its layer's part is used. */
typedef struct pending {
	lr_region rg;
	lr_hazard hz;
	lr_release rl;
	lr_wkb geom;  /* owned until the record takes it */
	char *own_id; /* owned until the record takes it */
} pending;

/* Free what a feature's record was being built from. */
static void drop_record(pending *rec)
{
	lr_wkb_free(&rec->geom);
	free(rec->own_id);
	free(rec->rg.name);
	free(rec->rg.parent_id);
	free(rec->hz.region_id);
	free(rec->rl.hazard_id);
}

/* reported_area_m2, if given: a number of m2 >= 0, else a finding and
** ignored (the computed area is used whatever it says). */
static double read_reported_area(layer_ctx *c, const lr_feature *f,
                                 const char *id, bool *oom)
{
	char abuf[64], desc[160];
	const char *a =
	        field_text(c, f, LR__F_REPORTED_AREA, abuf, sizeof abuf);
	if (!a)
		return NAN;
	char *end;
	errno = 0;
	double x = strtod(a, &end);
	if (end != a && !*end && !errno && isfinite(x) && x >= 0)
		return x;
	if (lr_quality_add(
	            &c->d->quality, LR_SEV_WARNING, "ignored_value",
	            lr_layer_names[c->layer], f->fid, id ? id : "", -1,
	            "%s feature %" PRId64
	            ": %s '%s' is not an area in m2; ignored",
	            c->label, f->fid,
	            field_desc(c, LR__F_REPORTED_AREA, desc, sizeof desc),
	            a) != LR_OK)
		*oom = true;
	return NAN;
}

static void read_hazard(layer_ctx *c, const lr_feature *f, const char *id,
                        lr_hazard *hz, problems *p, bool *oom)
{
	char cbuf[256];
	hz->type = (lr_hazard_type)check_enum(c, f, LR__F_TYPE, p);
	if (field_text(c, f, LR__F_CONTAMINATION, cbuf, sizeof cbuf))
		hz->contamination = check_enum(c, f, LR__F_CONTAMINATION, p);
	else
		hz->contamination = -1; /* see below */
	hz->recorded = check_date(c, f, LR__F_RECORDED_DATE, p);
	hz->reported_area_m2 = read_reported_area(c, f, id, oom);
	hz->region_id = dup_field(c, f, LR__F_HAZARD_REGION_ID, oom);
	hz->fid = f->fid;
	hz->implied_by = -1;
}

static void read_release(layer_ctx *c, const lr_feature *f, lr_release *rl,
                         problems *p, bool *oom)
{
	rl->hazard_id_list = c->m->layer[c->layer].hazard_id_list;
	if (rl->hazard_id_list) /* whole: a list runs to thousands of bytes */
		rl->hazard_id = lr__id_list_normalize(
		        field_raw(c, f, LR__F_RELEASE_HAZARD_ID), oom);
	else
		rl->hazard_id = dup_field(c, f, LR__F_RELEASE_HAZARD_ID, oom);
	int mth = check_enum(c, f, LR__F_METHOD, p);
	rl->method = mth < 0 ? LR_CLEARED : (lr_method)mth;
	rl->date = check_date(c, f, LR__F_RELEASE_DATE, p);
	rl->ap_mines = check_count(c, f, LR__F_AP_MINES, p);
	rl->av_mines = check_count(c, f, LR__F_AV_MINES, p);
	rl->erw = check_count(c, f, LR__F_ERW, p);
	rl->ap_improvised = check_count(c, f, LR__F_AP_IMPROVISED, p);
}

/* The attributes of f into the layer's part of rec, in field order. */
static void read_attributes(layer_ctx *c, const lr_feature *f, const char *id,
                            pending *rec, problems *p, bool *oom)
{
	if (c->layer == LR_LAYER_REGIONS) {
		rec->rg.name = dup_field(c, f, LR__F_NAME, oom);
		rec->rg.parent_id = dup_field(c, f, LR__F_PARENT_ID, oom);
	} else if (c->layer == LR_LAYER_HAZARDS) {
		read_hazard(c, f, id, &rec->hz, p, oom);
	} else {
		read_release(c, f, &rec->rl, p, oom);
	}
}

/* The first feature with an id keeps it, even if rejected; a later one is
** a duplicate.  f's entry when it is the first, else NULL. */
static id_entry *claim_id(layer_ctx *c, const lr_feature *f, const char *id,
                          problems *p, bool *oom)
{
	bool added = false;
	id_entry *e = id_claim(&c->ids, id, f->fid, &added);
	if (!e)
		*oom = true;
	else if (!added)
		problem(p, "duplicate_id",
		        "%s '%s' repeats that of feature %" PRId64 "%s",
		        lr__field_name(c->layer, 0), id, e->fid,
		        e->idx < 0 ? " (itself rejected)" : "");
	return added ? e : NULL;
}

/* Count f as rejected with its first problem as the finding. */
static int reject_feature(layer_ctx *c, const lr_feature *f, const char *id,
                          const problems *p, bool oom, pending *rec,
                          lr_error *err)
{
	if (!oom) {
		c->d->counts[c->layer].rejected++;
		if (lr_quality_add(
		            &c->d->quality, LR_SEV_ERROR, p->code,
		            lr_layer_names[c->layer], f->fid, id ? id : "",
		            rec->geom.data ? lr_cents_from_m2(f->area_m2) : 0,
		            "%s feature %" PRId64 " rejected: %s", c->label,
		            f->fid, p->msg) != LR_OK)
			oom = true;
	}
	drop_record(rec);
	return oom ? nomem(err) : LR_OK;
}

/* Append rec to its layer's records; *idx is its index.  The record owns
** what rec held when this returns non-NULL. */
static void *push_record(layer_ctx *c, const lr_feature *f, pending *rec,
                         long *idx)
{
	lr_dataset *d = c->d;
	if (c->layer == LR_LAYER_REGIONS) {
		lr_region *rg = &rec->rg;
		rg->id = rec->own_id;
		if (!rg->name)
			rg->name = strdup(rec->own_id);
		rg->fid = f->fid;
		rg->geom = rec->geom;
		rg->area_m2 = f->area_m2;
		*idx = (long)d->regions.len;
		return rg->name ? lr_vec_push(&d->regions, rg) : NULL;
	}
	if (c->layer == LR_LAYER_HAZARDS) {
		lr_hazard *hz = &rec->hz;
		hz->id = rec->own_id;
		hz->geom = rec->geom;
		hz->area_m2 = f->area_m2;
		*idx = (long)d->hazards.len;
		return lr_vec_push(&d->hazards, hz);
	}
	lr_release *rl = &rec->rl;
	rl->id = rec->own_id;
	rl->fid = f->fid;
	rl->geom = rec->geom;
	rl->area_m2 = f->area_m2;
	*idx = (long)d->releases.len;
	return lr_vec_push(&d->releases, rl);
}

/* Add f's record, then the findings about an accepted feature: a repaired
** geometry, a reported area far from the computed one.  e: the id's entry
** when f gave it first, else NULL. */
static int accept_feature(layer_ctx *c, const lr_feature *f, id_entry *e,
                          pending *rec, lr_error *err)
{
	lr_dataset *d = c->d;
	const char *lname = lr_layer_names[c->layer];
	long idx;
	if (!push_record(c, f, rec, &idx)) {
		drop_record(rec);
		return nomem(err);
	}
	const char *own_id = rec->own_id; /* the record's now */
	double reported = rec->hz.reported_area_m2;
	d->counts[c->layer].accepted++;
	if (e) {
		e->idx = idx;
		e->exact = own_id;
	}
	if (f->geom_status == LR_GEOM_REPAIRED) {
		d->counts[c->layer].repaired++;
		if (lr_quality_add(
		            &d->quality, LR_SEV_WARNING, "repaired_geometry",
		            lname, f->fid, own_id, lr_cents_from_m2(f->area_m2),
		            "%s feature %" PRId64 ": geometry repaired: %s",
		            c->label, f->fid, f->geom_note) != LR_OK)
			return nomem(err);
	}
	if (c->layer == LR_LAYER_HAZARDS && !isnan(reported) &&
	    fabs(reported - f->area_m2) > AREA_MISMATCH * f->area_m2 &&
	    lr_quality_add(&d->quality, LR_SEV_WARNING, "area_mismatch", lname,
	                   f->fid, own_id, lr_cents_from_m2(f->area_m2),
	                   "%s feature %" PRId64
	                   ": reported_area_m2 %.2f differs from the "
	                   "computed area %.2f m2 by more than "
	                   "%.0f%%; the computed area is used",
	                   c->label, f->fid, reported, f->area_m2,
	                   AREA_MISMATCH * 100) != LR_OK)
		return nomem(err);
	return LR_OK;
}

/*
** Check feature f of c's layer and add it to the dataset as a record, or
** reject it, with its findings.  Its wkb becomes the record's (or is freed).
*/
static int take_feature(layer_ctx *c, lr_feature *fp, lr_error *err)
{
	lr_feature f = *fp;
	fp->wkb.data = NULL;
	pending rec = {.geom = f.wkb}; /* ours from here on */
	f.wkb.data = NULL;
	problems p = {0};
	char idbuf[512], desc[160];
	bool oom = false;
	c->d->counts[c->layer].read++;

	const char *id = field_text(c, &f, 0, idbuf, sizeof idbuf);
	if (f.geom_status == LR_GEOM_REJECTED || !rec.geom.data)
		problem(&p, "rejected_geometry", "geometry: %s",
		        f.geom_note[0] ? f.geom_note : "no geometry");
	if (!id)
		problem(&p, "rejected_attribute", "%s is empty",
		        field_desc(c, 0, desc, sizeof desc));
	read_attributes(c, &f, id, &rec, &p, &oom);
	id_entry *first = id ? claim_id(c, &f, id, &p, &oom) : NULL;
	if (f.text_repaired &&
	    lr_quality_add(&c->d->quality, LR_SEV_WARNING, "repaired_text",
	                   lr_layer_names[c->layer], f.fid, id ? id : "", -1,
	                   "%s feature %" PRId64
	                   ": text that is not UTF-8 is kept escaped "
	                   "(\\xHH for each byte that is not); if the "
	                   "source is in another encoding, declare it in "
	                   "the mapping under [%s]: `encoding = CP1252` "
	                   "(or the one it is in)",
	                   c->label, f.fid, lr_layer_names[c->layer]) != LR_OK)
		oom = true;
	rec.own_id = id && !p.code ? strdup(id) : NULL;
	if (id && !p.code && !rec.own_id)
		oom = true;
	if (oom || p.code)
		return reject_feature(c, &f, id, &p, oom, &rec, err);
	return accept_feature(c, &f, first, &rec, err);
}

/* The reading of one layer under way: its progress. */
typedef struct reading {
	layer_ctx *c;
	char label[32];
	int64_t total, n_read;
} reading;

static int next_feature(void *ud, lr_feature *f, lr_error *err)
{
	reading *r = ud;
	int rc = lr_source_next(r->c->src, f, err);
	if (rc == 1 && r->n_read++ % 4096 == 0)
		lr_progress_step(r->c->in->progress, r->label, r->n_read - 1,
		                 r->total, "", false);
	return rc;
}

static int take_next(void *ud, lr_feature *f, lr_error *err)
{
	return take_feature(((reading *)ud)->c, f, err);
}

/* Read one layer to its end, adding records and findings to d. */
static int read_layer(layer_ctx *c, lr_error *err)
{
	reading r = {.c = c};
	snprintf(r.label, sizeof r.label, "reading %s",
	         lr_layer_names[c->layer]);
	r.total = c->in->progress && c->in->progress->step
	                  ? lr_source_feature_count(c->src)
	                  : -1;
	lr__layer_reader lr = {next_feature, take_next, &r};
	int n_threads =
	        c->in->threads > 0 ? c->in->threads : omp_get_max_threads();
	int rc = lr__read_layer(&lr, n_threads, err);
	if (rc == LR_OK)
		lr_progress_step(c->in->progress, r.label, r.n_read, r.total,
		                 "", true);
	return rc;
}

/* ---- Opening layers --------------------------------------------------- */

static int open_layer(layer_ctx *c, lr_error *err)
{
	const lr_inputs *in = c->in;
	int i = c->layer;
	const char *dataset = in->source[i] ? in->source[i] : in->dataset;
	const char *layer = in->layer[i] ? in->layer[i] : c->m->layer[i].layer;
	const char *deflt = lr_layer_names[i];
	if (!dataset)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "no source for the %s layer: give a "
		                    "dataset holding it or a source of its own",
		                    deflt);
	/* One dataset for all three layers: each is found by its name, never
	** by being the only layer. */
	if (!layer && !in->source[i])
		layer = deflt;
	lr_source_options opt = in->source_options;
	opt.defer_area = true;  /* read_layer checks and measures */
	opt.defer_check = true; /* features side by side */
	if (!opt.assume_crs)
		opt.assume_crs = lr__mapping_crs(c->m, i);
	opt.encoding = lr__mapping_encoding(c->m, i);
	/* Administrative boundaries run straight for many kilometres (and
	** simplified ones more so): the long-edge check meant for survey
	** polygons applies to them only when asked for explicitly. */
	if (i == LR_LAYER_REGIONS && opt.max_vertex_gap_m == 0)
		opt.max_vertex_gap_m = -1;
	int rc = lr_source_open(dataset, layer, deflt, &opt, &c->src, err);
	if (rc != LR_OK)
		return rc;
	c->label = lr_source_label(c->src);
	free(c->d->source_label[i]);
	c->d->source_label[i] = strdup(c->label);
	if (!c->d->source_label[i])
		return nomem(err);
	return resolve_fields(c, err);
}

/* ---- After reading ------------------------------------------------------ */

static int cmp_region(const void *a, const void *b)
{
	return strcmp(((const lr_region *)a)->id, ((const lr_region *)b)->id);
}

/* The contamination a hazard gets when none is given: the mapping's
** constant when it has one, else mixed (stated by a finding). */
static int default_contamination(const lr_mapping *m)
{
	const char *c =
	        m->layer[LR_LAYER_HAZARDS].f[LR__F_CONTAMINATION].constant;
	int v = c ? lr__mapping_value(m, LR_LAYER_HAZARDS, LR__F_CONTAMINATION,
	                              c)
	          : -1;
	return v > 0 ? v : LR_CONT_MIXED;
}

/* Empty contamination values become mixed, with one finding each. */
static int fill_contamination(layer_ctx *hc, lr_error *err)
{
	lr_dataset *d = hc->d;
	const char *lname = lr_layer_names[LR_LAYER_HAZARDS];
	int64_t n = 0;
	for (size_t i = 0; i < d->hazards.len; i++) {
		lr_hazard *h = &LR_VEC_AT(&d->hazards, lr_hazard, i);
		if (h->contamination >= 0)
			continue;
		h->contamination = LR_CONT_MIXED;
		n++;
		if (hc->col[LR__F_CONTAMINATION] >= 0 &&
		    lr_quality_add(&d->quality, LR_SEV_WARNING,
		                   "default_contamination", lname, h->fid,
		                   h->id, -1,
		                   "%s feature %" PRId64
		                   ": contamination is empty; counted as mixed",
		                   hc->label, h->fid) != LR_OK)
			return nomem(err);
	}
	if (n && hc->col[LR__F_CONTAMINATION] < 0 &&
	    lr_quality_add(&d->quality, LR_SEV_WARNING, "default_contamination",
	                   lname, -1, "", -1,
	                   "%s: no contamination field and no "
	                   "constant.contamination in the mapping: all %" PRId64
	                   " hazards count as mixed; add `contamination = "
	                   "<field>` or `constant.contamination = AP` under "
	                   "[hazards] to state the scope",
	                   hc->label, n) != LR_OK)
		return nomem(err);
	return LR_OK;
}

/* Hazards naming a region: use the region's own spelling of its id. */
static int link_regions(layer_ctx *rc, layer_ctx *hc, lr_error *err)
{
	lr_dataset *d = rc->d;
	for (size_t i = 0; i < d->regions.len; i++) {
		lr_region *r = &LR_VEC_AT(&d->regions, lr_region, i);
		if (!r->parent_id)
			continue;
		/* A parent_id naming no region is a level above the layer's
		** (a province of districts): the ledger's levels judge it. */
		id_entry *e = id_find(&rc->ids, r->parent_id);
		if (e && e->exact && strcmp(r->parent_id, e->exact)) {
			char *s = strdup(e->exact);
			if (!s)
				return nomem(err);
			free(r->parent_id);
			r->parent_id = s;
		}
	}
	for (size_t i = 0; i < d->hazards.len; i++) {
		lr_hazard *h = &LR_VEC_AT(&d->hazards, lr_hazard, i);
		if (!h->region_id)
			continue;
		id_entry *e = id_find(&rc->ids, h->region_id);
		if (e && e->exact) {
			if (strcmp(h->region_id, e->exact)) {
				char *s = strdup(e->exact);
				if (!s)
					return nomem(err);
				free(h->region_id);
				h->region_id = s;
			}
			continue;
		}
		if (lr_quality_add(&d->quality, LR_SEV_WARNING,
		                   "unknown_region", "hazards", h->fid, h->id,
		                   -1,
		                   "%s feature %" PRId64
		                   ": region_id '%s' names no region; the "
		                   "hazard is placed by its land",
		                   hc->label, h->fid, h->region_id) != LR_OK)
			return nomem(err);
		free(h->region_id);
		h->region_id = NULL;
	}
	return LR_OK;
}

/* One hazard id release r names: it must exist and be recorded no later.
** *canon: the hazard's own spelling of the id, or id when it names none. */
static int link_one(layer_ctx *hc, layer_ctx *xc, const lr_release *r,
                    const char *id, const char **canon, lr_error *err)
{
	lr_dataset *d = hc->d;
	id_entry *e = id_find(&hc->ids, id);
	*canon = id;
	if (!e || e->idx < 0) {
		char why[64] = "";
		if (e)
			snprintf(why, sizeof why,
			         " accepted (feature %" PRId64 " was rejected)",
			         e->fid);
		if (lr_quality_add(&d->quality, LR_SEV_WARNING,
		                   "unknown_hazard", "releases", r->fid, r->id,
		                   lr_cents_from_m2(r->area_m2),
		                   "%s feature %" PRId64
		                   ": hazard_id '%s'%s names no hazard%s",
		                   xc->label, r->fid, id,
		                   r->hazard_id_list ? " (of its list)" : "",
		                   why) != LR_OK)
			return nomem(err);
		return LR_OK;
	}
	const lr_hazard *h = &LR_VEC_AT(&d->hazards, lr_hazard, (size_t)e->idx);
	*canon = h->id;
	char a[16], b[16];
	if (r->date < h->recorded &&
	    lr_quality_add(&d->quality, LR_SEV_WARNING, "release_before_hazard",
	                   "releases", r->fid, r->id,
	                   lr_cents_from_m2(r->area_m2),
	                   "%s feature %" PRId64
	                   ": released %s, before hazard %s was recorded (%s)",
	                   xc->label, r->fid, lr_date_format(r->date, a), h->id,
	                   lr_date_format(h->recorded, b)) != LR_OK)
		return nomem(err);
	return LR_OK;
}

/* Each id of r's list (comma-separated), linked; the list rewritten in
** the hazards' own spellings. */
static int link_list(layer_ctx *hc, layer_ctx *xc, lr_release *r, lr_error *err)
{
	size_t n = strlen(r->hazard_id);
	char *ids = strdup(r->hazard_id), *out = malloc(n + 1);
	if (!ids || !out) {
		free(ids);
		free(out);
		return nomem(err);
	}
	size_t k = 0;
	int rc = LR_OK;
	for (char *id = ids, *next; rc == LR_OK && id; id = next) {
		next = strchr(id, ',');
		if (next)
			*next++ = '\0';
		const char *canon;
		rc = link_one(hc, xc, r, id, &canon, err);
		/* The same id, perhaps in another case: the same length. */
		size_t m = strlen(canon);
		if (rc == LR_OK && k + m + 1 <= n + 1) {
			k += (size_t)snprintf(out + k, n + 1 - k, "%s%s",
			                      k ? "," : "", canon);
		}
	}
	free(ids);
	if (rc == LR_OK && k == n) {
		free(r->hazard_id);
		r->hazard_id = out;
	} else
		free(out);
	return rc;
}

/* Releases naming hazards: each must exist and be recorded no later. */
static int link_hazards(layer_ctx *hc, layer_ctx *xc, lr_error *err)
{
	lr_dataset *d = hc->d;
	for (size_t i = 0; i < d->releases.len; i++) {
		lr_release *r = &LR_VEC_AT(&d->releases, lr_release, i);
		if (!r->hazard_id)
			continue;
		if (r->hazard_id_list) {
			if (link_list(hc, xc, r, err) != LR_OK)
				return err->code;
			continue;
		}
		const char *canon;
		if (link_one(hc, xc, r, r->hazard_id, &canon, err) != LR_OK)
			return err->code;
		if (strcmp(r->hazard_id, canon)) {
			char *s = strdup(canon);
			if (!s)
				return nomem(err);
			free(r->hazard_id);
			r->hazard_id = s;
		}
	}
	return LR_OK;
}

/* With implies_hazard, each accepted release also stands for a hazard
** record of its land, dated on the release (DESIGN.md section 3). */
static int add_implied(const lr_mapping *m, lr_dataset *d, lr_error *err)
{
	const lr__map_layer *ml = &m->layer[LR_LAYER_RELEASES];
	if (!ml->implies_hazard || !d->releases.len)
		return LR_OK;
	int cont = ml->implies_contamination ? ml->implies_contamination
	                                     : default_contamination(m);
	size_t n = d->releases.len;
	for (size_t i = 0; i < n; i++) {
		const lr_release *r = &LR_VEC_AT(&d->releases, lr_release, i);
		lr_hazard h = {0};
		size_t len = strlen(r->id) + 3;
		h.id = malloc(len);
		h.geom = r->geom;
		h.geom.data = malloc(r->geom.size ? r->geom.size : 1);
		if (!h.id || !h.geom.data) {
			free(h.id);
			free(h.geom.data);
			return nomem(err);
		}
		snprintf(h.id, len, "R:%s", r->id);
		memcpy(h.geom.data, r->geom.data, r->geom.size);
		h.type = (lr_hazard_type)ml->implies_hazard;
		h.contamination = cont;
		h.recorded = r->date;
		h.reported_area_m2 = NAN;
		h.fid = -1;
		h.implied_by = (int)i;
		h.area_m2 = r->area_m2;
		if (!lr_vec_push(&d->hazards, &h)) {
			free(h.id);
			free(h.geom.data);
			return nomem(err);
		}
	}
	if (lr_quality_add(&d->quality, LR_SEV_INFO, "implied_hazards",
	                   "hazards", -1, "", -1,
	                   "%zu hazard records implied by releases "
	                   "(implies_hazard = %s in the mapping %s): type %s, "
	                   "contamination %s, recorded on the release date",
	                   n, lr_hazard_type_name(ml->implies_hazard), m->name,
	                   lr_hazard_type_name(ml->implies_hazard),
	                   lr_contamination_name(cont)) != LR_OK)
		return nomem(err);
	return LR_OK;
}

/* Hazards and releases lying wholly outside the extent of the regions: one
** finding each, naming the feature (the run-wide outside_regions finding
** cannot), and saying so when swapping its x and y would bring it inside
** (latitude and longitude swapped). */
static int flag_far(const lr_dataset *d, lr_quality *q, lr_error *err)
{
	lr_box ext = {INFINITY, INFINITY, -INFINITY, -INFINITY};
	for (size_t i = 0; i < d->regions.len; i++) {
		const lr_wkb *g = &LR_VEC_AT(&d->regions, lr_region, i).geom;
		ext.minx = fmin(ext.minx, g->minx);
		ext.miny = fmin(ext.miny, g->miny);
		ext.maxx = fmax(ext.maxx, g->maxx);
		ext.maxy = fmax(ext.maxy, g->maxy);
	}
	if (!d->regions.len || !(ext.minx <= ext.maxx))
		return LR_OK;
	for (int layer = LR_LAYER_HAZARDS; layer <= LR_LAYER_RELEASES;
	     layer++) {
		const lr_vec *v =
		        layer == LR_LAYER_HAZARDS ? &d->hazards : &d->releases;
		for (size_t i = 0; i < v->len; i++) {
			const lr_wkb *g;
			const char *id;
			int64_t fid;
			double area;
			if (layer == LR_LAYER_HAZARDS) {
				const lr_hazard *h =
				        &LR_VEC_AT(v, lr_hazard, i);
				g = &h->geom, id = h->id, fid = h->fid;
				area = h->area_m2;
			} else {
				const lr_release *r =
				        &LR_VEC_AT(v, lr_release, i);
				g = &r->geom, id = r->id, fid = r->fid;
				area = r->area_m2;
			}
			lr_box box = {g->minx, g->miny, g->maxx, g->maxy};
			lr_box swapped = {g->miny, g->minx, g->maxy, g->maxx};
			if (lr_box_intersects(&box, &ext))
				continue;
			if (lr_quality_add(
			            q, LR_SEV_WARNING, "outside_region_extent",
			            lr_layer_names[layer], fid, id,
			            lr_cents_from_m2(area),
			            "%s feature %" PRId64
			            ": %s lies wholly outside the regions "
			            "(%.6f %.6f to %.6f %.6f)%s",
			            d->source_label[layer], fid, id, ext.minx,
			            ext.miny, ext.maxx, ext.maxy,
			            lr_box_intersects(&swapped, &ext)
			                    ? "; with latitude and longitude "
			                      "swapped it would lie inside: "
			                      "check the coordinate order"
			                    : "; check its coordinates and "
			                      "the CRS of the source") != LR_OK)
				return nomem(err);
		}
	}
	return LR_OK;
}

int lr__read_regions(const lr_inputs *in, const lr_mapping *m, const char *path,
                     lr_dataset *d, lr_error *err)
{
	lr_inputs one = *in;
	one.dataset = NULL;
	one.source[LR_LAYER_REGIONS] = path;
	one.layer[LR_LAYER_REGIONS] = NULL;
	layer_ctx c = {.in = &one, .m = m, .d = d, .layer = LR_LAYER_REGIONS};
	int rc = open_layer(&c, err);
	if (rc == LR_OK)
		rc = read_layer(&c, err);
	lr_source_close(c.src);
	id_free(&c.ids);
	return rc;
}

int lr_ingest(const lr_inputs *in, lr_dataset *d, lr_error *err)
{
	lr_mapping *own = NULL;
	const lr_mapping *m = in->mapping;
	layer_ctx ctx[3];
	int rc = LR_OK;
	memset(ctx, 0, sizeof ctx);
	if (!m) {
		rc = lr_mapping_default(&own, err);
		if (rc != LR_OK)
			return rc;
		m = own;
	}
	for (int i = 0; i < 3; i++) {
		ctx[i].in = in;
		ctx[i].m = m;
		ctx[i].d = d;
		ctx[i].layer = i;
	}
	/* Open all three first: a dataset-level problem stops before any
	** long read. */
	for (int i = 0; i < 3 && rc == LR_OK; i++)
		rc = open_layer(&ctx[i], err);
	for (int i = 0; i < 3 && rc == LR_OK; i++) {
		rc = read_layer(&ctx[i], err);
		/* label points into the source: keep the copy in d. */
		ctx[i].label = d->source_label[i];
		lr_source_close(ctx[i].src);
		ctx[i].src = NULL;
	}
	if (rc == LR_OK && d->regions.len)
		qsort(d->regions.data, d->regions.len, sizeof(lr_region),
		      cmp_region);
	if (rc == LR_OK)
		rc = lr__parents_from_layers(in, m, d, err);
	if (rc == LR_OK)
		rc = fill_contamination(&ctx[LR_LAYER_HAZARDS], err);
	if (rc == LR_OK)
		rc = link_regions(&ctx[LR_LAYER_REGIONS],
		                  &ctx[LR_LAYER_HAZARDS], err);
	if (rc == LR_OK)
		rc = link_hazards(&ctx[LR_LAYER_HAZARDS],
		                  &ctx[LR_LAYER_RELEASES], err);
	if (rc == LR_OK)
		rc = flag_far(d, &d->quality, err);
	if (rc == LR_OK)
		rc = add_implied(m, d, err);
	for (int i = 0; i < 3; i++) {
		lr_source_close(ctx[i].src);
		id_free(&ctx[i].ids);
	}
	lr_mapping_free(own);
	return rc;
}
