"""{% load confirmation %}{% claims_of bid as claims %}: a bid's claims with their states (claims_for_bid)."""

from __future__ import annotations

from typing import Any

from django import template

from netimpact.web.confirmation.claims import ClaimView, claims_for_bid

register = template.Library()


@register.simple_tag
def claims_of(bid: Any) -> list[ClaimView]:
    return claims_for_bid(bid)
