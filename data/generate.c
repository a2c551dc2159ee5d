/*
** lr-generate: writes a synthetic national mine action dataset (leaf regions,
** hazardous areas and the land released from them) for tests, demos and
** benchmarks.  The model is described in data/README.md.
**
** Everything random comes from xoshiro256** streams seeded by splitmix64 from
** (seed, kind, index), so a hazard's shape does not depend on how many random
** numbers other hazards used, and the same arguments give the same file.
** Output is streamed: one hazard and its releases are built, written and
** forgotten before the next.
*/
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define MAXV 200           /* most vertices of a hazard ring */
#define RINGCAP (MAXV + 8) /* room for closure and injected defects */
#define TXN_FEATURES 50000 /* features per transaction */

/* WGS84 */
#define WGS84_A 6378137.0
#define WGS84_F (1.0 / 298.257223563)

/* ---------------------------------------------------------------- rng -- */

typedef struct rng {
	uint64_t s[4];
} rng;

/* Stream kinds: each kind of object draws from its own streams. */
enum {
	STREAM_WORLD = 1,
	STREAM_ROADS,
	STREAM_SIZES,
	STREAM_CLUSTER,
	STREAM_HAZARD,
	STREAM_RELEASE,
	STREAM_NAMES
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t splitmix64(uint64_t *x)
{
	*x += 0x9e3779b97f4a7c15ULL;
	return mix64(*x);
}

/* Seed the independent stream (seed, kind, index). */
static void rng_seed(rng *r, uint64_t seed, uint64_t kind, uint64_t index)
{
	uint64_t x = mix64(seed + 0x9e3779b97f4a7c15ULL);
	x = mix64(x ^ (kind * 0xd1342543de82ef95ULL));
	x = mix64(x ^ (index + 0x632be59bd9b4e019ULL));
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, 1). */
static double rng_unif(rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static double rng_range(rng *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_unif(r);
}

/* Uniform integer in [0, n). */
static long rng_int(rng *r, long n)
{
	return n <= 1 ? 0 : (long)(rng_unif(r) * (double)n);
}

static int rng_chance(rng *r, double p)
{
	return rng_unif(r) < p;
}

static double rng_normal(rng *r)
{
	double u1 = 1.0 - rng_unif(r); /* (0, 1] */
	double u2 = rng_unif(r);
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static double rng_exp(rng *r, double mean)
{
	return -mean * log(1.0 - rng_unif(r));
}

static long rng_poisson(rng *r, double lambda)
{
	if (lambda <= 0)
		return 0;
	if (lambda > 30) {
		double v = floor(lambda + sqrt(lambda) * rng_normal(r) + 0.5);
		return v < 0 ? 0 : (long)v;
	}
	double l = exp(-lambda), p = 1.0;
	long k = 0;
	do {
		k++;
		p *= rng_unif(r);
	} while (p > l);
	return k - 1;
}

/* Index drawn from cumulative-free weights w[0..n). */
static int rng_pick(rng *r, const double *w, int n)
{
	double t = 0;
	for (int i = 0; i < n; i++)
		t += w[i];
	double u = rng_unif(r) * t;
	for (int i = 0; i < n; i++) {
		if (u < w[i])
			return i;
		u -= w[i];
	}
	return n - 1;
}

/* -------------------------------------------------------------- dates -- */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long days_from_civil(long y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void date_text(long z, char out[64])
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, 64, "%04ld-%02ld-%02ld", y, m, d);
}

/* ------------------------------------------------------------ options -- */

typedef struct options {
	const char *out;
	const char *format;
	uint64_t seed;
	long hazards;
	long regions;
	int start_year, end_year;
	double lon0, lat0;
	/* 1: a country that is finishing (--profile finishing): finds come
	** early and work, once started, goes on, so in the last years releases
	** outpace new finds.  0: the default, which finds more than it
	** releases in its last years and never finishes. */
	int finishing;
	/* 1: denser survey polygons (--profile dense, for benchmarks): more
	** vertices a hazard and its land released in more, smaller pieces.
	** The timeline is unchanged; 0 keeps the default shapes and draws. */
	int dense;
	/* --complete-by Y: every hazard recorded by 31 December Y has all its
	** land released by then (a country that declares completion); those
	** recorded later are the previously unknown areas.  0: not asked. */
	int complete_by;
} options;

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: lr-generate --out FILE [--seed N] [--hazards N] "
	        "[--regions N]\n"
	        "                   [--format GPKG|\"ESRI Shapefile\"|GeoJSON] "
	        "[--start-year Y]\n"
	        "                   [--end-year Y] [--center LON,LAT]\n"
	        "                   [--complete-by Y]\n"
	        "                   [--profile never|finishing|dense"
	        "[,...]]\n"
	        "Writes layers regions, hazards and releases (EPSG:4326).\n"
	        "GPKG writes one file; the other formats write a directory "
	        "FILE holding\none file per layer.\n");
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* --profile: a comma-separated list of never, finishing and dense. */
static int parse_profile(const char *val, options *o)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s", val);
	o->finishing = o->dense = 0;
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "finishing"))
			o->finishing = 1;
		else if (!strcmp(t, "dense"))
			o->dense = 1;
		else if (strcmp(t, "never"))
			return -1;
	}
	return strlen(val) < sizeof buf ? 0 : -1;
}

static int parse_options(int argc, char **argv, options *o)
{
	*o = (options){.format = "GPKG",
	               .seed = 1,
	               .hazards = 1000,
	               .regions = 100,
	               .start_year = 2005,
	               .end_year = 2025,
	               .lon0 = 104.9,
	               .lat0 = 12.5};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		}
		char name[32];
		const char *val = NULL;
		const char *eq = strchr(a, '=');
		if (eq && eq - a < (long)sizeof name) {
			memcpy(name, a, (size_t)(eq - a));
			name[eq - a] = 0;
			val = eq + 1;
		} else {
			snprintf(name, sizeof name, "%s", a);
			if (i + 1 < argc)
				val = argv[++i];
		}
		if (!val) {
			fprintf(stderr, "lr-generate: %s needs a value\n",
			        name);
			return -1;
		}
		long v;
		if (!strcmp(name, "--out")) {
			o->out = val;
		} else if (!strcmp(name, "--format")) {
			o->format = val;
		} else if (!strcmp(name, "--seed")) {
			char *end;
			errno = 0;
			o->seed = strtoull(val, &end, 10);
			if (errno || end == val || *end)
				goto bad;
		} else if (!strcmp(name, "--hazards")) {
			if (parse_long(val, 0, 100000000, &o->hazards))
				goto bad;
		} else if (!strcmp(name, "--regions")) {
			if (parse_long(val, 1, 100000, &o->regions))
				goto bad;
		} else if (!strcmp(name, "--start-year")) {
			if (parse_long(val, 1900, 2200, &v))
				goto bad;
			o->start_year = (int)v;
		} else if (!strcmp(name, "--end-year")) {
			if (parse_long(val, 1900, 2200, &v))
				goto bad;
			o->end_year = (int)v;
		} else if (!strcmp(name, "--complete-by")) {
			if (parse_long(val, 1900, 2200, &v))
				goto bad;
			o->complete_by = (int)v;
		} else if (!strcmp(name, "--profile")) {
			if (parse_profile(val, o))
				goto bad;
		} else if (!strcmp(name, "--center")) {
			if (sscanf(val, "%lf,%lf", &o->lon0, &o->lat0) != 2 ||
			    fabs(o->lon0) > 180 || fabs(o->lat0) > 60)
				goto bad;
		} else {
			fprintf(stderr, "lr-generate: unknown option %s\n",
			        name);
			usage(stderr);
			return -1;
		}
		continue;
	bad:
		fprintf(stderr, "lr-generate: bad value for %s: %s\n", name,
		        val);
		return -1;
	}
	if (!o->out) {
		usage(stderr);
		return -1;
	}
	if (o->end_year < o->start_year) {
		fprintf(stderr,
		        "lr-generate: --end-year before --start-year\n");
		return -1;
	}
	if (o->complete_by &&
	    (o->complete_by < o->start_year || o->complete_by > o->end_year)) {
		fprintf(stderr, "lr-generate: --complete-by outside "
		                "--start-year .. --end-year\n");
		return -1;
	}
	if (strcmp(o->format, "GPKG") && strcmp(o->format, "ESRI Shapefile") &&
	    strcmp(o->format, "GeoJSON")) {
		fprintf(stderr, "lr-generate: unsupported format %s\n",
		        o->format);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------- the world -- */

typedef struct pt {
	double x, y;
} pt;

typedef struct edge {
	pt *p; /* owned */
	int n;
} edge;

typedef struct district {
	char id[32], name[48], parent[32];
	pt *ring; /* owned; metres, closed */
	int n;
} district;

enum { LINE_ROAD, LINE_BORDER, LINE_FRONT };

typedef struct line {
	pt *p;       /* owned; metres */
	double *cum; /* owned; arc length at each point */
	int n;
	int kind; /* LINE_ROAD, LINE_BORDER (hazards on its left, the
	          ** interior, only) or LINE_FRONT (hazards across it) */
} line;

/* The fixed frame of a run: country, regions, lines, clusters.  Built once,
** read only afterwards. */
typedef struct world {
	const options *opt; /* borrowed */
	double kx, ky;      /* degrees per metre east, north at the centre */
	double half;        /* half the country's side, metres */
	int g;              /* districts per side */
	double cell;        /* district side, metres */
	district *d;        /* owned, g*g */
	line *lines;        /* owned; lines[0] is the border */
	int nlines;
	double total_len;
	long nclusters;
	int *ksize;       /* owned; hazards per cluster */
	double *slot_mid; /* owned; arc length of the middle of each cluster */
	long day_start, day_end;
} world;

static void to_lonlat(const world *w, double x, double y, double *lon,
                      double *lat)
{
	*lon = w->opt->lon0 + x * w->kx;
	*lat = w->opt->lat0 + y * w->ky;
}

static pt lerp(pt a, pt b, double t)
{
	return (pt){a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
}

/*
** A shared boundary from a to b with m jittered intermediate vertices.  The
** offsets vanish at both ends so that edges meeting at a node do not cross.
*/
static edge make_edge(rng *r, pt a, pt b, int m, double amp)
{
	edge e = {malloc((size_t)(m + 2) * sizeof(pt)), m + 2};
	double dx = b.x - a.x, dy = b.y - a.y, len = hypot(dx, dy);
	double nx = -dy / len, ny = dx / len;
	double a1 = rng_range(r, -1, 1) * amp * 0.6;
	double a2 = rng_range(r, -1, 1) * amp * 0.3;
	double ph = rng_range(r, 0, 2 * M_PI);
	e.p[0] = a;
	for (int k = 1; k <= m; k++) {
		double t = (k + rng_range(r, -0.3, 0.3)) / (m + 1);
		double o = sin(M_PI * t) * (a1 + a2 * sin(4 * M_PI * t + ph) +
		                            rng_range(r, -1, 1) * amp * 0.1);
		pt q = lerp(a, b, t);
		e.p[k] = (pt){q.x + nx * o, q.y + ny * o};
	}
	e.p[m + 1] = b;
	return e;
}

/* Append edge e to ring, forward or reversed, without repeating the joint. */
static void ring_append(pt *ring, int *n, const edge *e, int reverse)
{
	for (int k = 0; k < e->n; k++) {
		pt p = e->p[reverse ? e->n - 1 - k : k];
		if (*n > 0 && ring[*n - 1].x == p.x && ring[*n - 1].y == p.y)
			continue;
		ring[(*n)++] = p;
	}
}

static void make_name(rng *r, char *out, size_t size)
{
	static const char *const syl[] = {
	        "ban",  "kam",  "phum", "sre",  "tra",  "rok", "chey", "svay",
	        "prey", "kro",  "lo",   "mean", "thom", "cha", "ro",   "sa",
	        "pea",  "kang", "ta",   "ang",  "veng", "kol", "da",   "ream",
	        "bor",  "sam",  "ka",   "mong", "ny",   "tum", "siem", "kep"};
	int nsyl = (int)(sizeof syl / sizeof syl[0]);
	char w1[24] = "", w2[24] = "";
	int a = 1 + (int)rng_int(r, 2), b = 1 + (int)rng_int(r, 2);
	for (int i = 0; i < a; i++)
		strcat(w1, syl[rng_int(r, nsyl)]);
	for (int i = 0; i < b; i++)
		strcat(w2, syl[rng_int(r, nsyl)]);
	w1[0] = (char)(w1[0] - 'a' + 'A');
	w2[0] = (char)(w2[0] - 'a' + 'A');
	snprintf(out, size, "%s %s", w1, w2);
}

/* Leaf districts on a jittered g x g grid, grouped into provinces. */
static void build_regions(world *w, rng *r)
{
	int g = w->g > 0 ? w->g : 1;
	double cell = w->cell;
	pt *node = malloc((size_t)(g + 1) * (size_t)(g + 1) * sizeof(pt));
	for (int j = 0; j <= g; j++)
		for (int i = 0; i <= g; i++)
			node[j * (g + 1) + i] =
			        (pt){-w->half + i * cell +
			                     rng_range(r, -0.15, 0.15) * cell,
			             -w->half + j * cell +
			                     rng_range(r, -0.15, 0.15) * cell};
	/* Provinces: blocks of districts, at most 5 per side. */
	int p = g < 2 ? 1 : (g + 1) / 2;
	if (p > 5)
		p = 5;
	int *prov = calloc((size_t)g, sizeof(int));
	for (int i = 0; i < g; i++)
		prov[i] = i * p / g;

	/* Horizontal edge (i,j): node(i,j) -> node(i+1,j); vertical edge
	** (i,j): node(i,j) -> node(i,j+1).  Borders between provinces and the
	** country's border carry more vertices. */
	edge *he = malloc((size_t)g * (size_t)(g + 1) * sizeof(edge));
	edge *ve = malloc((size_t)g * (size_t)(g + 1) * sizeof(edge));
	for (int j = 0; j <= g; j++)
		for (int i = 0; i < g; i++) {
			int outer = j == 0 || j == g;
			int pb = outer || prov[j - 1] != prov[j];
			int m = outer ? 14 : pb ? 10 : 6;
			m += (int)rng_int(r, 4);
			he[j * g + i] = make_edge(r, node[j * (g + 1) + i],
			                          node[j * (g + 1) + i + 1], m,
			                          0.05 * cell);
		}
	for (int i = 0; i <= g; i++)
		for (int j = 0; j < g; j++) {
			int outer = i == 0 || i == g;
			int pb = outer || prov[i - 1] != prov[i];
			int m = outer ? 14 : pb ? 10 : 6;
			m += (int)rng_int(r, 4);
			ve[i * g + j] = make_edge(r, node[j * (g + 1) + i],
			                          node[(j + 1) * (g + 1) + i],
			                          m, 0.05 * cell);
		}

	rng nr;
	rng_seed(&nr, w->opt->seed, STREAM_NAMES, 0);
	w->d = calloc((size_t)g * (size_t)g, sizeof(district));
	int *count = calloc((size_t)p * (size_t)p, sizeof(int));
	for (int j = 0; j < g; j++)
		for (int i = 0; i < g; i++) {
			district *d = &w->d[j * g + i];
			const edge *es[4] = {
			        &he[j * g + i], &ve[(i + 1) * g + j],
			        &he[(j + 1) * g + i], &ve[i * g + j]};
			int cap = 1;
			for (int k = 0; k < 4; k++)
				cap += es[k]->n;
			d->ring = malloc((size_t)cap * sizeof(pt));
			d->n = 0;
			for (int k = 0; k < 4; k++)
				ring_append(d->ring, &d->n, es[k], k >= 2);
			d->ring[d->n++] = d->ring[0];
			int pi = prov[i], pj = prov[j];
			int pno = (p - 1 - pj) * p + pi +
			          1; /* north-west first */
			snprintf(d->parent, sizeof d->parent, "P%02d", pno);
			snprintf(d->id, sizeof d->id, "P%02d-D%02d", pno,
			         ++count[pno - 1]);
			make_name(&nr, d->name, sizeof d->name);
		}

	/* The border, counter-clockwise: the interior is on its left. */
	line *b = &w->lines[0];
	b->p = malloc((size_t)(4 * g * 20 + 1) * sizeof(pt));
	b->n = 0;
	b->kind = LINE_BORDER;
	for (int i = 0; i < g; i++)
		ring_append(b->p, &b->n, &he[0 * g + i], 0);
	for (int j = 0; j < g; j++)
		ring_append(b->p, &b->n, &ve[g * g + j], 0);
	for (int i = g - 1; i >= 0; i--)
		ring_append(b->p, &b->n, &he[g * g + i], 1);
	for (int j = g - 1; j >= 0; j--)
		ring_append(b->p, &b->n, &ve[0 * g + j], 1);
	b->p[b->n++] = b->p[0];
	w->nlines = 1;

	/* Two old front lines along province boundaries, one each way:
	** minefields there straddle the boundary. */
	if (g >= 2) {
		int i0 = g / 2;
		while (i0 < g - 1 && prov[i0 - 1] == prov[i0])
			i0++;
		for (int dir = 0; dir < 2; dir++) {
			line *l = &w->lines[w->nlines++];
			l->kind = LINE_FRONT;
			l->p = malloc((size_t)(g * 20 + 1) * sizeof(pt));
			l->n = 0;
			for (int k = 0; k < g; k++)
				ring_append(l->p, &l->n,
				            dir ? &ve[i0 * g + k]
				                : &he[i0 * g + k],
				            0);
		}
	}

	for (int k = 0; k < g * (g + 1); k++) {
		free(he[k].p);
		free(ve[k].p);
	}
	free(he);
	free(ve);
	free(node);
	free(prov);
	free(count);
}

static void line_measure(line *l)
{
	l->cum = malloc((size_t)l->n * sizeof(double));
	l->cum[0] = 0;
	for (int k = 1; k < l->n; k++)
		l->cum[k] = l->cum[k - 1] + hypot(l->p[k].x - l->p[k - 1].x,
		                                  l->p[k].y - l->p[k - 1].y);
}

/* A road from one side of the country to another, gently winding. */
static void make_road(world *w, rng *r, line *l)
{
	double h = w->half * 0.92;
	int s1 = (int)rng_int(r, 4), s2 = (s1 + 1 + (int)rng_int(r, 3)) % 4;
	pt ends[2];
	int sides[2] = {s1, s2};
	for (int k = 0; k < 2; k++) {
		double t = rng_range(r, -0.8, 0.8) * h;
		switch (sides[k]) {
		case 0:
			ends[k] = (pt){t, -h};
			break;
		case 1:
			ends[k] = (pt){h, t};
			break;
		case 2:
			ends[k] = (pt){t, h};
			break;
		default:
			ends[k] = (pt){-h, t};
			break;
		}
	}
	int seg = 12;
	l->n = seg + 1;
	l->p = malloc((size_t)l->n * sizeof(pt));
	l->kind = LINE_ROAD;
	double dx = ends[1].x - ends[0].x, dy = ends[1].y - ends[0].y;
	double len = hypot(dx, dy);
	double nx = -dy / len, ny = dx / len, off = 0, vel = 0;
	for (int k = 0; k <= seg; k++) {
		double t = (double)k / seg;
		pt q = lerp(ends[0], ends[1], t);
		double taper = sin(M_PI * t);
		q.x += nx * off * taper;
		q.y += ny * off * taper;
		if (q.x > h)
			q.x = h;
		if (q.x < -h)
			q.x = -h;
		if (q.y > h)
			q.y = h;
		if (q.y < -h)
			q.y = -h;
		l->p[k] = q;
		vel = 0.6 * vel + rng_normal(r) * 0.025 * len;
		off += vel;
	}
	line_measure(l);
}

/* Point and unit tangent at arc length s along all lines. */
static void world_locate(const world *w, double s, pt *o, pt *t, int *kind)
{
	for (int i = 0; i < w->nlines; i++) {
		const line *l = &w->lines[i];
		double len = l->cum[l->n - 1];
		if (s > len && i + 1 < w->nlines) {
			s -= len;
			continue;
		}
		int lo = 0, hi = l->n - 1;
		while (hi - lo > 1) {
			int mid = (lo + hi) / 2;
			if (l->cum[mid] <= s)
				lo = mid;
			else
				hi = mid;
		}
		double sl = l->cum[hi] - l->cum[lo];
		double f = sl > 0 ? (s - l->cum[lo]) / sl : 0;
		if (f > 1)
			f = 1;
		*o = lerp(l->p[lo], l->p[hi], f);
		*t = (pt){(l->p[hi].x - l->p[lo].x) / sl,
		          (l->p[hi].y - l->p[lo].y) / sl};
		*kind = l->kind;
		return;
	}
}

/* Length of line given to a cluster of k hazards: enough for about two
** shelves of hazards on each side. */
static double cluster_len(int k)
{
	double s = 140.0 * k;
	return s < 1500 ? 1500 : s;
}

static long gcd(long a, long b)
{
	while (b) {
		long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/*
** Build the country: size grows with the number of hazards so that their
** density stays that of a heavily affected country; the lines (border and
** roads) are long enough to give every cluster its own stretch.
*/
static void world_build(world *w, const options *o)
{
	memset(w, 0, sizeof *w);
	w->opt = o;
	double phi = o->lat0 * M_PI / 180, e2 = WGS84_F * (2 - WGS84_F);
	double sn = sin(phi), den = 1 - e2 * sn * sn;
	double nrad = WGS84_A / sqrt(den);
	double mrad = WGS84_A * (1 - e2) / (den * sqrt(den));
	w->kx = 180 / (M_PI * nrad * cos(phi));
	w->ky = 180 / (M_PI * mrad);
	double side = 300e3 * sqrt((double)o->hazards / 2e4);
	if (side < 150e3)
		side = 150e3;
	w->half = side / 2;
	w->g = (int)floor(sqrt((double)o->regions) + 0.5);
	if (w->g < 1)
		w->g = 1;
	w->cell = side / w->g;
	w->day_start = days_from_civil(o->start_year, 1, 1);
	w->day_end = days_from_civil(o->end_year, 12, 31);

	rng r;
	rng_seed(&r, o->seed, STREAM_WORLD, 0);

	/* Cluster sizes: mostly small groups, some long minefield belts. */
	double mean = (double)o->hazards / 300;
	if (mean < 4)
		mean = 4;
	if (mean > 30)
		mean = 30;
	rng sr;
	rng_seed(&sr, o->seed, STREAM_SIZES, 0);
	long cap = o->hazards / 2 + 2;
	w->ksize = malloc((size_t)cap * sizeof(int));
	long left = o->hazards, c = 0;
	while (left > 0) {
		long k = 1 + (long)floor(rng_exp(&sr, mean - 1));
		if (k > 4 * mean)
			k = (long)(4 * mean);
		if (k > left)
			k = left;
		if (c == cap) {
			cap *= 2;
			w->ksize = realloc(w->ksize, (size_t)cap * sizeof(int));
		}
		w->ksize[c++] = (int)k;
		left -= k;
	}
	w->nclusters = c;

	double sum_len = 0;
	for (long i = 0; i < c; i++)
		sum_len += cluster_len(w->ksize[i]);
	double need = sum_len * 1.8;
	int maxlines = 16 + (int)(need / (0.4 * side));
	w->lines = calloc((size_t)maxlines, sizeof(line));
	build_regions(w, &r);
	for (int i = 0; i < w->nlines; i++) {
		line_measure(&w->lines[i]);
		w->total_len += w->lines[i].cum[w->lines[i].n - 1];
	}
	rng rr;
	rng_seed(&rr, o->seed, STREAM_ROADS, 0);
	int first_road = w->nlines;
	while ((w->total_len < need || w->nlines - first_road < 3) &&
	       w->nlines < maxlines) {
		line *l = &w->lines[w->nlines++];
		make_road(w, &rr, l);
		w->total_len += l->cum[l->n - 1];
	}
	/* Clusters take their stretches of line in a random order (an affine
	** permutation), separated by equal gaps. */
	long pa = 1, pb = c ? rng_int(&r, c) : 0;
	if (c > 2) {
		do
			pa = 1 + rng_int(&r, c - 1);
		while (gcd(pa, c) != 1);
	}
	long *at = malloc((size_t)(c > 0 ? c : 1) * sizeof(long));
	for (long i = 0; i < c; i++)
		at[(long)(((long long)pa * i + pb) % c)] = i;
	double gap = c ? fmax(0, (w->total_len - sum_len) / (double)c) : 0;
	w->slot_mid = malloc((size_t)(c > 0 ? c : 1) * sizeof(double));
	double pos = gap / 2;
	for (long j = 0; j < c; j++) {
		double len = cluster_len(w->ksize[at[j]]);
		w->slot_mid[at[j]] = pos + len / 2;
		pos += len + gap;
	}
	free(at);
}

static void world_free(world *w)
{
	for (int i = 0; i < w->g * w->g; i++)
		free(w->d[i].ring);
	free(w->d);
	for (int i = 0; i < w->nlines; i++) {
		free(w->lines[i].p);
		free(w->lines[i].cum);
	}
	free(w->lines);
	free(w->ksize);
	free(w->slot_mid);
}

static int ring_contains(const pt *ring, int n, double x, double y)
{
	int in = 0;
	for (int i = 0, j = n - 1; i < n; j = i++)
		if ((ring[i].y > y) != (ring[j].y > y) &&
		    x < (ring[j].x - ring[i].x) * (y - ring[i].y) /
		                            (ring[j].y - ring[i].y) +
		                    ring[i].x)
			in = !in;
	return in;
}

/* The district holding point (x, y) in metres, or -1. */
static int world_district(const world *w, double x, double y)
{
	int ci = (int)floor((x + w->half) / w->cell);
	int cj = (int)floor((y + w->half) / w->cell);
	for (int dj = -1; dj <= 1; dj++)
		for (int di = -1; di <= 1; di++) {
			int i = ci + di, j = cj + dj;
			if (i < 0 || j < 0 || i >= w->g || j >= w->g)
				continue;
			const district *d = &w->d[j * w->g + i];
			if (ring_contains(d->ring, d->n - 1, x, y))
				return j * w->g + i;
		}
	return -1;
}

/* ------------------------------------------------------------ geodesy -- */

/* Authalic latitude function q(phi) of the WGS84 ellipsoid. */
static double authalic_q(double phi)
{
	double e2 = WGS84_F * (2 - WGS84_F), e = sqrt(e2), s = sin(phi);
	return (1 - e2) * (s / (1 - e2 * s * s) -
	                   (1 / (2 * e)) * log((1 - e * s) / (1 + e * s)));
}

/*
** Area in m^2 on the WGS84 ellipsoid of a ring given in degrees, through
** the equal-area cylindrical projection (exact for the projected ring;
** within 1e-6 of the geodesic area for rings of short edges).
*/
static double ellipsoid_area(const double *lon, const double *lat, int n)
{
	double x0 = lon[0] * M_PI / 180 * WGS84_A;
	double y0 = WGS84_A * authalic_q(lat[0] * M_PI / 180) / 2;
	double s = 0, px = 0, py = 0;
	for (int k = 1; k < n; k++) {
		double x = lon[k] * M_PI / 180 * WGS84_A - x0;
		double y = WGS84_A * authalic_q(lat[k] * M_PI / 180) / 2 - y0;
		s += px * y - x * py;
		px = x;
		py = y;
	}
	return fabs(s) / 2;
}

static double planar_area(const double *x, const double *y, int n)
{
	double s = 0;
	for (int k = 0; k < n; k++) {
		int j = (k + 1) % n;
		s += (x[k] - x[0]) * (y[j] - y[0]) -
		     (x[j] - x[0]) * (y[k] - y[0]);
	}
	return s / 2;
}

/* ------------------------------------------------------------ output -- */

enum { L_REGIONS, L_HAZARDS, L_RELEASES, NLAYERS };

typedef struct sink {
	GDALDatasetH ds[NLAYERS]; /* owned; all the same for GPKG */
	OGRLayerH lyr[NLAYERS];
	OGRFeatureH feat[NLAYERS]; /* owned; reused for every feature */
	int single;                /* one dataset holds every layer */
	int in_txn;
	long pending;
} sink;

static const char *const layer_names[NLAYERS] = {"regions", "hazards",
                                                 "releases"};

static int add_field(OGRLayerH l, const char *name, OGRFieldType t)
{
	OGRFieldDefnH f = OGR_Fld_Create(name, t);
	/* Shapefiles cut names to 10 characters (data/README.md lists
	** them): no need to warn on every run. */
	CPLPushErrorHandler(CPLQuietErrorHandler);
	OGRErr e = OGR_L_CreateField(l, f, TRUE);
	CPLPopErrorHandler();
	OGR_Fld_Destroy(f);
	return e == OGRERR_NONE ? 0 : -1;
}

static void sink_begin(sink *s)
{
	if (s->single && !s->in_txn &&
	    GDALDatasetStartTransaction(s->ds[0], FALSE) == OGRERR_NONE)
		s->in_txn = 1;
}

static int sink_commit(sink *s)
{
	if (s->in_txn) {
		s->in_txn = 0;
		if (GDALDatasetCommitTransaction(s->ds[0]) != OGRERR_NONE)
			return -1;
	}
	s->pending = 0;
	return 0;
}

/* Remove what a previous run left at path (a file, or a layer file). */
static void remove_old(GDALDriverH drv, const char *path)
{
	VSIStatBufL st;
	if (VSIStatL(path, &st) == 0) {
		CPLPushErrorHandler(CPLQuietErrorHandler);
		if (GDALDeleteDataset(drv, path) != CE_None)
			VSIUnlink(path);
		CPLPopErrorHandler();
	}
}

static int sink_open(sink *s, const options *o)
{
	memset(s, 0, sizeof *s);
	GDALDriverH drv = GDALGetDriverByName(o->format);
	if (!drv) {
		fprintf(stderr, "lr-generate: no GDAL driver %s\n", o->format);
		return -1;
	}
	OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
	OSRImportFromEPSG(srs, 4326);
	OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
	s->single = !strcmp(o->format, "GPKG");
	const char *ext = !strcmp(o->format, "GeoJSON") ? "geojson" : "shp";
	if (s->single) {
		remove_old(drv, o->out);
		s->ds[0] = GDALCreate(drv, o->out, 0, 0, 0, GDT_Unknown, NULL);
		if (!s->ds[0])
			goto fail;
		s->ds[1] = s->ds[2] = s->ds[0];
	} else if (VSIMkdir(o->out, 0755) != 0) {
		VSIStatBufL st;
		if (VSIStatL(o->out, &st) != 0 || !VSI_ISDIR(st.st_mode)) {
			fprintf(stderr,
			        "lr-generate: cannot make directory %s\n",
			        o->out);
			goto fail;
		}
	}
	for (int i = 0; i < NLAYERS; i++) {
		if (!s->single) {
			const char *p =
			        CPLFormFilename(o->out, layer_names[i], ext);
			char *path = CPLStrdup(p);
			remove_old(drv, path);
			s->ds[i] = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown,
			                      NULL);
			CPLFree(path);
			if (!s->ds[i])
				goto fail;
		}
		char **lco = NULL;
		if (s->single)
			lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
		s->lyr[i] = GDALDatasetCreateLayer(s->ds[i], layer_names[i],
		                                   srs, wkbPolygon, lco);
		CSLDestroy(lco);
		if (!s->lyr[i])
			goto fail;
		OGRLayerH l = s->lyr[i];
		int bad = 0;
		switch (i) {
		case L_REGIONS:
			bad |= add_field(l, "region_id", OFTString);
			bad |= add_field(l, "name", OFTString);
			bad |= add_field(l, "parent_id", OFTString);
			break;
		case L_HAZARDS:
			bad |= add_field(l, "hazard_id", OFTString);
			bad |= add_field(l, "type", OFTString);
			bad |= add_field(l, "contamination", OFTString);
			bad |= add_field(l, "recorded_date", OFTString);
			bad |= add_field(l, "reported_area_m2", OFTReal);
			bad |= add_field(l, "region_id", OFTString);
			break;
		default:
			bad |= add_field(l, "release_id", OFTString);
			bad |= add_field(l, "hazard_id", OFTString);
			bad |= add_field(l, "method", OFTString);
			bad |= add_field(l, "release_date", OFTString);
			bad |= add_field(l, "ap_mines", OFTInteger);
			bad |= add_field(l, "av_mines", OFTInteger);
			bad |= add_field(l, "erw", OFTInteger);
			break;
		}
		if (bad)
			goto fail;
		s->feat[i] = OGR_F_Create(OGR_L_GetLayerDefn(l));
	}
	OSRDestroySpatialReference(srs);
	return 0;
fail:
	fprintf(stderr, "lr-generate: %s: %s\n", o->out, CPLGetLastErrorMsg());
	OSRDestroySpatialReference(srs);
	return -1;
}

static int sink_close(sink *s)
{
	int rc = sink_commit(s);
	for (int i = 0; i < NLAYERS; i++)
		if (s->feat[i])
			OGR_F_Destroy(s->feat[i]);
	int n = s->single ? 1 : NLAYERS;
	CPLErrorReset();
	for (int i = 0; i < n; i++)
		if (s->ds[i])
			GDALClose(s->ds[i]);
	if (CPLGetLastErrorType() >= CE_Failure)
		rc = -1;
	return rc;
}

/* Write the feature of layer i, whose fields are set, with polygon g (owned:
** handed to the feature). */
static int sink_write(sink *s, int i, OGRGeometryH g)
{
	OGRFeatureH f = s->feat[i];
	OGR_F_SetFID(f, OGRNullFID);
	OGR_F_SetGeometryDirectly(f, g);
	if (OGR_L_CreateFeature(s->lyr[i], f) != OGRERR_NONE)
		return -1;
	if (++s->pending >= TXN_FEATURES) {
		if (sink_commit(s))
			return -1;
		sink_begin(s);
	}
	return 0;
}

static void set_text(OGRFeatureH f, int k, const char *v)
{
	if (v)
		OGR_F_SetFieldString(f, k, v);
	else
		OGR_F_SetFieldNull(f, k);
}

static OGRGeometryH make_ring(const double *x, const double *y, int n)
{
	OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
	OGR_G_SetPoints(ring, n, x, sizeof(double), y, sizeof(double), NULL, 0);
	return ring;
}

static OGRGeometryH make_polygon(const double *x, const double *y, int n)
{
	OGRGeometryH g = OGR_G_CreateGeometry(wkbPolygon);
	OGR_G_AddGeometryDirectly(g, make_ring(x, y, n));
	return g;
}

static int write_regions(const world *w, sink *s)
{
	int n = w->g * w->g;
	OGRFeatureH f = s->feat[L_REGIONS];
	for (int i = 0; i < n; i++) {
		const district *d = &w->d[i];
		double *lon = malloc((size_t)d->n * 2 * sizeof(double));
		double *lat = lon + d->n;
		for (int k = 0; k < d->n; k++)
			to_lonlat(w, d->ring[k].x, d->ring[k].y, &lon[k],
			          &lat[k]);
		OGR_F_SetFieldString(f, 0, d->id);
		OGR_F_SetFieldString(f, 1, d->name);
		OGR_F_SetFieldString(f, 2, d->parent);
		int rc = sink_write(s, L_REGIONS, make_polygon(lon, lat, d->n));
		free(lon);
		if (rc)
			return -1;
	}
	return 0;
}

/* ----------------------------------------------------------- hazards -- */

enum { SHA, CHA };
enum { C_AP, C_AV, C_ERW, C_MIXED };
enum { M_CANCELLED, M_REDUCED, M_CLEARED };

static const char *const type_text[] = {"SHA", "CHA"};
static const char *const contam_text[] = {"AP", "AV", "ERW", "mixed"};
static const char *const method_text[] = {"cancelled", "reduced", "cleared"};
static const double contam_w[] = {55, 10, 20, 15};

/* Where the hazards of one cluster go: a stretch of line, filled by shelves
** of hazards on alternate sides, so that they never overlap each other. */
typedef struct cluster {
	long index;
	double len;     /* length of its stretch of line, metres */
	int kind;       /* of the line it lies on */
	pt o, t;        /* centre of the stretch and unit tangent */
	int side;       /* 0: left of the line, 1: right */
	double next[2]; /* where the next shelf starts on each side */
	double start, height, cursor;
	int count;
	int contam;        /* dominant contamination */
	long base_day;     /* survey date of the cluster */
	double pu, pv, pr; /* previous hazard: centre (local) and size */
	long pday;
	int ptype;
} cluster;

/* Counters for the summary line. */
typedef struct stats {
	long hazards, releases, invalid, resurveys, outside, unreleased;
	long dup, orphans;
} stats;

/* One hazard being built.  Coordinates: lx/ly local about the centre in the
** cluster frame; x/y metres in the country frame; lon/lat degrees. */
typedef struct hazard {
	long idx;
	int n;
	double lx[RINGCAP], ly[RINGCAP];
	double x[RINGCAP], y[RINGCAP];
	double lon[RINGCAP], lat[RINGCAP];
	double clon, clat; /* centre, degrees */
	double cx, cy;     /* centre, metres */
	double area;       /* planar area of the shape, m^2 */
	double r0;
	int type, contam;
	long day;
	rng r;
} hazard;

/* Scratch space for release pieces. */
typedef struct piece {
	int n;
	double lon[2 * RINGCAP + 4], lat[2 * RINGCAP + 4];
	int nh; /* vertices of the hole, 0 if none */
	double hlon[RINGCAP + 2], hlat[RINGCAP + 2];
	double area; /* m^2 (planar, for item counts) */
} piece;

static void cluster_open(const world *w, cluster *c, long index)
{
	rng r;
	rng_seed(&r, w->opt->seed, STREAM_CLUSTER, (uint64_t)index);
	memset(c, 0, sizeof *c);
	c->index = index;
	c->len = cluster_len(w->ksize[index]);
	double s = w->slot_mid[index] + rng_range(&r, -100, 100);
	world_locate(w, s, &c->o, &c->t, &c->kind);
	c->side = c->kind == LINE_ROAD ? (int)rng_int(&r, 2) : 0;
	c->next[0] = rng_range(&r, 30, 250);
	c->next[1] = rng_range(&r, 30, 250);
	if (c->kind == LINE_FRONT) {
		/* The first shelf sits across the line. */
		c->next[0] = -rng_range(&r, 50, 300);
		c->next[1] = -c->next[0] + rng_range(&r, 30, 250);
	}
	c->start = c->next[c->side];
	c->height = 0;
	c->cursor = -c->len / 2 + rng_range(&r, 0, 400);
	c->contam = rng_pick(&r, contam_w, 4);
	/* More surveys in the first years: a baseline survey, then finds
	** that decline over the years. */
	int span = w->opt->end_year - w->opt->start_year + 1;
	int year, fin = w->opt->finishing;
	/* Finishing: most land found in the first years, the rest early. */
	if (rng_chance(&r, fin ? 0.4 : 0.3))
		year = w->opt->start_year + (int)rng_int(&r, span < 2 ? 1 : 2);
	else {
		year = w->opt->start_year +
		       (int)floor(rng_exp(&r, span / (fin ? 4.0 : 3.0) + 0.5));
		if (year > w->opt->end_year)
			year = w->opt->start_year +
			       (int)rng_int(&r, fin ? (span + 1) / 2 : span);
	}
	c->base_day = days_from_civil(year, 1, 1) + rng_int(&r, 365);
	if (c->base_day > w->day_end)
		c->base_day = w->day_end;
}

/* The star-shaped blob of hazard h, in its local frame (u along the line);
** dense: a third more vertices (about 40 on average). */
static void hazard_shape(hazard *h, int dense)
{
	rng *r = &h->r;
	double area = exp(log(2e4) + 1.5 * rng_normal(r));
	if (area < 100)
		area = 100 * (1 + rng_unif(r));
	if (area > 5e6)
		area = 5e6 * (1 - 0.3 * rng_unif(r));
	double nv = (dense ? 10.5 : 8) * pow(area / 100, 0.22) *
	            exp(0.3 * rng_normal(r));
	if (rng_chance(r, 0.03))
		nv *= 3; /* digitised from a dense GPS track */
	int n = (int)floor(nv + 0.5);
	n = n < 8 ? 8 : n > MAXV ? MAXV : n;
	double amp[4], ph[4];
	double rough = rng_chance(r, 0.15) ? 1.8 : 1.0;
	for (int k = 0; k < 4; k++) {
		amp[k] = rng_unif(r) * 0.22 * rough / pow(k + 2, 0.7);
		ph[k] = rng_range(r, 0, 2 * M_PI);
	}
	double elong = exp(rng_range(r, 0, 0.6));
	/* Half lie along the line (a minefield along a road), half anyhow. */
	double rot = rng_chance(r, 0.5) ? 0.3 * rng_normal(r)
	                                : rng_range(r, 0, 2 * M_PI);
	double cr = cos(rot), sr = sin(rot);
	double phi0 = rng_range(r, 0, 2 * M_PI);
	for (int k = 0; k < n; k++) {
		double th = phi0 + 2 * M_PI * (k + rng_range(r, -0.3, 0.3)) / n;
		double lr = 0.04 * rng_normal(r);
		for (int q = 0; q < 4; q++)
			lr += amp[q] * cos((q + 2) * th + ph[q]);
		double rho = exp(lr);
		double px = rho * cos(th) * elong, py = rho * sin(th) / elong;
		h->lx[k] = px * cr - py * sr;
		h->ly[k] = px * sr + py * cr;
	}
	double a = planar_area(h->lx, h->ly, n);
	double f = sqrt(area / a);
	for (int k = 0; k < n; k++) {
		h->lx[k] *= f;
		h->ly[k] *= f;
	}
	h->n = n;
	h->area = area;
	h->r0 = sqrt(area / M_PI);
}

static void local_to_world(const cluster *c, double u, double v, double *x,
                           double *y)
{
	*x = c->o.x + u * c->t.x - v * c->t.y;
	*y = c->o.y + u * c->t.y + v * c->t.x;
}

/* Place hazard h in its cluster; returns 1 if it re-surveys the previous
** hazard's land (and so overlaps it). */
static int hazard_place(const world *w, cluster *c, hazard *h, double *cu,
                        double *cv)
{
	rng *r = &h->r;
	double u0 = 1e300, u1 = -1e300, v0 = 1e300, v1 = -1e300;
	for (int k = 0; k < h->n; k++) {
		u0 = fmin(u0, h->lx[k]);
		u1 = fmax(u1, h->lx[k]);
		v0 = fmin(v0, h->ly[k]);
		v1 = fmax(v1, h->ly[k]);
	}
	int resurvey = c->count > 0 && rng_chance(r, 0.03);
	double u, v;
	if (resurvey) {
		double a = rng_range(r, 0, 2 * M_PI);
		double d = rng_range(r, 0.3, 0.8) * c->pr;
		u = c->pu + d * cos(a);
		v = c->pv + d * sin(a);
		c->cursor = fmax(c->cursor, u + u1);
		if (c->side == 0)
			c->height = fmax(c->height, v + v1 - c->start);
		else
			c->height = fmax(c->height, -(v + v0) - c->start);
	} else {
		double gap = 20 + (rng_chance(r, 0.1) ? rng_exp(r, 800)
		                                      : rng_exp(r, 120));
		u = c->cursor + gap - u0;
		if (u + u1 > c->len / 2 && c->count > 0) {
			/* Shelf full: start the next one, on the other side
			** of a road, further out on the border. */
			c->next[c->side] =
			        c->start + c->height + rng_range(r, 30, 250);
			if (c->kind != LINE_BORDER)
				c->side = 1 - c->side;
			c->start = c->next[c->side];
			c->height = 0;
			c->cursor = -c->len / 2 + rng_range(r, 0, 400);
			u = c->cursor + gap - u0;
		}
		double voff = rng_range(r, 0, 300);
		if (c->side == 0)
			v = c->start + voff - v0;
		else
			v = -(c->start + voff) - v1;
		c->height = fmax(c->height, voff + (v1 - v0));
		c->cursor = u + u1;
	}
	c->count++;
	(void)w;
	*cu = u;
	*cv = v;
	return resurvey;
}

/* ---------------------------------------------------------- releases -- */

typedef struct release_ctx {
	const world *w;
	sink *s;
	stats *st;
	long next_id;
} release_ctx;

static int write_release(release_ctx *rc, const piece *p, const char *hid,
                         int method, long day, const long items[3])
{
	OGRFeatureH f = rc->s->feat[L_RELEASES];
	char id[32], date[64];
	snprintf(id, sizeof id, "R-%06ld", ++rc->next_id);
	date_text(day, date);
	OGR_F_SetFieldString(f, 0, id);
	set_text(f, 1, hid);
	OGR_F_SetFieldString(f, 2, method_text[method]);
	OGR_F_SetFieldString(f, 3, date);
	for (int k = 0; k < 3; k++) {
		if (items)
			OGR_F_SetFieldInteger(f, 4 + k, (int)items[k]);
		else
			OGR_F_SetFieldNull(f, 4 + k);
	}
	OGRGeometryH g = make_polygon(p->lon, p->lat, p->n);
	if (p->nh)
		OGR_G_AddGeometryDirectly(g,
		                          make_ring(p->hlon, p->hlat, p->nh));
	rc->st->releases++;
	return sink_write(rc->s, L_RELEASES, g);
}

/* Items destroyed on released land: mines are found mostly by clearance,
** and mostly where the contamination says they are. */
static void draw_items(rng *r, int contam, int method, double area, double mult,
                       long items[3])
{
	static const double ap[] = {6, 0.1, 0.2, 3};
	static const double av[] = {0.05, 1.5, 0.05, 0.5};
	static const double erw[] = {0.5, 0.5, 8, 3};
	double ha = area / 1e4;
	double f = method == M_CLEARED ? 1 : method == M_REDUCED ? 0.03 : 0;
	items[0] = rng_poisson(r, ha * ap[contam] * mult * f);
	items[1] = rng_poisson(r, ha * av[contam] * mult * f);
	items[2] = rng_poisson(r, ha * erw[contam] * mult * f);
}

static int draw_method(rng *r, int type, int part)
{
	/* part: 0 whole or sector, 1 fringe, 2 core */
	static const double w[3][2][3] = {
	        {{55, 30, 15}, {5, 25, 70}},
	        {{70, 30, 0}, {20, 80, 0}},
	        {{0, 50, 50}, {0, 10, 90}},
	};
	return rng_pick(r, w[part][type], 3);
}

/* A small blob of released land near the cluster but off any hazard: a
** spot task nobody recorded as a hazard. */
static void orphan_piece(const world *w, const cluster *c, rng *r, piece *p)
{
	double area = rng_range(r, 200, 5000), rad = sqrt(area / M_PI);
	double u = c->len / 2 + rng_range(r, 300, 700);
	double v = rng_range(r, -800, 800);
	double x, y;
	int n = 8 + (int)rng_int(r, 8);
	double phi0 = rng_range(r, 0, 2 * M_PI);
	for (int k = 0; k < n; k++) {
		double th = phi0 + 2 * M_PI * (k + rng_range(r, -0.3, 0.3)) / n;
		double rho = rad * exp(0.15 * rng_normal(r));
		local_to_world(c, u + rho * cos(th), v + rho * sin(th), &x, &y);
		to_lonlat(w, x, y, &p->lon[k], &p->lat[k]);
	}
	p->lon[n] = p->lon[0];
	p->lat[n] = p->lat[0];
	p->n = n + 1;
	p->nh = 0;
	p->area = area;
}

/* With --complete-by: hazard h is recorded by that year's end, so all its
** land is released by then, and its geometry and releases carry no
** defect that would leave a sliver of it. */
static int must_finish(const world *w, const hazard *h)
{
	return w->opt->complete_by &&
	       h->day <= days_from_civil(w->opt->complete_by, 12, 31);
}

/* How a hazard is cut into releases and how often work stops. */
typedef struct cut_model {
	double whole;       /* chance of one piece, the whole hazard */
	double core;        /* from this draw on: a core and its fringe */
	int sectors_min;    /* angular sectors: min .. min + span - 1 */
	int core_min, span; /* fringe sectors around a core: likewise */
	double never;       /* chance the hazard is never worked on */
	double stopped;     /* chance work stops before each next piece */
} cut_model;

/* The default model, and the dense one: smaller pieces (about 1.9
** releases a hazard, 16 vertices a release) and fewer hazards left. */
static cut_model cut_model_of(const options *o)
{
	int fin = o->finishing;
	if (o->dense)
		return (cut_model){0.08,
		                   0.92,
		                   3,
		                   1,
		                   3,
		                   fin ? 0.06 : 0.25,
		                   fin ? 0.08 : 0.22};
	return (cut_model){
	        0.33, 0.72, 2, 1, 3, fin ? 0.06 : 0.25, fin ? 0.05 : 0.15};
}

/*
** Release the land of hazard h in pieces cut from its (valid) ring: the
** whole blob, angular sectors from the centre, or a core and a fringe.
** Pieces reuse the hazard's vertices, so they tile it exactly.  Returns
** -1 on a write failure, else 0; *remaining says whether land is left.
*/
static int hazard_releases(release_ctx *rc, const cluster *c, hazard *h,
                           const char *hid, int *remaining)
{
	const world *w = rc->w;
	rng r;
	rng_seed(&r, w->opt->seed, STREAM_RELEASE, (uint64_t)h->idx);
	piece *p = malloc(sizeof *p);
	int n = h->n, rcode = 0;
	/* pieces: kind 0 whole, 1 sector (a..b), 2 fringe sector, 3 fringe
	** ring, 4 core */
	int kind[8], ia[8], ib[8], npieces = 0;
	cut_model cm = cut_model_of(w->opt);
	double mode = rng_unif(&r);
	int m = 1;
	if (mode < cm.whole) {
		kind[npieces++] = 0;
	} else {
		int core = mode >= cm.core;
		m = (core ? cm.core_min : cm.sectors_min) +
		    (int)rng_int(&r, cm.span);
		if (n < 4 * m)
			m = n / 4 < 1 ? 1 : n / 4;
		if (!core && m < 2)
			m = 2;
		int a0 = (int)rng_int(&r, n);
		int cut[8];
		for (int k = 0; k < m; k++)
			cut[k] = a0 + k * n / m +
			         (int)rng_int(&r, n / (2 * m) > 1 ? n / (2 * m)
			                                          : 1);
		for (int k = 0; k < m; k++) {
			ia[npieces] = cut[k];
			ib[npieces] = k + 1 < m ? cut[k + 1] : cut[0] + n;
			kind[npieces++] = !core ? 1 : m == 1 ? 3 : 2;
		}
		if (core)
			kind[npieces++] = 4;
	}

	/* Core ring: the hazard shrunk about its centre, exact inside it. */
	double s = rng_range(&r, 0.35, 0.7);
	double wlon[RINGCAP], wlat[RINGCAP];
	for (int k = 0; k < n; k++) {
		wlon[k] = h->clon + (h->lon[k] - h->clon) * s;
		wlat[k] = h->clat + (h->lat[k] - h->clat) * s;
	}

	/* Release dates: first work a while after the record, then piece by
	** piece, fringe before core.  Pieces dated after the end remain. */
	int fin = w->opt->finishing;
	long day =
	        h->day + (long)rng_exp(&r, (h->type == CHA ? 2.0 : 3.0) *
	                                           (fin ? 1.5 : 1.0) * 365.25);
	int must = must_finish(w, h);
	long must_day = must ? days_from_civil(w->opt->complete_by, 12, 31) : 0;
	if (rng_chance(&r, cm.never) && !must)
		day = w->day_end + 1; /* never worked on */
	double mult = rng_chance(&r, 0.3) ? 0 : exp(1.0 * rng_normal(&r) - 0.5);
	int released = 0;
	for (int q = 0; q < npieces; q++) {
		if (q > 0) {
			if (rng_chance(&r, cm.stopped) && !must)
				day = w->day_end + 1; /* work stopped */
			else if (!rng_chance(&r, 0.1))
				day += 1 + (long)rng_exp(&r, 0.6 * 365.25);
		}
		if (must && day > must_day)
			day = must_day;
		if (day > w->day_end)
			break;
		int k = kind[q], len = 0;
		p->nh = 0;
		if (k == 0 || k == 3) {
			memcpy(p->lon, h->lon, (size_t)n * sizeof(double));
			memcpy(p->lat, h->lat, (size_t)n * sizeof(double));
			len = n;
			p->area = h->area;
			if (k == 3) {
				for (int j = 0; j < n; j++) {
					p->hlon[j] = wlon[n - 1 - j];
					p->hlat[j] = wlat[n - 1 - j];
				}
				p->hlon[n] = p->hlon[0];
				p->hlat[n] = p->hlat[0];
				p->nh = n + 1;
				p->area = h->area * (1 - s * s);
			}
		} else if (k == 4) {
			memcpy(p->lon, wlon, (size_t)n * sizeof(double));
			memcpy(p->lat, wlat, (size_t)n * sizeof(double));
			len = n;
			p->area = h->area * s * s;
		} else {
			double frac = (double)(ib[q] - ia[q]) / n;
			if (k == 1) {
				p->lon[len] = h->clon;
				p->lat[len++] = h->clat;
			}
			for (int j = ia[q]; j <= ib[q]; j++) {
				p->lon[len] = h->lon[j % n];
				p->lat[len++] = h->lat[j % n];
			}
			if (k == 2)
				for (int j = ib[q]; j >= ia[q]; j--) {
					p->lon[len] = wlon[j % n];
					p->lat[len++] = wlat[j % n];
				}
			p->area = h->area * frac * (k == 2 ? 1 - s * s : 1);
		}
		p->lon[len] = p->lon[0];
		p->lat[len] = p->lat[0];
		p->n = len + 1;

		int part = k == 4 ? 2 : (k == 2 || k == 3) ? 1 : 0;
		int method = draw_method(&r, h->type, part);
		long items[3];
		draw_items(&r, h->contam, method, p->area, mult, items);
		int null_items = rng_chance(&r, 0.02);
		int null_hid = rng_chance(&r, 0.02);
		if (rng_chance(&r, 0.006) && !must) {
			/* Digitised off its place: partly outside the hazard.
			 */
			double a = rng_range(&r, 0, 2 * M_PI);
			double d = rng_range(&r, 0.4, 1.2) * h->r0;
			for (int j = 0; j < p->n; j++) {
				p->lon[j] += d * cos(a) * w->kx;
				p->lat[j] += d * sin(a) * w->ky;
			}
			for (int j = 0; j < p->nh; j++) {
				p->hlon[j] += d * cos(a) * w->kx;
				p->hlat[j] += d * sin(a) * w->ky;
			}
			rc->st->outside++;
		}
		if (write_release(rc, p, null_hid ? NULL : hid, method, day,
		                  null_items ? NULL : items)) {
			rcode = -1;
			goto done;
		}
		if (rng_chance(&r, 0.005)) {
			/* The same land entered twice on the same day under
			** another method. */
			int m2 = (method + 1 + (int)rng_int(&r, 2)) % 3;
			draw_items(&r, h->contam, m2, p->area, mult, items);
			rc->st->dup++;
			if (write_release(rc, p, hid, m2, day, items)) {
				rcode = -1;
				goto done;
			}
		}
		released++;
	}
	*remaining = released < npieces;
	if (rng_chance(&r, 0.004)) {
		orphan_piece(w, c, &r, p);
		long d2 = h->day + rng_int(&r, w->day_end - h->day + 1);
		long items[3];
		draw_items(&r, h->contam, M_CLEARED, p->area, 1, items);
		rc->st->outside++;
		rc->st->orphans++;
		if (write_release(rc, p, NULL, M_CLEARED, d2, items))
			rcode = -1;
	}
done:
	free(p);
	return rcode;
}

/* ------------------------------------------------------------ driver -- */

static int hazard_emit(const world *w, sink *s, release_ctx *rc, cluster *c,
                       hazard *h, stats *st)
{
	rng *r = &h->r;
	rng_seed(r, w->opt->seed, STREAM_HAZARD, (uint64_t)h->idx);
	hazard_shape(h, w->opt->dense);
	double u, v;
	int resurvey = hazard_place(w, c, h, &u, &v);
	int n = h->n;
	/* A stretch of line near the border may put a hazard abroad: bring it
	** back in, towards the middle of the country. */
	local_to_world(c, u, v, &h->cx, &h->cy);
	double dx = 0, dy = 0, dist = hypot(h->cx, h->cy);
	for (int k = 0; k < 60 && dist > 0 &&
	                world_district(w, h->cx + dx, h->cy + dy) < 0;
	     k++) {
		dx -= h->cx / dist * (h->r0 + 100);
		dy -= h->cy / dist * (h->r0 + 100);
	}
	for (int k = 0; k < n; k++) {
		local_to_world(c, u + h->lx[k], v + h->ly[k], &h->x[k],
		               &h->y[k]);
		h->x[k] += dx;
		h->y[k] += dy;
		to_lonlat(w, h->x[k], h->y[k], &h->lon[k], &h->lat[k]);
	}
	h->cx += dx;
	h->cy += dy;
	to_lonlat(w, h->cx, h->cy, &h->clon, &h->clat);
	h->lon[n] = h->lon[0];
	h->lat[n] = h->lat[0];

	/* Attributes. */
	h->type = rng_chance(r, resurvey ? 0.7 : 0.4) ? CHA : SHA;
	h->contam = rng_chance(r, 0.5) ? c->contam : rng_pick(r, contam_w, 4);
	if (resurvey) {
		h->day = c->pday + 180 + rng_int(r, 1300);
		st->resurveys++;
	} else {
		h->day = c->base_day + (long)rng_exp(r, 45);
	}
	if (h->day > w->day_end)
		h->day = w->day_end;
	double area = ellipsoid_area(h->lon, h->lat, n + 1);
	double rep = area;
	int rep_null = 0;
	double q = rng_unif(r);
	if (q < 0.10)
		rep_null = 1;
	else if (q < 0.14) {
		double e = rng_range(r, 0.12, 0.6);
		rep = area * (rng_chance(r, 0.5) ? 1 + e : 1 - e * 0.8);
	} else {
		double e = 0.02 * rng_normal(r);
		rep = area * (1 + fmax(-0.06, fmin(0.06, e)));
	}
	rep = floor(rep + 0.5);
	const char *region = NULL;
	if (rng_chance(r, 0.08)) {
		int di = world_district(w, h->cx, h->cy);
		if (di >= 0 && rng_chance(r, 0.05)) {
			/* A wrong region code: the neighbour's. */
			int g = w->g, i = di % g, j = di / g;
			i = i + 1 < g ? i + 1 : i > 0 ? i - 1 : i;
			di = j * g + i;
		}
		if (di >= 0)
			region = w->d[di].id;
	}

	/* Geometry as written: sometimes with a defect. */
	double dq = rng_unif(r);
	double *wx = h->x, *wy = h->y; /* scratch: metres no longer needed */
	int wn = n + 1;
	memcpy(wx, h->lon, (size_t)(n + 1) * sizeof(double));
	memcpy(wy, h->lat, (size_t)(n + 1) * sizeof(double));
	if (must_finish(w, h))
		dq = 1; /* drawn all the same: the stream stays as it was */
	if (dq < 0.0025) {
		/* Bowtie: a run of vertices in reverse order. */
		int a = 1 + (int)rng_int(r, n - 4),
		    len = 2 + (int)rng_int(r, 2);
		for (int j1 = a, j2 = a + len; j1 < j2; j1++, j2--) {
			double tx = wx[j1], ty = wy[j1];
			wx[j1] = wx[j2];
			wy[j1] = wy[j2];
			wx[j2] = tx;
			wy[j2] = ty;
		}
		st->invalid++;
	} else if (dq < 0.005) {
		/* Spike: out to a far point and back to the same vertex. */
		int a = 1 + (int)rng_int(r, n - 2);
		double f = rng_range(r, 1.5, 3.0);
		memmove(wx + a + 3, wx + a + 1,
		        (size_t)(wn - a - 1) * sizeof(double));
		memmove(wy + a + 3, wy + a + 1,
		        (size_t)(wn - a - 1) * sizeof(double));
		wx[a + 1] = h->clon + (wx[a] - h->clon) * f;
		wy[a + 1] = h->clat + (wy[a] - h->clat) * f;
		wx[a + 2] = wx[a];
		wy[a + 2] = wy[a];
		wn += 2;
		st->invalid++;
	}

	char hid[32], date[64];
	snprintf(hid, sizeof hid, "H-%06ld", h->idx + 1);
	date_text(h->day, date);
	OGRFeatureH f = s->feat[L_HAZARDS];
	OGR_F_SetFieldString(f, 0, hid);
	OGR_F_SetFieldString(f, 1, type_text[h->type]);
	OGR_F_SetFieldString(f, 2, contam_text[h->contam]);
	OGR_F_SetFieldString(f, 3, date);
	if (rep_null)
		OGR_F_SetFieldNull(f, 4);
	else
		OGR_F_SetFieldDouble(f, 4, rep);
	set_text(f, 5, region);
	if (sink_write(s, L_HAZARDS, make_polygon(wx, wy, wn)))
		return -1;
	st->hazards++;

	c->pu = u;
	c->pv = v;
	c->pr = h->r0;
	c->pday = h->day;
	c->ptype = h->type;

	int remaining = 0;
	if (hazard_releases(rc, c, h, hid, &remaining))
		return -1;
	st->unreleased += remaining;
	return 0;
}

int main(int argc, char **argv)
{
	options o;
	if (parse_options(argc, argv, &o))
		return 2;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	GDALAllRegister();
	/* Speed and reproducibility: the file is rebuilt from scratch on
	** failure anyway, and its timestamp must not depend on the clock. */
	CPLSetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF");
	CPLSetThreadLocalConfigOption("OGR_SQLITE_JOURNAL", "OFF");
	CPLSetThreadLocalConfigOption("OGR_SQLITE_CACHE", "256");
	CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE",
	                              "2000-01-01T00:00:00.000Z");

	world w;
	world_build(&w, &o);
	sink s;
	stats st = {0};
	if (sink_open(&s, &o)) {
		sink_close(&s);
		world_free(&w);
		return 1;
	}
	int rc = 0;
	sink_begin(&s);
	if (write_regions(&w, &s))
		rc = -1;

	release_ctx rel = {&w, &s, &st, 0};
	hazard *h = malloc(sizeof *h);
	cluster c;
	long idx = 0;
	for (long ci = 0; ci < w.nclusters && !rc; ci++) {
		cluster_open(&w, &c, ci);
		for (int k = 0; k < w.ksize[ci] && !rc; k++) {
			h->idx = idx++;
			if (hazard_emit(&w, &s, &rel, &c, h, &st))
				rc = -1;
		}
	}
	free(h);
	if (rc)
		fprintf(stderr, "lr-generate: %s: %s\n", o.out,
		        CPLGetLastErrorMsg());
	if (sink_close(&s)) {
		fprintf(stderr, "lr-generate: %s: %s\n", o.out,
		        CPLGetLastErrorMsg());
		rc = -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) +
	              (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	fprintf(stderr,
	        "lr-generate: %d regions, %ld hazards (%ld invalid, %ld "
	        "re-surveys, %ld not fully released), %ld releases (%ld "
	        "outside "
	        "hazards, %ld duplicates), country %.0f km, %d lines, %.1f s\n",
	        w.g * w.g, st.hazards, st.invalid, st.resurveys, st.unreleased,
	        st.releases, st.outside, st.dup, 2 * w.half / 1e3, w.nlines,
	        secs);
	world_free(&w);
	return rc ? 1 : 0;
}
