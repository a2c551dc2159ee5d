#!/bin/bash
# National-scale benchmarks: landrelease analyze against the read floor,
# PostGIS and GeoPandas, on the same generated files in the same run.
#
#   benchmarks/run.sh [SCALE...]       e.g. benchmarks/run.sh 1e4 1e5 1e6
#
# SCALE is a number of hazards; default 1e4 1e5.  Each scale is run with
# every generator profile of PROFILES (default "default dense": about 1.5
# releases a hazard, 31 and 23 vertices; or 1.9, 40 and 16, data/README.md),
# then the real Bosnia and Herzegovina data once (BIH=0 skips it; it is read
# from $LR_SHARED_DATA/bih, default ../shared/data/real/bih beside the
# source tree, and never copied into the tree).
# Needs (Debian 12): meson, ninja, the build dependencies of landrelease,
# time (/usr/bin/time), sqlite3, gdal-bin (ogr2ogr), postgresql-15,
# postgresql-15-postgis-3, python3-geopandas, python3-pyproj.  It installs
# nothing; it builds build-bench/ (release) when missing.
# Every tool is timed as a whole process: wall seconds, CPU seconds (user +
# sys; for PostGIS the server's backends too) and peak RSS.  On a shared
# machine compare the CPU columns.
# Environment: PEERS=0 skips PostGIS and GeoPandas; PEER_MAX=N skips them
# above N hazards (default 100000); RUNS=N overrides the number of runs;
# THREADS=N passes --threads N; landrelease also runs once with --threads 1
# (ledger speed-up, outputs compared) when it runs more than once
# (ONE_THREAD=1: always, 0: never); PROFILES="dense" for one profile.
# Datasets are cached in benchmarks/cache/ (git-ignored); each dataset's
# details go to benchmarks/cache/results-*.md; the tables go to stdout.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench}
CACHE=$ROOT/benchmarks/cache
PEERS=${PEERS:-1}
PEER_MAX=${PEER_MAX:-100000}
PY=/usr/bin/python3
PGBIN=/usr/lib/postgresql/15/bin
mkdir -p "$CACHE"

need() {
	command -v "$1" >/dev/null 2>&1 || {
		echo "run.sh: needs $1 ($2)" >&2
		exit 2
	}
}
need /usr/bin/time "apt-get install time"
need sqlite3 "apt-get install sqlite3"
if [ "$PEERS" != 0 ]; then
	need ogr2ogr "apt-get install gdal-bin"
	need $PGBIN/pg_ctl "apt-get install postgresql-15"
	[ -f /usr/share/postgresql/15/extension/postgis.control ] || {
		echo "run.sh: needs apt-get install postgresql-15-postgis-3" >&2
		exit 2
	}
	$PY -c 'import geopandas, pyproj' 2>/dev/null || {
		echo "run.sh: needs apt-get install python3-geopandas" \
			"python3-pyproj" >&2
		exit 2
	}
fi
if [ ! -x "$BUILD/cli/landrelease" ] || [ ! -x "$BUILD/benchmarks/read_floor" ]; then
	[ -d "$BUILD" ] || meson setup "$BUILD" "$ROOT" --buildtype=release
	# The programs only: the tests are not needed here.
	ninja -C "$BUILD" cli/landrelease data/lr-generate \
		benchmarks/read_floor >/dev/null
fi
LR=$BUILD/cli/landrelease
GEN=$BUILD/data/lr-generate
FLOOR=$BUILD/benchmarks/read_floor
WORK=$(mktemp -d /tmp/lr-bench.XXXXXX)
chmod 755 "$WORK"
PGDATA=$WORK/pg
PGSOCK=$WORK/sock

cleanup() {
	if [ -f "$PGDATA/postmaster.pid" ]; then
		as_pg "$PGBIN/pg_ctl -D $PGDATA -m fast stop" >/dev/null 2>&1 || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

# Run a command as the postgres user when root (PostgreSQL refuses root).
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		su postgres -s /bin/sh -c "$1"
	else
		sh -c "$1"
	fi
}

# CPU seconds the PostgreSQL server's finished backends have used (the
# postmaster's waited-for children), or 0 when no server runs.  A client's
# backend ends a moment after the client: wait (up to 10 s) until the
# server has none, so that its CPU is counted.
pg_cpu() {
	local pid
	pid=$(head -1 "$PGDATA/postmaster.pid" 2>/dev/null) || { echo 0; return; }
	for ((i = 0; i < 100; i++)); do
		pgrep -P "$pid" -f '^postgres: postgres ' >/dev/null || break
		sleep 0.1
	done
	awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f\n", ($16 + $17) / hz}' "/proc/$pid/stat"
}

# Wall seconds, CPU seconds (user + sys, and the server's when PostgreSQL
# runs) and peak MiB of a command: "WALL CPU MIB"; the command's stdout and
# stderr go to $WORK/last.out / last.err.
timed() {
	local pg0
	pg0=$(pg_cpu)
	/usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >"$WORK/last.out" 2>"$WORK/last.err" || {
		echo "run.sh: failed: $*" >&2
		tail -5 "$WORK/last.err" >&2
		return 1
	}
	awk -v pg="$(awk -v a="$pg0" -v b="$(pg_cpu)" 'BEGIN {print b - a}')" \
		'{printf "%s %.2f %.0f\n", $1, $2 + $3 + pg, $4 / 1024}' "$WORK/time"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", (b > 0 ? a / b : 0)}'; }

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

pg_start() {
	[ -f "$PGDATA/postmaster.pid" ] && return 0
	mkdir -p "$PGDATA" "$PGSOCK"
	[ "$(id -u)" = 0 ] && chown postgres "$PGDATA" "$PGSOCK"
	as_pg "$PGBIN/initdb -D $PGDATA -A trust -U postgres" >/dev/null
	as_pg "$PGBIN/pg_ctl -D $PGDATA -l $PGDATA/log -w start -o \"-k $PGSOCK -c listen_addresses='' -c shared_buffers=1GB -c work_mem=256MB -c maintenance_work_mem=1GB -c max_wal_size=8GB -c fsync=off -c synchronous_commit=off -c full_page_writes=off\"" >/dev/null
}

psql_run() { $PGBIN/psql -X -q -h "$PGSOCK" -U postgres "$@"; }

RESULT_ROWS=()
RATIO_ROWS=()

# "| LABEL | TOOL | WALL | CPU | MIB | wall/landrelease | cpu/landrelease |"
result_row() {
	RESULT_ROWS+=("| $1 | $2 | $3 | $4 | $5 | $(ratio "$3" "$LR_WALL") | $(ratio "$4" "$LR_CPU") |")
}

# Median "WALL CPU MIB" of RUNS runs of a command (each field apart).
timed_median() {
	local runs=$1 w=() c=() m=()
	shift
	for ((i = 0; i < runs; i++)); do
		read -r a b d < <(timed "$@")
		w+=("$a"); c+=("$b"); m+=("$d")
	done
	echo "$(printf '%s\n' "${w[@]}" | median) $(printf '%s\n' "${c[@]}" | median) $(printf '%s\n' "${m[@]}" | median)"
}

# landrelease analyze ARGS (median of runs; its phases from --timings), then
# once with --threads 1 for the speed-up of the ledger; sets LR_WALL, LR_CPU.
bench_landrelease() {
	local label=$1 runs=$2 md=$3
	shift 3
	local thr=()
	[ -n "${THREADS:-}" ] && thr=(--threads "$THREADS")
	echo "== $label: landrelease analyze ($runs runs)" >&2
	local walls=() cpus=() mibs=() ph=()
	for ((i = 0; i < runs; i++)); do
		rm -rf "$WORK/lr"
		read -r w c m < <(timed "$LR" analyze "$@" --out "$WORK/lr" --timings "${thr[@]}")
		walls+=("$w"); cpus+=("$c"); mibs+=("$m")
		ph+=("$(grep '^timings: read' "$WORK/last.err")")
	done
	grep -E 'faces|remaining' "$WORK/last.out" >>"$md" || true
	grep '^timings:' "$WORK/last.err" >>"$md" || true
	LR_WALL=$(printf '%s\n' "${walls[@]}" | median)
	LR_CPU=$(printf '%s\n' "${cpus[@]}" | median)
	LR_MIB=$(printf '%s\n' "${mibs[@]}" | median)
	local p out=""
	for p in read ledger "store and tables" total; do
		out+=" $p $(printf '%s\n' "${ph[@]}" | sed "s/.* $p \([0-9.]*\) s.*/\1/" | median),"
	done
	echo "landrelease phases (median s):${out%,}" >>"$md"
	if [ "${ONE_THREAD:-auto}" = 1 ] || { [ "${ONE_THREAD:-auto}" = auto ] && [ "$runs" -gt 1 ]; }; then
		rm -rf "$WORK/lr1"
		read -r w1 c1 m1 < <(timed "$LR" analyze "$@" --out "$WORK/lr1" --timings --threads 1)
		local l1 l2
		l1=$(sed -n 's/^timings: read.* ledger \([0-9.]*\).*/\1/p' "$WORK/last.err")
		l2=$(printf '%s\n' "${ph[@]}" | sed 's/.* ledger \([0-9.]*\).*/\1/' | median)
		echo "ledger phase: 1 thread $l1 s, default threads $l2 s (speed-up $(ratio "$l1" "$l2")x); whole run 1 thread $w1 s wall, $c1 s CPU" >>"$md"
		local same=identical f
		for f in "$WORK"/lr/*.csv "$WORK/lr/landrelease.sqlite"; do
			cmp -s "$f" "$WORK/lr1/$(basename "$f")" || same=DIFFER
		done
		echo "outputs (CSV tables and the store file) with 1 thread and default threads: $same" >>"$md"
	fi
}

# The read floor: read_floor over each FILE (a GeoPackage: its three layers;
# another file: its one layer, named as the file).
bench_floor() {
	local label=$1 runs=$2
	shift 2
	echo "== $label: read floor ($runs runs)" >&2
	local cmd="" f layer
	for f in "$@"; do
		layer=
		[[ $f == *.gpkg ]] || layer=$(basename "${f%.*}")
		cmd+="'$FLOOR' '$f' $layer && "
	done
	read -r FLOOR_WALL FLOOR_CPU FLOOR_MIB < <(timed_median "$runs" sh -c "${cmd}true")
}

# PostGIS (load + query) and GeoPandas on GPKG (layers regions, hazards
# with recorded_date, releases with release_date).
bench_peers() {
	local label=$1 gpkg=$2 md=$3
	echo "== $label: PostGIS" >&2
	pg_start
	psql_run -d postgres -c "DROP DATABASE IF EXISTS lr" -c "CREATE DATABASE lr"
	psql_run -d lr -c "CREATE EXTENSION postgis"
	local lw lc lm aw ac am qw qc qm
	read -r lw lc lm < <(timed ogr2ogr -f PostgreSQL "PG:host=$PGSOCK user=postgres dbname=lr" "$gpkg" \
		-nlt PROMOTE_TO_MULTI -lco GEOMETRY_NAME=geom -lco FID=fid --config PG_USE_COPY YES \
		regions hazards releases)
	# The load ends with the tables analysed (ogr2ogr built the GiST indexes).
	read -r aw ac am < <(timed $PGBIN/psql -X -q -h "$PGSOCK" -U postgres -d lr -c "ANALYZE")
	lw=$(awk -v a="$lw" -v b="$aw" 'BEGIN {printf "%.2f", a + b}')
	lc=$(awk -v a="$lc" -v b="$ac" 'BEGIN {printf "%.2f", a + b}')
	read -r qw qc qm < <(timed $PGBIN/psql -X -q -h "$PGSOCK" -U postgres -d lr -f "$ROOT/benchmarks/postgis.sql")
	cp "$WORK/last.out" "$WORK/postgis.csv"
	local pw pc
	pw=$(awk -v a="$lw" -v b="$qw" 'BEGIN {printf "%.2f", a + b}')
	pc=$(awk -v a="$lc" -v b="$qc" 'BEGIN {printf "%.2f", a + b}')
	result_row "$label" "PostGIS load (ogr2ogr + indexes + ANALYZE)" "$lw" "$lc" "$lm (ogr2ogr)"
	result_row "$label" "PostGIS query" "$qw" "$qc" "server"
	result_row "$label" "PostGIS load + query" "$pw" "$pc" ""
	echo "== $label: GeoPandas" >&2
	local gw gc gm gr gq
	read -r gw gc gm < <(timed $PY "$ROOT/benchmarks/geopandas_figures.py" "$gpkg" "$WORK/geopandas.csv" "$WORK/geopandas.pickle")
	gr=$(sed -n 's/^read //p' "$WORK/last.err")
	gq=$(sed -n 's/^compute //p' "$WORK/last.err")
	gk=$(sed -n 's/^keep //p' "$WORK/last.err")
	result_row "$label" "GeoPandas (read $gr s + compute $gq s + keeping the result $gk s)" "$gw" "$gc" "$gm"
	RATIO_ROWS+=("| $label | $(ratio "$pw" "$LR_WALL") ($(ratio "$pc" "$LR_CPU")) | $(ratio "$gw" "$LR_WALL") ($(ratio "$gc" "$LR_CPU")) | $(ratio "$LR_WALL" "$FLOOR_WALL") ($(ratio "$LR_CPU" "$FLOOR_CPU")) |")
	PEERS_RAN=1
	if [ "${COMPARE:-1}" = 1 ]; then
		# Untimed: the peers' result geometries measured on our land
		# model (straight lon/lat edges), then compared.
		psql_run -d lr -f "$ROOT/benchmarks/postgis_lonlat.sql" >"$WORK/postgis_lonlat.csv"
		$PY "$ROOT/benchmarks/geopandas_lonlat.py" "$WORK/geopandas.pickle" "$WORK/geopandas_lonlat.csv"
		echo "agreement per region (the peers' land segmentised to 0.0001 degree):" >>"$md"
		$PY "$ROOT/benchmarks/compare.py" "$WORK/lr" "$WORK/postgis_lonlat.csv" "$WORK/geopandas_lonlat.csv" \
			>"$WORK/compare.txt" || echo "AGREEMENT FAILED (see above)" >>"$WORK/compare.txt"
		sed "s#$WORK/##" "$WORK/compare.txt" >>"$md"
	fi
}

runs_for() {
	if [ -n "${RUNS:-}" ]; then echo "$RUNS"
	elif [ "$1" -le 10000 ]; then echo 5
	elif [ "$1" -le 100000 ]; then echo 3
	else echo 1; fi
}

# One generated country: N hazards, generator profile PROFILE.
bench_generated() {
	local n=$1 profile=$2
	local prefix=h
	[ "$profile" = dense ] && prefix=d
	local f=$CACHE/$prefix$n.gpkg label="$n $profile"
	local runs
	runs=$(runs_for "$n")
	if [ ! -f "$f" ]; then
		echo "== generating $n hazards ($profile) into $f" >&2
		local prof=()
		[ "$profile" = dense ] && prof=(--profile dense)
		"$GEN" --out "$f.tmp.gpkg" --seed 1 --hazards "$n" "${prof[@]}" >&2
		mv "$f.tmp.gpkg" "$f"
	fi
	local md=$CACHE/results-$prefix$n.md
	: >"$md"
	bench_floor "$label" "$runs" "$f"
	bench_landrelease "$label" "$runs" "$md" "$f"
	result_row "$label" "landrelease analyze" "$LR_WALL" "$LR_CPU" "$LR_MIB"
	result_row "$label" "read floor (read_floor.c, OGR)" "$FLOOR_WALL" "$FLOOR_CPU" "$FLOOR_MIB"
	PEERS_RAN=0
	if [ "$PEERS" != 0 ] && [ "$n" -le "$PEER_MAX" ]; then
		COMPARE=1 bench_peers "$label" "$f" "$md"
	fi
	[ "$PEERS_RAN" = 1 ] ||
		RATIO_ROWS+=("| $label | | | $(ratio "$LR_WALL" "$FLOOR_WALL") ($(ratio "$LR_CPU" "$FLOOR_CPU")) |")
	echo >>"$md"
	cat "$md" >&2
}

# The real Bosnia and Herzegovina data: landrelease on the published GeoJSON
# files with maps/bih-snapshot.ini; the peers on one GeoPackage made from
# them in the work folder (municipalities as regions; the snapshot's dates:
# suspected areas recorded 2023-12-31, cleared areas 2023-12-30).
bench_bih() {
	local dir=$1 label="BiH (real)"
	local reg=$dir/geoBoundaries-BIH-ADM3.geojson
	local haz=$dir/suspect_areas_simplyfied.geojson
	local rel=$dir/cleared_areas_simplyfied.geojson
	local md=$CACHE/results-bih.md
	: >"$md"
	bench_floor "$label" 5 "$reg" "$haz" "$rel"
	bench_landrelease "$label" 5 "$md" -m "$ROOT/maps/bih-snapshot.ini" \
		--regions "$reg" --hazards "$haz" --releases "$rel"
	result_row "$label" "landrelease analyze" "$LR_WALL" "$LR_CPU" "$LR_MIB"
	result_row "$label" "read floor (read_floor.c, OGR, 3 files)" "$FLOOR_WALL" "$FLOOR_CPU" "$FLOOR_MIB"
	PEERS_RAN=0
	if [ "$PEERS" != 0 ]; then
		local g=$WORK/bih.gpkg
		ogr2ogr -f GPKG "$g" "$reg" -nln regions -nlt PROMOTE_TO_MULTI -dialect SQLite \
			-sql "SELECT geometry, shapeID AS region_id, shapeName AS name FROM \"geoBoundaries-BIH-ADM3\""
		ogr2ogr -update -f GPKG "$g" "$haz" -nln hazards -nlt PROMOTE_TO_MULTI -dialect SQLite \
			-sql "SELECT geometry, '2023-12-31' AS recorded_date FROM suspect_areas_simplyfied WHERE geometry IS NOT NULL AND NOT ST_IsEmpty(geometry)"
		ogr2ogr -update -f GPKG "$g" "$rel" -nln releases -nlt PROMOTE_TO_MULTI -dialect SQLite \
			-sql "SELECT geometry, '2023-12-30' AS release_date FROM cleared_areas_simplyfied WHERE geometry IS NOT NULL AND NOT ST_IsEmpty(geometry)"
		# Timings only: landrelease's ledger of this snapshot credits each
		# cleared area as a record of its own land, so its faces and the
		# peers' union semantics are not the same figures.
		COMPARE=0 bench_peers "$label" "$g" "$md"
	fi
	[ "$PEERS_RAN" = 1 ] ||
		RATIO_ROWS+=("| $label | | | $(ratio "$LR_WALL" "$FLOOR_WALL") ($(ratio "$LR_CPU" "$FLOOR_CPU")) |")
	echo >>"$md"
	cat "$md" >&2
}

scales=("$@")
[ ${#scales[@]} -eq 0 ] && scales=(1e4 1e5)
for s in "${scales[@]}"; do
	n=$(awk -v s="$s" 'BEGIN {printf "%d", s}')
	for profile in ${PROFILES:-default dense}; do
		bench_generated "$n" "$profile"
	done
done
REAL=${LR_SHARED_DATA:-$ROOT/../shared/data/real}
if [ "${BIH:-1}" != 0 ]; then
	if [ -f "$REAL/bih/suspect_areas_simplyfied.geojson" ]; then
		bench_bih "$REAL/bih"
	else
		echo "run.sh: no BiH data in $REAL/bih (set LR_SHARED_DATA); skipped" >&2
	fi
fi

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
echo
echo "| data | tool | wall s | CPU s | peak MiB | wall / landrelease | CPU / landrelease |"
echo "|---|---|---:|---:|---:|---:|---:|"
printf '%s\n' "${RESULT_ROWS[@]}"
echo
echo "Ratios, wall (CPU in brackets): how many times landrelease's time each peer takes, and landrelease against the read floor."
echo
echo "| data | PostGIS / landrelease | GeoPandas / landrelease | landrelease / read floor |"
echo "|---|---:|---:|---:|"
printf '%s\n' "${RATIO_ROWS[@]}"
