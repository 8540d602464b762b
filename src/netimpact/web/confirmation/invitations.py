"""Creating, refreshing and sending invitations when a bid is submitted (or submitted again).

One invitation per partner organisation per bid. On a resubmission the invitation is reused: a claim
whose figures are unchanged keeps the partner's answer (and its state); a new or changed claim is asked
about afresh (state unanswered), and only then is a new link emailed (the earlier link stops working).
An unchanged resubmission sends nothing. Email leaves only once the submitting transaction commits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from netimpact.domain.vocabulary import ClaimState
from netimpact.web import clock
from netimpact.web.accounts.models import Role, User
from netimpact.web.commissioning import models as cm
from netimpact.web.register.models import Organisation

from . import claims, tokens
from .models import STATE_OF_ANSWER, ClaimInvitation, ClaimItem

# How long after bids close a partner can still answer: the panel reads the states after the deadline,
# and a partner asked late (a bid submitted on the last day) still gets two weeks.
ANSWER_PERIOD = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    email: str
    phone: str


@dataclass(frozen=True, slots=True)
class InvitationOutcome:
    invitation: ClaimInvitation
    created: bool
    asked_again: bool  # a new or changed claim, or a new address: a new link goes out


def expiry_for(exercise: cm.Exercise, at: datetime | None = None) -> datetime:
    closes = exercise.closes_at
    base = max(closes, at or clock.now()) if closes else (at or clock.now())
    return base + ANSWER_PERIOD


def contact_for(bid: cm.Bid, organisation: Organisation) -> Contact:
    """The bid's named contact at the partner; failing that, a partner account's email."""
    named = cm.PartnerContact.objects.filter(bid=bid, organisation=organisation).first()
    if named is not None and (named.email or named.name or named.phone):
        if named.email:
            return Contact(named.name, named.email, named.phone)
        account = _partner_account(organisation)
        return Contact(named.name, account.email if account else "", named.phone)
    account = _partner_account(organisation)
    if account is not None:
        return Contact(account.get_full_name(), account.email, "")
    return Contact("", "", "")


def _partner_account(organisation: Organisation) -> User | None:
    return (
        User.objects.filter(role=Role.PARTNER, organisation=organisation, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .first()
    )


def invite_partners(bid: cm.Bid, *, send: bool = True) -> list[InvitationOutcome]:
    """Create or refresh the bid's invitations inside the caller's transaction; email new links on commit."""
    outcomes: list[InvitationOutcome] = []
    with transaction.atomic():
        grouped = claims.claims_by_partner(bid)
        # Partners the bid no longer names: their links stop working.
        ClaimInvitation.objects.filter(bid=bid).exclude(organisation_id__in=grouped).delete()
        organisations = Organisation.objects.in_bulk(list(grouped))
        for organisation_pk, rows in grouped.items():
            outcome = _refresh(bid, organisations[organisation_pk], rows)
            outcomes.append(outcome)
            if send and outcome.asked_again and outcome.invitation.contact_email:
                pk = outcome.invitation.pk
                transaction.on_commit(lambda pk=pk: send_invitation_email(pk))  # type: ignore[misc]
    return outcomes


def _refresh(
    bid: cm.Bid, organisation: Organisation, rows: list[tuple[str, claims.ClaimRow]]
) -> InvitationOutcome:
    now = clock.now()
    contact = contact_for(bid, organisation)
    invitation = ClaimInvitation.objects.filter(bid=bid, organisation=organisation).first()
    created = invitation is None
    if invitation is None:
        invitation = ClaimInvitation(bid=bid, organisation=organisation, created_at=now)
    # A new address (the bidder named a contact it had not named before): the link goes to it.
    new_address = not created and bool(contact.email) and contact.email != invitation.contact_email
    invitation.contact_name, invitation.contact_email, invitation.contact_phone = (
        contact.name,
        contact.email,
        contact.phone,
    )
    invitation.expires_at = expiry_for(bid.exercise, now)

    earlier: dict[tuple[str, tuple[tuple[str, str], ...]], list[ClaimItem]] = defaultdict(list)
    for item in invitation.items.all() if not created else []:
        earlier[(item.kind, claims.fingerprint(item.figures_now))].append(item)

    kept: list[tuple[ClaimItem, str, claims.ClaimRow]] = []
    fresh: list[tuple[str, claims.ClaimRow]] = []
    for kind, row in rows:
        matches = earlier.get((kind, claims.fingerprint(claims.figures(kind, row))))
        if matches:
            kept.append((matches.pop(0), kind, row))
        else:
            fresh.append((kind, row))

    asked_again = created or bool(fresh) or new_address
    if asked_again:
        tokens.issue(invitation)  # a new link: the earlier one, if any, stops working
    invitation.save()
    # Drop every earlier item not carried over (changed or removed claims), then re-point the kept ones
    # (a portal may have saved the claim rows again under new keys).
    ClaimItem.objects.filter(invitation=invitation).exclude(pk__in=[item.pk for item, _, _ in kept]).delete()
    for item, _kind, row in kept:
        if item.claim_pk != row.pk:
            item.claim_pk = row.pk
            item.save(update_fields=["claim_pk"])
        state = STATE_OF_ANSWER[item.answer].value if item.answer else ClaimState.UNANSWERED.value
        _set_state(row, state)
    for kind, row in fresh:
        ClaimItem.objects.create(
            invitation=invitation, kind=kind, claim_pk=row.pk, claimed=claims.figures(kind, row)
        )
        _set_state(row, ClaimState.UNANSWERED.value)
    return InvitationOutcome(invitation, created, asked_again)


def _set_state(row: claims.ClaimRow, state: str) -> None:
    if row.state != state:
        row.state = state
        row.save(update_fields=["state"])


def link_for(token: str) -> str:
    return settings.NETIMPACT_SITE_URL.rstrip("/") + reverse("confirmation:respond", args=[token])


def resend(invitation: ClaimInvitation) -> bool:
    """A new link for the invitation, emailed if there is an address (the earlier link stops working)."""
    with transaction.atomic():
        invitation.contact_email = (
            invitation.contact_email or contact_for(invitation.bid, invitation.organisation).email
        )
        invitation.expires_at = max(invitation.expires_at, expiry_for(invitation.bid.exercise))
        tokens.issue(invitation)
        invitation.save()
        if invitation.contact_email:
            pk = invitation.pk
            transaction.on_commit(lambda: send_invitation_email(pk))
    return bool(invitation.contact_email)


def send_invitation_email(invitation_pk: int) -> None:
    """Email the invitation's link now (called on commit). Plain text with an HTML alternative."""
    invitation = (
        ClaimInvitation.objects.select_related("bid__exercise", "bid__bidder", "organisation")
        .filter(pk=invitation_pk)
        .first()
    )
    if invitation is None or not invitation.contact_email:
        return
    token = tokens.current_token(invitation)
    if token is None:  # the secret key changed since the link was made: make a new one
        with transaction.atomic():
            token = tokens.issue(invitation)
            invitation.save(update_fields=["token_nonce", "token_hash"])
    context = letter_context(invitation, token)
    subject = f"Please confirm what a bid says about {invitation.organisation.name}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("confirmation/email/invitation.txt", context),
        to=[invitation.contact_email],
    )
    message.attach_alternative(render_to_string("confirmation/email/invitation.html", context), "text/html")
    message.send()
    ClaimInvitation.objects.filter(pk=invitation.pk).update(
        sent_at=clock.now(), send_count=invitation.send_count + 1
    )


def letter_context(invitation: ClaimInvitation, token: str) -> dict[str, object]:
    """What the email and the printable letter say."""
    bid = invitation.bid
    rows = {
        (kind, row.pk): row for kind, row in claims.claims_by_partner(bid).get(invitation.organisation_id, [])
    }
    sentences = [
        claims.describe(item.kind, item.figures_now, bid.bidder.name)
        for item in invitation.items.all()
        if (item.kind, item.claim_pk) in rows
    ]
    return {
        "invitation": invitation,
        "bid": bid,
        "exercise": bid.exercise,
        "bidder": bid.bidder.name,
        "partner": invitation.organisation.name,
        "claims": sentences,
        "link": link_for(token),
        "reply_by": invitation.expires_at,
    }
