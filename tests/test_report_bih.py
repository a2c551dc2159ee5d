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


def check_pages(out, tmp):
    """The PDF as a person sees it (pdftoppm): the first page is not blank,
    a page holds the chart's SHA bars and a page the map's darkest class."""
    if not shutil.which("pdftoppm"):
        skip("pdf pages rendered", "pdftoppm (poppler-utils) not installed")
        return
    prefix = os.path.join(tmp, "page")
    subprocess.run(["pdftoppm", "-r", "50", "-png",
                    os.path.join(out, "report.pdf"), prefix],
                   capture_output=True, timeout=300)
    pages = sorted(f for f in os.listdir(tmp) if f.startswith("page"))
    imgs = [pngread.read(os.path.join(tmp, f)) for f in pages]
    first = pngread.distinct_colours(imgs[0], 3) if imgs else 0
    sha = [pngread.count_near(i, (248, 193, 139), 10) for i in imgs]
    dark = [pngread.count_near(i, (0x75, 0x6b, 0xb1), 6) for i in imgs]
    ok(first > 10 and max(sha, default=0) > 100 and
       max(dark, default=0) > 500,
       f"pdf rendered ({len(pages)} pages): page 1 not blank, the chart's "
       "SHA stock and the map's classes drawn",
       (first, max(sha, default=0), max(dark, default=0)))


def check_screen(out, tmp):
    """The HTML as a person sees it (headless Chromium, 1200 x 3000): the
    first chart's SHA stock is on screen, not thousands of pixels down."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        skip("html rendered", "chromium not installed")
        return
    shot = os.path.join(tmp, "shot.png")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--hide-scrollbars",
                    "--user-data-dir=" + tempfile.mkdtemp(dir=tmp),
                    "--screenshot=" + shot, "--window-size=1200,3000",
                    "file://" + os.path.abspath(os.path.join(out,
                                                             "report.html"))],
                   capture_output=True, timeout=180)
    if not os.path.exists(shot):
        ok(False, "chromium wrote a screenshot of the HTML")
        return
    img = pngread.read(shot)
    sha = pngread.count_near(img, (248, 193, 139), 10)
    ok(pngread.distinct_colours(img, 5) > 20 and sha > 100,
       "html rendered: the first chart is within the first 3000 pixels",
       sha)


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
    names = [x["region_name"] for x in rem if x["region_name"]]
    ok(sum(1 for n in names if n in summary) >= 5,
       "html: the summary names regions by name")
    t3 = section(html, 'id="new_contamination_main"')
    ok("stock of the snapshot" in t3,
       "html: table 3's new land in 2023 is qualified as the snapshot's "
       "stock")
    fc = read_csv(os.path.join(out, "form_c.csv"))
    b = section(html, 'id="form_c"')
    ok(len(fc) > 1000 and b.count("<tr>") == 201 and
       f"the first 200 of the {len(fc)} areas" in b,
       f"html: annex B prints 200 of the {len(fc)} Form C areas and says "
       "where the rest are", b.count("<tr>"))
    pdf = open(os.path.join(out, "report.pdf"), "rb").read()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    ok(8 <= pages <= 20, f"pdf: {pages} pages for {len(ids)} regions "
       "(at most 20 with the annexes)", pages)
    cells = re.findall(r"<tr[^>]*>(.*?)</tr>",
                       section(html, 'id="remaining_by_region_main"'))
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", c) for c in cells]
    rows = [x for x in rows if x]
    top = sorted((x for x in rem if x["region_id"] not in ("TOTAL", "OUTSIDE")),
                 key=lambda x: -Decimal(x["total_m2"]))[:15]
    ok([x[1] for x in rows[:15]] == [x["region_name"] for x in top],
       "html: table 1 shows the 15 regions holding most land, most first",
       [x[1] for x in rows[:15]])
    parts = sum(Decimal(x[-1].replace(",", "")) for x in rows[:-1])
    nat = Decimal(rows[-1][-1].replace(",", ""))
    ok(rows[15][1].startswith("Other regions (") and
       abs(parts - nat) <= Decimal("0.01") * len(rows) and
       nat == (total / Decimal(10**6)).quantize(Decimal("0.01")),
       "html: its rows (top 15, other regions, outside) add up to the "
       "national total", (parts, nat))
    ok('id="annex_c"' in html and
       section(html, 'id="remaining_by_region"').count("<tr>") >= len(ids),
       "html: annex C lists every region")
    check_own_pack(out, tmp)
    check_pages(out, tmp)
    check_screen(out, tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
