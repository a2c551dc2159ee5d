#!/usr/bin/env python3
"""landrelease analyze end to end, as a user runs it (TAP output).

Generated data through the command line: exit codes and messages, the
output contract (file names, headers, TOTAL rows), the identities every table
must satisfy to the cent, and byte-identical outputs across runs and thread
counts.
"""
import csv
import filecmp
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

import tap
from tap import ok
from decimal import Decimal

BUILD = os.environ.get("LR_BUILD_DIR", "build")
LR = os.path.join(BUILD, "cli", "landrelease")
GEN = os.path.join(BUILD, "data", "lr-generate")




def run(*args):
    return subprocess.run([LR, *args], capture_output=True, text=True)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def main():
    tmp = tempfile.mkdtemp(prefix="lr-cli-")
    data = os.path.join(tmp, "national.gpkg")
    subprocess.run([GEN, "--out", data, "--seed", "7", "--hazards", "600",
                    "--regions", "20"], check=True, capture_output=True)

    r = run("--help")
    ok(r.returncode == 0 and "analyze" in r.stdout, "--help lists analyze, exit 0")
    r = run("--version")
    lines = dict(l.split(" ", 1) for l in r.stdout.splitlines() if " " in l)
    gdal = subprocess.run(["gdal-config", "--version"], capture_output=True,
                          text=True).stdout.strip()
    ok(r.returncode == 0 and lines.get("SQLite") == sqlite3.sqlite_version
       and (not gdal or lines.get("GDAL") == gdal)
       and lines.get("GEOS", "")[:1].isdigit() and lines.get("PROJ", "")[:1].isdigit(),
       "--version names the SQLite and GDAL it runs with (as the system reports "
       "them) and the GEOS and PROJ versions", r.stdout)
    # A command line that cannot run, for every command: exactly two lines
    # on stderr (what is wrong, where the help is), nothing on stdout,
    # exit 2 -- the whole usage would scroll the error away.
    wrong = {
        "analyze": [["-x"], ["--out"], [data]],
        "inspect": [["-x"], ["-m"], []],
        "project": [["-x"], ["--window"], ["d"], []],
        "plan": [["-x"], ["--capacity"], ["d"], []],
        "report": [["-x"], ["--format"], []],
        "check": [["-x"], ["--against"], []],
        "batch": [["-x"], ["-j"], ["m.ini"], []],
    }
    said = {("-x",): "unknown option '-x'", ("--out",): "option '--out' needs a value",
            ("-m",): "option '-m' needs a value", ("-j",): "option '-j' needs a value",
            ("--window",): "option '--window' needs a value",
            ("--capacity",): "option '--capacity' needs a value",
            ("--format",): "option '--format' needs a value",
            ("--against",): "option '--against' needs a value",
            ("analyze", data): "--out DIR is required",
            ("project", "d"): "--deadline YYYY-MM-DD is required",
            ("plan", "d"): "--target YYYY-MM-DD is required",
            ("batch", "m.ini"): "--out DIR is required",
            ("inspect",): "give DATASET, or --regions, --hazards and --releases",
            ("project",): "DIR is missing", ("plan",): "DIR is missing",
            ("report",): "DIR is missing", ("check",): "no table file given",
            ("batch",): "MANIFEST is missing"}
    for cmd, cases in wrong.items():
        for bad in [["--frobnicate"], *cases]:
            message = ("unknown option '--frobnicate'" if bad == ["--frobnicate"]
                       else said.get(tuple(bad)) or said[(cmd, *bad)])
            r = run(cmd, *bad)
            ok(r.returncode == 2 and r.stdout == "" and r.stderr ==
               f"landrelease {cmd}: {message}\nsee 'landrelease {cmd} --help'\n",
               f"{cmd} {' '.join(bad) or '(nothing)'}: exit 2, '{message}' "
               "and where the help is, two lines", r.stderr)
    r = run("frobnicate")
    ok(r.returncode == 2 and r.stderr == "landrelease: unknown command "
       "'frobnicate'\nsee 'landrelease --help'\n", "an unknown command: exit 2, "
       "two lines", r.stderr)
    # The man page and the completion come from the --help texts.
    man_path = os.path.join(BUILD, "cli", "landrelease.1")
    man = open(man_path).read() if os.path.exists(man_path) else ""
    for cmd in ("inspect", "analyze", "project", "plan", "report", "batch", "check"):
        longs = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", run(cmd, "--help").stdout))
        missing = [o for o in sorted(longs) if o.replace("-", "\\-") not in man]
        ok(f".SH {cmd.upper()}" in man and longs and not missing,
           f"the man page has a section for {cmd} with each of its "
           f"{len(longs)} long options", missing)
    comp = os.path.join(os.environ.get("LR_SOURCE_DIR", "."), "cli",
                        "landrelease.bash")
    def complete(*words):
        script = (f"source {comp}; COMP_WORDS=({LR} {' '.join(words)}); "
                  f"COMP_CWORD={len(words)}; _landrelease; "
                  "printf '%s\\n' \"${COMPREPLY[@]}\"")
        return subprocess.run(["bash", "-c", script], capture_output=True,
                              text=True).stdout.split()
    ok(complete("ins") == ["inspect"] and complete("inspect", "--wr") ==
       ["--write-map"] and "--threads" in complete("analyze", "--th"),
       "bash completion: commands and each command's options from its "
       "--help", (complete("ins"), complete("inspect", "--wr")))
    r = run("analyze", data)
    ok(r.returncode == 2 and "--out" in r.stderr, "analyze without --out: exit 2 naming --out")
    missing = os.path.join(tmp, "nope.gpkg")
    r = run("analyze", missing, "--out", os.path.join(tmp, "o0"))
    ok(r.returncode == 2 and "nope.gpkg" in r.stderr,
       "missing dataset: exit 2 and the message names the file", r.stderr)
    r = run("analyze", data, "--out", os.path.join(tmp, "o0"), "--as-of", "2019-02-30")
    ok(r.returncode == 2 and "2019-02-30" in r.stderr, "impossible --as-of date: exit 2")

    out1, out2, out3 = (os.path.join(tmp, d) for d in ("t1", "t2", "t1b"))
    r1 = run("analyze", data, "--out", out1, "--threads", "1")
    ok(r1.returncode == 0, "analyze on generated data: exit 0", r1.stderr)
    ok("remaining" in r1.stdout and "hazards" in r1.stdout,
       "summary names layers and the national remaining", r1.stdout)
    r2 = run("analyze", data, "--out", out2, "--threads", "2", "--quiet")
    r3 = run("analyze", data, "--out", out3, "--threads", "1", "--quiet")
    ok(r2.returncode == 0 and r3.returncode == 0, "second and third runs: exit 0")
    # The short options are the long ones: -o -j -q -m.
    ident = os.path.join(tmp, "identity.ini")
    with open(ident, "w") as f:
        f.write("[regions]\nregion_id = region_id\n")
    out3s = os.path.join(tmp, "t1s")
    r = run("analyze", data, "-o", out3s, "-j", "1", "-q", "-m", ident)
    ok(r.returncode == 0 and r.stdout == ""
       and filecmp.cmp(os.path.join(out3, "release_by_year.csv"),
                       os.path.join(out3s, "release_by_year.csv"),
                       shallow=False),
       "-o DIR -j 1 -q -m FILE: quiet, the tables of --out --threads 1 "
       "--quiet --map", r.stderr)
    r = run("analyze", data, "-o", os.path.join(tmp, "t1m"), "-q", "-m",
            os.path.join(tmp, "no-such.ini"))
    ok(r.returncode == 2 and "no-such.ini" in r.stderr,
       "-m with a missing file: exit 2 naming it", r.stderr)
    names = ["remaining_by_region.csv", "release_by_year.csv", "data_quality.csv",
             "form_c.csv", "remaining_by_level.csv",
             "release_by_year_by_level.csv"]
    for name in names:
        ok(os.path.exists(os.path.join(out1, name)), f"{name} written")
        ok(filecmp.cmp(os.path.join(out1, name), os.path.join(out2, name), shallow=False),
           f"{name}: 1 and 2 threads byte-identical")
        ok(filecmp.cmp(os.path.join(out1, name), os.path.join(out3, name), shallow=False),
           f"{name}: two runs byte-identical")
    ok(not [f for f in os.listdir(out1) if ".tmp" in f], "no temporary file left in --out")

    rem = read_csv(os.path.join(out1, "remaining_by_region.csv"))
    ok(rem[0] == ["region_id", "region_name", "sha_count", "sha_m2", "cha_count",
                  "cha_m2", "total_count", "total_m2", "ap_m2", "av_m2", "erw_m2", "mixed_m2"],
       "remaining_by_region header", rem[0])
    rows = rem[1:]
    ok(rows[-1][0] == "TOTAL", "remaining_by_region ends with TOTAL")
    body = [x for x in rows[:-1]]
    ids = [x[0] for x in body if x[0] != "OUTSIDE"]
    ok(ids == sorted(ids), "regions sorted by region_id")
    sums_ok = all(
        sum(Decimal(x[c]) for x in body) == Decimal(rows[-1][c]) for c in range(2, 12))
    ok(sums_ok, "remaining: region rows sum to TOTAL in every column")
    ok(all(Decimal(x[3]) + Decimal(x[5]) == Decimal(x[7]) and
           int(x[2]) + int(x[4]) == int(x[6]) for x in rows),
       "remaining: SHA + CHA = total, areas and counts")
    ok(all(len(x[3].split(".")[1]) == 2 for x in rows), "areas have two decimals")
    ok(all(sum(Decimal(v) for v in x[8:12]) == Decimal(x[7]) for x in rows),
       "remaining: AP + AV + ERW + mixed = total, to the cent, every row")
    ok(sum(1 for x in rows[:-1] for v in x[8:12] if Decimal(v) > 0) > len(rows[:-1]),
       "remaining: the generated land falls in more than one contamination part")

    yb = read_csv(os.path.join(out1, "release_by_year.csv"))
    ok(yb[0] == ["year", "region_id", "new_m2", "cancelled_m2", "reduced_m2", "cleared_m2",
                 "released_m2", "remaining_end_m2", "ap_mines", "av_mines", "erw",
                 "reclassified_m2", "sha_end_m2", "cha_end_m2", "sha_count_end",
                 "cha_count_end", "ap_improvised_mines"],
       "release_by_year header", yb[0])
    years = sorted({int(x[0]) for x in yb[1:]})
    ok(years == list(range(years[0], years[-1] + 1)), "every year present, no gaps")
    regions = [x[0] for x in body]
    per_year_ok = True
    identity_ok = True
    stocks_ok = True
    total_ok = True
    prev = {}
    for y in years:
        yrows = [x for x in yb[1:] if int(x[0]) == y]
        if [x[1] for x in yrows] != regions + ["TOTAL"]:
            per_year_ok = False
            continue
        for c in range(2, 17):
            if sum(Decimal(x[c]) for x in yrows[:-1]) != Decimal(yrows[-1][c]):
                total_ok = False
        for x in yrows:
            released = Decimal(x[3]) + Decimal(x[4]) + Decimal(x[5])
            if released != Decimal(x[6]):
                identity_ok = False
            start = prev.get(x[1], Decimal(0))
            if Decimal(x[7]) != start + Decimal(x[2]) - released:
                identity_ok = False
            prev[x[1]] = Decimal(x[7])
            if Decimal(x[12]) + Decimal(x[13]) != Decimal(x[7]):
                stocks_ok = False
    ok(per_year_ok, "each year lists every region then TOTAL")
    ok(total_ok, "each year's TOTAL is the sum of its regions, every column")
    ok(identity_ok, "remaining_end = previous + new - released, to the cent, every row")
    ok(all(prev[x[0]] == Decimal(x[7]) for x in rows),
       "last year's remaining_end equals remaining_by_region, every row")
    ok(stocks_ok, "sha_end + cha_end = remaining_end, to the cent, every row")
    last = {x[1]: x for x in yb[1:] if int(x[0]) == years[-1]}
    ok(all([last[x[0]][12], last[x[0]][13], last[x[0]][14], last[x[0]][15]] ==
           [x[3], x[5], x[2], x[4]] for x in rows),
       "as-of year's stocks and counts by type equal remaining_by_region, every row")
    ok(sum(Decimal(x[11]) for x in yb[1:] if x[1] == "TOTAL") > 0,
       "some SHA land of the generated country is reclassified CHA")

    fc = read_csv(os.path.join(out1, "form_c.csv"))
    ok(fc[0] == ["hazard_id", "region_id", "type", "contamination", "recorded_date",
                 "remaining_m2", "lon", "lat"], "form_c header", fc[0])
    ok(sum(Decimal(x[5]) for x in fc[1:]) == Decimal(rows[-1][7]),
       "form_c adds up to remaining_by_region's TOTAL, to the cent")
    ok(len(fc) > 1 and all(Decimal(x[5]) > 0 and x[6].count(".") == 1 and
                           len(x[6].split(".")[1]) == 6 and len(x[7].split(".")[1]) == 6
                           for x in fc[1:]),
       "form_c: every listed area holds land and a point with six decimals")
    ok(len({x[0] for x in fc[1:]}) == len(fc) - 1, "form_c: one row per hazard")
    ok(len(fc) - 1 <= int(rows[-1][6]) + sum(1 for x in fc[1:] if Decimal(x[5]) < 1),
       "form_c lists no more areas than remain (beyond those under 1 m2)")
    dq = read_csv(os.path.join(out1, "data_quality.csv"))
    ok(dq[0] == ["severity", "code", "layer", "feature_id", "record_id", "area_m2", "message"],
       "data_quality header", dq[0])
    rejects = sum(1 for x in dq[1:] if x[0] == "error")
    db = sqlite3.connect(os.path.join(out1, "landrelease.sqlite"))
    counts = db.execute("SELECT SUM(read), SUM(accepted), SUM(rejected) FROM ingest_counts").fetchone()
    ok(counts[0] == counts[1] + counts[2], "store: read = accepted + rejected", counts)
    ok(rejects == counts[2], "every rejected feature has an error row in data_quality",
       f"{rejects} error rows, {counts[2]} rejected")
    st = db.execute("SELECT SUM(total_m2) FROM remaining_by_region WHERE region_id='TOTAL'").fetchone()[0]
    ok(abs(st - float(rows[-1][7])) < 0.005, "store remaining TOTAL = CSV TOTAL")
    fa = db.execute("SELECT SUM(area_m2) FROM faces WHERE state <> 'clean'").fetchone()[0] or 0
    ok(abs(fa - float(rows[-1][7])) < 0.01 * max(1, db.execute("SELECT COUNT(*) FROM faces").fetchone()[0]),
       "store: hazardous faces add up to the national remaining", (fa, rows[-1][7]))

    # as-of in the past: remaining equals that year's remaining_end
    y0 = years[len(years) // 2]
    out4 = os.path.join(tmp, "asof")
    r = run("analyze", data, "--out", out4, "--as-of", f"{y0}-12-31", "--quiet")
    rem4 = read_csv(os.path.join(out4, "remaining_by_region.csv"))
    tot_y0 = [x for x in yb[1:] if int(x[0]) == y0 and x[1] == "TOTAL"][0][7]
    ok(r.returncode == 0 and rem4[-1][7] == tot_y0,
       f"--as-of {y0}-12-31 gives that year's remaining_end", (rem4[-1][7], tot_y0))

    # strict: any reject fails with exit 2
    if counts[2] > 0:
        r = run("analyze", data, "--out", os.path.join(tmp, "strict"), "--strict", "--quiet")
        ok(r.returncode == 2 and "--strict" in r.stderr, "--strict with rejects: exit 2", r.stderr)

    # --deadline and --target: the same files as project and plan run alone
    out5 = os.path.join(tmp, "with-plan")
    r = run("analyze", data, "--out", out5, "--quiet", "--deadline", "2028-12-31",
            "--target", "2035-12-31")
    ok(r.returncode == 0, "analyze --deadline --target: exit 0", r.stderr)
    r6 = run("project", out1, "--deadline", "2028-12-31", "-j", "1")
    r7 = run("plan", out1, "--target", "2035-12-31")
    ok(r6.returncode == 0 and r7.returncode == 0, "project (-j 1) and plan alone: exit 0",
       r6.stderr + r7.stderr)
    for f in ("completion.csv", "workplan.csv"):
        a, b = os.path.join(out5, f), os.path.join(out1, f)
        ok(os.path.exists(a) and os.path.exists(b) and filecmp.cmp(a, b, shallow=False),
           f"analyze --deadline --target writes {f} as the command alone does")
    r = run("analyze", data, "--out", os.path.join(tmp, "o8"), "--deadline", "2028-02-30")
    ok(r.returncode == 2 and "--deadline" in r.stderr and "2028-02-30" in r.stderr
       and not os.path.exists(os.path.join(tmp, "o8")),
       "impossible --deadline: exit 2 before any work, naming the option", r.stderr)

    projection_checks(tmp)
    bih_published_history(tmp)
    shutil.rmtree(tmp, ignore_errors=True)  # about 100 MB: leave nothing
    return tap.done()


def p_done(values, k, need):
    """P(the sum of k draws, each one of values with equal chance, >= need),
    by enumerating how many times each value is drawn."""
    from math import factorial
    a_n, total = len(values), 0.0
    def rec(i, left, counts):
        nonlocal total
        if i == a_n - 1:
            c = counts + [left]
            if sum(n * v for n, v in zip(c, values)) >= need:
                w = factorial(k)
                for n in c:
                    w //= factorial(n)
                total += w / a_n ** k
            return
        for n in range(left + 1):
            rec(i + 1, left - n, counts + [n])
    rec(0, k, [])
    return total


def bih_published_history(tmp):
    """The real Bosnia and Herzegovina snapshot with the Landmine Monitor
    figures of tests/fixtures/history: the national percentiles fall in the
    years the three published years imply."""
    real = os.environ.get("LR_SHARED_DATA", "")
    src = os.environ.get("LR_SOURCE_DIR", ".")
    bih = os.path.join(real, "bih")
    if not os.path.exists(os.path.join(bih, "suspect_areas_simplyfied.geojson")):
        tap.skip("BiH with published history", "the real BiH data is not here")
        return
    out = os.path.join(tmp, "bih")
    run("analyze", "--map", os.path.join(src, "maps", "bih-snapshot.ini"),
        "--regions", os.path.join(bih, "geoBoundaries-BIH-ADM3.geojson"),
        "--hazards", os.path.join(bih, "suspect_areas_simplyfied.geojson"),
        "--releases", os.path.join(bih, "cleared_areas_simplyfied.geojson"),
        "--out", out, "--quiet")
    hist = os.path.join(src, "tests", "fixtures", "history", "bih_landmine_monitor.csv")
    r = run("project", out, "--deadline", "2027-03-01", "--runs", "20000",
            "--history", hist)
    total = read_csv(os.path.join(out, "completion.csv"))[-1]
    left = float(read_csv(os.path.join(out, "remaining_by_region.csv"))[-1][7])
    years = [26.20e6, 58.67e6, 5.23e6]  # km² of 2015-2017, in m²
    want, premise = [], True
    for q in (0.1, 0.5, 0.9):
        k = 1
        while p_done(years, k, left) < q:
            k += 1
        premise &= (q - p_done(years, k - 1, left) > 0.01
                    and p_done(years, k, left) - q > 0.01)
        want.append(2023 + k)
    got = [int(d[:4]) if d[:2] == "20" else 0 for d in total[3:6]]
    ok(r.returncode == 0 and premise and got == want,
       f"BiH with published 2015-2017: P10/P50/P90 in {want} as the draw "
       f"implies ({left / 1e6:.2f} km² left)", (got, r.stderr))


def never_rows_have_reasons(path):
    rows = read_csv(path)
    head = rows[0]
    bad = [r[0] for r in rows[1:]
           if "never" in r[head.index("p10_date"):head.index("extension_years") + 1]
           and not r[head.index("reason")]]
    return head[-1] == "reason" and not bad, bad


def projection_checks(tmp):
    """The bundled sample's projection, reasons, --history and plan's pace."""
    # The demo's sample, as data/make-sample.sh makes it.
    demo = os.path.join(tmp, "demo.gpkg")
    subprocess.run([GEN, "--out", demo, "--seed", "1", "--hazards", "300",
                    "--regions", "25", "--profile", "finishing"], check=True,
                   capture_output=True)
    dout = os.path.join(tmp, "demo")
    run("analyze", demo, "--out", dout, "--quiet")
    r = run("project", dout, "--deadline", "2028-12-31", "--runs", "2000")
    total = read_csv(os.path.join(dout, "completion.csv"))[-1]
    ok(r.returncode == 0 and all(d[:2] == "20" for d in total[3:6])
       and 0 < float(total[7]) < 1 and total[8].isdigit(),
       "the demo's national P10/P50/P90 are dates, with a chance of finishing "
       "on time and an extension in years", total)
    # The default profile: a country that never finishes regionally.
    sample = os.path.join(tmp, "sample.gpkg")
    subprocess.run([GEN, "--out", sample, "--seed", "1", "--hazards", "300",
                    "--regions", "25"], check=True, capture_output=True)
    out = os.path.join(tmp, "sample")
    run("analyze", sample, "--out", out, "--quiet")
    r = run("project", out, "--deadline", "2028-12-31", "--runs", "2000")
    total = read_csv(os.path.join(out, "completion.csv"))[-1]
    ok(r.returncode == 0 and "P50 20" in r.stdout and total[4][:2] == "20",
       "the never-finishing profile's national P50 is a date under the "
       "national model", r.stdout)
    good, bad = never_rows_have_reasons(os.path.join(out, "completion.csv"))
    ok(good, "national model: every never has a reason", bad)
    r = run("project", out, "--deadline", "2028-12-31", "--runs", "2000",
            "--model", "regional")
    path = os.path.join(out, "completion.csv")
    nevers = sum(1 for row in read_csv(path)[1:] if "never" in row[3:9])
    good, bad = never_rows_have_reasons(path)
    ok(r.returncode == 0 and nevers > 0 and good
       and r.stderr.count(": never: ") == nevers,
       f"regional model: {nevers} rows say never, each with its reason in "
       "the file and on stderr", bad)
    r = run("project", out, "--deadline", "2028-12-31", "--model", "provincial")
    ok(r.returncode == 2 and "--model 'provincial'" in r.stderr,
       "unknown --model: exit 2 naming it", r.stderr)

    hist = os.path.join(tmp, "published.csv")
    with open(hist, "w") as f:
        f.write('"Published figures",,\nYear,Released (ha),New (ha)\n'
                "2021,40,1\n2022,50,1\n2023,60,1\n")
    r = run("project", out, "--deadline", "2028-12-31", "--runs", "500",
            "--history", hist)
    years = read_csv(os.path.join(out, "history_years.csv"))
    ok(r.returncode == 0 and [y[0] for y in years[1:]] == ["2021", "2022", "2023"]
       and years[2][4] == "500000.00" and years[2][6] == hist + ":4",
       "--history: the file's years drawn, each with its line", years)
    with open(hist, "a") as f:
        f.write("2025,,1\n")
    r = run("project", out, "--deadline", "2028-12-31", "--history", hist)
    ok(r.returncode == 2 and hist + ":6:" in r.stderr and "not an area" in r.stderr,
       "a missing published figure: exit 2 naming file and line", r.stderr)
    r = run("plan", out, "--target", "2026-12-31")
    rows = [x for x in read_csv(os.path.join(out, "plan_findings.csv"))
            if x[0] == "pace_above_best_year" and x[2] == "TOTAL"]
    ratio = float(rows[0][6]) if rows else 0
    # The need, counted here: the remaining land over the days to the target.
    import datetime
    db = sqlite3.connect(os.path.join(out, "landrelease.sqlite"))
    as_of = db.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()[0]
    db.close()
    days = (datetime.date(2026, 12, 31) - datetime.date.fromisoformat(as_of)).days
    left = float(read_csv(os.path.join(out, "remaining_by_region.csv"))[-1][7])
    need = left * 365.25 / days
    ok(r.returncode == 0 and ratio > 2 and rows and abs(float(rows[0][4]) - need) < 0.01
       and f"{ratio:.2f} times the best year" in r.stderr
       and abs(ratio - need / float(rows[0][5])) < 0.006,
       f"plan: a target needing {need:.0f} m² a year, more than twice the best "
       "year, is warned with its ratio", r.stderr)


if __name__ == "__main__":
    sys.exit(main())
