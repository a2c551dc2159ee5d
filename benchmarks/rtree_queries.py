#!/usr/bin/python3
"""Window queries on the spatial indexes of landrelease stores.

    benchmarks/rtree_queries.py STORE.sqlite [STORE.sqlite...]

For each store and each of its four R*Tree indexes (idx_T_geometry), runs
the same random windows (seed 1: a quarter of them points, the others
squares of 0.1% to 10% of the index's extent a side, as a map view or a
click would ask) through SQLite's R*Tree module and prints the rows found
and the process CPU time they took, so that two stores of the same data
(for example one whose trees SQLite built by inserting the rows one by
one, one with packed trees) can be compared: the rows found must be the
same.  Needs only Python's sqlite3 (the R*Tree module is part of
Debian's SQLite).
"""
import random
import sqlite3
import sys
import time

TABLES = ("regions", "hazards", "releases", "faces")
QUERIES = 20000


def windows(extent, n):
    """n windows (xmin, xmax, ymin, ymax) inside extent, seed 1."""
    rnd = random.Random(1)
    x0, x1, y0, y1 = extent
    w, h = x1 - x0, y1 - y0
    out = []
    for q in range(n):
        side = 0.0 if q % 4 == 0 else 10 ** rnd.uniform(-3, -1)
        x = x0 + rnd.random() * w
        y = y0 + rnd.random() * h
        out.append((x, x + side * w, y, y + side * h))
    return out


def one_index(db, table):
    idx = f"idx_{table}_geometry"
    extent = db.execute(
        f"SELECT min(xmin), max(xmax), min(ymin), max(ymax) FROM {idx}"
    ).fetchone()
    if extent[0] is None:
        return None
    sql = (f"SELECT count(*) FROM {idx} WHERE xmin <= ? AND xmax >= ? "
           "AND ymin <= ? AND ymax >= ?")
    found = 0
    t0 = time.process_time()
    for (a, b, c, d) in windows(extent, QUERIES):
        found += db.execute(sql, (b, a, d, c)).fetchone()[0]
    cpu = time.process_time() - t0
    nodes = db.execute(f"SELECT count(*) FROM {idx}_node").fetchone()[0]
    depth = db.execute(
        f"SELECT data FROM {idx}_node WHERE nodeno = 1").fetchone()[0]
    return found, cpu, nodes, depth[0] << 8 | depth[1]


def main(paths):
    print("| store | index | nodes | depth | rows found | CPU s |")
    print("|---|---|---:|---:|---:|---:|")
    for path in paths:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        for t in TABLES:
            r = one_index(db, t)
            if r:
                print(f"| {path} | {t} | {r[2]} | {r[3]} | {r[0]} | "
                      f"{r[1]:.2f} |")
        db.close()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
