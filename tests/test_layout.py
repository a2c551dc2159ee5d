#!/usr/bin/env python3
"""The architecture of the rooms, checked on the sources (TAP).

    test_layout.py [ROOT]      (default: $LR_SOURCE_DIR, else this file's ../)

1. No include cycle between the files of base/ geo/ engine/ report/ cli/.
2. engine/ and base/ reach no GDAL header (gdal*.h, ogr*.h, cpl_*.h); geo/
   reads sources for them.  report/ may: it writes the GeoPackage.
3. base/ reaches no header of another room, nor GEOS, PROJ or SQLite.
4. engine/check/ reaches no header of engine/ledger/, input/ or store/:
   the checker knows no ledger.
5. No function of base/ geo/ engine/ report/ is over 120 lines.  With
   LR_LAYOUT_TODO_LENGTH set in the environment a failure here is a TAP
   TODO (reported, not failing the run).

"Reach" is transitive: a file reaches what it includes, what those include,
and so on, so a rule cannot be dodged through an intermediate header.
Quoted names resolve beside the including file first, then anywhere in
the rooms; names that resolve to no project file are outside headers.
"""
import os
import re
import sys

ROOMS = ["base", "geo", "engine", "report", "cli"]
LIBRARIES = ["base", "geo", "engine", "report"]
MAX_LINES = 120

GDAL = re.compile(r"^(gdal\w*|ogr\w*|cpl_\w*)\.h$")
GEOS_PROJ_SQLITE = re.compile(
    r"^(geos\w*\.h|geos/.*|proj\.h|proj_\w*\.h|proj/.*"
    r"|sqlite3\w*\.h|spatialite\w*\.h|spatialite/.*)$")
NOT_IN_CHECK = ("engine/ledger/", "engine/input/", "engine/store/")

COMMENT_OR_STRING = re.compile(
    r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*.*?\*/|//[^\n]*', re.S)
INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]',
                     re.M)

n = 0
failed = 0


def result(good, msg, details=(), todo=None):
    """One TAP line, the details as comments; todo: why a failure is
    expected (then it does not fail the run)."""
    global n, failed
    n += 1
    line = ("ok" if good else "not ok") + f" {n} - {msg}"
    if todo and not good:
        line += f" # TODO {todo}"
    elif not good:
        failed += 1
    print(line, flush=True)
    for d in details:
        print("#   " + d)


def strip_comments(text):
    """The text without comments (strings kept: an include names one)."""
    def blank(m):
        s = m.group(0)
        return s if s[0] in "\"'" else "\n" * s.count("\n") + " "
    return COMMENT_OR_STRING.sub(blank, text)


def project_files(root):
    """Every .c and .h under the rooms, as paths relative to root."""
    out = []
    for room in ROOMS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, room)):
            dirnames.sort()
            for f in sorted(filenames):
                if f.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(dirpath, f), root))
    return out


def resolve(name, includer, files):
    """The project file a quoted include names, or None: beside the
    includer first, then the file sharing the longest folder prefix."""
    beside = os.path.normpath(os.path.join(os.path.dirname(includer), name))
    if beside in files:
        return beside
    found = [f for f in files if f == name or f.endswith("/" + name)]
    if not found:
        return None
    return max(found, key=lambda f: (len(os.path.commonpath([f, includer])),
                                     f))


def include_graph(root, files):
    """edges[f]: project files f includes; outside[f]: the other names."""
    edges, outside = {}, {}
    fileset = set(files)
    for f in files:
        with open(os.path.join(root, f), encoding="utf-8",
                  errors="replace") as fh:
            text = strip_comments(fh.read())
        edges[f], outside[f] = [], []
        for kind, name in INCLUDE.findall(text):
            target = resolve(name, f, fileset) if kind == '"' else None
            if target:
                edges[f].append(target)
            else:
                outside[f].append(name)
    return edges, outside


def find_cycles(edges):
    """One cycle (a list of files, first == last) per strongly connected
    part that has one (Tarjan's algorithm, iteratively)."""
    index, low, on_stack, stack, parts = {}, {}, set(), [], []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(edges.get(w, []))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                part = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    part.append(w)
                    if w == v:
                        break
                if len(part) > 1 or v in edges.get(v, []):
                    parts.append(set(part))
    return [cycle_in(part, edges) for part in parts]


def cycle_in(part, edges):
    """A path from the first file of part back to itself inside part."""
    start = min(part)
    prev, queue = {start: None}, [start]
    while queue:
        v = queue.pop(0)
        for w in edges.get(v, []):
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return path[::-1] + [start]
            if w in part and w not in prev:
                prev[w] = v
                queue.append(w)
    return sorted(part)


def reach(f, edges):
    """f and every project file it includes, directly or not."""
    seen, todo = {f}, [f]
    while todo:
        for w in edges.get(todo.pop(), []):
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


def outside_reached(f, edges, outside, pattern):
    """'f: NAME (in G)' for each outside header matching pattern that f
    reaches, G being the project file including it."""
    found = []
    for g in sorted(reach(f, edges)):
        for name in outside[g]:
            if pattern.match(name):
                found.append(f"{f}: {name}" + ("" if g == f else f" (in {g})"))
    return found


def under(f, *folders):
    return any(f.startswith(d.rstrip("/") + "/") for d in folders)


def check_rules(files, edges, outside):
    gdal, base, check = [], [], []
    for f in files:
        if under(f, "engine", "base"):
            gdal += outside_reached(f, edges, outside, GDAL)
        if under(f, "base"):
            base += outside_reached(f, edges, outside, GEOS_PROJ_SQLITE)
            base += [f"{f}: {g}" for g in sorted(reach(f, edges))
                     if not under(g, "base")]
        if under(f, "engine/check"):
            check += [f"{f}: {g}" for g in sorted(reach(f, edges))
                      if under(g, *NOT_IN_CHECK)]
    result(not gdal, "engine/ and base/ include no GDAL/OGR/CPL header",
           gdal)
    result(not base, "base/ includes no header of another room, GEOS, "
           "PROJ or SQLite", base)
    result(not check, "engine/check/ includes no header of engine/ledger/, "
           "engine/input/ or engine/store/", check)


def function_lengths(path):
    """(name, first line, lines) of each function defined in path: a body
    opens with '{' alone in column 0 after a declaration with a '(' and
    closes at the next '}' in column 0; lines count both braces."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        lines = strip_comments(fh.read()).split("\n")
    out, start, name = [], None, None
    for i, line in enumerate(lines):
        if start is None and line.rstrip() == "{" and i > 0:
            j = i - 1
            while j > 0 and not re.match(r"[A-Za-z_]", lines[j]):
                j -= 1
            decl = " ".join(lines[j:i])
            m = re.search(r"(\w+)\s*\(", decl)
            if m and not decl.rstrip().endswith("="):
                start, name = i, m.group(1)
        elif start is not None and line.startswith("}"):
            out.append((name, start + 1, i - start + 1))
            start = None
    return out


def check_lengths(root, files):
    long = []
    for f in files:
        if under(f, *LIBRARIES):
            for name, line, count in function_lengths(os.path.join(root, f)):
                if count > MAX_LINES:
                    long.append((count, f"{f}:{line}: {name}() is {count} "
                                 "lines"))
    todo = None
    if os.environ.get("LR_LAYOUT_TODO_LENGTH"):
        todo = "long functions are being split"
    result(not long, f"no function over {MAX_LINES} lines in "
           + " ".join(d + "/" for d in LIBRARIES),
           [text for _, text in sorted(long, reverse=True)], todo)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = (sys.argv[1] if len(sys.argv) > 1
            else os.environ.get("LR_SOURCE_DIR") or os.path.dirname(here))
    files = project_files(root)
    result(len(files) > 0, f"the rooms hold C files under {root}")
    edges, outside = include_graph(root, files)
    cycles = find_cycles(edges)
    result(not cycles, "no include cycle between project files",
           [" -> ".join(c) for c in cycles])
    check_rules(files, edges, outside)
    check_lengths(root, files)
    print(f"1..{n}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
