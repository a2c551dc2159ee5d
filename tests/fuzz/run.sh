#!/usr/bin/env bash
# Run every libFuzzer harness built by tests/fuzz/build.sh for a while.
#
#   tests/fuzz/run.sh [SECONDS] [JOBS] [HARNESS...]
#
# SECONDS per harness (default 600), JOBS harnesses at a time (default 2).
# Each harness starts from tests/fuzz/corpus/<name>/ and writes what it
# finds into build-fuzz/fuzz/work/<name>/ (new inputs) and crash files into
# build-fuzz/fuzz/crashes/; its log is build-fuzz/fuzz/<name>.log.  Ends
# with one line per harness: executions, coverage, features, crashes.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${LR_FUZZ_BUILD:-build-fuzz}
SECS=${1:-600}
JOBS=${2:-2}
shift $(($# > 2 ? 2 : $#))
HARNESSES=("$@")
[ ${#HARNESSES[@]} -eq 0 ] && HARNESSES=(date values mapping plan area geojson check)
mkdir -p "$B/fuzz/crashes"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:fast_unwind_on_malloc=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:suppressions=$PWD/tests/fuzz/ubsan.supp}
run_one() {
	local h=$1
	mkdir -p "$B/fuzz/work/$h" "tests/fuzz/corpus/$h"
	"$B/fuzz/fuzz_$h" -max_total_time="$SECS" -timeout=20 -rss_limit_mb=2048 \
		-max_len=8192 -print_final_stats=1 \
		-artifact_prefix="$B/fuzz/crashes/$h-" \
		"$B/fuzz/work/$h" "tests/fuzz/corpus/$h" >"$B/fuzz/$h.log" 2>&1 || true
}
export -f run_one
export B SECS
printf '%s\n' "${HARNESSES[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_one {}'
for h in "${HARNESSES[@]}"; do
	log="$B/fuzz/$h.log"
	execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
	crashes=$(ls "$B/fuzz/crashes/" 2>/dev/null | grep -c "^$h-" || true)
	echo "$h: ${execs:-?} executions in ${SECS}s, ${cov:-no coverage line}, $crashes crash file(s)"
done
