"""Listens for submitted bids: each named partner is invited to confirm the bid's claims about it."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from netimpact.web.commissioning.signals import bid_submitted

from .invitations import invite_partners


@receiver(bid_submitted, dispatch_uid="confirmation.invite_partners")
def invite_partners_on_submission(sender: Any, bid: Any, by: Any = None, **kwargs: Any) -> None:
    # Runs inside the submitting transaction: the invitations roll back with the bid, and the emails
    # are sent only once it commits (invite_partners uses transaction.on_commit).
    invite_partners(bid)
