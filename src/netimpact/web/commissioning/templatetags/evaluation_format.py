"""How the evaluation's figures read: £ as officers write them (£180k, £1.2m), shares and people."""

from __future__ import annotations

from django import template

from netimpact.engine.explanation import money

register = template.Library()


@register.filter
def pounds(amount: float | None) -> str:
    """£180k, £1.2m, −£22.2m; an undefined figure says so. A word joiner keeps the minus on the figure's
    line in a narrow table cell."""
    if amount is None:
        return "undefined"
    return money(float(amount)).replace("-", "\u2212\u2060")


@register.filter
def chance(share: float | None) -> str:
    """A probability as a percentage of draws, "<1%" rather than a misleading "0%" for a rare event."""
    if share is None:
        return "not available"
    value = float(share)
    if 0 < value < 0.005:
        return "under 1%"
    if 0.995 <= value < 1:
        return "over 99%"
    return f"{value:.0%}"


@register.filter
def people(value: float | None) -> str:
    return "not available" if value is None else f"{float(value):,.0f}"


@register.filter
def score(value: float | None) -> str:
    """Criterion and award scores run 0..1; three decimals separate close bids."""
    return "not scored" if value is None else f"{float(value):.3f}"


@register.filter
def signed_people(value: float | None) -> str:
    if value is None:
        return "not available"
    rounded = round(float(value))
    return f"+{rounded:,}" if rounded > 0 else ("0" if rounded == 0 else f"−{-rounded:,}")


@register.filter
def parameter_value(value: float | None) -> str:
    return "not set" if value is None else f"{float(value):,.6g}"
