#!/usr/bin/python3
"""The figures of geopandas_figures.py measured on landrelease's land model:
every ring of the kept result geometries segmentised to 0.0001 degree
(~11 m) before its geodesic area, so that its edges follow the straight
lon/lat lines landrelease measures (docs/architecture.md "How areas are
measured"), as benchmarks/postgis_lonlat.sql does with ST_Segmentize.

    geopandas_lonlat.py RESULT.pickle OUT.csv

Untimed: the timed run (geopandas_figures.py) is what a user would run."""
import csv
import math
import pickle
import sys

import numpy as np
from pyproj import Geod
from shapely import wkb

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from geopandas_figures import polygons  # noqa: E402

GEOD = Geod(ellps="WGS84")
STEP = 0.0001


def segmentised(coords):
    """The ring's points with each edge cut into equal pieces of at most
    STEP degrees (planar length in lon/lat, as ST_Segmentize)."""
    xy = np.asarray(coords, dtype=float)[:, :2]
    d = np.diff(xy, axis=0)
    pieces = np.maximum(1, np.ceil(np.hypot(d[:, 0], d[:, 1]) / STEP))
    pieces = pieces.astype(np.int64)
    start = np.repeat(xy[:-1], pieces, axis=0)
    step = np.repeat(d / pieces[:, None], pieces, axis=0)
    k = np.arange(pieces.sum()) - np.repeat(np.cumsum(pieces) - pieces,
                                            pieces)
    return np.vstack([start + step * k[:, None], xy[-1:]])


def ring_area(coords):
    p = segmentised(coords)
    return abs(GEOD.polygon_area_perimeter(p[:, 0], p[:, 1])[0])


def area(blob):
    """|exterior| - sum |holes| of every polygon (PostGIS's rule)."""
    if blob is None:
        return 0.0
    total = 0.0
    for p in polygons(wkb.loads(blob)):
        total += ring_area(p.exterior.coords)
        total -= math.fsum(ring_area(h.coords) for h in p.interiors)
    return total


def main():
    with open(sys.argv[1], "rb") as fh:
        kept = pickle.load(fh)
    with open(sys.argv[2], "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["region_id", "hazard_m2", "remaining_m2", "released_m2",
                    "outside_m2"])
        for rid in sorted(kept):
            w.writerow([rid] + [f"{area(b):.2f}" for b in kept[rid]])


if __name__ == "__main__":
    main()
