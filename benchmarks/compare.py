#!/usr/bin/python3
"""Compare the per-region as-of figures of landrelease, PostGIS and
GeoPandas.

    compare.py LR_OUT_DIR PEER.csv [PEER.csv ...]

From landrelease's store (faces with their events) it computes the figures
with the peers' semantics: hazard land = faces some hazard record covers,
remaining = hazard faces no release covers, released = hazard faces a
release covers, outside = faces only releases cover.  Those are compared
with each peer (relative 1e-6).  landrelease's own remaining
(remaining_by_region.csv, the ledger's date-ordered state machine) is
printed beside them with its difference from the peers' semantics."""
import csv
import sqlite3
import sys

FIGS = ["hazard_m2", "remaining_m2", "released_m2", "outside_m2"]


def lr_figures(out_dir):
    db = sqlite3.connect(f"{out_dir}/landrelease.sqlite")
    rows = db.execute(
        "SELECT coalesce(region_id, 'OUTSIDE'), area_m2, "
        "instr(events, ' record ') > 0, instr(events, ' release ') > 0 "
        "FROM faces").fetchall()
    fig = {}
    for rid, a, rec, rel in rows:
        f = fig.setdefault(rid, dict.fromkeys(FIGS, 0.0))
        if rec:
            f["hazard_m2"] += a
            f["released_m2" if rel else "remaining_m2"] += a
        elif rel:
            f["outside_m2"] += a
    ledger = {}
    with open(f"{out_dir}/remaining_by_region.csv") as fh:
        for r in csv.DictReader(fh):
            ledger[r["region_id"]] = float(r["total_m2"])
    return fig, ledger


def read_peer(path):
    with open(path) as fh:
        return {r["region_id"]: {k: float(r[k] or 0) for k in FIGS}
                for r in csv.DictReader(fh)}


def rel(a, b):
    d = abs(a - b)
    return 0.0 if d < 0.015 else d / max(abs(a), abs(b))


def main():
    out_dir, peers = sys.argv[1], sys.argv[2:]
    fig, ledger = lr_figures(out_dir)
    regions = sorted(set(fig) | {k for p in peers for k in read_peer(p)})
    worst_all = 0.0
    for p in peers:
        peer = read_peer(p)
        worst = {k: (0.0, "") for k in FIGS}
        n_over = n_over_1 = 0
        for rid in regions:
            a = fig.get(rid, dict.fromkeys(FIGS, 0.0))
            b = peer.get(rid, dict.fromkeys(FIGS, 0.0))
            for k in FIGS:
                e = rel(a[k], b[k])
                if e > 1e-6:
                    n_over += 1
                    n_over_1 += abs(a[k] - b[k]) >= 1.0
                if e > worst[k][0]:
                    worst[k] = (e, rid)
        tot = {k: sum(v[k] for v in peer.values()) for k in FIGS}
        mine = {k: sum(v[k] for v in fig.values()) for k in FIGS}
        print(f"{p}: region figures over 1e-6 relative: {n_over} "
              f"of {len(regions) * len(FIGS)}, of which {n_over_1} "
              f"differ by 1 m2 or more")
        for k in FIGS:
            e, rid = worst[k]
            worst_all = max(worst_all, e)
            print(f"  {k:13s} total peer {tot[k]:.2f} landrelease "
                  f"{mine[k]:.2f} (rel {rel(tot[k], mine[k]):.2e}); "
                  f"worst region {rid or '-'} rel {e:.2e}")
    rem_peer = sum(v["remaining_m2"] for v in fig.values())
    rem_ledger = sum(v for k, v in ledger.items() if k != "TOTAL")
    print(f"ledger remaining {rem_ledger:.2f} m2 vs union semantics "
          f"{rem_peer:.2f} m2: {rem_ledger - rem_peer:+.2f} m2 "
          f"(land recorded again after its release, and released land "
          f"a later record made hazardous)")
    print(f"worst relative difference to a peer: {worst_all:.2e}")


if __name__ == "__main__":
    main()
