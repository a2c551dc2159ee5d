#!/usr/bin/env python3
"""A source whose text is not UTF-8, read with and without its declared
encoding (TAP output).

The regions of a generated country are written twice, as a UTF-8 CSV and as
the same table in Latin-1 (a CSV, and a Shapefile with no .cpg, as older
software writes them), with ids and names in French ("Crèche-01",
"Vallée de l'Âne").  With `encoding = CP1252` in the mapping the Latin-1
sources must give byte for byte the tables of the UTF-8 one; without it,
each feature gets a warning that names the key to write, and its text is
kept escaped, never mangled.
"""
import csv
import filecmp
import os
import subprocess
import sys
import tempfile

import tap
from tap import ok

BUILD = os.environ.get("LR_BUILD_DIR", "build")
LR = os.path.join(BUILD, "cli", "landrelease")
GEN = os.path.join(BUILD, "data", "lr-generate")
TABLES = ("remaining_by_region.csv", "release_by_year.csv")


def run(*args):
    return subprocess.run([LR, *args], capture_output=True, text=True)


def ogr(*args):
    subprocess.run(["ogr2ogr", *args], check=True, capture_output=True)


def regions_csv(canon, tmp):
    """The regions as a CSV with WKT, ids and names made French."""
    plain = os.path.join(tmp, "plain.csv")
    ogr("-f", "CSV", plain, canon, "-dialect", "SQLite", "-sql",
        "SELECT region_id, name, geom FROM regions", "-lco",
        "GEOMETRY=AS_WKT")
    with open(plain, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head, body = rows[0], rows[1:]
    i_id, i_name = head.index("region_id"), head.index("name")
    for k, row in enumerate(body):
        row[i_id] = f"Crèche-{k + 1:02d}"
        row[i_name] = f"Vallée de l'Âne {row[i_name]} ç"
    paths = {}
    for enc in ("utf-8", "latin-1"):
        paths[enc] = os.path.join(tmp, f"regions-{enc}.csv")
        with open(paths[enc], "w", newline="", encoding=enc) as f:
            csv.writer(f).writerows([head, *body])
    return paths, [row[i_id] for row in body], [row[i_name] for row in body]


def latin1_shapefile(src, tmp):
    """The Latin-1 CSV as a Shapefile whose .dbf holds the bytes as they
    are and no .cpg says what they are."""
    dst = os.path.join(tmp, "shp")
    ogr("-f", "ESRI Shapefile", dst, src, "-nln", "regions", "-a_srs",
        "EPSG:4326", "-lco", "ENCODING=", "-oo", "GEOM_POSSIBLE_NAMES=WKT",
        "-oo", "KEEP_GEOM_COLUMNS=NO")
    cpg = os.path.join(dst, "regions.cpg")
    if os.path.exists(cpg):
        os.remove(cpg)
    return os.path.join(dst, "regions.shp")


def mapping(tmp, name, encoding):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write("[regions]\ncrs = EPSG:4326\n")
        if encoding:
            f.write(f"encoding = {encoding}\n")
    return path


def analyze(regions, data, out, mapping_path):
    return run("analyze", "-q", "-m", mapping_path, "--regions", regions,
               "--hazards", data, "--hazards-layer", "hazards",
               "--releases", data, "--releases-layer", "releases", "-o", out)


def main():
    tmp = tempfile.mkdtemp(prefix="lr-encoding-")
    canon = os.path.join(tmp, "canonical.gpkg")
    subprocess.run([GEN, "--out", canon, "--seed", "5", "--hazards", "300",
                    "--regions", "8"], check=True, capture_output=True)
    # Hazards without their region_id: the regions get new ids here.
    data = os.path.join(tmp, "data.gpkg")
    ogr("-f", "GPKG", data, canon, "-dialect", "SQLite", "-sql",
        "SELECT hazard_id, type, contamination, recorded_date, geom "
        "FROM hazards", "-nln", "hazards")
    ogr("-f", "GPKG", "-update", data, canon, "releases")
    paths, ids, names = regions_csv(canon, tmp)
    raw = open(paths["latin-1"], "rb").read()
    ok(b"Cr\xe8che-01" in raw and "Crèche".encode() not in raw,
       "the Latin-1 CSV holds è as the one byte E8")

    ref = os.path.join(tmp, "ref")
    r = analyze(paths["utf-8"], data, ref, mapping(tmp, "utf8.ini", None))
    ok(r.returncode == 0, "the UTF-8 regions: exit 0", r.stderr)
    rem = open(os.path.join(ref, TABLES[0]), encoding="utf-8").read()
    ok(all(i in rem for i in ids) and all(n in rem for n in names),
       "... and its tables name every region as written", rem[:600])

    declared = mapping(tmp, "cp1252.ini", "CP1252")
    shp = latin1_shapefile(paths["latin-1"], tmp)
    for label, src in (("CSV", paths["latin-1"]), ("Shapefile", shp)):
        out = os.path.join(tmp, "declared-" + label)
        r = analyze(src, data, out, declared)
        same = r.returncode == 0 and all(
            filecmp.cmp(os.path.join(out, t), os.path.join(ref, t),
                        shallow=False) for t in TABLES)
        quality = (open(os.path.join(out, "data_quality.csv"),
                        encoding="utf-8").read() if r.returncode == 0 else "")
        ok(same and "repaired_text" not in quality,
           f"Latin-1 {label} with `encoding = CP1252`: the tables of the "
           "UTF-8 source byte for byte, no text repaired", r.stderr)

    for label, src in (("CSV", paths["latin-1"]), ("Shapefile", shp)):
        out = os.path.join(tmp, "undeclared-" + label)
        r = analyze(src, data, out, mapping(tmp, "none.ini", None))
        quality = (open(os.path.join(out, "data_quality.csv"),
                        encoding="utf-8").read() if r.returncode == 0 else "")
        rem = (open(os.path.join(out, TABLES[0]), encoding="utf-8").read()
               if r.returncode == 0 else "")
        warned = [l for l in quality.splitlines() if ",repaired_text," in l]
        ok(len(warned) == len(ids) and all(
            "declare it in the mapping under [regions]: `encoding = CP1252`"
            in l for l in warned),
           f"Latin-1 {label} without the key: one warning per region naming "
           "the key to write", quality[:1500])
        ok(all(f"Cr\\xE8che-{k + 1:02d}" in rem for k in range(len(ids)))
           and len(set(l.split(",")[0] for l in rem.splitlines())) ==
           len(rem.splitlines()),
           f"... and the ids are kept escaped (Cr\\xE8che-01), all distinct",
           rem[:600])

    # inspect sees text that is not UTF-8 and asks for its encoding.
    draft = os.path.join(tmp, "draft.ini")
    r = run("inspect", "--regions", paths["latin-1"], "--hazards", data,
            "--releases", data, "--write-map", draft)
    text = open(draft, encoding="utf-8").read() if r.returncode == 0 else ""
    section = text.split("[regions]")[-1].split("[hazards]")[0]
    ok("\nencoding = ?\n" in section and "is not UTF-8 (e.g. 'Cr\\xE8che-"
       in section.replace("\n; ", " ") and "encoding (line" in r.stderr,
       "inspect on the Latin-1 CSV: the draft asks for the encoding of "
       "[regions], showing a value escaped, and lists the line", text[:1500])
    r = analyze(paths["latin-1"], data, os.path.join(tmp, "draft-out"), draft)
    ok(r.returncode == 2 and "`encoding = ?` is still to be filled in"
       in r.stderr, "... analyze with the draft stops at that line", r.stderr)
    with open(draft, "w", encoding="utf-8") as f:
        f.write(text.replace("encoding = ?", "encoding = CP1252"))
    out = os.path.join(tmp, "draft-out")
    r = analyze(paths["latin-1"], data, out, draft)
    ok(r.returncode == 0 and all(
        filecmp.cmp(os.path.join(out, t), os.path.join(ref, t), shallow=False)
        for t in TABLES), "... and with CP1252 written there, the tables of "
       "the UTF-8 source byte for byte", r.stderr)

    r = analyze(paths["latin-1"], data, os.path.join(tmp, "bad"),
                mapping(tmp, "bad.ini", "Klingon-8"))
    ok(r.returncode == 2 and "'Klingon-8'" in r.stderr
       and paths["latin-1"] in r.stderr
       and not os.path.exists(os.path.join(tmp, "bad")),
       "an encoding the system does not know: exit 2 naming it and the "
       "source, nothing written", r.stderr)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
