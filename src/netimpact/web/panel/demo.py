"""The demo's panel: the demo panel members (panel1 and panel2) sit on the demo exercise's panel.

Scoring is left to the person trying the demo (the README walks through it). Run after the demo accounts
exist (netimpact.web.accounts.demo.create_demo_users); running it again changes nothing.
"""

from __future__ import annotations

from netimpact.web import clock
from netimpact.web.accounts.demo import OFFICER, PANEL
from netimpact.web.accounts.models import User
from netimpact.web.commissioning.models import Exercise

from .models import PanelMembership


def seat_demo_panel(exercise_key: str) -> list[str]:
    """Seat the demo panel members on the exercise's panel; returns their usernames."""
    exercise = Exercise.objects.get(key=exercise_key)
    officer = User.objects.filter(username=OFFICER[0]).first()
    names = [username for username, _ in PANEL]
    for member in User.objects.filter(username__in=names):
        PanelMembership.objects.get_or_create(
            exercise=exercise,
            member=member,
            # Seated when the exercise was published (a fixed time), so reloading the demo is the same.
            defaults={"added_by": officer, "added_at": exercise.published_at or clock.now()},
        )
    return names
