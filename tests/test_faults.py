#!/usr/bin/env python3
"""Interrupted and failing runs of `landrelease analyze` (TAP output).

- SIGKILL at several moments of a run over a folder holding the outputs of
  another dataset: every output file is afterwards either the previous one
  (byte-identical; the store passes PRAGMA integrity_check and holds the
  previous content) or the complete new one, never a partial one; and the
  next run succeeds with outputs identical to an uninterrupted run.
- A full disk (RLIMIT_FSIZE, SIGXFSZ ignored, so writes fail with EFBIG):
  exit 1, one message on stderr, the previous outputs untouched, no
  temporary file left; the next run succeeds.
- Reruns: the same inputs give byte-identical tables; changed inputs give a
  store that reflects only the new inputs.
"""
import hashlib
import os
import resource
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
LR = os.path.join(BUILD, "cli", "landrelease")
GEN = os.path.join(BUILD, "data", "lr-generate")
HAZARDS = int(os.environ.get("LR_FAULTS_HAZARDS", "3000"))
CSVS = ["remaining_by_region.csv", "release_by_year.csv", "data_quality.csv",
        "form_c.csv", "remaining_by_level.csv", "release_by_year_by_level.csv",
        "completion_by_region.csv", "completion_releases.csv",
        "previously_unknown.csv"]
STORE = "landrelease.sqlite"




def analyze(data, out, **kw):
    return subprocess.run([LR, "analyze", data, "--out", out, "--quiet"],
                          capture_output=True, text=True, **kw)


def read(path):
    with open(path, "rb") as f:
        return f.read()


# Tables whose rows are the store's content.  SpatiaLite's own bookkeeping
# (spatialite_history, geometry_columns_time) holds the time of writing.
CONTENT = ["meta", "ingest_counts", "data_quality", "remaining_by_region",
           "release_by_year", "remaining_by_level", "release_by_year_by_level",
           "regions", "hazards", "releases", "faces"]


def store_state(path):
    """(integrity, fingerprint of the content) of a store, or an error."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        integ = db.execute("PRAGMA integrity_check").fetchone()[0]
        h = hashlib.sha256()
        for t in CONTENT:
            cols = [r[1] for r in db.execute(f"PRAGMA table_info({t})")]
            if not cols:
                return integ, f"no table {t}"
            sel = ", ".join(f"quote({c})" for c in cols)
            for row in db.execute(f"SELECT {sel} FROM {t} ORDER BY rowid"):
                h.update(repr(row).encode())
        db.close()
        return integ, h.hexdigest()
    except sqlite3.Error as e:
        return "error", str(e)


JOURNAL = ".landrelease.commit"


def committed_view(d):
    """{output name: the path landrelease reads it from}: a commit journal
    left by a killed run is finished by the next landrelease command, so a
    file it still has to rename is, for every reader, its new version."""
    view = {f: os.path.join(d, f) for f in os.listdir(d)}
    jpath = os.path.join(d, JOURNAL)
    if os.path.exists(jpath):
        # A marker line, then names relative to the folder.
        for line in read(jpath).decode().splitlines()[1:]:
            kind, *names = line.split("\t")
            final = names[-1]
            if kind == "R" and os.path.exists(os.path.join(d, names[0])):
                view[final] = os.path.join(d, names[0])
            elif kind == "D":
                view.pop(final, None)
    return view


def snapshot(d):
    """What a folder holds as landrelease sees it: CSV bytes, store state,
    and the other files."""
    snap = {"csv": {}, "store": None, "other": []}
    if not os.path.isdir(d):
        return snap
    for f, p in sorted(committed_view(d).items()):
        if f in CSVS:
            snap["csv"][f] = read(p)
        elif f == STORE:
            snap["store"] = store_state(p)
        else:
            snap["other"].append(f)
    return snap


def which(snap, refs):
    """For each output file: the name of the reference it equals, None when
    absent, or 'PARTIAL'."""
    res = {}
    for f in CSVS:
        b = snap["csv"].get(f)
        res[f] = None if b is None else next(
            (k for k, r in refs.items() if r["csv"].get(f) == b), "PARTIAL")
    s = snap["store"]
    res[STORE] = None if s is None else next(
        (k for k, r in refs.items() if r["store"] == s and s[0] == "ok"), "PARTIAL")
    return res


def is_temp(name):
    return name.startswith(".") or ".tmp" in name or name.endswith("-journal")


def main():
    tmp = tempfile.mkdtemp(prefix="lr-faults-")
    data_a, data_b = os.path.join(tmp, "a.gpkg"), os.path.join(tmp, "b.gpkg")
    # The second country reaches completion in 2022 and finds areas after
    # it, so that every output file differs between the two (the lists of
    # the completion annex are empty for the first).
    for path, seed, more in ((data_a, "7", []),
                             (data_b, "8", ["--complete-by", "2022"])):
        subprocess.run([GEN, "--out", path, "--seed", seed, "--hazards", str(HAZARDS),
                        "--regions", "20", *more], check=True, capture_output=True)

    # Uninterrupted references.
    ref_a, ref_b = os.path.join(tmp, "ref_a"), os.path.join(tmp, "ref_b")
    t0 = time.monotonic()
    ra = analyze(data_a, ref_a)
    full = time.monotonic() - t0
    rb = analyze(data_b, ref_b)
    ok(ra.returncode == 0 and rb.returncode == 0, "reference runs: exit 0", ra.stderr + rb.stderr)
    refs = {"previous": snapshot(ref_a), "new": snapshot(ref_b)}
    ok(all(refs[k]["store"][0] == "ok" for k in refs), "reference stores pass integrity_check")
    ok(refs["previous"]["store"] != refs["new"]["store"] and
       all(refs["previous"]["csv"].get(f) != refs["new"]["csv"].get(f)
           for f in CSVS), "the two datasets give different outputs, file by file")
    print(f"# one run takes {full:.2f} s", flush=True)

    # ---- SIGKILL at several moments --------------------------------------
    delays = [0.05, 0.2, 0.5, 1.0]
    d = 1.0
    while d < full * 1.5:
        d += max(0.5, full / 5)
        delays.append(round(d, 2))
    # Around the end of the run, where the files are renamed into place.
    delays += [round(full * f, 2) for f in (0.9, 0.95, 1.0, 1.05)]
    delays = sorted(set(delays))
    mixed = []
    for start_with in ("previous", "empty"):
        for delay in delays if start_with == "previous" else [0.05, round(full * 0.5, 2), round(full * 0.97, 2)]:
            out = os.path.join(tmp, f"kill-{start_with}-{delay}")
            if start_with == "previous":
                shutil.copytree(ref_a, out)
            p = subprocess.Popen([LR, "analyze", data_b, "--out", out, "--quiet"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(delay)
            p.send_signal(signal.SIGKILL)
            p.wait()
            finished = p.returncode == 0
            snap = snapshot(out)
            got = which(snap, refs)
            allowed = {"previous", "new"} if start_with == "previous" else {None, "new"}
            if finished:
                allowed = {"new"}
            label = f"kill after {delay} s ({start_with} outputs in DIR" + \
                (", run had finished)" if finished else ")")
            ok(all(v in allowed for v in got.values()),
               f"{label}: every output complete: {sorted(set(map(str, got.values())))}",
               got)
            ok(not [f for f in snap["other"] if not is_temp(f)],
               f"{label}: no unexpected file", snap["other"])
            if len({v for v in got.values() if v is not None}) > 1:
                mixed.append((delay, got))
            r = analyze(data_b, out)
            after = snapshot(out)
            ok(r.returncode == 0 and all(v == "new" for v in which(after, refs).values())
               and not after["other"],
               f"{label}: next run succeeds, outputs as uninterrupted, no temporary left",
               (r.stderr, which(after, refs), after["other"]))
            shutil.rmtree(out, ignore_errors=True)
            if finished:
                break
    # Kill the moment the new store is renamed into place, before the
    # tables are.
    out = os.path.join(tmp, "kill-at-rename")
    shutil.copytree(ref_a, out)
    store = os.path.join(out, STORE)
    ino = os.stat(store).st_ino
    p = subprocess.Popen([LR, "analyze", data_b, "--out", out, "--quiet"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while p.poll() is None:
        try:
            if os.stat(store).st_ino != ino:
                break
        except FileNotFoundError:
            break
        time.sleep(0.0005)
    p.send_signal(signal.SIGKILL)
    p.wait()
    snap = snapshot(out)
    got = which(snap, refs)
    ok(all(v in ("previous", "new") for v in got.values()),
       f"kill as the store is renamed: every output complete: {got}", got)
    if len({v for v in got.values() if v is not None}) > 1:
        mixed.append(("store rename", got))
    r = analyze(data_b, out)
    ok(r.returncode == 0 and all(v == "new" for v in which(snapshot(out), refs).values()),
       "kill as the store is renamed: next run succeeds", r.stderr)
    ok(not mixed, "a killed run never leaves tables of one run beside a store of another",
       "\n".join(f"after {d} s: {g}" for d, g in mixed))

    # SIGKILL at every rename of a commit (the fault hook of base/commit.c
    # kills before the Nth: 1 is the journal's own, the commit point), the
    # run started with a relative --out; the next command runs from another
    # working directory that holds files of the same names, which must not
    # change.  Every output is then all previous or all new.
    n_renames = 1 + 1 + len(CSVS)
    for k in range(1, n_renames + 2):
        base = os.path.join(tmp, f"rename-{k}")
        other = os.path.join(tmp, f"other-{k}")
        os.makedirs(base)
        os.makedirs(other)
        shutil.copytree(ref_a, os.path.join(base, "out"))
        for f in [STORE, JOURNAL] + CSVS:
            with open(os.path.join(other, f), "w") as v:
                v.write("victim\n")
        victims = {f: read(os.path.join(other, f)) for f in os.listdir(other)}
        env = dict(os.environ, LR_FAULT_KILL_RENAME=str(k))
        r = subprocess.run([os.path.abspath(LR), "analyze",
                            os.path.abspath(data_b), "--out", "out", "--quiet"],
                           cwd=base, env=env, capture_output=True, text=True)
        killed = r.returncode == -signal.SIGKILL
        out = os.path.join(base, "out")
        r2 = subprocess.run([os.path.abspath(LR), "plan", out, "--target",
                             "2045-12-31"], cwd=other, capture_output=True,
                            text=True)
        got = which(snapshot(out), refs)
        want = "previous" if k == 1 else "new"
        moment = (f"SIGKILL before rename {k} of {n_renames}" if k <= n_renames
                  else "the same run not killed")
        ok((killed or k == n_renames + 1) and r2.returncode == 0 and
           all(v == want for v in got.values()),
           f"{moment}, next command from another cwd: every output is the "
           f"{want} one", (r.returncode, r2.stderr, got))
        ok({f: read(os.path.join(other, f)) for f in os.listdir(other)} == victims,
           f"{moment}: nothing in the other cwd changed",
           sorted(os.listdir(other)))
        ok(not os.path.exists(os.path.join(out, JOURNAL)),
           f"{moment}: the journal is finished and gone",
           sorted(os.listdir(out)))
    # A journal whose file is gone (neither the temporary nor the final
    # name): the next command says so and what to do, it does not go on.
    lost = os.path.join(tmp, "journal-lost")
    os.makedirs(lost)
    with open(os.path.join(lost, JOURNAL), "w") as j:
        j.write("landrelease-journal 2 1-2-ab\n"
                f"R\t.{CSVS[0]}.tmp.999999.0123456789abcdef\t{CSVS[0]}\n")
    r = subprocess.run([LR, "plan", lost, "--target", "2045-12-31"],
                       capture_output=True, text=True)
    ok(r.returncode == 1 and JOURNAL in r.stderr and "remove" in r.stderr,
       "a journal naming a lost file: exit 1, the message names the journal and what to do",
       r.stderr)

    # ---- Full disk -----------------------------------------------------------
    for limit in (16 << 10, 256 << 10, 4 << 20):
        out = os.path.join(tmp, f"full-{limit}")
        shutil.copytree(ref_a, out)

        def preexec(limit=limit):
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        r = analyze(data_b, out, preexec_fn=preexec)
        lines = [x for x in r.stderr.splitlines() if x.strip()]
        ok(r.returncode == 1, f"disk full at {limit} bytes: exit 1", r.stderr)
        ok(len(lines) == 1 and "landrelease" in lines[0] and "landrelease.sqlite" in lines[0],
           f"disk full at {limit} bytes: one message naming the file", r.stderr)
        ok("too large" in r.stderr.lower() or "no space" in r.stderr.lower(),
           f"disk full at {limit} bytes: the message gives the cause", r.stderr)
        snap = snapshot(out)
        ok(all(v == "previous" for v in which(snap, refs).values()) and not snap["other"],
           f"disk full at {limit} bytes: previous outputs untouched, no partial or temporary file",
           (which(snap, refs), snap["other"]))
        r = analyze(data_b, out)
        ok(r.returncode == 0 and all(v == "new" for v in which(snapshot(out), refs).values()),
           f"disk full at {limit} bytes: next run succeeds", r.stderr)
        shutil.rmtree(out, ignore_errors=True)

    # ---- Reruns ----------------------------------------------------------------
    out = os.path.join(tmp, "rerun")
    r1 = analyze(data_a, out)
    first = {f: read(os.path.join(out, f)) for f in CSVS + [STORE]}
    r2 = analyze(data_a, out)
    ok(r1.returncode == 0 and r2.returncode == 0, "rerun: exit 0 twice")
    for f in CSVS:
        ok(read(os.path.join(out, f)) == first[f], f"rerun, same inputs: {f} byte-identical")
    ok(store_state(os.path.join(out, STORE)) == refs["previous"]["store"],
       "rerun, same inputs: store content identical")
    ok(read(os.path.join(out, STORE)) == first[STORE],
       "rerun, same inputs: store byte-identical")
    ok("replaced" not in r2.stderr, "rerun, same inputs: no replacement notice", r2.stderr)
    r3 = analyze(data_b, out)
    ok(r3.returncode == 0 and "replaced" in r3.stderr and "a.gpkg" in r3.stderr,
       "changed inputs: the replaced store is named on stderr", r3.stderr)
    snap = snapshot(out)
    ok(all(v == "new" for v in which(snap, refs).values()),
       "changed inputs: store and tables hold only the new inputs", which(snap, refs))
    db = sqlite3.connect(os.path.join(out, STORE))
    src = db.execute("SELECT value FROM meta WHERE key='hazards_source'").fetchone()[0]
    db.close()
    ok("b.gpkg" in src and "a.gpkg" not in src, "changed inputs: meta names the new source", src)

    shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
