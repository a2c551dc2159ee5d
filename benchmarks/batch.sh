#!/usr/bin/env bash
# A batch of 50 scenario runs over one generated 10^4-hazard dataset, timed
# with --jobs 1 and --jobs 2 (issue: "a batch over hundreds of scenario runs
# a matter of minutes").  The runs differ only in their projection
# scenarios, so the batch analyses the dataset once and projects 50 times.
#
#   benchmarks/batch.sh                 (RUNS=10 for a shorter one)
#
# Uses build-bench/ (release; built when missing) and benchmarks/cache/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench}
N=${RUNS:-50}
[ -d "$BUILD" ] || meson setup "$BUILD" "$ROOT" --buildtype=release >/dev/null
ninja -C "$BUILD" >/dev/null
LR=$BUILD/cli/landrelease
DATA=$ROOT/benchmarks/cache/h10000.gpkg
mkdir -p "$ROOT/benchmarks/cache"
[ -f "$DATA" ] || "$BUILD/data/lr-generate" --out "$DATA" --seed 1 --hazards 10000 >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
{
	echo "[defaults]"
	echo "dataset = $DATA"
	echo "deadline = 2030-12-31"
	for i in $(seq 1 "$N"); do
		# Capacity from -50% to +95%, new finds from 0 to 1.
		cap=$(( (i * 37) % 146 - 50 ))
		nf=$(awk -v i="$i" 'BEGIN { printf "%.2f", (i % 11) / 10 }')
		printf '[national]\ncapacity.2026+ = %+d%%\nnew_finds = %s\n' \
			"$cap" "$nf" >"$WORK/s$i.ini"
		printf '\n[run s%02d]\nscenario = %s\n' "$i" "$WORK/s$i.ini"
	done
} >"$WORK/manifest.ini"
echo "| jobs | wall s | runs ok |"
echo "|---|---|---|"
for jobs in 1 2; do
	rm -rf "$WORK/out$jobs"
	t0=$(date +%s.%N)
	"$LR" batch "$WORK/manifest.ini" --out "$WORK/out$jobs" --jobs "$jobs" 2>"$WORK/log" || true
	t1=$(date +%s.%N)
	ok=$(grep -c ',ok,' "$WORK/out$jobs/summary.csv" || true)
	printf '| %d | %.1f | %s of %d |\n' "$jobs" "$(echo "$t1 - $t0" | bc)" "$ok" "$N"
done
# The same figures whatever the number of jobs (the seconds column aside).
if diff <(cut -d, -f1-12 "$WORK/out1/summary.csv") \
	<(cut -d, -f1-12 "$WORK/out2/summary.csv") >/dev/null; then
	echo "summaries of --jobs 1 and --jobs 2: identical figures"
else
	echo "summaries of --jobs 1 and --jobs 2 DIFFER" >&2
	exit 1
fi
