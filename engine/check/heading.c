/*
** Column headings as published ("CHA area (km²)", "No. of SHAs", "Area
** cleared (sq m)", "Remaining at end (km²)") read into the names the rules
** use (cha_km2, sha_count, cleared_m2, remaining_end_km2), with the reason
** when a heading is read otherwise than by its letters.
*/
#include "check_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The words of a normalised heading ("cha_area_km2" -> cha, area, km2). */
typedef struct words {
	char w[32][24];
	int n;
} words;

static void split_words(const char *norm, words *ws)
{
	ws->n = 0;
	const char *p = norm;
	while (*p && ws->n < 32) {
		while (*p == '_' || *p == ',' || *p == ':')
			p++;
		size_t n = 0;
		while (p[n] && p[n] != '_' && p[n] != ',' && p[n] != ':')
			n++;
		if (n == 0)
			break;
		snprintf(ws->w[ws->n++], sizeof ws->w[0], "%.*s", (int)n, p);
		p += n;
	}
}

static bool is_word(const words *ws, int i, const char *const *set)
{
	if (i < 0 || i >= ws->n)
		return false;
	for (int k = 0; set[k]; k++)
		if (!strcmp(ws->w[i], set[k]))
			return true;
	return false;
}

static int find_word(const words *ws, const char *const *set)
{
	for (int i = 0; i < ws->n; i++)
		if (is_word(ws, i, set))
			return i;
	return -1;
}

/* The unit of area a heading names: "_m2", "_km2", "_ha", or NULL. */
static const char *area_unit(const words *ws)
{
	static const char *const m2[] = {"m2", "sqm", "sqm2", NULL};
	static const char *const km2[] = {"km2", "sqkm", NULL};
	static const char *const ha[] = {"ha", "hectares", "hectare", NULL};
	static const char *const sq[] = {"sq", "square", NULL};
	static const char *const metres[] = {"m",       "metres", "meters",
	                                     "metre",   "meter",  "metres2",
	                                     "meters2", NULL};
	static const char *const kms[] = {"km",         "kilometres",
	                                  "kilometers", "kilometre",
	                                  "kilometer",  NULL};
	if (find_word(ws, km2) >= 0)
		return "_km2";
	if (find_word(ws, m2) >= 0)
		return "_m2";
	if (find_word(ws, ha) >= 0)
		return "_ha";
	for (int i = 0; i + 1 < ws->n; i++)
		if (is_word(ws, i, sq)) {
			if (is_word(ws, i + 1, kms))
				return "_km2";
			if (is_word(ws, i + 1, metres))
				return "_m2";
		}
	return NULL;
}

/* The words of a heading that are not its unit, joined by '_'. */
static void plain_words(const words *ws, char *out, size_t size)
{
	static const char *const units[] = {
	        "m2",         "sqm",      "sqm2",    "km2", "sqkm",
	        "ha",         "hectares", "hectare", "sq",  "square",
	        "m",          "metres",   "meters",  "km",  "kilometres",
	        "kilometers", NULL};
	size_t n = 0;
	*out = '\0';
	for (int i = 0; i < ws->n; i++)
		if (!is_word(ws, i, units) && n + strlen(ws->w[i]) + 2 < size)
			n += (size_t)snprintf(out + n, size - n, "%s%s",
			                      n ? "_" : "", ws->w[i]);
	if (!*out)
		snprintf(out, size, "area");
}

/* The figure a heading's words name: "sha", "remaining_end", "cleared"...,
** or "" when none. */
static const char *concept(const words *ws, bool dated)
{
	static const struct {
		const char *words[8];
		const char *base;
	} map[] = {
	        {{"suspected", "sha", "shas", NULL}, "sha"},
	        {{"confirmed", "cha", "chas", NULL}, "cha"},
	        /* hazardous areas neither suspected nor confirmed that the
	        ** total counts ("Dangerous areas": Sudan's, from accidents) */
	        {{"dangerous", NULL}, "other"},
	        {{"cancelled", "canceled", "cancellation", "cancel", "nts",
	          "nontechnical", NULL},
	         "cancelled"},
	        {{"reduced", "reduction", "reduce", "ts", "technical", NULL},
	         "reduced"},
	        {{"cleared", "clearance", "clear", NULL}, "cleared"},
	        {{"released", "release", NULL}, "released"},
	        {{"new", "newly", "added", "additional", NULL}, "new"},
	};
	static const char *const remaining[] = {
	        "remaining",   "contamination", "contaminated",
	        "outstanding", "hazardous",     "mined",
	        NULL};
	static const char *const start[] = {"start", "beginning", "previous",
	                                    "opening", NULL};
	static const char *const total[] = {"total", NULL};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (find_word(ws, map[i].words) >= 0)
			return map[i].base;
	if (dated && find_word(ws, start) >= 0)
		return "remaining_start"; /* "At the beginning (sq km)" */
	if (find_word(ws, remaining) >= 0) {
		if (!dated)
			return "remaining";
		return find_word(ws, start) >= 0 ? "remaining_start"
		                                 : "remaining_end";
	}
	if (find_word(ws, total) >= 0)
		return dated ? "" : "total";
	return "";
}

/* Does the heading count areas ("No. of CHAs", "Number of SHAs", "CHAs")? */
static bool counts_areas(const words *ws)
{
	static const char *const cnt[] = {"number", "no", "count",
	                                  "nr",     "#",  NULL};
	static const char *const plural[] = {"chas",     "shas",   "areas",
	                                     "hazards",  "fields", "minefields",
	                                     "polygons", NULL};
	return find_word(ws, cnt) >= 0 || find_word(ws, plural) >= 0;
}

bool lr__check_heading_is_year(const char *norm, int *year)
{
	words ws;
	split_words(norm, &ws);
	static const char *const filler[] = {
	        "end",       "of",   "as",      "at",     "the",      "year",
	        "km2",       "m2",   "ha",      "sqm",    "in",       "by",
	        "31",        "jan",  "january", "feb",    "february", "mar",
	        "march",     "apr",  "april",   "may",    "jun",      "june",
	        "jul",       "july", "aug",     "august", "sep",      "sept",
	        "september", "oct",  "october", "nov",    "november", "dec",
	        "december",  NULL};
	int y = 0;
	for (int i = 0; i < ws.n; i++) {
		const char *w = ws.w[i];
		if (strlen(w) == 4 && isdigit((unsigned char)w[0]) &&
		    strspn(w, "0123456789") == 4 && !y) {
			y = (w[0] - '0') * 1000 + (w[1] - '0') * 100 +
			    (w[2] - '0') * 10 + (w[3] - '0');
			continue;
		}
		if (!is_word(&ws, i, filler))
			return false;
	}
	if (y < 1990 || y > 2100)
		return false;
	*year = y;
	return true;
}

bool lr__check_heading_year_prefix(const char *norm, int *year, char *rest,
                                   size_t size)
{
	static const char *const filler[] = {"end", "of", "as", "at",  "the",
	                                     "in",  "by", "31", "dec", NULL};
	words ws;
	split_words(norm, &ws);
	int i = 0;
	while (i < ws.n && is_word(&ws, i, filler))
		i++;
	const char *w = i < ws.n ? ws.w[i] : "";
	if (strlen(w) != 4 || strspn(w, "0123456789") != 4 || i + 1 >= ws.n)
		return false;
	int y = atoi(w);
	if (y < 1990 || y > 2100)
		return false;
	size_t n = 0;
	*rest = '\0';
	for (int k = i + 1; k < ws.n && n + strlen(ws.w[k]) + 2 < size; k++)
		n += (size_t)snprintf(rest + n, size - n, "%s%s", n ? "_" : "",
		                      ws.w[k]);
	*year = y;
	return true;
}

bool lr__check_heading_counts(const char *norm)
{
	words ws;
	split_words(norm, &ws);
	return counts_areas(&ws);
}

/* Names of one meaning whatever their unit: items by kind, percentages,
** rates and dates of the completion table; NULL when none. */
static const char *special(const words *ws, const char *unit)
{
	static const char *const mines[] = {"mines", "mine", NULL};
	static const char *const ap[] = {"ap", "antipersonnel", "apm", NULL};
	static const char *const av[] = {"av", "antivehicle", "avm", "antitank",
	                                 NULL};
	static const char *const erw[] = {"erw", "uxo", NULL};
	static const char *const items[] = {"items", "devices", NULL};
	static const char *const pct[] = {"pct", "percent", "percentage", NULL};
	static const char *const cum[] = {"cumulative", "cumulated", NULL};
	static const char *const ontime[] = {"finished", "time", "probability",
	                                     "chance", NULL};
	static const char *const ext[] = {"extension", NULL};
	static const char *const years[] = {"years", "year", NULL};
	static const char *const rate[] = {"mean", "average", "rate", NULL};
	static const char *const improvised[] = {"improvised", NULL};
	/* Improvised AP mines are counted apart from AP mines. */
	if (!unit && find_word(ws, mines) >= 0 && find_word(ws, ap) >= 0 &&
	    find_word(ws, improvised) >= 0)
		return "ap_improvised_mines";
	if (!unit && find_word(ws, mines) >= 0 && find_word(ws, ap) >= 0)
		return "ap_mines";
	if (!unit && find_word(ws, mines) >= 0 && find_word(ws, av) >= 0)
		return "av_mines";
	if (!unit && find_word(ws, erw) >= 0)
		return "erw";
	if (!unit && find_word(ws, items) >= 0)
		return "items_destroyed";
	if (find_word(ws, pct) >= 0)
		return find_word(ws, cum) >= 0      ? "cumulative_pct"
		       : find_word(ws, ontime) >= 0 ? "p_on_time"
		                                    : NULL;
	if (!unit && find_word(ws, ext) >= 0 && find_word(ws, years) >= 0)
		return "extension_years";
	if (unit && (find_word(ws, rate) >= 0 || find_word(ws, years) >= 0))
		return !strcmp(unit, "_km2")  ? "mean_rate_km2_per_year"
		       : !strcmp(unit, "_ha") ? "mean_rate_ha_per_year"
		                              : "mean_rate_m2_per_year";
	return NULL;
}

/* "P50 completion" is p50_date; "Article 5 deadline" the deadline. */
static const char *date_name(const words *ws)
{
	static const char *const p[][2] = {
	        {"p10", "p10_date"}, {"p50", "p50_date"}, {"p90", "p90_date"}};
	static const char *const deadline[] = {"deadline", NULL};
	for (int k = 0; k < 3; k++) {
		const char *const w[] = {p[k][0], NULL};
		if (find_word(ws, w) >= 0)
			return p[k][1];
	}
	return find_word(ws, deadline) >= 0 ? "deadline" : NULL;
}

void lr__check_read_heading(const char *norm, const char *prev, bool dated,
                            const char *title_unit, char *canon, size_t size,
                            char *why, size_t wsize)
{
	words ws;
	split_words(norm, &ws);
	const char *unit = area_unit(&ws);
	const char *name = special(&ws, unit);
	if (!name)
		name = date_name(&ws);
	*why = '\0';
	if (name) {
		snprintf(canon, size, "%s", name);
		return;
	}
	const char *base = concept(&ws, dated);
	snprintf(canon, size, "%s", norm);
	/* "Suspected mined area" under "Contamination ... by county (km2)" */
	char tu[16];
	if (!unit && *title_unit && *base && strcmp(base, "total") &&
	    !counts_areas(&ws)) {
		snprintf(tu, sizeof tu, "_%s", title_unit);
		unit = tu;
		snprintf(why, wsize, "its unit from the title");
	}
	if (unit && !*base && prev && *prev) {
		/* "CHAs | Area (km²)": an area next to its count. */
		base = prev;
		snprintf(why, wsize, "the area of the column before it");
	} else if (unit && !*base) {
		base = dated ? "" : "total";
		if (*base)
			snprintf(why, wsize,
			         "an area with no other name: the "
			         "total");
	}
	if (unit && *base) {
		snprintf(canon, size, "%s%s", base, unit);
		return;
	}
	if (unit) { /* an area, of a figure no rule knows: its words */
		char w[96];
		plain_words(&ws, w, sizeof w);
		snprintf(canon, size, "%s%s", w, unit);
		return;
	}
	if (!unit && counts_areas(&ws) &&
	    (!strcmp(base, "sha") || !strcmp(base, "cha") ||
	     !strcmp(base, "other") || !strcmp(base, "total") ||
	     (!*base && !dated))) {
		snprintf(canon, size, "%s_count", *base ? base : "total");
		return;
	}
	if (!unit && !strcmp(base, "total") && prev && *prev) {
		/* "Confirmed minefields | SHAs | Total": a total of counts */
		snprintf(canon, size, "total_count");
		snprintf(why, wsize,
		         "a total after counts of areas: their "
		         "total count");
	}
}

void lr__check_heading_unit(const char *norm, char *unit, size_t size)
{
	words ws;
	split_words(norm, &ws);
	const char *u = area_unit(&ws);
	snprintf(unit, size, "%s", u ? u + 1 : "");
}

bool lr__check_heading_names_count(const char *canon, char *base, size_t size)
{
	size_t n = strlen(canon);
	if (n < 7 || strcmp(canon + n - 6, "_count"))
		return false;
	snprintf(base, size, "%.*s", (int)(n - 6), canon);
	return true;
}

void lr__check_heading_figure(const char *norm, char *base, size_t size)
{
	words ws;
	split_words(norm, &ws);
	snprintf(base, size, "%s", concept(&ws, true));
}
