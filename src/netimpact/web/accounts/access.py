"""Access rules: every view declares who may use it; a view that declares nothing is refused.

    @access_rule(Public)            anyone, signed in or not
    @access_rule(Officer, Panel)    signed-in commissioning officers and panel members only

AccessRuleMiddleware reads the declaration; tests/web_pages/test_access_rules.py walks every URL pattern
and fails if any view lacks one. The roles and what each may do are written up in docs/roles.md.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver

from .models import Role

ACCESS_RULE_ATTRIBUTE = "access_rule"


@dataclass(frozen=True, slots=True)
class Audience:
    """A set of people a view may be opened to: the public, or the holders of one role."""

    code: str
    label: str
    role: Role | None = None  # None: everyone, signed in or not
    staff_only: bool = False  # also requires the Django staff flag (the admin)

    def admits(self, user: Any) -> bool:
        if self.role is None:
            return True
        if not (user.is_authenticated and user.is_active):
            return False
        if self.staff_only and not user.is_staff:
            return False
        return getattr(user, "role", None) == self.role


Public = Audience("public", "Everyone, signed in or not")
Officer = Audience("officer", Role.OFFICER.label, Role.OFFICER)
Panel = Audience("panel", Role.PANEL.label, Role.PANEL)
Bidder = Audience("bidder", Role.BIDDER.label, Role.BIDDER)
Partner = Audience("partner", Role.PARTNER.label, Role.PARTNER)
StaffOfficer = Audience("staff_officer", "Commissioning officer with staff access", Role.OFFICER, True)

SIGNED_IN = (Officer, Panel, Bidder, Partner)


@dataclass(frozen=True, slots=True)
class AccessRule:
    audiences: tuple[Audience, ...]

    def admits(self, user: Any) -> bool:
        return any(audience.admits(user) for audience in self.audiences)

    @property
    def is_public(self) -> bool:
        return Public in self.audiences

    def __str__(self) -> str:
        return ", ".join(a.label for a in self.audiences)


def access_rule[V: Callable[..., Any]](*audiences: Audience) -> Callable[[V], V]:
    """Declare who may use a view. Apply it outermost, to the function Django's URLconf calls."""
    if not audiences:
        raise ValueError("access_rule needs at least one audience, e.g. access_rule(Public)")
    rule = AccessRule(tuple(audiences))

    def declare(view: V) -> V:
        setattr(view, ACCESS_RULE_ATTRIBUTE, rule)
        return view

    return declare


def rule_of(view: Callable[..., Any]) -> AccessRule | None:
    return getattr(view, ACCESS_RULE_ATTRIBUTE, None)


def with_access_rule(
    patterns: Iterable[URLPattern | URLResolver], *audiences: Audience
) -> list[URLPattern | URLResolver]:
    """Give every view under `patterns` (e.g. the admin's) one rule, wrapping views we do not own.

    Wrapping, not setting an attribute, because third-party callbacks may be bound methods or shared.
    """
    declare = access_rule(*audiences)
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            with_access_rule(pattern.url_patterns, *audiences)
        else:
            pattern.callback = declare(_wrap(pattern.callback))
    return list(patterns)


def _wrap(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    return wrapped


def every_url_pattern(
    patterns: Sequence[URLPattern | URLResolver], prefix: str = ""
) -> Iterable[tuple[str, URLPattern]]:
    """Each URL pattern under a resolver, with its full route (for the rule-coverage test and docs)."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from every_url_pattern(pattern.url_patterns, route)
        else:
            yield route, pattern
