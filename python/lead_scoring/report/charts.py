"""Inline-SVG charts: vertical bars, horizontal bars and an x/y point-and-line chart.

Each chart is one ``<svg class="chart" data-chart="<name>">``; every plotted value is one
element carrying ``data-point`` and a ``<title>`` (shown on hover), which the render check
(``lead_scoring.report.check``) counts. Text is escaped; nothing is loaded from anywhere.
Colours are the Okabe-Ito palette (distinguishable with colour-blindness); series also differ
by dash pattern.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
PURPLE, SKY, GREY = "#CC79A7", "#56B4E9", "#8C8C8C"
SERIES_STYLES = (
    (BLUE, ""),
    (VERMILLION, "6 3"),
    (GREEN, "2 3"),
    (PURPLE, "8 3 2 3"),
    (ORANGE, "4 4"),
    (SKY, "1 2"),
)
CHAR_WIDTH = 0.6  # of the font size: a generous estimate of the width of one character


def esc(text: object) -> str:
    """Text escaped for HTML/SVG content and attribute values."""
    return html.escape(str(text), quote=True)


def fmt_num(value: float) -> str:
    """A compact machine-readable number for data-point attributes."""
    return f"{value:.6g}"


def nice_axis(vmax: float, ticks: int = 4) -> tuple[float, list[float]]:
    """An axis from 0 to a round number >= vmax, and its tick values."""
    if not vmax > 0:  # also NaN
        vmax = 1.0
    raw = vmax / ticks
    exp = 10 ** math.floor(math.log10(raw))
    step = next(m * exp for m in (1, 2, 2.5, 5, 10) if raw <= m * exp * (1 + 1e-9))
    count = math.ceil(vmax / step - 1e-9)
    return count * step, [i * step for i in range(count + 1)]


def tick_format(ticks: Sequence[float], percent: bool) -> Callable[[float], str]:
    """A formatter with just enough decimals to tell the ticks apart."""
    scale = 100 if percent else 1
    step = (ticks[1] - ticks[0]) * scale if len(ticks) > 1 else 1.0
    decimals = next((d for d in range(5) if abs(round(step, d) - step) < 1e-9), 4)
    suffix = "%" if percent else ""
    return lambda v: f"{v * scale:.{decimals}f}{suffix}"


def _open(name: str, width: float, height: float, label: str, panel: str) -> str:
    return (
        f'<svg class="chart" data-chart="{esc(name)}" data-panel="{esc(panel)}" '
        f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'role="img" aria-label="{esc(label)}">'
    )


def _text(x: float, y: float, text: str, anchor: str = "middle", cls: str = "") -> str:
    cls_attr = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{cls_attr}>{esc(text)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, cls: str) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="{cls}"/>'


def _fit(text: str, width: float, size: float = 10) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels at font ``size``."""
    most = max(1, int(width / (size * CHAR_WIDTH)))
    return text if len(text) <= most else text[: max(1, most - 1)] + "\u2026"


@dataclass(frozen=True)
class Bar:
    """One bar: its axis label, value (None: not plotted), hover title and decorations."""

    label: str
    value: float | None
    title: str
    note: str = ""  # a second, smaller label (e.g. "n=1,234")
    text: str = ""  # the value printed at the end of the bar
    colour: str = BLUE


def bar_chart(
    name: str,
    bars: Sequence[Bar],
    *,
    label: str,
    percent: bool = True,
    value_max: float = 0.0,
    width: float = 384,
    height: float = 230,
    panel: str = "",
) -> str:
    """Vertical bars on a 0-based value axis, one slot per bar, labels under the bars."""
    left, right, top = 48, 8, 16
    bottom = 44 if any(b.note for b in bars) else 30
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [b.value for b in bars if b.value is not None]
    vmax, ticks = nice_axis(max([value_max, *values]))
    fmt = tick_format(ticks, percent)

    def y(value: float) -> float:
        return top + plot_h - value / vmax * plot_h

    out = [_open(name, width, height, label, panel)]
    for t in ticks:
        out.append(_line(left, y(t), left + plot_w, y(t), "grid"))
        out.append(_text(left - 6, y(t) + 3.5, fmt(t), "end", "tick"))
    slot = plot_w / max(1, len(bars))
    widest = max((len(b.label) for b in bars), default=1) * 10 * CHAR_WIDTH
    every = max(1, math.ceil(widest / max(1.0, slot - 3)))
    bar_w = min(slot * 0.72, 56)
    for i, bar in enumerate(bars):
        cx = left + (i + 0.5) * slot
        if bar.value is None:
            out.append(_text(cx, y(0) - 4, "n/a", cls="muted"))
        else:
            h = max(0.0, y(0) - y(bar.value))
            out.append(
                f'<rect data-point="{fmt_num(bar.value)}" x="{cx - bar_w / 2:.1f}" '
                f'y="{y(0) - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{bar.colour}"><title>{esc(bar.title)}</title></rect>'
            )
            if bar.text and slot >= (len(bar.text) + 1) * 10 * CHAR_WIDTH:
                out.append(_text(cx, y(0) - h - 3, bar.text, cls="value"))
        if i % every == 0:
            out.append(_text(cx, top + plot_h + 13, _fit(bar.label, slot * every - 2), cls="tick"))
            if bar.note:
                note = _fit(bar.note, slot * every - 2, 9)
                out.append(_text(cx, top + plot_h + 26, note, cls="muted"))
    out.append(_line(left, y(0), left + plot_w, y(0), "axis"))
    out.append("</svg>")
    return "".join(out)


def hbar_chart(
    name: str,
    bars: Sequence[Bar],
    *,
    label: str,
    percent: bool = False,
    value_max: float = 0.0,
    references: Sequence[tuple[float, str]] = (),
    width: float = 588,
    row: float = 22,
    label_width: float = 200,
    panel: str = "",
) -> str:
    """Horizontal bars, one row per bar, with dashed reference lines (value, caption)."""
    left, right, top, bottom = label_width, 96, 20, 26
    plot_w = width - left - right
    height = top + bottom + row * max(1, len(bars))
    values = [b.value for b in bars if b.value is not None]
    vmax, ticks = nice_axis(max([value_max, *values, *(v for v, _ in references)]))
    fmt = tick_format(ticks, percent)

    def x(value: float) -> float:
        return left + value / vmax * plot_w

    plot_bottom = height - bottom
    out = [_open(name, width, height, label, panel)]
    for t in ticks:
        out.append(_line(x(t), top, x(t), plot_bottom, "grid"))
        out.append(_text(x(t), plot_bottom + 14, fmt(t), cls="tick"))
    for value, caption in references:
        out.append(_line(x(value), top - 4, x(value), plot_bottom, "reference"))
        out.append(_text(x(value), top - 7, caption, cls="muted"))
    for i, bar in enumerate(bars):
        cy = top + (i + 0.5) * row
        out.append(_text(left - 8, cy + 4, _fit(bar.label, left - 12, 11), "end"))
        if bar.value is None:
            out.append(_text(x(0) + 4, cy + 4, bar.text or "n/a", "start", "muted"))
            continue
        w = max(1.0, x(bar.value) - x(0))
        out.append(
            f'<rect data-point="{fmt_num(bar.value)}" x="{x(0):.1f}" y="{cy - row * 0.35:.1f}" '
            f'width="{w:.1f}" height="{row * 0.7:.1f}" fill="{bar.colour}">'
            f"<title>{esc(bar.title)}</title></rect>"
        )
        if bar.text:
            out.append(_text(x(0) + w + 5, cy + 4, bar.text, "start", "value"))
    out.append(_line(x(0), top, x(0), plot_bottom, "axis"))
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class Point:
    """One plotted (x, y) value with its hover title."""

    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Series:
    """Points joined by a line; ``start`` is an unplotted first vertex (e.g. the origin)."""

    name: str
    points: Sequence[Point]
    start: tuple[float, float] | None = None


def series_style(index: int) -> tuple[str, str]:
    """(colour, dash pattern) of the index-th series."""
    return SERIES_STYLES[index % len(SERIES_STYLES)]


def xy_chart(
    name: str,
    series: Sequence[Series],
    *,
    label: str,
    x_label: str,
    y_label: str,
    x_max: float = 0.0,
    y_max: float = 0.0,
    same_scale: bool = False,
    diagonal: str = "",
    percent: bool = True,
    width: float = 420,
    height: float = 340,
    panel: str = "",
) -> str:
    """Points and lines on 0-based axes; ``diagonal`` (its caption) draws y = x."""
    left, right, top, bottom = 56, 14, 14, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = [p.x for s in series for p in s.points]
    ys = [p.y for s in series for p in s.points]
    x_top = max([x_max, *xs])
    y_top = max([y_max, *ys])
    if same_scale:
        x_top = y_top = max(x_top, y_top)
    x_end, x_ticks = nice_axis(x_top)
    y_end, y_ticks = nice_axis(y_top)
    fx, fy = tick_format(x_ticks, percent), tick_format(y_ticks, percent)

    def px(value: float) -> float:
        return left + value / x_end * plot_w

    def py(value: float) -> float:
        return top + plot_h - value / y_end * plot_h

    out = [_open(name, width, height, label, panel)]
    for t in y_ticks:
        out.append(_line(left, py(t), left + plot_w, py(t), "grid"))
        out.append(_text(left - 6, py(t) + 3.5, fy(t), "end", "tick"))
    for t in x_ticks:
        out.append(_line(px(t), top, px(t), top + plot_h, "grid"))
        out.append(_text(px(t), top + plot_h + 14, fx(t), cls="tick"))
    out.append(_line(left, py(0), left + plot_w, py(0), "axis"))
    out.append(_line(left, py(0), left, top, "axis"))
    out.append(_text(left + plot_w / 2, height - 8, x_label, cls="axis-label"))
    out.append(
        f'<text transform="translate(14,{top + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" class="axis-label">{esc(y_label)}</text>'
    )
    if diagonal:
        end = min(x_end, y_end)
        out.append(_line(px(0), py(0), px(end), py(end), "reference"))
        out.append(
            f'<text transform="translate({px(end * 0.82):.1f},{py(end * 0.82) + 14:.1f}) '
            f'rotate({-math.degrees(math.atan2(plot_h / y_end, plot_w / x_end)):.1f})" '
            f'text-anchor="middle" class="muted">{esc(diagonal)}</text>'
        )
    for i, s in enumerate(series):
        colour, dash = series_style(i)
        vertices = ([s.start] if s.start else []) + [(p.x, p.y) for p in s.points]
        path = " ".join(f"{px(vx):.1f},{py(vy):.1f}" for vx, vy in vertices)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>'
        )
        out.extend(
            f'<circle data-point="{fmt_num(p.x)},{fmt_num(p.y)}" cx="{px(p.x):.1f}" '
            f'cy="{py(p.y):.1f}" r="4" fill="{colour}" stroke="#fff" stroke-width="1">'
            f"<title>{esc(p.title)}</title></circle>"
            for p in s.points
        )
    out.append("</svg>")
    return "".join(out)


def legend(names: Sequence[str], colours: Sequence[str] | None = None) -> str:
    """An HTML legend: a line in each series' style, or a block of each given colour."""
    items = []
    for i, item in enumerate(names):
        if colours:
            key = f'<span class="swatch" style="background:{colours[i]}"></span>'
        else:
            colour, dash = series_style(i)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            key = (
                f'<svg class="key" width="30" height="10" aria-hidden="true"><line x1="1" y1="5" '
                f'x2="29" y2="5" stroke="{colour}" stroke-width="2.5"{dash_attr}/></svg>'
            )
        items.append(f"<li>{key}{esc(item)}</li>")
    return f'<ul class="legend">{"".join(items)}</ul>'
