/*
** Mapping files: which source field and which value spelling means which of
** our fields and values, per layer, parsed from INI text with inih.
**
** Format (one section per layer, [regions] [hazards] [releases], plus an
** optional [defaults]; keys and section names are case-insensitive):
**
**   [hazards]
**   layer = Hazards                ; layer name in the source
**   hazard_id = imsma_id           ; our field = source field name
**   type = hazard_type
**   type.SHA = Suspected, Suspected Hazardous Area  ; value spellings
**   recorded_date = date_of_record
**   date_format = %d/%m/%Y, %Y-%m-%d  ; tried in order
**   constant.contamination = AP    ; the same value for every feature
**   id_from_fid = yes              ; the feature id is the hazard_id
**   crs = EPSG:32648               ; CRS to assume if the source has none
**   encoding = CP1252              ; the source's text is not UTF-8
**   [releases]
**   method.cleared = Clearance, CLR
**   implies_hazard = SHA           ; each release also stands for a
**                                  ; hazard record of its land
**   implies_contamination = AP     ; ... of this contamination
**   hazard_id_list = yes           ; hazard_id lists ids: "H-1, H-2"
**   [regions]
**   parent_layers = adm2.geojson, adm1.geojson  ; the levels above the
**                                  ; regions, lowest first: each region's
**                                  ; parent is the polygon holding most of
**                                  ; its land (files beside the regions')
**   [defaults]
**   date_format = %d.%m.%Y         ; for layers that give none
**   crs = EPSG:32648
**
** A field the mapping does not mention is read from the source field of
** our own name, if there is one.  Spellings are compared without case and
** white space; our own names (SHA, cleared, AP, mixed ...) are always
** accepted.  A long list continues on the next line if that line is
** indented.  Every mistake is an error naming the file and the line.
*/
#include "mapping_int.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- Canonical fields ------------------------------------------------- */

typedef struct field_def {
	const char *name;
	lr__kind kind;
	bool required;
} field_def;

static const field_def field_defs[3][LR__MAX_FIELDS] = {
        {{"region_id", LR__KIND_TEXT, true},
         {"name", LR__KIND_TEXT, false},
         {"parent_id", LR__KIND_TEXT, false}},
        {{"hazard_id", LR__KIND_TEXT, true},
         {"type", LR__KIND_ENUM, true},
         {"contamination", LR__KIND_ENUM, false},
         {"recorded_date", LR__KIND_DATE, true},
         {"reported_area_m2", LR__KIND_REAL, false},
         {"region_id", LR__KIND_TEXT, false}},
        {{"release_id", LR__KIND_TEXT, true},
         {"hazard_id", LR__KIND_TEXT, false},
         {"method", LR__KIND_ENUM, true},
         {"release_date", LR__KIND_DATE, true},
         {"ap_mines", LR__KIND_COUNT, false},
         {"av_mines", LR__KIND_COUNT, false},
         {"erw", LR__KIND_COUNT, false},
         {"ap_improvised_mines", LR__KIND_COUNT, false}},
};
static const int field_counts[3] = {3, 6, 8};

/* The values of each enumerated field, with their canonical names. */
typedef struct enum_value {
	int layer, field, value;
	const char *name;
} enum_value;

static const enum_value enum_values[] = {
        {LR_LAYER_HAZARDS, LR__F_TYPE, LR_SHA, "SHA"},
        {LR_LAYER_HAZARDS, LR__F_TYPE, LR_CHA, "CHA"},
        {LR_LAYER_HAZARDS, LR__F_CONTAMINATION, LR_CONT_AP, "AP"},
        {LR_LAYER_HAZARDS, LR__F_CONTAMINATION, LR_CONT_AV, "AV"},
        {LR_LAYER_HAZARDS, LR__F_CONTAMINATION, LR_CONT_ERW, "ERW"},
        {LR_LAYER_HAZARDS, LR__F_CONTAMINATION, LR_CONT_MIXED, "mixed"},
        {LR_LAYER_RELEASES, LR__F_METHOD, LR_CLEARED, "cleared"},
        {LR_LAYER_RELEASES, LR__F_METHOD, LR_REDUCED, "reduced"},
        {LR_LAYER_RELEASES, LR__F_METHOD, LR_CANCELLED, "cancelled"},
};
#define N_ENUM_VALUES (sizeof enum_values / sizeof enum_values[0])

int lr__field_count(int layer)
{
	return layer >= 0 && layer < 3 ? field_counts[layer] : 0;
}

const char *lr__field_name(int layer, int field)
{
	if (field < 0 || field >= lr__field_count(layer))
		return "?";
	return field_defs[layer][field].name;
}

lr__kind lr__field_kind(int layer, int field)
{
	if (field < 0 || field >= lr__field_count(layer))
		return LR__KIND_TEXT;
	return field_defs[layer][field].kind;
}

bool lr__field_required(int layer, int field)
{
	if (field < 0 || field >= lr__field_count(layer))
		return false;
	return field_defs[layer][field].required;
}

static int field_index(int layer, const char *name)
{
	for (int i = 0; i < lr__field_count(layer); i++)
		if (!strcasecmp(field_defs[layer][i].name, name))
			return i;
	return -1;
}

static const enum_value *enum_lookup(int layer, int field, const char *name)
{
	for (size_t i = 0; i < N_ENUM_VALUES; i++)
		if (enum_values[i].layer == layer &&
		    enum_values[i].field == field &&
		    !strcasecmp(enum_values[i].name, name))
			return &enum_values[i];
	return NULL;
}

static const char *enum_name(int layer, int field, int value)
{
	for (size_t i = 0; i < N_ENUM_VALUES; i++)
		if (enum_values[i].layer == layer &&
		    enum_values[i].field == field &&
		    enum_values[i].value == value)
			return enum_values[i].name;
	return "?";
}

/* ---- Small helpers ---------------------------------------------------- */

/* Lower case without white space into out (n bytes); false if too long. */
static bool normalize(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isspace(c))
			continue;
		if (k + 1 >= n)
			return false;
		out[k++] = (char)tolower(c);
	}
	out[k] = '\0';
	return true;
}

/* A copy of s[0..n) without leading and trailing white space; caller
** frees. */
static char *trimmed_copy(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

static int parse_bool(const char *v)
{
	static const char *const yes[] = {"yes", "true", "1", "on"};
	static const char *const no[] = {"no", "false", "0", "off"};
	for (int i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]))
			return 1;
		if (!strcasecmp(v, no[i]))
			return 0;
	}
	return -1;
}

/* ---- Dates ------------------------------------------------------------ */

/* Read exactly `min`..`max` digits into *v; advance *p. */
static bool read_digits(const char **p, int min, int max, int *v)
{
	int n = 0, x = 0;
	while (n < max && isdigit((unsigned char)(*p)[n])) {
		x = x * 10 + ((*p)[n] - '0');
		n++;
	}
	if (n < min)
		return false;
	*p += n;
	*v = x;
	return true;
}

/* Whether what follows a date is nothing or a time of day. */
static bool time_suffix_ok(const char *p)
{
	if (!*p)
		return true;
	if (*p != ' ' && *p != 'T')
		return false;
	p++;
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) ||
	    p[2] != ':')
		return false;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p) && !strchr(":.+-Z ", *p))
			return false;
	return true;
}

lr_date lr__date_parse_format(const char *fmt, const char *s)
{
	int y = -1, m = -1, d = -1, v;
	const char *p = s;
	if (!fmt || !s)
		return LR_DATE_NONE;
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			if (*p != *f)
				return LR_DATE_NONE;
			p++;
			continue;
		}
		switch (*++f) {
		case 'Y':
			if (!read_digits(&p, 4, 4, &y))
				return LR_DATE_NONE;
			break;
		case 'y':
			if (!read_digits(&p, 2, 2, &v))
				return LR_DATE_NONE;
			y = v < 70 ? 2000 + v : 1900 + v;
			break;
		case 'm':
			if (!read_digits(&p, 1, 2, &m))
				return LR_DATE_NONE;
			break;
		case 'd':
			if (!read_digits(&p, 1, 2, &d))
				return LR_DATE_NONE;
			break;
		case '%':
			if (*p++ != '%')
				return LR_DATE_NONE;
			break;
		default:
			return LR_DATE_NONE;
		}
	}
	if (y < 0 || m < 0 || d < 0 || !time_suffix_ok(p))
		return LR_DATE_NONE;
	return lr_date_from_ymd(y, m, d);
}

/* Whether fmt is a usable date format: %Y or %y, %m and %d once each. */
static bool format_ok(const char *fmt)
{
	int ny = 0, nm = 0, nd = 0;
	for (const char *f = fmt; *f; f++) {
		if (*f != '%')
			continue;
		switch (*++f) {
		case 'Y':
		case 'y':
			ny++;
			break;
		case 'm':
			nm++;
			break;
		case 'd':
			nd++;
			break;
		case '%':
			break;
		default:
			return false;
		}
	}
	return ny == 1 && nm == 1 && nd == 1;
}

static const char *const builtin_formats[] = {"%Y-%m-%d", "%Y/%m/%d"};

lr_date lr__mapping_date(const lr_mapping *m, int layer, const char *text)
{
	char buf[128];
	if (!text)
		return LR_DATE_NONE;
	size_t n = strlen(text);
	while (n && isspace((unsigned char)*text)) {
		text++;
		n--;
	}
	while (n && isspace((unsigned char)text[n - 1]))
		n--;
	if (n == 0 || n >= sizeof buf)
		return LR_DATE_NONE;
	memcpy(buf, text, n);
	buf[n] = '\0';
	if (m && layer >= 0 && layer < 3) {
		const lr__map_layer *l = &m->layer[layer];
		char *const *fmts = l->n_formats ? l->formats : m->formats;
		int nf = l->n_formats ? l->n_formats : m->n_formats;
		for (int i = 0; i < nf; i++) {
			lr_date d = lr__date_parse_format(fmts[i], buf);
			if (d != LR_DATE_NONE)
				return d;
		}
	}
	for (size_t i = 0; i < 2; i++) {
		lr_date d = lr__date_parse_format(builtin_formats[i], buf);
		if (d != LR_DATE_NONE)
			return d;
	}
	return LR_DATE_NONE;
}

/* ---- Value spellings ---------------------------------------------------- */

int lr__mapping_value(const lr_mapping *m, int layer, int field,
                      const char *text)
{
	char norm[256];
	if (!text || !normalize(text, norm, sizeof norm) || !norm[0])
		return -1;
	if (m && layer >= 0 && layer < 3) {
		const lr_vec *v = &m->layer[layer].spellings;
		for (size_t i = 0; i < v->len; i++) {
			const lr__spelling *s = &LR_VEC_AT(v, lr__spelling, i);
			if (s->field == field && !strcmp(s->norm, norm))
				return s->value;
		}
	}
	/* Our own names, also when the mapping is built by hand. */
	for (size_t i = 0; i < N_ENUM_VALUES; i++) {
		char own[32];
		if (enum_values[i].layer == layer &&
		    enum_values[i].field == field &&
		    normalize(enum_values[i].name, own, sizeof own) &&
		    !strcmp(own, norm))
			return enum_values[i].value;
	}
	return -1;
}

char *lr__mapping_expected(const lr_mapping *m, int layer, int field, char *buf,
                           size_t n)
{
	size_t k = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < N_ENUM_VALUES; i++)
		if (enum_values[i].layer == layer &&
		    enum_values[i].field == field)
			k += (size_t)snprintf(buf + k, k < n ? n - k : 0,
			                      "%s%s", k ? ", " : "",
			                      enum_values[i].name);
	if (m && layer >= 0 && layer < 3) {
		const lr_vec *v = &m->layer[layer].spellings;
		for (size_t i = 0; i < v->len && k < n; i++) {
			const lr__spelling *s = &LR_VEC_AT(v, lr__spelling, i);
			if (s->field == field && s->line > 0)
				k += (size_t)snprintf(buf + k, n - k, ", %s",
				                      s->text ? s->text
				                              : s->norm);
		}
	}
	if (k >= n && n > 4)
		strcpy(buf + n - 4, "...");
	return buf;
}

/* A layer's own setting, else that of [defaults]. */
static const char *own_or_default(const char *own, const char *deflt)
{
	return own ? own : deflt;
}

const char *lr__mapping_crs(const lr_mapping *m, int layer)
{
	if (!m)
		return NULL;
	bool ok = layer >= 0 && layer < 3;
	return own_or_default(ok ? m->layer[layer].crs : NULL, m->crs);
}

const char *lr__mapping_encoding(const lr_mapping *m, int layer)
{
	if (!m)
		return NULL;
	bool ok = layer >= 0 && layer < 3;
	return own_or_default(ok ? m->layer[layer].encoding : NULL,
	                      m->encoding);
}

/* ---- Building and freeing --------------------------------------------- */

static lr_mapping *mapping_new(const char *name)
{
	lr_mapping *m = lr_xcalloc(1, sizeof *m);
	if (!m)
		return NULL;
	for (int l = 0; l < 3; l++)
		lr_vec_init(&m->layer[l].spellings, sizeof(lr__spelling));
	m->name = strdup(name ? name : "mapping");
	if (!m->name) {
		lr_mapping_free(m);
		return NULL;
	}
	return m;
}

void lr_mapping_free(lr_mapping *m)
{
	if (!m)
		return;
	for (int l = 0; l < 3; l++) {
		lr__map_layer *ml = &m->layer[l];
		free(ml->layer);
		free(ml->crs);
		free(ml->encoding);
		for (int i = 0; i < LR__MAX_FIELDS; i++) {
			free(ml->f[i].source);
			free(ml->f[i].constant);
		}
		for (size_t i = 0; i < ml->spellings.len; i++) {
			free(LR_VEC_AT(&ml->spellings, lr__spelling, i).norm);
			free(LR_VEC_AT(&ml->spellings, lr__spelling, i).text);
		}
		lr_vec_free(&ml->spellings);
		for (int i = 0; i < ml->n_formats; i++)
			free(ml->formats[i]);
		for (int i = 0; i < ml->n_parents; i++)
			free(ml->parents[i]);
	}
	for (int i = 0; i < m->n_formats; i++)
		free(m->formats[i]);
	free(m->crs);
	free(m->encoding);
	free(m->name);
	free(m);
}

int lr_mapping_default(lr_mapping **out, lr_error *err)
{
	*out = mapping_new("identity mapping");
	if (!*out)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	return LR_OK;
}

/* ---- Parsing ------------------------------------------------------------ */

enum { SEC_NONE = -1, SEC_DEFAULTS = 3 };

/* Where inih's reader and handler keep their state: one per parse. */
typedef struct parser {
	lr_mapping *m;
	const char *text;
	size_t len, pos;
	int line, next_line; /* line of the text last handed to inih */
	int err_line;        /* first error, 0 if none */
	lr_status err_code;
	char err[900];
	/* First line of scalar keys, to refuse a key given twice. */
	int layer_line[4], crs_line[4], fid_line[4], fmt_line[4], enc_line[4];
	int implies_line, implies_cont_line, list_line, parents_line;
} parser;

static int fail(parser *p, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Record the first error (by line); return 1 so inih goes on quietly. */
static int fail(parser *p, const char *fmt, ...)
{
	if (!p->err_line || p->line < p->err_line) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->err, sizeof p->err, fmt, ap);
		va_end(ap);
		p->err_line = p->line;
		p->err_code = LR_ERR_USAGE;
	}
	return 1;
}

static int nomem(parser *p)
{
	if (!p->err_line || p->line < p->err_line) {
		snprintf(p->err, sizeof p->err, "out of memory");
		p->err_line = p->line;
		p->err_code = LR_ERR_NOMEM;
	}
	return 0;
}

static int section_index(const char *s)
{
	static const char *const names[4] = {"regions", "hazards", "releases",
	                                     "defaults"};
	/* Trimmed in place: a copy that fails would read as no section. */
	size_t n = strlen(s);
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	for (int i = 0; i < 4; i++)
		if (!strncasecmp(s, names[i], n) && names[i][n] == '\0')
			return i;
	return SEC_NONE;
}

/* Hand inih the next line, refusing lines it would cut. */
static char *reader(char *str, int num, void *stream)
{
	parser *p = stream;
	size_t i = 0;
	if (p->pos >= p->len)
		return NULL;
	p->line = p->next_line;
	while (p->pos < p->len && i + 1 < (size_t)num) {
		char c = p->text[p->pos++];
		str[i++] = c;
		if (c == '\n')
			break;
	}
	str[i] = '\0';
	if (i && str[i - 1] == '\n') {
		p->next_line++;
	} else if (p->pos < p->len) {
		fail(p,
		     "line longer than %d characters; continue a long list "
		     "on the next line, indented",
		     num - 2);
		while (p->pos < p->len && p->text[p->pos] != '\n')
			p->pos++;
		if (p->pos < p->len) {
			p->pos++;
			p->next_line++;
		}
	}
	/* Check section names here: inih says nothing of empty ones. */
	const char *s = str;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '[') {
		const char *e = strchr(s, ']');
		if (e) {
			char *name = strndup(s + 1, (size_t)(e - s - 1));
			if (!name) {
				nomem(p);
				return NULL;
			}
			if (section_index(name) == SEC_NONE)
				fail(p,
				     "unknown section [%s]; use [regions], "
				     "[hazards], [releases] or [defaults]",
				     name);
			free(name);
		}
	}
	return str;
}

static int once(parser *p, int *first, const char *key)
{
	if (*first) {
		fail(p,
		     "`%s` is given twice (first on line %d); an indented "
		     "line continues the key above it",
		     key, *first);
		return 0;
	}
	*first = p->line;
	return 1;
}

/* Add the comma-separated spellings in v for value `value` of field. */
static int add_spellings(parser *p, int layer, int field, int value,
                         const char *key, const char *v)
{
	lr__map_layer *ml = &p->m->layer[layer];
	int added = 0;
	const char *s = v;
	for (;;) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *item = trimmed_copy(s, n);
		char norm[256];
		if (!item)
			return nomem(p);
		if (!normalize(item, norm, sizeof norm)) {
			fail(p, "spelling '%s' under `%s` is too long", item,
			     key);
			free(item);
			return 1;
		}
		if (strchr(item, '=')) {
			/* "type.CHA = x" on an indented line continues the
			** key above it: refuse it rather than take it as a
			** spelling. */
			fail(p,
			     "spelling '%s' under `%s` holds '='; an indented "
			     "line continues the key above it: remove the "
			     "indentation",
			     item, key);
			free(item);
			return 1;
		}
		bool dup = false;
		for (size_t i = 0; norm[0] && i < ml->spellings.len; i++) {
			lr__spelling *o =
			        &LR_VEC_AT(&ml->spellings, lr__spelling, i);
			if (o->field != field || strcmp(o->norm, norm))
				continue;
			if (o->value == value) {
				dup = true;
				break;
			}
			if (o->line == 0)
				fail(p,
				     "spelling '%s' under `%s` is our name for "
				     "%s %s",
				     item, key, lr__field_name(layer, field),
				     enum_name(layer, field, o->value));
			else
				fail(p,
				     "spelling '%s' is listed under both %s.%s "
				     "(line %d) and `%s`",
				     item, lr__field_name(layer, field),
				     enum_name(layer, field, o->value), o->line,
				     key);
			free(item);
			return 1;
		}
		if (norm[0] && !dup) {
			lr__spelling sp = {strdup(norm), item, field, value,
			                   p->line};
			if (!sp.norm || !lr_vec_push(&ml->spellings, &sp)) {
				free(sp.norm);
				free(item);
				return nomem(p);
			}
			item = NULL; /* owned by the spelling now */
		}
		if (norm[0])
			added++;
		free(item);
		if (!e)
			break;
		s = e + 1;
	}
	if (!added)
		return fail(p, "`%s` lists no spelling", key);
	return 1;
}

/* Append the comma-separated date formats in v. */
static int add_formats(parser *p, int sec, const char *v)
{
	char **fmts =
	        sec == SEC_DEFAULTS ? p->m->formats : p->m->layer[sec].formats;
	int *n = sec == SEC_DEFAULTS ? &p->m->n_formats
	                             : &p->m->layer[sec].n_formats;
	const char *s = v;
	for (;;) {
		const char *e = strchr(s, ',');
		char *f = trimmed_copy(s, e ? (size_t)(e - s) : strlen(s));
		if (!f)
			return nomem(p);
		if (!format_ok(f)) {
			fail(p,
			     "bad date format '%s': use %%Y (or %%y), %%m "
			     "and %%d once each with literal characters "
			     "between, e.g. %%d/%%m/%%Y",
			     f);
			free(f);
			return 1;
		}
		if (*n >= LR__MAX_FORMATS) {
			free(f);
			return fail(p, "more than %d date formats",
			            LR__MAX_FORMATS);
		}
		fmts[(*n)++] = f;
		if (!e)
			break;
		s = e + 1;
	}
	return 1;
}

static int set_string(parser *p, char **dst, const char *v)
{
	*dst = strdup(v);
	return *dst ? 1 : nomem(p);
}

static int set_id_from_fid(parser *p, int sec, const char *name, const char *v)
{
	lr__map_layer *ml = &p->m->layer[sec];
	int b = parse_bool(v);
	if (!once(p, &p->fid_line[sec], name))
		return 1;
	if (b < 0)
		return fail(p, "id_from_fid = '%s': use yes or no", v);
	if (b && ml->f[0].line)
		return fail(
		        p,
		        "id_from_fid = yes and `%s` (line %d) both give the "
		        "%s; keep one",
		        lr__field_name(sec, 0), ml->f[0].line,
		        lr__field_name(sec, 0));
	ml->id_from_fid = b;
	return 1;
}

/* [releases] implies_hazard: each release also records its land as SHA or
** CHA, or not (no, none). */
static int set_implies_hazard(parser *p, const char *name, const char *v)
{
	lr__map_layer *ml = &p->m->layer[LR_LAYER_RELEASES];
	if (!once(p, &p->implies_line, name))
		return 1;
	int b = parse_bool(v);
	const enum_value *e = enum_lookup(LR_LAYER_HAZARDS, LR__F_TYPE, v);
	if (b == 0 || !strcasecmp(v, "none"))
		ml->implies_hazard = 0;
	else if (e)
		ml->implies_hazard = e->value;
	else
		return fail(p, "implies_hazard = '%s': use SHA, CHA or no", v);
	return 1;
}

static int set_implies_contamination(parser *p, const char *name, const char *v)
{
	if (!once(p, &p->implies_cont_line, name))
		return 1;
	const enum_value *e =
	        enum_lookup(LR_LAYER_HAZARDS, LR__F_CONTAMINATION, v);
	if (!e)
		return fail(p,
		            "implies_contamination = '%s': use AP, AV, ERW or "
		            "mixed",
		            v);
	p->m->layer[LR_LAYER_RELEASES].implies_contamination = e->value;
	return 1;
}

/* [releases] hazard_id_list: hazard_id holds a list of hazard ids (IMSMA's
** imsma_links), or one id. */
static int set_hazard_id_list(parser *p, const char *name, const char *v)
{
	if (!once(p, &p->list_line, name))
		return 1;
	int b = parse_bool(v);
	if (b < 0)
		return fail(p, "hazard_id_list = '%s': use yes or no", v);
	p->m->layer[LR_LAYER_RELEASES].hazard_id_list = b;
	return 1;
}

/* [regions] parent_layers: the files of the levels above the regions,
** lowest first, separated by commas. */
static int set_parent_layers(parser *p, const char *name, const char *v)
{
	lr__map_layer *ml = &p->m->layer[LR_LAYER_REGIONS];
	if (!once(p, &p->parents_line, name))
		return 1;
	if (ml->f[LR__F_PARENT_ID].source || ml->f[LR__F_PARENT_ID].constant)
		return fail(p,
		            "`%s` and parent_id (line %d) both give the "
		            "parents; keep one",
		            name, ml->f[LR__F_PARENT_ID].line);
	for (const char *s = v;; s++) {
		const char *e = strchr(s, ',');
		char *f = trimmed_copy(s, e ? (size_t)(e - s) : strlen(s));
		if (!f)
			return nomem(p);
		if (!f[0] || ml->n_parents >= LR__MAX_PARENTS) {
			free(f);
			return fail(p,
			            "`%s`: give 1 to %d file names separated "
			            "by commas",
			            name, LR__MAX_PARENTS);
		}
		ml->parents[ml->n_parents++] = f;
		if (!(s = e))
			break;
	}
	return 1;
}

/* constant.<field> = value: the same value for every feature. */
static int set_constant(parser *p, int sec, const char *name, const char *v)
{
	lr__map_layer *ml = &p->m->layer[sec];
	int fi = field_index(sec, name + 9);
	if (fi < 0)
		return fail(p, "`%s`: [%s] has no field '%s'", name,
		            lr_layer_names[sec], name + 9);
	lr__map_field *f = &ml->f[fi];
	if (f->constant)
		return fail(p, "`%s` is given twice (first on line %d)", name,
		            f->line);
	if (f->source)
		return fail(p,
		            "`%s` and `%s = %s` (line %d) both give %s; keep "
		            "one",
		            name, lr__field_name(sec, fi), f->source, f->line,
		            lr__field_name(sec, fi));
	if (fi == 0 && ml->id_from_fid)
		return fail(p,
		            "`%s` and id_from_fid = yes both give the %s; keep "
		            "one",
		            name, lr__field_name(sec, fi));
	f->line = p->line;
	return set_string(p, &f->constant, v);
}

/* <field>.<value> = spellings, for an enumerated field; dot is in name. */
static int set_value_spellings(parser *p, int sec, const char *name,
                               const char *dot, const char *v)
{
	char fname[64];
	size_t n = (size_t)(dot - name);
	if (n >= sizeof fname)
		n = sizeof fname - 1;
	memcpy(fname, name, n);
	fname[n] = '\0';
	int fi = field_index(sec, fname);
	if (fi < 0 || lr__field_kind(sec, fi) != LR__KIND_ENUM)
		return fail(p,
		            "unknown key `%s` under [%s]: value spellings are "
		            "given for %s",
		            name, lr_layer_names[sec],
		            sec == LR_LAYER_HAZARDS
		                    ? "type.SHA, type.CHA and "
		                      "contamination.AP/AV/ERW/mixed"
		            : sec == LR_LAYER_RELEASES
		                    ? "method.cleared, method.reduced and "
		                      "method.cancelled"
		                    : "no field of this layer");
	const enum_value *e = enum_lookup(sec, fi, dot + 1);
	if (!e) {
		char exp[256];
		return fail(
		        p, "`%s`: %s has no value '%s'; use %s", name, fname,
		        dot + 1,
		        lr__mapping_expected(NULL, sec, fi, exp, sizeof exp));
	}
	return add_spellings(p, sec, fi, e->value, name, v);
}

/* <field> = source field name. */
static int set_source(parser *p, int sec, int fi, const char *name,
                      const char *v)
{
	lr__map_field *f = &p->m->layer[sec].f[fi];
	if (f->source)
		return fail(p, "`%s` is given twice (first on line %d)", name,
		            f->line);
	if (f->constant)
		return fail(p,
		            "`%s` and `constant.%s` (line %d) both give %s; "
		            "keep one",
		            name, name, f->line, name);
	if (fi == 0 && p->m->layer[sec].id_from_fid)
		return fail(p,
		            "`%s` and id_from_fid = yes both give the %s; keep "
		            "one",
		            name, name);
	if (sec == LR_LAYER_REGIONS && fi == LR__F_PARENT_ID &&
	    p->m->layer[sec].n_parents)
		return fail(p,
		            "`%s` and parent_layers (line %d) both give the "
		            "parents; keep one",
		            name, p->parents_line);
	f->line = p->line;
	return set_string(p, &f->source, v);
}

/* An unknown key: the message lists the keys of the section. */
static int unknown_layer_key(parser *p, int sec, const char *name)
{
	char keys[400];
	size_t k = (size_t)snprintf(keys, sizeof keys,
	                            "layer, crs, encoding, date_format, "
	                            "id_from_fid");
	for (int i = 0; i < lr__field_count(sec); i++)
		k += (size_t)snprintf(keys + k,
		                      k < sizeof keys ? sizeof keys - k : 0,
		                      ", %s", lr__field_name(sec, i));
	if (sec == LR_LAYER_RELEASES)
		snprintf(keys + k, k < sizeof keys ? sizeof keys - k : 0,
		         ", implies_hazard, implies_contamination, "
		         "hazard_id_list");
	if (sec == LR_LAYER_REGIONS)
		snprintf(keys + k, k < sizeof keys ? sizeof keys - k : 0,
		         ", parent_layers");
	return fail(p,
	            "unknown key `%s` under [%s]; keys are %s, "
	            "constant.<field> and <field>.<value> spellings",
	            name, lr_layer_names[sec], keys);
}

/* One key of [regions], [hazards] or [releases]. */
static int handle_layer_key(parser *p, int sec, const char *name, const char *v)
{
	lr__map_layer *ml = &p->m->layer[sec];
	const char *dot = strchr(name, '.');
	if (!strcasecmp(name, "layer"))
		return once(p, &p->layer_line[sec], name)
		               ? set_string(p, &ml->layer, v)
		               : 1;
	if (!strcasecmp(name, "crs"))
		return once(p, &p->crs_line[sec], name)
		               ? set_string(p, &ml->crs, v)
		               : 1;
	if (!strcasecmp(name, "encoding"))
		return once(p, &p->enc_line[sec], name)
		               ? set_string(p, &ml->encoding, v)
		               : 1;
	if (!strcasecmp(name, "date_format"))
		return add_formats(p, sec, v);
	if (!strcasecmp(name, "id_from_fid"))
		return set_id_from_fid(p, sec, name, v);
	if (sec == LR_LAYER_RELEASES && !strcasecmp(name, "implies_hazard"))
		return set_implies_hazard(p, name, v);
	if (sec == LR_LAYER_RELEASES &&
	    !strcasecmp(name, "implies_contamination"))
		return set_implies_contamination(p, name, v);
	if (sec == LR_LAYER_RELEASES && !strcasecmp(name, "hazard_id_list"))
		return set_hazard_id_list(p, name, v);
	if (sec == LR_LAYER_REGIONS && !strcasecmp(name, "parent_layers"))
		return set_parent_layers(p, name, v);
	if (dot && !strncasecmp(name, "constant.", 9))
		return set_constant(p, sec, name, v);
	if (dot)
		return set_value_spellings(p, sec, name, dot, v);
	int fi = field_index(sec, name);
	if (fi >= 0)
		return set_source(p, sec, fi, name, v);
	return unknown_layer_key(p, sec, name);
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
	parser *p = user;
	if (!section[0])
		return fail(p,
		            "`%s` is outside a section; put it under "
		            "[regions], [hazards], [releases] or [defaults]",
		            name);
	int sec = section_index(section);
	if (sec == SEC_NONE)
		return 1; /* reported by the reader at the section line */
	if (!value[0])
		return fail(p, "`%s` has no value", name);
	if (!strcmp(value, "?"))
		return fail(p,
		            "`%s = ?` is still to be filled in (a drafted "
		            "mapping: the comment above the line says what to "
		            "write)",
		            name);
	if (sec == SEC_DEFAULTS) {
		if (!strcasecmp(name, "date_format"))
			return add_formats(p, sec, value);
		if (!strcasecmp(name, "crs"))
			return once(p, &p->crs_line[sec], name)
			               ? set_string(p, &p->m->crs, value)
			               : 1;
		if (!strcasecmp(name, "encoding"))
			return once(p, &p->enc_line[sec], name)
			               ? set_string(p, &p->m->encoding, value)
			               : 1;
		return fail(p,
		            "unknown key `%s` under [defaults]; keys are "
		            "date_format, crs and encoding",
		            name);
	}
	return handle_layer_key(p, sec, name, value);
}

/* Check each constant as ingest will read it, now that all is known. */
static void check_constants(parser *p)
{
	for (int l = 0; l < 3; l++) {
		const lr__map_layer *ml = &p->m->layer[l];
		for (int i = 0; i < lr__field_count(l); i++) {
			const char *c = ml->f[i].constant;
			const char *fn = lr__field_name(l, i);
			char exp[256];
			if (!c)
				continue;
			p->line = ml->f[i].line;
			switch (lr__field_kind(l, i)) {
			case LR__KIND_ENUM:
				if (lr__mapping_value(p->m, l, i, c) < 0)
					fail(p,
					     "constant.%s = '%s' is not a "
					     "known %s; use %s",
					     fn, c, fn,
					     lr__mapping_expected(p->m, l, i,
					                          exp,
					                          sizeof exp));
				break;
			case LR__KIND_DATE:
				if (lr__mapping_date(p->m, l, c) ==
				    LR_DATE_NONE)
					fail(p,
					     "constant.%s = '%s' is not a "
					     "date (YYYY-MM-DD or a "
					     "date_format given)",
					     fn, c);
				break;
			case LR__KIND_REAL: {
				char *end;
				errno = 0;
				double x = strtod(c, &end);
				if (end == c || *end || errno || !isfinite(x) ||
				    x < 0)
					fail(p,
					     "constant.%s = '%s' is not a "
					     "number >= 0",
					     fn, c);
				break;
			}
			case LR__KIND_COUNT: {
				char *end;
				errno = 0;
				long long x = strtoll(c, &end, 10);
				if (end == c || *end || errno || x < 0)
					fail(p,
					     "constant.%s = '%s' is not a "
					     "whole number >= 0",
					     fn, c);
				break;
			}
			case LR__KIND_TEXT:
				break;
			}
		}
	}
}

int lr_mapping_parse(const char *text, size_t len, const char *name,
                     lr_mapping **out, lr_error *err)
{
	*out = NULL;
	if (!name)
		name = "mapping";
	if (memchr(text, '\0', len))
		return lr_error_set(err, LR_ERR_USAGE,
		                    "%s: not a text file (it holds a NUL "
		                    "byte)",
		                    name);
	parser p = {0};
	p.m = mapping_new(name);
	if (!p.m)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	p.text = text;
	p.len = len;
	p.next_line = 1;
	/* Our own names are spellings too: a listed spelling may not take
	** one of them for another value. */
	for (size_t i = 0; i < N_ENUM_VALUES; i++) {
		lr__spelling sp = {NULL, NULL, enum_values[i].field,
		                   enum_values[i].value, 0};
		char norm[32];
		normalize(enum_values[i].name, norm, sizeof norm);
		sp.norm = strdup(norm);
		if (!sp.norm ||
		    !lr_vec_push(&p.m->layer[enum_values[i].layer].spellings,
		                 &sp)) {
			free(sp.norm);
			lr_mapping_free(p.m);
			return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		}
	}
	int rc = ini_parse_stream(reader, &p, handler, &p);
	if (rc > 0 && (!p.err_line || rc < p.err_line)) {
		p.err_line = rc;
		p.err_code = LR_ERR_USAGE;
		snprintf(p.err, sizeof p.err,
		         "not a `key = value` line nor a [section]");
	} else if (rc < 0 && !p.err_line) {
		p.err_line = p.line;
		p.err_code = LR_ERR_NOMEM;
		snprintf(p.err, sizeof p.err, "out of memory");
	}
	if (!p.err_line)
		check_constants(&p);
	if (p.err_line) {
		lr_error_set(err, p.err_code, "%s:%d: %s", name, p.err_line,
		             p.err);
		lr_mapping_free(p.m);
		return p.err_code;
	}
	*out = p.m;
	return LR_OK;
}

int lr_mapping_load(const char *path, lr_mapping **out, lr_error *err)
{
	*out = NULL;
	lr_error e = {0};
	FILE *f = lr_open_input(path, &e);
	if (!f) /* a bad argument: the caller named this file */
		return lr_error_set(err,
		                    e.code == LR_ERR_NOMEM ? LR_ERR_NOMEM
		                                           : LR_ERR_USAGE,
		                    "%s", e.msg);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return lr_error_set(err, LR_ERR_NOMEM,
				                    "out of memory");
			}
			buf = nb;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return lr_error_set(err, LR_ERR_USAGE,
		                    "cannot read mapping file %s", path);
	}
	int rc = lr_mapping_parse(buf ? buf : "", len, path, out, err);
	free(buf);
	return rc;
}
