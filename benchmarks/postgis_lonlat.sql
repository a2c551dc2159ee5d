-- The figures of postgis.sql measured on landrelease's land model: each
-- result geometry segmentised to 0.0001 degree (~11 m) before its
-- geography area, so that its edges follow the straight lon/lat lines
-- landrelease measures (docs/architecture.md "How areas are measured";
-- lenses of < 1e-4 m2 per kilometre of edge are left).  Run after
-- postgis.sql, untimed: the timed query is what a user would run.
\set ON_ERROR_STOP on
\copy (SELECT region_id, round(coalesce(ST_Area(ST_Segmentize(hazard, 0.0001)::geography), 0)::numeric, 2) AS hazard_m2, round(coalesce(ST_Area(ST_Segmentize(remaining, 0.0001)::geography), 0)::numeric, 2) AS remaining_m2, round(coalesce(ST_Area(ST_Segmentize(released, 0.0001)::geography), 0)::numeric, 2) AS released_m2, round(coalesce(ST_Area(ST_Segmentize(outside, 0.0001)::geography), 0)::numeric, 2) AS outside_m2 FROM result ORDER BY region_id) TO STDOUT WITH CSV HEADER
