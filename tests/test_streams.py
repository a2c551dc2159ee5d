#!/usr/bin/env python3
"""Sources that could stream for ever (TAP output).

A local HTTP server that trickles a GeoJSON byte by byte, read through
GDAL's /vsicurl/; a /vsistdin/ pipe that is never closed; a source with more
features than --max-features.  Each must end the run with exit 2, a message
naming the source and the bound, within a small multiple of the bound, and
no output folder.
"""
import http.server
import os
import socketserver
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

import tap
from tap import ok

BUILD = os.environ.get("LR_BUILD_DIR", "build")
LR = os.path.join(BUILD, "cli", "landrelease")
GEN = os.path.join(BUILD, "data", "lr-generate")

# A FeatureCollection that never gets to its first feature in time.
BODY = b'{"type":"FeatureCollection","features":[' + b" " * 100000


class Trickle(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def headers_only(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()

    def do_HEAD(self):
        self.headers_only()

    def do_GET(self):
        self.headers_only()
        try:
            for b in BODY:
                self.wfile.write(bytes([b]))
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def analyze(data, hazards, out, *extra, stdin=None, timeout=120):
    args = [LR, "analyze", "--regions", data, "--regions-layer", "regions",
            "--hazards", hazards, "--releases", data, "--releases-layer",
            "releases", "-o", out, "-q", *extra]
    t0 = time.monotonic()
    r = subprocess.run(args, capture_output=True, text=True, stdin=stdin,
                       timeout=timeout)
    return r, time.monotonic() - t0


def main():
    tmp = tempfile.mkdtemp(prefix="lr-streams-")
    data = os.path.join(tmp, "d.gpkg")
    subprocess.run([GEN, "--out", data, "--seed", "7", "--hazards", "200",
                    "--regions", "5"], check=True, capture_output=True)

    server = Server(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"/vsicurl/http://127.0.0.1:{server.server_address[1]}/x.geojson"
    out = os.path.join(tmp, "curl")
    r, took = analyze(data, url, out, "--read-timeout", "2")
    ok(r.returncode == 2 and f"{url}: still reading after" in r.stderr
       and "--read-timeout" in r.stderr and len(r.stderr.splitlines()) == 1,
       "/vsicurl/ trickling a byte every 0.2 s: exit 2, one line naming the "
       "source and --read-timeout", r.stderr)
    # GDAL tries a sibling or two of a remote file, each cut at the bound.
    ok(2 <= took < 12, f"... and it ends within a few bounds ({took:.1f} s "
       "for --read-timeout 2)")
    ok(not os.path.exists(out), "... and no output folder is made")
    draft = os.path.join(tmp, "draft.ini")
    t0 = time.monotonic()
    r = subprocess.run([LR, "inspect", "--regions", data, "--hazards", url,
                        "--releases", data, "--read-timeout", "2", "-m",
                        draft], capture_output=True, text=True, timeout=120)
    took = time.monotonic() - t0
    ok(r.returncode == 2 and f"{url}: still reading after" in r.stderr
       and 2 <= took < 12 and not os.path.exists(draft),
       f"inspect of the same: exit 2 naming it after {took:.1f} s, no draft",
       r.stderr)
    server.shutdown()

    # A pipe whose writer never closes it: GDAL's read blocks where no
    # check can run, so the process itself is bounded.
    out = os.path.join(tmp, "stdin")
    p = subprocess.Popen(["sleep", "120"], stdout=subprocess.PIPE)
    r, took = analyze(data, "/vsistdin/", out, "--read-timeout", "1",
                      stdin=p.stdout)
    p.kill()
    p.wait()
    ok(r.returncode == 2 and "still reading the inputs after 8 s" in
       r.stderr and "pipe never closed" in r.stderr,
       "/vsistdin/ from a pipe never closed: exit 2 after 3 sources x 1 s "
       "+ 5 s, saying so", r.stderr)
    ok(7 <= took < 20 and not os.path.exists(out),
       f"... after {took:.1f} s, and no output folder is made")

    # A source with more features than allowed: counted, never truncated.
    out = os.path.join(tmp, "count")
    r = subprocess.run([LR, "analyze", data, "-o", out, "-q",
                        "--max-features", "150"], capture_output=True,
                       text=True)
    ok(r.returncode == 2 and r.stderr.startswith(
        f"landrelease analyze: {data} (layer hazards): more than 150 "
        "features") and "--max-features" in r.stderr
       and not os.path.exists(out),
       "200 hazards with --max-features 150: exit 2 naming the layer and "
       "the bound, nothing written", r.stderr)
    with sqlite3.connect(data) as db:
        most = max(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                   for t in ("regions", "hazards", "releases"))
    r = subprocess.run([LR, "analyze", data, "-o", out, "-q",
                        "--max-features", str(most), "--read-timeout", "0"],
                       capture_output=True, text=True)
    ok(r.returncode == 0, f"--max-features {most} (exactly the largest "
       "layer) and --read-timeout 0 (no bound): exit 0", r.stderr)
    for bad in (["--read-timeout", "soon"], ["--max-features", "1.5"],
                ["--max-features", "-3"]):
        r = subprocess.run([LR, "analyze", data, "-o", out, *bad],
                           capture_output=True, text=True)
        ok(r.returncode == 2 and f"--{bad[0][2:]} '{bad[1]}'" in r.stderr,
           f"{' '.join(bad)}: exit 2 naming it", r.stderr)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
