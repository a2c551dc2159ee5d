#!/bin/sh
# Renders the README's pictures of the report from the bundled sample:
#   docs/report-first-page.png   page 1 of report.pdf (pdftoppm, 100 dpi)
#   docs/report-screenshot.png   the top of report.html (headless Chromium,
#                                1200 x 2000)
# The sample is synthetic: the real BiH hazard layers carry no licence that
# lets a picture of them be redistributed (shared/data/real/bih/README.md).
#
#   docs/first-page.sh [BUILD_DIR]   (default build; needs pdftoppm and
#                                     chromium; writes only the two PNGs)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
lr=$build/cli/landrelease
cd "$root"
[ -f data/sample.gpkg ] || sh data/make-sample.sh "$build/data/lr-generate"
work=$(mktemp -d /tmp/lr-first-page.XXXXXX)
trap 'rm -rf "$work"' EXIT
quiet() { # runs a command, showing its output only when it fails
	"$@" >"$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
}
# The sample's deadline and target, as ./bootstrap demo uses them; its
# sources are named as data/sample.gpkg, whatever the checkout's path.
quiet "$lr" analyze data/sample.gpkg --out "$work/annex" \
	--deadline 2028-12-31 --target 2033-12-31
quiet "$lr" report "$work/annex" --format pdf,html \
	--title "Sample country (synthetic data): Article 5 figures"
pdftoppm -f 1 -l 1 -r 100 -png -singlefile "$work/annex/report.pdf" \
	"$work/first-page"
quiet chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
	--disable-background-networking --disable-component-update \
	--disable-sync --no-first-run --user-data-dir="$work/chromium" \
	--screenshot="$work/screenshot.png" --window-size=1200,2000 \
	"file://$work/annex/report.html"
cp "$work/first-page.png" docs/report-first-page.png
cp "$work/screenshot.png" docs/report-screenshot.png
echo "docs/report-first-page.png docs/report-screenshot.png"
