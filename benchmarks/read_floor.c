/*
** read_floor: the time GDAL needs just to read every geometry of a dataset.
** Opens DATASET, iterates every feature of the layers regions, hazards and
** releases (or of every layer when none is named), and touches every
** vertex of every geometry.  Prints features, vertices and wall seconds.
**
**   read_floor DATASET [LAYER...]
*/
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gdal.h>
#include <ogr_api.h>

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Add every vertex of g to *sum and count them in *n. */
static void touch(OGRGeometryH g, double *sum, long long *n)
{
	int parts = OGR_G_GetGeometryCount(g);
	if (parts > 0) {
		for (int i = 0; i < parts; i++)
			touch(OGR_G_GetGeometryRef(g, i), sum, n);
		return;
	}
	int np = OGR_G_GetPointCount(g);
	for (int i = 0; i < np; i++) {
		*sum += OGR_G_GetX(g, i) + OGR_G_GetY(g, i);
		(*n)++;
	}
}

static int read_layer(OGRLayerH layer, long long *features, long long *vertices,
                      double *sum)
{
	OGRFeatureH f;
	OGR_L_ResetReading(layer);
	while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
		OGRGeometryH g = OGR_F_GetGeometryRef(f);
		if (g)
			touch(g, sum, vertices);
		(*features)++;
		OGR_F_Destroy(f);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: read_floor DATASET [LAYER...]\n");
		return 2;
	}
	double t0 = now_seconds();
	GDALAllRegister();
	GDALDatasetH ds = GDALOpenEx(argv[1], GDAL_OF_VECTOR | GDAL_OF_READONLY,
	                             NULL, NULL, NULL);
	if (!ds) {
		fprintf(stderr, "read_floor: cannot open %s\n", argv[1]);
		return 2;
	}
	static const char *const dflt[] = {"regions", "hazards", "releases"};
	long long features = 0, vertices = 0;
	double sum = 0;
	int n_named = argc > 2 ? argc - 2 : 3;
	for (int i = 0; i < n_named; i++) {
		const char *name = argc > 2 ? argv[2 + i] : dflt[i];
		OGRLayerH layer = GDALDatasetGetLayerByName(ds, name);
		if (!layer) {
			fprintf(stderr, "read_floor: no layer %s in %s\n", name,
			        argv[1]);
			GDALClose(ds);
			return 2;
		}
		read_layer(layer, &features, &vertices, &sum);
	}
	GDALClose(ds);
	printf("read_floor: %lld features, %lld vertices, %.3f s "
	       "(checksum %.6g)\n",
	       features, vertices, now_seconds() - t0, sum);
	return 0;
}
