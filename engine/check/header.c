/*
** Recognising a table by its header: column names normalised, each column
** given a type and unit, and the table given its kind.
*/
#include "check_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *const lr__check_kind_names[K_COUNT] = {"?", "remaining_by_region",
                                                   "release_by_year",
                                                   "completion", "workplan"};

/* Lower-case, trimmed, separators as '_', "²" as '2', no parentheses. */
void lr__check_norm_header(const char *s, char *out, size_t size)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s;
	     *p && n + 1 < size; p++) {
		char c;
		if (p[0] == 0xC2 && p[1] == 0xB2) {
			c = '2';
			p++;
		} else if (*p == '%' && n + 5 < size) {
			/* "Cumulative (%)" is cumulative_pct */
			if (n > 0 && out[n - 1] != '_')
				out[n++] = '_';
			memcpy(out + n, "pct", 3);
			n += 3;
			continue;
		} else if (*p == '(' || *p == ')' || *p == '[' || *p == ']') {
			continue;
		} else if (isspace(*p) || *p == '-' || *p == '/' || *p == '.' ||
		           *p == ',' || *p == ':' || *p == ';') {
			c = '_';
		} else {
			c = (char)tolower(*p);
		}
		if (c == '_' && (n == 0 || out[n - 1] == '_'))
			continue;
		out[n++] = c;
	}
	while (n > 0 && out[n - 1] == '_')
		n--;
	out[n] = '\0';
}

/* A region key for matching: lower case, no spaces or punctuation, Latin
** diacritics folded ("Kâmpot " and "KAMPOT" match). */
void lr__check_norm_key(const char *s, char *out, size_t size)
{
	static const char fold[] =
	        "aaaaaa?ceeeeiiii?nooooo??uuuuy??aaaaaa?ceeeeiiii?nooooo??"
	        "uuuuy?yaaaaaaccccccccdd??eeeeeeeeeegggggggghh??iiiiiiiii?"
	        "iijjkk?llllllll??nnnnnn???oooooo??rrrrrrsssssssstttt??uuuu"
	        "uuuuuuuuwwyyyzzzzzzs";
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p && n + 4 < size) {
		if (p[0] >= 0xC3 && p[0] <= 0xC5 && (p[1] & 0xC0) == 0x80) {
			unsigned cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
			char c = cp >= 0xC0 && cp < 0x180 ? fold[cp - 0xC0]
			                                  : '?';
			if (c != '?') {
				out[n++] = c;
			} else {
				out[n++] = (char)p[0];
				out[n++] = (char)p[1];
			}
			p += 2;
			continue;
		}
		if (isspace(*p) || *p == '_' || *p == '-' || *p == '.' ||
		    *p == '\'') {
			p++;
			continue;
		}
		if (p[0] == 0xC2 && p[1] == 0xA0) {
			p += 2;
			continue;
		}
		out[n++] = (char)tolower(*p++);
	}
	out[n] = '\0';
}

bool lr__check_is_total_key(const char *norm)
{
	static const char *const t[] = {
	        "total", "national", "nationaltotal", "grandtotal", "country",
	        "all",   NULL};
	for (int i = 0; t[i]; i++)
		if (!strcmp(norm, t[i]))
			return true;
	return false;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

bool lr__check_starts_with(const char *s, const char *pre)
{
	return !strncmp(s, pre, strlen(pre));
}

/* Work-plan spellings of the methods are the release table's. */
void lr__check_alias_base(char *base, size_t size)
{
	static const char *const al[][2] = {
	        {"cancel", "cancelled"},   {"reduce", "reduced"},
	        {"clear", "cleared"},      {"release", "released"},
	        {"canceled", "cancelled"}, {NULL, NULL}};
	for (int i = 0; al[i][0]; i++) {
		size_t n = strlen(al[i][0]);
		if (!strncmp(base, al[i][0], n) &&
		    (base[n] == '\0' || base[n] == '_')) {
			char tmp[96];
			snprintf(tmp, sizeof tmp, "%s%s", al[i][1], base + n);
			snprintf(base, size, "%s", tmp);
			return;
		}
	}
}

static void classify(lr__col *c)
{
	const char *n = c->norm;
	static const struct {
		const char *suffix;
		int scale;
	} units[] = {{"_m2_per_year", 0}, {"_km2_per_year", 6},
	             {"_ha_per_year", 4}, {"_m2", 0},
	             {"_km2", 6},         {"_ha", 4}};
	c->type = COL_TEXT;
	snprintf(c->base, sizeof c->base, "%s", n);
	if (lr__check_starts_with(n, "cost_per_") ||
	    lr__check_starts_with(n, "unit_cost")) {
		c->type = COL_UNIT;
		return;
	}
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (ends_with(n, units[i].suffix)) {
			c->type = COL_AREA;
			c->scale = units[i].scale;
			c->base[strlen(n) - strlen(units[i].suffix)] = '\0';
			lr__check_alias_base(c->base, sizeof c->base);
			return;
		}
	if (ends_with(n, "_pct") || !strcmp(n, "pct") ||
	    ends_with(n, "_percent")) {
		c->type = COL_PCT;
		return;
	}
	if (ends_with(n, "_count") || !strcmp(n, "ap_mines") ||
	    !strcmp(n, "ap_improvised_mines") || !strcmp(n, "av_mines") ||
	    !strcmp(n, "erw") || !strcmp(n, "mixed_items") ||
	    lr__check_starts_with(n, "items") || ends_with(n, "_items") ||
	    lr__check_starts_with(n, "teams")) {
		c->type = COL_COUNT;
		return;
	}
	if (!strcmp(n, "cost") || lr__check_starts_with(n, "cost_") ||
	    lr__check_starts_with(n, "funding") || !strcmp(n, "budget")) {
		c->type = COL_MONEY;
		return;
	}
	if (!strcmp(n, "extension_years")) {
		c->type = COL_YEARS;
		return;
	}
}

int lr__check_col_find(const lr__tab *p, const char *base, int type)
{
	for (int i = 0; i < p->ncol; i++)
		if (p->cols[i].type == type && !strcmp(p->cols[i].base, base))
			return i;
	return -1;
}

int lr__check_col_area(const lr__tab *p, const char *base)
{
	return lr__check_col_find(p, base, COL_AREA);
}

bool lr__check_has_word(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

/* tok in hay as a word of its own (ASCII case-insensitive). */
bool lr__check_has_token(const char *hay, const char *tok)
{
	size_t n = strlen(tok);
	for (const char *p = hay; p && (p = strcasestr(p, tok)) != NULL; p++)
		if ((p == hay || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]))
			return true;
	return false;
}

/* Recognise a table by its columns.  A data-quality table counts features
** and findings, a Form C list gives land per area, not per region, and a
** split by contamination repeats table 1's totals: though they give areas,
** their titles say they are none of the kinds the rules know. */
static int recognise(const lr__tab *p)
{
	bool year = p->yearc >= 0;
	if (lr__check_has_word(p->t->title, "data quality") ||
	    lr__check_has_word(p->t->title, "form c") ||
	    lr__check_has_word(p->t->title, "by contamination"))
		return K_NONE;
	if (lr__check_col_find(p, "p50_date", COL_TEXT) >= 0 ||
	    lr__check_col_find(p, "extension_years", COL_YEARS) >= 0 ||
	    lr__check_col_area(p, "mean_rate") >= 0)
		return K_COMPLETION;
	if (year) {
		bool plan_cols = false, rel_cols = false;
		for (int i = 0; i < p->ncol; i++) {
			const char *n = p->cols[i].norm;
			if (lr__check_starts_with(n, "cancel_") ||
			    lr__check_starts_with(n, "reduce_") ||
			    lr__check_starts_with(n, "clear_") ||
			    lr__check_starts_with(n, "release_") ||
			    !strcmp(n, "cumulative_pct") ||
			    lr__check_starts_with(n, "teams_needed"))
				plan_cols = true;
		}
		if (lr__check_col_area(p, "new") >= 0 ||
		    lr__check_col_area(p, "remaining_end") >= 0 ||
		    lr__check_col_area(p, "released") >= 0 ||
		    lr__check_col_area(p, "cleared") >= 0)
			rel_cols = true;
		if (plan_cols ||
		    (rel_cols && (lr__check_has_word(p->t->layer, "plan") ||
		                  lr__check_has_word(p->t->title, "plan"))))
			return K_PLAN;
		if (rel_cols)
			return K_RELEASE;
		return K_NONE;
	}
	if (lr__check_col_area(p, "total") >= 0 ||
	    lr__check_col_area(p, "sha") >= 0 ||
	    lr__check_col_area(p, "cha") >= 0 ||
	    lr__check_col_area(p, "remaining") >= 0)
		return K_REMAINING;
	/* a table of the number of hazardous areas alone */
	if (lr__check_col_find(p, "total_count", COL_COUNT) >= 0 &&
	    (lr__check_col_find(p, "sha_count", COL_COUNT) >= 0 ||
	     lr__check_col_find(p, "cha_count", COL_COUNT) >= 0))
		return K_REMAINING;
	return K_NONE;
}

void lr__check_read_header(lr__tab *p)
{
	static const char *const keys[] = {
	        "region_id", "region",   "region_code", "region_name",
	        "province",  "district", NULL};
	int keyrank = 99;
	p->key = p->yearc = p->parentc = -1;
	for (int c = 0; c < p->ncol; c++) {
		lr__col *col = &p->cols[c];
		col->label = p->t->header[c];
		if (p->heads && p->heads[c].canon[0])
			snprintf(col->norm, sizeof col->norm, "%s",
			         p->heads[c].canon);
		else
			lr__check_norm_header(col->label, col->norm,
			                      sizeof col->norm);
		classify(col);
		for (int k = 0; keys[k]; k++)
			if (!strcmp(col->norm, keys[k]) && k < keyrank) {
				keyrank = k;
				p->key = c;
			}
		if (!strcmp(col->norm, "year"))
			p->yearc = c;
		if (!strcmp(col->norm, "parent_id") ||
		    !strcmp(col->norm, "parent"))
			p->parentc = c;
	}
	p->kind = recognise(p);
}

/* Text columns of our layouts and of analyze's tables: read, or only
** informative. */
static bool known_text(const char *n)
{
	static const char *const names[] = {
	        "region_id", "region",    "region_code", "region_name",
	        "province",  "district",  "name",        "parent_id",
	        "parent",    "year",      "notes",       "note",
	        "scope",     "p10_date",  "p50_date",    "p90_date",
	        "deadline",  "p_on_time", "comments",    "remarks",
	        "source",    NULL};
	for (int k = 0; names[k]; k++)
		if (!strcmp(n, names[k]))
			return true;
	return false;
}

static bool in_list(const char *s, const char *const *list)
{
	for (int k = 0; list[k]; k++)
		if (!strcmp(s, list[k]))
			return true;
	return false;
}

/* Area figures some rule reads. */
static bool area_read(const char *base)
{
	static const char *const bases[] = {"total",
	                                    "sha",
	                                    "cha",
	                                    "other",
	                                    "remaining",
	                                    "remaining_end",
	                                    "remaining_start",
	                                    "released",
	                                    "cancelled",
	                                    "reduced",
	                                    "cleared",
	                                    "new",
	                                    "ap",
	                                    "av",
	                                    "erw",
	                                    "mixed",
	                                    "mean_rate",
	                                    "years_total",
	                                    NULL};
	if (lr__check_starts_with(base, "cumulative_"))
		base += strlen("cumulative_");
	return in_list(base, bases) ||
	       lr__check_starts_with(base, "capacity") ||
	       strstr(base, "correction") || strstr(base, "adjust") ||
	       strstr(base, "reclass") || strstr(base, "difference") ||
	       strstr(base, "change");
}

const char *lr__check_col_unread(const lr__col *c)
{
	static const char *const counts[] = {
	        "sha_count", "cha_count", "total_count", "other_count",
	        "ap_mines", "av_mines", "erw", "mixed_items",
	        /* known, though no total holds it: counted apart from AP */
	        "ap_improvised_mines", NULL};
	static const char *const items[] = {"items", "items_destroyed",
	                                    "total_items", "items_total", NULL};
	switch (c->type) {
	case COL_AREA:
		return area_read(c->base)
		               ? NULL
		               : "an area no rule knows by this name";
	case COL_COUNT:
		return in_list(c->base, counts) || in_list(c->base, items) ||
		                       lr__check_starts_with(c->base, "teams")
		               ? NULL
		               : "a count no rule knows by this name";
	case COL_PCT:
		return !strcmp(c->base, "cumulative_pct")
		               ? NULL
		               : "a percentage no rule knows by this name";
	case COL_TEXT:
		return known_text(c->norm) ? NULL : "text no rule reads";
	default:
		return NULL; /* money, unit costs and years: R22, R23, R06 */
	}
}

bool lr__check_known_name(const char *norm)
{
	lr__col c = {0};
	snprintf(c.norm, sizeof c.norm, "%s", norm);
	classify(&c);
	return lr__check_col_unread(&c) == NULL;
}

bool lr__check_heading_is_figure(const char *canon)
{
	lr__col c = {0};
	snprintf(c.norm, sizeof c.norm, "%s", canon);
	classify(&c);
	return c.type != COL_TEXT;
}

void lr__check_heading_base(const char *canon, char *base, size_t size)
{
	lr__col c = {0};
	snprintf(c.norm, sizeof c.norm, "%s", canon);
	classify(&c);
	snprintf(base, size, "%s", c.base);
}
