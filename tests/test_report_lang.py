#!/usr/bin/env python3
"""landrelease report --lang fr|es end to end (TAP output).

One analysis, reported in English, French and Spanish.  Every label a reader
sees must be translated: the visible text of the translated HTML may hold no
word of the English HTML other than names from the data, numbers and the few
words the languages share.  Numbers are written for the language (decimal
comma; narrow no-break space or point between thousands), checked against
the CSV figures formatted here, on a generated country and on the real BiH
data when it is here.  The XLSX and JSON keep the same numbers as numbers;
English outputs do not change with --lang en.  Every message the sources
mark for translation is translated in po/fr.po and po/es.po.
"""
import csv
import html as htmllib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from decimal import Decimal

import tap
from tap import ok, skip

BUILD = os.environ.get("LR_BUILD_DIR", "build")
SOURCE = os.environ.get("LR_SOURCE_DIR",
                        os.path.join(os.path.dirname(__file__), ".."))
LR = os.path.join(BUILD, "cli", "landrelease")
GEN = os.path.join(BUILD, "data", "lr-generate")
NNBSP = "\u202f"

# Words the three languages write alike, or names of files, tables and
# commands the text quotes: never a label left in English.
SHARED = {
    "P10", "P50", "P90", "TOTAL", "Total", "km", "m", "WGS84", "AP", "AV",
    "landrelease", "sqlite", "csv", "release_by_year", "remaining_by_region",
    "completion", "workplan", "new_m2", "released_m2", "release_m2",
    "analyze", "project", "plan", "previous", "Monte", "Carlo", "Source",
    "date", "National", "Article", "page", "REG",
    # annex letters, and the tables and files the data-quality annex names
    "A1", "A2", "B", "C", "data_quality", "form_c", "ingest_counts", "docs",
    "errors", "md", "info", "request_tables", "xlsx", "json",
    # the level tables annex D names, and its letter
    "D", "remaining_by_level", "release_by_year_by_level",
    # the completion annex E: its letter, tables and files
    "E", "E1", "E2", "E3", "completion_by_region", "completion_releases",
    "previously_unknown",
    # table 1b and the contamination columns its source names
    "b", "ap_m2", "av_m2", "erw_m2", "mixed_m2",
}
# Words of French and Spanish spelled as an English word is.
SAME_SPELLING = {
    "fr": {"a", "contamination", "dates", "faces", "mines", "national",
           "non", "orange", "percentiles", "point", "table",
           "projection", "absent", "Contamination", "Latitude",
           "Longitude", "latitude", "information", "Type", "classes", "quartiles",
           "stock", "tables", "antipersonnel"},
    "es": {"a", "A", "no", "percentiles"},
}


def run(*args, env=None):
    return subprocess.run([LR, *args], capture_output=True, text=True,
                          env=env)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def visible_text(page):
    """The text a reader sees in report.html: no style, no SVG (charts are
    glyph outlines), tags removed, entities decoded."""
    page = re.sub(r"<style>.*?</style>|<svg.*?</svg>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return htmllib.unescape(page)


def words(text):
    return set(re.findall(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9_']*", text))


def formatted(d, lang):
    """Decimal d with two decimals as the report writes it in lang."""
    s = f"{d:,.2f}"
    if lang == "fr":
        return s.replace(",", NNBSP).replace(".", ",")
    if lang == "es":
        return s.replace(",", "#").replace(".", ",").replace("#", ".")
    return s


def xlsx_numbers(path, sheet):
    book = zipfile.ZipFile(path)
    xml = book.read(f"xl/worksheets/sheet{sheet}.xml").decode()
    return [Decimal(v) for v in
            re.findall(r'<c r="[A-Z]+\d+"(?: s="\d+")?><v>([^<]+)</v>', xml)]


def sheet_names(path):
    wb = zipfile.ZipFile(path).read("xl/workbook.xml").decode()
    return [htmllib.unescape(s) for s in re.findall(r'<sheet name="([^"]+)"',
                                                    wb)]


def data_words(out):
    """Words that come from the data: region ids and names, the source
    labels of the layers, the folder the notes name."""
    w = words(out) | {"en", "fr", "es"}
    for row in read_csv(os.path.join(out, "remaining_by_region.csv")):
        w |= words(row["region_id"] + " " + row.get("name", ""))
    j = json.load(open(os.path.join(out, "en", "request_tables.json")))
    for s in j["sources"].values():
        w |= words(s)
    # The data-quality statement quotes fields that hold one value on every
    # record, with that value: names and values of the store's layers.
    db = sqlite3.connect(os.path.join(out, "landrelease.sqlite"))
    for table, fields in (("hazards", ("type", "contamination")),
                          ("releases", ("method",))):
        w |= {c[1] for c in db.execute(f"PRAGMA table_info({table})")}
        for f in fields:
            w |= {str(v[0]) for v in
                  db.execute(f"SELECT DISTINCT {f} FROM {table}")}
    db.close()
    for t in j["tables"]:
        for row in t["rows"] + t["totals"]:
            w |= words(" ".join(str(v) for v in row.values()
                                if isinstance(v, str)))
    return w


def check_labels(out, lang, data):
    en = visible_text(open(os.path.join(out, "en", "report.html")).read())
    tr = visible_text(open(os.path.join(out, lang, "report.html")).read())
    left = sorted((words(tr) & words(en)) - data - SHARED -
                  SAME_SPELLING[lang])
    ok(not left, f"{lang}: no English label left in the HTML", left)
    for needle in ("Summary", "Remaining", "As of", "Scope", "Units",
                   "Table 1.", "National total"):
        if needle in tr:
            ok(False, f"{lang}: '{needle}' is not in the HTML")
            break
    else:
        ok(True, f"{lang}: headings and column labels are not English")
    return tr


def check_numbers(out, lang, text, m2_text=None):
    """The national total in km² (the default unit) and, from a report
    written with --unit m2, in m² with its thousands grouped."""
    rem = read_csv(os.path.join(out, "remaining_by_region.csv"))
    total = Decimal(next(x for x in rem if x["region_id"] == "TOTAL")
                    ["total_m2"])
    english = re.findall(r"\b\d{1,3}(?:,\d{3})+\.\d\d\b", text)
    ok(not english, f"{lang}: no number written the English way", english[:5])
    km2 = formatted(total / Decimal(10**6), lang)
    ok(f"{km2} km²" in text, f"{lang}: km² with a decimal comma ({km2})",
       text[:400])
    if m2_text is not None:
        want = formatted(total, lang)
        ok(f"{want} m²" in m2_text,
           f"{lang}: --unit m2 writes the national total {want!r}",
           m2_text[:400])


def grouped(n, lang):
    """A count as the report writes it in prose in lang: 3,097, 3 097
    (narrow no-break space), 3.097."""
    return f"{n:,}".replace(",", {"en": ",", "fr": NNBSP, "es": "."}[lang])


def prose(out, lang):
    """{output: its prose}: the HTML's visible text and the Markdown
    without their tables, the PDF's text (pdftotext) when it is here."""
    page = open(os.path.join(out, "report.html")).read()
    got = {"html": visible_text(re.sub(r"<table.*?</table>", " ", page,
                                       flags=re.S)),
           "md": "\n".join(x for x in open(os.path.join(
               out, "request_tables.md")).read().splitlines()
               if not x.startswith("|"))}
    if shutil.which("pdftotext"):
        got["pdf"] = subprocess.run(
            ["pdftotext", os.path.join(out, "report.pdf"), "-"],
            capture_output=True, text=True).stdout
    return got


def check_counts(out, lang):
    """Counts in sentences have their thousands grouped for the language:
    the areas remaining the national sentence names (HTML, PDF), the Form
    C areas the annex's note names (all three); no count of four digits or
    more left ungrouped in the HTML's and Markdown's prose (years aside)."""
    rem = read_csv(os.path.join(out, "remaining_by_region.csv"))
    areas = int(next(x for x in rem if x["region_id"] == "TOTAL")
                ["total_count"])
    form_c = len(read_csv(os.path.join(out, "form_c.csv")))
    for kind, text in prose(out, lang).items():
        # One space between words; \s would take the narrow no-break
        # space that groups French thousands too.
        text = re.sub(r"[ \t\n\f]+", " ", text)
        if kind == "pdf":  # pdftotext reads the narrow space as a space
            text = text.replace(" ", NNBSP)
        counts = (form_c,) if kind == "md" else (areas, form_c)
        want = [grouped(n, lang) for n in counts]
        bare = [str(n) for n in counts
                if re.search(rf"(?<![\d.,]){n}[ {NNBSP}][^\d\s]", text)]
        loose = [m.group() for m in re.finditer(
            r"(?<![\d.,:/\w-])\d{4,}(?![\d/\w-])", text)
            if not re.fullmatch(r"(19|20)\d\d", m.group())]
        if kind == "pdf":
            loose = []  # its tables are in the text: the two counts only
        ok(areas >= 1000 and all(w in text for w in want) and not bare and
           not loose,
           f"{lang} {kind}: counts in prose grouped ({', '.join(want)})",
           (want, bare, loose[:5]))


def check_machine_outputs(out, lang):
    en_x = os.path.join(out, "en", "request_tables.xlsx")
    tr_x = os.path.join(out, lang, "request_tables.xlsx")
    same = all(xlsx_numbers(en_x, k) == xlsx_numbers(tr_x, k)
               for k in range(1, 6))
    ok(same and xlsx_numbers(tr_x, 1),
       f"{lang}: the XLSX cells are the same numbers as in English")
    names = sheet_names(tr_x)
    ok(names != sheet_names(en_x) and
       all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n)
           for n in names),
       f"{lang}: sheet names translated, within Excel's rules", names)
    je = json.load(open(os.path.join(out, "en", "request_tables.json")))
    jt = json.load(open(os.path.join(out, lang, "request_tables.json")))
    keys = [[c["key"] for c in t["columns"]] for t in je["tables"]]
    def numbers(j):
        return [{k: v for k, v in (t["total"] or {}).items()
                 if isinstance(v, (int, float))} for t in j["tables"]]
    ok(keys == [[c["key"] for c in t["columns"]] for t in jt["tables"]] and
       numbers(je) == numbers(jt) and numbers(je)[0],
       f"{lang}: the JSON keeps its keys and the same TOTAL figures")
    ok(all(a["title"] != b["title"]
           for a, b in zip(je["tables"], jt["tables"])),
       f"{lang}: the JSON titles are translated")
    styles = {}
    for which in ("en", lang):
        db = sqlite3.connect(os.path.join(out, which, "remaining.gpkg"))
        styles[which] = db.execute(
            "SELECT f_table_name, styleQML, description FROM layer_styles "
            "ORDER BY f_table_name").fetchall()
        db.close()
    legend = {"fr": "zone soupçonnée dangereuse",
              "es": "zona sospechosa de peligro"}[lang]
    ok([s[0] for s in styles["en"]] == [s[0] for s in styles[lang]] and
       any(legend in s[1] for s in styles[lang]) and
       all(a[2] != b[2] for a, b in zip(styles["en"], styles[lang])),
       f"{lang}: the GeoPackage's QGIS legend and style notes translated",
       styles[lang])
    md = open(os.path.join(out, lang, "request_tables.md")).read()
    ok(not re.search(r"## Table \d", md) and "As of:" not in md,
       f"{lang}: the Markdown headings are translated")


def check_catalogues():
    """Every string the sources mark is translated in fr.po and es.po."""
    if not shutil.which("xgettext") or not shutil.which("msgfmt"):
        skip("every marked string translated", "gettext tools absent")
        return
    po = os.path.join(SOURCE, "po")
    marked = [f for f in os.listdir(os.path.join(SOURCE, "report"))
              if f.endswith(".c") and
              re.search(r'\b_\(|N_\(',
                        open(os.path.join(SOURCE, "report", f)).read())]
    listed = open(os.path.join(po, "POTFILES")).read().split()
    ok(sorted("report/" + f for f in marked) == sorted(listed),
       "po/POTFILES lists every report file with marked strings",
       (sorted(marked), listed))
    tmp = tempfile.mkdtemp(prefix="lr-pot-")
    pot = os.path.join(tmp, "now.pot")
    subprocess.run(["xgettext", "--keyword=_", "--keyword=N_",
                    "--from-code=UTF-8", "-o", pot, "-D", SOURCE,
                    *listed], check=True, capture_output=True)
    for lang in ("fr", "es"):
        merged = os.path.join(tmp, lang + ".po")
        subprocess.run(["msgmerge", "--no-fuzzy-matching", "-q", "-o",
                        merged, os.path.join(po, lang + ".po"), pot],
                       check=True, capture_output=True)
        r = subprocess.run(["msgfmt", "-c", "--statistics", "-o",
                            os.devnull, merged],
                           capture_output=True, text=True)
        ok(r.returncode == 0 and "untranslated" not in r.stderr and
           "fuzzy" not in r.stderr,
           f"po/{lang}.po translates every marked string", r.stderr)
    shutil.rmtree(tmp)


def check_pdf_captions(out, lang):
    """A translated caption is longer than the English one; each chart's
    caption still ends on the chart's own page of the PDF."""
    if not shutil.which("pdftotext"):
        skip(f"{lang}: captions on their charts' pages",
             "pdftotext (poppler-utils) not installed")
        return
    d = os.path.join(out, lang + "-pdf")
    shutil.copytree(os.path.join(out, lang), d)
    r = run("report", d, "--format", "pdf", "--lang", lang)
    if not ok(r.returncode == 0, f"{lang}: report --format pdf: exit 0",
              r.stderr):
        return
    text = subprocess.run(["pdftotext", os.path.join(d, "report.pdf"), "-"],
                          capture_output=True, text=True).stdout
    pages = [" ".join(p.split()) for p in text.split("\f")]
    # The last words of each caption, as the HTML figure captions give them.
    page = open(os.path.join(d, "..", lang, "report.html")).read()
    ends = [" ".join(htmllib.unescape(c).split())[-30:] for c in
            re.findall(r"<figcaption>(.*?)</figcaption>", page, re.S)]
    titles = {"fr": ("Superficie dangereuse restante dans le temps",
                     "Terres remises à disposition par an",
                     "Superficie dangereuse restante par région"),
              "es": ("Superficie peligrosa restante a lo largo",
                     "Tierras liberadas por año",
                     "Superficie peligrosa restante por región")}[lang]
    where = []
    for title, end in zip(titles, ends):
        at = [p for p in pages if p.startswith(title)]
        where.append(bool(at) and end in at[0])
    ok(len(ends) == 3 and all(where),
       f"{lang}: each chart's caption ends on the chart's page", where)


def check_errors(out):
    r = run("report", os.path.join(out, "nowhere"), "--lang", "de",
            "--format", "md")
    ok(r.returncode == 2 and "'de'" in r.stderr and
       "landrelease.sqlite" not in r.stderr,
       "an unknown language: exit 2 naming it, before the folder is read",
       r.stderr)
    env = dict(os.environ, LR_LOCALEDIR=os.path.join(out, "no-such-dir"))
    r = run("report", os.path.join(out, "fr"), "--lang", "fr",
            "--format", "md", env=env)
    ok(r.returncode == 2 and "fr/LC_MESSAGES/landrelease.mo" in r.stderr
       and "LR_LOCALEDIR" in r.stderr,
       "missing translations: exit 2 naming the file, never English",
       r.stderr)


def check_markup(out):
    """A date of completion.csv that is markup stays text in the HTML
    summary (the national sentence is built from it)."""
    d = os.path.join(out, "markup")
    shutil.copytree(os.path.join(out, "en"), d)
    path = os.path.join(d, "completion.csv")
    rows = read_csv(path)
    for row in rows:
        if row["region_id"] == "TOTAL":
            row["p10_date"] = "<i>x</i>"
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    r = run("report", d, "--format", "html", "--lang", "fr")
    page = open(os.path.join(d, "report.html")).read()
    ok(r.returncode == 0 and "<i>x</i>" not in page and
       "&lt;i&gt;x&lt;/i&gt;" in page,
       "a completion date that is markup is shown as text", r.stderr)


def check_bih(tmp):
    """The real Bosnia and Herzegovina snapshot in French: names with
    diacritics stay as they are, the land outside every municipality gets
    its French name, no English label is left, the total is written the
    French way."""
    real = os.environ.get("LR_SHARED_DATA", "")
    bih = os.path.join(real, "bih")
    if not os.path.exists(os.path.join(bih,
                                       "suspect_areas_simplyfied.geojson")):
        skip("BiH in French", "the real BiH data is not here")
        return
    out = os.path.join(tmp, "bih")
    r = run("analyze", "--map", os.path.join(SOURCE, "maps",
                                             "bih-snapshot.ini"),
            "--regions", os.path.join(bih, "geoBoundaries-BIH-ADM3.geojson"),
            "--hazards", os.path.join(bih, "suspect_areas_simplyfied.geojson"),
            "--releases", os.path.join(bih, "cleared_areas_simplyfied.geojson"),
            "--out", out, "--quiet")
    if not ok(r.returncode == 0, "BiH: analyze exit 0", r.stderr):
        return
    for lang in ("en", "fr"):
        d = os.path.join(out, lang)
        shutil.copytree(out, d, ignore=shutil.ignore_patterns("en", "fr"))
        r = run("report", d, "--format", "html,json", "--lang", lang)
        ok(r.returncode == 0, f"BiH: report --lang {lang}: exit 0", r.stderr)
    text = check_labels(out, "fr", data_words(out))
    check_numbers(out, "fr", text)
    ok("Kotor Varoš" in text and "(terres hors de toute région)" in text,
       "BiH: region names kept, the land outside them named in French")
    for lang in ("en", "fr", "es"):
        d = os.path.join(out, "counts-" + lang)
        shutil.copytree(out, d, ignore=shutil.ignore_patterns("en", "fr",
                                                              "counts-*"))
        r = run("report", d, "--format", "html,md,pdf", "--lang", lang)
        ok(r.returncode == 0, f"BiH: html, md, pdf --lang {lang}: exit 0",
           r.stderr)
        check_counts(d, lang)


def main():
    tmp = tempfile.mkdtemp(prefix="lr-lang-")
    data = os.path.join(tmp, "sample.gpkg")
    subprocess.run([GEN, "--out", data, "--seed", "1", "--hazards", "300",
                    "--regions", "25"], check=True, capture_output=True)
    out = os.path.join(tmp, "out")
    ok(run("analyze", data, "--out", out, "--quiet").returncode == 0,
       "analyze: exit 0")
    run("project", out, "--deadline", "2028-12-31", "--runs", "500")
    run("plan", out, "--target", "2033-12-31")
    for lang in ("en", "fr", "es", "default"):
        d = os.path.join(out, lang)
        shutil.copytree(out, d, ignore=shutil.ignore_patterns(
            "en", "fr", "es", "default"))
        args = [] if lang == "default" else ["--lang", lang]
        r = run("report", d, "--format", "xlsx,html,md,json,gpkg", *args)
        ok(r.returncode == 0, f"report --lang {lang}: exit 0", r.stderr)
    def text(lang, f):
        # The Markdown names the store by its path.
        return open(os.path.join(out, lang, f)).read().replace(
            os.path.join(out, lang), "DIR")
    ok(all(text("en", f) == text("default", f)
           for f in ("report.html", "request_tables.md",
                     "request_tables.json")),
       "--lang en writes what no --lang writes")
    data_w = data_words(out)
    for lang in ("fr", "es"):
        text = check_labels(out, lang, data_w)
        d = os.path.join(out, lang + "-m2")
        shutil.copytree(os.path.join(out, lang), d)
        r = run("report", d, "--format", "html", "--lang", lang,
                "--unit", "m2")
        ok(r.returncode == 0, f"report --lang {lang} --unit m2: exit 0",
           r.stderr)
        m2_text = visible_text(open(os.path.join(d, "report.html")).read())
        check_numbers(out, lang, text, m2_text)
        check_machine_outputs(out, lang)
        check_pdf_captions(out, lang)
    check_catalogues()
    check_errors(out)
    check_markup(out)
    check_bih(tmp)
    shutil.rmtree(tmp)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
