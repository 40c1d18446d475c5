"""Charts drawn as inline SVG for the KPI dashboard: lines of percentages by
month, stacked bars of counts by month (the forecast breaches among them),
horizontal bars. Each is an image with a title and a description for screen
readers, and none carries meaning by colour alone (dashes, markers,
patterns, and the numbers written on it)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")
# Okabe and Ito's palette, told apart by people with any colour vision.
INK, BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE = (
    "#1a1a1a", "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7")


def month_label(month: str, *, short: bool = False) -> str:
    """'2027-03' as 'Mar 2027' (SHORT: 'Mar')."""
    year, number = month.split("-")
    name = MONTH_NAMES[int(number) - 1]
    return name if short else f"{name} {year}"


W, H = 960, 330  # the drawing's own units; it scales to the page
LEFT, RIGHT, TOP, BOTTOM = 64, 205, 18, 58


def _svg_open(chart_id: str, title: str, desc: str, height: int = H) -> str:
    return (f'<svg viewBox="0 0 {W} {height}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
            f'<title id="{chart_id}-title">{escape(title)}</title>'
            f'<desc id="{chart_id}-desc">{escape(desc)}</desc>')


def _patterns(chart_id: str) -> str:
    """Fills told apart without colour: solid, diagonal lines, dots."""
    p = chart_id
    return (
        "<defs>"
        f'<pattern id="{p}-hatch" width="7" height="7" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="7" height="7" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="7" stroke="{VERMILLION}" stroke-width="3"/></pattern>'
        f'<pattern id="{p}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#fff"/>'
        f'<circle cx="3" cy="3" r="1.6" fill="{INK}"/></pattern>'
        "</defs>")


def _fill(chart_id: str, style: str) -> str:
    return {"solid": SKY, "hatch": f"url(#{chart_id}-hatch)",
            "dots": f"url(#{chart_id}-dots)", "dark": BLUE}[style]


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return (f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="#fff" '
                f'stroke="{colour}" stroke-width="2.5"/>')
    if shape == "diamond":
        return (f'<polygon points="{x:.1f},{y - 7:.1f} {x + 7:.1f},{y:.1f} {x:.1f},'
                f'{y + 7:.1f} {x - 7:.1f},{y:.1f}" fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="{colour}"/>'


def _x_axis(months: Sequence[Mapping[str, Any]], height: int, xs: Callable[[int], float],
            label: str) -> str:
    base = height - BOTTOM
    out = [f'<line x1="{LEFT}" y1="{base}" x2="{W - RIGHT}" y2="{base}" stroke="{INK}"/>']
    for i, row in enumerate(months):
        x = xs(i)
        name = month_label(row["month"], short=True)
        out.append(f'<text x="{x:.1f}" y="{base + 17}" font-size="13" '
                   f'text-anchor="middle">{name}</text>')
        if i == 0 or row["month"].endswith("-01"):
            out.append(f'<text x="{x:.1f}" y="{base + 32}" font-size="12" fill="#444" '
                       f'text-anchor="middle">{row["month"][:4]}</text>')
    out.append(f'<text x="{(LEFT + W - RIGHT) / 2:.1f}" y="{height - 6}" font-size="13" '
               f'text-anchor="middle">{escape(label)}</text>')
    return "".join(out)


def _y_axis(height: int, top_value: float, ticks: Sequence[float], label: str,
            fmt: Callable[[float], str]) -> tuple[str, Callable[[float], float]]:
    base = height - BOTTOM

    def ys(v: float) -> float:
        return base - (base - TOP) * (v / top_value if top_value else 0)

    out = [f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="{INK}"/>']
    for t in ticks:
        y = ys(t)
        out.append(f'<line x1="{LEFT - 5}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" '
                   f'stroke="#ccc" stroke-width="0.8"/>')
        out.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" font-size="12" '
                   f'text-anchor="end">{fmt(t)}</text>')
    mid = (TOP + base) / 2
    out.append(f'<text x="16" y="{mid:.1f}" font-size="13" text-anchor="middle" '
               f'transform="rotate(-90 16 {mid:.1f})">{escape(label)}</text>')
    return "".join(out), ys


def _columns(n: int) -> Callable[[int], float]:
    step = (W - LEFT - RIGHT) / max(n, 1)
    return lambda i: LEFT + step * (i + 0.5)


def share_svg(chart_id: str, title: str, desc: str, months: Sequence[Mapping[str, Any]],
              series: Sequence[tuple[str, str, str, str, str, str, str]],
              references: Sequence[tuple[str, float]], y_label: str) -> str:
    """Percentages by month. Each series is a line of its running twelve-month
    figure (the SHARE key + '_12m') and a marker for each month on its own;
    a month with too few cases for its own percentage shows its counts at
    the foot of its column instead, and the line breaks where the twelve
    months too had too few."""
    xs = _columns(len(months))
    axis, ys = _y_axis(H, 100, (0, 25, 50, 75, 100), y_label, lambda t: f"{t:.0f}%")
    out = [_svg_open(chart_id, title, desc), axis,
           _x_axis(months, H, xs, "month (the last may be part of a month)")]
    labels: list[tuple[float, str, str]] = []  # (y, text, colour) at the right edge
    for n, (text, value) in enumerate(references):
        y = ys(value)
        dashes = ("2 4", "10 4 2 4")[n % 2]  # told apart by their dashes and names
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" '
                   f'stroke="{INK}" stroke-width="1.6" stroke-dasharray="{dashes}"/>')
        labels.append((y, text, INK))
    for i, row in enumerate(months):
        if row.get(series[0][3]) is not None:
            continue
        part, whole = (int(row.get(k) or 0) for k in series[0][1:3])
        base = H - BOTTOM - 8
        if whole == 0:
            out.append(f'<text x="{xs(i):.1f}" y="{base}" font-size="12" fill="#555" '
                       'font-style="italic" text-anchor="middle">none</text>')
        else:  # the counts, not a percentage of so few
            out.append(f'<text x="{xs(i):.1f}" y="{base - 15}" font-size="12" fill="#555" '
                       'font-style="italic" text-anchor="middle">too few</text>'
                       f'<text x="{xs(i):.1f}" y="{base}" font-size="12" fill="#555" '
                       f'text-anchor="middle">{part} of {whole}</text>')
    for label, _part, _whole, share, colour, dash, marker in series:
        running = [(xs(i), ys(row[f"{share}_12m"]))
                   if row.get(f"{share}_12m") is not None else None
                   for i, row in enumerate(months)]
        runs: list[list[tuple[float, float]]] = [[]]
        for p in running:
            if p is None:
                if runs[-1]:
                    runs.append([])
            else:
                runs[-1].append(p)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                           f'stroke-width="3"{dash_attr}/>')
            elif run:
                out.append(f'<line x1="{run[0][0] - 8:.1f}" y1="{run[0][1]:.1f}" '
                           f'x2="{run[0][0] + 8:.1f}" y2="{run[0][1]:.1f}" '
                           f'stroke="{colour}" stroke-width="3"/>')
        for i, row in enumerate(months):
            if row.get(share) is not None:
                x, y = xs(i), ys(row[share])
                out.append(_marker(marker, x, y, colour))
                if len(series) == 1:
                    out.append(f'<text x="{x:.1f}" y="{y - 10:.1f}" font-size="12" '
                               f'text-anchor="middle">{row[share]:.0f}</text>')
        last = next((p for p in reversed(running) if p is not None), None)
        if last is not None:
            labels.append((last[1], label, colour))
    out.append(_edge_labels(labels))
    out.append("</svg>")
    return "".join(out)


def _edge_labels(labels: list[tuple[float, str, str]]) -> str:
    """Names at the right edge, moved apart so none overlaps another."""
    placed: list[float] = []
    out = []
    for y, text, colour in sorted(labels):
        at = max([y] + [p + 16 for p in placed[-1:]])
        placed.append(at)
        out.append(f'<text x="{W - RIGHT + 8}" y="{at + 4:.1f}" font-size="13" '
                   f'fill="{colour}" font-weight="600">{escape(text)}</text>')
    return "".join(out)


def _nice_top(value: int) -> tuple[int, list[int]]:
    """An axis top at or above VALUE and four or five ticks."""
    if value <= 4:
        return 4, [0, 1, 2, 3, 4]
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000,
                 20000, 25000, 50000, 100000):
        if value <= step * 5:
            top = -(-value // step) * step
            return top, list(range(0, top + 1, step))
    top = -(-value // 100000) * 100000
    return top, list(range(0, top + 1, top // 5))


def stacked_svg(chart_id: str, title: str, desc: str, months: Sequence[Mapping[str, Any]],
                stacks: Sequence[tuple[str, Callable[[Mapping[str, Any]], int], str]],
                y_label: str) -> str:
    """Counts by month as stacked bars, each layer its own pattern, the
    total above each bar."""
    totals = [sum(get(row) for _, get, _ in stacks) for row in months]
    top, ticks = _nice_top(max(totals, default=0))
    xs = _columns(len(months))
    axis, ys = _y_axis(H, top, ticks, y_label, lambda t: f"{t:.0f}")
    width = min(44.0, (W - LEFT - RIGHT) / max(len(months), 1) * 0.62)
    out = [_svg_open(chart_id, title, desc), _patterns(chart_id), axis,
           _x_axis(months, H, xs, "end of each month")]
    for i, row in enumerate(months):
        bottom = 0
        for _label, get, style in stacks:
            n = get(row)
            if n:
                y0, y1 = ys(bottom), ys(bottom + n)
                out.append(f'<rect x="{xs(i) - width / 2:.1f}" y="{y1:.1f}" width="{width:.1f}" '
                           f'height="{y0 - y1:.1f}" fill="{_fill(chart_id, style)}" '
                           f'stroke="{INK}" stroke-width="1"/>')
            bottom += n
        out.append(f'<text x="{xs(i):.1f}" y="{ys(bottom) - 6:.1f}" font-size="12" '
                   f'text-anchor="middle">{totals[i]}</text>')
    legend_y = TOP + 6
    for label, _get, style in reversed(stacks):
        out.append(f'<rect x="{W - RIGHT + 8}" y="{legend_y}" width="16" height="16" '
                   f'fill="{_fill(chart_id, style)}" stroke="{INK}"/>'
                   f'<text x="{W - RIGHT + 30}" y="{legend_y + 13}" font-size="13">'
                   f'{escape(label)}</text>')
        legend_y += 24
    out.append("</svg>")
    return "".join(out)


def bars_svg(chart_id: str, title: str, desc: str,
             items: Sequence[tuple[str, int, int | None]], value_label: str,
             part_label: str | None = None) -> str:
    """Horizontal bars, one per item, the number at the end; a second,
    hatched part (e.g. overdue) drawn over the start of the bar."""
    row_h = 22
    height = TOP + row_h * max(len(items), 1) + 44
    top, ticks = _nice_top(max((v for _, v, _ in items), default=0))
    left, right = 190, 210
    span = W - left - right

    def xs(v: float) -> float:
        return left + span * (v / top if top else 0)

    out = [_svg_open(chart_id, title, desc, height), _patterns(chart_id)]
    base = TOP + row_h * len(items)
    for t in ticks:
        out.append(f'<line x1="{xs(t):.1f}" y1="{TOP}" x2="{xs(t):.1f}" y2="{base}" '
                   f'stroke="#ccc" stroke-width="0.8"/>'
                   f'<text x="{xs(t):.1f}" y="{base + 16}" font-size="12" '
                   f'text-anchor="middle">{t}</text>')
    out.append(f'<text x="{left + span / 2:.1f}" y="{base + 36}" font-size="13" '
               f'text-anchor="middle">{escape(value_label)}</text>')
    for i, (label, value, part) in enumerate(items):
        y = TOP + row_h * i
        out.append(f'<text x="{left - 8}" y="{y + 15}" font-size="13" '
                   f'text-anchor="end">{escape(label)}</text>')
        if value:
            out.append(f'<rect x="{left}" y="{y + 3}" width="{xs(value) - left:.1f}" '
                       f'height="{row_h - 6}" fill="{SKY}" stroke="{INK}"/>')
        if part:
            out.append(f'<rect x="{left}" y="{y + 3}" width="{xs(part) - left:.1f}" '
                       f'height="{row_h - 6}" fill="url(#{chart_id}-hatch)" stroke="{INK}"/>')
        words = str(value) + (f" ({part} {part_label})" if part_label and part is not None
                              else "")
        out.append(f'<text x="{xs(value) + 6:.1f}" y="{y + 15}" font-size="13">'
                   f'{escape(words)}</text>')
    out.append(f'<line x1="{left}" y1="{TOP}" x2="{left}" y2="{base}" stroke="{INK}"/>')
    out.append("</svg>")
    return "".join(out)


def breaches_svg(chart_id: str, title: str, desc: str,
                 columns: Sequence[tuple[str, str, int, int]], today_at: float | None,
                 y_label: str, x_label: str) -> str:
    """Requests forecast late and on time by month as stacked bars: the late
    at the foot (hatched), the on time above (plain), 'late of all' written
    above each bar. COLUMNS: (month, year or '', late, on time); TODAY_AT:
    where the forecast day falls (a column's index plus the part of its
    month gone), drawn as a dashed line named 'today'."""
    totals = [late + on_time for _, _, late, on_time in columns]
    top, ticks = _nice_top(max(totals, default=0))
    xs = _columns(len(columns))
    axis, ys = _y_axis(H, top, ticks, y_label, lambda t: f"{t:.0f}")
    step = (W - LEFT - RIGHT) / max(len(columns), 1)
    width = min(44.0, step * 0.62)
    base = H - BOTTOM
    out = [_svg_open(chart_id, title, desc), _patterns(chart_id), axis,
           f'<line x1="{LEFT}" y1="{base}" x2="{W - RIGHT}" y2="{base}" stroke="{INK}"/>']
    for i, (name, year, late, on_time) in enumerate(columns):
        x = xs(i)
        out.append(f'<text x="{x:.1f}" y="{base + 17}" font-size="13" '
                   f'text-anchor="middle">{escape(name)}</text>')
        if year:
            out.append(f'<text x="{x:.1f}" y="{base + 32}" font-size="12" fill="#444" '
                       f'text-anchor="middle">{escape(year)}</text>')
        bottom = 0
        for n, style in ((late, "hatch"), (on_time, "solid")):
            if n:
                y0, y1 = ys(bottom), ys(bottom + n)
                out.append(f'<rect x="{x - width / 2:.1f}" y="{y1:.1f}" width="{width:.1f}" '
                           f'height="{y0 - y1:.1f}" fill="{_fill(chart_id, style)}" '
                           f'stroke="{INK}" stroke-width="1"/>')
            bottom += n
        words = f"{late} of {late + on_time}" if late + on_time else "none"
        out.append(f'<text x="{x:.1f}" y="{ys(bottom) - 6:.1f}" font-size="12" '
                   f'text-anchor="middle">{words}</text>')
    if today_at is not None:
        x = LEFT + step * today_at
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{base}" stroke="{INK}" '
                   'stroke-width="1.6" stroke-dasharray="6 4"/>'
                   f'<text x="{x + 4:.1f}" y="{TOP + 10}" font-size="12">today</text>')
    out.append(f'<text x="{(LEFT + W - RIGHT) / 2:.1f}" y="{H - 6}" font-size="13" '
               f'text-anchor="middle">{escape(x_label)}</text>')
    legend_y = TOP + 6
    for label, style in (("forecast on time", "solid"), ("forecast late", "hatch")):
        out.append(f'<rect x="{W - RIGHT + 8}" y="{legend_y}" width="16" height="16" '
                   f'fill="{_fill(chart_id, style)}" stroke="{INK}"/>'
                   f'<text x="{W - RIGHT + 30}" y="{legend_y + 13}" font-size="13">'
                   f'{escape(label)}</text>')
        legend_y += 24
    out.append(f'<text x="{W - RIGHT + 8}" y="{legend_y + 13}" font-size="13">'
               'above each bar:</text>'
               f'<text x="{W - RIGHT + 8}" y="{legend_y + 30}" font-size="13">'
               'late of all due</text>')
    out.append("</svg>")
    return "".join(out)
