#!/usr/bin/env python3
"""Bad input, case by case (TAP output).

Runs every case of tests/corpus/cases.json through `landrelease analyze` and
checks what the case expects: the exit code, read/accepted/rejected per
layer, the data_quality rows naming layer, feature id, record id and reason,
stderr, areas kept by repairs, and that a failed run writes nothing.  For
every run that succeeds it also checks the rules that hold whatever the
input: read = accepted + rejected on every layer, in the printed summary
and in the store's ingest_counts, and one error row in data_quality.csv per
rejected feature.  Inputs other than GeoJSON (GeoPackage, Shapefile,
damaged files) are made with ogr2ogr in a temporary folder.
"""
import csv
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

import tap
from tap import ok

BUILD = os.environ.get("LR_BUILD_DIR", "build")
LR = os.path.abspath(os.path.join(BUILD, "cli", "landrelease"))
CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
LAYERS = ("regions", "hazards", "releases")




def expand(s, tmp):
    return s.replace("$T", tmp).replace("$C", CORPUS) if isinstance(s, str) else s


def ogr2ogr(*args):
    subprocess.run(["ogr2ogr", *args], check=True, capture_output=True, cwd=CORPUS)


def make_gpkg(path, layers=LAYERS):
    for i, layer in enumerate(layers):
        ogr2ogr("-f", "GPKG", *(["-update"] if i else []), path,
                layer + ".geojson", "-nln", layer)


def prepare(op, tmp):
    kind, args = op[0], [expand(a, tmp) for a in op[1:]]
    if kind == "gpkg":
        make_gpkg(args[0])
    elif kind == "gpkg_two":  # regions and hazards only
        make_gpkg(args[0], LAYERS[:2])
    elif kind == "shp_noprj":  # a Shapefile with no .prj: no CRS at all
        os.makedirs(args[0], exist_ok=True)
        ogr2ogr("-f", "ESRI Shapefile", *args[2:], args[0], args[1], "-nln",
                os.path.splitext(os.path.basename(args[1]))[0])
        for f in os.listdir(args[0]):
            if f.endswith(".prj"):
                os.unlink(os.path.join(args[0], f))
    elif kind == "truncate":
        data = open(args[0], "rb").read()
        open(args[1], "wb").write(data[: int(len(data) * args[2])])
    elif kind == "generate":  # a generated country of N hazards
        subprocess.run([os.path.join(BUILD, "data", "lr-generate"), "--out", args[0],
                        "--seed", "4", "--hazards", str(args[1]), "--regions", "4"],
                       check=True, capture_output=True)
    elif kind == "cut_end":  # drop the last bytes of a file in place
        os.truncate(args[0], os.path.getsize(args[0]) - args[1])
    elif kind == "scribble":  # random bytes over the pages after the first
        data = bytearray(open(args[0], "rb").read())
        rnd = random.Random(5)
        for i in range(args[2], len(data)):
            data[i] = rnd.randrange(256)
        open(args[1], "wb").write(bytes(data))
    elif kind == "random":
        rnd = random.Random(3)
        open(args[0], "wb").write(bytes(rnd.randrange(256) for _ in range(args[1])))
    elif kind == "empty":
        open(args[0], "wb").close()
    elif kind == "file":
        open(args[0], "w").write("not a folder\n")
    elif kind == "mkdir":
        os.makedirs(args[0], exist_ok=True)
    elif kind == "analyze":  # an earlier run into the same --out
        r = subprocess.run([LR, "analyze", "--regions", "regions.geojson", "--hazards",
                            args[1], "--releases", "releases.geojson", "--out", args[0],
                            "--quiet"], capture_output=True, text=True, cwd=CORPUS)
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
    else:
        raise ValueError(f"unknown prepare op {kind}")


def command(case, tmp, out):
    cmd = [LR, "analyze"]
    if "dataset" in case:
        cmd.append(expand(case["dataset"], tmp))
    else:
        for layer in LAYERS:
            cmd += [f"--{layer}", expand(case.get(layer, layer + ".geojson"), tmp)]
    cmd += ["--out", out, "--threads", "1"]
    cmd += [expand(a, tmp) for a in case.get("args", [])]
    return cmd


def summary_counts(stdout):
    """{layer: (read, accepted, repaired, rejected)} from the printed summary."""
    got = {}
    for line in stdout.splitlines():
        m = re.match(r"\s+(regions|hazards|releases)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", line)
        if m:
            got[m.group(1)] = tuple(int(x) for x in m.groups()[1:])
    return got


def hazard_areas(out):
    db = sqlite3.connect(os.path.join(out, "landrelease.sqlite"))
    try:
        return dict(db.execute("SELECT hazard_id, area_m2 FROM hazards"))
    finally:
        db.close()


def row_matches(row, want):
    for k, v in want.items():
        if k == "message":
            if v not in row["message"]:
                return False
        elif k == "feature_id":
            if row["feature_id"] != str(v):
                return False
        elif row.get(k) != v:
            return False
    return True


def check_case(case, results, top):
    name = case["name"]
    tmp = tempfile.mkdtemp(prefix=f"{name}-", dir=top)
    out = expand(case.get("out", "$T/out"), tmp)
    for op in case.get("prepare", []):
        prepare(op, tmp)
    before = set(os.listdir(out)) if os.path.isdir(out) else set()
    r = subprocess.run(command(case, tmp, out), capture_output=True, text=True, cwd=CORPUS)
    detail = f"exit {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}"
    want = case["exit"]
    if not ok(r.returncode == want, f"{name}: exit {want}", detail):
        return
    ok("AddressSanitizer" not in r.stderr and "runtime error" not in r.stderr,
       f"{name}: no sanitizer report", r.stderr)
    for s in case.get("stderr", []):
        ok(s in r.stderr, f"{name}: stderr says '{s}'", r.stderr)
    for s in case.get("no_stderr", []):
        ok(s not in r.stderr, f"{name}: stderr does not say '{s}'", r.stderr)
    if want != 0:
        lines = [x for x in r.stderr.splitlines() if x.startswith("landrelease")]
        ok(len(lines) == 1, f"{name}: one error message on stderr", r.stderr)
        if case.get("written", True) is False:
            after = set(os.listdir(out)) if os.path.isdir(out) else set()
            ok(after == before, f"{name}: nothing written to --out", sorted(after - before))
        shutil.rmtree(tmp, ignore_errors=True)
        return

    # Rules for every successful run.
    printed = summary_counts(r.stdout)
    ok(set(printed) == set(LAYERS) and
       all(c[0] == c[1] + c[3] for c in printed.values()),
       f"{name}: summary read = accepted + rejected, every layer", r.stdout)
    db = sqlite3.connect(os.path.join(out, "landrelease.sqlite"))
    stored = {row[0]: row[1:] for row in
              db.execute("SELECT layer, read, accepted, repaired, rejected FROM ingest_counts")}
    db.close()
    ok(stored == printed, f"{name}: store ingest_counts = printed summary", (stored, printed))
    with open(os.path.join(out, "data_quality.csv"), newline="") as f:
        dq = list(csv.DictReader(f))
    errors = [x for x in dq if x["severity"] == "error"]
    ok(len(errors) == sum(c[3] for c in printed.values()),
       f"{name}: one error row per rejected feature", (len(errors), printed))
    ok(all(x["layer"] in LAYERS and x["feature_id"] != "" and x["message"] for x in errors),
       f"{name}: every error row names layer, feature id and reason", errors)
    for layer, (rd, acc, rej) in case.get("counts", {}).items():
        c = printed.get(layer, (None,) * 4)
        ok((c[0], c[1], c[3]) == (rd, acc, rej),
           f"{name}: {layer} read {rd}, accepted {acc}, rejected {rej}", c)
    for w in case.get("dq", []):
        ok(any(row_matches(x, w) for x in dq), f"{name}: data_quality has {w}",
           "\n".join(json.dumps(x) for x in dq))
    for code in case.get("no_dq", []):
        ok(not any(x["code"] == code for x in dq), f"{name}: no {code} finding",
           "\n".join(json.dumps(x) for x in dq))
    for rid in case.get("no_dq_record", []):
        ok(not any(x["record_id"] == rid and x["severity"] == "error" for x in dq),
           f"{name}: {rid} accepted", "\n".join(json.dumps(x) for x in dq))
    with open(os.path.join(out, "remaining_by_region.csv"), newline="") as f:
        total = [x for x in csv.reader(f) if x[0] == "TOTAL"][0][7]
    results[name] = {"out": out, "areas": hazard_areas(out), "total": total}
    for hid, other in case.get("area", {}).items():
        a = results[name]["areas"].get(hid)
        b = results.get(other, {}).get("areas", {}).get(hid)
        ok(a is not None and b is not None and abs(a - b) < 0.01,
           f"{name}: {hid} keeps the land of {other} ({a} vs {b} m2)")
    if "remaining_total_as" in case:
        other = results.get(case["remaining_total_as"], {}).get("total")
        ok(total == other, f"{name}: national remaining equals that of "
           f"{case['remaining_total_as']} (shared land counted once)", (total, other))


def main():
    if shutil.which("ogr2ogr") is None:
        print("1..0 # SKIP ogr2ogr not found")
        return 0
    cases = json.load(open(os.path.join(CORPUS, "cases.json")))["cases"]
    results = {}
    # Reference cases first: later cases compare their areas with them.
    refs = {v for c in cases for v in c.get("area", {}).values()}
    refs |= {c["remaining_total_as"] for c in cases if "remaining_total_as" in c}
    # One folder for every case, removed at the end: a run leaves nothing.
    top = tempfile.mkdtemp(prefix="lr-corpus-")
    for case in sorted(cases, key=lambda c: c["name"] not in refs):
        try:
            check_case(case, results, top)
        except Exception as e:  # a broken case fails, the rest still run
            ok(False, f"{case['name']}: ran", repr(e))
    shutil.rmtree(top, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
