/*
** Scenario files for the completion projection, and the line-numbered INI
** reading that the scenario, capacity and cost files share.
**
** A scenario is an INI file (read with inih; ';' or '#' start a comment,
** also after a value) that bends the history drawn by the projection:
**
**     [national]
**     capacity.2026 = -50%        ; funding gap: 2026 release scaled by 0.5
**     capacity.2027+ = +30%       ; from 2027 on, release scaled by 1.3
**     new_finds = 1.0             ; multiply drawn new finds (0 = none)
**     [region D01]
**     capacity.2028+ = +10%
**
** Sections: [national] applies to every region; [region ID] to the region
** ID of the store (OUTSIDE included).  A section may appear more than once.
**
** Keys: `capacity` scales the release drawn from the history, `new_finds`
** the new contamination drawn.  Each takes an optional year suffix:
**     capacity          every year
**     capacity.2026     the year 2026 only
**     capacity.2027+    2027 and every year after
**     capacity.2026-2030  2026 to 2030, both included
** Years run from 1900 to 2200.
**
** `priority = D03, D01` in [national]: the national model spends its pool
** on these regions first, in order (lr_scenario_priority()).
**
** Values: a change in percent, "+30%" (factor 1.3), "-50%" (factor 0.5),
** "30%" (same as +30%), or a plain factor, "1.3", "0".  A factor below 0
** (e.g. -150%) is an error.
**
** Resolution: for a region and a year, the factor of a section is that of
** its narrowest key covering the year (a single year beats a range, a range
** beats an open "YYYY+", which beats the bare key); between keys of the
** same width the later line wins.  A year no key covers has factor 1.  The
** region's factor is the national factor times its [region ID] factor:
** regional settings adjust the national ones, they do not replace them.
**
** Errors name the file and line: unknown sections or keys, malformed years
** or values, and lines inih cannot parse.
*/
#include "lr_plan.h"
#include "lr_csv.h"
#include "lr_file.h"
#include "lr_ini.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Scenario ---------------------------------------------------------- */

#define YEAR_MIN 1900
#define YEAR_MAX 2200

typedef struct sc_entry {
	int from, to; /* years covered, both included */
	double factor;
	int line;
} sc_entry;

typedef struct sc_section {
	char *region;   /* owned; NULL for [national] */
	int line;       /* first line of the section */
	lr_vec keys[2]; /* sc_entry: 0 capacity, 1 new_finds */
} sc_section;

struct lr_scenario {
	char *name;      /* owned: file name for messages */
	lr_vec sections; /* sc_section */
	char *priority;  /* owned: [national] priority, a list of ids; NULL */
	int priority_line;
};

void lr_scenario_free(lr_scenario *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->sections.len; i++) {
		sc_section *sec = &LR_VEC_AT(&s->sections, sc_section, i);
		free(sec->region);
		lr_vec_free(&sec->keys[0]);
		lr_vec_free(&sec->keys[1]);
	}
	lr_vec_free(&s->sections);
	free(s->name);
	free(s->priority);
	free(s);
}

static sc_section *find_section(lr_scenario *s, const char *region)
{
	for (size_t i = 0; i < s->sections.len; i++) {
		sc_section *sec = &LR_VEC_AT(&s->sections, sc_section, i);
		if ((!region && !sec->region) ||
		    (region && sec->region && !strcmp(region, sec->region)))
			return sec;
	}
	return NULL;
}

/* Parse a whole year in [YEAR_MIN, YEAR_MAX] from s[0..n). */
static int parse_year(const char *s, size_t n, int *year)
{
	if (n != 4)
		return 0;
	int y = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		y = y * 10 + (s[i] - '0');
	}
	if (y < YEAR_MIN || y > YEAR_MAX)
		return 0;
	*year = y;
	return 1;
}

/* "+30%", "-50%", "30%" or a plain factor; 0 if malformed. */
static int parse_factor(const char *v, double *out)
{
	char *end;
	errno = 0;
	double x = strtod(v, &end);
	if (end == v || errno || !isfinite(x))
		return 0;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end == '%') {
		end++;
		while (*end == ' ' || *end == '\t')
			end++;
		x = 1.0 + x / 100.0;
	} else if (v[0] == '+') {
		return 0; /* "+0.3" is ambiguous: a factor or a change? */
	}
	if (*end)
		return 0;
	*out = x;
	return 1;
}

typedef struct sc_parse {
	lr_scenario *s;
	sc_section *cur; /* borrowed: section being filled, NULL before one */
	const char *name;
	char last_section[256];
} sc_parse;

static int open_section(sc_parse *p, const char *section, int line,
                        lr_error *err)
{
	const char *region = NULL;
	if (!strcmp(section, "national")) {
		region = NULL;
	} else if (!strncmp(section, "region", 6) &&
	           (section[6] == ' ' || section[6] == '\t')) {
		region = section + 6;
		while (*region == ' ' || *region == '\t')
			region++;
		if (!*region) {
			lr_error_set(err, LR_ERR_USAGE,
			             "%s:%d: [region] needs a region id, e.g. "
			             "[region D01]",
			             p->name, line);
			return 0;
		}
	} else {
		lr_error_set(err, LR_ERR_USAGE,
		             "%s:%d: unknown section [%s] (expected [national] "
		             "or [region ID])",
		             p->name, line, section);
		return 0;
	}
	sc_section *sec = find_section(p->s, region);
	if (!sec) {
		sc_section fresh = {NULL, line, {{0}, {0}}};
		lr_vec_init(&fresh.keys[0], sizeof(sc_entry));
		lr_vec_init(&fresh.keys[1], sizeof(sc_entry));
		if (region && !(fresh.region = lr_strdup(region))) {
			lr_error_set(err, LR_ERR_NOMEM, "out of memory");
			return 0;
		}
		sec = lr_vec_push(&p->s->sections, &fresh);
		if (!sec) {
			free(fresh.region);
			lr_error_set(err, LR_ERR_NOMEM, "out of memory");
			return 0;
		}
	}
	p->cur = sec;
	snprintf(p->last_section, sizeof p->last_section, "%s", section);
	return 1;
}

/* The [national] priority list, kept as written until the regions are known. */
static int set_priority(sc_parse *p, const char *value, int line, lr_error *err)
{
	if (p->cur->region) {
		lr_error_set(err, LR_ERR_USAGE,
		             "%s:%d: priority belongs in [national], not in "
		             "[region %s]",
		             p->name, line, p->cur->region);
		return 0;
	}
	char *copy = lr_strdup(value);
	if (!copy) {
		lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		return 0;
	}
	free(p->s->priority);
	p->s->priority = copy;
	p->s->priority_line = line;
	return 1;
}

static int sc_on_value(void *user, const char *section, const char *key,
                       const char *value, int line, int section_line,
                       lr_error *err)
{
	sc_parse *p = user;
	if (!section[0]) {
		lr_error_set(err, LR_ERR_USAGE,
		             "%s:%d: '%s' is outside any section (start with "
		             "[national] or [region ID])",
		             p->name, line, key);
		return 0;
	}
	if (!p->cur || strcmp(section, p->last_section))
		if (!open_section(p, section, section_line, err))
			return 0;

	if (!strcmp(key, "priority"))
		return set_priority(p, value, line, err);
	int which;
	size_t base;
	if (!strncmp(key, "capacity", 8)) {
		which = 0;
		base = 8;
	} else if (!strncmp(key, "new_finds", 9)) {
		which = 1;
		base = 9;
	} else {
		lr_error_set(
		        err, LR_ERR_USAGE,
		        "%s:%d: unknown key '%s' (expected capacity[.YEAR] "
		        "or new_finds[.YEAR])",
		        p->name, line, key);
		return 0;
	}
	sc_entry e = {INT_MIN, INT_MAX, 1.0, line};
	const char *suffix = key + base;
	if (*suffix) {
		size_t n = strlen(suffix);
		const char *dash;
		int ok;
		if (*suffix != '.') {
			ok = 0;
		} else if (suffix[n - 1] == '+') {
			ok = parse_year(suffix + 1, n - 2, &e.from);
		} else if ((dash = strchr(suffix, '-'))) {
			ok = parse_year(suffix + 1, (size_t)(dash - suffix - 1),
			                &e.from) &&
			     parse_year(dash + 1, strlen(dash + 1), &e.to) &&
			     e.from <= e.to;
		} else {
			ok = parse_year(suffix + 1, n - 1, &e.from);
			e.to = e.from;
		}
		if (!ok) {
			lr_error_set(err, LR_ERR_USAGE,
			             "%s:%d: bad year in '%s' (expected .YYYY, "
			             ".YYYY+ or .YYYY-YYYY with years %d-%d)",
			             p->name, line, key, YEAR_MIN, YEAR_MAX);
			return 0;
		}
	}
	if (!parse_factor(value, &e.factor)) {
		lr_error_set(err, LR_ERR_USAGE,
		             "%s:%d: bad value '%s' for %s (expected a change "
		             "such as +30%% or -50%%, or a factor such as 1.3)",
		             p->name, line, value, key);
		return 0;
	}
	if (e.factor < 0) {
		lr_error_set(err, LR_ERR_USAGE,
		             "%s:%d: %s = %s gives a negative factor (%g)",
		             p->name, line, key, value, e.factor);
		return 0;
	}
	if (!lr_vec_push(&p->cur->keys[which], &e)) {
		lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		return 0;
	}
	return 1;
}

int lr_scenario_parse(const char *text, const char *name, lr_scenario **out,
                      lr_error *err)
{
	*out = NULL;
	lr_scenario *s = lr_xcalloc(1, sizeof *s);
	if (!s || !(s->name = lr_strdup(name ? name : "scenario"))) {
		free(s);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	lr_vec_init(&s->sections, sizeof(sc_section));
	sc_parse p = {s, NULL, s->name, ""};
	int rc = lr_ini_parse(text, name, s->name, sc_on_value, &p, err);
	if (rc != LR_OK) {
		lr_scenario_free(s);
		return rc;
	}
	*out = s;
	return LR_OK;
}

int lr_scenario_load(const char *path, lr_scenario **out, lr_error *err)
{
	*out = NULL;
	char *text;
	int rc = lr_read_file(path, &text, NULL, err);
	if (rc != LR_OK)
		return rc;
	rc = lr_scenario_parse(text, path, out, err);
	free(text);
	return rc;
}

/* The factor of one key family of a section for year (1 if none). */
static double section_factor(const sc_section *sec, int which, int year)
{
	const sc_entry *best = NULL;
	for (size_t i = 0; i < sec->keys[which].len; i++) {
		const sc_entry *e = &LR_VEC_AT(&sec->keys[which], sc_entry, i);
		if (year < e->from || year > e->to)
			continue;
		/* Narrowest span wins; equal spans: the later line. */
		if (!best ||
		    (int64_t)e->to - e->from < (int64_t)best->to - best->from ||
		    ((int64_t)e->to - e->from ==
		             (int64_t)best->to - best->from &&
		     e->line > best->line))
			best = e;
	}
	return best ? best->factor : 1.0;
}

void lr_scenario_factors(const lr_scenario *s, const char *region_id, int year,
                         double *capacity, double *new_finds)
{
	*capacity = 1.0;
	*new_finds = 1.0;
	if (!s)
		return;
	for (size_t i = 0; i < s->sections.len; i++) {
		const sc_section *sec = &LR_VEC_AT(&s->sections, sc_section, i);
		if (sec->region &&
		    (!region_id || strcmp(sec->region, region_id)))
			continue;
		*capacity *= section_factor(sec, 0, year);
		*new_finds *= section_factor(sec, 1, year);
	}
}

int lr_scenario_check_regions(const lr_scenario *s, const lr_history *h,
                              lr_error *err)
{
	if (!s)
		return LR_OK;
	for (size_t i = 0; i < s->sections.len; i++) {
		const sc_section *sec = &LR_VEC_AT(&s->sections, sc_section, i);
		if (!sec->region)
			continue;
		int found = 0;
		for (int r = 0; r < h->n_regions && !found; r++)
			found = !strcmp(h->region_id[r], sec->region);
		if (!found)
			return lr_error_set(err, LR_ERR_USAGE,
			                    "%s:%d: region '%s' is not in the "
			                    "store",
			                    s->name, sec->line, sec->region);
	}
	return LR_OK;
}

int lr_scenario_priority(const lr_scenario *s, const lr_history *h, int *order,
                         int *n_order, lr_error *err)
{
	*n_order = 0;
	if (!s || !s->priority)
		return LR_OK;
	int n = 0;
	const char *p = s->priority;
	while (*p) {
		size_t len = strcspn(p, ",");
		const char *id = p;
		p += len + (p[len] == ',');
		while (len && (*id == ' ' || *id == '\t'))
			id++, len--;
		while (len && (id[len - 1] == ' ' || id[len - 1] == '\t'))
			len--;
		if (!len)
			continue;
		int r = 0;
		while (r < h->n_regions && (strlen(h->region_id[r]) != len ||
		                            strncmp(h->region_id[r], id, len)))
			r++;
		for (int i = 0; i < n && r < h->n_regions; i++)
			if (order[i] == r)
				return lr_error_set(err, LR_ERR_USAGE,
				                    "%s:%d: region '%.*s' is "
				                    "listed twice in priority",
				                    s->name, s->priority_line,
				                    (int)len, id);
		if (r == h->n_regions)
			return lr_error_set(
			        err, LR_ERR_USAGE,
			        "%s:%d: priority names '%.*s', which "
			        "is not a region of the store",
			        s->name, s->priority_line, (int)len, id);
		order[n++] = r;
		*n_order = n;
	}
	return LR_OK;
}
