-- The as-of figures per leaf region, as a PostGIS user computes them:
-- union of hazards, released land inside it, remaining (hazards minus
-- releases), released land outside hazards; geodesic areas with
-- ST_Area(geography).  Land outside every region goes to the row OUTSIDE.
-- Run after ogr2ogr loaded regions, hazards and releases (GiST indexes).
-- The result geometries stay in the table `result`, where
-- postgis_lonlat.sql measures them again on landrelease's land model.
\set ON_ERROR_STOP on
SET max_parallel_workers_per_gather = 2;

CREATE TEMP TABLE asof AS
SELECT greatest((SELECT max(recorded_date) FROM hazards),
                (SELECT max(release_date) FROM releases))::date AS d;

-- Repair as landrelease does (GEOS MakeValid, structure method).
UPDATE hazards SET geom = ST_Multi(ST_CollectionExtract(
    ST_MakeValid(geom, 'method=structure keepcollapsed=false'), 3))
WHERE NOT ST_IsValid(geom);
UPDATE releases SET geom = ST_Multi(ST_CollectionExtract(
    ST_MakeValid(geom, 'method=structure keepcollapsed=false'), 3))
WHERE NOT ST_IsValid(geom);

CREATE TEMP TABLE country AS SELECT ST_Union(geom) AS g FROM regions;

-- Pieces of each input per region (whole when the region holds it).
CREATE TEMP TABLE hz AS
SELECT r.region_id,
       CASE WHEN ST_CoveredBy(h.geom, r.geom) THEN h.geom
            ELSE ST_Intersection(h.geom, r.geom) END AS g
FROM hazards h JOIN regions r ON ST_Intersects(h.geom, r.geom)
WHERE h.recorded_date::date <= (SELECT d FROM asof)
UNION ALL
SELECT 'OUTSIDE', ST_Difference(h.geom, c.g)
FROM hazards h, country c
WHERE NOT ST_CoveredBy(h.geom, c.g)
  AND h.recorded_date::date <= (SELECT d FROM asof);

CREATE TEMP TABLE rl AS
SELECT r.region_id,
       CASE WHEN ST_CoveredBy(x.geom, r.geom) THEN x.geom
            ELSE ST_Intersection(x.geom, r.geom) END AS g
FROM releases x JOIN regions r ON ST_Intersects(x.geom, r.geom)
WHERE x.release_date::date <= (SELECT d FROM asof)
UNION ALL
SELECT 'OUTSIDE', ST_Difference(x.geom, c.g)
FROM releases x, country c
WHERE NOT ST_CoveredBy(x.geom, c.g)
  AND x.release_date::date <= (SELECT d FROM asof);

CREATE TEMP TABLE hu AS
SELECT region_id, ST_Union(ST_CollectionExtract(g, 3)) AS g
FROM hz GROUP BY region_id;
CREATE TEMP TABLE ru AS
SELECT region_id, ST_Union(ST_CollectionExtract(g, 3)) AS g
FROM rl GROUP BY region_id;

-- The result geometries are kept (an unlogged table, for
-- postgis_lonlat.sql to measure the same land after the timed query).
CREATE UNLOGGED TABLE result AS
SELECT k.region_id, hu.g AS hazard,
       CASE WHEN ru.g IS NULL THEN hu.g
            ELSE ST_Difference(hu.g, ru.g) END AS remaining,
       ST_Intersection(hu.g, ru.g) AS released,
       CASE WHEN hu.g IS NULL THEN ru.g
            ELSE ST_Difference(ru.g, hu.g) END AS outside
FROM (SELECT region_id FROM regions UNION SELECT 'OUTSIDE') k
LEFT JOIN hu USING (region_id) LEFT JOIN ru USING (region_id);

\copy (SELECT region_id, round(coalesce(ST_Area(hazard::geography), 0)::numeric, 2) AS hazard_m2, round(coalesce(ST_Area(remaining::geography), 0)::numeric, 2) AS remaining_m2, round(coalesce(ST_Area(released::geography), 0)::numeric, 2) AS released_m2, round(coalesce(ST_Area(outside::geography), 0)::numeric, 2) AS outside_m2 FROM result ORDER BY region_id) TO STDOUT WITH CSV HEADER
