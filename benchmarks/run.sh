#!/bin/bash
# National-scale benchmarks: landrelease analyze against the read floor,
# PostGIS and GeoPandas, on the same generated files in the same run.
#
#   benchmarks/run.sh [SCALE...]       e.g. benchmarks/run.sh 1e4 1e5 1e6
#
# SCALE is a number of hazards (about 1.5 releases each); default 1e4 1e5.
# Needs (Debian 12): meson, ninja, the build dependencies of landrelease,
# time (/usr/bin/time), sqlite3, gdal-bin (ogr2ogr), postgresql-15,
# postgresql-15-postgis-3, python3-geopandas, python3-pyproj.  It installs
# nothing; it builds build-bench/ (release) when missing.
# Environment: PEERS=0 skips PostGIS and GeoPandas; PEER_MAX=N skips them
# above N hazards (default 100000); RUNS=N overrides the number of runs;
# THREADS=N passes --threads N; ONE_THREAD=1 also times --threads 1 above
# 10^5 hazards.
# Datasets are cached in benchmarks/cache/ (git-ignored); each run writes
# benchmarks/cache/results-SCALE.md and prints the Markdown table.
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
	ninja -C "$BUILD" >/dev/null
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

# wall seconds and peak MiB of a command: "WALL MIB" on fd 3; the command's
# stdout and stderr go to $WORK/last.out / last.err.
timed() {
	/usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/last.out" 2>"$WORK/last.err" || {
		echo "run.sh: failed: $*" >&2
		tail -5 "$WORK/last.err" >&2
		return 1
	}
	awk '{printf "%s %.0f\n", $1, $2 / 1024}' "$WORK/time"
}

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

bench_scale() {
	local scale=$1
	local n
	n=$(awk -v s="$scale" 'BEGIN {printf "%d", s}')
	local f=$CACHE/h$n.gpkg
	local runs
	if [ -n "${RUNS:-}" ]; then runs=$RUNS
	elif [ "$n" -le 10000 ]; then runs=5
	elif [ "$n" -le 100000 ]; then runs=3
	else runs=1; fi
	if [ ! -f "$f" ]; then
		echo "== generating $n hazards into $f" >&2
		"$GEN" --out "$f.tmp.gpkg" --seed 1 --hazards "$n" >&2
		mv "$f.tmp.gpkg" "$f"
	fi
	local thr=()
	[ -n "${THREADS:-}" ] && thr=(--threads "$THREADS")
	local md=$CACHE/results-$n.md
	: >"$md"

	echo "== $n hazards: read floor ($runs runs)" >&2
	local walls=() mibs=()
	for ((i = 0; i < runs; i++)); do
		read -r w m < <(timed "$FLOOR" "$f")
		walls+=("$w"); mibs+=("$m")
	done
	local floor_w floor_m
	floor_w=$(printf '%s\n' "${walls[@]}" | median)
	floor_m=$(printf '%s\n' "${mibs[@]}" | median)
	cat "$WORK/last.out" >>"$md"

	echo "== $n hazards: landrelease analyze ($runs runs)" >&2
	walls=(); mibs=()
	local ph_read=() ph_ledger=() ph_store=() ph_tables=()
	for ((i = 0; i < runs; i++)); do
		rm -rf "$WORK/lr"
		read -r w m < <(timed "$LR" analyze "$f" --out "$WORK/lr" --timings "${thr[@]}")
		walls+=("$w"); mibs+=("$m")
		local t
		t=$(grep '^timings: read' "$WORK/last.err")
		ph_read+=("$(sed 's/.*read \([0-9.]*\).*/\1/' <<<"$t")")
		ph_ledger+=("$(sed 's/.*ledger \([0-9.]*\).*/\1/' <<<"$t")")
		ph_store+=("$(sed 's/.*store \([0-9.]*\).*/\1/' <<<"$t")")
		ph_tables+=("$(sed 's/.*tables \([0-9.]*\).*/\1/' <<<"$t")")
	done
	grep -E 'faces|remaining' "$WORK/last.out" >>"$md" || true
	grep '^timings:' "$WORK/last.err" >>"$md" || true
	local lr_w lr_m
	lr_w=$(printf '%s\n' "${walls[@]}" | median)
	lr_m=$(printf '%s\n' "${mibs[@]}" | median)
	local pr pl ps pt
	pr=$(printf '%s\n' "${ph_read[@]}" | median)
	pl=$(printf '%s\n' "${ph_ledger[@]}" | median)
	ps=$(printf '%s\n' "${ph_store[@]}" | median)
	pt=$(printf '%s\n' "${ph_tables[@]}" | median)
	echo "landrelease phases (median s): read $pr, ledger $pl, store $ps, tables $pt" >>"$md"

	# One thread, for the speed-up of the ledger phase (up to 10^5, or
	# at any scale with ONE_THREAD=1).
	if [ "$n" -le 100000 ] || [ "${ONE_THREAD:-0}" = 1 ]; then
		rm -rf "$WORK/lr1"
		read -r w1 m1 < <(timed "$LR" analyze "$f" --out "$WORK/lr1" --timings --threads 1)
		local l1
		l1=$(sed -n 's/.*ledger \([0-9.]*\).*/\1/p' "$WORK/last.err")
		echo "ledger phase: 1 thread $l1 s, default threads $pl s (speed-up $(awk -v a="$l1" -v b="$pl" 'BEGIN {printf "%.2f", a / b}')x)" >>"$md"
		if cmp -s "$WORK/lr/remaining_by_region.csv" "$WORK/lr1/remaining_by_region.csv" &&
			cmp -s "$WORK/lr/release_by_year.csv" "$WORK/lr1/release_by_year.csv" &&
			cmp -s "$WORK/lr/data_quality.csv" "$WORK/lr1/data_quality.csv"; then
			echo "tables with 1 thread and default threads: identical" >>"$md"
		else
			echo "tables with 1 thread and default threads: DIFFER" >>"$md"
		fi
	fi

	RESULT_ROWS+=("| $n | landrelease analyze | $lr_w | $lr_m | 1.0 |")
	RESULT_ROWS+=("| $n | read floor (read_floor.c, OGR) | $floor_w | $floor_m | $(awk -v a="$floor_w" -v b="$lr_w" 'BEGIN {printf "%.2f", a / b}') |")

	local peers=()
	if [ "$PEERS" != 0 ] && [ "$n" -le "$PEER_MAX" ]; then
		echo "== $n hazards: PostGIS" >&2
		pg_start
		psql_run -d postgres -c "DROP DATABASE IF EXISTS lr" -c "CREATE DATABASE lr"
		psql_run -d lr -c "CREATE EXTENSION postgis"
		local lw lm
		read -r lw lm < <(timed ogr2ogr -f PostgreSQL "PG:host=$PGSOCK user=postgres dbname=lr" "$f" \
			-nlt PROMOTE_TO_MULTI -lco GEOMETRY_NAME=geom -lco FID=fid --config PG_USE_COPY YES \
			regions hazards releases)
		# The load ends with the tables analysed (ogr2ogr built the GiST indexes).
		local aw am
		read -r aw am < <(timed $PGBIN/psql -X -q -h "$PGSOCK" -U postgres -d lr -c "ANALYZE")
		lw=$(awk -v a="$lw" -v b="$aw" 'BEGIN {printf "%.2f", a + b}')
		local qw qm
		read -r qw qm < <(timed $PGBIN/psql -X -q -h "$PGSOCK" -U postgres -d lr -f "$ROOT/benchmarks/postgis.sql")
		cp "$WORK/last.out" "$WORK/postgis.csv"
		local pgw
		pgw=$(awk -v a="$lw" -v b="$qw" 'BEGIN {printf "%.2f", a + b}')
		RESULT_ROWS+=("| $n | PostGIS load (ogr2ogr + indexes + ANALYZE) | $lw | $lm (ogr2ogr) | $(awk -v a="$lw" -v b="$lr_w" 'BEGIN {printf "%.1f", a / b}') |")
		RESULT_ROWS+=("| $n | PostGIS query | $qw | server | $(awk -v a="$qw" -v b="$lr_w" 'BEGIN {printf "%.1f", a / b}') |")
		RESULT_ROWS+=("| $n | PostGIS load + query | $pgw | | $(awk -v a="$pgw" -v b="$lr_w" 'BEGIN {printf "%.1f", a / b}') |")
		peers+=("$WORK/postgis.csv")

		echo "== $n hazards: GeoPandas" >&2
		local gw gm
		read -r gw gm < <(timed $PY "$ROOT/benchmarks/geopandas_figures.py" "$f" "$WORK/geopandas.csv")
		local gr gc
		gr=$(sed -n 's/^read //p' "$WORK/last.err")
		gc=$(sed -n 's/^compute //p' "$WORK/last.err")
		RESULT_ROWS+=("| $n | GeoPandas (read $gr s + compute $gc s) | $gw | $gm | $(awk -v a="$gw" -v b="$lr_w" 'BEGIN {printf "%.1f", a / b}') |")
		peers+=("$WORK/geopandas.csv")
		echo "agreement per region:" >>"$md"
		$PY "$ROOT/benchmarks/compare.py" "$WORK/lr" "${peers[@]}" |
			sed "s#$WORK/##" >>"$md"
	fi
	echo >>"$md"
	cat "$md" >&2
}

scales=("$@")
[ ${#scales[@]} -eq 0 ] && scales=(1e4 1e5)
for s in "${scales[@]}"; do
	bench_scale "$s"
done

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
echo
echo "| hazards | tool | wall s | peak MiB | ratio to landrelease |"
echo "|---:|---|---:|---:|---:|"
printf '%s\n' "${RESULT_ROWS[@]}"
