#!/usr/bin/env python3
"""landrelease inspect on exports it did not make (TAP output).

Generated national data is exported as a national database would hand it
over: French GeoPackage, Spanish folder of Shapefiles (10-character field
names, month-first dates), Portuguese GeoPackage, an IMSMA-Core-shaped
export (a list-valued link field) and an ambiguous one (two date fields,
two id fields).  For each, the draft `inspect --write-map` writes must read
unedited and give the figures of the canonical data (to 0.01 m2), and its
comments must name the evidence.  On the real Bosnia and Herzegovina files
the draft must name what is missing, analyze must stop at that line, and
with the dates filled in the figures must be those of maps/bih-snapshot.ini.
"""
import csv
import os
import re
import shutil
import subprocess
import tempfile

import tap
from tap import ok

BUILD = os.environ.get("LR_BUILD_DIR", "build")
SRC = os.environ.get("LR_SOURCE_DIR", ".")
LR = os.path.join(BUILD, "cli", "landrelease")
GEN = os.path.join(BUILD, "data", "lr-generate")
REAL = os.environ.get("LR_SHARED_DATA", "")


def run(*args):
    return subprocess.run([LR, *args], capture_output=True, text=True)


def ogr(dst, src, sql, name, fmt="GPKG"):
    update = ["-update"] if os.path.exists(dst) else []
    subprocess.run(["ogr2ogr", "-f", fmt, *update, "-dialect", "SQLite",
                    "-sql", sql, "-nln", name, dst, src],
                   check=True, capture_output=True)


def case(field, pairs):
    whens = " ".join(f"WHEN '{a}' THEN '{b}'" for a, b in pairs)
    return f"CASE {field} {whens} END"


TYPE = {"fr": [("SHA", "Zone dangereuse suspectée"),
               ("CHA", "Zone dangereuse confirmée")],
        "es": [("SHA", "Zona sospechosa de peligro"),
               ("CHA", "Zona peligrosa confirmada")],
        "pt": [("SHA", "Área suspeita de perigo"),
               ("CHA", "Área perigosa confirmada")],
        "en": [("SHA", "Suspected Hazardous Area"),
               ("CHA", "Confirmed Hazardous Area")]}
CONT = {"fr": [("AP", "Mines antipersonnel"), ("AV", "Mines antichar"),
               ("ERW", "Restes explosifs de guerre"), ("mixed", "Mixte")],
        "es": [("AP", "Minas antipersonal"), ("AV", "Minas antivehículo"),
               ("ERW", "Restos explosivos de guerra"), ("mixed", "Mixta")],
        "pt": [("AP", "Minas antipessoal"), ("AV", "Minas antiveículo"),
               ("ERW", "Restos explosivos de guerra"), ("mixed", "Mista")],
        "en": [("AP", "Anti-personnel"), ("AV", "Anti-vehicle"),
               ("ERW", "ERW"), ("mixed", "Mixed")]}
METHOD = {"fr": [("cancelled", "Enquête non technique"),
                 ("reduced", "Enquête technique"),
                 ("cleared", "Dépollution")],
          "es": [("cancelled", "Estudio no técnico"),
                 ("reduced", "Estudio técnico"), ("cleared", "Despeje")],
          "pt": [("cancelled", "Levantamento não técnico"),
                 ("reduced", "Levantamento técnico"),
                 ("cleared", "Desminagem")],
          "en": [("cancelled", "Non-Technical Survey"),
                 ("reduced", "Technical Survey"), ("cleared", "Clearance")]}

# Per export: layer names, field names and date formats (SQLite strftime).
EXPORTS = {
    "fr": dict(fmt="GPKG", file="export.gpkg",
               regions=("limites_admin", "identifiant", "nom"),
               hazards=("zones_dangereuses", "id_zone", "categorie",
                        "type_contamination", "date_enregistrement",
                        "%d/%m/%Y", "superficie_m2", "commune"),
               releases=("operations_liberation", "id_operation", "id_zone",
                         "methode", "date_fin", "%d/%m/%Y", "mines_ap",
                         "mines_av", "reg")),
    "es": dict(fmt="ESRI Shapefile", file="exportacion",
               regions=("regiones", "codigo", "nombre"),
               hazards=("zonas_peligrosas", "id_zona", "categoria",
                        "contaminacion", "fecha_registro", "%d-%m-%Y",
                        "area_m2", "municipio"),
               releases=("liberaciones", "id_tarea", "id_zona", "metodo",
                         "fecha_fin", "%m/%d/%Y", "minas_ap", "minas_av",
                         "reg")),
    "pt": dict(fmt="GPKG", file="exportacao.gpkg",
               regions=("municipios", "codigo", "nome"),
               hazards=("areas_perigosas", "codigo_area", "tipo_area",
                        "contaminacao", "data_registo", "%d.%m.%Y",
                        "area_m2", "municipio"),
               releases=("libertacao_terras", "codigo_actividade",
                         "area_perigosa", "metodo", "data_conclusao",
                         "%d/%m/%Y", "minas_ap", "minas_av", "reg")),
}


def export(lang, spec, canon, tmp):
    dst = os.path.join(tmp, lang + "-" + spec["file"])
    rl, rid, rname = spec["regions"]
    ogr(dst, canon, f"SELECT region_id AS {rid}, name AS {rname}, geom "
        "FROM regions", rl, spec["fmt"])
    hl, hid, htype, hcont, hdate, hfmt, harea, hreg = spec["hazards"]
    ogr(dst, canon,
        f"SELECT hazard_id AS {hid}, {case('type', TYPE[lang])} AS {htype}, "
        f"{case('contamination', CONT[lang])} AS {hcont}, "
        f"strftime('{hfmt}', recorded_date) AS {hdate}, "
        f"reported_area_m2 AS {harea}, region_id AS {hreg}, geom "
        "FROM hazards", hl, spec["fmt"])
    ll, lid, lhz, lmeth, ldate, lfmt, lap, lav, lerw = spec["releases"]
    ogr(dst, canon,
        f"SELECT release_id AS {lid}, hazard_id AS {lhz}, "
        f"{case('method', METHOD[lang])} AS {lmeth}, "
        f"strftime('{lfmt}', release_date) AS {ldate}, ap_mines AS {lap}, "
        f"av_mines AS {lav}, erw AS {lerw}, geom FROM releases", ll,
        spec["fmt"])
    return dst


def imsma_export(canon, tmp):
    """IMSMA-Core-shaped: a system id and a local id on every hazard, the
    link from activities to hazards a list (a JSON array) of system ids."""
    dst = os.path.join(tmp, "imsma.gpkg")
    ogr(dst, canon, "SELECT region_id AS localid, name, geom FROM regions",
        "location")
    ogr(dst, canon,
        "SELECT '{' || hex(hazard_id) || '}' AS imsma_id, hazard_id AS localid, "
        f"{case('type', TYPE['en'])} AS hazard_type, "
        f"{case('contamination', CONT['en'])} AS contamination, "
        "recorded_date AS date_of_record, geom FROM hazards", "hazard")
    ogr(dst, canon,
        "SELECT release_id AS localid, '[\"{' || hex(hazard_id) || '}\"]' "
        f"AS imsma_links, {case('method', METHOD['en'])} AS activity_type, "
        "strftime('%d/%m/%Y', release_date) AS end_date, "
        "ap_mines AS ap_mines_destroyed, av_mines AS av_mines_destroyed, "
        "erw AS erw_destroyed, geom FROM releases", "land_release")
    return dst


def ambiguous_export(canon, tmp):
    """Two date fields whose names say nothing of which is which, two id
    fields with a distinct value on every hazard."""
    dst = os.path.join(tmp, "ambiguous.gpkg")
    ogr(dst, canon, "SELECT region_id, name, geom FROM regions", "regions")
    ogr(dst, canon,
        "SELECT fid + 1000 AS gid, hazard_id AS hazard_ref, type, "
        "contamination, recorded_date AS survey_date, "
        "date(recorded_date, '+400 days') AS update_date, geom FROM hazards",
        "hazards")
    ogr(dst, canon,
        "SELECT release_id, hazard_id AS hazard_ref, method, release_date, "
        "ap_mines, av_mines, erw, geom FROM releases", "releases")
    return dst


def real_ids_export(canon, tmp):
    """A folder of Shapefiles whose hazard and release ids are Real(24,15)
    fields (GDAL reads 30 as "30.000000000000000") while the releases'
    link to their hazard is an Integer field: the same number must name the
    same record."""
    dst = os.path.join(tmp, "reals")
    shp = "ESRI Shapefile"
    ogr(dst, canon, "SELECT region_id, name, geom FROM regions", "regions",
        shp)
    ogr(dst, canon, "SELECT CAST(fid * 10 AS REAL) AS hazard_id, type, "
        "contamination, recorded_date, geom FROM hazards", "hazards", shp)
    ogr(dst, canon, "SELECT CAST(r.fid AS REAL) AS release_id, CAST(("
        "SELECT h.fid * 10 FROM hazards h WHERE h.hazard_id = r.hazard_id) "
        "AS INTEGER) AS hazard_id, method, release_date, ap_mines, av_mines, "
        "erw, r.geom FROM releases r", "releases", shp)
    return dst


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def same_figures(a, b, tol=0.01):
    """Whether two tables hold the same rows, numbers within tol."""
    ra, rb = read_csv(a), read_csv(b)
    if len(ra) != len(rb) or ra[0] != rb[0]:
        return False, f"{len(ra)} rows against {len(rb)}"
    for x, y in zip(ra[1:], rb[1:]):
        for u, v in zip(x, y):
            try:
                if abs(float(u) - float(v)) > tol:
                    return False, f"{x} against {y}"
            except ValueError:
                if u != v:
                    return False, f"{x} against {y}"
    return True, ""


def check_figures(out, ref_out, label, ref="the canonical run's", tol=0.01):
    for t in ("remaining_by_region.csv", "release_by_year.csv"):
        good, why = same_figures(os.path.join(out, t),
                                 os.path.join(ref_out, t), tol)
        ok(good, f"{label}: {t} equals {ref}", why)


def analyze_equals_canonical(label, path, dst, canon_out, tmp):
    """analyze with the draft unedited; its figures against the canonical."""
    out = os.path.join(tmp, "out-" + label)
    r = run("analyze", "-q", "-m", path, dst, "-o", out)
    if ok(r.returncode == 0, f"{label}: analyze --map with the draft "
          "unedited", r.stderr):
        check_figures(out, canon_out, label)


def draft_of(tmp, label, *src):
    path = os.path.join(tmp, label + ".ini")
    r = run("inspect", *src, "--write-map", path)
    ok(r.returncode == 0 and os.path.exists(path),
       f"{label}: inspect --write-map exits 0 and writes the draft",
       r.stderr)
    draft = open(path).read() if os.path.exists(path) else ""
    return path, draft


def unwrapped(draft):
    """The draft with its wrapped comment lines joined, for the evidence."""
    return re.sub(r"\n; ", " ", draft)


def test_language(lang, spec, canon, canon_out, tmp):
    dst = export(lang, spec, canon, tmp)
    path, draft = draft_of(tmp, lang, dst)
    hl, hid, htype = spec["hazards"][:3]
    flat = unwrapped(draft)
    ok(re.search(rf"type <- {htype[:10]}: 100% of its \d+ values", draft)
       and re.search(rf"values of releases\.{spec['releases'][2][:10]}\w* "
                     "name one of them", flat)
       and not re.search(r"= \?$", draft, re.M),
       f"{lang}: the draft names the evidence (the type's values, the "
       "links counted) and misses nothing", draft)
    analyze_equals_canonical(lang, path, dst, canon_out, tmp)


def test_imsma(canon, canon_out, tmp):
    dst = imsma_export(canon, tmp)
    path, draft = draft_of(tmp, "imsma", dst)
    rel = draft.split("[releases]")[-1]
    ok(re.search(r"imsma_links holds lists of ids: \d+ of its \d+ values",
                 unwrapped(draft))
       and re.search(r"^hazard_id = imsma_links$", rel, re.M)
       and re.search(r"^hazard_id_list = yes$", rel, re.M),
       "imsma: the list-valued imsma_links is recognised as lists of hazard "
       "ids and read as a list, saying why", draft)
    ok(re.search(r"^method\.cancelled = Non-Technical Survey$", draft, re.M)
       and re.search(r"^method\.reduced = Technical Survey$", draft, re.M)
       and re.search(r"^date_format = %d/%m/%Y$", draft, re.M),
       "imsma: Non-Technical Survey is cancellation, Technical Survey "
       "reduction; dates day first", draft)
    analyze_equals_canonical("imsma", path, dst, canon_out, tmp)
    path_dq = os.path.join(tmp, "out-imsma", "data_quality.csv")
    dq = (list(csv.DictReader(open(path_dq, newline="")))
          if os.path.exists(path_dq) else None)
    # A release of no hazard is exported with the list ["{}"]: that empty
    # id is the only one that may name no hazard.
    bad = [x["message"] for x in dq or [] if x["code"] == "unknown_hazard"
           and "hazard_id '{}' (of its list)" not in x["message"]]
    ok(dq is not None and not bad,
       "imsma: every id of every imsma_links list names a hazard", bad[:3])


def test_ambiguous(canon, canon_out, tmp):
    dst = ambiguous_export(canon, tmp)
    path, draft = draft_of(tmp, "ambiguous", dst)
    flat = unwrapped(draft)
    ok(re.search(r"^recorded_date = survey_date$", draft, re.M)
       and "chosen: the earliest on average" in flat
       and re.search(r"other candidates for recorded_date: update_date",
                     flat),
       "ambiguous: of two date fields the earlier is the recorded date, "
       "the draft says why and lists the other", draft)
    ok(re.search(r"^hazard_id = hazard_ref$", draft, re.M)
       and re.search(r"values of releases\.hazard_ref name one of them",
                     flat)
       and re.search(r"other candidates for hazard_id: gid", flat),
       "ambiguous: of two id fields the one the releases name is the "
       "hazard id, the other listed", draft)
    analyze_equals_canonical("ambiguous", path, dst, canon_out, tmp)


def test_real_ids(canon, canon_out, tmp):
    dst = real_ids_export(canon, tmp)
    with open(os.path.join(dst, "hazards.dbf"), "rb") as f:
        dbf = f.read(32 + 32 * 4)
    ok(b"hazard_id" in dbf and dbf[32 + 11:32 + 12] == b"N"
       and dbf[32 + 17] == 15, "reals: the hazards' hazard_id is a numeric "
       "field with 15 decimals, as GDAL writes a Real", dbf[32:64])
    r = run("inspect", dst)
    ok(r.returncode == 0 and re.search(r"hazard_id +Real\S* .*'\d+0'", r.stdout)
       and ".000000" not in r.stdout,
       "reals: inspect shows the real ids as whole numbers", r.stdout)
    path, draft = draft_of(tmp, "reals", dst)
    flat = unwrapped(draft)
    ok(re.search(r"^hazard_id = hazard_id$", draft, re.M)
       and re.search(r"[1-9]\d* values of releases\.hazard_id name one of "
                     "them", flat),
       "reals: the real hazard_id is the id the integer links name",
       draft)
    out = os.path.join(tmp, "out-reals")
    r = run("analyze", "-q", "-m", path, dst, "-o", out)
    if not ok(r.returncode == 0, "reals: analyze with the draft", r.stderr):
        return
    check_figures(out, canon_out, "reals")
    quality = open(os.path.join(out, "data_quality.csv")).read()
    ids = [row[0] for row in read_csv(os.path.join(out, "form_c.csv"))[1:]]
    ok("names no hazard" not in quality and ids
       and all(re.fullmatch(r"[1-9]\d*0", i) for i in ids),
       f"reals: every release's integer link finds its real-id hazard, and "
       f"Form C lists the {len(ids)} ids as whole numbers",
       [i for i in ids if not re.fullmatch(r"\d+", i)][:5] or quality[:2000])


def test_bih(tmp):
    bih = os.path.join(REAL, "bih")
    if not os.path.isdir(bih):
        tap.skip("BiH draft", "no shared/data/real/bih")
        return
    src = ["--regions", os.path.join(bih, "geoBoundaries-BIH-ADM3.geojson"),
           "--hazards", os.path.join(bih, "suspect_areas_simplyfied.geojson"),
           "--releases", os.path.join(bih, "cleared_areas_simplyfied.geojson")]
    path, draft = draft_of(tmp, "bih", *src)
    lines = draft.splitlines()
    missing = [i + 1 for i, l in enumerate(lines) if l.endswith("= ?")]
    ok([lines[i - 1] for i in missing] ==
       ["constant.recorded_date = ?", "constant.release_date = ?"]
       and "type.SHA = Suspected Minefield" in lines
       and "method.cleared = Cleared Areas" in lines
       and "implies_hazard = SHA" in lines,
       "bih: the draft reads the type and method from typeArea and names "
       "the two missing dates", draft)
    r = run("analyze", "-q", "--map", path, *src, "-o",
            os.path.join(tmp, "out-bih0"))
    ok(r.returncode == 2 and f"{path}:{missing[0]}:" in r.stderr
       and "still to be filled in" in r.stderr
       and not os.path.exists(os.path.join(tmp, "out-bih0")),
       "bih: analyze with the draft unedited exits 2 naming its first "
       "missing line, writing nothing", r.stderr)
    filled = os.path.join(tmp, "bih-filled.ini")
    with open(filled, "w") as f:
        f.write(draft.replace("constant.recorded_date = ?",
                              "constant.recorded_date = 2023-12-31")
                .replace("constant.release_date = ?",
                         "constant.release_date = 2023-12-30"))
    outs = []
    for label, m in (("filled", filled),
                     ("shipped", os.path.join(SRC, "maps",
                                              "bih-snapshot.ini"))):
        out = os.path.join(tmp, "out-bih-" + label)
        r = run("analyze", "-q", "--map", m, *src, "-o", out)
        ok(r.returncode == 0, f"bih: analyze with the {label} mapping",
           r.stderr)
        outs.append(out)
    check_figures(outs[0], outs[1], "bih, the draft with its dates filled in",
                  "that of maps/bih-snapshot.ini")


def test_anonymous_layers(canon_out, tmp):
    """Layer names that say nothing: the layers are told by their values."""
    fr = os.path.join(tmp, "fr-export.gpkg")
    dst = os.path.join(tmp, "anonymous.gpkg")
    for src, name in (("limites_admin", "a1"), ("zones_dangereuses", "b2"),
                      ("operations_liberation", "c3")):
        ogr(dst, fr, f"SELECT * FROM {src}", name)
    path, draft = draft_of(tmp, "anonymous", dst)
    layers = re.findall(r"^layer = (\S+)$", draft, re.M)
    ok(layers == ["a1", "b2", "c3"]
       and "of its field categorie spell a type" in unwrapped(draft)
       and "of its field methode spell a method" in unwrapped(draft),
       "anonymous layers: hazards and releases told by their values, "
       "saying so", draft)
    analyze_equals_canonical("anonymous", path, dst, canon_out, tmp)


def test_no_crs(canon, canon_out, tmp):
    """Shapefiles in UTM without their .prj: the draft asks for the CRS on
    each layer; filled in, the figures are the canonical ones (to 0.1 m2:
    the round trip through UTM moves vertices by nanometres)."""
    dst = os.path.join(tmp, "utm")
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", "-t_srs",
                    "EPSG:32648", dst, canon], check=True,
                   capture_output=True)
    for f in os.listdir(dst):
        if f.endswith(".prj"):
            os.remove(os.path.join(dst, f))
    path, draft = draft_of(tmp, "utm", dst)
    lines = draft.splitlines()
    asked = [i + 1 for i, l in enumerate(lines) if l == "crs = ?"]
    r = run("analyze", "-q", "-m", path, dst, "-o",
            os.path.join(tmp, "out-utm0"))
    ok(len(asked) == 3 and r.returncode == 2
       and f"{path}:{asked[0]}: `crs = ?`" in r.stderr,
       "no .prj: the draft asks for the CRS of each layer and analyze "
       "stops at the first", r.stderr)
    filled = os.path.join(tmp, "utm-filled.ini")
    with open(filled, "w") as f:
        f.write(draft.replace("crs = ?", "crs = EPSG:32648"))
    out = os.path.join(tmp, "out-utm")
    r = run("analyze", "-q", "-m", filled, dst, "-o", out)
    if ok(r.returncode == 0, "no .prj: analyze with the CRS filled in",
          r.stderr):
        check_figures(out, canon_out, "no .prj", tol=0.1)


def test_errors(canon, tmp):
    """Bad input and a draft that would overwrite: exit 2 and a message
    naming the file; nothing written."""
    path = os.path.join(tmp, "fr.ini")
    before = open(path).read()
    r = run("inspect", canon, "--write-map", path)
    ok(r.returncode == 2 and f"{path} exists" in r.stderr
       and open(path).read() == before,
       "--write-map never replaces an existing file: exit 2 naming it",
       r.stderr)
    missing = os.path.join(tmp, "no-such.gpkg")
    r = run("inspect", missing, "-m", os.path.join(tmp, "x.ini"))
    ok(r.returncode == 2 and "no-such.gpkg" in r.stderr
       and not os.path.exists(os.path.join(tmp, "x.ini")),
       "an unreadable source: exit 2 naming it, no draft", r.stderr)
    r = run("inspect", "--hazards", canon)
    ok(r.returncode == 2 and "--regions, --hazards and --releases"
       in r.stderr, "one source of three: exit 2 saying what to give",
       r.stderr)
    one = os.path.join(tmp, "one-layer.gpkg")
    ogr(one, canon, "SELECT * FROM hazards", "hazards")
    r = run("inspect", one)
    ok(r.returncode == 2 and "three are needed" in r.stderr,
       "a dataset of one layer: exit 2 saying three are needed", r.stderr)


def main():
    tmp = tempfile.mkdtemp(prefix="lr-inspect-")
    canon = os.path.join(tmp, "canonical.gpkg")
    subprocess.run([GEN, "--out", canon, "--seed", "11", "--hazards", "400",
                    "--regions", "12"], check=True, capture_output=True)
    canon_out = os.path.join(tmp, "out-canonical")
    r = run("analyze", "-q", canon, "-o", canon_out)
    ok(r.returncode == 0, "the canonical run", r.stderr)
    for lang, spec in EXPORTS.items():
        test_language(lang, spec, canon, canon_out, tmp)
    test_imsma(canon, canon_out, tmp)
    test_ambiguous(canon, canon_out, tmp)
    test_real_ids(canon, canon_out, tmp)
    test_anonymous_layers(canon_out, tmp)
    test_no_crs(canon, canon_out, tmp)
    test_bih(tmp)
    test_errors(canon, tmp)
    shutil.rmtree(tmp)
    return tap.done()


if __name__ == "__main__":
    raise SystemExit(main())
