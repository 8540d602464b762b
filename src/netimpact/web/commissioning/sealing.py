"""Sealed bids: the one gate every reader of another party's bid goes through.

Until an exercise's deadline (noon UK time on its deadline date, netimpact.web.clock) no one but the
bidder itself reads a bid: not an officer, not the panel, not an administrator, not the engine. After
it, no bidder changes one. Pages, the admin, exports and evaluation runs all call `opened_bids`; it
raises BidsSealed rather than return a sealed bid.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from . import models as m


class BidsSealed(PermissionDenied):
    """Asked for another party's bid before the deadline."""

    def __init__(self, exercise: m.Exercise) -> None:
        closes = exercise.closes_at
        when = f"{closes:%-d %B %Y at %H:%M} UK time" if closes else "the deadline (none is set yet)"
        super().__init__(f"Bids for “{exercise.title}” are sealed until {when}.")
        self.exercise = exercise


def opened_bids(exercise: m.Exercise, at: datetime | None = None) -> QuerySet[m.Bid]:
    """The exercise's submitted bids, once its deadline has passed; BidsSealed before it."""
    if exercise.bids_sealed(at):
        raise BidsSealed(exercise)
    return m.Bid.objects.filter(exercise=exercise, status=m.BidStatus.SUBMITTED)


def opened_exercise_keys(at: datetime | None = None) -> set[str]:
    """Keys of the exercises whose bids may be read now."""
    return {e.key for e in m.Exercise.objects.all() if not e.bids_sealed(at)}
