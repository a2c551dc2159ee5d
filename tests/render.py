"""The report as a person sees it: the PDF's pages through pdftoppm and the
HTML through headless Chromium, checked for content (TAP checks shared by
the tests of the sample and of BiH).  Each is skipped with a message where
its program is absent."""
import os
import shutil
import subprocess
import tempfile

import pngread
from tap import ok, skip

# The map's five classes (report_chart.c class_colors), lightest first.
CLASS_RGB = [(0xf4, 0xf4, 0xf4), (0xda, 0xda, 0xeb), (0xbc, 0xbd, 0xdc),
             (0x9e, 0x9a, 0xc8), (0x75, 0x6b, 0xb1)]
# Chart 1's SHA stock bars as cairo blends them on white (alpha 0.55).
SHA_STOCK_RGB = (248, 193, 139)


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pdf_pages(pdf, tmp, dpi, first=None):
    """The pages of pdf as images (pngread.read), from page first alone
    when given."""
    out = tempfile.mkdtemp(dir=tmp, prefix="pages-")
    pages = ["-f", str(first), "-l", str(first)] if first else []
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", *pages, pdf,
                    os.path.join(out, "p")], capture_output=True, timeout=300)
    return [pngread.read(os.path.join(out, f))
            for f in sorted(os.listdir(out))]


def screenshot(html, tmp, width, height, scale=1.0):
    """The top width x height CSS pixels of html as Chromium draws them,
    at scale (0.5: half as many pixels each way); None if none was
    written."""
    shot = os.path.join(tempfile.mkdtemp(dir=tmp, prefix="shot-"), "s.png")
    subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--hide-scrollbars",
                    "--user-data-dir=" + tempfile.mkdtemp(dir=tmp),
                    f"--force-device-scale-factor={scale}",
                    "--screenshot=" + shot,
                    f"--window-size={width},{height}",
                    "file://" + os.path.abspath(html)],
                   capture_output=True, timeout=180)
    return pngread.read(shot) if os.path.exists(shot) else None


def map_furniture(img):
    """(legend, scale bar) found in img, each None when absent."""
    return (pngread.legend_ladder(img, CLASS_RGB), pngread.scale_bar(img))


def check_pdf(out, tmp, label):
    """No page blank; a page holds chart 1's SHA stock; the map's page,
    and no other, its legend of five classes and its scale bar."""
    if not shutil.which("pdftoppm"):
        skip(f"{label}: pdf pages rendered",
             "pdftoppm (poppler-utils) not installed")
        return
    pdf = os.path.join(out, "report.pdf")
    pages = pdf_pages(pdf, tmp, 50)
    blank = [i + 1 for i, p in enumerate(pages)
             if pngread.distinct_colours(p, 3) <= 10]
    ok(pages and not blank, f"{label} pdf: {len(pages)} pages, none blank",
       blank)
    sha = [pngread.count_near(p, SHA_STOCK_RGB, 10) for p in pages]
    ok(max(sha, default=0) > 100, f"{label} pdf: chart 1 drawn (its SHA "
       f"stock on page {sha.index(max(sha)) + 1 if sha else 0})", sha)
    found = [map_furniture(p) for p in pages]
    maps = [i + 1 for i, (legend, bar) in enumerate(found) if legend and bar]
    stray = [i + 1 for i, (legend, bar) in enumerate(found)
             if (legend or bar) and i + 1 not in maps]
    ok(len(maps) == 1 and not stray,
       f"{label} pdf: the map's legend (five classes) and scale bar on "
       f"page {maps[0] if maps else '-'} and on no other page",
       (maps, stray))


def check_html(out, tmp, label):
    """The top of the HTML (1200 x 4000 CSS pixels, drawn at half scale)
    holds chart 1 and, below it, the map with its legend and scale bar.
    Returns the screenshot (None if none)."""
    if not chromium():
        skip(f"{label}: html rendered", "chromium not installed")
        return None
    img = screenshot(os.path.join(out, "report.html"), tmp, 1200, 4000, 0.5)
    if not ok(img is not None, f"{label} html: chromium wrote a screenshot"):
        return None
    legend, bar = map_furniture(img)
    sha = pngread.count_near(img, SHA_STOCK_RGB, 10)
    ok(pngread.distinct_colours(img, 5) > 20 and sha > 100,
       f"{label} html: not blank, chart 1 drawn", sha)
    ok(legend and bar and bar[1] > legend[1],
       f"{label} html: the map's legend (five classes) and its scale bar "
       "below it", (legend, bar))
    return img
