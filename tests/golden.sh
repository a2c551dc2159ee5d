#!/bin/bash
# The outputs of every command, as hashes: a restructuring must leave them
# byte-identical.
#
#   tests/golden.sh BUILD_DIR OUT_FILE       write the hashes
#   tests/golden.sh BUILD_DIR --check FILE   compare with FILE (TAP)
#
# Runs analyze, project, plan, report, check and batch on the bundled sample
# (seed 1, 300 hazards) and on two generated countries (seed 7, 600 hazards;
# seed 11, 400 hazards with 12 regions, AP scope and a baseline), then writes
# one line per output file, "sha256  run/file", sorted, into OUT_FILE.
# Left out, because they change from run to run by design:
#   - batch/*/run.log, batch/summary.* (wall-clock seconds);
#   - report.pdf (cairo stamps the creation date);
#   - docProps/core.xml of request_tables.xlsx (the creation time);
#   - batch/.state and the resume ledger (mtime-based keys).
# Absolute paths of the work folder are replaced by WORK before hashing.
# tests/golden.txt holds the hashes of the version before; tests/meson.build
# compares them (test "golden").
set -euo pipefail
# GeoPackage stamps its tables with this date instead of the clock.
export OGR_CURRENT_DATE=2000-01-01T00:00:00Z
build=$(cd "$1" && pwd)
if [ "$2" = --check ]; then
	expected=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
	actual=$(mktemp /tmp/lr-golden-actual.XXXXXX)
	"$0" "$1" "$actual" >/dev/null 2>&1
	echo "1..1"
	if diff "$expected" "$actual" >&2; then
		echo "ok 1 - every output is byte-identical to $(basename "$3")"
	else
		echo "not ok 1 - outputs differ from $(basename "$3") (above: expected <, actual >)"
	fi
	rm -f "$actual"
	exit 0
fi
out_file=$2
root=$(cd "$(dirname "$0")/.." && pwd)
lr=$build/cli/landrelease
gen=$build/data/lr-generate
work=$(mktemp -d /tmp/lr-golden.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
# Every path the outputs may quote is relative to $work, so the hashes do not
# depend on where the work folder or the source tree lies.
cp -r "$root/tests/fixtures/plan" "$root/tests/fixtures/check" \
	"$root/tests/fixtures/batch" "$work/"
cd "$work"

"$gen" --out sample.gpkg --seed 1 --hazards 300 --regions 25 >/dev/null
"$gen" --out g7.gpkg --seed 7 --hazards 600 >/dev/null
"$gen" --out g11.gpkg --seed 11 --hazards 400 --regions 12 >/dev/null

one_country() { # NAME DATASET [analyze options...]
	local name=$1 ds=$2
	shift 2
	local dir=runs/$name
	"$lr" analyze "$ds" --out "$dir" --quiet --threads 2 "$@" >/dev/null
	"$lr" project "$dir" --deadline 2028-12-31 --runs 2000 --seed 3 \
		>/dev/null 2>&1 || true
	"$lr" plan "$dir" --target 2033-12-31 \
		--capacity plan/capacity.ini \
		--costs plan/costs.ini >/dev/null 2>&1 || true
	"$lr" report "$dir" --format xlsx,md,json,html,gpkg >/dev/null 2>&1
	# The checker on the tables this run wrote; its exit status is part
	# of the outputs.
	local rc=0
	"$lr" check "$dir"/remaining_by_region.csv "$dir"/release_by_year.csv \
		--out "$dir/check" >"$dir/check.stdout" 2>&1 || rc=$?
	echo "$rc" >"$dir/check.rc"
}

one_country sample sample.gpkg
one_country g7 g7.gpkg --as-of 2024-06-30
one_country g11 g11.gpkg --scope AP --baseline 2018-12-31

# The checker on the hand-made consistent request, with its previous plan.
rc=0
"$lr" check check/consistent/{remaining_by_region,release_by_year,completion,workplan}.csv \
	--previous check/consistent/previous_workplan.csv \
	--out runs/check-consistent >runs/check-consistent.stdout 2>&1 || rc=$?
echo "$rc" >runs/check-consistent.rc

# A batch over the sample: four runs sharing one analysis.
sed "s|^dataset = .*|dataset = ../sample.gpkg|" batch/example.ini >batch/manifest.ini
"$lr" batch batch/manifest.ini --out runs/batch --jobs 2 \
	>/dev/null 2>&1 || true

# SQLite stores are compared by content: the dump is what a reader sees.
# Batch quotes absolute paths: they become WORK.
cd runs
find . -name '*.sqlite' -o -name '*.gpkg' | while read -r db; do
	sqlite3 "$db" .dump >"$db.dump"
	rm -f "$db"
done
# A workbook is compared by its parts, less the one holding the creation time.
find . -name '*.xlsx' | while read -r book; do
	python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for n in sorted(z.namelist()):
    if n != "docProps/core.xml":
        sys.stdout.buffer.write(n.encode() + b"\n" + z.read(n))' "$book" >"$book.parts"
done
find . -type f \( -name '*.csv' -o -name '*.dump' -o -name '*.stdout' \
	-o -name '*.md' -o -name '*.json' -o -name '*.html' \) -print0 |
	xargs -0 sed -i "s|$work|WORK|g"
find . -type f ! -name '*.log' ! -name 'summary.*' ! -name 'report.pdf' \
	! -name '*.xlsx' ! -path '*/.state*' ! -name '.*' -print0 |
	sort -z | xargs -0 sha256sum >"$out_file"
