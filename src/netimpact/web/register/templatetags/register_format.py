"""How the register's figures read on a page: money in £, shares in %, code lists by their labels."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.http import QueryDict

from netimpact.domain.vocabulary import (
    ClaimState,
    EntryPoint,
    FundingKind,
    IncomeSource,
    LabelledEnum,
    Need,
    OrgKind,
)

register = template.Library()

_CODE_LISTS: dict[str, type[LabelledEnum]] = {
    "kind": OrgKind,
    "need": Need,
    "entry_point": EntryPoint,
    "income_source": IncomeSource,
    "funding_kind": FundingKind,
    "claim_state": ClaimState,
}

# A partner's answer to a bid's claim about it: confirmed counts, unanswered counts for little, disputed
# counts for nothing and is flagged to the panel (mission capability 4). The tag text says which, too.
CLAIM_TAG_CLASSES = {
    ClaimState.CONFIRMED: "govuk-tag--green",
    ClaimState.UNANSWERED: "govuk-tag--yellow",
    ClaimState.DISPUTED: "govuk-tag--red",
}

# Tag colours by kind of organisation: the local ecosystem in greens and purples, the state in blues.
KIND_TAG_CLASSES = {
    OrgKind.LOCAL_VCSE: "govuk-tag--green",
    OrgKind.FAITH_GROUP: "govuk-tag--purple",
    OrgKind.SOCIAL_ENTERPRISE: "govuk-tag--teal",
    OrgKind.PUBLIC_BODY: "",  # the default tag is blue
    OrgKind.NHS: "",
    OrgKind.OUTSIDE_PROVIDER: "govuk-tag--orange",
    OrgKind.PRIVATE_COMPANY: "govuk-tag--grey",
}

# Short names for tags in tables, where the full label would wrap; pages give the full label elsewhere.
KIND_SHORT_LABELS = {
    OrgKind.LOCAL_VCSE: "Local VCSE",
    OrgKind.FAITH_GROUP: "Faith group",
    OrgKind.SOCIAL_ENTERPRISE: "Social enterprise",
    OrgKind.PUBLIC_BODY: "Public body",
    OrgKind.NHS: "NHS",
    OrgKind.OUTSIDE_PROVIDER: "Outside provider",
    OrgKind.PRIVATE_COMPANY: "Private company",
}


@register.filter
def kind_short(code: str) -> str:
    try:
        return KIND_SHORT_LABELS[OrgKind(code)]
    except (KeyError, ValueError):
        return str(code)


@register.filter
def claim_tag_class(code: str) -> str:
    """The tag colour of a claim state: <strong class="govuk-tag {{ state|claim_tag_class }}">."""
    try:
        return CLAIM_TAG_CLASSES[ClaimState(code)]
    except ValueError:
        return "govuk-tag--grey"


@register.filter
def money(amount: float | None) -> str:
    """£ with thousands separators and no pence: "£12,345"; a negative sum reads "−£12,345"."""
    if amount is None:
        return "not recorded"
    rounded = round(float(amount))
    return f"−£{-rounded:,}" if rounded < 0 else f"£{rounded:,}"


@register.filter
def percent(share: float | None, places: int = 0) -> str:
    # "" is what a template gives for a figure that is not there (string_if_invalid): not available either.
    return "not available" if share is None or share == "" else f"{float(share) * 100:.{int(places)}f}%"


@register.filter
def number(value: float | None, places: int = 0) -> str:
    return "not recorded" if value is None else f"{float(value):,.{int(places)}f}"


@register.filter
def months(value: float | None) -> str:
    return "no spending recorded" if value is None else f"{float(value):.1f} months"


@register.filter
def ratio(value: float | None) -> str:
    return "no income recorded" if value is None else f"{float(value):.2f}"


@register.filter
def label(code: str, code_list: str) -> str:
    """The human label of a stored code: {{ org.kind|label:"kind" }} -> "Faith group"."""
    try:
        return _CODE_LISTS[code_list](code).label
    except (KeyError, ValueError):
        return str(code)


@register.filter
def kind_tag_class(code: str) -> str:
    try:
        return KIND_TAG_CLASSES[OrgKind(code)]
    except ValueError:
        return "govuk-tag--grey"


@register.simple_tag
def query_with(params: QueryDict, **changes: Any) -> str:
    """The current query string with some parameters changed (pagination and sorting keep the filters)."""
    merged = {key: params.getlist(key) for key in params}
    for key, value in changes.items():
        merged[key] = [str(value)]
    return "?" + urlencode(merged, doseq=True)
