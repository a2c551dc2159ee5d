#!/usr/bin/env python3
"""The sample's report as a person sees it (TAP output).

The bundled sample (data/make-sample.sh: seed 1, 300 hazards, 25 districts,
a country finishing) analysed, projected and planned, then reported: its
PDF's pages through pdftoppm and its HTML through headless Chromium are
not blank and show chart 1 and the map with its legend and scale bar
(tests/render.py; the same checks run on BiH in test_report_bih.py).
Skipped with a message where pdftoppm or chromium is absent.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import render
import sample
import tap
from tap import ok

BUILD = os.environ.get("LR_BUILD_DIR", "build")
LR = os.path.join(BUILD, "cli", "landrelease")
GEN = os.path.join(BUILD, "data", "lr-generate")


def run(*args):
    return subprocess.run([LR, *args], capture_output=True, text=True)


def main():
    tmp = tempfile.mkdtemp(prefix="lr-rendered-")
    data = sample.make(GEN, os.path.join(tmp, "sample.gpkg"))
    out = os.path.join(tmp, "out")
    steps = [run("analyze", data, "--out", out),
             run("project", out, "--deadline", "2028-12-31"),
             run("plan", out, "--target", "2033-12-31"),
             run("report", out, "--format", "html,pdf")]
    ok(all(r.returncode == 0 for r in steps),
       "sample: analyze, project, plan and report exit 0",
       "".join(r.stderr for r in steps))
    render.check_pdf(out, tmp, "sample")
    render.check_html(out, tmp, "sample")
    shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
