#!/bin/sh
# Times `landrelease batch` on RUNS scenario runs (default 50) of one generated
# national dataset of HAZARDS hazards (default 10^4), once per --jobs value in
# JOBS (default "1 2"), then a --resume with nothing changed (the cost of
# hashing the inputs).  Checks that the summaries agree whatever --jobs.
#
#   benchmarks/batch.sh                      # build/ , 50 runs, 10^4 hazards
#   LR_BUILD_DIR=build-batch RUNS=10 benchmarks/batch.sh
#
# Env: LR_BUILD_DIR (default build), RUNS, HAZARDS, JOBS, WORK (a folder to
# keep; default a new temporary one, removed at the end).
set -eu
BUILD=${LR_BUILD_DIR:-build}
LR=$(cd "$BUILD" && pwd)/cli/landrelease
GEN=$(cd "$BUILD" && pwd)/data/lr-generate
RUNS=${RUNS:-50}
HAZARDS=${HAZARDS:-10000}
JOBS=${JOBS:-"1 2"}
KEEP=${WORK:+yes}
WORK=${WORK:-$(mktemp -d /tmp/lr-bench-batch-XXXXXX)}
mkdir -p "$WORK"
cd "$WORK"

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }

[ -f national.gpkg ] ||
	"$GEN" --out national.gpkg --seed 1 --hazards "$HAZARDS" --regions 40 >/dev/null 2>&1

# Five funding scenarios, cycled over the runs with different seeds,
# deadlines and history windows.
i=0
for pct in -50% -25% +0% +25% +50%; do
	printf '[national]\ncapacity.2027+ = %s\n' "$pct" >"scenario$i.ini"
	i=$((i + 1))
done
{
	printf '[defaults]\ndataset = national.gpkg\nruns = 10000\n\n'
	r=0
	while [ "$r" -lt "$RUNS" ]; do
		printf '[run s%02d]\nscenario = scenario%d.ini\nseed = %d\n' \
			"$r" $((r % 5)) "$r"
		printf 'deadline = %d-12-31\nwindow = %d\n\n' \
			$((2028 + r % 7)) $((3 + r % 3))
		r=$((r + 1))
	done
} >manifest.ini

cores=$(nproc)
echo "landrelease batch: $RUNS runs of one dataset of $HAZARDS hazards, $cores cores"
printf '%-8s %10s %12s\n' jobs seconds s/run
first=
for j in $JOBS; do
	rm -rf "out$j"
	t0=$(now)
	"$LR" batch manifest.ini --out "out$j" --jobs "$j" 2>"batch$j.log" || {
		echo "batch --jobs $j failed; see $WORK/batch$j.log"
		exit 1
	}
	t1=$(now)
	s=$(elapsed "$t0" "$t1")
	printf '%-8s %10.1f %12.2f\n' "$j" "$s" "$(echo "$s / $RUNS" | bc -l)"
	# Same figures whatever --jobs (seconds column aside).
	cut -d, -f1-12 "out$j/summary.csv" >"figures$j.csv"
	if [ -z "$first" ]; then
		first=$j
	elif ! cmp -s "figures$first.csv" "figures$j.csv"; then
		echo "summaries differ between --jobs $first and --jobs $j"
		exit 1
	fi
done
t0=$(now)
"$LR" batch manifest.ini --out "out$first" --resume 2>/dev/null
t1=$(now)
printf '%-8s %10.2f   (--resume, nothing changed: hashing only)\n' resume \
	"$(elapsed "$t0" "$t1")"
[ -n "$KEEP" ] || { cd /; rm -rf "$WORK"; }
