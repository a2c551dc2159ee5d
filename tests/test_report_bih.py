#!/usr/bin/env python3
"""landrelease report on the real Bosnia and Herzegovina snapshot (TAP).

analyze with maps/bih-snapshot.ini, then report: the figures a reader of
the HTML and the PDF sees are the ones analyze measured (the rejected
hazards, the national remaining in km²), the data-quality statement names
the fields the mapping made constant, and the summary's prose names
regions, never their ids.  Skipped with a message where the shared data
(LR_SHARED_DATA, ../shared/data/real) is absent.
"""
import csv
import os
import random
import re
import sqlite3
import struct
import subprocess
import sys
import tempfile
import shutil
from decimal import Decimal

import pngread
import render
import tap
from tap import ok, skip

BUILD = os.environ.get("LR_BUILD_DIR", "build")
SRC = os.environ.get("LR_SOURCE_DIR", ".")
LR = os.path.join(BUILD, "cli", "landrelease")
REAL = os.environ.get("LR_SHARED_DATA", "")
BIH = os.path.join(REAL, "bih")


def run(*args):
    return subprocess.run([LR, *args], capture_output=True, text=True)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def section(html, heading):
    """The HTML from the h2 holding heading to the next h2."""
    start = html.find(heading)
    end = html.find("<h2", start + 1)
    return html[start:end] if start >= 0 else ""


def check_screen(out, tmp):
    """The HTML as a person sees it (render.py: not blank, chart 1, the
    map's legend and scale bar), and the first chart's SHA stock within
    the first 3000 pixels, not thousands of pixels down."""
    img = render.check_html(out, tmp, "BiH")
    if img is None:
        return
    top = (0, 0, img[0], 1500)  # 3000 CSS pixels drawn at half scale
    sha = pngread.count_near(img, render.SHA_STOCK_RGB, 10, top)
    ok(sha > 100, "html rendered: the first chart is within the first 3000 "
       "pixels", sha)


def table_rows(html):
    """The body rows of the first table in html, as lists of cell texts."""
    cells = re.findall(r"<tr[^>]*>(.*?)</tr>", html)
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", c) for c in cells]
    return [x for x in rows if x]


def km2_of(cell):
    return Decimal(cell.replace(",", ""))


def check_pdf_pages(out):
    """The PDF as pdftotext reads it: the main body (up to annex A1, where
    the annexes start) within about 10 pages, the whole within 20."""
    if not shutil.which("pdftotext"):
        skip("pdf pages counted", "pdftotext (poppler-utils) not installed")
        return
    text = subprocess.run(["pdftotext", "-layout",
                           os.path.join(out, "report.pdf"), "-"],
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    pages = pages[:-1] if pages and not pages[-1].strip() else pages
    annex = next((i + 1 for i, p in enumerate(pages)
                  if re.search(r"^Annex A1\.", p, re.M)), None)
    ok(annex is not None and annex - 1 <= 10 and len(pages) <= 20,
       f"pdf: the main body on {annex and annex - 1} pages (annex A1 on "
       f"page {annex}), {len(pages)} pages in all", (annex, len(pages)))
    # A heading at the top of a page follows the form feed.
    ok(re.search(r"^\f?Annex C\. Every region$", text, re.M) and
       re.search(r"^\f?Annex D\. Land at every region level$", text, re.M),
       "pdf: annex C (every municipality) and annex D (the cantons) "
       "are headed as annexes")


def check_own_pack(out, tmp):
    """The pack of a one-year snapshot with a work plan checks clean: its
    one-year table of new land is a flow, and a workbook's tiny km² cells
    in scientific notation are numbers."""
    hist = os.path.join(SRC, "tests", "fixtures", "history",
                        "bih_landmine_monitor.csv")
    r1 = run("project", out, "--deadline", "2027-03-01", "--history", hist)
    r2 = run("plan", out, "--target", "2027-03-01", "--history", hist)
    r3 = run("report", out)
    r = run("check", os.path.join(out, "request_tables.xlsx"), "--out",
            os.path.join(tmp, "check"))
    ok(r1.returncode == r2.returncode == r3.returncode == 0 and
       r.returncode == 0 and
       re.search(r"^0 errors,", r.stdout + r.stderr, re.M),
       "check of the BiH pack with its work plan: exit 0, no error",
       (r1.stderr + r2.stderr + r3.stderr)[-500:] + r.stdout[-1500:] +
       r.stderr[-500:])


def spatialite_mbrs(db, table):
    """(rowid, xmin, xmax, ymin, ymax) of every geometry of table, read
    from the MBR in SpatiaLite's blob header (bytes 6-37, little-endian
    minx, miny, maxx, maxy)."""
    out = []
    for rowid, blob in db.execute(
            f"SELECT rowid, geometry FROM {table} WHERE geometry IS NOT NULL"):
        x0, y0, x1, y1 = struct.unpack_from("<4d", blob, 6)
        out.append((rowid, x0, x1, y0, y1))
    return out


def check_store_indexes(out):
    """The store's four R*Tree indexes on real data: SQLite's rtreecheck
    passes; they hold the rows an R*Tree SQLite builds from the
    geometries' MBRs holds; 500 random windows find through each tree the
    rows a scan of its boxes finds, and every row whose MBR meets the
    window."""
    db = sqlite3.connect(os.path.join(out, "landrelease.sqlite"))
    checked, apart, missed, found = 0, 0, 0, 0
    rnd = random.Random(17)
    for t in ("regions", "hazards", "releases", "faces"):
        idx = f"idx_{t}_geometry"
        checked += db.execute(f"SELECT rtreecheck('{idx}')").fetchone()[0] \
            == "ok"
        mbrs = spatialite_mbrs(db, t)
        db.execute("CREATE VIRTUAL TABLE temp.chk USING "
                   "rtree(pkid, xmin, xmax, ymin, ymax)")
        db.executemany("INSERT INTO temp.chk VALUES(?, ?, ?, ?, ?)", mbrs)
        apart += db.execute(
            f"SELECT (SELECT count(*) FROM (SELECT * FROM {idx} EXCEPT "
            f"SELECT * FROM temp.chk)) + (SELECT count(*) FROM (SELECT * "
            f"FROM temp.chk EXCEPT SELECT * FROM {idx}))").fetchone()[0]
        db.execute("DROP TABLE temp.chk")
        boxes = db.execute(f"SELECT * FROM {idx}").fetchall()
        x0 = min(b[1] for b in boxes)
        x1 = max(b[2] for b in boxes)
        y0 = min(b[3] for b in boxes)
        y1 = max(b[4] for b in boxes)
        for q in range(500):
            side = 0 if q % 4 == 0 else rnd.uniform(0, 0.2)
            a = x0 + rnd.random() * (x1 - x0)
            c = y0 + rnd.random() * (y1 - y0)
            b, d = a + side * (x1 - x0), c + side * (y1 - y0)
            tree = {r[0] for r in db.execute(
                f"SELECT pkid FROM {idx} WHERE xmin <= ? AND xmax >= ? AND "
                "ymin <= ? AND ymax >= ?", (b, a, d, c))}
            scan = {r[0] for r in boxes
                    if r[1] <= b and r[2] >= a and r[3] <= d and r[4] >= c}
            exact = {r[0] for r in mbrs
                     if r[1] <= b and r[2] >= a and r[3] <= d and r[4] >= c}
            apart += len(tree ^ scan)
            missed += len(exact - tree)
            found += len(exact)
    db.close()
    ok(checked == 4 and apart == 0 and missed == 0 and found > 0,
       "BiH store: its 4 spatial indexes pass rtreecheck, hold the rows "
       "SQLite's R*Tree holds when built from the geometries' MBRs, and "
       "answer 2,000 random windows as scans of their boxes do, missing "
       f"none of the {found} rows whose MBR meets them",
       (checked, apart, missed))


def main():
    if not os.path.exists(os.path.join(BIH, "suspect_areas_simplyfied.geojson")):
        skip("report on the real BiH data",
             f"the real BiH data ({BIH or '../shared/data/real/bih'}) "
             "is not here")
        return tap.done()
    tmp = tempfile.mkdtemp(prefix="lr-report-bih-")
    out = os.path.join(tmp, "bih")
    r = run("analyze", "--map", os.path.join(SRC, "maps", "bih-snapshot.ini"),
            "--regions", os.path.join(BIH, "geoBoundaries-BIH-ADM3.geojson"),
            "--hazards", os.path.join(BIH, "suspect_areas_simplyfied.geojson"),
            "--releases", os.path.join(BIH, "cleared_areas_simplyfied.geojson"),
            "--out", out, "--threads", "2")
    ok(r.returncode == 0, "analyze BiH: exit 0", r.stderr[-2000:])
    check_store_indexes(out)
    counts = re.search(r"^  hazards +(\d+) +(\d+) +(\d+) +(\d+)$", r.stdout,
                       re.M)
    read, _, _, rejected = (int(x) for x in counts.groups()) if counts \
        else (0, 0, 0, 0)
    rem = read_csv(os.path.join(out, "remaining_by_region.csv"))
    total = Decimal(next(x for x in rem if x["region_id"] == "TOTAL")
                    ["total_m2"])
    km2 = f"{(total / Decimal(10**6)).quantize(Decimal('0.01')):,}"
    ok(f"remaining: {km2} km2" in r.stdout,
       f"analyze prints the remaining land in km² ({km2})", r.stdout)

    r = run("report", out)
    ok(r.returncode == 0, "report BiH, every format: exit 0", r.stderr)
    html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
    quality = section(html, "Data quality</h2>")
    ok(rejected > 1000 and f"{read:,} features read" in quality and
       f"{rejected:,} rejected" in quality,
       f"html: the statement gives the {rejected:,} of {read:,} hazards "
       "rejected", quality[:600])
    ok("hazards recorded_date = 2023-12-31" in quality and
       "releases release_date = 2023-12-30" in quality,
       "html: the dates the mapping made constant are named")
    summary = section(html, "<h2>Summary")
    ok(f"{km2} km² of hazardous land remaining" in summary,
       f"html: the summary gives {km2} km² remaining", summary[:300])
    ids = [x["region_id"] for x in rem
           if x["region_id"] not in ("TOTAL", "OUTSIDE")]
    named = [i for i in ids if i in summary]
    ok(len(ids) > 100 and not named,
       f"html: no region id among {len(ids)} in the summary's prose",
       named[:5])
    levels = read_csv(os.path.join(out, "remaining_by_level.csv"))
    entities = [x for x in levels if x["level"] == "1" and
                x["region_id"] != "OUTSIDE"]
    ok(sorted(x["region_name"] for x in entities) ==
       ["Brčko District", "Federation of Bosnia and Herzegovina",
        "Republika Srpska"] and all(x["region_name"] in summary
                                    for x in entities) and
       not any(x["region_id"] in summary for x in levels),
       "html: the summary speaks of the three entities by name, of no "
       "level's id", [x["region_name"] for x in entities])
    quality = read_csv(os.path.join(out, "data_quality.csv"))
    placed = [x for x in quality if x["code"] == "region_parent"]
    ok(len(placed) == len(ids) + 12 and
       sum(1 for x in levels if x["level"] == "2") == 13,
       "analyze: each municipality placed in its ADM2 unit and each of "
       "the 12 in its entity, every placement a finding", len(placed))
    t3 = section(html, 'id="new_contamination_top"')
    ok("stock of the snapshot" in t3,
       "html: table 3's new land in 2023 is qualified as the snapshot's "
       "stock")
    fc = read_csv(os.path.join(out, "form_c.csv"))
    b = section(html, 'id="form_c"')
    ok(len(fc) > 1000 and b.count("<tr>") == 201 and
       f"the first 200 of the {len(fc):,} areas" in b,
       f"html: annex B prints 200 of the {len(fc)} Form C areas and says "
       "where the rest are", b.count("<tr>"))
    check_pdf_pages(out)
    rows = table_rows(section(html, 'id="remaining_by_level_top"'))
    want = {x["region_name"]: Decimal(x["total_m2"]) for x in levels
            if x["level"] == "1"}
    got = {x[1]: km2_of(x[-1]) for x in rows}
    parts = sum(v for k, v in got.items() if k != "National total")
    nat = (total / Decimal(10**6)).quantize(Decimal("0.01"))
    ok(len(rows) == 5 and got.get("National total") == nat and
       abs(parts - nat) <= Decimal("0.01") * len(rows) and
       all(got.get(k) == (v / Decimal(10**6)).quantize(Decimal("0.01"))
           for k, v in want.items() if k != "(land in no region)"),
       "html: table 1 by entity (three, outside, total): each row its "
       "entity's remaining, the rows adding up to the national total",
       (got, nat))
    ok('id="annex_c"' in html and
       section(html, 'id="remaining_by_region"').count("<tr>") >= len(ids),
       "html: annex C lists every region")
    check_own_pack(out, tmp)
    render.check_pdf(out, tmp, "BiH")
    check_screen(out, tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
