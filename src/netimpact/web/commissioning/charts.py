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
LABEL_ROOM = 250  # room on the left for the row's label
VALUE_ROOM = 190  # room on the right for "−£22.2m (−£24.0m to −£6.6m)"
ROW_HEIGHT = 34
AXIS_HEIGHT = 30
INK = "#0b0c0c"
POSITIVE = "#00703c"  # GOV.UK green
NEGATIVE = "#d4351c"  # GOV.UK red
FONT = 'font-family="arial, sans-serif"'


@dataclass(frozen=True, slots=True)
class IntervalRow:
    label: str
    median: float  # £
    low: float  # 5th percentile, £
    high: float  # 95th percentile, £


def interval_chart(rows: Sequence[IntervalRow], chart_id: str, title: str) -> SafeString:
    """Median and 90% interval of £ figures on one shared scale that always includes zero."""
    if not rows:
        raise ValueError("interval_chart needs at least one row")
    lowest = min(0.0, *(r.low for r in rows))
    highest = max(0.0, *(r.high for r in rows))
    span = (highest - lowest) or 1.0
    plot = WIDTH - LABEL_ROOM - VALUE_ROOM

    def x(value: float) -> float:
        return LABEL_ROOM + plot * (value - lowest) / span

    height = AXIS_HEIGHT + ROW_HEIGHT * len(rows)
    cid = escape(chart_id)
    summary = "; ".join(
        f"{r.label}: median {money(r.median)}, 90% interval {money(r.low)} to {money(r.high)}" for r in rows
    )
    parts = [
        f'<svg class="ni-chart" id="{cid}" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{cid}-title {cid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(summary)}</desc>',
        # The scale: its two ends and zero, in £ over the term.
        f'<text x="{x(lowest):.1f}" y="14" font-size="13" {FONT} fill="{INK}">{escape(money(lowest))}</text>',
        f'<text x="{x(highest):.1f}" y="14" font-size="13" {FONT} fill="{INK}" text-anchor="end">'
        f"{escape(money(highest))}</text>",
        f'<line x1="{x(0):.1f}" y1="20" x2="{x(0):.1f}" y2="{height}" stroke="{INK}" stroke-width="1" '
        f'stroke-dasharray="4 3"/>',
        f'<text x="{x(0):.1f}" y="28" font-size="13" {FONT} fill="{INK}" text-anchor="middle">£0</text>',
    ]
    for index, row in enumerate(rows):
        middle = AXIS_HEIGHT + ROW_HEIGHT * index + ROW_HEIGHT / 2
        colour = POSITIVE if row.median >= 0 else NEGATIVE
        left, right = x(row.low), max(x(row.high), x(row.low) + 1)
        parts += [
            f'<text x="0" y="{middle + 5:.1f}" font-size="15" {FONT} fill="{INK}">{escape(row.label)}</text>',
            f'<line x1="{left:.1f}" y1="{middle:.1f}" x2="{right:.1f}" y2="{middle:.1f}" stroke="{colour}" '
            f'stroke-width="6" stroke-linecap="butt"/>',
            f'<circle cx="{x(row.median):.1f}" cy="{middle:.1f}" r="7" fill="{INK}" stroke="#ffffff" '
            f'stroke-width="2"/>',
            f'<text x="{WIDTH - VALUE_ROOM + 10}" y="{middle + 5:.1f}" font-size="14" {FONT} '
            f'font-weight="700" fill="{INK}">{escape(money(row.median))} '
            f'<tspan font-weight="400">({escape(money(row.low))} to {escape(money(row.high))})</tspan>'
            "</text>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text above is escaped
