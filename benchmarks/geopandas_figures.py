#!/usr/bin/python3
"""The as-of figures per leaf region with GeoPandas, as a GeoPandas user
computes them: overlay with the regions, dissolve, difference and
intersection; geodesic areas with pyproj.Geod.geometry_area_perimeter.

    geopandas_figures.py DATASET OUT.csv [RESULT.pickle]

Prints 'read S' and 'compute S' (wall seconds) on stderr.  With
RESULT.pickle the result geometries (per region: hazard, remaining,
released and outside land, as WKB) are kept there too, for
geopandas_lonlat.py to measure the same land on landrelease's model;
'keep S' says what that took."""
import pickle
import sys
import time

import geopandas as gpd
import pandas as pd
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient
from shapely.validation import make_valid

GEOD = Geod(ellps="WGS84")


def polygons(g):
    if g is None or g.is_empty:
        return []
    if isinstance(g, Polygon):
        return [g]
    if isinstance(g, MultiPolygon):
        return list(g.geoms)
    if hasattr(g, "geoms"):
        return [p for x in g.geoms for p in polygons(x)]
    return []


def area(g):
    """|exterior| - sum |holes| of every polygon (PostGIS's rule)."""
    total = 0.0
    if g is None:
        return total
    for p in polygons(g):
        total += abs(GEOD.geometry_area_perimeter(orient(p, 1.0))[0])
    return total


def result_land(h, r):
    """The hazard, remaining, released and outside land of a region whose
    hazards' union is h and releases' union r (either may be None)."""
    if h is None:
        return None, None, None, r
    if r is None:
        return h, h, None, None
    return h, h.difference(r), h.intersection(r), r.difference(h)


def valid(gs):
    """make_valid where invalid, keeping the polygonal parts (a collection
    of polygons and lines, as real data gives, would stop gpd.overlay)."""
    return gs.apply(lambda g: g if g.is_valid
                    else MultiPolygon(polygons(make_valid(g))))


def main():
    path, out = sys.argv[1], sys.argv[2]
    t0 = time.time()
    regions = gpd.read_file(path, layer="regions")
    hazards = gpd.read_file(path, layer="hazards")
    releases = gpd.read_file(path, layer="releases")
    t1 = time.time()
    as_of = max(hazards.recorded_date.max(), releases.release_date.max())
    hazards = hazards[hazards.recorded_date <= as_of]
    releases = releases[releases.release_date <= as_of]
    hazards = hazards.set_geometry(valid(hazards.geometry))
    releases = releases.set_geometry(valid(releases.geometry))
    hazards = hazards[~hazards.geometry.is_empty]
    releases = releases[~releases.geometry.is_empty]
    regions = regions[["region_id", "geometry"]]
    country = regions.unary_union

    def by_region(layer):
        inside = gpd.overlay(layer[["geometry"]], regions,
                             how="intersection", keep_geom_type=True)
        u = inside.dissolve(by="region_id").geometry
        out_g = layer.geometry.difference(country)
        out_g = out_g[~out_g.is_empty]
        if len(out_g):
            u.loc["OUTSIDE"] = out_g.unary_union
        return u

    hu = by_region(hazards)
    ru = by_region(releases)
    rows, kept = [], {}
    for rid in sorted(set(regions.region_id) | {"OUTSIDE"}):
        land = result_land(hu.get(rid), ru.get(rid))
        rows.append((rid,) + tuple(area(g) for g in land))
        kept[rid] = land
    t2 = time.time()
    df = pd.DataFrame(rows, columns=["region_id", "hazard_m2", "remaining_m2",
                                     "released_m2", "outside_m2"])
    df.to_csv(out, index=False, float_format="%.2f")
    print(f"read {t1 - t0:.3f}", file=sys.stderr)
    print(f"compute {t2 - t1:.3f}", file=sys.stderr)
    if len(sys.argv) > 3:
        with open(sys.argv[3], "wb") as fh:
            pickle.dump({rid: [None if g is None else g.wkb for g in land]
                         for rid, land in kept.items()}, fh)
        print(f"keep {time.time() - t2:.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
