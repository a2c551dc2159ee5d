#!/usr/bin/env python3
"""The request workbook read back through LibreOffice (TAP output).

LibreOffice converts every sheet of request_tables.xlsx to CSV twice: the
values as a reader sees them (formatted) and as the cells hold them.  Each
request sheet is then rebuilt here from the analysis's CSV outputs (m²,
converted to km²) and compared cell by cell: every row and every column of
the sheet must be one that was expected, every area within 0.005 km² as
shown with two decimals, every count and date as in the CSVs.  The sample
country (data/make-sample.sh) with a projection, a work plan and a previous
plan covers every sheet but the declaration of completion's, which a
generated country complete in 2020 with areas found after it covers
(annex E); the real BiH data, when ../shared is here, covers
a country of 142 municipalities and 7,970 areas, and its three region
levels (entities, cantons, municipalities) in annex D.  A French workbook
holds the same numbers.  Skipped with a message only where soffice is absent.
"""
import csv
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from decimal import Decimal
from xml.sax.saxutils import unescape

import sample
import tap
from tap import ok, skip

BUILD = os.environ.get("LR_BUILD_DIR", "build")
SRC = os.environ.get("LR_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), ".."))
LR = os.path.join(BUILD, "cli", "landrelease")
GEN = os.path.join(BUILD, "data", "lr-generate")
BIH = os.path.join(os.environ.get("LR_SHARED_DATA", ""), "bih")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

KM2 = Decimal(10**6)
HALF = Decimal("0.005")  # two decimals, as shown
EXACT = Decimal("0.0000001")  # the cell itself: the exact m² / 10^6


def run(*args):
    return subprocess.run([LR, *args], capture_output=True, text=True)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---- LibreOffice -----------------------------------------------------------

def sheet_names(xlsx):
    with zipfile.ZipFile(xlsx) as book:
        wb = book.read("xl/workbook.xml").decode()
    return [unescape(n, {"&quot;": '"', "&apos;": "'"})
            for n in re.findall(r'<sheet name="([^"]*)"', wb)]


def convert(xlsx, tmp, shown):
    """{sheet name: rows} of every sheet, as LibreOffice exports it: the
    formatted text when shown, else the cells' values.  English (1033)
    number formats whatever the machine's locale; a profile of its own
    under tmp, so runs side by side do not share one."""
    out = tempfile.mkdtemp(dir=tmp, prefix="csv-")
    filt = ("csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,"
            f"{'true' if shown else 'false'},false,false,-1")
    env = dict(os.environ, HOME=os.path.join(tmp, "home"))
    profile = pathlib.Path(tmp, "lo-profile").as_uri()
    r = subprocess.run([SOFFICE, "-env:UserInstallation=" + profile,
                        "--headless", "--norestore", "--convert-to", filt,
                        "--outdir", out, xlsx], capture_output=True,
                       text=True, env=env, timeout=600)
    stem = pathlib.Path(xlsx).stem
    got = {}
    for name in sheet_names(xlsx):
        path = os.path.join(out, f"{stem}-{name}.csv")
        if os.path.exists(path):
            with open(path, newline="", encoding="utf-8") as f:
                got[name] = list(csv.reader(f))
    if len(got) != len(sheet_names(xlsx)):
        got["(conversion)"] = [[r.stdout + r.stderr]]
    return got


def body(rows):
    """(header, data rows) of a sheet: the header is the first row with
    more than one cell filled (the title, as-of, scope, units, source and
    notes above it fill the first cell only)."""
    for i, row in enumerate(rows):
        if sum(1 for c in row if c) > 1:
            return row, rows[i + 1:]
    return [], []


# ---- the expected sheets, from the CSV outputs -----------------------------
# A cell expected is (kind, value): "text" the exact text, "km2" an area
# in m², "count" a whole number, "pct" a percentage, "any" text that must
# only be there (a reason in words).

def t(v):
    return ("text", v)


def km(m2):
    return ("km2", Decimal(m2) if m2 != "" else None)


def n(v):
    return ("count", int(v))


def pct(v):
    return ("pct", Decimal(v) if v is not None else None)


def sheet_remaining(out, names):
    rows = read_csv(os.path.join(out, "remaining_by_region.csv"))
    return [[t(x["region_id"]), t(x["region_name"]), n(x["sha_count"]),
             km(x["sha_m2"]), n(x["cha_count"]), km(x["cha_m2"]),
             n(x["total_count"]), km(x["total_m2"])] for x in rows]


AREA_COLS = ("cancelled_m2", "reduced_m2", "cleared_m2", "released_m2")
ITEM_COLS = ("ap_mines", "av_mines", "erw")


def sheet_new(out, names):
    """Years as columns, a Total column, a region per row in the order of
    remaining_by_region, a TOTAL row."""
    flows = read_csv(os.path.join(out, "release_by_year.csv"))
    years = sorted({x["year"] for x in flows})
    new = {(x["region_id"], x["year"]): Decimal(x["new_m2"]) for x in flows}
    rows = []
    for x in read_csv(os.path.join(out, "remaining_by_region.csv")):
        rid = x["region_id"]
        vals = [new.get((rid, y), Decimal(0)) for y in years]
        label = ("any", None) if rid == "OUTSIDE" else t(names.get(rid, ""))
        rows.append([t(rid), label] + [km(v) for v in vals] + [km(sum(vals))])
    return rows


def sheet_planned(out, names, plan):
    """Planned (the previous plan's release_m2) against achieved
    (released_m2) for the plan rows already due; ALL YEARS sums the
    national rows."""
    flows = {(x["year"], x["region_id"]): Decimal(x["released_m2"])
             for x in read_csv(os.path.join(out, "release_by_year.csv"))}
    last = max(int(y) for y, _ in flows)
    rows, planned_all, achieved_all = [], Decimal(0), Decimal(0)
    for x in read_csv(plan):
        if int(x["year"]) > last:
            continue
        p = Decimal(x["release_m2"])
        a = flows.get((x["year"], x["region_id"]), Decimal(0))
        if x["region_id"] == "TOTAL":
            planned_all, achieved_all = planned_all + p, achieved_all + a
        rows.append(planned_row(t(x["year"]), x["region_id"], names, p, a))
    return rows + [planned_row(("any", None), "TOTAL", names, planned_all,
                               achieved_all)]


def planned_row(year, rid, names, p, a):
    return [year, t(rid), t(names.get(rid, "")), km(p), km(a), km(a - p),
            pct(a / p * 100 if p else None)]


def sheet_completion(out, names):
    rows = read_csv(os.path.join(out, "completion.csv"))
    return [[t(x["region_id"]), t(names.get(x["region_id"], "")),
             km(x["remaining_m2"]), km(x["mean_rate_m2_per_year"]),
             t(x["p10_date"]), t(x["p50_date"]), t(x["p90_date"]),
             t(x["deadline"]), pct(Decimal(x["p_on_time"]) * 100),
             t(x["extension_years"])] for x in rows]


def sheet_workplan(out, names):
    rows = read_csv(os.path.join(out, "workplan.csv"))
    return [[t(x["year"]), t(x["region_id"]), km(x["cancel_m2"]),
             km(x["reduce_m2"]), km(x["clear_m2"]), km(x["release_m2"]),
             km(x["remaining_end_m2"]), pct(x["cumulative_pct"])]
            for x in rows]


def sheet_layers(out, names, printed):
    """Read, accepted, repaired, rejected as analyze printed them."""
    return [[t(layer), n(a), n(b), n(c), n(d),
             pct(Decimal(d) / Decimal(a) * 100 if int(a) else Decimal(0))]
            for layer, a, b, c, d in printed]


def sheet_formc(out, names):
    rows = read_csv(os.path.join(out, "form_c.csv"))
    total = sum(Decimal(x["remaining_m2"]) for x in rows)
    return [[t(x["hazard_id"]), t(x["region_id"]),
             ("any", None) if x["region_id"] == "OUTSIDE"
             else t(names.get(x["region_id"], "")),
             t(x["type"]), t(x["contamination"]), t(x["recorded_date"]),
             km(x["remaining_m2"]), t(x["lon"]), t(x["lat"])]
            for x in rows] + [[t("TOTAL")] + [t("")] * 5 + [km(total)] +
                              [t(""), t("")]]


def sheet_levels(out, names):
    """Annex D: every row of remaining_by_level.csv in its order, with the
    name of the region it is part of, the land new and released over the
    years of release_by_year_by_level.csv, and the land at the start as
    what the remaining land, less the new, plus the released must have
    been (start + new - released = remaining)."""
    rows = read_csv(os.path.join(out, "remaining_by_level.csv"))
    flows = read_csv(os.path.join(out, "release_by_year_by_level.csv"))
    new = sum_groups(flows, lambda x: (x["level"], x["region_id"]),
                     lambda x: Decimal(x["new_m2"]))
    released = sum_groups(flows, lambda x: (x["level"], x["region_id"]),
                      lambda x: Decimal(x["released_m2"]))
    level_names = {(x["level"], x["region_id"]): x["region_name"]
                   for x in rows}
    want = []
    for x in rows:
        key = (x["level"], x["region_id"])
        above = str(int(x["level"]) - 1) if x["level"] else ""
        part_of = level_names.get((above, x["parent_id"]), x["parent_id"])
        name = (("any", None) if x["region_id"] == "OUTSIDE"
                else t(x["region_name"]))
        n_, r_ = new.get(key, Decimal(0)), released.get(key, Decimal(0))
        want.append([t(x["level"]), t(part_of), t(x["region_id"]), name,
                     km(Decimal(x["total_m2"]) - n_ + r_), km(n_), km(r_),
                     km(x["sha_m2"]), km(x["cha_m2"]), n(x["total_count"]),
                     km(x["total_m2"])])
    return want


STATUS = {"complete": "complete", "not_complete": "not complete"}


def region_name(names, rid):
    return ("any", None) if rid == "OUTSIDE" else t(names.get(rid, ""))


def sheet_declaration(out, names):
    """Annex E1: the regions complete or holding previously unknown land,
    in the CSV's order, then the nation."""
    rows = read_csv(os.path.join(out, "completion_by_region.csv"))
    nation = [x for x in rows if x["region_id"] == "TOTAL"]
    listed = [x for x in rows if x["region_id"] != "TOTAL" and
              (x["status"] == "complete" or int(x["unknown_count"]) > 0)]
    return [[t(x["region_id"]), t(x["region_name"]),
             t(STATUS.get(x["status"], "no land in scope")),
             t(x["completed_on"]), t(x["last_release"]),
             n(x["unknown_count"]), km(x["unknown_m2"]),
             km(x["remaining_m2"])] for x in listed + nation]


def sheet_decl_releases(out, names):
    """Annex E2: every release of the years before completion, a TOTAL."""
    rows = read_csv(os.path.join(out, "completion_releases.csv"))
    total = sum(Decimal(x["released_m2"]) for x in rows)
    return [[t(x["release_id"]), t(x["hazard_id"]), t(x["region_id"]),
             region_name(names, x["region_id"]), t(x["method"]),
             t(x["release_date"]), km(x["released_m2"])] for x in rows] + \
        [[t("TOTAL")] + [t("")] * 5 + [km(total)]]


def sheet_decl_unknown(out, names):
    """Annex E3: the areas recorded after completion, a TOTAL."""
    rows = read_csv(os.path.join(out, "previously_unknown.csv"))
    land = sum(Decimal(x["recorded_m2"]) for x in rows)
    left = sum(Decimal(x["remaining_m2"]) for x in rows)
    return [[t(x["hazard_id"]), t(x["region_id"]),
             region_name(names, x["region_id"]), t(x["type"]),
             t(x["contamination"]), t(x["recorded_date"]),
             km(x["recorded_m2"]), km(x["remaining_m2"]),
             t(x["released_on"])] for x in rows] + \
        [[t("TOTAL")] + [t("")] * 5 + [km(land), km(left), t("")]]


def declaration_sheets(out, names):
    """E1 once the nation or a region is complete; E2 and E3 once the
    nation is (its completed_on is set)."""
    path = os.path.join(out, "completion_by_region.csv")
    if not os.path.exists(path):
        return {}
    rows = read_csv(path)
    nation = next(x for x in rows if x["region_id"] == "TOTAL")
    want = {}
    if nation["completed_on"] or any(x["status"] == "complete"
                                     for x in rows):
        want["E1"] = sheet_declaration(out, names)
    if nation["completed_on"]:
        want["E2"] = sheet_decl_releases(out, names)
        want["E3"] = sheet_decl_unknown(out, names)
    return want
def sheet_contamination(out, names):
    """Sheet 1b: the regions of table 1 (the top level when regions have
    parents) and TOTAL, their land by contamination."""
    levels = os.path.join(out, "remaining_by_level.csv")
    rows = ([x for x in read_csv(levels) if x["level"] in ("1", "")]
            if os.path.exists(levels) else
            read_csv(os.path.join(out, "remaining_by_region.csv")))
    return [[t(x["region_id"]),
             ("any", None) if x["region_id"] == "OUTSIDE"
             else t(x["region_name"])] +
            [km(x[k]) for k in ("ap_m2", "av_m2", "erw_m2", "mixed_m2",
                                "total_m2")] for x in rows]


def sheet_released_reclassified(out, names):
    """Sheet 2 with SHA land reclassified as CHA after the land released
    and improvised AP mines beside AP mines: release_by_year.csv's TOTAL
    rows and their sum."""
    nat = [x for x in read_csv(os.path.join(out, "release_by_year.csv"))
           if x["region_id"] == "TOTAL"]
    areas = AREA_COLS + ("reclassified_m2",)
    items = ("ap_mines", "ap_improvised_mines", "av_mines", "erw")
    rows = [[t(x["year"])] + [km(x[k]) for k in areas] +
            [n(x[k]) for k in items] for x in nat]
    return rows + [[t("TOTAL")] +
                   [km(sum(Decimal(x[k]) for x in nat)) for k in areas] +
                   [n(sum(int(x[k]) for x in nat)) for k in items]]


# ---- comparing --------------------------------------------------------------

NUMBER = re.compile(r"-?\d{1,3}(,\d{3})*(\.\d+)?")


def shown_number(s, decimals):
    """The number a formatted cell shows, or None when it is not written
    with that many decimals and grouped thousands."""
    if not NUMBER.fullmatch(s):
        return None
    frac = s.split(".")[1] if "." in s else ""
    return Decimal(s.replace(",", "")) if len(frac) == decimals else None


def raw_number(s):
    try:
        return Decimal(s)
    except ArithmeticError:
        return None


def cell_wrong(want, shown, raw):
    """Why a cell differs from what was expected, or None."""
    kind, v = want
    if kind == "text":
        return None if shown == v else f"{shown!r} is not {v!r}"
    if kind == "any":
        return None
    if v is None:
        return None if shown == raw == "" else f"{shown!r} where none"
    exact = v / KM2 if kind == "km2" else Decimal(v)
    s = shown_number(shown, 0 if kind == "count" else 2)
    x = raw_number(raw)
    if s is None or x is None:
        return f"{shown!r} ({raw!r}) is not a number as expected"
    if abs(s - exact) > HALF or abs(x - exact) > EXACT:
        return f"{shown!r} ({raw!r}) is not {exact}"
    return None


def compare(shown_rows, raw_rows, want):
    """The differences of a sheet's data rows from the rows expected: a row
    missing or left over, a column too many or too few, a cell."""
    bad = []
    if len(shown_rows) != len(want):
        bad.append(f"{len(shown_rows)} rows, {len(want)} expected")
    for i, (s, r, w) in enumerate(zip(shown_rows, raw_rows, want)):
        if len(s) != len(w):
            bad.append(f"row {i + 1}: {len(s)} columns, {len(w)} expected")
            continue
        for c, (a, b, e) in enumerate(zip(s, r, w)):
            why = cell_wrong(e, a, b)
            if why:
                bad.append(f"row {i + 1} ({s[0]}) column {c + 1}: {why}")
    return bad


def sum_groups(rows, key, value):
    acc = defaultdict(lambda: Decimal(0))
    for x in rows:
        acc[key(x)] += value(x)
    return dict(acc)


def check_findings(out, shown_rows, raw_rows, label):
    """Annex A2 lists a code's findings by reason (rejections, repairs),
    so its rows are compared in sums: per layer, severity and code, the
    findings and their area are data_quality.csv's."""
    dq = read_csv(os.path.join(out, "data_quality.csv"))

    def key(x):
        return (x["layer"], x["severity"], x["code"])

    want_n = sum_groups(dq, key, lambda x: 1)
    want_a = sum_groups(dq, key, lambda x: Decimal(x["area_m2"] or 0))
    sheet = [dict(zip(("layer", "severity", "code", "reason", "n", "area"),
                      r)) for r in raw_rows]
    got_n = sum_groups(sheet, key, lambda x: Decimal(x["n"]))
    got_a = sum_groups(sheet, key, lambda x: Decimal(x["area"] or 0))
    bad = [k for k in want_n if got_n.get(k) != want_n[k] or
           abs(got_a.get(k, 0) - want_a[k] / KM2) > EXACT]
    bad += [k for k in got_n if k not in want_n]
    shapes = [i for i, (s, r) in enumerate(zip(shown_rows, raw_rows))
              if len(s) != 6 or not s[3] or
              shown_number(s[4], 0) is None or
              (r[5] and shown_number(s[5], 2) is None)]
    ok(not bad and not shapes and len(want_n) >= 3,
       f"{label} A2: findings and areas per layer, severity and code are "
       f"data_quality.csv's ({len(dq)} findings in {len(want_n)} codes)",
       ([(k, want_n.get(k), got_n.get(k)) for k in bad][:5], shapes[:5]))


def check_workbook(out, tmp, label, expected):
    """Every sheet of the workbook read back and compared; expected maps a
    sheet's number or letter to its rows, or to None for the findings."""
    xlsx = os.path.join(out, "request_tables.xlsx")
    shown = convert(xlsx, tmp, True)
    raw = convert(xlsx, tmp, False)
    keys = {name.split(" ")[0]: name for name in shown}
    ok(sorted(keys) == sorted(expected) and "(conversion)" not in shown,
       f"{label}: LibreOffice reads back every sheet, each one expected",
       (list(shown), sorted(expected), shown.get("(conversion)")))
    for k, want in expected.items():
        name = keys.get(k)
        if name is None or name not in raw:
            ok(False, f"{label} sheet {k}: read back")
            continue
        head, s_rows = body(shown[name])
        _, r_rows = body(raw[name])
        if want is None:
            check_findings(out, s_rows, r_rows, label)
            continue
        bad = compare(s_rows, r_rows, want)
        if want and len(head) != len(want[0]):
            bad.insert(0, f"header of {len(head)} columns: {head}")
        ok(not bad and want,
           f"{label} sheet '{name}': {len(want)} rows x {len(head)} "
           "columns, every figure the CSVs' (areas in km² within 0.005)",
           bad[:8])
    return raw


def printed_counts(stdout):
    return re.findall(r"^  (regions|hazards|releases) +(\d+) +(\d+) +(\d+) "
                      r"+(\d+)$", stdout, re.M)


def expected_sheets(out, printed, plan=None):
    names = {x["region_id"]: x["region_name"] for x in
             read_csv(os.path.join(out, "remaining_by_region.csv"))}
    want = {"1": sheet_remaining(out, names),
            "2": sheet_released_reclassified(out, names),
            "3": sheet_new(out, names),
            "A1": sheet_layers(out, names, printed),
            "A2": None,
            "B": sheet_formc(out, names)}
    want["1b"] = sheet_contamination(out, names)
    if plan:
        want["4"] = sheet_planned(out, names, plan)
    if os.path.exists(os.path.join(out, "completion.csv")):
        want["5"] = sheet_completion(out, names)
    if os.path.exists(os.path.join(out, "workplan.csv")):
        want["6"] = sheet_workplan(out, names)
    if os.path.exists(os.path.join(out, "remaining_by_level.csv")):
        want["D"] = sheet_levels(out, names)
    want.update(declaration_sheets(out, names))
    return want


# ---- the datasets -----------------------------------------------------------

def previous_plan(out, tmp):
    """A plan of the last two years: a region, the nation and a year not
    yet due, with numbers that round (0.5 km², 1,234.5 m²)."""
    flows = read_csv(os.path.join(out, "release_by_year.csv"))
    last = max(int(x["year"]) for x in flows)
    rid = next(x["region_id"] for x in flows if x["region_id"] != "TOTAL")
    path = os.path.join(tmp, "previous_plan.csv")
    with open(path, "w") as f:
        f.write("year,region_id,release_m2\n")
        f.write(f"{last - 1},{rid},1234.50\n{last - 1},TOTAL,500000\n")
        f.write(f"{last},{rid},0\n{last},TOTAL,2500000.25\n")
        f.write(f"{last + 2},TOTAL,10\n")
    return path


def check_sample(tmp):
    data = sample.make(GEN, os.path.join(tmp, "sample.gpkg"))
    out = os.path.join(tmp, "sample")
    a = run("analyze", data, "--out", out)
    p1 = run("project", out, "--deadline", "2028-12-31")
    p2 = run("plan", out, "--target", "2033-12-31")
    plan = previous_plan(out, tmp)
    r = run("report", out, "--format", "xlsx", "--previous-plan", plan)
    ok(a.returncode == p1.returncode == p2.returncode == r.returncode == 0,
       "sample: analyze, project, plan, report --previous-plan exit 0",
       a.stderr + p1.stderr + p2.stderr + r.stderr)
    want = expected_sheets(out, printed_counts(a.stdout), plan)
    raw = check_workbook(out, tmp, "sample", want)

    # The same workbook in French: sheet names and labels translated,
    # every cell that is a number the same number.
    shutil.copy(os.path.join(out, "request_tables.xlsx"),
                os.path.join(tmp, "en.xlsx"))
    r = run("report", out, "--format", "xlsx", "--previous-plan", plan,
            "--lang", "fr")
    fr = convert(os.path.join(out, "request_tables.xlsx"), tmp, False)
    fr_names = {name.split(" ")[0]: name for name in fr}
    pairs = [(name, fr_names.get(name.split(" ")[0])) for name in raw]
    diff = []
    for en_name, fr_name in pairs:
        if fr_name is None:
            diff.append((en_name, "no such sheet in French"))
            continue
        _, en_rows = body(raw[en_name])
        _, fr_rows = body(fr[fr_name])
        for i, (x, y) in enumerate(zip(en_rows, fr_rows)):
            nums = [(a, b) for a, b in zip(x, y) if raw_number(a) is not None]
            if len(x) != len(y) or any(raw_number(b) != raw_number(a)
                                       for a, b in nums):
                diff.append((en_name, i, x, y))
        if len(en_rows) != len(fr_rows):
            diff.append((en_name, "rows", len(en_rows), len(fr_rows)))
    ok(r.returncode == 0 and len(fr) == len(raw) and not diff and
       sorted(fr) != sorted(raw),
       "sample --lang fr: sheets translated, every number the English "
       "workbook's", (r.stderr, sorted(fr), diff[:3]))


def check_bih(tmp):
    if not os.path.exists(os.path.join(BIH, "suspect_areas_simplyfied.geojson")):
        skip("BiH workbook read back", f"the real BiH data ({BIH}) is not "
             "here")
        return
    out = os.path.join(tmp, "bih")
    a = run("analyze", "--map", os.path.join(SRC, "maps", "bih-snapshot.ini"),
            "--regions", os.path.join(BIH, "geoBoundaries-BIH-ADM3.geojson"),
            "--hazards", os.path.join(BIH, "suspect_areas_simplyfied.geojson"),
            "--releases", os.path.join(BIH,
                                       "cleared_areas_simplyfied.geojson"),
            "--out", out, "--threads", "2")
    r = run("report", out, "--format", "xlsx")
    ok(a.returncode == r.returncode == 0, "BiH: analyze and report exit 0",
       a.stderr[-1000:] + r.stderr)
    check_workbook(out, tmp, "BiH", expected_sheets(out,
                                                     printed_counts(a.stdout)))


def check_completed(tmp):
    """A generated country complete at the end of 2020 whose areas
    recorded since are previously unknown: every sheet of annex E."""
    data = os.path.join(tmp, "done.gpkg")
    subprocess.run([GEN, "--out", data, "--seed", "5", "--hazards", "300",
                    "--regions", "25", "--complete-by", "2020",
                    "--end-year", "2023"], check=True, capture_output=True)
    out = os.path.join(tmp, "done")
    a = run("analyze", data, "--out", out)
    r = run("report", out, "--format", "xlsx")
    ok(a.returncode == r.returncode == 0,
       "completed country: analyze and report exit 0", a.stderr + r.stderr)
    want = expected_sheets(out, printed_counts(a.stdout))
    ok(all(want.get(k) and len(want[k]) > 1 for k in ("E1", "E2", "E3")),
       "completed country: annex E expected with rows in E1, E2 and E3",
       sorted(want))
    check_workbook(out, tmp, "completed", want)


def main():
    if not SOFFICE:
        skip("the workbook read back through LibreOffice",
             "soffice not installed (apt-get install "
             "libreoffice-calc-nogui; ./bootstrap test installs it)")
        return tap.done()
    tmp = tempfile.mkdtemp(prefix="lr-xlsx-")
    check_sample(tmp)
    check_completed(tmp)
    check_bih(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
