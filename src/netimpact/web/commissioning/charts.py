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
