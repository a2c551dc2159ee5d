#!/bin/sh
# Builds data/sample.gpkg, the small national dataset of the README's demo:
# seed 1, 300 hazards, 25 districts in 9 provinces, a country that is
# finishing (its releases outpace its new finds in the last years), so the
# demo's projection gives dates, an extension in years and a chance of
# finishing on time.  The tests keep the default profile, which never does.
#
#   data/make-sample.sh [path/to/lr-generate]   (default build/data/lr-generate)
set -eu
gen=${1:-build/data/lr-generate}
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$gen" ]; then
	echo "make-sample.sh: no generator at $gen (build it: ninja -C build data/lr-generate)" >&2
	exit 1
fi
"$gen" --out "$here/sample.gpkg" --seed 1 --hazards 300 --regions 25 \
	--profile finishing
