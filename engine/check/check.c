/*
** The rules of `landrelease check`: figures of a submitted request checked
** against each other, against the previous work plan and against a land
** ledger (docs/check.md).
*/
#include "lr_check.h"
#include "lr_csv.h"
#include "lr_file.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- The rules ---------------------------------------------------------- */

enum {
	R_SUM,
	R_SHACHA,
	R_METHOD,
	R_PARTS,
	R_PCT,
	R_WHOLE,
	R_NEG,
	R_COUNTAREA,
	R_DUP,
	R_SPELL,
	R_ROLL,
	R_REMREL,
	R_START,
	R_GROWTH,
	R_GONE,
	R_CUMUL,
	R_YEARS,
	R_ZERO,
	R_LENGTH,
	R_PACE,
	R_CAPACITY,
	R_COST,
	R_FUNDING,
	R_PREVIOUS,
	R_SLIP,
	R_SCOPE,
	R_NUMBER,
	R_LEDGER,
	R_COUNT
};

const lr_check_rule lr_check_rules[] = {
        [R_SUM] = {"R01-region-sum", "error",
                   "TOTAL and subtotal rows (parent_id) equal the sum of "
                   "their regions, column by column"},
        [R_SHACHA] = {"R02-sha-cha-total", "error",
                      "SHA + CHA = total, for areas and counts"},
        [R_METHOD] = {"R03-method-sum", "error",
                      "cancelled + reduced + cleared = released (work "
                      "plan: cancel + reduce + clear = release)"},
        [R_PARTS] = {"R04-parts-sum", "error",
                     "AP + AV + ERW (+ mixed) parts equal their total "
                     "column, when one exists"},
        [R_PCT] = {"R05-percentage", "error",
                   "percentages equal achieved / target (work plan "
                   "cumulative_pct: released so far / land at the start)"},
        [R_WHOLE] = {"R06-whole-count", "error",
                     "counts of areas and of items destroyed are whole "
                     "numbers"},
        [R_NEG] = {"R07-negative", "error",
                   "areas, counts, items and money are not negative "
                   "(corrections and reclassifications may be)"},
        [R_COUNTAREA] = {"R08-count-area", "error",
                         "an area with no count of areas, or a count with "
                         "no area"},
        [R_DUP] = {"R09-duplicate-row", "error",
                   "each region appears once per table (and year)"},
        [R_SPELL] = {"R10-region-spelling", "warning",
                     "one spelling per region across tables and years "
                     "(case, space and diacritic variants)"},
        [R_ROLL] = {"R11-roll-forward", "error",
                    "remaining at the end of a year = remaining at the end "
                    "of the previous year + new - released (+ "
                    "reclassification, corrections), per region and "
                    "nation"},
        [R_REMREL] = {"R12-remaining-vs-release", "error",
                      "the remaining table equals the last year of the "
                      "release table"},
        [R_START] = {"R13-plan-start", "error",
                     "the completion table and the work plan start from "
                     "the remaining land"},
        [R_GROWTH] = {"R14-growth-without-new", "error",
                      "a region's remaining land grows with no new "
                      "contamination declared"},
        [R_GONE] = {"R15-region-disappears", "error",
                    "a region with remaining land is missing from a later "
                    "year or table without having been released"},
        [R_CUMUL] = {"R16-cumulative", "error",
                     "cumulative columns equal the running sum of their "
                     "annual column"},
        [R_YEARS] = {"R17-plan-years", "error",
                     "work plan years are contiguous and inside the "
                     "requested period"},
        [R_ZERO] = {"R18-plan-reaches-zero", "error",
                    "the work plan reaches zero remaining in the last "
                    "year of the requested period"},
        [R_LENGTH] = {"R19-period-length", "error",
                      "at most 10 years are asked (Article 5.3)"},
        [R_PACE] = {"R20-plan-pace", "warning",
                    "planned release above twice the best year achieved "
                    "(the best and median years are given)"},
        [R_CAPACITY] = {"R21-plan-capacity", "warning",
                        "planned release or teams above the stated "
                        "capacity"},
        [R_COST] = {"R22-plan-cost", "error",
                    "cost = area by method x unit cost"},
        [R_FUNDING] = {"R23-funding-sum", "error",
                       "funding sources sum to the cost"},
        [R_PREVIOUS] = {"R24-previous-plan", "warning",
                        "land released below what the previous work plan "
                        "planned for that year and region"},
        [R_SLIP] = {"R25-unit-slip", "warning",
                    "a figure 10, 100, 1000 or 10^6 times the same "
                    "region's figure of the previous year"},
        [R_SCOPE] = {"R26-scope", "warning",
                     "figures that mix AP-mined areas with AV mines or "
                     "other ERW"},
        [R_NUMBER] = {"R27-not-a-number", "error",
                      "a figure that cannot be read as a number"},
        [R_LEDGER] = {"R28-against-ledger", "error",
                      "with --against: a stated figure differs from the "
                      "ledger's beyond the tolerance and rounding"},
};
const size_t lr_check_n_rules = R_COUNT;

/* ---- Figures ------------------------------------------------------------ */

static int is_blank_marker(const char *s)
{
	static const char *const blank[] = {
	        "",    "-", "\xe2\x80\x93", "\xe2\x80\x94", "n/a", "na", "..",
	        "nil", NULL};
	for (int i = 0; blank[i]; i++)
		if (!strcasecmp(s, blank[i]))
			return 1;
	return 0;
}

/* Parse a decimal number as written into mantissa and decimals. */
static int parse_decimal(const char *s, int64_t *mant, int *dec, bool *neg)
{
	*neg = false;
	if (*s == '+')
		s++;
	else if (*s == '-') {
		*neg = true;
		s++;
	} else if (!strncmp(s, "\xe2\x88\x92", 3)) { /* U+2212 minus */
		*neg = true;
		s += 3;
	}
	/* Decimal comma: no point, one comma not followed by exactly three
	** digits ("12,5"). */
	const char *comma = strchr(s, ',');
	bool comma_dec = false;
	if (comma && !strchr(s, '.') && !strchr(comma + 1, ',')) {
		size_t nd = 0;
		while (isdigit((unsigned char)comma[1 + nd]))
			nd++;
		comma_dec = nd != 3 || comma[1 + nd] != '\0';
	}
	int64_t m = 0;
	int digits = 0, d = -1;
	bool any = false;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isdigit(c)) {
			if (m > (INT64_MAX - 9) / 10 || digits >= 18)
				return -1;
			m = m * 10 + (c - '0');
			if (m > 0)
				digits++;
			any = true;
			if (d >= 0)
				d++;
		} else if (c == '.' || (c == ',' && comma_dec)) {
			if (d >= 0)
				return -1;
			d = 0;
		} else if (c == ',' || c == ' ' || c == '\'') {
			if (d >= 0)
				return -1;
		} else if (c == 0xC2 && (unsigned char)p[1] == 0xA0) {
			p++; /* no-break space as thousands separator */
		} else if (c == 0xE2 && (unsigned char)p[1] == 0x80 &&
		           (unsigned char)p[2] == 0xAF) {
			p += 2; /* narrow no-break space */
		} else if (c == '%' && p[1] == '\0') {
			break;
		} else {
			return -1;
		}
	}
	if (!any)
		return -1;
	*mant = m;
	*dec = d < 0 ? 0 : d;
	return 1;
}

static const int64_t pow10_tab[19] = {1,
                                      10,
                                      100,
                                      1000,
                                      10000,
                                      100000,
                                      1000000,
                                      10000000,
                                      100000000,
                                      1000000000,
                                      10000000000,
                                      100000000000,
                                      1000000000000,
                                      10000000000000,
                                      100000000000000,
                                      1000000000000000,
                                      10000000000000000,
                                      100000000000000000,
                                      1000000000000000000};

/* The largest figure read, in hundredths: 10^14 m2 (10^8 km2), 10^14 units
** of money.  A few such figures add up far inside int64; sums over rows or
** columns stop at SUM_MAX. */
#define FIG_MAX 10000000000000000LL   /* 10^16 */
#define SUM_MAX 1000000000000000000LL /* 10^18 */

int lr_check_parse_figure(const char *s, int scale_exp, int64_t *hundredths,
                          int *decimals)
{
	if (is_blank_marker(s))
		return 0;
	int64_t m;
	int dec;
	bool neg;
	if (parse_decimal(s, &m, &dec, &neg) < 0)
		return -1;
	/* Binary floating point noise from a workbook ("1234.5599999999999"):
	** read it back through the shortest faithful decimal form. */
	if (dec > 9) {
		bool was_neg = neg;
		double x = (double)m / pow(10.0, dec);
		char buf[64];
		snprintf(buf, sizeof buf, "%.12g", x);
		if (strchr(buf, 'e') || parse_decimal(buf, &m, &dec, &neg) < 0)
			return -1;
		neg = was_neg;
	}
	/* Trailing zeros say nothing about the precision (a workbook may write
	** 12.5000000000000000). */
	int sig = dec;
	int64_t mm = m;
	while (sig > 0 && mm % 10 == 0) {
		mm /= 10;
		sig--;
	}
	int shift = 2 + scale_exp - sig;
	int64_t v;
	if (shift >= 0) {
		if (shift > 18 || mm > INT64_MAX / pow10_tab[shift])
			return -1;
		v = mm * pow10_tab[shift];
	} else {
		if (-shift > 18)
			v = 0;
		else {
			int64_t p = pow10_tab[-shift];
			v = (mm + p / 2) / p;
		}
	}
	if (v > FIG_MAX)
		return -1;
	*hundredths = neg ? -v : v;
	*decimals = sig;
	return 1;
}

/* a + v into *acc, or false (*acc unchanged) when the sum would leave
** +-SUM_MAX: sums over any number of rows or columns go through here. */
static bool add_fig(int64_t *acc, int64_t v)
{
	int64_t s = *acc + v; /* |*acc| <= SUM_MAX, |v| <= FIG_MAX */
	if (s > SUM_MAX || s < -SUM_MAX)
		return false;
	*acc = s;
	return true;
}

/* ---- Parsed tables ------------------------------------------------------ */

/* Parent walks stop here: a cycle of parent_id rows (A in B in A) must not
** hang the checker, and no real hierarchy is this deep. */
#define MAX_PARENT_DEPTH 32

enum {
	COL_TEXT,
	COL_AREA,  /* hundredths of m2 */
	COL_COUNT, /* hundredths of a count */
	COL_MONEY, /* hundredths of the currency */
	COL_PCT,   /* hundredths of a percent */
	COL_UNIT,  /* a unit cost: read as a double */
	COL_YEARS  /* a number of years */
};

enum { K_NONE, K_REMAINING, K_RELEASE, K_COMPLETION, K_PLAN };
static const char *const kind_names[] = {"?", "remaining_by_region",
                                         "release_by_year", "completion",
                                         "workplan"};

typedef struct fig {
	int64_t v;
	double d; /* for unit costs */
	bool set;
	bool bad; /* not a number (R27): no sum over it is checked */
} fig;

typedef struct pcol {
	char norm[96]; /* normalised header */
	char base[96]; /* without the unit; method aliases resolved */
	int type;
	int scale;         /* 0 m2, 6 km2, 4 ha (areas) */
	int dec;           /* most significant decimals seen */
	double half;       /* rounding of one stated figure, in hundredths */
	const char *label; /* the header as stated (borrowed) */
} pcol;

typedef struct prow {
	const char *key; /* as stated (borrowed) */
	char norm[128];
	int year; /* 0 if none */
	bool total;
	int parent; /* row index in the same year, or -1 */
	int depth;
	int nchild;
	fig *f; /* [ncol] */
	char label[160];
	size_t src; /* row of the source table */
} prow;

typedef struct ptab {
	const lr_table *t;
	int kind;
	lr_check_role role;
	int ncol;
	pcol *cols;
	int key, yearc, parentc;
	size_t nrows;
	prow *rows;
	int *years; /* distinct years, sorted */
	int nyears;
	bool *gone; /* [nrows] aggregates whose change a vanished region
	            ** explains (R15) */
} ptab;

typedef struct ctx {
	const lr_check_options *o;
	lr_check_report *r;
	ptab *tabs;
	size_t ntabs;
	ptab *rem, *rel, *comp, *plan; /* submitted tables, may be NULL */
	lr_vec prev;                   /* ptab * of previous plans */
	ptab *led[5];                  /* ledger tables by kind */
	int64_t tol;                   /* tolerance in hundredths of m2 */
	bool oom;
} ctx;

/* Lower-case, trimmed, separators as '_', "²" as '2', no parentheses. */
static void norm_header(const char *s, char *out, size_t size)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s;
	     *p && n + 1 < size; p++) {
		char c;
		if (p[0] == 0xC2 && p[1] == 0xB2) {
			c = '2';
			p++;
		} else if (*p == '(' || *p == ')' || *p == '[' || *p == ']') {
			continue;
		} else if (isspace(*p) || *p == '-' || *p == '/' || *p == '.') {
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
static void norm_key(const char *s, char *out, size_t size)
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

static bool is_total_key(const char *norm)
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

static bool starts_with(const char *s, const char *pre)
{
	return !strncmp(s, pre, strlen(pre));
}

/* Work-plan spellings of the methods are the release table's. */
static void alias_base(char *base, size_t size)
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

static void classify(pcol *c)
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
	if (starts_with(n, "cost_per_") || starts_with(n, "unit_cost")) {
		c->type = COL_UNIT;
		return;
	}
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (ends_with(n, units[i].suffix)) {
			c->type = COL_AREA;
			c->scale = units[i].scale;
			c->base[strlen(n) - strlen(units[i].suffix)] = '\0';
			alias_base(c->base, sizeof c->base);
			return;
		}
	if (ends_with(n, "_pct") || !strcmp(n, "pct") ||
	    ends_with(n, "_percent")) {
		c->type = COL_PCT;
		return;
	}
	if (ends_with(n, "_count") || !strcmp(n, "ap_mines") ||
	    !strcmp(n, "av_mines") || !strcmp(n, "erw") ||
	    !strcmp(n, "mixed_items") || starts_with(n, "items") ||
	    ends_with(n, "_items") || starts_with(n, "teams")) {
		c->type = COL_COUNT;
		return;
	}
	if (!strcmp(n, "cost") || starts_with(n, "cost_") ||
	    starts_with(n, "funding") || !strcmp(n, "budget")) {
		c->type = COL_MONEY;
		return;
	}
	if (!strcmp(n, "extension_years")) {
		c->type = COL_YEARS;
		return;
	}
}

static int col_find(const ptab *p, const char *base, int type)
{
	for (int i = 0; i < p->ncol; i++)
		if (p->cols[i].type == type && !strcmp(p->cols[i].base, base))
			return i;
	return -1;
}

static int col_area(const ptab *p, const char *base)
{
	return col_find(p, base, COL_AREA);
}

static fig cell(const ptab *p, size_t r, int c)
{
	fig none = {0, 0, false, false};
	if (c < 0 || r >= p->nrows)
		return none;
	return p->rows[r].f[c];
}

/* ---- Findings ----------------------------------------------------------- */

static char *dupf(ctx *x, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static char *dupf(ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0) {
		s = NULL;
		x->oom = true;
	}
	va_end(ap);
	return s;
}

/* Format v hundredths of the column's unit, at least min_dec decimals. */
static void fmt_num(char *buf, size_t size, int64_t v, int scale, int min_dec)
{
	int exp = 2 + scale;
	bool neg = v < 0;
	uint64_t a = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t p = (uint64_t)pow10_tab[exp];
	char frac[24];
	unsigned long long fr = (unsigned long long)(a % p);
	for (int i = exp - 1; i >= 0; i--) {
		frac[i] = (char)('0' + fr % 10);
		fr /= 10;
	}
	int nd = exp;
	while (nd > min_dec && frac[nd - 1] == '0')
		nd--;
	frac[nd] = '\0';
	int w = snprintf(buf, size, "%s%llu", neg ? "-" : "",
	                 (unsigned long long)(a / p));
	if (nd && w > 0 && (size_t)w + 1 < size) {
		buf[w] = '.';
		size_t room = size - (size_t)w - 1;
		size_t k = (size_t)nd < room - 1 ? (size_t)nd : room - 1;
		memcpy(buf + w + 1, frac, k);
		buf[w + 1 + k] = '\0';
	}
}

static void fmt_col(const pcol *c, char *buf, size_t size, int64_t v)
{
	if (c == NULL || c->type == COL_COUNT || c->type == COL_YEARS)
		fmt_num(buf, size, v, 0, 0);
	else
		fmt_num(buf, size, v, c->type == COL_AREA ? c->scale : 0,
		        c->type == COL_AREA && c->scale ? 0 : 2);
}

static void add_finding(ctx *x, int rule, lr_severity sev, const ptab *p,
                        const char *row, const pcol *col, const char *stated,
                        const char *expected, const char *diff, char *msg)
{
	lr_check_finding f = {.rule = lr_check_rules[rule].id,
	                      .severity = sev,
	                      .table = lr_strdup(p ? p->t->name : ""),
	                      .row = lr_strdup(row ? row : ""),
	                      .column = lr_strdup(col ? col->label : ""),
	                      .stated = lr_strdup(stated ? stated : ""),
	                      .expected = lr_strdup(expected ? expected : ""),
	                      .difference = lr_strdup(diff ? diff : ""),
	                      .message = msg ? msg : lr_strdup("")};
	if (!f.table || !f.row || !f.column || !f.stated || !f.expected ||
	    !f.difference || !f.message || !lr_vec_push(&x->r->findings, &f)) {
		x->oom = true;
		free(f.table);
		free(f.row);
		free(f.column);
		free(f.stated);
		free(f.expected);
		free(f.difference);
		free(f.message);
		return;
	}
	if (sev == LR_SEV_ERROR)
		x->r->n_error++;
	else if (sev == LR_SEV_WARNING)
		x->r->n_warning++;
	else
		x->r->n_info++;
}

static lr_severity rule_sev(int rule)
{
	return !strcmp(lr_check_rules[rule].severity, "error") ? LR_SEV_ERROR
	                                                       : LR_SEV_WARNING;
}

/* A finding with no figures. */
static void note(ctx *x, int rule, lr_severity sev, const ptab *p,
                 const char *row, const pcol *col, char *msg)
{
	add_finding(x, rule, sev, p, row, col, NULL, NULL, NULL, msg);
}

/* ratio a/b within 1% of 10^k for k in 1, 2, 3, 6 (either way): k or 0. */
static int power_slip(double a, double b)
{
	if (a == 0 || b == 0)
		return 0;
	double r = fabs(a / b);
	if (r < 1)
		r = 1 / r;
	static const int ks[] = {1, 2, 3, 6};
	for (int i = 0; i < 4; i++) {
		double p = pow(10.0, ks[i]);
		if (fabs(r / p - 1) <= 0.01)
			return ks[i];
	}
	return 0;
}

/*
** Compare a stated figure with the one the other figures imply.  Within
** the tolerance: nothing; within tolerance + rounding bound: an info
** finding; beyond: a finding of the rule's severity, with a hint when the
** two differ by a power of ten.  Returns 1 when beyond, else 0.
*/
static int compare(ctx *x, int rule, const ptab *p, const char *row,
                   const pcol *col, int64_t stated, int64_t expected,
                   double bound, const char *what)
{
	int64_t d = stated - expected;
	uint64_t ad = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
	if (ad == 0)
		return 0;
	int64_t tol = col && col->type == COL_AREA ? x->tol : 0;
	char s[48], e[48], df[48];
	fmt_col(col, s, sizeof s, stated);
	fmt_col(col, e, sizeof e, expected);
	fmt_col(col, df, sizeof df, d);
	if ((double)ad <= (double)tol)
		return 0;
	if ((double)ad <= (double)tol + bound + 1e-9) {
		char b[48];
		fmt_col(col, b, sizeof b, (int64_t)llround(bound));
		add_finding(x, rule, LR_SEV_INFO, p, row, col, s, e, df,
		            dupf(x, "%s: within rounding (up to %s)", what, b));
		return 0;
	}
	int k = power_slip((double)stated, (double)expected);
	add_finding(x, rule, rule_sev(rule), p, row, col, s, e, df,
	            dupf(x, "%s%s%s", what, k ? ": off by a factor of 10^" : "",
	                 k ? (k == 1   ? "1, a likely unit or typing slip"
	                      : k == 2 ? "2, a likely unit or typing slip"
	                      : k == 3 ? "3, a likely unit or typing slip"
	                               : "6, a likely unit or typing slip")
	                   : ""));
	return 1;
}

/* The same where the implied figure is a product or a ratio: a stated
** figure that is the rounding of it passes. */
static int compare_d(ctx *x, int rule, const ptab *p, const char *row,
                     const pcol *col, int64_t stated, double expected,
                     double bound, const char *what)
{
	if (fabs((double)stated - expected) <= col->half + 1e-6)
		return 0;
	/* a ratio or product of absurd figures may be beyond any int64 */
	double e = fmin(fmax(expected, -(double)SUM_MAX), (double)SUM_MAX);
	return compare(x, rule, p, row, col, stated, llround(e), bound + 0.5,
	               what);
}

/* ---- Reading the tables ------------------------------------------------- */

static void ptab_free(ptab *p)
{
	for (size_t i = 0; i < p->nrows; i++)
		free(p->rows[i].f);
	free(p->rows);
	free(p->cols);
	free(p->years);
	free(p->gone);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static bool has_word(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

/* tok in hay as a word of its own (ASCII case-insensitive). */
static bool has_token(const char *hay, const char *tok)
{
	size_t n = strlen(tok);
	for (const char *p = hay; p && (p = strcasestr(p, tok)) != NULL; p++)
		if ((p == hay || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]))
			return true;
	return false;
}

/* Recognise a table by its columns. */
static int recognise(const ptab *p)
{
	bool year = p->yearc >= 0;
	if (col_find(p, "p50_date", COL_TEXT) >= 0 ||
	    col_find(p, "extension_years", COL_YEARS) >= 0 ||
	    col_area(p, "mean_rate") >= 0)
		return K_COMPLETION;
	if (year) {
		bool plan_cols = false, rel_cols = false;
		for (int i = 0; i < p->ncol; i++) {
			const char *n = p->cols[i].norm;
			if (starts_with(n, "cancel_") ||
			    starts_with(n, "reduce_") ||
			    starts_with(n, "clear_") ||
			    starts_with(n, "release_") ||
			    !strcmp(n, "cumulative_pct") ||
			    starts_with(n, "teams_needed"))
				plan_cols = true;
		}
		if (col_area(p, "new") >= 0 ||
		    col_area(p, "remaining_end") >= 0 ||
		    col_area(p, "released") >= 0 || col_area(p, "cleared") >= 0)
			rel_cols = true;
		if (plan_cols || (rel_cols && (has_word(p->t->layer, "plan") ||
		                               has_word(p->t->title, "plan"))))
			return K_PLAN;
		if (rel_cols)
			return K_RELEASE;
		return K_NONE;
	}
	if (col_area(p, "total") >= 0 || col_area(p, "sha") >= 0 ||
	    col_area(p, "cha") >= 0 || col_area(p, "remaining") >= 0)
		return K_REMAINING;
	return K_NONE;
}

static int parse_table(ctx *x, const lr_check_input *in, ptab *p, lr_error *err)
{
	const lr_table *t = in->table;
	memset(p, 0, sizeof *p);
	p->t = t;
	p->role = in->role;
	p->ncol = t->n_cols;
	p->cols = lr_xcalloc((size_t)t->n_cols + 1, sizeof *p->cols);
	p->rows = lr_xcalloc(t->n_rows + 1, sizeof *p->rows);
	p->years = lr_xcalloc(t->n_rows + 1, sizeof *p->years);
	if (!p->cols || !p->rows || !p->years)
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	p->key = p->yearc = p->parentc = -1;
	int keyrank = 99;
	static const char *const keys[] = {
	        "region_id", "region",   "region_code", "region_name",
	        "province",  "district", NULL};
	for (int c = 0; c < t->n_cols; c++) {
		pcol *col = &p->cols[c];
		col->label = t->header[c];
		norm_header(t->header[c], col->norm, sizeof col->norm);
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
	if (p->kind == K_NONE)
		return LR_ERR_USAGE; /* message written by the caller */
	if (p->key < 0)
		return lr_error_set(err, LR_ERR_USAGE,
		                    "%s: looks like a %s table but has no "
		                    "region_id column",
		                    t->name, kind_names[p->kind]);
	/* Rows. */
	for (size_t r = 0; r < t->n_rows; r++) {
		prow *row = &p->rows[r];
		row->key = lr_table_cell(t, r, p->key);
		norm_key(row->key, row->norm, sizeof row->norm);
		row->total = is_total_key(row->norm);
		row->parent = -1;
		row->f = lr_xcalloc((size_t)p->ncol + 1, sizeof *row->f);
		if (!row->f)
			return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
		if (p->yearc >= 0) {
			const char *ys = lr_table_cell(t, r, p->yearc);
			char *end;
			long y = strtol(ys, &end, 10);
			/* "2021.0" from a workbook cell is the year 2021. */
			if (end != ys && !strcmp(end, ".0"))
				end += 2;
			if (end == ys || *end || y < 1900 || y > 2200) {
				add_finding(
				        x, R_NUMBER, LR_SEV_ERROR, p, row->key,
				        &p->cols[p->yearc], ys, NULL, NULL,
				        dupf(x, "year '%s' is not a year", ys));
				y = 0;
			}
			row->year = (int)y;
		}
		if (row->year)
			snprintf(row->label, sizeof row->label, "%d %s",
			         row->year, row->key);
		else
			snprintf(row->label, sizeof row->label, "%s", row->key);
		for (int c = 0; c < p->ncol; c++) {
			pcol *col = &p->cols[c];
			if (col->type == COL_TEXT)
				continue;
			const char *s = lr_table_cell(t, r, c);
			if (col->type == COL_UNIT) {
				if (is_blank_marker(s))
					continue;
				char *end;
				errno = 0;
				double d = strtod(s, &end);
				if (end == s || *end || errno || d < 0 ||
				    !isfinite(d)) {
					add_finding(x, R_NUMBER, LR_SEV_ERROR,
					            p, row->label, col, s, NULL,
					            NULL,
					            dupf(x,
					                 "'%s' is not a unit "
					                 "cost",
					                 s));
					continue;
				}
				row->f[c].d = d;
				row->f[c].set = true;
				continue;
			}
			int64_t v;
			int dec;
			int rc = lr_check_parse_figure(
			        s, col->type == COL_AREA ? col->scale : 0, &v,
			        &dec);
			if (rc < 0) {
				add_finding(x, R_NUMBER, LR_SEV_ERROR, p,
				            row->label, col, s, NULL, NULL,
				            dupf(x, "'%s' is not a number", s));
				row->f[c].bad = true;
				continue;
			}
			if (rc == 0)
				continue;
			row->f[c].v = v;
			row->f[c].set = true;
			if (dec > col->dec)
				col->dec = dec;
		}
	}
	/* Rounding of one figure: half a unit of its last decimal, or of the
	** precision the user states for areas. */
	for (int c = 0; c < p->ncol; c++) {
		pcol *col = &p->cols[c];
		int exp = 2 + (col->type == COL_AREA ? col->scale : 0);
		col->half = 0.5 * pow(10.0, exp - col->dec);
		if (col->type == COL_AREA && x->o->precision_m2 > 0)
			col->half = fmax(col->half, 50.0 * x->o->precision_m2);
		if (col->type == COL_COUNT || col->type == COL_YEARS)
			col->half = 0;
	}
	/* Duplicates (R09): reported, then left out of every other rule. */
	p->nrows = t->n_rows;
	size_t kept = 0;
	for (size_t r = 0; r < p->nrows; r++) {
		size_t q = 0;
		while (q < kept && !(p->rows[q].year == p->rows[r].year &&
		                     !strcmp(p->rows[q].norm, p->rows[r].norm)))
			q++;
		if (q < kept) {
			add_finding(
			        x, R_DUP, LR_SEV_ERROR, p, p->rows[r].label,
			        &p->cols[p->key], NULL, NULL, NULL,
			        dupf(x,
			             "region '%s' appears again (line %ld; "
			             "first at line %ld); the repeat is left "
			             "out of the other checks",
			             p->rows[r].key, t->line[r],
			             t->line[p->rows[q].src]));
			free(p->rows[r].f);
			continue;
		}
		p->rows[r].src = r;
		p->rows[kept++] = p->rows[r];
	}
	p->nrows = kept;
	/* Years and parents. */
	for (size_t r = 0; r < p->nrows; r++) {
		int y = p->rows[r].year;
		bool seen = false;
		for (int i = 0; i < p->nyears; i++)
			seen = seen || p->years[i] == y;
		if (!seen && (y || p->yearc < 0))
			p->years[p->nyears++] = y;
	}
	if (p->nyears > 1)
		qsort(p->years, (size_t)p->nyears, sizeof *p->years, cmp_int);
	if (p->parentc >= 0)
		for (size_t r = 0; r < p->nrows; r++) {
			char pn[128];
			norm_key(lr_table_cell(t, p->rows[r].src, p->parentc),
			         pn, sizeof pn);
			if (!*pn || p->rows[r].total)
				continue;
			for (size_t q = 0; q < p->nrows; q++)
				if (q != r &&
				    p->rows[q].year == p->rows[r].year &&
				    !strcmp(p->rows[q].norm, pn) &&
				    !p->rows[q].total) {
					p->rows[r].parent = (int)q;
					break;
				}
		}
	for (size_t r = 0; r < p->nrows; r++) {
		int d = 0;
		for (int q = p->rows[r].parent; q >= 0 && d < MAX_PARENT_DEPTH;
		     q = p->rows[q].parent)
			d++;
		p->rows[r].depth = d;
		if (p->rows[r].parent >= 0)
			p->rows[p->rows[r].parent].nchild++;
	}
	return LR_OK;
}

/* ---- Row helpers -------------------------------------------------------- */

/* Row of (year, norm key) in p, or -1. */
static int find_row(const ptab *p, int year, const char *norm)
{
	for (size_t r = 0; r < p->nrows; r++)
		if (p->rows[r].year == year && !strcmp(p->rows[r].norm, norm))
			return (int)r;
	return -1;
}

static int find_total(const ptab *p, int year)
{
	for (size_t r = 0; r < p->nrows; r++)
		if (p->rows[r].year == year && p->rows[r].total)
			return (int)r;
	return -1;
}

static bool is_aggregate(const ptab *p, size_t r)
{
	return p->rows[r].total || p->rows[r].nchild > 0;
}

/* Is row j counted in aggregate row i (a TOTAL, or a parent)? */
static bool under(const ptab *p, size_t j, size_t i)
{
	if (j == i || p->rows[j].year != p->rows[i].year || p->rows[j].total)
		return false;
	if (p->rows[i].total)
		return true;
	int d = 0;
	for (int q = p->rows[j].parent; q >= 0 && d < MAX_PARENT_DEPTH;
	     q = p->rows[q].parent, d++)
		if ((size_t)q == i)
			return true;
	return false;
}

/* Does some row under aggregate i have its flag set? */
static bool explained(const ptab *p, size_t i, const bool *flag)
{
	for (size_t j = 0; j < p->nrows; j++)
		if (flag[j] && under(p, j, i))
			return true;
	return false;
}

/* Row indices with leaves first, then parents deepest first, TOTAL last. */
static size_t *row_order(const ptab *p)
{
	size_t *o = lr_xcalloc(p->nrows + 1, sizeof *o);
	if (o == NULL)
		return NULL;
	int *rank = lr_xcalloc(p->nrows + 1, sizeof *rank);
	if (rank == NULL) {
		free(o);
		return NULL;
	}
	for (size_t r = 0; r < p->nrows; r++) {
		rank[r] = p->rows[r].total        ? 1000
		          : p->rows[r].nchild > 0 ? 100 - p->rows[r].depth
		                                  : 0;
		o[r] = r;
	}
	/* insertion sort: stable, tables are small */
	for (size_t i = 1; i < p->nrows; i++) {
		size_t v = o[i];
		size_t j = i;
		while (j > 0 && rank[o[j - 1]] > rank[v]) {
			o[j] = o[j - 1];
			j--;
		}
		o[j] = v;
	}
	free(rank);
	return o;
}

static bool summable(const pcol *c)
{
	if (c->type == COL_AREA || c->type == COL_COUNT || c->type == COL_MONEY)
		return !starts_with(c->base, "capacity") &&
		       !starts_with(c->norm, "teams_available");
	return false;
}

/* ---- In-table rules ----------------------------------------------------- */

static void rule_sum(ctx *x, ptab *p)
{
	for (size_t i = 0; i < p->nrows; i++) {
		if (!is_aggregate(p, i))
			continue;
		for (int c = 0; c < p->ncol; c++) {
			const pcol *col = &p->cols[c];
			if (!summable(col) || !p->rows[i].f[c].set)
				continue;
			int64_t sum = 0;
			int n = 0, nset = 0;
			bool bad = false;
			for (size_t j = 0; j < p->nrows; j++) {
				if (!under(p, j, i))
					continue;
				/* direct members: top-level rows for TOTAL,
				** children for a parent */
				if (p->rows[i].total
				            ? p->rows[j].parent >= 0
				            : p->rows[j].parent != (int)i)
					continue;
				n++;
				bad = bad || p->rows[j].f[c].bad;
				if (p->rows[j].f[c].set) {
					bad = bad ||
					      !add_fig(&sum, p->rows[j].f[c].v);
					nset++;
				}
			}
			if (nset == 0 || bad)
				continue;
			char what[160];
			snprintf(what, sizeof what,
			         "%s is not the sum of its %d regions",
			         p->rows[i].total ? "the total"
			                          : "the subtotal",
			         n);
			compare(x, R_SUM, p, p->rows[i].label, col,
			        p->rows[i].f[c].v, sum, col->half * (n + 1),
			        what);
		}
	}
}

/* stated column = sum of part columns, on every row with all of them. */
static void sum_rule(ctx *x, ptab *p, int rule, int total, const int *parts,
                     int nparts, const char *what)
{
	if (total < 0)
		return;
	int have = 0;
	for (int k = 0; k < nparts; k++)
		have += parts[k] >= 0;
	if (have < 2)
		return;
	bool *flag = lr_xcalloc(p->nrows + 1, sizeof *flag);
	size_t *ord = row_order(p);
	if (!flag || !ord) {
		x->oom = true;
		free(flag);
		free(ord);
		return;
	}
	/* A row whose own figures disagree makes its aggregates disagree
	** too: those are not reported again. */
	for (size_t oi = 0; oi < p->nrows; oi++) {
		size_t r = ord[oi];
		fig t = cell(p, r, total);
		if (!t.set || (is_aggregate(p, r) && explained(p, r, flag)))
			continue;
		int64_t s = 0;
		int nset = 0;
		double bound = p->cols[total].half;
		for (int k = 0; k < nparts; k++) {
			fig f = cell(p, r, parts[k]);
			if (f.bad || t.bad)
				nset = -100;
			if (f.set) {
				/* parts may be stated in another unit */
				s += f.v;
				nset++;
				bound += p->cols[parts[k]].half;
			}
		}
		if (nset <= 0)
			continue;
		if (compare(x, rule, p, p->rows[r].label, &p->cols[total], t.v,
		            s, bound, what))
			flag[r] = true;
	}
	free(flag);
	free(ord);
}

static void rule_sha_cha(ctx *x, ptab *p)
{
	int a[2] = {col_area(p, "sha"), col_area(p, "cha")};
	sum_rule(x, p, R_SHACHA, col_area(p, "total"), a, 2,
	         "the total is not SHA + CHA");
	int c[2] = {col_find(p, "sha_count", COL_COUNT),
	            col_find(p, "cha_count", COL_COUNT)};
	sum_rule(x, p, R_SHACHA, col_find(p, "total_count", COL_COUNT), c, 2,
	         "the total count is not SHA + CHA");
}

static void rule_method(ctx *x, ptab *p)
{
	int m[3] = {col_area(p, "cancelled"), col_area(p, "reduced"),
	            col_area(p, "cleared")};
	sum_rule(x, p, R_METHOD, col_area(p, "released"), m, 3,
	         p->kind == K_PLAN
	                 ? "the planned release is not cancel + reduce + "
	                   "clear"
	                 : "released is not cancelled + reduced + cleared");
}

static void rule_parts(ctx *x, ptab *p)
{
	int a[4] = {col_area(p, "ap"), col_area(p, "av"), col_area(p, "erw"),
	            col_area(p, "mixed")};
	sum_rule(x, p, R_PARTS, col_area(p, "total"), a, 4,
	         "the total is not the sum of its AP, AV, ERW and mixed "
	         "parts");
	int it[4] = {col_find(p, "ap_mines", COL_COUNT),
	             col_find(p, "av_mines", COL_COUNT),
	             col_find(p, "erw", COL_COUNT),
	             col_find(p, "mixed_items", COL_COUNT)};
	static const char *const totals[] = {
	        "items", "items_destroyed", "total_items", "items_total", NULL};
	for (int k = 0; totals[k]; k++)
		sum_rule(x, p, R_PARTS, col_find(p, totals[k], COL_COUNT), it,
		         4,
		         "items destroyed are not AP mines + AV mines + ERW");
}

static bool may_be_negative(const pcol *c)
{
	return strstr(c->base, "correction") || strstr(c->base, "adjust") ||
	       strstr(c->base, "reclass") || strstr(c->base, "difference") ||
	       strstr(c->base, "change");
}

static void rule_values(ctx *x, ptab *p)
{
	/* flag[r * ncol + c]: row r's figure of column c was reported */
	bool *flag = lr_xcalloc(p->nrows * (size_t)p->ncol + 1, sizeof *flag);
	bool *rf = lr_xcalloc(p->nrows + 1, sizeof *rf);
	size_t *ord = row_order(p);
	if (!flag || !rf || !ord) {
		x->oom = true;
		free(flag);
		free(rf);
		free(ord);
		return;
	}
	for (int c = 0; c < p->ncol; c++)
		for (size_t oi = 0; oi < p->nrows; oi++) {
			size_t r = ord[oi];
			const pcol *col = &p->cols[c];
			fig f = p->rows[r].f[c];
			if (!f.set)
				continue;
			for (size_t j = 0; j < p->nrows; j++)
				rf[j] = flag[j * (size_t)p->ncol + (size_t)c];
			if (is_aggregate(p, r) && explained(p, r, rf))
				continue;
			bool *mine = &flag[r * (size_t)p->ncol + (size_t)c];
			char s[48];
			fmt_col(col, s, sizeof s, f.v);
			if ((col->type == COL_COUNT ||
			     col->type == COL_YEARS) &&
			    f.v % 100 != 0) {
				char buf[48];
				fmt_num(buf, sizeof buf, f.v, 0, 0);
				add_finding(x, R_WHOLE, LR_SEV_ERROR, p,
				            p->rows[r].label, col, buf, NULL,
				            NULL,
				            dupf(x, "a count must be a whole "
				                    "number"));
				*mine = true;
			}
			if (f.v < 0 && col->type != COL_PCT &&
			    col->type != COL_TEXT && !may_be_negative(col)) {
				add_finding(x, R_NEG, LR_SEV_ERROR, p,
				            p->rows[r].label, col, s, NULL,
				            NULL,
				            dupf(x, "a negative %s",
				                 col->type == COL_AREA ? "area"
				                 : col->type == COL_MONEY
				                         ? "amount"
				                         : "count"));
				*mine = true;
			}
		}
	free(flag);
	free(rf);
	free(ord);
}

static void rule_count_area(ctx *x, ptab *p)
{
	static const char *const pre[] = {"sha", "cha", "total", NULL};
	for (int k = 0; pre[k]; k++) {
		char cn[32];
		snprintf(cn, sizeof cn, "%s_count", pre[k]);
		int cc = col_find(p, cn, COL_COUNT), ca = col_area(p, pre[k]);
		if (cc < 0 || ca < 0)
			continue;
		bool *flag = lr_xcalloc(p->nrows + 1, sizeof *flag);
		size_t *ord = row_order(p);
		if (!flag || !ord) {
			free(flag);
			free(ord);
			x->oom = true;
			return;
		}
		for (size_t oi = 0; oi < p->nrows; oi++) {
			size_t r = ord[oi];
			fig n = cell(p, r, cc), a = cell(p, r, ca);
			if (!n.set || !a.set)
				continue;
			/* A rounded area (0.00 km2) may hide a few m2. */
			bool bad =
			        (n.v == 0 && a.v > p->cols[ca].half) ||
			        (n.v > 0 && a.v == 0 && p->cols[ca].half <= 50);
			if (!bad ||
			    (is_aggregate(p, r) && explained(p, r, flag)))
				continue;
			flag[r] = true;
			char s[48], e[48];
			fmt_col(&p->cols[cc], s, sizeof s, n.v);
			fmt_col(&p->cols[ca], e, sizeof e, a.v);
			add_finding(x, R_COUNTAREA, LR_SEV_ERROR, p,
			            p->rows[r].label,
			            &p->cols[n.v == 0 ? cc : ca], s, NULL, NULL,
			            dupf(x, "%s areas: count %s with area %s",
			                 pre[k], s, e));
		}
		free(flag);
		free(ord);
	}
}

/* Percent of land released so far in a work plan: cumulative_pct. */
static void rule_plan_pct(ctx *x, ptab *p)
{
	int pc = col_find(p, "cumulative_pct", COL_PCT);
	int rel = col_area(p, "released"), end = col_area(p, "remaining_end");
	if (pc < 0 || rel < 0 || end < 0)
		return;
	for (size_t r = 0; r < p->nrows; r++) {
		fig pf = cell(p, r, pc);
		if (!pf.set)
			continue;
		/* The land at the start: the first year's end plus its
		** release. */
		int first = -1;
		for (size_t q = 0; q < p->nrows; q++)
			if (!strcmp(p->rows[q].norm, p->rows[r].norm) &&
			    (first < 0 ||
			     p->rows[q].year < p->rows[first].year))
				first = (int)q;
		fig fe = cell(p, (size_t)first, end),
		    fr = cell(p, (size_t)first, rel), ce = cell(p, r, end);
		if (!fe.set || !fr.set || !ce.set)
			continue;
		double start = (double)(fe.v + fr.v);
		if (start <= 0)
			continue;
		double done = start - (double)ce.v;
		double expect = 100.0 * done / start * 100.0; /* hundredths */
		double ha = p->cols[end].half + p->cols[rel].half;
		double bound = p->cols[pc].half +
		               1e4 * (ha / start + done * ha / (start * start));
		compare_d(x, R_PCT, p, p->rows[r].label, &p->cols[pc], pf.v,
		          expect, bound,
		          "the share released so far is not released / land at "
		          "the start");
	}
}

static bool scope_is_ap(const char *s)
{
	char n[64];
	norm_key(s, n, sizeof n);
	return !strcmp(n, "ap") || !strcmp(n, "aponly") ||
	       !strcmp(n, "antipersonnel") || !strcmp(n, "apm");
}

static void rule_scope(ctx *x, ptab *p)
{
	int sc = -1, nc = -1;
	for (int c = 0; c < p->ncol; c++) {
		if (!strcmp(p->cols[c].norm, "scope") ||
		    !strcmp(p->cols[c].norm, "contamination"))
			sc = c;
		if (!strcmp(p->cols[c].norm, "notes") ||
		    !strcmp(p->cols[c].norm, "note") ||
		    !strcmp(p->cols[c].norm, "comment") ||
		    !strcmp(p->cols[c].norm, "comments"))
			nc = c;
	}
	bool claims_ap = has_token(p->t->title, "AP only") ||
	                 has_token(p->t->title, "AP scope");
	/* A scope or a note naming AV mines, ERW or a mixed scope. */
	for (size_t r = 0; r < p->nrows; r++) {
		const char *s =
		        sc >= 0 ? lr_table_cell(p->t, p->rows[r].src, sc) : "";
		const char *nt =
		        nc >= 0 ? lr_table_cell(p->t, p->rows[r].src, nc) : "";
		if (scope_is_ap(s))
			claims_ap = true;
		char ns[128];
		norm_key(s, ns, sizeof ns);
		bool mixed_scope = *ns && !scope_is_ap(s) &&
		                   (strstr(ns, "av") || strstr(ns, "erw") ||
		                    strstr(ns, "mixed") || strstr(ns, "all"));
		bool mixed_note = has_token(nt, "AV") || has_token(nt, "ERW") ||
		                  has_token(nt, "anti-vehicle") ||
		                  has_token(nt, "mixed");
		if (mixed_scope || mixed_note) {
			note(x, R_SCOPE, LR_SEV_WARNING, p, p->rows[r].label,
			     &p->cols[mixed_scope ? sc : nc],
			     dupf(x,
			          "%s '%s': these figures include AV mines or "
			          "other ERW; Article 5 covers areas "
			          "containing "
			          "AP mines",
			          mixed_scope ? "scope" : "note",
			          mixed_scope ? s : nt));
			return;
		}
	}
	if (!claims_ap)
		return;
	static const char *const other[] = {"av_mines", "erw", "av", NULL};
	for (int k = 0; other[k]; k++) {
		int c = col_find(p, other[k], COL_COUNT);
		if (c < 0)
			c = col_area(p, other[k]);
		if (c < 0)
			continue;
		int n = 0;
		size_t first = 0;
		for (size_t r = 0; r < p->nrows; r++)
			if (p->rows[r].f[c].set && p->rows[r].f[c].v != 0 &&
			    !is_aggregate(p, r)) {
				if (n++ == 0)
					first = r;
			}
		if (n) {
			char s[48];
			fmt_col(&p->cols[c], s, sizeof s,
			        p->rows[first].f[c].v);
			add_finding(
			        x, R_SCOPE, LR_SEV_WARNING, p,
			        p->rows[first].label, &p->cols[c], s, "0", NULL,
			        dupf(x,
			             "the table states an AP scope but %s is "
			             "not zero in %d row%s: the figures mix "
			             "AP-mined areas with AV mines or ERW",
			             p->cols[c].label, n, n > 1 ? "s" : ""));
			return;
		}
	}
}

/* ---- Across dates ------------------------------------------------------- */

static bool has_year(const ptab *p, int y)
{
	for (int i = 0; i < p->nyears; i++)
		if (p->years[i] == y)
			return true;
	return false;
}

/* Sum of the signed adjustment columns of row r (reclassification,
** corrections) into *sum; false when it is beyond SUM_MAX. */
static bool adjustments(const ptab *p, size_t r, int64_t *sum, double *bound)
{
	*sum = 0;
	for (int c = 0; c < p->ncol; c++) {
		const pcol *col = &p->cols[c];
		if (col->type != COL_AREA || !may_be_negative(col) ||
		    !p->rows[r].f[c].set)
			continue;
		if (!add_fig(sum, p->rows[r].f[c].v))
			return false;
		*bound += col->half;
	}
	return true;
}

/* Regions with land in year y-1 and no row in year y: R15.  Marks the
** aggregates of year y whose land went with them. */
static void rule_gone(ctx *x, ptab *p)
{
	int end = col_area(p, "remaining_end");
	bool *flag = p->gone = lr_xcalloc(p->nrows + 1, sizeof *flag);
	if (flag == NULL) {
		x->oom = true;
		return;
	}
	if (end < 0)
		return;
	for (int i = 1; i < p->nyears; i++) {
		int y = p->years[i];
		if (p->years[i - 1] != y - 1)
			continue;
		for (size_t q = 0; q < p->nrows; q++) {
			const prow *pr = &p->rows[q];
			if (pr->year != y - 1 || pr->total || pr->nchild)
				continue;
			fig e = cell(p, q, end);
			if (!e.set || e.v <= p->cols[end].half ||
			    find_row(p, y, pr->norm) >= 0)
				continue;
			char s[48];
			fmt_col(&p->cols[end], s, sizeof s, e.v);
			char lbl[160];
			snprintf(lbl, sizeof lbl, "%d %s", y, pr->key);
			add_finding(x, R_GONE, LR_SEV_ERROR, p, lbl,
			            &p->cols[end], NULL, s, NULL,
			            dupf(x,
			                 "region '%s' had %s at the end of %d "
			                 "and has no row for %d",
			                 pr->key, s, y - 1, y));
			/* its ancestors in year y are explained */
			for (int a = pr->parent, d = 0;
			     a >= 0 && d < MAX_PARENT_DEPTH;
			     a = p->rows[a].parent, d++) {
				int ar = find_row(p, y, p->rows[a].norm);
				if (ar >= 0)
					flag[ar] = true;
			}
			int tr = find_total(p, y);
			if (tr >= 0)
				flag[tr] = true;
		}
	}
}

static void rule_roll(ctx *x, ptab *p)
{
	int end = col_area(p, "remaining_end");
	int nw = col_area(p, "new"), rel = col_area(p, "released");
	int st = col_area(p, "remaining_start");
	if (end < 0 || rel < 0)
		return;
	bool *flag = lr_xcalloc(p->nrows + 1, sizeof *flag);
	size_t *ord = row_order(p);
	if (!flag || !ord) {
		x->oom = true;
		free(flag);
		free(ord);
		return;
	}
	for (size_t oi = 0; oi < p->nrows; oi++) {
		size_t r = ord[oi];
		const prow *row = &p->rows[r];
		fig e = cell(p, r, end), rl = cell(p, r, rel),
		    n = cell(p, r, nw);
		if (!e.set || !rl.set || !row->year || (p->gone && p->gone[r]))
			continue;
		double bound = p->cols[end].half + p->cols[rel].half +
		               (nw >= 0 ? p->cols[nw].half : 0);
		int64_t start;
		fig s = cell(p, r, st);
		int prev = -1;
		if (s.set) {
			start = s.v;
			bound += p->cols[st].half;
		} else if (has_year(p, row->year - 1)) {
			prev = find_row(p, row->year - 1, row->norm);
			fig pe = prev >= 0 ? cell(p, (size_t)prev, end)
			                   : (fig){0, 0, true, false};
			if (!pe.set)
				continue;
			start = pe.v; /* a region new this year starts at 0 */
			bound += p->cols[end].half;
		} else {
			/* Not aligned: the previous year is not in the table.
			** Growth across the gap with no new land is still a
			** sign (R14, warning). */
			int py = 0;
			for (int i = 0; i < p->nyears; i++)
				if (p->years[i] < row->year)
					py = p->years[i];
			int pr = py ? find_row(p, py, row->norm) : -1;
			if (pr >= 0 && cell(p, (size_t)pr, end).set &&
			    e.v > cell(p, (size_t)pr, end).v + bound &&
			    nw >= 0 && n.set && n.v == 0 &&
			    !(is_aggregate(p, r) && explained(p, r, flag))) {
				char a[48], b[48];
				fmt_col(&p->cols[end], a, sizeof a,
				        cell(p, (size_t)pr, end).v);
				fmt_col(&p->cols[end], b, sizeof b, e.v);
				flag[r] = true;
				add_finding(
				        x, R_GROWTH, LR_SEV_WARNING, p,
				        row->label, &p->cols[end], b, NULL,
				        NULL,
				        dupf(x,
				             "remaining land grew from %s "
				             "(end of %d) to %s with no new "
				             "contamination declared in %d",
				             a, py, b, row->year));
			}
			continue;
		}
		if (is_aggregate(p, r) && explained(p, r, flag))
			continue;
		int64_t adj;
		if (!adjustments(p, r, &adj, &bound))
			continue;
		int64_t expect = start + (n.set ? n.v : 0) - rl.v + adj;
		bool grew = e.v > start;
		bool no_new = nw < 0 || !n.set || n.v == 0;
		int rule = grew && no_new ? R_GROWTH : R_ROLL;
		char what[200];
		if (rule == R_GROWTH)
			snprintf(what, sizeof what,
			         "remaining land grew in %d with no new "
			         "contamination declared",
			         row->year);
		else if (p->kind == K_PLAN)
			snprintf(what, sizeof what,
			         "remaining at the end of %d is not the "
			         "previous "
			         "year's remaining - planned release",
			         row->year);
		else
			snprintf(what, sizeof what,
			         "remaining at the end of %d is not the "
			         "previous "
			         "year's remaining + new - released",
			         row->year);
		if (compare(x, rule, p, row->label, &p->cols[end], e.v, expect,
		            bound, what)) {
			flag[r] = true;
		} else if (grew && no_new && adj > 0 &&
		           e.v - start > p->cols[end].half) {
			/* Holds only through a declared correction. */
			char a[48];
			fmt_col(&p->cols[end], a, sizeof a, adj);
			add_finding(x, R_GROWTH, LR_SEV_WARNING, p, row->label,
			            &p->cols[end], NULL, NULL, NULL,
			            dupf(x,
			                 "remaining land grew in %d through "
			                 "corrections (%s) with no new "
			                 "contamination declared",
			                 row->year, a));
			flag[r] = true;
		}
	}
	free(flag);
	free(ord);
}

static void rule_cumulative(ctx *x, ptab *p)
{
	for (int c = 0; c < p->ncol; c++) {
		const pcol *col = &p->cols[c];
		if ((col->type != COL_AREA && col->type != COL_COUNT) ||
		    !starts_with(col->base, "cumulative_"))
			continue;
		char base[96];
		snprintf(base, sizeof base, "%s",
		         col->base + strlen("cumulative_"));
		alias_base(base, sizeof base);
		int a = col_find(p, base, col->type);
		if (a < 0)
			continue;
		bool *flag = lr_xcalloc(p->nrows + 1, sizeof *flag);
		size_t *ord = row_order(p);
		if (!flag || !ord) {
			x->oom = true;
			free(flag);
			free(ord);
			return;
		}
		for (size_t oi = 0; oi < p->nrows; oi++) {
			size_t r = ord[oi];
			const prow *row = &p->rows[r];
			fig cf = cell(p, r, c);
			if (!cf.set || !row->year || (p->gone && p->gone[r]))
				continue;
			if (is_aggregate(p, r) && explained(p, r, flag))
				continue;
			/* Anchor: the first year of the contiguous run of
			** years ending here. */
			int y0 = row->year;
			while (has_year(p, y0 - 1) &&
			       find_row(p, y0 - 1, row->norm) >= 0)
				y0--;
			int r0 = find_row(p, y0, row->norm);
			fig c0 = cell(p, (size_t)r0, c);
			int64_t expect;
			double bound = col->half;
			int64_t sum = 0;
			for (int y = y0 + (y0 != row->year); y <= row->year;
			     y++) {
				fig f = cell(p,
				             (size_t)find_row(p, y, row->norm),
				             a);
				sum += f.set ? f.v : 0;
				bound += p->cols[a].half;
			}
			if (y0 == row->year) {
				/* the first year: at least its annual figure */
				fig f = cell(p, r, a);
				if (!f.set || (double)(f.v - cf.v) <= bound)
					continue;
				expect = f.v;
			} else {
				if (!c0.set)
					continue;
				expect = c0.v + sum;
				bound += col->half;
			}
			char what[160];
			snprintf(what, sizeof what,
			         "%s is not the running sum of %s", col->label,
			         p->cols[a].label);
			if (compare(x, R_CUMUL, p, row->label, col, cf.v,
			            expect, bound, what))
				flag[r] = true;
		}
		free(flag);
		free(ord);
	}
}

/* Unit or typing slips: a figure a power of ten from the same region's
** figure of the previous year. */
static void rule_slip(ctx *x, ptab *p)
{
	if (p->yearc < 0)
		return;
	bool *flag = lr_xcalloc(p->nrows + 1, sizeof *flag);
	size_t *ord = row_order(p);
	if (!flag || !ord) {
		x->oom = true;
		free(flag);
		free(ord);
		return;
	}
	for (size_t oi = 0; oi < p->nrows; oi++) {
		size_t r = ord[oi];
		const prow *row = &p->rows[r];
		int q = find_row(p, row->year - 1, row->norm);
		if (q < 0 || (is_aggregate(p, r) && explained(p, r, flag)))
			continue;
		for (int c = 0; c < p->ncol; c++) {
			const pcol *col = &p->cols[c];
			if (col->type != COL_AREA || may_be_negative(col) ||
			    starts_with(col->base, "cumulative"))
				continue;
			fig a = cell(p, r, c), b = cell(p, (size_t)q, c);
			/* Below 100 m2, or with fewer than three significant
			** digits, a factor of ten is ordinary. */
			double floor_v = fmax(10000.0, 1000.0 * col->half);
			if (!a.set || !b.set || (double)llabs(a.v) < floor_v ||
			    (double)llabs(b.v) < floor_v)
				continue;
			int k = power_slip((double)a.v, (double)b.v);
			if (!k)
				continue;
			char s[48], e[48];
			fmt_col(col, s, sizeof s, a.v);
			fmt_col(col, e, sizeof e, b.v);
			add_finding(
			        x, R_SLIP, LR_SEV_WARNING, p, row->label, col,
			        s, NULL, NULL,
			        dupf(x,
			             "%s is 10^%d times %s the figure of %d "
			             "(%s): a likely unit or typing slip",
			             s, k, llabs(a.v) > llabs(b.v) ? "" : "1/",
			             row->year - 1, e));
			flag[r] = true;
			break;
		}
	}
	free(flag);
	free(ord);
}

/* ---- Across tables ------------------------------------------------------ */

/* Compare figure col_a of table a (rows of year ya) with col_b of table b
** (year yb), region by region, then aggregates not explained by a region. */
static void compare_tables(ctx *x, int rule, ptab *a, int ya, int ca, ptab *b,
                           int yb, int cb, const char *what_b,
                           bool missing_in_a_is_gone)
{
	bool *flag = lr_xcalloc(a->nrows + 1, sizeof *flag);
	size_t *ord = row_order(a);
	if (!flag || !ord) {
		x->oom = true;
		free(flag);
		free(ord);
		return;
	}
	bool any_region_failed = false;
	for (size_t oi = 0; oi < a->nrows; oi++) {
		size_t r = ord[oi];
		const prow *row = &a->rows[r];
		if (row->year != ya)
			continue;
		fig fa = cell(a, r, ca);
		if (!fa.set)
			continue;
		if (row->total && any_region_failed)
			continue;
		if (is_aggregate(a, r) && explained(a, r, flag))
			continue;
		int q = row->total ? find_total(b, yb)
		                   : find_row(b, yb, row->norm);
		if (q < 0) {
			/* A parent of a that b does not list is no finding:
			** b may list leaves only. */
			if (row->nchild || row->total ||
			    fa.v <= a->cols[ca].half)
				continue;
			char s[48];
			fmt_col(&a->cols[ca], s, sizeof s, fa.v);
			note(x, rule, LR_SEV_ERROR, a, row->label, &a->cols[ca],
			     dupf(x, "region '%s' (%s) is not in %s", row->key,
			          s, what_b));
			flag[r] = true;
			any_region_failed = true;
			continue;
		}
		fig fb = cell(b, (size_t)q, cb);
		if (!fb.set)
			continue;
		/* b's figure in a's unit */
		char what[200];
		snprintf(what, sizeof what, "differs from %s (%s)", what_b,
		         b->rows[q].label);
		if (compare(x, rule, a, row->label, &a->cols[ca], fa.v, fb.v,
		            a->cols[ca].half + b->cols[cb].half, what)) {
			flag[r] = true;
			if (!row->total)
				any_region_failed = true;
		}
	}
	/* Regions of b with land that a does not list. */
	for (size_t q = 0; q < b->nrows; q++) {
		const prow *row = &b->rows[q];
		if (row->year != yb || row->total || row->nchild)
			continue;
		fig fb = cell(b, q, cb);
		if (!fb.set || fb.v <= b->cols[cb].half ||
		    find_row(a, ya, row->norm) >= 0)
			continue;
		char s[48];
		fmt_col(&b->cols[cb], s, sizeof s, fb.v);
		int rule2 = missing_in_a_is_gone ? R_GONE : rule;
		note(x, rule2, LR_SEV_ERROR, a, row->label, &a->cols[ca],
		     dupf(x, "region '%s' has %s in %s but no row here",
		          row->key, s, what_b));
	}
	free(flag);
	free(ord);
}

static int last_year(const ptab *p)
{
	return p->nyears ? p->years[p->nyears - 1] : 0;
}

static int rem_total_col(const ptab *p)
{
	int c = col_area(p, "total");
	if (c < 0)
		c = col_area(p, "remaining");
	return c;
}

static void rule_rem_rel(ctx *x)
{
	if (!x->rem || !x->rel)
		return;
	int ct = rem_total_col(x->rem);
	int ce = col_area(x->rel, "remaining_end");
	if (ct < 0 || ce < 0)
		return;
	char what[96];
	snprintf(what, sizeof what, "the remaining at the end of %d",
	         last_year(x->rel));
	compare_tables(x, R_REMREL, x->rem, 0, ct, x->rel, last_year(x->rel),
	               ce, what, true);
}

/* A copy of the plan with one row per region: its land at the start. */
static void rule_start(ctx *x)
{
	ptab *ref = x->rem;
	int rc = ref ? rem_total_col(ref) : -1, ry = 0;
	if (!ref && x->rel) {
		ref = x->rel;
		rc = col_area(ref, "remaining_end");
		ry = last_year(ref);
	}
	if (!ref || rc < 0)
		return;
	char what[96];
	if (ry)
		snprintf(what, sizeof what, "the remaining at the end of %d",
		         ry);
	else
		snprintf(what, sizeof what, "the remaining table");
	if (x->comp) {
		int c = col_area(x->comp, "remaining");
		if (c >= 0)
			compare_tables(x, R_START, x->comp, 0, c, ref, ry, rc,
			               what, false);
	}
	ptab *p = x->plan;
	if (!p)
		return;
	int end = col_area(p, "remaining_end"), rel = col_area(p, "released");
	if (end < 0 || rel < 0 || !p->nyears)
		return;
	/* The start of each region's plan: its first year's end + release,
	** put in the first year's rows as a synthetic column. */
	ptab s = *p;
	s.cols = lr_xcalloc((size_t)p->ncol + 2, sizeof *s.cols);
	s.rows = lr_xcalloc(p->nrows + 1, sizeof *s.rows);
	if (!s.cols || !s.rows) {
		x->oom = true;
		free(s.cols);
		free(s.rows);
		return;
	}
	memcpy(s.cols, p->cols, (size_t)p->ncol * sizeof *s.cols);
	s.cols[p->ncol] = p->cols[end];
	s.cols[p->ncol].half = p->cols[end].half + p->cols[rel].half;
	s.cols[p->ncol].label = "remaining at the start";
	s.ncol = p->ncol + 1;
	int y0 = p->years[0];
	bool ok = true;
	for (size_t r = 0; r < p->nrows && ok; r++) {
		s.rows[r] = p->rows[r];
		s.rows[r].f = lr_xcalloc((size_t)s.ncol + 1, sizeof(fig));
		if (!s.rows[r].f) {
			ok = false;
			break;
		}
		memcpy(s.rows[r].f, p->rows[r].f,
		       (size_t)p->ncol * sizeof(fig));
		/* each region's first year, labelled as the plan's first */
		int first = -1;
		for (size_t q = 0; q < p->nrows; q++)
			if (!strcmp(p->rows[q].norm, p->rows[r].norm) &&
			    (first < 0 ||
			     p->rows[q].year < p->rows[first].year))
				first = (int)q;
		if ((size_t)first != r)
			continue;
		fig fe = p->rows[r].f[end], fr = p->rows[r].f[rel];
		if (fe.set && fr.set) {
			s.rows[r].f[p->ncol] =
			        (fig){fe.v + fr.v, 0, true, false};
			s.rows[r].year = y0;
		}
	}
	if (ok) {
		/* only first rows keep year y0 with the synthetic figure */
		for (size_t r = 0; r < p->nrows; r++)
			if (!s.rows[r].f[p->ncol].set)
				s.rows[r].year = y0 - 1000;
		compare_tables(x, R_START, &s, y0, p->ncol, ref, ry, rc, what,
		               false);
	} else {
		x->oom = true;
	}
	for (size_t r = 0; r < p->nrows; r++)
		free(s.rows[r].f);
	free(s.rows);
	free(s.cols);
}

/* ---- Work plan and deadline --------------------------------------------- */

static void rule_plan_period(ctx *x, ptab *p)
{
	if (!p->nyears)
		return;
	int first = p->years[0], last = last_year(p);
	int pf = x->o->period_first, pl = x->o->period_last;
	char lbl[32];
	for (int i = 1; i < p->nyears; i++)
		if (p->years[i] != p->years[i - 1] + 1) {
			snprintf(lbl, sizeof lbl, "%d", p->years[i - 1] + 1);
			note(x, R_YEARS, LR_SEV_ERROR, p, lbl,
			     &p->cols[p->yearc],
			     dupf(x,
			          "the plan has no rows for %d-%d: its years "
			          "must be contiguous",
			          p->years[i - 1] + 1, p->years[i] - 1));
		}
	if (pf && pl) {
		for (int i = 0; i < p->nyears; i++)
			if (p->years[i] < pf || p->years[i] > pl) {
				snprintf(lbl, sizeof lbl, "%d", p->years[i]);
				note(x, R_YEARS, LR_SEV_ERROR, p, lbl,
				     &p->cols[p->yearc],
				     dupf(x,
				          "%d is outside the requested period "
				          "%d-%d",
				          p->years[i], pf, pl));
			}
		if (pl - pf + 1 > 10)
			note(x, R_LENGTH, LR_SEV_ERROR, p, "", NULL,
			     dupf(x,
			          "the requested period %d-%d is %d years; an "
			          "extension may be asked for at most 10 years",
			          pf, pl, pl - pf + 1));
	} else if (last - first + 1 > 10) {
		note(x, R_LENGTH, LR_SEV_ERROR, p, "", NULL,
		     dupf(x,
		          "the plan runs over %d years (%d-%d); an extension "
		          "may be asked for at most 10 years",
		          last - first + 1, first, last));
	}
	/* Reaching zero: in the period's last year, or the plan's if it
	** ends earlier. */
	int end = col_area(p, "remaining_end");
	if (end < 0)
		return;
	int zy = pl && pl < last ? pl : last;
	bool any = false;
	for (int pass = 0; pass < 2; pass++)
		for (size_t r = 0; r < p->nrows; r++) {
			const prow *row = &p->rows[r];
			if (row->year != zy || row->total != (pass == 1) ||
			    (pass == 1 && any))
				continue;
			fig e = cell(p, r, end);
			if (!e.set)
				continue;
			char what[160];
			snprintf(what, sizeof what,
			         "land remains at the end of %d, the last "
			         "year of the %s",
			         zy, pl ? "requested period" : "plan");
			if (compare(x, R_ZERO, p, row->label, &p->cols[end],
			            e.v, 0, p->cols[end].half, what))
				any = true;
		}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void rule_pace(ctx *x)
{
	ptab *p = x->plan, *h = x->rel;
	if (!p || !h)
		return;
	int pr = col_area(p, "released"), hr = col_area(h, "released");
	if (pr < 0 || hr < 0)
		return;
	/* Regions first; the national figure only where no region of that
	** year was flagged. */
	bool *yflag = lr_xcalloc(p->nrows + 1, sizeof *yflag);
	int64_t *vals = lr_xcalloc((size_t)h->nyears + 1, sizeof *vals);
	size_t *ord = row_order(p);
	if (!yflag || !vals || !ord) {
		x->oom = true;
		free(yflag);
		free(vals);
		free(ord);
		return;
	}
	for (size_t oi = 0; oi < p->nrows; oi++) {
		size_t r = ord[oi];
		const prow *row = &p->rows[r];
		fig f = cell(p, r, pr);
		if (!f.set || (is_aggregate(p, r) && explained(p, r, yflag)))
			continue;
		int n = 0;
		for (int i = 0; i < h->nyears; i++) {
			int q = row->total
			                ? find_total(h, h->years[i])
			                : find_row(h, h->years[i], row->norm);
			fig hf = q >= 0 ? cell(h, (size_t)q, hr)
			                : (fig){0, 0, false, false};
			if (hf.set)
				vals[n++] = hf.v;
		}
		if (n == 0)
			continue;
		qsort(vals, (size_t)n, sizeof *vals, cmp_i64);
		int64_t best = vals[n - 1];
		int64_t med = n % 2 ? vals[n / 2]
		                    : (vals[n / 2 - 1] + vals[n / 2]) / 2;
		if (best <= 0 ||
		    (double)f.v <= 2.0 * (double)best + 2 * p->cols[pr].half)
			continue;
		char s[48], b[48], m[48];
		fmt_col(&p->cols[pr], s, sizeof s, f.v);
		fmt_col(&h->cols[hr], b, sizeof b, best);
		fmt_col(&h->cols[hr], m, sizeof m, med);
		add_finding(x, R_PACE, LR_SEV_WARNING, p, row->label,
		            &p->cols[pr], s, b, NULL,
		            dupf(x,
		                 "planned release is %.1f times the best year "
		                 "achieved in %d-%d (best %s, median %s)",
		                 (double)f.v / (double)best, h->years[0],
		                 last_year(h), b, m));
		yflag[r] = true;
	}
	free(yflag);
	free(vals);
	free(ord);
}

static void rule_capacity(ctx *x, ptab *p)
{
	for (int c = 0; c < p->ncol; c++) {
		const pcol *col = &p->cols[c];
		int against = -1;
		if (col->type == COL_AREA &&
		    starts_with(col->base, "capacity")) {
			char base[96];
			const char *m = col->base + strlen("capacity");
			snprintf(base, sizeof base, "%s",
			         *m == '_' ? m + 1 : "released");
			alias_base(base, sizeof base);
			against = col_area(p, base);
		} else if (col->type == COL_COUNT &&
		           starts_with(col->norm, "teams_available")) {
			char n[96];
			snprintf(n, sizeof n, "teams_needed%s",
			         col->norm + strlen("teams_available"));
			against = col_find(p, n, COL_COUNT);
		}
		if (against < 0)
			continue;
		for (size_t r = 0; r < p->nrows; r++) {
			fig cap = cell(p, r, c), need = cell(p, r, against);
			if (!cap.set || !need.set ||
			    (double)need.v <= (double)cap.v + col->half +
			                              p->cols[against].half)
				continue;
			char s[48], e[48];
			fmt_col(&p->cols[against], s, sizeof s, need.v);
			fmt_col(col, e, sizeof e, cap.v);
			add_finding(
			        x, R_CAPACITY, LR_SEV_WARNING, p,
			        p->rows[r].label, &p->cols[against], s, e, NULL,
			        dupf(x, "%s %s is above the stated %s %s",
			             p->cols[against].label, s, col->label, e));
		}
	}
}

static void rule_cost(ctx *x, ptab *p)
{
	int cost = col_find(p, "cost", COL_MONEY);
	if (cost < 0)
		return;
	static const char *const m[3] = {"cancelled", "reduced", "cleared"};
	int area[3], unit[3];
	double per[3]; /* m2 per unit of the cost's area */
	int have = 0;
	for (int k = 0; k < 3; k++) {
		area[k] = col_area(p, m[k]);
		unit[k] = -1;
		per[k] = 1;
		for (int c = 0; c < p->ncol; c++) {
			const pcol *col = &p->cols[c];
			if (col->type != COL_UNIT)
				continue;
			char b[96];
			const char *n = col->norm;
			double scale = 1;
			if (starts_with(n, "cost_per_m2_"))
				n += strlen("cost_per_m2_");
			else if (starts_with(n, "cost_per_km2_")) {
				n += strlen("cost_per_km2_");
				scale = 1e6;
			} else if (starts_with(n, "cost_per_ha_")) {
				n += strlen("cost_per_ha_");
				scale = 1e4;
			} else if (starts_with(n, "unit_cost_"))
				n += strlen("unit_cost_");
			else
				continue;
			snprintf(b, sizeof b, "%s", n);
			alias_base(b, sizeof b);
			if (!strcmp(b, m[k])) {
				unit[k] = c;
				per[k] = scale;
			}
		}
		have += area[k] >= 0 && unit[k] >= 0;
	}
	if (!have)
		return;
	for (size_t r = 0; r < p->nrows; r++) {
		fig cf = cell(p, r, cost);
		if (!cf.set)
			continue;
		double expect = 0, bound = p->cols[cost].half + 1;
		bool all = true;
		for (int k = 0; k < 3; k++) {
			if (area[k] < 0 || unit[k] < 0)
				continue;
			fig a = cell(p, r, area[k]), u = cell(p, r, unit[k]);
			if (!a.set || !u.set) {
				all = false;
				break;
			}
			/* hundredths of m2 x money per m2 = hundredths of
			** money */
			expect += (double)a.v * u.d / per[k];
			bound += p->cols[area[k]].half * u.d / per[k];
		}
		if (!all)
			continue;
		compare_d(x, R_COST, p, p->rows[r].label, &p->cols[cost], cf.v,
		          expect, bound,
		          "the cost is not the area by method x the unit cost");
	}
}

static void rule_funding(ctx *x, ptab *p)
{
	int cost = col_find(p, "cost", COL_MONEY);
	if (cost < 0)
		return;
	int parts[16], n = 0;
	for (int c = 0; c < p->ncol && n < 16; c++)
		if (p->cols[c].type == COL_MONEY &&
		    starts_with(p->cols[c].norm, "funding"))
			parts[n++] = c;
	if (n == 0)
		return;
	if (n == 1) {
		/* a single source must cover the whole cost */
		for (size_t r = 0; r < p->nrows; r++) {
			fig t = cell(p, r, cost), f = cell(p, r, parts[0]);
			if (t.set && f.set)
				compare(x, R_FUNDING, p, p->rows[r].label,
				        &p->cols[cost], t.v, f.v,
				        p->cols[cost].half +
				                p->cols[parts[0]].half,
				        "the funding sources do not sum to the "
				        "cost");
		}
		return;
	}
	sum_rule(x, p, R_FUNDING, cost, parts, n,
	         "the funding sources do not sum to the cost");
}

/* ---- Against the previous request and the ledger ------------------------ */

static void rule_previous(ctx *x, ptab *pp)
{
	ptab *h = x->rel;
	if (!h)
		return;
	int pr = col_area(pp, "released"), hr = col_area(h, "released");
	if (pr < 0 || hr < 0)
		return;
	bool *flag = lr_xcalloc(pp->nrows + 1, sizeof *flag);
	size_t *ord = row_order(pp);
	if (!flag || !ord) {
		x->oom = true;
		free(flag);
		free(ord);
		return;
	}
	for (size_t oi = 0; oi < pp->nrows; oi++) {
		size_t r = ord[oi];
		const prow *row = &pp->rows[r];
		fig plan = cell(pp, r, pr);
		if (!plan.set || !has_year(h, row->year) ||
		    (is_aggregate(pp, r) && explained(pp, r, flag)))
			continue;
		int q = row->total ? find_total(h, row->year)
		                   : find_row(h, row->year, row->norm);
		/* a region missing from the release table is R15's */
		fig got = cell(h, (size_t)q, hr);
		if (q < 0 || !got.set || (h->gone && h->gone[q]))
			continue;
		double bound =
		        pp->cols[pr].half + h->cols[hr].half + (double)x->tol;
		if ((double)got.v >= (double)plan.v - bound)
			continue;
		char s[48], e[48], d[48];
		fmt_col(&h->cols[hr], s, sizeof s, got.v);
		fmt_col(&pp->cols[pr], e, sizeof e, plan.v);
		fmt_col(&h->cols[hr], d, sizeof d, got.v - plan.v);
		add_finding(x, R_PREVIOUS, LR_SEV_WARNING, pp, row->label,
		            &pp->cols[pr], s, e, d,
		            dupf(x,
		                 "released %s in %d against %s planned in the "
		                 "previous request (%.0f%%)",
		                 s, row->year, e,
		                 plan.v ? 100.0 * (double)got.v / (double)plan.v
		                        : 0.0));
		flag[r] = true;
	}
	free(flag);
	free(ord);
}

static void rule_ledger(ctx *x, ptab *p)
{
	ptab *l = x->led[p->kind];
	if (!l)
		return;
	for (size_t r = 0; r < p->nrows; r++) {
		const prow *row = &p->rows[r];
		int q = row->total ? find_total(l, row->year)
		                   : find_row(l, row->year, row->norm);
		if (q < 0) {
			if (row->nchild)
				continue; /* the ledger may list leaves only */
			note(x, R_LEDGER, LR_SEV_ERROR, p, row->label, NULL,
			     dupf(x, "no row '%s' in the ledger's %s",
			          row->label, kind_names[p->kind]));
			continue;
		}
		for (int c = 0; c < p->ncol; c++) {
			const pcol *col = &p->cols[c];
			if (col->type == COL_TEXT || col->type == COL_UNIT ||
			    !row->f[c].set)
				continue;
			int lc = col_find(l, col->base, col->type);
			if (lc < 0 || !l->rows[q].f[lc].set)
				continue;
			compare(x, R_LEDGER, p, row->label, col, row->f[c].v,
			        l->rows[q].f[lc].v,
			        col->half + l->cols[lc].half,
			        "differs from the ledger");
		}
	}
	/* Ledger regions with land that the table does not list. */
	int lc = p->kind == K_REMAINING ? rem_total_col(l) : -1;
	if (lc >= 0)
		for (size_t q = 0; q < l->nrows; q++) {
			const prow *lr = &l->rows[q];
			fig f = cell(l, q, lc);
			if (lr->total || !f.set || f.v == 0 ||
			    find_row(p, lr->year, lr->norm) >= 0)
				continue;
			note(x, R_LEDGER, LR_SEV_ERROR, p, lr->label, NULL,
			     dupf(x,
			          "the ledger has remaining land in '%s' but "
			          "the table has no row for it",
			          lr->key));
		}
}

/* Region spellings: the most frequent spelling of a key is the reference;
** every other spelling is flagged once per table. */
static void rule_spelling(ctx *x)
{
	for (size_t i = 0; i < x->ntabs; i++) {
		ptab *p = &x->tabs[i];
		if (p->role == LR_CHECK_LEDGER)
			continue;
		for (size_t r = 0; r < p->nrows; r++) {
			const prow *row = &p->rows[r];
			if (row->total)
				continue;
			/* first occurrence of this spelling in this table */
			bool seen = false;
			for (size_t q = 0; q < r && !seen; q++)
				seen = !strcmp(p->rows[q].key, row->key);
			if (seen)
				continue;
			/* counts of this and of the best other spelling */
			int mine = 0, best = 0;
			const char *bk = NULL;
			for (size_t j = 0; j < x->ntabs; j++) {
				ptab *t = &x->tabs[j];
				if (t->role == LR_CHECK_LEDGER)
					continue;
				for (size_t q = 0; q < t->nrows; q++) {
					if (strcmp(t->rows[q].norm, row->norm))
						continue;
					if (!strcmp(t->rows[q].key, row->key)) {
						mine++;
						continue;
					}
					int n = 0;
					for (size_t jj = 0; jj < x->ntabs; jj++)
						for (size_t qq = 0;
						     qq < x->tabs[jj].nrows;
						     qq++)
							n += x->tabs[jj].role !=
							             LR_CHECK_LEDGER &&
							     !strcmp(x->tabs[jj]
							                     .rows[qq]
							                     .key,
							             t->rows[q]
							                     .key);
					if (n > best) {
						best = n;
						bk = t->rows[q].key;
					}
				}
			}
			if (bk == NULL || mine > best)
				continue;
			if (mine == best && strcmp(row->key, bk) < 0)
				continue;
			int n = 0;
			for (size_t q = 0; q < p->nrows; q++)
				n += !strcmp(p->rows[q].key, row->key);
			add_finding(
			        x, R_SPELL, LR_SEV_WARNING, p, row->label,
			        &p->cols[p->key], row->key, bk, NULL,
			        dupf(x,
			             "region '%s' (%d row%s here) is spelled "
			             "'%s' elsewhere",
			             row->key, n, n > 1 ? "s" : "", bk));
		}
	}
}

/* ---- Driver ------------------------------------------------------------- */

static void in_table_rules(ctx *x, ptab *p)
{
	rule_values(x, p);
	rule_sum(x, p);
	rule_sha_cha(x, p);
	rule_method(x, p);
	rule_parts(x, p);
	rule_count_area(x, p);
	rule_scope(x, p);
	if (p->kind == K_RELEASE || p->kind == K_PLAN) {
		rule_gone(x, p);
		rule_roll(x, p);
		rule_cumulative(x, p);
		rule_slip(x, p);
	}
	if (p->kind == K_PLAN) {
		rule_plan_pct(x, p);
		rule_capacity(x, p);
		rule_cost(x, p);
		rule_funding(x, p);
	}
}

int lr_check_parse_precision(const char *s, double *m2, lr_error *err)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	double f = 1;
	if (end == s || errno || !(v > 0) || !isfinite(v))
		goto bad;
	if (!*end || !strcasecmp(end, "m2"))
		f = 1;
	else if (!strcasecmp(end, "km2"))
		f = 1e6;
	else if (!strcasecmp(end, "ha"))
		f = 1e4;
	else
		goto bad;
	if (!isfinite(v * f))
		goto bad;
	*m2 = v * f;
	return LR_OK;
bad:
	return lr_error_set(err, LR_ERR_USAGE,
	                    "--precision '%s': give a rounding step with its "
	                    "unit, e.g. 0.01km2, 1m2 or 0.1ha",
	                    s);
}

void lr_check_report_free(lr_check_report *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->findings.len; i++) {
		lr_check_finding *f =
		        &LR_VEC_AT(&r->findings, lr_check_finding, i);
		free(f->table);
		free(f->row);
		free(f->column);
		free(f->stated);
		free(f->expected);
		free(f->difference);
		free(f->message);
	}
	lr_vec_free(&r->findings);
	for (size_t i = 0; i < r->notes.len; i++)
		free(LR_VEC_AT(&r->notes, char *, i));
	lr_vec_free(&r->notes);
	free(r);
}

static void add_note(ctx *x, char *s)
{
	if (s == NULL || !lr_vec_push(&x->r->notes, &s)) {
		free(s);
		x->oom = true;
	}
}

static bool same_file(const lr_table *a, const lr_table *b)
{
	return a->path && b->path && !strcmp(a->path, b->path);
}

int lr_check_run(const lr_check_input *in, size_t n, const lr_check_options *o,
                 lr_check_report **out, lr_error *err)
{
	*out = NULL;
	ctx x = {.o = o};
	x.r = lr_xcalloc(1, sizeof *x.r);
	x.tabs = lr_xcalloc(n + 1, sizeof *x.tabs);
	if (!x.r || !x.tabs) {
		free(x.r);
		free(x.tabs);
		return lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	lr_vec_init(&x.r->findings, sizeof(lr_check_finding));
	lr_vec_init(&x.r->notes, sizeof(char *));
	lr_vec_init(&x.prev, sizeof(ptab *));
	x.tol = llround((o->tolerance_m2 > 0 ? o->tolerance_m2 : 0) * 100.0);
	int rc = LR_OK;
	for (size_t i = 0; i < n && rc == LR_OK; i++) {
		ptab *p = &x.tabs[x.ntabs];
		rc = parse_table(&x, &in[i], p, err);
		if (rc == LR_ERR_USAGE && p->kind == K_NONE) {
			/* A sheet of a workbook that holds a known table
			** too is skipped; anything else is unusable. */
			bool sibling = false;
			for (size_t j = 0; j < n; j++)
				if (j != i &&
				    same_file(in[j].table, in[i].table))
					sibling = true;
			const lr_table *t = in[i].table;
			const char *base = strrchr(t->path, '/');
			base = base ? base + 1 : t->path;
			if (sibling && strcmp(t->layer, base)) {
				add_note(&x,
				         dupf(&x,
				              "%s: not one of the known tables "
				              "(remaining_by_region, "
				              "release_by_year, completion, "
				              "workplan); skipped",
				              t->name));
				ptab_free(p);
				memset(p, 0, sizeof *p);
				rc = LR_OK;
				continue;
			}
			char cols[512] = "";
			for (int c = 0; c < t->n_cols; c++) {
				size_t l = strlen(cols);
				snprintf(cols + l, sizeof cols - l, "%s%s",
				         c ? ", " : "", t->header[c]);
			}
			lr_error_set(
			        err, LR_ERR_USAGE,
			        "%s: not one of the known tables (columns: "
			        "%s); a table needs the columns of "
			        "remaining_by_region (region_id, total_m2 "
			        "...), release_by_year (year, region_id, "
			        "released_m2 ...), completion (region_id, "
			        "remaining_m2, p50_date ...) or workplan "
			        "(year, region_id, release_m2 ...)",
			        t->name, cols[0] ? cols : "none");
		}
		if (rc != LR_OK) {
			ptab_free(p);
			break;
		}
		x.ntabs++;
		/* Previous plans: by role, or named or titled so. */
		if (p->kind == K_PLAN && p->role == LR_CHECK_SUBMITTED &&
		    (has_word(p->t->layer, "previous") ||
		     has_word(p->t->title, "previous")))
			p->role = LR_CHECK_PREVIOUS;
		if (p->role == LR_CHECK_PREVIOUS && p->kind != K_PLAN) {
			rc = lr_error_set(err, LR_ERR_USAGE,
			                  "%s: given as the previous work plan "
			                  "but it is a %s table",
			                  p->t->name, kind_names[p->kind]);
			break;
		}
		ptab **slot = NULL;
		if (p->role == LR_CHECK_LEDGER)
			slot = &x.led[p->kind];
		else if (p->role == LR_CHECK_SUBMITTED)
			slot = p->kind == K_REMAINING    ? &x.rem
			       : p->kind == K_RELEASE    ? &x.rel
			       : p->kind == K_COMPLETION ? &x.comp
			                                 : &x.plan;
		if (slot && *slot) {
			rc = lr_error_set(err, LR_ERR_USAGE,
			                  "two %s tables: %s and %s; give one",
			                  kind_names[p->kind], (*slot)->t->name,
			                  p->t->name);
			break;
		}
		if (slot)
			*slot = p;
		else if (!lr_vec_push(&x.prev, &p))
			x.oom = true;
		add_note(&x, dupf(&x, "%s: %s%s, %zu rows", p->t->name,
		                  p->role == LR_CHECK_PREVIOUS ? "previous "
		                  : p->role == LR_CHECK_LEDGER ? "ledger "
		                                               : "",
		                  kind_names[p->kind], p->nrows));
	}
	if (rc == LR_OK) {
		for (size_t i = 0; i < x.ntabs; i++)
			if (x.tabs[i].role != LR_CHECK_LEDGER && x.tabs[i].t)
				in_table_rules(&x, &x.tabs[i]);
		rule_spelling(&x);
		rule_rem_rel(&x);
		rule_start(&x);
		if (x.plan) {
			rule_plan_period(&x, x.plan);
			rule_pace(&x);
		}
		for (size_t i = 0; i < x.prev.len; i++)
			rule_previous(&x, LR_VEC_AT(&x.prev, ptab *, i));
		for (size_t i = 0; i < x.ntabs; i++)
			if (x.tabs[i].role != LR_CHECK_LEDGER && x.tabs[i].t)
				rule_ledger(&x, &x.tabs[i]);
		if (x.oom)
			rc = lr_error_set(err, LR_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < x.ntabs; i++)
		ptab_free(&x.tabs[i]);
	free(x.tabs);
	lr_vec_free(&x.prev);
	if (rc != LR_OK) {
		lr_check_report_free(x.r);
		return rc;
	}
	*out = x.r;
	return LR_OK;
}

void lr_check_report_print(const lr_check_report *r, FILE *f)
{
	for (size_t i = 0; i < r->findings.len; i++) {
		const lr_check_finding *x =
		        &LR_VEC_AT(&r->findings, lr_check_finding, i);
		fprintf(f, "%s %s %s", lr_severity_name(x->severity), x->rule,
		        x->table);
		if (*x->row)
			fprintf(f, " [%s]", x->row);
		if (*x->column)
			fprintf(f, " %s", x->column);
		fprintf(f, ": %s", x->message);
		if (*x->stated && *x->expected)
			fprintf(f, " (stated %s, expected %s%s%s)", x->stated,
			        x->expected,
			        *x->difference ? ", difference " : "",
			        x->difference);
		fputc('\n', f);
	}
}

int lr_check_write_csv(const lr_check_report *r, const char *path,
                       lr_error *err)
{
	char tmp[4096];
	FILE *f = lr_atomic_open(path, tmp, sizeof tmp, err);
	if (!f)
		return LR_ERR_IO;
	fputs("rule,severity,table,row,column,stated,expected,difference,"
	      "message\n",
	      f);
	for (size_t i = 0; i < r->findings.len; i++) {
		const lr_check_finding *x =
		        &LR_VEC_AT(&r->findings, lr_check_finding, i);
		const char *fields[] = {
		        x->rule,     lr_severity_name(x->severity),
		        x->table,    x->row,
		        x->column,   x->stated,
		        x->expected, x->difference,
		        x->message};
		for (size_t k = 0; k < sizeof fields / sizeof *fields; k++) {
			if (k)
				fputc(',', f);
			lr_csv_field(f, fields[k]);
		}
		fputc('\n', f);
	}
	return lr_atomic_close(f, tmp, path, err);
}
