#!/usr/bin/env python3
"""landrelease batch end to end (TAP output).

Small generated datasets; a manifest of three runs and one broken run:
statuses, exit codes and summary rows; every run's outputs identical to the
same commands run alone; --resume recomputing only what changed; a batch
killed half way and resumed; shards gathered with --summary-only; manifest
errors naming the file and line.
"""
import csv
import filecmp
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

import tap
from tap import ok

BUILD = os.environ.get("LR_BUILD_DIR", "build")
SOURCE = os.environ.get("LR_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LR = os.path.abspath(os.path.join(BUILD, "cli", "landrelease"))
GEN = os.path.abspath(os.path.join(BUILD, "data", "lr-generate"))
FIXTURES = os.path.join(SOURCE, "tests", "fixtures", "batch")
MARKER = ".landrelease-run"




def run(*args, **kw):
    return subprocess.run([LR, *args], capture_output=True, text=True, **kw)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def generate(path, seed, hazards=200):
    subprocess.run([GEN, "--out", path, "--seed", str(seed), "--hazards",
                    str(hazards), "--regions", "8"], check=True,
                   capture_output=True)


def store_rows(path):
    """The store's content, without SpatiaLite's own bookkeeping
    (spatialite_history, geometry_columns_time: the clock time each metadata
    table was created or touched), which differs between any two runs."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out = []
    try:
        tables = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "ORDER BY name").fetchall()
        for name, sql in tables:
            if name in ("spatialite_history", "geometry_columns_time") or (sql or "").upper().startswith(
                    "CREATE VIRTUAL"):
                continue  # virtual tables need SpatiaLite loaded
            out.append((name, sql))
            out.extend(db.execute(f'SELECT * FROM "{name}"').fetchall())
        return out
    finally:
        db.close()


def same_outputs(a, b):
    """Compare two run folders: the same files (marker aside), CSVs byte for
    byte, the store byte for byte or else row for row.  Returns a list of
    differences."""
    diffs = []
    fa = sorted(f for f in os.listdir(a) if f != MARKER)
    fb = sorted(f for f in os.listdir(b) if f != MARKER)
    if fa != fb:
        return [f"files differ: {fa} vs {fb}"]
    for f in fa:
        pa, pb = os.path.join(a, f), os.path.join(b, f)
        if filecmp.cmp(pa, pb, shallow=False):
            continue
        if f.endswith(".sqlite") and store_rows(pa) == store_rows(pb):
            continue
        diffs.append(f)
    return diffs


def standalone(tmp, name, analyze_args, project_args=None, plan_args=None):
    """Run analyze (+ project, + plan) alone into tmp/alone-NAME."""
    out = os.path.join(tmp, "alone-" + name)
    r = run("analyze", *analyze_args, "--out", out)
    codes = [r.returncode]
    if project_args is not None:
        codes.append(run("project", out, *project_args).returncode)
    if plan_args is not None:
        codes.append(run("plan", out, *plan_args).returncode)
    return out, codes


def summary_rows(path):
    rows = read_csv(path)
    return rows[0], rows[1:]


def mtimes(folder):
    return {f: os.stat(os.path.join(folder, f)).st_mtime_ns
            for f in os.listdir(folder)}


def main():
    if not (os.access(LR, os.X_OK) and os.access(GEN, os.X_OK)):
        print(f"1..0 # SKIP {LR} or {GEN} not built")
        return 0
    tmp = tempfile.mkdtemp(prefix="lr-batch-")
    for f in os.listdir(FIXTURES):
        shutil.copy(os.path.join(FIXTURES, f), tmp)
    d1, d2, d3 = (os.path.join(tmp, f"d{i}.gpkg") for i in (1, 2, 3))
    generate(d1, 11)
    generate(d2, 12)
    generate(d3, 13)
    manifest = os.path.join(tmp, "m.ini")
    with open(manifest, "w") as f:
        f.write("""; three runs and a broken one
[defaults]
dataset = d1.gpkg
runs = 2000
seed = 5

[run alpha]
deadline = 2030-12-31
target = 2030-12-31
capacity = capacity.ini
costs = costs.ini

[run beta]
dataset = d2.gpkg
deadline = 2032-12-31
scenario = slow.ini
as_of = 2024-12-31

[run gamma]
dataset = ./d3.gpkg
scope = AP,mixed
window = 3

[run broken]
dataset = missing.gpkg
deadline = 2030-12-31
""")
    out = os.path.join(tmp, "out")

    # ---- statuses, exit code, summary -------------------------------------
    r = run("batch", manifest, "--out", out, "--jobs", "2")
    ok(r.returncode == 1, "a batch with a failing run exits 1",
       r.stderr)
    header, rows = summary_rows(os.path.join(out, "summary.csv"))
    ok(header == ["run", "status", "remaining_m2", "sha_m2", "cha_m2",
                  "released_last_year_m2", "p50_date", "p90_date", "deadline",
                  "p_on_time", "extension_years", "rejected_features",
                  "seconds", "error"], "summary.csv header", header)
    ok([x[0] for x in rows] == ["alpha", "beta", "gamma", "broken"],
       "one row per run, manifest order", rows)
    ok([x[1] for x in rows] == ["ok", "ok", "ok", "failed"],
       "statuses ok, ok, ok, failed", rows)
    by = {x[0]: dict(zip(header, x)) for x in rows}
    ok("missing.gpkg" in by["broken"]["error"],
       "the failed run's error quotes the message naming the file",
       by["broken"]["error"])
    ok(all(by[k]["error"] == "" for k in ("alpha", "beta", "gamma")),
       "no error on ok runs")
    ok("broken" in r.stderr and "failed" in r.stderr and
       "4 runs: 3 ok" in r.stderr,
       "progress lines and a total on stderr", r.stderr)
    ok(not os.path.exists(os.path.join(out, "broken")),
       "no folder for the failed run")
    ok(not [f for f in os.listdir(out) if ".tmp." in f],
       "no temporary folder left", os.listdir(out))
    ok(os.path.exists(os.path.join(out, "summary.md")), "summary.md written")
    cores = min(os.cpu_count() or 1, len(os.sched_getaffinity(0)))
    with open(os.path.join(out, "alpha.log")) as f:
        log = f.read()
    want = max(1, cores // 2)
    ok(f"--threads {want} " in log or log.rstrip().endswith(f"--threads {want}")
       or f"--threads {want}\n" in log,
       f"--jobs 2 on {cores} cores: each step gets --threads {want}", log)
    ok("$ landrelease analyze" in log and "$ landrelease project" in log and
       "$ landrelease plan" in log and "landrelease batch: ok" in log,
       "the run's log shows each command and the outcome", log)
    for name in ("alpha", "beta", "gamma"):
        rem = read_csv(os.path.join(out, name, "remaining_by_region.csv"))
        ok(by[name]["remaining_m2"] == rem[-1][7] and
           by[name]["sha_m2"] == rem[-1][3] and by[name]["cha_m2"] == rem[-1][5],
           f"{name}: summary figures are the TOTAL row of its tables")
    ok(by["alpha"]["deadline"] == "2030-12-31" and by["alpha"]["p50_date"] != "",
       "alpha: projection columns filled", by["alpha"])
    ok(by["gamma"]["deadline"] == "" and by["gamma"]["p50_date"] == "",
       "gamma (no deadline): projection columns empty", by["gamma"])
    ok(os.path.exists(os.path.join(out, "alpha", "workplan.csv")) and
       not os.path.exists(os.path.join(out, "beta", "workplan.csv")),
       "plan only for the run with a target")
    comp = read_csv(os.path.join(out, "beta", "completion.csv"))
    ok(by["beta"]["p_on_time"] == comp[-1][7], "beta: p_on_time from completion.csv")
    yb = read_csv(os.path.join(out, "beta", "release_by_year.csv"))
    last = [x for x in yb[1:] if x[1] == "TOTAL"][-1]
    ok(last[0] == "2024" and by["beta"]["released_last_year_m2"] == last[6],
       "beta: released in the last year (2024, as_of) from release_by_year",
       (last, by["beta"]["released_last_year_m2"]))
    db = sqlite3.connect(os.path.join(out, "alpha", "landrelease.sqlite"))
    rej = db.execute("SELECT SUM(rejected) FROM ingest_counts").fetchone()[0]
    db.close()
    ok(by["alpha"]["rejected_features"] == str(rej),
       "alpha: rejected features from ingest_counts")

    # ---- identical to standalone runs ---------------------------------------
    cap, cost, slow = (os.path.join(tmp, f) for f in
                       ("capacity.ini", "costs.ini", "slow.ini"))
    a, codes = standalone(
        tmp, "alpha", [d1], ["--deadline", "2030-12-31", "--runs", "2000",
                             "--seed", "5"],
        ["--target", "2030-12-31", "--capacity", cap, "--costs", cost])
    ok(codes == [0, 0, 0], "alpha alone: exit 0", codes)
    diffs = same_outputs(os.path.join(out, "alpha"), a)
    ok(not diffs, "alpha: every output identical to the commands run alone",
       diffs)
    b, codes = standalone(
        tmp, "beta", [d2, "--as-of", "2024-12-31"],
        ["--deadline", "2032-12-31", "--runs", "2000", "--seed", "5",
         "--scenario", slow])
    diffs = same_outputs(os.path.join(out, "beta"), b)
    ok(codes == [0, 0] and not diffs,
       "beta: every output identical to the commands run alone", diffs)
    g, codes = standalone(tmp, "gamma", [d3, "--scope", "AP,mixed"])
    diffs = same_outputs(os.path.join(out, "gamma"), g)
    ok(codes == [0] and not diffs,
       "gamma: every output identical to the command run alone", diffs)
    csv_same = all(
        filecmp.cmp(os.path.join(out, "alpha", f), os.path.join(a, f),
                    shallow=False)
        for f in os.listdir(a) if f.endswith(".csv"))
    ok(csv_same, "alpha: CSV tables byte-identical")

    # ---- resume -------------------------------------------------------------
    before = {k: mtimes(os.path.join(out, k)) for k in ("alpha", "beta", "gamma")}
    r = run("batch", manifest, "--out", out, "--resume")
    ok(r.returncode == 1 and "3 ok (3 unchanged)" in r.stderr,
       "resume with nothing changed skips the three finished runs", r.stderr)
    ok(all(mtimes(os.path.join(out, k)) == before[k] for k in before),
       "... and leaves their folders untouched")
    old_beta = by["beta"]["remaining_m2"]
    generate(d2, 99)  # beta's input changes
    r = run("batch", manifest, "--out", out, "--resume")
    _, rows2 = summary_rows(os.path.join(out, "summary.csv"))
    by2 = {x[0]: dict(zip(header, x)) for x in rows2}
    ok(r.returncode == 1 and "2 unchanged" in r.stderr,
       "resume after changing beta's input: two runs unchanged", r.stderr)
    ok(mtimes(os.path.join(out, "alpha")) == before["alpha"] and
       mtimes(os.path.join(out, "gamma")) == before["gamma"],
       "alpha and gamma not recomputed")
    ok(mtimes(os.path.join(out, "beta")) != before["beta"], "beta recomputed")
    ok(by2["beta"]["remaining_m2"] != old_beta and by2["beta"]["status"] == "ok",
       "beta's result follows its new input",
       (old_beta, by2["beta"]["remaining_m2"]))
    with open(os.path.join(tmp, "slow.ini"), "a") as f:
        f.write("; edited\n")
    r = run("batch", manifest, "--out", out, "--resume")
    ok("2 unchanged" in r.stderr and
       mtimes(os.path.join(out, "alpha")) == before["alpha"],
       "editing beta's scenario file recomputes beta only", r.stderr)

    # ---- killed half way, then resumed ------------------------------------
    kill_m = os.path.join(tmp, "k.ini")
    with open(kill_m, "w") as f:
        f.write("[defaults]\ndeadline = 2030-12-31\nruns = 20000\n")
        for i, d in enumerate([d1, d3, d1, d3, d1]):
            f.write(f"[run k{i}]\ndataset = {os.path.basename(d)}\nseed = {i}\n")
    ref = os.path.join(tmp, "kref")
    r = run("batch", kill_m, "--out", ref)
    ok(r.returncode == 0, "uninterrupted batch: exit 0", r.stderr)
    kout = os.path.join(tmp, "kout")
    p = subprocess.Popen([LR, "batch", kill_m, "--out", kout],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and not os.path.exists(
            os.path.join(kout, "k0", MARKER)):
        time.sleep(0.02)
    time.sleep(0.3)  # into the second run
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    left = sorted(os.listdir(kout)) if os.path.isdir(kout) else []
    done_runs = [f for f in left if f.startswith("k") and
                 os.path.isdir(os.path.join(kout, f))]
    ok("k0" in done_runs and len(done_runs) < 5,
       "killed after the first run: some runs finished, not all", left)
    ok(all(os.path.exists(os.path.join(kout, f, MARKER)) for f in done_runs),
       "every run folder present is complete (has its marker)", left)
    k0_before = mtimes(os.path.join(kout, "k0"))
    r = run("batch", kill_m, "--out", kout, "--resume", "--jobs", "2")
    ok(r.returncode == 0, "resume after the kill: exit 0", r.stderr)
    ok(not [f for f in os.listdir(kout) if ".tmp." in f],
       "leftover temporary folders removed", os.listdir(kout))
    ok(mtimes(os.path.join(kout, "k0")) == k0_before,
       "the run finished before the kill is not redone")
    diffs = {k: same_outputs(os.path.join(kout, k), os.path.join(ref, k))
             for k in ("k0", "k1", "k2", "k3", "k4")}
    ok(not any(diffs.values()),
       "after resume every run equals the uninterrupted batch", diffs)
    strip = lambda rows: [x[:12] + x[13:] for x in rows]  # noqa: E731
    ok(strip(read_csv(os.path.join(kout, "summary.csv"))) ==
       strip(read_csv(os.path.join(ref, "summary.csv"))),
       "summaries equal (seconds aside)")

    # ---- shards + summary-only ----------------------------------------------
    generate(d2, 12)  # back to the first batch's input
    full = os.path.join(tmp, "full")
    r = run("batch", manifest, "--out", full, "--jobs", "2")
    sh = os.path.join(tmp, "sharded")
    codes = [run("batch", manifest, "--out", sh, "--shard", f"{i}/3").returncode
             for i in (1, 2, 3)]
    ok(sorted(codes) == [0, 0, 1], "three shards: the broken run's shard exits 1",
       codes)
    ok(os.path.exists(os.path.join(sh, "summary-1-of-3.csv")) and
       not os.path.exists(os.path.join(sh, "summary.csv")),
       "a shard writes its own summary, not summary.csv")
    s1 = read_csv(os.path.join(sh, "summary-1-of-3.csv"))
    ok([x[0] for x in s1[1:]] == ["alpha", "broken"],
       "shard 1/3 ran runs 0 and 3", s1)
    r = run("batch", manifest, "--out", sh, "--summary-only")
    ok(r.returncode == 1, "--summary-only with a failed run exits 1", r.stderr)
    ok(strip(read_csv(os.path.join(sh, "summary.csv"))) ==
       strip(read_csv(os.path.join(full, "summary.csv"))),
       "gathered shards equal the unsharded summary (seconds aside)",
       open(os.path.join(sh, "summary.csv")).read() + "---\n" +
       open(os.path.join(full, "summary.csv")).read())

    # ---- manifest errors and usage -------------------------------------------
    bad = os.path.join(tmp, "bad.ini")
    cases = [
        ("[run a]\ndataset = d1.gpkg\ncolour = red\n", "bad.ini:3", "unknown key"),
        ("[run a]\ndataset = d1.gpkg\n[run a]\ndataset = d2.gpkg\n",
         "bad.ini:3", "duplicate run name"),
        ("[defaults]\ndeadline = 2030-13-01\n[run a]\ndataset = d1.gpkg\n",
         "bad.ini:2", "bad date"),
        ("[run a/b]\ndataset = d1.gpkg\n", "bad.ini:1", "unsafe run name"),
    ]
    for text, where, what in cases:
        with open(bad, "w") as f:
            f.write(text)
        r = run("batch", bad, "--out", os.path.join(tmp, "badout"))
        ok(r.returncode == 2 and where in r.stderr,
           f"manifest with {what}: exit 2, message names {where}", r.stderr)
    ok(not os.path.exists(os.path.join(tmp, "badout", "a")),
       "nothing run for an unusable manifest")
    r = run("batch", manifest)
    ok(r.returncode == 2 and "--out" in r.stderr, "no --out: exit 2")
    r = run("batch", manifest, "--out", out, "--shard", "4/3")
    ok(r.returncode == 2 and "--shard" in r.stderr, "--shard 4/3: exit 2")
    r = run("batch", os.path.join(tmp, "nope.ini"), "--out", out)
    ok(r.returncode == 2 and "nope.ini" in r.stderr,
       "missing manifest: exit 2 naming it")
    r = run("--help")
    ok("batch" in r.stdout, "landrelease --help lists batch")

    # ---- runs with the same analysis share it --------------------------------
    shared = os.path.join(tmp, "shared.ini")
    with open(shared, "w") as f:
        f.write("""[defaults]
dataset = d1.gpkg
deadline = 2031-12-31
runs = 500

[run plain]

[run slower]
scenario = slow.ini

[run other-scope]
scope = AP
""")
    out_s = os.path.join(tmp, "out-shared")
    r = run("batch", shared, "--out", out_s, "--jobs", "2")
    logs = {}
    for name in ("plain", "slower", "other-scope"):
        with open(os.path.join(out_s, name + ".log")) as f:
            logs[name] = f.read()
    copied = [k for k, v in logs.items() if "(not run: its outputs are those of run" in v]
    ok(r.returncode == 0 and copied == ["slower"],
       "two runs with one analysis: analysed once, the other copies it; "
       "a run with other settings analyses itself", (r.stderr, copied))
    s_dir, codes = standalone(tmp, "slower", [d1], ["--deadline", "2031-12-31",
                                                    "--runs", "500", "--scenario", slow])
    diffs = same_outputs(os.path.join(out_s, "slower"), s_dir)
    ok(codes == [0, 0] and not diffs,
       "the run given a shared analysis: every output identical to the commands run alone",
       diffs)
    ok(not [f for f in os.listdir(out_s) if f.startswith(".analyses")],
       "no shared analysis left behind", os.listdir(out_s))

    if not tap.failed:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"# outputs kept in {tmp}")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
