"""The officer's view of the claims (after the deadline only), resending, printable letters, the include."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import Client

from netimpact.web.accounts.models import Role, User
from netimpact.web.commissioning import models as cm
from netimpact.web.confirmation import tokens
from netimpact.web.confirmation.claims import claims_for_bid

from .conftest import answer_all, client_for, invitation_of, link_of

pytestmark = pytest.mark.django_db


def _after_the_deadline(clock, exercise: cm.Exercise) -> None:
    clock.set(exercise.closes_at + timedelta(minutes=1))


def _claims_url(submitted) -> str:
    return f"/exercises/{submitted.bid.exercise.key}/claims/"


def test_before_the_deadline_the_officer_sees_nothing_of_the_claims(submitted, signed_in):
    response = signed_in("officer").get(_claims_url(submitted))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Bids are sealed" in page
    assert submitted.partner.name not in page and "£12,000" not in page
    invitation = invitation_of(submitted)
    key = submitted.bid.exercise.key
    assert (
        signed_in("officer").get(f"/exercises/{key}/claims/invitations/{invitation.pk}/letter/").status_code
        == 403
    )
    assert (
        signed_in("officer").post(f"/exercises/{key}/claims/invitations/{invitation.pk}/resend/").status_code
        == 403
    )


def test_after_the_deadline_the_officer_sees_each_claims_state_and_the_dispute_reason(
    submitted, signed_in, clock
):
    invitation = invitation_of(submitted)
    pk = invitation.items.get(kind="subcontract").pk
    Client().post(
        link_of(invitation),
        answer_all(
            invitation,
            **{f"answer-{pk}": "dispute", f"dispute-reason-{pk}": "We never agreed a subcontract."},
        ),
    )
    _after_the_deadline(clock, submitted.bid.exercise)
    response = signed_in("officer").get(_claims_url(submitted))
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-tag--red" in page and "We never agreed a subcontract." in page
    assert "govuk-tag--green" in page and "Pat Jones, Chief executive" in page
    # The demo's own bids are listed too, with their stored states.
    assert page.count("ni-claims-table") >= 4


@pytest.mark.parametrize("role", ["public", "panel", "bidder", "partner"])
def test_only_officers_open_the_claims_view_or_resend(submitted, signed_in, clock, role):
    _after_the_deadline(clock, submitted.bid.exercise)
    invitation = invitation_of(submitted)
    client = signed_in(role)
    expected = 302 if role == "public" else 403
    assert client.get(_claims_url(submitted)).status_code == expected
    assert client.post(f"{_claims_url(submitted)}invitations/{invitation.pk}/resend/").status_code == expected
    assert tokens.find(tokens.current_token(invitation)) == invitation  # nothing was changed


def test_resending_emails_a_new_link_and_the_old_one_stops_working(
    submitted, signed_in, clock, django_capture_on_commit_callbacks
):
    _after_the_deadline(clock, submitted.bid.exercise)
    invitation = invitation_of(submitted)
    old = link_of(invitation)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in("officer").post(f"{_claims_url(submitted)}invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    new = link_of(invitation_of(submitted))
    assert new != old and new in mail.outbox[1].body
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_the_officer_prints_a_letter_with_the_link_written_out(submitted, signed_in, clock):
    _after_the_deadline(clock, submitted.bid.exercise)
    invitation = invitation_of(submitted)
    response = signed_in("officer").get(f"{_claims_url(submitted)}invitations/{invitation.pk}/letter/")
    assert response.status_code == 200 and response["Referrer-Policy"] == "same-origin"
    page = response.content.decode()
    assert link_of(invitation) in page and "letter.css" in page
    assert Client().get(link_of(invitation)).status_code == 200  # printing did not change the link
    assert invitation_of(submitted).letter_printed_by.role == Role.OFFICER


def test_a_bidder_prints_the_letter_for_its_own_bid_only_where_there_is_no_email(
    make_bid, django_capture_on_commit_callbacks
):
    from .conftest import submit

    made = make_bid(key="T-2", email=False)
    with django_capture_on_commit_callbacks(execute=True):
        submit(made.bid)
    invitation = invitation_of(made)
    url = f"/exercises/{made.bid.exercise.key}/claims/invitations/{invitation.pk}/letter/"
    own = User.objects.create_user(
        "bidder-t", "", "pw-not-used-0", role=Role.BIDDER, organisation=made.bid.bidder
    )
    other = User.objects.filter(role=Role.BIDDER).exclude(organisation=made.bid.bidder).first()
    page = client_for(own).get(url)
    assert page.status_code == 200 and link_of(invitation) in page.content.decode()
    assert client_for(other).get(url).status_code == 404
    # Where the partner has an email address, the link goes to it directly, not through the bidder.
    invitation.contact_email = "someone@partner.example"
    invitation.save()
    assert client_for(own).get(url).status_code == 403


@pytest.mark.parametrize("role", ["public", "panel", "partner"])
def test_the_letter_is_refused_to_other_roles(submitted, signed_in, clock, role):
    _after_the_deadline(clock, submitted.bid.exercise)
    invitation = invitation_of(submitted)
    response = signed_in(role).get(f"{_claims_url(submitted)}invitations/{invitation.pk}/letter/")
    assert response.status_code == (302 if role == "public" else 403)


def test_claims_for_bid_and_the_include_show_states_and_the_dispute(submitted):
    invitation = invitation_of(submitted)
    pk = invitation.items.get(kind="commitment").pk
    Client().post(
        link_of(invitation),
        answer_all(
            invitation, **{f"answer-{pk}": "dispute", f"dispute-reason-{pk}": "No volunteers from us."}
        ),
    )
    views = {v.kind: v for v in claims_for_bid(submitted.bid)}
    assert set(views) == {"subcontract", "partnership", "commitment"}
    assert views["commitment"].disputed and views["commitment"].reason == "No volunteers from us."
    assert (
        views["subcontract"].state == "confirmed"
        and views["subcontract"].responder == "Pat Jones, Chief executive"
    )
    html = Template('{% include "confirmation/includes/bid_claims.html" with bid=bid %}').render(
        Context({"bid": submitted.bid})
    )
    assert html.count("govuk-tag--green") == 2 and html.count("govuk-tag--red") == 1
    assert "Disputed by the partner:" in html and "No volunteers from us." in html


def test_a_bidder_sees_its_own_bids_invitations_with_letters_only_where_there_is_no_email(
    make_bid, django_capture_on_commit_callbacks, signed_in
):
    from .conftest import submit

    made = make_bid(key="T-3", email=False)
    with django_capture_on_commit_callbacks(execute=True):
        submit(made.bid)
    invitation = invitation_of(made)
    url = f"/exercises/{made.bid.exercise.key}/claims/your-bids/"
    own = User.objects.create_user(
        "bidder-u", "", "pw-not-used-0", role=Role.BIDDER, organisation=made.bid.bidder
    )
    page = client_for(own).get(url).content.decode()
    assert made.partner.name in page and f"/claims/invitations/{invitation.pk}/letter/" in page
    other = User.objects.filter(role=Role.BIDDER).exclude(organisation=made.bid.bidder).first()
    assert made.partner.name not in client_for(other).get(url).content.decode()
    for role in ("officer", "panel", "partner"):
        assert signed_in(role).get(url).status_code == 403
