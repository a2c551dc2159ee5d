#!/usr/bin/env python3
"""landrelease report end to end (TAP output).

analyze, project and plan on a generated dataset, then report: every output
opens, and its figures are the figures of the CSV tables (TOTAL rows,
national sums), the HTML is self-contained, the GeoPackage's remaining land
is the national remaining, and planned versus achieved is right for a row
computed by hand.  The HTML as Chromium draws it (tests/render.py) and a
workbook as previous plan (LibreOffice) are skipped when those programs
are absent.
"""
import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

import pngread
import render
import tap
from tap import ok, skip
from decimal import Decimal

BUILD = os.environ.get("LR_BUILD_DIR", "build")
LR = os.path.join(BUILD, "cli", "landrelease")
GEN = os.path.join(BUILD, "data", "lr-generate")






def run(*args):
    return subprocess.run([LR, *args], capture_output=True, text=True)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def thousands(d):
    """Decimal('2813778.69') -> '2,813,778.69' as the reports print it."""
    return f"{d:,.2f}"


def xlsx_numbers(book, sheet):
    """Numeric cell values of one sheet (cells without a t= attribute)."""
    xml = book.read(sheet).decode()
    return [Decimal(v) for v in
            re.findall(r'<c r="[A-Z]+\d+"(?: s="\d+")?><v>([^<]+)</v>', xml)]


def area_cells(j, unit):
    """{(table, row index, column key without its unit): value} of the
    area columns of a request_tables.json whose type is unit (m2, km2 or
    ha)."""
    got = {}
    for t in j["tables"]:
        keys = [(c["key"], c["type"]) for c in t["columns"]]
        for i, row in enumerate(t["rows"] + t["totals"]):
            for k, ty in keys:
                if ty == unit and row[k] is not None:
                    base = re.sub(r"_(m2|km2|ha)", "", k, count=1)
                    got[(t["id"], i, base)] = Decimal(str(row[k]))
    return got


def check_km2(out, tmp):
    """Default unit km²: every area of every table is the m² figure over
    10^6 to two decimals; hectares over 10^4; the CSVs stay in m²."""
    run("report", out, "--format", "json", "--unit", "m2")
    m2 = area_cells(json.load(open(os.path.join(out, "request_tables.json"))),
                    "m2")
    r = run("report", out, "--format", "json,md,html")
    ok(r.returncode == 0, "report in km² (the default): exit 0", r.stderr)
    j = json.load(open(os.path.join(out, "request_tables.json")))
    km2 = area_cells(j, "km2")
    bad = [(k, v, km2.get(k)) for k, v in m2.items()
           if km2.get(k) is None or
           abs(km2[k] - v / Decimal(10**6)) > Decimal("0.005")]
    ok(j["area_unit"] == "km²" and len(km2) == len(m2) > 50 and not bad,
       f"json: all {len(m2)} area cells in km² = m² / 10^6 to 0.005",
       bad[:5])
    cols = [(t["id"], c["key"], c["unit"]) for t in j["tables"]
            for c in t["columns"]]
    ok(not [c for c in cols if re.search(r"_m2(_|$)", c[1]) or
            re.search(r"(?<!k)m²", c[2])],
       "json: no column left in m² (keys and units)", cols)
    rem = read_csv(os.path.join(out, "remaining_by_region.csv"))
    total = Decimal(next(x for x in rem if x["region_id"] == "TOTAL")
                    ["total_m2"])
    km = (total / Decimal(10**6)).quantize(Decimal("0.01"))
    md = open(os.path.join(out, "request_tables.md")).read()
    html = open(os.path.join(out, "report.html")).read()
    ok(f"**{km:,}**" in md and "Total area (km²)" in md,
       f"md: the national remaining as {km:,} km²")
    ok(f"{km:,} km² of hazardous land remaining" in html,
       "html: the summary gives the national remaining in km²", km)
    left = re.findall(r".{30}(?<!k)m².{10}", md.replace("at least 1 m²", ""))
    ok(not left, "md: no m² figure left", left[:3])
    run("report", out, "--format", "json", "--unit", "ha")
    ha = area_cells(json.load(open(os.path.join(out,
                                                "request_tables.json"))),
                    "ha")
    bad = [k for k, v in m2.items()
           if abs(ha[k] - v / Decimal(10**4)) > Decimal("0.005")]
    ok(not bad, "--unit ha: every area cell is m² / 10^4", bad[:5])
    r = run("report", out, "--unit", "acres")
    ok(r.returncode == 2 and "acres" in r.stderr,
       "--unit acres: exit 2 naming it", r.stderr)


def printed_counts(stdout):
    """{layer: (read, accepted, repaired, rejected)} from analyze's table."""
    return {m[0]: tuple(int(x) for x in m[1:]) for m in
            re.findall(r"^  (regions|hazards|releases) +(\d+) +(\d+) +(\d+) "
                       r"+(\d+)$", stdout, re.M)}


def check_quality(out, analyze_stdout, tmp):
    """The data-quality statement and annex against what analyze printed
    and data_quality.csv, counted here; a constant recorded date is named
    and qualifies table 3."""
    r = run("report", out, "--format", "json,md,html")
    j = json.load(open(os.path.join(out, "request_tables.json")))
    t = {x["id"]: x for x in j["tables"]}
    printed = printed_counts(analyze_stdout)
    rows = {x["layer"]: (x["read"], x["accepted"], x["repaired"],
                         x["rejected"])
            for x in t["data_quality_layers"]["rows"]}
    ok(len(printed) == 3 and rows == printed,
       "annex A1: read, accepted, repaired, rejected as analyze printed",
       (rows, printed))
    dq = read_csv(os.path.join(out, "data_quality.csv"))
    want = {}
    for x in dq:
        want[x["code"]] = want.get(x["code"], 0) + 1
    got = {}
    for x in t["data_quality_findings"]["rows"]:
        got[x["code"]] = got.get(x["code"], 0) + x["findings"]
    ok(got == want and len(want) >= 3,
       "annex A2: findings per code sum to data_quality.csv's rows",
       (got, want))
    hz = printed.get("hazards", (0, 0, 0, 0))
    rejected = [s for s in j["data_quality"] if s.startswith("Layer hazards")]
    ok(rejected and f"{hz[0]:,} features read" in rejected[0] and
       (f"{hz[3]:,} rejected" in rejected[0] if hz[3] else
        "none rejected" in rejected[0]),
       "statement: hazards read and rejected as analyze printed", rejected)
    twice = sum(1 for x in dq if x["code"] == "release_repeats_release")
    html = open(os.path.join(out, "report.html")).read()
    ok(f"land released twice: {twice:,} finding" in html and twice > 0 and
       html.index("Data quality") < html.index("<h2>Summary"),
       f"html: the statement before the summary, {twice} released twice")
    md = open(os.path.join(out, "request_tables.md")).read()
    ok(md.count("\n## Annex A") == 2, "md: two data-quality annexes")
    ok(not [x for x in j["data_quality"] if "One value on every" in x],
       "generated data: no field named as constant")

    # The same data with every hazard recorded on one date by the mapping.
    mapping = os.path.join(tmp, "constant_date.ini")
    with open(mapping, "w") as f:
        f.write("[hazards]\nconstant.recorded_date = 2004-06-30\n")
    cout = os.path.join(tmp, "constant")
    r = run("analyze", os.path.join(tmp, "national.gpkg"), "--map", mapping,
            "--out", cout, "--quiet")
    r = run("report", cout, "--format", "json")
    j = json.load(open(os.path.join(cout, "request_tables.json")))
    const = [x for x in j["data_quality"] if "One value on every" in x]
    t3 = next(x for x in j["tables"] if x["id"] == "new_contamination")
    ok(r.returncode == 0 and const and
       "hazards recorded_date = 2004-06-30" in const[0],
       "a constant recorded date is named in the statement", const)
    ok("stock of the snapshot, not contamination found that year" in
       t3["note"], "and qualifies table 3 under it", t3["note"])


# Colours of chart 1 on white: the P50 line, the P10-P90 band (alpha 0.25)
# and the SHA and CHA stock bars (alpha 0.55), as cairo blends them.
P50_RGB, BAND_RGB = (0x2b, 0x5c, 0x8a), (208, 224, 237)
SHA_RGB, CHA_RGB = (248, 193, 139), (233, 136, 137)


def chart_colours(out, tmp, name):
    """Pixels of the four colours in the plot of chart 1 (below its
    legend), drawn as a PNG of 1200 x 600."""
    run("report", out, "--format", "html", "--chart-png",
        os.path.join(tmp, name))
    img = pngread.read(os.path.join(tmp, name + "-remaining.png"))
    box = (60, 70, img[0], img[1] - 40)
    return [pngread.count_near(img, c, 8, box)
            for c in (P50_RGB, BAND_RGB, SHA_RGB, CHA_RGB)]


def check_chart_truth(out, tmp):
    """The projection is drawn only where it is finite, and the caption
    says what is drawn; the stocks by type are drawn."""
    comp = read_csv(os.path.join(out, "completion.csv"))
    nat = next(x for x in comp if x["region_id"] == "TOTAL")
    finite = all(nat[k] != "never" for k in ("p10_date", "p50_date",
                                              "p90_date"))
    p50, band, sha, cha = chart_colours(out, tmp, "finite")
    ok(finite and p50 > 50 and band > 1000 and sha > 1000 and cha > 1000,
       "chart 1: P50 line, P10-P90 band, SHA and CHA stocks drawn",
       (nat, p50, band, sha, cha))
    # The same folder with the national P50 and P90 never reached.
    never = os.path.join(tmp, "never")
    shutil.copytree(out, never)
    with open(os.path.join(never, "completion.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(comp[0].keys()))
        w.writeheader()
        for x in comp:
            if x["region_id"] == "TOTAL":
                x = dict(x, p50_date="never", p90_date="never")
            w.writerow(x)
    p50, band, sha, cha = chart_colours(never, tmp, "never")
    ok(p50 == 0 and band == 0 and sha > 1000,
       "chart 1 with P50 and P90 never: no P50 line, no band",
       (p50, band, sha))
    html = open(os.path.join(never, "report.html")).read()
    cap = re.search(r"<figcaption>([^<]*)", html).group(1)
    ok("Not drawn" in cap and "P50 never" in cap and
       "dashed line reaches zero" not in cap and "band runs" not in cap,
       "its caption says the percentiles never reached are not drawn", cap)
    first = int(read_csv(os.path.join(out, "release_by_year.csv"))[0]["year"])
    ok(f"{first} is the first year of the records" in cap,
       "the first year is described as a stock, not growth", cap)


CLASS_RGB = [(0xf4, 0xf4, 0xf4), (0xda, 0xda, 0xeb), (0xbc, 0xbd, 0xdc),
             (0x9e, 0x9a, 0xc8), (0x75, 0x6b, 0xb1)]


def quartile_classes(rem):
    """The map's classes computed here: nearest-rank quartiles of the
    regions holding land, as "lo - hi km² (n)"."""
    vals = sorted(Decimal(x["total_m2"]) for x in rem
                  if x["region_id"] not in ("TOTAL", "OUTSIDE") and
                  Decimal(x["total_m2"]) > 0)
    n = len(vals)
    brk = [vals[-(-k * n // 4) - 1] for k in (1, 2, 3, 4)]
    count = [0] * 4
    for v in vals:
        count[next(k for k in range(4) if v <= brk[k])] += 1
    lo = [Decimal(0)] + brk[:3]
    return [f"{lo[k] / 10**6:,.2f} - {brk[k] / 10**6:,.2f} km² ({count[k]})"
            for k in range(4)]


def check_map(out, tmp):
    """The map's classes are the quartiles of the regions' land, its named
    regions those holding most land; legend and scale bar are drawn."""
    r = run("report", out, "--format", "html", "--chart-png",
            os.path.join(tmp, "map"))
    html = open(os.path.join(out, "report.html")).read()
    cap = re.findall(r"<figcaption>([^<]*)", html)[2]
    rem = read_csv(os.path.join(out, "remaining_by_region.csv"))
    want = quartile_classes(rem)
    ok("; ".join(want) in cap, "map: classes are the quartiles of the "
       "regions holding land", (want, cap))
    top = sorted((x for x in rem if x["region_id"] not in ("TOTAL", "OUTSIDE")
                  and Decimal(x["total_m2"]) > 0),
                 key=lambda x: -Decimal(x["total_m2"]))[:8]
    names = ", ".join(x["region_name"] for x in top)
    ok(f"regions holding most land ({names})" in cap,
       "map: the eight regions holding most land are named", (names, cap))
    img = pngread.read(os.path.join(tmp, "map-map.png"))
    w, h = img[0], img[1]
    legend = [pngread.count_near(img, c, 2, (w - 250, 60, w, 200))
              for c in CLASS_RGB]
    ok(min(legend) >= 150, "map PNG: the five class swatches of the legend",
       legend)
    bar = (20, h - 50, w - 250, h - 40)
    dark = pngread.count_near(img, (0x22, 0x22, 0x22), 30, bar)
    white = pngread.count_near(img, (255, 255, 255), 2, bar)
    ok(dark >= 150 and white >= 150,
       "map PNG: a scale bar of dark and white segments", (dark, white))


def html_section(html, anchor):
    """The HTML from the element holding anchor to the next h2."""
    start = html.find(anchor)
    end = html.find("<h2", start + 1)
    return html[start:end if end >= 0 else len(html)] if start >= 0 else ""


def html_rows(section):
    """The cells of each body row of the table in section, as text."""
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        if cells:
            rows.append(cells)
    return rows


def check_levels(out):
    """Regions with parents: table 1 of the report's main body is by
    province, each province's row the sum of its districts as
    remaining_by_level.csv and release_by_year.csv give them; the summary
    speaks of provinces by name; annex C lists every district."""
    r = run("report", out, "--format", "html,json", "--unit", "m2")
    html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
    levels = read_csv(os.path.join(out, "remaining_by_level.csv"))
    j = json.load(open(os.path.join(out, "request_tables.json")))
    annex = next((t for t in j["tables"] if t["id"] == "remaining_by_level"),
                 {"rows": [], "total": {}})
    sums = {}
    for row in annex["rows"]:
        sums[row["level"]] = sums.get(row["level"], Decimal(0)) + \
            Decimal(str(row["total_m2"]))
    ok(len(annex["rows"]) == len(levels) - 1 and len(sums) >= 2 and
       all(v == Decimal(str(annex["total"]["total_m2"]))
           for v in sums.values()),
       "json: every level of the levels table adds up to its TOTAL",
       (sums, annex["total"]))
    leaf = max(int(x["level"]) for x in levels if x["level"])
    parent = {x["region_id"]: x["parent_id"] for x in levels
              if x["level"] == str(leaf)}
    provinces = sorted({p for p in parent.values()})
    want = {p: sum(Decimal(x["total_m2"]) for x in levels
                   if x["level"] == str(leaf) and x["parent_id"] == p)
            for p in provinces}
    new, released = {p: Decimal(0) for p in provinces}, \
        {p: Decimal(0) for p in provinces}
    for x in read_csv(os.path.join(out, "release_by_year.csv")):
        p = parent.get(x["region_id"])
        if p:
            new[p] += Decimal(x["new_m2"])
            released[p] += Decimal(x["released_m2"])
    rows = html_rows(html_section(html, 'id="remaining_by_level_top"'))
    # at the start, new, released, SHA, CHA, areas, remaining (m²), km²
    got = {x[0]: [Decimal(c.replace(",", "")) for c in x[2:]][:7]
           for x in rows}
    ok(r.returncode == 0 and sorted(k for k in got if k != "TOTAL") ==
       provinces and all(got[p][-1] == want[p] for p in provinces),
       f"table 1 by province: each of the {len(provinces)} provinces' "
       "remaining is the sum of its districts", (provinces, got, want))
    ok(all(got[p][1] == new[p] and got[p][2] == released[p] and
           got[p][0] + new[p] - released[p] == got[p][-1]
           for p in provinces),
       "table 1 by province: new and released are its districts' sums "
       "of release_by_year.csv; at the start + new - released = "
       "remaining to the cent")
    tot = read_csv(os.path.join(out, "remaining_by_region.csv"))
    nat = next(Decimal(x["total_m2"]) for x in tot if x["region_id"] ==
               "TOTAL")
    ok(got.get("TOTAL", [0])[-1] == nat == sum(want.values()),
       "table 1 by province: its TOTAL is the national remaining", nat)
    summary = html_section(html, "<h2>Summary")
    ok(all(p in summary for p in provinces) and
       not any(d in summary for d in parent),
       "the summary speaks of the provinces, not of district ids")
    annex = html_section(html, 'id="remaining_by_region"')
    ok('id="annex_c"' in html and all(d in annex for d in parent) and
       html.find('id="annex_c"') > html.find('id="release_by_year"'),
       "annex C, after the main body, lists every district")


def check_levels_baseline(tmp):
    """With a baseline, table 1's first column is each province's land at
    the baseline date: the sum of its districts in baseline_by_region.csv,
    and baseline + new - released = remaining to the cent."""
    data = os.path.join(tmp, "base.gpkg")
    out = os.path.join(tmp, "base")
    subprocess.run([GEN, "--out", data, "--seed", "4", "--hazards", "200",
                    "--regions", "12"], check=True, capture_output=True)
    r1 = run("analyze", data, "--out", out, "--baseline", "2012-06-30")
    r2 = run("report", out, "--format", "html", "--unit", "m2")
    html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
    levels = read_csv(os.path.join(out, "remaining_by_level.csv"))
    parent = {x["region_id"]: x["parent_id"] for x in levels
              if x["level"] == "2"}
    base = {}
    for x in read_csv(os.path.join(out, "baseline_by_region.csv")):
        p = parent.get(x["region_id"])
        if p:
            base[p] = base.get(p, Decimal(0)) + Decimal(x["total_m2"])
    section = html_section(html, 'id="remaining_by_level_top"')
    rows = html_rows(section)
    got = {x[0]: [Decimal(c.replace(",", "")) for c in x[2:]][:7]
           for x in rows}
    ok(r1.returncode == r2.returncode == 0 and "Baseline (m²)" in section
       and base and any(v > 0 for v in base.values()) and
       all(got.get(p, [None])[0] == v for p, v in base.items()) and
       all(v[0] + v[1] - v[2] == v[6] for v in got.values()),
       "with a baseline: table 1's baseline by province is the sum of its "
       "districts' baseline_by_region.csv; baseline + new - released = "
       "remaining", (base, got))


CONTAMINATION = ("ap_m2", "av_m2", "erw_m2", "mixed_m2")


def contamination_rows(out, unit, key):
    """Table 1b of request_tables.json in unit: {region: [AP, AV, ERW,
    mixed, total]} with the column keys in that unit."""
    run("report", out, "--format", "json", "--unit", unit)
    j = json.load(open(os.path.join(out, "request_tables.json")))
    t = next((x for x in j["tables"] if x["id"] ==
              "remaining_by_contamination"), {"rows": [], "totals": []})
    return {x["region_id"]: [Decimal(str(x[k.replace("_m2", key)]))
                             for k in CONTAMINATION + ("total_m2",)]
            for x in t["rows"] + t["totals"]}


def check_contamination(out, csv_name, label):
    """Table 1b lists the regions of table 1 (the top level of csv_name)
    and TOTAL: each row's AP, AV, ERW and mixed land is the CSV's, in m²
    to the cent and in km² to the hundredth, and AP + AV + ERW + mixed =
    total."""
    rows = [x for x in read_csv(os.path.join(out, csv_name))
            if x.get("level", "1") in ("1", "")]
    want = {x["region_id"]: [Decimal(x[k]) for k in
                             CONTAMINATION + ("total_m2",)] for x in rows}
    m2 = contamination_rows(out, "m2", "_m2")
    km2 = contamination_rows(out, "km2", "_km2")
    ok(m2 == want and len(want) >= 3,
       f"{label}: table 1b has the {len(want)} rows of {csv_name} (top "
       "level and TOTAL), every part to the cent", (sorted(m2), sorted(want)))
    ok(sorted(km2) == sorted(want) and
       all(abs(km2[k][i] - v[i] / 1000000) <= Decimal("0.005")
           for k, v in want.items() for i in range(5)),
       f"{label}: table 1b in km² is the CSV's m² / 10^6 (two decimals)",
       km2)
    ok(all(sum(v[:4]) == v[4] for v in want.values()) and
       all(sum(v[:4]) == v[4] for v in m2.values()) and
       any(v[3] > 0 for v in m2.values()),
       f"{label}: AP + AV + ERW + mixed = total in every row of table 1b, "
       "some land mixed", m2)


def check_contamination_flat(tmp):
    """Regions without parents: table 1b lists every region of
    remaining_by_region.csv."""
    data = os.path.join(tmp, "flat.gpkg")
    out = os.path.join(tmp, "flat")
    subprocess.run([GEN, "--out", data, "--seed", "5", "--hazards", "200",
                    "--regions", "9"], check=True, capture_output=True)
    with sqlite3.connect(data) as db:
        # The GeoPackage's triggers call SpatiaLite; the geometry is not
        # touched, so they can go.
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE "
                                  "type = 'trigger' AND tbl_name = "
                                  "'regions'").fetchall():
            db.execute(f'DROP TRIGGER "{name}"')
        db.execute("UPDATE regions SET parent_id = NULL")
    r = run("analyze", data, "--out", out)
    ok(r.returncode == 0 and not os.path.exists(
        os.path.join(out, "remaining_by_level.csv")),
       "regions without parents: analyze writes no levels", r.stderr)
    check_contamination(out, "remaining_by_region.csv", "without parents")


def check_reclassified(out):
    """Table 2's SHA reclassified as CHA and improvised AP mines are
    release_by_year.csv's TOTAL rows, year by year, and their sums."""
    run("report", out, "--format", "json", "--unit", "m2")
    j = json.load(open(os.path.join(out, "request_tables.json")))
    t = next(x for x in j["tables"] if x["id"] == "release_by_year")
    nat = [x for x in read_csv(os.path.join(out, "release_by_year.csv"))
           if x["region_id"] == "TOTAL"]
    want = {x["year"]: (Decimal(x["reclassified_m2"]),
                        int(x["ap_improvised_mines"])) for x in nat}
    got = {str(x["year"]): (Decimal(str(x["reclassified_m2"])),
                            x["ap_improvised_mines"]) for x in t["rows"]}
    total = t["total"]
    ok(got == want and any(v[0] > 0 for v in want.values()) and
       Decimal(str(total["reclassified_m2"])) ==
       sum(v[0] for v in want.values()) and
       total["ap_improvised_mines"] == sum(v[1] for v in want.values()),
       f"table 2: SHA reclassified as CHA in each of {len(want)} years and "
       "in total is release_by_year.csv's, to the cent; improvised AP "
       "mines too", (got, want, total))


def main():
    tmp = tempfile.mkdtemp(prefix="lr-report-")
    data = os.path.join(tmp, "national.gpkg")
    subprocess.run([GEN, "--out", data, "--seed", "11", "--hazards", "400",
                    "--regions", "12"], check=True, capture_output=True)
    out = os.path.join(tmp, "out")
    r = run("analyze", data, "--out", out)
    ok(r.returncode == 0, "analyze: exit 0", r.stderr)
    analyze_out = r.stdout
    rem = read_csv(os.path.join(out, "remaining_by_region.csv"))
    cents = int(Decimal(next(x for x in rem if x["region_id"] == "TOTAL")
                        ["total_m2"]) * 100)
    km = f"{(cents + 500000) // 1000000 / Decimal(100):.2f}"
    ok(f"remaining: {km} km2 (" in r.stdout,
       f"analyze prints the national remaining in km² ({km})", r.stdout)

    # Only the analysis: tables 5 and 6 are left out, with a note.
    r = run("report", out, "--format", "json,md")
    ok(r.returncode == 0, "report without project/plan: exit 0", r.stderr)
    j = json.load(open(os.path.join(out, "request_tables.json")))
    ids = [t["id"] for t in j["tables"]]
    ok(ids == ["remaining_by_region", "remaining_by_contamination",
               "release_by_year", "new_contamination",
               "data_quality_layers", "data_quality_findings", "form_c",
               "remaining_by_level"],
       "without project/plan: tables 1-3, the data-quality annex and "
       "every region level (the generated regions have parents)", ids)
    ok(any("completion" in s for s in j["notes"]) and
       any("work plan" in s for s in j["notes"]),
       "the omitted tables are named in the notes", j["notes"])
    ok("Table 5" in r.stderr, "and on stderr", r.stderr)

    r = run("project", out, "--deadline", "2030-12-31", "--runs", "2000")
    ok(r.returncode == 0, "project: exit 0", r.stderr)
    r = run("plan", out, "--target", "2030-12-31")
    ok(r.returncode == 0, "plan: exit 0", r.stderr)

    # Usage errors.
    ok(run("report").returncode == 2, "report without DIR: exit 2")
    r = run("report", out, "--format", "docx")
    ok(r.returncode == 2 and "docx" in r.stderr, "unknown format: exit 2", r.stderr)
    r = run("report", os.path.join(tmp, "nothing"))
    ok(r.returncode == 2 and "landrelease.sqlite" in r.stderr,
       "no store: exit 2 naming the store", r.stderr)
    r = run("report", out, "--previous-plan", os.path.join(tmp, "nope.csv"))
    ok(r.returncode == 2 and "nope.csv" in r.stderr,
       "missing previous plan: exit 2 naming it", r.stderr)

    check_km2(out, tmp)
    check_quality(out, analyze_out, tmp)
    check_levels(out)
    check_levels_baseline(tmp)
    check_contamination(out, "remaining_by_level.csv", "with parents")
    check_contamination_flat(tmp)
    check_reclassified(out)

    # The figures to the cent: the tables in m² as the CSVs.
    check_chart_truth(out, tmp)
    check_map(out, tmp)

    r = run("report", out, "--title", "Republic of Example: Article 5",
            "--unit", "m2")
    ok(r.returncode == 0, "report, all formats: exit 0", r.stderr)
    files = ["request_tables.xlsx", "request_tables.md", "request_tables.json",
             "report.html", "report.pdf", "remaining.gpkg"]
    ok(all(os.path.getsize(os.path.join(out, f)) > 0 for f in files),
       "every output written", os.listdir(out))

    rem = read_csv(os.path.join(out, "remaining_by_region.csv"))
    total = next(x for x in rem if x["region_id"] == "TOTAL")
    years = read_csv(os.path.join(out, "release_by_year.csv"))
    year_totals = [x for x in years if x["region_id"] == "TOTAL"]
    comp = read_csv(os.path.join(out, "completion.csv"))
    comp_total = next(x for x in comp if x["region_id"] == "TOTAL")

    # XLSX.
    book = zipfile.ZipFile(os.path.join(out, "request_tables.xlsx"))
    wb = book.read("xl/workbook.xml").decode()
    sheets = re.findall(r'<sheet name="([^"]+)"', wb)
    ok(sheets == ["1 Remaining", "1b Remaining by contamination",
                  "2 Released by year", "3 New contamination",
                  "5 Completion", "6 Work plan", "A1 Data quality",
                  "A2 Findings", "B Form C", "D Levels"],
       "xlsx: the workbook lists one sheet per table", sheets)
    nums = xlsx_numbers(book, "xl/worksheets/sheet1.xml")
    want = [Decimal(total[k]) for k in
            ("sha_count", "sha_m2", "cha_count", "cha_m2", "total_count",
             "total_m2")]
    ok(all(w in nums for w in want),
       "xlsx: sheet 1 holds the TOTAL figures as numbers", (want, nums[-12:]))
    styles = book.read("xl/styles.xml").decode()
    ok("#,##0.00" in styles and "<b/>" in styles,
       "xlsx: number formats and bold headers")
    ok("<cols>" in book.read("xl/worksheets/sheet1.xml").decode(),
       "xlsx: column widths set")
    strings = book.read("xl/sharedStrings.xml").decode()
    ok("As of: " in strings and "Scope: " in strings and "Source: " in strings
       and "Units: " in strings, "xlsx: as-of, scope, source and units stated")
    nums2 = xlsx_numbers(book, "xl/worksheets/sheet3.xml")
    released = sum(Decimal(x["released_m2"]) for x in year_totals)
    ok(released in nums2, "xlsx: sheet 2 holds the total released", released)

    # JSON.
    j = json.load(open(os.path.join(out, "request_tables.json")))
    t = {x["id"]: x for x in j["tables"]}
    jt = t["remaining_by_region"]["total"]
    ok(all(Decimal(str(jt[k])) == Decimal(total[k]) for k in
           ("sha_count", "sha_m2", "cha_count", "cha_m2", "total_count",
            "total_m2")),
       "json: remaining TOTAL equals the CSV TOTAL", (jt, total))
    jr = t["release_by_year"]["total"]
    ok(all(Decimal(str(jr[k])) == sum(Decimal(x[k]) for x in year_totals)
           for k in ("cancelled_m2", "reduced_m2", "cleared_m2",
                     "released_m2", "ap_mines", "av_mines", "erw")),
       "json: released over all years equals the sum of the CSV TOTAL rows",
       jr)
    jn = t["new_contamination"]["total"]
    ok(Decimal(str(jn["total_m2"])) == sum(Decimal(x["new_m2"])
                                           for x in year_totals),
       "json: new contamination total equals the CSV", jn)
    jc = t["completion"]["total"]
    ok(Decimal(str(jc["remaining_m2"])) == Decimal(comp_total["remaining_m2"])
       and jc["p50_date"] == comp_total["p50_date"],
       "json: completion TOTAL equals completion.csv", (jc, comp_total))
    ok(j["as_of"] and j["scope"] and j["sources"]["hazards"] and
       all(x["units"] and x["source"] and x["as_of"] for x in j["tables"]),
       "json: every table states as-of, scope, units and source")
    wp = read_csv(os.path.join(out, "workplan.csv"))
    ok(len(t["workplan"]["rows"]) + len(t["workplan"]["totals"]) == len(wp),
       "json: every work plan row", len(wp))

    # Form C: every area of form_c.csv, to the cent, adding up to the
    # national remaining.
    fc = read_csv(os.path.join(out, "form_c.csv"))
    jf = t["form_c"]
    same = [(a["hazard_id"], Decimal(a["remaining_m2"]),
             Decimal(b["remaining_m2"])) for a, b in zip(fc, jf["rows"])
            if a["hazard_id"] != b["hazard_id"] or
            Decimal(a["remaining_m2"]) != Decimal(str(b["remaining_m2"])) or
            a["type"] != b["type"]]
    ok(len(jf["rows"]) == len(fc) > 50 and not same,
       f"json: annex B lists the {len(fc)} areas of form_c.csv", same[:3])
    ok(Decimal(str(jf["total"]["remaining_m2"])) == Decimal(total["total_m2"])
       == sum(Decimal(x["remaining_m2"]) for x in fc),
       "json: annex B adds up to the national remaining, to the cent",
       (jf["total"], total["total_m2"]))

    # Markdown.
    md = open(os.path.join(out, "request_tables.md")).read()
    ok(f"| **TOTAL** | **National total** |" in md and
       f"**{thousands(Decimal(total['total_m2']))}**" in md,
       "md: table 1 has the TOTAL row with the national remaining")
    ok(md.count("**TOTAL**") >= 4 and md.count("\n## Table") == 6 and
       "\n## Annex B. Article 7 Form C" in md,
       "md: TOTAL rows in every table, one section per table")

    # HTML.
    html = open(os.path.join(out, "report.html")).read()
    ok(not re.search(r"https?://", html), "html: no http(s):// reference",
       re.findall(r"https?://\S{0,40}", html)[:3])
    ok(not re.search(r"<(script|link|img)\b", html),
       "html: no script, link or img element")
    ok(html.count("<svg") >= 3, "html: at least three inline SVG charts",
       html.count("<svg"))
    ok(thousands(Decimal(total["total_m2"])) in html and
       "Republic of Example" in html, "html: national total and the title")
    ids = re.findall(r' id="([^"]+)"', html)
    ok(len(ids) == len(set(ids)), "html: element ids are unique",
       [i for i in ids if ids.count(i) > 1][:5])

    # PDF.
    pdf = open(os.path.join(out, "report.pdf"), "rb").read()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    ok(pdf.startswith(b"%PDF") and pages >= 5, "pdf: a PDF of several pages",
       pages)

    # GeoPackage.
    gpkg = os.path.join(out, "remaining.gpkg")
    if shutil.which("ogrinfo"):
        r = subprocess.run(["ogrinfo", "-ro", "-so", gpkg], capture_output=True,
                           text=True)
        ok(r.returncode == 0 and "remaining_hazards" in r.stdout and
           "released_land" in r.stdout, "gpkg: opens with ogrinfo, two layers",
           r.stdout + r.stderr)
        r = subprocess.run(["ogrinfo", "-ro", "-q", "-dialect", "SQLite", gpkg,
                            "-sql", "SELECT sum(remaining_m2) AS s, "
                            "sum(ST_Area(geom, 1)) AS g FROM remaining_hazards"],
                           capture_output=True, text=True)
        s = re.search(r"\bs \(Real\) = ([0-9.e+]+)", r.stdout)
        g = re.search(r"\bg \(Real\) = ([0-9.e+]+)", r.stdout)
        nat = float(total["total_m2"])
        ok(s and abs(float(s.group(1)) - nat) <= 0.01,
           "gpkg: remaining_m2 sums to the national remaining", r.stdout)
        ok(g and abs(float(g.group(1)) - nat) <= 0.001 * nat,
           "gpkg: geodesic area of the remaining layer within 0.1% of it",
           r.stdout)
        r = subprocess.run(["ogrinfo", "-ro", "-q", gpkg, "-sql",
                            "SELECT f_table_name, styleQML FROM layer_styles"],
                           capture_output=True, text=True)
        ok("remaining_hazards" in r.stdout and "242,142,43" in r.stdout and
           "214,39,40" in r.stdout and "released_land" in r.stdout,
           "gpkg: QGIS styles (SHA orange, CHA red, released green)")
        r = subprocess.run(["ogrinfo", "-ro", "-q", gpkg, "-sql",
                            "SELECT year, sum(released_m2) AS s FROM "
                            "released_land GROUP BY year ORDER BY year"],
                           capture_output=True, text=True)
        got = dict(re.findall(r"year \(Integer\) = (\d+)\s+s \(Real\) = "
                              r"([0-9.e+]+)", r.stdout))
        bad = [x["year"] for x in year_totals
               if abs(float(got.get(x["year"], 0)) -
                      float(x["released_m2"])) > 0.01]
        ok(not bad, "gpkg: released land per year equals release_by_year",
           bad)
        # Form C as points: one per row of form_c.csv, at its lon/lat, on
        # the remaining land of its own hazard.
        fc = {x["hazard_id"]: x for x in
              read_csv(os.path.join(out, "form_c.csv"))}
        r = subprocess.run(["ogrinfo", "-ro", "-q", "-dialect", "SQLite", gpkg,
                            "-sql", "SELECT f.hazard_id AS h, "
                            "printf('%.6f', ST_X(f.geom)) AS x, "
                            "printf('%.6f', ST_Y(f.geom)) AS y, "
                            "f.remaining_m2 AS m, (SELECT count(*) FROM "
                            "remaining_hazards r WHERE r.hazard_id = "
                            "f.hazard_id AND ST_Intersects(r.geom, f.geom)) "
                            "AS n FROM form_c f"],
                           capture_output=True, text=True)
        pts = re.findall(r"h \(String\) = (.*)\n\s+x \(String\) = (\S+)\n"
                         r"\s+y \(String\) = (\S+)\n\s+m \(Real\) = (\S+)\n"
                         r"\s+n \(Integer\) = (\d+)", r.stdout)
        ok(len(pts) == len(fc) > 0 and
           all(h in fc and fc[h]["lon"] == x and fc[h]["lat"] == y
               for h, x, y, m, n in pts),
           "gpkg: form_c, one point per row of form_c.csv at its lon/lat",
           (len(pts), len(fc), r.stderr))
        ok(pts and all(int(n) >= 1 for h, x, y, m, n in pts),
           "gpkg: each Form C point lies on its hazard's remaining land",
           [h for h, x, y, m, n in pts if int(n) < 1][:5])
        ok(pts and abs(sum(float(m) for *_, m, n in pts) - nat) <= 0.01,
           "gpkg: form_c's remaining_m2 adds up to the national remaining")
    else:
        for _ in range(8):
            skip("gpkg checks", "ogrinfo (gdal-bin) not installed")

    # Planned versus achieved, for a row computed by hand.
    ay = int(j["as_of"][:4])
    y = ay - 1
    row = next(x for x in years if x["year"] == str(y) and
               x["region_id"] != "TOTAL" and Decimal(x["released_m2"]) > 0)
    region = row["region_id"]
    achieved = Decimal(row["released_m2"])
    national = next(Decimal(x["released_m2"]) for x in year_totals
                    if x["year"] == str(y))
    plan = os.path.join(tmp, "previous_plan.csv")
    with open(plan, "w") as f:
        f.write("year,region_id,cancel_m2,reduce_m2,clear_m2,release_m2\n")
        f.write(f"{y},{region},0,0,1000.00,1000.00\n")
        f.write(f"{y},TOTAL,0,0,5000.00,5000.00\n")
        f.write(f"{ay + 2},{region},0,0,10,10\n")
    r = run("report", out, "--format", "json,md", "--previous-plan", plan,
            "--unit", "m2")
    ok(r.returncode == 0, "report --previous-plan: exit 0", r.stderr)
    j = json.load(open(os.path.join(out, "request_tables.json")))
    t4 = next((x for x in j["tables"] if x["id"] == "planned_vs_achieved"), None)
    ok(t4 is not None, "table 4 present with --previous-plan")
    if t4:
        pr = next(x for x in t4["rows"] if x["region_id"] == region)
        diff = achieved - Decimal("1000.00")
        pct = (achieved / Decimal("1000.00") * 100).quantize(Decimal("0.01"))
        ok(pr["year"] == y and Decimal(str(pr["planned_m2"])) == 1000 and
           Decimal(str(pr["achieved_m2"])) == achieved and
           Decimal(str(pr["difference_m2"])) == diff and
           Decimal(str(pr["achieved_pct"])) == pct,
           f"planned vs achieved {region} {y}: difference {diff}, {pct}%", pr)
        tr = t4["totals"][0]
        ok(Decimal(str(tr["achieved_m2"])) == national and
           Decimal(str(tr["difference_m2"])) == national - 5000,
           "planned vs achieved: national row of the year", tr)
        ok("not yet due" in t4["note"], "plan years still ahead are named",
           t4["note"])
    md = open(os.path.join(out, "request_tables.md")).read()
    ok("## Table 4. Planned versus achieved" in md, "md: table 4")
    bad = os.path.join(tmp, "bad_plan.csv")
    with open(bad, "w") as f:
        f.write("year,district,amount\n2020,D1,5\n")
    r = run("report", out, "--format", "md", "--previous-plan", bad)
    ok(r.returncode == 2 and "release_m2" in r.stderr,
       "previous plan without the columns: exit 2 naming them", r.stderr)

    # A spreadsheet's CSV export: a byte-order mark, CRLF line ends,
    # quoted fields holding commas and doubled quotes, a blank line and
    # spaces around fields.
    messy = os.path.join(tmp, "messy_plan.csv")
    with open(messy, "w", newline="", encoding="utf-8") as f:
        f.write("\ufeffyear,region_id,release_m2,comment\r\n")
        f.write(f' {y} ,"{region}","1,000.00","a ""first"", pass"\r\n')
        f.write("\r\n")
        f.write(f"{y},TOTAL,5000.00,\r\n")
    r = run("report", out, "--format", "json", "--previous-plan", messy,
            "--unit", "m2")
    j = json.load(open(os.path.join(out, "request_tables.json")))
    t4 = next((x for x in j["tables"] if x["id"] == "planned_vs_achieved"),
              {"rows": [], "totals": []})
    pr = next((x for x in t4["rows"] if x["region_id"] == region), {})
    ok(r.returncode == 0 and pr.get("year") == y and
       Decimal(str(pr.get("planned_m2", "nan"))) == 1000 and
       Decimal(str(pr.get("difference_m2", "nan"))) == diff and
       len(t4["rows"]) + len(t4["totals"]) == 3,
       "a spreadsheet's CSV export as previous plan reads the same", (pr, r.stderr))

    # An output that cannot be replaced (a folder in its place): exit 1
    # naming it, and no temporary file or journal left in the folder.
    for name, fmt in (("request_tables.md", "md"),
                      ("request_tables.xlsx", "xlsx")):
        target = os.path.join(out, name)
        if os.path.exists(target):
            os.remove(target)
        os.mkdir(target)
        before = sorted(os.listdir(out))
        r = run("report", out, "--format", fmt)
        after = sorted(os.listdir(out))
        os.rmdir(target)
        ok(r.returncode == 1 and name in r.stderr and after == before,
           f"{fmt}: an output that cannot be replaced fails cleanly",
           (r.returncode, r.stderr, sorted(set(after) ^ set(before))))

    # Same inputs, same files.
    r = run("report", out, "--format", "md,json,html", "--previous-plan", plan)
    keep = {f: open(os.path.join(out, f), "rb").read() for f in
            ("request_tables.md", "request_tables.json", "report.html")}
    r = run("report", out, "--format", "md,json,html", "--previous-plan", plan)
    ok(r.returncode == 0 and all(
        open(os.path.join(out, f), "rb").read() == v for f, v in keep.items()),
        "md, json and html are identical from run to run")

    # A store with a table missing: a clean error naming the store and the
    # table, from the store's reader.
    for table, fmt in (("release_by_year", "md"), ("faces", "gpkg")):
        broken = os.path.join(tmp, "broken_" + table)
        os.makedirs(broken)
        store = os.path.join(broken, "landrelease.sqlite")
        shutil.copy(os.path.join(out, "landrelease.sqlite"), store)
        subprocess.run(["sqlite3", store, f"DROP TABLE {table}"],
                       check=True, capture_output=True)
        r = run("report", broken, "--format", fmt)
        ok(r.returncode == 2 and store in r.stderr and
           f"cannot read {table}" in r.stderr,
           f"a store without {table}: exit 2 naming it", r.stderr)

    # LibreOffice: a workbook as previous plan (test_xlsx_readback.py reads
    # the request workbook back).
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        conv = os.path.join(tmp, "conv")
        env = dict(os.environ, HOME=tmp)
        subprocess.run([soffice, "--headless", "--convert-to", "xlsx",
                        "--outdir", conv, plan], capture_output=True,
                       env=env, timeout=180)
        xplan = os.path.join(conv, "previous_plan.xlsx")
        r = run("report", out, "--format", "json", "--previous-plan", xplan,
                "--unit", "m2")
        j = json.load(open(os.path.join(out, "request_tables.json")))
        t4 = next((x for x in j["tables"] if x["id"] == "planned_vs_achieved"),
                  {"rows": []})
        pr = next((x for x in t4["rows"] if x["region_id"] == region), {})
        ok(r.returncode == 0 and
           Decimal(str(pr.get("difference_m2", "nan"))) == diff,
           "an XLSX previous plan gives the same difference", r.stderr)
    else:
        skip("an XLSX previous plan", "soffice not installed")

    # Chromium: the page as a reader sees it (tests/render.py).
    render.check_html(out, tmp, "generated")

    shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
