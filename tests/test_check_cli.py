#!/usr/bin/env python3
"""landrelease check end to end (TAP output).

A hand-made consistent request (tests/fixtures/check/consistent/: remaining,
release by year 2019-2023 with subtotals, completion, work plan 2024-2028 and
the previous work plan) gives no finding.  Every rule is then broken exactly
once in a copy, made here from the same small model: that rule, and nothing
else, must fire once.  The same request as an XLSX workbook, and rounded to
km2, gives the same verdict; unusable input exits 2.

Run with --write-fixtures DIR to regenerate the consistent fixture.
"""
import copy
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile

import tap
from tap import ok

BUILD = os.environ.get("LR_BUILD_DIR", "build")
SRC = os.environ.get("LR_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), ".."))
LR = os.path.join(BUILD, "cli", "landrelease")
FIXTURE = os.path.join(SRC, "tests", "fixtures", "check", "consistent")




# ---- The model: every figure in hundredths of m2 (cents) ----------------

LEAVES = [("D01", "P1", "Kampot"), ("D02", "P1", "Kep"),
          ("D03", "P2", "Takeo"), ("D04", "P2", "Svay Rieng"),
          ("D05", "", "Pailin")]
PARENTS = [("P1", "Coast"), ("P2", "South")]
YEARS = list(range(2019, 2024))
PLAN_YEARS = list(range(2024, 2029))
UNIT = {"cancel": 0.05, "reduce": 0.80, "clear": 2.50}


def cents(s):
    return "%s%d.%02d" % ("-" if s < 0 else "", abs(s) // 100, abs(s) % 100)


def model(seed=11):
    rnd = random.Random(seed)
    m = {"start": {}, "flows": {}, "items": {}}
    for rid, _, _ in LEAVES:
        m["start"][rid] = rnd.randint(50_000_000, 80_000_000) + rnd.randint(0, 99)
        for y in YEARS:
            rel = rnd.randint(4_000_000, 9_000_000) + rnd.randint(0, 99)
            can = rel * rnd.randint(20, 30) // 100
            red = rel * rnd.randint(20, 30) // 100
            m["flows"][(rid, y)] = {
                "new": rnd.randint(1_000_000, 3_000_000) + rnd.randint(0, 99),
                "cancelled": can, "reduced": red, "cleared": rel - can - red}
            m["items"][(rid, y)] = rnd.randint(3, 60)
    m["sha_share"] = {rid: rnd.randint(30, 70) for rid, _, _ in LEAVES}
    m["plan_shares"] = {}
    m["leftover"] = {}
    m["prev_factor"] = {}
    m["drop_last"] = set()
    return m


def history(m):
    """Per leaf and year: flows and remaining_end."""
    out = {}
    for rid, _, _ in LEAVES:
        end = m["start"][rid]
        cum = 0
        for y in YEARS:
            f = dict(m["flows"][(rid, y)])
            f["released"] = f["cancelled"] + f["reduced"] + f["cleared"]
            end = end + f["new"] - f["released"]
            assert end > 0, (rid, y)
            cum += f["released"]
            f["remaining_end"] = end
            f["cumulative_released"] = cum
            f["ap_mines"] = m["items"][(rid, y)]
            out[(rid, y)] = f
    return out


def pct(num, den):
    """Half-up rounding of 100 * num / den to two decimals, as text."""
    h = (num * 10000 * 2 + den) // (2 * den)
    return "%d.%02d" % (h // 100, h % 100)


def plan_rows(region_start, years, shares=None, leftover=0):
    """Release per year, spread so that it sums to start - leftover."""
    todo = region_start - leftover
    k = len(years)
    shares = shares or [1.0 / k] * k
    rel = [int(todo * s) for s in shares[:-1]]
    rel.append(todo - sum(rel))
    rows = []
    end = region_start
    for y, r in zip(years, rel):
        can = r * 3 // 10
        red = r * 3 // 10
        end -= r
        rows.append({"year": y, "cancel": can, "reduce": red,
                     "clear": r - can - red, "release": r,
                     "remaining_end": end})
    return rows


def build(m):
    """All tables of the request as lists of dicts of strings."""
    h = history(m)
    t = {}
    leaves_in = {y: [l for l in LEAVES
                     if not (y == YEARS[-1] and l[0] in m["drop_last"])]
                 for y in YEARS}
    current = [l for l in LEAVES if l[0] not in m["drop_last"]]

    # release_by_year, with parent subtotals and cumulative columns
    cols = ["new", "cancelled", "reduced", "cleared", "released",
            "remaining_end", "cumulative_released"]
    rows = []
    for y in YEARS:
        agg = {}
        for rid, par, _ in leaves_in[y]:
            f = h[(rid, y)]
            row = {"year": str(y), "region_id": rid, "parent_id": par}
            for c in cols:
                row[c + "_m2"] = cents(f[c])
            row.update(ap_mines=str(f["ap_mines"]), av_mines="0", erw="0",
                       items_destroyed=str(f["ap_mines"]), scope="AP")
            rows.append(row)
            for key in ([par] if par else []) + ["TOTAL"]:
                a = agg.setdefault(key, {c: 0 for c in cols + ["ap_mines"]})
                for c in cols:
                    a[c] += f[c]
                a["ap_mines"] += f["ap_mines"]
        for key in [p for p, _ in PARENTS] + ["TOTAL"]:
            if key not in agg:
                continue
            a = agg[key]
            row = {"year": str(y), "region_id": key, "parent_id": ""}
            for c in cols:
                row[c + "_m2"] = cents(a[c])
            row.update(ap_mines=str(a["ap_mines"]), av_mines="0", erw="0",
                       items_destroyed=str(a["ap_mines"]), scope="AP")
            rows.append(row)
    t["release_by_year"] = rows

    # remaining_by_region at the end of the last year
    last = YEARS[-1]
    rows, agg = [], {}
    for rid, par, name in current:
        tot = h[(rid, last)]["remaining_end"]
        sha = tot * m["sha_share"][rid] // 100
        cha = tot - sha
        shc, chc = 2 + len(rid) % 3, 1 + int(rid[-1]) % 4
        v = [shc, sha, chc, cha]
        rows.append({"region_id": rid, "region_name": name, "parent_id": par,
                     "sha_count": str(shc), "sha_m2": cents(sha),
                     "cha_count": str(chc), "cha_m2": cents(cha),
                     "total_count": str(shc + chc), "total_m2": cents(tot)})
        for key in ([par] if par else []) + ["TOTAL"]:
            a = agg.setdefault(key, [0, 0, 0, 0])
            for i in range(4):
                a[i] += v[i]
    names = dict(PARENTS)
    names["TOTAL"] = "National total"
    for key in [p for p, _ in PARENTS] + ["TOTAL"]:
        a = agg[key]
        rows.append({"region_id": key, "region_name": names[key],
                     "parent_id": "", "sha_count": str(a[0]),
                     "sha_m2": cents(a[1]), "cha_count": str(a[2]),
                     "cha_m2": cents(a[3]), "total_count": str(a[0] + a[2]),
                     "total_m2": cents(a[1] + a[3])})
    t["remaining_by_region"] = rows

    # completion: leaves and TOTAL
    rows, tr, tm = [], 0, 0
    for rid, _, _ in current:
        rem = h[(rid, last)]["remaining_end"]
        rate = (sum(h[(rid, y)]["released"] for y in YEARS) * 2 + 5) // 10
        tr += rem
        tm += rate
        rows.append({"region_id": rid, "remaining_m2": cents(rem),
                     "mean_rate_m2_per_year": cents(rate),
                     "p10_date": "2026-03-01", "p50_date": "2027-06-30",
                     "p90_date": "2028-11-15", "deadline": "2028-12-31",
                     "p_on_time": "0.950000", "extension_years": "0"})
    rows.append({"region_id": "TOTAL", "remaining_m2": cents(tr),
                 "mean_rate_m2_per_year": cents(tm), "p10_date": "2026-03-01",
                 "p50_date": "2027-06-30", "p90_date": "2028-11-15",
                 "deadline": "2028-12-31", "p_on_time": "0.950000",
                 "extension_years": "0"})
    t["completion"] = rows

    # workplan: leaves and TOTAL, costs, funding, capacity
    per = {}
    for rid, _, _ in current:
        per[rid] = plan_rows(h[(rid, last)]["remaining_end"], PLAN_YEARS,
                             m["plan_shares"].get(rid),
                             m["leftover"].get(rid, 0))
    t["workplan"] = plan_table(per, current, costs=True)

    # the previous request's plan for the years achieved
    per = {}
    for rid, _, _ in LEAVES:
        rel = [h[(rid, y)]["released"] * 9 // 10 for y in YEARS]
        for (r, y), f in m["prev_factor"].items():
            if r == rid:
                rel[YEARS.index(y)] = int(h[(rid, y)]["released"] * f)
        start = sum(rel)
        per[rid] = plan_rows(start, YEARS, [x / start for x in rel])
    t["previous_workplan"] = plan_table(per, LEAVES, costs=False)
    return t


def plan_table(per, leaves, costs):
    rows = []
    years = sorted({r["year"] for v in per.values() for r in v})
    start = {rid: v[0]["remaining_end"] + v[0]["release"]
             for rid, v in per.items()}
    tstart = sum(start.values())
    cum_t = 0
    best_total = max(sum(r["release"] for v in per.values() for r in v
                         if r["year"] == y) for y in years)
    for y in years:
        tot = {k: 0 for k in ("cancel", "reduce", "clear", "release",
                              "remaining_end", "cost", "nat", "intl",
                              "teams")}
        for rid, _, _ in leaves:
            r = [x for x in per[rid] if x["year"] == y][0]
            row = {"year": str(y), "region_id": rid}
            for k in ("cancel", "reduce", "clear", "release", "remaining_end"):
                row[k + "_m2"] = cents(r[k])
                tot[k] += r[k]
            row["cumulative_pct"] = pct(start[rid] - r["remaining_end"],
                                        start[rid])
            teams = 1 + r["release"] // 5_000_000
            row["teams_needed"] = str(teams)
            tot["teams"] += teams
            if costs:
                cost = round(sum(r[k] * UNIT[k]
                                 for k in ("cancel", "reduce", "clear")))
                nat = cost * 6 // 10
                row.update(cost=cents(cost), cost_per_m2_cancel="0.05",
                           cost_per_m2_reduce="0.80",
                           cost_per_m2_clear="2.50",
                           funding_national=cents(nat),
                           funding_international=cents(cost - nat),
                           capacity_m2="", teams_available="")
                tot["cost"] += cost
                tot["nat"] += nat
                tot["intl"] += cost - nat
            rows.append(row)
        cum_t = tstart - tot["remaining_end"]
        row = {"year": str(y), "region_id": "TOTAL"}
        for k in ("cancel", "reduce", "clear", "release", "remaining_end"):
            row[k + "_m2"] = cents(tot[k])
        row["cumulative_pct"] = pct(cum_t, tstart)
        row["teams_needed"] = str(tot["teams"])
        if costs:
            row.update(cost=cents(tot["cost"]), cost_per_m2_cancel="",
                       cost_per_m2_reduce="", cost_per_m2_clear="",
                       funding_national=cents(tot["nat"]),
                       funding_international=cents(tot["intl"]),
                       capacity_m2=cents(best_total * 3 // 2),
                       teams_available=str(tot["teams"] + 5))
        rows.append(row)
    return rows


def write(tables, d, names=None):
    os.makedirs(d, exist_ok=True)
    for name, rows in tables.items():
        if names is not None and name not in names:
            continue
        with open(os.path.join(d, name + ".csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()),
                               lineterminator="\n")
            w.writeheader()
            w.writerows(rows)


def files(d):
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if f.endswith(".csv"))


def run(*args):
    return subprocess.run([LR, *args], capture_output=True, text=True)


def findings(out):
    with open(os.path.join(out, "findings.csv"), newline="") as f:
        return list(csv.DictReader(f))


def check(d, out, *extra):
    r = run("check", *files(d), "--out", out, *extra)
    fs = findings(out) if os.path.exists(os.path.join(out, "findings.csv")) \
        else []
    return r, fs


# ---- Editing helpers: a change carried to the subtotal and TOTAL rows ----

def find(rows, year, rid):
    for r in rows:
        if r.get("year", "") == (str(year) if year else "") and \
                r["region_id"] == rid:
            return r
    raise KeyError((year, rid))


def num(s):
    return round(float(s) * 100)


def bump(t, table, year, rid, col, delta_cents, carry=True):
    """Add delta to a figure; carry it to the parent and TOTAL rows."""
    rows = t[table]
    r = find(rows, year, rid)
    integer = col in ("ap_mines", "av_mines", "erw", "items_destroyed") \
        or col.endswith("_count") or col.startswith("teams")
    keys = [rid]
    if carry:
        par = r.get("parent_id", "")
        if par:
            keys.append(par)
        keys.append("TOTAL")
    for k in keys:
        x = find(rows, year, k)
        if integer:
            x[col] = str(int(x[col]) + delta_cents // 100)
        else:
            x[col] = cents(num(x[col]) + delta_cents)


def variants():
    """(name, rule, expected severity, model changes, table edits, args)."""
    v = []

    def add(rule, sev, desc, mod=None, edit=None, args=()):
        v.append((rule, sev, desc, mod, edit, list(args)))

    add("R01-region-sum", "error", "TOTAL teams off by 1",
        edit=lambda t: bump(t, "workplan", 2026, "TOTAL", "teams_needed",
                            100, carry=False))
    add("R02-sha-cha-total", "error", "a region's SHA area off",
        edit=lambda t: bump(t, "remaining_by_region", None, "D01", "sha_m2",
                            12345))
    add("R03-method-sum", "error", "cleared changed, released not",
        edit=lambda t: bump(t, "release_by_year", 2021, "D02", "cleared_m2",
                            50000))
    add("R04-parts-sum", "error", "items destroyed off by one",
        edit=lambda t: bump(t, "release_by_year", 2022, "D03",
                            "items_destroyed", 100))
    add("R05-percentage", "error", "a cumulative percentage off by 1",
        edit=lambda t: find(t["workplan"], 2025, "D04").update(
            cumulative_pct="%.2f" % (float(find(t["workplan"], 2025, "D04")
                                           ["cumulative_pct"]) + 1)))
    def half(t):
        for k in ("D05", "TOTAL"):
            x = find(t["workplan"], 2025, k)
            x["teams_needed"] += ".5"
    add("R06-whole-count", "error", "half a team", edit=half)
    def negative(t):
        d = -100 * (int(find(t["workplan"], 2025, "D05")
                        ["teams_needed"]) + 1)
        bump(t, "workplan", 2025, "D05", "teams_needed", d)
    add("R07-negative", "error", "a negative number of teams", edit=negative)
    def no_count(t):
        d = -100 * int(find(t["remaining_by_region"], None,
                            "D03")["cha_count"])
        for c in ("total_count", "cha_count"):
            bump(t, "remaining_by_region", None, "D03", c, d)
    add("R08-count-area", "warning", "CHA area with no CHA count",
        edit=no_count)
    add("R09-duplicate-row", "error", "a region listed twice",
        edit=lambda t: t["remaining_by_region"].insert(
            5, dict(find(t["remaining_by_region"], None, "D05"))))
    add("R10-region-spelling", "warning", "d03 in the work plan",
        edit=lambda t: [r.update(region_id="d03") for r in t["workplan"]
                        if r["region_id"] == "D03"])

    def roll(t):
        bump(t, "release_by_year", 2022, "D04", "remaining_end_m2", 12345)
        bump(t, "release_by_year", 2023, "D04", "new_m2", -12345)
    add("R11-roll-forward", "error", "remaining at the end of 2022 off",
        edit=roll)

    def rem_rel(t):
        bump(t, "release_by_year", 2023, "D02", "remaining_end_m2", 77700)
        bump(t, "release_by_year", 2023, "D02", "new_m2", 77700)
    add("R12-remaining-vs-release", "error",
        "the last year's remaining differs from the remaining table",
        edit=rem_rel)
    add("R13-plan-start", "error", "completion remaining off",
        edit=lambda t: [bump(t, "completion", None, k, "remaining_m2", 99900,
                             carry=False) for k in ("D01", "TOTAL")])

    def growth(t):
        rel = t["release_by_year"]
        r20 = num(find(rel, 2020, "D05")["remaining_end_m2"])
        r21 = num(find(rel, 2021, "D05")["remaining_end_m2"])
        n21 = num(find(rel, 2021, "D05")["new_m2"])
        d = r20 + 500000 - r21
        bump(t, "release_by_year", 2021, "D05", "new_m2", -n21)
        bump(t, "release_by_year", 2021, "D05", "remaining_end_m2", d)
        for c in ("cleared_m2", "released_m2"):
            bump(t, "release_by_year", 2022, "D05", c, d)
        for y in (2022, 2023):
            bump(t, "release_by_year", y, "D05", "cumulative_released_m2", d)
    add("R14-growth-without-new", "error", "remaining grows, no new land",
        edit=growth)
    add("R15-region-disappears", "error", "D05 gone in the last year",
        mod=lambda m: m["drop_last"].add("D05"))
    add("R16-cumulative", "error", "a cumulative figure off",
        edit=lambda t: bump(t, "release_by_year", 2022, "D01",
                            "cumulative_released_m2", 100000))
    add("R17-plan-years", "error", "no plan rows for 2026",
        edit=lambda t: t.update(workplan=[r for r in t["workplan"]
                                          if r["year"] != "2026"]))
    add("R18-plan-reaches-zero", "error", "land left at the end of the plan",
        mod=lambda m: m["leftover"].update(D02=1_000_000))
    add("R19-period-length", "error", "a 12-year period",
        args=("--period", "2024-2035"))
    add("R20-plan-pace", "warning", "90% of a region in one year",
        mod=lambda m: m["plan_shares"].update(
            D01=[0.9, 0.025, 0.025, 0.025, 0.025]))
    add("R21-plan-capacity", "warning", "capacity below the plan",
        edit=lambda t: find(t["workplan"], 2026, "TOTAL").update(
            capacity_m2=cents(num(find(t["workplan"], 2026, "TOTAL")
                                  ["release_m2"]) - 100000)))

    def cost(t):
        for c in ("cost", "funding_national"):
            bump(t, "workplan", 2025, "D03", c, 10000)
    add("R22-plan-cost", "error", "a cost off by 100", edit=cost)
    add("R23-funding-sum", "error", "funding above the cost",
        edit=lambda t: bump(t, "workplan", 2027, "D04",
                            "funding_international", 5000))
    add("R24-previous-plan", "warning", "achieved below the previous plan",
        mod=lambda m: m["prev_factor"].update({("D01", 2021): 1.2}))

    def slip(m):
        f21 = m["flows"][("D03", 2021)]
        m["flows"][("D03", 2022)]["cancelled"] = f21["cancelled"] * 10
    add("R25-unit-slip", "warning", "cancelled 10 times the year before",
        mod=slip)
    add("R26-scope", "warning", "AV mines in an AP table",
        edit=lambda t: [bump(t, "release_by_year", 2022, "D05", c, 200)
                        for c in ("av_mines", "items_destroyed")])
    add("R27-not-a-number", "error", "a figure that is not a number",
        edit=lambda t: find(t["release_by_year"], 2020, "D02").update(
            ap_mines="1x2"))
    add("R32-plan-ends-early", "warning",
        "a period three years longer than the plan needs",
        args=("--period", "2024-2031"))

    def cancel_above_sha(t):
        can = sum(num(r["cancel_m2"]) for r in t["workplan"]
                  if r["region_id"] == "D01")
        sha = num(find(t["remaining_by_region"], None, "D01")["sha_m2"])
        delta = (can - 100000) - sha  # SHA land 1,000 m2 below the plan
        bump(t, "remaining_by_region", None, "D01", "sha_m2", delta)
        bump(t, "remaining_by_region", None, "D01", "cha_m2", -delta)
    add("R33-cancel-above-sha", "error",
        "a region plans to cancel more than its SHA land",
        edit=cancel_above_sha)
    add("R34-period-start", "error",
        "a plan from 2024 against a deadline at the end of 2025",
        args=("--deadline", "2025-12-31"))
    return v


def to_km2(tables):
    """The same request rounded to km2 with two decimals."""
    out = copy.deepcopy(tables)
    for rows in out.values():
        for r in rows:
            for k in list(r.keys()):
                if k.endswith("_m2") or k.endswith("_m2_per_year"):
                    v = r.pop(k)
                    nk = k.replace("_m2", "_km2")
                    if v == "":
                        r[nk] = ""
                    else:
                        c = num(v)
                        r[nk] = "%.2f" % (c / 1e8 + (1e-12 if c >= 0 else 0))
    return out


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--write-fixtures":
        write(build(model()), sys.argv[2])
        return 0
    tmp = tempfile.mkdtemp(prefix="lr-check-")
    base = build(model())

    # The committed fixture is the model's output.
    gen = os.path.join(tmp, "gen")
    write(base, gen)
    same = all(open(os.path.join(gen, f)).read() ==
               open(os.path.join(FIXTURE, f)).read()
               for f in os.listdir(gen))
    ok(same and sorted(os.listdir(gen)) == sorted(os.listdir(FIXTURE)),
       "committed consistent fixture matches the model")

    r = run("check", "--rules")
    ids = [line.split()[0] for line in r.stdout.splitlines()]
    ok(r.returncode == 0 and len(ids) >= 28 and
       all(i.startswith("R") for i in ids), "--rules lists the rules", r.stdout)

    out = os.path.join(tmp, "o0")
    r, fs = check(FIXTURE, out)
    ok(r.returncode == 0, "consistent request: exit 0", r.stdout + r.stderr)
    ok(fs == [], "consistent request: no finding",
       "\n".join(str(f) for f in fs))

    # Every rule broken once.
    for rule, sev, desc, mod, edit, args in variants():
        m = model()
        if mod:
            mod(m)
        t = build(m)
        if edit:
            edit(t)
        d = os.path.join(tmp, rule)
        write(t, d)
        out = os.path.join(tmp, rule + "-out")
        r, fs = check(d, out, *args)
        fired = [(f["rule"], f["severity"]) for f in fs]
        ok(fired == [(rule, sev)],
           f"{rule}: {desc} -> exactly one {sev}", r.stdout + r.stderr)
        want = 1 if sev == "error" else 0
        ok(r.returncode == want, f"{rule}: exit {want}", r.stderr)

    # Against a ledger: the tables of `analyze` side by side.
    led = os.path.join(tmp, "ledger")
    os.makedirs(led)
    for name in ("remaining_by_region", "release_by_year"):
        rows = [{k: v for k, v in r.items() if k != "parent_id"}
                for r in base[name] if r["region_id"] not in ("P1", "P2")]
        write({name: rows}, led)
    out = os.path.join(tmp, "led-out")
    r, fs = check(FIXTURE, out, "--against", led)
    ok(r.returncode == 0 and fs == [], "--against an agreeing ledger: "
       "no finding", r.stdout + r.stderr)
    path = os.path.join(led, "release_by_year.csv")
    rows = list(csv.DictReader(open(path, newline="")))
    x = [r for r in rows if r["year"] == "2020" and r["region_id"] == "D04"][0]
    x["cleared_m2"] = cents(num(x["cleared_m2"]) + 250000)
    write({"release_by_year": rows}, led)
    r, fs = check(FIXTURE, out, "--against", led)
    ok([f["rule"] for f in fs] == ["R28-against-ledger"] and
       r.returncode == 1 and fs[0]["row"] == "2020 D04",
       "R28-against-ledger: one figure off in the ledger -> exactly one "
       "error", r.stdout + r.stderr)
    r, fs = check(FIXTURE, out, "--against", led, "--tolerance-m2", "3000")
    ok(r.returncode == 0 and fs == [],
       "--tolerance-m2 above the difference: no finding", r.stdout)

    # The same request as a workbook (numbers as numeric cells).
    if shutil.which("ogr2ogr"):
        book = os.path.join(tmp, "request.xlsx")
        for i, f in enumerate(files(FIXTURE)):
            cmd = ["ogr2ogr", "-f", "XLSX", book, f, "-oo",
                   "AUTODETECT_TYPE=YES", "-nln",
                   os.path.basename(f)[:-4]]
            if i:
                cmd[1:1] = ["-update"]
            subprocess.run(cmd, check=True, capture_output=True)
        out = os.path.join(tmp, "xlsx-out")
        r = run("check", book, "--out", out)
        fs = findings(out) if os.path.exists(
            os.path.join(out, "findings.csv")) else []
        ok(r.returncode == 0 and fs == [],
           "XLSX workbook of the consistent request: exit 0, no finding",
           r.stdout + r.stderr)
        # one rule broken in the workbook too
        m = model()
        t = build(m)
        bump(t, "release_by_year", 2021, "D02", "cleared_m2", 50000)
        d = os.path.join(tmp, "xlsx-r03")
        write(t, d)
        book2 = os.path.join(tmp, "request-r03.xlsx")
        for i, f in enumerate(files(d)):
            cmd = ["ogr2ogr", "-f", "XLSX", book2, f, "-oo",
                   "AUTODETECT_TYPE=YES", "-nln", os.path.basename(f)[:-4]]
            if i:
                cmd[1:1] = ["-update"]
            subprocess.run(cmd, check=True, capture_output=True)
        r = run("check", book2, "--out", out)
        fs = findings(out)
        ok(r.returncode == 1 and [f["rule"] for f in fs] ==
           ["R03-method-sum"], "XLSX: the same broken figure, the same "
           "finding", r.stdout + r.stderr)
    else:
        ok(True, "# SKIP ogr2ogr not found")

    # Rounded to km2: no error or warning, rounding noted at most as info.
    d = os.path.join(tmp, "km2")
    write(to_km2(base), d)
    out = os.path.join(tmp, "km2-out")
    r, fs = check(d, out)
    bad = [f for f in fs if f["severity"] != "info"]
    ok(r.returncode == 0 and bad == [],
       "request rounded to 0.01 km2: no error or warning",
       "\n".join(str(f) for f in bad[:10]) + r.stderr)
    r, fs = check(d, out, "--precision", "0.01km2")
    bad = [f for f in fs if f["severity"] != "info"]
    ok(r.returncode == 0 and bad == [], "--precision 0.01km2: no error or "
       "warning", "\n".join(str(f) for f in bad[:10]))
    # ... but a real slip in km2 is still an error
    t = to_km2(base)
    for k in ("D01", "P1", "TOTAL"):
        x = find(t["release_by_year"], 2021, k)
        x["cleared_km2"] = "%.2f" % (float(x["cleared_km2"]) + 0.05)
    write(t, d)
    r, fs = check(d, out)
    ok(r.returncode == 1 and [f["rule"] for f in fs
                              if f["severity"] == "error"] ==
       ["R03-method-sum"], "km2: 0.05 km2 off is an error beyond rounding",
       r.stdout)

    # Unusable input.
    out = os.path.join(tmp, "u")
    r = run("check", os.path.join(tmp, "nope.csv"), "--out", out)
    ok(r.returncode == 2 and "nope.csv" in r.stderr,
       "missing file: exit 2 naming it", r.stderr)
    bad = os.path.join(tmp, "unknown.csv")
    with open(bad, "w") as f:
        f.write("colour,weight\nred,3\n")
    r = run("check", bad, "--out", out)
    ok(r.returncode == 2 and "unknown.csv" in r.stderr and
       "not one of the known tables" in r.stderr,
       "CSV with unknown columns: exit 2 with a clear message", r.stderr)
    nokey = os.path.join(tmp, "nokey.csv")
    with open(nokey, "w") as f:
        f.write("name,total_m2\nA,3\n")
    r = run("check", nokey, "--out", out + "-nokey")
    with open(os.path.join(out + "-nokey", "tables.csv")) as f:
        read = list(csv.DictReader(f))
    ok(r.returncode == 0 and read[0]["key"].startswith("'name'") and
       read[0]["kind"] == "remaining_by_region",
       "a table without region_id: its column of names is the key",
       r.stdout + r.stderr)
    rem = os.path.join(FIXTURE, "remaining_by_region.csv")
    r = run("check", rem, rem, "--out", out)
    ok(r.returncode == 2 and "two remaining_by_region tables" in r.stderr,
       "two tables of one kind: exit 2", r.stderr)
    r = run("check", rem, "--previous", rem, "--out", out)
    ok(r.returncode == 2 and "previous work plan" in r.stderr,
       "a previous plan that is no plan: exit 2", r.stderr)
    r = run("check", rem, "--against", tmp, "--out", out)
    ok(r.returncode == 2 and "--against" in r.stderr,
       "--against a folder with no ledger table: exit 2", r.stderr)
    ok(not os.path.exists(os.path.join(out, "findings.csv")),
       "unusable input: no findings.csv written")
    r = run("check", *files(FIXTURE), "--tolerance-m2", "-1")
    ok(r.returncode == 2 and "--tolerance-m2" in r.stderr,
       "bad --tolerance-m2: exit 2")
    r = run("check", *files(FIXTURE), "--period", "2030-2020")
    ok(r.returncode == 2 and "--period" in r.stderr, "bad --period: exit 2")
    r = run("check", *files(FIXTURE), "--precision", "0.01 acres")
    ok(r.returncode == 2 and "--precision" in r.stderr,
       "bad --precision: exit 2")

    shutil.rmtree(tmp, ignore_errors=True)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
