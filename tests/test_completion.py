#!/usr/bin/env python3
"""The declaration-of-completion annex (completion_by_region.csv,
completion_releases.csv, previously_unknown.csv, annex E of the report, the
projection of a complete country).

Two inputs the code did not make its answers for:
- tests/fixtures/completion: two regions and four hand-drawn hazards whose
  dates give every case (README there): the country complete, a region
  complete while the country is not, a previously unknown area recorded
  after completion, an AV area outside the AP scope;
- lr-generate --complete-by: a generated country whose every hazard is
  released by the end of a year, with or without areas found afterwards.
Areas are checked against the ellipsoidal area of a lon/lat quadrangle
computed here, and the lists against the yearly table (a different sum
over the same ledger) and against the GeoPackage's own records.
"""
import csv
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

import tap
from tap import ok

BUILD = os.environ.get("LR_BUILD_DIR", "build")
SOURCE = os.environ.get("LR_SOURCE_DIR", ".")
LR = os.path.join(BUILD, "cli", "landrelease")
GEN = os.path.join(BUILD, "data", "lr-generate")
FIX = os.path.join(SOURCE, "tests", "fixtures", "completion")


def run(*args):
    return subprocess.run([LR, *args], capture_output=True, text=True)


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def by_id(path):
    return {r["region_id"]: r for r in rows(path)}


def quadrangle_m2(lon0, lat0, lon1, lat1):
    """Area of the WGS84 quadrangle between two meridians and two
    parallels (authalic latitude), in m2."""
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    e = math.sqrt(e2)

    def q(phi):
        s = math.sin(math.radians(phi))
        return (1 - e2) * (s / (1 - e2 * s * s) -
                           math.log((1 - e * s) / (1 + e * s)) / (2 * e))
    return a * a / 2 * math.radians(lon1 - lon0) * (q(lat1) - q(lat0))


def near(x, want):
    """To the cent the CSVs round to: the areas are the closed-form ones
    (straight lon/lat edges on the WGS84 ellipsoid)."""
    return abs(float(x) - want) <= 0.005 + 1e-9 * want


def analyze_fixture(out, *args):
    return run("analyze", "--regions", os.path.join(FIX, "regions.geojson"),
               "--hazards", os.path.join(FIX, "hazards.geojson"),
               "--releases", os.path.join(FIX, "releases.geojson"),
               "--out", out, "--quiet", *args)


def report_text(out, *args):
    r = run("report", out, "--format", "html,json,xlsx,md", *args)
    html = open(os.path.join(out, "report.html")).read()
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", " ", html,
                                          flags=re.S))
    return r, text


def check_fixture_complete(tmp):
    """AP scope as of 2021-06-30: both regions released, nothing found
    since: the country is complete on the day its last area was."""
    out = os.path.join(tmp, "complete")
    r = analyze_fixture(out, "--scope", "AP", "--as-of", "2021-06-30")
    ok(r.returncode == 0, "fixture, AP, as of 2021-06-30: analyze exit 0",
       r.stderr)
    c = by_id(os.path.join(out, "completion_by_region.csv"))
    t = c["TOTAL"]
    ok((t["status"], t["completed_on"], t["last_release"]) ==
       ("complete", "2020-02-15", "2020-02-15"),
       "complete country: completed on the day of its last release "
       "(R-2, 2020-02-15)", t)
    ok((c["R1"]["status"], c["R1"]["completed_on"]) ==
       ("complete", "2019-05-10"),
       "region North complete on the day of its last release (R-1)",
       c["R1"])
    rel = rows(os.path.join(out, "completion_releases.csv"))
    ok([(x["release_id"], x["method"], x["release_date"]) for x in rel] ==
       [("R-1", "cleared", "2019-05-10"), ("R-2", "reduced", "2020-02-15")],
       "the releases of the 3 years before completion, by date, with "
       "their methods", rel)
    sq = quadrangle_m2(104.02, 12.02, 104.03, 12.03)
    ok(all(near(x["released_m2"], sq) for x in rel),
       f"each released area is its 0.01 x 0.01 degree square ({sq:.2f} m2)",
       rel)
    ok(rows(os.path.join(out, "previously_unknown.csv")) == [],
       "no previously unknown area before 2021-07-01")
    r = run("project", out, "--deadline", "2028-12-31", "--runs", "200")
    p = by_id(os.path.join(out, "completion.csv"))["TOTAL"]
    ok(r.returncode == 0 and
       (p["p10_date"], p["p50_date"], p["p90_date"]) == ("2020-02-15",) * 3,
       "project: a complete country's completion is its last release, "
       "not the as-of date or a projection", (r.stderr, p))
    r, text = report_text(out)
    ok(r.returncode == 0 and "Annex E. Declaration of completion" in text
       and "completion was reached on 2020-02-15" in text,
       "report: annex E with the completion date", r.stderr)


def check_fixture_unknown(tmp):
    """AP scope as of the last date: H-3, recorded 2021-07-01, after
    completion, is a previously unknown area; half of it is cleared, so
    the country is no longer complete."""
    out = os.path.join(tmp, "unknown")
    r = analyze_fixture(out, "--scope", "AP")
    ok(r.returncode == 0, "fixture, AP: analyze exit 0", r.stderr)
    c = by_id(os.path.join(out, "completion_by_region.csv"))
    t = c["TOTAL"]
    whole = quadrangle_m2(104.05, 12.05, 104.06, 12.06)
    half = quadrangle_m2(104.055, 12.05, 104.06, 12.06)
    ok((t["status"], t["completed_on"], t["last_release"],
        t["unknown_count"]) ==
       ("not_complete", "2020-02-15", "2022-01-10", "1"),
       "an area recorded after completion: completion date kept, the "
       "country not complete, one previously unknown area", t)
    ok(near(t["unknown_m2"], whole) and near(t["remaining_m2"], half),
       f"its land {whole:.2f} m2, half left ({half:.2f} m2)", t)
    u = rows(os.path.join(out, "previously_unknown.csv"))
    ok([(x["hazard_id"], x["region_id"], x["recorded_date"],
         x["released_on"]) for x in u] == [("H-3", "R1", "2021-07-01", "")],
       "previously_unknown.csv flags H-3 in North, still holding land", u)
    ok(c["R1"]["status"] == "not_complete" and
       c["R1"]["unknown_count"] == "1" and c["R2"]["status"] == "complete",
       "North no longer complete (H-3), South still complete", c)
    r, text = report_text(out)
    ok(r.returncode == 0 and "Table E3" in text and "H-3" in text and
       "the country is not complete at that date" in text,
       "report: table E3 lists H-3 and the annex says the country is not "
       "complete", r.stderr)
    j = json.load(open(os.path.join(out, "request_tables.json")))
    ids = [x["id"] for x in j["tables"]]
    ok({"completion_by_region", "completion_releases",
        "previously_unknown"} <= set(ids), "json: the three tables", ids)
    sheets = zipfile.ZipFile(os.path.join(
        out, "request_tables.xlsx")).read("xl/workbook.xml").decode()
    ok('name="E3 Previously unknown"' in sheets, "xlsx: sheet E3")
    fr = os.path.join(tmp, "unknown-fr")
    shutil.copytree(out, fr)
    r, text = report_text(fr, "--lang", "fr")
    ok(r.returncode == 0 and "zones minées précédemment inconnues" in text
       and "Annexe E" in text, "--lang fr: the Convention's French words",
       r.stderr)
    es = os.path.join(tmp, "unknown-es")
    shutil.copytree(out, es)
    r, text = report_text(es, "--lang", "es")
    ok(r.returncode == 0 and "zonas minadas previamente desconocidas" in text,
       "--lang es: the Convention's Spanish words", r.stderr)


def check_fixture_incomplete(tmp):
    """All contamination: the AV area H-4 is never released, so the
    country never completes.  As of 2021-06-30 North is complete while the
    country is not: its own line, no list; at the last date no region is
    complete: no annex."""
    out = os.path.join(tmp, "regions")
    r = analyze_fixture(out, "--as-of", "2021-06-30")
    c = by_id(os.path.join(out, "completion_by_region.csv"))
    ok(r.returncode == 0 and c["TOTAL"]["completed_on"] == "" and
       c["R1"]["status"] == "complete" and
       c["R2"]["status"] == "not_complete",
       "scope all: the country incomplete, North complete", c)
    r, text = report_text(out)
    ok(r.returncode == 0 and "Annex E" in text and "North" in text and
       "Table E2" not in text and "Table E3" not in text,
       "report: a complete region gets its line; no lists for an "
       "incomplete country", r.stderr)
    out = os.path.join(tmp, "none")
    r = analyze_fixture(out)
    r, text = report_text(out)
    ok(r.returncode == 0 and "Annex E" not in text,
       "report: no region complete, the country not: no annex", r.stderr)


def generate(tmp, name, *args):
    gpkg = os.path.join(tmp, name + ".gpkg")
    subprocess.run([GEN, "--out", gpkg, "--seed", "5", "--hazards", "300",
                    "--regions", "25", *args], check=True,
                   capture_output=True)
    return gpkg


def year_sums(out, column, years):
    return sum(float(r[column]) for r in
               rows(os.path.join(out, "release_by_year.csv"))
               if r["region_id"] == "TOTAL" and int(r["year"]) in years)


def check_generated_complete(tmp):
    """--complete-by 2022: the last release is the completion; the list
    of releases adds up to the yearly table's 2020-2022 (the window is
    1 January 2020 to 31 December 2022)."""
    gpkg = generate(tmp, "done", "--complete-by", "2022", "--end-year",
                    "2022")
    out = os.path.join(tmp, "done")
    r = run("analyze", gpkg, "--out", out, "--quiet", "--as-of",
            "2023-06-30")
    t = by_id(os.path.join(out, "completion_by_region.csv"))["TOTAL"]
    db = sqlite3.connect(gpkg)
    outside = {x["record_id"] for x in
               rows(os.path.join(out, "data_quality.csv"))
               if x["code"].startswith("release_")}
    last = max(d for i, d in db.execute(
        "SELECT release_id, release_date FROM releases") if i not in outside)
    ok(r.returncode == 0 and t["status"] == "complete" and
       t["completed_on"] == t["last_release"] == last,
       f"generated --complete-by 2022: complete on its last release {last} "
       "(from the GeoPackage)", t)
    rel = rows(os.path.join(out, "completion_releases.csv"))
    listed = sum(float(x["released_m2"]) for x in rel)
    want = year_sums(out, "released_m2", {2020, 2021, 2022})
    ok(abs(listed - want) < 0.01 * len(rel) + 0.01,
       f"the releases listed add up to 2020-2022 of release_by_year "
       f"({listed:.2f} = {want:.2f})")
    run("project", out, "--deadline", "2028-12-31", "--runs", "200")
    p = by_id(os.path.join(out, "completion.csv"))["TOTAL"]
    ok(p["p50_date"] == last, "project: P50 is the last release", p)


def check_generated_unknown(tmp):
    """--complete-by 2020 --end-year 2023: what is recorded after
    completion is previously unknown; its land adds up to the new land
    of 2021-2023."""
    gpkg = generate(tmp, "again", "--complete-by", "2020", "--end-year",
                    "2023")
    out = os.path.join(tmp, "again")
    run("analyze", gpkg, "--out", out, "--quiet")
    t = by_id(os.path.join(out, "completion_by_region.csv"))["TOTAL"]
    u = rows(os.path.join(out, "previously_unknown.csv"))
    db = sqlite3.connect(gpkg)
    later = {h for h, d in db.execute(
        "SELECT hazard_id, recorded_date FROM hazards")
        if d > t["completed_on"]}
    ok(t["completed_on"] == "2020-12-31" and len(u) > 0 and
       {x["hazard_id"] for x in u} <= later,
       f"completion on 2020-12-31; {len(u)} areas flagged, each recorded "
       "after it (from the GeoPackage)", t)
    land = sum(float(x["recorded_m2"]) for x in u)
    want = year_sums(out, "new_m2", {2021, 2022, 2023})
    ok(abs(land - want) < 0.01 * len(u) + 0.01,
       f"their land adds up to the new land of 2021-2023 "
       f"({land:.2f} = {want:.2f})")
    left = sum(float(x["remaining_m2"]) for x in u)
    rem = float(by_id(os.path.join(out, "remaining_by_region.csv"))
                ["TOTAL"]["total_m2"])
    ok(abs(left - rem) < 0.01 * len(u) + 0.01 and
       (t["status"] == "not_complete") == (rem > 0),
       "what they still hold is the national remaining, and the country "
       "is complete only without it", (left, rem, t["status"]))


def main():
    tmp = tempfile.mkdtemp(prefix="lr-completion-")
    check_fixture_complete(tmp)
    check_fixture_unknown(tmp)
    check_fixture_incomplete(tmp)
    check_generated_complete(tmp)
    check_generated_unknown(tmp)
    shutil.rmtree(tmp)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
