"""Charts drawn on the server as inline SVG: no JavaScript, printable, and each has a table beside it.

Each chart is an <svg role="img"> labelled by its own <title> and <desc>; every bar carries its figure
as text, so colour is never the only way to read it (WCAG 1.4.1).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .queries import IncomeShare

# GOV.UK Design System colours (govuk-colour palette); dark enough for 3:1 against white (WCAG 1.4.11).
BAR_COLOURS = ("#1d70b8", "#00703c", "#4c2c92", "#d4351c", "#f47738", "#5694ca", "#505a5f")

WIDTH = 640  # SVG user units; the SVG scales to its container
LABEL_HEIGHT = 22
BAR_HEIGHT = 20
ROW_GAP = 12
VALUE_ROOM = 150  # room on the right for "£1,234,567 (100%)"


def income_mix_chart(shares: Sequence[IncomeShare], chart_id: str) -> SafeString:
    """Horizontal bars, one per income source, longest = the largest source; figures written beside."""
    if not shares:
        raise ValueError("income_mix_chart needs at least one income source with income")
    largest = max(s.amount for s in shares)
    row = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    height = row * len(shares)
    bar_room = WIDTH - VALUE_ROOM
    summary = "; ".join(f"{s.source.label} {_money(s.amount)} ({s.share:.0%})" for s in shares)
    parts = [
        f'<svg class="ni-chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-title">Income by source</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(summary)}</desc>',
    ]
    for index, share in enumerate(shares):
        top = index * row
        length = max(2.0, bar_room * share.amount / largest) if largest > 0 else 2.0
        colour = BAR_COLOURS[index % len(BAR_COLOURS)]
        parts += [
            f'<text x="0" y="{top + 16}" class="ni-chart__label">{escape(share.source.label)}</text>',
            f'<rect x="0" y="{top + LABEL_HEIGHT}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{colour}"/>',
            f'<text x="{length + 8:.1f}" y="{top + LABEL_HEIGHT + 15}" class="ni-chart__value">'
            f"{escape(_money(share.amount))} ({share.share:.0%})</text>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text above is escaped


def _money(amount: float) -> str:
    return f"£{amount:,.0f}"
