/*
** Batch manifests and what a batch needs besides starting processes: the
** INI manifest of runs (a [defaults] section and one [run NAME] section per
** run), the argument vectors of each run's steps, the FNV-1a content hash
** that lets --resume skip unchanged runs, the marker a finished run folder
** holds, and summary.csv gathered from the run folders.  Format and
** behaviour: docs/batch.md.
*/
#include "lr_batch.h"
#include "lr_csv.h"
#include "lr_file.h"
#include "lr_ini.h"
#include "lr_store_read.h"
#include "schema.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* inih reads a line into a buffer of INI_MAX_LINE (200) bytes: longer lines
** would be split into two. */
#define MANIFEST_MAX_LINE 198

const char *const lr_batch_key_names[LR_BATCH_N_KEYS] = {
        "dataset",       "regions",        "hazards",        "releases",
        "regions_layer", "hazards_layer",  "releases_layer", "map",
        "assume_crs",    "max_vertex_gap", "as_of",          "baseline",
        "scope",         "deadline",       "target",         "scenario",
        "window",        "runs",           "seed",           "confidence",
        "capacity",      "costs",          "history",        "model"};

const char *const lr_batch_step_names[LR_N_STEPS] = {"analyze", "project",
                                                     "plan"};

const char *const lr_batch_summary_columns[LR_BATCH_N_COLUMNS] = {
        "run",
        "status",
        "remaining_m2",
        "sha_m2",
        "cha_m2",
        "released_last_year_m2",
        "p50_date",
        "p90_date",
        "deadline",
        "p_on_time",
        "extension_years",
        "rejected_features",
        "seconds",
        "error"};

/* How a key's value is checked and resolved. */
typedef enum {
	K_SOURCE, /* a GDAL source: a path, or a connection string left as is */
	K_FILE,   /* a path to a file */
	K_TEXT,
	K_DATE,
	K_SCOPE,
	K_WINDOW,
	K_RUNS,
	K_SEED,
	K_SHARE,
	K_METRES
} key_kind;

static const key_kind key_kinds[LR_BATCH_N_KEYS] = {
        K_SOURCE, K_SOURCE, K_SOURCE, K_SOURCE, K_TEXT,   K_TEXT,
        K_TEXT,   K_FILE,   K_TEXT,   K_METRES, K_DATE,   K_DATE,
        K_SCOPE,  K_DATE,   K_DATE,   K_FILE,   K_WINDOW, K_RUNS,
        K_SEED,   K_SHARE,  K_FILE,   K_FILE,   K_FILE,   K_TEXT};

static bool is_path_kind(key_kind k)
{
	return k == K_SOURCE || k == K_FILE;
}

/* ---- Parsing ------------------------------------------------------------ */

typedef struct section {
	int line;
	bool is_defaults;
	char *name;                    /* owned; NULL for [defaults] */
	char *value[LR_BATCH_N_KEYS];  /* owned, as resolved */
	int key_line[LR_BATCH_N_KEYS]; /* 0: not set here */
} section;

typedef struct parse_state {
	const char *name; /* borrowed: manifest name for messages */
	const char *dir;  /* borrowed: folder for relative paths */
	section *sections;
	int n_sections;
} parse_state;

static void sections_free(section *s, int n)
{
	for (int i = 0; i < n; i++) {
		free(s[i].name);
		for (int k = 0; k < LR_BATCH_N_KEYS; k++)
			free(s[i].value[k]);
	}
	free(s);
}

int lr_batch_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > LR_BATCH_NAME_MAX || name[0] == '.' || name[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return 0;
	}
	static const char *const reserved[] = {".log", ".csv", ".md"};
	for (size_t i = 0; i < 3; i++) {
		size_t m = strlen(reserved[i]);
		if (n >= m && !strcasecmp(name + n - m, reserved[i]))
			return 0;
	}
	return 1;
}

/* A GDAL connection string such as "PG:dbname=x" or "https://...": two or
** more letters, digits or '_' and a colon.  Left as is, never resolved. */
static bool is_connection_string(const char *s)
{
	size_t i = 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	while (s[i] &&
	       (s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
	        (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
		i++;
	return i >= 2 && s[i] == ':';
}

/* Whether s is a valid --scope: "all" or a list of AP, AV, ERW, mixed. */
static bool scope_ok(const char *s)
{
	if (!strcasecmp(s, "all"))
		return true;
	char buf[128];
	if (strlen(s) >= sizeof buf)
		return false;
	strcpy(buf, s);
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(buf, ",+", &save); t;
	     t = strtok_r(NULL, ",+", &save), n++)
		if (strcasecmp(t, "AP") && strcasecmp(t, "AV") &&
		    strcasecmp(t, "ERW") && strcasecmp(t, "mixed"))
			return false;
	return n > 0;
}

static bool long_in(const char *s, long lo, long hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	return end != s && !*end && !errno && v >= lo && v <= hi;
}

/* Check value for a key of kind k; NULL when fine, else what is wrong. */
static const char *check_value(key_kind k, const char *v)
{
	char *end;
	switch (k) {
	case K_DATE:
		return lr_date_parse_iso(v) == LR_DATE_NONE
		               ? "is not a date YYYY-MM-DD"
		               : NULL;
	case K_SCOPE:
		return scope_ok(v) ? NULL
		                   : "is not a scope: use all, AP, or a list "
		                     "such as AP,mixed";
	case K_WINDOW:
		return long_in(v, 1, 100) ? NULL
		                          : "must be a whole number of years, "
		                            "1-100";
	case K_RUNS:
		return long_in(v, 1, 100000000)
		               ? NULL
		               : "must be a whole number, 1-100000000";
	case K_SEED:
		errno = 0;
		(void)strtoull(v, &end, 10);
		return (end == v || *end || errno || v[0] == '-')
		               ? "must be a whole number >= 0"
		               : NULL;
	case K_SHARE: {
		errno = 0;
		double d = strtod(v, &end);
		return (end == v || *end || errno || !(d > 0 && d <= 1))
		               ? "must be a share in (0, 1], e.g. 0.9"
		               : NULL;
	}
	case K_METRES: {
		errno = 0;
		double d = strtod(v, &end);
		return (end == v || *end || errno || !(d >= 0))
		               ? "is not a distance in metres"
		               : NULL;
	}
	default:
		return NULL;
	}
}

/* A copy of v, resolved against dir when it is a relative path. */
static char *resolve(key_kind k, const char *v, const char *dir)
{
	if (!is_path_kind(k) || v[0] == '/' ||
	    (k == K_SOURCE && is_connection_string(v)) || !dir || !*dir)
		return lr_strdup(v);
	const char *rel = v;
	while (rel[0] == '.' && rel[1] == '/')
		rel += 2;
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *out = malloc(n);
	if (out)
		snprintf(out, n, "%s/%s", dir, rel);
	return out;
}

static section *section_at_line(parse_state *p, int line)
{
	for (int i = 0; i < p->n_sections; i++)
		if (p->sections[i].line == line)
			return &p->sections[i];
	return NULL;
}

static int on_value(void *user, const char *sec, const char *key,
                    const char *value, int line, int section_line,
                    lr_error *err)
{
	parse_state *p = user;
	(void)sec;
	if (!key)
		return 1; /* a bare section header, if inih reports one */
	section *s = section_at_line(p, section_line);
	if (!s) {
		lr_error_set(err, LR_ERR_USAGE,
		             "%s:%d: '%s' is outside any section: put it under "
		             "[defaults] or [run NAME]",
		             p->name, line, key);
		return 0;
	}
	char norm[64];
	size_t n = strlen(key);
	int k = LR_BATCH_N_KEYS;
	if (n < sizeof norm) {
		for (size_t i = 0; i <= n; i++)
			norm[i] = key[i] == '-' ? '_' : key[i];
		for (k = 0; k < LR_BATCH_N_KEYS; k++)
			if (!strcmp(norm, lr_batch_key_names[k]))
				break;
	}
	if (k == LR_BATCH_N_KEYS) {
		lr_error_set(err, LR_ERR_USAGE,
		             "%s:%d: unknown key '%s' (docs/batch.md lists the "
		             "keys)",
		             p->name, line, key);
		return 0;
	}
	if (s->key_line[k]) {
		lr_error_set(err, LR_ERR_USAGE,
		             "%s:%d: '%s' is set twice in this section (first "
		             "at line %d)",
		             p->name, line, lr_batch_key_names[k],
		             s->key_line[k]);
		return 0;
	}
	if (!*value) {
		lr_error_set(err, LR_ERR_USAGE, "%s:%d: '%s' has no value",
		             p->name, line, lr_batch_key_names[k]);
		return 0;
	}
	const char *why = check_value(key_kinds[k], value);
	if (why) {
		lr_error_set(err, LR_ERR_USAGE, "%s:%d: %s '%s' %s", p->name,
		             line, lr_batch_key_names[k], value, why);
		return 0;
	}
	s->value[k] = resolve(key_kinds[k], value, p->dir);
	if (!s->value[k]) {
		lr_error_set(err, LR_ERR_NOMEM, "%s:%d: out of memory", p->name,
		             line);
		return 0;
	}
	s->key_line[k] = line;
	return 1;
}

/* The section named by the header text a (trimmed, without brackets) at
** line into *sec: [defaults] or [run NAME]. */
static int parse_header(const parse_state *p, int line, const char *a,
                        section *sec, lr_error *err)
{
	sec->line = line;
	if (!strcmp(a, "defaults")) {
		sec->is_defaults = true;
		return LR_OK;
	}
	if (strncmp(a, "run", 3) || (a[3] != ' ' && a[3] != '\t'))
		return lr_error_set(err, LR_ERR_USAGE,
		                    "%s:%d: unknown section [%s]: "
		                    "use [defaults] or [run NAME]",
		                    p->name, line, a);
	const char *nm = a + 3;
	while (*nm == ' ' || *nm == '\t')
		nm++;
	if (!lr_batch_name_ok(nm))
		return lr_error_set(err, LR_ERR_USAGE,
		                    "%s:%d: run name '%s' is not a safe folder "
		                    "name (letters, digits, '_', '-', '.'; not "
		                    "starting with '.' or '-'; not ending in "
		                    ".log, .csv or .md; at most %d characters)",
		                    p->name, line, nm, LR_BATCH_NAME_MAX);
	if (!(sec->name = lr_strdup(nm)))
		return lr_error_set(err, LR_ERR_NOMEM, "%s: out of memory",
		                    p->name);
	return LR_OK;
}

/* Append sec to p->sections (capacity *cap), refusing a second [defaults]
** or a run name used before.  sec->name is taken, or freed on failure. */
static int add_section(parse_state *p, int *cap, section sec, lr_error *err)
{
	for (int i = 0; i < p->n_sections; i++) {
		const section *o = &p->sections[i];
		if (o->is_defaults != sec.is_defaults ||
		    (sec.name && strcmp(o->name, sec.name)))
			continue;
		free(sec.name);
		if (sec.is_defaults)
			return lr_error_set(err, LR_ERR_USAGE,
			                    "%s:%d: second [defaults] section "
			                    "(first at line %d)",
			                    p->name, sec.line, o->line);
		return lr_error_set(err, LR_ERR_USAGE,
		                    "%s:%d: duplicate run name '%s' (first at "
		                    "line %d)",
		                    p->name, sec.line, p->sections[i].name,
		                    o->line);
	}
	if (p->n_sections == *cap) {
		int nc = *cap ? 2 * *cap : 16;
		section *ns = realloc(p->sections, (size_t)nc * sizeof *ns);
		if (!ns) {
			free(sec.name);
			return lr_error_set(err, LR_ERR_NOMEM,
			                    "%s: out of memory", p->name);
		}
		p->sections = ns;
		*cap = nc;
	}
	p->sections[p->n_sections++] = sec;
	return LR_OK;
}

/* The section header on line `line`, t[0..end) ('[' first), into
** p->sections. */
static int scan_header(parse_state *p, int *cap, int line, const char *t,
                       const char *end, lr_error *err)
{
	const char *close = memchr(t, ']', (size_t)(end - t));
	if (!close)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "%s:%d: section header without ']'",
		                    p->name, line);
	char inner[256];
	size_t m = (size_t)(close - t - 1);
	if (m >= sizeof inner)
		m = sizeof inner - 1;
	memcpy(inner, t + 1, m);
	inner[m] = '\0';
	char *a = inner, *b = inner + strlen(inner);
	while (*a == ' ' || *a == '\t')
		a++;
	while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
		*--b = '\0';
	section sec = {0};
	int rc = parse_header(p, line, a, &sec, err);
	return rc != LR_OK ? rc : add_section(p, cap, sec, err);
}

/* Find every [section] header (inih does not report sections with no key)
** and check line lengths. */
static int scan_sections(const char *text, parse_state *p, lr_error *err)
{
	int line = 0, cap = 0;
	const char *s = text;
	if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
	    (unsigned char)s[2] == 0xBF)
		s += 3; /* UTF-8 BOM */
	while (*s) {
		line++;
		const char *eol = strchr(s, '\n');
		size_t len = eol ? (size_t)(eol - s) : strlen(s);
		size_t shown = len;
		if (shown && s[shown - 1] == '\r')
			shown--;
		if (shown > MANIFEST_MAX_LINE)
			return lr_error_set(err, LR_ERR_USAGE,
			                    "%s:%d: line longer than %d "
			                    "characters: use a relative path "
			                    "or a shorter value",
			                    p->name, line, MANIFEST_MAX_LINE);
		size_t blanks = strspn(s, " \t");
		if (blanks < shown && s[blanks] == '[') {
			int rc = scan_header(p, &cap, line, s + blanks,
			                     s + shown, err);
			if (rc != LR_OK)
				return rc;
		}
		s = eol ? eol + 1 : s + len;
	}
	return LR_OK;
}

void lr_manifest_free(lr_manifest *m)
{
	if (!m)
		return;
	for (int i = 0; i < m->n_runs; i++) {
		free(m->runs[i].name);
		for (int k = 0; k < LR_BATCH_N_KEYS; k++)
			free(m->runs[i].value[k]);
	}
	free(m->runs);
	free(m->name);
	free(m);
}

int lr_manifest_parse(const char *text, const char *name, const char *dir,
                      lr_manifest **out, lr_error *err)
{
	*out = NULL;
	parse_state p = {name, dir, NULL, 0};
	lr_manifest *m = NULL;
	int rc = scan_sections(text, &p, err);
	if (rc != LR_OK)
		goto done;
	if ((rc = lr_ini_parse(text, NULL, name, on_value, &p, err)) != LR_OK)
		goto done;
	const section *defaults = NULL;
	int n_runs = 0;
	for (int i = 0; i < p.n_sections; i++) {
		if (p.sections[i].is_defaults)
			defaults = &p.sections[i];
		else
			n_runs++;
	}
	if (n_runs == 0) {
		rc = lr_error_set(err, LR_ERR_USAGE,
		                  "%s: no [run NAME] section: nothing to run",
		                  name);
		goto done;
	}
	m = lr_xcalloc(1, sizeof *m);
	if (!m || !(m->name = lr_strdup(name)) ||
	    !(m->runs = lr_xcalloc((size_t)n_runs, sizeof *m->runs))) {
		rc = lr_error_set(err, LR_ERR_NOMEM, "%s: out of memory", name);
		goto done;
	}
	for (int i = 0; i < p.n_sections; i++) {
		section *s = &p.sections[i];
		if (s->is_defaults)
			continue;
		lr_batch_run *r = &m->runs[m->n_runs];
		r->index = m->n_runs++;
		r->line = s->line;
		r->name = s->name;
		s->name = NULL;
		for (int k = 0; k < LR_BATCH_N_KEYS; k++) {
			if (s->value[k]) {
				r->value[k] = s->value[k];
				s->value[k] = NULL;
			} else if (defaults && defaults->value[k] &&
			           !(r->value[k] =
			                     lr_strdup(defaults->value[k]))) {
				rc = lr_error_set(err, LR_ERR_NOMEM,
				                  "%s: out of memory", name);
				goto done;
			}
		}
		bool layers = r->value[LR_BK_REGIONS] &&
		              r->value[LR_BK_HAZARDS] &&
		              r->value[LR_BK_RELEASES];
		if (!r->value[LR_BK_DATASET] && !layers) {
			rc = lr_error_set(err, LR_ERR_USAGE,
			                  "%s:%d: run '%s' has no input: set "
			                  "dataset, or regions, hazards and "
			                  "releases (in the run or in "
			                  "[defaults])",
			                  name, r->line, r->name);
			goto done;
		}
		const char *b = r->value[LR_BK_BASELINE];
		const char *a = r->value[LR_BK_AS_OF];
		if (a && b && lr_date_parse_iso(b) > lr_date_parse_iso(a)) {
			rc = lr_error_set(
			        err, LR_ERR_USAGE,
			        "%s:%d: run '%s': baseline %s is after "
			        "as_of %s",
			        name, r->line, r->name, b, a);
			goto done;
		}
	}
	*out = m;
	m = NULL;
done:
	sections_free(p.sections, p.n_sections);
	lr_manifest_free(m);
	return rc;
}

int lr_manifest_load(const char *path, lr_manifest **out, lr_error *err)
{
	*out = NULL;
	size_t len;
	char *text;
	int rc = lr_read_file(path, &text, &len, err);
	if (rc != LR_OK)
		return rc;
	if (memchr(text, '\0', len)) {
		free(text);
		return lr_error_set(err, LR_ERR_USAGE,
		                    "%s: not a text file (holds a NUL byte)",
		                    path);
	}
	/* The manifest's folder, absolute, so that a child started from any
	** folder finds the inputs. */
	char dir[PATH_MAX], real[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (!realpath(dir, real)) {
		rc = lr_error_set(err, LR_ERR_INPUT, "cannot resolve %s: %s",
		                  dir, strerror(errno));
		free(text);
		return rc;
	}
	if (!strcmp(real, "/"))
		real[0] = '\0'; /* "/" + "/x" would give "//x" */
	rc = lr_manifest_parse(text, path, real[0] ? real : "/", out, err);
	free(text);
	return rc;
}

/* ---- Steps --------------------------------------------------------------- */

bool lr_batch_has_step(const lr_batch_run *r, lr_batch_step s)
{
	switch (s) {
	case LR_STEP_ANALYZE:
		return true;
	case LR_STEP_PROJECT:
		return r->value[LR_BK_DEADLINE] != NULL;
	case LR_STEP_PLAN:
		return r->value[LR_BK_TARGET] != NULL;
	default:
		return false;
	}
}

/* ---- Content hash ----------------------------------------------------------
 */

uint64_t lr_fnv1a64(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t mix_str(uint64_t h, const char *s)
{
	return lr_fnv1a64(h, s, strlen(s) + 1); /* the NUL separates */
}

static uint64_t mix_u64(uint64_t h, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	return lr_fnv1a64(h, b, 8);
}

typedef struct cache_entry {
	char *path; /* owned */
	int64_t size, mtime_ns, ino;
	uint64_t hash;
} cache_entry;

struct lr_batch_hash_cache {
	lr_vec entries; /* cache_entry */
};

lr_batch_hash_cache *lr_batch_hash_cache_new(void)
{
	lr_batch_hash_cache *c = lr_xcalloc(1, sizeof *c);
	if (c)
		lr_vec_init(&c->entries, sizeof(cache_entry));
	return c;
}

void lr_batch_hash_cache_free(lr_batch_hash_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->entries.len; i++)
		free(LR_VEC_AT(&c->entries, cache_entry, i).path);
	lr_vec_free(&c->entries);
	free(c);
}

/* FNV-1a of the bytes of the regular file path (stat'ed as st). */
static int file_hash(const char *path, const struct stat *st,
                     lr_batch_hash_cache *c, uint64_t *out, lr_error *err)
{
	int64_t mt =
	        (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	if (c)
		for (size_t i = 0; i < c->entries.len; i++) {
			cache_entry *e =
			        &LR_VEC_AT(&c->entries, cache_entry, i);
			if (!strcmp(e->path, path) && e->size == st->st_size &&
			    e->mtime_ns == mt &&
			    e->ino == (int64_t)st->st_ino) {
				*out = e->hash;
				return LR_OK;
			}
		}
	FILE *f = lr_open_input(path, err);
	if (!f)
		return err->code;
	uint64_t h = LR_FNV1A64_INIT;
	enum { BUF = 1 << 16 };
	unsigned char *buf = malloc(BUF);
	if (!buf) {
		fclose(f);
		return lr_error_set(err, LR_ERR_NOMEM,
		                    "out of memory hashing %s", path);
	}
	size_t n;
	while ((n = fread(buf, 1, BUF, f)) > 0)
		h = lr_fnv1a64(h, buf, n);
	int bad = ferror(f);
	int e = errno;
	free(buf);
	fclose(f);
	if (bad)
		return lr_error_set(err, LR_ERR_INPUT, "cannot read %s: %s",
		                    path, strerror(e));
	*out = h;
	if (c) {
		cache_entry ce = {lr_strdup(path), st->st_size, mt,
		                  (int64_t)st->st_ino, h};
		if (ce.path && !lr_vec_push(&c->entries, &ce))
			free(ce.path);
	}
	return LR_OK;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Mix one file into h: its name relative to the input, size and bytes. */
static int mix_file(uint64_t *h, const char *path, const char *rel,
                    const struct stat *st, lr_batch_hash_cache *c,
                    lr_error *err)
{
	uint64_t fh = 0;
	int rc = file_hash(path, st, c, &fh, err);
	if (rc != LR_OK)
		return rc;
	*h = mix_str(*h, rel);
	*h = mix_u64(*h, (uint64_t)st->st_size);
	*h = mix_u64(*h, fh);
	return LR_OK;
}

/* Every regular file under dir, recursively, in name order. */
static int mix_dir(uint64_t *h, const char *dir, const char *rel, int depth,
                   lr_batch_hash_cache *c, lr_error *err)
{
	if (depth > 16)
		return lr_error_set(err, LR_ERR_INPUT,
		                    "%s: folders nested too deep to hash", dir);
	struct dirent **list;
	int n = scandir(dir, &list, NULL, by_name);
	if (n < 0)
		return lr_error_set(err, LR_ERR_INPUT, "cannot list %s: %s",
		                    dir, strerror(errno));
	int rc = LR_OK;
	for (int i = 0; i < n; i++) {
		const char *nm = list[i]->d_name;
		if (rc != LR_OK || !strcmp(nm, ".") || !strcmp(nm, ".."))
			continue;
		char path[PATH_MAX], sub[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", dir, nm);
		snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", nm);
		struct stat st;
		if (stat(path, &st) != 0)
			continue; /* a dangling link reads as nothing */
		if (S_ISDIR(st.st_mode))
			rc = mix_dir(h, path, sub, depth + 1, c, err);
		else if (S_ISREG(st.st_mode))
			rc = mix_file(h, path, sub, &st, c, err);
	}
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return rc;
}

/* Mix a source file and its sidecars: every file of its folder named
** STEM.* (a.shp with a.dbf, a.shx, a.prj; a.gpkg with a.gpkg-wal), except
** SQLite's shared-memory files (-shm), which change without the data. */
static int mix_with_sidecars(uint64_t *h, const char *path,
                             const struct stat *st, lr_batch_hash_cache *c,
                             lr_error *err)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : path;
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	if (slash == dir)
		snprintf(dir, sizeof dir, "/");
	const char *dot = strrchr(base, '.');
	if (!dot || dot == base)
		return mix_file(h, path, base, st, c, err);
	size_t stem = (size_t)(dot - base) + 1; /* "a." */
	struct dirent **list;
	int n = scandir(dir, &list, NULL, by_name);
	if (n < 0)
		return lr_error_set(err, LR_ERR_INPUT, "cannot list %s: %s",
		                    dir, strerror(errno));
	int rc = LR_OK;
	for (int i = 0; i < n; i++) {
		const char *nm = list[i]->d_name;
		size_t len = strlen(nm);
		if (rc != LR_OK || strncmp(nm, base, stem) ||
		    (len > 4 && !strcmp(nm + len - 4, "-shm")))
			continue;
		char p[PATH_MAX + 256];
		snprintf(p, sizeof p, "%s/%s", dir, nm);
		struct stat s2;
		if (stat(p, &s2) == 0 && S_ISREG(s2.st_mode))
			rc = mix_file(h, p, nm, &s2, c, err);
	}
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return rc;
}

/* FNV-1a over magic, the version, the settings of keys [0, n_keys) and the
** bytes of the inputs they name. */
static int hash_settings(const lr_batch_run *r, const char *magic, int n_keys,
                         lr_batch_hash_cache *cache, uint64_t *out,
                         lr_error *err)
{
	uint64_t h = mix_str(LR_FNV1A64_INIT, magic);
	h = mix_str(h, LR_VERSION);
	for (int k = 0; k < n_keys; k++) {
		const char *v = r->value[k];
		if (!v)
			continue;
		h = mix_str(h, lr_batch_key_names[k]);
		h = mix_str(h, v);
		if (!is_path_kind(key_kinds[k]))
			continue;
		struct stat st;
		int rc = LR_OK;
		if (stat(v, &st) != 0) {
			h = mix_str(h, "(not a local file)");
		} else if (S_ISDIR(st.st_mode)) {
			h = mix_str(h, "(folder)");
			rc = mix_dir(&h, v, "", 0, cache, err);
		} else if (key_kinds[k] == K_SOURCE) {
			rc = mix_with_sidecars(&h, v, &st, cache, err);
		} else {
			rc = mix_file(&h, v, "", &st, cache, err);
		}
		if (rc != LR_OK)
			return rc;
	}
	*out = h;
	return LR_OK;
}

int lr_batch_run_hash(const lr_batch_run *r, lr_batch_hash_cache *cache,
                      uint64_t *out, lr_error *err)
{
	return hash_settings(r, "landrelease batch run 1", LR_BATCH_N_KEYS,
	                     cache, out, err);
}

int lr_batch_analysis_hash(const lr_batch_run *r, lr_batch_hash_cache *cache,
                           uint64_t *out, lr_error *err)
{
	/* The keys before LR_BK_DEADLINE are analyze's. */
	return hash_settings(r, "landrelease batch analysis 1", LR_BK_DEADLINE,
	                     cache, out, err);
}

/* ---- Marker ----------------------------------------------------------------
 */

int lr_batch_marker_write(const char *dir, const lr_batch_marker *m,
                          lr_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/%s", dir, LR_BATCH_MARKER);
	FILE *f = lr_atomic_open(path, tmp, sizeof tmp, err);
	if (!f)
		return LR_ERR_IO;
	fprintf(f,
	        "landrelease-run 1\nversion %s\nhash %016" PRIx64
	        "\nseconds %.3f\n",
	        LR_VERSION, m->hash, m->seconds);
	return lr_atomic_close(f, tmp, path, err);
}

int lr_batch_marker_read(const char *dir, lr_batch_marker *m)
{
	char path[PATH_MAX], line[256];
	snprintf(path, sizeof path, "%s/%s", dir, LR_BATCH_MARKER);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int have_hash = 0, have_seconds = 0, have_magic = 0;
	while (fgets(line, sizeof line, f)) {
		if (!strcmp(line, "landrelease-run 1\n"))
			have_magic = 1;
		else if (sscanf(line, "hash %" SCNx64, &m->hash) == 1)
			have_hash = 1;
		else if (sscanf(line, "seconds %lf", &m->seconds) == 1)
			have_seconds = 1;
	}
	fclose(f);
	return have_magic && have_hash && have_seconds;
}

/* ---- Reading a run folder -------------------------------------------------
 */

#define CSV_MAX_FIELDS 32

/* The fields of the record at *p (base's CSV reader), at most
** CSV_MAX_FIELDS of them. */
static int csv_record(char **p, char *fields[CSV_MAX_FIELDS])
{
	int n = lr_csv_record(p, fields, CSV_MAX_FIELDS);
	return n < CSV_MAX_FIELDS ? n : CSV_MAX_FIELDS;
}

/*
** In the CSV file at path, find the last row whose column key_col equals
** key, and copy the columns named in want[] (n_want of them) into out[]
** (each out_size bytes).  LR_OK, or LR_ERR_INPUT naming path.
*/
static int csv_pick(const char *path, const char *key_col, const char *key,
                    const char *const *want, char **out, size_t out_size,
                    int n_want, lr_error *err)
{
	char *text;
	int rc = lr_read_file(path, &text, NULL, err);
	if (rc != LR_OK)
		return rc;
	char *p = text, *fields[CSV_MAX_FIELDS];
	int nf = csv_record(&p, fields), key_i = -1, idx[CSV_MAX_FIELDS];
	for (int i = 0; i < nf; i++)
		if (!strcmp(fields[i], key_col))
			key_i = i;
	for (int j = 0; j < n_want; j++) {
		idx[j] = -1;
		for (int i = 0; i < nf; i++)
			if (!strcmp(fields[i], want[j]))
				idx[j] = i;
		if (idx[j] < 0)
			key_i = -1;
	}
	if (key_i < 0) {
		rc = lr_error_set(err, LR_ERR_INPUT,
		                  "%s: header lacks an expected column", path);
		goto done;
	}
	bool found = false;
	int n;
	while ((n = csv_record(&p, fields)) > 0) {
		if (key_i >= n || strcmp(fields[key_i], key))
			continue;
		for (int j = 0; j < n_want; j++)
			snprintf(out[j], out_size, "%s",
			         idx[j] < n ? fields[idx[j]] : "");
		found = true;
	}
	if (!found)
		rc = lr_error_set(err, LR_ERR_INPUT, "%s: no %s row", path,
		                  key);
done:
	free(text);
	return rc;
}

int lr_batch_row_read(const char *dir, lr_batch_row *row, lr_error *err)
{
	char path[PATH_MAX];
	int rc = lr_commit_recover(dir, err);
	if (rc != LR_OK)
		return rc;
	{
		static const char *const want[] = {"total_m2", "sha_m2",
		                                   "cha_m2"};
		char *out[] = {row->remaining_m2, row->sha_m2, row->cha_m2};
		snprintf(path, sizeof path, "%s/remaining_by_region.csv", dir);
		if ((rc = csv_pick(path, "region_id", "TOTAL", want, out,
		                   sizeof row->sha_m2, 3, err)) != LR_OK)
			return rc;
	}
	{
		static const char *const want[] = {"released_m2"};
		char *out[] = {row->released_last_year_m2};
		snprintf(path, sizeof path, "%s/release_by_year.csv", dir);
		if ((rc = csv_pick(path, "region_id", "TOTAL", want, out,
		                   sizeof row->released_last_year_m2, 1,
		                   err)) != LR_OK)
			return rc;
	}
	row->p50_date[0] = row->p90_date[0] = row->deadline[0] = '\0';
	row->p_on_time[0] = row->extension_years[0] = '\0';
	snprintf(path, sizeof path, "%s/completion.csv", dir);
	if (access(path, F_OK) == 0) {
		static const char *const want[] = {"p50_date", "p90_date",
		                                   "deadline", "p_on_time",
		                                   "extension_years"};
		char b[5][32];
		char *out[] = {b[0], b[1], b[2], b[3], b[4]};
		if ((rc = csv_pick(path, "region_id", "TOTAL", want, out,
		                   sizeof b[0], 5, err)) != LR_OK)
			return rc;
		snprintf(row->p50_date, sizeof row->p50_date, "%.15s", b[0]);
		snprintf(row->p90_date, sizeof row->p90_date, "%.15s", b[1]);
		snprintf(row->deadline, sizeof row->deadline, "%.15s", b[2]);
		snprintf(row->p_on_time, sizeof row->p_on_time, "%.23s", b[3]);
		snprintf(row->extension_years, sizeof row->extension_years,
		         "%.15s", b[4]);
	}
	/* Rejected features: the store's ingest counts, through its reader. */
	snprintf(path, sizeof path, "%s/" LR_STORE_FILE, dir);
	lr_store_reader *rd = NULL;
	int64_t rejected = 0;
	if ((rc = lr_store_reader_open(path, &rd, err)) == LR_OK &&
	    (rc = lr_store_read_rejected(rd, &rejected, err)) == LR_OK)
		snprintf(row->rejected_features, sizeof row->rejected_features,
		         "%lld", (long long)rejected);
	lr_store_reader_close(rd);
	return rc;
}

/* ---- Writing the summary ------------------------------------------------ */

static const char *row_field(const lr_batch_row *r, int col, char *buf,
                             size_t size)
{
	switch (col) {
	case 0:
		return r->run;
	case 1:
		return r->ok ? "ok" : "failed";
	case 2:
		return r->remaining_m2;
	case 3:
		return r->sha_m2;
	case 4:
		return r->cha_m2;
	case 5:
		return r->released_last_year_m2;
	case 6:
		return r->p50_date;
	case 7:
		return r->p90_date;
	case 8:
		return r->deadline;
	case 9:
		return r->p_on_time;
	case 10:
		return r->extension_years;
	case 11:
		return r->rejected_features;
	case 12:
		snprintf(buf, size, "%.2f", r->seconds);
		return buf;
	default:
		return r->ok ? "" : r->error;
	}
}

int lr_batch_summary_write(const lr_batch_row *rows, int n,
                           const char *csv_path, const char *md_path,
                           lr_error *err)
{
	char tmp[PATH_MAX + 32], buf[32];
	FILE *f = lr_atomic_open(csv_path, tmp, sizeof tmp, err);
	if (!f)
		return LR_ERR_IO;
	for (int c = 0; c < LR_BATCH_N_COLUMNS; c++)
		fprintf(f, "%s%s", c ? "," : "", lr_batch_summary_columns[c]);
	fputc('\n', f);
	for (int i = 0; i < n; i++) {
		for (int c = 0; c < LR_BATCH_N_COLUMNS; c++) {
			if (c)
				fputc(',', f);
			lr_csv_field(f,
			             row_field(&rows[i], c, buf, sizeof buf));
		}
		fputc('\n', f);
	}
	int rc = lr_atomic_close(f, tmp, csv_path, err);
	if (rc != LR_OK || !md_path)
		return rc;
	if (!(f = lr_atomic_open(md_path, tmp, sizeof tmp, err)))
		return LR_ERR_IO;
	int ok = 0;
	for (int i = 0; i < n; i++)
		ok += rows[i].ok;
	fprintf(f, "# Batch summary\n\n%d runs: %d ok, %d failed.\n\n", n, ok,
	        n - ok);
	for (int c = 0; c < LR_BATCH_N_COLUMNS; c++)
		fprintf(f, "| %s ", lr_batch_summary_columns[c]);
	fputs("|\n", f);
	for (int c = 0; c < LR_BATCH_N_COLUMNS; c++)
		fputs(c >= 2 && c <= 12 ? "|---:" : "|---", f);
	fputs("|\n", f);
	for (int i = 0; i < n; i++) {
		for (int c = 0; c < LR_BATCH_N_COLUMNS; c++) {
			fputs("| ", f);
			for (const char *s =
			             row_field(&rows[i], c, buf, sizeof buf);
			     *s; s++) {
				if (*s == '|')
					fputc('\\', f);
				fputc(*s == '\n' ? ' ' : *s, f);
			}
			fputc(' ', f);
		}
		fputs("|\n", f);
	}
	return lr_atomic_close(f, tmp, md_path, err);
}
