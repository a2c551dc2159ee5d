"""Read the pixels of an 8-bit RGB or RGBA, non-interlaced PNG (what cairo,
Chromium and pdftoppm write) without PIL: the tests count pixels of the
colours a chart draws."""
import struct
import zlib


def read(path):
    """(width, height, rows): rows[y] is a bytes of width * channels."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, head = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    w, h, depth, ctype, _, _, interlace = head
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError(f"{path}: PNG type {ctype}/{depth} not read here")
    ch = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * ch
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - ch] if i >= ch else 0
            b = prev[i]
            c = prev[i - ch] if i >= ch else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, ch, rows


def count_near(img, rgb, tol=12, box=None):
    """Pixels of img (as read() returns it) within tol (each channel) of
    rgb, in box (x0, y0, x1, y1) if given."""
    w, h, ch, rows = img
    x0, y0, x1, y1 = box or (0, 0, w, h)
    n = 0
    for y in range(y0, y1):
        row = rows[y]
        for x in range(x0, x1):
            i = x * ch
            if (abs(row[i] - rgb[0]) <= tol and abs(row[i + 1] - rgb[1]) <= tol
                    and abs(row[i + 2] - rgb[2]) <= tol):
                n += 1
    return n


def distinct_colours(img, step=7):
    """How many distinct RGB colours a sample of img holds."""
    w, h, ch, rows = img
    seen = set()
    for y in range(0, h, step):
        row = rows[y]
        for x in range(0, w, step):
            seen.add(bytes(row[x * ch:x * ch + 3]))
    return len(seen)


def _near(row, i, rgb, tol):
    return (abs(row[i] - rgb[0]) <= tol and abs(row[i + 1] - rgb[1]) <= tol
            and abs(row[i + 2] - rgb[2]) <= tol)


def blocks(img, rgb, tol=3, min_w=4, max_w=None):
    """Rectangles of one colour: runs of pixels within tol of rgb, from
    min_w to max_w wide, stacked on consecutive rows at the same x and
    width, as (x, width, top y, height)."""
    w, h, ch, rows = img
    max_w = max_w or w
    open_, done = {}, []
    for y in range(h):
        row, x, seen = rows[y], 0, {}
        while x < w:
            if not _near(row, x * ch, rgb, tol):
                x += 1
                continue
            x0 = x
            while x < w and _near(row, x * ch, rgb, tol):
                x += 1
            if min_w <= x - x0 <= max_w:
                key = (x0, x - x0)
                top = open_.pop(key, y)
                seen[key] = top
        for key, top in open_.items():
            done.append((key[0], key[1], top, y - top))
        open_ = seen
    done += [(k[0], k[1], top, h - top) for k, top in open_.items()]
    return done


def legend_ladder(img, colours, tol=3):
    """A legend's swatches: one rectangle of each colour (in order, top to
    bottom) of the same size, at the same x, evenly spaced; (x, y of the
    first, spacing) or None.  Map fills of the same colours are not
    squares of a legend's size in a column."""
    w = img[0]
    found = [blocks(img, c, tol, 4, max(6, w // 25)) for c in colours]
    for x, bw, top, bh in found[-1]:
        if bh < 3:
            continue
        ys = [top]
        for k in range(len(colours) - 2, -1, -1):
            above = [b for b in found[k] if abs(b[0] - x) <= 1 and
                     abs(b[1] - bw) <= 1 and abs(b[3] - bh) <= 1 and
                     b[2] < ys[0]]
            if not above:
                break
            ys.insert(0, max(b[2] for b in above))
        if len(ys) == len(colours):
            steps = [b - a for a, b in zip(ys, ys[1:])]
            if max(steps) - min(steps) <= 2 and min(steps) > bh:
                return x, ys[0], steps[0]
    return None


def scale_bar(img, dark=(0x22, 0x22, 0x22), tol=60):
    """A scale bar of four segments, dark, light, dark, light, of about
    one length (at least a 60th of the image's width): (x, y, segment
    length) of the first row crossing one, or None.  The thin outlines
    between segments, grey once anti-aliased, are skipped."""
    w, h, ch, rows = img
    min_seg = max(4, w // 60)
    for y in range(h):
        row, runs = rows[y], []
        for x in range(w):
            i = x * ch
            k = ("D" if _near(row, i, dark, tol) else
                 "W" if min(row[i:i + 3]) >= 235 else "O")
            if runs and runs[-1][0] == k:
                runs[-1][1] += 1
            else:
                runs.append([k, 1, x])
        runs = [r for r in runs if r[0] != "O" or r[1] > 2]
        for j in range(len(runs) - 3):
            seq = runs[j:j + 4]
            segs = [r[1] for r in seq]
            if "".join(r[0] for r in seq) == "DWDW" and \
                    min(segs) >= min_seg and max(segs) <= 1.5 * min(segs):
                return seq[0][2], y, sum(segs) // 4
    return None
