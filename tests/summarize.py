#!/usr/bin/env python3
"""Count TAP results of meson test runs and print 'N passed, N failed'.

Each argument is a meson build directory whose tests have run.  Every TAP
line counts ("ok N" passed, "not ok N" failed; "# SKIP" lines are skipped;
"not ok N ... # TODO" is a known bug, as TAP defines it: counted and printed
apart, not a failure, and "ok N ... # TODO" says the bug is gone);
a test program that crashed or timed out without TAP counts as one failure.
Failing lines are printed with their test name, so a CI log says what broke.
"""
import json
import os
import re
import sys

passed = failed = skipped = todo = 0
for build in sys.argv[1:]:
    log = os.path.join(build, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        print(f"{build}: no test log", file=sys.stderr)
        failed += 1
        continue
    with open(log) as f:
        for line in f:
            t = json.loads(line)
            out = t.get("stdout") or ""
            tap = [l for l in out.splitlines() if re.match(r"(not )?ok \d+", l)]
            for l in tap:
                if "# SKIP" in l:
                    skipped += 1
                elif "# TODO" in l:
                    todo += 1
                    print(f"TODO {build}: {t['name']}: {l}")
                elif l.startswith("ok"):
                    passed += 1
                else:
                    failed += 1
                    print(f"FAIL {build}: {t['name']}: {l}")
            if re.search(r"^1\.\.0 # SKIP", out, re.M):
                skipped += 1
            if t["result"] not in ("OK", "SKIP", "EXPECTEDFAIL") and not any(
                l.startswith("not ok") for l in tap
            ):
                failed += 1
                print(f"FAIL {build}: {t['name']}: {t['result']}")
                print(out[-2000:])
print(f"{passed} passed, {failed} failed, {skipped} skipped, {todo} known bugs (TODO)")
sys.exit(1 if failed else 0)
