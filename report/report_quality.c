/*
** The data-quality statement and its annex: what ingest read, accepted,
** repaired and rejected per layer and why, which fields hold one value on
** every record (and so say nothing), and the findings of the ledger (land
** released twice, land released outside recorded hazards, overlaps).  A
** reader weighs every figure of the report against it.
*/
#include "report_i18n.h"
#include "report_load_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Reasons kept per layer and code in the annex; the rest are summed. */
enum { MAX_REASONS = 5 };

void lr__quality_free(rquality *q)
{
	for (size_t i = 0; i < q->groups.len; i++)
		free(LR_VEC_AT(&q->groups, rqgroup, i).reason);
	for (size_t i = 0; i < q->statement.len; i++)
		free(LR_VEC_AT(&q->statement, char *, i));
	lr_vec_free(&q->groups);
	lr_vec_free(&q->uniform);
	lr_vec_free(&q->statement);
}

/* ---- reading ------------------------------------------------------------- */

static int ingest_layer(void *user, const lr_store_ingest *x, lr_error *err)
{
	rquality *q = user;
	(void)err;
	if (q->n_layers == 4)
		return LR_OK;
	int k = q->n_layers++;
	snprintf(q->layers[k].name, sizeof q->layers[k].name, "%s", x->layer);
	q->layers[k].read = x->read;
	q->layers[k].accepted = x->accepted;
	q->layers[k].repaired = x->repaired;
	q->layers[k].rejected = x->rejected;
	return LR_OK;
}

/* What a finding means, for codes whose messages differ only in the
** features they name (docs/errors.md). */
static const struct {
	const char *code, *meaning;
} meanings[] = {
        {"hazard_overlap",
         N_("two hazards share land; the shared land is counted once")},
        {"release_outside",
         N_("a release covers land no recorded hazard covered at its "
            "date; it changes no figure")},
        {"release_repeats_release",
         N_("land released again with no hazard recorded there since; it "
            "changes no figure")},
        {"items_out_of_scope",
         N_("items destroyed by a release of no land in scope; not "
            "counted")},
        {"outside_regions", N_("hazardous land in no region: the OUTSIDE row")},
        {"outside_region_extent",
         N_("a feature wholly outside the regions layer's extent")},
        {"area_mismatch",
         N_("reported area differs from the computed one by more than "
            "10 %; the computed area is used")},
        {"default_contamination",
         N_("no contamination given: counted as mixed")},
        {"duplicate_id", N_("the id of an earlier feature: rejected")},
        {"region_mismatch",
         N_("the region named holds none of the hazard's land; it counts "
            "in the region holding most of it")},
        {"region_parent",
         N_("a region placed in the region of the level above holding "
            "most of its land (parent_layers; data_quality.csv gives "
            "each with its share)")},
        {"region_parent_none",
         N_("a region no polygon of the level above meets: it has no "
            "parent")},
};

/* The meaning of code in English (the msgid), or "". */
static const char *meaning_of(const char *code)
{
	for (size_t k = 0; k < sizeof meanings / sizeof *meanings; k++)
		if (!strcmp(meanings[k].code, code))
			return meanings[k].meaning;
	return "";
}

/* Whether the annex lists a code's findings by reason (rejections,
** repairs and statements, whose messages say more than the code; not
** statements one per region, whose code has a meaning). */
static bool has_reasons(const char *code, const char *severity)
{
	return !strncmp(code, "rejected_", 9) ||
	       !strncmp(code, "repaired_", 9) ||
	       (!strcmp(severity, "info") && !meaning_of(code)[0]);
}

/* The reason of a message without what names one feature: the text after
** "rejected: " or from "geometry repaired: ", quoted values as '…' and
** numbers as N, into a new string (NULL when out of memory). */
static char *reason_of(const char *msg)
{
	const char *at = strstr(msg, " rejected: ");
	if (at)
		msg = at + 11;
	else if ((at = strstr(msg, "geometry repaired: ")))
		msg = at;
	size_t n = strlen(msg);
	char *o = malloc(3 * n + 1), *w = o;
	if (!o)
		return NULL;
	for (const char *p = msg; *p;) {
		/* "at 18.35 43.89": where, which the annex does not group by */
		if (!strncmp(p, " at ", 4) && isdigit((unsigned char)p[4])) {
			p += 4;
			while (*p && strchr("0123456789.- ", *p))
				p++;
			continue;
		}
		if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');
			if (end) {
				w += sprintf(w, "'…'");
				p = end + 1;
				continue;
			}
		}
		if (isdigit((unsigned char)*p)) {
			*w++ = 'N';
			while (isdigit((unsigned char)*p) ||
			       ((*p == '.' || *p == '-') &&
			        isdigit((unsigned char)p[1])))
				p++;
			continue;
		}
		*w++ = *p++;
	}
	*w = '\0';
	return o;
}

/* The rank of a layer in ingest order; run-wide findings come last. */
static int layer_rank(const rquality *q, const char *layer)
{
	for (int k = 0; k < q->n_layers; k++)
		if (!strcmp(q->layers[k].name, layer))
			return k;
	return 4;
}

/* The group of (layer, code, reason), appended when new; NULL when out of
** memory. */
static rqgroup *group_of(rquality *q, const lr_store_finding *f,
                         const char *reason)
{
	for (size_t i = 0; i < q->groups.len; i++) {
		rqgroup *g = &LR_VEC_AT(&q->groups, rqgroup, i);
		if (!strcmp(g->layer, f->layer) && !strcmp(g->code, f->code) &&
		    !strcmp(g->reason, reason))
			return g;
	}
	rqgroup g = {0};
	snprintf(g.layer, sizeof g.layer, "%s", f->layer);
	snprintf(g.severity, sizeof g.severity, "%s", f->severity);
	snprintf(g.code, sizeof g.code, "%s", f->code);
	g.rank = layer_rank(q, f->layer);
	if (!(g.reason = lr_strdup(reason)) || !lr_vec_push(&q->groups, &g)) {
		free(g.reason);
		return NULL;
	}
	return &LR_VEC_AT(&q->groups, rqgroup, q->groups.len - 1);
}

static int finding(void *user, const lr_store_finding *f, lr_error *err)
{
	rquality *q = user;
	char *reason;
	if (!has_reasons(f->code, f->severity))
		reason = lr_strdup(meaning_of(f->code));
	else if (!strcmp(f->severity, "info"))
		reason = lr_strdup(f->message);
	else
		reason = reason_of(f->message);
	rqgroup *g = reason ? group_of(q, f, reason) : NULL;
	free(reason);
	if (!g)
		return lr__nomem(err);
	g->n++;
	g->area += f->area;
	return LR_OK;
}

static int uniform_field(void *user, const lr_store_uniform *u, lr_error *err)
{
	rquality *q = user;
	runiform x = {0};
	snprintf(x.layer, sizeof x.layer, "%s", u->layer);
	snprintf(x.field, sizeof x.field, "%s", u->field);
	snprintf(x.value, sizeof x.value, "%s", u->value);
	x.n = u->n;
	return lr_vec_push(&q->uniform, &x) ? LR_OK : lr__nomem(err);
}

/* Groups by layer (in ingest order, run-wide last), code, then most
** findings first and by reason, so the annex reads the same every run. */
static int group_cmp(const void *a, const void *b)
{
	const rqgroup *x = a, *y = b;
	int c = x->rank - y->rank;
	if (c)
		return c;
	if ((c = strcmp(x->code, y->code)))
		return c;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->reason, y->reason);
}

/* ---- the statement ------------------------------------------------------- */

static int say(rquality *q, const rbuf *b, lr_error *err)
{
	char *s = b->failed ? NULL : lr_strdup(b->data ? b->data : "");
	if (!s || !lr_vec_push(&q->statement, &s)) {
		free(s);
		return lr__nomem(err);
	}
	return LR_OK;
}

/* Findings and area of one code over all layers. */
static int64_t code_total(const rquality *q, const char *code, int64_t *area)
{
	int64_t n = 0;
	*area = 0;
	for (size_t i = 0; i < q->groups.len; i++) {
		const rqgroup *g = &LR_VEC_AT(&q->groups, rqgroup, i);
		if (!strcmp(g->code, code)) {
			n += g->n;
			*area += g->area;
		}
	}
	return n;
}

/* A group's reason as the reader sees it: a code's meaning in the
** report's language, or the words of the messages themselves. */
static const char *reason_text(const lr_report *r, const rqgroup *g)
{
	return has_reasons(g->code, g->severity) ? g->reason
	                                         : lr__tr(r, g->reason);
}

/* The main reasons of a layer's rejections: "no geometry (3,097)". */
static void main_reasons(const lr_report *r, const rquality *q,
                         const char *layer, rbuf *b)
{
	int shown = 0;
	char num[64];
	for (size_t i = 0; i < q->groups.len && shown < 3; i++) {
		const rqgroup *g = &LR_VEC_AT(&q->groups, rqgroup, i);
		if (strcmp(g->layer, layer) || strcmp(g->severity, "error"))
			continue;
		/* TRANSLATORS: between the items of a list in a sentence. */
		lr__buf_printf(b, "%s%s (%s)", shown ? _("; ") : "",
		               reason_text(r, g),
		               lr__fmt_num(r, (double)g->n, 0, true, num));
		shown++;
	}
}

/* "Hazards: 11,068 features read, 7,971 accepted (467 of them repaired)
** and 3,097 rejected (28.0 %), chiefly: no geometry (3,097)." */
static int layer_sentence(const lr_report *r, rquality *q, int k, lr_error *err)
{
	const rlayer_count *l = &q->layers[k];
	char a[64], b[64], c[64], d[64], pct[64];
	rbuf s = {0};
	lr__buf_printf(&s, _("Layer %s: %s features read, %s accepted"),
	               l->name, lr__fmt_num(r, (double)l->read, 0, true, a),
	               lr__fmt_num(r, (double)l->accepted, 0, true, b));
	if (l->repaired)
		lr__buf_printf(&s, _(" (%s of them with a repaired geometry)"),
		               lr__fmt_num(r, (double)l->repaired, 0, true, c));
	if (l->rejected) {
		lr__buf_printf(
		        &s, _(" and %s rejected (%s %%), chiefly: "),
		        lr__fmt_num(r, (double)l->rejected, 0, true, d),
		        lr__fmt_num(r,
		                    l->read ? 100.0 * (double)l->rejected /
		                                      (double)l->read
		                            : 0,
		                    1, true, pct));
		main_reasons(r, q, l->name, &s);
	} else {
		lr__buf_puts(&s, _(", none rejected"));
	}
	lr__buf_puts(&s, ".");
	int rc = say(q, &s, err);
	lr__buf_free(&s);
	return rc;
}

/* The fields with one value on every record, and what that means for the
** tables. */
static int uniform_sentence(const lr_report *r, rquality *q, lr_error *err)
{
	if (!q->uniform.len)
		return LR_OK;
	rbuf s = {0};
	const char *date = NULL;
	lr__buf_puts(&s, _("One value on every record, so no information: "));
	for (size_t i = 0; i < q->uniform.len; i++) {
		const runiform *u = &LR_VEC_AT(&q->uniform, runiform, i);
		lr__buf_printf(&s, "%s%s %s = %s", i ? _("; ") : "", u->layer,
		               u->field, u->value);
		if (!date && strstr(u->field, "date"))
			date = u->value;
	}
	lr__buf_puts(&s, _(" (constants of the mapping file or of the export). "
	                   "Figures split by these fields are not measured "
	                   "by these data"));
	if (date)
		lr__buf_printf(&s,
		               _(": the years of the tables rest on one date "
		                 "given to every record (%s), not on when land "
		                 "was found or released"),
		               date);
	lr__buf_puts(&s, ".");
	int rc = say(q, &s, err);
	lr__buf_free(&s);
	(void)r;
	return rc;
}

/* Land released twice, outside hazards, overlaps and land outside every
** region: how many findings and how much land, or "none". */
static int ledger_sentence(const lr_report *r, rquality *q, lr_error *err)
{
	static const struct {
		const char *code, *what;
	} items[] = {
	        {"release_repeats_release", N_("land released twice")},
	        {"release_outside",
	         N_("land released outside recorded hazards")},
	        {"hazard_overlap",
	         N_("hazards overlapping (the shared land counted once)")},
	        {"outside_regions", N_("hazardous land outside every region")},
	};
	rbuf s = {0};
	for (size_t k = 0; k < sizeof items / sizeof *items; k++) {
		int64_t area, n = code_total(q, items[k].code, &area);
		char num[64], a[64];
		lr__buf_printf(&s, "%s%s%s%s", k ? _("; ") : "",
		               k ? "" : _("Findings of the ledger: "),
		               _(items[k].what), _(": "));
		if (!n)
			lr__buf_puts(&s, _("none"));
		else
			lr__buf_printf(&s,
			               n == 1 ? _("%s finding, %s")
			                      : _("%s findings, %s"),
			               lr__fmt_num(r, (double)n, 0, true, num),
			               lr__fmt_area(r, (double)area / 100, a));
	}
	lr__buf_puts(&s, _(". Every figure of this report rests on the "
	                   "accepted records only; the annex lists every "
	                   "kind of finding."));
	int rc = say(q, &s, err);
	lr__buf_free(&s);
	return rc;
}

/* ---- the annex tables ---------------------------------------------------- */

static int layers_table(const lr_report *r, rtable *t, lr_error *err)
{
	static const rcol_def cols[] = {
	        {"layer", N_("Layer"), "", RC_TEXT},
	        {"read", N_("Read"), N_("features"), RC_COUNT},
	        {"accepted", N_("Accepted"), N_("features"), RC_COUNT},
	        {"repaired", N_("of which repaired"), N_("features"), RC_COUNT},
	        {"rejected", N_("Rejected"), N_("features"), RC_COUNT},
	        {"rejected_pct", N_("Rejected"), "%", RC_PCT},
	};
	const rquality *q = &r->quality;
	int rc = lr__rtable_init(t, "data_quality_layers",
	                         _("Annex A1. Data quality: features read, "
	                           "accepted and rejected"),
	                         6, err);
	if (rc == LR_OK)
		rc = lr__rtable_cols(r, t, cols, 6, err);
	for (int k = 0; rc == LR_OK && k < q->n_layers; k++) {
		size_t row;
		if ((rc = lr__rtable_add_row(t, &row, err)) != LR_OK ||
		    (rc = lr__rtable_text(t, row, 0, q->layers[k].name, err)) !=
		            LR_OK)
			break;
		const int64_t v[4] = {q->layers[k].read, q->layers[k].accepted,
		                      q->layers[k].repaired,
		                      q->layers[k].rejected};
		for (int c = 1; c <= 4; c++)
			lr__rtable_num(t, row, c, (double)v[c - 1]);
		if (v[0])
			lr__rtable_num(t, row, 5,
			               100.0 * (double)v[3] / (double)v[0]);
	}
	if (rc != LR_OK)
		return rc;
	return lr__rtable_meta(
	        t,
	        _("Features of each input layer; read = accepted + rejected; "
	          "repaired features are accepted ones whose geometry was "
	          "repaired."),
	        _("landrelease.sqlite, table ingest_counts (= the counts "
	          "analyze prints)"),
	        "", err);
}

/* One row of the findings annex. */
static int finding_row(rtable *t, const rqgroup *g, int64_t n, int64_t area,
                       const char *reason, lr_error *err)
{
	size_t row;
	int rc = lr__rtable_add_row(t, &row, err);
	const char *text[4] = {g->layer, g->severity, g->code, reason};
	for (int c = 0; rc == LR_OK && c < 4; c++)
		rc = lr__rtable_text(t, row, c, text[c], err);
	lr__rtable_num(t, row, 4, (double)n);
	if (area)
		lr__rtable_num(t, row, 5, (double)area / 100);
	return rc;
}

static int findings_table(const lr_report *r, rtable *t, lr_error *err)
{
	static const rcol_def cols[] = {
	        {"layer", N_("Layer"), "", RC_TEXT},
	        {"severity", N_("Severity"), "", RC_TEXT},
	        {"code", N_("Finding"), "", RC_TEXT},
	        {"reason", N_("Reason"), "", RC_TEXT},
	        {"findings", N_("Findings"), "", RC_COUNT},
	        {"area_m2", N_("Area"), "m²", RC_M2},
	};
	const rquality *q = &r->quality;
	int rc = lr__rtable_init(t, "data_quality_findings",
	                         _("Annex A2. Data quality: findings by "
	                           "layer, kind and reason"),
	                         6, err);
	if (rc == LR_OK)
		rc = lr__rtable_cols(r, t, cols, 6, err);
	/* The first reasons of each layer and code, the rest in one row. */
	int shown = 0;
	int64_t other_n = 0, other_area = 0;
	for (size_t i = 0; rc == LR_OK && i < q->groups.len; i++) {
		const rqgroup *g = &LR_VEC_AT(&q->groups, rqgroup, i);
		if (shown++ < MAX_REASONS) {
			rc = finding_row(t, g, g->n, g->area, reason_text(r, g),
			                 err);
		} else {
			other_n += g->n;
			other_area += g->area;
		}
		bool last = i + 1 == q->groups.len ||
		            strcmp(g[1].layer, g->layer) ||
		            strcmp(g[1].code, g->code);
		if (last && other_n && rc == LR_OK)
			rc = finding_row(t, g, other_n, other_area,
			                 _("(other reasons)"), err);
		if (last)
			shown = 0, other_n = other_area = 0;
	}
	if (rc != LR_OK)
		return rc;
	char units[1024];
	snprintf(units, sizeof units,
	         _("Findings are counted one per feature or pair of "
	           "features; areas %s (the feature's, the overlap's or the "
	           "land's outside, as the finding says). Error: the feature "
	           "was rejected; warning: kept, look at it; info: a "
	           "statement about the run."),
	         lr__areas_in(r));
	return lr__rtable_meta(
	        t, units,
	        _("landrelease.sqlite, table data_quality (= data_quality.csv, "
	          "one row per finding; docs/errors.md says what each means)"),
	        "", err);
}

/* The tables whose years rest on a date that is the same on every record
** say so under them: a reader must not take a snapshot for a year's work. */
static int qualify_tables(lr_report *r, lr_error *err)
{
	int rc = LR_OK;
	for (size_t i = 0; rc == LR_OK && i < r->quality.uniform.len; i++) {
		const runiform *u =
		        &LR_VEC_AT(&r->quality.uniform, runiform, i);
		char s[512];
		if (!strcmp(u->field, "recorded_date")) {
			snprintf(
			        s, sizeof s,
			        _("Every hazard read was recorded on %s (one "
			          "value for all, from the mapping file or the "
			          "export): the land shown as new in %.4s is "
			          "the "
			          "stock of the snapshot, not contamination "
			          "found that year."),
			        u->value, u->value);
			rc = lr__rtable_add_note(&r->tables[T_NEW], s, err);
		} else if (!strcmp(u->field, "release_date")) {
			snprintf(s, sizeof s,
			         _("Every release read is dated %s (one value "
			           "for all, from the mapping file or the "
			           "export): the land released in %.4s is all "
			           "the land released before the snapshot, not "
			           "that year's work."),
			         u->value, u->value);
			rc = lr__rtable_add_note(&r->tables[T_RELEASED], s,
			                         err);
		}
	}
	return rc;
}

int lr__load_quality(lr_report *r, lr_store_reader *rd, lr_error *err)
{
	rquality *q = &r->quality;
	int rc;
	if ((rc = lr_store_read_ingest(rd, ingest_layer, q, err)) != LR_OK ||
	    (rc = lr_store_read_findings(rd, finding, q, err)) != LR_OK ||
	    (rc = lr_store_read_uniform_fields(rd, uniform_field, q, err)) !=
	            LR_OK)
		return rc;
	if (q->groups.len > 1) /* data is NULL when there is no finding */
		qsort(q->groups.data, q->groups.len, sizeof(rqgroup),
		      group_cmp);
	for (int k = 0; rc == LR_OK && k < q->n_layers; k++)
		rc = layer_sentence(r, q, k, err);
	if (rc == LR_OK)
		rc = uniform_sentence(r, q, err);
	if (rc == LR_OK)
		rc = ledger_sentence(r, q, err);
	if (rc == LR_OK)
		rc = qualify_tables(r, err);
	if (rc == LR_OK)
		rc = layers_table(r, &r->tables[T_QUALITY_LAYERS], err);
	if (rc == LR_OK)
		rc = findings_table(r, &r->tables[T_QUALITY_FINDINGS], err);
	r->present[T_QUALITY_LAYERS] = r->present[T_QUALITY_FINDINGS] =
	        rc == LR_OK;
	return rc;
}
