#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The HTML page of a batch in headless Chromium, with TAP output.

    test-render-html.py RENDER_CASES CHROMIUM     (fixtures in $UCPOLICY_FIXTURES)

A batch of a pass, a warning, a fail (the wildcard-CN Exchange UM certificate of the incident)
and a file that could not be read, plus one whose name is hostile markup, is rendered as HTML
(tests/tools/render-cases), opened from a file: URL with networking, GPU and sandbox off, and:

* the screenshot (1280x2000) is a PNG of those dimensions, not blank, and shows the badge
  colours of the four results (pass, warning, fail, error);
* the DOM Chromium built (--dump-dom) has no script element, the text the admin needs (every
  input, every result, the incident's finding and its remediation), and the hostile name as
  text, not markup.

Chromium (Debian: chromium) is installed by .ci/install-deps; without it the test fails saying so.
The PNG is decoded here (zlib; 8-bit RGB or RGBA, as Chromium writes it), so nothing else is needed.
"""
import itertools
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from tap import finish, point  # noqa: E402

RENDER, CHROMIUM = sys.argv[1], sys.argv[2]
FIXTURES = os.environ["UCPOLICY_FIXTURES"]
WIDTH, HEIGHT = 1280, 2000
# The badge backgrounds of render-html.c.
BADGES = {"pass": (0x1a, 0x7f, 0x37), "warning": (0xb3, 0x59, 0x00), "fail": (0xcf, 0x22, 0x2e),
          "error": (0x66, 0x39, 0xba)}


def png_pixels(data):
    """(width, height, rows of (r, g, b) tuples of every other pixel) of an 8-bit, non-interlaced RGB or
    RGBA PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    width, height, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {ctype}, interlace {interlace})")
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:  # Sub: a running sum per channel
            for ch in range(bpp):
                line[ch::bpp] = bytes(itertools.accumulate(line[ch::bpp], lambda s, v: (s + v) & 0xFF))
        elif f == 2:  # Up
            line = bytearray(map(lambda v, b: (v + b) & 0xFF, line, prev))
        elif f in (3, 4):  # Average, Paeth: byte by byte
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                if f == 3:
                    line[i] = (line[i] + (a + b) // 2) & 0xFF
                    continue
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(0, width, 2)])
        prev = line
    return width, height, rows


chromium = shutil.which(CHROMIUM) or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
if not point(chromium is not None, "headless Chromium is installed",
             [f"'{CHROMIUM}' not found: run .ci/install-deps (Debian package chromium)"]):
    sys.exit(finish())

tmp = tempfile.TemporaryDirectory()
page = os.path.join(tmp.name, "report.html")
HOSTILE = "<script>document.title='owned'</script><img src=x>"
items = ["exchange-um/pass/sfb2019", "exchange-um/key.rsa-below-2048/fail", "exchange-um/subject.cn-wildcard/fail",
         "file:" + os.path.join(FIXTURES, "bad/garbage.bin"), f"{HOSTILE}.pem=exchange-um/pass/sfb2019"]
p = subprocess.run([RENDER, "html", *items], capture_output=True, timeout=120)
with open(page, "wb") as f:
    f.write(p.stdout)
point(p.returncode == 3 and p.stdout.startswith(b"<!DOCTYPE html>"),
      "the page of a pass, a warning, a fail and an unreadable file (exit 3)", [p.stderr.decode("utf-8", "replace")])

common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--hide-scrollbars", f"--user-data-dir={os.path.join(tmp.name, 'profile')}"]
env = dict(os.environ, HOME=tmp.name)
png = os.path.join(tmp.name, "report.png")
shot = subprocess.run(common + [f"--screenshot={png}", f"--window-size={WIDTH},{HEIGHT}", "file://" + page],
                      capture_output=True, timeout=180, env=env)
diag = [shot.stderr.decode("utf-8", "replace")[-1500:]]
pixels = None
try:
    with open(png, "rb") as f:
        width, height, pixels = png_pixels(f.read())
    diag.append(f"{width}x{height}")
except (OSError, ValueError, zlib.error) as x:
    diag.append(f"no screenshot: {x}")
point(pixels is not None and (width, height) == (WIDTH, HEIGHT), f"a {WIDTH}x{HEIGHT} screenshot", diag)
if pixels:
    colours = {}
    for row in pixels[::2]:
        for px in row:
            colours[px] = colours.get(px, 0) + 1
    white = colours.get((255, 255, 255), 0)
    total = sum(colours.values())
    point(len(colours) > 50 and white < total * 0.97,
          "the screenshot is not blank: text, tables and colours", [f"{len(colours)} colours, {white}/{total} white"])

    def near(a, b):
        return all(abs(x - y) <= 3 for x, y in zip(a, b))

    for name, rgb in BADGES.items():
        count = sum(n for c, n in colours.items() if near(c, rgb))
        point(count >= 50, f"the {name} badge's colour #{''.join(f'{v:02x}' for v in rgb)} is on the page",
              [f"{count} sampled pixels"])

dom = subprocess.run(common + ["--dump-dom", "file://" + page], capture_output=True, timeout=180, env=env)
text = dom.stdout.decode("utf-8", "replace")
body = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
visible = re.sub(r"<[^>]+>", " ", body)
point(dom.returncode == 0 and "<script" not in text.lower() and "<img" not in text.lower(),
      "the DOM has no script and no image element (the hostile name stayed text)", [text[:500]])
needed = ["UC certificate policy report", "checked 5: 2 pass, 1 warning, 1 fail, 1 could not be read",
          "exchange-um-subject.cn-wildcard-fail.pem", "garbage.bin", "PASS", "WARNING", "FAIL", "ERROR",
          "subject.cn-wildcard", "is a wildcard", "The peer is not a configured server on this network interface",
          "key.rsa-below-2048", "could not be read", "Days left", "First finding", "SHA-1 thumbprint",
          "&lt;script&gt;document.title='owned'&lt;/script&gt;"]
missing = [n for n in needed if n not in visible and n not in body]
point(not missing, "the page's text: the totals, every input and result, the incident's finding and its fix", missing)
titles = re.findall(r"<title>(.*?)</title>", text)
point(titles == ["UC certificate policy report"], "the title is the report's (nothing ran)", titles)

tmp.cleanup()
sys.exit(finish())
