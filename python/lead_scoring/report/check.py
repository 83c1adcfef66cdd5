"""Check a rendered report: the five charts carry data, and the page really renders.

    python -m lead_scoring.report.check build/report/index.html \\
        [--screenshot build/report/index.png] [--require-chromium]

1. Structure (always): the HTML is parsed with the standard library; each chart
   (``<svg class="chart" data-chart=...>``) must be present with enough ``data-point``
   elements, else the check fails naming the chart (and quoting its "no data yet" note).
2. Render (when a Chromium is found: ``chromium``, ``chromium-browser``, ``google-chrome``, or
   the ``CHROMIUM`` environment variable): a headless screenshot at 1280 px wide, cropped to
   the page, decoded by a small pure-Python PNG reader and required to look like a page: some
   ink on the background, many distinct colours, some chart colour. Without Chromium the
   screenshot is skipped, unless ``--require-chromium`` (CI) makes that a failure.
"""

from __future__ import annotations

import argparse
import itertools
import operator
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

MIN_POINTS = {
    "distribution": 1,
    "conversion_by_band": 1,
    "calibration": 2,
    "lift_gain": 2,
    "drift": 1,
}
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
WIDTH = 1280
DEFAULT_HEIGHT = 6000  # the screenshot is cropped to the page afterwards
MIN_INK = 0.01  # share of pixels that are not background
MAX_INK = 0.9
MIN_COLOURS = 8
MIN_COLOURFUL = 0.0005  # share of clearly coloured (chart) pixels
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_BYTE = (255).__and__  # x mod 256


# ---------------------------------------------------------------- structure


@dataclass
class Structure:
    """What the page holds: data points per chart, and the "no data yet" notes."""

    points: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


class _ChartParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = Structure()
        self._svgs: list[str | None] = []  # data-chart of each open <svg>, None if not a chart
        self._note: str | None = None
        self._note_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "svg":
            is_chart = "chart" in (attr.get("class") or "").split()
            name = attr.get("data-chart") if is_chart else None
            self._svgs.append(name)
            if name:
                self.found.points.setdefault(name, 0)
        chart = next((n for n in reversed(self._svgs) if n), None)
        if chart and "data-point" in attr:
            self.found.points[chart] += 1
        if attr.get("data-no-data"):
            self._note, self._note_text = attr["data-no-data"], []

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self._svgs:
            self._svgs.pop()
        if tag == "p" and self._note:
            self.found.notes[self._note] = " ".join("".join(self._note_text).split())
            self._note = None

    def handle_data(self, data: str) -> None:
        if self._note:
            self._note_text.append(data)


def parse_report(text: str) -> Structure:
    """The charts and notes of a report page."""
    parser = _ChartParser()
    parser.feed(text)
    parser.close()
    return parser.found


def structure_problems(found: Structure) -> list[str]:
    """One message per chart that is missing or has too few data points."""
    problems = []
    for chart, minimum in MIN_POINTS.items():
        points = found.points.get(chart)
        why = f" ({found.notes[chart]})" if chart in found.notes else ""
        if points is None:
            problems.append(f"chart {chart}: missing from the page{why}")
        elif points < minimum:
            problems.append(f"chart {chart}: {points} data point(s), needs at least {minimum}{why}")
    return problems


# ---------------------------------------------------------------- PNG


@dataclass(frozen=True)
class Image:
    """An 8-bit RGB or RGBA image: ``rows`` of width * channels bytes."""

    width: int
    height: int
    channels: int
    rows: list[bytes]


def _unfilter(kind: int, line: bytes, prev: bytes, bpp: int) -> bytes:
    """Undo one scanline filter (PNG spec section 9); None, Sub and Up run at C speed."""
    if kind == 0:
        return line
    if kind == 2:
        if line.count(0) == len(line):  # all zero: the row above again
            return prev
        return bytes(map(_BYTE, map(operator.add, line, prev)))
    out = bytearray(line)
    n = len(out)
    if kind == 1:
        for c in range(bpp):  # a running sum per channel
            out[c::bpp] = bytes(map(_BYTE, itertools.accumulate(line[c::bpp])))
    elif kind == 3:
        for i in range(n):
            left = out[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + ((left + prev[i]) >> 1)) & 255
    elif kind == 4:
        for i in range(bpp):
            out[i] = (out[i] + prev[i]) & 255
        for i in range(bpp, n):
            a, b, c = out[i - bpp], prev[i], prev[i - bpp]
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - c - c)
            out[i] = (out[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    else:
        raise ValueError(f"PNG: unknown filter type {kind}")
    return bytes(out)


def read_png(data: bytes) -> Image:
    """Decode a non-interlaced 8-bit RGB/RGBA PNG (chunk CRCs checked)."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file")
    pos, header, idat = len(PNG_SIGNATURE), b"", []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise ValueError(f"PNG: bad CRC in chunk {kind!r}")
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if len(header) != 13:
        raise ValueError("PNG: missing IHDR")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(
            f"PNG: only 8-bit RGB/RGBA non-interlaced is supported (depth {depth}, "
            f"colour type {colour}, interlace {interlace})"
        )
    channels = 3 if colour == 2 else 4
    stride = width * channels
    raw = zlib.decompress(b"".join(idat))
    if len(raw) != height * (stride + 1):
        raise ValueError("PNG: image data has the wrong size")
    rows, prev = [], bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        prev = _unfilter(raw[start], raw[start + 1 : start + 1 + stride], prev, channels)
        rows.append(prev)
    return Image(width, height, channels, rows)


def write_png(image: Image) -> bytes:
    """Encode ``image`` as PNG (filter type 0 on every row)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    colour = 2 if image.channels == 3 else 6
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, colour, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in image.rows)
    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class RenderStats:
    """How much of a screenshot is drawn on, and with how many colours."""

    width: int
    height: int
    background: tuple[int, ...]
    ink: float  # share of pixels that are not the background colour
    colours: int  # distinct RGB colours
    colourful: float  # share of pixels with a clear hue (max - min channel >= 64)

    def describe(self) -> str:
        return (
            f"{self.width}x{self.height} px, {self.ink:.1%} non-background, "
            f"{self.colours:,} distinct colours, {self.colourful:.2%} chart-coloured pixels, "
            f"background rgb{self.background}"
        )


def render_stats(image: Image) -> RenderStats:
    """Count the colours of ``image`` (alpha ignored); the most common one is the background."""
    colours: Counter[tuple[int, ...]] = Counter()
    c = image.channels
    for row in image.rows:
        colours.update(zip(row[0::c], row[1::c], row[2::c], strict=True))
    total = max(1, image.width * image.height)
    background, background_n = colours.most_common(1)[0] if colours else ((255, 255, 255), 0)
    colourful = sum(n for rgb, n in colours.items() if max(rgb) - min(rgb) >= 64)
    return RenderStats(
        image.width,
        image.height,
        background,
        (total - background_n) / total,
        len(colours),
        colourful / total,
    )


def render_problems(stats: RenderStats) -> list[str]:
    """Why the screenshot does not look like a rendered report (empty when it does)."""
    problems = []
    if not MIN_INK <= stats.ink <= MAX_INK:
        problems.append(
            f"screenshot: {stats.ink:.2%} non-background pixels, expected {MIN_INK:.0%} to "
            f"{MAX_INK:.0%} (blank or broken render)"
        )
    if stats.colours < MIN_COLOURS:
        problems.append(f"screenshot: {stats.colours} distinct colours, expected {MIN_COLOURS}+")
    if stats.colourful < MIN_COLOURFUL:
        problems.append(
            f"screenshot: {stats.colourful:.3%} chart-coloured pixels, expected "
            f"{MIN_COLOURFUL:.2%}+ (charts not drawn?)"
        )
    return problems


def crop_to_content(image: Image, margin: int = 24) -> Image:
    """``image`` without the background rows below the content (keeping ``margin`` rows)."""
    blank = image.rows[-1]
    last = next((y for y in range(image.height - 1, -1, -1) if image.rows[y] != blank), 0)
    height = min(image.height, last + 1 + margin)
    return Image(image.width, height, image.channels, image.rows[:height])


# ---------------------------------------------------------------- Chromium


def find_chromium() -> str | None:
    """The Chromium to use: $CHROMIUM if set, else the first of CHROMIUM_NAMES on PATH."""
    override = os.environ.get("CHROMIUM")
    if override:
        return shutil.which(override) or (override if Path(override).is_file() else None)
    return next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)


def take_screenshot(chromium: str, page: Path, png: Path, height: int = DEFAULT_HEIGHT) -> None:
    """Headless screenshot of ``page`` at 1280 x ``height`` into ``png`` (RuntimeError if none)."""
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="report-chromium-") as profile:
        command = [
            chromium,
            "--headless",
            "--no-sandbox",  # needed when running as root (containers, CI)
            "--disable-gpu",
            "--hide-scrollbars",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--force-device-scale-factor=1",
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{height}",
            f"--screenshot={png.resolve()}",
            page.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=180)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"{chromium} did not finish the screenshot in 180 s") from exc
    if not png.exists():
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"{chromium} wrote no screenshot (exit {done.returncode}):\n{tail}")


def check_screenshot(chromium: str, page: Path, png: Path) -> tuple[RenderStats, list[str]]:
    """Screenshot ``page``, crop it to the content (rewriting ``png``) and judge the render."""
    take_screenshot(chromium, page, png)
    image = crop_to_content(read_png(png.read_bytes()))
    png.write_bytes(write_png(image))
    stats = render_stats(image)
    return stats, render_problems(stats)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: exit 0 when every check passes, 1 otherwise."""
    parser = argparse.ArgumentParser(
        prog="python -m lead_scoring.report.check",
        description="Check a rendered report: charts with data points, and a headless render.",
    )
    parser.add_argument("html", type=Path, help="the report, e.g. build/report/index.html")
    parser.add_argument("--screenshot", type=Path, help="where to write the PNG screenshot")
    parser.add_argument(
        "--require-chromium", action="store_true", help="fail when no Chromium is found (CI)"
    )
    args = parser.parse_args(argv)
    if not args.html.is_file():
        print(
            f"No report at {args.html}: run python -m lead_scoring.report first.", file=sys.stderr
        )
        return 1
    found = parse_report(args.html.read_text(encoding="utf-8"))
    problems = structure_problems(found)
    for chart in MIN_POINTS:
        if chart in found.points:
            print(f"chart {chart}: {found.points[chart]} data point(s)")
    chromium = find_chromium()
    if chromium is None:
        message = (
            "no Chromium found (looked for $CHROMIUM, " + ", ".join(CHROMIUM_NAMES) + "): "
            "install it with `apt-get install chromium`"
        )
        if args.require_chromium:
            problems.append(message)
        else:
            print(f"screenshot skipped: {message}")
    else:
        png = args.screenshot or args.html.with_suffix(".png")
        try:
            stats, render = check_screenshot(chromium, args.html, png)
            print(f"screenshot {png}: {stats.describe()}")
            problems += render
        except (RuntimeError, ValueError) as exc:
            problems.append(f"screenshot: {exc}")
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"{args.html}: all checks passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
