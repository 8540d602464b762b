"""The partner's page (by link, no account) and the signed-in partner's pages."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from netimpact.web.accounts.models import Role, User
from netimpact.web.audit.models import AuditEvent, AuditKind
from netimpact.web.commissioning import models as cm
from netimpact.web.confirmation import invitations, tokens
from netimpact.web.confirmation.logging import redact

from .conftest import answer_all, client_for, invitation_of, link_of

pytestmark = pytest.mark.django_db


def test_the_link_opens_the_page_with_the_claims_in_plain_words_and_no_referrer(submitted):
    response = Client().get(link_of(invitation_of(submitted)))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert submitted.bid.bidder.name in page and submitted.bid.title in page
    assert "will pay" in page and "£12,000 a year as a subcontract" in page
    assert "referral route" in page
    assert page.count('type="radio"') == 9  # confirm, dispute, amend for each of the three claims


def test_confirming_every_claim_sets_the_states_and_records_who_answered(submitted):
    invitation = invitation_of(submitted)
    link = link_of(invitation)
    response = Client().post(link, answer_all(invitation))
    assert response.status_code == 302 and response["Location"] == f"{link}?done=yes"
    submitted.refresh()
    assert {submitted.subcontract.state, submitted.partnership.state, submitted.commitment.state} == {
        "confirmed"
    }
    events = list(AuditEvent.objects.filter(kind=AuditKind.CLAIM_CONFIRMED))
    assert len(events) == 3
    assert all(e.actor is None and e.details["responder_name"] == "Pat Jones" for e in events)
    assert all(e.details["via"] == "confirmation link" for e in events)
    done = Client().get(f"{link}?done=yes").content.decode()
    assert "Answers sent" in done and "govuk-panel--confirmation" in done


def test_a_dispute_without_a_reason_is_refused_and_what_was_typed_is_kept(submitted):
    invitation = invitation_of(submitted)
    dispute_pk = invitation.items.get(kind="subcontract").pk
    data = answer_all(invitation, **{f"answer-{dispute_pk}": "dispute", f"dispute-reason-{dispute_pk}": "  "})
    data["responder-name"] = "Pat Q. Jones"
    response = Client().post(link_of(invitation), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Enter why claim 1 is wrong" in page
    assert f'href="#dispute-reason-{dispute_pk}"' in page
    assert 'value="Pat Q. Jones"' in page
    assert (
        f'id="answer-{dispute_pk}-dispute" name="answer-{dispute_pk}" type="radio" value="dispute" '
        f'data-aria-controls="conditional-dispute-{dispute_pk}" checked' in page
    )
    # Nothing was written: all or nothing.
    submitted.refresh()
    assert {submitted.subcontract.state, submitted.partnership.state, submitted.commitment.state} == {
        "unanswered"
    }
    assert not AuditEvent.objects.filter(kind__startswith="claim_").exists()


def test_a_dispute_with_a_reason_marks_the_claim_disputed(submitted):
    invitation = invitation_of(submitted)
    pk = invitation.items.get(kind="partnership").pk
    data = answer_all(
        invitation, **{f"answer-{pk}": "dispute", f"dispute-reason-{pk}": "We have no referral route."}
    )
    assert Client().post(link_of(invitation), data).status_code == 302
    submitted.refresh()
    assert submitted.partnership.state == "disputed"
    event = AuditEvent.objects.get(kind=AuditKind.CLAIM_DISPUTED)
    assert event.details["reason"] == "We have no referral route."


def test_an_amendment_counts_at_the_partners_figure_and_keeps_the_bids(submitted):
    invitation = invitation_of(submitted)
    pk = invitation.items.get(kind="subcontract").pk
    data = answer_all(
        invitation,
        **{
            f"answer-{pk}": "amend",
            f"amend-figure-{pk}": "£8,500",
            f"amend-reason-{pk}": "We agreed £8,500.",
        },
    )
    assert Client().post(link_of(invitation), data).status_code == 302
    submitted.refresh()
    assert submitted.subcontract.state == "confirmed"
    assert submitted.subcontract.amount_per_year == 8_500
    item = invitation.items.get(pk=pk)
    assert item.claimed["amount_per_year"] == 12_000 and item.amended == {"amount_per_year": 8_500}
    event = AuditEvent.objects.get(kind=AuditKind.CLAIM_AMENDED)
    assert event.details["original"] == {"amount_per_year": 12_000}
    assert event.details["amended"] == {"amount_per_year": 8_500}


def test_an_amendment_needs_a_figure_that_is_a_number_and_a_reason(submitted):
    invitation = invitation_of(submitted)
    pk = invitation.items.get(kind="subcontract").pk
    data = answer_all(invitation, **{f"answer-{pk}": "amend", f"amend-figure-{pk}": "lots"})
    page = Client().post(link_of(invitation), data).content.decode()
    assert "The correct figure for claim 1 must be a number of pounds a year" in page
    assert "Enter why claim 1 needs amending" in page
    assert 'value="lots"' in page


def test_every_claim_needs_an_answer_and_a_partnership_is_amended_by_its_description(submitted):
    invitation = invitation_of(submitted)
    link = link_of(invitation)
    pk = invitation.items.get(kind="partnership").pk
    data = answer_all(invitation)
    del data[f"answer-{pk}"]
    data["responder-role"] = ""
    response = Client().post(link, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Select whether you confirm, dispute or amend claim 2" in page
    assert "Enter your role at your organisation" in page
    data = answer_all(
        invitation,
        **{
            f"answer-{pk}": "amend",
            f"amend-description-{pk}": "Referrals for people leaving hospital only",
            f"amend-reason-{pk}": "Narrower than the bid says",
        },
    )
    assert Client().post(link, data).status_code == 302
    submitted.refresh()
    assert submitted.partnership.state == "confirmed"
    assert submitted.partnership.description == "Referrals for people leaving hospital only"
    assert submitted.partnership.mechanism == "referral_route"


def test_an_answered_link_shows_the_answers_and_allows_a_change_until_it_expires(submitted, clock):
    invitation = invitation_of(submitted)
    link = link_of(invitation)
    Client().post(link, answer_all(invitation))
    page = Client().get(link).content.decode()
    assert "You have already answered" in page and "Change your answers" in page and "Pat Jones" in page
    changing = Client().get(f"{link}?change=yes").content.decode()
    assert 'value="confirm" checked' in changing and 'value="Chief executive"' in changing
    pk = invitation.items.get(kind="commitment").pk
    data = answer_all(
        invitation, **{f"answer-{pk}": "dispute", f"dispute-reason-{pk}": "No volunteers from us."}
    )
    assert Client().post(link, data).status_code == 302
    submitted.refresh()
    assert submitted.commitment.state == "disputed"

    clock.move(invitation.expires_at - clock.at + timedelta(seconds=1))
    expired = Client().get(link)
    assert expired.status_code == 410 and "This link has expired" in expired.content.decode()
    assert "No volunteers from us." in expired.content.decode()
    assert Client().post(link, answer_all(invitation)).status_code == 410
    submitted.refresh()
    assert submitted.commitment.state == "disputed"


def test_an_unknown_or_replaced_link_gets_a_clear_page_and_is_not_logged(submitted, caplog):
    invitation = invitation_of(submitted)
    old = link_of(invitation)
    invitations.resend(invitation)
    with caplog.at_level(logging.INFO):
        response = Client().get(old)
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"
    token = old.split("/")[2]
    assert token not in caplog.text
    assert "/confirm/[token]/" in caplog.text  # Django's "Not Found" warning, with the token taken out
    assert Client().post(old, answer_all(invitation)).status_code == 404


def test_the_log_filter_takes_tokens_out_of_request_lines():
    line = '"GET /confirm/abcDEF123_-xyzabcDEF123_-xyzabcDEF123_-xyzabcD/?done=yes HTTP/1.1" 200'
    assert redact(line) == '"GET /confirm/[token]/?done=yes HTTP/1.1" 200'
    assert redact("/confirm/your-claims/3/") == "/confirm/your-claims/3/"


def test_a_reopened_bid_is_not_answered_until_it_is_submitted_again(submitted):
    invitation = invitation_of(submitted)
    cm.Bid.objects.filter(pk=submitted.bid.pk).update(status=cm.BidStatus.DRAFT)
    response = Client().post(link_of(invitation), answer_all(invitation))
    assert response.status_code == 409 and "This bid is being changed" in response.content.decode()
    submitted.refresh()
    assert submitted.subcontract.state == "unanswered"


# ------------------------------------------------------------------------- the signed-in partner


@pytest.fixture
def partner_user(submitted) -> User:
    return User.objects.create_user(
        "partner-t", "t@partner.example", "pw-not-used-0", role=Role.PARTNER, organisation=submitted.partner
    )


def test_a_signed_in_partner_sees_every_claim_naming_it_and_answers_on_the_same_form(submitted, partner_user):
    client = client_for(partner_user)
    page = client.get("/confirm/your-claims/").content.decode()
    invitation = invitation_of(submitted)
    assert submitted.bid.title in page and "£12,000 a year as a subcontract" in page
    assert f"/confirm/your-claims/{invitation.pk}/" in page
    form = client.get(f"/confirm/your-claims/{invitation.pk}/")
    assert form.status_code == 200 and form["Referrer-Policy"] == "same-origin"
    assert client.post(f"/confirm/your-claims/{invitation.pk}/", answer_all(invitation)).status_code == 302
    submitted.refresh()
    assert submitted.subcontract.state == "confirmed"
    event = AuditEvent.objects.filter(kind=AuditKind.CLAIM_CONFIRMED).first()
    assert event.actor == partner_user and event.details["via"] == "partner account"


def test_a_partner_cannot_open_or_answer_another_organisations_claims(submitted, signed_in):
    invitation = invitation_of(submitted)
    other = signed_in("partner")  # the demo partner speaks for another organisation
    assert other.get(f"/confirm/your-claims/{invitation.pk}/").status_code == 404
    assert other.post(f"/confirm/your-claims/{invitation.pk}/", answer_all(invitation)).status_code == 404
    assert submitted.bid.title not in other.get("/confirm/your-claims/").content.decode()
    submitted.refresh()
    assert submitted.subcontract.state == "unanswered"


@pytest.mark.parametrize("role", ["officer", "panel", "bidder"])
def test_other_roles_are_refused_the_partners_pages(submitted, signed_in, role):
    invitation = invitation_of(submitted)
    client = signed_in(role)
    assert client.get("/confirm/your-claims/").status_code == 403
    assert client.post(f"/confirm/your-claims/{invitation.pk}/", answer_all(invitation)).status_code == 403


def test_the_public_is_sent_to_sign_in_for_the_partners_list(submitted):
    response = Client().get("/confirm/your-claims/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_tokens_compare_by_hash(submitted):
    invitation = invitation_of(submitted)
    assert tokens.find(tokens.token_for(invitation.token_nonce)) == invitation
