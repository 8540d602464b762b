"""What every page shows about the register: the fictional-data notice and the service navigation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from .queries import register_is_fictional

# (section, label, URL name); a page belongs to the section its URL name starts with.
SECTIONS = (
    ("organisation", "Organisations", "register:organisations"),
    ("service", "Services", "register:services"),
    ("ward", "Wards", "register:wards"),
    ("cohort", "Cohorts", "register:cohorts"),
)


@dataclass(frozen=True, slots=True)
class NavigationItem:
    label: str
    url: str
    current: bool


# Exercises hold sealed and confidential material: only officers and panel members see the link.
EXERCISE_ROLES = {"officer", "panel"}


def register_notice(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match and match.namespace == "register" else ""
    navigation = [
        NavigationItem(label, reverse(name), bool(url_name) and url_name.startswith(section))
        for section, label, name in SECTIONS
    ]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "role", None) in EXERCISE_ROLES:
        in_exercises = bool(match) and match.namespace == "commissioning"
        navigation.append(NavigationItem("Exercises", reverse("commissioning:exercises"), in_exercises))
    if user is not None and user.is_authenticated and getattr(user, "role", None) == "partner":
        # A partner's own page: every claim a submitted bid makes about its organisation.
        in_claims = bool(match) and match.namespace == "confirmation"
        navigation.append(NavigationItem("Claims about you", reverse("confirmation:your_claims"), in_claims))
    if user is not None and user.is_authenticated and getattr(user, "role", None) == "officer":
        in_imports = bool(match) and match.namespace == "imports"
        navigation.append(NavigationItem("Import open data", reverse("imports:start"), in_imports))
    if user is not None and user.is_authenticated and getattr(user, "role", None) == "bidder":
        in_bids = bool(match) and match.namespace == "bidding"
        navigation.append(NavigationItem("Your bids", reverse("bidding:home"), in_bids))
    # Lazy, so a page that never renders a template does not pay for the query.
    return {"register_is_fictional": _Lazy(register_is_fictional), "service_navigation": navigation}


class _Lazy:
    def __init__(self, compute: Any) -> None:
        self._compute = compute
        self._value: bool | None = None

    def __bool__(self) -> bool:
        if self._value is None:
            self._value = bool(self._compute())
        return self._value
