#!/usr/bin/env python3
"""landrelease check on tables as they are published (TAP output).

tests/fixtures/check/published/ holds tables transcribed from Landmine
Monitor country profiles and Afghanistan mine action fact sheets (sources in
its README): each must give the findings an advisor expects, and a twin with
one figure changed exactly the planted error.  Tables made here plant the
shapes publications use (a header over two rows, years as columns, province
rows over districts, "Northern, Subtotal", a title row read by GDAL as
field_N headings) and the silent column of a request that once passed.
Every sum a test calls consistent is recomputed here from the cells.
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile

import tap
from tap import ok

BUILD = os.environ.get("LR_BUILD_DIR", "build")
SRC = os.environ.get("LR_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), ".."))
LR = os.path.join(BUILD, "cli", "landrelease")
GEN = os.path.join(BUILD, "data", "lr-generate")
PUB = os.path.join(SRC, "tests", "fixtures", "check", "published")


def run(*args):
    return subprocess.run([LR, *args], capture_output=True, text=True)


def check(tmp, name, *files, opts=()):
    """Check files; (exit status, findings, readings, output)."""
    out = os.path.join(tmp, name)
    r = run("check", *files, "--out", out, *opts)
    rows, reads = [], []
    if os.path.exists(os.path.join(out, "findings.csv")):
        with open(os.path.join(out, "findings.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        with open(os.path.join(out, "tables.csv"), newline="") as f:
            reads = list(csv.DictReader(f))
    return r.returncode, rows, reads, r.stdout + r.stderr


def of(rows, severity=None):
    return [(f["rule"], f["row"]) for f in rows
            if severity is None or f["severity"] == severity]


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w", newline="") as f:
        f.write(text)
    return path


def number(s):
    s = s.rstrip("*").split("[")[0].replace(",", "")
    return float(s)


def cells(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def twin(tmp, src, old, new):
    """A copy of src with the one cell old changed to new."""
    rows = cells(src)
    hits = [(i, j) for i, r in enumerate(rows) for j, c in enumerate(r)
            if c == old]
    assert len(hits) == 1, (src, old, hits)
    i, j = hits[0]
    rows[i][j] = new
    path = os.path.join(tmp, "twin-" + os.path.basename(src))
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return path


def twin_gives(tmp, src, old, new, want, what):
    """A twin of src with the one cell old changed to new: exit 1 and
    exactly the errors want (rule, row), in any order."""
    name = "twin-%s-%s" % (os.path.basename(src), new)
    rc, rows, _, out = check(tmp, name, twin(tmp, src, old, new))
    ok(rc == 1 and sorted(of(rows, "error")) == sorted(want), what, out)


def column_sums_hold(path, first, last_row_is_total=True):
    """Independently: each column from `first` of the Total row is the sum
    of the rows above it (published rounding: half a unit of the last
    decimal of every figure)."""
    rows = [r for r in cells(path)[2:] if r and any(r[1:])]
    body, total = rows[:-1], rows[-1]
    for j in range(first, len(total)):
        if not total[j]:
            continue
        s = sum(number(r[j]) for r in body)
        dec = max(len(c.split(".")[1]) if "." in c else 0
                  for c in [r[j] for r in rows])
        if abs(s - number(total[j])) > 0.5 * 10 ** -dec * len(rows) + 1e-9:
            return False
    return True


# ---- Real tables -----------------------------------------------------------

def test_real(tmp):
    def pub(name):
        return os.path.join(PUB, name)

    taj = pub("lm2015_tajikistan_by_province_end2014.csv")
    ok(column_sums_hold(taj, 1), "Tajikistan end 2014: the published total "
       "row is the sum of the provinces (recomputed here)")
    rc, rows, reads, out = check(tmp, "taj", taj)
    ok(rc == 0 and not of(rows, "error") and not of(rows, "warning") and
       [f["rule"] for f in rows].count("R30-footnote") == 2,
       "Tajikistan by province: title row, grouped CHAs | Area | SHAs | "
       "Area, footnotes '*' and a note row: no error, the marks as info",
       out)
    taken = {(r["column"], r["taken_as"]) for r in reads}
    ok(("SHAs", "sha_count") in taken and ("Area (km2)", "sha") in taken and
       reads[0]["date"] == "2014-12",
       "Tajikistan: the area after SHAs is the SHA area; the title dates "
       "the table end 2014", reads)
    twin_gives(tmp, taj, "2.1", "2.4", [("R01-region-sum", "Total")],
               "Tajikistan twin (GBAO CHA area 2.1 -> 2.4): exactly R01 on Total")
    twin_gives(tmp, taj, "146*", "164*",
               [("R01-region-sum", "Total")],
               "Tajikistan twin (a footnoted count 146* -> 164*): exactly R01")

    zim14 = pub("lm2015_zimbabwe_by_location_end2014.csv")
    zim16 = pub("lm2017_zimbabwe_mined_areas_end2016.csv")
    zim17 = pub("lm2018_zimbabwe_mined_areas_end2017.csv")
    ok(column_sums_hold(zim14, 1) and column_sums_hold(zim16, 1),
       "Zimbabwe end 2014 and end 2016: totals are the sums (recomputed)")
    for name, path in (("zim14", zim14), ("zim16", zim16), ("zim17", zim17)):
        rc, rows, reads, out = check(tmp, name, path)
        ok(rc == 0 and not of(rows, "error") and not of(rows, "warning"),
           f"Zimbabwe {name}: read as published, no error", out)
    twin_gives(tmp, zim14, "806,000", "860,000",
               [("R01-region-sum", "Total")],
               "Zimbabwe 2014 twin (Burma Valley 806,000 -> 860,000): "
               "exactly R01")
    twin_gives(tmp, zim16, "56,000", "65,000",
               [("R01-region-sum", "Total")],
               "Zimbabwe 2016 twin (Lusulu 56,000 -> 65,000): exactly R01")

    rc, rows, _, out = check(tmp, "zim-dated", zim14, zim16, zim17)
    found = sorted(of(rows, "warning"))
    ok(rc == 0 and found == sorted([("R31-dated-tables", "Sango Border Post to Crooks Corner"),
                ("R31-dated-tables", "Leacon Hill to Sheba Forest"),
                ("R31-dated-tables", "Burma Valley"),
                ("R31-dated-tables", "Lusulu")]),
       "Zimbabwe end 2014, 2016, 2017 in date order: Sango grew 13.6 to "
       "24.5 km², Sheba Forest to Beacon Hill renamed Leacon Hill to Sheba "
       "Forest, Burma Valley gone, Lusulu 560,000 -> 56,000 m² (10x); the "
       "2017 split areas ('formerly one area, ...') are not findings", out)

    for name, fig in (("lm2017_tajikistan_release_2016.csv", "0.5"),
                      ("lm2017_zimbabwe_release_2016.csv", "1.7")):
        rc, rows, _, out = check(tmp, name, pub(name))
        ok(rc == 0 and not of(rows, "error") and not of(rows, "warning"),
           f"{name}: national release, methods add up to the total", out)
        rc, rows, _, out = check(tmp, name + "-twin",
                                 twin(tmp, pub(name), fig, "0.9"))
        ok(rc == 1 and of(rows, "error") == [("R03-method-sum",
                                               "2016 National")],
           f"{name} twin (cleared {fig} -> 0.9): exactly R03", out)
    khm = pub("lm2016_cambodia_release_2015.csv")
    rc, rows, _, out = check(tmp, "khm", khm)
    ok(rc == 0 and of(rows) == [("R03-method-sum", "2015 National")] and
       rows[0]["severity"] == "info",
       "Cambodia 2015: 70.38 + 30.11 + 46.47 = 146.96 against '147': "
       "within the rounding of the published total (info)", out)
    rc, rows, _, out = check(tmp, "zim17r",
                             pub("lm2018_zimbabwe_release_2017.csv"))
    ok(rc == 0 and not of(rows, "error"),
       "Zimbabwe release 2017 (no total stated): no error", out)
    rc, rows, reads, out = check(
        tmp, "taj16", pub("lm2017_tajikistan_end2016_national.csv"))
    ok(rc == 0 and not of(rows, "error") and
       reads[0]["key"].startswith("none: a national table"),
       "Tajikistan end 2016, a national table with no region column: read, "
       "the nation as its key", out)

    afg = pub("mapa_afghanistan_2015_q3q4.csv")
    ok(abs(542.6 - 17.3 + 63.7 - 589) < 1e-9,
       "Afghanistan 1394 Q2-Q3: 542.6 - 17.3 + 63.7 = 589 (recomputed)")
    rc, rows, reads, out = check(tmp, "afg", afg)
    ok(rc == 0 and not of(rows, "error") and not of(rows, "warning"),
       "Afghanistan fact sheet: the start, released, added and the end "
       "roll forward", out)
    rc, rows, _, out = check(tmp, "afg-twin", twin(tmp, afg, "589", "598"))
    ok(rc == 1 and [r for r, _ in of(rows, "error")] == ["R11-roll-forward"],
       "Afghanistan twin (end 589 -> 598): exactly R11", out)
    rc, rows, _, out = check(tmp, "afg-q1",
                             pub("mapa_afghanistan_2015_q1.csv"))
    ok(rc == 0 and of(rows, "warning") == [("R29-unread-column", "")] and
       "Processed (sq km)" in out,
       "Afghanistan 1393 Q4 says 'processed', not released: a warning "
       "names the unread column (never a silent pass)", out)


def sums_by_hand(path, value_cols, group_col=None, head=2):
    """Independently of the checker: for each column in value_cols, the
    sum of the rows under the head rows that are neither Total nor
    Subtotal, and, with
    group_col, each subtotal against the rows since the one before it.
    (totals, subtotal mismatches) with totals[col] = (stated, summed)."""
    rows = [r for r in cells(path)[head:] if r and any(r[1:])]
    totals, bad = {}, []
    for j in value_cols:
        body, since = 0.0, 0.0
        for r in rows:
            if len(r) <= j or not r[j]:
                continue
            label = " ".join(r[:j]).lower()
            if "subtotal" in label:
                if group_col is not None and abs(since - number(r[j])) > 1e-6:
                    bad.append((r, j))
                since = 0.0
            elif "total" in label:
                totals[j] = (number(r[j]), body)
            else:
                body += number(r[j])
                since += number(r[j])
    return totals, bad


def test_real_more(tmp):
    """Tables transcribed in their published layout: Landmine Monitor's Sri
    Lanka (2011, 2012, 2015, 2017), Thailand (2016), Croatia (2015) and
    Serbia (2015) profiles."""
    def pub(name):
        return os.path.join(PUB, name)

    lk10 = pub("lm2011_srilanka_by_district_end2010.csv")
    t, _ = sums_by_hand(lk10, [1])
    ok(abs(t[1][0] - 506.82) < 1e-9 and abs(t[1][1] - 506.83) < 1e-6,
       "Sri Lanka end 2010: the districts add up to 506.83 against the "
       "printed 506.82 (recomputed)", t)
    rc, rows, reads, out = check(tmp, "lk10", lk10)
    ok(rc == 0 and of(rows) == [("R01-region-sum", "Total")] and
       rows[0]["severity"] == "info" and reads[0]["date"] == "2010-12",
       "Sri Lanka end 2010: 506.82 against 506.83 is within the rounding "
       "of ten figures to 0.01 km² (info), dated by 'end December 2010'",
       out)
    twin_gives(tmp, lk10, "122.34", "122.43",
               [("R01-region-sum", "Total")],
               "its twin (Mannar 122.34 -> 122.43): exactly R01 on Total")

    lk12 = pub("lm2012_srilanka_cha_by_district_feb2012.csv")
    t, _ = sums_by_hand(lk12, [1])
    ok(abs(t[1][0] - t[1][1]) < 1e-6, "Sri Lanka February 2012: the "
       "districts add up to the printed 124.74 (recomputed)", t)
    rc, rows, reads, out = check(tmp, "lk12", lk12)
    taken = {(r["column"], r["taken_as"], r["unit"]) for r in reads}
    ok(rc == 0 and not of(rows) and reads[0]["date"] == "2012-02" and
       ("End February 2012", "cha", "km²") in taken,
       "Sri Lanka February 2012: a date as the one heading, the figure "
       "(confirmed hazardous area) and unit (km²) from the title", out +
       str(taken))
    twin_gives(tmp, lk12, "29.81", "29.18",
               [("R01-region-sum", "Total")],
               "its twin (Mullaitivu 29.81 -> 29.18): exactly R01 on Total")

    lk14 = pub("lm2015_srilanka_cha_by_district_2012_2014.csv")
    t, _ = sums_by_hand(lk14, [1, 2, 3])
    ok([round(t[j][1], 2) for j in (1, 2, 3)] == [98.65, 83.84, 78.09] and
       [r for r in cells(lk14) if r[0] == "Trincomalee"][0][1:3] ==
       ["3.41", "6.38"],
       "Sri Lanka end 2012-2014: the districts add up to 98.65, 83.84 "
       "(83.85 printed) and 78.09; Trincomalee 3.41 -> 6.38 (by hand)", t)
    rc, rows, reads, out = check(tmp, "lk14", lk14)
    ok(rc == 1 and of(rows, "error") == [("R14-growth-without-new",
                                          "2013 Trincomalee")] and
       of(rows, "info") == [("R01-region-sum", "2013 Total")],
       "Sri Lanka end 2012-2014, years as columns: Trincomalee's confirmed "
       "area grew from 3.41 to 6.38 km² in 2013 with no new contamination "
       "stated (the publication's own inconsistency); 83.85 against 83.84 "
       "within rounding", out)
    ok(any(r["taken_as"] == "remaining_end" and r["unit"] == "km²"
           for r in reads), "the unit read from the title through its "
       "footnote mark '(km²)[2]'", reads)
    twin_gives(tmp, lk14, "3.08", "3.80",
               [("R01-region-sum", "2014 Total"),
                ("R14-growth-without-new", "2013 Trincomalee")],
               "its twin (Jaffna 2014 3.08 -> 3.80): the planted R01 on 2014's "
               "Total beside the published R14")

    lk17 = pub("lm2017_srilanka_by_province_feb2017.csv")
    t, bad = sums_by_hand(lk17, [2], group_col=0)
    ok(not bad and t[2][0] == t[2][1] == 26341456,
       "Sri Lanka February 2017: each province's subtotal and the total "
       "are the sums of their districts (recomputed)", (t, bad))
    rc, rows, reads, out = check(tmp, "lk17", lk17)
    ok(rc == 0 and not of(rows) and "3 subtotal rows" in reads[0]["note"],
       "Sri Lanka February 2017: province over district, 'Subtotal' rows, "
       "thousands in quotes: consistent", out)
    twin_gives(tmp, lk17, "2,098,660", "2,098,960",
               [("R01-region-sum", "Northern")],
               "its twin (Vavuniya +300 m²): exactly R01 on Northern's subtotal, "
               "not again on Total")

    rc, rows, _, out = check(tmp, "lk-dated", lk10, lk12, lk17)
    ok(rc == 0 and sorted(of(rows, "warning")) == [("R31-dated-tables", "Anuradhapura"),
                ("R31-dated-tables", "Polonnaruwa")],
       "Sri Lanka end 2010, February 2012, February 2017 in date order: "
       "Anuradhapura grew from 2.21 to 2.32 km² with no new land stated; "
       "Polonnaruwa (0.18 km² in 2012) is missing in 2017, whose text "
       "speaks of 10 affected districts and whose table lists 9", out)

    th = pub("lm2016_thailand_by_province_2014_2015.csv")
    t, _ = sums_by_hand(th, [2, 3, 4, 5], head=3)
    ok(all(abs(t[j][0] - t[j][1]) < 1e-6 for j in (2, 3, 4, 5)),
       "Thailand end 2014 and 2015: counts and areas add up to 328, "
       "474.26, 314 and 450.74 (recomputed)", t)
    rc, rows, reads, out = check(tmp, "th", th)
    ok(rc == 1 and sorted(of(rows, "error")) == [("R14-growth-without-new", "2015 Chiang Mai"),
                ("R14-growth-without-new", "2015 Sakeo")] and
       of(rows, "info") == [("R30-footnote", "")],
       "Thailand by province, years over groups of columns (End-2014: "
       "CHAs | Area, End-2015: SHAs | Area): totals hold; Chiang Mai "
       "28.97 -> 35.49 km² and Sakeo 9.78 -> 10.11 km² grew with no new "
       "land stated; the '*' marks as info", out)
    twin_gives(tmp, th, "37.60", "37.06",
               [("R01-region-sum", "2015 Total"),
                ("R14-growth-without-new", "2015 Chiang Mai"),
                ("R14-growth-without-new", "2015 Sakeo")],
               "its twin (Surin 2015 37.60 -> 37.06): the planted R01 on 2015's "
               "Total beside the published two")

    hr = pub("lm2015_croatia_by_county_end2014.csv")
    t, _ = sums_by_hand(hr, [1, 2])
    ok(all(abs(t[j][0] - t[j][1]) < 1e-6 for j in (1, 2)),
       "Croatia end 2014: suspected and confirmed areas add up to 244.82 "
       "and 285.35 (recomputed)", t)
    rc, rows, reads, out = check(tmp, "hr", hr)
    taken = {(r["column"], r["taken_as"], r["unit"]) for r in reads}
    ok(rc == 0 and not of(rows) and
       ("Suspected mined area", "sha", "km²") in taken and
       ("Confirmed mined Area", "cha", "km²") in taken,
       "Croatia by county: headings with no unit take the title's (km2)",
       out + str(taken))
    twin_gives(tmp, hr, "20.92", "29.02",
               [("R01-region-sum", "Total")],
               "its twin (Zadar confirmed 20.92 -> 29.02): exactly R01")

    rs = pub("lm2015_serbia_by_village_end2014.csv")
    t, _ = sums_by_hand(rs, [2, 3])
    ok(t[2] == (19, 19) and t[3] == (2849126, 2849126),
       "Serbia end 2014: the villages add up to 19 SHAs and 2,849,126 m² "
       "(recomputed)", t)
    rc, rows, reads, out = check(tmp, "rs", rs)
    ok(rc == 0 and of(rows) == [("R30-footnote", "")] and
       "'Municipality' over 'Village'" in reads[0]["key"],
       "Serbia by municipality and village: the village is the key under "
       "its municipality; the '*' marks on three names as info", out)
    twin_gives(tmp, rs, "1,139,888", "1,193,888",
               [("R01-region-sum", "Total")],
               "its twin (Končulj 1,139,888 -> 1,193,888): exactly R01")


def test_real_counts(tmp):
    """Landmine Monitor's Sudan tables of May 2012 and May 2013: the number
    of hazardous areas by state, with no area, three kinds in the total."""
    def pub(name):
        return os.path.join(PUB, name)

    for name, want in (("lm2012_sudan_by_state_may2012.csv",
                        (136, 62, 92, 290)),
                       ("lm2013_sudan_by_state_may2013.csv",
                        (124, 63, 70, 257))):
        path = pub(name)
        body = [r for r in cells(path)[2:] if r and r[0] != "Total"]
        sums = tuple(sum(int(r[j]) for r in body) for j in (1, 2, 3, 4))
        rows_add = all(int(r[1]) + int(r[2]) + int(r[3]) == int(r[4])
                       for r in body)
        ok(sums == want and rows_add, f"{name}: every state's kinds add "
           "up to its total and every column to the Total row "
           "(recomputed)", (sums, want))
        rc, rows, reads, out = check(tmp, name, path)
        taken = {(r["column"], r["taken_as"]) for r in reads}
        ok(rc == 0 and not of(rows) and
           ("Dangerous areas", "other_count") in taken and
           ("Total", "total_count") in taken,
           f"{name}: a table of counts alone, read; 'Dangerous areas' a "
           "third kind of area in the total; no finding", out + str(taken))
    sd13 = pub("lm2013_sudan_by_state_may2013.csv")
    twin_gives(tmp, sd13, "34", "43",
               [("R01-region-sum", "Total"),
                ("R02-sha-cha-total", "Kassala")],
               "its twin (Kassala's dangerous areas 34 -> 43): the two "
               "identities it breaks, down the column and along the row")


# ---- Shapes of publications, planted ---------------------------------------

def test_shapes(tmp):
    two = write(tmp, "two_rows.csv",
                "Hazardous areas by province (end 2019),,,,\n"
                "Province,CHA,,SHA,\n"
                ",Number,Area (km²),Number,Area (km²)\n"
                "North,3,1.25,4,2.35\n"
                "South,2,0.75,1,0.15\n"
                "Total,5,2.00,5,2.50\n")
    rc, rows, reads, out = check(tmp, "two", two)
    taken = {(r["column"], r["taken_as"]) for r in reads}
    ok(rc == 0 and not of(rows, "error") and
       ("CHA Area (km²)", "cha") in taken and
       ("SHA Number", "sha_count") in taken,
       "a header over two rows, groups over merged cells: read and "
       "consistent", out + str(reads))
    twin_gives(tmp, two, "1.25", "1.35",
               [("R01-region-sum", "Total")],
               "its twin (North CHA area +0.10 km²): exactly R01")

    years = write(tmp, "years.csv",
                  "Contamination by county at the end of each year (km²),,,\n"
                  "County,End 2012,End 2013,End 2014\n"
                  "A,4.25,3.75,3.15\nB,2.45,2.35,2.65\n"
                  "Total,6.70,6.10,5.80\n")
    rc, rows, reads, out = check(tmp, "years", years)
    ok(rc == 1 and of(rows, "error") == [("R14-growth-without-new",
                                          "2014 B")],
       "years as columns (unit in the title): totals hold each year; B's "
       "growth in 2014 with no new land is the one error", out)
    ok(any(r["taken_as"] == "remaining_end" and r["unit"] == "km²"
           for r in reads), "years as columns read as remaining land at "
       "the end of each year, in km² from the title", reads)

    prov = write(tmp, "prov.csv",
                 "Remaining contamination by district as of February 2017,,\n"
                 "Province,District,Area (m²)\n"
                 'Northern,,"1,350,000"\n,Alpha,"1,000,000"\n'
                 ',Beta,"350,000"\nSouthern,,"600,500"\n'
                 ',Gamma,"600,500"\nTotal,,"1,950,500"\n')
    rc, rows, reads, out = check(tmp, "prov", prov)
    ok(rc == 0 and not of(rows, "error") and reads[0]["date"] == "2017-02",
       "province rows over districts, thousands in quotes, 'February "
       "2017' in the title: consistent, dated 2017-02", out + str(reads))
    twin_gives(tmp, prov, '350,000', '360,000',
               [("R01-region-sum", "Northern")],
               "its twin (Beta +10,000 m²): exactly R01 on Northern, not again on "
               "Total")

    sub = write(tmp, "sub.csv",
                "Region,SHA area (sqm),CHA area (sqm),Total area (sqm)\n"
                "A,100,200,300\nB,50,50,100\n"
                '"Northern, Subtotal",150,250,400\nC,10,20,30\n'
                "Sub-total,10,20,30\nGrand total,160,270,430\n")
    rc, rows, reads, out = check(tmp, "sub", sub)
    ok(rc == 0 and not of(rows, "error") and
       "2 subtotal rows" in reads[0]["note"],
       "'Northern, Subtotal' and 'Sub-total' rows, units '(sqm)': "
       "consistent", out + str(reads))
    twin_gives(tmp, sub, "160", "170",
               [("R01-region-sum", "Grand total"),
                ("R02-sha-cha-total", "Grand total")],
               "its twin (Grand total SHA +10): the two identities it breaks, R01 "
               "down the column and R02 along the row, and nothing else")

    title = write(tmp, "title.csv",
                  "Contamination at the end of 2014 by county (km²),,\n"
                  "County,CHA area (km²),SHA area (km²)\n"
                  "Alpha,1.21,0.53\nBeta,0.83,0.11\nTotal,2.04,0.64\n")
    rc, rows, reads, out = check(tmp, "title", title)
    ok(rc == 0 and not of(rows, "error") and reads[0]["date"] == "2014-12",
       "the title row that was refused ('field_2, field_3'): read", out)

    # A flow table of a snapshot: one year column beside its total.  Read
    # as a date it became a second table of remaining land and the pack
    # of a one-year country failed its own check.
    new = write(tmp, "new_one_year.csv",
                "Table 3. New contamination found per year by region,,,\n"
                "Region,Name,2023 (m²),Total (m²)\n"
                "R1,Alpha,1500.25,1500.25\nR2,Beta,250.75,250.75\n"
                "TOTAL,,1751.00,1751.00\n")
    rem = write(tmp, "rem_one_year.csv",
                "Table 1. Remaining land by region,,\n"
                "Region,Name,Total (m²)\n"
                "R1,Alpha,9000.00\nR2,Beta,1000.00\nTOTAL,,10000.00\n")
    rc, rows, reads, out = check(tmp, "new1", rem, new)
    ok(rc == 0 and not of(rows, "error") and
       any(r["taken_as"] == "new" for r in reads),
       "one year column under a title naming new contamination: read as "
       "that year's new land beside a table of remaining land", out +
       str(reads))
    bad = write(tmp, "new_one_year_twin.csv",
                open(new).read().replace("R2,Beta,250.75,250.75",
                                         "R2,Beta,250.75,260.75"))
    rc, rows, reads, out = check(tmp, "new1twin", rem, bad)
    ok(rc == 1 and sorted(of(rows, "error")) ==
       [("R01-region-sum", "2023 TOTAL"), ("R01-region-sum", "R2")],
       "its twin (Beta's total 10 m² over its one year): the two sums it "
       "breaks, along Beta's row and down the total column", out)


def test_silent(tmp):
    body = ("2019,North,0.11,0.52,4.03\n2020,North,0.21,0.63,3.71\n"
            "2021,North,0.01,0.71,3.11\n2019,South,0.12,0.23,2.07\n"
            "2020,South,0.13,0.31,1.89\n2021,South,0.03,0.41,1.61\n")
    path = write(tmp, "silent.csv", "Year,Region,New (km²),Released (km²),"
                 "Remaining at end (km²)\n" + body)
    rc, rows, _, out = check(tmp, "silent", path)
    ok(rc == 1 and sorted(of(rows, "error")) == [("R11-roll-forward", "2020 North"),
                ("R11-roll-forward", "2021 North"),
                ("R11-roll-forward", "2021 South")],
       "'Remaining at end (km²)' is read: exit 1 with the three planted "
       "errors", out)
    path = write(tmp, "balance.csv", "Year,Region,New (km²),Released (km²),"
                 "Balance (km²)\n" + body)
    rc, rows, _, out = check(tmp, "balance", path)
    ok(rc == 0 and of(rows, "warning") == [("R29-unread-column", "")] and
       "Balance (km²)" in out and "0 errors, 1 warning" in out,
       "a heading no rule reads ('Balance (km²)'): a warning naming it",
       out)
    rc, rows, _, out = check(tmp, "balance-strict", path, opts=["--strict"])
    ok(rc == 1 and of(rows, "error") == [("R29-unread-column", "")],
       "--strict: the unread column is an error, exit 1", out)


def test_pack(tmp):
    ds = os.path.join(tmp, "s.gpkg")
    subprocess.run([GEN, "--out", ds, "--seed", "5", "--hazards", "120",
                    "--regions", "9"], capture_output=True, check=True)
    out = os.path.join(tmp, "run")
    subprocess.run([LR, "analyze", ds, "--out", out, "--quiet"],
                   capture_output=True, check=True)
    subprocess.run([LR, "project", out, "--deadline", "2028-12-31",
                    "--runs", "200", "--seed", "3"], capture_output=True)
    subprocess.run([LR, "plan", out, "--target", "2033-12-31"],
                   capture_output=True)
    r = subprocess.run([LR, "report", out, "--format", "xlsx,md"],
                       capture_output=True, text=True)
    xlsx = os.path.join(out, "request_tables.xlsx")
    ok(r.returncode == 0 and os.path.exists(xlsx), "report wrote its pack",
       r.stderr)
    rc, rows, reads, text = check(tmp, "pack", xlsx)
    ok(rc == 0 and not of(rows, "error") and not of(rows, "warning"),
       "check of the report's own request_tables.xlsx: no error, no "
       "warning", text)
    ok(any(r["kind"] == "release_by_year" and
           r["key"].startswith("none: a national table") for r in reads),
       "its national release-by-year sheet is read with the nation as key",
       reads)
    md = os.path.join(out, "request_tables.md")
    rc, rows, reads, text = check(tmp, "pack-md", md)
    ok(rc == 0 and not of(rows, "error") and not of(rows, "warning") and
       len({r["table"] for r in reads}) == 5,
       "check of the report's own request_tables.md: its five tables read "
       "(heading and list lines as title), no error", text)
    csvs = [os.path.join(out, n) for n in
            ("remaining_by_region.csv", "release_by_year.csv",
             "completion.csv", "workplan.csv")
            if os.path.exists(os.path.join(out, n))]
    rc, rows, _, text = check(tmp, "pack-csv", *csvs)
    ok(rc == 0 and not of(rows, "error"),
       "check of the CSVs analyze and plan wrote: no error", text)


def test_text(tmp):
    """Title rows of one cell, byte-order marks, CRLF, ';', Windows-1252."""
    body = ("County,CHA area (km²),SHA area (km²)\n"
            "Alpha,1.21,0.53\nBeta,0.83,0.11\nTotal,2.04,0.74\n")
    path = write(tmp, "one_cell_title.csv",
                 "Contamination at the end of 2014 by county (km²)\n" + body)
    rc, rows, reads, out = check(tmp, "one-cell", path)
    ok(rc == 1 and of(rows, "error") == [("R01-region-sum", "Total")] and
       reads[0]["date"] == "2014-12" and
       reads[0]["note"].startswith("1 title row;"),
       "a title of one cell (no commas after it): three columns read, the "
       "planted SHA total (0.64 written 0.74) is the one error", out)
    crlf = "\ufeff" + ("Contamination at the end of 2014 by county (km²)\n"
                       + body).replace("0.74", "0.64").replace("\n", "\r\n")
    with open(os.path.join(tmp, "crlf.csv"), "w", newline="",
              encoding="utf-8") as f:
        f.write(crlf)
    rc, rows, reads, out = check(tmp, "crlf", os.path.join(tmp, "crlf.csv"))
    ok(rc == 0 and not of(rows, "error") and reads[0]["date"] == "2014-12"
       and any(r["column"] == "County" for r in reads),
       "a byte-order mark and CRLF line ends: read as the same table", out)
    semi = crlf.replace(",", ";").replace("1.21", "1,21")
    with open(os.path.join(tmp, "semi.csv"), "w", newline="",
              encoding="cp1252") as f:
        f.write(semi.replace("\ufeff", ""))
    rc, rows, reads, out = check(tmp, "semi", os.path.join(tmp, "semi.csv"))
    ok(rc == 0 and not of(rows, "error") and
       "decoded from Windows-1252" in reads[0]["note"] and
       any(r["column"] == "CHA area (km²)" for r in reads),
       "';' separated, a decimal comma, saved in Windows-1252 (km² as the "
       "byte 0xB2): decoded, read, and the decoding said", out)
    with open(os.path.join(tmp, "u16.csv"), "w", encoding="utf-16") as f:
        f.write(body)
    rc, _, _, out = check(tmp, "u16", os.path.join(tmp, "u16.csv"))
    ok(rc == 2 and "u16.csv: is UTF-16" in out,
       "UTF-16 text: exit 2 naming the file", out)
    md = ("\ufeff# Remaining contamination\r\n\r\n- as of end 2014\r\n"
          "\r\n| County | CHA area (km²) | SHA area (km²) |\r\n"
          "|---|---:|---:|\r\n| Alpha | 1.21 | 0.53 |\r\n"
          "| Beta | 0.83 | 0.11 |\r\n| Total | 2.04 | 0.74 |\r\n")
    with open(os.path.join(tmp, "t.md"), "w", newline="",
              encoding="utf-8") as f:
        f.write(md)
    rc, rows, reads, out = check(tmp, "md", os.path.join(tmp, "t.md"))
    ok(rc == 1 and of(rows, "error") == [("R01-region-sum", "Total")] and
       reads[0]["date"] == "2014-12" and
       reads[0]["note"].startswith("2 title rows;"),
       "Markdown with a byte-order mark and CRLF: the heading and list "
       "line read as its title, the planted total found", out)


def test_unusable(tmp):
    path = write(tmp, "colours.csv", "colour,weight\nred,1\n")
    rc, _, _, out = check(tmp, "colours", path)
    ok(rc == 2 and "colour, weight" in out and "colour = region_id" in out,
       "a table of no known kind: exit 2 naming its columns and the "
       "--columns lines that would read it", out)
    gap = write(tmp, "gap.csv", "Colour,,Weight,\nred,,1,\n")
    rc, _, _, out = check(tmp, "gap", gap)
    ok(rc == 2 and "Colour, (no heading), Weight)" in out and
       "Weight = total_m2" in out,
       "an empty heading is named as such, and the example mapping uses "
       "a heading that exists", out)
    a = write(tmp, "a.csv", "Region,Total area (m²)\nX,5\n")
    b = write(tmp, "b.csv", "Region,Total area (m²)\nX,6\n")
    rc, _, _, out = check(tmp, "undated", a, b)
    ok(rc == 2 and "as of" in out,
       "two remaining tables with no dates: exit 2 saying how to date "
       "them", out)


def test_columns(tmp):
    q1 = os.path.join(PUB, "mapa_afghanistan_2015_q1.csv")
    ini = write(tmp, "cols.ini",
                "; the fact sheet says processed for released\n"
                "[mapa_afghanistan_2015_q1.csv]\n"
                "Processed (sq km) = released km2\n"
                "[*]\nOblast = region_id\n")
    rc, rows, reads, out = check(tmp, "cols", q1, opts=["--columns", ini])
    ok(rc == 1 and of(rows) == [("R11-roll-forward", "2015 National")] and
       rows[0]["expected"] == "549.7",
       "--columns reads 'Processed (sq km)' as released: the fact sheet's "
       "figures then do not roll forward (524.6 - 4.7 + 29.8 = 549.7, "
       "not 535.6)", out)
    ok(any(r["column"] == "Processed (sq km)" and
           r["note"] == "line 3 of --columns" for r in reads) and
       "--columns line 5: no table [*] has a column 'Oblast'" in out,
       "tables.csv names the mapping line; a line that matched nothing is "
       "said", out + str(reads))
    ign = write(tmp, "ign.ini", "[mapa_afghanistan_2015_q1.csv]\n"
                "Processed (sq km) = ignore\n")
    rc, rows, _, out = check(tmp, "ign", q1, opts=["--columns", ign])
    ok(rc == 0 and not of(rows), "'= ignore': the column is not checked "
       "and not warned about", out)
    bad = write(tmp, "bad.ini", "[x.csv]\nArea = hectares of land\n")
    rc, _, _, out = check(tmp, "bad", q1, opts=["--columns", bad])
    ok(rc == 2 and "bad.ini, line 2" in out and "hectares of land" in out,
       "a mapping to no column of ours: exit 2 naming the file and line",
       out)


def test_deadline(tmp):
    d = os.path.join(SRC, "tests", "fixtures", "check", "consistent")
    files = [os.path.join(d, n + ".csv") for n in
             ("remaining_by_region", "release_by_year", "completion",
              "workplan")]
    for deadline in ("2023-12-31", "2024-04-01"):
        rc, rows, _, out = check(tmp, "dl" + deadline, *files,
                                 opts=["--deadline", deadline])
        ok(rc == 0 and not of(rows),
           f"a plan from 2024 against the deadline {deadline}: no finding",
           out)
    rc, _, _, out = check(tmp, "dl-bad", *files,
                          opts=["--deadline", "2025-13-01"])
    ok(rc == 2 and "--deadline" in out, "a deadline that is no date: exit 2",
       out)


def test_projection(tmp):
    d = os.path.join(SRC, "tests", "fixtures", "check", "consistent")
    files = [os.path.join(d, n + ".csv") for n in
             ("remaining_by_region", "release_by_year", "completion",
              "workplan")]
    rows = cells(os.path.join(d, "completion.csv"))
    col = rows[0].index("p50_date")
    for p50, want in (("2027-06-30", []),
                      ("2030-06-30", [("R35-plan-vs-projection",
                                       "2028 TOTAL")])):
        led = os.path.join(tmp, "led" + p50)
        os.makedirs(led)
        for r in rows[1:]:
            r[col] = p50
        with open(os.path.join(led, "completion.csv"), "w",
                  newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
        rc, found, _, out = check(tmp, "proj" + p50, *files,
                                  opts=["--against", led])
        ok(rc == 0 and of(found) == want,
           f"--against a projection with P50 {p50}: the plan ends in 2028"
           f" -> {want or 'no finding'}", out)


def test_milestone(tmp):
    head = "Year,Region,New (km2),Released (km2),Remaining at end (km2)\n"
    prev = write(tmp, "previous_plan.csv",
                 "Year,Region,Release (km2),Remaining at end (km2)\n"
                 "2020,A,2.05,8.00\n2021,A,2.05,5.95\n")
    for name, y2021, want in (
            ("as planned", "2021,A,0.00,2.05,5.95",
             []),
            ("new land found", "2021,A,0.53,2.05,6.48",
             [("R36-previous-milestone", "2021 A")]),
            ("released short of the plan", "2021,A,0.53,1.55,6.98",
             [("R24-previous-plan", "2021 A")])):
        rel = write(tmp, "rel.csv", head + "2019,A,0.00,1.05,10.05\n"
                    "2020,A,0.00,2.05,8.00\n" + y2021 + "\n")
        rc, rows, _, out = check(tmp, "ms-" + name, rel,
                                 opts=["--previous", prev])
        ok(rc == 0 and of(rows) == want,
           f"remaining land against the previous plan's milestone, "
           f"{name}: {want or 'no finding'}")


def main():
    tmp = tempfile.mkdtemp(prefix="lr-published-")
    try:
        test_real(tmp)
        test_real_more(tmp)
        test_real_counts(tmp)
        test_shapes(tmp)
        test_silent(tmp)
        test_pack(tmp)
        test_text(tmp)
        test_unusable(tmp)
        test_columns(tmp)
        test_deadline(tmp)
        test_projection(tmp)
        test_milestone(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
