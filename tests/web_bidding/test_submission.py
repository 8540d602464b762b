"""Submitting, withdrawing and reopening a bid; after the deadline, every write path refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from netimpact.web.accounts.models import User
from netimpact.web.audit.models import AuditEvent, AuditKind
from netimpact.web.bidding import drafts
from netimpact.web.commissioning import models as m
from netimpact.web.commissioning.signals import bid_submitted
from netimpact.web.register.models import Organisation, Service

from .conftest import AUTOSAVE_HEADER, after_deadline, bidder_user, client_for, make_submittable, url

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_submitting_records_the_time_audits_and_tells_the_listeners_inside_the_transaction(
    bidder, draft, clock, django_capture_on_commit_callbacks
):
    make_submittable(draft)
    heard = []

    def listener(sender, bid, by, **kwargs):
        # Inside the submitting transaction: the bid is already submitted, and the event recorded.
        heard.append(
            (bid.key, bid.status, by.username, AuditEvent.objects.filter(kind="bid_submitted").count())
        )

    bid_submitted.connect(listener)
    try:
        response = bidder.post(url("check", draft), {"confirm": "on"})
    finally:
        bid_submitted.disconnect(listener)
    assert response.status_code == 302 and response["Location"] == url("submitted", draft)
    draft.refresh_from_db()
    assert draft.status == m.BidStatus.SUBMITTED and draft.submitted_at == clock.at
    assert heard == [(draft.key, "submitted", "bidder1", 1)]
    event = AuditEvent.objects.get(kind=AuditKind.BID_SUBMITTED)
    assert event.exercise_key == draft.exercise.key and event.details["bid"] == draft.key
    assert draft.bidder.name not in event.summary  # who bids stays sealed too
    assert "bidder1" not in event.actor_label and event.actor.username == "bidder1"
    history = client_for(User.objects.get(username="officer")).get(
        reverse("audit:exercise_history", args=[draft.exercise.key])
    )
    assert f"Bid {draft.key} submitted" in history.content.decode()
    assert "bidder1" not in history.content.decode() and draft.bidder.name not in history.content.decode()
    confirmation = bidder.get(url("submitted", draft)).content.decode()
    assert "govuk-panel--confirmation" in confirmation and draft.key in confirmation


def test_the_declaration_must_be_confirmed(bidder, draft):
    make_submittable(draft)
    response = bidder.post(url("check", draft), {})
    assert response.status_code == 400 and "Confirm the declaration" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == m.BidStatus.DRAFT


def test_a_listener_that_fails_leaves_the_bid_a_draft(bidder, draft):
    make_submittable(draft)

    def broken(sender, **kwargs):
        raise RuntimeError("mail server down")

    bid_submitted.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            bidder.post(url("check", draft), {"confirm": "on"})
    finally:
        bid_submitted.disconnect(broken)
    draft.refresh_from_db()
    assert draft.status == m.BidStatus.DRAFT
    assert not AuditEvent.objects.filter(kind=AuditKind.BID_SUBMITTED).exists()


def test_withdraw_and_reopen_before_the_deadline(bidder, draft):
    make_submittable(draft)
    drafts.submit(draft, bidder_user(1))
    # A submitted bid is not edited in place: reopen first.
    refused = bidder.post(url("details", draft), {"version": draft.version + 1, "title": "Changed"})
    assert refused.status_code == 403 and "Reopen it to make changes" in refused.content.decode()

    assert bidder.get(url("withdraw", draft)).status_code == 200
    assert bidder.post(url("withdraw", draft)).status_code == 302
    draft.refresh_from_db()
    assert draft.status == m.BidStatus.WITHDRAWN and draft.submitted_at is None
    assert AuditEvent.objects.filter(kind=AuditKind.BID_WITHDRAWN).count() == 1

    assert bidder.post(url("reopen", draft)).status_code == 302
    draft.refresh_from_db()
    assert draft.status == m.BidStatus.DRAFT
    page = bidder.get(url("bid", draft)).content.decode()
    assert "Check your answers and submit" in page  # must be submitted again


def test_reopening_a_submitted_bid_takes_it_out_of_the_evaluation_until_resubmitted(bidder, draft):
    make_submittable(draft)
    drafts.submit(draft, bidder_user(1))
    bidder.post(url("reopen", draft))
    draft.refresh_from_db()
    assert draft.status == m.BidStatus.DRAFT and draft.submitted_at is None
    event = AuditEvent.objects.filter(kind=AuditKind.BID_WITHDRAWN).get()
    assert "must be submitted again" in event.summary


# ------------------------------------------------------------------ after the deadline nothing changes


def _write_attempts(draft: m.Bid) -> list[tuple[str, str, dict, dict]]:
    """(what, url, data, headers): every way the portal writes to a bid."""
    service = Service.objects.exclude(organisation=draft.bidder).first()
    partner = Organisation.objects.exclude(pk=draft.bidder_id).first()
    question = draft.exercise.quality_questions.first()
    v = {"version": draft.version}
    attached = m.BidAttachment.objects.get(bid=draft)
    return [
        ("details", url("details", draft), {**v, "title": "Late"}, {}),
        ("details autosave", url("details", draft), {**v, "title": "Late"}, {AUTOSAVE_HEADER: "1"}),
        ("service", url("service", draft), {**v, "service_name": "Late"}, {}),
        ("price", url("price", draft), {**v, "price": "1"}, {}),
        ("price autosave", url("price", draft), {**v, "price": "1"}, {AUTOSAVE_HEADER: "1"}),
        ("answer", url("answer", draft, question.key), {**v, "text": "Late"}, {}),
        ("contacts", url("contacts", draft), v, {}),
        ("join-up", url("joinup", draft), {"partner_service": service.pk, "mechanism": "co_location"}, {}),
        (
            "subcontract",
            url("commitments", draft),
            {"add": "subcontract", "sub-partner": partner.pk, "sub-amount": "1"},
            {},
        ),
        (
            "commitment",
            url("commitments", draft),
            {"add": "commitment", "com-kind": "local_jobs", "com-quantity": "1"},
            {},
        ),
        ("remove a row", url("remove_row", draft, "partnership", draft.partnerships.get().pk), {}, {}),
        ("upload", url("attachments", draft), {"file": SimpleUploadedFile("late.pdf", PDF)}, {}),
        ("delete a file", url("remove_attachment", draft, attached.pk), {}, {}),
        ("submit", url("check", draft), {"confirm": "on"}, {}),
        ("withdraw", url("withdraw", draft), {}, {}),
        ("reopen", url("reopen", draft), {}, {}),
    ]


@pytest.mark.parametrize("submitted", [False, True], ids=["draft", "submitted"])
def test_after_the_deadline_every_write_path_refuses_with_a_clear_message(bidder, draft, clock, submitted):
    make_submittable(draft)
    joined = Service.objects.exclude(organisation=draft.bidder).first()
    m.Partnership.objects.create(bid=draft, partner_service=joined, mechanism="co_location")
    m.PartnerContact.objects.create(bid=draft, organisation=joined.organisation, name="Jo", phone="0117")
    drafts.touch(
        draft,
        lambda bid: m.BidAttachment.objects.create(
            bid=bid,
            file=SimpleUploadedFile("a.pdf", PDF),
            name="a.pdf",
            size=len(PDF),
            content_type="application/pdf",
            uploaded_at=clock.at,
        ),
    )
    if submitted:
        drafts.submit(draft, bidder_user(1))
    draft.refresh_from_db()
    before = (draft.version, draft.status, draft.title, draft.price_per_year)
    attempts = _write_attempts(draft)
    after_deadline(clock, draft.exercise)
    for what, address, data, headers in attempts:
        response = bidder.post(address, data, headers=headers)
        assert response.status_code == 403, what
        text = response.json()["message"] if headers else response.content.decode()
        assert "closed at 12:00 UK time on" in text, what
        assert "Nothing in a bid can change after the deadline" in text, what
    draft.refresh_from_db()
    assert (draft.version, draft.status, draft.title, draft.price_per_year) == before
    assert draft.partnerships.count() == 1 and draft.attachments.count() == 1
    assert draft.subcontracts.count() == 0 and draft.commitments.count() == 0


def test_one_second_before_the_deadline_a_draft_still_saves(bidder, draft, clock):
    clock.set(draft.exercise.closes_at - timedelta(seconds=1))
    response = bidder.post(url("details", draft), {"version": draft.version, "title": "Just in time"})
    assert response.status_code == 302


def test_a_bid_cannot_be_started_after_the_deadline(bidder, open_exercise, clock):
    from django.urls import reverse

    after_deadline(clock, open_exercise)
    response = bidder.post(reverse("bidding:exercise", args=[open_exercise.key]))
    assert response.status_code == 403 and "not open for bids" in response.content.decode()
    assert not m.Bid.objects.filter(exercise=open_exercise).exists()
