#!/usr/bin/python3
"""Compare the per-region as-of figures of landrelease with the peers'
(PostGIS, GeoPandas), and check the ledger's identities to the cent.

    compare.py LR_OUT_DIR ORACLE.csv [PEER.csv ...]

From landrelease's store (faces with their events) it computes the figures
with the peers' semantics: hazard land = faces some hazard record covers,
remaining = hazard faces no release covers, released = hazard faces a
release covers, outside = faces only releases cover.  Each figure of each
region must agree with the oracle (PostGIS) within max(1 m2, 1e-6
relative); the other peers are held to the same bar and every figure
outside it is listed, but do not decide the exit status (GeoPandas repairs
invalid polygons by another method, Shapely 1.8 having no structure
method).  The peers' files are their result geometries measured on
landrelease's land model (postgis_lonlat.sql, geopandas_lonlat.py).  The identities are
checked in whole cents on landrelease's tables: per region and year,
remaining at the end = remaining at the end of the year before + new -
released; every TOTAL row the sum of the region rows.  landrelease's own
remaining (the ledger's date-ordered state machine) is printed beside the
union semantics with its difference.  Exit status 1 when a figure of the
oracle is outside the bar or an identity fails."""
import csv
import sqlite3
import sys
from collections import defaultdict

FIGS = ["hazard_m2", "remaining_m2", "released_m2", "outside_m2"]
YEAR_SUMS = ["new_m2", "cancelled_m2", "reduced_m2", "cleared_m2",
             "released_m2", "remaining_end_m2", "reclassified_m2",
             "sha_end_m2", "cha_end_m2"]


def cents(text):
    """A CSV area ("1234.56", "-0.07") as whole cents, without floats."""
    neg = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    v = int(whole or 0) * 100 + int((frac + "00")[:2])
    return -v if neg else v


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
    return fig


def read_peer(path):
    with open(path) as fh:
        return {r["region_id"]: {k: float(r[k] or 0) for k in FIGS}
                for r in csv.DictReader(fh)}


def year_identities(out_dir):
    """Failures of remaining_end = previous remaining_end + new - released
    (per region, years in order) and of TOTAL = sum of regions, in cents;
    and how many were checked."""
    bad, checked = [], 0
    last = {}
    sums = defaultdict(lambda: defaultdict(int))
    totals = {}
    with open(f"{out_dir}/release_by_year.csv") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: int(r["year"]))
    for r in rows:
        rid, y = r["region_id"], r["year"]
        if rid == "TOTAL":
            totals[y] = r
            continue
        end = cents(r["remaining_end_m2"])
        want = (last.get(rid, 0) + cents(r["new_m2"]) -
                cents(r["released_m2"]))
        checked += 1
        if end != want:
            bad.append(f"{y} {rid}: remaining_end {end / 100:.2f} != "
                       f"{want / 100:.2f}")
        last[rid] = end
        for k in YEAR_SUMS:
            sums[y][k] += cents(r[k])
    for y, t in totals.items():
        for k in YEAR_SUMS:
            checked += 1
            if cents(t[k]) != sums[y][k]:
                bad.append(f"{y} TOTAL {k}: {t[k]} != sum of regions "
                           f"{sums[y][k] / 100:.2f}")
    return bad, checked


def agreement(fig, regions, path):
    """Print how the figures of the peer at path agree; the number of
    figures outside the bar."""
    peer = read_peer(path)
    zero = dict.fromkeys(FIGS, 0.0)
    worst = {k: (0.0, 0.0, "") for k in FIGS}
    out = []
    for rid in regions:
        a, b = fig.get(rid, zero), peer.get(rid, zero)
        for k in FIGS:
            d = abs(a[k] - b[k])
            r = d / max(abs(a[k]), abs(b[k])) if d else 0.0
            if d > max(1.0, 1e-6 * max(abs(a[k]), abs(b[k]))):
                out.append(f"{rid} {k}: peer {b[k]:.2f} landrelease "
                           f"{a[k]:.2f}")
            if d > worst[k][0]:
                worst[k] = (d, r, rid)
    print(f"{path}: {len(out)} of {len(regions) * len(FIGS)} region "
          f"figures outside max(1 m2, 1e-6 relative)")
    for o in out[:10]:
        print(f"  outside the bar: {o}")
    for k in FIGS:
        d, r, rid = worst[k]
        tp = sum(v[k] for v in peer.values())
        tm = sum(v[k] for v in fig.values())
        print(f"  {k:13s} total peer {tp:.2f} landrelease {tm:.2f} "
              f"({tm - tp:+.2f}); worst region {rid or '-'} "
              f"{d:.2f} m2 (rel {r:.2e})")
    return len(out)


def main():
    out_dir, peers = sys.argv[1], sys.argv[2:]
    fig = lr_figures(out_dir)
    regions = sorted(set(fig) | {k for p in peers for k in read_peer(p)})
    n_out = [agreement(fig, regions, p) for p in peers]
    bad, checked = year_identities(out_dir)
    print(f"identities in cents (remaining_end = previous + new - "
          f"released per region and year, TOTAL = sum of regions): "
          f"{checked - len(bad)} of {checked} hold")
    for b in bad[:10]:
        print(f"  {b}")
    with open(f"{out_dir}/remaining_by_region.csv") as fh:
        rem_ledger = sum(cents(r["total_m2"]) for r in csv.DictReader(fh)
                         if r["region_id"] != "TOTAL") / 100
    rem_union = sum(v["remaining_m2"] for v in fig.values())
    print(f"ledger remaining {rem_ledger:.2f} m2 vs union semantics "
          f"{rem_union:.2f} m2: {rem_ledger - rem_union:+.2f} m2 "
          f"(land recorded again after its release, and released land "
          f"a later record made hazardous)")
    return 1 if n_out[0] or bad else 0


if __name__ == "__main__":
    sys.exit(main())
