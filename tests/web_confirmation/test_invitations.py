"""Invitations: one per partner per bid on submission, emailed only once the submission commits; a
resubmission asks again only about claims that changed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from netimpact.web.accounts.models import Role, User
from netimpact.web.commissioning import models as cm
from netimpact.web.confirmation import tokens
from netimpact.web.confirmation.answers import ItemAnswer, Reply, record_reply
from netimpact.web.confirmation.invitations import ANSWER_PERIOD
from netimpact.web.confirmation.models import ClaimInvitation, ClaimItem

from .conftest import PARTNER_EMAIL, invitation_of, submit

pytestmark = pytest.mark.django_db


def test_a_submission_invites_each_named_partner_once_covering_all_its_claims(submitted):
    invitation = invitation_of(submitted)
    assert ClaimInvitation.objects.filter(bid=submitted.bid).count() == 1
    assert sorted(invitation.items.values_list("kind", flat=True)) == [
        "commitment",
        "partnership",
        "subcontract",
    ]
    submitted.refresh()
    # Each claim waits for the partner, including the commitment (stored confirmed by default).
    assert {submitted.subcontract.state, submitted.partnership.state, submitted.commitment.state} == {
        "unanswered"
    }
    assert (invitation.contact_name, invitation.contact_email) == ("Pat Jones", PARTNER_EMAIL)
    assert invitation.expires_at == submitted.bid.exercise.closes_at + ANSWER_PERIOD


def test_only_a_hash_of_the_token_is_stored_and_the_token_has_256_bits(submitted):
    invitation = invitation_of(submitted)
    token = tokens.current_token(invitation)
    assert token is not None and len(token) == tokens.TOKEN_LENGTH
    stored = [str(v) for v in ClaimInvitation.objects.filter(pk=invitation.pk).values().first().values()]
    assert token not in stored
    assert invitation.token_hash == tokens.hash_of(token)
    assert tokens.find(token) == invitation
    assert tokens.find(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert tokens.find("short") is None


def test_the_email_names_the_bid_the_bidder_the_claims_the_link_and_the_reply_by_date(submitted):
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    invitation = invitation_of(submitted)
    link = f"/confirm/{tokens.current_token(invitation)}/"
    assert message.to == [PARTNER_EMAIL]
    assert submitted.partner.name in message.subject
    for text in (message.body, message.alternatives[0][0]):
        assert submitted.bid.title in text
        assert submitted.bid.bidder.name in text
        assert link in text
        assert "£12,000 a year as a subcontract" in text
        assert f"{invitation.expires_at:%-d %B %Y}" in text
    assert message.alternatives[0][1] == "text/html"
    assert ClaimInvitation.objects.get(pk=invitation.pk).sent_at is not None


def test_no_email_leaves_and_no_invitation_stays_for_a_submission_that_rolled_back(
    make_bid, django_capture_on_commit_callbacks
):
    made = make_bid()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        submit(made.bid)
        raise RuntimeError("the portal failed after sending the signal")
    assert callbacks == []
    assert mail.outbox == []
    assert not ClaimInvitation.objects.filter(bid=made.bid).exists()


def test_without_a_named_contact_the_partner_accounts_email_is_used(
    make_bid, django_capture_on_commit_callbacks
):
    made = make_bid(email=False)
    User.objects.create_user(
        "partner-x", "x@partner.example", "pw-not-used-0", role=Role.PARTNER, organisation=made.partner
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit(made.bid)
    assert [m.to for m in mail.outbox] == [["x@partner.example"]]


def test_without_any_email_the_invitation_waits_for_a_printed_letter(
    make_bid, django_capture_on_commit_callbacks
):
    made = make_bid(email=False)
    with django_capture_on_commit_callbacks(execute=True):
        submit(made.bid)
    assert mail.outbox == []
    invitation = invitation_of(made)
    assert invitation.contact_email == "" and invitation.sent_at is None


def _confirm_all(invitation: ClaimInvitation) -> None:
    reply = Reply(
        "Pat Jones", "Chief executive", {i.pk: ItemAnswer("confirm") for i in invitation.items.all()}
    )
    record_reply(invitation, reply)


def test_an_unchanged_resubmission_sends_nothing_and_keeps_the_answers(
    submitted, django_capture_on_commit_callbacks
):
    invitation = invitation_of(submitted)
    token = tokens.current_token(invitation)
    _confirm_all(invitation)
    with django_capture_on_commit_callbacks(execute=True):
        cm.Bid.objects.filter(pk=submitted.bid.pk).update(status=cm.BidStatus.DRAFT)  # reopened
        submit(submitted.bid)
    assert len(mail.outbox) == 1  # only the first
    submitted.refresh()
    assert {submitted.subcontract.state, submitted.partnership.state, submitted.commitment.state} == {
        "confirmed"
    }
    assert tokens.find(token) == invitation  # the same link still works


def test_a_changed_claim_is_asked_about_again_and_only_it_loses_its_answer(
    submitted, django_capture_on_commit_callbacks
):
    invitation = invitation_of(submitted)
    old_token = tokens.current_token(invitation)
    _confirm_all(invitation)
    # The portal may save the claim rows again under new keys: an unchanged claim must keep its answer.
    partnership = submitted.partnership
    submitted.partnership = cm.Partnership.objects.create(
        bid=submitted.bid, partner_service=partnership.partner_service, mechanism=partnership.mechanism
    )
    partnership.delete()
    cm.Subcontract.objects.filter(pk=submitted.subcontract.pk).update(amount_per_year=20_000)
    with django_capture_on_commit_callbacks(execute=True):
        submit(submitted.bid)
    submitted.refresh()
    assert submitted.subcontract.state == "unanswered"
    assert submitted.partnership.state == "confirmed"
    assert submitted.commitment.state == "confirmed"
    assert len(mail.outbox) == 2 and "£20,000" in mail.outbox[1].body
    assert tokens.find(old_token) is None  # the earlier link stops working
    assert tokens.find(tokens.current_token(invitation_of(submitted))) is not None
    items = {i.kind: i for i in ClaimItem.objects.filter(invitation=invitation)}
    assert (
        items["partnership"].claim_pk == submitted.partnership.pk and items["partnership"].answer == "confirm"
    )
    assert items["subcontract"].answer == ""


def test_a_partner_the_bid_no_longer_names_loses_its_invitation(
    submitted, django_capture_on_commit_callbacks
):
    for model in (cm.Subcontract, cm.Partnership, cm.Commitment):
        model.objects.filter(bid=submitted.bid).delete()
    with django_capture_on_commit_callbacks(execute=True):
        submit(submitted.bid)
    assert not ClaimInvitation.objects.filter(bid=submitted.bid).exists()


def test_a_resubmission_naming_a_new_contact_email_sends_the_link_there(
    make_bid, django_capture_on_commit_callbacks
):
    made = make_bid(email=False)
    with django_capture_on_commit_callbacks(execute=True):
        submit(made.bid)
    assert mail.outbox == []
    cm.PartnerContact.objects.create(
        bid=made.bid, organisation=made.partner, name="Ali", email="ali@p.example"
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit(made.bid)
    assert [m.to for m in mail.outbox] == [["ali@p.example"]]
    assert invitation_of(made).contact_email == "ali@p.example"
