"""The evaluation's interval chart, drawn on the server as inline SVG (as the register's charts are).

One row per bid and figure: a line from the 5th to the 95th percentile, a dot at the median, a dashed
line at zero, the figures written at the end of each row, so colour is never the only way to read it
(WCAG 1.4.1). The page gives the same figures as a table beside the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from netimpact.engine.explanation import money

WIDTH = 720  # SVG user units; the SVG scales to its container
VALUE_ROOM = 230  # room on the right for "−£22.2m (−£24.0m to −£6.6m)"
LABEL_HEIGHT = 20  # each row's label sits above its interval, so long bid titles never collide
BAR_ROOM = 22
ROW_GAP = 10
AXIS_HEIGHT = 26
INK = "#0b0c0c"
POSITIVE = "#00703c"  # GOV.UK green: adds to net impact
NEGATIVE = "#d4351c"  # GOV.UK red: takes away from it
FONT = 'font-family="arial, sans-serif"'
MIN_TICK_GAP = 70  # user units between scale labels, so "£0" and an end label never overprint


@dataclass(frozen=True, slots=True)
class IntervalRow:
    label: str
    median: float  # £
    low: float  # 5th percentile, £
    high: float  # 95th percentile, £


def pounds(amount: float) -> str:
    """The engine's short £ with a true minus sign (a hyphen reads as a dash beside a figure)."""
    return money(amount).replace("-", "\u2212")


def interval_chart(rows: Sequence[IntervalRow], chart_id: str, title: str) -> SafeString:
    """Median and 90% interval of £ figures on one shared scale that always includes zero."""
    if not rows:
        raise ValueError("interval_chart needs at least one row")
    lowest = min(0.0, *(r.low for r in rows))
    highest = max(0.0, *(r.high for r in rows))
    span = (highest - lowest) or 1.0
    plot = WIDTH - VALUE_ROOM - 10

    def x(value: float) -> float:
        return 8 + plot * (value - lowest) / span

    row_height = LABEL_HEIGHT + BAR_ROOM + ROW_GAP
    height = AXIS_HEIGHT + row_height * len(rows)
    cid = escape(chart_id)
    summary = "; ".join(
        f"{r.label}: median {pounds(r.median)}, 90% interval {pounds(r.low)} to {pounds(r.high)}"
        for r in rows
    )
    parts = [
        f'<svg class="ni-chart" id="{cid}" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{cid}-title {cid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(summary)}</desc>',
        f'<line x1="{x(0):.1f}" y1="{AXIS_HEIGHT - 6}" x2="{x(0):.1f}" y2="{height}" stroke="{INK}" '
        f'stroke-width="1" stroke-dasharray="4 3"/>',
    ]
    ticks = [(0.0, "middle")]
    if x(0) - x(lowest) >= MIN_TICK_GAP:
        ticks.append((lowest, "start"))
    if x(highest) - x(0) >= MIN_TICK_GAP:
        ticks.append((highest, "end"))
    for value, anchor in ticks:
        parts.append(
            f'<text x="{x(value):.1f}" y="14" font-size="13" {FONT} fill="{INK}" text-anchor="{anchor}">'
            f"{escape(pounds(value))}</text>"
        )
    for index, row in enumerate(rows):
        top = AXIS_HEIGHT + row_height * index
        middle = top + LABEL_HEIGHT + BAR_ROOM / 2
        colour = POSITIVE if row.median >= 0 else NEGATIVE
        left, right = x(row.low), max(x(row.high), x(row.low) + 1)
        parts += [
            f'<text x="8" y="{top + 15}" font-size="15" {FONT} fill="{INK}">{escape(row.label)}</text>',
            f'<line x1="{left:.1f}" y1="{middle:.1f}" x2="{right:.1f}" y2="{middle:.1f}" stroke="{colour}" '
            f'stroke-width="8"/>',
            f'<circle cx="{x(row.median):.1f}" cy="{middle:.1f}" r="7" fill="{INK}" stroke="#ffffff" '
            f'stroke-width="2"/>',
            f'<text x="{WIDTH - VALUE_ROOM + 10}" y="{middle + 5:.1f}" font-size="14" {FONT} '
            f'font-weight="700" fill="{INK}">{escape(pounds(row.median))} '
            f'<tspan font-weight="400">({escape(pounds(row.low))} to {escape(pounds(row.high))})</tspan>'
            "</text>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text above is escaped


# ------------------------------------------------------------------------------------------- tornado

LOW_END = "#1d70b8"  # GOV.UK blue: the parameter at its low value
HIGH_END = "#6f2c91"  # a purple far from the blue, 8:1 on white: the parameter at its high value
TORNADO_VALUE_ROOM = 250  # "low −£22.8m · high −£7.8m" on the right of each row


@dataclass(frozen=True, slots=True)
class TornadoRow:
    label: str  # the parameter with its low and high values, e.g. "t_adj: 0.347 to 0.863 years"
    at_low: float  # median net impact with the parameter at its low value, £
    at_high: float


def tornado_chart(rows: Sequence[TornadoRow], base: float, chart_id: str, title: str) -> SafeString:
    """One bar per parameter around the median net impact with every parameter at its value (the solid
    line): blue from there to the figure at the parameter's low value, purple to its high value. The
    figures are written at the end of each row and a legend names the colours, so colour is never the
    only way to read it."""
    if not rows:
        raise ValueError("tornado_chart needs at least one row")
    lowest = min(base, *(min(r.at_low, r.at_high) for r in rows))
    highest = max(base, *(max(r.at_low, r.at_high) for r in rows))
    span = (highest - lowest) or 1.0
    plot = WIDTH - TORNADO_VALUE_ROOM - 16

    def x(value: float) -> float:
        return 8 + plot * (value - lowest) / span

    legend_height = 24
    row_height = LABEL_HEIGHT + BAR_ROOM + ROW_GAP
    top_of_rows = legend_height + AXIS_HEIGHT
    height = top_of_rows + row_height * len(rows)
    cid = escape(chart_id)
    summary = f"With every parameter at its value: {pounds(base)}. " + "; ".join(
        f"{r.label}: at low {pounds(r.at_low)}, at high {pounds(r.at_high)}" for r in rows
    )
    parts = [
        f'<svg class="ni-chart" id="{cid}" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{cid}-title {cid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(summary)}</desc>',
        *_tornado_legend(),
    ]
    ticks = [(base, "middle")]
    if x(base) - x(lowest) >= MIN_TICK_GAP:
        ticks.append((lowest, "start"))
    if x(highest) - x(base) >= MIN_TICK_GAP:
        ticks.append((highest, "end"))
    for value, anchor in ticks:
        parts.append(
            f'<text x="{x(value):.1f}" y="{legend_height + 14}" font-size="13" {FONT} fill="{INK}" '
            f'text-anchor="{anchor}">{escape(pounds(value))}</text>'
        )
    for index, row in enumerate(rows):
        top = top_of_rows + row_height * index
        bar_top = top + LABEL_HEIGHT + 3
        parts.append(
            f'<text x="8" y="{top + 15}" font-size="15" {FONT} fill="{INK}">{escape(row.label)}</text>'
        )
        # The base line runs through the bars only, so it never strikes through a label.
        parts.append(
            f'<line x1="{x(base):.1f}" y1="{bar_top - 4:.1f}" x2="{x(base):.1f}" '
            f'y2="{bar_top + BAR_ROOM - 2:.1f}" stroke="{INK}" stroke-width="2"/>'
        )
        for value, colour in ((row.at_low, LOW_END), (row.at_high, HIGH_END)):
            left, right = sorted((x(base), x(value)))
            parts.append(
                f'<rect x="{left:.1f}" y="{bar_top:.1f}" width="{max(right - left, 1.5):.1f}" '
                f'height="{BAR_ROOM - 6}" fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{WIDTH - TORNADO_VALUE_ROOM + 6}" y="{bar_top + 13:.1f}" font-size="14" {FONT} '
            f'fill="{INK}">low {escape(pounds(row.at_low))} · high {escape(pounds(row.at_high))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text above is escaped


def _tornado_legend() -> list[str]:
    return [
        f'<rect x="8" y="4" width="14" height="14" fill="{LOW_END}"/>',
        f'<text x="28" y="16" font-size="14" {FONT} fill="{INK}">parameter at its low value</text>',
        f'<rect x="228" y="4" width="14" height="14" fill="{HIGH_END}"/>',
        f'<text x="248" y="16" font-size="14" {FONT} fill="{INK}">at its high value</text>',
        f'<line x1="400" y1="4" x2="400" y2="18" stroke="{INK}" stroke-width="2"/>',
        f'<text x="408" y="16" font-size="14" {FONT} fill="{INK}">every parameter at its value</text>',
    ]
