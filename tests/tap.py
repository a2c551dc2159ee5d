"""TAP output shared by the Python tests: one line per check, the plan at
the end, details of a failure as comment lines."""
n = 0
failed = 0


def ok(cond, msg, detail=""):
    """Print one result; return cond so a caller can branch on it."""
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + f" {n} - {msg}", flush=True)
    if not cond:
        failed += 1
        for line in str(detail).splitlines()[:30]:
            print("#   " + line)
    return cond


def skip(msg, reason):
    global n
    n += 1
    print(f"ok {n} - {msg} # SKIP {reason}", flush=True)


def done():
    """Print the plan; the exit status of the test program."""
    print(f"1..{n}", flush=True)
    return 1 if failed else 0
