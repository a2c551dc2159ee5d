#!/usr/bin/env python3
"""Hostile folders, files and text (TAP output): tests/redteam/README.md.

Every case runs landrelease against an output folder prepared the way an
attacker or an unlucky user would leave it (planted journals, symlinks at
the names landrelease writes, files where folders go, FIFOs and devices as
inputs, formulas and markup in input text), and checks its exit code, its
message, and that a victim tree outside the folder is byte-identical before
and after (names, contents, symlink targets, hashed).
"""
import csv
import hashlib
import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading

import tap
from tap import ok

BUILD = os.environ.get("LR_BUILD_DIR", "build")
LR = os.path.abspath(os.path.join(BUILD, "cli", "landrelease"))
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
REDTEAM = os.path.join(HERE, "redteam")
JOURNAL = ".landrelease.commit"
TABLES = ["remaining_by_region.csv", "release_by_year.csv", "data_quality.csv"]
STORE = "landrelease.sqlite"
TMP = tempfile.mkdtemp(prefix="lr-redteam-")
VICTIM = os.path.join(TMP, "victim")


def make_victim():
    """Files an attacker would like landrelease to overwrite or delete."""
    os.makedirs(os.path.join(VICTIM, "sub"), exist_ok=True)
    for name in ["secret.txt", STORE, JOURNAL, "sub/keep.csv"] + TABLES:
        with open(os.path.join(VICTIM, name), "w") as f:
            f.write(f"victim {name}\n")


def tree_hash(root):
    h = hashlib.sha256()
    for d, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(files + dirs):
            p = os.path.join(d, name)
            h.update(os.path.relpath(p, root).encode() + b"\0")
            if os.path.islink(p):
                h.update(b"L" + os.readlink(p).encode())
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    h.update(b"F" + f.read())
    return h.hexdigest()


def run(args, cwd=None, timeout=60, env=None):
    try:
        return subprocess.run([LR] + args, cwd=cwd, capture_output=True,
                              text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, "timeout", "", "timeout")


def analyze_args(out, regions=None):
    return ["analyze", "--regions", regions or os.path.join(CORPUS, "regions.geojson"),
            "--hazards", os.path.join(CORPUS, "hazards.geojson"),
            "--releases", os.path.join(CORPUS, "releases.geojson"),
            "--out", out, "--quiet"]


def fresh(name):
    """An analysis folder written by landrelease itself."""
    out = os.path.join(TMP, name)
    r = run(analyze_args(out))
    assert r.returncode == 0, r.stderr
    return out


def outputs_hash(out):
    return {f: open(os.path.join(out, f), "rb").read() for f in TABLES + [STORE]
            if os.path.isfile(os.path.join(out, f))}


def case(name, r, code, message, extra=True, detail=""):
    """The exit code, the message, the victim tree unchanged, and extra."""
    now = tree_hash(VICTIM)
    good = (r.returncode == code and message in r.stderr and now == VICTIM_HASH
            and extra)
    ok(good, f"{name}: exit {code}, says '{message}', nothing outside changed",
       f"exit {r.returncode}\n{r.stderr}\nvictim changed: {now != VICTIM_HASH}\n{detail}")


def plant_journal(out, text):
    with open(os.path.join(out, JOURNAL), "w") as f:
        f.write(text)


def journal_cases():
    """Journals landrelease did not write: refused whole, nothing touched."""
    secret = os.path.join(VICTIM, "secret.txt")
    bad = {
        "journal renaming a file from outside over an output":
            f"landrelease-journal 2 1-2-ab\nR\t{secret}\t{TABLES[0]}\n",
        "journal deleting an absolute path":
            f"landrelease-journal 2 1-2-ab\nD\t{secret}\n",
        "journal deleting ../victim/secret.txt":
            "landrelease-journal 2 1-2-ab\nD\t../victim/secret.txt\n",
        "journal renaming onto ../victim":
            "landrelease-journal 2 1-2-ab\nR\t.remaining_by_region.csv.tmp.1.0123456789abcdef"
            "\t../victim/secret.txt\n",
        "journal deleting a name outside the output set":
            "landrelease-journal 2 1-2-ab\nD\tnotes.txt\n",
        "journal renaming a file that is not a temporary":
            f"landrelease-journal 2 1-2-ab\nR\t{TABLES[1]}\t{TABLES[0]}\n",
        "journal of the old format (absolute paths)":
            f"R\t{TMP}/x/.a.tmp.1\t{TMP}/x/{TABLES[0]}\n",
        "journal without a run marker":
            f"landrelease-journal 2 \nD\t{TABLES[0]}\n",
        "journal with markup in its marker":
            f"landrelease-journal 2 <b>\nD\t{TABLES[0]}\n",
        "journal of binary bytes": "\x00\x01\xff" * 100,
        "journal over 1 MiB": "landrelease-journal 2 1-2-ab\n" + "D\tdata_quality.csv\n" * 70000,
    }
    commands = [["report", "{out}", "--format", "md"],
                ["plan", "{out}", "--target", "2045-12-31"],
                ["project", "{out}", "--deadline", "2045-12-31"]]
    for i, (name, text) in enumerate(bad.items()):
        out = fresh(f"journal-{i}")
        before = outputs_hash(out)
        plant_journal(out, text)
        cmd = [a.replace("{out}", out) for a in commands[i % len(commands)]]
        r = run(cmd)
        case(f"{name} ({cmd[0]})", r, 1, "nothing was changed",
             outputs_hash(out) == before and os.path.exists(os.path.join(out, JOURNAL)))
    # The journal's own name taken by a symlink, a FIFO, a folder.
    out = fresh("journal-symlink")
    os.symlink(os.path.join(VICTIM, JOURNAL), os.path.join(out, JOURNAL))
    case("journal that is a symlink to a file outside (analyze)", run(analyze_args(out)), 1,
         "not a journal landrelease wrote")
    out = fresh("journal-fifo")
    os.mkfifo(os.path.join(out, JOURNAL))
    case("journal that is a FIFO (report): refused at once", run(["report", out, "--format", "md"], timeout=20),
         1, "not a journal landrelease wrote")
    out = fresh("journal-dir")
    os.mkdir(os.path.join(out, JOURNAL))
    case("journal that is a folder (plan)", run(["plan", out, "--target", "2045-12-31"]), 1,
         "not a journal landrelease wrote")
    # A well-formed journal whose temporary is a symlink to a victim.
    out = fresh("journal-tmp-symlink")
    tmpname = f".{TABLES[0]}.tmp.1.0123456789abcdef"
    os.symlink(os.path.join(VICTIM, "secret.txt"), os.path.join(out, tmpname))
    plant_journal(out, f"landrelease-journal 2 1-2-ab\nR\t{tmpname}\t{TABLES[0]}\n")
    r = run(["report", out, "--format", "md"])
    case("journal whose temporary is a symlink to a file outside", r, 1,
         "not a file landrelease wrote",
         not os.path.islink(os.path.join(out, TABLES[0])))


def symlink_cases():
    """A symlink at every name landrelease writes: replaced, never followed."""
    out = fresh("symlinks-analyze")
    for f in TABLES + [STORE, "baseline_by_region.csv"]:
        os.remove(os.path.join(out, f)) if os.path.exists(os.path.join(out, f)) else None
        os.symlink(os.path.join(VICTIM, "secret.txt"), os.path.join(out, f))
    r = run(analyze_args(out))
    case("symlinks at the store and every table (analyze)", r, 0, "",
         all(not os.path.islink(os.path.join(out, f)) for f in TABLES + [STORE]))
    names = {"report": ["request_tables.md", "request_tables.json", "report.html",
                        "report.pdf", "request_tables.xlsx", "remaining.gpkg"],
             "project": ["completion.csv"], "plan": ["workplan.csv"]}
    for cmd, files in names.items():
        out = fresh(f"symlinks-{cmd}")
        for f in files:
            os.symlink(os.path.join(VICTIM, "secret.txt"), os.path.join(out, f))
        args = {"report": ["report", out], "project": ["project", out, "--deadline", "2045-12-31"],
                "plan": ["plan", out, "--target", "2045-12-31"]}[cmd]
        r = run(args)
        case(f"symlinks at every file of {cmd} ({', '.join(files)})", r, 0, "",
             all(os.path.isfile(os.path.join(out, f)) and not os.path.islink(os.path.join(out, f))
                 for f in files))
    out = os.path.join(TMP, "symlinks-check")
    os.makedirs(out)
    os.symlink(os.path.join(VICTIM, "secret.txt"), os.path.join(out, "findings.csv"))
    table = os.path.join(TMP, "remaining_by_region.csv")
    with open(table, "w") as f:
        f.write("region_id,region_name,sha_m2,cha_m2,total_m2\n=cmd,=cmd,1,2,3\n")
    r = run(["check", table, "--out", out, "--quiet"])
    ok(not os.path.islink(os.path.join(out, "findings.csv")) and tree_hash(VICTIM) == VICTIM_HASH,
       "a symlink at findings.csv (check): replaced, nothing outside changed",
       f"{r.returncode} {r.stderr}")
    out = fresh("stale-temp-symlink")
    link = os.path.join(out, f".{STORE}.tmp.999999.0123456789abcdef")
    os.symlink(os.path.join(VICTIM, STORE), link)
    r = run(analyze_args(out))
    case("a symlink named like a killed run's temporary (analyze removes the link only)",
         r, 0, "", not os.path.lexists(link))


def folder_cases():
    """Files where folders go, folders where files go, other working dirs."""
    path = os.path.join(TMP, "a-file")
    with open(path, "w") as f:
        f.write("a file\n")
    case("--out is a regular file", run(analyze_args(path)), 1, "not a directory",
         open(path).read() == "a file\n")
    case("--out lies under a regular file", run(analyze_args(path + "/sub")), 1,
         "not a directory")
    out = fresh("dir-at-table")
    before = outputs_hash(out)
    os.remove(os.path.join(out, TABLES[0]))
    os.mkdir(os.path.join(out, TABLES[0]))
    case("a folder where remaining_by_region.csv goes", run(analyze_args(out)), 1,
         "is a directory", outputs_hash(out) == {k: v for k, v in before.items() if k != TABLES[0]})
    # Relative --out from one working directory, the next command from
    # another one holding files of the same names.
    a, b = os.path.join(TMP, "cwd-a"), os.path.join(TMP, "cwd-b")
    os.makedirs(a)
    shutil.copytree(VICTIM, b)
    bh = tree_hash(b)
    r1 = run(analyze_args("out"), cwd=a)
    r2 = run(["report", os.path.join(a, "out"), "--format", "md,json"], cwd=b)
    r3 = run(["plan", "../cwd-a/out", "--target", "2045-12-31"], cwd=b)
    case("relative --out, then report and plan from another working directory", r3, 0, "",
         r1.returncode == 0 and r2.returncode == 0 and tree_hash(b) == bh and
         os.path.exists(os.path.join(a, "out", "workplan.csv")), r1.stderr + r2.stderr)
    # Two analyses at once into one folder: both finish, the folder holds
    # one complete set, no journal left.
    out = os.path.join(TMP, "two-at-once")
    res = [None, None]

    def go(i):
        res[i] = run(analyze_args(out))
    ts = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    ref = outputs_hash(fresh("two-at-once-ref"))
    case("two analyses at once into one folder", res[1], 0, "",
         res[0].returncode == 0 and outputs_hash(out) == ref and
         not os.path.exists(os.path.join(out, JOURNAL)), res[0].stderr)


def input_cases():
    """FIFOs, sockets, devices and folders where a file is expected."""
    fifo = os.path.join(TMP, "pipe")
    os.mkfifo(fifo)
    sock_path = os.path.join(TMP, "sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(sock_path)
    out = os.path.join(TMP, "inputs-out")
    case("a FIFO as the dataset", run(["analyze", fifo, "--out", out], timeout=20), 2,
         "is a named pipe (FIFO), not a file", not os.path.exists(out))
    case("a FIFO as --hazards", run(["analyze", "--regions", os.path.join(CORPUS, "regions.geojson"),
                                     "--hazards", fifo, "--releases", os.path.join(CORPUS, "releases.geojson"),
                                     "--out", out], timeout=20), 2, "is a named pipe")
    case("a socket as the dataset", run(["analyze", sock_path, "--out", out], timeout=20), 2,
         "is a socket")
    case("/dev/zero as the dataset", run(["analyze", "/dev/zero", "--out", out], timeout=20), 2,
         "is a device")
    case("a FIFO as the mapping file", run(analyze_args(out) + ["--map", fifo], timeout=20), 2,
         "is a named pipe")
    case("a folder as the mapping file", run(analyze_args(out) + ["--map", TMP], timeout=20), 2,
         "is a folder")
    case("a FIFO as the batch manifest", run(["batch", fifo, "--out", out], timeout=20), 2,
         "is a named pipe")
    case("a FIFO as a table to check", run(["check", fifo, "--out", out], timeout=20), 2,
         "is a named pipe")
    s.close()


def text_cases():
    """Formulas and markup from inputs stay text in every output."""
    out = os.path.join(TMP, "hostile-text")
    regions = os.path.join(REDTEAM, "hostile_regions.geojson")
    r = run(analyze_args(out, regions))
    rows = list(csv.reader(open(os.path.join(out, TABLES[0]), newline="")))
    cells = [c for row in rows for c in row]
    ok(r.returncode == 0 and "'=HYPERLINK(\"http://attacker.example/x\",\"click\")" in cells
       and "'@SUM(1+1)" in cells and not any(c[:1] in "=+@" for c in cells if c),
       "remaining_by_region.csv: formula cells from region names and ids are quoted behind '",
       rows)
    figures = [row[k] for row in rows[1:] for k in range(2, len(row))]
    ok(all(c == "" or c.replace(".", "").replace("-", "").isdigit() for c in figures),
       "remaining_by_region.csv: the figures are numbers, untouched", figures)
    title = "Report <script>alert(1)</script> | `x` [a](http://b)"
    r = run(["report", out, "--title", title, "--format", "md,html"])
    md = open(os.path.join(out, "request_tables.md")).read()
    html = open(os.path.join(out, "report.html")).read()
    ok(r.returncode == 0 and "<script>" not in md and "\\<script\\>" in md and
       "East \\| \\<b\\>bold\\</b\\> \\`code\\` \\[link\\](http://x)" in md,
       "request_tables.md: title and region names escaped (| < > ` [ ])", r.stderr + md[:600])
    ok("<script>alert" not in html and "&lt;script&gt;" in html and "<b>bold" not in html,
       "report.html: title and region names escaped", html[:300])
    findings = []
    for i, body in enumerate(["=HYPERLINK(\"http://x\"),-evil,abc\n@R2,+x,100\nTOTAL,Total,50\n",
                              "R1,West,100\nTOTAL,Total,50\n"]):
        check_out = os.path.join(TMP, f"check-text-{i}")
        os.makedirs(check_out)
        table = os.path.join(check_out, "remaining.csv")
        with open(table, "w") as f:
            f.write("region_id,region_name,remaining_m2\n" + body)
        r = run(["check", table, "--out", check_out, "--quiet"])
        findings += list(csv.reader(open(os.path.join(check_out, "findings.csv"), newline="")))
    cells = [c for row in findings for c in row]
    # quotes inside an unquoted cell are kept, as spreadsheets read them
    ok("'=HYPERLINK(\"http://x\")" in cells and
       not any(c[:1] in "=+@\t\r" for c in cells if c),
       "findings.csv: a row key from the checked table is quoted behind '", findings)
    ok("-50.00" in cells,
       "findings.csv: a negative difference stays a number (-50.00)", findings)


def id_cases():
    """Ids that are not UTF-8: kept distinct, never a false duplicate."""
    out = os.path.join(TMP, "latin1-ids")
    r = run(["analyze", "--regions", os.path.join(CORPUS, "regions.geojson"),
             "--hazards", os.path.join(REDTEAM, "latin1_ids_hazards.geojson"),
             "--releases", os.path.join(CORPUS, "releases.geojson"), "--out", out, "--quiet"])
    rows = list(csv.DictReader(open(os.path.join(out, "data_quality.csv"), newline="")))
    codes = [(x["code"], x["record_id"]) for x in rows if x["layer"] == "hazards"]
    ok(r.returncode == 0 and ("repaired_text", "H\\xE91") in codes and
       ("repaired_text", "H\\xE81") in codes and
       not any(c.startswith("rejected") for c, _ in codes),
       "ids H<E9>1, H<E8>1 and the text H\\xE91: three hazards, none a duplicate",
       (r.stderr, codes))
    db = sqlite3.connect(os.path.join(out, STORE))
    n = db.execute("SELECT accepted FROM ingest_counts WHERE layer = 'hazards'").fetchone()
    ok(n == (3,), "latin-1 ids: the store counts 3 accepted hazards", n)


def as_unprivileged():
    """The command prefix that runs as a user without rights on root's
    folders, or None (with the reason) when none can be had."""
    if os.geteuid() != 0:
        return [], None
    if not shutil.which("setpriv"):
        return None, "running as root and setpriv is missing"
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], None


def permission_cases():
    """A folder the user may read but not write."""
    prefix, why = as_unprivileged()
    names = ["read-only output folder (analyze)", "read-only output folder (report)",
             "a killed run's journal in a read-only folder (plan)"]
    if prefix is None:
        for n in names:
            tap.skip(n, why)
        return
    os.chmod(TMP, 0o755)
    ro = fresh("read-only")
    before = outputs_hash(ro)
    os.chmod(ro, 0o555)

    def run_as(args):
        r = subprocess.run(prefix + [LR] + args, capture_output=True, text=True, timeout=60)
        return r
    case(names[0], run_as(analyze_args(ro)), 1, "Permission denied",
         outputs_hash(ro) == before)
    case(names[1], run_as(["report", ro, "--format", "md"]), 1, "Permission denied",
         not os.path.exists(os.path.join(ro, "request_tables.md")))
    killed = fresh("killed-read-only")
    env = dict(os.environ, LR_FAULT_KILL_RENAME="2")
    run(analyze_args(killed, os.path.join(REDTEAM, "hostile_regions.geojson")), env=env)
    before = outputs_hash(killed)
    os.chmod(killed, 0o555)
    case(names[2], run_as(["plan", killed, "--target", "2045-12-31"]), 1,
         "cannot finish an interrupted run",
         outputs_hash(killed) == before and os.path.exists(os.path.join(killed, JOURNAL)))
    os.chmod(ro, 0o755)
    os.chmod(killed, 0o755)


def ellipsoid_cell(lon_span, lat1, lat2):
    """Independent figure: the area of the cell between two parallels and
    lon_span degrees of longitude on the WGS84 ellipsoid (the authalic
    latitude's closed form; Snyder, Map Projections, eq. 3-12)."""
    import math
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    e = math.sqrt(e2)

    def q(lat):
        s = math.sin(math.radians(lat))
        return s / (1 - e2 * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)
    return math.radians(lon_span) * a * a * (1 - e2) / 2 * abs(q(lat2) - q(lat1))


def sphere_cases():
    """Polygons across the antimeridian: split at 180 degrees, with their
    true area; around a pole: rejected by name."""
    out = os.path.join(TMP, "antimeridian")
    r = run(["analyze", "--regions", os.path.join(CORPUS, "regions.geojson"),
             "--hazards", os.path.join(REDTEAM, "antimeridian_hazards.geojson"),
             "--releases", os.path.join(CORPUS, "releases.geojson"), "--out", out,
             "--quiet", "--max-vertex-gap", "0"])
    rows = {x["record_id"]: x for x in csv.DictReader(
        open(os.path.join(out, "data_quality.csv"), newline="")) if x["layer"] == "hazards"
        and x["code"] in ("rejected_geometry", "repaired_geometry")}
    cell = ellipsoid_cell(0.002, -16.0, -16.002)
    x = rows.get("ANTI", {})
    ok(r.returncode == 0 and x.get("code") == "repaired_geometry" and
       "split at 180 degrees into 2 parts" in x.get("message", "") and
       abs(float(x.get("area_m2") or "nan") - cell) < 0.01,
       f"a rectangle across 180 degrees (ANTI): split in two, recorded, its "
       f"area that of the ellipsoid's cell ({cell:.3f} m2)", x)
    x = rows.get("POLE", {})
    ok(x.get("code") == "rejected_geometry" and
       "goes around a pole" in x.get("message", ""),
       "a ring around the north pole (POLE): rejected, naming the feature "
       "and the edge", x)
    east = {x["record_id"]: x for x in csv.DictReader(
        open(os.path.join(out, "data_quality.csv"), newline=""))}.get("EAST", {})
    ok(abs(float(east.get("area_m2") or "nan") - cell) < 0.01,
       f"a hazard touching 180 degrees from the east keeps its area "
       f"({east.get('area_m2')} m2, the cell's {cell:.3f})", east)
    # A whole run east and west of 180: a region, the two hazards and a
    # release of half of ANTI, all across it.
    out = os.path.join(TMP, "antimeridian-run")
    r = run(["analyze", "--regions", os.path.join(REDTEAM, "antimeridian_regions.geojson"),
             "--hazards", os.path.join(REDTEAM, "antimeridian_hazards.geojson"),
             "--releases", os.path.join(REDTEAM, "antimeridian_releases.geojson"),
             "--out", out, "--quiet", "--max-vertex-gap", "0"])
    rem = {x["region_id"]: x for x in csv.DictReader(
        open(os.path.join(out, "remaining_by_region.csv"), newline=""))} \
        if r.returncode == 0 else {}
    half = ellipsoid_cell(0.001, -16.0, -16.002)
    want = 2 * cell - half
    tav = rem.get("TAV", {})
    ok(tav and "OUTSIDE" not in rem and tav.get("total_count") == "2" and
       abs(float(tav["total_m2"]) - want) < 0.02 and
       rem["TOTAL"]["total_m2"] == tav["total_m2"],
       f"across 180 degrees, region, hazards and release: the region holds "
       f"both hazards and {want:.2f} m2 (two cells less half of one), "
       "nothing outside", (r.stderr, rem))
    years = [x for x in csv.DictReader(open(os.path.join(out, "release_by_year.csv"),
                                            newline="")) if x["region_id"] == "TAV"] \
        if r.returncode == 0 else []
    ok([(x["year"], x["cleared_m2"]) for x in years][-1:] and
       abs(float(years[-1]["cleared_m2"]) - half) < 0.02,
       f"... and the release across 180 degrees clears half a cell "
       f"({half:.2f} m2)", years)


def batch_cases():
    """A symlink at a batch run's log and at its summary: replaced."""
    gen = os.path.abspath(os.path.join(BUILD, "data", "lr-generate"))
    data = os.path.join(TMP, "batch.gpkg")
    subprocess.run([gen, "--out", data, "--seed", "3", "--hazards", "50",
                    "--regions", "4"], check=True, capture_output=True)
    man = os.path.join(TMP, "batch.ini")
    with open(man, "w") as f:
        f.write(f"[run one]\ndataset = {data}\n")
    out = os.path.join(TMP, "batch-out")
    os.makedirs(out)
    for name in ("one.log", "summary.csv", "summary.md"):
        os.symlink(os.path.join(VICTIM, "secret.txt"), os.path.join(out, name))
    os.symlink(VICTIM, os.path.join(out, "one"))
    r = run(["batch", man, "--out", out], timeout=300)
    case("symlinks at a batch run's log and the summaries", r, 0, "",
         all(os.path.isfile(os.path.join(out, n)) and not os.path.islink(os.path.join(out, n))
             for n in ("one.log", "summary.csv", "summary.md")))
    ok(os.path.isdir(os.path.join(out, "one")) and not os.path.islink(os.path.join(out, "one"))
       and os.path.exists(os.path.join(out, "one", STORE)) and tree_hash(VICTIM) == VICTIM_HASH,
       "a symlink to a folder outside at a batch run's folder: replaced by the run, its target untouched",
       sorted(os.listdir(out)))


def bom_cases():
    """A byte-order mark and CRLF line ends, as Windows editors write them."""
    cap = open(os.path.join(HERE, "fixtures", "plan", "capacity.ini")).read()
    cap = "\n".join(l for l in cap.splitlines() if not l.startswith(";"))
    plain = os.path.join(TMP, "capacity.ini")
    bom = os.path.join(TMP, "capacity-bom.ini")
    open(plain, "w").write(cap + "\n")
    open(bom, "wb").write(b"\xef\xbb\xbf" + (cap + "\n").replace("\n", "\r\n").encode())
    got = []
    for name, path in (("plain", plain), ("bom", bom)):
        out = fresh(f"bom-{name}")
        r = run(["plan", out, "--target", "2045-12-31", "--capacity", path])
        got.append((r.returncode, r.stderr,
                    open(os.path.join(out, "workplan.csv"), "rb").read()
                    if r.returncode == 0 else b""))
    ok(got[0][0] == 0 and got[0] == got[1],
       "a capacity file with a byte-order mark and CRLF gives the same work plan",
       got[1][1])
    man = os.path.join(TMP, "manifest-bom.ini")
    open(man, "wb").write(b"\xef\xbb\xbf[run a]\r\ndataset = missing.gpkg\r\n")
    r = run(["batch", man, "--out", os.path.join(TMP, "bom-batch")])
    ok(r.returncode == 1 and "missing.gpkg" in r.stderr and "outside any section" not in r.stderr,
       "a manifest beginning with a byte-order mark: its first [run] is read", r.stderr)


def history_bom_case():
    """A history file saved by a Windows spreadsheet."""
    hist = open(os.path.join(HERE, "fixtures", "history",
                             "bih_landmine_monitor.csv"), "rb").read()
    hist_bom = os.path.join(TMP, "history-bom.csv")
    open(hist_bom, "wb").write(b"\xef\xbb\xbf" + hist.replace(b"\n", b"\r\n"))
    got = []
    for name, path in (("plain", os.path.join(HERE, "fixtures", "history",
                                              "bih_landmine_monitor.csv")),
                       ("bom", hist_bom)):
        out = fresh(f"bom-history-{name}")
        r = run(["project", out, "--deadline", "2027-03-01", "--history", path])
        got.append((r.returncode,
                    open(os.path.join(out, "completion.csv"), "rb").read()
                    if r.returncode == 0 else r.stderr))
    ok(got[0][0] == 0 and got[0] == got[1],
       "a history file with a byte-order mark and CRLF gives the same projection",
       str(got[1])[:300])


def main():
    make_victim()
    global VICTIM_HASH
    VICTIM_HASH = tree_hash(VICTIM)
    try:
        journal_cases()
        symlink_cases()
        folder_cases()
        input_cases()
        text_cases()
        bom_cases()
        id_cases()
        permission_cases()
        sphere_cases()
        batch_cases()
        history_bom_case()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
