"""Invitations for the demo exercise, whose bids were stored already submitted (no bid_submitted signal).

Each named partner gets an invitation as if the bid had just been submitted, with no email sent. A claim
the demo stores as confirmed or disputed is answered that way by a fictional contact; an unanswered one
stays open. The demo's deadline is in the past, so its links are kept open for 28 days from loading:
otherwise a person trying the demo could not answer a claim at all.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from netimpact.domain.vocabulary import ClaimState
from netimpact.web import clock
from netimpact.web.commissioning import models as cm

from . import claims
from .invitations import invite_partners
from .models import Answer, ClaimItem

DEMO_OPEN_FOR = timedelta(days=28)
DEMO_RESPONDER = ("Sam Okafor", "Partnerships manager")  # fictional
DEMO_DISPUTE_REASON = "We have not agreed to this. We spoke to the bidder once but signed nothing."
ANSWER_OF_STATE = {
    ClaimState.CONFIRMED.value: Answer.CONFIRM.value,
    ClaimState.DISPUTED.value: Answer.DISPUTE.value,
}


@transaction.atomic
def invite_demo_partners(exercise_key: str) -> int:
    """Create the demo exercise's invitations, answered to match the stored claim states; returns how many."""
    now = clock.now()
    count = 0
    for bid in cm.Bid.objects.filter(
        exercise__key=exercise_key, status=cm.BidStatus.SUBMITTED
    ).select_related("exercise", "bidder"):
        stored = {
            (kind, row.pk): row.state for rows in claims.claims_by_partner(bid).values() for kind, row in rows
        }
        for outcome in invite_partners(bid, send=False):
            invitation = outcome.invitation
            closes = bid.exercise.closes_at
            invitation.sent_at = bid.submitted_at or (closes - timedelta(days=7) if closes else now)
            invitation.expires_at = max(invitation.expires_at, now + DEMO_OPEN_FOR)
            answered = False
            for item in ClaimItem.objects.filter(invitation=invitation):
                answer = ANSWER_OF_STATE.get(stored.get((item.kind, item.claim_pk), ""))
                if answer is None:
                    continue
                item.answer = answer
                item.reason = DEMO_DISPUTE_REASON if answer == Answer.DISPUTE else ""
                item.answered_at = invitation.sent_at + timedelta(days=2)
                item.responder_name, item.responder_role = DEMO_RESPONDER
                item.save()
                row = claims.claim_row(item.kind, item.claim_pk)
                if row is not None:
                    row.state = stored[(item.kind, item.claim_pk)]
                    row.save(update_fields=["state"])
                answered = True
            if answered:
                invitation.answered_at = invitation.sent_at + timedelta(days=2)
                invitation.responder_name, invitation.responder_role = DEMO_RESPONDER
            invitation.save()
            count += 1
    return count
