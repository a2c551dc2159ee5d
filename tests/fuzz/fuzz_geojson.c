/*
** Whole pipeline on small GeoJSON documents: lr_ingest then lr_analyze.
**
** The first input byte picks the mode.  Mode 0: the rest of the input is
** the hazards file as is.  Otherwise the bytes drive a generator of small
** hazards and releases layers on a coarse grid (so polygons overlap, share
** edges, self-intersect and repeat), with attribute values drawn from
** lists of good and bad spellings or taken raw from the input.  Checked:
** read = accepted + rejected on every layer, and for every region and year
** remaining_end = previous remaining_end + new - released.
*/
#include "fuzz_common.h"
#include "lr_engine.h"

#include <cpl_vsi.h>
#include <gdal.h>
#include <stdarg.h>
#include <stdio.h>

#define DIR "/vsimem/lrfuzz/"

typedef struct cursor {
	const uint8_t *p, *end;
} cursor;

static unsigned next(cursor *c)
{
	return c->p < c->end ? *c->p++ : 0;
}

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

static void put(sbuf *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void put(sbuf *b, const char *fmt, ...)
{
	if (b->p == NULL) {
		b->cap = 1024;
		b->p = malloc(b->cap);
		if (b->p == NULL)
			abort();
	}
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			abort();
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)n + 64;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			abort();
	}
}

/* A JSON string value: one of the choices, or (choice n) raw bytes. */
static void put_value(sbuf *b, cursor *c, const char *const *choices, size_t n)
{
	unsigned k = next(c) % (unsigned)(n + 2);
	if (k < n) {
		if (choices[k] == NULL)
			put(b, "null");
		else
			put(b, "\"%s\"", choices[k]);
		return;
	}
	if (k == n) { /* a number, not a string */
		put(b, "%d", (int)(next(c) % 7) - 2);
		return;
	}
	unsigned len = next(c) % 9;
	put(b, "\"");
	for (unsigned i = 0; i < len; i++) {
		unsigned ch = next(c);
		if (ch == '"' || ch == '\\' || ch < 0x20)
			put(b, "\\u%04x", ch);
		else
			put(b, "%c", (char)ch);
	}
	put(b, "\"");
}

static void put_ring(sbuf *b, cursor *c)
{
	unsigned k = 3 + next(c) % 5;
	unsigned x0 = 0, y0 = 0;
	put(b, "[");
	for (unsigned i = 0; i < k; i++) {
		unsigned x = next(c) % 24, y = next(c) % 12;
		if (i == 0)
			x0 = x, y0 = y;
		put(b, "%s[%.4f,%.4f]", i ? "," : "", x * 0.001 - 0.002,
		    y * 0.001 - 0.001);
	}
	if (next(c) % 4) /* mostly closed */
		put(b, ",[%.4f,%.4f]", x0 * 0.001 - 0.002, y0 * 0.001 - 0.001);
	put(b, "]");
}

static void put_geometry(sbuf *b, cursor *c)
{
	switch (next(c) % 8) {
	case 0:
		put(b, "null");
		return;
	case 1:
		put(b, "{\"type\":\"Point\",\"coordinates\":[0.001,0.002]}");
		return;
	case 2:
		put(b, "{\"type\":\"MultiPolygon\",\"coordinates\":[[");
		put_ring(b, c);
		put(b, "],[");
		put_ring(b, c);
		put(b, "]]}");
		return;
	case 3: /* shell and a hole, anywhere */
		put(b, "{\"type\":\"Polygon\",\"coordinates\":[");
		put_ring(b, c);
		put(b, ",");
		put_ring(b, c);
		put(b, "]}");
		return;
	default:
		put(b, "{\"type\":\"Polygon\",\"coordinates\":[");
		put_ring(b, c);
		put(b, "]}");
		return;
	}
}

static const char *const ids[] = {"H1", "h1 ", "H2", "H3", "", NULL, "R1", "x"};
static const char *const types[] = {"SHA", "CHA", "cha", "Suspected", "", NULL};
static const char *const conts[] = {"AP", "AV", "ERW", "mixed", "", NULL};
static const char *const dates[] = {
        "2019-03-01", "2020-02-29", "2019-02-30", "2021-12-31", "2030-01-01",
        "",           "01/03/2019", "2018-06-15", "2020/05/05", NULL};
static const char *const areas[] = {NULL, "100", "-1", "abc", "1e400", "12000"};
static const char *const methods[] = {"cleared",   "reduced", "cancelled",
                                      "Clearance", "",        NULL};
static const char *const counts[] = {"0", "3",  "-2",   "1.5",
                                     "x", NULL, "9e18", " 7 "};

static void put_feature(sbuf *b, cursor *c, int layer, int i)
{
	put(b, "%s{\"type\":\"Feature\",\"properties\":{", i ? "," : "");
	if (layer == LR_LAYER_HAZARDS) {
		put(b, "\"hazard_id\":");
		put_value(b, c, ids, 8);
		put(b, ",\"type\":");
		put_value(b, c, types, 6);
		put(b, ",\"contamination\":");
		put_value(b, c, conts, 6);
		put(b, ",\"recorded_date\":");
		put_value(b, c, dates, 10);
		put(b, ",\"reported_area_m2\":");
		put_value(b, c, areas, 6);
		put(b, ",\"region_id\":");
		put_value(b, c, ids + 4, 4);
	} else {
		put(b, "\"release_id\":");
		put_value(b, c, ids, 8);
		put(b, ",\"hazard_id\":");
		put_value(b, c, ids, 8);
		put(b, ",\"method\":");
		put_value(b, c, methods, 6);
		put(b, ",\"release_date\":");
		put_value(b, c, dates, 10);
		put(b, ",\"ap_mines\":");
		put_value(b, c, counts, 8);
		put(b, ",\"erw\":");
		put_value(b, c, counts, 8);
	}
	put(b, "},\"geometry\":");
	put_geometry(b, c);
	put(b, "}");
}

/* With LR_FUZZ_DUMP=DIR in the environment each document is also written
** to DIR, to replay a finding with `landrelease analyze`. */
static void dump_file(const char *name, const char *text, size_t len)
{
	const char *dir = getenv("LR_FUZZ_DUMP");
	char path[4096];
	if (dir == NULL)
		return;
	snprintf(path, sizeof path, "%s/%s", dir, name + strlen(DIR));
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return;
	fwrite(text, 1, len, f);
	fclose(f);
}

static void write_file(const char *name, const char *text, size_t len)
{
	dump_file(name, text, len);
	VSILFILE *f = VSIFOpenL(name, "wb");
	if (f == NULL)
		abort();
	if (len && VSIFWriteL(text, 1, len, f) != len)
		abort();
	VSIFCloseL(f);
}

static void write_layer(const char *name, cursor *c, int layer)
{
	sbuf b = {0};
	unsigned n = next(c) % 6;
	put(&b, "{\"type\":\"FeatureCollection\",\"features\":[");
	for (unsigned i = 0; i < n; i++)
		put_feature(&b, c, layer, (int)i);
	put(&b, "]}");
	write_file(name, b.p, b.len);
	free(b.p);
}

static void check(const lr_dataset *d, const lr_result *r)
{
	for (int i = 0; i < 3; i++)
		if (d->counts[i].read !=
		    d->counts[i].accepted + d->counts[i].rejected)
			abort();
	for (int g = 0; g <= r->n_regions; g++) {
		lr_cents prev = 0;
		for (int y = r->first_year; y <= r->last_year; y++) {
			const lr_year_row *row = LR_YEAR_ROW(r, y, g);
			lr_cents rel = row->released[0] + row->released[1] +
			               row->released[2];
			if (row->remaining_end != prev + row->new_land - rel)
				abort();
			prev = row->remaining_end;
		}
	}
}

/* GDAL's drivers registered once, before the first input (the library
** registers them on first use): the corpus replay forks a child per input,
** and each would otherwise load them again. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	GDALAllRegister();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		static const char regions[] =
		        "{\"type\":\"FeatureCollection\",\"features\":["
		        "{\"type\":\"Feature\",\"properties\":{\"region_id\":"
		        "\"R1\",\"name\":\"West\"},\"geometry\":{\"type\":"
		        "\"Polygon\",\"coordinates\":[[[0,0],[0.01,0],[0.01,"
		        "0.01],[0,0.01],[0,0]]]}},"
		        "{\"type\":\"Feature\",\"properties\":{\"region_id\":"
		        "\"R2\",\"name\":\"East\"},\"geometry\":{\"type\":"
		        "\"Polygon\",\"coordinates\":[[[0.01,0],[0.02,0],[0.02,"
		        "0.01],[0.01,0.01],[0.01,0]]]}}]}";
		write_file(DIR "regions.geojson", regions, sizeof regions - 1);
		init = 1;
	}
	if (size < 1 || size > 8192)
		return 0;
	cursor c = {data + 1, data + size};
	if (data[0] % 4 == 0) {
		write_file(DIR "hazards.geojson", (const char *)data + 1,
		           size - 1);
		static const uint8_t rel[] = {2, 4, 0, 3, 0, 0, 0, 0, 0,
		                              0, 5, 2, 1, 3, 6, 9, 2};
		cursor rc = {rel, rel + sizeof rel};
		write_layer(DIR "releases.geojson", &rc, LR_LAYER_RELEASES);
	} else {
		write_layer(DIR "hazards.geojson", &c, LR_LAYER_HAZARDS);
		write_layer(DIR "releases.geojson", &c, LR_LAYER_RELEASES);
	}

	lr_inputs in = {0};
	in.source[0] = DIR "regions.geojson";
	in.source[1] = DIR "hazards.geojson";
	in.source[2] = DIR "releases.geojson";
	in.today = lr_date_from_ymd(2026, 1, 1);
	lr_dataset d;
	lr_dataset_init(&d);
	lr_error err = {0};
	if (lr_ingest(&in, &d, &err) == LR_OK) {
		lr_options opt = {.as_of = LR_DATE_NONE,
		                  .baseline = LR_DATE_NONE,
		                  .scope = LR_CONT_ALL,
		                  .threads = 1,
		                  .keep_faces = data[0] & 16};
		if (data[0] & 32)
			opt.baseline = lr_date_from_ymd(2019, 12, 31);
		lr_result *r = NULL;
		if (lr_analyze(&d, &opt, &r, &err) == LR_OK) {
			if (opt.baseline == LR_DATE_NONE)
				check(&d, r);
		} else if (err.msg[0] == '\0')
			abort();
		lr_result_free(r);
	} else if (err.msg[0] == '\0')
		abort();
	lr_dataset_free(&d);
	return 0;
}
