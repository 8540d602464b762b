"""{% load panel_links %}: whether the person viewing may reach an exercise's panel pages."""

from __future__ import annotations

from typing import Any

from django import template

from netimpact.web.panel.rules import may_reach_panel

register = template.Library()


@register.filter
def panel_open_to(exercise: Any, user: Any) -> bool:
    """{% if exercise|panel_open_to:user %}: officers, and the members of the exercise's panel."""
    return may_reach_panel(exercise, user)
