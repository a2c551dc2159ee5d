#!/bin/bash
# Land cleared per municipality of the real Bosnia and Herzegovina snapshot:
# landrelease (maps/bih-snapshot.ini, each cleared area a record of its own
# land, so all cleared land is released) against PostGIS
# (benchmarks/bih_released.sql), both areas of PostGIS's: geodesic edges
# and edges straight in lon/lat.
#
#   benchmarks/bih_released.sh [LANDRELEASE...]
#
# Each landrelease binary given (default build/cli/landrelease) is run on
# the GeoJSON files of $LR_SHARED_DATA/bih (default ../shared/data/real/bih,
# never copied); PostGIS runs once in a throw-away cluster.  Prints, per
# binary, the largest absolute and relative difference over the 142
# municipalities against each PostGIS column.  The vertex-gap check is off
# (--max-vertex-gap 0): PostGIS keeps the few cleared areas with vertices
# over 5 km apart, so landrelease keeps them too.  Needs gdal-bin,
# postgresql-15, postgresql-15-postgis-3.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REAL=${LR_SHARED_DATA:-$ROOT/../shared/data/real}
BIH=$REAL/bih
PGBIN=/usr/lib/postgresql/15/bin
WORK=$(mktemp -d /tmp/lr-bih.XXXXXX)
chmod 755 "$WORK"
PGDATA=$WORK/pg
PGSOCK=$WORK/sock
[ $# -gt 0 ] || set -- "$ROOT/build/cli/landrelease"

as_pg() {
	if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
cleanup() {
	[ -f "$PGDATA/postmaster.pid" ] &&
		as_pg "$PGBIN/pg_ctl -D $PGDATA -m fast stop" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$PGDATA" "$PGSOCK"
[ "$(id -u)" = 0 ] && chown postgres "$PGDATA" "$PGSOCK"
as_pg "$PGBIN/initdb -D $PGDATA -A trust -U postgres" >/dev/null
as_pg "$PGBIN/pg_ctl -D $PGDATA -l $PGDATA/log -w start -o \"-k $PGSOCK -c listen_addresses=''\"" >/dev/null
psql() { "$PGBIN/psql" -X -q -h "$PGSOCK" -U postgres "$@"; }
psql -c "CREATE DATABASE lr"
psql -d lr -c "CREATE EXTENSION postgis"
PG="PG:host=$PGSOCK user=postgres dbname=lr"
ogr2ogr -f PostgreSQL "$PG" "$BIH/geoBoundaries-BIH-ADM3.geojson" -nln regions \
	-nlt PROMOTE_TO_MULTI -lco GEOMETRY_NAME=geom -dialect SQLite \
	-sql 'SELECT geometry, shapeID AS region_id FROM "geoBoundaries-BIH-ADM3"'
ogr2ogr -f PostgreSQL "$PG" "$BIH/cleared_areas_simplyfied.geojson" -nln releases \
	-nlt PROMOTE_TO_MULTI -lco GEOMETRY_NAME=geom -dialect SQLite \
	-sql 'SELECT geometry FROM cleared_areas_simplyfied WHERE geometry IS NOT NULL AND NOT ST_IsEmpty(geometry)'
psql -d lr -f "$ROOT/benchmarks/bih_released.sql" >"$WORK/postgis.csv"

for lr in "$@"; do
	"$lr" analyze -m "$ROOT/maps/bih-snapshot.ini" \
		--regions "$BIH/geoBoundaries-BIH-ADM3.geojson" \
		--hazards "$BIH/suspect_areas_simplyfied.geojson" \
		--releases "$BIH/cleared_areas_simplyfied.geojson" \
		--out "$WORK/lr" --quiet --timings --max-vertex-gap 0 \
		2>"$WORK/timings" || {
		echo "bih_released.sh: $lr failed" >&2
		exit 1
	}
	echo "== $lr"
	grep -i "ledger\|overlay\|read" "$WORK/timings" || true
	python3 - "$WORK/lr/release_by_year.csv" "$WORK/postgis.csv" <<'PY'
import csv, sys
ours = {}
for r in csv.DictReader(open(sys.argv[1])):
    if r["region_id"] not in ("TOTAL", "OUTSIDE"):
        ours[r["region_id"]] = ours.get(r["region_id"], 0) + float(r["cleared_m2"])
pg = {r["region_id"]: r for r in csv.DictReader(open(sys.argv[2]))}
for col in ("geodesic_m2", "lonlat_m2"):
    diffs = [(abs(ours.get(k, 0) - float(v[col])), k, float(v[col])) for k, v in pg.items()]
    diffs += [(a, k, 0.0) for k, a in ours.items() if k not in pg and a > 0]
    worst = max(diffs)
    rel = max((d / p, k) for d, k, p in diffs if p > 0)
    over = sum(1 for d, _, _ in diffs if d >= 0.01)
    print(f"PostGIS {col}: {len(pg)} municipalities with cleared land; "
          f"max |diff| {worst[0]:.2f} m2 ({worst[1]}, of {worst[2]:.2f}); "
          f"max relative {rel[0]:.2g} ({rel[1]}); {over} differ by 0.01 m2 or more; "
          f"totals {sum(ours.values()):.2f} vs {sum(float(v[col]) for v in pg.values()):.2f}")
PY
done
