"""Partner confirmation tests: the demo city from tests/conftest.py, plus a bid made here with one claim of
each kind about one partner, submitted by sending bid_submitted as the bidder portal does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client

from netimpact.domain.demo_city import DemoCity
from netimpact.web.accounts.models import Role, User
from netimpact.web.commissioning import models as cm
from netimpact.web.commissioning.signals import bid_submitted
from netimpact.web.confirmation import tokens
from netimpact.web.confirmation.models import ClaimInvitation
from netimpact.web.register.models import Organisation, Service

PARTNER_EMAIL = "pat.jones@partner.example"


@dataclass
class TestBid:
    bid: cm.Bid
    partner: Organisation
    subcontract: cm.Subcontract
    partnership: cm.Partnership
    commitment: cm.Commitment

    def refresh(self) -> None:
        for row in (self.subcontract, self.partnership, self.commitment):
            row.refresh_from_db()


def submit(bid: cm.Bid, by: object = None) -> None:
    """What the bidder portal does: mark the bid submitted and send the signal inside one transaction."""
    with transaction.atomic():
        cm.Bid.objects.filter(pk=bid.pk).update(status=cm.BidStatus.SUBMITTED)
        bid.status = cm.BidStatus.SUBMITTED
        bid_submitted.send(sender=cm.Bid, bid=bid, by=by)


def invitation_of(made: TestBid) -> ClaimInvitation:
    return ClaimInvitation.objects.get(bid=made.bid, organisation=made.partner)


def link_of(invitation: ClaimInvitation) -> str:
    token = tokens.current_token(invitation)
    assert token is not None
    return f"/confirm/{token}/"


@pytest.fixture
def exercise(demo_register: DemoCity, db: None, clock) -> cm.Exercise:
    """The demo exercise with its deadline a week ahead: bids are sealed, partners are being asked."""
    found = cm.Exercise.objects.get(key=demo_register.exercise.id)
    found.deadline = (clock.at + timedelta(days=7)).date()
    found.save(update_fields=["deadline"])
    return found


@pytest.fixture
def make_bid(exercise: cm.Exercise):
    """make_bid(key="T-1", email=True) -> a draft bid with one claim of each kind about one partner."""

    def build(key: str = "T-1", email: bool = True) -> TestBid:
        demo_bidders = set(cm.Bid.objects.values_list("bidder_id", flat=True))
        partner_user = User.objects.filter(role=Role.PARTNER).first()
        taken = {partner_user.organisation_id} if partner_user else set()
        service = (
            Service.objects.exclude(organisation_id__in=demo_bidders | taken)
            .select_related("organisation")
            .order_by("pk")
            .first()
        )
        partner = service.organisation
        bidder = (
            Organisation.objects.exclude(pk=partner.pk).filter(pk__in=demo_bidders).order_by("pk").first()
        )
        bid = cm.Bid.objects.create(
            key=key,
            exercise=exercise,
            bidder=bidder,
            title=f"Recovery together ({key})",
            price_per_year=900_000,
            service_name="Recovery hub",
            service_capacity_per_year=300,
        )
        made = TestBid(
            bid=bid,
            partner=partner,
            subcontract=cm.Subcontract.objects.create(
                bid=bid, partner=partner, amount_per_year=12_000, description="Peer mentoring"
            ),
            partnership=cm.Partnership.objects.create(
                bid=bid, partner_service=service, mechanism="referral_route"
            ),
            commitment=cm.Commitment.objects.create(
                bid=bid, kind="volunteering_hours", quantity_per_year=400, partner=partner
            ),
        )
        if email:
            cm.PartnerContact.objects.create(
                bid=bid, organisation=partner, name="Pat Jones", email=PARTNER_EMAIL
            )
        return made

    return build


@pytest.fixture
def submitted(make_bid, django_capture_on_commit_callbacks) -> TestBid:
    made = make_bid()
    with django_capture_on_commit_callbacks(execute=True):
        submit(made.bid)
    return made


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def answer_all(invitation: ClaimInvitation, answer: str = "confirm", **extra: str) -> dict[str, str]:
    data = {"responder-name": "Pat Jones", "responder-role": "Chief executive"}
    for item in invitation.items.all():
        data[f"answer-{item.pk}"] = answer
    data.update(extra)
    return data
