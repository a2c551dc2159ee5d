-- Land cleared per municipality of the real BiH snapshot, as a PostGIS
-- user computes it: the union of the cleared areas (repaired as
-- landrelease repairs them: GEOS MakeValid, structure method) intersected
-- with each municipality, its area on the geography type.  Two areas of
-- the same land: geodesic edges (ST_Area of the geography as it is) and
-- edges straight in longitude/latitude (ST_Segmentize to 0.0001 degree
-- first, ~11 m, which leaves lenses of < 1e-4 m2 per kilometre of edge).
-- Run after ogr2ogr loaded `regions` (region_id) and `releases`.
\set ON_ERROR_STOP on
UPDATE releases SET geom = ST_Multi(ST_CollectionExtract(
    ST_MakeValid(geom, 'method=structure keepcollapsed=false'), 3))
WHERE NOT ST_IsValid(geom);
CREATE TEMP TABLE cleared AS SELECT ST_Union(geom) AS g FROM releases;
CREATE TEMP TABLE pieces AS
SELECT r.region_id, ST_CollectionExtract(ST_Intersection(c.g, r.geom), 3) AS g
FROM regions r, cleared c WHERE ST_Intersects(c.g, r.geom);
\copy (SELECT region_id, round(ST_Area(g::geography)::numeric, 2) AS geodesic_m2, round(ST_Area(ST_Segmentize(g, 0.0001)::geography)::numeric, 2) AS lonlat_m2 FROM pieces ORDER BY region_id) TO STDOUT WITH CSV HEADER
