/*
** read_arrow: GDAL's two ways of handing over the features of a layer,
** timed on the same layers.  "features" is what geo/source.c does (a
** feature object per row, its geometry exported as ISO WKB, every field as
** text); "arrow" takes the layer's Arrow stream (OGR_L_GetArrowStream,
** GDAL >= 3.6), record batches with the geometry already WKB.  Both touch
** every byte of every WKB.  Prints rows, WKB bytes, wall and CPU seconds.
**
**   read_arrow features|arrow DATASET [LAYER...]
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_recordbatch.h>

static double seconds(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct tally {
	long long rows, wkb_bytes;
	unsigned sum; /* of every WKB byte: the reads cannot be skipped */
} tally;

static void touch(tally *t, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		t->sum += p[i];
	t->wkb_bytes += (long long)n;
}

static void read_features(OGRLayerH layer, tally *t)
{
	OGRFeatureH f;
	unsigned char *buf = NULL;
	size_t cap = 0;
	int n_fields = OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(layer));
	while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
		for (int i = 0; i < n_fields; i++)
			if (OGR_F_IsFieldSetAndNotNull(f, i))
				t->sum +=
				        (unsigned char)*OGR_F_GetFieldAsString(
				                f, i);
		OGRGeometryH g = OGR_F_GetGeometryRef(f);
		if (g != NULL) {
			size_t n = (size_t)OGR_G_WkbSize(g);
			if (n > cap) {
				cap = 2 * n;
				buf = realloc(buf, cap);
			}
			if (buf != NULL &&
			    OGR_G_ExportToIsoWkb(g, wkbNDR, buf) == OGRERR_NONE)
				touch(t, buf, n);
		}
		t->rows++;
		OGR_F_Destroy(f);
	}
	free(buf);
}

/* The index of the child named like the layer's geometry column. */
static int geometry_child(const struct ArrowSchema *s, OGRLayerH layer)
{
	const char *name = OGR_L_GetGeometryColumn(layer);
	if (name == NULL || *name == '\0')
		name = "wkb_geometry";
	for (int i = 0; i < (int)s->n_children; i++)
		if (strcmp(s->children[i]->name, name) == 0)
			return i;
	return -1;
}

static int read_arrow(OGRLayerH layer, tally *t)
{
	struct ArrowArrayStream stream;
	struct ArrowSchema schema;
	if (!OGR_L_GetArrowStream(layer, &stream, NULL))
		return -1;
	if (stream.get_schema(&stream, &schema) != 0) {
		stream.release(&stream);
		return -1;
	}
	int g = geometry_child(&schema, layer);
	struct ArrowArray a;
	while (g >= 0 && stream.get_next(&stream, &a) == 0 &&
	       a.release != NULL) {
		const struct ArrowArray *col = a.children[g];
		/* binary: buffers validity, int32 offsets, data */
		const int *off = col->buffers[1];
		const unsigned char *data = col->buffers[2];
		for (long long i = 0; i < col->length; i++) {
			long long k = i + col->offset;
			touch(t, data + off[k], (size_t)(off[k + 1] - off[k]));
		}
		t->rows += a.length;
		a.release(&a);
	}
	schema.release(&schema);
	stream.release(&stream);
	return g >= 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc < 3 ||
	    (strcmp(argv[1], "features") && strcmp(argv[1], "arrow"))) {
		fprintf(stderr, "usage: read_arrow features|arrow DATASET "
		                "[LAYER...]\n");
		return 2;
	}
	double w0 = seconds(CLOCK_MONOTONIC);
	double c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	GDALAllRegister();
	GDALDatasetH ds = GDALOpenEx(argv[2], GDAL_OF_VECTOR | GDAL_OF_READONLY,
	                             NULL, NULL, NULL);
	if (!ds) {
		fprintf(stderr, "read_arrow: cannot open %s\n", argv[2]);
		return 2;
	}
	static const char *const dflt[] = {"regions", "hazards", "releases"};
	int n_named = argc > 3 ? argc - 3 : 3;
	tally t = {0};
	for (int i = 0; i < n_named; i++) {
		const char *name = argc > 3 ? argv[3 + i] : dflt[i];
		OGRLayerH layer = GDALDatasetGetLayerByName(ds, name);
		int rc = -1;
		if (layer != NULL && argv[1][0] == 'f') {
			read_features(layer, &t);
			rc = 0;
		} else if (layer != NULL)
			rc = read_arrow(layer, &t);
		if (rc != 0) {
			fprintf(stderr, "read_arrow: cannot read layer %s\n",
			        name);
			GDALClose(ds);
			return 2;
		}
	}
	GDALClose(ds);
	printf("read_arrow %s: %lld rows, %lld WKB bytes, %.3f s wall, %.3f s "
	       "CPU (checksum %u)\n",
	       argv[1], t.rows, t.wkb_bytes, seconds(CLOCK_MONOTONIC) - w0,
	       seconds(CLOCK_PROCESS_CPUTIME_ID) - c0, t.sum);
	return 0;
}
