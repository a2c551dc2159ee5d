#!/usr/bin/env bash
# Build the libFuzzer harnesses of tests/fuzz/ into build-fuzz/fuzz/.
#
#   tests/fuzz/build.sh [BUILD_DIR]     (default: build-fuzz)
#
# The libraries are built by meson with clang-14 under AddressSanitizer and
# UndefinedBehaviorSanitizer plus libFuzzer's coverage instrumentation; each
# harness is then linked with -fsanitize=fuzzer.  The default build is not
# touched.  UBSan findings are recoverable so that tests/fuzz/ubsan.supp can
# silence known ones; run.sh makes every other one stop the fuzzer
# (halt_on_error=1).  Needs clang-14 and libclang-rt-14-dev.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build-fuzz}
CC=${CC:-clang-14}
SAN="-fsanitize=address,undefined"
if [ ! -f "$B/build.ninja" ]; then
	CC=$CC meson setup "$B" -Dbuildtype=debugoptimized \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args="-fsanitize=fuzzer-no-link" >/dev/null
fi
# Every library of base/, geo/ and engine/ (each room is its own), linked
# as a group so that their order does not matter; every folder holding
# their headers (public and *_int.h) on the include path.
mapfile -t LIBS_A < <(ninja -C "$B" -t targets all |
	grep -oE '^(base|geo|engine)/[^:]*\.a' | sort -u)
ninja -C "$B" "${LIBS_A[@]}" >/dev/null
mkdir -p "$B/fuzz"
INCS=$(find base geo engine -name '*.h' -printf '-I%h ' | tr ' ' '\n' |
	sort -u | tr '\n' ' ')
LIBS="$(pkg-config --libs gdal proj geos sqlite3 inih) -lm -fopenmp"
CFLAGS="-std=c17 -D_GNU_SOURCE -DGEOS_USE_ONLY_R_API -g -O1 -Wall -Wextra -Werror
	$INCS $(pkg-config --cflags gdal proj geos sqlite3 inih)"
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	# The report's .mo reader needs no report library: its one file.
	extra=""
	if [ "$name" = fuzz_mo ]; then
		extra="report/report_catalog.c -Ireport"
	fi
	# shellcheck disable=SC2086
	$CC $CFLAGS -fsanitize=fuzzer $SAN "$src" $extra -o "$B/fuzz/$name" \
		-Wl,--start-group "${LIBS_A[@]/#/$B/}" -Wl,--end-group $LIBS
	echo "built $B/fuzz/$name"
done
