"""Invitations to confirm a bid's claims, and each claim's answer.

One ClaimInvitation per partner organisation per bid: it covers every claim that bid makes about that
organisation (its Subcontract, Partnership and Commitment rows). The link's token is never stored: the
invitation keeps a random nonce, the token is an HMAC of it under the site's secret key, and only the
token's SHA-256 is stored and looked up (tokens.py; docs/decisions/0015-partner-confirmation-links.md).

A ClaimItem is one claim as the partner was asked about it: the bidder's figures (`claimed`), and the
partner's answer. The claim rows themselves live in commissioning; an answer sets their `state`, and an
amendment also sets their figures (docs/decisions/0016-an-amended-claim-counts-at-the-partners-figures.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from netimpact.domain.vocabulary import ClaimState
from netimpact.web import clock
from netimpact.web.commissioning.models import Bid
from netimpact.web.register.models import Organisation


class ClaimKind(models.TextChoices):
    SUBCONTRACT = "subcontract", "Subcontract"
    PARTNERSHIP = "partnership", "Joint working"
    COMMITMENT = "commitment", "Commitment"


class Answer(models.TextChoices):
    CONFIRM = "confirm", "Confirmed"
    DISPUTE = "dispute", "Disputed"
    AMEND = "amend", "Amended"


# What each answer makes the claim's state, for the engine's evidence weighting. An amendment is the
# partner saying what is true, so the claim counts as confirmed at the partner's figures.
STATE_OF_ANSWER = {
    Answer.CONFIRM.value: ClaimState.CONFIRMED,
    Answer.DISPUTE.value: ClaimState.DISPUTED,
    Answer.AMEND.value: ClaimState.CONFIRMED,
}


class ClaimInvitation(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="claim_invitations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="claim_invitations", help_text="The partner."
    )
    token_nonce = models.CharField(
        max_length=64, help_text="Random; the link's token is an HMAC of it under the secret key."
    )
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the link's token.")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the link was last emailed.")
    send_count = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField(help_text="The link works until then.")
    answered_at = models.DateTimeField(null=True, blank=True, help_text="When the partner last answered.")
    responder_name = models.CharField(max_length=200, blank=True)
    responder_role = models.CharField(max_length=200, blank=True)
    letter_printed_at = models.DateTimeField(null=True, blank=True)
    letter_printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("bid", "organisation__name", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=["bid", "organisation"], name="one_invitation_per_partner_per_bid"
            ),
            models.CheckConstraint(condition=~Q(token_hash=""), name="invitation_token_hash_set"),
        )

    def __str__(self) -> str:
        return f"{self.bid.key}: claims about {self.organisation.name}"

    @property
    def expired(self) -> bool:
        return clock.now() >= self.expires_at

    @property
    def fully_answered(self) -> bool:
        items = list(self.items.all())
        return bool(items) and all(item.answer for item in items)


class ClaimItem(models.Model):
    invitation = models.ForeignKey(ClaimInvitation, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=16, choices=ClaimKind.choices)
    claim_pk = models.PositiveBigIntegerField(help_text="Primary key of the claim's row of its kind.")
    claimed = models.JSONField(help_text="The claim as the bidder made it: its figures and description.")
    answer = models.CharField(max_length=16, choices=Answer.choices, blank=True)
    reason = models.TextField(blank=True, help_text="Why the partner disputed or amended it.")
    amended = models.JSONField(
        null=True,
        blank=True,
        help_text="The partner's figures, for an amended claim; `claimed` keeps the bid's.",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    responder_name = models.CharField(max_length=200, blank=True)
    responder_role = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("invitation", "pk")
        constraints = (
            models.UniqueConstraint(fields=["invitation", "kind", "claim_pk"], name="one_item_per_claim"),
            models.CheckConstraint(
                condition=Q(answer="") | ~Q(answer="dispute") | ~Q(reason=""), name="dispute_has_a_reason"
            ),
        )

    def __str__(self) -> str:
        return f"{self.kind} {self.claim_pk} ({self.answer or 'unanswered'})"

    @property
    def figures_now(self) -> dict[str, Any]:
        """The figures the claim row should hold now: the partner's after an amendment, else the bid's."""
        if self.answer == Answer.AMEND and self.amended is not None:
            return {**self.claimed, **self.amended}
        return dict(self.claimed)
